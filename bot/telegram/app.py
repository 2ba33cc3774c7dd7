"""The Telegram adapter: wires the inbox, the dispatcher, python-telegram-bot and Rasa together."""
from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import signal
import time
from typing import Any, Dict, List, Sequence, Tuple, Union

from aiohttp import web
from telegram import BotCommand, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder

from bot.core.delivery import DeliveryReporter
from bot.core.dispatcher import Dispatcher, Turn
from bot.core.inbox import Entry, Inbox, make_inbox
from bot.core.rasa import RasaClient, sender_id
from bot.core.server import PROXY_HEADERS, HttpHost, health_access  # noqa: F401  (health_access: old imports)

from . import texts
from .config import Settings
from .handlers import CoreHandlers, transient
from .intake import Intake, Poller, webhook_route
from .ratelimit import ChatRateLimiter
from .registry import PRIORITY_CORE, PluginContext, PluginSetup, Registry, load_plugin, run_setup
from .render import Plan, message_step, text_steps
from .sender import execute

log = logging.getLogger("lingkar.telegram")

BACKLOG_DEGRADED_S = 60.0       # an update waiting longer than this marks the adapter degraded
RASA_FAILING_WINDOW_S = 300.0   # a failed Rasa turn within this window (and none good since) is degraded
HEALTH_CACHE_S = 15.0           # back-end checks behind /health are reused this long (?fresh=1: BOT_HEALTH_INTERVAL)


def build_application(settings: Settings) -> Application:
    return (ApplicationBuilder()
            .token(settings.token)
            .base_url(settings.api_url)
            .base_file_url(settings.file_url)
            .updater(None)          # we fetch updates ourselves (see intake.py)
            .job_queue(None)
            .rate_limiter(ChatRateLimiter(settings.chat_rate, max_retries=3))
            .connect_timeout(10).read_timeout(20).write_timeout(20).pool_timeout(10)
            .connection_pool_size(64)
            .build())


