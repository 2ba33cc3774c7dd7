"""End to end: fake Telegram Bot API + the adapter + real Rasa (trained model) + real action server + real Redis.

``real_rasa`` (tests/telegram/real_stack.py) starts ``rasa run actions`` and ``rasa run`` once for this module, on
free ports, with the project's endpoints.yml: Rasa's tracker and lock store in Redis under a key prefix of its own,
the leads in a throw-away SQLite file. The adapter runs in-process against the fake Bot API, its inbox in Redis
under another prefix.

* the greeting and the menu (with a button press) show exactly what the assistant answers;
* issue 4's journey: a worker arrives through an approved agent's link, asks questions, checks eligibility, presses
  buttons, agrees to be contacted, shares their own contact, finishes the lead form and is a lead of that agent,
  with channel telegram and the eligibility result; a sticker in the middle of the form never reaches Rasa;
* webhook mode: a wrong secret token gets 403 and nothing reaches Rasa, a 5000-character message reaches Rasa whole
  and is answered, an update Telegram delivers twice is handled once.

Rasa down, an empty reply from Rasa and the long answer split for Telegram are covered with the fake Rasa
(test_resilience.py, test_polling.py).
"""
from __future__ import annotations

import datetime as dt
import logging

import aiohttp
import pytest

from bot.config import StaffSettings
from bot.staff.plugin import staff_and_agents
from lingkar.calculator import assess
from lingkar.clock import today
from lingkar.facts import format_rupiah
from lingkar.store import Store
from lingkar.texts import get_answers, get_flow_texts

from . import real_stack
from .conftest import free_port
from .fake_bot_api import TOKEN
from .real_stack import TelegramUser, prompt, rest, shown, telegram_view, tracker_user_events

real_rasa = real_stack.real_rasa  # the fixture: one real Rasa + action server for this module

pytestmark = pytest.mark.e2e

USER = 7501
WORKER = 7601
AGENT_USER = 7699
ADMIN = 7698
STAFF_CHAT = -1007600000
LONG_USER = 7801
DELETER = 7901
NAME, PHONE, NIK = "Wa Ode Sitti Aminah", "+6281245678901", "7401015708900001"
SECRET = "e2e-Secret_token1"


def _timeouts():
    return {"RASA_TIMEOUT": "120", "RASA_RETRY_BUDGET": "120"}


async def test_greet_and_menu_through_real_rasa(fake_tg, real_rasa, redis_url, start_adapter):
    adapter = await start_adapter(rasa_url=real_rasa["url"], redis=redis_url, **_timeouts())
    user = TelegramUser(fake_tg, adapter, USER)
    # what Rasa itself answers (for another conversation) is what the worker gets on Telegram
    await user.say("/start")
    assert user.texts() == telegram_view(rest(real_rasa["url"], "e2e-reference", "/greet")) != []
    # the conversation is in Redis under Rasa's prefix, keyed by the adapter's sender id
    assert tracker_user_events(real_rasa, f"telegram:{USER}")

    await user.say("/menu")
    on = today()
    menu = get_answers().render("menu", on)
    offer = get_flow_texts().render("subscribe_offer", on)  # once per conversation, after the menu (issue 15)
    assert user.texts() == [shown(menu.text), shown(offer.text)]
    assert user.buttons() == [b["title"] for b in menu.buttons + offer.buttons] and len(menu.buttons) >= 3
    # pressing the first menu button gets that topic's answer from the assistant
    first = menu.buttons[0]
    await user.press(first["title"])
    # ... and, as the worker came without an agent code, once: "Dari mana Anda tahu Lingkar?" (actions/source.py)
    assert user.texts() == [shown(get_answers().render(first["payload"].lstrip("/"), on).text),
                            shown(get_flow_texts().render("ask_source", on).text)]
    assert adapter.rasa.stats.failures == 0


