"""The ledgers as typed SQLAlchemy 2 models.

Every ledger record carries what sync needs (see shared/design/outreach-ledger.md §1, §3): a UUID text
id, UTC created/updated timestamps, who changed it last, a soft-delete flag, and ``row_version`` — the
value of the database's change counter at its last local change, so "what changed since sync X" is an
indexed range query.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.types import UTCDateTime, Wan, utcnow


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as such (``__table__`` is declared as a FromClause)."""
    return cast(Table, model.__table__)


class LedgerRecord(Base):
    __abstract__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    row_version: Mapped[int] = mapped_column(Integer, default=0, index=True)

    BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "updated_by", "row_version"})


class Team(LedgerRecord):
    __tablename__ = "teams"
    __table_args__ = (Index("ix_teams_listing", "deleted", "name", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    name_initials: Mapped[str] = mapped_column(String(200), default="")  # pinyin initials, for search
    unit: Mapped[str | None] = mapped_column(String(200))
    leader: Mapped[str | None] = mapped_column(String(100))


class Enterprise(LedgerRecord):
    __tablename__ = "enterprises"
    __table_args__ = (Index("ix_enterprises_listing", "deleted", "name", "id"),)

    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True, default="")
    name_initials: Mapped[str] = mapped_column(String(300), default="")  # pinyin initials, for search
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    home_region: Mapped[str | None] = mapped_column(String(40))
    city: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_person: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)


class Trip(LedgerRecord):
    __tablename__ = "trips"
    __table_args__ = (Index("ix_trips_listing", "deleted", "start_date", "id"),)

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    destination_region: Mapped[str | None] = mapped_column(String(40))
    destination_city: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(Text)
    participants: Mapped[str | None] = mapped_column(String(500))


class Visit(LedgerRecord):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_listing", "deleted", "visit_date", "id"),
        Index("ix_visits_enterprise_date", "enterprise_id", "visit_date"),
    )

    visit_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"))
    trip_id: Mapped[str | None] = mapped_column(ForeignKey("trips.id"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    staff: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str | None] = mapped_column(Text)
    next_action_date: Mapped[date | None] = mapped_column(Date)


class Lead(LedgerRecord):
    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_listing", "deleted", "discovered_on", "id"),)

    title: Mapped[str] = mapped_column(String(300))
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    planned_investment: Mapped[Decimal | None] = mapped_column(Wan)
    source: Mapped[str | None] = mapped_column(String(40))
    discovered_on: Mapped[date] = mapped_column(Date, index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    owner: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(40), default="new")
    effective: Mapped[bool] = mapped_column(Boolean, default=False)
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Project(LedgerRecord):
    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_listing", "deleted", "signed_on", "id"),)

    name: Mapped[str] = mapped_column(String(300))
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("leads.id"), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    manufacturing: Mapped[bool] = mapped_column(Boolean, default=True)
    planned_investment: Mapped[Decimal | None] = mapped_column(Wan)
    actual_investment: Mapped[Decimal | None] = mapped_column(Wan)
    site: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(40), default="signed")
    signed_on: Mapped[date] = mapped_column(Date, index=True)
    land_planned: Mapped[date | None] = mapped_column(Date)
    land_actual: Mapped[date | None] = mapped_column(Date)
    start_planned: Mapped[date | None] = mapped_column(Date)
    start_actual: Mapped[date | None] = mapped_column(Date)
    completion_planned: Mapped[date | None] = mapped_column(Date)
    completion_actual: Mapped[date | None] = mapped_column(Date)
    operation_planned: Mapped[date | None] = mapped_column(Date)
    operation_actual: Mapped[date | None] = mapped_column(Date)
    standard_planned: Mapped[date | None] = mapped_column(Date)
    standard_actual: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class ChangeEntry(Base):
    """One field of one record changed once: the per-record history shown in detail panes."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_record", "ledger", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(100), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, index=True)


class Setting(Base):
    """Database-scoped key/value state: the change counter, the version last synced."""

    __tablename__ = "db_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncBase(Base):
    """What this laptop and the workbook agreed on at the last successful sync (the merge's base)."""

    __tablename__ = "sync_base"

    ledger: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    snapshot: Mapped[str] = mapped_column(Text)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The workbook row as read after that sync (sync.workbook_read.row_digest); None: read it next time.
    row_digest: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_sync_base_digest", "ledger", "record_id", "row_digest"),)


class SyncRun(Base):
    """One sync with the master workbook, for the sync history view."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user: Mapped[str] = mapped_column(String(100))
    workbook: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(40))  # synced / open (conflicts or issues) / failed
    summary: Mapped[str] = mapped_column(Text)  # JSON: counts per ledger
    message: Mapped[str] = mapped_column(Text, default="")


class SyncConflict(Base):
    """A field changed differently here and in the workbook, waiting for a person to choose."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_record", "ledger", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(60))
    base: Mapped[str] = mapped_column(Text)  # JSON of the canonical value
    mine: Mapped[str] = mapped_column(Text)
    theirs: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncIssue(Base):
    """A workbook cell that could not be used, as found by the last sync."""

    __tablename__ = "sync_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger: Mapped[str] = mapped_column(String(40))
    sheet: Mapped[str] = mapped_column(String(100))
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(8))
    header: Mapped[str] = mapped_column(String(100))
    raw: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    args: Mapped[str] = mapped_column(Text, default="{}")
    record_id: Mapped[str | None] = mapped_column(String(36))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)


LEDGER_MODELS: dict[str, type[LedgerRecord]] = {
    "teams": Team,
    "enterprises": Enterprise,
    "trips": Trip,
    "visits": Visit,
    "leads": Lead,
    "projects": Project,
}
