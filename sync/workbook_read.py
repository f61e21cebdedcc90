"""Reading head office's master workbook into canonical records, and reporting every bad cell.

The workbook is checked before any reader touches it (a zip of sane size with no XML entity
declarations), then read with python-calamine (several times faster than openpyxl). Each ledger sheet is
found by name, its header row searched for (title rows above it are common), its columns matched by
header name in either language. A cell that cannot be read as its field's kind is reported with sheet,
row, column and raw value, and counts as unchanged for the merge, so it is never overwritten.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.fields import Kind
from models.i18n import QT_TRANSLATE_NOOP, os_reason
from sync.columns import (
    RECORD_STATUS,
    SYNC_ORDER,
    Role,
    SheetLayout,
    header_index,
    header_key,
    layout,
    sheet_index,
)
from sync.machine import processors
from sync.merge import DELETED, Record
from sync.sheet_helper import HelperLost, SheetHelper, SheetsRead
from sync.values import Unreadable, converter

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sync.xlsx_patch import TableWithTotals

MAX_PART_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
HEADER_SEARCH_ROWS = 30
# Bump when the reading of a cell changes meaning (a new converter, a renamed list code): every row
# digest stored by an older version then differs, and each row is read in full once more.
DIGEST_VERSION = 1
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class WorkbookError(Exception):
    """The workbook as a whole cannot be used; ``message`` is an English source string (context Sync)."""

    def __init__(self, message: str, **args: Any) -> None:
        self.message = message
        self.args_ = args
        super().__init__(message.format(**args))


NOT_FOUND = QT_TRANSLATE_NOOP("Sync", "The workbook {path} does not exist or cannot be reached.")
UNREADABLE = QT_TRANSLATE_NOOP("Sync", "The workbook {path} cannot be read: {detail}")
NOT_XLSX = QT_TRANSLATE_NOOP("Sync", "{path} is not an Excel workbook (.xlsx): {detail}")
HOSTILE = QT_TRANSLATE_NOOP("Sync", "{path} was refused: part {part} {detail}.")
NOT_A_ZIP = QT_TRANSLATE_NOOP("Reason", "it is not a zip package")
NO_WORKBOOK_PART = QT_TRANSLATE_NOOP("Reason", "its zip package holds no workbook part")
TOO_LARGE = QT_TRANSLATE_NOOP("Reason", "is too large unpacked")
DECLARES_ENTITIES = QT_TRANSLATE_NOOP("Reason", "declares XML entities")
DAMAGED = QT_TRANSLATE_NOOP("Reason", "its zip package is damaged")
MISSING_SHEET = QT_TRANSLATE_NOOP(
    "Sync", "The workbook {path} has no sheet for {ledger} (expected a sheet named “{en}” or “{zh}”)."
)
MISSING_ID_COLUMN = QT_TRANSLATE_NOOP(
    "Sync", "Sheet “{sheet}” has no “{en}” / “{zh}” column, so its rows cannot be matched to records."
)
NO_HEADER = QT_TRANSLATE_NOOP(
    "Sync", "Sheet “{sheet}” has no recognisable header row in its first {rows} rows."
)

BAD_CELL = QT_TRANSLATE_NOOP("Sync", "{reason}")
DUPLICATE_ID = QT_TRANSLATE_NOOP(
    "Sync",
    "the same record id is on row {first} too: neither row is synced (changes here wait) until one of "
    "them gets its own id; clear the id of a copied row to make it a new record",
)
UNKNOWN_NAME = QT_TRANSLATE_NOOP("Sync", "no record of that name")
AMBIGUOUS_NAME = QT_TRANSLATE_NOOP("Sync", "more than one record has that name")
UNKNOWN_REFERENCE = QT_TRANSLATE_NOOP("Sync", "no record has that id")
NOT_A_STATUS = QT_TRANSLATE_NOOP(
    "Sync", "not a record status: write 已删除 to delete the record, or leave the cell empty"
)
TWO_COLUMNS = QT_TRANSLATE_NOOP(
    "Sync",
    "columns {columns} are both headed as “{en}” / “{zh}”: that field is not synced (changes to it wait "
    "here) until one of them is renamed",
)
TWO_SHEETS = QT_TRANSLATE_NOOP(
    "Sync",
    "Sheets “{first}” and “{second}” are both named as the “{en}” / “{zh}” ledger. Rename the one that "
    "is not the ledger; nothing was synced.",
)
TWO_ID_COLUMNS = QT_TRANSLATE_NOOP(
    "Sync",
    "Sheet “{sheet}” has two record id columns ({first} and {second} in row {row}, headed as “{en}”). "
    "Rename the one that is not the ledger's; nothing was synced.",
)
MERGED_CELLS = QT_TRANSLATE_NOOP(
    "Sync",
    "cells {cells} are merged: the ledger's fields in them are not synced on those rows (changes here "
    "wait) until the cells are unmerged",
)
MISSING_COLUMN = QT_TRANSLATE_NOOP(
    "Sync",
    "the sheet has no “{en}” / “{zh}” column: that field is not synced (changes to it wait here) "
    "until the column is back",
)
# The same, when the header row also holds headers the ledger does not know: one may be the column,
# renamed (they are listed with their letters).
MISSING_COLUMN_RENAMED = QT_TRANSLATE_NOOP(
    "Sync",
    "the sheet has no “{en}” / “{zh}” column (was it renamed? headers not known here: {unknown}): that "
    "field is not synced (changes to it wait here) until the column is back",
)


@dataclass(frozen=True)
class CellIssue:
    ledger: str
    sheet: str
    row: int
    column: str  # the column letter, as Excel shows it
    header: str
    raw: str
    message: str  # English source text (context Sync), with {placeholders} filled from ``args``
    record_id: str | None = None
    args: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        return self.message.format(**dict(self.args))


@dataclass
class SheetData:
    ledger: str
    sheet: str
    header_row: int
    columns: dict[str, int]  # column key -> 1-based column index
    records: dict[str, Record] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # record id -> row number
    # record id -> row digest, for the rows read in full (not for the settled rows left out)
    digests: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, set[str]] = field(default_factory=dict)
    ids_to_write: dict[str, int] = field(default_factory=dict)  # ids given to rows typed without one
    typed_without_id: set[str] = field(default_factory=set)  # the ids made up here for such rows
    # (record id, field) -> the date outside 1950-2099 its cell holds (reported unless already agreed)
    out_of_range: dict[tuple[str, str], str] = field(default_factory=dict)
    names_to_resolve: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    # (record id, reference field) -> (row, the name typed beside the id), for rows that changed since
    # the last sync (not in a first read, where every row is read)
    names_beside: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    fills: dict[str, Record] = field(default_factory=dict)  # values to write back (ids for typed names)
    last_row: int = 0
    unknown_headers: list[str] = field(default_factory=list)
    total_rows: frozenset[int] = frozenset()  # an Excel table's total row: formulas, not a record
    typed_totals: dict[int, str] = field(default_factory=dict)  # row -> "合计": a total row typed by hand
    unread: bool = False  # stored exactly as after the last sync, which settled every row: not read
    duplicated: set[str] = field(default_factory=set)  # ids on more than one row: held, not synced
    merged_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column) never written
    lost_ids: set[int] = field(default_factory=set)  # rows whose id cell a merge emptied
    held_columns: set[str] = field(default_factory=set)  # fields with no single column: on no row read
    merged_held: dict[str, set[str]] = field(default_factory=dict)  # record id -> fields a merge covers

    @property
    def layout(self) -> SheetLayout:
        return layout(self.ledger)


@dataclass
class WorkbookData:
    path: Path
    language: str
    sheets: dict[str, SheetData]
    issues: list[CellIssue]
    # ledger -> its sheet's stored part as read (see sheet_signatures)
    signatures: dict[str, SheetSignature] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetSignature:
    """A worksheet part as stored in the package: the same signature means the same cells."""

    part: str
    crc: int
    size: int

    def text(self) -> str:
        return f"{self.crc}:{self.size}:{self.part}"

    @classmethod
    def parse(cls, text: str) -> SheetSignature | None:
        crc, _, rest = text.partition(":")
        size, _, part = rest.partition(":")
        return cls(part, int(crc), int(size)) if crc.isdigit() and size.isdigit() and part else None


def sheet_signatures(path: Path) -> dict[str, SheetSignature]:
    """Sheet name -> its worksheet part's signature, from the package's directory (nothing inflated).

    The parts every sheet reads through are in it too: a text typed into the shared strings alone, a
    date format changed in the styles, the date system in the workbook part, a table's total row.
    """
    from sync.xlsx_patch import sheet_parts

    parts = sheet_parts(path)
    with zipfile.ZipFile(path) as package:
        shared = [
            info.CRC
            for info in package.infolist()
            if info.filename in _PARTS_EVERY_SHEET_READS or info.filename.startswith("xl/tables/")
        ]
        return {
            name: SheetSignature(part, zlib.crc32(repr((info.CRC, shared)).encode()), info.file_size)
            for name, part in parts.items()
            if (info := package.getinfo(part))
        }


_PARTS_EVERY_SHEET_READS = frozenset({"xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"})


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_package(path: Path) -> None:
    """Refuse what is not a sane xlsx before any parser sees it."""
    if not path.is_file():
        raise WorkbookError(NOT_FOUND, path=path)
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                raise WorkbookError(NOT_XLSX, path=path, detail=NOT_A_ZIP)
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookError(NOT_XLSX, path=path, detail=NO_WORKBOOK_PART)
            total = 0
            for info in package.infolist():
                total += info.file_size
                if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                    raise WorkbookError(HOSTILE, path=path, part=info.filename, detail=TOO_LARGE)
                if info.filename.endswith((".xml", ".rels")):
                    with package.open(info) as stream:
                        prologue = stream.read(4096)
                    if _DECLARATION.search(prologue):
                        raise WorkbookError(HOSTILE, path=path, part=info.filename, detail=DECLARES_ENTITIES)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        log.info("Damaged zip package %s: %s", path, error)  # the message says so; this keeps the detail
        raise WorkbookError(UNREADABLE, path=path, detail=DAMAGED) from None
    except OSError as error:
        raise WorkbookError(UNREADABLE, path=path, detail=os_reason(error)) from None


@dataclass(frozen=True)
class HeaderRow:
    offset: int  # among the rows searched
    positions: dict[str, int]  # column key -> offset in the row
    ambiguous: dict[str, list[int]]  # column key -> the offsets of the columns equally named for it

    @property
    def named(self) -> int:
        return len(self.positions) + len(self.ambiguous)


def _find_header(grid: list[list[Any]], index: dict[str, str]) -> HeaderRow | None:
    """The row naming the most columns. Two columns named for one (head office may add a column of
    its own named like one, or under another accepted name) are ambiguous: neither is taken for it."""
    best: HeaderRow | None = None
    for row_number, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        matches: dict[str, list[int]] = {}
        for column_number, cell in enumerate(row):
            key = index.get(header_key(cell)) if isinstance(cell, str) and cell.strip() else None
            if key is not None:
                matches.setdefault(key, []).append(column_number)
        if len(matches) < 2 or (best is not None and len(matches) <= best.named):
            continue
        positions = {key: columns[0] for key, columns in matches.items() if len(columns) == 1}
        ambiguous = {key: columns for key, columns in matches.items() if len(columns) > 1}
        best = HeaderRow(row_number, positions, ambiguous)
    return best


def _language(sheet_names: list[str]) -> str:
    return "zh" if any(re.search(r"[\u4e00-\u9fff]", name) for name in sheet_names) else "en"


def row_digests(positions: Mapping[str, int]) -> Callable[[list[Any]], int]:
    """A stable 64-bit digest of a row as read, under one header layout (a moved column changes it)."""
    seed = hashlib.blake2b(repr((DIGEST_VERSION, sorted(positions.items()))).encode(), digest_size=8)

    def digest(cells: list[Any]) -> int:
        hasher = seed.copy()
        hasher.update(repr(cells).encode())
        return int.from_bytes(hasher.digest(), "big", signed=True)

    return digest


def read_workbook(
    path: Path,
    cancelled: Callable[[], bool] | None = None,
    only: dict[str, set[str]] | None = None,
    settled: Mapping[str, Mapping[str, int]] | None = None,
    unchanged: Mapping[str, SheetSignature] | None = None,
) -> WorkbookData:
    """Read every ledger sheet; with ``only`` (ledger -> record ids), just those sheets and records.

    ``settled`` (ledger -> record id -> row digest) names rows known to agree with the last sync: a
    row whose digest is still the same is only located (:attr:`SheetData.rows`), not converted, and
    its record is absent from :attr:`SheetData.records`. A ledger in ``unchanged`` whose sheet is still
    stored exactly so is not read at all (:attr:`SheetData.unread`). When there is much to read and a
    second processor, a helper process reads some of the sheets meanwhile (``sync.sheet_helper``).
    """
    check_package(path)
    book, found = _open(path)
    try:
        by_name = sheet_signatures(path)
    except Exception as error:  # a workbook calamine opened but whose parts cannot be listed
        raise WorkbookError(UNREADABLE, path=path, detail=str(error)) from None
    signatures = {ledger: by_name[found[ledger]] for ledger in SYNC_ORDER if found[ledger] in by_name}
    settled = settled or {}
    read: SheetsRead = {}
    to_read: list[str] = []
    for ledger in SYNC_ORDER:
        if only is not None and ledger not in only:
            continue
        if unchanged and ledger in unchanged and signatures.get(ledger) == unchanged[ledger]:
            read[ledger] = (SheetData(ledger, found[ledger], header_row=0, columns={}, unread=True), [])
        else:
            to_read.append(ledger)
    helper_ledgers = _helper_share(to_read, signatures)
    helper = None
    if helper_ledgers:
        only_there = {ledger: only[ledger] for ledger in helper_ledgers} if only is not None else None
        settled_there = {ledger: settled[ledger] for ledger in helper_ledgers if ledger in settled}
        helper = SheetHelper(path, helper_ledgers, only_there, settled_there)
    try:
        mine = [ledger for ledger in to_read if ledger not in helper_ledgers]
        read.update(_read_ledgers(book, path, found, mine, only, settled, cancelled))
        if helper is not None:
            try:
                read.update(helper.result(cancelled))
            except HelperLost:
                read.update(_read_ledgers(book, path, found, helper_ledgers, only, settled, cancelled))
    finally:
        if helper is not None:
            helper.stop()
    sheets = {ledger: read[ledger][0] for ledger in SYNC_ORDER if ledger in read}
    issues = [issue for ledger in SYNC_ORDER if ledger in read for issue in read[ledger][1]]
    return WorkbookData(path, _language(book.sheet_names), sheets, issues, signatures)


# A helper process costs a few tenths of a second to start: worth it only for this much sheet XML.
PARALLEL_READ_BYTES = 48 << 20


def _helper_share(to_read: list[str], signatures: Mapping[str, SheetSignature]) -> list[str]:
    """The ledgers a helper process should read: about half of the bytes, the biggest sheet left here."""
    sizes = {ledger: signatures[ledger].size if ledger in signatures else 0 for ledger in to_read}
    if len(to_read) < 2 or sum(sizes.values()) < PARALLEL_READ_BYTES or processors() < 2:
        return []
    here, there = 0, 0
    share: list[str] = []
    for ledger in sorted(to_read, key=lambda name: -sizes[name]):
        if here <= there:
            here += sizes[ledger]
        else:
            there += sizes[ledger]
            share.append(ledger)
    return share


def read_sheets(
    path: Path,
    ledgers: list[str],
    only: Mapping[str, set[str]] | None,
    settled: Mapping[str, Mapping[str, int]],
) -> SheetsRead:
    """Just these ledgers' sheets, each with its own cell issues (what a helper process does)."""
    book, found = _open(path)
    return _read_ledgers(book, path, found, ledgers, only, settled, None)


