"""Consent, the lead and sponsor forms, saving leads (SQLite and a real PostgreSQL), GN Lingkaran, "data saya" and
"hapus data saya", with rasa_sdk trackers and a CollectingDispatcher. Nothing here patches our own code: a store
failure is a database that is not there."""
from __future__ import annotations

import dataclasses
import logging

import pytest

from actions.forms import SKIPPED
from actions.leads import (
    CONSENT_VERSION,
    ActionAskConsent,
    ActionAskPhone,
    ActionCancelForm,
    ActionConfirmDelete,
    ActionDeleteMyData,
    ActionLeadStart,
    ActionMyData,
    ActionMyStatus,
    ActionOfferSponsorship,
    ActionSponsorStart,
    ActionSubmitLead,
    ValidateLeadForm,
    ValidateSponsorForm,
    read_count,
)
from lingkar.store import Store, current, provide

from .conftest import TELEGRAM_META, buttons_of, run, texts_of, turn

SENDER = "telegram:555001"
NIK = "7401015708900001"  # structurally valid: Kolaka (74 01 01), born 17-08-1990, a woman (+40)
ELIGIBILITY = {"category": "BPU", "occupation": "nelayan", "sector": "perikanan", "age": 36, "income": 1_000_000,
               "regency": "Kota Kendari", "programmes": {"JKK": "mandatory"}}
LEAD = ValidateLeadForm()
SPONSOR = ValidateSponsorForm()


async def lead_answer(text, requested, slots, intent="inform", confidence=1.0, **kw):
    if requested != "lead_purpose":
        slots = {"lead_purpose": "registration", **slots}  # known from the topic (action_lead_start)
    return await run(LEAD, turn(text, intent, confidence, form="lead_form", requested=requested, slots=slots, **kw))


async def fill_lead(slots, answers):
    """Answer the lead form's questions in turn (the purpose known, as action_lead_start finds it after a topic);
    returns the final slots and every message."""
    slots = {"lead_purpose": "registration", **slots}
    messages = []
    requested = "consent"
    for text, intent in answers:
        msgs, set_, _ = await lead_answer(text, requested, slots, intent=intent)
        messages += msgs
        slots.update({k: v for k, v in set_.items()})
        requested = set_["requested_slot"]
        if requested is None:
            break
    return slots, messages


def filled(**over):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration",
             "consent": "yes", "name": "Siti Aminah", "phone": "+6281234567890",
             "nik": NIK, "regency": "Kota Kendari", "contact_time": "sore", "eligibility": ELIGIBILITY,
             "occupation": "nelayan", "age": 36, "income": 1_000_000}
    slots.update(over)
    return slots


async def submit(slots, **kw):
    return await run(ActionSubmitLead(), turn("sore", slots=slots, latest_action="lead_form", **kw))


# ------------------------------------------------------------------------------------------------ consent
async def test_request_contact_starts_a_clean_enrolment_lead():
    _, slots, _ = await run(ActionLeadStart(), turn("hubungi saya", "request_contact",
                                                    slots={"name": "Old", "phone": "+6281111111111",
                                                           "lead_type": "sponsor_offer", "regency": "Kota Kendari"}))
    assert slots["lead_type"] == "enrolment" and slots["name"] is None and slots["phone"] is None
    assert "regency" not in slots  # kept: the form will not ask it again


async def test_consent_comes_first_and_says_purpose_who_how_long_and_how_to_delete():
    _, slots, _ = await run(LEAD, turn("hubungi saya", "request_contact", form="lead_form", fresh=False,
                                       slots={"lead_type": "enrolment", "regency": "Kota Kendari",
                                              "lead_purpose": "registration"}))
    assert slots == {"requested_slot": "consent"}  # "hubungi saya" is not read as an answer
    msgs, _, _ = await run(ActionAskConsent(), turn("x", form="lead_form", requested="consent",
                                                    slots={"lead_type": "enrolment"}))
    text = texts_of(msgs)
    for words in ("UU 27/2022", "membantu Anda mendaftar", "Kantor Cabang Kendari", "sampai Anda minta dihapus",
                  "hapus data saya", "NIK (boleh dilewati)"):
        assert words in text, words
    # the question comes last, on its own, with the buttons
    assert "setuju" in msgs[-1]["text"] and "NIK" not in msgs[-1]["text"]
    assert [b["payload"] for b in msgs[-1]["buttons"]] == ["/affirm", "/deny"]


