"""The WhatsApp channel's entry for ``python -m bot.channels`` (:data:`bot.channels.CHANNELS`)."""
from __future__ import annotations

from typing import Any

from bot.core.server import HttpHost

from .config import WhatsAppSettings


def from_settings(settings: Any, host: HttpHost):
    """The WhatsApp channel on the shared ``host`` (path /webhooks/whatsapp), or None when WHATSAPP_TOKEN is not set.

    Raises ValueError on other configuration errors (a missing app secret among them: the webhook could not be
    verified)."""
    wa = WhatsAppSettings.from_settings(settings)
    if not wa.configured:
        return None
    problems = wa.problems()
    if problems:
        raise ValueError("; ".join(f"{k} {v}" for k, v in problems.items()))
    from .app import WhatsAppAdapter

    return WhatsAppAdapter(wa, host=host)
