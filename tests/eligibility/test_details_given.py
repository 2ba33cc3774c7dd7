"""Issue 12, sixteenth session: details given beside the asked answer in the lead form ("Ya, saya setuju. Nama saya
Andi Pratama.", "La Ode Rahman, 0812-4455-7788") fill the questions still to come; "nanti saya daftar lewat JMO
saja" read as a contact request starts no form. Real validation actions on rasa_sdk trackers."""
from __future__ import annotations

import pytest

from actions.leads import ActionLeadStart, ValidateLeadForm
from lingkar.leads import details_given, read_name_and_phone, registers_elsewhere

from .conftest import run, texts_of, turn


@pytest.mark.parametrize("text,name,phone", [
    ("La Ode Rahman, 0812-4455-7788", "La Ode Rahman", "+6281244557788"),
    ("Andi Pratama no hp 0813 4100 2233, terima kasih", "Andi Pratama", "+6281341002233"),
    ("Wa Ode Sari wa 081234567890", "Wa Ode Sari", "+6281234567890"),   # "Wa" of the name stays, "wa" label goes
    ("Muh. Arifin dan 081234567890", "Muh. Arifin", "+6281234567890"),
    ("0813-4100-2233. Terima kasih.", None, None),                     # a number alone is no name
    ("halo 08123456789", None, None),
    ("umur 45 08123456789", None, None),
    ("La Ode Rahman", None, None),                                     # no number: read_name's job
])
def test_a_name_and_a_number_in_one_answer(text, name, phone):
    assert read_name_and_phone(text) == (name, phone)


@pytest.mark.parametrize("text,given", [
    ("Ya, saya setuju. Nama saya Andi Pratama.", {"name": "Andi Pratama"}),
    ("iya setuju, nama sy Hasanudin", {"name": "Hasanudin"}),
    ("setuju. nama saya Wa Ode Sari 0812-3456-7890", {"name": "Wa Ode Sari", "phone": "+6281234567890"}),
    ("ya setuju", {}),
    ("ya, nama saya salah di kartu?", {}),                               # a question about names, none given
    ("setuju, nama sy Hasanudin, umur 40", {}),                          # not read cleanly: asked as usual
])
def test_a_name_given_with_the_consent(text, given):
    assert details_given(text) == given


async def test_consent_with_a_name_skips_the_name_question():
    _, slots, _ = await run(ValidateLeadForm(), turn("Ya, saya setuju. Nama saya Andi Pratama.", "affirm",
                                                     form="lead_form", requested="consent",
                                                     slots={"lead_purpose": "registration"}))
    assert slots["consent"] == "yes" and slots["name"] == "Andi Pratama" and slots["requested_slot"] == "phone"


async def test_a_name_and_a_number_at_the_name_question_fill_both():
    _, slots, _ = await run(ValidateLeadForm(), turn("La Ode Rahman, 0812-4455-7788", "inform", form="lead_form",
                                                     requested="name",
                                                     slots={"lead_purpose": "registration", "consent": "yes"}))
    assert slots["name"] == "La Ode Rahman" and slots["phone"] == "+6281244557788"
    assert slots["requested_slot"] == "nik"


@pytest.mark.parametrize("text,elsewhere", [
    ("Baik, nanti saya daftar lewat JMO saja.", True),
    ("ok nanti sy daftar sendiri", True),
    ("tolong bantu sy daftar lewat agen", False),
    ("sy mau didaftarkan lewat petugas", False),
    ("tolong hubungi saya", False),
])
def test_registering_oneself_elsewhere(text, elsewhere):
    assert registers_elsewhere(text) is elsewhere


async def test_registering_oneself_elsewhere_starts_no_lead_form():
    msgs, slots, events = await run(ActionLeadStart(), turn("Baik, nanti saya daftar lewat JMO saja.",
                                                            "request_contact", 0.7))
    assert "JMO" in texts_of(msgs) and "silakan" in texts_of(msgs)
    assert [(e["event"], e["name"]) for e in events] == [("followup", "action_listen")] and "lead_type" not in slots
    msgs, slots, events = await run(ActionLeadStart(), turn("tolong hubungi saya", "request_contact"))
    assert slots["lead_type"] == "enrolment" and not any(e.get("event") == "followup" for e in events)
