"""Lingkar's durable data: leads, the outbox of lead events, roles, handoffs and funnel events.

    from lingkar.store import get_store
    store = get_store()                 # process-wide store for DATABASE_URL (migrated to head)
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
"""
from __future__ import annotations

import os
import threading
from typing import Dict

from lingkar import config
from lingkar.store.db import normalize_url
from lingkar.store.models import (
    AGENT_STATUSES,
    DONOR_KINDS,
    HANDOFF_STATUSES,
    LEAD_STATUSES,
    LEAD_TYPES,
    OPEN_STATUSES,
    STAFF_ROLES,
    WORKER_LEAD_TYPES,
)
from lingkar.store.records import (
    Agent,
    AuditEntry,
    FunnelRow,
    Handoff,
    Lead,
    LeadLink,
    OutboxEvent,
    StaffUser,
    StatusChange,
    UpsertResult,
)
from lingkar.store.store import (
    AGENT_REAPPLY_COOLDOWN,
    EVENT_KINDS,
    EXPORT_COLUMNS,
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
    "AGENT_STATUSES", "DONOR_KINDS", "EVENT_KINDS", "EXPORT_COLUMNS", "HANDOFF_STATUSES", "LEAD_STATUSES",
    "LEAD_TYPES", "OPEN_STATUSES", "STAFF_ROLES", "WORKER_LEAD_TYPES", "Agent", "AuditEntry", "FunnelRow",
    "Handoff", "Lead", "LeadClaimedError", "LeadLink", "LeadValidationError", "NotFound", "OutboxEvent", "StaffUser",
    "StatusChange", "Store", "StoreError", "UpsertResult", "database_url", "get_store", "normalize_reference",
]

_stores: Dict[str, Store] = {}
_lock = threading.Lock()


def database_url() -> str:
    """DATABASE_URL from the environment (read at call time), else the configured default."""
    return normalize_url(os.environ.get("DATABASE_URL") or config.DATABASE_URL)


def get_store(url: str | None = None, migrate: bool = True) -> Store:
    """The process-wide store for ``url`` (default :func:`database_url`), upgraded to the newest
    schema the first time it is asked for (``migrate=False`` skips that)."""
    url = normalize_url(url or database_url())
    with _lock:
        store = _stores.get(url)
        if store is None:
            store = Store(url)
            if migrate:
                store.migrate()
            _stores[url] = store
        return store
