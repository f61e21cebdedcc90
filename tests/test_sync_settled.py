"""Rows settled at the last sync are located, not read in full: and no change ever hides behind that.

A sync remembers, per record, a digest of its workbook row as it stood afterwards. The next sync skips
the rows whose digest is unchanged for records not edited here since; everything else is merged as
before. Rows a sync wrote get their digest from reading the written sheet again when it wrote many
(a first sync); after a small patch, checked row by row, they are read in full once more next time.
These tests check the skipping happens and, above all, that nothing it skips was a change.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sync_helpers import hand_edit, local_records, workbook_records

from models import demo
from models.database import Database
from models.store import LedgerStore
from sync import engine
from sync.columns import layout
from sync.conflicts import load_conflicts, resolve_conflict
from sync.engine import Outcome, synchronise
from sync.local import read_local, settled_rows
from sync.workbook_read import read_workbook, row_digests
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts


@pytest.fixture(autouse=True, params=["rows-checked-as-xml", "sheets-read-again"])
def verification(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a written copy is checked: they differ in which rows are settled right away."""
    if request.param == "sheets-read-again":
        monkeypatch.setattr(engine, "ROWS_CHECKED_AS_XML", 0)
    return str(request.param)


def _sync(database: Database, workbook: Path, user: str = "张三"):
    return synchronise(database, workbook, user)


def _read_in_full(database: Database, workbook: Path) -> dict[str, set[str]]:
    """The records the next sync would read in full, by ledger."""
    settled = settled_rows(database, str(workbook.resolve()))
    data = read_workbook(workbook, settled=settled.digests)
    return {ledger: set(sheet.records) for ledger, sheet in data.sheets.items() if sheet.records}


def test_after_a_sync_every_row_is_settled_and_a_quiet_sync_reads_none(
    database, bureau, workbook, verification
) -> None:
    _sync(database, workbook)
    if verification == "rows-checked-as-xml":  # the rows just written are read in full once more
        assert _read_in_full(database, workbook) == {
            ledger: {bureau[key]}
            for ledger, key in (
                ("teams", "team"),
                ("enterprises", "enterprise"),
                ("visits", "visit"),
                ("leads", "lead"),
                ("projects", "project"),
            )
        }
        _sync(database, workbook)
    assert _read_in_full(database, workbook) == {}
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("updated_here") == 0
    assert _read_in_full(database, workbook) == {}


def test_a_demo_bureau_settles_and_its_rows_are_still_all_located(database, workbook, verification) -> None:
    demo.generate(database, scale=0.02, seed=5)
    _sync(database, workbook)
    if verification == "rows-checked-as-xml":
        _sync(database, workbook)
    settled = settled_rows(database, str(workbook.resolve()))
    data = read_workbook(workbook, settled=settled.digests)
    local = read_local(database).records
    for ledger, sheet in data.sheets.items():
        assert sheet.records == {}, ledger
        assert set(sheet.rows) == set(local[ledger]), ledger


def test_a_head_office_edit_of_a_settled_row_comes_in(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    _sync(database, workbook)
    assert _read_in_full(database, workbook) == {}
    hand_edit(workbook, "visits", {(bureau["visit"], "summary"): "改为签约前最后一次洽谈"})
    assert _read_in_full(database, workbook) == {"visits": {bureau["visit"]}}
    report = _sync(database, workbook)
    assert report.counts["visits"].updated_here == 1
    assert store.get("visits", bureau["visit"])["summary"] == "改为签约前最后一次洽谈"
    assert _read_in_full(database, workbook) == {}


def test_a_local_edit_of_a_settled_record_goes_out(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"city": "肇庆"})
    report = _sync(database, workbook)
    assert report.counts["enterprises"].updated_there == 1
    assert workbook_records(workbook, "enterprises")[bureau["enterprise"]]["city"] == "肇庆"
    _sync(database, workbook)
    assert _read_in_full(database, workbook) == {}


