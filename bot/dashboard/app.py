"""The staff dashboard: an aiohttp app, server-rendered (Mako templates, escaped by default), in Indonesian.

    app = make_app(store, settings)        # aiohttp.web.Application
    python -m bot.dashboard                # serve it on DASHBOARD_PORT

Security (see docs/staff-guide.md): sign-in only by a one-time link the bot sends (``/dasbor``); a session
cookie (HttpOnly, SameSite=Lax, Secure and ``__Host-`` prefixed behind HTTPS) whose token is stored hashed
and expires; the role is read from the database on every request; every POST carries a CSRF token (and a
foreign ``Origin`` is refused); strict Content-Security-Policy (no inline script or style, nothing from
other sites); no caching of pages; ``Referrer-Policy: same-origin`` so the sign-in link never leaks to
another site.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from mako.lookup import TemplateLookup

from lingkar.store import StaffUser, Store

from ..staff.config import StaffSettings
from . import auth

log = logging.getLogger("lingkar.dashboard")

HERE = Path(__file__).resolve().parent
STAFF_ROLES = ("admin", "staff")
PUBLIC_PATHS = ("/health", "/masuk", "/static/")

STORE = web.AppKey("store", Store)
SETTINGS = web.AppKey("settings", StaffSettings)
SECRET = web.AppKey("secret", str)
TEMPLATES = web.AppKey("templates", TemplateLookup)

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cookie_name(settings: StaffSettings) -> str:
    return "__Host-lingkar" if settings.secure_cookies else "lingkar_session"


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a template with the request's staff member and CSRF token (every value HTML-escaped)."""
    staff: StaffUser | None = request.get("staff")
    session = request.get("session")
    base = {"staff": staff, "csrf": auth.csrf_token(request.app[SECRET], session.key) if session else "",
            "section": "", "title": "Dasbor", "flash": request.get("flash"), "is_admin": bool(staff and staff.is_admin),
            "qs": lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})}
    base.update(context)
    html = request.app[TEMPLATES].get_template(template).render(**base)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


# ---------------------------------------------------------------------------------------------- middlewares
@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _headers(response, request)
        raise
    _headers(response, request)
    return response


def _headers(response: web.StreamResponse, request: web.Request) -> None:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")  # never to other sites (sign-in links carry a token)
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith("/static/"):
        h.setdefault("Cache-Control", "no-store")
    if request.app[SETTINGS].secure_cookies:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")


