"""Opening the local database: checks, single-instance lock, engine, migrations, sessions.

Every way an open can fail becomes a :class:`DatabaseOpenError` whose message names the file and what
to do, so the GUI and the command line can show it instead of a traceback.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from models import migrate
from models.i18n import QT_TRANSLATE_NOOP, READ_ONLY, database_reason, os_reason
from models.tracking import LedgerSession

SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseOpenError(Exception):
    """Why a database could not be opened; ``message`` is an English source string with ``{path}``."""

    def __init__(self, message: str, path: Path, detail: str = "") -> None:
        self.message = message
        self.path = path
        self.detail = detail
        super().__init__(message.format(path=path, detail=detail))


NOT_A_DATABASE = QT_TRANSLATE_NOOP(
    "Database", "{path} is not an Outreach Ledger database, or it is damaged ({detail})."
)
UNREADABLE = QT_TRANSLATE_NOOP("Database", "{path} cannot be read or written: {detail}")
NOT_SQLITE = QT_TRANSLATE_NOOP("Reason", "not an SQLite file")
IN_USE = QT_TRANSLATE_NOOP(
    "Database",
    "{path} is already open in another copy of Outreach Ledger ({detail}). Close that copy first.",
)
# SQLite's own lock, held by any program: not necessarily a copy of this app (that one holds the
# instance lock, IN_USE).
LOCKED_ELSEWHERE = QT_TRANSLATE_NOOP(
    "Database",
    "{path} is locked by another program ({detail}): a database tool, a backup, or another copy of "
    "Outreach Ledger. Close it and start again.",
)
FOREIGN_TABLES = QT_TRANSLATE_NOOP("Reason", "it holds another program's tables")
TOO_NEW = QT_TRANSLATE_NOOP(
    "Database",
    "{path} was written by a newer version of Outreach Ledger (schema {detail}). Update the app to open it.",
)


class InstanceLock:
    """An OS-level exclusive lock on ``<db>.lock``: released by the OS even if the app crashes."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the app's lifetime
        try:
            _lock_file(handle)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "unknown process"
            handle.close()
            raise DatabaseOpenError(IN_USE, self.path.with_name(self.path.name[:-5]), owner) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock_file(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _configure_sqlite(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself so that DDL in migrations is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


WRITES = "outreach_ledger_writes"  # an execution option: the unit of work writes


def _begin(connection: Any) -> None:
    # A unit of work that writes takes the write lock when it begins: one that read first and then
    # wanted to write would get "database is locked" at once, without waiting, if another connection
    # (a sync committing) held it meanwhile.
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise DatabaseOpenError(UNREADABLE, path, os_reason(error)) from None
    if header and header != SQLITE_HEADER:
        raise DatabaseOpenError(NOT_A_DATABASE, path, NOT_SQLITE)
    if not os.access(path, os.W_OK):
        raise DatabaseOpenError(UNREADABLE, path, READ_ONLY)
    if header:
        _check_ours(path)


def _check_ours(path: Path) -> None:
    """Refuse an SQLite file of another program before anything is written to it (a migration would
    add this app's tables to it, and the connection switches it to WAL mode for good)."""
    try:
        connection = sqlite3.connect(path, timeout=0)  # a URI would not reach a Windows share (\\server)
        try:
            connection.execute("PRAGMA query_only = ON")
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return  # locked, or damaged: the engine's first statement says which
    if tables and "alembic_version" not in tables:
        raise DatabaseOpenError(NOT_A_DATABASE, path, FOREIGN_TABLES)


class Database:
    """The open local database of one running app: owns the engine and the instance lock."""

    def __init__(self, path: Path, engine: Engine, lock: InstanceLock) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        self._sessions = sessionmaker(engine, class_=LedgerSession, expire_on_commit=False)
        self._writing_engine = engine.execution_options(**{WRITES: True})
        self._writing_sessions = sessionmaker(
            self._writing_engine, class_=LedgerSession, expire_on_commit=False
        )

    @classmethod
    def open(cls, path: Path, *, verify: bool = True) -> Database:
        """Open (creating and migrating as needed) the database at ``path``.

        ``verify`` runs SQLite's page-level check first (about 0.35 s for a 150 MB database); the GUI
        passes False and runs :meth:`integrity_problem` in the background instead, to start at once.
        """
        path = Path(path).expanduser().resolve()
        _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseOpenError(UNREADABLE, path, os_reason(error)) from None
        lock = InstanceLock(path)
        try:
            lock.acquire()
        except PermissionError as error:
            raise DatabaseOpenError(UNREADABLE, path, os_reason(error)) from None
        engine = create_engine(URL.create("sqlite", database=str(path)))  # a "?" or "%" in a folder is a name
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin)
        try:
            problem = _integrity_problem(engine) if verify else None
            if problem is not None:
                raise DatabaseOpenError(NOT_A_DATABASE, path, problem)
            migrate.upgrade(engine, path)
        except DBAPIError as error:
            engine.dispose()
            lock.release()
            raise _translate(error, path) from None
        except BaseException:
            engine.dispose()
            lock.release()
            raise
        return cls(path, engine, lock)

    @contextmanager
    def session(self, user: str = "", *, writes: bool = False) -> Iterator[LedgerSession]:
        """One unit of work: committed when the block ends, rolled back on any error. One that
        ``writes`` waits for the write lock at its start (up to the busy timeout) instead of failing
        midway."""
        sessions = self._writing_sessions if writes else self._sessions
        with sessions() as session, session.begin():
            session.info["user"] = user
            yield session

    def begin_writing(self) -> AbstractContextManager[Connection]:
        """A connection in a transaction that writes (as a session that ``writes``), committed when
        the block ends."""
        return self._writing_engine.begin()

    def close(self) -> None:
        self.engine.dispose()
        self._lock.release()

    def integrity_problem(self) -> str | None:
        """None when SQLite's quick check finds the file sound, else its first complaint."""
        try:
            return _integrity_problem(self.engine)
        except DBAPIError as error:
            return str(error.orig or error)

    def state(self, key: str, default: str = "") -> str:
        with self.engine.connect() as connection:
            value = connection.execute(text("SELECT value FROM db_state WHERE key = :k"), {"k": key}).scalar()
        return default if value is None else str(value)


def _integrity_problem(engine: Engine) -> str | None:
    with engine.connect() as connection:
        result = connection.exec_driver_sql("PRAGMA quick_check(1)").scalar()
    return None if result == "ok" else str(result)


def _translate(error: DBAPIError, path: Path) -> DatabaseOpenError:
    detail = str(error.orig) if error.orig is not None else str(error)
    if "locked" in detail or "busy" in detail:
        return DatabaseOpenError(LOCKED_ELSEWHERE, path, database_reason(error))
    if "unable to open" in detail or "readonly" in detail or "permission" in detail.lower():
        return DatabaseOpenError(UNREADABLE, path, detail)
    return DatabaseOpenError(NOT_A_DATABASE, path, detail)
