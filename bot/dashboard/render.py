"""Rendering a dashboard page (Mako, every value HTML-escaped) and the branch's local date; used by the views
and the middlewares."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from lingkar.clock import zone
from lingkar.store import StaffUser, Store

from ..staff import auth
from ..staff.cards import channel_label
from .keys import SECRET, TEMPLATES


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a template with the request's staff member and CSRF token (every value HTML-escaped)."""
    staff: StaffUser | None = request.get("staff")
    session = request.get("session")
    base = {"staff": staff, "csrf": auth.csrf_token(request.app[SECRET], session.key) if session else "",
            "section": "", "title": "Dasbor", "flash": request.get("flash"), "is_admin": bool(staff and staff.is_admin),
            "channel_label": channel_label,
            "qs": lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})}
    base.update(context)
    html = request.app[TEMPLATES].get_template(template).render(**base)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def today_local(store: Store) -> dt.date:
    return store.now().astimezone(zone()).date()


__all__ = ["render", "today_local"]
