"""Redis goes away under a running Rasa (a throw-away redis-server, never the shared one): reported as degraded,
no turn is processed against a fake in-memory state, and everything recovers when Redis is back."""
from __future__ import annotations

import json
import uuid

import aiohttp
import pytest
import redis

from rasa_plugins.health import rasa_state, tracker_key

from .conftest import RasaServer, ThrowawayRedis, health_cli

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


async def _say(url: str, sender: str, text: str) -> list:
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as r:
            assert r.status == 200
            return await r.json()


async def _state(rasa: RasaServer, redis_url: str) -> dict:
    async with aiohttp.ClientSession() as session:
        return await rasa_state(rasa.url, redis_url, session, token=rasa.token, prefix="lingkar")


async def test_redis_down_mid_run_is_degraded_then_recovers(tmp_path):
    store = ThrowawayRedis(tmp_path).start()
    rasa = RasaServer(tmp_path, store.url, REDIS_PREFIX="lingkar").start()
    try:
        sender = "w" + uuid.uuid4().hex[:10]
        await _say(rasa.url, sender, "halo")
        assert (await _state(rasa, store.url))["status"] == "ok"

        store.stop()
        state = await _state(rasa, store.url)
        assert state["status"] == "degraded", state
        assert state["probe"]["written"] is False and "lock" in state["probe"]["error"].lower()
        assert state["redis"]["reachable"] is False
        done = health_cli(rasa, store.url, {"REDIS_PREFIX": "lingkar"})
        assert done.returncode == 1, done.stdout + done.stderr
        assert json.loads(done.stdout)["status"] == "degraded"
        # With the lock store in Redis, a turn is refused outright (Rasa's REST channel answers 200 with no
        # messages) instead of running on a throw-away in-memory tracker.
        assert await _say(rasa.url, sender, "iuran berapa") == []

        store.start()                        # same port, empty: as after losing an unpersisted Redis
        state = await _state(rasa, store.url)
        assert state["status"] == "ok", state
        await _say(rasa.url, sender, "halo lagi")
        raw = redis.Redis.from_url(store.url).get(tracker_key(sender, "lingkar"))
        assert [e["text"] for e in json.loads(raw)["events"] if e["event"] == "user"] == ["halo lagi"]
        assert rasa.proc.poll() is None, "Rasa must ride out a Redis outage"
    finally:
        rasa.stop()
        store.stop()
