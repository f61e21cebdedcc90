"""SQL behind the ledger tables: ordered id lists and pages of display rows.

A table asks for the ids of the rows it shows (searched and sorted in SQL; 100,000 ids are cheap), then
for the display values of the few hundred rows on screen, by id. Nothing here knows about Qt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    String,
    case,
    cast,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import literal

from models import controlled
from models.database import Database
from models.fields import LEDGERS, Field, Kind
from models.normalize import FULL_WIDTH_OFFSET, width_folded
from models.schema import LEDGER_MODELS, Enterprise, Team

_PAGE_CHUNK = 500


def id_chunks(ids: Sequence[str], size: int = _PAGE_CHUNK) -> Iterator[list[str]]:
    """``ids`` in lists short enough for one ``IN (…)`` each."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def display_expression(ledger_name: str, table: Any) -> ColumnElement[Any]:
    """How a record of ``ledger_name`` is named when another record refers to it."""
    if ledger_name == "trips":
        city = func.coalesce(table.destination_city, "")
        return city.concat(literal(" ")).concat(cast(table.start_date, String))
    column: ColumnElement[Any] = getattr(table, LEDGERS[ledger_name].display_field)
    return column


def _width_folded(expression: ColumnElement[Any], term: str) -> ColumnElement[Any]:
    """``expression`` as :func:`models.normalize.width_folded` would make it, as far as ``term`` (folded
    already) can tell: only the full-width forms of its ASCII characters are replaced, so a term of
    Chinese characters costs nothing, and the same records match as in the whole folded text."""
    for character in sorted(set(term)):
        if "!" <= character <= "~":
            for form in {character.lower(), character.upper()}:  # LIKE ignores ASCII case only
                expression = func.replace(expression, chr(ord(form) + FULL_WIDTH_OFFSET), form)
    return expression


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class TableColumn:
    field: Field
    expression: ColumnElement[Any]
    # A reference: whether the record it names is deleted (its name is still shown, marked so).
    target_deleted: ColumnElement[Any] | None = None


@dataclass(frozen=True)
class MarkedRow:
    values: tuple[Any, ...]  # one per column
    deleted_references: frozenset[str]  # the reference fields whose record is deleted


