"""Send an agent their kit: the personal link and its QR code, as one photo with a caption."""
from __future__ import annotations

from telegram import Bot

from . import texts
from .links import agent_link, qr_png


async def send_kit(bot: Bot, user_id: int, username: str, code: str, name: str | None = None,
                   welcome: bool = False) -> int:
    """One Bot API call (``sendPhoto``), so a retry can never leave half a kit. Returns the message id."""
    link = agent_link(username, code)
    png = qr_png(link, caption=f"Agen Perisai · {code}")
    m = await bot.send_photo(user_id, png, caption=texts.kit_caption(link, code, name, welcome=welcome),
                             parse_mode="HTML", filename=f"agen-perisai-{code}.png")
    return m.message_id
