"""Demo data: a plausible city investment-promotion bureau, to try the app and to test it at scale.

``generate(database)`` fills a database with teams, enterprises, trips, visits, leads and projects whose
volumes follow the bureau's own quarterly account (shared/seed): per quarter 300+ trips, 500+ enterprises
visited, 64 association meetings, 30 promotion events, 150 effective leads, 186 new projects of which
about 72% manufacturing, 65% of those ≥ 1亿元 and a few ≥ 10亿元. Projects move through their stages by
age, some fall behind plan, so the supervision list has content.

The content is deterministic for a seed (ids are fresh UUIDs, so two runs never collide). Every record
is checked with :func:`models.validation.validate` before it is written; a failure is a bug here.
Rows go in with SQLAlchemy Core bulk inserts in one transaction, all stamped with one new version of the
change counter and ``updated_by = "demo"``; no change-log rows are written for demo data.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Connection, Table, insert, select, text

from models import controlled
from models.controlled import PROJECT_STAGES
from models.database import Database
from models.fields import MILESTONES
from models.normalize import CREDIT_CODE_ALPHABET, credit_code_check_char, normalise_name, pinyin_initials
from models.schema import Enterprise, Lead, LedgerRecord, Project, Team, Trip, Visit, new_id
from models.tracking import COUNTER_KEY
from models.types import utcnow
from models.validation import ValidationError, validate

T = TypeVar("T")

DEMO_USER = "demo"

PER_QUARTER: Mapping[str, int] = MappingProxyType(
    {
        "trips": 300,
        "distinct_enterprises_visited": 500,
        "enterprise_revisits": 20,
        "association_meetings": 64,
        "promotion_events": 30,
        "inbound_inspections": 40,
        "effective_leads": 150,
        "other_leads": 60,
        "projects": 186,
    }
)
"""Volumes per quarter at scale 1 (the seed account of Q1 2024); each quarter varies by ±6%."""

TEAMS_AT_SCALE_1 = 50
STAFF_AT_SCALE_1 = 243
MANUFACTURING_SHARE = 0.72  # what the per-industry probabilities below average to, by demo_weight
LARGE_SHARE = 0.65  # manufacturing projects ≥ 1亿元
HUGE_SHARE = 0.052  # manufacturing projects ≥ 10亿元 (7 of 134)

# --- the city ----------------------------------------------------------------------------------------

HOME_CITY = "肇庆"
UNITS: tuple[tuple[str, float, bool], ...] = (
    # (district or platform, weight for teams and project sites, is a platform)
    ("端州区", 1.2, False),
    ("鼎湖区", 1.0, False),
    ("高要区", 1.2, False),
    ("四会市", 1.2, False),
    ("广宁县", 0.8, False),
    ("怀集县", 0.8, False),
    ("封开县", 0.7, False),
    ("德庆县", 0.7, False),
    ("肇庆高新区", 1.3, True),
    ("肇庆新区", 1.0, True),
    ("广东(肇庆)大型产业集聚区", 1.4, True),
    ("粤桂合作特别试验区", 0.8, True),
)

# --- people --------------------------------------------------------------------------------------------

_SURNAMES = (
    "陈陈陈陈李李李黄黄黄梁梁林林张张王王刘刘杨吴吴何何罗冯冯邓谭谭麦郑周曾叶彭卢苏潘莫钟赵徐孙马朱胡郭"
    "高谢宋唐许韩曹肖田董袁蔡余杜程魏吕丁沈姚姜崔陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙黎贺"
    "顾严覃区欧关植伍岑"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红玲芬燕斌辉鹏宇浩凯健俊帆旭宁龙林欣佳颖婷雪琳"
    "晨晓思雨嘉子梓诗文志国建海永春家振立卫东荣庆锦泽慧彬峰坚耀荣德铭炜滔晖颖韵珊怡翠凤少嘉卓锐"
)

# --- enterprises ---------------------------------------------------------------------------------------

_BRAND_CHARS = (
    "华创科达盛鑫瑞恒泰宏远隆通新嘉源立安信德博汇中联佳丰锦腾骏威力美凯星光明昊宇弘睿卓越正和亿兴成辉"
    "晟晶耀海天金润泽顺富邦捷迅拓航益智芯能格伦普迈驰锐峰蓝氢鹏欣赛奥康"
)
_BRAND_EN = (
    "Everbright",
    "Goldwin",
    "Sunrise",
    "Pacific",
    "Harbour",
    "Jade",
    "Pearl",
    "Dragon",
    "Phoenix",
    "Crown",
    "Orient",
    "Victory",
    "Fortune",
    "Silverlink",
    "Kingsway",
    "Evergreen",
    "Starlight",
    "Brightway",
    "Unison",
    "Prosper",
    "Summit",
    "Horizon",
    "Oceanic",
    "Nova",
    "Zenith",
    "Lotus",
    "Regal",
    "Wing Tai",
    "Tak Shing",
    "Kam Fung",
)
_INDUSTRY_WORDS: Mapping[str, tuple[str, ...]] = {
    "nev_auto": ("新能源汽车零部件", "汽车电子", "动力科技", "汽车部件", "电驱科技"),
    "energy_storage": ("储能科技", "新能源科技", "电池材料", "能源技术", "电源科技"),
    "electronic_info": ("电子科技", "电子", "微电子", "半导体", "信息技术", "精密电子"),
    "hydrogen": ("氢能科技", "氢能源", "燃料电池"),
    "comm_6g": ("通信技术", "通讯科技", "网络技术"),
    "robotics": ("机器人", "智能装备", "自动化科技"),
    "ai": ("人工智能科技", "智能科技", "数据科技"),
    "low_altitude": ("航空科技", "无人机", "低空科技"),
    "medical_devices": ("医疗器械", "医疗科技", "生物医疗"),
    "optoelectronics": ("光电科技", "光电", "光学"),
    "new_materials": ("新材料", "材料科技", "高分子材料", "金属材料"),
    "high_end_equipment": ("精密机械", "装备制造", "智能装备", "重工"),
    "food_beverage": ("食品", "饮料", "预制菜食品", "餐饮管理"),
    "other": ("实业", "贸易", "科技", "发展"),
}
_INDUSTRY_WORDS_EN: Mapping[str, tuple[str, ...]] = {
    "nev_auto": ("Auto Parts", "Motor Components"),
    "energy_storage": ("New Energy", "Battery Technology"),
    "electronic_info": ("Electronics", "Semiconductor", "Technology"),
    "hydrogen": ("Hydrogen Energy", "Fuel Cell Technology"),
    "comm_6g": ("Communications", "Telecom Technology"),
    "robotics": ("Robotics", "Automation"),
    "ai": ("Smart Technology", "Data Technology"),
    "low_altitude": ("Aviation Technology", "Drone Technology"),
    "medical_devices": ("Medical Devices", "Medical Technology"),
    "optoelectronics": ("Optical", "Optoelectronics"),
    "new_materials": ("Materials", "Advanced Materials"),
    "high_end_equipment": ("Precision Engineering", "Machinery"),
    "food_beverage": ("Food", "Foods & Beverages"),
    "other": ("Holdings", "Industrial", "Trading"),
}
_PRODUCTS: Mapping[str, tuple[str, ...]] = {
    "nev_auto": (
        "新能源汽车零部件生产项目",
        "汽车精密结构件项目",
        "电驱动系统生产基地项目",
        "汽车线束生产项目",
    ),
    "energy_storage": ("储能电池生产基地项目", "储能系统集成项目", "锂电池材料项目", "储能温控设备项目"),
    "electronic_info": ("电子元器件生产项目", "印制电路板项目", "半导体封测项目", "智能终端制造项目"),
    "hydrogen": ("燃料电池生产项目", "制氢设备项目", "氢能装备项目"),
    "comm_6g": ("通信设备制造项目", "光通信模块项目", "基站天线项目"),
    "robotics": ("工业机器人生产项目", "服务机器人项目", "智能装备制造项目"),
    "ai": ("人工智能算力中心项目", "智能制造服务平台项目", "数据中心项目"),
    "low_altitude": ("无人机生产基地项目", "低空飞行器制造项目", "通用航空服务项目"),
    "medical_devices": ("高端医疗器械生产项目", "体外诊断设备项目", "医用耗材项目"),
    "optoelectronics": ("光电显示材料项目", "LED封装项目", "光学镜头生产项目"),
    "new_materials": ("电子新材料项目", "高性能铝型材项目", "新型复合材料项目", "高分子材料项目"),
    "high_end_equipment": ("高端智能装备项目", "精密机械加工项目", "数控机床生产项目"),
    "food_beverage": ("预制菜生产基地项目", "食品饮料生产项目", "中央厨房项目", "饮用水生产项目"),
    "other": ("总部经济项目", "仓储物流项目", "五金制品项目", "商贸综合体项目"),
}
# Probability that a project of the industry is a manufacturing project; averages ≈ 0.72 by demo_weight.
_MANUFACTURING: Mapping[str, float] = {
    "nev_auto": 0.88,
    "energy_storage": 0.88,
    "electronic_info": 0.8,
    "hydrogen": 0.75,
    "comm_6g": 0.5,
    "robotics": 0.75,
    "ai": 0.2,
    "low_altitude": 0.5,
    "medical_devices": 0.8,
    "optoelectronics": 0.8,
    "new_materials": 0.85,
    "high_end_equipment": 0.85,
    "food_beverage": 0.7,
    "other": 0.05,
}
_MUNICIPALITIES = frozenset({"北京", "上海", "天津", "重庆"})
_DIVISIONS: Mapping[str, str] = {
    "深圳": "4403",
    "东莞": "4419",
    "惠州": "4413",
    "上海": "3101",
    "苏州": "3205",
    "杭州": "3301",
    "宁波": "3302",
    "南京": "3201",
    "无锡": "3202",
    "北京": "1101",
    "天津": "1201",
    "石家庄": "1301",
    "成都": "5101",
    "重庆": "5001",
    "武汉": "4201",
    "长沙": "4301",
    "郑州": "4101",
    "合肥": "3401",
    "广州": "4401",
    "佛山": "4406",
    "珠海": "4404",
    "中山": "4420",
    "厦门": "3502",
    "西安": "6101",
    "青岛": "3702",
}
_AREA_CODES: Mapping[str, str] = {
    "深圳": "0755",
    "东莞": "0769",
    "惠州": "0752",
    "上海": "021",
    "苏州": "0512",
    "杭州": "0571",
    "宁波": "0574",
    "南京": "025",
    "无锡": "0510",
    "北京": "010",
    "天津": "022",
    "石家庄": "0311",
    "成都": "028",
    "重庆": "023",
    "武汉": "027",
    "长沙": "0731",
    "郑州": "0371",
    "合肥": "0551",
    "广州": "020",
    "佛山": "0757",
    "珠海": "0756",
    "中山": "0760",
    "厦门": "0592",
    "西安": "029",
    "青岛": "0532",
}
_ZONES = ("高新技术产业开发区", "经济技术开发区", "工业园区", "科技城", "智造产业园", "新区")
_ROADS = (
    "科技路",
    "创业大道",
    "工业大道",
    "兴业路",
    "振兴路",
    "园区一路",
    "发展大道",
    "新城大道",
    "滨江路",
    "东环路",
)
_HK_STREETS = (
    "九龙观塘巧明街",
    "新界荃湾沙咀道",
    "新界沙田安群街",
    "九龙长沙湾道",
    "香港岛干诺道中",
    "新界葵涌葵昌路",
)
_MACAO_STREETS = ("友谊大马路", "南湾大马路", "新口岸宋玉生广场", "氹仔孙逸仙大马路")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code check digit

# --- the work ------------------------------------------------------------------------------------------

_TRIP_PURPOSES = (
    "赴{city}走访{industry}产业链重点企业",
    "赴{city}开展招商引资专项行动，对接在谈项目",
    "赴{city}参加商协会活动并拜访企业",
    "赴{city}跟进{industry}在谈项目，推动尽快签约",
    "赴{city}举办投资环境推介会并走访企业",
    "赴{city}开展以商引商，拜访在肇投资企业总部",
)
_VISIT_SUMMARIES = (
    "拜访{name}，介绍{unit}产业政策和用地条件，了解企业扩产计划。",
    "与{name}负责人座谈，企业有意在大湾区西部新建生产基地。",
    "走访{name}，就{product}选址落地进行交流。",
    "到{name}生产基地参观，了解企业产能布局和供应链需求。",
    "拜访{name}高层，推介肇庆{industry}产业集群和配套政策。",
)
_VISIT_OUTCOMES = (
    "企业有投资意向，待进一步考察。",
    "企业暂无扩产计划，保持联系。",
    "已获取项目初步需求：用地约{acres}亩。",
    "企业将安排高层来肇考察。",
    "初步达成合作意向。",
    "企业正在比选大湾区多个地块，需尽快报送用地方案。",
)
_NEXT_ACTIONS = (
    "邀请企业来肇实地考察",
    "提供标准厂房资料",
    "报送项目用地需求",
    "跟进项目可研报告",
    "协调区领导会见企业负责人",
    "起草投资合作协议",
)
_ASSOCIATIONS = (
    "肇庆商会",
    "广东商会",
    "新能源汽车产业协会",
    "电子商会",
    "储能产业联盟",
    "湖南商会",
    "潮汕商会",
)
_HK_ASSOCIATIONS = (
    "香港中华总商会",
    "香港广东社团总会",
    "香港肇庆同乡会",
    "澳门中华总商会",
    "澳门肇庆同乡会",
)
_PROJECT_NOTES = (
    "用地报批手续办理中，进度滞后。",
    "企业资金安排调整，动工时间推迟。",
    "规划设计方案修改，待重新报审。",
    "已列入市领导挂点督办清单。",
    "施工进度滞后，已约谈企业。",
)
_ENTERPRISE_NOTES = (
    "有扩产需求，意向用地约{acres}亩。",
    "拟在大湾区西部布局生产基地。",
    "上市公司，年营收约{revenue}亿元。",
    "关注土地价格与用工配套。",
    "已在珠三角多地考察选址。",
)
_LEAD_NOTES = (
    "意向用地约{acres}亩。",
    "需求标准厂房约{area}平方米。",
    "企业计划一年内投产。",
    "项目需配套专用变电站，待供电部门评估。",
    "与周边城市竞争激烈，需尽快给出政策方案。",
)
_LEAD_SOURCES = (("visit", 0.6), ("association", 0.12), ("event", 0.1), ("referral", 0.12), ("other", 0.06))
_LEAD_CONVERSION = 0.75  # effective leads that are eventually signed
# Milestones: planned gap after the previous planned date (days), and the chance the milestone slips by
# months (land approval, financing, design changes), and the chance the project is shelved there for good.
_PLANNED_GAPS = ((30, 90), (30, 100), (270, 540), (45, 120), (300, 420))
_SLIPS = (0.2, 0.3, 0.25, 0.1, 0.2)
_SHELVED = (0.06, 0.1, 0.12, 0.04, 0.08)

_INSERT_CHUNK = 2000
_GENERATION_SHARE = 40  # of the 100 progress steps; the rest is writing


class DemoCancelled(Exception):
    """Generation was cancelled; nothing was written."""


class DemoError(RuntimeError):
    """The generator produced a record that does not validate: a bug in this module."""


@dataclass(frozen=True)
class DemoCounts:
    """How many records of each ledger :func:`generate` wrote."""

    teams: int = 0
    enterprises: int = 0
    trips: int = 0
    visits: int = 0
    leads: int = 0
    projects: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


# --- small helpers -------------------------------------------------------------------------------------


class _Weighted(Generic[T]):
    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        if not items:
            raise ValueError("nothing to choose from")
        weights = [max(w, 0.0) for _, w in items]
        if not any(weights):
            weights = [1.0] * len(items)
        self.items = [item for item, _ in items]
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def _quarters(start: date, end: date) -> list[tuple[date, date, float]]:
    """The calendar quarters overlapping start..end: (first day, last day, share of the quarter)."""
    result: list[tuple[date, date, float]] = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        q_first = date(year, quarter * 3 + 1, 1)
        q_next = date(year + 1, 1, 1) if quarter == 3 else date(year, quarter * 3 + 4, 1)
        q_last = q_next - timedelta(days=1)
        if q_first > end:
            break
        first, last = max(q_first, start), min(q_last, end)
        result.append((first, last, ((last - first).days + 1) / ((q_last - q_first).days + 1)))
        year, quarter = (year + 1, 0) if quarter == 3 else (year, quarter + 1)
    return result


def _org_code(rng: random.Random) -> str:
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _floor_to(value: float, step: int) -> Decimal:
    return Decimal(int(value // step * step))


def _planned_amount(rng: random.Random, manufacturing: bool) -> Decimal:
    """Planned investment in 万元, distributed like the seed's projects."""
    r = rng.random()
    if manufacturing:
        if r < HUGE_SHARE:
            return Decimal(
                rng.choice((100000, 100000, 100000, 110000, 120000, 150000, 150000, 200000, 300000))
            )
        if r < LARGE_SHARE:
            s = rng.random()
            low, high = (10000, 20000) if s < 0.7 else (20000, 50000) if s < 0.97 else (50000, 100000)
            return _floor_to(rng.uniform(low, high), 500)
        return _floor_to(math.exp(rng.uniform(math.log(800), math.log(10000))), 100)
    if r < 0.01:
        return Decimal(rng.choice((100000, 120000, 150000)))
    if r < 0.3:
        return _floor_to(math.exp(rng.uniform(math.log(10000), math.log(50000))), 500)
    return _floor_to(math.exp(rng.uniform(math.log(300), math.log(10000))), 100)


