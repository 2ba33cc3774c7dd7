"""Every configured channel in one process, on one HTTP server (BOT_PORT): ``python -m bot.channels``.

Each channel is a ``"module:function"`` entry of :data:`CHANNELS`; the function gets the process's settings
(:class:`lingkar.settings.Settings`) and the shared :class:`bot.core.server.HttpHost`, and returns the channel's
runner, or None when the channel is not configured (Telegram: no ``TELEGRAM_BOT_TOKEN``; WhatsApp: no
``WHATSAPP_TOKEN``). A runner has ``name``, ``async prepare()`` (open its store, add its routes to the host),
``async go()`` (start taking updates once the host listens) and ``async stop()``. Adding a channel is one line
here (docs/architecture.md, "Delivery core"); the entries are strings, so this package imports no channel (and no
channel imports it).
"""
from __future__ import annotations

import importlib
import logging
from typing import Any, Dict, List

from bot.core.server import HttpHost

log = logging.getLogger("lingkar.channels")

#: channel name -> "module:function" that builds its runner (see the module docstring)
CHANNELS: Dict[str, str] = {
    "telegram": "bot.telegram.channel:from_settings",
    "whatsapp": "bot.whatsapp.channel:from_settings",
}


def build(settings: Any, host: HttpHost, only: List[str] | None = None) -> List[Any]:
    """The runners of the configured channels (of ``only``, if given), in :data:`CHANNELS` order."""
    runners = []
    for name, spec in CHANNELS.items():
        if only and name not in only:
            continue
        module, _, fn = spec.partition(":")
        runner = getattr(importlib.import_module(module), fn)(settings, host)
        if runner is not None:
            runners.append(runner)
    return runners


class Channels:
    """Runs ``runners`` on ``host``: ``await Channels(host, runners).start()`` ... ``await .stop()``."""

    def __init__(self, host: HttpHost, runners: List[Any]):
        self.host, self.runners = host, runners

    async def start(self) -> None:
        for r in self.runners:
            await r.prepare()
        await self.host.start()
        for r in self.runners:
            await r.go()
        log.info("channels %s on port %s (%s)", ", ".join(r.name for r in self.runners), self.host.port,
                 ", ".join(self.host.routes) or "/health")

    async def stop(self) -> None:
        for r in reversed(self.runners):
            try:
                await r.stop()
            except Exception as exc:
                log.error("stopping %s: %s", r.name, exc)
        await self.host.stop()
