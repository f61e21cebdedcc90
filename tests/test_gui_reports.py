"""Reports in the app: the dashboard agrees with the period report; workbooks are written off the GUI thread."""

from __future__ import annotations

import gc
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from gui_helpers import ScriptedDialogs, open_main_window
from PySide6.QtCharts import QBarCategoryAxis, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt

from models.reports.figures import period_report
from models.reports.periods import parse_period
from models.store import LedgerStore
from ui.dashboard import Dashboard, change_text, value_text
from ui.main_window import MainWindow
from ui.services import Choice
from ui.settings import Settings
from ui.worker import run_in_background


@pytest.fixture
def bureau(store: LedgerStore) -> dict[str, str]:
    team = store.create("teams", {"name": "端州区招商一组"})
    enterprise = store.create("enterprises", {"name": "东莞曼富电池部件有限公司", "industry": "nev_auto"})
    for signed, amount in ((date(2024, 2, 1), 15000), (date(2024, 3, 31), 120000), (date(2023, 3, 5), 10000)):
        store.create(
            "projects",
            {
                "name": f"项目{signed}",
                "enterprise_id": enterprise,
                "team_id": team,
                "industry": "nev_auto",
                "manufacturing": True,
                "planned_investment": Decimal(amount),
                "stage": "signed",
                "signed_on": signed,
            },
        )
    store.create(
        "visits",
        {
            "visit_date": date(2024, 3, 31),
            "kind": "enterprise_visit",
            "enterprise_id": enterprise,
            "team_id": team,
        },
    )
    return {"team": team, "enterprise": enterprise}


def _window(qtbot, database, dialogs: ScriptedDialogs) -> MainWindow:
    settings = Settings()
    settings.user_name = "张三"
    return open_main_window(qtbot, database, settings, dialogs)


def test_the_dashboard_shows_the_report_figures_for_the_same_period(qtbot, database, bureau) -> None:
    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    dashboard.show()
    assert dashboard.period_text.text() == "2024Q1"  # the latest full quarter
    task = dashboard.refresh()
    assert task is not None
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    expected = period_report(database, parse_period("2024Q1"))
    for key, card in dashboard.cards.items():
        figure = expected.figure(key)
        assert card.value.text() == value_text(figure), key
        assert card.change.text() == change_text(figure), key
    assert dashboard.cards["projects_signed"].value.text() == "2"
    assert dashboard.cards["planned_investment"].value.text() == "13.50 hundred million yuan"
    assert "+1250.0%" in dashboard.cards["planned_investment"].change.text()  # 10000 → 135000 万元
    assert dashboard.cards["trips"].change.text() == "year on year: —"  # nothing a year earlier
    assert dashboard.industry_chart.chart().series() and dashboard.trend_chart.chart().series()
    (trend,) = dashboard.trend_chart.chart().series()
    assert trend.pointsVisible()  # a one-month period is one point: a bare line would show nothing
    highest = max(point.y() for point in trend.points())
    (values,) = [a for a in dashboard.trend_chart.chart().axes() if isinstance(a, QValueAxis)]
    assert values.min() == 0 and values.max() > highest  # the peak does not touch the frame
    (bars,) = dashboard.industry_chart.chart().series()
    assert isinstance(bars, QHorizontalBarSeries)  # names beside the bars, not cut below them


