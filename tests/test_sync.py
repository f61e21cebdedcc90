"""Sync of a laptop's database with the master workbook, end to end, including every way it can fail."""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sync_helpers import (
    cell_of,
    hand_append,
    hand_edit,
    local_records,
    new_workbook,
    workbook_records,
)

import main
from models.database import Database
from models.queries import LedgerQuery
from models.schema import Project, SyncBase, SyncConflict, SyncIssue, SyncRun, Visit
from models.store import LedgerStore
from sync import safety, workbook_read
from sync.engine import SHOWS_AN_ERROR_ROW_WAITS, Outcome, SyncCancelled, SyncFailed, synchronise
from sync.local import read_local
from sync.merge import DELETED
from sync.values import OUT_OF_RANGE, TICK_OR_CROSS, TOO_LARGE_AN_AMOUNT
from sync.workbook_read import read_workbook


@pytest.fixture(
    autouse=True, params=["rows-checked-as-xml", "sheets-read-again", "sheets-read-by-two-processes"]
)
def verification(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every scenario with both ways a written copy is checked (few rows written, or many), and with
    a helper process reading some of the sheets (as a sync of a big workbook on two cores does)."""
    from sync import engine, workbook_read

    if request.param != "rows-checked-as-xml":
        monkeypatch.setattr(engine, "ROWS_CHECKED_AS_XML", 0)
    if request.param == "sheets-read-by-two-processes":
        monkeypatch.setattr(workbook_read, "PARALLEL_READ_BYTES", 0)
        monkeypatch.setattr(workbook_read, "processors", lambda: 2)
    return str(request.param)


def _sync(database: Database, workbook: Path, user: str = "张三", **options):
    return synchronise(database, workbook, user, **options)


def _ledgers_agree(database: Database, workbook: Path) -> None:
    local = read_local(database).records
    data = read_workbook(workbook)
    for ledger, sheet in data.sheets.items():
        assert sheet.records == local[ledger], ledger


def test_first_sync_fills_the_workbook_and_a_second_laptop_gets_everything(
    database, bureau, workbook, second_laptop
) -> None:
    before = datetime.now(UTC)
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED
    assert report.total("added_there") == 5 and report.counts["visits"].added_there == 1
    _ledgers_agree(database, workbook)
    with database.session() as session:  # the bases (written through the driver) read back as the ORM's
        stamps = session.scalars(select(SyncBase.synced_at)).all()
    assert len(stamps) == 5 and all(before <= stamp <= datetime.now(UTC) for stamp in stamps)
    assert LedgerStore(database, "x").pending_changes() == 0

    report = _sync(second_laptop, workbook, "李四")
    assert report.total("added_here") == 5
    _ledgers_agree(second_laptop, workbook)
    assert local_records(second_laptop, "projects") == local_records(database, "projects")

    again = _sync(database, workbook)
    assert again.outcome is Outcome.SYNCED and again.total("added_there") + again.total("updated_there") == 0


def test_head_office_edits_come_in_and_local_edits_go_out(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "city"): "深圳"})
    store.update("visits", bureau["visit"], {"outcome": "对方有意向"})
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_here == 1 and report.counts["visits"].updated_there == 1
    assert store.get("enterprises", bureau["enterprise"])["city"] == "深圳"
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "对方有意向"
    history = store.history("enterprises", bureau["enterprise"])
    assert history[0].field == "city" and history[0].changed_by == "张三 (workbook)"


def test_reformatted_cells_are_not_changes(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    hand_edit(
        workbook,
        "leads",
        {
            (bureau["lead"], "planned_investment"): "10亿",
            (bureau["lead"], "discovered_on"): "2024年3月19日",
            (bureau["lead"], "title"): "氢燃料电池项目  ",
            (bureau["lead"], "effective"): "是",
        },
    )
    hand_edit(workbook, "projects", {(bureau["project"], "planned_investment"): 100000.0})
    report = _sync(database, workbook)
    assert report.total("updated_here") == 0 and report.total("updated_there") == 0
    assert report.outcome is Outcome.SYNCED


def test_an_x_in_a_yes_no_cell_is_asked_about_not_read_as_yes(database, store, bureau, workbook) -> None:
    """Head office crossed a lead out with an x typed for ×: it was read as yes (an effective lead), while
    × itself read as no. An x means a tick on one form and a cross on another."""
    _sync(database, workbook)
    assert store.get("leads", bureau["lead"])["effective"] is True
    for typed in ("x", "X"):
        hand_edit(workbook, "leads", {(bureau["lead"], "effective"): typed})
        report = _sync(database, workbook)
        assert report.outcome is Outcome.OPEN and report.total("issues") == 1
        with database.session() as session:
            (issue,) = session.scalars(select(SyncIssue))
            assert (issue.raw, issue.message) == (typed, TICK_OR_CROSS)
        assert store.get("leads", bureau["lead"])["effective"] is True  # this laptop's value kept
    for typed, meant in (("✗", False), ("✔", True), ("×", False)):
        hand_edit(workbook, "leads", {(bureau["lead"], "effective"): typed})
        report = _sync(database, workbook)
        assert report.total("issues") == 0, typed
        assert store.get("leads", bureau["lead"])["effective"] is meant, typed


def test_a_yes_no_cell_unreadable_in_a_laptops_first_sync_is_taken_once_put_right(
    database, bureau, workbook, second_laptop
) -> None:
    """A second laptop's first sync read an unreadable yes/no cell as no, yet remembered it as empty:
    when head office wrote 是, that laptop's user was asked to choose against a no they never gave."""
    _sync(database, workbook)
    hand_edit(workbook, "leads", {(bureau["lead"], "effective"): "x"})
    report = _sync(second_laptop, workbook, "李四")
    assert report.total("issues") == 1
    laptop = LedgerStore(second_laptop, "李四")
    assert (
        laptop.get("leads", bureau["lead"])["effective"] is False
    )  # as an empty cell reads, until put right
    hand_edit(workbook, "leads", {(bureau["lead"], "effective"): "是"})
    report = _sync(second_laptop, workbook, "李四")
    assert report.outcome is Outcome.SYNCED and report.total("conflicts") == 0
    assert laptop.get("leads", bureau["lead"])["effective"] is True


def test_rows_typed_without_id_are_imported_and_get_their_id_written_back(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    hand_append(
        workbook,
        "visits",
        [
            {
                "visit_date": date(2024, 5, 6),
                "kind": "走访企业",
                "enterprise_id:name": "深圳氢蓝时代动力科技 有限公司",
                "team_id:name": "端州区招商一组",
                "staff": "王五",
                "summary": '=HYPERLINK("http://x")',
            },
        ],
    )
    report = _sync(database, workbook)
    assert report.counts["visits"].added_here == 1
    records = workbook_records(workbook, "visits")
    new_id = next(rid for rid in records if rid != bureau["visit"])
    visit = store.get("visits", new_id)
    assert (visit["enterprise_id"], visit["team_id"], visit["staff"]) == (
        bureau["enterprise"],
        bureau["team"],
        "王五",
    )
    assert visit["summary"] == '=HYPERLINK("http://x")'  # text stays text, never a formula
    assert read_workbook(workbook).sheets["visits"].ids_to_write == {}  # the id is in the workbook now
    _ledgers_agree(database, workbook)


def test_a_conflict_is_kept_listed_and_resolved_with_the_next_sync(database, store, bureau, workbook) -> None:
    from sync.conflicts import load_conflicts, resolve_conflict

    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "phone"): "0758-222"})
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.counts["enterprises"].conflicts == 1
    assert store.get("enterprises", bureau["enterprise"])["phone"] == "0758-111"  # mine kept here
    assert (
        workbook_records(workbook, "enterprises")[bureau["enterprise"]]["phone"] == "0758-222"
    )  # theirs there

    conflicts = load_conflicts(database)
    assert [(c.ledger, c.record_id, [f.field for f in c.fields]) for c in conflicts] == [
        ("enterprises", bureau["enterprise"], ["phone"])
    ]
    field = conflicts[0].fields[0]
    assert (field.base, field.mine, field.theirs) == (None, "0758-111", "0758-222")
    assert field.mine_by == "Tester"
    resolve_conflict(database, "王五", conflicts[0], {"phone": "0758-333"})
    assert load_conflicts(database) == []
    assert store.pending_changes() == 1
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED
    assert workbook_records(workbook, "enterprises")[bureau["enterprise"]]["phone"] == "0758-333"


def test_keeping_ones_own_value_in_a_conflict_waits_to_be_synced(database, store, bureau, workbook) -> None:
    """Resolved with "keep mine", nothing here changed: the status bar said 0 changes waiting while
    the next sync had the value to send to head office."""
    from sync.conflicts import load_conflicts, resolve_conflict

    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "phone"): "0758-222"})
    _sync(database, workbook)
    assert store.pending_changes() == 0
    (conflict,) = load_conflicts(database)
    resolve_conflict(database, "张三", conflict, {"phone": "0758-111"})
    assert store.pending_changes() == 1
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_there == 1 and store.pending_changes() == 0
    assert workbook_records(workbook, "enterprises")[bureau["enterprise"]]["phone"] == "0758-111"


def test_edit_here_and_delete_there_keeps_the_record_as_a_conflict(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    store.update("leads", bureau["lead"], {"owner": "陈七"})
    hand_edit(workbook, "leads", {(bureau["lead"], "record_status"): "已删除"})
    report = _sync(database, workbook)
    assert report.counts["leads"].conflicts == 1
    assert store.get("leads", bureau["lead"])["deleted"] is False


def test_head_office_words_for_a_deleted_record_are_understood_and_an_unknown_one_is_asked_about(
    database, store, bureau, workbook
) -> None:
    """作废, 是 (in a column headed 删除标记) and ✓ left records live with no word: a silent drop."""
    _sync(database, workbook)
    hand_edit(workbook, "leads", {(bureau["lead"], "record_status"): "作废"})
    hand_edit(workbook, "projects", {(bureau["project"], "record_status"): "是"})
    hand_edit(workbook, "visits", {(bureau["visit"], "record_status"): "待定"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "record_status"): "正常"})
    report = _sync(database, workbook)
    assert (
        store.get("leads", bureau["lead"])["deleted"] and store.get("projects", bureau["project"])["deleted"]
    )
    assert not store.get("visits", bureau["visit"])["deleted"]
    assert not store.get("enterprises", bureau["enterprise"])["deleted"]
    assert report.total("issues") == 1 and report.counts["visits"].issues == 1
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue))
    status_column = _letter(read_workbook(workbook), "visits", "record_status")
    assert (issue.sheet, issue.column, issue.raw) == ("走访记录", status_column, "待定")
    assert "已删除" in issue.message

    store.set_deleted("visits", [bureau["visit"]], True)  # waits while the cell says 待定
    report = _sync(database, workbook)
    assert report.counts["visits"].issues == 1 and report.counts["visits"].deleted_there == 0
    hand_edit(workbook, "visits", {(bureau["visit"], "record_status"): None})  # head office clears it
    report = _sync(database, workbook)
    assert report.total("issues") == 0 and report.counts["visits"].deleted_there == 1
    assert workbook_records(workbook, "visits")[bureau["visit"]][DELETED] is True


@pytest.mark.parametrize("decision", ["keep", "delete"])
def test_an_edit_delete_conflict_waits_for_a_person_however_many_syncs_run(
    database, store, bureau, workbook, decision: str
) -> None:
    """A lead deleted here while head office edited it, and a visit edited here while head office
    marked it deleted: neither deletion is carried out until a person decides."""
    from sync.conflicts import load_conflicts, resolve_conflict

    _sync(database, workbook)
    store.set_deleted("leads", [bureau["lead"]], True)
    hand_edit(workbook, "leads", {(bureau["lead"], "notes"): "总部补充：已约二次洽谈"})
    store.update("visits", bureau["visit"], {"outcome": "企业将安排高层来肇考察"})
    hand_edit(workbook, "visits", {(bureau["visit"], "record_status"): "已删除"})
    for _sync_again in range(3):
        report = _sync(database, workbook)
        assert report.counts["leads"].conflicts == 1 and report.counts["visits"].conflicts == 1
        assert workbook_records(workbook, "leads")[bureau["lead"]][DELETED] is False
        assert store.get("visits", bureau["visit"])["deleted"] is False
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "企业将安排高层来肇考察"
    assert store.get("leads", bureau["lead"])["notes"] == "总部补充：已约二次洽谈"

    for conflict in load_conflicts(database):
        resolve_conflict(database, "张三", conflict, {DELETED: decision == "delete"})
    report = _sync(database, workbook)
    assert report.total("conflicts") == 0
    for ledger, record_id in (("leads", bureau["lead"]), ("visits", bureau["visit"])):
        assert store.get(ledger, record_id)["deleted"] is (decision == "delete")
        assert workbook_records(workbook, ledger)[record_id][DELETED] is (decision == "delete")
    assert _sync(database, workbook).total("conflicts") == 0


