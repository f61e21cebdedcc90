"""Validation shared by the dialogs, the demo generator and (later) the workbook import.

Pure functions over plain values: ``validate(ledger, values)`` returns the problems, each tied to the
field it concerns, so a dialog can show it beside that field and an import can report sheet/row/column.
Messages are English source strings (context ``"Validation"``) with ``{placeholders}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from typing import Any

from models import controlled
from models.fields import LEDGERS, MILESTONES, Kind
from models.i18n import QT_TRANSLATE_NOOP
from models.normalize import credit_code_problem
from models.parsing import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    args: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def text(self) -> str:
        return self.message.format(**self.args)


class ValidationError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.text()}" for p in problems))
        self.problems = problems


REQUIRED = QT_TRANSLATE_NOOP("Validation", "This field is required.")
NOT_IN_LIST = QT_TRANSLATE_NOOP("Validation", "“{value}” is not in the list of allowed values.")
NEGATIVE = QT_TRANSLATE_NOOP("Validation", "The amount cannot be negative.")
TOO_LARGE = QT_TRANSLATE_NOOP(
    "Validation", "The amount is over {limit} 万元: is it in yuan rather than 万元, or a code pasted here?"
)
NOT_A_NUMBER = QT_TRANSLATE_NOOP("Validation", "“{value}” is not an amount.")
NOT_A_DATE = QT_TRANSLATE_NOOP("Validation", "“{value}” is not a date.")
IMPLAUSIBLE_DATE = QT_TRANSLATE_NOOP("Validation", "A date here lies between {first} and {last}.")
BAD_CREDIT_CODE = QT_TRANSLATE_NOOP("Validation", "Credit code {reason}.")
DATE_BEFORE = QT_TRANSLATE_NOOP("Validation", "This date cannot be before {other} ({other_date}).")
TOO_LONG = QT_TRANSLATE_NOOP(
    "Validation", "This text is {length} characters long; a workbook cell holds at most {limit}."
)

CELL_TEXT_LIMIT = 32_767
"""Characters (UTF-16 code units, as Excel counts them) a workbook cell holds: longer text could
never be synced to the master workbook."""

_CREDIT_CODE_REASONS = (
    QT_TRANSLATE_NOOP("Validation", "must be 18 characters"),
    QT_TRANSLATE_NOOP("Validation", "contains a character not allowed in a credit code"),
    QT_TRANSLATE_NOOP("Validation", "check digit does not match"),
)

# (earlier field, later field): the later date may not precede the earlier one.
_DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "trips": (("start_date", "end_date"),),
    "visits": (("visit_date", "next_action_date"),),
    "leads": (("discovered_on", "next_follow_up"),),
    "projects": tuple(
        pair
        for column in (1, 2)  # planned dates in order, actual dates in order
        for pair in zip(
            ("signed_on", *(m[column] for m in MILESTONES[:-1])),
            tuple(m[column] for m in MILESTONES),
            strict=True,
        )
    ),
}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _latest_before(values: Mapping[str, Any], order: tuple[tuple[str, str], ...], later: str) -> str | None:
    """For a chain a≤b≤c with b empty, c is still checked against a."""
    earlier_of = {b: a for a, b in order}
    candidate = earlier_of.get(later)
    while candidate is not None and not isinstance(values.get(candidate), date):
        candidate = earlier_of.get(candidate)
    return candidate


def validate(ledger_name: str, values: Mapping[str, Any], *, typed: bool = True) -> list[Problem]:
    """The problems of a record's values. ``typed``: values a person enters here, whose dates must lie
    in 1950-2099 (a slip of the year); a sync passes False for what a workbook's date cells hold, any
    year (a record from before that rule reads back as it was written)."""
    ledger = LEDGERS[ledger_name]
    problems: list[Problem] = []
    for spec in ledger.fields:
        value = values.get(spec.name)
        if _is_blank(value):
            if spec.required:
                problems.append(Problem(spec.name, REQUIRED))
            continue
        if spec.kind is Kind.CHOICE and spec.choices and value not in controlled.codes(spec.choices):
            problems.append(Problem(spec.name, NOT_IN_LIST, {"value": value}))
        elif spec.kind is Kind.MONEY:
            if not isinstance(value, Decimal | int | float) or isinstance(value, bool):
                problems.append(Problem(spec.name, NOT_A_NUMBER, {"value": value}))
            elif value < 0:
                problems.append(Problem(spec.name, NEGATIVE))
            elif value > MAX_AMOUNT:
                problems.append(Problem(spec.name, TOO_LARGE, {"limit": f"{MAX_AMOUNT:,}"}))
        elif spec.kind is Kind.DATE and not isinstance(value, date):
            problems.append(Problem(spec.name, NOT_A_DATE, {"value": value}))
        elif (
            typed
            and spec.kind is Kind.DATE
            and isinstance(value, date)
            and not FIRST_YEAR <= value.year <= LAST_YEAR
        ):
            problems.append(
                Problem(spec.name, IMPLAUSIBLE_DATE, {"first": str(FIRST_YEAR), "last": str(LAST_YEAR)})
            )
        elif isinstance(value, str) and len(value) > CELL_TEXT_LIMIT // 2:
            length = len(value.encode("utf-16-le")) // 2
            if length > CELL_TEXT_LIMIT:
                problems.append(
                    Problem(spec.name, TOO_LONG, {"length": f"{length:,}", "limit": f"{CELL_TEXT_LIMIT:,}"})
                )
    if ledger_name == "enterprises" and not _is_blank(values.get("credit_code")):
        reason = credit_code_problem(str(values["credit_code"]))
        if reason is not None:
            problems.append(Problem("credit_code", BAD_CREDIT_CODE, {"reason": reason}))
    order = _DATE_ORDER.get(ledger_name, ())
    for _, later in order:
        later_value = values.get(later)
        earlier = _latest_before(values, order, later)
        if earlier is None or not isinstance(later_value, date):
            continue
        earlier_value = values[earlier]
        if later_value < earlier_value:
            problems.append(
                Problem(
                    later,
                    DATE_BEFORE,
                    {"other": ledger.field(earlier).label, "other_date": earlier_value.isoformat()},
                )
            )
    return problems
