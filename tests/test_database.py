"""Opening the local database: migrations keep data, and every bad file gets a clear error."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from models import migrate
from models.database import Database, DatabaseOpenError
from models.queries import lookup
from models.schema import Base, Enterprise, Team
from models.store import LedgerStore


def _database_at_first_revision(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    migrate.run_alembic(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO teams (id, created_at, updated_at, updated_by, deleted, row_version, name, unit) "
            "VALUES ('t1', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'hq', 0, 1, '端州区招商一组', '端州区')"
        )
        connection.exec_driver_sql(
            "INSERT INTO enterprises (id, created_at, updated_at, updated_by, deleted, row_version, name, "
            "credit_code) VALUES ('e1', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'hq', 0, 1, "
            "'深圳氢蓝时代动力科技有限公司', '91350100M000100Y43')"
        )
        connection.exec_driver_sql(
            "INSERT INTO visits (id, created_at, updated_at, updated_by, deleted, row_version, visit_date, kind, "
            "enterprise_id, team_id, summary) VALUES ('v1', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'hq', 0, "
            "1, '2024-01-10', 'enterprise_visit', 'e1', 't1', '洽谈燃料电池项目')"
        )
        connection.exec_driver_sql("UPDATE db_state SET value = '1' WHERE key = 'change_counter'")
    engine.dispose()


def test_upgrade_from_first_revision_keeps_every_record(db_path: Path) -> None:
    _database_at_first_revision(db_path)

    database = Database.open(db_path)
    try:
        store = LedgerStore(database, "Tester")
        assert store.get("teams", "t1")["name"] == "端州区招商一组"
        visit = store.get("visits", "v1")
        assert (visit["visit_date"], visit["summary"], visit["enterprise_id"]) == (
            date(2024, 1, 10),
            "洽谈燃料电池项目",
            "e1",
        )
        # the new duplicate key was computed for the enterprise that existed before the upgrade
        duplicates = store.find_duplicate_enterprises("深圳 氢蓝时代动力科技 股份有限公司")
        assert [d["id"] for d in duplicates] == ["e1"]
        # and its pinyin initials, so "szql" finds it
        assert [rid for rid, _ in lookup(database, "enterprises", "szql")] == ["e1"]
        # the change counter carried on: a new change gets a later version than the old data
        store.update("teams", "t1", {"leader": "李四"})
        with database.session() as session:
            assert session.get(Team, "t1").row_version == 2
    finally:
        database.close()
    backups = list(db_path.parent.glob("ledger.db.before-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_upgrade_derives_name_keys_again_so_a_city_suffix_is_no_longer_a_difference(db_path: Path) -> None:
    engine = create_engine(f"sqlite:///{db_path}")
    migrate.run_alembic(engine, "0006")
    with engine.begin() as connection:  # as the app before 0007 stored it: the 市 kept in the key
        connection.exec_driver_sql(
            "INSERT INTO enterprises (id, created_at, updated_at, updated_by, deleted, row_version, name, "
            "name_key, name_initials) VALUES ('e1', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'hq', 0, 1, "
            "'深圳市达威科技有限公司', '深圳市达威科技', 'szsdwkj')"
        )
    engine.dispose()
    database = Database.open(db_path)
    try:
        store = LedgerStore(database, "Tester")
        assert [d["id"] for d in store.find_duplicate_enterprises("深圳达威科技有限公司")] == ["e1"]
        assert [d["id"] for d in store.find_duplicate_enterprises("广东省深圳市达威科技有限公司")] == []
        assert store.find_duplicate_enterprises("深圳达成科技有限公司") == []
    finally:
        database.close()


def test_models_match_the_migrated_schema(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_new_database_is_created_with_wal_and_foreign_keys(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert migrate.REVISIONS[-1] == migrate.HEAD


def test_a_file_that_is_not_a_database_gives_a_clear_error(db_path: Path) -> None:
    db_path.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 10)
    with pytest.raises(DatabaseOpenError) as raised:
        Database.open(db_path)
    assert str(db_path) in str(raised.value)
    assert "not an Outreach Ledger database" in str(raised.value)
    assert db_path.read_bytes().startswith(b"PK")  # nothing was written to it


def test_a_damaged_database_gives_a_clear_error(db_path: Path) -> None:
    database = Database.open(db_path)
    store = LedgerStore(database, "Tester")
    for number in range(300):
        store.create("teams", {"name": f"Team {number}", "unit": "x" * 200})
    database.close()
    data = bytearray(db_path.read_bytes())
    data[4096:12288] = b"\xde\xad\xbe\xef" * 2048  # overwrite pages past the header
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseOpenError) as raised:
        Database.open(db_path)
    assert "damaged" in str(raised.value)


def test_a_second_copy_of_the_app_is_refused(database: Database, db_path: Path) -> None:
    with pytest.raises(DatabaseOpenError) as raised:
        Database.open(db_path)
    assert "already open in another copy" in str(raised.value)


def test_a_database_from_a_newer_app_is_refused(db_path: Path) -> None:
    Database.open(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseOpenError) as raised:
        Database.open(db_path)
    assert "newer version" in str(raised.value)


def test_a_read_only_database_gives_a_clear_error(db_path: Path) -> None:
    import os

    Database.open(db_path).close()
    db_path.chmod(0o444)
    try:
        if os.access(db_path, os.W_OK):
            pytest.skip("running as a user who can write read-only files (root)")
        with pytest.raises(DatabaseOpenError) as raised:
            Database.open(db_path)
        assert "read-only" in str(raised.value)
    finally:
        db_path.chmod(0o644)


def test_every_change_is_versioned_and_kept_in_history(store: LedgerStore, database: Database) -> None:
    team = store.create("teams", {"name": "鼎湖区招商组"})
    store.update("teams", team, {"leader": "王五"})
    store.update("teams", team, {"leader": "赵六", "unit": "鼎湖区"})
    store.set_deleted("teams", [team], True)

    history = store.history("teams", team)
    described = [(h.field, h.old_value, h.new_value, h.changed_by) for h in history]
    assert described[0] == ("deleted", "0", "1", "Tester")
    assert sorted(described[1:3]) == [
        ("leader", "王五", "赵六", "Tester"),
        ("unit", None, "鼎湖区", "Tester"),
    ]
    assert described[3:] == [("leader", None, "王五", "Tester"), ("*created*", None, None, "Tester")]
    with database.session() as session:
        record = session.get(Team, team)
        assert record.row_version == 4 and record.updated_by == "Tester"
    assert store.pending_changes() == 1


def test_saving_unchanged_values_is_not_a_change(store: LedgerStore) -> None:
    team = store.create("teams", {"name": "高要区招商组", "leader": "A"})
    store.update("teams", team, {"name": "高要区招商组", "leader": "A"})
    assert len(store.history("teams", team)) == 1


def test_pending_changes_counts_records_changed_since_the_last_sync(
    store: LedgerStore, database: Database
) -> None:
    first = store.create("teams", {"name": "A"})
    store.create("enterprises", {"name": "B"})
    assert store.pending_changes() == 2
    with database.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE db_state SET value = (SELECT value FROM db_state WHERE key = 'change_counter') "
            "WHERE key = 'synced_version'"
        )
    assert store.pending_changes() == 0
    store.update("teams", first, {"leader": "C"})
    assert store.pending_changes() == 1


def test_enterprise_names_and_credit_codes_are_normalised_on_save(
    store: LedgerStore, database: Database
) -> None:
    record = store.create(
        "enterprises", {"name": "肇庆ＡＢＣ 有限公司", "credit_code": " 91350100m000100y43"}
    )
    with database.session() as session:
        saved = session.scalars(select(Enterprise).where(Enterprise.id == record)).one()
        assert saved.credit_code == "91350100M000100Y43"
        assert saved.name_key == "肇庆abc"
        assert saved.name == "肇庆ＡＢＣ 有限公司"  # what the user typed is kept as typed


def test_another_programs_database_is_refused_and_left_as_it_was(db_path: Path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.execute("INSERT INTO contacts VALUES ('王五')")
    connection.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseOpenError) as raised:
        Database.open(db_path)
    assert str(db_path) in str(raised.value) and "another program's tables" in str(raised.value)
    assert db_path.read_bytes() == before  # no tables added, still in its own journal mode
    assert not list(db_path.parent.glob("*.bak"))


def test_a_database_locked_by_another_program_says_so(db_path: Path) -> None:
    Database.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # a tool that left it in rollback mode, then locked it
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseOpenError) as raised:
            Database.open(db_path, verify=False)
    finally:
        holder.rollback()
        holder.close()
    message = str(raised.value)
    assert str(db_path) in message and "locked by another program" in message
    assert "already open in another copy" not in message  # not blamed on this app alone


def test_a_change_waits_for_a_write_lock_instead_of_failing_at_once(
    store: LedgerStore, database: Database
) -> None:
    import threading
    import time

    team = store.create("teams", {"name": "招商一组"})
    other = sqlite3.connect(database.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a sync committing, in another connection
    threading.Timer(0.5, other.rollback).start()
    started = time.perf_counter()
    store.update("teams", team, {"leader": "李四"})  # reads the record, then writes it
    assert time.perf_counter() - started >= 0.4
    other.close()
    assert store.get("teams", team)["leader"] == "李四"


def test_a_folder_named_with_url_characters_holds_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "招商 50%41 ?台账#"
    database = Database.open(folder / "ledger.db")
    try:
        LedgerStore(database, "王五").create("teams", {"name": "招商一组"})
    finally:
        database.close()
    assert (folder / "ledger.db").stat().st_size > 0
    assert not list(tmp_path.glob("招商 50A*"))  # not a file opened elsewhere by a decoded name
