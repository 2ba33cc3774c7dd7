"""Open-loop load: new turns at fixed rates from many senders on realistic journeys; reports the knee.

    python scripts/load.py [--rates 10,20,30,45,60] [--duration 20] [--senders 300]
                           [--rasa-replicas 1] [--target rest|telegram] [--short] [--out reports/load]

It starts the production stack as ``make serve`` would, with the production stores: the Redis tracker and lock store
(``REDIS_URL``, default ``redis://127.0.0.1:6379/0`` with a throw-away key prefix) and PostgreSQL (a throw-away
database created on ``LOAD_PG_ADMIN_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``, dropped at the
end). With ``--rasa-replicas N`` it starts N Rasa processes sharing Redis and one action server, and sends each turn to
the next replica in turn, so consecutive turns of one sender land on different replicas (the lock store must keep
them in order; :func:`check_order` verifies every conversation afterwards).

*Open loop*: turns are started on a fixed schedule (``rate`` per second), whether or not earlier ones have been
answered, like real traffic; a closed loop (send, wait, send) would slow itself down and hide the queue. A turn goes
to a sender that is not waiting for an answer (a person does not type while the bot is still answering); a sender's
journey is one of :data:`JOURNEYS`: questions in chat Indonesian, the eligibility check from a story-like message,
and the lead form (consent, name, phone, NIK skipped, regency, contact time) answered from the bot's own questions.

``--target telegram`` sends the same traffic (typed messages only) through the Telegram adapter's webhook instead:
the fake Bot API (tests/telegram/fake_bot_api.py) posts the updates, the adapter stores them in its Redis inbox, calls
Rasa and sends the answers back, paced at Telegram's limits; latency is update posted → first answer at the Bot API.

Per step of the ladder it reports the offered and achieved rate, p50/p95/p99 latency, errors and timeouts; the
*knee* is the highest rate whose p95 is under ``--p95-ms`` (300) with under 1% errors. Results go to
``reports/load/load.json`` and ``reports/load/summary.md``. This is a benchmark: numbers are measurements, not
assertions (``make test`` runs ``--short`` and only checks that the machinery works and nothing failed at a low rate).
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.stack import MODEL, Stack, action_server_cmd, default_env, rasa_server_cmd, wait_http  # noqa: E402

P95_MS = 300.0
TIMEOUT_S = 30.0
TRACE = bool(os.environ.get("LOAD_TRACE"))   # print every turn (to see what the journeys do)

QUESTIONS = ["halo", "iuran bpu brp sebulan?", "jht bisa cair kapan klo resign?", "cara daftar gmn",
             "ojol dpt diskon?", "bpjs tk bisa buat berobat?", "klo kecelakaan kerja dapat apa",
             "jkm brp santunannya", "bayar iuran lewat mana", "makasih min", "menu"]
STORIES = ["sa nelayan di kolaka umur 35 penghasilan 2 juta sebulan, bisa ikut bpjs? berapa iurannya?",
           "saya petani rumput laut di konawe selatan, umur 41, hasil sebulan kira2 1,5 juta. bisa daftar?",
           "sy ojol di kendari umur 28 penghasilan 3 jt, iuran brp?"]
#: Each journey is a list of steps: a text to send, or "form" (answer the lead form from the bot's questions).
JOURNEYS: Sequence[Sequence[str]] = (
    ("halo", "iuran bpu brp sebulan?", "jht bisa cair kapan klo resign?", "cara daftar gmn", "makasih min"),
    ("STORY", "/request_contact", "form", "makasih"),
    ("ojol dpt diskon?", "klo kecelakaan kerja dapat apa", "jkm brp santunannya", "STORY", "menu"),
)


def answer_for(bot_text: str, buttons: List[Dict[str, Any]], n: int) -> str | None:
    """What a worker answers to the lead form's question in ``bot_text`` (None: the form is over)."""
    t = bot_text.lower()
    payloads = {str(b.get("title", "")).lower(): b.get("payload") for b in buttons}
    if "setuju" in payloads:
        return payloads["setuju"]
    if "nama lengkap" in t or "nama yang bisa" in t or "nama dengan huruf" in t:
        return "La Ode Beban Uji"
    if "nomor hp" in t:
        return f"0812{n % 100000000:08d}"
    if "nik" in t:
        return "lewati"
    if "kabupaten" in t:
        return "Kota Kendari"
    if "waktu" in t and ("dihubungi" in t or "singkat" in t):
        return "pagi"
    return None


