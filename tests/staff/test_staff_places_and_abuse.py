"""Issue 9, items 3 and 6 (staff side): staff data stays in staff places, claims and notes, and abuse does not
drown real work — through the fake Telegram Bot API and the real store.

* Staff commands and buttons outside the staff group or a staff member's private chat get the neutral answer.
* A staff member cannot decide their own agent application; a lead claimed by someone else keeps its status
  (an admin may override); a note never rewrites the status, even when a status change races it.
* One open "bicara dengan petugas" request per sender; a per-sender cap on staff notifications; new leads
  before handoffs; a cool-down before an agent may apply again; cards measured in UTF-16 units.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.agents import texts as atexts
from bot.config import StaffSettings
from bot.staff import cards, texts
from bot.telegram import texts as adapter_texts
from lingkar.store import LeadClaimedError, Store, StoreError
from tests.telegram.fake_bot_api import u16

from .fixtures import ADMIN, STAFF, STAFF_CHAT, staff_settings_for

OTHER_GROUP = -1009876543
STAFF2 = 900003
SENDER = "telegram:4242"


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    return staff_settings_for(fake_tg, consumer="notifier-abuse", interval=0.05)


def group_cards(fake_tg, chat_id: int = STAFF_CHAT):
    return list(fake_tg.successful("sendMessage", chat_id))


async def press(fake_tg, uid, message, data):
    upd = await fake_tg.push(fake_tg.callback(uid, message, data))
    qid = upd["callback_query"]["id"]
    return (await fake_tg.wait_for(lambda f: [c for c in f.successful("answerCallbackQuery")
                                              if c.params["callback_query_id"] == qid]))[0]


async def drain(notifier) -> None:
    while await notifier.step():
        pass


# ------------------------------------------------------------------------------------------ places
async def test_staff_commands_and_buttons_outside_staff_places_get_the_neutral_answer(store, make_lead, notifier,
                                                                                       bot, fake_tg):
    lead = make_lead(name="Wa Ode Rahasia")
    store.add_lead_note(lead.id, f"telegram:{STAFF}", "catatan rahasia")
    await drain(notifier)
    posted_in_staff_group = len(group_cards(fake_tg))

    # an active staff member, in a group that is not the staff group
    for cmd in ("/leads", f"/lead {lead.id}", "/sponsor", f"/catat {lead.id} coba"):
        await fake_tg.push(fake_tg.text(STAFF, cmd, chat_id=OTHER_GROUP))
    forged = fake_tg.message(STAFF, OTHER_GROUP, text=f"Lead #{lead.id}")
    answer = await press(fake_tg, STAFF, forged, f"sl:h:{lead.id}")           # "Riwayat"
    assert answer.params.get("text") == texts.NOT_ALLOWED_BUTTON
    # a later update of the same chat: once it is answered, everything before it was handled
    await fake_tg.push(fake_tg.text(STAFF, "/start", chat_id=OTHER_GROUP))
    said = await fake_tg.wait_texts(OTHER_GROUP, 1)
    assert said == [adapter_texts.GROUP]                  # what any unknown command there gets: nothing more
    assert not [c for c in fake_tg.calls if c.params.get("chat_id") == OTHER_GROUP
                and c.method in ("editMessageText", "sendPhoto", "sendDocument")]
    assert len(group_cards(fake_tg)) == posted_in_staff_group
    assert all("Rahasia" not in (c.params.get("text") or "") for c in fake_tg.calls
               if c.params.get("chat_id") != STAFF_CHAT)
    assert store.get_lead(lead.id).status == "new" and len(store.get_lead(lead.id).history) == 2  # made + note

    # in the staff group and in private it works
    await fake_tg.push(fake_tg.text(STAFF, f"/lead {lead.id}", chat_id=STAFF_CHAT))
    await fake_tg.wait_for(lambda f: any("Riwayat" in t for t in f.texts(STAFF_CHAT)))

    # a deactivated staff member is nobody, in private too
    store.set_staff_active(STAFF, False, actor=f"telegram:{ADMIN}")
    await fake_tg.push(fake_tg.text(STAFF, f"/lead {lead.id}"))
    assert (await fake_tg.wait_texts(STAFF, 1)) == [adapter_texts.UNKNOWN_COMMAND]
    own = fake_tg.messages[(STAFF, fake_tg.successful("sendMessage", STAFF)[-1].result["message_id"])]
    answer = await press(fake_tg, STAFF, own, f"sl:h:{lead.id}")
    assert answer.params.get("text") == texts.NOT_ALLOWED_BUTTON
    assert fake_tg.texts(STAFF) == [adapter_texts.UNKNOWN_COMMAND]


# ------------------------------------------------------------------------------------------ decisions
async def test_staff_cannot_decide_their_own_agent_application(store, make_agent, notifier, bot, fake_tg):
    mine = make_agent(uid=STAFF, approve=False)
    await drain(notifier)
    card = next(c for c in group_cards(fake_tg) if c.result["text"].startswith("🛡️"))
    message = fake_tg.messages[(STAFF_CHAT, card.result["message_id"])]
    answer = await press(fake_tg, STAFF, message, f"sa:ok:{mine.id}")
    assert store.get_agent(mine.id).status == "applied"
    assert answer.params.get("show_alert") is True and answer.params["text"] == texts.OWN_APPLICATION
    with pytest.raises(StoreError):
        store.set_agent_status(mine.id, "approved", f"telegram:{STAFF}")
    # another staff member (here the admin) decides it
    answer = await press(fake_tg, ADMIN, message, f"sa:ok:{mine.id}")
    assert store.get_agent(mine.id).status == "approved"


async def test_status_change_respects_the_claim_and_an_admin_may_override(store, make_lead, notifier, bot,
                                                                           fake_tg):
    store.add_staff(STAFF2, "Andi Petugas", "staff", actor=f"telegram:{ADMIN}")
    lead = make_lead()
    store.claim_lead(lead.id, f"telegram:{STAFF}")
    await drain(notifier)
    (card,) = group_cards(fake_tg)
    message = fake_tg.messages[(STAFF_CHAT, card.result["message_id"])]

    answer = await press(fake_tg, STAFF2, message, f"sl:s:rg:{lead.id}")
    assert store.get_lead(lead.id).status == "new"
    assert answer.params.get("show_alert") is True and "Rina Petugas" in answer.params["text"]
    with pytest.raises(LeadClaimedError):
        store.set_lead_status(lead.id, "registered", f"telegram:{STAFF2}")

    await press(fake_tg, ADMIN, message, f"sl:s:ct:{lead.id}")               # the admin overrides
    got = store.get_lead(lead.id)
    assert got.status == "contacted" and got.claimed_by == f"telegram:{STAFF}"
    await press(fake_tg, STAFF, message, f"sl:s:rg:{lead.id}")               # the claimer, of course
    assert store.get_lead(lead.id).status == "registered"


def test_a_note_never_rewrites_the_status(db_url, clock, store, staff, make_lead):
    """A status change that lands while a note is being written is kept (the note used to write the status
    it had read back). The "concurrent" change runs from the store's clock, the one hook a store offers."""
    lead = make_lead()
    other = Store(db_url, clock=clock)
    armed = {"on": False}

    def racing_clock():
        if armed["on"]:
            armed["on"] = False
            other.set_lead_status(lead.id, "registered", f"telegram:{STAFF}")
        return clock()

    noter = Store(db_url, clock=racing_clock)
    try:
        armed["on"] = True
        noter.add_lead_note(lead.id, f"telegram:{ADMIN}", "sudah saya telepon")
    finally:
        noter.dispose()
        other.dispose()
    got = store.get_lead(lead.id)
    assert got.status == "registered"
    assert [(h.from_status, h.to_status, h.note) for h in got.history][-1] == ("registered", "registered",
                                                                               "sudah saya telepon")
    actions = [a.action for a in store.audit_entries(target_type="lead", target_id=lead.id)]
    assert actions.count("lead.status") == 1 and "lead.note" in actions


