"""The period report: figures over hand-built rows, the same from a database, the workbook, demo scale."""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from models.database import Database
from models.demo import generate
from models.reports import period_workbook
from models.reports.figures import (
    FIGURE_KEYS,
    LeadRow,
    PeriodReport,
    ProjectRow,
    ReportData,
    TripRow,
    VisitRow,
    compute_period_report,
    load_period_data,
    load_report_data,
    period_report,
)
from models.reports.period_workbook import headline, period_phrase, write_period_report
from models.reports.periods import PeriodKind, latest_full, parse_period
from models.store import LedgerStore

Q1 = parse_period("2024Q1")
NOW = datetime(2024, 4, 3, 9, 30).astimezone()
D = Decimal


def _project(signed_on: date, planned: str | None, manufacturing: bool = True, **more: Any) -> ProjectRow:
    return ProjectRow(
        signed_on=signed_on,
        manufacturing=manufacturing,
        planned_investment=None if planned is None else D(planned),
        **more,
    )


# 2024Q1 against 2023Q1. Every row says whether and where it counts.
HAND_BUILT = ReportData(
    trips=(
        TripRow(date(2024, 1, 1)),  # first day: counts
        TripRow(date(2024, 3, 31)),  # last day: counts
        TripRow(date(2024, 4, 1)),  # next quarter
        TripRow(date(2023, 12, 31)),  # previous quarter
        TripRow(date(2023, 2, 1)),  # year earlier
    ),
    visits=(
        VisitRow(date(2024, 1, 10), "enterprise_visit", "E1"),
        VisitRow(date(2024, 2, 10), "enterprise_visit", "E1"),  # E1 again: one enterprise
        VisitRow(date(2024, 3, 31), "inbound_inspection", "E2"),  # last day, inspection: counts
        VisitRow(
            date(2024, 2, 1), "enterprise_visit", None
        ),  # no enterprise record: not in the distinct count
        VisitRow(date(2024, 4, 1), "enterprise_visit", "E3"),  # next quarter
        VisitRow(date(2024, 1, 20), "association_meeting", "E4"),  # a meeting is not an enterprise visit
        VisitRow(date(2024, 2, 20), "association_meeting"),
        VisitRow(date(2024, 3, 31), "association_meeting"),
        VisitRow(date(2024, 3, 5), "promotion_event"),
        VisitRow(date(2023, 3, 1), "enterprise_visit", "E1"),
        VisitRow(date(2023, 1, 5), "association_meeting"),
        VisitRow(date(2023, 3, 31), "association_meeting"),
    ),
    leads=(
        LeadRow(date(2024, 1, 5), True),
        LeadRow(date(2024, 3, 31), True),
        LeadRow(date(2024, 2, 1), False),  # not effective
        LeadRow(date(2024, 4, 1), True),  # next quarter
        LeadRow(date(2023, 1, 15), True),
    ),
    projects=(
        # signed in 2024Q1: 4 projects, 150,000 万元
        _project(
            date(2024, 1, 1),
            "100000",  # exactly 10亿: ≥ 1亿 and ≥ 10亿
            industry="nev_auto",  # priority
            home_region="prd_east",
            land_actual=date(2024, 2, 1),  # land supplied in the period: under way
            actual_investment=D("5000"),
        ),
        _project(date(2024, 3, 31), "10000", industry="new_materials", home_region="yrd"),  # exactly 1亿
        _project(
            date(2024, 2, 15),
            "9999.99",  # just under 1亿
            industry="energy_storage",  # priority
            home_region="prd_east",
            actual_investment=D("777"),  # signed only, no milestone: not in actual investment
        ),
        _project(date(2024, 3, 10), "30000.01", manufacturing=False, industry="food_beverage"),
        # signed on the first day of the next quarter, even with land the same day: not counted
        _project(date(2024, 4, 1), "50000", industry="nev_auto", land_actual=date(2024, 4, 1)),
        # signed long ago, moving a stage in 2024Q1
        _project(date(2022, 6, 1), "20000", start_actual=date(2024, 3, 31), actual_investment=D("20000")),
        _project(
            date(2021, 5, 1),
            "40000",
            land_actual=date(2021, 8, 1),
            start_actual=date(2021, 10, 1),
            completion_actual=date(2024, 1, 15),
            operation_actual=date(2024, 3, 1),
            actual_investment=D("30000"),
        ),
        # signed in 2023Q1: 2 projects, 100,000 万元
        _project(
            date(2023, 2, 1),
            "60000",
            industry="high_end_equipment",  # not priority
            home_region="prd_east",
            land_actual=date(2023, 3, 1),
            actual_investment=D("8000"),
        ),
        _project(date(2023, 3, 15), "40000", manufacturing=False, home_region="hk_macao"),
    ),
)


