"""Record operations and the SQL behind the ledger tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.queries import LedgerQuery, lookup
from models.schema import Enterprise
from models.store import LedgerStore
from models.tracking import CREATED
from models.validation import ValidationError


@pytest.fixture
def bureau(store: LedgerStore) -> dict[str, str]:
    team = store.create("teams", {"name": "端州区招商一组", "unit": "端州区"})
    other_team = store.create("teams", {"name": "四会市招商小分队", "unit": "四会市"})
    hydrogen = store.create("enterprises", {"name": "深圳氢蓝时代动力科技有限公司", "industry": "hydrogen"})
    battery = store.create("enterprises", {"name": "东莞曼富电池部件有限公司", "industry": "nev_auto"})
    store.create(
        "visits",
        {
            "visit_date": date(2024, 1, 10),
            "kind": "enterprise_visit",
            "enterprise_id": hydrogen,
            "team_id": team,
            "staff": "张三",
            "summary": "洽谈燃料电池项目",
        },
    )
    store.create(
        "visits",
        {
            "visit_date": date(2024, 3, 19),
            "kind": "association_meeting",
            "enterprise_id": battery,
            "team_id": other_team,
            "staff": "李四",
            "summary": "商会座谈，获悉搬迁需求",
        },
    )
    lead = store.create(
        "leads",
        {
            "title": "电池部件生产项目",
            "enterprise_id": battery,
            "industry": "nev_auto",
            "planned_investment": Decimal("1.5") * 10000,
            "discovered_on": date(2024, 3, 19),
            "team_id": other_team,
            "status": "negotiating",
            "effective": True,
        },
    )
    return {"team": team, "other_team": other_team, "hydrogen": hydrogen, "battery": battery, "lead": lead}


def test_search_matches_text_referenced_names_and_list_labels(database, bureau) -> None:
    visits = LedgerQuery(database, "visits")
    assert len(visits.ids("燃料电池")) == 1
    assert len(visits.ids("曼富")) == 1  # the enterprise's name, through the reference
    assert len(visits.ids("Association")) == 1  # the label of a controlled value
    assert len(visits.ids("2024-03")) == 1
    assert visits.ids("曼富 张三") == []  # every word must match
    assert visits.ids("100%_") == []  # LIKE wildcards are searched literally


def test_sorting_happens_in_sql_including_referenced_names(database, bureau) -> None:
    visits = LedgerQuery(database, "visits")
    by_date = visits.ids(sort_field="visit_date", descending=True)
    rows = visits.rows(by_date)
    assert [rows[i][0] for i in by_date] == [date(2024, 3, 19), date(2024, 1, 10)]
    by_enterprise = visits.ids(sort_field="enterprise_id")
    names = [visits.rows(by_enterprise)[i][2] for i in by_enterprise]
    assert names == sorted(names)


def test_deleted_records_leave_the_ledger_and_appear_in_the_deleted_view(database, store, bureau) -> None:
    store.set_deleted("enterprises", [bureau["hydrogen"]], True)
    assert bureau["hydrogen"] not in LedgerQuery(database, "enterprises").ids()
    assert LedgerQuery(database, "enterprises", deleted=True).ids() == [bureau["hydrogen"]]
    assert all(rid != bureau["hydrogen"] for rid, _ in lookup(database, "enterprises", "氢蓝"))
    store.set_deleted("enterprises", [bureau["hydrogen"]], False)
    assert bureau["hydrogen"] in LedgerQuery(database, "enterprises").ids()


def test_lookup_puts_names_starting_with_the_text_first(database, store, bureau) -> None:
    store.create("enterprises", {"name": "氢能装备（深圳）有限公司"})
    names = [name for _, name in lookup(database, "enterprises", "氢")]
    assert names[0].startswith("氢")
    assert len(names) == 2


def test_duplicates_are_found_by_normalised_name_or_credit_code(store, bureau) -> None:
    assert [d["id"] for d in store.find_duplicate_enterprises("深圳氢蓝时代动力科技 股份有限公司")] == [
        bureau["hydrogen"]
    ]
    coded = store.create("enterprises", {"name": "肇庆某公司", "credit_code": "91350100M000100Y43"})
    assert [d["id"] for d in store.find_duplicate_enterprises("完全不同", "91350100m000100y43")] == [coded]
    assert store.find_duplicate_enterprises("深圳氢蓝", exclude_id=bureau["hydrogen"]) == []


def test_last_visit_of_an_enterprise_names_the_team(store, bureau) -> None:
    last = store.last_visit(bureau["battery"])
    assert last is not None
    assert (last.visit_date, last.team, last.staff) == (date(2024, 3, 19), "四会市招商小分队", "李四")
    assert store.last_visit(store.create("enterprises", {"name": "新企业"})) is None


def test_related_records_of_an_enterprise(store, bureau) -> None:
    groups = {g.title: g for g in store.related("enterprises", bureau["battery"])}
    assert len(groups["Visits"].rows) == 1 and "商会座谈" in groups["Visits"].rows[0][1]
    assert len(groups["Leads"].rows) == 1
    assert groups["Projects"].rows == ()


def test_converting_a_lead_carries_its_facts_into_a_signed_project(store, bureau) -> None:
    project_id = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    project = store.get("projects", project_id)
    assert (
        project["enterprise_id"],
        project["industry"],
        project["planned_investment"],
        project["team_id"],
    ) == (bureau["battery"], "nev_auto", Decimal(15000), bureau["other_team"])
    assert (project["stage"], project["signed_on"], project["lead_id"]) == (
        "signed",
        date(2024, 3, 22),
        bureau["lead"],
    )
    assert store.get("leads", bureau["lead"])["status"] == "signed"


def test_a_lead_becomes_one_project_only(store, bureau) -> None:
    project_id = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    name = store.get("projects", project_id)["name"]
    for again in (
        lambda: store.project_from_lead(bureau["lead"], date(2024, 4, 1)),
        lambda: store.convert_lead(bureau["lead"], date(2024, 4, 1)),
    ):
        with pytest.raises(ValidationError) as refused:
            again()
        (problem,) = refused.value.problems
        assert problem.field == "lead_id"  # shown beside "From lead" in the project dialog
        assert problem.text() == f"This lead has already become the project “{name}”."
    store.set_deleted("projects", [project_id], True)  # a project deleted by mistake can be made again
    assert store.convert_lead(bureau["lead"], date(2024, 4, 1)) != project_id


def test_a_lead_becomes_one_project_however_the_second_would_come(store, bureau) -> None:
    """Converting the lead was refused a second time, but a new project naming the lead, an edit
    giving a project the lead, or restoring (Ctrl+Z) the project deleted before a second conversion
    made two projects of one lead."""
    first = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    other = store.create("projects", {"name": "另一个项目", "stage": "signed", "signed_on": date(2024, 5, 1)})
    attempts = [
        lambda: store.create(
            "projects",
            {
                "name": "第二个项目",
                "stage": "signed",
                "signed_on": date(2024, 5, 1),
                "lead_id": bureau["lead"],
            },
        ),
        lambda: store.update("projects", other, {"lead_id": bureau["lead"]}),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert [p.field for p in refused.value.problems] == ["lead_id"]
    store.update("projects", first, {"notes": "已签约"})  # its own lead is no obstacle to an edit

    store.set_deleted("projects", [first], True)
    second = store.convert_lead(bureau["lead"], date(2024, 4, 1))
    with pytest.raises(ValidationError):
        store.set_deleted("projects", [first], False)
    assert store.get("projects", first)["deleted"] is True  # nothing restored
    store.set_deleted("projects", [second], True)
    with pytest.raises(ValidationError):  # both at once
        store.set_deleted("projects", [first, second], False)
    assert store.set_deleted("projects", [first], False) == [first]
    live = [pid for pid in (first, second, other) if not store.get("projects", pid)["deleted"]]
    assert [store.get("projects", pid)["lead_id"] for pid in live].count(bureau["lead"]) == 1


@pytest.mark.parametrize("industry, manufacturing", [("nev_auto", True), ("ai", False), ("other", False)])
def test_a_converted_project_is_a_manufacturing_one_as_its_industry_usually_is(
    store, bureau, industry: str, manufacturing: bool
) -> None:
    store.update("leads", bureau["lead"], {"industry": industry})
    assert store.project_from_lead(bureau["lead"], date(2024, 3, 22))["manufacturing"] is manufacturing
    project_id = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    assert store.get("projects", project_id)["manufacturing"] is manufacturing


def test_advancing_a_project_records_the_milestone_date(store, bureau) -> None:
    project_id = store.convert_lead(bureau["lead"], date(2024, 3, 22))
    assert store.advance_stage(project_id, date(2024, 4, 1)) == "land_supplied"
    assert store.advance_stage(project_id, date(2024, 6, 1)) == "construction_started"
    project = store.get("projects", project_id)
    assert (project["land_actual"], project["start_actual"]) == (date(2024, 4, 1), date(2024, 6, 1))
    with pytest.raises(ValidationError):  # completion cannot precede the construction start
        store.advance_stage(project_id, date(2024, 5, 1))
    assert store.get("projects", project_id)["stage"] == "construction_started"


def test_invalid_records_are_not_saved(store, database) -> None:
    with pytest.raises(ValidationError) as raised:
        store.create("enterprises", {"name": "x", "credit_code": "123"})
    assert [p.field for p in raised.value.problems] == ["credit_code"]
    assert LedgerQuery(database, "enterprises").ids() == []


def test_a_visit_with_a_new_enterprise_saves_both_or_neither(store, database, bureau) -> None:
    with pytest.raises(ValidationError):
        store.log_visit({"visit_date": date(2024, 4, 1), "kind": "enterprise_visit"}, "全新企业有限公司")
    assert all(name != "全新企业有限公司" for _, name in lookup(database, "enterprises", "全新"))
    visit_id, enterprise_id = store.log_visit(
        {"visit_date": date(2024, 4, 1), "kind": "enterprise_visit", "team_id": bureau["team"]},
        "全新企业有限公司",
    )
    assert store.get("visits", visit_id)["enterprise_id"] == enterprise_id
    assert store.get("enterprises", enterprise_id)["name"] == "全新企业有限公司"


def test_pinyin_initials_find_chinese_names_in_ledgers_and_type_ahead(database, store, bureau) -> None:
    gaoduan = store.create(
        "enterprises", {"name": "肇庆高端装备制造有限公司", "industry": "high_end_equipment"}
    )
    store.create(
        "visits",
        {
            "visit_date": date(2024, 4, 2),
            "kind": "enterprise_visit",
            "enterprise_id": gaoduan,
            "team_id": bureau["team"],
            "staff": "王五",
        },
    )
    assert LedgerQuery(database, "enterprises").ids("zqgd") == [gaoduan]
    assert [name for _, name in lookup(database, "enterprises", "zqgd")] == ["肇庆高端装备制造有限公司"]
    visits = LedgerQuery(database, "visits")
    assert len(visits.ids("zqgd")) == 1  # through the visit's enterprise
    assert len(visits.ids("dzq")) == 2  # the team 端州区招商一组 by its initials
    assert LedgerQuery(database, "enterprises").ids("ZQGD") == [gaoduan]  # case does not matter
    store.update("enterprises", gaoduan, {"name": "四会高端装备制造有限公司"})
    assert LedgerQuery(database, "enterprises").ids("zqgd") == []
    assert LedgerQuery(database, "enterprises").ids("shgd") == [gaoduan]  # recomputed on rename


def test_enterprises_named_with_part_of_a_name(store: LedgerStore) -> None:
    ids = {
        name: store.create("enterprises", {"name": name})
        for name in ("肇庆高端装备有限公司", "广东肇庆高端材料有限公司", "Zhaoqing 100% Foods Ltd.", "高要区")
    }
    count, found = store.enterprises_named_with("肇庆 高端")
    assert count == 2
    assert [e["name"] for e in found] == [
        "肇庆高端装备有限公司",
        "广东肇庆高端材料有限公司",
    ]  # starts with it first
    assert store.enterprises_named_with("100%")[0] == 1  # % and _ are literal, not wildcards
    assert store.enterprises_named_with("1%0")[0] == 0
    assert store.enterprises_named_with("肇")[0] == 0  # too short to mean any one
    store.set_deleted("enterprises", [ids["肇庆高端装备有限公司"]], True)
    assert store.enterprises_named_with("肇庆高端", limit=1) == (
        1,
        [{"id": ids["广东肇庆高端材料有限公司"], "name": "广东肇庆高端材料有限公司"}],
    )


def test_deleting_and_restoring_many_records_keeps_each_ones_history_and_names(database, store) -> None:
    """Deleting records loads them in chunks and writes them in one go (a record at a time took 5 s for
    5,700 enterprises on the GUI thread); each still gets its own history entry and keeps its name."""
    ids = [store.create("enterprises", {"name": f"肇庆星光{n}号新材料有限公司"}) for n in range(1200)]
    ids.append("no-such-record")
    assert store.set_deleted("enterprises", list(reversed(ids)), True) == list(reversed(ids[:-1]))
    assert store.set_deleted("enterprises", ids, True) == []  # already deleted: nothing changes
    assert LedgerQuery(database, "enterprises").count() == 0
    assert store.set_deleted("enterprises", ids, False) == ids[:-1]
    assert [e.field for e in store.history("enterprises", ids[7])] == ["deleted", "deleted", CREATED]
    assert ids[7] in LedgerQuery(database, "enterprises").ids("zqxg")  # its initials still found
    with database.session() as session:
        name_key = session.get(Enterprise, ids[7]).name_key
    assert name_key and "星光7号" in name_key


def test_text_no_workbook_can_hold_is_not_stored(store) -> None:
    """U+FFFF pasted into a note cannot be written to the workbook: stored, it made the sync's read-back
    differ from the note for ever."""
    enterprise = store.create("enterprises", {"name": "肇庆\uffff星光\ud800新材料有限公司"})
    assert store.get("enterprises", enterprise)["name"] == "肇庆星光新材料有限公司"
    store.update("enterprises", enterprise, {"notes": "前\ufffe后\x0b另起一行"})
    assert store.get("enterprises", enterprise)["notes"] == "前后\x0b另起一行"  # a control character is kept


def test_a_project_made_from_a_lead_stores_no_text_a_workbook_cannot_hold(store, bureau) -> None:
    values = store.project_from_lead(bureau["lead"], date(2024, 4, 1))
    project = store.convert_lead(bureau["lead"], date(2024, 4, 1), {**values, "name": "曼富\ufffe电池项目"})
    assert store.get("projects", project)["name"] == "曼富电池项目"


def test_records_of_one_name_are_told_apart_where_one_is_picked(qapp, database, store, bureau) -> None:
    """Four teams went to 深圳 on 2026-03-03: the list offered 深圳 2026-03-03 four times, and whichever
    was picked, the first trip was linked."""
    from ui.editors import RefEditor

    teams = [bureau["team"], bureau["other_team"]]
    teams.append(store.create("teams", {"name": "高要区招商组"}))
    trips = [
        store.create("trips", {"destination_city": "深圳", "start_date": date(2026, 3, 3), "team_id": team})
        for team in (*teams, teams[0])  # the first team went twice that day
    ]
    found = lookup(database, "trips", "深圳 2026-03-03")
    assert sorted(record_id for record_id, _ in found) == sorted(trips)
    labels = [label for _, label in found]
    assert len(set(labels)) == 4 and all(label.startswith("深圳 2026-03-03 · ") for label in labels)
    team_name = store.get("teams", teams[2])["name"]
    assert labels.count(f"深圳 2026-03-03 · {team_name}") == 1

    editor = RefEditor(lambda text: lookup(database, "trips", text))
    editor.setText("深圳")
    editor._typed("深圳")
    for record_id, label in found:
        editor.completer().activated.emit(label)
        assert editor.value() == record_id, label
    only = store.get("teams", teams[2])["name"]
    assert lookup(database, "teams", only) == [(teams[2], only)]  # a name no other record has: as it is
