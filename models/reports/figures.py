"""The figures of the period report, as the bureau reports them each week, month, quarter and year.

Loading and arithmetic are separate: :func:`load_report_data` reads the few columns that matter into
plain rows (:class:`ReportData`), and :func:`compute_period_report` is pure arithmetic over those rows,
so it can be tested with hand-written rows and reused by the dashboard.

Definitions (amounts in 万元; a day belongs to a period iff ``first <= day <= last``; soft-deleted
records never count):

Outreach
    ``trips``: trips starting in the period. ``enterprises_visited``: distinct enterprises with an
    enterprise visit or an inbound inspection in the period (visits not tied to an enterprise record
    cannot be told apart and are not counted). ``association_meetings``, ``promotion_events``: visits
    of that kind in the period. ``effective_leads``: leads discovered in the period marked effective.
Projects introduced (signed in the period)
    ``projects_signed`` and ``planned_investment``; ``manufacturing_projects`` and
    ``manufacturing_investment``. As in the bureau's own account ("projects over 100 million yuan
    account for 65% of manufacturing projects … with planned investment accounting for over 94%"),
    the size classes are of *manufacturing* projects: ``projects_over_100m`` (planned ≥ 10,000 万元)
    and ``projects_over_1b`` (≥ 100,000 万元), with ``…_share`` their share of manufacturing planned
    investment. ``priority_investment`` is the planned investment of manufacturing projects in the
    "two new, one electric" industries (``priority`` in the industry list), ``priority_share`` its
    share of manufacturing planned investment.
Stage movements
    ``land_supplied``, ``construction_started``, ``completed``, ``in_operation``: projects whose actual
    date of that milestone falls in the period.
Actual investment
    The ledger keeps one figure per project, its actual investment *to date*, not investment per
    period. ``actual_investment`` is the sum of that figure over the projects being implemented in
    the period, each once: those reaching any milestone (land supplied, construction started,
    completed, in operation, up to standard) in it, and those under construction through it (started
    before its end, not completed before its start). A project only signed in the period is not being
    implemented yet and is left out. For a past period the sum is what those projects have invested
    by now, not by the period's end, so it has no year-on-year change: one would compare investment
    to date with investment to date, and mislead.

Shares are ratios 0..1 (0 when there is nothing to share). Every figure is also computed for the same
period a year earlier; ``change`` is the relative change, None when last year's value is zero; a
share's ``change_points`` is the difference of the two ratios, None when either period had nothing
to share (no manufacturing investment).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from models import controlled
from models.database import Database
from models.reports.periods import Period
from models.schema import Enterprise, Lead, Project, Trip, Visit, table_of

ZERO = Decimal(0)
ONE_YI = Decimal(10_000)  # 1亿元 in 万元
TEN_YI = Decimal(100_000)  # 10亿元 in 万元
CONTACT_KINDS = frozenset({"enterprise_visit", "inbound_inspection"})
"""Visit kinds that count as visiting an enterprise (we go to them, or they come to us)."""

NOT_RECORDED = ("Not recorded", "未填写")


# --- plain rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TripRow:
    start_date: date


@dataclass(frozen=True, slots=True)
class VisitRow:
    visit_date: date
    kind: str
    enterprise_id: str | None = None


@dataclass(frozen=True, slots=True)
class LeadRow:
    discovered_on: date
    effective: bool


@dataclass(frozen=True, slots=True)
class ProjectRow:
    signed_on: date
    manufacturing: bool
    planned_investment: Decimal | None
    actual_investment: Decimal | None = None
    industry: str | None = None
    home_region: str | None = None  # of the project's enterprise
    land_actual: date | None = None
    start_actual: date | None = None
    completion_actual: date | None = None
    operation_actual: date | None = None
    standard_actual: date | None = None

    @property
    def planned(self) -> Decimal:
        return self.planned_investment or ZERO

    def under_way_in(self, period: Period) -> bool:
        """Reached a milestone (after signing) in the period, or under construction through it."""
        milestones = (
            self.land_actual,
            self.start_actual,
            self.completion_actual,
            self.operation_actual,
            self.standard_actual,
        )
        if any(period.contains(day) for day in milestones):
            return True
        started = self.start_actual is not None and self.start_actual <= period.last
        return started and (self.completion_actual is None or self.completion_actual >= period.first)


@dataclass(frozen=True)
class ReportData:
    """The rows a period report is computed from.

    ``covers`` lists the date ranges the rows were loaded for (None: everything there is, as for
    hand-built data); computing a report for a period outside them is refused rather than undercounted.
    """

    trips: tuple[TripRow, ...] = ()
    visits: tuple[VisitRow, ...] = ()
    leads: tuple[LeadRow, ...] = ()
    projects: tuple[ProjectRow, ...] = ()
    covers: tuple[tuple[date, date], ...] | None = None

    def covers_period(self, period: Period) -> bool:
        if self.covers is None:
            return True
        return any(first <= period.first and period.last <= last for first, last in self.covers)


# --- loading -------------------------------------------------------------------------------------------


def load_report_data(database: Database, first: date, last: date) -> ReportData:
    """Rows dated ``first``..``last`` (projects: signed or reaching a milestone in it), deleted skipped.

    To report on a period, the range must cover it and the same period a year earlier, e.g.
    ``load_report_data(db, period.year_earlier().first, period.last)``; :func:`load_period_data` loads
    just those two periods.
    """
    if first > last:
        raise ValueError(f"the range {first}..{last} is empty")
    return _load(database, ((first, last),))


def load_period_data(database: Database, period: Period) -> ReportData:
    """Rows for ``period`` and the same period a year earlier."""
    earlier = period.year_earlier()
    return _load(database, ((earlier.first, earlier.last), (period.first, period.last)))


def period_report(database: Database, period: Period, today: date | None = None) -> PeriodReport:
    """Load and compute in one step; with ``today``, a period not yet over is reported up to it and
    compared with the same days a year earlier (a period not begun is refused with ValueError)."""
    if today is not None:
        period = period.up_to(today)
    return compute_period_report(load_period_data(database, period), period)


def _in_ranges(column: Any, ranges: Sequence[tuple[date, date]]) -> ColumnElement[bool]:
    return or_(*(column.between(first, last) for first, last in ranges))


def _under_construction(projects: Any, first: date, last: date) -> ColumnElement[bool]:
    return and_(
        projects.c.start_actual <= last,
        or_(projects.c.completion_actual.is_(None), projects.c.completion_actual >= first),
    )


def _load(database: Database, ranges: Sequence[tuple[date, date]]) -> ReportData:
    trips, visits, leads = table_of(Trip), table_of(Visit), table_of(Lead)
    projects, enterprises = table_of(Project), table_of(Enterprise)
    milestones = (
        projects.c.land_actual,
        projects.c.start_actual,
        projects.c.completion_actual,
        projects.c.operation_actual,
        projects.c.standard_actual,
    )
    project_query = (
        select(
            projects.c.signed_on,
            projects.c.manufacturing,
            projects.c.planned_investment,
            projects.c.actual_investment,
            projects.c.industry,
            enterprises.c.home_region,
            *milestones,
        )
        .select_from(projects.outerjoin(enterprises, enterprises.c.id == projects.c.enterprise_id))
        .where(
            projects.c.deleted.is_(False),
            or_(
                *(_in_ranges(column, ranges) for column in (projects.c.signed_on, *milestones)),
                *(_under_construction(projects, first, last) for first, last in ranges),
            ),
        )
    )
    with database.engine.connect() as connection:
        trip_rows = tuple(
            TripRow(row[0])
            for row in connection.execute(
                select(trips.c.start_date).where(
                    trips.c.deleted.is_(False), _in_ranges(trips.c.start_date, ranges)
                )
            )
        )
        visit_rows = tuple(
            VisitRow(row[0], row[1], row[2])
            for row in connection.execute(
                select(visits.c.visit_date, visits.c.kind, visits.c.enterprise_id).where(
                    visits.c.deleted.is_(False), _in_ranges(visits.c.visit_date, ranges)
                )
            )
        )
        lead_rows = tuple(
            LeadRow(row[0], bool(row[1]))
            for row in connection.execute(
                select(leads.c.discovered_on, leads.c.effective).where(
                    leads.c.deleted.is_(False), _in_ranges(leads.c.discovered_on, ranges)
                )
            )
        )
        project_rows = tuple(
            ProjectRow(
                signed_on=row[0],
                manufacturing=bool(row[1]),
                planned_investment=row[2],
                actual_investment=row[3],
                industry=row[4],
                home_region=row[5],
                land_actual=row[6],
                start_actual=row[7],
                completion_actual=row[8],
                operation_actual=row[9],
                standard_actual=row[10],
            )
            for row in connection.execute(project_query)
        )
    return ReportData(trip_rows, visit_rows, lead_rows, project_rows, covers=tuple(ranges))


# --- the report ----------------------------------------------------------------------------------------

Number = Decimal | int


@dataclass(frozen=True)
class Figure:
    key: str
    label_en: str
    label_zh: str
    unit: str  # "" / "个" / "万元" / "亿元" / "%" (a ratio 0..1)
    value: Number
    previous: Number  # the same period a year earlier
    change: Decimal | None  # (value - previous) / previous; None when previous is zero
    change_points: Decimal | None = None  # a share's value - previous (0.05 = 5 percentage points)

    def label(self, language: str = "en") -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def is_share(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class BreakdownRow:
    """Projects signed in the period with one industry (or source region), and a year earlier."""

    code: str  # "" when not recorded
    label_en: str
    label_zh: str
    count: int
    planned: Decimal  # 万元
    share_of_planned: Decimal  # of all projects signed in the period, 0..1
    previous_count: int
    previous_planned: Decimal

    def label(self, language: str = "en") -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def change(self) -> Decimal | None:
        """Year-on-year change of planned investment; None when there was none a year earlier."""
        return _change(self.planned, self.previous_planned)


@dataclass(frozen=True)
class MonthRow:
    """One calendar month of the period (only its days inside the period)."""

    year: int
    month: int
    projects_signed: int
    planned: Decimal  # planned investment of those projects, 万元
    visits: int  # every visit record: enterprise visits, meetings, events, inspections
    effective_leads: int


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    earlier: Period
    figures: tuple[Figure, ...]
    by_industry: tuple[BreakdownRow, ...]
    by_region: tuple[BreakdownRow, ...]
    monthly: tuple[MonthRow, ...]

    def figure(self, key: str) -> Figure:
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(f"no figure {key!r}; the figures are {', '.join(FIGURE_KEYS)}")


@dataclass(frozen=True)
class _Spec:
    key: str
    label_en: str
    label_zh: str
    unit: str


_SPECS: tuple[_Spec, ...] = (
    _Spec("trips", "Trips out for investment promotion", "外出招商", ""),
    _Spec("enterprises_visited", "Enterprises visited", "走访企业", "个"),
    _Spec("association_meetings", "Business association meetings", "商（协）会活动", ""),
    _Spec("promotion_events", "Investment promotion events", "招商推介活动", ""),
    _Spec("effective_leads", "Effective investment leads", "有效招商线索", "个"),
    _Spec("projects_signed", "New projects introduced", "新引进项目", "个"),
    _Spec("planned_investment", "Planned investment of new projects", "新引进项目计划投资", "万元"),
    _Spec("manufacturing_projects", "of which manufacturing projects", "其中：制造业项目", "个"),
    _Spec(
        "manufacturing_investment",
        "Planned investment of manufacturing projects",
        "制造业项目计划投资",
        "万元",
    ),
    _Spec(
        "projects_over_100m",
        "Manufacturing projects of 100 million yuan or more",
        "亿元以上制造业项目",
        "个",
    ),
    _Spec(
        "projects_over_100m_share",
        "Share of manufacturing investment in projects of 100 million yuan or more",
        "亿元以上项目计划投资占制造业比重",
        "%",
    ),
    _Spec(
        "projects_over_1b",
        "Manufacturing projects of 1 billion yuan or more",
        "10亿元以上制造业项目",
        "个",
    ),
    _Spec(
        "projects_over_1b_share",
        "Share of manufacturing investment in projects of 1 billion yuan or more",
        "10亿元以上项目计划投资占制造业比重",
        "%",
    ),
    _Spec(
        "priority_investment",
        "Planned investment in “two new, one electric” industries",
        "“两新一电”产业计划投资",
        "万元",
    ),
    _Spec(
        "priority_share",
        "“Two new, one electric” share of manufacturing planned investment",
        "“两新一电”产业投资占制造业比重",
        "%",
    ),
    _Spec("land_supplied", "Projects supplied with land", "新供地项目", "个"),
    _Spec("construction_started", "Projects starting construction", "新开工项目", "个"),
    _Spec("completed", "Projects completed", "新竣工项目", "个"),
    _Spec("in_operation", "Projects put into operation", "新投产项目", "个"),
    _Spec("actual_investment", "Actual investment of projects under way", "项目实际投资", "万元"),
)

SHARE_BASIS = "manufacturing_investment"  # what every share is a share of
TO_DATE = frozenset({"actual_investment"})  # sums of figures to date: no year-on-year change

FIGURE_KEYS: tuple[str, ...] = tuple(spec.key for spec in _SPECS)
"""Every figure's key, in report order (a public contract: the dashboard and tests use them)."""


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else ZERO


