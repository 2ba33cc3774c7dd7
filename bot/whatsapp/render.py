"""Rasa's REST-channel replies -> WhatsApp Cloud API message bodies (pure functions, no I/O).

The core plans the reply (:func:`bot.core.plan.plan_reply` under :data:`LIMITS`: texts joined and split, buttons
as (title, payload) pairs, at most 10 per message, media, the request for a number, "forget me"); this module turns
each neutral message into WhatsApp bodies. A *plan* is the list of bodies to ``POST /<phone_number_id>/messages``,
computed once per turn and stored with the turn's progress, so a turn resumed after a crash sends exactly what
the first attempt would have.

The limits are the API's (it refuses a body that breaks one, error 131009 / 100):

* text: at most :data:`TEXT_LIMIT` (4096) characters; a longer text is split between paragraphs, else lines (after
  a sentence or at a space, hard only inside one over-long word); ``*bold*`` is WhatsApp's own bold, sent as it is;
* reply buttons: at most :data:`MAX_BUTTONS` (3), titles at most :data:`BUTTON_TITLE` (20) characters, unique;
  the body of an interactive message at most :data:`BODY_LIMIT` (1024) characters;
* list message: at most :data:`MAX_ROWS` (10) rows, row title at most :data:`ROW_TITLE` (24), description at most
  :data:`ROW_DESCRIPTION` (72), the open button at most 20;
* ids: a reply button's id at most 256 characters, a list row's at most 200.

Which one (the readable shortening rules):

1. up to 3 options whose titles all fit in 20 characters: reply buttons;
2. otherwise a list: a title that does not fit in 24 characters is cut at a word boundary with "…", and the whole
   title goes into the row's description (cut the same way at 72); more than 10 options: one list per 10;
3. a link button (``url``) cannot be a reply button: it is written under the text as "title: url".

The id of a button or row is ``p:<payload>`` (the Rasa payload, which comes back as the reply's id); a payload too
long for that is stored under a token and the id is ``m:<token>`` (:attr:`Plan.payloads`, saved before the plan is
sent). Ids come back only from Meta's signed webhook, so they need no signature of their own.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from ..core.plan import Limits, OutMessage, plan_reply
from ..core.plan import split_text as core_split
from . import texts

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
CAPTION_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
BUTTON_ID_LIMIT = 256
ROW_ID_LIMIT = 200
PREFIX_PAYLOAD = "p:"
PREFIX_MAPPED = "m:"
ELLIPSIS = "…"

#: What the core's planner may put in one message for WhatsApp: the text limit, at most 10 options (one list
#: message; this module turns them into reply buttons or a list), titles kept whole (this module shortens them
#: readably, the whole title going into a list row's description).
LIMITS = Limits(text=TEXT_LIMIT, buttons=MAX_ROWS, button_title=ROW_DESCRIPTION, caption=CAPTION_LIMIT,
                paragraphs=True, sentences=True, more_text=texts.LIST_MORE, default_text=texts.BUTTONS_DEFAULT_TEXT)


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: whole if it fits, else cut at the last word boundary that leaves
    room for "…" (hard only when the first word alone is too long)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = text.rfind(" ", 0, room + 1)
    if cut < room // 2:     # no boundary in the second half: cut inside the word rather than lose half the room
        cut = room
    return text[:cut].rstrip(" ,.;:-–(") + ELLIPSIS


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Split text into chunks of at most ``limit`` characters (the core's rules, :func:`bot.core.plan.split_text`)."""
    return core_split(text, LIMITS, limit)


def payload_id(payload: str, payloads: Dict[str, str], limit: int = ROW_ID_LIMIT) -> str:
    """The button / row id that brings ``payload`` back; too long ones are mapped (added to ``payloads``)."""
    pid = PREFIX_PAYLOAD + payload
    if len(pid) <= limit:
        return pid
    token = hashlib.sha256(payload.encode()).hexdigest()[:32]
    payloads[token] = payload
    return PREFIX_MAPPED + token


def parse_id(reply_id: str) -> Tuple[str, str]:
    """``("payload", p)``, ``("mapped", token)`` or ``("unknown", id)`` for an id that came back."""
    if reply_id.startswith(PREFIX_PAYLOAD) and len(reply_id) > len(PREFIX_PAYLOAD):
        return "payload", reply_id[len(PREFIX_PAYLOAD):]
    if reply_id.startswith(PREFIX_MAPPED) and re.fullmatch(r"[0-9a-f]{32}", reply_id[len(PREFIX_MAPPED):]):
        return "mapped", reply_id[len(PREFIX_MAPPED):]
    return "unknown", reply_id


def _base(to: str, kind: str, content: Dict[str, Any]) -> Dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind, kind: content}


def text_body(to: str, text: str) -> Dict[str, Any]:
    return _base(to, "text", {"body": text, "preview_url": False})


def _unique(titles: List[str], limit: int) -> List[str]:
    """Titles made unique (WhatsApp refuses two equal titles in one message) without breaking the limit."""
    seen: Dict[str, int] = {}
    out = []
    for t in titles:
        n = seen.get(t, 0)
        seen[t] = n + 1
        if n:
            suffix = f" ({n + 1})"
            t = shorten(t, limit - len(suffix)) + suffix
        out.append(t)
    return out


