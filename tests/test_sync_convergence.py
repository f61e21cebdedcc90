"""Cases a randomized convergence review found: two laptops and head office editing, deleting and
putting back rows, then syncing in turn. Each lost an edit without a word, settled a conflict by
itself, or stopped a laptop's syncs for good."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from sync_helpers import (
    _saved_now,
    hand_append,
    hand_edit,
    local_records,
    small_bureau,
    workbook_records,
)

from models.store import LedgerStore
from sync.conflicts import load_conflicts, resolve_conflict
from sync.engine import synchronise
from sync.workbook_read import read_workbook
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts


def _moved_share(tmp_path: Path, workbook: Path) -> Path:
    """The shared folder moved: the master is a copy elsewhere, its records compared two-way."""
    (tmp_path / "moved").mkdir()
    return Path(shutil.copy(workbook, tmp_path / "moved" / "master.xlsx"))


def _sent_or_in_conflict(
    database, workbook: Path, ledger: str, record_id: str, name: str, value: str
) -> None:
    """An edit here is still here, and went to the workbook or waits in a conflict: never dropped."""
    here = local_records(database, ledger)[record_id]
    there = workbook_records(workbook, ledger)[record_id]
    assert here[name] == value
    assert there[name] == value or load_conflicts(database), (
        f"local edit neither synced nor in conflict: here={here[name]!r} there={there[name]!r}"
    )


def _cut_row(workbook: Path, ledger: str, record_id: str) -> list:
    """Head office cuts a record's row out of the sheet (Excel: select the row, Delete Row)."""
    sheet = read_workbook(workbook).sheets[ledger]
    book = openpyxl.load_workbook(workbook)
    ws = book[sheet.sheet]
    row = sheet.rows[record_id]
    values = [cell.value for cell in ws[row]]
    ws.delete_rows(row)
    book.save(workbook)
    return values


def _paste_row_back(workbook: Path, ledger: str, values: list) -> None:
    """... and pastes it back below the others, cell for cell as it was."""
    sheet = read_workbook(workbook).sheets[ledger]
    part = sheet_parts(workbook)[sheet.sheet]
    row = {column: value for column, value in enumerate(values, start=1) if value not in (None, "")}
    edited = workbook.with_name("hand-edit.xlsx")
    patch_workbook(
        workbook, edited, [SheetPatch(part, {}, [row], header_row=sheet.header_row)], stamp=_saved_now()
    )
    shutil.move(edited, workbook)


def test_a_row_put_back_after_a_removed_conflict_drops_the_local_edit_and_the_conflict(
    database, store, workbook
) -> None:
    bureau = small_bureau(store)
    enterprise = bureau["enterprise"]
    synchronise(database, workbook, "张三")
    synchronise(database, workbook, "张三")  # reads the rows it wrote: each gets its "settled" digest
    store.update("enterprises", enterprise, {"city": "深圳"})  # edited here
    row = _cut_row(workbook, "enterprises", enterprise)  # head office removes the row meanwhile
    synchronise(database, workbook, "张三")
    assert [c.record_id for c in load_conflicts(database)] == [enterprise]  # REMOVED conflict: fine

    _paste_row_back(workbook, "enterprises", row)  # head office puts the row back as it was
    synchronise(database, workbook, "张三")

    # the row is there again, the base still says city None, the laptop changed it: it should go out
    _sent_or_in_conflict(database, workbook, "enterprises", enterprise, "city", "深圳")


