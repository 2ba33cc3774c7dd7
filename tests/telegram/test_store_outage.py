"""The store down for a moment right after a step was done (found by the chaos suite, docs/chaos.md): the step
must still be recorded once the store is back, so a rerun of the turn does not do it again. Before the fix the
turn failed, was retried from the store's record, and sent the message a second time.

Runs its own throw-away redis-server (with persistence, like production) on a free port and kills only that one.
"""
from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time

import pytest

from bot.telegram.dispatcher import Turn
from bot.telegram.inbox import Entry, RedisInbox
from tests.infra.conftest import free_port


def _start(port: int, folder) -> subprocess.Popen:
    return subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_up(port: int) -> None:
    import redis

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_connect_timeout=0.5).ping():
                return
        except redis.RedisError:
            time.sleep(0.1)
    raise AssertionError("redis-server did not start")


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run `make services`")
    port = free_port()
    procs = [_start(port, tmp_path)]
    _wait_up(port)
    yield {"port": port, "procs": procs, "restart": lambda: procs.append(_start(port, tmp_path))}
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()


async def test_a_done_step_is_recorded_when_the_store_comes_back(own_redis):
    store = RedisInbox(f"redis://127.0.0.1:{own_redis['port']}/0", "t:", "c1")
    await store.open()
    try:
        await store.put(7, "c1", {"update_id": 7})
        (entry,) = await store.fetch(10, block=0)
        turn = await Turn(entry, store).load()
        sent = []

        async def send_then_store_dies() -> int:
            sent.append("message")                      # Telegram accepted the message ...
            own_redis["procs"][0].send_signal(signal.SIGKILL)   # ... and the store is gone before it is recorded
            own_redis["procs"][0].wait()
            asyncio.get_running_loop().call_later(1.5, own_redis["restart"])
            return 41

        assert await turn.once("out:0", send_then_store_dies) == 41
        # the turn runs again (e.g. after a later failure or a restart): the message is not sent again
        again = await Turn(Entry(entry.ref, 7, "c1", entry.raw, entry.received_at), store).load()
        assert await again.once("out:0", send_then_store_dies) == 41
        assert sent == ["message"]
    finally:
        await store.close()
