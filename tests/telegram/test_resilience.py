"""Rasa down/slow/failing, Telegram hiccups, per-chat order, flood protection, bad updates, plugins."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram.error import InvalidToken
from telegram.ext import MessageHandler, filters

from bot.telegram.dispatcher import Turn

from .conftest import free_port

USER = 7301


async def health(adapter) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{adapter.port}/health?fresh=1") as r:
            return await r.json()


async def test_rasa_down_gives_polite_message_after_bounded_retries(fake_tg, start_adapter):
    adapter = await start_adapter(rasa_url=f"http://127.0.0.1:{free_port()}", RASA_RETRY_BUDGET="1.5")
    await fake_tg.push(fake_tg.text(USER, "halo"))
    texts = await fake_tg.wait_texts(USER, 1, timeout=15)
    assert "gangguan" in texts[0] and "beberapa menit lagi" in texts[0]
    stats = adapter.rasa.stats
    assert stats.failures == 1 and stats.retries >= 1
    body = await health(adapter)
    assert body["status"] == "degraded"
    assert "rasa_unreachable" in body["degraded"] and "rasa_failing" in body["degraded"]


async def test_empty_reply_counts_as_failure_and_is_retried(fake_tg, fake_rasa, start_adapter):
    adapter = await start_adapter(RASA_RETRY_BUDGET="1.5")
    fake_rasa.mode = "empty"
    await fake_tg.push(fake_tg.text(USER, "halo"))
    texts = await fake_tg.wait_texts(USER, 1, timeout=15)
    assert "gangguan" in texts[0]
    assert len(fake_rasa.calls) >= 2
    assert [c["metadata"]["attempt"] for c in fake_rasa.calls] == list(range(1, len(fake_rasa.calls) + 1))
    assert adapter.rasa.stats.empty_replies == len(fake_rasa.calls)
    assert "rasa_failing" in (await health(adapter))["degraded"]
    # Rasa recovers: the next turn is answered and health is ok again
    fake_rasa.mode = "ok"
    await fake_tg.push(fake_tg.text(USER, "lagi"))
    assert (await fake_tg.wait_texts(USER, 2))[1] == "Kamu bilang: lagi"
    assert (await health(adapter))["status"] == "ok"


async def test_transient_500s_are_retried_to_a_real_answer(fake_tg, fake_rasa, start_adapter):
    await start_adapter(RASA_RETRY_BUDGET="10")
    fake_rasa.fail_first = 2
    await fake_tg.push(fake_tg.text(USER, "halo"))
    texts = await fake_tg.wait_texts(USER, 1, timeout=20)
    assert texts == ["Kamu bilang: halo"]
    assert len(fake_rasa.calls) == 3


async def test_slow_rasa_times_out_within_budget(fake_tg, fake_rasa, start_adapter):
    await start_adapter(RASA_TIMEOUT="0.3", RASA_RETRY_BUDGET="1")
    fake_rasa.delays["halo"] = 3
    await fake_tg.push(fake_tg.text(USER, "halo"))
    texts = await fake_tg.wait_texts(USER, 1, timeout=15)
    assert "gangguan" in texts[0]


async def test_slow_chat_does_not_block_other_chats_and_order_is_kept(fake_tg, fake_rasa, start_adapter):
    await start_adapter(RASA_TIMEOUT="30", RASA_RETRY_BUDGET="30")
    slow, fast = USER, USER + 1
    release = fake_rasa.hold("lambat 1")
    await fake_tg.push(fake_tg.text(slow, "lambat 1"))
    await asyncio.wait_for(fake_rasa.arrived["lambat 1"].wait(), 10)
    await fake_tg.push(fake_tg.text(slow, "lambat 2"))
    for i in range(3):
        await fake_tg.push(fake_tg.text(fast, f"cepat {i}"))
    assert await fake_tg.wait_texts(fast, 3) == ["Kamu bilang: cepat 0", "Kamu bilang: cepat 1",
                                                 "Kamu bilang: cepat 2"]
    # the slow chat's second message waits for its first: Rasa has not seen it yet
    assert "lambat 2" not in fake_rasa.messages()
    assert fake_tg.texts(slow) == []
    release.set()
    assert await fake_tg.wait_texts(slow, 2) == ["Kamu bilang: lambat 1", "Kamu bilang: lambat 2"]
    assert fake_rasa.messages(f"telegram:{slow}") == ["lambat 1", "lambat 2"]


async def test_flood_gets_one_warning_and_excess_is_dropped(fake_tg, fake_rasa, start_adapter):
    await start_adapter(TELEGRAM_FLOOD="5/10")
    for i in range(12):
        await fake_tg.push(fake_tg.text(USER, f"spam {i}"))
    await fake_tg.wait_texts(USER, 6)
    await fake_tg.wait_for(lambda f: not f.pending)
    await asyncio.sleep(0.5)
    texts = fake_tg.texts(USER)
    assert fake_rasa.messages() == [f"spam {i}" for i in range(5)]
    warnings = [t for t in texts if "cepat sekali" in t]
    assert len(warnings) == 1 and len(texts) == 6
    # another user is not affected
    await fake_tg.push(fake_tg.text(USER + 9, "halo"))
    assert await fake_tg.wait_texts(USER + 9, 1) == ["Kamu bilang: halo"]


async def test_telegram_429_is_retried_by_the_rate_limiter(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_tg.fail("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    await fake_tg.push(fake_tg.text(USER, "halo"))
    assert await fake_tg.wait_texts(USER, 1) == ["Kamu bilang: halo"]
    attempts = [c for c in fake_tg.calls if c.method == "sendMessage"]
    assert [c.ok for c in attempts] == [False, True]


async def test_telegram_500_retries_the_update_without_asking_rasa_again(fake_tg, fake_rasa, start_adapter):
    """A send that fails for a network-ish reason retries the update later; the stored plan is reused."""
    await start_adapter()
    fake_rasa.replies["dua"] = [{"text": "satu", "buttons": [{"title": "A", "payload": "/a"}]}, {"text": "dua"}]
    fake_tg.fail("sendMessage", 500, "Internal Server Error")
    fake_tg.fail("sendMessage", 502, "Bad Gateway")
    await fake_tg.push(fake_tg.text(USER, "dua"))
    assert await fake_tg.wait_texts(USER, 2, timeout=20) == ["satu", "dua"]
    assert fake_rasa.messages() == ["dua"]


async def boom_plugin(ctx):
    async def boom(update, context):
        raise RuntimeError("bug in a handler")

    async def hello(update, context):
        turn = Turn.current()
        assert turn is not None
        await ctx.send_text(update.effective_chat.id, "Halo dari *plugin* <3")

    async def lead_button(update, context):
        await update.callback_query.answer("ok")

    ctx.add_command("boom", boom, "Uji kesalahan", menu=False)
    ctx.add_command("halo", hello, "Sapa")
    ctx.add_callback("lead", lead_button)
    ctx.add_handler(MessageHandler(filters.Regex("^rahasia$"), hello))


async def test_plugins_and_a_crashing_handler(fake_tg, fake_rasa, start_adapter):
    await start_adapter(plugins=[boom_plugin])
    assert [c["command"] for c in fake_tg.commands] == ["start", "menu", "bantuan", "hapusdata", "berhenti",
                                                          "halo"]
    await fake_tg.push(fake_tg.text(USER, "/boom"))
    await fake_tg.push(fake_tg.text(USER, "/halo"))
    await fake_tg.push(fake_tg.text(USER, "rahasia"))
    await fake_tg.push(fake_tg.text(USER, "biasa"))
    texts = await fake_tg.wait_texts(USER, 4)
    assert "kesalahan" in texts[0]
    assert texts[1] == "Halo dari plugin <3" and texts[2] == texts[1]
    assert texts[3] == "Kamu bilang: biasa"
    assert fake_rasa.messages() == ["biasa"]   # plugin commands and handlers never reach Rasa
    sent = fake_tg.successful("sendMessage", USER)[1].result
    assert sent["entities"][0]["type"] == "bold"
    # the adapter's answer to a plugin's button comes from the plugin, not the "expired" fallback
    msg = fake_tg.successful("sendMessage", USER)[1].result
    await fake_tg.push(fake_tg.callback(USER, msg, "lead:42"))
    await fake_tg.wait_for(lambda f: f.successful("answerCallbackQuery"))
    assert fake_tg.successful("answerCallbackQuery")[0].params["text"] == "ok"


async def test_graceful_stop_finishes_turn_in_progress(fake_tg, fake_rasa, start_adapter):
    adapter = await start_adapter(RASA_TIMEOUT="30", RASA_RETRY_BUDGET="30")
    release = fake_rasa.hold("pelan")
    await fake_tg.push(fake_tg.text(USER, "pelan"))
    await asyncio.wait_for(fake_rasa.arrived["pelan"].wait(), 10)
    stopping = asyncio.create_task(adapter.stop())
    await asyncio.sleep(0.5)
    assert not stopping.done()          # it waits for the turn ...
    release.set()
    await asyncio.wait_for(stopping, 15)
    assert fake_tg.texts(USER) == ["Kamu bilang: pelan"]   # ... which was answered before it stopped


async def test_start_waits_out_telegram_trouble_but_not_a_wrong_token(fake_tg, fake_rasa, start_adapter):
    fake_tg.fail("getMe", 502, "Bad Gateway")
    fake_tg.fail("deleteWebhook", 500, "Internal Server Error")
    await start_adapter()
    await fake_tg.push(fake_tg.text(USER, "halo"))
    assert await fake_tg.wait_texts(USER, 1) == ["Kamu bilang: halo"]
    with pytest.raises(InvalidToken):
        await start_adapter(TELEGRAM_BOT_TOKEN="999:wrong")
