"""Process inbox entries: per-chat order, concurrency across chats, retries, graceful stop.

Each chat has its own queue and worker task: updates of one chat run one after another in
``update_id`` order, different chats run side by side (at most ``concurrency`` at a time), so one slow
turn holds up only its own chat.

Every entry is processed inside a :class:`Turn`. A turn records each finished step (Rasa's answer as a
rendered plan, every message sent) in the store before moving on, so a turn that is run again after a
crash skips what was already done. See docs/telegram.md ("Delivery guarantee") and docs/architecture.md
("Delivery core").
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, Set

from .inbox import Entry, Inbox

log = logging.getLogger("lingkar.core.dispatcher")

MAX_ATTEMPTS = 5          # transient failures of one entry before it is given up (within one run)
MAX_DELIVERIES = 8        # times an entry may be started across restarts before it is given up
RETRY_BASE = 1.0          # seconds; doubled per attempt
KEEPALIVE_S = 60.0        # how often entries held in memory are marked as still in progress (Redis)
RECORD_WAIT_S = 60.0      # how long a finished step waits for the store to record it (see Turn._record)

_current: contextvars.ContextVar[Turn | None] = contextvars.ContextVar("lingkar_turn", default=None)


class Turn:
    """The processing of one update; handlers reach it with :meth:`Turn.current`.

    ``await turn.once(key, fn)`` runs ``fn()`` only if step ``key`` has not finished in an earlier attempt
    of this update, records its (JSON-serialisable) result, and returns it. Steps must be deterministic
    in order and key for a given update.
    """

    def __init__(self, entry: Entry, store: Inbox):
        self.entry = entry
        self.store = store
        self.update_id = entry.update_id
        self.done: Dict[str, Any] = {}
        self.error: BaseException | None = None
        self.extra: Dict[str, Any] = {}    # per-turn scratch space for handlers (not persisted)
        self._seq = 0

    @staticmethod
    def current() -> Turn | None:
        return _current.get()

    async def load(self) -> Turn:
        self.done = await self.store.progress(self.update_id)
        return self

    async def once(self, key: str, fn: Callable[[], Awaitable[Any]]) -> Any:
        if key in self.done:
            return self.done[key]
        result = await fn()
        await self._record(key, result)
        self.done[key] = result
        return result

    async def _record(self, key: str, result: Any) -> None:
        """Record a finished step, waiting up to :data:`RECORD_WAIT_S` for a store that is down: the step (e.g. a
        message Telegram accepted) is done, and failing now would make a rerun do it a second time."""
        deadline = time.monotonic() + RECORD_WAIT_S
        delay = 0.2
        while True:
            try:
                await self.store.set_progress(self.update_id, key, result)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("update %s: step %s done but not recorded (%s); retry in %.1fs", self.update_id, key,
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def next_key(self, prefix: str = "step") -> str:
        """An automatic step key: the n-th call in this turn (deterministic when the handler is)."""
        self._seq += 1
        return f"{prefix}:{self._seq}"


class Dispatcher:
    """Reads the inbox and runs ``process(entry, turn)`` per chat, in order; acks when done.

    ``process`` returns True when the entry is finished (ack it) and False when it failed transiently
    (retry later, keeping the chat's order).
    """

    def __init__(self, store: Inbox, process: Callable[[Entry, Turn], Awaitable[bool]],
                 give_up: Callable[[Entry, Turn], Awaitable[None]], concurrency: int = 32,
                 max_in_memory: int = 1000):
        self.store = store
        self.process = process
        self.give_up = give_up
        self.sem = asyncio.Semaphore(concurrency)
        self.max_in_memory = max_in_memory
        self.queues: Dict[str, Deque[Entry]] = {}
        self.workers: Dict[str, asyncio.Task] = {}
        self.in_memory: Set[str] = set()
        self.stopping = False
        self.reader: asyncio.Task | None = None
        self.processed = 0
        self.read_errors = 0
        self.last_read_error: str | None = None
        self.idle = asyncio.Event()
        self.idle.set()

    # ---- reading ---------------------------------------------------------------------------------
    def start(self) -> None:
        self.reader = asyncio.create_task(self._read_loop(), name="lingkar:inbox-reader")

    async def _read_loop(self) -> None:
        backoff = 0.5
        last_keepalive = time.monotonic()
        while not self.stopping:
            if self.in_memory and time.monotonic() - last_keepalive > KEEPALIVE_S:
                last_keepalive = time.monotonic()
                try:
                    await self.store.keepalive(self.in_memory)
                except Exception as exc:
                    log.warning("keepalive failed: %s", exc)
            room = self.max_in_memory - len(self.in_memory)
            if room <= 0:
                await asyncio.sleep(0.05)
                continue
            try:
                entries = await self.store.fetch(min(room, 200), block=1.0, exclude=self.in_memory)
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # store unreachable: keep trying, report in /health
                self.read_errors += 1
                self.last_read_error = f"{type(exc).__name__}: {exc}"
                log.error("inbox read failed: %s (retry in %.1fs)", self.last_read_error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            self.last_read_error = None
            for e in entries:
                self.enqueue(e)

    def enqueue(self, entry: Entry) -> None:
        if entry.ref in self.in_memory:
            return
        self.in_memory.add(entry.ref)
        self.idle.clear()
        q = self.queues.setdefault(entry.chat_key, deque())
        # keep update_id order among the chat's waiting entries (webhook deliveries may arrive out of order)
        i = len(q)
        while i > 0 and q[i - 1].update_id > entry.update_id:
            i -= 1
        q.insert(i, entry)
        if entry.chat_key not in self.workers:
            self.workers[entry.chat_key] = asyncio.create_task(self._chat_worker(entry.chat_key),
                                                               name=f"lingkar:chat:{entry.chat_key}")

    # ---- processing ------------------------------------------------------------------------------
    async def _chat_worker(self, chat_key: str) -> None:
        q = self.queues[chat_key]
        try:
            while q:
                entry = q.popleft()
                try:
                    # another replica may hold an older update of this chat: wait (outside the semaphore)
                    finished = await self.store.wait_turn(entry, lambda: self.stopping)
                except Exception as exc:
                    log.error("update %s: ordering check failed (%s); processing anyway", entry.update_id, exc)
                    finished = True
                if finished:
                    async with self.sem:
                        finished = await self._run(entry)
                self.in_memory.discard(entry.ref)
                if not finished:  # stopping with this entry unfinished: it and the rest stay pending in the store
                    while q:
                        self.in_memory.discard(q.popleft().ref)
                    break
        finally:
            if not q:
                self.queues.pop(chat_key, None)
            self.workers.pop(chat_key, None)
            if not self.workers:
                self.idle.set()

    async def _run(self, entry: Entry) -> bool:
        """Process one entry until it is finished; False only when stopping left it unfinished."""
        if entry.update_id < 0 or not entry.raw:
            await self.store.ack(entry)
            return True
        failures = 0
        while True:
            if self.stopping and failures:
                return False
            turn = Turn(entry, self.store)
            try:
                attempts = await self.store.begin(entry)
                await turn.load()
                if attempts > MAX_DELIVERIES:
                    log.error("update %s was started %d times without finishing: giving up", entry.update_id,
                              attempts - 1)
                    await self._give_up(entry, turn)
                    ok = True
                else:
                    token = _current.set(turn)
                    try:
                        ok = await self.process(entry, turn)
                    finally:
                        _current.reset(token)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the store failed, or process() itself broke
                log.error("update %s: %s: %s", entry.update_id, type(exc).__name__, exc)
                ok = False
            if ok:
                try:
                    await self.store.ack(entry)
                except Exception as exc:
                    log.error("update %s: ack failed (%s); it will be processed again and skip done steps",
                              entry.update_id, exc)
                self.processed += 1
                return True
            failures += 1
            if failures >= MAX_ATTEMPTS:
                log.error("update %s failed %d times: giving up", entry.update_id, failures)
                try:
                    await self._give_up(entry, turn)
                    await self.store.ack(entry)
                except Exception as exc:
                    log.error("update %s: could not give up cleanly (%s); left pending", entry.update_id, exc)
                    return False
                return True
            delay = RETRY_BASE * 2 ** (failures - 1)
            log.warning("update %s: transient failure %d, retry in %.0fs", entry.update_id, failures, delay)
            t_end = time.monotonic() + delay
            while time.monotonic() < t_end:
                if self.stopping:
                    return False
                await asyncio.sleep(min(0.2, t_end - time.monotonic()))

    async def _give_up(self, entry: Entry, turn: Turn) -> None:
        token = _current.set(turn)
        try:
            await self.give_up(entry, turn)
        except Exception as exc:
            log.error("update %s: apology failed: %s", entry.update_id, exc)
        finally:
            _current.reset(token)

    # ---- stopping --------------------------------------------------------------------------------
    async def stop(self, grace: float) -> None:
        """Stop reading; let the workers finish what they hold for up to ``grace`` seconds."""
        self.stopping = True
        if self.reader:
            self.reader.cancel()
            try:
                await self.reader
            except (asyncio.CancelledError, Exception):
                pass
        if self.workers:
            log.info("finishing %d update(s) in progress (up to %.0fs)", len(self.in_memory), grace)
            try:
                await asyncio.wait_for(self.idle.wait(), grace)
            except asyncio.TimeoutError:
                log.warning("grace period over: %d update(s) left pending for the next start", len(self.in_memory))
                for t in list(self.workers.values()):
                    t.cancel()
                await asyncio.gather(*self.workers.values(), return_exceptions=True)

    def status(self) -> Dict[str, Any]:
        return {"in_memory": len(self.in_memory), "chats_active": len(self.workers), "processed": self.processed,
                "read_error": self.last_read_error}