async def test_worker_from_an_agent_link_becomes_a_lead(fake_tg, real_rasa, redis_url, start_adapter, caplog):
    caplog.set_level(logging.INFO)
    store = Store(real_rasa["db_url"])
    agent = store.apply_agent(telegram_user_id=AGENT_USER, name="La Ode Agen", organisation="Koperasi Nelayan Bahari",
                              regency="Kabupaten Kolaka", phone="081377778888", consent_version="agen-2026-11")
    agent = store.set_agent_status(agent.id, "approved", actor=f"telegram:{ADMIN}")
    settings = StaffSettings(token=TOKEN, api_url=fake_tg.base, staff_chat_id=STAFF_CHAT, admin_telegram_id=ADMIN)

    # what TELEGRAM_PLUGINS=bot.staff.plugin:setup_all installs, on this store
    adapter = await start_adapter(plugins=[staff_and_agents(store, settings)], rasa_url=real_rasa["url"],
                                  redis=redis_url, **_timeouts())
    assert adapter.store.backend == "redis"
    worker = TelegramUser(fake_tg, adapter, WORKER)
    sender = f"telegram:{WORKER}"
    on = today()
    answers = get_answers()
    try:
        # --- arrives through the agent's link: the assistant's greeting
        await worker.say(f"/start ag_{agent.code}")
        assert worker.texts() == [shown(answers.render("greet", on).text)]

        # --- a couple of questions, answered from content/answers.yml
        for question, topic in (("apa itu jkm?", "ask_jkm"), ("cara daftar bpjs gimana?", "ask_register")):
            await worker.say(question)
            assert worker.texts() == [shown(answers.render(topic, on).text)], question

        # --- eligibility in one message: the result at once, then an optional question for the regency
        await worker.say("saya nelayan umur 35 penghasilan 1 juta, bisa ikut bpjs?")
        result = "\n\n".join(worker.texts())
        expected = assess("nelayan", age=35, income=1_000_000, on=on)
        assert prompt("result_header", who="nelayan, umur 35 tahun, penghasilan Rp1.000.000 per bulan") in result
        assert f"Wajib (JKK+JKM): {format_rupiah(expected.bpu.jkk_jkm_pay)} per bulan" in result
        assert "Hubungi saya" in worker.buttons()
        assert worker.last == prompt("ask_regency_after_result")
        # a button press: the callback query is answered, the choice shown on the question, the payload sent
        await worker.press("Kolaka")
        assert any("✅ Pilihan Anda: Kolaka" in t for t in worker.edits())
        assert worker.last == prompt("regency_noted", regency="Kabupaten Kolaka")

        # --- agrees to be contacted: the consent question (UU PDP) first, nothing stored before it
        await worker.press("Hubungi saya")
        assert worker.last == prompt("consent_question")
        assert "UU 27/2022" in worker.texts()[0]
        assert store.leads_for_sender(sender) == []
        await worker.press("Setuju")
        assert worker.last == prompt("ask_name")

        # --- a sticker in the middle of the form: the adapter answers it, Rasa never sees it, the form goes on
        seen = len(tracker_user_events(real_rasa, sender))
        await worker.send(fake_tg.sticker(WORKER))
        assert "stiker" in worker.last
        assert len(tracker_user_events(real_rasa, sender)) == seen
        await worker.say(NAME)

        # --- the phone question comes with the one-tap share-contact keyboard; the worker shares their own
        assert worker.last == prompt("ask_phone")
        assert [b for m in worker.markups() for row in m.get("keyboard", []) for b in row
                if b.get("request_contact")]
        await worker.share_contact(PHONE.lstrip("+"))
        assert worker.last == prompt("ask_nik")
        # Rasa got the shared contact marked as such (checked now: the stored conversation keeps only its last turns)
        contact = tracker_user_events(real_rasa, sender)[-1]
        assert contact["metadata"].get("contact_shared") and contact["text"] == PHONE
        assert {"remove_keyboard": True} in worker.markups()
        await worker.say(NIK)
        assert worker.last == prompt("ask_contact_time")  # the regency is known from the check
        await worker.press("Pagi")

        # --- a lead of that agent, with channel telegram and the eligibility result
        [lead] = store.leads_for_sender(sender)
        assert worker.texts() == [prompt("lead_saved", name=NAME, reference=lead.reference, phone=PHONE,
                                         contact_time="pagi")]
        assert (lead.type, lead.status, lead.channel) == ("enrolment", "new", "telegram")
        assert (lead.referral, lead.referral_known) == (agent.code, True)
        assert (lead.name, lead.phone, lead.nik, lead.regency, lead.contact_time) == (
            NAME, PHONE, NIK, "Kabupaten Kolaka", "pagi")
        on_check = dt.date.fromisoformat(lead.eligibility["on"])
        assert lead.eligibility == assess("nelayan", age=35, income=1_000_000, regency="Kabupaten Kolaka",
                                          on=on_check).to_dict()
        total = store.agent_stats(agent.code)["total"]
        assert (total.chats, total.checks, total.leads) == (1, 1, 1)

        # --- Rasa got every message (of the turns the conversation keeps) with the agent's code
        events = tracker_user_events(real_rasa, sender)
        assert events and all(e["metadata"]["referral"] == agent.code and e["metadata"]["referral_known"] is True
                              and e["metadata"]["channel"] == "telegram" for e in events)
        assert (await adapter.store.backlog())["pending"] == 0
        assert adapter.rasa.stats.failures == 0

        # --- personal data never appears unmasked in the logs (adapter, action server, Rasa)
        logs = caplog.text + "".join(p.read_text(errors="replace") for p in real_rasa["logs"])
        assert [s for s in (PHONE.lstrip("+"), "81245678901", NIK, "Sitti Aminah") if s in logs] == []
    finally:
        store.dispose()


