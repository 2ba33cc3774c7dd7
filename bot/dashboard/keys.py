"""What the dashboard's ``web.Application`` holds, as typed keys (``request.app[STORE]``), and the cookie name.

Views and middlewares reach the app's state only through these keys; they never import :mod:`.app`.
"""
from __future__ import annotations

from aiohttp import web
from mako.lookup import TemplateLookup

from lingkar.store import Store

from ..config import StaffSettings

STORE = web.AppKey("store", Store)
SETTINGS = web.AppKey("settings", StaffSettings)
SECRET = web.AppKey("secret", str)
TEMPLATES = web.AppKey("templates", TemplateLookup)


def cookie_name(settings: StaffSettings) -> str:
    return "__Host-lingkar" if settings.secure_cookies else "lingkar_session"


__all__ = ["STORE", "SETTINGS", "SECRET", "TEMPLATES", "cookie_name"]
