"""Controlled vocabularies (industries, regions, visit kinds, statuses, stages).

Records store a stable code; labels in each language come from ``resources/data/controlled_lists.json``
so translations live with the lists, not in code.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Term:
    code: str
    en: str
    zh: str
    priority: bool = False
    manufacturing: bool = False  # industries: their projects are usually manufacturing ones
    demo_weight: float = 0.0
    cities: tuple[str, ...] = field(default_factory=tuple)

    def label(self, language: str = "en") -> str:
        return self.zh if language.startswith("zh") else self.en


@cache
def _lists() -> dict[str, tuple[Term, ...]]:
    text = resources.files("resources").joinpath("data/controlled_lists.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    return {
        name: tuple(
            Term(
                code=item["code"],
                en=item["en"],
                zh=item["zh"],
                priority=bool(item.get("priority", False)),
                manufacturing=bool(item.get("manufacturing", False)),
                demo_weight=float(item.get("demo_weight", 0.0)),
                cities=tuple(item.get("cities", ())),
            )
            for item in items
        )
        for name, items in raw.items()
    }


def terms(list_name: str) -> tuple[Term, ...]:
    return _lists()[list_name]


def codes(list_name: str) -> tuple[str, ...]:
    return tuple(term.code for term in terms(list_name))


def label(list_name: str, code: str | None, language: str = "en") -> str:
    if code is None:
        return ""
    for term in terms(list_name):
        if term.code == code:
            return term.label(language)
    return code


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


@cache
def _codes_by_folded_name(list_name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for term in terms(list_name):
        for name in (term.code, term.en, term.zh):
            index.setdefault(_fold(name), term.code)
    return index


def code_for(list_name: str, text: str) -> str | None:
    """Map a code or a label in either language (as typed in a workbook) to its code."""
    index = _codes_by_folded_name(list_name)
    return index.get(text) or index.get(_fold(text))


def codes_matching(list_name: str, fragment: str) -> list[str]:
    """Codes whose label in either language contains ``fragment`` (for search boxes)."""
    wanted = _fold(fragment)
    return [t.code for t in terms(list_name) if wanted in _fold(t.en) or wanted in _fold(t.zh)]


PROJECT_STAGES: tuple[str, ...] = (
    "signed",
    "land_supplied",
    "construction_started",
    "completed",
    "in_operation",
    "up_to_standard",
)
