"""Health check of the `notifier` container (docker-compose.yml runs it every 30 s).

    python docker/notifier_health.py [--max-age SECONDS]     # exit 0 healthy, 1 unhealthy

The notifier has no port to ask, so this looks at what it is for, from the outside:

1. its settings are complete (the same check as `python -m bot.staff check`: token, STAFF_CHAT_ID);
2. the lead store (DATABASE_URL) answers;
3. no outbox event the notifier delivers has been waiting longer than --max-age seconds (default 900).
   A notifier that is stuck, crash-looping or cut off from the Bot API leaves new leads undelivered, and
   this turns the container unhealthy; it turns healthy again once the backlog is delivered.

It prints one line (counts and ages only: never the content of an event) and never changes anything: the
store is opened without migrating and only read.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import List


def check(max_age: float, env=None) -> tuple[bool, str]:
    from bot.config import StaffSettings

    settings = StaffSettings.from_env(env)
    problems = settings.problems(notifier=True)
    if problems:
        return False, "settings: " + "; ".join(f"{k} {v}" for k, v in problems.items())

    from sqlalchemy import func, select

    from bot.staff.notifier import TOPICS
    from lingkar.store import Store
    from lingkar.store.models import outbox

    store = Store()
    try:
        with store.engine.connect() as conn:
            pending, oldest = conn.execute(
                select(func.count(), func.min(outbox.c.created_at))
                .where(outbox.c.delivered_at.is_(None), outbox.c.topic.in_(TOPICS))).one()
    except Exception as exc:
        return False, f"lead store unreachable: {type(exc).__name__}"
    finally:
        store.dispose()
    if not pending:
        return True, "ok: outbox empty"
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    age = (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds()
    if age > max_age:
        return False, f"{pending} outbox event(s) undelivered, the oldest for {age:.0f} s (limit {max_age:g} s)"
    return True, f"ok: {pending} outbox event(s) pending, the oldest for {age:.0f} s"


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="notifier_health", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-age", type=float, default=900.0,
                    help="seconds an outbox event may wait before the notifier counts as unhealthy (900)")
    args = ap.parse_args(argv)
    healthy, message = check(args.max_age)
    print(message, flush=True)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
