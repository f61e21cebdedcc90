"""Helpers for sync tests: a small bureau, head office's hand edits, reading both sides back."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from models.database import Database
from models.store import LedgerStore
from sync.local import read_local
from sync.template import create_master_workbook
from sync.workbook_read import read_workbook
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts


def small_bureau(store: LedgerStore) -> dict[str, str]:
    team = store.create("teams", {"name": "端州区招商一组", "unit": "端州区", "leader": "李四"})
    enterprise = store.create(
        "enterprises",
        {"name": "深圳氢蓝时代动力科技有限公司", "industry": "hydrogen", "credit_code": "91350100M000100Y43"},
    )
    visit = store.create(
        "visits",
        {
            "visit_date": date(2024, 3, 19),
            "kind": "enterprise_visit",
            "enterprise_id": enterprise,
            "team_id": team,
            "staff": "张三",
            "summary": "洽谈燃料电池项目",
        },
    )
    lead = store.create(
        "leads",
        {
            "title": "氢燃料电池项目",
            "enterprise_id": enterprise,
            "industry": "hydrogen",
            "planned_investment": Decimal(100000),
            "discovered_on": date(2024, 3, 19),
            "team_id": team,
            "status": "negotiating",
            "effective": True,
        },
    )
    project = store.convert_lead(lead, date(2024, 4, 1))
    return {"team": team, "enterprise": enterprise, "visit": visit, "lead": lead, "project": project}


def new_workbook(folder: Path, language: str = "zh") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "master.xlsx"
    create_master_workbook(path, language)
    return path


def cell_of(workbook: Path, ledger: str, record_id: str, key: str) -> tuple[str, int, int]:
    data = read_workbook(workbook)
    sheet = data.sheets[ledger]
    return sheet.sheet, sheet.rows[record_id], sheet.columns[key]


def _saved_now() -> datetime:
    """A spreadsheet program sets the document's modified time on every save."""
    return datetime.now(UTC)


def hand_edit(workbook: Path, ledger: str, edits: dict[tuple[str, str], Any]) -> None:
    """Head office types into cells: {(record id, column key): value}. Written in place, as Excel would."""
    data = read_workbook(workbook)
    sheet = data.sheets[ledger]
    updates = {(sheet.rows[rid], sheet.columns[key]): value for (rid, key), value in edits.items()}
    part = sheet_parts(workbook)[sheet.sheet]
    edited = workbook.with_name("hand-edit.xlsx")
    patch_workbook(workbook, edited, [SheetPatch(part, updates, [])], stamp=_saved_now())
    shutil.move(edited, workbook)


def hand_append(workbook: Path, ledger: str, rows: list[dict[str, Any]]) -> None:
    """Head office types new rows at the end of a sheet: [{column key: value}]."""
    data = read_workbook(workbook)
    sheet = data.sheets[ledger]
    appends = [{sheet.columns[k]: v for k, v in row.items()} for row in rows]
    part = sheet_parts(workbook)[sheet.sheet]
    edited = workbook.with_name("hand-edit.xlsx")
    patch_workbook(
        workbook, edited, [SheetPatch(part, {}, appends, header_row=sheet.header_row)], stamp=_saved_now()
    )
    shutil.move(edited, workbook)


def workbook_records(workbook: Path, ledger: str) -> dict[str, dict[str, Any]]:
    return read_workbook(workbook).sheets[ledger].records


def local_records(database: Database, ledger: str) -> dict[str, dict[str, Any]]:
    return read_local(database).records[ledger]
