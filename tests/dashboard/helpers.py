"""Run the dashboard on a free port and talk to it like a browser would (cookies, forms)."""
from __future__ import annotations

import contextlib
import re
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot.config import StaffSettings
from bot.dashboard.app import make_app
from bot.dashboard.keys import Composer
from bot.staff import auth
from lingkar.store import Store
from tests.telegram.conftest import free_port


@contextlib.asynccontextmanager
async def running_dashboard(store: Store, composer: Composer | None = None, **over) -> AsyncIterator[StaffSettings]:
    port = free_port()
    settings = StaffSettings(dashboard_host="127.0.0.1", dashboard_port=port,
                             dashboard_base_url=f"http://127.0.0.1:{port}", bot_username="lingkar_test_bot")
    for k, v in over.items():
        setattr(settings, k, v)
    runner = web.AppRunner(make_app(store, settings, composer), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield settings
    finally:
        await runner.cleanup()


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(session: aiohttp.ClientSession, settings: StaffSettings, store: Store, uid: int) -> str:
    """Sign in as ``uid`` through a one-time link, as the bot would send it; returns the leads page HTML."""
    token = auth.create_login_token(store, uid)
    async with session.get(f"{settings.base_url}/masuk", params={"t": token}) as r:
        assert r.status == 200, await r.text()
    async with session.post(f"{settings.base_url}/masuk", data={"t": token}) as r:
        assert r.status == 200 and r.url.path == "/leads", (r.status, r.url)
        return await r.text()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)
