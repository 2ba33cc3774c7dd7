"""Benchmark of the Telegram adapter: latency from an update reaching the (fake) Bot API to the bot's answer
arriving there, and the sustained answer rate, for many chats at once.

    python -m tests.telegram.bench [--chats 50] [--messages 3] [--mode polling|webhook]
                                   [--rasa-url URL] [--redis-url URL] [--out reports/bench/telegram.json]

Without ``--rasa-url`` Rasa is the fake echo server (measures the adapter alone); with it, the real stack
(start it with ``make serve``). Each chat sends its next message when the previous one was answered (a
closed loop, like a person), all chats at once. Settings are the production defaults except where given.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from bot.telegram.app import Adapter
from bot.telegram.config import Settings

from .fake_bot_api import TOKEN, FakeBotAPI
from .fake_rasa import FakeRasa

ROOT = Path(__file__).resolve().parents[2]


def percentile(values: List[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def bench(chats: int, messages: int, mode: str, rasa_url: str | None, redis_url: str | None,
                timeout: float) -> Dict[str, Any]:
    tg = await FakeBotAPI().start()
    fake = None if rasa_url else await FakeRasa().start()
    tmp = tempfile.TemporaryDirectory()
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": tg.base, "TELEGRAM_MODE": mode,
           "RASA_URL": rasa_url or fake.url, "BOT_HOST": "127.0.0.1", "LINGKAR_VAR_DIR": tmp.name,
           "TELEGRAM_POLL_TIMEOUT": "5", "LOG_LEVEL": "WARNING"}
    if mode == "webhook":
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env.update(BOT_PORT=str(port), TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook")
    else:
        env["BOT_PORT"] = "0"
    if redis_url:
        env.update(REDIS_URL=redis_url, TELEGRAM_REDIS_PREFIX=f"lingkar:bench:{os.getpid()}:")
    adapter = Adapter(Settings.from_env(env))
    await adapter.start()
    latencies: List[float] = []
    failures = 0

    async def one_chat(uid: int) -> None:
        nonlocal failures
        for i in range(messages):
            before = len(tg.texts(uid))
            t0 = time.perf_counter()
            await tg.push(tg.text(uid, f"iuran nelayan berapa {i}"))
            try:
                await tg.wait_for(lambda f, n=before: len(f.texts(uid)) > n, timeout)
            except AssertionError:
                failures += 1
                return
            latencies.append(time.perf_counter() - t0)
            # the rest of a multi-message answer arrives before the next question
            await asyncio.sleep(0.05)

    t_start = time.perf_counter()
    await asyncio.gather(*(one_chat(900000 + c) for c in range(chats)))
    elapsed = time.perf_counter() - t_start
    sent = len(tg.successful("sendMessage"))
    await adapter.stop()
    await tg.stop()
    if fake:
        await fake.stop()
    tmp.cleanup()
    ms = [x * 1000 for x in latencies]
    return {
        "what": "update available at the Bot API -> first answer message received by the Bot API",
        "mode": mode, "inbox": "redis" if redis_url else "sqlite", "rasa": rasa_url or "fake echo",
        "chats": chats, "messages_per_chat": messages, "answered": len(latencies), "failures": failures,
        "latency_ms": {"p50": round(percentile(ms, 50), 1), "p90": round(percentile(ms, 90), 1),
                       "p99": round(percentile(ms, 99), 1), "max": round(max(ms), 1) if ms else None,
                       "mean": round(statistics.fmean(ms), 1) if ms else None},
        "elapsed_s": round(elapsed, 2), "turns_per_s": round(len(latencies) / elapsed, 2),
        "messages_sent_per_s": round(sent / elapsed, 2),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.telegram.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chats", type=int, default=50)
    ap.add_argument("--messages", type=int, default=3, help="per chat (the per-chat send limit allows bursts of 3)")
    ap.add_argument("--mode", choices=["polling", "webhook"], default="webhook")
    ap.add_argument("--rasa-url", default=None, help="a running Rasa (default: the fake echo server)")
    ap.add_argument("--redis-url", default=None, help="use the Redis inbox (default: SQLite)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one answer")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench" / "telegram.json")
    args = ap.parse_args(argv)
    result = asyncio.run(bench(args.chats, args.messages, args.mode, args.rasa_url, args.redis_url, args.timeout))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f">> written to {args.out}")
    return 0 if not result["failures"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
