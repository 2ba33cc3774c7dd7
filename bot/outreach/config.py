"""The broadcast worker's settings: a view of :mod:`lingkar.settings` (``ENV_HELP`` is what ``--help`` prints)."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Dict, Tuple

from lingkar.settings import Settings as CoreSettings

from .audience import DEFAULT_AUDIENCE

OFF = "off"

ENV_HELP = [
    ("DATABASE_URL", "SQLite under var/", "the lead store; on PostgreSQL the jobs live there too (procrastinate), "
                                          "else they run in the worker's memory (one process, nothing survives it)"),
    ("BROADCAST_AUDIENCE", "the subscriptions", "\"module:function\" giving the audience, the still-subscribed "
                                              "check and the auto-unsubscribe; unset: the subscriptions in the lead "
                                              "store (bot.outreach.audience:subscribers); off: no broadcasts"),
    ("BROADCAST_TELEGRAM_RATE", "20/1", "broadcast messages per second for the bot (Telegram allows ~30/s: the "
                                        "rest is kept for replies to conversations)"),
    ("BROADCAST_WHATSAPP_RATE", "30/1", "broadcast messages per second for the WhatsApp number (replies keep "
                                        "WHATSAPP_RATE beside it, within the number's 80/s)"),
    ("BROADCAST_BATCH", "100", "recipients one job claims and sends before it queues the next"),
    ("BROADCAST_LEASE", "300", "seconds a claimed recipient is held; a dead worker's rows go to another after it"),
    ("BROADCAST_TEMPLATE", "info", "WhatsApp template (content/whatsapp_templates.yml) outside the 24-hour window"),
    ("REMINDER_DAYS_BEFORE", "3", "payment reminders go out this many days (WITA) before the worker's payment day; "
                                   "a run later in that window still sends what was not sent"),
    ("BROADCAST_WORKER_CONCURRENCY", "4", "jobs one worker process runs at a time (different channels/numbers)"),
    ("TELEGRAM_BOT_TOKEN", "", "the bot that sends, with TELEGRAM_API_URL (as for the adapter)"),
    ("WHATSAPP_TOKEN", "", "the number that sends, with WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_API_URL; the 24-hour "
                           "window is read from the channel's state (REDIS_URL, else var/whatsapp-state.db)"),
]


def _rate(text: str, default: Tuple[int, float]) -> Tuple[int, float]:
    try:
        n, _, per = text.partition("/")
        out = (int(n), float(per or 1))
        return out if out[0] > 0 and out[1] > 0 else default
    except ValueError:
        return default


@dataclass
class OutreachSettings:
    database_url: str = ""
    audience: str = DEFAULT_AUDIENCE
    telegram_rate: Tuple[int, float] = (20, 1.0)
    whatsapp_rate: Tuple[int, float] = (30, 1.0)
    batch: int = 100
    lease: float = 300.0
    template: str = "info"
    concurrency: int = 4
    reminder_days_before: int = 3
    worker_name: str = field(default_factory=socket.gethostname)
    log_level: str = "INFO"

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> OutreachSettings:
        env = settings.env
        g = lambda k, d="": (env.get(k) or d).strip()  # noqa: E731
        return cls(database_url=settings.database_url, audience=g("BROADCAST_AUDIENCE", DEFAULT_AUDIENCE),
                   telegram_rate=_rate(g("BROADCAST_TELEGRAM_RATE", "20/1"), (20, 1.0)),
                   whatsapp_rate=_rate(g("BROADCAST_WHATSAPP_RATE", "30/1"), (30, 1.0)),
                   batch=max(1, int(g("BROADCAST_BATCH", "100"))), lease=max(10.0, float(g("BROADCAST_LEASE", "300"))),
                   template=g("BROADCAST_TEMPLATE", "info"),
                   concurrency=max(1, int(g("BROADCAST_WORKER_CONCURRENCY", "4"))),
                   reminder_days_before=min(27, max(0, int(g("REMINDER_DAYS_BEFORE", "3")))),
                   worker_name=g("TELEGRAM_CONSUMER") or socket.gethostname(), log_level=settings.log_level)

    @property
    def on_postgresql(self) -> bool:
        return self.database_url.startswith(("postgresql", "postgres:"))

    def problems(self) -> Dict[str, str]:
        if self.audience.lower() == OFF:
            return {"BROADCAST_AUDIENCE": "is off: broadcasts are switched off"}
        if ":" not in self.audience:
            return {"BROADCAST_AUDIENCE": "must be \"module:function\""}
        return {}
