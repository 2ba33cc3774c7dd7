"""Subscriptions in the dialogue, with rasa_sdk trackers, a CollectingDispatcher and a real store (SQLite and
PostgreSQL): consent or decline, "berhenti" from inside every form and from anywhere, the offers (once, never to a
subscriber), "data saya" / "hapus data saya", and "berhenti kerja" staying a JHT question."""
from __future__ import annotations

import pytest

from actions.answers import ActionAnswer
from actions.eligibility import ActionEligibilityResult, ValidateEligibilityForm
from actions.forms import SKIPPED
from actions.leads import (
    ActionCancelForm,
    ActionConfirmDelete,
    ActionDeleteMyData,
    ActionMyData,
    ActionSubmitLead,
    ActionUnsubscribe,
    ValidateLeadForm,
    ValidateSponsorForm,
)
from actions.subscriptions import SUBSCRIPTION_CONSENT_VERSION, ActionSubscribe, ActionSubscribeAnswer
from lingkar.form_words import is_stop
from lingkar.store import Store, provide

from .conftest import TELEGRAM_META, buttons_of, run, texts_of, turn

SENDER = "telegram:555001"
RESULT = {"category": "BPU", "occupation": "nelayan", "sector": "perikanan", "age": 36, "income": 1_000_000,
          "regency": "Kabupaten Kolaka", "programmes": {"JKK": "mandatory"}}
ELIGIBILITY_SLOTS = {"occupation": "nelayan", "age": 36, "income": 1_500_000}


async def consent_then(db, intent, slots=None):
    msgs, set_, _ = await run(ActionSubscribe(), turn("langganan", "subscribe", slots=slots))
    assert set_ == {"subscribe_pending": True, "subscription_offered": True}
    answer = "ya" if intent == "affirm" else "tidak"
    return msgs, await run(ActionSubscribeAnswer(), turn(answer, intent, slots={**(slots or {}), **set_}))


async def test_subscribe_with_consent_says_what_how_often_and_how_to_stop(db):
    (consent, (msgs, set_, _)) = await consent_then(db, "affirm", slots={"eligibility": RESULT})
    text = texts_of(consent)
    assert "kabar program" in text and "paling banyak 4 pesan sebulan" in text and '"berhenti"' in text
    assert [b["payload"] for b in buttons_of(consent)] == ["/affirm", "/deny"]
    assert "sudah berlangganan" in texts_of(msgs) and set_ == {"subscribe_pending": False}
    [sub] = db.subscriptions_of(SENDER)
    assert (sub.topic, sub.active, sub.channel, sub.consent_version) == ("info", True, "telegram",
                                                                         SUBSCRIPTION_CONSENT_VERSION)
    # what the conversation knew: the result's regency and sector, the agent of the worker's link
    assert (sub.regency, sub.sector, sub.agent_code) == ("Kabupaten Kolaka", "perikanan", "AGEN01")
    assert db.audience_count("info", regency="Kabupaten Kolaka", agent_code="AGEN01") == 1
    assert [e.kind for e in db.subscription_history(SENDER)] == ["subscribe"]
    # asking again: already subscribed, no second consent question, no new row
    msgs, set_, _ = await run(ActionSubscribe(), turn("langganan", "subscribe"))
    assert "sudah berlangganan" in texts_of(msgs) and set_["subscribe_pending"] is False
    assert len(db.subscriptions_of(SENDER)) == 1


async def test_declining_or_an_unrelated_yes_stores_nothing(db):
    (_, (msgs, set_, _)) = await consent_then(db, "deny")
    assert "tidak akan mengirimi" in texts_of(msgs) and '"langganan"' in texts_of(msgs)
    # a "ya" that answers nothing (no consent question pending) is just a yes
    msgs, set_, _ = await run(ActionSubscribeAnswer(), turn("ya", "affirm", slots={"subscribe_pending": False}))
    assert set_ == {} and "sudah berlangganan" not in texts_of(msgs)
    assert db.subscriptions_of(SENDER) == [] and db.audience_count("info") == 0


def _subscribe(db: Store, sender=SENDER):
    db.subscribe(sender, "telegram", "info", consent_version="v1")
    db.subscribe(sender, "telegram", "pengingat", consent_version="v1")