async def test_refusing_consent_stores_nothing(db):
    slots, msgs = await fill_lead({"lead_type": "enrolment"}, [("tidak", "deny")])
    assert slots["consent"] == "no" and slots["requested_slot"] is None
    sub_msgs, sub_slots, _ = await submit(slots)
    assert "tidak ada data pribadi yang kami simpan" in texts_of(sub_msgs)
    assert db.count_leads() == 0 and db.data_for_sender(SENDER)["leads"] == []
    assert db.event_counts("consent_refused") and not db.event_counts("lead_created")
    assert sub_slots["consent"] is None


async def test_unclear_consent_is_asked_again():
    msgs, slots, _ = await lead_answer("hmm entahlah", "consent", {"lead_type": "enrolment"}, intent="nlu_fallback")
    assert slots["consent"] is None and "Setuju" in texts_of(msgs)


@pytest.mark.parametrize("text,intent", [("hmm gimana ya", "nlu_fallback"), ("data sa dipakai buat apa?", "inform"),
                                         ("bisa iurannya dibayar pakai dana desa?", "ask_contribution")])
async def test_a_question_at_the_consent_step_is_left_to_the_rules_not_told_to_use_the_buttons(text, intent):
    # no slot: Rasa rejects the form for this turn, the rules answer the question, the form asks consent again
    msgs, slots, events = await lead_answer(text, "consent", {"lead_type": "enrolment"}, intent=intent,
                                            confidence=0.35)
    assert slots == {"requested_slot": "consent"} and len(events) == 1 and msgs == []


# ------------------------------------------------------------------------------------------------ the lead form
async def test_full_lead_is_saved_with_channel_referral_and_eligibility(db, caplog):
    caplog.set_level(logging.DEBUG)
    slots, msgs = await fill_lead(
        {"lead_type": "enrolment", "regency": "Kota Kendari", "eligibility": ELIGIBILITY, "age": 36},
        [("setuju", "affirm"), ("siti aminah", "inform"), ("0812 3456 7890", "inform"), (NIK, "inform"),
         ("sore aja", "inform")])
    assert slots["requested_slot"] is None
    assert (slots["name"], slots["phone"], slots["nik"], slots["contact_time"]) == (
        "Siti Aminah", "+6281234567890", NIK, "sore aja")
    msgs, set_, _ = await submit(slots)
    text = texts_of(msgs)
    assert "Terima kasih, Siti Aminah" in text and "+6281234567890" in text and "hapus data saya" in text
    [lead] = db.list_leads()
    assert (lead.type, lead.status, lead.channel, lead.referral, lead.referral_known) == (
        "enrolment", "new", "telegram", "AGEN01", False)
    assert (lead.name, lead.phone, lead.nik, lead.regency, lead.contact_time) == (
        "Siti Aminah", "+6281234567890", NIK, "Kota Kendari", "sore aja")
    assert lead.eligibility["category"] == "BPU" and lead.sector == "perikanan" and lead.age == 36
    assert lead.consent_version == CONSENT_VERSION and lead.sender_id == SENDER
    assert f"nomor {lead.reference}" in text and f"nomor {lead.id}" not in text  # never the database id
    assert set_["name"] is None and set_["phone"] is None and set_["nik"] is None  # not kept in the conversation
    # exactly one "lead created" for the staff notifier
    assert [e.topic for e in db.claim_outbox("t", limit=10)] == ["lead.created"]
    logged = caplog.text
    assert "81234567890" not in logged and NIK not in logged and "Siti Aminah" not in logged


