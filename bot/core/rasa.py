"""Client for Rasa's REST channel (``POST {RASA_URL}/webhooks/rest/webhook``) with bounded retries.

Every user turn is designed to get a reply, so besides connection errors, timeouts and 5xx answers, an
empty reply (``200 []``, which is what the REST channel returns when a turn fails inside Rasa — e.g. the
action server is down) is a failure too. Failures are retried with exponential back-off until
``retry_budget`` seconds have passed; then :class:`RasaUnavailable` is raised and the caller apologises.

Caveat, by design of the REST channel: it has no idempotency key, so a retried turn that had in fact
reached Rasa (a timeout or an empty reply) is a second user message in the tracker. Each attempt carries
``metadata.update_id`` and ``metadata.attempt`` so the assistant can recognise a repeat.

Channel-neutral: the sender id is ``<channel>:<id>`` (:func:`sender_id`).
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List

import aiohttp

log = logging.getLogger("lingkar.core.rasa")


def sender_id(channel: str, user_id: object) -> str:
    """Rasa's sender id of a person on a channel: ``telegram:<id>``, ``whatsapp:<wa_id>``."""
    return f"{channel}:{user_id}"


class RasaUnavailable(Exception):
    """Rasa did not give a usable reply within the retry budget."""


class _Retryable(Exception):
    """An attempt failed in a way that another attempt may fix (5xx, empty reply, bad body)."""


class _Fatal(Exception):
    """An attempt failed in a way that retrying will not fix (4xx: our request is wrong)."""


@dataclass
class RasaStats:
    turns: int = 0
    failures: int = 0                 # turns that ended without a reply (user got the apology)
    retries: int = 0
    empty_replies: int = 0
    consecutive_failures: int = 0     # failed attempts since the last good reply
    last_ok_at: float | None = None
    last_error_at: float | None = None
    last_error: str | None = None
    probe: Dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class RasaClient:
    def __init__(self, url: str, timeout: float = 20.0, retry_budget: float = 40.0,
                 session: aiohttp.ClientSession | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retry_budget = retry_budget
        self._session = session
        self._own_session = session is None
        self.stats = RasaStats()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()

    def _failed(self, reason: str) -> None:
        self.stats.consecutive_failures += 1
        self.stats.last_error_at = time.time()
        self.stats.last_error = reason

    async def _attempt(self, body: Dict[str, Any]) -> List[Dict[str, Any]]:
        """One request; raises on anything that is not a non-empty reply."""
        async with self.session.post(f"{self.url}/webhooks/rest/webhook", json=body,
                                     timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
            if resp.status >= 500:
                raise _Retryable(f"HTTP {resp.status}")
            if resp.status != 200:
                raise _Fatal(f"HTTP {resp.status}")
            data = await resp.json(content_type=None)
        if not isinstance(data, list):
            raise _Retryable("reply is not a list")
        if not data:
            self.stats.empty_replies += 1
            raise _Retryable("empty reply (the turn failed inside Rasa)")
        return [m for m in data if isinstance(m, dict)]

    async def send(self, sender: str, message: str, metadata: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Send one user turn; return Rasa's messages. Raises :class:`RasaUnavailable` after the budget."""
        self.stats.turns += 1
        deadline = time.monotonic() + self.retry_budget
        delay = 0.5
        attempt = 0
        while True:
            attempt += 1
            body = {"sender": sender, "message": message, "metadata": {**metadata, "attempt": attempt}}
            try:
                reply = await self._attempt(body)
                self.stats.consecutive_failures = 0
                self.stats.last_ok_at = time.time()
                return reply
            except _Fatal as exc:
                self._failed(str(exc))
                break
            except (aiohttp.ClientError, asyncio.TimeoutError, _Retryable, ValueError) as exc:
                reason = type(exc).__name__ if isinstance(exc, asyncio.TimeoutError) else str(exc) or type(
                    exc).__name__
                self._failed(reason)
                left = deadline - time.monotonic()
                log.warning("Rasa attempt %d for %s failed: %s (%.1fs of retry budget left)",
                            attempt, metadata.get("update_id"), reason, max(0.0, left))
                if left <= 0:
                    break
                self.stats.retries += 1
                await asyncio.sleep(min(delay * (0.8 + 0.4 * random.random()), max(0.05, left)))
                delay = min(delay * 2, 8.0)
        self.stats.failures += 1
        raise RasaUnavailable(self.stats.last_error or "unavailable")

    async def probe(self) -> Dict[str, Any]:
        """Is Rasa's HTTP server up? (GET / — cheap; does not run a turn.)"""
        t0 = time.monotonic()
        try:
            async with self.session.get(f"{self.url}/", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                ok = resp.status == 200
                version = (await resp.text())[:80] if ok else None
            result = {"reachable": ok, "status": resp.status, "version": version}
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            result = {"reachable": False, "error": type(exc).__name__}
        result["latency_ms"] = round((time.monotonic() - t0) * 1000, 1)
        result["at"] = time.time()
        self.stats.probe = result
        return result
