"""Agen Perisai through the fake Telegram Bot API: apply (/agen), staff approve in the group, the agent
receives their link and QR code (the PNG is decoded), a worker starts through the link, /statistik shows
it; and the refusals: no consent, cancel, forged buttons, commands for agents only."""
from __future__ import annotations

import io
import logging
import re

import pytest
import zxingcpp
from PIL import Image

from bot.agents import texts as atexts
from bot.config import StaffSettings
from bot.staff.plugin import staff_and_agents
from tests.telegram.fake_bot_api import BOT_USERNAME

from ..staff.fixtures import ADMIN, STAFF, STAFF_CHAT, staff_settings_for

APPLICANT = 880001
WORKER = 880777


def settings_for(fake_tg) -> StaffSettings:
    return staff_settings_for(fake_tg, consumer="notifier-agents", interval=0.05)


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    """The settings of the ``bot`` and ``notifier`` fixtures (tests/staff/fixtures.py)."""
    return settings_for(fake_tg)


async def say(fake_tg, uid: int, text: str, answers: int = 1) -> str:
    """Send a text and wait for ``answers`` messages back; returns the last."""
    n = len(fake_tg.texts(uid))
    await fake_tg.push(fake_tg.text(uid, text))
    return (await fake_tg.wait_texts(uid, n + answers))[-1]


async def fill_application(fake_tg, uid: int) -> str:
    for text in ("Budi Santoso", "-", "baubau"):
        await say(fake_tg, uid, text)
    return await say(fake_tg, uid, "0812 9999 1234", answers=2)   # "noted" + the consent question


async def press(fake_tg, uid: int, chat_id: int, message_id: int, data: str):
    upd = await fake_tg.push(fake_tg.callback(uid, fake_tg.messages[(chat_id, message_id)], data))
    qid = upd["callback_query"]["id"]
    return (await fake_tg.wait_for(lambda f: [c for c in f.successful("answerCallbackQuery")
                                              if c.params["callback_query_id"] == qid]))[0]


