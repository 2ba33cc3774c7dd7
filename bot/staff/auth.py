"""Sign-in for the staff dashboard: one-time links, sessions and CSRF tokens (no framework, the lead store only).

* ``/dasbor`` in the bot calls :func:`create_login_token`: a random token (256 bits) whose SHA-256 is kept in
  the store's ``app_state`` with the staff member's Telegram id and an expiry (10 minutes by default). The
  link carries the token; :func:`consume_login_token` deletes the entry atomically, so the link works once.
* A sign-in creates a session the same way (random token in an HttpOnly cookie, its hash in ``app_state``,
  an absolute expiry of 12 hours). Every request re-checks the person's role in the database, so a staff
  member whose access is revoked is signed out at their next click.
* CSRF: every form carries ``HMAC(secret, session hash)``; a POST without the right value is refused.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from lingkar.store import Store

LOGIN_PREFIX = "dash:login:"
SESSION_PREFIX = "dash:session:"
SECRET_KEY = "dashboard_secret"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _valid_token_shape(token: str | None) -> bool:
    return bool(token) and 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat()


def create_login_token(store: Store, telegram_user_id: int, ttl_seconds: int = 600) -> str:
    """A single-use sign-in token for a staff member (stored hashed, expires after ``ttl_seconds``)."""
    token = secrets.token_urlsafe(32)
    now = store.now()
    store.set_state(LOGIN_PREFIX + token_hash(token), json.dumps(
        {"uid": int(telegram_user_id), "exp": _iso(now + dt.timedelta(seconds=ttl_seconds)), "created": _iso(now)}))
    return token


def peek_login_token(store: Store, token: str | None) -> bool:
    """Whether a sign-in token is still usable (for the confirmation page; does not use it up)."""
    if not _valid_token_shape(token):
        return False
    raw = store.get_state(LOGIN_PREFIX + token_hash(token))
    return _live(store, raw) is not None


def consume_login_token(store: Store, token: str | None) -> int | None:
    """The Telegram id the token was made for, or None (unknown, used or expired). Works once."""
    if not _valid_token_shape(token):
        return None
    data = _live(store, store.take_state(LOGIN_PREFIX + token_hash(token)))
    return int(data["uid"]) if data else None


@dataclass(frozen=True)
class Session:
    key: str            # the hash of the cookie's token (what the store keeps)
    telegram_user_id: int
    expires_at: dt.datetime


def create_session(store: Store, telegram_user_id: int, ttl_seconds: int = 12 * 3600) -> str:
    token = secrets.token_urlsafe(32)
    now = store.now()
    store.set_state(SESSION_PREFIX + token_hash(token), json.dumps(
        {"uid": int(telegram_user_id), "exp": _iso(now + dt.timedelta(seconds=ttl_seconds)), "created": _iso(now)}))
    return token


def get_session(store: Store, token: str | None) -> Session | None:
    if not _valid_token_shape(token):
        return None
    key = token_hash(token)
    data = _live(store, store.get_state(SESSION_PREFIX + key))
    if data is None:
        return None
    return Session(key=key, telegram_user_id=int(data["uid"]), expires_at=dt.datetime.fromisoformat(data["exp"]))


def end_session(store: Store, token: str | None) -> None:
    if _valid_token_shape(token):
        store.delete_state(SESSION_PREFIX + token_hash(token))


def purge_expired(store: Store) -> int:
    """Delete expired sign-in tokens and sessions. Returns how many were removed."""
    n = 0
    for prefix in (LOGIN_PREFIX, SESSION_PREFIX):
        for key, raw in store.state_items(prefix).items():
            if _live(store, raw) is None and store.delete_state(key):
                n += 1
    return n


def _live(store: Store, raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
        if store.now() >= dt.datetime.fromisoformat(data["exp"]):
            return None
        return data
    except (ValueError, KeyError, TypeError):
        return None


def csrf_token(secret: str, session_key: str) -> str:
    return hmac.new(secret.encode(), ("csrf:" + session_key).encode(), hashlib.sha256).hexdigest()[:40]


def csrf_ok(secret: str, session_key: str, value: str | None) -> bool:
    return bool(value) and hmac.compare_digest(csrf_token(secret, session_key), str(value))


def dashboard_secret(store: Store, configured: str = "") -> str:
    """DASHBOARD_SECRET, or a random one made once and kept in ``app_state`` (the same for every process)."""
    if configured:
        return configured
    current = store.get_state(SECRET_KEY)
    if current:
        return current
    if store.run_once("init:" + SECRET_KEY):
        value = secrets.token_urlsafe(32)
        store.set_state(SECRET_KEY, value)
        return value
    for _ in range(100):  # another process is creating it right now
        current = store.get_state(SECRET_KEY)
        if current:
            return current
        time.sleep(0.05)
    # the process that was to create it died in between: make it now (every later reader gets this one)
    value = secrets.token_urlsafe(32)
    store.set_state(SECRET_KEY, value)
    return value
