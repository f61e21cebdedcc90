"""Values compared by meaning, so a re-typed or reformatted cell is not a change.

``canonical(field, raw)`` turns whatever a workbook cell or the database holds into one plain form per
field kind — text stripped, dates as ISO text, amounts as exact decimal text, booleans, codes — or says
why it cannot. The merge compares only these forms; base snapshots store them as JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from models import controlled
from models.fields import Field, Kind
from models.i18n import QT_TRANSLATE_NOOP
from models.parsing import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT, parse_amount, parse_date

Canonical = str | bool | None

EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_1950 = (date(FIRST_YEAR, 1, 1) - EXCEL_EPOCH).days
SERIAL_2100 = (date(LAST_YEAR + 1, 1, 1) - EXCEL_EPOCH).days
_TRUE = {"1", "true", "yes", "y", "是", "有效", "√", "✓", "✔"}
_FALSE = {"0", "false", "no", "n", "否", "无效", "×", "✗", "✘", ""}
_TICK_OR_CROSS = {"x", "ｘ"}  # a tick on an English form, a cross (×, no) as typed on a Chinese one

NOT_A_DATE = QT_TRANSLATE_NOOP("Sync", "not a date")
NOT_AN_AMOUNT = QT_TRANSLATE_NOOP("Sync", "not an amount")
TOO_LARGE_AN_AMOUNT = QT_TRANSLATE_NOOP(
    "Sync", "over 1,000,000,000 万元: in yuan rather than 万元, or a code pasted here?"
)
NOT_YES_NO = QT_TRANSLATE_NOOP("Sync", "not yes or no")
NOT_IN_LIST = QT_TRANSLATE_NOOP("Sync", "not one of the allowed values")
TICK_OR_CROSS = QT_TRANSLATE_NOOP("Sync", "an x can mean yes (ticked) or no (crossed out): write yes or no")
OUT_OF_RANGE = QT_TRANSLATE_NOOP(
    "Sync", "not a date of 1950 to 2099 (a year typed into a date cell, or a slip of the year?)"
)


@dataclass(frozen=True)
class Unreadable:
    """A cell whose raw value cannot be read as its field's kind; the raw text is kept for the report."""

    raw: str
    reason: str
    meant: str | None = None  # a date outside 1950-2099: the one it would be (taken if already agreed)


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # phone numbers and codes typed as numbers
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def decimal_text(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.0001")).normalize(), "f")
    return "0" if text in ("-0", "") else text


def excel_serial_to_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=math.floor(serial))


def _plausible(day: date, raw: str) -> Canonical | Unreadable:
    """A date of 1950-2099, or an issue: 2024 typed into a date cell reads as 1905-07-16, 1024年 is a
    slip. The sync still takes such a date where it is the one already agreed (a record from before
    the app held entries to these years reads back as written)."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return day.isoformat()
    return Unreadable(raw, OUT_OF_RANGE, day.isoformat())


def canonical(field: Field, raw: Any) -> Canonical | Unreadable:
    """The comparable form of ``raw`` for ``field``; None for an empty cell."""
    kind = field.kind
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return False if kind is Kind.BOOL else None  # an empty yes/no cell means no
    if kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.REF):
        return _text(raw) or None
    if kind is Kind.DATE:
        if isinstance(raw, date):  # a date cell (a datetime is a date)
            return _plausible(raw.date() if isinstance(raw, datetime) else raw, _text(raw))
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            # A date cell whose East-Asian format the reader did not recognise arrives as its serial
            # number; only 1950-2099 is plausible, so a typed year like 2024 is not taken for a date.
            if SERIAL_1950 <= raw < SERIAL_2100:
                return excel_serial_to_date(float(raw)).isoformat()
            return Unreadable(_text(raw), NOT_A_DATE)
        parsed = parse_date(str(raw))
        return Unreadable(_text(raw), NOT_A_DATE) if parsed is None else _plausible(parsed, _text(raw))
    if kind is Kind.MONEY:
        if isinstance(raw, bool):
            return Unreadable(_text(raw), NOT_AN_AMOUNT)
        if isinstance(raw, int | float | Decimal):
            try:
                amount: Decimal | None = Decimal(str(raw))
            except InvalidOperation:
                amount = None
        else:
            amount = parse_amount(str(raw))
        if amount is None or not amount.is_finite():
            return Unreadable(_text(raw), NOT_AN_AMOUNT)
        if abs(amount) > MAX_AMOUNT:  # and so never too long a number to round to four places
            return Unreadable(_text(raw), TOO_LARGE_AN_AMOUNT)
        return decimal_text(amount)
    if kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        text = _text(raw).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return Unreadable(_text(raw), TICK_OR_CROSS if text in _TICK_OR_CROSS else NOT_YES_NO)
    if kind is Kind.CHOICE and field.choices:
        code = controlled.code_for(field.choices, _text(raw))
        return code if code is not None else Unreadable(_text(raw), NOT_IN_LIST)
    return _text(raw) or None


class Remembered(dict[Any, Any]):
    """A conversion that remembers its results: ``converted[value]`` converts each value once, and a
    value seen before costs one dictionary lookup (a bureau's rows repeat their dates, choices, yes/no
    and the names of the records they refer to). Only for values of one type: 1, 1.0 and True are
    one key to a dictionary."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self._convert(value)
        return converted


