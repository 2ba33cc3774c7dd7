"""An agent's personal links (Telegram and WhatsApp) and their QR codes (PNG, ready to print or forward).

    link = agent_link("lingkar_bot", "K7M2QX")   # https://t.me/lingkar_bot?start=ag_K7M2QX
    wa = whatsapp_link("6281234567890", "K7M2QX")
    # https://wa.me/6281234567890?text=Halo%20Lingkar%2C%20kode%20agen%20K7M2QX
    png = qr_png(link, caption="Agen Perisai · K7M2QX")

The Telegram link opens the bot with ``/start ag_<code>``; the Telegram adapter remembers the code for the
user at first contact and sends it as ``metadata.referral`` with every message, so chats, checks
and leads are attributed to the agent (see docs/telegram.md and docs/staff-guide.md). The WhatsApp link opens
a chat with the business number (``WHATSAPP_DISPLAY_NUMBER``) with a first message already typed that carries
the code ("Halo Lingkar, kode agen K7M2QX"); on every channel a first message with "kode agen <code>"
attributes the worker the same way.
"""
from __future__ import annotations

import io
import re
from urllib.parse import quote

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_CODE = re.compile(r"^[A-Z0-9]{1,16}$")
_WA_NUMBER = re.compile(r"^[1-9][0-9]{7,14}$")
#: The first message a worker sends through an agent's WhatsApp link (the code is what counts).
WHATSAPP_GREETING = "Halo Lingkar, kode agen {code}"


def _code(code: str) -> str:
    code = (code or "").strip().upper()
    if not _CODE.match(code):
        raise ValueError(f"not an agent code: {code!r}")
    return code


def agent_link(bot_username: str, code: str) -> str:
    """``https://t.me/<bot>?start=ag_<code>`` (the username without "@")."""
    username = (bot_username or "").lstrip("@")
    if not _USERNAME.match(username):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    return f"https://t.me/{username}?start=ag_{_code(code)}"


def whatsapp_link(number: str, code: str) -> str:
    """``https://wa.me/<number>?text=<"Halo Lingkar, kode agen <code>", URL-encoded>``; ``number`` in international
    digits (``WHATSAPP_DISPLAY_NUMBER``, e.g. 6281234567890)."""
    number = (number or "").strip().lstrip("+")
    if not _WA_NUMBER.match(number):
        raise ValueError(f"not a WhatsApp number in international digits: {number!r}")
    return f"https://wa.me/{number}?text={quote(WHATSAPP_GREETING.format(code=_code(code)), safe='')}"


def qr_png(data: str, caption: str | None = None, box_size: int = 10) -> bytes:
    """A QR code of ``data`` as PNG bytes, with an optional caption printed under it.

    Error correction level M (survives ~15 % damage: a folded or smudged print still scans) and the
    standard 4-module quiet zone; the caption sits below the quiet zone so it never disturbs scanning.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    if caption:
        font = _font(max(14, box_size * 2))
        draw = ImageDraw.Draw(img)
        left, top, right, bottom = draw.textbbox((0, 0), caption, font=font)
        pad = box_size
        canvas = Image.new("RGB", (img.width, img.height + (bottom - top) + 2 * pad), "white")
        canvas.paste(img, (0, 0))
        draw = ImageDraw.Draw(canvas)
        x = max(pad, (img.width - (right - left)) // 2)
        draw.text((x, img.height + pad // 2 - top), caption, fill="black", font=font)
        img = canvas
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a fixed-size bitmap font
        return ImageFont.load_default()