async def test_the_same_person_updates_their_open_lead(db):
    await submit(filled())
    msgs, _, _ = await submit(filled(contact_time="pagi", nik=SKIPPED))
    assert "Data Anda kami perbarui" in texts_of(msgs)
    [lead] = db.list_leads()
    assert lead.contact_time == "pagi" and lead.nik == NIK  # a skipped NIK never erases the stored one


OTHER = "telegram:777002"


def _neutral(text: str, lead) -> str:
    """A reply with what differs between two people's fresh leads (reference, phone) replaced by placeholders."""
    return text.replace(lead.reference, "<reference>").replace(lead.phone, "<phone>")


@pytest.mark.parametrize("shared", ["phone", "nik"])
async def test_another_sender_with_the_same_phone_or_nik_sees_a_new_lead(db, shared):
    first_msgs, _, _ = await submit(filled())
    [mine] = db.list_leads()
    mine_before = db.get_lead(mine.id, with_history=False)
    theirs = filled(name="Siti Aminah") if shared == "phone" else filled(phone="+6285298765432")
    msgs, set_, _ = await submit(theirs, sender=OTHER)
    other = next(x for x in db.list_leads() if x.sender_id == OTHER)
    assert other.id != mine.id
    # exactly what any new lead sees: no "data Anda kami perbarui", no sign of the other lead
    assert [(_neutral(m["text"], other), m.get("buttons")) for m in msgs] == \
        [(_neutral(m["text"], mine), m.get("buttons")) for m in first_msgs]
    assert mine.reference not in texts_of(msgs) and "perbarui" not in texts_of(msgs)
    assert set_["phone"] is None and set_["nik"] is None
    # the first lead is untouched, and staff see the two linked
    got = db.get_lead(mine.id, with_history=False)
    assert [d.id for d in got.possible_duplicates] == [other.id]
    assert dataclasses.replace(got, possible_duplicates=[]) == mine_before  # nothing else changed


async def test_data_saya_and_hapus_data_saya_act_on_the_senders_own_leads_only(db):
    await submit(filled())
    await submit(filled(), sender=OTHER)  # the same phone and NIK from someone else
    [mine] = [x for x in db.list_leads() if x.sender_id == SENDER]
    [other] = [x for x in db.list_leads() if x.sender_id == OTHER]
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data", sender=OTHER))
    text = texts_of(msgs)
    assert other.reference in text and mine.reference not in text and text.count("Permintaan dibantu daftar") == 1
    msgs, _, _ = await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data", sender=OTHER))
    assert "1 permintaan" in texts_of(msgs)
    msgs, _, _ = await run(ActionDeleteMyData(), turn("ya", "affirm", slots={"delete_pending": True}, sender=OTHER))
    assert "sudah dihapus" in texts_of(msgs)
    assert [x.id for x in db.list_leads()] == [mine.id]
    assert db.get_lead(mine.id).name == "Siti Aminah" and db.get_lead(mine.id).possible_duplicates == []


@pytest.mark.parametrize("text,message", [
    ("0812345", "terlalu pendek"),
    ("12345", "diawali 081"),
    ("0401 312345", "telepon rumah"),
    ("+1 415 555 0100", "nomor HP Indonesia"),
])
async def test_bad_phone_numbers_say_what_is_wrong(text, message):
    msgs, slots, _ = await lead_answer(text, "phone", {"consent": "yes", "name": "Siti"})
    assert message in texts_of(msgs) and slots["phone"] is None and slots["requested_slot"] == "phone"


async def test_phone_in_a_sentence_and_a_shared_contact():
    _, slots, _ = await lead_answer("no hp saya 0852-4100-2233 ya", "phone", {"consent": "yes", "name": "Siti"})
    assert slots["phone"] == "+6285241002233"
    shared = dict(TELEGRAM_META, contact_shared=True)
    _, slots, _ = await lead_answer("+6281355512345", "phone", {"consent": "yes", "name": "Siti"}, metadata=shared)
    assert slots["phone"] == "+6281355512345"


async def test_the_phone_question_sends_the_share_contact_signal():
    msgs, _, _ = await run(ActionAskPhone(), turn("x", form="lead_form", requested="phone"))
    assert msgs[0]["text"] and {"request_contact": True} in [m.get("custom") for m in msgs]


