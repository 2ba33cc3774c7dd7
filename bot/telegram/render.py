"""Turn Rasa's REST-channel replies into Telegram Bot API calls (pure functions, no I/O).

What the reply shows is planned by the channel-neutral core (:func:`bot.core.plan.plan_reply` with
:data:`TELEGRAM_LIMITS`); this module only turns its neutral messages into Telegram calls: HTML escaping, inline
keyboards with signed callback data, the contact keyboard.

A *plan* is a list of JSON-serialisable steps ``{"method": "sendMessage", "params": {...}}``. It is
computed once per update and stored with the update's progress, so a turn resumed after a crash sends
exactly the same messages as the first attempt would have.

Text: messages are sent with ``parse_mode=HTML``; every text is escaped (``&``, ``<``, ``>``) and a
``*bold*`` span becomes ``<b>bold</b>`` — the only markup the assistant may use. A text longer than
Telegram's limit (4096 characters after entity parsing, counted in UTF-16 code units) is split on line
boundaries (on spaces, or hard, only for a single line that is itself too long).

Buttons: Rasa ``buttons`` become an inline keyboard. A Telegram client can send any ``callback_data`` it
likes, so the data is bound to the chat the button was sent to by an HMAC (:class:`CallbackSigner`, key
``TELEGRAM_CALLBACK_SECRET``): ``r:<mac><payload>`` when that fits Telegram's 64 bytes, otherwise
``m:<token>`` where the token (itself an HMAC of chat and payload) maps to the payload in the store (the
mapping is returned in :attr:`Plan.payloads` and must be saved before the plan is sent). Data without a
valid MAC for the chat it comes from (forged, from another chat, or signed with an older key) is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Dict, List

from bot.core.plan import Limits, OutMessage, plan_reply
from bot.core.plan import split_text as core_split_text

from . import texts

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_LIMIT = 64
PREFIX_RASA = "r:"
PREFIX_MAPPED = "m:"
MAC_LEN = 12      # base64url characters (72 bits) of the HMAC in inline callback data
TOKEN_LEN = 22    # base64url characters (132 bits) of a mapped payload's token
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_-]+")

_BOLD = re.compile(r"\*(?=\S)([^*\n]*?\S)\*")


def escape(text: str) -> str:
    """Escape text for ``parse_mode=HTML`` (Telegram needs only &, < and >)."""
    return html.escape(text, quote=False)


def to_html(text: str) -> str:
    """Escape ``text`` and turn ``*bold*`` spans into ``<b>`` tags."""
    return _BOLD.sub(r"<b>\1</b>", escape(text))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


#: Telegram's limits for the core's planning: 4096 UTF-16 units a text, split between lines (as always).
TELEGRAM_LIMITS = Limits(text=TEXT_LIMIT, buttons=100, button_title=64, caption=CAPTION_LIMIT, measure=utf16_len,
                         paragraphs=False, sentences=False, default_text=texts.BUTTONS_DEFAULT_TEXT)


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Split plain text into chunks of at most ``limit`` UTF-16 units, on line boundaries where possible
    (:func:`bot.core.plan.split_text` with Telegram's limits)."""
    return core_split_text(text, TELEGRAM_LIMITS, limit)


