"""Command line of the staff tools.

    python -m bot.staff notifier [--once]   # post new leads, applications, handoffs; daily reminder
    python -m bot.staff check               # are the settings complete?
"""
from __future__ import annotations

import argparse
import sys
from typing import List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, report_problems, run, stop_event
from ..config import ENV_HELP, StaffSettings

DESCRIPTION = """Lingkar's staff notifier: takes events from the lead store's outbox and posts them to the staff
group (STAFF_CHAT_ID) through the Telegram Bot API — each new lead once, with buttons to claim it and
set its status; agent applications with approve/reject buttons; "talk to a person" requests — tells
agents about decisions (their link and QR code on approval), tells Telegram workers once when staff change
their lead's status, and once a day reminds the group of leads nobody touched for STAFF_STALE_HOURS. The staff
commands themselves (/leads, /lead, /dasbor, ...) run inside the Telegram adapter as a plugin
(TELEGRAM_PLUGINS=bot.staff.plugin:setup_all).
Details: docs/staff-guide.md."""


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.staff", description=DESCRIPTION, epilog=env_epilog(ENV_HELP),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    n = sub.add_parser("notifier", help="run the notifier until SIGTERM/Ctrl-C")
    n.add_argument("--once", action="store_true", help="deliver what is pending (and a due reminder), then exit")
    sub.add_parser("check", help="check the settings and exit (0 = runnable)")
    args = ap.parse_args(argv)

    core = start_process()
    settings = StaffSettings.from_settings(core)
    if report_problems(settings.problems(notifier=True)):
        return 2
    if args.command == "check":
        print(f"ok: staff chat {settings.staff_chat_id}, reminder from {settings.reminder_hour}:00, "
              f"leads untouched for {settings.stale_hours:g} h")
        return 0

    configure_logging(core.log_level, quiet=["httpx"])  # its log lines contain the bot token
    from lingkar.store import open_store

    from .notifier import Notifier

    store = open_store()
    if settings.admin_telegram_id is not None:
        store.ensure_admin(settings.admin_telegram_id)
    notifier = Notifier(store, settings)

    async def serve() -> None:
        if args.once:
            await notifier.start()
            try:
                while await notifier.step():
                    pass
            finally:
                await notifier.close()
            return
        stop = stop_event()
        print(f">> staff notifier running (consumer {settings.consumer})", flush=True)
        await notifier.run(stop)

    return run(serve())


if __name__ == "__main__":
    sys.exit(main())
