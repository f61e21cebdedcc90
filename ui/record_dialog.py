"""Adding and editing one record: a form built from the ledger's fields, validated before saving.

Problems are shown beside the field they concern and nothing is saved until there are none.
Subclasses add what a ledger needs (duplicate warnings for enterprises, quick visit logging).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from models.fields import LEDGERS, Kind
from models.queries import lookup
from models.store import LedgerStore
from models.validation import Problem, ValidationError, validate
from ui.editors import InvalidInput, RefEditor, make_editor
from ui.services import Choice, DialogService
from ui.text import field_label, problem_text, tr

ERROR_STYLE = "color: #b00020;"


def without_repeats(first: list[Problem], then: list[Problem]) -> list[Problem]:
    """``first``, and those of ``then`` about other fields: a name that matches no record is the
    whole story, not followed by "this field is required" for the same field."""
    said = {p.field for p in first}
    return first + [p for p in then if p.field not in said]


class RecordDialog(QDialog):
    def __init__(
        self,
        store: LedgerStore,
        ledger_name: str,
        record_id: str | None = None,
        defaults: dict[str, Any] | None = None,
        services: DialogService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.ledger = LEDGERS[ledger_name]
        self.record_id = record_id
        self.services = services or DialogService()
        self.saved_id: str | None = None
        self.open_existing_id: str | None = None
        self._as_opened: tuple[object, ...] | None = None
        title = tr("Ledger", self.ledger.singular)
        self.setWindowTitle(
            tr("Dialog", "Edit {what}").format(what=title)
            if record_id
            else tr("Dialog", "New {what}").format(what=title)
        )
        self.editors: dict[str, Any] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.holders: dict[str, QVBoxLayout] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in self.ledger.fields:
            editor = make_editor(field, lambda ledger, text: lookup(store.database, ledger, text))
            editor.setObjectName(f"editor_{field.name}")
            error = QLabel()
            error.setObjectName(f"error_{field.name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            holder = QVBoxLayout()
            holder.setSpacing(2)
            holder.addWidget(editor)
            holder.addWidget(error)
            label = field_label(field) + (" *" if field.required else "")
            self.form.addRow(label, holder)
            self.editors[field.name] = editor
            self.error_labels[field.name] = error
            self.holders[field.name] = holder
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self._cancel)
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save_button.setDefault(True)
        save_button.setToolTip(tr("Dialog", "Save (Ctrl+S or Enter)"))
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if record_id:
            self._load(store.get(self.ledger.name, record_id))
        elif defaults:
            self._load(defaults)

    def _load(self, values: dict[str, Any]) -> None:
        for field in self.ledger.fields:
            if field.name not in values:
                continue
            editor = self.editors[field.name]
            if field.kind is Kind.REF and field.ref:
                editor.set_value(values[field.name], self.store.display_name(field.ref, values[field.name]))
            else:
                editor.set_value(values[field.name])

    # --- saving -----------------------------------------------------------------------------------

    def values(self) -> tuple[dict[str, Any], list[Problem]]:
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, editor in self.editors.items():
            try:
                values[name] = editor.value()
            except InvalidInput as invalid:
                problems.append(Problem(name, invalid.message, {"value": invalid.raw}))
        return values, problems

    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem_text(problem))
        for name, label in self.error_labels.items():
            texts = by_field.get(name)
            label.setText("\n".join(texts or []))
            label.setVisible(bool(texts))
        first = next((name for name in self.editors if name in by_field), None)  # in form order
        if first is not None:
            self.editors[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def unresolved_references(self, values: dict[str, Any]) -> list[Problem]:
        """A reference field with typed text that names no record is an error, not a silent blank."""
        problems = []
        for field in self.ledger.fields:
            editor = self.editors[field.name]
            if isinstance(editor, RefEditor) and values.get(field.name) is None and editor.text().strip():
                problems.append(Problem(field.name, NO_SUCH_RECORD, {"value": editor.text().strip()}))
        return problems

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return without_repeats(self.unresolved_references(values), validate(self.ledger.name, values))

    def confirm(self, values: dict[str, Any]) -> bool:
        """Last word before saving (duplicate warnings); False keeps the dialog open."""
        return True

    def write(self, values: dict[str, Any]) -> str:
        if self.record_id:
            self.store.update(self.ledger.name, self.record_id, values)
            return self.record_id
        return self.store.create(self.ledger.name, values)

    def save(self) -> None:
        values, problems = self.values()
        unreadable = {p.field for p in problems}  # "not a date" says it all; no "required" on top
        problems += [p for p in self.check(values) if p.field not in unreadable]
        self.show_problems(problems)
        if problems or not self.confirm(values):
            return
        try:
            self.saved_id = self.write(values)
        except ValidationError as error:
            self.show_problems(error.problems)
            return
        except SQLAlchemyError as error:
            self.general_error.setText(
                tr("Dialog", "The record could not be saved; nothing was changed. ({detail})").format(
                    detail=getattr(error, "orig", None) or error.__class__.__name__
                )
            )
            self.general_error.show()
            return
        self.after_save(values)
        self.accept()

    def after_save(self, values: dict[str, Any]) -> None:
        pass

    # --- leaving without saving -------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if self._as_opened is None:  # what it showed when opened, subclasses' own fields included
            self._as_opened = self._shown()
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self._cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and not self._leave_typed_work():  # the window's close button
            event.ignore()
            return
        super().closeEvent(event)

    def _cancel(self) -> None:
        """Esc or Cancel: typed work is not dropped without asking."""
        if self._leave_typed_work():
            self.reject()

    def _leave_typed_work(self) -> bool:
        typed = self._as_opened is not None and self._shown() != self._as_opened
        if not typed or self.saved_id is not None or self.open_existing_id is not None:
            return True
        return self.services.confirm(
            self,
            tr("Dialog", "Discard changes?"),
            tr("Dialog", "What you typed in this {what} is not saved.").format(
                what=tr("Ledger", self.ledger.singular)
            ),
            tr("Dialog", "&Discard"),
        )

    def _shown(self) -> tuple[object, ...]:
        return tuple(_shown_value(editor) for editor in self.editors.values())


def _shown_value(editor: QWidget) -> object:
    """What an editor shows, as typed (a value that does not read yet counts too)."""
    if isinstance(editor, QLineEdit):
        return editor.text()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QComboBox):
        return editor.currentIndex()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    return None


NO_SUCH_RECORD = QT_TRANSLATE_NOOP("Validation", "No record is named “{value}”. Pick one from the list.")


class EnterpriseDialog(RecordDialog):
    """Warns when the enterprise being saved looks like one that already exists."""

    def __init__(self, store: LedgerStore, record_id: str | None = None, **options: Any) -> None:
        super().__init__(store, "enterprises", record_id, **options)

    def confirm(self, values: dict[str, Any]) -> bool:
        duplicates = self.store.find_duplicate_enterprises(
            values.get("name") or "", values.get("credit_code"), exclude_id=self.record_id
        )
        if not duplicates:
            return True
        existing = duplicates[0]
        answer = self.services.choose(
            self,
            tr("Dialog", "Possible duplicate"),
            tr("Dialog", "“{name}” looks like an enterprise that already exists: “{existing}”{code}.").format(
                name=values.get("name") or "",
                existing=existing["name"],
                code=f" ({existing['credit_code']})" if existing.get("credit_code") else "",
            ),
            tr("Dialog", "Open the existing one"),
            tr("Dialog", "Save anyway"),
        )
        if answer is Choice.PRIMARY:
            self.open_existing_id = existing["id"]
            self.reject()
            return False
        return answer is Choice.SECONDARY


class ConvertLeadDialog(RecordDialog):
    """A signed project made from a lead: its values filled in from the lead for a person to check
    (whether it is a manufacturing project, its site, its planned milestones) before it is saved."""

    def __init__(self, store: LedgerStore, lead_id: str, values: dict[str, Any], **options: Any) -> None:
        super().__init__(store, "projects", defaults=values, **options)
        self.lead_id = lead_id
        self.setWindowTitle(tr("Dialog", "New project from a lead"))

    def write(self, values: dict[str, Any]) -> str:
        return self.store.convert_lead(self.lead_id, values["signed_on"], values)
