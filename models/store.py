"""Record operations as the app performs them, one unit of work each, plain values in and out.

The GUI (and later the command line and sync) never hold ORM objects: they get dicts and ids back,
so nothing outlives its session and a worker thread can be handed a snapshot safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import controlled
from models.controlled import PROJECT_STAGES
from models.database import Database
from models.fields import LEDGERS, MILESTONES, Kind
from models.i18n import QT_TRANSLATE_NOOP
from models.normalize import normalise_credit_code, normalise_name
from models.queries import display_expression, id_chunks
from models.schema import (
    LEDGER_MODELS,
    ChangeEntry,
    Enterprise,
    Lead,
    LedgerRecord,
    Project,
    Team,
    Trip,
    Visit,
)
from models.tracking import SYNCED_VERSION_KEY
from models.validation import Problem, ValidationError, validate

LAST_STAGE = QT_TRANSLATE_NOOP("Validation", "The project has already reached its last stage.")
ALREADY_CONVERTED = QT_TRANSLATE_NOOP("Validation", "This lead has already become the project “{project}”.")


@dataclass(frozen=True)
class HistoryEntry:
    field: str  # a field name, or CREATED
    old_value: str | None
    new_value: str | None
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class RelatedGroup:
    title: str  # English source string, context "Related"
    ledger: str
    rows: tuple[tuple[str, str], ...]  # (record id, one-line description), the newest few hundred
    total: int  # all of them


@dataclass(frozen=True)
class Reference:
    name: str
    deleted: bool


@dataclass(frozen=True)
class LastVisit:
    visit_date: date
    team: str
    staff: str


def _refuse_second_conversion(session: Session, lead: Lead) -> None:
    _refuse_a_lead_taken(session, lead.id)


def _refuse_a_lead_taken(session: Session, lead_id: str | None, *, besides: Iterable[str] = ()) -> None:
    """A lead becomes one project only: refused when a live project other than ``besides`` has it,
    however the next one comes (a conversion, a new project naming the lead, an edit, a restore)."""
    if not lead_id:
        return
    project = session.scalars(
        select(Project)
        .where(Project.lead_id == lead_id, Project.deleted.is_(False), Project.id.not_in(list(besides)))
        .limit(1)
    ).first()
    if project is not None:
        raise ValidationError([Problem("lead_id", ALREADY_CONVERTED, {"project": project.name})])


_UNSTORABLE = dict.fromkeys(map(ord, "\ufffe\uffff"))
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """Text without what no workbook can hold (U+FFFE, U+FFFF, half a surrogate pair: pasted junk)."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("", value.translate(_UNSTORABLE))
    return value


def _fields(ledger_name: str) -> list[str]:
    return [f.name for f in LEDGERS[ledger_name].fields]


def _as_dict(record: LedgerRecord, ledger_name: str) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _fields(ledger_name)}
    values.update(
        id=record.id,
        deleted=record.deleted,
        updated_by=record.updated_by,
        updated_at=record.updated_at,
        created_at=record.created_at,
    )
    return values


_RELATED_LIMIT = 200