class Adapter:
    """``await Adapter(settings).run()`` serves until SIGTERM/SIGINT; tests use :meth:`start`/:meth:`stop`.

    The Telegram channel on the delivery core (:mod:`bot.core`). ``host``: a shared :class:`HttpHost` the adapter
    adds its webhook route and health document to (``python -m bot.channels``; the caller then runs
    :meth:`prepare`, starts the host, and :meth:`go`); without one the adapter runs its own on BOT_PORT.
    """

    name = "telegram"

    def __init__(self, settings: Settings, plugins: Sequence[Union[str, PluginSetup]] = (),
                 store: Inbox | None = None, host: HttpHost | None = None,
                 deliveries: DeliveryReporter | None = None):
        self.settings = settings
        #: Told when a person blocked the bot (their subscriptions end) or a chat cannot be found (counted), and
        #: about a success after that (:class:`bot.core.delivery.DeliveryReporter`); None: nobody is told.
        self.deliveries = deliveries
        self.store = store or make_inbox(settings, self.name)
        self.host = host
        self._own_host = host is None
        self.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_retry_budget)
        self.registry = Registry()
        self.plugins = list(settings.plugins) + list(plugins)
        codes = set(settings.known_agent_codes)
        self.known_agent_codes = lambda code: code in codes
        self.application: Application | None = None
        self.dispatcher: Dispatcher | None = None
        self.intake: Intake | None = None
        self.poller: Poller | None = None
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self.started_at = time.time()
        self._stopped = asyncio.Event()
        self._closed = False
        self._health_cache: Dict[str, Any] = {}
        self._health_lock = asyncio.Lock()

    # ---- life cycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.prepare()
        if self._own_host:
            await self._start_server()
        await self.go()

    async def prepare(self) -> None:
        """Open the store, load plugins, reach Telegram, add the routes to the HTTP host (not started yet)."""
        s = self.settings
        problems = s.problems()
        if problems:
            raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
        await self.store.open()
        self.application = build_application(s)
        core = CoreHandlers(self)
        core.install(PluginContext(self, self.registry, PRIORITY_CORE))
        for spec in self.plugins:
            await run_setup(load_plugin(spec), PluginContext(self, self.registry))
        for handler in self.registry.ordered():
            self.application.add_handler(handler)
        await self._retrying("getMe", self.application.initialize)
        bot = self.application.bot
        log.info("bot @%s (%s mode, %s inbox)", bot.username, s.mode, self.store.backend)
        try:
            await bot.set_my_commands([BotCommand(n, d) for n, d in self.registry.menu_commands()])
        except Exception as exc:  # cosmetic: never a reason not to serve
            log.warning("setMyCommands failed: %s", exc)
        self.dispatcher = Dispatcher(self.store, self.process, self.give_up, s.concurrency)
        allowed = sorted(self.registry.allowed_updates)
        if s.mode == "webhook":
            self.intake = Intake(self.store)
        else:
            self.intake = self.poller = Poller(self.store, s.api_url, s.token, allowed, s.poll_timeout)
        if self.host is None:
            self.host = HttpHost(s.host, s.port, s.health_token)
        self.install(self.host)

    def install(self, host: HttpHost) -> None:
        """Add the webhook route (webhook mode) and the health document to ``host``."""
        s = self.settings
        if s.mode == "webhook":
            host.add_route("POST", s.webhook_path, webhook_route(self.intake, s.webhook_path, s.secret))
        host.add_health(self.name, self.health)

    async def go(self) -> None:
        """Start taking updates (the HTTP host is up): set the webhook or start polling, start the dispatcher."""
        s = self.settings
        bot = self.application.bot
        allowed = sorted(self.registry.allowed_updates)
        if self.host is not None and self.host.port:
            self.port = self.host.port
        if s.mode == "webhook":
            if s.set_webhook:
                await self._retrying("setWebhook", lambda: bot.set_webhook(
                    s.public_webhook_url, secret_token=s.secret, allowed_updates=allowed, max_connections=40,
                    drop_pending_updates=False))
                log.info("webhook set: %s", s.public_webhook_url.replace(s.webhook_path, "/<path>"))
        else:
            await self._retrying("deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False))
            self.poller.start()
        self.dispatcher.start()

    async def _retrying(self, what: str, fn) -> Any:
        """Start-up calls to Telegram: retry network trouble (Telegram or the network may be down for a
        while) until it works or a stop is requested; a rejected token fails at once."""
        delay = 1.0
        while True:
            try:
                return await fn()
            except (InvalidToken, Forbidden, BadRequest):
                raise
            except (NetworkError, RetryAfter) as exc:
                if self._stopped.is_set():
                    raise
                log.error("%s failed: %s (retry in %.0fs)", what, exc, delay)
                try:
                    await asyncio.wait_for(self._stopped.wait(), delay)
                except asyncio.TimeoutError:
                    pass
                delay = min(delay * 2, 30.0)

    async def _start_server(self) -> None:
        s = self.settings
        if s.port < 0:
            return
        self.port = await self.host.start()
        self.runner = self.host.runner
        log.info("listening on %s:%s (/health%s)", s.host, self.port, ", webhook" if s.mode == "webhook" else "")

    async def stop(self) -> None:
        """Stop taking updates, finish the turns in progress (up to the grace period), close everything."""
        if self._closed:
            return
        self._closed = True
        log.info("stopping ...")
        if self.poller is not None:
            await self.poller.stop()
        if self.dispatcher is not None:
            await self.dispatcher.stop(self.settings.shutdown_grace)
        if self._own_host and self.host is not None:
            await self.host.stop()
        if self.application is not None:
            try:
                await self.application.shutdown()
            except Exception as exc:
                log.warning("application shutdown: %s", exc)
        await self.rasa.close()
        await self.store.close()
        log.info("stopped")

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stopped.set)
        await self.start()
        print(f">> Telegram adapter running ({self.settings.mode}, {self.store.backend} inbox"
              + (f", port {self.port}" if self.port else "") + ")", flush=True)
        await self._stopped.wait()
        await self.stop()

    # ---- processing ------------------------------------------------------------------------------
    async def process(self, entry: Entry, turn: Turn) -> bool:
        try:
            update = Update.de_json(entry.raw, self.application.bot)
        except Exception as exc:  # not an update we can read: retrying will not help
            log.error("update %s cannot be parsed (%s): dropped", entry.update_id, exc)
            return True
        await self.application.process_update(update)
        err = turn.error
        if err is None:
            return True
        if transient(err):
            return False
        await self._apologise(update, turn)
        return True

    async def give_up(self, entry: Entry, turn: Turn) -> None:
        try:
            update = Update.de_json(entry.raw, self.application.bot)
        except Exception:
            return
        await self._apologise(update, turn)

    async def _apologise(self, update: Update, turn: Turn) -> None:
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return
        if update.callback_query is not None:
            await turn.once("answer", lambda: self._answer_quietly(update.callback_query.id))
        await self.send_text(chat.id, texts.INTERNAL_ERROR, key="apology")

    async def _answer_quietly(self, query_id: str) -> bool:
        try:
            return await self.application.bot.answer_callback_query(query_id)
        except Exception:
            return False

    # ---- sending ---------------------------------------------------------------------------------
    async def run_plan(self, plan: Plan, prefix: str) -> List[Any]:
        """Send a plan's steps in order; each finished step is recorded, so a rerun skips it."""
        turn = Turn.current()
        bot = self.application.bot
        results = []
        for i, step in enumerate(plan.steps):
            try:
                if turn is None:
                    result = await execute(bot, step)
                else:
                    result = await turn.once(f"{prefix}:{i}", lambda step=step: execute(bot, step))
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    await self._delivered(step, False, "chat_not_found")
                raise
            if step["method"].startswith("send"):
                await self._delivered(step, result != "forbidden", "blocked")
            results.append(result)
        return results

    async def _delivered(self, step: Dict[str, Any], ok: bool, reason: str) -> None:
        """Tell :attr:`deliveries` about a message to a person: ``Forbidden`` (blocked, deactivated) ends their
        subscriptions at once, "chat not found" is counted, a success after a failure resets the count."""
        chat_id = step.get("params", {}).get("chat_id")
        if self.deliveries is None or not isinstance(chat_id, int) or chat_id <= 0:  # people only, not groups
            return
        sender = sender_id(self.name, chat_id)
        if ok:
            await self.deliveries.succeeded(sender)
        else:
            await self.deliveries.failed(sender, reason, permanent=reason == "blocked")

    async def send_text(self, chat_id: int, text: str, markup: Dict[str, Any] | None = None,
                        html: bool = False, key: str | None = None) -> int | None:
        """Send a text (split if long) as crash-safe steps of the current turn; returns the last message id."""
        steps = [message_step(chat_id, text, markup, html_ready=True)] if html else text_steps(chat_id, text, markup)
        turn = Turn.current()
        prefix = key or (turn.next_key("send") if turn else "send")
        results = await self.run_plan(Plan(steps=steps), prefix)
        return results[-1] if results and isinstance(results[-1], int) else None

    # ---- health ----------------------------------------------------------------------------------
    async def health(self, fresh: bool = False) -> Dict[str, Any]:
        """The /health document. The back-end checks (Rasa probe, plugin checks, Rasa's tracker store) run at
        most once per :data:`HEALTH_CACHE_S`; ``fresh`` asks for results at most ``BOT_HEALTH_INTERVAL`` seconds
        old, so no caller can make the back ends work harder than one check per interval."""
        degraded: List[str] = []
        now = time.time()
        probe, checks = await self._backend_checks(self.settings.health_interval if fresh else HEALTH_CACHE_S)
        if not probe.get("reachable"):
            degraded.append("rasa_unreachable")
        st = self.rasa.stats
        if st.last_error_at and now - st.last_error_at < RASA_FAILING_WINDOW_S and (
                st.last_ok_at is None or st.last_ok_at < st.last_error_at):
            degraded.append("rasa_failing")
        try:
            inbox = await self.store.backlog()
            if inbox["oldest_age_s"] > BACKLOG_DEGRADED_S:
                degraded.append("inbox_backlog")
        except Exception as exc:
            inbox = {"backend": self.store.backend, "error": f"{type(exc).__name__}: {exc}"}
            degraded.append("store_unreachable")
        intake = self.intake.status() if self.intake else {}
        if self.poller is not None and intake.get("last_error_at") and (
                not intake.get("last_ok_at") or intake["last_ok_at"] < intake["last_error_at"]):
            degraded.append("telegram_polling_failing")
        disp = self.dispatcher.status() if self.dispatcher else {}
        if disp.get("read_error"):
            degraded.append("inbox_read_failing")
        body: Dict[str, Any] = {
            "status": "ok", "mode": self.settings.mode, "uptime_s": round(now - self.started_at, 1),
            "rasa": {**st.to_json(), "url": self.settings.rasa_url}, "inbox": inbox, "dispatcher": disp,
            "intake": intake,
        }
        for name, res in checks.items():
            if isinstance(res, dict) and (res.get("degraded") or res.get("status") in ("degraded", "down", "error")):
                degraded.append(name)
        if checks:
            body["checks"] = checks
        body["degraded"] = degraded
        body["status"] = "degraded" if degraded else "ok"
        return body

    async def _backend_checks(self, max_age: float) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(Rasa probe, {check name: result}), reused while younger than ``max_age`` seconds; concurrent
        callers wait for the one check in progress instead of starting their own."""
        async with self._health_lock:
            cached = self._health_cache.get("backend")
            if cached and time.monotonic() - cached[0] < max_age:
                return cached[1], cached[2]
            started = time.monotonic()
            probe = await self.rasa.probe()
            checks: Dict[str, Any] = {}
            for name, check in self.registry.health_checks.items():
                checks[name] = await self._run_check(check)
            state = await self._rasa_state()
            if state is not None:
                checks["rasa_state"] = state
            self._health_cache["backend"] = (started, probe, checks)
            return probe, checks

    @staticmethod
    async def _run_check(check) -> Dict[str, Any]:
        try:
            return await asyncio.wait_for(check(), 5)
        except Exception as exc:
            return {"degraded": True, "error": f"{type(exc).__name__}: {exc}"}

    async def _rasa_state(self) -> Dict[str, Any] | None:
        """Hook for rasa_plugins/health.py: is Rasa storing conversations where it should (e.g. not silently
        in memory after a Redis failure)? Shown under ``checks.rasa_state`` (cached with the other checks).

        If that module exists and has ``async def rasa_state(...)``, it is called with the keyword arguments
        it accepts among ``rasa_url``, ``redis_url`` (the adapter's REDIS_URL, the Redis Rasa shares),
        ``token`` (RASA_AUTH_TOKEN, for Rasa's HTTP API), ``session``, ``timeout`` and ``settings``.
        """
        try:
            mod = importlib.import_module("rasa_plugins.health")
        except ModuleNotFoundError as exc:
            if exc.name in ("rasa_plugins.health", "bot"):
                return None
            return {"degraded": True, "error": f"rasa_plugins.health cannot be imported: {exc}"}
        fn = getattr(mod, "rasa_state", None)
        if fn is None:
            return None
        offered = {"rasa_url": self.settings.rasa_url, "redis_url": self.settings.redis_url or None,
                   "token": self.settings.rasa_token or None, "session": self.rasa.session, "timeout": 4.0,
                   "settings": self.settings}
        params = inspect.signature(fn).parameters
        takes_all = any(p.kind is p.VAR_KEYWORD for p in params.values())
        kwargs = {k: v for k, v in offered.items() if takes_all or k in params}
        res = await self._run_check(lambda: fn(**kwargs))
        return res if isinstance(res, dict) else {"value": res}
