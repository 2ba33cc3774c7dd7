"""Staff commands and buttons in Telegram, as a plugin of the adapter (``TELEGRAM_PLUGINS=bot.staff.plugin:setup``).

Staff places: the staff group (``STAFF_CHAT_ID``) and a staff member's private chat with the bot. Staff
commands, buttons and note replies work only there and only for an active staff member; anywhere else (another
group, a private chat of someone who is not staff, a deactivated staff member) they get exactly what an unknown
command or button gets and nothing is posted: in other groups the commands are not even matched (the adapter
answers them as it answers any command there).

Commands (staff only; anyone else gets the adapter's neutral "unknown command" answer and nothing happens):

* ``/leads [filters]`` — open leads (filters: status, regency, ``agen:<code>``, age ``48j``/``3h``, type)
* ``/lead <id>`` or ``/lead <reference>`` — one lead with its history and the follow-up buttons (the reference is
  the number the worker was given, ``LK-7K2M9Q``)
* ``/catat <id> <text>`` — a note on a lead (or reply to a lead card / note prompt with the text)
* ``/sponsor`` — GN Lingkaran: open sponsor offers and sponsorship requests side by side, per regency
* ``/dasbor`` — a one-time sign-in link for the web dashboard (private chat only)
* ``/staf`` — admins: list, add (``/staf tambah <id> [admin] <nama>``) and deactivate staff
* ``/pemda <id> <regency> [;name]`` — admins: give a local-government officer the read-only ``pemda`` role for one
  regency (they sign in with ``/dasbor`` and see only that regency's aggregates; ``/staf nonaktif`` revokes it)
* ``/idsaya`` — anyone: their own Telegram id (so an admin can add them)

Buttons (callback data is never trusted: the presser's role is read from the database every time):
``sl:`` lead cards (claim, status, note, history), ``sa:`` agent applications (approve/reject),
``sh:`` handoff requests (done). Every change goes through the store, which writes the audit log.

The plugin also records the ``chat_started`` metric at a user's first contact (with the agent code of
the link they came through) and makes the adapter check referral codes against approved agents.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Tuple

from telegram import ForceReply, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, TypeHandler, filters

from bot.core.delivery import broadcast_reply_recorder
from bot.core.dispatcher import Turn
from bot.telegram import texts as adapter_texts
from bot.telegram.registry import PluginContext
from lingkar.parsing import match_regency, suggest_regencies
from lingkar.store import (
    OPEN_STATUSES,
    PEMDA_ROLE,
    STAFF_ROLES,
    LeadClaimedError,
    NotFound,
    SelfDecisionError,
    StaffUser,
    Store,
    normalize_reference,
    open_store,
)
from lingkar.store.aio import run_sync

from ..agents.plugin import AgentPlugin
from ..config import StaffSettings
from ..plugins import StorePlugin, once
from . import auth, cards, texts

log = logging.getLogger("lingkar.staff")

LIST_LIMIT = 20


def actor_of(user_id: int) -> str:
    return f"telegram:{int(user_id)}"


async def found(write: Callable[..., Any], *args: Any) -> bool:
    """Run a store write off the event loop: True when done, False when what it changes does not exist."""
    try:
        await run_sync(write, *args)
        return True
    except NotFound:
        return False


class _ReplyToLeadMessage(filters.MessageFilter):
    """A reply to a message the bot sent about a lead (a card or a note prompt: first line "Lead #<id>")."""

    def filter(self, message: Message) -> bool:
        r = message.reply_to_message
        if r is None or r.from_user is None or not r.from_user.is_bot:
            return False
        try:
            if r.from_user.id != message.get_bot().id:
                return False
        except RuntimeError:
            return False
        return cards.lead_id_in(r.text or r.caption) is not None


REPLY_TO_LEAD = _ReplyToLeadMessage()


class StaffPlace(filters.MessageFilter):
    """A message in a staff place: a private chat, or the staff group (``STAFF_CHAT_ID``). Who wrote it is
    checked against the database by the handler; this only keeps staff features out of other groups."""

    def __init__(self, staff_chat_id: int | None):
        super().__init__(name="StaffPlace")
        self.staff_chat_id = staff_chat_id

    def filter(self, message: Message) -> bool:
        chat = message.chat
        return chat.type == "private" or (self.staff_chat_id is not None and chat.id == self.staff_chat_id)


def in_staff_place(update: Update, staff_chat_id: int | None) -> bool:
    """Was this button pressed in a staff place (the presser's own private chat with the bot, or the staff
    group)? A callback without the message it belongs to is nowhere."""
    q = update.callback_query
    chat = q.message.chat if q is not None and q.message is not None else None
    if chat is None:
        return False
    if chat.type == "private":
        return chat.id == q.from_user.id
    return staff_chat_id is not None and chat.id == staff_chat_id


class StaffPlugin(StorePlugin):
    # ---- installation ---------------------------------------------------------------------------
    async def setup(self, ctx: PluginContext) -> None:
        await self.open(ctx)
        if self.settings.admin_telegram_id is not None:
            await run_sync(self.store.ensure_admin, self.settings.admin_telegram_id)
        place = StaffPlace(self.settings.staff_chat_id)
        for name, callback in (("leads", self.cmd_leads), ("lead", self.cmd_lead), ("catat", self.cmd_note),
                               ("sponsor", self.cmd_gn), ("dasbor", self.cmd_dashboard), ("staf", self.cmd_staff),
                               ("pemda", self.cmd_pemda)):
            ctx.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE & place))
        ctx.add_command("idsaya", self.cmd_my_id)
        ctx.add_callback(cards.CALLBACK_LEAD, self.on_lead_button)
        ctx.add_callback(cards.CALLBACK_AGENT, self.on_agent_button)
        ctx.add_callback(cards.CALLBACK_HANDOFF, self.on_handoff_button)
        ctx.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & place
                                       & REPLY_TO_LEAD, self.on_reply))
        ctx.known_agent_codes = self.known_code
        # Runs after the adapter's first-contact bookkeeping (group -20) and before every handler.
        ctx.add_update_handler(TypeHandler(Update, self.pre_metrics), group=-15)
        ctx.add_health_check("staff_store", self.health)

    async def health(self) -> Dict[str, Any]:
        pending = await run_sync(self.store.outbox_pending)
        return {"outbox_pending": pending}

    # ---- shared helpers ---------------------------------------------------------------------------
    async def staff_of(self, user_id: int | None) -> StaffUser | None:
        """The active staff user, read from the database on every call (revocation works at once)."""
        if user_id is None:
            return None
        s = await run_sync(self.store.staff_by_telegram_id, user_id)
        return s if s is not None and s.active and s.role in STAFF_ROLES else None

    async def button_staff(self, update: Update) -> StaffUser | None:
        """The active staff member who pressed a button in a staff place; anyone else (or anywhere else) gets
        the neutral answer of an unknown button, and None is returned."""
        q = update.callback_query
        staff = await self.staff_of(q.from_user.id) if in_staff_place(update, self.settings.staff_chat_id) else None
        if staff is None:
            log.info("user %s pressed a staff button (%s): refused", q.from_user.id, (q.data or "")[:3])
            await self.answer(update, texts.NOT_ALLOWED_BUTTON)
        return staff

    async def staff_names(self) -> Dict[int, StaffUser]:
        return cards.staff_index(await run_sync(self.store.list_staff))

    async def known_code(self, code: str) -> bool:
        agent = await run_sync(self.store.agent_by_code, code)
        return bool(agent and agent.is_active)

    async def reply(self, update: Update, html_text: str, markup: Dict[str, Any] | None = None) -> None:
        await self.ctx.send_text(update.effective_chat.id, html_text, markup=markup, html=True)

    async def refuse(self, update: Update) -> None:
        """The neutral answer for someone whose role does not allow a command: the same as any unknown one."""
        user = update.effective_user
        log.info("user %s: staff command refused", user.id if user else "?")
        if update.effective_chat and update.effective_chat.type == "private":
            await self.ctx.send_text(update.effective_chat.id, adapter_texts.UNKNOWN_COMMAND)

    @staticmethod
    async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
        q = update.callback_query

        async def go() -> bool:
            try:
                return await q.answer(text=text, show_alert=alert)
            except BadRequest as exc:  # too old (after an outage): nothing to answer any more
                log.info("answerCallbackQuery: %s", exc.message)
                return False

        await once("answer", go)

    async def edit(self, update: Update, html_text: str, markup: Dict[str, Any] | None) -> None:
        """Replace the pressed message (a card) with its new state; an unchanged or vanished one is fine."""
        q = update.callback_query
        msg = q.message
        if msg is None:
            return
        bot = self.ctx.bot

        async def go() -> bool:
            try:
                await bot.edit_message_text(html_text, chat_id=msg.chat.id, message_id=msg.message_id,
                                            parse_mode="HTML",
                                            reply_markup=InlineKeyboardMarkup.de_json(markup, None) if markup else None,
                                            link_preview_options=LinkPreviewOptions(is_disabled=True))
                return True
            except BadRequest as exc:
                log.info("edit of message %s: %s", msg.message_id, exc.message)
                return False

        await once("edit", go)

    # ---- metrics ----------------------------------------------------------------------------------
    async def pre_metrics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``chat_started`` once per person: at their first contact, with the agent code of their link
        (not for staff or agents: they are not the workers the funnel counts). A returning person's message in
        the private chat may be a reply to a broadcast (``broadcast_replied``, :func:`broadcast_reply_recorder`)."""
        turn = Turn.current()
        user = update.effective_user
        touched = turn.extra.get("user") if turn is not None else None
        if touched and not touched.get("new") and user is not None and update.effective_chat is not None \
                and update.effective_chat.type == "private":
            note = broadcast_reply_recorder(lambda: self.store)
            await once("metric:broadcast_replied", lambda: note(f"telegram:{user.id}"))
            return
        if not touched or not touched.get("new") or user is None:
            return

        def go() -> int | None:
            if self.store.role_of(user.id) is not None:
                return None  # staff and agents trying the bot are not workers reached
            return self.store.record_event("chat_started", channel="telegram", sender_id=f"telegram:{user.id}",
                                           agent_code=touched.get("referral"))

        async def record() -> int | None:
            try:
                return await run_sync(go)
            except Exception as exc:  # a metric must never cost the worker their answer
                log.warning("chat_started for user %s not recorded: %s", user.id, exc)
                return None

        await once("metric:chat_started", record)

    # ---- /leads, /lead, /sponsor --------------------------------------------------------------------
    async def cmd_leads(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.staff_of(update.effective_user.id) is None:
            return await self.refuse(update)
        try:
            filters_, described = self.parse_lead_filters(context.args or [])
        except ValueError as exc:
            return await self.reply(update, cards.e(f"{exc}\n\n{texts.LEADS_USAGE}"))

        def query() -> Tuple[List, int]:
            return (self.store.list_leads(limit=LIST_LIMIT, **filters_), self.store.count_leads(**filters_))

        leads, total = await run_sync(query)
        await self.reply(update, cards.lead_list(leads, total, self.store.now(), described))

    def parse_lead_filters(self, args: List[str]) -> Tuple[Dict[str, Any], str]:
        """``/leads`` arguments -> list_leads filters and a short description. ValueError (Indonesian) if unclear."""
        out: Dict[str, Any] = {}
        said: List[str] = []
        statuses: List[str] = []
        types: List[str] = []
        purposes: List[str] = []
        rest: List[str] = []
        all_statuses = False
        for raw in args:
            word = raw.strip().lower()
            if not word:
                continue
            m = re.fullmatch(r"(?:agen|agent|kode)[:=](.*)", word)
            if m:
                value = m.group(1).removeprefix("ag_")
                if not re.fullmatch(r"[a-z0-9]{2,16}", value):
                    raise ValueError(f"Kode agen \"{m.group(1)}\" tidak valid.")
                out["agent"] = value.upper()
                said.append(f"agen {out['agent']}")
                continue
            m = re.fullmatch(r"(?:perlu|keperluan|purpose)[:=](.*)", word)
            if m or word in texts.PURPOSE_BARE_WORDS:
                value = m.group(1) if m else word
                pp = next((p for p, words in texts.PURPOSE_WORDS.items() if value in words), None)
                if pp is None:
                    raise ValueError(f"Keperluan \"{value}\" tidak dikenal.")
                purposes.append(pp)
                said.append(texts.PURPOSE_LABELS[pp].lower())
                continue
            m = re.fullmatch(r"(\d{1,4})\s*(j|jam|h|hari|d)", word)
            if m:
                hours = int(m.group(1)) * (24 if m.group(2) in ("h", "hari", "d") else 1)
                out["older_than_hours"] = hours
                said.append(f"lebih dari {m.group(1)} {'hari' if hours != int(m.group(1)) else 'jam'}")
                continue
            if word in ("semua", "all"):
                all_statuses = True
                said.append("semua status")
                continue
            st = next((s for s, words in texts.STATUS_WORDS.items() if word in words), None)
            if st:
                statuses.append(st)
                said.append(texts.STATUS_LABELS[st].lower())
                continue
            ch = next((c for c, words in texts.CHANNEL_WORDS.items() if word in words), None)
            if ch:
                out["channel"] = ch
                said.append(texts.CHANNEL_LABELS[ch])
                continue
            tp = next((t for t, words in texts.TYPE_WORDS.items() if word in words), None)
            if tp:
                types.append(tp)
                said.append(texts.TYPE_LABELS[tp].lower())
                continue
            rest.append(raw)
        if rest:
            phrase = " ".join(rest)
            regency = match_regency(phrase, fuzzy=True)
            if regency is None:
                raise ValueError(f"Saya tidak mengenali \"{phrase}\" sebagai status, jenis, atau kabupaten/kota.")
            out["regency"] = regency
            said.append(regency)
        if statuses:
            out["status"] = statuses
        elif not all_statuses:
            out["open_only"] = True
            said.insert(0, "terbuka")
        if types:
            out["type"] = types
        if purposes:
            out["purpose"] = purposes
        return out, ", ".join(said)

    async def cmd_lead(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.staff_of(update.effective_user.id) is None:
            return await self.refuse(update)
        typed = " ".join(context.args or [])
        if typed.lstrip("#").isdigit():
            return await self.show_lead(update, int(typed.lstrip("#")))
        if normalize_reference(typed) is None:  # neither an id nor a reference (LK-7K2M9Q) the worker was given
            return await self.reply(update, cards.e(texts.LEAD_USAGE))
        lead = await run_sync(self.store.get_lead_by_reference, typed, False)
        if lead is None:
            return await self.reply(update, cards.e(texts.NOT_FOUND))
        await self.show_lead(update, lead.id)

    async def show_lead(self, update: Update, lead_id: int) -> None:
        lead = await run_sync(self.store.get_lead, lead_id)
        if lead is None:
            return await self.reply(update, cards.e(texts.NOT_FOUND))
        agent = await run_sync(self.store.agent_by_code, lead.referral) if lead.referral else None
        text = cards.lead_card(lead, agent=agent, staff=await self.staff_names(), history=True, now=self.store.now())
        chat_id = update.effective_chat.id
        message_id = await self.ctx.send_text(chat_id, text, markup=cards.lead_keyboard(lead), html=True)
        if message_id:  # shown on request is a copy too: "hapus data saya" edits it like the posted card
            await once(f"card:{lead.id}", lambda: run_sync(self.store.record_card, chat_id, message_id,
                                                                     lead_id=lead.id))

    async def cmd_gn(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self.staff_of(update.effective_user.id) is None:
            return await self.refuse(update)

        def query():
            return (self.store.list_leads(type="sponsor_offer", status=OPEN_STATUSES, limit=100, oldest_first=True),
                    self.store.list_leads(type="sponsorship_request", status=OPEN_STATUSES, limit=100,
                                          oldest_first=True))

        offers, requests = await run_sync(query)
        await self.reply(update, cards.gn_overview(offers, requests, self.store.now()))

    # ---- notes -----------------------------------------------------------------------------------------
    async def cmd_note(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self.staff_of(update.effective_user.id)
        if staff is None:
            return await self.refuse(update)
        args = context.args or []
        if len(args) < 2 or not args[0].lstrip("#").isdigit():
            return await self.reply(update, cards.e(texts.NOTE_USAGE))
        text = update.message.text.split(maxsplit=2)[2]
        await self.save_note(update, int(args[0].lstrip("#")), text)

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.message
        staff = await self.staff_of(msg.from_user.id if msg.from_user else None)
        if staff is None:
            log.info("reply to a lead message by non-staff user %s ignored", msg.from_user.id if msg.from_user else "?")
            if msg.chat.type == "private":
                await self.ctx.send_text(msg.chat_id, adapter_texts.UNKNOWN_COMMAND)
            return
        lead_id = cards.lead_id_in(msg.reply_to_message.text or msg.reply_to_message.caption)
        await self.save_note(update, lead_id, msg.text)

    async def save_note(self, update: Update, lead_id: int, text: str) -> None:
        text = (text or "").strip()
        if not text:
            return await self.reply(update, cards.e(texts.NOTE_EMPTY))
        actor = actor_of(update.effective_user.id)

        ok = await once("note", lambda: found(self.store.add_lead_note, lead_id, actor, text))
        await self.reply(update, cards.e(texts.NOTE_SAVED.format(id=lead_id) if ok else texts.NOT_FOUND))

    # ---- buttons ----------------------------------------------------------------------------------------
    async def on_lead_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        staff = await self.button_staff(update)
        if staff is None:
            return
        m = re.fullmatch(r"sl:(c|n|h|s:(ct|rg|ur|ni|sp)):(\d{1,10})", q.data or "")
        if not m:
            return await self.answer(update, adapter_texts.BUTTON_EXPIRED)
        action, lead_id = m.group(1), int(m.group(3))
        actor = actor_of(q.from_user.id)
        if action == "h":
            await self.answer(update)
            return await self.show_lead(update, lead_id)
        if action == "n":
            return await self.note_prompt(update, lead_id, staff)

        async def write() -> Dict[str, Any]:
            def go() -> Dict[str, Any]:
                try:
                    if action == "c":
                        self.store.claim_lead(lead_id, actor)
                        return {"ok": True, "said": texts.CLAIMED.format(id=lead_id)}
                    status = cards.CODE_STATUS[m.group(2)]
                    lead = self.store.get_lead(lead_id, with_history=False)
                    if lead is None:
                        return {"ok": False, "said": texts.NOT_FOUND}
                    if not lead.claimed_by:  # whoever acts on an unclaimed lead is handling it
                        self.store.claim_lead(lead_id, actor)
                    # someone else's lead keeps its status; an admin may override
                    self.store.set_lead_status(lead_id, status, actor, force=staff.role == "admin")
                    return {"ok": True, "said": texts.STATUS_SET.format(id=lead_id, status=texts.STATUS_LABELS[status])}
                except NotFound:
                    return {"ok": False, "said": texts.NOT_FOUND}
                except LeadClaimedError as exc:
                    names = cards.staff_index(self.store.list_staff())
                    return {"ok": False, "said": texts.CLAIMED_BY_OTHER.format(who=cards.actor_name(exc.claimed_by,
                                                                                                   names))}

            return await run_sync(go)

        result = await once("write", write)
        await self.answer(update, result["said"], alert=not result["ok"])
        if result["ok"]:
            await self.refresh_card(update, lead_id, footer=cards.done_line(
                f"{result['said']} — {staff.name or q.from_user.first_name}, {cards.when(self.store.now())}"))

    async def refresh_card(self, update: Update, lead_id: int, footer: str | None = None) -> None:
        """Redraw the pressed card with the lead's current state (only if that message is this lead's card)."""
        msg = update.callback_query.message
        if msg is None or cards.lead_id_in(getattr(msg, "text", None)) != lead_id:
            return
        lead = await run_sync(self.store.get_lead, lead_id, False)
        if lead is None:
            return
        agent = await run_sync(self.store.agent_by_code, lead.referral) if lead.referral else None
        text = cards.lead_card(lead, agent=agent, staff=await self.staff_names(), footer=footer)
        await self.edit(update, text, cards.lead_keyboard(lead))

    async def note_prompt(self, update: Update, lead_id: int, staff: StaffUser) -> None:
        q = update.callback_query
        await self.answer(update)
        name = staff.name or q.from_user.first_name or "Petugas"
        mention = f'<a href="tg://user?id={int(q.from_user.id)}">{cards.e(name)}</a>'
        text = texts.NOTE_PROMPT.format(mention=mention, id=lead_id)
        chat_id = q.message.chat.id if q.message else q.from_user.id
        reply_to = ReplyParameters(q.message.message_id, allow_sending_without_reply=True) if q.message else None
        bot = self.ctx.bot

        async def go() -> int:
            m = await bot.send_message(chat_id, text, parse_mode="HTML", reply_parameters=reply_to,
                                       reply_markup=ForceReply(selective=True,
                                                               input_field_placeholder=texts.NOTE_PLACEHOLDER.format(
                                                                   id=lead_id)))
            return m.message_id

        await once("prompt", go)

    async def on_agent_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        staff = await self.button_staff(update)
        if staff is None:
            return
        m = re.fullmatch(r"sa:(ok|no):(\d{1,10})", q.data or "")
        if not m:
            return await self.answer(update, adapter_texts.BUTTON_EXPIRED)
        status = "approved" if m.group(1) == "ok" else "rejected"
        agent_id = int(m.group(2))
        actor = actor_of(q.from_user.id)

        async def write() -> Dict[str, Any]:
            def go() -> Dict[str, Any]:
                agent = self.store.get_agent(agent_id)
                if agent is None:
                    return {"ok": False, "said": texts.NOT_FOUND}
                if agent.status != "applied":  # decided already (here, or on the dashboard)
                    label = texts.AGENT_STATUS_LABELS.get(agent.status, agent.status)
                    return {"ok": False, "said": f"Lamaran ini sudah diputuskan: {label}."}
                try:
                    self.store.set_agent_status(agent_id, status, actor)
                except SelfDecisionError:
                    return {"ok": False, "said": texts.OWN_APPLICATION}
                verb = "disetujui" if status == "approved" else "ditolak"
                return {"ok": True, "said": f"Agen #{agent_id} {verb}."}

            return await run_sync(go)

        result = await once("write", write)
        await self.answer(update, result["said"], alert=not result["ok"])
        agent = await run_sync(self.store.get_agent, agent_id)
        if agent is not None and q.message is not None:
            footer = cards.done_line(f"{result['said']} — {staff.name or q.from_user.first_name}, "
                                     f"{cards.when(self.store.now())}") if result["ok"] else None
            await self.edit(update, cards.agent_card(agent, footer=footer),
                            cards.agent_keyboard(agent) if agent.status == "applied" else None)

    async def on_handoff_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = update.callback_query
        staff = await self.button_staff(update)
        if staff is None:
            return
        m = re.fullmatch(r"sh:done:(\d{1,10})", q.data or "")
        if not m:
            return await self.answer(update, adapter_texts.BUTTON_EXPIRED)
        hid = int(m.group(1))
        actor = actor_of(q.from_user.id)

        ok = await once("write", lambda: found(self.store.set_handoff_status, hid, "done", actor))
        who = staff.name or q.from_user.first_name or "petugas"
        said = texts.HANDOFF_DONE.format(id=hid, who=who) if ok else texts.NOT_FOUND
        await self.answer(update, said)
        h = await run_sync(self.store.get_handoff, hid)
        if h is not None:
            await self.edit(update, cards.handoff_card(h, footer=cards.done_line(said)), None)

    # ---- dashboard, staff management, own id --------------------------------------------------------
    async def pemda_of(self, user_id: int) -> StaffUser | None:
        """The active Pemda officer (role ``pemda`` with a regency): may only sign in to their dashboard view."""
        s = await run_sync(self.store.staff_by_telegram_id, user_id)
        return s if s is not None and s.active and s.role == PEMDA_ROLE and s.regency else None

    async def cmd_dashboard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if await self.staff_of(user.id) is None and await self.pemda_of(user.id) is None:
            return await self.refuse(update)
        if update.effective_chat.type != "private":
            return await self.reply(update, cards.e(texts.DASHBOARD_PRIVATE_ONLY))
        token = await run_sync(auth.create_login_token, self.store, user.id, self.settings.login_ttl)
        url = f"{self.settings.base_url}/masuk?t={token}"
        minutes = max(1, self.settings.login_ttl // 60)
        log.info("dashboard sign-in link sent to staff %s", user.id)
        await self.reply(update, cards.e(texts.DASHBOARD_LINK.format(minutes=minutes, url=url)))

    async def cmd_staff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        me = await self.staff_of(update.effective_user.id)
        if me is None or me.role != "admin":
            return await self.refuse(update)
        args = context.args or []
        actor = actor_of(update.effective_user.id)
        if not args:
            users = await run_sync(self.store.list_staff)
            lines = ["<b>Petugas</b>"] + [
                f"• {cards.e(u.name or '-')} · {u.telegram_user_id} · {u.role}"
                + (f" · {cards.e(u.regency)}" if u.role == PEMDA_ROLE and u.regency else "")
                + ("" if u.active else " · nonaktif")
                for u in users]
            return await self.reply(update, "\n".join(lines) + "\n\n" + cards.e(texts.STAFF_USAGE))
        verb = args[0].lower()
        if verb in ("tambah", "add") and len(args) >= 2 and args[1].lstrip("-").isdigit():
            tid = int(args[1])
            role = "staff"
            rest = args[2:]
            if rest and rest[0].lower() in (*STAFF_ROLES, "staf"):  # "staf": the Indonesian spelling
                role = "staff" if rest[0].lower() == "staf" else rest[0].lower()
                rest = rest[1:]
            name = " ".join(rest) or None
            user = await once("write", lambda: run_sync(
                lambda: self.store.add_staff(tid, name, role, actor=actor).to_dict()))
            return await self.reply(update, cards.e(texts.STAFF_ADDED.format(name=user.get("name") or "-", id=tid,
                                                                             role=role)))
        if verb in ("nonaktif", "hapus", "remove") and len(args) >= 2 and args[1].lstrip("-").isdigit():
            tid = int(args[1])
            if tid == update.effective_user.id:
                return await self.reply(update, cards.e(texts.STAFF_SELF))

            ok = await once("write", lambda: found(self.store.set_staff_active, tid, False, actor))
            return await self.reply(update, cards.e(texts.STAFF_DEACTIVATED.format(id=tid) if ok else texts.NOT_FOUND))
        await self.reply(update, cards.e(texts.STAFF_USAGE))

    async def cmd_pemda(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/pemda <id> <regency> [;name]``: an admin gives the read-only Pemda role for one regency (audited)."""
        me = await self.staff_of(update.effective_user.id)
        if me is None or me.role != "admin":
            return await self.refuse(update)
        text = " ".join(context.args or [])
        m = re.fullmatch(r"\s*(-?\d{1,15})\s+([^;]+?)\s*(?:;\s*(.*))?", text)
        if not m:
            return await self.reply(update, cards.e(texts.PEMDA_USAGE))
        tid, phrase, name = int(m.group(1)), m.group(2).strip(), " ".join((m.group(3) or "").split()) or None
        if tid == update.effective_user.id:
            return await self.reply(update, cards.e(texts.PEMDA_SELF))
        regency = match_regency(phrase, fuzzy=True)
        if regency is None:
            close = suggest_regencies(phrase)
            hint = (" Mungkin: " + ", ".join(close) + "?") if close else ""
            return await self.reply(update, cards.e(texts.PEMDA_UNKNOWN_REGENCY.format(text=phrase[:60], hint=hint)
                                                    + "\n\n" + texts.PEMDA_USAGE))
        actor = actor_of(update.effective_user.id)
        user = await once("write", lambda: run_sync(
            lambda: self.store.add_pemda(tid, regency, name, actor=actor).to_dict()))
        await self.reply(update, cards.e(texts.PEMDA_ADDED.format(name=user.get("name") or "-", id=tid,
                                                                  regency=regency)))

    async def cmd_my_id(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.reply(update, cards.e(texts.MY_ID.format(id=update.effective_user.id)))


def setup(ctx: PluginContext):
    """``TELEGRAM_PLUGINS=bot.staff.plugin:setup`` (settings from the environment, the store from DATABASE_URL)."""

    async def staff() -> None:
        await StaffPlugin(await run_sync(open_store), StaffSettings.from_env()).setup(ctx)

    return staff()


def staff_and_agents(store: Store, settings: StaffSettings) -> Callable[[PluginContext], Awaitable[None]]:
    """A plugin function that installs the staff and the agent features on one store and settings."""
    async def both(ctx: PluginContext) -> None:
        await StaffPlugin(store, settings).setup(ctx)
        await AgentPlugin(store, settings).setup(ctx)

    return both


def setup_all(ctx: PluginContext):
    """Staff and agent features together: ``TELEGRAM_PLUGINS=bot.staff.plugin:setup_all``."""

    async def both() -> None:
        store = await run_sync(open_store)
        await staff_and_agents(store, StaffSettings.from_env())(ctx)

    return both()


__all__ = ["StaffPlugin", "setup", "setup_all", "staff_and_agents"]
