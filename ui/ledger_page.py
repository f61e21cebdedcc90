"""One ledger on screen: search box, table, detail pane; live records or the deleted ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.database import Database
from models.fields import LEDGERS
from models.queries import LedgerQuery
from models.store import LedgerStore
from ui.detail_pane import DetailPane
from ui.ledger_model import LedgerTableModel
from ui.text import field_label, label_order, tr

SEARCH_DELAY_MS = 150


def ledger_query(database: Database, ledger_name: str, *, deleted: bool = False) -> LedgerQuery:
    """A ledger's rows as its table shows them: choice columns sort by the labels on screen."""
    lists = {field.choices for field in LEDGERS[ledger_name].table_fields if field.choices}
    return LedgerQuery(
        database, ledger_name, deleted=deleted, label_order={name: label_order(name) for name in lists}
    )


class LedgerPage(QWidget):
    activated = Signal()  # the user asked to open the current record (Enter / double-click)
    selection_changed = Signal()

    def __init__(
        self, database: Database, store: LedgerStore, ledger_name: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.database = database
        self.ledger = LEDGERS[ledger_name]
        self._stale = False  # shows names of records changed since it was read: read again when shown
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            tr("Ledger", "Search {ledger}… (Ctrl+F)").format(ledger=tr("Ledger", self.ledger.title).lower())
        )
        self.show_deleted = QCheckBox(tr("Ledger", "Deleted records"))
        self.show_deleted.setObjectName("show_deleted")
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_deleted)
        bar.addWidget(self.count_label)

        self.model = LedgerTableModel(ledger_query(database, ledger_name), self)
        self.table = QTableView()
        self.table.setObjectName(f"table_{ledger_name}")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # rows are chosen whole: Tab goes on to the record's links
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSortIndicator(
            next(i for i, c in enumerate(self.model.fields) if c.name == self.ledger.default_sort)
            if any(c.name == self.ledger.default_sort for c in self.model.fields)
            else -1,
            Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder,
        )
        self.table.setSortingEnabled(True)  # after the indicator, so the first sort is the ledger's own
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)  # hide or show columns
        # A long header elides at its end ("Construction start (pl…"), never cut at both sides.
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        for column, field in enumerate(self.model.fields):
            # Wide enough for its header in the language shown (with room for the sort arrow), or the
            # field's own width if that is more; a width the user saved replaces this when restored.
            self.table.setColumnWidth(column, max(field.width, header.sectionSizeHint(column)))
        self.table.activated.connect(lambda _index: self.activated.emit())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = DetailPane(store)
        self._detail_for: str | None = None  # the record the detail pane shows
        self._details_shown = 0  # times the detail pane was given a record to show
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([900, 360])  # until the user's own split is restored
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_search_now)
        self.search.installEventFilter(self)  # ↓ goes from the search box into the results
        self.show_deleted.toggled.connect(self._toggle_deleted)
        self.model.modelReset.connect(self._update_count)
        # A reset (a sort by a column header, a refresh) drops the selection without a word from Qt:
        # the records selected before are selected again after it, or the pane and actions follow.
        self._keep_after_reset: list[str] | None = None
        self._keep_all = False  # every row was selected: select every row again
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._select_again)
        self.model.relist_needed.connect(lambda: self.refresh())  # the data moved: keep the selection
        # Lay the rows out at once, not at the next event: a table scrolled below the end of a shorter
        # result would otherwise paint with the old scroll offset, and its row header then reads the
        # label of every row (700 ms for 12,000 rows) instead of the visible ones.
        self.model.modelReset.connect(self.table.doItemsLayout)

    # --- loading and refreshing -------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if not self.model.loaded or self._stale:
            self.refresh()

    def mark_stale(self) -> None:
        """Records this ledger shows by name (an enterprise, a team) changed: read again now if the
        page is shown, else when it next is."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self, keep: list[str] | None = None) -> None:
        """Re-run the query, keeping the given records (or the current ones) selected."""
        self._stale = False
        self._keep_after_reset = keep
        self.model.refresh()

    def _remember_selection(self) -> None:
        if self._keep_after_reset is None:
            if self._all_selected():  # Ctrl+A: all of them again (not 100,000 ids found one by one)
                self._keep_all = True
                self._keep_after_reset = []
                return
            current = self.current_id()
            self._keep_after_reset = (
                [current, *(i for i in self.selected_ids() if i != current)] if current else []
            )

    def _all_selected(self) -> bool:
        count = self.model.rowCount()
        ranges = self.table.selectionModel().selection()
        return count > 1 and any(part.top() == 0 and part.bottom() == count - 1 for part in ranges)

    def _select_again(self) -> None:
        keep, self._keep_after_reset = self._keep_after_reset or [], None
        shown = self._details_shown
        if self._keep_all:
            self._keep_all = False
            self.table.selectAll()
        else:
            self.select_ids(keep)
        if self._details_shown == shown:  # selecting them again did not show the record read anew
            self._selection_changed()

    def _apply_search(self) -> None:
        self._keep_after_reset = []  # the results are shown from their top, none selected
        self.model.set_search(self.search.text())
        self._keep_after_reset = None  # the same search: nothing was reset

    def apply_search_now(self) -> None:
        """Filter by the search box's text without waiting for the typing pause."""
        self._search_timer.stop()
        self._apply_search()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() == Qt.Key.Key_Down:
                self.enter_results()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():  # as in a browser's find bar
                self.search.clear()
                self.apply_search_now()
                return True
        return super().eventFilter(watched, event)

    def enter_results(self) -> None:
        """From the search box into the table, on the first of the records it finds."""
        if self._search_timer.isActive():  # typed just now: the results of what was typed
            self.apply_search_now()
        self.table.setFocus()
        self.select_row(0)

    def _toggle_deleted(self, deleted: bool) -> None:
        self._keep_after_reset = []  # the other records: none of those selected is among them
        self.model.set_query(ledger_query(self.database, self.ledger.name, deleted=deleted))

    def fill_column_menu(self, menu: QMenu) -> None:
        """A check for each column: shown or hidden (a hidden one is left out of an export too, and
        stays hidden at the next start). The last one shown cannot be hidden."""
        menu.clear()
        header = self.table.horizontalHeader()
        shown = [c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)]
        for column, field in enumerate(self.model.fields):
            action = menu.addAction(field_label(field))
            action.setCheckable(True)
            action.setChecked(column in shown)
            action.setEnabled(shown != [column])
            action.toggled.connect(lambda on, column=column: self._show_column(column, on))

    def _show_column(self, column: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # a table with no column left would show nothing to choose
        header.setSectionHidden(column, not shown)

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        self.fill_column_menu(menu)
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

    def _update_count(self) -> None:
        self.count_label.setText(tr("Ledger", "Records: {count}").format(count=self.model.rowCount()))

    def visible_fields(self) -> list[str]:
        """Field names of the columns shown, in the order the user arranged them."""
        header = self.table.horizontalHeader()
        columns = sorted(
            (header.visualIndex(logical), logical)
            for logical in range(self.model.columnCount())
            if not header.isSectionHidden(logical)
        )
        return [self.model.fields[logical].name for _, logical in columns]

    # --- selection --------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        # From the selection's ranges: selectedRows() asks the model about every cell of every row
        # (3 s for 100,000 rows selected, at each sort or refresh).
        ranges = sorted((part.top(), part.bottom()) for part in self.table.selectionModel().selection())
        ids: list[str] = []
        done = -1  # the last row taken: ranges may overlap
        for top, bottom in ranges:
            if bottom > done:
                ids += self.model.record_ids(max(top, done + 1), bottom)
                done = bottom
        return ids

    def row_after_removing_selection(self) -> int:
        """Where the first record below the current one that is not selected will stand once the
        selected rows are gone: Del, then Del again, works down the list."""
        ranges = sorted((part.top(), part.bottom()) for part in self.table.selectionModel().selection())
        after = self.table.currentIndex().row() + 1
        for top, bottom in ranges:
            if top <= after <= bottom:
                after = bottom + 1
        removed_above, done = 0, -1
        for top, bottom in ranges:
            top, bottom = max(top, done + 1), min(bottom, after - 1)
            if bottom >= top:
                removed_above += bottom - top + 1
            done = max(done, bottom)
        return after - removed_above

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.record_id(index.row())
        selected = self.selected_ids()
        return selected[0] if selected else None

    def select_row(self, row: int) -> None:
        """Select the record on ``row`` (the last one when fewer are left), if there is one."""
        count = self.model.rowCount()
        if row < 0 or count == 0:
            return
        index = self.model.index(min(row, count - 1), self._shown_column())
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current
        )
        with self._columns_kept_in_sight():
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def _shown_column(self) -> int:
        """A column in sight: the view scrolls to a row only through a cell it shows (not one of a
        hidden column), and a cell of another column would scroll the view sideways."""
        current = self.table.currentIndex().column()
        header = self.table.horizontalHeader()
        if current >= 0 and not header.isSectionHidden(current):
            return current
        at_left = self.table.columnAt(0)
        return at_left if at_left >= 0 else max(header.logicalIndex(0), 0)

    @contextmanager
    def _columns_kept_in_sight(self) -> Iterator[None]:
        """Bringing a record into view scrolls up or down only: the columns in sight stay so."""
        bar = self.table.horizontalScrollBar()
        left = bar.value()
        try:
            yield
        finally:
            bar.setValue(left)

    def select_ids(self, record_ids: list[str]) -> bool:
        """Select these records (the first one found current, in sight); False if none is listed.

        One selection for all of them: a row at a time announced every row (and read its record for
        the detail pane), which took minutes to undo the delete of a few thousand records."""
        selection = self.table.selectionModel()
        rows = self.model.rows_of(record_ids)
        if not rows:
            selection.clearSelection()
            return False
        first = self.model.index(next(rows[rid] for rid in record_ids if rid in rows), self._shown_column())
        items = QItemSelection()
        for start, stop in _runs(sorted(set(rows.values()))):
            items.select(self.model.index(start, 0), self.model.index(stop, 0))
        with self._columns_kept_in_sight():
            self.table.scrollTo(first)
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            selection.select(
                items,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        if self._detail_for != self.current_id():  # the same rows selected, another one current
            self._selection_changed()
        return True

    def _selection_changed(self) -> None:
        self._details_shown += 1
        self._detail_for = self.current_id()
        self.detail.show_record(self.ledger.name, self._detail_for)
        self.selection_changed.emit()


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) of each run of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
