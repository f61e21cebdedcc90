"""A fresh master workbook: sheets, headers, drop-down lists, formats, and it never replaces a file."""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter  # type: ignore[import-untyped, unused-ignore]
from python_calamine import CalamineWorkbook, SheetVisibleEnum

import sync.safety as safety
import sync.template as template
from models.controlled import terms
from models.fields import Kind
from sync.columns import (
    SYNC_ORDER,
    Column,
    Role,
    deleted_label,
    header_index,
    header_key,
    layout,
    sheet_index,
)
from sync.template import (
    DATE_FORMAT,
    MONEY_FORMAT,
    TEXT_FORMAT,
    VALIDATION_LAST_ROW,
    bool_labels,
    create_master_workbook,
    list_key,
    list_sheet_title,
    list_values,
)

LANGUAGES = ("zh", "en")
RANGE = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<col>[A-Z]+)\$(?P<first>\d+):\$(?P=col)\$(?P<last>\d+)$")


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def master(tmp_path: Path, language: str) -> Path:
    path = tmp_path / "hq" / f"master-{language}.xlsx"
    path.parent.mkdir()
    create_master_workbook(path, language)
    return path


def _expected_sheets(language: str) -> list[str]:
    return [layout(ledger).title(language) for ledger in SYNC_ORDER]


def _expected_values(column: Column, language: str) -> tuple[str, ...]:
    if column.role is Role.STATUS:
        return (deleted_label(language),)
    assert column.field is not None
    if column.field.kind is Kind.BOOL:
        return ("是", "否") if language == "zh" else ("Yes", "No")
    assert column.field.kind is Kind.CHOICE and column.field.choices
    return tuple(term.label(language) for term in terms(column.field.choices))


def test_sheets_and_headers_read_back_with_openpyxl(master: Path, language: str) -> None:
    book = openpyxl.load_workbook(master)
    assert book.sheetnames == [*_expected_sheets(language), list_sheet_title(language)]
    assert book.active.title == layout(SYNC_ORDER[0]).title(language)
    lists = book[list_sheet_title(language)]
    assert lists.sheet_state == "hidden"
    for ledger in SYNC_ORDER:
        sheet = book[layout(ledger).title(language)]
        assert sheet.sheet_state == "visible"
        headers = [cell.value for cell in sheet[1]]
        assert headers == [column.header(language) for column in layout(ledger).columns]
        assert sheet.max_row == 1, "no empty formatted rows that a reader or an appender would trip over"
        first = sheet.cell(row=1, column=1)
        assert first.font.bold
        assert first.fill.fill_type == "solid"
        assert first.fill.fgColor.rgb.endswith(template.HEADER_FILL)


def test_sheets_and_headers_read_back_with_calamine(master: Path, language: str) -> None:
    book = CalamineWorkbook.from_path(str(master))
    assert book.sheet_names == [*_expected_sheets(language), list_sheet_title(language)]
    visibility = {meta.name: meta.visible for meta in book.sheets_metadata}
    assert visibility[list_sheet_title(language)] == SheetVisibleEnum.Hidden
    assert all(visibility[name] == SheetVisibleEnum.Visible for name in _expected_sheets(language))
    for ledger in SYNC_ORDER:
        rows = book.get_sheet_by_name(layout(ledger).title(language)).to_python()
        assert rows == [[column.header(language) for column in layout(ledger).columns]]


def test_sheet_names_and_headers_map_back_to_ledgers_and_columns(master: Path, language: str) -> None:
    """What the template writes, the sync reader recognises: sheet -> ledger, header -> column key."""
    book = CalamineWorkbook.from_path(str(master))
    sheets = sheet_index()
    assert header_key(list_sheet_title(language)) not in sheets, "the list sheet must not look like a ledger"
    seen = []
    for name in book.sheet_names[:-1]:
        ledger = sheets[header_key(name)]
        seen.append(ledger)
        sheet_layout = layout(ledger)
        headers = book.get_sheet_by_name(name).to_python()[0]
        index = header_index(sheet_layout)
        assert [index[header_key(h)] for h in headers] == [c.key for c in sheet_layout.columns]
    assert seen == list(SYNC_ORDER)


def _list_columns(ledger: str) -> list[tuple[int, Column]]:
    """(column number, column) of the columns with a drop-down. Columns are told apart by position and
    role: a lead's "status" field is not the record-status column."""
    return [
        (number, column)
        for number, column in enumerate(layout(ledger).columns, start=1)
        if list_key(column) is not None
    ]


