"""Write values into head office's master workbook by patching its zip package, never by re-saving it.

Head office edits the master .xlsx by hand (shapes, threaded comments, form controls, ``extLst`` data
validation and conditional formats, sparklines, charts, pivot and Power Query parts…). A load-and-save
through a spreadsheet library drops much of that, so :func:`patch_workbook` copies every zip part
unchanged except the worksheets it changes (and the table parts whose range must grow), and inside a
worksheet rewrites only the rows it touches: the rest of ``<sheetData>`` is copied byte for byte, found
by a textual scan rather than a parse into a tree, so a 100,000-row sheet patches in about a second.

Appended rows go after the last row that holds a value or a formula. Rows below it that hold nothing but
styled empty cells (a pre-formatted template, a table dragged longer than its data) are filled in, keeping
their own formats, rather than left as a gap.

The worksheet XML is untrusted input. DOCTYPE and ENTITY declarations are refused, no part is
decompressed beyond :data:`MAX_PART_BYTES`, and everything that is read or rewritten is checked to be
well-formed: the small parts entirely, a worksheet outside ``<sheetData>`` and in the rows it patches or
copies styles from. Untouched rows are neither parsed nor checked: they are copied as they are.

Plain Python standard library only (no Qt, no openpyxl).
"""

from __future__ import annotations

import bisect
import codecs
import collections
import contextlib
import functools
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import unquote
from xml.etree import ElementTree as ET
from xml.parsers import expat
from xml.sax.saxutils import escape

from sync.check_helper import CheckHelper
from sync.machine import processors

__all__ = [
    "MAX_PART_BYTES",
    "CellValue",
    "NoRoomBelow",
    "PatchError",
    "PatchReport",
    "SheetPatch",
    "date_styles",
    "error_cells",
    "patch_workbook",
    "sheet_parts",
]

CellValue = str | int | float | Decimal | date | bool | None
"""A value to write; ``None`` makes the cell empty (its value goes, its style stays)."""

MAX_PART_BYTES = 1 << 30
"""No zip part is decompressed beyond this many bytes (a guard against zip bombs)."""

MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
MAX_CELL_TEXT = 32_767  # Excel's limit, in UTF-16 code units; longer text makes Excel "repair" the file

_MAIN_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",  # ISO 29500 strict
    }
)
_BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1900_BEFORE_MARCH = date(1899, 12, 31)  # Excel counts a 29 Feb 1900 that never was
_EPOCH_1904 = date(1904, 1, 1)


class PatchError(Exception):
    """The workbook cannot be patched; the message says why and names the part."""


class NoRoomBelow(PatchError):
    """New rows go below the last row with anything in it, and there is no room left there: something
    typed far down a sheet (a stray cell at its last row)."""

    def __init__(self, name: str, part: str, last_row: int, cells: list[str], rows: int) -> None:
        super().__init__(f"{name}: {rows} new rows do not fit below row {last_row} ({', '.join(cells)})")
        self.part, self.last_row, self.cells, self.rows = part, last_row, cells, rows


@dataclass
class SheetPatch:
    """The changes to one worksheet."""

    part: str
    """Zip part name of the worksheet, e.g. ``"xl/worksheets/sheet2.xml"`` (see :func:`sheet_parts`)."""
    updates: dict[tuple[int, int], CellValue]
    """(row, column), both 1-based -> new value, for existing rows (a missing row or cell is created)."""
    appends: list[dict[int, CellValue]]
    """New rows after the last row that holds a value or formula; each maps column (1-based) -> value."""
    style_row: int | None = None
    """Appended cells copy the style (``s``) of this row's cell in the same column; None = no style."""
    header_row: int | None = None
    """The header row: autoFilter and table ranges that start at (autoFilter: or cover) it are extended."""


@dataclass
class PatchReport:
    skipped_formula_cells: list[tuple[str, int, int]] = field(default_factory=list)
    """(part, row, column) of cells that hold a formula: never overwritten."""
    appended_rows: dict[str, list[int]] = field(default_factory=dict)
    """Part -> the row numbers given to its appended rows, in order."""
    changed_parts: set[str] = field(default_factory=set)
    """Every part written differently from the source: patched sheets, grown tables, the workbook part."""
    rows: dict[str, dict[int, bytes]] = field(default_factory=dict)
    """Part -> row number -> the row's XML as written, for sheets with at most ``keep_rows`` rows written."""
    date1904: bool = False
    """The workbook counts dates from 1904 (an Excel for Mac option): its date serials are 1,462 less."""
    stamped_part: str | None = None
    """The core properties part whose modified time the patch moved on (``stamp``), if it did."""


# --------------------------------------------------------------------------------------------------
# Public API


def patch_workbook(
    source: Path,
    target: Path,
    patches: list[SheetPatch],
    *,
    compresslevel: int = 1,
    keep_rows: int = 0,
    read_whole: frozenset[str] = frozenset(),
    cancelled: Callable[[], bool] | None = None,
    stamp: datetime | None = None,
) -> PatchReport:
    """Write ``source`` with ``patches`` applied to ``target``, another path (``source`` is never modified).

    Every part that is not patched is copied with the same name, order, content, date and attributes.
    Raises :class:`PatchError` for an unreadable package, a missing or malformed part, or a value that
    cannot be written; ``target`` is then removed. Errors writing ``target`` (disk full…) propagate as
    ``OSError``, also after removing ``target``. ``target`` is flushed and fsynced before returning.
    Unchanged parts are inflated once to refuse a damaged one, except those in ``read_whole``: parts the
    caller has just read completely from ``source`` (a sync's ledger sheets).
    ``cancelled`` is asked between sheets, blocks of appended rows and parts written: when it says so,
    ``InterruptedError`` is raised and ``target`` removed.
    ``stamp``: when the patch changes anything, the package's modified time (core properties) becomes
    this, or a second past the time it held, whichever is later; so no version written equals an
    earlier one, even when its cells do (a change undone).
    """
    source, target = Path(source), Path(target)
    if not 0 <= compresslevel <= 9:
        raise PatchError(f"compresslevel must be 0-9, not {compresslevel}")
    if source.resolve() == target.resolve():
        raise PatchError(f"the patched workbook must be written to another file than {source}")
    report = PatchReport()
    appended_rows = _AppendedRowsCheck(
        processors() >= 2 and sum(len(patch.appends) for patch in patches) >= CHECK_ELSEWHERE_ROWS
    )
    stop_if_cancelled = _canceller(cancelled)

    def check_rows(part: str, rows: bytes) -> None:
        stop_if_cancelled()
        appended_rows.check(part, rows)

    with _Package(source) as package, contextlib.closing(appended_rows):
        replacements: dict[str, bytes | Pieces] = {}
        filters: dict[str, tuple[int, int]] = {}  # sheet part -> (header row, new last row)
        context = _WorkbookContext.read(package)
        report.date1904 = context.date1904
        seen: set[str] = set()
        for patch in patches:
            info = package.info(patch.part)
            if info.filename in seen:
                raise PatchError(f"{patch.part!r} is patched twice in one call")
            seen.add(info.filename)
            _check_patch(patch)
            stop_if_cancelled()
            data, outcome = _patch_worksheet(
                package, info.filename, patch, context, report, keep_rows, check_rows
            )
            replacements[info.filename] = data
            report.appended_rows[patch.part] = outcome.appended_rows
            if patch.header_row is not None and outcome.last_row > 0:
                filters[info.filename] = (patch.header_row, outcome.last_row)
                for table in _table_parts(package, info.filename):
                    patched = _patch_table(package, table, patch.header_row, outcome.last_row)
                    if patched is not None:
                        replacements[table] = patched
        workbook = package.workbook_part()
        if workbook is not None and replacements:
            patched_workbook = _patch_workbook_part(package, workbook, filters)
            if patched_workbook is not None:
                replacements[workbook] = patched_workbook
        if stamp is not None and replacements:
            core = _stamped_core(package, stamp)
            if core is not None:
                replacements[core[0]] = core[1]
                report.stamped_part = core[0]
        report.changed_parts = set(replacements)
        _write_package(package, target, replacements, compresslevel, read_whole, stop_if_cancelled)
        try:
            appended_rows.finish()
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return report


# The modified time in the core properties: its start tag read quote by quote (an attribute may hold ">").
_MODIFIED = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?modified\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?modified>)"
)


def without_modified_time(core: bytes | bytearray) -> bytes:
    """A core properties part with its modified time taken out: what a stamp leaves as it was."""
    return _MODIFIED.sub(rb"\1\3", bytes(core), count=1)