def test_a_local_delete_and_restore_of_a_settled_record_go_out(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    store.set_deleted("visits", [bureau["visit"]], True)
    _sync(database, workbook)
    assert workbook_records(workbook, "visits")[bureau["visit"]]["deleted"] is True
    store.set_deleted("visits", [bureau["visit"]], False)
    _sync(database, workbook)
    assert workbook_records(workbook, "visits")[bureau["visit"]]["deleted"] is False


def test_swapped_headers_over_unchanged_cells_are_read_as_a_change(database, bureau, workbook) -> None:
    """Same cells, other meaning: the digest covers which column holds which field."""
    _sync(database, workbook)
    data = read_workbook(workbook)
    sheet = data.sheets["visits"]
    staff, location = sheet.columns["staff"], sheet.columns["location"]
    row = sheet.header_row
    names = layout("visits")
    headers = {(row, staff): names.column("location").zh, (row, location): names.column("staff").zh}
    edited = workbook.with_name("swapped.xlsx")
    patch_workbook(workbook, edited, [SheetPatch(sheet_parts(workbook)[sheet.sheet], headers, [])])
    edited.replace(workbook)
    assert read_workbook(workbook).sheets["visits"].columns["staff"] == location  # the headers did move

    assert bureau["visit"] in _read_in_full(database, workbook).get("visits", set())
    _sync(database, workbook)
    # The workbook now says the staff column is empty and the location is 张三: that is what came in.
    visit = local_records(database, "visits")[bureau["visit"]]
    assert (visit["staff"], visit["location"]) == (None, "张三")


def test_a_conflicted_record_is_read_in_full_until_resolved(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "phone"): "0758-222"})
    assert _sync(database, workbook).outcome is Outcome.OPEN
    assert _read_in_full(database, workbook) == {"enterprises": {bureau["enterprise"]}}
    assert _sync(database, workbook).counts["enterprises"].conflicts == 1  # still listed, not skipped

    resolve_conflict(database, "王五", load_conflicts(database)[0], {"phone": "0758-333"})
    assert _sync(database, workbook).outcome is Outcome.SYNCED
    assert workbook_records(workbook, "enterprises")[bureau["enterprise"]]["phone"] == "0758-333"
    _sync(database, workbook)
    assert _read_in_full(database, workbook) == {}


def test_a_row_with_a_bad_cell_is_reported_at_every_sync(database, bureau, workbook) -> None:
    _sync(database, workbook)
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "三月某日"})
    for _ in range(2):
        report = _sync(database, workbook)
        assert report.outcome is Outcome.OPEN and report.counts["visits"].issues == 1


def test_another_workbook_is_read_in_full(database, bureau, workbook, tmp_path: Path) -> None:
    _sync(database, workbook)
    other = tmp_path / "copy" / "master.xlsx"
    other.parent.mkdir()
    other.write_bytes(workbook.read_bytes())
    assert settled_rows(database, str(other.resolve())).digests == {}
    report = _sync(database, other)
    assert report.outcome is Outcome.SYNCED and report.total("updated_here") == 0


def test_a_second_laptop_edit_reaches_a_settled_first_laptop(
    database, store, bureau, workbook, tmp_path
) -> None:
    second = Database.open(tmp_path / "laptop2.db")
    try:
        _sync(database, workbook)
        _sync(second, workbook, "李四")
        _sync(database, workbook)
        LedgerStore(second, "李四").update("visits", bureau["visit"], {"next_action_date": date(2024, 5, 6)})
        _sync(second, workbook, "李四")
        _sync(database, workbook)
        assert store.get("visits", bureau["visit"])["next_action_date"] == date(2024, 5, 6)
    finally:
        second.close()


def test_row_digests_are_the_same_in_another_process(workbook: Path) -> None:
    """Digests are stored between runs: they must not depend on per-process string hashing."""
    cells = ["3f1c", date(2024, 3, 19), "走访企业", 12.5, None, True]
    positions = {"id": 0, "visit_date": 1, "kind": 2}
    here = row_digests(positions)(cells)
    code = (
        "import sys, datetime; sys.path.insert(0, '.')\n"
        "from sync.workbook_read import row_digests\n"
        f"print(row_digests({positions!r})([ '3f1c', datetime.date(2024, 3, 19), '走访企业', 12.5, None, True]))"
    )
    there = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert int(there.stdout) == here
    assert row_digests(positions)([*cells[:3], 12.6, None, True]) != here
    assert row_digests({**positions, "kind": 3})(cells) != here


