"""One broadcast message to one recipient, and what became of it (:class:`Outcome`).

Telegram (:class:`TelegramBroadcaster`): a Bot API ``sendMessage`` built by the adapter's own render functions
(HTML-escaped text, buttons as an inline keyboard signed for the chat with the adapter's callback key, so a press is
an ordinary button press in the conversation). 429 ``retry_after`` is waited out (up to :attr:`MAX_WAIT`, else the
job re-queues itself after it); Forbidden (the person blocked the bot) fails the recipient and unsubscribes them.

WhatsApp (:class:`WhatsAppBroadcaster`): inside the 24-hour customer-service window the text (with reply buttons);
outside it, or when the API answers 131047, the broadcast's approved template (content/whatsapp_templates.yml; its
category must be marketing or utility). 130429 (throughput) and 131056 (pair rate) are backed off by the Graph client
within a short budget, then the job waits; 131026 and kin fail the recipient and unsubscribe them.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.render import CallbackSigner, inline_keyboard, message_step
from bot.telegram.sender import execute
from bot.whatsapp.graph import GraphClient, GraphError
from bot.whatsapp.render import with_buttons
from bot.whatsapp.templates import Templates

from .preview import template_values

log = logging.getLogger("lingkar.outreach.senders")

BROADCAST_TEMPLATE_CATEGORIES = ("marketing", "utility")


@dataclass(frozen=True)
class Outcome:
    kind: str                   # "sent" | "failed" | "later"
    message_id: str = ""        # sent: the platform's id (Telegram message id, WhatsApp wamid)
    error: str = ""
    unsubscribe: bool = False   # failed because the person cannot be reached any more
    retry_after: float = 0.0    # later: wait this long before sending on this channel again
    via: str = ""               # sent: "text" or "template"

    @classmethod
    def sent(cls, message_id: Any, via: str = "text") -> Outcome:
        return cls("sent", message_id=str(message_id), via=via)

    @classmethod
    def failed(cls, error: str, unsubscribe: bool = False) -> Outcome:
        return cls("failed", error=error[:300], unsubscribe=unsubscribe)

    @classmethod
    def later(cls, seconds: float, error: str = "") -> Outcome:
        return cls("later", error=error[:300], retry_after=max(0.0, float(seconds)))


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramBroadcaster:
    channel = "telegram"
    MAX_WAIT = 30.0         # a longer retry_after ends the job; it is queued again for after it
    NETWORK_TRIES = 3

    def __init__(self, bot: Bot, signer: CallbackSigner):
        self.bot, self.signer = bot, signer

    @property
    def account(self) -> str:
        return str(self.bot.token.partition(":")[0])

    async def send(self, key: str, text: str, buttons: List[Dict[str, str]], topic: str,
                   attributes: Dict[str, Any]) -> Outcome:
        try:
            chat_id = int(key)
        except ValueError:
            return Outcome.failed(f"not a Telegram chat id: {key!r}")
        markup = inline_keyboard(buttons, {}, chat_id, self.signer) if buttons else None
        step = message_step(chat_id, text, markup)
        for attempt in range(self.NETWORK_TRIES):
            try:
                result = await execute(self.bot, step)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if wait > self.MAX_WAIT:
                    return Outcome.later(wait, f"429 retry_after {wait:g}")
                log.warning("Telegram 429: waiting %.0fs as asked", wait)
                await asyncio.sleep(wait)
                continue
            except BadRequest as exc:          # chat not found, user deactivated, ...: not worth retrying
                return Outcome.failed(f"refused: {exc.message}", unsubscribe="deactivated" in exc.message.lower())
            except (TimedOut, NetworkError) as exc:
                # TimedOut may mean Telegram took it: the at-least-once window (docs/jobs.md)
                if attempt + 1 == self.NETWORK_TRIES:
                    return Outcome.later(5.0, f"network: {exc}")
                await asyncio.sleep(0.5 * 2 ** attempt)
                continue
            if result == "forbidden":
                return Outcome.failed("forbidden: the person blocked the bot", unsubscribe=True)
            return Outcome.sent(result)
        return Outcome.later(self.MAX_WAIT, "429 repeatedly")


class WhatsAppBroadcaster:
    channel = "whatsapp"
    RATE_WAIT = 30.0        # after the client's own back-off still rate-limited: the job waits this long

    def __init__(self, graph: GraphClient, templates: Templates, template: str,
                 window_open: Callable[[str], Awaitable[bool]] | None = None, budget: float = 10.0):
        t = templates.get(template)
        if t.category not in BROADCAST_TEMPLATE_CATEGORIES:
            raise ValueError(f"template {template!r} is {t.category}: a broadcast needs marketing or utility")
        self.graph, self.templates, self.template = graph, templates, template
        self.window_open, self.budget = window_open, budget

    @property
    def account(self) -> str:
        return self.graph.phone_number_id

    def _template_body(self, to: str, text: str, topic: str, attributes: Dict[str, Any]) -> Dict[str, Any]:
        return self.templates.body(to, self.template, template_values(text, topic, attributes))

    async def send(self, key: str, text: str, buttons: List[Dict[str, str]], topic: str,
                   attributes: Dict[str, Any]) -> Outcome:
        in_window = True if self.window_open is None else await self.window_open(key)
        try:
            if in_window:
                bodies = with_buttons(key, text, buttons, {})
                if len(bodies) == 1:
                    try:
                        return Outcome.sent(await self.graph.send(bodies[0], self.budget))
                    except GraphError as exc:
                        if exc.kind != "window":
                            raise
            return Outcome.sent(await self.graph.send(self._template_body(key, text, topic, attributes), self.budget),
                                via="template")
        except GraphError as exc:
            if exc.kind == "unreachable":
                return Outcome.failed(f"unreachable: code {exc.code}", unsubscribe=True)
            if exc.kind == "retry":
                return Outcome.later(self.RATE_WAIT if exc.code in (130429, 131056, 80007, 4) else 5.0, str(exc))
            if exc.kind == "auth":
                raise
            return Outcome.failed(f"refused: {exc}")