def _stamped_core(package: _Package, when: datetime) -> tuple[str, bytes] | None:
    """The core properties part with its modified time moved on (see ``patch_workbook``'s ``stamp``),
    or None when there is none to move: no such part or time, or a part that is not well-formed (it is
    then copied as it is; the stamp is a nicety that never stops a sync). Spreadsheet programs always
    write the time."""
    core = next(
        (
            target
            for kind, target in package.relationships("").values()
            if kind.endswith("/core-properties") and package.find(target) is not None
        ),
        None,
    )
    if core is None:
        return None
    try:
        name, data = package.read_checked(core)
    except PatchError:
        return None
    match = _MODIFIED.search(data)
    if match is None:
        return None
    stamp = when.astimezone(UTC).replace(microsecond=0)
    try:
        held = datetime.fromisoformat(match[2].decode("utf-8").strip().replace("Z", "+00:00"))
        held = held.replace(tzinfo=held.tzinfo or UTC).astimezone(UTC).replace(microsecond=0)
        stamp = max(stamp, held + timedelta(seconds=1))
    except (ValueError, OverflowError):  # unreadable, or at the calendar's end: the time given
        pass
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    stamped = bytes(data[: match.start(2)]) + text + bytes(data[match.end(2) :])
    try:
        check_xml(stamped, name)
    except PatchError:
        return None
    return name, stamped


_FILTER_NAME = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?definedName\b[^>]*>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?definedName>)"
)
_CALC_PR = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?calcPr\b[^>]*?/?>")
_LAST_ROW = re.compile(r"(\$?[A-Z]{1,3}\$?)(\d+)$")


def _patch_workbook_part(
    package: _Package, workbook: str, filters: dict[str, tuple[int, int]]
) -> bytes | None:
    """The two things in the workbook part that must follow changed cells, changed in place:

    - the hidden ``_xlnm._FilterDatabase`` name of a sheet whose autoFilter grew (Excel always writes
      it, and LibreOffice takes it as the filter's range, so it must grow with the autoFilter);
    - ``<calcPr fullCalcOnLoad="1">``, so head office's formulas over changed cells are recalculated
      when the file is opened instead of showing the old cached results.

    Everything else in the part stays byte for byte as it was.
    """
    data = package.read(package.info(workbook))
    check_xml(data, workbook)
    sheet_index: dict[str, int] = {}
    relationships = package.relationships(workbook)
    for position, sheet in enumerate(_iter_local(package.parse_tree(workbook), "sheet")):
        rid = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        if rid is not None and rid in relationships:
            sheet_index[package.info(relationships[rid][1], referenced_by=workbook).filename] = position
    grown = {sheet_index[part]: rows for part, rows in filters.items() if part in sheet_index}

    def filter_name(match: re.Match[bytes]) -> bytes:
        tag = match[1].decode("utf-8")
        if 'name="_xlnm._FilterDatabase"' not in tag:
            return match[0]
        local = re.search(r'localSheetId="(\d+)"', tag)
        rows = grown.get(int(local[1])) if local else None
        if rows is None:
            return match[0]
        header_row, last_row = rows
        reference = match[2].decode("utf-8")
        first, _, last = reference.rpartition(":")
        start = re.search(r"(\d+)$", first)
        end = _LAST_ROW.search(last)
        if (
            not first
            or start is None
            or end is None
            or int(start[1]) != header_row
            or int(end[2]) >= last_row
        ):
            return match[0]
        return match[1] + f"{first}:{last[: end.start(2)]}{last_row}".encode() + match[3]

    patched = _FILTER_NAME.sub(filter_name, data)
    calc = _CALC_PR.search(patched)
    if calc is not None:
        tag = calc[0]
        if b"fullCalcOnLoad=" in tag:
            new_tag = re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', tag)
        else:
            closing = b"/>" if tag.endswith(b"/>") else b">"
            new_tag = tag[: -len(closing)].rstrip() + b' fullCalcOnLoad="1"' + closing
        patched = patched[: calc.start()] + new_tag + patched[calc.end() :]
    return None if patched == data else patched


def sheet_parts(source: Path) -> dict[str, str]:
    """Sheet name -> worksheet part name (``"xl/worksheets/sheet1.xml"``), in workbook order.

    Chart sheets and dialog sheets are left out.
    """
    with _Package(Path(source)) as package:
        workbook = package.workbook_part()
        if workbook is None:
            raise PatchError(f"{package.path.name} has no workbook part (xl/workbook.xml)")
        return _sheet_parts(package, workbook)


def _sheet_parts(package: _Package, workbook: str) -> dict[str, str]:
    relationships = package.relationships(workbook)
    result: dict[str, str] = {}
    for sheet in _iter_local(package.parse_tree(workbook), "sheet"):
        name = sheet.get("name")
        rid = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        if name is None or rid is None or rid not in relationships:
            continue
        kind, target = relationships[rid]
        if kind.endswith("/worksheet"):
            result[name] = package.info(target, referenced_by=workbook).filename
    return result


def date_styles(source: Path) -> set[int]:
    """Indexes into ``cellXfs`` (a cell's ``s``) whose number format shows a date or time."""
    with _Package(Path(source)) as package:
        return _date_styles(package)


# --------------------------------------------------------------------------------------------------
# The zip package


class _Package:
    """The source workbook, opened read-only; every read is capped and every parse is checked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise PatchError(f"workbook {path} does not exist") from exc
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise PatchError(
                f"{path} is not an .xlsx workbook (not a readable zip file; "
                f"a password-protected workbook is not a zip either): {exc}"
            ) from exc
        self.infos = self.zip.infolist()
        self._by_name: dict[str, zipfile.ZipInfo] = {}
        self._by_lower: dict[str, zipfile.ZipInfo] = {}
        for info in self.infos:
            if info.filename in self._by_name:
                self.zip.close()
                raise PatchError(f"{path} holds the part {info.filename!r} twice: the package is damaged")
            self._by_name[info.filename] = info
            self._by_lower.setdefault(info.filename.lower(), info)

    def __enter__(self) -> _Package:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.zip.close()

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The part of that name; part names are compared case-insensitively, as OPC says."""
        name = name.lstrip("/")
        for candidate in (name, unquote(name)):
            info = self._by_name.get(candidate) or self._by_lower.get(candidate.lower())
            if info is not None:
                return info
        return None

    def info(self, name: str, *, referenced_by: str | None = None) -> zipfile.ZipInfo:
        info = self.find(name)
        if info is None:
            where = f" (referenced by {referenced_by!r})" if referenced_by else ""
            raise PatchError(f"{self.path.name} has no part {name!r}{where}")
        return info

    def read(self, info: zipfile.ZipInfo) -> bytes | bytearray:
        limit = MAX_PART_BYTES
        if info.file_size > limit:
            raise PatchError(self._too_big(info))
        try:
            if info.file_size > 1 << 20 and _can_copy_raw(info):
                return _inflate_whole(raw_member(self.zip, info), info)  # a big sheet, held once
            with self.zip.open(info) as stream:
                data = stream.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ) as exc:
            raise PatchError(f"cannot read part {info.filename!r} of {self.path.name}: {exc}") from exc
        if len(data) > limit:
            raise PatchError(self._too_big(info))
        return data

    def _too_big(self, info: zipfile.ZipInfo) -> str:
        return (
            f"part {info.filename!r} of {self.path.name} decompresses to more than "
            f"{MAX_PART_BYTES:,} bytes; refusing it"
        )

    def read_checked(self, name: str, *, check: bool = True) -> tuple[str, bytes | bytearray]:
        """(actual part name, bytes) of a part that must be well-formed XML without DOCTYPE."""
        info = self.info(name)
        data = self.read(info)
        if check:
            check_xml(data, info.filename)
        return info.filename, data

    def parse_tree(self, name: str) -> ET.Element:
        part, data = self.read_checked(name)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:  # pragma: no cover - expat accepted it already
            raise PatchError(f"part {part!r} is not well-formed XML: {exc}") from exc

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of a part's internal relationships."""
        rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if self.find(rels) is None:
            return {}
        result: dict[str, tuple[str, str]] = {}
        for rel in _iter_local(self.parse_tree(rels), "Relationship"):
            rid, kind, target = rel.get("Id"), rel.get("Type", ""), rel.get("Target")
            if rid is None or target is None or rel.get("TargetMode", "Internal") == "External":
                continue
            result[rid] = (kind, _resolve_target(part, target))
        return result

    def workbook_part(self) -> str | None:
        """The workbook part, found through the package relationships (usually xl/workbook.xml)."""
        for kind, target in self.relationships("").values():
            if kind.endswith("/officeDocument") and self.find(target) is not None:
                return self.info(target).filename
        info = self.find("xl/workbook.xml")
        return info.filename if info is not None else None


def _resolve_target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target)).lstrip("/")


def _iter_local(root: ET.Element, local: str) -> Iterator[ET.Element]:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == local:
            yield element


_DOCTYPE_REFUSED = "part {part!r} contains a DOCTYPE or ENTITY declaration; refusing it"


class _RefusedDeclaration(Exception):
    pass


def _refuse(*_args: object) -> NoReturn:
    raise _RefusedDeclaration


