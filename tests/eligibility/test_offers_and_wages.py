"""A plain "yes" to the bot's offer presses the offer's button; a question with a wage gets that wage's figures rather
than a check that first asks the worker's age; a phone number told outside a form is not stored; putting joining off
("nanti saja dulu, tanya2 dulu ji") is no question to clarify. With rasa_sdk trackers as the action server sees them.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from actions.answers import ActionAnswer, ActionClarify, ActionDefaultFallback, accepted_offer
from actions.eligibility import ActionInform, ValidateEligibilityForm
from actions.forms import FAILURES_SLOT
from actions.leads import ValidateLeadForm
from lingkar.form_words import postpones
from lingkar.leads import offered_phone
from lingkar.signals import programme_over_check

from .conftest import parse_data, run, texts_of, turn
from .test_follow_up_start import activated, ended

CHECK_OFFER = {"event": "bot", "text": "Mau saya cek juga program dan iuran yang cocok untuk pekerjaan Anda?",
               "data": {"buttons": [{"title": "Cek iuran saya", "payload": "/check_eligibility"},
                                    {"title": "Menu utama", "payload": "/menu"}]}}
PLAIN_ANSWER = {"event": "bot", "text": "Iuran pekerja mandiri mulai Rp16.800 per bulan.", "data": {}}


def user(text: str, intent: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": parse_data(text, intent, 0.9)}


def asked_then(bot: List[Dict[str, Any]], text: str = "iya cek", intent: str = "affirm"):
    """The tracker after the worker's question, the bot's reply ``bot`` and the worker's ``text``."""
    before = [{"event": "action", "name": "action_listen"}, user("iuran nelayan brp?", "ask_contribution_bpu"),
              {"event": "action", "name": "action_answer"}, *bot]
    return turn(text, intent, 0.8, before=before)


def pressed(events) -> List[Dict[str, Any]]:
    return [e for e in events if e.get("event") == "user"]


async def test_a_yes_to_an_offer_is_its_button_pressed():
    msgs, _, events = await run(ActionAnswer(), asked_then([PLAIN_ANSWER, CHECK_OFFER]))
    [again] = pressed(events)
    assert events[0]["event"] == "rewind" and again["text"] == "/check_eligibility"
    assert again["parse_data"]["intent"]["name"] == "check_eligibility" and not msgs
    # the channel's metadata goes with it (the agent credited, the channel known)
    assert again["metadata"]["channel"] == "telegram"


@pytest.mark.parametrize("bot,text", [
    ([PLAIN_ANSWER], "iya"),                                       # no offer in the last turn
    ([CHECK_OFFER], "iya, tapi brp iurannya kalau nelayan?"),      # a yes that asks more
    ([CHECK_OFFER], "iya sy sdh paham, nanti sy pikir2 dulu sama istri sy"),  # more than a yes
])
async def test_a_yes_that_accepts_nothing_is_answered_as_usual(bot, text):
    tracker = asked_then(bot, text)
    assert accepted_offer(tracker) is None
    _, _, events = await run(ActionAnswer(), tracker)
    assert not pressed(events)


def test_an_offer_answered_before_is_not_accepted_again():
    before = [user("iuran nelayan brp?", "ask_contribution_bpu"), CHECK_OFFER, user("jkm itu apa?", "ask_jkm"),
              PLAIN_ANSWER]
    assert accepted_offer(turn("iya", "affirm", 0.9, before=before)) is None


async def test_wage_questions_of_an_employer_get_the_staff_figures_not_the_check():
    # the staff in the message itself: the whole contribution answer with that wage's shares
    text = "sa punya bengkel, 5 mekanik gaji masing2 2,5 juta. kira2 sa hrs setor brp sebulan utk jht?"
    msgs, set_, events = await run(ValidateEligibilityForm(), activated(text, earlier=()))
    said = texts_of(msgs)
    assert "3,7%" in said and "Rp92.500" in said and "Apa pekerjaan" not in said
    assert ended(events) and set_[FAILURES_SLOT] == {"answered_instead": "ask_contribution_pu"}
    assert "income" not in set_  # the staff's wage is not the employer's income
    # "mereka" after an employer's question: that wage's figures
    earlier = (user("sy punya toko, ada 3 karyawan. iuran bpjs nya brp?", "ask_contribution_pu"),)
    msgs, _, events = await run(ValidateEligibilityForm(),
                                activated("berapa iurannya kalau gaji mereka 1,5 juta?", earlier=earlier))
    assert "Rp1.500.000" in texts_of(msgs) and ended(events)


async def test_a_wage_question_a_few_turns_after_a_benefit_gets_its_figures():
    earlier = (user("jkp dapat brp kalau kena phk?", "ask_jkp"), user("syaratnya apa saja?", "ask_jkp_conditions"))
    msgs, set_, events = await run(ValidateEligibilityForm(), activated("gaji sy 2,8 jt, dpt brp?", earlier=earlier))
    said = texts_of(msgs)
    assert "Rp1.680.000" in said and "Apa pekerjaan" not in said and ended(events)
    # without a benefit before, "dpt brp?" with a wage is the check's question: it starts
    _, _, events = await run(ValidateEligibilityForm(), activated("gaji sy 2,8 jt, dpt brp?", earlier=()))
    assert not ended(events)


