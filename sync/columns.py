"""The master workbook's layout: which sheet holds each ledger and which header names each column.

Headers are matched by name, not position, ignoring case, full-/half-width forms, spaces and
punctuation, in English or Chinese (``resources/data/workbook_columns.json``). A reference field has
two columns: the referenced record's id and, beside it, its readable name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

from models.fields import LEDGERS, Field, Kind

RECORD_STATUS = "record_status"  # not "status": leads have a status field of their own

SYNC_ORDER: tuple[str, ...] = ("teams", "enterprises", "trips", "leads", "visits", "projects")
"""Parents before children, so references resolve when records are added in this order."""


class Role(Enum):
    ID = "id"
    FIELD = "field"
    REF_NAME = "ref_name"  # the readable name beside a reference's id column
    STATUS = "status"  # "deleted" marks a record deleted (rows are never removed by sync)


@dataclass(frozen=True)
class Column:
    key: str  # "id", RECORD_STATUS, a field name, or "<field>:name"
    role: Role
    en: str
    zh: str
    aliases: tuple[str, ...]
    field: Field | None = None

    def header(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


@dataclass(frozen=True)
class SheetLayout:
    ledger: str
    en: str
    zh: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]

    def title(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def header_key(text: object) -> str:
    """How a header (or sheet name) is compared: width, case, spaces and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-·:：/\\.,，、()（）\[\]【】]+", "", folded)


@cache
def _raw() -> dict[str, dict[str, object]]:
    text = resources.files("resources").joinpath("data/workbook_columns.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, object]] = json.loads(text)
    return data


def _names(entry: dict[str, object], prefix: str = "") -> tuple[str, str, tuple[str, ...]]:
    aliases = entry.get(f"{prefix}aliases" if prefix else "aliases", [])
    assert isinstance(aliases, list)
    return str(entry[f"{prefix}en"]), str(entry[f"{prefix}zh"]), tuple(str(a) for a in aliases)


@cache
def layout(ledger_name: str) -> SheetLayout:
    raw = _raw()
    common = raw["_common"]
    entry = raw[ledger_name]
    sheet = entry["sheet"]
    headers = entry["columns"]
    assert isinstance(sheet, dict) and isinstance(headers, dict)
    id_en, id_zh, id_aliases = _names(common["id"])  # type: ignore[arg-type]
    columns = [Column("id", Role.ID, id_en, id_zh, id_aliases)]
    for field in LEDGERS[ledger_name].fields:
        names = headers[field.name]
        en, zh, aliases = _names(names)
        columns.append(Column(field.name, Role.FIELD, en, zh, aliases, field))
        if field.kind is Kind.REF:
            name_en, name_zh, _ = _names(names, "name_")
            name_aliases = tuple(str(a) for a in names.get("name_aliases", []))
            columns.append(Column(f"{field.name}:name", Role.REF_NAME, name_en, name_zh, name_aliases, field))
    status_en, status_zh, status_aliases = _names(common["status"])  # type: ignore[arg-type]
    columns.append(Column(RECORD_STATUS, Role.STATUS, status_en, status_zh, status_aliases))
    en, zh, aliases = _names(sheet)
    return SheetLayout(ledger_name, en, zh, aliases, tuple(columns))


def deleted_markers() -> frozenset[str]:
    en, zh, aliases = _names(_raw()["_common"]["status_deleted"])  # type: ignore[arg-type]
    return frozenset(header_key(v) for v in (en, zh, *aliases))


def live_markers() -> frozenset[str]:
    """What a record status cell may say of a record not deleted, besides nothing (否, 正常, no…)."""
    en, zh, aliases = _names(_raw()["_common"]["status_live"])  # type: ignore[arg-type]
    return frozenset(header_key(v) for v in (en, zh, *aliases))


def deleted_label(language: str) -> str:
    en, zh, _ = _names(_raw()["_common"]["status_deleted"])  # type: ignore[arg-type]
    return zh if language.startswith("zh") else en


def header_index(sheet: SheetLayout) -> dict[str, str]:
    """header_key(any accepted header) -> column key."""
    index: dict[str, str] = {}
    for column in sheet.columns:
        for name in (column.en, column.zh, *column.aliases):
            index.setdefault(header_key(name), column.key)
    return index


def sheet_index() -> dict[str, str]:
    """header_key(any accepted sheet name) -> ledger name."""
    index: dict[str, str] = {}
    for ledger_name in SYNC_ORDER:
        sheet = layout(ledger_name)
        for name in (sheet.en, sheet.zh, *sheet.aliases):
            index.setdefault(header_key(name), ledger_name)
    return index
