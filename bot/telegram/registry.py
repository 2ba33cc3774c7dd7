"""How features add their own commands, buttons and handlers to the adapter (plugins).

A plugin is a function ``setup(ctx: PluginContext) -> None`` (optionally async), named in
``TELEGRAM_PLUGINS`` as ``module:function`` or passed to :class:`bot.telegram.app.Adapter` directly::

    async def leads_command(update, context):
        turn = Turn.current()                     # crash-safe sending (see docs/telegram.md)
        await ctx.send_text(update.effective_chat.id, "Daftar lead: ...")

    def setup(ctx):
        ctx.add_command("leads", leads_command, description="Daftar lead terbuka", menu=False,
                        private_only=False)
        ctx.add_callback("lead", on_lead_button)  # callback_data "lead:<...>" (your own, ≤ 64 bytes)
        ctx.known_agent_codes = agent_store.is_known_code

A plugin sees the adapter only through :class:`PluginContext`, which reaches it through the narrow
:class:`PluginHost` protocol (settings, the inbox, the Rasa client, the bot, ``send_text``): plugins never import
:mod:`bot.telegram.app`, and this module imports nothing of the adapter (dependency direction: ``app`` ->
``handlers`` -> ``registry``; feature packages -> ``registry``).

Plugin handlers are tried before the adapter's own catch-all handlers (unknown command, plain text to
Rasa, non-text answers), so a plugin command never reaches Rasa. Callback prefixes ``r`` and ``m`` are
the adapter's (Rasa buttons). Handlers run inside the update's :class:`~bot.telegram.dispatcher.Turn`,
with per-chat ordering and the inbox's delivery guarantee.
"""
from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Protocol, Set, Tuple, Union

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

if TYPE_CHECKING:  # pragma: no cover
    from telegram import Bot
    from telegram.ext import Application

    from bot.core.inbox import Inbox
    from bot.core.rasa import RasaClient

    from .config import Settings

HandlerCallback = Callable[..., Awaitable[Any]]
KnownCodes = Callable[[str], Union[bool, Awaitable[bool]]]
HealthCheck = Callable[[], Awaitable[Dict[str, Any]]]

RESERVED_PREFIXES = {"r", "m"}
PRIORITY_PLUGIN = 0       # plugin handlers
PRIORITY_CORE = 50        # the adapter's commands and Rasa buttons
PRIORITY_FALLBACK = 100   # catch-alls: text to Rasa, unknown command, non-text


@dataclass
class CommandInfo:
    name: str
    description: str | None
    menu: bool


@dataclass
class Registry:
    handlers: List[Tuple[int, int, BaseHandler]] = field(default_factory=list)
    commands: Dict[str, CommandInfo] = field(default_factory=dict)
    callback_prefixes: Set[str] = field(default_factory=set)
    allowed_updates: Set[str] = field(default_factory=lambda: {
        "message", "edited_message", "callback_query", "my_chat_member"})
    health_checks: Dict[str, HealthCheck] = field(default_factory=dict)

    def add(self, handler: BaseHandler, priority: int = PRIORITY_PLUGIN) -> None:
        self.handlers.append((priority, len(self.handlers), handler))

    def ordered(self) -> List[BaseHandler]:
        return [h for _, _, h in sorted(self.handlers, key=lambda t: (t[0], t[1]))]

    def menu_commands(self) -> List[Tuple[str, str]]:
        return [(c.name, c.description) for c in self.commands.values() if c.menu and c.description]


class PluginHost(Protocol):
    """What plugins need of the adapter (:class:`bot.telegram.app.Adapter` is one): nothing more."""

    settings: Settings
    store: Inbox                      # the adapter's inbox and small per-user state (not the lead store)
    rasa: RasaClient
    known_agent_codes: KnownCodes
    application: Application

    async def send_text(self, chat_id: int, text: str, markup: Dict[str, Any] | None = None,
                        html: bool = False) -> int | None: ...


