"""Team ranking, supervision list and ledger-view export: the pure rules on hand-built rows, the
loaders against a real database, the workbooks read back, and one run at demo scale."""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from models import demo
from models.database import Database
from models.queries import LedgerQuery
from models.reports import ledger_export
from models.reports.ledger_export import export_ledger_view
from models.reports.periods import PeriodKind, latest_full, parse_period
from models.reports.ranking import (
    Activity,
    RankingData,
    TeamInfo,
    compute_ranking,
    load_ranking_data,
    period_name,
    team_ranking,
    write_ranking,
)
from models.reports.supervision import (
    ProjectRow,
    compute_supervision,
    load_supervision_data,
    supervision_list,
    write_supervision,
)
from models.schema import Project
from models.store import LedgerStore

NOW = datetime(2024, 7, 1, 9, 30)
HEADER_ROW = 4  # title, generation note, blank, header


def _sheet(path: Path) -> Any:
    return openpyxl.load_workbook(path).worksheets[0]


def _header(sheet: Any) -> list[Any]:
    return [cell.value for cell in sheet[HEADER_ROW]]


def _data(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


# --- ranking: the pure rules --------------------------------------------------------------------------

Q2 = parse_period("2024Q2")


def _activity(team: str, day: date, **counts: Any) -> Activity:
    return Activity(team, day, **counts)


@pytest.fixture
def ranking_data() -> RankingData:
    old = date(2023, 1, 1)
    teams = (
        TeamInfo("a", "Alpha", "端州区", old),
        TeamInfo("b", "Bravo", "四会市", old),
        TeamInfo("c", "Charlie", "高要区", old),
        TeamInfo("d", "Delta", "鼎湖区", old),
        TeamInfo("e", "Echo (new)", "肇庆新区", date(2024, 5, 1)),
        TeamInfo("f", "Foxtrot", None, old),
        TeamInfo("g", "Golf", None, None),
        TeamInfo("z", "Zulu", None, old),
        TeamInfo("late", "Formed after the period", None, date(2024, 8, 1)),
    )
    april, may = date(2024, 4, 10), date(2024, 5, 20)
    activity = (
        # this quarter
        _activity("a", april, projects=2, planned_investment=Decimal(3000)),
        _activity("a", may, projects=1, planned_investment=Decimal(2000), visits=1),
        # Bravo and Charlie equal on all four indicators (spread over days differently)
        _activity("b", april, projects=2, planned_investment=Decimal("9000.5"), effective_leads=1, visits=4),
        _activity("c", april, projects=1, planned_investment=Decimal("4000.5"), visits=4),
        _activity("c", may, projects=1, planned_investment=Decimal(5000), effective_leads=1),
        # Delta: as many projects as Bravo, less money, more of everything else: money decides
        _activity("d", may, projects=2, planned_investment=Decimal(1000), effective_leads=9, visits=40),
        _activity("e", may, projects=1, planned_investment=Decimal(500)),
        # Foxtrot and Golf: no projects; leads weigh before visits
        _activity("f", may, effective_leads=3),
        _activity("g", may, visits=50),
        # a deleted team's activity (not among the teams) is ignored
        _activity("gone", may, projects=99, planned_investment=Decimal(1)),
        # last quarter: Bravo first, Alpha second, the rest tied third
        _activity("b", date(2024, 2, 1), projects=5),
        _activity("a", date(2024, 3, 31), projects=4),
        # outside both periods
        _activity("z", date(2023, 12, 31), projects=50),
        _activity("z", date(2024, 7, 1), projects=50),
    )
    return RankingData(date(2023, 10, 1), date(2024, 7, 31), teams, activity)


def test_ranking_orders_by_projects_then_investment_then_leads_then_visits(ranking_data) -> None:
    ranking = compute_ranking(ranking_data, Q2)
    assert ranking.period == Q2
    assert ranking.previous_period == parse_period("2024Q1")
    assert [(row.team, row.rank) for row in ranking.rows] == [
        ("Alpha", 1),
        ("Bravo", 2),
        ("Charlie", 2),  # equal on everything: same rank …
        ("Delta", 4),  # … and rank 3 is skipped; Delta loses to them on planned investment alone
        ("Echo (new)", 5),
        ("Foxtrot", 6),  # effective leads before visits
        ("Golf", 7),
        ("Zulu", 8),  # no activity in the period: listed, last
    ]
    bravo, charlie = ranking.rows[1], ranking.rows[2]
    assert (bravo.projects, bravo.planned_investment, bravo.effective_leads, bravo.visits) == (
        2,
        Decimal("9000.5"),
        1,
        4,
    )
    assert (charlie.projects, charlie.planned_investment, charlie.effective_leads, charlie.visits) == (
        2,
        Decimal("9000.5"),
        1,
        4,
    )
    zulu = ranking.rows[-1]
    assert (zulu.projects, zulu.planned_investment, zulu.effective_leads, zulu.visits) == (0, 0, 0, 0)


def test_rank_change_is_previous_minus_current_and_none_for_a_new_team(ranking_data) -> None:
    rows = {row.team_id: row for row in compute_ranking(ranking_data, Q2).rows}
    assert (rows["a"].previous_rank, rows["a"].change) == (2, 1)  # moved up
    assert (rows["b"].previous_rank, rows["b"].change) == (1, -1)  # moved down
    assert (rows["c"].previous_rank, rows["c"].change) == (3, 1)  # was in the tie for third
    assert (rows["z"].previous_rank, rows["z"].change) == (3, -5)
    assert (rows["g"].previous_rank, rows["g"].change) == (3, -4)  # since unknown: always existed
    assert (rows["e"].previous_rank, rows["e"].change) == (None, None)  # formed during the period
    assert "late" not in rows  # formed after the period: not ranked at all


def test_ranking_needs_data_covering_both_periods(ranking_data) -> None:
    narrow = RankingData(Q2.first, Q2.last, ranking_data.teams, ranking_data.activity)
    with pytest.raises(ValueError, match="2024Q1"):
        compute_ranking(narrow, Q2)


def test_period_names_as_head_office_writes_them() -> None:
    assert period_name(Q2) == "2024年第二季度"
    assert period_name(parse_period("2024-03")) == "2024年3月"
    assert period_name(parse_period("2024")) == "2024年"
    assert period_name(parse_period("2024W12")).startswith("2024年第12周")
    assert period_name(Q2, "en") == "2024 Q2"  # the same phrase as the period report
    assert period_name(parse_period("2024-03"), "en") == "March 2024"


def test_ranking_workbook_has_numbers_units_frozen_header_and_filter(ranking_data, tmp_path) -> None:
    teams = (*ranking_data.teams, TeamInfo("x", "=HYPERLINK(1)", None, None))
    ranking = compute_ranking(
        RankingData(ranking_data.first, ranking_data.last, teams, ranking_data.activity), Q2
    )
    path = tmp_path / "ranking.xlsx"
    write_ranking(ranking, path, now=NOW)
    sheet = _sheet(path)
    assert sheet.title == "小分队排名"
    assert sheet["A1"].value == "2024年第二季度招商小分队排名"
    header = _header(sheet)
    assert header[0] == "排名"
    assert header[4] == "计划投资（万元）"
    assert header[7] == "上期排名（2024年第一季度）"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:J{HEADER_ROW + len(ranking.rows)}"
    assert sheet.page_setup.orientation == "landscape"
    rows = _data(sheet)
    assert len(rows) == len(ranking.rows) == 9
    alpha = rows[0]
    assert alpha[:9] == [1, "Alpha", "端州区", 3, 5000, 0, 1, 2, 1]
    assert alpha[9] == "↑1"
    bravo = rows[1]
    assert bravo[4] == pytest.approx(9000.5) and bravo[8] == -1 and bravo[9] == "↓1"
    echo = next(row for row in rows if row[1] == "Echo (new)")
    assert echo[7] is None and echo[8] is None and echo[9] == "新"
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for column in (0, 3, 4, 5, 6):
            assert isinstance(row[column].value, int | float)
        assert row[4].number_format == "#,##0.00"
        assert row[1].data_type == "s"  # a name that looks like a formula stays text
    assert sheet.cell(HEADER_ROW + 1, 9).number_format.startswith("+")


def test_ranking_workbook_in_english(ranking_data, tmp_path) -> None:
    path = tmp_path / "ranking-en.xlsx"
    write_ranking(compute_ranking(ranking_data, Q2), path, language="en", now=NOW)
    sheet = _sheet(path)
    assert sheet.title == "Team ranking"
    assert "2024 Q2" in sheet["A1"].value
    assert _header(sheet)[4] == "Planned investment (10k yuan)"
    assert sheet["A2"].value.startswith("Generated ")


# --- ranking: from the database -----------------------------------------------------------------------


def test_ranking_loader_counts_live_records_of_the_period(database: Database, store: LedgerStore) -> None:
    east = store.create("teams", {"name": "端州区招商一组", "unit": "端州区"})
    west = store.create("teams", {"name": "四会市招商小分队", "unit": "四会市"})
    quiet = store.create("teams", {"name": "封开县招商组", "unit": "封开县"})
    deleted_team = store.create("teams", {"name": "已撤销小分队"})
    fresh = store.create("teams", {"name": "新成立小分队"})  # created today, no history
    enterprise = store.create("enterprises", {"name": "肇庆某新能源有限公司"})

    def project(team: str, signed: date, amount: str, name: str = "项目") -> str:
        values = {"name": name, "team_id": team, "signed_on": signed, "stage": "signed"}
        return store.create("projects", {**values, "planned_investment": Decimal(amount)})

    def lead(team: str, day: date, effective: bool) -> str:
        values = {"title": "线索", "team_id": team, "discovered_on": day, "status": "new"}
        return store.create("leads", {**values, "effective": effective, "enterprise_id": enterprise})

    def visit(team: str, day: date, kind: str = "enterprise_visit") -> str:
        return store.create("visits", {"visit_date": day, "kind": kind, "team_id": team})

    project(east, date(2024, 4, 2), "12000.25")
    project(east, date(2024, 6, 30), "8000")
    project(west, date(2024, 5, 5), "30000")
    store.set_deleted("projects", [project(west, date(2024, 5, 6), "99999")], True)
    project(deleted_team, date(2024, 5, 6), "50000")
    project(west, date(2024, 3, 1), "100")  # last quarter
    lead(east, date(2024, 4, 3), True)
    lead(east, date(2024, 4, 4), False)  # not effective
    store.set_deleted("leads", [lead(west, date(2024, 4, 4), True)], True)
    visit(east, date(2024, 4, 1), "association_meeting")
    visit(east, date(2024, 4, 1))
    visit(west, date(2024, 7, 1))  # next quarter
    store.set_deleted("visits", [visit(west, date(2024, 5, 1))], True)
    visit(quiet, date(2023, 3, 1))  # only old activity: existed, ranked with zeros
    store.set_deleted("teams", [deleted_team], True)

    data = load_ranking_data(database, date(2024, 1, 1), date(2024, 6, 30))
    assert {t.id for t in data.teams} == {east, west, quiet, fresh}
    assert next(t for t in data.teams if t.id == quiet).since == date(2023, 3, 1)
    ranking = compute_ranking(data, Q2)
    rows = {row.team_id: row for row in ranking.rows}
    assert set(rows) == {east, west, quiet}  # the team formed today did not exist in 2024Q2
    assert (rows[east].rank, rows[east].projects, rows[east].planned_investment) == (
        1,
        2,
        Decimal("20000.25"),
    )
    assert (rows[west].rank, rows[west].projects, rows[west].planned_investment) == (2, 1, Decimal(30000))
    assert (rows[east].effective_leads, rows[east].visits) == (1, 2)
    assert (rows[west].effective_leads, rows[west].visits) == (0, 0)
    assert (rows[quiet].rank, rows[quiet].projects, rows[quiet].visits) == (3, 0, 0)
    # east's record is new and its first activity falls in 2024Q2: it was not ranked in 2024Q1
    assert (rows[west].previous_rank, rows[east].previous_rank, rows[quiet].previous_rank) == (1, None, 2)
    assert (rows[west].change, rows[east].change, rows[quiet].change) == (-1, None, -1)
    assert team_ranking(database, Q2) == ranking


# --- supervision: the pure rules ----------------------------------------------------------------------

TODAY = date(2024, 6, 30)


def _project(project_id: str, stage: str, signed_on: date, **values: Any) -> ProjectRow:
    values.setdefault("team_id", "t-alpha")
    values.setdefault("team", "Alpha")
    return ProjectRow(project_id, f"项目{project_id}", stage, signed_on, **values)


def test_every_stage_gap_is_listed_with_days_since_the_stage_was_reached() -> None:
    projects = [
        _project("signed", "signed", date(2024, 1, 1)),
        _project("land", "land_supplied", date(2023, 1, 1), land_actual=date(2024, 5, 1)),
        _project(
            "started",
            "construction_started",
            date(2023, 1, 1),
            land_actual=date(2023, 3, 1),
            start_actual=date(2024, 6, 1),
        ),
        _project("completed", "completed", date(2022, 1, 1), completion_actual=date(2024, 6, 20)),
        _project("operating", "in_operation", date(2022, 1, 1), operation_actual=date(2024, 6, 29)),
        # the stage's own date missing: the latest earlier actual date, else the signing date
        _project("no-start-date", "construction_started", date(2023, 1, 1), land_actual=date(2024, 2, 1)),
        _project("no-dates", "completed", date(2024, 3, 1)),
    ]
    items = {item.project_id: item for item in compute_supervision(projects, TODAY)}
    expected = {
        "signed": ("signed_no_land", date(2024, 1, 1), 181),
        "land": ("land_not_started", date(2024, 5, 1), 60),
        "started": ("started_not_completed", date(2024, 6, 1), 29),
        "completed": ("completed_not_operating", date(2024, 6, 20), 10),
        "operating": ("operating_not_standard", date(2024, 6, 29), 1),
        "no-start-date": ("started_not_completed", date(2024, 2, 1), 150),
        "no-dates": ("completed_not_operating", date(2024, 3, 1), 121),
    }
    assert {key: (i.gap, i.since, i.days_in_gap) for key, i in items.items()} == expected
    assert all(item.overdue == () and item.max_days_overdue == 0 for item in items.values())


def test_milestones_past_their_plan_are_overdue_unless_reached() -> None:
    projects = [
        _project(
            "late",
            "signed",
            date(2023, 6, 30),
            land_planned=date(2024, 3, 31),
            start_planned=date(2024, 6, 30),  # due today: not yet overdue
            completion_planned=date(2025, 1, 1),
        ),
        _project(
            "two-late",
            "land_supplied",
            date(2023, 1, 1),
            land_planned=date(2023, 3, 1),
            land_actual=date(2023, 6, 1),
            start_planned=date(2024, 1, 1),
            completion_planned=date(2024, 6, 1),
        ),
        # reached by stage though its actual date was never entered: not overdue
        _project("reached", "completed", date(2023, 1, 1), start_planned=date(2023, 6, 1)),
    ]
    items = {item.project_id: item for item in compute_supervision(projects, TODAY)}
    late = items["late"]
    assert [(m.planned_field, m.stage, m.planned, m.days) for m in late.overdue] == [
        ("land_planned", "land_supplied", date(2024, 3, 31), 91)
    ]
    assert late.max_days_overdue == 91 and late.gap == "signed_no_land" and late.days_in_gap == 366
    assert [(m.planned_field, m.days) for m in items["two-late"].overdue] == [
        ("start_planned", 181),
        ("completion_planned", 29),
    ]
    assert items["two-late"].max_days_overdue == 181
    assert items["reached"].overdue == ()


def test_projects_up_to_standard_are_not_listed() -> None:
    done = _project(
        "done",
        "up_to_standard",
        date(2020, 1, 1),
        standard_actual=date(2024, 1, 1),
        operation_planned=date(2023, 1, 1),  # its actual date never entered: reached all the same
    )
    assert compute_supervision([done], TODAY) == []


def test_the_list_as_of_a_past_day_shows_projects_as_they_stood_then() -> None:
    """The reviewer's three projects, as of 2024-06-30 with their later dates already entered."""
    projects = [
        _project("signed-later", "signed", date(2024, 7, 15)),
        _project(
            "land-later",
            "land_supplied",
            date(2024, 1, 1),
            land_planned=date(2024, 3, 1),
            land_actual=date(2024, 8, 1),
        ),
        _project(
            "finished-since",
            "up_to_standard",
            date(2023, 1, 1),
            land_planned=date(2024, 3, 1),
            land_actual=date(2025, 1, 1),
            start_actual=date(2025, 2, 1),
            standard_actual=date(2025, 9, 1),
        ),
    ]
    items = {item.project_id: item for item in compute_supervision(projects, TODAY)}
    assert set(items) == {"land-later", "finished-since"}  # not signed yet on the day: not listed
    land = items["land-later"]
    assert (land.stage, land.gap, land.since, land.days_in_gap) == (
        "signed",
        "signed_no_land",
        date(2024, 1, 1),
        181,
    )
    assert [(m.planned_field, m.days) for m in land.overdue] == [("land_planned", 121)]
    finished = items["finished-since"]
    assert (finished.stage, finished.gap) == ("signed", "signed_no_land")
    assert [(m.planned_field, m.days) for m in finished.overdue] == [("land_planned", 121)]
    # today, after all those dates: the land project waits for its start, the finished one is gone
    later = {item.project_id: item for item in compute_supervision(projects, date(2025, 10, 1))}
    assert set(later) == {"signed-later", "land-later"}
    assert later["land-later"].gap == "land_not_started" and later["land-later"].overdue == ()


def test_items_are_grouped_by_team_and_most_severe_first() -> None:
    def project(
        project_id: str, team: str | None, signed_on: date, land_planned: date | None = None
    ) -> ProjectRow:
        team_id = None if team is None else f"t-{team}"
        return _project(
            project_id, "signed", signed_on, team=team, team_id=team_id, land_planned=land_planned
        )

    projects = [
        project("beta-old", "Beta", date(2022, 1, 1)),
        project("nobody", None, date(2024, 6, 1), land_planned=date(2024, 6, 2)),
        project("alpha-new", "Alpha", date(2024, 6, 1)),
        project("alpha-overdue-a-little", "Alpha", date(2024, 6, 1), land_planned=date(2024, 6, 20)),
        project("alpha-old", "Alpha", date(2020, 1, 1)),
        project("alpha-overdue-a-lot", "Alpha", date(2024, 1, 1), land_planned=date(2024, 2, 1)),
        project("beta-overdue", "Beta", date(2024, 6, 1), land_planned=date(2024, 6, 10)),
    ]
    order = [item.project_id for item in compute_supervision(projects, TODAY)]
    assert order == [
        "alpha-overdue-a-lot",  # overdue first, most days first …
        "alpha-overdue-a-little",
        "alpha-old",  # … then the longest in the gap
        "alpha-new",
        "beta-overdue",
        "beta-old",
        "nobody",  # no responsible team: last
    ]


# --- supervision: from the database and to a workbook ---------------------------------------------------


def test_supervision_from_the_database_skips_deleted_and_finished_projects(
    database: Database, store: LedgerStore, tmp_path: Path
) -> None:
    alpha = store.create("teams", {"name": "端州区招商一组", "unit": "端州区"})
    beta = store.create("teams", {"name": "四会市招商小分队", "unit": "四会市"})
    enterprise = store.create("enterprises", {"name": "肇庆氢能科技有限公司"})

    def project(name: str, team: str | None, **values: Any) -> str:
        values.setdefault("stage", "signed")
        values.setdefault("signed_on", date(2024, 1, 1))
        base = {"name": name, "team_id": team, "enterprise_id": enterprise, "site": "肇庆高新区"}
        return store.create("projects", {**base, "planned_investment": Decimal("15000.5"), **values})

    stuck = project("签约未供地项目", alpha, land_planned=date(2024, 3, 31))
    building = project(
        "在建项目",
        beta,
        stage="construction_started",
        land_actual=date(2024, 2, 1),
        start_actual=date(2024, 4, 1),
    )
    orphan = project("无人负责项目", None, stage="land_supplied", land_actual=date(2024, 6, 1))
    finished = project(
        "已达产项目",
        alpha,
        stage="up_to_standard",
        land_actual=date(2024, 1, 2),
        start_actual=date(2024, 1, 3),
        completion_actual=date(2024, 1, 4),
        operation_actual=date(2024, 1, 5),
        standard_actual=date(2024, 1, 6),
    )
    gone = project("已删除项目", alpha, land_planned=date(2024, 2, 1))
    store.set_deleted("projects", [gone], True)

    loaded = load_supervision_data(database)
    assert {row.id for row in loaded} == {stuck, building, orphan, finished}
    items = supervision_list(database, TODAY)
    assert [item.project_id for item in items] == [building, stuck, orphan]  # by team name, then none
    # as of 2024-01-04 the finished project was completed, not yet in operation
    as_then = {item.project_id: item for item in supervision_list(database, date(2024, 1, 4))}
    assert as_then[finished].stage == "completed" and as_then[finished].gap == "completed_not_operating"
    first = next(item for item in items if item.project_id == stuck)
    assert (first.team, first.enterprise, first.days_in_gap, first.max_days_overdue) == (
        "端州区招商一组",
        "肇庆氢能科技有限公司",
        181,
        91,
    )

    path = tmp_path / "supervision.xlsx"
    write_supervision(items, path, today=TODAY, now=NOW)
    sheet = _sheet(path)
    assert sheet.title == "督办清单"
    assert sheet["A1"].value == "重点项目督办清单（截至2024年6月30日）"
    assert _header(sheet) == [
        "小分队",
        "项目名称",
        "企业",
        "签约日期",
        "项目阶段",
        "督办事项",
        "进入本阶段日期",
        "滞留天数",
        "逾期节点",
        "最长逾期天数",
        "计划投资（万元）",
        "落户地",
    ]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:L{HEADER_ROW + 3}"
    rows = _data(sheet)
    assert [row[0] for row in rows] == ["四会市招商小分队", "端州区招商一组", "无"]
    stuck_row = rows[1]
    assert stuck_row[1:3] == ["签约未供地项目", "肇庆氢能科技有限公司"]
    assert stuck_row[3] == datetime(2024, 1, 1)
    assert stuck_row[4:6] == ["已签约", "已签约未供地"]
    assert stuck_row[6] == datetime(2024, 1, 1)
    assert stuck_row[7] == 181
    assert stuck_row[8] == "供地：计划2024-03-31，逾期91天"
    assert stuck_row[9] == 91
    assert stuck_row[10] == pytest.approx(15000.5)
    assert stuck_row[11] == "肇庆高新区"
    assert rows[0][5] == "已动工未竣工" and rows[0][7] == 90 and rows[0][9] is None
    assert rows[2][5] == "已供地未动工" and rows[2][7] == 29
    assert (
        sheet.cell(HEADER_ROW + 2, 4).is_date and sheet.cell(HEADER_ROW + 2, 11).number_format == "#,##0.00"
    )

    english = tmp_path / "supervision-en.xlsx"
    write_supervision(items, english, "en", today=TODAY, now=NOW)
    sheet = _sheet(english)
    assert (sheet.title, _header(sheet)[5], _data(sheet)[2][0]) == ("Supervision list", "Gap", "No team")
    assert _data(sheet)[1][8] == "Land supply: planned 2024-03-31, 91 days overdue"


def test_a_long_list_of_overdue_milestones_wraps_instead_of_being_cut_off(tmp_path: Path) -> None:
    every_one_late = _project(
        "late",
        "signed",
        date(2020, 1, 1),
        land_planned=date(2020, 6, 1),
        start_planned=date(2021, 1, 1),
        completion_planned=date(2022, 1, 1),
        operation_planned=date(2023, 1, 1),
        standard_planned=date(2024, 6, 29),
    )
    items = compute_supervision([every_one_late], TODAY)
    path = tmp_path / "supervision.xlsx"
    write_supervision(items, path, "en", today=TODAY, now=NOW)
    sheet = _sheet(path)
    cell = sheet.cell(HEADER_ROW + 1, 9)
    assert "Up to standard: planned 2024-06-29, 1 day overdue" in cell.value
    width = sheet.column_dimensions["I"].width
    assert len(cell.value) > width  # too long for one line of the column …
    assert cell.alignment.wrap_text  # … so it wraps, on a row tall enough for every line
    assert sheet.row_dimensions[HEADER_ROW + 1].height >= 15 * -(-len(cell.value) // width)


# --- ledger view export -----------------------------------------------------------------------------------


@pytest.fixture
def projects(store: LedgerStore) -> dict[str, str]:
    team = store.create("teams", {"name": "端州区招商一组", "unit": "端州区"})
    enterprise = store.create("enterprises", {"name": "肇庆储能科技有限公司", "industry": "energy_storage"})
    ids = {}
    for key, amount, manufacturing, signed in (
        ("small", "800.5", True, date(2024, 1, 5)),
        ("large", "120000", False, date(2024, 2, 6)),
        ("none", None, True, date(2024, 3, 7)),
        ("middle", "5000", True, date(2024, 4, 8)),
    ):
        ids[key] = store.create(
            "projects",
            {
                "name": f"关键词{key}项目",
                "team_id": team,
                "enterprise_id": enterprise,
                "industry": "energy_storage",
                "manufacturing": manufacturing,
                "planned_investment": None if amount is None else Decimal(amount),
                "stage": "signed",
                "signed_on": signed,
            },
        )
    ids["formula"] = store.create(
        "projects", {"name": "=1+1 关键词", "stage": "land_supplied", "signed_on": date(2024, 5, 1)}
    )
    ids["other"] = store.create(
        "projects", {"name": "无关项目", "stage": "signed", "signed_on": date(2024, 1, 1)}
    )
    ids["deleted"] = store.create(
        "projects", {"name": "关键词已删除", "stage": "signed", "signed_on": date(2024, 1, 1)}
    )
    store.set_deleted("projects", [ids["deleted"]], True)
    return ids


def test_ledger_view_is_exported_as_shown(database, projects, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ledger_export, "CHUNK", 2)  # several chunks even for a few rows
    query = LedgerQuery(database, "projects")
    ids = query.ids("关键词", "planned_investment", True)
    assert projects["other"] not in ids and projects["deleted"] not in ids
    visible = ["planned_investment", "name", "signed_on", "manufacturing", "stage", "team_id", "industry"]
    path = tmp_path / "projects.xlsx"
    steps: list[tuple[int, int]] = []
    assert (
        export_ledger_view(query, ids, visible, path, now=NOW, progress=lambda *step: steps.append(step)) == 5
    )
    assert len(ids) == 5 and steps == [(2, 5), (4, 5), (5, 5)]
    sheet = _sheet(path)
    assert sheet.title == "签约项目" and sheet["A1"].value == "签约项目"
    assert sheet["A2"].value.startswith("生成时间：")
    assert _header(sheet) == [
        "计划投资（万元）",
        "项目名称",
        "签约日期",
        "是否制造业",
        "项目阶段",
        "工作组",
        "产业类别",
    ]
    rows = _data(sheet)
    by_name = {row[1]: row for row in rows}
    names = query.rows(ids)
    assert [row[1] for row in rows] == [names[i][0] for i in ids]  # the screen's order
    large = by_name["关键词large项目"]
    assert large == [
        120000,
        "关键词large项目",
        datetime(2024, 2, 6),
        "否",
        "已签约",
        "端州区招商一组",
        "新型储能",
    ]
    assert by_name["关键词small项目"][0] == pytest.approx(800.5)
    assert by_name["关键词small项目"][3] == "是"
    assert by_name["关键词none项目"][0] is None
    assert by_name["=1+1 关键词"][4] == "已供地" and by_name["=1+1 关键词"][5] is None
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        assert row[0].value is None or isinstance(row[0].value, int | float)
        assert row[2].is_date and row[2].number_format == "yyyy-mm-dd"
        assert row[1].data_type == "s"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:G{HEADER_ROW + 5}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["B"].width >= 16


def test_ledger_view_in_english_with_title_and_references(database, store, projects, tmp_path) -> None:
    team = store.create("teams", {"name": "四会市招商小分队"})
    store.create("visits", {"visit_date": date(2024, 3, 1), "kind": "promotion_event", "team_id": team})
    query = LedgerQuery(database, "visits")
    ids = query.ids()
    path = tmp_path / "visits.xlsx"
    count = export_ledger_view(query, ids, ["kind", "team_id", "visit_date"], path, "en", "Visits, March")
    assert count == 1
    sheet = _sheet(path)
    assert (sheet.title, sheet["A1"].value) == ("Visits", "Visits, March")
    assert _header(sheet) == ["Kind", "Team", "Date"]
    assert _data(sheet) == [["Promotion event", "四会市招商小分队", datetime(2024, 3, 1)]]

    money = tmp_path / "money-en.xlsx"
    export_ledger_view(
        LedgerQuery(database, "projects"), [projects["large"]], ["planned_investment"], money, "en"
    )
    assert _header(_sheet(money)) == ["Planned investment (10k yuan)"]
    assert export_ledger_view(query, [], ["kind"], tmp_path / "empty.xlsx") == 0
    assert (
        _header(_sheet(tmp_path / "empty.xlsx")) == ["类型"] and _data(_sheet(tmp_path / "empty.xlsx")) == []
    )
    with pytest.raises(ValueError, match="notes"):
        export_ledger_view(query, ids, ["notes"], tmp_path / "bad.xlsx")
    assert not (tmp_path / "bad.xlsx").exists()
    with pytest.raises(ledger_export.ExportCancelled):
        export_ledger_view(query, ids, ["kind"], path, cancelled=lambda: True)
    assert _data(_sheet(path)) == [["Promotion event", "四会市招商小分队", datetime(2024, 3, 1)]]  # untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_an_exported_view_marks_a_reference_to_a_deleted_record_as_the_table_does(
    database, store, tmp_path
) -> None:
    team = store.create("teams", {"name": "四会市招商小分队"})
    visit = store.create(
        "visits", {"visit_date": date(2024, 3, 1), "kind": "promotion_event", "team_id": team}
    )
    store.set_deleted("teams", [team], True)
    query = LedgerQuery(database, "visits")
    for language, shown in (("zh", "四会市招商小分队（已删除）"), ("en", "四会市招商小分队 (deleted)")):
        path = tmp_path / f"visits-{language}.xlsx"
        export_ledger_view(query, [visit], ["team_id", "visit_date"], path, language)
        assert _data(_sheet(path)) == [[shown, datetime(2024, 3, 1)]]


# --- at demo scale --------------------------------------------------------------------------------------


def test_ranking_and_supervision_at_demo_scale(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "demo.db")
    try:
        end = date(2024, 6, 30)
        started = time.perf_counter()
        demo.generate(database, scale=1, start=date(2023, 7, 1), end=end)
        generated = time.perf_counter() - started
        quarter = latest_full(PeriodKind.QUARTER, date(2024, 7, 1))
        assert quarter.label == "2024Q2"

        started = time.perf_counter()
        ranking = team_ranking(database, quarter)
        ranked = time.perf_counter() - started
        write_ranking(ranking, tmp_path / "ranking.xlsx")
        ranking_written = time.perf_counter() - started - ranked

        started = time.perf_counter()
        items = supervision_list(database, date(2024, 7, 1))
        supervised = time.perf_counter() - started
        write_supervision(items, tmp_path / "supervision.xlsx", today=date(2024, 7, 1))
        supervision_written = time.perf_counter() - started - supervised

        with database.engine.connect() as connection:
            signed = connection.execute(
                select(func.count()).where(
                    Project.deleted.is_(False), Project.signed_on.between(quarter.first, quarter.last)
                )
            ).scalar_one()
    finally:
        database.close()
    assert len(ranking.rows) == 50
    assert sum(row.projects for row in ranking.rows) == signed > 100
    assert [row.rank for row in ranking.rows] == sorted(row.rank for row in ranking.rows)
    assert all(row.change is not None for row in ranking.rows)
    assert items and any(item.overdue for item in items)
    print(
        f"\ndemo scale 1 ({generated:.2f} s to generate): ranking {ranked * 1000:.0f} ms "
        f"(+ workbook {ranking_written * 1000:.0f} ms), supervision of {len(items)} projects "
        f"{supervised * 1000:.0f} ms (+ workbook {supervision_written * 1000:.0f} ms)"
    )


def test_a_ranking_of_a_period_not_over_says_to_which_day_and_one_not_begun_is_refused(
    database: Database, tmp_path: Path
) -> None:
    """The command wrote a ranking of 2026-12 on 27 November 2026 (every team first, with zeros) and
    titled November's ranking as if the month were over."""
    ranking = team_ranking(database, parse_period("2026-11"), date(2026, 11, 27))
    assert ranking.period.partial and ranking.period.last == date(2026, 11, 27)
    write_ranking(ranking, tmp_path / "ranking.xlsx")
    assert "2026年11月（截至11月27日）" in str(_sheet(tmp_path / "ranking.xlsx")["A1"].value)
    whole = team_ranking(database, parse_period("2026-10"), date(2026, 11, 27))
    assert not whole.period.partial
    with pytest.raises(ValueError, match="2026-12 has not begun"):
        team_ranking(database, parse_period("2026-12"), date(2026, 11, 27))