@pytest.fixture(scope="module")
def report() -> PeriodReport:
    return compute_period_report(HAND_BUILT, Q1)


def _values(report: PeriodReport) -> dict[str, tuple[Decimal | int, Decimal | int]]:
    return {f.key: (f.value, f.previous) for f in report.figures}


# --- figures over plain rows ---------------------------------------------------------------------------


def test_hand_built_figures(report: PeriodReport) -> None:
    manufacturing = D("119999.99")
    assert report.period == Q1
    assert report.earlier == parse_period("2023Q1")
    assert tuple(f.key for f in report.figures) == FIGURE_KEYS
    assert _values(report) == {
        "trips": (2, 1),
        "enterprises_visited": (2, 1),  # E1 (twice) and E2 (inspection on the last day)
        "association_meetings": (3, 2),
        "promotion_events": (1, 0),
        "effective_leads": (2, 1),
        "projects_signed": (4, 2),
        "planned_investment": (D("150000"), D("100000")),
        "manufacturing_projects": (3, 1),
        "manufacturing_investment": (manufacturing, D("60000")),
        "projects_over_100m": (2, 1),  # 100000 and exactly 10000, not 9999.99
        "projects_over_100m_share": (D("110000") / manufacturing, D(1)),
        "projects_over_1b": (1, 0),  # exactly 100000
        "projects_over_1b_share": (D("100000") / manufacturing, D(0)),
        "priority_investment": (D("109999.99"), D(0)),
        "priority_share": (D("109999.99") / manufacturing, D(0)),
        "land_supplied": (1, 1),
        "construction_started": (1, 0),
        "completed": (1, 0),
        "in_operation": (1, 0),
        # 5000 + 20000 + 30000; the signed-only 777 is not. A year earlier: 8000 (land), and the 30000
        # of the project under construction from 2021-10 to 2024-01, which passed no milestone then.
        "actual_investment": (D("55000"), D("38000")),
    }


def test_year_on_year_change(report: PeriodReport) -> None:
    assert report.figure("planned_investment").change == D("0.5")  # 100000 → 150000
    assert report.figure("association_meetings").change == D("0.5")  # 2 → 3
    assert report.figure("trips").change == D(1)
    assert report.figure("land_supplied").change == D(0)
    # investment to date beside investment to date: no year-on-year change, though both are there
    assert report.figure("actual_investment").change is None
    for key in ("promotion_events", "projects_over_1b", "construction_started", "priority_share"):
        assert report.figure(key).change is None, key  # nothing a year earlier: no ratio, no error
    # shares give their change in percentage points, also from a share of 0 (of something) a year earlier
    assert report.figure("projects_over_100m_share").change_points == D("110000") / D("119999.99") - 1
    assert report.figure("priority_share").change_points == D("109999.99") / D("119999.99")
    assert report.figure("planned_investment").change_points is None  # not a share
    assert report.figure("planned_investment").unit == "万元"
    assert report.figure("priority_share").unit == "%"
    assert report.figure("projects_signed").label("zh") == "新引进项目"
    with pytest.raises(KeyError, match="no figure"):
        report.figure("projects")


def test_breakdowns(report: PeriodReport) -> None:
    industries = [
        (r.code, r.count, r.planned, r.previous_count, r.previous_planned) for r in report.by_industry
    ]
    assert industries == [
        ("nev_auto", 1, D("100000"), 0, D(0)),
        ("food_beverage", 1, D("30000.01"), 0, D(0)),
        ("new_materials", 1, D("10000"), 0, D(0)),
        ("energy_storage", 1, D("9999.99"), 0, D(0)),
        ("high_end_equipment", 0, D(0), 1, D("60000")),  # only last year
        ("", 0, D(0), 1, D("40000")),  # no industry recorded
    ]
    assert abs(sum(r.share_of_planned for r in report.by_industry) - 1) < D("1e-20")
    assert report.by_industry[0].share_of_planned == D("100000") / D("150000")
    assert report.by_industry[0].label_zh == "新能源汽车及零部件"
    assert report.by_industry[-1].label("en") == "Not recorded"
    assert report.by_industry[0].change is None
    regions = [(r.code, r.count, r.planned, r.previous_count, r.previous_planned) for r in report.by_region]
    assert regions == [
        ("prd_east", 2, D("109999.99"), 1, D("60000")),
        ("", 1, D("30000.01"), 0, D(0)),
        ("yrd", 1, D("10000"), 0, D(0)),
        ("hk_macao", 0, D(0), 1, D("40000")),
    ]
    assert report.by_region[0].change == D("49999.99") / D("60000")


