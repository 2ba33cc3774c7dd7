"""The one HTTP server of the adapter process: one aiohttp app on BOT_PORT into which each channel adds its
routes (Telegram's webhook, WhatsApp's ``/webhooks/whatsapp``) and its health document.

``GET /health`` answers one word (``ok``/``degraded``) to anyone; the JSON details and ``?fresh=1`` only to a
loopback client that is not behind a reverse proxy on the same host, or to one that sends ``Authorization: Bearer
$BOT_HEALTH_TOKEN``; ``?strict=1`` answers 503 when degraded. With one channel the document is that channel's own
(what ``python -m bot.telegram`` always served); with several it is ``{"status", "degraded", "channels": {name:
document}}``, each channel's degraded flags prefixed with its name.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any, Awaitable, Callable, Dict, List

from aiohttp import web

log = logging.getLogger("lingkar.core.server")

PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
MAX_BODY = 4 * 1024 * 1024

#: A channel's health: ``await health(fresh)`` -> a document with ``status`` and ``degraded`` (a list of names).
HealthFn = Callable[[bool], Awaitable[Dict[str, Any]]]


def health_access(request: web.Request, token: str) -> bool:
    """May this /health caller see the details? With the health token, or from loopback and not through a
    reverse proxy on the same host (which would make every outside client look local)."""
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address((request.remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


class HttpHost:
    """``host = HttpHost("0.0.0.0", 8080, health_token)``; channels call :meth:`add_route` and
    :meth:`add_health` before :meth:`start`. ``port`` 0 = any free port (see :attr:`port` after start), -1 = no
    server (start and stop do nothing)."""

    def __init__(self, host: str = "0.0.0.0", port: int = 8080, health_token: str = ""):
        self.host, self.requested_port, self.health_token = host, port, health_token
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_get("/health", self._health_handler)
        self.health: Dict[str, HealthFn] = {}
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self.routes: List[str] = []

    @property
    def enabled(self) -> bool:
        return self.requested_port >= 0

    def add_route(self, method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                  ) -> None:
        """Serve ``method path`` with ``handler`` (before :meth:`start`)."""
        self.app.router.add_route(method, path, handler)
        self.routes.append(f"{method} {path}")

    def add_health(self, name: str, fn: HealthFn) -> None:
        """Add channel ``name``'s health document to /health."""
        self.health[name] = fn

    async def start(self) -> int | None:
        if not self.enabled or self.runner is not None:
            return self.port
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.requested_port)
        await site.start()
        addresses = self.runner.addresses
        self.port = addresses[0][1] if addresses else self.requested_port
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def document(self, fresh: bool = False) -> Dict[str, Any]:
        """The /health document (see the module docstring)."""
        if len(self.health) == 1:
            (fn,) = self.health.values()
            return await fn(fresh)
        channels: Dict[str, Any] = {}
        degraded: List[str] = []
        for name, fn in self.health.items():
            try:
                doc = await fn(fresh)
            except Exception as exc:
                doc = {"status": "degraded", "degraded": ["health_failed"], "error": f"{type(exc).__name__}: {exc}"}
            channels[name] = doc
            degraded += [f"{name}:{d}" for d in doc.get("degraded", [])]
        return {"status": "degraded" if degraded else "ok", "degraded": degraded, "channels": channels}

    async def _health_handler(self, request: web.Request) -> web.Response:
        detailed = health_access(request, self.health_token)
        body = await self.document(fresh=detailed and request.query.get("fresh") in ("1", "true", "yes"))
        strict = request.query.get("strict") in ("1", "true", "yes")
        status = 503 if strict and body["status"] != "ok" else 200
        if not detailed:
            return web.Response(text=body["status"], status=status)
        return web.json_response(body, status=status)