def _open(path: Path) -> tuple[Any, dict[str, str]]:
    """The calamine workbook and each ledger's sheet name in it."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for broken files
        raise WorkbookError(UNREADABLE, path=path, detail=str(error)) from None
    by_key = sheet_index()
    candidates: dict[str, list[str]] = {ledger: [] for ledger in SYNC_ORDER}
    for name in book.sheet_names:
        ledger = by_key.get(header_key(name))
        if ledger is not None:
            candidates[ledger].append(name)
    found: dict[str, str] = {}
    for ledger in SYNC_ORDER:
        sheet = layout(ledger)
        if not candidates[ledger]:
            raise WorkbookError(MISSING_SHEET, path=path, ledger=sheet.en, en=sheet.en, zh=sheet.zh)
        if len(candidates[ledger]) > 1:  # head office's own sheet named like a ledger: which is it?
            first, second = candidates[ledger][:2]
            raise WorkbookError(TWO_SHEETS, first=first, second=second, en=sheet.en, zh=sheet.zh)
        found[ledger] = candidates[ledger][0]
    return book, found


def _read_ledgers(
    book: Any,
    path: Path,
    found: dict[str, str],
    ledgers: list[str],
    only: Mapping[str, set[str]] | None,
    settled: Mapping[str, Mapping[str, int]],
    cancelled: Callable[[], bool] | None,
) -> SheetsRead:
    from sync.xlsx_patch import PatchError, sheet_parts, tables_with_totals

    read: SheetsRead = {}
    try:
        parts = sheet_parts(path)
        tables = tables_with_totals(path)
    except (PatchError, OSError, zipfile.BadZipFile) as error:
        raise WorkbookError(UNREADABLE, path=path, detail=str(error)) from None
    for ledger in ledgers:
        if cancelled is not None and cancelled():
            raise InterruptedError
        issues: list[CellIssue] = []
        try:
            calamine_sheet = book.get_sheet_by_name(found[ledger])
            start_row, start_column = calamine_sheet.start or (0, 0)
            sheet = _read_sheet(
                ledger,
                found[ledger],
                calamine_sheet.iter_rows(),
                start_row,
                start_column,
                issues,
                only.get(ledger) if only is not None else None,
                settled.get(ledger),  # None: a first read, not one since the last sync
                tables.get(parts.get(found[ledger], ""), []),
                calamine_sheet.merged_cell_ranges or (),
            )
        except WorkbookError:
            raise
        except Exception as error:  # calamine's own errors, raised while rows are produced
            raise WorkbookError(UNREADABLE, path=path, detail=f"{found[ledger]}: {error}") from None
        read[ledger] = (sheet, issues)
    return read


TOTAL_WORDS_ZH = frozenset(header_key(word) for word in ("合计", "总计", "小计", "共计"))
TOTAL_WORDS = TOTAL_WORDS_ZH | {header_key(word) for word in ("Total", "Totals", "Grand total", "Subtotal")}


def _total_word(cells: list[Any], ledger_columns: Collection[int]) -> str | None:
    """The word naming a row without an id a total row, if one of its texts is just that: 合计 and its
    kind anywhere, Total only outside the ledger's columns (an enterprise may be called Total)."""
    for offset, cell in enumerate(cells):
        if isinstance(cell, str) and cell:
            key = header_key(cell)
            if key in TOTAL_WORDS_ZH or (key in TOTAL_WORDS and offset not in ledger_columns):
                return cell.strip()
    return None


