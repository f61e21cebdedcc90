"""Supervision list (督办清单): projects stuck between stages and milestones past their planned date.

Rules (shared/design/outreach-ledger.md §1):

* Every live project that has not reached "up to standard" sits in one **stage gap**, named by its
  stage: signed but no land, land but not started, started but not completed, completed but not
  operating, operating but not up to standard. Days in the gap = today − the date the current stage was
  reached: that stage's actual date; if it is missing, the latest actual date of an earlier stage; else
  the signing date (never negative).
* A **milestone is overdue** when its planned date has passed (before today), it has no actual date and
  the project's stage has not yet reached it: days overdue = today − planned date. A milestone the
  stage shows as reached is not overdue, even without an actual date, so projects up to standard are
  not listed at all.
* The list **as of a past day** shows the projects as they stood then, as far as their dates tell: a
  project signed later is not listed; an actual date after that day is not yet reached, and the
  project's stage then is the last milestone reached by that day (signed when none). A project with
  no actual date after the day is taken as it is now (its stage may have been set without a date).
* Items are grouped by responsible team (by team name; projects without a team last) and, within a
  team, the most severe first: most days overdue (projects with overdue milestones before the others),
  then most days in the gap.

:func:`compute_supervision` is pure; :func:`load_supervision_data` reads live projects from the
database; :func:`write_supervision` writes the sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import select

from models import controlled
from models.controlled import PROJECT_STAGES
from models.database import Database
from models.fields import MILESTONES
from models.milestones import overdue_milestones
from models.reports import xlsx_style
from models.reports.ledger_export import cell_text, keep_text_as_text, save_atomically, sheet_title
from models.schema import Enterprise, Project, Team
from models.types import utcnow

GAPS: dict[str, tuple[str, str, str]] = {
    # stage -> (gap code, English label, Chinese label)
    "signed": ("signed_no_land", "Signed, no land supplied", "已签约未供地"),
    "land_supplied": ("land_not_started", "Land supplied, not started", "已供地未动工"),
    "construction_started": ("started_not_completed", "Started, not completed", "已动工未竣工"),
    "completed": ("completed_not_operating", "Completed, not in operation", "已竣工未投产"),
    "in_operation": ("operating_not_standard", "In operation, not up to standard", "已投产未达产"),
}
"""The gap a project is in, by the stage it has reached; "up_to_standard" is in none."""

MILESTONE_NAMES: dict[str, tuple[str, str]] = {
    # planned-date field -> (English, Chinese)
    "land_planned": ("Land supply", "供地"),
    "start_planned": ("Construction start", "动工"),
    "completion_planned": ("Completion", "竣工"),
    "operation_planned": ("Operation", "投产"),
    "standard_planned": ("Up to standard", "达产"),
}

_DATE_FIELDS = tuple(name for _, planned, actual in MILESTONES for name in (planned, actual))


@dataclass(frozen=True)
class ProjectRow:
    """A live project as the supervision list needs it (names already resolved)."""

    id: str
    name: str
    stage: str
    signed_on: date
    enterprise: str | None = None
    team_id: str | None = None
    team: str | None = None
    site: str | None = None
    planned_investment: Decimal | None = None  # 万元
    land_planned: date | None = None
    land_actual: date | None = None
    start_planned: date | None = None
    start_actual: date | None = None
    completion_planned: date | None = None
    completion_actual: date | None = None
    operation_planned: date | None = None
    operation_actual: date | None = None
    standard_planned: date | None = None
    standard_actual: date | None = None


@dataclass(frozen=True)
class OverdueMilestone:
    planned_field: str  # e.g. "land_planned"
    stage: str  # the stage the milestone reaches, e.g. "land_supplied"
    planned: date
    days: int


@dataclass(frozen=True)
class SupervisionItem:
    project_id: str
    project: str
    enterprise: str | None
    team_id: str | None
    team: str | None
    site: str | None
    planned_investment: Decimal | None
    signed_on: date
    stage: str
    gap: str | None  # a code from GAPS, None when the project is in no gap
    since: date | None  # when the current stage was reached (as best known)
    days_in_gap: int | None
    overdue: tuple[OverdueMilestone, ...]

    @property
    def max_days_overdue(self) -> int:
        return max((m.days for m in self.overdue), default=0)


# --- pure core ----------------------------------------------------------------------------------------


def _stage_reached_on(project: ProjectRow, position: int) -> date:
    """The actual date of the stage at ``position``, else of the latest earlier stage, else signing."""
    for stage_position in range(position, 0, -1):
        _, _, actual_field = MILESTONES[stage_position - 1]
        actual: date | None = getattr(project, actual_field)
        if actual is not None:
            return actual
    return project.signed_on


def as_it_stood(project: ProjectRow, day: date) -> ProjectRow | None:
    """The project as it stood on ``day`` (see the rules above), None when it was not signed yet."""
    if project.signed_on > day:
        return None
    later = [actual for _, _, actual in MILESTONES if (reached := getattr(project, actual)) and reached > day]
    if not later:
        return project
    then = replace(project, **dict.fromkeys(later))  # type: ignore[arg-type]  # only the date fields
    position = max(
        (index for index, (_, _, actual) in enumerate(MILESTONES, start=1) if getattr(then, actual)),
        default=0,
    )
    now = PROJECT_STAGES.index(project.stage) if project.stage in PROJECT_STAGES else position
    return replace(then, stage=PROJECT_STAGES[min(position, now)])


def supervise(project: ProjectRow, today: date) -> SupervisionItem | None:
    """The project's supervision item on ``today``, or None when it has nothing to supervise then."""
    stood = as_it_stood(project, today)
    if stood is None:
        return None
    project = stood
    position = PROJECT_STAGES.index(project.stage) if project.stage in PROJECT_STAGES else None
    gap: str | None = None
    since: date | None = None
    days_in_gap: int | None = None
    if position is not None and project.stage in GAPS:
        gap = GAPS[project.stage][0]
        since = _stage_reached_on(project, position)
        days_in_gap = max((today - since).days, 0)
    reached = set(PROJECT_STAGES[: (position or 0) + 1])
    stage_of = {planned: stage for stage, planned, _ in MILESTONES}
    dates = {name: getattr(project, name) for name in _DATE_FIELDS}
    overdue = tuple(
        OverdueMilestone(planned_field, stage_of[planned_field], dates[planned_field], days)
        for planned_field, days in overdue_milestones(dates, today).items()
        if stage_of[planned_field] not in reached
    )
    if gap is None and not overdue:
        return None
    return SupervisionItem(
        project_id=project.id,
        project=project.name,
        enterprise=project.enterprise,
        team_id=project.team_id,
        team=project.team,
        site=project.site,
        planned_investment=project.planned_investment,
        signed_on=project.signed_on,
        stage=project.stage,
        gap=gap,
        since=since,
        days_in_gap=days_in_gap,
        overdue=overdue,
    )


