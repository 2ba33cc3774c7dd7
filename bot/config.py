"""Settings of the lead-store features (staff and agent tools in Telegram, notifier, reminders, dashboard): a view
of the one settings object (:mod:`lingkar.settings`); the time zone they show times in is :func:`lingkar.clock.zone`.

A leaf of ``bot/``: it imports nothing of the other ``bot`` packages, so ``bot.agents``, ``bot.staff`` and
``bot.dashboard`` can all import it.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass, field
from typing import Mapping, Tuple
from urllib.parse import urlsplit

from lingkar.settings import DEFAULT_TIMEZONE, current, whatsapp_digits
from lingkar.settings import Settings as CoreSettings

DEFAULT_API_URL = "https://api.telegram.org/bot"

# Every variable the staff tools read: (name, default, meaning). Printed by --help; kept in docs/staff-guide.md.
ENV_HELP: Tuple[Tuple[str, str, str], ...] = (
    ("TELEGRAM_BOT_TOKEN", "required for the notifier", "bot token from @BotFather"),
    ("TELEGRAM_API_URL", DEFAULT_API_URL, "Bot API base URL (self-hosted or test server)"),
    ("TELEGRAM_BOT_USERNAME", "asked from Telegram: getMe", "bot username for agent links t.me/<bot>"),
    ("WHATSAPP_DISPLAY_NUMBER", "", "the WhatsApp business number workers write to (international digits, e.g. "
                                    "6281234567890): agents also get a wa.me link, its QR code and a poster with both; "
                                    "empty = Telegram link only"),
    ("STAFF_CHAT_ID", "", "the staff group's chat id (e.g. -1001234567890): new leads, applications, reminders; "
                      "staff commands and buttons work only there and in private chats"),
    ("STAFF_ADMIN_TELEGRAM_ID", "", "Telegram user id of the first staff admin (made admin at start)"),
    ("STAFF_REMINDER_HOUR", "8", "local hour (WITA) from which the daily reminder of untouched leads is posted"),
    ("STAFF_STALE_HOURS", "48", "a lead nobody touched for this many hours is in the daily reminder"),
    ("STAFF_NOTIFY_CAP", "5", "staff notifications about one sender (leads, handoffs) posted per 24 hours; further "
                          "ones are recorded, not posted (0 = no cap)"),
    ("AGENT_REAPPLY_COOLDOWN_DAYS", "7", "days a rejected agent applicant waits before applying again (0 = none)"),
    ("NOTIFIER_CONSUMER", "host name + pid", "name the notifier claims outbox events under"),
    ("NOTIFIER_LEASE", "60", "seconds an outbox event stays with the notifier that claimed it"),
    ("NOTIFIER_INTERVAL", "2", "seconds between outbox polls when idle"),
    ("LEAD_RETENTION_DAYS", "365", "days a closed lead/handoff is kept after its last change, then deleted"),
    ("RETENTION_INTERVAL", "3600", "seconds between two runs of that retention job in the notifier (0 = off)"),
    ("DASHBOARD_HOST", "0.0.0.0", "address the dashboard listens on"),
    ("DASHBOARD_PORT", "8081", "port of the dashboard (0 = any free port)"),
    ("DASHBOARD_BASE_URL", "http://localhost:<port>", "public URL of the dashboard (sign-in links point there)"),
    ("DASHBOARD_SECRET", "generated once, kept in the database", "key for CSRF tokens"),
    ("DASHBOARD_LOGIN_TTL", "600", "seconds a one-time sign-in link is valid"),
    ("DASHBOARD_SESSION_TTL", "43200", "seconds a dashboard session lasts (12 hours)"),
    ("DATABASE_URL", "sqlite:///var/lingkar.db", "the lead store (shared with the action server)"),
    ("LINGKAR_TIMEZONE", DEFAULT_TIMEZONE, "the branch's time zone"),
)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"not a whole number: {value!r}") from None


@dataclass
class StaffSettings:
    token: str = ""
    api_url: str = DEFAULT_API_URL
    bot_username: str = ""
    whatsapp_number: str = ""
    staff_chat_id: int | None = None
    admin_telegram_id: int | None = None
    reminder_hour: int = 8
    stale_hours: float = 48.0
    notify_cap: int = 5
    agent_cooldown_days: float = 7.0
    consumer: str = field(default_factory=lambda: f"notifier-{socket.gethostname()}-{os.getpid()}")
    lease: float = 60.0
    interval: float = 2.0
    dashboard_host: str = "0.0.0.0"
    dashboard_port: int = 8081
    dashboard_base_url: str = ""
    dashboard_secret: str = ""
    login_ttl: int = 600
    session_ttl: int = 12 * 3600
    timezone: str = DEFAULT_TIMEZONE
    retention_interval: float = 3600.0

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> StaffSettings:
        """The staff tools' view of the process's settings."""
        return cls.from_env(settings.env)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StaffSettings:
        """From ``env`` (a dict in tests), or the process's settings (:func:`lingkar.settings.current`)."""
        env = current().env if env is None else env
        g = lambda k, d="": (env.get(k) or d).strip()  # noqa: E731
        s = cls()
        s.token = g("TELEGRAM_BOT_TOKEN")
        s.api_url = g("TELEGRAM_API_URL", DEFAULT_API_URL)
        s.bot_username = g("TELEGRAM_BOT_USERNAME").lstrip("@")
        s.whatsapp_number = whatsapp_digits(g("WHATSAPP_DISPLAY_NUMBER"))
        s.staff_chat_id = _int(g("STAFF_CHAT_ID"))
        s.admin_telegram_id = _int(g("STAFF_ADMIN_TELEGRAM_ID"))
        s.reminder_hour = min(23, max(0, int(g("STAFF_REMINDER_HOUR", "8"))))
        s.stale_hours = float(g("STAFF_STALE_HOURS", "48"))
        s.notify_cap = max(0, int(g("STAFF_NOTIFY_CAP", "5")))
        s.agent_cooldown_days = max(0.0, float(g("AGENT_REAPPLY_COOLDOWN_DAYS", "7")))
        s.consumer = g("NOTIFIER_CONSUMER") or s.consumer
        s.lease = float(g("NOTIFIER_LEASE", "60"))
        s.interval = float(g("NOTIFIER_INTERVAL", "2"))
        s.dashboard_host = g("DASHBOARD_HOST", "0.0.0.0")
        s.dashboard_port = int(g("DASHBOARD_PORT", "8081"))
        s.dashboard_base_url = g("DASHBOARD_BASE_URL").rstrip("/")
        s.dashboard_secret = g("DASHBOARD_SECRET")
        s.login_ttl = int(g("DASHBOARD_LOGIN_TTL", "600"))
        s.session_ttl = int(g("DASHBOARD_SESSION_TTL", str(12 * 3600)))
        s.timezone = g("LINGKAR_TIMEZONE", DEFAULT_TIMEZONE)
        try:  # an unusable value is reported by problems(notifier=True), before the notifier starts
            s.retention_interval = float(g("RETENTION_INTERVAL") or 3600)
        except ValueError:
            pass
        return s

    @property
    def agent_cooldown(self) -> dt.timedelta:
        return dt.timedelta(days=self.agent_cooldown_days)

    @property
    def base_url(self) -> str:
        """Where sign-in links point: DASHBOARD_BASE_URL, else http://localhost:<port>."""
        return self.dashboard_base_url or f"http://localhost:{self.dashboard_port}"

    @property
    def secure_cookies(self) -> bool:
        """Cookies get the Secure flag (and the __Host- prefix) whenever the dashboard is served over HTTPS."""
        return urlsplit(self.base_url).scheme == "https"

    def problems(self, notifier: bool = False) -> dict:
        out = {}
        if notifier and not self.token:
            out["TELEGRAM_BOT_TOKEN"] = "is not set"
        if notifier and self.staff_chat_id is None:
            out["STAFF_CHAT_ID"] = "is not set (the staff group's chat id)"
        if notifier:
            out.update(retention_problems())
        if self.whatsapp_number and not 8 <= len(self.whatsapp_number) <= 15:
            out["WHATSAPP_DISPLAY_NUMBER"] = "must be a phone number in international digits (e.g. 6281234567890)"
        if self.dashboard_base_url and urlsplit(self.dashboard_base_url).scheme not in ("http", "https"):
            out["DASHBOARD_BASE_URL"] = "must start with https:// (or http:// for local use)"
        return out


def retention_problems(env: Mapping[str, str] | None = None) -> dict:
    """LEAD_RETENTION_DAYS / RETENTION_INTERVAL that the notifier's retention job cannot use."""
    from lingkar.store.retention import lead_retention_days

    env = current().env if env is None else env
    out = {}
    try:
        lead_retention_days(env)
    except ValueError:
        out["LEAD_RETENTION_DAYS"] = "must be a positive number of days (default 365)"
    try:
        if float((env.get("RETENTION_INTERVAL") or "3600").strip()) < 0:
            raise ValueError
    except ValueError:
        out["RETENTION_INTERVAL"] = "must be a number of seconds, 0 or more (default 3600)"
    return out


def new_secret() -> str:
    return secrets.token_urlsafe(32)
