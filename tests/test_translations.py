"""The app speaks Chinese: every message is translated, none is forgotten, and the windows show it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from gui_helpers import ScriptedDialogs
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QAction, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from models.database import Database
from models.i18n import FileInUse
from models.store import LedgerStore
from resources.translations import extract
from ui.language import install_language, remove_translators, wanted_language
from ui.settings import Settings

TS = extract.TS_FILE
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _ts_messages() -> list[tuple[str, str, str, ET.Element | None]]:
    """(context, source, comment, translation element) of every message in the .ts."""
    result = []
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            result.append(
                (
                    name,
                    message.findtext("source") or "",
                    message.findtext("comment") or "",
                    message.find("translation"),
                )
            )
    return result


# --- the .ts file ---------------------------------------------------------------------------------


def test_every_message_is_translated_and_keeps_its_placeholders() -> None:
    messages = _ts_messages()
    assert len(messages) > 300
    problems = []
    for context, source, _comment, translation in messages:
        if translation is None or translation.get("type") or not (translation.text or "").strip():
            problems.append(f"{context}: {source!r} is not translated")
            continue
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation.text or "")):
            problems.append(f"{context}: {source!r} → {translation.text!r} changes the placeholders")
        if source.count("&") == 1 and "&" not in (translation.text or ""):
            problems.append(f"{context}: {source!r} → {translation.text!r} loses its keyboard accelerator")
    assert problems == []


def test_every_string_in_the_code_is_in_the_ts_and_nothing_else() -> None:
    in_code = set(extract.extract())
    in_ts = {(context, source, comment) for context, source, comment, _ in _ts_messages()}
    assert sorted(in_code - in_ts) == [], "run: .venv/bin/python -m resources.translations.extract"
    assert sorted(in_ts - in_code) == [], "run: .venv/bin/python -m resources.translations.extract"


def test_the_extractor_finds_every_kind_of_marked_call(tmp_path: Path) -> None:
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "a.py").write_text(
        "tr('Ctx', 'helper')\n"
        "tr('Ctx', 'with a disambiguation', 'menu')\n"
        "QT_TRANSLATE_NOOP('Other', 'marked')\n"
        "QCoreApplication.translate('Ctx', 'qt call')\n"
        "tr('Ctx', variable)\n"
        "self.tr('not ours')\n",
        encoding="utf-8",
    )
    found = {key for path in extract.python_files(tmp_path) for key, _ in extract.messages_in(path, tmp_path)}
    assert found == {
        ("Ctx", "helper", ""),
        ("Ctx", "with a disambiguation", "menu"),
        ("Other", "marked", ""),
        ("Ctx", "qt call", ""),
    }


def test_the_compiled_catalogues_are_shipped_and_match_the_ts(qapp) -> None:
    from PySide6.QtCore import QTranslator

    folder = TS.parent
    qt = QTranslator()
    assert qt.load(str(folder / "qtbase_zh_CN.qm")) and qt.translate("QPlatformTheme", "Cancel") == "取消"
    app = QTranslator()
    assert app.load(str(folder / "outreach_zh_CN.qm"))
    stale = [
        (context, source)
        for context, source, comment, translation in _ts_messages()
        if translation is not None
        and app.translate(context, source, comment or None) != (translation.text or "")
        and (translation.text or "") != source  # lrelease leaves out a translation equal to its source
    ]
    assert stale == [], "recompile: .venv/bin/python -m resources.translations.extract"


def test_the_language_follows_the_setting_or_else_the_system() -> None:
    chinese, english = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China),
        QLocale(QLocale.Language.English),
    )
    assert wanted_language("zh", english) == "zh"
    assert wanted_language("en", chinese) == "en"
    assert wanted_language("", chinese) == "zh"
    assert wanted_language("", QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan)) == "zh"
    assert wanted_language("", english) == "en"
    settings = Settings()
    assert settings.language == ""
    settings.language = "zh"
    assert Settings().language == "zh"
    settings.language = "klingon"
    assert Settings().language == ""


# --- the windows in Chinese -----------------------------------------------------------------------


@pytest.fixture
def chinese(qapp) -> Iterator[None]:
    settings = Settings()
    settings.language = "zh"
    try:
        assert install_language(qapp, settings) == "zh"
        assert install_language(qapp, settings) == "zh"  # a second call replaces, never stacks
        yield
    finally:
        remove_translators(qapp)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@pytest.fixture
def settings() -> Settings:
    settings = Settings()
    settings.user_name = "王五"
    return settings


@pytest.fixture
def bureau(store: LedgerStore) -> None:
    team = store.create("teams", {"name": "高要区招商组", "unit": "高要区"})
    enterprise = store.create("enterprises", {"name": "东莞曼富电池部件有限公司", "industry": "nev_auto"})
    store.create(
        "leads",
        {
            "title": "曼富电池部件生产项目",
            "enterprise_id": enterprise,
            "industry": "nev_auto",
            "planned_investment": Decimal(20000),
            "discovered_on": date(2024, 3, 19),
            "team_id": team,
            "status": "negotiating",
            "effective": True,
        },
    )


def _english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Source strings whose translation differs, as patterns that also match their formatted forms."""
    patterns = []
    for _context, source, _comment, translation in _ts_messages():
        if translation is None or translation.text == source or not re.search("[A-Za-z]{2}", source):
            continue
        for text in {source, source.replace("&", "")}:
            pieces = PLACEHOLDER.split(text)
            regex = ".*?".join(re.escape(piece) for piece in pieces)
            patterns.append((source, re.compile(regex, re.DOTALL)))
    return patterns


