"""Who gets a broadcast and who still wants it: injected, never decided here.

The subscriptions (their own tables and repository) give three things, bundled as an :class:`Audience`:

* ``recipients(topic, filters)``: the active subscribers of a topic as ``(channel, key, attributes)`` (``key``: the
  Telegram chat id or the WhatsApp number; ``attributes``: what a template may greet them with, e.g. ``nama``),
  read once when the broadcast is queued;
* ``is_subscribed(channel, key, topic)``: asked right before each message, so an opt-out that arrives while the
  broadcast runs is honoured (the row becomes ``skipped_unsubscribed``);
* ``unsubscribe(channel, key, reason)``: called when the platform says the person can no longer be reached
  (Telegram Forbidden: they blocked the bot; WhatsApp 131026 and kin).

Staff may narrow an audience further by what the person did (the filter ``lead``: ``checked_no_lead``,
``lead_not_registered``; :func:`chosen`, with :meth:`lingkar.store.Store.lead_filter`): it only ever removes
subscribers, never adds anyone.

The default (:func:`subscribers`, ``BROADCAST_AUDIENCE`` unset) is the subscriptions of the lead store
(``lingkar/store/subscriptions.py``): only active subscribers of the topic, the filters exact, "still subscribed?"
asked of the store right before each message, and an unreachable contact unsubscribed there (every topic, an
``auto_unsubscribe`` event). ``BROADCAST_AUDIENCE="module:function"`` names another function
``(store, settings) -> Audience`` (tests use one); ``BROADCAST_AUDIENCE=off`` switches broadcasts off.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence, Tuple

from lingkar.store import SUBSCRIPTION_TOPICS
from lingkar.store.aio import run_sync

Recipient = Tuple[str, str, Mapping[str, Any]]
#: how many recipients :func:`chosen` checks against the leads at a time
NARROW_BATCH = 1000
#: BROADCAST_AUDIENCE's default: the subscriptions in the lead store
DEFAULT_AUDIENCE = "bot.outreach.audience:subscribers"


@dataclass
class Audience:
    recipients: Callable[[str, Mapping[str, Any]], Iterable[Recipient]]
    is_subscribed: Callable[[str, str, str], Awaitable[bool] | bool]
    unsubscribe: Callable[[str, str, str], Awaitable[None] | None] = lambda channel, key, reason: None
    #: the topics one may subscribe to (empty: any topic is asked as it is)
    topics: Sequence[str] = ()

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


def subscribers(store: Any, settings: Any = None) -> Audience:
    """The default audience: the subscriptions of ``store`` (the owner ``<channel>:<key>`` is the sender id the
    channels give: a Telegram chat id, a WhatsApp number)."""
    def recipients(topic: str, filters: Mapping[str, Any]) -> Iterator[Recipient]:
        for batch in store.audience(topic, channel=filters.get("channel") or None,
                                    regency=filters.get("regency") or None, sector=filters.get("sector") or None,
                                    agent_code=filters.get("agent") or None):
            for sub in batch:
                channel, sep, key = sub.sender_id.partition(":")
                if sep and key:
                    yield channel, key, {}

    def is_subscribed(channel: str, key: str, topic: str) -> bool:
        return store.is_subscribed(f"{channel}:{key}", topic)

    def unsubscribe(channel: str, key: str, reason: str) -> None:
        store.delivery_failed(f"{channel}:{key}", reason, permanent=True, channel=channel)

    return Audience(recipients, is_subscribed, unsubscribe, topics=tuple(SUBSCRIPTION_TOPICS))


def chosen(store: Any, audience: Audience, topic: str, filters: Mapping[str, Any]) -> Iterator[Recipient]:
    """The recipients of ``topic`` with ``filters``: the audience's own (channel, regency, sector, agent), then
    ``lead`` (``checked_no_lead`` / ``lead_not_registered``) on the store's leads and eligibility checks, by the
    owner ``<channel>:<key>``."""
    lead = filters.get("lead")
    rows = audience.recipients(topic, {k: v for k, v in filters.items() if k != "lead"})
    if not lead:
        yield from rows
        return
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= NARROW_BATCH:
            yield from _narrow(store, batch, lead)
            batch = []
    if batch:
        yield from _narrow(store, batch, lead)


def _narrow(store: Any, batch: list, lead: str) -> Iterator[Recipient]:
    keep = store.lead_filter([f"{c}:{k}" for c, k, _ in batch], lead)
    return (r for r in batch if f"{r[0]}:{r[1]}" in keep)
