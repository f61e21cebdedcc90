"""Resolving sync conflicts: each conflicting field side by side, choose mine, theirs, or type a value."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.database import Database
from models.fields import LEDGERS, Field, Kind
from models.i18n import QT_TRANSLATE_NOOP
from models.validation import ValidationError
from sync.conflicts import OpenConflict, load_conflicts, resolve_conflict
from sync.merge import DELETED, ConflictKind
from sync.values import Canonical, Unreadable, canonical, to_model
from ui.list_model import ListTableModel
from ui.text import field_label, format_value, problems_text, tr

MINE, THEIRS, TYPED = 0, 1, 2
_DELETED_FIELD = Field(DELETED, "Record", Kind.BOOL)


def _field(ledger: str, name: str) -> Field:
    return _DELETED_FIELD if name == DELETED else LEDGERS[ledger].field(name)


def _shown(field: Field, value: Canonical) -> str:
    if field.name == DELETED:
        return tr("Conflict", "deleted") if value else tr("Conflict", "kept")
    if value is None:
        return "—"
    return format_value(field, to_model(field, value))


KIND_TEXT = {
    ConflictKind.EDIT: QT_TRANSLATE_NOOP("Conflict", "Changed here and in the workbook to different values."),
    ConflictKind.EDIT_DELETE: QT_TRANSLATE_NOOP(
        "Conflict", "Deleted on one side while the other side edited it."
    ),
    ConflictKind.REMOVED: QT_TRANSLATE_NOOP(
        "Conflict", "Removed from the workbook while it was edited here."
    ),
}


class ConflictDialog(QDialog):
    def __init__(self, database: Database, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.user = user
        self.setWindowTitle(tr("Conflict", "Sync conflicts"))
        self.resize(1000, 560)
        self.conflicts: list[OpenConflict] = []
        self.list_model = ListTableModel(
            [tr("Conflict", "Ledger"), tr("Conflict", "Record"), tr("Conflict", "Fields")], []
        )
        self.list = QTableView()
        self.list.setObjectName("conflict_list")
        self.list.setModel(self.list_model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setTabKeyNavigation(False)  # Tab goes on to the choices and the buttons
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show(current.row())
        )

        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setColumnStretch(4, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.all_mine = QPushButton(tr("Conflict", "Keep all &mine"))
        self.all_theirs = QPushButton(tr("Conflict", "Keep all the &workbook's"))
        self.resolve_button = QPushButton(tr("Conflict", "&Resolve"))
        self.resolve_button.setObjectName("resolve")
        self.resolve_button.setDefault(True)
        self.all_mine.clicked.connect(lambda: self._choose_all(MINE))
        self.all_theirs.clicked.connect(lambda: self._choose_all(THEIRS))
        self.resolve_button.clicked.connect(self.resolve_current)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.all_mine)
        buttons_row.addWidget(self.all_theirs)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.resolve_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.explanation)
        right_layout.addWidget(self.grid_holder)
        right_layout.addWidget(self.error)
        right_layout.addStretch(1)
        right_layout.addLayout(buttons_row)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([360, 640])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.choices: list[tuple[str, QComboBox, QLineEdit]] = []
        self.reload()

    def reload(self) -> None:
        self.conflicts = load_conflicts(self.database)
        self.list_model.set_rows(
            [
                (
                    tr("Ledger", LEDGERS[c.ledger].title),
                    c.title,
                    ", ".join(
                        field_label(_field(c.ledger, f.field))
                        if f.field != DELETED
                        else tr("Conflict", "record kept or deleted")
                        for f in c.fields
                    ),
                )
                for c in self.conflicts
            ]
        )
        if self.conflicts:
            self.list.selectRow(0)
            self._show(0)
        else:
            self._show(-1)

    def current(self) -> OpenConflict | None:
        row = self.list.currentIndex().row()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.choices = []

    def _show(self, row: int) -> None:
        self._clear_grid()
        self.error.hide()
        has = 0 <= row < len(self.conflicts)
        for button in (self.all_mine, self.all_theirs, self.resolve_button):
            button.setEnabled(has)
        if not has:
            self.explanation.setText(tr("Conflict", "No open conflicts."))
            return
        conflict = self.conflicts[row]
        self.explanation.setText(f"<b>{conflict.title}</b><br>" + tr("Conflict", KIND_TEXT[conflict.kind]))
        headers = [
            tr("Conflict", "Field"),
            tr("Conflict", "Last agreed"),
            tr("Conflict", "Mine"),
            tr("Conflict", "Workbook"),
            tr("Conflict", "Keep"),
        ]
        for column, text in enumerate(headers):
            label = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(label, 0, column)
        for number, item in enumerate(conflict.fields, start=1):
            spec = _field(conflict.ledger, item.field)
            name = field_label(spec) if item.field != DELETED else tr("Conflict", "Record")
            mine_note = item.mine_by + (
                " · " + item.mine_at.astimezone().strftime("%Y-%m-%d %H:%M") if item.mine_at else ""
            )
            theirs_note = tr("Conflict", "as of sync {when}").format(
                when=item.theirs_at.astimezone().strftime("%Y-%m-%d %H:%M")
            )
            self.grid.addWidget(QLabel(name), number, 0)
            agreed = _shown(spec, item.base) if item.agreed else tr("Conflict", "none yet")
            self.grid.addWidget(QLabel(agreed), number, 1)
            self.grid.addWidget(QLabel(f"{_shown(spec, item.mine)}<br><small>{mine_note}</small>"), number, 2)
            self.grid.addWidget(
                QLabel(f"{_shown(spec, item.theirs)}<br><small>{theirs_note}</small>"), number, 3
            )
            choice = QComboBox()
            choice.setObjectName(f"choice_{item.field}")
            choice.addItems([tr("Conflict", "Mine"), tr("Conflict", "Workbook's")])
            typed = QLineEdit()
            typed.setObjectName(f"typed_{item.field}")
            typed.setPlaceholderText(tr("Conflict", "or type a value"))
            typed.setMinimumWidth(180)
            if item.field == DELETED:
                # Edit against delete: the default keeps the record, whichever side that is.
                choice.setItemText(
                    MINE, tr("Conflict", "Keep the record") if not item.mine else tr("Conflict", "Delete it")
                )
                choice.setItemText(
                    THEIRS,
                    tr("Conflict", "Keep the record") if not item.theirs else tr("Conflict", "Delete it"),
                )
                choice.setCurrentIndex(MINE if not item.mine else THEIRS)
                typed.hide()
            else:
                choice.addItem(tr("Conflict", "Typed value"))
                typed.textEdited.connect(lambda _text, box=choice: box.setCurrentIndex(TYPED))
            cell = QHBoxLayout()
            cell.addWidget(choice)
            cell.addWidget(typed)
            holder = QWidget()
            holder.setLayout(cell)
            self.grid.addWidget(holder, number, 4)
            self.choices.append((item.field, choice, typed))
        order: list[QWidget] = [self.list]
        for _name, choice, typed in self.choices:
            order += [choice, typed]
        order += [self.all_mine, self.all_theirs, self.resolve_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)  # the list, each field's choice, then the buttons

    def _choose_all(self, which: int) -> None:
        for _, box, _typed in self.choices:
            box.setCurrentIndex(which)

    def chosen_values(self) -> dict[str, Canonical] | None:
        conflict = self.current()
        assert conflict is not None
        values: dict[str, Canonical] = {}
        for (name, box, typed), item in zip(self.choices, conflict.fields, strict=True):
            index = box.currentIndex()
            if index == MINE:
                values[name] = item.mine
            elif index == THEIRS:
                values[name] = item.theirs
            else:
                spec = _field(conflict.ledger, name)
                parsed: Any = canonical(spec, typed.text())
                if isinstance(parsed, Unreadable):
                    self.error.setText(
                        tr("Conflict", "“{value}” is not valid for {field}: {reason}.").format(
                            value=typed.text(), field=field_label(spec), reason=tr("Sync", parsed.reason)
                        )
                    )
                    self.error.show()
                    typed.setFocus(Qt.FocusReason.OtherFocusReason)
                    return None
                values[name] = parsed
        return values

    def resolve_current(self) -> None:
        conflict = self.current()
        if conflict is None:
            return
        values = self.chosen_values()
        if values is None:
            return
        try:
            resolve_conflict(self.database, self.user, conflict, values)
        except ValidationError as error:  # nothing was changed: the person chooses again
            self.error.setText(problems_text(LEDGERS[conflict.ledger], error.problems))
            self.error.show()
            return
        self.reload()