@web.middleware
async def require_staff(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page except sign-in needs a live session of an active staff member (checked in the DB each time)."""
    if request.path.startswith(PUBLIC_PATHS):
        return await handler(request)
    store = request.app[STORE]
    token = request.cookies.get(cookie_name(request.app[SETTINGS]))
    session = await asyncio.to_thread(auth.get_session, store, token) if token else None
    staff = None
    if session is not None:
        staff = await asyncio.to_thread(store.staff_by_telegram_id, session.telegram_user_id)
        if staff is None or not staff.active or staff.role not in STAFF_ROLES:
            await asyncio.to_thread(auth.end_session, store, token)
            staff = None
    if staff is None:
        log.info("unauthenticated %s %s refused", request.method, request.path)
        if request.method != "GET":
            return render(request, "denied.html", status=403, title="Tidak diizinkan")
        return render(request, "signin_needed.html", status=401, title="Silakan masuk")
    request["session"] = session
    request["staff"] = staff
    if request.method == "POST":
        if not _same_origin(request):
            log.warning("POST %s from a foreign origin refused (staff %s)", request.path, staff.telegram_user_id)
            return render(request, "denied.html", status=403, title="Tidak diizinkan")
        form = await request.post()
        if not auth.csrf_ok(request.app[SECRET], session.key, form.get("csrf")):
            log.warning("POST %s without a valid CSRF token refused (staff %s)", request.path,
                        staff.telegram_user_id)
            return render(request, "denied.html", status=403, title="Tidak diizinkan")
    flash = request.query.get("ok")
    if flash:
        request["flash"] = FLASHES.get(flash)
    return await handler(request)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":  # not sent, or withheld by the browser: the CSRF token decides
        return True
    allowed = {f"{request.scheme}://{request.host}"}
    base = urlsplit(request.app[SETTINGS].base_url)
    allowed.add(f"{base.scheme}://{base.netloc}")
    return origin in allowed


FLASHES = {
    "status": "Status lead tersimpan.",
    "claim": "Lead ini sekarang Anda tangani.",
    "note": "Catatan tersimpan.",
    "agent": "Status agen tersimpan.",
    "staff": "Data petugas tersimpan.",
    "claimed": "Lead ini sudah ditangani petugas lain.",
}


# ---------------------------------------------------------------------------------------------- sign-in
async def health(request: web.Request) -> web.Response:
    try:
        pending = await asyncio.to_thread(request.app[STORE].outbox_pending)
    except Exception as exc:
        return web.json_response({"status": "degraded", "error": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "outbox_pending": pending})


async def signin_page(request: web.Request) -> web.Response:
    token = request.query.get("t", "")
    # GET never uses the token up (link-preview fetchers and prefetchers): the button below does, by POST.
    ok = await asyncio.to_thread(auth.peek_login_token, request.app[STORE], token)
    if not ok:
        return render(request, "signin_invalid.html", status=403 if token else 401, title="Tautan tidak berlaku")
    return render(request, "signin.html", token=token, title="Masuk")


async def signin(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    store, settings = request.app[STORE], request.app[SETTINGS]
    uid = await asyncio.to_thread(auth.consume_login_token, store, form.get("t"))
    staff = await asyncio.to_thread(store.staff_by_telegram_id, uid) if uid is not None else None
    if staff is None or not staff.active or staff.role not in STAFF_ROLES:
        log.info("dashboard sign-in refused")
        return render(request, "signin_invalid.html", status=403, title="Tautan tidak berlaku")
    token = await asyncio.to_thread(auth.create_session, store, uid, settings.session_ttl)
    log.info("dashboard sign-in: staff %s", uid)
    asyncio.get_running_loop().run_in_executor(None, auth.purge_expired, store)
    response = web.HTTPSeeOther("/leads")
    response.set_cookie(cookie_name(settings), token, max_age=settings.session_ttl, path="/", httponly=True,
                        secure=settings.secure_cookies, samesite="Lax")
    raise response


async def signout(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    await asyncio.to_thread(auth.end_session, request.app[STORE], request.cookies.get(cookie_name(settings)))
    response = web.HTTPSeeOther("/masuk")
    response.del_cookie(cookie_name(settings), path="/")
    raise response


async def index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/leads")


# ---------------------------------------------------------------------------------------------- app
def make_app(store: Store, settings: StaffSettings | None = None) -> web.Application:
    from . import views

    settings = settings or StaffSettings.from_env()
    app = web.Application(middlewares=[security_headers, require_staff], client_max_size=256 * 1024)
    app[STORE] = store
    app[SETTINGS] = settings
    app[SECRET] = auth.dashboard_secret(store, settings.dashboard_secret)
    app[TEMPLATES] = TemplateLookup(directories=[str(HERE / "templates")], default_filters=["h"],
                                    strict_undefined=True, input_encoding="utf-8")
    r = app.router
    r.add_get("/health", health)
    r.add_get("/masuk", signin_page)
    r.add_post("/masuk", signin)
    r.add_post("/keluar", signout)
    r.add_get("/", index)
    views.routes(r)
    r.add_static("/static/", HERE / "static", append_version=False)
    return app


def today_local(store: Store) -> dt.date:
    from ..staff.cards import zone

    return store.now().astimezone(zone()).date()


__all__ = ["make_app", "render", "STORE", "SETTINGS", "SECRET", "cookie_name", "today_local"]
