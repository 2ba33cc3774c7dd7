"""A thin client of the WhatsApp Cloud API (Graph API) over aiohttp: send a message, mark one as read, check
the token — and what each error means for us.

Why our own client and not pywa (the reference Python client): pywa is not in this project's lock, and what it
would add here is small — we send five body shapes (text, interactive button / list, template, media by link,
read receipts) with one POST each. What the channel needs most it does not do: its webhook handling
de-duplicates messages in the memory of one process, while Meta redelivers for days and we run replicas; so the
webhook, the de-duplication and the retries are ours anyway (bot/whatsapp/app.py). See docs/whatsapp.md.

Errors (Meta's error object ``{"error": {"message", "type", "code", "error_subcode", "error_data",
"fbtrace_id"}}``) are classified by :func:`classify`:

=============  =====================================================  ===================================
kind           codes                                                  what the channel does
=============  =====================================================  ===================================
``retry``      HTTP 5xx, network errors, 1, 2, 4, 80007, 130429       back off and send again (within a
               (throughput), 131000, 131016, 131056 (pair rate),      budget; then the turn is retried
               133004, 135000                                         later from the inbox: nothing lost)
``window``     131047 (more than 24 hours since the person wrote)     recorded, not retried
``unreachable`` 131026 (undeliverable: not on WhatsApp, blocked us,   the contact is marked unreachable
               old app), 131021, 131030, 131031, 131050
``auth``       190 (token expired or revoked), 0, 3, 10, 200-299      stop with a clear log line
``refused``    any other 4xx (our body is wrong, e.g. 131009, 100)    recorded as failed, not retried
=============  =====================================================  ===================================
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Any, Dict

import aiohttp

log = logging.getLogger("lingkar.whatsapp.graph")

RETRY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004, 135000})
RATE_CODES = frozenset({4, 80007, 130429, 131056})
WINDOW_CODES = frozenset({131047})
UNREACHABLE_CODES = frozenset({131026, 131021, 131030, 131031, 131050})
AUTH_CODES = frozenset({0, 3, 10, 190})


class GraphError(Exception):
    """The API refused a request (or could not be reached): ``kind`` says what to do about it."""

    def __init__(self, kind: str, code: int | None, message: str, status: int = 0):
        super().__init__(f"{kind}: code {code} (HTTP {status}): {message}")
        self.kind, self.code, self.message, self.status = kind, code, message, status


def classify(status: int, code: int | None) -> str:
    """``retry``, ``window``, ``unreachable``, ``auth`` or ``refused`` (see the module's table)."""
    if code in WINDOW_CODES:
        return "window"
    if code in UNREACHABLE_CODES:
        return "unreachable"
    if code in AUTH_CODES or (code is not None and 200 <= code <= 299) or status == 401:
        return "auth"
    if code in RETRY_CODES or status >= 500 or status == 429:
        return "retry"
    return "refused"


@dataclass
class GraphStats:
    sent: int = 0
    retries: int = 0
    rate_limited: int = 0
    failures: int = 0
    last_error: str | None = None
    last_error_at: float | None = None
    auth_failed: str | None = None

    def to_json(self) -> Dict[str, Any]:
        return dict(self.__dict__)


class GraphClient:
    """``POST {api_url}/{phone_number_id}/messages`` with the token; retries the ``retry`` kind within a budget."""

    def __init__(self, api_url: str, phone_number_id: str, token: str, retry_budget: float = 60.0,
                 session: aiohttp.ClientSession | None = None, timeout: float = 20.0):
        self.api_url = api_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self.token = token
        self.retry_budget = retry_budget
        self.timeout = timeout
        self._session = session
        self._own = session is None
        self.stats = GraphStats()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
            self._own = True
        return self._session

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()

    @property
    def messages_url(self) -> str:
        return f"{self.api_url}/{self.phone_number_id}/messages"

    async def _once(self, method: str, url: str, body: Dict[str, Any] | None = None) -> Dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with self.session.request(method, url, json=body, headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                status = resp.status
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise GraphError("retry", None, type(exc).__name__ + (f": {exc}" if str(exc) else "")) from exc
        if status == 200 and isinstance(data, dict) and "error" not in data:
            return data
        err = (data or {}).get("error") if isinstance(data, dict) else None
        err = err if isinstance(err, dict) else {}
        code = err.get("code")
        code = int(code) if isinstance(code, (int, str)) and str(code).isdigit() else None
        details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
        message = str(err.get("message") or f"HTTP {status}") + (f" ({details})" if details else "")
        raise GraphError(classify(status, code), code, message[:300], status)

    async def request(self, method: str, url: str, body: Dict[str, Any] | None = None,
                      budget: float | None = None) -> Dict[str, Any]:
        """One API call; ``retry`` errors are retried with jittered exponential back-off until ``budget`` seconds
        have passed, then the last one is raised. Other errors are raised at once."""
        deadline = time.monotonic() + (self.retry_budget if budget is None else budget)
        delay = 0.5
        while True:
            try:
                return await self._once(method, url, body)
            except GraphError as exc:
                self.stats.last_error, self.stats.last_error_at = str(exc), time.time()
                if exc.kind == "auth":
                    self.stats.auth_failed = str(exc)
                if exc.kind != "retry":
                    self.stats.failures += 1
                    raise
                if exc.code in RATE_CODES or exc.status == 429:
                    self.stats.rate_limited += 1
                    delay = max(delay, 2.0)     # rate limits: back off harder than for a hiccup
                left = deadline - time.monotonic()
                if left <= 0:
                    self.stats.failures += 1
                    raise
                self.stats.retries += 1
                wait = min(delay * (0.8 + 0.4 * random.random()), max(0.05, left))
                log.warning("Graph API: %s; retry in %.1fs", exc, wait)
                await asyncio.sleep(wait)
                delay = min(delay * 2, 30.0)

    async def send(self, body: Dict[str, Any], budget: float | None = None) -> str:
        """Send one message body; return its wamid."""
        data = await self.request("POST", self.messages_url, body, budget)
        self.stats.sent += 1
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            return ""

    async def mark_read(self, wamid: str) -> bool:
        """Blue ticks for a received message (best effort: a few seconds of retries, never raises but auth)."""
        try:
            await self.request("POST", self.messages_url,
                               {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}, budget=5.0)
            return True
        except GraphError as exc:
            if exc.kind == "auth":
                raise
            log.info("could not mark %s as read: %s", wamid[:12], exc)
            return False

    async def check(self) -> Dict[str, Any]:
        """Is the token good for this phone number? (GET /<phone_number_id>; raises GraphError.)"""
        return await self.request("GET", f"{self.api_url}/{self.phone_number_id}", budget=10.0)