class PluginContext:
    """What a plugin's ``setup`` receives."""

    def __init__(self, host: PluginHost, registry: Registry, priority: int = PRIORITY_PLUGIN):
        self.host = host
        self.registry = registry
        self.priority = priority

    # things a plugin may use
    @property
    def settings(self) -> Settings:
        return self.host.settings

    @property
    def inbox(self) -> Inbox:
        """The adapter's inbox: also small per-user state (``get_flag``/``set_flag``)."""
        return self.host.store

    @property
    def rasa(self) -> RasaClient:
        return self.host.rasa

    @property
    def bot(self) -> Bot:
        """The Bot API client (for edits and replies outside ``send_text``)."""
        return self.host.application.bot

    @property
    def known_agent_codes(self) -> KnownCodes:
        return self.host.known_agent_codes

    @known_agent_codes.setter
    def known_agent_codes(self, fn: KnownCodes) -> None:
        """Replace how referral codes are checked (``code -> bool``, sync or async)."""
        self.host.known_agent_codes = fn

    async def send_text(self, chat_id: int, text: str, markup: Dict[str, Any] | None = None,
                        html: bool = False) -> int | None:
        """Send a text (plain, escaped for you unless ``html=True``) as a crash-safe step of the current turn."""
        return await self.host.send_text(chat_id, text, markup=markup, html=html)

    # registration
    def add_command(self, name: str, callback: HandlerCallback, description: str | None = None, *,
                    menu: bool = True, private_only: bool = True) -> None:
        """``/name`` -> ``callback(update, context)``; ``description`` + ``menu`` put it in Telegram's menu."""
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
            raise ValueError(f"invalid command name {name!r}")
        if name in self.registry.commands:
            raise ValueError(f"command /{name} is already registered")
        flt = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE if private_only else filters.UpdateType.MESSAGE
        self.registry.add(CommandHandler(name, callback, filters=flt), self.priority)
        self.registry.commands[name] = CommandInfo(name, description, menu and description is not None)

    def add_callback(self, prefix: str, callback: HandlerCallback) -> None:
        """Buttons whose ``callback_data`` is ``"<prefix>:..."`` -> ``callback(update, context)``.

        Callback data comes from the user's client and can be forged: check permissions in the callback.
        """
        if not re.fullmatch(r"[A-Za-z0-9_]{1,16}", prefix):
            raise ValueError(f"invalid callback prefix {prefix!r}")
        if prefix in self.registry.callback_prefixes or (
                prefix in RESERVED_PREFIXES and self.priority != PRIORITY_CORE):
            raise ValueError(f"callback prefix {prefix!r} is taken")
        self.registry.callback_prefixes.add(prefix)
        self.registry.add(CallbackQueryHandler(callback, pattern=f"^{re.escape(prefix)}:"), self.priority)

    def add_handler(self, handler: BaseHandler, *, fallback: bool = False) -> None:
        """Any python-telegram-bot handler; ``fallback=True`` puts it after the adapter's own handlers."""
        self.registry.add(handler, PRIORITY_FALLBACK + 1 if fallback else self.priority)

    def add_update_handler(self, handler: BaseHandler, group: int) -> None:
        """A handler in its own python-telegram-bot group (negative groups run before every handler)."""
        self.host.application.add_handler(handler, group=group)

    def allow_updates(self, *kinds: str) -> None:
        """Ask Telegram for more update kinds (e.g. ``"chat_member"``)."""
        self.registry.allowed_updates.update(kinds)

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        """``check()`` -> dict shown under ``checks.<name>`` in /health; ``{"degraded": True}`` marks it."""
        self.registry.health_checks[name] = check


PluginSetup = Callable[[PluginContext], Union[None, Awaitable[None]]]


def load_plugin(spec: Union[str, PluginSetup]) -> PluginSetup:
    if callable(spec):
        return spec
    module, _, func = spec.partition(":")
    fn = getattr(importlib.import_module(module), func or "setup")
    if not callable(fn):
        raise TypeError(f"plugin {spec!r} is not callable")
    return fn


async def run_setup(fn: PluginSetup, ctx: PluginContext) -> None:
    result = fn(ctx)
    if inspect.isawaitable(result):
        await result
