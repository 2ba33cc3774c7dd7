"""The base of the adapter plugins that work on the lead store (staff tools, agent tools).

A plugin gets the adapter only through :class:`bot.telegram.registry.PluginContext` (backed by the narrow
:class:`~bot.telegram.registry.PluginHost` protocol), never the whole ``Adapter``. Dependency direction:
``bot.telegram`` and ``bot.config`` <- this module <- ``bot.agents`` <- ``bot.staff`` <- ``bot.dashboard``;
this module imports none of the feature packages.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from lingkar.identity import install_log_filter
from lingkar.store import Store

from .config import StaffSettings
from .telegram.dispatcher import Turn
from .telegram.registry import PluginContext


async def once(key: str, fn: Callable[[], Awaitable[Any]]) -> Any:
    """A crash-safe step of the current turn (run once per update, result recorded)."""
    turn = Turn.current()
    return await (turn.once(key, fn) if turn is not None else fn())


class StorePlugin:
    """What the staff and agent plugins share: the lead store (created by the entry function that installs the
    plugin, see :mod:`lingkar.store.provider`), the staff settings (the environment unless given) and, once
    installed, the adapter's plugin context."""

    def __init__(self, store: Store, settings: StaffSettings | None = None):
        self.store = store
        self.settings = settings or StaffSettings.from_env()
        self.ctx: PluginContext | None = None

    async def open(self, ctx: PluginContext) -> None:
        """The first step of ``setup``: personal data kept out of the logs and the context kept."""
        install_log_filter()
        self.ctx = ctx


__all__ = ["StorePlugin", "once"]
