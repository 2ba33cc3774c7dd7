"""Time the NLU of trained models on single messages, one message per call (as a chat turn parses it).

    python scripts/nlu_latency.py MODEL [MODEL ...] [--data tests/nlu/heldout.yml] [--n 200] [--warmup 20]

For each model: load it with Rasa's Agent, parse ``--warmup`` messages untimed, then ``--n`` other messages one at a
time, and print the p50/p95/mean milliseconds per message as JSON. Each message is different, so a featurizer's
per-text cache does not help (it is emptied before each model). Models are timed one after another in this process;
run it on a quiet machine and compare models from the same run (docs/nlu-pipeline.md, round 4).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from scripts.nlu_eval import load_examples  # noqa: E402


async def time_model(model: Path, texts, warmup: int):
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    from rasa_plugins.nlu import dense

    configure_structlog(logging.WARNING)
    dense.clear_cache()  # the previous model's parses must not make this one look fast
    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_s = time.perf_counter() - started
    for text in texts[:warmup]:
        await agent.parse_message(text)
    ms = []
    for text in texts[warmup:]:
        t = time.perf_counter()
        await agent.parse_message(text)
        ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return {"model": str(model), "size_mb": round(model.stat().st_size / 1e6, 1), "load_s": round(load_s, 1),
            "n": len(ms), "p50_ms": round(ms[len(ms) // 2], 1), "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
            "mean_ms": round(sum(ms) / len(ms), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", type=Path, nargs="+")
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    args = ap.parse_args()
    texts = list(dict.fromkeys(t for t, _ in load_examples(args.data)))[: args.warmup + args.n]
    for model in args.models:
        print(json.dumps(asyncio.run(time_model(model, texts, args.warmup))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
