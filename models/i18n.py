"""Marking of user-visible strings that live outside ui/.

models/ may not import Qt, yet its labels and messages must reach Qt's translation tools. The names
below are the ones ``pyside6-lupdate`` recognises, so the strings are extracted into the ``.ts`` files;
ui/ translates them at display time with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations

import errno
from pathlib import Path


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    del context
    return text


# Why a file could not be used, for the {detail} of a message (context "Reason"): the operating
# system's own text is English, whatever the language of the screen.
NO_PERMISSION = QT_TRANSLATE_NOOP(
    "Reason", "permission denied; it may be open in another program, or read-only"
)
_OS_REASONS = {
    errno.EACCES: NO_PERMISSION,
    errno.EPERM: NO_PERMISSION,
    errno.ENOENT: QT_TRANSLATE_NOOP(
        "Reason", "it does not exist; a folder may have been moved, or a network drive disconnected"
    ),
    errno.ENOTDIR: QT_TRANSLATE_NOOP("Reason", "a folder on the way does not exist"),
    errno.ENOSPC: QT_TRANSLATE_NOOP("Reason", "the disk is full"),
    errno.EROFS: QT_TRANSLATE_NOOP("Reason", "the disk is read-only"),
    errno.EBUSY: QT_TRANSLATE_NOOP("Reason", "it is in use by another program"),
    errno.EISDIR: QT_TRANSLATE_NOOP("Reason", "it is a folder"),
    errno.ENAMETOOLONG: QT_TRANSLATE_NOOP("Reason", "the name is too long"),
    errno.EIO: QT_TRANSLATE_NOOP("Reason", "the disk or network could not be read or written"),
}


IN_USE = QT_TRANSLATE_NOOP(
    "Reason",
    "it is open in {program}: close it there and try again (if nobody has it open, a crash left {file} "
    "beside it: delete that file)",
)


class FileInUse(OSError):
    """A file another program has open, as the owner file it keeps beside it says."""

    def __init__(self, path: Path, program: str, owner_file: Path) -> None:
        self.reason_args = {"program": program, "file": owner_file.name}
        super().__init__(errno.EBUSY, IN_USE.format(**self.reason_args), str(path))


def os_reason(error: OSError) -> str:
    """Why an operating-system call failed: a translatable phrase (context "Reason") where one is
    known, else the system's own text. Fill it in with :func:`with_reason_args`."""
    if isinstance(error, FileInUse):
        return IN_USE
    return _OS_REASONS.get(error.errno or 0) or error.strerror or str(error)


def with_reason_args(reason: str, error: OSError) -> str:
    """:func:`os_reason`'s phrase (translated or not) with its arguments filled in; most have none,
    and a system's text is left as it is (a file name in it may hold braces)."""
    return reason.format(**error.reason_args) if isinstance(error, FileInUse) else reason


# SQLite's own complaints (English), for the same {detail}: the ones a user can act on.
READ_ONLY = QT_TRANSLATE_NOOP("Reason", "the file is read-only")
_LOCKED = QT_TRANSLATE_NOOP("Reason", "another program is writing to it; try again in a moment")
_DATABASE_REASONS = (
    ("locked", _LOCKED),
    ("busy", _LOCKED),
    ("full", _OS_REASONS[errno.ENOSPC]),
    ("readonly", READ_ONLY),
    ("malformed", QT_TRANSLATE_NOOP("Reason", "the file is damaged")),
    ("disk i/o", _OS_REASONS[errno.EIO]),
)


def database_reason(error: BaseException) -> str:
    """Why a database statement failed: a translatable phrase (context "Reason") where one is known,
    else SQLite's own text (without the statement SQLAlchemy appends)."""
    detail = str(getattr(error, "orig", None) or error).split("\n", 1)[0]
    lowered = detail.lower()
    return next((reason for word, reason in _DATABASE_REASONS if word in lowered), detail)
