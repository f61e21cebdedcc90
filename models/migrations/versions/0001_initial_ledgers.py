"""The six ledgers, their change history and the database's change counter.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
    ]


def _ledger(name: str, *columns: sa.Column) -> None:
    op.create_table(name, *_record_columns(), *columns)
    op.create_index(f"ix_{name}_row_version", name, ["row_version"])


def upgrade() -> None:
    _ledger(
        "teams",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200)),
        sa.Column("leader", sa.String(100)),
    )
    _ledger(
        "enterprises",
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("credit_code", sa.String(18)),
        sa.Column("industry", sa.String(40)),
        sa.Column("home_region", sa.String(40)),
        sa.Column("city", sa.String(100)),
        sa.Column("address", sa.String(300)),
        sa.Column("contact_person", sa.String(100)),
        sa.Column("phone", sa.String(60)),
        sa.Column("notes", sa.Text()),
    )
    op.create_index("ix_enterprises_credit_code", "enterprises", ["credit_code"])
    _ledger(
        "trips",
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("destination_region", sa.String(40)),
        sa.Column("destination_city", sa.String(100)),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date()),
        sa.Column("purpose", sa.Text()),
        sa.Column("participants", sa.String(500)),
    )
    op.create_index("ix_trips_team_id", "trips", ["team_id"])
    op.create_index("ix_trips_start_date", "trips", ["start_date"])
    _ledger(
        "visits",
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("enterprise_id", sa.String(36), sa.ForeignKey("enterprises.id")),
        sa.Column("trip_id", sa.String(36), sa.ForeignKey("trips.id")),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("staff", sa.String(200)),
        sa.Column("location", sa.String(200)),
        sa.Column("summary", sa.Text()),
        sa.Column("outcome", sa.Text()),
        sa.Column("next_action", sa.Text()),
        sa.Column("next_action_date", sa.Date()),
    )
    op.create_index("ix_visits_visit_date", "visits", ["visit_date"])
    op.create_index("ix_visits_enterprise_date", "visits", ["enterprise_id", "visit_date"])
    op.create_index("ix_visits_trip_id", "visits", ["trip_id"])
    op.create_index("ix_visits_team_id", "visits", ["team_id"])
    _ledger(
        "leads",
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("enterprise_id", sa.String(36), sa.ForeignKey("enterprises.id")),
        sa.Column("industry", sa.String(40)),
        sa.Column("planned_investment", sa.Integer()),
        sa.Column("source", sa.String(40)),
        sa.Column("discovered_on", sa.Date(), nullable=False),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("next_follow_up", sa.Date()),
        sa.Column("notes", sa.Text()),
    )
    op.create_index("ix_leads_enterprise_id", "leads", ["enterprise_id"])
    op.create_index("ix_leads_discovered_on", "leads", ["discovered_on"])
    op.create_index("ix_leads_team_id", "leads", ["team_id"])
    milestone_columns = [
        sa.Column(f"{milestone}_{kind}", sa.Date())
        for milestone in ("land", "start", "completion", "operation", "standard")
        for kind in ("planned", "actual")
    ]
    _ledger(
        "projects",
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("lead_id", sa.String(36), sa.ForeignKey("leads.id")),
        sa.Column("enterprise_id", sa.String(36), sa.ForeignKey("enterprises.id")),
        sa.Column("team_id", sa.String(36), sa.ForeignKey("teams.id")),
        sa.Column("industry", sa.String(40)),
        sa.Column("manufacturing", sa.Boolean(), nullable=False),
        sa.Column("planned_investment", sa.Integer()),
        sa.Column("actual_investment", sa.Integer()),
        sa.Column("site", sa.String(200)),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        *milestone_columns,
        sa.Column("notes", sa.Text()),
    )
    for column in ("lead_id", "enterprise_id", "team_id", "signed_on"):
        op.create_index(f"ix_projects_{column}", "projects", [column])
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ledger", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("old_value", sa.Text()),
        sa.Column("new_value", sa.Text()),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_change_log_record", "change_log", ["ledger", "record_id"])
    op.create_index("ix_change_log_version", "change_log", ["version"])
    db_state = op.create_table(
        "db_state",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.bulk_insert(
        db_state, [{"key": "change_counter", "value": "0"}, {"key": "synced_version", "value": "0"}]
    )


def downgrade() -> None:
    for table in ("db_state", "change_log", "projects", "leads", "visits", "trips", "enterprises", "teams"):
        op.drop_table(table)
