"""Change tracking: every flush stamps changed ledger records and writes their field history.

Runs as a ``before_flush`` hook of :class:`LedgerSession`, so every change made through the ORM —
dialogs, lead conversion, later the sync — is versioned the same way and none can forget to.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from models.normalize import normalise_credit_code, normalise_name, pinyin_initials
from models.schema import ChangeEntry, Enterprise, LedgerRecord, Team, new_id
from models.types import utcnow

CREATED = "*created*"
DERIVED = frozenset({"name_key", "name_initials"})  # computed from other fields, not edited: no history
COUNTER_KEY = "change_counter"
SYNCED_VERSION_KEY = "synced_version"


class LedgerSession(Session):
    """A session whose ``info["user"]`` is recorded as the author of every change it flushes."""


def history_text(value: Any) -> str | None:
    """Canonical text of a field value for the history (dates ISO, amounts exact, booleans 0/1)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def next_version(session: Session) -> int:
    result = session.connection().execute(
        text("UPDATE db_state SET value = CAST(value AS INTEGER) + 1 WHERE key = :key RETURNING value"),
        {"key": COUNTER_KEY},
    )
    return int(result.scalar_one())


DERIVED_FROM = frozenset({"name", "credit_code"})  # what _derive reads


def _derive(record: LedgerRecord) -> None:
    if isinstance(record, Enterprise | Team):
        record.name_initials = pinyin_initials(record.name or "")
    if isinstance(record, Enterprise):
        record.name_key = normalise_name(record.name or "")
        if record.credit_code is not None:
            record.credit_code = normalise_credit_code(record.credit_code) or None


def _field_changes(record: LedgerRecord) -> list[tuple[str, Any, Any]]:
    state = inspect(record)
    changes = []
    for attr in state.mapper.column_attrs:
        if attr.key in LedgerRecord.BOOKKEEPING or attr.key in DERIVED:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if history_text(old) != history_text(new):
            changes.append((attr.key, old, new))
    return changes


@event.listens_for(LedgerSession, "before_flush")
def _stamp_changes(session: Session, flush_context: object, instances: object) -> None:
    created = [obj for obj in session.new if isinstance(obj, LedgerRecord)]
    edited = [(obj, _field_changes(obj)) for obj in session.dirty if isinstance(obj, LedgerRecord)]
    edited = [(obj, changes) for obj, changes in edited if changes]
    if not created and not edited:
        return
    user = str(session.info.get("user", ""))
    now = utcnow()
    version = next_version(session)
    for record in created:
        _derive(record)
        record.created_at = record.created_at or now
        record.updated_at, record.updated_by, record.row_version = now, user, version
        if record.id is None:
            record.id = new_id()
        session.add(
            ChangeEntry(
                ledger=record.__tablename__,
                record_id=record.id,
                field=CREATED,
                old_value=None,
                new_value=None,
                changed_by=user,
                changed_at=now,
                version=version,
            )
        )
    for record, changes in edited:
        if any(name in DERIVED_FROM for name, _old, _new in changes):  # a delete has nothing to derive
            _derive(record)
        record.updated_at, record.updated_by, record.row_version = now, user, version
        for name, old, new in changes:
            session.add(
                ChangeEntry(
                    ledger=record.__tablename__,
                    record_id=record.id,
                    field=name,
                    old_value=history_text(old),
                    new_value=history_text(new),
                    changed_by=user,
                    changed_at=now,
                    version=version,
                )
            )
