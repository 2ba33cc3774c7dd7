"""Command line: ``python -m bot.dashboard [--host H] [--port N]``."""
from __future__ import annotations

import argparse
import sys
from typing import List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, report_problems, run, stop_event
from ..config import ENV_HELP, StaffSettings

DESCRIPTION = """Lingkar's staff dashboard (web, Indonesian, works on a phone): leads with filters, search and CSV
export; a lead's details, history and status change; Agen Perisai (approve, reject, deactivate, results,
link and QR code); GN Lingkaran matching; the funnel (chats -> eligibility checks -> leads -> contacted
-> registered) by week, regency, sector and agent against the Sultra figures; staff management for admins;
broadcasts ("Siaran": compose with a preview on Telegram and WhatsApp and the exact recipient count, a second
staff member approves, progress, pause / resume / cancel), with BROADCAST_AUDIENCE set.

Staff sign in with a one-time link the bot sends them (/dasbor in a private chat with the bot), so the
Telegram adapter must run with the staff plugin (TELEGRAM_PLUGINS=bot.staff.plugin:setup_all) and
DASHBOARD_BASE_URL must be the address staff open. Serve it behind HTTPS in production (secure cookies
follow from an https:// DASHBOARD_BASE_URL). GET /health answers {"status": "ok"}. Details:
docs/staff-guide.md."""

DASHBOARD_KEYS = ("DASHBOARD_HOST", "DASHBOARD_PORT", "DASHBOARD_BASE_URL", "DASHBOARD_SECRET", "DASHBOARD_LOGIN_TTL",
                  "DASHBOARD_SESSION_TTL", "STAFF_ADMIN_TELEGRAM_ID", "STAFF_STALE_HOURS", "TELEGRAM_BOT_USERNAME",
                  "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "LINGKAR_TIMEZONE")


def _epilog_rows():
    from ..outreach.config import ENV_HELP as OUTREACH_HELP
    return [r for r in ENV_HELP if r[0] in DASHBOARD_KEYS] + [
        r for r in OUTREACH_HELP if r[0] in ("BROADCAST_AUDIENCE", "BROADCAST_TEMPLATE")]


def _epilog() -> str:
    return env_epilog(_epilog_rows(),
                      "  (TELEGRAM_BOT_USERNAME, or the token to ask getMe, is needed for agents' links and QR codes)")


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.dashboard", description=DESCRIPTION, epilog=_epilog(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", help="overrides DASHBOARD_HOST")
    ap.add_argument("--port", type=int, help="overrides DASHBOARD_PORT (0 = any free port)")
    ap.add_argument("--check", action="store_true", help="check the settings and exit (0 = runnable)")
    args = ap.parse_args(argv)

    core = start_process()
    settings = StaffSettings.from_settings(core)
    if args.host:
        settings.dashboard_host = args.host
    if args.port is not None:
        settings.dashboard_port = args.port
    if report_problems(settings.problems()):
        return 2
    if args.check:
        print(f"ok: dashboard on {settings.dashboard_host}:{settings.dashboard_port}, links to {settings.base_url}")
        return 0

    configure_logging(core.log_level, quiet=["aiohttp.access"])  # sign-in URLs carry the token
    from aiohttp import web

    from lingkar.store import open_store

    from ..outreach.runtime import composer_parts
    from .app import make_app
    from .keys import Composer

    store = open_store()
    if settings.admin_telegram_id is not None:
        store.ensure_admin(settings.admin_telegram_id)
    composer = Composer(**composer_parts(core, store))

    async def serve() -> None:
        runner = web.AppRunner(make_app(store, settings, composer), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.dashboard_host, settings.dashboard_port)
        await site.start()
        port = runner.addresses[0][1] if runner.addresses else settings.dashboard_port
        print(f">> staff dashboard on port {port} (links to {settings.base_url})", flush=True)
        await stop_event().wait()
        await runner.cleanup()

    return run(serve())


if __name__ == "__main__":
    sys.exit(main())
