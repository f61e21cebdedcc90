"""The pure rules: name normalisation, credit codes, hand-typed values, validation, overdue milestones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.milestones import overdue_milestones
from models.normalize import credit_code_check_char, credit_code_problem, normalise_name
from models.parsing import parse_amount, parse_date
from models.validation import validate


@pytest.mark.parametrize(
    "a, b",
    [
        ("肇庆高端装备有限公司", "肇庆高端装备"),
        ("肇庆ＡＢＣ股份有限公司", "肇庆abc"),
        ("Hydrogen Blue Co., Ltd.", "HYDROGEN  BLUE"),
        ("深圳 氢蓝 有限责任公司", "深圳氢蓝"),
        ("（香港）明华 Limited", "(香港)明华"),
    ],
)
def test_names_that_differ_only_in_form_share_a_key(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_different_enterprises_keep_different_keys() -> None:
    assert normalise_name("肇庆高端装备有限公司") != normalise_name("肇庆高端材料有限公司")
    assert normalise_name("有限公司") != ""  # a suffix alone never becomes the empty key that matches all


def test_credit_code_checksum() -> None:
    assert credit_code_problem("91350100M000100Y43") is None
    assert credit_code_problem("91350100M000100Y44") == "check digit does not match"
    assert credit_code_problem("9135010") == "must be 18 characters"
    assert credit_code_problem("91350100M000100YI3") is not None  # I is not in the alphabet
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "text, amount",
    [
        ("5000", "5000"),
        ("5,000", "5000"),
        ("5000万元", "5000"),
        ("1.2亿", "12000"),
        ("1.2亿元", "12000"),
        ("１２００", "1200"),
        ("30000元", "3"),
    ],
)
def test_hand_typed_amounts_are_read_in_wan_yuan(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["2024-03-19", "2024/3/19", "2024.3.19", "2024年3月19日"])
def test_hand_typed_dates(text: str) -> None:
    assert parse_date(text) == date(2024, 3, 19)


def test_unreadable_values_are_refused_not_guessed() -> None:
    assert parse_amount("about 5000") is None
    assert parse_date("2024-02-30") is None


def test_validation_names_the_field_of_each_problem() -> None:
    problems = validate(
        "projects",
        {
            "name": "",
            "stage": "signed",
            "signed_on": date(2024, 1, 1),
            "planned_investment": Decimal(-1),
            "start_actual": date(2024, 5, 1),
            "completion_actual": date(2024, 3, 1),
        },
    )
    assert {p.field for p in problems} == {"name", "planned_investment", "completion_actual"}


def test_a_milestone_is_checked_against_the_last_earlier_one_given() -> None:
    problems = validate(
        "projects",
        {
            "name": "x",
            "stage": "completed",
            "signed_on": date(2024, 6, 1),
            "completion_actual": date(2024, 5, 1),
        },
    )
    assert [p.field for p in problems] == ["completion_actual"]


def test_text_longer_than_a_workbook_cell_holds_is_refused_before_it_is_saved() -> None:
    """Excel counts UTF-16 units: 32,767 BMP characters fit, 16,384 characters beyond it do not."""
    visit = {"visit_date": date(2024, 5, 1), "kind": "enterprise_visit", "enterprise_id": "e", "team_id": "t"}
    assert validate("visits", {**visit, "outcome": "达" * 32_767}) == []
    assert validate("visits", {**visit, "outcome": "😀" * 16_383}) == []
    for too_long in ("达" * 32_768, "😀" * 16_384, "a" * 40_000):
        problems = validate("visits", {**visit, "outcome": too_long})
        assert [p.field for p in problems] == ["outcome"]
        assert (
            "32,767" in problems[0].text()
            and f"{len(too_long.encode('utf-16-le')) // 2:,}" in problems[0].text()
        )


def test_controlled_fields_take_only_listed_codes() -> None:
    assert [p.field for p in validate("enterprises", {"name": "x", "industry": "steel"})] == ["industry"]
    assert validate("enterprises", {"name": "x", "industry": "hydrogen"}) == []


def test_overdue_milestones_are_planned_dates_passed_without_an_actual_date() -> None:
    project = {
        "land_planned": date(2024, 3, 1),
        "land_actual": None,
        "start_planned": date(2024, 5, 1),
        "start_actual": date(2024, 4, 20),
        "completion_planned": date(2025, 1, 1),
    }
    assert overdue_milestones(project, date(2024, 6, 1)) == {"land_planned": 92}


def test_an_amount_beyond_any_project_is_refused_before_it_reaches_the_database() -> None:
    base = {
        "title": "曼富电池部件生产项目",
        "discovered_on": date(2024, 3, 19),
        "team_id": "t",
        "status": "new",
        "effective": True,
    }
    assert not validate("leads", {**base, "planned_investment": Decimal(1_000_000_000)})
    (problem,) = validate("leads", {**base, "planned_investment": Decimal("913501001234567890")})
    assert problem.field == "planned_investment" and "over 1,000,000,000 万元" in problem.text()


def test_a_date_outside_1950_to_2099_is_refused_as_the_sync_would_refuse_it() -> None:
    """A visit dated 1899 was saved, written to the workbook as text, and then reported by every sync."""
    base = {"visit_date": date(2024, 3, 19), "kind": "enterprise_visit", "team_id": "t", "staff": "张三"}
    assert not validate("visits", base)
    (problem,) = validate("visits", {**base, "visit_date": date(1899, 12, 1)})
    assert problem.field == "visit_date" and problem.text() == "A date here lies between 1950 and 2099."
    assert validate("visits", {**base, "visit_date": date(2100, 1, 1)})