def test_a_value_that_does_not_read_back_stops_the_sync_with_nothing_written(
    database, store, bureau, workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sync(database, workbook)
    before = workbook.read_bytes()
    store.update("visits", bureau["visit"], {"outcome": "对方有意向"})
    cell_writer = engine._cell_writer

    def miswriting(field, language):  # a defect in writing cells, as the check must catch it
        write = cell_writer(field, language)
        return lambda value: "对方无意向" if value == "对方有意向" else write(value)

    monkeypatch.setattr(engine, "_cell_writer", miswriting)
    with pytest.raises(engine.SyncFailed, match="did not read back") as failure:
        _sync(database, workbook)
    assert "outcome" in str(failure.value)
    assert workbook.read_bytes() == before
    assert store.pending_changes() == 1
    monkeypatch.undo()
    _sync(database, workbook)
    assert workbook_records(workbook, "visits")[bureau["visit"]]["outcome"] == "对方有意向"


def _sheets_read(database: Database, workbook: Path) -> set[str]:
    """The ledgers whose sheets the next sync would read at all."""
    settled = settled_rows(database, str(workbook.resolve()))
    data = read_workbook(workbook, settled=settled.digests, unchanged=settled.sheets)
    return {ledger for ledger, sheet in data.sheets.items() if not sheet.unread}


def test_sheets_stored_as_after_the_last_sync_are_not_read(database, store, bureau, workbook) -> None:
    _sync(database, workbook)
    _sync(database, workbook)  # settles what the first one wrote (checked row by row)
    assert _sheets_read(database, workbook) == set()
    report = _sync(database, workbook)
    assert report.outcome is Outcome.SYNCED and report.total("updated_here") == 0

    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "city"): "佛山"})
    assert _sheets_read(database, workbook) == {"enterprises"}  # the edited sheet only
    _sync(database, workbook)
    assert store.get("enterprises", bureau["enterprise"])["city"] == "佛山"
    assert _sheets_read(database, workbook) == set()

    store.update("leads", bureau["lead"], {"title": "氢燃料电池电堆项目"})
    assert _sheets_read(database, workbook) == {"leads"}  # stored the same, but changed here
    _sync(database, workbook)
    assert workbook_records(workbook, "leads")[bureau["lead"]]["title"] == "氢燃料电池电堆项目"


def test_a_sheet_reads_again_when_a_part_every_sheet_reads_through_changes(workbook: Path) -> None:
    """A sheet part stored the same can read differently: its texts may live in sharedStrings.xml, its
    date formats in styles.xml, the date system in workbook.xml."""
    import zipfile

    from sync.workbook_read import sheet_signatures

    def rewritten(change: Callable[[dict[str, bytes]], None]) -> dict[str, str]:
        with zipfile.ZipFile(workbook) as source:
            parts = {name: source.read(name) for name in source.namelist()}
        change(parts)
        with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(name, data)
        return {name: signature.text() for name, signature in sheet_signatures(workbook).items()}

    def shared_strings(text: str) -> Callable[[dict[str, bytes]], None]:
        def put(parts: dict[str, bytes]) -> None:
            parts["xl/sharedStrings.xml"] = (
                f'<sst count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'.encode()
            )

        return put

    first = rewritten(shared_strings("深圳氢蓝时代动力科技有限公司"))
    assert rewritten(shared_strings("深圳氢蓝时代动力科技有限公司")) == first  # stored the same: the same
    renamed = rewritten(shared_strings("深圳氢蓝动力有限公司"))
    assert all(renamed[sheet] != first[sheet] for sheet in first)

    def date1904(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<workbookPr", b'<workbookPr date1904="1"', 1
        )

    switched = rewritten(date1904)
    assert all(switched[sheet] != renamed[sheet] for sheet in renamed)


def test_a_sheet_with_an_open_conflict_or_issue_is_read_at_every_sync(
    database, store, bureau, workbook
) -> None:
    _sync(database, workbook)
    _sync(database, workbook)
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "phone"): "0758-222"})
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "三月某日"})
    _sync(database, workbook)
    assert {"enterprises", "visits"} <= _sheets_read(database, workbook)
    report = _sync(database, workbook)
    assert report.counts["enterprises"].conflicts == 1 and report.counts["visits"].issues == 1
