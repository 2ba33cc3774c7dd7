"""What a contact request is for (issue 12, item 3): the purpose taken from the topic the worker was asking about,
asked once with buttons when that is unclear (a button, free text, a question answered by the rules), stored on the
lead (SQLite and a real PostgreSQL); and the answer for an employee whose employer does not register them."""
from __future__ import annotations

import re

import pytest

from actions.leads import (
    ActionAskConsent,
    ActionAskLeadPurpose,
    ActionLeadStart,
    ActionMyData,
    ActionSubmitLead,
    ValidateLeadForm,
)
from lingkar.facts import get_facts
from lingkar.leads import TOPIC_PURPOSES, purpose_from_conversation, read_purpose
from lingkar.store import LEAD_PURPOSES
from lingkar.texts import get_answers, get_flow_texts

from .conftest import TODAY, parse_data, run, texts_of, turn

LEAD = ValidateLeadForm()
BUTTON_TITLES = ["Daftar jadi peserta", "Klaim untuk ahli waris", "Aktifkan lagi (tunggakan)",
                 "Perusahaan tidak mendaftarkan saya", "Lainnya"]


def said(text: str, intent: str) -> list:
    """The events of an earlier user turn (and the bot's answer to it)."""
    return [{"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": parse_data(text, intent), "metadata": {}},
            {"event": "action", "name": "action_answer"}, {"event": "bot", "text": "…"}]


async def start(*earlier, text="/request_contact", intent="request_contact"):
    before = [e for t, i in earlier for e in said(t, i)]
    _, slots, _ = await run(ActionLeadStart(), turn(text, intent, before=before))
    return slots


# ------------------------------------------------------------------------------------------------ from the topic
@pytest.mark.parametrize("earlier,purpose", [
    ([("cara klaim jkm gmn", "ask_claim_jkm")], "heir_claim"),
    ([("jht suami sy yg sudah meninggal bisa dicairkan?", "ask_claim_jht")], "heir_claim"),
    ([("sy sudah lama tidak bayar iuran", "ask_late_payment")], "reactivation"),
    ([("bos saya tidak mau daftarkan bpjs", "ask_employer_not_registering")], "employer_not_registering"),
    ([("kantor sy gak ikutkan bpjs tk", "ask_register")], "employer_not_registering"),  # the words win
    ([("mau jadi agen perisai", "ask_agent")], "agent"),
    ([("cek kelayakan", "check_eligibility"), ("nelayan", "inform"), ("35", "inform")], "registration"),
    ([("iuran bpu brp", "ask_contribution_bpu"), ("makasih", "thank")], "registration"),
    # the newest topic counts, not an older one
    ([("cara klaim jkm", "ask_claim_jkm"), ("cara daftar bpu", "ask_register")], "registration"),
])
async def test_the_purpose_comes_from_the_topic_before_hubungi_saya(earlier, purpose):
    slots = await start(*earlier)
    assert slots["lead_type"] == "enrolment" and slots["lead_purpose"] == purpose


async def test_the_request_in_the_workers_own_words_names_the_purpose():
    slots = await start(text="tolong hubungi sy, mau urus klaim jkm almarhum bapak", intent="request_contact")
    assert slots["lead_purpose"] == "heir_claim"


@pytest.mark.parametrize("earlier", [[], [("halo", "greet")], [("bpjs tk bisa buat berobat?", "ask_health")],
                                     [("harga hp", "out_of_scope")]])
async def test_no_clear_topic_leaves_the_purpose_to_the_form(earlier):
    assert (await start(*earlier))["lead_purpose"] is None


async def test_a_gn_lingkaran_request_is_for_sponsorship():
    _, slots, _ = await run(ActionLeadStart(), turn("ya", "affirm", slots={"lead_type": "sponsorship_request"}))
    assert (slots["lead_type"], slots["lead_purpose"]) == ("sponsorship_request", "sponsorship")


