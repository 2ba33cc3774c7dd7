"""Execute plan steps (see :mod:`bot.telegram.render`) through python-telegram-bot's Bot."""
from __future__ import annotations

import html
import logging
import re
from typing import Any, Dict, Union

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden

log = logging.getLogger("lingkar.telegram.sender")

Markup = Union[InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply, None]

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def markup_from_dict(d: Dict[str, Any] | None) -> Markup:
    if not d:
        return None
    if "inline_keyboard" in d:
        return InlineKeyboardMarkup.de_json(d, None)
    if "keyboard" in d:
        return ReplyKeyboardMarkup.de_json(d, None)
    if d.get("remove_keyboard"):
        return ReplyKeyboardRemove()
    if d.get("force_reply"):
        return ForceReply()
    raise ValueError(f"unknown reply_markup {sorted(d)}")


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


async def execute(bot: Bot, step: Dict[str, Any]) -> Any:
    """Run one step; return a JSON-serialisable result (the message id for sends, True otherwise).

    A user who blocked the bot (Forbidden) is not an error worth retrying: the step counts as done
    with result ``"forbidden"``. If Telegram rejects our HTML (it should not: every text is escaped), the
    text is sent once more without formatting rather than lost.
    """
    method, p = step["method"], dict(step["params"])
    markup = markup_from_dict(p.pop("reply_markup", None))
    try:
        if method == "sendMessage":
            return await _send_message(bot, p, markup)
        if method == "sendPhoto":
            m = await bot.send_photo(p["chat_id"], p["photo"], caption=p.get("caption"),
                                     parse_mode=p.get("parse_mode"), reply_markup=markup)
            return m.message_id
        if method == "sendDocument":
            m = await bot.send_document(p["chat_id"], p["document"], caption=p.get("caption"),
                                        parse_mode=p.get("parse_mode"), reply_markup=markup)
            return m.message_id
        if method == "sendLocation":
            m = await bot.send_location(p["chat_id"], latitude=p["latitude"], longitude=p["longitude"],
                                        reply_markup=markup)
            return m.message_id
        if method == "editMessageText":
            r = await bot.edit_message_text(p["text"], chat_id=p["chat_id"], message_id=p["message_id"],
                                            parse_mode=p.get("parse_mode"), reply_markup=markup,
                                            link_preview_options=LinkPreviewOptions(is_disabled=True))
            return r.message_id if isinstance(r, Message) else bool(r)
        if method == "editMessageReplyMarkup":
            r = await bot.edit_message_reply_markup(chat_id=p["chat_id"], message_id=p["message_id"],
                                                    reply_markup=markup)
            return r.message_id if isinstance(r, Message) else bool(r)
        if method == "answerCallbackQuery":
            return await bot.answer_callback_query(p["callback_query_id"], text=p.get("text"),
                                                   show_alert=p.get("show_alert", False))
        if method == "sendChatAction":
            return await bot.send_chat_action(p["chat_id"], p["action"])
    except Forbidden as exc:
        log.info("%s to chat %s refused: %s", method, p.get("chat_id"), exc.message)
        return "forbidden"
    raise ValueError(f"unsupported step {method}")


async def _send_message(bot: Bot, p: Dict[str, Any], markup: Markup) -> int:
    preview = LinkPreviewOptions(is_disabled=True)
    try:
        m = await bot.send_message(p["chat_id"], p["text"], parse_mode=p.get("parse_mode"), reply_markup=markup,
                                   link_preview_options=preview)
    except BadRequest as exc:
        if "parse entities" not in exc.message.lower() or not p.get("parse_mode"):
            raise
        log.error("Telegram rejected our HTML (%s); sending the text unformatted", exc.message)
        m = await bot.send_message(p["chat_id"], _plain(p["text"]), reply_markup=markup,
                                   link_preview_options=preview)
    return m.message_id
