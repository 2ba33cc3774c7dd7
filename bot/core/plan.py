"""Planning Rasa's reply, channel-neutral: Rasa REST messages -> a list of neutral outgoing messages.

A channel gives its :class:`Limits` (longest text, most buttons on one message, how it counts length) and turns
each :class:`OutMessage` into its own API call (Telegram: :mod:`bot.telegram.render`, which adds HTML escaping,
inline keyboards and signed callback data). The result is JSON-serialisable (:meth:`Reply.to_json`) so a turn can
store it once and a resumed turn sends exactly the same messages.

What is planned:

* Rasa's REST channel cuts every text at blank lines into separate messages; consecutive plain texts are joined
  again (one answer, one message) and split only where the channel's limit needs it: between paragraphs if
  ``Limits.paragraphs``, else between lines; a single line that is too long after a sentence (``Limits.sentences``)
  or at a space, hard only when there is none.
* ``buttons`` (or ``quick_replies``) go on the last chunk of their text as (title, payload) pairs; link buttons
  (``url``) as (title, url) pairs in :attr:`OutMessage.links`. More than ``Limits.buttons`` buttons: the rest go on
  follow-up messages (text :attr:`Limits.more_text`).
* ``image`` / ``custom.photo|image`` -> an image message (``caption`` cut to ``Limits.caption``), ``attachment`` ->
  a document, ``custom.location`` -> a location, ``custom.text``/``custom.buttons`` -> text with buttons.
* ``custom.request_contact`` -> the reply asks for the sender's phone number (:attr:`Reply.request_contact`, with
  the text of the message that asks); ``custom.remove_keyboard``; ``custom.forget_sender`` -> :attr:`Reply.forget`
  (the person deleted their data: the adapter forgets them too). Any other custom payload is for another channel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple

Pair = Tuple[str, str]


@dataclass(frozen=True)
class Limits:
    """What one channel allows in one message."""

    text: int = 4096                          # longest text, in ``measure`` units
    buttons: int = 100                        # most buttons on one message
    button_title: int = 64                    # longest button title (characters)
    caption: int = 1024                       # longest image caption
    measure: Callable[[str], int] = len       # how the channel counts (Telegram: UTF-16 code units)
    paragraphs: bool = False                  # split a long text between paragraphs rather than anywhere between lines
    sentences: bool = False                   # cut an over-long line after a sentence rather than at any space
    more_text: str = "Pilihan lainnya:"       # text of a follow-up message that carries the buttons beyond ``buttons``
    default_text: str = "Silakan pilih:"      # text of a message that has only buttons


@dataclass
class OutMessage:
    """One neutral outgoing message."""

    kind: str = "text"                        # text | image | document | location
    text: str = ""                            # text, or the caption of an image / document
    buttons: List[Pair] = field(default_factory=list)   # (title, payload)
    links: List[Pair] = field(default_factory=list)     # (title, url)
    url: str | None = None                    # image / document address
    latitude: float | None = None
    longitude: float | None = None
    request_contact: bool = False             # this message asks for the sender's phone number

    def to_json(self) -> Dict[str, Any]:
        return {k: (list(map(list, v)) if k in ("buttons", "links") else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> OutMessage:
        d = dict(d)
        d["buttons"] = [tuple(b) for b in d.get("buttons", [])]
        d["links"] = [tuple(b) for b in d.get("links", [])]
        return cls(**d)


@dataclass
class Reply:
    """The plan of one reply."""

    messages: List[OutMessage] = field(default_factory=list)
    request_contact: bool = False             # the reply asks for the phone number (a contact keyboard stays open)
    remove_keyboard: bool = False             # the reply asks to close such a keyboard
    forget: bool = False                      # the person deleted their data: forget them in the adapter too

    def to_json(self) -> Dict[str, Any]:
        return {"messages": [m.to_json() for m in self.messages], "request_contact": self.request_contact,
                "remove_keyboard": self.remove_keyboard, "forget": self.forget}

    @classmethod
    def from_json(cls, d: Dict[str, Any]) -> Reply:
        return cls([OutMessage.from_json(m) for m in d.get("messages", [])], d.get("request_contact", False),
                   d.get("remove_keyboard", False), d.get("forget", False))


# ---- text ----------------------------------------------------------------------------------------------------
_SENTENCE_ENDS = (". ", "! ", "? ", "\u2026 ")


def _cut(line: str, limits: Limits, limit: int) -> List[str]:
    """Split one over-long line: after a sentence (if wanted), else at the last space that fits, else hard."""
    measure = limits.measure
    out = []
    while measure(line) > limit:
        lo, hi = 0, len(line)                 # largest prefix that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if measure(line[:mid]) <= limit:
                lo = mid
            else:
                hi = mid - 1
        cut = -1
        if limits.sentences:
            ends = [line.rfind(e, 0, lo) for e in _SENTENCE_ENDS]
            best = max(ends)
            if best >= lo // 2:
                cut = best + 1
        if cut <= 0:
            cut = line.rfind(" ", 0, lo + 1)
        if cut <= 0:
            cut = lo
        out.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    if line:
        out.append(line)
    return out


def split_text(text: str, limits: Limits = Limits(), limit: int | None = None) -> List[str]:
    """Split ``text`` into chunks of at most ``limit`` (default ``limits.text``) units, on line boundaries (between
    paragraphs when ``limits.paragraphs``) where possible."""
    limit = limits.text if limit is None else limit
    measure = limits.measure
    text = text.strip()
    if not text:
        return []
    if measure(text) <= limit:
        return [text]
    chunks: List[str] = []
    current: List[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        keep: List[str] = []
        if limits.paragraphs:
            blanks = [i for i, ln in enumerate(current) if not ln.strip() and i > 0]
            if blanks and measure("\n".join(current[:blanks[-1]])) >= limit // 2:
                keep = current[blanks[-1] + 1:]
                current = current[:blanks[-1]]
        chunks.append("\n".join(current).strip())
        current = keep
        size = measure("\n".join(keep)) if keep else 0

    for line in text.split("\n"):
        pieces = _cut(line, limits, limit) if measure(line) > limit else [line]
        for piece in pieces:
            n = measure(piece)
            if current and size + 1 + n > limit:
                flush()
                if current and size + 1 + n > limit:
                    chunks.append("\n".join(current).strip())
                    current, size = [], 0
            size = size + 1 + n if current else n
            current.append(piece)
    if current:
        chunks.append("\n".join(current).strip())
    return [c for c in chunks if c]


# ---- messages ------------------------------------------------------------------------------------------------
def merge_texts(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Join consecutive plain texts (Rasa's REST channel cut them at blank lines) into one message each."""
    out: List[Dict[str, Any]] = []
    for m in messages:
        plain = set(m) <= {"text", "recipient_id"} and isinstance(m.get("text"), str)
        if plain and out and out[-1].get("_plain"):
            out[-1]["text"] += "\n\n" + m["text"]
        else:
            m = dict(m)
            if plain:
                m["_plain"] = True
            out.append(m)
    return out


