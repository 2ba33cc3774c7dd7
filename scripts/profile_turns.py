"""CPU per turn under concurrency, and where it goes (docs/performance.md).

    python scripts/profile_turns.py [--rounds 3] [--senders 8] [--turns 7] [--profile NAME]
    python scripts/profile_turns.py --aggregate /tmp/prof/NAME-rasa.txt [FILTER]

Starts Rasa and the action server on free ports (in-memory tracker, a throw-away SQLite store), warms up, then
runs ``--rounds`` rounds of ``--senders`` concurrent REST senders × ``--turns`` turns, and prints per round the
p50 latency and turns per second, then the CPU milliseconds per turn of Rasa and of the action server (the robust
figure on a shared machine: compare builds by it, interleaved, several times), then a sequential run.

``--profile NAME`` records both processes with py-spy for 25 s during the rounds (``/tmp/prof/NAME-rasa.txt``,
``NAME-actions.txt``, raw format). py-spy is not a project dependency: set ``PYSPY`` to its binary (default
``py-spy`` on PATH).
``--aggregate FILE`` prints the inclusive share of samples per function of such a file.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.stack import MODEL, Stack, action_server_cmd, default_env, rasa_server_cmd, wait_http  # noqa: E402
from scripts.bench import cpu_seconds, free_port, rest_turns  # noqa: E402


def aggregate(path: Path, only: str = "", top: int = 120) -> None:
    """Inclusive share of the samples per function (file:function) of a py-spy raw profile."""
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rstrip().rpartition(" ")
        if not stack:
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            key = f"{name} ({where.split(':')[0]})" if where else name
            if key not in seen:
                inclusive[key] += int(n)
                seen.add(key)
    print("samples", total)
    for key, n in inclusive.most_common(top * 4 if only else top):
        if only in key:
            print(f"{n / max(total, 1) * 100:5.1f}% {key}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--turns", type=int, default=7)
    ap.add_argument("--profile", metavar="NAME", help="record py-spy profiles to /tmp/prof/NAME-*.txt")
    ap.add_argument("--aggregate", type=Path, metavar="FILE", help="summarise a py-spy raw profile and exit")
    ap.add_argument("filter", nargs="?", default="", help="with --aggregate: only functions containing this")
    args = ap.parse_args()
    if args.aggregate:
        aggregate(args.aggregate, args.filter)
        return 0

    with tempfile.TemporaryDirectory(prefix="lingkar-prof-") as tmpdir:
        tmp = Path(tmpdir)
        rasa_port, action_port = free_port(), free_port()
        env = default_env({**os.environ, "RASA_PORT": str(rasa_port), "ACTION_SERVER_PORT": str(action_port),
                           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
                           "DATABASE_URL": f"sqlite:///{tmp}/prof.db", "LINGKAR_VAR_DIR": str(tmp)})
        env.pop("REDIS_URL", None)
        stack = Stack(env)
        log = open(tmp / "stack.log", "w")
        spies = []
        try:
            actions = stack.start(action_server_cmd(env), stdout=log, stderr=subprocess.STDOUT)
            rasa = stack.start(rasa_server_cmd(env, MODEL), stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{rasa_port}"
            if not wait_http(f"{url}/", 300, stack.procs):
                print("error: Rasa did not start; log tail:\n" + (tmp / "stack.log").read_text()[-3000:])
                return 1
            wait_http(f"http://127.0.0.1:{action_port}/health", 120, stack.procs)
            asyncio.run(rest_turns(url, 1, 3))  # warm up
            if args.profile:
                Path("/tmp/prof").mkdir(exist_ok=True)
                for name, proc in (("rasa", rasa), ("actions", actions)):
                    spies.append(subprocess.Popen(
                        [os.environ.get("PYSPY", "py-spy"), "record", "--pid", str(proc.pid), "-d", "25",
                         "--format", "raw", "-o", f"/tmp/prof/{args.profile}-{name}.txt", "--nonblocking"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                time.sleep(1)
            before = (cpu_seconds(rasa.pid), cpu_seconds(actions.pid))
            turns = 0
            for _ in range(args.rounds):
                r = asyncio.run(rest_turns(url, args.senders, args.turns))
                turns += r["turns"]
                print(f"concurrent: p50 {r['p50_ms']} ms, {r['turns_per_second']} turns/s", flush=True)
            after = (cpu_seconds(rasa.pid), cpu_seconds(actions.pid))
            print(f"CPU ms per turn: Rasa {(after[0] - before[0]) * 1000 / turns:.1f}, "
                  f"action server {(after[1] - before[1]) * 1000 / turns:.1f}", flush=True)
            r = asyncio.run(rest_turns(url, 1, 30))
            print(f"sequential: p50 {r['p50_ms']} ms, {r['turns_per_second']} turns/s")
            for spy in spies:
                spy.wait()
        finally:
            stack.stop()
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
