"""Patching the master workbook: only the changed cells and parts change, everything else is byte-identical.

Workbooks are built with openpyxl (then given a shared-string table, distinct zip timestamps and one
stored entry, like a workbook saved by Excel), patched, and read back with openpyxl and python-calamine.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from python_calamine import CalamineWorkbook

import sync.xlsx_patch as xlsx_patch
from sync.xlsx_patch import PatchError, SheetPatch, date_styles, patch_workbook, raw_member, sheet_parts

ENTERPRISES = "xl/worksheets/sheet1.xml"
VISITS = "xl/worksheets/sheet2.xml"
SUMMARY = "xl/worksheets/sheet3.xml"
TABLE = "xl/tables/table1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADERS = ["ID", "Name", "Founded", "Capital", "Notes", "Double"]
HOSTILE = ["=SUM(A1:A3)", "+86 138 0000 0000", "-5", "@HYPERLINK(1)", "=1+1"]


# --------------------------------------------------------------------------------------------------
# Building workbooks


def _to_excel_like_package(path: Path) -> None:
    """Rewrite an openpyxl file as Excel would store it: strings in a shared-string table, zip entries
    with their own timestamps and attributes, one entry stored rather than deflated."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        text = match[3]
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'<c {match[1]}t="s"{match[2]}><v>{index[text]}</v></c>'

    inline = re.compile(
        r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
    )
    rewritten = []
    for info, data in parts:
        if info.filename.startswith("xl/worksheets/sheet"):
            data = inline.sub(shared, data.decode()).encode()
        rewritten.append((info.filename, data))
    sst = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    sst_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>'
    ).encode()
    final = []
    for name, data in rewritten:
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            )
        if name == "[Content_Types].xml":
            data = data.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        final.append((name, data))
        if name == "xl/workbook.xml":
            final.append(("xl/sharedStrings.xml", sst_xml))
    with zipfile.ZipFile(path, "w") as target:
        for number, (name, data) in enumerate(final):
            info = zipfile.ZipInfo(name, (2021, 5, 6, 7, 8, 2 * number))
            info.external_attr = (0o644 if number % 2 else 0o600) << 16
            info.compress_type = zipfile.ZIP_STORED if name == "docProps/app.xml" else zipfile.ZIP_DEFLATED
            target.writestr(info, data)


def build_master(path: Path) -> Path:
    """Enterprises (title merged over a header in row 3, a table, a formula column, a hidden row, a comment,
    data validation, conditional formatting), Visits (autoFilter, a Chinese date format), Summary
    (formulas over both), and a defined name."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Enterprises"
    ws["A1"] = "Enterprise ledger 招商台账"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    thin = Side(style="thin")
    for column, header in enumerate(HEADERS, 1):
        ws.cell(3, column, header).font = Font(bold=True)
    for i in range(10):
        row = 4 + i
        ws.cell(row, 1, f"E{i:03d}").border = Border(left=thin, right=thin)
        name = ws.cell(row, 2, f"Company {i} 有限公司")
        name.font = Font(italic=True, color="FFFF0000")
        name.alignment = Alignment(wrap_text=True)
        ws.cell(row, 3, date(2020, 1, 1 + i)).number_format = "yyyy-mm-dd"
        ws.cell(row, 4, 1000 * (i + 1)).number_format = "#,##0.00"
        if i % 2 == 0:  # odd rows have no Notes cell at all
            notes = ws.cell(row, 5, f"note {i}")
            notes.fill = PatternFill("solid", fgColor="FFFFFF00")
        ws.cell(row, 6, f"=D{row}*2").number_format = "0.0"
    ws.row_dimensions[7].hidden = True
    ws.row_dimensions[8].height = 30
    ws["B5"].comment = Comment("Check the name with HQ", "HQ")
    table = Table(displayName="EnterpriseTable", ref="A3:F13")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    validation = DataValidation(type="whole", operator="greaterThan", formula1="0", sqref="D4:D13")
    ws.add_data_validation(validation)
    ws.conditional_formatting.add(
        "D4:D13",
        CellIsRule(operator="greaterThan", formula=["5000"], fill=PatternFill("solid", fgColor="FF00FF00")),
    )

    visits = wb.create_sheet("Visits")
    visits.append(["Enterprise", "Visit date", "Officer", "Amount"])
    for i in range(5):
        visits.append([f"E{i:03d}", date(2024, 3, 1 + i), "Li", 10.5 * i])
        visits.cell(2 + i, 2).number_format = 'yyyy"年"m"月"d"日";@'
    visits.auto_filter.ref = "A1:D6"

    summary = wb.create_sheet("Summary")
    summary["A1"] = "Total capital"
    summary["B1"] = "=SUM(Enterprises!D4:D13)"
    summary["A2"] = "Visits"
    summary["B2"] = "=COUNTA(Visits!A:A)-1"
    wb.defined_names["CapitalRange"] = DefinedName("CapitalRange", attr_text="Enterprises!$D$4:$D$13")
    wb.save(path)
    _to_excel_like_package(path)
    return path


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(tmp_path / "master.xlsx")


# --------------------------------------------------------------------------------------------------
# Reading back


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _changed_parts(source: Path, target: Path) -> set[str]:
    before, after = _parts(source), _parts(target)
    assert _names(source) == _names(target)
    return {name for name in before if before[name] != after[name]}


def _sheet_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def _raw_cell(xml: str, ref: str) -> str:
    match = re.search(rf'<(?:x:)?c r="{ref}"[^>]*?(?:/>|>.*?</(?:x:)?c>)', xml, re.DOTALL)
    assert match, f"no cell {ref}"
    return match[0]


def _look(cell: Any) -> tuple[str, ...]:
    """A cell's number format, font, fill, border, alignment and protection, comparable across workbooks."""
    return (
        cell.number_format,
        *(repr(style) for style in (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)),
    )


def _calamine_rows(path: Path, sheet: str) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        workbook.close()


def _patch(source: Path, target: Path, *patches: SheetPatch) -> xlsx_patch.PatchReport:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    report = patch_workbook(source, target, list(patches))
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest, "the source must never change"
    return report


# --------------------------------------------------------------------------------------------------
# Locating sheets and date styles


def test_sheet_parts_resolve_absolute_and_relative_targets(master: Path, tmp_path: Path) -> None:
    assert sheet_parts(master) == {"Enterprises": ENTERPRISES, "Visits": VISITS, "Summary": SUMMARY}
    parts = _parts(master)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    assert 'Target="/xl/worksheets/sheet1.xml"' in rels  # openpyxl writes absolute targets
    relative = tmp_path / "relative.xlsx"
    with zipfile.ZipFile(relative, "w") as archive:
        for name, data in parts.items():
            if name == "xl/_rels/workbook.xml.rels":
                data = rels.replace('Target="/xl/worksheets/', 'Target="worksheets/').encode()
            archive.writestr(name, data)
    assert sheet_parts(relative) == {"Enterprises": ENTERPRISES, "Visits": VISITS, "Summary": SUMMARY}


