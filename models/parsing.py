"""Reading hand-typed amounts and dates, as people type them in dialogs and workbooks.

Amounts: ``5000``, ``5,000``, ``5000万元``, ``1.2亿``, ``1.2亿元``, full-width digits → 万元.
Dates: ``2024-03-19``, ``2024/3/19``, ``2024.3.19``, ``2024年3月19日``.
Each returns None for text it cannot read; the caller reports the raw text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

FIRST_YEAR, LAST_YEAR = 1950, 2099
"""The years a ledger's dates can plausibly fall in (an outreach visit, a signing, a milestone): a date
outside is a slip (1024年 for 2024年), refused when typed and reported when read from the workbook."""

MAX_AMOUNT = Decimal(1_000_000_000)
"""The largest amount taken, in 万元 (10 trillion yuan, beyond any project): a larger one is a code or an
id pasted into the cell, or yuan typed as 万元. The database could hold up to 9.2×10¹⁴ 万元."""

_AMOUNT = re.compile(r"^(?P<number>[+-]?\d+(?:\.\d+)?)(?P<unit>亿元|亿|万元|万|元)?$")
_DATE = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$")


def parse_amount(text: str) -> Decimal | None:
    """An amount in 万元, or None."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    match = _AMOUNT.match(cleaned)
    if not match:
        return None
    try:
        number = Decimal(match["number"])
    except InvalidOperation:
        return None
    unit = match["unit"] or "万元"
    if unit.startswith("亿"):
        number *= 10_000
    elif unit == "元":
        number /= 10_000
    return number


def parse_date(text: str) -> date | None:
    match = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