@dataclass
class Sender:
    sid: str
    n: int
    journey: Sequence[str]
    step: int = 0
    form_turns: int = 0
    busy: bool = False
    last_text: str = ""
    last_buttons: List[Dict[str, Any]] = field(default_factory=list)

    def next_message(self) -> str:
        while True:
            if self.step >= len(self.journey):
                self.step = 0
            kind = self.journey[self.step]
            if kind == "form":
                answer = answer_for(self.last_text, self.last_buttons, self.n) if self.form_turns < 8 else None
                if answer is None:
                    self.step, self.form_turns = self.step + 1, 0
                    continue
                self.form_turns += 1
                return answer
            self.step += 1
            if kind == "STORY":
                return random.choice(STORIES)
            if kind.startswith("/") and kind not in {b.get("payload") for b in self.last_buttons}:
                # the button is not offered right now: ask for it in words
                return "sy mau dihubungi petugas"
            return kind


@dataclass
class Step:
    rate: float
    duration: float
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    started: int = 0
    no_idle_sender: int = 0
    wall: float = 0.0
    messages: int = 0   # bot messages in the answers (a turn's answer may be several messages)

    def summary(self) -> Dict[str, Any]:
        lat = sorted(self.latencies)
        done = len(lat) + self.errors + self.timeouts

        def pct(p: float) -> float | None:
            if not lat:
                return None
            k = (len(lat) - 1) * p / 100
            lo, hi = int(k), min(int(k) + 1, len(lat) - 1)
            return round((lat[lo] + (lat[hi] - lat[lo]) * (k - lo)) * 1000, 1)

        return {"offered_rate": self.rate, "duration_s": self.duration, "started": self.started,
                "answered": len(lat), "errors": self.errors, "timeouts": self.timeouts,
                "error_rate": round((self.errors + self.timeouts) / done, 4) if done else 0.0,
                "achieved_rate": round(len(lat) / self.wall, 2) if self.wall else 0.0,
                "skipped_no_idle_sender": self.no_idle_sender,
                "messages_per_turn": round(self.messages / len(lat), 2) if lat and self.messages else None,
                "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99)}


class TelegramTarget:
    """The Telegram path: updates pushed to the adapter's webhook by the fake Bot API (tests/telegram/fake_bot_api.py,
    the real wire protocol), the adapter in webhook mode with the Redis inbox, the real Rasa behind it. A turn's
    latency runs from the update being posted to the webhook to the first answer reaching the Bot API; the adapter's
    own pacing (Telegram's limits per chat and per bot) is part of what is measured."""

    def __init__(self, rasa_url: str, redis_url: str, var_dir: str):
        self.rasa_url, self.redis_url, self.var_dir = rasa_url, redis_url, var_dir
        self.waiters: Dict[int, asyncio.Event] = {}

    async def start(self) -> None:
        from bot.telegram.app import Adapter
        from bot.telegram.config import Settings
        from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

        self.tg = tg = await FakeBotAPI().start()
        original = tg.m_sendmessage

        async def sent(p: Dict[str, Any]) -> Dict[str, Any]:
            result = await original(p)
            event = self.waiters.pop(int(p.get("chat_id")), None)
            if event is not None:
                event.set()
            return result

        tg.m_sendmessage = sent
        port = free_port()
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": tg.base, "TELEGRAM_MODE": "webhook",
               "RASA_URL": self.rasa_url, "BOT_HOST": "127.0.0.1", "BOT_PORT": str(port),
               "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook", "LINGKAR_VAR_DIR": self.var_dir,
               "REDIS_URL": self.redis_url, "TELEGRAM_REDIS_PREFIX": f"lingkar:load{uuid.uuid4().hex[:8]}:",
               "LOG_LEVEL": "WARNING"}
        self.adapter = Adapter(Settings.from_env(env))
        await self.adapter.start()

    async def turn(self, n: int, text: str) -> str:
        """One turn of worker ``n``; returns the Rasa sender id of that worker's conversation."""
        uid = 700000 + n
        event = self.waiters[uid] = asyncio.Event()
        await self.tg.push(self.tg.text(uid, text))
        await asyncio.wait_for(event.wait(), TIMEOUT_S)
        return f"telegram:{uid}"

    async def stop(self) -> None:
        await self.adapter.stop()
        await self.tg.stop()


