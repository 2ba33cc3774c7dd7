"""Payment reminders (issue 16): ``reminder_plans`` (one per owner: payment day, months paid at once, the amount
basis) and ``reminder_sends`` (one row per owner, contribution month and kind: reminded once, one "besok" re-send,
one lapse warning). Both hold a chat id / WhatsApp number (personal data), deleted by "hapus data saya".

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminder_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("payment_day", sa.Integer, nullable=False),
        sa.Column("period_months", sa.Integer, nullable=False),
        sa.Column("first_month", sa.Date, nullable=False),
        sa.Column("occupation", sa.String(64), nullable=False),
        sa.Column("income", sa.BigInteger),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("channel", "recipient", name="ux_reminder_plans_owner"),
    )
    op.create_table(
        "reminder_sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_until", TS),
        sa.Column("platform_message_id", sa.String(128)),
        sa.Column("error", sa.String(300)),
        sa.Column("sent_at", TS),
        sa.Column("answer", sa.String(16)),
        sa.Column("answered_at", TS),
        sa.Column("snooze_until", sa.Date),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("channel", "recipient", "month", "kind", name="ux_reminder_sends_once"),
    )
    op.create_index("ix_reminder_sends_owner", "reminder_sends", ["channel", "recipient", "month"])


def downgrade() -> None:
    op.drop_table("reminder_sends")
    op.drop_table("reminder_plans")
