"""A long ledger is painted from the two ends of its listing, before the whole of it is read, and never
shows a row in the wrong place."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from gui_helpers import open_main_window
from PySide6.QtCore import SIGNAL
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from models import demo
from models.database import Database
from models.fields import LEDGERS
from models.listing import listing_ends
from models.queries import LedgerQuery
from models.schema import LEDGER_MODELS
from models.store import LedgerStore
from ui import ledger_model


@pytest.fixture
def bureau(database: Database) -> Database:
    demo.generate(database, scale=0.03, seed=11)
    return database


# --- the ends themselves, without Qt --------------------------------------------------------------------


def test_the_ends_are_those_of_the_whole_listing_in_every_order(bureau: Database) -> None:
    for ledger in LEDGERS:
        query = LedgerQuery(bureau, ledger)
        for sort in [None, *(column.field.name for column in query.columns)]:
            for descending in (False, True):
                whole = query.ids("", sort, descending)
                ends = listing_ends(query, sort, descending, 5)
                if query.sorts_through_join(sort):
                    assert ends is None  # read whole: the ends would cost as much
                    continue
                assert ends is not None and ends.count == len(whole)
                if len(whole) <= 10:
                    assert ends.complete and ends.head == whole
                    continue
                assert not ends.complete
                assert ends.slice(0, 5) == whole[:5]
                assert ends.slice(len(whole) - 5, len(whole) + 3) == whole[-5:]
                for first in range(len(whole)):
                    known = ends.slice(first, first + 3)
                    assert known is None or known == whole[first : first + 3], (ledger, sort, first)
                for row, record_id in enumerate(whole):
                    assert ends.row_of(record_id) in (None, row)


def test_ends_that_meet_are_the_whole_listing(bureau: Database) -> None:
    query = LedgerQuery(bureau, "visits")
    whole = query.ids("", None, True)
    for each in (len(whole) // 2 + 1, len(whole), len(whole) + 1):
        ends = listing_ends(query, None, True, each)
        assert ends is not None and ends.complete and ends.head == whole


# --- the table ------------------------------------------------------------------------------------------


@pytest.fixture
def settings() -> Any:
    from ui.settings import Settings

    settings = Settings()
    settings.user_name = "王五"
    return settings


class HeldListing:
    """The whole listing as the table reads it: held back when read off the GUI thread, until let go;
    counted when read on it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on_gui_thread = 0
        self.in_background = 0
        self._let_go = threading.Event()
        self._original = ledger_model.listing
        monkeypatch.setattr(ledger_model, "listing", self)

    def __call__(self, *args: Any) -> Any:
        if threading.current_thread() is threading.main_thread():
            self.on_gui_thread += 1
        else:
            self.in_background += 1
            self._let_go.wait(10)
        return self._original(*args)

    def let_go(self) -> None:
        self._let_go.set()

    def fail_with(self, read: Any) -> None:
        self._original = read


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldListing]:
    monkeypatch.setattr(ledger_model, "PAGE_SIZE", 8)
    monkeypatch.setattr(ledger_model, "LISTING_END_ROWS", 32)
    held = HeldListing(monkeypatch)
    yield held
    held.let_go()  # never leave a read waiting on the thread pool


def _open_visits(qtbot: Any, bureau: Database, settings: Any) -> tuple[Any, list[str]]:
    window = open_main_window(qtbot, bureau, settings)
    page = window.show_ledger("visits")
    return page, page.model.query.ids("", None, page.model.descending)


def test_a_long_ledger_opens_at_both_ends_without_reading_the_rest_on_the_gui_thread(
    qtbot, bureau, settings, held
) -> None:
    page, whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    assert len(whole) > 100
    assert model.rowCount() == len(whole)
    page.table.scrollToBottom()
    qtbot.wait(50)
    assert model.listing_pending  # the whole listing is still being read…
    assert held.on_gui_thread == 0  # …and not on the GUI thread
    last = len(whole) - 1
    assert [model.record_id(row) for row in range(10)] == whole[:10]
    assert [model.record_id(row) for row in range(last - 9, last + 1)] == whole[-10:]
    bottom = page.table.rowAt(page.table.viewport().height() - 2)
    assert bottom == last
    assert model.index(last, 0).data() is not None  # painted with its values

    held.let_go()
    qtbot.waitUntil(lambda: not model.listing_pending)
    assert held.on_gui_thread == 0
    assert model.ids == whole
    assert model.rowCount() == len(whole)


def test_a_row_between_the_ends_is_read_at_once_when_asked_for(qtbot, bureau, settings, held) -> None:
    page, whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    middle = len(whole) // 2
    assert model.listing_pending
    page.table.scrollTo(model.index(middle, 0))
    qtbot.wait(20)
    assert model.record_id(middle) == whole[middle]
    assert model.index(middle, 0).data() is not None
    assert held.on_gui_thread == 1 and not model.listing_pending
    assert model.row_of(whole[middle]) == middle


def _add_newest_visit(database: Database) -> str:
    with database.engine.connect() as connection:
        enterprise = connection.execute(select(LEDGER_MODELS["enterprises"].id).limit(1)).scalar_one()
        team = connection.execute(select(LEDGER_MODELS["teams"].id).limit(1)).scalar_one()
    fields = {"visit_date": date(2099, 12, 31), "kind": "enterprise_visit", "enterprise_id": enterprise}
    return LedgerStore(database, "Tester").create("visits", {**fields, "team_id": team})


