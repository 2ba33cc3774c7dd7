"""Fixtures of the broadcast tests: a migrated PostgreSQL database (with procrastinate's schema, migration 0010)
emptied for each test, the fake Bot API and the fake Graph API, the environment of a broadcast process, and worker
subprocesses (``python -m bot.outreach worker``) that a test can ``kill -9``."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures_db import pg_databases, pg_url, truncate_pg  # noqa: F401  (fixtures)
from tests.telegram.fake_bot_api import TOKEN as TG_TOKEN
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.whatsapp.conftest import ChannelProcess
from tests.whatsapp.fake_graph import PHONE_NUMBER_ID, FakeGraph
from tests.whatsapp.fake_graph import TOKEN as WA_TOKEN

ROOT = Path(__file__).resolve().parents[2]
PROCRASTINATE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
                        "procrastinate_workers")


@pytest.fixture
def db(pg_url):  # noqa: F811
    """The session's PostgreSQL database, emptied (our tables and the job engine's)."""
    truncate_pg(pg_url)
    engine = create_engine(pg_url, future=True)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} RESTART IDENTITY CASCADE"))
        conn.execute(text("DROP TABLE IF EXISTS test_subscribers"))
    engine.dispose()
    return pg_url


@pytest.fixture
async def fake_tg():
    api = await FakeBotAPI().start()
    yield api
    await api.stop()


@pytest.fixture
async def fake_graph():
    api = await FakeGraph().start()
    api.approve_template("lingkar_info", "id", 2)
    yield api
    await api.stop()


def outreach_env(tmp_path: Path, db_url: str, tg: FakeBotAPI | None, graph: FakeGraph | None, **extra: str
                 ) -> Dict[str, str]:
    env = {"DATABASE_URL": db_url, "LINGKAR_VAR_DIR": str(tmp_path / "var"), "LOG_LEVEL": "INFO",
           "BROADCAST_AUDIENCE": "tests.outreach.audience:from_settings", "LINGKAR_TODAY": "2026-11-24",
           "BROADCAST_TELEGRAM_RATE": "1000/1", "BROADCAST_WHATSAPP_RATE": "1000/1", "BROADCAST_BATCH": "50",
           "BROADCAST_LEASE": "10", "TELEGRAM_CONSUMER": "test-worker"}
    if tg is not None:
        env.update(TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_API_URL=tg.base)
    if graph is not None:
        env.update(WHATSAPP_TOKEN=WA_TOKEN, WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, WHATSAPP_API_URL=graph.base,
                   WHATSAPP_VERIFY_TOKEN="v", WHATSAPP_SEND_RETRY_BUDGET="3")
    env.update(extra)
    return env


class WorkerProcess(ChannelProcess):
    """``python -m bot.outreach worker`` with ``env`` (the WhatsApp tests' child process, another command)."""

    async def start(self, timeout: float = 60.0) -> WorkerProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.outreach", "worker", cwd=str(ROOT), env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.ensure_future(self._read())
        return self


@pytest.fixture
async def spawn_worker():
    procs: List[WorkerProcess] = []

    async def _spawn(env: Dict[str, Any]) -> WorkerProcess:
        p = WorkerProcess({k: str(v) for k, v in env.items()})
        procs.append(p)
        return await p.start()

    yield _spawn
    for p in procs:
        if p.proc and p.proc.returncode is None:
            await p.kill()