def test_monthly_rows(report: PeriodReport) -> None:
    rows = [
        (m.year, m.month, m.projects_signed, m.planned, m.visits, m.effective_leads) for m in report.monthly
    ]
    assert rows == [
        (2024, 1, 1, D("100000"), 2, 1),
        (2024, 2, 1, D("9999.99"), 3, 0),
        (2024, 3, 2, D("40000.01"), 3, 1),
    ]
    assert sum(m.projects_signed for m in report.monthly) == report.figure("projects_signed").value


def test_a_week_is_reported_only_for_its_own_days() -> None:
    week = parse_period("2024W13")  # Monday 25 March .. Sunday 31 March
    weekly = compute_period_report(HAND_BUILT, week)
    assert weekly.figure("trips").value == 1
    assert weekly.figure("projects_signed").value == 1  # 31 March
    assert weekly.figure("association_meetings").value == 1
    assert weekly.earlier == parse_period("2023W13")
    assert [(m.year, m.month, m.visits) for m in weekly.monthly] == [(2024, 3, 2)]


def test_a_share_of_nothing_has_no_change_in_points() -> None:
    this_year = _project(date(2024, 2, 1), "30000", industry="nev_auto")
    no_manufacturing_last_year = _project(date(2023, 2, 1), "50000", manufacturing=False)
    report = compute_period_report(ReportData(projects=(this_year, no_manufacturing_last_year)), Q1)
    assert report.figure("priority_share").value == 1
    assert report.figure("priority_share").change_points is None  # not "+100 points" from nothing


def test_a_project_under_construction_through_the_period_counts_in_actual_investment() -> None:
    def building(start: date, completion: date | None, invested: str) -> ProjectRow:
        return _project(
            date(2022, 1, 1),
            "1000",
            start_actual=start,
            completion_actual=completion,
            actual_investment=D(invested),
        )

    rows = (
        building(date(2023, 6, 1), None, "50000"),  # building all quarter, no milestone in it: counts
        building(date(2023, 6, 1), date(2023, 12, 31), "7"),  # completed before the quarter
        building(date(2024, 4, 1), None, "900"),  # starts after it
        building(date(2022, 6, 1), date(2024, 1, 1), "20000"),  # completed on its first day
    )
    report = compute_period_report(ReportData(projects=rows), Q1)
    assert report.figure("actual_investment").value == D("70000")
    assert report.figure("actual_investment").previous == D("20000")  # 2023Q1: only the last was building


def test_empty_data_gives_zeros_not_errors() -> None:
    empty = compute_period_report(ReportData(), Q1)
    assert all(f.value == 0 and f.previous == 0 and f.change is None for f in empty.figures)
    assert empty.by_industry == () and empty.by_region == ()
    assert [m.projects_signed for m in empty.monthly] == [0, 0, 0]


def test_data_that_does_not_cover_the_year_earlier_period_is_refused() -> None:
    data = ReportData(covers=((Q1.first, Q1.last),))
    with pytest.raises(ValueError, match="2023Q1"):
        compute_period_report(data, Q1)


# --- from a database -----------------------------------------------------------------------------------


@pytest.fixture
def ledger_db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "x.db")
    try:
        yield database
    finally:
        database.close()