def test_a_record_added_before_the_rest_is_read_is_shown_not_misplaced(qtbot, bureau, settings, held) -> None:
    page, whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    assert model.listing_pending
    first_shown = model.index(0, 1).data()
    added = _add_newest_visit(bureau)  # nobody refreshed the table
    middle = len(whole) // 2
    assert model.index(middle, 0).data() is None  # asked for: not known, and not guessed
    assert model.record_id(middle) is None
    assert model.record_id(0) == whole[0] and model.index(0, 1).data() == first_shown  # rows as shown
    assert model.ids == [added, *whole]  # an export now lists the ledger as it is
    # A moment later the table is told, not just the model changed under it: its rows and the count.
    qtbot.waitUntil(lambda: page.table.verticalHeader().count() == len(whole) + 1)
    assert page.count_label.text() == f"Records: {len(whole) + 1}"
    assert model.record_id(0) == added  # the newest visit, first
    assert model.ids == [added, *whole]


def test_a_short_ledger_is_listed_whole_at_once(qtbot, bureau, settings, monkeypatch) -> None:
    monkeypatch.setattr(ledger_model, "LISTING_END_ROWS", 10_000)
    held = HeldListing(monkeypatch)
    page, whole = _open_visits(qtbot, bureau, settings)
    assert not page.model.listing_pending
    assert page.model.ids == whole
    assert held.on_gui_thread == 0  # its ends were the whole of it


def test_a_change_found_when_the_rest_arrives_refreshes_the_table(qtbot, bureau, settings, held) -> None:
    page, whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    added = _add_newest_visit(bureau)
    held.let_go()
    qtbot.waitUntil(lambda: page.table.verticalHeader().count() == len(whole) + 1)
    assert not model.listing_pending
    assert model.ids == [added, *whole]


def test_a_change_found_between_the_ends_keeps_the_selection(qtbot, bureau, settings, held) -> None:
    window = open_main_window(qtbot, bureau, settings)
    page = window.show_ledger("visits")
    whole = page.model.query.ids("", None, page.model.descending)
    assert page.select_ids([whole[2]])
    _add_newest_visit(bureau)
    page.table.scrollTo(page.model.index(len(whole) // 2, 0))  # rows between the ends are asked for
    qtbot.waitUntil(lambda: page.table.verticalHeader().count() == len(whole) + 1)
    assert page.selected_ids() == [whole[2]]
    assert page.current_id() == whole[2]

    target = whole[len(whole) // 2]
    window.open_record("visits", target)
    assert page.selected_ids() == [target]


def test_a_failed_read_between_the_ends_empties_the_table_properly(qtbot, bureau, settings, held) -> None:
    page, whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    reported: list[str] = []
    model.failed.connect(reported.append)

    def unreadable(*_args: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    held.fail_with(unreadable)
    assert model.record_id(len(whole) // 2) is None
    assert model.index(len(whole) // 2, 0).data() is None
    assert model.rowCount() == len(whole)  # the view is not told a new count in passing…
    qtbot.waitUntil(lambda: page.table.verticalHeader().count() == 0)  # …but by a reset
    assert reported == ["disk I/O error"]  # said once, not once a row


def test_refreshing_a_long_ledger_leaves_nothing_behind(qtbot, bureau, settings, held) -> None:
    page, _whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    held.let_go()
    qtbot.waitUntil(lambda: not model.listing_pending)
    qtbot.waitUntil(lambda: not model.search_index_pending)
    connected = model.receivers(SIGNAL("destroyed(QObject*)"))
    for _ in range(3):
        _add_newest_visit(bureau)  # so that each refresh lists the ledger again
        page.refresh()
        assert model.listing_pending
        qtbot.waitUntil(lambda: not model.listing_pending)
    assert model.receivers(SIGNAL("destroyed(QObject*)")) == connected
    assert not ledger_model._RUNNING_READS


def test_refreshes_in_quick_succession_read_the_listing_once_more_not_once_each(
    qtbot, bureau, settings, held
) -> None:
    page, _whole = _open_visits(qtbot, bureau, settings)
    model = page.model
    qtbot.waitUntil(lambda: held.in_background == 1)  # the first read, held back
    for _ in range(4):
        _add_newest_visit(bureau)
        page.refresh()
        qtbot.wait(ledger_model.LISTING_READ_DELAY_MS * 2)
    assert held.in_background == 1  # no read started while one is running…
    held.let_go()
    qtbot.waitUntil(lambda: not model.listing_pending)
    assert held.in_background == 2  # …and one more for the data as it is now
    assert model.ids == model.query.ids("", None, model.descending)
    assert model.record_id(0) == model.ids[0]


def test_a_closed_ledger_cancels_the_read_still_running_for_it(qtbot, bureau, settings, held) -> None:
    import shiboken6

    page, _whole = _open_visits(qtbot, bureau, settings)
    qtbot.waitUntil(lambda: bool(ledger_model._RUNNING_READS))  # the rest of the listing, held back
    running = set(ledger_model._RUNNING_READS)
    shiboken6.delete(page.model)
    assert all(task.control.cancelled() for task in running)
    held.let_go()
    qtbot.waitUntil(lambda: not ledger_model._RUNNING_READS)
