"""Durable state of the adapter: the update inbox, per-update progress, and small per-user state.

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
from typing import Any, Callable, Dict, Iterable, List

log = logging.getLogger("lingkar.core.inbox")

DEDUPE_TTL = 3 * 24 * 3600          # seconds an update_id is remembered after it arrived
PROGRESS_TTL = 3 * 24 * 3600        # seconds progress of an unfinished update is kept (Redis)
PAYLOAD_TTL = 180 * 24 * 3600       # seconds a mapped callback payload stays valid after its last use
RECLAIM_IDLE_MS = 5 * 60 * 1000     # Redis: entries of another consumer idle this long are taken over
HELD_MAX = 10_000                   # Redis: stored-but-unclaimed updates an adapter keeps in memory (wipe replay)
PRUNE_INTERVAL = 3600.0             # SQLite: seconds between two sweeps of expired state while running


@dataclass
class Entry:
    """One update in the inbox."""

    ref: str            # backend reference: stream id (Redis) or update_id (SQLite)
    update_id: int
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
    async def put(self, update_id: int, chat_key: str, raw: Dict[str, Any]) -> bool: raise NotImplementedError
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
    async def touch_user(self, user_id: int, referral: str | None) -> UserRecord: raise NotImplementedError
    async def user(self, user_id: int) -> UserRecord | None: raise NotImplementedError
    async def put_payload(self, token: str, payload: str) -> None: raise NotImplementedError
    async def get_payload(self, token: str) -> str | None: raise NotImplementedError
    async def set_flag(self, key: str, value: str | None, ttl: float | None = None) -> None:
        raise NotImplementedError
    async def get_flag(self, key: str) -> str | None: raise NotImplementedError
    async def set_flag_once(self, key: str, value: str, ttl: float | None = None) -> bool:
        """Set ``key`` only if it is not set; True when this call set it."""
        raise NotImplementedError

    async def forget_user(self, user_id: int, chat_id: int | None = None) -> Dict[str, int]:
        """Delete the state kept about a person (their private chat is ``chat_id``, default ``user_id``):
        user record, agent-application state, the chat's flags and finished updates. Pending updates stay
        (they are still to be answered; their text is dropped when they are acked)."""
        raise NotImplementedError


def personal_flag_keys(user_id: int, chat_id: int) -> List[str]:
    """The flag keys that belong to one person (see bot/telegram/handlers.py and bot/agents/plugin.py)."""
    return [f"agen:{int(user_id)}", f"contact_kb:{int(chat_id)}", f"edited:{int(chat_id)}"]


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

    def __init__(self, path: Path, prune_interval: float = PRUNE_INTERVAL):
        self.path = Path(path)
        self.db: sqlite3.Connection | None = None
        self._new = asyncio.Event()
        self.prune_interval = prune_interval
        self._next_prune = 0.0

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(_SCHEMA)
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

    # inbox ----------------------------------------------------------------------------------
    async def put(self, update_id: int, chat_key: str, raw: Dict[str, Any]) -> bool:
        self._maybe_prune()
        cur = self._x("INSERT OR IGNORE INTO inbox (update_id, chat_key, payload, received_at) VALUES (?,?,?,?)",
                      (update_id, chat_key, json.dumps(raw, ensure_ascii=False), time.time()))
        if cur.rowcount:
            self._new.set()
            return True
        return False

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
    async def touch_user(self, user_id: int, referral: str | None) -> UserRecord:
        now = time.time()
        new = self._x("INSERT OR IGNORE INTO users (user_id, referral, first_seen) VALUES (?,?,?)",
                      (user_id, referral, now)).rowcount > 0
        if not new and referral:  # first referral wins: fill it only where none was recorded yet
            self._x("UPDATE users SET referral = ? WHERE user_id = ? AND referral IS NULL", (referral, user_id))
        rec = await self.user(user_id)
        assert rec is not None
        rec.new = new
        return rec

    async def user(self, user_id: int) -> UserRecord | None:
        row = self._x("SELECT referral, first_seen FROM users WHERE user_id = ?", (user_id,)).fetchone()
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

    async def forget_user(self, user_id: int, chat_id: int | None = None) -> Dict[str, int]:
        chat_id = user_id if chat_id is None else chat_id
        assert self.db is not None
        keys = personal_flag_keys(user_id, chat_id)
        like = CHOICE_PREFIX + str(int(chat_id)) + ":%"
        with self.db:
            self.db.execute("BEGIN")
            users = self.db.execute("DELETE FROM users WHERE user_id = ?", (int(user_id),)).rowcount
            flags = self.db.execute(f"DELETE FROM flags WHERE key IN ({','.join('?' * len(keys))}) OR key LIKE ?",
                                    (*keys, like)).rowcount
            # finished updates keep only their id (to refuse a redelivery), no longer the chat they came from
            updates = self.db.execute("UPDATE inbox SET chat_key = '', payload = '{}' WHERE chat_key IN (?, ?) "
                                      "AND done_at IS NOT NULL", (f"c{int(chat_id)}", f"u{int(user_id)}")).rowcount
        return {"users": users, "flags": flags, "updates": updates}


# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
# Accept an update once: remember its id and append it to the stream in one atomic step, so a crash
# can never leave an id marked "seen" without the update being in the inbox.
_PUT_LUA = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[2])
  return redis.call('XADD', KEYS[2], '*', 'u', ARGV[2], 'c', ARGV[3], 'p', ARGV[4], 't', ARGV[5])
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

    def __init__(self, url: str, prefix: str = "lingkar:tg:", consumer: str = "adapter"):
        self.url, self.prefix, self.consumer = url, prefix, consumer
        self.r = None
        self._own_pending_done = False
        self._last_reclaim = 0.0
        # Updates this process stored and no consumer has claimed yet: update_id -> (stream id, chat, raw
        # JSON), in arrival order, at most HELD_MAX. If Redis comes back empty they are stored again.
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
        ref = await self._store(update_id, chat_key, payload)
        if ref:
            if len(self._held) >= HELD_MAX:
                dropped = next(iter(self._held))
                del self._held[dropped]
                log.warning("inbox: more than %d unclaimed updates held for a Redis wipe; update %s no longer",
                            HELD_MAX, dropped)
            self._held[update_id] = (ref, chat_key, payload)
        return bool(ref)

    async def _store(self, update_id: int, chat_key: str, payload: str) -> str | None:
        return await self._put(keys=[self.k("seen", update_id), self.k("inbox"), self.k("chat", chat_key)],
                               args=[DEDUPE_TTL, update_id, chat_key, payload, repr(time.time())])

    async def _replay_held(self) -> None:
        """Redis lost its data: store again, in arrival order, what this process stored and nobody claimed.
        An update whose de-duplication key exists already (stored again since) is skipped."""
        again = 0
        for uid, (_ref, chat_key, payload) in list(self._held.items()):
            ref = await self._store(uid, chat_key, payload)
            if ref and uid in self._held:
                self._held[uid] = (ref, chat_key, payload)
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
            for uid in [u for u, (ref, _, _) in self._held.items() if _sid(ref) <= delivered]:
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
    async def touch_user(self, user_id: int, referral: str | None) -> UserRecord:
        key = self.k("user", user_id)
        pipe = self.r.pipeline(transaction=True)
        pipe.hsetnx(key, "first_seen", repr(time.time()))
        if referral:
            pipe.hsetnx(key, "referral", referral)
        pipe.hgetall(key)
        res = await pipe.execute()
        h = res[-1]
        return UserRecord(h.get("referral"), float(h["first_seen"]), bool(res[0]))

    async def user(self, user_id: int) -> UserRecord | None:
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

    async def forget_user(self, user_id: int, chat_id: int | None = None) -> Dict[str, int]:
        chat_id = user_id if chat_id is None else chat_id
        keys = [self.k("flag", key) for key in personal_flag_keys(user_id, chat_id)]
        async for key in self.r.scan_iter(match=self.k("flag", CHOICE_PREFIX + str(int(chat_id))) + ":*",
                                          count=500):
            keys.append(key)
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(self.k("user", user_id))
        pipe.delete(*keys)
        users, flags = await pipe.execute()
        # finished updates are deleted from the stream when acked; the "seen" keys hold only update ids
        return {"users": int(users), "flags": int(flags), "updates": 0}


def make_inbox(settings) -> Inbox:
    if settings.redis_url:
        return RedisInbox(settings.redis_url, settings.redis_prefix, settings.consumer)
    return SQLiteInbox(settings.sqlite_path)
