"""Status history, audit log, handoffs, agents, staff, metric events; lead claim/status columns.

Existing leads are kept. Each gets ``status_changed_at`` (from ``updated_at``), a first status
history row, and a ``lead_created`` metric event so the funnel counts leads made before this
revision (without a subject hash: those were never recorded).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from lingkar import clock

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
MIGRATION_ACTOR = "system:migration-0002"


def upgrade() -> None:
    op.add_column("leads", sa.Column("referral_known", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("leads", sa.Column("status_changed_at", TS))
    op.add_column("leads", sa.Column("claimed_by", sa.String(64)))
    op.add_column("leads", sa.Column("claimed_at", TS))
    op.add_column("outbox", sa.Column("handoff_id", sa.Integer))
    op.add_column("outbox", sa.Column("agent_id", sa.Integer))

    history = op.create_table(
        "lead_status_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_status", sa.String(32)),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_lead_status_history_lead", "lead_status_history", ["lead_id", "id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(64)),
        sa.Column("details", sa.JSON),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("referral", sa.String(64)),
        sa.Column("topic", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("handled_by", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_handoffs_sender_id", "handoffs", ["sender_id"])
    op.create_index("ix_handoffs_status", "handoffs", ["status"])

    op.create_table(
        "agents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("telegram_user_id", sa.BigInteger, unique=True),
        sa.Column("name", sa.String(200)),
        sa.Column("organisation", sa.String(200)),
        sa.Column("regency", sa.String(100)),
        sa.Column("phone", sa.String(20)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("consent_at", TS),
        sa.Column("consent_version", sa.String(32)),
        sa.Column("applied_at", TS, nullable=False),
        sa.Column("decided_at", TS),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("telegram_user_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("name", sa.String(200)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )

    events = op.create_table(
        "metric_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("week", sa.Date, nullable=False),
        sa.Column("channel", sa.String(32)),
        sa.Column("regency", sa.String(100)),
        sa.Column("sector", sa.String(100)),
        sa.Column("agent_code", sa.String(16)),
        sa.Column("lead_type", sa.String(32)),
        sa.Column("lead_id", sa.Integer),
        sa.Column("status", sa.String(32)),
        sa.Column("subject", sa.String(64)),
    )
    op.create_index("ix_metric_events_kind_week", "metric_events", ["kind", "week"])
    op.create_index("ix_metric_events_agent", "metric_events", ["agent_code", "kind"])
    op.create_index("ix_metric_events_subject", "metric_events", ["subject"])

    op.create_table(
        "anonymous_counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("bucket", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text),
        sa.Column("updated_at", TS, nullable=False),
    )

    # --- data backfill for the leads that already exist -------------------------------------
    op.execute("UPDATE leads SET status_changed_at = updated_at WHERE status_changed_at IS NULL")
    bind = op.get_bind()
    zone = clock.zone()
    rows = bind.execute(sa.text(
        "SELECT id, type, status, channel, referral, regency, sector, created_at FROM leads ORDER BY id")).all()
    history_rows, event_rows = [], []
    for r in rows:
        created = _as_utc(r.created_at)
        history_rows.append({"lead_id": r.id, "from_status": None, "to_status": r.status,
                             "actor": MIGRATION_ACTOR, "note": None, "created_at": created})
        day = created.astimezone(zone).date()
        event_rows.append({"kind": "lead_created", "occurred_at": created, "day": day,
                           "week": day - dt.timedelta(days=day.weekday()), "channel": r.channel,
                           "regency": r.regency, "sector": r.sector, "agent_code": r.referral,
                           "lead_type": r.type, "lead_id": r.id, "status": "new", "subject": None})
    if bind.dialect.name == "sqlite":  # stored as naive UTC text there, like the rest of the table
        for row in history_rows + event_rows:
            for key in ("created_at", "occurred_at"):
                if key in row:
                    row[key] = row[key].replace(tzinfo=None)
    if history_rows:
        op.bulk_insert(history, history_rows)
        op.bulk_insert(events, event_rows)


def _as_utc(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite hands back text
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def downgrade() -> None:
    for table in ("app_state", "anonymous_counters", "metric_events", "staff_users", "agents", "handoffs",
                  "audit_log", "lead_status_history"):
        op.drop_table(table)
    for table, column in (("outbox", "agent_id"), ("outbox", "handoff_id"), ("leads", "claimed_at"),
                          ("leads", "claimed_by"), ("leads", "status_changed_at"), ("leads", "referral_known")):
        if op.get_bind().dialect.name == "sqlite":
            # Native DROP COLUMN (SQLite >= 3.35); batch mode would copy and drop the leads table,
            # and dropping it would cascade-delete the outbox rows that refer to it.
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
