"""Lead references and possible duplicates: a lead belongs to the sender who created it.

``leads.reference`` is the random number a worker is shown (``LK-7K2M9Q``) instead of the sequential id; every
existing lead gets one here. ``lead_duplicates`` links leads of different owners that share a phone or NIK
("kemungkinan ganda" for staff), one row per direction. Existing leads are not linked: before this revision a
second sender's phone or NIK updated the existing lead instead of making a new one.

The column stays nullable in the database (SQLite cannot add a NOT NULL column without a default, and copying
the leads table would cascade-delete the rows that refer to it); the store sets it on every lead it creates and
the unique index keeps references unique.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
#: The same alphabet and shape as lingkar/store/store.py (new_reference): no 0/O, 1/I.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference(taken: set) -> str:
    while True:
        ref = "LK-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if ref not in taken:
            taken.add(ref)
            return ref


def upgrade() -> None:
    op.add_column("leads", sa.Column("reference", sa.String(16)))
    bind = op.get_bind()
    taken: set = set()
    ids = [r.id for r in bind.execute(sa.text("SELECT id FROM leads WHERE reference IS NULL ORDER BY id"))]
    for lead_id in ids:
        bind.execute(sa.text("UPDATE leads SET reference = :ref WHERE id = :id"),
                     {"ref": _reference(taken), "id": lead_id})
    op.create_index("ux_leads_reference", "leads", ["reference"], unique=True)
    op.create_table(
        "lead_duplicates",
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_lead_duplicates_other", "lead_duplicates", ["other_id"])


def downgrade() -> None:
    op.drop_table("lead_duplicates")
    op.drop_index("ux_leads_reference", table_name="leads")
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (SQLite >= 3.35); batch mode would copy and drop the leads table (see 0002).
        op.execute("ALTER TABLE leads DROP COLUMN reference")
    else:
        op.drop_column("leads", "reference")
