"""Where new rows go when a sheet has no room left below its last row with anything in it.

Kept apart from test_sync.py, whose scenarios run three ways: a sheet reaching row 1,048,576 takes
seconds to read (every row down to it is read), and one way of checking the written copy is enough.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.database import Database
from sync.engine import SyncFailed, synchronise
from sync.workbook_read import column_letter, read_workbook
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts


def _sync(database: Database, workbook: Path):
    return synchronise(database, workbook, "张三")


def _type_far_down(workbook: Path, row: int, also: str | None = None) -> None:
    """Head office's Ctrl+Down, then an x typed in a column of its own (and in a ledger column)."""
    sheet = read_workbook(workbook).sheets["visits"]
    cells = {(row, 30): "x"} | ({(row, sheet.columns[also]): "x"} if also else {})
    stray = workbook.with_name("stray.xlsx")
    patch_workbook(workbook, stray, [SheetPatch(sheet_parts(workbook)[sheet.sheet], cells, [])])
    stray.replace(workbook)


def test_a_stray_cell_at_the_sheets_end_is_named_when_new_rows_have_no_room(
    database, store, bureau, workbook
) -> None:
    """Ctrl+Down and a typed x stopped every sync with new rows, saying only "1 appended rows pass the
    sheet's end". An x in a ledger column makes the row look like a record typed without an id: it
    is still named as something to clear, not as a record."""
    _sync(database, workbook)
    last_record = read_workbook(workbook).sheets["visits"].last_row
    _type_far_down(workbook, 1_048_576, also="staff")
    staff = read_workbook(workbook).sheets["visits"].columns["staff"]
    store.log_visit({**store.get("visits", bureau["visit"]), "summary": "再次拜访"})
    before = workbook.read_bytes()
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    cells = "、".join(f"{column_letter(c)}1048576" for c in sorted({staff, 30}))
    assert str(failed.value) == (
        "The sheet 走访记录 has no room for 1 new rows: they go below the last row with anything in it, "
        f"row 1,048,576 ({cells}), which is the sheet's end. The last record is on row {last_record}: "
        "clear what is typed in the rows below it and sync again. Nothing was changed."
    )
    assert workbook.read_bytes() == before


def test_a_record_at_the_sheets_end_is_not_taken_for_a_stray_cell(database, store, bureau, workbook) -> None:
    """With a stray cell one row above the end, a new record went on the last row; the next new record
    was refused with "clear what is typed there" naming that record's own cells."""
    from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts

    _sync(database, workbook)
    sheet = read_workbook(workbook).sheets["visits"]
    stray = workbook.with_name("stray.xlsx")
    patch_workbook(
        workbook, stray, [SheetPatch(sheet_parts(workbook)[sheet.sheet], {(1_048_575, 30): "x"}, [])]
    )
    stray.replace(workbook)
    first, _ = store.log_visit({**store.get("visits", bureau["visit"]), "summary": "再次拜访"})
    _sync(database, workbook)
    assert read_workbook(workbook).sheets["visits"].rows[first] == 1_048_576
    store.log_visit({**store.get("visits", bureau["visit"]), "summary": "第三次拜访"})
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert "its last row, 1,048,576, holds a record" in str(failed.value)
    assert "Clear what is typed there" not in str(failed.value)


def test_a_new_record_head_office_typed_on_the_last_row_is_not_named_as_something_to_clear(
    database, store, bureau, workbook
) -> None:
    """A complete visit typed without an id on the sheet's last row was named as stray cells to clear:
    doing as told would have lost head office's visit."""
    from datetime import date

    _sync(database, workbook)
    sheet = read_workbook(workbook).sheets["visits"]
    typed = {
        (1_048_576, sheet.columns["visit_date"]): date(2024, 3, 20),
        (1_048_576, sheet.columns["kind"]): "走访企业",
        (1_048_576, sheet.columns["team_id:name"]): "端州区招商一组",
        (1_048_576, sheet.columns["staff"]): "李四",
    }
    edited = workbook.with_name("typed.xlsx")
    patch_workbook(workbook, edited, [SheetPatch(sheet_parts(workbook)[sheet.sheet], typed, [])])
    edited.replace(workbook)
    store.log_visit({**store.get("visits", bureau["visit"]), "summary": "再次拜访"})
    with pytest.raises(SyncFailed) as failed:
        _sync(database, workbook)
    assert "its last row, 1,048,576, holds a record" in str(failed.value)
    assert "clear what is typed in the rows below it" not in str(failed.value)