def test_every_choice_bool_and_status_column_has_a_drop_down(language: str) -> None:
    expected = {
        "teams": {("record_status", "record_status")},
        "enterprises": {
            ("industry", "industry"),
            ("home_region", "region"),
            ("record_status", "record_status"),
        },
        "trips": {("destination_region", "region"), ("record_status", "record_status")},
        "leads": {
            ("industry", "industry"),
            ("source", "lead_source"),
            ("status", "lead_status"),
            ("effective", "yes_no"),
            ("record_status", "record_status"),
        },
        "visits": {("kind", "visit_kind"), ("record_status", "record_status")},
        "projects": {
            ("industry", "industry"),
            ("manufacturing", "yes_no"),
            ("stage", "project_stage"),
            ("record_status", "record_status"),
        },
    }
    found = {ledger: {(c.key, list_key(c)) for _, c in _list_columns(ledger)} for ledger in SYNC_ORDER}
    assert found == expected
    assert layout("leads").columns[-1].role is Role.STATUS


def test_validations_point_at_the_right_values(master: Path, language: str) -> None:
    book = openpyxl.load_workbook(master)
    calamine = CalamineWorkbook.from_path(str(master))
    list_rows = calamine.get_sheet_by_name(list_sheet_title(language)).to_python()
    for ledger in SYNC_ORDER:
        sheet = book[layout(ledger).title(language)]
        by_column: dict[str, list[Any]] = {}
        for validation in sheet.data_validations.dataValidation:
            assert validation.type == "list"
            assert validation.allow_blank
            assert validation.showErrorMessage
            assert validation.error and validation.errorTitle
            assert validation.errorStyle in (None, "stop")
            assert not validation.showDropDown, "openpyxl's showDropDown=True would hide the arrow"
            for cell_range in validation.sqref.ranges:
                letter = re.match(r"[A-Z]+", cell_range.coord)
                assert letter
                assert cell_range.coord == f"{letter[0]}2:{letter[0]}{VALIDATION_LAST_ROW}"
                by_column.setdefault(letter[0], []).append(validation)
        wanted = {get_column_letter(number): column for number, column in _list_columns(ledger)}
        assert set(by_column) == set(wanted)
        for letter, column in wanted.items():
            [validation] = by_column[letter]
            match = RANGE.match(validation.formula1)
            assert match, validation.formula1
            assert match["sheet"] == list_sheet_title(language)
            values = _expected_values(column, language)
            assert int(match["first"]) == 2 and int(match["last"]) == len(values) + 1
            # openpyxl reading the range
            lists = book[match["sheet"]]
            cells = lists[f"{match['col']}{match['first']}:{match['col']}{match['last']}"]
            assert tuple(row[0].value for row in cells) == values
            # calamine reading the same cells
            index = column_index_from_string(match["col"]) - 1
            read = tuple(row[index] for row in list_rows[int(match["first"]) - 1 : int(match["last"])])
            assert read == values
            assert list_values(list_key(column) or "", language) == values


def test_bool_and_status_labels(language: str) -> None:
    assert bool_labels(language) == (("是", "否") if language == "zh" else ("Yes", "No"))
    assert bool_labels("zh_CN") == ("是", "否")
    assert list_values("record_status", language) == (deleted_label(language),)
    assert list_sheet_title(language) == ("列表" if language == "zh" else "Lists")


def test_frozen_filtered_printable(master: Path, language: str) -> None:
    book = openpyxl.load_workbook(master)
    for ledger in SYNC_ORDER:
        sheet = book[layout(ledger).title(language)]
        last = get_column_letter(len(layout(ledger).columns))
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{last}1"
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.fitToWidth) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"


def test_widths_and_number_formats(master: Path, language: str) -> None:
    book = openpyxl.load_workbook(master)
    default_width = 8.43
    for ledger in SYNC_ORDER:
        sheet = book[layout(ledger).title(language)]
        for number, column in enumerate(layout(ledger).columns, start=1):
            dimension = sheet.column_dimensions[get_column_letter(number)]
            width = dimension.width
            assert width > default_width
            header_width = sum(
                2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in column.header(language)
            )
            assert width >= header_width + 2, "room for the header and the filter button"
            kind = column.field.kind if column.field and column.role is Role.FIELD else None
            if column.role is Role.ID or kind is Kind.REF:
                assert width == 38
                assert dimension.number_format == TEXT_FORMAT
            elif kind is Kind.DATE:
                assert width == max(12, header_width + 4)
                assert dimension.number_format == DATE_FORMAT
            elif kind is Kind.MONEY:
                assert width >= 16
                assert dimension.number_format == MONEY_FORMAT
            elif kind is Kind.LONG_TEXT:
                assert width == 40
                assert dimension.number_format == "General", "Excel shows #### for long text formatted @"
            elif kind is Kind.TEXT:
                assert dimension.number_format == TEXT_FORMAT
    enterprises = book[layout("enterprises").title(language)]
    credit = [c.key for c in layout("enterprises").columns].index("credit_code") + 1
    assert enterprises.column_dimensions[get_column_letter(credit)].number_format == "@"


