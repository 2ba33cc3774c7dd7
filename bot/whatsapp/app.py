"""The WhatsApp channel: ``await WhatsAppAdapter(settings).run()`` serves until SIGTERM/SIGINT; tests use
:meth:`WhatsAppAdapter.start` / :meth:`WhatsAppAdapter.stop`.

One message, end to end:

1. **Intake** (:mod:`bot.whatsapp.webhook`): Meta posts it; the signature is checked; statuses are recorded;
   each message is stored in the core's durable inbox under its wamid (``Inbox.put_keyed``: a redelivery of the
   same wamid, to any replica, after a restart, within seven days, is refused); then Meta gets its 200.
2. **Turn** (the dispatcher, per person in order, people in parallel; every step recorded, so a turn resumed
   after a crash does not send twice): mark as read; text or a pressed button goes to Rasa's REST channel as
   ``whatsapp:<wa_id>`` with metadata ``channel: whatsapp`` and ``message_id`` (the wamid: Rasa answers a
   repeat from the stored conversation); anything else gets a friendly "I read text and buttons".
3. **Back**: Rasa's reply is rendered (:mod:`bot.whatsapp.render`) and each body is sent, paced overall and per
   person, only inside the 24-hour window, and with the API's errors handled (:mod:`bot.whatsapp.graph`).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import time
from typing import Any, Awaitable, Callable, Dict, List

from lingkar.store.aio import run_sync

from ..core.delivery import DeliveryReporter
from ..core.dispatcher import Dispatcher, Turn
from ..core.inbox import Entry, Inbox, make_inbox
from ..core.notices import Notice, NoticeRetry, NoticeSender
from ..core.pacing import Pacer
from ..core.rasa import RasaClient, RasaUnavailable
from ..core.referral import from_text
from ..core.server import HttpHost
from . import texts
from .config import WEBHOOK_PATH, WhatsAppSettings
from .graph import UNREACHABLE_CODES, WINDOW_CODES, GraphClient, GraphError
from .inbound import READABLE, Inbound, parse
from .render import Plan, build_plan, parse_id, text_body
from .state import State, make_state
from .templates import Templates
from .webhook import routes

log = logging.getLogger("lingkar.whatsapp")

#: The registered template (content/whatsapp_templates.yml) of a status notice outside the 24-hour window.
STATUS_TEMPLATE = "status_update"



def chat_key(wa_id: str) -> str:
    return f"wa:{wa_id}"


def channel_inbox(settings: WhatsAppSettings) -> Inbox:
    """The channel's inbox (the core's): Redis under WHATSAPP_REDIS_PREFIX, else ``<var>/whatsapp.db``."""
    return make_inbox(settings, "whatsapp", prefix=settings.redis_prefix, path=settings.sqlite_path)


class AuthFailed(Exception):
    """The API refused our token: the channel stops, messages stay in the inbox."""


class WhatsAppAdapter:
    name = "whatsapp"

    def __init__(self, settings: WhatsAppSettings, inbox: Inbox | None = None, state: State | None = None,
                 host: HttpHost | None = None,
                 first_contact: Callable[[str, str | None], Awaitable[Any]] | None = None,
                 lead_store: Callable[[], Any] | None = None,
                 deliveries: DeliveryReporter | None = None,
                 replies: Callable[[str], Awaitable[Any]] | None = None):
        self.settings = settings
        #: Opens the lead store (blocking; called through run_sync): with it this channel sends the workers' status
        #: notices (:meth:`_notice`, bot/core/notices.py); without it (tests of the channel alone) it does not.
        self.lead_store = lead_store
        self.notices: NoticeSender | None = None
        self._notices_task: asyncio.Task | None = None
        #: Told about failed deliveries (an unreachable number ends its subscriptions; repeated failures too) and
        #: about a success after one (:class:`bot.core.delivery.DeliveryReporter`); None: nobody is told.
        self.deliveries = deliveries
        #: Called once per person at their first message, with the wa_id and the agent code they came with (the
        #: funnel's ``chat_started``; :func:`bot.whatsapp.channel.chat_started_recorder`).
        self.first_contact = first_contact
        #: Called for each message of a returning person with their sender id: a reply to a broadcast counts in the
        #: outreach funnel (:func:`bot.core.delivery.broadcast_reply_recorder`); None: not counted.
        self.replies = replies
        self.inbox = inbox or channel_inbox(settings)
        self.state = state or make_state(settings)
        self.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_retry_budget)
        self.graph = GraphClient(settings.api_url, settings.phone_number_id, settings.token,
                                 settings.send_retry_budget)
        self.templates = Templates.load(settings.templates_path)
        self.pacer = Pacer(per_recipient=settings.chat_rate, overall=settings.rate)
        self.dispatcher: Dispatcher | None = None
        self._own_host = host is None
        self.host = host if host is not None else HttpHost(settings.host, settings.port)
        self.started_at = time.time()
        self.stopped = asyncio.Event()
        self.auth_failed: str | None = None
        self.counts = {"received": 0, "duplicates": 0, "statuses": 0, "refused_posts": 0, "window_closed": 0,
                       "unreachable": 0, "refused": 0, "sent": 0}
        self._closed = False

    # ---- life cycle ------------------------------------------------------------------------------
    @property
    def port(self) -> int | None:
        return self.host.port

    async def prepare(self) -> None:
        """Open the stores and add the webhook and the health document to the host (before it listens)."""
        problems = self.settings.problems()
        if problems:
            raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
        await self.inbox.open()
        await self.state.open()
        get, post = routes(self.settings.app_secret, self.settings.verify_token, self.accept)
        self.host.add_route("GET", WEBHOOK_PATH, get)
        self.host.add_route("POST", WEBHOOK_PATH, post)
        self.host.add_health(self.name, lambda fresh: self.health())

    async def go(self) -> None:
        """Check the token (a refused one: :class:`AuthFailed`) and start answering what is in the inbox."""
        try:
            await self.graph.check()
        except GraphError as exc:
            if exc.kind == "auth":
                self._auth(exc)
                raise AuthFailed(str(exc)) from exc
            log.warning("WhatsApp: could not check the phone number at start (%s); serving anyway", exc)
        self.dispatcher = Dispatcher(self.inbox, self.process, self.give_up, self.settings.concurrency)
        self.dispatcher.start()
        if self.lead_store is not None:
            self._notices_task = asyncio.create_task(self._run_notices(), name="whatsapp-notices")
        log.info("WhatsApp channel: number %s, %s inbox, %d template(s), webhook %s", self.settings.phone_number_id,
                 self.inbox.backend, len(self.templates.by_key), WEBHOOK_PATH)

    async def start(self) -> None:
        """Run on a host of its own (``python -m bot.whatsapp``, tests); ``python -m bot.channels`` calls
        :meth:`prepare` and :meth:`go` around the shared host's start instead."""
        await self.prepare()
        if self._own_host:
            await self.host.start()
        await self.go()

    async def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._own_host:
            await self.host.stop()
        if self._notices_task is not None:
            self.stopped.set()
            try:
                await asyncio.wait_for(self._notices_task, self.settings.shutdown_grace)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._notices_task.cancel()
        if self.dispatcher is not None:
            await self.dispatcher.stop(self.settings.shutdown_grace)
        await self.rasa.close()
        await self.graph.close()
        await self.state.close()
        await self.inbox.close()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopped.set)
        try:
            await self.start()
        except AuthFailed:
            await self.stop()
            return 3
        print(f">> WhatsApp channel running ({self.inbox.backend} inbox, port {self.port})", flush=True)
        await self.stopped.wait()
        await self.stop()
        return 3 if self.auth_failed else 0

    def _auth(self, exc: GraphError) -> None:
        if not self.auth_failed:
            log.critical("WhatsApp refused the access token (code %s: %s). The channel stops; messages stay in "
                         "the inbox. Set a valid WHATSAPP_TOKEN (a system user's token with whatsapp_business_"
                         "messaging) and start again.", exc.code, exc.message)
        self.auth_failed = str(exc)
        if self.dispatcher is not None:
            self.dispatcher.stopping = True
        self.stopped.set()

    # ---- intake ----------------------------------------------------------------------------------
    async def accept(self, body: Any) -> None:
        """Record the statuses and store the messages of one verified post (raises when it cannot)."""
        messages, statuses = parse(body)
        for st in statuses:
            await self.state.record_status(st.wamid, st.recipient, st.status, float(st.timestamp or time.time()),
                                           st.error_code)
            self.counts["statuses"] += 1
            if st.status == "failed":
                log.warning("message %s to %s failed: %s %s", st.wamid[-12:], _mask(st.recipient), st.error_code,
                            st.error_title)
                if st.error_code in (131026, 131021, 131030, 131031):
                    await self.state.set_unreachable(st.recipient, st.error_code)
                if st.error_code not in WINDOW_CODES:  # a closed window is ours to respect, not a failure
                    await self._delivered(st.recipient, False, st.error_code)
            elif st.status in ("delivered", "read"):
                await self._delivered(st.recipient, True)
                await self._broadcast_receipt(st.wamid, st.status)
        now = time.time()
        for m in messages:
            if self.settings.phone_number_id and m.phone_number_id not in ("", self.settings.phone_number_id):
                log.info("message for another number (%s): ignored", m.phone_number_id)
                continue
            stored = await self.inbox.put_keyed(m.wamid, chat_key(m.wa_id), m.to_json())
            await self.state.touch_inbound(m.wa_id, float(min(m.timestamp or now, now)))
            if stored:
                self.counts["received"] += 1
            else:
                self.counts["duplicates"] += 1
                log.info("message %s delivered again: ignored", m.wamid[-12:])

    # ---- turns -----------------------------------------------------------------------------------
    async def process(self, entry: Entry, turn: Turn) -> bool:
        if self.auth_failed:
            return False
        try:
            rec = Inbound.from_json(entry.raw)
        except TypeError as exc:
            log.error("inbox entry %s cannot be read (%s): dropped", entry.update_id, exc)
            return True
        try:
            await turn.once("read", lambda: self.graph.mark_read(rec.wamid))
            if rec.kind in READABLE:
                await self._to_rasa(rec, turn)
            else:
                await self._send_plan(rec, Plan([text_body(rec.wa_id, self._non_text(rec))]), turn)
            return True
        except GraphError as exc:
            if exc.kind == "auth":
                self._auth(exc)
            return False

    def _non_text(self, rec: Inbound) -> str:
        if rec.kind == "reaction":
            return texts.REACTION
        if rec.kind in texts.KINDS:
            return texts.NON_TEXT.format(kind=texts.KINDS[rec.kind])
        return texts.UNSUPPORTED

    async def _message_for_rasa(self, rec: Inbound) -> str | None:
        """What the person said, as Rasa should read it (None: a button that is no longer valid)."""
        if rec.kind == "button":
            kind, value = parse_id(rec.payload)
            sent = await self.state.outgoing(rec.context_id) if rec.context_id else None
            if sent is not None and sent.get("to") not in (None, "", rec.wa_id):
                log.warning("button reply of %s to a message sent to someone else: refused", _mask(rec.wa_id))
                return None
            if kind == "payload":
                return value
            if kind == "mapped":
                return await self.state.get_payload(value)
            return rec.text.lstrip("/").strip() or None     # an id we did not make: read the title as text
        text = rec.text.strip()
        if text.startswith("/"):   # a leading "/" is an intent name to Rasa; people do not pick intents by typing
            text = text.lstrip("/").strip()
        ref = from_text(text)      # "kode agen <CODE>" (an agent's wa.me link): not a question for Rasa
        if ref is not None:
            return ref.rasa_text
        return text or None

    async def _metadata(self, rec: Inbound, turn: Turn) -> Dict[str, Any]:
        ref = from_text(rec.text) if rec.kind == "text" else None
        code = ref.code if ref else None

        async def touch() -> Dict[str, Any]:
            user = await self.inbox.touch_user(rec.wa_id, code)
            if user.new or code:
                log.info("%s: %s%s", _mask(rec.wa_id), "first contact" if user.new else "returning",
                         f", agent code {code} (kept: {user.referral})" if code else "")
            return {"referral": user.referral, "new": user.new}

        touched = await turn.once("touch", touch)
        if touched.get("new") and self.first_contact is not None:
            await turn.once("metric:chat_started",
                            lambda: self.first_contact(rec.wa_id, touched.get("referral")))
        elif not touched.get("new") and self.replies is not None:
            await turn.once("metric:broadcast_replied", lambda: self.replies(f"whatsapp:{rec.wa_id}"))
        meta = {"channel": "whatsapp", "wa_id": rec.wa_id, "message_id": rec.wamid,
                "referral": touched.get("referral"), "first_contact": touched.get("new", False)}
        if rec.referral:
            meta["ad_referral"] = rec.referral
        if rec.kind == "button":
            meta["button_title"] = rec.text
        return meta

    async def _to_rasa(self, rec: Inbound, turn: Turn) -> None:
        async def compute() -> Dict[str, Any]:
            message = await self._message_for_rasa(rec)
            if message is None:
                return Plan([text_body(rec.wa_id, texts.BUTTON_EXPIRED if rec.kind == "button"
                                       else texts.UNSUPPORTED)]).to_json()
            meta = await self._metadata(rec, turn)
            try:
                reply = await self.rasa.send(rec.sender, message, meta)
                plan = build_plan(rec.wa_id, reply)
                if not plan.bodies and not plan.forget:
                    log.warning("message %s: Rasa's reply has nothing WhatsApp can show", rec.wamid[-12:])
            except RasaUnavailable as exc:
                log.error("message %s: Rasa unavailable (%s); apologising", rec.wamid[-12:], exc)
                plan = Plan([text_body(rec.wa_id, texts.RASA_DOWN)])
            for token, payload in plan.payloads.items():
                await self.state.put_payload(token, payload)
            return plan.to_json()

        plan = Plan.from_json(await turn.once("plan", compute))
        await self._send_plan(rec, plan, turn)
        if plan.forget:
            async def forget() -> Dict[str, int]:
                n = await self.state.forget(rec.wa_id)
                await self.inbox.forget_user(rec.wa_id, rec.wa_id, [chat_key(rec.wa_id)])
                return {"state": n}
            await turn.once("forget", forget)

    async def _send_plan(self, rec: Inbound, plan: Plan, turn: Turn) -> List[Dict[str, Any]]:
        results = []
        for i, body in enumerate(plan.bodies):
            results.append(await turn.once(f"out:{i}", lambda body=body, i=i: self.deliver(
                rec.wa_id, body, f"{rec.wamid}:{i}")))
        return results

    async def give_up(self, entry: Entry, turn: Turn) -> None:
        try:
            rec = Inbound.from_json(entry.raw)
        except TypeError:
            return
        await turn.once("apology", lambda: self.deliver(rec.wa_id, text_body(rec.wa_id, texts.INTERNAL_ERROR),
                                                        f"{rec.wamid}:apology", retry_forever=False))

    # ---- sending ---------------------------------------------------------------------------------
    async def deliver(self, wa_id: str, body: Dict[str, Any], ref: str, retry_forever: bool = True
                      ) -> Dict[str, Any]:
        """Send one body to ``wa_id``: the result (``status`` sent / window_closed / unreachable / refused, and the
        wamid or the error code) is what the turn records. Rate limits and 5xx are retried — until it is sent
        or the channel stops (then the turn stays in the inbox) when ``retry_forever``."""
        kind = body.get("type", "")
        code = await self.state.unreachable(wa_id)
        if code is not None:
            self.counts["unreachable"] += 1
            log.info("not sending to %s: unreachable (%s)", _mask(wa_id), code)
            return {"status": "unreachable", "code": code}
        if kind != "template" and not await self.state.window_open(wa_id):
            self.counts["window_closed"] += 1
            await self.state.record_outgoing(f"none:{ref}", wa_id, kind, "failed", 131047)
            log.info("not sending to %s: the 24-hour window is closed (only a template may be sent)", _mask(wa_id))
            return {"status": "window_closed", "code": 131047}
        while True:
            try:
                async with self.pacer.slot(wa_id):
                    wamid = await self.graph.send(body)
                break
            except GraphError as exc:
                if exc.kind == "retry" and retry_forever and not (self.dispatcher and self.dispatcher.stopping):
                    log.warning("sending to %s still failing (%s); trying again", _mask(wa_id), exc)
                    continue
                if exc.kind in ("retry", "auth"):
                    raise
                await self.state.record_outgoing(f"none:{ref}", wa_id, kind, "failed", exc.code)
                if exc.kind == "window":
                    self.counts["window_closed"] += 1
                    log.info("the API refused a message to %s: the 24-hour window closed (131047); recorded",
                             _mask(wa_id))
                    return {"status": "window_closed", "code": exc.code}
                if exc.kind == "unreachable":
                    self.counts["unreachable"] += 1
                    await self.state.set_unreachable(wa_id, exc.code)
                    log.info("%s is unreachable on WhatsApp (%s): marked", _mask(wa_id), exc.code)
                    await self._delivered(wa_id, False, exc.code)
                    return {"status": "unreachable", "code": exc.code}
                self.counts["refused"] += 1
                log.error("the API refused a %s message to %s: %s", kind, _mask(wa_id), exc)
                return {"status": "refused", "code": exc.code}  # our body was wrong: not the contact's doing
        await self.state.record_outgoing(wamid, wa_id, kind, "accepted")
        self.counts["sent"] += 1  # accepted, not yet delivered: the "delivered" status says so (accept())
        return {"status": "sent", "wamid": wamid}

    async def _broadcast_receipt(self, wamid: str, status: str) -> None:
        """A broadcast's message delivered / read (``broadcast_recipients``, bot/outreach): its counts on the dashboard
        move on. Only with the lead store; a store failure is logged and costs the intake nothing (a receipt is not
        worth Meta's retry of the whole post)."""
        if self.lead_store is None or not wamid:
            return
        try:
            await run_sync(lambda: self.lead_store().record_broadcast_status("whatsapp", wamid, status))
        except Exception as exc:
            log.warning("broadcast receipt %s not recorded: %s", status, type(exc).__name__)

    async def _delivered(self, wa_id: str, ok: bool, code: int | None = None) -> None:
        """Tell :attr:`deliveries`: a code of :data:`UNREACHABLE_CODES` (not on WhatsApp, blocked, stopped our
        messages) ends the contact's subscriptions at once; another failed delivery (a "failed" status) is counted;
        a success resets the count. A request the API refuses (our body was wrong) is not the contact's failure."""
        if self.deliveries is None or not wa_id:
            return
        sender = f"whatsapp:{wa_id}"
        if ok:
            await self.deliveries.succeeded(sender)
        else:
            await self.deliveries.failed(sender, f"whatsapp_{code}" if code else "whatsapp_failed",
                                         permanent=code in UNREACHABLE_CODES)

    async def send_template(self, wa_id: str, key: str, values: Dict[str, Any], ref: str,
                            retry_forever: bool = True) -> Dict[str, Any]:
        """Send a registered template (allowed outside the 24-hour window)."""
        return await self.deliver(wa_id, self.templates.body(wa_id, key, values), ref, retry_forever)

    # ---- status notices (bot/core/notices.py) ------------------------------------------------------
    async def _run_notices(self) -> None:
        """Open the lead store (retrying while the database is down) and send the WhatsApp workers' notices."""
        delay = 1.0
        while not self.stopped.is_set():
            try:
                store = await run_sync(self.lead_store)
                break
            except Exception as exc:
                log.warning("status notices: lead store not reachable (%s); retrying in %.0fs",
                            type(exc).__name__, delay)
                try:
                    await asyncio.wait_for(self.stopped.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                delay = min(delay * 2, 30.0)
        else:
            return
        self.notices = NoticeSender(store, self.name, self._notice, self.settings.consumer,
                                    pacer=Pacer(per_recipient=None))   # deliver() paces per person already
        await self.notices.run(self.stopped, self.settings.notice_interval)

    async def _notice(self, notice: Notice) -> str | None:
        """One status notice: a text inside the 24-hour window, else the ``status_update`` template. The wamid, or
        None when it cannot be delivered (unreachable, refused, no template registered outside the window)."""
        wa_id, ref = notice.recipient, f"notice:{notice.event_id}"
        try:
            if await self.state.window_open(wa_id):
                result = await self.deliver(wa_id, text_body(wa_id, notice.text), ref, retry_forever=False)
                if result["status"] != "window_closed":
                    return result.get("wamid")
            if STATUS_TEMPLATE not in self.templates:
                log.warning("notice %s: the window is closed and no %r template is registered; not sent",
                            notice.event_id, STATUS_TEMPLATE)
                return None
            result = await self.send_template(wa_id, STATUS_TEMPLATE,
                                              {"referensi": notice.reference, "status": notice.words}, ref,
                                              retry_forever=False)
            return result.get("wamid")
        except GraphError as exc:
            if exc.kind == "auth":
                self._auth(exc)
            raise NoticeRetry(f"Graph API: {exc.kind}") from exc

    # ---- health ----------------------------------------------------------------------------------
    async def health(self) -> Dict[str, Any]:
        degraded = []
        if self.auth_failed:
            degraded.append("whatsapp_auth_failed")
        try:
            inbox = await self.inbox.backlog()
        except Exception as exc:
            inbox = {"error": f"{type(exc).__name__}: {exc}"}
            degraded.append("store_unreachable")
        disp = self.dispatcher.status() if self.dispatcher else {}
        return {"status": "degraded" if degraded else "ok", "degraded": degraded, "inbox": inbox,
                "dispatcher": disp, "graph": self.graph.stats.to_json(), "counts": dict(self.counts),
                "notices": dict(self.notices.counts) if self.notices else None,
                "uptime_s": round(time.time() - self.started_at, 1)}


def _mask(wa_id: str) -> str:
    """A WhatsApp id is a phone number: never logged whole."""
    return f"…{wa_id[-4:]}" if wa_id else "?"
