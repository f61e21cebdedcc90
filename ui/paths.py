"""Where the app keeps its database and settings: platformdirs, overridable for tests and development."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "OutreachLedger"


def data_dir() -> Path:
    override = os.environ.get("OUTREACH_LEDGER_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("OUTREACH_LEDGER_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "ledger.db"


def as_workbook(chosen: Path) -> Path:
    """The name typed in a save dialog as a workbook's: .xlsx added when it is not there ("排名 2024.02"
    is "排名 2024.02.xlsx", not "排名 2024.xlsx")."""
    return chosen if chosen.suffix.lower() == ".xlsx" else chosen.with_name(chosen.name + ".xlsx")