def test_local_delete_marks_the_row_and_head_office_delete_comes_in(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    store.set_deleted("visits", [bureau["visit"]], True)
    hand_edit(workbook, "projects", {(bureau["project"], "record_status"): "已删除"})
    report = _sync(database, workbook)
    assert report.counts["visits"].deleted_there == 1 and report.counts["projects"].deleted_here == 1
    assert workbook_records(workbook, "visits")[bureau["visit"]][DELETED] is True
    assert store.get("projects", bureau["project"])["deleted"] is True


def test_bad_cells_are_reported_with_sheet_row_column_and_raw_value_and_left_alone(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    hand_edit(
        workbook,
        "leads",
        {(bureau["lead"], "planned_investment"): "约五千万", (bureau["lead"], "industry"): "钢铁"},
    )
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "credit_code"): "91350100M000100Y44"})
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "2024-02-30"})
    before = workbook.read_bytes()
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.total("issues") == 4
    with database.session() as session:
        issues = {(i.sheet, i.column, i.raw) for i in session.scalars(select(SyncIssue))}
    data = read_workbook(workbook)
    lead_row = data.sheets["leads"].rows[bureau["lead"]]
    assert ("招商线索", _letter(data, "leads", "planned_investment"), "约五千万") in issues
    assert ("招商线索", _letter(data, "leads", "industry"), "钢铁") in issues
    assert ("走访记录", _letter(data, "visits", "visit_date"), "2024-02-30") in issues
    assert any(raw == "91350100M000100Y44" for _, _, raw in issues)
    assert workbook.read_bytes() == before  # nothing to write: the raw cells stay as typed
    assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(100000)
    assert lead_row > 1

    hand_edit(
        workbook,
        "leads",
        {(bureau["lead"], "planned_investment"): "5亿", (bureau["lead"], "industry"): "氢能"},
    )
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "credit_code"): "91350100M000100Y43"})
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "2024-03-19"})
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("issues") == 0  # fixed there: cleared
    assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(50000)


def test_an_amount_too_large_or_a_date_in_another_century_is_an_issue_not_a_failed_sync(
    database, store, bureau, workbook
) -> None:
    """A credit code pasted into 计划投资 crashed the database write after the workbook was replaced,
    a 29-digit amount typed as text stopped the whole sync, and 1024年3月5日 was taken as a date."""
    _sync(database, workbook)
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): 913501001234567890})
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "1024年3月5日"})
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.total("issues") == 2
    with database.session() as session:
        issues = {(i.column, i.raw, i.message) for i in session.scalars(select(SyncIssue))}
    data = read_workbook(workbook)
    as_stored = str(int(float(913501001234567890)))  # a cell holds a double: 913501001234567936
    assert (_letter(data, "leads", "planned_investment"), as_stored, TOO_LARGE_AN_AMOUNT) in issues
    assert (_letter(data, "visits", "visit_date"), "1024年3月5日", OUT_OF_RANGE) in issues
    assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(100000)

    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): "1" * 29})
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.total("issues") == 2
    assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(100000)


def test_a_year_typed_into_a_date_cell_is_an_issue_but_an_agreed_old_date_syncs_as_written(
    database, store, bureau, workbook
) -> None:
    """2024 typed into a date-formatted cell reads as 1905-07-16 and was taken silently; a visit of 1949
    kept from before the dialogs refused such dates was then reported every sync, its fix never sent."""
    project = bureau["project"]
    with database.session(writes=True) as session:  # from before: no dialog lets this in now
        session.get(Project, project).signed_on = date(1949, 10, 1)
    _sync(database, workbook)
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): date(1905, 7, 16)})
    report = _sync(database, workbook)
    assert report.total("issues") == 1 and report.counts["visits"].issues == 1
    assert store.get("visits", bureau["visit"])["visit_date"] == date(2024, 3, 19)
    assert workbook_records(workbook, "projects")[project]["signed_on"] is None  # read as unplausible
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue))
    assert (issue.raw, issue.message) == ("1905-07-16", OUT_OF_RANGE)

    store.update("projects", project, {"signed_on": date(2019, 10, 1)})  # fixed here: goes out
    assert _sync(database, workbook).counts["projects"].updated_there == 1
    assert workbook_records(workbook, "projects")[project]["signed_on"] == "2019-10-01"


def test_a_failure_of_ours_after_the_workbook_was_replaced_says_the_workbook_is_synced(
    monkeypatch, database, store, bureau, workbook
) -> None:
    import sync.engine

    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})

    def overflow(*_args: object, **_kwargs: object) -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    def file_error(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/some/file")

    monkeypatch.setattr(sync.engine, "apply_local", overflow)
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert failed.value.workbook_written
    assert "The workbook was synced" in str(failed.value) and "OverflowError" in str(failed.value)
    monkeypatch.undo()
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    store.update("visits", bureau["visit"], {"outcome": "再次洽谈"})
    monkeypatch.setattr(sync.engine, "apply_local", file_error)
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert failed.value.workbook_written and "The workbook was synced" in str(failed.value)
    monkeypatch.undo()
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_control_character_in_a_note_goes_to_the_workbook_and_back_without_stopping_syncs(
    database, store, bureau, workbook
) -> None:
    """A Word line break pasted into a note (a vertical tab) stopped every sync: the writer dropped it
    and the written copy then never read back as intended."""
    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"summary": "参观生产线\x0b洽谈扩产\x01"})
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("updated_there") == 1
    assert workbook_records(workbook, "visits")[bureau["visit"]]["summary"] == "参观生产线\x0b洽谈扩产\x01"
    before = workbook.read_bytes()
    assert _sync(database, workbook).total("updated_there") == 0 and workbook.read_bytes() == before

    hand_edit(workbook, "visits", {(bureau["visit"], "summary"): "参观\x0b生产线"})  # head office's
    assert _sync(database, workbook).total("updated_here") == 1
    assert store.get("visits", bureau["visit"])["summary"] == "参观\x0b生产线"
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})  # the record goes out again
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def _show_an_error(workbook: Path, ledger: str, record_id: str, key: str, error: str | None) -> None:
    """The cell as Excel or LibreOffice saves a formula that went wrong: typed e, the error as value
    (None: the cell emptied)."""
    row = read_workbook(workbook).sheets[ledger].rows[record_id]
    _replace_cell(workbook, ledger, row, key, _error_cell(error))


def _error_cell(error: str | None) -> str:
    return "" if error is None else f'<c t="e"><f>VLOOKUP(A1,X:Y,2,FALSE)</f><v>{error}</v></c>'


def _replace_cell(workbook: Path, ledger: str, row: int, key: str, cell_xml: str) -> None:
    """Head office's cell in ``row`` (0: the last row) replaced by ``cell_xml`` written without its
    reference (empty: the cell emptied)."""
    from sync.xlsx_patch import sheet_parts

    data = read_workbook(workbook)
    letter = _letter(data, ledger, key)
    part = sheet_parts(workbook)[data.sheets[ledger].sheet]
    with zipfile.ZipFile(workbook) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    edited = workbook.with_name("with-error.xlsx")
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as target:
        for info, blob in members:
            if info.filename == part:
                text = blob.decode()
                row = row or max(int(n) for n in re.findall(r'<row r="(\d+)"', text))
                reference = f"{letter}{row}"
                cell = re.search(rf'<c r="{reference}"[^>]*?(/>|>.*?</c>)', text)
                assert cell is not None
                replacement = cell_xml.replace("<c", f'<c r="{reference}"', 1) or f'<c r="{reference}"/>'
                blob = (text[: cell.start()] + replacement + text[cell.end() :]).encode()
            target.writestr(info, blob)
    edited.replace(workbook)


def test_a_cell_showing_an_error_is_an_issue_and_clears_nothing(database, store, bureau, workbook) -> None:
    """calamine reads #N/A as an empty cell: a formula gone wrong over 计划投资 cleared the amount here."""
    _sync(database, workbook)
    _show_an_error(workbook, "leads", bureau["lead"], "planned_investment", "#N/A")
    _show_an_error(workbook, "visits", bureau["visit"], "staff", "#REF!")
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.total("issues") == 2
    assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(100000)
    assert store.get("visits", bureau["visit"])["staff"]
    with database.session() as session:
        issues = {(i.sheet, i.column, i.raw) for i in session.scalars(select(SyncIssue))}
    data = read_workbook(workbook)
    assert ("招商线索", _letter(data, "leads", "planned_investment"), "#N/A") in issues
    assert ("走访记录", _letter(data, "visits", "staff"), "#REF!") in issues

    _show_an_error(workbook, "leads", bureau["lead"], "planned_investment", None)  # cleared for real
    report = _sync(database, workbook)
    assert store.get("leads", bureau["lead"])["planned_investment"] is None
    assert report.total("issues") == 1  # the #REF! still there

    # An empty yes/no cell reads as no, an empty record status as not deleted: an error in either too
    store.set_deleted("projects", [bureau["project"]], True)
    _sync(database, workbook)
    _show_an_error(workbook, "leads", bureau["lead"], "effective", "#N/A")
    _show_an_error(workbook, "projects", bureau["project"], "record_status", "#REF!")
    report = _sync(database, workbook)
    assert store.get("leads", bureau["lead"])["effective"] is True
    assert store.get("projects", bureau["project"])["deleted"] is True
    with database.session() as session:
        raws = {(i.column, i.raw) for i in session.scalars(select(SyncIssue))}
    data = read_workbook(workbook)
    assert (_letter(data, "leads", "effective"), "#N/A") in raws
    assert (_letter(data, "projects", "record_status"), "#REF!") in raws


TYPED_LEAD = {
    "title": "新能源电池项目",
    "enterprise_id:name": "深圳氢蓝时代动力科技有限公司",
    "discovered_on": date(2024, 5, 6),
    "team_id:name": "端州区招商一组",
    "status": "洽谈中",
}
"""A lead head office types into the workbook (no id)."""


def test_a_new_row_with_a_cell_showing_an_error_is_an_issue_not_an_empty_value(
    database, store, bureau, workbook
) -> None:
    """A row head office types with #N/A in 计划投资 came in with no amount and not a word; now it is an
    issue, the amount left empty here until the cell is put right, and then taken."""
    _sync(database, workbook)
    hand_append(workbook, "leads", [{**TYPED_LEAD, "planned_investment": 5.0}])
    _replace_cell(workbook, "leads", 0, "planned_investment", _error_cell("#N/A"))
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.total("issues") == 1
    assert report.counts["leads"].added_here == 1
    new_id = next(rid for rid in workbook_records(workbook, "leads") if rid != bureau["lead"])
    assert store.get("leads", new_id)["planned_investment"] is None
    with database.session() as session:
        issue = session.scalars(select(SyncIssue)).one()
    assert (issue.column, issue.raw) == (
        _letter(read_workbook(workbook), "leads", "planned_investment"),
        "#N/A",
    )
    assert "left empty here" in issue.message

    _replace_cell(workbook, "leads", 0, "planned_investment", "<c><v>500</v></c>")  # put right
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("updated_here") == 1
    assert store.get("leads", new_id)["planned_investment"] == Decimal(500)


def test_a_new_row_waiting_for_a_required_cell_showing_an_error_is_one_issue(
    database, store, bureau, workbook
) -> None:
    """发现日期 showing #N/A in a typed lead: two issues for the one cell, the second calling the date
    missing with an empty value, and neither saying the row waits for the cell."""
    _sync(database, workbook)
    hand_append(workbook, "leads", [TYPED_LEAD])
    _replace_cell(workbook, "leads", 0, "discovered_on", _error_cell("#N/A"))
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.counts["leads"].added_here == 0
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue))
        assert (issue.column, issue.raw) == (
            _letter(read_workbook(workbook), "leads", "discovered_on"),
            "#N/A",
        )
        assert issue.message == SHOWS_AN_ERROR_ROW_WAITS

    _replace_cell(workbook, "leads", 0, "discovered_on", "<c><v>45418</v></c>")  # put right: 2024-05-06
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["leads"].added_here == 1
    new_id = next(rid for rid in workbook_records(workbook, "leads") if rid != bureau["lead"])
    assert store.get("leads", new_id)["discovered_on"] == date(2024, 5, 6)