def test_figures_from_the_database_skip_deleted_records(ledger_db: Database) -> None:
    store = LedgerStore(ledger_db, "t")
    team = store.create("teams", {"name": "端州区招商一组"})
    shenzhen = store.create(
        "enterprises", {"name": "深圳氢蓝", "industry": "hydrogen", "home_region": "prd_east"}
    )
    suzhou = store.create("enterprises", {"name": "苏州科达", "home_region": "yrd"})
    trip = store.create(
        "trips", {"team_id": team, "start_date": date(2024, 3, 31), "end_date": date(2024, 4, 2)}
    )
    dropped_trip = store.create("trips", {"team_id": team, "start_date": date(2024, 2, 1)})
    store.create("trips", {"team_id": team, "start_date": date(2024, 4, 1)})

    def visit(day: date, kind: str, enterprise: str | None = None) -> str:
        values = {
            "visit_date": day,
            "kind": kind,
            "team_id": team,
            "enterprise_id": enterprise,
            "trip_id": trip,
        }
        return store.create("visits", values)

    visit(date(2024, 1, 8), "enterprise_visit", shenzhen)
    visit(date(2024, 3, 31), "enterprise_visit", shenzhen)
    dropped_visit = visit(date(2024, 2, 2), "enterprise_visit", suzhou)
    visit(date(2024, 2, 3), "association_meeting")
    visit(date(2023, 2, 3), "association_meeting")
    visit(date(2023, 2, 4), "association_meeting")
    visit(date(2024, 3, 1), "promotion_event")

    def lead(day: date, effective: bool) -> str:
        values = {
            "title": "氢燃料电池",
            "discovered_on": day,
            "team_id": team,
            "status": "new",
            "effective": effective,
        }
        return store.create("leads", values)

    lead(date(2024, 1, 2), True)
    lead(date(2024, 1, 3), False)
    dropped_lead = lead(date(2024, 1, 4), True)

    def project(signed_on: date, planned: str, **more: Any) -> str:
        values = {
            "name": f"项目{signed_on}",
            "stage": "signed",
            "signed_on": signed_on,
            "planned_investment": D(planned),
            "manufacturing": True,
            "team_id": team,
            **more,
        }
        return store.create("projects", values)

    project(date(2024, 1, 1), "100000", enterprise_id=shenzhen, industry="nev_auto")
    project(date(2024, 3, 31), "10000", enterprise_id=suzhou, industry="new_materials")
    project(date(2024, 4, 1), "50000", enterprise_id=suzhou)  # next quarter
    project(date(2023, 1, 10), "60000.5", enterprise_id=suzhou, industry="nev_auto")
    project(
        date(2022, 5, 1),
        "20000",
        stage="construction_started",
        land_actual=date(2023, 1, 5),
        start_actual=date(2024, 2, 29),
        actual_investment=D("12345.67"),
    )
    project(  # under construction through 2024Q1 (and not yet in 2023Q1), reaching no milestone in it
        date(2021, 5, 1),
        "8000",
        stage="construction_started",
        land_actual=date(2023, 6, 1),
        start_actual=date(2023, 7, 1),
        actual_investment=D("4000"),
    )
    dropped_project = project(
        date(2024, 2, 1), "99999", land_actual=date(2024, 2, 2), actual_investment=D("1000"), industry="ai"
    )
    store.set_deleted("trips", [dropped_trip], True)
    store.set_deleted("visits", [dropped_visit], True)
    store.set_deleted("leads", [dropped_lead], True)
    store.set_deleted("projects", [dropped_project], True)

    data = load_report_data(ledger_db, Q1.year_earlier().first, Q1.last)
    report = compute_period_report(data, Q1)
    assert _values(report) == {
        "trips": (1, 0),
        "enterprises_visited": (1, 0),
        "association_meetings": (1, 2),
        "promotion_events": (1, 0),
        "effective_leads": (1, 0),
        "projects_signed": (2, 1),
        "planned_investment": (D("110000"), D("60000.5")),
        "manufacturing_projects": (2, 1),
        "manufacturing_investment": (D("110000"), D("60000.5")),
        "projects_over_100m": (2, 1),
        "projects_over_100m_share": (D(1), D(1)),
        "projects_over_1b": (1, 0),
        "projects_over_1b_share": (D("100000") / D("110000"), D(0)),
        "priority_investment": (D("100000"), D("60000.5")),
        "priority_share": (D("100000") / D("110000"), D(1)),
        "land_supplied": (0, 1),
        "construction_started": (1, 0),
        "completed": (0, 0),
        "in_operation": (0, 0),
        "actual_investment": (D("12345.67") + D("4000"), D("12345.67")),  # moved in both periods
    }
    assert [(r.code, r.count) for r in report.by_region] == [("prd_east", 1), ("yrd", 1)]
    assert [r.code for r in report.by_industry] == ["nev_auto", "new_materials"]
    assert report.figure("association_meetings").change == D("-0.5")
    # Loading just the two periods gives the same report; a range that misses one is refused.
    assert compute_period_report(load_period_data(ledger_db, Q1), Q1) == report
    with pytest.raises(ValueError, match="2023Q1"):
        compute_period_report(load_report_data(ledger_db, Q1.first, Q1.last), Q1)
    with pytest.raises(ValueError, match="empty"):
        load_report_data(ledger_db, Q1.last, Q1.first)