def _buttons(raw: List[Any], limits: Limits) -> Tuple[List[Pair], List[Pair]]:
    buttons: List[Pair] = []
    links: List[Pair] = []
    for b in raw or []:
        if not isinstance(b, dict):
            continue
        title = str(b.get("title") or b.get("payload") or "").strip()[:limits.button_title]
        if not title:
            continue
        if b.get("url"):
            links.append((title, str(b["url"])))
        elif b.get("payload") is not None:
            buttons.append((title, str(b["payload"])))
    return buttons, links


def text_messages(text: str, limits: Limits, buttons: List[Pair] = (), links: List[Pair] = ()) -> List[OutMessage]:
    """A (possibly long) text as messages; the buttons go on the last one (beyond ``limits.buttons``: on
    follow-up messages)."""
    buttons, links = list(buttons), list(links)
    chunks = split_text(text, limits) or ([limits.default_text] if buttons or links else [])
    out = [OutMessage(text=c) for c in chunks]
    if out and (buttons or links):
        n = max(1, limits.buttons)
        out[-1].buttons, out[-1].links = buttons[:n], links[:max(0, n - len(buttons[:n]))]
        rest_b, rest_l = buttons[n:], links[max(0, n - len(buttons[:n])):]
        while rest_b or rest_l:
            m = OutMessage(text=limits.more_text, buttons=rest_b[:n])
            m.links = rest_l[:n - len(m.buttons)]
            rest_b, rest_l = rest_b[n:], rest_l[n - len(m.buttons):]
            out.append(m)
    return out


def _last_open(messages: List[OutMessage]) -> OutMessage | None:
    """The last message if it is a text without buttons (a request for the phone number can go there)."""
    if messages and messages[-1].kind == "text" and not messages[-1].buttons and not messages[-1].links:
        return messages[-1]
    return None


def _custom(custom: Dict[str, Any], reply: Reply, limits: Limits, contact_prompt: str) -> None:
    out = reply.messages
    if custom.get("forget_sender"):
        reply.forget = True
        return
    if custom.get("request_contact"):
        last = _last_open(out)
        if custom.get("text") or last is None:
            out.extend(text_messages(str(custom.get("text") or contact_prompt), limits))
            last = out[-1]
        last.request_contact = True
        reply.request_contact = True
        reply.remove_keyboard = False
        return
    if custom.get("remove_keyboard"):
        reply.request_contact = False
        reply.remove_keyboard = True
        return
    photo = custom.get("photo") or custom.get("image")
    if photo:
        out.append(OutMessage(kind="image", url=str(photo), text=str(custom.get("caption") or "")[:limits.caption]))
        return
    loc = custom.get("location")
    if isinstance(loc, dict) and "latitude" in loc and "longitude" in loc:
        out.append(OutMessage(kind="location", latitude=float(loc["latitude"]), longitude=float(loc["longitude"])))
        return
    if custom.get("text") or custom.get("buttons"):
        buttons, links = _buttons(custom.get("buttons") or [], limits)
        out.extend(text_messages(str(custom.get("text") or ""), limits, buttons, links))


def plan_reply(messages: List[Dict[str, Any]], limits: Limits = Limits(),
               contact_prompt: str = "Silakan kirim nomor HP Anda.") -> Reply:
    """Rasa REST messages -> the neutral messages that show them under ``limits``."""
    reply = Reply()
    for m in merge_texts([m for m in messages if isinstance(m, dict)]):
        text = m.get("text")
        raw_buttons = m.get("buttons") or m.get("quick_replies")
        if raw_buttons:
            buttons, links = _buttons(raw_buttons, limits)
            reply.messages.extend(text_messages(str(text or ""), limits, buttons, links))
        elif isinstance(text, str) and text.strip():
            reply.messages.extend(text_messages(text, limits))
        if m.get("image"):
            reply.messages.append(OutMessage(kind="image", url=str(m["image"])))
        att = m.get("attachment")
        if att:
            url = att if isinstance(att, str) else (att.get("payload", {}) or {}).get("src") if isinstance(
                att, dict) else None
            if url:
                reply.messages.append(OutMessage(kind="document", url=str(url)))
        if isinstance(m.get("custom"), dict):
            _custom(m["custom"], reply, limits, contact_prompt)
    return reply
