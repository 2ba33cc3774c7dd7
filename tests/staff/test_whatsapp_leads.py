"""A lead from WhatsApp is followed up like one from Telegram: the notifier posts its card to the staff group
(saying "lewat WhatsApp"), the daily reminder names it, /leads filters by channel, the funnel counts it (also
for the agent of its link), and the dashboard list, detail and CSV show the channel. On SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import re

from bot.config import StaffSettings
from bot.staff import cards
from bot.staff.notifier import Notifier
from bot.staff.plugin import StaffPlugin
from tests.dashboard.helpers import client, running_dashboard, sign_in
from tests.telegram.fake_bot_api import TOKEN

from .fixtures import STAFF, STAFF_CHAT, drain_outbox, lead_kwargs

WA_ID = "6281355550123"


def wa_lead(**over):
    return lead_kwargs(sender_id=f"whatsapp:{WA_ID}", channel="whatsapp", phone=f"+{WA_ID}", name="Wa Ode Hasna",
                       **over)


def notifier_settings(api_url: str) -> StaffSettings:
    return StaffSettings(token=TOKEN, api_url=api_url, staff_chat_id=STAFF_CHAT, consumer="notifier-wa",
                         interval=0.05, lease=60)


async def test_a_whatsapp_lead_reaches_the_staff_group_like_a_telegram_lead(store, staff, fake_tg, make_agent):
    agent = make_agent()
    drain_outbox(store)
    tg = store.upsert_lead(**lead_kwargs(name="Lewat Telegram")).lead
    wa = store.upsert_lead(**wa_lead(referral=agent.code)).lead
    assert (wa.channel, wa.sender_id) == ("whatsapp", f"whatsapp:{WA_ID}")
    n = Notifier(store, notifier_settings(fake_tg.base))
    await n.start()
    try:
        while store.outbox_pending():
            await n.step()
    finally:
        await n.close()
    posted = {int(m.group(1)): c.result for c in fake_tg.successful("sendMessage", STAFF_CHAT)
              if (m := re.match(r"🆕 Lead #(\d+)", c.result["text"]))}
    assert sorted(posted) == sorted([tg.id, wa.id])
    wa_card, tg_card = posted[wa.id], posted[tg.id]
    assert "lewat WhatsApp" in wa_card["text"] and "lewat Telegram" in tg_card["text"]
    assert "Wa Ode Hasna" in wa_card["text"] and f"Agen: {agent.code}" in wa_card["text"]
    # the same buttons to follow it up
    buttons = lambda r: [b["text"] for row in r["reply_markup"]["inline_keyboard"] for b in row]  # noqa: E731
    assert buttons(wa_card) == buttons(tg_card)


async def test_the_reminder_names_untouched_whatsapp_leads(store, staff, fake_tg, clock):
    wa = store.upsert_lead(**wa_lead()).lead
    clock.advance(hours=49)
    drain_outbox(store)
    n = Notifier(store, notifier_settings(fake_tg.base))
    await n.start()
    try:
        assert await n.remind_if_due() is True
    finally:
        await n.close()
    (msg,) = fake_tg.texts(STAFF_CHAT)
    assert msg.startswith("⏰ 1 lead belum disentuh") and f"#{wa.id}" in msg and "WhatsApp" in msg


def test_funnel_and_agent_statistics_count_whatsapp_leads(store, make_agent):
    agent = make_agent()
    store.record_event("chat_started", channel="whatsapp", sender_id=f"whatsapp:{WA_ID}", agent_code=agent.code)
    store.record_event("chat_started", channel="telegram", sender_id="telegram:5", agent_code=agent.code)
    wa = store.upsert_lead(**wa_lead(referral=agent.code)).lead
    store.upsert_lead(**lead_kwargs(sender_id="telegram:5", referral=agent.code))
    store.set_lead_status(wa.id, "registered", f"telegram:{STAFF}")
    by_channel = {r.group: r for r in store.funnel("channel")}
    assert (by_channel["whatsapp"].chats, by_channel["whatsapp"].leads, by_channel["whatsapp"].registered) == (1, 1, 1)
    assert (by_channel["telegram"].chats, by_channel["telegram"].leads, by_channel["telegram"].registered) == (1, 1, 0)
    total = store.agent_stats(agent.code)["total"]
    assert (total.chats, total.leads, total.registered) == (2, 2, 1)


def test_leads_filter_by_channel(store):
    wa = store.upsert_lead(**wa_lead()).lead
    tg = store.upsert_lead(**lead_kwargs()).lead
    assert [x.id for x in store.list_leads(channel="whatsapp")] == [wa.id]
    assert [x.id for x in store.list_leads(channel="telegram")] == [tg.id]
    assert store.count_leads(channel="whatsapp") == 1
    plugin = StaffPlugin(store, StaffSettings())
    filters, said = plugin.parse_lead_filters(["wa", "kolaka"])
    assert filters["channel"] == "whatsapp" and "WhatsApp" in said
    assert plugin.parse_lead_filters(["tg"])[0]["channel"] == "telegram"
    line = cards.lead_line(wa, store.now())
    assert "WhatsApp" in line


async def test_dashboard_list_detail_and_csv_show_the_channel(store, staff):
    wa = store.upsert_lead(**wa_lead()).lead
    tg = store.upsert_lead(**lead_kwargs(name="Lewat Telegram")).lead
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/leads", params={"channel": "whatsapp"}) as r:
            page = await r.text()
        assert "Wa Ode Hasna" in page and "Lewat Telegram" not in page
        assert re.search(r'data-label="Kanal">WhatsApp<', page)
        async with http.get(f"{s.base_url}/leads/{wa.id}") as r:
            assert "lewat WhatsApp" in await r.text()
        async with http.get(f"{s.base_url}/leads.csv", params={"status": "all"}) as r:
            rows = list(csv.DictReader(io.StringIO((await r.read()).decode("utf-8-sig"))))
    channels = {int(row["id"]): row["channel"] for row in rows}
    assert channels == {wa.id: "whatsapp", tg.id: "telegram"}


def test_sources_are_counted_once_per_person_and_answer(store):
    import pytest

    for sender, source in (("whatsapp:1", "friend_family"), ("whatsapp:1", "friend_family"),
                           ("telegram:2", "friend_family"), ("telegram:3", "social_media")):
        store.record_event("source_answered", channel=sender.split(":")[0], sender_id=sender, source=source)
    assert store.sources() == {"agent": 0, "friend_family": 2, "bpjs_office": 0, "social_media": 1, "other": 0}
    assert store.sources(channel="whatsapp")["friend_family"] == 1
    today = store.now().date()
    assert sum(store.sources(since=today.replace(year=today.year + 1)).values()) == 0
    with pytest.raises(ValueError):
        store.record_event("source_answered", sender_id="whatsapp:1", source="tv")


async def test_dashboard_funnel_shows_sources_and_channels(store, staff):
    store.record_event("source_answered", channel="whatsapp", sender_id="whatsapp:1", source="bpjs_office")
    store.record_event("chat_started", channel="whatsapp", sender_id="whatsapp:1")
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/corong") as r:
            page = await r.text()
        assert re.search(r'data-source="bpjs_office">1<', page) and "Kantor BPJS" in page
        async with http.get(f"{s.base_url}/corong", params={"by": "channel"}) as r:
            page = await r.text()
        assert re.search(r'data-group="whatsapp">\s*<td[^>]*>WhatsApp</td>', page)