@pytest.mark.parametrize(
    ("typed", "column", "reason"),
    [
        ({"discovered_on": "下周一", "team_id:name": "端州区招商一组"}, "discovered_on", "not a date"),
        (
            {"discovered_on": date(2024, 5, 6), "team_id:name": "没有这个组"},
            "team_id:name",
            "no record of that name",
        ),
    ],
    ids=["a date as text", "a team no team is named"],
)
def test_a_new_row_waiting_for_a_required_cell_it_could_not_read_is_one_issue(
    database, store, bureau, workbook, typed: dict[str, object], column: str, reason: str
) -> None:
    """The cell's own issue, and a second one in the id column with an empty value calling the field
    missing: now one, saying the row was not taken over."""
    _sync(database, workbook)
    hand_append(workbook, "leads", [{**TYPED_LEAD, **typed}])
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.counts["leads"].added_here == 0
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue))
        assert (issue.raw, issue.message, json.loads(issue.args), issue.column) == (
            typed[column],
            "{reason}; the row was not taken over",
            {"reason": reason},
            _letter(read_workbook(workbook), "leads", column),
        )


def _letter(data, ledger: str, key: str) -> str:
    from sync.workbook_read import column_letter

    return column_letter(data.sheets[ledger].columns[key])


def _rename_header(workbook: Path, ledger: str, column: int, header: str) -> None:
    from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts

    sheet = read_workbook(workbook).sheets[ledger]
    renamed = workbook.with_name("renamed.xlsx")
    cell = (sheet.header_row, column)
    patch_workbook(workbook, renamed, [SheetPatch(sheet_parts(workbook)[sheet.sheet], {cell: header}, [])])
    renamed.replace(workbook)


def test_a_column_head_office_renamed_is_reported_and_its_local_edits_wait_for_it(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    notes_column = read_workbook(workbook).sheets["leads"].columns["notes"]
    _rename_header(workbook, "leads", notes_column, "线索备注")  # a header the app does not know
    store.update("leads", bureau["lead"], {"notes": "本地备注：客户要求加快用地"})
    new_lead = store.create(  # added while the column is gone: its notes wait too
        "leads",
        {
            "title": "光伏组件项目",
            "discovered_on": date(2024, 5, 6),
            "team_id": bureau["team"],
            "status": "new",
            "notes": "新线索备注",
        },
    )
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.counts["leads"].issues == 1
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue)).all()
    assert (issue.sheet, issue.row, issue.column) == ("招商线索", 1, "")
    text = issue.message.format(**__import__("json").loads(issue.args))
    letter = workbook_read.column_letter(notes_column)
    assert (
        "“Notes” / “备注”" in text and f"was it renamed? headers not known here: {letter} “线索备注”" in text
    )
    assert store.get("leads", bureau["lead"])["notes"] == "本地备注：客户要求加快用地"

    _rename_header(workbook, "leads", notes_column, "备注")  # head office puts it back
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["leads"].updated_there == 2  # both leads' notes
    assert store.get("leads", bureau["lead"])["notes"] == "本地备注：客户要求加快用地"
    assert workbook_records(workbook, "leads")[bureau["lead"]]["notes"] == "本地备注：客户要求加快用地"
    assert workbook_records(workbook, "leads")[new_lead]["notes"] == "新线索备注"
    assert store.get("leads", new_lead)["notes"] == "新线索备注"


def _insert_column(workbook: Path, ledger: str, before: int, header: str, values: dict[int, str]) -> None:
    """Head office inserts a column of its own (openpyxl, as a person with Excel would): {row: value}."""
    import openpyxl

    sheet_name = read_workbook(workbook).sheets[ledger].sheet
    book = openpyxl.load_workbook(workbook)
    sheet = book[sheet_name]
    sheet.insert_cols(before)
    sheet.cell(1, before, header)
    for row, value in values.items():
        sheet.cell(row, before, value)
    book.save(workbook)


def test_a_column_head_office_adds_under_a_name_of_a_ledger_column_is_reported_not_taken(
    database, store, bureau, workbook
) -> None:
    """负责人 is also accepted for 跟进人: with both there, neither is guessed to be the ledger's."""
    import openpyxl

    store.update("leads", bureau["lead"], {"owner": "外勤小李"})
    _sync(database, workbook)
    row = read_workbook(workbook).sheets["leads"].rows[bureau["lead"]]
    _insert_column(workbook, "leads", 3, "负责人", {row: "总部王主任"})

    report = _sync(database, workbook)
    assert report.counts["leads"].updated_here == 0 and report.counts["leads"].issues == 1
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue)).all()
    shown = issue.message.format(**__import__("json").loads(issue.args))
    assert issue.sheet == "招商线索" and "C" in shown and "跟进人" in shown
    assert store.get("leads", bureau["lead"])["owner"] == "外勤小李"
    store.update("leads", bureau["lead"], {"owner": "外勤小张"})
    _sync(database, workbook)
    sheet = openpyxl.load_workbook(workbook)["招商线索"]
    assert sheet.cell(row, 3).value == "总部王主任"  # head office's column, untouched
    assert "外勤小张" not in [c.value for c in sheet[row]]  # the change waits here
    assert store.get("leads", bureau["lead"])["owner"] == "外勤小张"


def test_a_column_of_head_offices_own_under_a_ledger_columns_own_name_does_not_take_it_over(
    database, store, bureau, workbook
) -> None:
    """The ledger's notes column is headed 说明 (accepted for 备注); head office adds its own 备注."""
    store.update("leads", bureau["lead"], {"notes": "本地备注"})
    _sync(database, workbook)
    notes = read_workbook(workbook).sheets["leads"].columns["notes"]
    _rename_header(workbook, "leads", notes, "说明")
    _sync(database, workbook)
    far_right = max(read_workbook(workbook).sheets["leads"].columns.values()) + 1
    _insert_column(workbook, "leads", far_right, "备注", {})

    report = _sync(database, workbook)
    assert report.counts["leads"].updated_here == 0 and report.counts["leads"].issues == 1
    assert store.get("leads", bureau["lead"])["notes"] == "本地备注"


def test_a_sheet_of_head_offices_own_named_like_a_ledger_stops_the_sync_until_renamed(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    _sync(database, workbook)
    book = openpyxl.load_workbook(workbook)
    extract = book.copy_worksheet(book["签约项目"])
    extract.title = "项目"  # also accepted as a name of the projects ledger
    book.move_sheet(extract, offset=-len(book.sheetnames) + 1)
    extract.delete_rows(2, extract.max_row)  # head office's list of big projects: none here
    book.save(workbook)
    before = workbook.read_bytes()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert "签约项目" in str(failed.value) and "项目" in str(failed.value)
    assert workbook.read_bytes() == before
    assert not store.get("projects", bureau["project"])["deleted"]

    book = openpyxl.load_workbook(workbook)
    book["项目"].title = "大项目清单"  # head office renames its own sheet
    book.save(workbook)
    report = _sync(database, workbook)
    assert (
        report.counts["projects"].deleted_here == 0
        and not store.get("projects", bureau["project"])["deleted"]
    )


@pytest.mark.parametrize("change", ["second status column", "status column removed"])
def test_deletions_wait_while_the_record_status_column_cannot_be_told(
    change: str, database, store, bureau, workbook
) -> None:
    """Every row read as not deleted would bring deleted records back and lose deletions made here."""
    import openpyxl

    store.set_deleted("visits", [bureau["visit"]], True)
    _sync(database, workbook)
    sheet_data = read_workbook(workbook).sheets["enterprises"]
    status = sheet_data.columns["record_status"]
    book = openpyxl.load_workbook(workbook)
    if change == "second status column":
        book[sheet_data.sheet].cell(1, max(sheet_data.columns.values()) + 1, "记录状态")
        visits = read_workbook(workbook).sheets["visits"]
        book[visits.sheet].cell(1, max(visits.columns.values()) + 1, "记录状态")
    else:
        book[sheet_data.sheet].delete_cols(status)
        visits = read_workbook(workbook).sheets["visits"]
        book[visits.sheet].delete_cols(visits.columns["record_status"])
    book.save(workbook)
    store.set_deleted("enterprises", [bureau["enterprise"]], True)

    report = _sync(database, workbook)
    assert report.counts["visits"].updated_here == 0 and store.get("visits", bureau["visit"])["deleted"]
    assert report.counts["enterprises"].deleted_there == 0 and report.counts["enterprises"].issues == 1
    assert store.get("enterprises", bureau["enterprise"])["deleted"]  # waits here, not undone
    report = _sync(database, workbook)
    assert (
        store.get("visits", bureau["visit"])["deleted"]
        and store.get("enterprises", bureau["enterprise"])["deleted"]
    )


def test_a_row_copied_with_its_id_holds_that_record_until_head_office_tells_them_apart(
    database, store, bureau, workbook
) -> None:
    """Head office copies a row to start a new enterprise from it and forgets the id: neither row is
    taken for the record meanwhile, and the laptop's edit of it is not lost either way."""
    import openpyxl

    enterprise = bureau["enterprise"]
    _sync(database, workbook)
    sheet_data = read_workbook(workbook).sheets["enterprises"]
    row, columns = sheet_data.rows[enterprise], sheet_data.columns
    book = openpyxl.load_workbook(workbook)
    sheet = book[sheet_data.sheet]
    sheet.insert_rows(2)
    for column in range(1, sheet.max_column + 1):
        sheet.cell(2, column, sheet.cell(row + 1, column).value)
    sheet.cell(2, columns["name"], "复制新建企业乙有限公司")
    sheet.cell(2, columns["phone"], "0758-999")
    book.save(workbook)
    store.update("enterprises", enterprise, {"notes": "laptop: met the CFO"})

    report = _sync(database, workbook)
    assert report.counts["enterprises"].issues == 1 and report.counts["enterprises"].updated_here == 0
    assert store.get("enterprises", enterprise)["name"] == "深圳氢蓝时代动力科技有限公司"
    assert {r["notes"] for r in read_workbook(workbook).sheets["enterprises"].records.values()} == {None}

    book = openpyxl.load_workbook(workbook)
    book[sheet_data.sheet].cell(2, columns["id"]).value = None  # head office's fix: the copy is a new record
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["enterprises"].added_here == 1
    mine = store.get("enterprises", enterprise)
    assert (mine["name"], mine["notes"]) == ("深圳氢蓝时代动力科技有限公司", "laptop: met the CFO")
    there = workbook_records(workbook, "enterprises")
    assert there[enterprise]["notes"] == "laptop: met the CFO" and there[enterprise]["phone"] is None
    (copy,) = (r for rid, r in there.items() if rid != enterprise)
    assert (copy["name"], copy["phone"]) == ("复制新建企业乙有限公司", "0758-999")


def test_merged_cells_over_ledger_fields_are_reported_and_neither_cleared_here_nor_written_into(
    database, store, bureau, workbook
) -> None:
    """Head office merges the industry cells of enterprises of one industry, as ledgers often are."""
    import openpyxl

    others = [
        store.create("enterprises", {"name": name, "industry": "hydrogen"})
        for name in ("广州氢能装备有限公司", "佛山氢能材料有限公司")
    ]
    _sync(database, workbook)
    sheet_data = read_workbook(workbook).sheets["enterprises"]
    rows = sorted(sheet_data.rows[rid] for rid in [bureau["enterprise"], *others])
    assert rows == list(range(rows[0], rows[0] + 3))
    column = sheet_data.columns["industry"]
    letter = workbook_read.column_letter(column)
    book = openpyxl.load_workbook(workbook)
    book[sheet_data.sheet].merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")  # one 氢能 for three rows
    book.save(workbook)

    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_here == 0 and report.counts["enterprises"].issues == 1
    assert {store.get("enterprises", rid)["industry"] for rid in [bureau["enterprise"], *others]} == {
        "hydrogen"
    }
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue)).all()
    assert f"{letter}{rows[0]}:{letter}{rows[-1]}" in issue.message.format(
        **__import__("json").loads(issue.args)
    )

    covered = next(rid for rid in [bureau["enterprise"], *others] if sheet_data.rows[rid] == rows[1])
    store.update("enterprises", covered, {"industry": "robotics"})
    _sync(database, workbook)
    sheet = openpyxl.load_workbook(workbook)[sheet_data.sheet]
    assert sheet.cell(rows[1], column).value is None  # nothing written where nobody would see it
    assert store.get("enterprises", covered)["industry"] == "robotics"  # and the change waits here

    book = openpyxl.load_workbook(workbook)
    book[sheet_data.sheet].unmerge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    for row in rows[1:]:
        book[sheet_data.sheet].cell(row, column).value = "氢能"  # head office types the values back in
    book.save(workbook)
    report = _sync(database, workbook)  # the value as agreed before: the laptop's change goes out now
    assert report.outcome is Outcome.SYNCED and report.counts["enterprises"].updated_there == 1
    assert workbook_records(workbook, "enterprises")[covered]["industry"] == "robotics"


