"""The local database as one side of the merge: read a snapshot, apply a merge in one transaction.

Changes that come from the workbook are written with Core statements (a first sync can bring in a
whole bureau) and recorded in the same history as local edits, under the sync's author. A record the
user edited while the sync was running is left alone and merged again next time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update

from models.database import Database
from models.fields import LEDGERS
from models.normalize import normalise_name, pinyin_initials
from models.queries import display_expression
from models.schema import (
    LEDGER_MODELS,
    ChangeEntry,
    SyncBase,
    SyncConflict,
    SyncIssue,
    SyncRun,
    new_id,
    table_of,
)
from models.tracking import COUNTER_KEY, CREATED, SYNCED_VERSION_KEY, history_text
from models.types import utcnow
from sync.columns import SYNC_ORDER
from sync.merge import DELETED, Conflict, Record
from sync.values import Canonical, from_model, to_model
from sync.workbook_read import CellIssue

WORKBOOK_KEY = "sync_workbook"  # the workbook the stored bases belong to


def synced_workbook(database: Database) -> str:
    return database.state(WORKBOOK_KEY, "")


def merge_fields(ledger_name: str) -> list[str]:
    return [f.name for f in LEDGERS[ledger_name].fields] + [DELETED]


@dataclass
class LocalSnapshot:
    records: dict[str, dict[str, Record]]
    versions: dict[str, dict[str, int]]
    base: dict[str, dict[str, Record]]
    counter: int


def read_local(database: Database) -> LocalSnapshot:
    snapshot = LocalSnapshot({}, {}, {}, 0)
    with database.engine.connect() as connection:
        snapshot.counter = int(
            connection.execute(
                text("SELECT value FROM db_state WHERE key = :k"), {"k": COUNTER_KEY}
            ).scalar_one()
        )
        for ledger_name in SYNC_ORDER:
            model = LEDGER_MODELS[ledger_name]
            fields = LEDGERS[ledger_name].fields
            columns = [getattr(model, f.name) for f in fields]
            records: dict[str, Record] = {}
            versions: dict[str, int] = {}
            for row in connection.execute(select(model.id, model.row_version, model.deleted, *columns)):
                record: Record = {
                    f.name: from_model(f, value) for f, value in zip(fields, row[3:], strict=True)
                }
                record[DELETED] = bool(row[2])
                records[row[0]] = record
                versions[row[0]] = row[1]
            snapshot.records[ledger_name] = records
            snapshot.versions[ledger_name] = versions
            snapshot.base[ledger_name] = {}
        for base_row in connection.execute(select(SyncBase.ledger, SyncBase.record_id, SyncBase.snapshot)):
            snapshot.base.setdefault(base_row[0], {})[base_row[1]] = json.loads(base_row[2])
    return snapshot


def names_index(database: Database, ledger_name: str) -> dict[str, list[str]]:
    """Normalised display name -> ids of live records, for rows that name a record without its id."""
    model = LEDGER_MODELS[ledger_name]
    index: dict[str, list[str]] = {}
    with database.engine.connect() as connection:
        statement = select(model.id, display_expression(ledger_name, model)).where(model.deleted.is_(False))
        for record_id, name in connection.execute(statement):
            index.setdefault(normalise_name(str(name or "")), []).append(record_id)
    return index


@dataclass
class LedgerPlan:
    to_local: dict[str, Record] = field(default_factory=dict)
    new_local: set[str] = field(default_factory=set)
    base: dict[str, Record | None] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class LocalPlan:
    author: str
    ledgers: dict[str, LedgerPlan]
    issues: list[CellIssue]
    started_at: datetime
    workbook: str
    outcome: str
    summary: dict[str, dict[str, int]]
    message: str = ""
    new_workbook: bool = False  # bases from another workbook were ignored and are replaced


@dataclass
class Applied:
    skipped_edited_meanwhile: dict[str, list[str]] = field(default_factory=dict)


def _model_values(ledger_name: str, values: Mapping[str, Canonical]) -> dict[str, Any]:
    fields = {f.name: f for f in LEDGERS[ledger_name].fields}
    result: dict[str, Any] = {}
    for name, value in values.items():
        if name == DELETED:
            result["deleted"] = bool(value)
        else:
            result[name] = to_model(fields[name], value)
    if ledger_name in ("enterprises", "teams") and "name" in result:
        result["name_initials"] = pinyin_initials(result["name"] or "")
    if ledger_name == "enterprises" and "name" in result:
        result["name_key"] = normalise_name(result["name"] or "")
    return result


def _next_version(connection: Connection) -> int:
    return int(
        connection.execute(
            text("UPDATE db_state SET value = CAST(value AS INTEGER) + 1 WHERE key = :k RETURNING value"),
            {"k": COUNTER_KEY},
        ).scalar_one()
    )


def apply_local(database: Database, snapshot: LocalSnapshot, plan: LocalPlan) -> Applied:
    """Write a merge's local side, bases, conflicts, issues and the sync record in one transaction."""
    applied = Applied()
    now = utcnow()
    with database.engine.begin() as connection:
        counter_before = int(
            connection.execute(
                text("SELECT value FROM db_state WHERE key = :k"), {"k": COUNTER_KEY}
            ).scalar_one()
        )
        if plan.new_workbook:
            connection.execute(delete(table_of(SyncBase)))
        connection.execute(
            text(
                "INSERT INTO db_state (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v"
            ),
            {"k": WORKBOOK_KEY, "v": plan.workbook},
        )
        needs_version = any(p.to_local for p in plan.ledgers.values())
        version = _next_version(connection) if needs_version else counter_before
        for ledger_name in SYNC_ORDER:
            ledger_plan = plan.ledgers.get(ledger_name)
            if ledger_plan is None:
                continue
            skipped = _apply_ledger(connection, snapshot, ledger_name, ledger_plan, plan.author, version, now)
            if skipped:
                applied.skipped_edited_meanwhile[ledger_name] = skipped
            _store_bases(connection, ledger_name, ledger_plan.base, skipped, now)
        _replace_conflicts(connection, plan, now)
        _replace_issues(connection, plan.issues, now)
        connection.execute(
            insert(table_of(SyncRun)),
            [
                {
                    "started_at": plan.started_at,
                    "finished_at": utcnow(),
                    "user": plan.author,
                    "workbook": plan.workbook,
                    "outcome": plan.outcome,
                    "summary": json.dumps(plan.summary, ensure_ascii=False),
                    "message": plan.message,
                }
            ],
        )
        # Local edits made while the sync ran stay pending; otherwise everything up to now is synced.
        synced = version if counter_before == snapshot.counter else snapshot.counter
        connection.execute(
            text("UPDATE db_state SET value = :v WHERE key = :k"), {"v": str(synced), "k": SYNCED_VERSION_KEY}
        )
    return applied


