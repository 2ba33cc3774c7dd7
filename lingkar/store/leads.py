"""Leads: create or update a person's lead, duplicates, reading leads (staff follow-up: followup.py).

Tables: ``leads``, ``lead_status_history``, ``lead_duplicates``. A new lead also writes an audit entry,
an outbox event and a funnel event in the same transaction (see audit.py, outbox.py, metrics.py).
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Dict, List, Sequence, Tuple

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from lingkar.identity import check_phone, validate_nik
from lingkar.store.base import (
    _CODE_ALPHABET,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    LeadValidationError,
    Repository,
    _clean,
    _lock_key,
)
from lingkar.store.models import (
    DEFAULT_PURPOSES,
    DONOR_KINDS,
    LEAD_PURPOSES,
    LEAD_TYPES,
    OPEN_STATUSES,
    WORKER_LEAD_TYPES,
    agents,
    lead_duplicates,
    lead_status_history,
    leads,
)
from lingkar.store.records import Lead, LeadLink, StatusChange, UpsertResult

#: Lead types that may be the same person: a worker's two kinds of request, or two sponsor offers.
_DUPLICATE_GROUPS = (WORKER_LEAD_TYPES, ("sponsor_offer",))
_LEAD_TEXT_LIMITS = {"name": 200, "regency": 100, "occupation": 100, "sector": 100, "contact_time": 100,
                     "sponsor_organisation": 200, "sponsor_regency": 100, "referral": 64, "note": 2000}


class LeadRepository(Repository):
    """Writes and reads of one lead (mixed into :class:`lingkar.store.Store`)."""

    def upsert_lead(self, *, sender_id: str, channel: str, name: str, phone: str, consent_version: str,
                    type: str = "enrolment", consent_at: dt.datetime | None = None, nik: str | None = None,
                    referral: str | None = None, regency: str | None = None,
                    occupation: str | None = None, sector: str | None = None, age: int | None = None,
                    income: int | None = None, contact_time: str | None = None,
                    eligibility: Dict[str, Any] | None = None, sponsor_organisation: str | None = None,
                    sponsor_workers: int | None = None, sponsor_regency: str | None = None,
                    donor_kind: str | None = None, note: str | None = None, purpose: str | None = None) -> UpsertResult:
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
        required: there is no way to store a lead without ``consent_version``. ``purpose``: LEAD_PURPOSES; None
        keeps the stored one (a new lead gets its type's default, ``DEFAULT_PURPOSES``).
        """
        values = self._validated_lead(type=type, sender_id=sender_id, channel=channel, name=name, phone=phone,
                                      consent_version=consent_version, nik=nik, referral=referral,
                                      regency=regency, occupation=occupation, sector=sector, age=age,
                                      income=income, contact_time=contact_time, eligibility=eligibility,
                                      sponsor_organisation=sponsor_organisation, sponsor_workers=sponsor_workers,
                                      sponsor_regency=sponsor_regency, donor_kind=donor_kind, note=note,
                                      purpose=purpose)
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
                lead_id = self._create_lead(conn, values, known, consent_at, now)
            else:
                lead_id, fields = self._update_lead(conn, target, values, known, consent_at, now)
            created = target is None
            self._link_duplicates(conn, lead_id, values, now)
            lead = self._load_lead(conn, lead_id, with_history=True)
            if not created:
                self._outbox(conn, "lead.updated", dict(self._lead_payload(lead), fields=fields), lead_id=lead_id)
        return UpsertResult(lead=lead, created=created)

    def _create_lead(self, conn: Connection, values: Dict[str, Any], known: bool, consent_at: dt.datetime,
                     now: dt.datetime) -> int:
        """Insert a new lead with its first status, audit entry, ``lead.created`` event and funnel event."""
        row = dict(values, status="new", referral_known=known, consent_at=consent_at, created_at=now,
                   updated_at=now, status_changed_at=now, reference=self._new_reference(conn))
        row["purpose"] = row["purpose"] or DEFAULT_PURPOSES.get(values["type"], "other")
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
                    lead_type=values["type"], lead_id=lead_id, status="new", purpose=row["purpose"])
        return lead_id

    def _update_lead(self, conn: Connection, target: Dict[str, Any], values: Dict[str, Any], known: bool,
                     consent_at: dt.datetime, now: dt.datetime) -> Tuple[int, List[str]]:
        """Write what changed into the sender's own open lead; returns its id and the changed fields."""
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
        return lead_id, fields

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
        for key, known, what in (("donor_kind", DONOR_KINDS, "Jenis donatur"), ("purpose", LEAD_PURPOSES, "Keperluan")):
            if v[key] is not None and v[key] not in known:
                raise LeadValidationError(key, f"{what} tidak dikenal: {v[key]!r}.")
            out[key] = v[key]
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
                "regency": lead.regency, "referral": lead.referral, "purpose": lead.purpose}

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