# ------------------------------------------------------------------------------------------ abuse
async def test_fifty_handoff_requests_one_open_request_and_capped_notifications(store, staff, notifier, fake_tg,
                                                                                clock):
    for i in range(50):
        store.record_handoff(SENDER, "telegram", topic=f"tolong {i}")
        clock.advance(seconds=20)
    mine = [h for h in store.list_handoffs("open", limit=1000) if h.sender_id == SENDER]
    assert len(mine) == 1 and mine[0].topic == "tolong 49"     # repeats update the one open request
    assert mine[0].updated_at > mine[0].created_at
    await drain(notifier)
    assert len([c for c in group_cards(fake_tg) if c.result["text"].startswith("🙋")]) == 1
    assert store.outbox_pending() == 0

    # a sender whose every request is handled at once and who asks again: at most the cap a day is posted
    cap = notifier.settings.notify_cap
    assert cap == 5
    store.set_handoff_status(mine[0].id, "done", f"telegram:{STAFF}")
    for i in range(20):
        h = store.record_handoff(SENDER, "telegram", topic=f"lagi {i}")
        await drain(notifier)
        store.set_handoff_status(h.id, "done", f"telegram:{STAFF}")
    posted = [c for c in group_cards(fake_tg) if c.result["text"].startswith("🙋")]
    assert len(posted) == cap
    assert store.outbox_pending() == 0                         # the rest is recorded, not left waiting
    assert sum(store.counters("staff_notify_capped").get("staff_notify_capped", {}).values()) == 21 - cap
    # another sender is not affected, and the next day the sender is heard again
    store.record_handoff("telegram:5151", "telegram")
    await drain(notifier)
    clock.advance(hours=25)
    store.record_handoff(SENDER, "telegram", topic="besok")
    await drain(notifier)
    assert len([c for c in group_cards(fake_tg) if c.result["text"].startswith("🙋")]) == cap + 2


