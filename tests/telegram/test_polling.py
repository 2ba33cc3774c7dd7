"""The adapter in long-polling mode against the fake Bot API and a fake Rasa REST channel."""
from __future__ import annotations

import asyncio

from .fake_bot_api import BOT_USERNAME

USER = 7001


async def test_text_goes_to_rasa_with_metadata_and_answer_comes_back(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_rasa.delays["iuran nelayan berapa?"] = 1.5      # a slow turn: "typing…" is shown meanwhile
    await fake_tg.push(fake_tg.text(USER, "iuran nelayan berapa?"))
    texts = await fake_tg.wait_texts(USER, 1)
    assert texts == ["Kamu bilang: iuran nelayan berapa?"]
    call = fake_rasa.calls[0]
    assert call["sender"] == f"telegram:{USER}"
    meta = call["metadata"]
    assert meta["channel"] == "telegram"
    assert meta["telegram_user_id"] == USER and meta["chat_id"] == USER
    assert meta["language_code"] == "id"
    assert meta["referral"] is None and meta["referral_known"] is None
    assert meta["first_contact"] is True
    # typing was shown while Rasa worked
    assert fake_tg.successful("sendChatAction", USER)
    assert fake_tg.successful("sendChatAction", USER)[0].params["action"] == "typing"


async def test_commands_registered_in_indonesian(fake_tg, start_adapter):
    await start_adapter()
    names = [c["command"] for c in fake_tg.commands]
    assert names == ["start", "menu", "bantuan", "hapusdata", "berhenti"]  # /stop works too, not in the menu
    assert all(c["description"] for c in fake_tg.commands)
    assert "menu" in fake_tg.commands[1]["description"].lower()


async def test_start_never_reaches_rasa_as_text(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await fake_tg.push(fake_tg.text(USER, "/start"))
    await fake_tg.push(fake_tg.text(USER, "/menu"))
    await fake_tg.push(fake_tg.text(USER, "/hapusdata"))
    await fake_tg.push(fake_tg.text(USER, "/berhenti"))
    await fake_tg.push(fake_tg.text(USER, "/stop"))
    await fake_tg.wait_texts(USER, 5)
    assert fake_rasa.messages() == ["/greet", "/menu", "/delete_my_data", "/unsubscribe", "/unsubscribe"]


async def test_help_unknown_command_and_slash_text_stay_local(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await fake_tg.push(fake_tg.text(USER, "/bantuan"))
    await fake_tg.push(fake_tg.text(USER, "/rahasia"))
    await fake_tg.push(fake_tg.text(USER, "/ask_jkk"))
    texts = await fake_tg.wait_texts(USER, 3)
    assert "Cara memakai Lingkar" in texts[0]
    assert "tidak saya kenal" in texts[1] and "tidak saya kenal" in texts[2]
    assert fake_rasa.calls == []
    # bold markup arrived as a bold entity, not as asterisks
    first = fake_tg.successful("sendMessage", USER)[0].result
    assert "*" not in first["text"]
    assert any(e["type"] == "bold" for e in first["entities"])


async def test_duplicate_update_after_restart_is_handled_once(fake_tg, fake_rasa, start_adapter):
    """Telegram delivers an update again when our confirmation did not reach it; a restarted adapter
    (offset unknown) then gets the same update_id again and must not answer twice."""
    fake_tg.lose_confirmations = True
    first = await start_adapter()
    upd = fake_tg.text(USER, "halo")
    upd["update_id"] = 555
    await fake_tg.push(upd)
    await fake_tg.wait_texts(USER, 1)
    await first.stop()
    assert [u["update_id"] for u in fake_tg.pending] == [555]   # still there: the server will resend it
    second = await start_adapter()
    await fake_tg.push(fake_tg.text(USER, "lagi"))
    await fake_tg.wait_texts(USER, 2)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages() == ["halo", "lagi"]
    assert fake_tg.texts(USER) == ["Kamu bilang: halo", "Kamu bilang: lagi"]
    assert second.intake.duplicates == 1


async def test_long_reply_split_on_lines_and_escaped(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    lines = [f"Baris {i:03d}: iuran <JKK> & <JKM> " + "x" * 40 for i in range(85)]
    long_text = "\n".join(lines)
    assert len(long_text) > 5000
    fake_rasa.replies["panjang"] = [{"text": long_text}]
    await fake_tg.push(fake_tg.text(USER, "panjang"))
    await fake_tg.wait_texts(USER, 2)
    await asyncio.sleep(0.3)
    texts = fake_tg.texts(USER)
    assert len(texts) == 2
    assert all(len(t) <= 4096 for t in texts)
    # split on a line boundary, nothing lost or reordered, < > & shown literally
    assert "\n".join(texts) == long_text
    sent = fake_tg.successful("sendMessage", USER)
    assert all(c.params["parse_mode"] == "HTML" for c in sent)
    assert "&lt;JKK&gt; &amp;" in sent[0].params["text"]


async def test_rasa_paragraphs_are_joined_into_one_message(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_rasa.replies["jkk"] = [{"text": "JKK melindungi kecelakaan kerja."}, {"text": "Mau tahu iurannya?"}]
    await fake_tg.push(fake_tg.text(USER, "jkk"))
    texts = await fake_tg.wait_texts(USER, 1)
    await asyncio.sleep(0.2)
    assert fake_tg.texts(USER) == ["JKK melindungi kecelakaan kerja.\n\nMau tahu iurannya?"]
    assert texts


async def test_sticker_gets_friendly_answer_not_rasa(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await fake_tg.push(fake_tg.sticker(USER))
    texts = await fake_tg.wait_texts(USER, 1)
    assert "stiker" in texts[0] and "pesan teks" in texts[0]
    assert fake_rasa.calls == []


async def test_edited_message_not_reprocessed(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await fake_tg.push(fake_tg.text(USER, "umur saya 35"))
    await fake_tg.wait_texts(USER, 1)
    await fake_tg.push(fake_tg.edited(USER, 1, "umur saya 36"))
    await fake_tg.push(fake_tg.edited(USER, 1, "umur saya 37"))
    await fake_tg.push(fake_tg.text(USER, "ok"))
    texts = await fake_tg.wait_texts(USER, 3)
    assert fake_rasa.messages() == ["umur saya 35", "ok"]
    assert "diubah" in texts[1]
    assert len(texts) == 3  # the second edit got no second note


async def test_group_messages_are_redirected_to_private_chat(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    group = -100555
    await fake_tg.push(fake_tg.text(USER, "halo semua", chat_id=group))
    await fake_tg.push(fake_tg.text(USER, f"@{BOT_USERNAME} iuran berapa?", chat_id=group))
    await fake_tg.wait_for(lambda f: f.successful("sendMessage", group))
    await asyncio.sleep(0.3)
    sent = fake_tg.successful("sendMessage", group)
    assert len(sent) == 1
    button = sent[0].params["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}"
    assert fake_rasa.calls == []


async def test_health_reports_ok_then_rasa_down(fake_tg, fake_rasa, start_adapter):
    import aiohttp

    adapter = await start_adapter(BOT_HEALTH_INTERVAL="0.5")
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{adapter.port}/health") as r:
            body = await r.json()
            assert r.status == 200
        assert body["status"] == "ok", body
        assert body["rasa"]["probe"]["reachable"] is True
        assert body["inbox"]["backend"] == "sqlite"
        assert body["checks"]["rasa_state"]["status"] == "ok", body["checks"]
        await fake_rasa.stop()
        await asyncio.sleep(0.6)  # ?fresh=1 re-checks the back ends at most once per BOT_HEALTH_INTERVAL
        async with s.get(f"http://127.0.0.1:{adapter.port}/health?strict=1&fresh=1") as r:
            body = await r.json()
            assert r.status == 503
        assert body["status"] == "degraded"
        assert "rasa_unreachable" in body["degraded"]
        assert "rasa_state" in body["degraded"]


async def test_polling_confirms_only_stored_updates(fake_tg, fake_rasa, start_adapter):
    """After processing, Telegram's queue is empty: the offset was advanced past stored updates."""
    await start_adapter()
    for i in range(3):
        await fake_tg.push(fake_tg.text(USER, f"pesan {i}"))
    await fake_tg.wait_texts(USER, 3)
    await fake_tg.wait_for(lambda f: not f.pending, timeout=10)
    assert fake_rasa.messages() == ["pesan 0", "pesan 1", "pesan 2"]