def test_date_styles_are_the_styles_of_date_cells(master: Path) -> None:
    workbook = openpyxl.load_workbook(master)
    enterprises, visits = workbook["Enterprises"], workbook["Visits"]
    styles = date_styles(master)
    assert enterprises["C4"].style_id in styles
    assert visits["B2"].style_id in styles  # yyyy"年"m"月"d"日";@
    for not_a_date in (enterprises["D4"], enterprises["B4"], enterprises["F4"], enterprises["A1"]):
        assert not_a_date.style_id not in styles


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ('yyyy"年"m"月"d"日";@', True),
        ("[$-F800]dddd, mmmm dd, yyyy", True),
        ("[$-804]e/m/d", True),
        ("h:mm AM/PM", True),
        ("General", False),
        ("0.00E+00", False),
        ('#,##0.00 "万元"', False),
        ("[Red]#,##0;[Blue]-#,##0", False),
        ("[DBNum1][$-804]General", False),
        ("0%", False),
        ('_-* #,##0_-;\\-* #,##0_-;_-* "-"_-;_-@_-', False),
        ("@", False),
    ],
)
def test_date_format_codes(code: str, is_date: bool) -> None:
    assert xlsx_patch._is_date_format(code) is is_date


# --------------------------------------------------------------------------------------------------
# Updates


