"""The lead store down right after a card was posted (found by the chaos suite, docs/chaos.md): the notifier must
mark the event delivered once the database is back, not leave it claimed so that it is posted again after its
lease. Runs its own throw-away PostgreSQL (initdb into a temporary folder, as ``nobody`` when we are root) and kills
only that one."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from bot.staff.notifier import Notifier
from lingkar.store import Store
from tests.chaos.stack import as_user, pg_bin
from tests.infra.conftest import free_port
from tests.telegram.fake_bot_api import FakeBotAPI

from .fixtures import STAFF_CHAT, lead_kwargs
from .test_notifier import posted_leads, settings


class OwnPostgres:
    def __init__(self, folder):
        self.folder, self.port = folder, free_port()
        self.user = "nobody" if os.geteuid() == 0 else None
        os.chmod(folder, 0o755)
        if self.user:
            shutil.chown(folder, self.user)
        subprocess.run([pg_bin("initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "lingkar", "--no-sync"],
                       cwd=folder, check=True, capture_output=True, **as_user(self.user))
        self.procs = []
        self.url = f"postgresql://lingkar@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self.procs.append(subprocess.Popen(
            [pg_bin("postgres"), "-D", str(self.folder / "data"), "-p", str(self.port), "-k", str(self.folder),
             "-h", "127.0.0.1", "-c", "fsync=off"], cwd=self.folder, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, **as_user(self.user)))

    def wait_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("postgres did not start")

    def kill(self) -> None:
        os.killpg(self.procs[-1].pid, signal.SIGKILL)
        self.procs[-1].wait()

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


@pytest.fixture
def own_pg():
    if shutil.which("pg_isready") is None:
        pytest.fail("PostgreSQL is not installed: run `make services`")
    folder = Path(tempfile.mkdtemp(prefix="lingkar-pg-"))   # not under pytest's tmp_path: nobody must reach it
    try:
        pg = OwnPostgres(folder)
        pg.start()
        try:
            pg.wait_up()
            yield pg
        finally:
            pg.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_posted_card_is_acked_when_the_database_comes_back(own_pg):
    tg = await FakeBotAPI().start()
    store = Store(own_pg.url)
    store.migrate()
    n = Notifier(store, settings(tg.base, lease=1))
    await n.start()
    try:
        lead = store.upsert_lead(**lead_kwargs()).lead
        held = tg.hold("sendMessage", lambda p: p.get("chat_id") == STAFF_CHAT)

        async def database_dies_while_the_card_is_posted() -> None:
            await held.arrived.wait()
            own_pg.kill()
            held.release.set()                       # Telegram accepted the card; the database is gone
            await asyncio.sleep(1.5)                 # longer than the lease
            own_pg.start()

        outage = asyncio.create_task(database_dies_while_the_card_is_posted())
        try:
            await n.step()
        except Exception:
            pass                                     # the notifier's loop carries on after a failed step
        await outage
        await asyncio.to_thread(own_pg.wait_up)
        held.release.set()
        tg.holds.clear()
        for _ in range(3):                           # the notifier's next rounds
            try:
                await n.step()
            except Exception:
                await asyncio.sleep(0.5)
        assert posted_leads(tg) == [lead.id]
        assert store.outbox_pending() == 0
    finally:
        await n.close()
        store.dispose()
        await tg.stop()
