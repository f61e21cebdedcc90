"""Undoable record operations: soft delete and restore."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from models.store import LedgerStore
from ui.text import tr


class SetDeletedCommand(QUndoCommand):
    """Soft-delete (``deleted=True``) or restore records; undo does the opposite."""

    def __init__(
        self,
        store: LedgerStore,
        ledger_name: str,
        record_ids: list[str],
        deleted: bool,
        refresh: Callable[[str, list[str]], None],
        announce: Callable[[str], None] | None = None,
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

    def redo(self) -> None:
        self.store.set_deleted(self.ledger_name, self.record_ids, self.deleted)
        self.refresh(self.ledger_name, [] if self.deleted else self.record_ids)
        self._say(self.deleted, undone=False)

    def undo(self) -> None:
        self.store.set_deleted(self.ledger_name, self.record_ids, not self.deleted)
        self.refresh(self.ledger_name, self.record_ids if self.deleted else [])
        self._say(not self.deleted, undone=True)

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
