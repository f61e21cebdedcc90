"""A ledger as a Qt table model: row count known up front, rows fetched by id in pages on demand.

Sorting happens in SQL (``models.queries.LedgerQuery``); the model keeps only the ordered ids and a
bounded cache of display pages, so a 100,000-row ledger opens and scrolls at once. A long ledger opens
knowing only its count and the ids at its two ends (``models.listing``), where it is first shown and
where Ctrl+End takes it; the whole listing is read off the GUI thread meanwhile, or at once if a row in
between is asked for sooner.

Searching filters the sorted ids in memory with a ``models.search.SearchIndex`` (tens of milliseconds
a keystroke at 100,000 visits, where the SQL search takes 800). The index is built off the GUI thread
when the ledger is first shown; until it is ready, or when it cannot be brought up to date cheaply,
the SQL search answers. Both find the same records, and the index is used only when its signature
equals the database's, so it never shows stale rows.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.exc import SQLAlchemyError

from models.fields import Kind
from models.listing import ListingEnds, listing_ends
from models.milestones import overdue_milestones
from models.queries import LedgerQuery, MarkedRow
from models.search import SearchIndex, SearchView, Signature, listing
from ui.text import field_label, format_value, tr
from ui.worker import BackgroundTask, TaskControl, run_in_background

PAGE_SIZE = 256
# Ids read at each end of a long ledger before it is first painted: the pages at the top and at the
# bottom, with room for a tall window.
LISTING_END_ROWS = 4 * PAGE_SIZE
# The rest of the listing is read once the rows known are painted: a read started at once shares the
# interpreter with the first paint and slows it by 20-30 ms (measured at 100,000 visits).
LISTING_READ_DELAY_MS = 50
MAX_CACHED_PAGES = 64
OVERDUE_BACKGROUND = QColor("#f8d7da")
DELETED_REFERENCE_FOREGROUND = QColor("#8a8a8a")
MAX_INDEX_BUILD_FAILURES = 3  # then the SQL search answers alone, rather than rebuilding on every keystroke
# A ledger just shown paints and scrolls first; the index (about a second of reading at 100,000 visits)
# starts after this, unless the user searches sooner.
INDEX_BUILD_DELAY_MS = 500

ModelIndex = QModelIndex | QPersistentModelIndex
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.UserRole,
    }
)

# Index builds and listing reads still running, held here rather than by a parent: one outlives a
# model deleted under it (a closed window) for as long as it takes to notice it was cancelled, and its
# task must still be there to report that.
_RUNNING_READS: set[BackgroundTask] = set()


@dataclass(frozen=True)
class _Listing:
    """Every id of the query, unsearched, in one order; read with the signature of its data."""

    sort_field: str | None
    descending: bool
    signature: Signature
    ids: list[str]


def _cancel_all(controls: set[TaskControl], *_destroyed: object) -> None:
    for control in list(controls):
        control.cancel()


class LedgerTableModel(QAbstractTableModel):
    failed = Signal(str)  # the database could not be read; the text says why
    # The data changed while only the ends of the listing were known: the owner should refresh the
    # table (keeping its selection); if nobody does, the model refreshes itself.
    relist_needed = Signal()

    def __init__(self, query: LedgerQuery, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = query
        self._ids: list[str] = []
        # While only the two ends of a long listing are known: those ends (``_ids`` is then empty).
        self._ends: ListingEnds | None = None
        self._listing_reads = 0  # a whole listing read off the GUI thread is wanted only if still the last
        # The listing as it is now, when it no longer fits the ends shown: until the table is refreshed
        # (queued), rows between the ends show nothing rather than the wrong records.
        self._moved: _Listing | None = None
        self._unreadable = False  # a read failed: rows answer nothing until the model is emptied (queued)
        self._pages: OrderedDict[int, list[MarkedRow | None]] = OrderedDict()
        self._search = ""
        self._sort_field: str | None = None
        self.descending = query.ledger.default_sort.endswith("date") or query.ledger.name in {
            "visits",
            "trips",
            "leads",
            "projects",
        }
        self.fields = [column.field for column in query.columns]
        self._today = date.today()
        self._loaded = False
        self._listing: _Listing | None = None
        self._index = SearchIndex(query)  # empty (no signature) until a built one replaces it
        self._view: SearchView | None = None  # the index's texts lined up with the listing
        self._build: BackgroundTask | None = None
        self._build_failures = 0
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(INDEX_BUILD_DELAY_MS)
        self._build_timer.timeout.connect(self._start_build)
        # The rest of a long listing: one read at a time, started a moment after the refresh that
        # wants it (refreshes in quick succession start one read, not one each).
        self._listing_timer = QTimer(self)
        self._listing_timer.setSingleShot(True)
        self._listing_timer.setInterval(LISTING_READ_DELAY_MS)
        self._listing_timer.timeout.connect(self._read_whole_listing)
        self._whole_read: BackgroundTask | None = None
        # The reads running for this model, cancelled if it is deleted first (a closed window): one
        # connection for its lifetime, not one per read.
        self._reading: set[TaskControl] = set()
        self.destroyed.connect(partial(_cancel_all, self._reading))

    # --- what to show --------------------------------------------------------------------------

    @property
    def ledger_name(self) -> str:
        return self._query.ledger.name

    @property
    def query(self) -> LedgerQuery:
        return self._query

    @property
    def ids(self) -> list[str]:
        """The ids shown, in the order shown (the search and sort applied)."""
        if self._unreadable:
            return []
        if not self._complete_listing() and self._moved is not None:
            return list(self._moved.ids)  # what the table shows once refreshed, a moment from now
        return list(self._ids)

    @property
    def listing_pending(self) -> bool:
        """Whether only the two ends of the listing are known yet (the rest is being read)."""
        return self._ends is not None

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def showing_deleted(self) -> bool:
        return self._query.deleted

    @property
    def search_index_ready(self) -> bool:
        """Whether a built search index is at hand (it is still checked against the data before use)."""
        return self._index.signature is not None

    @property
    def search_index_pending(self) -> bool:
        """Whether a search index is about to be built or being built."""
        return self._build is not None or self._build_timer.isActive()

    @property
    def index_build(self) -> BackgroundTask | None:
        """The search index being built off the GUI thread, if one is."""
        return self._build

    def set_query(self, query: LedgerQuery) -> None:
        self._cancel_build()
        self._query = query
        self._listing = None
        self._index = SearchIndex(query)
        self._view = None
        self._build_failures = 0
        self.refresh()

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        self._listing_reads += 1
        self.beginResetModel()
        self._ends, self._moved, self._unreadable = None, None, False
        try:
            self._ids = self._read_ids()
        except SQLAlchemyError as error:
            self._ids = []
            self._report(error)
        self._pages.clear()
        self._today = date.today()
        self.endResetModel()
        if self._ends is not None:
            self._listing_timer.start()
        if not self.search_index_ready:
            if self._search.split():
                self._start_build()
            elif self._build is None:
                self._build_timer.start()

    # --- searching -----------------------------------------------------------------------------

    def _read_ids(self) -> list[str]:
        """The ids to show; or, for a long unsearched listing not kept, none yet and its ends."""
        if not self._search.split():
            kept = self._kept(self._index.read_signature()) if self._listing is not None else None
            if kept is not None:
                return kept.ids
            ends = listing_ends(self._query, self._sort_field, self.descending, LISTING_END_ROWS)
            if ends is None:
                return self._keep(*listing(self._query, self._sort_field, self.descending)).ids
            if ends.complete:
                return self._keep(ends.signature, ends.head).ids
            self._ends = ends
            return []
        found = self._search_in_memory()
        if found is not None:
            return found
        return self._query.ids(self._search, self._sort_field, self.descending)

    def _kept(self, signature: Signature) -> _Listing | None:
        """The kept unsearched listing if it is in the current order and read from data with
        ``signature``."""
        kept = self._listing
        if (
            kept is None
            or kept.signature != signature
            or (kept.sort_field, kept.descending) != (self._sort_field, self.descending)
        ):
            return None
        return kept

    def _keep(self, signature: Signature, ids: list[str]) -> _Listing:
        self._listing = _Listing(self._sort_field, self.descending, signature, ids)
        return self._listing

    def _unsearched(self, signature: Signature) -> _Listing:
        """The unsearched ids in the current order: the kept ones if read from data with ``signature``
        (the data as it is now), else read now."""
        return self._kept(signature) or self._keep(*listing(self._query, self._sort_field, self.descending))

    # --- a long listing: its two ends first, the whole of it off the GUI thread --------------------

    def _read_whole_listing(self) -> None:
        if self._ends is None or self._whole_read is not None:
            return  # not wanted, or read now by a task that starts another when it ends, if needed
        read = self._listing_reads
        query, sort_field, descending = self._query, self._sort_field, self.descending
        task = self._whole_read = self._track(
            run_in_background(lambda _control: listing(query, sort_field, descending))
        )
        task.finished.connect(lambda: self._whole_listing_read(task, read, failed=False))
        task.failed.connect(lambda _error: self._whole_listing_read(task, read, failed=True))
        # A failed read is not reported here: the rows between the ends are read when asked for, and
        # that read reports what is wrong with the database.

    def _whole_listing_read(self, task: BackgroundTask, read: int, *, failed: bool) -> None:
        if task is self._whole_read:
            self._whole_read = None
        ends = self._ends
        if task.control.cancelled() or ends is None:
            return
        if read != self._listing_reads:
            self._listing_timer.start()  # refreshed meanwhile: read the listing as it is now
        elif not failed:
            self._adopt(ends, self._keep(*task.result))

    def _complete_listing(self) -> bool:
        """Read the whole listing now, on this thread, if only its ends are known: rows between them
        were asked for before it came from the background. False when it cannot be had: the data
        changed since the ends were read, or could not be read (the table is then refreshed or emptied
        on the next turn of the event loop)."""
        ends = self._ends
        if ends is None:
            return not self._unreadable
        if self._moved is not None or self._unreadable:
            return False
        try:
            whole = self._unsearched(ends.signature)
        except SQLAlchemyError as error:
            self._fail(error)
            return False
        return self._adopt(ends, whole)

    def _adopt(self, ends: ListingEnds, whole: _Listing) -> bool:
        if whole.signature == ends.signature and len(whole.ids) == ends.count:
            self._ends = None
            self._listing_reads += 1  # a read still running is not needed now
            self._ids = whole.ids  # the same rows as the ends showed, and those in between
            return True
        # The data changed since the ends were read. The table keeps its rows, as it was told, until
        # it is refreshed with the listing as it is now; nothing between the ends is guessed meanwhile.
        if self._moved is None:
            QTimer.singleShot(0, self._relist)
        self._moved = whole
        return False

    def _relist(self) -> None:
        if self._moved is None:
            return  # refreshed meanwhile
        reads = self._listing_reads
        self.relist_needed.emit()
        if reads == self._listing_reads:  # nobody refreshed the table
            self.refresh()

    def _fail(self, error: SQLAlchemyError) -> None:
        """A read failed: say why, answer nothing more, and empty the table on the next turn of the
        event loop (its row count cannot change under a view in the middle of a paint)."""
        if not self._unreadable:
            self._unreadable = True
            self._report(error)
            QTimer.singleShot(0, self._reset_after_failure)

    def _id_slice(self, first: int, stop: int) -> list[str]:
        """The ids of rows ``first`` to ``stop`` (excluded); none of those not known."""
        if self._unreadable:
            return []
        ends = self._ends
        if ends is not None:
            known = ends.slice(first, stop)
            if known is not None:
                return known
            if not self._complete_listing():
                return []
        return self._ids[first:stop]

    def _search_in_memory(self) -> list[str] | None:
        """The search through the index, or None when the index cannot answer for the data as it is
        now: not built yet, or too much changed since (a new one is then built in the background)."""
        index = self._index
        if index.signature is None:
            return None
        for _attempt in range(2):  # a write between two reads: look once more, then leave it to SQL
            if not index.catch_up():  # cheap when nothing changed: one signature read
                self._start_build()
                return None
            base = self._unsearched(index.signature)
            if base.signature == index.signature:
                view = self._view
                if view is None or view.index is not index or view.ids is not base.ids or view.stale:
                    view = self._view = index.view(base.ids)
                return view.filter(self._search)
        return None

    def _start_build(self) -> None:
        self._build_timer.stop()
        if self._build is not None or self._build_failures >= MAX_INDEX_BUILD_FAILURES:
            return
        query = self._query
        base = self._listing

        def work(control: TaskControl) -> tuple[SearchIndex, SearchView | None]:
            index = SearchIndex.build(query, control.cancelled)
            # Lining the texts up with the listing shown costs ~45 ms at 100,000 rows: here, not on
            # the first keystroke. The listing is never changed in place, so reading it here is safe.
            view = index.view(base.ids) if base is not None and base.signature == index.signature else None
            return index, view

        task = self._build = self._track(run_in_background(work))
        task.finished.connect(lambda: self._index_built(task, query))
        task.failed.connect(lambda _error: self._index_failed(task))

    def _track(self, task: BackgroundTask) -> BackgroundTask:
        """Hold a read running for this model until it ends, and cancel it if the model goes first."""
        task.blocks_close = False  # it only reads
        reading = self._reading
        _RUNNING_READS.add(task)
        reading.add(task.control)

        def ended() -> None:
            _RUNNING_READS.discard(task)
            reading.discard(task.control)

        task.finished.connect(ended)
        task.failed.connect(lambda _error: ended())
        return task

    def _index_built(self, task: BackgroundTask, query: LedgerQuery) -> None:
        if task is not self._build or task.control.cancelled():
            return
        self._build = None
        index, view = task.result
        if query is not self._query:
            return
        if self._index.signature is None or not self._index.is_current():
            self._index, self._view = index, view

    def _index_failed(self, task: BackgroundTask) -> None:
        # The SQL search keeps answering (and reports a database that cannot be read).
        if task is self._build and not task.control.cancelled():
            self._build = None
            self._build_failures += 1

    def _cancel_build(self) -> None:
        self._build_timer.stop()
        if self._build is not None:
            self._build.cancel()
            self._build = None

    def _report(self, error: SQLAlchemyError) -> None:
        self.failed.emit(str(getattr(error, "orig", None) or error))

    def record_id(self, row: int) -> str | None:
        found = self._id_slice(row, row + 1) if 0 <= row < self.rowCount() else []
        return found[0] if found else None

    def record_ids(self, first: int, last: int) -> list[str]:
        """The ids of rows ``first`` to ``last`` (included) at once: a hundred thousand selected rows
        asked one at a time took a second at each sort."""
        first, stop = max(first, 0), min(last + 1, self.rowCount())
        return self._id_slice(first, stop) if first < stop else []

    def row_of(self, record_id: str) -> int | None:
        if self._ends is not None:
            row = self._ends.row_of(record_id)
            if row is not None or not self._complete_listing():
                return row
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def rows_of(self, record_ids: list[str]) -> dict[str, int]:
        """The rows of many records at once (one pass over the listing, not one per record)."""
        found: dict[str, int] = {}
        missing = list(record_ids)
        if self._ends is not None:
            for record_id in record_ids:
                row = self._ends.row_of(record_id)
                if row is not None:
                    found[record_id] = row
            missing = [record_id for record_id in record_ids if record_id not in found]
            if not missing or not self._complete_listing():
                return found
        wanted = set(missing)
        if not wanted:
            return found
        for row, record_id in enumerate(self._ids):
            if record_id in wanted:
                found[record_id] = row
        return found

    # --- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return self._ends.count if self._ends is not None else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.fields)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return field_label(self.fields[section])
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():  # a view asks ~10 roles a cell, per paint
            return None
        row = self._row(index.row())
        if row is None:
            return None
        values = row.values
        field = self.fields[index.column()]
        value = values[index.column()]
        if field.name in row.deleted_references:  # its name, marked: the record it names was deleted
            if role == Qt.ItemDataRole.DisplayRole:
                return tr("Ledger", "{name} (deleted)").format(name=format_value(field, value))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(DELETED_REFERENCE_FOREGROUND)
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr(
                    "Ledger", "This record refers to one that was deleted (Ctrl+D shows deleted records)."
                )
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(field, value)
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind is Kind.MONEY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole)
            and self.ledger_name == "projects"
        ):
            overdue = overdue_milestones(self._named(values), self._today)
            if field.name in overdue:
                if role == Qt.ItemDataRole.BackgroundRole:
                    return QBrush(OVERDUE_BACKGROUND)
                return tr("Ledger", "Days overdue: {days}").format(days=overdue[field.name])
            if index.column() == 0 and overdue:  # visible without scrolling to the milestone columns
                if role == Qt.ItemDataRole.BackgroundRole:
                    return QBrush(OVERDUE_BACKGROUND)
                names = {f.name: f for f in self.fields}
                return "\n".join(
                    tr("Ledger", "{milestone}: {days} days overdue").format(
                        milestone=field_label(names[name]), days=days
                    )
                    for name, days in overdue.items()
                )
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.fields):
            return
        self._sort_field = self.fields[column].name
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded:  # a ledger not yet shown is queried when it is first shown, not before
            self.refresh()

    # --- paging --------------------------------------------------------------------------------

    def _named(self, values: tuple[Any, ...]) -> dict[str, Any]:
        return {field.name: value for field, value in zip(self.fields, values, strict=True)}

    def _row_values(self, row: int) -> tuple[Any, ...] | None:
        found = self._row(row)
        return None if found is None else found.values

    def _row(self, row: int) -> MarkedRow | None:
        if not 0 <= row < self.rowCount() or self._unreadable:
            return None
        page_number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            first = page_number * PAGE_SIZE
            page_ids = self._id_slice(first, first + PAGE_SIZE)
            if len(page_ids) < min(PAGE_SIZE, self.rowCount() - first):
                return None  # its rows are not known yet: not read, not kept; asked again once they are
            try:
                found = self._query.marked_rows(page_ids)
            except SQLAlchemyError as error:
                self._fail(error)
                return None
            page = [found.get(record_id) for record_id in page_ids]
            self._pages[page_number] = page
            if len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page[offset] if offset < len(page) else None

    def _reset_after_failure(self) -> None:
        if not self._unreadable:
            return  # refreshed meanwhile
        self.beginResetModel()
        self._ids, self._ends, self._moved = [], None, None
        self._pages.clear()
        self.endResetModel()
        self._unreadable = False

    def overdue_count(self, row: int) -> int:
        values = self._row_values(row)
        return 0 if values is None else len(overdue_milestones(self._named(values), self._today))
