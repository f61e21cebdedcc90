"""Duplicate detection by normalised enterprise name; the per-record base snapshots sync needs.

Existing enterprises get their normalised name computed here, so duplicate warnings work for records
entered before this revision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from models.normalize import normalise_name

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch:
        batch.add_column(sa.Column("name_key", sa.String(300), nullable=False, server_default=""))
        batch.create_index("ix_enterprises_name_key", ["name_key"])
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name FROM enterprises")).all()
    if rows:
        connection.execute(
            sa.text("UPDATE enterprises SET name_key = :key WHERE id = :id"),
            [{"id": row.id, "key": normalise_name(row.name)} for row in rows],
        )
    op.create_table(
        "sync_base",
        sa.Column("ledger", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_base")
    with op.batch_alter_table("enterprises") as batch:
        batch.drop_index("ix_enterprises_name_key")
        batch.drop_column("name_key")
