"""Subscriptions with consent: who asked to receive what, every change, and the audience of a broadcast.

Tables: ``subscriptions`` (one row per owner and topic; the owner is the sender id, as leads use) and
``subscription_events`` (subscribe / unsubscribe / auto_unsubscribe with reason, channel and time; the owner only as
the keyed hash of ``metric_events``). Nobody is in an audience without an active row, and a row becomes active only
through :meth:`SubscriptionRepository.subscribe` (after the worker said yes to the consent text).

Who ends a subscription: the worker ("berhenti": every topic at once), the channels (a blocked bot, an undeliverable
WhatsApp number: :meth:`delivery_failed` with ``permanent=True``; :data:`MAX_DELIVERY_FAILURES` failures in a row),
and "hapus data saya" (:mod:`lingkar.store.people` deletes the rows and unlinks the events).
"""
from __future__ import annotations

from typing import Dict, Iterator, List

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from lingkar.store.base import Repository, _clean, _lock_key
from lingkar.store.models import (
    SUBSCRIPTION_EVENT_KINDS,
    SUBSCRIPTION_TOPICS,
    subscription_events,
    subscriptions,
)
from lingkar.store.records import Subscription, SubscriptionEvent

#: Failed deliveries in a row (none succeeded in between) after which a contact is unsubscribed automatically.
MAX_DELIVERY_FAILURES = 3
#: The batch size of :meth:`SubscriptionRepository.audience` unless the caller gives one.
AUDIENCE_BATCH = 500


def _topics(topic: str | None) -> List[str]:
    if topic is None:
        return list(SUBSCRIPTION_TOPICS)
    if topic not in SUBSCRIPTION_TOPICS:
        raise ValueError(f"unknown topic {topic!r}; one of {SUBSCRIPTION_TOPICS}")
    return [topic]


