"""Broadcasts: ``broadcasts`` and ``broadcast_recipients`` (issue 15; the jobs that send them: bot/outreach/).

Exactly-once effect on an at-least-once job engine (docs/jobs.md): every (broadcast, channel, recipient) is one row
with its state. A worker claims pending rows under a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a
conditional UPDATE everywhere, as :meth:`claim_outbox` does), sends, and marks the row ``sent`` with the platform's
message id in one UPDATE that succeeds only while it still holds the row. A row already ``sent`` is never claimed
again; a row claimed by a worker that died is claimed again once its lease has passed.

Four eyes: a broadcast composed on the dashboard is written with ``status="review"`` (its rows, no job: nothing
can be claimed); :meth:`BroadcastRepository.approve_broadcast` by a staff member other than its author makes it
``queued`` and writes its first jobs in the same transaction, :meth:`reject_broadcast` ends it (``rejected``).

The audience is given, not chosen here: :meth:`create_broadcast` takes an iterable of recipients (the
subscriptions' audience query) and writes the rows, and on PostgreSQL the broadcast's first batch jobs
(procrastinate's ``procrastinate_defer_jobs_v1``), in one transaction: they exist together or not at all.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection

from lingkar.store.base import Repository, SelfDecisionError, StoreError, _clean
from lingkar.store.models import (
    BROADCAST_STATUSES,
    WORKER_LEAD_TYPES,
    broadcast_recipients,
    broadcasts,
    leads,
    metric_events,
)
from lingkar.store.records import Broadcast, BroadcastRecipient

#: (channel, recipient key, attributes): a chat id for Telegram, a WhatsApp number (wa_id) for WhatsApp.
Recipient = Tuple[str, str, Mapping[str, Any]]
#: What :meth:`BroadcastRepository.broadcast_counts` reports; every row is in exactly one of them.
COUNT_KEYS = ("queued", "sent", "delivered", "read", "failed", "unsubscribed")
_COUNT_OF_STATE = {"pending": "queued", "claimed": "queued", "sent": "sent", "delivered": "delivered",
                   "read": "read", "failed": "failed", "skipped_unsubscribed": "unsubscribed"}
_RANK = {"sent": 1, "delivered": 2, "read": 3}
#: Audience filters beyond a subscription's own attributes (:meth:`BroadcastRepository.lead_filter`).
LEAD_FILTERS = ("checked_no_lead", "lead_not_registered")
_REGISTERED = ("registered", "sponsored")
#: staff actions: status -> the statuses it may be set from
_TRANSITIONS = {"paused": ("queued", "running"), "running": ("paused",), "cancelled": ("queued", "running", "paused")}
INSERT_BATCH = 1000


class BroadcastError(StoreError):
    pass


class BroadcastRepository(Repository):
    """Broadcasts and their recipient rows (mixed into :class:`lingkar.store.Store`)."""

    # ------------------------------------------------------------------ creating
    def create_broadcast(self, *, text: str, topic: str, recipients: Iterable[Recipient], created_by: str,
                         buttons: Sequence[Mapping[str, str]] = (), audience: Mapping[str, Any] | None = None,
                         template: str = "info", scheduled_at: dt.datetime | None = None,
                         jobs: Sequence[Mapping[str, Any]] | Any = (), review: bool = False
                         ) -> Tuple[Broadcast, List[Dict[str, Any]]]:
        """Write a broadcast, one row per distinct (channel, recipient), and its first jobs, in one transaction.

        ``jobs(broadcast_id, channels)`` (a callable) gives the job specs (``queue``, ``task``, ``lock``,
        ``queueing_lock``, ``args``, ``priority``, ``scheduled_at``) to start sending. On PostgreSQL they are
        inserted here through procrastinate's SQL API; elsewhere (SQLite: the in-process mode) they are returned
        for the caller to defer after the commit. Returns the broadcast and the jobs not yet deferred.

        ``review=True``: the broadcast waits for a second staff member's approval (status ``review``, no job yet;
        :meth:`approve_broadcast` writes them).
        """
        created_by = self._actor(created_by)
        if review:
            jobs = ()
        if self.dialect != "postgresql":
            # SQLite has one writer: an audience that reads the store must be read before the write begins
            recipients = list(recipients)
        now = self.now()
        with self._tx() as conn:
            bid = self._insert_id(conn, broadcasts, dict(
                text=text, buttons=[dict(b) for b in buttons], topic=str(topic)[:64], audience=dict(audience or {}),
                template=template, status="review" if review else "queued", total=0, created_by=created_by,
                created_at=now, scheduled_at=scheduled_at, updated_at=now))
            seen: set = set()
            channels: Dict[str, int] = {}
            batch: List[Dict[str, Any]] = []
            for channel, key, attributes in recipients:
                ident = (str(channel), str(key))
                if ident in seen:
                    continue
                seen.add(ident)
                channels[ident[0]] = channels.get(ident[0], 0) + 1
                batch.append(dict(broadcast_id=bid, channel=ident[0], recipient=ident[1],
                                  attributes=dict(attributes or {}), state="pending", attempts=0, updated_at=now))
                if len(batch) >= INSERT_BATCH:
                    conn.execute(insert(broadcast_recipients), batch)
                    batch = []
            if batch:
                conn.execute(insert(broadcast_recipients), batch)
            conn.execute(update(broadcasts).where(broadcasts.c.id == bid).values(total=len(seen)))
            self._audit(conn, created_by, "broadcast.submitted" if review else "broadcast.created", "broadcast", bid,
                        {"topic": topic, "total": len(seen), "channels": channels})
            specs = [dict(j) for j in (jobs(bid, sorted(channels)) if callable(jobs) else jobs)]
            if specs and self.dialect == "postgresql":
                self._defer_jobs(conn, specs)
                specs = []
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == bid)).first()
        return self._broadcast(row), specs

    def approve_broadcast(self, broadcast_id: int, actor: str, jobs: Any = ()) -> Tuple[Broadcast, List[Dict]]:
        """The second pair of eyes: a broadcast in ``review`` becomes ``queued`` with ``approved_by``, and its first
        jobs (``jobs(broadcast_id, channels)``, as for :meth:`create_broadcast`, at its ``scheduled_at``) are
        written in the same transaction on PostgreSQL (else returned). :class:`SelfDecisionError` when ``actor``
        wrote it; :class:`BroadcastError` when it is not in review."""
        actor = self._actor(actor)
        with self._tx() as conn:
            row = self._reviewable(conn, broadcast_id, actor, "approve")
            now = self.now()
            conn.execute(update(broadcasts).where(broadcasts.c.id == row.id).values(
                status="queued", approved_by=actor, updated_at=now))
            channels = sorted(conn.execute(select(broadcast_recipients.c.channel).distinct().where(
                broadcast_recipients.c.broadcast_id == row.id)).scalars())
            self._audit(conn, actor, "broadcast.approved", "broadcast", row.id,
                        {"author": row.created_by, "total": row.total})
            specs = [dict(j) for j in (jobs(row.id, channels) if callable(jobs) else jobs)]
            if specs and self.dialect == "postgresql":
                self._defer_jobs(conn, specs)
                specs = []
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == row.id)).first()
        return self._broadcast(row), specs

    def reject_broadcast(self, broadcast_id: int, actor: str, note: str = "") -> Broadcast:
        """Send a broadcast in ``review`` back (``rejected``, for good; the note is in the audit log). Its
        recipient rows are deleted: nobody will get it. Same rules as :meth:`approve_broadcast`."""
        actor = self._actor(actor)
        with self._tx() as conn:
            row = self._reviewable(conn, broadcast_id, actor, "reject")
            conn.execute(update(broadcasts).where(broadcasts.c.id == row.id).values(
                status="rejected", updated_at=self.now(), finished_at=self.now()))
            conn.execute(broadcast_recipients.delete().where(broadcast_recipients.c.broadcast_id == row.id))
            self._audit(conn, actor, "broadcast.rejected", "broadcast", row.id,
                        {"author": row.created_by, "note": _clean(note, 500) or ""})
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == row.id)).first()
        return self._broadcast(row)

    def _reviewable(self, conn: Connection, broadcast_id: int, actor: str, what: str):
        row = conn.execute(self._for_update(select(broadcasts).where(broadcasts.c.id == int(broadcast_id)))).first()
        if row is None:
            raise BroadcastError(f"no broadcast {broadcast_id}")
        if row.created_by == actor:
            raise SelfDecisionError(f"broadcast {broadcast_id}: its author cannot {what} it (four eyes)")
        if row.status != "review":
            raise BroadcastError(f"broadcast {broadcast_id} is {row.status}, not in review")
        return row

    # ------------------------------------------------------------------ audience filters on leads and metrics
    def lead_filter(self, sender_ids: Iterable[str], which: str) -> set:
        """The owners among ``sender_ids`` that match ``which``: ``checked_no_lead`` (an eligibility check is
        recorded for them, found by the keyed hash of ``metric_events``, and they have no worker lead) or
        ``lead_not_registered`` (a worker lead, none of them registered or sponsored). Narrows an audience of
        subscribers; it never adds anyone."""
        if which not in LEAD_FILTERS:
            raise ValueError(f"unknown audience filter {which!r}; one of {LEAD_FILTERS}")
        ids = list(dict.fromkeys(str(s) for s in sender_ids))
        out: set = set()
        lc = leads.c
        for start in range(0, len(ids), INSERT_BATCH):
            chunk = ids[start:start + INSERT_BATCH]
            with self._ro() as conn:
                with_lead = set(conn.execute(select(lc.sender_id).distinct().where(
                    lc.sender_id.in_(chunk), lc.type.in_(WORKER_LEAD_TYPES))).scalars())
                if which == "lead_not_registered":
                    registered = set(conn.execute(select(lc.sender_id).distinct().where(
                        lc.sender_id.in_(chunk), lc.type.in_(WORKER_LEAD_TYPES),
                        lc.status.in_(_REGISTERED))).scalars())
                    out |= with_lead - registered
                    continue
                subjects = {self._subject(conn, sid, create=False): sid for sid in chunk if sid not in with_lead}
                subjects.pop(None, None)
                if not subjects:
                    continue
                checked = set(conn.execute(select(metric_events.c.subject).distinct().where(
                    metric_events.c.kind == "eligibility_checked",
                    metric_events.c.subject.in_(list(subjects)))).scalars())
                out |= {subjects[h] for h in checked}
        return out

    def _defer_jobs(self, conn: Connection, specs: Sequence[Mapping[str, Any]]) -> List[int]:
        """Insert procrastinate jobs in this transaction (its ``defer_jobs`` query, schema from migration 0010)."""
        ids = []
        for s in specs:
            ids.append(conn.execute(text(
                "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, :priority, :lock, "
                ":queueing_lock, CAST(:args AS jsonb), CAST(:scheduled_at AS timestamptz))]"
                "::procrastinate_job_to_defer_v1[]))"),
                {"queue": s.get("queue", "default"), "task": s["task"], "priority": int(s.get("priority", 0)),
                 "lock": s.get("lock"), "queueing_lock": s.get("queueing_lock"), "args": json.dumps(s.get("args", {})),
                 "scheduled_at": s.get("scheduled_at")}).scalar_one())
        return ids

    # ------------------------------------------------------------------ reading
    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        with self._ro() as conn:
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == int(broadcast_id))).first()
        return self._broadcast(row) if row is not None else None

    def list_broadcasts(self, limit: int = 50) -> List[Broadcast]:
        """The newest broadcasts first."""
        with self._ro() as conn:
            rows = conn.execute(select(broadcasts).order_by(broadcasts.c.id.desc()).limit(int(limit))).all()
        return [self._broadcast(r) for r in rows]

    def broadcast_counts_many(self, ids: Sequence[int]) -> Dict[int, Dict[str, int]]:
        """:meth:`broadcast_counts` of several broadcasts in one query."""
        out = {int(i): dict.fromkeys(COUNT_KEYS, 0) for i in ids}
        if not out:
            return out
        r = broadcast_recipients.c
        with self._ro() as conn:
            for bid, state, n in conn.execute(select(r.broadcast_id, r.state, func.count())
                                              .where(r.broadcast_id.in_(list(out)))
                                              .group_by(r.broadcast_id, r.state)):
                out[bid][_COUNT_OF_STATE[state]] += n
        return out

    def broadcast_counts(self, broadcast_id: int) -> Dict[str, int]:
        """How many recipients are in each of :data:`COUNT_KEYS` (``queued``: pending or claimed; they add up to
        the broadcast's total)."""
        return self.broadcast_counts_many([broadcast_id])[int(broadcast_id)]

    def broadcasts_with_work(self) -> List[Tuple[int, str]]:
        """(broadcast id, channel) of every queued or running broadcast with rows not settled yet (the sweep)."""
        with self._ro() as conn:
            joined = broadcast_recipients.join(broadcasts, broadcasts.c.id == broadcast_recipients.c.broadcast_id)
            return [(r[0], r[1]) for r in conn.execute(
                select(broadcast_recipients.c.broadcast_id, broadcast_recipients.c.channel).distinct()
                .select_from(joined)
                .where(broadcasts.c.status.in_(("queued", "running")),
                       broadcast_recipients.c.state.in_(("pending", "claimed"))))]

    def unsettled_recipients(self, broadcast_id: int, channel: str) -> Tuple[int, dt.datetime | None]:
        """How many rows of one channel still wait (pending or claimed), and the earliest lease end among the
        claimed ones (None when none is claimed)."""
        with self._ro() as conn:
            row = conn.execute(select(func.count(), func.min(broadcast_recipients.c.claimed_until)).where(
                broadcast_recipients.c.broadcast_id == int(broadcast_id), broadcast_recipients.c.channel == channel,
                broadcast_recipients.c.state.in_(("pending", "claimed")))).first()
        return int(row[0]), row[1]

    # ------------------------------------------------------------------ staff actions
    def set_broadcast_status(self, broadcast_id: int, status: str, actor: str) -> Broadcast:
        """Pause (``paused``), resume (``running``) or cancel (``cancelled``) a broadcast; raises
        :class:`BroadcastError` when it is not in a status that allows it (e.g. resuming a cancelled one)."""
        actor = self._actor(actor)
        if status not in _TRANSITIONS:
            raise BroadcastError(f"cannot set a broadcast to {status!r}")
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(broadcasts).where(broadcasts.c.id == int(broadcast_id)))).first()
            if row is None:
                raise BroadcastError(f"no broadcast {broadcast_id}")
            if row.status not in _TRANSITIONS[status]:
                raise BroadcastError(f"broadcast {broadcast_id} is {row.status}: cannot make it {status}")
            conn.execute(update(broadcasts).where(broadcasts.c.id == row.id).values(status=status,
                                                                                    updated_at=self.now()))
            self._audit(conn, actor, f"broadcast.{status}", "broadcast", row.id, {"from": row.status})
            row = conn.execute(select(broadcasts).where(broadcasts.c.id == row.id)).first()
        return self._broadcast(row)

    # ------------------------------------------------------------------ the worker's side
    def claim_recipients(self, broadcast_id: int, channel: str, worker: str, limit: int = 50,
                         lease_seconds: float = 120.0) -> List[BroadcastRecipient]:
        """Hand up to ``limit`` rows of one channel to ``worker`` for ``lease_seconds``: pending ones, and claimed
        ones whose lease has passed (their worker died). Nothing while the broadcast is not queued or running.
        The broadcast becomes ``running``."""
        now = self.now()
        until = now + dt.timedelta(seconds=lease_seconds)
        r = broadcast_recipients.c
        available = and_(r.broadcast_id == int(broadcast_id), r.channel == channel,
                         or_(r.state == "pending", and_(r.state == "claimed", r.claimed_until <= now)))
        stmt = select(r.id).where(available).order_by(r.id).limit(limit)
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        with self._tx() as conn:
            status = conn.execute(select(broadcasts.c.status).where(broadcasts.c.id == int(broadcast_id))).scalar()
            if status not in ("queued", "running"):
                return []
            if status == "queued":
                conn.execute(update(broadcasts).where(broadcasts.c.id == int(broadcast_id),
                                                      broadcasts.c.status == "queued")
                             .values(status="running", updated_at=now))
            ids = list(conn.execute(stmt).scalars())
            if not ids:
                return []
            # the condition is re-checked in the UPDATE itself: whoever updates first wins
            conn.execute(update(broadcast_recipients).where(r.id.in_(ids), available).values(
                state="claimed", claimed_by=worker[:64], claimed_until=until, attempts=r.attempts + 1,
                updated_at=now))
            rows = conn.execute(select(broadcast_recipients).where(r.id.in_(ids), r.claimed_by == worker[:64],
                                                                   r.claimed_until == until)
                                .order_by(r.id)).all()
        return [BroadcastRecipient(id=x.id, broadcast_id=x.broadcast_id, channel=x.channel, recipient=x.recipient,
                                   attributes=x.attributes or {}, state=x.state, attempts=x.attempts,
                                   claimed_until=x.claimed_until) for x in rows]

    def _settle(self, row_id: int, worker: str, **values: Any) -> bool:
        r = broadcast_recipients.c
        with self._tx() as conn:
            res = conn.execute(update(broadcast_recipients).where(
                r.id == int(row_id), r.state == "claimed", r.claimed_by == worker[:64])
                .values(claimed_until=None, updated_at=self.now(), **values))
            if res.rowcount == 1 and values.get("state") == "sent":  # the outreach funnel (lingkar/store/outreach.py)
                row = conn.execute(select(r.broadcast_id, r.channel, r.recipient).where(r.id == int(row_id))).one()
                self._outreach_event(conn, "broadcast_sent", f"{row.channel}:{row.recipient}", row.channel,
                                     broadcast_id=row.broadcast_id)
            return res.rowcount == 1

    def mark_recipient_sent(self, row_id: int, worker: str, message_id: str) -> bool:
        """The platform accepted the message: record its id and ``sent`` (one UPDATE) and the ``broadcast_sent``
        event, in one transaction. False when ``worker`` no longer holds the row (its lease passed and another
        worker took it)."""
        return self._settle(row_id, worker, state="sent", platform_message_id=str(message_id)[:128],
                            sent_at=self.now(), error=None)

    def mark_recipient_failed(self, row_id: int, worker: str, error: str) -> bool:
        return self._settle(row_id, worker, state="failed", error=_clean(error, 300))

    def skip_recipient(self, row_id: int, worker: str) -> bool:
        """The person opted out before their turn: never sent."""
        return self._settle(row_id, worker, state="skipped_unsubscribed")

    def release_recipients(self, row_ids: Iterable[int], worker: str, error: str | None = None) -> int:
        """Give claimed rows back (not sent: the batch stopped early, or the platform said "later")."""
        ids = [int(i) for i in row_ids]
        if not ids:
            return 0
        r = broadcast_recipients.c
        with self._tx() as conn:
            return conn.execute(update(broadcast_recipients).where(
                r.id.in_(ids), r.state == "claimed", r.claimed_by == worker[:64]).values(
                state="pending", claimed_by=None, claimed_until=None, updated_at=self.now(),
                error=_clean(error, 300) if error else r.error)).rowcount

    def record_broadcast_status(self, channel: str, message_id: str, status: str) -> bool:
        """A delivery receipt (``delivered`` / ``read``) for a message a broadcast sent; moves only forward."""
        if status not in ("delivered", "read"):
            return False
        r = broadcast_recipients.c
        lower = [s for s, rank in _RANK.items() if rank < _RANK[status]]
        with self._tx() as conn:
            return conn.execute(update(broadcast_recipients).where(
                r.channel == channel, r.platform_message_id == str(message_id), r.state.in_(lower))
                .values(state=status, updated_at=self.now())).rowcount == 1

    def finish_broadcast_if_done(self, broadcast_id: int) -> bool:
        """``done`` once no row of a running broadcast waits any more; True when it is (now or before)."""
        r = broadcast_recipients.c
        with self._tx() as conn:
            waiting = conn.execute(select(func.count()).where(
                r.broadcast_id == int(broadcast_id), r.state.in_(("pending", "claimed")))).scalar_one()
            if waiting:
                return False
            now = self.now()
            conn.execute(update(broadcasts).where(broadcasts.c.id == int(broadcast_id),
                                                  broadcasts.c.status.in_(("queued", "running")))
                         .values(status="done", finished_at=now, updated_at=now))
            status = conn.execute(select(broadcasts.c.status).where(broadcasts.c.id == int(broadcast_id))).scalar()
            return status == "done"

    @staticmethod
    def _broadcast(row) -> Broadcast:
        m = row._mapping
        return Broadcast(id=m["id"], text=m["text"], buttons=list(m["buttons"] or []), topic=m["topic"],
                         audience=dict(m["audience"] or {}), template=m["template"], status=m["status"],
                         total=m["total"], created_by=m["created_by"], approved_by=m["approved_by"],
                         created_at=m["created_at"], scheduled_at=m["scheduled_at"], finished_at=m["finished_at"])


assert set(_TRANSITIONS) <= set(BROADCAST_STATUSES)
