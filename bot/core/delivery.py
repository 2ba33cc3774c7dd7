"""What a channel tells the lead store about deliveries that failed: subscriptions end by themselves when a contact
cannot be reached (issue 15). Channel-neutral; the channels call it with their own sender ids (``telegram:<id>``,
``whatsapp:<wa_id>``).

* ``permanent``: the messenger says this contact will never get our messages (Telegram ``Forbidden``: the bot was
  blocked or the account deactivated; WhatsApp's unreachable codes, :data:`bot.whatsapp.graph.UNREACHABLE_CODES`):
  every subscription of the contact ends at once (``auto_unsubscribe`` events).
* otherwise the failure is counted; :data:`lingkar.store.MAX_DELIVERY_FAILURES` in a row end them. A later
  successful delivery to a contact whose failure this process reported starts the count again (only then is the
  store written: a success costs nothing otherwise).

The store is ``DATABASE_URL``'s (as the action server's), opened on first use; a store failure is logged and costs
the conversation nothing.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Awaitable, Callable, Dict, List, Set

from lingkar.store.aio import run_sync

log = logging.getLogger("lingkar.delivery")


def lazy_store(database_url: str | None = None) -> Callable[[], Any]:
    """A function that opens the lead store (``database_url`` or DATABASE_URL, migrated) on its first call and
    returns the same store afterwards."""
    opened: Dict[str, Any] = {}
    lock = threading.Lock()  # called from worker threads (run_sync): one store, opened once

    def get() -> Any:
        with lock:
            if "store" not in opened:
                from lingkar.store import open_store

                opened["store"] = open_store(database_url)
            return opened["store"]

    return get


def broadcast_reply_recorder(store: Callable[[], Any]) -> Callable[[str], Awaitable[int | None]]:
    """``note(sender_id)``: a worker's message counts as a reply to a broadcast sent to them within
    :data:`lingkar.store.outreach.REPLY_WINDOW` (``broadcast_replied`` in the outreach funnel, once per broadcast and
    person; :meth:`lingkar.store.Store.note_broadcast_reply`). The channels call it for each message of a returning
    person (Telegram: the staff plugin's ``pre_metrics``; WhatsApp: the adapter); a failure is logged and costs the
    worker nothing."""

    async def note(sender_id: str) -> int | None:
        try:
            return await run_sync(lambda: store().note_broadcast_reply(sender_id))
        except Exception as exc:  # a metric must never cost the worker their answer
            log.warning("broadcast reply not recorded: %s", type(exc).__name__)
            return None

    return note


class DeliveryReporter:
    """Reports a channel's failed (and, after a failure, successful) deliveries to the lead store."""

    def __init__(self, channel: str, store: Callable[[], Any] | None = None):
        self.channel = channel
        self.store = store or lazy_store()
        self._failing: Set[str] = set()

    async def failed(self, sender_id: str, reason: str, permanent: bool = False) -> List[str]:
        """Record a failed delivery to ``sender_id``: the topics that ended (none when the store is unreachable)."""
        self._failing.add(sender_id)
        try:
            ended = await run_sync(lambda: self.store().delivery_failed(sender_id, reason, permanent=permanent,
                                                                        channel=self.channel))
        except Exception as exc:
            log.warning("delivery failure (%s) not recorded: %s", reason, type(exc).__name__)
            return []
        if ended:
            log.info("%s contact unsubscribed automatically (%s): %s", self.channel, reason, ", ".join(ended))
        return ended

    async def succeeded(self, sender_id: str) -> None:
        """A message reached ``sender_id``: after a failure this process reported, the count starts again."""
        if sender_id not in self._failing:
            return
        try:
            await run_sync(lambda: self.store().delivery_succeeded(sender_id))
            self._failing.discard(sender_id)
        except Exception as exc:
            log.warning("delivery success not recorded: %s", type(exc).__name__)


__all__ = ["DeliveryReporter", "lazy_store"]
