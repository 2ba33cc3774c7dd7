"""Command line: ``python -m bot.telegram [--mode polling|webhook] [--port N] [--check]``."""
from __future__ import annotations

import argparse
import os
import sys
from typing import List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, report_problems, run
from .config import ENV_HELP, Settings

DESCRIPTION = """Lingkar's Telegram adapter: serves the bot on Telegram and talks to Rasa's REST channel.

Every update is stored in a durable inbox (Redis with REDIS_URL, else SQLite under LINGKAR_VAR_DIR)
before Telegram is told it arrived, then processed (updates of one chat in order, chats in parallel)
and acknowledged. GET /health on BOT_PORT reports Rasa, the inbox backlog and degraded flags
(?strict=1 answers 503 when degraded). `python -m bot.stack run` starts this when TELEGRAM_BOT_TOKEN
is set. Details: docs/telegram.md."""


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.telegram", description=DESCRIPTION, epilog=env_epilog(ENV_HELP),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["polling", "webhook"], help="overrides TELEGRAM_MODE")
    ap.add_argument("--port", type=int, help="overrides BOT_PORT (webhook / health server)")
    ap.add_argument("--check", action="store_true", help="check the settings and exit (0 = runnable)")
    args = ap.parse_args(argv)

    settings = Settings.from_settings(start_process())
    if args.mode:
        settings.mode = args.mode
    if args.port is not None:
        settings.port = args.port
    if report_problems(settings.problems()):
        return 2
    if args.check:
        print(f"ok: {settings.mode} mode, inbox in {'Redis' if settings.redis_url else settings.sqlite_path}, "
              f"Rasa at {settings.rasa_url}")
        return 0

    # httpx logs every request URL, and the URL contains the bot token.
    configure_logging(settings.log_level, quiet=["httpx", "aiohttp.access"])
    from bot.core.delivery import DeliveryReporter

    from .app import Adapter

    return run(Adapter(settings, deliveries=DeliveryReporter("telegram")).run())


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
