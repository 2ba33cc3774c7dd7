"""The staff dashboard: an aiohttp app, server-rendered (Mako templates, escaped by default), in Indonesian.

    app = make_app(store, settings)        # aiohttp.web.Application
    python -m bot.dashboard                # serve it on DASHBOARD_PORT

Layout (the app/routes/views split of aio-libs' aiohttp-demos): ``app`` (this module: the factory),
``routes`` (every URL), ``views`` and ``signin`` (the handlers), ``middlewares``, ``render`` (templates),
``keys`` (the ``web.AppKey`` objects views reach the app's state with: ``request.app[STORE]``). Dependency
direction: ``app`` -> ``routes`` -> views -> ``render``/``keys``; nothing imports ``app`` but the entry point.
The dashboard may import ``bot.staff``, ``bot.agents`` and ``bot.config``; none of them imports it.

Security (see docs/staff-guide.md): sign-in only by a one-time link the bot sends (``/dasbor``); a session
cookie (HttpOnly, SameSite=Lax, Secure and ``__Host-`` prefixed behind HTTPS) whose token is stored hashed
and expires; the role is read from the database on every request; every POST carries a CSRF token (and a
foreign ``Origin`` is refused); strict Content-Security-Policy (no inline script or style, nothing from
other sites); no caching of pages; ``Referrer-Policy: same-origin`` so the sign-in link never leaks to
another site.
"""
from __future__ import annotations

from pathlib import Path

from aiohttp import web
from mako.lookup import TemplateLookup

from lingkar.store import Store

from ..config import StaffSettings
from ..staff import auth
from .keys import COMPOSER, SECRET, SETTINGS, STORE, TEMPLATES, Composer
from .middlewares import require_staff, security_headers
from .routes import setup_routes

HERE = Path(__file__).resolve().parent


def make_app(store: Store, settings: StaffSettings | None = None, composer: Composer | None = None
             ) -> web.Application:
    settings = settings or StaffSettings.from_env()
    app = web.Application(middlewares=[security_headers, require_staff], client_max_size=256 * 1024)
    app[STORE] = store
    app[SETTINGS] = settings
    app[COMPOSER] = composer or Composer()
    app[SECRET] = auth.dashboard_secret(store, settings.dashboard_secret)
    app[TEMPLATES] = TemplateLookup(directories=[str(HERE / "templates")], default_filters=["h"],
                                    strict_undefined=True, input_encoding="utf-8")
    setup_routes(app)
    return app


create_app = make_app

__all__ = ["make_app", "create_app"]
