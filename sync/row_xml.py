"""Reading back single worksheet rows as written, to check a patch without reading the whole sheet.

A second opinion on ``sync.xlsx_patch``: an independent, minimal reader of the ``<row>`` elements it
wrote. Values come out as a workbook reader gives them (text, numbers as float, booleans), so the same
converters that read the workbook can judge them. Shared-string cells are not resolved (the patch never
writes one); they read as :class:`SharedString`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class RowXmlError(ValueError):
    """The row's XML cannot be read."""


@dataclass(frozen=True)
class SharedString:
    index: int


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _unescape(text: str) -> str:
    """OOXML's ``_xHHHH_`` escapes, as spreadsheet readers decode them (``_x005F_`` is a literal ``_``)."""
    return _ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)


def read_row(xml: bytes) -> tuple[int, dict[int, Any]]:
    """(row number, 1-based column -> value) of one ``<row>`` element; empty cells are left out."""
    parser = expat.ParserCreate()  # not namespace-aware: prefixed names ("x:c") are taken by local name
    state: dict[str, Any] = {"row": None, "cell": None, "text": None, "in_phonetic": False}
    cells: dict[int, Any] = {}
    column_counter = [0]

    def start(name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            state["row"] = int(attributes.get("r", "0") or 0)
        elif local == "c":
            reference = attributes.get("r")
            if reference:
                match = _CELL_REFERENCE.match(reference)
                if match is None:
                    raise RowXmlError(f"bad cell reference {reference!r}")
                column_counter[0] = _column_index(match[1])
            else:
                column_counter[0] += 1
            state["cell"] = {"type": attributes.get("t", "n"), "value": None, "inline": []}
        elif local == "rPh":
            state["in_phonetic"] = True
        elif local in ("v", "t") and state["cell"] is not None and not state["in_phonetic"]:
            state["text"] = []

    def end(name: str) -> None:
        local = _local(name)
        cell = state["cell"]
        if local == "rPh":
            state["in_phonetic"] = False
        elif local in ("v", "t") and state["text"] is not None and cell is not None:
            text = "".join(state["text"])
            if local == "v":
                cell["value"] = text
            else:
                cell["inline"].append(text)
            state["text"] = None
        elif local == "c" and cell is not None:
            value = _value(cell)
            if value is not None:
                cells[column_counter[0]] = value
            state["cell"] = None

    def characters(data: str) -> None:
        if state["text"] is not None:
            state["text"].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise RowXmlError(str(error)) from None
    if state["row"] is None:
        raise RowXmlError("not a <row> element")
    return state["row"], cells


def _value(cell: dict[str, Any]) -> Any:
    kind, raw = cell["type"], cell["value"]
    if kind == "inlineStr":
        return _unescape("".join(cell["inline"])) if cell["inline"] else None
    if raw is None or (kind not in ("str", "e") and not raw.strip()):
        return None
    if kind == "s":
        return SharedString(int(raw))
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return _unescape(raw)
    try:
        return float(raw)
    except ValueError:
        raise RowXmlError(f"{raw!r} is not a number") from None


__all__ = ["RowXmlError", "SharedString", "read_row"]