def test_a_record_another_laptop_kept_and_sent_again_drops_this_laptops_pending_edit(
    database, store, workbook, second_laptop
) -> None:
    """Laptop B edits an enterprise whose row head office removed: a REMOVED conflict on B (fine).
    Laptop A keeps the record (restores it, resolves its own REMOVED conflict with "keep"), which puts
    the row back in the workbook as it was. B's next sync skips the row as "settled" (its stored row
    digest is from before the removal): B's conflict disappears and B's edit never goes out."""
    bureau = small_bureau(store)
    enterprise = bureau["enterprise"]
    other = LedgerStore(second_laptop, "李四")
    synchronise(database, workbook, "张三")
    synchronise(second_laptop, workbook, "李四")

    _cut_row(workbook, "enterprises", enterprise)  # head office removes the row
    other.update("enterprises", enterprise, {"city": "深圳"})  # B edits it meanwhile
    synchronise(second_laptop, workbook, "李四")
    assert [c.record_id for c in load_conflicts(second_laptop)] == [enterprise]  # REMOVED, kept on B

    synchronise(database, workbook, "张三")  # A: unchanged there, follows the removal (deleted here)
    store.set_deleted("enterprises", [enterprise], False)  # A restores it
    synchronise(database, workbook, "张三")  # REMOVED conflict on A
    [conflict] = load_conflicts(database)
    resolve_conflict(database, "张三", conflict, {"deleted": False})  # keep it
    synchronise(database, workbook, "张三")  # the record goes to the workbook again, as it was
    assert enterprise in workbook_records(workbook, "enterprises")

    synchronise(second_laptop, workbook, "李四")
    _sent_or_in_conflict(second_laptop, workbook, "enterprises", enterprise, "city", "深圳")  # B's edit


def test_an_edit_made_before_deleting_is_lost_when_another_laptop_brings_the_record_back(
    database, store, workbook, second_laptop
) -> None:
    """B edits a team and deletes it; head office removes its row meanwhile. B's sync finds it "deleted
    on both sides" and stores B's values as the agreed base, though the workbook never saw B's edit.
    A keeps the record (restore, resolve its REMOVED conflict with "keep"), so it goes back to the
    workbook with the old name. B's next sync takes the old name over B's edit: no conflict, no issue."""
    bureau = small_bureau(store)
    team = bureau["team"]
    other = LedgerStore(second_laptop, "李四")
    synchronise(database, workbook, "张三")
    synchronise(second_laptop, workbook, "李四")

    other.update("teams", team, {"leader": "王五"})  # B's edit...
    other.set_deleted("teams", [team], True)  # ...then B deletes the team
    _cut_row(workbook, "teams", team)  # head office removes its row meanwhile
    synchronise(second_laptop, workbook, "李四")  # B: gone on both sides, no conflict

    synchronise(database, workbook, "张三")  # A follows the removal
    store.set_deleted("teams", [team], False)  # A wants the team back
    synchronise(database, workbook, "张三")
    [conflict] = load_conflicts(database)
    resolve_conflict(database, "张三", conflict, {"deleted": False})
    synchronise(database, workbook, "张三")  # back in the workbook, leader 李四 as A knows it

    synchronise(second_laptop, workbook, "李四")
    here = local_records(second_laptop, "teams")[team]
    there = workbook_records(workbook, "teams")[team]
    assert "王五" in (here["leader"], there["leader"]) or load_conflicts(second_laptop), (
        f"B's edit is gone without a conflict: here={here['leader']!r} there={there['leader']!r}"
    )


def test_an_edit_made_before_deleting_is_lost_when_head_office_puts_the_row_back(
    database, store, workbook
) -> None:
    bureau = small_bureau(store)
    team = bureau["team"]
    synchronise(database, workbook, "张三")
    store.update("teams", team, {"leader": "王五"})  # edited here (was 李四)...
    store.set_deleted("teams", [team], True)  # ...then deleted here
    row = _cut_row(workbook, "teams", team)  # head office removes the row meanwhile
    synchronise(database, workbook, "张三")  # "deleted on both sides": base := this laptop's values
    _paste_row_back(workbook, "teams", row)  # head office puts the row back (leader 李四, not deleted)
    synchronise(database, workbook, "张三")
    here = local_records(database, "teams")[team]
    there = workbook_records(workbook, "teams")[team]
    assert "王五" in (here["leader"], there["leader"]) or load_conflicts(database), (
        f"the edit is gone without a conflict: here={here['leader']!r} there={there['leader']!r}"
    )


