"""The in-memory search index: the same rows as the SQL search, never stale, built off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from gui_helpers import open_main_window, type_text
from sqlalchemy import text
from sync_helpers import hand_edit, new_workbook

from models import controlled, demo
from models.database import Database
from models.fields import LEDGERS
from models.queries import LedgerQuery
from models.search import SearchCancelled, SearchIndex, listing
from models.store import LedgerStore

# --- the same rows as the SQL search ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A small demo bureau plus records that stress case, width, wildcards and initials."""
    database = Database.open(tmp_path_factory.mktemp("search") / "demo.db")
    try:
        _fill(database)
        yield database
    finally:
        database.close()


def _fill(database: Database) -> None:
    demo.generate(database, scale=0.08, seed=5)
    store = LedgerStore(database, "Tester")
    team = store.create("teams", {"name": "Team ALPHA 深圳组", "unit": "ＡＢＣ"})
    acme = store.create("enterprises", {"name": "ACME Straße Ä 科技有限公司", "industry": "hydrogen"})
    odd = store.create("enterprises", {"name": "奇怪缩写企业", "industry": "nev_auto"})
    for summary in ("ÄBC 100%_ ﬁ ＡＢＣ", "normal 深圳 visit", None):
        store.create(
            "visits",
            {
                "visit_date": date(2024, 3, 1),
                "kind": "enterprise_visit",
                "enterprise_id": acme if summary else odd,
                "team_id": team,
                "summary": summary,
            },
        )
    with database.engine.begin() as connection:  # initials no app code writes: kept apart, still found
        connection.execute(text("UPDATE enterprises SET name_initials = 'Qg-Sx' WHERE id = :id"), {"id": odd})
    for ledger in LEDGERS:  # something in every deleted view
        store.set_deleted(ledger, LedgerQuery(database, ledger).ids()[:7:3], True)


def _terms(database: Database) -> list[str]:
    with database.engine.connect() as connection:
        initials = connection.execute(
            text("SELECT name_initials FROM enterprises WHERE name_initials <> '' LIMIT 2")
        ).scalars()
        found = [value[:3] for value in initials] + [value[-3:].upper() for value in initials]
    kind = controlled.terms("visit_kind")[0]
    industry = controlled.terms("industry")[2]
    return [
        *found,
        "深",
        "深圳",
        "科技",
        "有限公司",
        "科技 深圳",
        "深圳 2024",
        "2024-03",
        "2024-03-01",
        "-03-",
        kind.zh,
        kind.zh[:1],
        kind.en.upper(),
        kind.en.split()[0].lower(),
        industry.zh[:2],
        industry.en[:4],
        "association",
        "zqgd",
        "lphasz",  # only in the team's initials (teamalphaszz), across the name's space
        "qg",
        "qg-sx",
        "-s",
        "alpha",
        "ALPHA",
        "acme straße",
        "strasse",
        "STRASSE",
        "ß",
        "ss",
        "Ä",
        "ä",
        "äbc",
        "ＡＢＣ",
        "abc",
        "ﬁ",
        "fi",
        "\u212a",  # the Kelvin sign folds to k in the labels, not in LIKE
        "（ＡＢＣ）",
        "２０２４－０３－０１",
        "ａｌｐｈａ",
        "100%_",
        "%",
        "_",
        "不存在的词",
        "深圳 不存在的词",
        "  ",
    ]


def test_full_width_and_ascii_forms_find_each_other(tmp_path: Path) -> None:
    """A Chinese input method types （ ） and full-width digits: 广东（肇庆） found nothing of
    广东(肇庆)…, and a team typed that way in a dialog was "no record of that name"."""
    from models.queries import lookup

    database = Database.open(tmp_path / "width.db")
    try:
        store = LedgerStore(database, "Tester")
        ascii_team = store.create("teams", {"name": "广东(肇庆)大型产业集聚区招商一分队"})
        wide_team = store.create("teams", {"name": "粤桂（肇庆）合作区招商组", "leader": "Ｌｉ Ｍｉｎｇ"})
        query = LedgerQuery(database, "teams")
        index = SearchIndex.build(query)
        everything = query.ids()
        for typed, found in (
            ("广东（肇庆）", [ascii_team]),
            ("粤桂(肇庆)", [wide_team]),
            ("（肇庆）", sorted([ascii_team, wide_team])),
            ("li", [wide_team]),
            ("ＬＩ", [wide_team]),
        ):
            assert sorted(query.ids(typed)) == found, typed
            assert sorted(index.filter(everything, typed)) == found, typed
        assert [record_id for record_id, _ in lookup(database, "teams", "广东（肇庆）大型")] == [ascii_team]
    finally:
        database.close()


