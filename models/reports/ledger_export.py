"""Any ledger view exported as shown on screen: the same rows in the same order, the visible columns.

The caller has already searched and sorted (``ids = query.ids(search, sort_field, descending)``); this
module only fetches display values by id, in chunks, and streams them into a write-only workbook, so a
100,000-row ledger is exported in bounded memory. The sheet looks like every other report
(:mod:`models.reports.xlsx_style`): title, generation time, header with units, real dates and numbers,
frozen header, filter, fitted widths, landscape fit-to-width.

Also home to the small helpers every report writer shares: text made safe for a cell and an atomic save.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped, unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Border, Font  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from models import controlled
from models.fields import Field, Kind
from models.file_access import is_read_only, open_elsewhere
from models.i18n import FileInUse
from models.queries import LedgerQuery, MarkedRow
from models.reports import xlsx_style
from models.types import utcnow

CHUNK = 2000
"""Rows fetched from the database per query while exporting."""

_MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell
_WIDTH_SAMPLE = CHUNK  # widths are fitted to the header and the first rows (set before streaming)
_FIRST_ROW = 1
_HEADER_ROW = _FIRST_ROW + 3  # as xlsx_style.write_table lays it out: title, note, blank, header
_NOTE_FONT = Font(italic=True, color="666666")


class ExportCancelled(Exception):
    """The export was cancelled; nothing was written."""


# --- helpers shared by the report writers ------------------------------------------------------------


def cell_text(text: str) -> str:
    """Text a cell can hold: characters XML forbids removed, cut to Excel's 32,767-character limit."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned[:_MAX_CELL_TEXT]


def keep_text_as_text(sheet: Worksheet, first_row: int, last_row: int) -> None:
    """Strings that begin with "=" stay text: openpyxl would otherwise write them as formulas."""
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def save_atomically(workbook: Workbook, path: Path) -> None:
    """Write to a temporary file beside ``path``, then replace ``path``: a reader never sees half a file,
    and a failed export leaves any earlier file untouched.

    A failure is an :class:`OSError` naming ``path`` (the file the user chose, not the temporary one,
    e.g. when its folder does not exist); the temporary file is removed and the workbook's unsaved
    write-only sheets are closed, so nothing is left behind to complain when it is garbage-collected.
    """
    path = Path(path)
    temporary: str | None = None
    try:
        _refuse_a_file_in_use(path)
        temporary = _new_file_beside(path)
        workbook.save(temporary)
        with contextlib.suppress(OSError):  # a report written over an earlier one keeps who may read it
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        for sheet in workbook.worksheets if getattr(workbook, "write_only", False) else ():
            _discard(sheet)
        if isinstance(error, OSError) and error.errno is not None and error.filename != str(path):
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def _refuse_a_file_in_use(path: Path) -> None:
    """An earlier report open in Excel, WPS or LibreOffice, or marked read-only, is not written over: a
    rename would replace it on Linux and macOS, and the program showing it would save its copy back."""
    if not path.exists():
        return
    opened = open_elsewhere(path)
    if opened is not None:
        program = f"{opened.program} ({opened.who()})" if opened.who() else opened.program
        raise FileInUse(path, program, opened.owner_file)
    if is_read_only(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def _new_file_beside(path: Path) -> str:
    """Create an empty file with a unique hidden name in ``path``'s folder, with the permissions any new
    file gets there (``mkstemp`` would make it readable by its owner only, and a report shared in a
    folder could then not be opened by colleagues)."""
    while True:
        name = path.parent / f".{path.stem}.{uuid.uuid4().hex[:12]}.tmp"
        try:
            os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        return str(name)


def _marked(value: Any, field_name: str, row: MarkedRow, language: str) -> Any:
    """A reference to a deleted record, marked as in the table it was exported from."""
    if field_name not in row.deleted_references or value in (None, ""):
        return value
    return f"{value}（已删除）" if language.startswith("zh") else f"{value} (deleted)"


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in cell_text(text)).strip("' ")
    return cleaned[:31] or "Sheet1"


# --- headers ------------------------------------------------------------------------------------------


