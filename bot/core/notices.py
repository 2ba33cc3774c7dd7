"""Telling a worker once, on their own channel, when staff change the status of their lead (channel-neutral).

``Store.set_lead_status`` writes a ``notice.<channel>`` outbox event in the same transaction as a worker-relevant
change (``NOTICE_STATUSES``: contacted, registered, unreachable, sponsored; not notes, claims or "not_interested").
A :class:`NoticeSender` per channel claims its channel's events under the outbox lease and hands each one, as a
:class:`Notice` (recipient, Indonesian text from lingkar/status.py, reference, status in plain words), to the
channel's ``send`` function:

* Telegram: the staff notifier (bot/staff/notifier.py) sends it through the Bot API;
* WhatsApp: the WhatsApp channel (bot/whatsapp/app.py) sends it as text inside the 24-hour window, else the
  ``status_update`` template.

Exactly once: the sent message's id is recorded (``app_state`` ``notice:<event id>``) before the event is acked; an
event claimed again after a crash between sending and acking finds that record and is acked without sending. (The
one window left, as for the staff cards: a crash after the messenger accepted the message and before the record
is written.) An event whose lead is gone ("hapus data saya" deletes its events too) or whose lead has moved on to
another status since (that change has its own notice) is settled without sending. A channel that cannot reach the
person for good (blocked the bot, no template outside the window) returns None: settled as ``skipped:undeliverable``.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from lingkar.status import notice_text, status_words
from lingkar.store.aio import run_sync

from .pacing import Pacer

log = logging.getLogger("lingkar.notices")

TOPIC_PREFIX = "notice."     # lingkar.store.outbox.NOTICE_PREFIX: the topic is notice.<channel>
BATCH = 10
MAX_ATTEMPTS = 8             # an event that failed this often for a reason other than "try later" is settled


class NoticeRetry(Exception):
    """The messenger cannot take it now (network, rate limit): the event is released and tried again later."""

    def __init__(self, message: str = "", after: float = 0.0):
        super().__init__(message)
        self.after = after


@dataclass(frozen=True)
class Notice:
    event_id: int
    lead_id: int
    status: str          # the lead's new status
    recipient: str       # the channel's own user id: the sender id without "<channel>:"
    reference: str       # LK-…
    words: str           # the status in plain words (a template's parameter)
    text: str            # the whole message


#: A channel's way to send one notice: the sent message's id, or None when it cannot be delivered for good.
Send = Callable[[Notice], Awaitable[Any]]


class NoticeSender:
    def __init__(self, store: Any, channel: str, send: Send, consumer: str, lease: float = 60.0,
                 pacer: Pacer | None = None):
        self.store, self.channel, self.send = store, channel, send
        self.consumer = f"{consumer}:notices:{channel}"[:64]
        self.topic = TOPIC_PREFIX + channel
        self.lease = lease
        self.pacer = pacer or Pacer(per_recipient=(1, 1.0))
        self.counts = {"sent": 0, "gone": 0, "stale": 0, "undeliverable": 0, "again": 0, "failed": 0}
        self._retry_at = 0.0

    # ---- one round -------------------------------------------------------------------------------
    async def step(self) -> bool:
        """Send one batch of this channel's notices. True if there may be more now; False when there is nothing,
        or the messenger asked to wait (then the rest of the batch is released and nothing is claimed until then)."""
        if time.monotonic() < self._retry_at:
            return False
        events = await run_sync(self.store.claim_outbox, self.consumer, BATCH, self.lease, [self.topic])
        for i, event in enumerate(events):
            try:
                await self._one(event)
            except NoticeRetry as exc:
                self._retry_at = time.monotonic() + max(exc.after, 1.0)
                log.warning("notice %s (%s): %s; released, retry in %.0fs", event.id, self.channel, exc,
                            max(exc.after, 1.0))
                for rest in events[i:]:
                    await run_sync(self.store.release_outbox, rest.id, self.consumer)
                return False
            except Exception as exc:  # a bug or a refusal: a few more tries, then settled
                self.counts["failed"] += 1
                log.error("notice %s (%s) attempt %s failed: %s: %s", event.id, self.channel, event.attempts,
                          type(exc).__name__, exc)
                if event.attempts >= MAX_ATTEMPTS:
                    await run_sync(self.store.skip_outbox, event.id, self.consumer, "failed")
                else:
                    await run_sync(self.store.release_outbox, event.id, self.consumer)
        return len(events) == BATCH

    async def run(self, stop: asyncio.Event, interval: float = 2.0) -> None:
        """Send notices until ``stop`` is set (a store outage is waited out)."""
        while not stop.is_set():
            try:
                busy = await self.step()
            except Exception as exc:
                log.error("notices (%s): %s: %s", self.channel, type(exc).__name__, exc)
                busy = False
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), interval)
                except asyncio.TimeoutError:
                    pass

    # ---- one notice ------------------------------------------------------------------------------
    async def _one(self, event: Any) -> None:
        key = f"notice:{event.id}"
        lead = await run_sync(self.store.lead_status_view, event.lead_id) if event.lead_id else None
        status = (event.payload or {}).get("to")
        if lead is None:
            await self._settle(event, "gone")
            return
        if lead["status"] != status:
            await self._settle(event, "stale")
            return
        if await run_sync(self.store.get_state, key) is not None:   # sent before a crash: only the ack is missing
            self.counts["again"] += 1
            await self._ack(event, key)
            return
        sender = str(lead.get("sender_id") or "")
        prefix = f"{self.channel}:"
        if not sender.startswith(prefix):
            await self._settle(event, "undeliverable")
            return
        notice = Notice(event_id=event.id, lead_id=lead["id"], status=status, recipient=sender[len(prefix):],
                        reference=lead.get("reference") or "-", words=status_words(status),
                        text=notice_text(lead, status))
        async with self.pacer.slot(notice.recipient):
            message_id = await self.send(notice)
        if message_id is None:
            await self._settle(event, "undeliverable")
            return
        await run_sync(self.store.set_state, key, str(message_id))
        self.counts["sent"] += 1
        log.info("notice %s: lead %s told %s on %s", event.id, lead["id"], status, self.channel)
        await self._ack(event, key)

    async def _ack(self, event: Any, key: str) -> None:
        if not await run_sync(self.store.ack_outbox, event.id, self.consumer):
            log.warning("notice %s was sent after our lease ended", event.id)
        try:
            await run_sync(self.store.delete_state, key)
        except Exception as exc:  # acked already: the record is only left over
            log.warning("notice record %s not removed: %s", key, type(exc).__name__)

    async def _settle(self, event: Any, reason: str) -> None:
        self.counts[reason] += 1
        log.info("notice %s (%s): %s, not sent", event.id, self.channel, reason)
        await run_sync(self.store.skip_outbox, event.id, self.consumer, reason)