def _change(value: Number, previous: Number) -> Decimal | None:
    if previous == 0:
        return None
    return (Decimal(value) - Decimal(previous)) / Decimal(previous)


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _values(data: ReportData, period: Period) -> dict[str, Number]:
    inside = period.contains
    visits = [v for v in data.visits if inside(v.visit_date)]
    kinds = Counter(v.kind for v in visits)
    signed = [p for p in data.projects if inside(p.signed_on)]
    manufacturing = [p for p in signed if p.manufacturing]
    manufacturing_planned = _total(p.planned for p in manufacturing)
    over_100m = [p for p in manufacturing if p.planned >= ONE_YI]
    over_1b = [p for p in manufacturing if p.planned >= TEN_YI]
    priority_codes = {term.code for term in controlled.terms("industry") if term.priority}
    priority = _total(p.planned for p in manufacturing if p.industry in priority_codes)
    return {
        "trips": sum(1 for t in data.trips if inside(t.start_date)),
        "enterprises_visited": len(
            {v.enterprise_id for v in visits if v.kind in CONTACT_KINDS and v.enterprise_id is not None}
        ),
        "association_meetings": kinds["association_meeting"],
        "promotion_events": kinds["promotion_event"],
        "effective_leads": sum(1 for lead in data.leads if lead.effective and inside(lead.discovered_on)),
        "projects_signed": len(signed),
        "planned_investment": _total(p.planned for p in signed),
        "manufacturing_projects": len(manufacturing),
        "manufacturing_investment": manufacturing_planned,
        "projects_over_100m": len(over_100m),
        "projects_over_100m_share": _share(_total(p.planned for p in over_100m), manufacturing_planned),
        "projects_over_1b": len(over_1b),
        "projects_over_1b_share": _share(_total(p.planned for p in over_1b), manufacturing_planned),
        "priority_investment": priority,
        "priority_share": _share(priority, manufacturing_planned),
        "land_supplied": sum(1 for p in data.projects if inside(p.land_actual)),
        "construction_started": sum(1 for p in data.projects if inside(p.start_actual)),
        "completed": sum(1 for p in data.projects if inside(p.completion_actual)),
        "in_operation": sum(1 for p in data.projects if inside(p.operation_actual)),
        "actual_investment": _total(
            p.actual_investment or ZERO for p in data.projects if p.under_way_in(period)
        ),
    }


