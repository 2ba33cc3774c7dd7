"""The whole stack as killable processes, for the chaos suite: its own Redis and PostgreSQL on free ports, the
action server, Rasa, the Telegram adapter (webhook mode) and the staff notifier.

Everything lives in one temporary folder and listens on 127.0.0.1 only. Redis and PostgreSQL are throw-away
servers started here (never the machine's shared ones); PostgreSQL refuses to run as root, so when we are root it
runs as ``nobody``. Every process runs in a session of its own so :meth:`Component.kill` (SIGKILL to the process
group) takes its children too; every process's stdout and stderr are appended to ``logs/<name>.log`` (restarts
append), which the suite scans for personal data afterwards.

Rasa and the action server are started with the commands of ``python -m bot.stack`` (bot/stack.py); this is the
one place the chaos suite builds its environment (:meth:`ChaosStack.env`).
"""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import aiohttp

from bot.stack import action_server_cmd, default_env, rasa_server_cmd
from tests.infra.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("LINGKAR_TEST_MODEL") or ROOT / "models" / "lingkar.tar.gz")
#: Settings of the calling environment that never reach the stack: the suite decides them.
OWN_SETTINGS = ("REDIS_", "RASA_", "ACTION_", "DATABASE_URL", "TELEGRAM_", "STAFF_", "NOTIFIER_", "BOT_")
PG_USER = "lingkar"
STAFF_CHAT_ID = -1009000000001


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary (initdb, postgres): on PATH or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (d / name).exists():
            return str(d / name)
    raise RuntimeError(f"{name} not found: install PostgreSQL (make services does)")


def as_user(user: str | None) -> Dict[str, int]:
    """Popen arguments that run a process as ``user`` (uid and its group), or nothing."""
    if not user:
        return {}
    pw = pwd.getpwnam(user)
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