def test_a_row_put_back_while_removals_were_held_drops_the_local_edit(database, store, workbook) -> None:
    """The same stale "settled" digest, without a conflict: the removal was held (a row without id the
    sync could not place sat in the sheet), then head office put the row back."""
    bureau = small_bureau(store)
    enterprise = bureau["enterprise"]
    synchronise(database, workbook, "张三")
    synchronise(database, workbook, "张三")  # the rows get their "settled" digests
    store.update("enterprises", enterprise, {"city": "深圳"})
    row = _cut_row(workbook, "enterprises", enterprise)
    hand_append(workbook, "enterprises", [{"city": "佛山"}])  # a row without a name: not taken over
    report = synchronise(database, workbook, "张三")
    assert report.counts["enterprises"].issues == 2  # the row, and "missing records not taken as removed"
    _paste_row_back(workbook, "enterprises", row)
    sheet = read_workbook(workbook).sheets["enterprises"]
    [junk_row] = sheet.ids_to_write.values()
    edited = workbook.with_name("hand-edit.xlsx")  # and clears the stray row
    patch = SheetPatch(sheet_parts(workbook)[sheet.sheet], {(junk_row, sheet.columns["city"]): None}, [])
    patch_workbook(workbook, edited, [patch], stamp=_saved_now())
    shutil.move(edited, workbook)
    report = synchronise(database, workbook, "张三")
    _sent_or_in_conflict(database, workbook, "enterprises", enterprise, "city", "深圳")


def test_a_conflict_found_without_a_base_resolves_itself_on_the_next_sync(
    tmp_path: Path, database, store, workbook
) -> None:
    """Against a workbook with no bases (the share moved: every record compared two-way, as the
    architecture says), a field set here and cleared there is listed as a conflict. The next sync, with
    nobody touching anything, drops the conflict and writes this laptop's value over head office's
    clearing: the stored base holds None for the conflicting field, read next time as "agreed empty"."""
    bureau = small_bureau(store)
    enterprise = bureau["enterprise"]
    store.update("enterprises", enterprise, {"phone": "0758-111"})
    synchronise(database, workbook, "张三")
    workbook = _moved_share(tmp_path, workbook)
    hand_edit(workbook, "enterprises", {(enterprise, "phone"): None})  # head office clears the phone
    synchronise(database, workbook, "张三")
    assert [f.field for c in load_conflicts(database) for f in c.fields] == ["phone"]  # listed: fine

    synchronise(database, workbook, "张三")  # nobody did anything in between
    assert load_conflicts(database), "the conflict went away without a person resolving it"
    assert workbook_records(workbook, "enterprises")[enterprise]["phone"] is None  # head office's clearing


def test_a_conflict_found_without_a_base_is_decided_once(tmp_path: Path, database, store, workbook) -> None:
    """Deciding it (here: keep this laptop's value) sends the value out; it is not listed again."""
    bureau = small_bureau(store)
    enterprise = bureau["enterprise"]
    store.update("enterprises", enterprise, {"phone": "0758-111"})
    synchronise(database, workbook, "张三")
    workbook = _moved_share(tmp_path, workbook)
    hand_edit(workbook, "enterprises", {(enterprise, "phone"): "0758-222", (enterprise, "city"): "佛山"})
    synchronise(database, workbook, "张三")
    [conflict] = load_conflicts(database)
    assert [f.field for f in conflict.fields] == ["phone", "city"] or [f.field for f in conflict.fields] == [
        "city",
        "phone",
    ]
    store.update("enterprises", enterprise, {"contact_person": "陈七"})  # edited here meanwhile
    resolve_conflict(database, "张三", conflict, {"phone": "0758-111", "city": "佛山"})
    report = synchronise(database, workbook, "张三")
    assert report.total("conflicts") == 0 and load_conflicts(database) == []
    there = workbook_records(workbook, "enterprises")[enterprise]
    assert (there["phone"], there["city"], there["contact_person"]) == ("0758-111", "佛山", "陈七")
    assert synchronise(database, workbook, "张三").total("conflicts") == 0