# --- the workbook --------------------------------------------------------------------------------------


def _rows_by_label(sheet: Any, header_row: int = 4) -> dict[str, list[Any]]:
    return {
        row[0].value: list(row)
        for row in sheet.iter_rows(min_row=header_row + 1, max_row=sheet.max_row)
        if isinstance(row[0].value, str)
    }


def _check_table_sheet(sheet: Any) -> None:
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A4:")
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_workbook_in_chinese(report: PeriodReport, tmp_path: Path) -> None:
    path = tmp_path / "季报.xlsx"
    write_period_report(report, path, "zh", now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["季报.xlsx"]  # no temporary file left behind
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "按产业", "按来源地区", "月度趋势"]
    for sheet in book.worksheets:
        _check_table_sheet(sheet)

    summary = book["汇总"]
    assert summary["A1"].value == "2024年第一季度招商引资工作情况"
    assert summary["A2"].value.startswith("生成时间：2024-04-03")
    assert [c.value for c in summary[4]] == [
        "指标",
        "本期（2024年第一季度）",
        "单位",
        "上年同期（2023年第一季度）",
        "同比",
    ]
    assert "A3:E3" in {str(r) for r in summary.merged_cells.ranges}
    text = summary["A3"].value
    assert text.startswith(
        "2024年第一季度，新引进项目4个，计划总投资15亿元，同比增长50.0%；其中制造业项目3个"
    )
    assert "亿元以上制造业项目2个，占制造业项目的66.7%（其中10亿元以上1个）" in text
    assert "外出招商2次，走访企业2家" in text
    rows = _rows_by_label(summary)

    planned = rows["新引进项目计划投资"]
    assert [c.value for c in planned[1:4]] == [15, "亿元", 10]
    assert planned[1].data_type == "n" and planned[1].number_format == "#,##0.00"
    assert planned[4].value == pytest.approx(0.5) and "%" in planned[4].number_format
    signed = rows["新引进项目"]
    assert (signed[1].value, signed[2].value, signed[3].value) == (4, "个", 2)
    assert signed[1].number_format == "#,##0"
    assert rows["走访企业"][2].value == "家"
    share = rows["亿元以上项目计划投资占制造业比重"]
    assert share[1].value == pytest.approx(110000 / 119999.99) and share[1].number_format == "0.0%"
    assert share[4].value == pytest.approx((110000 / 119999.99 - 1) * 100)
    assert "个百分点" in share[4].number_format
    for undefined in ("10亿元以上制造业项目", "招商推介活动", "新开工项目", "项目实际投资"):
        assert rows[undefined][4].value == "—", undefined
    priority = rows["“两新一电”产业投资占制造业比重"]  # 0% of 6亿 a year earlier: a change in points
    assert priority[4].value == pytest.approx(109999.99 / 119999.99 * 100)
    assert "个百分点" in priority[4].number_format
    assert rows["项目实际投资"][1].value == pytest.approx(5.5)

    industry = book["按产业"]
    assert [c.value for c in industry[4]] == [
        "产业",
        "项目数（个）",
        "计划投资（亿元）",
        "占计划投资比重",
        "上年同期项目数（个）",
        "上年同期计划投资（亿元）",
        "计划投资同比",
    ]
    first = [c.value for c in industry[5]]
    assert first[:3] == ["新能源汽车及零部件", 1, 10]
    assert first[6] == "—"
    assert industry["C5"].number_format == "#,##0.00" and industry["D5"].number_format == "0.0%"
    assert _rows_by_label(industry)["合计"][2].value == 15
    assert len(industry._charts) == 1 and type(industry._charts[0]).__name__ == "BarChart"
    region = book["按来源地区"]
    assert [c.value for c in region[5]][:2] == ["珠江口东岸", 2]
    assert region["A6"].value == "未填写"
    monthly = book["月度趋势"]
    assert [c.value for c in monthly[4]] == [
        "月份",
        "签约项目（个）",
        "计划投资（亿元）",
        "走访及活动（次）",
        "有效线索（条）",
    ]
    assert [c.value for c in monthly[7]] == ["2024年3月", 2, pytest.approx(4.000001), 3, 1]
    assert len(monthly._charts) == 1 and type(monthly._charts[0]).__name__ == "LineChart"