# --- in-memory records ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Team:
    id: str
    name: str
    unit: str
    staff: list[str]


@dataclass(slots=True)
class _Enterprise:
    id: str
    brand: str
    region: str
    city: str
    industry: str
    row: dict[str, Any]


@dataclass(slots=True)
class _Trip:
    id: str
    team: _Team
    region: str
    city: str
    start: date
    end: date
    participants: list[str]


@dataclass(slots=True)
class _FirstVisit:
    row: dict[str, Any]
    enterprise: _Enterprise
    team: _Team
    staff: str


@dataclass(slots=True)
class _Signing:
    lead: dict[str, Any]
    enterprise: _Enterprise
    team: _Team
    manufacturing: bool
    signed_on: date


@dataclass
class _Rows:
    teams: list[dict[str, Any]] = field(default_factory=list)
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    trips: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)

    def by_ledger(self) -> Iterator[tuple[str, type[LedgerRecord], list[dict[str, Any]]]]:
        yield "teams", Team, self.teams
        yield "enterprises", Enterprise, self.enterprises
        yield "trips", Trip, self.trips
        yield "visits", Visit, self.visits
        yield "leads", Lead, self.leads
        yield "projects", Project, self.projects


@dataclass(frozen=True)
class _Existing:
    team_names: frozenset[str]
    name_keys: frozenset[str]
    credit_codes: frozenset[str]