@pytest.mark.parametrize("form,requested,slots,validator", [
    ("eligibility_form", "occupation", {}, ValidateEligibilityForm()),
    ("eligibility_form", "income", {"occupation": "nelayan", "age": 30}, ValidateEligibilityForm()),
    ("lead_form", "consent", {"lead_type": "enrolment"}, ValidateLeadForm()),
    ("lead_form", "name", {"lead_type": "enrolment", "consent": "yes"}, ValidateLeadForm()),
    ("lead_form", "nik", {"lead_type": "enrolment", "consent": "yes", "name": "Siti", "phone": "+6281234567890"},
     ValidateLeadForm()),
    ("sponsor_form", "sponsor_organisation", {"lead_type": "sponsor_offer", "donor_kind": "company"},
     ValidateSponsorForm()),
])
@pytest.mark.parametrize("text", ["stop", "BERHENTI", "unsubscribe", "berhenti ya min"])
async def test_berhenti_inside_every_form_ends_the_form_and_every_subscription(db, form, requested, slots,
                                                                              validator, text):
    _subscribe(db)
    assert is_stop(text)
    t = turn(text, "unsubscribe", 1.0, form=form, requested=requested, slots=slots)
    _, set_, events = await run(validator, t)
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": requested}]  # rejected
    # the rules (stories/subscriptions.yml): the form ends as with "batal", then every subscription stops
    msgs, set_, events = await run(ActionCancelForm(), t)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events and set_["requested_slot"] is None
    if form != "eligibility_form":  # the unfinished personal answers go, as with "batal"
        assert set_["history_erased"] == "form" and set_.get("name", None) is None
    after = turn(text, "unsubscribe", 1.0, slots=slots, latest_action="action_cancel_form")
    text_out = texts_of(msgs + (await run(ActionUnsubscribe(), after))[0])
    assert "dibatalkan" in text_out and "langganan Anda sudah dihentikan" in text_out and '"langganan"' in text_out
    assert not db.is_subscribed(SENDER)
    # stop again in a form with nothing subscribed: the form's cancellation says it all
    msgs, _, _ = await run(ActionUnsubscribe(), after)
    assert msgs == []
    assert [(e.kind, e.reason) for e in db.subscription_history(SENDER)][-2:] == [("unsubscribe", "berhenti")] * 2


async def test_berhenti_outside_a_form_and_with_nothing_subscribed(db):
    _subscribe(db)
    _subscribe(db, "telegram:999")
    msgs, set_, events = await run(ActionUnsubscribe(), turn("stop", "unsubscribe", slots={"delete_pending": True}))
    assert "langganan Anda sudah dihentikan" in texts_of(msgs) and "dibatalkan" not in texts_of(msgs)
    assert set_["delete_pending"] is False and set_["subscription_offered"] is True
    assert not db.is_subscribed(SENDER) and db.is_subscribed("telegram:999")  # only the sender's own
    msgs, _, _ = await run(ActionUnsubscribe(), turn("/unsubscribe", "unsubscribe"))
    assert "tidak sedang berlangganan" in texts_of(msgs)
    assert db.audience_count("info") == 1 and db.audience_count("pengingat") == 1


async def test_berhenti_with_the_store_down_says_so():
    provide(Store("postgresql://nobody@127.0.0.1:9/lingkar_nowhere"))
    msgs, _, _ = await run(ActionUnsubscribe(), turn("stop", "unsubscribe"))
    assert "gangguan sistem" in texts_of(msgs)


@pytest.mark.parametrize("text", [
    "berhenti kerja", "kalau saya berhenti bekerja JHT bisa cair?", "sy berhenti kerja bulan lalu",
    "berhenti bayar iuran apa akibatnya", "stop?", "sy mau berhenti", "stop isi data", "berhenti jualan 2 bulan",
])
def test_berhenti_in_a_sentence_is_not_a_stop(text):
    assert not is_stop(text)


async def test_a_jht_question_with_berhenti_inside_a_form_is_not_a_stop(db):
    _subscribe(db)
    t = turn("kalau saya berhenti bekerja JHT bisa cair?", "ask_claim_jht", 0.9, form="eligibility_form",
             requested="age", slots={"occupation": "nelayan"})
    await run(ValidateEligibilityForm(), t)
    assert db.is_subscribed(SENDER, "info") and db.is_subscribed(SENDER, "pengingat")


