"""The demo generator: seed-like volumes, valid records, scaling, determinism and cancellation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select, text

from models.controlled import PROJECT_STAGES
from models.database import Database
from models.demo import PER_QUARTER, DemoCancelled, DemoCounts, generate
from models.fields import LEDGERS, MILESTONES
from models.normalize import credit_code_problem, normalise_name
from models.schema import LEDGER_MODELS, ChangeEntry, Enterprise, Lead, Project, Team, Trip, Visit
from models.tracking import COUNTER_KEY
from models.validation import validate

YEAR_START = date(2024, 1, 1)
YEAR_END = date(2024, 12, 31)
QUARTERS = (
    (date(2024, 1, 1), date(2024, 3, 31)),
    (date(2024, 4, 1), date(2024, 6, 30)),
    (date(2024, 7, 1), date(2024, 9, 30)),
    (date(2024, 10, 1), date(2024, 12, 31)),
)
ONE_GIGA_YUAN_IN_WAN = Decimal(10000)  # 1亿元


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoCounts]]:
    database = Database.open(tmp_path_factory.mktemp("demo") / "demo.db")
    try:
        counts = generate(database, scale=1, seed=2024, start=YEAR_START, end=YEAR_END)
        yield database, counts
    finally:
        database.close()


def _count(database: Database, model: Any, *conditions: ColumnElement[bool], distinct: Any = None) -> int:
    counted = func.count(func.distinct(distinct)) if distinct is not None else func.count()
    with database.engine.connect() as connection:
        return int(connection.execute(select(counted).select_from(model).where(*conditions)).scalar_one())


def _ledger_rows(database: Database) -> dict[str, int]:
    return {name: _count(database, model) for name, model in LEDGER_MODELS.items()}


def _quarter_figures(database: Database, first: date, last: date) -> dict[str, int]:
    visits_in = (Visit.visit_date >= first, Visit.visit_date <= last)
    signed_in = (Project.signed_on >= first, Project.signed_on <= last)
    manufacturing = (*signed_in, Project.manufacturing.is_(True))
    return {
        "trips": _count(database, Trip, Trip.start_date >= first, Trip.start_date <= last),
        "enterprise_visits": _count(database, Visit, *visits_in, Visit.kind == "enterprise_visit"),
        "enterprises_visited": _count(
            database, Visit, *visits_in, Visit.kind == "enterprise_visit", distinct=Visit.enterprise_id
        ),
        "association_meetings": _count(database, Visit, *visits_in, Visit.kind == "association_meeting"),
        "promotion_events": _count(database, Visit, *visits_in, Visit.kind == "promotion_event"),
        "inbound_inspections": _count(database, Visit, *visits_in, Visit.kind == "inbound_inspection"),
        "effective_leads": _count(
            database, Lead, Lead.discovered_on >= first, Lead.discovered_on <= last, Lead.effective.is_(True)
        ),
        "projects": _count(database, Project, *signed_in),
        "manufacturing": _count(database, Project, *manufacturing),
        "manufacturing_large": _count(
            database, Project, *manufacturing, Project.planned_investment >= ONE_GIGA_YUAN_IN_WAN
        ),
        "manufacturing_huge": _count(
            database, Project, *manufacturing, Project.planned_investment >= 10 * ONE_GIGA_YUAN_IN_WAN
        ),
    }


def _within(value: float, expected: float, tolerance: float) -> bool:
    return expected * (1 - tolerance) <= value <= expected * (1 + tolerance)


# --- 1. volumes like the seed account -------------------------------------------------------------------


def test_quarterly_volumes_match_the_seed_account(year_db: tuple[Database, DemoCounts]) -> None:
    database, counts = year_db
    assert counts.teams == 50
    assert _ledger_rows(database) == {
        "teams": counts.teams,
        "enterprises": counts.enterprises,
        "trips": counts.trips,
        "visits": counts.visits,
        "leads": counts.leads,
        "projects": counts.projects,
    }
    totals = dict.fromkeys(_quarter_figures(database, *QUARTERS[0]), 0)
    for first, last in QUARTERS:
        figures = _quarter_figures(database, first, last)
        label = f"quarter from {first}: {figures}"
        assert _within(figures["trips"], 300, 0.1), label
        assert _within(figures["enterprises_visited"], 500, 0.1), label
        assert figures["enterprise_visits"] > figures["enterprises_visited"], label  # some revisits
        assert _within(figures["enterprise_visits"], 520, 0.1), label
        assert _within(figures["association_meetings"], 64, 0.12), label
        assert _within(figures["promotion_events"], 30, 0.15), label
        assert _within(figures["inbound_inspections"], 40, 0.15), label
        assert _within(figures["effective_leads"], 150, 0.1), label
        assert _within(figures["projects"], 186, 0.1), label
        assert 0.6 <= figures["manufacturing"] / figures["projects"] <= 0.85, label
        assert 0.5 <= figures["manufacturing_large"] / figures["manufacturing"] <= 0.8, label
        for key, value in figures.items():
            totals[key] += value
    assert 0.67 <= totals["manufacturing"] / totals["projects"] <= 0.77, totals
    assert 0.59 <= totals["manufacturing_large"] / totals["manufacturing"] <= 0.71, totals
    assert 8 <= totals["manufacturing_huge"] <= 50, totals  # "7 projects ≥ 10亿" a quarter
    # 53 teams and 243 staff in the seed: about five a team, the leader one of them.
    with database.session() as session:
        teams = session.scalars(select(Team)).all()
        staff = {
            name
            for (participants,) in session.execute(select(Trip.participants))
            for name in (participants or "").split("、")
        }
    assert len({team.name for team in teams}) == len(teams)
    assert {team.unit for team in teams} >= {"端州区", "肇庆高新区", "广东(肇庆)大型产业集聚区"}
    assert 200 <= len(staff) <= 243


def test_planned_investment_is_like_the_seed(year_db: tuple[Database, DemoCounts]) -> None:
    database, _ = year_db
    with database.engine.connect() as connection:
        sums = connection.execute(
            select(
                func.sum(Project.planned_investment),
                func.sum(Project.planned_investment).filter(Project.manufacturing.is_(True)),
                func.sum(Project.planned_investment).filter(
                    Project.manufacturing.is_(True), Project.planned_investment >= ONE_GIGA_YUAN_IN_WAN
                ),
                func.sum(Project.planned_investment).filter(
                    Project.manufacturing.is_(True),
                    Project.industry.in_(("nev_auto", "energy_storage", "electronic_info")),
                ),
            )
        ).one()
    total, manufacturing_total, large_total, priority_total = (Decimal(value or 0) for value in sums)
    per_quarter_yi = total / 4 / ONE_GIGA_YUAN_IN_WAN  # sums come back in 万元, like the column
    assert 250 <= per_quarter_yi <= 450  # seed: 333.5亿元 a quarter
    assert large_total / manufacturing_total > 0.85  # seed: over 94%
    assert 0.3 <= priority_total / manufacturing_total <= 0.6  # seed: 41.2%


# --- 2. every record is valid --------------------------------------------------------------------------


def test_every_record_validates_and_is_consistent(year_db: tuple[Database, DemoCounts]) -> None:
    database, _ = year_db
    overdue = 0
    with database.session() as session:
        for name, model in LEDGER_MODELS.items():
            ledger = LEDGERS[name]
            for record in session.scalars(select(model)):
                values = {f.name: getattr(record, f.name) for f in ledger.fields}
                assert validate(name, values) == [], (name, values)
                assert record.updated_by == "demo" and record.deleted is False
                assert record.updated_at >= record.created_at
        for enterprise in session.scalars(select(Enterprise)):
            assert enterprise.name_key == normalise_name(enterprise.name)
            if enterprise.credit_code is not None:
                assert credit_code_problem(enterprise.credit_code) is None, enterprise.credit_code
        for visit in session.scalars(select(Visit)):
            if visit.next_action_date is not None:
                assert visit.next_action_date >= visit.visit_date
            assert visit.visit_date <= YEAR_END
        trips = {trip.id: trip for trip in session.scalars(select(Trip))}
        for visit in session.scalars(select(Visit).where(Visit.trip_id.is_not(None))):
            trip = trips[str(visit.trip_id)]
            assert visit.team_id == trip.team_id
            assert trip.end_date is not None and trip.start_date <= visit.visit_date <= trip.end_date
        leads = {lead.id: lead for lead in session.scalars(select(Lead))}
        for lead in leads.values():
            assert lead.enterprise_id is not None
            if lead.next_follow_up is not None:
                assert lead.next_follow_up >= lead.discovered_on
        for project in session.scalars(select(Project)):
            reached = PROJECT_STAGES.index(project.stage)
            for index, (_, planned, actual) in enumerate(MILESTONES):
                assert getattr(project, planned) is not None
                actual_date = getattr(project, actual)
                assert (actual_date is not None) == (index < reached), project.name
                assert actual_date is None or actual_date <= YEAR_END
            if reached < len(MILESTONES):
                _, planned, _ = MILESTONES[reached]
                overdue += getattr(project, planned) < YEAR_END
            if project.lead_id is not None:
                lead = leads[project.lead_id]
                assert lead.status == "signed" and lead.effective
                assert (lead.enterprise_id, lead.industry, lead.team_id) == (
                    project.enterprise_id,
                    project.industry,
                    project.team_id,
                )
                assert lead.planned_investment == project.planned_investment
                assert lead.discovered_on <= project.signed_on
            assert (project.actual_investment is None) == (project.stage == "signed")
    assert overdue > 20  # the supervision list has content
    assert {lead.status for lead in leads.values()} == {
        "new",
        "following",
        "negotiating",
        "signed",
        "lost",
        "on_hold",
    }
    # Once leads have had time to mature (the second half of the year), most projects come from a lead.
    later = (Project.signed_on >= date(2024, 7, 1),)
    assert (
        _count(database, Project, *later, Project.lead_id.is_not(None))
        > _count(database, Project, *later) / 2
    )
    enterprise_visits = _count(database, Visit, Visit.kind == "enterprise_visit")
    on_trips = _count(database, Visit, Visit.kind == "enterprise_visit", Visit.trip_id.is_not(None))
    assert on_trips > 0.75 * enterprise_visits
    with database.engine.connect() as connection:
        orphans = connection.execute(
            text(
                "SELECT count(*) FROM leads l WHERE NOT EXISTS (SELECT 1 FROM visits v"
                " WHERE v.enterprise_id = l.enterprise_id AND v.visit_date <= l.discovered_on)"
            )
        ).scalar_one()
        with_code = connection.execute(select(func.count(Enterprise.credit_code))).scalar_one()
    assert orphans == 0  # every lead comes from a visited enterprise
    assert 0.7 <= with_code / _count(database, Enterprise) <= 0.9


def test_bookkeeping_of_a_run(year_db: tuple[Database, DemoCounts]) -> None:
    database, _ = year_db
    assert database.state(COUNTER_KEY) == "1"
    for model in LEDGER_MODELS.values():
        assert _count(database, model, model.row_version != 1) == 0
    assert _count(database, ChangeEntry) == 0


# --- 3. scale -----------------------------------------------------------------------------------------


def test_scale_two_roughly_doubles(tmp_path: Path, year_db: tuple[Database, DemoCounts]) -> None:
    one, _ = year_db
    first, last = YEAR_START, date(2024, 6, 30)
    database = Database.open(tmp_path / "demo.db")
    try:
        counts = generate(database, scale=2, seed=7, start=first, end=last)
        assert counts.teams == 100
        single = _quarter_figures(one, first, last)
        double = _quarter_figures(database, first, last)
        for key in ("trips", "enterprises_visited", "association_meetings", "effective_leads", "projects"):
            assert 1.8 <= double[key] / single[key] <= 2.2, (key, single[key], double[key])
    finally:
        database.close()


def test_a_fraction_of_a_quarter_and_a_small_scale(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "demo.db")
    try:
        counts = generate(database, scale=0.1, start=date(2024, 3, 1), end=date(2024, 3, 31))
        assert counts.teams == 5
        expected_trips = PER_QUARTER["trips"] * 0.1 * 31 / 91
        assert _within(counts.trips, expected_trips, 0.35)
        assert counts.projects > 0 and counts.leads > 0
        assert _count(database, Visit, Visit.visit_date < date(2024, 3, 1)) == 0
    finally:
        database.close()


# --- 4. determinism, repeated runs, cancellation ------------------------------------------------------


def _content(database: Database) -> list[tuple[Any, ...]]:
    with database.engine.connect() as connection:
        return [
            *connection.execute(select(Team.name, Team.unit, Team.leader).order_by(Team.name)),
            *connection.execute(
                select(Enterprise.name, Enterprise.credit_code, Enterprise.industry).order_by(Enterprise.name)
            ),
            *connection.execute(
                select(Trip.start_date, Trip.destination_city, Trip.participants).order_by(Trip.id)
            ),
            *connection.execute(
                select(Project.name, Project.signed_on, Project.planned_investment, Project.stage).order_by(
                    Project.name, Project.signed_on
                )
            ),
        ]


def test_same_seed_same_content(tmp_path: Path) -> None:
    window: dict[str, Any] = {"scale": 0.3, "start": date(2024, 1, 1), "end": date(2024, 2, 29)}
    contents = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        database = Database.open(tmp_path / f"{name}.db")
        try:
            generate(database, seed=seed, **window)
            contents.append(sorted(_content(database), key=repr))
        finally:
            database.close()
    assert contents[0] == contents[1]
    assert contents[0] != contents[2]


def test_a_second_run_adds_without_duplicates(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "demo.db")
    try:
        window: dict[str, Any] = {"scale": 0.3, "start": date(2024, 1, 1), "end": date(2024, 3, 31)}
        first = generate(database, **window)
        second = generate(database, **window)
        assert _count(database, Enterprise) == first.enterprises + second.enterprises
        assert _count(database, Team, distinct=Team.name) == first.teams + second.teams
        assert _count(database, Enterprise, distinct=Enterprise.name_key) == _count(database, Enterprise)
        codes = _count(database, Enterprise, Enterprise.credit_code.is_not(None))
        assert _count(database, Enterprise, distinct=Enterprise.credit_code) == codes
        assert database.state(COUNTER_KEY) == "2"
        assert _count(database, Project, Project.row_version == 2) == second.projects
    finally:
        database.close()


@pytest.mark.parametrize("during", ["generation", "writing"])
def test_cancelling_writes_nothing(tmp_path: Path, during: str) -> None:
    database = Database.open(tmp_path / "demo.db")
    try:
        reports: list[tuple[int, int]] = []

        def cancelled() -> bool:
            done = reports[-1][0] if reports else 0
            return done >= (60 if during == "writing" else 10)

        with pytest.raises(DemoCancelled):
            generate(
                database,
                scale=0.5,
                start=date(2024, 1, 1),
                end=date(2024, 6, 30),
                progress=lambda done, total: reports.append((done, total)),
                cancelled=cancelled,
            )
        assert max(done for done, _ in reports) >= (60 if during == "writing" else 10)
        assert sum(_ledger_rows(database).values()) == 0
        assert database.state(COUNTER_KEY) == "0"
        # The database is still usable afterwards.
        counts = generate(database, scale=0.1, start=date(2024, 1, 1), end=date(2024, 1, 31))
        assert sum(_ledger_rows(database).values()) == counts.total
    finally:
        database.close()


def test_progress_and_arguments(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "demo.db")
    try:
        reports: list[tuple[int, int]] = []
        generate(
            database,
            scale=0.1,
            start=date(2024, 1, 1),
            end=date(2024, 1, 1) + timedelta(days=40),
            progress=lambda done, total: reports.append((done, total)),
        )
        assert reports[0] == (0, 100) and reports[-1] == (100, 100)
        assert [done for done, _ in reports] == sorted(done for done, _ in reports)
        with pytest.raises(ValueError):
            generate(database, scale=0)
        with pytest.raises(ValueError):
            generate(database, start=date(2024, 2, 1), end=date(2024, 1, 1))
    finally:
        database.close()
