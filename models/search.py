"""Ledger search in memory: one keystroke over 100,000 visits in milliseconds, not SQL's 800.

The SQL search (``LedgerQuery.ids(search, …)``) joins the referenced ledgers and runs LIKE over every
column on every keystroke. A :class:`SearchIndex` reads the same display values once — text columns,
dates as SQL casts them, referenced records' names, both labels of every controlled value, pinyin
initials — into one lowercased string per record; a search is then a substring test per record.

It matches what the SQL search matches (tests/test_search_index.py compares the two):

* text, dates and referenced names: SQLite's LIKE, which ignores the case of ASCII letters only (and so
  does SQLite's ``lower()``, used to read them);
* controlled values: ``controlled.codes_matching`` (NFKC + casefold of the term and of both labels);
* pinyin initials: only for terms made of ASCII letters and digits.

It is never stale: it keeps a :data:`Signature` — per table searched, the highest ``row_version`` and
the row count — read in the same transaction as its data. Every write stamps a new, higher
``row_version`` (models/tracking.py, sync/local.py, models/demo.py), soft deletes and restores
included, so an equal signature means equal data. :meth:`SearchIndex.catch_up` re-reads only what
changed since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import compress, repeat
from operator import add, contains
from typing import Any

from sqlalchemy import Connection, Select, String, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from models import controlled
from models.fields import Kind
from models.normalize import width_folded
from models.queries import LedgerQuery, display_expression
from models.schema import LEDGER_MODELS

Signature = tuple[int, ...]
"""(max row_version, row count) of the ledger, then of each ledger it refers to."""

FIELD_SEPARATOR = "\x1f"  # str.split() treats it as whitespace, so no search term contains it
PART_SEPARATOR = "\x1e"  # between a record's text, labels and initials (whitespace too)
_CHUNK = 500
_CANCEL_CHECK_ROWS = 4096


class SearchCancelled(Exception):
    """The build was cancelled (its ledger is no longer shown)."""


def ascii_lower(text: str) -> str:
    """Lower case for ASCII letters only, as SQLite's LIKE compares them (Ä stays Ä)."""
    if text.isascii():
        return text.lower()
    # bytes.lower() changes only A-Z, and no byte of a multi-byte UTF-8 character is ASCII.
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def fold_label(text: str) -> str:
    """How ``controlled.codes_matching`` compares terms and labels: its own function, so they agree."""
    return controlled._fold(text)


@cache
def _labels(list_name: str) -> dict[str, str]:
    """Code -> both labels folded, to match a term as ``codes_matching`` does."""
    return {
        term.code: fold_label(term.en) + FIELD_SEPARATOR + fold_label(term.zh)
        for term in controlled.terms(list_name)
    }


def _lowered_text(expressions: Iterable[ColumnElement[Any]]) -> ColumnElement[Any]:
    """lower(a || US || b || …), NULLs as empty: one string per row instead of one value per column."""
    joined: ColumnElement[Any] | None = None
    for expression in expressions:
        value = func.coalesce(expression, "")
        joined = value if joined is None else joined.concat(FIELD_SEPARATOR).concat(value)
    return func.lower(joined if joined is not None else literal(""))


