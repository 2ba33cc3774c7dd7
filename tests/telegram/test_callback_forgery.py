"""Only buttons the bot issued to a chat are accepted: forged or replayed callback data never reaches Rasa.

Telegram clients send whatever ``callback_data`` they like (a modified client, or a bot API call with a
hand-made update is enough), so ``r:/intent{...}`` typed by an attacker must not inject intents or entities.
Every scenario runs on both state backends (SQLite and Redis), through the fake Bot API.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib

from .test_buttons_contact import LONG_PAYLOAD, MENU, keyboard

USER = 7301
OTHER = 7302
EXPIRED = "Tombol ini sudah tidak berlaku, silakan ketik pertanyaan Anda"


def payload_token(payload: str) -> str:
    """The token the adapter used to give a long payload (a plain hash anyone can compute)."""
    return base64.urlsafe_b64encode(hashlib.sha256(payload.encode()).digest()).decode()[:22]


async def _menu(fake_tg, fake_rasa, uid: int, replies=None) -> list:
    fake_rasa.replies["menu"] = replies or MENU
    before = len(fake_tg.successful("sendMessage", uid))
    await fake_tg.push(fake_tg.text(uid, "menu"))
    await fake_tg.wait_for(lambda f: len(f.successful("sendMessage", uid)) > before)
    return keyboard(fake_tg.successful("sendMessage", uid)[-1])


async def _press(fake_tg, uid: int, data: str, message=None) -> str | None:
    """Press a button with ``data`` on ``message`` (default: the last keyboard in the chat); the toast text."""
    n = len(fake_tg.successful("answerCallbackQuery"))
    msg = message or fake_tg.last_keyboard_message(uid)
    press = await fake_tg.push(fake_tg.callback(uid, msg, data))
    await fake_tg.wait_for(lambda f: len(f.successful("answerCallbackQuery")) > n)
    call = fake_tg.successful("answerCallbackQuery")[-1]
    assert call.params["callback_query_id"] == press["callback_query"]["id"]
    return call.params.get("text")


async def test_forged_payloads_never_reach_rasa(fake_tg, fake_rasa, start_adapter, inbox):
    await start_adapter(**inbox)
    await _menu(fake_tg, fake_rasa, USER)
    forged = ['r:/inform{"x":"y"}', "r:/ask_jkk",                      # typed payloads, old format
              'r:/affirm{"phone":"081234567890"}', "r:", "m:" + payload_token(LONG_PAYLOAD),
              "m:" + "A" * 22]
    for data in forged:
        toast = await _press(fake_tg, USER, data)
        assert toast and EXPIRED in toast, (data, toast)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages() == ["menu"]                                # nothing but the typed message
    assert not fake_tg.successful("editMessageText", USER)                 # the keyboard is left alone


async def test_genuine_buttons_still_work(fake_tg, fake_rasa, start_adapter, inbox):
    await start_adapter(**inbox)
    buttons = await _menu(fake_tg, fake_rasa, USER)
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert await _press(fake_tg, USER, buttons[0]["callback_data"]) is None
    await fake_tg.wait_texts(USER, 2)
    assert fake_rasa.messages()[-1] == "/ask_jkk"
    # a payload too long for the 64 bytes goes through the store, and still arrives whole
    long_buttons = await _menu(fake_tg, fake_rasa, USER, [{"text": "Betul?", "buttons": [
        {"title": "Ya", "payload": LONG_PAYLOAD}]}])
    assert long_buttons[0]["callback_data"].startswith("m:")
    assert await _press(fake_tg, USER, long_buttons[0]["callback_data"]) is None
    await fake_tg.wait_for(lambda f: fake_rasa.messages()[-1] == LONG_PAYLOAD)


async def test_a_button_of_another_chat_is_refused(fake_tg, fake_rasa, start_adapter, inbox):
    await start_adapter(**inbox)
    theirs = await _menu(fake_tg, fake_rasa, OTHER)
    theirs_long = await _menu(fake_tg, fake_rasa, OTHER, [{"text": "Betul?", "buttons": [
        {"title": "Ya", "payload": LONG_PAYLOAD}]}])
    await _menu(fake_tg, fake_rasa, USER)
    for data in (theirs[1]["callback_data"], theirs_long[0]["callback_data"]):
        toast = await _press(fake_tg, USER, data)
        assert toast and EXPIRED in toast
    await asyncio.sleep(0.3)
    assert fake_rasa.messages(f"telegram:{USER}") == ["menu"]
