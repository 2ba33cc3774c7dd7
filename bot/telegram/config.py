"""Settings of the Telegram adapter (see ``python -m bot.telegram --help``): a view of the one settings object,
:mod:`lingkar.settings`, which ``python -m bot.telegram`` reads from the environment once."""
from __future__ import annotations

import hashlib
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Tuple
from urllib.parse import urlsplit, urlunsplit

from lingkar.settings import Settings as CoreSettings
from lingkar.settings import current

ROOT = Path(__file__).resolve().parents[2]

DEFAULT_API_URL = "https://api.telegram.org/bot"

# Every variable the adapter reads, with its default and meaning (printed by --help; kept in docs/telegram.md).
ENV_HELP: Tuple[Tuple[str, str, str], ...] = (
    ("TELEGRAM_BOT_TOKEN", "(required)", "bot token from @BotFather"),
    ("TELEGRAM_API_URL", DEFAULT_API_URL, "Bot API base URL; the token is appended (self-hosted or test server)"),
    ("TELEGRAM_MODE", "polling", "polling | webhook"),
    ("TELEGRAM_WEBHOOK_URL", "", "webhook mode: public HTTPS URL Telegram posts to (its path is served)"),
    ("TELEGRAM_WEBHOOK_SECRET", "(derived from the token)", "X-Telegram-Bot-Api-Secret-Token value"),
    ("TELEGRAM_CALLBACK_SECRET", "(derived from the token)",
     "key of the HMAC that binds button data to its chat (forged buttons are refused)"),
    ("TELEGRAM_SET_WEBHOOK", "1", "webhook mode: call setWebhook at start (0 when a deploy step does it)"),
    ("BOT_HOST", "0.0.0.0", "address of the webhook / health server"),
    ("BOT_PORT", "8080", "port of the webhook / health server (0 = any free port; -1 = no server)"),
    ("RASA_URL", "http://localhost:5005", "Rasa server with the REST channel"),
    ("RASA_AUTH_TOKEN", "", "token of Rasa's HTTP API (the /health check of Rasa's tracker store uses it)"),
    ("BOT_HEALTH_TOKEN", "", "Bearer token for /health details from a non-local client (empty: loopback only)"),
    ("BOT_HEALTH_INTERVAL", "5", "seconds: /health?fresh=1 re-runs the back-end checks at most this often"),
    ("RASA_TIMEOUT", "20", "seconds one Rasa request may take"),
    ("RASA_RETRY_BUDGET", "40", "seconds a turn may spend retrying Rasa before the user gets an apology"),
    ("REDIS_URL", "", "Redis for inbox, de-duplication and state; empty = SQLite under LINGKAR_VAR_DIR"),
    ("TELEGRAM_REDIS_PREFIX", "lingkar:tg:", "key prefix of the adapter's Redis keys"),
    ("TELEGRAM_CONSUMER", "(host name)", "Redis consumer name; keep it stable across restarts of one replica"),
    ("LINGKAR_VAR_DIR", "<repo>/var", "directory of the SQLite state file telegram.db"),
    ("TELEGRAM_CONCURRENCY", "32", "chats processed at the same time"),
    ("TELEGRAM_CHAT_RATE", "3/3", "messages per seconds the bot sends to one private chat (burst/period)"),
    ("TELEGRAM_FLOOD", "8/10", "messages per seconds one user may send before the excess is dropped"),
    ("TELEGRAM_SHUTDOWN_GRACE", "20", "seconds a shutdown waits for turns in progress"),
    ("TELEGRAM_POLL_TIMEOUT", "30", "long-polling timeout of getUpdates in seconds"),
    ("TELEGRAM_KNOWN_AGENT_CODES", "", "comma-separated agent codes treated as known (until the agent store exists)"),
    ("TELEGRAM_PLUGINS", "", "comma-separated 'module:function' plugins that add handlers"),
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


def file_url_for(api_url: str) -> str:
    """The file URL that belongs to a Bot API URL: https://host/bot -> https://host/file/bot."""
    parts = urlsplit(api_url)
    path = parts.path
    if path.endswith("/bot"):
        path = path[: -len("/bot")] + "/file/bot"
    else:
        path = path.rstrip("/") + "/file/bot"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass
class Settings:
    token: str
    api_url: str = DEFAULT_API_URL
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    callback_secret: str = ""
    set_webhook: bool = True
    host: str = "0.0.0.0"
    port: int = 8080
    rasa_url: str = "http://localhost:5005"
    rasa_token: str = ""
    health_token: str = ""
    health_interval: float = 5.0
    rasa_timeout: float = 20.0
    rasa_retry_budget: float = 40.0
    redis_url: str = ""
    redis_prefix: str = "lingkar:tg:"
    consumer: str = field(default_factory=socket.gethostname)
    var_dir: Path = ROOT / "var"
    concurrency: int = 32
    chat_rate: Tuple[int, float] = (3, 3.0)
    flood: Tuple[int, float] = (8, 10.0)
    shutdown_grace: float = 20.0
    poll_timeout: int = 30
    known_agent_codes: Tuple[str, ...] = ()
    plugins: Tuple[str, ...] = ()
    log_level: str = "INFO"

    @classmethod
    def from_settings(cls, settings: CoreSettings) -> Settings:
        """The adapter's view of the process's settings."""
        return cls.from_env(settings.env)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """From ``env`` (a dict in tests), or the process's settings (:func:`lingkar.settings.current`)."""
        env = current().env if env is None else env
        g = lambda k, d="": (env.get(k) or d).strip()  # noqa: E731
        s = cls(token=g("TELEGRAM_BOT_TOKEN"))
        s.api_url = g("TELEGRAM_API_URL", DEFAULT_API_URL)
        s.mode = g("TELEGRAM_MODE", "polling").lower()
        s.webhook_url = g("TELEGRAM_WEBHOOK_URL")
        s.webhook_secret = g("TELEGRAM_WEBHOOK_SECRET")
        s.callback_secret = g("TELEGRAM_CALLBACK_SECRET")
        s.set_webhook = g("TELEGRAM_SET_WEBHOOK", "1") not in ("0", "false", "no")
        s.host = g("BOT_HOST", "0.0.0.0")
        s.port = int(g("BOT_PORT", "8080"))
        s.rasa_url = g("RASA_URL", "http://localhost:5005").rstrip("/")
        s.rasa_token = g("RASA_AUTH_TOKEN")
        s.health_token = g("BOT_HEALTH_TOKEN")
        s.health_interval = max(0.0, float(g("BOT_HEALTH_INTERVAL", "5")))
        s.rasa_timeout = float(g("RASA_TIMEOUT", "20"))
        s.rasa_retry_budget = float(g("RASA_RETRY_BUDGET", "40"))
        s.redis_url = g("REDIS_URL")
        s.redis_prefix = g("TELEGRAM_REDIS_PREFIX", "lingkar:tg:")
        s.consumer = g("TELEGRAM_CONSUMER") or socket.gethostname()
        s.var_dir = Path(g("LINGKAR_VAR_DIR") or ROOT / "var")
        s.concurrency = max(1, int(g("TELEGRAM_CONCURRENCY", "32")))
        s.chat_rate = _rate(g("TELEGRAM_CHAT_RATE", "3/3"), (3, 3.0))
        s.flood = _rate(g("TELEGRAM_FLOOD", "8/10"), (8, 10.0))
        s.shutdown_grace = float(g("TELEGRAM_SHUTDOWN_GRACE", "20"))
        s.poll_timeout = int(g("TELEGRAM_POLL_TIMEOUT", "30"))
        s.known_agent_codes = tuple(c.strip() for c in g("TELEGRAM_KNOWN_AGENT_CODES").split(",") if c.strip())
        s.plugins = tuple(p.strip() for p in g("TELEGRAM_PLUGINS").split(",") if p.strip())
        s.log_level = g("LOG_LEVEL", "INFO").upper()
        return s

    # ---- derived values -------------------------------------------------------------------
    @property
    def file_url(self) -> str:
        return file_url_for(self.api_url)

    @property
    def secret(self) -> str:
        """The webhook secret token: configured, or derived from the bot token (A-Z, a-z, 0-9 only)."""
        if self.webhook_secret:
            return self.webhook_secret
        return hashlib.sha256(("lingkar-webhook-secret:" + self.token).encode()).hexdigest()

    @property
    def callback_key(self) -> str:
        """The key that signs inline-button data: configured, or derived from the bot token.

        Derived, every replica and restart of one bot uses the same key with nothing to store or share (Redis
        may be wiped); whoever knows the bot token can act as the bot anyway. Changing it (or the token)
        turns every button already sent into "Tombol ini sudah tidak berlaku".
        """
        if self.callback_secret:
            return self.callback_secret
        return hashlib.sha256(("lingkar-callback-key:" + self.token).encode()).hexdigest()

    @property
    def webhook_path(self) -> str:
        """The path our server accepts updates on: the path of TELEGRAM_WEBHOOK_URL, or a hard-to-guess default."""
        path = urlsplit(self.webhook_url).path if self.webhook_url else ""
        if path in ("", "/"):
            digest = hashlib.sha256(("lingkar-webhook-path:" + self.token).encode()).hexdigest()[:24]
            path = f"/telegram/{digest}"
        return path

    @property
    def public_webhook_url(self) -> str:
        parts = urlsplit(self.webhook_url)
        return urlunsplit((parts.scheme, parts.netloc, self.webhook_path, "", ""))

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "telegram.db"

    def problems(self) -> Dict[str, str]:
        """Configuration errors, by variable name (empty when the settings can run)."""
        out: Dict[str, str] = {}
        if not self.token:
            out["TELEGRAM_BOT_TOKEN"] = "is not set"
        if self.mode not in ("polling", "webhook"):
            out["TELEGRAM_MODE"] = f"must be 'polling' or 'webhook', not {self.mode!r}"
        if self.mode == "webhook" and not self.webhook_url and self.set_webhook:
            out["TELEGRAM_WEBHOOK_URL"] = "is required in webhook mode (or set TELEGRAM_SET_WEBHOOK=0)"
        if self.mode == "webhook" and self.port < 0:
            out["BOT_PORT"] = "webhook mode needs a server port"
        if self.webhook_secret and not all(c.isalnum() or c in "_-" for c in self.webhook_secret):
            out["TELEGRAM_WEBHOOK_SECRET"] = "may only contain A-Z, a-z, 0-9, _ and -"
        return out