def _breakdown(
    projects: Sequence[ProjectRow],
    period: Period,
    earlier: Period,
    code_of: Callable[[ProjectRow], str | None],
    list_name: str,
) -> tuple[BreakdownRow, ...]:
    counts: dict[Period, Counter[str]] = {period: Counter(), earlier: Counter()}
    planned: dict[Period, dict[str, Decimal]] = {period: {}, earlier: {}}
    for project in projects:
        for which in (period, earlier):
            if which.contains(project.signed_on):
                code = code_of(project) or ""
                counts[which][code] += 1
                planned[which][code] = planned[which].get(code, ZERO) + project.planned
    total = _total(planned[period].values())
    order = {term.code: index for index, term in enumerate(controlled.terms(list_name))}
    rows = []
    for code in set(counts[period]) | set(counts[earlier]):
        term = next((t for t in controlled.terms(list_name) if t.code == code), None)
        label_en, label_zh = (term.en, term.zh) if term else ((code, code) if code else NOT_RECORDED)
        amount = planned[period].get(code, ZERO)
        rows.append(
            BreakdownRow(
                code=code,
                label_en=label_en,
                label_zh=label_zh,
                count=counts[period][code],
                planned=amount,
                share_of_planned=_share(amount, total),
                previous_count=counts[earlier][code],
                previous_planned=planned[earlier].get(code, ZERO),
            )
        )
    rows.sort(key=lambda r: (-r.planned, -r.previous_planned, order.get(r.code, len(order)), r.code))
    return tuple(rows)


