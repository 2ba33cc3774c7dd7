"""Fixtures: the fake Bot API, the fake Rasa, Redis, and the adapter in-process or as a subprocess."""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot.telegram.app import Adapter
from bot.telegram.config import Settings
from tests.fixtures_db import any_store, pg_databases, pg_url  # noqa: F401  (fixtures: a store on each backend)
from tests.infra.conftest import free_port  # noqa: F401  (the test modules import it from here)

from .fake_bot_api import TOKEN, FakeBotAPI
from .fake_rasa import FakeRasa

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


def _loud(msg: str) -> str:
    bar = "!" * 78
    return f"\n{bar}\n!!! {msg}\n{bar}"


@pytest.fixture
async def fake_tg():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


@pytest.fixture
async def fake_rasa():
    rasa = await FakeRasa().start()
    yield rasa
    await rasa.stop()


@contextlib.asynccontextmanager
async def redis_prefix():
    """A Redis URL with a key prefix of its own (as ``url|prefix``); FAIL if Redis is installed but down."""
    if shutil.which("redis-server") is None and shutil.which("redis-cli") is None:
        pytest.skip(_loud("redis-server is not installed: Redis tests SKIPPED"))
    import redis.asyncio as aioredis

    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    r = aioredis.from_url(url)
    try:
        await r.ping()
    except Exception as exc:
        await r.close()
        pytest.fail(f"Redis is installed but not reachable at {REDIS_HOST}:{REDIS_PORT} ({exc}); "
                    "run `make services`")
    prefix = f"lingkar:test:{uuid.uuid4().hex[:10]}:"
    try:
        yield f"{url}|{prefix}"
    finally:
        keys = [k async for k in r.scan_iter(match=prefix + "*", count=500)]
        if keys:
            await r.delete(*keys)
        await r.close()


@pytest.fixture
async def redis_url():
    async with redis_prefix() as value:
        yield value


@pytest.fixture(params=["sqlite", "redis"])
async def inbox(request):
    """Environment overrides for each inbox backend: {} (SQLite, the default) or {"redis": "url|prefix"}."""
    if request.param == "sqlite":
        yield {}
        return
    async with redis_prefix() as value:
        yield {"redis": value}


def base_env(tmp_path: Path, tg: FakeBotAPI, rasa_url: str, **extra: Any) -> Dict[str, str]:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": tg.base,
        "TELEGRAM_MODE": "polling",
        "RASA_URL": rasa_url,
        "RASA_TIMEOUT": "5",
        "RASA_RETRY_BUDGET": "5",
        "BOT_HOST": "127.0.0.1",
        "BOT_PORT": "0",
        "LINGKAR_VAR_DIR": str(tmp_path / "var"),
        "TELEGRAM_POLL_TIMEOUT": "2",
        "TELEGRAM_SHUTDOWN_GRACE": "10",
        "TELEGRAM_CHAT_RATE": "50/1",
        "TELEGRAM_FLOOD": "100/10",
        "TELEGRAM_CONSUMER": "test-consumer",
        "LOG_LEVEL": "INFO",
    }
    redis = extra.pop("redis", None)
    if redis:
        url, prefix = redis.split("|")
        env["REDIS_URL"], env["TELEGRAM_REDIS_PREFIX"] = url, prefix
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture
async def start_adapter(tmp_path, fake_tg, fake_rasa):
    """``await start_adapter(**env_overrides)`` -> a started in-process Adapter (stopped after the test)."""
    started: List[Adapter] = []

    async def start(plugins=(), rasa_url: str | None = None, **overrides: Any) -> Adapter:
        env = base_env(tmp_path, fake_tg, rasa_url or fake_rasa.url, **overrides)
        adapter = Adapter(Settings.from_env(env), plugins=plugins)
        started.append(adapter)
        await adapter.start()
        return adapter

    yield start
    for a in started:
        await a.stop()


class AdapterProcess:
    """``python -m bot.telegram`` as a child process (for kill -9 tests)."""

    def __init__(self, env: Dict[str, str]):
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: List[str] = []
        self.port: int | None = None
        self._reader: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def start(self, timeout: float = 60.0) -> AdapterProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.telegram", cwd=str(ROOT), env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._ready.clear()
        self._reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError("adapter did not start:\n" + "\n".join(self.lines[-40:])) from None
        return self

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        async for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            m = re.search(r"Telegram adapter running .*port (\d+)", line)
            if m:
                self.port = int(m.group(1))
                self._ready.set()
            elif "Telegram adapter running" in line:
                self._ready.set()
        self._ready.set()

    def log(self) -> str:
        return "\n".join(self.lines)

    async def kill(self) -> None:
        assert self.proc
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        if self._reader:
            await self._reader

    async def terminate(self, timeout: float = 30.0) -> int:
        assert self.proc
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader:
            await self._reader
        return self.proc.returncode


@pytest.fixture
async def spawn(tmp_path, fake_tg):
    procs: List[AdapterProcess] = []

    async def _spawn(rasa_url: str, **overrides: Any) -> AdapterProcess:
        p = AdapterProcess(base_env(tmp_path, fake_tg, rasa_url, **overrides))
        procs.append(p)
        return await p.start()

    yield _spawn
    for p in procs:
        if p.proc and p.proc.returncode is None:
            await p.kill()