@cache
def _workbook_columns() -> dict[str, Any]:
    text = resources.files("resources").joinpath("data/workbook_columns.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _is_zh(language: str) -> bool:
    return language.startswith("zh")


def column_header(ledger_name: str, field: Field, language: str) -> str:
    """The column's header as the master workbook names it; a reference shows the referenced name, and
    an amount always carries its unit."""
    if _is_zh(language):
        names = _workbook_columns().get(ledger_name, {}).get("columns", {}).get(field.name, {})
        key = "name_zh" if field.kind is Kind.REF else "zh"
        header = str(names.get(key) or field.label)
        if field.kind is Kind.MONEY and "万元" not in header:
            header += "（万元）"
        return header
    header = field.label
    if field.kind is Kind.MONEY and "10k yuan" not in header:
        header += " (10k yuan)"
    return header


def ledger_title(ledger_name: str, language: str) -> str:
    """The ledger's name as the master workbook's sheet names it."""
    sheet = _workbook_columns().get(ledger_name, {}).get("sheet", {})
    return str(sheet.get("zh" if _is_zh(language) else "en") or ledger_name)


# --- values -------------------------------------------------------------------------------------------


def _converter(field: Field, language: str) -> Callable[[Any], Any]:
    """Display value (as LedgerQuery.rows gives it) -> what the cell holds."""
    if field.kind is Kind.MONEY:
        return lambda value: None if value is None else float(Decimal(value))
    if field.kind is Kind.DATE:
        return lambda value: value if isinstance(value, date) or value is None else cell_text(str(value))
    if field.kind is Kind.BOOL:
        yes, no = ("是", "否") if _is_zh(language) else ("Yes", "No")
        return lambda value: None if value is None else (yes if value else no)
    if field.kind is Kind.CHOICE and field.choices:
        choices = field.choices
        return lambda value: None if value is None else cell_text(controlled.label(choices, value, language))
    return lambda value: None if value is None or value == "" else cell_text(str(value))


def _formats(fields: Sequence[Field]) -> list[str | None]:
    formats: list[str | None] = []
    for field in fields:
        if field.kind is Kind.MONEY:
            formats.append(xlsx_style.WAN_FORMAT)
        elif field.kind is Kind.DATE:
            formats.append(xlsx_style.DATE_FORMAT)
        else:
            formats.append(None)
    return formats


# --- export -------------------------------------------------------------------------------------------


def export_ledger_view(
    query: LedgerQuery,
    ids: Sequence[str],
    visible_fields: Sequence[str],
    path: Path,
    language: str = "zh",
    title: str | None = None,
    now: datetime | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the records ``ids`` (in that order) with the columns ``visible_fields`` (in that order) to
    ``path``; returns the number of rows written (ids no longer found are skipped).

    Large views take a while (openpyxl writes some 50,000 cells a second): ``progress(done, total)`` is
    called after each chunk of rows, and when ``cancelled()`` turns true the export stops with
    :class:`ExportCancelled`, leaving ``path`` as it was.
    """
    if not visible_fields:
        raise ValueError("no columns to export")
    positions: list[int] = []
    fields: list[Field] = []
    by_name = {column.field.name: index for index, column in enumerate(query.columns)}
    for name in visible_fields:
        if name not in by_name:
            raise ValueError(f"the {query.ledger.name} table has no column {name!r}")
        positions.append(by_name[name])
        fields.append(query.columns[by_name[name]].field)
    ledger_name = query.ledger.name
    headers = [column_header(ledger_name, field, language) for field in fields]
    converters = [_converter(field, language) for field in fields]
    formats = _formats(fields)

    def chunks() -> Iterator[tuple[int, list[list[Any]]]]:
        """(ids done so far, the rows of the next chunk) until every id has been looked up."""
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            found = query.marked_rows(chunk)
            rows = [
                [
                    _marked(convert(found[record_id].values[p]), field.name, found[record_id], language)
                    for convert, p, field in zip(converters, positions, fields, strict=True)
                ]
                for record_id in chunk
                if record_id in found
            ]
            yield start + len(chunk), rows

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(ledger_title(ledger_name, language)))
    batches = chunks()
    done, first_batch = next(batches, (0, []))

    widths = [xlsx_style.display_width(h) for h in headers]
    for row in first_batch[:_WIDTH_SAMPLE]:
        for column, value in enumerate(row):
            widths[column] = max(widths[column], xlsx_style.display_width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    xlsx_style.landscape(sheet)

    heading = cell_text(title) if title else ledger_title(ledger_name, language)
    note = xlsx_style.generated_note(now or utcnow(), language)
    written = 0
    batch = first_batch
    try:
        _write_heading(sheet, heading, note, headers)
        while done:
            for row in batch:
                sheet.append([_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)])
            written += len(batch)
            if progress is not None:
                progress(done, len(ids))
            if cancelled is not None and cancelled():
                raise ExportCancelled()
            done, batch = next(batches, (0, []))
    except BaseException:
        _discard(sheet)
        raise

    last_row = _HEADER_ROW + written
    sheet.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(len(headers))}{last_row}"
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    save_atomically(workbook, path)
    return written


def _write_heading(sheet: Worksheet, title: str, note: str, headers: Sequence[str]) -> None:
    """Title, generation note, a blank row and the header row, styled as xlsx_style.write_table does."""
    title_cell = WriteOnlyCell(sheet, title)
    title_cell.data_type = "s"  # a caller's title is never a formula
    title_cell.font = xlsx_style.TITLE_FONT
    sheet.append([title_cell])
    note_cell = WriteOnlyCell(sheet, note)
    note_cell.font = _NOTE_FONT
    sheet.append([note_cell])
    sheet.append([])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = xlsx_style.HEADER_FONT
        cell.fill = xlsx_style.HEADER_FILL
        cell.border = Border(bottom=xlsx_style.THIN)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)


def _discard(sheet: Worksheet) -> None:
    """Close an abandoned write-only sheet and remove its temporary file now (openpyxl would keep the
    file until the process exits, and complain when the half-written sheet is garbage-collected)."""
    with contextlib.suppress(Exception):
        sheet.close()
        sheet._writer.cleanup()


def _cell(sheet: Worksheet, value: Any, number_format: str | None) -> Any:
    """A plain value where openpyxl's default is right; a cell where it needs a format or must stay text."""
    if value is None:
        return None
    if number_format is not None and not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = number_format
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


__all__ = [
    "CHUNK",
    "ExportCancelled",
    "cell_text",
    "column_header",
    "export_ledger_view",
    "keep_text_as_text",
    "ledger_title",
    "save_atomically",
    "sheet_title",
]
