"""A ledger as a Qt table model: row count known up front, rows fetched by id in pages on demand.

Searching and sorting happen in SQL (``models.queries.LedgerQuery``); the model keeps only the ordered
ids and a bounded cache of display pages, so a 100,000-row ledger opens and scrolls at once.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.exc import SQLAlchemyError

from models.fields import Kind
from models.milestones import overdue_milestones
from models.queries import LedgerQuery
from ui.text import field_label, format_value, tr

PAGE_SIZE = 256
MAX_CACHED_PAGES = 64
OVERDUE_BACKGROUND = QColor("#f8d7da")

ModelIndex = QModelIndex | QPersistentModelIndex


class LedgerTableModel(QAbstractTableModel):
    failed = Signal(str)  # the database could not be read; the text says why

    def __init__(self, query: LedgerQuery, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = query
        self._ids: list[str] = []
        self._pages: OrderedDict[int, dict[str, tuple[Any, ...]]] = OrderedDict()
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
        return list(self._ids)

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def showing_deleted(self) -> bool:
        return self._query.deleted

    def set_query(self, query: LedgerQuery) -> None:
        self._query = query
        self.refresh()

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        self.beginResetModel()
        try:
            self._ids = self._query.ids(self._search, self._sort_field, self.descending)
        except SQLAlchemyError as error:
            self._ids = []
            self._report(error)
        self._pages.clear()
        self._today = date.today()
        self.endResetModel()

    def _report(self, error: SQLAlchemyError) -> None:
        self.failed.emit(str(getattr(error, "orig", None) or error))

    def record_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: str) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    # --- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

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
        if not index.isValid():
            return None
        values = self._row_values(index.row())
        if values is None:
            return None
        field = self.fields[index.column()]
        value = values[index.column()]
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
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            first = page_number * PAGE_SIZE
            try:
                page = self._query.rows(self._ids[first : first + PAGE_SIZE])
            except SQLAlchemyError as error:
                self._ids = []
                self._report(error)
                QTimer.singleShot(0, self._reset_after_failure)
                return None
            self._pages[page_number] = page
            if len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def _reset_after_failure(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self.endResetModel()

    def overdue_count(self, row: int) -> int:
        values = self._row_values(row)
        return 0 if values is None else len(overdue_milestones(self._named(values), self._today))
