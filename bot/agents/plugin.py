"""Agent tools in Telegram, as a plugin of the adapter (``TELEGRAM_PLUGINS=bot.agents.plugin:setup``).

* ``/agen`` — apply to be an Agen Perisai: name, community/organisation, regency, phone (share-contact
  button or typed), then consent (UU PDP). Only after consent is anything stored (``store.apply_agent``);
  the application reaches the staff group through the outbox, where staff approve or reject it.
  Typing *batal* (or /batal) stops at any step; a bare "berhenti" / "stop" (``lingkar.form_words.is_stop``) stops it
  and every subscription of the person too, as it does anywhere in the conversation. The answers in progress are
  kept in the adapter's state store (Redis or SQLite) for a day, so a restart does not lose them; nothing
  personal is logged.
  Someone rejected may apply again after a cool-down (``AGENT_REAPPLY_COOLDOWN_DAYS``, default 7 days) and is
  told from which date.
* ``/tautan`` — an approved agent's personal link and QR code (PNG) again.
* ``/statistik`` — an approved agent's results from their link: chats started, eligibility checks,
  leads and registrations, this month and in total (``store.agent_stats``).

Anyone who is not an approved agent gets a neutral answer from ``/tautan`` and ``/statistik``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Dict, List

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, filters

from bot.config import StaffSettings
from bot.core.dispatcher import Turn
from bot.plugins import StorePlugin, once
from bot.telegram.registry import PluginContext
from bot.telegram.render import REMOVE_KEYBOARD, contact_keyboard
from lingkar.clock import zone
from lingkar.facts import format_date
from lingkar.form_words import is_stop
from lingkar.identity import check_phone
from lingkar.parsing import match_regency, suggest_regencies
from lingkar.store import AgentCooldownError, LeadValidationError, open_store
from lingkar.store.aio import run_sync

from . import texts
from .kit import send_kit

log = logging.getLogger("lingkar.agents")

CALLBACK = "ag"           # ag:y / ag:n (consent)
STATE_TTL = 24 * 3600
STEPS = ("name", "organisation", "regency", "phone", "consent")

Reply = Dict[str, Any]    # {"text": plain text with *bold*, "markup": reply markup or None}


def _say(text: str, markup: Dict[str, Any] | None = None) -> Reply:
    return {"text": text, "markup": markup}


class AgentPlugin(StorePlugin):
    async def setup(self, ctx: PluginContext) -> None:
        await self.open(ctx)
        ctx.add_command("agen", self.cmd_apply, texts.COMMANDS["agen"])
        ctx.add_command("tautan", self.cmd_link, texts.COMMANDS["tautan"], menu=False)
        ctx.add_command("statistik", self.cmd_stats, texts.COMMANDS["statistik"], menu=False)
        ctx.add_callback(CALLBACK, self.on_consent_button)
        # Before the adapter's handlers (text to Rasa): answers to the application's questions.
        ctx.add_update_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & (filters.TEXT | filters.CONTACT),
                           self.intercept), group=-5)

    # ---- state -------------------------------------------------------------------------------------
    @staticmethod
    def _key(user_id: int) -> str:
        return f"agen:{int(user_id)}"

    async def _state(self, user_id: int) -> Dict[str, Any] | None:
        raw = await self.ctx.inbox.get_flag(self._key(user_id))
        return json.loads(raw) if raw else None

    async def _save(self, user_id: int, state: Dict[str, Any] | None) -> None:
        await self.ctx.inbox.set_flag(self._key(user_id), json.dumps(state) if state is not None else None,
                                      ttl=STATE_TTL if state is not None else None)

    async def _send(self, chat_id: int, replies: List[Reply]) -> None:
        for r in replies:
            await self.ctx.send_text(chat_id, r["text"], markup=r.get("markup"))

    # ---- /agen -------------------------------------------------------------------------------------
    async def cmd_apply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user

        async def start() -> List[Reply]:
            agent = await run_sync(self.store.agent_by_telegram_id, user.id)
            if agent is not None and agent.status == "approved":
                return [_say(texts.ALREADY_AGENT.format(code=agent.code))]
            if agent is not None and agent.status == "applied":
                return [_say(texts.PENDING)]
            until = await run_sync(self.store.reapply_allowed_from, user.id, self.settings.agent_cooldown)
            if until is not None:
                return [self._cool_down(until)]
            await self._save(user.id, {"step": "name"})
            return [_say(texts.INTRO)]

        await self._send(update.effective_chat.id, await once("agen:start", start))

    async def intercept(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers to the application's questions; anything else goes on to the other handlers."""
        msg = update.message
        user = msg.from_user
        if user is None:
            return
        text = (msg.text or "").strip()
        if text.startswith("/") and text.split("@")[0].lower() != "/batal":
            return  # commands keep working during the application (/agen restarts it, /menu, ...)

        # Is the user in the middle of an application? Recorded for the update once it is so, because the
        # last answer clears the state: an update run again after a crash must not fall through to Rasa.
        turn = Turn.current()
        if not (turn is not None and turn.done.get("agen:active")):
            if await self._state(user.id) is None:
                return
            if turn is not None:
                await turn.once("agen:active", _true)

        async def step() -> List[Reply]:
            state = await self._state(user.id)
            if state is None:  # expired between the two reads
                return []
            return await self.advance(user.id, state, msg)

        await self._send(msg.chat_id, await once("agen:step", step))
        raise ApplicationHandlerStop

    async def _unsubscribe(self, user_id: int) -> List[Reply]:
        try:
            ended = await run_sync(self.store.unsubscribe, f"telegram:{user_id}", None, "berhenti", channel="telegram")
        except Exception as exc:  # the cancellation stands; the worker can say "berhenti" again
            log.warning("unsubscribe during the agent application failed: %s", type(exc).__name__)
            return []
        return [_say(texts.UNSUBSCRIBED)] if ended else []

    async def advance(self, user_id: int, state: Dict[str, Any], msg) -> List[Reply]:
        """One answer: validate it, store the answers so far, return what to say next."""
        text = " ".join((msg.text or "").split())
        if text.lower().lstrip("/") in texts.CANCEL_WORDS or is_stop(text):
            await self._save(user_id, None)
            replies = [_say(texts.CANCELLED, REMOVE_KEYBOARD if state["step"] in ("phone", "consent") else None)]
            if is_stop(text):  # "berhenti" / "stop" stops every subscription too, in any state
                replies += await self._unsubscribe(user_id)
            return replies
        step = state["step"]
        if msg.contact is not None and step != "phone":
            return [_say(self._question(state))]
        if step == "name":
            if not 2 <= len(text) <= 200 or not any(c.isalpha() for c in text):
                return [_say("Tulis nama lengkap Anda, ya (huruf, minimal 2).")]
            state.update(name=text, step="organisation")
        elif step == "organisation":
            state.update(organisation=None if text.lower() in texts.NONE_WORDS else text[:200], step="regency")
        elif step == "regency":
            regency = match_regency(text, fuzzy=True)
            if regency is None:
                options = suggest_regencies(text)
                hint = texts.REGENCY_SUGGEST.format(options=" atau ".join(options)) if options else texts.REGENCY_HINT
                return [_say(texts.REGENCY_UNKNOWN.format(text=text[:60]) + hint)]
            state.update(regency=regency, step="phone")
        elif step == "phone":
            if msg.contact is not None:
                if msg.contact.user_id is None or msg.contact.user_id != msg.from_user.id:
                    return [_say(texts.CONTACT_NOT_OWN, contact_keyboard())]
                raw = msg.contact.phone_number or ""
                raw = raw if raw.startswith(("+", "0")) else "+" + raw
            else:
                raw = text
            check = check_phone(raw)
            if not check.ok:
                return [_say(check.message, contact_keyboard())]
            state.update(phone=check.e164, step="consent")
            await self._save(user_id, state)
            return [_say("✅ Nomor HP dicatat.", REMOVE_KEYBOARD), self._consent(state)]
        elif step == "consent":
            word = text.lower()
            if word in texts.YES_WORDS:
                return await self.submit(user_id, state)
            if word in texts.NO_WORDS:
                await self._save(user_id, None)
                return [_say(texts.REFUSED)]
            return [_say(texts.CONSENT_AGAIN)]
        await self._save(user_id, state)
        return [_say(self._question(state), contact_keyboard() if state["step"] == "phone" else None)]

    @staticmethod
    def _cool_down(until) -> Reply:
        """A rejected applicant may apply again from ``until`` (a later moment on that day rounds up)."""
        local = until.astimezone(zone())
        day = local.date() if local.time() == local.time().min else local.date() + dt.timedelta(days=1)
        return _say(texts.COOL_DOWN.format(date=format_date(day)))

    @staticmethod
    def _question(state: Dict[str, Any]) -> str:
        step = state["step"]
        if step == "name":
            return "Siapa nama lengkap Anda?"
        if step == "organisation":
            return texts.ASK_ORGANISATION.format(name=state.get("name", ""))
        if step == "regency":
            return texts.ASK_REGENCY
        if step == "phone":
            return texts.ASK_PHONE
        return texts.CONSENT_AGAIN

    @staticmethod
    def _consent(state: Dict[str, Any]) -> Reply:
        summary = (f"• Nama: {state['name']}\n• Komunitas/organisasi: {state.get('organisation') or '-'}\n"
                   f"• Kabupaten/kota: {state['regency']}\n• Nomor HP: {state['phone']}")
        markup = {"inline_keyboard": [[{"text": texts.CONSENT_YES, "callback_data": f"{CALLBACK}:y"}],
                                      [{"text": texts.CONSENT_NO, "callback_data": f"{CALLBACK}:n"}]]}
        return _say(texts.CONSENT.format(summary=summary), markup)

    async def submit(self, user_id: int, state: Dict[str, Any]) -> List[Reply]:
        try:
            agent = await run_sync(
                lambda: self.store.apply_agent(telegram_user_id=user_id, name=state["name"],
                                               organisation=state.get("organisation"), regency=state.get("regency"),
                                               phone=state["phone"], consent_version=texts.CONSENT_VERSION,
                                               cooldown=self.settings.agent_cooldown))
        except AgentCooldownError as exc:  # rejected while this application was being filled in
            await self._save(user_id, None)
            return [self._cool_down(exc.until)]
        except LeadValidationError as exc:
            return [_say(exc.message)]
        except Exception as exc:
            log.error("agent application of user %s not stored: %s", user_id, type(exc).__name__)
            return [_say(texts.FAILED)]
        await self._save(user_id, None)
        log.info("agent application stored: agent %s (user %s)", agent.id, user_id)
        if agent.status == "approved":
            return [_say(texts.ALREADY_AGENT.format(code=agent.code))]
        return [_say(texts.SUBMITTED)]

    async def on_consent_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        user = q.from_user

        async def decide() -> Dict[str, Any]:
            state = await self._state(user.id)
            if state is None or state.get("step") != "consent" or q.data not in (f"{CALLBACK}:y", f"{CALLBACK}:n"):
                return {"answer": "Tombol ini sudah tidak berlaku.", "replies": []}
            if q.data.endswith(":y"):
                return {"answer": None, "replies": await self.submit(user.id, state)}
            await self._save(user.id, None)
            return {"answer": None, "replies": [_say(texts.REFUSED)]}

        result = await once("agen:consent", decide)

        async def answer() -> bool:
            try:
                return await q.answer(text=result["answer"])
            except Exception as exc:
                log.info("answerCallbackQuery: %s", exc)
                return False

        await once("answer", answer)
        if result["replies"] and q.message is not None:
            async def drop_buttons() -> bool:
                try:
                    await context.bot.edit_message_reply_markup(q.message.chat.id, q.message.message_id,
                                                                reply_markup=None)
                    return True
                except Exception:
                    return False

            await once("agen:drop", drop_buttons)
        await self._send(q.message.chat.id if q.message else user.id, result["replies"])

    # ---- /tautan, /statistik --------------------------------------------------------------------
    async def _agent(self, update: Update):
        agent = await run_sync(self.store.agent_by_telegram_id, update.effective_user.id)
        if agent is None or not agent.is_active:
            log.info("user %s: agent command refused", update.effective_user.id)
            await self.ctx.send_text(update.effective_chat.id, texts.NOT_AGENT)
            return None
        return agent

    async def cmd_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        agent = await self._agent(update)
        if agent is None:
            return
        username = self.settings.bot_username or context.bot.username
        # each message of the kit is a crash-safe step of this turn ("agen:kit", "agen:kit:whatsapp", ...)
        await send_kit(context.bot, update.effective_chat.id, username, agent.code, agent.name,
                       whatsapp_number=self.settings.whatsapp_number,
                       step=lambda key, make: once(f"agen:{key}", make))

    async def cmd_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        agent = await self._agent(update)
        if agent is None:
            return
        today = self.store.now().astimezone(zone()).date()
        stats = await run_sync(self.store.agent_stats, agent.code, today)
        await self.ctx.send_text(update.effective_chat.id,
                                 texts.stats_text(agent.code, stats["month"], stats["total"], today))


async def _true() -> bool:
    return True


def setup(ctx: PluginContext):
    """``TELEGRAM_PLUGINS=bot.agents.plugin:setup`` (settings from the environment, the store from DATABASE_URL)."""

    async def agents() -> None:
        await AgentPlugin(await run_sync(open_store), StaffSettings.from_env()).setup(ctx)

    return agents()


__all__ = ["AgentPlugin", "setup"]
