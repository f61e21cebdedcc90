"""Message boxes and questions behind one small service that tests replace."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


class Choice(Enum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    CANCEL = "cancel"


class DialogService:
    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def choose(self, parent: QWidget | None, title: str, text: str, primary: str, secondary: str) -> Choice:
        """Ask a question with two named answers and Cancel."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
        first = box.addButton(primary, QMessageBox.ButtonRole.AcceptRole)
        second = box.addButton(secondary, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(first)
        box.exec()
        clicked = box.clickedButton()
        if clicked is first:
            return Choice.PRIMARY
        if clicked is second:
            return Choice.SECONDARY
        return Choice.CANCEL

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """Ask before ``action`` (the name of its button); Cancel is the default answer."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent)
        go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is go

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(parent, title, "", name_filter)
        return Path(chosen) if chosen else None

    def save_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, "", name_filter)
        return Path(chosen) if chosen else None

    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
        text, accepted = QInputDialog.getText(parent, title, label, text=default)
        return text if accepted else None
