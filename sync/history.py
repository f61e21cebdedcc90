"""What the app shows about past syncs: the history, the open issues, the last sync time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models.database import Database
from models.schema import SyncIssue, SyncRun

AUTHOR_SUFFIX = " (workbook)"
"""Added to the syncing user's name for the local changes a sync takes over from the workbook."""


@dataclass(frozen=True)
class RunView:
    started_at: datetime
    finished_at: datetime
    user: str
    workbook: str
    outcome: str
    counts: dict[str, dict[str, int]]
    message: str

    def total(self, name: str) -> int:
        return sum(c.get(name, 0) for c in self.counts.values())


@dataclass(frozen=True)
class IssueView:
    ledger: str
    sheet: str
    row: int
    column: str
    header: str
    raw: str
    message: str
    args: dict[str, str]
    record_id: str | None


def sync_runs(database: Database, limit: int = 200) -> list[RunView]:
    with database.session() as session:
        rows = session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit))
        return [
            RunView(
                r.started_at, r.finished_at, r.user, r.workbook, r.outcome, json.loads(r.summary), r.message
            )
            for r in rows
        ]


def last_sync(database: Database) -> datetime | None:
    with database.session() as session:
        return session.scalars(select(SyncRun.finished_at).order_by(SyncRun.id.desc()).limit(1)).first()


def open_issues(database: Database) -> list[IssueView]:
    with database.session() as session:
        rows = session.scalars(select(SyncIssue).order_by(SyncIssue.ledger, SyncIssue.row, SyncIssue.column))
        return [
            IssueView(
                i.ledger,
                i.sheet,
                i.row,
                i.column,
                i.header,
                i.raw,
                i.message,
                json.loads(i.args),
                i.record_id,
            )
            for i in rows
        ]


def open_counts(database: Database) -> tuple[int, int]:
    """(records with open conflicts, open workbook issues), cheaply, for the status bar."""
    from sqlalchemy import distinct, func

    from models.schema import SyncConflict

    with database.session() as session:
        conflicts = session.execute(
            select(func.count(distinct(SyncConflict.ledger + ":" + SyncConflict.record_id)))
        ).scalar_one()
        issues = session.execute(select(func.count()).select_from(SyncIssue)).scalar_one()
    return int(conflicts), int(issues)
