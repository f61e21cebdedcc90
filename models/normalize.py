"""Normalised forms used for duplicate detection and for comparing hand-typed values."""

from __future__ import annotations

import re
import unicodedata

# Longest first, so that 股份有限公司 is removed whole rather than leaving 股份.
_LEGAL_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "集团公司",
            "公司",
            "coltd",
            "colimited",
            "companylimited",
            "limited",
            "ltd",
            "incorporated",
            "inc",
            "corporation",
            "corp",
            "company",
            "co",
            "llc",
            "gmbh",
            "plc",
        ),
        key=len,
        reverse=True,
    )
)
_NOISE = re.compile(r"[\s\.,，。、·\-_/\\()（）\[\]【】\"'“”‘’&]+")
# A place name (two or three characters) and its administrative suffix at the start of a name:
# 深圳市达威… and 深圳达威… are one enterprise, as are 广东省… and 广东….
_PLACE_SUFFIX = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:特别行政区|自治区|省|市)")


def normalise_name(name: str) -> str:
    """Key under which two enterprise names count as the same enterprise.

    Ignores case, full-width/half-width forms, spaces and punctuation, the administrative suffix of a
    leading place name (深圳市… / 深圳…), and trailing legal forms (有限公司, 股份有限公司, Co., Ltd. …),
    so 「肇庆市 ABC 有限公司」 and 「肇庆abc」 share a key.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _NOISE.sub("", text)
    start = 0
    for _ in range(2):  # province, then city: 广东省深圳市… -> 广东深圳…
        place = _PLACE_SUFFIX.match(text, start)
        if place is None or place.end() == len(text):
            break
        text = text[: place.end(1)] + text[place.end() :]
        start = place.end(1)
    stripped = True
    while stripped and text:
        stripped = False
        for suffix in _LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text


def pinyin_initials(text: str) -> str:
    """What a user types to find a Chinese name by its pinyin initials: 肇庆高端装备 -> "zqgdzb".

    Latin letters and digits are kept (lower case); everything else is dropped. Heteronyms follow
    pypinyin's phrase dictionary (重庆 -> "cq").
    """
    from pypinyin import Style, lazy_pinyin

    folded = unicodedata.normalize("NFKC", text)
    letters = lazy_pinyin(folded, style=Style.FIRST_LETTER)
    return "".join(c for c in "".join(letters).casefold() if c.isascii() and c.isalnum())


CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_credit_code(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper().replace(" ", "")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when ``code`` is a well-formed credit code, else what is wrong with it (English source text)."""
    code = normalise_credit_code(code)
    if len(code) != 18:
        return "must be 18 characters"
    bad = [c for c in code if c not in CREDIT_CODE_ALPHABET]
    if bad:
        return "contains a character not allowed in a credit code"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check digit does not match"
    return None


FULL_WIDTH_OFFSET = 0xFEE0
"""Between an ASCII character from ! to ~ and its full-width form (Ａ, ２, （): U+FF01 to U+FF5E."""
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def width_folded(text: str, *, lowered: bool = False) -> str:
    """Full-width letters, digits and signs as ASCII (a Chinese input method types （ ）, Ａ, ２０２４):
    search compares text so, and either form typed finds either form stored. ``lowered``: a full-width
    Ａ as a (for text lowered already). Replacing the few distinct full-width characters a text holds
    (its ，（）：) is seven times faster than translating every character."""
    if text.isascii():
        return text
    for character in set(_FULL_WIDTH.findall(text)):
        narrowed = chr(ord(character) - FULL_WIDTH_OFFSET)
        text = text.replace(character, narrowed.lower() if lowered else narrowed)
    return text
