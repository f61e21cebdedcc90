"""A master workbook the way head office really keeps one, for the preservation tests of sync.

``build_rich_workbook(path)`` writes, in Chinese, all six ledger sheets with real rows (uuid4 ids, Chinese
names, date cells, amounts as numbers and as hand-typed text like ``1.2亿``) and everything head office
adds by hand around them:

- 走访记录 (visits) and 签约项目 (projects): a merged title row and a date line above the header (row 3);
- 走访记录: head office's own column 督办意见 between two ledger columns, a hidden row, a frozen pane, a
  conditional format, an Excel 2010+ drop-down (``x14:dataValidations`` in the sheet's ``extLst``, with
  the ``mc:Ignorable``/``x14ac`` namespaces Excel declares, and ``x14ac:dyDescent`` on every row);
- 签约项目: a formula column of head office's own (折合亿元, with cached values), cell comments, a threaded
  comment (with its ``persons`` part), a conditional format, print titles;
- 企业 (enterprises): an Excel table (ListObject) over the ledger, header in row 1;
- 招商线索 (leads): an active filter (a ``filterColumn`` criterion on 线索状态, the rows it filters out
  hidden);
- 外出招商 (trips): a hidden row;
- 汇总: formulas over the projects sheet (COUNTA, COUNTIF, SUMIF, SUM, with cached values), a bar chart,
  an image (a PNG made here), a text box (``xdr:sp``), a colour scale;
- 列表: a hidden sheet with the drop-down lists; classic data validation on the ledger sheets;
- defined names (a workbook-level one, one to a range of the projects sheet, and print titles);
- like a file saved by Excel: strings in a shared-string table, Excel's ``calcPr`` (no request to
  recalculate on load: the cached formula results are trusted) and application properties, fixed zip
  timestamps. The build is deterministic: the same bytes every time.

:data:`NON_LEDGER_PARTS_EXPECTED` lists the zip parts that are head office's alone (everything but the
ledger worksheets and the table part over the enterprises ledger); :func:`head_office_parts` derives the
same set from any workbook.
"""

from __future__ import annotations

import io
import random
import re
import struct
import uuid
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from models import controlled
from models.fields import Kind
from models.normalize import credit_code_check_char
from sync.columns import SYNC_ORDER, Role, deleted_label, layout
from sync.xlsx_patch import sheet_parts

# --------------------------------------------------------------------------------------------------
# The records (deterministic ids)

_ids = random.Random(20240319)


def _uuid() -> str:
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


def _credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


TEAMS: list[dict[str, Any]] = [
    {"id": _uuid(), "name": "第一招商小分队", "unit": "端州区", "leader": "张伟"},
    {"id": _uuid(), "name": "第二招商小分队", "unit": "高要区", "leader": "王芳"},
    {"id": _uuid(), "name": "产业链招商专班", "unit": "市投资促进局", "leader": "陈刚"},
]
T1, T2, T3 = (t["id"] for t in TEAMS)

ENTERPRISES: list[dict[str, Any]] = [
    {
        "id": _uuid(),
        "name": "深圳市鹏城新能源科技有限公司",
        "credit_code": _credit_code("91440300MA5F12345"),
        "industry": "nev_auto",
        "home_region": "prd_east",
        "city": "深圳",
        "address": "深圳市南山区科技园南区8栋",
        "contact_person": "黄志强",
        "phone": "0755-86001234",
        "notes": "动力电池包龙头，计划华南扩产",
    },
    {
        "id": _uuid(),
        "name": "苏州晶华电子有限公司",
        "credit_code": None,
        "industry": "electronic_info",
        "home_region": "yrd",
        "city": "苏州",
        "address": "苏州工业园区星湖街328号",
        "contact_person": "周敏",
        "phone": 13812345678,  # typed as a number, as people do
        "notes": None,
    },
    {
        "id": _uuid(),
        "name": "北京智航无人机有限公司",
        "credit_code": None,
        "industry": "low_altitude",
        "home_region": "jjj",
        "city": "北京",
        "address": "北京市海淀区上地信息路10号",
        "contact_person": "赵磊",
        "phone": "010-62981234",
        "notes": "工业级无人机整机",
    },
    {
        "id": _uuid(),
        "name": "成都蓉欣储能技术有限公司",
        "credit_code": None,
        "industry": "energy_storage",
        "home_region": "chengyu",
        "city": "成都",
        "address": None,
        "contact_person": "李娟",
        "phone": "028-85001234",
        "notes": None,
    },
    {
        "id": _uuid(),
        "name": "港信医疗器械有限公司",
        "credit_code": None,
        "industry": "medical_devices",
        "home_region": "hk_macao",
        "city": "香港",
        "address": "香港科学园",
        "contact_person": "陈家豪",
        "phone": "+852 2345 6789",
        "notes": None,
    },
]
E1, E2, E3, E4, E5 = (e["id"] for e in ENTERPRISES)