@pytest.mark.parametrize("text,age,message", [
    ("74010157089", None, "NIK harus 16 angka"),
    ("9901015708900001", None, "bukan kode provinsi"),
    (NIK, 50, "umur 36 tahun"),   # born 1990: not 50
])
async def test_bad_nik_says_exactly_what_is_wrong(text, age, message):
    slots = {"consent": "yes", "name": "Siti", "phone": "+6281234567890", "age": age}
    msgs, set_, _ = await lead_answer(text, "nik", slots)
    assert message in texts_of(msgs) and set_["nik"] is None and "lewati" in texts_of(msgs)


@pytest.mark.parametrize("text,intent", [("lewati", "cancel"), ("tidak punya nik", "deny"), ("skip", "cancel")])
async def test_nik_can_be_skipped(text, intent):
    _, slots, _ = await lead_answer(text, "nik", {"consent": "yes", "name": "Siti", "phone": "+6281234567890"},
                                    intent=intent)
    assert slots["nik"] == SKIPPED


@pytest.mark.parametrize("text", ["Budi123", "b@di!!"])
async def test_bad_names(text):
    msgs, slots, _ = await lead_answer(text, "name", {"consent": "yes"})
    assert slots["name"] is None and "nama dengan huruf" in texts_of(msgs)


async def test_a_name_is_not_skippable_and_a_question_is_left_to_the_rules():
    msgs, slots, _ = await lead_answer("tidak mau", "name", {"consent": "yes"}, intent="deny")
    assert "perlu dijawab" in texts_of(msgs)
    _, slots, events = await lead_answer("iuran jht berapa?", "name", {"consent": "yes"}, intent="ask_jht",
                                         confidence=0.9)
    assert slots == {"requested_slot": "name"} and len(events) == 1


async def test_regency_is_prefilled_from_the_eligibility_check_and_asked_otherwise():
    base = {"consent": "yes", "name": "Siti", "phone": "+6281234567890"}
    _, slots, _ = await lead_answer("lewati", "nik", dict(base, regency="Kota Kendari"), intent="cancel")
    assert slots["requested_slot"] == "contact_time"
    _, slots, _ = await lead_answer("lewati", "nik", base, intent="cancel")
    assert slots["requested_slot"] == "regency"


@pytest.mark.parametrize("text,value", [("pagi", "pagi"), ("jam 9 pagi", "jam 9 pagi"), ("kapan saja", "kapan saja"),
                                        ("bebas", "kapan saja"), ("hari sabtu", "hari sabtu")])
async def test_contact_time(text, value):
    _, slots, _ = await lead_answer(text, "contact_time", filled(contact_time=None), intent="greet")
    assert slots["contact_time"] == value and slots["requested_slot"] is None


async def test_cancel_drops_the_unfinished_answers():
    t = turn("batal", "cancel", form="lead_form", requested="phone", slots={"consent": "yes", "name": "Siti"})
    msgs, slots, events = await run(ActionCancelForm(), t)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert slots["name"] is None and slots["consent"] is None and slots["requested_slot"] is None
    assert "Data pribadi Anda tidak kami simpan" in texts_of(msgs)


async def test_store_down_keeps_the_answers_and_retry_saves_them(monkeypatch, tmp_path):
    provide(Store("postgresql://nobody@127.0.0.1:9/lingkar_nowhere"), migrate=True)
    slots = filled()
    msgs, set_, _ = await submit(slots)
    assert "belum tersimpan" in texts_of(msgs) and set_ == {"lead_pending": True}
    assert "/affirm" in [b["payload"] for b in buttons_of(msgs)]
    url = f"sqlite:///{tmp_path / 'back.db'}"
    provide(Store(url), migrate=True)
    msgs, set_, _ = await run(ActionSubmitLead(), turn("coba lagi", "affirm", slots=dict(slots, lead_pending=True)))
    assert "sudah kami catat" in texts_of(msgs) and set_["lead_pending"] is None
    assert current().count_leads() == 1