def test_a_total_row_typed_below_the_records_is_not_a_record_and_new_rows_wait_above_its_sums(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    _sync(database, workbook)
    hand_append(workbook, "enterprises", [{"name": "合计", "notes": "共1家"}])  # no id: typed by hand
    total_row = read_workbook(workbook).sheets["enterprises"].typed_totals
    assert list(total_row.values()) == ["合计"]
    newcomer = store.create("enterprises", {"name": "肇庆新材料有限公司"})

    report = _sync(database, workbook)
    assert report.counts["enterprises"].added_here == 0 and report.counts["enterprises"].added_there == 0
    assert "合计" not in {r["name"] for r in local_records(database, "enterprises").values()}
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue)).all()
    assert issue.row == next(iter(total_row)) and "合计" in issue.args
    sheet_name = read_workbook(workbook).sheets["enterprises"].sheet
    sheet = openpyxl.load_workbook(workbook)[sheet_name]
    assert sheet.cell(next(iter(total_row)), 1).value is None  # no id given to the total row

    book = openpyxl.load_workbook(workbook)
    book[sheet_name].delete_rows(next(iter(total_row)))  # head office takes the total row away
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["enterprises"].added_there == 1
    assert newcomer in workbook_records(workbook, "enterprises")


def test_an_id_cleared_by_accident_is_given_back_and_the_record_stays_one(
    database, store, bureau, workbook
) -> None:
    """Head office's Delete key lands on an enterprise's 记录ID cell: the row is still that enterprise."""
    import openpyxl

    enterprise = bureau["enterprise"]
    _sync(database, workbook)
    sheet_data = read_workbook(workbook).sheets["enterprises"]
    book = openpyxl.load_workbook(workbook)
    book[sheet_data.sheet].cell(sheet_data.rows[enterprise], sheet_data.columns["id"]).value = None
    book[sheet_data.sheet].cell(sheet_data.rows[enterprise], sheet_data.columns["phone"]).value = "0758-123"
    book.save(workbook)

    report = _sync(database, workbook)
    counts = report.counts["enterprises"]
    assert (counts.added_here, counts.deleted_here, counts.updated_here) == (0, 0, 1)
    assert [rid for rid, r in local_records(database, "enterprises").items() if not r["deleted"]] == [
        enterprise
    ]
    assert store.get("enterprises", enterprise)["phone"] == "0758-123"
    assert store.get("visits", bureau["visit"])["enterprise_id"] == enterprise
    there = read_workbook(workbook).sheets["enterprises"]
    assert there.rows[enterprise] == sheet_data.rows[enterprise]  # its id written back into its row
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_trip_named_with_its_date_in_another_form_beside_its_id_is_the_same_trip(
    database, store, bureau, workbook
) -> None:
    trip = store.create(
        "trips",
        {"team_id": bureau["team"], "destination_city": "深圳", "start_date": date(2024, 3, 18)},
    )
    store.update("visits", bureau["visit"], {"trip_id": trip})
    _sync(database, workbook)
    hand_edit(workbook, "visits", {(bureau["visit"], "trip_id:name"): "深圳 2024年3月18日"})
    assert _sync(database, workbook).total("issues") == 0
    hand_edit(workbook, "visits", {(bureau["visit"], "trip_id:name"): "深圳 2024/3/19"})  # another day
    assert _sync(database, workbook).counts["visits"].issues == 1


def test_trips_and_visits_whose_ids_were_cleared_get_them_back_when_every_field_is_the_same(
    database, store, bureau, workbook
) -> None:
    """Clearing the 记录ID column of the trips and visits sheets deleted every trip and visit here and
    made them again under new ids, their history lost and the visits pointing at deleted trips."""
    import openpyxl

    trip = store.create(
        "trips",
        {
            "team_id": bureau["team"],
            "destination_city": "深圳",
            "start_date": date(2024, 3, 18),
            "end_date": date(2024, 3, 20),
        },
    )
    store.update("visits", bureau["visit"], {"trip_id": trip})
    second = store.create("visits", {**store.get("visits", bureau["visit"]), "summary": "回访"})
    twin = store.create("visits", store.get("visits", bureau["visit"]))  # the same visit logged twice
    _sync(database, workbook)
    data = read_workbook(workbook)
    book = openpyxl.load_workbook(workbook)
    for ledger in ("trips", "visits"):
        sheet = data.sheets[ledger]
        for row in sheet.rows.values():
            book[sheet.sheet].cell(row, sheet.columns["id"]).value = None
    visits_sheet = data.sheets["visits"]
    edited_row = visits_sheet.rows[second]  # and one visit's summary retyped: not plainly the same
    book[visits_sheet.sheet].cell(edited_row, visits_sheet.columns["summary"]).value = "回访，企业已决定"
    book.save(workbook)

    report = _sync(database, workbook)
    assert (report.counts["trips"].added_here, report.counts["trips"].deleted_here) == (0, 0)
    assert (report.counts["visits"].added_here, report.counts["visits"].deleted_here) == (1, 1)
    assert not store.get("trips", trip)["deleted"] and not store.get("visits", bureau["visit"])["deleted"]
    assert not store.get("visits", twin)["deleted"]  # alike in every field: each row took one id back
    assert store.get("visits", bureau["visit"])["trip_id"] == trip
    there = read_workbook(workbook)
    assert there.sheets["trips"].rows[trip] == data.sheets["trips"].rows[trip]  # its id written back
    assert there.sheets["visits"].rows[bureau["visit"]] == visits_sheet.rows[bureau["visit"]]
    assert second not in there.sheets["visits"].rows or there.sheets["visits"].records[second][DELETED]
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_row_given_its_cleared_id_back_still_has_the_name_beside_its_ids_checked(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    other = store.create("enterprises", {"name": "东莞曼富电池部件有限公司"})
    _sync(database, workbook)
    _sync(database, workbook)  # the rows settled: only rows changed since are read again
    data = read_workbook(workbook)
    sheet = data.sheets["visits"]
    book = openpyxl.load_workbook(workbook)
    row = sheet.rows[bureau["visit"]]
    book[sheet.sheet].cell(row, sheet.columns["id"]).value = None
    book[sheet.sheet].cell(row, sheet.columns["enterprise_id:name"]).value = "东莞曼富电池部件有限公司"
    book.save(workbook)
    report = _sync(database, workbook)
    assert (report.counts["visits"].added_here, report.counts["visits"].deleted_here) == (0, 0)
    assert report.counts["visits"].issues == 1  # another firm typed beside the visit's enterprise id
    assert store.get("visits", bureau["visit"])["enterprise_id"] == bureau["enterprise"] != other


def test_another_name_typed_beside_a_kept_id_is_an_issue_and_a_rename_is_not(
    database, store, bureau, workbook
) -> None:
    """Head office typed another firm into a visit's 企业 and left 企业ID: the laptop kept the id's
    firm, the sheet showed the other, and nobody was told."""
    other = store.create("enterprises", {"name": "东莞曼富电池部件有限公司"})
    _sync(database, workbook)
    hand_edit(workbook, "visits", {(bureau["visit"], "enterprise_id:name"): "东莞曼富电池部件有限公司"})
    report = _sync(database, workbook)
    assert report.counts["visits"].issues == 1
    assert store.get("visits", bureau["visit"])["enterprise_id"] == bureau["enterprise"]
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue))
    data = read_workbook(workbook)
    assert (issue.column, issue.raw) == (
        _letter(data, "visits", "enterprise_id:name"),
        "东莞曼富电池部件有限公司",
    )
    assert json.loads(issue.args)["name"] == "深圳氢蓝时代动力科技有限公司"
    assert store.get("enterprises", other)["name"] == "东莞曼富电池部件有限公司"

    hand_edit(workbook, "visits", {(bureau["visit"], "enterprise_id:name"): "深圳氢蓝时代动力科技有限公司"})
    assert _sync(database, workbook).total("issues") == 0  # put back

    # Head office renames the firm, and edits the visit before the sync writes the new name beside it
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "name"): "深圳氢蓝时代科技股份有限公司"})
    hand_edit(workbook, "visits", {(bureau["visit"], "summary"): "总部补充：已签约"})
    report = _sync(database, workbook)
    assert report.total("issues") == 0 and report.counts["visits"].updated_here == 1


@contextlib.contextmanager
def _edited_parts(workbook: Path) -> Iterator[dict[str, bytes]]:
    """The package's parts by name, to change in place; written back as a new package after."""
    with zipfile.ZipFile(workbook) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    yield parts
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _put_formula(workbook: Path, ledger: str, record_id: str, key: str, formula: str, cached: str) -> str:
    """Head office turns a ledger cell into a formula (none: a plain number), saved with its result as
    Excel does; returns the cell's reference."""
    sheet_name, row, column = cell_of(workbook, ledger, record_id, key)
    ref = f"{workbook_read.column_letter(column)}{row}"
    part = _part_of(workbook, sheet_name)
    with _edited_parts(workbook) as parts:
        xml = parts[part].decode()
        cell = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml)
        assert cell is not None
        written = f"<f>{formula}</f><v>{cached}</v>" if formula else f"<v>{cached}</v>"
        parts[part] = xml.replace(cell.group(0), f'<c r="{ref}">{written}</c>').encode()
    return ref


def test_a_formula_head_office_put_in_a_ledger_cell_is_kept_and_the_local_value_waits(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    ref = _put_formula(workbook, "leads", bureau["lead"], "planned_investment", "50000*2", "100000")
    store.update("leads", bureau["lead"], {"planned_investment": Decimal(120000)})
    store.update("teams", bureau["team"], {"leader": "王五"})  # an edit elsewhere, not held up
    for _sync_again in range(2):
        report = _sync(database, workbook)
        assert report.outcome is Outcome.OPEN and report.counts["leads"].issues == 1
        with database.session() as session:
            (issue,) = session.scalars(select(SyncIssue)).all()
        assert f"{issue.column}{issue.row}" == ref and issue.record_id == bureau["lead"]
        assert "120000" in issue.message.format(**__import__("json").loads(issue.args))
        assert "<f>50000*2</f>" in _sheet_xml(workbook, "招商线索")
        assert workbook_records(workbook, "teams")[bureau["team"]]["leader"] == "王五"
        assert store.get("leads", bureau["lead"])["planned_investment"] == Decimal(120000)

    _put_formula(workbook, "leads", bureau["lead"], "planned_investment", "", "100000")  # typed over
    assert "<f>50000*2</f>" not in _sheet_xml(workbook, "招商线索")
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["leads"].updated_there == 1
    assert workbook_records(workbook, "leads")[bureau["lead"]]["planned_investment"] == "120000"


def _sheet_xml(workbook: Path, sheet_name: str) -> str:
    with zipfile.ZipFile(workbook) as package:
        return package.read(_part_of(workbook, sheet_name)).decode()


def test_a_workbook_counting_dates_from_1904_takes_dates_both_ways(database, store, bureau, workbook) -> None:
    """Excel for Mac can save a workbook in the 1904 date system: its date serials are 1,462 smaller."""
    with _edited_parts(workbook) as parts:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<workbookPr />", b'<workbookPr date1904="1" />'
        )
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    _ledgers_agree(database, workbook)
    assert workbook_records(workbook, "visits")[bureau["visit"]]["visit_date"] == "2024-03-19"
    store.update("visits", bureau["visit"], {"visit_date": date(2024, 8, 8)})
    store.update("teams", bureau["team"], {"leader": "王五"})
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    assert workbook_records(workbook, "visits")[bureau["visit"]]["visit_date"] == "2024-08-08"
    assert workbook_records(workbook, "teams")[bureau["team"]]["leader"] == "王五"


def _table_with_total_row(workbook: Path, sheet_name: str, total_row: bool) -> int:
    """Head office makes the sheet's rows an Excel table and turns its total row on (or off, clearing
    it), saving with openpyxl as Excel would rewrite the file; returns the total row's number."""
    import openpyxl
    from openpyxl.worksheet.table import Table

    book = openpyxl.load_workbook(workbook)
    sheet = book[sheet_name]
    for name in list(sheet.tables):
        del sheet.tables[name]
    last = max(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value not in (None, "合计"))
    total = last + 1
    for column in range(1, sheet.max_column + 1):
        sheet.cell(total, column).value = None
    if total_row:
        sheet.cell(total, 2).value = "合计"
        sheet.cell(total, 6).value = f"=SUBTOTAL(109,F2:F{last})"
    end = openpyxl.utils.get_column_letter(sheet.max_column)
    table = Table(displayName="LeadTable", ref=f"A1:{end}{total if total_row else last}")
    table.totalsRowCount = 1 if total_row else None
    sheet.add_table(table)
    book.save(workbook)
    return total


