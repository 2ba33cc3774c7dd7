"""The lead store: every read and write of leads, the outbox, roles, handoffs and metric events.

All methods are synchronous (SQLAlchemy 1.4, 2.0-style) and return plain records from
:mod:`lingkar.store.records`; nothing returned is bound to a database session. Call them from
async code with ``asyncio.to_thread`` (or ``loop.run_in_executor``).

Concurrency:
- ``upsert_lead`` serialises requests for the same person: PostgreSQL takes transaction-scoped
  advisory locks on the person's phone and NIK; SQLite serialises writers (``BEGIN IMMEDIATE``).
- ``claim_outbox`` hands each event to one consumer at a time under a lease: PostgreSQL uses
  ``FOR UPDATE SKIP LOCKED``; every backend uses a conditional UPDATE (unclaimed or lease
  expired), so a claim is atomic. ``ack_outbox`` marks it delivered; an un-acked claim is handed
  out again after its lease.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import os
import secrets
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, List, Sequence, TextIO, Union
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lingkar import config
from lingkar.identity import check_phone, mask_nik, validate_nik
from lingkar.store import migrate as _migrate
from lingkar.store.db import READONLY, make_engine, normalize_url
from lingkar.store.models import (
    AGENT_STATUSES,
    DONOR_KINDS,
    HANDOFF_STATUSES,
    LEAD_STATUSES,
    LEAD_TYPES,
    OPEN_STATUSES,
    STAFF_ROLES,
    WORKER_LEAD_TYPES,
    agents,
    anonymous_counters,
    app_state,
    audit_log,
    handoffs,
    lead_duplicates,
    lead_status_history,
    leads,
    metric_events,
    outbox,
    posted_cards,
    staff_users,
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

#: What the funnel and the dashboards count. Events carry no personal data.
EVENT_KINDS = (
    "chat_started", "eligibility_checked", "consent_given", "consent_refused", "lead_created",
    "lead_status_changed", "handoff_requested", "agent_applied", "agent_status_changed", "data_viewed",
    "data_deleted",
)
#: Statuses that mean staff reached the person / the person got covered (funnel stages).
CONTACTED_STATUSES = ("contacted", "registered", "not_interested", "sponsored")
REGISTERED_STATUSES = ("registered", "sponsored")
FUNNEL_GROUPS = {"week": "week", "day": "day", "regency": "regency", "sector": "sector", "agent": "agent_code",
                 "channel": "channel"}
#: Columns of the CSV export, in order (header row = these names).
EXPORT_COLUMNS = (
    "id", "type", "status", "created_at", "updated_at", "status_changed_at", "name", "phone", "nik", "regency",
    "occupation", "sector", "age", "income", "contact_time", "channel", "referral", "referral_known",
    "sponsor_organisation", "sponsor_workers", "sponsor_regency", "donor_kind", "note", "claimed_by",
    "consent_at", "consent_version", "eligibility_category", "reference", "possible_duplicate_of",
)
#: How long a rejected applicant waits before applying again (``AGENT_REAPPLY_COOLDOWN_DAYS``, see bot/config.py).
AGENT_REAPPLY_COOLDOWN = dt.timedelta(days=7)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
#: A lead's reference: "LK-" and six characters of that alphabet (32**6, about a billion: not guessable by
#: counting, and nothing about how many leads exist). Also written by migration 0003.
REFERENCE_PREFIX = "LK-"
REFERENCE_LENGTH = 6
#: Lead types that may be the same person: a worker's two kinds of request, or two sponsor offers.
_DUPLICATE_GROUPS = (WORKER_LEAD_TYPES, ("sponsor_offer",))
_LEAD_TEXT_LIMITS = {"name": 200, "regency": 100, "occupation": 100, "sector": 100, "contact_time": 100,
                     "sponsor_organisation": 200, "sponsor_regency": 100, "referral": 64, "note": 2000}


class StoreError(Exception):
    """Base class of the store's errors."""


class NotFound(StoreError, LookupError):
    pass


