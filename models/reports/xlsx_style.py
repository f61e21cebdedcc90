"""How every report workbook looks: title and generation time, units in headers, real numbers and
dates, frozen header, filter, widths fitted to content (CJK counts double), landscape fit-to-width."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

WAN_FORMAT = "#,##0.00"  # 万元
YI_FORMAT = "#,##0.00"  # 亿元
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="A6A6A6")
MAX_WIDTH = 60  # characters: a wider text wraps in a column this wide
LINE_HEIGHT = 15  # points: one line of the default font


def display_width(value: Any) -> int:
    """Characters as a spreadsheet shows them: East-Asian wide characters count double."""
    if value is None:
        return 0
    if isinstance(value, datetime | date):
        return 10
    if isinstance(value, float):
        value = f"{value:,.2f}"
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_table(
    sheet: Worksheet,
    title: str,
    generated: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] | None = None,
    *,
    first_row: int = 1,
) -> tuple[int, int]:
    """Title (row ``first_row``), generation note, then a header row and the data with number formats,
    frozen header, auto-filter, fitted widths and landscape fit-to-width printing.

    Returns (header row, last data row).
    """
    sheet.cell(first_row, 1, title).font = TITLE_FONT
    sheet.cell(first_row + 1, 1, generated).font = Font(italic=True, color="666666")
    header_row = first_row + 3
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(header_row, column, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = Border(bottom=THIN)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [display_width(h) for h in headers]
    for offset, row in enumerate(rows, start=1):
        lines = 1
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(header_row + offset, column, value)
            number_format = formats[column - 1] if formats and column - 1 < len(formats) else None
            if number_format and value is not None and not isinstance(value, str):
                cell.number_format = number_format
            elif isinstance(value, datetime | date):
                cell.number_format = DATE_FORMAT
            width = display_width(value)
            widths[column - 1] = max(widths[column - 1], width)
            if isinstance(value, str) and width + 2 > MAX_WIDTH:  # wrapped in the widest column there is
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, math.ceil((width + 2) / MAX_WIDTH))
        if lines > 1:  # Excel does not grow a row for wrapped text it did not type itself
            sheet.row_dimensions[header_row + offset].height = LINE_HEIGHT * lines
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), MAX_WIDTH)
    last_row = header_row + len(rows)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    if headers:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{max(last_row, header_row)}"
    landscape(sheet)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return header_row, last_row


def landscape(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def generated_note(now: datetime, language: str) -> str:
    stamp = now.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"生成时间：{stamp}" if language.startswith("zh") else f"Generated {stamp}"