TRIPS: list[dict[str, Any]] = [
    {
        "id": _uuid(),
        "start_date": date(2024, 3, 18),
        "end_date": date(2024, 3, 20),
        "team_id": T1,
        "destination_region": "prd_east",
        "destination_city": "深圳",
        "purpose": "赴深圳开展新能源汽车产业链招商",
        "participants": "张伟、李明",
    },
    {
        "id": _uuid(),
        "start_date": date(2024, 4, 8),
        "end_date": date(2024, 4, 11),
        "team_id": T2,
        "destination_region": "yrd",
        "destination_city": "苏州",
        "purpose": "赴苏州走访电子信息企业",
        "participants": "王芳、刘洋",
    },
    {
        "id": _uuid(),
        "start_date": date(2024, 5, 19),
        "end_date": date(2024, 5, 21),
        "team_id": T3,
        "destination_region": "chengyu",
        "destination_city": "成都",
        "purpose": "成渝地区招商推介",
        "participants": "陈刚",
    },
]
TR1, TR2, TR3 = (t["id"] for t in TRIPS)

VISITS: list[dict[str, Any]] = [
    {
        "id": _uuid(),
        "visit_date": date(2024, 3, 18),
        "kind": "enterprise_visit",
        "enterprise_id": E1,
        "team_id": T1,
        "staff": "李明",
        "trip_id": TR1,
        "location": "深圳南山",
        "summary": "了解企业扩产需求，拟在华南新建电池包生产基地",
        "outcome": "企业有意向来肇考察",
        "督办意见": "请尽快安排来肇考察",
        "next_action": "邀请企业来肇考察",
        "next_action_date": date(2024, 4, 10),
    },
    {
        "id": _uuid(),
        "visit_date": "2024年3月19日",  # typed by hand as text
        "kind": "association_meeting",
        "enterprise_id": None,
        "team_id": T1,
        "staff": "张伟",
        "trip_id": TR1,
        "location": "深圳福田",
        "summary": "参加深圳市肇庆商会座谈会，推介高新区产业用地",
        "outcome": "收集线索3条",
        "督办意见": None,
        "next_action": None,
        "next_action_date": None,
    },
    {
        "id": _uuid(),
        "visit_date": date(2024, 4, 9),
        "kind": "enterprise_visit",
        "enterprise_id": E2,
        "team_id": T2,
        "staff": "刘洋",
        "trip_id": TR2,
        "location": "苏州工业园区",
        "summary": "企业计划建设显示模组产线，关注用地与配套",
        "outcome": "形成投资意向",
        "督办意见": "已督办",
        "next_action": "报送项目用地需求",
        "next_action_date": date(2024, 4, 30),
    },
    {
        "id": _uuid(),
        "visit_date": date(2024, 4, 15),
        "kind": "enterprise_visit",
        "enterprise_id": E3,
        "team_id": T3,
        "staff": "陈刚",
        "trip_id": None,
        "location": "北京海淀",
        "summary": "洽谈无人机总装基地落地",
        "outcome": None,
        "督办意见": "待督办",
        "next_action": None,
        "next_action_date": None,
    },
    {
        "id": _uuid(),
        "visit_date": date(2024, 5, 6),
        "kind": "inbound_inspection",
        "enterprise_id": E1,
        "team_id": T1,
        "staff": "李明",
        "trip_id": None,
        "location": "肇庆高新区",
        "summary": "企业来肇考察高新区地块",
        "outcome": "初步选定地块",
        "督办意见": None,
        "next_action": "准备签约",
        "next_action_date": date(2024, 5, 20),
    },
    {
        "id": _uuid(),
        "visit_date": date(2024, 5, 20),
        "kind": "promotion_event",
        "enterprise_id": None,
        "team_id": T3,
        "staff": "陈刚",
        "trip_id": TR3,
        "location": "成都",
        "summary": "成渝地区招商推介会",
        "outcome": "签约意向2个",
        "督办意见": None,
        "next_action": None,
        "next_action_date": None,
    },
]

