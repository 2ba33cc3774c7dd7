"""Command line of broadcasts.

    python -m bot.outreach broadcast --file MSG.yml --topic T --confirm [--filter regency=Kota Kendari] [--by NAME]
    python -m bot.outreach status --id N          # counts as JSON
    python -m bot.outreach pause|resume|cancel --id N [--by NAME]
    python -m bot.outreach reminders --date YYYY-MM-DD  # payment reminders due that day and not yet sent (once)
    python -m bot.outreach worker                 # run the jobs until SIGTERM/Ctrl-C (start more to scale out)
    python -m bot.outreach health [--max-age 900] # the container's health check
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Dict, List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, report_problems
from .config import ENV_HELP

DESCRIPTION = """Lingkar's broadcasts (issue 15): a message to the subscribers of a topic, on Telegram and WhatsApp,
sent by worker processes at each platform's limits (a broadcast share of the bot's and the number's rate; replies to
conversations keep the rest). Each recipient gets it once: a broadcast survives restarts and killed workers, resumes
where it was, and skips whoever unsubscribed in the meantime. The message file is YAML (text: with {fact.key}
placeholders, filled in on the day of sending; buttons: up to 3 {title, payload}) or plain text. Jobs run on
procrastinate in the lead store's PostgreSQL; without PostgreSQL the worker keeps them in its memory (one process).
The worker also sends the payment reminders (topic pengingat) every day; `reminders --date` runs that day's by
hand (catching up after an outage, checks): only what is due and not sent yet, so running it twice sends nothing
more. Details: docs/jobs.md."""


def _filters(items: List[str]) -> Dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"error: --filter takes key=value, not {item!r}")
        out[key.strip()] = value.strip()
    return out


async def _queue(args, core, store) -> int:
    from .message import BroadcastMessage, MessageError
    from .runtime import open_runtime

    try:
        message = BroadcastMessage.load(Path(args.file))
    except (OSError, MessageError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    rt = await open_runtime(core, store, send=False)
    try:
        if rt.outreach is None:
            print("error: broadcasts are off (BROADCAST_AUDIENCE=off)", file=sys.stderr)
            return 2
        at = dt.datetime.fromisoformat(args.at) if args.at else None
        if at is not None and at.tzinfo is None:
            raise SystemExit("error: --at needs a time zone (e.g. 2026-12-03T09:00+08:00)")
        async with rt.app.open_async():
            try:
                bc, leftover = await rt.outreach.queue(message, args.topic, args.by, filters=_filters(args.filter),
                                                       template=rt.settings.template, scheduled_at=at,
                                                       jobs=rt.jobs.specs(at))
            except MessageError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        # in-memory mode: the worker's sweep picks the broadcast up from the store (nothing to defer here)
        del leftover
    finally:
        await rt.close()
    print(bc.id)
    print(f"broadcast {bc.id}: {bc.total} recipients of topic {bc.topic!r}", file=sys.stderr)
    return 0


async def _set_status(args, core, store) -> int:
    from lingkar.store.broadcasts import BroadcastError

    from .runtime import open_runtime

    status = {"pause": "paused", "resume": "running", "cancel": "cancelled"}[args.command]
    try:
        bc = store.set_broadcast_status(args.id, status, args.by)
    except BroadcastError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if status == "running":
        rt = await open_runtime(core, store, send=False)
        try:
            if rt.settings.on_postgresql:
                async with rt.app.open_async():
                    channels = sorted({ch for b, ch in store.broadcasts_with_work() if b == bc.id})
                    await rt.jobs.resume(bc.id, channels)
        finally:
            await rt.close()
    print(json.dumps({"id": bc.id, "status": bc.status}))
    return 0


async def _worker(core, store) -> int:
    from .jobs import POLL_INTERVAL, QUEUE
    from .runtime import open_runtime

    rt = await open_runtime(core, store)
    try:
        if rt.outreach is None or not rt.outreach.senders:
            print("error: no channel to send on (TELEGRAM_BOT_TOKEN / WHATSAPP_TOKEN) or BROADCAST_AUDIENCE=off",
                  file=sys.stderr)
            return 2
        logging.getLogger("lingkar.outreach").info(
            "broadcast worker %s: %s, jobs on %s", rt.settings.worker_name, ", ".join(sorted(rt.outreach.senders)),
            "PostgreSQL" if rt.settings.on_postgresql else "memory (one process)")
        async with rt.app.open_async():
            await rt.jobs.sweep()
            await rt.app.run_worker_async(queues=[QUEUE], concurrency=rt.settings.concurrency,
                                          name=rt.settings.worker_name, update_heartbeat_interval=10.0,
                                          fetch_job_polling_interval=POLL_INTERVAL,
                                          shutdown_graceful_timeout=30.0)
    finally:
        await rt.close()
    return 0


async def _reminders(args, core, store) -> int:
    from .runtime import open_runtime

    try:
        on = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"error: --date takes YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
        return 2
    rt = await open_runtime(core, store)
    try:
        if rt.reminders is None or not rt.reminders.senders:
            print("error: no channel to send on (TELEGRAM_BOT_TOKEN / WHATSAPP_TOKEN) or no BROADCAST_AUDIENCE",
                  file=sys.stderr)
            return 2
        counts = await rt.reminders.run(on)
    finally:
        await rt.close()
    print(json.dumps({"date": on.isoformat(), **counts}, sort_keys=True))
    return 0


def _idle() -> int:
    from ..cli import run, stop_event

    async def wait() -> None:
        await stop_event().wait()
    return run(wait())


def _health(max_age: float, off: bool) -> int:
    """The container's health check: the lead store answers, and (on PostgreSQL) no broadcast job that is due has
    waited more than ``max_age`` seconds to start (workers stuck or gone). Broadcasts switched off count as healthy."""
    from sqlalchemy import text

    from lingkar.store import open_store

    try:
        store = open_store(migrate=False)
    except Exception as exc:  # noqa: BLE001
        print(f"unhealthy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if off or store.dialect != "postgresql":
                print("ok" + (" (broadcasts off)" if off else ""))
                return 0
            late = conn.execute(text(
                "SELECT count(*) FROM procrastinate_jobs j WHERE j.queue_name = 'broadcasts' AND j.status = 'todo' "
                "AND COALESCE(j.scheduled_at, (SELECT min(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)) "
                "< now() - make_interval(secs => :age)"), {"age": max_age}).scalar_one()
    except Exception as exc:  # noqa: BLE001  (whatever it is, the check says unhealthy)
        print(f"unhealthy: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    if late:
        print(f"unhealthy: {late} broadcast job(s) due for more than {max_age:g} s", file=sys.stderr)
        return 1
    print("ok")
    return 0


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.outreach", description=DESCRIPTION, epilog=env_epilog(ENV_HELP),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("broadcast", help="queue a broadcast to a topic's subscribers; prints its id")
    b.add_argument("--file", required=True, help="the message file (YAML: text, buttons; or plain text)")
    b.add_argument("--topic", required=True, help="the subscription topic (exact)")
    b.add_argument("--filter", action="append", metavar="KEY=VALUE",
                   help="narrow the audience (channel, regency, sector, agent: as the subscriptions offer; "
                        "lead=checked_no_lead or lead=lead_not_registered: by eligibility checks and leads)")
    b.add_argument("--at", help="send from this time (ISO 8601 with zone) instead of now")
    b.add_argument("--confirm", action="store_true", help="really queue it (required)")
    for name, text in (("status", "print the counts as JSON"), ("pause", "stop sending until resumed"),
                       ("resume", "go on sending a paused broadcast"), ("cancel", "stop for good")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--id", type=int, required=True)
    for p in (b, sub.choices["pause"], sub.choices["resume"], sub.choices["cancel"]):
        p.add_argument("--by", default=getpass.getuser(), help="who does this (audit log; default: the login)")
    r = sub.add_parser("reminders", help="send the payment reminders due on a day and not yet sent (exactly once)")
    r.add_argument("--date", required=True, help="the day (YYYY-MM-DD, WITA) to run as")
    sub.add_parser("worker", help="run broadcast jobs until SIGTERM/Ctrl-C (start more processes to scale out)")
    h = sub.add_parser("health", help="exit 0 when the store answers and no broadcast job waits too long, else 1")
    h.add_argument("--max-age", type=float, default=900.0, help="seconds a due job may wait to start (900)")
    args = ap.parse_args(argv)

    core = start_process()
    configure_logging(core.log_level, quiet=["httpx", "procrastinate"])
    from lingkar.store import open_store

    if args.command == "broadcast" and not args.confirm:
        print("error: a broadcast goes to real people: add --confirm (make broadcast ... CONFIRM=yes)", file=sys.stderr)
        return 2
    from .config import OutreachSettings
    problems = OutreachSettings.from_settings(core).problems()
    if args.command in ("broadcast", "reminders") and report_problems(problems):
        return 2
    if args.command == "worker" and problems:
        # broadcasts switched off (BROADCAST_AUDIENCE=off): stay up and idle rather than restart in a loop
        report_problems(problems)
        print("broadcasts are off: the worker idles until stopped", file=sys.stderr)
        return _idle()
    if args.command == "health":
        return _health(args.max_age, bool(problems))
    store = open_store()
    try:
        if args.command == "status":
            bc = store.get_broadcast(args.id)
            if bc is None:
                print(f"error: no broadcast {args.id}", file=sys.stderr)
                return 1
            print(json.dumps({"id": bc.id, "status": bc.status, "topic": bc.topic, "total": bc.total,
                              **store.broadcast_counts(bc.id)}))
            return 0
        if args.command == "broadcast":
            return asyncio.run(_queue(args, core, store))
        if args.command in ("pause", "resume", "cancel"):
            return asyncio.run(_set_status(args, core, store))
        if args.command == "reminders":
            return asyncio.run(_reminders(args, core, store))
        try:
            return asyncio.run(_worker(core, store))
        except KeyboardInterrupt:
            return 0
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