def test_an_excel_table_total_row_is_not_a_record_and_new_rows_wait_for_it(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    total = _table_with_total_row(workbook, "招商线索", total_row=True)
    report = _sync(database, workbook)
    assert report.total("added_here") == 0 and report.total("issues") == 0  # "合计" is no lead
    assert len(local_records(database, "leads")) == 1

    new_lead = store.create(
        "leads",
        {
            "title": "光伏组件项目",
            "discovered_on": date(2024, 5, 6),
            "team_id": bureau["team"],
            "status": "new",
        },
    )
    report = _sync(database, workbook)
    assert report.outcome is Outcome.OPEN and report.counts["leads"].issues == 1
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue)).all()
    assert (issue.sheet, issue.row) == ("招商线索", total) and "Total Row" in issue.message
    assert new_lead not in workbook_records(workbook, "leads")

    _table_with_total_row(workbook, "招商线索", total_row=False)  # head office turns it off
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["leads"].added_there == 1
    assert workbook_records(workbook, "leads")[new_lead]["title"] == "光伏组件项目"


def _name_cells(workbook: Path, ledger: str, field_name: str) -> dict[str, str]:
    """Record id -> the name shown beside its reference ``field_name``, as the workbook holds it."""
    from python_calamine import CalamineWorkbook

    sheet = read_workbook(workbook).sheets[ledger]
    grid = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name(sheet.sheet).to_python()
    column = sheet.columns[f"{field_name}:name"] - 1
    return {record_id: grid[row - 1][column] for record_id, row in sheet.rows.items()}


def test_a_rename_on_either_side_reaches_the_names_shown_beside_references(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"name": "氢蓝时代（深圳）动力科技有限公司"})
    _sync(database, workbook)
    for ledger in ("visits", "leads", "projects"):
        assert set(_name_cells(workbook, ledger, "enterprise_id").values()) == {
            "氢蓝时代（深圳）动力科技有限公司"
        }

    hand_edit(workbook, "teams", {(bureau["team"], "name"): "端州区招商一组（新）"})  # head office renames
    _sync(database, workbook)
    for ledger in ("visits", "leads", "projects"):
        assert set(_name_cells(workbook, ledger, "team_id").values()) == {"端州区招商一组（新）"}
    assert _sync(database, workbook).total("updated_there") == 0  # and that is settled


def test_a_rename_here_in_conflict_is_not_written_beside_new_references(
    database, store, bureau, workbook, second_laptop
) -> None:
    """This laptop renamed a team that head office renamed too (a conflict, the workbook keeps its
    name), then logged leads of that team: their rows showed this laptop's name beside the team's id,
    a name the workbook and other laptops never had, and every other laptop reported the rows."""

    def new_lead(title: str) -> str:
        return store.create(
            "leads",
            {"title": title, "discovered_on": date(2024, 6, 1), "team_id": bureau["team"], "status": "new"},
        )

    _sync(database, workbook)
    _sync(second_laptop, workbook, "李四")
    hand_edit(workbook, "teams", {(bureau["team"], "name"): "端州区招商一组（总部）"})
    store.update("teams", bureau["team"], {"name": "端州一组"})
    first = new_lead("储能项目")
    report = _sync(database, workbook)
    assert report.counts["teams"].conflicts == 1
    second = new_lead("光伏项目")  # the team's row unchanged in the workbook since
    assert _sync(database, workbook).counts["teams"].conflicts == 1
    names = _name_cells(workbook, "leads", "team_id")
    assert (names[first], names[second]) == ("端州区招商一组（总部）", "端州区招商一组（总部）")

    report = _sync(second_laptop, workbook, "李四")
    assert report.outcome is Outcome.SYNCED
    assert report.counts["leads"].added_here == 2


def test_a_total_row_of_head_offices_own_table_beside_the_ledger_is_a_records_row(
    database, store, bureau, workbook
) -> None:
    import openpyxl
    from openpyxl.worksheet.table import Table

    second = store.create(
        "leads",
        {
            "title": "光伏组件项目",
            "discovered_on": date(2024, 5, 6),
            "team_id": bureau["team"],
            "status": "new",
        },
    )
    _sync(database, workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book["招商线索"]
    row_of = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    assert row_of[second] == 3
    sheet["Z1"], sheet["AA1"], sheet["Z2"], sheet["AA2"] = "季度", "目标", "2024Q2", 5
    sheet["Z3"], sheet["AA3"] = "合计", "=SUBTOTAL(109,AA2:AA2)"
    side = Table(displayName="Targets", ref="Z1:AA3")
    side.totalsRowCount = 1
    sheet.add_table(side)
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.total("deleted_here") == 0 and report.total("issues") == 0
    assert store.get("leads", second)["deleted"] is False


def test_a_rename_leaves_alone_a_row_head_office_pointed_at_another_record(
    database, store, bureau, workbook
) -> None:
    other = store.create("enterprises", {"name": "肇庆乙公司", "industry": "other"})
    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"name": "氢蓝时代（深圳）动力科技有限公司"})
    hand_edit(
        workbook,
        "visits",
        {(bureau["visit"], "enterprise_id"): other, (bureau["visit"], "enterprise_id:name"): "肇庆乙公司"},
    )
    _sync(database, workbook)
    assert store.get("visits", bureau["visit"])["enterprise_id"] == other
    assert _name_cells(workbook, "visits", "enterprise_id")[bureau["visit"]] == "肇庆乙公司"
    assert (
        _name_cells(workbook, "leads", "enterprise_id")[bureau["lead"]] == "氢蓝时代（深圳）动力科技有限公司"
    )


def test_a_duplicated_id_is_an_issue_and_the_second_row_is_ignored(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    hand_append(workbook, "teams", [{"id": bureau["team"], "name": "冒名小组"}])
    report = _sync(database, workbook)
    assert report.counts["teams"].issues == 1
    assert store.get("teams", bureau["team"])["name"] == "端州区招商一组"


@pytest.mark.parametrize(
    "damage, expected",
    [
        ("corrupt", "cannot be read"),
        ("not_xlsx", "is not an Excel workbook"),
        ("missing_sheet", "has no sheet for Visits"),
        ("missing_id_column", "column, so its rows cannot be matched"),
        ("entity", "declares XML entities"),
    ],
)
def test_a_bad_workbook_is_refused_and_nothing_is_written(
    database, store, bureau, workbook, damage: str, expected: str
) -> None:
    _sync(database, workbook)
    _damage(workbook, damage)
    before = workbook.read_bytes()
    pending = store.pending_changes()
    store.update("teams", bureau["team"], {"leader": "赵六"})
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert expected in str(failed.value)
    assert workbook.read_bytes() == before
    assert store.pending_changes() == pending + 1  # the local change still waits
    assert not list(workbook.parent.glob(".~outreach-*"))  # no temp file left behind


def _damage(workbook: Path, how: str) -> None:
    if how == "corrupt":
        data = bytearray(workbook.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 200] = b"\0" * 200
        workbook.write_bytes(bytes(data))
    elif how == "not_xlsx":
        workbook.write_text("记录ID,名称\n1,2\n", encoding="utf-8")
    else:
        with _edited_parts(workbook) as parts:
            if how == "missing_sheet":
                workbook_xml = parts["xl/workbook.xml"].decode()
                parts["xl/workbook.xml"] = workbook_xml.replace(
                    'name="走访记录"', 'name="走访记录（旧）"'
                ).encode()
            elif how == "missing_id_column":
                sheet = _part_of(workbook, "走访记录")
                xml = parts[sheet].decode()
                parts[sheet] = xml.replace("记录ID", "备用", 1).encode()
                if "xl/sharedStrings.xml" in parts:
                    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
                        "记录ID".encode(), "备用".encode()
                    )
            elif how == "entity":
                body = parts["xl/workbook.xml"]
                declaration = b'<?xml version="1.0" encoding="UTF-8"?>'
                body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
                parts["xl/workbook.xml"] = declaration + b'<!DOCTYPE x [<!ENTITY lol "lol">]>' + body


def _part_of(workbook: Path, sheet_name: str) -> str:
    from sync.xlsx_patch import sheet_parts

    return sheet_parts(workbook)[sheet_name]


def test_text_longer_than_a_cell_holds_stops_the_sync_naming_the_sheet_and_cell(
    database, store, bureau, workbook
) -> None:
    """The dialogs refuse such text now; a database filled before that may still hold some."""
    with database.session() as session:
        session.get(Visit, bureau["visit"]).outcome = "长" * 40_000  # type: ignore[union-attr]
    before = workbook.read_bytes()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    message = str(failed.value)
    assert re.search(r"worksheet '走访记录' \(xl/worksheets/sheet\d+\.xml\), cell [A-Z]+2: ", message), (
        message
    )
    assert "32,767" in message
    assert workbook.read_bytes() == before
    assert not list(workbook.parent.glob(".~outreach-*"))
    store.update("visits", bureau["visit"], {"outcome": "企业将安排高层来肇考察。"})
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_workbook_open_in_excel_or_libreoffice_is_not_written(database, store, bureau, workbook) -> None:
    owner = workbook.with_name(f".~lock.{workbook.name}#")
    owner.write_text(",陈七,PC-HQ-1,26.11.2026 10:00,file:///x;", encoding="utf-8")
    before = workbook.read_bytes()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert str(failed.value) == (
        "The workbook is open in LibreOffice (陈七, PC-HQ-1). Nothing was written; close it there and "
        f"sync again. If nobody has it open, a crash left {owner.name} beside it: delete that file and "
        "sync again."
    )
    assert workbook.read_bytes() == before
    owner.unlink()
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_workbook_marked_read_only_is_not_replaced(database, store, bureau, workbook) -> None:
    """Head office marked the master read-only (closing a quarter): POSIX's rename would replace it all
    the same, and the new copy would even keep the mark."""
    workbook.chmod(0o444)
    before = workbook.read_bytes()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert str(failed.value).startswith(
        f"The workbook {workbook} is marked read-only, and this sync has to write"
    )
    assert "Nothing was written or taken in" in str(failed.value)
    assert workbook.read_bytes() == before
    assert not list(workbook.parent.glob(".~outreach-*"))
    workbook.chmod(0o644)
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    assert workbook.read_bytes() != before

    # Head office's edits still come in when nothing has to be written there
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "赵六"})
    workbook.chmod(0o444)
    before = workbook.read_bytes()
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    assert store.get("teams", bureau["team"])["leader"] == "赵六" and workbook.read_bytes() == before


def test_a_held_lock_refuses_and_a_stale_one_can_be_broken(database, bureau, workbook) -> None:
    other = safety.SyncLock(workbook, "王五")
    other.acquire()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert "王五" in str(failed.value) and not failed.value.stale_lock
    other.release()

    stale = safety.SyncLock(workbook, "王五", stale_after=timedelta(seconds=0))
    stale.acquire()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook, stale_after=timedelta(seconds=0))
    assert failed.value.stale_lock
    report = _sync(database, workbook, stale_after=timedelta(seconds=0), break_stale_lock=True)
    assert report.outcome is Outcome.SYNCED


def test_a_conflicted_copy_beside_the_workbook_stops_the_sync(database, bureau, workbook) -> None:
    workbook.with_name("master (陈七's conflicted copy 2024-03-19).xlsx").write_bytes(workbook.read_bytes())
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert "conflicted copy" in str(failed.value)


def test_a_workbook_whose_folder_is_gone_is_refused_naming_the_folder(
    database, db_path: Path, store, bureau, tmp_path: Path, capsys
) -> None:
    """A network drive disconnected: the sync says which folder and why, and the CLI prints no traceback."""
    gone = tmp_path / "share-disconnected" / "master.xlsx"
    with pytest.raises(SyncFailed) as failed:
        _sync(database, gone)
    assert str(gone.parent) in str(failed.value) and "does not exist" in str(failed.value)
    assert failed.value.args_["detail"].startswith("it does not exist")  # translatable as a whole
    assert database.engine.connect().execute(select(func.count()).select_from(SyncRun)).scalar() == 0

    database.close()
    status = main.main(["sync", "--db", str(db_path), "--workbook", str(gone), "--user", "张三"])
    assert status == main.EXIT_NOTHING_WRITTEN
    printed = capsys.readouterr().err
    assert str(gone.parent) in printed and "Traceback" not in printed


def test_a_workbook_that_cannot_be_replaced_is_left_as_it_was_and_nothing_is_saved_here(
    database, store, bureau, workbook, monkeypatch
) -> None:
    _sync(database, workbook)
    store.update("teams", bureau["team"], {"leader": "赵六"})
    before = workbook.read_bytes()

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(safety.os, "replace", refuse)
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert str(workbook) in str(failed.value) and "permission denied" in str(failed.value)
    assert "It is unchanged" in str(failed.value)
    assert workbook.read_bytes() == before
    assert [p.name for p in workbook.parent.iterdir() if p.is_file()] == [workbook.name]  # no temp left
    assert not safety.SyncLock(workbook, "anyone").read()  # the lock released

    monkeypatch.undo()
    assert _sync(database, workbook).counts["teams"].updated_there == 1  # the edit goes out next time
    assert workbook_records(workbook, "teams")[bureau["team"]]["leader"] == "赵六"