def check_xml(data: bytes | bytearray | Iterable[bytes | bytearray], part: str) -> None:
    """Well-formed, and no DOCTYPE or ENTITY declaration (no entity expansion, no external fetches).

    ``data`` may be pieces that together make the document (a worksheet less the rows left untouched).
    Raises :class:`PatchError` naming ``part``.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        for piece in [data] if isinstance(data, (bytes, bytearray)) else data:
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except _RefusedDeclaration:
        raise PatchError(_DOCTYPE_REFUSED.format(part=part)) from None
    except expat.ExpatError as exc:
        raise PatchError(f"part {part!r} is not well-formed XML: {exc}") from exc


def _canceller(cancelled: Callable[[], bool] | None) -> Callable[[], None]:
    def stop_if_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise InterruptedError

    return stop_if_cancelled


def check_rows_here(part: str, rows: bytes) -> None:
    """``rows`` (``<row>`` elements of ``part``) are well-formed XML together."""
    check_xml([b"<rows>", rows, b"</rows>"], part)


CHECK_BLOCK = 4 << 20  # bytes of appended rows checked as one block
CHECK_ELSEWHERE_ROWS = 20_000  # appended rows from which they are checked in a helper process
_UNCHECKED = object()


class _AppendedRowsCheck:
    """Appended rows are parsed once before they are written. When a patch appends many (a first sync
    appends a bureau) and there is a second processor, their blocks are parsed in a helper process
    (``sync.check_helper``) while this one builds the next and writes the package; else here."""

    def __init__(self, elsewhere: bool) -> None:
        self._elsewhere = elsewhere
        self._helper: CheckHelper | None = None
        self._sent: list[tuple[str, bytes]] = []

    def check(self, part: str, rows: bytes) -> None:
        if self._elsewhere and self._helper is None:
            try:
                self._helper = CheckHelper()
            except OSError:  # no process to be had: check here
                self._elsewhere = False
        if self._helper is None:
            check_rows_here(part, rows)
            return
        self._helper.check(part, rows)
        self._sent.append((part, rows))

    def finish(self) -> None:
        """Raises the :class:`PatchError` of the first block the helper found wrong; a block it gave
        no verdict for (it died) is checked here."""
        if self._helper is None:
            return
        verdicts = self._helper.verdicts()
        for number, (part, rows) in enumerate(self._sent):
            verdict = verdicts[number] if number < len(verdicts) else _UNCHECKED
            if verdict is _UNCHECKED:
                check_rows_here(part, rows)
            elif verdict is not None:
                raise PatchError(verdict)

    def close(self) -> None:
        if self._helper is not None:
            self._helper.stop()


def raw_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The stored (compressed) bytes of one member, as they sit in the file."""
    handle = archive.fp
    if handle is None:
        raise ValueError("the archive is closed")
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    data = handle.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename!r} is truncated")
    return data


def _can_copy_raw(info: zipfile.ZipInfo) -> bool:
    encrypted = info.flag_bits & 0x1
    return not encrypted and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _inflated(stored: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's content in pieces, from its stored bytes; refused past MAX_PART_BYTES."""
    if info.compress_type != zipfile.ZIP_DEFLATED:
        yield stored
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    view = memoryview(stored)
    size = 0
    for start in range(0, len(view), 1 << 16):  # 64 KiB in: at most ~66 MB out, even from a bomb
        plain = inflater.decompress(view[start : start + (1 << 16)])
        size += len(plain)
        if size > MAX_PART_BYTES:
            raise zipfile.BadZipFile(f"decompresses to more than {MAX_PART_BYTES:,} bytes")
        yield plain
        if inflater.eof:
            break
    yield inflater.flush()


def _check_stored(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate without keeping the result: a damaged part is refused, not passed on."""
    crc, size = 0, 0
    for plain in _inflated(data, info):
        crc, size = zlib.crc32(plain, crc), size + len(plain)
    if crc != info.CRC or size != info.file_size:
        raise zipfile.BadZipFile("its content does not match its checksum")


def _inflate_whole(stored: bytes, info: zipfile.ZipInfo) -> bytearray:
    """A member's content in one buffer of the size its header gives: no second copy while joining."""
    content = bytearray(info.file_size)
    position, crc = 0, 0
    for plain in _inflated(stored, info):
        end = position + len(plain)
        if end > len(content):
            raise zipfile.BadZipFile("it is larger than its header says")
        content[position:end] = plain
        crc, position = zlib.crc32(plain, crc), end
    if position != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile("its content does not match its checksum")
    return content


def _copy_raw(
    package: _Package,
    out: zipfile.ZipFile,
    copy: zipfile.ZipInfo,
    info: zipfile.ZipInfo,
    *,
    check: bool = True,
) -> None:
    """Copy an unchanged member without inflating and deflating it again (most of a big workbook).

    zipfile has no public call for this; the member is written as ``ZipFile.write`` would, with its
    header, its stored bytes, and an entry for the central directory.
    """
    try:
        data = raw_member(package.zip, info)
        if check:
            _check_stored(data, info)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError) as exc:
        raise PatchError(f"cannot read part {info.filename!r} of {package.path.name}: {exc}") from exc
    _write_stored(out, copy, info.compress_type, [data], info.CRC, info.file_size)


def _write_deflated(out: zipfile.ZipFile, copy: zipfile.ZipInfo, pieces: Pieces, level: int) -> None:
    """Deflate a new part piece by piece (the compressed form of a big sheet is a fifth of it).

    A big part is cut into blocks deflated on as many threads as there are processors (zlib lets go
    of the interpreter while it works), as pigz does: each block but the last ends on a byte boundary
    (a sync flush) and is primed with the 32 KB before it, so the blocks joined are one deflate stream,
    compressed almost as tightly as in one go.
    """
    stored: list[bytes] = []
    crc, size = 0, 0
    blocks = _blocks(pieces, DEFLATE_BLOCK)
    workers = processors()
    if workers == 1 or sum(len(piece) for piece in pieces) <= DEFLATE_BLOCK:
        workers = 0
    with ThreadPoolExecutor(max_workers=workers) if workers else contextlib.nullcontext() as pool:
        pending: collections.deque[Future[bytes] | bytes] = collections.deque()
        previous_tail = b""
        for block, last in _with_last(blocks):
            if pool is None:
                pending.append(_deflate_block(level, block, previous_tail, last))
            else:
                pending.append(pool.submit(_deflate_block, level, block, previous_tail, last))
            previous_tail = _tail(block, _WINDOW)
            for view in block:
                crc, size = zlib.crc32(view, crc), size + len(view)
            while len(pending) > 2 * max(workers, 1):  # bounded: a few blocks in flight, not the sheet
                stored.append(_result(pending.popleft()))
        stored.extend(_result(item) for item in pending)
    _write_stored(out, copy, zipfile.ZIP_DEFLATED, stored, crc, size)


DEFLATE_BLOCK = 4 << 20  # bytes of a part deflated as one block
_WINDOW = 32 << 10  # deflate's window: what a block may refer back to


def _blocks(pieces: Pieces, size: int) -> Iterator[list[memoryview]]:
    """The pieces regrouped into blocks of ``size`` bytes (views, nothing copied); at least one."""
    block: list[memoryview] = []
    filled = 0
    for piece in pieces:
        view = memoryview(piece).cast("B")
        while len(view):
            take = min(size - filled, len(view))
            block.append(view[:take])
            filled += take
            view = view[take:]
            if filled == size:
                yield block
                block, filled = [], 0
    yield block  # the last block, possibly empty: it ends the stream


def _with_last(blocks: Iterator[list[memoryview]]) -> Iterator[tuple[list[memoryview], bool]]:
    previous = next(blocks)
    for block in blocks:
        if not block:
            break  # the pieces filled the last block exactly
        yield previous, False
        previous = block
    yield previous, True


def _tail(block: list[memoryview], length: int) -> bytes:
    kept: list[memoryview] = []
    needed = length
    for view in reversed(block):
        if needed <= 0:
            break
        kept.append(view[-needed:] if len(view) > needed else view)
        needed -= len(kept[-1])
    return b"".join(reversed(kept))


def _deflate_block(level: int, block: list[memoryview], dictionary: bytes, last: bool) -> bytes:
    if dictionary:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=dictionary)
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    out = [compressor.compress(view) for view in block]
    out.append(compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH))
    return b"".join(out)


def _result(item: Future[bytes] | bytes) -> bytes:
    return item if isinstance(item, bytes) else item.result()


def _write_stored(
    out: zipfile.ZipFile, copy: zipfile.ZipInfo, method: int, stored: list[bytes], crc: int, size: int
) -> None:
    """Write one member from its stored bytes: local header, data, and its central-directory entry.

    zipfile has no public call for this; it is what ``ZipFile.writestr`` does after compressing.
    """
    copy.compress_type = method
    copy.CRC = crc
    copy.compress_size = sum(len(chunk) for chunk in stored)
    copy.file_size = size
    handle = out.fp
    assert handle is not None
    copy.header_offset = handle.tell()
    handle.write(copy.FileHeader())
    for chunk in stored:
        handle.write(chunk)
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out.start_dir = handle.tell()


