"""The channel running against the fake Graph API and the fake Rasa, on both backends (SQLite, Redis): webhook ->
verify -> inbox -> Rasa -> WhatsApp bodies -> the API, and everything that goes wrong on the way."""
from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp

from bot.whatsapp.config import WEBHOOK_PATH

from .conftest import settle
from .fake_graph import VERIFY_TOKEN

WA = "6281200000001"
MENU = [{"title": "Iuran", "payload": "/ask_contribution"}, {"title": "Manfaat", "payload": "/ask_benefits"},
        {"title": "Daftar", "payload": "/how_to_register"}]
SECTORS = [{"title": t, "payload": f'/inform{{"sector": "{t.lower()}"}}'} for t in (
    "Nelayan", "Petani dan pekebun", "Pedagang pasar", "Ojek dan sopir", "Buruh harian lepas")]


async def test_text_is_answered_through_rasa_and_marked_read(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    payload = fake_graph.text(WA, "iuran nelayan berapa?")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert await fake_graph.deliver(payload) == 200
    await fake_graph.wait_for(lambda g: g.to(WA))
    await settle(wa)
    assert [s.text for s in fake_graph.to(WA)] == ["Kamu bilang: iuran nelayan berapa?"]
    call = fake_rasa.calls[0]
    assert call["sender"] == f"whatsapp:{WA}" and call["message"] == "iuran nelayan berapa?"
    assert call["metadata"]["channel"] == "whatsapp" and call["metadata"]["message_id"] == wamid
    assert fake_graph.reads == [wamid]
    rec = await wa.state.outgoing(fake_graph.to(WA)[0].wamid)
    assert rec["status"] == "accepted" and rec["to"] == WA


async def test_handshake_over_http(start_wa, fake_graph):
    wa = await start_wa()
    url = f"http://127.0.0.1:{wa.port}{WEBHOOK_PATH}"
    async with aiohttp.ClientSession() as s:
        q = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "987654"}
        async with s.get(url, params=q) as r:
            assert r.status == 200 and await r.text() == "987654"
        async with s.get(url, params={**q, "hub.verify_token": "guess"}) as r:
            assert r.status == 403 and "987654" not in await r.text()


async def test_reply_buttons_and_list_rows_come_back_as_payloads(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    fake_rasa.replies["menu"] = [{"text": "Mau tahu apa?", "buttons": MENU}]
    fake_rasa.replies["/ask_contribution"] = [{"text": "Anda bekerja di bidang apa?", "buttons": SECTORS}]
    await fake_graph.deliver(fake_graph.text(WA, "menu"))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 1)
    buttons = fake_graph.to(WA)[0]
    assert buttons.body["interactive"]["type"] == "button" and [t for t, _ in buttons.options()] == [
        "Iuran", "Manfaat", "Daftar"]
    await settle(wa)
    await fake_graph.deliver(fake_graph.button_reply(WA, buttons, "Iuran"))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    listed = fake_graph.to(WA)[1]
    assert listed.body["interactive"]["type"] == "list" and len(listed.options()) == 5
    await settle(wa)
    await fake_graph.deliver(fake_graph.button_reply(WA, listed, "Petani dan pekebun"))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 3)
    await settle(wa)
    assert fake_rasa.messages() == ["menu", "/ask_contribution", '/inform{"sector": "petani dan pekebun"}']
    assert fake_rasa.calls[1]["metadata"]["button_title"] == "Iuran"
    assert fake_graph.refused == []


async def test_a_button_reply_to_another_persons_message_is_refused(start_wa, fake_graph, fake_rasa):
    wa = await start_wa()
    fake_rasa.replies["menu"] = [{"text": "Mau tahu apa?", "buttons": MENU}]
    await fake_graph.deliver(fake_graph.text(WA, "menu"))
    await fake_graph.wait_for(lambda g: g.to(WA))
    other = "6281299999999"
    await fake_graph.deliver(fake_graph.button_reply(other, fake_graph.to(WA)[0], "Daftar"))
    await fake_graph.wait_for(lambda g: g.to(other))
    await settle(wa)
    assert "tidak berlaku" in fake_graph.to(other)[0].text and fake_rasa.messages() == ["menu"]


