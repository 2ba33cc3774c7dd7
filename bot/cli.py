"""What the command lines of ``python -m bot.telegram``, ``bot.staff`` and ``bot.dashboard`` share: the environment
table of ``--help``, settings problems, logging (personal data masked), and running until SIGTERM/Ctrl-C.

Each of them starts with :func:`lingkar.process.start_process` (the settings read once) and builds its own settings
view from what that returns."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Any, Coroutine, Iterable, Mapping, Tuple

from lingkar.identity import install_log_filter


def env_epilog(rows: Iterable[Tuple[str, str, str]], *notes: str) -> str:
    """The "environment variables (default):" part of ``--help`` from ``(key, default, meaning)`` rows, then
    ``notes`` (lines as given)."""
    rows = list(rows)
    width = max(len(k) for k, _, _ in rows)
    lines = ["environment variables (default):"]
    lines += [f"  {k:<{width}}  {meaning} ({default})" if default else f"  {k:<{width}}  {meaning}"
              for k, default, meaning in rows]
    lines += notes
    return "\n".join(lines)


def report_problems(problems: Mapping[str, str]) -> bool:
    """Print every settings problem as ``error: KEY problem`` on stderr; True when there was any."""
    for key, problem in problems.items():
        print(f"error: {key} {problem}", file=sys.stderr)
    return bool(problems)


def configure_logging(level: str, quiet: Iterable[str] = ()) -> None:
    """Log lines with time, level and logger at ``level``; the ``quiet`` loggers only from WARNING on (their lines
    carry the bot token or sign-in tokens in URLs); phone numbers and NIKs masked on every handler."""
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_log_filter()


def stop_event() -> asyncio.Event:
    """An event that SIGTERM or SIGINT sets (call it inside the running event loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


def run(main: Coroutine[Any, Any, Any]) -> int:
    """Run ``main`` to its end (Ctrl-C included); exit code 0."""
    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        pass
    return 0
