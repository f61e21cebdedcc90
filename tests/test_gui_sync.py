"""Sync from the main window: press Sync, see progress and the summary, resolve a conflict, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from gui_helpers import ScriptedDialogs, open_main_window, type_text, when_modal_opens
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from sync_helpers import hand_append, hand_edit, new_workbook, workbook_records

from sync.conflicts import load_conflicts
from sync.engine import synchronise
from ui.conflict_dialog import THEIRS, TYPED, ConflictDialog
from ui.main_window import MainWindow
from ui.services import Choice
from ui.settings import Settings


@pytest.fixture
def settings() -> Settings:
    settings = Settings()
    settings.user_name = "张三"
    return settings


@pytest.fixture
def workbook(tmp_path: Path, settings: Settings) -> Path:
    path = new_workbook(tmp_path / "shared")
    settings.workbook_path = str(path)
    return path


def _window(qtbot, database, settings, dialogs: ScriptedDialogs) -> MainWindow:
    return open_main_window(qtbot, database, settings, dialogs)


def test_press_sync_see_progress_and_the_summary(qtbot, database, settings, bureau, workbook) -> None:
    dialogs = ScriptedDialogs()
    window = _window(qtbot, database, settings, dialogs)
    assert window.pending_label.text() == "Not yet synced: 5"
    seen_progress: list[int] = []
    qtbot.keyClick(window, Qt.Key.Key_F5)
    task = window.sync.running
    assert task is not None and not window.sync.sync_action.isEnabled()
    assert window.sync.progress is not None and window.sync.progress.objectName() == "sync_progress"
    task.progress.connect(lambda done, _total: seen_progress.append(done))
    progress = window.sync.progress
    labels: list[str] = []
    task.stage.connect(lambda _stage: labels.append(progress.labelText()))
    qtbot.waitUntil(lambda: window.sync.running is None, timeout=30_000)
    assert seen_progress == [0, 1, 2, 3, 4, 5]
    assert labels == [
        f"Reading {workbook.name}…",
        "Comparing its rows with the records on this computer…",
        f"Writing a new copy of {workbook.name}…",
        "Checking that the new copy reads back as intended…",
        "Saving the changes on this computer…",
        "Done",
    ]
    assert dialogs.infos and dialogs.infos[-1][0] == "Sync finished"
    assert "Workbook: 5 added, 0 updated, 0 marked deleted." in dialogs.infos[-1][1]
    assert window.pending_label.text() == "Not yet synced: 0"
    assert "Workbook reachable" in window.sync.status_label.text()
    assert "Last sync: never" not in window.sync.status_label.text()
    assert len(workbook_records(workbook, "visits")) == 1
    assert window.sync.sync_action.isEnabled()


def test_head_office_changes_appear_in_the_open_ledger(qtbot, database, settings, bureau, workbook) -> None:
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})
    window = _window(qtbot, database, settings, ScriptedDialogs())
    page = window.show_ledger("teams")
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None, timeout=30_000)
    row = page.model.row_of(bureau["team"])
    column = next(i for i, f in enumerate(page.model.fields) if f.name == "leader")
    assert page.model.index(row, column).data() == "孙八"


def _hold_stage(monkeypatch, name: str) -> tuple[threading.Event, threading.Event]:
    """Make the sync engine's ``name`` wait: (reached, release)."""
    import sync.engine

    reached, release = threading.Event(), threading.Event()
    original = getattr(sync.engine, name)

    def held(*args, **kwargs):
        reached.set()
        assert release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(sync.engine, name, held)
    return reached, release


def _cancel_button(window: MainWindow) -> QPushButton | None:
    progress = window.sync.progress
    assert progress is not None
    return next((b for b in progress.findChildren(QPushButton) if b.isVisible()), None)


def test_cancel_writes_nothing(qtbot, monkeypatch, database, settings, bureau, workbook) -> None:
    reached, release = _hold_stage(monkeypatch, "read_workbook")
    before = workbook.read_bytes()
    window = _window(qtbot, database, settings, ScriptedDialogs())
    assert window.sync.sync_now() is not None
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    window.sync.progress.show()  # shown after 300 ms on its own
    try:
        button = _cancel_button(window)
        assert button is not None
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the user's click, while the workbook is read
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.sync.running is None, timeout=30_000)
    assert window.statusBar().currentMessage() == "Sync cancelled. Nothing was written."
    assert workbook.read_bytes() == before
    assert window.pending_label.text() == "Not yet synced: 5"
    assert not list(workbook.parent.glob(".*tmp*")) and not list(workbook.parent.glob("*.sync-lock"))


