"""A small HTTP server speaking Rasa's REST channel protocol, for the cases real Rasa cannot be made to
produce on demand: down, slow, ``200 []`` (a turn that failed inside Rasa), 500. It also answers the two
HTTP-API calls the health check (rasa_plugins/health.py) makes: ``GET /status`` and
``PUT /conversations/<id>/tracker/events``.

``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"}`` answers a JSON list of
``{"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}``; ``GET /`` answers like Rasa's root.
By default it echoes ("Kamu bilang: <message>"); :attr:`replies` maps a message to a scripted answer;
:attr:`mode` switches the failure behaviour; :meth:`hold` blocks answers to a message (crash tests).
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, List, Union

from aiohttp import web

Reply = Union[List[Dict[str, Any]], Callable[[Dict[str, Any]], List[Dict[str, Any]]]]


class FakeRasa:
    def __init__(self) -> None:
        self.calls: List[Dict[str, Any]] = []
        self.trackers: Dict[str, Any] = {}     # HTTP API: conversations whose events were replaced
        self.checks: List[str] = []            # health-check requests seen: "GET /", "GET /status", "PUT ..."
        self.replies: Dict[str, Reply] = {}
        self.mode = "ok"              # ok | empty | error500 | slow
        self.delay = 0.0              # per-request delay, seconds (applies in every mode)
        self.delays: Dict[str, float] = {}   # per-message delay
        self.fail_first = 0           # answer the next N requests with 500, then behave
        self.holds: Dict[str, asyncio.Event] = {}
        self.arrived: Dict[str, asyncio.Event] = {}
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> FakeRasa:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/", self._root)
        app.router.add_get("/status", self._status)
        app.router.add_put("/conversations/{sender}/tracker/events", self._replace_events)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ev in self.holds.values():
            ev.set()
        if self.runner:
            await self.runner.cleanup()
            self.runner = None

    def hold(self, message: str) -> asyncio.Event:
        """Requests with this message wait until the returned event is set (arrival: :attr:`arrived`)."""
        self.arrived[message] = asyncio.Event()
        self.holds[message] = asyncio.Event()
        return self.holds[message]

    def messages(self, sender: str | None = None) -> List[str]:
        return [c["message"] for c in self.calls if sender is None or c["sender"] == sender]

    async def _root(self, request: web.Request) -> web.Response:
        self.checks.append("GET /")
        return web.Response(text="Hello from Rasa: 3.6.21 (fake)")

    async def _status(self, request: web.Request) -> web.Response:
        self.checks.append("GET /status")
        return web.json_response({"model_file": "models/fake.tar.gz", "model_id": "fake",
                                  "num_active_training_jobs": 0})

    async def _replace_events(self, request: web.Request) -> web.Response:
        self.checks.append("PUT /conversations/<id>/tracker/events")
        self.trackers[request.match_info["sender"]] = await request.json()
        return web.json_response({"sender_id": request.match_info["sender"], "events": None})

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["_at"] = time.monotonic()
        self.calls.append(body)
        self.changed.set()
        msg = body.get("message", "")
        if msg in self.arrived:
            self.arrived[msg].set()
        if msg in self.holds:
            await self.holds[msg].wait()
        delay = self.delays.get(msg, self.delay)
        if delay or self.mode == "slow":
            await asyncio.sleep(delay or 30)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500, text="Internal Server Error")
        if self.mode == "error500":
            return web.Response(status=500, text="Internal Server Error")
        if self.mode == "empty":
            return web.json_response([])
        reply = self.replies.get(msg)
        if callable(reply):
            reply = reply(body)
        if reply is None:
            reply = [{"text": f"Kamu bilang: {msg}"}]
        return web.json_response([{"recipient_id": body.get("sender"), **m} for m in reply])
