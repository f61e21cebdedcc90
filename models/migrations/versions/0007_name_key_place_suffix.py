"""Enterprise name keys ignore the administrative suffix of a leading place name (深圳市… / 深圳…).

The key is derived from the name (``models.normalize.normalise_name``); existing keys are derived
again here, so duplicate detection finds 深圳达威… beside 深圳市达威… in a database made before.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from models.normalize import normalise_name

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, name_key FROM enterprises")).all()
    changed = [
        {"id": row.id, "key": key} for row in rows if (key := normalise_name(row.name or "")) != row.name_key
    ]
    if changed:
        connection.execute(sa.text("UPDATE enterprises SET name_key = :key WHERE id = :id"), changed)


def downgrade() -> None:
    """The keys stay as they are: a key that ignores more still finds every duplicate it found."""
