"""The lead store facade: :class:`Store` is one database with every repository of the store mixed in.

All methods are synchronous (SQLAlchemy 1.4, 2.0-style) and return plain records from
:mod:`lingkar.store.records`; nothing returned is bound to a database session. Call them from
async code through :func:`lingkar.store.aio.run_sync`; how a process obtains its store:
:mod:`lingkar.store.provider`.

Where a table lives (one repository module per concern, each a mixin over
:class:`lingkar.store.base.Repository`):

- leads.py: ``leads``, ``lead_status_history``, ``lead_duplicates`` (one lead: create, update, read)
- followup.py: ``leads``, ``lead_status_history`` (staff: status changes and the worker's notice, notes, claims)
- lead_lists.py: the same tables read for staff (filters, counts, the CSV export)
- people.py: a sender's personal data in every table (``data_for_sender``, ``delete_sender_data``)
- outbox.py: ``outbox``;  handoffs.py: ``handoffs``;  agents.py: ``agents``;  staff.py: ``staff_users``
- audit.py: ``audit_log``;  metrics.py: ``metric_events`` (the funnel);  cards.py: ``posted_cards``
- state.py: ``app_state``, ``anonymous_counters``;  retention.py: the retention job
- pemda.py: ``pemda_estimates``, Pemda officers in ``staff_users``, one regency's aggregates (no personal data)
- broadcasts.py: ``broadcasts``, ``broadcast_recipients`` (claimed under a lease by the broadcast jobs: bot/outreach/)
- reminders.py: ``reminder_plans``, ``reminder_sends`` (payment reminders; claimed once per owner, month and kind)
- outreach.py: the outreach funnel (broadcast and reminder events in ``metric_events``, replies to a broadcast)
- subscriptions.py: ``subscriptions``, ``subscription_events`` (consent, "berhenti", automatic unsubscribes,
  broadcast audiences in batches)

Concurrency:
- ``upsert_lead`` serialises requests for the same person: PostgreSQL takes transaction-scoped
  advisory locks on the person's phone and NIK; SQLite serialises writers (``BEGIN IMMEDIATE``).
- ``claim_outbox`` hands each event to one consumer at a time under a lease: PostgreSQL uses
  ``FOR UPDATE SKIP LOCKED``; every backend uses a conditional UPDATE (unclaimed or lease
  expired), so a claim is atomic. ``ack_outbox`` marks it delivered; an un-acked claim is handed
  out again after its lease.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from lingkar import settings
from lingkar.clock import zone as branch_zone
from lingkar.store import migrate as _migrate
from lingkar.store.agents import AGENT_REAPPLY_COOLDOWN, AgentRepository
from lingkar.store.audit import AuditRepository
from lingkar.store.base import (
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    AgentCooldownError,
    LeadClaimedError,
    LeadValidationError,
    NotFound,
    Repository,
    SelfDecisionError,
    StoreError,
    _utcnow,
)
from lingkar.store.broadcasts import BroadcastRepository
from lingkar.store.cards import CardRepository
from lingkar.store.db import make_engine, normalize_url
from lingkar.store.followup import LeadFollowUpRepository
from lingkar.store.handoffs import HandoffRepository
from lingkar.store.lead_lists import EXPORT_COLUMNS, LeadListRepository
from lingkar.store.leads import LeadRepository, normalize_reference
from lingkar.store.metrics import EVENT_KINDS, MetricsRepository
from lingkar.store.outbox import OutboxRepository
from lingkar.store.outreach import OutreachRepository
from lingkar.store.pemda import PemdaRepository
from lingkar.store.people import PeopleRepository
from lingkar.store.reminders import ReminderRepository
from lingkar.store.retention import RetentionRepository
from lingkar.store.staff import StaffRepository
from lingkar.store.state import StateRepository
from lingkar.store.subscriptions import MAX_DELIVERY_FAILURES, SubscriptionRepository

__all__ = [
    "AGENT_REAPPLY_COOLDOWN", "EVENT_KINDS", "EXPORT_COLUMNS", "REFERENCE_LENGTH", "REFERENCE_PREFIX",
    "AgentCooldownError", "LeadClaimedError", "LeadValidationError", "MAX_DELIVERY_FAILURES", "NotFound",
    "SelfDecisionError", "Store", "StoreError", "normalize_reference",
]


class Store(LeadRepository, LeadFollowUpRepository, LeadListRepository, PeopleRepository, OutboxRepository,
            HandoffRepository, AgentRepository, StaffRepository, AuditRepository, MetricsRepository, StateRepository,
            CardRepository, RetentionRepository, PemdaRepository, BroadcastRepository, SubscriptionRepository,
            ReminderRepository, OutreachRepository, Repository):
    """One database. Thread-safe: every call uses its own connection and transaction."""

    def __init__(self, url: str | None = None, *, clock: Callable[[], dt.datetime] | None = None,
                 salt: str | None = None, echo: bool = False):
        self.url = normalize_url(url or settings.current().database_url)
        self.engine = make_engine(self.url, echo=echo)
        self.dialect = self.engine.dialect.name
        self._clock = clock or _utcnow
        self._salt = salt if salt is not None else settings.current().metrics_salt or None
        self._zone = branch_zone()

    def __repr__(self) -> str:
        return f"<Store {self.engine.url.render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------ plumbing
    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema (``alembic upgrade head``). Safe to call from every process."""
        _migrate.upgrade(self.engine, revision)

    def current_revision(self) -> str | None:
        return _migrate.current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
