"""The whole agent journey on the real stack: fake Telegram Bot API + the adapter with the staff and agent
plugins + real Rasa (trained model) + real action server + the notifier, all on one lead store.

An applicant applies with /agen, staff approve in the group, the agent gets their link and QR code (the PNG
is decoded); a worker opens the link, talks to the real assistant until they become a lead (the action
server writes it), the lead card reaches the staff group attributed to the agent, and the agent's
/statistik shows the chat, the check and the lead.

Every step waits until the adapter has finished the turn (all messages of the answer sent), and the worker answers
the lead form by recognising the assistant's own questions (content/answers.yml, rendered for today), so the test
follows the flow's wording as it changes. The consent question is recognised first: the consent text before it
names the NIK too.
"""
from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from bot.staff.plugin import staff_and_agents
from lingkar.store import Store
from tests.telegram import real_stack
from tests.telegram.fake_bot_api import BOT_USERNAME, TOKEN
from tests.telegram.real_stack import TelegramUser, prompt

from ..staff.fixtures import ADMIN, STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

real_rasa = real_stack.real_rasa  # the fixture: one real Rasa + action server (and their lead store) for this module

APPLICANT = 890001
WORKER = 890777
PHONE = "+6281245678901"

# The lead form as the worker answers it: (the assistant's question, what the worker does). Consent comes first.
LEAD_FORM = (
    ("consent_question", "press", "Setuju"),
    ("ask_name", "say", "La Ode Pekerja Nelayan"),
    ("ask_phone", "contact", PHONE.lstrip("+")),
    ("ask_nik", "press", "Lewati"),
    ("ask_regency", "press", "Kolaka"),
    ("ask_contact_time", "press", "Pagi"),
)


async def test_agent_link_worker_becomes_lead_statistik(fake_tg, real_rasa, redis_url, start_adapter):
    store = Store(real_rasa["db_url"])  # the store the action server writes the leads to
    store.ensure_admin(ADMIN, "Bu Admin")
    store.add_staff(STAFF, "Rina Petugas", "staff", actor=f"telegram:{ADMIN}")
    settings = StaffSettings(token=TOKEN, api_url=fake_tg.base, staff_chat_id=STAFF_CHAT, admin_telegram_id=ADMIN,
                             consumer="notifier-e2e", interval=0.1)

    adapter = await start_adapter(plugins=[staff_and_agents(store, settings)], rasa_url=real_rasa["url"],
                                  redis=redis_url, RASA_TIMEOUT="120", RASA_RETRY_BUDGET="120")
    applicant = TelegramUser(fake_tg, adapter, APPLICANT)
    worker = TelegramUser(fake_tg, adapter, WORKER)
    notifier = Notifier(store, settings)
    await notifier.start()
    try:
        # --- the applicant applies, staff approve, the kit arrives
        for text in ("/agen", "Wa Ode Hasnia", "Koperasi Nelayan Bahari", "Kolaka", "081377778888", "ya"):
            await applicant.say(text)
        agent = store.agent_by_telegram_id(APPLICANT)
        assert agent is not None and agent.status == "applied"
        await notifier.step()
        card = fake_tg.successful("sendMessage", STAFF_CHAT)[-1]
        msg = fake_tg.messages[(STAFF_CHAT, card.result["message_id"])]
        await TelegramUser(fake_tg, adapter, STAFF).send(fake_tg.callback(STAFF, msg, f"sa:ok:{agent.id}"))
        assert store.get_agent(agent.id).status == "approved"
        await notifier.step()
        link = f"https://t.me/{BOT_USERNAME}?start=ag_{agent.code}"
        png = next(u["data"] for u in fake_tg.uploads if u["method"] == "sendPhoto")
        assert [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [link]

        # --- a worker opens the link, checks eligibility and asks to be contacted
        await worker.say(f"/start {link.split('?start=')[1]}")
        await worker.say("saya nelayan di kolaka umur 35 penghasilan 2 juta, bisa ikut bpjs? berapa iurannya?")
        assert "Hubungi saya" in worker.buttons(), worker.texts()
        await worker.press("Hubungi saya")
        # ... and answers the lead form question by question
        for _turn in range(len(LEAD_FORM) + 2):
            if store.leads_for_sender(f"telegram:{WORKER}"):
                break
            asked = worker.last
            step = next((s for s in LEAD_FORM if prompt(s[0]) in asked), None)
            assert step is not None, f"the worker does not know what to answer to: {asked!r}"
            _, action, value = step
            if action == "press":
                await worker.press(value)
            elif action == "contact":
                await worker.share_contact(value)
            else:
                await worker.say(value)
        leads = store.leads_for_sender(f"telegram:{WORKER}")
        assert len(leads) == 1, f"no lead after the form; the assistant's last words: {worker.texts()}"
        lead = leads[0]
        assert (lead.referral, lead.referral_known, lead.phone, lead.channel) == (agent.code, True, PHONE, "telegram")
        assert lead.eligibility and lead.eligibility["occupation"] == "nelayan"

        # --- the staff group gets the lead, attributed to the agent
        while await notifier.step():
            pass
        cards = [c.result["text"] for c in fake_tg.successful("sendMessage", STAFF_CHAT)]
        lead_card = next(t for t in cards if t.startswith(f"🆕 Lead #{lead.id}"))
        assert agent.code in lead_card and "Wa Ode Hasnia" in lead_card

        # --- the agent sees it
        await applicant.say("/statistik")
        month = applicant.last.split("Sejak awal")[0]
        assert "Chat dimulai: 1" in month and "Minta dihubungi (lead): 1" in month
        assert "Cek kelayakan: 1" in month, "the eligibility check was not recorded with the agent's code"
    finally:
        await notifier.close()
        store.dispose()
