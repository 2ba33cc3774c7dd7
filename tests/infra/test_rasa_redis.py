"""A real `rasa run` with REDIS_URL (shared Redis, own key prefix): trackers and locks really live in Redis."""
from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import aiohttp
import pytest
import redis

from rasa_plugins.health import lock_key, rasa_state, tracker_key
from rasa_plugins.stores import LingkarRedisLockStore, redis_config

from .conftest import RasaServer, delete_prefix, health_cli, unique_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.fixture(scope="module")
def prefix(shared_redis: str):
    p = unique_prefix()
    yield p
    delete_prefix(shared_redis, p)


@pytest.fixture(scope="module")
def rasa(tmp_path_factory, shared_redis: str, prefix: str):
    server = RasaServer(tmp_path_factory.mktemp("rasa-redis"), shared_redis, REDIS_PREFIX=prefix).start()
    yield server
    server.stop()


def _events(shared_redis: str, key: str) -> list:
    raw = redis.Redis.from_url(shared_redis).get(key)
    assert raw is not None, f"no tracker in Redis under {key}"
    return json.loads(raw)["events"]


async def _say(url: str, sender: str, text: str) -> list:
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as r:
            assert r.status == 200
            return await r.json()


async def test_conversation_is_stored_in_redis(rasa: RasaServer, shared_redis: str, prefix: str):
    sender = "w" + uuid.uuid4().hex[:10]
    reply = await _say(rasa.url, sender, "halo")
    assert isinstance(reply, list)
    events = _events(shared_redis, tracker_key(sender, prefix))
    assert [e["text"] for e in events if e["event"] == "user"] == ["halo"]
    assert any(e["event"] == "session_started" for e in events)
    assert "Tracker store: Redis" in rasa.log() and "Lock store: Redis" in rasa.log()


async def test_lock_store_is_redis(rasa: RasaServer, shared_redis: str, prefix: str, monkeypatch):
    """Another 'replica' holds the conversation's lock in Redis: Rasa queues behind it, then proceeds."""
    monkeypatch.setenv("REDIS_URL", shared_redis)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    other_replica = LingkarRedisLockStore(redis_config())
    sender = "w" + uuid.uuid4().hex[:10]
    held = other_replica.issue_ticket(sender, lock_lifetime=120)
    r = redis.Redis.from_url(shared_redis)

    turn = asyncio.ensure_future(_say(rasa.url, sender, "halo"))
    for _ in range(600):                       # until Rasa's ticket shows up next to ours
        raw = r.get(lock_key(sender, prefix))
        if raw and len(json.loads(raw)["tickets"]) == 2:
            break
        assert not turn.done(), f"Rasa answered although another replica held the lock: {turn.result()}"
        await asyncio.sleep(0.05)
    else:
        pytest.fail("Rasa never queued a ticket in Redis: its lock store is not Redis")
    assert not turn.done(), "Rasa must wait while another replica holds the conversation"
    assert r.exists(tracker_key(sender, prefix)) == 0

    other_replica.cleanup(sender, held)        # the other replica finishes its turn
    await asyncio.wait_for(turn, 60)
    assert [e["text"] for e in _events(shared_redis, tracker_key(sender, prefix)) if e["event"] == "user"] == ["halo"]
    assert r.exists(lock_key(sender, prefix)) == 0, "the lock must be gone once the turn is done"


async def test_health_ok_and_probe_cleaned_up(rasa: RasaServer, shared_redis: str, prefix: str):
    async with aiohttp.ClientSession() as session:
        state = await rasa_state(rasa.url, shared_redis, session, token=rasa.token, prefix=prefix,
                                 probe_id="probe-" + uuid.uuid4().hex[:8])
    assert state["status"] == "ok", state
    assert state["tracker_store"] == "redis" and state["probe"]["in_redis"] is True and not state["problems"]
    assert state["rasa"]["model_file"]
    assert redis.Redis.from_url(shared_redis).exists(state["redis"]["key"]) == 0

    # The CLI (the Docker healthcheck) agrees and exits 0.
    done = health_cli(rasa, shared_redis, {"REDIS_PREFIX": prefix})
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["status"] == "ok"


async def test_wrong_prefix_is_reported_degraded(rasa: RasaServer, shared_redis: str):
    """A checker looking under another prefix cannot find the probe: that is reported, not hidden."""
    other = unique_prefix()
    async with aiohttp.ClientSession() as session:
        state = await rasa_state(rasa.url, shared_redis, session, token=rasa.token, prefix=other)
    assert state["status"] == "degraded"
    assert state["probe"]["written"] is True and state["probe"]["in_redis"] is False
    assert "not in Redis" in state["problems"][0]


async def test_http_api_requires_the_token(rasa: RasaServer, shared_redis: str, prefix: str):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{rasa.url}/status") as r:
            assert r.status == 401
        async with session.get(f"{rasa.url}/conversations/x/tracker", params={"token": "wrong"}) as r:
            assert r.status == 401
        state = await rasa_state(rasa.url, shared_redis, session, token="", prefix=prefix)
    assert state["status"] == "down" and "RASA_AUTH_TOKEN" in state["problems"][0]
    done = health_cli(rasa, shared_redis, {"REDIS_PREFIX": prefix, "RASA_AUTH_TOKEN": "wrong"})
    assert done.returncode == 2, done.stdout


async def test_conversation_survives_a_rasa_restart(rasa: RasaServer, shared_redis: str, prefix: str,
                                                    tmp_path: Path):
    sender = "w" + uuid.uuid4().hex[:10]
    await _say(rasa.url, sender, "halo")
    rasa.stop()
    second = RasaServer(tmp_path, shared_redis, REDIS_PREFIX=prefix).start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{second.url}/conversations/{sender}/tracker",
                                   params={"token": second.token}) as r:
                assert r.status == 200
                tracker = await r.json()
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["halo"]
        await _say(second.url, sender, "terima kasih")
        texts = [e["text"] for e in _events(shared_redis, tracker_key(sender, prefix)) if e["event"] == "user"]
        assert texts == ["halo", "terima kasih"]
    finally:
        second.stop()
