"""A sync after head office changed every row of a big sheet (a column retyped, a column inserted).

One way of checking the written copy only: each of these builds a bureau of 10,000 visits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sync_helpers import hand_edit

from models import demo
from models.schema import SyncIssue
from sync.engine import synchronise
from sync.template import create_master_workbook
from sync.workbook_read import read_workbook


def test_another_name_beside_a_kept_id_is_caught_on_a_sheet_whose_every_row_changed(
    database, tmp_path
) -> None:
    """The check stopped without a word past 20,000 references on a sheet: head office retyping a
    column of every visit, and another firm typed beside one id among them, went unnoticed."""
    workbook = tmp_path / "master.xlsx"
    create_master_workbook(workbook)
    demo.generate(database, scale=1, seed=5)
    synchronise(database, workbook, "张三")
    data = read_workbook(workbook)
    visits, enterprises = data.sheets["visits"].records, data.sheets["enterprises"].records
    references = ("enterprise_id", "trip_id", "team_id")
    assert sum(bool(visit[key]) for visit in visits.values() for key in references) > 20_000
    visit = next(iter(visits))
    other = next(e["name"] for rid, e in enterprises.items() if rid != visits[visit]["enterprise_id"])
    edits: dict[tuple[str, str], Any] = {
        (rid, "summary"): f"{v['summary'] or ''}（已核）" for rid, v in visits.items()
    }
    edits[(visit, "enterprise_id:name")] = other
    hand_edit(workbook, "visits", edits)

    report = synchronise(database, workbook, "张三")
    assert report.counts["visits"].updated_here == len(visits)
    assert report.counts["visits"].issues == 1
    with database.session() as session:
        (issue,) = session.scalars(select(SyncIssue).where(SyncIssue.ledger == "visits"))
    assert issue.raw == other