class Load:
    def __init__(self, urls: List[str], senders: int, seed: int = 7, telegram: TelegramTarget | None = None,
                 journeys: Sequence[Sequence[str]] = JOURNEYS):
        self.urls = itertools.cycle(urls)
        self.telegram = telegram
        rnd = random.Random(seed)
        run = self.run = f"load-{uuid.uuid4().hex[:6]}"
        self.senders = [Sender(f"{run}-{i}", i, rnd.choice(journeys)) for i in range(senders)]
        self.idle = list(self.senders)
        rnd.shuffle(self.idle)
        #: What each conversation was sent and got an answer to, in order (read back by :func:`check_order`).
        self.sent: Dict[str, List[str]] = {}

    async def turn(self, session: aiohttp.ClientSession, sender: Sender, step: Step) -> None:
        text = sender.next_message()
        t0 = time.monotonic()
        if self.telegram is not None:
            try:
                sid = await self.telegram.turn(sender.n, text)
                step.latencies.append(time.monotonic() - t0)
                self.sent.setdefault(sid, []).append(text)
            except asyncio.TimeoutError:
                step.timeouts += 1
            finally:
                sender.busy = False
                self.idle.append(sender)
            return
        try:
            async with session.post(f"{next(self.urls)}/webhooks/rest/webhook",
                                    json={"sender": sender.sid, "message": text, "metadata": {}}) as r:
                body = await r.json(content_type=None)
                if r.status != 200 or not isinstance(body, list):
                    step.errors += 1
                else:
                    step.latencies.append(time.monotonic() - t0)
                    step.messages += len(body)
                    self.sent.setdefault(sender.sid, []).append(text)
                    texts = [m.get("text") or "" for m in body]
                    sender.last_text = "\n".join(texts)
                    sender.last_buttons = [b for m in body for b in (m.get("buttons") or [])]
                    if TRACE:
                        print(f"   {sender.sid}: {text!r} -> {sender.last_text[:90]!r} "
                              f"{[b.get('title') for b in sender.last_buttons]}")
        except asyncio.TimeoutError:
            step.timeouts += 1
        except aiohttp.ClientError:
            step.errors += 1
        finally:
            sender.busy = False
            self.idle.append(sender)

    async def burst(self, session: aiohttp.ClientSession, urls: List[str], pairs: int) -> None:
        """Two turns of the same sender at the same moment, each to a different Rasa replica: the shared lock
        store must run them one after the other (``check_order`` reads the conversations back)."""
        async def one(sid: str, url: str, text: str) -> None:
            async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sid, "message": text}) as r:
                if r.status == 200:
                    await r.read()
                    self.sent.setdefault(sid, []).append(text)

        await asyncio.gather(*(one(f"{self.run}-burst-{i}", urls[j % len(urls)], text)
                               for i in range(pairs)
                               for j, text in enumerate(("iuran bpu brp sebulan?", "jht bisa cair kapan?"))))

    async def run_step(self, session: aiohttp.ClientSession, rate: float, duration: float) -> Step:
        step = Step(rate, duration)
        tasks = []
        t0 = time.monotonic()
        n = int(rate * duration)
        for i in range(n):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if not self.idle:
                step.no_idle_sender += 1
                continue
            sender = self.idle.pop(0)
            sender.busy = True
            step.started += 1
            tasks.append(asyncio.ensure_future(self.turn(session, sender, step)))
        if tasks:
            await asyncio.wait(tasks)
        step.wall = time.monotonic() - t0
        return step