@pytest.mark.parametrize("deleted", [False, True], ids=["live", "deleted"])
@pytest.mark.parametrize("ledger", list(LEDGERS))
def test_the_index_finds_what_the_sql_search_finds(demo_db: Database, ledger: str, deleted: bool) -> None:
    query = LedgerQuery(demo_db, ledger, deleted=deleted)
    index = SearchIndex.build(query)
    sorts = [(None, True)]
    sorts += [(c.field.name, False) for c in query.columns if c.field.kind.value == "ref"][:1]
    assert query.ids()  # something to find in every view
    for sort, descending in sorts:
        signature, everything = listing(query, sort, descending)
        assert signature == index.signature
        view = index.view(everything)
        for term in _terms(demo_db):
            expected = query.ids(term, sort, descending)
            assert view.filter(term) == expected, (ledger, deleted, sort, term)
            assert index.filter(everything, term) == expected


def test_the_index_holds_one_string_per_listed_record(demo_db: Database) -> None:
    for deleted in (False, True):
        query = LedgerQuery(demo_db, "visits", deleted=deleted)
        assert len(SearchIndex.build(query)) == len(query.ids())


# --- never stale ----------------------------------------------------------------------------------


def _search(index: SearchIndex, term: str) -> list[str]:
    _signature, everything = listing(index.query, None, True)
    return index.filter(everything, term)


def test_every_kind_of_write_moves_the_signature_and_catch_up_reads_it(database, store, bureau) -> None:
    visits = SearchIndex.build(LedgerQuery(database, "visits"))
    deleted_visits = SearchIndex.build(LedgerQuery(database, "visits", deleted=True))
    assert visits.is_current() and visits.catch_up()
    assert _search(visits, "燃料电池") == [bureau["visit"]]

    store.update("visits", bureau["visit"], {"summary": "洽谈储能项目"})
    assert not visits.is_current()
    assert _search(visits, "燃料电池") == [bureau["visit"]]  # what a stale index would show
    assert visits.catch_up() and visits.is_current()
    assert _search(visits, "燃料电池") == [] and _search(visits, "储能") == [bureau["visit"]]

    store.update("enterprises", bureau["enterprise"], {"name": "佛山新动力科技有限公司"})  # its visits too
    assert not visits.is_current() and visits.catch_up()
    assert _search(visits, "氢蓝") == [] and _search(visits, "佛山") == [bureau["visit"]]
    assert _search(visits, "fsxdl") == [bureau["visit"]]  # the new name's initials

    store.update("teams", bureau["team"], {"name": "鼎湖区招商组"})
    assert visits.catch_up() and _search(visits, "鼎湖") == [bureau["visit"]]

    store.set_deleted("visits", [bureau["visit"]], True)
    assert not visits.is_current() and not deleted_visits.is_current()
    assert visits.catch_up() and _search(visits, "储能") == []
    assert deleted_visits.catch_up() and _search(deleted_visits, "储能") == [bureau["visit"]]

    store.set_deleted("visits", [bureau["visit"]], False)
    assert visits.catch_up() and _search(visits, "储能") == [bureau["visit"]]

    demo.generate(database, scale=0.02, seed=3)  # Core bulk inserts
    assert not visits.is_current()
    assert not visits.catch_up(limit=10)  # too much changed: the index is left as it was, to rebuild
    assert not visits.is_current()
    assert visits.catch_up(limit=100_000) and visits.is_current()
    query = visits.query
    for term in ("储能", "深圳", "2024"):
        assert _search(visits, term) == _search(SearchIndex.build(query), term) == query.ids(term, None, True)


def test_a_sync_that_changes_records_moves_the_signature(database, store, bureau, tmp_path: Path) -> None:
    from sync.engine import synchronise

    workbook = new_workbook(tmp_path / "shared")
    synchronise(database, workbook, "张三")
    visits = SearchIndex.build(LedgerQuery(database, "visits"))
    hand_edit(workbook, "enterprises", {(bureau["enterprise"], "name"): "广州氢能装备有限公司"})
    synchronise(database, workbook, "张三")
    assert not visits.is_current()
    assert visits.catch_up() and _search(visits, "广州氢能") == [bureau["visit"]]
    assert _search(visits, "gzqn") == [bureau["visit"]]


def test_a_build_stops_when_cancelled(database, bureau) -> None:
    with pytest.raises(SearchCancelled):
        SearchIndex.build(LedgerQuery(database, "visits"), cancelled=lambda: True)


def test_an_index_without_data_answers_nothing_until_built(database, bureau) -> None:
    index = SearchIndex(LedgerQuery(database, "visits"))
    assert index.signature is None and not index.is_current() and not index.catch_up()


