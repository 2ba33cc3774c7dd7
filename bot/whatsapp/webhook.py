"""The webhook endpoint Meta calls (``BOT_PORT``, path ``/webhooks/whatsapp``).

* ``GET``: the subscription handshake. Meta sends ``hub.mode=subscribe``, ``hub.verify_token`` and
  ``hub.challenge``; the challenge is echoed (200, text) only when the token is ours, else 403.
* ``POST``: a delivery. Before anything else the ``X-Hub-Signature-256`` header (``sha256=`` + the hex
  HMAC-SHA256 of the raw body with the app secret) is checked in constant time; a post without it or with a
  wrong one gets 401 and nothing of it is read or stored. Then every status is recorded and every message is
  stored in the inbox (de-duplicated on its wamid, across replicas and restarts) *before* Meta gets its 200;
  if the store fails the answer is 500 and Meta delivers again.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("lingkar.whatsapp.webhook")

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(app_secret: str, body: bytes) -> str:
    """The header value Meta sends with ``body``: ``sha256=<hex HMAC-SHA256(app secret, body)>``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """True only when ``header`` is the signature of exactly ``body`` with ``app_secret`` (constant time)."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(sign(app_secret, body).encode(), header.strip().encode())


def handshake(verify_token: str, query) -> web.Response:
    """Answer Meta's subscription handshake: the challenge when the token matches, 403 otherwise."""
    mode = query.get("hub.mode", "")
    token = query.get("hub.verify_token", "")
    challenge = query.get("hub.challenge", "")
    if mode == "subscribe" and verify_token and hmac.compare_digest(token.encode(), verify_token.encode()):
        log.info("webhook subscription verified")
        return web.Response(text=challenge, content_type="text/plain")
    log.warning("webhook handshake with a wrong verify token or mode: refused")
    return web.Response(status=403)


def routes(app_secret: str, verify_token: str, accept: Callable[[object], Awaitable[None]]):
    """(GET handler, POST handler); ``accept(body)`` stores a verified, parsed post (raises when it cannot)."""
    if not app_secret:
        raise ValueError("WHATSAPP_APP_SECRET is required: without it webhook posts cannot be verified")

    async def get(request: web.Request) -> web.StreamResponse:
        return handshake(verify_token, request.query)

    async def post(request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        if not verify_signature(app_secret, raw, request.headers.get(SIGNATURE_HEADER)):
            log.warning("webhook post from %s %s: refused", request.remote,
                        "without a signature" if SIGNATURE_HEADER not in request.headers else "with a wrong signature")
            return web.Response(status=401)
        try:
            body = json.loads(raw)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        try:
            await accept(body)
        except Exception as exc:   # not stored: Meta delivers again
            log.error("webhook: could not store a delivery: %s: %s", type(exc).__name__, exc)
            return web.Response(status=500)
        return web.Response(status=200)

    return get, post
