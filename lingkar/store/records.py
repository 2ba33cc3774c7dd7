"""Plain records the store returns: dataclasses detached from any database session."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List

from lingkar.identity import mask_name, mask_nik, mask_phone


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


class _Record:
    def to_dict(self) -> Dict[str, Any]:
        """JSON-friendly dict (dates as ISO 8601 text)."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class StatusChange(_Record):
    id: int
    lead_id: int
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class LeadLink(_Record):
    """Another owner's lead with the same phone or NIK ("kemungkinan ganda"): for staff only."""

    id: int
    reference: str | None
    reason: str  # "phone", "nik" or "phone+nik"


@dataclass(frozen=True)
class Lead(_Record):
    id: int
    type: str
    status: str
    sender_id: str
    channel: str
    referral: str | None
    referral_known: bool
    name: str
    phone: str
    nik: str | None
    regency: str | None
    occupation: str | None
    sector: str | None
    age: int | None
    income: int | None
    contact_time: str | None
    eligibility: Dict[str, Any] | None
    sponsor_organisation: str | None
    sponsor_workers: int | None
    sponsor_regency: str | None
    donor_kind: str | None
    note: str | None
    consent_at: dt.datetime
    consent_version: str
    created_at: dt.datetime
    updated_at: dt.datetime
    status_changed_at: dt.datetime | None
    claimed_by: str | None
    claimed_at: dt.datetime | None
    reference: str | None  # what the worker is shown (LK-7K2M9Q); never the id
    purpose: str = "registration"  # what the person wants help with (LEAD_PURPOSES)
    history: List[StatusChange] = field(default_factory=list)
    #: Leads of other owners with the same phone or NIK (staff only: never shown to a worker).
    possible_duplicates: List[LeadLink] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        from lingkar.store.models import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


@dataclass(frozen=True)
class UpsertResult:
    lead: Lead
    created: bool  # False: the person's open lead was updated instead


@dataclass(frozen=True)
class OutboxEvent(_Record):
    id: int
    topic: str  # lead.created, lead.updated, handoff.requested, agent.applied
    payload: Dict[str, Any]
    lead_id: int | None
    handoff_id: int | None
    agent_id: int | None
    created_at: dt.datetime
    attempts: int
    claimed_by: str | None
    lease_until: dt.datetime | None


@dataclass(frozen=True)
class Handoff(_Record):
    id: int
    sender_id: str
    channel: str
    referral: str | None
    topic: str | None
    status: str
    handled_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Agent(_Record):
    id: int
    code: str
    telegram_user_id: int | None
    name: str | None
    organisation: str | None
    regency: str | None
    phone: str | None
    status: str
    consent_at: dt.datetime | None
    consent_version: str | None
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def is_active(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True)
class StaffUser(_Record):
    id: int
    telegram_user_id: int
    name: str | None
    role: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    regency: str | None = None  # the one regency of a "pemda" user

    @property
    def is_admin(self) -> bool:
        return self.active and self.role == "admin"

    @property
    def is_pemda(self) -> bool:
        return self.role == "pemda"


@dataclass(frozen=True)
class PemdaEstimate(_Record):
    """A Pemda officer's own count of workers in one sector of their regency (with the source they name)."""

    id: int
    regency: str
    sector: str
    workers: int
    source: str
    as_of: dt.date
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Subscription(_Record):
    """One owner's subscription to one topic (active, or ended by "berhenti" / automatically)."""

    id: int
    sender_id: str
    channel: str
    topic: str
    active: bool
    since: dt.datetime
    ended_at: dt.datetime | None
    consent_version: str | None
    regency: str | None
    sector: str | None
    agent_code: str | None
    failures: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class SubscriptionEvent(_Record):
    """A subscription change: ``subscribe``, ``unsubscribe`` or ``auto_unsubscribe`` (no personal data)."""

    id: int
    kind: str
    topic: str | None
    reason: str | None
    channel: str | None
    subject: str | None
    occurred_at: dt.datetime


@dataclass(frozen=True)
class AuditEntry(_Record):
    id: int
    actor: str
    action: str
    target_type: str
    target_id: str | None
    details: Dict[str, Any] | None
    created_at: dt.datetime


@dataclass(frozen=True)
class FunnelRow(_Record):
    """One group of the funnel. ``group`` is None for the total, else the week (date), regency, …"""

    group: Any
    chats: int = 0        # distinct people who started a chat
    checks: int = 0       # distinct people who had their eligibility checked
    leads: int = 0        # worker leads created (enrolment + sponsorship requests)
    contacted: int = 0    # of those, reached by staff at least once
    registered: int = 0   # of those, registered (or registered through a sponsor)


@dataclass(frozen=True)
class OutreachRow(_Record):
    """One group of an outreach funnel (lingkar/store/outreach.py): distinct people at each step."""

    group: Any
    sent: int = 0         # a broadcast / payment reminder reached them
    replied: int = 0      # broadcast: they wrote within REPLY_WINDOW after it
    checked: int = 0      # broadcast: eligibility checked after the reply
    leads: int = 0        # broadcast: a worker lead after the reply; reminder: a reactivation lead
    registered: int = 0   # broadcast: that lead registered
    paid: int = 0         # reminder: "sudah bayar"


@dataclass(frozen=True)
class Broadcast(_Record):
    """A message to a topic's subscribers (lingkar/store/broadcasts.py). ``text`` has {fact.key} placeholders."""
    id: int
    text: str
    buttons: List[Dict[str, str]]
    topic: str
    audience: Dict[str, Any]
    template: str
    status: str
    total: int
    created_by: str
    approved_by: str | None
    created_at: dt.datetime
    scheduled_at: dt.datetime | None
    finished_at: dt.datetime | None


@dataclass(frozen=True)
class BroadcastRecipient(_Record):
    """One recipient's row of a broadcast, as handed to the worker that claimed it."""
    id: int
    broadcast_id: int
    channel: str
    recipient: str
    attributes: Dict[str, Any]
    state: str
    attempts: int
    claimed_until: dt.datetime | None


@dataclass(frozen=True)
class ReminderPlan(_Record):
    """A worker's payment reminders (lingkar/store/reminders.py): when they pay and what the amount is based on."""
    channel: str
    recipient: str
    payment_day: int
    period_months: int
    first_month: dt.date
    occupation: str
    income: int | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def sender_id(self) -> str:
        return f"{self.channel}:{self.recipient}"


@dataclass(frozen=True)
class ReminderSend(_Record):
    """One reminder (or "besok" re-send, or lapse warning) for one contribution month, and the worker's answer."""
    month: dt.date
    kind: str
    state: str
    platform_message_id: str | None
    sent_at: dt.datetime | None
    answer: str | None
    answered_at: dt.datetime | None
    snooze_until: dt.date | None
