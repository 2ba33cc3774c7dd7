"""Lingkar's durable data: leads, the outbox of lead events, roles, handoffs and funnel events.

    from lingkar.store import open_store
    store = open_store()                # a store for DATABASE_URL, migrated to head (entry points call this once)
    result = store.upsert_lead(sender_id="telegram:12345", channel="telegram", name="Siti",
                               phone="0812 3456 7890", consent_version="2026-11", regency="Kota Kendari")
    result.created, result.lead.id
    for event in store.claim_outbox("notifier-1", limit=10, lease_seconds=60):
        ...deliver...
        store.ack_outbox(event.id, "notifier-1")

Default database: a SQLite file ``var/lingkar.db`` (directory made on demand); with
``DATABASE_URL=postgresql://...`` PostgreSQL. The schema is created and upgraded only by the
Alembic migrations in ``migrations/`` (``python -m lingkar.store upgrade``). docs/data-model.md
describes the tables and what is personal data.

How a process gets its store (entry points create it and pass it down; the action server registers it for the
actions): :mod:`lingkar.store.provider`. Async code calls it through :func:`lingkar.store.aio.run_sync`; which
module holds which table: :mod:`lingkar.store.store`.
"""
from __future__ import annotations

from lingkar.store.models import (
    AGENT_STATUSES,
    DASHBOARD_ROLES,
    DONOR_KINDS,
    HANDOFF_STATUSES,
    LEAD_PURPOSES,
    LEAD_STATUSES,
    LEAD_TYPES,
    OPEN_STATUSES,
    PEMDA_ROLE,
    SOURCES,
    STAFF_ROLES,
    SUBSCRIPTION_TOPICS,
    WORKER_LEAD_TYPES,
)
from lingkar.store.provider import current, database_url, open_store, provide
from lingkar.store.records import (
    Agent,
    AuditEntry,
    FunnelRow,
    Handoff,
    Lead,
    LeadLink,
    OutboxEvent,
    PemdaEstimate,
    StaffUser,
    StatusChange,
    Subscription,
    SubscriptionEvent,
    UpsertResult,
)
from lingkar.store.store import (
    AGENT_REAPPLY_COOLDOWN,
    EVENT_KINDS,
    EXPORT_COLUMNS,
    MAX_DELIVERY_FAILURES,
    AgentCooldownError,
    LeadClaimedError,
    LeadValidationError,
    NotFound,
    SelfDecisionError,
    Store,
    StoreError,
    normalize_reference,
)

__all__ = [
    "AGENT_REAPPLY_COOLDOWN", "AgentCooldownError", "SelfDecisionError",
    "AGENT_STATUSES", "DASHBOARD_ROLES", "DONOR_KINDS", "EVENT_KINDS", "EXPORT_COLUMNS", "HANDOFF_STATUSES",
    "LEAD_PURPOSES", "LEAD_STATUSES", "LEAD_TYPES", "OPEN_STATUSES", "PEMDA_ROLE", "SOURCES", "STAFF_ROLES",
    "SUBSCRIPTION_TOPICS", "WORKER_LEAD_TYPES", "MAX_DELIVERY_FAILURES",
    "Agent", "AuditEntry", "FunnelRow", "Handoff", "Lead", "LeadClaimedError", "LeadLink", "LeadValidationError",
    "NotFound", "OutboxEvent", "PemdaEstimate", "StaffUser",
    "StatusChange", "Store", "StoreError", "Subscription", "SubscriptionEvent",
    "UpsertResult", "current", "database_url", "normalize_reference",
    "open_store", "provide",
]