async def test_hapus_data_saya_reaches_the_staff_card_and_the_adapter(fake_tg, real_rasa, redis_url, start_adapter):
    """Issue 9: after "hapus data saya" on the real stack the lead is gone, its staff card says so, and the adapter
    (Redis inbox) keeps nothing of the worker."""
    from bot.staff.notifier import REDACTED, Notifier

    store = Store(real_rasa["db_url"])
    settings = StaffSettings(token=TOKEN, api_url=fake_tg.base, staff_chat_id=STAFF_CHAT, admin_telegram_id=ADMIN,
                             consumer="e2e-notifier")
    adapter = await start_adapter(plugins=[staff_and_agents(store, settings)], rasa_url=real_rasa["url"],
                                  redis=redis_url, **_timeouts())
    notifier = Notifier(store, settings)
    await notifier.start()
    uid = DELETER
    worker = TelegramUser(fake_tg, adapter, uid)
    try:
        await worker.say("hubungi saya")
        await worker.press("Daftar jadi peserta")  # no topic before: "Perlu bantuan apa?"
        await worker.press("Setuju")
        for answer in (NAME, "0812 4567 8901", "lewati"):
            await worker.say(answer)
        if "kabupaten" in worker.last.lower():
            await worker.say("Kendari")
        await worker.press("Pagi")
        [lead] = store.leads_for_sender(f"telegram:{uid}")
        while await notifier.step():
            pass
        [card] = store.cards_for(lead_id=lead.id)
        assert await adapter.store.user(uid) is not None

        await worker.say("hapus data saya")
        await worker.press("Ya, hapus")
        assert "sudah dihapus" in "\n".join(worker.texts())
        assert store.leads_for_sender(f"telegram:{uid}") == []
        assert await adapter.store.user(uid) is None
        keys = [k async for k in adapter.store.r.scan_iter(match=adapter.store.prefix + "*", count=500)]
        assert not [k for k in keys if str(uid) in k]
        while await notifier.step():
            pass
        assert fake_tg.messages[tuple(card)]["text"] == REDACTED[("owner", "lead")]
    finally:
        await notifier.close()
        store.dispose()


async def test_webhook_bad_secret_long_message_and_redelivery(fake_tg, real_rasa, redis_url, start_adapter):
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    adapter = await start_adapter(rasa_url=real_rasa["url"], redis=redis_url, TELEGRAM_MODE="webhook", BOT_PORT=port,
                                  TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_SECRET=SECRET, **_timeouts())
    assert fake_tg.webhook["secret_token"] == SECRET
    user = TelegramUser(fake_tg, adapter, LONG_USER)
    sender = f"telegram:{LONG_USER}"
    story = ("Selamat siang Lingkar. Saya nelayan di Kolaka, tiap hari melaut dari subuh sampai siang, hasilnya "
             "tidak tentu tergantung cuaca dan harga ikan di pelelangan. ")
    ending = "Jadi saya bisa ikut BPJS Ketenagakerjaan atau tidak?"
    long_text = (story * 40)[:5000 - len(ending)] + ending
    assert len(long_text) == 5000
    update = {"update_id": 880001, **fake_tg.text(LONG_USER, long_text)}

    # --- a wrong or missing secret token: 403, empty body, nothing stored, Rasa never hears of it
    async with aiohttp.ClientSession() as s:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with s.post(url, json=update, headers=headers) as r:
                assert r.status == 403 and await r.read() == b""
    assert (await adapter.store.backlog())["pending"] == 0
    assert tracker_user_events(real_rasa, sender) is None

    # --- the same update from Telegram: the 5000-character message reaches Rasa whole and gets its real answer
    reference = telegram_view(rest(real_rasa["url"], "e2e-long-reference", long_text, {"channel": "telegram"}))
    await user.send(update)
    assert user.texts() == reference != []
    assert [e["text"] for e in tracker_user_events(real_rasa, sender)] == [long_text]
    assert (880001, 200) in fake_tg.webhook_deliveries

    # --- Telegram delivers it again (it missed our 200): stored once, answered once, Rasa sees it once
    duplicates = adapter.intake.duplicates
    await fake_tg.push(update)
    await fake_tg.wait_for(lambda f: adapter.intake.duplicates > duplicates, timeout=30)
    answered = len(fake_tg.texts(LONG_USER))
    await user.say("terima kasih")  # the chat's next update: a duplicate processed by mistake would come first
    assert len(fake_tg.texts(LONG_USER)) == answered + len(user.texts())
    assert [e["text"] for e in tracker_user_events(real_rasa, sender)] == [long_text, "terima kasih"]
    assert adapter.rasa.stats.failures == 0