MergedRange = tuple[tuple[int, int], tuple[int, int]]  # (first row, column), (last row, column), from 0


@dataclass
class _MergedHolds:
    """Merged cells over the ledger's columns below its header, row by row."""

    held: dict[int, set[str]] = field(default_factory=dict)  # fields in a merge (not synced there)
    covered: dict[int, set[str]] = field(default_factory=dict)  # of those, a cell the merge covers
    ranges: dict[int, list[int]] = field(default_factory=dict)  # row -> the merges it is in
    covered_ids: set[int] = field(default_factory=set)  # rows whose id cell a merge covers
    issues: list[CellIssue] = field(default_factory=list)  # one a merge, raised if a record is in it


def _merged_below_header(
    data: SheetData, merged: Sequence[MergedRange], header_row: int, field_keys: set[str]
) -> _MergedHolds:
    """Merged cells over the ledger's columns below its header: their fields are not synced on those
    rows (a covered cell reads empty, and a value written into one is not seen).

    Excel keeps only the first cell's value of a merge; a covered id cell still holding its id is
    read as usual. A merge over the header (a header over two rows) holds only the rows below it.
    """
    at_column = {column: key for key, column in data.columns.items()}
    holds = _MergedHolds()
    for (first_row, first_column), (last_row, last_column) in merged:
        rows = range(max(first_row + 1, header_row + 1), last_row + 2)
        columns = range(first_column + 1, last_column + 2)
        keys = {at_column[column]: column for column in columns if column in at_column}
        if not keys or not rows or (first_row == last_row and first_column == last_column):
            continue
        first_cell = (first_row + 1, first_column + 1)
        for row in rows:
            holds.held.setdefault(row, set()).update(keys.keys() & field_keys)
            covered = {key for key, column in keys.items() if (row, column) != first_cell}
            if covered & field_keys:
                holds.covered.setdefault(row, set()).update(covered & field_keys)
            if "id" in covered:
                holds.covered_ids.add(row)
            holds.ranges.setdefault(row, []).append(len(holds.issues))
            data.merged_cells.update((row, column) for column in columns)
        first = f"{column_letter(columns[0])}{first_row + 1}"
        last = f"{column_letter(columns[-1])}{last_row + 1}"
        key = min(keys, key=keys.__getitem__)
        holds.issues.append(
            CellIssue(
                data.ledger,
                data.sheet,
                max(first_row + 1, header_row + 1),
                column_letter(columns[0]),
                data.layout.column(key).header("en"),
                "",
                MERGED_CELLS,
                None,
                (("cells", f"{first}:{last}"),),
            )
        )
    return holds


