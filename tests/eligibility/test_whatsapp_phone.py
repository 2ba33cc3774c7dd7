"""On WhatsApp the lead form offers the sender's own number ("Pakai nomor WhatsApp ini (0812-…)?"): yes fills the
phone with it, "Nomor lain" asks for it as on Telegram, a typed number is taken as it is. Telegram is unchanged.
The lead is saved with channel whatsapp and the agent of the link (a real store: SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from actions.forms import SKIPPED
from actions.leads import ActionAskPhone, ActionSubmitLead, ValidateLeadForm
from lingkar.identity import local_phone, whatsapp_phone

from .conftest import buttons_of, run, texts_of, turn

WA_SENDER = "whatsapp:6281355550123"
WA_META = {"channel": "whatsapp", "referral": "K7M2QX", "referral_known": True}
LEAD = ValidateLeadForm()


def test_the_whatsapp_number_from_the_sender_id():
    assert whatsapp_phone(WA_SENDER) == "+6281355550123"
    assert whatsapp_phone("telegram:6281355550123") is None
    assert whatsapp_phone("whatsapp:14155550100") is None      # a foreign number: typed as today
    assert whatsapp_phone("whatsapp:") is None and whatsapp_phone(None) is None
    assert local_phone("+6281355550123") == "0813-5555-0123"


async def ask(sender: str, slots=None, metadata=None):
    return await run(ActionAskPhone(), turn("Siti", form="lead_form", requested="phone", sender=sender,
                                            slots=slots or {}, metadata=metadata))


async def answer(text, intent="inform", slots=None, sender=WA_SENDER, confidence=1.0):
    base = {"lead_type": "enrolment", "lead_purpose": "registration", "consent": "yes", "name": "Siti Aminah"}
    return await run(LEAD, turn(text, intent, confidence, form="lead_form", requested="phone", sender=sender,
                                slots={**base, **(slots or {})}, metadata=WA_META))


async def test_whatsapp_offers_the_senders_own_number_with_two_buttons():
    msgs, _, _ = await ask(WA_SENDER, metadata=WA_META)
    assert "Pakai nomor ini?" in texts_of(msgs) and "0813-5555-0123" in texts_of(msgs)
    assert [b["title"] for b in buttons_of(msgs)] == ["Ya, pakai nomor ini", "Nomor lain"]
    assert not any(m.get("custom") for m in msgs)  # no Telegram share-contact keyboard


async def test_telegram_is_asked_as_before():
    msgs, _, _ = await ask("telegram:555001")
    assert "Nomor HP yang bisa dihubungi" in texts_of(msgs)
    assert {"request_contact": True} in [m.get("custom") for m in msgs]


@pytest.mark.parametrize("text,intent", [("/affirm", "affirm"), ("ya", "affirm"), ("iya boleh", "inform")])
async def test_yes_fills_the_phone_with_the_whatsapp_number(text, intent):
    _, slots, _ = await answer(text, intent)
    assert slots["phone"] == "+6281355550123" and slots["requested_slot"] == "nik"


@pytest.mark.parametrize("text,intent", [("/deny", "deny"), ("tidak", "deny"), ("nomor lain", "inform")])
async def test_another_number_asks_to_type_it(text, intent):
    msgs, slots, _ = await answer(text, intent)
    assert slots.get("phone") is None and slots["phone_offer"] == "declined" and slots["requested_slot"] == "phone"
    assert not texts_of(msgs)  # no complaint: the form now asks for the number
    msgs, _, _ = await ask(WA_SENDER, slots={"phone_offer": "declined"})
    assert "Nomor HP yang bisa dihubungi" in texts_of(msgs) and "0813" not in texts_of(msgs)
    _, slots, _ = await answer("0852 4100 2233", slots={"phone_offer": "declined"})
    assert slots["phone"] == "+6285241002233"


async def test_a_typed_number_is_taken_even_when_the_whatsapp_number_is_offered():
    _, slots, _ = await answer("0852-4100-2233")
    assert slots["phone"] == "+6285241002233"
    msgs, slots, _ = await answer("0401 312345")   # a landline: the same message as on Telegram
    assert slots["phone"] is None and "telepon rumah" in texts_of(msgs)


async def test_an_unclear_answer_to_the_offer_says_what_to_do_and_a_question_is_left_to_the_rules():
    msgs, slots, _ = await answer("hmm", "nlu_fallback", confidence=0.3)
    assert slots["phone"] is None and "Nomor lain" in texts_of(msgs)
    msgs, slots, _ = await answer("berapa iuran jkk?", "ask_jkk", confidence=0.95)
    assert slots == {"requested_slot": "phone"} and not msgs


async def test_a_whatsapp_lead_is_saved_with_its_channel_number_and_agent(db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration",
             "consent": "yes", "name": "Siti Aminah", "phone": "+6281355550123",
             "nik": SKIPPED, "regency": "Kota Kendari", "contact_time": "sore"}
    await run(ActionSubmitLead(), turn("sore", slots=slots, latest_action="lead_form", sender=WA_SENDER,
                                       metadata=WA_META))
    [lead] = db.list_leads()
    assert (lead.channel, lead.sender_id, lead.phone, lead.referral) == (
        "whatsapp", WA_SENDER, "+6281355550123", "K7M2QX")
