"""What a channel adapter provides to the delivery core (Telegram today, WhatsApp next, a third one later).

The core owns everything that does not depend on the messenger: the durable inbox (:mod:`bot.core.inbox`), ordered
processing with crash-safe steps (:mod:`bot.core.dispatcher`), pacing (:mod:`bot.core.pacing`), the Rasa client
(:mod:`bot.core.rasa`), planning Rasa's reply (:mod:`bot.core.plan`), first-contact attribution
(:mod:`bot.core.referral`) and the HTTP host (:mod:`bot.core.server`). A channel brings the rest:

1. ``name`` ("telegram", "whatsapp"): the inbox namespace (:func:`bot.core.inbox.make_inbox`) and the prefix of the
   Rasa sender id (:func:`bot.core.rasa.sender_id`: ``telegram:<id>``, ``whatsapp:<wa_id>``).
2. ``limits``: a :class:`bot.core.plan.Limits` for planning replies.
3. Intake: routes on the shared :class:`bot.core.server.HttpHost` (a webhook) or a poller, each storing a raw
   update with ``Inbox.put`` / ``Inbox.put_keyed`` BEFORE acknowledging it to the messenger.
4. ``parse(raw)``: a stored raw update -> :class:`Inbound` (or None: nothing to answer).
5. ``send(recipient, message)``: show one :class:`bot.core.plan.OutMessage`; run inside
   ``turn.once(key, ...)`` so a resumed turn never sends it twice; returns a JSON-serialisable result.
6. ``health(fresh)``: its /health document (``status``, ``degraded``), added with ``HttpHost.add_health``.
7. ``start()`` / ``stop()``; and a ``configured(settings)`` check so ``python -m bot.channels`` runs it only when
   its settings are present (Telegram: ``TELEGRAM_BOT_TOKEN``).

Adding a third channel: a new package ``bot/<name>/`` with such an object, and one line in
:data:`bot.channels.CHANNELS`; nothing in ``bot/core`` changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Protocol, runtime_checkable

from .dispatcher import Turn
from .plan import Limits, OutMessage, Reply
from .server import HttpHost


@dataclass
class Inbound:
    """One parsed incoming update, channel-neutral."""

    chat_key: str                    # ordering key in the inbox (one conversation)
    user_key: Any                    # the channel's user id for the user record (Telegram: int; WhatsApp: wa_id)
    sender_id: str                   # Rasa sender id, ``<channel>:<id>``
    text: str | None = None          # what the person typed
    payload: str | None = None       # the payload of a pressed button (goes to Rasa as is)
    referral: str | None = None      # an agent code the channel itself carries (Telegram's /start ag_<code>)
    metadata: Dict[str, Any] = field(default_factory=dict)   # goes to Rasa with the message


@runtime_checkable
class Channel(Protocol):
    """See the module docstring."""

    name: str
    limits: Limits

    def install(self, host: HttpHost) -> None:
        """Add the channel's routes and health document to the shared HTTP host (before it starts)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def parse(self, raw: Dict[str, Any]) -> Inbound | None: ...

    async def send(self, recipient: str, message: OutMessage) -> Any: ...

    async def health(self, fresh: bool = False) -> Dict[str, Any]: ...


async def deliver(reply: Reply, send: Callable[[OutMessage], Awaitable[Any]], prefix: str = "out") -> List[Any]:
    """Send a planned reply message by message, each as a step of the current turn (``<prefix>:<i>``): a turn run
    again after a crash sends only what was not sent yet. ``send`` returns a JSON-serialisable result. Outside a turn
    the messages are simply sent. Plan the reply itself inside ``turn.once("plan", ...)`` so a rerun sends the same."""
    turn = Turn.current()
    results: List[Any] = []
    for i, msg in enumerate(reply.messages):
        if turn is None:
            results.append(await send(msg))
        else:
            results.append(await turn.once(f"{prefix}:{i}", lambda msg=msg: send(msg)))
    return results
