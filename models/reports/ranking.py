"""Team ranking for the bureau's weekly update, monthly announcement and quarterly report.

Teams are ranked on four indicators of the period, in this order of precedence:

1. projects signed (count),
2. planned investment of those projects (万元),
3. effective leads discovered,
4. visits of every kind (enterprise visits, association meetings, promotion events, inspections).

A team is ahead of another when it has more of the first indicator on which they differ. Teams equal on
all four share a rank and the ranks after them are skipped (standard competition ranking: 1, 2, 2, 4).
Every team is listed, teams with no activity included; teams formed after the period are not. The
change is the previous period's rank minus this one (positive: moved up); None when the team was not
ranked then (it was formed later).

:func:`compute_ranking` is pure over plain rows (:class:`RankingData`); :func:`load_ranking_data` reads
them from the database (deleted records never count) and :func:`write_ranking` writes the workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import Connection, Date, func, select, union_all

from models.database import Database
from models.reports import xlsx_style
from models.reports.ledger_export import cell_text, keep_text_as_text, save_atomically, sheet_title
from models.reports.periods import Period, period_phrase
from models.schema import Lead, Project, Team, Trip, Visit
from models.types import utcnow

CHANGE_FORMAT = "+#,##0;-#,##0;0"


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str
    unit: str | None = None
    since: date | None = None  # when the team first existed (None: always); later teams are not ranked


@dataclass(frozen=True)
class Activity:
    """What one team did on one day (rows for the same team and day add up)."""

    team_id: str
    day: date
    projects: int = 0
    planned_investment: Decimal = Decimal(0)  # 万元, of the projects signed
    effective_leads: int = 0
    visits: int = 0


@dataclass(frozen=True)
class RankingData:
    """Plain rows for a ranking: the live teams and their activity from ``first`` to ``last``."""

    first: date
    last: date
    teams: tuple[TeamInfo, ...]
    activity: tuple[Activity, ...]


@dataclass(frozen=True)
class RankingRow:
    rank: int
    team_id: str
    team: str
    unit: str | None
    projects: int
    planned_investment: Decimal  # 万元
    effective_leads: int
    visits: int
    previous_rank: int | None
    change: int | None  # previous_rank - rank: positive = moved up


@dataclass(frozen=True)
class Ranking:
    period: Period
    previous_period: Period
    rows: tuple[RankingRow, ...]


@dataclass(frozen=True)
class _Totals:
    projects: int = 0
    planned_investment: Decimal = Decimal(0)
    effective_leads: int = 0
    visits: int = 0

    def add(self, activity: Activity) -> _Totals:
        return _Totals(
            self.projects + activity.projects,
            self.planned_investment + activity.planned_investment,
            self.effective_leads + activity.effective_leads,
            self.visits + activity.visits,
        )

    def key(self) -> tuple[int, Decimal, int, int]:
        """Larger is better, compared indicator by indicator in the order of precedence."""
        return (self.projects, self.planned_investment, self.effective_leads, self.visits)


# --- pure core ----------------------------------------------------------------------------------------


def _existing(teams: Iterable[TeamInfo], period: Period) -> list[TeamInfo]:
    return [team for team in teams if team.since is None or team.since <= period.last]


def _totals(data: RankingData, period: Period) -> dict[str, _Totals]:
    totals: dict[str, _Totals] = {}
    for activity in data.activity:
        if period.contains(activity.day):
            totals[activity.team_id] = totals.get(activity.team_id, _Totals()).add(activity)
    return totals


def _competition_ranks(keys: dict[str, tuple[int, Decimal, int, int]]) -> dict[str, int]:
    """Standard competition ranking ("1, 2, 2, 4") of team ids by key, larger keys first."""
    ordered = sorted(keys.values(), reverse=True)
    first_position: dict[tuple[int, Decimal, int, int], int] = {}
    for position, key in enumerate(ordered, start=1):
        first_position.setdefault(key, position)
    return {team_id: first_position[key] for team_id, key in keys.items()}


def compute_ranking(data: RankingData, period: Period) -> Ranking:
    """Rank the teams on ``period`` and compare with ``period.previous()``.

    ``data`` must cover both periods (``data.first <= period.previous().first``, ``data.last >=
    period.last``); activity of teams not in ``data.teams`` (deleted teams) is ignored.
    """
    previous = period.previous()
    if data.first > previous.first or data.last < period.last:
        raise ValueError(
            f"ranking data covers {data.first}–{data.last}, "
            f"not {previous.first}–{period.last} ({previous.label} and {period.label})"
        )
    current_totals = _totals(data, period)
    previous_totals = _totals(data, previous)
    teams = _existing(data.teams, period)
    current_keys = {t.id: current_totals.get(t.id, _Totals()).key() for t in teams}
    previous_keys = {t.id: previous_totals.get(t.id, _Totals()).key() for t in _existing(teams, previous)}
    ranks = _competition_ranks(current_keys)
    previous_ranks = _competition_ranks(previous_keys)
    rows = []
    for team in teams:
        totals = current_totals.get(team.id, _Totals())
        rank = ranks[team.id]
        previous_rank = previous_ranks.get(team.id)
        rows.append(
            RankingRow(
                rank=rank,
                team_id=team.id,
                team=team.name,
                unit=team.unit,
                projects=totals.projects,
                planned_investment=totals.planned_investment,
                effective_leads=totals.effective_leads,
                visits=totals.visits,
                previous_rank=previous_rank,
                change=None if previous_rank is None else previous_rank - rank,
            )
        )
    rows.sort(key=lambda row: (row.rank, row.team, row.team_id))
    return Ranking(period, previous, tuple(rows))


# --- database -----------------------------------------------------------------------------------------


def _local_date(stamp: datetime | None) -> date | None:
    return None if stamp is None else stamp.astimezone().date()


def _team_infos(connection: Connection) -> tuple[TeamInfo, ...]:
    # A team existed from its record's creation or its first recorded activity, whichever is earlier:
    # teams brought in by a sync are created "today" but may have years of history.
    firsts = union_all(
        select(Trip.team_id.label("team_id"), func.min(Trip.start_date).label("day"))
        .where(Trip.deleted.is_(False))
        .group_by(Trip.team_id),
        select(Visit.team_id, func.min(Visit.visit_date))
        .where(Visit.deleted.is_(False))
        .group_by(Visit.team_id),
        select(Lead.team_id, func.min(Lead.discovered_on))
        .where(Lead.deleted.is_(False))
        .group_by(Lead.team_id),
        select(Project.team_id, func.min(Project.signed_on))
        .where(Project.deleted.is_(False), Project.team_id.is_not(None))
        .group_by(Project.team_id),
    ).subquery()
    first_activity: dict[str, date] = {}
    first_day = func.min(firsts.c.day, type_=Date)
    for team_id, day in connection.execute(select(firsts.c.team_id, first_day).group_by(firsts.c.team_id)):
        if team_id is not None and day is not None:
            first_activity[team_id] = day
    teams = []
    statement = select(Team.id, Team.name, Team.unit, Team.created_at).where(Team.deleted.is_(False))
    for team_id, name, unit, created_at in connection.execute(statement):
        candidates = [d for d in (_local_date(created_at), first_activity.get(team_id)) if d is not None]
        teams.append(TeamInfo(team_id, name or "", unit, min(candidates) if candidates else None))
    return tuple(teams)


def load_ranking_data(database: Database, first: date, last: date) -> RankingData:
    """Live teams and their live projects, effective leads and visits from ``first`` to ``last``."""
    signed = (
        select(Project.team_id, Project.signed_on, func.count(), func.sum(Project.planned_investment))
        .where(
            Project.deleted.is_(False),
            Project.team_id.is_not(None),
            Project.signed_on.between(first, last),
        )
        .group_by(Project.team_id, Project.signed_on)
    )
    leads = (
        select(Lead.team_id, Lead.discovered_on, func.count())
        .where(Lead.deleted.is_(False), Lead.effective.is_(True), Lead.discovered_on.between(first, last))
        .group_by(Lead.team_id, Lead.discovered_on)
    )
    visits = (
        select(Visit.team_id, Visit.visit_date, func.count())
        .where(Visit.deleted.is_(False), Visit.visit_date.between(first, last))
        .group_by(Visit.team_id, Visit.visit_date)
    )
    activity: list[Activity] = []
    with database.engine.connect() as connection:
        teams = _team_infos(connection)
        for team_id, day, count, amount in connection.execute(signed):
            if team_id is None:  # filtered in SQL already; narrows the type
                continue
            activity.append(Activity(team_id, day, projects=count, planned_investment=amount or Decimal(0)))
        for team_id, day, count in connection.execute(leads):
            activity.append(Activity(team_id, day, effective_leads=count))
        for team_id, day, count in connection.execute(visits):
            activity.append(Activity(team_id, day, visits=count))
    return RankingData(first, last, teams, tuple(activity))


def team_ranking(database: Database, period: Period, today: date | None = None) -> Ranking:
    """Load what ``period`` and the one before it need, and rank. With ``today``, a period not yet over
    is ranked up to it (and says so), and one not begun is refused with ValueError."""
    if today is not None:
        period = period.up_to(today)
    return compute_ranking(load_ranking_data(database, period.previous().first, period.last), period)


# --- workbook -----------------------------------------------------------------------------------------


period_name = period_phrase  # kept for callers of the ranking module


def _trend(row: RankingRow, zh: bool) -> str:
    if row.change is None:
        return "新" if zh else "new"
    if row.change > 0:
        return f"↑{row.change}"
    if row.change < 0:
        return f"↓{-row.change}"
    return "—"


def write_ranking(ranking: Ranking, path: Path, language: str = "zh", now: datetime | None = None) -> None:
    """One sheet, one row per team in rank order; counts, amounts (万元) and rank changes are numbers."""
    zh = language.startswith("zh")
    previous = period_name(ranking.previous_period, language)
    if zh:
        title = f"{period_name(ranking.period, language)}招商小分队排名"
        sheet_name = "小分队排名"
        headers = [
            "排名",
            "小分队",
            "单位",
            "签约项目（个）",
            "计划投资（万元）",
            "有效线索（条）",
            "走访活动（次）",
            f"上期排名（{previous}）",
            "名次变化",
            "升降",
        ]
    else:
        title = f"Investment promotion team ranking, {period_name(ranking.period, language)}"
        sheet_name = "Team ranking"
        headers = [
            "Rank",
            "Team",
            "Unit",
            "Projects signed",
            "Planned investment (10k yuan)",
            "Effective leads",
            "Visits",
            f"Previous rank ({previous})",
            "Rank change",
            "Trend",
        ]
    rows: list[list[Any]] = [
        [
            row.rank,
            cell_text(row.team),
            cell_text(row.unit) if row.unit else None,
            row.projects,
            float(row.planned_investment),
            row.effective_leads,
            row.visits,
            row.previous_rank,
            row.change,
            _trend(row, zh),
        ]
        for row in ranking.rows
    ]
    count = xlsx_style.COUNT_FORMAT
    formats = [count, None, None, count, xlsx_style.WAN_FORMAT, count, count, count, CHANGE_FORMAT, None]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(sheet_name)
    note = xlsx_style.generated_note(now or utcnow(), language)
    header_row, last_row = xlsx_style.write_table(sheet, cell_text(title), note, headers, rows, formats)
    keep_text_as_text(sheet, header_row + 1, last_row)
    save_atomically(workbook, path)


__all__ = [
    "CHANGE_FORMAT",
    "Activity",
    "Ranking",
    "RankingData",
    "RankingRow",
    "TeamInfo",
    "compute_ranking",
    "load_ranking_data",
    "period_name",
    "team_ranking",
    "write_ranking",
]
