"""The three-way merge: base, mine, theirs -> what to change on each side, and the conflicts.

Pure and independent of where "theirs" comes from (a workbook today, a server later). Records are
plain dicts of canonical values (``sync.values``) keyed by record id, each with a ``deleted`` flag.
Per field: if mine equals base take theirs; if theirs equals base take mine; if both changed to the
same value, fine; if both changed differently it is a conflict, and each side keeps its own value
until a person resolves it. Nothing either side changed since the base is ever silently overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from enum import Enum

from sync.values import Canonical

Record = dict[str, Canonical]
DELETED = "deleted"
OPEN_DELETION = "~open_deletion"
"""Kept in a base (not a field) while an edit/delete conflict waits for a person: the edit went to
both sides and is agreed, the deletion is not, and each sync finds the conflict again."""


UNAGREED = "~unagreed"
"""Kept in a base (not a field): the fields, comma-separated, that were in conflict when nothing had
been agreed on them (a record first compared two-way: a new master, a moved share). They are compared
two-way until a person decides; the base's value for them (None) was never agreed, and taken as the
last agreed one it let the next sync settle the conflict by itself."""


class ConflictKind(Enum):
    EDIT = "edit"  # both sides changed the same field differently
    EDIT_DELETE = "edit_delete"  # one side deleted the record, the other edited it
    REMOVED = "removed"  # the row was removed from the workbook, the record was edited here


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Canonical
    mine: Canonical
    theirs: Canonical


@dataclass(frozen=True)
class Conflict:
    record_id: str
    kind: ConflictKind
    fields: tuple[FieldConflict, ...]


@dataclass
class MergeResult:
    to_local: dict[str, Record] = field(default_factory=dict)  # id -> fields to set here (new: all)
    new_local: set[str] = field(default_factory=set)
    to_remote: dict[str, Record] = field(default_factory=dict)  # id -> fields to write there (new: all)
    new_remote: set[str] = field(default_factory=set)
    base: dict[str, Record | None] = field(default_factory=dict)  # id -> new base (None: forget it)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        return not (self.to_local or self.to_remote)


def agreed_fields(base: Record | None, fields: Sequence[str]) -> set[str]:
    """The fields whose value in ``base`` was agreed by both sides (none without a base)."""
    if base is None:
        return set()
    unagreed = str(base.get(UNAGREED) or "")
    return set(fields) - set(unagreed.split(",")) if unagreed else set(fields)


def _changed(before: Record | None, after: Record, fields: Sequence[str]) -> bool:
    return before is None or any(before.get(f) != after.get(f) for f in fields)


def merge(
    base: Mapping[str, Record],
    mine: Mapping[str, Record],
    theirs: Mapping[str, Record],
    fields: Sequence[str],
    unreadable: Mapping[str, Set[str]] | None = None,
    empty: Record | None = None,
) -> MergeResult:
    """Merge one ledger. ``fields`` lists the compared fields (including ``deleted``); ``unreadable``
    names, per record, the fields whose workbook cell could not be read: those count as unchanged
    there and are never written back, so the raw cell stays as head office typed it. In a row new
    there they read as an empty cell does: None, or the field's value in ``empty`` (False for a
    yes/no field, as the database holds it)."""
    assert DELETED in fields
    unreadable = unreadable or {}
    empty = empty or {}
    result = MergeResult()
    for record_id in sorted(base.keys() | mine.keys() | theirs.keys()):
        b, m = base.get(record_id), mine.get(record_id)
        t = theirs.get(record_id)
        bad = unreadable.get(record_id, frozenset())
        if t is not None and bad:  # unchanged there: as last agreed, or as here where nothing was
            agreed = agreed_fields(b, fields)
            sources = {f: b if f in agreed else m for f in bad}  # None: a row new there, read as empty
            t = {**t, **{f: (empty if source is None else source).get(f) for f, source in sources.items()}}
        _merge_record(result, record_id, b, m, t, fields, bad)
    return result


def _merge_record(
    result: MergeResult,
    record_id: str,
    b: Record | None,
    m: Record | None,
    t: Record | None,
    fields: Sequence[str],
    bad: Set[str],
) -> None:
    if m is None and t is None:
        if b is not None:
            result.base[record_id] = None
        return
    if m is None:
        assert t is not None
        result.to_local[record_id] = record = {f: t.get(f) for f in fields}
        result.new_local.add(record_id)
        result.base[record_id] = dict(record)
        return
    if t is None:
        _merge_removed_row(result, record_id, b, m, fields)
        return
    if m == t:  # the common case at bureau scale: both sides agree (compared in C, not field by field)
        if b != m:
            agreed = {f: m.get(f) for f in fields}
            unread = [f for f in fields if f in bad and f not in agreed_fields(b, fields)] if bad else []
            if unread:  # unreadable there, so not agreed yet (only taken as unchanged)
                agreed[UNAGREED] = ",".join(unread)
            if b != agreed:
                result.base[record_id] = agreed
        return

    reference = b if b is not None else {}
    agreed_before = agreed_fields(b, fields)
    merged: Record = {}
    new_base: Record = {}
    conflicts: list[FieldConflict] = []
    for name in fields:
        base_value, mine_value, their_value = reference.get(name), m.get(name), t.get(name)
        if mine_value == their_value:
            merged[name] = new_base[name] = mine_value
        elif name in agreed_before and mine_value == base_value:
            merged[name] = new_base[name] = their_value
        elif name in agreed_before and their_value == base_value:
            merged[name] = new_base[name] = mine_value
        else:
            conflicts.append(FieldConflict(name, base_value, mine_value, their_value))
            new_base[name] = base_value
    if b is not None:
        # A value that could not be written there (its cell unreadable, its column missing) was not
        # agreed: the base keeps the last agreed one, so the change still counts as one next time.
        for name in bad:
            new_base[name] = b.get(name)
    kind = ConflictKind.EDIT
    if DELETED in merged and b is not None and merged[DELETED] and not b.get(DELETED):
        # One side deleted the record; if the other side edited it meanwhile, a person decides. The
        # edits go to both sides and into the base; the deletion waits, marked in the base, so later
        # syncs find it again (whatever is edited meanwhile) until a person decides.
        keeper = t if m.get(DELETED) else m
        edited = [f for f in fields if f != DELETED and keeper.get(f) != b.get(f)]
        if (edited or b.get(OPEN_DELETION)) and m.get(DELETED) != t.get(DELETED):
            conflicts.append(FieldConflict(DELETED, b.get(DELETED), m.get(DELETED), t.get(DELETED)))
            merged.pop(DELETED)
            new_base[DELETED] = b.get(DELETED)
            new_base[OPEN_DELETION] = True
            if kind is ConflictKind.EDIT and len(conflicts) == 1:
                kind = ConflictKind.EDIT_DELETE
    conflicting = {c.field for c in conflicts}
    to_local = {f: v for f, v in merged.items() if f not in conflicting and m.get(f) != v}
    to_remote = {f: v for f, v in merged.items() if f not in conflicting and f not in bad and t.get(f) != v}
    if to_local:
        result.to_local[record_id] = to_local
    if to_remote:
        result.to_remote[record_id] = to_remote
    unagreed = [c.field for c in conflicts if c.field not in agreed_before]
    # an unreadable cell of a field not agreed yet (or of a record without a base) leaves it so
    unagreed += [f for f in fields if f in bad and f not in agreed_before and f not in unagreed]
    if unagreed:
        new_base[UNAGREED] = ",".join(unagreed)
    if _changed(b, new_base, fields) or any(
        (b or {}).get(marker) != new_base.get(marker) for marker in (OPEN_DELETION, UNAGREED)
    ):
        result.base[record_id] = new_base
    if conflicts:
        result.conflicts.append(Conflict(record_id, kind, tuple(conflicts)))


def _merge_removed_row(
    result: MergeResult, record_id: str, b: Record | None, m: Record, fields: Sequence[str]
) -> None:
    """The record is here but not (or no longer) in the workbook."""
    if b is None:
        if not m.get(DELETED):  # new here: add it there (a record created and deleted here stays here)
            result.to_remote[record_id] = record = {f: m.get(f) for f in fields}
            result.new_remote.add(record_id)
            result.base[record_id] = dict(record)
        return
    if all(m.get(f) == b.get(f) for f in fields) and not (b.get(OPEN_DELETION) and not m.get(DELETED)):
        if not m.get(DELETED):  # unchanged here since the base: follow head office's removal
            result.to_local[record_id] = {DELETED: True}
            result.base[record_id] = {**m, DELETED: True}
        return
    if m.get(DELETED):  # deleted on both sides: that much is agreed, not the edits made here before
        agreed = {**b, DELETED: True}  # (the row may come back: they are still this laptop's to send)
        agreed.pop(OPEN_DELETION, None)
        if agreed != b:
            result.base[record_id] = agreed
        return
    result.conflicts.append(
        Conflict(record_id, ConflictKind.REMOVED, (FieldConflict(DELETED, b.get(DELETED), False, True),))
    )


def resolve(
    conflict: Conflict, base: Record | None, chosen: Mapping[str, Canonical]
) -> tuple[Record, Record | None]:
    """What resolving ``conflict`` with the ``chosen`` field values means for this side.

    Returns (fields to set locally, new base). The new base takes the workbook's value for each
    resolved field, so the next sync sees "theirs unchanged, mine changed" and sends the chosen value
    out (or nothing, when theirs was chosen). A record kept after the workbook removed its row gets
    no base, so the next sync adds it to the workbook again.
    A decided deletion is no longer open (see :data:`OPEN_DELETION`).
    """
    local = dict(chosen)
    if conflict.kind is ConflictKind.REMOVED:
        return local, None
    new_base: Record = dict(base or {})
    if DELETED in chosen:
        new_base.pop(OPEN_DELETION, None)
    for item in conflict.fields:
        if item.field in chosen:
            new_base[item.field] = item.theirs
    unagreed = [f for f in str(new_base.pop(UNAGREED, "") or "").split(",") if f and f not in chosen]
    if unagreed:
        new_base[UNAGREED] = ",".join(unagreed)
    return local, new_base