def test_a_workbook_replaced_during_the_sync_is_merged_again(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    store.update("teams", bureau["team"], {"leader": "赵六"})
    edits = iter([("unit", "端州区（新）")])

    def head_office_saves_meanwhile(stage: str) -> None:
        if stage == "before-replace":
            change = next(edits, None)
            if change:
                hand_edit(workbook, "teams", {(bureau["team"], change[0]): change[1]})

    report = _sync(database, workbook, fault=head_office_saves_meanwhile)
    assert report.attempts == 2
    team = workbook_records(workbook, "teams")[bureau["team"]]
    assert (team["leader"], team["unit"]) == ("赵六", "端州区（新）")  # neither change lost
    assert store.get("teams", bureau["team"])["unit"] == "端州区（新）"


def test_a_workbook_that_keeps_changing_is_given_up_with_nothing_written(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    store.update("teams", bureau["team"], {"leader": "赵六"})
    counter = iter(range(100))

    def always(stage: str) -> None:
        if stage == "before-replace":
            hand_edit(workbook, "teams", {(bureau["team"], "unit"): f"第{next(counter)}版"})

    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook, fault=always)
    assert "kept changing" in str(failed.value)
    assert workbook_records(workbook, "teams")[bureau["team"]]["leader"] == "李四"


@pytest.mark.parametrize("stage", ["before-replace", "before-commit"])
def test_a_crash_at_any_point_converges_on_the_next_sync(
    database, store, bureau, workbook, stage: str
) -> None:
    _sync(database, workbook)
    new_enterprise = store.create("enterprises", {"name": "肇庆新材料有限公司"})
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})

    def crash(at: str) -> None:
        if at == stage:
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        _sync(database, workbook, fault=crash)
    with zipfile.ZipFile(workbook) as package:
        assert package.testzip() is None  # old or new, never broken
    assert not list(workbook.parent.glob(".~outreach-*"))
    report = _sync(database, workbook)
    assert report.total("conflicts") == 0
    _ledgers_agree(database, workbook)
    assert list(workbook_records(workbook, "enterprises")).count(new_enterprise) == 1
    assert store.get("teams", bureau["team"])["leader"] == "孙八"
    assert _sync(database, workbook).total("added_there") == 0


def _issues(database: Database) -> list[tuple[str, int, str, dict[str, str]]]:
    import json

    with database.session() as session:
        return [(i.ledger, i.row, i.message, json.loads(i.args)) for i in session.scalars(select(SyncIssue))]


def test_one_new_firm_logged_on_two_laptops_is_reported_on_both_and_nothing_is_merged(
    database, store, bureau, workbook, second_laptop
) -> None:
    _sync(database, workbook)
    _sync(second_laptop, workbook, "李四")
    other = LedgerStore(second_laptop, "李四")
    visit = {"visit_date": date(2024, 6, 3), "kind": "enterprise_visit", "team_id": bureau["team"]}
    mine, _ = store.log_visit(visit, new_enterprise="肇庆小鹏汽车零部件有限公司")
    theirs, _ = other.log_visit(visit, new_enterprise="肇庆小鹏汽车零部件有限公司 ")  # two teams, offline
    mine_firm = store.get("visits", mine)["enterprise_id"]
    theirs_firm = other.get("visits", theirs)["enterprise_id"]

    _sync(database, workbook)
    report = _sync(second_laptop, workbook, "李四")  # its firm meets the one already there
    assert report.outcome is Outcome.OPEN and report.counts["enterprises"].issues == 1
    [(ledger, row, message, args)] = _issues(second_laptop)
    assert ledger == "enterprises" and args == {"other": theirs_firm}
    assert workbook_read.read_workbook(workbook).sheets["enterprises"].rows[mine_firm] == row
    assert "one firm entered twice" in message

    report = _sync(database, workbook)  # the first laptop is told when the other's arrives
    assert report.counts["enterprises"].issues == 1
    [(_ledger, _row, _message, args)] = _issues(database)
    assert args == {"other": mine_firm}
    # Nothing merged or lost: both firms and both visits everywhere, each visit with its own firm.
    records = workbook_records(workbook, "visits")
    assert records[mine]["enterprise_id"] == mine_firm and records[theirs]["enterprise_id"] == theirs_firm
    assert _sync(database, workbook).outcome is Outcome.SYNCED  # told once, not at every sync


def test_a_firm_head_office_renamed_or_deleted_does_not_meet_a_new_one_of_its_old_name(
    database, store, bureau, workbook
) -> None:
    old = store.create("enterprises", {"name": "肇庆星光材料有限公司"})
    gone = store.create("enterprises", {"name": "肇庆华锋电子有限公司"})
    _sync(database, workbook)
    hand_edit(
        workbook,
        "enterprises",
        {(old, "name"): "肇庆星光新材料股份有限公司", (gone, "record_status"): "已删除"},
    )
    hand_append(workbook, "enterprises", [{"name": "肇庆星光材料有限公司"}, {"name": "肇庆华锋电子有限公司"}])
    report = _sync(database, workbook)
    assert report.counts["enterprises"].added_here == 2 and report.counts["enterprises"].issues == 0


def test_a_visit_logged_offline_to_a_firm_another_laptop_deleted_is_reported_on_both(
    database, store, bureau, workbook, second_laptop
) -> None:
    _sync(database, workbook)
    _sync(second_laptop, workbook, "李四")
    other = LedgerStore(second_laptop, "李四")
    store.set_deleted("enterprises", [bureau["enterprise"]], True)  # a duplicate, thinks this laptop
    _sync(database, workbook)
    visit = {"visit_date": date(2024, 6, 3), "kind": "enterprise_visit", "team_id": bureau["team"]}
    late = other.create("visits", {**visit, "enterprise_id": bureau["enterprise"]})  # offline meanwhile

    report = _sync(second_laptop, workbook, "李四")
    assert report.counts["visits"].issues == 1 and report.counts["enterprises"].deleted_here == 1
    [(ledger, _row, message, _args)] = _issues(second_laptop)
    assert ledger == "visits" and "refers to a record that is deleted" in message
    report = _sync(database, workbook)  # the visit arrives where the firm was deleted
    assert report.counts["visits"].added_here == 1 and report.counts["visits"].issues == 1
    assert workbook_records(workbook, "visits")[late]["enterprise_id"] == bureau["enterprise"]  # kept

    mine = store.create("visits", {**visit, "enterprise_id": bureau["enterprise"]})  # knowingly, here
    assert _sync(database, workbook).counts["visits"].issues == 0
    assert mine in workbook_records(workbook, "visits")


def test_a_laptop_that_only_took_the_deletion_from_the_workbook_is_not_told(
    tmp_path: Path, database, store, bureau, workbook, second_laptop
) -> None:
    third = Database.open(tmp_path / "laptop3.db")
    try:
        for laptop in (database, second_laptop, third):
            _sync(laptop, workbook)
        store.set_deleted("enterprises", [bureau["enterprise"]], True)
        _sync(database, workbook)
        _sync(second_laptop, workbook, "李四")  # takes the deletion: a bystander
        visit = {"visit_date": date(2024, 6, 3), "kind": "enterprise_visit", "team_id": bureau["team"]}
        LedgerStore(third, "王五").create("visits", {**visit, "enterprise_id": bureau["enterprise"]})
        assert _sync(third, workbook, "王五").counts["visits"].issues == 1  # the one who sent it
        report = _sync(second_laptop, workbook, "李四")
        assert report.counts["visits"].added_here == 1 and report.counts["visits"].issues == 0
        assert _sync(database, workbook).counts["visits"].issues == 1  # the one who deleted the firm
    finally:
        third.close()


def test_a_first_sync_into_an_empty_workbook_reports_no_same_named_firms(
    database, store, bureau, workbook
) -> None:
    store.create("enterprises", {"name": "深圳氢蓝时代动力科技有限公司 分公司"})
    store.create("enterprises", {"name": "肇庆星光材料有限公司"})
    store.create("enterprises", {"name": "肇庆市星光材料有限公司"})  # confirmed as two when typed here
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_a_database_another_program_holds_locked_stops_the_sync_before_the_workbook_is_written(
    database, store, bureau, workbook
) -> None:
    import sqlite3

    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})
    before = workbook.read_bytes()
    holder = sqlite3.connect(database.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a database tool in the middle of a change
    try:
        with pytest.raises(SyncFailed) as failed:
            _sync(database, workbook)
    finally:
        holder.rollback()
        holder.close()
    assert str(failed.value) == (
        f"This laptop's database {database.path} could not be read or written (another program is "
        "writing to it; try again in a moment). Nothing was written."
    )
    assert workbook.read_bytes() == before
    assert _sync(database, workbook).outcome is Outcome.SYNCED  # once it lets go
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "签约意向"


def test_a_database_that_fails_after_the_workbook_was_replaced_says_the_workbook_is_synced(
    monkeypatch, database, store, bureau, workbook
) -> None:
    from sqlalchemy.exc import OperationalError

    import sync.engine

    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO sync_base …", {}, Exception("database or disk is full"))

    monkeypatch.setattr(sync.engine, "apply_local", disk_full)
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert str(failed.value) == (
        f"The workbook was synced, but this laptop's database {database.path} could not record it "
        "(the disk is full). Sync again once it can: nothing is lost."
    )
    monkeypatch.undo()
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "签约意向"
    assert store.pending_changes() == 0


@pytest.mark.parametrize("stage", ["read", "merge", "write", "verify"])
def test_cancel_at_any_stage_before_the_replace_writes_nothing(
    database, store, bureau, workbook, stage: str
) -> None:
    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})
    before = workbook.read_bytes()
    stages: list[str] = []

    with pytest.raises(SyncCancelled):
        _sync(
            database,
            workbook,
            progress=lambda at, _done, _total: stages.append(at),
            cancelled=lambda: stage in stages,
        )
    assert stages[-1] == stage  # cancelled as soon as the stage it was asked in ended
    assert workbook.read_bytes() == before
    assert not list(workbook.parent.glob(".~outreach-*"))  # no half-written copy left beside it
    assert store.pending_changes() == 1 and store.get("teams", bureau["team"])["leader"] != "孙八"
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.counts["teams"].updated_here == 1


@pytest.mark.parametrize("after_ledgers", [0, 2, 6])
def test_cancel_while_ledgers_are_merged_stops_at_the_next_ledger(
    database, store, bureau, workbook, monkeypatch: pytest.MonkeyPatch, after_ledgers: int
) -> None:
    """Reading and merging a bureau's ledgers takes a while at scale: a cancel then is honoured before
    the next ledger is read or merged (or, after the last, before its cells are planned)."""
    from sync import engine

    _sync(database, workbook)
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})
    before = workbook.read_bytes()
    merged: list[str] = []
    merge = engine.merge

    def counted(*args: Any, **kwargs: Any) -> Any:
        merged.append("ledger")
        return merge(*args, **kwargs)

    monkeypatch.setattr(engine, "merge", counted)
    planned: list[str] = []
    row_writer = engine._row_writer
    monkeypatch.setattr(
        engine, "_row_writer", lambda ledger, *a: planned.append(ledger) or row_writer(ledger, *a)
    )
    stages: list[str] = []
    with pytest.raises(SyncCancelled):
        _sync(
            database,
            workbook,
            progress=lambda at, _done, _total: stages.append(at),
            cancelled=lambda: "merge" in stages and len(merged) >= after_ledgers,
        )
    assert len(merged) == after_ledgers and stages[-1] == "merge"
    assert planned == []  # no sheet's cells were planned
    assert workbook.read_bytes() == before
    assert store.pending_changes() == 1
    assert _sync(database, workbook).counts["visits"].updated_there == 1