LEADS: list[dict[str, Any]] = [
    {
        "id": _uuid(),
        "title": "鹏城新能源电池包生产基地项目",
        "enterprise_id": E1,
        "industry": "nev_auto",
        "planned_investment": "1.2亿",
        "source": "visit",
        "discovered_on": date(2024, 3, 18),
        "team_id": T1,
        "owner": "李明",
        "status": "negotiating",
        "effective": True,
        "next_follow_up": date(2024, 4, 10),
        "notes": None,
    },
    {
        "id": _uuid(),
        "title": "晶华电子显示模组项目",
        "enterprise_id": E2,
        "industry": "electronic_info",
        "planned_investment": "5,000万元",
        "source": "visit",
        "discovered_on": date(2024, 4, 9),
        "team_id": T2,
        "owner": "刘洋",
        "status": "following",
        "effective": True,
        "next_follow_up": "2024年4月30日",
        "notes": "用地需求约80亩",
    },
    {
        "id": _uuid(),
        "title": "智航无人机总装基地",
        "enterprise_id": E3,
        "industry": "low_altitude",
        "planned_investment": 30000,
        "source": "visit",
        "discovered_on": date(2024, 4, 15),
        "team_id": T3,
        "owner": "陈刚",
        "status": "new",
        "effective": False,
        "next_follow_up": None,
        "notes": None,
    },
    {
        "id": _uuid(),
        "title": "蓉欣储能电芯项目",
        "enterprise_id": E4,
        "industry": "energy_storage",
        "planned_investment": 80000,
        "source": "event",
        "discovered_on": date(2024, 5, 20),
        "team_id": T3,
        "owner": "陈刚",
        "status": "following",
        "effective": True,
        "next_follow_up": date(2024, 6, 15),
        "notes": None,
    },
    {
        "id": _uuid(),
        "title": "港信医疗器械产业化项目",
        "enterprise_id": E5,
        "industry": "medical_devices",
        "planned_investment": 15000,
        "source": "referral",
        "discovered_on": date(2024, 2, 28),
        "team_id": T1,
        "owner": "张伟",
        "status": "lost",
        "effective": False,
        "next_follow_up": None,
        "notes": "企业转投他市",
    },
]
L1, L2, L3, L4, L5 = (lead["id"] for lead in LEADS)
LEAD_FILTER = ("跟进中", "洽谈中")
"""The active filter on 招商线索 shows these statuses; the other rows are hidden."""

PROJECTS: list[dict[str, Any]] = [
    {
        "id": _uuid(),
        "name": "鹏城新能源电池包生产基地项目",
        "enterprise_id": E1,
        "lead_id": L1,
        "team_id": T1,
        "industry": "nev_auto",
        "manufacturing": True,
        "planned_investment": 120000,
        "actual_investment": 15000,
        "site": "肇庆高新区",
        "stage": "construction_started",
        "signed_on": date(2024, 4, 28),
        "land_planned": date(2024, 6, 30),
        "land_actual": date(2024, 6, 20),
        "start_planned": date(2024, 9, 30),
        "start_actual": date(2024, 9, 18),
        "completion_planned": date(2025, 12, 31),
        "notes": "市重点项目",
    },
    {
        "id": _uuid(),
        "name": "晶华电子显示模组项目",
        "enterprise_id": E2,
        "lead_id": None,
        "team_id": T2,
        "industry": "electronic_info",
        "manufacturing": True,
        "planned_investment": "5,000万元",
        "actual_investment": None,
        "site": "高要区",
        "stage": "signed",
        "signed_on": date(2024, 5, 15),
        "land_planned": date(2024, 8, 31),
    },
    {
        "id": _uuid(),
        "name": "智航无人机总装基地",
        "enterprise_id": E3,
        "lead_id": L3,
        "team_id": T3,
        "industry": "low_altitude",
        "manufacturing": True,
        "planned_investment": 30000,
        "actual_investment": 0,
        "site": "肇庆新区",
        "stage": "land_supplied",
        "signed_on": date(2024, 3, 29),
        "land_planned": date(2024, 5, 31),
        "land_actual": date(2024, 6, 5),
        "start_planned": date(2024, 8, 31),
    },
    {
        "id": _uuid(),
        "name": "港信医疗器械产业化项目",
        "enterprise_id": E5,
        "lead_id": None,
        "team_id": T1,
        "industry": "medical_devices",
        "manufacturing": False,
        "planned_investment": 15000,
        "actual_investment": 2000,
        "site": "端州区",
        "stage": "signed",
        "signed_on": date(2024, 2, 20),
    },
]

RECORDS: dict[str, list[dict[str, Any]]] = {
    "teams": TEAMS,
    "enterprises": ENTERPRISES,
    "trips": TRIPS,
    "visits": VISITS,
    "leads": LEADS,
    "projects": PROJECTS,
}

# --------------------------------------------------------------------------------------------------
# The layout head office gave the workbook

LEDGER_SHEETS: dict[str, str] = {ledger: layout(ledger).zh for ledger in SYNC_ORDER}
HEADER_ROWS: dict[str, int] = {ledger: 1 for ledger in SYNC_ORDER} | {"visits": 3, "projects": 3}
SUMMARY_SHEET = "汇总"
LIST_SHEET = "列表"
PROJECTS_TITLE = "2024年招商项目台账"
VISITS_TITLE = "2024年招商走访记录"
DATE_LINE = "填报单位：市投资促进局　更新日期：2024年6月28日"
EXTRA_COLUMNS: dict[str, tuple[str, str]] = {
    # ledger -> (head office's header, the ledger column it follows)
    "visits": ("督办意见", "outcome"),
    "projects": ("折合亿元", "planned_investment"),
}
HIDDEN_ROWS: dict[str, set[int]] = {"visits": {7}, "trips": {3}}  # plus the leads the filter hides
TABLE_NAME = "EnterpriseTable"
DATE_FORMAT = "yyyy-mm-dd"
CN_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONEY_FORMAT = "#,##0.00"

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FIXED_TIME = (2024, 6, 28, 17, 45, 2)

