"""Is Rasa up, and are conversations really stored where they should be?

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when Redis fails, it logs an error, keeps the
conversation in a private in-memory store and carries on answering, so a Redis outage (or a Rasa started
without REDIS_URL) looks healthy from outside while conversations are being lost. This check writes a probe
conversation through Rasa's HTTP API and, when REDIS_URL is set, reads it back from Redis under the key Rasa
must use. It reports:

* ``ok``        Rasa answers and stores trackers where configured (Redis, or memory when REDIS_URL is empty);
* ``degraded``  Rasa answers but the probe did not reach Redis (Redis down, Rasa on its in-memory fallback,
                Rasa started without REDIS_URL, wrong REDIS_PREFIX), or Rasa could not store the probe at all;
* ``down``      Rasa's HTTP API does not answer, rejects the token, or has no model loaded.

    python -m rasa_plugins.health [--rasa-url URL] [--redis-url URL]   # prints JSON; exit 0 ok, 1 degraded, 2 down

Settings: RASA_URL (default http://localhost:$RASA_PORT), RASA_AUTH_TOKEN (sent as ``?token=``; Rasa's HTTP API
always requires one: ``python -m bot.stack`` hands its per-run token to every child), REDIS_URL,
REDIS_PREFIX (as for Rasa, see rasa_plugins/stores.py), RASA_HEALTH_PROBE_ID (default ``lingkar-health-<hostname>``).
The probe conversation holds one ``action_listen`` event and is removed from Redis after the check.
Rasa's HTTP API must be enabled (``--enable-api``; bot.stack and the Docker image do).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import redis
import redis.asyncio as aioredis

from lingkar.process import start_process
from lingkar.settings import current

# ---- Redis settings shared with rasa_plugins/stores.py (kept here so this check never imports Rasa) ----

DEFAULT_PREFIX = "lingkar"
DEFAULT_STARTUP_TIMEOUT = 30.0
DEFAULT_SOCKET_TIMEOUT = 5.0
DEFAULT_CONVERSATION_TTL = 90 * 24 * 3600   # seconds a conversation is kept after its last change (90 days)


class RedisConfigError(ValueError):
    """REDIS_* settings that cannot work (raised so Rasa stops instead of silently using memory)."""


@dataclass(frozen=True)
class RedisConfig:
    url: str
    prefix: str = DEFAULT_PREFIX
    tracker_ttl: int | None = None
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT
    socket_timeout: float = DEFAULT_SOCKET_TIMEOUT

    @property
    def safe_url(self) -> str:
        return mask_url(self.url)


def _number(env: Mapping[str, str], name: str, default: float | None, cast: Callable[[str], Any]) -> Any:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise RedisConfigError(f"{name}={raw!r} is not a number.") from None
    if value < 0:
        raise RedisConfigError(f"{name} must not be negative (got {raw!r}).")
    return value


def conversation_ttl(env: Mapping[str, str] | None = None) -> int:
    """Seconds a conversation (Rasa tracker) is kept after its last change, for the Redis and the in-memory
    store alike: ``CONVERSATION_TTL`` (the older name ``REDIS_TRACKER_TTL`` is still read), default 90 days.
    It must be a positive whole number: there is no "keep for ever"."""
    env = current().env if env is None else env
    name = "CONVERSATION_TTL" if (env.get("CONVERSATION_TTL") or "").strip() else "REDIS_TRACKER_TTL"
    ttl = _number(env, name, DEFAULT_CONVERSATION_TTL, int)
    if ttl <= 0:
        raise RedisConfigError(f"{name} must be a positive number of seconds (conversations must expire).")
    return ttl


def check_prefix(prefix: str) -> str:
    """Rasa silently ignores a non-alphanumeric key prefix; refuse it instead."""
    if prefix and not prefix.isalnum():
        raise RedisConfigError(f"REDIS_PREFIX={prefix!r} must be alphanumeric (Rasa ignores any other prefix).")
    return prefix


def redis_config(env: Mapping[str, str] | None = None) -> RedisConfig | None:
    """The Redis settings (``env``, else the process's settings), or None when REDIS_URL is empty (in-memory stores)."""
    env = current().env if env is None else env
    url = (env.get("REDIS_URL") or "").strip()
    if not url:
        return None
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise RedisConfigError(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {mask_url(url)}).")
    ttl = conversation_ttl(env)
    return RedisConfig(
        url=url,
        prefix=check_prefix((env.get("REDIS_PREFIX") or "").strip() or DEFAULT_PREFIX),
        tracker_ttl=ttl or None,
        startup_timeout=_number(env, "REDIS_STARTUP_TIMEOUT", DEFAULT_STARTUP_TIMEOUT, float),
        socket_timeout=_number(env, "REDIS_SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT, float) or DEFAULT_SOCKET_TIMEOUT,
    )


def mask_url(url: str | None) -> str:
    """The URL with its password replaced by ``***`` (for logs and health reports)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def tracker_key(sender_id: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The Redis key Rasa's RedisTrackerStore uses for ``sender_id``."""
    return (f"{prefix}:" if prefix else "") + "tracker:" + sender_id


def lock_key(sender_id: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The Redis key Rasa's RedisLockStore uses for ``sender_id``."""
    return (f"{prefix}:" if prefix else "") + "lock:" + sender_id



# ------------------------------------------------------------------------------------------ health check

EXIT_CODES = {"ok": 0, "degraded": 1, "down": 2}
PROBE_MARK = "lingkar_probe"


def default_probe_id() -> str:
    return current().env.get("RASA_HEALTH_PROBE_ID") or f"lingkar-health-{socket.gethostname()}"


def _params(token: str | None, **extra: str) -> Dict[str, str]:
    return {**({"token": token} if token else {}), **extra}


async def _get_status(session: aiohttp.ClientSession, rasa_url: str, token: str | None,
                      timeout: aiohttp.ClientTimeout) -> Dict[str, Any]:
    """GET /status: reachable, token accepted, model loaded."""
    try:
        async with session.get(f"{rasa_url}/status", params=_params(token), timeout=timeout) as r:
            body = await r.text()
            if r.status == 200:
                data = json.loads(body)
                return {"reachable": True, "model_file": data.get("model_file"), "model_id": data.get("model_id")}
            reason = {401: "Rasa rejected the request: RASA_AUTH_TOKEN missing or wrong",
                      403: "Rasa rejected the request: RASA_AUTH_TOKEN missing or wrong",
                      404: "Rasa's HTTP API is not enabled (start Rasa with --enable-api)",
                      409: "Rasa has no model loaded"}.get(r.status, f"HTTP {r.status}")
            return {"reachable": True, "error": reason, "http_status": r.status}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as e:
        return {"reachable": False, "error": f"{e.__class__.__name__}: {e}" if str(e) else e.__class__.__name__}


async def _write_probe(session: aiohttp.ClientSession, rasa_url: str, token: str | None, probe_id: str,
                       nonce: str, timeout: aiohttp.ClientTimeout) -> str | None:
    """Replace the probe conversation's events through Rasa; None on success, else the error."""
    event = {"event": "action", "name": "action_listen", "timestamp": time.time(), "metadata": {PROBE_MARK: nonce}}
    url = f"{rasa_url}/conversations/{probe_id}/tracker/events"
    try:
        async with session.put(url, params=_params(token, include_events="NONE"), json=[event],
                               timeout=timeout) as r:
            if r.status == 200:
                return None
            body = (await r.text())[:300]
            try:
                body = json.loads(body).get("message", body)
            except (ValueError, AttributeError):
                pass
            return f"HTTP {r.status}: {body}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as e:
        return f"{e.__class__.__name__}: {e}" if str(e) else e.__class__.__name__


def _has_nonce(raw: str | None, nonce: str) -> bool:
    if not raw:
        return False
    try:
        events = json.loads(raw).get("events", [])
    except (ValueError, AttributeError):
        return False
    return any((e.get("metadata") or {}).get(PROBE_MARK) == nonce for e in events if isinstance(e, dict))


async def rasa_state(rasa_url: str, redis_url: str | None = None,
                     session: aiohttp.ClientSession | None = None, *, token: str | None = None,
                     prefix: str | None = None, probe_id: str | None = None,
                     timeout: float = 10.0) -> Dict[str, Any]:
    """Check Rasa at ``rasa_url`` and, when ``redis_url`` is given, that it stores trackers in that Redis.

    ``token`` defaults to RASA_AUTH_TOKEN and ``prefix`` to REDIS_PREFIX (both from :mod:`lingkar.settings`). Never
    raises for an unhealthy Rasa or Redis (the answer says what is wrong); raises RedisConfigError for a
    non-alphanumeric prefix. Returns a dict with ``status``
    (``ok``/``degraded``/``down``), ``problems`` (human-readable), and details under ``rasa``, ``redis``, ``probe``.
    """
    rasa_url = rasa_url.rstrip("/")
    token = token if token is not None else (current().env.get("RASA_AUTH_TOKEN") or None)
    prefix = check_prefix(prefix if prefix is not None else (current().env.get("REDIS_PREFIX") or DEFAULT_PREFIX))
    probe_id = probe_id or default_probe_id()
    redis_url = (redis_url or "").strip() or None
    problems: List[str] = []
    http_timeout = aiohttp.ClientTimeout(total=timeout)
    report: Dict[str, Any] = {
        "status": "ok",
        "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rasa": {"url": rasa_url},
        "tracker_store": "redis" if redis_url else "memory",
        "redis": {"configured": bool(redis_url)},
        "probe": {"conversation_id": probe_id},
        "problems": problems,
    }
    if redis_url:
        report["redis"].update(url=mask_url(redis_url), key=tracker_key(probe_id, prefix))
    else:
        report["note"] = ("REDIS_URL is not set: conversations are kept in Rasa's memory and end when it "
                          "restarts (the embedded default).")

    own_session = session is None
    if own_session:
        session = aiohttp.ClientSession()
    try:
        status = await _get_status(session, rasa_url, token, http_timeout)
        report["rasa"].update(status)
        if "error" in status:
            problems.append(f"Rasa at {rasa_url}: {status['error']}")
            report["status"] = "down"
            return report

        nonce = uuid.uuid4().hex
        write_error = await _write_probe(session, rasa_url, token, probe_id, nonce, http_timeout)
        report["probe"]["written"] = write_error is None
        if write_error:
            report["probe"]["error"] = write_error
            problems.append(f"Rasa could not store the probe conversation ({write_error}); with Redis this "
                            f"usually means its lock or tracker store cannot reach Redis.")
            report["status"] = "degraded"
        if not redis_url:
            return report

        client = aioredis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=min(timeout, 5.0),
                                         socket_connect_timeout=min(timeout, 5.0))
        try:
            key = tracker_key(probe_id, prefix)
            raw = await client.get(key)
            report["redis"]["reachable"] = True
            found = _has_nonce(raw, nonce)
            report["probe"]["in_redis"] = found
            if write_error is None and not found:
                problems.append(
                    f"Rasa accepted the probe but it is not in Redis under {key}: Rasa is keeping conversations "
                    f"in memory (Redis failing for Rasa, Rasa started without REDIS_URL, or a different "
                    f"REDIS_PREFIX/db). Conversations are being lost on restart; check Rasa's log.")
                report["status"] = "degraded"
            await client.delete(key, lock_key(probe_id, prefix))
        except (redis.RedisError, OSError) as e:
            report["redis"]["reachable"] = False
            report["redis"]["error"] = f"{e.__class__.__name__}: {e}"
            problems.append(f"Redis at {mask_url(redis_url)} is unreachable from the health check ({e}).")
            report["status"] = "degraded"
        finally:
            await client.close(close_connection_pool=True)
        return report
    finally:
        if own_session:
            await session.close()


def main(argv: List[str] | None = None) -> int:
    env = start_process().env  # settings read once; log filter; library warnings quieted
    rasa_default = env.get("RASA_URL") or f"http://localhost:{env.get('RASA_PORT', '5005')}"
    ap = argparse.ArgumentParser(prog="python -m rasa_plugins.health", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rasa-url", default=rasa_default, help="Rasa's base URL (default: %(default)s)")
    ap.add_argument("--redis-url", default=env.get("REDIS_URL", ""),
                    help="Redis Rasa should store trackers in (default: $REDIS_URL; empty = in memory)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default: %(default)s)")
    ap.add_argument("--quiet", action="store_true", help="print nothing when the status is ok")
    args = ap.parse_args(argv)
    try:
        report = asyncio.run(rasa_state(args.rasa_url, args.redis_url, timeout=args.timeout))
    except RedisConfigError as e:
        print(json.dumps({"status": "down", "problems": [f"configuration: {e}"]}, indent=2))
        return EXIT_CODES["down"]
    if not (args.quiet and report["status"] == "ok"):
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return EXIT_CODES[report["status"]]


if __name__ == "__main__":
    sys.exit(main())