def _apply_ledger(
    connection: Connection,
    snapshot: LocalSnapshot,
    ledger_name: str,
    plan: LedgerPlan,
    author: str,
    version: int,
    now: datetime,
) -> list[str]:
    model = LEDGER_MODELS[ledger_name]
    table = table_of(model)
    fields = LEDGERS[ledger_name].fields
    history: list[dict[str, Any]] = []
    new_rows = []
    for record_id in sorted(plan.new_local):
        values = _model_values(
            ledger_name, {name: plan.to_local[record_id].get(name) for name in merge_fields(ledger_name)}
        )
        new_rows.append(
            {
                "id": record_id,
                "created_at": now,
                "updated_at": now,
                "updated_by": author,
                "row_version": version,
                **values,
            }
        )
        history.append(_history(ledger_name, record_id, CREATED, None, None, author, now, version))
    if new_rows:
        connection.execute(insert(table), new_rows)
    edited = [rid for rid in plan.to_local if rid not in plan.new_local]
    current = _versions(connection, model, edited)
    skipped = [rid for rid in edited if current.get(rid) != snapshot.versions[ledger_name].get(rid)]
    by_name = {f.name: f for f in fields}
    for record_id in edited:
        if record_id in skipped:
            continue
        changes = plan.to_local[record_id]
        before = snapshot.records[ledger_name][record_id]
        values = _model_values(ledger_name, changes)
        connection.execute(
            update(table).where(table.c.id == record_id),
            {**values, "updated_at": now, "updated_by": author, "row_version": version},
        )
        for name, value in changes.items():
            spec = by_name.get(name)
            old = to_model(spec, before.get(name)) if spec else bool(before.get(name))
            new = to_model(spec, value) if spec else bool(value)
            history.append(
                _history(
                    ledger_name, record_id, name, history_text(old), history_text(new), author, now, version
                )
            )
    if history:
        connection.execute(insert(table_of(ChangeEntry)), history)
    return skipped


