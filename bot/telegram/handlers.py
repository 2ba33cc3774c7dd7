"""The adapter's own handlers: commands, text to Rasa, buttons, contact sharing, non-text, edits, groups.

Decisions (see docs/telegram.md):

* Private chats only. In groups the bot answers ``/start`` and mentions with a button to a private chat
  and ignores everything else (plugins, e.g. the staff group, add their own group handlers).
* Edited messages are not sent to Rasa again (the conversation has moved on); the user is told, at most
  once per 10 minutes per chat, to send a correction as a new message.
* Non-text messages get a friendly answer naming what the bot can read; nothing goes to Rasa.
* ``/start`` never reaches Rasa as text: it sends the ``/greet`` intent. ``/start ag_<code>`` records the
  agent's code for the user at first contact (first code wins; later links do not overwrite). So does a text
  containing ``kode agen <CODE>`` (the core's channel-neutral rule, :mod:`bot.core.referral`): the phrase is taken
  out of what Rasa gets, and a message that was only a greeting besides it sends ``/greet``.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import re
from typing import TYPE_CHECKING, Any, Dict, List, Protocol

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.core.dispatcher import Turn
from bot.core.pacing import FloodGuard
from bot.core.rasa import RasaUnavailable, sender_id
from bot.core.referral import GREET_PAYLOAD, START_ARG, code_from_start
from bot.core.referral import from_text as referral_from_text
from lingkar.identity import mask_phone

from . import texts
from .registry import PRIORITY_FALLBACK, PluginContext, PluginHost
from .render import (
    PREFIX_MAPPED,
    PREFIX_RASA,
    CallbackSigner,
    Plan,
    build_plan,
    contact_keyboard,
    to_html,
    utf16_len,
)

if TYPE_CHECKING:  # pragma: no cover
    from .render import Plan


class CoreHost(PluginHost, Protocol):
    """What the adapter's own handlers need of it: the plugin interface and running a reply plan."""

    async def run_plan(self, plan: Plan, prefix: str) -> List[Any]: ...

log = logging.getLogger("lingkar.telegram.handlers")

REFERRAL = START_ARG
MENU_PAYLOAD = "/menu"
DELETE_PAYLOAD = "/delete_my_data"
#: /berhenti and /stop: every subscription ends (Rasa's intent ``unsubscribe``, from any state).
STOP_PAYLOAD = "/unsubscribe"
EDIT_NOTE_TTL = 600
CHOICE_TTL = 30 * 24 * 3600
TYPING_AFTER = 0.5     # seconds Rasa may take before "typing…" is shown

PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE


def referral_code(update: Update) -> str | None:
    """The agent code of a ``/start ag_<code>`` deep link in this update, or of a ``kode agen <CODE>`` phrase."""
    msg = update.message
    if not msg or not msg.text:
        return None
    if not msg.text.startswith("/start"):
        found = referral_from_text(msg.text)
        return found.code if found else None
    parts = msg.text.split(maxsplit=1)
    if len(parts) != 2 or not re.fullmatch(r"/start(@\w+)?", parts[0]):
        return None
    return code_from_start(parts[1])


def transient(exc: BaseException) -> bool:
    """Worth retrying the whole update later (Telegram/network/store hiccup), not a bug in the update."""
    if isinstance(exc, (RetryAfter, TimedOut)):
        return True
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return True
    name = type(exc).__module__ + "." + type(exc).__name__
    return name.startswith(("redis.exceptions.", "sqlite3.")) or isinstance(exc, (ConnectionError, TimeoutError))