def _shown_texts(root: QWidget) -> list[str]:
    texts = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for action in root.findChildren(QAction):
        texts.append(action.text())
    for widget in widgets:
        if isinstance(widget, QMenu):
            texts.append(widget.title())
        elif isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QTabWidget):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
        elif isinstance(widget, QChartView):
            chart = widget.chart()
            texts.append(chart.title())
            texts.extend(axis.titleText() for axis in chart.axes())
            texts.extend(series.name() for series in chart.series())
        if widget.isWindow():
            texts.append(widget.windowTitle())
    return [text for text in texts if text]


def _assert_no_english(root: QWidget, tmp_path: Path, name: str) -> None:
    QApplication.processEvents()  # pending layout requests, so the screenshot shows the settled layout
    root.grab().save(str(tmp_path / f"{name}.png"))
    patterns = _english_patterns()
    texts = _shown_texts(root)
    assert any(re.search("[\u4e00-\u9fff]", text) for text in texts)
    untranslated = sorted(
        {f"{text!r} (source {source!r})" for text in texts for source, p in patterns if p.fullmatch(text)}
    )
    assert untranslated == []


def test_the_main_window_is_in_chinese(
    qtbot, chinese, database: Database, settings, bureau, tmp_path
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(database, settings, ScriptedDialogs())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.show_ledger("leads")
    qtbot.waitExposed(window)
    assert window.windowTitle() == "招商外勤台账"
    assert [m.title() for m in window.menuBar().findChildren(QMenu) if m.parent() is window.menuBar()][
        :2
    ] == [
        "文件(&F)",
        "编辑(&E)",
    ]
    assert window.tabs.tabText(window.tabs.currentIndex()) == "招商线索"
    page = window.pages["leads"]
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert "计划投资（万元）" in headers
    assert "洽谈中" in [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    _assert_no_english(window, tmp_path, "main_window")


def _access_keys_used_twice(menu_bar: QMenuBar) -> list[str]:
    """Menus (and the menu bar) in which one Alt letter opens two things: it then only cycles."""

    def letter(text: str) -> str | None:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        return found.group(1).lower() if found else None

    twice = []
    menus = [menu_bar, *(a.menu() for a in menu_bar.actions() if a.menu() is not None)]
    for menu in menus:
        letters = [letter(a.text()) for a in menu.actions() if not a.isSeparator() and a.isVisible()]
        twice += [
            f"{menu.title() if isinstance(menu, QMenu) else 'menu bar'}: {k}"
            for k in set(letters)
            if k and letters.count(k) > 1
        ]
    return sorted(twice)


def test_no_alt_letter_is_used_twice_in_a_menu(qtbot, database: Database, settings, bureau) -> None:
    """Edit had &Redo and &Restore, Sync &Conflicts… and &Choose master workbook…, in both languages."""
    from ui.main_window import MainWindow

    window = MainWindow(database, settings, ScriptedDialogs())
    qtbot.addWidget(window)
    assert _access_keys_used_twice(window.menuBar()) == []
    assert window.undo_action.text().startswith("&Undo")


def test_no_alt_letter_is_used_twice_in_a_chinese_menu(
    qtbot, chinese, database: Database, settings, bureau
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(database, settings, ScriptedDialogs())
    qtbot.addWidget(window)
    assert _access_keys_used_twice(window.menuBar()) == []
    window.undo_stack.push(QUndoCommand("删除记录（3 条）"))
    assert (
        window.undo_action.text() == "撤销 删除记录（3 条）(&U)"
    )  # the letter at the end, as 撤销(&U) alone
    assert "(U)" not in window.undo_action.toolTip() and "&" not in window.undo_action.toolTip()
    (toolbar,) = window.findChildren(QToolBar)
    buttons = [a.iconText() for a in toolbar.actions() if not a.isSeparator()]
    assert "撤销 删除记录（3 条）" in buttons and "登记走访" in buttons  # not 登记走访(L)


def test_the_language_menu_stores_the_choice_and_says_it_needs_a_restart(
    qtbot, chinese, database: Database, settings
) -> None:
    from ui.main_window import MainWindow

    dialogs = ScriptedDialogs()
    window = MainWindow(database, settings, dialogs)
    qtbot.addWidget(window)
    assert window.findChild(QAction, "language_zh").isChecked()
    window.findChild(QAction, "language_en").trigger()
    assert Settings().language == "en"
    assert dialogs.infos == [("界面语言", "新的界面语言将在重新启动招商外勤台账后生效。")]
    window.findChild(QAction, "language_system").trigger()
    assert Settings().language == ""


def test_the_visit_dialog_is_in_chinese(
    qtbot, chinese, store: LedgerStore, settings, bureau, tmp_path
) -> None:
    from ui.visit_dialog import VisitDialog

    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "新建走访记录"
    _assert_no_english(dialog, tmp_path, "visit_dialog")


def test_the_dashboard_is_in_chinese(qtbot, chinese, database: Database, bureau, tmp_path) -> None:
    from ui.dashboard import Dashboard

    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    dashboard.show()
    task = dashboard.refresh()
    assert task is not None
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    assert dashboard.windowTitle() == "工作看板"
    _assert_no_english(dashboard, tmp_path, "dashboard")


def test_english_is_back_after_the_chinese_tests() -> None:
    assert QApplication.translate("Main", "&File") == "&File"
    assert QLocale().language() == QLocale.Language.English


def test_values_are_shown_the_chinese_way_in_chinese(chinese) -> None:
    from datetime import date as day
    from decimal import Decimal

    from models.fields import LEDGERS
    from ui.text import format_value

    projects = LEDGERS["projects"]
    assert format_value(projects.field("industry"), "nev_auto") == "新能源汽车及零部件"
    assert format_value(projects.field("stage"), "land_supplied") == "已供地"
    assert format_value(projects.field("manufacturing"), True) == "是"
    assert format_value(projects.field("planned_investment"), Decimal("123456.5")) == "123,456.5"
    assert format_value(projects.field("signed_on"), day(2024, 3, 19)) == "2024-03-19"


@pytest.fixture
def english_bureau(store: LedgerStore) -> None:
    team = store.create("teams", {"name": "Team One", "unit": "West district"})
    enterprise = store.create("enterprises", {"name": "Acme Batteries Ltd", "industry": "nev_auto"})
    store.create(
        "leads",
        {
            "title": "Battery parts plant",
            "enterprise_id": enterprise,
            "industry": "nev_auto",
            "planned_investment": 20000,
            "discovered_on": date(2024, 3, 19),
            "team_id": team,
            "status": "negotiating",
            "effective": True,
        },
    )


def _assert_no_chinese(root: QWidget) -> None:
    from ui.main_window import LANGUAGE_CHOICES

    QApplication.processEvents()
    own_names = {name for _, name in LANGUAGE_CHOICES}  # a language is offered in its own name
    shown = set(_shown_texts(root)) - own_names
    assert sorted(text for text in shown if re.search("[\u4e00-\u9fff]", text)) == []


def test_english_screens_show_no_chinese(qtbot, database: Database, english_bureau) -> None:
    """The same walk in English: no Chinese words in menus, labels, headers, lists or charts."""
    from ui.dashboard import Dashboard
    from ui.main_window import MainWindow
    from ui.visit_dialog import VisitDialog

    settings = Settings()
    settings.user_name = "Tester"
    window = MainWindow(database, settings, ScriptedDialogs())
    qtbot.addWidget(window)
    window.show()
    window.show_ledger("leads")
    _assert_no_chinese(window)
    dialog = VisitDialog(window.store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    _assert_no_chinese(dialog)
    dashboard = Dashboard(database, today=date(2024, 4, 15))
    qtbot.addWidget(dashboard)
    dashboard.show()
    dashboard.refresh()
    qtbot.waitUntil(lambda: dashboard.report is not None, timeout=10_000)
    _assert_no_chinese(dashboard)


def test_sync_issue_reasons_are_translated_with_their_arguments(chinese) -> None:
    from ui.sync_views import _issue_arguments

    args = _issue_arguments(
        {
            "reason": "This date cannot be before {other} ({other_date}).",
            "other": "Signed on",
            "other_date": "2024-06-01",
        }
    )
    assert "签约日期" in args["reason"] and "2024-06-01" in args["reason"]
    assert not re.search("[A-Za-z]{3}", args["reason"])


def test_why_a_file_could_not_be_used_is_said_in_chinese(
    qtbot, chinese, database: Database, bureau, settings: Settings, tmp_path
) -> None:
    """The operating system's reason ("No such file or directory") is English; the message is not."""
    from gui_helpers import open_main_window

    settings.workbook_path = str(tmp_path / "断开的共享盘" / "总表.xlsx")
    dialogs = ScriptedDialogs()
    window = open_main_window(qtbot, database, settings, dialogs)
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and bool(dialogs.errors), timeout=30_000)
    shown = dialogs.errors[-1][1]
    assert str(tmp_path / "断开的共享盘") in shown and "不存在" in shown
    assert not re.search("[A-Za-z]{3}", shown.replace(str(tmp_path), ""))


def test_who_holds_the_sync_lock_is_said_in_chinese(
    qtbot, chinese, database: Database, bureau, settings: Settings, tmp_path
) -> None:
    """钱七 on PC-QIAN (process 1234) since … 正在同步总表: the holder was described in English."""
    from datetime import timedelta

    from gui_helpers import open_main_window
    from sync_helpers import new_workbook

    from sync import safety

    workbook = new_workbook(tmp_path / "shared")
    settings.workbook_path = str(workbook)
    lock = safety.SyncLock(workbook, "钱七", stale_after=timedelta(hours=1))
    lock.acquire()
    dialogs = ScriptedDialogs()
    window = open_main_window(qtbot, database, settings, dialogs)
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.running is None and bool(dialogs.errors), timeout=30_000)
    shown = dialogs.errors[-1][1]
    assert "钱七" in shown and "进程" in shown and "正在同步总表" in shown
    assert not re.search("[A-Za-z]{3}", shown.replace(safety._machine(), ""))


def test_a_new_master_in_a_folder_that_is_not_there_is_said_in_chinese(
    qtbot, chinese, database: Database, settings: Settings, tmp_path
) -> None:
    """The folder went between the save dialog and the write (a share disconnected): the message was
    English in the Chinese window."""
    from gui_helpers import open_main_window

    target = tmp_path / "断开的共享盘" / "总表.xlsx"
    dialogs = ScriptedDialogs(files=[target])
    window = open_main_window(qtbot, database, settings, dialogs)
    window.sync.new_workbook()
    (title, shown), *_ = dialogs.errors
    assert not re.search("[A-Za-z]{3}", title)
    assert shown == f"无法创建 {target}：文件夹 {target.parent} 不存在"
    assert not target.parent.exists()


def test_a_report_that_cannot_be_written_says_which_file_and_why_in_chinese(chinese) -> None:
    from ui.text import error_text

    shown = error_text(PermissionError(13, "Permission denied", "/报表/2024Q1.xlsx"))
    assert shown.startswith("/报表/2024Q1.xlsx: ") and "没有权限" in shown and "Permission" not in shown
    assert error_text(ValueError("period 2024Q5 does not exist")) == "period 2024Q5 does not exist"
    in_use = FileInUse(Path("/报表/q1.xlsx"), "Excel/WPS (陈七)", Path("/报表/~$q1.xlsx"))
    assert error_text(in_use) == (
        "/报表/q1.xlsx: 它正在 Excel/WPS (陈七) 中打开：请在那里关闭后重试（如果没有人打开它，是程序崩溃在旁边留下了 "
        "~$q1.xlsx：请删除该文件）"
    )


def test_what_a_sync_stored_is_shown_in_chinese(chinese, database: Database, store, tmp_path) -> None:
    """Names and headers a sync stores in one language (the workbook side's author, an issue's
    column header) are shown in the language of the screen."""
    from sync_helpers import hand_edit, new_workbook, small_bureau

    from sync.engine import synchronise
    from ui.detail_pane import DetailPane
    from ui.sync_views import SyncHistoryDialog, SyncIssuesDialog

    bureau = small_bureau(store)
    workbook = new_workbook(tmp_path / "shared")
    synchronise(database, workbook, "张三")
    hand_edit(workbook, "teams", {(bureau["team"], "leader"): "孙八"})
    hand_edit(workbook, "leads", {(bureau["lead"], "planned_investment"): "约五千"})
    synchronise(database, workbook, "张三")

    issues = SyncIssuesDialog(database).model
    header_column = next(
        c for c in range(issues.columnCount()) if issues.headerData(c, Qt.Orientation.Horizontal) == "表头"
    )
    assert issues.index(0, header_column).data() == "计划投资（万元）"
    history = SyncHistoryDialog(database).model
    by_column = next(
        c
        for c in range(history.columnCount())
        if history.headerData(c, Qt.Orientation.Horizontal) == "操作人"
    )
    assert {history.index(r, by_column).data() for r in range(history.rowCount())} == {"张三"}
    pane = DetailPane(store)
    pane.show_record("teams", bureau["team"])
    assert "张三（总表）" in pane.toPlainText() and "(workbook)" not in pane.toPlainText()


def _every_other_dialog(database: Database, store: LedgerStore, settings: Settings) -> list[QWidget]:
    from models.fields import LEDGERS
    from ui.conflict_dialog import ConflictDialog
    from ui.first_run import FirstRunDialog
    from ui.record_dialog import EnterpriseDialog, RecordDialog
    from ui.sync_views import SyncHistoryDialog, SyncIssuesDialog

    dialogs: list[QWidget] = [FirstRunDialog(database, settings), EnterpriseDialog(store)]
    dialogs += [RecordDialog(store, name) for name in LEDGERS if name not in ("visits", "enterprises")]
    dialogs += [
        ConflictDialog(database, settings.user_name),
        SyncHistoryDialog(database),
        SyncIssuesDialog(database),
    ]
    return dialogs


def test_every_other_dialog_is_in_chinese(
    qtbot, chinese, database: Database, store, settings, tmp_path
) -> None:
    for number, dialog in enumerate(_every_other_dialog(database, store, settings)):
        qtbot.addWidget(dialog)
        dialog.show()
        _assert_no_english(dialog, tmp_path, f"dialog_{number}")


def test_every_other_dialog_is_in_english(qtbot, database: Database, store, english_bureau) -> None:
    settings = Settings()
    settings.user_name = "Tester"
    for dialog in _every_other_dialog(database, store, settings):
        qtbot.addWidget(dialog)
        dialog.show()
        _assert_no_chinese(dialog)
