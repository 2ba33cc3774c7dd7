"""Telegram's outgoing rate limit: PTB's AIORateLimiter plus the core's per-recipient pacing for private chats.
The incoming flood guard is :class:`bot.core.pacing.FloodGuard` (re-exported here)."""
from __future__ import annotations

from typing import Any, Callable, Coroutine, Dict, Tuple

from telegram.ext import AIORateLimiter

from bot.core.pacing import FloodGuard, Pacer  # noqa: F401

# Methods that put a new message into a chat (what Telegram's per-chat limit is about).
SEND_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendLocation", "sendVenue", "sendContact", "sendVideo",
    "sendAudio", "sendVoice", "sendAnimation", "sendSticker", "sendMediaGroup", "sendPoll", "copyMessage",
    "forwardMessage",
})


class ChatRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (overall ~30 msg/s, groups 20 msg/min, RetryAfter retries) plus a limit for
    each private chat: ``per_chat = (burst, seconds)``, e.g. (3, 3.0) = bursts of 3, then ~1 message/s."""

    def __init__(self, per_chat: Tuple[int, float] = (3, 3.0), max_retries: int = 3, **kw: Any):
        super().__init__(max_retries=max_retries, **kw)
        self.per_chat = per_chat
        self.pacer = Pacer(per_recipient=per_chat)   # the overall limit is AIORateLimiter's

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: Dict[str, Any], endpoint: str, data: Dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        chat_id = data.get("chat_id")
        if endpoint in SEND_METHODS and isinstance(chat_id, int) and chat_id > 0:
            async with self.pacer.slot(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
