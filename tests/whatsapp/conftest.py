"""Fixtures: the fake Graph API, the fake Rasa, both inbox backends, the channel in-process or as a subprocess."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from bot.whatsapp.app import WhatsAppAdapter
from bot.whatsapp.config import WEBHOOK_PATH, WhatsAppSettings
from tests.fixtures_db import any_store, pg_databases, pg_url  # noqa: F401  (fixtures: a store on each backend)
from tests.infra.conftest import free_port
from tests.telegram.conftest import redis_prefix
from tests.telegram.fake_rasa import FakeRasa

from .fake_graph import APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, FakeGraph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def fake_graph():
    api = await FakeGraph().start()
    api.approve_template("lingkar_tindak_lanjut", "id", 1)
    api.approve_template("lingkar_pengingat_iuran", "id", 2)
    yield api
    await api.stop()


@pytest.fixture
async def fake_rasa():
    rasa = await FakeRasa().start()
    yield rasa
    await rasa.stop()


@pytest.fixture(params=["sqlite", "redis"])
async def backend(request):
    """Environment overrides for each backend: {} (SQLite, the default) or {"redis": "url|prefix"}."""
    if request.param == "sqlite":
        yield {}
        return
    async with redis_prefix() as value:
        yield {"redis": value}


def wa_env(tmp_path: Path, graph: FakeGraph, rasa_url: str, **extra: Any) -> Dict[str, str]:
    env = {
        "WHATSAPP_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_API_URL": graph.base,
        "WHATSAPP_RATE": "500/1", "WHATSAPP_CHAT_RATE": "100/1", "WHATSAPP_SEND_RETRY_BUDGET": "2",
        "RASA_URL": rasa_url, "RASA_TIMEOUT": "5", "RASA_RETRY_BUDGET": "5",
        "BOT_HOST": "127.0.0.1", "BOT_PORT": str(free_port()), "LINGKAR_VAR_DIR": str(tmp_path / "var"),
        "TELEGRAM_CONSUMER": "wa-test", "LOG_LEVEL": "INFO",
    }
    redis = extra.pop("redis", None)
    if redis:
        url, prefix = redis.split("|")
        env["REDIS_URL"], env["WHATSAPP_REDIS_PREFIX"] = url, prefix
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture
async def start_wa(tmp_path, fake_graph, fake_rasa):
    """``await start_wa(**env_overrides)`` -> a started in-process channel whose webhook the fake posts to."""
    started: List[WhatsAppAdapter] = []

    async def start(rasa_url: str | None = None, **overrides: Any) -> WhatsAppAdapter:
        env = wa_env(tmp_path, fake_graph, rasa_url or fake_rasa.url, **overrides)
        adapter = WhatsAppAdapter(WhatsAppSettings.from_env(env))
        started.append(adapter)
        await adapter.start()
        fake_graph.webhook_url = f"http://127.0.0.1:{adapter.port}{WEBHOOK_PATH}"
        return adapter

    yield start
    for a in started:
        await a.stop()


async def settle(adapter: WhatsAppAdapter, timeout: float = 15.0) -> None:
    """Wait until every stored message has been processed (the inbox is empty and no turn is running)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        backlog = await adapter.inbox.backlog()
        if backlog["pending"] == 0 and not adapter.dispatcher.in_memory:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not settled: {backlog}, {adapter.dispatcher.status()}")
        await asyncio.sleep(0.05)


class ChannelProcess:
    """``python -m bot.whatsapp`` as a child process (for kill -9 tests)."""

    def __init__(self, env: Dict[str, str]):
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: List[str] = []
        self._reader: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def start(self, timeout: float = 60.0) -> ChannelProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.whatsapp", cwd=str(ROOT), env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError("channel did not start:\n" + "\n".join(self.lines[-40:])) from None
        return self

    async def _read(self) -> None:
        assert self.proc and self.proc.stdout
        async for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            self.lines.append(line)
            if re.search(r"WhatsApp channel running", line):
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
async def spawn_wa(tmp_path, fake_graph):
    procs: List[ChannelProcess] = []

    async def _spawn(rasa_url: str, **overrides: Any) -> ChannelProcess:
        env = wa_env(tmp_path, fake_graph, rasa_url, **overrides)
        fake_graph.webhook_url = f"http://127.0.0.1:{env['BOT_PORT']}{WEBHOOK_PATH}"
        p = ChannelProcess(env)
        procs.append(p)
        return await p.start()

    yield _spawn
    for p in procs:
        if p.proc and p.proc.returncode is None:
            await p.kill()
