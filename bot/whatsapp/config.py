"""Settings of the WhatsApp channel (see ``python -m bot.whatsapp --help``): a view of the one settings object,
:mod:`lingkar.settings`, which the entry point reads from the environment once."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Tuple

from lingkar.settings import Settings as CoreSettings
from lingkar.settings import current

ROOT = Path(__file__).resolve().parents[2]

DEFAULT_API_URL = "https://graph.facebook.com/v23.0"
WEBHOOK_PATH = "/webhooks/whatsapp"

# Every variable the channel reads, with its default and meaning (printed by --help; kept in docs/whatsapp.md).
ENV_HELP: Tuple[Tuple[str, str, str], ...] = (
    ("WHATSAPP_TOKEN", "(required)", "access token of the Cloud API (a system user's permanent token)"),
    ("WHATSAPP_PHONE_NUMBER_ID", "(required)", "id of the business phone number the bot sends from"),
    ("WHATSAPP_APP_SECRET", "(required)", "the Meta app's secret: every webhook post must be signed with it"),
    ("WHATSAPP_VERIFY_TOKEN", "(required)", "the token of the webhook subscription handshake (hub.verify_token)"),
    ("WHATSAPP_API_URL", DEFAULT_API_URL, "Graph API base including its version (tests: the fake)"),
    ("WHATSAPP_TEMPLATES", "content/whatsapp_templates.yml", "registry of approved message templates"),
    ("WHATSAPP_RATE", "40/1", "messages per seconds the bot sends in all (the number's throughput)"),
    ("WHATSAPP_CHAT_RATE", "5/6", "messages per seconds the bot sends to one person (Meta's pair limit)"),
    ("WHATSAPP_SEND_RETRY_BUDGET", "60", "seconds of one series of retries (429/5xx); then it starts over: a "
                                          "message is retried until sent or the channel stops"),
    ("WHATSAPP_REDIS_PREFIX", "lingkar:whatsapp:", "key prefix of the channel's Redis keys (state: <prefix>state:)"),
    ("WHATSAPP_CONCURRENCY", "32", "conversations processed at the same time"),
    ("BOT_HOST", "0.0.0.0", "address of the webhook / health server"),
    ("BOT_PORT", "8080", f"port of the webhook / health server (the webhook is {WEBHOOK_PATH})"),
    ("RASA_URL", "http://localhost:5005", "Rasa server with the REST channel"),
    ("RASA_TIMEOUT", "20", "seconds one Rasa request may take"),
    ("RASA_RETRY_BUDGET", "40", "seconds a turn may spend retrying Rasa before the user gets an apology"),
    ("REDIS_URL", "", "Redis for inbox, de-duplication and state; empty = SQLite under LINGKAR_VAR_DIR"),
    ("TELEGRAM_CONSUMER", "(host name)", "Redis consumer name of this replica (shared with the Telegram adapter)"),
    ("LINGKAR_VAR_DIR", "<repo>/var", "directory of the SQLite files whatsapp.db (inbox) and whatsapp-state.db"),
    ("LOG_LEVEL", "INFO", "logging level"),
)


def _rate(value: str, default: Tuple[int, float]) -> Tuple[int, float]:
    try:
        n, _, period = value.partition("/")
        parsed = (int(n), float(period or 1))
        if parsed[0] <= 0 or parsed[1] <= 0:
            raise ValueError
        return parsed
    except ValueError:
        return default


@dataclass
class WhatsAppSettings:
    token: str = ""
    phone_number_id: str = ""
    app_secret: str = ""
    verify_token: str = ""
    api_url: str = DEFAULT_API_URL
    templates_path: Path = ROOT / "content" / "whatsapp_templates.yml"
    rate: Tuple[int, float] = (40, 1.0)
    chat_rate: Tuple[int, float] = (5, 6.0)
    send_retry_budget: float = 60.0
    host: str = "0.0.0.0"
    port: int = 8080
    rasa_url: str = "http://localhost:5005"
    rasa_timeout: float = 20.0
    rasa_retry_budget: float = 40.0
    redis_url: str = ""
    redis_prefix: str = "lingkar:whatsapp:"
    consumer: str = field(default_factory=socket.gethostname)
    var_dir: Path = ROOT / "var"
    concurrency: int = 32
    shutdown_grace: float = 20.0
    log_level: str = "INFO"
    notice_interval: float = 2.0   # seconds between looks for status notices to send (bot/core/notices.py)

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> WhatsAppSettings:
        """The channel's view of the process's settings."""
        env = settings.env
        g = lambda k, d="": (env.get(k) or d).strip()  # noqa: E731
        s = cls(token=settings.whatsapp_token, phone_number_id=settings.whatsapp_phone_number_id,
                app_secret=settings.whatsapp_app_secret, verify_token=settings.whatsapp_verify_token,
                api_url=settings.whatsapp_api_url)
        tpl = g("WHATSAPP_TEMPLATES")
        s.templates_path = Path(tpl) if tpl else settings.content_dir / "whatsapp_templates.yml"
        s.rate = _rate(g("WHATSAPP_RATE", "40/1"), (40, 1.0))
        s.chat_rate = _rate(g("WHATSAPP_CHAT_RATE", "5/6"), (5, 6.0))
        s.send_retry_budget = max(0.0, float(g("WHATSAPP_SEND_RETRY_BUDGET", "60")))
        s.host = g("BOT_HOST", "0.0.0.0")
        s.port = int(g("BOT_PORT", "8080"))
        s.rasa_url = g("RASA_URL", "http://localhost:5005").rstrip("/")
        s.rasa_timeout = float(g("RASA_TIMEOUT", "20"))
        s.rasa_retry_budget = float(g("RASA_RETRY_BUDGET", "40"))
        s.redis_url = settings.redis_url.strip()
        s.redis_prefix = g("WHATSAPP_REDIS_PREFIX", "lingkar:whatsapp:")
        s.consumer = g("TELEGRAM_CONSUMER") or socket.gethostname()
        s.var_dir = settings.var_dir
        s.concurrency = max(1, int(g("WHATSAPP_CONCURRENCY", "32")))
        s.log_level = settings.log_level
        return s

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WhatsAppSettings:
        """From ``env`` (a dict in tests), or the process's settings (:func:`lingkar.settings.current`)."""
        return cls.from_settings(current() if env is None else CoreSettings.from_env(env))

    @property
    def configured(self) -> bool:
        return bool(self.token)

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "whatsapp.db"

    def problems(self) -> Dict[str, str]:
        """Configuration errors, by variable name (empty when the channel can run)."""
        out: Dict[str, str] = {}
        for name, value in (("WHATSAPP_TOKEN", self.token), ("WHATSAPP_PHONE_NUMBER_ID", self.phone_number_id),
                            ("WHATSAPP_VERIFY_TOKEN", self.verify_token)):
            if not value:
                out[name] = "is not set"
        if not self.app_secret:
            out["WHATSAPP_APP_SECRET"] = ("is not set: without it webhook posts cannot be verified, and anyone "
                                          "could post messages in a worker's name")
        if self.port < 0:
            out["BOT_PORT"] = "the WhatsApp webhook needs a server port"
        if not self.api_url.startswith(("http://", "https://")):
            out["WHATSAPP_API_URL"] = f"must be an http(s) URL, not {self.api_url!r}"
        return out
