"""The Telegram channel's entry for ``python -m bot.channels`` (:data:`bot.channels.CHANNELS`)."""
from __future__ import annotations

from typing import Any

from bot.core.delivery import DeliveryReporter
from bot.core.server import HttpHost

from .config import Settings


def from_settings(settings: Any, host: HttpHost):
    """The Telegram adapter on the shared ``host``, or None when TELEGRAM_BOT_TOKEN is not set.

    Raises ValueError on other configuration errors (they are worth stopping for)."""
    tg = Settings.from_settings(settings)
    if not tg.token:
        return None
    problems = tg.problems()
    if problems:
        raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
    from .app import Adapter

    return Adapter(tg, host=host, deliveries=DeliveryReporter("telegram"))
