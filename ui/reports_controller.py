"""The Reports menu: dashboard, period report, team ranking, supervision list, export of the current view.

Each workbook is written off the GUI thread with a busy indicator; the window stays usable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QProgressDialog

from models.database import Database
from models.reports.periods import PeriodKind, latest_full
from ui.actions import make_action
from ui.paths import as_workbook
from ui.services import DialogService
from ui.text import error_text, language, tr, typed_period
from ui.worker import BackgroundTask, TaskControl, run_in_background


class ReportsController(QObject):
    def __init__(
        self,
        window: QMainWindow,
        database: Database,
        services: DialogService,
        tasks: list[BackgroundTask],
        current_page: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.database = database
        self.services = services
        self.tasks = tasks
        self.current_page = current_page
        self.dashboard: QDialog | None = None

        def action(text: str, slot: Callable[[], object], shortcut: str | None, name: str) -> QAction:
            return make_action(window, text, slot, shortcut, name)

        self.dashboard_action = action(
            tr("Reports", "&Dashboard"), self.show_dashboard, "Ctrl+0", "dashboard"
        )
        self.period_action = action(
            tr("Reports", "&Period report…"), self.period_report, None, "period_report"
        )
        self.ranking_action = action(tr("Reports", "Team &ranking…"), self.ranking, None, "team_ranking")
        self.supervision_action = action(
            tr("Reports", "&Supervision list…"), self.supervision, None, "supervision_list"
        )
        self.export_action = action(
            tr("Reports", "&Export this view…"), self.export_view, "Ctrl+E", "export_view"
        )

    def actions(self) -> list[QAction]:
        return [
            self.dashboard_action,
            self.period_action,
            self.ranking_action,
            self.supervision_action,
            self.export_action,
        ]

    # --- dashboard ----------------------------------------------------------------------------------------

    def show_dashboard(self) -> QDialog:
        from ui.dashboard import Dashboard  # Qt Charts is loaded when the dashboard is first opened

        if self.dashboard is None:
            self.dashboard = Dashboard(self.database, self.window)
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.refresh()  # type: ignore[attr-defined]
        return self.dashboard

    # --- workbooks --------------------------------------------------------------------------------------

    def _ask_period(self, title: str, kind: PeriodKind) -> object | None:
        default = latest_full(kind, date.today()).label
        text = self.services.ask_text(
            self.window, title, tr("Reports", "Period (2024, 2024Q1, 2024-03, 2024W12):"), default
        )
        if text is None:
            return None
        period = typed_period(text)
        if isinstance(period, str):
            self.services.error(self.window, title, period)
            return None
        return period

    def _target(self, title: str) -> Path | None:
        chosen = self.services.save_file(self.window, title, tr("Reports", "Excel workbooks (*.xlsx)"))
        if chosen is None:
            return None
        target = as_workbook(chosen)
        # The dialog asked before replacing the name typed, not the one with .xlsx added
        if target != chosen and target.exists():
            replace = self.services.confirm(
                self.window,
                title,
                tr("Reports", "{name} already exists. Replace it?").format(name=target.name),
                tr("Reports", "Replace"),
            )
            return target if replace else None
        return target

    def _write(self, title: str, path: Path, work: Callable[[], object]) -> BackgroundTask:
        progress = QProgressDialog(
            tr("Reports", "Writing {name}…").format(name=path.name), "", 0, 0, self.window
        )
        progress.setObjectName("report_progress")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        task = run_in_background(lambda _control: work(), self)
        self.tasks.append(task)

        def finished() -> None:
            progress.close()
            if task in self.tasks:
                self.tasks.remove(task)
            self.services.info(self.window, title, tr("Reports", "Written: {path}").format(path=path))

        def failed(error: object) -> None:
            progress.close()
            if task in self.tasks:
                self.tasks.remove(task)
            self.services.error(
                self.window,
                title,
                tr("Reports", "{path} was not written: {error}").format(
                    path=path, error=error_text(error, named=path)
                ),
            )

        task.finished.connect(finished)
        task.failed.connect(failed)
        return task

    def period_report(self) -> BackgroundTask | None:
        title = tr("Reports", "Period report")
        period = self._ask_period(title, PeriodKind.QUARTER)
        path = self._target(title) if period is not None else None
        if period is None or path is None:
            return None
        database, lang = self.database, language()

        def work() -> None:
            from models.reports.figures import period_report
            from models.reports.period_workbook import write_period_report

            write_period_report(period_report(database, period, date.today()), path, lang)  # type: ignore[arg-type]

        return self._write(title, path, work)

    def ranking(self) -> BackgroundTask | None:
        title = tr("Reports", "Team ranking")
        period = self._ask_period(title, PeriodKind.MONTH)
        path = self._target(title) if period is not None else None
        if period is None or path is None:
            return None
        database, lang = self.database, language()

        def work() -> None:
            from models.reports.ranking import team_ranking, write_ranking

            write_ranking(team_ranking(database, period, date.today()), path, lang)  # type: ignore[arg-type]

        return self._write(title, path, work)

    def supervision(self) -> BackgroundTask | None:
        title = tr("Reports", "Supervision list")
        path = self._target(title)
        if path is None:
            return None
        database, lang, today = self.database, language(), date.today()

        def work() -> None:
            from models.reports.supervision import supervision_list, write_supervision

            write_supervision(supervision_list(database, today), path, lang, today=today)

        return self._write(title, path, work)

    def export_view(self) -> BackgroundTask | None:
        page = self.current_page()
        title = tr("Reports", "Export this view")
        path = self._target(title)
        if path is None:
            return None
        query, ids, fields = page.model.query, page.model.ids, page.visible_fields()  # type: ignore[attr-defined]
        name, lang = tr("Ledger", page.ledger.title), language()  # type: ignore[attr-defined]

        def work() -> None:
            from models.reports.ledger_export import export_ledger_view

            export_ledger_view(query, ids, fields, path, lang, title=name)

        return self._write(title, path, work)


__all__ = ["ReportsController", "TaskControl"]