class LedgerQuery:
    """The rows of one ledger as a table shows them: live or deleted, searched, sorted.

    ``label_order`` gives, per controlled list, its codes in the order of the labels shown (which
    depends on the screen's language and its collation, known only to the caller): a choice column
    is then sorted by what it shows, not by its stored code. A list not given sorts by code.
    """

    def __init__(
        self,
        database: Database,
        ledger_name: str,
        *,
        deleted: bool = False,
        label_order: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.database = database
        self.label_order: dict[str, tuple[str, ...]] = {
            name: tuple(codes) for name, codes in (label_order or {}).items()
        }
        self.ledger = LEDGERS[ledger_name]
        self.model = LEDGER_MODELS[ledger_name]
        self.deleted = deleted
        source: FromClause = self.model.__table__
        columns = []
        # Names that can also be found by their pinyin initials ("zqgd" finds 肇庆高端…).
        initials: list[ColumnElement[Any]] = []
        if hasattr(self.model, "name_initials"):
            initials.append(self.model.name_initials)
        for field in self.ledger.table_fields:
            if field.kind is Kind.REF and field.ref:
                target = aliased(LEDGER_MODELS[field.ref], name=f"ref_{field.name}")
                source = source.outerjoin(target, getattr(self.model, field.name) == target.id)
                if hasattr(target, "name_initials"):
                    initials.append(target.name_initials)
                target_deleted: ColumnElement[Any] = target.deleted.expression
                columns.append(TableColumn(field, display_expression(field.ref, target), target_deleted))
            else:
                columns.append(TableColumn(field, getattr(self.model, field.name)))
        self.columns: tuple[TableColumn, ...] = tuple(columns)
        # The ledger joined to every ledger it refers to, and the initials columns a search also
        # matches: shared with models.search, which must see exactly what the SQL search sees.
        self.source: FromClause = source
        self.initials: tuple[ColumnElement[Any], ...] = tuple(initials)

    def _filtered(self, statement: Select[Any], search: str, joined: bool = True) -> Select[Any]:
        source = self.source if joined or search.strip() else self.model.__table__
        statement = statement.select_from(source).where(self.model.deleted.is_(self.deleted))
        for term in map(width_folded, search.split()):
            pattern = _like_pattern(term)
            alternatives: list[ColumnElement[bool]] = []
            for column in self.columns:
                kind = column.field.kind
                if kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.REF):
                    alternatives.append(_width_folded(column.expression, term).like(pattern, escape="\\"))
                elif kind is Kind.DATE:
                    alternatives.append(cast(column.expression, String).like(pattern, escape="\\"))
                elif kind is Kind.CHOICE and column.field.choices:
                    codes = controlled.codes_matching(column.field.choices, term)
                    if codes:
                        alternatives.append(column.expression.in_(codes))
            if term.isascii() and term.isalnum():
                alternatives.extend(initials.like(pattern.lower(), escape="\\") for initials in self.initials)
            statement = statement.where(or_(*alternatives) if alternatives else false())
        return statement

    def ids(self, search: str = "", sort_field: str | None = None, descending: bool = False) -> list[str]:
        with self.database.engine.connect() as connection:
            return self.ids_on(connection, search, sort_field, descending)

    def ids_on(
        self,
        connection: Connection,
        search: str = "",
        sort_field: str | None = None,
        descending: bool = False,
    ) -> list[str]:
        """:meth:`ids` read through an open connection (in its transaction, with what else it reads)."""
        return first_column(connection, self.id_statement(search, sort_field, descending))

    def id_statement(
        self, search: str = "", sort_field: str | None = None, descending: bool = False
    ) -> Select[Any]:
        """The SELECT behind :meth:`ids`."""
        sort = self._sort_column(sort_field)
        # Joins only when a referenced name is searched or sorted on: the default listing then
        # comes straight from the (deleted, sort, id) covering index.
        statement = self._filtered(select(self.model.id), search, joined=self.sorts_through_join(sort_field))
        keys = [*self._sort_keys(sort), self.model.id]
        ordering = [key.desc() if descending else key.asc() for key in keys]
        return statement.order_by(*ordering)

    def _sort_keys(self, sort: TableColumn | None) -> list[ColumnElement[Any]]:
        """What the rows are ordered by, before their id: a choice column by the position of its label
        (a code not in the list after those that are, by code); anything else by its value."""
        if sort is None:
            created: ColumnElement[Any] = self.model.created_at.expression
            return [created]
        order = self.label_order.get(sort.field.choices or "") if sort.field.kind is Kind.CHOICE else None
        if not order:
            return [sort.expression]
        ranks = case({code: rank for rank, code in enumerate(order)}, value=sort.expression, else_=len(order))
        # Empty first when ascending, as in every other column (SQLite orders NULL first).
        position = case((sort.expression.is_(None), -1), else_=ranks)
        return [position, sort.expression]

    def sorts_through_join(self, sort_field: str | None) -> bool:
        """Whether listing in this order joins another ledger (sorting on a referenced record's name),
        rather than reading an index of this one."""
        sort = self._sort_column(sort_field)
        return sort is not None and sort.field.kind is Kind.REF

    def _sort_column(self, sort_field: str | None) -> TableColumn | None:
        sort_name = sort_field or self.ledger.default_sort
        return next((c for c in self.columns if c.field.name == sort_name), None)

    def rows(self, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """Display values by id, one value per column in :attr:`columns` order."""
        return {record_id: row.values for record_id, row in self.marked_rows(ids).items()}

    def marked_rows(self, ids: Sequence[str]) -> dict[str, MarkedRow]:
        """:meth:`rows`, each with the fields that name a deleted record."""
        found: dict[str, MarkedRow] = {}
        expressions = [c.expression for c in self.columns]
        references = [(c.field.name, c.target_deleted) for c in self.columns if c.target_deleted is not None]
        width = len(expressions) + 1
        with self.database.engine.connect() as connection:
            for chunk in id_chunks(ids):
                statement = (
                    select(self.model.id, *expressions, *(deleted for _name, deleted in references))
                    .select_from(self.source)
                    .where(self.model.id.in_(chunk))
                )
                for row in connection.execute(statement):
                    marks = row[width:]
                    deleted = frozenset(
                        name for (name, _), mark in zip(references, marks, strict=True) if mark
                    )
                    found[row[0]] = MarkedRow(tuple(row[1:width]), deleted)
        return found

    def count(self, search: str = "") -> int:
        statement = self._filtered(select(func.count()), search)
        with self.database.engine.connect() as connection:
            return int(connection.execute(statement).scalar_one())


def first_column(connection: Connection, statement: Select[Any]) -> list[Any]:
    """The first column of every row, read through the SQLite driver.

    A ledger lists 100,000 ids when it opens; SQLAlchemy's row objects take 0.15 s of that, the driver
    0.06 s. The statement is compiled by SQLAlchemy as usual; its parameters here are plain values
    (search patterns, codes, flags) that need no type processing.
    """
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    if compiled.positiontup is None or any(
        bind.type.bind_processor(connection.dialect) is not None for bind in compiled.binds.values()
    ):
        return list(connection.execute(statement).scalars())
    parameters = tuple(compiled.params[name] for name in compiled.positiontup)
    cursor = connection.connection.driver_connection.execute(str(compiled), parameters)  # type: ignore[union-attr]
    return [row[0] for row in cursor]


def lookup(database: Database, ledger_name: str, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, name) of live records whose name contains ``text``, names starting with it first."""
    model = LEDGER_MODELS[ledger_name]
    name = display_expression(ledger_name, model)
    statement = select(model.id, name).where(model.deleted.is_(False))
    text = width_folded(text.strip())
    if text:
        folded_name = _width_folded(name, text)
        matches: ColumnElement[bool] = folded_name.like(_like_pattern(text), escape="\\")
        if hasattr(model, "name_initials") and text.isascii() and text.isalnum():
            matches = or_(matches, model.name_initials.like(_like_pattern(text.lower()), escape="\\"))
        statement = statement.where(matches)
        starts = folded_name.like(text.replace("%", "").replace("_", "") + "%")
        statement = statement.order_by(starts.desc(), name)
    else:
        statement = statement.order_by(name)
    with database.engine.connect() as connection:
        found = [(row[0], row[1] or "") for row in connection.execute(statement.limit(limit))]
        return _told_apart(connection, ledger_name, found)


def _told_apart(
    connection: Connection, ledger_name: str, found: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Names shared by several records, each with what tells it apart: its team (four teams went to
    深圳 on the same day), a team's unit, an enterprise's credit code; failing that, its ID's start.
    Picked from a list, each name must be one record, not always the first of its name."""
    counts = Counter(name for _record_id, name in found)
    shared = [record_id for record_id, name in found if counts[name] > 1]
    if not shared:
        return found
    model = LEDGER_MODELS[ledger_name]
    statement: Select[str, str | None]
    if hasattr(model, "team_id"):
        statement = select(model.id, Team.name).outerjoin(Team, Team.id == model.team_id)
    elif ledger_name == "teams":
        statement = select(Team.id, Team.unit)
    elif ledger_name == "enterprises":
        statement = select(Enterprise.id, Enterprise.credit_code)
    else:
        statement = select(model.id, literal(None))
    hints: dict[str, str | None] = {
        row[0]: row[1] for row in connection.execute(statement.where(model.id.in_(shared)))
    }
    labels = {
        record_id: f"{name} · {hints.get(record_id) or record_id[:8]}" if counts[name] > 1 else name
        for record_id, name in found
    }
    repeated = Counter(labels.values())  # the same team went twice: the ID tells them apart
    labels = {rid: f"{label} · {rid[:8]}" if repeated[label] > 1 else label for rid, label in labels.items()}
    return [(record_id, labels[record_id]) for record_id, _name in found]


__all__ = ["LedgerQuery", "MarkedRow", "TableColumn", "display_expression", "id_chunks", "lookup"]