NON_LEDGER_PARTS_EXPECTED: frozenset[str] = frozenset(
    {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/sharedStrings.xml",
        "xl/theme/theme1.xml",
        "xl/persons/person.xml",
        "xl/worksheets/sheet7.xml",  # 汇总
        "xl/worksheets/sheet8.xml",  # 列表
        "xl/worksheets/_rels/sheet2.xml.rels",  # 企业 -> its table
        "xl/worksheets/_rels/sheet5.xml.rels",  # 走访记录 -> comments
        "xl/worksheets/_rels/sheet6.xml.rels",  # 签约项目 -> comments, threaded comments
        "xl/worksheets/_rels/sheet7.xml.rels",  # 汇总 -> drawing
        "xl/comments/comment1.xml",
        "xl/comments/comment2.xml",
        "xl/drawings/commentsDrawing1.vml",
        "xl/drawings/commentsDrawing2.vml",
        "xl/threadedComments/threadedComment1.xml",
        "xl/drawings/drawing1.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
        "xl/charts/chart1.xml",
        "xl/media/image1.png",
    }
)
"""The parts of the built workbook that are head office's: sync must leave them byte-identical."""


def ledger_parts(path: Path) -> set[str]:
    """The ledger worksheets and the table parts over them: the only parts sync may change."""
    parts = sheet_parts(path)
    ledger = {parts[name] for name in LEDGER_SHEETS.values()}
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for part in list(ledger):
            rels = f"{part.rsplit('/', 1)[0]}/_rels/{part.rsplit('/', 1)[1]}.rels"
            if rels not in names:
                continue
            text = package.read(rels).decode("utf-8")
            for rel in re.finditer(r"<Relationship\b[^>]*>", text):
                if rel[0].rstrip("/>").split('Type="', 1)[1].split('"', 1)[0].endswith("/table"):
                    target = re.search(r'Target="([^"]*)"', rel[0])
                    assert target is not None
                    ledger.add(_resolve(part, target[1]))
    return ledger


def head_office_parts(path: Path) -> set[str]:
    """Every zip part of ``path`` except the ledger worksheets and the table parts over them."""
    with zipfile.ZipFile(path) as package:
        return set(package.namelist()) - ledger_parts(path)


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = source.rsplit("/", 1)[0].split("/")
    for piece in target.split("/"):
        if piece == "..":
            folder.pop()
        elif piece != ".":
            folder.append(piece)
    return "/".join(folder)


# --------------------------------------------------------------------------------------------------
# Building


def sheet_columns(ledger: str) -> list[tuple[str, str]]:
    """(column key, Chinese header) in sheet order; head office's extra column has its header as key."""
    columns = [(c.key, c.header("zh")) for c in layout(ledger).columns]
    if ledger in EXTRA_COLUMNS:
        header, after = EXTRA_COLUMNS[ledger]
        position = next(i for i, (key, _h) in enumerate(columns) if key == after) + 1
        columns.insert(position, (header, header))
    return columns


def column_of(ledger: str, key: str) -> int:
    """1-based column of a column key (or head office's header) in the built sheet."""
    return next(i for i, (k, _h) in enumerate(sheet_columns(ledger), 1) if k == key)


def first_data_row(ledger: str) -> int:
    return HEADER_ROWS[ledger] + 1


def row_of(ledger: str, record_id: str) -> int:
    index = next(i for i, record in enumerate(RECORDS[ledger]) if record["id"] == record_id)
    return first_data_row(ledger) + index


def _display(ledger: str, record_id: str | None) -> str | None:
    if record_id is None:
        return None
    record = next(r for r in RECORDS[ledger] if r["id"] == record_id)
    if ledger == "trips":
        return f"{record['destination_city']} {record['start_date'].isoformat()}"
    return str(record["name"] if "name" in record else record["title"])


def _cell_value(ledger: str, key: str, record: dict[str, Any]) -> Any:
    sheet_layout = layout(ledger)
    if key == "id":
        return record["id"]
    if key in EXTRA_COLUMNS.get(ledger, ("",)):
        return record.get(key)
    column = sheet_layout.column(key)
    if column.role is Role.STATUS:
        return deleted_label("zh") if record.get("deleted") else None
    assert column.field is not None
    if column.role is Role.REF_NAME:
        return _display(column.field.ref or "", record.get(column.field.name))
    value = record.get(key)
    if value is None:
        return None
    if column.field.choices and isinstance(value, str):
        return controlled.label(column.field.choices, value, "zh")
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXTRA_FILL = PatternFill("solid", fgColor="FFF2CC")


