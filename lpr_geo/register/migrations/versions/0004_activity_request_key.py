"""Activities carry the idempotency key of the form that recorded them (one record per click).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    # a column and an index: both work in place on SQLite (no batch copy of the table)
    op.add_column("activities", sa.Column("request_key", sa.String(length=64), nullable=True))
    op.create_index("uq_activities_request_key", "activities", ["participant_id", "request_key"], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("uq_activities_request_key", table_name="activities")
    with op.batch_alter_table("activities") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("request_key")
