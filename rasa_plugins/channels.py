"""Rasa's REST channel, answering a repeated message from the conversation instead of running it twice.

Registered in credentials.yml as ``rasa_plugins.channels.IdempotentRestInput``; its ``name()`` is ``rest``, so the
contract with our adapters is unchanged: ``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"}``,
answered with the list of bot messages (``recipient_id``, ``text``, ``buttons``, ``image``, ``custom``,
``attachment``).

An adapter that was killed after Rasa handled a message, and before it recorded the answer, sends the same message
again (bot/telegram/rasa.py; docs/telegram.md). When the metadata carries a message id (``update_id`` from
Telegram, or a generic ``message_id``, e.g. WhatsApp's ``wamid``), the turn runs like this:

1. take the conversation's lock from Rasa's lock store (the same ticket lock Rasa's ``Agent.handle_message``
   takes; a first attempt still in flight holds it until its turn is saved, so a retry waits for it);
2. *claim* the id: ``SET <REDIS_PREFIX>:seen:<sender>:<kind>:<id> NX`` with a TTL of :data:`SEEN_TTL` (in memory
   when ``REDIS_URL`` is unset). A new id (the normal case) costs this one Redis call and nothing else;
3. when the id was claimed before (or Redis could not tell), load the stored conversation and look for a user
   event with that id in its metadata. Found: send the bot messages that followed it, rebuilt through the same
   output channel code Rasa uses, and do not run the turn. Not found (the first attempt died before its turn was
   saved): run the turn;
4. run the turn with ``agent.processor.handle_message`` *under the lock taken in step 1* (exactly what
   ``Agent.handle_message`` does inside its lock; the lock is not re-entrant, so calling the agent here would
   deadlock). There is therefore no gap between the check and the turn in which a second attempt could slip in.

The turn runs in a task shielded from the request: when the adapter's connection drops (it was killed, or its
timeout fired), Sanic cancels the request, but the turn still finishes and is saved, and the retry waiting on the
lock answers from it instead of running half a turn again.

Messages without an id go to Rasa exactly as before (``Agent.handle_message``).

What is left (docs/chaos.md, "Repeats"): a repeat arriving after :data:`SEEN_TTL` (two days), or after its
conversation was lost (Redis emptied, the conversation expired or erased by "hapus data saya"), is a new turn; a
repeat of a message whose form answers were erased (a cancelled lead form) gets the erased messages as stored.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Tuple

import redis
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint

from rasa_plugins.health import redis_config
from rasa_plugins.stores import make_client

logger = logging.getLogger(__name__)

#: Seconds a message id is remembered (a repeat later than this is a new turn). The adapters retry within
#: seconds, and after a restart within minutes; Telegram drops an unanswered update after 24 hours.
SEEN_TTL = 2 * 24 * 3600
#: Metadata keys holding a channel's message id, in order of preference.
ID_KEYS = ("update_id", "message_id")

MessageId = Tuple[str, str]


def message_id(metadata: Any) -> MessageId | None:
    """(key, id as text) of the first of :data:`ID_KEYS` present in the metadata, or None."""
    if not isinstance(metadata, Mapping):
        return None
    for key in ID_KEYS:
        value = metadata.get(key)
        if value is not None and value != "":
            return key, str(value)
    return None


def replies_after(events: List[Any], mid: MessageId) -> List[Dict[str, Any]] | None:
    """The bot messages that followed the last user event carrying ``mid``, as Rasa hands them to an output
    channel (``BotUttered.message()``); None when no user event carries it."""
    key, value = mid
    start = None
    for i, e in enumerate(events):
        if isinstance(e, UserUttered) and str((e.metadata or {}).get(key)) == value:
            start = i
    if start is None:
        return None
    out = []
    for e in events[start + 1:]:
        if isinstance(e, UserUttered):
            break
        if isinstance(e, BotUttered):
            out.append(e.message())
    return out


class SeenIds:
    """Message ids already handed to Rasa: in Redis (``REDIS_URL`` set) or in this process."""

    def __init__(self, ttl: int = SEEN_TTL) -> None:
        self.ttl = ttl
        config = redis_config()
        self.prefix = config.prefix if config else ""
        self.red: redis.Redis | None = None
        if config is not None:
            self.red = make_client(config, decode_responses=True)
        self.memory: Dict[str, float] = {}
        self._swept = time.monotonic()

    def key(self, sender_id: str, mid: MessageId) -> str:
        return (f"{self.prefix}:" if self.prefix else "") + f"seen:{sender_id}:{mid[0]}:{mid[1]}"

    def claim(self, sender_id: str, mid: MessageId) -> bool | None:
        """True: the first time this id is seen (now recorded); False: seen before; None: Redis failed."""
        key = self.key(sender_id, mid)
        if self.red is not None:
            try:
                return bool(self.red.set(key, "1", nx=True, ex=self.ttl))
            except redis.RedisError as exc:
                logger.warning("Could not record message id %s (%s): checking the conversation.", mid[0], exc)
                return None
        now = time.monotonic()
        self._sweep(now)
        if self.memory.get(key, 0.0) > now:
            return False
        self.memory[key] = now + self.ttl
        return True

    def _sweep(self, now: float) -> None:
        if now - self._swept < 60:
            return
        self._swept = now
        self.memory = {k: t for k, t in self.memory.items() if t > now}


class IdempotentRestInput(RestInput):
    """``rest``: Rasa's REST channel where a message id seen before is answered from the conversation."""

    def __init__(self) -> None:
        self.app: Any = None
        self._seen: SeenIds | None = None

    @classmethod
    def name(cls) -> str:
        return "rest"

    @property
    def seen(self) -> SeenIds:
        if self._seen is None:
            self._seen = SeenIds()
        return self._seen

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(self._once_per_id(on_new_message))

        @bp.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            self.app = app

        return bp

    def _once_per_id(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
                     ) -> Callable[[UserMessage], Awaitable[Any]]:
        async def handle(message: UserMessage) -> None:
            mid = message_id(message.metadata)
            agent = getattr(getattr(self.app, "ctx", None), "agent", None)
            if mid is None or agent is None:
                await on_new_message(message)
                return
            task = asyncio.ensure_future(self._handle_once(agent, message, mid))
            task.add_done_callback(_log_failure)
            await asyncio.shield(task)   # a dropped connection must not cut the turn in half

        return handle

    async def _handle_once(self, agent: Any, message: UserMessage, mid: MessageId) -> None:
        if not agent.is_ready():
            logger.info("Ignoring message as there is no agent to handle it.")
            return
        sender = message.sender_id
        async with agent.lock_store.lock(sender):
            if self.seen.claim(sender, mid) is not True:
                tracker = await agent.tracker_store.retrieve_full_tracker(sender)
                replies = replies_after(list(tracker.events), mid) if tracker is not None else None
                if replies is not None:
                    logger.info("Repeat of %s %s from %s: answered from the conversation (%d message(s)), "
                                "the turn is not run again.", mid[0], mid[1], sender, len(replies))
                    for reply in replies:
                        await message.output_channel.send_response(sender, reply)
                    return
            await agent.processor.handle_message(message)


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("A REST turn failed: %r", task.exception())
