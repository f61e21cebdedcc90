"""Schema migrations at start-up, through Alembic (scripts in ``models/migrations``).

Alembic is imported only when the database is behind the app, so a normal start pays one query.
Before an upgrade the database is copied aside with SQLite's backup API; the upgrade runs in one
transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from models.i18n import QT_TRANSLATE_NOOP

# Every revision this app knows, oldest first; the last one is the schema the app expects.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD = REVISIONS[-1]

MIGRATION_FAILED = QT_TRANSLATE_NOOP(
    "Database", "Upgrading {path} failed and nothing was changed ({detail}). A copy was kept beside it."
)


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_path(db_path: Path, revision: str | None) -> Path:
    return db_path.with_name(f"{db_path.name}.before-{HEAD}-from-{revision or 'empty'}.bak")


def upgrade(engine: Engine, db_path: Path, target: str = HEAD) -> None:
    from models.database import TOO_NEW, DatabaseOpenError

    with engine.connect() as connection:
        revision = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
    if revision == target:
        return
    if revision is not None and revision not in REVISIONS:
        raise DatabaseOpenError(TOO_NEW, db_path, revision)
    if has_tables:
        _copy_aside(db_path, backup_path(db_path, revision))
    try:
        run_alembic(engine, target)
    except Exception as error:
        raise DatabaseOpenError(MIGRATION_FAILED, db_path, str(error)) from error


def run_alembic(engine: Engine, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "models:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def _copy_aside(db_path: Path, destination: Path) -> None:
    source = sqlite3.connect(db_path)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
