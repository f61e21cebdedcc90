"""Sync history and open workbook issues, each as a table in a dialog."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.database import Database
from models.fields import LEDGERS
from models.i18n import QT_TRANSLATE_NOOP
from sync.history import AUTHOR_SUFFIX, open_issues, sync_runs
from ui.list_model import ListTableModel
from ui.text import header_text, tr

MAX_COLUMN_WIDTH = 360
WRAPPED_ROWS = 2_000  # issues shown with their text wrapped (more: one line each, full text as tooltip)

OUTCOME_TEXT = {
    "synced": QT_TRANSLATE_NOOP("Sync", "Synced"),
    "open": QT_TRANSLATE_NOOP("Sync", "Synced, with open conflicts or issues"),
    "failed": QT_TRANSLATE_NOOP("Sync", "Nothing written"),
}


def _table(model: ListTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the list for the dialog's buttons
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    view.resizeColumnsToContents()  # dates, names and counts in full; long texts up to a limit
    for column in range(model.columnCount()):
        view.setColumnWidth(column, min(view.columnWidth(column), MAX_COLUMN_WIDTH))
    return view


class _TableDialog(QDialog):
    def __init__(
        self, title: str, intro: str, model: ListTableModel, name: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(960, 480)
        self.model = model
        self.view = _table(model, name)
        label = QLabel(intro)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)


class SyncHistoryDialog(_TableDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        headers = [
            tr("Sync", "Finished"),
            tr("Sync", "By"),
            tr("Sync", "Result"),
            tr("Sync", "Added here"),
            tr("Sync", "Updated here"),
            tr("Sync", "Deleted here"),
            tr("Sync", "Added to workbook"),
            tr("Sync", "Updated in workbook"),
            tr("Sync", "Deleted in workbook"),
            tr("Sync", "Conflicts"),
            tr("Sync", "Issues"),
            tr("Sync", "Workbook"),
        ]
        rows = [
            (
                run.finished_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                run.user.removesuffix(AUTHOR_SUFFIX),  # the sync's own changes are stored with it
                tr("Sync", OUTCOME_TEXT.get(run.outcome, run.outcome)),
                *(
                    str(run.total(n))
                    for n in (
                        "added_here",
                        "updated_here",
                        "deleted_here",
                        "added_there",
                        "updated_there",
                        "deleted_there",
                        "conflicts",
                        "issues",
                    )
                ),
                run.workbook,
            )
            for run in sync_runs(database)
        ]
        super().__init__(
            tr("Sync", "Sync history"),
            tr("Sync", "Every sync of this database, newest first."),
            ListTableModel(headers, rows),
            "sync_history",
            parent,
        )


def _issue_arguments(raw: dict[str, str]) -> dict[str, str]:
    """Arguments of an issue message, translated: a reason is a message of its own (a validation or
    sync text with the same arguments), a field name is a field label."""
    args = dict(raw)
    if "other" in args:
        args["other"] = tr("Field", args["other"])
    if "reason" in args:
        reason = args["reason"]
        translated = tr("Validation", reason)
        if translated == reason:
            translated = tr("Sync", reason)
        try:
            args["reason"] = translated.format(**args)
        except (KeyError, IndexError):
            args["reason"] = translated
    return args


class SyncIssuesDialog(_TableDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        headers = [
            tr("Sync", "Ledger"),
            tr("Sync", "Sheet"),
            tr("Sync", "Row"),
            tr("Sync", "Column"),
            tr("Sync", "Header"),
            tr("Sync", "Value in the workbook"),
            tr("Sync", "Problem"),
        ]
        rows = []
        for issue in open_issues(database):
            args = _issue_arguments(issue.args)
            rows.append(
                (
                    tr("Ledger", LEDGERS[issue.ledger].title),
                    issue.sheet,
                    str(issue.row),
                    issue.column,
                    header_text(issue.ledger, issue.header),
                    issue.raw,
                    tr("Sync", issue.message).format(**args),
                )
            )
        super().__init__(
            tr("Sync", "Workbook issues"),
            tr(
                "Sync",
                "Cells the last sync could not use. They were left in the workbook as typed and the records "
                "here were not changed. Fix them in the workbook (or the record here); they clear on the "
                "next sync.",
            ),
            ListTableModel(headers, rows),
            "sync_issues",
            parent,
        )
        if len(rows) <= WRAPPED_ROWS:  # the problem in full, on as many lines as it takes
            self.view.setWordWrap(True)
            self.view.horizontalHeader().sectionResized.connect(self._fit_rows)

    def _fit_rows(self) -> None:
        self.view.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.view.wordWrap():
            self._fit_rows()
