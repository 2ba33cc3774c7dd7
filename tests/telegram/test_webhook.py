"""The adapter in webhook mode: the fake Bot API pushes updates to it like Telegram does."""
from __future__ import annotations

import asyncio
import json

import aiohttp

from .conftest import free_port

USER = 7101


async def webhook_adapter(start_adapter, **extra):
    port = free_port()
    adapter = await start_adapter(TELEGRAM_MODE="webhook", BOT_PORT=port,
                                  TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
                                  TELEGRAM_WEBHOOK_SECRET="s3cret-Token_1", **extra)
    return adapter, f"http://127.0.0.1:{port}/tg/hook"


async def test_webhook_is_set_with_secret_and_updates_are_answered(fake_tg, fake_rasa, start_adapter):
    adapter, url = await webhook_adapter(start_adapter)
    assert fake_tg.webhook["url"] == url
    assert fake_tg.webhook["secret_token"] == "s3cret-Token_1"
    assert "callback_query" in fake_tg.webhook["allowed_updates"]
    await fake_tg.push(fake_tg.text(USER, "halo"))
    texts = await fake_tg.wait_texts(USER, 1)
    assert texts == ["Kamu bilang: halo"]
    # Telegram got 200 for it
    assert fake_tg.webhook_deliveries[-1][1] == 200


async def test_bad_secret_token_gets_403_and_nothing_happens(fake_tg, fake_rasa, start_adapter):
    adapter, url = await webhook_adapter(start_adapter)
    update = {"update_id": 9001, **fake_tg.text(USER, "jangan diproses")}
    async with aiohttp.ClientSession() as s:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                        {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1x"}):
            async with s.post(url, data=json.dumps(update),
                              headers={"Content-Type": "application/json", **headers}) as r:
                assert r.status == 403
                assert await r.read() == b""
    await asyncio.sleep(0.5)
    assert fake_rasa.calls == []
    assert fake_tg.successful("sendMessage") == []
    assert (await adapter.store.backlog())["pending"] == 0
    # ... and the same update with the right secret is accepted (so it was not "seen" by the bad ones)
    async with aiohttp.ClientSession() as s:
        async with s.post(url, data=json.dumps(update), headers={
                "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}) as r:
            assert r.status == 200
    assert await fake_tg.wait_texts(USER, 1) == ["Kamu bilang: jangan diproses"]


async def test_webhook_redelivery_is_deduplicated(fake_tg, fake_rasa, start_adapter):
    """Telegram resends an update when it did not see our 200 (timeout, network): handled once."""
    adapter, url = await webhook_adapter(start_adapter)
    update = {"update_id": 9100, **fake_tg.text(USER, "sekali saja")}
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
    async with aiohttp.ClientSession() as s:
        for _ in range(3):
            async with s.post(url, data=json.dumps(update), headers=headers) as r:
                assert r.status == 200
    await fake_tg.wait_texts(USER, 1)
    await asyncio.sleep(0.5)
    assert fake_rasa.messages() == ["sekali saja"]
    assert fake_tg.texts(USER) == ["Kamu bilang: sekali saja"]
    assert adapter.intake.duplicates == 2


async def test_webhook_rejects_garbage_and_unknown_paths(fake_tg, fake_rasa, start_adapter):
    adapter, url = await webhook_adapter(start_adapter)
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
    async with aiohttp.ClientSession() as s:
        async with s.post(url, data="{not json", headers=headers) as r:
            assert r.status == 400
        async with s.post(url.replace("/tg/hook", "/other"), data="{}", headers=headers) as r:
            assert r.status in (404, 405)
        async with s.get(url.replace("/tg/hook", "/health")) as r:
            assert r.status == 200
            assert (await r.json())["mode"] == "webhook"
    assert fake_rasa.calls == []


async def test_two_replicas_behind_a_load_balancer_share_redis(fake_tg, fake_rasa, start_adapter, redis_url):
    """Two adapters (webhook mode, one Redis inbox): updates posted to either are answered once, and one
    chat's order holds while the other replica is busy with that chat."""
    a, url_a = await webhook_adapter(start_adapter, redis=redis_url, TELEGRAM_CONSUMER="replica-a",
                                     RASA_RETRY_BUDGET="30", RASA_TIMEOUT="30")
    port_b = free_port()
    b = await start_adapter(TELEGRAM_MODE="webhook", BOT_PORT=port_b, TELEGRAM_SET_WEBHOOK="0",
                            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port_b}/tg/hook",
                            TELEGRAM_WEBHOOK_SECRET="s3cret-Token_1", redis=redis_url, TELEGRAM_CONSUMER="replica-b",
                            RASA_RETRY_BUDGET="30", RASA_TIMEOUT="30")
    url_b = f"http://127.0.0.1:{port_b}/tg/hook"
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
    release = fake_rasa.hold("satu")

    async def post(url, update):
        async with aiohttp.ClientSession() as s:
            async with s.post(url, data=json.dumps(update), headers=headers) as r:
                assert r.status == 200

    await post(url_a, {"update_id": 1, **fake_tg.text(USER, "satu")})
    await asyncio.wait_for(fake_rasa.arrived["satu"].wait(), 10)
    await post(url_b, {"update_id": 2, **fake_tg.text(USER, "dua")})
    await post(url_a, {"update_id": 3, **fake_tg.text(USER, "tiga")})
    await post(url_b, {"update_id": 4, **fake_tg.text(USER + 1, "lain")})
    await post(url_a, {"update_id": 2, **fake_tg.text(USER, "dua")})       # a redelivery to the other replica
    assert await fake_tg.wait_texts(USER + 1, 1) == ["Kamu bilang: lain"]
    await asyncio.sleep(0.5)
    assert fake_rasa.messages(f"telegram:{USER}") == ["satu"]
    release.set()
    assert await fake_tg.wait_texts(USER, 3) == ["Kamu bilang: satu", "Kamu bilang: dua", "Kamu bilang: tiga"]
    await asyncio.sleep(0.3)
    assert fake_rasa.messages(f"telegram:{USER}") == ["satu", "dua", "tiga"]
    assert a.intake.duplicates + b.intake.duplicates == 1
