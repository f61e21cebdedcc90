"""Covering indexes for the ledger tables' default listing (live/deleted, default sort, id).

A ledger of 100,000 rows lists its ids from the index alone instead of reading every row.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LISTINGS = {
    "teams": "name",
    "enterprises": "name",
    "trips": "start_date",
    "visits": "visit_date",
    "leads": "discovered_on",
    "projects": "signed_on",
}


def upgrade() -> None:
    for table, column in LISTINGS.items():
        op.create_index(f"ix_{table}_listing", table, ["deleted", column, "id"])


def downgrade() -> None:
    for table in LISTINGS:
        op.drop_index(f"ix_{table}_listing", table_name=table)
