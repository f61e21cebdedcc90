"""Reading head office's workbook as typed by hand: header rows anywhere, either language, loose forms."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sync.columns import SYNC_ORDER, layout
from sync.workbook_read import WorkbookError, read_workbook


def _workbook(
    path: Path,
    language: str,
    visits: list[list[object]],
    header_row: int = 1,
    extra_header: str | None = None,
    formats: dict[int, str] | None = None,
) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for ledger in SYNC_ORDER:
        sheet_layout = layout(ledger)
        sheet = book.create_sheet(sheet_layout.title(language))
        headers = [c.header(language) for c in sheet_layout.columns]
        if ledger == "visits":
            if header_row > 1:
                sheet.cell(1, 1, "2024年走访台账（第一季度）")
                sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
            if extra_header:
                headers.insert(3, extra_header)
            for column, header in enumerate(headers, start=1):
                sheet.cell(header_row, column, header)
            for offset, row in enumerate(visits, start=1):
                for column, value in enumerate(row, start=1):
                    cell = sheet.cell(header_row + offset, column, value)
                    if formats and column in formats:
                        cell.number_format = formats[column]
        else:
            for column, header in enumerate(headers, start=1):
                sheet.cell(1, column, header)
    book.save(path)


def _visit_row(
    language: str, when: object, kind: str, extra: object = None, with_extra: bool = False
) -> list[object]:
    record_id = str(uuid.uuid4())
    row: list[object] = [record_id, when, kind, None, "某企业", None, "某组", "张三"]
    if with_extra:
        row.insert(3, extra)
    return row


def test_header_below_a_title_in_chinese_with_an_extra_column_of_head_offices_own(tmp_path: Path) -> None:
    path = tmp_path / "zh.xlsx"
    _workbook(
        path,
        "zh",
        [_visit_row("zh", date(2024, 3, 19), "走访企业", "请跟进", True)],
        header_row=3,
        extra_header="督办意见",
    )
    data = read_workbook(path)
    visits = data.sheets["visits"]
    assert (visits.sheet, visits.header_row, data.language) == ("走访记录", 3, "zh")
    assert visits.unknown_headers == ["督办意见"]
    (record,) = visits.records.values()
    assert (record["visit_date"], record["kind"], record["staff"]) == (
        "2024-03-19",
        "enterprise_visit",
        "张三",
    )
    assert list(visits.rows.values()) == [4]


def test_english_headers_and_labels_read_to_the_same_codes(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    _workbook(path, "en", [_visit_row("en", "2024/3/19", "Association meeting")])
    (record,) = read_workbook(path).sheets["visits"].records.values()
    assert (record["visit_date"], record["kind"]) == ("2024-03-19", "association_meeting")


@pytest.mark.parametrize(
    "value, number_format",
    [
        (datetime(2024, 3, 19), 'yyyy"年"m"月"d"日"'),
        (datetime(2024, 3, 19), "[$-F800]dddd, mmmm dd, yyyy"),
        (datetime(2024, 3, 19), "yyyy/m/d;@"),
        (45370, "General"),  # a date typed as its serial number
        ("2024年3月19日", "@"),
        ("２０２４－０３－１９", "@"),  # full-width digits
        ("2024.3.19", "@"),
    ],
)
def test_dates_in_east_asian_and_hand_typed_forms_read_as_openpyxl_sees_them(
    tmp_path: Path, value: object, number_format: str
) -> None:
    path = tmp_path / "dates.xlsx"
    _workbook(path, "zh", [_visit_row("zh", value, "走访企业")], formats={2: number_format})
    (record,) = read_workbook(path).sheets["visits"].records.values()
    assert record["visit_date"] == "2024-03-19"
    seen_by_openpyxl = openpyxl.load_workbook(path)["走访记录"].cell(2, 2).value
    if isinstance(seen_by_openpyxl, datetime):
        assert seen_by_openpyxl.date().isoformat() == record["visit_date"]


def test_an_unreadable_cell_is_an_issue_with_its_place_and_raw_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    _workbook(path, "zh", [_visit_row("zh", "三月中旬", "走访企业"), _visit_row("zh", 2024, "拜访")])
    data = read_workbook(path)
    issues = sorted((i.sheet, i.row, i.column, i.raw) for i in data.issues)
    assert issues == [
        ("走访记录", 2, "B", "三月中旬"),
        ("走访记录", 3, "B", "2024"),
        ("走访记录", 3, "C", "拜访"),
    ]
    assert all(
        set(bad) == {"visit_date"} or set(bad) == {"visit_date", "kind"}
        for bad in data.sheets["visits"].unreadable.values()
    )


def test_a_sheet_without_a_header_row_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "noheader.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for ledger in SYNC_ORDER:
        book.create_sheet(layout(ledger).title("zh")).cell(1, 1, "随便写点什么")
    book.save(path)
    with pytest.raises(WorkbookError) as refused:
        read_workbook(path)
    assert "工作组" in str(refused.value) and "header row" in str(refused.value)
