"""A person's own data: what the store holds about a sender ("data saya"), where their requests stand ("status
pendaftaran saya") and erasing it ("hapus data").

Tables: all personal ones (``leads``, ``handoffs``, ``agents``, ``outbox``, ``posted_cards``, ``subscriptions``,
``broadcast_recipients``, ``reminder_plans``, ``reminder_sends``) for one sender.
"""
from __future__ import annotations

import secrets
from typing import Any, Dict, Iterable

from sqlalchemy import delete, func, select, update

from lingkar.store.base import (
    Repository,
    _channel_of,
    _telegram_id,
)
from lingkar.store.models import (
    agents,
    broadcast_recipients,
    handoffs,
    lead_status_history,
    leads,
    metric_events,
    outbox,
    staff_users,
    subscriptions,
)
from lingkar.store.records import (
    Agent,
    Handoff,
    StaffUser,
    Subscription,
)


class PeopleRepository(Repository):
    """Personal-data view and erasure for one sender (mixed into :class:`lingkar.store.Store`)."""

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
            subs = conn.execute(select(subscriptions).where(subscriptions.c.sender_id == sender_id)
                                .order_by(subscriptions.c.id)).all()
            channel, _, recipient = str(sender_id).partition(":")
            reminders = self._reminder_data(conn, channel, recipient)
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
            "subscriptions": [Subscription(**dict(r._mapping)).to_dict() for r in subs],
            "reminders": reminders,
            "anonymous_events": n_events,
        }

    def status_for_sender(self, sender_id: str, limit: int = 3) -> Dict[str, Any]:
        """Where the sender's own leads stand ("status pendaftaran saya"), newest first, at most ``limit``:
        ``{"leads": [...], "total": n}``. Each lead as :meth:`lead_status_view` gives it. Found by the owner's
        sender id only, like "data saya": nobody sees another sender's lead."""
        with self._ro() as conn:
            total = conn.execute(select(func.count()).select_from(leads)
                                 .where(leads.c.sender_id == sender_id)).scalar_one()
            rows = conn.execute(select(leads).where(leads.c.sender_id == sender_id)
                                .order_by(leads.c.created_at.desc(), leads.c.id.desc()).limit(max(1, limit))).all()
            names = self._handler_names(conn, [r.claimed_by for r in rows])
        return {"leads": [_status_view(r, names) for r in rows], "total": total}

    def lead_status_view(self, lead_id: int) -> Dict[str, Any] | None:
        """What the worker may be told about one of their leads (for a notice), or None once it is deleted:
        reference, type, status, dates, contact time, the phone (to be shown masked) and ``handler``, the first
        name of the staff member who claimed it (None: "petugas"). Never the NIK, notes or duplicates."""
        with self._ro() as conn:
            row = conn.execute(select(leads).where(leads.c.id == int(lead_id))).first()
            if row is None:
                return None
            return _status_view(row, self._handler_names(conn, [row.claimed_by]))

    @staticmethod
    def _handler_names(conn, actors: Iterable[str | None]) -> Dict[str, str]:
        """The first names of the staff behind these actors ("telegram:<id>"); an actor without a name is left out."""
        ids = {a: _telegram_id(a) for a in set(actors) if a}
        wanted = [i for i in ids.values() if i is not None]
        if not wanted:
            return {}
        stmt = select(staff_users.c.telegram_user_id, staff_users.c.name).where(
            staff_users.c.telegram_user_id.in_(wanted))
        found = {r.telegram_user_id: r.name for r in conn.execute(stmt)}
        out = {}
        for actor, tid in ids.items():
            first = (found.get(tid) or "").split()
            if first:
                out[actor] = first[0]
        return out

    def delete_sender_data(self, sender_id: str) -> Dict[str, int]:
        """Delete the person's leads (with their history and pending notifications), handoffs and
        subscriptions, clear the personal fields of their agent record, and unlink their metric and
        subscription events.

        Metric events stay for the funnel, but their subject hash is replaced by a random value
        (the same one for all of this person's events and subscription changes), so unique counts still
        add up while nothing links them to the sender id any more. Returns what was deleted, by kind.
        """
        now = self.now()
        with self._tx() as conn:
            lead_rows = conn.execute(self._for_update(select(leads.c.id, leads.c.type, leads.c.status)
                                                      .where(leads.c.sender_id == sender_id))).all()
            lead_ids = [r.id for r in lead_rows]
            handoff_ids = [r.id for r in conn.execute(self._for_update(
                select(handoffs.c.id).where(handoffs.c.sender_id == sender_id)))]
            counts = {"leads": len(lead_ids), "handoffs": len(handoff_ids), "status_history": 0, "outbox": 0,
                      "agent": 0, "events_unlinked": 0, "cards": 0, "subscriptions": 0}
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
            channel, _, recipient = str(sender_id).partition(":")
            counts["broadcast_recipients"] = conn.execute(delete(broadcast_recipients).where(
                broadcast_recipients.c.channel == channel, broadcast_recipients.c.recipient == recipient)).rowcount
            counts["reminders"] = self._delete_reminders(conn, channel, recipient)
            subject = self._subject(conn, sender_id, create=False)
            unlinked = "x" + secrets.token_hex(15)
            counts["subscriptions"] = self._delete_subscriptions(conn, sender_id, subject, unlinked)
            subject = subject or self._subject(conn, sender_id, create=False)
            if subject:
                counts["events_unlinked"] = conn.execute(
                    update(metric_events).where(metric_events.c.subject == subject)
                    .values(subject=unlinked)).rowcount
            bucket = now.astimezone(self._zone).strftime("%Y-%m")
            self._bump(conn, "data_deletions", bucket, 1)
            if lead_ids:
                self._bump(conn, "leads_deleted", bucket, len(lead_ids))
            self._event(conn, "data_deleted", now=now, channel=_channel_of(sender_id), sender_id=None)
        return counts


#: The fields of a lead a status answer or notice may use (no NIK, no note, no other person's lead).
STATUS_FIELDS = ("id", "reference", "type", "status", "channel", "sender_id", "phone", "contact_time", "created_at",
                 "status_changed_at")


def _status_view(row, names: Dict[str, str]) -> Dict[str, Any]:
    m = row._mapping
    view: Dict[str, Any] = {k: m[k] for k in STATUS_FIELDS}
    for k in ("created_at", "status_changed_at"):
        view[k] = view[k].isoformat() if view[k] is not None else None
    view["handler"] = names.get(m["claimed_by"]) if m["claimed_by"] else None
    return view


def _without_duplicates(lead: Dict[str, Any]) -> Dict[str, Any]:
    lead.pop("possible_duplicates", None)
    return lead
