"""How a broadcast reads on each channel, for staff before it goes out (the dashboard's composer and detail page).

Built with the functions the senders use (:mod:`.senders`): Telegram's HTML text and inline keyboard
(``bot.telegram.render``), WhatsApp's text or interactive body with reply buttons (``bot.whatsapp.render``), and
outside the 24-hour window the broadcast's approved template with its parameters filled in (the template's wording
is the quoted sentence of its ``description`` in content/whatsapp_templates.yml: Meta holds the approved text).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

from bot.telegram.render import inline_keyboard, message_step
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.render import with_buttons
from bot.whatsapp.templates import Templates

from .message import BroadcastMessage

_QUOTED = re.compile(r'"(.+?)"', re.S)


@dataclass(frozen=True)
class Preview:
    day: dt.date
    text: str                       # the rendered text (plain)
    telegram_html: str              # what Telegram shows (HTML the Bot API gets, escaped)
    telegram_buttons: List[str]
    whatsapp_texts: List[str]       # inside the 24-hour window: the bodies, in order
    whatsapp_buttons: List[str]     # the reply buttons under the last one
    template: str                   # the template's name at Meta
    template_text: str              # outside the window: the template as the worker reads it


def template_text(templates: Templates, key: str, values: Dict[str, Any]) -> str:
    """The wording of template ``key`` with ``{{n}}`` replaced by its parameters from ``values``."""
    t = templates.get(key)
    m = _QUOTED.search(t.description or "")
    wording = " ".join((m.group(1) if m else " ".join(f"{{{{{i + 1}}}}}" for i in range(len(t.parameters))))
                       .split())
    for i, name in enumerate(t.parameters):
        wording = wording.replace(f"{{{{{i + 1}}}}}", str(values.get(name, "")))
    return wording


def template_values(text: str, topic: str, attributes: Dict[str, Any] | None = None) -> Dict[str, Any]:
    """The template's parameters for one message (what :class:`.senders.WhatsAppBroadcaster` fills in)."""
    return {"topik": topic, "pesan": " ".join(text.split()), **{k: v for k, v in (attributes or {}).items() if v}}


def preview(message: BroadcastMessage, topic: str, on: dt.date, template: str = "info",
            templates: Templates | None = None) -> Preview:
    """``message`` as it reads on ``on`` on Telegram and WhatsApp (raises :class:`.message.MessageError`)."""
    templates = templates or Templates.load(Path(WhatsAppSettings().templates_path))
    out = message.render(on)
    buttons = list(out.buttons)
    step = message_step(0, out.text, inline_keyboard(buttons, {}, 0) if buttons else None)
    keyboard = step["params"].get("reply_markup", {}).get("inline_keyboard", [])
    wa_texts, wa_buttons = [], []
    for body in with_buttons("preview", out.text, buttons, {}):
        if body.get("type") == "interactive":
            inter = body["interactive"]
            wa_texts.append(inter["body"]["text"])
            wa_buttons = [b["reply"]["title"] for b in inter["action"].get("buttons", [])] or [
                r["title"] for s in inter["action"].get("sections", []) for r in s.get("rows", [])]
        else:
            wa_texts.append(body["text"]["body"])
    return Preview(day=on, text=out.text, telegram_html=step["params"]["text"],
                   telegram_buttons=[b["text"] for row in keyboard for b in row], whatsapp_texts=wa_texts,
                   whatsapp_buttons=wa_buttons, template=templates.get(template).name,
                   template_text=template_text(templates, template, template_values(out.text, topic)))
