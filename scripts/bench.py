"""Benchmarks: training time, startup time, memory, REST latency, and the whole stack behind Telegram and WhatsApp.

    python scripts/bench.py [--skip-train] [--turns 60] [--chats 20]

Writes reports/bench/bench.json and reports/bench/summary.md (and reports/bench/telegram*.json from the
Telegram adapter benchmark, reports/bench/whatsapp.json from the WhatsApp channel's against the fake Graph
API). Numbers are measurements on this machine, never assertions: `make test` does not run this.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.stack import BIN, MODEL, Stack, action_server_cmd, default_env, rasa_server_cmd, wait_http  # noqa: E402

SAMPLE = ["halo", "iuran bpu brp sebulan?", "jht bisa cair kapan klo resign?", "cara daftar gmn",
          "ojol dpt diskon?", "bpjs tk bisa buat berobat?", "makasih min", "menu"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def pct(values: List[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


def bench_train(tmp: Path) -> Dict:
    t0 = time.monotonic()
    subprocess.run([str(BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu",
                    "stories", "--out", str(tmp), "--fixed-model-name", "bench", "--force"], cwd=ROOT,
                   env=default_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secs = time.monotonic() - t0
    model = tmp / "bench.tar.gz"
    return {"train_seconds": round(secs, 1), "model_mb": round(model.stat().st_size / 2**20, 1)}


async def rest_turns(url: str, senders: int, turns: int) -> Dict:
    import aiohttp

    latencies: List[float] = []
    failures = 0

    async def one_sender(i: int, session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for n in range(turns):
            text = SAMPLE[(i + n) % len(SAMPLE)]
            t0 = time.monotonic()
            async with session.post(f"{url}/webhooks/rest/webhook",
                                    json={"sender": f"bench-{i}", "message": text}) as r:
                body = await r.json()
            latencies.append((time.monotonic() - t0) * 1000)
            if r.status != 200 or not body:
                failures += 1

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        t0 = time.monotonic()
        await asyncio.gather(*(one_sender(i, session) for i in range(senders)))
        wall = time.monotonic() - t0
    return {"senders": senders, "turns": len(latencies), "failures": failures,
            "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "p99_ms": pct(latencies, 99),
            "mean_ms": round(statistics.mean(latencies), 1), "turns_per_second": round(len(latencies) / wall, 2)}


# ------------------------------------------------------------------ one long conversation (issue 14)

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far, in seconds (from /proc)."""
    total = 0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


async def long_conversation(url: str, turns: int, window: int, pids: List[int]) -> Dict:
    """``turns`` turns of one sender, one after another; latency and CPU (Rasa + action server) per turn for the
    first ``window`` turns and the last ``window`` turns. During the last ``window`` turns, each turn of the long
    conversation is paired with the same message as the first turn of a new sender (``fresh``), so that turn 1
    and turn 500 are compared under the same load of the machine (``ratio_p50``)."""
    import aiohttp

    sender = f"bench-long-{os.getpid()}-{int(time.time())}"
    latencies: List[float] = []
    cpu: List[float] = []
    fresh_latencies: List[float] = []
    fresh_cpu: List[float] = []
    failures = 0

    async def one(session: aiohttp.ClientSession, who: str, text: str, lat: List[float], used: List[float]) -> None:
        nonlocal failures
        c0 = sum(cpu_seconds(p) for p in pids)
        t0 = time.monotonic()
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": who, "message": text}) as r:
            body = await r.json()
        lat.append((time.monotonic() - t0) * 1000)
        used.append((sum(cpu_seconds(p) for p in pids) - c0) * 1000)
        if r.status != 200 or not body:
            failures += 1

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for n in range(turns):
            text = SAMPLE[n % len(SAMPLE)]
            if n >= turns - window:
                await one(session, f"{sender}-fresh-{n}", text, fresh_latencies, fresh_cpu)
            await one(session, sender, text, latencies, cpu)

    def part(lat: List[float], used: List[float], label: str) -> Dict:
        return {"turns": label, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
                "cpu_ms_per_turn": round(statistics.mean(used), 1)}

    first = part(latencies[:window], cpu[:window], f"1-{window}")
    last = part(latencies[-window:], cpu[-window:], f"{turns - window + 1}-{turns}")
    fresh = part(fresh_latencies, fresh_cpu, "turn 1 of new senders, alternating with the last turns")
    return {"sender": sender, "turns": turns, "failures": failures, "first": first, "last": last, "fresh": fresh,
            "ratio_p50": round(last["p50_ms"] / fresh["p50_ms"], 2) if fresh["p50_ms"] else None,
            "ratio_cpu": round(last["cpu_ms_per_turn"] / fresh["cpu_ms_per_turn"], 2)
            if fresh["cpu_ms_per_turn"] else None}


