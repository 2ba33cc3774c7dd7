"""Command line: ``python -m bot.channels [--only telegram,...] [--port N] [--check]``."""
from __future__ import annotations

import argparse
import sys
from typing import List

from lingkar.process import start_process

from ..cli import configure_logging, env_epilog, run, stop_event
from ..core.server import HttpHost
from . import CHANNELS, Channels, build

DESCRIPTION = """Lingkar's messenger channels in one process: every configured channel (Telegram when
TELEGRAM_BOT_TOKEN is set, WhatsApp when WHATSAPP_TOKEN is set) on the delivery core, with one HTTP server
on BOT_PORT for their webhooks (WhatsApp: /webhooks/whatsapp) and GET /health (one channel: its own document;
several: {"status", "degraded", "channels": {...}}). Each channel's own settings: `python -m bot.telegram
--help`, `python -m bot.whatsapp --help`. Details: docs/architecture.md."""

ENV_HELP = (
    ("BOT_HOST", "0.0.0.0", "address of the webhook / health server"),
    ("BOT_PORT", "8080", "port of the webhook / health server (0 = any free port; -1 = no server)"),
    ("BOT_HEALTH_TOKEN", "", "Bearer token for /health details from a non-local client (empty: loopback only)"),
    ("LOG_LEVEL", "INFO", "logging level"),
)


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.channels", description=DESCRIPTION,
                                 epilog=env_epilog(ENV_HELP), formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help=f"comma-separated channels to run (of: {', '.join(CHANNELS)})")
    ap.add_argument("--port", type=int, help="overrides BOT_PORT")
    ap.add_argument("--check", action="store_true", help="list the configured channels and exit (0 = some)")
    args = ap.parse_args(argv)

    settings = start_process()
    env = settings.env
    g = lambda k, d="": (env.get(k) or d).strip()  # noqa: E731
    host = HttpHost(g("BOT_HOST", "0.0.0.0"), args.port if args.port is not None else int(g("BOT_PORT", "8080")),
                    g("BOT_HEALTH_TOKEN"))
    only = [c.strip() for c in args.only.split(",")] if args.only else None
    runners = build(settings, host, only)
    if not runners:
        print("error: no channel is configured (Telegram: set TELEGRAM_BOT_TOKEN; WhatsApp: WHATSAPP_TOKEN)",
              file=sys.stderr)
        return 2
    if args.check:
        print("ok: " + ", ".join(r.name for r in runners))
        return 0
    configure_logging(g("LOG_LEVEL", "INFO"), quiet=["httpx", "aiohttp.access"])

    async def serve() -> None:
        stop = stop_event()
        channels = Channels(host, runners)
        await channels.start()
        print(f">> Lingkar channels running ({', '.join(r.name for r in runners)}"
              + (f", port {host.port}" if host.port else "") + ")", flush=True)
        await stop.wait()
        await channels.stop()

    return run(serve())


if __name__ == "__main__":
    sys.exit(main())