def test_cancel_while_the_workbook_is_written_stops_at_the_next_block(
    database, store, bureau, workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sync writes a bureau's rows for a while: a cancel then is honoured within one block of
    rows, not when the whole workbook is written."""
    from sync import xlsx_patch

    monkeypatch.setattr(xlsx_patch, "CHECK_BLOCK", 1)  # every appended row a block of its own
    checked: list[str] = []
    check_here = xlsx_patch.check_rows_here

    def counted(part: str, rows: bytes) -> None:
        checked.append(part)
        check_here(part, rows)

    monkeypatch.setattr(xlsx_patch, "check_rows_here", counted)
    before = workbook.read_bytes()
    with pytest.raises(SyncCancelled):
        _sync(database, workbook, cancelled=lambda: len(checked) >= 3)
    assert len(checked) == 3  # stopped at the next block
    assert workbook.read_bytes() == before
    assert not list(workbook.parent.glob(".~outreach-*"))
    monkeypatch.undo()
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED
    _ledgers_agree(database, workbook)


def test_cancel_while_the_copy_is_read_again_stops_between_sheets(
    database, store, bureau, workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync import engine

    monkeypatch.setattr(engine, "ROWS_CHECKED_AS_XML", 0)  # the written copy is read again, sheet by sheet
    monkeypatch.setattr(workbook_read, "PARALLEL_READ_BYTES", 1 << 40)  # every sheet read here
    sheets_read: list[str] = []
    read_sheet = workbook_read._read_sheet

    def counted(ledger: str, *args: Any, **kwargs: Any) -> Any:
        sheets_read.append(ledger)
        return read_sheet(ledger, *args, **kwargs)

    monkeypatch.setattr(workbook_read, "_read_sheet", counted)
    stages: list[str] = []

    def cancelled() -> bool:  # asked once the copy's first sheet has been read again
        return stages[-1:] == ["verify"] and len(sheets_read) > 6

    before = workbook.read_bytes()
    with pytest.raises(SyncCancelled):
        _sync(database, workbook, progress=lambda at, _done, _total: stages.append(at), cancelled=cancelled)
    assert stages[-1] == "verify"
    assert len(sheets_read) == 6 + 1  # the six sheets read first, then one of the copy's
    assert workbook.read_bytes() == before
    assert not list(workbook.parent.glob(".~outreach-*"))
    monkeypatch.undo()
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def test_sync_history_is_kept(database, bureau, workbook) -> None:
    _sync(database, workbook)
    _sync(database, workbook)
    with database.session() as session:
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        assert [r.outcome for r in runs] == ["synced", "synced"]
        assert '"added_there": 1' in runs[0].summary
        assert session.execute(select(func.count()).select_from(SyncConflict)).scalar() == 0
    assert runs[0].finished_at >= runs[0].started_at
    assert isinstance(runs[0].started_at, datetime)


def test_the_command_line_sync_starts_a_new_database_only_when_told(
    db_path: Path, store, bureau, workbook, capsys
) -> None:
    """A mistyped --db made a new database and took the whole workbook into it, while the laptop's
    real one stayed unsynced."""
    store.database.close()
    assert main.main(["sync", "--db", str(db_path), "--workbook", str(workbook), "--user", "张三"]) == 0
    before = workbook.read_bytes()
    typo = db_path.with_name("ledegr.db")
    command = ["sync", "--db", str(typo), "--workbook", str(workbook), "--user", "张三"]
    assert main.main(command) == main.EXIT_NOTHING_WRITTEN
    assert f"there is no database at {typo} (--new-db starts a new one)" in capsys.readouterr().err
    assert not typo.exists() and workbook.read_bytes() == before
    typo.touch()  # a copy cut short: SQLite would take it for a new database too
    assert main.main(command) == main.EXIT_NOTHING_WRITTEN
    assert "is empty (0 bytes)" in capsys.readouterr().err and typo.stat().st_size == 0

    assert main.main([*command, "--new-db"]) == 0  # a second laptop's first sync
    second = Database.open(typo)
    try:
        assert LedgerQuery(second, "teams").ids("", "name", False) == [bureau["team"]]
    finally:
        second.close()


def test_the_command_line_says_a_damaged_workbook_once(db_path: Path, store, bureau, workbook) -> None:
    """A master cut short in copying: the command printed the zip module's complaint as a stray line
    before its own message."""
    import subprocess
    import sys

    store.database.close()
    workbook.write_bytes(workbook.read_bytes()[:3000])
    run = subprocess.run(
        [
            sys.executable,
            "main.py",
            "sync",
            "--db",
            str(db_path),
            "--workbook",
            str(workbook),
            "--user",
            "张三",
        ],
        cwd=Path(main.__file__).parent,
        capture_output=True,
        text=True,
    )
    assert run.returncode == main.EXIT_NOTHING_WRITTEN
    assert (
        run.stderr == f"nothing written: The workbook {workbook} cannot be read: its zip package is damaged\n"
    )


def test_command_line_exit_codes(db_path: Path, store, bureau, workbook, capsys) -> None:
    store.database.close()
    assert main.main(["sync", "--db", str(db_path), "--workbook", str(workbook), "--user", "张三"]) == 0
    assert capsys.readouterr().out.startswith("synced: ")
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): "很多"})
    assert main.main(["sync", "--db", str(db_path), "--workbook", str(workbook)]) == 3
    assert "1 issues" in capsys.readouterr().out
    workbook.with_name(f"~${workbook.name}").write_bytes(b"\x04Chen" + b" " * 60)
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): "5亿"})
    database = Database.open(db_path)
    LedgerStore(database, "x").update("teams", bureau["team"], {"leader": "周九"})
    database.close()
    assert main.main(["sync", "--db", str(db_path), "--workbook", str(workbook)]) == 2
    assert "Excel" in capsys.readouterr().err
    assert (
        main.main(["sync", "--db", str(db_path), "--workbook", str(workbook.with_name("missing.xlsx"))]) == 2
    )
    assert "does not exist" in capsys.readouterr().err
    Database.open(db_path).close()


def test_a_backup_put_back_stops_the_sync_until_someone_accepts_it(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    yesterday = workbook.read_bytes()
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    _sync(database, workbook)
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})  # head office's own edit: no stop
    assert _sync(database, workbook).counts["teams"].updated_here == 1
    store.update("visits", bureau["visit"], {"outcome": "签约意向"})

    workbook.write_bytes(yesterday)  # someone puts yesterday's copy back (a backup, a cloud folder)
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert failed.value.older_copy and "was an older copy put back?" in str(failed.value)
    assert workbook.read_bytes() == yesterday
    enterprise = store.get("enterprises", bureau["enterprise"])
    assert enterprise["phone"] == "0758-111" and store.get("teams", bureau["team"])["leader"] == "孙八"

    report = _sync(database, workbook, accept_older_copy=True)  # head office means it
    assert report.counts["enterprises"].updated_here == 1  # as the message said: the copy's values
    assert store.get("enterprises", bureau["enterprise"])["phone"] != "0758-111"
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "签约意向"  # made since: kept
    assert _sync(database, workbook).outcome is Outcome.SYNCED  # the copy is now the latest version


def test_a_change_undone_on_another_laptop_is_not_taken_for_an_older_copy(
    database, store, bureau, workbook, second_laptop
) -> None:
    _sync(database, workbook)
    _sync(second_laptop, workbook, "李四")
    other = LedgerStore(second_laptop, "李四")
    other.update("teams", bureau["team"], {"leader": "李四四"})  # a slip…
    _sync(second_laptop, workbook, "李四")
    _sync(database, workbook)
    other.update("teams", bureau["team"], {"leader": "李四"})  # …put right: the cells are as before
    _sync(second_laptop, workbook, "李四")
    assert _sync(database, workbook).counts["teams"].updated_here == 1  # not refused
    assert store.get("teams", bureau["team"])["leader"] == "李四"


def test_the_command_names_the_option_that_syncs_an_older_copy(
    db_path: Path, store, bureau, workbook, capsys
) -> None:
    store.database.close()
    command = ["sync", "--db", str(db_path), "--workbook", str(workbook), "--user", "张三"]
    assert main.main(command) == 0
    yesterday = workbook.read_bytes()
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})
    assert main.main(command) == 0
    workbook.write_bytes(yesterday)
    capsys.readouterr()
    assert main.main(command) == 2
    assert "--accept-older-copy" in capsys.readouterr().err
    assert main.main([*command, "--accept-older-copy"]) == 0


def test_workbook_new_command_makes_a_master_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    target = tmp_path / "new.xlsx"
    assert main.main(["workbook", "new", str(target), "--lang", "en"]) == 0
    assert read_workbook(target).language == "en"
    assert main.main(["workbook", "new", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_english_and_chinese_workbooks_sync_to_the_same_records(tmp_path: Path, database, bureau) -> None:
    chinese = new_workbook(tmp_path / "zh", "zh")
    english = new_workbook(tmp_path / "en", "en")
    _sync(database, chinese)
    other = Database.open(tmp_path / "other.db")
    try:
        _sync(other, chinese, "李四")
        _sync(other, english, "李四")  # the same records, now into an English workbook
        # bases belong to the workbook they were agreed with: a new master never reads as "all removed"
        assert not any(r[DELETED] for r in local_records(other, "visits").values())
        for ledger in ("visits", "leads", "projects"):
            assert workbook_records(english, ledger) == workbook_records(chinese, ledger)
    finally:
        other.close()
    assert date(2024, 3, 19).isoformat() in str(workbook_records(english, "visits"))


def test_a_row_that_would_make_an_invalid_record_is_an_issue_and_not_taken_over(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    hand_append(
        workbook,
        "projects",
        [
            {
                "name": "倒排项目",
                "stage": "已签约",
                "signed_on": date(2024, 6, 1),
                "land_actual": date(2024, 5, 1),
                "team_id:name": "端州区招商一组",
            },
        ],
    )
    report = _sync(database, workbook)
    assert report.counts["projects"].issues == 1 and report.counts["projects"].added_here == 0
    with database.session() as session:
        issue = session.scalars(select(SyncIssue)).one()
    assert issue.message == "{reason}; the row was not taken over"
    assert '"reason": "This date cannot be before {other} ({other_date})."' in issue.args
    assert '"other_date": "2024-06-01"' in issue.args


# --- rows whose id cannot be told: merged, filled down, cleared -------------------------------------------


def _two_enterprises(store: LedgerStore, bureau: dict[str, str], workbook: Path, database) -> tuple[str, str]:
    """A second enterprise, synced: (the id on the upper row, the id on the row just below it)."""
    second = store.create("enterprises", {"name": "广州氢能装备有限公司", "industry": "hydrogen"})
    _sync(database, workbook)
    rows = read_workbook(workbook).sheets["enterprises"].rows
    upper, lower = sorted([bureau["enterprise"], second], key=rows.__getitem__)
    assert rows[lower] == rows[upper] + 1
    return upper, lower


def _merge_xml(workbook: Path, sheet_name: str, ref: str) -> None:
    """A <mergeCell> added without touching any value (LibreOffice keeps a covered cell's content)."""
    part = _part_of(workbook, sheet_name)
    with _edited_parts(workbook) as parts:
        xml = parts[part].decode()
        if "<mergeCells" in xml:
            xml = xml.replace("</mergeCells>", f'<mergeCell ref="{ref}"/></mergeCells>')
        else:
            at = xml.index("</sheetData>") + len("</sheetData>")
            xml = xml[:at] + f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>' + xml[at:]
        parts[part] = xml.encode()


def test_a_covered_id_cell_that_still_holds_its_id_is_read_as_usual(
    database, store, bureau, workbook
) -> None:
    first, second = _two_enterprises(store, bureau, workbook, database)
    sheet = read_workbook(workbook).sheets["enterprises"]
    first_row, second_row = sheet.rows[first], sheet.rows[second]
    _merge_xml(workbook, sheet.sheet, f"A{first_row}:A{second_row}")
    report = _sync(database, workbook)
    assert report.counts["enterprises"].deleted_here == 0
    assert not store.get("enterprises", second)["deleted"]


def test_an_id_lost_in_a_merge_or_overwritten_by_a_fill_down_deletes_nothing(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    first, second = _two_enterprises(store, bureau, workbook, database)
    sheet = read_workbook(workbook).sheets["enterprises"]
    first_row, second_row = sheet.rows[first], sheet.rows[second]

    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].merge_cells(f"A{first_row}:A{second_row}")  # Excel keeps only the first id
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].deleted_here == 0 and not store.get("enterprises", second)["deleted"]
    with database.session() as session:
        messages = [i.message for i in session.scalars(select(SyncIssue)).all()]
    assert any("not taken as removed" in m for m in messages)

    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].unmerge_cells(f"A{first_row}:A{second_row}")  # the second id is gone for good
    book.save(workbook)
    report = _sync(database, workbook)  # the row is the enterprise of that name: it gets its id back
    counts = report.counts["enterprises"]
    assert (counts.added_here, counts.deleted_here) == (0, 0) and report.outcome is Outcome.SYNCED
    assert read_workbook(workbook).sheets["enterprises"].rows[second] == second_row

    book = openpyxl.load_workbook(workbook)  # a fill-down copies the first id over the second
    book[sheet.sheet].cell(second_row, 1).value = first
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].deleted_here == 0 and not store.get("enterprises", second)["deleted"]
    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].cell(second_row, 1).value = None  # as the issue says: clear the copy's id
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].added_here == 0 and report.outcome is Outcome.SYNCED
    live = [rid for rid, r in local_records(database, "enterprises").items() if not r["deleted"]]
    assert sorted(live) == sorted([first, second])