def _read_sheet(
    ledger: str,
    sheet_name: str,
    rows: Iterator[list[Any]],
    start_row: int,
    start_column: int,
    issues: list[CellIssue],
    wanted: set[str] | None = None,
    settled: Mapping[str, int] | None = None,
    tables: Sequence[TableWithTotals] = (),
    merged: Sequence[MergedRange] = (),
) -> SheetData:
    sheet_layout = layout(ledger)
    # Rows stream from the reader: only the first few are held, to find the header among them.
    first_rows = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header = _find_header(first_rows, header_index(sheet_layout))
    if header is None:
        raise WorkbookError(NO_HEADER, sheet=sheet_name, rows=HEADER_SEARCH_ROWS)
    header_offset, positions = header.offset, header.positions
    header_row = start_row + header_offset + 1
    id_column = sheet_layout.column("id")
    if "id" in header.ambiguous:
        first, second = (column_letter(start_column + c + 1) for c in header.ambiguous["id"][:2])
        raise WorkbookError(
            TWO_ID_COLUMNS, sheet=sheet_name, row=header_row, first=first, second=second, en=id_column.en
        )
    if "id" not in positions:
        raise WorkbookError(MISSING_ID_COLUMN, sheet=sheet_name, en=id_column.en, zh=id_column.zh)
    id_at = start_column + positions["id"] + 1
    # Only the ledger's own table ends in total rows that are not records; a table of head office's
    # own beside the ledger ends wherever it likes, on a record's row too.
    total_rows = frozenset(
        row
        for table in tables
        if table.first_row == header_row and table.first_column <= id_at <= table.last_column
        for row in table.total_rows
    )
    data = SheetData(
        ledger,
        sheet_name,
        header_row=header_row,
        columns={key: start_column + offset + 1 for key, offset in positions.items()},
        total_rows=total_rows,
    )
    header_cells = first_rows[header_offset]
    known = set(positions.values())
    unknown = [(i, str(c).strip()) for i, c in enumerate(header_cells) if i not in known and str(c).strip()]
    data.unknown_headers = [text for _i, text in unknown]
    unknown_text = "、".join(f"{column_letter(start_column + i + 1)} “{text}”" for i, text in unknown)
    fields = [c for c in sheet_layout.columns if c.role is Role.FIELD and c.field is not None]
    # Per field: its key, how its cells read, where it is in a row (None: not in this sheet), and
    # for a reference, where the referred record's name is (-1: not a reference).
    converters = [
        (
            c.key,
            converter(c.field),
            positions.get(c.key),
            positions.get(f"{c.key}:name") if c.field.kind is Kind.REF else -1,
        )
        for c in fields
        if c.field is not None
    ]
    missing_keys = [c.key for c in fields if c.key not in positions]
    if RECORD_STATUS not in positions:
        missing_keys.append(RECORD_STATUS)  # deletions can be neither read nor written: they wait
    missing_fields = {key for key in missing_keys if key != RECORD_STATUS}
    if RECORD_STATUS not in positions:
        missing_fields.add(DELETED)
    data.held_columns = set(missing_fields)
    for key in missing_keys:
        column = sheet_layout.column(key)
        equally_named = [column_letter(start_column + c + 1) for c in header.ambiguous.get(key, [])]
        extra: tuple[tuple[str, str], ...]
        if equally_named:
            message, extra = TWO_COLUMNS, (("columns", "、".join(equally_named)),)
        elif unknown_text:
            message, extra = MISSING_COLUMN_RENAMED, (("unknown", unknown_text),)
        else:
            message, extra = MISSING_COLUMN, ()
        issues.append(
            CellIssue(
                ledger,
                sheet_name,
                data.header_row,
                ", ".join(equally_named),
                column.header("en"),
                "",
                message,
                None,
                (("en", column.en), ("zh", column.zh), *extra),
            )
        )
    deleted_words, live_words = _deleted_words(), _live_words()
    id_offset = positions["id"]
    status_offset = positions.get(RECORD_STATUS)

    def issue(row_number: int, key: str, raw: Any, message: str, record_id: str | None, **args: str) -> None:
        column = sheet_layout.column(key)
        issues.append(
            CellIssue(
                ledger,
                sheet_name,
                row_number,
                column_letter(data.columns[key]),
                column.header("en"),
                str(raw),
                message,
                record_id,
                tuple(args.items()),
            )
        )

    holds = _merged_below_header(data, merged, header_row, {c.key for c in fields})
    merges_in_use: set[int] = set()
    digest = row_digests(positions)
    check_names = settled is not None  # a row read again because it changed: is its id still named so?
    settled = settled or {}
    following = itertools.chain(first_rows[header_offset + 1 :], rows)
    for offset, cells in enumerate(following, start=header_offset + 1):
        row_number = start_row + offset + 1
        if total_rows and row_number in total_rows:
            continue
        raw_id = cells[id_offset] if id_offset < len(cells) else ""
        # 合计 typed in the id column (an id is a uuid: the 263,000 of a full sync are not looked at)
        if type(raw_id) is str and len(raw_id) < 16 and header_key(raw_id) in TOTAL_WORDS:
            data.typed_totals[row_number] = raw_id.strip()
            continue
        has_id = type(raw_id) is str and raw_id != ""  # nearly every row: no need to look further
        if not has_id and not any(cells[i] not in ("", None) for i in known if i < len(cells)):
            continue
        if holds.covered_ids and row_number in holds.covered_ids and raw_id in ("", None):
            data.lost_ids.add(row_number)  # its record's id went with the merge: not a new record
            merges_in_use.update(holds.ranges[row_number])
            continue
        data.last_row = row_number
        record_id = str(raw_id).strip() if raw_id not in ("", None) else ""
        if isinstance(raw_id, float) and raw_id.is_integer():
            record_id = str(int(raw_id))
        if not record_id:
            total = _total_word(cells, known)
            if total is not None:  # 合计 typed below the records (sums, counts): not a record
                data.typed_totals[row_number] = total
                continue
            record_id = str(uuid.uuid4())
            data.ids_to_write[record_id] = row_number
            data.typed_without_id.add(record_id)
        elif record_id in data.rows:
            issue(row_number, "id", raw_id, DUPLICATE_ID, record_id, first=str(data.rows[record_id]))
            data.duplicated.add(record_id)
            continue
        if wanted is not None and record_id not in wanted:
            continue
        row_digest = digest(cells)
        if settled.get(record_id) == row_digest and record_id not in data.ids_to_write:
            data.rows[record_id] = row_number
            continue
        record: Record = {}
        bad: set[str] = set(missing_fields)
        if holds.held and row_number in holds.held:
            bad |= holds.held[row_number]
            merges_in_use.update(holds.ranges[row_number])
            if holds.covered.get(row_number):
                data.merged_held[record_id] = holds.covered[row_number]
        width = len(cells)
        for key, convert, offset_in_row, name_offset in converters:
            value = convert(
                cells[offset_in_row] if offset_in_row is not None and offset_in_row < width else None
            )
            if isinstance(value, Unreadable):
                issue(row_number, key, value.raw, value.reason, record_id)
                bad.add(key)
                if value.meant is not None:
                    data.out_of_range[(record_id, key)] = value.meant
                value = None
            record[key] = value
            if value is None and name_offset != -1 and key not in bad:  # a reference left empty: named?
                name = cells[name_offset] if name_offset is not None and name_offset < width else ""
                if str(name).strip():
                    data.names_to_resolve[(record_id, key)] = (row_number, str(name).strip())
            elif name_offset is not None and name_offset != -1 and check_names and name_offset < width:
                name = cells[name_offset]
                if name not in ("", None) and str(name).strip():
                    data.names_beside[(record_id, key)] = (row_number, _name_text(name))
        status = cells[status_offset] if status_offset is not None and status_offset < len(cells) else ""
        deleted = False if status == "" else status_deleted(status, deleted_words, live_words)
        if deleted is None:  # 待定, 删?: a person says which; the record stays as it is meanwhile
            issue(row_number, RECORD_STATUS, status, NOT_A_STATUS, record_id)
            bad.add(DELETED)
        record[DELETED] = bool(deleted)
        data.records[record_id] = record
        data.rows[record_id] = row_number
        data.digests[record_id] = row_digest
        if bad:
            data.unreadable[record_id] = bad
    issues.extend(holds.issues[index] for index in sorted(merges_in_use))
    return data


