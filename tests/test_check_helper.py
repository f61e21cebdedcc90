"""Appended rows checked in a helper process: the same workbook as when checked here, the same refusal
of a malformed row, and nothing lost when the helper dies or cannot start."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_xlsx_patch import ENTERPRISES, VISITS, _calamine_rows, _parts, _patch, build_master

import sync.check_helper as check_helper
import sync.xlsx_patch as xlsx_patch
from sync.xlsx_patch import PatchError, SheetPatch, patch_workbook


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return build_master(tmp_path / "master.xlsx")


def _appends(count: int) -> list[dict[int, Any]]:
    return [
        {1: f"E{i:04d}", 2: f"公司 {i} & <合作>", 3: date(2024, 1, 1) + timedelta(days=i % 400), 4: i * 1.5}
        for i in range(count)
    ]


def _patches() -> list[SheetPatch]:
    return [
        SheetPatch(ENTERPRISES, {}, _appends(600), style_row=13, header_row=3),
        SheetPatch(VISITS, {}, [{1: f"E{i:04d}", 2: date(2024, 5, 1), 3: "王五"} for i in range(300)]),
    ]


class Spy:
    """Counts the blocks handed to the helper (on this side: the helper is another process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.blocks = 0
        original = check_helper.CheckHelper.check

        def check(helper: check_helper.CheckHelper, part: str, rows: bytes) -> None:
            self.blocks += 1
            original(helper, part, rows)

        monkeypatch.setattr(check_helper.CheckHelper, "check", check)


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> Spy:
    """Every patch's appended rows checked in the helper, in many small blocks."""
    monkeypatch.setattr(xlsx_patch, "CHECK_ELSEWHERE_ROWS", 1)
    monkeypatch.setattr(xlsx_patch, "CHECK_BLOCK", 4096)
    monkeypatch.setattr(xlsx_patch, "processors", lambda: 2)  # even on a one-core machine
    return Spy(monkeypatch)


def _here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_patch, "CHECK_ELSEWHERE_ROWS", 10**9)


def _break_row(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """A mistake of ours: the appended row ``number`` is written without its end tag."""
    original = xlsx_patch._Worksheet.new_row_xml

    def new_row_xml(self: Any, row: int, *args: Any) -> tuple[bytes, list[int]]:
        xml, columns = original(self, row, *args)
        return (xml.replace(b"</row>", b"") if row == number else xml), columns

    monkeypatch.setattr(xlsx_patch._Worksheet, "new_row_xml", new_row_xml)


def test_rows_checked_in_the_helper_make_the_same_workbook(
    master: Path, tmp_path: Path, elsewhere: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    there = tmp_path / "there.xlsx"
    report = _patch(master, there, *_patches())
    assert elsewhere.blocks > 10  # both sheets, in many blocks, went to the helper
    with zipfile.ZipFile(there) as package:
        assert package.testzip() is None
    _here(monkeypatch)
    here = tmp_path / "here.xlsx"
    assert _patch(master, here, *_patches()) == report
    assert _parts(there) == _parts(here)
    rows = _calamine_rows(there, "Enterprises")
    assert rows[-1][:4] == ["E0599", "公司 599 & <合作>", date(2024, 1, 1) + timedelta(days=199), 898.5]


@pytest.mark.parametrize("broken_row", [14, 400, 613])  # the first, a middle and the last appended row
def test_a_malformed_row_found_by_the_helper_is_refused_and_nothing_written(
    master: Path, tmp_path: Path, elsewhere: Spy, monkeypatch: pytest.MonkeyPatch, broken_row: int
) -> None:
    _break_row(monkeypatch, broken_row)
    target = tmp_path / "patched.xlsx"
    with pytest.raises(PatchError) as there:
        patch_workbook(master, target, _patches())
    assert elsewhere.blocks > 10
    assert not target.exists()
    assert f"part {ENTERPRISES!r} is not well-formed XML" in str(there.value)
    _here(monkeypatch)
    with pytest.raises(PatchError) as here:
        patch_workbook(master, target, _patches())
    assert str(there.value) == str(here.value)  # the same words, the same line and column


def test_blocks_a_dead_helper_gave_no_verdict_for_are_checked_here(
    master: Path, tmp_path: Path, elsewhere: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A helper that reads a little and dies: a broken pipe for the rest, and no answer.
    monkeypatch.setattr(check_helper, "_CHILD", "import sys; sys.stdin.buffer.read(5000); sys.exit(1)")
    target = tmp_path / "patched.xlsx"
    _patch(master, target, *_patches())
    assert elsewhere.blocks > 10
    assert _calamine_rows(target, "Enterprises")[-1][0] == "E0599"

    _break_row(monkeypatch, 613)
    broken = tmp_path / "broken.xlsx"
    with pytest.raises(PatchError, match="not well-formed XML"):
        patch_workbook(master, broken, _patches())
    assert not broken.exists()


def test_rows_are_checked_here_when_no_helper_can_start(
    master: Path, tmp_path: Path, elsewhere: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_process(_code: str) -> Any:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(check_helper, "helper_process", no_process)
    _break_row(monkeypatch, 400)
    target = tmp_path / "patched.xlsx"
    with pytest.raises(PatchError, match="not well-formed XML"):
        patch_workbook(master, target, _patches())
    assert elsewhere.blocks == 0
    assert not target.exists()