class SubscriptionRepository(Repository):
    """Subscriptions, their change log and broadcast audiences (mixed into :class:`lingkar.store.Store`)."""

    # ---- the worker's own ---------------------------------------------------------------------------------
    def subscribe(self, sender_id: str, channel: str, topic: str = "info", *, consent_version: str,
                  regency: str | None = None, sector: str | None = None,
                  agent_code: str | None = None) -> Subscription:
        """Start (or restart) ``topic`` for the owner after they agreed to ``consent_version`` of the consent text.

        Already active: nothing changes but the attribution the conversation now knows (no new event)."""
        (topic,) = _topics(topic)
        if not sender_id or not consent_version:
            raise ValueError("a subscription needs its owner and the consent text's version")
        now = self.now()
        attribution = {k: v for k, v in (("regency", _clean(regency, 100)), ("sector", _clean(sector, 100)),
                                         ("agent_code", _clean(agent_code, 64) and agent_code.strip().upper()[:64]))
                       if v}
        s = subscriptions
        with self._tx() as conn:
            self._advisory_lock(conn, _lock_key("subscription", sender_id))
            row = conn.execute(self._for_update(
                select(s).where(s.c.sender_id == sender_id, s.c.topic == topic))).first()
            if row is None:
                self._insert_id(conn, s, {"sender_id": sender_id, "channel": _clean(channel, 32) or "unknown",
                                          "topic": topic, "active": True, "since": now, "ended_at": None,
                                          "consent_version": consent_version[:32], "failures": 0,
                                          "updated_at": now, **attribution})
            elif not row.active:
                conn.execute(update(s).where(s.c.id == row.id).values(
                    active=True, since=now, ended_at=None, consent_version=consent_version[:32], failures=0,
                    channel=_clean(channel, 32) or row.channel, updated_at=now, **attribution))
            elif attribution:
                conn.execute(update(s).where(s.c.id == row.id).values(updated_at=now, **attribution))
            if row is None or not row.active:
                self._subscription_event(conn, "subscribe", sender_id, topic=topic, reason="consent",
                                         channel=channel)
            r = conn.execute(select(s).where(s.c.sender_id == sender_id, s.c.topic == topic)).first()
            return Subscription(**dict(r._mapping))

    def unsubscribe(self, sender_id: str, topic: str | None = None, reason: str = "berhenti", *,
                    channel: str | None = None, auto: bool = False) -> List[str]:
        """End one topic or (``topic`` None) every topic of the owner. Returns the topics that were active.

        Each ended topic records an ``unsubscribe`` event (``auto_unsubscribe`` when ``auto``: a channel did it)."""
        topics = _topics(topic)
        with self._tx() as conn:
            self._advisory_lock(conn, _lock_key("subscription", sender_id))
            return self._end(conn, sender_id, topics, reason, channel, "auto_unsubscribe" if auto else "unsubscribe")

    def subscriptions_of(self, sender_id: str) -> List[Subscription]:
        """Every subscription row of the owner (active or ended), in topic order."""
        s = subscriptions
        with self._ro() as conn:
            rows = conn.execute(select(s).where(s.c.sender_id == sender_id)).all()
        order = {t: i for i, t in enumerate(SUBSCRIPTION_TOPICS)}
        return sorted((Subscription(**dict(r._mapping)) for r in rows), key=lambda x: order.get(x.topic, 99))

    def is_subscribed(self, sender_id: str, topic: str | None = None) -> bool:
        """Whether the owner has ``topic`` (any topic when None) active."""
        s = subscriptions
        stmt = select(func.count()).select_from(s).where(s.c.sender_id == sender_id, s.c.active.is_(True),
                                                          s.c.topic.in_(_topics(topic)))
        with self._ro() as conn:
            return bool(conn.execute(stmt).scalar_one())

    def subscription_history(self, sender_id: str) -> List[SubscriptionEvent]:
        """The owner's subscription changes, oldest first (found by the keyed hash of the sender id)."""
        se = subscription_events
        with self._ro() as conn:
            subject = self._subject(conn, sender_id, create=False)
            if subject is None:
                return []
            rows = conn.execute(select(se).where(se.c.subject == subject).order_by(se.c.id)).all()
        return [SubscriptionEvent(**dict(r._mapping)) for r in rows]

    # ---- the channels -------------------------------------------------------------------------------------
    def delivery_failed(self, sender_id: str, reason: str, *, permanent: bool = False,
                        channel: str | None = None, limit: int = MAX_DELIVERY_FAILURES) -> List[str]:
        """A message to the owner could not be delivered. ``permanent`` (the bot was blocked, the number is not on
        WhatsApp): every topic ends at once; otherwise the failure is counted and :data:`MAX_DELIVERY_FAILURES`
        in a row end them (reason ``failures``). Returns the topics ended (``auto_unsubscribe`` events)."""
        s = subscriptions
        with self._tx() as conn:
            self._advisory_lock(conn, _lock_key("subscription", sender_id))
            if permanent:
                return self._end(conn, sender_id, list(SUBSCRIPTION_TOPICS), reason, channel, "auto_unsubscribe")
            active = s.c.sender_id == sender_id, s.c.active.is_(True)
            conn.execute(update(s).where(*active).values(failures=s.c.failures + 1, updated_at=self.now()))
            worn = [r.topic for r in conn.execute(select(s.c.topic).where(*active, s.c.failures >= limit))]
            return self._end(conn, sender_id, worn, "failures", channel, "auto_unsubscribe") if worn else []

    def delivery_succeeded(self, sender_id: str) -> None:
        """A message reached the owner: the count of failures in a row starts again."""
        s = subscriptions
        with self._tx() as conn:
            conn.execute(update(s).where(s.c.sender_id == sender_id, s.c.failures > 0).values(failures=0))

    # ---- audiences ----------------------------------------------------------------------------------------
    def _audience_query(self, topic: str, channel: str | None, regency: str | None, sector: str | None,
                        agent_code: str | None):
        (topic,) = _topics(topic)
        s = subscriptions
        where = [s.c.topic == topic, s.c.active.is_(True)]
        if channel is not None:
            where.append(s.c.channel == channel)
        if regency is not None:
            where.append(func.lower(s.c.regency) == regency.strip().lower())
        if sector is not None:
            where.append(func.lower(s.c.sector) == sector.strip().lower())
        if agent_code is not None:
            where.append(s.c.agent_code == agent_code.strip().upper())
        return where

    def audience(self, topic: str, *, channel: str | None = None, regency: str | None = None,
                 sector: str | None = None, agent_code: str | None = None,
                 batch_size: int = AUDIENCE_BATCH) -> Iterator[List[Subscription]]:
        """The active subscribers of ``topic`` matching every filter given (exact, regency and sector without
        case), in batches of ``batch_size`` by id (keyset pagination: each batch is its own short read, and a row
        changed meanwhile is neither skipped nor repeated). Someone who stopped before a batch is read is not in it."""
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        where = self._audience_query(topic, channel, regency, sector, agent_code)
        s = subscriptions
        after = 0
        while True:
            with self._ro() as conn:
                rows = conn.execute(select(s).where(*where, s.c.id > after).order_by(s.c.id).limit(batch_size)).all()
            if rows:
                yield [Subscription(**dict(r._mapping)) for r in rows]
                after = rows[-1].id
            if len(rows) < batch_size:
                return

    def audience_count(self, topic: str, *, channel: str | None = None, regency: str | None = None,
                       sector: str | None = None, agent_code: str | None = None) -> int:
        """How many rows :meth:`audience` yields with the same filters (read now)."""
        where = self._audience_query(topic, channel, regency, sector, agent_code)
        with self._ro() as conn:
            return int(conn.execute(select(func.count()).select_from(subscriptions).where(*where)).scalar_one())

    # ---- helpers for the other repositories ---------------------------------------------------------------
    def _end(self, conn: Connection, sender_id: str, topics: List[str], reason: str, channel: str | None,
             kind: str) -> List[str]:
        s = subscriptions
        ended = [r.topic for r in conn.execute(self._for_update(select(s.c.topic).where(
            s.c.sender_id == sender_id, s.c.active.is_(True), s.c.topic.in_(topics))))]
        if not ended:
            return []
        now = self.now()
        conn.execute(update(s).where(s.c.sender_id == sender_id, s.c.topic.in_(ended))
                     .values(active=False, ended_at=now, failures=0, updated_at=now))
        for topic in ended:
            self._subscription_event(conn, kind, sender_id, topic=topic, reason=reason, channel=channel)
        return sorted(ended, key=SUBSCRIPTION_TOPICS.index)

    def _subscription_event(self, conn: Connection, kind: str, sender_id: str, *, topic: str | None,
                            reason: str | None, channel: str | None) -> None:
        if kind not in SUBSCRIPTION_EVENT_KINDS:
            raise ValueError(f"unknown subscription event {kind!r}")
        if channel is None:
            prefix, sep, _ = sender_id.partition(":")
            channel = prefix if sep else None
        self._insert_id(conn, subscription_events, {
            "kind": kind, "topic": topic, "reason": _clean(reason, 64), "channel": _clean(channel, 32),
            "subject": self._subject(conn, sender_id, create=True), "occurred_at": self.now()})

    def _delete_subscriptions(self, conn: Connection, sender_id: str, subject: str | None,
                              unlinked: str) -> int:
        """"hapus data saya": end what is active (events, reason ``data_deleted``), delete the rows, and give the
        owner's events the random subject ``unlinked`` (the one their metric events get). Returns rows deleted."""
        self._end(conn, sender_id, list(SUBSCRIPTION_TOPICS), "data_deleted", None, "unsubscribe")
        subject = subject or self._subject(conn, sender_id, create=False)
        if subject:
            se = subscription_events
            conn.execute(update(se).where(se.c.subject == subject).values(subject=unlinked))
        return conn.execute(delete(subscriptions).where(subscriptions.c.sender_id == sender_id)).rowcount

    def subscriber_counts(self, regency: str) -> Dict[str, int]:
        """Active subscribers per topic whose regency (as known when they subscribed) is this one."""
        s = subscriptions
        stmt = (select(s.c.topic, func.count()).where(s.c.active.is_(True),
                                                      func.lower(s.c.regency) == regency.strip().lower())
                .group_by(s.c.topic))
        with self._ro() as conn:
            got = {topic: int(n) for topic, n in conn.execute(stmt)}
        return {topic: got.get(topic, 0) for topic in SUBSCRIPTION_TOPICS}


__all__ = ["AUDIENCE_BATCH", "MAX_DELIVERY_FAILURES", "SubscriptionRepository"]
