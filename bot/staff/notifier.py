"""The notifier: posts what the outbox announces to the staff group, tells agents about decisions, and
reminds the group once a day of leads nobody touched.

    python -m bot.staff notifier          # runs until SIGTERM / Ctrl-C

Delivery: ``claim_outbox`` hands an event to this notifier under a lease; it is sent through the Bot API
and then acked. An event is released (retried later, with back-off) when Telegram cannot be reached, so
nothing is lost while the Bot API or the notifier is down, and an acked event is never handed out again,
so a restart posts nothing twice. The one window left: the process dies after Telegram accepted a
message and before the ack is written (milliseconds); then that one message is posted again after the
lease. If the database is down at that moment, the ack is retried until it is back (up to 60 s), so a
database outage does not widen that window. Every message is a single Bot API call for that reason (the
agent's link and QR code travel as one photo with a caption; with a WhatsApp number the kit is three messages,
each recorded once sent, so a retry sends only the missing ones).

Order and limits: events about leads are claimed before the others (``claim_outbox``), so a flood of
handoff requests cannot hold up a new lead. Events about one sender's leads and handoffs are posted at most
``STAFF_NOTIFY_CAP`` times in 24 hours; the rest are settled as ``skipped:capped`` in the outbox and counted
(``staff_notify_capped``, per local day) without being posted — the leads and requests are in the dashboard.

Topics: ``lead.created`` (the lead card with buttons), ``lead.updated`` (a short note), ``handoff.requested``,
``agent.applied`` (the application with approve/reject buttons), ``agent.status`` (to the agent: link and
QR code on approval, a short note on rejection or deactivation). Events whose lead/agent/handoff is gone
(deleted by its owner) are acked without posting anything.

Deletion reaches the staff group: the chat and message id of every lead, handoff and agent-application card
posted here is recorded (``Store.record_card``), and of the daily reminder for each lead it names. When the
person deletes their data ("hapus data saya") or the retention period ends, the store queues a ``cards.redact``
event and this notifier edits each of those cards to say so (``editMessageText``, buttons removed); a card that
is gone or already edited counts as done, and a Bot API failure releases the event for a retry like any other.
Workers on Telegram are told once when staff change their lead's status (``notice.telegram`` events,
bot/core/notices.py): a short plain message from the bot, recorded before the ack so a crash does not send it twice.
The notifier also runs the retention job (``Store.prune_retention``) every ``RETENTION_INTERVAL`` seconds
(default 3600; 0 turns it off here).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from lingkar.clock import zone
from lingkar.store import OPEN_STATUSES, OutboxEvent, Store
from lingkar.store.aio import run_sync

from ..agents import texts as agent_texts
from ..agents.kit import send_kit
from ..config import StaffSettings
from ..core.notices import Notice, NoticeRetry, NoticeSender
from . import cards

log = logging.getLogger("lingkar.staff.notifier")

TOPICS = ("lead.created", "lead.updated", "handoff.requested", "agent.applied", "agent.status", "cards.redact")
SENDER_TOPICS = ("lead.created", "lead.updated", "handoff.requested")   # about one worker: under the cap
CAP_WINDOW = dt.timedelta(hours=24)
#: What a staff card says once its data is gone, by (reason, kind).
REDACTED = {
    ("owner", "lead"): "🗑 Data lead ini dihapus atas permintaan pemiliknya.",
    ("owner", "handoff"): "🗑 Data permintaan ini dihapus atas permintaan pemiliknya.",
    ("owner", "agent"): "🗑 Data pendaftar agen ini dihapus atas permintaan pemiliknya.",
    ("retention", "lead"): "🗑 Data lead ini dihapus karena masa simpannya berakhir.",
    ("retention", "handoff"): "🗑 Data permintaan ini dihapus karena masa simpannya berakhir.",
    ("owner", "reminder"): "🗑 Pengingat ini memuat data yang dihapus atas permintaan pemiliknya. "
                           "Daftar terbaru: /leads",
    ("retention", "reminder"): "🗑 Pengingat ini memuat data yang masa simpannya berakhir. Daftar terbaru: /leads",
}
#: Bot API answers to an edit that mean "nothing left to do" for that card.
_EDIT_DONE = ("message is not modified", "message to edit not found", "message can't be edited",
              "message_id_invalid", "chat not found", "group chat was upgraded")
MAX_ATTEMPTS = 8          # an event that failed this often for a non-network reason is posted in a plain form
REMINDER_LINES = 20
ACK_WAIT_S = 60.0         # how long a posted event waits for the database to record it as delivered


class Undeliverable(Exception):
    """The recipient cannot be reached for good (blocked the bot, deleted account): ack, do not retry."""


def make_bot(settings: StaffSettings) -> Bot:
    from bot.telegram.config import file_url_for

    request = HTTPXRequest(connect_timeout=10, read_timeout=20, write_timeout=20, pool_timeout=10)
    return Bot(settings.token, base_url=settings.api_url, base_file_url=file_url_for(settings.api_url),
               request=request)


class Notifier:
    def __init__(self, store: Store, settings: StaffSettings, bot: Bot | None = None):
        self.store = store
        self.settings = settings
        self.bot = bot or make_bot(settings)
        self.consumer = settings.consumer
        self.username = settings.bot_username
        self.delivered = 0
        self.failures = 0
        self.backoff = 0.0
        self._pending_reminder: str | None = None   # a claimed reminder that could not be sent yet
        self._reminder_settled: str | None = None   # the day whose reminder is sent or another notifier's
        self._handlers: Dict[str, Callable[[OutboxEvent], Awaitable[None]]] = {
            "lead.created": self._lead_created, "lead.updated": self._lead_updated,
            "handoff.requested": self._handoff, "agent.applied": self._agent_applied,
            "agent.status": self._agent_status, "cards.redact": self._redact_cards,
        }
        self.retention_interval = settings.retention_interval
        self._retention_due: dt.datetime | None = None   # the store's time of the next run (None: at once)
        #: workers on Telegram are told of their lead's status changes (bot/core/notices.py) by this process
        self.notices = NoticeSender(store, "telegram", self._notice, self.consumer, settings.lease)

    # ---- life cycle ------------------------------------------------------------------------------
    async def start(self, stop: asyncio.Event | None = None) -> bool:
        """Connect to the Bot API (getMe), retrying while it is unreachable. False if stopped meanwhile."""
        delay = 1.0
        while True:
            try:
                await self.bot.initialize()
                break
            except (NetworkError, TimedOut) as exc:
                if isinstance(exc, BadRequest):
                    raise
                log.warning("Bot API not reachable (%s); retrying in %.0fs", exc, delay)
                if stop is None:
                    await asyncio.sleep(delay)
                else:
                    try:
                        await asyncio.wait_for(stop.wait(), delay)
                        return False
                    except asyncio.TimeoutError:
                        pass
                delay = min(delay * 2, 30.0)
        self.username = self.username or self.bot.username
        log.info("notifier %s for @%s, staff chat %s", self.consumer, self.username, self.settings.staff_chat_id)
        return True

    async def close(self) -> None:
        try:
            await self.bot.shutdown()
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("bot shutdown: %s", exc)

    async def run(self, stop: asyncio.Event) -> None:
        if not await self.start(stop):
            return
        try:
            while not stop.is_set():
                try:
                    busy = await self.step()
                except Exception as exc:  # the database is unreachable, ...: keep going
                    log.error("notifier step failed: %s: %s", type(exc).__name__, exc)
                    self.backoff = min(max(self.backoff * 2, 1.0), 60.0)
                    busy = False
                wait = self.backoff or (0 if busy else self.settings.interval)
                if wait:
                    try:
                        await asyncio.wait_for(stop.wait(), wait)
                    except asyncio.TimeoutError:
                        pass
        finally:
            await self.close()

    # ---- one round -------------------------------------------------------------------------------
    async def step(self) -> bool:
        """Deliver one batch of outbox events and the daily reminder if due. True if there may be more."""
        events = await run_sync(self.store.claim_outbox, self.consumer, 10, self.settings.lease, TOPICS)
        for i, event in enumerate(events):
            ok = await self._deliver(event)
            if not ok:  # Telegram is unreachable or throttling: hand back the rest, try again later
                for rest in events[i + 1:]:
                    await run_sync(self.store.release_outbox, rest.id, self.consumer)
                return False
        self.backoff = 0.0
        more_notices = await self.notices.step()
        await self.remind_if_due()
        await self.prune_if_due()
        return len(events) == 10 or more_notices

    async def _deliver(self, event: OutboxEvent) -> bool:
        if await run_sync(self._over_cap, event):
            return True
        handler = self._handlers.get(event.topic)
        try:
            if handler is not None:
                await handler(event)
        except Undeliverable as exc:
            log.info("outbox %s (%s): recipient unreachable (%s); dropped", event.id, event.topic, exc)
        except RetryAfter as exc:
            await run_sync(self.store.release_outbox, event.id, self.consumer)
            self.backoff = float(exc.retry_after if isinstance(exc.retry_after, (int, float))
                                 else exc.retry_after.total_seconds()) + 0.5
            log.warning("Telegram asks to wait %.0fs; outbox %s released", self.backoff, event.id)
            return False
        except (NetworkError, TimedOut) as exc:
            if isinstance(exc, BadRequest):  # a BadRequest is a NetworkError subclass in PTB
                return await self._failed(event, exc)
            await run_sync(self.store.release_outbox, event.id, self.consumer)
            self.failures += 1
            self.backoff = min(max(self.backoff * 2, 1.0), 60.0)
            log.warning("Bot API unreachable (%s); outbox %s released, retry in %.0fs", exc, event.id, self.backoff)
            return False
        except Exception as exc:
            return await self._failed(event, exc)
        acked = await self._ack(event)
        if acked:
            self.delivered += 1
        else:  # our lease ran out and another notifier took it: it will count it, not us
            log.warning("outbox %s was delivered after our lease ended", event.id)
        return True

    def _over_cap(self, event: OutboxEvent) -> bool:
        """True (and the event settled as skipped, and counted) when its sender had ``notify_cap`` notifications
        posted in the last 24 hours."""
        cap = self.settings.notify_cap
        if cap <= 0 or event.topic not in SENDER_TOPICS:
            return False
        sender = self.store.outbox_sender(event)
        if sender is None:
            return False
        now = self.store.now()
        if self.store.notifications_for_sender(sender, now - CAP_WINDOW) < cap:
            return False
        if self.store.skip_outbox(event.id, self.consumer, "capped"):
            self.store.bump_counter("staff_notify_capped", now.astimezone(zone()).date().isoformat())
            log.info("outbox %s (%s): the sender's notifications are over the cap (%d a day); recorded, not posted",
                     event.id, event.topic, cap)
        return True

    async def _ack(self, event: OutboxEvent) -> bool:
        """Mark a posted event delivered, retrying for up to :data:`ACK_WAIT_S` while the database is unreachable:
        the message is in the chat already, and an event left claimed would be posted again after its lease."""
        deadline = time.monotonic() + ACK_WAIT_S
        delay = 0.5
        while True:
            try:
                return await run_sync(self.store.ack_outbox, event.id, self.consumer)
            except Exception as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("outbox %s posted but not marked delivered (%s); retry in %.1fs", event.id,
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _failed(self, event: OutboxEvent, exc: BaseException) -> bool:
        """Telegram refused the message (or a bug): retry a few times, then post a plain fallback."""
        self.failures += 1
        log.error("outbox %s (%s) attempt %s failed: %s: %s", event.id, event.topic, event.attempts,
                  type(exc).__name__, exc)
        if event.attempts >= MAX_ATTEMPTS and self.settings.staff_chat_id is not None:
            try:
                ref = event.lead_id or event.agent_id or event.handoff_id
                await self.bot.send_message(self.settings.staff_chat_id,
                                            f"⚠️ Ada pemberitahuan ({event.topic} #{ref}) yang gagal ditampilkan. "
                                            "Silakan cek di dasbor.")
                await run_sync(self.store.ack_outbox, event.id, self.consumer)
                return True
            except TelegramError as again:
                log.error("fallback for outbox %s failed too: %s", event.id, again)
        await run_sync(self.store.release_outbox, event.id, self.consumer)
        self.backoff = min(max(self.backoff * 2, 1.0), 60.0)
        return False

    # ---- sending ---------------------------------------------------------------------------------
    async def _to_staff(self, text: str, markup: Dict[str, Any] | None = None) -> int:
        chat_id = self.settings.staff_chat_id
        if chat_id is None:
            raise RuntimeError("STAFF_CHAT_ID is not set")
        m = await self.bot.send_message(chat_id, text, parse_mode="HTML",
                                        reply_markup=InlineKeyboardMarkup.de_json(markup, None) if markup else None,
                                        link_preview_options=LinkPreviewOptions(is_disabled=True))
        return m.message_id

    async def _to_user(self, user_id: int, text: str) -> None:
        try:
            await self.bot.send_message(user_id, text, parse_mode="HTML",
                                        link_preview_options=LinkPreviewOptions(is_disabled=True))
        except Forbidden as exc:
            raise Undeliverable(exc.message) from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise Undeliverable(exc.message) from exc
            raise

    async def _notice(self, notice: Notice) -> int | None:
        """A status notice to a worker on Telegram (plain text): the message id, or None when the worker cannot
        be reached for good (blocked the bot, chat gone); :class:`NoticeRetry` when Telegram asks to wait."""
        try:
            m = await self.bot.send_message(int(notice.recipient), notice.text,
                                            link_preview_options=LinkPreviewOptions(is_disabled=True))
        except Forbidden as exc:
            log.info("notice %s: the worker cannot be reached (%s)", notice.event_id, exc.message)
            return None
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return None
            raise
        except RetryAfter as exc:
            after = exc.retry_after if isinstance(exc.retry_after, (int, float)) else exc.retry_after.total_seconds()
            raise NoticeRetry("Telegram asks to wait", float(after) + 0.5) from exc
        except (NetworkError, TimedOut) as exc:
            raise NoticeRetry(f"Bot API unreachable ({type(exc).__name__})") from exc
        return m.message_id

    # ---- topics ----------------------------------------------------------------------------------
    async def _lead_created(self, event: OutboxEvent) -> None:
        lead = await run_sync(self.store.get_lead, event.lead_id or event.payload.get("lead_id"), False)
        if lead is None:
            return  # the person deleted their data meanwhile
        agent = await run_sync(self.store.agent_by_code, lead.referral) if lead.referral else None
        hint = None
        if lead.type in ("sponsorship_request", "sponsor_offer"):
            hint = await run_sync(self._gn_hint, lead)
        text = cards.lead_card(lead, agent=agent, hint=hint, now=self.store.now())
        await self._record(await self._to_staff(text, cards.lead_keyboard(lead)), lead_id=lead.id)

    def _gn_hint(self, lead) -> str | None:
        region = (lead.sponsor_regency or lead.regency) if lead.type == "sponsor_offer" else lead.regency
        if not region:
            return None
        if lead.type == "sponsorship_request":
            offers = [x for x in self.store.list_leads(type="sponsor_offer", status=OPEN_STATUSES, limit=500)
                      if (x.sponsor_regency or x.regency or "").lower() == region.lower()]
            return cards.gn_hint(lead, len(offers), 0)
        requests = self.store.count_leads(type="sponsorship_request", status=OPEN_STATUSES, regency=region)
        return cards.gn_hint(lead, 0, requests)

    async def _lead_updated(self, event: OutboxEvent) -> None:
        lead = await run_sync(self.store.get_lead, event.lead_id or event.payload.get("lead_id"), False)
        if lead is None:
            return
        fields = [f for f in event.payload.get("fields", []) if f != "consent_version"]
        button = {"text": "🕘 Lihat lead", "callback_data": f"{cards.CALLBACK_LEAD}:h:{lead.id}"}
        markup = {"inline_keyboard": [[button]]}
        await self._to_staff(cards.lead_updated(lead.id, fields), markup)

    async def _handoff(self, event: OutboxEvent) -> None:
        h = await run_sync(self.store.get_handoff, event.handoff_id or event.payload.get("handoff_id"))
        if h is None or h.status != "open":
            return
        await self._record(await self._to_staff(cards.handoff_card(h), cards.handoff_keyboard(h)), handoff_id=h.id)

    async def _agent_applied(self, event: OutboxEvent) -> None:
        agent = await run_sync(self.store.get_agent, event.agent_id or event.payload.get("agent_id"))
        if agent is None or agent.status != "applied" or not agent.name:
            return  # decided already, or the applicant deleted their data
        await self._record(await self._to_staff(cards.agent_card(agent), cards.agent_keyboard(agent)),
                           agent_id=agent.id)

    async def _agent_status(self, event: OutboxEvent) -> None:
        agent = await run_sync(self.store.get_agent, event.agent_id or event.payload.get("agent_id"))
        to = event.payload.get("to")
        if agent is None or not agent.telegram_user_id or agent.status != to:
            return  # gone, anonymised, or decided otherwise since: this news is stale
        uid = int(agent.telegram_user_id)
        if to == "approved":
            await self.send_agent_kit(uid, agent.code, agent.name, welcome=True, event_id=event.id)
        elif to == "rejected":
            await self._to_user(uid, cards.e(agent_texts.REJECTED))
        elif to == "inactive":
            await self._to_user(uid, cards.e(agent_texts.DEACTIVATED))

    async def send_agent_kit(self, user_id: int, code: str, name: str | None, welcome: bool = False,
                             event_id: int | None = None) -> None:
        """The agent's kit (bot/agents/kit.py): the link and its QR code as one photo with a caption; with
        WHATSAPP_DISPLAY_NUMBER also the WhatsApp QR code and the poster (PDF). Each of those messages is recorded
        once sent (``app_state`` ``kit:<event id>:<step>``), so a retry of the event sends only what is missing."""
        if not self.username:
            me = await self.bot.get_me()
            self.username = me.username
        keys: List[str] = []

        async def step(key: str, make: Callable[[], Awaitable[Any]]) -> Any:
            if event_id is None:
                return await make()
            state = f"kit:{event_id}:{key}"
            keys.append(state)
            done = await run_sync(self.store.get_state, state)
            if done is not None:
                return int(done)
            message_id = await make()
            try:
                await run_sync(self.store.set_state, state, str(message_id))
            except Exception as exc:  # sent already: at worst a retry sends this one message again
                log.error("kit step %s of event %s not recorded: %s", key, event_id, exc)
            return message_id

        try:
            await send_kit(self.bot, user_id, self.username, code, name, welcome=welcome,
                           whatsapp_number=self.settings.whatsapp_number, step=step)
        except Forbidden as exc:
            raise Undeliverable(exc.message) from exc
        for state in keys:  # the whole kit is out; the event is acked next
            try:
                await run_sync(self.store.delete_state, state)
            except Exception as exc:
                log.warning("kit step record %s not removed: %s", state, exc)

    # ---- deletion reaches the staff group -----------------------------------------------------------
    async def _record(self, message_id: int, **about: Any) -> None:
        """Remember where a card was posted (for a later deletion). The card is out already: a failure here is
        logged, never a reason to post it again."""
        chat_id = self.settings.staff_chat_id
        for attempt in (1, 2):
            try:
                await run_sync(self.store.record_card, chat_id, message_id, **about)
                return
            except Exception as exc:
                log.error("card %s in the staff chat not recorded (attempt %d): %s", message_id, attempt,
                          type(exc).__name__)

    async def _redact_cards(self, event: OutboxEvent) -> None:
        """Edit every card of a ``cards.redact`` event to say its data was deleted (buttons removed)."""
        text = REDACTED.get((event.payload.get("reason"), event.payload.get("kind")), REDACTED[("owner", "lead")])
        for chat_id, message_id in event.payload.get("cards", []):
            try:
                await self.bot.edit_message_text(text, chat_id=int(chat_id), message_id=int(message_id))
            except Forbidden as exc:  # the bot is no longer in that chat: nothing it can edit there
                log.info("card %s not edited: %s", message_id, exc.message)
            except BadRequest as exc:
                if not any(part in exc.message.lower() for part in _EDIT_DONE):
                    raise
                log.info("card %s not edited: %s", message_id, exc.message)
        log.info("outbox %s: %d staff card(s) edited (%s)", event.id, len(event.payload.get("cards", [])),
                 event.payload.get("reason"))

    async def prune_if_due(self) -> Dict[str, int] | None:
        """Run the retention job (``Store.prune_retention``) when RETENTION_INTERVAL seconds have passed."""
        now = self.store.now()
        if self.retention_interval <= 0 or (self._retention_due is not None and now < self._retention_due):
            return None
        self._retention_due = now + dt.timedelta(seconds=self.retention_interval)
        try:
            counts = await run_sync(self.store.prune_retention)
        except Exception as exc:
            log.error("retention job failed: %s: %s", type(exc).__name__, exc)
            return None
        if any(counts.values()):
            log.info("retention: %s", counts)
        return counts

    # ---- daily reminder ----------------------------------------------------------------------------
    async def remind_if_due(self) -> bool:
        """Post the reminder of untouched open leads once a day, from STAFF_REMINDER_HOUR (local time).

        ``run_once("reminder:<date>")`` makes one notifier (of any number) post it; if Telegram is down
        then, this notifier keeps it and retries. Nothing is posted on a day without untouched leads.
        """
        if self.settings.staff_chat_id is None:
            return False
        now = self.store.now()
        local = now.astimezone(zone())
        key = f"reminder:{local.date().isoformat()}"
        if self._pending_reminder != key:
            if local.hour < self.settings.reminder_hour or self._reminder_settled == key:
                return False
            if not await run_sync(self.store.run_once, key):
                self._reminder_settled = key  # another notifier has it: do not ask again today
                return False
            self._pending_reminder = key
        hours = self.settings.stale_hours
        leads, total = await run_sync(self._stale, hours)
        try:
            if leads:
                message_id = await self._to_staff(cards.reminder(leads, total, hours, now))
                for lead in leads:  # the list names them: a deletion edits it too
                    await self._record(message_id, lead_id=lead.id, kind="reminder")
        except (NetworkError, TimedOut, RetryAfter) as exc:
            log.warning("reminder %s not sent yet: %s", key, exc)
            return False
        self._pending_reminder = None
        self._reminder_settled = key
        log.info("reminder %s: %d untouched lead(s)", key, total)
        return True

    def _stale(self, hours: float) -> tuple[List, int]:
        leads = self.store.list_leads(open_only=True, untouched_hours=hours, oldest_first=True, limit=REMINDER_LINES)
        total = self.store.count_leads(open_only=True, untouched_hours=hours)
        return leads, total


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