def test_topic_purposes_are_known_purposes_and_intents():
    domain_intents = set(__import__("yaml").safe_load(open("domain.yml", encoding="utf-8"))["intents"])
    assert set(TOPIC_PURPOSES.values()) <= set(LEAD_PURPOSES)
    assert set(TOPIC_PURPOSES) <= domain_intents
    assert purpose_from_conversation([("request_contact", "/request_contact")]) is None


# ------------------------------------------------------------------------------------------------ asked when unclear
async def test_the_form_asks_the_purpose_first_with_buttons_when_unclear():
    _, slots, _ = await run(LEAD, turn("/request_contact", "request_contact", form="lead_form", fresh=False,
                                       slots={"lead_type": "enrolment", "lead_purpose": None}))
    assert slots == {"requested_slot": "lead_purpose"}
    msgs, _, _ = await run(ActionAskLeadPurpose(), turn("x", form="lead_form", requested="lead_purpose",
                                                        slots={"lead_type": "enrolment"}))
    assert "Perlu bantuan apa?" in texts_of(msgs)
    assert [b["title"] for b in msgs[-1]["buttons"]] == BUTTON_TITLES
    # each button's payload is read back as its purpose
    read = [read_purpose(b["payload"]) for b in msgs[-1]["buttons"]]
    assert read == ["registration", "heir_claim", "reactivation", "employer_not_registering", "other"]


async def test_once_known_the_purpose_is_not_asked():
    _, slots, _ = await run(LEAD, turn("/request_contact", "request_contact", form="lead_form", fresh=False,
                                       slots={"lead_type": "enrolment", "lead_purpose": "heir_claim"}))
    assert slots == {"requested_slot": "consent"}


async def purpose_answer(text, intent="inform", confidence=1.0):
    return await run(LEAD, turn(text, intent, confidence, form="lead_form", requested="lead_purpose",
                                slots={"lead_type": "enrolment"}))


@pytest.mark.parametrize("text,intent,purpose", [
    ("Klaim untuk ahli waris", "ask_claim_jkm", "heir_claim"),          # a button, whatever the NLU made of it
    ("Perusahaan tidak mendaftarkan saya", "ask_employer_not_registering", "employer_not_registering"),
    ("Aktifkan lagi (tunggakan)", "ask_late_payment", "reactivation"),
    ("mau urus jkm ibu sy yg sudah meninggal", "ask_claim_jkm", "heir_claim"),  # typed
    ("pabrik tidak bayar iuran padahal potong gaji", "ask_employer_not_registering", "employer_not_registering"),
    ("mau daftar bpu", "ask_register", "registration"),
    ("sy nunggak 4 bulan", "ask_late_payment", "reactivation"),
    ("soal kartu sy", "ask_card", "other"),
    ("agen", "ask_agent", "agent"),
])
async def test_a_button_or_free_text_answers_the_purpose(text, intent, purpose):
    msgs, slots, _ = await purpose_answer(text, intent, 0.9)
    assert slots["lead_purpose"] == purpose and slots["requested_slot"] == "consent" and msgs == []


@pytest.mark.parametrize("text,intent", [("jkm itu apa?", "ask_jkm"), ("berapa iuran bpu", "ask_contribution_bpu"),
                                         ("bagaimana cara klaim jht", "ask_claim_jht"),
                                         ("sy mau tanya soal diskon ojol dulu", "ask_discount")])
async def test_a_question_there_is_answered_by_the_rules_not_a_trap(text, intent):
    msgs, slots, events = await purpose_answer(text, intent, 0.9)
    assert slots == {"requested_slot": "lead_purpose"} and len(events) == 1 and msgs == []


async def test_a_bare_yes_is_unclear_and_the_buttons_come_again():
    msgs, slots, _ = await purpose_answer("ya", "affirm")
    assert slots["lead_purpose"] is None and slots["requested_slot"] == "lead_purpose"
    assert "belum jelas" in texts_of(msgs) and [b["title"] for b in msgs[-1]["buttons"]] == BUTTON_TITLES


async def test_the_purpose_can_be_skipped():
    _, slots, _ = await purpose_answer("lewati", "inform")
    assert slots["lead_purpose"] == "-" and slots["requested_slot"] == "consent"


