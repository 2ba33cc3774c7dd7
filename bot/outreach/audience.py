"""Who gets a broadcast and who still wants it: injected, never decided here.

The subscriptions (their own tables and repository) give three things, bundled as an :class:`Audience`:

* ``recipients(topic, filters)``: the active subscribers of a topic as ``(channel, key, attributes)`` (``key``: the
  Telegram chat id or the WhatsApp number; ``attributes``: what a template may greet them with, e.g. ``nama``),
  read once when the broadcast is queued;
* ``is_subscribed(channel, key, topic)``: asked right before each message, so an opt-out that arrives while the
  broadcast runs is honoured (the row becomes ``skipped_unsubscribed``);
* ``unsubscribe(channel, key, reason)``: called when the platform says the person can no longer be reached
  (Telegram Forbidden: they blocked the bot; WhatsApp 131026 and kin).

``BROADCAST_AUDIENCE="module:function"`` names a function ``(store, settings) -> Audience``; without it nothing can
be queued or sent (consent: only subscribers get broadcasts).
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, Mapping, Tuple

from lingkar.store.aio import run_sync

Recipient = Tuple[str, str, Mapping[str, Any]]


@dataclass
class Audience:
    recipients: Callable[[str, Mapping[str, Any]], Iterable[Recipient]]
    is_subscribed: Callable[[str, str, str], Awaitable[bool] | bool]
    unsubscribe: Callable[[str, str, str], Awaitable[None] | None] = lambda channel, key, reason: None

    async def still_subscribed(self, channel: str, key: str, topic: str) -> bool:
        """``is_subscribed`` (a blocking one runs in a worker thread, off the event loop)."""
        if inspect.iscoroutinefunction(self.is_subscribed):
            return bool(await self.is_subscribed(channel, key, topic))
        return bool(await run_sync(self.is_subscribed, channel, key, topic))

    async def stopped(self, channel: str, key: str, reason: str) -> None:
        if inspect.iscoroutinefunction(self.unsubscribe):
            await self.unsubscribe(channel, key, reason)
        else:
            await run_sync(self.unsubscribe, channel, key, reason)


def load_audience(spec: str, store: Any, settings: Any) -> Audience:
    """The :class:`Audience` that ``"module:function"`` builds from the store and the settings."""
    module, _, name = spec.partition(":")
    factory = getattr(importlib.import_module(module), name)
    audience = factory(store, settings)
    if not isinstance(audience, Audience):
        raise TypeError(f"{spec} returned {type(audience).__name__}, not an Audience")
    return audience