def test_a_required_cell_cleared_there_on_a_record_deleted_here_keeps_its_value_here(
    database, store, workbook
) -> None:
    """The laptop deletes a team; head office clears that team's name cell meanwhile. The merge took
    the empty name here, unchecked for a record that ends up deleted: the workbook was written, then
    the database refused NULL for teams.name, at every sync: this laptop never synced again. Then (a
    review of the fix) an issue every sync, and keeping the deletion was asked again every sync."""
    bureau = small_bureau(store)
    team = bureau["team"]
    synchronise(database, workbook, "张三")
    store.set_deleted("teams", [team], True)
    hand_edit(workbook, "teams", {(team, "name"): None})
    report = synchronise(database, workbook, "张三")  # deleted here, edited there: a person decides
    assert report.total("issues") == 0 and store.get("teams", team)["name"] == "端州区招商一组"
    [conflict] = load_conflicts(database)
    resolve_conflict(database, "张三", conflict, {"deleted": True})  # the deletion is kept
    synchronise(database, workbook, "张三")
    assert not load_conflicts(database)
    there = workbook_records(workbook, "teams")[team]
    assert there["deleted"] and there["name"] == "端州区招商一组"  # the deleted row named again
    report = synchronise(database, workbook, "张三")
    assert report.total("issues") == 0 and report.total("conflicts") == 0


def test_a_required_cell_cleared_in_a_row_deleted_on_both_sides_is_named_again(
    database, store, workbook
) -> None:
    small_bureau(store)
    spare = store.create("teams", {"name": "二组", "unit": "端州区"})
    synchronise(database, workbook, "张三")
    store.set_deleted("teams", [spare], True)
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "teams", {(spare, "name"): None})  # head office tidies the deleted row
    synchronise(database, workbook, "张三")
    report = synchronise(database, workbook, "张三")
    assert report.counts["teams"].issues == 0  # an issue at every sync, for good, before
    assert workbook_records(workbook, "teams")[spare]["name"] == "二组"


def test_an_unreadable_cell_on_a_field_not_yet_agreed_is_not_offered_as_empty(
    tmp_path: Path, database, store, workbook
) -> None:
    """A cell head office typed wrong, on a field in a conflict found comparing two-way, was offered
    as "the workbook's: empty"; keeping it wiped the value here."""
    from models import controlled
    from models.fields import LEDGERS

    enterprise = small_bureau(store)["enterprise"]
    synchronise(database, workbook, "张三")
    workbook = _moved_share(tmp_path, workbook)
    spec = {f.name: f for f in LEDGERS["enterprises"].fields}["industry"]
    store.update("enterprises", enterprise, {"industry": "energy_storage"})
    typed = controlled.label(str(spec.choices), "electronic_info", "zh")
    hand_edit(workbook, "enterprises", {(enterprise, "industry"): typed})
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "enterprises", {(enterprise, "industry"): "火星产业"})  # not a known industry
    report = synchronise(database, workbook, "张三")
    assert report.counts["enterprises"].issues == 1
    assert all(f.theirs is not None for c in load_conflicts(database) for f in c.fields)
    assert store.get("enterprises", enterprise)["industry"] == "energy_storage"
    hand_edit(workbook, "enterprises", {(enterprise, "industry"): typed})  # the cell put right again
    synchronise(database, workbook, "张三")
    [conflict] = load_conflicts(database)  # still for a person to decide, not taken as agreed meanwhile
    assert {f.field: (f.mine, f.theirs) for f in conflict.fields} == {
        "industry": ("energy_storage", "electronic_info")
    }


def test_the_workbooks_empty_required_value_cannot_be_chosen(database, store, workbook) -> None:
    """Keeping the workbook's cleared team name stopped with a database error (NOT NULL)."""
    from models.validation import ValidationError

    team = small_bureau(store)["team"]
    synchronise(database, workbook, "张三")
    store.update("teams", team, {"name": "端州区招商二组"})
    hand_edit(workbook, "teams", {(team, "name"): None})
    synchronise(database, workbook, "张三")
    [conflict] = load_conflicts(database)
    with pytest.raises(ValidationError) as refused:
        resolve_conflict(database, "张三", conflict, {"name": None})
    assert [p.field for p in refused.value.problems] == ["name"]
    assert store.get("teams", team)["name"] == "端州区招商二组" and load_conflicts(database)  # as before


