"""Sync keeps everything of head office's in a rich master workbook, and survives a real client's re-save.

One scenario (a module fixture) syncs a laptop's database with the rich workbook of ``rich_workbook.py``
five times: the first sync imports it, then local edits, a new visit and enterprise and a deleted lead go
out, head office edits a cell by hand, more local edits go out, and a last sync has nothing to do. The
tests then check that every part and cell that sync had no reason to touch is as head office left it,
that LibreOffice opens the result, and that a workbook re-saved by LibreOffice syncs and converges.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from rich_workbook import (
    DATE_FORMAT,
    E1,
    EXTRA_COLUMNS,
    HEADER_ROWS,
    L2,
    L4,
    LEAD_FILTER,
    LEDGER_SHEETS,
    LIST_SHEET,
    NON_LEDGER_PARTS_EXPECTED,
    PROJECTS,
    PROJECTS_TITLE,
    RECORDS,
    SUMMARY_SHEET,
    T2,
    TABLE_NAME,
    VISITS,
    build_rich_workbook,
    column_of,
    head_office_parts,
    ledger_parts,
    row_of,
    sheet_columns,
)

from models.database import Database
from models.store import LedgerStore
from sync.columns import SYNC_ORDER, deleted_label
from sync.engine import Outcome, SyncReport, synchronise
from sync.local import read_local
from sync.workbook_read import read_workbook
from sync.xlsx_patch import SheetPatch, patch_workbook, sheet_parts

# openpyxl is only used here to *read* the workbooks for comparison; it cannot represent the x14
# drop-down in the visits sheet's extLst and says so on every load. The raw XML is checked instead.
pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension is not supported:UserWarning")

USER = "李明"
COUNTS = (
    "added_here",
    "updated_here",
    "deleted_here",
    "added_there",
    "updated_there",
    "deleted_there",
    "conflicts",
    "issues",
)
NEW_SUMMARY = "复访企业：电池包基地选址已确定为高新区，拟于三季度签约"
HEAD_OFFICE_SITE = "端州区睦岗街道"
NEW_PLANNED = Decimal("150000")
NEW_ACTUAL = Decimal("28000")
NEW_FOLLOW_UP = date(2024, 7, 1)
V1 = VISITS[0]["id"]
P1, P4 = PROJECTS[0]["id"], PROJECTS[3]["id"]


def _totals(report: SyncReport) -> dict[str, int]:
    return {name: report.total(name) for name in COUNTS}


def _expect(report: SyncReport, **nonzero: int) -> None:
    assert _totals(report) == {name: nonzero.get(name, 0) for name in COUNTS}, report.one_line()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return package.namelist()


def _sheet_xml(path: Path, ledger: str) -> str:
    part = sheet_parts(path)[LEDGER_SHEETS[ledger]]
    with zipfile.ZipFile(path) as package:
        return package.read(part).decode("utf-8")


def _copy_database(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy2(f"{source}{suffix}", f"{target}{suffix}")


# --------------------------------------------------------------------------------------------------
# The scenario: five syncs of a laptop with the rich workbook


@dataclass
class Scenario:
    original: Path  # the workbook as head office built it, never synced
    workbook: Path  # the same workbook after the syncs
    database: Path  # the laptop's database after the syncs (closed)
    reports: list[SyncReport]
    new_visit: str
    new_enterprise: str
    changed: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    """ledger -> (row, column) -> the value (as openpyxl reads it) of a cell that was meant to change."""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    folder = tmp_path_factory.mktemp("preservation")
    original = folder / "original.xlsx"
    build_rich_workbook(original)
    shared = folder / "shared-drive"
    shared.mkdir()
    workbook = shared / "招商台账.xlsx"
    shutil.copy2(original, workbook)
    db_path = folder / "laptop.db"
    database = Database.open(db_path)
    try:
        store = LedgerStore(database, USER)
        reports = [synchronise(database, workbook, USER)]  # 1: import everything

        store.update("visits", V1, {"summary": NEW_SUMMARY})
        enterprise = store.create(
            "enterprises",
            {
                "name": "广州云舟机器人有限公司",
                "industry": "robotics",
                "home_region": "prd_west",
                "city": "广州",
            },
        )
        visit = store.create(
            "visits",
            {
                "visit_date": date(2024, 6, 25),
                "kind": "enterprise_visit",
                "enterprise_id": enterprise,
                "team_id": T2,
                "staff": USER,
                "location": "广州黄埔",
                "summary": "首次走访，了解协作机器人产线外迁计划",
                "next_action_date": date(2024, 7, 9),
            },
        )
        assert store.set_deleted("leads", [L2], True) == [L2]
        reports.append(synchronise(database, workbook, USER))  # 2: local changes go out

        projects_part = sheet_parts(workbook)[LEDGER_SHEETS["projects"]]
        site = (row_of("projects", P4), column_of("projects", "site"))
        hand_edited = shared / "hand-edited.xlsx"
        patch_workbook(workbook, hand_edited, [SheetPatch(projects_part, {site: HEAD_OFFICE_SITE}, [])])
        os.replace(hand_edited, workbook)  # head office saves a cell it typed
        reports.append(synchronise(database, workbook, USER))  # 3: head office's edit comes in

        store.update("projects", P1, {"planned_investment": NEW_PLANNED, "actual_investment": NEW_ACTUAL})
        store.update("leads", L4, {"next_follow_up": NEW_FOLLOW_UP})
        reports.append(synchronise(database, workbook, USER))  # 4: more local changes go out
        reports.append(synchronise(database, workbook, USER))  # 5: nothing left to do
    finally:
        database.close()
    changed = {
        "visits": {(row_of("visits", V1), column_of("visits", "summary")): NEW_SUMMARY},
        "leads": {
            (row_of("leads", L2), column_of("leads", "record_status")): deleted_label("zh"),
            (row_of("leads", L4), column_of("leads", "next_follow_up")): datetime(2024, 7, 1),
        },
        "projects": {
            site: HEAD_OFFICE_SITE,
            (row_of("projects", P1), column_of("projects", "planned_investment")): int(NEW_PLANNED),
            (row_of("projects", P1), column_of("projects", "actual_investment")): int(NEW_ACTUAL),
        },
    }
    yield Scenario(original, workbook, db_path, reports, visit, enterprise, changed)


def test_the_rich_workbook_has_all_of_head_offices_things(scenario: Scenario, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    build_rich_workbook(again)
    assert again.read_bytes() == scenario.original.read_bytes()  # deterministic
    parts = _parts(scenario.original)
    drawing = parts["xl/drawings/drawing1.xml"].decode()
    assert "<xdr:graphicFrame" in drawing and "<xdr:pic>" in drawing and '<xdr:cNvSpPr txBox="1"/>' in drawing
    assert parts["xl/media/image1.png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<threadedComment " in parts["xl/threadedComments/threadedComment1.xml"]
    assert b"<sst " in parts["xl/sharedStrings.xml"]
    assert b"<x14:dataValidation " in parts[sheet_parts(scenario.original)[LEDGER_SHEETS["visits"]]]
    book = openpyxl.load_workbook(scenario.original)
    assert book[LIST_SHEET].sheet_state == "hidden"
    projects = book[LEDGER_SHEETS["projects"]]
    assert projects["A1"].value == PROJECTS_TITLE and "A1:H1" in {
        str(r) for r in projects.merged_cells.ranges
    }
    assert projects.cell(5, column_of("projects", "planned_investment")).comment is not None
    assert book[LEDGER_SHEETS["enterprises"]].tables[TABLE_NAME].ref == "A1:K6"
    assert book[SUMMARY_SHEET]["C4"].value.startswith("=SUMIF(")
    cached = read_cached(scenario.original, SUMMARY_SHEET)
    assert cached[7][1] == 4 and cached[8][2] == 165000  # 项目总数, 计划投资合计 as last computed


def read_cached(path: Path, sheet: str) -> list[list[Any]]:
    """A sheet's cell values as a spreadsheet program last computed them (formulas' cached results)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_each_sync_did_what_it_should(scenario: Scenario) -> None:
    imported, out, came_in, out_again, idle = scenario.reports
    _expect(imported, added_here=sum(len(records) for records in RECORDS.values()))
    assert imported.backup is None  # nothing to write: the workbook was not even rewritten
    _expect(out, added_there=2, updated_there=1, deleted_there=1)
    _expect(came_in, updated_here=1)
    assert came_in.backup is None
    _expect(out_again, updated_there=2)
    _expect(idle)
    assert idle.backup is None
    assert all(report.outcome is Outcome.SYNCED for report in scenario.reports)