async def test_yes_after_a_saved_lead_is_just_a_yes(sqlite_db):
    msgs, set_, _ = await run(ActionSubmitLead(), turn("oke", "affirm", slots=filled()))
    assert set_ == {} and sqlite_db.count_leads() == 0 and msgs


# ------------------------------------------------------------------------------------------------ GN Lingkaran
async def test_cannot_afford_explains_gn_lingkaran_and_offers_to_put_forward():
    msgs, slots, _ = await run(ActionOfferSponsorship(), turn("iurannya berat", "cannot_afford"))
    text = texts_of(msgs)
    assert "GN Lingkaran" in text and "Rp8.400" in text and slots == {"lead_type": "sponsorship_request"}
    assert buttons_of(msgs)[0] == {"title": "Ya, usulkan saya", "payload": "/affirm"}
    _, start, _ = await run(ActionLeadStart(), turn("ya", "affirm", slots={"lead_type": "sponsorship_request"}))
    assert start["lead_type"] == "sponsorship_request"


async def test_sponsorship_request_lead(db):
    msgs, _, _ = await submit(filled(lead_type="sponsorship_request"))
    assert "GN Lingkaran" in texts_of(msgs)
    [lead] = db.list_leads()
    assert lead.type == "sponsorship_request" and lead.eligibility["category"] == "BPU"


async def test_sponsor_offer_form_and_lead(db):
    _, start, _ = await run(ActionSponsorStart(), turn("saya mau membayari iuran pekerja", "sponsor_offer"))
    slots = dict(start)
    assert slots["lead_type"] == "sponsor_offer"
    requested = "donor_kind"
    for text, intent in [("perusahaan", "inform"), ("PT Nikel Sejahtera", "inform"), ("dua puluh orang", "inform"),
                         ("seluruh sultra", "inform"), ("ya setuju", "affirm"), ("Andi Rahman", "inform"),
                         ("081355512345", "inform")]:
        msgs, set_, _ = await run(SPONSOR, turn(text, intent, form="sponsor_form", requested=requested, slots=slots))
        slots.update(set_)
        requested = set_["requested_slot"]
    assert requested is None
    assert (slots["donor_kind"], slots["sponsor_organisation"], slots["sponsor_workers"], slots["sponsor_regency"]) \
        == ("csr", "PT Nikel Sejahtera", 20, "Seluruh Sulawesi Tenggara")
    msgs, _, _ = await run(ActionSubmitLead(), turn("x", slots=slots, latest_action="sponsor_form"))
    assert "Tawaran Anda sudah kami catat" in texts_of(msgs)
    [lead] = db.list_leads()
    assert (lead.type, lead.donor_kind, lead.sponsor_workers, lead.name, lead.phone) == (
        "sponsor_offer", "csr", 20, "Andi Rahman", "+6281355512345")


async def test_a_person_is_not_asked_for_an_organisation_and_consent_comes_before_the_name():
    slots = {"lead_type": "sponsor_offer"}
    _, set_, _ = await run(SPONSOR, turn("perorangan", "deny", 0.76, form="sponsor_form", requested="donor_kind",
                                         slots=slots))
    assert set_["donor_kind"] == "individual" and set_["requested_slot"] == "sponsor_workers"
    slots = {"lead_type": "sponsor_offer", "donor_kind": "family", "sponsor_workers": 1,
             "sponsor_regency": "Kota Kendari"}
    _, set_, _ = await run(SPONSOR, turn("tidak", "deny", form="sponsor_form", requested="consent", slots=slots))
    assert set_["consent"] == "no" and set_["requested_slot"] is None


@pytest.mark.parametrize("text,n", [("10", 10), ("25 pekerja", 25), ("lima", 5), ("dua puluh", 20),
                                    ("lima belas orang", 15), ("seratus", 100), ("tiga ratus", 300), ("banyak", None)])
def test_read_count(text, n):
    assert read_count(text) == n