def _monthly(data: ReportData, period: Period) -> tuple[MonthRow, ...]:
    def month(day: date) -> tuple[int, int]:
        return day.year, day.month

    signed: Counter[tuple[int, int]] = Counter()
    planned: dict[tuple[int, int], Decimal] = {}
    for project in data.projects:
        if period.contains(project.signed_on):
            key = month(project.signed_on)
            signed[key] += 1
            planned[key] = planned.get(key, ZERO) + project.planned
    visits = Counter(month(v.visit_date) for v in data.visits if period.contains(v.visit_date))
    leads = Counter(
        month(lead.discovered_on)
        for lead in data.leads
        if lead.effective and period.contains(lead.discovered_on)
    )
    return tuple(
        MonthRow(
            year,
            number,
            signed[(year, number)],
            planned.get((year, number), ZERO),
            visits[(year, number)],
            leads[(year, number)],
        )
        for year, number in period.months()
    )


def compute_period_report(data: ReportData, period: Period) -> PeriodReport:
    """Every figure of ``period`` beside the same period a year earlier, and the breakdowns (pure)."""
    earlier = period.year_earlier()
    for needed in (period, earlier):
        if not data.covers_period(needed):
            raise ValueError(
                f"the report data (loaded for {data.covers}) does not cover {needed.label}"
                f" ({needed.first}..{needed.last})"
            )
    now, before = _values(data, period), _values(data, earlier)
    shared = now[SHARE_BASIS] != 0 and before[SHARE_BASIS] != 0
    figures = tuple(
        Figure(
            key=spec.key,
            label_en=spec.label_en,
            label_zh=spec.label_zh,
            unit=spec.unit,
            value=now[spec.key],
            previous=before[spec.key],
            change=None if spec.key in TO_DATE else _change(now[spec.key], before[spec.key]),
            change_points=Decimal(now[spec.key]) - Decimal(before[spec.key])
            if spec.unit == "%" and shared
            else None,
        )
        for spec in _SPECS
    )
    return PeriodReport(
        period=period,
        earlier=earlier,
        figures=figures,
        by_industry=_breakdown(data.projects, period, earlier, lambda p: p.industry, "industry"),
        by_region=_breakdown(data.projects, period, earlier, lambda p: p.home_region, "region"),
        monthly=_monthly(data, period),
    )
