"""The adapter's /health: one word for the world, details for the operator, and no way to hammer the back ends.

Anyone may ask /health (a load balancer, an uptime monitor): they get ``ok`` or ``degraded`` and nothing else
(no Rasa URL, inbox backlog, error texts). The JSON details are for a client on loopback that is not relayed by
a reverse proxy, or one that sends ``Authorization: Bearer $BOT_HEALTH_TOKEN``. ``?fresh=1`` re-runs the
back-end checks (Rasa probe, Rasa's tracker store) at most once per BOT_HEALTH_INTERVAL, however many ask.
"""
from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.infra.conftest import free_port
from tests.stack_util import outside_address

PROXIED = {"X-Forwarded-For": "203.0.113.9"}




async def test_the_public_answer_is_one_word_and_details_need_loopback_or_the_token(fake_tg, fake_rasa,
                                                                                   start_adapter):
    adapter = await start_adapter(BOT_HOST="0.0.0.0", BOT_HEALTH_TOKEN="health-s3cret")
    url = f"http://127.0.0.1:{adapter.port}/health"
    async with aiohttp.ClientSession() as s:
        for headers in (PROXIED, {**PROXIED, "Authorization": "Bearer wrong"}):
            async with s.get(url, headers=headers) as r:
                assert r.status == 200 and (await r.text()) == "ok", headers
            async with s.get(url + "?fresh=1&strict=1", headers=headers) as r:
                assert (await r.text()) == "ok"
        outside = outside_address()
        if outside:  # a real client from another address (not loopback)
            async with s.get(f"http://{outside}:{adapter.port}/health") as r:
                assert r.status == 200 and (await r.text()) == "ok"
        async with s.get(url, headers={**PROXIED, "Authorization": "Bearer health-s3cret"}) as r:
            body = await r.json()
            assert body["status"] == "ok" and body["rasa"]["url"] == fake_rasa.url
        async with s.get(url) as r:  # loopback, not proxied: the operator on the machine
            assert (await r.json())["inbox"]["backend"] == "sqlite"
        # An adapter whose Rasa is down: the public word says so, and nothing more.
        down = await start_adapter(rasa_url=f"http://127.0.0.1:{free_port()}")
        async with s.get(f"http://127.0.0.1:{down.port}/health?strict=1", headers=PROXIED) as r:
            assert r.status == 503 and (await r.text()) == "degraded"


@pytest.mark.parametrize("headers", [{}, PROXIED], ids=["operator", "public"])
async def test_fresh_cannot_make_the_back_ends_work_more_than_once_per_interval(fake_tg, fake_rasa, start_adapter,
                                                                                 headers):
    adapter = await start_adapter(BOT_HEALTH_INTERVAL="30")
    url = f"http://127.0.0.1:{adapter.port}/health?fresh=1"
    async with aiohttp.ClientSession() as s:
        async with s.get(url, headers=headers) as r:
            assert r.status == 200
        first = list(fake_rasa.checks)
        assert "GET /" in first  # the first request did check Rasa

        async def ask() -> int:
            async with s.get(url, headers=headers) as r:
                await r.read()
                return r.status

        assert await asyncio.gather(*(ask() for _ in range(50))) == [200] * 50
        for _ in range(20):
            assert await ask() == 200
    assert fake_rasa.checks == first, f"{len(fake_rasa.checks) - len(first)} extra back-end checks"
