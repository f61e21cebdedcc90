"""Never break head office's file: a sync lock, conflicted copies, atomic replace with backups.

Everything here is plain standard library and works on a local disk, a shared drive or a folder kept
in step by Dropbox, Nextcloud, Synology, WPS cloud and the like:

- :class:`SyncLock` is a small JSON file beside the workbook saying who syncs it, from which machine
  and since when. A lock older than ``stale_after`` is reported as stale and may be broken, after the
  user agrees, with :meth:`SyncLock.break_stale`.
- :func:`conflicted_copies` lists the copies a sync client makes when two people saved at once.
- :func:`replace_with_backup` keeps the previous workbook in ``.outreach-backups`` and then replaces
  it atomically with a file written beside it (:func:`temp_path_beside`), so a crash at any moment
  leaves either the old or the new workbook, never a broken one.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import stat
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

from models.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

BACKUP_FOLDER = ".outreach-backups"
"""Where :func:`replace_with_backup` keeps previous versions, beside the workbook."""

TEMP_PREFIX = ".~outreach-"
"""Temporary files start with this; sync clients such as Dropbox ignore names starting with ``.~``."""

UNKNOWN = "unknown"
"""The owner and machine of a lock file that cannot be read."""

_CHUNK = 1024 * 1024
_GARBLED_GRACE = timedelta(seconds=5)  # a lock file this young may still be being written
_BACKUP_STAMP = "%Y%m%d-%H%M%S-%f"
_BACKUP_STAMP_RE = r"-\d{8}-\d{6}-\d{6}"
_CONFLICT_MARKERS = ("conflict", "冲突")


# --- the sync lock ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    """Who holds a sync lock: a person's name, their machine, the process, and since when (UTC)."""

    owner: str
    machine: str
    pid: int
    since: datetime  # aware, UTC

    def who(self) -> tuple[str, dict[str, str]]:
        """Who holds the lock, as a message (English source, context Sync) and its arguments: a
        message that names the holder translates this one too."""
        since = _local_time(self.since)
        if self.owner == UNKNOWN and self.machine == UNKNOWN:
            return HELD_BY_UNKNOWN, {"since": since}
        return HELD_BY, {"owner": self.owner, "machine": self.machine, "pid": str(self.pid), "since": since}

    def describe(self) -> str:
        """``"陈七 on PC-1 (process 4242) since 2024-03-19 18:00"``, the time in local time."""
        message, args = self.who()
        return message.format(**args)


HELD_BY = QT_TRANSLATE_NOOP("Sync", "{owner} on {machine} (process {pid}) since {since}")
HELD_BY_UNKNOWN = QT_TRANSLATE_NOOP("Sync", "an unknown user (unreadable lock file, last changed {since})")


class LockError(Exception):
    """The workbook's sync lock is taken; ``info`` says by whom."""

    def __init__(self, info: LockInfo, workbook: Path | None = None, message: str = "") -> None:
        self.info = info
        self.workbook = workbook
        super().__init__(message or f"The sync lock on {workbook} is held by {info.describe()}.")


class LockHeld(LockError):
    """Someone else is syncing this workbook right now."""

    def __init__(self, info: LockInfo, workbook: Path | None = None) -> None:
        target = workbook if workbook is not None else "the workbook"
        super().__init__(
            info,
            workbook,
            f"{target} is being synced by {info.describe()}. Try again when that sync has finished.",
        )