def _write_ledger(ws: Any, ledger: str, cached: dict[str, dict[str, str]]) -> None:
    columns = sheet_columns(ledger)
    header_row = HEADER_ROWS[ledger]
    last = get_column_letter(len(columns))
    if header_row == 3:
        title = VISITS_TITLE if ledger == "visits" else PROJECTS_TITLE
        ws["A1"] = title
        ws["A1"].font = Font(name="黑体", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells("A1:H1")
        ws.row_dimensions[1].height = 30
        ws["A2"] = DATE_LINE
        ws["A2"].font = Font(name="宋体", size=10, italic=True)
        ws["A2"].alignment = Alignment(horizontal="right")
        ws.merge_cells("A2:H2")
    for number, (key, header) in enumerate(columns, 1):
        cell = ws.cell(header_row, number, header)
        cell.font = Font(name="宋体", size=11, bold=True, color="C00000" if key == header else None)
        cell.fill = _EXTRA_FILL if key == header else _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(number)].width = 38 if key.endswith("id") else 16
    kinds = {
        c.key: c.field.kind for c in layout(ledger).columns if c.role is Role.FIELD and c.field is not None
    }
    planned_column = (
        get_column_letter(column_of(ledger, "planned_investment")) if ledger == "projects" else ""
    )
    for index, record in enumerate(RECORDS[ledger]):
        row = header_row + 1 + index
        for number, (key, header) in enumerate(columns, 1):
            value = _cell_value(ledger, key, record)
            if ledger == "projects" and key == header:  # head office's formula column
                value = f'=IF(ISNUMBER({planned_column}{row}),{planned_column}{row}/10000,"")'
                amount = record.get("planned_investment")
                cached.setdefault(ledger, {})[f"{get_column_letter(number)}{row}"] = (
                    _number(amount / 10000) if isinstance(amount, int | float) else ""
                )
            cell = ws.cell(row, number, value)
            cell.border = _BORDER
            cell.font = Font(name="宋体", size=11)
            if key == header:
                cell.font = Font(name="宋体", size=11, color="C00000")
                cell.fill = _EXTRA_FILL
                if ledger == "projects":
                    cell.number_format = "0.00"
            elif kinds.get(key) is Kind.DATE and not isinstance(value, str):  # the column is formatted
                milestone = ledger == "projects" and key != "signed_on"
                cell.number_format = CN_DATE_FORMAT if milestone else DATE_FORMAT
            elif kinds.get(key) is Kind.MONEY and not isinstance(value, str):
                cell.number_format = MONEY_FORMAT
            elif key in ("id", "credit_code", "phone") and isinstance(value, str):
                cell.number_format = "@"
    freeze = {"visits": "B4", "projects": "C4", "leads": "A2", "teams": "A2", "trips": "A2"}
    if ledger in freeze:
        ws.freeze_panes = freeze[ledger]
    for row in HIDDEN_ROWS.get(ledger, ()):
        ws.row_dimensions[row].hidden = True
    if ledger not in ("enterprises", "leads"):
        last_row = header_row + len(RECORDS[ledger])
        ws.auto_filter.ref = f"A{header_row}:{last}{last_row}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _list_range(ws: Any, letter: str, title: str, values: list[str]) -> str:
    ws[f"{letter}1"] = title
    ws[f"{letter}1"].font = Font(bold=True)
    for row, value in enumerate(values, 2):
        ws[f"{letter}{row}"] = value
    return f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${len(values) + 1}"