# ------------------------------------------------------------------------------------------------ the offers
def _offers(msgs):
    return [m for m in msgs if {"title": "Langganan info", "payload": "/subscribe"} in (m.get("buttons") or [])]


async def test_offer_after_a_result_once_per_conversation_and_never_to_a_subscriber(db):
    t = turn("x", slots=ELIGIBILITY_SLOTS, latest_action="eligibility_form")
    msgs, set_, _ = await run(ActionEligibilityResult(), t)
    assert len(_offers(msgs)) == 1 and set_["subscription_offered"] is True
    # after the result, before the optional regency question (which stays last: the next message answers it)
    assert msgs.index(_offers(msgs)[0]) == len(msgs) - 2 and "kabupaten/kota mana" in msgs[-1]["text"]
    with_regency = {**ELIGIBILITY_SLOTS, "regency": "Kota Kendari"}
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=with_regency, latest_action="eligibility_form",
                                                           sender="telegram:4242"))
    assert msgs[-1] is _offers(msgs)[0]
    # the same conversation again: not repeated
    t = turn("x", slots={**ELIGIBILITY_SLOTS, "subscription_offered": True}, latest_action="eligibility_form")
    msgs, set_, _ = await run(ActionEligibilityResult(), t)
    assert _offers(msgs) == [] and "subscription_offered" not in set_
    # another conversation of someone subscribed: never offered
    _subscribe(db)
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=ELIGIBILITY_SLOTS,
                                                           latest_action="eligibility_form"))
    assert _offers(msgs) == [] and "JKK" in texts_of(msgs)


async def test_offer_after_a_stored_lead_and_in_the_menu(db):
    slots = {"lead_type": "enrolment", "consent": "yes", "name": "Siti Aminah", "phone": "+6281234567890",
             "nik": SKIPPED, "regency": "Kota Kendari", "contact_time": "sore"}
    msgs, set_, _ = await run(ActionSubmitLead(), turn("sore", slots=slots, latest_action="lead_form"))
    assert "sudah kami catat" in texts_of(msgs) and len(_offers(msgs)) == 1
    msgs, set_, _ = await run(ActionAnswer(), turn("menu", "menu", sender="telegram:7", metadata=TELEGRAM_META))
    assert len(_offers(msgs)) == 1 and set_ == {"subscription_offered": True}
    msgs, set_, _ = await run(ActionAnswer(), turn("menu", "menu", sender="telegram:7",
                                                   slots={"subscription_offered": True}))
    assert _offers(msgs) == [] and set_ == {}
    # inside a form or with the store down: no offer (it could not be taken)
    msgs, _, _ = await run(ActionAnswer(), turn("menu", "menu", sender="telegram:8", form="lead_form",
                                                requested="name", slots={"lead_type": "enrolment"}))
    assert _offers(msgs) == []
    provide(Store("postgresql://nobody@127.0.0.1:9/lingkar_nowhere"))
    msgs, _, _ = await run(ActionAnswer(), turn("menu", "menu", sender="telegram:9"))
    assert _offers(msgs) == [] and msgs


# ------------------------------------------------------------------------------------------------ own data
async def test_data_saya_lists_subscriptions_and_hapus_data_saya_ends_them(db):
    _subscribe(db)
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    text = texts_of(msgs)
    assert "Langganan info program dan edukasi (sejak " in text and "Langganan pengingat (sejak " in text
    msgs, set_, _ = await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data"))
    assert "langganan info" in texts_of(msgs) and set_ == {"delete_pending": True}
    msgs, _, _ = await run(ActionDeleteMyData(), turn("ya", "affirm", slots={"delete_pending": True}))
    assert "sudah dihapus" in texts_of(msgs) and "langganan info" in texts_of(msgs)
    assert db.subscriptions_of(SENDER) == [] and db.audience_count("info") == 0
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert "tidak ada data pribadi" in texts_of(msgs)
    # a stopped subscription is not listed as one
    db.subscribe(SENDER, "telegram", "info", consent_version="v1")
    db.unsubscribe(SENDER)
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert "Langganan" not in texts_of(msgs)
