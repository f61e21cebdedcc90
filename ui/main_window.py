"""The main window: one tab per ledger, record actions, undo, status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog, QTabWidget, QWidget
from sqlalchemy.exc import SQLAlchemyError

from models.controlled import PROJECT_STAGES
from models.database import NOT_A_DATABASE, Database
from models.fields import LEDGERS
from models.i18n import database_reason
from models.store import LedgerStore
from models.validation import ValidationError
from ui.actions import make_action
from ui.ledger_page import LedgerPage
from ui.record_dialog import ConvertLeadDialog, EnterpriseDialog, RecordDialog
from ui.reports_controller import ReportsController
from ui.services import Choice, DialogService
from ui.settings import Settings
from ui.sync_controller import SyncController
from ui.text import problems_text, reason_text, tr
from ui.undo import SetDeletedCommand, stack_actions
from ui.visit_dialog import VisitDialog
from ui.worker import BackgroundTask, TaskControl, run_in_background

TAB_ORDER = ("visits", "trips", "enterprises", "leads", "projects", "teams")
PENDING_REFRESH_MS = 30_000
# Settings.language values; the language names are shown in their own language, untranslated.
LANGUAGE_CHOICES = (("zh", "中文"), ("en", "English"))


class MainWindow(QMainWindow):
    def __init__(
        self,
        database: Database,
        settings: Settings,
        services: DialogService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.settings = settings
        self.services = services or DialogService()
        self.store = LedgerStore(database, settings.user_name)
        self.undo_stack = QUndoStack(self)
        self.tasks: list[BackgroundTask] = []
        self._reported_failure = False
        self.setWindowTitle(tr("Main", "Outreach Ledger"))
        self.resize(1280, 800)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("ledger_tabs")
        self.pages: dict[str, LedgerPage] = {}
        for name in TAB_ORDER:
            page = LedgerPage(database, self.store, name)
            page.activated.connect(self.edit_record)
            page.selection_changed.connect(self._update_actions)
            page.detail.open_record.connect(self.open_record)
            page.show_deleted.toggled.connect(lambda _on: self._update_actions())
            page.model.failed.connect(self._database_failed)
            self.pages[name] = page
            self.tabs.addTab(page, tr("Ledger", page.ledger.title))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.sync = SyncController(self, database, settings, self.services, self.tasks)
        self.sync.synced.connect(self._after_sync)
        self.reports = ReportsController(self, database, self.services, self.tasks, self.current_page)
        self._build_actions()
        self._build_status_bar()
        self._restore_layout()
        self.current_page().ensure_loaded()
        # The keyboard starts in the records (the tab bar, first in the focus chain, would take it:
        # → would then switch ledgers); given once the window is shown and active.
        self.current_page().table.setFocus()
        self._update_actions()
        self._pending_timer = QTimer(self)
        self._pending_timer.setInterval(PENDING_REFRESH_MS)
        self._pending_timer.timeout.connect(self.refresh_pending)
        self._pending_timer.start()
        self.refresh_pending()

    # --- construction -----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | None = None,
        name: str = "",
    ) -> QAction:
        return make_action(self, text, slot, shortcut, name)

    def _build_actions(self) -> None:
        self.log_visit_action = self._action(tr("Main", "&Log visit…"), self.log_visit, "Ctrl+L", "log_visit")
        self.new_action = self._action(
            tr("Main", "&New record…"), self.new_record, QKeySequence.StandardKey.New, "new_record"
        )
        self.edit_action = self._action(tr("Main", "&Edit record…"), self.edit_record, "F2", "edit_record")
        self.delete_action = self._action(
            tr("Main", "&Delete"), self.delete_records, QKeySequence.StandardKey.Delete, "delete"
        )
        self.restore_action = self._action(tr("Main", "Res&tore"), self.restore_records, "Ctrl+R", "restore")
        self.undo_action, self.redo_action = stack_actions(self, self.undo_stack)
        self.find_action = self._action(
            tr("Main", "&Find"), self.focus_search, QKeySequence.StandardKey.Find, "find"
        )
        self.deleted_action = self._action(
            tr("Main", "Show &deleted records"), self.toggle_deleted, "Ctrl+D", "show_deleted"
        )
        self.convert_action = self._action(
            tr("Main", "&Convert lead to project…"), self.convert_lead, "Ctrl+Shift+P", "convert_lead"
        )
        self.advance_action = self._action(
            tr("Main", "&Advance to next stage"), self.advance_stage, "Ctrl+Shift+A", "advance_stage"
        )
        self.demo_action = self._action(tr("Main", "Fill with &demo data…"), self.fill_demo, None, "demo")
        self.quit_action = self._action(
            tr("Main", "&Quit"), self.close, QKeySequence.StandardKey.Quit, "quit"
        )
        self.tab_actions = []
        for number, name in enumerate(TAB_ORDER, start=1):
            action = self._action(
                tr("Ledger", self.pages[name].ledger.title),
                lambda _checked=False, n=name: self.go_to_ledger(n),
                f"Ctrl+{number}",
                f"show_{name}",
            )
            self.tab_actions.append(action)

        menu = self.menuBar()
        file_menu = menu.addMenu(tr("Main", "&File"))
        file_menu.addActions([self.log_visit_action, self.new_action])
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu(tr("Main", "&Edit"))
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.edit_action, self.delete_action, self.restore_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        view_menu = menu.addMenu(tr("Main", "&View"))
        view_menu.addActions(self.tab_actions)
        view_menu.addSeparator()
        view_menu.addAction(self.deleted_action)
        columns_menu = view_menu.addMenu(tr("Main", "&Columns"))  # also the column header's own menu
        columns_menu.setObjectName("columns_menu")
        columns_menu.aboutToShow.connect(lambda: self.current_page().fill_column_menu(columns_menu))
        view_menu.addSeparator()
        language_menu = view_menu.addMenu(tr("Main", "&Language"))
        language_menu.setObjectName("language_menu")
        self.language_group = QActionGroup(self)
        choices = [*LANGUAGE_CHOICES, ("", tr("Main", "Follow the system"))]
        for value, text in choices:
            action = QAction(text, self.language_group)
            action.setCheckable(True)
            action.setChecked(self.settings.language == value)
            action.setObjectName(f"language_{value or 'system'}")
            action.triggered.connect(lambda _checked=False, v=value: self.choose_language(v))
            language_menu.addAction(action)
        record_menu = menu.addMenu(tr("Main", "&Record"))
        record_menu.addActions([self.convert_action, self.advance_action])
        reports_menu = menu.addMenu(tr("Main", "Re&ports"))
        reports_menu.addAction(self.reports.dashboard_action)
        reports_menu.addSeparator()
        reports_menu.addActions(
            [self.reports.period_action, self.reports.ranking_action, self.reports.supervision_action]
        )
        reports_menu.addSeparator()
        reports_menu.addAction(self.reports.export_action)
        sync_menu = menu.addMenu(tr("Main", "&Sync"))
        sync_menu.addAction(self.sync.sync_action)
        sync_menu.addSeparator()
        sync_menu.addActions([self.sync.conflicts_action, self.sync.issues_action, self.sync.history_action])
        sync_menu.addSeparator()
        sync_menu.addActions([self.sync.choose_action, self.sync.new_action])

        toolbar = self.addToolBar(tr("Main", "Main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.log_visit_action, self.new_action, self.edit_action, self.delete_action])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addActions([self.convert_action, self.advance_action])
        toolbar.addSeparator()
        toolbar.addAction(self.sync.sync_action)

    def _build_status_bar(self) -> None:
        self.path_label = QLabel(str(self.database.path))
        self.path_label.setObjectName("database_path")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending_changes")
        self.user_label = QLabel()
        self.user_label.setObjectName("current_user")
        team = self.store.display_name("teams", self.settings.team_id) if self.settings.team_id else ""
        self.user_label.setText(
            tr("Main", "User: {user}").format(user=self.settings.user_name)
            + (" · " + tr("Main", "Team: {team}").format(team=team) if team else "")
        )
        bar = self.statusBar()
        bar.addWidget(self.path_label, 1)
        bar.addPermanentWidget(self.sync.status_label)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.user_label)

    # --- layout memory ----------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.window_state("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state("main/state")
        if state is not None:
            self.restoreState(state)
        for name, page in self.pages.items():
            splitter = self.settings.window_state(f"{name}/splitter")
            if splitter is not None:
                page.splitter.restoreState(splitter)
            header = self.settings.window_state(f"{name}/header")
            if header is not None:
                page.table.horizontalHeader().restoreState(header)
        if self.settings.current_ledger in self.pages:
            self.tabs.setCurrentWidget(self.pages[self.settings.current_ledger])

    def closeEvent(self, event: QCloseEvent) -> None:
        if any(task.running and task.blocks_close for task in self.tasks):
            self.services.info(
                self,
                tr("Main", "Please wait"),
                tr("Main", "Background work is still running. Cancel it or wait for it to end."),
            )
            event.ignore()
            return
        self._pending_timer.stop()
        self.sync.stop()
        self.settings.set_window_state("main/geometry", self.saveGeometry())
        self.settings.set_window_state("main/state", self.saveState())
        self.settings.current_ledger = self.current_page().ledger.name
        for name, page in self.pages.items():
            self.settings.set_window_state(f"{name}/splitter", page.splitter.saveState())
            self.settings.set_window_state(f"{name}/header", page.table.horizontalHeader().saveState())
        super().closeEvent(event)

    def choose_language(self, value: str) -> None:
        if value == self.settings.language:
            return
        self.settings.language = value
        self.services.info(
            self,
            tr("Main", "Language"),
            tr("Main", "The new language takes effect when you restart Outreach Ledger."),
        )

    # --- navigation -------------------------------------------------------------------------------

    def current_page(self) -> LedgerPage:
        page = self.tabs.currentWidget()
        assert isinstance(page, LedgerPage)
        return page

    def show_ledger(self, name: str) -> LedgerPage:
        page = self.pages[name]
        self.tabs.setCurrentWidget(page)
        page.ensure_loaded()
        return page

    def go_to_ledger(self, name: str) -> LedgerPage:
        """Ctrl+1…6: the ledger shown, with the keyboard in its table."""
        page = self.show_ledger(name)
        page.table.setFocus()
        return page

    def _tab_changed(self, _index: int) -> None:
        self.current_page().ensure_loaded()
        self._update_actions()

    def open_record(self, ledger_name: str, record_id: str) -> None:
        """Show the record selected in its ledger, clearing a search or switching to the deleted view
        if they hide it; the keyboard is then in the table."""
        page = self.show_ledger(ledger_name)
        if page.select_ids([record_id]):
            page.table.setFocus()
            return
        record = self.store.get(ledger_name, record_id)
        page.search.clear()
        page.apply_search_now()
        page.show_deleted.setChecked(bool(record.get("deleted")))
        page.refresh(keep=[record_id])
        page.table.setFocus()

    def focus_search(self) -> None:
        search = self.current_page().search
        search.setFocus()
        search.selectAll()

    def toggle_deleted(self) -> None:
        box = self.current_page().show_deleted
        box.setChecked(not box.isChecked())

    def _update_actions(self) -> None:
        page = self.current_page()
        selected = page.table.selectionModel().hasSelection()
        deleted_view = page.show_deleted.isChecked()
        self.edit_action.setEnabled(selected and not deleted_view)
        self.delete_action.setEnabled(selected and not deleted_view)
        self.restore_action.setEnabled(selected and deleted_view)
        self.convert_action.setEnabled(selected and not deleted_view and page.ledger.name == "leads")
        self.advance_action.setEnabled(
            selected and not deleted_view and page.ledger.name == "projects" and self._can_advance(page)
        )

    def _can_advance(self, page: LedgerPage) -> bool:
        """Whether the current project has a next stage to reach."""
        project_id = page.current_id()
        if project_id is None:
            return False
        try:
            return bool(self.store.get("projects", project_id)["stage"] != PROJECT_STAGES[-1])
        except KeyError:  # gone meanwhile (a sync, another window)
            return False

    def refresh_ledger(self, ledger_name: str, keep: list[str]) -> None:
        page = self.pages[ledger_name]
        page.refresh(keep=keep)
        for other in self.pages.values():
            if other is not page and other.model.loaded:
                if any(f.ref == ledger_name for f in other.ledger.fields):  # shows its records' names
                    other.mark_stale()
                other.detail.show_record(other.ledger.name, other.current_id())
        self.refresh_pending()

    def refresh_pending(self) -> None:
        count = self.store.pending_changes()
        self.pending_label.setText(tr("Main", "Not yet synced: {count}").format(count=count))

    # --- record actions ---------------------------------------------------------------------------

    def _dialog(self, ledger_name: str, record_id: str | None = None) -> RecordDialog:
        options = {"services": self.services, "parent": self}
        if ledger_name == "visits":
            return VisitDialog(self.store, self.settings, record_id, **options)
        if ledger_name == "enterprises":
            return EnterpriseDialog(self.store, record_id, **options)
        return RecordDialog(self.store, ledger_name, record_id, **options)

    def _run_dialog(self, dialog: RecordDialog) -> None:
        dialog.exec()
        ledger_name = dialog.ledger.name
        if dialog.saved_id:
            self.refresh_ledger(ledger_name, [dialog.saved_id])
            self.open_record(ledger_name, dialog.saved_id)  # in sight even when a search hid it
            if ledger_name == "visits":
                self.pages["enterprises"].refresh()
        elif dialog.open_existing_id:
            self.open_record(ledger_name, dialog.open_existing_id)
        dialog.deleteLater()

    def log_visit(self) -> None:
        self.show_ledger("visits")
        self._run_dialog(self._dialog("visits"))

    def new_record(self) -> None:
        self._run_dialog(self._dialog(self.current_page().ledger.name))

    def edit_record(self) -> None:
        page = self.current_page()
        record_id = page.current_id()
        if record_id is None or page.show_deleted.isChecked():
            return
        self._run_dialog(self._dialog(page.ledger.name, record_id))

    def delete_records(self) -> None:
        page = self.current_page()
        ids = page.selected_ids()
        if ids and not page.show_deleted.isChecked():
            if not self._delete_wanted(page.ledger.name, ids):
                return
            row = page.row_after_removing_selection()
            if self._set_deleted(page.ledger.name, ids, True):
                page.select_row(row)  # the next record, so Del can go on

    def _delete_wanted(self, ledger_name: str, ids: list[str]) -> bool:
        """A delete that leaves other records naming a deleted one is asked about first; others are
        not (Ctrl+Z undoes them)."""
        try:
            counts = self.store.referring_counts(ledger_name, ids)
        except SQLAlchemyError as error:
            self._not_written(
                tr("Main", "Nothing was deleted: the database could not be read ({detail}).").format(
                    detail=reason_text(database_reason(error))
                )
            )
            return False
        if not counts:
            return True
        referring = tr("Main", ", ").join(
            tr("Main", "{ledger}: {count}").format(ledger=tr("Ledger", LEDGERS[other].title), count=count)
            for other, count in counts.items()
        )
        if len(ids) == 1:
            text = tr("Main", "Other records refer to “{name}” ({referring}).").format(
                name=self.store.display_name(ledger_name, ids[0]), referring=referring
            )
        else:
            text = tr("Main", "Other records refer to the {count} records selected ({referring}).").format(
                count=len(ids), referring=referring
            )
        text += "\n\n" + tr(
            "Main",
            "They are kept, and show the name marked as deleted. Delete anyway? Ctrl+Z undoes it.",
        )
        return self.services.confirm(self, tr("Main", "Delete a record in use?"), text, tr("Main", "&Delete"))

    def restore_records(self) -> None:
        page = self.current_page()
        ids = page.selected_ids()
        if ids and page.show_deleted.isChecked():
            self._set_deleted(page.ledger.name, ids, False)

    def _set_deleted(self, ledger_name: str, ids: list[str], deleted: bool) -> bool:
        command = SetDeletedCommand(
            self.store, ledger_name, ids, deleted, self._show_change, self._announce, self._not_written
        )
        if not command.apply_first():
            return False
        self.undo_stack.push(command)
        return True

    def _show_change(self, ledger_name: str, keep: list[str]) -> None:
        """A delete or restore, done, undone or redone: shown in its ledger, brought to the front (Ctrl+Z
        on another tab undid a delete out of sight)."""
        if self.current_page().ledger.name != ledger_name:
            self.go_to_ledger(ledger_name)
        self.refresh_ledger(ledger_name, keep)

    def _not_written(self, text: str) -> None:
        self.services.error(self, tr("Main", "Not saved"), text)

    def _announce(self, text: str) -> None:
        """A short note in the status bar about what a command just did (it replaces the last one)."""
        self.statusBar().showMessage(text, 8000)

    def convert_lead(self) -> None:
        page = self.current_page()
        lead_id = page.current_id()
        if page.ledger.name != "leads" or lead_id is None:
            return
        try:
            values = self.store.project_from_lead(lead_id, date.today())
        except ValidationError as error:
            self.services.error(
                self,
                tr("Main", "Cannot convert the lead"),
                problems_text(page.ledger, error.problems),
            )
            return
        dialog = ConvertLeadDialog(self.store, lead_id, values, services=self.services, parent=self)
        dialog.exec()
        project_id = dialog.saved_id
        dialog.deleteLater()
        if project_id is None:
            return
        page.refresh(keep=[lead_id])
        self.refresh_ledger("projects", [project_id])
        self.open_record("projects", project_id)
        self.statusBar().showMessage(tr("Main", "Project created from the lead."), 8000)

    def advance_stage(self) -> None:
        page = self.current_page()
        project_id = page.current_id()
        if page.ledger.name != "projects" or project_id is None:
            return
        try:
            self.store.advance_stage(project_id, date.today())
        except ValidationError as error:
            self.services.error(
                self,
                tr("Main", "Cannot advance the project"),
                problems_text(page.ledger, error.problems),
            )
            return
        self.refresh_ledger("projects", [project_id])
        self._update_actions()

    def _database_failed(self, detail: str) -> None:
        if self._reported_failure:
            return
        self._reported_failure = True
        self.services.error(
            self,
            tr("Database", "The database could not be read"),
            tr("Database", NOT_A_DATABASE).format(path=self.database.path, detail=detail),
        )

    def _after_sync(self, _report: object) -> None:
        for page in self.pages.values():
            if page.model.loaded:
                page.refresh()
        self.refresh_pending()

    def check_integrity(self) -> BackgroundTask:
        """SQLite's page check, off the GUI thread; a damaged file is reported, not discovered later."""
        task = run_in_background(lambda _control: self.database.integrity_problem(), self)
        task.blocks_close = False  # read-only: closing the window need not wait for it
        self.tasks.append(task)

        def finished(problem: object) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if problem:
                self.services.error(
                    self,
                    tr("Database", "The database is damaged"),
                    tr("Database", NOT_A_DATABASE).format(path=self.database.path, detail=problem)
                    + "\n"
                    + tr(
                        "Database",
                        "Copy the file somewhere safe before you change anything, and restore "
                        "the latest backup or sync from the master workbook.",
                    ),
                )

        task.finished.connect(lambda: finished(task.result))
        task.failed.connect(lambda error: finished(str(error)))
        return task

    # --- long work --------------------------------------------------------------------------------

    def fill_demo(self) -> None:
        answer = self.services.choose(
            self,
            tr("Main", "Fill with demo data"),
            tr(
                "Main",
                "Add a demo bureau (about 50 teams and four years of trips, visits, leads and "
                "projects) to this database? Your own records are kept.",
            ),
            tr("Main", "Add demo data"),
            tr("Main", "Don't add"),
        )
        if answer is not Choice.PRIMARY:
            return
        from models import demo

        progress = QProgressDialog(tr("Main", "Creating demo data…"), tr("Main", "Cancel"), 0, 100, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def work(control: TaskControl) -> object:
            return demo.generate(self.database, progress=control.progress, cancelled=control.cancelled)

        task = run_in_background(work, self)
        self.tasks.append(task)
        progress.canceled.connect(task.cancel)
        task.progress.connect(lambda done, total: progress.setValue(int(100 * done / max(total, 1))))

        def finished() -> None:
            progress.close()
            self.tasks.remove(task)
            for page in self.pages.values():
                if page.model.loaded:
                    page.refresh()
            self.refresh_pending()

        def failed(error: object) -> None:
            progress.close()
            self.tasks.remove(task)
            if not isinstance(error, demo.DemoCancelled):
                self.services.error(
                    self,
                    tr("Main", "Demo data"),
                    tr("Main", "No demo data was added: {reason}").format(reason=error),
                )

        task.finished.connect(finished)
        task.failed.connect(failed)
