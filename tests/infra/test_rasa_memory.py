"""Without REDIS_URL Rasa keeps conversations in memory (the `make run` default) and the health check says so
without error; with REDIS_URL pointing nowhere Rasa refuses to start instead of silently using memory."""
from __future__ import annotations

import json
import subprocess
import uuid

import aiohttp
import pytest

from rasa_plugins.health import rasa_state

from .conftest import ENTRYPOINT, ROOT, RasaServer, free_port, health_cli, rasa_env

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rasa(tmp_path_factory):
    server = RasaServer(tmp_path_factory.mktemp("rasa-memory"), None).start()
    yield server
    server.stop()


async def test_in_memory_rasa_is_ok(rasa: RasaServer):
    sender = "w" + uuid.uuid4().hex[:10]
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": "halo"}) as r:
            assert r.status == 200
        async with session.get(f"{rasa.url}/conversations/{sender}/tracker", params={"token": rasa.token}) as r:
            events = (await r.json())["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == ["halo"]
        state = await rasa_state(rasa.url, None, session, token=rasa.token)
    assert state["status"] == "ok" and not state["problems"], state
    assert state["tracker_store"] == "memory" and state["redis"] == {"configured": False}
    assert state["probe"]["written"] is True and "REDIS_URL is not set" in state["note"]
    assert "Tracker store: in memory" in rasa.log() and "Lock store: in memory" in rasa.log()

    done = health_cli(rasa, None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["tracker_store"] == "memory"


async def test_rasa_in_memory_while_redis_expected_is_degraded(rasa: RasaServer, shared_redis: str):
    """E.g. Rasa started without REDIS_URL in a deployment that has Redis: conversations would be lost."""
    async with aiohttp.ClientSession() as session:
        state = await rasa_state(rasa.url, shared_redis, session, token=rasa.token)
    assert state["status"] == "degraded"
    assert state["probe"]["written"] is True and state["probe"]["in_redis"] is False
    assert "in memory" in state["problems"][0]


async def test_rasa_down_is_reported_down():
    async with aiohttp.ClientSession() as session:
        state = await rasa_state(f"http://127.0.0.1:{free_port()}", None, session, token="x", timeout=3)
    assert state["status"] == "down" and state["rasa"]["reachable"] is False


@pytest.mark.redis
def test_unreachable_redis_at_start_refuses_to_start(tmp_path):
    server = RasaServer(tmp_path, f"redis://:hunter2@127.0.0.1:{free_port()}/0", REDIS_STARTUP_TIMEOUT="1")
    server.start(wait=False)
    code = server.wait_exit(180)
    log = server.log()
    assert code != 0
    assert "Refusing to start" in log and "hunter2" not in log


def test_entrypoint_refuses_rasa_without_token():
    env = rasa_env(free_port(), "", None)
    done = subprocess.run(["sh", str(ENTRYPOINT), "rasa"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 64
    assert "RASA_AUTH_TOKEN" in done.stderr
