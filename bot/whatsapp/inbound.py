"""Meta's webhook payloads -> neutral records (pure functions, no I/O).

A webhook post is ``{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field": "messages",
"value": {...}}]}]}``; each ``value`` carries ``metadata`` (the business number), ``contacts`` (the sender's
profile), and ``messages`` (what people sent) and/or ``statuses`` (what became of what we sent). One post may hold
several of each, from several people.

:func:`parse` returns the :class:`Inbound` messages and :class:`StatusEvent` statuses of a post. An inbound record
keeps what a turn needs — the message id (``wamid``), the sender (``wa_id``), Meta's timestamp, the kind, the text
or the button's id — and not the sender's profile name (personal data the bot has no use for).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Tuple

#: Message kinds the bot answers by reading them (the rest get a friendly "I read only text" answer).
READABLE = frozenset({"text", "button"})

#: The kinds Meta sends, as the bot names them in its answer (see bot/whatsapp/texts.py).
MEDIA_KINDS = ("image", "sticker", "audio", "voice", "video", "document", "location", "contacts", "reaction",
               "order", "unsupported")


@dataclass
class Inbound:
    """One message a person sent."""

    wamid: str
    wa_id: str
    timestamp: int
    kind: str                      # text | button | image | sticker | voice | audio | video | document |
    #                                location | contacts | reaction | order | system | unsupported | unknown
    text: str = ""                 # text, or the pressed button's title
    payload: str = ""              # the pressed button's / list row's id (what we sent as its id)
    context_id: str = ""           # the wamid of our message the person replied to (buttons: the one pressed)
    phone_number_id: str = ""      # our business number it was sent to
    referral: Dict[str, Any] = field(default_factory=dict)   # Click-to-WhatsApp ad referral, when any
    error_code: int | None = None  # for "unsupported": Meta's error code (e.g. 131051)

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> Inbound:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    @property
    def sender(self) -> str:
        """The sender id Rasa knows this person by."""
        return f"whatsapp:{self.wa_id}"


@dataclass
class StatusEvent:
    """What became of a message we sent."""

    wamid: str
    recipient: str
    status: str                    # sent | delivered | read | failed (| deleted | warning)
    timestamp: int
    error_code: int | None = None
    error_title: str = ""


def _int(v: Any, default: int = 0) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _message(m: Dict[str, Any], phone_number_id: str) -> Inbound | None:
    wamid, wa_id = str(m.get("id") or ""), str(m.get("from") or "")
    if not wamid or not wa_id:
        return None
    kind = str(m.get("type") or "unknown")
    rec = Inbound(wamid=wamid, wa_id=wa_id, timestamp=_int(m.get("timestamp")), kind=kind,
                  phone_number_id=phone_number_id,
                  context_id=str((m.get("context") or {}).get("id") or ""))
    if isinstance(m.get("referral"), dict):
        ref = m["referral"]
        rec.referral = {k: str(ref[k]) for k in ("source_url", "source_id", "source_type", "headline", "ctwa_clid")
                        if ref.get(k)}
    if kind == "text":
        rec.text = str((m.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        inter = m.get("interactive") or {}
        reply = inter.get("button_reply") or inter.get("list_reply")
        if isinstance(reply, dict):
            rec.kind = "button"
            rec.payload = str(reply.get("id") or "")
            rec.text = str(reply.get("title") or "")
        else:   # nfm_reply (flows) and others the bot does not send
            rec.kind = "unsupported"
    elif kind == "button":      # a template's quick-reply button
        b = m.get("button") or {}
        rec.payload = str(b.get("payload") or "")
        rec.text = str(b.get("text") or "")
    elif kind == "audio" and (m.get("audio") or {}).get("voice"):
        rec.kind = "voice"
    elif kind == "unsupported":
        errors = m.get("errors") or []
        if errors and isinstance(errors[0], dict):
            rec.error_code = _int(errors[0].get("code")) or None
    elif kind not in MEDIA_KINDS and kind != "system":
        rec.kind = "unknown"
    return rec


def _status(s: Dict[str, Any]) -> StatusEvent | None:
    wamid = str(s.get("id") or "")
    if not wamid:
        return None
    ev = StatusEvent(wamid=wamid, recipient=str(s.get("recipient_id") or ""), status=str(s.get("status") or ""),
                     timestamp=_int(s.get("timestamp")))
    errors = s.get("errors") or []
    if errors and isinstance(errors[0], dict):
        ev.error_code = _int(errors[0].get("code")) or None
        ev.error_title = str(errors[0].get("title") or errors[0].get("message") or "")[:200]
    return ev


def parse(body: Any) -> Tuple[List[Inbound], List[StatusEvent]]:
    """The messages and statuses of one webhook post (anything unrecognised is skipped, never raised)."""
    messages: List[Inbound] = []
    statuses: List[StatusEvent] = []
    if not isinstance(body, dict):
        return messages, statuses
    for entry in body.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or change.get("field", "messages") != "messages":
                continue
            value = change.get("value") or {}
            if not isinstance(value, dict):
                continue
            pnid = str((value.get("metadata") or {}).get("phone_number_id") or "")
            for m in value.get("messages") or []:
                rec = _message(m, pnid) if isinstance(m, dict) else None
                if rec:
                    messages.append(rec)
            for s in value.get("statuses") or []:
                ev = _status(s) if isinstance(s, dict) else None
                if ev:
                    statuses.append(ev)
    return messages, statuses
