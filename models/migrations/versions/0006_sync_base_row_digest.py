"""A digest of each record's workbook row as it stood after the last sync.

A row whose digest is unchanged, of a record not edited here since, needs no reading, comparing or
writing: at bureau scale that is nearly every row, and it is what keeps a sync within a few times the
cost of reading the workbook.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_base") as batch:
        batch.add_column(sa.Column("row_digest", sa.BigInteger(), nullable=True))
    # Covering: a sync reads every digest without touching the stored snapshots.
    op.create_index("ix_sync_base_digest", "sync_base", ["ledger", "record_id", "row_digest"])


def downgrade() -> None:
    op.drop_index("ix_sync_base_digest", "sync_base")
    with op.batch_alter_table("sync_base") as batch:
        batch.drop_column("row_digest")