def test_a_years_dashboard_names_its_months_so_they_fit(qtbot, database, bureau) -> None:
    """Twelve labels "2024-01"… did not fit the chart and were each cut to "2…"; a card's value in
    hundred million yuan made the window wider than a laptop's screen."""
    dashboard = Dashboard(database, today=date(2025, 2, 1))
    qtbot.addWidget(dashboard)
    dashboard.period_text.setText("2024")
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    (months,) = [a for a in dashboard.trend_chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert months.categories() == [str(month) for month in range(1, 13)]
    assert months.titleText() == "2024, by month"
    for card in dashboard.cards.values():
        card.value.setText("1,399.74 hundred million yuan")
    assert dashboard.minimumSizeHint().width() <= 1280


def test_a_typed_period_sets_the_kind_shown_beside_it(qtbot, database, bureau) -> None:
    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    assert dashboard.kind.currentText() == "Quarter"
    dashboard.period_text.setText("2024-03")
    task = dashboard.refresh()
    assert task is not None
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    assert dashboard.kind.currentText() == "Month" and dashboard.period_text.text() == "2024-03"
    assert dashboard.report.period.label == "2024-03"


def test_picking_another_kind_of_period_shows_its_figures_without_pressing_show(
    qtbot, database, bureau, monkeypatch
) -> None:
    started = []

    def counted(function, parent=None):
        started.append(function)
        return run_in_background(function, parent)

    monkeypatch.setattr("ui.dashboard.run_in_background", counted)
    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    dashboard.show()
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    assert dashboard.cards["projects_signed"].value.text() == "2"  # 2024Q1

    dashboard.kind.setFocus()
    for _kind in ("Month", "Week", "Year"):  # flicking through the kinds with the arrow key
        qtbot.keyClick(dashboard.kind, Qt.Key.Key_Down)
    assert dashboard.kind.currentText() == "Year" and dashboard.period_text.text() == "2023"
    qtbot.waitUntil(lambda: dashboard.report.period.label == "2023", timeout=10_000)
    assert dashboard.cards["projects_signed"].value.text() == "1"  # the one signed in 2023
    assert "2023" in dashboard.status.text()
    assert len(started) <= 3  # the first, the one running when the kind changed, and the latest


def test_a_wrong_period_is_explained(qtbot, database) -> None:
    dashboard = Dashboard(database)
    qtbot.addWidget(dashboard)
    dashboard.period_text.setText("first quarter")
    assert dashboard.refresh() is None
    assert "is not a period" in dashboard.status.text()


def test_a_period_that_cannot_be_shown_says_which_period_the_cards_still_show(
    qtbot, database, bureau
) -> None:
    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    dashboard.period_text.setText("2099Q1")
    assert dashboard.refresh() is None
    assert "not begun" in dashboard.status.text() and "Still showing 2024 Q1" in dashboard.status.text()
    dashboard.period_text.setText("first quarter")
    dashboard.refresh()
    assert "is not a period" in dashboard.status.text() and "Still showing 2024 Q1" in dashboard.status.text()


def test_period_report_is_written_in_the_background(qtbot, database, bureau, tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    dialogs = ScriptedDialogs(files=[target], texts=["2024Q1"])
    window = _window(qtbot, database, dialogs)
    task = window.reports.period_report()
    assert task is not None
    qtbot.waitUntil(lambda: not task.running and bool(dialogs.infos), timeout=20_000)
    assert dialogs.infos[-1][1] == f"Written: {target}"
    book = openpyxl.load_workbook(target)
    assert "2024 Q1" in book.worksheets[0]["A1"].value  # the app's language (English until issue 5)


def test_a_name_with_a_dot_gets_xlsx_added_and_replaces_nothing_unasked(
    qtbot, database, bureau, tmp_path: Path
) -> None:
    """ "ranking 2024.02" and then "ranking 2024.03" were both written to ranking 2024.xlsx: February's
    ranking was replaced without a word (the save dialog had checked another name)."""
    february, march = tmp_path / "ranking 2024.02", tmp_path / "ranking 2024.03"
    dialogs = ScriptedDialogs(files=[february, march], texts=["2024-02", "2024-03"])
    window = _window(qtbot, database, dialogs)
    for _month in range(2):
        task = window.reports.ranking()
        assert task is not None
        qtbot.waitUntil(lambda task=task: not task.running, timeout=20_000)
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["ranking 2024.02.xlsx", "ranking 2024.03.xlsx"]

    dialogs.files, dialogs.texts = [february], ["2024-03"]  # the same name again: asked, and refused
    assert window.reports.ranking() is None
    assert dialogs.questions[-1] == "ranking 2024.02.xlsx already exists. Replace it?"
    dialogs.files, dialogs.texts, dialogs.answers = [february], ["2024-03"], [Choice.PRIMARY]
    task = window.reports.ranking()
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=20_000)


def test_export_the_current_view_as_shown(qtbot, database, bureau, tmp_path: Path) -> None:
    target = tmp_path / "projects.xlsx"
    dialogs = ScriptedDialogs(files=[target])
    window = _window(qtbot, database, dialogs)
    page = window.show_ledger("projects")
    page.model.set_search("2024")
    page.table.horizontalHeader().hideSection(1)  # the enterprise column
    task = window.reports.export_view()
    assert task is not None
    qtbot.waitUntil(lambda: not task.running and bool(dialogs.infos), timeout=20_000)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    names = [row[0] for row in values if isinstance(row[0], str) and row[0].startswith("项目")]
    assert names == [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert len(names) == 2
    assert all("东莞曼富" not in str(v) for row in values for v in row)  # the hidden column stays out


def test_a_period_that_has_not_begun_is_refused_before_anything_is_written(qtbot, tmp_path) -> None:
    from datetime import date

    from gui_helpers import ScriptedDialogs, open_main_window

    from models.database import Database
    from ui.settings import Settings

    database = Database.open(tmp_path / "x.db")
    settings = Settings()
    settings.user_name = "张三"
    next_year = str(date.today().year + 1)
    dialogs = ScriptedDialogs(texts=[next_year], files=[tmp_path / "future.xlsx"])
    window = open_main_window(qtbot, database, settings, dialogs)
    assert window.reports.period_report() is None
    assert dialogs.errors and f"{next_year} has not begun yet" in dialogs.errors[-1][1]
    assert not (tmp_path / "future.xlsx").exists()
    database.close()


def test_an_export_to_a_folder_that_does_not_exist_names_the_chosen_file(
    qtbot, database, bureau, tmp_path: Path, monkeypatch
) -> None:
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    target = tmp_path / "gone" / "projects.xlsx"
    dialogs = ScriptedDialogs(files=[target])
    window = _window(qtbot, database, dialogs)
    page = window.show_ledger("projects")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=20_000)
    (_title, text), *_ = dialogs.errors
    assert text.startswith(f"{target} was not written: it does not exist")  # the reason in words
    assert text.count(str(target)) == 1  # the file named once ("… was not written: /x.xlsx: …" said it twice)
    assert ".tmp" not in text and "Errno" not in text
    gc.collect()  # the abandoned workbook is cleaned up quietly
    assert unraisable == []
    assert not [p for p in tmp_path.rglob(".*") if p.suffix == ".tmp"]
