"""Broadcasts (issue 15): ``broadcasts`` and one ``broadcast_recipients`` row per (broadcast, channel, recipient),
and on PostgreSQL the schema of the job engine (procrastinate, docs/jobs.md) so that a broadcast's recipient rows
and its batch jobs are committed in one transaction.

``broadcast_recipients.recipient`` is a chat id (Telegram) or a WhatsApp number: personal data, deleted with the
sender's other data ("hapus data saya"); see docs/data-model.md.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _procrastinate_schema() -> str:
    from procrastinate.schema import SchemaManager
    return SchemaManager.get_schema()


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("buttons", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("audience", sa.JSON, nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("scheduled_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("finished_at", TS),
    )
    op.create_index("ix_broadcasts_status", "broadcasts", ["status", "id"])
    op.create_table(
        "broadcast_recipients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("broadcast_id", sa.Integer, sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_until", TS),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("platform_message_id", sa.String(128)),
        sa.Column("error", sa.String(300)),
        sa.Column("sent_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("broadcast_id", "channel", "recipient", name="ux_broadcast_recipients"),
    )
    op.create_index("ix_broadcast_recipients_state", "broadcast_recipients", ["broadcast_id", "channel", "state"])
    op.create_index("ix_broadcast_recipients_message", "broadcast_recipients", ["platform_message_id"])
    op.create_index("ix_broadcast_recipients_recipient", "broadcast_recipients", ["channel", "recipient"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        exists = bind.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar()
        if exists is None:
            # the raw DB-API cursor: the script has $$-quoted functions and '%' signs, no bind parameters
            bind.connection.cursor().execute(_procrastinate_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = _procrastinate_schema()
        for name in re.findall(r"^CREATE TABLE (\w+)", schema, re.M):
            op.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
        for name in re.findall(r"CREATE (?:OR REPLACE )?FUNCTION (\w+)", schema):
            op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
        for name in re.findall(r"^CREATE TYPE (\w+)", schema, re.M):
            op.execute(f"DROP TYPE IF EXISTS {name} CASCADE")
    op.drop_table("broadcast_recipients")
    op.drop_table("broadcasts")