def test_workbook_in_english(report: PeriodReport, tmp_path: Path) -> None:
    path = tmp_path / "q1.xlsx"
    write_period_report(report, path, "en", now=NOW)
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "By industry", "By source region", "Monthly trend"]
    summary = book["Summary"]
    assert summary["A1"].value == "Investment promotion, 2024 Q1"
    assert summary["A3"].value.startswith(
        "In 2024 Q1, 4 new projects were introduced with a planned investment of 1.5 billion yuan "
        "(+50.0% year on year)"
    )
    english = summary["A3"].value
    assert "1 project was supplied with land" in english and "1 was completed" in english
    assert not re.search(r"\b1 [a-z ]*?(projects|times|enterprises|meetings|events|leads)\b", english), (
        english
    )
    rows = _rows_by_label(summary)
    assert [c.value for c in rows["Planned investment of new projects"][1:5]] == [15, "100M yuan", 10, 0.5]
    assert rows["Projects supplied with land"][4].value == 0
    assert rows["Projects starting construction"][4].value == "—"
    assert (
        " pp"
        in rows["Share of manufacturing investment in projects of 100 million yuan or more"][4].number_format
    )
    assert "Planned investment (100M yuan)" in [c.value for c in book["By industry"][4]]
    assert book["By source region"]["A6"].value == "Not recorded"
    assert [c.value for c in book["Monthly trend"][5]][:2] == ["2024-01", 1]
    for sheet in book.worksheets:
        _check_table_sheet(sheet)
    assert book["By industry"]._charts and book["Monthly trend"]._charts