# --------------------------------------------------------------------------------------------------
# Preservation


def test_head_office_parts_are_byte_identical(scenario: Scenario) -> None:
    before, after = _parts(scenario.original), _parts(scenario.workbook)
    assert _names(scenario.workbook) == _names(scenario.original)  # same parts, same order
    assert head_office_parts(scenario.original) == NON_LEDGER_PARTS_EXPECTED
    assert head_office_parts(scenario.workbook) == NON_LEDGER_PARTS_EXPECTED
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= ledger_parts(scenario.original) | {"xl/workbook.xml", "docProps/core.xml"}
    # the document's properties differ only in the modified time, moved on as a save moves it (no
    # version a sync writes equals an earlier one: see sync.engine._refuse_an_older_copy)
    modified = re.compile(rb"(<dcterms:modified[^>]*>)([^<]*)<")
    assert modified.sub(rb"\1<", after["docProps/core.xml"]) == modified.sub(
        rb"\1<", before["docProps/core.xml"]
    )
    assert modified.search(after["docProps/core.xml"])[2] > modified.search(before["docProps/core.xml"])[2]
    # the workbook part differs only where it must follow the cells: the grown filter's hidden name
    # and the request to recalculate head office's formulas on load
    assert _without_followers(after["xl/workbook.xml"]) == _without_followers(before["xl/workbook.xml"])
    # the visits, leads, projects and enterprises sheets changed, and the enterprises table grew
    sheets = sheet_parts(scenario.original)
    assert {
        sheets[LEDGER_SHEETS[ledger]] for ledger in ("visits", "leads", "projects", "enterprises")
    } <= changed
    assert "xl/tables/table1.xml" in changed
    untouched = {sheets[LEDGER_SHEETS[ledger]] for ledger in ("teams", "trips")}
    assert not untouched & changed  # ledger sheets with nothing to write are byte-identical too


