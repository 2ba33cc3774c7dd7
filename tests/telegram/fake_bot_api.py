"""A fake Telegram Bot API server (aiohttp) that speaks the real wire protocol.

* ``POST|GET /bot<token>/<method>`` with JSON, form-urlencoded or multipart bodies (python-telegram-bot
  sends form fields whose structured values are JSON strings), answering ``{"ok": true, "result": ...}``
  or ``{"ok": false, "error_code": ..., "description": ...}`` with the matching HTTP status.
* Methods: getMe, getUpdates (long polling: ``offset`` confirms and forgets earlier updates, ``timeout``
  waits for new ones, a second poller terminates the first with 409, 409 while a webhook is set),
  setWebhook / deleteWebhook / getWebhookInfo (a set webhook is *pushed* to, with the secret token header,
  retrying until it answers 2xx — like Telegram), setMyCommands / getMyCommands, sendMessage, sendPhoto,
  sendDocument, sendLocation, sendChatAction, editMessageText, editMessageReplyMarkup, answerCallbackQuery.
* Validation like Telegram's: HTML must parse (only Telegram's tags; every ``<``, ``>``, ``&`` escaped),
  text ≤ 4096 UTF-16 units after entity parsing, ``callback_data`` 1–64 bytes, callback queries answerable
  once, edits of unknown messages or without a change rejected.
* Tests feed real ``Update`` JSON (:meth:`FakeBotAPI.push` and the builders) and read every call the bot
  made (:attr:`FakeBotAPI.calls`). :meth:`hold` blocks the answer to a matching request (the request
  counts as delivered when it arrives, as on Telegram) — for crash tests.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple

import aiohttp
from aiohttp import web

TOKEN = "123456789:AAFakeTokenForLingkarTests_abcdefghij"
BOT_ID = 123456789
BOT_USERNAME = "lingkar_test_bot"

_JSON_KEYS = {"reply_markup", "allowed_updates", "commands", "link_preview_options", "entities",
              "caption_entities", "scope", "reply_parameters"}
_INT_KEYS = {"chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time", "user_id"}
_BOOL_KEYS = {"drop_pending_updates", "show_alert", "disable_notification", "protect_content",
              "disable_web_page_preview"}
_FLOAT_KEYS = {"latitude", "longitude"}

_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
         "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "code": "code", "pre": "pre",
         "a": "text_link", "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
         "tg-emoji": "custom_emoji"}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: Dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def parse_html(s: str) -> Tuple[str, List[Dict[str, Any]]]:
    """Telegram's HTML parse mode: plain text and entities, or ApiError 400 like the real server."""
    out: List[str] = []
    pos = 0             # UTF-16 offset in the plain text
    stack: List[Tuple[str, str, int]] = []
    entities: List[Dict[str, Any]] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "<":
            m = _TAG_RE.match(s, i)
            if not m:
                raise ApiError(400, f"Bad Request: can't parse entities: unexpected character '<' at byte offset {i}")
            closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if tag not in _TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag \"{tag}\" at byte "
                                    f"offset {i}")
            if closing:
                if not stack or stack[-1][0] != tag:
                    raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag at byte offset {i}")
                t, a, start = stack.pop()
                if pos > start:
                    ent = {"type": _TAGS[t], "offset": start, "length": pos - start}
                    if t == "a":
                        href = re.search(r"href=[\"']([^\"']*)", a)
                        ent["url"] = href.group(1) if href else ""
                    entities.append(ent)
            else:
                stack.append((tag, attrs, pos))
            i = m.end()
        elif c == "&":
            m = _ENTITY_RE.match(s, i)
            if not m:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported entity at byte offset {i}")
            name = m.group(1)
            ch = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name) or (
                chr(int(name[2:], 16)) if name.startswith("#x") else chr(int(name[1:])))
            out.append(ch)
            pos += u16(ch)
            i = m.end()
        elif c == ">":
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected character '>' at byte offset {i}")
        else:
            out.append(c)
            pos += u16(c)
            i += 1
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: can't find end tag corresponding to start tag "
                            f"\"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    at: float
    ok: bool | None = None
    result: Any = None
    error: str | None = None


@dataclass
class Hold:
    method: str
    match: Callable[[Dict[str, Any]], bool]
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    count: int = 0