def test_a_failed_write_leaves_the_old_file_and_no_debris(
    report: PeriodReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"the previous report")

    def broken_save(self: Any, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(period_workbook.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_period_report(report, path)
    assert path.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


@pytest.mark.parametrize(
    ("label", "zh", "en"),
    [
        ("2024", "2024年", "2024"),
        ("2024Q3", "2024年第三季度", "2024 Q3"),
        ("2024-03", "2024年3月", "March 2024"),
        ("2024W01", "2024年第1周（1月1日—1月7日）", "2024 week 1 (1 Jan–7 Jan)"),
    ],
)
def test_period_phrases(label: str, zh: str, en: str, tmp_path: Path) -> None:
    period = parse_period(label)
    assert period_phrase(period, "zh") == zh
    assert period_phrase(period, "en") == en
    other = compute_period_report(HAND_BUILT, period)
    assert headline(other, "zh").startswith(zh)
    write_period_report(other, tmp_path / f"{label}.xlsx", "zh", now=NOW)
    assert load_workbook(tmp_path / f"{label}.xlsx")["月度趋势"].max_row == 4 + len(period.months())


# --- at demo scale -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_scale_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    end = date(2024, 6, 30)
    database = Database.open(tmp_path / "demo.db")
    try:
        generate(database, scale=1, start=date(2023, 1, 1), end=end)
        period = latest_full(PeriodKind.QUARTER, end + timedelta(days=1))
        assert period.label == "2024Q2"
        started = time.perf_counter()
        data = load_period_data(database, period)
        loaded = time.perf_counter()
        report = compute_period_report(data, period)
        computed = time.perf_counter()
        write_period_report(report, tmp_path / "demo.xlsx", "zh")
        written = time.perf_counter()
    finally:
        database.close()
    with capsys.disabled():
        print(
            f"\nperiod report {period.label} at demo scale 1: load {loaded - started:.3f} s, "
            f"compute {computed - loaded:.3f} s, write {written - computed:.3f} s, "
            f"total {written - started:.3f} s ({len(data.visits)} visits, {len(data.projects)} projects)"
        )
    # Like the bureau's quarter (the demo's calibration), within the demo's ±6% and sampling.
    assert 150 <= report.figure("projects_signed").value <= 220
    assert 0.85 <= report.figure("projects_over_100m_share").value <= 1
    assert 250 <= report.figure("trips").value <= 350
    assert 450 <= report.figure("enterprises_visited").value <= 650
    assert sum(r.count for r in report.by_industry) == report.figure("projects_signed").value


# --- a period not over yet ------------------------------------------------------------------------------


def test_a_period_not_over_yet_is_cut_at_today_and_compared_with_the_same_days_a_year_before() -> None:
    year = parse_period("2025").up_to(date(2025, 11, 27))
    assert (year.first, year.last, year.partial) == (date(2025, 1, 1), date(2025, 11, 27), True)
    earlier = year.year_earlier()
    assert (earlier.first, earlier.last, earlier.partial) == (date(2024, 1, 1), date(2024, 11, 27), True)
    assert earlier.label == "2024" and year.months()[-1] == (2025, 11)
    leap_day = parse_period("2024Q1").up_to(date(2024, 2, 29)).year_earlier()
    assert (leap_day.first, leap_day.last) == (date(2023, 1, 1), date(2023, 2, 28))
    week = parse_period("2025W48").up_to(date(2025, 11, 26))  # Monday 24th to Wednesday
    assert week.year_earlier().last - week.year_earlier().first == timedelta(days=2)
    assert parse_period("2024Q3").up_to(date(2025, 11, 27)) == parse_period("2024Q3")  # over: as it is
    with pytest.raises(ValueError, match="2027 has not begun"):
        parse_period("2027").up_to(date(2025, 11, 27))
    assert period_phrase(year, "zh") == "2025年（截至11月27日）"
    assert period_phrase(year, "en") == "2025 (to 27 Nov)"
    assert period_phrase(earlier, "zh") == "2024年（截至11月27日）"


def test_this_years_report_so_far_is_not_compared_with_the_whole_of_last_year(ledger_db: Database) -> None:
    """The reviewer's case: one project so far this year, one by this day last year and one after it."""
    store = LedgerStore(ledger_db, "t")
    team = store.create("teams", {"name": "端州区招商一组"})
    for signed_on in (date(2024, 6, 1), date(2024, 12, 15), date(2025, 6, 1)):
        store.create(
            "projects",
            {
                "name": f"项目{signed_on}",
                "stage": "signed",
                "signed_on": signed_on,
                "planned_investment": D("10000"),
                "team_id": team,
            },
        )
    report = period_report(ledger_db, parse_period("2025"), date(2025, 11, 27))
    assert (report.figure("projects_signed").value, report.figure("projects_signed").previous) == (1, 1)
    assert report.figure("projects_signed").change == 0  # not -50% against all of 2024
    assert report.period.partial and report.earlier.last == date(2024, 11, 27)
    with pytest.raises(ValueError, match="not begun"):
        period_report(ledger_db, parse_period("2026"), date(2025, 11, 27))


def test_the_command_line_refuses_a_period_that_has_not_begun(tmp_path: Path, capsys) -> None:
    import main

    Database.open(tmp_path / "x.db").close()
    status = main.main(
        [
            "report",
            "period",
            "--period",
            "2099",
            "--db",
            str(tmp_path / "x.db"),
            "--out",
            str(tmp_path / "r.xlsx"),
        ]
    )
    assert status == main.EXIT_NOTHING_WRITTEN and "2099 has not begun" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_the_command_line_refuses_a_database_that_is_not_there(tmp_path: Path, capsys) -> None:
    """A mistyped --db made an empty database and wrote a report of zeros, with "Wrote …"."""
    import main

    typo = tmp_path / "no-such-folder" / "bureua.db"
    for kind, extra in (
        ("period", ["--period", "2024Q1"]),
        ("ranking", ["--period", "2024-03"]),
        ("supervision", []),
    ):
        out = tmp_path / f"{kind}.xlsx"
        status = main.main(["report", kind, *extra, "--db", str(typo), "--out", str(out)])
        assert status == main.EXIT_NOTHING_WRITTEN
        assert f"no database at {typo}" in capsys.readouterr().err
        assert not out.exists()
    assert not typo.parent.exists()


def test_the_command_line_refuses_an_empty_database_file(tmp_path: Path, capsys) -> None:
    """A zero-byte ledger.db (a copy cut short) was taken for a new database: the report of zeros said
    "Wrote …", and the file became an empty database."""
    import main

    empty = tmp_path / "ledger.db"
    empty.touch()
    out = tmp_path / "q1.xlsx"
    status = main.main(["report", "period", "--period", "2024Q1", "--db", str(empty), "--out", str(out)])
    assert status == main.EXIT_NOTHING_WRITTEN
    assert f"{empty} is empty (0 bytes)" in capsys.readouterr().err
    assert not out.exists() and empty.stat().st_size == 0


@pytest.mark.skipif(os.name == "nt", reason="permission bits: Windows gives a new file its folder's ACL")
def test_a_report_is_readable_by_whoever_may_read_new_files_there(tmp_path: Path, ledger_db) -> None:
    """Reports were written through mkstemp: readable by their owner alone, even over a shared file."""
    report = period_report(ledger_db, parse_period("2024Q1"))
    old_mask = os.umask(0o022)
    try:
        fresh = tmp_path / "q1.xlsx"
        write_period_report(report, fresh)
        shared = tmp_path / "shared-q1.xlsx"
        shared.write_bytes(b"")
        shared.chmod(0o664)  # the group may read and write it
        write_period_report(report, shared)
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert load_workbook(shared).sheetnames == load_workbook(fresh).sheetnames


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("２０２４Ｑ１", "2024Q1"),
        ("２０２４－０３", "2024-03"),
        ("２０２４年３月", "2024-03"),
        ("２０２４Ｗ１２", "2024W12"),
    ],
)
def test_a_period_typed_in_full_width_characters_is_understood(typed: str, meant: str) -> None:
    """Dates and amounts took full-width digits (a Chinese input method's), periods did not."""
    assert parse_period(typed) == parse_period(meant)