def _without_followers(workbook_xml: bytes) -> bytes:
    text = re.sub(rb'(name="_xlnm\._FilterDatabase"[^>]*>)[^<]*', rb"\1", workbook_xml)
    return re.sub(rb'\s*fullCalcOnLoad="[^"]*"', b"", text)


def _look(cell: Any) -> tuple[Any, ...]:
    font, fill, border = cell.font, cell.fill, cell.border
    return (
        cell.number_format,
        font.b,
        font.i,
        font.sz,
        font.color.rgb if font.color is not None else None,
        fill.fill_type,
        fill.fgColor.rgb,
        border.left.style,
        cell.alignment.horizontal,
        cell.alignment.wrap_text,
    )


def test_cells_sync_had_no_reason_to_touch_keep_value_and_style(scenario: Scenario) -> None:
    before = openpyxl.load_workbook(scenario.original)
    after = openpyxl.load_workbook(scenario.workbook)
    checked = 0
    for ledger in SYNC_ORDER:
        old, new = before[LEDGER_SHEETS[ledger]], after[LEDGER_SHEETS[ledger]]
        expected = scenario.changed.get(ledger, {})
        for row in old.iter_rows(min_row=1, max_row=old.max_row, max_col=old.max_column):
            for cell in row:
                now = new.cell(cell.row, cell.column)
                where = f"{old.title}!{cell.coordinate}"
                assert _look(now) == _look(cell), where
                if (cell.row, cell.column) in expected:
                    assert now.value == expected[(cell.row, cell.column)], where
                    assert now.value != cell.value, where
                else:
                    assert now.value == cell.value, where
                checked += 1
        for letter, dimension in old.column_dimensions.items():
            assert new.column_dimensions[letter].width == dimension.width, f"{old.title} column {letter}"
    assert checked > 400

    # the specimens the bullet list promises, by name
    visits, projects, leads = (after[LEDGER_SHEETS[name]] for name in ("visits", "projects", "leads"))
    assert projects["A1"].value == PROJECTS_TITLE and projects["A1"].font.b
    assert visits.cell(3, column_of("visits", "督办意见")).value == "督办意见"
    assert visits.cell(4, column_of("visits", "督办意见")).value == VISITS[0]["督办意见"]
    assert leads.cell(2, column_of("leads", "planned_investment")).value == "1.2亿"  # hand-typed text stays
    assert visits.cell(5, column_of("visits", "visit_date")).value == "2024年3月19日"
    formula = projects.cell(4, column_of("projects", EXTRA_COLUMNS["projects"][0])).value
    assert isinstance(formula, str) and formula.startswith("=IF(ISNUMBER(")