async def test_an_own_wage_question_with_the_work_known_answers_and_keeps_the_wage():
    tracker = activated("penghasilan sa 3 juta sebulan, jadi iurannya berapa?", earlier=())
    tracker.slots["occupation"] = "nelayan"
    msgs, set_, events = await run(ValidateEligibilityForm(), tracker)
    said = texts_of(msgs)
    assert ended(events) and set_["income"] == 3_000_000 and "Apa pekerjaan" not in said
    assert "Mau saya cek" in said  # the check offered, not started


@pytest.mark.parametrize("text,phone", [
    ("no wa sy 0853-4210-7789", True),
    ("ini nomor sy 081234567890 tlg dihubungi", True),
    ("nomor telpon bpjs brp?", False),
    ("0853-4210-7789 ini nomor siapa?", False),   # asks about a number
    ("gaji sy 2,5 juta", False),
])
def test_a_phone_number_offered(text, phone):
    assert offered_phone(text) is phone


async def test_a_phone_number_told_outside_a_form_is_not_kept_and_contact_is_offered():
    msgs, set_, _ = await run(ActionInform(), turn("no wa sy 0853-4210-7789", "inform", 0.8))
    assert "belum ada yang saya simpan" in texts_of(msgs) and "phone" not in set_


@pytest.mark.parametrize("text,puts_off", [
    ("hmm nanti saja dulu deh, bukan mau daftar skrg, tanya2 dulu ji", True),
    ("nanti saja", True),
    ("nanti kalau sy daftar iurannya brp?", False),   # a question
    ("/deny", False),
    ("sy nelayan di kendari", False),
])
def test_putting_joining_off(text, puts_off):
    assert postpones(text) is puts_off


async def test_putting_off_is_taken_kindly_not_clarified():
    text = "hmm nanti saja dulu deh, bukan mau daftar skrg, tanya2 dulu ji"
    msgs, _, _ = await run(ActionDefaultFallback(), turn(text, "nlu_fallback", 0.3))
    said = texts_of(msgs)
    assert "tidak apa-apa" in said and "kurang yakin" not in said
    msgs, _, _ = await run(ActionAnswer(), turn(text, "ask_register", 0.5))
    assert "tidak apa-apa" in texts_of(msgs)


async def test_putting_off_to_ask_first_is_no_goodbye():
    text = "eh nanti saja deh, sy mau tanya2 dulu"   # "tanya2" is a word, not a number
    msgs, _, _ = await run(ActionAnswer(), turn(text, "goodbye", 0.8))
    said = texts_of(msgs)
    assert "tidak apa-apa" in said and "Sampai jumpa" not in said
    msgs, _, _ = await run(ActionClarify(), turn("eh tdk jadi, bukan mau daftar, sy cuma mau tanya utk adik sy",
                                                 "nlu_fallback", 0.4))
    assert "tidak apa-apa" in texts_of(msgs) and "Cara daftar" not in texts_of(msgs)


