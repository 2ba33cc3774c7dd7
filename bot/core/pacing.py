"""Pacing, channel-neutral: outgoing messages per recipient and overall, and a flood guard for incoming ones.

A channel builds one :class:`Pacer` with its own limits (Telegram: per private chat ``TELEGRAM_CHAT_RATE``, the
overall limit is python-telegram-bot's AIORateLimiter; WhatsApp: its per-recipient and per-number limits) and sends
every message inside ``async with pacer.slot(recipient):``.
"""
from __future__ import annotations

import contextlib
from collections import deque
from typing import AsyncIterator, Deque, Dict, Hashable, Tuple

from aiolimiter import AsyncLimiter

Rate = Tuple[int, float]     # (messages, seconds): bursts of ``messages``, refilled over ``seconds``


class Pacer:
    """Per-recipient pacing (``per_recipient = (burst, seconds)``, e.g. (3, 3.0) = bursts of 3, then about one
    message a second) and optional overall pacing (``overall``, same form) across all recipients."""

    MAX_TRACKED = 4096       # recipients whose limiter is kept; idle ones beyond this are dropped

    def __init__(self, per_recipient: Rate | None = (3, 3.0), overall: Rate | None = None):
        self.per_recipient = per_recipient
        self.overall = AsyncLimiter(overall[0], overall[1]) if overall else None
        self._limiters: Dict[Hashable, AsyncLimiter] = {}

    def recipient(self, key: Hashable) -> AsyncLimiter | None:
        """The limiter of one recipient (None when there is no per-recipient limit)."""
        if self.per_recipient is None:
            return None
        if len(self._limiters) > self.MAX_TRACKED:
            for k, lim in list(self._limiters.items()):
                if k != key and lim.has_capacity(lim.max_rate):
                    del self._limiters[k]
        lim = self._limiters.get(key)
        if lim is None:
            lim = self._limiters[key] = AsyncLimiter(self.per_recipient[0], self.per_recipient[1])
        return lim

    @contextlib.asynccontextmanager
    async def slot(self, recipient: Hashable) -> AsyncIterator[None]:
        """Wait until one more message may go to ``recipient`` (first its own limit, then the overall one)."""
        lim = self.recipient(recipient)
        if lim is not None:
            await lim.acquire()
        if self.overall is not None:
            await self.overall.acquire()
        yield


class FloodGuard:
    """Per-user flood protection for incoming messages (by the messages' own timestamps).

    A user may send ``limit`` messages per ``window`` seconds. The first message over the limit gets one
    polite warning; it and further excess messages in that flood are dropped (not sent to Rasa). Once the
    older messages leave the window, the user is served normally again. Users are any hashable key.
    """

    OK, WARN, DROP = "ok", "warn", "drop"

    def __init__(self, limit: int = 8, window: float = 10.0):
        self.limit, self.window = limit, window
        self.events: Dict[Hashable, Deque[float]] = {}
        self.warned_until: Dict[Hashable, float] = {}

    def check(self, user_id: Hashable, ts: float) -> str:
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