def _validations(ws: Any) -> list[tuple[Any, ...]]:
    return sorted((v.type, v.formula1, str(v.sqref)) for v in ws.data_validations.dataValidation)


def _conditional_formats(ws: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (str(cf.sqref), rule.type, rule.operator, tuple(rule.formula or ()))
        for cf in ws.conditional_formatting
        for rule in cf.rules
    )


def _hidden_rows(ws: Any) -> set[int]:
    return {number for number, dimension in ws.row_dimensions.items() if dimension.hidden}


def test_sheet_features_are_still_there(scenario: Scenario) -> None:
    before = openpyxl.load_workbook(scenario.original)
    after = openpyxl.load_workbook(scenario.workbook)
    assert after.sheetnames == before.sheetnames
    for ledger in SYNC_ORDER:
        old, new = before[LEDGER_SHEETS[ledger]], after[LEDGER_SHEETS[ledger]]
        assert {str(r) for r in new.merged_cells.ranges} == {str(r) for r in old.merged_cells.ranges}
        assert _hidden_rows(new) == _hidden_rows(old), ledger
        assert _validations(new) == _validations(old), ledger
        assert _conditional_formats(new) == _conditional_formats(old), ledger
        assert new.freeze_panes == old.freeze_panes, ledger
        assert new.print_title_rows == old.print_title_rows, ledger
    visits, leads = after[LEDGER_SHEETS["visits"]], after[LEDGER_SHEETS["leads"]]
    assert {"A1:H1", "A2:H2"} <= {str(r) for r in visits.merged_cells.ranges}
    assert 7 in _hidden_rows(visits)
    # the active filter: same range (no lead was added), same criterion, the filtered rows still hidden
    status = column_of("leads", "record_status")
    assert leads.auto_filter.ref == f"A1:{get_column_letter(status)}6"
    (criterion,) = leads.auto_filter.filterColumn
    assert criterion.colId == column_of("leads", "status") - 1
    assert criterion.filters is not None and list(criterion.filters.filter) == list(LEAD_FILTER)
    assert _hidden_rows(leads) == {row_of("leads", RECORDS["leads"][i]["id"]) for i in (2, 4)}
    # the visits autoFilter grew to take in the appended row
    last = get_column_letter(len(sheet_columns("visits")))
    assert visits.auto_filter.ref == f"A3:{last}{3 + len(VISITS) + 1}"
    # defined names, workbook-level and print titles
    assert {n: d.attr_text for n, d in after.defined_names.items()} == {
        n: d.attr_text for n, d in before.defined_names.items()
    }
    assert {"计划投资合计", "ProjectLedger"} <= set(after.defined_names)
    # the enterprises table: same table, its range grown by the one appended row
    table = after[LEDGER_SHEETS["enterprises"]].tables[TABLE_NAME]
    columns = get_column_letter(len(sheet_columns("enterprises")))
    assert table.ref == f"A1:{columns}7"
    old_table = _parts(scenario.original)["xl/tables/table1.xml"].decode()
    new_table = _parts(scenario.workbook)["xl/tables/table1.xml"].decode()
    assert new_table == old_table.replace(f"A1:{columns}6", f"A1:{columns}7")