def test_concurrent_handoff_requests_of_one_sender_make_one_request(db_url, clock):
    stores = [Store(db_url, clock=clock) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = set(pool.map(lambda i: stores[i % 4].record_handoff(SENDER, "telegram", topic=f"t{i}").id,
                               range(40)))
        assert len(ids) == 1
        assert stores[0].outbox_pending(topics="handoff.requested") == 1
    finally:
        for s in stores:
            s.dispose()


async def test_new_leads_are_posted_before_handoffs_queued_earlier(store, staff, make_lead, notifier, fake_tg):
    for uid in (5001, 5002, 5003):
        store.record_handoff(f"telegram:{uid}", "telegram")
    lead = make_lead()
    await drain(notifier)
    texts_ = [c.result["text"] for c in group_cards(fake_tg)]
    assert len(texts_) == 4 and texts_[0].startswith(f"🆕 Lead #{lead.id}")
    assert all(t.startswith("🙋") for t in texts_[1:])


async def test_agent_may_apply_again_only_after_the_cool_down(store, make_agent, bot, fake_tg, clock):
    applicant = 880042
    agent = make_agent(uid=applicant, approve=False)
    store.set_agent_status(agent.id, "rejected", f"telegram:{ADMIN}")
    clock.advance(days=3)
    await fake_tg.push(fake_tg.text(applicant, "/agen"))
    (said,) = await fake_tg.wait_texts(applicant, 1)
    assert said == atexts.COOL_DOWN.format(date="2 Desember 2026")   # 1 Dec 10:00 WITA, rounded up
    with pytest.raises(StoreError):
        store.apply_agent(telegram_user_id=applicant, name="Budi", organisation=None, regency=None,
                          phone="081300001111", consent_version="agen-2026-11")
    assert store.get_agent(agent.id).status == "rejected"
    clock.advance(days=4, minutes=1)
    await fake_tg.push(fake_tg.text(applicant, "/agen"))
    said = await fake_tg.wait_texts(applicant, 2)
    assert said[-1].startswith("🛡️ Daftar jadi Agen Perisai")


async def test_cards_with_many_emoji_stay_within_telegrams_utf16_limit(store, staff, make_lead, bot, fake_tg):
    lead = make_lead()
    for _ in range(3):
        store.add_lead_note(lead.id, f"telegram:{STAFF}", "🐟" * 1500)
    text = cards.lead_card(store.get_lead(lead.id), history=True)
    assert u16(text) <= 4096 and text.endswith("…")
    await fake_tg.push(fake_tg.text(STAFF, f"/lead {lead.id}"))
    (shown,) = await fake_tg.wait_texts(STAFF, 1)
    assert shown.startswith(f"🆕 Lead #{lead.id}") and "Riwayat" in shown
    assert fake_tg.successful("sendMessage", STAFF)[-1].params["parse_mode"] == "HTML"
    # the agent's kit caption (a photo caption: 1024 UTF-16 units) leaves out a name that would not fit
    caption = atexts.kit_caption("https://t.me/lingkar_test_bot?start=ag_K7M2QX", "K7M2QX", "🌊" * 600, True)
    assert u16(caption) <= 1024 and "K7M2QX" in caption and "🌊" not in caption
    assert "Wa Ode" in atexts.kit_caption("https://t.me/lingkar_test_bot?start=ag_K7M2QX", "K7M2QX", "Wa Ode", True)
