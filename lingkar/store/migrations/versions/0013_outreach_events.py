"""The outreach funnel (issue 16 item 3): ``metric_events.broadcast_id`` names the broadcast of the events
``broadcast_sent`` and ``broadcast_replied`` (no foreign key: the count stays when a broadcast is deleted).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("metric_events", sa.Column("broadcast_id", sa.Integer, nullable=True))
    op.create_index("ix_metric_events_kind_subject", "metric_events", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_metric_events_kind_subject", table_name="metric_events")
    with op.batch_alter_table("metric_events") as batch:
        batch.drop_column("broadcast_id")
