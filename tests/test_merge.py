"""The three-way merge, cell by cell, and as a system of laptops and a workbook syncing at random."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.merge import DELETED, ConflictKind, Record, merge, resolve

FIELDS = ("a", "b", DELETED)


def rec(a: str | None = "x", b: str | None = "y", deleted: bool = False) -> Record:
    return {"a": a, "b": b, DELETED: deleted}


def one(base: Record | None, mine: Record | None, theirs: Record | None, bad: set[str] | None = None):
    wrap = lambda r: {} if r is None else {"r1": r}  # noqa: E731
    return merge(wrap(base), wrap(mine), wrap(theirs), FIELDS, {"r1": bad} if bad else None)


# --- every cell of the three-way table -----------------------------------------------------------


def test_unchanged_everywhere_is_quiet() -> None:
    result = one(rec(), rec(), rec())
    assert result.quiet and not result.conflicts and result.base == {}


def test_changed_only_here_goes_out() -> None:
    result = one(rec(), rec(a="mine"), rec())
    assert result.to_remote == {"r1": {"a": "mine"}} and result.to_local == {}
    assert result.base["r1"]["a"] == "mine"


def test_changed_only_there_comes_in() -> None:
    result = one(rec(), rec(), rec(b="theirs"))
    assert result.to_local == {"r1": {"b": "theirs"}} and result.to_remote == {}


def test_changed_on_both_sides_to_the_same_value_is_fine() -> None:
    result = one(rec(), rec(a="same"), rec(a="same"))
    assert result.quiet and not result.conflicts and result.base["r1"]["a"] == "same"


def test_changed_on_both_sides_differently_is_a_conflict_and_each_side_keeps_its_value() -> None:
    result = one(rec(), rec(a="mine", b="only mine"), rec(a="theirs"))
    assert [(c.kind, c.fields) for c in result.conflicts] == [
        (ConflictKind.EDIT, (type(result.conflicts[0].fields[0])("a", "x", "mine", "theirs"),))
    ]
    assert result.to_local == {}  # the conflicting field is not overwritten here…
    assert result.to_remote == {"r1": {"b": "only mine"}}  # …nor there; the rest still syncs
    assert result.base["r1"]["a"] == "x"  # the base keeps the conflict visible next time


def test_different_fields_changed_on_each_side_both_survive() -> None:
    result = one(rec(), rec(a="mine"), rec(b="theirs"))
    assert result.to_local == {"r1": {"b": "theirs"}} and result.to_remote == {"r1": {"a": "mine"}}


def test_new_here_is_added_there_and_new_there_is_added_here() -> None:
    assert one(None, rec(), None).new_remote == {"r1"}
    result = one(None, None, rec(a="typed by head office"))
    assert result.new_local == {"r1"} and result.to_local["r1"]["a"] == "typed by head office"


def test_added_on_both_sides_with_the_same_values_converges() -> None:
    # e.g. a crash after the workbook was written but before the database remembered it
    result = one(None, rec(), rec())
    assert result.quiet and not result.conflicts and result.base["r1"] == rec()


def test_added_on_both_sides_with_different_values_is_a_conflict() -> None:
    result = one(None, rec(a="one"), rec(a="two"))
    assert [c.fields[0].field for c in result.conflicts] == ["a"] and result.quiet


def test_deleted_here_marks_the_row_deleted_there() -> None:
    result = one(rec(), rec(deleted=True), rec())
    assert result.to_remote == {"r1": {DELETED: True}}


def test_deleted_there_deletes_here() -> None:
    result = one(rec(), rec(), rec(deleted=True))
    assert result.to_local == {"r1": {DELETED: True}}


def test_deleted_on_both_sides_is_quiet() -> None:
    result = one(rec(), rec(deleted=True), rec(deleted=True))
    assert result.quiet and not result.conflicts


def test_edited_here_deleted_there_is_a_conflict_and_the_record_is_kept() -> None:
    result = one(rec(), rec(a="edited"), rec(deleted=True))
    assert [c.kind for c in result.conflicts] == [ConflictKind.EDIT_DELETE]
    assert DELETED not in result.to_local.get("r1", {})
    assert result.to_remote == {"r1": {"a": "edited"}}  # the edit is not lost while it waits


def test_deleted_here_edited_there_is_a_conflict() -> None:
    result = one(rec(), rec(deleted=True), rec(b="edited"))
    assert [c.kind for c in result.conflicts] == [ConflictKind.EDIT_DELETE]
    assert result.to_local == {"r1": {"b": "edited"}} and result.to_remote == {}


def _apply(base: Record, mine: Record, theirs: Record, result) -> tuple[Record, Record, Record]:
    """Both sides and the base after a sync has carried out ``result``."""
    new_base = result.base.get("r1", base)
    return (
        dict(new_base) if new_base is not None else {},
        {**mine, **result.to_local.get("r1", {})},
        {**theirs, **result.to_remote.get("r1", {})},
    )


@pytest.mark.parametrize("deleted_here", [True, False])
def test_an_edit_delete_conflict_left_open_is_found_again_and_the_record_kept(deleted_here: bool) -> None:
    base = rec()
    mine, theirs = (
        (rec(deleted=True), rec(b="edited")) if deleted_here else (rec(a="edited"), rec(deleted=True))
    )
    for _sync in range(3):  # nobody decides: every sync finds it again, and deletes nothing
        result = one(base, mine, theirs)
        assert [c.kind for c in result.conflicts] == [ConflictKind.EDIT_DELETE]
        assert DELETED not in result.to_local.get("r1", {}) and DELETED not in result.to_remote.get("r1", {})
        base, mine, theirs = _apply(base, mine, theirs, result)
    assert not mine[DELETED] or not theirs[DELETED]
    assert (mine["a"], mine["b"]) == (theirs["a"], theirs["b"])  # the edit is on both sides meanwhile


@pytest.mark.parametrize("deleted_here", [True, False])
@pytest.mark.parametrize("delete", [True, False])
def test_an_edit_delete_conflict_resolved_either_way_converges(deleted_here: bool, delete: bool) -> None:
    base = rec()
    mine, theirs = (
        (rec(deleted=True), rec(b="edited")) if deleted_here else (rec(a="edited"), rec(deleted=True))
    )
    result = one(base, mine, theirs)
    base, mine, theirs = _apply(base, mine, theirs, result)
    local, new_base = resolve(result.conflicts[0], base, {DELETED: delete})
    base, mine = new_base or {}, {**mine, **local}
    result = one(base, mine, theirs)
    assert not result.conflicts
    base, mine, theirs = _apply(base, mine, theirs, result)
    assert mine == theirs and mine[DELETED] is delete
    assert one(base, mine, theirs).quiet


@pytest.mark.parametrize("deleted_here", [True, False])
def test_edits_made_while_an_edit_delete_conflict_waits_go_through_and_the_deletion_still_waits(
    deleted_here: bool,
) -> None:
    base = rec()
    mine, theirs = (
        (rec(deleted=True), rec(b="edited")) if deleted_here else (rec(a="edited"), rec(deleted=True))
    )
    base, mine, theirs = _apply(base, mine, theirs, one(base, mine, theirs))
    if deleted_here:
        theirs = {**theirs, "b": "edited again"}  # head office edits the row once more
    else:
        mine = {**mine, "a": "edited again"}  # and so does the laptop
    result = one(base, mine, theirs)
    assert [c.kind for c in result.conflicts] == [ConflictKind.EDIT_DELETE]  # not a made-up edit conflict
    assert DELETED not in result.to_local.get("r1", {}) and DELETED not in result.to_remote.get("r1", {})
    base, mine, theirs = _apply(base, mine, theirs, result)
    assert (mine["a"], mine["b"]) == (theirs["a"], theirs["b"]) and "edited again" in (mine["a"], mine["b"])


def test_deciding_to_delete_keeps_an_edit_made_while_the_conflict_waited() -> None:
    base, mine, theirs = rec(), rec(a="first"), rec(deleted=True)
    result = one(base, mine, theirs)
    base, mine, theirs = _apply(base, mine, theirs, result)
    mine = {**mine, "a": "second"}  # edited again here before the person decides
    local, new_base = resolve(result.conflicts[0], base, {DELETED: True})
    base, mine = new_base or {}, {**mine, **local}
    result = one(base, mine, theirs)
    assert not result.conflicts
    base, mine, theirs = _apply(base, mine, theirs, result)
    assert mine == theirs and mine["a"] == "second" and mine[DELETED] is True


def test_a_row_removed_while_its_deletion_waits_is_not_followed_silently() -> None:
    base, mine, theirs = rec(), rec(a="edited"), rec(deleted=True)
    base, mine, theirs = _apply(base, mine, theirs, one(base, mine, theirs))
    result = one(base, mine, None)  # head office then removes the row outright
    assert [c.kind for c in result.conflicts] == [ConflictKind.REMOVED] and result.quiet


def test_a_local_edit_to_a_field_the_workbook_cannot_show_is_not_taken_as_agreed() -> None:
    """Its cell unreadable or its column gone: the edit is kept, and goes out once the cell reads."""
    result = one(rec(), rec(a="mine"), rec(a=None), bad={"a"})
    assert result.to_remote == {} and result.base.get("r1", rec())["a"] == "x"
    base = result.base.get("r1", rec())
    assert one(base, rec(a="mine"), rec(a="x")).to_remote == {"r1": {"a": "mine"}}  # the column is back
    assert [c.kind for c in one(base, rec(a="mine"), rec(a="typed")).conflicts] == [ConflictKind.EDIT]


def test_row_removed_there_and_unchanged_here_is_deleted_here() -> None:
    result = one(rec(), rec(), None)
    assert result.to_local == {"r1": {DELETED: True}} and not result.conflicts


def test_row_removed_there_but_edited_here_is_a_conflict_and_kept() -> None:
    result = one(rec(), rec(a="edited"), None)
    assert [c.kind for c in result.conflicts] == [ConflictKind.REMOVED] and result.quiet


def test_a_record_created_and_deleted_here_before_any_sync_is_not_sent() -> None:
    assert one(None, rec(deleted=True), None).quiet


def test_an_unreadable_cell_counts_as_unchanged_and_is_never_overwritten() -> None:
    result = one(rec(), rec(a="mine"), rec(a="5000 approx"), bad={"a"})
    assert result.to_local == {} and result.to_remote == {} and not result.conflicts
    result = one(None, None, rec(a="garbage"), bad={"a"})
    assert result.to_local["r1"]["a"] is None and result.to_local["r1"]["b"] == "y"


@pytest.mark.parametrize("choice", ["mine", "theirs", "typed"])
def test_a_resolution_goes_out_with_the_next_sync(choice: str) -> None:
    base, mine, theirs = rec(), rec(a="mine"), rec(a="theirs")
    conflict = one(base, mine, theirs).conflicts[0]
    value = {"mine": "mine", "theirs": "theirs", "typed": "typed"}[choice]
    local, new_base = resolve(conflict, base, {"a": value})
    mine = {**mine, **local}
    second = one(new_base, mine, theirs)
    assert not second.conflicts
    theirs = {**theirs, **second.to_remote.get("r1", {})}
    assert mine["a"] == theirs["a"] == value


def test_keeping_a_record_whose_row_was_removed_adds_it_again() -> None:
    conflict = one(rec(), rec(a="edited"), None).conflicts[0]
    local, new_base = resolve(conflict, rec(), {DELETED: False})
    assert new_base is None
    assert one(new_base, {**rec(a="edited"), **local}, None).new_remote == {"r1"}


# --- laptops and a workbook, syncing in random order ------------------------------------------------


class World:
    """Laptops and a workbook; every written value is a unique token so a lost write is visible."""

    def __init__(self, laptops: int) -> None:
        self.mine: list[dict[str, Record]] = [{} for _ in range(laptops)]
        self.base: list[dict[str, Record]] = [{} for _ in range(laptops)]
        self.workbook: dict[str, Record] = {}
        self.tokens = itertools.count()
        self.created: list[str] = []
        self.superseded: set[str] = set()  # replaced by a later edit or a resolution
        self.deleted_values: set[str] = set()  # given up by a deletion (a person may still keep them)
        self.written: set[str] = set()
        self.removed: set[str] = set()  # values in rows head office removed from the workbook
        self.removed_ids: set[str] = set()
        self.tokens_of: dict[str, set[str]] = {}

    def token(self, record_id: str) -> str:
        value = f"v{next(self.tokens)}"
        self.written.add(value)
        self.tokens_of.setdefault(record_id, set()).add(value)
        return value

    def side(self, number: int) -> dict[str, Record]:
        return self.workbook if number < 0 else self.mine[number]

    def create(self, number: int) -> None:
        record_id = f"r{len(self.created)}"
        self.created.append(record_id)
        self.side(number)[record_id] = {
            "a": self.token(record_id),
            "b": self.token(record_id),
            DELETED: False,
        }

    def edit(self, number: int, pick: int, name: str) -> None:
        # Deleted records cannot be edited in the app (restore first), nor here.
        records = sorted(k for k, r in self.side(number).items() if not r[DELETED])
        if records:
            record_id = records[pick % len(records)]
            record = self.side(number)[record_id]
            if record[name] is not None:
                self.superseded.add(str(record[name]))
            record[name] = self.token(record_id)

    def delete(self, number: int, pick: int) -> None:
        records = sorted(self.side(number))
        if records:
            record = self.side(number)[records[pick % len(records)]]
            if not record[DELETED]:  # deleting says: these values are no longer wanted
                self.deleted_values.update(str(record[f]) for f in ("a", "b") if record[f] is not None)
            record[DELETED] = True

    def remove_row(self, pick: int) -> None:
        """Head office deletes a row from the workbook outright."""
        records = sorted(self.workbook)
        if records:
            record_id = records[pick % len(records)]
            removed = self.workbook.pop(record_id)
            self.removed.update(str(removed[f]) for f in ("a", "b"))
            self.removed_ids.add(record_id)

    def sync(self, laptop: int, prefer_mine: bool | None) -> bool:
        """Sync one laptop; a person then resolves every conflict, preferring mine or theirs, or
        (``None``) leaves them open for a later sync."""
        result = merge(self.base[laptop], self.mine[laptop], self.workbook, FIELDS)
        mine, base = self.mine[laptop], self.base[laptop]
        for record_id, values in result.to_local.items():
            mine.setdefault(record_id, {}).update(values)
        for record_id, values in result.to_remote.items():
            self.workbook.setdefault(record_id, {}).update(values)
        for record_id, new_base in result.base.items():
            if new_base is None:
                base.pop(record_id, None)
            else:
                base[record_id] = dict(new_base)
        for conflict in result.conflicts if prefer_mine is not None else []:
            chosen = {
                c.field: (c.mine if prefer_mine else c.theirs)
                if c.field == DELETED or (c.mine if prefer_mine else c.theirs) is not None
                else c.mine
                for c in conflict.fields
            }
            if conflict.kind is ConflictKind.REMOVED:
                chosen = {DELETED: False}  # keep: a person chose this laptop's copy of the removed row
                kept = {str(mine[conflict.record_id][f]) for f in ("a", "b")}
                self.superseded.difference_update(kept)
                self.deleted_values.difference_update(kept)
                # Head office removed the row and a person brought this laptop's copy back: whatever
                # other copies held went with the removal.
                self.removed.update(self.tokens_of.get(conflict.record_id, set()) - kept)
            if conflict.kind is ConflictKind.EDIT_DELETE:
                record = mine[conflict.record_id]
                values = {str(record[f]) for f in ("a", "b") if record[f] is not None}
                if chosen[DELETED]:
                    self.deleted_values.update(values)  # the deletion stands
                else:
                    self.deleted_values.difference_update(values)  # a person kept the record
            for c in conflict.fields:
                if c.field == DELETED or c.field not in chosen:
                    continue
                winner = chosen[c.field]
                loser = c.theirs if winner == c.mine else c.mine
                if loser is not None:
                    self.superseded.add(str(loser))
                self.superseded.discard(str(winner))  # a person chose it: it stands again
                self.deleted_values.discard(str(winner))
            local, new_base = resolve(conflict, base.get(conflict.record_id), chosen)
            mine[conflict.record_id].update(local)
            if new_base is None:
                base.pop(conflict.record_id, None)
            else:
                base[conflict.record_id] = new_base
        return result.quiet and not result.conflicts


operation = st.one_of(
    st.tuples(st.just("create"), st.integers(-1, 3)),
    st.tuples(st.just("edit"), st.integers(-1, 3), st.integers(0, 20), st.sampled_from(["a", "b"])),
    st.tuples(st.just("delete"), st.integers(-1, 3), st.integers(0, 20)),
    st.tuples(st.just("sync"), st.integers(0, 3), st.sampled_from([True, False, None])),
    st.tuples(st.just("remove"), st.integers(-1, -1), st.integers(0, 20)),
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(laptops=st.integers(2, 4), operations=st.lists(operation, max_size=60), prefer=st.lists(st.booleans()))
def test_random_edits_on_laptops_and_workbook_converge_without_losing_writes(
    laptops: int, operations: list[tuple], prefer: list[bool]
) -> None:
    world = World(laptops)
    choices = itertools.cycle(prefer or [True])
    for op in operations:
        kind, who = op[0], op[1]
        if who >= laptops:
            who = who % laptops
        if kind == "create":
            world.create(who)
        elif kind == "edit":
            world.edit(who, op[2], op[3])
        elif kind == "delete":
            world.delete(who, op[2])
        elif kind == "remove":
            world.remove_row(op[2])
        else:
            world.sync(who % laptops, op[2])
    for _ in range(6):  # everyone stops editing and syncs until quiet
        if all([world.sync(laptop, next(choices)) for laptop in range(laptops)]):
            break
    assert all(world.sync(laptop, True) for laptop in range(laptops)), "did not converge"

    # A record created and deleted on a laptop before it ever synced stays on that laptop (restorable).
    never_sent = {
        record_id: record
        for side in world.mine
        for record_id, record in side.items()
        if record_id not in world.workbook and record_id not in world.removed_ids and record[DELETED]
    }
    for laptop in range(laptops):
        shared = {
            k: v
            for k, v in world.mine[laptop].items()
            if k not in never_sent and not (k in world.removed_ids and k not in world.workbook and v[DELETED])
        }
        assert shared == world.workbook  # every laptop equals the workbook
    kept = world.workbook.keys() | never_sent.keys()
    assert kept <= set(world.created) and len(kept) == len(set(kept))  # nothing doubled or invented
    if not world.removed:
        assert sorted(kept) == sorted(world.created)  # nothing lost
    live = {str(r[f]) for r in world.workbook.values() if not r[DELETED] for f in ("a", "b")}
    deleted_here = [
        r for side in world.mine for k, r in side.items() if k not in world.workbook and r[DELETED]
    ]
    restorable = {str(r[f]) for r in (*world.workbook.values(), *deleted_here) for f in ("a", "b")}
    survivors = world.written - world.superseded - world.deleted_values
    assert live <= survivors  # nothing superseded comes back
    assert survivors - world.removed <= restorable  # every write is still there, replaced, or removed
