"""Queueing a broadcast and sending one batch of it: the work of the jobs (``jobs.py``), without the job engine.

One batch (:meth:`Outreach.deliver_batch`) of one channel:

1. claim up to ``BROADCAST_BATCH`` pending rows under a lease (rows of a dead worker come back after theirs);
2. for each, in order: is the broadcast still running (re-read every few rows: pause and cancel stop it), is the
   person still subscribed (else ``skipped_unsubscribed``), then wait for the channel's pacer (broadcast share of the
   platform's rate, one message a second per chat), render the text with the facts of today, send;
3. record the outcome: ``sent`` with the platform's message id (one UPDATE, only while the lease is ours), or
   ``failed`` (and the auto-unsubscribe hook when the person cannot be reached), or give the rest back and ask the
   job to come back later (429 ``retry_after``, WhatsApp throughput and pair-rate limits);
4. stop before the lease ends, give back what was not sent, and tell the job whether to queue the next batch.

The one at-least-once window: the platform accepted a message and the worker died before step 3 recorded it; the
row's lease then passes and another worker sends it again (as for replies, docs/telegram.md).
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Tuple

from bot.core.pacing import Pacer
from lingkar import clock
from lingkar.store import Store
from lingkar.store.aio import run_sync
from lingkar.store.records import Broadcast

from .audience import Audience, chosen
from .message import BroadcastMessage, MessageError

log = logging.getLogger("lingkar.outreach")

STATUS_EVERY = 10       # rows between two reads of the broadcast's status (pause / cancel)
PER_CHAT: Tuple[int, float] = (1, 1.0)   # Telegram: one message a second per chat


def _evenly(rate: Tuple[int, float] | None) -> Tuple[int, float] | None:
    """``n`` messages per ``seconds`` as one message every ``seconds / n``: no burst at the start of a job (a limiter
    that starts full would allow twice the rate in the first second)."""
    return None if rate is None else (1, rate[1] / rate[0])


@dataclass(frozen=True)
class BatchResult:
    more: bool              # queue the next batch
    delay: float = 0.0      # ... after this many seconds
    sent: int = 0
    failed: int = 0
    skipped: int = 0


class Outreach:
    """Broadcast work over a store, an audience and one sender per channel (``senders[channel].send(...)``)."""

    def __init__(self, store: Store, audience: Audience, senders: Mapping[str, Any], *,
                 rates: Mapping[str, Tuple[int, float]] | None = None, batch: int = 100, lease: float = 300.0,
                 today: Callable[[], dt.date] = clock.today):
        self.store, self.audience, self.senders = store, audience, dict(senders)
        self.batch, self.lease, self.today = batch, lease, today
        self.pacers: Dict[str, Pacer] = {ch: Pacer(PER_CHAT, _evenly((rates or {}).get(ch))) for ch in self.senders}
        self._messages: Dict[int, BroadcastMessage] = {}

    # ------------------------------------------------------------------ queueing
    async def queue(self, message: BroadcastMessage, topic: str, created_by: str, *,
                    filters: Mapping[str, Any] | None = None, template: str = "info",
                    scheduled_at: dt.datetime | None = None, jobs: Any = (), review: bool = False
                    ) -> Tuple[Broadcast, List[Dict]]:
        """Write the broadcast for the audience of ``topic`` (and ``filters``) with its first jobs; returns it and
        the jobs the caller still has to defer (the in-memory mode). The text must read well today (and on the
        day it is scheduled for). ``review``: it waits for a second staff member's approval (no job yet)."""
        message.render(self.today())          # MessageError now rather than for every recipient
        if scheduled_at is not None:
            message.render(scheduled_at.astimezone(clock.zone()).date())
        audience = {"topic": topic, "filters": dict(filters or {})}

        def create():
            return self.store.create_broadcast(
                text=message.text, buttons=message.buttons, topic=topic, audience=audience, template=template,
                recipients=chosen(self.store, self.audience, topic, dict(filters or {})), created_by=created_by,
                scheduled_at=scheduled_at, jobs=jobs, review=review)
        return await run_sync(create)

    # ------------------------------------------------------------------ one batch
    def _message(self, bc: Broadcast) -> BroadcastMessage:
        msg = self._messages.get(bc.id)
        if msg is None:
            msg = self._messages[bc.id] = BroadcastMessage.parse(bc.text, bc.buttons)
        return msg

    async def deliver_batch(self, broadcast_id: int, channel: str, worker: str) -> BatchResult:
        bc = await run_sync(self.store.get_broadcast, broadcast_id)
        if bc is None or bc.status not in ("queued", "running"):
            return BatchResult(more=False)          # paused (resume queues again), cancelled, done
        if bc.scheduled_at is not None:
            wait = (bc.scheduled_at - self.store.now()).total_seconds()
            if wait > 0:
                return BatchResult(more=True, delay=wait)
        sender = self.senders.get(channel)
        if sender is None:
            raise RuntimeError(f"broadcast {broadcast_id}: no sender for channel {channel!r} in this worker")
        rows = await run_sync(self.store.claim_recipients, broadcast_id, channel, worker, self.batch, self.lease)
        if not rows:
            waiting, earliest = await run_sync(self.store.unsettled_recipients, broadcast_id, channel)
            if not waiting:
                await run_sync(self.store.finish_broadcast_if_done, broadcast_id)
                return BatchResult(more=False)
            # rows claimed by another (maybe dead) worker: look again when their lease ends
            delay = 1.0 if earliest is None else max(1.0, (earliest - self.store.now()).total_seconds() + 1.0)
            return BatchResult(more=True, delay=delay)
        stop_at = time.monotonic() + self.lease - min(30.0, self.lease / 4)
        message = self._message(bc)
        pacer = self.pacers[channel]
        rendered: Dict[dt.date, Any] = {}
        sent = failed = skipped = 0
        for i, row in enumerate(rows):
            rest = [r.id for r in rows[i:]]
            if time.monotonic() > stop_at:
                await run_sync(self.store.release_recipients, rest, worker)
                return BatchResult(True, 0.0, sent, failed, skipped)
            if i and i % STATUS_EVERY == 0:
                status = (await run_sync(self.store.get_broadcast, broadcast_id)).status
                if status not in ("queued", "running"):
                    await run_sync(self.store.release_recipients, rest, worker)
                    return BatchResult(False, 0.0, sent, failed, skipped)
            if not await self.audience.still_subscribed(channel, row.recipient, bc.topic):
                await run_sync(self.store.skip_recipient, row.id, worker)
                skipped += 1
                continue
            day = self.today()
            if day not in rendered:
                try:
                    rendered[day] = message.render(day)
                except MessageError as exc:
                    rendered[day] = exc
            text = rendered[day]
            if isinstance(text, MessageError):
                await run_sync(self.store.mark_recipient_failed, row.id, worker, str(text))
                failed += 1
                continue
            async with pacer.slot(row.recipient):
                outcome = await sender.send(row.recipient, text.text, list(text.buttons), bc.topic, row.attributes)
            if outcome.kind == "sent":
                if not await run_sync(self.store.mark_recipient_sent, row.id, worker, outcome.message_id):
                    log.error("broadcast %s: row %s was sent but is no longer ours (lease passed)", bc.id, row.id)
                sent += 1
            elif outcome.kind == "failed":
                await run_sync(self.store.mark_recipient_failed, row.id, worker, outcome.error)
                if outcome.unsubscribe:
                    await self.audience.stopped(channel, row.recipient, outcome.error)
                failed += 1
            else:
                await run_sync(self.store.release_recipients, rest, worker, outcome.error)
                log.warning("broadcast %s on %s: %s; again in %.0fs", bc.id, channel, outcome.error,
                            outcome.retry_after)
                return BatchResult(True, outcome.retry_after, sent, failed, skipped)
        return BatchResult(True, 0.0, sent, failed, skipped)
