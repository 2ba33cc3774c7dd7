"""The dashboard's middlewares: security headers on every response, and a live staff session (role read from the
database on each request, CSRF token and same origin on every POST) for every page but sign-in. A ``pemda`` user
(scoped to one regency) may open only the Pemda pages (:data:`.pemda.PEMDA_PATHS`); everything else is 403."""
from __future__ import annotations

import logging
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from lingkar.store import DASHBOARD_ROLES, PEMDA_ROLE
from lingkar.store.aio import run_sync

from ..staff import auth
from .keys import SECRET, SETTINGS, STORE, cookie_name
from .pemda import PEMDA_PATHS
from .render import render

log = logging.getLogger("lingkar.dashboard")

PUBLIC_PATHS = ("/health", "/masuk", "/static/")
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
    session = await run_sync(auth.get_session, store, token) if token else None
    staff = None
    if session is not None:
        staff = await run_sync(store.staff_by_telegram_id, session.telegram_user_id)
        if staff is None or not staff.active or staff.role not in DASHBOARD_ROLES or (
                staff.role == PEMDA_ROLE and not staff.regency):
            await run_sync(auth.end_session, store, token)
            staff = None
    if staff is None:
        log.info("unauthenticated %s %s refused", request.method, request.path)
        if request.method != "GET":
            return render(request, "denied.html", status=403, title="Tidak diizinkan")
        return render(request, "signin_needed.html", status=401, title="Silakan masuk")
    request["session"] = session
    request["staff"] = staff
    if staff.is_pemda and not _pemda_may_open(request.path):
        # a Pemda officer sees only their regency's aggregates: every staff page is refused, also by direct URL
        log.info("pemda user %s opened %s: refused", staff.telegram_user_id, request.path)
        return render(request, "denied.html", status=403, title="Tidak diizinkan")
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


def _pemda_may_open(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p + "/") or path.startswith(p + ".")
                              for p in PEMDA_PATHS)


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
    "estimate": "Perkiraan jumlah pekerja tersimpan.",
    "bc_submitted": "Siaran diajukan. Petugas lain harus menyetujuinya sebelum dikirim.",
    "bc_submitted_changed": "Siaran diajukan, tetapi jumlah penerima berubah sejak pratinjau (ada yang baru "
                            "berlangganan atau berhenti): jumlah di bawah ini yang berlaku.",
    "bc_approved": "Siaran disetujui dan dijadwalkan.",
    "bc_rejected": "Siaran ditolak.",
    "bc_paused": "Siaran dijeda.",
    "bc_running": "Siaran dilanjutkan.",
    "bc_cancelled": "Siaran dibatalkan.",
    "bc_state": "Status siaran sudah berubah; tindakan itu tidak berlaku lagi.",
}