class CallbackSigner:
    """Issues and checks callback data: a payload is accepted only in the chat it was issued to.

    The MAC is HMAC-SHA256 over the chat id and the payload with the adapter's key
    (:attr:`bot.telegram.config.Settings.callback_key`); a mapped payload's token is such an HMAC as well,
    so the store is only ever asked for tokens the bot could have issued, and the payload found must match.
    """

    def __init__(self, key: str | bytes):
        self.key = key.encode() if isinstance(key, str) else bytes(key)

    @classmethod
    def throwaway(cls) -> CallbackSigner:
        """A signer with a random key: the buttons it signs are never accepted (previews, tests)."""
        return cls(secrets.token_bytes(32))

    def _mac(self, chat_id: int, kind: str, payload: str, length: int) -> str:
        digest = hmac.new(self.key, f"{kind}\n{chat_id}\n{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:length]

    def data_for(self, chat_id: int, payload: str, payloads: Dict[str, str]) -> str:
        """Callback data for ``payload`` in ``chat_id``; a mapped payload is added to ``payloads``."""
        data = PREFIX_RASA + self._mac(chat_id, "r", payload, MAC_LEN) + payload
        if len(data.encode()) <= CALLBACK_LIMIT:
            return data
        token = self._mac(chat_id, "m", payload, TOKEN_LEN)
        payloads[token] = payload
        return PREFIX_MAPPED + token

    def inline_payload(self, chat_id: int, data: str) -> str | None:
        """The payload of ``r:`` data issued to ``chat_id``, or None (forged, another chat's, an old key's)."""
        body = data[len(PREFIX_RASA):] if data.startswith(PREFIX_RASA) else ""
        mac, payload = body[:MAC_LEN], body[MAC_LEN:]
        if not payload or not hmac.compare_digest(mac, self._mac(chat_id, "r", payload, MAC_LEN)):
            return None
        return payload

    def mapped_token(self, data: str) -> str | None:
        """The token of ``m:`` data when it has the shape of one the bot issues (worth a store lookup)."""
        token = data[len(PREFIX_MAPPED):] if data.startswith(PREFIX_MAPPED) else ""
        return token if len(token) == TOKEN_LEN and _TOKEN_CHARS.fullmatch(token) else None

    def mapped_ok(self, chat_id: int, token: str, payload: str) -> bool:
        """True when ``token`` was issued for ``payload`` in ``chat_id``."""
        return hmac.compare_digest(token, self._mac(chat_id, "m", payload, TOKEN_LEN))


def inline_keyboard(buttons: List[Dict[str, Any]], payloads: Dict[str, str], chat_id: int = 0,
                    signer: CallbackSigner | None = None) -> Dict[str, Any] | None:
    """Rasa buttons (``title`` + ``payload``, or ``title`` + ``url``) -> an InlineKeyboardMarkup dict.

    Payload buttons are signed for ``chat_id`` by ``signer`` (without one they can never be pressed).
    """
    signer = signer or CallbackSigner.throwaway()
    items = []
    for b in buttons:
        title = str(b.get("title") or b.get("payload") or "").strip()[:64]
        if not title:
            continue
        if b.get("url"):
            items.append({"text": title, "url": str(b["url"])})
        elif b.get("payload") is not None:
            items.append({"text": title, "callback_data": signer.data_for(chat_id, str(b["payload"]), payloads)})
    if not items:
        return None
    per_row = 2 if len(items) >= 4 and all(len(i["text"]) <= 18 for i in items) else 1
    rows = [items[i:i + per_row] for i in range(0, len(items), per_row)]
    return {"inline_keyboard": rows}


def contact_keyboard() -> Dict[str, Any]:
    return {"keyboard": [[{"text": texts.CONTACT_BUTTON, "request_contact": True}]],
            "resize_keyboard": True, "one_time_keyboard": True,
            "input_field_placeholder": "Nomor HP, mis. 0812…"}


REMOVE_KEYBOARD = {"remove_keyboard": True}


def message_step(chat_id: int, text: str, markup: Dict[str, Any] | None = None, html_ready: bool = False
                 ) -> Dict[str, Any]:
    params: Dict[str, Any] = {"chat_id": chat_id, "text": text if html_ready else to_html(text),
                              "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
    if markup:
        params["reply_markup"] = markup
    return {"method": "sendMessage", "params": params}


def text_steps(chat_id: int, text: str, markup: Dict[str, Any] | None = None) -> List[Dict[str, Any]]:
    """A (possibly long) plain text as one or more messages; the markup goes on the last one."""
    chunks = split_text(text) or ([texts.BUTTONS_DEFAULT_TEXT] if markup else [])
    steps = [message_step(chat_id, c) for c in chunks]
    if markup and steps:
        steps[-1]["params"]["reply_markup"] = markup
    return steps


@dataclass
class Plan:
    steps: List[Dict[str, Any]] = field(default_factory=list)
    payloads: Dict[str, str] = field(default_factory=dict)   # token -> payload, to be stored first
    contact_keyboard: bool = False                            # the reply ends with the contact keyboard open
    forget: bool = False                                      # the person deleted their data: forget them here too

    def to_json(self) -> Dict[str, Any]:
        return {"steps": self.steps, "payloads": self.payloads, "contact_keyboard": self.contact_keyboard,
                "forget": self.forget}

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> Plan:
        return cls(d.get("steps", []), d.get("payloads", {}), d.get("contact_keyboard", False),
                   d.get("forget", False))


def _keyboard(msg: OutMessage, payloads: Dict[str, str], chat_id: int, signer: CallbackSigner
              ) -> Dict[str, Any] | None:
    buttons = [{"title": t, "payload": p} for t, p in msg.buttons] + [{"title": t, "url": u} for t, u in msg.links]
    return inline_keyboard(buttons, payloads, chat_id, signer)


def message_steps(chat_id: int, msg: OutMessage, plan: Plan, signer: CallbackSigner) -> List[Dict[str, Any]]:
    """One neutral message -> the Telegram call that shows it (signed button data mapped in ``plan.payloads``)."""
    if msg.kind == "text":
        markup = contact_keyboard() if msg.request_contact else (
            _keyboard(msg, plan.payloads, chat_id, signer) if msg.buttons or msg.links else None)
        return [message_step(chat_id, msg.text, markup)]
    if msg.kind == "image":
        params: Dict[str, Any] = {"chat_id": chat_id, "photo": str(msg.url)}
        if msg.text:
            params.update(caption=to_html(msg.text[:CAPTION_LIMIT]), parse_mode="HTML")
        return [{"method": "sendPhoto", "params": params}]
    if msg.kind == "document":
        return [{"method": "sendDocument", "params": {"chat_id": chat_id, "document": str(msg.url)}}]
    if msg.kind == "location":
        return [{"method": "sendLocation", "params": {"chat_id": chat_id, "latitude": float(msg.latitude),
                                                      "longitude": float(msg.longitude)}}]
    return []


def build_plan(chat_id: int, messages: List[Dict[str, Any]], contact_keyboard_open: bool = False,
               signer: CallbackSigner | None = None) -> Plan:
    """Rasa REST messages -> the Telegram calls that show them.

    ``signer`` signs the payload buttons for ``chat_id`` (without one, buttons are shown but never accepted).

    ``contact_keyboard_open``: the share-contact keyboard is currently shown in this chat; unless this
    reply asks for the number again, the keyboard is removed with the first message that can carry it.
    """
    signer = signer or CallbackSigner.throwaway()
    reply = plan_reply(messages, TELEGRAM_LIMITS, texts.CONTACT_PROMPT)
    plan = Plan(contact_keyboard=reply.request_contact, forget=reply.forget)
    for msg in reply.messages:
        plan.steps.extend(message_steps(chat_id, msg, plan, signer))
    if contact_keyboard_open and not plan.contact_keyboard:
        target = next((s for s in plan.steps if s["method"] == "sendMessage" and "reply_markup" not in s["params"]),
                      None)
        if target is None:
            plan.steps.insert(0, message_step(chat_id, texts.KEYBOARD_CLOSED))
            target = plan.steps[0]
        target["params"]["reply_markup"] = REMOVE_KEYBOARD
    return plan
