"""Durable state of a channel adapter: the update inbox, per-update progress, and small per-user state.

Channel-neutral (part of the delivery core, docs/architecture.md): each channel has its own namespace
(:func:`make_inbox`: Redis prefix ``lingkar:tg:`` for Telegram, ``lingkar:<channel>:`` for the others; SQLite file
``<channel>.db``). Entries are ordered by an integer sequence number (:attr:`Entry.update_id`): Telegram's own
``update_id`` (:meth:`Inbox.put`), or one the inbox assigns to a message that has a string id, e.g. a WhatsApp
``wamid`` (:meth:`Inbox.put_keyed`, de-duplicated on that string for ``KEYED_DEDUPE_TTL``). One inbox uses one of the
two, not both. User records are keyed by the channel's user id (Telegram: an int; other channels: a string).

Two backends with the same interface:

* :class:`RedisInbox` (``REDIS_URL`` set): the inbox is a Redis stream read through a consumer group;
  de-duplication keys, progress hashes, referral hashes and mapped callback payloads live beside it.
* :class:`SQLiteInbox` (embedded default): one SQLite file (WAL journal) under ``LINGKAR_VAR_DIR``.

The inbox contract: :meth:`Inbox.put` returns only after the update is durable (and says whether it was
new: the same ``update_id`` is accepted once, also across restarts, for ``DEDUPE_TTL`` seconds —
Telegram keeps undelivered updates for at most 24 hours). Entries stay pending until :meth:`Inbox.ack`;
after a crash, :meth:`Inbox.fetch` hands out the pending entries again. If Redis comes back without its data,
each adapter stores again the updates it stored that no consumer had claimed yet (held in memory, at most
``HELD_MAX``; see docs/telegram.md, "Delivery guarantee").

Expired state (finished updates past ``DEDUPE_TTL``, callback payloads unused for ``PAYLOAD_TTL``, flags past
their TTL) goes by itself in Redis; the SQLite backend sweeps it when it opens and then every
``PRUNE_INTERVAL`` seconds while it runs. :meth:`Inbox.forget_user` ("hapus data saya") deletes what the adapter
keeps about one person: the user record (first contact, referral), the agent-application answers, the chat's
flags, and the link between the chat and its finished updates.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Union

from .sqlite import open_sqlite

log = logging.getLogger("lingkar.core.inbox")

DEDUPE_TTL = 3 * 24 * 3600          # seconds an update_id is remembered after it arrived
PROGRESS_TTL = 3 * 24 * 3600        # seconds progress of an unfinished update is kept (Redis)
PAYLOAD_TTL = 180 * 24 * 3600       # seconds a mapped callback payload stays valid after its last use
RECLAIM_IDLE_MS = 5 * 60 * 1000     # Redis: entries of another consumer idle this long are taken over
HELD_MAX = 10_000                   # Redis: stored-but-unclaimed updates an adapter keeps in memory (wipe replay)
PRUNE_INTERVAL = 3600.0             # SQLite: seconds between two sweeps of expired state while running
KEYED_DEDUPE_TTL = 7 * 24 * 3600    # seconds a string message id (put_keyed) is remembered: WhatsApp retries for days

UserKey = Union[int, str]           # a channel's user id: Telegram's int, or a string (e.g. a WhatsApp wa_id)


@dataclass
class Entry:
    """One update in the inbox."""

    ref: str            # backend reference: stream id (Redis) or update_id (SQLite)
    update_id: int      # the ordering number: Telegram's update_id, or the sequence number put_keyed assigned
    chat_key: str
    raw: Dict[str, Any]
    received_at: float
    attempts: int = 0


@dataclass
class UserRecord:
    referral: str | None
    first_seen: float
    new: bool           # True when this call recorded the user's first contact


class Inbox:
    """Interface of both backends (see module docstring)."""

    backend = "abstract"

    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # inbox
    async def put(self, update_id: int, chat_key: str, raw: Dict[str, Any]) -> bool:
        """Store an update numbered by the channel (Telegram's update_id); False if that number was stored before."""
        raise NotImplementedError

    async def put_keyed(self, key: str, chat_key: str, raw: Dict[str, Any]) -> bool:
        """Store a message that has a string id (e.g. a WhatsApp wamid) under the next sequence number (atomic,
        across replicas); False if ``key`` was stored within ``keyed_ttl`` seconds (also across restarts)."""
        raise NotImplementedError
    async def fetch(self, limit: int, block: float, exclude: Iterable[str] = ()) -> List[Entry]:
        raise NotImplementedError
    async def begin(self, entry: Entry) -> int: raise NotImplementedError
    async def ack(self, entry: Entry) -> None: raise NotImplementedError

    async def keepalive(self, refs: Iterable[str]) -> None:
        """Tell other replicas that these entries are still being worked on (Redis: resets their idle time,
        so they are not taken over as a dead replica's). One process: no-op."""

    async def wait_turn(self, entry: Entry, stopping: Callable[[], bool]) -> bool:
        """Wait until ``entry`` is the oldest unfinished update of its chat across all adapter processes
        sharing this store (several replicas); False if ``stopping()`` became true first. One process: no-op."""
        return True
    async def backlog(self) -> Dict[str, Any]: raise NotImplementedError

    # per-update progress (which steps of a turn are done, with their results)
    async def progress(self, update_id: int) -> Dict[str, Any]: raise NotImplementedError
    async def set_progress(self, update_id: int, key: str, value: Any) -> None: raise NotImplementedError

    # users, mapped payloads, small flags
    async def touch_user(self, user_id: UserKey, referral: str | None) -> UserRecord:
        """Record first contact (and ``referral``, kept only if none is recorded yet: the first referral wins)."""
        raise NotImplementedError
    async def user(self, user_id: UserKey) -> UserRecord | None: raise NotImplementedError
    async def put_payload(self, token: str, payload: str) -> None: raise NotImplementedError
    async def get_payload(self, token: str) -> str | None: raise NotImplementedError
    async def set_flag(self, key: str, value: str | None, ttl: float | None = None) -> None:
        raise NotImplementedError
    async def get_flag(self, key: str) -> str | None: raise NotImplementedError
    async def set_flag_once(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Set ``key`` only if it is not set; True when this call set it."""
        raise NotImplementedError

    async def forget_user(self, user_id: UserKey, chat_id: UserKey | None = None,
                          chat_keys: Iterable[str] | None = None) -> Dict[str, int]:
        """Delete the state kept about a person (their private chat is ``chat_id``, default ``user_id``):
        user record, agent-application state, the chat's flags and finished updates (those of ``chat_keys``,
        default Telegram's ``c<chat_id>``/``u<user_id>``). Pending updates stay (they are still to be answered;
        their text is dropped when they are acked)."""
        raise NotImplementedError


def _idstr(v: UserKey) -> str:
    return str(int(v)) if isinstance(v, int) else str(v)


def personal_flag_keys(user_id: UserKey, chat_id: UserKey) -> List[str]:
    """The flag keys that belong to one person (see bot/telegram/handlers.py and bot/agents/plugin.py)."""
    return [f"agen:{_idstr(user_id)}", f"contact_kb:{_idstr(chat_id)}", f"edited:{_idstr(chat_id)}"]


def _chat_keys(user_id: UserKey, chat_id: UserKey, chat_keys: Iterable[str] | None) -> List[str]:
    return list(chat_keys) if chat_keys is not None else [f"c{_idstr(chat_id)}", f"u{_idstr(user_id)}"]


#: Flags whose key starts with this plus the chat id (the choice made on each button message).
CHOICE_PREFIX = "choice:"


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_key    TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at REAL NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     REAL
);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox (done_at, update_id);
CREATE TABLE IF NOT EXISTS progress (
    update_id INTEGER NOT NULL,
    step      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (update_id, step)
);
CREATE TABLE IF NOT EXISTS users (
    user_id    INTEGER PRIMARY KEY,
    referral   TEXT,
    first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS callback_payloads (
    token     TEXT PRIMARY KEY,
    payload   TEXT NOT NULL,
    last_used REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS user_keys (
    user_key   TEXT PRIMARY KEY,
    referral   TEXT,
    first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS keyed (
    key         TEXT PRIMARY KEY,
    update_id   INTEGER NOT NULL,
    received_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS flags (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    expires_at REAL
);
"""


class SQLiteInbox(Inbox):
    """Embedded backend: one SQLite file, used by one adapter process at a time.

    Calls run on the event loop thread: every statement is a local write of well under a millisecond
    (WAL journal, ``synchronous=NORMAL``: a committed write survives the process being killed).
    """

    backend = "sqlite"

    def __init__(self, path: Path, prune_interval: float = PRUNE_INTERVAL, keyed_ttl: float = KEYED_DEDUPE_TTL):
        self.path = Path(path)
        self.keyed_ttl = keyed_ttl
        self.db: sqlite3.Connection | None = None
        self._new = asyncio.Event()
        self.prune_interval = prune_interval
        self._next_prune = 0.0

    async def open(self) -> None:
        self.db = open_sqlite(self.path, _SCHEMA)
        self._prune()

    async def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def _x(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        assert self.db is not None, "store not open"
        return self.db.execute(sql, args)

    def _maybe_prune(self) -> None:
        """Sweep expired state when ``prune_interval`` seconds passed since the last sweep."""
        if time.monotonic() >= self._next_prune:
            self._prune()

    def _prune(self) -> None:
        self._next_prune = time.monotonic() + self.prune_interval
        now = time.time()
        self._x("DELETE FROM inbox WHERE done_at IS NOT NULL AND received_at < ?", (now - DEDUPE_TTL,))
        self._x("DELETE FROM callback_payloads WHERE last_used < ?", (now - PAYLOAD_TTL,))
        self._x("DELETE FROM flags WHERE expires_at IS NOT NULL AND expires_at < ?", (now,))
        self._x("DELETE FROM keyed WHERE received_at < ?", (now - self.keyed_ttl,))

    # inbox ----------------------------------------------------------------------------------
    async def put(self, update_id: int, chat_key: str, raw: Dict[str, Any]) -> bool:
        self._maybe_prune()
        cur = self._x("INSERT OR IGNORE INTO inbox (update_id, chat_key, payload, received_at) VALUES (?,?,?,?)",
                      (update_id, chat_key, json.dumps(raw, ensure_ascii=False), time.time()))
        if cur.rowcount:
            self._new.set()
            return True
        return False

    async def put_keyed(self, key: str, chat_key: str, raw: Dict[str, Any]) -> bool:
        self._maybe_prune()
        assert self.db is not None, "store not open"
        now = time.time()
        with self.db:  # one transaction: the key is never recorded without its entry
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM keyed WHERE key = ? AND received_at < ?", (key, now - self.keyed_ttl))
            if self.db.execute("SELECT 1 FROM keyed WHERE key = ?", (key,)).fetchone():
                return False
            # the next sequence number: one above every number ever used (also of entries already pruned)
            top = self.db.execute("SELECT MAX(n) FROM (SELECT MAX(update_id) AS n FROM inbox "
                                  "UNION ALL SELECT MAX(update_id) FROM keyed)").fetchone()[0]
            seq = int(top or 0) + 1
            self.db.execute("INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?,?,?,?)",
                            (seq, chat_key, json.dumps(raw, ensure_ascii=False), now))
            self.db.execute("INSERT INTO keyed (key, update_id, received_at) VALUES (?,?,?)", (key, seq, now))
        self._new.set()
        return True

    async def fetch(self, limit: int, block: float, exclude: Iterable[str] = ()) -> List[Entry]:
        excluded = set(exclude)
        self._maybe_prune()
        for _ in range(2):
            rows = self._x("SELECT update_id, chat_key, payload, received_at, attempts FROM inbox "
                           "WHERE done_at IS NULL ORDER BY update_id LIMIT ?", (limit + len(excluded),)).fetchall()
            out = [Entry(str(r[0]), r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows
                   if str(r[0]) not in excluded][:limit]
            if out or block <= 0:
                return out
            self._new.clear()
            try:
                await asyncio.wait_for(self._new.wait(), block)
            except asyncio.TimeoutError:
                return []
        return []

    async def begin(self, entry: Entry) -> int:
        self._x("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (entry.update_id,))
        entry.attempts += 1
        return entry.attempts

    async def ack(self, entry: Entry) -> None:
        assert self.db is not None
        with self.db:  # one transaction
            self.db.execute("BEGIN")
            # a finished update keeps only its id (to refuse a redelivery): not its text, not its chat
            self.db.execute("UPDATE inbox SET done_at = ?, payload = '{}', chat_key = '' WHERE update_id = ?",
                            (time.time(), entry.update_id))
            self.db.execute("DELETE FROM progress WHERE update_id = ?", (entry.update_id,))

    async def backlog(self) -> Dict[str, Any]:
        n, oldest = self._x("SELECT COUNT(*), MIN(received_at) FROM inbox WHERE done_at IS NULL").fetchone()
        return {"backend": self.backend, "pending": n,
                "oldest_age_s": round(time.time() - oldest, 1) if oldest else 0.0}

    # progress -------------------------------------------------------------------------------
    async def progress(self, update_id: int) -> Dict[str, Any]:
        rows = self._x("SELECT step, value FROM progress WHERE update_id = ?", (update_id,)).fetchall()
        return {k: json.loads(v) for k, v in rows}

    async def set_progress(self, update_id: int, key: str, value: Any) -> None:
        self._x("INSERT OR REPLACE INTO progress (update_id, step, value) VALUES (?,?,?)",
                (update_id, key, json.dumps(value, ensure_ascii=False)))

    # users, payloads, flags --------------------------------------------------------------------
    @staticmethod
    def _users(user_id: UserKey) -> tuple:
        """(table, key column, key): Telegram's int ids in ``users``, string ids in ``user_keys``."""
        if isinstance(user_id, int):
            return "users", "user_id", int(user_id)
        return "user_keys", "user_key", str(user_id)

    async def touch_user(self, user_id: UserKey, referral: str | None) -> UserRecord:
        now = time.time()
        table, col, key = self._users(user_id)
        new = self._x(f"INSERT OR IGNORE INTO {table} ({col}, referral, first_seen) VALUES (?,?,?)",
                      (key, referral, now)).rowcount > 0
        if not new and referral:  # first referral wins: fill it only where none was recorded yet
            self._x(f"UPDATE {table} SET referral = ? WHERE {col} = ? AND referral IS NULL", (referral, key))
        rec = await self.user(user_id)
        assert rec is not None
        rec.new = new
        return rec

    async def user(self, user_id: UserKey) -> UserRecord | None:
        table, col, key = self._users(user_id)
        row = self._x(f"SELECT referral, first_seen FROM {table} WHERE {col} = ?", (key,)).fetchone()
        return UserRecord(row[0], row[1], False) if row else None

    async def put_payload(self, token: str, payload: str) -> None:
        self._x("INSERT INTO callback_payloads (token, payload, last_used) VALUES (?,?,?) "
                "ON CONFLICT(token) DO UPDATE SET last_used = excluded.last_used", (token, payload, time.time()))

    async def get_payload(self, token: str) -> str | None:
        row = self._x("SELECT payload FROM callback_payloads WHERE token = ?", (token,)).fetchone()
        return row[0] if row else None

    async def set_flag(self, key: str, value: str | None, ttl: float | None = None) -> None:
        if value is None:
            self._x("DELETE FROM flags WHERE key = ?", (key,))
        else:
            self._x("INSERT OR REPLACE INTO flags (key, value, expires_at) VALUES (?,?,?)",
                    (key, value, time.time() + ttl if ttl else None))

    async def get_flag(self, key: str) -> str | None:
        row = self._x("SELECT value, expires_at FROM flags WHERE key = ?", (key,)).fetchone()
        if not row or (row[1] is not None and row[1] < time.time()):
            return None
        return row[0]

    async def set_flag_once(self, key: str, value: str, ttl: float | None = None) -> bool:
        self._x("DELETE FROM flags WHERE key = ? AND expires_at IS NOT NULL AND expires_at < ?", (key, time.time()))
        return self._x("INSERT OR IGNORE INTO flags (key, value, expires_at) VALUES (?,?,?)",
                       (key, value, time.time() + ttl if ttl else None)).rowcount > 0

    async def forget_user(self, user_id: UserKey, chat_id: UserKey | None = None,
                          chat_keys: Iterable[str] | None = None) -> Dict[str, int]:
        chat_id = user_id if chat_id is None else chat_id
        assert self.db is not None
        keys = personal_flag_keys(user_id, chat_id)
        like = CHOICE_PREFIX + _idstr(chat_id) + ":%"
        table, col, key = self._users(user_id)
        chats = _chat_keys(user_id, chat_id, chat_keys)
        with self.db:
            self.db.execute("BEGIN")
            users = self.db.execute(f"DELETE FROM {table} WHERE {col} = ?", (key,)).rowcount
            flags = self.db.execute(f"DELETE FROM flags WHERE key IN ({','.join('?' * len(keys))}) OR key LIKE ?",
                                    (*keys, like)).rowcount
            # finished updates keep only their id (to refuse a redelivery), no longer the chat they came from
            updates = self.db.execute(f"UPDATE inbox SET chat_key = '', payload = '{{}}' WHERE chat_key IN "
                                      f"({','.join('?' * len(chats))}) AND done_at IS NOT NULL", tuple(chats)
                                      ).rowcount if chats else 0
        return {"users": users, "flags": flags, "updates": updates}


# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
# Accept an update once: remember its id and append it to the stream in one atomic step, so a crash
# can never leave an id marked "seen" without the update being in the inbox.
# With an empty ARGV[2] (put_keyed) the update gets the next number of the sequence counter KEYS[4], never below
# ARGV[6] (the time in ms): after Redis lost its data the counter does not start again at numbers in use.
# Returns {stream id, update_id}.
_PUT_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local u = ARGV[2]
  if u == '' then
    local n = redis.call('INCR', KEYS[4])
    local floor = tonumber(ARGV[6])
    if n < floor then
      redis.call('SET', KEYS[4], ARGV[6])
      n = floor
    end
    u = string.format('%.0f', n)
  end
  redis.call('ZADD', KEYS[3], u, u)
  return {redis.call('XADD', KEYS[2], '*', 'u', u, 'c', ARGV[3], 'p', ARGV[4], 't', ARGV[5]), u}
end
return false
"""
# Per chat, a sorted set of its unfinished update ids (score = update_id): with several replicas reading
# one consumer group, an update waits until it is the lowest of its chat, so each chat keeps its order.
STALE_HEAD_S = 10 * 60   # a chat's oldest update unfinished this long (its replica died) no longer blocks it


def _sid(ref: str) -> tuple:
    ms, _, seq = ref.partition("-")
    return int(ms), int(seq or 0)


class RedisInbox(Inbox):
    """Redis backend: stream + consumer group inbox; safe for several adapter replicas."""

    backend = "redis"
    GROUP = "adapter"

    def __init__(self, url: str, prefix: str = "lingkar:tg:", consumer: str = "adapter",
                 keyed_ttl: float = KEYED_DEDUPE_TTL):
        self.url, self.prefix, self.consumer = url, prefix, consumer
        self.keyed_ttl = keyed_ttl
        self.r = None
        self._own_pending_done = False
        self._last_reclaim = 0.0
        # Updates this process stored and no consumer has claimed yet: update_id -> (stream id, chat, raw
        # JSON, de-duplication key, its TTL), in arrival order, at most HELD_MAX. If Redis comes back empty
        # they are stored again.
        self._held: Dict[int, tuple] = {}
        self._epoch: str | None = None

    def k(self, *parts: Any) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    async def _ensure_group(self) -> None:
        from redis.exceptions import ResponseError

        try:
            await self.r.xgroup_create(self.k("inbox"), self.GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        # A marker created with the group: when it is gone or changed, Redis lost its data since we looked.
        await self.r.set(self.k("epoch"), os.urandom(8).hex(), nx=True)
        self._epoch = await self.r.get(self.k("epoch"))

    async def open(self) -> None:
        import redis.asyncio as aioredis

        self.r = aioredis.from_url(self.url, decode_responses=True, health_check_interval=30)
        await self.r.ping()
        await self._ensure_group()
        self._put = self.r.register_script(_PUT_LUA)
        self._own_pending_done = False

    async def close(self) -> None:
        if self.r is not None:
            await self.r.close()
            await self.r.connection_pool.disconnect()
            self.r = None

    # inbox ----------------------------------------------------------------------------------
    async def put(self, update_id: int, chat_key: str, raw: Dict[str, Any]) -> bool:
        payload = json.dumps(raw, ensure_ascii=False)
        seen = self.k("seen", update_id)
        res = await self._store(seen, DEDUPE_TTL, update_id, chat_key, payload)
        if res:
            self._hold(res[1], (res[0], chat_key, payload, seen, DEDUPE_TTL))
        return bool(res)

    async def put_keyed(self, key: str, chat_key: str, raw: Dict[str, Any]) -> bool:
        payload = json.dumps(raw, ensure_ascii=False)
        seen = self.k("seenk", key)
        res = await self._store(seen, self.keyed_ttl, None, chat_key, payload)
        if res:
            self._hold(res[1], (res[0], chat_key, payload, seen, self.keyed_ttl))
        return bool(res)

    def _hold(self, update_id: int, item: tuple) -> None:
        if len(self._held) >= HELD_MAX:
            dropped = next(iter(self._held))
            del self._held[dropped]
            log.warning("inbox: more than %d unclaimed updates held for a Redis wipe; update %s no longer",
                        HELD_MAX, dropped)
        self._held[update_id] = item

    async def _store(self, seen: str, ttl: float, update_id: int | None, chat_key: str, payload: str
                     ) -> tuple | None:
        """(stream id, update_id) of the stored update, or None when ``seen`` was set already (a duplicate)."""
        res = await self._put(keys=[seen, self.k("inbox"), self.k("chat", chat_key), self.k("seq")],
                              args=[int(ttl), "" if update_id is None else update_id, chat_key, payload,
                                    repr(time.time()), int(time.time() * 1000)])
        return (res[0], int(res[1])) if res else None

    async def _replay_held(self) -> None:
        """Redis lost its data: store again, in arrival order, what this process stored and nobody claimed
        (with the numbers they had). An update whose de-duplication key exists already (stored again since) is
        skipped."""
        again = 0
        for uid, (_ref, chat_key, payload, seen, ttl) in list(self._held.items()):
            res = await self._store(seen, ttl, uid, chat_key, payload)
            if res and uid in self._held:
                self._held[uid] = (res[0], chat_key, payload, seen, ttl)
                again += 1
        if again:
            log.error("inbox: Redis lost its data; %d unclaimed update(s) held by this adapter stored again", again)

    async def _check_held(self) -> None:
        """Forget held updates that a consumer (of any replica) has claimed; replay them if Redis was wiped."""
        from redis.exceptions import ResponseError

        pipe = self.r.pipeline(transaction=False)
        pipe.get(self.k("epoch"))
        pipe.xinfo_groups(self.k("inbox"))
        epoch, groups = await pipe.execute(raise_on_error=False)
        if isinstance(epoch, ResponseError) or epoch != self._epoch:
            await self._recover()
            return
        g = next((g for g in groups if g["name"] == self.GROUP), None) if isinstance(groups, list) else None
        if g is not None:
            delivered = _sid(g.get("last-delivered-id") or "0-0")
            for uid in [u for u, item in self._held.items() if _sid(item[0]) <= delivered]:
                del self._held[uid]

    async def _recover(self) -> None:
        log.error("inbox: the consumer group is gone (Redis lost its data?): creating it again")
        await self._ensure_group()
        self._own_pending_done = False
        await self._replay_held()

    def _entries(self, items) -> List[Entry]:
        out = []
        for sid, f in items or []:
            if f and int(f["u"]) in self._held:   # claimed by our consumer: in flight, no replay any more
                del self._held[int(f["u"])]
            if not f:  # deleted while pending: nothing left to do but ack
                out.append(Entry(sid, -1, "", {}, time.time()))
                continue
            out.append(Entry(sid, int(f["u"]), f["c"], json.loads(f["p"]), float(f.get("t", time.time()))))
        return out

    async def fetch(self, limit: int, block: float, exclude: Iterable[str] = ()) -> List[Entry]:
        """Our own pending entries first (after a restart), now and then those of a dead replica, then new ones.
        If Redis lost its data (restarted without persistence: NOGROUP, or the ``epoch`` marker gone) the
        consumer group is created again from id 0, so everything stored since is read, and the updates this
        process had stored but no consumer had claimed yet are stored again from memory (``_held``)."""
        from redis.exceptions import ResponseError

        try:
            return await self._fetch(limit, block, exclude)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self._recover()
            return await self._fetch(limit, block, exclude)

    async def _fetch(self, limit: int, block: float, exclude: Iterable[str]) -> List[Entry]:
        assert self.r is not None
        excluded = set(exclude)
        if self._held:
            await self._check_held()
        if not self._own_pending_done:
            # First our own pending entries (a previous run of this consumer died with them).
            res = await self.r.xreadgroup(self.GROUP, self.consumer, {self.k("inbox"): "0"}, count=10_000)
            entries = [e for e in self._entries(res[0][1] if res else []) if e.ref not in excluded]
            self._own_pending_done = True
            if entries:
                return await self._with_attempts(entries)
        if time.monotonic() - self._last_reclaim > 30:
            self._last_reclaim = time.monotonic()
            # Entries of a consumer that died for good (a replica that is gone).
            res = await self.r.xautoclaim(self.k("inbox"), self.GROUP, self.consumer, RECLAIM_IDLE_MS,
                                          start_id="0-0", count=limit)
            entries = [e for e in self._entries(res[1]) if e.ref not in excluded]
            if entries:
                return await self._with_attempts(entries)
        res = await self.r.xreadgroup(self.GROUP, self.consumer, {self.k("inbox"): ">"}, count=limit,
                                      block=int(block * 1000) if block > 0 else None)
        return await self._with_attempts(self._entries(res[0][1] if res else []))

    async def _with_attempts(self, entries: List[Entry]) -> List[Entry]:
        if not entries:
            return entries
        pipe = self.r.pipeline(transaction=False)
        for e in entries:
            pipe.hget(self.k("progress", e.update_id), "_attempts")
        for e, n in zip(entries, await pipe.execute()):
            e.attempts = int(n or 0)
        return entries

    async def begin(self, entry: Entry) -> int:
        key = self.k("progress", entry.update_id)
        pipe = self.r.pipeline(transaction=True)
        pipe.hincrby(key, "_attempts", 1)
        pipe.expire(key, PROGRESS_TTL)
        n, _ = await pipe.execute()
        entry.attempts = int(n)
        return entry.attempts

    async def ack(self, entry: Entry) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.xack(self.k("inbox"), self.GROUP, entry.ref)
        pipe.xdel(self.k("inbox"), entry.ref)
        pipe.delete(self.k("progress", entry.update_id))
        if entry.chat_key:
            pipe.zrem(self.k("chat", entry.chat_key), entry.update_id)
        await pipe.execute()

    async def keepalive(self, refs: Iterable[str]) -> None:
        refs = list(refs)
        if refs:
            await self.r.xclaim(self.k("inbox"), self.GROUP, self.consumer, 0, refs, justid=True)

    async def wait_turn(self, entry: Entry, stopping: Callable[[], bool]) -> bool:
        key = self.k("chat", entry.chat_key)
        waited_since = 0.0
        head_seen = -1
        delay = 0.05
        while True:
            head = await self.r.zrange(key, 0, 0)
            if not head or int(head[0]) >= entry.update_id:
                return True
            if stopping():
                return False
            if int(head[0]) != head_seen:
                head_seen, waited_since = int(head[0]), time.monotonic()
            elif time.monotonic() - waited_since > STALE_HEAD_S:
                await self.r.zrem(key, head[0])   # its update is long gone (e.g. expired); stop waiting for it
                continue
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def backlog(self) -> Dict[str, Any]:
        groups = await self.r.xinfo_groups(self.k("inbox"))
        g = next((g for g in groups if g["name"] == self.GROUP), {})
        pending = int(g.get("pending") or 0) + int(g.get("lag") or 0)
        oldest = None
        first = await self.r.xrange(self.k("inbox"), count=1)
        if first:
            oldest = float(first[0][1].get("t", 0)) or None
        return {"backend": self.backend, "pending": pending,
                "oldest_age_s": round(time.time() - oldest, 1) if oldest else 0.0}

    # progress -------------------------------------------------------------------------------
    async def progress(self, update_id: int) -> Dict[str, Any]:
        h = await self.r.hgetall(self.k("progress", update_id))
        return {k: json.loads(v) for k, v in h.items() if not k.startswith("_")}

    async def set_progress(self, update_id: int, key: str, value: Any) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.k("progress", update_id), key, json.dumps(value, ensure_ascii=False))
        pipe.expire(self.k("progress", update_id), PROGRESS_TTL)
        await pipe.execute()

    # users, payloads, flags --------------------------------------------------------------------
    async def touch_user(self, user_id: UserKey, referral: str | None) -> UserRecord:
        key = self.k("user", user_id)
        pipe = self.r.pipeline(transaction=True)
        pipe.hsetnx(key, "first_seen", repr(time.time()))
        if referral:
            pipe.hsetnx(key, "referral", referral)
        pipe.hgetall(key)
        res = await pipe.execute()
        h = res[-1]
        return UserRecord(h.get("referral"), float(h["first_seen"]), bool(res[0]))

    async def user(self, user_id: UserKey) -> UserRecord | None:
        h = await self.r.hgetall(self.k("user", user_id))
        return UserRecord(h.get("referral"), float(h["first_seen"]), False) if h else None

    async def put_payload(self, token: str, payload: str) -> None:
        await self.r.set(self.k("cb", token), payload, ex=PAYLOAD_TTL)

    async def get_payload(self, token: str) -> str | None:
        return await self.r.get(self.k("cb", token))

    async def set_flag(self, key: str, value: str | None, ttl: float | None = None) -> None:
        if value is None:
            await self.r.delete(self.k("flag", key))
        else:
            await self.r.set(self.k("flag", key), value, ex=int(ttl) if ttl else None)

    async def get_flag(self, key: str) -> str | None:
        return await self.r.get(self.k("flag", key))

    async def set_flag_once(self, key: str, value: str, ttl: float | None = None) -> bool:
        return bool(await self.r.set(self.k("flag", key), value, nx=True, ex=int(ttl) if ttl else None))

    async def forget_user(self, user_id: UserKey, chat_id: UserKey | None = None,
                          chat_keys: Iterable[str] | None = None) -> Dict[str, int]:
        chat_id = user_id if chat_id is None else chat_id
        keys = [self.k("flag", key) for key in personal_flag_keys(user_id, chat_id)]
        async for key in self.r.scan_iter(match=self.k("flag", CHOICE_PREFIX + _idstr(chat_id)) + ":*",
                                          count=500):
            keys.append(key)
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(self.k("user", user_id))
        pipe.delete(*keys)
        users, flags = await pipe.execute()
        # finished updates are deleted from the stream when acked; the "seen" keys hold only update ids
        return {"users": int(users), "flags": int(flags), "updates": 0}


def inbox_prefix(channel: str) -> str:
    """Redis key prefix of a channel's inbox: ``lingkar:tg:`` for Telegram (as always), else ``lingkar:<channel>:``."""
    return "lingkar:tg:" if channel == "telegram" else f"lingkar:{channel}:"


def make_inbox(settings, channel: str = "telegram", *, prefix: str | None = None, path: Path | None = None,
               keyed_ttl: float = KEYED_DEDUPE_TTL) -> Inbox:
    """The inbox of ``channel``: Redis when ``settings.redis_url`` is set, else SQLite.

    ``settings`` needs ``redis_url``, ``consumer`` and ``var_dir`` (a channel's settings view, e.g.
    :class:`bot.telegram.config.Settings`). Redis prefix: ``prefix``, else for Telegram ``settings.redis_prefix``
    (TELEGRAM_REDIS_PREFIX), else :func:`inbox_prefix`. SQLite file: ``path``, else for Telegram
    ``settings.sqlite_path`` (``telegram.db``), else ``<var_dir>/<channel>.db``.
    """
    if channel == "telegram":
        prefix = prefix or getattr(settings, "redis_prefix", None)
        path = path or getattr(settings, "sqlite_path", None)
    prefix = prefix or inbox_prefix(channel)
    path = path or Path(settings.var_dir) / f"{channel}.db"
    if settings.redis_url:
        return RedisInbox(settings.redis_url, prefix, getattr(settings, "consumer", "adapter"), keyed_ttl=keyed_ttl)
    return SQLiteInbox(path, keyed_ttl=keyed_ttl)