# --- the generator -------------------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        rng: random.Random,
        scale: float,
        start: date,
        end: date,
        existing: _Existing,
        check_cancelled: Callable[[], None],
        report: Callable[[int], None],
    ) -> None:
        self.rng = rng
        self.scale = scale
        self.start = start
        self.end = end
        self.now = utcnow()
        self.check_cancelled = check_cancelled
        self.report = report
        self.rows = _Rows()
        self.team_names = set(existing.team_names)
        self.name_keys = set(existing.name_keys)
        self.credit_codes = set(existing.credit_codes)
        self.staff_names: set[str] = set()
        self.industries = _Weighted([(t.code, t.demo_weight) for t in controlled.terms("industry")])
        self.industry_zh = {t.code: t.zh for t in controlled.terms("industry")}
        region_terms = [t for t in controlled.terms("region") if t.cities]
        self.regions = _Weighted([(t.code, t.demo_weight) for t in region_terms])
        self.cities = {t.code: t.cities for t in region_terms}
        local: list[str] = [code for code in ("prd_west", "prd_east") if code in self.cities]
        self.local_regions = local or list(self.cities)
        self.units = _Weighted([(name, weight) for name, weight, _ in UNITS])
        self.platforms = _Weighted([(name, weight) for name, weight, platform in UNITS if platform])
        self.sources = _Weighted(list(_LEAD_SOURCES))
        self.teams: list[_Team] = []
        self.team_picker: _Weighted[_Team] | None = None
        self.enterprises: list[_Enterprise] = []
        self.by_city: dict[str, list[_Enterprise]] = {}
        self.lead_enterprises: list[_Enterprise] = []
        self.quarters = _quarters(start, end)
        self.quarter_of = {(q[0].year, (q[0].month - 1) // 3): i for i, q in enumerate(self.quarters)}
        self.signings: list[list[_Signing]] = [[] for _ in self.quarters]

    # -- utilities

    def volume(self, key: str, share: float) -> int:
        expected = PER_QUARTER[key] * self.scale * share * self.rng.uniform(0.94, 1.06)
        whole = int(expected)
        return whole + (1 if self.rng.random() < expected - whole else 0)

    def day(self, first: date, last: date) -> date:
        """A day in first..last, mostly a weekday."""
        span = (last - first).days
        chosen = first + timedelta(days=self.rng.randint(0, span))
        for _ in range(3):
            if chosen.weekday() < 5 or self.rng.random() < 0.15:
                break
            chosen = first + timedelta(days=self.rng.randint(0, span))
        return chosen

    def stamp(self, day: date) -> datetime:
        """A working-hour moment of ``day`` (Beijing 09:00-18:00) in UTC, never after now."""
        moment = datetime.combine(day, time(self.rng.randint(1, 9), self.rng.randint(0, 59)), tzinfo=UTC)
        return min(moment, self.now)

    def bookkeeping(self, created: date, updated: date | None = None) -> dict[str, Any]:
        created_at = self.stamp(created)
        updated_at = created_at if updated is None or updated <= created else self.stamp(updated)
        return {
            "id": new_id(),
            "created_at": created_at,
            "updated_at": updated_at,
            "updated_by": DEMO_USER,
            "deleted": False,
            "row_version": 0,  # set to the run's version when written
        }

    def person(self) -> str:
        rng = self.rng
        while True:
            given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.65 else "")
            name = rng.choice(_SURNAMES) + given
            if name not in self.staff_names:
                self.staff_names.add(name)
                return name

    def team(self) -> _Team:
        assert self.team_picker is not None
        return self.team_picker.pick(self.rng)

    def city_of(self, region: str) -> str:
        return self.rng.choice(self.cities[region])

    # -- teams and staff

    def make_teams(self) -> None:
        rng = self.rng
        count = max(1, round(TEAMS_AT_SCALE_1 * self.scale))
        units = [name for name, _, _ in UNITS][: min(count, len(UNITS))]
        units += [self.units.pick(rng) for _ in range(count - len(units))]
        platforms = {name for name, _, platform in UNITS if platform}
        per_unit = {unit: units.count(unit) for unit in dict.fromkeys(units)}
        seen: dict[str, int] = {}
        staff_total = max(round(STAFF_AT_SCALE_1 * self.scale), 3 * count)
        sizes = [3] * count
        for index in rng.choices(range(count), k=staff_total - 3 * count):
            sizes[index] += 1
        weights: list[tuple[_Team, float]] = []
        for unit, size in zip(units, sizes, strict=True):
            seen[unit] = seen.get(unit, 0) + 1
            k = seen[unit]
            if unit in platforms:
                name = f"{unit}招商小分队" if per_unit[unit] == 1 else f"{unit}招商{_cn_number(k)}分队"
            elif k > 1 and rng.random() < 0.2:
                name = f"{unit}驻{self.city_of(self.regions.pick(rng))}招商组"
            else:
                name = f"{unit}招商{_cn_number(k)}组"
            base, suffix = name, 1
            while name in self.team_names:
                suffix += 1
                name = f"{base}（{_cn_number(suffix)}）"
            self.team_names.add(name)
            staff = [self.person() for _ in range(size)]
            team = _Team(new_id(), name, unit, staff)
            row = self.bookkeeping(self.start)
            row.update(id=team.id, name=name, name_initials=pinyin_initials(name), unit=unit, leader=staff[0])
            self.rows.teams.append(row)
            self.teams.append(team)
            weights.append((team, rng.uniform(0.4, 1.6)))
        self.team_picker = _Weighted(weights)

    # -- enterprises

    def credit_code(self, city: str) -> str:
        rng = self.rng
        prefix = _DIVISIONS.get(city, "4400")
        district = (
            "00"
            if prefix in ("4419", "4420", "4400")
            else rng.choice(("00", "02", "03", "04", "05", "06", "11"))
        )
        while True:
            first17 = "91" + prefix + district + _org_code(rng)
            code = first17 + credit_code_check_char(first17)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code

    def phone(self, region: str, city: str) -> str:
        rng = self.rng
        if region == "hk_macao":
            if city == "澳门":
                return f"+853 {rng.choice('62')}{rng.randint(0, 999):03d} {rng.randint(0, 9999):04d}"
            return f"+852 {rng.choice('2359')}{rng.randint(0, 999):03d} {rng.randint(0, 9999):04d}"
        area = _AREA_CODES.get(city)
        if area is not None and rng.random() < 0.3:
            return f"{area}-{rng.randint(20000000, 89999999)}"
        network = rng.choice(("35", "36", "37", "38", "39", "50", "58", "86", "88", "77", "80"))
        return f"1{network}{rng.randint(0, 99999999):08d}"

    def enterprise(self, region: str, city: str, first_seen: date) -> _Enterprise:
        rng = self.rng
        industry = self.industries.pick(rng)
        words = _INDUSTRY_WORDS.get(industry, _INDUSTRY_WORDS["other"])
        abroad = region == "hk_macao"
        attempt = 0
        while True:
            attempt += 1
            brand = "".join(rng.sample(_BRAND_CHARS, 2))
            if abroad and rng.random() < 0.5:
                word = rng.choice(_INDUSTRY_WORDS_EN.get(industry, _INDUSTRY_WORDS_EN["other"]))
                place = "(Macau)" if city == "澳门" else "(HK)"
                suffix = rng.choice(("Limited", "Company Limited", "Holdings Limited", f"{place} Co., Ltd."))
                name = f"{rng.choice(_BRAND_EN)} {word} {suffix}"
            else:
                place = city if abroad or city in _MUNICIPALITIES or rng.random() < 0.4 else f"{city}市"
                group = "集团" if rng.random() < 0.05 else ""
                form = "股份有限公司" if rng.random() < 0.15 else "有限公司"
                name = f"{place}{brand}{rng.choice(words)}{group}{form}"
            if attempt > 40:  # practically never: the name space is large
                name = f"{name}（{attempt}）"
            name_key = normalise_name(name)
            if name_key not in self.name_keys:
                self.name_keys.add(name_key)
                break
        if abroad:
            if city == "澳门":
                address = f"澳门{rng.choice(_MACAO_STREETS)}{rng.randint(1, 300)}号{rng.randint(2, 25)}楼"
            else:
                address = f"香港{rng.choice(_HK_STREETS)}{rng.randint(1, 200)}号{rng.randint(2, 30)}楼"
        else:
            place = city if city in _MUNICIPALITIES else f"{city}市"
            address = f"{place}{rng.choice(_ZONES)}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
        notes = None
        if rng.random() < 0.25:
            notes = rng.choice(_ENTERPRISE_NOTES).format(
                acres=rng.randint(2, 30) * 10, revenue=rng.randint(3, 200)
            )
        row = self.bookkeeping(first_seen)
        row.update(
            name=name,
            name_key=name_key,
            name_initials=pinyin_initials(name),
            credit_code=None if abroad or rng.random() < 0.12 else self.credit_code(city),
            industry=industry,
            home_region=region,
            city=city,
            address=address,
            contact_person=self.person() if rng.random() < 0.9 else None,
            phone=self.phone(region, city) if rng.random() < 0.85 else None,
            notes=notes,
        )
        self.rows.enterprises.append(row)
        enterprise = _Enterprise(row["id"], brand, region, city, industry, row)
        self.enterprises.append(enterprise)
        self.by_city.setdefault(city, []).append(enterprise)
        return enterprise

    def enterprise_to_visit(self, region: str, city: str, day: date, visited: set[str]) -> _Enterprise:
        """Someone known in ``city`` not yet visited this quarter (30%), else a new enterprise."""
        known = self.by_city.get(city)
        if known and self.rng.random() < 0.3:
            for _ in range(4):
                candidate = self.rng.choice(known)
                if candidate.id not in visited:
                    return candidate
        return self.enterprise(region, city, day)

    def product(self, industry: str) -> str:
        return self.rng.choice(_PRODUCTS.get(industry, _PRODUCTS["other"]))

    # -- trips and visits

    def trip(self, first: date, last: date) -> _Trip:
        rng = self.rng
        team = self.team()
        region = self.regions.pick(rng)
        city = self.city_of(region)
        start = self.day(first, last)
        end = min(start + timedelta(days=rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)) - 1), self.end)
        participants = rng.sample(team.staff, min(len(team.staff), rng.randint(2, 4)))
        row = self.bookkeeping(start)
        row.update(
            team_id=team.id,
            destination_region=region,
            destination_city=city,
            start_date=start,
            end_date=end,
            purpose=rng.choice(_TRIP_PURPOSES).format(
                city=city, industry=self.industry_zh[self.industries.pick(rng)]
            ),
            participants="、".join(participants),
        )
        self.rows.trips.append(row)
        return _Trip(row["id"], team, region, city, start, end, participants)

    def visit_row(
        self,
        kind: str,
        day: date,
        team: _Team,
        staff: Sequence[str],
        location: str,
        summary: str,
        *,
        enterprise: _Enterprise | None = None,
        trip: _Trip | None = None,
        outcome: str | None = None,
        follow_up: float = 0.7,
    ) -> dict[str, Any]:
        rng = self.rng
        next_action = next_date = None
        if rng.random() < follow_up:
            next_action = rng.choice(_NEXT_ACTIONS)
            next_date = day + timedelta(days=rng.randint(3, 45))
        row = self.bookkeeping(day)
        row.update(
            visit_date=day,
            kind=kind,
            enterprise_id=enterprise.id if enterprise else None,
            trip_id=trip.id if trip else None,
            team_id=team.id,
            staff="、".join(staff),
            location=location,
            summary=summary,
            outcome=outcome,
            next_action=next_action,
            next_action_date=next_date,
        )
        self.rows.visits.append(row)
        return row

    def on_trip(self, trip: _Trip) -> tuple[date, list[str]]:
        day = trip.start + timedelta(days=self.rng.randint(0, (trip.end - trip.start).days))
        return day, self.rng.sample(trip.participants, min(len(trip.participants), self.rng.randint(1, 2)))

    def enterprise_visits(
        self, trips: list[_Trip], first: date, last: date, share: float
    ) -> list[_FirstVisit]:
        rng = self.rng
        distinct = self.volume("distinct_enterprises_visited", share)
        visited: set[str] = set()
        firsts: list[_FirstVisit] = []
        for _ in range(distinct):
            trip = rng.choice(trips) if trips and rng.random() < 0.87 else None
            if trip is not None:
                team, region, city = trip.team, trip.region, trip.city
                day, staff = self.on_trip(trip)
            else:
                team = self.team()
                region = rng.choice(self.local_regions)
                city = self.city_of(region)
                day = self.day(first, last)
                staff = rng.sample(team.staff, min(len(team.staff), rng.randint(1, 2)))
            enterprise = self.enterprise_to_visit(region, city, day, visited)
            visited.add(enterprise.id)
            summary = rng.choice(_VISIT_SUMMARIES).format(
                name=enterprise.row["name"],
                unit=team.unit,
                product=self.product(enterprise.industry),
                industry=self.industry_zh[enterprise.industry],
            )
            outcome = rng.choice(_VISIT_OUTCOMES).format(acres=rng.randint(3, 30) * 10)
            row = self.visit_row(
                "enterprise_visit",
                day,
                team,
                staff,
                city,
                summary,
                enterprise=enterprise,
                trip=trip,
                outcome=outcome,
            )
            firsts.append(_FirstVisit(row, enterprise, team, staff[0]))
        for _ in range(self.volume("enterprise_revisits", share) if firsts else 0):
            earlier = rng.choice(firsts)
            day = min(earlier.row["visit_date"] + timedelta(days=rng.randint(3, 30)), last)
            day = max(day, earlier.row["visit_date"])
            summary = f"回访{earlier.enterprise.row['name']}，跟进项目进展。"
            self.visit_row(
                "enterprise_visit",
                day,
                earlier.team,
                [earlier.staff],
                earlier.enterprise.city,
                summary,
                enterprise=earlier.enterprise,
                outcome=rng.choice(_VISIT_OUTCOMES).format(acres=rng.randint(3, 30) * 10),
            )
        return firsts

    def gatherings(self, trips: list[_Trip], first: date, last: date, share: float) -> None:
        rng = self.rng
        for _ in range(self.volume("association_meetings", share)):
            trip = rng.choice(trips) if trips and rng.random() < 0.85 else None
            if trip is not None:
                team, region, city = trip.team, trip.region, trip.city
                day, staff = self.on_trip(trip)
            else:
                team = self.team()
                region = rng.choice(self.local_regions)
                city = self.city_of(region)
                day = self.day(first, last)
                staff = rng.sample(team.staff, min(len(team.staff), 2))
            association = (
                rng.choice(_HK_ASSOCIATIONS) if region == "hk_macao" else city + rng.choice(_ASSOCIATIONS)
            )
            summary = f"参加{association}座谈会，推介肇庆投资环境，对接会员企业{rng.randint(5, 40)}家。"
            self.visit_row(
                "association_meeting",
                day,
                team,
                staff,
                city,
                summary,
                trip=trip,
                follow_up=0.4,
                outcome=f"收集项目信息{rng.randint(0, 6)}条。",
            )
        for _ in range(self.volume("promotion_events", share)):
            trip = rng.choice(trips) if trips and rng.random() < 0.9 else None
            if trip is not None:
                team, city = trip.team, trip.city
                day, staff = trip.start, trip.participants
            else:
                team, city = self.team(), HOME_CITY
                day = self.day(first, last)
                staff = rng.sample(team.staff, min(len(team.staff), 3))
            industry = self.industry_zh[self.industries.pick(rng)]
            event = (
                f"肇庆（{city}）{industry}产业招商推介会"
                if city != HOME_CITY
                else f"肇庆{industry}产业投资环境推介会"
            )
            summary = f"举办{event}，{rng.randint(30, 200)}家企业参会，现场签约项目{rng.randint(0, 8)}个。"
            self.visit_row("promotion_event", day, team, staff, city, summary, trip=trip, follow_up=0.5)

    def inspections(self, first: date, last: date, share: float) -> list[_FirstVisit]:
        """Enterprises the bureau already knows (mostly those with a lead) come to see a site."""
        rng = self.rng
        result: list[_FirstVisit] = []
        for _ in range(self.volume("inbound_inspections", share)):
            team = self.team()
            day = self.day(first, last)
            if self.lead_enterprises and rng.random() < 0.6:
                enterprise = rng.choice(self.lead_enterprises)
            elif self.enterprises:
                enterprise = rng.choice(self.enterprises)
            else:
                region = self.regions.pick(rng)
                enterprise = self.enterprise(region, self.city_of(region), day)
            staff = rng.sample(team.staff, min(len(team.staff), rng.randint(1, 3)))
            summary = f"{enterprise.row['name']}考察团来肇考察{team.unit}，实地察看意向地块并座谈。"
            row = self.visit_row(
                "inbound_inspection",
                day,
                team,
                staff,
                team.unit,
                summary,
                enterprise=enterprise,
                outcome=rng.choice(_VISIT_OUTCOMES).format(acres=rng.randint(3, 30) * 10),
                follow_up=0.8,
            )
            result.append(_FirstVisit(row, enterprise, team, staff[0]))
        return result

    # -- leads

    def lead_status(self, discovered: date, effective: bool, sign_on: date | None) -> str:
        rng = self.rng
        age = (self.end - discovered).days
        if sign_on is not None:  # will be signed, but not yet
            if age < 20:
                return "new"
            return "negotiating" if (sign_on - self.end).days <= 60 else "following"
        if not effective:
            if age < 30:
                return "new"
            return "lost" if rng.random() < 0.65 else "on_hold"
        if age < 30:
            return "new" if rng.random() < 0.6 else "following"
        r = rng.random()
        if age < 120:
            return "following" if r < 0.5 else "negotiating" if r < 0.7 else "on_hold" if r < 0.85 else "lost"
        return "lost" if r < 0.5 else "on_hold" if r < 0.8 else "following" if r < 0.95 else "negotiating"

    def follow_up(self, discovered: date, status: str) -> date | None:
        if status in ("signed", "lost"):
            return None
        offset = self.rng.randint(40, 150) if status == "on_hold" else self.rng.randint(-25, 40)
        return max(discovered, self.end + timedelta(days=offset))

    def leads(self, candidates: list[_FirstVisit], share: float) -> None:
        rng = self.rng
        unique = list({c.enterprise.id: c for c in candidates}.values())
        effective = self.volume("effective_leads", share)
        other = self.volume("other_leads", share)
        chosen = rng.sample(unique, min(len(unique), effective + other))
        for index, origin in enumerate(chosen):
            is_effective = index < effective
            enterprise = origin.enterprise
            discovered = origin.row["visit_date"]
            manufacturing = rng.random() < _MANUFACTURING.get(enterprise.industry, MANUFACTURING_SHARE)
            sign_on = None
            if is_effective and rng.random() < _LEAD_CONVERSION:
                sign_on = discovered + timedelta(days=round(rng.triangular(7, 270, 30)))
            pending = sign_on is not None and sign_on > self.end
            status = self.lead_status(discovered, is_effective, sign_on if pending else None)
            title = f"{enterprise.brand}{self.product(enterprise.industry)}"
            notes = None
            if rng.random() < 0.3:
                notes = rng.choice(_LEAD_NOTES).format(
                    acres=rng.randint(2, 30) * 10, area=rng.randint(2, 50) * 1000
                )
            row = self.bookkeeping(discovered)
            row.update(
                title=title,
                enterprise_id=enterprise.id,
                industry=enterprise.industry,
                planned_investment=_planned_amount(rng, manufacturing),
                source=self.sources.pick(rng) if origin.row["kind"] == "enterprise_visit" else "visit",
                discovered_on=discovered,
                team_id=origin.team.id,
                owner=origin.staff,
                status=status,
                effective=is_effective,
                next_follow_up=self.follow_up(discovered, status),
                notes=notes,
            )
            self.rows.leads.append(row)
            if is_effective:
                self.lead_enterprises.append(enterprise)
                origin.row["outcome"] = f"{origin.row['outcome'] or ''}形成有效线索：{title}。"
            if sign_on is not None and not pending:  # signed within the window: a project in pass two
                quarter = self.quarter_of[(sign_on.year, (sign_on.month - 1) // 3)]
                self.signings[quarter].append(_Signing(row, enterprise, origin.team, manufacturing, sign_on))

    # -- projects

    def project(
        self,
        signed_on: date,
        enterprise: _Enterprise,
        team: _Team,
        manufacturing: bool,
        planned: Decimal,
        lead: dict[str, Any] | None,
    ) -> None:
        rng = self.rng
        values: dict[str, Any] = {}
        previous_plan = signed_on
        previous_actual = signed_on
        reached = 0
        stalled = False
        shelved_at: int | None = None
        for index, ((low, high), (_, planned_field, actual_field)) in enumerate(
            zip(_PLANNED_GAPS, MILESTONES, strict=True)
        ):
            plan = previous_plan + timedelta(days=rng.randint(low, high))
            values[planned_field] = plan
            values[actual_field] = None
            previous_plan = plan
            if stalled:
                continue
            if rng.random() < _SHELVED[index]:
                stalled, shelved_at = True, index
                continue
            if index == 0 and rng.random() < 0.12:  # fast track: land within days of signing
                actual = signed_on + timedelta(days=rng.randint(0, 15))
            else:
                delay = round(rng.gauss(12, 35))
                if rng.random() < _SLIPS[index]:
                    delay += rng.randint(90, 720)
                actual = plan + timedelta(days=delay)
            actual = max(actual, previous_actual)
            if actual > self.end:
                stalled = True
                continue
            values[actual_field] = actual
            previous_actual = actual
            reached = index + 1
        stage = PROJECT_STAGES[reached]
        actual_investment: Decimal | None = None
        if reached:
            if stage == "land_supplied":
                share = rng.uniform(0.03, 0.1)
            elif stage == "construction_started":
                span = max((values["completion_planned"] - values["start_planned"]).days, 1)
                share = 0.1 + 0.6 * min((self.end - values["start_actual"]).days / span, 1.0)
            elif stage == "completed":
                share = rng.uniform(0.75, 0.95)
            elif stage == "in_operation":
                share = rng.uniform(0.9, 1.0)
            else:
                share = rng.uniform(0.95, 1.08)
            actual_investment = _floor_to(float(planned) * share, 10)
        notes = None
        if reached < len(MILESTONES):
            _, next_planned, _ = MILESTONES[reached]
            if values[next_planned] < self.end:
                if reached == shelved_at and reached < 3:
                    notes = "企业投资计划调整，项目暂缓推进。"
                elif rng.random() < 0.5:
                    notes = rng.choice(_PROJECT_NOTES)
        name = lead["title"] if lead else f"{enterprise.brand}{self.product(enterprise.industry)}"
        if rng.random() < 0.7:
            site = team.unit
        else:
            site = (self.units if rng.random() < 0.5 else self.platforms).pick(rng)
        row = self.bookkeeping(signed_on, previous_actual)
        row.update(
            name=name,
            lead_id=lead["id"] if lead else None,
            enterprise_id=enterprise.id,
            team_id=team.id,
            industry=enterprise.industry,
            manufacturing=manufacturing,
            planned_investment=planned,
            actual_investment=actual_investment,
            site=site,
            stage=stage,
            signed_on=signed_on,
            notes=notes,
            **values,
        )
        self.rows.projects.append(row)
        if lead is not None:
            lead.update(status="signed", next_follow_up=None, updated_at=self.stamp(signed_on))

    def projects(self, index: int, first: date, last: date, share: float) -> None:
        rng = self.rng
        target = self.volume("projects", share)
        signings = self.signings[index]
        for surplus in signings[target:]:  # more signings than the quarter's volume: still negotiating
            surplus.lead["status"] = "negotiating"
            surplus.lead["next_follow_up"] = self.follow_up(surplus.lead["discovered_on"], "negotiating")
        for signing in signings[:target]:
            lead = signing.lead
            self.project(
                signing.signed_on,
                signing.enterprise,
                signing.team,
                signing.manufacturing,
                lead["planned_investment"],
                lead,
            )
        for _ in range(target - min(target, len(signings))):
            signed_on = self.day(first, last)
            if self.enterprises and rng.random() < 0.85:
                enterprise = rng.choice(self.enterprises)
            else:
                region = self.regions.pick(rng)
                enterprise = self.enterprise(region, self.city_of(region), signed_on)
            manufacturing = rng.random() < _MANUFACTURING.get(enterprise.industry, MANUFACTURING_SHARE)
            self.project(
                signed_on, enterprise, self.team(), manufacturing, _planned_amount(rng, manufacturing), None
            )

    # -- the whole run

    def run(self) -> _Rows:
        self.make_teams()
        steps = 2 * len(self.quarters)
        for index, (first, last, share) in enumerate(self.quarters):
            self.check_cancelled()
            trips = [self.trip(first, last) for _ in range(self.volume("trips", share))]
            firsts = self.enterprise_visits(trips, first, last, share)
            self.gatherings(trips, first, last, share)
            firsts += self.inspections(first, last, share)
            self.leads(firsts, share)
            self.report(_GENERATION_SHARE * (index + 1) // steps)
        for index, (first, last, share) in enumerate(self.quarters):
            self.check_cancelled()
            self.projects(index, first, last, share)
            self.report(_GENERATION_SHARE * (len(self.quarters) + index + 1) // steps)
        return self.rows


# --- writing -------------------------------------------------------------------------------------------


def _existing(database: Database) -> _Existing:
    with database.engine.connect() as connection:
        team_names = connection.execute(select(Team.name)).scalars().all()
        keys = connection.execute(select(Enterprise.name_key)).scalars().all()
        codes = connection.execute(select(Enterprise.credit_code).where(Enterprise.credit_code.is_not(None)))
        return _Existing(frozenset(team_names), frozenset(keys), frozenset(c for c in codes.scalars() if c))


def _next_version(connection: Connection) -> int:
    result = connection.execute(
        text("UPDATE db_state SET value = CAST(value AS INTEGER) + 1 WHERE key = :key RETURNING value"),
        {"key": COUNTER_KEY},
    )
    return int(result.scalar_one())


def generate(
    database: Database,
    *,
    scale: float = 1.0,
    seed: int = 2024,
    start: date = date(2023, 1, 1),
    end: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DemoCounts:
    """Add a demo bureau's records from ``start`` to ``end`` (default today) to ``database``.

    ``scale`` multiplies every volume, the number of teams and staff included. ``progress(done, total)``
    is called now and then (total is 100); when ``cancelled()`` turns true, the run stops, nothing is
    written and :class:`DemoCancelled` is raised.
    """
    end = date.today() if end is None else end
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise DemoCancelled()

    def report(done: int) -> None:
        if progress is not None:
            progress(done, 100)

    report(0)
    generator = _Generator(
        random.Random(seed), scale, start, end, _existing(database), check_cancelled, report
    )
    rows = generator.run()
    total_rows = sum(len(ledger_rows) for _, _, ledger_rows in rows.by_ledger())
    written = 0
    with database.engine.begin() as connection:
        version = _next_version(connection)
        for ledger, model, ledger_rows in rows.by_ledger():
            table = cast(Table, model.__table__)
            for offset in range(0, len(ledger_rows), _INSERT_CHUNK):
                check_cancelled()
                chunk = ledger_rows[offset : offset + _INSERT_CHUNK]
                for row in chunk:
                    row["row_version"] = version
                    problems = validate(ledger, row)
                    if problems:
                        raise DemoError(f"invalid demo {ledger} record {row}: {ValidationError(problems)}")
                connection.execute(insert(table), chunk)
                written += len(chunk)
                report(_GENERATION_SHARE + (100 - _GENERATION_SHARE) * written // max(total_rows, 1))
        check_cancelled()
    report(100)
    return DemoCounts(**{ledger: len(ledger_rows) for ledger, _, ledger_rows in rows.by_ledger()})
