"""The one settings object of a Lingkar process, read once from the environment.

Usage::

    from lingkar.settings import Settings, configure, current
    settings = configure(Settings.from_env())          # an entry point, once, at start
    current().timezone                                  # anywhere else (never os.environ)
    Settings.from_env({"LINGKAR_TODAY": "2026-11-24"})  # tests: from a dict, then configure() or pass it down

Every field below is one environment variable with the default that works on a fresh checkout. Settings that only
one process reads (the Telegram adapter: :class:`bot.telegram.config.Settings`; the staff tools, notifier and
dashboard: :class:`bot.config.StaffSettings`; the action server's and Rasa's ports and tokens) are views built from
:attr:`Settings.env` (the WhatsApp channel's credentials are fields here, its other settings are read by
:class:`bot.whatsapp.config.WhatsAppSettings`), the snapshot this object took: their ``--help`` tables
(``ENV_HELP``) document those variables. No module reads ``os.environ`` for a setting: entry points call
:func:`configure` (or :meth:`Settings.from_env`) once; code that Rasa loads without an entry point of ours gets
:func:`current`, which takes the snapshot on first use.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent

#: The branch's time zone when LINGKAR_TIMEZONE is unset (Kendari: WITA).
DEFAULT_TIMEZONE = "Asia/Makassar"


@dataclass(frozen=True)
class Settings:
    """What every Lingkar process shares (the action server, Rasa's plugins, the adapters, the staff tools)."""

    #: LINGKAR_CONTENT_DIR: the dated, sourced content (facts.yml, answers.yml, slang.yml). Default: <repo>/content.
    content_dir: Path = ROOT / "content"
    #: LINGKAR_VAR_DIR: state files (the SQLite lead store, the adapter's telegram.db). Default: <repo>/var.
    var_dir: Path = ROOT / "var"
    #: DATABASE_URL: SQLAlchemy URL of the lead store. Default: a SQLite file under var_dir.
    database_url: str = ""
    #: REDIS_URL: Redis for conversation state, inbox and events; empty means embedded defaults.
    redis_url: str = ""
    #: LINGKAR_TIMEZONE: the branch's time zone; "today" for every date-dependent fact is taken here.
    timezone: str = DEFAULT_TIMEZONE
    #: LINGKAR_TODAY: freeze "today" (YYYY-MM-DD) for demos and tests; empty means the real date.
    today: str = ""
    #: LINGKAR_METRICS_SALT: salt of the hashed sender ids in the metrics; empty means one kept in the database.
    metrics_salt: str = ""
    #: WHATSAPP_DISPLAY_NUMBER: the WhatsApp business number workers write to, in international digits
    #: (6281234567890; "+62 812-…" and "0812…" are accepted); agents then get a wa.me link too. Empty: no WhatsApp link.
    whatsapp_display_number: str = ""
    #: LOG_LEVEL: logging level of the process.
    log_level: str = "INFO"
    #: WHATSAPP_TOKEN: access token of the WhatsApp Cloud API (a system user's); empty means no WhatsApp channel.
    whatsapp_token: str = ""
    #: WHATSAPP_PHONE_NUMBER_ID: the business phone number's id (messages are sent from it).
    whatsapp_phone_number_id: str = ""
    #: WHATSAPP_APP_SECRET: the Meta app's secret; webhook posts are verified with it (X-Hub-Signature-256).
    whatsapp_app_secret: str = ""
    #: WHATSAPP_VERIFY_TOKEN: the token Meta echoes in the webhook subscription handshake.
    whatsapp_verify_token: str = ""
    #: WHATSAPP_API_URL: the Graph API base including its version (tests point it at a fake).
    whatsapp_api_url: str = "https://graph.facebook.com/v23.0"
    #: The environment snapshot this was built from, for the per-process views (read-only).
    env: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from ``env`` (default: this process's environment, copied once)."""
        snapshot = MappingProxyType(dict(os.environ if env is None else env))
        g = lambda k, d="": (snapshot.get(k) or d).strip()  # noqa: E731
        # LINGKAR_CONTENT_DIR / LINGKAR_VAR_DIR: "" is a valid path only when set (kept as before: os.environ.get).
        content_dir = Path(snapshot.get("LINGKAR_CONTENT_DIR", ROOT / "content"))
        var_dir = Path(snapshot.get("LINGKAR_VAR_DIR", ROOT / "var"))
        return cls(
            content_dir=content_dir,
            var_dir=var_dir,
            database_url=snapshot.get("DATABASE_URL") or f"sqlite:///{var_dir / 'lingkar.db'}",
            redis_url=snapshot.get("REDIS_URL", ""),
            timezone=snapshot.get("LINGKAR_TIMEZONE", DEFAULT_TIMEZONE),
            today=snapshot.get("LINGKAR_TODAY", ""),
            metrics_salt=snapshot.get("LINGKAR_METRICS_SALT", ""),
            whatsapp_display_number=whatsapp_digits(g("WHATSAPP_DISPLAY_NUMBER")),
            log_level=g("LOG_LEVEL", "INFO").upper(),
            whatsapp_token=g("WHATSAPP_TOKEN"),
            whatsapp_phone_number_id=g("WHATSAPP_PHONE_NUMBER_ID"),
            whatsapp_app_secret=g("WHATSAPP_APP_SECRET"),
            whatsapp_verify_token=g("WHATSAPP_VERIFY_TOKEN"),
            whatsapp_api_url=g("WHATSAPP_API_URL", "https://graph.facebook.com/v23.0").rstrip("/"),
            env=snapshot,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def whatsapp_digits(value: str | None) -> str:
    """A phone number as wa.me wants it: international digits only ("+62 812-3456-7890" and "0812 3456 7890" ->
    "6281234567890"; a leading 0 is taken as Indonesia's). Empty for empty; whatever else is given, its digits
    (``bot.config.StaffSettings.problems`` reports a number too short or too long)."""
    digits = "".join(ch for ch in str(value or "") if ch.isascii() and ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


_current: Settings | None = None


def configure(settings: Settings) -> Settings:
    """Make ``settings`` this process's settings (entry points at start; tests with one built from a dict)."""
    global _current
    _current = settings
    return settings


def current() -> Settings:
    """This process's settings: what :func:`configure` was given, else the environment read once, now."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def reset() -> None:
    """Forget the settings (tests): the next :func:`current` reads the environment again."""
    global _current
    _current = None