def _order(item: SupervisionItem) -> tuple[Any, ...]:
    has_team = item.team_id is not None or bool(item.team)
    return (
        not has_team,
        item.team or "",
        item.team_id or "",
        -item.max_days_overdue,
        -(item.days_in_gap if item.days_in_gap is not None else -1),
        item.project,
        item.project_id,
    )


def compute_supervision(projects: Sequence[ProjectRow], today: date) -> list[SupervisionItem]:
    """Supervision items of ``projects`` (live ones), grouped by team and most severe first."""
    items = [item for item in (supervise(project, today) for project in projects) if item is not None]
    items.sort(key=_order)
    return items


# --- database -----------------------------------------------------------------------------------------


def load_supervision_data(database: Database) -> list[ProjectRow]:
    """Live projects, with team and enterprise names (shown even when that team or enterprise record
    has since been deleted). Those up to standard now are listed only as of a day before they were."""
    statement = (
        select(
            Project.id,
            Project.name,
            Project.stage,
            Project.signed_on,
            Enterprise.name,
            Project.team_id,
            Team.name,
            Project.site,
            Project.planned_investment,
            *(getattr(Project, name) for name in _DATE_FIELDS),
        )
        .select_from(Project)
        .outerjoin(Enterprise, Enterprise.id == Project.enterprise_id)
        .outerjoin(Team, Team.id == Project.team_id)
        .where(Project.deleted.is_(False))
    )
    with database.engine.connect() as connection:
        return [
            ProjectRow(*row[:9], **dict(zip(_DATE_FIELDS, row[9:], strict=True)))
            for row in connection.execute(statement)
        ]


