"""Open conflicts as a person sees them, and resolving them.

A conflict lists, per field, the base value and each side's value with who changed it and when (the
local side from the record's history; the workbook side is head office's file as of the sync that
found it). Resolving sets the chosen values here and moves the base, so the next sync sends them out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from models.database import Database
from models.fields import LEDGERS
from models.schema import LEDGER_MODELS, ChangeEntry, SyncBase, SyncConflict
from models.tracking import next_version
from models.validation import REQUIRED, ValidationError, validate
from sync.local import merge_fields
from sync.merge import DELETED, UNAGREED, Conflict, ConflictKind, FieldConflict, agreed_fields, resolve
from sync.values import Canonical, from_model, to_model


@dataclass(frozen=True)
class FieldChoice:
    field: str
    base: Canonical
    mine: Canonical
    theirs: Canonical
    mine_by: str
    mine_at: datetime | None
    theirs_at: datetime
    agreed: bool = True  # False: the two sides never agreed on a value (``base`` is then no value)


@dataclass(frozen=True)
class OpenConflict:
    ledger: str
    record_id: str
    kind: ConflictKind
    fields: tuple[FieldChoice, ...]
    title: str  # the record's name, for the list


def load_conflicts(database: Database) -> list[OpenConflict]:
    with database.session() as session:
        rows = session.scalars(
            select(SyncConflict).order_by(SyncConflict.ledger, SyncConflict.record_id, SyncConflict.id)
        )
        grouped: dict[tuple[str, str], list[SyncConflict]] = {}
        for row in rows:
            grouped.setdefault((row.ledger, row.record_id), []).append(row)
        result = []
        for (ledger, record_id), items in grouped.items():
            model = LEDGER_MODELS[ledger]
            specs = {f.name: f for f in LEDGERS[ledger].fields}
            record = session.get(model, record_id)
            title = str(getattr(record, LEDGERS[ledger].display_field, "") or "") if record else record_id
            base_row = session.get(SyncBase, (ledger, record_id))
            agreed = agreed_fields(json.loads(base_row.snapshot) if base_row else None, merge_fields(ledger))
            choices = []
            for item in items:
                last = session.scalars(
                    select(ChangeEntry)
                    .where(
                        ChangeEntry.ledger == ledger,
                        ChangeEntry.record_id == record_id,
                        ChangeEntry.field == item.field,
                    )
                    .order_by(ChangeEntry.id.desc())
                    .limit(1)
                ).first()
                mine = json.loads(item.mine)
                if record is not None:  # as it is here now: edited again since the sync found it, say
                    spec = specs.get(item.field)
                    if spec is not None:
                        mine = from_model(spec, getattr(record, item.field))
                    elif item.field == DELETED:
                        mine = bool(record.deleted)
                choices.append(
                    FieldChoice(
                        item.field,
                        json.loads(item.base),
                        mine,
                        json.loads(item.theirs),
                        last.changed_by if last else "",
                        last.changed_at if last else None,
                        item.detected_at,
                        item.field in agreed,
                    )
                )
            result.append(OpenConflict(ledger, record_id, ConflictKind(items[0].kind), tuple(choices), title))
    return result


def resolve_conflict(
    database: Database, user: str, conflict: OpenConflict, chosen: dict[str, Canonical]
) -> None:
    """Keep ``chosen`` (field -> canonical value) here; the next sync sends it to the workbook."""
    merge_conflict = Conflict(
        conflict.record_id,
        conflict.kind,
        tuple(FieldConflict(f.field, f.base, f.mine, f.theirs) for f in conflict.fields),
    )
    fields = {f.name: f for f in LEDGERS[conflict.ledger].fields}
    with database.session(user, writes=True) as session:
        base_row = session.get(SyncBase, (conflict.ledger, conflict.record_id))
        # No base: nothing of it was agreed yet (found comparing two-way); deciding agrees the fields
        # decided, the rest stay compared two-way.
        base = (
            json.loads(base_row.snapshot) if base_row else {UNAGREED: ",".join(merge_fields(conflict.ledger))}
        )
        local, new_base = resolve(merge_conflict, base, chosen)
        record = session.get(LEDGER_MODELS[conflict.ledger], conflict.record_id)
        if record is not None:
            for name, value in local.items():
                model_value: Any = bool(value) if name == DELETED else to_model(fields[name], value)
                setattr(record, name, model_value)
            # The workbook's empty name, say: refused here, as a dialog refuses it (the database
            # would refuse it too, with an error instead of a word about the field)
            problems = validate(
                conflict.ledger, {name: getattr(record, name) for name in fields}, typed=False
            )
            wrong = [p for p in problems if p.field in local and p.message == REQUIRED]  # not old values
            if wrong:
                raise ValidationError(wrong)
            if new_base is None or any(value != new_base.get(name) for name, value in local.items()):
                # Something goes out with the next sync: counted as waiting, as an edit is (keeping
                # one's own value changes nothing here, and the status bar said 0 waiting).
                record.row_version = next_version(session)
        if new_base is None:
            if base_row is not None:
                session.delete(base_row)
        elif base_row is not None:
            base_row.snapshot = json.dumps(new_base, ensure_ascii=False)
        else:
            session.add(
                SyncBase(
                    ledger=conflict.ledger,
                    record_id=conflict.record_id,
                    snapshot=json.dumps(new_base, ensure_ascii=False),
                )
            )
        session.execute(
            delete(SyncConflict).where(
                SyncConflict.ledger == conflict.ledger, SyncConflict.record_id == conflict.record_id
            )
        )