class CoreHandlers:
    def __init__(self, adapter: CoreHost):
        self.a = adapter
        self.flood = FloodGuard(*adapter.settings.flood)
        self.signer = CallbackSigner(adapter.settings.callback_key)

    # ---- installation ---------------------------------------------------------------------------
    def install(self, ctx: PluginContext) -> None:
        from telegram.ext import TypeHandler

        app = self.a.application
        app.add_handler(TypeHandler(Update, self.pre_touch), group=-20)
        app.add_handler(TypeHandler(Update, self.pre_flood), group=-10)
        app.add_error_handler(self.on_error)
        ctx.add_command("start", self.on_start, texts.COMMANDS["start"])
        ctx.add_command("menu", self.on_menu, texts.COMMANDS["menu"])
        ctx.add_command("bantuan", self.on_help, texts.COMMANDS["bantuan"])
        ctx.add_command("hapusdata", self.on_delete, texts.COMMANDS["hapusdata"])
        ctx.add_command("berhenti", self.on_stop, texts.COMMANDS["berhenti"])
        ctx.add_command("stop", self.on_stop, menu=False)  # what Telegram users type to stop a bot
        ctx.add_callback(PREFIX_RASA[:-1], self.on_button)
        ctx.add_callback(PREFIX_MAPPED[:-1], self.on_button)
        reg = ctx.registry
        reg.add(MessageHandler(NEW_MESSAGE & PRIVATE & filters.CONTACT, self.on_contact), PRIORITY_FALLBACK)
        reg.add(MessageHandler(NEW_MESSAGE & PRIVATE & filters.COMMAND, self.on_unknown_command), PRIORITY_FALLBACK)
        reg.add(MessageHandler(NEW_MESSAGE & PRIVATE & filters.TEXT, self.on_text), PRIORITY_FALLBACK)
        reg.add(MessageHandler(NEW_MESSAGE & PRIVATE, self.on_non_text), PRIORITY_FALLBACK)
        reg.add(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, self.on_edited), PRIORITY_FALLBACK)
        reg.add(MessageHandler(NEW_MESSAGE & filters.ChatType.GROUPS & filters.TEXT, self.on_group),
                PRIORITY_FALLBACK)
        reg.add(CallbackQueryHandler(self.on_unknown_button), PRIORITY_FALLBACK)

    # ---- before every update -----------------------------------------------------------------
    async def pre_touch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record first contact (and an agent link's referral) for users in private chats."""
        user, chat, turn = update.effective_user, update.effective_chat, Turn.current()
        if user is None or turn is None or (chat is not None and chat.type != "private"):
            return
        code = referral_code(update)

        async def touch() -> Dict[str, Any]:
            rec = await self.a.store.touch_user(user.id, code)
            if rec.new or code:
                log.info("user %s: %s%s", user.id, "first contact" if rec.new else "returning",
                         f", link code {code} (kept: {rec.referral})" if code else "")
            return {"referral": rec.referral, "new": rec.new}

        turn.extra["user"] = await turn.once("touch", touch)

    async def pre_flood(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        if msg is None or msg.from_user is None or msg.chat.type != "private":
            return
        verdict = self.flood.check(msg.from_user.id, msg.date.timestamp())
        if verdict == FloodGuard.OK:
            return
        log.info("user %s: flood, message %s %s", msg.from_user.id, msg.message_id,
                 "dropped with a warning" if verdict == FloodGuard.WARN else "dropped")
        if verdict == FloodGuard.WARN:
            await self.a.send_text(msg.chat_id, texts.FLOOD, key="flood")
        raise ApplicationHandlerStop

    # ---- commands ------------------------------------------------------------------------------
    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.to_rasa(update, GREET_PAYLOAD)

    async def on_menu(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.to_rasa(update, MENU_PAYLOAD)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.a.send_text(update.effective_chat.id, texts.HELP, key="help")

    async def on_delete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.to_rasa(update, DELETE_PAYLOAD)

    async def on_stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.to_rasa(update, STOP_PAYLOAD)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.a.send_text(update.effective_chat.id, texts.UNKNOWN_COMMAND, key="unknown")

    # ---- messages --------------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.message.text.strip()
        if text.startswith("/"):
            # Rasa reads a leading "/" as an intent name; users never get to pick intents by typing.
            text = text.lstrip("/").strip()
            if not text:
                await self.on_unknown_command(update, context)
                return
        found = referral_from_text(text)
        if found is not None:   # recorded by pre_touch; the phrase itself is not a question for Rasa
            text = found.rasa_text
        await self.to_rasa(update, text)

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        contact = msg.contact
        if contact.user_id is None or msg.from_user is None or contact.user_id != msg.from_user.id:
            log.info("user %s shared someone else's contact: refused", msg.from_user.id if msg.from_user else "?")
            await self.a.send_text(msg.chat_id, texts.CONTACT_NOT_OWN, markup=contact_keyboard(), key="contact")
            await self.a.store.set_flag(f"contact_kb:{msg.chat_id}", "1")
            return
        digits = re.sub(r"\D", "", contact.phone_number or "")
        phone = digits if digits.startswith("0") else "+" + digits
        log.info("user %s shared their own number %s", msg.from_user.id, mask_phone(phone))
        await self.to_rasa(update, phone, extra={"contact_shared": True})

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        kind = next((name for attr, name in texts.NON_TEXT_KINDS.items() if getattr(msg, attr, None)), None)
        if kind is None:
            return  # service messages (pinned, joined, ...): nothing to answer
        text = texts.NON_TEXT_LOCATION if msg.location or msg.venue else texts.NON_TEXT.format(kind=kind)
        await self.a.send_text(msg.chat_id, text, key="non_text")

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        turn = Turn.current()

        async def first() -> bool:
            return await self.a.store.set_flag_once(f"edited:{chat_id}", "1", ttl=EDIT_NOTE_TTL)

        if await (turn.once("edited", first) if turn else first()):
            await self.a.send_text(chat_id, texts.EDITED, key="edited")

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        username = context.bot.username
        addressed = msg.text.startswith("/start") or (username and f"@{username}".lower() in msg.text.lower())
        if not addressed:
            return
        markup = {"inline_keyboard": [[{"text": texts.GROUP_BUTTON, "url": f"https://t.me/{username}"}]]}
        await self.a.send_text(msg.chat_id, texts.GROUP, markup=markup, key="group")

    # ---- buttons ---------------------------------------------------------------------------------
    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        turn = Turn.current()
        data = q.data or ""
        msg = q.message if isinstance(q.message, Message) else None
        chat_id = q.message.chat.id if q.message is not None else q.from_user.id
        payload = await self.issued_payload(chat_id, data)
        if payload is None:
            log.info("update %s: button data not issued to chat %s (%d bytes): refused, nothing sent to Rasa",
                     update.update_id, chat_id, len(data.encode()))
            await self.answer(q, texts.BUTTON_EXPIRED)
            return
        if msg is not None:
            async def claim() -> bool:
                return await self.a.store.set_flag_once(f"choice:{chat_id}:{msg.message_id}", data, ttl=CHOICE_TTL)

            if not await turn.once("claim", claim):
                await self.answer(q, texts.BUTTON_ALREADY)
                return
        await self.answer(q, None)
        title = self.button_title(msg, data) or payload
        await turn.once("show", lambda: self.show_choice(chat_id, msg, title))
        await self.to_rasa(update, payload, extra={"button": True})

    async def issued_payload(self, chat_id: int, data: str) -> str | None:
        """The payload of callback ``data`` if the bot issued it to ``chat_id`` (and, if mapped, still has it)."""
        if data.startswith(PREFIX_MAPPED):
            token = self.signer.mapped_token(data)
            payload = await self.a.store.get_payload(token) if token else None
            return payload if payload is not None and self.signer.mapped_ok(chat_id, token, payload) else None
        return self.signer.inline_payload(chat_id, data)

    async def on_unknown_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.answer(update.callback_query, texts.BUTTON_EXPIRED)

    async def answer(self, q, text: str | None) -> None:
        """answerCallbackQuery, once per update; a query that is too old (after a long outage) is fine."""
        async def go() -> bool:
            try:
                return await q.answer(text=text)
            except BadRequest as exc:
                log.info("answerCallbackQuery %s: %s", q.id, exc.message)
                return False

        turn = Turn.current()
        await (turn.once("answer", go) if turn else go())

    @staticmethod
    def button_title(msg: Message | None, data: str) -> str | None:
        markup = msg.reply_markup if msg is not None else None
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                for b in row:
                    if b.callback_data == data:
                        return b.text
        return None

    async def show_choice(self, chat_id: int, msg: Message | None, title: str) -> str:
        """Show what was pressed: append it to the message and drop its keyboard, or echo it."""
        bot = self.a.application.bot
        if msg is not None and msg.text:
            new_html = msg.text_html + "\n\n" + to_html(texts.CHOICE_SHOWN.format(title=title))
            if utf16_len(msg.text) + utf16_len(title) + 20 <= 4096:
                try:
                    await bot.edit_message_text(new_html, chat_id=chat_id, message_id=msg.message_id,
                                                parse_mode="HTML", reply_markup=None)
                    return "edited"
                except BadRequest as exc:
                    log.info("could not edit message %s: %s", msg.message_id, exc.message)
            with contextlib.suppress(BadRequest):
                await bot.edit_message_reply_markup(chat_id=chat_id, message_id=msg.message_id, reply_markup=None)
        await bot.send_message(chat_id, to_html(texts.CHOICE_ECHO.format(title=title)), parse_mode="HTML")
        return "echoed"

    # ---- Rasa ------------------------------------------------------------------------------------
    async def metadata(self, update: Update, extra: Dict[str, Any] | None = None) -> Dict[str, Any]:
        user, chat = update.effective_user, update.effective_chat
        turn = Turn.current()
        touched = (turn.extra.get("user") if turn else None) or {}
        referral = touched.get("referral")
        known = None
        if referral:
            try:
                res = self.a.known_agent_codes(referral)
                known = bool(await res if inspect.isawaitable(res) else res)
            except Exception as exc:  # the directory is down: say "unknown", do not fail the turn
                log.warning("agent code lookup failed: %s", exc)
        msg = update.effective_message
        meta = {
            "channel": "telegram",
            "telegram_user_id": user.id if user else None,
            "chat_id": chat.id if chat else None,
            "language_code": user.language_code if user else None,
            "referral": referral,
            "referral_known": known,
            "first_contact": bool(touched.get("new")),
            "update_id": update.update_id,
            "message_id": msg.message_id if msg else None,
        }
        meta.update(extra or {})
        return meta

    async def to_rasa(self, update: Update, text: str, extra: Dict[str, Any] | None = None) -> None:
        """One user turn: Rasa's answer becomes a plan (stored), then every message of the plan is sent."""
        turn = Turn.current()
        chat_id = update.effective_chat.id
        user = update.effective_user

        async def compute() -> Dict[str, Any]:
            store = self.a.store
            kb_key = f"contact_kb:{chat_id}"
            kb_open = await store.get_flag(kb_key) is not None
            meta = await self.metadata(update, extra)
            typing = asyncio.create_task(self.typing(chat_id))
            try:
                reply = await self.a.rasa.send(sender_id("telegram", user.id), text, meta)
                plan = build_plan(chat_id, reply, contact_keyboard_open=kb_open, signer=self.signer)
                if not plan.steps:
                    log.warning("update %s: Rasa's reply has nothing Telegram can show", update.update_id)
            except RasaUnavailable as exc:
                log.error("update %s: Rasa unavailable (%s); apologising", update.update_id, exc)
                plan = Plan(steps=[])
                plan.steps = build_plan(chat_id, [{"text": texts.RASA_DOWN}]).steps
                plan.contact_keyboard = kb_open
            finally:
                typing.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await typing
            for token, payload in plan.payloads.items():
                await store.put_payload(token, payload)
            if plan.contact_keyboard != kb_open:
                await store.set_flag(kb_key, "1" if plan.contact_keyboard else None)
            return plan.to_json()

        plan = Plan.from_json(await turn.once("plan", compute))
        await self.a.run_plan(plan, "out")
        if plan.forget:  # "hapus data saya" done: the adapter's own copy of the sender goes too
            forgotten = await turn.once("forget", lambda: self.a.store.forget_user(user.id, chat_id))
            log.info("update %s: the sender's adapter state deleted %s", update.update_id, forgotten)

    async def typing(self, chat_id: int) -> None:
        """'typing…' while Rasa works: from TYPING_AFTER seconds on (a quick answer needs none, and chat actions
        count against the bot's overall rate limit), repeated because Telegram shows it for ~5 s."""
        bot = self.a.application.bot
        await asyncio.sleep(TYPING_AFTER)
        while True:
            with contextlib.suppress(Exception):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(4.5)

    # ---- errors ----------------------------------------------------------------------------------
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record the error on the turn (the dispatcher retries or apologises) and stop this update."""
        err = context.error
        turn = Turn.current()
        uid = update.update_id if isinstance(update, Update) else None
        if transient(err):
            log.warning("update %s: transient %s: %s", uid, type(err).__name__, err)
        else:
            log.error("update %s: %s", uid, type(err).__name__, exc_info=err)
        if turn is not None:
            turn.error = err
        raise ApplicationHandlerStop