class LeadValidationError(StoreError, ValueError):
    """A lead field is missing or malformed. ``message`` is Indonesian and says what to fix."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class SelfDecisionError(StoreError):
    """A staff member tried to decide their own agent application."""


class AgentCooldownError(LeadValidationError):
    """An applicant was rejected recently and may apply again only from ``until``."""

    def __init__(self, until: dt.datetime):
        super().__init__("cooldown", "Lamaran Anda baru saja diputuskan; Anda bisa mendaftar lagi nanti.")
        self.until = until


class LeadClaimedError(StoreError):
    """Someone else already claimed the lead (pass ``force=True`` to take it over)."""

    def __init__(self, lead_id: int, claimed_by: str):
        super().__init__(f"lead {lead_id} is claimed by {claimed_by}")
        self.lead_id = lead_id
        self.claimed_by = claimed_by


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _lock_key(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _clean(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s[:limit] or None


def _as_list(value: Union[None, str, Iterable[str]]) -> List[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


class Store:
    """One database. Thread-safe: every call uses its own connection and transaction."""

    def __init__(self, url: str | None = None, *, clock: Callable[[], dt.datetime] | None = None,
                 salt: str | None = None, echo: bool = False):
        self.url = normalize_url(url or os.environ.get("DATABASE_URL") or config.DATABASE_URL)
        self.engine = make_engine(self.url, echo=echo)
        self.dialect = self.engine.dialect.name
        self._clock = clock or _utcnow
        self._salt = salt if salt is not None else os.environ.get("LINGKAR_METRICS_SALT") or None
        self._zone = ZoneInfo(os.environ.get("LINGKAR_TIMEZONE", config.TIMEZONE))

    def __repr__(self) -> str:
        return f"<Store {self.engine.url.render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------ plumbing
    def now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return timezone-aware datetimes")
        return now.astimezone(dt.timezone.utc)

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema (``alembic upgrade head``). Safe to call from every process."""
        _migrate.upgrade(self.engine, revision)

    def current_revision(self) -> str | None:
        return _migrate.current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _ro(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{READONLY: True})
            with conn.begin():
                yield conn

    def _for_update(self, stmt):
        return stmt.with_for_update() if self.dialect == "postgresql" else stmt

    def _advisory_lock(self, conn: Connection, *keys: int) -> None:
        if self.dialect == "postgresql":
            for key in sorted(set(keys)):  # always the same order: no deadlocks between two requests
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    # ------------------------------------------------------------------ leads
    def upsert_lead(self, *, sender_id: str, channel: str, name: str, phone: str, consent_version: str,
                    type: str = "enrolment", consent_at: dt.datetime | None = None, nik: str | None = None,
                    referral: str | None = None, regency: str | None = None,
                    occupation: str | None = None, sector: str | None = None, age: int | None = None,
                    income: int | None = None, contact_time: str | None = None,
                    eligibility: Dict[str, Any] | None = None, sponsor_organisation: str | None = None,
                    sponsor_workers: int | None = None, sponsor_regency: str | None = None,
                    donor_kind: str | None = None, note: str | None = None) -> UpsertResult:
        """Create a lead, or update the sender's own open lead of the same type.

        A lead belongs to its owner, the sender who created it (``channel`` + ``sender_id``). Only the
        owner's own open leads (status new/contacted) are candidates for an update: one of this type
        with the same phone, or with the same NIK. A NIK match wins; a phone match with a *different*
        NIK is another person sharing the phone (a family phone) and gets their own lead. Another
        sender's lead is never changed: a different sender with the same phone or NIK gets a new lead,
        and both are linked as possible duplicates for staff (:attr:`Lead.possible_duplicates`), which
        the worker is never told. Fields given as None never erase what is stored; the first agent
        referral is kept. Only a new lead writes a ``lead.created`` outbox event (in the same
        transaction); an update writes ``lead.updated``. A new lead gets a random ``reference``.

        Raises :class:`LeadValidationError` (Indonesian ``message``) on a bad field. Consent is
        required: there is no way to store a lead without ``consent_version``.
        """
        values = self._validated_lead(type=type, sender_id=sender_id, channel=channel, name=name, phone=phone,
                                      consent_version=consent_version, nik=nik, referral=referral,
                                      regency=regency, occupation=occupation, sector=sector, age=age,
                                      income=income, contact_time=contact_time, eligibility=eligibility,
                                      sponsor_organisation=sponsor_organisation, sponsor_workers=sponsor_workers,
                                      sponsor_regency=sponsor_regency, donor_kind=donor_kind, note=note)
        now = self.now()
        consent_at = (consent_at or now).astimezone(dt.timezone.utc)
        with self._tx() as conn:
            # phone and NIK whatever the type: the possible-duplicate links are made under the same locks
            keys = [_lock_key("lead", "owner", values["channel"], values["sender_id"]),
                    _lock_key("lead", "phone", values["phone"])]
            if values["nik"]:
                keys.append(_lock_key("lead", "nik", values["nik"]))
            self._advisory_lock(conn, *keys)
            target = self._find_own_lead(conn, values)
            known = self._referral_known(conn, values["referral"])
            if target is None:
                row = dict(values, status="new", referral_known=known, consent_at=consent_at, created_at=now,
                           updated_at=now, status_changed_at=now, reference=self._new_reference(conn))
                lead_id = self._insert_id(conn, leads, row)
                conn.execute(insert(lead_status_history).values(
                    lead_id=lead_id, from_status=None, to_status="new", actor="owner", note=None, created_at=now))
                self._audit(conn, "owner", "lead.created", "lead", lead_id,
                            {"type": values["type"], "channel": values["channel"], "referral": values["referral"]})
                self._outbox(conn, "lead.created", {"lead_id": lead_id, "type": values["type"], "status": "new",
                                                    "channel": values["channel"], "regency": values["regency"],
                                                    "referral": values["referral"]}, lead_id=lead_id)
                self._event(conn, "lead_created", now=now, channel=values["channel"], sender_id=values["sender_id"],
                            regency=values["regency"], sector=values["sector"], agent_code=values["referral"],
                            lead_type=values["type"], lead_id=lead_id, status="new")
                created = True
            else:
                lead_id = target["id"]
                changes = {k: v for k, v in values.items()
                           if v is not None and k not in ("sender_id", "channel", "type") and v != target[k]}
                if target["referral"] and "referral" in changes:
                    changes.pop("referral")  # the agent who brought the person keeps the credit
                elif "referral" in changes:
                    changes["referral_known"] = known
                changes.update(consent_at=consent_at, updated_at=now)
                conn.execute(update(leads).where(leads.c.id == lead_id).values(**changes))
                fields = sorted(k for k in changes if k not in ("updated_at", "consent_at", "referral_known"))
                self._audit(conn, "owner", "lead.updated", "lead", lead_id, {"fields": fields})
                created = False
            self._link_duplicates(conn, lead_id, values, now)
            lead = self._load_lead(conn, lead_id, with_history=True)
            if not created:
                self._outbox(conn, "lead.updated", dict(self._lead_payload(lead), fields=fields), lead_id=lead_id)
        return UpsertResult(lead=lead, created=created)

    def _validated_lead(self, **v: Any) -> Dict[str, Any]:
        if v["type"] not in LEAD_TYPES:
            raise LeadValidationError("type", f"Jenis permintaan tidak dikenal: {v['type']!r}.")
        for key in ("sender_id", "channel"):
            if not v[key] or not str(v[key]).strip():
                raise LeadValidationError(key, f"{key} wajib diisi.")
        if not v["consent_version"] or not str(v["consent_version"]).strip():
            raise LeadValidationError("consent", "Data pribadi hanya disimpan setelah ada persetujuan.")
        out: Dict[str, Any] = {"type": v["type"], "sender_id": str(v["sender_id"]).strip()[:128],
                               "channel": str(v["channel"]).strip()[:32],
                               "consent_version": str(v["consent_version"]).strip()[:32]}
        for key, limit in _LEAD_TEXT_LIMITS.items():
            out[key] = _clean(v[key], limit)
        if not out["name"]:
            raise LeadValidationError("name", "Nama belum diisi. Tulis nama lengkap Anda, ya.")
        if out["referral"]:
            out["referral"] = out["referral"].upper()
        phone = check_phone(v["phone"])
        if not phone.ok:
            raise LeadValidationError("phone", phone.message)
        out["phone"] = phone.e164
        out["age"] = self._int_in(v["age"], "age", 0, 120, "Umur harus angka antara 0 dan 120 tahun.")
        out["income"] = self._int_in(v["income"], "income", 0, 10**12, "Penghasilan harus angka rupiah.")
        out["sponsor_workers"] = self._int_in(v["sponsor_workers"], "sponsor_workers", 1, 10**7,
                                              "Jumlah pekerja harus angka 1 atau lebih.")
        out["nik"] = None
        if v["nik"] not in (None, ""):
            check = validate_nik(v["nik"], age=out["age"], today=self.now().astimezone(self._zone).date())
            if not check.ok:
                raise LeadValidationError("nik", check.message)
            out["nik"] = check.nik
        kind = v["donor_kind"]
        if kind is not None and kind not in DONOR_KINDS:
            raise LeadValidationError("donor_kind", f"Jenis donatur tidak dikenal: {kind!r}.")
        out["donor_kind"] = kind
        if v["eligibility"] is not None and not isinstance(v["eligibility"], dict):
            raise LeadValidationError("eligibility", "eligibility must be a dict")
        out["eligibility"] = v["eligibility"]
        return out

    @staticmethod
    def _int_in(value: Any, name: str, low: int, high: int, message: str) -> int | None:
        if value is None:
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise LeadValidationError(name, message) from None
        if not low <= number <= high:
            raise LeadValidationError(name, message)
        return number

    @staticmethod
    def _same_phone_or_nik(values: Dict[str, Any]):
        match = leads.c.phone == values["phone"]
        if values["nik"]:
            match = or_(match, leads.c.nik == values["nik"])
        return match

    @staticmethod
    def _owned_by(values: Dict[str, Any]):
        return and_(leads.c.sender_id == values["sender_id"], leads.c.channel == values["channel"])

    def _find_own_lead(self, conn: Connection, values: Dict[str, Any]) -> Dict[str, Any] | None:
        """The sender's own open lead of this type for the same person (phone or NIK), or None."""
        stmt = select(leads).where(self._owned_by(values), leads.c.type == values["type"],
                                   leads.c.status.in_(OPEN_STATUSES), self._same_phone_or_nik(values)) \
            .order_by(leads.c.id)
        rows = [dict(r._mapping) for r in conn.execute(self._for_update(stmt))]
        if values["nik"]:
            for r in rows:
                if r["nik"] == values["nik"]:
                    return r
        for r in rows:
            if r["phone"] == values["phone"] and not (r["nik"] and values["nik"] and r["nik"] != values["nik"]):
                return r
        return None

    def _link_duplicates(self, conn: Connection, lead_id: int, values: Dict[str, Any], now: dt.datetime) -> None:
        """Link ``lead_id`` both ways to every lead of another owner with the same phone or NIK (any status)."""
        group = next(g for g in _DUPLICATE_GROUPS if values["type"] in g)
        rows = conn.execute(select(leads.c.id, leads.c.phone, leads.c.nik).where(
            leads.c.id != lead_id, leads.c.type.in_(group), ~self._owned_by(values),
            self._same_phone_or_nik(values))).all()
        if not rows:
            return
        known = {r.other_id: r.reason for r in conn.execute(
            select(lead_duplicates.c.other_id, lead_duplicates.c.reason).where(lead_duplicates.c.lead_id == lead_id))}
        added = []
        for r in rows:
            reason = "+".join(k for k, same in (("phone", r.phone == values["phone"]),
                                                ("nik", bool(values["nik"]) and r.nik == values["nik"])) if same)
            if known.get(r.id) == reason:
                continue
            for a, b in ((lead_id, r.id), (r.id, lead_id)):
                conn.execute(delete(lead_duplicates).where(lead_duplicates.c.lead_id == a,
                                                           lead_duplicates.c.other_id == b))
                conn.execute(insert(lead_duplicates).values(lead_id=a, other_id=b, reason=reason, created_at=now))
            added.append(r.id)
        if added:
            self._audit(conn, "system", "lead.possible_duplicate", "lead", lead_id, {"others": added})

    def _new_reference(self, conn: Connection) -> str:
        while True:
            ref = REFERENCE_PREFIX + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(REFERENCE_LENGTH))
            if conn.execute(select(leads.c.id).where(leads.c.reference == ref)).first() is None:
                return ref

    def _referral_known(self, conn: Connection, code: str | None) -> bool:
        if not code:
            return False
        return conn.execute(select(agents.c.id).where(agents.c.code == code.upper(),
                                                       agents.c.status == "approved")).first() is not None

    @staticmethod
    def _lead_payload(lead: Lead) -> Dict[str, Any]:
        """What goes into the outbox: ids and categories only; consumers read the lead itself."""
        return {"lead_id": lead.id, "type": lead.type, "status": lead.status, "channel": lead.channel,
                "regency": lead.regency, "referral": lead.referral}

    def _load_lead(self, conn: Connection, lead_id: int, with_history: bool = False) -> Lead | None:
        row = conn.execute(select(leads).where(leads.c.id == lead_id)).first()
        if row is None:
            return None
        history = self._history(conn, [lead_id]).get(lead_id, []) if with_history else []
        return self._lead(row, history, self._duplicates(conn, [lead_id]).get(lead_id, []))

    @staticmethod
    def _lead(row, history: Sequence[StatusChange] = (), duplicates: Sequence[LeadLink] = ()) -> Lead:
        m = dict(row._mapping)
        return Lead(history=list(history), possible_duplicates=list(duplicates), **m)

    @staticmethod
    def _duplicates(conn: Connection, lead_ids: Sequence[int]) -> Dict[int, List[LeadLink]]:
        out: Dict[int, List[LeadLink]] = {}
        if not lead_ids:
            return out
        rows = conn.execute(select(lead_duplicates.c.lead_id, leads.c.id, leads.c.reference, lead_duplicates.c.reason)
                            .join(leads, leads.c.id == lead_duplicates.c.other_id)
                            .where(lead_duplicates.c.lead_id.in_(lead_ids))
                            .order_by(lead_duplicates.c.lead_id, lead_duplicates.c.other_id))
        for r in rows:
            out.setdefault(r.lead_id, []).append(LeadLink(id=r.id, reference=r.reference, reason=r.reason))
        return out

    @staticmethod
    def _history(conn: Connection, lead_ids: Sequence[int]) -> Dict[int, List[StatusChange]]:
        out: Dict[int, List[StatusChange]] = {}
        if not lead_ids:
            return out
        rows = conn.execute(select(lead_status_history).where(lead_status_history.c.lead_id.in_(lead_ids))
                            .order_by(lead_status_history.c.id))
        for r in rows:
            out.setdefault(r.lead_id, []).append(StatusChange(**dict(r._mapping)))
        return out

    def get_lead(self, lead_id: int, with_history: bool = True) -> Lead | None:
        with self._ro() as conn:
            return self._load_lead(conn, int(lead_id), with_history=with_history)

    def get_lead_by_reference(self, reference: str, with_history: bool = True) -> Lead | None:
        """The lead with this reference as a person may type it ("lk-7k2m9q", "7K2M 9Q"), or None."""
        ref = normalize_reference(reference)
        if ref is None:
            return None
        with self._ro() as conn:
            lead_id = conn.execute(select(leads.c.id).where(leads.c.reference == ref)).scalar()
            return None if lead_id is None else self._load_lead(conn, lead_id, with_history=with_history)

    def leads_for_sender(self, sender_id: str) -> List[Lead]:
        with self._ro() as conn:
            rows = conn.execute(select(leads).where(leads.c.sender_id == sender_id).order_by(leads.c.id)).all()
            history = self._history(conn, [r.id for r in rows])
            return [self._lead(r, history.get(r.id, [])) for r in rows]

    def set_lead_status(self, lead_id: int, status: str, actor: str, note: str | None = None,
                        force: bool = False) -> Lead:
        """Change a lead's status (staff). Writes history, audit log and a funnel event.

        A lead claimed by another staff member keeps its status (:class:`LeadClaimedError`) unless ``force``
        (an admin's override, marked in the audit log)."""
        if status not in LEAD_STATUSES:
            raise ValueError(f"unknown lead status {status!r}; one of {LEAD_STATUSES}")
        actor = self._actor(actor)
        note = _clean(note, 2000)
        now = self.now()
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(leads).where(leads.c.id == int(lead_id)))).first()
            if row is None:
                raise NotFound(f"lead {lead_id} does not exist")
            overrides = bool(row.claimed_by) and row.claimed_by != actor
            if overrides and not force:
                raise LeadClaimedError(row.id, row.claimed_by)
            values = {"status": status, "updated_at": now}
            if status != row.status:
                values["status_changed_at"] = now
            conn.execute(update(leads).where(leads.c.id == row.id).values(**values))
            conn.execute(insert(lead_status_history).values(lead_id=row.id, from_status=row.status, to_status=status,
                                                            actor=actor, note=note, created_at=now))
            details = {"from": row.status, "to": status, "note": bool(note)}
            if overrides:
                details["override_of"] = row.claimed_by
            self._audit(conn, actor, "lead.status", "lead", row.id, details)
            if status != row.status:
                self._event(conn, "lead_status_changed", now=now, channel=row.channel, sender_id=None,
                            regency=row.regency, sector=row.sector, agent_code=row.referral, lead_type=row.type,
                            lead_id=row.id, status=status)
            return self._load_lead(conn, row.id, with_history=True)

    def add_lead_note(self, lead_id: int, actor: str, note: str) -> Lead:
        """A staff note (kept in the status history as a row from and to the current status).

        Any active staff member may add one, claimed lead or not; it never writes the status (a status change
        that lands meanwhile is kept) and counts as touching the lead (``updated_at``)."""
        actor = self._actor(actor)
        note = _clean(note, 2000)
        if not note:
            raise ValueError("a note needs text")
        now = self.now()
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(leads.c.id, leads.c.status)
                                                .where(leads.c.id == int(lead_id)))).first()
            if row is None:
                raise NotFound(f"lead {lead_id} does not exist")
            conn.execute(update(leads).where(leads.c.id == row.id).values(updated_at=now))
            conn.execute(insert(lead_status_history).values(lead_id=row.id, from_status=row.status,
                                                            to_status=row.status, actor=actor, note=note,
                                                            created_at=now))
            self._audit(conn, actor, "lead.note", "lead", row.id, {"status": row.status})
            return self._load_lead(conn, row.id, with_history=True)

    def claim_lead(self, lead_id: int, actor: str, force: bool = False) -> Lead:
        """Staff member ``actor`` takes the lead. Raises :class:`LeadClaimedError` if someone else has it."""
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(leads).where(leads.c.id == int(lead_id)))).first()
            if row is None:
                raise NotFound(f"lead {lead_id} does not exist")
            if row.claimed_by and row.claimed_by != actor and not force:
                raise LeadClaimedError(row.id, row.claimed_by)
            if row.claimed_by != actor:
                conn.execute(update(leads).where(leads.c.id == row.id)
                             .values(claimed_by=actor, claimed_at=now, updated_at=now))
                self._audit(conn, actor, "lead.claim", "lead", row.id, {"previous": row.claimed_by})
            return self._load_lead(conn, row.id, with_history=True)

    def list_leads(self, *, status: Union[None, str, Iterable[str]] = None, regency: str | None = None,
                   agent: str | None = None, type: Union[None, str, Iterable[str]] = None,
                   older_than_hours: float | None = None, untouched_hours: float | None = None,
                   created_from: dt.datetime | None = None, created_to: dt.datetime | None = None,
                   claimed_by: str | None = None, search: str | None = None, open_only: bool = False,
                   limit: int | None = 100, offset: int = 0, oldest_first: bool = False) -> List[Lead]:
        """Leads matching every filter given, newest first (``oldest_first`` for reminders).

        ``older_than_hours``: created at least that long ago. ``untouched_hours``: not updated for
        that long (a claim, a note or a status change touches a lead). ``agent``: referral code.
        ``search``: part of the name (any case), of the phone number, or the lead id.
        """
        stmt = select(leads).where(*self._lead_filters(
            status=status, regency=regency, agent=agent, type=type, older_than_hours=older_than_hours,
            untouched_hours=untouched_hours, created_from=created_from, created_to=created_to,
            claimed_by=claimed_by, search=search, open_only=open_only))
        order = leads.c.id.asc() if oldest_first else leads.c.id.desc()
        stmt = stmt.order_by(order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._ro() as conn:
            rows = conn.execute(stmt).all()
            duplicates = self._duplicates(conn, [r.id for r in rows])
            return [self._lead(r, (), duplicates.get(r.id, [])) for r in rows]

    def count_leads(self, **filters: Any) -> int:
        with self._ro() as conn:
            return conn.execute(select(func.count()).select_from(leads)
                                .where(*self._lead_filters(**filters))).scalar_one()

    def _lead_filters(self, *, status=None, regency=None, agent=None, type=None, older_than_hours=None,
                      untouched_hours=None, created_from=None, created_to=None, claimed_by=None, search=None,
                      open_only=False) -> list:
        now = self.now()
        where = []
        statuses = _as_list(status)
        if statuses:
            where.append(leads.c.status.in_(statuses))
        if open_only:
            where.append(leads.c.status.in_(OPEN_STATUSES))
        types = _as_list(type)
        if types:
            where.append(leads.c.type.in_(types))
        if regency:
            where.append(func.lower(leads.c.regency) == regency.strip().lower())
        if agent:
            where.append(leads.c.referral == agent.strip().upper())
        if older_than_hours is not None:
            where.append(leads.c.created_at <= now - dt.timedelta(hours=older_than_hours))
        if untouched_hours is not None:
            where.append(leads.c.updated_at <= now - dt.timedelta(hours=untouched_hours))
        if created_from is not None:
            where.append(leads.c.created_at >= created_from)
        if created_to is not None:
            where.append(leads.c.created_at < created_to)
        if claimed_by:
            where.append(leads.c.claimed_by == claimed_by)
        if search and search.strip():
            q = search.strip()
            cond = [func.lower(leads.c.name).like(f"%{_like_escape(q.lower())}%", escape="\\")]
            digits = "".join(ch for ch in q if ch.isdigit())
            if len(digits) >= 4:
                national = digits[2:] if digits.startswith("62") else digits.lstrip("0")
                cond.append(leads.c.phone.like(f"%{national}%"))
            if q.isdigit() and len(q) <= 9:
                cond.append(leads.c.id == int(q))
            ref = normalize_reference(q)
            if ref:
                cond.append(leads.c.reference == ref)
            where.append(or_(*cond))
        return where

    def export_leads_csv(self, out: TextIO | None = None, *, full_nik: bool = False, **filters: Any) -> str:
        """Every lead matching ``filters`` (see :meth:`list_leads`) as CSV, header row first, oldest first.

        The NIK is masked unless ``full_nik``; cells a spreadsheet would run as a formula are
        prefixed with a quote. Writes to ``out`` when given; returns the text otherwise.
        """
        filters.setdefault("limit", None)
        filters["oldest_first"] = True
        buf = out or io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for lead in self.list_leads(**filters):
            row = []
            for col in EXPORT_COLUMNS:
                if col == "eligibility_category":
                    value = (lead.eligibility or {}).get("category")
                elif col == "nik":
                    value = lead.nik if full_nik else mask_nik(lead.nik)
                elif col == "possible_duplicate_of":
                    value = " ".join(d.reference or f"#{d.id}" for d in lead.possible_duplicates)
                else:
                    value = getattr(lead, col)
                row.append(_csv_cell(value))
            writer.writerow(row)
        return "" if out is not None else buf.getvalue()

    def record_export(self, actor: str, *, rows: int, via: str, full_nik: bool = False,
                      filters: Iterable[str] = ()) -> None:
        """Write an export of leads to the audit log: who, how many rows, how (``dashboard``/``cli``), whether
        NIKs were unmasked, and which filters were used (their names only: a search text is not copied)."""
        with self._tx() as conn:
            self._audit(conn, self._actor(actor), "lead.export", "lead", None,
                        {"rows": int(rows), "via": str(via)[:16], "full_nik": bool(full_nik),
                         "filters": sorted(str(f) for f in filters)})

    # ------------------------------------------------------------------ a person's own data
    def data_for_sender(self, sender_id: str) -> Dict[str, Any]:
        """Everything stored about the person behind ``sender_id`` ("data saya"), JSON-friendly.

        Only the sender's own records: leads are found by their owner's sender id, never by phone or NIK,
        and the staff-only links to other people's leads (possible duplicates) are left out."""
        with self._ro() as conn:
            lead_rows = conn.execute(select(leads).where(leads.c.sender_id == sender_id).order_by(leads.c.id)).all()
            history = self._history(conn, [r.id for r in lead_rows])
            handoff_rows = conn.execute(select(handoffs).where(handoffs.c.sender_id == sender_id)
                                        .order_by(handoffs.c.id)).all()
            tid = _telegram_id(sender_id)
            agent = staff = None
            if tid is not None:
                a = conn.execute(select(agents).where(agents.c.telegram_user_id == tid)).first()
                agent = Agent(**dict(a._mapping)).to_dict() if a else None
                s = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                staff = StaffUser(**dict(s._mapping)).to_dict() if s else None
            subject = self._subject(conn, sender_id, create=False)
            n_events = 0
            if subject:
                n_events = conn.execute(select(func.count()).select_from(metric_events)
                                        .where(metric_events.c.subject == subject)).scalar_one()
        return {
            "sender_id": sender_id,
            "leads": [_without_duplicates(self._lead(r, history.get(r.id, [])).to_dict()) for r in lead_rows],
            "handoffs": [Handoff(**dict(r._mapping)).to_dict() for r in handoff_rows],
            "agent": agent,
            "staff": staff,
            "anonymous_events": n_events,
        }

    def delete_sender_data(self, sender_id: str) -> Dict[str, int]:
        """Delete the person's leads (with their history and pending notifications) and handoffs,
        clear the personal fields of their agent record, and unlink their metric events.

        Metric events stay for the funnel, but their subject hash is replaced by a random value
        (the same one for all of this person's events), so unique counts still add up while nothing
        links them to the sender id any more. Returns what was deleted, by kind.
        """
        now = self.now()
        with self._tx() as conn:
            lead_rows = conn.execute(self._for_update(select(leads.c.id, leads.c.type, leads.c.status)
                                                      .where(leads.c.sender_id == sender_id))).all()
            lead_ids = [r.id for r in lead_rows]
            handoff_ids = [r.id for r in conn.execute(self._for_update(
                select(handoffs.c.id).where(handoffs.c.sender_id == sender_id)))]
            counts = {"leads": len(lead_ids), "handoffs": len(handoff_ids), "status_history": 0, "outbox": 0,
                      "agent": 0, "events_unlinked": 0, "cards": 0}
            if lead_ids:
                counts["status_history"] = conn.execute(
                    delete(lead_status_history).where(lead_status_history.c.lead_id.in_(lead_ids))).rowcount
                counts["outbox"] += conn.execute(delete(outbox).where(outbox.c.lead_id.in_(lead_ids))).rowcount
                conn.execute(delete(leads).where(leads.c.id.in_(lead_ids)))
                for r in lead_rows:
                    self._audit(conn, "owner", "lead.deleted", "lead", r.id, {"type": r.type, "status": r.status})
            if handoff_ids:
                counts["outbox"] += conn.execute(delete(outbox).where(outbox.c.handoff_id.in_(handoff_ids))).rowcount
                conn.execute(delete(handoffs).where(handoffs.c.id.in_(handoff_ids)))
            counts["cards"] = self._redact_cards(conn, "owner", lead_ids=lead_ids, handoff_ids=handoff_ids)
            tid = _telegram_id(sender_id)
            if tid is not None:
                agent = conn.execute(select(agents).where(agents.c.telegram_user_id == tid)).first()
                if agent is not None:
                    # The code stays (past leads and events refer to it); who the agent was does not.
                    conn.execute(update(agents).where(agents.c.id == agent.id).values(
                        telegram_user_id=None, name=None, phone=None, organisation=None,
                        status="inactive" if agent.status in ("approved", "applied") else agent.status,
                        updated_at=now))
                    conn.execute(delete(outbox).where(outbox.c.agent_id == agent.id,
                                                      outbox.c.delivered_at.is_(None)))
                    self._audit(conn, "owner", "agent.anonymised", "agent", agent.id, {"code": agent.code})
                    # after the UPDATE (which waits for a record_card holding the row): its card is seen here
                    counts["cards"] += self._redact_cards(conn, "owner", agent_ids=[agent.id])
                    counts["agent"] = 1
            subject = self._subject(conn, sender_id, create=False)
            if subject:
                counts["events_unlinked"] = conn.execute(
                    update(metric_events).where(metric_events.c.subject == subject)
                    .values(subject="x" + secrets.token_hex(15))).rowcount
            bucket = now.astimezone(self._zone).strftime("%Y-%m")
            self._bump(conn, "data_deletions", bucket, 1)
            if lead_ids:
                self._bump(conn, "leads_deleted", bucket, len(lead_ids))
            self._event(conn, "data_deleted", now=now, channel=_channel_of(sender_id), sender_id=None)
        return counts

    # ------------------------------------------------------------------ posted staff cards
    def record_card(self, chat_id: int, message_id: int, *, lead_id: int | None = None,
                    handoff_id: int | None = None, agent_id: int | None = None, kind: str | None = None) -> bool:
        """Remember where a staff card about a lead, handoff or agent application was posted, so that
        deleting the data later edits the card too. Returns False when the data was deleted while the card
        was being posted: then the card is queued for the same edit at once (a ``cards.redact`` event).
        ``kind="reminder"``: the message is the daily list, which names this lead among others.

        The subject's row is locked (PostgreSQL) so this never races a deletion past each other: either
        the deletion sees this card, or this sees the deletion."""
        target = ((leads, lead_id) if lead_id is not None else (handoffs, handoff_id) if handoff_id is not None
                  else (agents, agent_id) if agent_id is not None else (None, None))
        if target[0] is None:
            raise ValueError("a card is about a lead, a handoff or an agent")
        table, key = target
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(table).where(table.c.id == key))).first()
            gone = row is None or (table is agents and row.telegram_user_id is None)
            if gone:
                self._outbox(conn, "cards.redact", {"cards": [[int(chat_id), int(message_id)]], "reason": "owner",
                                                    "kind": kind or _card_kind(lead_id, handoff_id)})
                return False
            conn.execute(insert(posted_cards).values(lead_id=lead_id, handoff_id=handoff_id, agent_id=agent_id,
                                                     chat_id=int(chat_id), message_id=int(message_id), kind=kind,
                                                     posted_at=self.now()))
            return True

    def cards_for(self, *, lead_id: int | None = None, handoff_id: int | None = None,
                  agent_id: int | None = None, kind: str | None = None) -> List[tuple]:
        """(chat_id, message_id) of the recorded cards (``kind=None``) or reminders (``"reminder"``) about one
        lead, handoff or agent."""
        stmt = select(posted_cards.c.chat_id, posted_cards.c.message_id).order_by(posted_cards.c.id)
        stmt = stmt.where(posted_cards.c.kind.is_(None) if kind is None else posted_cards.c.kind == kind)
        for col, value in ((posted_cards.c.lead_id, lead_id), (posted_cards.c.handoff_id, handoff_id),
                           (posted_cards.c.agent_id, agent_id)):
            if value is not None:
                stmt = stmt.where(col == value)
        with self._ro() as conn:
            return [(r.chat_id, r.message_id) for r in conn.execute(stmt)]

    def _redact_cards(self, conn: Connection, reason: str, *, lead_ids: Sequence[int] = (),
                      handoff_ids: Sequence[int] = (), agent_ids: Sequence[int] = ()) -> int:
        """Forget the cards about these leads/handoffs/agents and queue one ``cards.redact`` event per kind
        (the notifier edits each message to say the data was deleted). Returns the number of cards."""
        total = 0
        for kind, col, ids in (("lead", posted_cards.c.lead_id, lead_ids),
                               ("handoff", posted_cards.c.handoff_id, handoff_ids),
                               ("agent", posted_cards.c.agent_id, agent_ids)):
            if not ids:
                continue
            rows = conn.execute(select(posted_cards.c.chat_id, posted_cards.c.message_id, posted_cards.c.kind)
                                .where(col.in_(list(ids))).order_by(posted_cards.c.id)).all()
            if not rows:
                continue
            conn.execute(delete(posted_cards).where(col.in_(list(ids))))
            for what in (kind, "reminder"):
                cards = list(dict.fromkeys((r.chat_id, r.message_id) for r in rows
                                           if (r.kind == "reminder") == (what == "reminder")))
                if cards:
                    self._outbox(conn, "cards.redact", {"cards": [list(c) for c in cards], "reason": reason,
                                                        "kind": what})
                    total += len(cards)
        return total

    # ------------------------------------------------------------------ retention
    def prune_retention(self, days: float | None = None) -> Dict[str, int]:
        """Delete leads closed longer than ``days`` (default ``LEAD_RETENTION_DAYS``, 365) and closed
        handoffs as old; see :mod:`lingkar.store.retention`. Funnel counts stay the same."""
        from lingkar.store.retention import prune

        return prune(self, days)

    # ------------------------------------------------------------------ outbox
    def claim_outbox(self, consumer: str, limit: int = 10, lease_seconds: float = 60.0,
                     topics: Iterable[str] | None = None) -> List[OutboxEvent]:
        """Hand up to ``limit`` undelivered events to ``consumer`` for ``lease_seconds``: events about leads
        first, then the rest, oldest first within each.

        An event is handed to one consumer at a time. Call :meth:`ack_outbox` after delivering it;
        if the consumer dies instead, the event is handed out again once the lease has passed.
        """
        consumer = self._actor(consumer)
        now = self.now()
        lease_until = now + dt.timedelta(seconds=lease_seconds)
        topic_list = _as_list(topics)
        available = and_(outbox.c.delivered_at.is_(None),
                         or_(outbox.c.claimed_by.is_(None), outbox.c.lease_until <= now))
        stmt = select(outbox.c.id).where(available)
        if topic_list:
            stmt = stmt.where(outbox.c.topic.in_(topic_list))
        # new leads (and news about them) first: a flood of other events cannot hold up real work
        stmt = stmt.order_by(case((outbox.c.topic.like("lead.%"), 0), else_=1), outbox.c.id).limit(limit)
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        claimed: List[OutboxEvent] = []
        with self._tx() as conn:
            for event_id in conn.execute(stmt).scalars().all():
                token = secrets.token_hex(8)
                # The condition is re-checked in the UPDATE itself: whoever updates first wins.
                res = conn.execute(update(outbox).where(outbox.c.id == event_id, available).values(
                    claimed_by=consumer, claim_token=token, lease_until=lease_until,
                    attempts=outbox.c.attempts + 1))
                if res.rowcount == 1:
                    row = conn.execute(select(outbox).where(outbox.c.id == event_id)).first()
                    claimed.append(self._outbox_event(row))
        return claimed

    def ack_outbox(self, event_id: int, consumer: str) -> bool:
        """Mark an event delivered. False if ``consumer`` no longer holds it (lease passed and
        another consumer claimed it, or it was already acked): then do not count it as yours."""
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(outbox).where(outbox.c.id == int(event_id), outbox.c.claimed_by == consumer,
                                                    outbox.c.delivered_at.is_(None))
                               .values(delivered_at=now, delivered_by=consumer, lease_until=None))
            return res.rowcount == 1

    def release_outbox(self, event_id: int, consumer: str) -> bool:
        """Give a claimed event back at once (delivery failed; let it be retried)."""
        with self._tx() as conn:
            res = conn.execute(update(outbox).where(outbox.c.id == int(event_id), outbox.c.claimed_by == consumer,
                                                    outbox.c.delivered_at.is_(None))
                               .values(claimed_by=None, claim_token=None, lease_until=None))
            return res.rowcount == 1

    def skip_outbox(self, event_id: int, consumer: str, reason: str) -> bool:
        """Settle a claimed event without delivering it (``delivered_by`` = ``skipped:<reason>``): recorded,
        never handed out again. False if ``consumer`` no longer holds it."""
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(outbox).where(outbox.c.id == int(event_id), outbox.c.claimed_by == consumer,
                                                    outbox.c.delivered_at.is_(None))
                               .values(delivered_at=now, delivered_by=f"skipped:{reason}"[:64], lease_until=None))
            return res.rowcount == 1

    def outbox_sender(self, event: OutboxEvent) -> str | None:
        """The person an event is about (the sender of its lead or handoff), or None."""
        with self._ro() as conn:
            if event.lead_id is not None:
                return conn.execute(select(leads.c.sender_id).where(leads.c.id == event.lead_id)).scalar()
            if event.handoff_id is not None:
                return conn.execute(select(handoffs.c.sender_id).where(handoffs.c.id == event.handoff_id)).scalar()
        return None

    def notifications_for_sender(self, sender_id: str, since: dt.datetime) -> int:
        """How many events about ``sender_id``'s leads and handoffs were delivered (not skipped) since ``since``."""
        delivered = and_(outbox.c.delivered_at >= since,
                         or_(outbox.c.delivered_by.is_(None), ~outbox.c.delivered_by.like("skipped:%")))
        by_lead = (select(func.count()).select_from(outbox.join(leads, leads.c.id == outbox.c.lead_id))
                   .where(delivered, leads.c.sender_id == sender_id))
        by_handoff = (select(func.count()).select_from(outbox.join(handoffs, handoffs.c.id == outbox.c.handoff_id))
                      .where(delivered, outbox.c.lead_id.is_(None), handoffs.c.sender_id == sender_id))
        with self._ro() as conn:
            return conn.execute(by_lead).scalar_one() + conn.execute(by_handoff).scalar_one()

    def outbox_pending(self, topics: Iterable[str] | None = None) -> int:
        """How many events are not delivered yet (claimed or not)."""
        stmt = select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
        if topics:
            stmt = stmt.where(outbox.c.topic.in_(_as_list(topics)))
        with self._ro() as conn:
            return conn.execute(stmt).scalar_one()

    def _outbox(self, conn: Connection, topic: str, payload: Dict[str, Any], *, lead_id: int | None = None,
                handoff_id: int | None = None, agent_id: int | None = None) -> None:
        conn.execute(insert(outbox).values(topic=topic, payload=payload, lead_id=lead_id, handoff_id=handoff_id,
                                           agent_id=agent_id, created_at=self.now(), attempts=0))

    @staticmethod
    def _outbox_event(row) -> OutboxEvent:
        m = row._mapping
        return OutboxEvent(id=m["id"], topic=m["topic"], payload=m["payload"], lead_id=m["lead_id"],
                           handoff_id=m["handoff_id"], agent_id=m["agent_id"], created_at=m["created_at"],
                           attempts=m["attempts"], claimed_by=m["claimed_by"], lease_until=m["lease_until"])

    # ------------------------------------------------------------------ handoffs
    def record_handoff(self, sender_id: str, channel: str, referral: str | None = None,
                       topic: str | None = None) -> Handoff:
        """A person asked to talk to a human. Staff are told through the outbox (``handoff.requested``).

        One open request per sender: asking again while one is open updates it (its topic, if a new one is
        given, and ``updated_at``), with no new row, outbox event or funnel event."""
        now = self.now()
        referral = _clean(referral, 64)
        referral = referral.upper() if referral else None
        with self._tx() as conn:
            self._advisory_lock(conn, _lock_key("handoff", sender_id))
            open_row = conn.execute(self._for_update(
                select(handoffs).where(handoffs.c.sender_id == sender_id, handoffs.c.status == "open")
                .order_by(handoffs.c.id.desc()))).first()
            if open_row is not None:
                values = {"updated_at": now}
                if _clean(topic, 2000):
                    values["topic"] = _clean(topic, 2000)
                conn.execute(update(handoffs).where(handoffs.c.id == open_row.id).values(**values))
                self._bump(conn, "handoff_repeated", now.date().isoformat(), 1)
                r = conn.execute(select(handoffs).where(handoffs.c.id == open_row.id)).first()
                return Handoff(**dict(r._mapping))
            row = {"sender_id": sender_id, "channel": channel, "referral": referral, "topic": _clean(topic, 2000),
                   "status": "open", "handled_by": None, "created_at": now, "updated_at": now}
            hid = self._insert_id(conn, handoffs, row)
            self._outbox(conn, "handoff.requested", {"handoff_id": hid, "channel": channel, "referral": referral},
                         handoff_id=hid)
            self._event(conn, "handoff_requested", now=now, channel=channel, sender_id=sender_id,
                        agent_code=referral)
            return Handoff(id=hid, **row)

    def list_handoffs(self, status: str | None = "open", limit: int = 100) -> List[Handoff]:
        stmt = select(handoffs).order_by(handoffs.c.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(handoffs.c.status == status)
        with self._ro() as conn:
            return [Handoff(**dict(r._mapping)) for r in conn.execute(stmt)]

    def get_handoff(self, handoff_id: int) -> Handoff | None:
        with self._ro() as conn:
            r = conn.execute(select(handoffs).where(handoffs.c.id == int(handoff_id))).first()
            return Handoff(**dict(r._mapping)) if r else None

    def set_handoff_status(self, handoff_id: int, status: str, actor: str) -> Handoff:
        if status not in HANDOFF_STATUSES:
            raise ValueError(f"unknown handoff status {status!r}")
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(handoffs).where(handoffs.c.id == int(handoff_id))
                               .values(status=status, handled_by=actor, updated_at=now))
            if res.rowcount != 1:
                raise NotFound(f"handoff {handoff_id} does not exist")
            self._audit(conn, actor, "handoff.status", "handoff", handoff_id, {"to": status})
            r = conn.execute(select(handoffs).where(handoffs.c.id == int(handoff_id))).first()
            return Handoff(**dict(r._mapping))

    # ------------------------------------------------------------------ agents
    def apply_agent(self, *, telegram_user_id: int, name: str, organisation: str | None, regency: str | None,
                    phone: str, consent_version: str, consent_at: dt.datetime | None = None,
                    cooldown: dt.timedelta = AGENT_REAPPLY_COOLDOWN) -> Agent:
        """A person applies to be an Agen Perisai (status ``applied``; staff decide).

        An applicant who was made inactive may apply again, one who was rejected once ``cooldown`` has
        passed since the decision (else :class:`AgentCooldownError`); an approved agent's record is
        returned unchanged. Writes ``agent.applied`` to the outbox for the staff group.
        """
        name_c = _clean(name, 200)
        if not name_c:
            raise LeadValidationError("name", "Nama belum diisi. Tulis nama lengkap Anda, ya.")
        check = check_phone(phone)
        if not check.ok:
            raise LeadValidationError("phone", check.message)
        if not consent_version:
            raise LeadValidationError("consent", "Data pribadi hanya disimpan setelah ada persetujuan.")
        now = self.now()
        consent_at = (consent_at or now).astimezone(dt.timezone.utc)
        fields = {"name": name_c, "organisation": _clean(organisation, 200), "regency": _clean(regency, 100),
                  "phone": check.e164, "consent_at": consent_at, "consent_version": str(consent_version)[:32]}
        tid = int(telegram_user_id)
        for _attempt in range(5):
            try:
                with self._tx() as conn:
                    self._advisory_lock(conn, _lock_key("agent", str(tid)))
                    row = conn.execute(self._for_update(select(agents).where(agents.c.telegram_user_id == tid))).first()
                    if row is not None and row.status == "approved":
                        return Agent(**dict(row._mapping))
                    until = self._cooldown_until(row, cooldown)
                    if until is not None and now < until:
                        raise AgentCooldownError(until)
                    if row is None:
                        agent_id = self._insert_id(conn, agents, dict(
                            fields, code=self._new_code(conn), telegram_user_id=tid, status="applied",
                            applied_at=now, created_at=now, updated_at=now))
                    else:
                        agent_id = row.id
                        conn.execute(update(agents).where(agents.c.id == agent_id).values(
                            status="applied", applied_at=now, decided_at=None, decided_by=None, updated_at=now,
                            **fields))
                    self._audit(conn, "applicant", "agent.applied", "agent", agent_id,
                                {"reapplied": row is not None})
                    self._outbox(conn, "agent.applied", {"agent_id": agent_id, "regency": fields["regency"]},
                                 agent_id=agent_id)
                    self._event(conn, "agent_applied", now=now, channel="telegram", sender_id=None,
                                regency=fields["regency"])
                    r = conn.execute(select(agents).where(agents.c.id == agent_id)).first()
                    return Agent(**dict(r._mapping))
            except IntegrityError:  # a code collided, or the same person applied twice at once
                continue
        raise StoreError("could not store the agent application")

    @staticmethod
    def _cooldown_until(row: Any, cooldown: dt.timedelta) -> dt.datetime | None:
        """When a rejected applicant may apply again (None: not rejected)."""
        if row is None or row.status != "rejected" or row.decided_at is None:
            return None
        return row.decided_at + cooldown

    def reapply_allowed_from(self, telegram_user_id: int,
                             cooldown: dt.timedelta = AGENT_REAPPLY_COOLDOWN) -> dt.datetime | None:
        """The moment a rejected applicant may apply again, if that is still ahead; None when they may now."""
        with self._ro() as conn:
            row = conn.execute(select(agents).where(agents.c.telegram_user_id == int(telegram_user_id))).first()
        until = self._cooldown_until(row, cooldown)
        return until if until is not None and self.now() < until else None

    @staticmethod
    def _new_code(conn: Connection) -> str:
        while True:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            if conn.execute(select(agents.c.id).where(agents.c.code == code)).first() is None:
                return code

    def set_agent_status(self, agent_id: int, status: str, actor: str) -> Agent:
        """Approve, reject or deactivate an agent (staff). Audited; counted as an event.

        Nobody decides their own application: :class:`SelfDecisionError` when ``actor`` is the applicant."""
        if status not in AGENT_STATUSES:
            raise ValueError(f"unknown agent status {status!r}")
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(agents).where(agents.c.id == int(agent_id)))).first()
            if row is None:
                raise NotFound(f"agent {agent_id} does not exist")
            if row.telegram_user_id is not None and actor == f"telegram:{int(row.telegram_user_id)}":
                raise SelfDecisionError(f"agent {agent_id}: an applicant cannot decide their own application")
            conn.execute(update(agents).where(agents.c.id == row.id).values(
                status=status, decided_at=now, decided_by=actor, updated_at=now))
            self._audit(conn, actor, "agent.status", "agent", row.id, {"from": row.status, "to": status})
            if status != row.status:
                self._event(conn, "agent_status_changed", now=now, regency=row.regency, agent_code=row.code,
                            status=status, sender_id=None)
                # tells the agent (their link and QR code on approval), whichever process decided
                self._outbox(conn, "agent.status", {"agent_id": row.id, "from": row.status, "to": status},
                             agent_id=row.id)
            r = conn.execute(select(agents).where(agents.c.id == row.id)).first()
            return Agent(**dict(r._mapping))

    def get_agent(self, agent_id: int) -> Agent | None:
        return self._one_agent(agents.c.id == int(agent_id))

    def agent_by_code(self, code: str) -> Agent | None:
        if not code:
            return None
        code = code.strip()
        if code.lower().startswith("ag_"):
            code = code[3:]
        return self._one_agent(agents.c.code == code.upper())

    def agent_by_telegram_id(self, telegram_user_id: int) -> Agent | None:
        return self._one_agent(agents.c.telegram_user_id == int(telegram_user_id))

    def _one_agent(self, cond) -> Agent | None:
        with self._ro() as conn:
            r = conn.execute(select(agents).where(cond)).first()
            return Agent(**dict(r._mapping)) if r else None

    def list_agents(self, status: Union[None, str, Iterable[str]] = None) -> List[Agent]:
        stmt = select(agents).order_by(agents.c.id)
        statuses = _as_list(status)
        if statuses:
            stmt = stmt.where(agents.c.status.in_(statuses))
        with self._ro() as conn:
            return [Agent(**dict(r._mapping)) for r in conn.execute(stmt)]

    # ------------------------------------------------------------------ staff
    def add_staff(self, telegram_user_id: int, name: str | None, role: str = "staff",
                  actor: str = "system") -> StaffUser:
        """Add a staff user or update their name/role and make them active again."""
        if role not in STAFF_ROLES:
            raise ValueError(f"unknown staff role {role!r}")
        actor = self._actor(actor)
        tid = int(telegram_user_id)
        now = self.now()
        for _attempt in range(3):
            try:
                with self._tx() as conn:
                    row = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    if row is None:
                        self._insert_id(conn, staff_users, {"telegram_user_id": tid, "name": _clean(name, 200),
                                                            "role": role, "active": True, "created_at": now,
                                                            "updated_at": now})
                        self._audit(conn, actor, "staff.added", "staff", tid, {"role": role})
                    else:
                        values = {"role": role, "active": True, "updated_at": now}
                        if name:
                            values["name"] = _clean(name, 200)
                        conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
                        if row.role != role or not row.active:
                            self._audit(conn, actor, "staff.updated", "staff", tid,
                                        {"role": role, "previous_role": row.role, "was_active": row.active})
                    r = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    return StaffUser(**dict(r._mapping))
            except IntegrityError:  # added by another process at the same moment: update it instead
                continue
        raise StoreError("could not store the staff user")

    def ensure_admin(self, telegram_user_id: int, name: str | None = None) -> StaffUser:
        """The first admin comes from configuration: make sure they exist, are active and admin."""
        current = self.staff_by_telegram_id(telegram_user_id)
        if current and current.active and current.role == "admin":
            return current
        return self.add_staff(telegram_user_id, name or (current.name if current else None), "admin",
                              actor="system:config")

    def set_staff_active(self, telegram_user_id: int, active: bool, actor: str) -> StaffUser:
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(staff_users).where(staff_users.c.telegram_user_id == int(telegram_user_id))
                               .values(active=bool(active), updated_at=now))
            if res.rowcount != 1:
                raise NotFound(f"staff user {telegram_user_id} does not exist")
            self._audit(conn, actor, "staff.active" if active else "staff.inactive", "staff", telegram_user_id, {})
            r = conn.execute(select(staff_users)
                             .where(staff_users.c.telegram_user_id == int(telegram_user_id))).first()
            return StaffUser(**dict(r._mapping))

    def staff_by_telegram_id(self, telegram_user_id: int) -> StaffUser | None:
        with self._ro() as conn:
            r = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == int(telegram_user_id))).first()
            return StaffUser(**dict(r._mapping)) if r else None

    def list_staff(self, active_only: bool = False) -> List[StaffUser]:
        stmt = select(staff_users).order_by(staff_users.c.id)
        if active_only:
            stmt = stmt.where(staff_users.c.active.is_(True))
        with self._ro() as conn:
            return [StaffUser(**dict(r._mapping)) for r in conn.execute(stmt)]

    def role_of(self, telegram_user_id: int) -> str | None:
        """"admin", "staff", "agent" (an approved agent) or None, from the database only."""
        staff = self.staff_by_telegram_id(telegram_user_id)
        if staff and staff.active:
            return staff.role
        agent = self.agent_by_telegram_id(telegram_user_id)
        if agent and agent.is_active:
            return "agent"
        return None

    # ------------------------------------------------------------------ audit
    def audit_entries(self, target_type: str | None = None, target_id: Any = None, actor: str | None = None,
                      limit: int = 200) -> List[AuditEntry]:
        stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if target_type:
            stmt = stmt.where(audit_log.c.target_type == target_type)
        if target_id is not None:
            stmt = stmt.where(audit_log.c.target_id == str(target_id))
        if actor:
            stmt = stmt.where(audit_log.c.actor == actor)
        with self._ro() as conn:
            return [AuditEntry(**dict(r._mapping)) for r in conn.execute(stmt)]

    def _audit(self, conn: Connection, actor: str, action: str, target_type: str, target_id: Any,
               details: Dict[str, Any] | None) -> None:
        conn.execute(insert(audit_log).values(actor=actor, action=action, target_type=target_type,
                                              target_id=None if target_id is None else str(target_id),
                                              details=details, created_at=self.now()))

    @staticmethod
    def _actor(actor: str) -> str:
        actor = (str(actor).strip() if actor is not None else "")[:64]
        if not actor:
            raise ValueError("an actor (who does this) is required")
        return actor

    # ------------------------------------------------------------------ metric events
    def record_event(self, kind: str, *, channel: str | None = None, sender_id: str | None = None,
                     regency: str | None = None, sector: str | None = None, agent_code: str | None = None,
                     lead_type: str | None = None, lead_id: int | None = None, status: str | None = None,
                     occurred_at: dt.datetime | None = None) -> int:
        """Record a conversation milestone for the funnel. ``sender_id`` is stored only as a keyed
        hash (so unique people can be counted); nothing else personal may be passed."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; one of {EVENT_KINDS}")
        with self._tx() as conn:
            return self._event(conn, kind, now=occurred_at or self.now(), channel=channel, sender_id=sender_id,
                               regency=regency, sector=sector, agent_code=agent_code, lead_type=lead_type,
                               lead_id=lead_id, status=status)

    def _event(self, conn: Connection, kind: str, *, now: dt.datetime, sender_id: str | None,
               channel: str | None = None, regency: str | None = None, sector: str | None = None,
               agent_code: str | None = None, lead_type: str | None = None, lead_id: int | None = None,
               status: str | None = None) -> int:
        day = now.astimezone(self._zone).date()
        row = {"kind": kind, "occurred_at": now, "day": day, "week": day - dt.timedelta(days=day.weekday()),
               "channel": _clean(channel, 32), "regency": _clean(regency, 100), "sector": _clean(sector, 100),
               "agent_code": agent_code.strip().upper()[:16] if agent_code else None, "lead_type": lead_type,
               "lead_id": lead_id, "status": status,
               "subject": self._subject(conn, sender_id, create=True) if sender_id else None}
        return self._insert_id(conn, metric_events, row)

    def _subject(self, conn: Connection, sender_id: str, create: bool) -> str | None:
        salt = self._salt or self._stored_salt(conn, create)
        if salt is None:
            return None
        return hmac.new(salt.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]

    def _stored_salt(self, conn: Connection, create: bool) -> str | None:
        row = conn.execute(select(app_state.c.value).where(app_state.c.key == "metrics_salt")).first()
        if row is not None:
            return row.value
        if not create:
            return None
        salt = secrets.token_hex(32)
        if self.dialect == "postgresql":
            conn.execute(text("INSERT INTO app_state (key, value, updated_at) VALUES (:k, :v, :t) "
                              "ON CONFLICT (key) DO NOTHING"), {"k": "metrics_salt", "v": salt, "t": self.now()})
        else:  # SQLite: this transaction already holds the write lock
            conn.execute(insert(app_state).values(key="metrics_salt", value=salt, updated_at=self.now()))
        return conn.execute(select(app_state.c.value).where(app_state.c.key == "metrics_salt")).scalar_one()

    def funnel(self, group_by: str | None = None, *, since: dt.date | None = None,
               until: dt.date | None = None, channel: str | None = None, agent_code: str | None = None,
               regency: str | None = None, sector: str | None = None) -> List[FunnelRow]:
        """Chats → eligibility checks → leads → contacted → registered, from the metric events.

        ``group_by``: None (one total row), "week" (Monday's date), "day", "regency", "sector",
        "agent" or "channel". ``since``/``until`` are local dates (inclusive). Chats and checks count
        distinct people; leads count worker leads created in the period (sponsor offers are not
        workers); contacted/registered count those leads that reached the stage — in any period, so
        a lead from last week registered today still counts for last week when grouping by week.
        Each stage is grouped by what its own event recorded (a chat often has no regency yet).
        """
        col = None
        if group_by is not None:
            if group_by not in FUNNEL_GROUPS:
                raise ValueError(f"group_by must be one of {sorted(FUNNEL_GROUPS)}")
            col = metric_events.c[FUNNEL_GROUPS[group_by]]
        me = metric_events
        common = []
        if since:
            common.append(me.c.day >= since)
        if until:
            common.append(me.c.day <= until)
        for value, column in ((channel, me.c.channel), (regency, me.c.regency), (sector, me.c.sector)):
            if value:
                common.append(func.lower(column) == value.strip().lower())
        if agent_code:
            common.append(me.c.agent_code == agent_code.strip().upper())
        rows: Dict[Any, Dict[str, int]] = {}

        def add(stage: str, stmt) -> None:
            for key, n in conn.execute(stmt):
                rows.setdefault(key, {})[stage] = n

        def grouped(count_expr, *where):
            cols = [col if col is not None else text("NULL"), count_expr]
            stmt = select(*cols).select_from(me).where(*where, *common)
            return stmt.group_by(col) if col is not None else stmt

        with self._ro() as conn:
            # distinct people; events without a subject (backfilled by a migration) count one each
            people = func.count(func.distinct(me.c.subject)) + func.coalesce(
                func.sum(case((me.c.subject.is_(None), 1), else_=0)), 0)
            add("chats", grouped(people, me.c.kind == "chat_started"))
            checked = [me.c.kind == "eligibility_checked"]
            if group_by == "regency":
                # a worker who names the regency only after the result has a check without and one with it:
                # count them under their regency only, not in the "unknown" row as well
                known = me.alias("known")
                placed = select(known.c.subject).where(
                    known.c.kind == "eligibility_checked", known.c.regency.is_not(None),
                    known.c.subject.is_not(None), *([known.c.day >= since] if since else []),
                    *([known.c.day <= until] if until else []))
                checked.append(or_(me.c.regency.is_not(None), me.c.subject.is_(None), me.c.subject.not_in(placed)))
            add("checks", grouped(people, *checked))
            created = and_(me.c.kind == "lead_created", me.c.lead_type.in_(WORKER_LEAD_TYPES))
            add("leads", grouped(func.count(func.distinct(me.c.lead_id)), created))
            later = me.alias("later")
            for stage, statuses in (("contacted", CONTACTED_STATUSES), ("registered", REGISTERED_STATUSES)):
                reached = select(later.c.lead_id).where(later.c.kind == "lead_status_changed",
                                                        later.c.status.in_(statuses))
                add(stage, grouped(func.count(func.distinct(me.c.lead_id)), created, me.c.lead_id.in_(reached)))
        out = [FunnelRow(group=key, **counts) for key, counts in rows.items()]
        if group_by is None:
            return out or [FunnelRow(group=None)]
        return sorted(out, key=lambda r: (r.group is None, str(r.group)))

    def agent_stats(self, code: str, today: dt.date | None = None) -> Dict[str, FunnelRow]:
        """An agent's results from their link: ``{"month": ..., "total": ...}`` (for /statistik)."""
        if today is None:
            today = self.now().astimezone(self._zone).date()
        month = self.funnel(agent_code=code, since=today.replace(day=1), until=today)[0]
        total = self.funnel(agent_code=code)[0]
        return {"month": month, "total": total}

    def event_counts(self, kind: str | None = None) -> Dict[str, int]:
        """Number of events by kind (all time)."""
        stmt = select(metric_events.c.kind, func.count()).group_by(metric_events.c.kind)
        if kind:
            stmt = stmt.where(metric_events.c.kind == kind)
        with self._ro() as conn:
            return {k: n for k, n in conn.execute(stmt)}

    # ------------------------------------------------------------------ counters and state
    def _bump(self, conn: Connection, name: str, bucket: str, by: int) -> None:
        res = conn.execute(update(anonymous_counters).where(anonymous_counters.c.name == name,
                                                            anonymous_counters.c.bucket == bucket)
                           .values(value=anonymous_counters.c.value + by))
        if res.rowcount == 0:
            if self.dialect == "postgresql":
                conn.execute(text("INSERT INTO anonymous_counters (name, bucket, value) VALUES (:n, :b, :v) "
                                  "ON CONFLICT (name, bucket) DO UPDATE SET value = anonymous_counters.value + :v"),
                             {"n": name, "b": bucket, "v": by})
            else:
                conn.execute(insert(anonymous_counters).values(name=name, bucket=bucket, value=by))

    def bump_counter(self, name: str, bucket: str = "all", by: int = 1) -> None:
        """Add to an anonymous counter (kept forever, no personal data)."""
        with self._tx() as conn:
            self._bump(conn, name, bucket, by)

    def counters(self, name: str | None = None) -> Dict[str, Dict[str, int]]:
        stmt = select(anonymous_counters).order_by(anonymous_counters.c.name, anonymous_counters.c.bucket)
        if name:
            stmt = stmt.where(anonymous_counters.c.name == name)
        out: Dict[str, Dict[str, int]] = {}
        with self._ro() as conn:
            for r in conn.execute(stmt):
                out.setdefault(r.name, {})[r.bucket] = r.value
        return out

    def run_once(self, key: str) -> bool:
        """True exactly once per ``key`` across all processes (e.g. "reminder:2026-11-24")."""
        try:
            with self._tx() as conn:
                conn.execute(insert(app_state).values(key=f"once:{key}"[:128], value=None, updated_at=self.now()))
            return True
        except IntegrityError:
            return False

    def get_state(self, key: str) -> str | None:
        with self._ro() as conn:
            return conn.execute(select(app_state.c.value).where(app_state.c.key == key)).scalar()

    def take_state(self, key: str) -> str | None:
        """Delete ``key`` and return its value, atomically: of callers racing for the same key, exactly
        one gets the value, the others ``None`` (single-use tokens). ``None`` if the key is absent."""
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(app_state.c.value).where(app_state.c.key == key))).first()
            if row is None:
                return None
            res = conn.execute(delete(app_state).where(app_state.c.key == key))
            return row.value if res.rowcount == 1 else None

    def delete_state(self, key: str) -> bool:
        with self._tx() as conn:
            return conn.execute(delete(app_state).where(app_state.c.key == key)).rowcount == 1

    def state_items(self, prefix: str) -> Dict[str, str | None]:
        """Every ``app_state`` entry whose key starts with ``prefix`` (e.g. to purge expired sessions)."""
        stmt = select(app_state.c.key, app_state.c.value).where(
            app_state.c.key.like(_like_escape(prefix) + "%", escape="\\"))
        with self._ro() as conn:
            return {k: v for k, v in conn.execute(stmt)}

    def set_state(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            res = conn.execute(update(app_state).where(app_state.c.key == key)
                               .values(value=value, updated_at=self.now()))
            if res.rowcount == 0:
                conn.execute(insert(app_state).values(key=key, value=value, updated_at=self.now()))

    # ------------------------------------------------------------------ helpers
    def _insert_id(self, conn: Connection, table, row: Dict[str, Any]) -> int:
        return conn.execute(insert(table).values(**row)).inserted_primary_key[0]


def normalize_reference(text: str | None) -> str | None:
    """"LK-7K2M9Q" from what a person typed ("lk-7k2m9q", "7K2M 9Q", "LK 7K2M9Q"), or None if it is not one."""
    if not text:
        return None
    s = "".join(ch for ch in str(text).upper() if ch.isalnum())
    prefix = REFERENCE_PREFIX.rstrip("-")
    if len(s) == len(prefix) + REFERENCE_LENGTH and s.startswith(prefix):
        s = s[len(prefix):]
    if len(s) != REFERENCE_LENGTH or any(ch not in _CODE_ALPHABET for ch in s):
        return None
    return REFERENCE_PREFIX + s


def _without_duplicates(lead: Dict[str, Any]) -> Dict[str, Any]:
    lead.pop("possible_duplicates", None)
    return lead


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _telegram_id(sender_id: str) -> int | None:
    """12345 from "telegram:12345" (the adapter's sender ids); None for other channels."""
    if not sender_id:
        return None
    prefix, _, rest = str(sender_id).partition(":")
    if prefix == "telegram" and rest.lstrip("-").isdigit():
        return int(rest)
    return None


def _card_kind(lead_id: int | None, handoff_id: int | None) -> str:
    return "lead" if lead_id is not None else "handoff" if handoff_id is not None else "agent"


def _channel_of(sender_id: str) -> str | None:
    prefix, sep, _ = str(sender_id).partition(":")
    return prefix if sep else None


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    s = str(value)
    if s and s[0] in "=+-@\t\r" and not (s[0] in "+-" and s[1:].isdigit()):
        return "'" + s
    return s
