"""The job engine's side of broadcasts: the procrastinate app, its two tasks, and how jobs are named and locked.

* ``lingkar.broadcast_batch(broadcast_id, channel)``: batches (:meth:`Outreach.deliver_batch`) for up to
  :data:`JOB_SLICE` seconds; then it queues the next job itself until the channel's rows are all settled. Its
  ``lock`` is the channel's sending account (``send:telegram:<bot id>``, ``send:whatsapp:<phone_number_id>``):
  whatever the number of workers, one job at a time sends for one bot or number, paced by the delivery core's
  pacer, so the platform's rate holds. Its
  ``queueing_lock`` (``batch:<broadcast>:<channel>``) keeps at most one batch of a broadcast and channel waiting.
  An exception is retried with exponential back-off (a database or network outage).
* ``lingkar.payment_reminders`` (periodic, every :data:`REMINDER_CRON`: hourly from 08:00 to 20:00 WITA, deduplicated
  across workers, one at a time): :meth:`bot.outreach.reminders.Reminders.run` for today in the branch's time zone.
  A run sends only what is due and not yet sent, so the hourly repeat costs nothing and catches up after an outage.
* ``lingkar.broadcast_sweep`` (periodic, every :data:`SWEEP_CRON`): procrastinate's documented recipe for stalled
  jobs (a job whose worker stopped sending heartbeats, e.g. ``kill -9``, is retried: that frees its lock), then a
  batch job for every queued or running broadcast that still has rows to send and no waiting job (jobs lost with an
  in-memory worker, a broadcast queued by another process in the in-memory mode, one resumed).

On PostgreSQL the jobs are rows in the lead store's database (schema: migration 0010), and a broadcast's first jobs
are written in the same transaction as its recipient rows (:meth:`lingkar.store.Store.create_broadcast`). Without
PostgreSQL (``make run`` on SQLite) the app uses procrastinate's in-memory connector inside the worker process: the
sweep finds new broadcasts in the store, and nothing of the queue survives the process (the rows do).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import time
from typing import Any, Dict, List, Mapping, Sequence

from procrastinate import App, PsycopgConnector, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Status
from procrastinate.testing import InMemoryConnector

from lingkar import clock
from lingkar.store.aio import run_sync

from .delivery import Outreach

log = logging.getLogger("lingkar.outreach.jobs")

QUEUE = "broadcasts"
BATCH_TASK = "lingkar.broadcast_batch"
SWEEP_TASK = "lingkar.broadcast_sweep"
SWEEP_CRON = "* * * * * */15"            # every 15 seconds (croniter's sixth field: seconds)
STALLED_AFTER = 60.0                     # seconds without a worker heartbeat before its jobs count as stalled
RETRY = RetryStrategy(max_attempts=30, exponential_wait=2)
JOB_SLICE = 30.0                         # seconds one job sends (batch after batch) before it queues the next
REMINDER_TASK = "lingkar.payment_reminders"
REMINDER_CRON = "0 0-12 * * *"           # hourly 00-12 UTC = 08:00-20:00 WITA (procrastinate's cron runs in UTC)
POLL_INTERVAL = 1.0                      # a worker looks for runnable jobs this often besides LISTEN/NOTIFY


def conninfo(database_url: str) -> str:
    """A libpq connection string from the store's SQLAlchemy URL (``postgresql+psycopg2://`` -> ``postgresql://``)."""
    scheme, sep, rest = database_url.partition("://")
    return "postgresql://" + rest if sep and scheme.startswith("postgres") else database_url


def is_postgresql(database_url: str) -> bool:
    return database_url.startswith(("postgresql", "postgres:"))


def make_app(database_url: str) -> App:
    """procrastinate on the store's PostgreSQL, else its in-memory connector (one process)."""
    if is_postgresql(database_url):
        return App(connector=PsycopgConnector(conninfo=conninfo(database_url)))
    return App(connector=InMemoryConnector())


def lock_for(channel: str, account: str) -> str:
    return f"send:{channel}:{account}"


