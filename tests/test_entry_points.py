"""The two ways in: `main.py` with no command starts the app; `main.py demo` fills a database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import main
from models.database import Database
from models.queries import LedgerQuery
from ui.settings import Settings


def test_demo_command_fills_the_named_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "demo.db"
    assert main.main(["demo", "--db", str(target), "--scale", "0.1"]) == 0
    assert "visits=" in capsys.readouterr().out
    database = Database.open(target)
    try:
        assert len(LedgerQuery(database, "visits").ids()) > 500
    finally:
        database.close()


def test_demo_command_explains_a_bad_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.db"
    target.write_text("not a database")
    assert main.main(["demo", "--db", str(target)]) == 2
    assert "is not an Outreach Ledger database" in capsys.readouterr().err


def test_the_app_starts_on_a_new_database_in_the_user_data_folder(qtbot, isolated_folders: Path) -> None:
    Settings().user_name = "测试员"
    shown: list[str] = []

    def close_main_window() -> None:
        window = QApplication.activeWindow()
        if window is None:
            QTimer.singleShot(20, close_main_window)
            return
        shown.append(window.windowTitle())
        window.close()

    QTimer.singleShot(0, close_main_window)
    assert main.main([]) == 0
    assert shown == ["Outreach Ledger"]
    assert (isolated_folders / "data" / "ledger.db").exists()


def test_the_app_opens_the_database_given_with_db(qtbot, tmp_path: Path) -> None:
    Settings().user_name = "测试员"
    other = tmp_path / "elsewhere" / "other.db"

    def close_main_window() -> None:
        window = QApplication.activeWindow()
        if window is None:
            QTimer.singleShot(20, close_main_window)
            return
        assert window.path_label.text() == str(other)
        window.close()

    QTimer.singleShot(0, close_main_window)
    assert main.main(["--db", str(other)]) == 0
    assert other.exists()