def _write_package(
    package: _Package,
    target: Path,
    replacements: dict[str, bytes | Pieces],
    level: int,
    read_whole: frozenset[str] = frozenset(),
    stop_if_cancelled: Callable[[], None] = lambda: None,
) -> None:
    try:
        with open(target, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
                out.comment = package.zip.comment
                for info in package.infos:
                    stop_if_cancelled()
                    data = replacements.get(info.filename)
                    copy = zipfile.ZipInfo(info.filename, info.date_time)
                    copy.external_attr = info.external_attr
                    copy.create_system = info.create_system
                    copy.comment = info.comment
                    if data is None and _can_copy_raw(info):
                        _copy_raw(package, out, copy, info, check=info.filename not in read_whole)
                        continue
                    content = package.read(info) if data is None else data
                    pieces: Pieces = [content] if isinstance(content, (bytes, bytearray)) else content
                    _write_deflated(out, copy, pieces, level)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


# --------------------------------------------------------------------------------------------------
# Workbook-wide facts: which styles are dates, which date system


@dataclass(frozen=True)
class _WorkbookContext:
    date_styles: frozenset[int]
    date1904: bool
    sheet_names: Mapping[str, str] = field(default_factory=dict)  # worksheet part -> its sheet's name

    @classmethod
    def read(cls, package: _Package) -> _WorkbookContext:
        date1904 = False  # Excel's default
        names: dict[str, str] = {}
        workbook = package.workbook_part()
        if workbook is not None:
            for element in _iter_local(package.parse_tree(workbook), "workbookPr"):
                date1904 = element.get("date1904", "0").strip().lower() in {"1", "true"}
            names = {part: name for name, part in _sheet_parts(package, workbook).items()}
        return cls(frozenset(_date_styles(package)), date1904, names)

    def worksheet(self, part: str) -> str:
        """How messages name a worksheet: by the name its tab shows, the part when it has none."""
        name = self.sheet_names.get(part)
        return f"worksheet {name!r} ({part})" if name else f"worksheet {part!r}"


def _date_styles(package: _Package) -> set[int]:
    styles_part = None
    workbook = package.workbook_part()
    if workbook is not None:
        for kind, target in package.relationships(workbook).values():
            if kind.endswith("/styles"):
                styles_part = target
    if styles_part is None or package.find(styles_part) is None:
        styles_part = "xl/styles.xml"
        if package.find(styles_part) is None:
            return set()
    root = package.parse_tree(styles_part)
    custom: dict[int, str] = {}
    for numfmt in _iter_local(root, "numFmt"):
        with contextlib.suppress(KeyError, ValueError):
            custom[int(numfmt.attrib["numFmtId"])] = numfmt.get("formatCode", "")
    result: set[int] = set()
    for cell_xfs in _iter_local(root, "cellXfs"):
        xfs = [child for child in cell_xfs if isinstance(child.tag, str) and child.tag.endswith("xf")]
        for index, xf in enumerate(xfs):
            try:
                numfmt_id = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            if numfmt_id in custom:
                if _is_date_format(custom[numfmt_id]):
                    result.add(index)
            elif numfmt_id in _BUILTIN_DATE_FORMATS:
                result.add(index)
        break
    return result


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]|general|am/pm|a/p|e[+-]', re.IGNORECASE)
_DATE_TOKENS = re.compile(r"[ymde]", re.IGNORECASE)


def _is_date_format(code: str) -> bool:
    """A number format with y/m/d/e date tokens outside quotes, brackets, escapes and AM/PM markers."""
    return _DATE_TOKENS.search(_FORMAT_LITERALS.sub("", code)) is not None


# --------------------------------------------------------------------------------------------------
# Cell and range references