async def test_the_consent_text_names_the_purpose():
    msgs, _, _ = await run(ActionAskConsent(), turn("x", form="lead_form", requested="consent",
                                                    slots={"lead_type": "enrolment", "lead_purpose": "heir_claim"}))
    assert "klaim untuk ahli waris" in texts_of(msgs) and "membantu Anda mendaftar" not in texts_of(msgs)


# ------------------------------------------------------------------------------------------------ stored
@pytest.mark.parametrize("purpose,stored", [("employer_not_registering", "employer_not_registering"),
                                            ("-", "registration"), (None, "registration")])
async def test_the_lead_is_stored_with_its_purpose(db, purpose, stored):
    slots = {"lead_type": "enrolment", "lead_purpose": purpose, "consent": "yes", "name": "La Ode Rahman",
             "phone": "+6281234567890", "nik": "-", "regency": "Kota Kendari", "contact_time": "sore"}
    msgs, set_, _ = await run(ActionSubmitLead(), turn("sore", slots=slots, latest_action="lead_form"))
    [lead] = db.list_leads()
    assert lead.purpose == stored and "La Ode Rahman" in texts_of(msgs)
    assert set_["lead_purpose"] is None  # not carried into the next request
    assert [x.id for x in db.list_leads(purpose=stored)] == [lead.id]
    mine, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert ("perusahaan tidak mendaftarkan" in texts_of(mine)) == (stored == "employer_not_registering")


# ------------------------------------------------------------------------------------------------ the answer
def test_employer_not_registering_answer_uses_only_facts_and_offers_a_contact_request():
    rendered = get_answers().render("ask_employer_not_registering", TODAY)
    facts = get_facts()
    used = set(rendered.facts)
    assert {"reg.jkk_jkm", "reg.jp", "reg.compliance", "pu.register_days", "pu.jht_rate_worker",
            "jp.rate_worker", "contact.call_centre"} <= used
    text = rendered.text
    for key in used:  # every figure and regulation named comes from content/facts.yml, for today
        assert facts.text(key, TODAY) in text, key
    # no figure that is not one of those facts
    allowed = {facts.text(k, TODAY) for k in used}
    for number in re.findall(r"\d[\d.,/%]*", text):
        assert any(number.rstrip(".,") in a for a in allowed), number
    assert "Disnaker" not in text  # the digest says nothing about reporting there
    assert "/request_contact" in [b["payload"] for b in rendered.buttons]
    # the purpose the lead then gets
    assert purpose_from_conversation([("request_contact", "/request_contact"),
                                      ("ask_employer_not_registering", "bos sy ga daftarkan")]) \
        == "employer_not_registering"


def test_flow_texts_for_every_enrolment_purpose():
    texts = get_flow_texts()
    assert set(texts.labels["lead_purpose"]) == set(LEAD_PURPOSES)
    for purpose in LEAD_PURPOSES:
        if purpose not in ("registration", "sponsorship"):
            assert f"purpose_for_{purpose}" in texts, purpose


def test_staff_have_a_label_and_words_for_every_purpose():
    from bot.staff import texts as staff_texts

    assert set(staff_texts.PURPOSE_LABELS) == set(LEAD_PURPOSES) == set(staff_texts.PURPOSE_WORDS)
    assert all(w in {x for ws in staff_texts.PURPOSE_WORDS.values() for x in ws}
               for w in staff_texts.PURPOSE_BARE_WORDS)


async def test_after_an_eligibility_check_whose_first_turns_are_gone_the_purpose_is_registration():
    # the stored conversation keeps its last turns only: "cek kelayakan" may be gone, the result slot is not
    before = [e for t, i in (("1,5jt", "inform"), ("konsel", "inform")) for e in said(t, i)]
    _, slots, _ = await run(ActionLeadStart(), turn("/request_contact", "request_contact", before=before,
                                                    slots={"eligibility": {"category": "BPU"}}))
    assert slots["lead_purpose"] == "registration"
    _, slots, _ = await run(ActionLeadStart(), turn("/request_contact", "request_contact", before=before))
    assert slots["lead_purpose"] is None