def _plain(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _visit_line(m: Any) -> tuple[Any, ...]:
    return (m.visit_date, m.kind, m.staff, m.summary)


def _lead_line(m: Any) -> tuple[Any, ...]:
    return (m.discovered_on, m.title, m.status)


def _project_line(m: Any) -> tuple[Any, ...]:
    return (m.signed_on, m.name, m.stage)


def _trip_line(m: Any) -> tuple[Any, ...]:
    return (m.start_date, m.destination_city, m.purpose)


_RELATIONS: dict[str, tuple[tuple[str, Any, str, Any, Any], ...]] = {
    "enterprises": (
        (QT_TRANSLATE_NOOP("Related", "Visits"), Visit, "enterprise_id", _visit_line, lambda m: m.visit_date),
        (QT_TRANSLATE_NOOP("Related", "Leads"), Lead, "enterprise_id", _lead_line, lambda m: m.discovered_on),
        (
            QT_TRANSLATE_NOOP("Related", "Projects"),
            Project,
            "enterprise_id",
            _project_line,
            lambda m: m.signed_on,
        ),
    ),
    "teams": (
        (QT_TRANSLATE_NOOP("Related", "Trips"), Trip, "team_id", _trip_line, lambda m: m.start_date),
        (QT_TRANSLATE_NOOP("Related", "Visits"), Visit, "team_id", _visit_line, lambda m: m.visit_date),
        (QT_TRANSLATE_NOOP("Related", "Leads"), Lead, "team_id", _lead_line, lambda m: m.discovered_on),
        (QT_TRANSLATE_NOOP("Related", "Projects"), Project, "team_id", _project_line, lambda m: m.signed_on),
    ),
    "trips": (
        (QT_TRANSLATE_NOOP("Related", "Visits"), Visit, "trip_id", _visit_line, lambda m: m.visit_date),
    ),
    "leads": (
        (QT_TRANSLATE_NOOP("Related", "Projects"), Project, "lead_id", _project_line, lambda m: m.signed_on),
    ),
}


class LedgerStore:
    """Create, edit, delete and restore ledger records as ``user``, with validation and history."""

    def __init__(self, database: Database, user: str) -> None:
        self.database = database
        self.user = user

    def get(self, ledger_name: str, record_id: str) -> dict[str, Any]:
        with self.database.session(self.user) as session:
            record = session.get(LEDGER_MODELS[ledger_name], record_id)
            if record is None:
                raise KeyError(record_id)
            return _as_dict(record, ledger_name)

    def create(self, ledger_name: str, values: Mapping[str, Any]) -> str:
        clean = {name: _storable(values.get(name)) for name in _fields(ledger_name) if name in values}
        problems = validate(ledger_name, clean)
        if problems:
            raise ValidationError(problems)
        with self.database.session(self.user, writes=True) as session:
            if ledger_name == "projects" and not clean.get("deleted"):
                _refuse_a_lead_taken(session, clean.get("lead_id"))
            record = LEDGER_MODELS[ledger_name](**clean)
            session.add(record)
            session.flush()
            return record.id

    def log_visit(
        self, values: Mapping[str, Any], new_enterprise: str | None = None
    ) -> tuple[str, str | None]:
        """Save a visit, creating its enterprise from a typed name in the same transaction if asked.

        Returns (visit id, enterprise id). Either both are saved or neither.
        """
        visit = {name: _storable(values.get(name)) for name in _fields("visits") if name in values}
        enterprise_values = {"name": _storable(new_enterprise)} if new_enterprise else None
        problems = validate("visits", visit)
        if enterprise_values is not None:
            problems += validate("enterprises", enterprise_values)
        if problems:
            raise ValidationError(problems)
        with self.database.session(self.user, writes=True) as session:
            if enterprise_values is not None:
                enterprise = Enterprise(**enterprise_values)
                session.add(enterprise)
                session.flush()
                visit["enterprise_id"] = enterprise.id
            record = Visit(**visit)
            session.add(record)
            session.flush()
            return record.id, record.enterprise_id

    def update(self, ledger_name: str, record_id: str, values: Mapping[str, Any]) -> None:
        with self.database.session(self.user, writes=True) as session:
            record = session.get(LEDGER_MODELS[ledger_name], record_id)
            if record is None:
                raise KeyError(record_id)
            values = {name: _storable(value) for name, value in values.items()}
            merged = _as_dict(record, ledger_name)
            merged.update({k: v for k, v in values.items() if k in merged})
            problems = validate(ledger_name, merged)
            if problems:
                raise ValidationError(problems)
            if isinstance(record, Project) and not record.deleted and merged.get("lead_id") != record.lead_id:
                _refuse_a_lead_taken(session, merged.get("lead_id"), besides=[record_id])
            for name in _fields(ledger_name):
                if name in values:
                    setattr(record, name, values[name])

    def set_deleted(self, ledger_name: str, record_ids: Iterable[str], deleted: bool) -> list[str]:
        """Soft-delete (or restore) records; returns the ids whose state actually changed. Restoring
        a project whose lead has become another project meanwhile is refused (:class:`ValidationError`),
        and nothing is restored."""
        model = LEDGER_MODELS[ledger_name]
        ids = list(dict.fromkeys(record_ids))
        changed = []
        leads: dict[str, str] = {}  # lead id -> a project of it restored
        with self.database.session(self.user, writes=True) as session, session.no_autoflush:
            for chunk in id_chunks(ids):  # thousands at once: one flush, not one each
                for record in session.scalars(select(model).where(model.id.in_(chunk))):
                    if record.deleted != deleted:
                        if not deleted and isinstance(record, Project) and record.lead_id:
                            leads[record.lead_id] = record.id
                        record.deleted = deleted
                        changed.append(record.id)
            if leads:  # restored: a lead with two live projects now is refused (one query a chunk)
                session.flush()
                for chunk in id_chunks(list(leads)):
                    taken = session.scalars(
                        select(Project.lead_id)
                        .where(Project.deleted.is_(False), Project.lead_id.in_(chunk))
                        .group_by(Project.lead_id)
                        .having(func.count() > 1)
                        .limit(1)
                    ).first()
                    if taken is not None:
                        _refuse_a_lead_taken(session, taken, besides=[leads[taken]])
        order = {record_id: index for index, record_id in enumerate(ids)}
        return sorted(changed, key=order.__getitem__)

    def history(self, ledger_name: str, record_id: str) -> list[HistoryEntry]:
        statement = (
            select(ChangeEntry)
            .where(ChangeEntry.ledger == ledger_name, ChangeEntry.record_id == record_id)
            .order_by(ChangeEntry.id.desc())
        )
        with self.database.session(self.user) as session:
            return [
                HistoryEntry(e.field, e.old_value, e.new_value, e.changed_by, e.changed_at)
                for e in session.scalars(statement)
            ]

    def display_name(self, ledger_name: str, record_id: str | None) -> str:
        return self.reference(ledger_name, record_id).name

    def reference(self, ledger_name: str, record_id: str | None) -> Reference:
        """How a record is named where another refers to it, and whether it is deleted."""
        if not record_id:
            return Reference("", deleted=False)
        model = LEDGER_MODELS[ledger_name]
        with self.database.session(self.user) as session:
            row = session.execute(
                select(display_expression(ledger_name, model), model.deleted).where(model.id == record_id)
            ).first()
        return Reference(row[0] or "", bool(row[1])) if row is not None else Reference("", deleted=False)

    def referring_counts(self, ledger_name: str, record_ids: Iterable[str]) -> dict[str, int]:
        """Per ledger, how many of its live records refer to one of ``record_ids``:
        what deleting them would leave naming a deleted record. Only the ledgers with some (no ledger
        refers to its own records)."""
        ids = list(dict.fromkeys(record_ids))
        counts: dict[str, int] = {}
        for other, ledger in LEDGERS.items():
            model = LEDGER_MODELS[other]
            for field in ledger.fields:
                if field.kind is not Kind.REF or field.ref != ledger_name:
                    continue
                column = getattr(model, field.name)
                total = 0
                with self.database.session(self.user) as session:
                    for chunk in id_chunks(ids):
                        statement = (
                            select(func.count())
                            .select_from(model)
                            # deleted through an expression: SQLite then searches the reference's index,
                            # not the listing index of every live record (0.11 s a chunk at 100,000 visits)
                            .where(func.coalesce(model.deleted, False).is_(False), column.in_(chunk))
                        )
                        total += session.execute(statement).scalar_one()
                if total:
                    counts[other] = counts.get(other, 0) + total
        return counts

    def related(self, ledger_name: str, record_id: str) -> list[RelatedGroup]:
        """The records that refer to this one, newest first, grouped by ledger."""
        groups = []
        for title, model, column, describe, order in _RELATIONS.get(ledger_name, ()):
            statement = (
                select(model.id, *describe(model))
                .where(getattr(model, column) == record_id, model.deleted.is_(False))
                .order_by(order(model).desc())
                .limit(_RELATED_LIMIT)
            )
            with self.database.session(self.user) as session:
                rows = tuple(
                    (row[0], "  ·  ".join(_plain(v) for v in row[1:] if v not in (None, "")))
                    for row in session.execute(statement)
                )
                total = len(rows)
                if total == _RELATED_LIMIT:
                    total = session.execute(
                        select(func.count())
                        .select_from(model)
                        .where(getattr(model, column) == record_id, model.deleted.is_(False))
                    ).scalar_one()
            groups.append(RelatedGroup(title, model.__tablename__, rows, total))
        return groups

    # --- enterprises -------------------------------------------------------------------------------

    def find_duplicate_enterprises(
        self, name: str, credit_code: str | None = None, exclude_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Live enterprises with the same credit code or the same normalised name."""
        key = normalise_name(name)
        conditions = [Enterprise.name_key == key] if key else []
        if credit_code and credit_code.strip():
            conditions.append(Enterprise.credit_code == normalise_credit_code(credit_code))
        if not conditions:
            return []
        statement = select(Enterprise).where(Enterprise.deleted.is_(False), or_(*conditions))
        if exclude_id:
            statement = statement.where(Enterprise.id != exclude_id)
        with self.database.session(self.user) as session:
            return [_as_dict(e, "enterprises") for e in session.scalars(statement.limit(10))]

    def enterprises_named_with(self, name: str, limit: int = 5) -> tuple[int, list[dict[str, Any]]]:
        """Live enterprises whose name contains ``name`` as typed part of it (compared as
        normalised names, so case, spaces and punctuation do not matter), those starting with it
        first: what someone may have meant by typing "Brightway" for "Brightway Robotics Co., Ltd.".
        Returns how many there are and the first ``limit`` as {"id", "name"}; none for a key shorter
        than two characters, which is part of too many names to mean any one."""
        key = normalise_name(name)
        if len(key) < 2:
            return 0, []
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        contains = Enterprise.name_key.like(f"%{escaped}%", escape="\\")
        starts = Enterprise.name_key.like(f"{escaped}%", escape="\\")
        live = (Enterprise.deleted.is_(False), contains)
        statement = (
            select(Enterprise.id, Enterprise.name)
            .where(*live)
            .order_by(starts.desc(), Enterprise.name, Enterprise.id)
            .limit(limit)
        )
        with self.database.session(self.user) as session:
            count = session.scalar(select(func.count()).select_from(Enterprise).where(*live)) or 0
            found = [{"id": row[0], "name": row[1]} for row in session.execute(statement)]
        return int(count), found

    def last_visit(self, enterprise_id: str) -> LastVisit | None:
        statement = (
            select(Visit.visit_date, Team.name, Visit.staff)
            .join(Team, Team.id == Visit.team_id)
            .where(Visit.enterprise_id == enterprise_id, Visit.deleted.is_(False))
            .order_by(Visit.visit_date.desc())
            .limit(1)
        )
        with self.database.session(self.user) as session:
            row = session.execute(statement).first()
        return None if row is None else LastVisit(row[0], row[1] or "", row[2] or "")

    # --- leads and projects ------------------------------------------------------------------------

    def project_from_lead(self, lead_id: str, signed_on: date) -> dict[str, Any]:
        """A signed project's values as the lead knows them, for a person to check before saving.

        Whether it is a manufacturing project is taken from its industry (a starting point the
        person confirms). Raises :class:`ValidationError` when the lead already became a project.
        """
        with self.database.session(self.user) as session:
            lead = session.get(Lead, lead_id)
            if lead is None:
                raise KeyError(lead_id)
            _refuse_second_conversion(session, lead)
            enterprise = session.get(Enterprise, lead.enterprise_id) if lead.enterprise_id else None
            industry = next((t for t in controlled.terms("industry") if t.code == lead.industry), None)
            return {
                "name": lead.title or (enterprise.name if enterprise is not None else ""),
                "lead_id": lead.id,
                "enterprise_id": lead.enterprise_id,
                "team_id": lead.team_id,
                "industry": lead.industry,
                "manufacturing": industry.manufacturing if industry is not None else False,
                "planned_investment": lead.planned_investment,
                "stage": "signed",
                "signed_on": signed_on,
            }

    def convert_lead(self, lead_id: str, signed_on: date, values: Mapping[str, Any] | None = None) -> str:
        """Create a signed project from a lead (``values`` as checked by a person, else as the lead
        knows them) and mark the lead signed. A lead becomes one project only: a second conversion
        is refused with :class:`ValidationError`."""
        project_values = dict(values) if values is not None else self.project_from_lead(lead_id, signed_on)
        project_values["lead_id"] = lead_id
        with self.database.session(self.user, writes=True) as session:
            lead = session.get(Lead, lead_id)
            if lead is None:
                raise KeyError(lead_id)
            _refuse_second_conversion(session, lead)
            clean = {
                name: _storable(project_values.get(name))
                for name in _fields("projects")
                if name in project_values
            }
            problems = validate("projects", clean)
            if problems:
                raise ValidationError(problems)
            project = Project(**clean)
            session.add(project)
            lead.status = "signed"
            session.flush()
            return project.id

    def advance_stage(self, project_id: str, reached_on: date) -> str:
        """Move a project to its next stage, recording ``reached_on`` as that milestone's actual date."""
        with self.database.session(self.user, writes=True) as session:
            project = session.get(Project, project_id)
            if project is None:
                raise KeyError(project_id)
            position = PROJECT_STAGES.index(project.stage)
            if position + 1 >= len(PROJECT_STAGES):
                raise ValidationError([Problem("stage", LAST_STAGE)])
            next_stage = PROJECT_STAGES[position + 1]
            actual_field = next(actual for stage, _, actual in MILESTONES if stage == next_stage)
            values = _as_dict(project, "projects")
            values.update({"stage": next_stage, actual_field: getattr(project, actual_field) or reached_on})
            problems = validate("projects", values)
            if problems:
                raise ValidationError(problems)
            project.stage = next_stage
            setattr(project, actual_field, values[actual_field])
            return next_stage

    # --- sync bookkeeping --------------------------------------------------------------------------

    def pending_changes(self) -> int:
        """Records changed locally since the last successful sync (all of them before any sync)."""
        synced = int(self.database.state(SYNCED_VERSION_KEY, "0"))
        with self.database.session(self.user) as session:
            return sum(
                session.execute(select(func.count()).where(model.row_version > synced)).scalar_one()
                for model in LEDGER_MODELS.values()
            )
