"""Undoable record operations (soft delete and restore), and the Undo and Redo actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import SQLAlchemyError

from models.i18n import database_reason
from models.store import LedgerStore
from models.validation import ValidationError
from ui.actions import button_text
from ui.text import problem_text, reason_text, tr


class SetDeletedCommand(QUndoCommand):
    """Soft-delete (``deleted=True``) or restore records; undo does the opposite.

    Push it only once its change was made (:func:`apply_first`): a first change that fails must not
    leave a step on the stack. A later undo or redo that cannot write says so and leaves the stack
    (the records stay as they are; the Deleted view still restores them).
    """

    def __init__(
        self,
        store: LedgerStore,
        ledger_name: str,
        record_ids: list[str],
        deleted: bool,
        refresh: Callable[[str, list[str]], None],
        announce: Callable[[str], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        what = (
            tr("Undo", "Delete records ({count})").format(count=len(record_ids))
            if deleted
            else tr("Undo", "Restore records ({count})").format(count=len(record_ids))
        )
        super().__init__(what)
        self.store = store
        self.ledger_name = ledger_name
        self.record_ids = list(record_ids)
        self.deleted = deleted
        self.refresh = refresh
        self.announce = announce
        self.failed = failed
        self._applied = False  # the first redo (on push) finds the change made by apply_first

    def apply_first(self) -> bool:
        """Make the change, before the command is pushed; False (said through ``failed``) if it
        could not be written."""
        self._applied = self._set(self.deleted)
        return self._applied

    def redo(self) -> None:
        if not self._applied and not self._set(self.deleted):
            self.setObsolete(True)  # QUndoStack drops it: the stack does not claim what did not happen
            return
        self._applied = False
        self.refresh(self.ledger_name, [] if self.deleted else self.record_ids)
        self._say(self.deleted, undone=False)

    def undo(self) -> None:
        if not self._set(not self.deleted):
            self.setObsolete(True)
            return
        self.refresh(self.ledger_name, self.record_ids if self.deleted else [])
        self._say(not self.deleted, undone=True)

    def _set(self, deleted: bool) -> bool:
        try:
            self.store.set_deleted(self.ledger_name, self.record_ids, deleted)
        except SQLAlchemyError as error:
            if self.failed is not None:
                message = (
                    tr("Main", "Nothing was deleted: the database could not be written ({detail}).")
                    if deleted
                    else tr("Main", "Nothing was restored: the database could not be written ({detail}).")
                )
                self.failed(message.format(detail=reason_text(database_reason(error))))
            return False
        except ValidationError as error:  # a project whose lead became another project meanwhile
            if self.failed is not None:
                problems = " ".join(problem_text(problem) for problem in error.problems)
                self.failed(tr("Main", "Nothing was restored. {problems}").format(problems=problems))
            return False
        return True

    def _say(self, deleted: bool, *, undone: bool) -> None:
        """What just happened, replacing the message of the step before (which it may contradict)."""
        if self.announce is None:
            return
        count = len(self.record_ids)
        if deleted and not undone:
            text = tr("Main", "Deleted: {count}. Press Ctrl+Z to undo.")
        elif deleted:
            text = tr("Main", "Restore undone: {count} deleted again.")
        elif not undone:
            text = tr("Main", "Restored: {count}. Press Ctrl+Z to undo.")
        else:
            text = tr("Main", "Delete undone: {count} restored.")
        self.announce(text.format(count=count))


def stack_actions(window: QWidget, stack: QUndoStack) -> tuple[QAction, QAction]:
    """Undo and Redo, named after the step they take ("Undo Delete 3 records"). QUndoStack's own put
    its text after the menu's, so a Chinese one read 撤销(U) 删除记录（3 条）: the access key belongs at
    the end (撤销 删除记录（3 条）(&U)), and a toolbar button or tooltip shows no access key at all."""
    undo = _StepAction(window, tr("Main", "&Undo"), tr("Main", "&Undo {step}"), tr("Main", "Undo {step}"))
    redo = _StepAction(window, tr("Main", "&Redo"), tr("Main", "&Redo {step}"), tr("Main", "Redo {step}"))
    for action, name, keys, take, named, possible, step, can in (
        (
            undo,
            "undo",
            QKeySequence.StandardKey.Undo,
            stack.undo,
            stack.undoTextChanged,
            stack.canUndoChanged,
            stack.undoText(),
            stack.canUndo(),
        ),
        (
            redo,
            "redo",
            QKeySequence.StandardKey.Redo,
            stack.redo,
            stack.redoTextChanged,
            stack.canRedoChanged,
            stack.redoText(),
            stack.canRedo(),
        ),
    ):
        action.setObjectName(name)
        action.setShortcuts(keys)
        window.addAction(action)  # its shortcut works anywhere in the window
        action.triggered.connect(take)
        named.connect(action.show_step)  # slots of the action: let go of when it goes
        possible.connect(action.setEnabled)
        action.show_step(step)
        action.setEnabled(can)
    return undo, redo


class _StepAction(QAction):
    def __init__(self, window: QWidget, alone: str, named: str, tip: str) -> None:
        super().__init__(window)
        self._alone, self._named, self._tip = alone, named, tip

    def show_step(self, step: str) -> None:
        self.setText(self._named.format(step=step) if step else self._alone)
        self.setIconText(self._tip.format(step=step) if step else button_text(self._alone))
        self.setToolTip(self.iconText())
