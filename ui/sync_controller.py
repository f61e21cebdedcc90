"""Sync in the main window: the master workbook setting, the Sync action with progress and cancel,
the summary, conflicts/issues/history views, and the workbook's reachability in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog

from models.database import Database
from models.i18n import QT_TRANSLATE_NOOP
from sync.history import last_sync, open_counts
from sync.safety import Look, look_at_workbook
from ui.actions import make_action
from ui.conflict_dialog import ConflictDialog
from ui.paths import as_workbook
from ui.services import Choice, DialogService
from ui.settings import Settings
from ui.sync_views import SyncHistoryDialog, SyncIssuesDialog
from ui.text import error_text, reason_text, tr
from ui.worker import BackgroundTask, TaskControl, run_in_background

if TYPE_CHECKING:
    from sync.engine import SyncReport

REACHABILITY_MS = 30_000
# What the progress dialog says at each stage of sync.engine.synchronise.
STAGE_TEXTS = {
    "read": QT_TRANSLATE_NOOP("Sync", "Reading {name}…"),
    "merge": QT_TRANSLATE_NOOP("Sync", "Comparing its rows with the records on this computer…"),
    "write": QT_TRANSLATE_NOOP("Sync", "Writing a new copy of {name}…"),
    "verify": QT_TRANSLATE_NOOP("Sync", "Checking that the new copy reads back as intended…"),
    "save": QT_TRANSLATE_NOOP("Sync", "Saving the changes on this computer…"),
    "done": QT_TRANSLATE_NOOP("Sync", "Done"),
}
# From these stages on the sync no longer looks at a cancel (the workbook may already be replaced):
# the dialog stops offering one.
STAGES_PAST_CANCEL = frozenset({"save", "done"})


def sync_stage_text(stage: str, workbook_name: str) -> str:
    source = STAGE_TEXTS.get(stage)
    if source is None:
        return tr("Sync", "Syncing with {name}…").format(name=workbook_name)
    return tr("Sync", source).format(name=workbook_name)


class SyncController(QObject):
    synced = Signal(object)  # SyncReport
    status_changed = Signal()

    def __init__(
        self,
        window: QMainWindow,
        database: Database,
        settings: Settings,
        services: DialogService,
        tasks: list[BackgroundTask],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.database = database
        self.settings = settings
        self.services = services
        self.tasks = tasks
        self.reachable: bool | None = None
        self.not_a_workbook = False  # reachable, but not an .xlsx (an .xls, a .csv chosen by mistake)
        self.gone = False  # not there though its folder is: moved or deleted, not a share offline
        self._look: Look | None = None  # the last look at the workbook, not read again until it changes
        self._looked_at: Path | None = None
        self.running: BackgroundTask | None = None
        self._checking: BackgroundTask | None = None  # the reachability check under way, if one is
        self.progress: QProgressDialog | None = None

        def action(text: str, slot: Callable[[], object], shortcut: str | None, name: str) -> QAction:
            return make_action(window, text, slot, shortcut, name)

        self.sync_action = action(tr("Sync", "&Sync now"), lambda: self.sync_now(), "F5", "sync_now")
        self.choose_action = action(
            tr("Sync", "Choose &master workbook…"), self.choose_workbook, None, "choose_workbook"
        )
        self.new_action = action(
            tr("Sync", "Create a &new master workbook…"), self.new_workbook, None, "new_workbook"
        )
        self.conflicts_action = action(tr("Sync", "&Conflicts…"), self.show_conflicts, None, "show_conflicts")
        self.issues_action = action(tr("Sync", "Workbook &issues…"), self.show_issues, None, "show_issues")
        self.history_action = action(tr("Sync", "Sync &history…"), self.show_history, None, "show_history")
        self.status_label = QLabel()
        self.status_label.setObjectName("sync_status")
        self._timer = QTimer(self)
        self._timer.setInterval(REACHABILITY_MS)
        self._timer.timeout.connect(self.check_reachable)
        self._timer.start()
        self.refresh_status()
        # Known at once, not after the first 30 s tick ("checking…" meanwhile); off the GUI thread,
        # as every check is, since an unreachable network folder can hang.
        self.check_reachable()

    @property
    def workbook(self) -> Path | None:
        return Path(self.settings.workbook_path) if self.settings.workbook_path else None

    # --- workbook choice --------------------------------------------------------------------------------

    def choose_workbook(self) -> None:
        chosen = self.services.open_file(
            self.window, tr("Sync", "Choose the master workbook"), tr("Sync", "Excel workbooks (*.xlsx)")
        )
        if chosen is not None:
            self.settings.workbook_path = str(chosen)
            self.check_reachable()

    def new_workbook(self) -> None:
        from sync.template import ALREADY_EXISTS, NO_FOLDER, create_master_workbook

        chosen = self.services.save_file(
            self.window, tr("Sync", "Create a new master workbook"), tr("Sync", "Excel workbooks (*.xlsx)")
        )
        if chosen is None:
            return
        chosen = as_workbook(chosen)
        try:
            create_master_workbook(chosen, "zh" if self._chinese() else "en")
        except FileExistsError:  # appeared since the dialog asked (a colleague's on a share)
            self._not_created(tr("Sync", ALREADY_EXISTS).format(path=chosen))
            return
        except OSError as error:
            if isinstance(error, FileNotFoundError) and error.errno is None:  # the folder went meanwhile
                self._not_created(tr("Sync", NO_FOLDER).format(path=chosen, folder=chosen.parent))
            else:
                self._not_created(error_text(error))
            return
        self.settings.workbook_path = str(chosen)
        self.check_reachable()

    def _not_created(self, why: str) -> None:
        self.services.error(self.window, tr("Sync", "No workbook created"), why)

    @staticmethod
    def _chinese() -> bool:
        from ui.text import language

        return language() == "zh"

    # --- syncing -----------------------------------------------------------------------------------------

    def sync_now(
        self, break_stale_lock: bool = False, accept_older_copy: bool = False
    ) -> BackgroundTask | None:
        if self.running is not None:
            return None
        workbook = self.workbook
        if workbook is None:
            answer = self.services.choose(
                self.window,
                tr("Sync", "No master workbook"),
                tr("Sync", "Choose head office's master workbook first, or create a new one."),
                tr("Sync", "Choose…"),
                tr("Sync", "Create new…"),
            )
            if answer is Choice.PRIMARY:
                self.choose_workbook()
            elif answer is Choice.SECONDARY:
                self.new_workbook()
            workbook = self.workbook
            if workbook is None:
                return None
        user = self.settings.user_name
        database = self.database

        def work(control: TaskControl) -> SyncReport:
            from sync.engine import synchronise  # the engine is loaded when a sync runs, not at start-up

            def report(stage: str, done: int, total: int) -> None:
                control.stage(stage)
                control.progress(done, total)

            return synchronise(
                database,
                workbook,
                user,
                break_stale_lock=break_stale_lock,
                accept_older_copy=accept_older_copy,
                progress=report,
                cancelled=control.cancelled,
            )

        progress = QProgressDialog(
            tr("Sync", "Syncing with {name}…").format(name=workbook.name),
            tr("Sync", "Cancel"),
            0,
            0,  # busy until the engine says how many steps there are
            self.window,
        )
        progress.setObjectName("sync_progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        self.progress = progress
        task = run_in_background(work, self)
        self.running = task
        self.tasks.append(task)
        self.sync_action.setEnabled(False)
        progress.canceled.connect(task.cancel)
        task.progress.connect(lambda done, total: (progress.setMaximum(total), progress.setValue(done)))
        task.stage.connect(lambda stage: self._show_stage(progress, stage, workbook.name))
        task.finished.connect(lambda: self._finished(task, task.result))
        task.failed.connect(lambda error: self._failed(task, error))
        return task

    @staticmethod
    def _show_stage(progress: QProgressDialog, stage: str, workbook_name: str) -> None:
        progress.setLabelText(sync_stage_text(stage, workbook_name))
        if stage in STAGES_PAST_CANCEL:
            progress.setCancelButton(None)  # type: ignore[arg-type]  # Qt takes None: no button

    def _done(self, task: BackgroundTask) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        self.running = None
        self.sync_action.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _finished(self, task: BackgroundTask, report: SyncReport) -> None:
        self._done(task)
        self.reachable, self.not_a_workbook, self.gone = True, False, False
        self.refresh_status()
        self.synced.emit(report)
        self.services.info(self.window, tr("Sync", "Sync finished"), self.summary(report))

    def _failed(self, task: BackgroundTask, error: object) -> None:
        self._done(task)
        from sync.engine import SyncCancelled, SyncFailed

        if isinstance(error, SyncCancelled):
            self.window.statusBar().showMessage(tr("Sync", "Sync cancelled. Nothing was written."), 8000)
            return
        self.check_reachable()  # the workbook may have gone (a network drive): say so now
        if isinstance(error, SyncFailed):
            args = dict(error.args_)
            if "ledger" in args:
                args["ledger"] = tr("Ledger", args["ledger"])
            if "detail" in args:
                args["detail"] = reason_text(args["detail"])
            if error.who_message is not None:
                args["who"] = tr("Sync", error.who_message).format(**args)
            text = tr("Sync", error.message).format(**args)
            if error.stale_lock:
                answer = self.services.choose(
                    self.window,
                    tr("Sync", "Old sync lock"),
                    text + "\n\n" + tr("Sync", "Break the lock only if nobody else is syncing right now."),
                    tr("Sync", "Break the lock and sync"),
                    tr("Sync", "Leave it"),
                )
                if answer is Choice.PRIMARY:
                    self.sync_now(break_stale_lock=True)
                return
            if error.older_copy:
                answer = self.services.choose(
                    self.window,
                    tr("Sync", "An older copy of the workbook"),
                    text
                    + "\n\n"
                    + tr("Sync", "Sync it only if head office put this version back on purpose."),
                    tr("Sync", "Leave it"),  # the default answer: Enter writes nothing
                    tr("Sync", "Sync this older copy"),
                )
                if answer is Choice.SECONDARY:
                    self.sync_now(accept_older_copy=True)
                return
            title = (
                tr("Sync", "Sync not finished")
                if error.workbook_written
                else tr("Sync", "Nothing was synced")
            )
            self.services.error(self.window, title, text)
            if error.workbook_written:
                self.refresh_status()
            return
        self.services.error(
            self.window,
            tr("Sync", "Nothing was synced"),
            tr("Sync", "Sync stopped with an unexpected error: {error}").format(error=error_text(error)),
        )

    def summary(self, report: SyncReport) -> str:
        t = report.total
        lines = [
            tr("Sync", "Here: {added} added, {updated} updated, {deleted} deleted.").format(
                added=t("added_here"), updated=t("updated_here"), deleted=t("deleted_here")
            ),
            tr("Sync", "Workbook: {added} added, {updated} updated, {deleted} marked deleted.").format(
                added=t("added_there"), updated=t("updated_there"), deleted=t("deleted_there")
            ),
        ]
        if t("conflicts"):
            lines.append(
                tr("Sync", "{count} conflicts wait for you (Sync ▸ Conflicts).").format(count=t("conflicts"))
            )
        if t("issues"):
            lines.append(
                tr("Sync", "Workbook issues waiting for a person: {count} (Sync ▸ Workbook issues).").format(
                    count=t("issues")
                )
            )
        return "\n".join(lines)

    # --- views and status -----------------------------------------------------------------------------------

    def show_conflicts(self) -> None:
        dialog = ConflictDialog(self.database, self.settings.user_name, self.window)
        dialog.exec()
        dialog.deleteLater()
        self.refresh_status()
        self.synced.emit(None)

    def show_issues(self) -> None:
        dialog = SyncIssuesDialog(self.database, self.window)
        dialog.exec()
        dialog.deleteLater()

    def show_history(self) -> None:
        dialog = SyncHistoryDialog(self.database, self.window)
        dialog.exec()
        dialog.deleteLater()

    def check_reachable(self) -> BackgroundTask | None:
        """Is the workbook there? Asked on a worker thread: a dead network share can hang for seconds.
        While one check hangs, no other is started (the timer would pile them up); asking again then
        returns the one under way."""
        workbook = self.workbook
        if workbook is None:
            self.reachable = None
            self.refresh_status()
            return None
        if self._checking is not None and self._checking.running:
            return self._checking
        last = self._look if self._look is not None and self._looked_at == workbook else None
        task = run_in_background(lambda _control: look_at_workbook(workbook, last), self)
        task.blocks_close = False
        self.tasks.append(task)
        self._checking = task

        def done(result: object) -> None:
            if task in self.tasks:
                self.tasks.remove(task)
            if task is self._checking:
                self._checking = None
            if workbook != self.workbook:  # another workbook was chosen meanwhile: check that one
                self.check_reachable()
                return
            look = result if isinstance(result, Look) else Look(None)
            self._look, self._looked_at = look, workbook
            self.reachable = look.there is not None
            self.not_a_workbook = look.there is False
            self.gone = look.gone
            self.refresh_status()

        task.finished.connect(lambda: done(task.result))
        task.failed.connect(lambda _error: done(None))
        return task

    def refresh_status(self) -> None:
        if self.workbook is None:
            where = tr("Sync", "No master workbook")
        elif self.reachable is None:
            where = tr("Sync", "Workbook: checking…")
        elif self.reachable and self.not_a_workbook:
            where = tr("Sync", "Workbook is not an .xlsx file")
        elif self.reachable:
            where = tr("Sync", "Workbook reachable")
        elif self.gone:
            where = tr("Sync", "Workbook not found in its folder (moved or deleted?)")
        else:
            where = tr("Sync", "Workbook not reachable (offline)")
        when = last_sync(self.database)
        parts = [
            where,
            tr("Sync", "Last sync: {when}").format(
                when=when.astimezone().strftime("%Y-%m-%d %H:%M") if when else tr("Sync", "never")
            ),
        ]
        conflicts, issues = open_counts(self.database)
        if conflicts:
            parts.append(tr("Sync", "Conflicts: {count}").format(count=conflicts))
        if issues:
            parts.append(tr("Sync", "Issues: {count}").format(count=issues))
        self.status_label.setText(" · ".join(parts))
        self.status_changed.emit()

    def stop(self) -> None:
        self._timer.stop()
