"""Logging a visit the way a field officer does: keyboard only, from the main window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from gui_helpers import ScriptedDialogs, open_main_window, type_text, when_modal_opens
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from models.database import Database
from models.queries import LedgerQuery, lookup
from models.store import LedgerStore
from ui.main_window import MainWindow
from ui.services import Choice
from ui.settings import Settings
from ui.visit_dialog import VisitDialog


@pytest.fixture
def settings() -> Settings:
    settings = Settings()
    settings.user_name = "张三"
    return settings


@pytest.fixture
def bureau(store: LedgerStore, settings: Settings) -> dict[str, str]:
    team = store.create("teams", {"name": "端州区招商一组", "unit": "端州区"})
    other = store.create("teams", {"name": "四会市招商小分队", "unit": "四会市"})
    enterprise = store.create("enterprises", {"name": "深圳氢蓝时代动力科技有限公司", "industry": "hydrogen"})
    store.create(
        "visits",
        {
            "visit_date": date(2024, 3, 1),
            "kind": "enterprise_visit",
            "enterprise_id": enterprise,
            "team_id": other,
            "staff": "李四",
        },
    )
    settings.team_id = team
    return {"team": team, "other": other, "enterprise": enterprise}


def _window(
    qtbot, database: Database, settings: Settings, dialogs: ScriptedDialogs | None = None
) -> MainWindow:
    return open_main_window(qtbot, database, settings, dialogs)


def _type(qtbot, text: str) -> None:
    type_text(QApplication.focusWidget(), text)


def _tab(qtbot, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_log_a_visit_with_the_keyboard_alone(qtbot, database, db_path: Path, settings, bureau) -> None:
    window = _window(qtbot, database, settings)
    seen: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, VisitDialog)
        # date is today and focused; kind, team and staff come filled in
        assert QApplication.focusWidget() is dialog.editors["visit_date"]
        assert dialog.editors["visit_date"].value() == date.today()
        assert dialog.editors["team_id"].text() == "端州区招商一组"
        assert dialog.editors["staff"].text() == "张三"
        _tab(qtbot, 2)  # date → kind → enterprise
        assert QApplication.focusWidget() is dialog.editors["enterprise_id"]
        _type(qtbot, "氢蓝")
        popup = dialog.editors["enterprise_id"].completer().popup()
        qtbot.waitUntil(popup.isVisible)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        seen["note"] = dialog.enterprise_note.text()
        _tab(qtbot, 5)  # enterprise → team → staff → trip → location → summary
        assert QApplication.focusWidget() is dialog.editors["summary"]
        _type(qtbot, "洽谈氢燃料电池项目落地")
        _tab(qtbot)
        _type(qtbot, "对方有意向")
        _tab(qtbot)
        _type(qtbot, "安排来肇考察")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(fill)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    script.check()

    assert "Last visited on 2024-03-01 by 四会市招商小分队 (李四)" in seen["note"]
    page = window.pages["visits"]
    assert window.tabs.currentWidget() is page
    assert page.model.rowCount() == 2
    new_id = page.current_id()
    assert new_id is not None
    row = page.model.row_of(new_id)
    shown = [page.model.index(row, c).data() for c in range(page.model.columnCount())]
    assert "深圳氢蓝时代动力科技有限公司" in shown and "洽谈氢燃料电池项目落地" in shown
    window.close()
    database.close()

    reopened = Database.open(db_path)
    try:
        visit = LedgerStore(reopened, "x").get("visits", new_id)
        assert (visit["enterprise_id"], visit["team_id"], visit["staff"], visit["next_action"]) == (
            bureau["enterprise"],
            bureau["team"],
            "张三",
            "安排来肇考察",
        )
        assert visit["visit_date"] == date.today() and visit["updated_by"] == "张三"
    finally:
        reopened.close()


def test_a_new_name_creates_the_enterprise_inline(qtbot, database, settings, bureau) -> None:
    window = _window(qtbot, database, settings)

    def fill(dialog: QWidget) -> None:
        _tab(qtbot, 2)
        _type(qtbot, "肇庆新能源材料有限公司")
        assert "will be added when you save" in dialog.enterprise_note.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    script = when_modal_opens(fill)
    window.log_visit()
    script.check()
    names = [name for _, name in lookup(database, "enterprises", "")]
    assert "肇庆新能源材料有限公司" in names
    assert window.pages["visits"].model.rowCount() == 2


def test_a_near_duplicate_name_warns_and_offers_the_existing_enterprise(
    qtbot, database, settings, bureau
) -> None:
    dialogs = ScriptedDialogs([Choice.PRIMARY])  # "use the existing enterprise"
    window = _window(qtbot, database, settings, dialogs)

    def fill(dialog: QWidget) -> None:
        dialog.editors["enterprise_id"].setFocus()
        _type(qtbot, "深圳 氢蓝时代动力科技 股份有限公司")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(fill)
    window.log_visit()
    script.check()
    assert len(dialogs.questions) == 1 and "深圳氢蓝时代动力科技有限公司" in dialogs.questions[0]
    assert len(LedgerQuery(database, "enterprises").ids()) == 1  # no second enterprise
    new_visit = window.pages["visits"].current_id()
    assert LedgerStore(database, "x").get("visits", new_visit)["enterprise_id"] == bureau["enterprise"]


def test_missing_required_fields_are_shown_beside_the_field_and_nothing_is_saved(
    qtbot, database, settings, store
) -> None:
    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.editors["team_id"].set_value(None, "")
    qtbot.keyClick(dialog.editors["summary"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.error_labels["team_id"].isVisible()
    assert dialog.error_labels["team_id"].text() == "This field is required."
    assert not dialog.error_labels["summary"].isVisible()
    assert LedgerQuery(database, "visits").ids() == []


@pytest.mark.parametrize("typed", ["2024年3月19日", "2024/3/19", "2024-03-19", "２０２４．３．１９"])
def test_dates_can_be_typed_the_way_people_write_them(qtbot, settings, store, typed: str) -> None:
    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    editor = dialog.editors["visit_date"]
    editor.clear()
    type_text(editor, typed)
    assert editor.value() == date(2024, 3, 19)


def test_an_impossible_date_is_shown_beside_the_field(qtbot, settings, store, bureau, database) -> None:
    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    editor = dialog.editors["visit_date"]
    editor.clear()
    type_text(editor, "2024-02-30")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_labels["visit_date"].text() == "“2024-02-30” is not a date."
    assert len(LedgerQuery(database, "visits").ids()) == 1  # only the bureau's own visit


def test_pasted_text_too_long_for_a_workbook_cell_is_shown_beside_the_field(
    qtbot, settings, store, bureau, database
) -> None:
    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["enterprise_id"].set_value(bureau["enterprise"], "深圳氢蓝时代动力科技有限公司")
    dialog.editors["outcome"].set_value("长" * 40_000)
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_labels["outcome"].isVisible()
    assert dialog.error_labels["outcome"].text() == (
        "This text is 40,000 characters long; a workbook cell holds at most 32,767."
    )
    assert len(LedgerQuery(database, "visits").ids()) == 1  # only the bureau's own visit
    dialog.editors["outcome"].set_value("长" * 32_767)
    dialog.save()
    assert not dialog.isVisible()
    assert len(LedgerQuery(database, "visits").ids()) == 2


def test_a_visit_without_a_summary_is_headed_by_its_date_and_enterprise(store, bureau, qtbot) -> None:
    from ui.detail_pane import DetailPane

    visit = store.create(
        "visits",
        {
            "visit_date": date(2024, 3, 19),
            "kind": "enterprise_visit",
            "enterprise_id": bureau["enterprise"],
            "team_id": bureau["team"],
        },
    )
    pane = DetailPane(store)
    qtbot.addWidget(pane)
    pane.show_record("visits", visit)
    assert pane.toPlainText().splitlines()[0] == "2024-03-19 · 深圳氢蓝时代动力科技有限公司"


def test_a_date_can_be_picked_from_the_calendar(qtbot, settings, store) -> None:
    dialog = VisitDialog(store, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    editor = dialog.editors["next_action_date"]
    assert editor.value() is None  # optional dates start empty
    calendar = editor.open_calendar()
    from PySide6.QtCore import QDate

    calendar.clicked.emit(QDate(2024, 5, 6))
    assert editor.value() == date(2024, 5, 6)
    assert not calendar.isVisible()


BRIGHTWAY = [
    "Brightway Robotics Co., Ltd.",
    "Brightway Optics Limited",
    "Brightway New Materials Co., Ltd.",
    "Brightway Hydrogen Technology Co., Ltd.",
    "Brightway Medical Devices Co., Ltd.",
    "Brightway Foods Co., Ltd.",
]


def _enterprise_ids(database: Database) -> list[str]:
    return LedgerQuery(database, "enterprises").ids()


def test_part_of_existing_names_asks_which_was_meant_and_the_list_is_there_to_pick_from(
    qtbot, database, settings, store, bureau
) -> None:
    for name in BRIGHTWAY:
        store.create("enterprises", {"name": name, "industry": "robotics"})
    before = len(_enterprise_ids(database))
    dialogs = ScriptedDialogs([Choice.PRIMARY])  # "pick one of them"
    window = _window(qtbot, database, settings, dialogs)
    seen: dict[str, object] = {}

    def fill(dialog: QWidget) -> None:
        editor = dialog.editors["enterprise_id"]
        editor.setFocus()
        _type(qtbot, "Brightway")
        editor.completer().popup().hide()  # typed past the list, as a fast typist does
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        seen["open"] = dialog.isVisible()
        seen["enterprises"] = len(_enterprise_ids(database))
        popup = editor.completer().popup()
        qtbot.waitUntil(popup.isVisible)
        seen["listed"] = popup.model().rowCount()
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        seen["picked"] = editor.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    script = when_modal_opens(fill)
    window.log_visit()
    script.check()
    (question,) = dialogs.questions
    assert "No enterprise is named exactly “Brightway”, but 6 have it in their names" in question
    assert sum(name in question for name in BRIGHTWAY) == 5  # the first five by name, then how many more
    assert "… and 1 more" in question
    assert seen["open"] and seen["enterprises"] == before  # nothing added on the first save
    assert seen["listed"] == 6
    assert len(_enterprise_ids(database)) == before  # still no "Brightway" enterprise
    visit = LedgerStore(database, "x").get("visits", window.pages["visits"].current_id())
    assert LedgerStore(database, "x").display_name("enterprises", visit["enterprise_id"]) == seen["picked"]
    assert str(seen["picked"]).startswith("Brightway ")


@pytest.mark.parametrize(
    ("existing", "answer", "added"),
    [
        (BRIGHTWAY, Choice.SECONDARY, True),  # a new enterprise after all
        (BRIGHTWAY, Choice.CANCEL, False),  # back to the dialog
        (BRIGHTWAY[:1], Choice.PRIMARY, False),  # the only one: used
    ],
)
def test_part_of_existing_names_is_added_only_when_the_user_says_it_is_new(
    qtbot, database, settings, store, bureau, existing, answer, added
) -> None:
    for name in existing:
        store.create("enterprises", {"name": name, "industry": "robotics"})
    before = len(_enterprise_ids(database))
    dialogs = ScriptedDialogs([answer])
    window = _window(qtbot, database, settings, dialogs)
    seen: dict[str, bool] = {}

    def fill(dialog: QWidget) -> None:
        dialog.editors["enterprise_id"].setFocus()
        _type(qtbot, "brightway")
        dialog.editors["enterprise_id"].completer().popup().hide()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        seen["open"] = dialog.isVisible()
        if dialog.isVisible():
            dialog.reject()

    script = when_modal_opens(fill)
    window.log_visit()
    script.check()
    assert len(dialogs.questions) == 1
    assert len(_enterprise_ids(database)) == before + (1 if added else 0)
    assert seen["open"] is (answer is Choice.CANCEL)
    if answer is Choice.PRIMARY:
        visit = LedgerStore(database, "x").get("visits", window.pages["visits"].current_id())
        assert visit["enterprise_id"] in _enterprise_ids(database)
        assert LedgerStore(database, "x").display_name("enterprises", visit["enterprise_id"]) == existing[0]


def test_typed_work_is_not_dropped_by_esc_without_asking(qtbot, settings, store, bureau, database) -> None:
    """Esc or Cancel closed the dialog and the summary typed was gone, without a word."""
    dialogs = ScriptedDialogs([Choice.CANCEL, Choice.PRIMARY])
    dialog = VisitDialog(store, settings, services=dialogs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed yet: closes at once
    assert not dialog.isVisible() and dialogs.questions == []

    dialog.show()
    dialog.editors["summary"].setFocus()
    type_text(dialog.editors["summary"], "回访氢蓝，商谈二期扩产")
    qtbot.keyClick(dialog.editors["summary"], Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialogs.questions == ["What you typed in this Visit is not saved."]
    assert dialog.editors["summary"].toPlainText() == "回访氢蓝，商谈二期扩产"  # kept: the answer was Cancel
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible() and len(dialogs.questions) == 2  # Discard
    assert len(LedgerQuery(database, "visits").ids()) == 1
