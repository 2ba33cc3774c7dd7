"""What a contact request is for: ``leads.purpose`` (issue 12, item 3).

The lead type says what kind of request it is (enrolment, GN Lingkaran request or offer); the purpose says what
the person wants help with (``lingkar.store.models.LEAD_PURPOSES``): registration, heir_claim, reactivation,
employer_not_registering, sponsorship, agent, other. Leads made before this revision get the purpose their type
implies: ``registration`` for an enrolment lead, ``sponsorship`` for the two GN Lingkaran types.
``metric_events.purpose``: the lead's purpose on its ``lead_created`` event, so the funnel counts leads by purpose
(older events backfilled the same way from their ``lead_type``). No personal data.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (SQLite takes NOT NULL with a constant default): batch mode would copy and drop the leads
    # table, which cascade-deletes the rows that refer to it (see 0003)
    op.add_column("leads", sa.Column("purpose", sa.String(32), nullable=False, server_default="registration"))
    op.execute("UPDATE leads SET purpose = 'sponsorship' WHERE type IN ('sponsorship_request', 'sponsor_offer')")
    op.create_index("ix_leads_purpose", "leads", ["purpose", "status"])
    op.add_column("metric_events", sa.Column("purpose", sa.String(32)))
    op.execute("UPDATE metric_events SET purpose = CASE WHEN lead_type = 'enrolment' THEN 'registration' "
               "ELSE 'sponsorship' END WHERE kind = 'lead_created' AND lead_type IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_leads_purpose", table_name="leads")
    for table in ("metric_events", "leads"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN purpose")  # native (SQLite >= 3.35), as 0003
        else:
            op.drop_column(table, "purpose")