def bench_long_conversation(tmp: Path, model: Path, turns: int, window: int = 25) -> Dict:
    """Turn 1 vs turn ``turns`` of one conversation with the production tracker store (Redis, REDIS_URL or
    redis://localhost:6379/0), on its own stack; also the size of the stored conversation at the end."""
    import redis

    from rasa_plugins.health import tracker_key

    rasa_port, action_port = free_port(), free_port()
    prefix = f"benchlong{os.getpid()}"
    env = default_env({**os.environ, "RASA_PORT": str(rasa_port), "ACTION_SERVER_PORT": str(action_port),
                       "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
                       "DATABASE_URL": f"sqlite:///{tmp}/bench-long.db", "LINGKAR_VAR_DIR": str(tmp),
                       "REDIS_URL": os.environ.get("REDIS_URL") or "redis://localhost:6379/0", "REDIS_PREFIX": prefix})
    stack = Stack(env)
    log = open(tmp / "stack-long.log", "w")
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        actions = stack.start(action_server_cmd(env), stdout=log, stderr=subprocess.STDOUT)
        rasa = stack.start(rasa_server_cmd(env, model), stdout=log, stderr=subprocess.STDOUT)
        url = f"http://localhost:{rasa_port}"
        if not wait_http(f"{url}/", 300, stack.procs):
            return {"error": "Rasa did not start"}
        wait_http(f"http://localhost:{action_port}/health", 120, stack.procs)
        asyncio.run(rest_turns(url, 1, 3))  # warm up (another sender)
        result = asyncio.run(long_conversation(url, turns, window, [rasa.pid, actions.pid]))
        stored = client.get(tracker_key(result["sender"], prefix)) or b""
        result["stored_tracker_kb"] = round(len(stored) / 1024, 1)
        result["stored_events"] = len(json.loads(stored)["events"]) if stored else 0
        return result
    finally:
        stack.stop()
        log.close()
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def long_conversation_line(r: Dict) -> str:
    if "first" not in r:
        return f"- one long conversation: {r}"
    f, last, fresh = r["first"], r["last"], r["fresh"]
    return (f"- one conversation of {r['turns']} turns (Redis tracker, {r['failures']} failed): turns {f['turns']} "
            f"p50 {f['p50_ms']} ms, {f['cpu_ms_per_turn']} CPU ms/turn; turns {last['turns']} p50 "
            f"{last['p50_ms']} ms, {last['cpu_ms_per_turn']} CPU ms/turn, against turn 1 of new senders at the "
            f"same time p50 {fresh['p50_ms']} ms, {fresh['cpu_ms_per_turn']} CPU ms/turn (**{r['ratio_p50']}×** "
            f"latency, {r['ratio_cpu']}× CPU); stored conversation {r['stored_tracker_kb']} KiB, "
            f"{r['stored_events']} events")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--skip-train", action="store_true", help="do not measure training from scratch")
    ap.add_argument("--turns", type=int, default=60, help="REST turns per measurement")
    ap.add_argument("--chats", type=int, default=20, help="concurrent chats in the Telegram benchmark")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    ap.add_argument("--long-turns", type=int, default=500,
                    help="turns of the one long conversation (Redis tracker); 0 skips it")
    ap.add_argument("--only-long", action="store_true", help="measure only the long conversation")
    args = ap.parse_args()
    if args.only_long:
        return main_long(args)
    args.out.mkdir(parents=True, exist_ok=True)
    result: Dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                "platform": platform.platform()},
                    "when": time.strftime("%Y-%m-%d %H:%M:%S")}

    with tempfile.TemporaryDirectory(prefix="lingkar-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if not args.skip_train:
            print(">> bench: training from scratch ...", flush=True)
            result["training"] = bench_train(tmp)

        rasa_port, action_port = free_port(), free_port()
        env = default_env({**os.environ, "RASA_PORT": str(rasa_port), "ACTION_SERVER_PORT": str(action_port),
                           "ACTION_ENDPOINT_URL": f"http://localhost:{action_port}/webhook",
                           "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "LINGKAR_VAR_DIR": str(tmp)})
        env.pop("REDIS_URL", None)
        stack = Stack(env)
        log = open(tmp / "stack.log", "w")
        try:
            print(">> bench: starting Rasa and the action server ...", flush=True)
            t0 = time.monotonic()
            actions = stack.start(action_server_cmd(env), stdout=log, stderr=subprocess.STDOUT)
            rasa = stack.start(rasa_server_cmd(env, args.model), stdout=log, stderr=subprocess.STDOUT)
            url = f"http://localhost:{rasa_port}"
            if not wait_http(f"{url}/", 300, stack.procs):
                print("error: Rasa did not start; log tail:\n" + (tmp / "stack.log").read_text()[-3000:])
                return 1
            ready = time.monotonic() - t0
            wait_http(f"http://localhost:{action_port}/health", 120, stack.procs)
            first = asyncio.run(rest_turns(url, 1, 1))
            result["startup"] = {"seconds_to_rasa_ready": round(ready, 1),
                                 "first_turn_ms": first["p50_ms"],
                                 "rasa_rss_mb": rss_mb(rasa.pid), "action_server_rss_mb": rss_mb(actions.pid)}
            print(">> bench: REST latency ...", flush=True)
            result["rest_sequential"] = asyncio.run(rest_turns(url, 1, args.turns))
            result["rest_concurrent"] = asyncio.run(rest_turns(url, 8, max(1, args.turns // 8)))
            result["memory_after_load"] = {"rasa_rss_mb": rss_mb(rasa.pid),
                                           "action_server_rss_mb": rss_mb(actions.pid)}
            print(">> bench: Telegram adapter in front of the real stack ...", flush=True)
            for mode in ("webhook", "polling"):
                out = args.out / f"telegram-{mode}.json"
                cmd = [sys.executable, "-m", "tests.telegram.bench", "--chats", str(args.chats), "--mode", mode,
                       "--rasa-url", url, "--out", str(out)]
                rc = subprocess.call(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
                result[f"telegram_{mode}"] = json.loads(out.read_text()) if rc == 0 and out.exists() else {
                    "error": f"exit code {rc}"}
            print(">> bench: WhatsApp channel (fake Graph API) in front of the real stack ...", flush=True)
            out = args.out / "whatsapp.json"
            cmd = [sys.executable, "-m", "tests.whatsapp.bench", "--chats", str(args.chats), "--rasa-url", url,
                   "--out", str(out)]
            rc = subprocess.call(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            result["whatsapp"] = json.loads(out.read_text()) if rc == 0 and out.exists() else {
                "error": f"exit code {rc}"}
        finally:
            stack.stop()
            log.close()
        if args.long_turns:
            print(f">> bench: one conversation of {args.long_turns} turns (Redis tracker) ...", flush=True)
            result["long_conversation"] = bench_long_conversation(tmp, args.model, args.long_turns)

    (args.out / "bench.json").write_text(json.dumps(result, indent=2))
    lines = ["# Lingkar benchmarks", "", f"Measured {result['when']} on {result['machine']['cpus']} CPUs, "
             f"Python {result['machine']['python']}.", ""]
    if "training" in result:
        t = result["training"]
        lines.append(f"- training from scratch: **{t['train_seconds']} s**, model {t['model_mb']} MiB")
    s = result["startup"]
    lines += [f"- Rasa ready after **{s['seconds_to_rasa_ready']} s**; first turn {s['first_turn_ms']} ms",
              f"- memory after load: Rasa {result['memory_after_load']['rasa_rss_mb']} MiB, action server "
              f"{result['memory_after_load']['action_server_rss_mb']} MiB"]
    for key in ("rest_sequential", "rest_concurrent"):
        r = result[key]
        lines.append(f"- REST {key.split('_')[1]} ({r['senders']} senders, {r['turns']} turns, {r['failures']} "
                     f"failed): p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, "
                     f"{r['turns_per_second']} turns/s")
    for mode in ("webhook", "polling"):
        t = result[f"telegram_{mode}"]
        if "latency_ms" in t:
            lat = t["latency_ms"]
            lines.append(f"- Telegram {mode} → real Rasa ({t['chats']} chats × {t['messages_per_chat']} messages, "
                         f"{t['inbox']} inbox, {t['failures']} failed): update→answer p50 {lat['p50']} ms, "
                         f"p90 {lat['p90']} ms, p99 {lat['p99']} ms; {t['turns_per_s']} turns/s")
        else:
            lines.append(f"- Telegram {mode}: {t}")
    w = result.get("whatsapp", {})
    if "latency_ms" in w:
        lat = w["latency_ms"]
        lines.append(f"- WhatsApp webhook → real Rasa → fake Graph API ({w['chats']} people × {w['messages_per_chat']} "
                     f"messages, {w['inbox']} inbox, {w['failures']} failed): webhook→answer p50 {lat['p50']} ms, "
                     f"p90 {lat['p90']} ms, p99 {lat['p99']} ms; {w['turns_per_s']} turns/s, "
                     f"{w['messages_sent_per_s']} messages sent/s")
    else:
        lines.append(f"- WhatsApp: {w}")
    if "long_conversation" in result:
        lines.append(long_conversation_line(result["long_conversation"]))
    (args.out / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def main_long(args: argparse.Namespace) -> int:
    """``--only-long``: the long conversation alone, written to reports/bench/long-conversation.json."""
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lingkar-bench-") as tmpdir:
        result = bench_long_conversation(Path(tmpdir), args.model, args.long_turns or 500)
    (args.out / "long-conversation.json").write_text(json.dumps(result, indent=2))
    print(long_conversation_line(result))
    return 0 if "first" in result else 1


if __name__ == "__main__":
    sys.exit(main())