@pytest.mark.parametrize(
    "owner_file",
    ["~$q1.xlsx", ".~lock.q1.xlsx#"],
    ids=["open in Excel or WPS", "open in LibreOffice"],
)
def test_a_report_open_in_a_spreadsheet_program_is_not_written_over(
    tmp_path: Path, ledger_db, owner_file: str, capsys
) -> None:
    """The report replaced the file under the program showing it, which would later save its own copy
    back over the new one; the sync already refused to write a workbook open elsewhere."""
    import main

    first = tmp_path / "q1.xlsx"
    write_period_report(period_report(ledger_db, parse_period("2024Q1")), first)
    before = first.read_bytes()
    (tmp_path / owner_file).write_text(",陈七,PC-1,27.11.2026 10:00,file:///x;")
    with pytest.raises(OSError) as raised:
        write_period_report(period_report(ledger_db, parse_period("2024Q2")), first)
    assert raised.value.filename == str(first)
    assert first.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if ".xlsx" in p.name) == sorted(["q1.xlsx", owner_file])

    args = ["report", "period", "--period", "2024Q2", "--db", str(ledger_db.path), "--out", str(first)]
    ledger_db.close()
    assert main.main(args) == main.EXIT_NOTHING_WRITTEN
    printed = capsys.readouterr().err
    program = "LibreOffice (陈七, PC-1)" if owner_file.startswith(".~lock") else "Excel/WPS"
    assert printed == (
        f"Not written: {first}: it is open in {program}: close it there and try again (if nobody has it "
        f"open, a crash left {owner_file} beside it: delete that file)\n"
    )
    assert first.read_bytes() == before


def test_an_owner_file_left_beside_no_report_does_not_stop_a_new_one(tmp_path: Path, ledger_db) -> None:
    """Excel's ~$q1.xlsx left by a crash, and no q1.xlsx: nothing is open, the report is written."""
    (tmp_path / "~$q1.xlsx").write_bytes(b"\x05Alice" + b" " * 50)
    write_period_report(period_report(ledger_db, parse_period("2024Q1")), tmp_path / "q1.xlsx")
    assert load_workbook(tmp_path / "q1.xlsx").active["A1"].value


@pytest.mark.skipif(os.name == "nt", reason="Windows refuses the replace itself")
def test_a_report_marked_read_only_is_not_written_over(tmp_path: Path, ledger_db) -> None:
    """A rename replaces a read-only file on Linux and macOS (and root may write anything)."""
    first = tmp_path / "q1.xlsx"
    write_period_report(period_report(ledger_db, parse_period("2024Q1")), first)
    first.chmod(0o444)
    before = first.read_bytes()
    with pytest.raises(PermissionError) as raised:
        write_period_report(period_report(ledger_db, parse_period("2024Q2")), first)
    assert raised.value.filename == str(first)
    assert first.read_bytes() == before and stat.S_IMODE(first.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_command_line_says_which_folder_is_missing_without_python_errno(
    tmp_path: Path, ledger_db, capsys
) -> None:
    import main

    out = tmp_path / "报表" / "q1.xlsx"
    args = ["report", "period", "--period", "2024Q1", "--db", str(ledger_db.path), "--out", str(out)]
    ledger_db.close()
    assert main.main(args) == main.EXIT_NOTHING_WRITTEN
    printed = capsys.readouterr().err
    assert printed.startswith(f"Not written: {out}: it does not exist") and "Errno" not in printed