def test_a_header_over_two_merged_rows_is_not_an_issue(database, store, bureau, workbook) -> None:
    import openpyxl

    _sync(database, workbook)
    sheet = read_workbook(workbook).sheets["teams"]
    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].insert_rows(2)
    for column in range(1, max(sheet.columns.values()) + 1):
        book[sheet.sheet].merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("updated_here") == 0


def test_a_total_row_typed_in_the_id_column_is_a_total_row_and_an_enterprise_named_total_is_one(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    hand_append(workbook, "enterprises", [{"name": "Total", "industry": "其他"}])  # a real one, no id yet
    report = _sync(database, workbook)
    assert report.counts["enterprises"].added_here == 1
    hand_append(workbook, "projects", [{"id": "合计", "planned_investment": "100000"}])
    store.create(
        "projects",
        {"name": "新项目", "stage": "signed", "signed_on": date(2024, 6, 1), "team_id": bureau["team"]},
    )
    report = _sync(database, workbook)
    counts = report.counts["projects"]
    assert (counts.added_here, counts.added_there, counts.issues) == (0, 0, 1)


def test_a_cleared_id_is_not_given_to_a_different_record_of_the_same_name(
    database, store, bureau, workbook
) -> None:
    """Head office removes lead L1's row and types another lead of the same title for another
    enterprise, while the laptop edits L1: a removed row to decide and a new lead, not one lead."""
    import openpyxl

    other = store.create("enterprises", {"name": "广州氢能装备有限公司"})
    _sync(database, workbook)
    store.update("leads", bureau["lead"], {"notes": "laptop: met the CFO"})
    sheet = read_workbook(workbook).sheets["leads"]
    book = openpyxl.load_workbook(workbook)
    row = sheet.rows[bureau["lead"]]
    book[sheet.sheet].cell(row, sheet.columns["id"]).value = None
    book[sheet.sheet].cell(row, sheet.columns["enterprise_id"]).value = other
    book[sheet.sheet].cell(row, sheet.columns["planned_investment"]).value = 8000
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["leads"].added_here == 1 and report.counts["leads"].conflicts == 1
    assert store.get("leads", bureau["lead"])["enterprise_id"] == bureau["enterprise"]


def test_a_deletion_here_of_a_record_whose_id_head_office_cleared_goes_out(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    _, second = _two_enterprises(store, bureau, workbook, database)
    store.set_deleted("enterprises", [second], True)
    sheet = read_workbook(workbook).sheets["enterprises"]
    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].cell(sheet.rows[second], sheet.columns["id"]).value = None
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].added_here == 0
    assert workbook_records(workbook, "enterprises")[second][DELETED]


def test_cells_unmerged_as_the_issue_asks_get_the_values_here_back_not_cleared(
    database, store, bureau, workbook
) -> None:
    import openpyxl

    others = [
        store.create("enterprises", {"name": name, "city": city})
        for name, city in (("广州氢能装备有限公司", "广州"), ("佛山氢能材料有限公司", "佛山"))
    ]
    store.update("enterprises", bureau["enterprise"], {"city": "深圳"})
    ids = [bureau["enterprise"], *others]
    _sync(database, workbook)
    sheet = read_workbook(workbook).sheets["enterprises"]
    rows = sorted(sheet.rows[rid] for rid in ids)
    letter = workbook_read.column_letter(sheet.columns["city"])
    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    book.save(workbook)
    _sync(database, workbook)  # held, one issue
    lower = next(rid for rid in ids if sheet.rows[rid] == rows[-1])
    store.update("enterprises", lower, {"city": "东莞"})  # changed here while held

    book = openpyxl.load_workbook(workbook)
    book[sheet.sheet].unmerge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")  # covered cells left empty
    book.save(workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_here == 0 and report.outcome is Outcome.SYNCED
    here = {rid: store.get("enterprises", rid)["city"] for rid in ids}
    assert here[lower] == "东莞" and None not in here.values()
    there = workbook_records(workbook, "enterprises")
    assert {rid: there[rid]["city"] for rid in ids} == here  # written back into the unmerged cells
    assert _sync(database, workbook).outcome is Outcome.SYNCED


def _three_cities(
    store: LedgerStore, bureau: dict[str, str], database, workbook: Path
) -> tuple[list[str], list[int]]:
    """Three enterprises with a city and an address each, synced: their ids and rows, top to bottom."""
    others = [
        store.create("enterprises", {"name": name, "city": city, "address": f"{city}大道1号"})
        for name, city in (("广州氢能装备有限公司", "广州"), ("佛山氢能材料有限公司", "佛山"))
    ]
    store.update("enterprises", bureau["enterprise"], {"city": "深圳", "address": "深圳大道1号"})
    _sync(database, workbook)
    rows = read_workbook(workbook).sheets["enterprises"].rows
    ids = sorted([bureau["enterprise"], *others], key=rows.__getitem__)
    assert [rows[rid] for rid in ids] == list(range(rows[ids[0]], rows[ids[0]] + 3))
    return ids, [rows[rid] for rid in ids]


def _edit_sheet(workbook: Path, ledger: str, edit: Any) -> None:
    import openpyxl

    name = read_workbook(workbook).sheets[ledger].sheet
    book = openpyxl.load_workbook(workbook)
    edit(book[name])
    book.save(workbook)


def test_merges_unmerged_one_at_a_time_or_into_a_held_column_keep_every_value(
    database, store, bureau, workbook
) -> None:
    ids, rows = _three_cities(store, bureau, database, workbook)
    columns = read_workbook(workbook).sheets["enterprises"].columns
    city, address = (workbook_read.column_letter(columns[key]) for key in ("city", "address"))
    cities = {rid: store.get("enterprises", rid)["city"] for rid in ids}
    addresses = {rid: store.get("enterprises", rid)["address"] for rid in ids}
    _edit_sheet(
        workbook,
        "enterprises",
        lambda s: [s.merge_cells(f"{c}{rows[0]}:{c}{rows[-1]}") for c in (city, address)],
    )
    _sync(database, workbook)
    _edit_sheet(workbook, "enterprises", lambda s: s.unmerge_cells(f"{city}{rows[0]}:{city}{rows[-1]}"))
    _sync(database, workbook)  # the cities come back; the addresses are still merged
    assert {rid: store.get("enterprises", rid)["city"] for rid in ids} == cities
    assert {rid: workbook_records(workbook, "enterprises")[rid]["city"] for rid in ids} == cities

    def unmerge_and_add_own_address_column(sheet: Any) -> None:
        sheet.unmerge_cells(f"{address}{rows[0]}:{address}{rows[-1]}")
        sheet.cell(1, max(columns.values()) + 1, "地址")  # head office's own, named like the ledger's

    _edit_sheet(workbook, "enterprises", unmerge_and_add_own_address_column)
    _sync(database, workbook)  # the address column is held now: nothing written, nothing taken
    assert {rid: store.get("enterprises", rid)["address"] for rid in ids} == addresses
    _edit_sheet(workbook, "enterprises", lambda s: s.cell(1, max(columns.values()) + 1, "总部备注地址"))
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_here == 0
    assert {rid: store.get("enterprises", rid)["address"] for rid in ids} == addresses
    assert {rid: workbook_records(workbook, "enterprises")[rid]["address"] for rid in ids} == addresses


def test_after_an_unmerge_a_typed_cell_stays_as_typed_and_a_cleared_first_cell_is_cleared(
    database, store, bureau, workbook
) -> None:
    ids, rows = _three_cities(store, bureau, database, workbook)
    column = read_workbook(workbook).sheets["enterprises"].columns["industry"]
    letter = workbook_read.column_letter(column)
    for rid in ids:
        store.update("enterprises", rid, {"industry": "hydrogen"})
    _sync(database, workbook)
    _edit_sheet(workbook, "enterprises", lambda s: s.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}"))
    _sync(database, workbook)

    def unmerge(sheet: Any) -> None:
        sheet.unmerge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")
        sheet.cell(rows[0], column).value = None  # the first cell's value cleared on purpose
        sheet.cell(rows[1], column).value = "氢能源汽车"  # not one of the industries: a bad cell

    _edit_sheet(workbook, "enterprises", unmerge)
    _sync(database, workbook)
    import openpyxl

    sheet = openpyxl.load_workbook(workbook)[read_workbook(workbook).sheets["enterprises"].sheet]
    assert sheet.cell(rows[1], column).value == "氢能源汽车"  # left as typed, and reported
    assert store.get("enterprises", ids[0])["industry"] is None  # head office's clear is taken
    assert sheet.cell(rows[2], column).value == "氢能"  # the covered cell got its value back
    assert store.get("enterprises", ids[2])["industry"] == "hydrogen"


def test_a_merge_from_the_header_down_into_the_records_holds_those_records(
    database, store, bureau, workbook
) -> None:
    ids, rows = _three_cities(store, bureau, database, workbook)
    cities = {rid: store.get("enterprises", rid)["city"] for rid in ids}
    letter = workbook_read.column_letter(read_workbook(workbook).sheets["enterprises"].columns["city"])
    _edit_sheet(workbook, "enterprises", lambda s: s.merge_cells(f"{letter}1:{letter}{rows[1]}"))
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_here == 0 and report.counts["enterprises"].issues == 1
    assert {rid: store.get("enterprises", rid)["city"] for rid in ids} == cities


@pytest.mark.parametrize("how", ["removed", "doubled"])
def test_a_column_put_back_empty_gets_the_values_here_and_deleted_records_stay_deleted(
    how: str, database, store, bureau, workbook
) -> None:
    """The issue says "until the column is back": head office puts an empty one back (or, for a
    doubled one, deletes the ledger's and keeps its own, empty). Nothing comes back to life, nothing
    is wiped."""
    ids, _rows = _three_cities(store, bureau, database, workbook)
    cities = {rid: store.get("enterprises", rid)["city"] for rid in ids}
    store.set_deleted("enterprises", [ids[2]], True)
    _sync(database, workbook)
    sheet = read_workbook(workbook).sheets["enterprises"]
    status, city = sheet.columns["record_status"], sheet.columns["city"]
    last = max(sheet.columns.values())

    def take_away(s: Any) -> None:
        if how == "removed":
            s.delete_cols(city)
            s.delete_cols(status if status < city else status - 1)
        else:
            s.cell(1, last + 1, "城市")
            s.cell(1, last + 2, "记录状态")

    _edit_sheet(workbook, "enterprises", take_away)
    store.set_deleted("enterprises", [ids[1]], True)  # waits while the status column is held
    _sync(database, workbook)
    assert store.get("enterprises", ids[2])["deleted"] and store.get("enterprises", ids[1])["deleted"]

    def put_back(s: Any) -> None:
        if how == "removed":
            s.cell(1, s.max_column + 1, "城市")
            s.cell(1, s.max_column + 1, "记录状态")
        else:
            s.delete_cols(max(city, status))
            s.delete_cols(min(city, status))

    _edit_sheet(workbook, "enterprises", put_back)
    _sync(database, workbook)
    _sync(database, workbook)
    here = local_records(database, "enterprises")
    assert [here[rid]["deleted"] for rid in ids] == [False, True, True]
    assert {rid: here[rid]["city"] for rid in ids} == cities
    there = workbook_records(workbook, "enterprises")
    assert [there[rid][DELETED] for rid in ids] == [False, True, True]
    assert {rid: there[rid]["city"] for rid in ids} == cities


def test_rows_left_without_id_or_name_by_an_unmerge_delete_nothing_until_head_office_names_them(
    database, store, bureau, workbook
) -> None:
    """Merged over the id and name columns, then unmerged: the covered rows have neither."""
    ids, rows = _three_cities(store, bureau, database, workbook)
    names = {rid: store.get("enterprises", rid)["name"] for rid in ids}
    columns = read_workbook(workbook).sheets["enterprises"].columns
    name = workbook_read.column_letter(columns["name"])
    assert columns["id"] == 1 and columns["name"] == 2
    _edit_sheet(workbook, "enterprises", lambda s: s.merge_cells(f"A{rows[0]}:{name}{rows[-1]}"))
    _sync(database, workbook)
    _edit_sheet(workbook, "enterprises", lambda s: s.unmerge_cells(f"A{rows[0]}:{name}{rows[-1]}"))
    report = _sync(database, workbook)
    assert report.counts["enterprises"].deleted_here == 0
    assert not any(store.get("enterprises", rid)["deleted"] for rid in ids)

    def name_them_again(sheet: Any) -> None:
        for rid, row in zip(ids[1:], rows[1:], strict=True):
            sheet.cell(row, columns["name"]).value = names[rid]

    _edit_sheet(workbook, "enterprises", name_them_again)
    report = _sync(database, workbook)  # each row is plainly its record again: the ids come back
    assert (report.counts["enterprises"].deleted_here, report.counts["enterprises"].added_here) == (0, 0)
    assert [read_workbook(workbook).sheets["enterprises"].rows[rid] for rid in ids] == rows
