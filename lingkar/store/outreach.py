"""The outreach funnel (issue 16 item 3, issue 15): broadcast → reply → check → lead → registered, and payment
reminder → "sudah bayar" → reactivation lead, from ``metric_events`` (the owner only as the keyed hash ``subject``).

Events: ``broadcast_sent`` (written with the recipient row's ``sent``, :meth:`BroadcastRepository.mark_recipient_sent`),
``broadcast_replied`` (:meth:`OutreachRepository.note_broadcast_reply`, called by the channels for each message a
worker sends: the first message within :data:`REPLY_WINDOW` after a broadcast reached them, once per broadcast and
person), ``reminder_sent`` (:meth:`ReminderRepository.mark_reminder_sent`) and ``reminder_paid`` (the first "sudah
bayar" to a reminder, :meth:`ReminderRepository.record_reminder_answer`). Regency, sector and agent code come from
the person's subscription (what the conversation knew when they subscribed), the channel from the send.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Dict, List, Set

from sqlalchemy import and_, func, select, text
from sqlalchemy.engine import Connection

from lingkar.store.base import Repository
from lingkar.store.metrics import FUNNEL_GROUPS, REGISTERED_STATUSES
from lingkar.store.models import WORKER_LEAD_TYPES, metric_events, subscriptions
from lingkar.store.records import OutreachRow

#: A worker's first message within this time after a broadcast was sent to them is a reply to it; their checks and
#: leads within this time after the reply count under that broadcast.
REPLY_WINDOW = dt.timedelta(hours=72)
#: A reactivation lead counts under a payment reminder sent to the person at most this long before.
REMINDER_WINDOW = dt.timedelta(days=14)
OUTREACH_KINDS = ("broadcast", "reminder")
#: The groups of the outreach funnel (a subset of the funnel's: the people are grouped by the outreach event).
OUTREACH_GROUPS = ("regency", "sector", "agent", "channel")


class OutreachRepository(Repository):
    """Outreach events and their funnel (mixed into :class:`lingkar.store.Store`)."""

    def _outreach_event(self, conn: Connection, kind: str, sender_id: str, channel: str,
                        broadcast_id: int | None = None) -> int:
        """An outreach event for ``sender_id`` with what their subscription knows (regency, sector, agent code)."""
        s = subscriptions.c
        sub = conn.execute(select(s.regency, s.sector, s.agent_code).where(s.sender_id == sender_id)
                           .order_by(s.since.desc(), s.id.desc()).limit(1)).first()
        return self._event(conn, kind, now=self.now(), sender_id=sender_id, channel=channel,
                           regency=sub.regency if sub else None, sector=sub.sector if sub else None,
                           agent_code=sub.agent_code if sub else None, broadcast_id=broadcast_id)

    def note_broadcast_reply(self, sender_id: str) -> int | None:
        """A worker sent a message: ``broadcast_replied`` (copying the send's channel, regency, sector, agent) when
        a broadcast was sent to them within :data:`REPLY_WINDOW` and they had not replied to it yet. Returns the
        event's id, None when the message is no reply. One indexed read for people no broadcast reached."""
        now = self.now()
        with self._ro() as conn:  # most messages are no reply: read only, no write lock (SQLite)
            sent = self._unanswered_broadcast(conn, sender_id, now)
        if sent is None:
            return None
        with self._tx() as conn:
            if self._unanswered_broadcast(conn, sender_id, now) is None:
                return None
            return self._event(conn, "broadcast_replied", now=now, sender_id=sender_id, channel=sent.channel,
                               regency=sent.regency, sector=sent.sector, agent_code=sent.agent_code,
                               broadcast_id=sent.broadcast_id)

    def _unanswered_broadcast(self, conn: Connection, sender_id: str, now: dt.datetime):
        """The latest ``broadcast_sent`` event for ``sender_id`` within :data:`REPLY_WINDOW`, unless they replied
        to that broadcast already; else None."""
        me = metric_events.c
        subject = self._subject(conn, sender_id, create=False)
        if subject is None:
            return None
        sent = conn.execute(select(metric_events).where(
            me.kind == "broadcast_sent", me.subject == subject, me.occurred_at >= now - REPLY_WINDOW)
            .order_by(me.occurred_at.desc(), me.id.desc()).limit(1)).first()
        if sent is None:
            return None
        done = conn.execute(select(me.id).where(me.kind == "broadcast_replied", me.subject == subject,
                                                me.broadcast_id == sent.broadcast_id).limit(1)).first()
        return None if done is not None else sent

    def outreach_funnel(self, kind: str = "broadcast", group_by: str | None = None, *,
                        since: dt.date | None = None, until: dt.date | None = None) -> List[OutreachRow]:
        """Distinct people at each step of an outreach funnel, per group (``group_by``: None for one total row,
        "regency", "sector", "agent" or "channel", taken from the outreach event). ``since``/``until``: local
        dates (inclusive) of the outreach events.

        ``broadcast``: sent (a broadcast reached them) → replied → checked (an eligibility check within
        :data:`REPLY_WINDOW` after their reply) → lead (a worker lead in that time) → registered (that lead
        registered, whenever). ``reminder``: sent → paid ("sudah bayar") → lead (a ``reactivation`` lead within
        :data:`REMINDER_WINDOW` after a reminder)."""
        if kind not in OUTREACH_KINDS:
            raise ValueError(f"kind must be one of {OUTREACH_KINDS}")
        if group_by is not None and group_by not in OUTREACH_GROUPS:
            raise ValueError(f"group_by must be one of {OUTREACH_GROUPS}")
        col = FUNNEL_GROUPS[group_by] if group_by else None
        first, second = ("broadcast_sent", "broadcast_replied") if kind == "broadcast" else ("reminder_sent",
                                                                                           "reminder_paid")
        people: Dict[str, Dict[object, Set[str]]] = defaultdict(lambda: defaultdict(set))
        counted: Dict[str, Dict[object, int]] = {}
        me = metric_events.c
        with self._ro() as conn:
            # the first two steps in SQL (a broadcast reaches thousands); only the people who went on are loaded
            for stage, event in (("sent", first), ("replied" if kind == "broadcast" else "paid", second)):
                group = me[col] if col else text("NULL")
                stmt = select(group, func.count(func.distinct(me.subject))).where(*_outreach_where(event, since, until))
                counted[stage] = dict(conn.execute(stmt.group_by(group) if col else stmt).all())
            if kind == "broadcast":
                starts = conn.execute(select(metric_events).where(*_outreach_where(second, since, until))).all()
                self._follow(conn, starts, col, people, REPLY_WINDOW)
            else:
                went_on = select(me.subject).where(me.kind == "lead_created", me.purpose == "reactivation")
                starts = conn.execute(select(metric_events).where(*_outreach_where(first, since, until),
                                                                  me.subject.in_(went_on))).all()
                self._follow(conn, starts, col, people, REMINDER_WINDOW, purpose="reactivation")
        for stage, sets in people.items():
            counted[stage] = {g: len(v) for g, v in sets.items()}
        groups = {g for stage in counted.values() for g in stage}
        out = [OutreachRow(group=g, **{stage: n.get(g, 0) for stage, n in counted.items()}) for g in groups]
        if group_by is None:
            return out or [OutreachRow(group=None)]
        return sorted(out, key=lambda r: (r.group is None, str(r.group)))

    def _follow(self, conn: Connection, starts, col: str | None, people, window: dt.timedelta,
                purpose: str | None = None) -> None:
        """The checks, leads and registrations of the people in ``starts`` within ``window`` after a start (a
        reply, or a reminder for ``purpose``), counted in the start's group."""
        if not starts:
            return
        me = metric_events.c
        subjects = sorted({e.subject for e in starts})
        kinds = ["lead_created"] if purpose else ["eligibility_checked", "lead_created"]
        later = []
        for i in range(0, len(subjects), 500):
            later += conn.execute(select(metric_events).where(
                me.kind.in_(kinds), me.subject.in_(subjects[i:i + 500]))).all()
        leads = [e for e in later if e.kind == "lead_created" and e.lead_type in WORKER_LEAD_TYPES
                 and (purpose is None or e.purpose == purpose)]
        lead_events = {e.id for e in leads}
        lead_ids = sorted({e.lead_id for e in leads if e.lead_id is not None})
        registered: Set[int] = set()
        for i in range(0, len(lead_ids), 500):
            registered |= set(conn.execute(select(me.lead_id).where(and_(
                me.kind == "lead_status_changed", me.status.in_(REGISTERED_STATUSES),
                me.lead_id.in_(lead_ids[i:i + 500])))).scalars())
        by_subject = defaultdict(list)
        for e in later:
            by_subject[e.subject].append(e)
        for start in starts:
            group = start._mapping[col] if col else None
            for e in by_subject.get(start.subject, ()):
                if not start.occurred_at <= e.occurred_at <= start.occurred_at + window:
                    continue
                if e.kind == "eligibility_checked":
                    people["checked"][group].add(start.subject)
                elif e.id in lead_events:
                    people["leads"][group].add(start.subject)
                    if e.lead_id in registered and not purpose:
                        people["registered"][group].add(start.subject)


def _outreach_where(kind: str, since: dt.date | None, until: dt.date | None) -> list:
    """One outreach event kind in the period (local dates, inclusive)."""
    me = metric_events.c
    where = [me.kind == kind, me.subject.is_not(None)]
    if since:
        where.append(me.day >= since)
    if until:
        where.append(me.day <= until)
    return where
