"""Benchmark of the WhatsApp channel: latency from a signed webhook post (the fake Graph API delivering a
message) to the bot's answer arriving at the fake Graph API, and the sustained answer rate, for many people at once.

    python -m tests.whatsapp.bench [--chats 50] [--messages 3] [--rasa-url URL] [--redis-url URL]
                                   [--out reports/bench/whatsapp.json]

Without ``--rasa-url`` Rasa is the fake echo server (measures the channel alone); with it, the real stack
(start it with ``make serve``). Each person sends the next message when the previous one was answered (a closed
loop, like a person), all at once. Settings are the production defaults except the pacing, which is raised so the
numbers measure the channel and not the rate limits (WHATSAPP_RATE, WHATSAPP_CHAT_RATE).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

from bot.whatsapp.app import WhatsAppAdapter
from bot.whatsapp.config import WEBHOOK_PATH, WhatsAppSettings
from tests.telegram.bench import percentile
from tests.telegram.fake_rasa import FakeRasa

from .fake_graph import APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, FakeGraph

ROOT = Path(__file__).resolve().parents[2]


async def bench(chats: int, messages: int, rasa_url: str | None, redis_url: str | None,
                timeout: float) -> Dict[str, Any]:
    graph = await FakeGraph().start()
    fake = None if rasa_url else await FakeRasa().start()
    tmp = tempfile.TemporaryDirectory()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"WHATSAPP_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": APP_SECRET,
           "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_API_URL": graph.base,
           "WHATSAPP_RATE": "1000/1", "WHATSAPP_CHAT_RATE": "100/1",
           "RASA_URL": rasa_url or fake.url, "BOT_HOST": "127.0.0.1", "BOT_PORT": str(port),
           "LINGKAR_VAR_DIR": tmp.name, "LOG_LEVEL": "WARNING"}
    if redis_url:
        env.update(REDIS_URL=redis_url, WHATSAPP_REDIS_PREFIX=f"lingkar:bench-wa:{os.getpid()}:")
    adapter = WhatsAppAdapter(WhatsAppSettings.from_env(env))
    await adapter.start()
    graph.webhook_url = f"http://127.0.0.1:{adapter.port}{WEBHOOK_PATH}"
    latencies: List[float] = []
    failures = 0

    async def one_chat(wa_id: str) -> None:
        nonlocal failures
        for i in range(messages):
            before = len(graph.to(wa_id))
            t0 = time.perf_counter()
            status = await graph.deliver(graph.text(wa_id, f"iuran nelayan berapa {i}"))
            try:
                assert status == 200, f"webhook answered {status}"
                await graph.wait_for(lambda g, n=before: len(g.to(wa_id)) > n, timeout)
            except AssertionError:
                failures += 1
                return
            latencies.append(time.perf_counter() - t0)
            await asyncio.sleep(0.05)   # the rest of a multi-message answer arrives before the next question

    t_start = time.perf_counter()
    await asyncio.gather(*(one_chat(f"62812{900000 + c:07d}") for c in range(chats)))
    elapsed = time.perf_counter() - t_start
    sent = len(graph.sent)
    await adapter.stop()
    await graph.stop()
    if fake:
        await fake.stop()
    tmp.cleanup()
    ms = [x * 1000 for x in latencies]
    return {
        "what": "signed webhook post of a message -> first answer message accepted by the (fake) Graph API",
        "inbox": "redis" if redis_url else "sqlite", "rasa": rasa_url or "fake echo",
        "chats": chats, "messages_per_chat": messages, "answered": len(latencies), "failures": failures,
        "latency_ms": {"p50": round(percentile(ms, 50), 1), "p90": round(percentile(ms, 90), 1),
                       "p99": round(percentile(ms, 99), 1), "max": round(max(ms), 1) if ms else None,
                       "mean": round(statistics.fmean(ms), 1) if ms else None},
        "elapsed_s": round(elapsed, 2), "turns_per_s": round(len(latencies) / elapsed, 2),
        "messages_sent_per_s": round(sent / elapsed, 2), "graph_requests": graph.requests,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.whatsapp.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chats", type=int, default=50)
    ap.add_argument("--messages", type=int, default=3)
    ap.add_argument("--rasa-url", default=None, help="a running Rasa (default: the fake echo server)")
    ap.add_argument("--redis-url", default=None, help="use the Redis inbox and state (default: SQLite)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one answer")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench" / "whatsapp.json")
    args = ap.parse_args(argv)
    result = asyncio.run(bench(args.chats, args.messages, args.rasa_url, args.redis_url, args.timeout))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f">> written to {args.out}")
    return 0 if not result["failures"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