def test_a_row_removed_for_good_leaves_its_sheet_unread_when_nothing_changes(
    database, store, workbook
) -> None:
    """A record deleted on both sides whose row head office removed keeps no row digest; the sheet is
    still stored as settled, so later syncs need not read it (a sheet read every time is slow)."""
    from sync.local import settled_rows

    bureau = small_bureau(store)
    synchronise(database, workbook, "张三")
    store.set_deleted("leads", [bureau["lead"]], True)
    _cut_row(workbook, "leads", bureau["lead"])
    synchronise(database, workbook, "张三")
    synchronise(database, workbook, "张三")
    assert "leads" in settled_rows(database, str(workbook.resolve())).sheets


def test_keep_mine_keeps_the_value_here_now_not_the_one_when_the_conflict_was_found(
    database, store, workbook
) -> None:
    """Edited again while its conflict was open, a record went back to the value of then on "keep
    mine": the dialog offered that one as this laptop's."""
    team = small_bureau(store)["team"]
    synchronise(database, workbook, "张三")
    store.update("teams", team, {"leader": "王五"})
    hand_edit(workbook, "teams", {(team, "leader"): "赵六"})
    synchronise(database, workbook, "张三")
    store.update("teams", team, {"leader": "钱七"})  # edited again here while the conflict is open
    [conflict] = load_conflicts(database)
    assert {f.field: f.mine for f in conflict.fields} == {"leader": "钱七"}
    resolve_conflict(database, "张三", conflict, {f.field: f.mine for f in conflict.fields})
    synchronise(database, workbook, "张三")
    assert local_records(database, "teams")[team]["leader"] == "钱七"
    assert workbook_records(workbook, "teams")[team]["leader"] == "钱七"


def test_an_unreadable_cell_of_a_record_without_a_base_is_not_taken_as_agreed(
    tmp_path: Path, database, store, workbook
) -> None:
    """Compared two-way (no base), a cell head office typed wrong was taken as agreeing with this
    laptop; put right later, head office's value replaced this laptop's edit without a word."""
    from models import controlled
    from models.fields import LEDGERS

    enterprise = small_bureau(store)["enterprise"]
    synchronise(database, workbook, "张三")
    workbook = _moved_share(tmp_path, workbook)
    store.update("enterprises", enterprise, {"industry": "energy_storage"})
    hand_edit(workbook, "enterprises", {(enterprise, "industry"): "火星产业"})  # unreadable
    synchronise(database, workbook, "张三")
    spec = {f.name: f for f in LEDGERS["enterprises"].fields}["industry"]
    typed = controlled.label(str(spec.choices), "electronic_info", "zh")
    hand_edit(workbook, "enterprises", {(enterprise, "industry"): typed})  # the cell put right
    synchronise(database, workbook, "张三")
    offered = {f.field: (f.mine, f.theirs) for c in load_conflicts(database) for f in c.fields}
    assert offered == {"industry": ("energy_storage", "electronic_info")}
    assert store.get("enterprises", enterprise)["industry"] == "energy_storage"


def test_keeping_ones_own_old_value_is_not_refused_for_a_rule_made_since(database, store, workbook) -> None:
    """Only what the database cannot hold is refused: a credit code from before its check was kept."""
    from sqlalchemy import text

    enterprise = small_bureau(store)["enterprise"]
    synchronise(database, workbook, "张三")
    with database.session("x", writes=True) as session:  # as an old version of the app stored it
        session.execute(
            text(
                "UPDATE enterprises SET credit_code = '12345', row_version = row_version + 1000 WHERE id = :i"
            ),
            {"i": enterprise},
        )
    hand_edit(workbook, "enterprises", {(enterprise, "credit_code"): None})
    synchronise(database, workbook, "张三")
    [conflict] = load_conflicts(database)
    resolve_conflict(database, "张三", conflict, {f.field: f.mine for f in conflict.fields})
    assert load_conflicts(database) == [] and store.get("enterprises", enterprise)["credit_code"] == "12345"
