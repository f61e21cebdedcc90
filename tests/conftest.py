"""Shared fixtures: offscreen Qt, temporary data and config folders, a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and the default database go to the test's own folder, never the user's."""
    monkeypatch.setenv("OUTREACH_LEDGER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("OUTREACH_LEDGER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[object]:
    from models.database import Database

    db = Database.open(db_path)
    yield db
    db.close()


@pytest.fixture
def store(database: object) -> object:
    from models.store import LedgerStore

    return LedgerStore(database, "Tester")  # type: ignore[arg-type]


@pytest.fixture
def bureau(store: object) -> dict[str, str]:
    """One small bureau's records (tests/sync_helpers.small_bureau); a module may define its own."""
    from sync_helpers import small_bureau

    return small_bureau(store)  # type: ignore[arg-type]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A new master workbook in a shared folder of its own; a module may define its own."""
    from sync_helpers import new_workbook

    return new_workbook(tmp_path / "shared")


@pytest.fixture
def second_laptop(tmp_path: Path) -> Iterator[object]:
    """Another laptop's database, syncing with the same workbook."""
    from models.database import Database

    database = Database.open(tmp_path / "laptop2.db")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def no_dangling_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that leaves background work running on Qt's thread pool fails."""
    yield
    if "qtbot" not in request.fixturenames:
        return
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    finished = pool.waitForDone(5000)
    assert finished, "background work still running after the test"