def converter(field: Field) -> Callable[[Any], Canonical | Unreadable]:
    """``canonical`` for one column, with the common cell types of a workbook read taken first."""
    kind = field.kind
    empty: Canonical = False if kind is Kind.BOOL else None
    if kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.REF):

        def text_cell(raw: Any) -> Canonical | Unreadable:
            if type(raw) is str:
                return raw.strip() or None
            return empty if raw is None else canonical(field, raw)

        return text_cell
    if kind is Kind.DATE:
        iso_text = Remembered(date.isoformat)

        def date_cell(raw: Any) -> Canonical | Unreadable:
            if type(raw) is date and FIRST_YEAR <= raw.year <= LAST_YEAR:
                return iso_text[raw]  # type: ignore[no-any-return]
            if raw == "" or raw is None:
                return None
            return canonical(field, raw)

        return date_cell
    if kind is Kind.CHOICE and field.choices:
        list_name = field.choices

        def text_choice(raw: str) -> Canonical | Unreadable:
            code = controlled.code_for(list_name, raw.strip())
            return code if code is not None else canonical(field, raw)

        codes = Remembered(text_choice)

        def choice_cell(raw: Any) -> Canonical | Unreadable:
            if raw == "" or raw is None:
                return None
            if type(raw) is str:
                return codes[raw]  # type: ignore[no-any-return]
            return canonical(field, raw)

        return choice_cell

    def other_cell(raw: Any) -> Canonical | Unreadable:
        if raw == "" or raw is None:
            return empty
        return canonical(field, raw)

    return other_cell


def to_model(field: Field, value: Canonical) -> Any:
    """The database value for a canonical value."""
    if value is None:
        return False if field.kind is Kind.BOOL else None
    if field.kind is Kind.DATE:
        return date.fromisoformat(str(value))
    if field.kind is Kind.MONEY:
        return Decimal(str(value))
    if field.kind is Kind.BOOL:
        return bool(value)
    return value


def from_model(field: Field, value: Any) -> Canonical:
    """The canonical value of a database value (always readable).

    The database holds typed, validated values, so the common cases skip the parsing that workbook
    cells need (this runs for every field of every record at each sync).
    """
    if value is None:
        return False if field.kind is Kind.BOOL else None
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, str) and field.kind not in (Kind.CHOICE, Kind.BOOL, Kind.MONEY, Kind.DATE):
        return value.strip() or None
    if isinstance(value, str) and field.kind is Kind.CHOICE:
        return value
    result = canonical(field, value)
    if isinstance(result, Unreadable):  # pragma: no cover - the database holds validated values
        raise ValueError(f"{field.name}: {result.raw!r} {result.reason}")
    return result
