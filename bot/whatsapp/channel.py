"""The WhatsApp channel's entry for ``python -m bot.channels`` (:data:`bot.channels.CHANNELS`)."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from bot.core.delivery import DeliveryReporter, broadcast_reply_recorder, lazy_store
from bot.core.server import HttpHost
from lingkar.store.aio import run_sync

from .config import WhatsAppSettings

log = logging.getLogger("lingkar.whatsapp")


def chat_started_recorder(database_url: str | None = None, store: Callable[[], Any] | None = None
                          ) -> Callable[[str, str | None], Awaitable[int | None]]:
    """``chat_started`` in the funnel for a WhatsApp worker's first message, with the agent code they came with
    (the Telegram side records it in the staff plugin). The lead store (DATABASE_URL, as the action server uses) is
    opened on first use (``database_url`` overrides it; ``store``: a :func:`bot.core.delivery.lazy_store` shared
    with other users); a failure is logged and costs the worker nothing."""
    store = store or lazy_store(database_url)

    def go(wa_id: str, referral: str | None) -> int:
        return store().record_event("chat_started", channel="whatsapp", sender_id=f"whatsapp:{wa_id}",
                                    agent_code=referral)

    async def record(wa_id: str, referral: str | None) -> int | None:
        try:
            return await run_sync(go, wa_id, referral)
        except Exception as exc:  # a metric must never cost the worker their answer
            log.warning("chat_started not recorded: %s", type(exc).__name__)
            return None

    return record


def from_settings(settings: Any, host: HttpHost):
    """The WhatsApp channel on the shared ``host`` (path /webhooks/whatsapp), or None when WHATSAPP_TOKEN is not set.

    Raises ValueError on other configuration errors (a missing app secret among them: the webhook could not be
    verified)."""
    wa = WhatsAppSettings.from_settings(settings)
    if not wa.configured:
        return None
    problems = wa.problems()
    if problems:
        raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
    from .app import WhatsAppAdapter

    store = lazy_store()
    return WhatsAppAdapter(wa, host=host, first_contact=chat_started_recorder(store=store), lead_store=store,
                           deliveries=DeliveryReporter("whatsapp", store), replies=broadcast_reply_recorder(store))