class FakeBotAPI:
    def __init__(self, token: str = TOKEN, username: str = BOT_USERNAME):
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Lingkar", "username": username,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.calls: List[Call] = []
        self.pending: List[Dict[str, Any]] = []          # updates not yet confirmed by the bot
        self._ids = itertools.count(1000)
        self._msg_ids: Dict[int, itertools.count] = {}
        self._cq_ids = itertools.count(1)
        self.messages: Dict[Tuple[int, int], Dict[str, Any]] = {}
        self.open_queries: Dict[str, bool] = {}           # callback_query id -> answered?
        self.commands: List[Dict[str, Any]] = []
        self.webhook: Dict[str, Any] = {}
        self.webhook_deliveries: List[Tuple[int, int]] = []  # (update_id, http status)
        self.holds: List[Hold] = []
        self.lose_confirmations = False   # True: offsets do not make the server forget updates (lost confirmation)
        self.fail_next: Dict[str, List[ApiError]] = {}
        self._changed = asyncio.Condition()
        self._poll_generation = 0
        self._deliverer: asyncio.Task | None = None
        self.runner: web.AppRunner | None = None
        self.port = 0

    # ---- server ----------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        self.session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        for h in self.holds:
            h.release.set()
        if self._deliverer:
            self._deliverer.cancel()
            await asyncio.gather(self._deliverer, return_exceptions=True)
        await self.session.close()
        if self.runner:
            await self.runner.cleanup()

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        raw: Dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                return {**raw, **(await request.json())}
            form = await request.post()
            for k, v in form.items():
                raw[k] = v if isinstance(v, str) else getattr(v, "filename", "<file>")
        out: Dict[str, Any] = {}
        for k, v in raw.items():
            if not isinstance(v, str):
                out[k] = v
            elif k in _JSON_KEYS:
                out[k] = json.loads(v)
            elif k in _INT_KEYS:
                try:
                    out[k] = int(v)
                except ValueError:
                    out[k] = v
            elif k in _BOOL_KEYS:
                out[k] = v.lower() in ("true", "1")
            elif k in _FLOAT_KEYS:
                out[k] = float(v)
            else:
                out[k] = v
        return out

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        fn = getattr(self, "m_" + method.lower(), None)
        if fn is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        params = await self._params(request)
        call = Call(method, params, time.time())
        if method != "getUpdates":
            self.calls.append(call)
        try:
            for err in self.fail_next.get(method, [])[:1]:
                self.fail_next[method].pop(0)
                raise err
            result = await fn(params)
            call.ok, call.result = True, result
            async with self._changed:
                self._changed.notify_all()
            for h in self.holds:
                if h.method == method and h.match(params):
                    h.count += 1
                    h.arrived.set()
                    await h.release.wait()
            return web.json_response({"ok": True, "result": result})
        except ApiError as e:
            call.ok, call.error = False, e.description
            body: Dict[str, Any] = {"ok": False, "error_code": e.code, "description": e.description}
            if e.parameters:
                body["parameters"] = e.parameters
            return web.json_response(body, status=e.code)

    # ---- test controls -----------------------------------------------------------------------------
    def hold(self, method: str, match: Callable[[Dict[str, Any]], bool] = lambda p: True) -> Hold:
        h = Hold(method, match)
        self.holds.append(h)
        return h

    def fail(self, method: str, code: int, description: str, parameters: Dict[str, Any] | None = None) -> None:
        """Make the next call of ``method`` fail like Telegram would (e.g. 429 with retry_after)."""
        self.fail_next.setdefault(method, []).append(ApiError(code, description, parameters))

    async def push(self, update: Dict[str, Any]) -> Dict[str, Any]:
        """Queue an update for delivery (getUpdates or the webhook)."""
        update.setdefault("update_id", next(self._ids))
        self.pending.append(update)
        async with self._changed:
            self._changed.notify_all()
        return update

    def successful(self, method: str, chat_id: int | None = None) -> List[Call]:
        return [c for c in self.calls if c.method == method and c.ok
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def texts(self, chat_id: int) -> List[str]:
        """Plain texts of the messages the bot sent to a chat, in order."""
        return [c.result["text"] for c in self.successful("sendMessage", chat_id)]

    async def wait_for(self, pred: Callable[[FakeBotAPI], Any], timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                res = pred(self)
                if res:
                    return res
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting; calls so far: {[c.method for c in self.calls]}")
                try:
                    await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
                except asyncio.TimeoutError:
                    pass

    async def wait_texts(self, chat_id: int, n: int, timeout: float = 20.0) -> List[str]:
        await self.wait_for(lambda f: len(f.texts(chat_id)) >= n, timeout)
        return self.texts(chat_id)

    # ---- update builders --------------------------------------------------------------------------
    @staticmethod
    def user(uid: int, first_name: str = "Budi", language_code: str = "id") -> Dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": first_name, "language_code": language_code}

    def _next_msg_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _chat(self, chat_id: int, user: Dict[str, Any]) -> Dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        return {"id": chat_id, "type": "supergroup", "title": "Grup Uji"}

    def message(self, uid: int, chat_id: int | None = None, **content: Any) -> Dict[str, Any]:
        user = self.user(uid)
        chat_id = uid if chat_id is None else chat_id
        return {"message_id": self._next_msg_id(chat_id), "from": user, "chat": self._chat(chat_id, user),
                "date": int(time.time()), **content}

    def text(self, uid: int, text: str, chat_id: int | None = None) -> Dict[str, Any]:
        content: Dict[str, Any] = {"text": text}
        m = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": u16(m.group(0))}]
        return {"message": self.message(uid, chat_id, **content)}

    def edited(self, uid: int, message_id: int, text: str) -> Dict[str, Any]:
        user = self.user(uid)
        return {"edited_message": {"message_id": message_id, "from": user, "chat": self._chat(uid, user),
                                   "date": int(time.time()) - 5, "edit_date": int(time.time()), "text": text}}

    def sticker(self, uid: int) -> Dict[str, Any]:
        return {"message": self.message(uid, sticker={
            "file_id": "CAACAgIAAxkBAAEfakesticker", "file_unique_id": "AgADfake", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"})}

    def contact(self, uid: int, phone: str, owner: int | None) -> Dict[str, Any]:
        c: Dict[str, Any] = {"phone_number": phone, "first_name": "Budi"}
        if owner is not None:
            c["user_id"] = owner
        return {"message": self.message(uid, contact=c)}

    def callback(self, uid: int, message: Dict[str, Any], data: str) -> Dict[str, Any]:
        qid = f"{uid}{next(self._cq_ids):06d}"
        self.open_queries[qid] = False
        return {"callback_query": {"id": qid, "from": self.user(uid), "message": message,
                                   "chat_instance": f"ci{uid}", "data": data}}

    def last_keyboard_message(self, chat_id: int) -> Dict[str, Any]:
        for c in reversed(self.successful("sendMessage", chat_id)):
            if "inline_keyboard" in (c.result.get("reply_markup") or {}):
                return self.messages[(chat_id, c.result["message_id"])]
        raise AssertionError(f"no message with an inline keyboard in chat {chat_id}")

    # ---- helpers -----------------------------------------------------------------------------------
    def _check_markup(self, markup: Dict[str, Any] | None) -> None:
        if not markup:
            return
        for row in markup.get("inline_keyboard", []):
            for b in row:
                if not b.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = b.get("callback_data")
                if data is not None and not (1 <= len(data.encode()) <= 64):
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if data is None and not b.get("url"):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")

    def _text_and_entities(self, text: str | None, parse_mode: str | None, limit: int = 4096
                           ) -> Tuple[str, List[Dict[str, Any]]]:
        if text is None or not str(text).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if parse_mode and parse_mode.upper() == "HTML":
            plain, ents = parse_html(str(text))
        elif parse_mode:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode} in this fake")
        else:
            plain, ents = str(text), []
        if u16(plain.strip()) > limit:
            raise ApiError(400, "Bad Request: message is too long")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return plain, ents

    def _new_message(self, p: Dict[str, Any], **content: Any) -> Dict[str, Any]:
        chat_id = p.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        msg = {"message_id": self._next_msg_id(chat_id), "from": self.bot_user,
               "chat": self._chat(chat_id, {"first_name": "Budi"}), "date": int(time.time()), **content}
        markup = p.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    # ---- methods -------------------------------------------------------------------------------------
    async def m_getme(self, p: Dict[str, Any]) -> Dict[str, Any]:
        return self.bot_user

    async def m_getupdates(self, p: Dict[str, Any]) -> List[Dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                                "to delete the webhook first")
        offset = p.get("offset") or 0
        if offset and not self.lose_confirmations:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]  # confirmed ones are gone
        self._poll_generation += 1
        me = self._poll_generation
        allowed = p.get("allowed_updates") or None
        limit = p.get("limit") or 100
        deadline = time.monotonic() + float(p.get("timeout") or 0)

        def ready() -> List[Dict[str, Any]]:
            return [u for u in self.pending
                    if u["update_id"] >= offset and (not allowed or any(k in u for k in allowed))][:limit]

        async with self._changed:
            while True:
                if me != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one "
                                        "bot instance is running")
                got = ready()
                left = deadline - time.monotonic()
                if got or left <= 0:
                    return got
                try:
                    await asyncio.wait_for(self._changed.wait(), min(left, 0.5))
                except asyncio.TimeoutError:
                    pass

    async def m_setwebhook(self, p: Dict[str, Any]) -> bool:
        url = p.get("url") or ""
        if p.get("drop_pending_updates"):
            self.pending.clear()
        self.webhook = {"url": url, "secret_token": p.get("secret_token"), "allowed_updates":
                        p.get("allowed_updates"), "max_connections": p.get("max_connections", 40)}
        if url and (self._deliverer is None or self._deliverer.done()):
            self._deliverer = asyncio.create_task(self._deliver())
        return True

    async def m_deletewebhook(self, p: Dict[str, Any]) -> bool:
        if p.get("drop_pending_updates"):
            self.pending.clear()
        self.webhook = {}
        return True

    async def m_getwebhookinfo(self, p: Dict[str, Any]) -> Dict[str, Any]:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.pending)}

    async def _deliver(self) -> None:
        """Push pending updates to the webhook in order; an update is gone once the bot answers 2xx."""
        while self.webhook.get("url"):
            if not self.pending:
                async with self._changed:
                    try:
                        await asyncio.wait_for(self._changed.wait(), 0.5)
                    except asyncio.TimeoutError:
                        pass
                continue
            update = self.pending[0]
            headers = {"Content-Type": "application/json"}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            try:
                async with self.session.post(self.webhook["url"], data=json.dumps(update), headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=10)) as resp:
                    status = resp.status
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
            self.webhook_deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                if self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                async with self._changed:
                    self._changed.notify_all()
            else:
                await asyncio.sleep(0.2)

    async def m_setmycommands(self, p: Dict[str, Any]) -> bool:
        for c in p.get("commands", []):
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) or not c.get("description"):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = p.get("commands", [])
        return True

    async def m_getmycommands(self, p: Dict[str, Any]) -> List[Dict[str, Any]]:
        return self.commands

    async def m_sendmessage(self, p: Dict[str, Any]) -> Dict[str, Any]:
        plain, ents = self._text_and_entities(p.get("text"), p.get("parse_mode"))
        self._check_markup(p.get("reply_markup"))
        content: Dict[str, Any] = {"text": plain}
        if ents:
            content["entities"] = ents
        return self._new_message(p, **content)

    async def m_sendphoto(self, p: Dict[str, Any]) -> Dict[str, Any]:
        if not p.get("photo"):
            raise ApiError(400, "Bad Request: there is no photo in the request")
        content: Dict[str, Any] = {"photo": [{"file_id": "AgACphoto", "file_unique_id": "AQADphoto", "width": 320,
                                              "height": 240}]}
        if p.get("caption"):
            content["caption"], ents = self._text_and_entities(p["caption"], p.get("parse_mode"), 1024)
        self._check_markup(p.get("reply_markup"))
        return self._new_message(p, **content)

    async def m_senddocument(self, p: Dict[str, Any]) -> Dict[str, Any]:
        if not p.get("document"):
            raise ApiError(400, "Bad Request: there is no document in the request")
        return self._new_message(p, document={"file_id": "BQACdoc", "file_unique_id": "AgADdoc"})

    async def m_sendlocation(self, p: Dict[str, Any]) -> Dict[str, Any]:
        return self._new_message(p, location={"latitude": p["latitude"], "longitude": p["longitude"]})

    async def m_sendchataction(self, p: Dict[str, Any]) -> bool:
        if p.get("action") not in ("typing", "upload_photo", "upload_document", "find_location"):
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def m_answercallbackquery(self, p: Dict[str, Any]) -> bool:
        qid = p.get("callback_query_id")
        if self.open_queries.get(qid) is not False:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.open_queries[qid] = True
        return True

    def _stored(self, p: Dict[str, Any]) -> Dict[str, Any]:
        msg = self.messages.get((p.get("chat_id"), p.get("message_id")))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg

    async def m_editmessagetext(self, p: Dict[str, Any]) -> Dict[str, Any]:
        msg = self._stored(p)
        plain, ents = self._text_and_entities(p.get("text"), p.get("parse_mode"))
        markup = p.get("reply_markup")
        self._check_markup(markup)
        if plain == msg.get("text") and ents == msg.get("entities", []) and markup == msg.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        msg["text"] = plain
        msg["entities"] = ents
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = int(time.time())
        return msg

    async def m_editmessagereplymarkup(self, p: Dict[str, Any]) -> Dict[str, Any]:
        msg = self._stored(p)
        markup = p.get("reply_markup")
        self._check_markup(markup)
        if markup == msg.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        return msg
