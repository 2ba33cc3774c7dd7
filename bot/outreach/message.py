"""A broadcast's message: written like an answer of content/answers.yml, checked when it is queued and rendered for
each recipient with the facts in force on the day it is sent (:func:`lingkar.texts.engine.render_text`).

The message file is YAML::

    text: |
      Diskon iuran BPU berlaku sampai {bpu.discount.other@until}. Iuran JKM kini {bpu.jkm.monthly}.
    buttons:                      # optional, at most 3 (WhatsApp's reply buttons)
      - {title: Cara daftar, payload: /ask_registration}

or plain text (the whole file is the text). As everywhere in Lingkar, a figure is only ever a ``{fact.key}``
placeholder (digits outside one are refused). A placeholder whose fact is no longer in force on the day of sending
fails that recipient's message instead of quoting an expired figure.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

from lingkar.facts import FactNotInForce, Facts, get_facts
from lingkar.texts import AnswerError, get_answers
from lingkar.texts.engine import Rendered, Text, parse_button, parse_paragraphs, render_text

MAX_TEXT = 900          # rendered: fits WhatsApp's interactive body (1024) and a template parameter
MAX_BUTTONS = 3         # WhatsApp's reply buttons
MAX_TITLE = 20          # WhatsApp's reply-button title
MAX_PAYLOAD = 40        # fits Telegram's 64-byte callback data with its MAC, and WhatsApp's button id


class MessageError(ValueError):
    pass


def _check_payload(payload: str, where: str) -> None:
    if not payload.startswith("/") or len(payload.encode()) > MAX_PAYLOAD:
        raise AnswerError(f"{where}: a payload is an intent (/name) of at most {MAX_PAYLOAD} bytes: {payload!r}")


@dataclass(frozen=True)
class BroadcastMessage:
    text: str                           # the source, with placeholders
    buttons: List[Dict[str, Any]]       # the button specs as written
    compiled: Text

    @classmethod
    def parse(cls, text: str, buttons: Sequence[Dict[str, Any]] = (), facts: Facts | None = None
              ) -> BroadcastMessage:
        facts = facts or get_facts()
        if not isinstance(text, str) or not text.strip():
            raise MessageError("the message has no text")
        if len(buttons) > MAX_BUTTONS:
            raise MessageError(f"at most {MAX_BUTTONS} buttons")
        try:
            paragraphs = parse_paragraphs(text.strip(), facts, "broadcast.text")
            parsed = tuple(parse_button(dict(b), facts, f"broadcast.buttons[{i}]", _check_payload)
                           for i, b in enumerate(buttons))
        except (AnswerError, TypeError, ValueError) as exc:
            raise MessageError(str(exc)) from exc
        for b in buttons:
            if len(str(b.get("title", ""))) > MAX_TITLE:
                raise MessageError(f"button title longer than {MAX_TITLE} characters: {b.get('title')!r}")
        return cls(text.strip(), [dict(b) for b in buttons], Text("broadcast", paragraphs, parsed))

    @classmethod
    def load(cls, path: Path, facts: Facts | None = None) -> BroadcastMessage:
        raw = Path(path).read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            if set(data) - {"text", "buttons"}:
                raise MessageError(f"{path}: a message file has text and buttons only")
            return cls.parse(data.get("text") or "", data.get("buttons") or [], facts)
        return cls.parse(raw, (), facts)

    def render(self, on: dt.date, facts: Facts | None = None) -> Rendered:
        """The text and buttons as they read on ``on`` (raises :class:`MessageError` when a figure is not in force
        or the text is too long)."""
        facts = facts or get_facts()
        try:
            out = render_text(self.compiled, facts, get_answers().notes, on)
        except FactNotInForce as exc:
            raise MessageError(f"a figure is not in force on {on.isoformat()}: {exc}") from exc
        if len(out.text) > MAX_TEXT:
            raise MessageError(f"the message reads {len(out.text)} characters on {on.isoformat()} "
                               f"(at most {MAX_TEXT})")
        return out
