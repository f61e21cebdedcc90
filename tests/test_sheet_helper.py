"""A helper process reads some of the sheets while the sync reads the others: the same records, digests
and cell issues as one process reading them all, the same refusals, and nothing left running."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import hand_edit, new_workbook, small_bureau

from sync import sheet_helper, workbook_read
from sync.engine import synchronise
from sync.local import settled_rows
from sync.workbook_read import WorkbookData, WorkbookError, read_workbook
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts


@pytest.fixture
def workbook(database, store, tmp_path: Path) -> Path:
    """A synced workbook in which head office then typed bad cells into three sheets."""
    bureau = small_bureau(store)
    workbook = new_workbook(tmp_path / "shared")
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): "约五千万"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "credit_code"): "91350100M000100Y44"})
    hand_edit(workbook, "visits", {(bureau["visit"], "visit_date"): "2024-02-30"})
    return workbook


@pytest.fixture(autouse=True)
def helpers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[sheet_helper.SheetHelper]]:
    """The helpers started by a test; each must have ended when the test does."""
    started: list[sheet_helper.SheetHelper] = []
    start = sheet_helper.SheetHelper.__init__

    def recorded(self: sheet_helper.SheetHelper, *args: Any) -> None:
        start(self, *args)
        started.append(self)

    monkeypatch.setattr(sheet_helper.SheetHelper, "__init__", recorded)
    yield started
    assert all(helper._process.poll() is not None for helper in started)


def _with_helper(monkeypatch: pytest.MonkeyPatch, share: list[str]) -> None:
    monkeypatch.setattr(
        workbook_read,
        "_helper_share",
        lambda to_read, _signatures: [ledger for ledger in share if ledger in to_read],
    )


def _same(parallel: WorkbookData, serial: WorkbookData) -> None:
    assert parallel.sheets == serial.sheets
    assert parallel.issues == serial.issues  # in ledger order, as one process reports them
    assert (parallel.language, parallel.signatures) == (serial.language, serial.signatures)


@pytest.mark.parametrize(
    "share", [["enterprises", "leads"], ["teams", "enterprises", "trips", "leads", "projects"]]
)
def test_sheets_read_by_a_helper_process_are_the_sheets_read_here(
    database, workbook: Path, monkeypatch: pytest.MonkeyPatch, share: list[str], helpers: list[Any]
) -> None:
    settled = settled_rows(database, str(workbook.resolve()))
    serial = read_workbook(workbook, settled=settled.digests, unchanged=settled.sheets)
    assert len(serial.issues) == 2 and sum(len(s.records) for s in serial.sheets.values()) > 0
    only = {ledger: set(sheet.rows) for ledger, sheet in read_workbook(workbook).sheets.items()}
    serial_only = read_workbook(workbook, only=only)

    _with_helper(monkeypatch, share)
    _same(read_workbook(workbook, settled=settled.digests, unchanged=settled.sheets), serial)
    _same(read_workbook(workbook, only=only), serial_only)
    assert len(helpers) == 2


def test_a_sheet_the_helper_cannot_use_is_refused_with_the_same_message(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helpers: list[Any]
) -> None:
    sheet = read_workbook(workbook).sheets["enterprises"]
    broken = tmp_path / "broken.xlsx"
    part = sheet_parts(workbook)[sheet.sheet]
    patch_workbook(
        workbook, broken, [SheetPatch(part, {(sheet.header_row, sheet.columns["id"]): "备注"}, [])]
    )
    with pytest.raises(WorkbookError) as serial:
        read_workbook(broken)

    _with_helper(monkeypatch, ["enterprises", "leads"])
    with pytest.raises(WorkbookError) as parallel:
        read_workbook(broken)
    assert str(parallel.value) == str(serial.value) and "ID" in str(serial.value).upper()
    assert (parallel.value.message, parallel.value.args_) == (serial.value.message, serial.value.args_)
    assert len(helpers) == 1


def test_a_helper_that_dies_leaves_its_sheets_to_be_read_here(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = read_workbook(workbook)
    answer = sheet_helper.SheetHelper.result

    def killed_first(self: sheet_helper.SheetHelper, cancelled=None):  # out of memory, say
        self._process.kill()
        self._process.wait()
        return answer(self, cancelled)

    monkeypatch.setattr(sheet_helper.SheetHelper, "result", killed_first)
    _with_helper(monkeypatch, ["enterprises", "leads", "projects"])
    _same(read_workbook(workbook), serial)


def test_a_cancel_while_the_helper_reads_stops_it(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(workbook, workbook.with_name("copy.xlsx"))
    _with_helper(monkeypatch, ["enterprises", "leads"])
    asked: list[bool] = []

    def cancelled() -> bool:  # not while this process reads its four sheets; then while it waits
        asked.append(True)
        return len(asked) > 4

    with pytest.raises(InterruptedError):
        read_workbook(workbook, cancelled)
    assert len(asked) == 5