# --- in the ledger table ----------------------------------------------------------------------------


@pytest.fixture
def settings():
    from ui.settings import Settings

    settings = Settings()
    settings.user_name = "王五"
    return settings


def _sql_search_forbidden(monkeypatch: pytest.MonkeyPatch, query: LedgerQuery) -> None:
    original = query.ids

    def ids(search: str = "", *args: object, **kwargs: object) -> list[str]:
        assert not search.split(), "searched in SQL although the index was ready"
        return original(search, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(query, "ids", ids)


def test_the_table_searches_in_memory_once_built_and_never_shows_stale_rows(
    qtbot, monkeypatch, database, settings, store, bureau
) -> None:
    window = open_main_window(qtbot, database, settings)
    page = window.show_ledger("visits")
    model = page.model
    qtbot.waitUntil(lambda: model.search_index_ready, timeout=5000)  # built off the GUI thread on show
    assert model.index_build is None
    _sql_search_forbidden(monkeypatch, model.query)

    type_text(page.search, "燃料电池")
    qtbot.waitUntil(lambda: model.ids == [bureau["visit"]])

    store.update("visits", bureau["visit"], {"summary": "洽谈储能项目"})  # nobody refreshed the table
    page.search.clear()
    type_text(page.search, "燃料")
    qtbot.waitUntil(lambda: page.count_label.text() == "Records: 0")
    page.search.clear()
    type_text(page.search, "储能")
    qtbot.waitUntil(lambda: model.ids == [bureau["visit"]])

    store.update("enterprises", bureau["enterprise"], {"name": "佛山新动力科技有限公司"})
    page.refresh()  # as the window does after an edit
    assert model.ids == [bureau["visit"]]
    page.search.clear()
    type_text(page.search, "佛山")
    qtbot.waitUntil(lambda: model.ids == [bureau["visit"]])
    assert model.index_build is None  # small changes are caught up with, not rebuilt


def test_the_sql_search_answers_until_the_index_is_ready(
    qtbot, monkeypatch, database, settings, store, bureau
) -> None:
    release = threading.Event()
    original = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def slow_build(cls: type[SearchIndex], query: LedgerQuery, cancelled=None) -> SearchIndex:
        release.wait(5)
        return original(cls, query, cancelled)

    monkeypatch.setattr(SearchIndex, "build", classmethod(slow_build))
    window = open_main_window(qtbot, database, settings)
    page = window.show_ledger("visits")
    model = page.model
    try:
        assert model.search_index_pending and not model.search_index_ready  # a moment after showing
        model.set_search("燃料电池")  # a search does not wait for that moment
        assert model.index_build is not None and model.index_build.running
        assert model.ids == [bureau["visit"]]
        model.set_search("不存在")
        assert model.ids == []
    finally:
        release.set()
    qtbot.waitUntil(lambda: model.search_index_ready, timeout=5000)
    _sql_search_forbidden(monkeypatch, model.query)
    model.set_search("燃料电池")
    assert model.ids == [bureau["visit"]]


def test_the_deleted_records_view_has_its_own_index(qtbot, monkeypatch, database, settings, store, bureau):
    store.set_deleted("visits", [bureau["visit"]], True)
    window = open_main_window(qtbot, database, settings)
    page = window.show_ledger("visits")
    qtbot.waitUntil(lambda: page.model.search_index_ready, timeout=5000)
    page.show_deleted.setChecked(True)
    assert not page.model.search_index_ready  # the live view's index does not answer for this one
    qtbot.waitUntil(lambda: page.model.search_index_ready, timeout=5000)
    _sql_search_forbidden(monkeypatch, page.model.query)
    page.model.set_search("燃料电池")
    assert page.model.ids == [bureau["visit"]]
    store.set_deleted("visits", [bureau["visit"]], False)
    page.refresh()
    assert page.model.ids == []


@pytest.mark.parametrize("ledger", list(LEDGERS))
def test_ids_read_through_the_driver_are_sqlalchemys(demo_db: Database, ledger: str) -> None:
    """The listing skips SQLAlchemy's row objects; it must return exactly what SQLAlchemy returns."""
    from models.queries import first_column

    query = LedgerQuery(demo_db, ledger)
    sorts = [(column.field.name, descending) for column in query.columns[:4] for descending in (False, True)]
    found = 0
    with demo_db.engine.connect() as connection:
        for term in ("", *_terms(demo_db)[:12]):
            for sort, descending in sorts:
                statement = query.id_statement(term, sort, descending)
                ids = first_column(connection, statement)
                assert ids == list(connection.execute(statement).scalars()), (term, sort, descending)
                found += len(ids)
    assert found
