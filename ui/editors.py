"""Field editors for record dialogs: one widget kind per field kind, each with get/set of a plain value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QWidget,
)

from models import controlled
from models.fields import Field, Kind
from models.parsing import parse_amount, parse_date
from models.validation import NOT_A_DATE, NOT_A_NUMBER
from ui.text import format_amount, language, tr


class InvalidInput(ValueError):
    """The text in an editor cannot be read as its field's kind; ``args`` are for the message."""

    def __init__(self, message: str, raw: str) -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw


class DateEditor(QLineEdit):
    """A date typed the way people write them (2024-03-19, 2024/3/19, 2024年3月19日) or picked from a
    calendar (the button at the end of the field, or Alt+Down). Empty unless the field is required,
    which starts at today."""

    def __init__(self, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._required = required
        self.setPlaceholderText(tr("Editor", "e.g. 2024-03-19 or 2024/3/19"))
        if required:
            self.setText(date.today().isoformat())
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        self.calendar_action = self.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip(tr("Editor", "Pick a date (Alt+Down)"))
        self.calendar_action.triggered.connect(lambda _checked=False: self.open_calendar())
        self._calendar: QCalendarWidget | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> QCalendarWidget:
        calendar = QCalendarWidget(self)
        calendar.setWindowFlag(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        try:
            current = self.value()
        except InvalidInput:
            current = None
        shown = current or date.today()
        calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar.clicked.connect(lambda picked: self._picked(picked, calendar))
        calendar.activated.connect(lambda picked: self._picked(picked, calendar))
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.show()
        calendar.setFocus()
        self._calendar = calendar
        return calendar

    def _picked(self, picked: QDate, calendar: QCalendarWidget) -> None:
        self.setText(date(picked.year(), picked.month(), picked.day()).isoformat())
        calendar.close()
        calendar.deleteLater()
        self._calendar = None
        self.setFocus()

    def value(self) -> date | None:
        text = self.text().strip()
        if not text:
            return None
        parsed = parse_date(text)
        if parsed is None:
            raise InvalidInput(NOT_A_DATE, text)
        return parsed

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.setText(date.today().isoformat() if self._required else "")
        else:
            self.setText(value.isoformat())


class ChoiceEditor(QComboBox):
    def __init__(self, list_name: str, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if not required:
            self.addItem("", None)
        for term in controlled.terms(list_name):
            self.addItem(term.label(language()), term.code)

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, value: str | None) -> None:
        index = self.findData(value)
        self.setCurrentIndex(max(index, 0))


class MoneyEditor(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText(tr("Editor", "e.g. 5000 or 5,000 (in 10k yuan)"))

    def value(self) -> Decimal | None:
        text = self.text().strip()
        if not text:
            return None
        amount = parse_amount(text)
        if amount is None:
            raise InvalidInput(NOT_A_NUMBER, text)
        return amount

    def set_value(self, value: Decimal | None) -> None:
        self.setText("" if value is None else format_amount(value))


class RefEditor(QLineEdit):
    """Type-ahead over the records of another ledger; keeps the chosen record's id.

    ``lookup(text)`` returns (id, name) pairs. Text that names no record leaves the id empty: the
    dialog decides whether that creates a record (a new enterprise) or is an error.
    """

    record_changed = Signal(object)

    def __init__(self, lookup: Callable[[str], list[tuple[str, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._ids_by_name: dict[str, str] = {}
        self._record_id: str | None = None
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self.textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        matches = self._lookup(text)
        self._ids_by_name = {name: record_id for record_id, name in reversed(matches)}
        self._names.setStringList([name for _, name in matches])
        self._set_record(self._ids_by_name.get(text.strip()))

    def _picked(self, name: str) -> None:
        self._set_record(self._ids_by_name.get(name))

    def show_matches(self) -> None:
        """Open the list of records matching the text typed, to pick one with the keyboard."""
        self.setFocus()
        self._typed(self.text())
        self.completer().setCompletionPrefix(self.text())
        self.completer().complete()

    def _set_record(self, record_id: str | None) -> None:
        if record_id != self._record_id:
            self._record_id = record_id
            self.record_changed.emit(record_id)

    def value(self) -> str | None:
        if self._record_id is None and self.text().strip():
            self._typed(self.text())
        return self._record_id

    def set_value(self, record_id: str | None, name: str = "") -> None:
        self.setText(name)
        self._ids_by_name = {name: record_id} if record_id else {}
        self._set_record(record_id)


class TextEditor(QLineEdit):
    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: str | None) -> None:
        self.setText(value or "")


class LongTextEditor(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(60)

    def value(self) -> str | None:
        return self.toPlainText().strip() or None

    def set_value(self, value: str | None) -> None:
        self.setPlainText(value or "")


class BoolEditor(QCheckBox):
    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: bool | None) -> None:
        self.setChecked(bool(value))


def make_editor(field: Field, lookup: Callable[[str, str], list[tuple[str, str]]]) -> Any:
    if field.kind is Kind.DATE:
        return DateEditor(field.required)
    if field.kind is Kind.CHOICE and field.choices:
        return ChoiceEditor(field.choices, field.required)
    if field.kind is Kind.MONEY:
        return MoneyEditor()
    if field.kind is Kind.BOOL:
        return BoolEditor()
    if field.kind is Kind.REF and field.ref:
        ref = field.ref
        return RefEditor(lambda text: lookup(ref, text))
    if field.kind is Kind.LONG_TEXT:
        return LongTextEditor()
    return TextEditor()
