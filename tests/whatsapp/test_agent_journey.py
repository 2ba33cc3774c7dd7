"""End to end on WhatsApp, the issue's journey: a worker arrives through an agent's wa.me link (its prefilled "Halo
Lingkar, kode agen <CODE>"), asks about contributions in chat Indonesian, runs the eligibility check, presses
"Hubungi saya", consents, uses their WhatsApp number, and becomes a lead attributed to the agent; the staff group gets
the card (the notifier, fake Bot API) and the agent's statistics count the chat and the lead.

The fake Graph API + the WhatsApp channel in-process (with the funnel's ``chat_started`` recorder as ``make run``
wires it) + real Rasa (trained model) + real action server + real Redis (tests/telegram/real_stack.py)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from bot.agents.links import whatsapp_link
from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from bot.whatsapp.app import WhatsAppAdapter
from bot.whatsapp.channel import chat_started_recorder
from bot.whatsapp.config import WEBHOOK_PATH, WhatsAppSettings
from lingkar.store import Store
from tests.staff.fixtures import STAFF_CHAT, RecordingBotAPI
from tests.telegram import real_stack
from tests.telegram.fake_bot_api import TOKEN

from .conftest import settle, wa_env

real_rasa = real_stack.real_rasa

pytestmark = pytest.mark.e2e

WA = "6281377712345"
BUSINESS_NUMBER = "6281100002222"


@pytest.fixture
async def adapter(tmp_path, fake_graph, real_rasa):
    env = wa_env(tmp_path, fake_graph, real_rasa["url"], RASA_TIMEOUT="120", RASA_RETRY_BUDGET="120")
    wa = WhatsAppAdapter(WhatsAppSettings.from_env(env), first_contact=chat_started_recorder(real_rasa["db_url"]))
    await wa.start()
    fake_graph.webhook_url = f"http://127.0.0.1:{wa.port}{WEBHOOK_PATH}"
    yield wa
    await wa.stop()


async def turn(fake_graph, wa, payload):
    mark = len(fake_graph.to(WA))
    assert await fake_graph.deliver(payload) == 200
    await fake_graph.wait_for(lambda g: len(g.to(WA)) > mark, timeout=120)
    await settle(wa, timeout=120)
    return fake_graph.to(WA)[mark:]


async def press(fake_graph, wa, title):
    sent = next(s for s in reversed(fake_graph.to(WA)) if title in [t for t, _ in s.options()])
    return await turn(fake_graph, wa, fake_graph.button_reply(WA, sent, title))


def text_of(messages) -> str:
    return "\n".join(s.text or "" for s in messages)


def option_titles(messages):
    return [t for s in messages for t, _ in s.options()]


async def test_agent_link_to_lead_card_and_statistics(fake_graph, real_rasa, adapter):
    store = Store(real_rasa["db_url"])
    agent = store.apply_agent(telegram_user_id=700777, name="Wa Ode Agen", organisation="Koperasi Nelayan",
                              regency="Kolaka", phone="081300002222", consent_version="agen-2026-11")
    agent = store.set_agent_status(agent.id, "approved", actor="telegram:1")
    try:
        # the agent's link opens WhatsApp with this first message prefilled
        first = parse_qs(urlparse(whatsapp_link(BUSINESS_NUMBER, agent.code)).query)["text"][0]
        assert agent.code in first
        greeting = await turn(fake_graph, adapter, fake_graph.text(WA, first))
        assert greeting and "kode agen" not in text_of(greeting).lower()   # the code is not read as a question

        result = await turn(fake_graph, adapter, fake_graph.text(
            WA, "sa nelayan di kolaka umur 35, penghasilan 2 juta sebulan. berapa iurannya?"))
        assert "Hasil cek" in text_of(result) and "Hubungi saya" in option_titles(result), text_of(result)
        assert "Dari mana Anda tahu" not in text_of(result)                 # came with a code: not asked

        asked = await press(fake_graph, adapter, "Hubungi saya")
        answers = {"consent": "Setuju", "phone": "Ya, pakai nomor ini", "nik": "Lewati", "time": "Pagi"}
        for _ in range(8):
            if store.leads_for_sender(f"whatsapp:{WA}"):
                break
            shown, options = text_of(asked), option_titles(asked)
            button = next((b for b in answers.values() if b in options), None)
            if button:                                   # the question's own button (consent, number, NIK, time)
                asked = await press(fake_graph, adapter, button)
            elif "nama lengkap" in shown:
                asked = await turn(fake_graph, adapter, fake_graph.text(WA, "La Ode Pekerja Nelayan"))
            elif "kabupaten" in shown.lower():
                asked = await turn(fake_graph, adapter, fake_graph.text(WA, "Kolaka"))
            else:
                raise AssertionError(f"the worker does not know what to answer to: {shown!r} {options}")
        [lead] = store.leads_for_sender(f"whatsapp:{WA}")
        assert (lead.channel, lead.phone, lead.referral, lead.referral_known) == (
            "whatsapp", f"+{WA}", agent.code, True)
        assert lead.eligibility and lead.eligibility["occupation"] == "nelayan"
        assert "sudah kami catat" in text_of(asked)
        assert fake_graph.refused == []                                     # every body passed the API's checks

        # the staff group gets the card, attributed to the agent, as for a Telegram lead
        api = await RecordingBotAPI().start()
        notifier = Notifier(store, StaffSettings(token=TOKEN, api_url=api.base, staff_chat_id=STAFF_CHAT,
                                                 consumer="notifier-wa-journey", interval=0.05, lease=60))
        await notifier.start()
        try:
            while store.outbox_pending():
                await notifier.step()
        finally:
            await notifier.close()
            await api.stop()
        cards = [c.result["text"] for c in api.successful("sendMessage", STAFF_CHAT)
                 if re.match(rf"🆕 Lead #{lead.id}\b", c.result["text"])]
        assert len(cards) == 1 and "lewat WhatsApp" in cards[0] and agent.code in cards[0]

        # the agent's statistics count the WhatsApp chat and the lead
        stats = store.agent_stats(agent.code)["total"]
        assert (stats.chats, stats.leads) == (1, 1)
    finally:
        store.dispose()