def test_raw_xml_keeps_the_x14_block_and_namespaces(scenario: Scenario) -> None:
    old, new = _sheet_xml(scenario.original, "visits"), _sheet_xml(scenario.workbook, "visits")
    ext = re.search(r"<extLst>.*</extLst>", old, re.DOTALL)
    assert ext is not None and "<x14:dataValidation " in ext[0]
    assert new.count(ext[0]) == 1 and new.rstrip().endswith(ext[0] + "</worksheet>")
    root = re.match(r"<worksheet [^>]*>", old)
    assert root is not None and 'mc:Ignorable="x14ac"' in root[0]
    assert new.startswith(root[0])
    for part in (
        "mergeCells",
        "conditionalFormatting",
        "dataValidations",
        "legacyDrawing",
        "sheetViews",
        "cols",
    ):
        block = re.search(rf"<{part}\b.*?(?:</{part}>|/>)", old, re.DOTALL)
        assert block is not None and block[0] in new, part
    appended = re.search(rf'<row r="{3 + len(VISITS) + 1}"[^>]*>', new)
    assert appended is not None and 'x14ac:dyDescent="0.25"' in appended[0]
    old_leads, new_leads = _sheet_xml(scenario.original, "leads"), _sheet_xml(scenario.workbook, "leads")
    active_filter = re.search(r"<autoFilter\b.*?</autoFilter>", old_leads, re.DOTALL)
    assert active_filter is not None and "<filterColumn" in active_filter[0]
    assert active_filter[0] in new_leads


def test_new_rows_are_appended_and_deleted_rows_stay(scenario: Scenario) -> None:
    book = openpyxl.load_workbook(scenario.workbook)
    visits = book[LEDGER_SHEETS["visits"]]
    last = HEADER_ROWS["visits"] + len(VISITS) + 1
    assert visits.max_row == last
    assert visits.cell(last, column_of("visits", "id")).value == scenario.new_visit
    assert visits.cell(last, column_of("visits", "enterprise_id")).value == scenario.new_enterprise
    assert visits.cell(last, column_of("visits", "enterprise_id:name")).value == "广州云舟机器人有限公司"
    date_cell = visits.cell(last, column_of("visits", "visit_date"))
    assert date_cell.value == datetime(2024, 6, 25) and date_cell.number_format == DATE_FORMAT
    next_date = visits.cell(last, column_of("visits", "next_action_date"))
    assert next_date.value == datetime(2024, 7, 9) and next_date.number_format == DATE_FORMAT
    assert visits.cell(last, column_of("visits", "督办意见")).value is None  # head office's column is theirs

    enterprises = book[LEDGER_SHEETS["enterprises"]]
    row = 1 + len(RECORDS["enterprises"]) + 1
    assert enterprises.max_row == row
    assert enterprises.cell(row, column_of("enterprises", "id")).value == scenario.new_enterprise
    assert enterprises.cell(row, column_of("enterprises", "name")).value == "广州云舟机器人有限公司"
    assert enterprises.cell(row, column_of("enterprises", "industry")).value == "机器人"

    leads = book[LEDGER_SHEETS["leads"]]
    deleted_row = row_of("leads", L2)
    assert leads.max_row == 1 + len(RECORDS["leads"])  # no row removed, none added
    assert leads.cell(deleted_row, column_of("leads", "id")).value == L2
    assert leads.cell(deleted_row, column_of("leads", "title")).value == RECORDS["leads"][1]["title"]
    assert leads.cell(deleted_row, column_of("leads", "record_status")).value == deleted_label("zh")

    data = read_workbook(scenario.workbook)
    assert data.sheets["leads"].records[L2]["deleted"] is True
    assert data.sheets["enterprises"].records[E1]["deleted"] is False


def test_database_and_workbook_agree(scenario: Scenario, tmp_path: Path) -> None:
    _copy_database(scenario.database, tmp_path / "copy.db")
    database = Database.open(tmp_path / "copy.db")
    try:
        local = read_local(database).records
    finally:
        database.close()
    sheets = read_workbook(scenario.workbook).sheets
    for ledger in SYNC_ORDER:
        assert sheets[ledger].records == local[ledger], ledger