def test_no_cancel_is_offered_once_the_sync_saves_here(
    qtbot, monkeypatch, database, settings, bureau, workbook
) -> None:
    reached, release = _hold_stage(monkeypatch, "_commit")  # the workbook is already replaced
    window = _window(qtbot, database, settings, ScriptedDialogs())
    window.sync.sync_now()
    qtbot.waitUntil(reached.is_set, timeout=30_000)
    try:
        window.sync.progress.show()
        qtbot.waitUntil(lambda: window.sync.progress.labelText() == "Saving the changes on this computer…")
        assert _cancel_button(window) is None
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.sync.running is None, timeout=30_000)
    assert len(workbook_records(workbook, "visits")) == 1


def test_a_failed_sync_says_why_and_a_stale_lock_can_be_broken(
    qtbot, database, settings, bureau, workbook
) -> None:
    from datetime import timedelta

    from sync import safety

    workbook.with_name(f".~lock.{workbook.name}#").write_text(",陈七,PC-1,26.11.2026 10:00,file:///x;")
    dialogs = ScriptedDialogs([Choice.PRIMARY])
    window = _window(qtbot, database, settings, dialogs)
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None, timeout=30_000)
    assert dialogs.errors and "陈七" in dialogs.errors[-1][1]
    workbook.with_name(f".~lock.{workbook.name}#").unlink()

    lock = safety.SyncLock(workbook, "王五", stale_after=timedelta(seconds=0))
    lock.acquire()
    lock.path.write_text(lock.path.read_text().replace("2026", "2020"))  # a crashed sync's old lock
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and bool(dialogs.infos), timeout=30_000)
    assert any("old sync lock" in q.lower() or "王五" in q for q in dialogs.questions)
    assert dialogs.infos[-1][0] == "Sync finished"


def test_an_older_copy_put_back_is_synced_only_when_the_user_says_so(
    qtbot, database, settings, store, bureau, workbook
) -> None:
    synchronise(database, workbook, "张三")
    yesterday = workbook.read_bytes()
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    synchronise(database, workbook, "张三")
    workbook.write_bytes(yesterday)
    dialogs = ScriptedDialogs([Choice.PRIMARY, Choice.SECONDARY])  # leave it (the default); then sync it
    window = _window(qtbot, database, settings, dialogs)
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and len(dialogs.questions) == 1, timeout=30_000)
    assert "was an older copy put back?" in dialogs.questions[0]
    assert workbook.read_bytes() == yesterday and not dialogs.infos
    window.sync.sync_now()
    qtbot.waitUntil(lambda: bool(dialogs.infos), timeout=30_000)
    assert len(dialogs.questions) == 2 and dialogs.infos[-1][0] == "Sync finished"
    assert store.get("enterprises", bureau["enterprise"])["phone"] != "0758-111"


def test_resolve_a_conflict_in_the_dialog(qtbot, database, settings, store, bureau, workbook) -> None:
    synchronise(database, workbook, "张三")
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111", "city": "肇庆"})
    hand_edit(
        workbook,
        "enterprises",
        {(bureau["enterprise"], "phone"): "0758-222", (bureau["enterprise"], "city"): "深圳"},
    )
    synchronise(database, workbook, "张三")
    dialogs = ScriptedDialogs()
    window = _window(qtbot, database, settings, dialogs)
    assert "Conflicts: 1" in window.sync.status_label.text()

    def resolve(dialog: QWidget) -> None:
        assert isinstance(dialog, ConflictDialog)
        assert dialog.list_model.rowCount() == 1
        choices = {name: (box, typed) for name, box, typed in dialog.choices}
        assert set(choices) == {"phone", "city"}
        choices["city"][0].setCurrentIndex(THEIRS)
        type_text(choices["phone"][1], "0758-999")
        assert choices["phone"][0].currentIndex() == TYPED
        qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
        assert dialog.list_model.rowCount() == 0
        dialog.reject()

    script = when_modal_opens(resolve)
    window.sync.show_conflicts()
    script.check()
    assert load_conflicts(database) == []
    assert "Conflicts" not in window.sync.status_label.text()
    enterprise = store.get("enterprises", bureau["enterprise"])
    assert (enterprise["phone"], enterprise["city"]) == ("0758-999", "深圳")

    synchronise(database, workbook, "张三")
    there = workbook_records(workbook, "enterprises")[bureau["enterprise"]]
    assert (there["phone"], there["city"]) == ("0758-999", "深圳")