def test_updates_change_only_their_cells(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    updates: dict[tuple[int, int], xlsx_patch.CellValue] = {
        (4, 2): "Renamed 新名称 & <Co>",
        (5, 4): Decimal("1.2E+4"),
        (6, 4): 7500.0,
        (7, 5): "hidden row, new cell",  # row 7 is hidden and has no Notes cell
        (8, 3): date(2024, 3, 19),  # a date column: written as a serial, shown as a date
        (9, 2): date(2024, 3, 19),  # a text column: written as ISO text
        (10, 1): True,
        (11, 4): None,  # emptied, keeps its number format
        (12, 2): "  spaced  \nline two",
    }
    report = _patch(master, target, SheetPatch(ENTERPRISES, updates, []))
    assert report.skipped_formula_cells == []
    assert report.appended_rows == {ENTERPRISES: []}
    assert _changed_parts(master, target) == {ENTERPRISES}

    before = openpyxl.load_workbook(master)["Enterprises"]
    after = openpyxl.load_workbook(target)["Enterprises"]
    assert after["B4"].value == "Renamed 新名称 & <Co>"
    assert after["D5"].value == 12000
    assert after["D6"].value == 7500
    assert after["C8"].value == datetime(2024, 3, 19)
    assert after["B9"].value == "2024-03-19"
    assert after["A10"].value is True
    assert after["D11"].value is None
    assert after["B12"].value == "  spaced  \nline two"
    assert after["E7"].value == "hidden row, new cell"
    changed = {f"{chr(64 + column)}{row}" for row, column in updates}
    for row in before.iter_rows(min_row=1, max_row=before.max_row, max_col=before.max_column):
        for cell in row:
            mine = after[cell.coordinate]
            assert _look(mine) == _look(cell), cell.coordinate  # also the style of an updated cell
            if cell.coordinate not in changed:
                assert mine.value == cell.value, cell.coordinate
    assert after.row_dimensions[7].hidden and after.row_dimensions[8].height == 30
    assert after["B5"].comment is not None and after["B5"].comment.text == "Check the name with HQ"
    assert [str(r) for r in after.merged_cells.ranges] == ["A1:F1"]

    xml, source_xml = _sheet_xml(target, ENTERPRISES), _sheet_xml(master, ENTERPRISES)
    assert _raw_cell(xml, "B5") == _raw_cell(source_xml, "B5")  # a shared-string reference, untouched
    assert 't="s"' in _raw_cell(xml, "B5")
    assert (
        _raw_cell(xml, "D5")
        == '<c r="D5" s="' + re.findall(r's="(\d+)"', _raw_cell(source_xml, "D5"))[0] + '"><v>12000</v></c>'
    )
    assert "<v>6000</v>" not in _raw_cell(xml, "D11") and _raw_cell(xml, "D11").endswith("/>")
    assert _raw_cell(xml, "A10").endswith('t="b"><v>1</v></c>')

    rows = _calamine_rows(target, "Enterprises")
    assert rows[3][1] == "Renamed 新名称 & <Co>"
    assert rows[4][3] == 12000
    assert rows[7][2] == date(2024, 3, 19)
    assert rows[8][1] == "2024-03-19"
    assert rows[9][0] is True
    assert rows[10][3] == ""
    assert rows[4][1] == "Company 1 有限公司"  # shared string read through the untouched table


def test_hostile_text_stays_text(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    updates: dict[tuple[int, int], xlsx_patch.CellValue] = {
        (4 + i, 5): text for i, text in enumerate(HOSTILE)
    }
    _patch(master, target, SheetPatch(ENTERPRISES, updates, [dict(enumerate(HOSTILE, 1))]))
    sheet = openpyxl.load_workbook(target)["Enterprises"]
    for i, text in enumerate(HOSTILE):
        assert sheet.cell(4 + i, 5).value == text and sheet.cell(4 + i, 5).data_type == "s"
        assert sheet.cell(14, 1 + i).value == text and sheet.cell(14, 1 + i).data_type == "s"
    xml = _sheet_xml(target, ENTERPRISES)
    assert "<f>" not in _raw_cell(xml, "E4") and "<f>" not in _raw_cell(xml, "A14")
    rows = _calamine_rows(target, "Enterprises")
    assert [rows[3 + i][4] for i in range(len(HOSTILE))] == HOSTILE
    assert rows[13][: len(HOSTILE)] == HOSTILE


def test_text_is_escaped_as_excel_does_and_reads_back_as_it_was(master: Path, tmp_path: Path) -> None:
    """Control characters (a Word line break pasted into a note is a vertical tab) were dropped, so the
    written copy never read back as intended and every sync stopped."""
    target = tmp_path / "patched.xlsx"
    text = "a\x00b\x07c\x0bd\r\ne _x0041_ ]]> \ud800f \U0001f600\uffff"
    overlapping = "编号_x0041_x0042_ and _x0043__x0044_ and 代码_x0041\x0b"  # sharing an underscore
    _patch(master, target, SheetPatch(ENTERPRISES, {(4, 5): text, (5, 5): overlapping}, []))
    expected = "a\x00b\x07c\x0bd\r\ne _x0041_ ]]> f \U0001f600"  # only what no file can hold is lost
    assert _calamine_rows(target, "Enterprises")[3][4] == expected
    assert _calamine_rows(target, "Enterprises")[4][4] == overlapping
    raw = _raw_cell(_sheet_xml(target, ENTERPRISES), "E4")
    assert "_x005F_x0041_" in raw  # Excel's escape for a literal _xHHHH_
    assert "c_x000B_d" in raw and "a_x0000_b_x0007_c" in raw  # and for a character XML cannot hold


def test_numbers_are_written_plainly(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    values: list[xlsx_patch.CellValue] = [
        5000,
        5000.0,
        Decimal("1.2E+4"),
        Decimal("12.500"),
        0.1,
        -3,
        Decimal("-0.0"),
        1e20,
    ]
    updates = {(4 + i, 4): value for i, value in enumerate(values)}
    _patch(master, target, SheetPatch(ENTERPRISES, updates, []))
    xml = _sheet_xml(target, ENTERPRISES)
    written = [re.search(r"<v>(.*?)</v>", _raw_cell(xml, f"D{4 + i}"))[1] for i in range(len(values))]  # type: ignore[index]
    assert written == ["5000", "5000", "12000", "12.5", "0.1", "-3", "0", "1e+20"]
    sheet = openpyxl.load_workbook(target)["Enterprises"]
    assert [sheet.cell(4 + i, 4).value for i in range(len(values))] == [
        5000,
        5000,
        12000,
        12.5,
        0.1,
        -3,
        0,
        1e20,
    ]


def test_values_that_cannot_be_written_are_refused(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    for bad in (float("nan"), Decimal("Infinity"), "x" * 32_768, object()):
        with pytest.raises(PatchError, match="D4"):
            patch_workbook(master, target, [SheetPatch(ENTERPRISES, {(4, 4): bad}, [])])  # type: ignore[dict-item]
        assert not target.exists()
    with pytest.raises(PatchError, match="outside the sheet"):
        patch_workbook(master, target, [SheetPatch(ENTERPRISES, {(0, 4): 1}, [])])


def test_formula_cells_are_never_overwritten(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    report = _patch(master, target, SheetPatch(ENTERPRISES, {(5, 6): 99, (6, 6): None, (5, 4): 1}, []))
    assert report.skipped_formula_cells == [(ENTERPRISES, 5, 6), (ENTERPRISES, 6, 6)]
    sheet = openpyxl.load_workbook(target)["Enterprises"]
    assert sheet["F5"].value == "=D5*2" and sheet["F6"].value == "=D6*2"
    assert sheet["D5"].value == 1
    assert _raw_cell(_sheet_xml(target, ENTERPRISES), "F5") == _raw_cell(
        _sheet_xml(master, ENTERPRISES), "F5"
    )


def test_missing_cells_and_rows_are_created_in_order(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    # E5 does not exist (odd rows have no Notes); row 2 has no <row>; AA6 is past every column; H4 is
    # inserted between F4 and nothing; A15 creates a row after the last one.
    updates: dict[tuple[int, int], xlsx_patch.CellValue] = {
        (5, 5): "new note",
        (2, 3): "subtitle",
        (6, 27): 42,
        (4, 8): "h",
        (15, 1): "footer",
    }
    report = _patch(master, target, SheetPatch(ENTERPRISES, updates, []))
    assert report.appended_rows == {ENTERPRISES: []}
    xml = _sheet_xml(target, ENTERPRISES)
    row_numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert row_numbers == sorted(row_numbers) and {2, 15} <= set(row_numbers)
    for row in re.findall(r"<row [^>]*>(.*?)</row>", xml):
        columns = [xlsx_patch._column_index(letters) for letters in re.findall(r'<c r="([A-Z]+)\d+"', row)]
        assert columns == sorted(columns)
    assert '<dimension ref="A1:AA15"' in xml
    sheet = openpyxl.load_workbook(target)["Enterprises"]
    assert (sheet["E5"].value, sheet["C2"].value, sheet["AA6"].value, sheet["H4"].value) == (
        "new note",
        "subtitle",
        42,
        "h",
    )
    assert sheet["A15"].value == "footer"
    assert sheet["E4"].value == "note 0" and sheet["F4"].value == "=D4*2"
    rows = _calamine_rows(target, "Enterprises")
    assert rows[4][4] == "new note" and rows[1][2] == "subtitle" and rows[5][26] == 42


def test_column_letters_round_trip() -> None:
    for column, letters in [
        (1, "A"),
        (26, "Z"),
        (27, "AA"),
        (52, "AZ"),
        (53, "BA"),
        (702, "ZZ"),
        (703, "AAA"),
        (16384, "XFD"),
    ]:
        assert xlsx_patch._column_letters(column) == letters
        assert xlsx_patch._column_index(letters) == column


# --------------------------------------------------------------------------------------------------
# Appends


def test_appends_follow_the_last_row_with_styles_and_grow_ranges(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    appends: list[dict[int, xlsx_patch.CellValue]] = [
        {1: "E010", 2: "Newco 新公司", 3: date(2024, 3, 19), 4: Decimal("250.5"), 5: date(2024, 3, 19)},
        {1: "E011", 2: "Second", 3: date(2024, 3, 20), 4: 7},
    ]
    visit_appends: list[dict[int, xlsx_patch.CellValue]] = [
        {1: "E010", 2: date(2024, 3, 19), 3: "Wang", 4: 3}
    ]
    report = _patch(
        master,
        target,
        SheetPatch(ENTERPRISES, {}, appends, style_row=13, header_row=3),
        SheetPatch(VISITS, {}, visit_appends, style_row=6, header_row=1),
    )
    assert report.appended_rows == {ENTERPRISES: [14, 15], VISITS: [7]}
    # the workbook part changes too, only in the hidden _FilterDatabase name of the grown filter
    assert _changed_parts(master, target) == {ENTERPRISES, VISITS, TABLE, "xl/workbook.xml"}
    assert report.changed_parts == {ENTERPRISES, VISITS, TABLE, "xl/workbook.xml"}

    before = openpyxl.load_workbook(master)
    workbook = openpyxl.load_workbook(target)
    sheet = workbook["Enterprises"]
    assert [sheet.cell(14, c).value for c in range(1, 6)] == [
        "E010",
        "Newco 新公司",
        datetime(2024, 3, 19),
        250.5,
        "2024-03-19",  # Notes is not a date column: the date is written as text
    ]
    assert sheet["C15"].value == datetime(2024, 3, 20) and sheet["D15"].value == 7
    for column in "ABCDF":
        model = before["Enterprises"][f"{column}13"]
        for row in (14, 15):
            assert _look(sheet[f"{column}{row}"]) == _look(model), f"{column}{row}"
    assert sheet["F14"].value is None  # the style row's formula is not copied, only its look
    assert sheet["C14"].is_date and sheet["D14"].number_format == "#,##0.00"

    visits = workbook["Visits"]
    assert visits["B7"].value == datetime(2024, 3, 19)
    assert visits["B7"].number_format == 'yyyy"年"m"月"d"日";@'

    table_xml = _parts(target)[TABLE].decode()
    assert re.search(r'<table [^>]*ref="A3:F15"', table_xml)
    assert '<autoFilter ref="A3:F15"' in table_xml
    assert workbook["Enterprises"].tables["EnterpriseTable"].ref == "A3:F15"
    assert '<dimension ref="A1:F15"' in _sheet_xml(target, ENTERPRISES)
    visits_xml = _sheet_xml(target, VISITS)
    assert '<autoFilter ref="A1:D7"' in visits_xml and '<dimension ref="A1:D7"' in visits_xml

    rows = _calamine_rows(target, "Enterprises")
    assert rows[13][:5] == ["E010", "Newco 新公司", date(2024, 3, 19), 250.5, "2024-03-19"]
    assert _calamine_rows(target, "Visits")[6] == ["E010", date(2024, 3, 19), "Wang", 3]
    summary = _parts(target)[SUMMARY]
    assert summary == _parts(master)[SUMMARY]


def test_appended_rows_are_written_as_a_new_row_would_be_rebuilt(master: Path) -> None:
    """A first sync appends a bureau's rows through a fast path; each row must be the XML the general
    row writer makes of an empty new row with the style row's look: same styles, same stored values."""
    with xlsx_patch._Package(master) as package:
        context = xlsx_patch._WorkbookContext.read(package)
        _name, data = package.read_checked(ENTERPRISES, check=False)
        sheet = xlsx_patch._Worksheet(ENTERPRISES, data, context)
    style_cells, row_attrs = sheet.row_style_info(13)
    assert style_cells  # the style row has styled cells, including a date style
    rows: list[dict[int, xlsx_patch.CellValue]] = [
        {1: "E020", 2: "A & B <Co> 公司", 3: date(2024, 3, 19), 4: Decimal("250.50"), 5: date(2024, 3, 19)},
        {1: "E021", 2: "_x0041_ literal\rline", 3: datetime(2024, 3, 20, 12), 4: 7, 5: True},
        {1: "E022", 2: None, 3: date(1899, 12, 1), 4: 2.5, 6: "extra", 9: "far right"},
        {1: "E023"},
        # the first row's columns again (one plan), with other cells empty: other columns written
        {1: "E024", 2: "bell\x07 and nul\x00 dropped", 3: None, 4: Decimal("-0.00"), 5: None},
        {1: "E025", 2: None, 3: None, 4: None, 5: False, 7: 1e20, 8: -3},
        {1: "E026", 2: "长" * 20_000, 4: Decimal("12345678901234.5678")},
    ]
    for attrs in (row_attrs, [*row_attrs, ("spans", '"1:6"'), ("x14ac:dyDescent", '"0.25"')]):
        sheet = xlsx_patch._Worksheet(ENTERPRISES, data, context)  # nothing planned yet
        for number, values in enumerate(rows, start=20):
            edits = {column: xlsx_patch._Edit(None, style) for column, style in style_cells.items()}
            for column, value in values.items():
                edits[column] = xlsx_patch._Edit(value, style_cells.get(column))
            rebuilt, written, _skipped = sheet.rebuild_row(number, None, edits, attrs)
            appended, columns = sheet.new_row_xml(number, values, style_cells, attrs)
            assert appended == rebuilt
            assert columns == written
    for wrong in ("长" * 40_000, float("nan"), Decimal("Infinity"), 10**400):
        edits = {2: xlsx_patch._Edit(wrong, style_cells.get(2))}
        with pytest.raises(PatchError) as rebuilding:
            sheet.rebuild_row(40, None, edits, row_attrs)
        with pytest.raises(PatchError) as appending:
            sheet.new_row_xml(40, {1: "E040", 2: wrong}, style_cells, row_attrs)
        assert str(appending.value) == str(rebuilding.value)
        assert f"worksheet 'Enterprises' ({ENTERPRISES}), cell B40: " in str(appending.value)


def test_the_quick_test_for_text_to_escape_catches_exactly_what_needs_it() -> None:
    """Text written as it is must hold no markup character, no literal ``_xHHHH_`` start, no carriage
    return (kept as ``&#13;``) and no character XML forbids; every other character passes."""
    allowed = [(0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF)]
    for code in range(0x110000):
        character = chr(code)
        plain = character in "\t\n" or any(low <= code <= high for low, high in allowed)
        needs = character in "&<>\r_" or not plain
        assert (xlsx_patch._NEEDS_ESCAPING.search(character) is not None) == needs, hex(code)


@pytest.mark.parametrize("block", [1000, 4096, 32 << 10])
def test_a_big_part_deflated_in_blocks_on_threads_reads_back_whole(
    master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Blocks smaller than the patched sheet, some ending exactly on a piece, some primed with the
    window before them: the part must inflate to exactly what one deflate of it holds."""
    appends: list[dict[int, xlsx_patch.CellValue]] = [
        {1: f"E{i:04d}", 2: f"公司 {i} " * (i % 7), 3: date(2024, 1, 1) + timedelta(days=i), 4: i * 1.5}
        for i in range(2000)
    ]
    whole = tmp_path / "whole.xlsx"
    monkeypatch.setattr(xlsx_patch, "DEFLATE_BLOCK", 1 << 30)
    _patch(master, whole, SheetPatch(ENTERPRISES, {}, appends, style_row=13, header_row=3))
    in_blocks = tmp_path / "blocks.xlsx"
    monkeypatch.setattr(xlsx_patch, "DEFLATE_BLOCK", block)
    monkeypatch.setattr(xlsx_patch, "processors", lambda: 2)  # threads even on a one-core machine
    _patch(master, in_blocks, SheetPatch(ENTERPRISES, {}, appends, style_row=13, header_row=3))
    with zipfile.ZipFile(in_blocks) as package:
        assert package.testzip() is None  # every part inflates and matches its CRC
        info = package.getinfo(ENTERPRISES)
        assert info.file_size > 10 * block  # many blocks
    assert _parts(in_blocks) == _parts(whole)
    rows = _calamine_rows(in_blocks, "Enterprises")
    assert rows[-1][:4] == [
        "E1999",
        "公司 1999 " * (1999 % 7),
        date(2024, 1, 1) + timedelta(days=1999),
        2998.5,
    ]


def test_appends_without_header_row_leave_ranges_alone(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    report = _patch(master, target, SheetPatch(ENTERPRISES, {}, [{1: "E010"}]))
    assert report.appended_rows == {ENTERPRISES: [14]}
    assert _changed_parts(master, target) == {ENTERPRISES}
    assert openpyxl.load_workbook(target)["Enterprises"]["A14"].value == "E010"


def test_appends_reuse_trailing_formatted_empty_rows(tmp_path: Path) -> None:
    """Rows below the data that hold only styled empty cells (a pre-formatted template) are filled in
    rather than skipped; rows with a value or formula never are."""
    source = tmp_path / "template.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Amount"])
    ws.append(["a", 1])
    for row in (3, 4, 5):
        ws.cell(row, 2).number_format = "0.00"  # styled, empty
    ws.row_dimensions[3].height = 25
    wb.save(source)
    target = tmp_path / "patched.xlsx"
    report = patch_workbook(source, target, [SheetPatch(ENTERPRISES, {}, [{1: "b", 2: 2}, {1: "c"}])])
    assert report.appended_rows == {ENTERPRISES: [3, 4]}
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (3, 4, 5)] == [
        ("b", 2),
        ("c", None),
        (None, None),
    ]
    assert sheet["B3"].number_format == "0.00" and sheet.row_dimensions[3].height == 25


def test_empty_sheet_and_self_closing_rows(tmp_path: Path) -> None:
    source = tmp_path / "empty.xlsx"
    wb = openpyxl.Workbook()
    wb.save(source)
    source = _rewrite(
        source,
        tmp_path / "selfclosing.xlsx",
        ENTERPRISES,
        lambda xml: xml.replace(b"<sheetData></sheetData>", b"<sheetData />"),
    )
    target = tmp_path / "patched.xlsx"
    report = patch_workbook(source, target, [SheetPatch(ENTERPRISES, {}, [{1: "first", 3: 3}, {}, {2: "x"}])])
    assert report.appended_rows == {ENTERPRISES: [1, 2, 3]}
    rows = _calamine_rows(target, "Sheet")
    assert rows == [["first", "", 3], ["", "", ""], ["", "x", ""]]
    # A self-closing row (Excel writes them for formatted empty rows) is opened up to take cells.
    crafted = tmp_path / "selfclosing-row.xlsx"
    parts = _parts(target)
    assert b'<row r="2"' not in parts[ENTERPRISES]  # an empty appended row needs no element
    parts[ENTERPRISES] = parts[ENTERPRISES].replace(
        b'<row r="3"', b'<row r="2" ht="20" customHeight="1" spans="1:3"/><row r="3"'
    )
    with zipfile.ZipFile(crafted, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    final = tmp_path / "final.xlsx"
    patch_workbook(crafted, final, [SheetPatch(ENTERPRISES, {(2, 5): "e", (2, 1): "a"}, [])])
    patched_xml = _sheet_xml(final, ENTERPRISES)
    assert re.search(
        r'<row r="2" ht="20" customHeight="1" spans="1:5"><c r="A2"[^>]*>.*<c r="E2"', patched_xml
    )
    assert _calamine_rows(final, "Sheet")[1] == ["a", "", "", "", "e"]


# --------------------------------------------------------------------------------------------------
# Byte-identical package


def test_every_other_part_is_copied_byte_for_byte(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "patched.xlsx"
    _patch(master, target, SheetPatch(VISITS, {(3, 3): "Zhang"}, []))
    assert _changed_parts(master, target) == {VISITS}
    with zipfile.ZipFile(master) as before, zipfile.ZipFile(target) as after:
        assert [i.filename for i in before.infolist()] == [i.filename for i in after.infolist()]
        for old, new in zip(before.infolist(), after.infolist(), strict=True):
            assert (old.date_time, old.external_attr) == (new.date_time, new.external_attr), old.filename
            if old.filename == VISITS:
                assert new.compress_type == zipfile.ZIP_DEFLATED
            else:  # copied as stored, not inflated and deflated again
                assert (new.compress_type, new.CRC) == (old.compress_type, old.CRC), old.filename
                assert raw_member(after, new) == raw_member(before, old), old.filename
        assert after.testzip() is None
    # The patched worksheet differs only inside the changed cell.
    old_xml, new_xml = _sheet_xml(master, VISITS), _sheet_xml(target, VISITS)
    old_cell, new_cell = _raw_cell(old_xml, "C3"), _raw_cell(new_xml, "C3")
    assert new_xml == old_xml.replace(old_cell, new_cell)
    assert new_xml.startswith('<?xml version="1.0"') or new_xml.startswith("<worksheet")
    assert old_xml[:200] == new_xml[:200]


def test_x_prefixed_worksheet(tmp_path: Path) -> None:
    source = tmp_path / "prefixed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Date"])
    ws.append(["a", date(2024, 1, 2)])
    ws["B2"].number_format = "yyyy-mm-dd"
    ws.auto_filter.ref = "A1:B2"
    wb.save(source)
    parts = _parts(source)
    xml = parts[ENTERPRISES].decode()
    prefixed = re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s/>])", r"<\1x:\2", xml)
    prefixed = prefixed.replace(f'xmlns="{MAIN_NS}"', f'xmlns:x="{MAIN_NS}"')
    assert "<x:worksheet" in prefixed and "<x:row" in prefixed and "<row" not in prefixed
    parts[ENTERPRISES] = prefixed.encode()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target = tmp_path / "patched.xlsx"
    report = patch_workbook(
        source,
        target,
        [
            SheetPatch(
                ENTERPRISES,
                {(2, 1): "=b", (2, 4): 4.5},
                [{1: "c", 2: date(2024, 3, 19)}],
                style_row=2,
                header_row=1,
            )
        ],
    )
    assert report.appended_rows == {ENTERPRISES: [3]}
    out = _sheet_xml(target, ENTERPRISES)
    assert "<c " not in out and "<row" not in out and "<is>" not in out  # nothing unprefixed slipped in
    assert '<x:autoFilter ref="A1:B3"' in out and '<x:dimension ref="A1:D3"' in out
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["D2"].value) == ("=b", "s", 4.5)
    assert (sheet["A3"].value, sheet["B3"].value) == ("c", datetime(2024, 3, 19))
    assert _calamine_rows(target, "Sheet")[2][:2] == ["c", date(2024, 3, 19)]


def test_utf16_worksheet_is_rewritten_as_utf8(master: Path, tmp_path: Path) -> None:
    declaration = '<?xml version="1.0" encoding="UTF-16"?>\n'
    source = _rewrite(
        master,
        tmp_path / "utf16.xlsx",
        VISITS,
        lambda xml: b"\xff\xfe" + (declaration + xml.decode("utf-8")).encode("utf-16-le"),
    )
    target = tmp_path / "patched.xlsx"
    patch_workbook(source, target, [SheetPatch(VISITS, {(2, 3): "王"}, [])])
    xml = _sheet_xml(target, VISITS)
    original = _sheet_xml(master, VISITS)
    expected = original.replace(_raw_cell(original, "C2"), _raw_cell(xml, "C2"))
    assert xml == declaration.replace("UTF-16", "UTF-8") + expected
    assert openpyxl.load_workbook(target)["Visits"]["C2"].value == "王"


def test_rows_and_cells_without_references(tmp_path: Path) -> None:
    """Some writers leave out the optional r attributes: rows and cells then follow one another."""
    template = tmp_path / "template.xlsx"
    openpyxl.Workbook().save(template)
    rows = '<row><c><v>1</v></c><c><v>2</v></c></row><row spans="1:2"><c><v>3</v></c></row><row r="5"><c r="B5"><v>5</v></c></row>'
    source = _rewrite(
        template,
        tmp_path / "implicit.xlsx",
        ENTERPRISES,
        lambda xml: re.sub(
            rb"<sheetData\s*/>|<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>".encode(), xml
        ),
    )
    target = tmp_path / "patched.xlsx"
    report = patch_workbook(
        source,
        target,
        [SheetPatch(ENTERPRISES, {(2, 1): "two", (2, 3): "C2", (1, 2): 20, (3, 1): "new row"}, [{1: "end"}])],
    )
    assert report.appended_rows == {ENTERPRISES: [6]}
    assert _calamine_rows(target, "Sheet") == [
        [1, 20, ""],
        ["two", "", "C2"],
        ["new row", "", ""],
        ["", "", ""],
        ["", 5, ""],
        ["end", "", ""],
    ]
    assert '<row spans="1:3"><c r="A2"' in _sheet_xml(target, ENTERPRISES)


def test_1904_date_system(tmp_path: Path) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    source = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    assert ws is not None
    ws.append(["Date"])
    ws.append([date(2024, 1, 2)])
    ws["A2"].number_format = "yyyy-mm-dd"
    wb.save(source)
    target = tmp_path / "patched.xlsx"
    patch_workbook(source, target, [SheetPatch(ENTERPRISES, {}, [{1: date(2024, 3, 19)}], style_row=2)])
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert sheet["A3"].value == datetime(2024, 3, 19)


# --------------------------------------------------------------------------------------------------
# Errors


def _assert_refused(source: Path, target: Path, patch: SheetPatch, message: str) -> None:
    with pytest.raises(PatchError, match=message):
        patch_workbook(source, target, [patch])
    assert not target.exists()


def _rewrite(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    parts = _parts(source)
    parts[part] = change(parts[part])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def test_bad_packages_raise_and_leave_no_target(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    not_zip = tmp_path / "not.xlsx"
    not_zip.write_bytes(b"\xd0\xcf\x11\xe0 an encrypted workbook is an OLE file")
    _assert_refused(not_zip, target, SheetPatch(ENTERPRISES, {(1, 1): 1}, []), "not an .xlsx")
    _assert_refused(tmp_path / "missing.xlsx", target, SheetPatch(ENTERPRISES, {}, []), "does not exist")
    _assert_refused(master, target, SheetPatch("xl/worksheets/sheet9.xml", {(1, 1): 1}, []), "sheet9.xml")
    _assert_refused(master, target, SheetPatch(TABLE, {(1, 1): 1}, []), "is not a worksheet")

    doctype = _rewrite(
        master,
        tmp_path / "doctype.xlsx",
        VISITS,
        lambda xml: xml.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1),
    )
    _assert_refused(doctype, target, SheetPatch(VISITS, {(2, 1): 1}, []), "DOCTYPE")
    entity_in_styles = _rewrite(
        master,
        tmp_path / "styles.xlsx",
        "xl/styles.xml",
        lambda xml: re.sub(
            rb"^(<\?xml[^>]*\?>)?", rb'\1<!DOCTYPE s SYSTEM "http://example.invalid/x.dtd">', xml
        ),
    )
    _assert_refused(entity_in_styles, target, SheetPatch(VISITS, {(2, 1): 1}, []), "DOCTYPE")
    # Malformed XML where the patcher reads: in a row it rewrites, and outside <sheetData>.
    broken_row = _rewrite(
        master,
        tmp_path / "row.xlsx",
        VISITS,
        lambda xml: re.sub(rb'(<row r="2".*?</v>)</c>', rb"\1</x>", xml, count=1),
    )
    _assert_refused(broken_row, target, SheetPatch(VISITS, {(2, 1): 1}, []), "sheet2.xml.*not well-formed")
    broken_tail = _rewrite(
        master, tmp_path / "tail.xlsx", VISITS, lambda xml: xml.replace(b"<pageMargins", b"<pageMargins<", 1)
    )
    _assert_refused(broken_tail, target, SheetPatch(VISITS, {(2, 1): 1}, []), "sheet2.xml.*not well-formed")
    unclosed = _rewrite(
        master, tmp_path / "unclosed.xlsx", VISITS, lambda xml: xml.replace(b"</sheetData>", b"")
    )
    _assert_refused(unclosed, target, SheetPatch(VISITS, {(2, 1): 1}, []), "sheetData> is not closed")
    commented = _rewrite(
        master,
        tmp_path / "comment.xlsx",
        VISITS,
        lambda xml: xml.replace(b'<row r="3"', b'<!-- <row r="9"> --><row r="3"', 1),
    )
    _assert_refused(commented, target, SheetPatch(VISITS, {(2, 1): 1}, []), "comments")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(master.read_bytes()[:-200])
    _assert_refused(truncated, target, SheetPatch(VISITS, {(2, 1): 1}, []), "not an .xlsx")
    with pytest.raises(PatchError, match="another file"):
        patch_workbook(master, master, [SheetPatch(VISITS, {(2, 1): 1}, [])])
    with pytest.raises(PatchError, match="compresslevel"):
        patch_workbook(master, target, [], compresslevel=10)
    with pytest.raises(PatchError, match="twice"):
        patch_workbook(master, target, [SheetPatch(VISITS, {}, []), SheetPatch(VISITS, {}, [])])


def test_existing_target_is_removed_on_failure(master: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"stale")
    with pytest.raises(PatchError):
        patch_workbook(master, target, [SheetPatch(ENTERPRISES, {(4, 4): float("inf")}, [])])
    assert target.read_bytes() == b"stale"  # refused before the target was opened
    corrupt = _rewrite(master, tmp_path / "corrupt.xlsx", "xl/theme/theme1.xml", lambda data: data)
    raw = bytearray(corrupt.read_bytes())
    offset = raw.find(b"xl/theme/theme1.xml") + len("xl/theme/theme1.xml") + 10
    raw[offset] ^= 0xFF  # damage the deflated theme: found only while copying it
    corrupt.write_bytes(bytes(raw))
    with pytest.raises(PatchError, match=r"theme1\.xml"):
        patch_workbook(corrupt, target, [SheetPatch(ENTERPRISES, {(4, 4): 1}, [])])
    assert not target.exists()


def test_decompression_is_capped(master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_patch, "MAX_PART_BYTES", 5000)
    target = tmp_path / "out.xlsx"
    _assert_refused(master, target, SheetPatch(ENTERPRISES, {(4, 4): 1}, []), "more than 5,000 bytes")


# --------------------------------------------------------------------------------------------------
# A 100,000-row sheet


def _large_sheet_xml(rows: int, columns: int, date_style: int, number_style: int) -> str:
    letters = [xlsx_patch._column_letters(c) for c in range(1, columns + 1)]
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{letters[-1]}{rows + 1}"/><sheetData>'
    ]
    header = "".join(f'<c r="{c}1" t="inlineStr"><is><t>Column {c}</t></is></c>' for c in letters)
    out.append(f'<row r="1" spans="1:{columns}">{header}</row>')
    base = 45000
    for r in range(2, rows + 2):
        cells = [
            f'<c r="A{r}" t="inlineStr"><is><t>E{r:07d}</t></is></c>',
            f'<c r="B{r}" t="inlineStr"><is><t>Enterprise number {r} 有限公司</t></is></c>',
            f'<c r="C{r}" s="{date_style}"><v>{base + r % 3000}</v></c>',
            f'<c r="D{r}" s="{number_style}"><v>{r * 7 % 100000}.25</v></c>',
        ]
        cells.extend(f'<c r="{letters[c]}{r}"><v>{r * c}</v></c>' for c in range(4, columns))
        out.append(f'<row r="{r}" spans="1:{columns}">{"".join(cells)}</row>')
    out.append(f'</sheetData><autoFilter ref="A1:{letters[-1]}{rows + 1}"/></worksheet>')
    return "".join(out)


@pytest.mark.slow  # about 10 s, mostly building the sheet and reading it back; the patch itself takes ~1.3 s
def test_large_sheet_patches_quickly(tmp_path: Path) -> None:
    rows, columns = 100_000, 21
    template = tmp_path / "template.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "x"
    ws["C2"] = date(2024, 1, 1)
    ws["C2"].number_format = "yyyy-mm-dd"
    ws["D2"] = 1.5
    ws["D2"].number_format = "#,##0.00"
    wb.save(template)
    date_style, number_style = ws["C2"].style_id, ws["D2"].style_id
    source = _rewrite(
        template,
        tmp_path / "large.xlsx",
        ENTERPRISES,
        lambda _xml: _large_sheet_xml(rows, columns, date_style, number_style).encode(),
    )
    size = len(_parts(source)[ENTERPRISES])
    rng = random.Random(7)
    update_rows = rng.sample(range(2, rows + 2), 100)
    updates: dict[tuple[int, int], xlsx_patch.CellValue] = {}
    for i, row in enumerate(update_rows):
        updates[(row, 2 if i % 2 else 5)] = f"updated {row}" if i % 2 else i * 1.5
    appends: list[dict[int, xlsx_patch.CellValue]] = [
        {1: f"N{i:03d}", 2: f"New {i}", 3: date(2024, 3, 19), 4: Decimal(i) / 4, columns: i}
        for i in range(100)
    ]
    target = tmp_path / "patched.xlsx"
    started = time.perf_counter()
    report = patch_workbook(
        source, target, [SheetPatch(ENTERPRISES, updates, appends, style_row=rows + 1, header_row=1)]
    )
    elapsed = time.perf_counter() - started
    print(
        f"\npatched {len(updates)} cells + {len(appends)} appended rows in a {rows:,}-row x {columns}-column sheet "
        f"({size / 1e6:.1f} MB of XML) in {elapsed:.2f} s"
    )
    assert report.appended_rows[ENTERPRISES] == list(range(rows + 2, rows + 102))
    xml = _sheet_xml(target, ENTERPRISES)
    last = f"{xlsx_patch._column_letters(columns)}{rows + 101}"
    assert f'<autoFilter ref="A1:{last}"/>' in xml and f'<dimension ref="A1:{last}"/>' in xml
    assert len(xml) - size < 30_000  # only the touched rows grew

    workbook = CalamineWorkbook.from_path(str(target))
    try:
        data = workbook.get_sheet_by_name("Sheet").to_python()
    finally:
        workbook.close()
    assert len(data) == rows + 101
    for i, row in enumerate(update_rows):
        if i % 2:
            assert data[row - 1][1] == f"updated {row}"
        else:
            assert data[row - 1][4] == i * 1.5
    untouched = next(r for r in range(2, rows + 2) if r not in update_rows)
    founded = date(1899, 12, 30) + timedelta(days=45000 + untouched % 3000)
    assert data[untouched - 1][:3] == [
        f"E{untouched:07d}",
        f"Enterprise number {untouched} 有限公司",
        founded,
    ]
    assert data[rows + 1][:4] == ["N000", "New 0", date(2024, 3, 19), 0.0]
    assert data[rows + 100][3] == 99 / 4 and data[rows + 100][columns - 1] == 99


# --------------------------------------------------------------------------------------------------
# LibreOffice opens what we write


def test_libreoffice_converts_a_patched_workbook(master: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    target = tmp_path / "patched.xlsx"
    _patch(
        master,
        target,
        SheetPatch(
            ENTERPRISES,
            {(4, 2): "=not a formula", (5, 5): "新备注", (6, 3): date(2024, 1, 2)},
            [{1: "E010", 2: "LibreOffice 新公司", 3: date(2024, 3, 19), 4: 5}],
            style_row=13,
            header_row=3,
        ),
    )
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "csv"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
            "--outdir",
            str(out),
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = list(csv.reader((out / "patched.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[2] == HEADERS
    assert rows[3][:5] == ["E000", "=not a formula", "2020-01-01", "1,000.00", "note 0"]  # formatted
    assert rows[4][1:5] == ["Company 1 有限公司", "2020-01-02", "2,000.00", "新备注"]
    assert rows[5][2] == "2024-01-02"
    assert rows[13][:4] == ["E010", "LibreOffice 新公司", "2024-03-19", "5.00"]  # the style row's formats


# --------------------------------------------------------------------------------------------------
# Rows kept for checking (sync.row_xml reads them back)


def test_kept_rows_read_back_as_calamine_reads_the_sheet(master: Path, tmp_path: Path) -> None:
    """The sync checks a small patch from the kept row XML: that reader must agree with a real one."""
    from sync.row_xml import SharedString, read_row

    target = tmp_path / "patched.xlsx"
    texts = ["_x0041_ literal", "line\r\nbreak & <tag>", "  spaced  ", "混合 text_x005F_", "=not a formula"]
    updates: dict[tuple[int, int], Any] = {(4 + i, 2): text for i, text in enumerate(texts)}
    updates |= {(4, 4): Decimal("12345.6789"), (5, 4): 0.1, (6, 3): date(2024, 2, 29), (7, 5): True}
    appends = [{1: "E999", 2: "新企业", 3: date(2025, 1, 31), 4: 7, 5: False}]
    report = patch_workbook(
        master, target, [SheetPatch(ENTERPRISES, updates, appends, style_row=13, header_row=3)], keep_rows=100
    )
    kept = report.rows[ENTERPRISES]
    assert set(kept) == {4, 5, 6, 7, 8, *report.appended_rows[ENTERPRISES]}
    grid = _calamine_rows(target, "Enterprises")
    for number, xml in kept.items():
        row, cells = read_row(xml)
        assert row == number
        calamine = grid[number - 1]
        for column, value in cells.items():
            if isinstance(value, SharedString):
                continue  # cells the patch did not write keep openpyxl's shared strings
            seen = calamine[column - 1]
            if isinstance(seen, date):  # a date-styled number: calamine converts, the row reader does not
                assert value == pytest.approx(float((seen - date(1899, 12, 30)).days)), (number, column)
            elif isinstance(seen, (int, float)) and not isinstance(seen, bool):
                assert value == pytest.approx(float(seen)), (number, column)
            else:
                assert value == seen, (number, column)
    assert read_row(kept[4])[1][2] == "_x0041_ literal"
    assert read_row(kept[5])[1][2] == "line\r\nbreak & <tag>"


def test_a_large_patch_keeps_no_rows(master: Path, tmp_path: Path) -> None:
    updates = {(4 + i, 2): f"name {i}" for i in range(10)}
    report = patch_workbook(master, tmp_path / "p.xlsx", [SheetPatch(ENTERPRISES, updates, [])], keep_rows=5)
    assert report.rows == {}


def test_appends_between_formatted_empty_rows_stay_in_row_order(tmp_path: Path) -> None:
    source = tmp_path / "gappy.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "Amount"])
    ws.append(["a", 1])
    ws.cell(3, 2).number_format = "0.00"  # styled, empty
    ws.cell(6, 2).number_format = "0.00"  # styled, empty, after a gap
    wb.save(source)
    target = tmp_path / "patched.xlsx"
    rows = [{1: name, 2: index} for index, name in enumerate("bcdefg")]
    report = patch_workbook(source, target, [SheetPatch(ENTERPRISES, {}, rows, style_row=2)])
    assert report.appended_rows == {ENTERPRISES: [3, 4, 5, 6, 7, 8]}
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', _sheet_xml(target, ENTERPRISES))]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    assert _calamine_rows(target, "Sheet")[2:8] == [[name, float(i)] for i, name in enumerate("bcdefg")]


CORE = "docProps/core.xml"
_MODIFIED_VALUE = re.compile(rb"<dcterms:modified[^>]*>([^<]*)<")


def _with_modified(master: Path, tmp_path: Path, name: str, start_tag: str, value: str) -> Path:
    def change(core: bytes) -> bytes:
        return re.sub(
            rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
            f"{start_tag}{value}</dcterms:modified>".encode(),
            core,
        )

    return _rewrite(master, tmp_path / name, CORE, change)


@pytest.mark.parametrize(
    ("held", "written"),
    [
        ("2024-05-01T08:00:00Z", "2030-06-01T12:00:00Z"),  # the time given
        ("2099-01-01T00:00:00+08:00", "2098-12-31T16:00:01Z"),  # a second past a later time held
        ("9999-12-31T23:59:59Z", "2030-06-01T12:00:00Z"),  # the calendar's end: the time given
        ("not a time", "2030-06-01T12:00:00Z"),
    ],
)
def test_a_stamp_moves_the_modified_time_on_and_nothing_else(
    master: Path, tmp_path: Path, held: str, written: str
) -> None:
    source = _with_modified(master, tmp_path, "in.xlsx", '<dcterms:modified xsi:type="dcterms:W3CDTF">', held)
    target = tmp_path / "out.xlsx"
    when = datetime.fromisoformat("2030-06-01T12:00:00+00:00")
    report = patch_workbook(source, target, [SheetPatch(ENTERPRISES, {(2, 2): "改"}, [])], stamp=when)
    before, after = _parts(source)[CORE], _parts(target)[CORE]
    assert report.stamped_part == CORE
    assert _MODIFIED_VALUE.search(after)[1].decode() == written
    assert _MODIFIED_VALUE.sub(b"<", after) == _MODIFIED_VALUE.sub(b"<", before)
    openpyxl.load_workbook(target)  # still opens


def test_a_stamp_never_stops_a_patch_of_an_odd_core_part(master: Path, tmp_path: Path) -> None:
    when = datetime.fromisoformat("2030-06-01T12:00:00+00:00")
    patch = SheetPatch(ENTERPRISES, {(2, 2): "改"}, [])
    quoted = _with_modified(  # a ">" inside an attribute's quotes is allowed
        master, tmp_path, "quoted.xlsx", '<dcterms:modified xsi:type="dcterms:W3CDTF" note="a>b">', "2024"
    )
    patch_workbook(quoted, tmp_path / "quoted-out.xlsx", [patch], stamp=when)
    after = _parts(tmp_path / "quoted-out.xlsx")[CORE]
    assert b'note="a>b">2030-06-01T12:00:00Z</dcterms:modified>' in after
    broken = _rewrite(master, tmp_path / "amp.xlsx", CORE, lambda c: c.replace(b"</cp:", b"R&D</cp:", 1))
    report = patch_workbook(broken, tmp_path / "amp-out.xlsx", [patch], stamp=when)
    assert report.stamped_part is None  # head office's part as it was: not ours to mend
    assert _parts(tmp_path / "amp-out.xlsx")[CORE] == _parts(broken)[CORE]


def _with_sheet_xml(tmp_path: Path, sheet_data: str) -> Path:
    path = tmp_path / "errors.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Visits"
    book.save(path)
    part = sheet_parts(path)["Visits"]
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == part:
                data = (
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{sheet_data}</sheetData></worksheet>"
                ).encode()
            target.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    return path


def test_error_cells_are_found_wherever_the_inflated_pieces_cut_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>id {n} say t="e" here</t></is></c>'
        f'<c r="B{n}" s="3" t="e"><f>VLOOKUP(A{n},Z:Z,2,FALSE)</f><v>#N/A</v></c>'
        f"<c r='C{n}' t='e'/><c r=\"AB{n}\" t=\"n\"><v>{n}</v></c></row>"
        for n in range(1, 40)
    )
    path = _with_sheet_xml(tmp_path, rows)
    part = sheet_parts(path)["Visits"]
    expected = {(n, 2): "#N/A" for n in range(1, 40)} | {(n, 3): "#?" for n in range(1, 40)}
    assert xlsx_patch.error_cells(path, part) == expected

    whole = xlsx_patch._inflated

    def in_small_pieces(stored: bytes, info: zipfile.ZipInfo):  # every way a piece can cut a cell
        data = b"".join(whole(stored, info))
        for start in range(0, len(data), 7):
            yield data[start : start + 7]

    monkeypatch.setattr(xlsx_patch, "_inflated", in_small_pieces)
    assert xlsx_patch.error_cells(path, part) == expected
