"""Subscriptions with consent: who asked to receive what (``subscriptions``) and every change (``subscription_events``).

``subscriptions``: one row per owner (channel + sender id, as leads use) and topic (``info``, ``pengingat``); active
or not, since when, the consent text version, and the regency / sector / agent code known from the conversation when
they subscribed (so broadcasts can filter). Personal: ``sender_id``; deleted by "hapus data saya".
``subscription_events``: subscribe / unsubscribe / auto_unsubscribe with reason, channel and time. The owner is kept
only as a keyed hash (``subject``, as ``metric_events``), which "hapus data saya" unlinks.

Revision ID: 0008
Revises: 0006 (the integrator re-chains it after 0007)
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.Column("ended_at", TS),
        sa.Column("consent_version", sa.String(32)),
        sa.Column("regency", sa.String(100)),
        sa.Column("sector", sa.String(100)),
        sa.Column("agent_code", sa.String(64)),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("sender_id", "topic", name="ux_subscriptions_owner_topic"),
    )
    op.create_index("ix_subscriptions_audience", "subscriptions", ["topic", "active", "id"])
    op.create_table(
        "subscription_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(32)),
        sa.Column("reason", sa.String(64)),
        sa.Column("channel", sa.String(32)),
        sa.Column("subject", sa.String(64)),
        sa.Column("occurred_at", TS, nullable=False),
    )
    op.create_index("ix_subscription_events_subject", "subscription_events", ["subject"])


def downgrade() -> None:
    op.drop_table("subscription_events")
    op.drop_table("subscriptions")