def _validation(ws: Any, formula: str, sqref: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    validation.add(sqref)
    ws.add_data_validation(validation)


def _build(cached: dict[str, dict[str, str]]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    default = book.active
    sheets = {ledger: book.create_sheet(LEDGER_SHEETS[ledger]) for ledger in SYNC_ORDER}
    summary = book.create_sheet(SUMMARY_SHEET)
    lists = book.create_sheet(LIST_SHEET)
    lists.sheet_state = "hidden"
    book.remove(default)
    for ledger in SYNC_ORDER:
        _write_ledger(sheets[ledger], ledger, cached)

    kinds = _list_range(lists, "A", "类型", [t.zh for t in controlled.terms("visit_kind")])
    statuses = _list_range(lists, "B", "线索状态", [t.zh for t in controlled.terms("lead_status")])
    stages = _list_range(lists, "C", "项目阶段", [t.zh for t in controlled.terms("project_stage")])
    deleted = _list_range(lists, "D", "记录状态", [deleted_label("zh")])
    _list_range(lists, "E", "督办状态", ["已督办", "待督办", "已办结"])

    visits = sheets["visits"]
    last_visit = 3 + len(VISITS)
    kind = get_column_letter(column_of("visits", "kind"))
    _validation(visits, kinds, f"{kind}4:{kind}1000")
    status = get_column_letter(column_of("visits", "record_status"))
    _validation(visits, deleted, f"{status}4:{status}1000")
    visits.conditional_formatting.add(
        f"{kind}4:{kind}1000",
        CellIsRule(operator="equal", formula=['"招商推介会"'], fill=PatternFill("solid", fgColor="E2EFDA")),
    )
    supervise = get_column_letter(column_of("visits", "督办意见"))
    visits[f"{supervise}3"].comment = Comment("督办意见由市局督查室填写，工作组请勿修改。", "市局督查室")
    assert last_visit == 9

    leads = sheets["leads"]
    lead_status = column_of("leads", "status")
    letter = get_column_letter(lead_status)
    _validation(leads, statuses, f"{letter}2:{letter}1000")
    last_column = get_column_letter(len(sheet_columns("leads")))
    leads.auto_filter.ref = f"A1:{last_column}{1 + len(LEADS)}"
    leads.auto_filter.add_filter_column(lead_status - 1, list(LEAD_FILTER))
    for row, lead in enumerate(LEADS, 2):
        if controlled.label("lead_status", lead["status"], "zh") not in LEAD_FILTER:
            leads.row_dimensions[row].hidden = True

    projects = sheets["projects"]
    stage = get_column_letter(column_of("projects", "stage"))
    _validation(projects, stages, f"{stage}4:{stage}1000")
    planned = get_column_letter(column_of("projects", "planned_investment"))
    projects.conditional_formatting.add(
        f"{planned}4:{planned}1000",
        CellIsRule(
            operator="greaterThanOrEqual",
            formula=["100000"],
            font=Font(bold=True, color="C00000"),
            fill=PatternFill("solid", fgColor="FCE4D6"),
        ),
    )
    projects[f"{planned}5"].comment = Comment("协议口径，待核实。", "市局规划科")
    site = get_column_letter(column_of("projects", "site"))
    projects[f"{site}6"].comment = Comment(
        "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any "
        "edits to it will get removed if the file is opened in a newer version of Excel.\n\nComment:\n"
        "    地块是否已摘牌？",
        "tc={2A5C9E44-6A4E-4C5B-9F0B-5C1D2E3F4A5B}",
    )
    projects.print_title_rows = "3:3"

    enterprises = sheets["enterprises"]
    table = Table(
        displayName=TABLE_NAME,
        ref=f"A1:{get_column_letter(len(sheet_columns('enterprises')))}{1 + len(ENTERPRISES)}",
    )
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    enterprises.add_table(table)

    _write_summary(summary, cached)
    book.defined_names["计划投资合计"] = DefinedName(
        "计划投资合计", attr_text=f"{quote_sheetname(SUMMARY_SHEET)}!$C$9"
    )
    project_range = f"$A$3:${get_column_letter(len(sheet_columns('projects')))}${3 + len(PROJECTS)}"
    book.defined_names["ProjectLedger"] = DefinedName(
        "ProjectLedger", attr_text=f"{quote_sheetname(LEDGER_SHEETS['projects'])}!{project_range}"
    )
    book.active = 0
    book.security = None  # no empty <workbookProtection/>
    book.properties.creator = "市投资促进局"
    book.properties.title = "招商工作台账"
    return book


_SUMMARY_INDUSTRIES = ("nev_auto", "electronic_info", "low_altitude", "medical_devices")


def _write_summary(ws: Any, cached: dict[str, dict[str, str]]) -> None:
    projects = quote_sheetname(LEDGER_SHEETS["projects"])
    industry = get_column_letter(column_of("projects", "industry"))
    planned = get_column_letter(column_of("projects", "planned_investment"))
    name = get_column_letter(column_of("projects", "name"))
    ws["A1"] = "招商项目汇总（按产业）"
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws.merge_cells("A1:C1")
    for column, header in enumerate(("产业类别", "项目个数", "计划投资（万元）"), 1):
        cell = ws.cell(3, column, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    values: dict[str, str] = {}
    total = 0
    for row, code in enumerate(_SUMMARY_INDUSTRIES, 4):
        label = controlled.label("industry", code, "zh")
        ws.cell(row, 1, label)
        ws.cell(row, 2, f"=COUNTIF({projects}!${industry}$4:${industry}$1000,A{row})")
        ws.cell(
            row,
            3,
            f"=SUMIF({projects}!${industry}$4:${industry}$1000,A{row},{projects}!${planned}$4:${planned}$1000)",
        )
        ws.cell(row, 3).number_format = MONEY_FORMAT
        matching = [p for p in PROJECTS if p["industry"] == code]
        amount = sum(p["planned_investment"] for p in matching if isinstance(p["planned_investment"], int))
        total += amount
        values[f"B{row}"] = str(len(matching))
        values[f"C{row}"] = str(amount)
    ws["A8"] = "项目总数"
    ws["B8"] = f"=COUNTA({projects}!${name}$4:${name}$1000)"
    values["B8"] = str(len(PROJECTS))
    ws["A9"] = "计划投资合计"
    ws["C9"] = "=SUM(C4:C7)"
    ws["C9"].number_format = MONEY_FORMAT
    values["C9"] = str(total)
    cached["summary"] = values
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["C"].width = 18
    ws.conditional_formatting.add(
        "C4:C7", ColorScaleRule(start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B")
    )
    chart = BarChart()
    chart.title = "各产业计划投资（万元）"
    chart.add_data(Reference(ws, min_col=3, min_row=3, max_row=7), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=7))
    chart.width, chart.height = 15, 7.5
    ws.add_chart(chart, "E3")


# --------------------------------------------------------------------------------------------------
# What openpyxl cannot write: done on the saved package


def tiny_png(width: int = 16, height: int = 16) -> bytes:
    """A valid RGB PNG: a red badge with a white bar, made with zlib and struct."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b""
    for y in range(height):
        line = b"".join(
            b"\xff\xff\xff" if height // 3 <= y < 2 * height // 3 and 3 <= x < width - 3 else b"\xc0\x00\x00"
            for x in range(width)
        )
        rows += b"\x00" + line
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


_DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" \
xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">\
<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>17</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="图表 1"/>\
<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>\
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">\
<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></a:graphicData>\
</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>\
<xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>11</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="457200" cy="457200"/><xdr:pic><xdr:nvPicPr>\
<xdr:cNvPr id="3" name="图片 2" descr="市投资促进局徽标"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr>\
</xdr:nvPicPr><xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" \
r:embed="rId2"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/>\
<a:ext cx="457200" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>\
<xdr:clientData/></xdr:oneCellAnchor>\
<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>14</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>18</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="4" name="文本框 3"/>\
<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2743200" cy="731520"/>\
</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFF2CC"/></a:solidFill>\
<a:ln w="9525"><a:solidFill><a:srgbClr val="BF9000"/></a:solidFill></a:ln></xdr:spPr><xdr:txBody>\
<a:bodyPr vertOverflow="clip" wrap="square" rtlCol="0" anchor="t"/><a:lstStyle/><a:p><a:r>\
<a:rPr lang="zh-CN" altLang="en-US" sz="1100" b="1"/><a:t>数据来源：各工作组台账</a:t></a:r></a:p><a:p><a:r>\
<a:rPr lang="zh-CN" altLang="en-US" sz="1000"/><a:t>文本型金额（如“5,000万元”）不计入SUMIF，请总部核对。</a:t>\
</a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"""

_DRAWING_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" \
Target="../charts/chart1.xml"/><Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.png"/>\
</Relationships>"""

_PERSON_ID = "{6C1F0A52-93E1-4D7B-A1C3-2B5E7F9D0A11}"
_PERSONS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" \
xmlns:x="{_MAIN_NS}"><person displayName="总部 王科长" id="{_PERSON_ID}" userId="wang.kezhang@zqinvest.example" \
providerId="None"/></personList>"""


def _threaded_comment(ref: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" \
xmlns:x="{_MAIN_NS}"><threadedComment ref="{ref}" dT="2024-06-27T09:30:12.00" personId="{_PERSON_ID}" \
id="{{2A5C9E44-6A4E-4C5B-9F0B-5C1D2E3F4A5B}}"><text>地块是否已摘牌？</text></threadedComment>\
<threadedComment ref="{ref}" dT="2024-06-27T10:02:40.00" personId="{_PERSON_ID}" \
id="{{3B6DAF55-7B5F-4D6C-A01C-6D2E3F4A5B6C}}" parentId="{{2A5C9E44-6A4E-4C5B-9F0B-5C1D2E3F4A5B}}">\
<text>已摘牌，待办理施工许可。</text></threadedComment></ThreadedComments>"""


_X14_ROOT = (
    f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
)


def _x14_validation(sqref: str) -> str:
    formula = f"{quote_sheetname(LIST_SHEET)}!$E$2:$E$4"
    return (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        'promptTitle="督办意见" prompt="请从列表中选择">'
        f"<x14:formula1><xm:f>{escape(formula)}</xm:f></x14:formula1><xm:sqref>{sqref}</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )


def _with_cached_values(xml: str, values: dict[str, str]) -> str:
    for ref, value in values.items():
        pattern = re.compile(rf'(<c r="{ref}"[^>]*?)(?:\s*/>|>(<f>.*?</f>)<v\s*/>(?:</c>))')
        match = pattern.search(xml)
        assert match is not None and match[2] is not None, ref
        if value == "":
            replacement = f'{match[1]} t="str">{match[2]}<v></v></c>'
        else:
            replacement = f"{match[1]}>{match[2]}<v>{value}</v></c>"
        xml = xml[: match.start()] + replacement + xml[match.end() :]
    return xml


_INLINE = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>')


def _post_process(data: bytes, cached: dict[str, dict[str, str]]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    order = list(parts)
    by_sheet = {
        name: f"xl/worksheets/sheet{i}.xml"
        for i, name in enumerate([*LEDGER_SHEETS.values(), SUMMARY_SHEET, LIST_SHEET], 1)
    }

    # Strings in one shared-string table, as Excel and WPS write them.
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        text = match[3]
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'<c {match[1]}t="s"{match[2]}><v>{index[text]}</v></c>'

    for name in order:
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = _INLINE.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    items = "".join(
        f'<si><t xml:space="preserve">{text}</t></si>' if text != text.strip() else f"<si><t>{text}</t></si>"
        for text in strings
    )
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()
    order.insert(order.index("xl/styles.xml"), "xl/sharedStrings.xml")

    # Cached values of the formulas, as a spreadsheet program leaves them.
    projects_part = by_sheet[LEDGER_SHEETS["projects"]]
    summary_part = by_sheet[SUMMARY_SHEET]
    for part, values in ((projects_part, cached["projects"]), (summary_part, cached["summary"])):
        parts[part] = _with_cached_values(parts[part].decode("utf-8"), values).encode("utf-8")

    # 走访记录: Excel's namespaces, x14ac row heights and an x14 drop-down in extLst.
    visits_part = by_sheet[LEDGER_SHEETS["visits"]]
    xml = parts[visits_part].decode("utf-8")
    root = re.match(r"<worksheet [^>]*>", xml)
    assert root is not None
    xml = _X14_ROOT + xml[root.end() :]
    xml = xml.replace(
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"',
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" x14ac:dyDescent="0.25"',
    )
    spans = f"1:{len(sheet_columns('visits'))}"
    xml = re.sub(r"(<row r=\"\d+\")([^>]*?)(\s*/?>)", rf'\1 spans="{spans}"\2 x14ac:dyDescent="0.25"\3', xml)
    supervise = get_column_letter(column_of("visits", "督办意见"))
    xml = xml.replace("</worksheet>", _x14_validation(f"{supervise}4:{supervise}1000") + "</worksheet>")
    assert "x14:dataValidation" in xml and 'x14ac:dyDescent="0.25"' in xml
    parts[visits_part] = xml.encode("utf-8")

    # 汇总: one drawing with the chart, an image and a text box.
    drawing = "xl/drawings/drawing1.xml"
    assert drawing in parts and "xl/charts/chart1.xml" in parts
    parts[drawing] = _DRAWING.encode("utf-8")
    parts["xl/drawings/_rels/drawing1.xml.rels"] = _DRAWING_RELS.encode("utf-8")
    parts["xl/media/image1.png"] = tiny_png()
    order.insert(order.index(drawing) + 1, "xl/media/image1.png")

    # 签约项目: a threaded comment beside the legacy one, and the people who write them.
    site = f"{get_column_letter(column_of('projects', 'site'))}6"
    parts["xl/threadedComments/threadedComment1.xml"] = _threaded_comment(site).encode("utf-8")
    parts["xl/persons/person.xml"] = _PERSONS.encode("utf-8")
    order += ["xl/threadedComments/threadedComment1.xml", "xl/persons/person.xml"]
    projects_rels = projects_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    parts[projects_rels] = parts[projects_rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdTc1" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"'
        b' Target="/xl/threadedComments/threadedComment1.xml" /></Relationships>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml" />'
        b'<Relationship Id="rIdPersons" Type="http://schemas.microsoft.com/office/2017/10/relationships/person"'
        b' Target="persons/person.xml" /></Relationships>',
    )
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(
            b"<Override ",
            b'<Default Extension="png" ContentType="image/png" /><Override ',
            1,
        )
        .replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
            b'<Override PartName="/xl/threadedComments/threadedComment1.xml" '
            b'ContentType="application/vnd.ms-excel.threadedcomments+xml" />'
            b'<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml" />'
            b"</Types>",
        )
    )
    # Saved by Excel: its calculation engine id and no request to recalculate on load (the cached
    # values are trusted), and Excel's application properties.
    workbook_xml = parts["xl/workbook.xml"].decode("utf-8")
    assert '<calcPr calcId="124519" fullCalcOnLoad="1" />' in workbook_xml
    parts["xl/workbook.xml"] = workbook_xml.replace(
        '<calcPr calcId="124519" fullCalcOnLoad="1" />', '<calcPr calcId="191029"/>'
    ).encode("utf-8")
    parts["docProps/app.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<Company>市投资促进局</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>"
    ).encode()
    parts["docProps/core.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>招商工作台账</dc:title>'
        "<dc:creator>市投资促进局</dc:creator><cp:lastModifiedBy>总部 王科长</cp:lastModifiedBy>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-02T08:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-06-28T09:45:02Z</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for number, name in enumerate(order):
            info = zipfile.ZipInfo(name, (*_FIXED_TIME[:5], (_FIXED_TIME[5] + 2 * number) % 60))
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, parts[name])
    return out.getvalue()


def build_rich_workbook(path: Path) -> None:
    """Write the rich master workbook to ``path`` (overwriting it); the same bytes every time."""
    cached: dict[str, dict[str, str]] = {}
    book = _build(cached)
    buffer = io.BytesIO()
    book.save(buffer)
    Path(path).write_bytes(_post_process(buffer.getvalue(), cached))
