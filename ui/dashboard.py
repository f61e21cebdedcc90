"""The dashboard: the period report's headline figures as cards with year-on-year change, and charts of
planned investment by industry and the monthly trend. Figures are computed off the GUI thread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.database import Database
from models.i18n import QT_TRANSLATE_NOOP
from models.reports.figures import PeriodReport, period_report
from models.reports.periods import Period, PeriodKind, latest_full, period_phrase
from ui.text import error_text, language, space_before, tr, typed_period
from ui.worker import BackgroundTask, TaskControl, run_in_background

HEADLINES = (
    "projects_signed",
    "planned_investment",
    "manufacturing_projects",
    "projects_over_100m",
    "priority_share",
    "actual_investment",
    "trips",
    "enterprises_visited",
    "effective_leads",
)
KINDS = (
    (PeriodKind.QUARTER, QT_TRANSLATE_NOOP("Dashboard", "Quarter")),
    (PeriodKind.MONTH, QT_TRANSLATE_NOOP("Dashboard", "Month")),
    (PeriodKind.WEEK, QT_TRANSLATE_NOOP("Dashboard", "Week")),
    (PeriodKind.YEAR, QT_TRANSLATE_NOOP("Dashboard", "Year")),
)


def change_text(figure: Any) -> str:
    """Year on year: a percentage, or percentage points for a share; "—" when last year had nothing."""
    change = figure.change_points if figure.is_share else figure.change
    if change is None:
        return tr("Dashboard", "year on year: —")
    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
    if figure.is_share:
        return tr("Dashboard", "year on year: {arrow} {points} percentage points").format(
            arrow=arrow, points=f"{change * 100:+.1f}"
        )
    return tr("Dashboard", "year on year: {arrow} {percent}").format(
        arrow=arrow, percent=f"{change * 100:+.1f}%"
    )


def value_text(figure: Any) -> str:
    value = Decimal(figure.value)
    if figure.unit == "%":
        return f"{value * 100:.1f}%"
    if figure.unit == "万元":
        return tr("Dashboard", "{amount} hundred million yuan").format(amount=f"{value / 10000:,.2f}")
    return f"{int(value):,}"


class Card(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame { background: #f7f9fc; border-radius: 6px; }")
        self.title = QLabel()
        self.title.setStyleSheet("color: #555;")
        self.value = QLabel()
        self.value.setObjectName("value")
        self.value.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.value.setWordWrap(True)  # "1,399.74 hundred million yuan" would widen the window past a screen
        self.change = QLabel()
        self.change.setObjectName("change")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.change)

    def show_figure(self, figure: Any) -> None:
        self.title.setText(figure.label_zh if language() == "zh" else figure.label_en)
        self.value.setText(value_text(figure))
        self.change.setText(change_text(figure))
        change = figure.change_points if figure.is_share else figure.change
        colour = "#1b7f3b" if change and change > 0 else "#b00020" if change else "#555"
        self.change.setStyleSheet(f"color: {colour};")


class Dashboard(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(tr("Dashboard", "Dashboard"))
        self.resize(1200, 780)
        self.report: PeriodReport | None = None
        self.task: BackgroundTask | None = None
        # Asked for while a computation ran: computed once it ends (the latest wish, once), so
        # flicking through the kinds starts at most one computation after the running one.
        self._refresh_again = False
        self.kind = QComboBox()
        self.kind.setObjectName("period_kind")
        for kind, text in KINDS:
            self.kind.addItem(tr("Dashboard", text), kind)
        self.period_text = QLineEdit()
        self.period_text.setObjectName("period")
        self.period_text.setPlaceholderText("2024Q1, 2024-03, 2024W12, 2024")
        self.show_button = QPushButton(tr("Dashboard", "Show"))
        self.status = QLabel()
        self.status.setObjectName("status")
        picker = QHBoxLayout()
        picker.addWidget(QLabel(tr("Dashboard", "Period:")))
        picker.addWidget(self.kind)
        picker.addWidget(self.period_text)
        picker.addWidget(self.show_button)
        picker.addWidget(self.status, 1)
        self.cards: dict[str, Card] = {}
        grid = QGridLayout()
        for number, key in enumerate(HEADLINES):
            card = Card(key)
            self.cards[key] = card
            grid.addWidget(card, number // 3, number % 3)
        self.industry_chart = QChartView()
        self.industry_chart.setObjectName("industry_chart")
        self.industry_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.trend_chart = QChartView()
        self.trend_chart.setObjectName("trend_chart")
        self.trend_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        charts = QHBoxLayout()
        charts.addWidget(self.industry_chart, 3)
        charts.addWidget(self.trend_chart, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed(today))
        self.show_button.clicked.connect(self.refresh)
        self.period_text.returnPressed.connect(self.refresh)
        self._default_period(today)

    def _kind_changed(self, today: date | None) -> None:
        """Another kind of period picked: its latest full period is shown at once, as Show would."""
        self._default_period(today)
        self.refresh()

    def _default_period(self, today: date | None) -> None:
        kind: PeriodKind = self.kind.currentData()
        self.period_text.setText(latest_full(kind, today or date.today()).label)

    def period(self) -> Period | None:
        period = typed_period(self.period_text.text())
        if isinstance(period, str):
            self._say_problem(period)
            return None
        return period

    def _say_problem(self, text: str) -> None:
        """A period that cannot be shown: said, with which period the figures still on screen are of."""
        if self.report is not None:
            note = tr("Dashboard", "(Still showing {period}.)").format(
                period=period_phrase(self.report.period, language())
            )
            text += space_before(note) + note
        self.status.setText(text)

    def refresh(self) -> BackgroundTask | None:
        if self.task is not None and self.task.running:
            self._refresh_again = True
            return None
        period = self.period()
        if period is None:
            return None
        index = self.kind.findData(period.kind)
        if index >= 0 and index != self.kind.currentIndex():  # a typed 2024-03 is a month
            blocked = self.kind.blockSignals(True)  # keep the typed period, not the kind's default
            self.kind.setCurrentIndex(index)
            self.kind.blockSignals(blocked)
        database = self.database
        self.status.setText(tr("Dashboard", "Computing…"))

        def work(_control: TaskControl) -> PeriodReport:
            return period_report(database, period, date.today())

        task = run_in_background(work, self)
        self.task = task
        task.finished.connect(lambda: self._computed(task, None))
        task.failed.connect(lambda error: self._computed(task, error))
        return task

    def _computed(self, task: BackgroundTask, error: object | None) -> None:
        if self._refresh_again:  # the period changed meanwhile: this result is not what is asked for
            self._refresh_again = False
            self.refresh()
        elif error is not None:
            self._say_problem(
                tr("Dashboard", "The figures could not be computed: {error}").format(error=error_text(error))
            )
        else:
            self.show_report(task.result)

    def show_report(self, report: PeriodReport) -> None:
        self.report = report
        self.status.setText(
            tr("Dashboard", "{period}, compared with {earlier}").format(
                period=period_phrase(report.period, language()),
                earlier=period_phrase(report.earlier, language()),
            )
        )
        for key, card in self.cards.items():
            card.show_figure(report.figure(key))
        self._industry_chart(report)
        self._trend_chart(report)

    def _industry_chart(self, report: PeriodReport) -> None:
        """Bars lying down, so an industry's whole name fits beside its bar."""
        chart = QChart()
        chart.setTitle(tr("Dashboard", "Planned investment by industry (100 million yuan)"))
        bars = QBarSet(report.period.label)
        names = []
        rows = sorted(report.by_industry, key=lambda r: r.planned)[-8:]  # the biggest at the top
        for row in rows:
            bars.append(float(row.planned) / 10000)
            names.append(row.label_zh if language() == "zh" else row.label_en)
        series = QHorizontalBarSeries()
        series.append(bars)
        chart.addSeries(series)
        axis_names = QBarCategoryAxis()
        axis_names.append(names)
        chart.addAxis(axis_names, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_names)
        axis_values = _value_axis(max((float(r.planned) / 10000 for r in rows), default=0.0))
        chart.addAxis(axis_values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_values)
        chart.legend().hide()
        self.industry_chart.setChart(chart)

    def _trend_chart(self, report: PeriodReport) -> None:
        chart = QChart()
        chart.setTitle(tr("Dashboard", "Monthly planned investment (100 million yuan)"))
        series = QLineSeries()
        series.setName(tr("Dashboard", "Planned investment"))
        series.setPointsVisible(True)  # a period of one month is one point: a line alone shows nothing
        labels = []
        for number, row in enumerate(report.monthly):
            series.append(QPointF(number, float(row.planned) / 10000))
            # The month's number, its year under the axis: twelve 2025-01 labels (or even 1月, Jan)
            # did not fit a year's chart and were each cut to "2…".
            labels.append(str(row.month))
        if len(set(labels)) < len(labels):  # more than a year: a category axis takes each label once
            labels = [f"{row.year}-{row.month:02d}" for row in report.monthly]
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(labels)
        years = sorted({row.year for row in report.monthly})
        span = "–".join(str(year) for year in years[:: max(len(years) - 1, 1)])
        axis_x.setTitleText(tr("Dashboard", "{years}, by month").format(years=span))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = _value_axis(max((float(r.planned) / 10000 for r in report.monthly), default=0.0))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().hide()
        self.trend_chart.setChart(chart)


def _value_axis(largest: float) -> QValueAxis:
    """From 0 to a round number above the largest value, so the highest bar or point has headroom."""
    axis = QValueAxis()
    axis.setLabelFormat("%.1f")
    axis.setRange(0, largest * 1.15 if largest > 0 else 1)
    axis.applyNiceNumbers()
    axis.setMin(0)
    return axis