async def test_a_request_for_other_peoples_data_at_the_consent_question_is_no_agreement(sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration"}
    _, set_, _ = await run(ValidateLeadForm(), turn("ok kalau gitu cek saldo jht NIK 7471021203850001 punya sodara sy",
                                                    "my_data", 1.0, form="lead_form", requested="consent",
                                                    slots=slots))
    assert set_.get("consent") != "yes"


@pytest.mark.parametrize("text", [
    "iye bu, kalo sa petani jambu mete di muna barat, bisaji ikut jaminan pensiun kah?",
    "Sy staf admin di hotel, umur 45, gaji 6 jt. Kalau berhenti, iuran jp sy hilang kah? sy blm 15 thn.",
])
async def test_a_programme_asked_inside_a_self_description_is_answered_not_checked(text):
    msgs, set_, events = await run(ValidateEligibilityForm(), activated(text, earlier=()))
    said = texts_of(msgs)
    assert "JP (Jaminan Pensiun)" in said and "Apa pekerjaan" not in said and "Berapa umur" not in said
    assert ended(events) and set_[FAILURES_SLOT] == {"answered_instead": "ask_jp"}


async def test_an_owner_asking_whether_they_can_join_gets_who_can_join_and_the_owners_detail():
    msgs, set_, events = await run(ValidateEligibilityForm(),
                                   activated("Saya sendiri sebagai pemilik, bisa ikut juga?", earlier=()))
    said = texts_of(msgs)
    assert "Pemilik usaha (pemberi kerja) sendiri ikut sebagai pekerja mandiri" in said and "Berapa umur" not in said
    assert ended(events) and set_[FAILURES_SLOT] == {"answered_instead": "ask_who_can_join"}


async def test_a_cost_question_with_a_programme_is_no_programme_question_but_gets_its_figures():
    assert programme_over_check("sy karyawan gaji 3 jt, iuran jp sy brp?") is None
    tracker = activated("sy karyawan gaji 3 jt, iuran jp sy brp?", earlier=())
    msgs, _, _ = await run(ValidateEligibilityForm(), tracker)
    assert "pekerja 1% Rp30.000" in texts_of(msgs)   # the wage's JP share (wage_question_topic), not a check


async def test_a_scam_question_read_as_the_check_gets_the_warning():
    text = "sa dapat sms katanya sa menang undian bpjs 50 juta, harus transfer pajak dulu 2 juta. benar kah?"
    msgs, _, events = await run(ValidateEligibilityForm(), activated(text, earlier=()))
    said = texts_of(msgs)
    assert "penipuan" in said and "Apa pekerjaan" not in said and ended(events)


async def test_an_age_limit_question_gets_its_detail_before_the_check_goes_on():
    text = "sa umur 57 mi, berkebun coklat di pasarwajo buton. masih bisaji daftar bpjs tk kah? ada batas umur kah?"
    msgs, _, events = await run(ValidateEligibilityForm(), activated(text, earlier=()))
    said = texts_of(msgs)
    assert "batas usia" in said and "175" in said and not ended(events)


def test_staff_counted_after_the_noun_are_an_employers():
    from actions.answers import STAFF
    assert STAFF.search("bengkel las kecil di Kolaka, karyawan 4 org, gaji masing2 2,5 jt")
    assert STAFF.search("karyawan sy ada 5 orang")
    assert not STAFF.search("pekerjaan sy 2 orang") and not STAFF.search("umur 45, 2 org anak")


async def test_an_offer_that_asks_about_village_funds_is_answered_before_the_form_asks(sqlite_db):
    from actions.leads import ActionSponsorStart
    text = "Saya Kepala Desa di Konawe. Apakah Dana Desa dapat digunakan untuk membayar iuran pekerja rentan?"
    msgs, _, _ = await run(ActionSponsorStart(), turn(text, "sponsor_offer", 0.5))
    said = texts_of(msgs)
    assert said.index("Dana Desa") < said.index("Terima kasih atas niat baiknya")
    assert "diskon" in said  # contributions paid from a government budget get no PP 50/2025 discount
    msgs, _, _ = await run(ActionSponsorStart(), turn("sy mau bayarin iuran 10 nelayan", "sponsor_offer", 0.9))
    assert "Dana Desa" not in texts_of(msgs)


async def test_thanks_with_a_plan_the_nlu_could_not_place_are_thanks():
    msgs, _, _ = await run(ActionClarify(), turn("ok nanti sy lapor ke pak desa. mksh", "nlu_fallback", 0.4))
    said = texts_of(msgs)
    assert "Sama-sama" in said and "kurang yakin" not in said


async def test_a_wage_and_a_jp_share_question_is_the_jp_share_not_the_check():
    msgs, _, events = await run(ValidateEligibilityForm(), activated("gaji sy 12 jt, potongan jp sy brp?", earlier=()))
    said = texts_of(msgs)
    assert "Rp110.863" in said and "Apa pekerjaan" not in said and ended(events)


async def test_a_wage_after_a_death_gets_what_the_work_accident_pays_for_it():
    earlier = (user("Suami saya meninggal tertimbun longsor di tambang tempat dia kerja", "ask_claim_jkm"),)
    msgs, _, events = await run(ValidateEligibilityForm(),
                                activated("Gaji suami saya 6 juta sebulan. Jadi berapa kira-kira?", earlier=earlier))
    said = texts_of(msgs)
    assert "Rp288.000.000" in said and "Apa pekerjaan" not in said and ended(events)
    assert "utamakan berobat" not in said   # the figures alone, not an injured worker's claim answer


async def test_a_question_that_says_where_the_worker_is_is_answered_not_taken_as_the_answer():
    slots = {"occupation": "nelayan", "age": 30}
    tracker = turn("di wangi-wangi tida ada kantor bpjs, bayar di kantor pos bisa?", "nlu_fallback", 0.4,
                   form="eligibility_form", requested="income", slots=slots,
                   entities=[{"entity": "regency", "value": "Kabupaten Wakatobi"}])
    msgs, set_, events = await run(ValidateEligibilityForm(), tracker)
    # no value taken: Rasa's rules answer it, then the form asks its question again
    assert set(set_) <= {"requested_slot"} and msgs == [] and not ended(events)


async def test_a_count_of_workers_in_the_sponsor_form_gets_the_sponsors_sum_not_a_note_of_the_work():
    # a village head at "Anda mewakili siapa?": the workers' occupations are theirs, not the sender's
    t = turn("warga sy 80 org nelayan & petani, brp per bulan totalnya?", "inform", 0.5, form="sponsor_form",
             requested="donor_kind", slots={"lead_type": "sponsor_offer"})
    msgs, set_, _ = await run(ActionInform(), t)
    assert "Untuk 80 orang: 80 x Rp16.800 = Rp1.344.000 per bulan" in texts_of(msgs)
    assert "occupation" not in set_ and "saya catat" not in texts_of(msgs)
