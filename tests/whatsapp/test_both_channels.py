"""`python -m bot.channels` with both tokens: Telegram and WhatsApp on one HTTP host (BOT_PORT), one /health."""
from __future__ import annotations

import aiohttp

from bot.channels import Channels, build
from bot.core.server import HttpHost
from lingkar.settings import Settings as CoreSettings
from tests.telegram.conftest import base_env
from tests.telegram.fake_bot_api import FakeBotAPI

from .conftest import wa_env

WA = "6281400000001"
TG_USER = 7402


async def test_telegram_and_whatsapp_share_one_port(tmp_path, fake_graph, fake_rasa):
    tg = await FakeBotAPI().start()
    try:
        env = {**base_env(tmp_path, tg, fake_rasa.url), **wa_env(tmp_path, fake_graph, fake_rasa.url)}
        host = HttpHost("127.0.0.1", 0, "")
        runners = build(CoreSettings.from_env(env), host)
        assert [r.name for r in runners] == ["telegram", "whatsapp"]
        only_wa = {k: v for k, v in env.items() if k != "TELEGRAM_BOT_TOKEN"}
        assert [r.name for r in build(CoreSettings.from_env(only_wa), HttpHost("127.0.0.1", 0))] == ["whatsapp"]
        channels = Channels(host, runners)
        await channels.start()
        try:
            fake_graph.webhook_url = f"http://127.0.0.1:{host.port}/webhooks/whatsapp"
            assert await fake_graph.deliver(fake_graph.text(WA, "halo dari wa")) == 200
            await tg.push(tg.text(TG_USER, "halo dari tg"))
            await fake_graph.wait_for(lambda g: g.to(WA))
            await tg.wait_texts(TG_USER, 1)
            assert [s.text for s in fake_graph.to(WA)] == ["Kamu bilang: halo dari wa"]
            assert {c["sender"] for c in fake_rasa.calls} == {f"whatsapp:{WA}", f"telegram:{TG_USER}"}
            async with aiohttp.ClientSession() as s:
                async with s.get(f"http://127.0.0.1:{host.port}/health") as r:
                    body = await r.json()
                async with s.post(fake_graph.webhook_url, data=b"{}") as r:   # unsigned: refused
                    assert r.status == 401
            assert set(body["channels"]) == {"telegram", "whatsapp"}
            assert body["channels"]["whatsapp"]["counts"]["sent"] == 1
        finally:
            await channels.stop()
    finally:
        await tg.stop()