# ------------------------------------------------------------------------------------------------ own data
async def test_data_saya_when_nothing_is_stored(db):
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert "tidak ada data pribadi Anda yang tersimpan" in texts_of(msgs)
    assert sum(db.event_counts("data_viewed").values()) == 1


async def test_data_saya_shows_the_lead_masked(db):
    await submit(filled())
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data", slots={"occupation": "nelayan", "age": 36}))
    text = texts_of(msgs)
    assert "Permintaan dibantu daftar" in text and "Siti Aminah" in text and "status: baru" in text
    assert "+62812****890" in text and "7401**********01" in text
    assert "+6281234567890" not in text and NIK not in text
    assert "nelayan, umur 36 tahun" in text  # what the conversation still uses
    assert "/delete_my_data" in [b["payload"] for b in buttons_of(msgs)]


async def test_data_saya_is_per_sender(db):
    await submit(filled())
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data", sender="rest:someone-else"))
    assert "tidak ada data pribadi" in texts_of(msgs)


async def test_status_saya_with_nothing_stored_offers_the_contact_request(db):
    msgs, _, _ = await run(ActionMyStatus(), turn("status pendaftaran saya", "ask_my_status"))
    assert "Belum ada permintaan atas nama Anda" in texts_of(msgs)
    assert buttons_of(msgs)[0]["payload"] == "/request_contact"   # starts the consent flow


async def test_status_saya_shows_the_newest_leads_without_nik_and_counts_the_rest(db):
    await submit(filled())
    for i in range(3):  # sponsor offers of the same sender: newest first, at most three shown
        db.upsert_lead(sender_id=SENDER, channel="telegram", type="sponsor_offer", name="Siti Aminah",
                       phone=f"+62812345678{i}0", consent_version=CONSENT_VERSION, donor_kind="family",
                       sponsor_workers=1)
    msgs, _, _ = await run(ActionMyStatus(), turn("sdh sampai mana pendaftaran saya", "ask_my_status"))
    text = texts_of(msgs)
    assert text.count("Tawaran membayari iuran") == 3 and "Permintaan dibantu daftar" not in text
    assert "Ada 1 permintaan lain yang lebih lama" in text and "Petugas GN Lingkaran" in text
    assert NIK not in text and "7401" not in text and "Siti" not in text


async def test_status_saya_when_the_store_is_down():
    provide(Store("postgresql://nobody@127.0.0.1:9/lingkar_nowhere"))
    try:
        msgs, _, _ = await run(ActionMyStatus(), turn("status saya", "ask_my_status"))
        assert "belum bisa dibuka karena gangguan sistem" in texts_of(msgs)
    finally:
        provide(None)


async def test_hapus_data_saya_asks_first_then_deletes_keeping_anonymous_counts(db):
    await submit(filled())
    before = db.funnel()
    msgs, slots, _ = await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data"))
    assert "1 permintaan" in texts_of(msgs) and slots == {"delete_pending": True}
    assert [b["payload"] for b in buttons_of(msgs)] == ["/affirm", "/deny"]
    assert db.count_leads() == 1  # nothing deleted before the confirmation
    msgs, set_, _ = await run(ActionDeleteMyData(), turn("ya", "affirm", slots={"delete_pending": True,
                                                                                 "occupation": "nelayan"}))
    assert "sudah dihapus" in texts_of(msgs) and set_["occupation"] is None and set_["delete_pending"] is False
    assert db.count_leads() == 0 and db.data_for_sender(SENDER)["leads"] == []
    assert db.counters("data_deletions") and db.funnel() == before


async def test_hapus_data_saya_declined_keeps_everything(db):
    await submit(filled())
    await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data"))
    msgs, _, _ = await run(ActionDeleteMyData(), turn("tidak", "deny", slots={"delete_pending": True}))
    assert "tidak dihapus" in texts_of(msgs) and db.count_leads() == 1


async def test_yes_without_a_pending_deletion_deletes_nothing(db):
    await submit(filled())
    msgs, _, _ = await run(ActionDeleteMyData(), turn("ya", "affirm", slots={"delete_pending": False}))
    assert db.count_leads() == 1 and msgs


