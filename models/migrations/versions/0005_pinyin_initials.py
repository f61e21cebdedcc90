"""Pinyin initials of enterprise and team names, so typing "zqgd" finds 肇庆高端….

Existing names get their initials computed here.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from models.normalize import pinyin_initials

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    for table, length in (("enterprises", 300), ("teams", 200)):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_initials", sa.String(length), nullable=False, server_default=""))
        rows = connection.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        if rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET name_initials = :initials WHERE id = :id"),
                [{"id": row.id, "initials": pinyin_initials(row.name or "")} for row in rows],
            )


def downgrade() -> None:
    for table in ("teams", "enterprises"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_initials")
