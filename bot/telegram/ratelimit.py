"""Rate limits: outgoing (per private chat, on top of PTB's AIORateLimiter) and incoming (flood guard)."""
from __future__ import annotations

from collections import deque
from typing import Any, Callable, Coroutine, Deque, Dict, Tuple

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

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
        self._chat_limiters: Dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chat_limiters) > 4096:
            for key, lim in list(self._chat_limiters.items()):
                if key != chat_id and lim.has_capacity(lim.max_rate):
                    del self._chat_limiters[key]
        lim = self._chat_limiters.get(chat_id)
        if lim is None:
            lim = self._chat_limiters[chat_id] = AsyncLimiter(self.per_chat[0], self.per_chat[1])
        return lim

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: Dict[str, Any], endpoint: str, data: Dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        chat_id = data.get("chat_id")
        if endpoint in SEND_METHODS and isinstance(chat_id, int) and chat_id > 0:
            async with self._chat_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


class FloodGuard:
    """Per-user flood protection for incoming messages (by the messages' own timestamps).

    A user may send ``limit`` messages per ``window`` seconds. The first message over the limit gets one
    polite warning; it and further excess messages in that flood are dropped (not sent to Rasa). Once the
    older messages leave the window, the user is served normally again.
    """

    OK, WARN, DROP = "ok", "warn", "drop"

    def __init__(self, limit: int = 8, window: float = 10.0):
        self.limit, self.window = limit, window
        self.events: Dict[int, Deque[float]] = {}
        self.warned_until: Dict[int, float] = {}

    def check(self, user_id: int, ts: float) -> str:
        if len(self.events) > 10_000:
            self._prune(ts)
        q = self.events.setdefault(user_id, deque())
        while q and q[0] <= ts - self.window:
            q.popleft()
        if len(q) < self.limit:
            q.append(ts)
            return self.OK
        if self.warned_until.get(user_id, 0.0) < ts:
            self.warned_until[user_id] = q[0] + self.window
            return self.WARN
        return self.DROP

    def _prune(self, now: float) -> None:
        for uid in [u for u, q in self.events.items() if not q or q[-1] <= now - self.window]:
            self.events.pop(uid, None)
            self.warned_until.pop(uid, None)
