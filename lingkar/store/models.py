"""The tables of the lead store as the code sees them at the newest migration.

The schema in a database is created and changed ONLY by the Alembic migrations in
``lingkar/store/migrations/versions``; these definitions must match the head revision (a test
compares them). See docs/data-model.md for what each table holds and which columns are personal data.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from lingkar.store.db import UTCDateTime

metadata = MetaData()

LEAD_TYPES = ("enrolment", "sponsorship_request", "sponsor_offer")
#: Worker leads (people who want to be covered); sponsor offers are donors, not workers.
WORKER_LEAD_TYPES = ("enrolment", "sponsorship_request")
LEAD_STATUSES = ("new", "contacted", "registered", "unreachable", "not_interested", "sponsored")
#: A lead is open while staff still have to act on it; the same person then updates it.
OPEN_STATUSES = ("new", "contacted")
#: Status changes the worker is told about once (an outbox event ``notice.<channel>``, sent on their own channel by
#: bot/core/notices.py): not a reopening ("new") nor "not_interested" (what the worker said themselves), nor notes
#: and claims.
NOTICE_STATUSES = ("contacted", "registered", "unreachable", "sponsored")
#: Channels with a worker-notice sender (bot/staff/notifier.py for Telegram, the WhatsApp channel for WhatsApp).
NOTICE_CHANNELS = ("telegram", "whatsapp")
DONOR_KINDS = ("csr", "company", "family", "employer", "individual", "government", "other")
AGENT_STATUSES = ("applied", "approved", "rejected", "inactive")
STAFF_ROLES = ("admin", "staff")
#: The local-government officer: signs in to the dashboard like staff but sees only the aggregates of the one
#: regency of their ``staff_users.regency`` (never a lead, never personal data; no staff command in the bot).
PEMDA_ROLE = "pemda"
#: Every role a ``staff_users`` row may have (``STAFF_ROLES`` are the ones that work leads).
DASHBOARD_ROLES = STAFF_ROLES + (PEMDA_ROLE,)
HANDOFF_STATUSES = ("open", "done", "cancelled")
#: What a contact request is for (``leads.purpose``, 0007): what the person wants help with, whatever the lead type.
#: Staff labels: bot/staff/texts.py PURPOSE_LABELS; the worker's buttons: content/answers.yml ``ask_purpose``.
LEAD_PURPOSES = ("registration", "heir_claim", "reactivation", "employer_not_registering", "sponsorship", "agent",
                 "other")
#: The purpose of a lead whose conversation says nothing more specific, by lead type (also the 0007 backfill).
DEFAULT_PURPOSES = {"enrolment": "registration", "sponsorship_request": "sponsorship", "sponsor_offer": "sponsorship"}
#: Answers to "Dari mana Anda tahu Lingkar?" (metric_events.source of ``source_answered``).
SOURCES = ("agent", "friend_family", "bpjs_office", "social_media", "other")
#: Topics a worker can subscribe to: ``info`` (programme news and education), ``pengingat`` (reminders).
SUBSCRIPTION_TOPICS = ("info", "pengingat")
#: What a row of ``subscription_events`` records.
SUBSCRIPTION_EVENT_KINDS = ("subscribe", "unsubscribe", "auto_unsubscribe")

leads = Table(
    "leads", metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("sender_id", String(128), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("referral", String(64)),
    Column("referral_known", Boolean, nullable=False, server_default=false()),
    Column("name", String(200), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("nik", String(16)),
    Column("regency", String(100)),
    Column("occupation", String(100)),
    Column("sector", String(100)),
    Column("age", Integer),
    Column("income", BigInteger),
    Column("contact_time", String(100)),
    Column("eligibility", JSON(none_as_null=True)),
    Column("sponsor_organisation", String(200)),
    Column("sponsor_workers", Integer),
    Column("sponsor_regency", String(100)),
    Column("donor_kind", String(32)),
    Column("note", Text),
    Column("consent_at", UTCDateTime, nullable=False),
    Column("consent_version", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime),  # nullable: added by 0002 and backfilled there
    Column("claimed_by", String(64)),
    Column("claimed_at", UTCDateTime),
    # what the worker is shown instead of the id (LK-7K2M9Q); set on every new lead, backfilled by 0003
    Column("reference", String(16)),
    # what the person wants help with (LEAD_PURPOSES); added by 0007, older rows backfilled from the type
    Column("purpose", String(32), nullable=False, server_default="registration"),
    Index("ix_leads_phone", "phone", "type", "status"),
    Index("ix_leads_nik", "nik", "type", "status"),
    Index("ix_leads_sender_id", "sender_id"),
    Index("ix_leads_status", "status", "updated_at"),
    Index("ix_leads_referral", "referral"),
    Index("ux_leads_reference", "reference", unique=True),
    Index("ix_leads_purpose", "purpose", "status"),
    sqlite_autoincrement=True,  # never reuse the id of a deleted lead (metric events refer to it)
)

#: "Kemungkinan ganda": leads of different owners that share a phone or NIK, one row per direction.
lead_duplicates = Table(
    "lead_duplicates", metadata,
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("other_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("reason", String(16), nullable=False),  # phone, nik or phone+nik
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_lead_duplicates_other", "other_id"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE")),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(64)),
    Column("claim_token", String(32)),
    Column("lease_until", UTCDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("delivered_at", UTCDateTime),
    Column("delivered_by", String(64)),
    Column("handoff_id", Integer),
    Column("agent_id", Integer),
    Index("ix_outbox_pending", "delivered_at", "id"),
    sqlite_autoincrement=True,
)

lead_status_history = Table(
    "lead_status_history", metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
    Column("from_status", String(32)),
    Column("to_status", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_lead_status_history_lead", "lead_id", "id"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64)),
    Column("details", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_audit_log_target", "target_type", "target_id"),
)

handoffs = Table(
    "handoffs", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(128), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("referral", String(64)),
    Column("topic", Text),
    Column("status", String(16), nullable=False),
    Column("handled_by", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_handoffs_sender_id", "sender_id"),
    Index("ix_handoffs_status", "status"),
)

agents = Table(
    "agents", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("telegram_user_id", BigInteger, unique=True),
    Column("name", String(200)),
    Column("organisation", String(200)),
    Column("regency", String(100)),
    Column("phone", String(20)),
    Column("status", String(16), nullable=False),
    Column("consent_at", UTCDateTime),
    Column("consent_version", String(32)),
    Column("applied_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("decided_by", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

staff_users = Table(
    "staff_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_user_id", BigInteger, nullable=False, unique=True),
    Column("name", String(200)),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("regency", String(100)),  # the one regency a "pemda" user sees (0005); NULL for staff and admins
)

#: A Pemda officer's own count of workers in their regency by sector (append-only; newest row per sector counts).
pemda_estimates = Table(
    "pemda_estimates", metadata,
    Column("id", Integer, primary_key=True),
    Column("regency", String(100), nullable=False),
    Column("sector", String(100), nullable=False),
    Column("workers", BigInteger, nullable=False),
    Column("source", Text, nullable=False),   # what the officer names as the source (e.g. "Sakernas 2025")
    Column("as_of", Date, nullable=False),    # the date of that figure, as the officer gives it
    Column("recorded_by", String(64), nullable=False),  # actor ("telegram:<id>"), never shown on the view
    Column("recorded_at", UTCDateTime, nullable=False),
    Index("ix_pemda_estimates_regency", "regency", "sector", "id"),
)

metric_events = Table(
    "metric_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(48), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("day", Date, nullable=False),   # local date at the branch (WITA)
    Column("week", Date, nullable=False),  # Monday of that ISO week
    Column("channel", String(32)), Column("regency", String(100)), Column("sector", String(100)),
    Column("agent_code", String(16)), Column("lead_type", String(32)),
    Column("lead_id", Integer),  # no foreign key: the lead may be deleted, the count stays
    Column("status", String(32)),
    Column("subject", String(64)),  # keyed hash of the sender id, never the id itself
    Column("source", String(32)),   # source_answered: where the worker heard of Lingkar (SOURCES)
    Column("purpose", String(32)),  # lead_created: what the lead is for (LEAD_PURPOSES; 0007)
    Column("broadcast_id", Integer),  # broadcast_sent / broadcast_replied: which broadcast (0013; no foreign key)
    Index("ix_metric_events_kind_week", "kind", "week"),
    Index("ix_metric_events_agent", "agent_code", "kind"),
    Index("ix_metric_events_subject", "subject"), Index("ix_metric_events_kind_subject", "kind", "subject"),
)

anonymous_counters = Table(
    "anonymous_counters", metadata,
    Column("name", String(64), primary_key=True),
    Column("bucket", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

app_state = Table(
    "app_state", metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)

posted_cards = Table(
    "posted_cards", metadata,
    Column("id", Integer, primary_key=True),
    # no foreign keys: the row must outlive the lead/handoff/agent until its message has been edited
    Column("lead_id", Integer),
    Column("handoff_id", Integer),
    Column("agent_id", Integer),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("kind", String(16)),  # NULL: a card about this subject; "reminder": a list naming it among others
    Column("posted_at", UTCDateTime, nullable=False),
    Index("ix_posted_cards_lead", "lead_id"),
    Index("ix_posted_cards_handoff", "handoff_id"),
    Index("ix_posted_cards_agent", "agent_id"),
)

#: A broadcast's life: queued (rows and jobs written), running, paused / cancelled by staff, done. One composed on the
#: dashboard starts in review (rows written, no job) until a second staff member approves it (queued) or rejects it.
BROADCAST_STATUSES = ("review", "rejected", "queued", "running", "paused", "cancelled", "done")
#: One recipient's: pending -> claimed (a worker holds it under a lease) -> sent (the platform took it, its message
#: id recorded) -> delivered -> read; or failed, or skipped_unsubscribed (opted out before their turn).
RECIPIENT_STATES = ("pending", "claimed", "sent", "delivered", "read", "failed", "skipped_unsubscribed")

broadcasts = Table(
    "broadcasts", metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),              # with {fact.key} placeholders, filled on the day of sending
    Column("buttons", JSON, nullable=False),           # [{"title", "payload"}]
    Column("topic", String(64), nullable=False),
    Column("audience", JSON, nullable=False),          # how the audience was chosen (filters), for staff
    Column("template", String(64), nullable=False),    # WhatsApp template key outside the 24-hour window
    Column("status", String(16), nullable=False),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("created_by", String(64), nullable=False),
    Column("approved_by", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("scheduled_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Index("ix_broadcasts_status", "status", "id"),
)

broadcast_recipients = Table(
    "broadcast_recipients", metadata,
    Column("id", Integer, primary_key=True),
    Column("broadcast_id", Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(128), nullable=False),  # chat id / WhatsApp number: personal data
    Column("attributes", JSON, nullable=False),        # e.g. the name a template greets (personal data)
    Column("state", String(24), nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", UTCDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("platform_message_id", String(128)),
    Column("error", String(300)),
    Column("sent_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("broadcast_id", "channel", "recipient", name="ux_broadcast_recipients"),
    Index("ix_broadcast_recipients_state", "broadcast_id", "channel", "state"),
    Index("ix_broadcast_recipients_message", "platform_message_id"),
    Index("ix_broadcast_recipients_recipient", "channel", "recipient"),
)

#: Who asked to receive what (0008): one row per owner (sender id, as leads use) and topic; "berhenti" sets
#: ``active`` false on every topic, "hapus data saya" deletes the rows. Regency / sector / agent code: what the
#: conversation knew when they subscribed (broadcast filters).
subscriptions = Table(
    "subscriptions", metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(128), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("topic", String(32), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("since", UTCDateTime, nullable=False),   # the latest subscribe
    Column("ended_at", UTCDateTime),                # the latest unsubscribe (NULL while active)
    Column("consent_version", String(32)),
    Column("regency", String(100)),
    Column("sector", String(100)),
    Column("agent_code", String(64)),
    Column("failures", Integer, nullable=False, server_default="0"),  # consecutive failed deliveries
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("sender_id", "topic", name="ux_subscriptions_owner_topic"),
    Index("ix_subscriptions_audience", "topic", "active", "id"),
)

#: Every subscription change (0008). The owner only as the keyed hash of ``metric_events`` (``subject``).
subscription_events = Table(
    "subscription_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),  # SUBSCRIPTION_EVENT_KINDS
    Column("topic", String(32)),                 # NULL: every topic at once
    Column("reason", String(64)),                # "berhenti", "blocked", "unreachable", "failures", "deleted", ...
    Column("channel", String(32)),
    Column("subject", String(64)),
    Column("occurred_at", UTCDateTime, nullable=False),
    Index("ix_subscription_events_subject", "subject"),
)

#: Payment reminders (issue 16): one plan per owner (channel + sender id), one row per reminder sent.
#: ``payment_day`` 1-31: the worker's usual day; a month without that day uses its last day (31 = "akhir bulan").
REMINDER_PERIODS = (1, 3, 6, 12)
#: reminder: before a payment day; snooze: the one re-send after "ingatkan besok"; lapse: the one warning after two
#: reminded payments without "sudah bayar".
REMINDER_KINDS = ("reminder", "snooze", "lapse")
#: claimed (a run holds it under a lease, before sending) -> sent (platform message id recorded) | failed.
REMINDER_STATES = ("claimed", "sent", "failed")

reminder_plans = Table(
    "reminder_plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(128), nullable=False),  # chat id / WhatsApp number: personal data
    Column("payment_day", Integer, nullable=False),
    Column("period_months", Integer, nullable=False),
    Column("first_month", Date, nullable=False),       # the first contribution month reminded; cycles from there
    Column("occupation", String(64), nullable=False),  # the calculator's worker (occupation key or "BPU")
    Column("income", BigInteger),                      # declared monthly income (None: lowest bracket)
    Column("active", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "recipient", name="ux_reminder_plans_owner"),
)

reminder_sends = Table(
    "reminder_sends", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(128), nullable=False),  # personal data
    Column("month", Date, nullable=False),             # first contribution month the reminder is for
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", UTCDateTime),
    Column("platform_message_id", String(128)),
    Column("error", String(300)),
    Column("sent_at", UTCDateTime),
    Column("answer", String(16)),                      # "paid" ("sudah bayar"), "snooze" ("ingatkan besok")
    Column("answered_at", UTCDateTime),
    Column("snooze_until", Date),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "recipient", "month", "kind", name="ux_reminder_sends_once"),
    Index("ix_reminder_sends_owner", "channel", "recipient", "month"),
)
