"""The period report as a workbook for head office: a one-page summary in the bureau's style, the
breakdowns by industry and by source region, and the monthly trend, each with a native Excel chart.

Amounts are shown in 亿元 (the ledger keeps 万元), counts as whole numbers, shares as percentages; every
value is a real number with a number format, never text, except "—" where a year-on-year change cannot
be computed (nothing a year earlier). The file is written beside its destination and moved into place,
so a reader never sees half a workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.chart import BarChart, LineChart, Reference  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from models.reports.figures import BreakdownRow, Figure, PeriodReport
from models.reports.ledger_export import save_atomically
from models.reports.periods import Period, period_phrase
from models.reports.xlsx_style import (
    COUNT_FORMAT,
    PERCENT_FORMAT,
    YI_FORMAT,
    display_width,
    generated_note,
    write_table,
)

WAN_PER_YI = Decimal(10_000)
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
POINTS_FORMAT = {"zh": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"', "en": '+0.0" pp";-0.0" pp";0.0" pp"'}
NOT_COMPUTABLE = "—"

SHEET_NAMES = {
    "zh": ("汇总", "按产业", "按来源地区", "月度趋势"),
    "en": ("Summary", "By industry", "By source region", "Monthly trend"),
}

# How the bureau counts each activity in Chinese (the figures' own unit is "" or "个").
_ZH_COUNT_WORDS = {
    "trips": "次",
    "enterprises_visited": "家",
    "association_meetings": "场",
    "promotion_events": "场",
    "effective_leads": "条",
}


def _lang(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def report_title(period: Period, language: str = "zh") -> str:
    phrase = period_phrase(period, language)
    return f"{phrase}招商引资工作情况" if _lang(language) == "zh" else f"Investment promotion, {phrase}"


# --- numbers as shown ----------------------------------------------------------------------------------


def _yi(amount_wan: Decimal | int) -> float:
    return float(Decimal(amount_wan) / WAN_PER_YI)


def _shown(figure: Figure, value: Decimal | int) -> float | int:
    if figure.unit == "万元":
        return _yi(value)
    if figure.unit == "亿元" or figure.is_share:
        return float(value)
    return int(value)


def _value_format(figure: Figure) -> str:
    if figure.unit in ("万元", "亿元"):
        return YI_FORMAT
    return PERCENT_FORMAT if figure.is_share else COUNT_FORMAT


def _unit(figure: Figure, lang: str) -> str:
    if figure.unit in ("万元", "亿元"):
        return "亿元" if lang == "zh" else "100M yuan"
    if figure.is_share:
        return "%"
    if lang == "zh":
        return _ZH_COUNT_WORDS.get(figure.key, figure.unit)
    return ""


def _year_on_year(figure: Figure, lang: str) -> tuple[float | str, str | None]:
    """The year-on-year cell: relative change, or percentage points for a share, or "—"."""
    if figure.is_share:
        points = figure.change_points
        return (NOT_COMPUTABLE, None) if points is None else (float(points * 100), POINTS_FORMAT[lang])
    if figure.change is None:
        return NOT_COMPUTABLE, None
    return float(figure.change), CHANGE_FORMAT


def _amount_text(amount: float, separator: str = "") -> str:
    """333.5, 27.75, 1200 (1,200 with ``separator=","``): two decimals at most, no trailing zeros."""
    text = f"{amount:{separator}.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _percent_text(ratio: Decimal | float) -> str:
    return f"{float(ratio) * 100:.1f}%"


# --- the headline --------------------------------------------------------------------------------------


def headline(report: PeriodReport, language: str = "zh") -> str:
    """The summary paragraph, as the bureau opens its quarterly account."""
    f = report.figure
    phrase = period_phrase(report.period, language)
    manufacturing = int(f("manufacturing_projects").value)
    large = int(f("projects_over_100m").value)
    count_share = Decimal(large) / manufacturing if manufacturing else None

    def n(key: str) -> int:
        return int(f(key).value)

    def yi(key: str) -> str:
        return _amount_text(_yi(f(key).value))

    def pct(key: str) -> str:
        return _percent_text(f(key).value)

    if _lang(language) == "zh":

        def yoy(key: str) -> str:
            change = f(key).change
            if change is None:
                return ""
            return f"，同比{'增长' if change >= 0 else '下降'}{abs(float(change)) * 100:.1f}%"

        of_manufacturing = f"，占制造业项目的{_percent_text(count_share)}" if count_share is not None else ""
        return (
            f"{phrase}，新引进项目{n('projects_signed')}个，计划总投资{yi('planned_investment')}亿元"
            f"{yoy('planned_investment')}；其中制造业项目{manufacturing}个，计划投资"
            f"{yi('manufacturing_investment')}亿元{yoy('manufacturing_investment')}。"
            f"亿元以上制造业项目{large}个{of_manufacturing}（其中10亿元以上{n('projects_over_1b')}个），"
            f"计划投资占比{pct('projects_over_100m_share')}；“两新一电”产业计划投资"
            f"{yi('priority_investment')}亿元，占制造业项目投资的{pct('priority_share')}。"
            f"新供地项目{n('land_supplied')}个，新开工{n('construction_started')}个，"
            f"竣工{n('completed')}个，投产{n('in_operation')}个；项目实际投资{yi('actual_investment')}亿元"
            f"{yoy('actual_investment')}。外出招商{n('trips')}次，走访企业{n('enterprises_visited')}家，"
            f"举办商（协）会活动{n('association_meetings')}场、招商推介活动{n('promotion_events')}场，"
            f"获取有效招商线索{n('effective_leads')}条。"
        )

    def bn(key: str) -> str:
        return _amount_text(_yi(f(key).value) / 10, ",")

    def yoy_en(key: str) -> str:
        change = f(key).change
        if change is None:
            return ""
        return f" ({float(change) * 100:+.1f}% year on year)"

    of_manufacturing = f" ({_percent_text(count_share)} of them)" if count_share is not None else ""
    completed = n("completed")
    signed = _count(n("projects_signed"), "new project was", "new projects were")
    large_ones = _count(large, "manufacturing project", "manufacturing projects")
    meetings = _count(n("association_meetings"), "association meeting", "association meetings")
    return (
        f"In {phrase}, {signed} introduced with a planned investment of {bn('planned_investment')} billion "
        f"yuan{yoy_en('planned_investment')}, {manufacturing} of them manufacturing with "
        f"{bn('manufacturing_investment')} billion yuan{yoy_en('manufacturing_investment')}. {large_ones} "
        f"of 100 million yuan or more{of_manufacturing}, {n('projects_over_1b')} of them of 1 billion yuan "
        f"or more, {'accounts' if large == 1 else 'account'} for {pct('projects_over_100m_share')} of "
        f"manufacturing planned investment; the “two new, one electric” industries for "
        f"{pct('priority_share')} ({bn('priority_investment')} billion yuan). "
        f"{_count(n('land_supplied'), 'project was', 'projects were')} supplied with land, "
        f"{n('construction_started')} started construction, {completed} "
        f"{'was' if completed == 1 else 'were'} completed and {n('in_operation')} went into operation; "
        f"actual investment of projects under way was {bn('actual_investment')} billion yuan"
        f"{yoy_en('actual_investment')}. Teams went out {_count(n('trips'), 'time', 'times')}, visited "
        f"{_count(n('enterprises_visited'), 'enterprise', 'enterprises')}, held {meetings} and "
        f"{_count(n('promotion_events'), 'promotion event', 'promotion events')}, and gained "
        f"{_count(n('effective_leads'), 'effective lead', 'effective leads')}."
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


# --- sheets --------------------------------------------------------------------------------------------


def _summary(sheet: Worksheet, report: PeriodReport, lang: str, generated: str) -> None:
    now, before = period_phrase(report.period, lang), period_phrase(report.earlier, lang)
    if lang == "zh":
        headers = ["指标", f"本期（{now}）", "单位", f"上年同期（{before}）", "同比"]
    else:
        headers = [
            "Indicator",
            f"This period ({now})",
            "Unit",
            f"Same period last year ({before})",
            "Year on year",
        ]
    rows = []
    for figure in report.figures:
        change, _ = _year_on_year(figure, lang)
        rows.append(
            [
                figure.label(lang),
                _shown(figure, figure.value),
                _unit(figure, lang),
                _shown(figure, figure.previous),
                change,
            ]
        )
    header_row, _ = write_table(sheet, report_title(report.period, lang), generated, headers, rows)
    for offset, figure in enumerate(report.figures, start=1):
        row = header_row + offset
        value_format = _value_format(figure)
        sheet.cell(row, 2).number_format = value_format
        sheet.cell(row, 4).number_format = value_format
        _, change_format = _year_on_year(figure, lang)
        change_cell = sheet.cell(row, 5)
        if change_format is None:
            change_cell.alignment = Alignment(horizontal="right")
        else:
            change_cell.number_format = change_format
    sheet.column_dimensions["E"].width = max(sheet.column_dimensions["E"].width, 14)
    _paragraph(sheet, 3, len(headers), headline(report, lang))
    _note_definitions(sheet, header_row + len(report.figures) + 2, len(headers), lang)


def _paragraph(sheet: Worksheet, row: int, columns: int, text: str) -> None:
    """``text`` in merged cells across the table, wrapped, the row tall enough to show it."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = sheet.cell(row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8 for c in range(1, columns + 1))
    lines = math.ceil(display_width(text) * 1.1 / max(width, 1)) + text.count("\n")
    sheet.row_dimensions[row].height = 15 * max(lines, 1) + 4