def check_order(rasa_url: str, token: str, sent: Dict[str, List[str]], sample: int = 60) -> Dict[str, Any]:
    """Read back conversations through Rasa's HTTP API. The stored conversation keeps only its last turns
    (rasa_plugins/stores.py), so its user messages must be exactly the *last* messages the sender got answers to,
    in the order sent (a form answer erased as ``[dihapus]`` matches anything; the two messages of a same-moment
    burst may be in either order), and each must be followed by the bot's turn before the next user message
    (turns neither lost nor interleaved)."""
    import urllib.request

    checked, bad = 0, []
    senders = [s for s in sent if "-burst-" in s] + [s for s in sent if "-burst-" not in s]
    for sid in senders[:sample]:
        req = urllib.request.Request(f"{rasa_url}/conversations/{sid}/tracker?include_events=ALL&token={token}")
        with urllib.request.urlopen(req, timeout=30) as r:
            events = json.loads(r.read())["events"]
        users = [e.get("text") for e in events if e.get("event") == "user"]
        kinds = [e.get("event") for e in events if e.get("event") in ("user", "action")]
        # between two user events there must be at least one action (the turn ran before the next one began)
        interleaved = any(a == b == "user" for a, b in zip(kinds, kinds[1:]))
        tail = sent[sid][-len(users):] if users else []
        if "-burst-" in sid:
            same = sorted(users) == sorted(tail)
        else:
            same = len(users) == len(tail) and all(u == t or u == "[dihapus]" for u, t in zip(users, tail))
        checked += 1
        if not users or not same or interleaved:
            bad.append({"sender": sid, "kept_user_messages": users[-3:], "last_sent": sent[sid][-3:],
                        "interleaved": interleaved})
    return {"conversations_checked": checked, "inconsistent": bad}


