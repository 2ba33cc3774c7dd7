"""The local-government (Pemda) view: a regency scope on staff users and the Pemda's own worker estimates.

``staff_users.regency``: the one regency a ``pemda`` user may see (NULL for staff and admins).
``pemda_estimates``: what a Pemda officer says their regency has, per sector (count, the source they name and its
date); append-only, the view uses the newest row per regency and sector. No personal data.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("regency", sa.String(100)))
    op.create_table(
        "pemda_estimates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("regency", sa.String(100), nullable=False),
        sa.Column("sector", sa.String(100), nullable=False),
        sa.Column("workers", sa.BigInteger, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
    )
    op.create_index("ix_pemda_estimates_regency", "pemda_estimates", ["regency", "sector", "id"])


def downgrade() -> None:
    op.drop_table("pemda_estimates")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("regency")
