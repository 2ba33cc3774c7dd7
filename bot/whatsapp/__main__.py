"""Command line: ``python -m bot.whatsapp [--port N] [--check]``."""
from __future__ import annotations

import argparse
import asyncio
import sys
from typing import List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, report_problems
from .config import ENV_HELP, WEBHOOK_PATH, WhatsAppSettings

DESCRIPTION = f"""Lingkar's WhatsApp channel (Cloud API): serves the bot on WhatsApp and talks to Rasa's REST channel.

Meta posts messages to {WEBHOOK_PATH} on BOT_PORT; every post is verified (X-Hub-Signature-256 with
WHATSAPP_APP_SECRET) and its messages stored in a durable inbox (Redis with REDIS_URL, else SQLite under
LINGKAR_VAR_DIR), de-duplicated on their message id, before Meta gets its 200; then answered (one person's
messages in order, people in parallel) through the Graph API at WHATSAPP_API_URL. `python -m bot.stack run`
starts this when WHATSAPP_TOKEN is set. Exit code 3: the API refused the token. Details: docs/whatsapp.md."""


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.whatsapp", description=DESCRIPTION, epilog=env_epilog(ENV_HELP),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, help="overrides BOT_PORT")
    ap.add_argument("--check", action="store_true", help="check the settings and exit (0 = runnable)")
    args = ap.parse_args(argv)

    settings = WhatsAppSettings.from_settings(start_process())
    if args.port is not None:
        settings.port = args.port
    if report_problems(settings.problems()):
        return 2
    if args.check:
        print(f"ok: number {settings.phone_number_id}, inbox in {'Redis' if settings.redis_url else settings.var_dir}"
              f", Rasa at {settings.rasa_url}, API {settings.api_url}")
        return 0
    configure_logging(settings.log_level, quiet=["aiohttp.access"])
    from bot.core.delivery import DeliveryReporter, lazy_store

    from .app import WhatsAppAdapter

    try:  # with the lead store (DATABASE_URL) it also tells workers of their lead's status changes
        store = lazy_store()
        return asyncio.run(WhatsAppAdapter(settings, lead_store=store,
                                           deliveries=DeliveryReporter("whatsapp", store)).run())
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