async def test_hapus_data_saya_with_nothing_stored_forgets_the_conversation(db):
    msgs, slots, _ = await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data",
                                                           slots={"occupation": "petani", "age": 40}))
    assert "tidak ada yang perlu dihapus" in texts_of(msgs)
    assert slots["occupation"] is None and slots["age"] is None and slots["delete_pending"] is False


# ------------------------------------------------------------------------------------------------ free-text answers
@pytest.mark.parametrize("text,intent", [("hapus data saya", "delete_my_data"), ("cek kelayakan", "check_eligibility"),
                                         ("batal", "cancel"), ("/menu", "menu")])
async def test_a_control_message_is_never_taken_as_a_name(text, intent):
    msgs, slots, events = await lead_answer(text, "name", {"consent": "yes"}, intent=intent, confidence=0.95)
    assert slots == {"requested_slot": "name"} and msgs == []  # rejected: the rules handle it


@pytest.mark.parametrize("text", ["halo", "pagi", "ok"])   # "terima kasih" ends the form (test_forms_never_trap)
async def test_greetings_and_filler_are_not_names(text):
    msgs, slots, _ = await lead_answer(text, "name", {"consent": "yes"}, intent="greet")
    assert slots["name"] is None and "nama dengan huruf" in texts_of(msgs)


@pytest.mark.parametrize("text,name", [("Wa Ode Siti Nur Hasanah", "Wa Ode Siti Nur Hasanah"),
                                       ("nama saya la ode baco", "La Ode Baco"), ("SITTI RAHMA", "Sitti Rahma"),
                                       ("Andi Muh. Ridwan", "Andi Muh. Ridwan")])
async def test_names_as_people_write_them(text, name):
    _, slots, _ = await lead_answer(text, "name", {"consent": "yes"}, intent="ask_jp", confidence=0.6)
    assert slots["name"] == name


async def test_store_errors_are_logged_without_personal_data(monkeypatch, caplog, tmp_path):
    caplog.set_level(logging.INFO)
    provide(Store("postgresql://nobody@127.0.0.1:9/lingkar_nowhere"), migrate=True)
    await submit(filled(name="Wa Ode Rahasia"))
    assert "lead not saved" in caplog.text
    assert "Wa Ode Rahasia" not in caplog.text and "81234567890" not in caplog.text and NIK not in caplog.text


# ---- issue 9: what a form that stored nothing leaves behind, and the adapter's copy on deletion

FORM_ERASED = {"event": "slot", "timestamp": None, "name": "history_erased", "value": "form"}


async def test_cancelled_form_marks_its_answers_for_erasure():
    t = turn("batal", "cancel", form="lead_form", requested="phone", slots={"consent": "yes", "name": "Siti"})
    _, _, events = await run(ActionCancelForm(), t)
    assert FORM_ERASED in events  # rasa_plugins/stores.py erases what was typed into the form


async def test_refused_consent_marks_the_form_for_erasure(db):
    _, _, events = await run(ActionSubmitLead(), turn("tidak", "deny", slots={"lead_type": "enrolment",
                                                                             "consent": "no"}))
    assert FORM_ERASED in events and db.count_leads() == 0


async def test_saved_lead_keeps_its_form_answers(db):
    _, _, events = await submit(filled())
    assert FORM_ERASED not in events and db.count_leads() == 1


async def test_deletion_tells_the_adapter_to_forget_the_sender(db):
    await submit(filled())
    await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data"))
    msgs, _, _ = await run(ActionDeleteMyData(), turn("ya", "affirm", slots={"delete_pending": True}))
    assert {"forget_sender": True} in [m.get("custom") for m in msgs]
    assert "sudah dihapus" in texts_of(msgs)


async def test_deletion_with_nothing_stored_still_forgets_the_sender_in_the_adapter(db):
    msgs, _, _ = await run(ActionConfirmDelete(), turn("hapus data saya", "delete_my_data"))
    assert {"forget_sender": True} in [m.get("custom") for m in msgs]
