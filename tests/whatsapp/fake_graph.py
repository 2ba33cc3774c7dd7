"""A fake WhatsApp Cloud API (Graph API) that speaks the real wire protocol, for the channel's tests and bench.

Two directions, like the real one:

* **Meta -> us**: :meth:`FakeGraph.deliver` posts a webhook payload shaped like Meta's
  (``{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field": "messages", "value":
  {"messaging_product", "metadata", "contacts", "messages" | "statuses"}}]}]}``), signed with the app secret in
  ``X-Hub-Signature-256`` (or unsigned / forged when a test asks). Builders for every message type (text,
  interactive button and list replies, template quick replies, image, sticker, voice, document, location,
  reaction, contacts, unsupported, unknown) and for statuses. After accepting a message the fake can post its
  statuses (sent, delivered, read — in order or not) like Meta does.
* **us -> Meta**: ``POST /<version>/<phone_number_id>/messages`` with the Bearer token is validated like the API
  validates it — text length, reply buttons (1-3, title ≤ 20, unique), list messages (≤ 10 rows, title ≤ 24,
  description ≤ 72, ids ≤ 200), interactive body ≤ 1024, templates against the approved ones — and refused with
  Meta's error object and codes: 100 / 131009 (invalid parameter), 131047 (free-form message outside the 24-hour
  window), 132001 / 132000 (template), 190 (token). ``GET /<version>/<phone_number_id>`` answers the number.
  Mark-as-read bodies (``status: read``) are accepted for received message ids. Scripted failures
  (:meth:`FakeGraph.fail_next`) answer 5xx, 429 + 130429, 131056, 190, … for the next requests.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import aiohttp
from aiohttp import web

VERSION = "v23.0"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
TOKEN = "EAAG-test-token"
APP_SECRET = "test-app-secret-0123456789abcdef"
VERIFY_TOKEN = "verify-me-123"
WINDOW_S = 24 * 3600

ERRORS = {
    100: ("Invalid parameter", "OAuthException"),
    190: ("Error validating access token: Session has expired.", "OAuthException"),
    130429: ("Rate limit hit", "OAuthException"),
    131009: ("Parameter value is not valid", "OAuthException"),
    131026: ("Message undeliverable", "OAuthException"),
    131047: ("Re-engagement message", "OAuthException"),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", "OAuthException"),
    132000: ("Number of parameters does not match the expected number of params", "OAuthException"),
    132001: ("Template name does not exist in the translation", "OAuthException"),
    131000: ("Something went wrong", "OAuthException"),
}


def error_body(code: int, details: str = "") -> Dict[str, Any]:
    message, kind = ERRORS.get(code, ("Error", "OAuthException"))
    err: Dict[str, Any] = {"message": f"({'#' + str(code)}) {message}", "type": kind, "code": code,
                           "fbtrace_id": uuid.uuid4().hex[:20]}
    if details:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": err}


class Refused(Exception):
    def __init__(self, code: int, details: str = "", status: int = 400):
        super().__init__(f"{code}: {details}")
        self.code, self.details, self.status = code, details, status


@dataclass
class Sent:
    """A message the API accepted."""

    wamid: str
    to: str
    body: Dict[str, Any]
    at: float = field(default_factory=time.time)

    @property
    def type(self) -> str:
        return self.body.get("type", "")

    @property
    def text(self) -> str:
        """What the person reads: the text, or the interactive message's body."""
        if self.type == "text":
            return self.body["text"]["body"]
        if self.type == "interactive":
            return self.body["interactive"]["body"]["text"]
        if self.type == "template":
            return f"[template {self.body['template']['name']}]"
        return f"[{self.type}]"

    def options(self) -> List[Tuple[str, str]]:
        """(title, id) of the reply buttons or list rows."""
        if self.type != "interactive":
            return []
        inter = self.body["interactive"]
        if inter["type"] == "button":
            return [(b["reply"]["title"], b["reply"]["id"]) for b in inter["action"]["buttons"]]
        return [(r["title"], r["id"]) for s in inter["action"]["sections"] for r in s["rows"]]


def _check_len(value: Any, limit: int, what: str, minimum: int = 1) -> None:
    if not isinstance(value, str) or not (minimum <= len(value) <= limit):
        raise Refused(131009, f"{what} must be between {minimum} and {limit} characters long")


