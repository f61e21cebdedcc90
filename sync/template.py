"""A fresh master workbook for a new bureau: one sheet per ledger, ready for head office to type into.

Each ledger sheet has the app's headers in row 1 (frozen, bold, filtered), widths to suit each column,
date and amount formats, text format where Excel would otherwise mangle a value (credit codes, phone
numbers, ids), and drop-down lists for the controlled vocabularies, yes/no fields and the record
status. The lists live on a hidden sheet and are referenced by absolute ranges: an inline list longer
than 255 characters breaks Excel. Head office can unhide that sheet to see or extend the lists.
"""

from __future__ import annotations

import contextlib
import errno
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter, quote_sheetname  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]

from models.controlled import terms
from models.fields import Kind
from models.i18n import QT_TRANSLATE_NOOP
from sync.columns import SYNC_ORDER, Column, Role, deleted_label, layout
from sync.safety import fsync_directory, fsync_path, temp_path_beside

ALREADY_EXISTS = QT_TRANSLATE_NOOP(
    "Sync", "{path} already exists; a new master workbook never replaces an existing file"
)
NO_FOLDER = QT_TRANSLATE_NOOP("Sync", "{path} cannot be created: there is no folder {folder}")

VALIDATION_LAST_ROW = 10_000
"""Drop-down validation and column formats cover rows 2 to this row."""

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.####"
TEXT_FORMAT = "@"

HEADER_FILL = "DDEBF7"  # light blue
_YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}
_LIST_SHEET = {"zh": "列表", "en": "Lists"}
_ERROR_TITLE = {"zh": "无效的值", "en": "Invalid value"}
_ERROR = {
    "zh": "请从下拉列表中选择一个值，或留空。",
    "en": "Please choose a value from the drop-down list, or leave the cell empty.",
}


