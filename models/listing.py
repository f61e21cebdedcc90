"""The two ends of a long ledger listing, for a table that must paint before the whole of it is read.

A ledger opens at its first rows and is often scrolled straight to its last ones. At 100,000 visits the
whole ordered id listing takes 50–100 ms to read; its first and last thousand ids and the count take
about 12 ms from the same covering index (read backwards for the last ones). The whole listing is then
read off the GUI thread. Nothing here knows about Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select

from models.queries import LedgerQuery, first_column
from models.search import SearchIndex, Signature


@dataclass(frozen=True)
class ListingEnds:
    """The first and last ids of a listing in the order shown and how many it has, read in one
    transaction with the signature of the data they come from."""

    signature: Signature
    count: int
    head: list[str]
    tail: list[str]

    @property
    def complete(self) -> bool:
        """Whether ``head`` is the whole listing (a short ledger)."""
        return len(self.head) == self.count

    def slice(self, first: int, stop: int) -> list[str] | None:
        """The ids of rows ``first`` to ``stop`` (excluded), or None when some of them are not known."""
        stop = min(stop, self.count)
        if stop <= len(self.head):
            return self.head[first:stop]
        tail_start = self.count - len(self.tail)
        if first >= tail_start:
            return self.tail[first - tail_start : stop - tail_start]
        return None

    def row_of(self, record_id: str) -> int | None:
        """The row of a record among the known ones, or None when it is not one of them."""
        return self._rows.get(record_id)

    @cached_property
    def _rows(self) -> dict[str, int]:
        # by id, not list.index(): asked for each of 100,000 records selected when a sort keeps them
        rows = {record_id: row for row, record_id in enumerate(self.head)}
        tail_start = self.count - len(self.tail)
        rows.update((record_id, tail_start + row) for row, record_id in enumerate(self.tail))
        return rows


def listing_ends(
    query: LedgerQuery, sort_field: str | None, descending: bool, each: int
) -> ListingEnds | None:
    """The first and last ``each`` ids of the unsearched listing, or None when reading them would cost
    as much as the whole (an order through a join: the whole listing is then read as before)."""
    if query.sorts_through_join(sort_field):
        return None
    with query.database.engine.connect() as connection:
        signature = SearchIndex(query).read_signature(connection)
        statement = query.id_statement("", sort_field, descending)
        head = first_column(connection, statement.limit(each))
        if len(head) < each:
            return ListingEnds(signature, len(head), head, [])
        count = connection.execute(select(func.count()).select_from(statement.order_by(None).subquery()))
        reversed_order = query.id_statement("", sort_field, not descending)  # (sort key, id): a total order
        tail = first_column(connection, reversed_order.limit(each))[::-1]
        total = int(count.scalar_one())
        overlap = len(head) + len(tail) - total
        if overlap >= 0:  # the two ends meet: that is the whole listing
            return ListingEnds(signature, total, head + tail[overlap:], [])
        return ListingEnds(signature, total, head, tail)


__all__ = ["ListingEnds", "listing_ends"]