class StaleLock(LockError):
    """A lock left behind, most likely by a sync that crashed; it may be broken after confirmation."""

    def __init__(self, info: LockInfo, workbook: Path | None = None) -> None:
        target = workbook if workbook is not None else "the workbook"
        super().__init__(
            info,
            workbook,
            f"{target} has an old sync lock left by {info.describe()}; that sync probably did not "
            "finish. Break the lock only if no sync is running there.",
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _machine() -> str:
    return socket.gethostname() or UNKNOWN


def _encode_lock(info: LockInfo) -> bytes:
    data = {
        "owner": info.owner,
        "machine": info.machine,
        "pid": info.pid,
        "since": info.since.astimezone(UTC).isoformat(),
        "app": "Outreach Ledger",
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _decode_lock(raw: bytes) -> LockInfo | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        owner, machine, pid, since_text = data["owner"], data["machine"], data["pid"], data["since"]
        if not (isinstance(owner, str) and isinstance(machine, str) and isinstance(since_text, str)):
            return None
        if isinstance(pid, bool) or not isinstance(pid, int):
            return None
        since = datetime.fromisoformat(since_text)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return LockInfo(owner, machine, pid, since.astimezone(UTC))


class SyncLock:
    """A lock file beside the workbook, ``.<name>.sync-lock``, holding a :class:`LockInfo` as JSON.

    >>> with SyncLock(workbook, "陈七"):
    ...     ...  # read, merge, write

    Two ``SyncLock`` objects contend even in one process: the file is created with ``O_EXCL``.
    """

    def __init__(self, workbook: Path, owner: str, stale_after: timedelta = timedelta(minutes=30)) -> None:
        self.workbook = Path(workbook)
        self.owner = owner
        self.stale_after = stale_after
        self.path = self.workbook.with_name(f".{self.workbook.name}.sync-lock")
        self._info: LockInfo | None = None

    @property
    def info(self) -> LockInfo | None:
        """What this object wrote when it acquired the lock, or None if it does not hold it."""
        return self._info

    def read(self) -> LockInfo | None:
        """Who holds the lock now (anyone), or None if there is no lock file.

        A lock file that cannot be read or parsed gives owner and machine ``"unknown"``, pid 0 and the
        file's modification time.
        """
        try:
            raw = self.path.read_bytes()[:65536]
            modified = datetime.fromtimestamp(self.path.stat().st_mtime, UTC)
        except FileNotFoundError:
            return None
        except OSError:
            return LockInfo(UNKNOWN, UNKNOWN, 0, datetime.fromtimestamp(0, UTC))
        return _decode_lock(raw) or LockInfo(UNKNOWN, UNKNOWN, 0, modified)

    def is_stale(self, info: LockInfo) -> bool:
        """Older than ``stale_after`` by its recorded time (or that far in the future: a wrong clock).

        An unreadable lock file is stale, unless it changed in the last few seconds: then it is most
        likely being written right now by another sync.
        """
        age = _now() - info.since
        if info.owner == UNKNOWN and info.machine == UNKNOWN and info.pid == 0:
            return age > _GARBLED_GRACE or age < -self.stale_after
        return age > self.stale_after or age < -self.stale_after

    def acquire(self) -> LockInfo:
        """Take the lock, or raise :class:`LockHeld` (fresh lock) or :class:`StaleLock` (old lock)."""
        if self._info is not None:
            raise RuntimeError(f"This SyncLock already holds the lock on {self.workbook}.")
        info = LockInfo(self.owner, _machine(), os.getpid(), _now())
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        for _attempt in range(3):
            try:
                fd = os.open(self.path, flags, 0o644)
                break
            except FileExistsError:
                current = self.read()
                if current is None:  # released between our attempt and the read: try again
                    continue
                if self.is_stale(current):
                    raise StaleLock(current, self.workbook) from None
                raise LockHeld(current, self.workbook) from None
        else:  # taken and released over and over: someone is busy syncing
            raise LockHeld(LockInfo(UNKNOWN, UNKNOWN, 0, _now()), self.workbook)
        try:
            try:
                _write_all(fd, _encode_lock(info))
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise
        fsync_directory(self.path.parent)
        self._info = info
        return info

    def break_stale(self) -> bool:
        """Remove the lock file if it is (still) stale; True if it was removed.

        The GUI asks the user first. A lock that has meanwhile been renewed or taken by someone else
        is left alone (False), so :meth:`acquire` then reports it as held.
        """
        current = self.read()
        if current is None or not self.is_stale(current):
            return False
        if self.read() != current:  # changed while we looked
            return False
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        log.warning("Broke the stale sync lock on %s left by %s", self.workbook, current.describe())
        return True

    def release(self) -> bool:
        """Remove the lock file if it is ours (same owner, machine, pid and time); True if removed.

        A lock that is no longer ours (someone broke it as stale and took it) is left alone.
        """
        mine, self._info = self._info, None
        if mine is None:
            return False
        if self.read() != mine:
            log.warning("The sync lock on %s was no longer ours; left it in place", self.workbook)
            return False
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as error:  # left behind, it is offered as a stale lock to break after a while
            log.warning("Could not remove the sync lock %s: %s", self.path, error)
            return False
        return True

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --- copies a sync client made when two people saved at once -------------------------------------


def conflicted_copies(workbook: Path) -> list[Path]:
    """Files beside the workbook that a sync client made when two versions collided, sorted by name.

    Same suffix, a name that starts with the workbook's and then says "conflict" (any case) or "冲突":
    Dropbox ``name (陈七's conflicted copy 2024-03-19).xlsx``, Nextcloud/ownCloud ``name (conflicted
    copy 2024-03-19 101112).xlsx``, Synology ``name_Conflict.xlsx``, Syncthing
    ``name.sync-conflict-20240319-101112-ABC.xlsx``, Seafile ``name (SFConflict …).xlsx``, WPS cloud
    ``name(冲突副本).xlsx``. Hidden and temporary files (ours, Office's, LibreOffice's) are skipped.
    """
    workbook = Path(workbook)
    stem = _fold(workbook.stem)
    suffix = workbook.suffix.casefold()
    found: list[Path] = []
    try:
        entries = list(workbook.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~")) or entry.suffix.casefold() != suffix:
            continue
        entry_stem = _fold(entry.stem)
        if entry_stem == stem or not entry_stem.startswith(stem):
            continue
        rest = entry_stem[len(stem) :]
        if any(marker in rest for marker in _CONFLICT_MARKERS) and entry.is_file():
            found.append(entry)
    return sorted(found)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


# --- content fingerprints ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """Size, modification time and SHA-256 of a file, to tell whether it changed since it was read."""

    size: int
    mtime_ns: int
    sha256: str

    def same_content(self, other: Fingerprint) -> bool:
        """Same bytes, whatever the modification time (a sync client may touch a file it copies)."""
        return self.size == other.size and self.sha256 == other.sha256


def fingerprint(path: Path) -> Fingerprint:
    """Hash the file in 1 MiB chunks; if it changes while being hashed, hash it again (a few times)."""
    path = Path(path)
    for _ in range(5):
        before = path.stat()
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
        after = path.stat()
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns):
            break
    return Fingerprint(after.st_size, after.st_mtime_ns, digest.hexdigest())


def package_signature(path: Path) -> str | None:
    """The package's parts as its directory lists them (name, CRC, size), hashed: equal for two copies
    of one file, different after any save by a spreadsheet program (it rewrites the document's
    properties). Only the directory is read. None for a file that is not a package (its read says
    what is wrong with it)."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = sorted((info.filename, info.CRC, info.file_size) for info in package.infolist())
    except zipfile.BadZipFile:
        return None
    return hashlib.blake2b(repr(entries).encode(), digest_size=16).hexdigest()


# --- writing safely --------------------------------------------------------------------------------


ZIP_START = b"PK\x03\x04"  # every .xlsx is a zip package and starts with a local file header


@dataclass(frozen=True)
class Look:
    """What a quick look at the workbook found: ``there`` is None when it is not there (a share
    offline, a moved file), False when something is there that is not a zip package (an .xls, a
    .csv, an empty or password-protected file, a folder, a pipe), True otherwise."""

    there: bool | None
    stamp: tuple[int, int] | None = None  # (modified time, size) of the file looked into
    gone: bool = False  # not there, though its folder is: moved or deleted, not a share offline


def look_at_workbook(path: Path, last: Look | None = None) -> Look:
    """A quick look for the status bar, asked every half minute: the sync checks the workbook properly.

    Only a regular file is opened (opening a named pipe would wait for a writer for ever), and only
    when it changed since ``last`` (an online-only file of a cloud folder is fetched when read). Four
    bytes are read; a file there that cannot be read (locked by another program) counts as a workbook.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return Look(None, gone=path.parent.is_dir())
    except OSError:
        return Look(None)
    if not stat.S_ISREG(info.st_mode):
        return Look(False)
    stamp = (info.st_mtime_ns, info.st_size)
    if last is not None and last.stamp == stamp:
        return last
    try:
        with path.open("rb") as file:
            return Look(file.read(len(ZIP_START)) == ZIP_START, stamp)
    except FileNotFoundError:  # gone meanwhile
        return Look(None, gone=path.parent.is_dir())
    except OSError:
        return Look(True)


def temp_path_beside(workbook: Path, suffix: str = ".tmp") -> Path:
    """A new, unique temporary name in the workbook's own folder, so ``os.replace`` is atomic.

    ``.~outreach-<name>.<uuid><suffix>``: hidden on Unix and ignored by Dropbox-style sync clients.
    Pass ``suffix=".xlsx"`` if the file will be opened by name with a library that checks it.
    Nothing is created; the caller deletes the file if it does not replace the workbook with it.
    """
    workbook = Path(workbook)
    name = workbook.name
    while len(name.encode("utf-8")) > 100:  # file names are limited to 255 bytes on most systems
        name = name[:-1]
    return workbook.with_name(f"{TEMP_PREFIX}{name}.{uuid.uuid4().hex}{suffix}")


def fsync_path(path: Path) -> None:
    """Flush a file's content to disk."""
    flags = (os.O_RDWR if os.name == "nt" else os.O_RDONLY) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_FSYNC_DIR_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF, errno.EISDIR}


def fsync_directory(path: Path) -> None:
    """Flush a folder's entries (a rename, a new file) to disk; a no-op where that is not supported
    (Windows, and some network or FUSE file systems)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (PermissionError, IsADirectoryError):
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in _FSYNC_DIR_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def backup_folder(workbook: Path) -> Path:
    return Path(workbook).parent / BACKUP_FOLDER


def backups_of(workbook: Path) -> list[Path]:
    """This workbook's backups in ``.outreach-backups``, oldest first."""
    workbook = Path(workbook)
    pattern = re.compile(re.escape(workbook.stem) + _BACKUP_STAMP_RE + re.escape(workbook.suffix), re.I)
    folder = backup_folder(workbook)
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return []
    return sorted(p for p in entries if pattern.fullmatch(p.name) and p.is_file())


def replace_with_backup(workbook: Path, new_file: Path, *, keep: int = 20) -> Path | None:
    """Replace ``workbook`` with ``new_file`` atomically, keeping the previous version as a backup.

    The current workbook (if there is one) is copied to ``.outreach-backups/<stem>-YYYYmmdd-HHMMSS-
    ffffff<suffix>`` (UTC, so names sort by time) and flushed to disk; older backups of this workbook
    beyond ``keep`` are deleted; then ``new_file`` is flushed and moved over the workbook with
    ``os.replace``. Returns the backup's path, or None if there was no workbook yet.

    If anything fails before the replace, the workbook is untouched and ``new_file`` is left for the
    caller to delete. ``new_file`` must be on the same file system (see :func:`temp_path_beside`).
    """
    workbook, new_file = Path(workbook), Path(new_file)
    if keep < 1:
        raise ValueError(f"keep must be at least 1 backup, not {keep}")
    if new_file.resolve() == workbook.resolve():
        raise ValueError(f"Cannot replace {workbook} with itself")
    if not new_file.is_file():
        raise FileNotFoundError(errno.ENOENT, f"The new version of {workbook} is missing", str(new_file))
    fsync_path(new_file)
    backup: Path | None = None
    if workbook.exists():
        _keep_permissions(workbook, new_file)
        backup = _make_backup(workbook)
        _prune_backups(workbook, keep)
    try:
        os.replace(new_file, workbook)
    except PermissionError as error:
        raise PermissionError(
            error.errno,
            f"Could not replace {workbook}; it may be open in another program or read-only "
            f"({error.strerror})",
            str(workbook),
        ) from error
    try:
        fsync_directory(workbook.parent)
    except OSError as error:  # replaced already: a finished sync is not reported as failed for it
        log.warning("Could not flush the folder of %s: %s", workbook, error)
    return backup


def _keep_permissions(workbook: Path, new_file: Path) -> None:
    """Give the new version the workbook's group and permission bits: a master shared by a group
    (rw-rw-r--) must not become writable by this user alone because a sync wrote it. The bits are
    copied only when the group is kept too (a member may give a file its group): on a file of this
    user's own group, rw-rw---- would shut the old group out (see ``_mode_without_the_group``). The
    owner cannot be kept (the new version is this user's). On Windows a new file gets the folder's
    ACL and the bits are only a read-only flag, which would stop the replace: nothing is copied."""
    if os.name == "nt":
        return
    try:
        old, new = workbook.stat(), new_file.stat()
    except OSError:
        return
    try:
        if new.st_gid != old.st_gid:
            os.chown(new_file, -1, old.st_gid)
        shutil.copymode(workbook, new_file)
    except OSError as error:
        log.info("Could not give %s the group of %s: %s", new_file, workbook, error)
        with contextlib.suppress(OSError):
            os.chmod(new_file, _mode_without_the_group(stat.S_IMODE(old.st_mode), stat.S_IMODE(new.st_mode)))


def _mode_without_the_group(old: int, default: int) -> int:
    """The new version's mode when the old one's group cannot be given to it (this user is not in it):
    the old group are "others" now. This folder's defaults, but no wider than the old version was to
    anyone (a private rw------- master must not become readable by all), and what the old one gave
    everyone (rw-rw-rw- stays writable by all)."""
    everyone = old & 0o007
    widest = (old >> 3 | old) & 0o007  # what the old group or everyone had
    group = (default >> 3 & widest | everyone) << 3
    others = default & widest | everyone
    return default & 0o700 | group | others


def _make_backup(workbook: Path) -> Path:
    folder = backup_folder(workbook)
    folder.mkdir(exist_ok=True)
    moment = datetime.now(UTC)
    while True:  # reserve a name nobody has; bump the time by 1 µs until one is free
        target = folder / f"{workbook.stem}-{moment.strftime(_BACKUP_STAMP)}{workbook.suffix}"
        try:
            out = target.open("xb")
        except FileExistsError:
            moment += timedelta(microseconds=1)
            continue
        break
    try:
        with out, workbook.open("rb") as source:
            shutil.copyfileobj(source, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        shutil.copystat(workbook, target)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    fsync_directory(folder)
    return target


def _prune_backups(workbook: Path, keep: int) -> None:
    for old in backups_of(workbook)[:-keep]:
        try:
            old.unlink()
        except OSError as error:  # a backup we cannot delete must not stop the sync
            log.warning("Could not delete old backup %s: %s", old, error)
