"""The outbox: lead and handoff events claimed by consumers (the notifier) under a lease.

Table: ``outbox``. ``claim_outbox`` uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and a conditional
UPDATE everywhere, so each event goes to one consumer at a time.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Dict, Iterable, List

from sqlalchemy import and_, case, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from lingkar.store.base import (
    Repository,
    _as_list,
)
from lingkar.store.models import (
    handoffs,
    leads,
    outbox,
)
from lingkar.store.records import OutboxEvent

#: Topics of the notices to a worker about their own lead: ``notice.<channel>`` (see ``Store.set_lead_status``).
NOTICE_PREFIX = "notice."


class OutboxRepository(Repository):
    """Writes and claims of outbox events (mixed into :class:`lingkar.store.Store`)."""

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
        """How many events about ``sender_id``'s leads and handoffs were delivered (not skipped) since ``since``
        (to staff: the notices told to the worker themselves, ``notice.*``, do not count)."""
        delivered = and_(outbox.c.delivered_at >= since, ~outbox.c.topic.like(f"{NOTICE_PREFIX}%"),
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