def supervision_list(database: Database, today: date) -> list[SupervisionItem]:
    return compute_supervision(load_supervision_data(database), today)


# --- workbook -----------------------------------------------------------------------------------------


def gap_label(gap: str | None, language: str = "zh") -> str:
    for code, en, zh in GAPS.values():
        if code == gap:
            return zh if language.startswith("zh") else en
    return ""


def overdue_text(item: SupervisionItem, language: str = "zh") -> str:
    """The overdue milestones in words: 供地：计划2024-03-01，逾期121天；… / Land supply: planned …"""
    zh = language.startswith("zh")
    parts = []
    for milestone in item.overdue:
        en, name = MILESTONE_NAMES[milestone.planned_field]
        planned = milestone.planned.isoformat()
        if zh:
            parts.append(f"{name}：计划{planned}，逾期{milestone.days}天")
        else:
            days = f"{milestone.days} day" if milestone.days == 1 else f"{milestone.days} days"
            parts.append(f"{en}: planned {planned}, {days} overdue")
    return ("；" if zh else "; ").join(parts)


def write_supervision(
    items: Sequence[SupervisionItem],
    path: Path,
    language: str = "zh",
    *,
    today: date,
    now: datetime | None = None,
) -> None:
    """One sheet, one row per item in the given order (compute_supervision's: by team, most severe
    first), with a team column so the filter can pick one team."""
    zh = language.startswith("zh")
    if zh:
        title = f"重点项目督办清单（截至{today.year}年{today.month}月{today.day}日）"
        sheet_name = "督办清单"
        no_team = "无"
        headers = [
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
    else:
        title = f"Project supervision list as of {today.isoformat()}"
        sheet_name = "Supervision list"
        no_team = "No team"
        headers = [
            "Team",
            "Project",
            "Enterprise",
            "Signed on",
            "Stage",
            "Gap",
            "In stage since",
            "Days in gap",
            "Overdue milestones",
            "Max days overdue",
            "Planned investment (10k yuan)",
            "Site",
        ]
    rows: list[list[Any]] = [
        [
            cell_text(item.team) if item.team else no_team,
            cell_text(item.project),
            cell_text(item.enterprise) if item.enterprise else None,
            item.signed_on,
            controlled.label("project_stage", item.stage, language),
            gap_label(item.gap, language) or None,
            item.since,
            item.days_in_gap,
            overdue_text(item, language) or None,
            item.max_days_overdue or None,
            None if item.planned_investment is None else float(item.planned_investment),
            cell_text(item.site) if item.site else None,
        ]
        for item in items
    ]
    count = xlsx_style.COUNT_FORMAT
    day = xlsx_style.DATE_FORMAT
    formats = [None, None, None, day, None, None, day, count, None, count, xlsx_style.WAN_FORMAT, None]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(sheet_name)
    note = xlsx_style.generated_note(now or utcnow(), language)
    header_row, last_row = xlsx_style.write_table(sheet, title, note, headers, rows, formats)
    keep_text_as_text(sheet, header_row + 1, last_row)
    save_atomically(workbook, path)


__all__ = [
    "GAPS",
    "MILESTONE_NAMES",
    "OverdueMilestone",
    "ProjectRow",
    "SupervisionItem",
    "as_it_stood",
    "compute_supervision",
    "gap_label",
    "load_supervision_data",
    "overdue_text",
    "supervise",
    "supervision_list",
    "write_supervision",
]
