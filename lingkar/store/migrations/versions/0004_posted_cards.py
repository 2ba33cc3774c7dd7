"""Posted staff cards: where each card about a lead, handoff or agent application was posted.

"hapus data saya" and the retention job edit these messages to say the data was deleted, so the
staff group keeps no copy of it. ``kind`` is NULL for a card about one subject, ``reminder`` for the daily
list that names the lead among others. Only chat and message ids are stored (no personal data).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "posted_cards",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lead_id", sa.Integer),
        sa.Column("handoff_id", sa.Integer),
        sa.Column("agent_id", sa.Integer),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("posted_at", TS, nullable=False),
    )
    op.create_index("ix_posted_cards_lead", "posted_cards", ["lead_id"])
    op.create_index("ix_posted_cards_handoff", "posted_cards", ["handoff_id"])
    op.create_index("ix_posted_cards_agent", "posted_cards", ["agent_id"])


def downgrade() -> None:
    op.drop_table("posted_cards")
