"""Everything a broadcast process needs, built from the settings: the senders of the configured channels, the
:class:`Outreach` over them, the payment :class:`Reminders` over the same channels (WhatsApp with the reminder
template), and the procrastinate app with its tasks (:class:`Runtime`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List

from telegram import Bot

from bot.telegram.config import Settings as TelegramSettings
from bot.telegram.render import CallbackSigner
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.graph import GraphClient
from bot.whatsapp.state import make_state
from bot.whatsapp.templates import Templates
from lingkar.settings import Settings as CoreSettings
from lingkar.store import Store

from .audience import Audience, load_audience
from .config import OutreachSettings
from .delivery import Outreach
from .jobs import Jobs, make_app
from .reminders import TEMPLATE as REMINDER_TEMPLATE
from .reminders import Reminders
from .senders import TelegramBroadcaster, WhatsAppBroadcaster


def accounts(core: CoreSettings) -> Dict[str, str]:
    """The sending account of each configured channel (the per-account job lock), without opening anything."""
    out = {}
    token = core.env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token:
        out["telegram"] = token.partition(":")[0]
    if core.whatsapp_token:
        out["whatsapp"] = core.whatsapp_phone_number_id
    return out


@dataclass
class Runtime:
    settings: OutreachSettings
    store: Store
    jobs: Jobs
    outreach: Outreach | None = None
    reminders: Reminders | None = None
    _closers: List[Callable[[], Awaitable[Any]]] = field(default_factory=list)

    @property
    def app(self):
        return self.jobs.app

    async def close(self) -> None:
        for close in reversed(self._closers):
            await close()
        self._closers.clear()


async def open_runtime(core: CoreSettings, store: Store, *, audience: Audience | None = None,
                       send: bool = True) -> Runtime:
    """The runtime for ``core``; ``send=False``: only what queueing needs (no connection to the platforms).
    ``audience`` defaults to the one BROADCAST_AUDIENCE names."""
    settings = OutreachSettings.from_settings(core)
    if audience is None and settings.audience:
        audience = load_audience(settings.audience, store, core)
    app = make_app(settings.database_url)
    rt = Runtime(settings, store, Jobs(app, accounts(core)))
    if audience is None:
        return rt
    senders: Dict[str, Any] = {}
    reminder_senders: Dict[str, Any] = {}
    if send:
        tg = TelegramSettings.from_settings(core)
        if tg.token:
            bot = Bot(tg.token, base_url=tg.api_url, base_file_url=tg.file_url)
            await bot.initialize()
            rt._closers.append(bot.shutdown)
            senders["telegram"] = reminder_senders["telegram"] = TelegramBroadcaster(bot,
                                                                                     CallbackSigner(tg.callback_key))
        wa = WhatsAppSettings.from_settings(core)
        if wa.configured:
            graph = GraphClient(wa.api_url, wa.phone_number_id, wa.token, retry_budget=wa.send_retry_budget)
            rt._closers.append(graph.close)
            state = make_state(wa)
            await state.open()
            rt._closers.append(state.close)
            templates = Templates.load(wa.templates_path)
            senders["whatsapp"] = WhatsAppBroadcaster(graph, templates, settings.template,
                                                      window_open=state.window_open)
            reminder_senders["whatsapp"] = WhatsAppBroadcaster(graph, templates, REMINDER_TEMPLATE,
                                                               window_open=state.window_open)
    rates = {"telegram": settings.telegram_rate, "whatsapp": settings.whatsapp_rate}
    rt.outreach = Outreach(store, audience, senders, rates=rates, batch=settings.batch, lease=settings.lease)
    rt.jobs.outreach = rt.outreach
    rt.reminders = rt.jobs.reminders = Reminders(store, reminder_senders, audience=audience,
                                                 days_before=settings.reminder_days_before, lease=settings.lease,
                                                 worker=settings.worker_name, rates=rates)
    return rt


def composer_parts(core: CoreSettings, store: Store) -> Dict[str, Any]:
    """What the dashboard's broadcast pages need (``bot.dashboard.keys.Composer``): the audience (none: broadcasts
    are off), the first jobs written when a broadcast is approved, and the WhatsApp template outside the 24-hour
    window. Jobs are written only for channels whose sending account this process knows (the per-account lock must
    be the workers' own); the workers' sweep queues the others, and everything in the in-memory mode."""
    settings = OutreachSettings.from_settings(core)
    if settings.problems():
        return {"template": settings.template}
    known = accounts(core)
    jobs = Jobs(make_app(settings.database_url), known) if settings.on_postgresql else None

    def specs(scheduled_at):
        return lambda broadcast_id, channels: [jobs.spec(broadcast_id, ch, scheduled_at)
                                               for ch in channels if ch in known]
    return {"audience": load_audience(settings.audience, store, core), "jobs": specs if jobs else None,
            "template": settings.template}