# --------------------------------------------------------------------------------------------------
# Things that follow changed cells outside the sheet: the filter's defined name, recalculation on load


def test_filter_database_name_grows_with_the_autofilter(scenario: Scenario) -> None:
    last_column, last_row = get_column_letter(len(sheet_columns("visits"))), 3 + len(VISITS) + 1
    sheet_ref = re.search(r'<autoFilter ref="([^"]+)"', _sheet_xml(scenario.workbook, "visits"))
    assert sheet_ref is not None and sheet_ref[1] == f"A3:{last_column}{last_row}"
    workbook_xml = _parts(scenario.workbook)["xl/workbook.xml"].decode("utf-8")
    index = list(LEDGER_SHEETS).index("visits")
    name = re.search(
        rf'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}"[^>]*>([^<]*)<', workbook_xml
    )
    assert name is not None
    assert name[1] == f"'{LEDGER_SHEETS['visits']}'!$A$3:${last_column}${last_row}"


def test_formulas_over_changed_cells_are_recalculated_on_load(scenario: Scenario) -> None:
    before = _parts(scenario.original)["xl/workbook.xml"].decode("utf-8")
    after = _parts(scenario.workbook)["xl/workbook.xml"].decode("utf-8")
    assert 'fullCalcOnLoad="1"' not in before  # saved by Excel: its cached values are trusted
    assert re.search(r'<calcPr\b[^>]*\bfullCalcOnLoad="(1|true)"', after)


# --------------------------------------------------------------------------------------------------
# LibreOffice: it opens what sync wrote, and a workbook it re-saved syncs and converges

CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
"""Comma, double quote, UTF-8 (76), from line 1, ..., every sheet to its own file (-1)."""
XLSX = "xlsx:Calc MS Excel 2007 XML"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is needed for these tests and is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@dataclass
class Converted:
    result: subprocess.CompletedProcess[str]
    folder: Path

    def check(self) -> None:
        assert self.result.returncode == 0, self.result.stdout + self.result.stderr


@dataclass
class LibreOffice:
    source: Path
    csv: Converted
    xlsx: Converted


def _convert(soffice: str, source: Path, target_format: str, folder: Path, profile: Path) -> Converted:
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",  # its own profile: parallel runs do not clash
            "--headless",
            "--norestore",
            "--convert-to",
            target_format,
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Converted(result, folder)