async def test_duplicates_and_concurrent_redeliveries_are_answered_once(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    payload = fake_graph.text(WA, "halo")
    statuses = await asyncio.gather(*[fake_graph.deliver(payload) for _ in range(5)])
    assert statuses == [200] * 5
    await fake_graph.wait_for(lambda g: g.to(WA))
    await settle(wa)
    assert await fake_graph.deliver(payload) == 200       # Meta retries later: still 200, still once
    await settle(wa)
    await asyncio.sleep(0.3)
    assert fake_rasa.messages() == ["halo"] and len(fake_graph.to(WA)) == 1
    assert wa.counts["duplicates"] == 5


async def test_messages_of_one_person_in_order_and_statuses_out_of_order(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    fake_graph.auto_status = True
    fake_graph.status_order = ("read", "sent", "delivered")    # Meta does not promise the order
    now = time.time()
    second = fake_graph.text(WA, "dua", timestamp=now)
    first = fake_graph.text(WA, "satu", timestamp=now - 1)
    await fake_graph.deliver(first)
    await fake_graph.deliver(second)
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    await settle(wa)
    assert fake_rasa.messages() == ["satu", "dua"]
    for sent in fake_graph.to(WA):
        deadline = time.monotonic() + 5
        while (await wa.state.outgoing(sent.wamid) or {}).get("status") != "read" and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        rec = await wa.state.outgoing(sent.wamid)
        assert rec["status"] == "read" and {h[0] for h in rec["history"]} == {"accepted", "read", "sent", "delivered"}


async def test_unsigned_and_forged_posts_are_refused_and_nothing_is_stored(start_wa, fake_graph, fake_rasa, backend,
                                                                           caplog):
    caplog.set_level(logging.WARNING)
    wa = await start_wa(**backend)
    assert await fake_graph.deliver(fake_graph.text(WA, "tanpa tanda tangan"), signature=False) == 401
    forged = fake_graph.sign(b"{}", secret="not-the-app-secret")
    assert await fake_graph.deliver(fake_graph.text(WA, "palsu"), signature=forged) == 401
    assert await fake_graph.deliver(fake_graph.text(WA, "palsu"), signature="sha256=" + "0" * 64) == 401
    # a signed body with something appended after signing
    payload = fake_graph.text(WA, "asli")
    raw = json.dumps(payload).encode()
    async with aiohttp.ClientSession() as s:
        async with s.post(fake_graph.webhook_url, data=raw + b" ",
                          headers={"X-Hub-Signature-256": fake_graph.sign(raw)}) as r:
            assert r.status == 401
    await asyncio.sleep(0.3)
    assert (await wa.inbox.backlog())["pending"] == 0 and wa.dispatcher.processed == 0
    assert fake_rasa.calls == [] and fake_graph.sent == [] and await wa.state.last_inbound(WA) is None
    assert "refused" in caplog.text


async def test_a_10000_character_message_reaches_rasa_whole_and_the_answer_is_split(start_wa, fake_graph, fake_rasa,
                                                                                    backend):
    wa = await start_wa(**backend)
    long_text = ("saya nelayan di kendari " * 420)[:10_000]
    await fake_graph.deliver(fake_graph.text(WA, long_text))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) >= 3)
    await settle(wa)
    assert fake_rasa.messages() == [long_text.strip()]
    sent = fake_graph.to(WA)
    assert all(len(s.text) <= 4096 for s in sent) and fake_graph.refused == []
    assert " ".join(s.text for s in sent).split() == f"Kamu bilang: {long_text}".split()


async def test_non_text_and_unknown_types_get_a_friendly_text_and_never_reach_rasa(start_wa, fake_graph, fake_rasa,
                                                                                   backend):
    wa = await start_wa(**backend)
    kinds = ["image", "sticker", "voice", "document", "location", "reaction", "contacts", "unsupported", "hologram"]
    for kind in kinds:
        await fake_graph.deliver(fake_graph.media(WA, kind))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == len(kinds))
    await settle(wa)
    texts = [s.text for s in fake_graph.to(WA)]
    assert fake_rasa.calls == []
    assert "gambar" in texts[0] and "stiker" in texts[1] and "pesan suara" in texts[2] and "dokumen" in texts[3]
    assert "lokasi" in texts[4] and "reaksi" in texts[5] and "kontak" in texts[6]
    assert all("pesan teks" in t for i, t in enumerate(texts) if i != 5)
    assert len(fake_graph.reads) == len(kinds)