class Component:
    """One killable process: ``start`` (append to its log), ``ready`` (async probe), ``kill`` (SIGKILL)."""

    def __init__(self, name: str, cmd: Callable[[], List[str]], env: Dict[str, str], log: Path,
                 ready: Callable[[], asyncio.Future[bool]], user: str | None = None,
                 before_start: Callable[[], None] | None = None):
        self.name, self.cmd, self.env, self.log, self.probe = name, cmd, env, log, ready
        self.user, self.before_start = user, before_start
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        if self.before_start:
            self.before_start()
        with self.log.open("ab") as out:
            out.write(f"\n===== chaos: start #{self.starts + 1} of {self.name} at {time.time():.3f}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(self.cmd(), cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True, **as_user(self.user))
        self.starts += 1

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    async def wait_ready(self, timeout: float) -> float:
        """Seconds until the probe answers; raises if the process dies or the time is up."""
        t0 = time.monotonic()
        last = ""
        while time.monotonic() - t0 < timeout:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode if self.proc else '-'}); log tail:\n"
                                   + self.tail())
            try:
                if await self.probe():
                    return time.monotonic() - t0
            except Exception as exc:
                last = f" (probe: {type(exc).__name__}: {exc})"
            await asyncio.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s{last}; log tail:\n" + self.tail())

    def kill(self) -> None:
        """SIGKILL to the whole process group (postgres with its back ends, rasa with its helpers)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass

    def tail(self, chars: int = 2500) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


async def http_ok(url: str) -> bool:
    async with aiohttp.ClientSession() as s:
        async with s.get(url, timeout=aiohttp.ClientTimeout(total=3)) as r:
            return r.status == 200


class ChaosStack:
    """``await stack.start()`` brings everything up; ``stack.components[name].kill()`` / ``await
    stack.restart(name)`` inject faults; ``stack.cleanup()`` kills everything and removes the folder."""

    ORDER = ("redis", "postgres", "actions", "rasa", "adapter", "notifier")

    def __init__(self, bot_api_url: str, token: str, rasa_retry_budget: float = 20.0):
        self.tmp = Path(tempfile.mkdtemp(prefix="lingkar-chaos-"))
        os.chmod(self.tmp, 0o755)              # PostgreSQL runs as another user and must reach its folder
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.ports = {name: free_port() for name in ("redis", "postgres", "actions", "rasa", "adapter")}
        self.db_url = f"postgresql://{PG_USER}@127.0.0.1:{self.ports['postgres']}/lingkar"
        self.redis_url = f"redis://127.0.0.1:{self.ports['redis']}/0"
        self.bot_api_url, self.token, self.budget = bot_api_url, token, rasa_retry_budget
        self.wipe_redis_next = False
        self.components: Dict[str, Component] = {}
        self._build()

    # ---- the environment every Lingkar process gets ------------------------------------------------------
    def env(self) -> Dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
        p = self.ports
        base.update(
            RASA_PORT=str(p["rasa"]), ACTION_SERVER_PORT=str(p["actions"]), ACTION_SERVER_HOST="127.0.0.1",
            RASA_URL=f"http://127.0.0.1:{p['rasa']}", LINGKAR_VAR_DIR=str(self.tmp / "var"),
            REDIS_URL=self.redis_url, REDIS_PREFIX="chaos", DATABASE_URL=self.db_url,
            TELEGRAM_BOT_TOKEN=self.token, TELEGRAM_API_URL=self.bot_api_url, TELEGRAM_MODE="webhook",
            BOT_HOST="127.0.0.1", BOT_PORT=str(p["adapter"]),
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{p['adapter']}/chaos/hook",
            TELEGRAM_CONSUMER="chaos-adapter", TELEGRAM_PLUGINS="bot.staff.plugin:setup_all",
            TELEGRAM_SHUTDOWN_GRACE="5", RASA_TIMEOUT="20", RASA_RETRY_BUDGET=f"{self.budget:g}",
            STAFF_CHAT_ID=str(STAFF_CHAT_ID), NOTIFIER_LEASE="15", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1",
            HOME=os.environ.get("HOME", str(self.tmp)))
        return default_env(base)

    # ---- the components -----------------------------------------------------------------------------------
    def _build(self) -> None:
        env = self.env()
        (self.tmp / "var").mkdir()
        redis_dir = self.tmp / "redis"
        redis_dir.mkdir()
        pg_dir = self.tmp / "pg"
        pg_dir.mkdir()
        self.pg_user = "nobody" if os.geteuid() == 0 else None
        if self.pg_user:
            shutil.chown(pg_dir, self.pg_user)

        def redis_cmd() -> List[str]:
            # AOF with fsync on every write, like production's docker-compose (there: every second)
            return ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--dir",
                    str(redis_dir), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                    "--protected-mode", "no"]

        def wipe_redis() -> None:
            if self.wipe_redis_next:
                self.wipe_redis_next = False
                for f in redis_dir.iterdir():
                    shutil.rmtree(f) if f.is_dir() else f.unlink()

        async def redis_ready() -> bool:
            import redis.asyncio as aioredis

            r = aioredis.from_url(self.redis_url)
            try:
                return bool(await r.ping())
            finally:
                await r.close()
                await r.connection_pool.disconnect()

        def pg_cmd() -> List[str]:
            return [pg_bin("postgres"), "-D", str(pg_dir / "data"), "-p", str(self.ports["postgres"]), "-k",
                    str(pg_dir), "-h", "127.0.0.1", "-c", "fsync=off"]

        async def pg_ready() -> bool:
            return await asyncio.to_thread(self._pg_query, "postgres", "select 1") is not None

        py = sys.executable
        p = self.ports
        specs = {
            "redis": (redis_cmd, redis_ready, None, wipe_redis),
            "postgres": (pg_cmd, pg_ready, self.pg_user, None),
            "actions": (lambda: action_server_cmd(env), lambda: http_ok(f"http://127.0.0.1:{p['actions']}/health"),
                        None, None),
            "rasa": (lambda: rasa_server_cmd(env, MODEL), lambda: http_ok(f"http://127.0.0.1:{p['rasa']}/"),
                     None, None),
            "adapter": (lambda: [py, "-m", "bot.telegram"],
                        lambda: http_ok(f"http://127.0.0.1:{p['adapter']}/health"), None, None),
            "notifier": (lambda: [py, "-m", "bot.staff", "notifier"], self._notifier_ready, None, None),
        }
        for name, (cmd, ready, user, before) in specs.items():
            self.components[name] = Component(name, cmd, env, self.logs / f"{name}.log", ready, user, before)

    async def _notifier_ready(self) -> bool:
        c = self.components["notifier"]
        marker = f"start #{c.starts} of notifier"
        log = c.log.read_text(errors="replace")
        return ">> staff notifier running" in log[log.rfind(marker):]

    async def dispatcher_figures(self) -> Dict[str, int]:
        """The adapter's dispatcher figures from its /health: ``processed`` updates, ``in_memory`` ones."""
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{self.ports['adapter']}/health",
                             timeout=aiohttp.ClientTimeout(total=10)) as r:
                return (await r.json())["dispatcher"]

    def _pg_query(self, db: str, sql: str):
        """One statement through psql (no PostgreSQL driver is needed in this process); None on failure."""
        res = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.ports["postgres"]), "-U", PG_USER, "-d",
                              db, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, timeout=20)
        return res.stdout if res.returncode == 0 else None

    def query(self, sql: str) -> List[List[str]]:
        out = self._pg_query("lingkar", sql)
        if out is None:
            raise RuntimeError(f"query failed: {sql}")
        return [line.split("\t") for line in out.splitlines() if line]

    # ---- life cycle -------------------------------------------------------------------------------------------
    async def start(self, timeout: float = 400.0) -> Dict[str, float]:
        kw = as_user(self.pg_user)
        with (self.logs / "initdb.log").open("wb") as out:
            subprocess.run([pg_bin("initdb"), "-D", str(self.tmp / "pg" / "data"), "-A", "trust", "-U", PG_USER,
                            "--no-sync", "-E", "UTF8"], cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT,
                           check=True, **kw)
        took: Dict[str, float] = {}
        for name in ("redis", "postgres"):
            self.components[name].start()
            took[name] = await self.components[name].wait_ready(60)
        if self._pg_query("postgres", "create database lingkar") is None:
            raise RuntimeError("could not create the database")
        env = self.components["actions"].env
        with (self.logs / "migrate.log").open("wb") as out:
            subprocess.run([sys.executable, "-m", "lingkar.store", "upgrade"], cwd=ROOT, env=env, stdout=out,
                           stderr=subprocess.STDOUT, check=True)
        for name in ("actions", "rasa"):
            self.components[name].start()
        for name in ("actions", "rasa"):
            took[name] = await self.components[name].wait_ready(timeout)
        for name in ("adapter", "notifier"):
            self.components[name].start()
            took[name] = await self.components[name].wait_ready(120)
        return took

    async def restart(self, name: str, timeout: float = 400.0) -> float:
        self.components[name].start()
        return await self.components[name].wait_ready(timeout)

    def cleanup(self, keep_logs: Path | None = None) -> None:
        for name in reversed(self.ORDER):
            self.components[name].kill()
        if keep_logs is not None:
            shutil.rmtree(keep_logs, ignore_errors=True)
            shutil.copytree(self.logs, keep_logs)
        shutil.rmtree(self.tmp, ignore_errors=True)
