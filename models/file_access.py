"""Whether a file may be written now: another program has it open, or it is read-only.

:func:`open_elsewhere` reads the owner files Excel/WPS (``~$name.xlsx``) and LibreOffice
(``.~lock.name.xlsx#``) leave beside a workbook they have open: a sync reads such a workbook but does
not write it, and a report is not written over it. :func:`is_read_only` says whether the file is marked
read-only, which POSIX's rename would ignore. Plain standard library, no Qt.
"""

from __future__ import annotations

import locale
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_OWNER_FILE_MAX = 4096  # owner files are 162-165 bytes (Office) or one short line (LibreOffice)
_MSO_NAME_MAX = 52  # Office refuses longer user names


def is_read_only(path: Path) -> bool:
    """The file is there and marked read-only: writable by nobody (Windows' read-only flag reads so).
    A file that another user owns and only they may write is not: replacing it takes the folder's
    write permission, not the file's, and a master in a group's shared folder belongs to whoever
    last synced it."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return False
    return stat.S_IMODE(mode) & 0o222 == 0


@dataclass(frozen=True)
class OpenedBy:
    """Who has the workbook open, as far as the owner file beside it says."""

    program: str  # "LibreOffice" or "Excel/WPS": names, the same in every language
    user: str | None  # None when the owner file cannot be read
    host: str | None
    owner_file: Path  # left behind by a crash, it looks the same as a workbook that is open

    def who(self) -> str:
        """The user and host that are known, e.g. ``"陈七, PC-1"``; empty when neither is."""
        return ", ".join(part for part in (self.user, self.host) if part)


def open_elsewhere(workbook: Path) -> OpenedBy | None:
    """Who has the workbook open in LibreOffice, Excel or WPS, or None."""
    workbook = Path(workbook)
    libre = workbook.with_name(f".~lock.{workbook.name}#")
    if libre.is_file():
        name, host = _libreoffice_owner(_read_head(libre))
        return OpenedBy("LibreOffice", name, host, libre)
    owner = excel_owner_file(workbook)
    if owner.is_file():
        return OpenedBy("Excel/WPS", _excel_owner(_read_head(owner)), None, owner)
    return None


def excel_owner_file(workbook: Path) -> Path:
    """Where Excel or WPS put their owner file: ``~$`` + the whole name. (Word drops the first one or
    two characters of a long name, Excel never does: ``~$24Q1.xlsx`` is ``24Q1.xlsx``'s, not
    ``2024Q1.xlsx``'s.)"""
    workbook = Path(workbook)
    return workbook.with_name(f"~${workbook.name}")


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(_OWNER_FILE_MAX)
    except OSError:
        return b""


def _clean_name(text: str) -> str | None:
    text = unicodedata.normalize("NFC", text).strip().strip("\x00").strip()
    if not text or any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text):
        return None
    return text[:64]


def _excel_owner(data: bytes) -> str | None:
    """The user name in an Office owner file, best effort.

    Layout (Office 2016, as reverse-engineered by LibreOffice): byte 0 is the name's length; the name
    follows in the Windows ANSI code page, padded (spaces for Excel, zeros for Word) up to offset 0x37
    (Excel, PowerPoint) or 0x36 (Word); there a 2-byte little-endian length and the name in UTF-16-LE.
    """
    if not data:
        return None
    for offset in (0x37, 0x36):
        if len(data) < offset + 2:
            continue
        length = int.from_bytes(data[offset : offset + 2], "little")
        end = offset + 2 + 2 * length
        if 0 < length <= _MSO_NAME_MAX and end <= len(data):
            try:
                name = _clean_name(data[offset + 2 : end].decode("utf-16-le"))
            except UnicodeDecodeError:
                name = None
            if name:
                return name
    length = data[0]
    if 0 < length <= 2 * _MSO_NAME_MAX and len(data) > length:
        ansi = data[1 : 1 + length]
        encodings = ["utf-8", locale.getpreferredencoding(False), "gbk", "cp1252"]
        for encoding in dict.fromkeys(encodings):
            try:
                name = _clean_name(ansi.decode(encoding))
            except (UnicodeDecodeError, LookupError):
                continue
            if name:
                return name
    return None


def _libreoffice_owner(data: bytes) -> tuple[str | None, str | None]:
    """(user, host) from LibreOffice's ``.~lock.name#``: ``full name,user,host,date,profile;``.

    Fields are separated by commas, the entry ends with ``;``, and ``\\`` escapes those characters.
    """
    text = data.decode("utf-8", errors="replace")
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            fields.append("".join(current))
            current = []
        elif ch == ";":
            break
        else:
            current.append(ch)
    fields.append("".join(current))
    fields += [""] * (3 - len(fields))
    name = _clean_name(fields[0]) or _clean_name(fields[1])
    return name, _clean_name(fields[2])
