"""Benchmark (not a test): one broadcast to N synthetic subscribers through the fake Bot API and the fake Graph API.

    python scripts/bench_broadcast.py [--subscribers 100000] [--workers 2] [--rate-scale 1] [--out reports/bench]

A fresh PostgreSQL database (created and dropped as the tests do, ``tests/fixtures_db.py``) gets N active ``info``
subscriptions in bulk, half Telegram and half WhatsApp; of the WhatsApp numbers ``--open-share`` wrote in the last 24
hours (a normal message), the others get the template. One broadcast is queued (rows + jobs) and K worker processes
(``python -m bot.outreach worker``, the default audience: the subscriptions of the lead store) send it at the
configured caps (BROADCAST_TELEGRAM_RATE 20/1, BROADCAST_WHATSAPP_RATE 30/1, times ``--rate-scale``).

Measured: time to insert the subscribers, time to queue, time to first message (from the queue call and from the
workers' start), the send rate per channel per 10-s window against its cap (max, median; full windows only), the
workers' RSS sampled every 2 s against the recipients processed (flat = no growth), the total time, and the
exactly-once check (every subscriber got exactly one message at the fakes, nobody else any). Writes
``<out>/broadcast.md`` and ``<out>/broadcast.json``; the exit status is 1 when the exactly-once check fails.
At 100 000 and 20+30 msg/s a full run takes ~42 min (50 000 Telegram messages at 20/s).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench import rss_mb  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bot.outreach.audience import DEFAULT_AUDIENCE  # noqa: E402
from bot.outreach.config import OutreachSettings  # noqa: E402
from bot.outreach.message import BroadcastMessage  # noqa: E402
from bot.outreach.runtime import open_runtime  # noqa: E402
from bot.whatsapp.config import WhatsAppSettings  # noqa: E402
from bot.whatsapp.state import make_state  # noqa: E402
from lingkar.store import Store  # noqa: E402
from lingkar.store.models import subscriptions  # noqa: E402
from tests.conftest import use_settings  # noqa: E402
from tests.fixtures_db import PgDatabases, migrated  # noqa: E402
from tests.outreach.conftest import WorkerProcess, outreach_env  # noqa: E402
from tests.telegram.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.whatsapp.fake_graph import FakeGraph  # noqa: E402

TEXT = "Iuran JKM peserta BPU kini {bpu.jkm} sebulan. Tanya lewat {contact.call_centre}."
BUTTONS = [{"title": "Cara daftar", "payload": "/ask_register"}]
TOPIC = "info"
WINDOW = 10.0           # seconds of one rate window
SAMPLE_EVERY = 2.0      # seconds between RSS samples
INSERT_CHUNK = 5000


def keys(n: int) -> Tuple[List[str], List[str]]:
    """The Telegram chat ids and WhatsApp numbers of ``n`` subscribers (half each, Telegram the odd one)."""
    n_wa = n // 2
    return [str(10_000_000 + i) for i in range(n - n_wa)], [f"62812{i:07d}" for i in range(n_wa)]


def insert_subscribers(store: Store, tg: List[str], wa: List[str]) -> None:
    now = store.now()
    rows = [{"sender_id": f"{ch}:{k}", "channel": ch, "topic": TOPIC, "active": True, "since": now,
             "consent_version": "bench", "failures": 0, "updated_at": now}
            for ch, ks in (("telegram", tg), ("whatsapp", wa)) for k in ks]
    with store.engine.begin() as conn:
        for i in range(0, len(rows), INSERT_CHUNK):
            conn.execute(insert(subscriptions), rows[i:i + INSERT_CHUNK])


async def open_windows(core, graph: FakeGraph, numbers: List[str]) -> None:
    """These numbers wrote an hour ago: in the workers' window state and at the fake Graph API."""
    state = make_state(WhatsAppSettings.from_settings(core))
    await state.open()
    at = time.time() - 3600
    for k in numbers:
        await state.touch_inbound(k, at)
        graph.last_inbound[k] = at
    await state.close()


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process used so far (from /proc; 0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def send_times(tg: FakeBotAPI, graph: FakeGraph) -> Dict[str, List[float]]:
    return {"telegram": sorted(c.at for c in tg.successful("sendMessage")),
            "whatsapp": sorted(s.at for s in graph.sent)}


def windows(times: List[float], cap: float) -> Dict[str, Any]:
    """Messages per second in each full WINDOW from the channel's first message (the last, partial one left out)."""
    if not times:
        return {"cap": cap, "windows": [], "max": 0.0, "median": 0.0, "mean": 0.0}
    start, end = times[0], times[-1]
    n = int((end - start) // WINDOW)
    counts = [0] * n
    for t in times:
        i = int((t - start) // WINDOW)
        if i < n:
            counts[i] += 1
    rates = [round(c / WINDOW, 2) for c in counts]
    overall = len(times) / (end - start) if end > start else 0.0
    return {"cap": cap, "windows": rates, "max": max(rates, default=0.0),
            "median": round(statistics.median(rates), 2) if rates else 0.0, "mean": round(overall, 2),
            "max_over_cap": round(max(rates, default=0.0) / cap, 3), "median_of_cap": round(
                (statistics.median(rates) if rates else 0.0) / cap, 3)}


def exactly_once(tg: FakeBotAPI, graph: FakeGraph, tg_keys: List[str], wa_keys: List[str],
                 open_set: set) -> Dict[str, Any]:
    tgc = collections.Counter(str(c.params["chat_id"]) for c in tg.successful("sendMessage"))
    wac = collections.Counter(s.to for s in graph.sent)
    out: Dict[str, Any] = {}
    for name, got, want in (("telegram", tgc, set(tg_keys)), ("whatsapp", wac, set(wa_keys))):
        out[name] = {"expected": len(want), "received": len(got), "twice_or_more": sum(1 for v in got.values()
                                                                                        if v > 1),
                     "missing": len(want - set(got)), "unexpected": len(set(got) - want)}
    templates = {s.to for s in graph.sent if s.type == "template"}
    out["whatsapp"]["templates"] = len(templates)
    out["whatsapp"]["template_exactly_closed_windows"] = templates == set(wa_keys) - open_set
    out["whatsapp"]["refused"] = len(graph.refused)
    out["ok"] = all(v["twice_or_more"] == v["missing"] == v["unexpected"] == 0
                    for v in (out["telegram"], out["whatsapp"])) and out["whatsapp"]["template_exactly_closed_windows"]
    return out


def memory(samples: List[Dict[str, Any]], total: int) -> Dict[str, Any]:
    """Per worker: peak RSS, RSS once 10 % of the recipients were processed and at the end, growth per 10 000."""
    out: Dict[str, Any] = {}
    pids = sorted({p for s in samples for p in s["rss"]})
    for pid in pids:
        pts = [(s["processed"], s["rss"][pid]) for s in samples if pid in s["rss"] and s["rss"][pid] > 0]
        if not pts:
            continue
        later = [p for p in pts if p[0] >= total * 0.1] or pts
        growth = 0.0
        if len(later) >= 2 and later[-1][0] > later[0][0]:
            xs, ys = zip(*later)
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            var = sum((x - mx) ** 2 for x in xs)
            growth = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var * 10_000 if var else 0.0
        out[str(pid)] = {"peak_mb": max(r for _, r in pts), "at_10pct_mb": later[0][1], "at_end_mb": later[-1][1],
                         "growth_mb_per_10k": round(growth, 2)}
    return out


async def run(args: argparse.Namespace) -> Dict[str, Any]:
    tg_rate = max(1, round(20 * args.rate_scale))
    wa_rate = max(1, round(30 * args.rate_scale))
    tg_keys, wa_keys = keys(args.subscribers)
    open_set = set(wa_keys[:round(len(wa_keys) * args.open_share)])
    dbs = PgDatabases()
    fake_tg, fake_graph = await FakeBotAPI().start(), await FakeGraph().start()
    fake_graph.approve_template("lingkar_info", "id", 2)
    tmp = tempfile.TemporaryDirectory(prefix="bench-broadcast-")
    workers: List[WorkerProcess] = []
    result: Dict[str, Any] = {"subscribers": args.subscribers, "telegram": len(tg_keys), "whatsapp": len(wa_keys),
                              "whatsapp_open_window": len(open_set), "workers": args.workers,
                              "rate_scale": args.rate_scale, "caps": {"telegram": tg_rate, "whatsapp": wa_rate},
                              "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    try:
        url = migrated(dbs.create())
        env = outreach_env(Path(tmp.name), url, fake_tg, fake_graph, BROADCAST_AUDIENCE=DEFAULT_AUDIENCE,
                           BROADCAST_TELEGRAM_RATE=f"{tg_rate}/1", BROADCAST_WHATSAPP_RATE=f"{wa_rate}/1",
                           BROADCAST_BATCH=str(args.batch), BROADCAST_LEASE="300", LOG_LEVEL="WARNING")
        core = use_settings(**env)
        settings = OutreachSettings.from_settings(core)
        result["batch"] = settings.batch
        store = Store(url)
        t = time.monotonic()
        insert_subscribers(store, tg_keys, wa_keys)
        await open_windows(core, fake_graph, sorted(open_set))
        result["insert_s"] = round(time.monotonic() - t, 2)

        rt = await open_runtime(core, store, send=False)
        t_queue = time.time()
        async with rt.app.open_async():
            bc, _ = await rt.outreach.queue(BroadcastMessage.parse(TEXT, BUTTONS), TOPIC, "staff:bench",
                                            jobs=rt.jobs.specs())
        await rt.close()
        result["queue_s"] = round(time.time() - t_queue, 2)
        result["queued"] = bc.total
        print(f"queued {bc.total} in {result['queue_s']} s; starting {args.workers} workers", flush=True)

        t_workers = time.time()
        for i in range(args.workers):
            w = WorkerProcess({k: str(v) for k, v in {**env, "TELEGRAM_CONSUMER": f"bench-w{i + 1}"}.items()})
            workers.append(await w.start())
        samples: List[Dict[str, Any]] = []
        deadline = time.monotonic() + args.timeout
        while True:
            processed = sum(1 for c in fake_tg.calls if c.ok and c.method == "sendMessage") + len(fake_graph.sent)
            samples.append({"t": round(time.time() - t_workers, 1), "processed": processed,
                            "rss": {w.proc.pid: rss_mb(w.proc.pid) for w in workers if w.proc.returncode is None}})
            if len(samples) % 15 == 0:
                print(f"{samples[-1]['t']:7.1f} s  {processed}/{bc.total} sent  rss {samples[-1]['rss']}", flush=True)
            if store.get_broadcast(bc.id).status == "done":
                cpu = {str(w.proc.pid): round(cpu_s(w.proc.pid), 1) for w in workers}
                result["worker_cpu_s"] = cpu
                result["worker_cpu_ms_per_message"] = round(sum(cpu.values()) * 1000 / max(1, bc.total), 2)
                break
            dead = [w for w in workers if w.proc.returncode is not None]
            if dead or time.monotonic() > deadline:
                result["error"] = ("a worker died:\n" + dead[0].log()[-3000:]) if dead else "timed out"
                break
            await asyncio.sleep(SAMPLE_EVERY)
        t_done = time.time()
        times = send_times(fake_tg, fake_graph)
        first = min((ts[0] for ts in times.values() if ts), default=None)
        result["first_message_after_queue_s"] = round(first - t_queue, 2) if first else None
        result["first_message_after_workers_start_s"] = round(first - t_workers, 2) if first else None
        result["send_s"] = round(t_done - t_workers, 1)
        result["total_s"] = round(t_done - t_queue, 1)
        result["rate"] = {"telegram": windows(times["telegram"], tg_rate),
                          "whatsapp": windows(times["whatsapp"], wa_rate)}
        result["memory"] = memory(samples, bc.total)
        result["rss_samples"] = samples
        result["exactly_once"] = exactly_once(fake_tg, fake_graph, tg_keys, wa_keys, open_set)
        result["counts"] = store.broadcast_counts(bc.id)
        store.dispose()
    finally:
        for w in workers:
            await w.terminate()
        await fake_tg.stop()
        await fake_graph.stop()
        dbs.drop_all()
        tmp.cleanup()
    return result


def markdown(r: Dict[str, Any], command: str) -> str:
    once = r.get("exactly_once", {})
    lines = [f"# Broadcast benchmark ({r['date']})", "",
             f"`{command}`", "",
             f"{r['subscribers']} subscribers ({r['telegram']} Telegram, {r['whatsapp']} WhatsApp of which "
             f"{r['whatsapp_open_window']} with an open 24-hour window), {r['workers']} worker processes, batch "
             f"{r.get('batch')}, caps Telegram {r['caps']['telegram']}/s and WhatsApp {r['caps']['whatsapp']}/s "
             f"(rate scale {r['rate_scale']}).", ""]
    if r.get("error"):
        lines += [f"**Run stopped: {r['error'].splitlines()[0]}**", ""]
    lines += ["| measure | value |", "|---|---|",
              f"| insert subscribers + open windows | {r.get('insert_s')} s |",
              f"| queue (rows + jobs) | {r.get('queue_s')} s for {r.get('queued')} recipients |",
              f"| first message after the queue call | {r.get('first_message_after_queue_s')} s |",
              f"| first message after the workers started | {r.get('first_message_after_workers_start_s')} s |",
              f"| sending (workers' start to done) | {r.get('send_s')} s |",
              f"| total (queue call to done) | {r.get('total_s')} s |",
              f"| workers' CPU (all, incl. start-up) | {r.get('worker_cpu_s')} s, "
              f"{r.get('worker_cpu_ms_per_message')} ms per message |",
              f"| exactly once | {'yes' if once.get('ok') else 'NO'} |", ""]
    if "rate" in r:
        lines += ["| channel | cap /s | max 10-s window /s | median /s | mean over the run /s | full windows |",
                  "|---|---|---|---|---|---|"]
        for ch in ("telegram", "whatsapp"):
            w = r["rate"][ch]
            lines.append(f"| {ch} | {w['cap']} | {w['max']} ({w.get('max_over_cap', 0):.0%} of cap) | {w['median']} "
                         f"({w.get('median_of_cap', 0):.0%}) | {w['mean']} | {len(w['windows'])} |")
        lines.append("")
    if r.get("memory"):
        lines += ["| worker pid | peak RSS MiB | RSS at 10 % MiB | RSS at end MiB | growth MiB per 10 000 recipients |",
                  "|---|---|---|---|---|"]
        lines += [f"| {pid} | {m['peak_mb']} | {m['at_10pct_mb']} | {m['at_end_mb']} | {m['growth_mb_per_10k']} |"
                  for pid, m in r["memory"].items()]
        lines.append("")
    if once:
        lines += ["| channel | expected | received | twice or more | missing | unexpected |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {ch} | {once[ch]['expected']} | {once[ch]['received']} | {once[ch]['twice_or_more']} | "
                  f"{once[ch]['missing']} | {once[ch]['unexpected']} |" for ch in ("telegram", "whatsapp")]
        lines += ["", f"WhatsApp templates: {once['whatsapp']['templates']} (exactly the closed windows: "
                  f"{once['whatsapp']['template_exactly_closed_windows']}); refused: {once['whatsapp']['refused']}. "
                  f"Broadcast counts: {r.get('counts')}.", ""]
    return "\n".join(lines)


def main(argv: List[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subscribers", type=int, default=100_000, help="N, half Telegram half WhatsApp (100000)")
    p.add_argument("--workers", type=int, default=2, help="worker processes K (2)")
    p.add_argument("--rate-scale", type=float, default=1.0,
                   help="multiply the caps 20/s (Telegram) and 30/s (WhatsApp) for a shorter run (1)")
    p.add_argument("--open-share", type=float, default=0.5,
                   help="share of WhatsApp numbers with an open 24-hour window; the rest get the template (0.5)")
    p.add_argument("--batch", type=int, default=100, help="BROADCAST_BATCH (100, the default setting)")
    p.add_argument("--timeout", type=float, default=7200.0, help="give up after this many seconds of sending")
    p.add_argument("--out", type=Path, default=ROOT / "reports" / "bench", help="folder for broadcast.md/.json")
    args = p.parse_args(argv)
    result = asyncio.run(run(args))
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python scripts/bench_broadcast.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / "broadcast.json").write_text(json.dumps(result, indent=1) + "\n")
    (args.out / "broadcast.md").write_text(markdown(result, command.strip()))
    print(markdown(result, command.strip()))
    return 0 if result.get("exactly_once", {}).get("ok") and not result.get("error") else 1


if __name__ == "__main__":
    sys.exit(main())
