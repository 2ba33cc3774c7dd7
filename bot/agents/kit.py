"""Send an agent their kit.

Without a WhatsApp number (``WHATSAPP_DISPLAY_NUMBER`` unset): the Telegram link and its QR code, as one photo with
a caption (one Bot API call, so a retry can never leave half a kit).

With it: three messages, each one Bot API call and each a step of its own — (1) the Telegram QR code with a
caption giving both links and the code, (2) the WhatsApp QR code, (3) the printable A4 poster (PDF) with both QR
codes. The caller passes ``step(key, make)`` that runs ``make()`` once per key (the adapter's crash-safe turn
steps, or the notifier's record of finished steps), so a retry after a crash or a Bot API failure sends only what
is still missing.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from telegram import Bot

from lingkar.store.aio import run_sync

from . import texts
from .links import agent_link, qr_png, whatsapp_link
from .poster import poster_pdf

Step = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]


async def _just_run(key: str, make: Callable[[], Awaitable[Any]]) -> Any:
    return await make()


async def send_kit(bot: Bot, user_id: int, username: str, code: str, name: str | None = None,
                   welcome: bool = False, whatsapp_number: str = "", step: Step | None = None) -> int:
    """Send the kit; returns the message id of its first message (the Telegram QR code with both links)."""
    step = step or _just_run
    link = agent_link(username, code)
    wa = whatsapp_link(whatsapp_number, code) if whatsapp_number else None

    async def main_photo() -> int:
        png = qr_png(link, caption=f"Telegram · Agen Perisai · {code}" if wa else f"Agen Perisai · {code}")
        m = await bot.send_photo(user_id, png, caption=texts.kit_caption(link, code, name, welcome=welcome,
                                                                          whatsapp=wa),
                                 parse_mode="HTML", filename=f"agen-perisai-{code}.png")
        return m.message_id

    first = await step("kit", main_photo)
    if wa is None:
        return first

    async def whatsapp_photo() -> int:
        png = qr_png(wa, caption=f"WhatsApp · Agen Perisai · {code}")
        m = await bot.send_photo(user_id, png, caption=texts.WHATSAPP_QR_CAPTION.format(code=code),
                                 filename=f"agen-perisai-{code}-whatsapp.png")
        return m.message_id

    async def poster() -> int:
        pdf = await run_sync(lambda: poster_pdf(telegram=link, whatsapp=wa, code=code, name=name))
        m = await bot.send_document(user_id, pdf, caption=texts.POSTER_CAPTION,
                                    filename=f"poster-agen-perisai-{code}.pdf")
        return m.message_id

    await step("kit:whatsapp", whatsapp_photo)
    await step("kit:poster", poster)
    return first
