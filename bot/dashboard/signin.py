"""Sign-in views of the dashboard (``/masuk``, ``/keluar``), ``/health`` and ``/``: state through
``request.app[...]`` keys (:mod:`.keys`)."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from lingkar.store import DASHBOARD_ROLES, PEMDA_ROLE
from lingkar.store.aio import run_sync

from ..staff import auth
from .keys import SETTINGS, STORE, cookie_name
from .render import render

log = logging.getLogger("lingkar.dashboard")


async def health(request: web.Request) -> web.Response:
    try:
        pending = await run_sync(request.app[STORE].outbox_pending)
    except Exception as exc:
        return web.json_response({"status": "degraded", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "outbox_pending": pending})


async def signin_page(request: web.Request) -> web.Response:
    token = request.query.get("t", "")
    # GET never uses the token up (link-preview fetchers and prefetchers): the button below does, by POST.
    ok = await run_sync(auth.peek_login_token, request.app[STORE], token)
    if not ok:
        return render(request, "signin_invalid.html", status=403 if token else 401, title="Tautan tidak berlaku")
    return render(request, "signin.html", token=token, title="Masuk")


async def signin(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    store, settings = request.app[STORE], request.app[SETTINGS]
    uid = await run_sync(auth.consume_login_token, store, form.get("t"))
    staff = await run_sync(store.staff_by_telegram_id, uid) if uid is not None else None
    if staff is None or not staff.active or staff.role not in DASHBOARD_ROLES or (
            staff.role == PEMDA_ROLE and not staff.regency):
        log.info("dashboard sign-in refused")
        return render(request, "signin_invalid.html", status=403, title="Tautan tidak berlaku")
    token = await run_sync(auth.create_session, store, uid, settings.session_ttl)
    log.info("dashboard sign-in: staff %s", uid)
    asyncio.get_running_loop().run_in_executor(None, auth.purge_expired, store)
    response = web.HTTPSeeOther("/pemda" if staff.is_pemda else "/leads")
    response.set_cookie(cookie_name(settings), token, max_age=settings.session_ttl, path="/", httponly=True,
                        secure=settings.secure_cookies, samesite="Lax")
    raise response


async def signout(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    await run_sync(auth.end_session, request.app[STORE], request.cookies.get(cookie_name(settings)))
    response = web.HTTPSeeOther("/masuk")
    response.del_cookie(cookie_name(settings), path="/")
    raise response


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/pemda" if request["staff"].is_pemda else "/leads")
