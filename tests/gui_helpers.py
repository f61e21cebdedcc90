"""Helpers for driving the real widgets from tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ui.services import Choice, DialogService


def type_text(widget: QWidget, text: str) -> None:
    """Type as a user does: ASCII as key presses, Chinese as committed input-method text (as from an IME)."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


class ModalScript:
    """Runs a callback on the next modal dialog once it is open (a dialog's exec() blocks the test).

    A failure inside the callback closes the dialog so the test goes on; ``check()`` re-raises it.
    """

    def __init__(self, callback: Callable[[QWidget], None], timeout_ms: int = 5000) -> None:
        self.callback = callback
        self.timeout_ms = timeout_ms
        self.waited = 0
        self.ran = False
        self.error: BaseException | None = None
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible() and dialog.isActiveWindow():
            self.ran = True
            try:
                self.callback(dialog)
            except BaseException as error:
                self.error = error
                if dialog.isVisible():
                    dialog.close()
        elif self.waited < self.timeout_ms:
            self.waited += 20
            QTimer.singleShot(20, self._poll)

    def check(self) -> None:
        if self.error is not None:
            raise self.error
        assert self.ran, "no modal dialog opened"


def when_modal_opens(callback: Callable[[QWidget], None]) -> ModalScript:
    return ModalScript(callback)


class ScriptedDialogs(DialogService):
    """Answers questions as the test says and records every message shown."""

    def __init__(
        self,
        answers: list[Choice] | None = None,
        files: list[Path] | None = None,
        texts: list[str] | None = None,
    ) -> None:
        self.answers = list(answers or [])
        self.files = list(files or [])
        self.texts = list(texts or [])
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.questions: list[str] = []

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.errors.append((title, text))

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.infos.append((title, text))

    def choose(self, parent: QWidget | None, title: str, text: str, primary: str, secondary: str) -> Choice:
        self.questions.append(text)
        return self.answers.pop(0) if self.answers else Choice.CANCEL

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        self.questions.append(text)
        return (self.answers.pop(0) if self.answers else Choice.CANCEL) is Choice.PRIMARY

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        return self.files.pop(0) if self.files else None

    def save_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        return self.files.pop(0) if self.files else None

    def ask_text(self, parent: QWidget | None, title: str, label: str, default: str = "") -> str | None:
        return self.texts.pop(0) if self.texts else None


def open_main_window(qtbot: Any, database: Any, settings: Any, dialogs: DialogService | None = None) -> Any:
    """The main window as a user sees it: shown, active (so shortcuts work), closed after the test."""
    from ui.main_window import MainWindow

    window = MainWindow(database, settings, dialogs or ScriptedDialogs())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window