class Jobs:
    """The tasks of ``app`` bound to the work; ``accounts`` maps a channel to its sending account (bot id, phone
    number id) for the per-account lock."""

    def __init__(self, app: App, accounts: Mapping[str, str], outreach: Outreach | None = None,
                 stalled_after: float = STALLED_AFTER, sweep_cron: str = SWEEP_CRON):
        self.app, self.accounts, self.outreach = app, dict(accounts), outreach
        self.stalled_after = stalled_after
        self.reminders: Any = None          # bot.outreach.reminders.Reminders, set by the runtime

        @app.task(name=BATCH_TASK, queue=QUEUE, pass_context=True, retry=RETRY)
        async def broadcast_batch(context, broadcast_id: int, channel: str) -> Dict[str, Any]:
            return await self.run_batch(context, broadcast_id, channel)

        @app.periodic(cron=sweep_cron, periodic_id="broadcast-sweep")
        @app.task(name=SWEEP_TASK, queue=QUEUE, queueing_lock=SWEEP_TASK, pass_context=True)
        async def broadcast_sweep(context, timestamp: int) -> Dict[str, int]:
            return await self.sweep()

        @app.periodic(cron=REMINDER_CRON, periodic_id="payment-reminders")
        @app.task(name=REMINDER_TASK, queue=QUEUE, queueing_lock=REMINDER_TASK, lock=REMINDER_TASK)
        async def payment_reminders(timestamp: int) -> Dict[str, int]:
            return await self.run_reminders(clock.today())

        self.batch_task, self.sweep_task, self.reminder_task = broadcast_batch, broadcast_sweep, payment_reminders

    # ------------------------------------------------------------------ naming
    def spec(self, broadcast_id: int, channel: str, scheduled_at: dt.datetime | None = None) -> Dict[str, Any]:
        """A batch job as a row (what :meth:`Store.create_broadcast` inserts in its transaction)."""
        return {"queue": QUEUE, "task": BATCH_TASK, "lock": lock_for(channel, self.accounts.get(channel, "")),
                "queueing_lock": f"batch:{broadcast_id}:{channel}", "priority": 0,
                "args": {"broadcast_id": int(broadcast_id), "channel": channel}, "scheduled_at": scheduled_at}

    def specs(self, scheduled_at: dt.datetime | None = None):
        """``jobs`` for :meth:`Store.create_broadcast`: one batch job per channel of the audience."""
        return lambda broadcast_id, channels: [self.spec(broadcast_id, ch, scheduled_at) for ch in channels]

    async def defer_batch(self, broadcast_id: int, channel: str, delay: float = 0.0) -> bool:
        """Queue a batch job (False when one is already waiting: the queueing lock)."""
        s = self.spec(broadcast_id, channel)
        options: Dict[str, Any] = {"lock": s["lock"], "queueing_lock": s["queueing_lock"]}
        if delay > 0:
            options["schedule_in"] = {"seconds": round(delay, 3)}
        try:
            await self.batch_task.configure(**options).defer_async(**s["args"])
            return True
        except AlreadyEnqueued:
            return False

    async def defer_specs(self, specs: Sequence[Mapping[str, Any]]) -> int:
        """Defer jobs that could not be written with the rows (the in-memory mode)."""
        n = 0
        for s in specs:
            n += await self.defer_batch(s["args"]["broadcast_id"], s["args"]["channel"])
        return n

    # ------------------------------------------------------------------ the tasks
    async def run_batch(self, context: Any, broadcast_id: int, channel: str) -> Dict[str, Any]:
        if self.outreach is None:
            raise RuntimeError("this app only queues jobs; run them with `python -m bot.outreach worker`")
        job_id = getattr(getattr(context, "job", None), "id", None)
        worker = f"{getattr(context, 'worker_name', None) or 'worker'}:{os.getpid()}:{job_id}"[:64]
        totals = {"sent": 0, "failed": 0, "skipped": 0, "batches": 0}
        started = time.monotonic()
        while True:       # batch after batch for up to JOB_SLICE seconds, then the account's other jobs get a turn
            result = await self.outreach.deliver_batch(broadcast_id, channel, worker)
            totals["batches"] += 1
            for key in ("sent", "failed", "skipped"):
                totals[key] += getattr(result, key)
            if not result.more or result.delay > 0 or time.monotonic() - started > JOB_SLICE:
                break
        if result.more:
            await self.defer_batch(broadcast_id, channel, result.delay)
        return {**totals, "more": result.more}

    async def run_reminders(self, on: dt.date) -> Dict[str, int]:
        """The payment reminders due on ``on`` (exactly once: the store's rows)."""
        if self.reminders is None:
            raise RuntimeError("this app only queues jobs; run them with `python -m bot.outreach worker`")
        return await self.reminders.run(on)

    async def recover_stalled(self) -> int:
        """procrastinate's recipe: retry the jobs of workers that stopped sending heartbeats."""
        manager = self.app.job_manager
        stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=self.stalled_after)
        for job in stalled:
            log.warning("job %s (%s) stalled: its worker is gone; retrying it", job.id, job.task_name)
            try:
                await manager.retry_job(job)
            except UniqueViolation:
                # a job of the same broadcast and channel is already waiting (queued by a sweep): that one goes on;
                # this one is closed as failed, which frees the account's lock
                await manager.finish_job(job, Status.FAILED, delete_job=False)
        return len(stalled)

    async def sweep(self) -> Dict[str, int]:
        recovered = await self.recover_stalled()
        queued = 0
        if self.outreach is not None:
            for broadcast_id, channel in await run_sync(self.outreach.store.broadcasts_with_work):
                if channel in self.outreach.senders:
                    queued += await self.defer_batch(broadcast_id, channel)
        return {"recovered": recovered, "queued": queued}

    async def resume(self, broadcast_id: int, channels: List[str]) -> int:
        n = 0
        for ch in channels:
            n += await self.defer_batch(broadcast_id, ch)
        return n
