"""One way to make a window action: text, slot, optional shortcut, an object name for tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    name: str = "",
) -> QAction:
    """An action owned by ``window`` and added to it, so its shortcut works anywhere in the window."""
    action = QAction(text, window)
    action.setIconText(button_text(text))
    action.setObjectName(name)
    if isinstance(shortcut, QKeySequence.StandardKey):
        action.setShortcuts(shortcut)  # every binding of the platform (Redo: Ctrl+Y and Ctrl+Shift+Z)
    elif shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def button_text(text: str) -> str:
    """An action's text on a toolbar button or in a tooltip: no access key, no trailing "…" ("&Undo"
    as "Undo", "撤销(&U)" as "撤销": Qt left 撤销(U) there)."""
    for marked in ("(&", "（&"):
        at = text.find(marked)
        if at != -1 and text[at + 3 : at + 4] in (")", "）"):
            text = text[:at] + text[at + 4 :]
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…").removesuffix("...")