_DEFINITIONS = {
    "zh": (
        "说明：新引进项目指本期签约项目；亿元以上、10亿元以上项目及“两新一电”占比均按制造业项目计；"
        "供地、开工、竣工、投产按实际日期计；项目实际投资为本期有节点进展（供地、开工、竣工、投产、达产）"
        "或在建项目截至目前的累计实际投资，台账不记分期投资，故不计同比。"
    ),
    "en": (
        "Notes: new projects are those signed in the period; the size classes and the “two new, one "
        "electric” share are of manufacturing projects; land, start, completion and operation count actual "
        "dates; actual investment is the investment to date of projects reaching a milestone (land, start, "
        "completion, operation, up to standard) in the period or under construction through it; the "
        "ledger keeps no investment per period, so it has no year-on-year change."
    ),
}


def _note_definitions(sheet: Worksheet, row: int, columns: int, lang: str) -> None:
    _paragraph(sheet, row, columns, _DEFINITIONS[lang])
    sheet.cell(row, 1).font = Font(italic=True, color="666666", size=9)


def _breakdown_sheet(
    sheet: Worksheet,
    report: PeriodReport,
    rows: Sequence[BreakdownRow],
    lang: str,
    generated: str,
    what: tuple[str, str],
) -> None:
    title_zh, title_en = what
    title = report_title(report.period, lang)
    if lang == "zh":
        title, first_header = f"{title}（按{title_zh}）", title_zh
        headers = [
            first_header,
            "项目数（个）",
            "计划投资（亿元）",
            "占计划投资比重",
            "上年同期项目数（个）",
            "上年同期计划投资（亿元）",
            "计划投资同比",
        ]
        total_label = "合计"
    else:
        title, first_header = f"{title}, by {title_en.lower()}", title_en
        headers = [
            first_header,
            "Projects",
            "Planned investment (100M yuan)",
            "Share of planned investment",
            "Projects, same period last year",
            "Planned investment, same period last year (100M yuan)",
            "Planned investment, year on year",
        ]
        total_label = "Total"
    formats = [None, COUNT_FORMAT, YI_FORMAT, PERCENT_FORMAT, COUNT_FORMAT, YI_FORMAT, CHANGE_FORMAT]
    table = [
        [
            row.label(lang),
            row.count,
            _yi(row.planned),
            float(row.share_of_planned),
            row.previous_count,
            _yi(row.previous_planned),
            NOT_COMPUTABLE if row.change is None else float(row.change),
        ]
        for row in rows
    ]
    header_row, last_row = write_table(sheet, title, generated, headers, table, formats)
    for row_number in range(header_row + 1, last_row + 1):
        if isinstance(sheet.cell(row_number, 7).value, str):
            sheet.cell(row_number, 7).alignment = Alignment(horizontal="right")
    planned = sum((row.planned for row in rows), Decimal(0))
    previous = sum((row.previous_planned for row in rows), Decimal(0))
    total_row = last_row + 1
    totals: list[Any] = [
        total_label,
        sum(row.count for row in rows),
        _yi(planned),
        1.0 if planned else 0.0,
        sum(row.previous_count for row in rows),
        _yi(previous),
        float((planned - previous) / previous) if previous else NOT_COMPUTABLE,
    ]
    for column, (value, number_format) in enumerate(zip(totals, formats, strict=True), start=1):
        cell = sheet.cell(total_row, column, value)
        cell.font = Font(bold=True)
        if number_format and not isinstance(value, str):
            cell.number_format = number_format
        elif isinstance(value, str) and column > 1:
            cell.alignment = Alignment(horizontal="right")
    if not rows:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = headers[2]
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=3, min_row=header_row, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # largest at the top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.width = 24
    chart.height = max(7.5, 0.7 * len(rows) + 2.5)
    sheet.add_chart(chart, f"A{total_row + 3}")


