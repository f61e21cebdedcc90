"""Showing model values and model strings to the user: translation and formatting in one place."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCollator, QCoreApplication, QLocale

from models import controlled
from models.fields import Field, Kind, Ledger
from models.i18n import os_reason, with_reason_args
from models.reports.periods import Period, parse_period
from models.validation import Problem
from sync.columns import layout
from sync.history import AUTHOR_SUFFIX


def tr(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def space_before(note: str) -> str:
    """The space between a text and a bracketed note after it: none before a full-width bracket,
    which brings its own (名称（已删除）, not 名称 （已删除）)."""
    return "" if note.startswith("（") else " "


def language() -> str:
    """The language of the controlled-list labels: follows the UI language."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def label_order(list_name: str) -> tuple[str, ...]:
    """A controlled list's codes in the order of their labels on screen (Chinese by pinyin)."""
    lang = language()
    collator = QCollator(QLocale())
    collator.setNumericMode(True)
    terms = controlled.terms(list_name)
    return tuple(t.code for t in sorted(terms, key=lambda t: collator.sortKey(t.label(lang))))


def field_label(field: Field) -> str:
    return tr("Field", field.label)


def problem_text(problem: Problem) -> str:
    args = dict(problem.args)
    if "other" in args:
        args["other"] = tr("Field", str(args["other"]))
    if "reason" in args:
        args["reason"] = tr("Validation", str(args["reason"]))
    return tr("Validation", problem.message).format(**args)


def problems_text(ledger: Ledger, problems: Iterable[Problem]) -> str:
    """Problems for a message box, one a line, each after its field's label when it is about one of
    ``ledger``'s fields (a dialog shows them beside the fields; a message box must name them)."""
    names = {field.name: field for field in ledger.fields}
    return "\n".join(
        tr("Validation", "{field}: {problem}").format(
            field=field_label(names[p.field]), problem=problem_text(p)
        )
        if p.field in names
        else problem_text(p)
        for p in problems
    )


def reason_text(detail: str) -> str:
    """A message's ``{detail}``: translated when it is one of the known reasons (context "Reason")."""
    return tr("Reason", detail)


def error_text(error: object, named: Path | None = None) -> str:
    """An exception for a message: a file's error says which file and why, in the screen's language
    (only why, when the file is ``named`` in the message already)."""
    if isinstance(error, OSError):
        reason = with_reason_args(reason_text(os_reason(error)), error)
        if not error.filename or (named is not None and Path(os.fsdecode(error.filename)) == named):
            return reason
        return f"{error.filename}: {reason}"
    return str(error)


def typed_period(text: str) -> Period | str:
    """The period typed, or why no report can be made of it (in the screen's language)."""
    try:
        period = parse_period(text)
    except ValueError:
        return tr("Reports", "“{text}” is not a period: use 2024, 2024Q1, 2024-03 or 2024W12.").format(
            text=text
        )
    if period.first > date.today():
        return tr("Reports", "{period} has not begun yet: it starts on {first}.").format(
            period=period.label, first=period.first.isoformat()
        )
    return period


def author_text(author: str) -> str:
    """Who made a change: a sync stores changes that came from the workbook as "name (workbook)"."""
    if author.endswith(AUTHOR_SUFFIX):
        return tr("Detail", "{name} (workbook)").format(name=author.removesuffix(AUTHOR_SUFFIX))
    return author


def header_text(ledger: str, english_header: str) -> str:
    """A ledger column's header (stored in English with a sync issue) in the language shown."""
    column = next((c for c in layout(ledger).columns if c.en == english_header), None)
    return column.header(language()) if column is not None else english_header


def format_amount(value: Decimal | float | int) -> str:
    text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
    return text


def format_value(field: Field, value: Any) -> str:
    if value is None or value == "":
        return ""
    if field.kind is Kind.BOOL:
        return tr("Value", "Yes") if value else tr("Value", "No")
    if field.kind is Kind.CHOICE and field.choices:
        return controlled.label(field.choices, str(value), language())
    if field.kind is Kind.MONEY:
        return format_amount(value)
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