def _initials(column: ColumnElement[Any]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(initials if only a-z0-9, else ''), (initials if other characters too, else NULL), lowered.

    Initials of a-z0-9 (all that normalize.pinyin_initials makes) can sit among the text: only an
    ASCII-alphanumeric term can occur in them, as the SQL search wants. Others are kept apart."""
    lowered = func.lower(column)
    odd = lowered.op("GLOB")("*[^a-z0-9]*")
    return case((odd, ""), else_=func.coalesce(lowered, "")), case((odd, lowered), else_=None)


class _Reference:
    """A referenced ledger as the search sees it: the referring column, and each referenced record's
    name and initials, read from its own table (joining them in SQL reads 5x slower)."""

    def __init__(self, query: LedgerQuery, field_name: str, ledger_name: str) -> None:
        self.column: ColumnElement[Any] = getattr(query.model, field_name)
        self.ledger_name = ledger_name
        self.model = LEDGER_MODELS[ledger_name]
        parts = [display_expression(ledger_name, self.model)]
        odd: list[ColumnElement[Any]] = []
        if hasattr(self.model, "name_initials"):
            plain, odd_initials = _initials(self.model.name_initials)
            parts.append(plain)
            odd.append(odd_initials)
        text = literal(FIELD_SEPARATOR).concat(_lowered_text(parts))
        self.statement = select(self.model.id, text, *odd)

    def read(
        self, connection: Connection, ids: Iterable[str] | None
    ) -> tuple[dict[str, str], dict[str, str]]:
        """(id -> US + lowered name + US + plain initials, id -> odd initials) of the given records."""
        if ids is None:
            rows = connection.execute(self.statement).all()
        else:
            wanted, rows = sorted(ids), []
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                rows.extend(connection.execute(self.statement.where(self.model.id.in_(chunk))))
        texts = {row[0]: row[1] for row in rows}
        odd = {row[0]: row[2] for row in rows if len(row) > 2 and row[2] is not None}
        return texts, odd


class SearchIndex:
    """The searchable text of every record one :class:`LedgerQuery` lists (live or deleted rows).

    Per record: both labels of its controlled values (folded), RS, then its text (ASCII-lowered) —
    text columns, dates, plain initials, referenced names and their plain initials — joined by US."""

    def __init__(self, query: LedgerQuery) -> None:
        self.query = query
        self.signature: Signature | None = None
        self._versions: dict[str, int] = {}
        self._text: dict[str, str] = {}
        self._odd_initials: dict[str, str] = {}  # initials with other characters than a-z0-9: rare
        refs = {c.field.ref for c in query.columns if c.field.kind is Kind.REF and c.field.ref}
        self._tables = [query.ledger.name, *sorted(refs)]
        self._sql: tuple[Select[Any], list[_Reference]] | None = None  # built when first read

    @property
    def _statement(self) -> Select[Any]:
        return self._compiled()[0]

    @property
    def _references(self) -> list[_Reference]:
        return self._compiled()[1]

    def _compiled(self) -> tuple[Select[Any], list[_Reference]]:
        """The statements that read the texts: built on first use, not with every ledger's table."""
        if self._sql is None:
            self._sql = self._build_statements()
        return self._sql

    def _build_statements(self) -> tuple[Select[Any], list[_Reference]]:
        query = self.query
        own: list[ColumnElement[Any]] = []
        labels: list[ColumnElement[Any]] = []
        references: list[_Reference] = []
        for column in query.columns:
            field = column.field
            if field.kind is Kind.REF and field.ref:
                references.append(_Reference(query, field.name, field.ref))
            elif field.kind in (Kind.TEXT, Kind.LONG_TEXT):
                own.append(column.expression)
            elif field.kind is Kind.DATE:
                own.append(cast(column.expression, String))
            elif field.kind is Kind.CHOICE and field.choices:
                labels.append(case(_labels(field.choices), value=column.expression, else_=""))
        model = query.model
        odd: list[ColumnElement[Any]] = []
        if hasattr(model, "name_initials"):
            plain, odd_initials = _initials(model.name_initials)
            own.append(plain)
            odd.append(odd_initials)
        joined_labels: ColumnElement[Any] = literal("")
        for position, label in enumerate(labels):
            joined_labels = label if position == 0 else joined_labels.concat(FIELD_SEPARATOR).concat(label)
        prefix = joined_labels.concat(PART_SEPARATOR).concat(_lowered_text(own))
        statement = select(model.id, prefix, *(reference.column for reference in references), *odd).where(
            model.deleted.is_(query.deleted)
        )
        return statement, references

    # --- building and keeping current -------------------------------------------------------------

    @classmethod
    def build(cls, query: LedgerQuery, cancelled: Callable[[], bool] | None = None) -> SearchIndex:
        """Read every record ``query`` lists (about 1 s at 100,000 visits). Safe on a worker thread: it
        reads through its own pooled connection and returns a new object; ``cancelled()`` is polled."""
        index = cls(query)
        with query.database.engine.connect() as connection:  # one read transaction: data = signature
            signature = index.read_signature(connection)
            index._load(connection, None, cancelled)
        index._set_signature(signature)
        return index

    def read_signature(self, connection: Connection | None = None) -> Signature:
        """The signature of the data as it is now (about 1 ms at 100,000 visits: indexed max, count)."""
        parts = []
        for name in self._tables:
            model = LEDGER_MODELS[name]
            parts.append(select(func.coalesce(func.max(model.row_version), 0)).scalar_subquery())
            parts.append(select(func.count()).select_from(model).scalar_subquery())
        statement = select(*parts)
        if connection is not None:
            return tuple(int(v) for v in connection.execute(statement).one())
        with self.query.database.engine.connect() as own:
            return tuple(int(v) for v in own.execute(statement).one())

    def is_current(self) -> bool:
        return self.signature is not None and self.signature == self.read_signature()

    def catch_up(self, limit: int = 2000) -> bool:
        """Re-read the records changed since the index was read: edited, added, deleted or restored, or
        referring to a changed record (a renamed enterprise renames its visits). Returns False, changing
        nothing, when more than ``limit`` records changed: build a new index then, off the GUI thread."""
        if self.signature is None:
            return False
        model = self.query.model
        with self.query.database.engine.connect() as connection:
            signature = self.read_signature(connection)
            if signature == self.signature:
                return True
            newer = model.row_version > self._versions[self.query.ledger.name]
            changed = set(connection.execute(select(model.id).where(newer)).scalars())
            for reference in self._references:
                target = reference.model
                renamed = list(
                    connection.execute(
                        select(target.id).where(target.row_version > self._versions[reference.ledger_name])
                    ).scalars()
                )
                for start in range(0, len(renamed), _CHUNK):
                    if len(changed) > limit:
                        return False
                    referring = reference.column.in_(renamed[start : start + _CHUNK])
                    changed.update(connection.execute(select(model.id).where(referring)).scalars())
            if len(changed) > limit:
                return False
            for record_id in changed:  # whatever is still listed is read again below
                self._text.pop(record_id, None)
                self._odd_initials.pop(record_id, None)
            self._load(connection, sorted(changed), None)
        self._set_signature(signature)
        return True

    def _set_signature(self, signature: Signature) -> None:
        self.signature = signature
        self._versions = {name: signature[2 * position] for position, name in enumerate(self._tables)}

    def _load(
        self, connection: Connection, ids: Sequence[str] | None, cancelled: Callable[[], bool] | None
    ) -> None:
        rows: list[Any] = []
        if ids is None:
            for part in connection.execute(self._statement).partitions(_CANCEL_CHECK_ROWS):
                if cancelled is not None and cancelled():
                    raise SearchCancelled()
                rows.extend(part)
        else:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                rows.extend(connection.execute(self._statement.where(self.query.model.id.in_(chunk))))
        referenced = []
        for position, reference in enumerate(self._references):
            column = 2 + position
            wanted = None if ids is None else {row[column] for row in rows if row[column] is not None}
            referenced.append(reference.read(connection, wanted))
        if cancelled is not None and cancelled():
            raise SearchCancelled()
        self._add(rows, referenced)

    def _add(self, rows: list[Any], referenced: list[tuple[dict[str, str], dict[str, str]]]) -> None:
        if not rows:
            return
        # Column by column with map/zip: a Python loop per row costs more than reading the rows.
        columns = list(zip(*rows, strict=True))
        ids, texts = columns[0], columns[1]
        odd: dict[str, list[str]] = {}
        for position, (names, odd_names) in enumerate(referenced):
            refs = columns[2 + position]
            texts = tuple(map(add, texts, map(names.get, refs, repeat(""))))
            for record_id, ref in zip(ids, refs, strict=True) if odd_names else ():
                if ref in odd_names:
                    odd.setdefault(record_id, []).append(odd_names[ref])
        for own_odd in columns[2 + len(referenced) :]:
            for record_id, value in zip(ids, own_odd, strict=True):
                if value is not None:
                    odd.setdefault(record_id, []).append(value)
        self._text.update(zip(ids, map(_searched_form, texts), strict=True))
        self._odd_initials.update(
            (record_id, FIELD_SEPARATOR.join(values)) for record_id, values in odd.items()
        )

    # --- searching --------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._text)

    def view(self, ordered_ids: Sequence[str]) -> SearchView:
        """``ordered_ids`` with their texts lined up, for filtering the same list keystroke after
        keystroke (the lookups are paid once)."""
        return SearchView(self, ordered_ids)

    def filter(self, ordered_ids: Sequence[str], search: str) -> list[str]:
        """The ids among ``ordered_ids`` (in their order) whose record matches every word of ``search``,
        as ``LedgerQuery.ids(search)`` would find them."""
        return self.view(ordered_ids).filter(search)


class SearchView:
    """An index's texts lined up with one ordered id list, for filtering it keystroke after keystroke
    (the 100,000 lookups are paid once). ``ordered_ids`` is kept, not copied: don't change it."""

    def __init__(self, index: SearchIndex, ordered_ids: Sequence[str]) -> None:
        self.index = index
        self.ids = ordered_ids
        self.signature = index.signature
        self.texts = list(map(index._text.get, ordered_ids, repeat("")))

    @property
    def stale(self) -> bool:
        """The index caught up with changes since: line the texts up again."""
        return self.signature != self.index.signature

    def filter(self, search: str) -> list[str]:
        ids: Sequence[str] = self.ids
        texts = self.texts
        # Every term must match: the longest (usually the rarest) first, the rest over its matches.
        terms = sorted(search.split(), key=len, reverse=True)
        for position, term in enumerate(terms):
            keep = self._matching(texts, ids, term)
            if position == len(terms) - 1:
                return list(compress(ids, keep))
            keep = list(keep)
            ids, texts = list(compress(ids, keep)), list(compress(texts, keep))
        return list(ids)

    def _matching(self, texts: list[str], ids: Sequence[str], term: str) -> Iterable[bool]:
        term = width_folded(term)  # as the SQL search takes it (ＡＢ１ is AB1, found among initials too)
        needle, folded = ascii_lower(term), fold_label(term)
        by_initials = term.isascii() and term.isalnum()
        odd = self.index._odd_initials
        if needle == folded and not (by_initials and odd):
            # The usual case (Chinese, ASCII, digits): one substring test covers text, labels and
            # initials — and a term that is not ASCII alphanumeric cannot occur in plain initials.
            return map(contains, texts, repeat(needle))
        return [
            _matches(text, needle, folded, by_initials, odd.get(record_id, ""))
            for text, record_id in zip(texts, ids, strict=True)
        ]


def _searched_form(text: str) -> str:
    """A record's text, read lowered by SQL, as the SQL search compares it: width-folded."""
    return width_folded(text, lowered=True)


def _matches(whole: str, needle: str, folded: str, by_initials: bool, odd_initials: str) -> bool:
    labels, _, text = whole.partition(PART_SEPARATOR)
    if needle in text or (by_initials and needle in odd_initials):
        return True
    # A term that folds to nothing matches every listed value, as in codes_matching.
    return folded in labels if folded else bool(labels.strip(FIELD_SEPARATOR))


def listing(query: LedgerQuery, sort_field: str | None, descending: bool) -> tuple[Signature, list[str]]:
    """Every id ``query`` lists, in the given order, and the signature of the data they were read from."""
    with query.database.engine.connect() as connection:
        signature = SearchIndex(query).read_signature(connection)
        return signature, query.ids_on(connection, "", sort_field, descending)


__all__ = ["SearchCancelled", "SearchIndex", "SearchView", "Signature", "ascii_lower", "listing"]