def validate(body: Dict[str, Any], templates: Dict[Tuple[str, str], int]) -> str:
    """Check a message body like the API does; returns its type, raises :class:`Refused`."""
    if body.get("messaging_product") != "whatsapp":
        raise Refused(100, "The parameter messaging_product is required.")
    to = str(body.get("to") or "")
    if not to.isdigit():
        raise Refused(100, "Invalid parameter 'to'")
    kind = body.get("type", "text")
    content = body.get(kind)
    if not isinstance(content, dict):
        raise Refused(100, f"The parameter {kind} is required.")
    if kind == "text":
        _check_len(content.get("body"), 4096, "Param text['body']")
    elif kind == "interactive":
        _check_len((content.get("body") or {}).get("text"), 1024, "Param interactive['body']['text']")
        action = content.get("action") or {}
        if content.get("type") == "button":
            buttons = action.get("buttons") or []
            if not 1 <= len(buttons) <= 3:
                raise Refused(131009, "buttons: should have between 1 and 3 items")
            titles, ids = [], []
            for b in buttons:
                reply = b.get("reply") or {}
                _check_len(reply.get("title"), 20, "Button title")
                _check_len(reply.get("id"), 256, "Button id")
                titles.append(reply["title"])
                ids.append(reply["id"])
            if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
                raise Refused(131009, "Button title and id must be unique")
        elif content.get("type") == "list":
            _check_len(action.get("button"), 20, "Param interactive['action']['button']")
            rows = [r for s in action.get("sections") or [] for r in s.get("rows") or []]
            if not 1 <= len(rows) <= 10:
                raise Refused(131009, "Total row count exceed max allowed count: 10")
            for s in action.get("sections") or []:
                if len(action["sections"]) > 1 or s.get("title") is not None:
                    _check_len(s.get("title"), 24, "Section title")
            ids = []
            for r in rows:
                _check_len(r.get("title"), 24, "Row title")
                _check_len(r.get("id"), 200, "Row id")
                if "description" in r:
                    _check_len(r["description"], 72, "Row description")
                ids.append(r["id"])
            if len(set(ids)) != len(ids):
                raise Refused(131009, "Row ids must be unique")
        else:
            raise Refused(131009, "interactive type not supported")
    elif kind == "template":
        key = (content.get("name"), (content.get("language") or {}).get("code"))
        if key not in templates:
            raise Refused(132001, f"template name ({key[0]}) does not exist in {key[1]}", 404)
        given = sum(len(c.get("parameters") or []) for c in content.get("components") or []
                    if c.get("type") == "body")
        if given != templates[key]:
            raise Refused(132000, f"body: number of localizable_params ({given}) does not match the expected "
                                  f"number of params ({templates[key]})")
    elif kind in ("image", "document", "audio", "video", "sticker"):
        if not content.get("link") and not content.get("id"):
            raise Refused(100, f"Param {kind} must have a link or an id")
        if "caption" in content:
            _check_len(content["caption"], 1024, "Param caption")
    elif kind == "location":
        if "latitude" not in content or "longitude" not in content:
            raise Refused(100, "location needs latitude and longitude")
    else:
        raise Refused(100, f"Unsupported message type {kind}")
    return kind