def pg_database(admin_url: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    name = f"lingkar_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def count_leads(db_url: str) -> int:
    """Leads the journeys' lead forms stored (proof that the form path ran under load)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        if not inspect(engine).has_table("leads"):  # the store is migrated on first use: no lead, no table yet
            return 0
        with engine.connect() as c:
            return int(c.execute(text("SELECT count(*) FROM leads")).scalar() or 0)
    finally:
        engine.dispose()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The journeys of the Telegram target: typed messages only (the lead form's buttons are signed callbacks of one chat).
TEXT_JOURNEYS = tuple(j for j in JOURNEYS if all(not step.startswith("/") and step != "form" for step in j))


async def ladder(urls: List[str], rates: List[float], duration: float, senders: int,
                 telegram: TelegramTarget | None = None) -> tuple[List[Step], Load]:
    if telegram is not None:
        await telegram.start()
    load = Load(urls, senders, telegram=telegram, journeys=TEXT_JOURNEYS if telegram else JOURNEYS)
    try:
        return await _ladder(load, urls, rates, duration)
    finally:
        if telegram is not None:
            await telegram.stop()


async def _ladder(load: Load, urls: List[str], rates: List[float], duration: float) -> tuple[List[Step], Load]:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as session:
        # warm up: every replica answers a few turns before measuring
        await load.run_step(session, min(rates[0], 5.0), 2.0)
        steps = []
        if len(urls) > 1 and load.telegram is None:
            await load.burst(session, urls, 20)
        for rate in rates:
            print(f">> load: {rate:g} turns/s for {duration:g} s ...", flush=True)
            step = await load.run_step(session, rate, duration)
            print("   " + json.dumps(step.summary()), flush=True)
            steps.append(step)
            await asyncio.sleep(1.0)   # let the queue drain between steps
    return steps, load


def knee(summaries: List[Dict[str, Any]], p95_ms: float) -> float | None:
    ok = [s["offered_rate"] for s in summaries
          if s["p95_ms"] is not None and s["p95_ms"] < p95_ms and s["error_rate"] < 0.01
          and s["achieved_rate"] >= 0.9 * s["offered_rate"]]
    return max(ok) if ok else None


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="10,20,30,45,60", help="turns per second of each step (comma-separated)")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per step")
    ap.add_argument("--senders", type=int, default=300, help="distinct senders")
    ap.add_argument("--rasa-replicas", type=int, default=1, help="Rasa processes sharing Redis")
    ap.add_argument("--target", choices=["rest", "telegram"], default="rest",
                    help="rest: Rasa's REST channel; telegram: the Telegram adapter's webhook (fake Bot API)")
    ap.add_argument("--p95-ms", type=float, default=P95_MS, help="the knee's latency bar")
    ap.add_argument("--short", action="store_true", help="a 2-step ladder of 5 s steps (what make test runs)")
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "load")
    args = ap.parse_args(argv)
    rates = [2.0, 5.0] if args.short else [float(r) for r in args.rates.split(",") if r.strip()]
    duration = 5.0 if args.short else args.duration
    senders = min(args.senders, 40) if args.short else args.senders
    args.out.mkdir(parents=True, exist_ok=True)

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    prefix = f"load{uuid.uuid4().hex[:8]}"
    db_url, drop_db = pg_database(os.environ.get("LOAD_PG_ADMIN_URL",
                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    tmp = tempfile.TemporaryDirectory(prefix="lingkar-load-")
    action_port = free_port()
    ports = [free_port() for _ in range(args.rasa_replicas)]
    env = default_env({**os.environ, "RASA_PORT": str(ports[0]), "ACTION_SERVER_PORT": str(action_port),
                       "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook", "REDIS_URL": redis_url,
                       "REDIS_PREFIX": prefix, "DATABASE_URL": db_url, "LINGKAR_VAR_DIR": tmp.name})
    stack = Stack(env)
    log = open(Path(tmp.name) / "stack.log", "w")
    result: Dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "target": args.target,
                              "rasa_replicas": args.rasa_replicas, "senders": senders, "stores": "redis+postgresql"}
    try:
        stack.start(action_server_cmd(env), stdout=log, stderr=subprocess.STDOUT)
        urls = []
        for port in ports:
            stack.start(rasa_server_cmd({**env, "RASA_PORT": str(port)}, args.model), stdout=log,
                        stderr=subprocess.STDOUT)
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            if not wait_http(f"{url}/", 300, stack.procs):
                print("error: Rasa did not start; log tail:\n" + (Path(tmp.name) / "stack.log").read_text()[-3000:])
                return 1
        if not wait_http(f"http://127.0.0.1:{action_port}/health", 120, stack.procs):
            print("error: the action server did not start")
            return 1
        telegram = TelegramTarget(urls[0], redis_url, tmp.name) if args.target == "telegram" else None
        steps, load = asyncio.run(ladder(urls, rates, duration, senders, telegram))
        summaries = [s.summary() for s in steps]
        result["steps"] = summaries
        result["knee_turns_per_s"] = knee(summaries, args.p95_ms)
        result["p95_bar_ms"] = args.p95_ms
        result["order"] = check_order(urls[-1], env["RASA_AUTH_TOKEN"], load.sent)
        result["leads_created"] = count_leads(db_url)
    finally:
        stack.stop()
        log.close()
        try:
            import redis

            r = redis.Redis.from_url(redis_url)
            for key in r.scan_iter(f"{prefix}:*"):
                r.delete(key)
        except Exception as exc:  # a benchmark's clean-up must not hide its result
            print(f"warning: could not remove the load test's Redis keys: {exc}")
        drop_db()
        tmp.cleanup()

    name = ("load-short" if args.short else f"load-{args.rasa_replicas}x") + \
        ("-telegram" if args.target == "telegram" else "")
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=2))
    via = "the Telegram webhook (fake Bot API, Redis inbox)" if args.target == "telegram" else "the REST channel"
    lines = [f"# Open-loop load through {via} ({args.rasa_replicas} Rasa replica(s), Redis tracker, PostgreSQL)", "",
             f"Measured {result['when']} on {result['cpus']} CPUs, {senders} senders, {duration:g} s per step.", "",
             "| offered turns/s | achieved | p50 ms | p95 ms | p99 ms | errors | timeouts |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for s in summaries:
        lines.append(f"| {s['offered_rate']:g} | {s['achieved_rate']} | {s['p50_ms']} | {s['p95_ms']} | "
                     f"{s['p99_ms']} | {s['errors']} | {s['timeouts']} |")
    lines += ["", f"Knee (highest rate with p95 under {args.p95_ms:g} ms, under 1% errors): "
              f"**{result['knee_turns_per_s']} turns/s**",
              f"Order check: {result['order']['conversations_checked']} conversations read back, "
              f"{len(result['order']['inconsistent'])} inconsistent; {result['leads_created']} leads stored by the "
              f"journeys' lead forms."]
    (args.out / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