def _lang(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def bool_labels(language: str) -> tuple[str, str]:
    """How a yes/no field is written: (true, false), 是/否 or Yes/No."""
    return _YES_NO[_lang(language)]


def list_sheet_title(language: str) -> str:
    """The hidden sheet holding the drop-down lists: 列表 or Lists."""
    return _LIST_SHEET[_lang(language)]


def list_key(column: Column) -> str | None:
    """Which drop-down list a column uses (a controlled list's name, ``yes_no`` or ``record_status``)."""
    if column.role is Role.STATUS:
        return "record_status"
    if column.role is not Role.FIELD or column.field is None:
        return None
    if column.field.kind is Kind.BOOL:
        return "yes_no"
    if column.field.kind is Kind.CHOICE and column.field.choices:
        return column.field.choices
    return None


def list_values(key: str, language: str) -> tuple[str, ...]:
    """The values offered by the drop-down list ``key`` (see :func:`list_key`) in that language."""
    if key == "record_status":
        return (deleted_label(language),)
    if key == "yes_no":
        return bool_labels(language)
    return tuple(term.label(language) for term in terms(key))


def create_master_workbook(path: Path, language: str = "zh") -> None:
    """Write a new, empty master workbook at ``path`` with headers in ``language`` ("zh" or "en").

    Refuses to overwrite anything (:class:`FileExistsError`). The workbook is written to a temporary
    file in the same folder and then moved into place, so a crash never leaves a half-written file.
    """
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise ValueError(f"A master workbook must be an .xlsx file, not {path.name}")
    if path.exists():
        raise _exists(path)
    if not path.parent.is_dir():  # else the error names the temporary file written beside it
        raise FileNotFoundError(NO_FOLDER.format(path=path, folder=path.parent))
    workbook = build_master_workbook(language)
    temp = temp_path_beside(path, suffix=".xlsx")
    try:
        workbook.save(temp)
        fsync_path(temp)
        _move_into_place(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    fsync_directory(path.parent)


def _move_into_place(temp: Path, path: Path) -> None:
    """Move ``temp`` to ``path`` unless ``path`` exists, even if it appeared while we were writing.

    A hard link is created atomically only if the name is free; where links are not supported (FAT
    drives, some network shares) the check is repeated just before ``os.replace``.
    """
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError:
        if path.exists():
            raise _exists(path) from None
        os.replace(temp, path)


def _exists(path: Path) -> FileExistsError:
    return FileExistsError(errno.EEXIST, ALREADY_EXISTS.format(path=path), str(path))


def _set_text(cell: Any, value: str) -> None:
    """Write text as text: openpyxl would turn a string starting with "=" into a formula."""
    cell.value = value
    cell.data_type = "s"


def build_master_workbook(language: str = "zh") -> Workbook:
    """The new master workbook in memory (see :func:`create_master_workbook`)."""
    language = _lang(language)
    book = Workbook()
    default = book.active
    lists = book.create_sheet(list_sheet_title(language))
    lists.sheet_state = "hidden"
    ranges: dict[str, str] = {}  # list key -> absolute range on the list sheet

    def list_range(key: str) -> str:
        if key not in ranges:
            values = list_values(key, language)
            letter = get_column_letter(len(ranges) + 1)
            _set_text(lists[f"{letter}1"], key)
            lists[f"{letter}1"].font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                _set_text(lists[f"{letter}{row}"], value)
            lists.column_dimensions[letter].width = max(14, *(_display_width(v) + 2 for v in values))
            last = len(values) + 1
            ranges[key] = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${last}"
        return ranges[key]

    for index, ledger in enumerate(SYNC_ORDER):
        sheet_layout = layout(ledger)
        sheet = book.create_sheet(sheet_layout.title(language), index)
        _write_sheet(sheet, sheet_layout.columns, language, list_range)
    book.remove(default)
    book.active = 0
    book.worksheets[0].sheet_view.tabSelected = True
    book.security = None  # no empty <workbookProtection/>
    book.properties.creator = "Outreach Ledger"
    book.properties.title = "Outreach Ledger master workbook" if language == "en" else "招商外勤台账"
    return book


def _write_sheet(
    ws: Any, columns: tuple[Column, ...], language: str, list_range: Callable[[str], str]
) -> None:
    header_font = Font(bold=True)
    header_fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
    header_border = Border(bottom=Side(style="thin", color="8EA9C1"))
    header_alignment = Alignment(vertical="center")
    validations: dict[str, DataValidation] = {}
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        cell = ws.cell(row=1, column=number)
        _set_text(cell, column.header(language))
        cell.font = header_font
        cell.fill = header_fill
        cell.border = header_border
        cell.alignment = header_alignment
        dimension = ws.column_dimensions[letter]
        dimension.width = column_width(column, language)
        number_format = _number_format(column)
        if number_format:
            dimension.number_format = number_format
        key = list_key(column)
        if key is not None:
            if key not in validations:
                validation = DataValidation(
                    type="list",
                    formula1=list_range(key),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="stop",
                    errorTitle=_ERROR_TITLE[language],
                    error=_ERROR[language],
                )
                ws.add_data_validation(validation)
                validations[key] = validation
            validations[key].add(f"{letter}2:{letter}{VALIDATION_LAST_ROW}")
    last = get_column_letter(len(columns))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}1"
    ws.print_title_rows = "1:1"
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = 9  # A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _number_format(column: Column) -> str | None:
    if column.role in (Role.ID, Role.REF_NAME):
        return TEXT_FORMAT
    if column.field is None:
        return None
    kind = column.field.kind
    if kind is Kind.DATE:
        return DATE_FORMAT
    if kind is Kind.MONEY:
        return MONEY_FORMAT
    if kind in (Kind.TEXT, Kind.REF):
        # Keep credit codes, phone numbers and ids as typed (no 1.2E+17, no lost leading zeros).
        # Not for long text: Excel shows "####" for text-formatted cells over 255 characters.
        return TEXT_FORMAT
    return None


def _display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_width(column: Column, language: str) -> float:
    """A sensible width: by kind (dates 12, amounts 16, long text 40, ids 38, …), never narrower than
    the header plus room for the filter button."""
    header = _display_width(column.header(language)) + 4
    field = column.field
    if column.role is Role.ID or (column.role is Role.FIELD and field is not None and field.kind is Kind.REF):
        by_kind = 38.0
    elif column.role is Role.STATUS:
        by_kind = 10.0
    elif field is None:
        by_kind = 14.0
    elif column.role is Role.REF_NAME:
        by_kind = min(max(field.width / 8, 16.0), 40.0)
    elif field.kind is Kind.DATE:
        by_kind = 12.0
    elif field.kind is Kind.MONEY:
        by_kind = 16.0
    elif field.kind is Kind.LONG_TEXT:
        by_kind = 40.0
    elif field.kind is Kind.BOOL:
        by_kind = 10.0
    elif field.kind is Kind.CHOICE and field.choices:
        by_kind = min(max(_display_width(t.label(language)) for t in terms(field.choices)) + 4, 36)
    else:
        by_kind = min(max(field.width / 8, 12.0), 40.0)
    return float(min(max(by_kind, header), 60))