@pytest.fixture(scope="module")
def libreoffice(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    """The synced workbook converted by LibreOffice twice: every sheet to CSV, and re-saved as .xlsx."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "in" / scenario.workbook.name
    source.parent.mkdir()
    shutil.copy2(scenario.workbook, source)  # a copy: LibreOffice's lock file must not sit by the real one
    profile = folder / "lo-profile"
    csv = _convert(soffice, source, CSV_ALL_SHEETS, folder / "csv", profile)
    xlsx = _convert(soffice, source, XLSX, folder / "xlsx", profile)
    return LibreOffice(source, csv, xlsx)


def test_libreoffice_opens_the_synced_workbook(libreoffice: LibreOffice, scenario: Scenario) -> None:
    libreoffice.csv.check()
    stem = libreoffice.source.stem
    sheets = {
        path.stem.removeprefix(f"{stem}-"): path.read_text(encoding="utf-8")
        for path in libreoffice.csv.folder.glob("*.csv")
    }
    assert set(LEDGER_SHEETS.values()) <= set(sheets), libreoffice.csv.result.stdout
    assert all(text.strip() for text in sheets.values())
    teams = sheets[LEDGER_SHEETS["teams"]]
    assert RECORDS["teams"][0]["name"] in teams and RECORDS["teams"][0]["id"] in teams
    assert (
        scenario.new_visit in sheets[LEDGER_SHEETS["visits"]]
        and NEW_SUMMARY in sheets[LEDGER_SHEETS["visits"]]
    )
    assert scenario.new_enterprise in sheets[LEDGER_SHEETS["enterprises"]]
    lead = next(line for line in sheets[LEDGER_SHEETS["leads"]].splitlines() if line.startswith(L2))
    assert lead.rstrip().endswith(deleted_label("zh"))


def test_libreoffice_keeps_appended_rows_inside_the_filter(libreoffice: LibreOffice) -> None:
    libreoffice.xlsx.check()
    resaved = libreoffice.xlsx.folder / libreoffice.source.name
    ref = re.search(r'<autoFilter ref="([^"]+)"', _sheet_xml(resaved, "visits"))
    last_column = get_column_letter(len(sheet_columns("visits")))
    assert ref is not None and ref[1] == f"A3:{last_column}{3 + len(VISITS) + 1}"


def test_a_workbook_resaved_by_libreoffice_syncs_and_converges(
    libreoffice: LibreOffice, scenario: Scenario, tmp_path: Path
) -> None:
    libreoffice.xlsx.check()
    resaved = libreoffice.xlsx.folder / libreoffice.source.name
    assert _names(resaved) != _names(scenario.workbook)  # really LibreOffice's own package now
    assert "xl/sharedStrings.xml" in _names(resaved)
    shared = tmp_path / "shared-drive"
    shared.mkdir()
    workbook = shared / scenario.workbook.name
    shutil.copy2(resaved, workbook)
    _copy_database(scenario.database, tmp_path / "laptop.db")

    database = Database.open(tmp_path / "laptop.db")
    try:
        store = LedgerStore(database, USER)
        _expect(synchronise(database, workbook, USER))  # LibreOffice's re-save changed no record

        # the laptop edits a visit and signs a project; head office edits an enterprise and types a lead
        visit = RECORDS["visits"][2]["id"]
        outcome = "已报送用地需求，等待自然资源局答复"
        store.update("visits", visit, {"outcome": outcome})
        project = store.create(
            "projects",
            {
                "name": "云舟协作机器人生产基地",
                "enterprise_id": scenario.new_enterprise,
                "team_id": T2,
                "industry": "robotics",
                "manufacturing": True,
                "planned_investment": Decimal("26000.5"),
                "stage": "signed",
                "signed_on": date(2024, 6, 28),
                "land_planned": date(2024, 9, 30),
            },
        )
        data = read_workbook(workbook)
        enterprises, leads = data.sheets["enterprises"], data.sheets["leads"]
        enterprise = RECORDS["enterprises"][2]["id"]
        contact = (enterprises.rows[enterprise], enterprises.columns["contact_person"])
        typed = {
            leads.columns["title"]: "云舟机器人二期扩产",
            leads.columns["enterprise_id:name"]: "广州云舟机器人有限公司",
            leads.columns["team_id:name"]: "第二招商小分队",
            leads.columns["planned_investment"]: "1.5亿元",
            leads.columns["discovered_on"]: "2024/6/30",
            leads.columns["status"]: "新线索",
        }
        parts = sheet_parts(workbook)
        hand_edited = shared / "hand-edited.xlsx"
        patch_workbook(
            workbook,
            hand_edited,
            [
                SheetPatch(parts[enterprises.sheet], {contact: "孙立新"}, []),
                SheetPatch(parts[leads.sheet], {}, [typed], style_row=leads.last_row, header_row=1),
            ],
        )
        os.replace(hand_edited, workbook)

        first = synchronise(database, workbook, USER)
        _expect(first, added_here=1, updated_here=1, added_there=1, updated_there=1)
        second = synchronise(database, workbook, USER)
        _expect(second)
        assert second.outcome is Outcome.SYNCED and second.backup is None

        local = read_local(database).records
        sheets = read_workbook(workbook).sheets
        for ledger in SYNC_ORDER:
            assert sheets[ledger].records == local[ledger], ledger
        assert local["enterprises"][enterprise]["contact_person"] == "孙立新"
        assert sheets["visits"].records[visit]["outcome"] == outcome
        assert sheets["projects"].records[project]["planned_investment"] == "26000.5"
        (new_lead,) = set(local["leads"]) - {lead["id"] for lead in RECORDS["leads"]}
        assert local["leads"][new_lead]["planned_investment"] == "15000"
        assert local["leads"][new_lead]["enterprise_id"] == scenario.new_enterprise
        assert sheets["leads"].rows[new_lead] == leads.last_row + 1  # its id was written into its row
    finally:
        database.close()