def test_a_value_never_agreed_is_not_shown_as_agreed_empty(
    qtbot, tmp_path: Path, database, settings, store, bureau, workbook
) -> None:
    """The share moved: the copy's records are compared two-way, so a phone set here and cleared there
    has no last agreed value. The dialog said "last agreed: —" (empty), as if head office had cleared
    a phone both sides once held empty."""
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111", "city": "肇庆"})
    synchronise(database, workbook, "张三")
    (tmp_path / "moved").mkdir()
    moved = tmp_path / "moved" / workbook.name
    moved.write_bytes(workbook.read_bytes())
    hand_edit(moved, "enterprises", {(bureau["enterprise"], "phone"): None})
    synchronise(database, moved, "张三")
    store.update("enterprises", bureau["enterprise"], {"city": "佛山"})  # an agreed value, then a conflict
    hand_edit(moved, "enterprises", {(bureau["enterprise"], "city"): "深圳"})
    synchronise(database, moved, "张三")
    dialog = ConflictDialog(database, "张三")
    qtbot.addWidget(dialog)
    dialog.show()
    fields = [name for name, _box, _typed in dialog.choices]
    agreed_column = {
        name: dialog.grid.itemAtPosition(row, 1).widget().text() for row, name in enumerate(fields, start=1)
    }
    assert agreed_column == {"phone": "none yet", "city": "肇庆"}


def test_the_workbooks_cleared_required_value_is_refused_in_the_dialog(
    qtbot, database, settings, store, bureau, workbook
) -> None:
    """Keeping the workbook's cleared team name stopped with a database error (NOT NULL)."""
    synchronise(database, workbook, "张三")
    store.update("teams", bureau["team"], {"name": "端州区招商二组"})
    hand_edit(workbook, "teams", {(bureau["team"], "name"): None})
    synchronise(database, workbook, "张三")
    dialog = ConflictDialog(database, "张三")
    qtbot.addWidget(dialog)
    dialog.show()
    ((name, box, _typed),) = dialog.choices
    assert name == "name"
    box.setCurrentIndex(THEIRS)
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and dialog.error.text() == "Team name: This field is required."
    assert (
        dialog.list_model.rowCount() == 1 and store.get("teams", bureau["team"])["name"] == "端州区招商二组"
    )


def test_a_conflict_can_be_resolved_from_the_keyboard(
    qtbot, database, settings, store, bureau, workbook
) -> None:
    synchronise(database, workbook, "张三")
    store.update("enterprises", bureau["enterprise"], {"phone": "0758-111"})
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "phone"): "0758-222"})
    synchronise(database, workbook, "张三")
    dialog = ConflictDialog(database, "张三")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # so its keys work
    dialog.list.setFocus()
    [(_name, choice, typed)] = dialog.choices
    qtbot.keyClick(dialog.list, Qt.Key.Key_Tab)
    # out of the list, to the field's choice
    assert QApplication.focusWidget() is choice
    qtbot.keyClick(choice, Qt.Key.Key_Down)  # Mine → Workbook's
    assert choice.currentIndex() == THEIRS
    qtbot.keyClick(choice, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is typed
    for _button in ("Keep all mine", "Keep all the workbook's", "Resolve"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.resolve_button
    qtbot.keyClick(dialog.resolve_button, Qt.Key.Key_Space)
    assert dialog.list_model.rowCount() == 0
    assert store.get("enterprises", bureau["enterprise"])["phone"] == "0758-222"


def test_a_typed_value_that_does_not_fit_the_field_is_refused(
    qtbot, database, store, bureau, workbook
) -> None:
    synchronise(database, workbook, "张三")
    store.update("leads", bureau["lead"], {"planned_investment": 20000})
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): 30000})
    synchronise(database, workbook, "张三")
    dialog = ConflictDialog(database, "张三")
    qtbot.addWidget(dialog)
    dialog.show()
    name, _box, typed = dialog.choices[0]
    assert name == "planned_investment"
    type_text(typed, "a lot")
    dialog.resolve_current()
    assert dialog.error.isVisible() and "is not valid for" in dialog.error.text()
    assert len(load_conflicts(database)) == 1


