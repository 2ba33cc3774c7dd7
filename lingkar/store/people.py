"""A person's own data: what the store holds about a sender ("data saya") and erasing it ("hapus data").

Tables: all personal ones (``leads``, ``handoffs``, ``agents``, ``outbox``, ``posted_cards``, ``subscriptions``)
for one sender.
"""
from __future__ import annotations

import secrets
from typing import Any, Dict

from sqlalchemy import delete, func, select, update

from lingkar.store.base import (
    Repository,
    _channel_of,
    _telegram_id,
)
from lingkar.store.models import (
    agents,
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
            "anonymous_events": n_events,
        }

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


def _without_duplicates(lead: Dict[str, Any]) -> Dict[str, Any]:
    lead.pop("possible_duplicates", None)
    return lead
