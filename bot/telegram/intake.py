"""Getting updates into the durable inbox: long polling and the webhook endpoint.

Both confirm an update to Telegram only after it is in the inbox:

* Polling: Telegram treats an update as confirmed once ``getUpdates`` is called with a higher
  ``offset``. We raise the offset only after the whole batch is stored; a crash before that means the
  batch is fetched again and de-duplicated by ``update_id``. (PTB's ``Updater.start_polling`` instead puts
  updates on an in-memory queue and confirms them with the next fetch — a crash loses them.)
* Webhook: the HTTP answer is 200 only after the update is stored; a storage failure answers 500 and
  Telegram delivers again. (PTB's webhook handler answers 200 once the update is on an in-memory queue.)
  A request without the right ``X-Telegram-Bot-Api-Secret-Token`` gets 403 and nothing else happens.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from typing import Any, Dict, List

import aiohttp
from aiohttp import web

from bot.core.inbox import Inbox

log = logging.getLogger("lingkar.telegram.intake")

_CHAT_PARTS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_message",
               "edited_business_message", "my_chat_member", "chat_member", "chat_join_request",
               "message_reaction", "message_reaction_count", "chat_boost", "removed_chat_boost")
_USER_PARTS = ("inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query", "poll_answer",
               "purchased_paid_media")


def chat_key(update: Dict[str, Any]) -> str:
    """The ordering key of a raw update: its chat (or its user when it has no chat)."""
    for part in _CHAT_PARTS:
        obj = update.get(part)
        if isinstance(obj, dict) and isinstance(obj.get("chat"), dict):
            return f"c{obj['chat'].get('id')}"
    cq = update.get("callback_query")
    if isinstance(cq, dict):
        msg = cq.get("message")
        if isinstance(msg, dict) and isinstance(msg.get("chat"), dict):
            return f"c{msg['chat'].get('id')}"
        return f"u{(cq.get('from') or {}).get('id')}"
    for part in _USER_PARTS:
        obj = update.get(part)
        if isinstance(obj, dict):
            who = obj.get("from") or obj.get("user") or {}
            return f"u{who.get('id')}"
    return "other"


class Intake:
    def __init__(self, store: Inbox):
        self.store = store
        self.received = 0
        self.duplicates = 0
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.last_ok_at: float | None = None

    async def accept(self, raw: Dict[str, Any]) -> bool:
        """Store one raw update; False if it was a duplicate. Raises if it could not be stored."""
        update_id = int(raw["update_id"])
        new = await self.store.put(update_id, chat_key(raw), raw)
        if new:
            self.received += 1
        else:
            self.duplicates += 1
            log.info("update %s delivered again: ignored", update_id)
        return new

    def error(self, msg: str) -> None:
        self.last_error, self.last_error_at = msg, time.time()

    def status(self) -> Dict[str, Any]:
        return {"received": self.received, "duplicates": self.duplicates, "last_ok_at": self.last_ok_at,
                "last_error": self.last_error, "last_error_at": self.last_error_at}


class Poller(Intake):
    """getUpdates long polling that confirms a batch only after it is in the inbox."""

    def __init__(self, store: Inbox, api_url: str, token: str, allowed_updates: List[str], timeout: int = 30):
        super().__init__(store)
        self.url = f"{api_url}{token}/getUpdates"
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.offset: int | None = None
        self.session: aiohttp.ClientSession | None = None
        self.task: asyncio.Task | None = None
        self._stop = asyncio.Event()

    async def _get(self, timeout: int) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"timeout": timeout, "allowed_updates": self.allowed_updates}
        if self.offset is not None:
            body["offset"] = self.offset
        async with self.session.post(self.url, json=body,
                                     timeout=aiohttp.ClientTimeout(total=timeout + 15)) as resp:
            data = await resp.json(content_type=None)
        if not data.get("ok"):
            raise RuntimeError(f"getUpdates: {data.get('error_code')} {data.get('description')}")
        return data["result"]

    def start(self) -> None:
        self.session = aiohttp.ClientSession()
        self.task = asyncio.create_task(self._loop(), name="lingkar:polling")

    async def _loop(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            try:
                updates = await self._get(self.timeout)
                self.last_ok_at = time.time()
                for raw in updates:
                    await self.accept(raw)          # durable before anything is confirmed
                if updates:
                    self.offset = int(updates[-1]["update_id"]) + 1
                backoff = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.error(f"{type(exc).__name__}: {exc}")
                log.error("polling: %s (retry in %.0fs)", self.last_error, backoff)
                try:
                    await asyncio.wait_for(self._stop.wait(), backoff)
                except asyncio.TimeoutError:
                    pass
                backoff = min(backoff * 2, 30.0)

    async def stop(self) -> None:
        """Stop polling; confirm what is already stored so Telegram does not send it again."""
        self._stop.set()
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except (asyncio.CancelledError, Exception):
                pass
        if self.offset is not None and self.session is not None:
            try:
                await self._get(0)
            except Exception as exc:  # harmless: the next start fetches them again and de-duplicates
                log.info("final confirmation failed: %s", exc)
        if self.session is not None:
            await self.session.close()


def webhook_route(intake: Intake, path: str, secret: str):
    """The aiohttp handler for Telegram's webhook POSTs."""
    secret_b = secret.encode()

    async def handle(request: web.Request) -> web.StreamResponse:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, secret_b):
            log.warning("webhook: request from %s without the right secret token: refused", request.remote)
            return web.Response(status=403)
        try:
            raw = json.loads(await request.read())
            int(raw["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="not an update")
        try:
            await intake.accept(raw)
        except Exception as exc:  # not stored: make Telegram deliver it again
            intake.error(f"{type(exc).__name__}: {exc}")
            log.error("webhook: could not store update %s: %s", raw.get("update_id"), intake.last_error)
            return web.Response(status=500)
        intake.last_ok_at = time.time()
        return web.Response(status=200)

    return handle