def record_from_cells(
    ledger: str, columns: Mapping[str, int], cells: Mapping[int, Any]
) -> tuple[Record, set[str]]:
    """The canonical record of one row given as column (1-based) -> value, and its unreadable fields."""
    record: Record = {}
    bad: set[str] = set()
    for column in layout(ledger).columns:
        if column.role is not Role.FIELD or column.field is None or column.key not in columns:
            continue
        raw = cells.get(columns[column.key])
        value = converter(column.field)(raw) if isinstance(raw, _CELL_TYPES) else Unreadable(str(raw), "")
        if isinstance(value, Unreadable):
            bad.add(column.key)
            value = None
        record[column.key] = value
    status_column = columns.get(RECORD_STATUS)
    status = cells.get(status_column) if status_column is not None else None
    deleted = status_deleted(status, _deleted_words(), _live_words())
    if deleted is None:
        bad.add(DELETED)
    record[DELETED] = bool(deleted)
    return record, bad


_CELL_TYPES = (str, int, float, bool, date, type(None))


def _deleted_words() -> frozenset[str]:
    from sync.columns import deleted_markers

    return deleted_markers()


def _name_text(cell: Any) -> str:
    """A name as typed: a team called 1 reads as the number 1.0."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _live_words() -> frozenset[str]:
    from sync.columns import live_markers

    return live_markers()


def status_deleted(status: Any, deleted_words: frozenset[str], live_words: frozenset[str]) -> bool | None:
    """What a record status cell says: deleted (已删除, 作废, 是, x…), not (empty, 正常, 否…), or None
    when it is neither (a word the sync does not know is not taken either way)."""
    if status is None or status is False or not str(status).strip():
        return False
    if status is True:
        return True
    if isinstance(status, float) and status.is_integer():
        status = int(status)
    key = header_key(str(status))
    if key in deleted_words:
        return True
    if key in live_words:
        return False
    return None


def resolve_references(workbook: WorkbookData, names: Callable[[str, str], list[str]]) -> None:
    """Fill reference fields typed only by name; report names that match no record or several.

    ``names(ledger, name)`` returns the ids of records (here or in the workbook) with that exact
    normalised name. A guess is never made: an unmatched name is a sync issue and the field is left
    unchanged.
    """
    for sheet in workbook.sheets.values():
        sheet_layout = sheet.layout
        for (record_id, key), (row_number, name) in sheet.names_to_resolve.items():
            target = sheet_layout.column(key).field
            assert target is not None and target.ref is not None
            matches = names(target.ref, name)
            if len(matches) == 1:
                sheet.records[record_id][key] = matches[0]
                sheet.fills.setdefault(record_id, {})[key] = matches[0]  # write the id beside the name
                continue
            column = sheet_layout.column(f"{key}:name")
            workbook.issues.append(
                CellIssue(
                    sheet.ledger,
                    sheet.sheet,
                    row_number,
                    column_letter(sheet.columns[f"{key}:name"]),
                    column.header("en"),
                    name,
                    AMBIGUOUS_NAME if matches else UNKNOWN_NAME,
                    record_id,
                )
            )
            sheet.unreadable.setdefault(record_id, set()).add(key)