def _versions(connection: Connection, model: Any, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        statement = select(model.id, model.row_version).where(model.id.in_(chunk))
        found.update({record_id: version for record_id, version in connection.execute(statement)})
    return found


def _history(
    ledger: str,
    record_id: str,
    field_name: str,
    old: str | None,
    new: str | None,
    author: str,
    now: datetime,
    version: int,
) -> dict[str, Any]:
    return {
        "ledger": ledger,
        "record_id": record_id,
        "field": field_name,
        "old_value": old,
        "new_value": new,
        "changed_by": author,
        "changed_at": now,
        "version": version,
    }


def _store_bases(
    connection: Connection,
    ledger_name: str,
    bases: Mapping[str, Record | None],
    skipped: Iterable[str],
    now: datetime,
) -> None:
    skip = set(skipped)
    gone = [rid for rid, b in bases.items() if b is None and rid not in skip]
    kept = [
        {
            "ledger": ledger_name,
            "record_id": rid,
            "snapshot": json.dumps(b, ensure_ascii=False),
            "synced_at": now,
        }
        for rid, b in bases.items()
        if b is not None and rid not in skip
    ]
    table = table_of(SyncBase)
    ids = gone + [row["record_id"] for row in kept]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(delete(table).where(table.c.ledger == ledger_name, table.c.record_id.in_(chunk)))
    if kept:
        connection.execute(insert(table), kept)


def _replace_conflicts(connection: Connection, plan: LocalPlan, now: datetime) -> None:
    connection.execute(delete(table_of(SyncConflict)))
    rows = [
        {
            "ledger": ledger_name,
            "record_id": conflict.record_id,
            "kind": conflict.kind.value,
            "field": item.field,
            "base": json.dumps(item.base, ensure_ascii=False),
            "mine": json.dumps(item.mine, ensure_ascii=False),
            "theirs": json.dumps(item.theirs, ensure_ascii=False),
            "detected_at": now,
        }
        for ledger_name, ledger_plan in plan.ledgers.items()
        for conflict in ledger_plan.conflicts
        for item in conflict.fields
    ]
    if rows:
        connection.execute(insert(table_of(SyncConflict)), rows)


def _replace_issues(connection: Connection, issues: list[CellIssue], now: datetime) -> None:
    connection.execute(delete(table_of(SyncIssue)))
    rows = [
        {
            "ledger": i.ledger,
            "sheet": i.sheet,
            "row": i.row,
            "column": i.column,
            "header": i.header,
            "raw": i.raw,
            "message": i.message,
            "args": json.dumps(dict(i.args), ensure_ascii=False),
            "record_id": i.record_id,
            "detected_at": now,
        }
        for i in issues
    ]
    if rows:
        connection.execute(insert(table_of(SyncIssue)), rows)


__all__ = ["LocalPlan", "LocalSnapshot", "apply_local", "merge_fields", "names_index", "new_id", "read_local"]