async def test_graph_5xx_and_rate_limits_are_retried_and_sent_once(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    fake_graph.fail_next((503, None), (429, 130429), (400, 131056), (500, 131000), (502, None))
    await fake_graph.deliver(fake_graph.text(WA, "tetap dijawab"))
    await fake_graph.wait_for(lambda g: g.to(WA), timeout=60)
    await settle(wa, timeout=30)
    await asyncio.sleep(0.3)
    assert [s.text for s in fake_graph.to(WA)] == ["Kamu bilang: tetap dijawab"]
    assert fake_rasa.messages() == ["tetap dijawab"]          # the answer was kept, Rasa not asked again
    assert wa.graph.stats.rate_limited >= 2 and wa.graph.stats.retries >= 4


async def test_window_closed_is_recorded_not_retried(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    # the message arrives late (Meta retried it for more than a day): the bot may not answer free-form
    old = fake_graph.text(WA, "pesan lama", timestamp=time.time() - 25 * 3600)
    await fake_graph.deliver(old)
    await asyncio.sleep(0.2)
    await settle(wa)
    assert fake_graph.to(WA) == [] and wa.counts["window_closed"] == 1
    # the window looks open to us, but the API says it closed (131047): recorded, not sent again
    fake_rasa.replies["sekarang"] = [{"text": "satu"}, {"image": "https://example.org/x.png"}]
    await fake_graph.deliver(fake_graph.text(WA, "sekarang"))
    fake_graph.last_inbound[WA] = 0
    await settle(wa)
    await asyncio.sleep(0.3)
    refused = [code for _, code in fake_graph.refused]
    assert refused == [131047, 131047] and fake_graph.to(WA) == []
    assert wa.counts["window_closed"] == 3
    # a registered template may still be sent
    result = await wa.send_template(WA, "follow_up", {"nama": "Pak Rahmat"}, "test:1")
    assert result["status"] == "sent" and fake_graph.to(WA)[0].body["template"]["name"] == "lingkar_tindak_lanjut"


async def test_undeliverable_marks_the_contact_unreachable(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    fake_graph.unreachable[WA] = 131026        # accepted, then a "failed" status with 131026
    await fake_graph.deliver(fake_graph.text(WA, "halo"))
    await fake_graph.wait_for(lambda g: g.to(WA))
    deadline = time.monotonic() + 5
    while await wa.state.unreachable(WA) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert await wa.state.unreachable(WA) == 131026
    assert (await wa.state.outgoing(fake_graph.to(WA)[0].wamid))["status"] == "failed"
    # refused at once (131026 as the API's answer): marked too, and not retried
    other = "6281200000002"
    fake_graph.fail_next((400, 131026), (400, 131026))     # the mark-as-read call, then the answer
    await fake_graph.deliver(fake_graph.text(other, "halo"))
    await settle(wa)
    assert await wa.state.unreachable(other) == 131026 and fake_graph.to(other) == []


async def test_rasa_down_gets_an_apology_and_loses_nothing(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend, RASA_RETRY_BUDGET="1")
    fake_rasa.mode = "error500"
    await fake_graph.deliver(fake_graph.text(WA, "ada orang?"))
    await fake_graph.wait_for(lambda g: g.to(WA), timeout=20)
    await settle(wa)
    assert "gangguan" in fake_graph.to(WA)[0].text
    fake_rasa.mode = "ok"
    await fake_graph.deliver(fake_graph.text(WA, "ada orang?"))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    assert fake_graph.to(WA)[1].text == "Kamu bilang: ada orang?"


async def test_a_rejected_token_stops_the_channel_and_keeps_the_message(start_wa, fake_graph, fake_rasa, caplog):
    caplog.set_level(logging.INFO)
    wa = await start_wa()
    fake_graph.fail_next((401, 190))           # the mark-as-read call: the token expired
    await fake_graph.deliver(fake_graph.text(WA, "tolong"))
    await asyncio.wait_for(wa.stopped.wait(), 10)
    assert wa.auth_failed and "WHATSAPP_TOKEN" in caplog.text
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)
    await wa.stop()
    assert fake_graph.to(WA) == []
    # started again (a new token): the message is still in the inbox and is answered
    wa2 = await start_wa()
    await fake_graph.wait_for(lambda g: g.to(WA), timeout=15)
    assert [s.text for s in fake_graph.to(WA)] == ["Kamu bilang: tolong"]
    assert wa2.auth_failed is None


async def test_a_wrong_token_refuses_to_start(start_wa, fake_graph, caplog):
    import pytest

    from bot.whatsapp.app import AuthFailed

    with pytest.raises(AuthFailed):
        await start_wa(WHATSAPP_TOKEN="wrong")
    assert "WHATSAPP_TOKEN" in caplog.text


async def test_agent_code_from_a_wa_me_link_is_the_referral(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    await fake_graph.deliver(fake_graph.text(WA, "Halo, kode agen k7m2qx"))
    await fake_graph.wait_for(lambda g: g.to(WA))
    await settle(wa)
    call = fake_rasa.calls[0]
    assert call["message"] == "/greet" and call["metadata"]["referral"] == "K7M2QX"
    assert call["metadata"]["first_contact"] is True
    await fake_graph.deliver(fake_graph.text(WA, "/menu_rahasia"))     # people do not pick intents by typing
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    assert fake_rasa.calls[1]["message"] == "menu_rahasia" and fake_rasa.calls[1]["metadata"]["referral"] == "K7M2QX"


async def test_out_of_order_deliveries_are_each_answered_once(start_wa, fake_graph, fake_rasa, backend):
    """Meta does not promise the order of deliveries: a later message may arrive first, and an old one again."""
    wa = await start_wa(**backend)
    now = time.time()
    first = fake_graph.text(WA, "pertama", timestamp=now - 30)
    second = fake_graph.text(WA, "kedua", timestamp=now)
    assert await fake_graph.deliver(second) == 200
    assert await fake_graph.deliver(first) == 200
    assert await fake_graph.deliver(second) == 200     # and a redelivery of the later one
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    await settle(wa)
    await asyncio.sleep(0.3)
    assert sorted(fake_rasa.messages()) == ["kedua", "pertama"] and len(fake_graph.to(WA)) == 2
    assert abs(await wa.state.last_inbound(WA) - int(now)) < 1    # the older message did not move the window back


async def test_delete_my_data_forgets_the_person_in_the_channel_too(start_wa, fake_graph, fake_rasa, backend):
    wa = await start_wa(**backend)
    fake_rasa.replies["hapus data saya"] = [{"text": "Data Anda sudah dihapus."}, {"custom": {"forget_sender": True}}]
    await fake_graph.deliver(fake_graph.text(WA, "kode agen K7M2QX"))
    await fake_graph.wait_for(lambda g: g.to(WA))
    await settle(wa)
    assert (await wa.inbox.user(WA)).referral == "K7M2QX"
    first = fake_graph.to(WA)[0].wamid
    assert await wa.state.outgoing(first) is not None
    await fake_graph.deliver(fake_graph.text(WA, "hapus data saya"))
    await fake_graph.wait_for(lambda g: len(g.to(WA)) == 2)
    await settle(wa)
    assert fake_graph.to(WA)[1].text == "Data Anda sudah dihapus."
    assert await wa.inbox.user(WA) is None
    assert await wa.state.outgoing(first) is None and await wa.state.last_inbound(WA) is None


async def test_a_returning_persons_messages_are_offered_as_broadcast_replies(start_wa, fake_graph, fake_rasa,
                                                                               backend):
    wa = await start_wa(**backend)
    noted = []

    async def replies(sender: str) -> int:
        noted.append(sender)
        return len(noted)

    wa.replies = replies
    await fake_graph.deliver(fake_graph.text(WA, "halo"))                 # first contact: chat_started, no reply
    await fake_graph.wait_for(lambda g: g.to(WA))
    await settle(wa)
    assert noted == []
    for n, text in enumerate(("iuran berapa?", "oke"), start=2):
        await fake_graph.deliver(fake_graph.text(WA, text))
        await fake_graph.wait_for(lambda g, n=n: len(g.to(WA)) == n)
        await settle(wa)
    assert noted == [f"whatsapp:{WA}"] * 2       # once per message (the store counts a broadcast's reply once)
