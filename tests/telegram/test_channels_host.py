"""`python -m bot.channels`: Telegram on the shared HTTP host (bot/core/server.py) with a second channel's
routes and health beside it — what the WhatsApp adapter adds itself to."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.channels import Channels, build
from bot.core.server import HttpHost
from lingkar.settings import Settings as CoreSettings

from .conftest import base_env

USER = 7401


async def test_telegram_and_another_channel_share_one_port(tmp_path, fake_tg, fake_rasa):
    env = base_env(tmp_path, fake_tg, fake_rasa.url)
    host = HttpHost("127.0.0.1", 0, "")
    runners = build(CoreSettings.from_env(env), host)
    assert [r.name for r in runners] == ["telegram"]
    assert build(CoreSettings.from_env({k: v for k, v in env.items() if k != "TELEGRAM_BOT_TOKEN"}), host) == []

    async def other_hook(request: web.Request) -> web.Response:
        return web.Response(text="other:" + (await request.text()))

    async def other_health(fresh: bool) -> dict:
        return {"status": "degraded", "degraded": ["api_down"]}

    host.add_route("POST", "/webhooks/other", other_hook)
    host.add_health("other", other_health)
    channels = Channels(host, runners)
    await channels.start()
    try:
        await fake_tg.push(fake_tg.text(USER, "halo"))
        await fake_tg.wait_texts(USER, 1)
        assert fake_rasa.calls[-1]["sender"] == f"telegram:{USER}"
        async with aiohttp.ClientSession() as s:
            async with s.post(f"http://127.0.0.1:{host.port}/webhooks/other", data="x") as r:
                assert (r.status, await r.text()) == (200, "other:x")
            async with s.get(f"http://127.0.0.1:{host.port}/health") as r:
                body = await r.json()
            async with s.get(f"http://127.0.0.1:{host.port}/health?strict=1",
                             headers={"X-Forwarded-For": "203.0.113.9"}) as r:
                assert (r.status, await r.text()) == (503, "degraded")
        assert body["degraded"] == ["other:api_down"]
        assert body["channels"]["telegram"]["inbox"]["pending"] >= 0
        assert body["channels"]["other"]["status"] == "degraded"
    finally:
        await channels.stop()
