"""Where a worker heard of Lingkar: ``metric_events.source`` for the ``source_answered`` event.

A worker who arrives without an agent's link or code is asked once "Dari mana Anda tahu Lingkar?"; the answer
(agent, friend_family, bpjs_office, social_media, other) is counted in the funnel. No personal data: the sender
is stored as the keyed hash every metric event has.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("metric_events", sa.Column("source", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("metric_events") as batch:
        batch.drop_column("source")