async def test_apply_approve_kit_worker_link_and_statistik(store, bot, notifier, fake_tg, fake_rasa, caplog):
    caplog.set_level(logging.INFO)
    # --- apply
    intro = await say(fake_tg, APPLICANT, "/agen")
    assert intro.startswith("🛡️ Daftar jadi Agen Perisai") and "nama lengkap" in intro
    assert "organisasi" in await say(fake_tg, APPLICANT, "Wa Ode Hasnia")
    assert "kabupaten/kota" in await say(fake_tg, APPLICANT, "Kelompok Tani Sejahtera")
    wrong = await say(fake_tg, APPLICANT, "jakarta")
    assert "belum mengenali" in wrong
    ask_phone = await say(fake_tg, APPLICANT, "konawe selatan")
    assert "Nomor HP" in ask_phone
    kb = fake_tg.successful("sendMessage", APPLICANT)[-1].params["reply_markup"]
    assert kb["keyboard"][0][0]["request_contact"] is True
    assert "nomor" in (await say(fake_tg, APPLICANT, "12345")).lower()          # not a phone number
    # someone else's contact is refused, their own is taken
    n = len(fake_tg.texts(APPLICANT))
    await fake_tg.push(fake_tg.contact(APPLICANT, "6281399990000", owner=12345))
    assert "nomor HP Anda sendiri" in (await fake_tg.wait_texts(APPLICANT, n + 1))[-1]
    await fake_tg.push(fake_tg.contact(APPLICANT, "6281377778888", owner=APPLICANT))
    consent = (await fake_tg.wait_texts(APPLICANT, n + 3))[-1]
    assert "UU No. 27 Tahun 2022" in consent and "Kabupaten Konawe Selatan" in consent and "+6281377778888" in consent
    assert store.agent_by_telegram_id(APPLICANT) is None                          # nothing stored before consent
    msg = fake_tg.last_keyboard_message(APPLICANT)
    await press(fake_tg, APPLICANT, APPLICANT, msg["message_id"], "ag:y")
    await fake_tg.wait_for(lambda f: any("Lamaran Anda sudah kami terima" in t for t in f.texts(APPLICANT)))
    agent = store.agent_by_telegram_id(APPLICANT)
    assert (agent.status, agent.name, agent.organisation, agent.regency, agent.phone) == (
        "applied", "Wa Ode Hasnia", "Kelompok Tani Sejahtera", "Kabupaten Konawe Selatan", "+6281377778888")
    assert agent.consent_version == atexts.CONSENT_VERSION
    assert store.role_of(APPLICANT) is None

    # --- the staff group gets the application; a staff member approves it
    await notifier.step()
    card = fake_tg.successful("sendMessage", STAFF_CHAT)[-1]
    assert card.result["text"].startswith(f"🛡️ Agen #{agent.id}") and "Wa Ode Hasnia" in card.result["text"]
    answer = await press(fake_tg, STAFF, STAFF_CHAT, card.result["message_id"], f"sa:ok:{agent.id}")
    assert "disetujui" in answer.params["text"]
    assert store.get_agent(agent.id).status == "approved" and store.role_of(APPLICANT) == "agent"
    await fake_tg.wait_for(lambda f: "Disetujui" not in f.messages[(STAFF_CHAT, card.result["message_id"])]["text"]
                           and "reply_markup" not in f.messages[(STAFF_CHAT, card.result["message_id"])])
    # pressing again (or on another copy) does not decide twice
    answer = await press(fake_tg, ADMIN, STAFF_CHAT, card.result["message_id"], f"sa:no:{agent.id}")
    assert "sudah diputuskan" in answer.params["text"] and store.get_agent(agent.id).status == "approved"

    # --- the agent receives their link and QR code
    await notifier.step()
    photos = [u for u in fake_tg.uploads if u["method"] == "sendPhoto" and u["chat_id"] == str(APPLICANT)]
    assert len(photos) == 1
    link = f"https://t.me/{BOT_USERNAME}?start=ag_{agent.code}"
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(photos[0]["data"])))]
    assert decoded == [link]
    caption = fake_tg.successful("sendPhoto", APPLICANT)[-1].result["caption"]
    assert link in caption and agent.code in caption and "/statistik" in caption
    await notifier.step()
    assert len([u for u in fake_tg.uploads if u["method"] == "sendPhoto"]) == 1   # once

    # --- a worker starts through the link: attributed to the agent
    await fake_tg.push(fake_tg.text(WORKER, f"/start ag_{agent.code}"))
    await fake_tg.wait_texts(WORKER, 1)
    assert fake_rasa.calls[-1]["metadata"]["referral"] == agent.code
    assert fake_rasa.calls[-1]["metadata"]["referral_known"] is True
    store.record_event("eligibility_checked", channel="telegram", sender_id=f"telegram:{WORKER}",
                       agent_code=agent.code)  # what the eligibility action records for this worker
    lead = store.upsert_lead(sender_id=f"telegram:{WORKER}", channel="telegram", name="La Ode Pekerja",
                             phone="081245678901", consent_version="pdp-2026-11", referral=agent.code).lead
    assert lead.referral_known is True
    store.set_lead_status(lead.id, "registered", f"telegram:{STAFF}")

    stats = await say(fake_tg, APPLICANT, "/statistik")
    assert f"kode {agent.code}" in stats
    month, total = stats.split("Sejak awal")
    for block in (month, total):
        assert "Chat dimulai: 1" in block and "Cek kelayakan: 1" in block
        assert "Minta dihubungi (lead): 1" in block and "Sudah terdaftar: 1" in block
    assert "November 2026" in month

    # /tautan sends the kit again, on demand
    n_photos = len(fake_tg.uploads)
    await fake_tg.push(fake_tg.text(APPLICANT, "/tautan"))
    await fake_tg.wait_for(lambda f: len(f.uploads) > n_photos)
    assert [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(fake_tg.uploads[-1]["data"])))] == [link]

    # nothing personal in the logs
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Wa Ode Hasnia" not in logged and "81377778888" not in logged


