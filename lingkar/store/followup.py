"""Staff follow-up of a lead: status changes (and the worker's notice of them), notes and claims.

Tables: ``leads`` (status, claim), ``lead_status_history``; each change writes the audit log and, for a status, a
funnel event and, when the worker should hear of it, a ``notice.<channel>`` outbox event (bot/core/notices.py), in
the same transaction. Reading and creating leads: leads.py.
"""
from __future__ import annotations

from sqlalchemy import insert, select, update

from lingkar.store.base import LeadClaimedError, NotFound, Repository, _clean
from lingkar.store.models import (
    LEAD_STATUSES,
    NOTICE_CHANNELS,
    NOTICE_STATUSES,
    WORKER_LEAD_TYPES,
    lead_status_history,
    leads,
)
from lingkar.store.outbox import NOTICE_PREFIX
from lingkar.store.records import Lead


class LeadFollowUpRepository(Repository):
    """Staff's writes on an existing lead (mixed into :class:`lingkar.store.Store`)."""

    def set_lead_status(self, lead_id: int, status: str, actor: str, note: str | None = None,
                        force: bool = False) -> Lead:
        """Change a lead's status (staff). Writes history, audit log and a funnel event, and for a worker-relevant
        change (``NOTICE_STATUSES``) a ``notice.<channel>`` outbox event: the worker is told once.

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
                if status in NOTICE_STATUSES and row.type in WORKER_LEAD_TYPES and row.channel in NOTICE_CHANNELS:
                    # the worker is told once, on their own channel (bot/core/notices.py); deleting the lead
                    # deletes this event with it
                    self._outbox(conn, f"{NOTICE_PREFIX}{row.channel}", {"lead_id": row.id, "from": row.status,
                                                                 "to": status}, lead_id=row.id)
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