def test_issues_and_history_views_list_what_the_sync_found(
    qtbot, database, settings, bureau, workbook
) -> None:
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "leads", {(bureau["lead"], "industry"): "钢铁"})
    synchronise(database, workbook, "张三")
    window = _window(qtbot, database, settings, ScriptedDialogs())
    found: dict[str, list[str]] = {}

    def read_issues(dialog: QWidget) -> None:
        model = dialog.model
        found["issue"] = [model.index(0, c).data() for c in range(model.columnCount())]
        dialog.reject()

    script = when_modal_opens(read_issues)
    window.sync.show_issues()
    script.check()
    assert found["issue"][1] == "招商线索" and found["issue"][5] == "钢铁"
    assert found["issue"][6] == "not one of the allowed values"

    def read_history(dialog: QWidget) -> None:
        found["history"] = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
        dialog.reject()

    script = when_modal_opens(read_history)
    window.sync.show_history()
    script.check()
    assert found["history"] == ["Synced, with open conflicts or issues", "Synced"]


def test_no_workbook_yet_offers_to_create_one(qtbot, database, settings, bureau, tmp_path: Path) -> None:
    target = tmp_path / "new-master.xlsx"
    dialogs = ScriptedDialogs([Choice.SECONDARY], files=[target])
    window = _window(qtbot, database, settings, dialogs)
    assert "No master workbook" in window.sync.status_label.text()
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and bool(dialogs.infos), timeout=30_000)
    assert target.exists() and Settings().workbook_path == str(target)
    assert len(workbook_records(target, "teams")) == 1


def test_offline_workbook_is_shown_without_freezing(
    qtbot, database, settings, bureau, tmp_path: Path
) -> None:
    settings.workbook_path = str(tmp_path / "unplugged-share" / "master.xlsx")
    window = _window(qtbot, database, settings, ScriptedDialogs())
    task = window.sync.check_reachable()
    assert task is not None
    qtbot.waitUntil(lambda: "not reachable" in window.sync.status_label.text(), timeout=10_000)
    assert QApplication.activeModalWidget() is None


def test_an_unreachable_workbook_is_reported_right_after_start_and_after_a_failed_sync(
    qtbot, database, settings, bureau, workbook
) -> None:
    offline = workbook.parent / "unplugged-share" / "master.xlsx"
    settings.workbook_path = str(offline)
    window = _window(qtbot, database, settings, ScriptedDialogs())
    # Not after the 30 s reachability timer: at once.
    qtbot.waitUntil(lambda: "not reachable" in window.sync.status_label.text(), timeout=3_000)

    settings.workbook_path = str(workbook)
    window.sync.check_reachable()
    qtbot.waitUntil(lambda: "Workbook reachable" in window.sync.status_label.text(), timeout=3_000)
    workbook.rename(offline.parent.parent / "moved.xlsx")  # moved away within its folder
    dialogs = window.sync.services
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and bool(dialogs.errors), timeout=30_000)
    # not "offline": its folder is there, the file is not (it said offline, and nobody looked for it)
    qtbot.waitUntil(lambda: "not found in its folder" in window.sync.status_label.text(), timeout=3_000)


def test_a_long_issue_is_shown_in_full_on_as_many_lines_as_it_takes(
    qtbot, database, bureau, workbook
) -> None:
    from ui.sync_views import SyncIssuesDialog

    synchronise(database, workbook, "张三")
    hand_append(workbook, "leads", [{"id": bureau["lead"], "title": "复制的线索"}])  # an id on two rows
    synchronise(database, workbook, "张三")
    dialog = SyncIssuesDialog(database)
    qtbot.addWidget(dialog)
    dialog.resize(720, 300)
    dialog.show()
    qtbot.waitExposed(dialog)
    view, model = dialog.view, dialog.model
    problem = model.index(0, model.columnCount() - 1)
    text = problem.data()
    line = view.fontMetrics().height()
    assert view.fontMetrics().horizontalAdvance(text) > view.columnWidth(model.columnCount() - 1)
    assert view.wordWrap() and view.rowHeight(0) >= 2 * line  # wrapped, not cut to "…"


def test_a_file_that_is_not_a_workbook_is_said_so_in_the_status_bar(
    qtbot, database, settings, bureau, workbook
) -> None:
    exported = workbook.parent / "visits.csv"
    exported.write_text("日期,企业\n2024-03-19,东莞曼富电池部件有限公司\n", encoding="utf-8")
    settings.workbook_path = str(exported)
    window = _window(qtbot, database, settings, ScriptedDialogs())
    qtbot.waitUntil(lambda: "not an .xlsx" in window.sync.status_label.text(), timeout=3_000)

    settings.workbook_path = str(workbook)
    window.sync.check_reachable()
    qtbot.waitUntil(lambda: "Workbook reachable" in window.sync.status_label.text(), timeout=3_000)
