"""What the dashboard's ``web.Application`` holds, as typed keys (``request.app[STORE]``), and the cookie name.

Views and middlewares reach the app's state only through these keys; they never import :mod:`.app`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from aiohttp import web
from mako.lookup import TemplateLookup

from lingkar.store import Store

from ..config import StaffSettings


@dataclass
class Composer:
    """What the broadcast pages need besides the store: the audience (``bot.outreach.audience.Audience``; None:
    broadcasts are off), ``jobs(scheduled_at)`` giving the first jobs written when a broadcast is approved (None:
    the workers' sweep queues them), and the WhatsApp template used outside the 24-hour window."""
    audience: Any = None
    jobs: Callable[[Any], Any] | None = None
    template: str = "info"


STORE = web.AppKey("store", Store)
COMPOSER = web.AppKey("composer", Composer)
SETTINGS = web.AppKey("settings", StaffSettings)
SECRET = web.AppKey("secret", str)
TEMPLATES = web.AppKey("templates", TemplateLookup)


def cookie_name(settings: StaffSettings) -> str:
    return "__Host-lingkar" if settings.secure_cookies else "lingkar_session"


__all__ = ["Composer", "COMPOSER", "STORE", "SETTINGS", "SECRET", "TEMPLATES", "cookie_name"]