def test_column_formats_are_column_styles_excel_applies_to_typed_cells(master: Path, language: str) -> None:
    """The formats live on <col style=…>, which Excel, WPS and LibreOffice apply to cells typed there."""
    import zipfile

    book = openpyxl.load_workbook(master)
    projects_index = book.sheetnames.index(layout("projects").title(language)) + 1
    with zipfile.ZipFile(master) as archive:
        xml = archive.read(f"xl/worksheets/sheet{projects_index}.xml").decode("utf-8")
        styles = archive.read("xl/styles.xml").decode("utf-8")
    columns = layout("projects").columns
    signed = [c.key for c in columns].index("signed_on") + 1
    col = re.search(rf'<col [^>]*min="{signed}" max="{signed}"[^>]*/>', xml)
    assert col and 'style="' in col[0]
    assert 'formatCode="yyyy-mm-dd"' in styles
    assert "workbookProtection" not in zipfile.ZipFile(master).read("xl/workbook.xml").decode("utf-8")


def test_refuses_to_overwrite(tmp_path: Path, language: str) -> None:
    path = tmp_path / "master.xlsx"
    path.write_bytes(b"head office's real workbook")
    with pytest.raises(FileExistsError, match=re.escape(str(path))):
        create_master_workbook(path, language)
    assert path.read_bytes() == b"head office's real workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.xlsx"]


def test_leaves_only_the_workbook_behind(master: Path) -> None:
    assert [p.name for p in master.parent.iterdir()] == [master.name]


def test_rejects_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        create_master_workbook(tmp_path / "master.xls")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_while_writing_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "master.xlsx"
    real_fsync = safety.fsync_path

    def someone_else_creates_it(temp: Path) -> None:
        real_fsync(temp)
        path.write_bytes(b"created meanwhile")

    monkeypatch.setattr(template, "fsync_path", someone_else_creates_it)
    with pytest.raises(FileExistsError, match=re.escape(str(path))):
        create_master_workbook(path)
    assert path.read_bytes() == b"created meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


def test_without_hard_links_it_still_refuses_and_still_creates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported here")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "master.xlsx"
    create_master_workbook(path, "en")
    assert openpyxl.load_workbook(path).sheetnames[0] == layout(SYNC_ORDER[0]).title("en")
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        create_master_workbook(path, "en")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(temp: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(temp))

    monkeypatch.setattr(template, "fsync_path", disk_full)
    path = tmp_path / "master.xlsx"
    with pytest.raises(OSError, match="No space"):
        create_master_workbook(path)
    assert list(tmp_path.iterdir()) == []


def test_list_values_that_look_like_formulas_stay_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Controlled lists are editable: a label such as "=其他" must not become a live formula."""
    real = template.list_values

    def with_formula(key: str, language: str) -> tuple[str, ...]:
        values = real(key, language)
        return ('=HYPERLINK("http://x")', *values[1:]) if key == "industry" else values

    monkeypatch.setattr(template, "list_values", with_formula)
    path = tmp_path / "master.xlsx"
    create_master_workbook(path, "en")
    lists = openpyxl.load_workbook(path)[list_sheet_title("en")]
    cells = [cell for row in lists.iter_rows() for cell in row if cell.value == '=HYPERLINK("http://x")']
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_the_exists_error_carries_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(FileExistsError) as raised:
        create_master_workbook(path)
    assert raised.value.filename == str(path)
    assert raised.value.errno == errno.EEXIST


def test_a_missing_folder_is_named_not_the_temporary_file(tmp_path: Path) -> None:
    """'workbook new out/nonexist/m.xlsx' said: No such file or directory: '…/.~outreach-m.xlsx.0514….xlsx'."""
    path = tmp_path / "nonexist" / "m.xlsx"
    with pytest.raises(FileNotFoundError) as raised:
        create_master_workbook(path)
    assert str(raised.value) == f"{path} cannot be created: there is no folder {path.parent}"
    assert not path.parent.exists()
