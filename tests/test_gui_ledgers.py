"""Browsing and changing the ledgers in the main window, as a user does."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from gui_helpers import ScriptedDialogs, open_main_window, type_text, when_modal_opens
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyle, QWidget

from models.database import Database
from models.queries import LedgerQuery
from models.schema import Project
from models.store import LedgerStore
from ui.ledger_model import OVERDUE_BACKGROUND
from ui.main_window import MainWindow
from ui.record_dialog import EnterpriseDialog, RecordDialog
from ui.services import Choice
from ui.settings import Settings
from ui.worker import run_in_background


@pytest.fixture
def settings() -> Settings:
    settings = Settings()
    settings.user_name = "王五"
    return settings


@pytest.fixture
def bureau(store: LedgerStore) -> dict[str, str]:
    team = store.create("teams", {"name": "高要区招商组", "unit": "高要区"})
    enterprise = store.create("enterprises", {"name": "东莞曼富电池部件有限公司", "industry": "nev_auto"})
    lead = store.create(
        "leads",
        {
            "title": "曼富电池部件生产项目",
            "enterprise_id": enterprise,
            "industry": "nev_auto",
            "planned_investment": Decimal(20000),
            "discovered_on": date(2024, 3, 19),
            "team_id": team,
            "status": "negotiating",
            "effective": True,
        },
    )
    return {"team": team, "enterprise": enterprise, "lead": lead}


def _window(
    qtbot, database: Database, settings: Settings, dialogs: ScriptedDialogs | None = None
) -> MainWindow:
    return open_main_window(qtbot, database, settings, dialogs)


def _cell(page, record_id: str, field_name: str, role=Qt.ItemDataRole.DisplayRole):
    row = page.model.row_of(record_id)
    column = next(i for i, f in enumerate(page.model.fields) if f.name == field_name)
    return page.model.index(row, column).data(role)


def test_edit_a_record_and_see_the_change_and_its_history(qtbot, database, settings, bureau) -> None:
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    page.select_ids([bureau["enterprise"]])
    page.table.setFocus()

    def edit(dialog: QWidget) -> None:
        city = dialog.editors["city"]
        city.setFocus()
        type_text(city, "东莞")
        qtbot.keyClick(city, Qt.Key.Key_Return)

    script = when_modal_opens(edit)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on a row opens it, as F2 does
    script.check()
    assert _cell(page, bureau["enterprise"], "city") == "东莞"
    history = page.detail.toPlainText()
    assert "王五 changed City: — → 东莞" in history


def test_a_renamed_enterprise_shows_its_new_name_in_the_ledgers_that_name_it(
    qtbot, database, settings, bureau
) -> None:
    window = _window(qtbot, database, settings)
    leads = window.show_ledger("leads")
    assert _cell(leads, bureau["lead"], "enterprise_id") == "东莞曼富电池部件有限公司"
    page = window.show_ledger("enterprises")
    page.select_ids([bureau["enterprise"]])
    page.table.setFocus()

    def rename(dialog: QWidget) -> None:
        name = dialog.editors["name"]
        name.setFocus()
        name.selectAll()
        type_text(name, "东莞曼富新能源科技有限公司")
        qtbot.keyClick(name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(rename)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    script.check()
    window.show_ledger("leads")
    qtbot.waitUntil(lambda: _cell(leads, bureau["lead"], "enterprise_id") == "东莞曼富新能源科技有限公司")
    leads.search.setText("曼富新能源")
    leads.apply_search_now()
    assert leads.model.rowCount() == 1


def test_delete_moves_on_to_the_next_record_and_both_redo_keys_redo(
    qtbot, database, settings, store, bureau
) -> None:
    for name in ("高要区招商二组", "高要区招商三组"):
        store.create("teams", {"name": name, "unit": "高要区"})
    window = _window(qtbot, database, settings)
    page = window.show_ledger("teams")
    page.select_row(0)
    page.table.setFocus()
    deleted = []
    for left in (2, 1):
        deleted.append(page.current_id())
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
        assert page.model.rowCount() == left
        assert page.current_id() not in (None, *deleted)  # the keyboard goes on from the next one
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 2
    for redo in (
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier),
    ):
        qtbot.keyClick(page.table, *redo)
        assert page.model.rowCount() == 1
        qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert page.model.rowCount() == 2


def test_deleting_a_block_selects_the_record_right_after_it(qtbot, database, settings, store, bureau) -> None:
    """Rows 2-5 selected with Shift+Down and deleted: the selection jumped to what had been row 9."""
    for number in range(1, 10):
        store.create("teams", {"name": f"高要区招商{number}组", "unit": "高要区"})
    window = _window(qtbot, database, settings)
    page = window.show_ledger("teams")
    page.select_row(1)
    page.table.setFocus()
    for _ in range(3):
        qtbot.keyClick(page.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    block = page.selected_ids()
    following = page.model.record_ids(5, 5)[0]
    assert len(block) == 4 and following not in block
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 6
    assert page.selected_ids() == [following] and page.current_id() == following

    # Selected upwards: the current row is the block's top, and the record after the block follows
    page.select_row(4)
    for _ in range(2):
        qtbot.keyClick(page.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    following = page.model.record_ids(5, 5)[0]
    assert len(page.selected_ids()) == 3
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 3
    assert page.current_id() == following


def test_undoing_the_delete_of_a_project_whose_lead_was_converted_again_says_why_not(
    qtbot, database, settings, store, bureau
) -> None:
    first = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    dialogs = ScriptedDialogs()
    window = _window(qtbot, database, settings, dialogs)
    page = window.show_ledger("projects")
    page.select_ids([first])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    second = store.convert_lead(bureau["lead"], date(2024, 4, 1))  # converted again meanwhile
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (_title, text), *_ = dialogs.errors
    assert (
        text
        == f"Nothing was restored. This lead has already become the project “{store.get('projects', second)['name']}”."
    )
    assert store.get("projects", first)["deleted"] is True
    assert not window.undo_stack.canUndo()  # the step that could not be taken is gone


def test_a_record_saved_while_a_search_hides_it_is_shown_and_selected(
    qtbot, database, settings, bureau
) -> None:
    window = _window(qtbot, database, settings)
    page = window.show_ledger("teams")
    page.search.setText("高要")
    page.apply_search_now()
    assert page.model.rowCount() == 1

    def fill(dialog: QWidget) -> None:
        name = dialog.editors["name"]
        name.setFocus()
        type_text(name, "端州区评审组")
        type_text(dialog.editors["unit"], "端州区")
        qtbot.keyClick(name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(fill)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    script.check()
    assert page.search.text() == "" and page.model.rowCount() == 2
    assert page.current_id() is not None and _cell(page, page.current_id(), "name") == "端州区评审组"
    assert window.focusWidget() is page.table  # the keyboard is back in the table


def test_each_problem_is_said_once_and_the_cursor_goes_to_the_first_in_the_form(
    qtbot, database, settings, store, bureau
) -> None:
    dialog = RecordDialog(store, "trips")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["start_date"].set_value(date(2024, 5, 10))
    dialog.editors["end_date"].set_value(date(2024, 5, 8))  # before the start
    type_text(dialog.editors["team_id"], "不存在的组")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_labels["team_id"].text() == "No record is named “不存在的组”. Pick one from the list."
    assert dialog.error_labels["end_date"].isVisible()
    assert dialog.focusWidget() is dialog.editors["end_date"]  # above the team in the form


def test_delete_undo_and_restore_from_the_deleted_view(qtbot, database, settings, bureau) -> None:
    window = _window(qtbot, database, settings)
    page = window.show_ledger("leads")
    page.select_ids([bureau["lead"]])
    page.table.setFocus()

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 0
    assert "Ctrl+Z" in window.statusBar().currentMessage()

    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert page.selected_ids() == [bureau["lead"]]

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    window.undo_stack.clear()  # later: the undo is gone, the Deleted view still has it
    page.show_deleted.setChecked(True)
    assert [page.model.record_id(r) for r in range(page.model.rowCount())] == [bureau["lead"]]
    page.select_ids([bureau["lead"]])
    assert "Deleted" in page.detail.toPlainText()
    assert window.restore_action.isEnabled() and not window.delete_action.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 0
    page.show_deleted.setChecked(False)
    assert page.model.rowCount() == 1
    page.select_ids([bureau["lead"]])
    assert "restored the record" in page.detail.toPlainText()


def test_the_status_bar_says_what_undo_and_redo_did_not_the_delete_before(
    qtbot, database, settings, bureau
) -> None:
    window = _window(qtbot, database, settings)
    page = window.show_ledger("leads")
    page.select_ids([bureau["lead"]])
    page.table.setFocus()
    status = window.statusBar()

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert status.currentMessage() == "Deleted: 1. Press Ctrl+Z to undo."
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert status.currentMessage() == "Delete undone: 1 restored."
    qtbot.keyClick(page.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 0
    assert status.currentMessage() == "Deleted: 1. Press Ctrl+Z to undo."

    page.show_deleted.setChecked(True)
    page.select_ids([bureau["lead"]])
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert status.currentMessage() == "Restored: 1. Press Ctrl+Z to undo."
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert status.currentMessage() == "Restore undone: 1 deleted again."


def test_convert_a_lead_then_move_the_project_through_its_stages(qtbot, database, settings, bureau) -> None:
    dialogs = ScriptedDialogs()
    window = _window(qtbot, database, settings, dialogs)
    page = window.show_ledger("leads")
    page.select_ids([bureau["lead"]])
    page.table.setFocus()
    convert = (Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    seen: dict[str, object] = {}

    def check_and_save(dialog: QWidget) -> None:
        """Filled in from the lead; the person corrects what the lead could not know, and saves."""
        seen["title"] = dialog.windowTitle()
        seen["name"] = dialog.editors["name"].value()
        seen["manufacturing"] = dialog.editors["manufacturing"].value()  # nev_auto: usually manufacturing
        site = dialog.editors["site"]
        site.setFocus()
        type_text(site, "肇庆高新区")
        qtbot.keyClick(site, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(check_and_save)
    qtbot.keyClick(page.table, *convert)
    script.check()
    assert seen == {"title": "New project from a lead", "name": "曼富电池部件生产项目", "manufacturing": True}

    projects = window.pages["projects"]
    assert window.tabs.currentWidget() is projects
    project_id = projects.current_id()
    assert project_id is not None
    assert _cell(projects, project_id, "enterprise_id") == "东莞曼富电池部件有限公司"
    assert _cell(projects, project_id, "planned_investment") == "20,000"
    assert _cell(projects, project_id, "stage") == "Signed"
    assert _cell(page, bureau["lead"], "status") == "Signed"
    assert _cell(projects, project_id, "site") == "肇庆高新区"

    window.show_ledger("leads")  # converting the same lead again makes no second project
    page.select_ids([bureau["lead"]])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.table.setFocus()
    unexpected = when_modal_opens(lambda dialog: dialog.reject())
    qtbot.keyClick(page.table, *convert)
    assert not unexpected.ran  # no project dialog: the error says why
    assert dialogs.errors
    assert "has already become the project" in dialogs.errors[-1][1]
    assert len(LedgerQuery(database, "projects").ids()) == 1
    window.show_ledger("projects")
    projects.select_ids([project_id])

    projects.table.setFocus()
    qtbot.keyClick(
        projects.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert _cell(projects, project_id, "stage") == "Land supplied"
    assert _cell(projects, project_id, "land_actual") == date.today().isoformat()
    for _stage in range(4):
        assert window.advance_action.isEnabled()
        qtbot.keyClick(
            projects.table,
            Qt.Key.Key_A,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert _cell(projects, project_id, "stage") == "Up to standard"
    assert not window.advance_action.isEnabled()  # the last stage: nothing to advance to


def test_a_project_that_cannot_advance_names_the_field_at_fault(
    qtbot, database, settings, store, bureau
) -> None:
    """A project whose signing date came from before the app held dates to 1950-2099 could not
    advance, and the message did not say which of its dates was wrong."""
    project_id = store.convert_lead(bureau["lead"], date(2024, 3, 1))
    with database.session() as session:
        session.get(Project, project_id).signed_on = date(1949, 10, 1)  # as an old workbook had it
    dialogs = ScriptedDialogs()
    window = _window(qtbot, database, settings, dialogs)
    projects = window.show_ledger("projects")
    projects.select_ids([project_id])
    window.advance_stage()
    assert dialogs.errors and dialogs.errors[-1][1].startswith("Signed on: ")
    assert _cell(projects, project_id, "stage") == "Signed"


def test_milestones_past_their_planned_date_are_highlighted(qtbot, database, settings, store, bureau) -> None:
    late = store.convert_lead(bureau["lead"], date.today() - timedelta(days=120))
    store.update(
        "projects",
        late,
        {
            "land_planned": date.today() - timedelta(days=30),
            "start_planned": date.today() + timedelta(days=30),
        },
    )
    window = _window(qtbot, database, settings)
    projects = window.show_ledger("projects")
    background = _cell(projects, late, "land_planned", Qt.ItemDataRole.BackgroundRole)
    assert background is not None and background.color() == OVERDUE_BACKGROUND
    assert _cell(projects, late, "land_planned", Qt.ItemDataRole.ToolTipRole) == "Days overdue: 30"
    assert _cell(projects, late, "start_planned", Qt.ItemDataRole.BackgroundRole) is None
    # the project's name is tinted too, so the row stands out before scrolling right
    assert _cell(projects, late, "name", Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert (
        _cell(projects, late, "name", Qt.ItemDataRole.ToolTipRole) == "Land supply (planned): 30 days overdue"
    )


def test_search_box_filters_as_you_type(qtbot, database, settings, store, bureau) -> None:
    store.create("enterprises", {"name": "肇庆高端装备制造有限公司", "industry": "high_end_equipment"})
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    assert page.model.rowCount() == 2
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search
    type_text(page.search, "装备")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.count_label.text() == "Records: 1"


def test_the_keyboard_starts_in_the_records_and_down_goes_from_the_search_into_them(
    qtbot, database, settings, store, bureau
) -> None:
    store.create("enterprises", {"name": "肇庆高端装备制造有限公司", "industry": "high_end_equipment"})
    store.create("enterprises", {"name": "肇庆高端材料有限公司", "industry": "new_materials"})
    window = _window(qtbot, database, settings)
    page = window.current_page()
    assert QApplication.focusWidget() is page.table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # moves in the table, not to another ledger
    assert window.current_page() is page

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    enterprises = window.current_page()
    assert enterprises.ledger.name == "enterprises" and QApplication.focusWidget() is enterprises.table
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(enterprises.search, "肇庆高端")
    qtbot.keyClick(enterprises.search, Qt.Key.Key_Down)  # at once, before the typing pause ends
    assert QApplication.focusWidget() is enterprises.table
    assert enterprises.model.rowCount() == 2
    assert enterprises.table.currentIndex().row() == 0
    assert enterprises.selected_ids() == [enterprises.model.record_id(0)]
    qtbot.keyClick(enterprises.table, Qt.Key.Key_Down)
    assert enterprises.selected_ids() == [enterprises.model.record_id(1)]

    # Esc in the search box clears it and shows every record again
    everything = len(LedgerQuery(database, "enterprises").ids())
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(enterprises.search, Qt.Key.Key_Escape)
    assert enterprises.search.text() == "" and enterprises.model.rowCount() == everything > 2
    assert window.isVisible() and QApplication.focusWidget() is enterprises.search


def test_a_duplicate_enterprise_warns_and_opens_the_existing_one(
    qtbot, database, settings, store, bureau
) -> None:
    dialogs = ScriptedDialogs([Choice.PRIMARY])
    dialog = EnterpriseDialog(store, services=dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.editors["name"], "东莞 曼富电池部件 股份有限公司")
    dialog.save()
    assert dialog.open_existing_id == bureau["enterprise"]
    assert dialogs.questions and "东莞曼富电池部件有限公司" in dialogs.questions[0]
    assert len(LedgerQuery(database, "enterprises").ids()) == 1


def test_a_bad_credit_code_is_shown_beside_the_field(qtbot, database, store) -> None:
    dialog = EnterpriseDialog(store, services=ScriptedDialogs())
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.editors["name"], "Acme")
    type_text(dialog.editors["credit_code"], "91350100M000100Y44")
    type_text(dialog.editors["phone"], "0758")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_labels["credit_code"].text() == "Credit code check digit does not match."
    assert LedgerQuery(database, "enterprises").ids() == []


def test_status_bar_shows_database_pending_changes_and_user(qtbot, database, settings, store, bureau) -> None:
    settings.team_id = bureau["team"]
    window = _window(qtbot, database, settings)
    assert window.path_label.text() == str(database.path)
    assert window.pending_label.text() == "Not yet synced: 3"
    assert window.user_label.text() == "User: 王五 · Team: 高要区招商组"


def test_every_column_header_fits_its_column_and_a_saved_width_still_wins(
    qtbot, database, settings, tmp_path: Path
) -> None:
    window = _window(qtbot, database, settings)
    window.resize(1280, 800)
    for name, page in window.pages.items():
        window.show_ledger(name)
        header = page.table.horizontalHeader()
        assert header.textElideMode() == Qt.TextElideMode.ElideRight
        metrics = header.fontMetrics()
        arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        for column in range(page.model.columnCount()):
            text = page.model.headerData(column, Qt.Orientation.Horizontal)
            needed = metrics.horizontalAdvance(text) + 2 * 6 + arrow  # text, margins, the sort arrow
            assert header.sectionSize(column) >= needed, (name, text)
    window.pages["projects"].table.grab().save(str(tmp_path / "projects.png"))
    window.pages["projects"].table.setColumnWidth(0, 77)
    window.close()
    reopened = _window(qtbot, database, settings)
    assert reopened.pages["projects"].table.columnWidth(0) == 77


def test_window_layout_is_remembered(qtbot, database, settings) -> None:
    window = _window(qtbot, database, settings)
    window.resize(700, 500)  # the offscreen screen is 800×600
    window.pages["visits"].table.setColumnWidth(0, 222)
    window.show_ledger("projects")
    window.close()
    again = _window(qtbot, database, settings)
    assert (again.width(), again.height()) == (700, 500)
    assert again.pages["visits"].table.columnWidth(0) == 222
    assert again.current_page() is again.pages["projects"] and again.pages["projects"].model.loaded


def test_columns_can_be_hidden_from_the_view_menu_and_stay_hidden(qtbot, database, settings) -> None:
    """The README promised an export of the visible columns, and no column could be hidden."""
    from PySide6.QtWidgets import QMenu

    window = _window(qtbot, database, settings)
    page = window.show_ledger("visits")
    columns = window.findChild(QMenu, "columns_menu")  # View ▸ Columns, as the header's own menu

    def choices() -> list:
        columns.aboutToShow.emit()
        return columns.actions()

    staff = next(a for a in choices() if a.text() == "Staff")
    assert staff.isChecked()
    staff.trigger()
    assert "staff" not in page.visible_fields() and "visit_date" in page.visible_fields()
    for action in choices():  # hide them all: the last one shown stays
        if action.isChecked():
            action.trigger()
    assert page.visible_fields() == ["next_action_date"]
    assert not next(a for a in choices() if a.isChecked()).isEnabled()
    window.close()
    again = _window(qtbot, database, settings)
    assert again.pages["visits"].visible_fields() == ["next_action_date"]


def test_background_work_reports_progress_and_result_on_the_gui_thread(qtbot) -> None:
    seen: list[tuple[int, int]] = []

    def work(control) -> str:
        for step in range(3):
            control.progress(step + 1, 3)
        return "done"

    task = run_in_background(work)
    task.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert task.result == "done"
    qtbot.waitUntil(lambda: len(seen) == 3)


def test_background_work_can_return_booleans(qtbot) -> None:
    tasks = [run_in_background(lambda _control: True) for _ in range(20)]
    qtbot.waitUntil(lambda: not any(task.running for task in tasks), timeout=5000)
    assert all(task.result is True for task in tasks)


def test_the_qt_binding_keeps_its_references_when_signals_are_emitted() -> None:
    """PySide6 6.12.0's emit() returned True without a reference: every emit dropped one and the app
    aborted at exit ("bool_dealloc"). pyproject.toml keeps that version out; this catches it."""
    import gc
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal()

    emitter = Emitter()
    gc.disable()
    try:
        before = sys.getrefcount(True)
        for _ in range(1000):
            emitter.fired.emit()
        after = sys.getrefcount(True)
    finally:
        gc.enable()
    assert after >= before - 10


def test_background_work_can_be_cancelled(qtbot) -> None:
    def work(control) -> str:
        while not control.cancelled():
            pass
        raise RuntimeError("cancelled")

    task = run_in_background(work)
    task.cancel()
    with qtbot.waitSignal(task.failed, timeout=5000) as failed:
        pass
    assert str(failed.args[0]) == "cancelled"


def test_an_unopenable_database_is_explained_not_a_traceback(qtbot, tmp_path: Path) -> None:
    from ui.app import open_database

    broken = tmp_path / "broken.db"
    broken.write_text("this is not a database")
    dialogs = ScriptedDialogs()
    assert open_database(broken, dialogs) is None
    assert dialogs.errors == [
        (
            "Cannot open the database",
            f"{broken} is not an Outreach Ledger database, or it is damaged (not an SQLite file).",
        )
    ]


def test_first_run_asks_for_name_and_team(qtbot, database, store, bureau) -> None:
    from ui.first_run import FirstRunDialog

    settings = Settings()
    dialog = FirstRunDialog(database, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and settings.user_name == ""  # a name is required
    type_text(dialog.name, "陈七")
    type_text(dialog.team, "高要区招商组")
    dialog.accept()
    assert not dialog.isVisible()
    assert (Settings().user_name, Settings().team_id) == ("陈七", bureau["team"])


def test_a_damaged_database_is_reported_by_the_background_check(qtbot, db_path: Path, settings) -> None:
    database = Database.open(db_path)
    store = LedgerStore(database, "x")
    for number in range(300):
        store.create("teams", {"name": f"Team {number}", "unit": "x" * 200})
    database.close()
    data = bytearray(db_path.read_bytes())
    data[-8192:] = b"\xde\xad\xbe\xef" * 2048  # data pages at the end; the schema pages still read
    db_path.write_bytes(bytes(data))

    damaged = Database.open(db_path, verify=False)
    try:
        dialogs = ScriptedDialogs()
        window = _window(qtbot, damaged, settings, dialogs)
        task = window.check_integrity()
        with qtbot.waitSignal(task.finished, timeout=10_000):
            pass
        assert dialogs.errors and dialogs.errors[0][0] == "The database is damaged"
        assert str(db_path) in dialogs.errors[0][1]
    finally:
        damaged.close()


def test_fill_with_demo_data_runs_in_the_background_and_can_be_cancelled(qtbot, database, settings) -> None:
    dialogs = ScriptedDialogs([Choice.PRIMARY, Choice.PRIMARY])
    window = _window(qtbot, database, settings, dialogs)

    window.fill_demo()
    task = window.tasks[-1]
    task.cancel()
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)
    assert LedgerQuery(database, "visits").ids() == [] and dialogs.errors == []  # cancelled: nothing added

    window.fill_demo()
    task = window.tasks[-1]
    assert window.pages["visits"].model.rowCount() == 0  # the window stays usable meanwhile
    qtbot.waitUntil(lambda: not task.running, timeout=60_000)
    assert window.pages["visits"].model.rowCount() > 5000
    assert window.pending_label.text() != "Not yet synced: 0"


@pytest.mark.parametrize(
    ("locale", "industries"),
    [
        (
            QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
            ["6G and communications", "Artificial intelligence", "Hydrogen energy", "New energy storage"],
        ),
        (
            QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            ["6G与通信", "氢能", "人工智能", "新型储能"],
        ),
    ],
)
def test_a_choice_column_sorts_by_the_label_shown_not_the_stored_code(
    qtbot, database, settings, store, bureau, locale, industries
) -> None:
    bureau_lead = bureau["lead"]
    store.set_deleted("leads", [bureau_lead], True)
    for code in ("ai", "energy_storage", "comm_6g", "hydrogen"):  # by code: ai < comm_6g < …
        lead = {"title": f"项目 {code}", "industry": code, "discovered_on": date(2024, 3, 19)}
        store.create("leads", {**lead, "team_id": bureau["team"], "status": "new"})
    QLocale.setDefault(locale)
    try:
        window = _window(qtbot, database, settings)
        page = window.show_ledger("leads")
        column = next(i for i, f in enumerate(page.model.fields) if f.name == "industry")
        header = page.table.horizontalHeader()

        def shown() -> list[str]:
            return [page.model.index(row, column).data() for row in range(page.model.rowCount())]

        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, column))
        order = header.sortIndicatorOrder()
        assert shown() == (industries if order == Qt.SortOrder.AscendingOrder else industries[::-1])
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, column))
        assert header.sortIndicatorOrder() != order
        assert shown() == (industries[::-1] if order == Qt.SortOrder.AscendingOrder else industries)
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _section_centre(header, logical: int) -> QPoint:
    header.parentWidget().scrollTo(header.model().index(0, logical))
    return QPoint(
        header.sectionViewportPosition(logical) + header.sectionSize(logical) // 2, header.height() // 2
    )


def test_a_delete_the_database_refuses_says_so_and_leaves_nothing_to_undo(
    qtbot, monkeypatch, database, settings, bureau
) -> None:
    from sqlalchemy.exc import OperationalError

    dialogs = ScriptedDialogs()
    window = open_main_window(qtbot, database, settings, dialogs)
    page = window.show_ledger("leads")
    page.select_ids([bureau["lead"]])
    page.table.setFocus()

    def locked(*_args: object) -> list[str]:
        raise OperationalError("UPDATE leads …", {}, Exception("database is locked"))

    monkeypatch.setattr(window.store, "set_deleted", locked)  # another program holds the write lock
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert dialogs.errors == [
        (
            "Not saved",
            "Nothing was deleted: the database could not be written "
            "(another program is writing to it; try again in a moment).",
        )
    ]
    assert page.model.rowCount() == 1
    assert window.undo_stack.count() == 0  # no "Undo Delete" for a delete that did not happen
    monkeypatch.undo()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # the lock gone: the same key deletes
    assert page.model.rowCount() == 0 and window.undo_stack.count() == 1

    monkeypatch.setattr(window.store, "set_deleted", locked)
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dialogs.errors[-1][1].startswith("Nothing was restored")
    assert page.model.rowCount() == 0 and window.undo_stack.count() == 0  # the step that failed is gone


def test_tab_leaves_a_ledger_table_for_the_records_links(qtbot, database, settings, bureau) -> None:
    window = _window(qtbot, database, settings)
    page = window.show_ledger("leads")
    page.select_ids([bureau["lead"]])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not page.table


def _visit_to_the_enterprise(store: LedgerStore, bureau: dict[str, str]) -> str:
    values = {
        "visit_date": date(2024, 3, 20),
        "kind": "enterprise_visit",
        "enterprise_id": bureau["enterprise"],
        "team_id": bureau["team"],
        "staff": "王五",
    }
    return store.create("visits", values)


def test_deleting_an_enterprise_in_use_asks_first_and_its_visits_show_it_as_deleted(
    qtbot, database, settings, store, bureau
) -> None:
    visit = _visit_to_the_enterprise(store, bureau)
    unused = store.create("enterprises", {"name": "肇庆未拜访企业有限公司"})
    dialogs = ScriptedDialogs(answers=[Choice.CANCEL, Choice.PRIMARY])
    window = _window(qtbot, database, settings, dialogs)
    page = window.show_ledger("enterprises")

    page.select_ids([unused])  # nothing refers to it: deleted at once, as before
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert dialogs.questions == [] and page.model.row_of(unused) is None

    page.select_ids([bureau["enterprise"]])
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # answered Cancel: nothing happens
    assert len(dialogs.questions) == 1
    assert "东莞曼富电池部件有限公司" in dialogs.questions[0]
    assert "Visits: 1" in dialogs.questions[0] and "Leads: 1" in dialogs.questions[0]
    assert page.model.row_of(bureau["enterprise"]) is not None
    assert not store.get("enterprises", bureau["enterprise"])["deleted"]

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # answered Delete
    assert store.get("enterprises", bureau["enterprise"])["deleted"]
    visits = window.show_ledger("visits")
    assert _cell(visits, visit, "enterprise_id") == "东莞曼富电池部件有限公司 (deleted)"
    assert _cell(visits, visit, "enterprise_id", Qt.ItemDataRole.ToolTipRole)
    assert _cell(visits, visit, "team_id") == "高要区招商组"  # the team is not deleted
    leads = window.show_ledger("leads")
    leads.select_ids([bureau["lead"]])
    assert "东莞曼富电池部件有限公司 (deleted)" in leads.detail.toPlainText()

    window.show_ledger("enterprises")
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    visits = window.show_ledger("visits")
    assert _cell(visits, visit, "enterprise_id") == "东莞曼富电池部件有限公司"


def test_the_question_counts_only_live_records_outside_the_selection(store, bureau) -> None:
    visit = _visit_to_the_enterprise(store, bureau)
    assert store.referring_counts("teams", [bureau["team"]]) == {"visits": 1, "leads": 1}
    assert store.referring_counts("enterprises", [bureau["enterprise"]]) == {"visits": 1, "leads": 1}
    store.set_deleted("visits", [visit], True)
    assert store.referring_counts("enterprises", [bureau["enterprise"]]) == {"leads": 1}
    assert store.referring_counts("leads", [bureau["lead"]]) == {}


def test_undoing_a_delete_of_many_records_selects_them_at_once(
    qtbot, database, settings, store, monkeypatch
) -> None:
    """Each record was selected on its own, each time reading it for the detail pane: undoing the
    delete of a few thousand records took minutes."""
    from ui.detail_pane import DetailPane

    ids = [store.create("enterprises", {"name": f"肇庆第{n}号企业有限公司"}) for n in range(300)]
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    page.table.setFocus()
    page.table.selectAll()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.model.rowCount() == 0

    shown: list[object] = []
    original = DetailPane.show_record
    monkeypatch.setattr(DetailPane, "show_record", lambda pane, *a: shown.append(a) or original(pane, *a))
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 300
    assert sorted(page.selected_ids()) == sorted(ids)
    assert page.current_id() in ids and len(shown) <= 3


def test_selecting_the_same_records_with_another_first_shows_that_one(
    qtbot, database, settings, store
) -> None:
    first = store.create("enterprises", {"name": "肇庆甲企业有限公司"})
    second = store.create("enterprises", {"name": "肇庆乙企业有限公司"})
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    assert page.select_ids([first, second])
    assert page.current_id() == first and "肇庆甲企业有限公司" in page.detail.toPlainText()
    assert page.select_ids([second, first])  # the same selection: no change announced by Qt
    assert page.current_id() == second and "肇庆乙企业有限公司" in page.detail.toPlainText()


def test_a_refresh_shows_the_record_read_anew_once(qtbot, database, settings, store, monkeypatch) -> None:
    """After an edit the detail pane read and drew the same record twice."""
    from ui.detail_pane import DetailPane

    firm = store.create("enterprises", {"name": "肇庆甲企业有限公司"})
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    assert page.select_ids([firm])
    shown: list[object] = []
    original = DetailPane.show_record
    monkeypatch.setattr(DetailPane, "show_record", lambda pane, *a: shown.append(a) or original(pane, *a))
    store.update("enterprises", firm, {"name": "肇庆乙企业有限公司"})
    page.refresh()
    assert shown == [("enterprises", firm)] and "肇庆乙企业有限公司" in page.detail.toPlainText()

    store.set_deleted("enterprises", [firm], True)
    page.refresh()  # nothing left to select: the pane is emptied, once
    assert shown[1:] == [("enterprises", None)] and "肇庆乙企业有限公司" not in page.detail.toPlainText()


def test_sorting_by_a_column_keeps_the_selected_records(qtbot, database, settings, store) -> None:
    """A click on a column header dropped the selection without a word: the detail pane still
    showed the record, Edit and Delete stayed enabled and then did nothing."""
    firms = [
        store.create("enterprises", {"name": f"肇庆第{n}号企业有限公司", "city": city})
        for n, city in enumerate(["广州", "深圳", "佛山", "东莞", "珠海"])
    ]
    window = _window(qtbot, database, settings)
    page = window.show_ledger("enterprises")
    assert page.select_ids([firms[3], firms[1]])
    city = next(i for i, f in enumerate(page.model.fields) if f.name == "city")
    header = page.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(city) + 5, 5)
    )
    assert page.model.headerData(city, Qt.Orientation.Horizontal) and header.sortIndicatorSection() == city
    assert page.current_id() == firms[3] and sorted(page.selected_ids()) == sorted([firms[1], firms[3]])
    assert "肇庆第3号企业有限公司" in page.detail.toPlainText() and window.edit_action.isEnabled()

    page.table.selectAll()  # every record selected: every one still is after a sort
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(0) + 5, 5)
    )
    assert sorted(page.selected_ids()) == sorted(firms) and header.sortIndicatorSection() == 0

    page.table.clearSelection()
    page.search.setText("第2号")
    page.apply_search_now()
    page.select_ids([firms[2]])
    page.search.setText("第")
    page.apply_search_now()  # a new search shows its results from the top, none selected
    assert page.selected_ids() == [] and not window.edit_action.isEnabled()


def _in_sight(page, record_id: str) -> bool:
    y = page.table.rowViewportPosition(page.model.row_of(record_id))
    return 0 <= y < page.table.viewport().height()


def test_sorting_by_a_column_far_right_keeps_the_columns_in_sight(qtbot, database, settings, store) -> None:
    """With a record selected, a click on a header at the right scrolled the table back to its first
    column, the header just clicked out of sight."""
    ids = [
        store.create(
            "enterprises",
            {"name": f"肇庆第{n}号企业有限公司", "city": f"城{n % 7}", "phone": f"0758-{n:04d}"},
        )
        for n in range(40)
    ]
    window = _window(qtbot, database, settings)
    window.resize(700, 500)
    page = window.show_ledger("enterprises")
    page.splitter.setSizes([400, 300])
    assert page.select_ids([ids[10]])
    bar = page.table.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    header = page.table.horizontalHeader()
    last = max(range(page.model.columnCount()), key=header.visualIndex)
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(last) + 5, 5)
    )
    assert header.sortIndicatorSection() == last and page.selected_ids() == [ids[10]]
    assert bar.value() == bar.maximum() and _in_sight(page, ids[10])


def test_a_record_is_brought_into_sight_with_the_first_column_hidden(
    qtbot, database, settings, store
) -> None:
    """Hidden, the first column could not be scrolled to: a record opened, kept after a sort or
    selected again stayed out of sight."""
    team = store.create("teams", {"name": "一组"})
    ids = [
        store.create(
            "visits",
            {
                "visit_date": date(2024, 3, 1 + n % 28),
                "kind": "enterprise_visit",
                "team_id": team,
                "staff": f"员工{n:03d}",
            },
        )
        for n in range(300)
    ]
    window = _window(qtbot, database, settings)
    window.resize(1000, 600)
    page = window.show_ledger("visits")
    page.table.horizontalHeader().setSectionHidden(0, True)
    window.open_record("visits", ids[150])
    assert _in_sight(page, ids[150])
    page.table.scrollToTop()
    staff = next(i for i, f in enumerate(page.model.fields) if f.name == "staff")
    page.table.sortByColumn(staff, Qt.SortOrder.DescendingOrder)
    assert page.selected_ids() == [ids[150]] and _in_sight(page, ids[150])


def test_the_detail_pane_counts_all_related_records_not_just_those_listed(
    qtbot, database, settings, store, bureau
) -> None:
    """A team with 279 visits read "Visits (200)": the list stops at the newest 200."""
    for day in range(203):
        store.create(
            "visits",
            {
                "visit_date": date(2023, 1, 1) + timedelta(days=day),
                "kind": "enterprise_visit",
                "team_id": bureau["team"],
                "summary": f"回访{day}",
            },
        )
    window = _window(qtbot, database, settings)
    page = window.show_ledger("teams")
    page.select_ids([bureau["team"]])
    text = page.detail.toPlainText()
    live = sum(
        1
        for v in LedgerQuery(database, "visits").ids()
        if store.get("visits", v)["team_id"] == bureau["team"]
    )
    assert live > 200 and f"Visits (the newest 200 of {live})" in text
    assert "Leads (1)" in text


def test_undo_on_another_tab_shows_the_ledger_it_changes(qtbot, database, settings, store, bureau) -> None:
    """Ctrl+Z on the enterprises tab restored a team out of sight, with only a status-bar note."""
    unused = store.create("teams", {"name": "德庆县招商组", "unit": "德庆县"})  # deleted without a question
    window = _window(qtbot, database, settings)
    teams = window.go_to_ledger("teams")
    teams.select_ids([unused])
    qtbot.keyClick(teams.table, Qt.Key.Key_Delete)
    assert unused not in LedgerQuery(database, "teams").ids()
    enterprises = window.go_to_ledger("enterprises")
    qtbot.keyClick(enterprises.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is teams and teams.selected_ids() == [unused]
    assert QApplication.focusWidget() is teams.table