class FakeGraph:
    def __init__(self, phone_number_id: str = PHONE_NUMBER_ID, token: str = TOKEN, app_secret: str = APP_SECRET):
        self.phone_number_id, self.token, self.app_secret = phone_number_id, token, app_secret
        self.webhook_url: str | None = None
        self.sent: List[Sent] = []
        self.refused: List[Tuple[Dict[str, Any], int]] = []   # (body, error code) of refused messages
        self.reads: List[str] = []
        self.requests = 0
        self.received: Dict[str, str] = {}                    # wamid -> wa_id of messages delivered to the bot
        self.last_inbound: Dict[str, float] = {}              # wa_id -> time of their last message
        self.templates: Dict[Tuple[str, str], int] = {}       # (name, language) -> body parameter count
        self.unreachable: Dict[str, int] = {}                 # wa_id -> code of the "failed" status sent
        self.auto_status = False                              # post sent/delivered/read statuses back
        self.status_order = ("sent", "delivered", "read")
        self.delay = 0.0
        self._failures: List[Tuple[int, int | None]] = []
        self._seq = itertools.count(1)
        self.changed = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.port = 0
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set = set()

    # ---- server ----------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        """What WHATSAPP_API_URL is set to."""
        return f"http://127.0.0.1:{self.port}/{VERSION}"

    async def start(self) -> FakeGraph:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post(f"/{VERSION}/{{pnid}}/messages", self._messages)
        app.router.add_get(f"/{VERSION}/{{pnid}}", self._number)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session:
            await self._session.close()
        if self.runner:
            await self.runner.cleanup()

    def fail_next(self, *failures: Tuple[int, int | None]) -> None:
        """Answer the next requests with these (HTTP status, error code); code None: a bare 5xx page."""
        self._failures.extend(failures)

    def approve_template(self, name: str, language: str, parameters: int) -> None:
        self.templates[(name, language)] = parameters

    def _auth(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response(error_body(190), status=401)
        return None

    def _scripted(self) -> web.Response | None:
        if not self._failures:
            return None
        status, code = self._failures.pop(0)
        if code is None:
            return web.Response(status=status, text="<html>Service Unavailable</html>")
        return web.json_response(error_body(code), status=status)

    async def _number(self, request: web.Request) -> web.Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        if request.match_info["pnid"] != self.phone_number_id:
            return web.json_response(error_body(100, "Unsupported get request"), status=400)
        return web.json_response({"id": self.phone_number_id, "display_phone_number": "+62 811-0000-0000",
                                  "verified_name": "Lingkar", "quality_rating": "GREEN"})

    async def _messages(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        denied = self._auth(request)
        if denied is not None:
            return denied
        scripted = self._scripted()
        if scripted is not None:
            return scripted
        if request.match_info["pnid"] != self.phone_number_id:
            return web.json_response(error_body(100, "Object with ID does not exist"), status=400)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response(error_body(100, "Invalid JSON"), status=400)
        if body.get("status") == "read":
            if body.get("message_id") not in self.received:
                return web.json_response(error_body(100, "Invalid message_id"), status=400)
            self.reads.append(body["message_id"])
            self.changed.set()
            return web.json_response({"success": True})
        try:
            kind = validate(body, self.templates)
            to = body["to"]
            if kind != "template" and time.time() - self.last_inbound.get(to, 0) >= WINDOW_S:
                raise Refused(131047, "Message failed to send because more than 24 hours have passed since "
                                      "the customer last replied to this number.")
        except Refused as exc:
            self.refused.append((body, exc.code))
            self.changed.set()
            return web.json_response(error_body(exc.code, exc.details), status=exc.status)
        wamid = f"wamid.OUT{next(self._seq):08d}{uuid.uuid4().hex[:8]}"
        self.sent.append(Sent(wamid, to, body))
        self.changed.set()
        if to in self.unreachable:
            self._later(self.deliver(self.status(wamid, to, "failed", code=self.unreachable[to])))
        elif self.auto_status and self.webhook_url:
            self._later(self._statuses(wamid, to))
        return web.json_response({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                  "messages": [{"id": wamid, "message_status": "accepted"}]})

    def _later(self, coro) -> None:
        t = asyncio.ensure_future(coro)
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    async def _statuses(self, wamid: str, to: str) -> None:
        for st in self.status_order:
            await self.deliver(self.status(wamid, to, st))

    # ---- Meta -> the bot -------------------------------------------------------------------------
    def sign(self, raw: bytes, secret: str | None = None) -> str:
        return "sha256=" + hmac.new((secret or self.app_secret).encode(), raw, hashlib.sha256).hexdigest()

    async def deliver(self, payload: Dict[str, Any], signature: str | None | bool = True,
                      url: str | None = None) -> int:
        """Post a webhook payload (signed; ``signature=False``: unsigned; a string: that header); HTTP status."""
        raw = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is True:
            headers["X-Hub-Signature-256"] = self.sign(raw)
        elif isinstance(signature, str):
            headers["X-Hub-Signature-256"] = signature
        for m in self._messages_of(payload):
            self.received[m["id"]] = m["from"]
            ts = float(m.get("timestamp") or time.time())
            self.last_inbound[m["from"]] = max(self.last_inbound.get(m["from"], 0.0), ts)
        async with self._session.post(url or self.webhook_url, data=raw, headers=headers) as resp:
            await resp.read()
            return resp.status

    @staticmethod
    def _messages_of(payload: Dict[str, Any]) -> List[Dict[str, Any]]:
        return [m for e in payload.get("entry") or [] for c in e.get("changes") or []
                for m in (c.get("value") or {}).get("messages") or []]

    def envelope(self, value: Dict[str, Any]) -> Dict[str, Any]:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": "6281100000000", "phone_number_id": self.phone_number_id},
                 **value}
        return {"object": "whatsapp_business_account",
                "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": value}]}]}

    @staticmethod
    def new_wamid() -> str:
        return "wamid.HBgM" + uuid.uuid4().hex.upper()

    def message(self, wa_id: str, kind: str, content: Any = None, wamid: str | None = None,
                context: str | None = None, timestamp: float | None = None, name: str = "Pekerja") -> Dict[str, Any]:
        """A webhook payload with one message of ``kind`` from ``wa_id``."""
        m: Dict[str, Any] = {"from": wa_id, "id": wamid or self.new_wamid(),
                             "timestamp": str(int(timestamp if timestamp is not None else time.time())),
                             "type": kind}
        if content is not None:
            m[kind] = content
        if context:
            m["context"] = {"from": "6281100000000", "id": context}
        return self.envelope({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [m]})

    def text(self, wa_id: str, body: str, **kw: Any) -> Dict[str, Any]:
        return self.message(wa_id, "text", {"body": body}, **kw)

    def button_reply(self, wa_id: str, sent: Sent, title: str, **kw: Any) -> Dict[str, Any]:
        """Pressing the reply button or list row ``title`` of message ``sent``."""
        opts = dict(sent.options())
        if title not in opts:
            raise AssertionError(f"no option {title!r} in {sent.options()}")
        kind = "button_reply" if sent.body["interactive"]["type"] == "button" else "list_reply"
        reply = {"id": opts[title], "title": title}
        if kind == "list_reply":
            row = next(r for s in sent.body["interactive"]["action"]["sections"] for r in s["rows"]
                       if r["title"] == title)
            if "description" in row:
                reply["description"] = row["description"]
        return self.message(wa_id, "interactive", {"type": kind, kind: reply}, context=sent.wamid, **kw)

    def template_button(self, wa_id: str, payload: str, text: str, context: str, **kw: Any) -> Dict[str, Any]:
        return self.message(wa_id, "button", {"payload": payload, "text": text}, context=context, **kw)

    def media(self, wa_id: str, kind: str, **kw: Any) -> Dict[str, Any]:
        """image, sticker, voice (audio with voice=true), audio, video, document, location, reaction, contacts,
        unsupported, or any other (unknown) type name."""
        mid = uuid.uuid4().hex
        content: Dict[str, Any]
        if kind in ("image", "sticker", "video", "document", "audio"):
            content = {"mime_type": {"image": "image/jpeg", "sticker": "image/webp", "video": "video/mp4",
                                     "document": "application/pdf", "audio": "audio/mpeg"}[kind],
                       "sha256": hashlib.sha256(mid.encode()).hexdigest(), "id": mid}
            if kind == "document":
                content["filename"] = "ktp.pdf"
        elif kind == "voice":
            return self.message(wa_id, "audio", {"mime_type": "audio/ogg; codecs=opus", "id": mid, "voice": True},
                                **kw)
        elif kind == "location":
            content = {"latitude": -3.9778, "longitude": 122.5150, "name": "Kendari"}
        elif kind == "reaction":
            content = {"message_id": self.new_wamid(), "emoji": "👍"}
        elif kind == "contacts":
            return self.message(wa_id, "contacts", [{"name": {"formatted_name": "Budi", "first_name": "Budi"},
                                                     "phones": [{"phone": "+62 812-0000-0000", "type": "CELL"}]}],
                                **kw)
        elif kind == "unsupported":
            payload = self.message(wa_id, "unsupported", None, **kw)
            payload["entry"][0]["changes"][0]["value"]["messages"][0]["errors"] = [
                {"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                 "error_data": {"details": "Message type is currently not supported."}}]
            return payload
        else:
            content = {"something": "new"}
        return self.message(wa_id, kind, content, **kw)

    def status(self, wamid: str, wa_id: str, status: str, code: int | None = None,
               timestamp: float | None = None) -> Dict[str, Any]:
        """A webhook payload with one status of our message ``wamid``."""
        st: Dict[str, Any] = {"id": wamid, "status": status, "recipient_id": wa_id,
                              "timestamp": str(int(timestamp if timestamp is not None else time.time()))}
        if status in ("sent", "delivered"):
            st["conversation"] = {"id": uuid.uuid4().hex, "origin": {"type": "service"}}
            st["pricing"] = {"billable": False, "pricing_model": "PMP", "category": "service"}
        if code is not None:
            message = ERRORS.get(code, ("Error", ""))[0]
            st["errors"] = [{"code": code, "title": message, "message": message,
                             "error_data": {"details": message}}]
        return self.envelope({"statuses": [st]})

    # ---- what the bot sent -----------------------------------------------------------------------
    def to(self, wa_id: str) -> List[Sent]:
        return [s for s in self.sent if s.to == wa_id]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out; sent: {[(s.to, s.text[:40]) for s in self.sent[-5:]]}, "
                                     f"refused: {[c for _, c in self.refused[-5:]]}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 0.2))
            except asyncio.TimeoutError:
                pass
