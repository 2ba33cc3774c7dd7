"""What the WhatsApp channel remembers besides its inbox (the core's, which also de-duplicates the wamids), shared
by every replica (Redis) or in one SQLite file:

* each person's last message time: the 24-hour customer-service window (:meth:`State.window_open`);
* what became of every message we sent (:meth:`State.record_outgoing`, :meth:`State.record_status`: sent,
  delivered, read, failed with its error code; statuses may arrive out of order and only move forward);
* the contacts the API called unreachable (131026 and kin) until they write again;
* the payloads too long to be a button id (:meth:`State.put_payload`).

Everything here expires by itself (Redis TTLs; the SQLite backend sweeps on open and hourly). "hapus data saya"
deletes a person's window, unreachable mark and outgoing records (:meth:`State.forget`).
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict

from bot.core.sqlite import open_sqlite

WINDOW_S = 24 * 3600           # the customer-service window
OUTGOING_TTL = 30 * 24 * 3600  # how long the status of a sent message is kept
UNREACHABLE_TTL = 90 * 24 * 3600
PAYLOAD_TTL = 180 * 24 * 3600
PRUNE_INTERVAL = 3600.0

#: A status only moves forward (Meta may deliver "read" before "delivered"); "failed" always wins.
RANK = {"": 0, "accepted": 1, "sent": 2, "delivered": 3, "read": 4, "failed": 5}


class State:
    """Interface of both backends."""

    backend = "abstract"

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def touch_inbound(self, wa_id: str, ts: float) -> None: raise NotImplementedError
    async def last_inbound(self, wa_id: str) -> float | None: raise NotImplementedError
    async def record_outgoing(self, wamid: str, wa_id: str, kind: str, status: str = "accepted",
                              error_code: int | None = None) -> None: raise NotImplementedError
    async def record_status(self, wamid: str, recipient: str, status: str, ts: float,
                            error_code: int | None = None) -> None: raise NotImplementedError
    async def outgoing(self, wamid: str) -> Dict[str, Any] | None: raise NotImplementedError
    async def set_unreachable(self, wa_id: str, code: int | None) -> None: raise NotImplementedError
    async def unreachable(self, wa_id: str) -> int | None: raise NotImplementedError
    async def put_payload(self, token: str, payload: str) -> None: raise NotImplementedError
    async def get_payload(self, token: str) -> str | None: raise NotImplementedError
    async def forget(self, wa_id: str) -> int: raise NotImplementedError

    async def window_open(self, wa_id: str, now: float | None = None) -> bool:
        """True while free-form messages may be sent: the person wrote in the last 24 hours."""
        last = await self.last_inbound(wa_id)
        return last is not None and (now if now is not None else time.time()) - last < WINDOW_S


def _merge(old: Dict[str, Any] | None, status: str, ts: float, error_code: int | None) -> Dict[str, Any]:
    rec = dict(old or {})
    if RANK.get(status, 0) >= RANK.get(rec.get("status", ""), 0) and rec.get("status") != "failed":
        rec["status"] = status
        if error_code is not None:
            rec["error_code"] = error_code
    rec.setdefault("history", [])
    rec["history"] = (rec["history"] + [[status, ts] + ([error_code] if error_code is not None else [])])[-10:]
    return rec


_SCHEMA = """
CREATE TABLE IF NOT EXISTS wa_window (wa_id TEXT PRIMARY KEY, last_in REAL NOT NULL);
CREATE TABLE IF NOT EXISTS wa_outgoing (wamid TEXT PRIMARY KEY, wa_id TEXT NOT NULL, record TEXT NOT NULL,
                                        at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS wa_outgoing_to ON wa_outgoing (wa_id);
CREATE TABLE IF NOT EXISTS wa_unreachable (wa_id TEXT PRIMARY KEY, code INTEGER, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS wa_payloads (token TEXT PRIMARY KEY, payload TEXT NOT NULL, at REAL NOT NULL);
"""


class SQLiteState(State):
    backend = "sqlite"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db: sqlite3.Connection | None = None
        self._next_prune = 0.0

    async def open(self) -> None:
        self.db = open_sqlite(self.path, _SCHEMA)
        self._prune()

    async def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _x(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        assert self.db is not None, "state not open"
        if time.monotonic() >= self._next_prune:
            self._prune()
        return self.db.execute(sql, args)

    def _prune(self) -> None:
        assert self.db is not None
        self._next_prune = time.monotonic() + PRUNE_INTERVAL
        now = time.time()
        for sql, age in (("DELETE FROM wa_window WHERE last_in < ?", WINDOW_S),
                         ("DELETE FROM wa_outgoing WHERE at < ?", OUTGOING_TTL),
                         ("DELETE FROM wa_unreachable WHERE at < ?", UNREACHABLE_TTL),
                         ("DELETE FROM wa_payloads WHERE at < ?", PAYLOAD_TTL)):
            self.db.execute(sql, (now - age,))

    async def touch_inbound(self, wa_id: str, ts: float) -> None:
        self._x("INSERT INTO wa_window (wa_id, last_in) VALUES (?,?) ON CONFLICT(wa_id) DO UPDATE SET "
                "last_in = MAX(last_in, excluded.last_in)", (wa_id, ts))
        self._x("DELETE FROM wa_unreachable WHERE wa_id = ?", (wa_id,))

    async def last_inbound(self, wa_id: str) -> float | None:
        row = self._x("SELECT last_in FROM wa_window WHERE wa_id = ?", (wa_id,)).fetchone()
        return float(row[0]) if row else None

    async def record_outgoing(self, wamid: str, wa_id: str, kind: str, status: str = "accepted",
                              error_code: int | None = None) -> None:
        rec = _merge(await self.outgoing(wamid), status, time.time(), error_code)
        rec.update(to=wa_id, kind=kind)
        self._x("INSERT OR REPLACE INTO wa_outgoing (wamid, wa_id, record, at) VALUES (?,?,?,?)",
                (wamid, wa_id, json.dumps(rec), time.time()))

    async def record_status(self, wamid: str, recipient: str, status: str, ts: float,
                            error_code: int | None = None) -> None:
        old = await self.outgoing(wamid)
        rec = _merge(old, status, ts, error_code)
        rec.setdefault("to", recipient)
        self._x("INSERT OR REPLACE INTO wa_outgoing (wamid, wa_id, record, at) VALUES (?,?,?,?)",
                (wamid, rec["to"], json.dumps(rec), time.time()))

    async def outgoing(self, wamid: str) -> Dict[str, Any] | None:
        row = self._x("SELECT record FROM wa_outgoing WHERE wamid = ?", (wamid,)).fetchone()
        return json.loads(row[0]) if row else None

    async def set_unreachable(self, wa_id: str, code: int | None) -> None:
        self._x("INSERT OR REPLACE INTO wa_unreachable (wa_id, code, at) VALUES (?,?,?)", (wa_id, code, time.time()))

    async def unreachable(self, wa_id: str) -> int | None:
        row = self._x("SELECT code FROM wa_unreachable WHERE wa_id = ?", (wa_id,)).fetchone()
        return (int(row[0]) if row[0] is not None else 0) if row else None

    async def put_payload(self, token: str, payload: str) -> None:
        self._x("INSERT OR REPLACE INTO wa_payloads (token, payload, at) VALUES (?,?,?)", (token, payload, time.time()))

    async def get_payload(self, token: str) -> str | None:
        row = self._x("SELECT payload FROM wa_payloads WHERE token = ?", (token,)).fetchone()
        return row[0] if row else None

    async def forget(self, wa_id: str) -> int:
        n = 0
        for sql in ("DELETE FROM wa_window WHERE wa_id = ?", "DELETE FROM wa_unreachable WHERE wa_id = ?",
                    "DELETE FROM wa_outgoing WHERE wa_id = ?"):
            n += self._x(sql, (wa_id,)).rowcount
        return n


# The window only moves forward (an old redelivery does not shorten it).
_WINDOW_LUA = """
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > old then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
redis.call('DEL', KEYS[2])
return 1
"""


class RedisState(State):
    backend = "redis"

    def __init__(self, url: str, prefix: str = "lingkar:whatsapp:"):
        self.url, self.prefix = url, prefix
        self.r = None

    def k(self, *parts: Any) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    async def open(self) -> None:
        import redis.asyncio as aioredis

        self.r = aioredis.from_url(self.url, decode_responses=True, health_check_interval=30)
        await self.r.ping()
        self._window = self.r.register_script(_WINDOW_LUA)

    async def close(self) -> None:
        if self.r is not None:
            await self.r.close()
            await self.r.connection_pool.disconnect()
            self.r = None

    async def touch_inbound(self, wa_id: str, ts: float) -> None:
        await self._window(keys=[self.k("window", wa_id), self.k("unreachable", wa_id)], args=[repr(ts), WINDOW_S])

    async def last_inbound(self, wa_id: str) -> float | None:
        v = await self.r.get(self.k("window", wa_id))
        return float(v) if v else None

    # One hash per sent message, one field per status: statuses arriving at the same time from several
    # webhook posts (and the send itself) never overwrite each other.
    async def _hset(self, wamid: str, fields: Dict[str, str], to: str) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.k("out", wamid), mapping=fields)
        pipe.expire(self.k("out", wamid), OUTGOING_TTL)
        if to:
            pipe.sadd(self.k("outby", to), wamid)
            pipe.expire(self.k("outby", to), OUTGOING_TTL)
        await pipe.execute()

    async def record_outgoing(self, wamid: str, wa_id: str, kind: str, status: str = "accepted",
                              error_code: int | None = None) -> None:
        fields = {"to": wa_id, "kind": kind, f"s:{status}": repr(time.time())}
        if error_code is not None:
            fields[f"c:{status}"] = str(error_code)
        await self._hset(wamid, fields, wa_id)

    async def record_status(self, wamid: str, recipient: str, status: str, ts: float,
                            error_code: int | None = None) -> None:
        fields = {f"s:{status}": repr(ts)}
        if error_code is not None:
            fields[f"c:{status}"] = str(error_code)
        await self._hset(wamid, fields, recipient)
        if recipient:
            await self.r.hsetnx(self.k("out", wamid), "to", recipient)

    async def outgoing(self, wamid: str) -> Dict[str, Any] | None:
        h = await self.r.hgetall(self.k("out", wamid))
        if not h:
            return None
        rec: Dict[str, Any] = {k: v for k, v in h.items() if not k.startswith(("s:", "c:"))}
        history = sorted(([k[2:], float(v)] + ([int(h["c:" + k[2:]])] if "c:" + k[2:] in h else [])
                          for k, v in h.items() if k.startswith("s:")), key=lambda e: (e[1], RANK.get(e[0], 0)))
        best = max((e for e in history), key=lambda e: RANK.get(e[0], 0), default=None)
        if best is not None:
            rec["status"] = best[0]
            if len(best) > 2:
                rec["error_code"] = best[2]
        rec["history"] = history
        return rec

    async def set_unreachable(self, wa_id: str, code: int | None) -> None:
        await self.r.set(self.k("unreachable", wa_id), "" if code is None else str(code), ex=UNREACHABLE_TTL)

    async def unreachable(self, wa_id: str) -> int | None:
        v = await self.r.get(self.k("unreachable", wa_id))
        return None if v is None else int(v or 0)

    async def put_payload(self, token: str, payload: str) -> None:
        await self.r.set(self.k("payload", token), payload, ex=PAYLOAD_TTL)

    async def get_payload(self, token: str) -> str | None:
        return await self.r.get(self.k("payload", token))

    async def forget(self, wa_id: str) -> int:
        sent = await self.r.smembers(self.k("outby", wa_id))
        keys = [self.k("window", wa_id), self.k("unreachable", wa_id), self.k("outby", wa_id)]
        keys += [self.k("out", w) for w in sent]
        return int(await self.r.delete(*keys))


def make_state(settings) -> State:
    """Redis under ``<WHATSAPP_REDIS_PREFIX>state:``, else ``<var>/whatsapp-state.db``."""
    if settings.redis_url:
        return RedisState(settings.redis_url, settings.redis_prefix + "state:")
    return SQLiteState(settings.var_dir / "whatsapp-state.db")