def interactive_bodies(to: str, text: str, options: List[Dict[str, str]], payloads: Dict[str, str]
                       ) -> List[Dict[str, Any]]:
    """``text`` with the payload ``options`` (``title``, ``payload``) as reply buttons or list messages."""
    chunks = split_text(text) or [texts.BUTTONS_DEFAULT_TEXT]
    # the interactive body holds at most 1024 characters: what does not fit goes first as plain text
    tail = chunks.pop()
    if len(tail) > BODY_LIMIT:
        pieces = split_text(tail, BODY_LIMIT)
        tail_text = "\n".join(pieces[:-1])
        chunks.extend(split_text(tail_text))
        tail = pieces[-1]
    out = [text_body(to, c) for c in chunks]
    titles = [" ".join(o["title"].split()) for o in options]
    if len(options) <= MAX_BUTTONS and all(len(t) <= BUTTON_TITLE for t in titles):
        buttons = [{"type": "reply", "reply": {"id": payload_id(o["payload"], payloads, BUTTON_ID_LIMIT),
                                               "title": t}}
                   for o, t in zip(options, _unique(titles, BUTTON_TITLE))]
        out.append(_base(to, "interactive", {"type": "button", "body": {"text": tail},
                                             "action": {"buttons": buttons}}))
        return out
    for start in range(0, len(options), MAX_ROWS):
        group = options[start:start + MAX_ROWS]
        group_titles = titles[start:start + MAX_ROWS]
        short = _unique([shorten(t, ROW_TITLE) for t in group_titles], ROW_TITLE)
        rows = []
        for o, full, t in zip(group, group_titles, short):
            row = {"id": payload_id(o["payload"], payloads, ROW_ID_LIMIT), "title": t}
            if t != full:
                row["description"] = shorten(full, ROW_DESCRIPTION)
            elif o.get("description"):
                row["description"] = shorten(o["description"], ROW_DESCRIPTION)
            rows.append(row)
        body = tail if start == 0 else texts.LIST_MORE
        out.append(_base(to, "interactive", {"type": "list", "body": {"text": body}, "action": {
            "button": texts.LIST_BUTTON, "sections": [{"title": shorten(texts.BUTTONS_DEFAULT_TEXT, ROW_TITLE),
                                                       "rows": rows}]}}))
    return out


def with_buttons(to: str, text: str, buttons: List[Dict[str, Any]], payloads: Dict[str, str]
                 ) -> List[Dict[str, Any]]:
    """Rasa ``buttons`` (``title`` + ``payload``, or ``title`` + ``url``) under ``text``."""
    options, links = [], []
    for b in buttons:
        title = str(b.get("title") or b.get("payload") or "").strip()
        if not title:
            continue
        if b.get("url"):
            links.append(f"{title}: {b['url']}")
        elif b.get("payload") is not None:
            options.append({"title": title, "payload": str(b["payload"])})
    if links:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + "\n".join(links)
    if not options:
        return [text_body(to, c) for c in split_text(text)]
    return interactive_bodies(to, text, options, payloads)


@dataclass
class Plan:
    """The bodies of one answer, the mapped payloads to store before sending, and whether the person deleted
    their data (the channel then forgets them too)."""

    bodies: List[Dict[str, Any]] = field(default_factory=list)
    payloads: Dict[str, str] = field(default_factory=dict)
    forget: bool = False

    def to_json(self) -> Dict[str, Any]:
        return {"bodies": self.bodies, "payloads": self.payloads, "forget": self.forget}

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> Plan:
        return cls(list(d.get("bodies") or []), dict(d.get("payloads") or {}), bool(d.get("forget")))


def bodies_for(to: str, msg: OutMessage, payloads: Dict[str, str]) -> List[Dict[str, Any]]:
    """One neutral message of the core's plan -> the WhatsApp bodies that show it."""
    if msg.kind == "image" and msg.url:
        content: Dict[str, Any] = {"link": msg.url}
        if msg.text:
            content["caption"] = shorten(msg.text, CAPTION_LIMIT)
        return [_base(to, "image", content)]
    if msg.kind == "document" and msg.url:
        return [_base(to, "document", {"link": msg.url})]
    if msg.kind == "location" and msg.latitude is not None and msg.longitude is not None:
        return [_base(to, "location", {"latitude": msg.latitude, "longitude": msg.longitude})]
    buttons = [{"title": t, "payload": p} for t, p in msg.buttons] + [{"title": t, "url": u} for t, u in msg.links]
    if buttons:
        return with_buttons(to, msg.text, buttons, payloads)
    return [text_body(to, c) for c in split_text(msg.text)]


def build_plan(to: str, messages: List[Dict[str, Any]]) -> Plan:
    """Rasa REST messages -> the WhatsApp message bodies that show them, in order (planned by the core under
    :data:`LIMITS`). WhatsApp has no share-contact button: a request for the number is its text alone."""
    reply = plan_reply(messages, LIMITS, contact_prompt=texts.CONTACT_PROMPT)
    plan = Plan(forget=reply.forget)
    for msg in reply.messages:
        plan.bodies.extend(bodies_for(to, msg, plan.payloads))
    return plan


def template_body(to: str, name: str, language: str, parameters: List[str]) -> Dict[str, Any]:
    """An approved template with its body parameters (text), for messages outside the 24-hour window."""
    content: Dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        content["components"] = [{"type": "body", "parameters": [{"type": "text", "text": str(p)}
                                                                  for p in parameters]}]
    return _base(to, "template", content)


def read_body(wamid: str) -> Dict[str, Any]:
    """Mark a received message as read (blue ticks)."""
    return {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