async def test_no_consent_cancel_and_forged_buttons_store_nothing(store, bot, fake_tg):
    await say(fake_tg, APPLICANT, "/agen")
    await say(fake_tg, APPLICANT, "Budi")
    assert "dibatalkan" in await say(fake_tg, APPLICANT, "batal")
    assert "tidak saya kenal" not in await say(fake_tg, APPLICANT, "halo")        # back to the assistant
    # the consent button from an old message, pressed without an application in progress
    await say(fake_tg, APPLICANT, "/agen")
    assert "UU No. 27" in await fill_application(fake_tg, APPLICANT)
    assert await say(fake_tg, APPLICANT, "tidak") == atexts.REFUSED
    msg = fake_tg.last_keyboard_message(APPLICANT)
    answer = await press(fake_tg, APPLICANT, APPLICANT, msg["message_id"], "ag:y")
    assert answer.params["text"] == "Tombol ini sudah tidak berlaku."
    # someone else pressing "agree" for another person's application
    await say(fake_tg, APPLICANT, "/agen")
    await fill_application(fake_tg, APPLICANT)
    msg = fake_tg.last_keyboard_message(APPLICANT)
    answer = await press(fake_tg, 123456, APPLICANT, msg["message_id"], "ag:y")
    assert answer.params["text"] == "Tombol ini sudah tidak berlaku."
    assert store.list_agents() == [] and store.audit_entries(target_type="agent") == []


async def test_stop_during_the_application_cancels_it_and_ends_every_subscription(store, bot, fake_tg):
    store.subscribe(f"telegram:{APPLICANT}", "telegram", "info", consent_version="v1")
    await say(fake_tg, APPLICANT, "/agen")
    await say(fake_tg, APPLICANT, "Budi")
    await say(fake_tg, APPLICANT, "Berhenti ya min", answers=2)
    cancelled, stopped = fake_tg.texts(APPLICANT)[-2:]
    assert "dibatalkan" in cancelled and "Langganan kabar Lingkar Anda juga sudah dihentikan" in stopped
    assert not store.is_subscribed(f"telegram:{APPLICANT}") and store.list_agents() == []
    assert store.subscription_history(f"telegram:{APPLICANT}")[-1].reason == "berhenti"
    assert store.outbox_pending() == 0


async def test_agent_commands_are_for_approved_agents_only(store, bot, fake_tg, make_agent):
    assert await say(fake_tg, 4001, "/statistik") == atexts.NOT_AGENT.replace("*", "")
    assert await say(fake_tg, 4001, "/tautan") == atexts.NOT_AGENT.replace("*", "")
    make_agent(uid=4002, approve=False)
    assert await say(fake_tg, 4002, "/statistik") == atexts.NOT_AGENT.replace("*", "")
    assert "sedang ditinjau" in await say(fake_tg, 4002, "/agen")
    agent = make_agent(uid=4003)
    assert f"kode {agent.code}" in await say(fake_tg, 4003, "/agen")
    store.set_agent_status(agent.id, "inactive", f"telegram:{ADMIN}")
    assert await say(fake_tg, 4003, "/statistik") == atexts.NOT_AGENT.replace("*", "")
    assert fake_tg.uploads == []


async def test_application_survives_an_adapter_restart(store, staff, start_adapter, fake_tg):
    plugins = staff_and_agents(store, settings_for(fake_tg))
    first = await start_adapter(plugins=[plugins])
    await say(fake_tg, APPLICANT, "/agen")
    await say(fake_tg, APPLICANT, "Siti Rahma")
    await first.stop()
    await start_adapter(plugins=[plugins])
    assert "kabupaten/kota" in await say(fake_tg, APPLICANT, "Majelis Taklim Al-Ikhlas")
    assert "Nomor HP" in await say(fake_tg, APPLICANT, "Kota Kendari")
    await say(fake_tg, APPLICANT, "081234500000", answers=2)
    assert "sudah kami terima" in await say(fake_tg, APPLICANT, "setuju")
    agent = store.agent_by_telegram_id(APPLICANT)
    assert agent.name == "Siti Rahma" and agent.organisation == "Majelis Taklim Al-Ikhlas"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", agent.code)
