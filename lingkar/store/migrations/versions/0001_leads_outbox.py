"""Leads and the outbox of lead events.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("referral", sa.String(64)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("nik", sa.String(16)),
        sa.Column("regency", sa.String(100)),
        sa.Column("occupation", sa.String(100)),
        sa.Column("sector", sa.String(100)),
        sa.Column("age", sa.Integer),
        sa.Column("income", sa.BigInteger),
        sa.Column("contact_time", sa.String(100)),
        sa.Column("eligibility", sa.JSON),
        sa.Column("sponsor_organisation", sa.String(200)),
        sa.Column("sponsor_workers", sa.Integer),
        sa.Column("sponsor_regency", sa.String(100)),
        sa.Column("donor_kind", sa.String(32)),
        sa.Column("note", sa.Text),
        sa.Column("consent_at", TS, nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_leads_phone", "leads", ["phone", "type", "status"])
    op.create_index("ix_leads_nik", "leads", ["nik", "type", "status"])
    op.create_index("ix_leads_sender_id", "leads", ["sender_id"])
    op.create_index("ix_leads_status", "leads", ["status", "updated_at"])
    op.create_index("ix_leads_referral", "leads", ["referral"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE")),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("lease_until", TS),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("delivered_at", TS),
        sa.Column("delivered_by", sa.String(64)),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_pending", "outbox", ["delivered_at", "id"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("leads")