@functools.cache
def _column_letters(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def _parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """'A3:K100' -> (first column, first row, last column, last row); None if not a plain range."""
    parts = ref.strip().split(":")
    if len(parts) not in (1, 2):
        return None
    cells = [_CELL_REF.fullmatch(part) for part in parts]
    if not all(cells):
        return None
    first, last = cells[0], cells[-1]
    assert first is not None and last is not None
    return (_column_index(first[1]), int(first[2]), _column_index(last[1]), int(last[2]))


def _format_range(first_col: int, first_row: int, last_col: int, last_row: int) -> str:
    return f"{_column_letters(first_col)}{first_row}:{_column_letters(last_col)}{last_row}"


def _check_patch(patch: SheetPatch) -> None:
    for row, column in patch.updates:
        if not (1 <= row <= MAX_ROW and 1 <= column <= MAX_COLUMN):
            raise PatchError(f"{patch.part}: cell (row {row}, column {column}) is outside the sheet")
    for values in patch.appends:
        for column in values:
            if not 1 <= column <= MAX_COLUMN:
                raise PatchError(f"{patch.part}: appended column {column} is outside the sheet")
    for name, special in (("style_row", patch.style_row), ("header_row", patch.header_row)):
        if special is not None and not 1 <= special <= MAX_ROW:
            raise PatchError(f"{patch.part}: {name} {special} is outside the sheet")


# --------------------------------------------------------------------------------------------------
# Writing values


_ILLEGAL_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")  # no file holds these, and no escape brings them back
# An underscore that would start an escape in what is written: before _ (overlapping ones too:
# _x0041_x0042_) or before a character that is itself written as an escape (_x0041 then \x0b).
_OOXML_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}(?:_|[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]))")
# Text with any of & < > \r _ or a character XML does not allow: one negated class (the characters
# allowed less those four) is scanned twice as fast as the two alternatives it replaces.
_NEEDS_ESCAPING = re.compile(
    "[^\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x5e\x60-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _text_xml(text: str) -> str:
    """Cell text as XML character data, as Excel writes it: literal ``_xHHHH_`` kept literal, and a
    character XML does not allow (a vertical tab from a pasted Word line break, a control character)
    escaped as ``_xHHHH_``, which every spreadsheet reader turns back into that character. A lone
    surrogate or U+FFFE/U+FFFF, which no file can hold, is dropped (the app never stores them:
    ``models.store``)."""
    if len(text) <= MAX_CELL_TEXT // 2 and not _NEEDS_ESCAPING.search(text):
        return text  # most ledger text: nothing to drop, escape or measure
    text = _UNWRITABLE.sub("", text)
    if len(text) > MAX_CELL_TEXT and len(text.encode("utf-16-le")) > 2 * MAX_CELL_TEXT:
        raise ValueError(f"text longer than Excel's {MAX_CELL_TEXT:,} characters")
    text = _OOXML_ESCAPE.sub("_x005F_", text)
    text = _ILLEGAL_XML_CHARS.sub(lambda found: f"_x{ord(found[0]):04X}_", text)
    return escape(text, {"\r": "&#13;"})


_LARGEST_DOUBLE = Decimal("1.7976931348623157E+308")


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        if abs(value) > _LARGEST_DOUBLE:
            raise ValueError("the number is too large for a workbook")
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity cannot be stored in a workbook")
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if not value.is_finite():
        raise ValueError("NaN and infinity cannot be stored in a workbook")
    if abs(value) > _LARGEST_DOUBLE:
        raise ValueError("the number is too large for a workbook")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _excel_serial(value: date, date1904: bool) -> str | None:
    """The Excel serial number of a date (with a time fraction for a datetime); None before the epoch."""
    day = value.date() if isinstance(value, datetime) else value
    if date1904:
        if day < _EPOCH_1904:
            return None
        days = (day - _EPOCH_1904).days
    elif day < date(1900, 1, 1):
        return None
    elif day < date(1900, 3, 1):
        days = (day - _EPOCH_1900_BEFORE_MARCH).days
    else:
        days = (day - _EPOCH_1900).days
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        if seconds:
            return _number_text(days + seconds / 86400)
    return str(days)


def _iso_text(value: date) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value.isoformat()


# --------------------------------------------------------------------------------------------------
# Worksheet patching
#
# The sheet stays bytes (UTF-8) and is scanned with byte patterns; only the rows that change are decoded,
# rebuilt as text and encoded again. Row and cell attributes are numbers, flags and cell references, so
# a start tag ends at its first ">".

_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"\s*(\d+)\s*"|'\s*(\d+)\s*')""")
_SPANS = re.compile(r"""(\sspans\s*=\s*)(["'])([^"']*)\2""")
_REF_ATTR = re.compile(r"""(\sref\s*=\s*)(["'])([^"']*)\2""")
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?([A-Za-z_][\w.\-]*)\b([^>]*?)(/?)>")
_XMLNS = re.compile(r"""xmlns(?::([\w.\-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DECLARED_ENCODING = re.compile(rb"""\A(<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._\-]+)(["'])""")
# Row and cell copying from a style row: attributes that describe the look, not the position or outline.
_ROW_ATTRS_NOT_COPIED = frozenset({"r", "spans", "hidden", "outlineLevel", "collapsed"})
# A rewritten cell keeps r, s and attributes like ph; t is set anew; cm/vm describe the old value.
_CELL_ATTRS_DROPPED = frozenset({"r", "s", "t", "cm", "vm"})

Edits = list[tuple[int, int, bytes]]  # (start, end, replacement) in a part's bytes


def _attributes(text: str) -> list[tuple[str, str]]:
    """(name, quoted raw value) pairs of a start tag's attribute text."""
    return [(match[1], match[2]) for match in _ATTR.finditer(text)]


def _attribute(text: str, name: str) -> str | None:
    for key, raw in _attributes(text):
        if key == name:
            return raw[1:-1]
    return None


Content = bytes | bytearray  # a part's bytes; a big one is inflated into a buffer of its own size
Pieces = list[Content | memoryview]  # a part's new content in order; views into the source's bytes


def _pieces(data: Content, edits: Edits) -> Pieces:
    """The edited content as pieces: a big sheet is never copied whole to change a few rows."""
    view = memoryview(data)
    pieces: Pieces = []
    cursor = 0
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0]):  # stable for equal starts
        pieces.append(view[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(view[cursor:])
    return pieces


def _apply(data: Content, edits: Edits) -> bytes:
    return b"".join(_pieces(data, edits))


class _Patterns:
    """The regular expressions for one namespace prefix ("" or "x:")."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        b = p.encode("ascii")
        # Over the whole part, as bytes.
        self.sheet_data = re.compile(rb"<" + b + rb"sheetData\b([^>]*?)(/?)>")
        self.sheet_data_end = re.compile(rb"</" + b + rb"sheetData\s*>")
        self.row = re.compile(rb"<" + b + rb'row\b(?:\s+r="(\d+)")?([^>]*)>')
        self.row_end = re.compile(rb"</" + b + rb"row\s*>")
        self.content = re.compile(rb"<" + b + rb"(?:v|f|is)[\s/>]")
        self.dimension = re.compile(rb"<" + b + rb"dimension\b[^>]*>")
        self.col = re.compile(rb"<" + b + rb"col\b[^>]*>")
        self.auto_filter = re.compile(rb"<" + b + rb"autoFilter\b[^>]*>")
        self.ext_lst = re.compile(rb"<" + b + rb"extLst\b")
        # Inside one decoded row.
        self.cell = re.compile(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c\s*>)", re.DOTALL)
        self.formula = re.compile(rf"<{p}f[\s/>]")


@dataclass
class _Edit:
    value: CellValue
    style: str | None = None  # for a cell that does not exist yet: the style to give it (raw s value)


@dataclass
class _Outcome:
    appended_rows: list[int]
    last_row: int  # the last row with content after the patch


@dataclass
class _Root:
    prefix: str  # "" or "x:"
    attributes: str  # the root start tag's attribute text
    tag: re.Match[bytes]  # the root start tag

    @property
    def end(self) -> int:
        return self.tag.end()


def _find_root(data: Content, part: str, local: str) -> _Root:
    prolog = _PROLOG.match(data)
    root_start = prolog.end() if prolog else 0
    if data.startswith((b"<!DOCTYPE", b"<!ENTITY"), root_start):
        raise PatchError(_DOCTYPE_REFUSED.format(part=part))
    match = _ROOT.match(data, root_start)
    if match is None or match[2] != local.encode() or match[4]:
        raise PatchError(f"part {part!r} is not a {local} (its root element is not <{local}>)")
    prefix = match[1].decode("ascii") if match[1] else None
    attributes = match[3].decode("utf-8")
    namespace = None
    for declaration in _XMLNS.finditer(attributes):
        if declaration[1] == prefix:
            namespace = declaration[2] if declaration[2] is not None else declaration[3]
    if namespace not in _MAIN_NAMESPACES:
        raise PatchError(f"part {part!r} is not a SpreadsheetML {local} (namespace {namespace!r})")
    return _Root(f"{prefix}:" if prefix else "", attributes, match)


def _as_utf8(data: Content, part: str) -> Content:
    """The part as UTF-8 (Excel, LibreOffice and WPS write nothing else; anything else is re-encoded)."""
    if data.startswith(codecs.BOM_UTF8):
        return data
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            body, declared_codec = data[len(bom) :], codec
            break
    else:
        declared = _DECLARED_ENCODING.match(data)
        declared_codec = declared[2].decode("ascii") if declared else "utf-8"
        try:
            if codecs.lookup(declared_codec).name == "utf-8":
                return data
        except LookupError as exc:
            raise PatchError(f"part {part!r} declares an unknown encoding {declared_codec!r}") from exc
        body = data
    try:
        text = body.decode(declared_codec)
    except (LookupError, UnicodeDecodeError) as exc:
        raise PatchError(f"part {part!r} cannot be decoded as {declared_codec}: {exc}") from exc
    return _DECLARED_ENCODING.sub(rb"\1UTF-8\3", text.encode("utf-8"), count=1)


def _has_markup(data: Content, start: int, end: int) -> bool:
    """Whether ``<!`` or ``<?`` occurs in a range (found through the rarer second byte: much faster)."""
    for second in (b"!", b"?"):
        position = data.find(second, start, end)
        for _ in range(1000):
            if position < 0:
                break
            if position > start and data[position - 1] == 0x3C:  # "<"
                return True
            position = data.find(second, position + 1, end)
        else:
            return data.find(b"<" + second, start, end) >= 0
    return False


@dataclass(frozen=True)
class _CellLook:
    """How an appended cell of one column is spelled around its row number and value: its start
    (``<c r="`` and the column letters), style, and whether dates in that style are serial numbers."""

    opening: str
    style: str | None
    date_style: bool
    text_head: str  # after the row number, before escaped text
    text_tail: str
    empty: str  # after the row number: a styled empty cell
    value_head: str  # after the row number, before a number
    value_tail: str


@dataclass(frozen=True)
class _RowPlan:
    """The columns of appended rows whose values come in one order: each with its look and whether
    the style row gives it a cell even when empty; and the attributes of the row's start tag."""

    cells: list[tuple[int, _CellLook, bool]]
    attributes: str  # the start tag after its row number: the style row's attributes
    spans: bool  # they include spans, widened to the columns written


_UNSEEN = object()


class _Worksheet:
    """One worksheet's XML and the positions of its rows, found without building a tree.

    Only what is read or rewritten is checked to be well-formed: everything outside ``<sheetData>``
    and the rows that are patched or copied from; the other rows are copied byte for byte, unparsed.
    """

    def __init__(self, part: str, data: Content, context: _WorkbookContext) -> None:
        self.part = part
        self.name = context.worksheet(part)  # for messages
        self.context = context
        self.data = data = _as_utf8(data, part)
        root = _find_root(data, part, "worksheet")
        self.prefix = root.prefix
        self.re = _Patterns(root.prefix)
        sheet_data = self.re.sheet_data.search(data, root.end)
        if sheet_data is None:
            raise PatchError(f"{context.worksheet(part)} has no <sheetData>")
        self.sheet_data = sheet_data
        self.self_closing = bool(sheet_data[2])
        self.content_start = sheet_data.end()
        if self.self_closing:
            self.content_end = self.after_sheet_data = sheet_data.end()
        else:
            # There is one sheetData, near the end: search backwards, then check it is the closing tag.
            close = f"</{root.prefix}sheetData".encode("ascii")
            position = data.rfind(close, self.content_start)
            end = self.re.sheet_data_end.match(data, position) if position >= 0 else None
            if end is None:
                raise PatchError(f"{context.worksheet(part)}: <sheetData> is not closed")
            self.content_end, self.after_sheet_data = end.start(), end.end()
        if _has_markup(data, self.content_start, self.content_end):
            raise PatchError(
                f"{context.worksheet(part)}: comments, CDATA sections or processing instructions inside "
                "<sheetData> are not supported"
            )
        self._scan_rows()
        self.column_styles = self._column_styles()
        self._looks: dict[int, _CellLook] = {}  # appended cells' look, by column
        self._plans: dict[tuple[int, ...], _RowPlan] = {}  # by the columns of the values, in their order
        self._planned_for: tuple[dict[int, str], list[tuple[str, str]]] | None = None
        self._widened: dict[tuple[int, ...], str] = {}  # row attributes with spans widened, by columns
        self._serials: dict[date, str | None] = {}  # Excel serials of the dates appended

    def _scan_rows(self) -> None:
        numbers: list[int] = []
        starts: list[int] = []
        tag_ends: list[int] = []
        previous = 0
        row_number = _ROW_NUMBER.search
        for match in self.re.row.finditer(self.data, self.content_start, self.content_end):
            explicit = match[1]
            if explicit is not None:
                number = int(explicit)
            else:
                found = row_number(match[2])
                number = int(found[1] or found[2]) if found else previous + 1
            if number <= previous or number > MAX_ROW:
                raise PatchError(
                    f"{self.name}: row {number} is out of order or out of range; the sheet is damaged"
                )
            numbers.append(number)
            starts.append(match.start())
            tag_ends.append(match.end())
            previous = number
        self.row_numbers, self.row_starts, self.row_tag_ends = numbers, starts, tag_ends

    def _column_styles(self) -> list[tuple[int, int, str]]:
        styles: list[tuple[int, int, str]] = []
        for match in self.re.col.finditer(self.data, 0, self.sheet_data.start()):
            tag = match[0].decode("utf-8")
            style, low, high = _attribute(tag, "style"), _attribute(tag, "min"), _attribute(tag, "max")
            if style and low and high and low.isdigit() and high.isdigit() and style != "0":
                styles.append((int(low), int(high), style))
        return styles

    def column_style(self, column: int) -> str | None:
        for low, high, style in self.column_styles:
            if low <= column <= high:
                return style
        return None

    # rows -----------------------------------------------------------------------------------------

    def row_index(self, number: int) -> int | None:
        index = bisect.bisect_left(self.row_numbers, number)
        if index < len(self.row_numbers) and self.row_numbers[index] == number:
            return index
        return None

    def row_span(self, index: int) -> tuple[int, int, int, int]:
        """(start, end of the start tag, start of the end tag, end) of a row element."""
        start, tag_end = self.row_starts[index], self.row_tag_ends[index]
        if self.data[tag_end - 2 : tag_end - 1] == b"/":
            return start, tag_end, tag_end, tag_end
        limit = self.row_starts[index + 1] if index + 1 < len(self.row_starts) else self.content_end
        end = self.re.row_end.search(self.data, tag_end, limit)
        if end is None:
            raise PatchError(f"{self.name}: row {self.row_numbers[index]} is not closed")
        return start, tag_end, end.start(), end.end()

    def row_text(self, index: int) -> str:
        start, _tag_end, _inner_end, end = self.row_span(index)
        try:
            return self.data[start:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PatchError(f"{self.name}: row {self.row_numbers[index]} is not UTF-8") from exc

    def last_content_row(self) -> int:
        """The last row with a value or formula; rows after it hold at most styled empty cells."""
        for index in range(len(self.row_numbers) - 1, -1, -1):
            _start, tag_end, inner_end, _end = self.row_span(index)
            if self.re.content.search(self.data, tag_end, inner_end):
                return self.row_numbers[index]
        return 0

    def content_cells(self, number: int) -> list[str]:
        """The cells of a row with a value or formula, as Excel names them ("AB1048576")."""
        index = self.row_index(number)
        if index is None:
            return []
        row = self.row_text(index)
        tag_end = row.index(">") + 1
        return [
            f"{_column_letters(column)}{number}"
            for column, match in self.cells(row, tag_end, len(row))
            if match[2] and self.re.content.search(match[2].encode())
        ]

    def cells(self, row: str, start: int, end: int) -> list[tuple[int, re.Match[str]]]:
        """(column, match) of the cells of a row's text between two offsets."""
        result: list[tuple[int, re.Match[str]]] = []
        column = 0
        for match in self.re.cell.finditer(row, start, end):
            ref = _attribute(match[1], "r")
            parsed = _CELL_REF.fullmatch(ref.strip()) if ref else None
            new_column = _column_index(parsed[1]) if parsed else column + 1
            if new_column <= column or new_column > MAX_COLUMN:
                raise PatchError(f"{self.name}: cells out of order in {row[:40]!r}…")
            column = new_column
            result.append((column, match))
        return result

    def row_style_info(self, number: int | None) -> tuple[dict[int, str], list[tuple[str, str]]]:
        """Cell styles by column, and the copyable attributes, of a row (empty if it does not exist)."""
        index = self.row_index(number) if number is not None else None
        if index is None:
            return {}, []
        row = self.row_text(index)
        tag_end = row.index(">") + 1
        styles: dict[int, str] = {}
        for column, match in self.cells(row, tag_end, len(row)):
            style = _attribute(match[1], "s")
            if style is not None:
                styles[column] = style
        attrs = [(k, v) for k, v in _attributes(row[:tag_end]) if k not in _ROW_ATTRS_NOT_COPIED]
        return styles, attrs

    # cells ------------------------------------------------------------------------------------------

    def cell_xml(self, column: int, row: int, attrs: list[tuple[str, str]], value: CellValue) -> str:
        """A whole ``<c>`` element; ``attrs`` are the (name, quoted raw value) attributes to keep."""
        p = self.prefix
        ref = f"{_column_letters(column)}{row}"
        style = next((raw[1:-1] for name, raw in attrs if name == "s"), None)
        kept = "".join(f" {name}={raw}" for name, raw in attrs if name not in _CELL_ATTRS_DROPPED)
        head = f'<{p}c r="{ref}"' + (f' s="{style}"' if style is not None else "") + kept
        try:
            if value is None:
                return head + "/>"
            if isinstance(value, bool):
                return f'{head} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
            if isinstance(value, int | float | Decimal):
                return f"{head}><{p}v>{_number_text(value)}</{p}v></{p}c>"
            if isinstance(value, date):
                serial = None
                if style is not None and style.strip().isdigit() and int(style) in self.context.date_styles:
                    serial = _excel_serial(value, self.context.date1904)
                if serial is not None:
                    return f"{head}><{p}v>{serial}</{p}v></{p}c>"
                value = _iso_text(value)
            if isinstance(value, str):
                text = _text_xml(value)
                return f'{head} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'
            raise ValueError(f"cannot write a value of type {type(value).__name__}")
        except ValueError as exc:
            raise PatchError(f"{self.name}, cell {ref}: {exc}") from exc

    def new_row_xml(
        self,
        number: int,
        values: dict[int, CellValue],
        style_cells: dict[int, str],
        row_attrs: list[tuple[str, str]],
    ) -> tuple[bytes, list[int]]:
        """An appended row and its columns: the style row's look wherever it has one, and the values.

        The same XML ``rebuild_row`` makes of an empty new row, without parsing one first; the cells a
        ledger mostly holds (text, empty styled cells, dates in date styles, amounts) are spelled out
        from each column's look, made once per sheet: a first sync appends a bureau's rows.
        """
        plan = self._row_plan(values, style_cells, row_attrs)
        row = str(number)
        cells: list[str] = []
        written: list[int] = []
        for column, look, styled in plan.cells:
            value = values.get(column)
            kind = type(value)
            if kind is str:
                text: str = value  # type: ignore[assignment]
                if len(text) > MAX_CELL_TEXT // 2 or _NEEDS_ESCAPING.search(text):
                    text = self._written(_text_xml, text, column, number)
                cells.append(f"{look.opening}{row}{look.text_head}{text}{look.text_tail}")
            elif value is None:
                if not styled:
                    continue  # no value and no look to give it
                cells.append(f"{look.opening}{row}{look.empty}")
            elif kind is date and look.date_style and (serial := self._serial(value)) is not None:  # type: ignore[arg-type]
                cells.append(f"{look.opening}{row}{look.value_head}{serial}{look.value_tail}")
            elif kind is Decimal or kind is int or kind is float:
                amount = self._written(_number_text, value, column, number)
                cells.append(f"{look.opening}{row}{look.value_head}{amount}{look.value_tail}")
            else:
                attrs = [("s", f'"{look.style}"')] if look.style is not None else []
                cells.append(self.cell_xml(column, number, attrs, value))
            written.append(column)
        attributes = plan.attributes
        if plan.spans and written:
            key = tuple(written)
            attributes = self._widened.get(key) or self._widened.setdefault(
                key, _widen_spans(attributes, written)
            )
        p = self.prefix
        return f'<{p}row r="{row}{attributes}>{"".join(cells)}</{p}row>'.encode(), written

    def _row_plan(
        self, values: dict[int, CellValue], style_cells: dict[int, str], row_attrs: list[tuple[str, str]]
    ) -> _RowPlan:
        planned_for = self._planned_for
        if planned_for is None or planned_for[0] is not style_cells or planned_for[1] is not row_attrs:
            self._planned_for = (style_cells, row_attrs)
            self._plans.clear()
            self._widened.clear()
        key = tuple(values)
        plan = self._plans.get(key)
        if plan is None:
            attributes = '"' + "".join(f" {k}={v}" for k, v in row_attrs)
            plan = self._plans[key] = _RowPlan(
                [
                    (column, self._new_cell_look(column, style_cells), column in style_cells)
                    for column in sorted(values.keys() | style_cells.keys())
                ],
                attributes,
                _SPANS.search(attributes) is not None,
            )
        return plan

    def _written(self, write: Callable[[Any], str], value: Any, column: int, row: int) -> str:
        """``write(value)``, or the refusal naming the cell (text too long, a number Excel cannot hold)."""
        try:
            return write(value)
        except ValueError as exc:
            raise PatchError(f"{self.name}, cell {_column_letters(column)}{row}: {exc}") from exc

    def _new_cell_look(self, column: int, style_cells: dict[int, str]) -> _CellLook:
        """How an appended cell of ``column`` is spelled: the style row's style, else the column's."""
        look = self._looks.get(column)
        if look is None:
            p = self.prefix
            style = style_cells.get(column) or self.column_style(column)
            style_attr = f' s="{style}"' if style is not None else ""
            look = self._looks[column] = _CellLook(
                f'<{p}c r="{_column_letters(column)}',
                style,
                style is not None and style.strip().isdigit() and int(style) in self.context.date_styles,
                f'"{style_attr} t="inlineStr"><{p}is><{p}t xml:space="preserve">',
                f"</{p}t></{p}is></{p}c>",
                f'"{style_attr}/>',
                f'"{style_attr}><{p}v>',
                f"</{p}v></{p}c>",
            )
        return look

    def _serial(self, day: date) -> str | None:
        serial = self._serials.get(day, _UNSEEN)
        if serial is _UNSEEN:
            serial = self._serials[day] = _excel_serial(day, self.context.date1904)
        return serial  # type: ignore[return-value]

    def rebuild_row(
        self, number: int, index: int | None, edits: dict[int, _Edit], new_row_attrs: list[tuple[str, str]]
    ) -> tuple[bytes, list[int], list[int]]:
        """The row's new XML, the columns written, and the formula columns skipped."""
        p = self.prefix
        if index is None:  # a new row
            row = f'<{p}row r="{number}"' + "".join(f" {k}={v}" for k, v in new_row_attrs) + "/>"
        else:
            row = self.row_text(index)
        tag_end = row.index(">") + 1
        self_closing = row[tag_end - 2] == "/"
        start_tag = row[: tag_end - 2].rstrip() if self_closing else row[: tag_end - 1]
        inner_end = tag_end if self_closing else row.rindex("<")
        closing = f"</{p}row>" if self_closing else row[inner_end:]
        cells = self.cells(row, tag_end, inner_end)

        row_style = None
        custom_format = _attribute(start_tag, "customFormat")
        if custom_format is not None and custom_format.strip().lower() in {"1", "true"}:
            row_style = _attribute(start_tag, "s")
        existing = dict(cells)
        columns = [column for column, _match in cells]
        pieces: list[tuple[int, int, str]] = []  # (start, end, replacement) inside the row text
        written: list[int] = []
        skipped: list[int] = []
        new_columns: list[int] = []
        for column in sorted(edits):
            edit = edits[column]
            match = existing.get(column)
            if match is not None:
                if match[2] is not None and self.re.formula.search(match[2]):
                    skipped.append(column)
                    continue
                pieces.append(
                    (
                        match.start(),
                        match.end(),
                        self.cell_xml(column, number, _attributes(match[1]), edit.value),
                    )
                )
            else:
                if edit.value is None and edit.style is None:
                    continue  # already empty, and no look to give it
                style = edit.style or row_style or self.column_style(column)
                attrs = [("s", f'"{style}"')] if style is not None else []
                position = bisect.bisect_left(columns, column)
                if position < len(columns):
                    at = existing[columns[position]].start()
                elif columns:
                    at = existing[columns[-1]].end()
                else:
                    at = tag_end
                pieces.append((at, at, self.cell_xml(column, number, attrs, edit.value)))
                new_columns.append(column)
            written.append(column)
        pieces.sort(key=lambda piece: piece[0])  # stable: cells inserted at one spot keep column order
        out = [_widen_spans(start_tag, new_columns), ">"]
        cursor = tag_end
        for piece_start, piece_end, replacement in pieces:
            out.append(row[cursor:piece_start])
            out.append(replacement)
            cursor = piece_end
        out.append(row[cursor:inner_end])
        out.append(closing)
        return "".join(out).encode("utf-8"), written, skipped

    # the whole sheet --------------------------------------------------------------------------------

    def check_well_formed(self, rows: set[int]) -> None:
        """The sheet without its untouched rows is well-formed XML with no DOCTYPE."""
        pieces = [self.data[: self.content_start]]
        for index in sorted(index for number in rows if (index := self.row_index(number)) is not None):
            start, _tag_end, _inner_end, end = self.row_span(index)
            pieces.append(self.data[start:end])
        pieces.append(self.data[self.content_end :])
        check_xml(pieces, self.part)

    def patch(
        self,
        patch: SheetPatch,
        report: PatchReport,
        keep_rows: int = 0,
        check_rows: Callable[[str, bytes], None] = check_rows_here,
    ) -> tuple[Pieces, _Outcome]:
        row_edits: dict[int, dict[int, _Edit]] = {}
        for (row, column), value in patch.updates.items():
            row_edits.setdefault(row, {})[column] = _Edit(value)
        parsed_rows = set(row_edits) | ({patch.style_row} if patch.style_row is not None else set())
        self.check_well_formed(parsed_rows)
        last_content = self.last_content_row()
        updated_rows = [row for (row, _column), value in patch.updates.items() if value is not None]
        first_append = max([last_content, *updated_rows]) + 1
        appended = list(range(first_append, first_append + len(patch.appends)))
        if appended and appended[-1] > MAX_ROW:
            last = first_append - 1
            raise NoRoomBelow(self.name, self.part, last, self.content_cells(last), len(appended))
        style_cells, style_row_attrs = self.row_style_info(patch.style_row)
        fresh: list[tuple[int, dict[int, CellValue]]] = []  # appended after the sheet's last row element
        last_element = self.row_numbers[-1] if self.row_numbers else 0
        for number, values in zip(appended, patch.appends, strict=True):
            if number > last_element:
                fresh.append((number, values))
                continue
            edits = row_edits.setdefault(number, {})  # on or between pre-formatted empty rows
            for column, style in style_cells.items():  # the style row's look, also where no value is given
                edits.setdefault(column, _Edit(None, style))
            for column, value in values.items():
                edits[column] = _Edit(value, style_cells.get(column))
        appended_set = set(appended)
        rows_written = len(row_edits) + len(fresh)
        kept = report.rows.setdefault(patch.part, {}) if rows_written <= keep_rows else None

        edits_out: Edits = []
        new_rows_at_end: list[bytes] = []
        touched_rows: list[int] = []
        touched_columns: list[int] = []
        for number in sorted(row_edits):
            index = self.row_index(number)
            attrs = style_row_attrs if number in appended_set else []
            edits = row_edits[number]
            xml, written, skipped = self.rebuild_row(number, index, edits, attrs)
            report.skipped_formula_cells.extend((patch.part, number, column) for column in skipped)
            if index is None and not written and not attrs:
                continue  # nothing to put in a new row
            check_rows_here(self.part, xml)  # a guard against our own mistakes
            if kept is not None:
                kept[number] = xml
            touched_columns.extend(written)
            if number in appended_set or any(edits[column].value is not None for column in written):
                touched_rows.append(number)
            if index is not None:
                start, _tag_end, _inner_end, end = self.row_span(index)
                edits_out.append((start, end, xml))
                continue
            position = bisect.bisect_left(self.row_numbers, number)
            if position < len(self.row_starts):
                at = self.row_starts[position]
                edits_out.append((at, at, xml))
            else:
                new_rows_at_end.append(xml)
        # Appended rows (a first sync appends a whole bureau): built directly, checked in blocks.
        block: list[bytes] = []
        block_size = 0
        for number, values in fresh:
            xml, written = self.new_row_xml(number, values, style_cells, style_row_attrs)
            if not written and not style_row_attrs:
                continue  # nothing to put in a new row
            block.append(xml)
            block_size += len(xml)
            touched_rows.append(number)
            touched_columns.extend(written)
            if kept is not None:
                kept[number] = xml
            if block_size >= CHECK_BLOCK:
                new_rows_at_end.append(self._checked(b"".join(block), check_rows))
                block, block_size = [], 0
        if block:
            new_rows_at_end.append(self._checked(b"".join(block), check_rows))
        if new_rows_at_end:
            if self.self_closing:
                opening = self.sheet_data[0][:-2].rstrip() + b">"
                closing = f"</{self.prefix}sheetData>".encode("ascii")
                replacement = opening + b"".join(new_rows_at_end) + closing
                edits_out.append((self.sheet_data.start(), self.sheet_data.end(), replacement))
            else:
                edits_out.append((self.content_end, self.content_end, b"".join(new_rows_at_end)))

        last_row = max([last_content, *touched_rows])
        if touched_rows:
            edits_out.extend(self._dimension_edit(touched_rows, touched_columns))
        if patch.header_row is not None and last_row > 0:
            edits_out.extend(self._auto_filter_edit(patch.header_row, last_row))
        return _pieces(self.data, edits_out), _Outcome(appended, last_row)

    def _checked(self, rows: bytes, check_rows: Callable[[str, bytes], None]) -> bytes:
        check_rows(self.part, rows)  # a guard against our own mistakes
        return rows

    def _dimension_edit(self, rows: list[int], columns: list[int]) -> Edits:
        match = self.re.dimension.search(self.data, 0, self.sheet_data.start())
        if match is None:
            return []
        tag = match[0].decode("utf-8")
        ref = _REF_ATTR.search(tag)
        bounds = _parse_range(ref[3]) if ref else None
        if ref is None or bounds is None:
            return []
        first_col, first_row, last_col, last_row = bounds
        columns = columns or [first_col]
        new = (min(first_col, *columns), min(first_row, *rows), max(last_col, *columns), max(last_row, *rows))
        if new == bounds:
            return []
        return _replace_in_tag(match, tag, ref, _format_range(*new))

    def _auto_filter_edit(self, header_row: int, last_row: int) -> Edits:
        ext = self.re.ext_lst.search(self.data, self.after_sheet_data)
        limit = ext.start() if ext is not None else len(self.data)
        match = self.re.auto_filter.search(self.data, self.after_sheet_data, limit)
        if match is None:
            return []
        return _extend_ref_edit(match, header_row, last_row, starts_at_header=False)


def _replace_in_tag(match: re.Match[bytes], tag: str, ref: re.Match[str], value: str) -> Edits:
    """An edit replacing the ``ref`` value inside a start tag found in a part's bytes."""
    before = len(tag[: ref.start(3)].encode("utf-8"))
    start = match.start() + before
    return [(start, start + len(ref[3].encode("utf-8")), value.encode("ascii"))]


def _extend_ref_edit(
    match: re.Match[bytes], header_row: int, last_row: int, *, starts_at_header: bool
) -> Edits:
    """An edit that moves the last row of a tag's ``ref`` down to ``last_row``, when the range applies."""
    tag = match[0].decode("utf-8")
    ref = _REF_ATTR.search(tag)
    bounds = _parse_range(ref[3]) if ref else None
    if ref is None or bounds is None:
        return []
    first_col, first_row, last_col, old_last = bounds
    applies = first_row == header_row if starts_at_header else first_row <= header_row <= old_last
    if not applies or last_row <= old_last:
        return []
    return _replace_in_tag(match, tag, ref, _format_range(first_col, first_row, last_col, last_row))


def _widen_spans(start_tag: str, new_columns: list[int]) -> str:
    if not new_columns:
        return start_tag
    spans = _SPANS.search(start_tag)
    if spans is None:
        return start_tag
    bounds = re.fullmatch(r"\s*(\d+):(\d+)\s*", spans[3])
    if bounds is None:  # several ranges: the attribute is only a hint, drop it
        return start_tag[: spans.start()] + start_tag[spans.end() :]
    value = f"{min(int(bounds[1]), *new_columns)}:{max(int(bounds[2]), *new_columns)}"
    return start_tag[: spans.start(3)] + value + start_tag[spans.end(3) :]


def _patch_worksheet(
    package: _Package,
    part: str,
    patch: SheetPatch,
    context: _WorkbookContext,
    report: PatchReport,
    keep_rows: int,
    check_rows: Callable[[str, bytes], None],
) -> tuple[Pieces, _Outcome]:
    _name, data = package.read_checked(part, check=False)  # checked piecewise: see _Worksheet
    return _Worksheet(part, data, context).patch(patch, report, keep_rows, check_rows)


# --------------------------------------------------------------------------------------------------
# Table parts


def _table_parts(package: _Package, sheet_part: str) -> list[str]:
    tables = []
    for kind, target in package.relationships(sheet_part).values():
        if kind.endswith("/table"):
            tables.append(package.info(target, referenced_by=sheet_part).filename)
    return tables


@dataclass(frozen=True)
class TableWithTotals:
    """An Excel table that ends in total rows (Table Design ▸ Total Row): formulas, not records."""

    first_column: int
    first_row: int  # its header row
    last_column: int
    total_rows: frozenset[int]


_ERROR_TYPES = (b' t="e"', b" t='e'")  # as Excel, WPS, LibreOffice and openpyxl write it
_ERROR_CELL_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ERROR_VALUE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_CARRY = 512  # bytes kept from one inflated piece to the next: a cell's opening tag cut in two


def _positions(data: bytes, needles: Iterable[bytes]) -> Iterator[int]:
    for needle in needles:
        at = data.find(needle)
        while at != -1:
            yield at
            at = data.find(needle, at + len(needle))


def error_cells(source: Path, part: str) -> dict[tuple[int, int], str]:
    """(row, column) -> the error a cell shows (``#N/A``, ``#DIV/0!``, ``#REF!``…), for every error
    cell of a worksheet part.

    The reader (calamine) gives an error cell as an empty one, so a formula gone wrong would read as a
    cleared value. The part is inflated in pieces, never held whole, and only the rare cells typed
    ``e`` are looked at: about 0.1 s per 20 MB of sheet XML.
    """
    found: dict[tuple[int, int], str] = {}
    with _Package(Path(source)) as package:
        info = package.info(part)
        if not _can_copy_raw(info):
            pieces: Iterable[bytes] = [bytes(package.read(info))]
        else:
            try:
                pieces = _inflated(raw_member(package.zip, info), info)
            except (zipfile.BadZipFile, OSError) as exc:
                raise PatchError(f"cannot read part {info.filename!r} of {package.path.name}: {exc}") from exc
        carry = b""
        try:
            for piece in pieces:
                buffer = carry + piece
                keep_from = max(0, len(buffer) - _CARRY)
                for at in sorted(_positions(buffer, _ERROR_TYPES)):
                    start = buffer.rfind(b"<", 0, at)
                    if start == -1 or not _CELL_TAG.match(buffer, start) or b">" in buffer[start:at]:
                        continue  # not an attribute of a cell (text that happens to read t="e")
                    tag_end = buffer.find(b">", at)
                    end = buffer.find(b"</c>", at)
                    if tag_end == -1 or (end == -1 and buffer[tag_end - 1 : tag_end] != b"/"):
                        keep_from = min(keep_from, start)  # the cell goes on in the next piece
                        break
                    reference = _ERROR_CELL_REF.search(buffer, start, tag_end)
                    closed = buffer[tag_end - 1 : tag_end] == b"/"  # <c r="B2" t="e"/>: no value
                    value = None if closed else _ERROR_VALUE.search(buffer, tag_end, end)
                    if reference is not None:
                        row, column = int(reference[2]), _column_index(reference[1].decode().upper())
                        found[(row, column)] = value[1].decode("utf-8", "replace").strip() if value else "#?"
                carry = buffer[keep_from:]
        except (zipfile.BadZipFile, zlib.error) as exc:
            raise PatchError(f"cannot read part {info.filename!r} of {package.path.name}: {exc}") from exc
    return found


def tables_with_totals(source: Path) -> dict[str, list[TableWithTotals]]:
    """Worksheet part -> its Excel tables that end in total rows."""
    result: dict[str, list[TableWithTotals]] = {}
    with _Package(Path(source)) as package:
        workbook = package.workbook_part()
        if workbook is None:
            return result
        for sheet_part in _sheet_parts(package, workbook).values():
            for table in _table_parts(package, sheet_part):
                _name, data = package.read_checked(table)
                data = _as_utf8(data, table)
                root = _find_root(data, table, "table")
                count = (_attribute(root.attributes, "totalsRowCount") or "").strip()
                bounds = _parse_range(_attribute(root.attributes, "ref") or "")
                if count.isdigit() and int(count) > 0 and bounds is not None:
                    first_column, first_row, last_column, last_row = bounds
                    totals = frozenset(range(last_row - int(count) + 1, last_row + 1))
                    result.setdefault(sheet_part, []).append(
                        TableWithTotals(first_column, first_row, last_column, totals)
                    )
    return result


def _patch_table(package: _Package, part: str, header_row: int, last_row: int) -> bytes | None:
    """The table part with its range (and its autoFilter's) grown to ``last_row``; None if unchanged.

    Only a table whose range starts at the header row grows, and not one that ends in a totals row.
    """
    _name, data = package.read_checked(part)
    data = _as_utf8(data, part)
    root = _find_root(data, part, "table")
    totals = _attribute(root.attributes, "totalsRowCount")
    if totals is not None and totals.strip() not in ("", "0"):
        return None
    edits = _extend_ref_edit(root.tag, header_row, last_row, starts_at_header=True)
    if not edits:
        return None
    auto_filter = _Patterns(root.prefix).auto_filter.search(data, root.end)
    if auto_filter is not None:
        edits += _extend_ref_edit(auto_filter, header_row, last_row, starts_at_header=True)
    return _apply(data, edits)
