"""Rasa buttons as inline keyboards, button presses, long payloads, and sharing a contact."""
from __future__ import annotations

import asyncio

USER = 7201

MENU = [{"text": "Mau tahu tentang apa?", "buttons": [
    {"title": "JKK", "payload": "/ask_jkk"},
    {"title": "JKM", "payload": "/ask_jkm"},
    {"title": "JHT", "payload": "/ask_jht"},
    {"title": "Cek iuran saya", "payload": '/check_eligibility'},
]}]
LONG_PAYLOAD = '/inform{"occupation": "nelayan", "regency": "Kabupaten Konawe Selatan", "age": 35}'


def keyboard(call) -> list:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def test_buttons_become_inline_keyboard_and_press_goes_to_rasa(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_rasa.replies["menu"] = MENU
    await fake_tg.push(fake_tg.text(USER, "menu"))
    await fake_tg.wait_texts(USER, 1)
    sent = fake_tg.successful("sendMessage", USER)[0]
    buttons = keyboard(sent)
    assert [b["text"] for b in buttons] == ["JKK", "JKM", "JHT", "Cek iuran saya"]
    jkk = buttons[0]["callback_data"]
    assert jkk.startswith("r:") and jkk.endswith("/ask_jkk")      # signed for this chat (test_callback_forgery)

    msg = fake_tg.last_keyboard_message(USER)
    press = await fake_tg.push(fake_tg.callback(USER, msg, jkk))
    await fake_tg.wait_texts(USER, 2)
    qid = press["callback_query"]["id"]
    answered = fake_tg.successful("answerCallbackQuery")
    assert [c.params["callback_query_id"] for c in answered] == [qid]
    # the choice is shown on the message and its keyboard is gone
    edits = fake_tg.successful("editMessageText", USER)
    assert len(edits) == 1
    edited = fake_tg.messages[(USER, msg["message_id"])]
    assert "Pilihan Anda: JKK" in edited["text"] and "reply_markup" not in edited
    assert fake_rasa.messages()[-1] == "/ask_jkk"
    assert fake_rasa.calls[-1]["metadata"]["button"] is True
    assert fake_tg.texts(USER)[-1] == "Kamu bilang: /ask_jkk"


async def test_long_payload_is_mapped_not_cut_and_survives_restart(fake_tg, fake_rasa, start_adapter):
    first = await start_adapter()
    fake_rasa.replies["pilih"] = [{"text": "Betul ini data Anda?", "buttons": [
        {"title": "Ya, betul", "payload": LONG_PAYLOAD}, {"title": "Bukan", "payload": "/deny"}]}]
    await fake_tg.push(fake_tg.text(USER, "pilih"))
    await fake_tg.wait_texts(USER, 1)
    data = keyboard(fake_tg.successful("sendMessage", USER)[0])[0]["callback_data"]
    assert len(LONG_PAYLOAD.encode()) > 64
    assert data.startswith("m:") and len(data.encode()) <= 64
    msg = fake_tg.last_keyboard_message(USER)
    await first.stop()
    await start_adapter()
    await fake_tg.push(fake_tg.callback(USER, msg, data))
    await fake_tg.wait_texts(USER, 2)
    assert fake_rasa.messages()[-1] == LONG_PAYLOAD


async def test_double_press_and_unknown_buttons(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_rasa.replies["menu"] = MENU
    await fake_tg.push(fake_tg.text(USER, "menu"))
    await fake_tg.wait_texts(USER, 1)
    msg = fake_tg.last_keyboard_message(USER)
    data = [b["callback_data"] for b in keyboard(fake_tg.successful("sendMessage", USER)[0])]
    await fake_tg.push(fake_tg.callback(USER, msg, data[0]))
    await fake_tg.push(fake_tg.callback(USER, msg, data[1]))     # a second tap on the same keyboard
    await fake_tg.push(fake_tg.callback(USER, msg, "m:doesnotexist"))
    await fake_tg.push(fake_tg.callback(USER, msg, "zz:whatever"))
    await fake_tg.wait_for(lambda f: len(f.successful("answerCallbackQuery")) == 4)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages() == ["menu", "/ask_jkk"]
    answers = [c.params.get("text") for c in fake_tg.successful("answerCallbackQuery")]
    assert answers[0] is None
    assert "sudah tercatat" in answers[1]
    assert "tidak berlaku" in answers[2] and "tidak berlaku" in answers[3]


async def test_image_and_custom_payloads(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    fake_rasa.replies["kartu"] = [
        {"text": "Ini contoh kartu:"},
        {"image": "https://example.org/kartu.png"},
        {"custom": {"photo": "https://example.org/qr.png", "caption": "Kode <QR> Anda"}},
        {"custom": {"text": "Buka situs:", "buttons": [{"title": "Situs resmi", "url": "https://example.org"}]}},
        {"custom": {"some_other_channel": {"x": 1}}},
    ]
    await fake_tg.push(fake_tg.text(USER, "kartu"))
    await fake_tg.wait_for(lambda f: len(f.successful("sendMessage", USER)) == 2)
    photos = fake_tg.successful("sendPhoto", USER)
    assert [p.params["photo"] for p in photos] == ["https://example.org/kartu.png", "https://example.org/qr.png"]
    assert photos[1].result["caption"] == "Kode <QR> Anda"
    link = keyboard(fake_tg.successful("sendMessage", USER)[1])[0]
    assert link == {"text": "Situs resmi", "url": "https://example.org"}
    order = [c.method for c in fake_tg.calls if c.params.get("chat_id") == USER and c.method != "sendChatAction"]
    assert order == ["sendMessage", "sendPhoto", "sendPhoto", "sendMessage"]


async def ask_number(fake_tg, fake_rasa):
    fake_rasa.replies["hubungi saya"] = [{"text": "Boleh minta nomor HP Anda?"}, {"custom": {"request_contact": True}}]
    await fake_tg.push(fake_tg.text(USER, "hubungi saya"))
    await fake_tg.wait_texts(USER, 1)
    ask = fake_tg.successful("sendMessage", USER)[0]
    kb = ask.params["reply_markup"]
    assert ask.result["text"] == "Boleh minta nomor HP Anda?"
    assert kb["keyboard"][0][0]["request_contact"] is True
    assert kb["keyboard"][0][0]["text"] == "📱 Bagikan nomor HP"


async def test_own_contact_is_sent_to_rasa_and_keyboard_removed(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await ask_number(fake_tg, fake_rasa)
    fake_rasa.replies["+6281234567890"] = [{"text": "Terima kasih! Kapan waktu yang cocok dihubungi?",
                                             "buttons": [{"title": "Pagi", "payload": "/inform"}]},
                                            {"text": "Atau ketik jamnya."}]
    await fake_tg.push(fake_tg.contact(USER, "6281234567890", owner=USER))
    await fake_tg.wait_texts(USER, 3)
    assert fake_rasa.messages()[-1] == "+6281234567890"
    assert fake_rasa.calls[-1]["metadata"]["contact_shared"] is True
    sent = fake_tg.successful("sendMessage", USER)
    # the message with inline buttons cannot carry the removal; the next plain one does
    assert "inline_keyboard" in sent[1].params["reply_markup"]
    assert sent[2].params["reply_markup"] == {"remove_keyboard": True}
    # the keyboard is closed: the next answer carries no removal again
    await fake_tg.push(fake_tg.text(USER, "jam 9"))
    await fake_tg.wait_texts(USER, 4)
    assert "reply_markup" not in fake_tg.successful("sendMessage", USER)[3].params


async def test_someone_elses_contact_is_refused(fake_tg, fake_rasa, start_adapter):
    await start_adapter()
    await ask_number(fake_tg, fake_rasa)
    await fake_tg.push(fake_tg.contact(USER, "6289999999999", owner=USER + 1))
    await fake_tg.push(fake_tg.contact(USER, "6288888888888", owner=None))   # a contact card typed by hand
    texts = await fake_tg.wait_texts(USER, 3)
    assert "nomor HP Anda sendiri" in texts[1] and "nomor HP Anda sendiri" in texts[2]
    assert fake_rasa.messages() == ["hubungi saya"]
    assert fake_tg.successful("sendMessage", USER)[1].params["reply_markup"]["keyboard"][0][0]["request_contact"]


async def test_agent_link_attribution_first_wins_and_survives_restart(fake_tg, fake_rasa, start_adapter, inbox):
    extra = inbox
    first = await start_adapter(TELEGRAM_KNOWN_AGENT_CODES="AGEN01,AGEN02", **extra)
    await fake_tg.push(fake_tg.text(USER, "/start ag_AGEN01"))
    await fake_tg.push(fake_tg.text(USER, "halo"))
    await fake_tg.wait_texts(USER, 2)
    assert fake_rasa.messages() == ["/greet", "halo"]          # the payload never reaches Rasa
    for call in fake_rasa.calls:
        assert call["metadata"]["referral"] == "AGEN01"
        assert call["metadata"]["referral_known"] is True
    assert [c["metadata"]["first_contact"] for c in fake_rasa.calls] == [True, False]
    await first.stop()

    await start_adapter(TELEGRAM_KNOWN_AGENT_CODES="AGEN01,AGEN02", **extra)
    await fake_tg.push(fake_tg.text(USER, "/start ag_AGEN02"))   # a later link does not overwrite
    await fake_tg.push(fake_tg.text(USER, "/start"))             # a client that dropped the payload
    await fake_tg.push(fake_tg.text(USER, "iuran?"))
    await fake_tg.wait_texts(USER, 5)
    assert [c["metadata"]["referral"] for c in fake_rasa.calls] == ["AGEN01"] * 5

    other = USER + 50
    await fake_tg.push(fake_tg.text(other, "/start ag_TIDAKADA"))
    await fake_tg.wait_texts(other, 1)
    meta = fake_rasa.calls[-1]["metadata"]
    assert meta["referral"] == "TIDAKADA" and meta["referral_known"] is False