def _monthly_sheet(sheet: Worksheet, report: PeriodReport, lang: str, generated: str) -> None:
    if lang == "zh":
        title = f"{report_title(report.period, lang)}（月度趋势）"
        headers = ["月份", "签约项目（个）", "计划投资（亿元）", "走访及活动（次）", "有效线索（条）"]
    else:
        title = f"{report_title(report.period, lang)}, monthly trend"
        headers = [
            "Month",
            "Projects signed",
            "Planned investment (100M yuan)",
            "Visits and events",
            "Effective leads",
        ]
    table = [
        [
            f"{row.year}年{row.month}月" if lang == "zh" else f"{row.year}-{row.month:02d}",
            row.projects_signed,
            _yi(row.planned),
            row.visits,
            row.effective_leads,
        ]
        for row in report.monthly
    ]
    formats = [None, COUNT_FORMAT, YI_FORMAT, COUNT_FORMAT, COUNT_FORMAT]
    header_row, last_row = write_table(sheet, title, generated, headers, table, formats)
    if not table:
        return
    categories = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row)
    projects = LineChart()
    projects.title = headers[1] + (" / " if lang == "en" else "、") + headers[2]
    projects.style = 12
    projects.add_data(
        Reference(sheet, min_col=2, min_row=header_row, max_row=last_row), titles_from_data=True
    )
    projects.set_categories(categories)
    projects.y_axis.title = headers[1]
    projects.y_axis.majorGridlines = None
    investment = LineChart()
    investment.add_data(
        Reference(sheet, min_col=3, min_row=header_row, max_row=last_row), titles_from_data=True
    )
    investment.y_axis.axId = 200
    investment.y_axis.title = headers[2]
    investment.y_axis.crosses = "max"  # on the right
    for axis in (projects.x_axis, projects.y_axis, investment.y_axis):
        axis.delete = False
    projects += investment
    projects.legend.position = "b"
    projects.width = 24
    projects.height = 9
    sheet.add_chart(projects, f"A{last_row + 3}")


def write_period_report(
    report: PeriodReport, path: Path, language: str = "zh", now: datetime | None = None
) -> None:
    """Write ``report`` to ``path`` (.xlsx) in ``language`` ("zh…" or anything else for English)."""
    lang = _lang(language)
    generated = generated_note(now or datetime.now().astimezone(), lang)
    workbook = Workbook()
    summary = workbook.active
    summary.title, industry_name, region_name, monthly_name = SHEET_NAMES[lang]
    _summary(summary, report, lang, generated)
    _breakdown_sheet(
        workbook.create_sheet(industry_name),
        report,
        report.by_industry,
        lang,
        generated,
        ("产业", "Industry"),
    )
    _breakdown_sheet(
        workbook.create_sheet(region_name),
        report,
        report.by_region,
        lang,
        generated,
        ("来源地区", "Source region"),
    )
    _monthly_sheet(workbook.create_sheet(monthly_name), report, lang, generated)
    workbook.properties.title = report_title(report.period, lang)
    workbook.properties.creator = "Outreach Ledger"
    save_atomically(workbook, Path(path))
