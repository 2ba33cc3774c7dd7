"""Forms that never trap (issue 12, item 2): leaving a form in one's own words, natural refusals of an optional
question, names with titles and abbreviations, a phone number typed at the name question, and questions asked
inside a form (also at the consent step) left to the rules instead of being read as answers. With rasa_sdk
trackers and a CollectingDispatcher, as the action server runs them."""
from __future__ import annotations

import pytest

from actions.eligibility import ActionEligibilityResult, ValidateEligibilityForm
from actions.forms import FAILURES_SLOT, LEFT, SKIPPED
from actions.leads import ActionSubmitLead, ValidateLeadForm, ValidateSponsorForm
from lingkar.form_words import is_closing, leaving, thanks_and_plan
from lingkar.leads import looks_like_phone, read_consent, read_name
from lingkar.store import current

from .conftest import run, texts_of, turn

LEAD = ValidateLeadForm()
ELIGIBILITY = ValidateEligibilityForm()
SPONSOR = ValidateSponsorForm()
LEAVING = ["sa bukan mau daftar. suami sa sudah meninggal", "tidak jadi", "ga jadi", "nanti saja", "lain kali",
           "sa tidak mau daftar", "tdk usah", "Gak jadi deh kak"]


def deactivated(events) -> bool:
    return {"event": "active_loop", "timestamp": None, "name": None} in events


# ------------------------------------------------------------------------------------------------ the lexicon
@pytest.mark.parametrize("text", LEAVING)
def test_leaving_words_end_a_form_at_a_required_question(text):
    assert leaving(text, optional=False) == "leave"


@pytest.mark.parametrize("text", ["tdk usah nik sa takut", "ga mau kasih nik", "nanti aja nik nya", "skip",
                                  "tidak punya ktp", "tdk usah"])
def test_natural_refusals_decline_an_optional_question(text):
    assert leaving(text, optional=True) == "decline"


@pytest.mark.parametrize("text", ["Siti Aminah", "7401015708900001", "0812 3456 7890", "nelayan", "tdk usah 7401",
                                  "nanti saja kalau sudah gajian berapa iurannya?"])
def test_answers_and_questions_are_not_leaving(text):
    assert leaving(text, optional=False) is None
    assert leaving(text, optional=True) in (None, "decline")  # a refusal only where the question is optional
    if any(c.isdigit() for c in text):
        assert leaving(text, optional=True) is None


def test_bukan_mau_daftar_ends_even_an_optional_question():
    assert leaving("bukan mau daftar", optional=True) == "leave"


# ------------------------------------------------------------------------------------------------ leaving a form
@pytest.mark.parametrize("text", LEAVING)
async def test_leaving_the_lead_form_in_own_words_keeps_nothing_personal(text, sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration",
             "consent": "yes", "name": "Siti", "phone": "+6281234567890"}
    # the phone question is required: "nanti saja" / "tdk usah" end the form there (they skip an optional one)
    msgs, set_, events = await run(LEAD, turn(text, "inform", 0.6, form="lead_form", requested="phone", slots=slots))
    assert deactivated(events) and set_["requested_slot"] is None
    assert set_["name"] is None and set_["phone"] is None and set_["consent"] is None
    assert set_["history_erased"] == "form" and set_[FAILURES_SLOT] == {LEFT: "lead_form"}
    assert "Data pribadi Anda tidak kami simpan" in texts_of(msgs)
    # the rule that follows the form (action_submit_lead) then says and stores nothing
    after = dict(slots, **{k: v for k, v in set_.items() if k != "requested_slot"})
    msgs, sub, _ = await run(ActionSubmitLead(), turn(text, slots=after, latest_action="lead_form"))
    assert msgs == [] and sub == {FAILURES_SLOT: None, "history_erased": "form"}
    assert current().count_leads() == 0


def test_a_form_left_in_own_words_is_erased_from_the_stored_conversation():
    """The events as Rasa writes them: the form's own events (the marker among them), its end, then
    action_submit_lead (which stays silent). The tracker store must see this run as unsaved."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    from rasa_plugins.stores import _form_windows

    events = [ActiveLoop("lead_form"), UserUttered("Siti Aminah"), SlotSet("name", "Siti Aminah"),
              UserUttered("nanti saja"), ActionExecuted("lead_form"), SlotSet("name", None),
              SlotSet("history_erased", "form"), SlotSet(FAILURES_SLOT, {LEFT: "lead_form"}),
              SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("action_submit_lead"),
              SlotSet(FAILURES_SLOT, None), SlotSet("history_erased", "form")]
    assert _form_windows(events) == [(0, 9, True)]


async def test_leaving_the_sponsor_form_says_the_sponsor_text(sqlite_db):
    t = turn("tidak jadi", "inform", 0.6, form="sponsor_form", requested="sponsor_organisation",
             slots={"lead_type": "sponsor_offer", "consent": "yes", "name": "Pak Desa"})
    msgs, set_, events = await run(SPONSOR, t)
    assert deactivated(events) and set_["name"] is None and set_[FAILURES_SLOT] == {LEFT: "sponsor_form"}
    assert msgs


@pytest.mark.parametrize("text,closes", [
    ("baik, terima kasih", True), ("ok sy diskusikan dulu dgn kepsek. mksh ya", True),
    ("ok nanti sy lapor ke pak desa. mksh", True), ("makasih", True),
    ("makasih, brp iurannya?", False),                  # a question: answered, the form goes on
    ("makasih, 0812 3456 7890", False),                 # an answer with thanks
    ("terima kasih atas penjelasannya, sy mau tanya lagi soal jht untuk istri sy", False),   # no plan, more to say
    ("Siti Aminah", False),
])
def test_thanks_that_close_the_conversation(text, closes):
    assert is_closing(text) is closes


@pytest.mark.parametrize("form,requested,slots", [
    (SPONSOR, "sponsor_workers", {"lead_type": "sponsor_offer", "donor_kind": "government"}),
    (LEAD, "name", {"lead_type": "enrolment", "lead_purpose": "registration", "consent": "yes"}),
])
async def test_thanks_at_a_question_end_the_form_with_the_thanks_answered(form, requested, slots, sqlite_db):
    name = "sponsor_form" if form is SPONSOR else "lead_form"
    msgs, set_, events = await run(form, turn("baik, terima kasih", "inform", 0.6, form=name, requested=requested,
                                              slots=slots))
    assert deactivated(events) and set_[FAILURES_SLOT] == {LEFT: name}
    out = texts_of(msgs)
    assert out.startswith("Sama-sama") and "tidak kami simpan" in out
    assert current().count_leads() == 0


async def test_the_widow_leaves_the_check_and_gets_no_result():
    t = turn("sa bukan mau daftar. suami sa sudah meninggal", "inform", 0.6, form="eligibility_form",
             requested="occupation")
    msgs, set_, events = await run(ELIGIBILITY, t)
    assert deactivated(events) and "occupation" not in set_ and set_[FAILURES_SLOT] == {LEFT: "eligibility_form"}
    assert "dibatalkan" in texts_of(msgs)
    msgs, after, _ = await run(ActionEligibilityResult(), turn("x", slots={FAILURES_SLOT: {LEFT: "eligibility_form"}},
                                                               latest_action="eligibility_form"))
    assert msgs == [] and after == {FAILURES_SLOT: None}


# ------------------------------------------------------------------------------------------------ optional NIK
@pytest.mark.parametrize("text", ["tdk usah nik sa takut", "ga mau kasih nik", "nanti aja nik nya", "skip",
                                  "tidak punya ktp"])
async def test_natural_refusals_skip_the_optional_nik(text):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration",
             "consent": "yes", "name": "Siti", "phone": "+6281234567890"}
    msgs, set_, events = await run(LEAD, turn(text, "nlu_fallback", 0.3, form="lead_form", requested="nik",
                                              slots=slots))
    assert set_["nik"] == SKIPPED and set_["requested_slot"] == "regency" and not deactivated(events)
    assert "dilewati" in texts_of(msgs)


# ------------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize("text", ["Muh. Arifin", "H. La Ode Muh. Saleh", "Wa Ode Siti", "Ir. Budi", "Drs. Hasan S.Pd",
                                  "Hj. Wa Ode Nurhayati, S.Pd."])
async def test_names_with_titles_and_abbreviations_are_kept_as_written(text):
    name, attempt = read_name(text)
    assert name == text.rstrip(".") and attempt
    _, set_, _ = await run(LEAD, turn(text, "inform", 0.5, form="lead_form", requested="name",
                                      slots={"lead_type": "enrolment", "lead_purpose": "registration",
                                             "consent": "yes"}))
    assert set_["name"] == text.rstrip(".") and set_["requested_slot"] == "phone"


@pytest.mark.parametrize("text", ["081234567890", "0812 3456 7890", "+62 812-3456-7890", "wa 0812345678"])
async def test_a_phone_number_at_the_name_question_is_no_name_and_no_failure(text):
    assert looks_like_phone(text) and read_name(text) == (None, False)
    failures = {"slot": "name", "count": 2, "stuck": False}  # one more failure would give up on the question
    msgs, set_, events = await run(LEAD, turn(text, "inform", 0.9, form="lead_form", requested="name",
                                              slots={"lead_type": "enrolment", "lead_purpose": "registration",
                                                     "consent": "yes",
                                                     FAILURES_SLOT: failures}))
    assert "name" not in set_ and set_["requested_slot"] == "name" and set_[FAILURES_SLOT] == failures
    assert "nomor HP" in texts_of(msgs) and not deactivated(events)


# ------------------------------------------------------------------------------------------------ questions
async def test_a_question_at_the_organisation_question_is_not_its_name():
    t = turn("bisa iurannya dibayar pakai dana desa?", "nlu_fallback", 0.3, form="sponsor_form",
             requested="sponsor_organisation", slots={"lead_type": "sponsor_offer", "consent": "yes",
                                                      "donor_kind": "government"})
    msgs, set_, events = await run(SPONSOR, t)
    assert set_ == {"requested_slot": "sponsor_organisation"} and len(events) == 1 and msgs == []


async def test_a_question_that_names_a_choice_in_passing_is_not_the_choice():
    # "desa" is a donor kind, but the village head asks whether village funds may pay: answered, then asked again
    t = turn("bisa kah Dana Desa dipakai bayar iuran BPJS TK warga rentan?", "ask_gn_lingkaran", 0.5,
             form="sponsor_form", requested="donor_kind", slots={"lead_type": "sponsor_offer"})
    msgs, set_, events = await run(SPONSOR, t)
    assert set_ == {"requested_slot": "donor_kind"} and msgs == []
    # the choice typed as an answer still counts
    msgs, set_, _ = await run(SPONSOR, turn("pemerintah desa", "inform", 0.6, form="sponsor_form",
                                            requested="donor_kind", slots={"lead_type": "sponsor_offer"}))
    assert set_.get("donor_kind")


async def test_a_question_that_only_repeats_the_known_work_is_left_to_the_rules():
    # "kebun" reads as the farmer's work, already known: the message is its question, not facts given
    t = turn("kalau sy meninggal ketimpa pohon tumbang di kebun?", "nlu_fallback", 0.4, form="eligibility_form",
             requested="age", slots={"occupation": "petani"})
    msgs, set_, events = await run(ELIGIBILITY, t)
    assert set(set_) <= {"requested_slot"} and msgs == [] and not deactivated(events)


async def test_a_question_inside_the_check_is_not_a_failed_answer():
    msgs, set_, events = await run(ELIGIBILITY, turn("jadi kalo baru 2 bulan tidak bayar masih dapat ji kah?",
                                                     "nlu_fallback", 0.3, form="eligibility_form",
                                                     requested="occupation"))
    assert "occupation" not in set_ and msgs == [] and not deactivated(events)


async def test_a_question_with_an_implausible_number_at_the_age_question_is_left_to_the_rules():
    # a child's age (the parser may still read it as the worker's) inside a question: no "salah ketik" complaint
    msgs, set_, events = await run(ELIGIBILITY, turn("anak sa satu, umur 3 tahun, beasiswa dapat kah?", "ask_jkm", 0.6,
                                                     form="eligibility_form", requested="age",
                                                     slots={"occupation": "petani"}))
    assert set(set_) <= {"requested_slot"} and msgs == [] and not deactivated(events)
    # the same number as a plain answer is still a wrong age
    msgs, set_, _ = await run(ELIGIBILITY, turn("umur 3 tahun", "inform", 0.9, form="eligibility_form",
                                                requested="age", slots={"occupation": "petani"}))
    assert "salah ketik" in texts_of(msgs) and set_.get("age") is None


async def test_a_question_inside_the_check_that_names_a_place_is_left_to_the_rules():
    # "andoolo" is a regency seat, but the message asks about paying: no value is taken, so Rasa's rules answer it
    text = "pale bgmn caranya bayar, bank cuma ada di andoolo. ada agen kah yg bisa datang ke kampung?"
    msgs, set_, events = await run(ELIGIBILITY, turn(text, "ask_payment", 0.8, form="eligibility_form",
                                                     requested="age", slots={"occupation": "petani"}))
    assert set(set_) <= {"requested_slot"} and msgs == [] and not deactivated(events)
    # also when the NLU is unsure of the topic: a question with an amount is not an answer to "umur?"
    msgs, set_, events = await run(ELIGIBILITY, turn("trus klo bln dpn penghasilan naik jd 2,5 jt, iurannya brp?",
                                                     "ask_contribution_bpu", 0.3, form="eligibility_form",
                                                     requested="age", slots={"occupation": "pedagang"}))
    assert set(set_) <= {"requested_slot"} and msgs == [] and not deactivated(events)
    # the answer to the question asked still counts: the age is taken with the place
    msgs, set_, _ = await run(ELIGIBILITY, turn("umur sy 44, di andoolo. bisa bayar di agen?", "ask_payment", 0.8,
                                                form="eligibility_form", requested="age",
                                                slots={"occupation": "petani"}))
    assert set_.get("age") == 44


async def test_thinking_it_over_ends_the_check():
    msgs, set_, events = await run(ELIGIBILITY, turn("sip, makasih banyak. nanti sa pikir2 dulu sama istri", "thank",
                                                     0.7, form="eligibility_form", requested="age",
                                                     slots={"occupation": "petani"}))
    assert deactivated(events) and set_[FAILURES_SLOT] == {LEFT: "eligibility_form"}


async def test_a_question_about_the_data_at_the_consent_step_is_no_refusal(sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration"}
    t = turn("sebelum sy setuju, data ini dipakai utk apa sj? ndak dijual kan", "deny", 0.9, form="lead_form",
             requested="consent", slots=slots)
    msgs, set_, events = await run(LEAD, t)
    assert set_.get("consent") is None and set_["requested_slot"] == "consent" and not deactivated(events)
    # a plain "tidak" is still a refusal
    _, set_, _ = await run(LEAD, turn("tidak", "deny", 0.9, form="lead_form", requested="consent", slots=slots))
    assert set_.get("consent") == "no"


@pytest.mark.parametrize("text,closing", [
    ("ok sa daftar bulan ini aja biar dpt diskon desember. makasih", True),   # an acknowledgement and thanks
    ("oke makasih pak, nanti sy daftar sendiri lwt hp", True),                 # thanks and a plan
    ("iye makasih nak, nanti sy minta tolong anakku yg sulung telpon", True),
    ("makasih, iurannya brp?", False),                                         # a question after the thanks
    ("ok makasih, klo jkp brp", False),
    ("sy mau daftar diskon desember", False),                                  # no thanks
])
def test_thanks_with_a_plan_or_an_acknowledgement_close(text, closing):
    assert thanks_and_plan(text) is closing


@pytest.mark.parametrize("text", ["NIK nanti dulu di, sa tida mau kasih NIK lewat WA", "ktp sy tdk mau kasih, takut"])
async def test_refusing_the_nik_before_it_is_asked_skips_it_and_keeps_the_form(text, sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration"}
    msgs, set_, events = await run(LEAD, turn(text, "deny", 0.6, form="lead_form", requested="consent", slots=slots))
    assert set_.get("nik") == SKIPPED and "consent" not in set_ and not deactivated(events)
    assert "NIK tidak wajib" in texts_of(msgs)


async def test_leaving_words_without_the_nik_still_end_the_form(sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration"}
    _, _, events = await run(LEAD, turn("nanti saja", "deny", 0.6, form="lead_form", requested="consent", slots=slots))
    assert deactivated(events)


@pytest.mark.parametrize("text", ["nanti sore aja ya, makasih", "besok pagi saja, terima kasih"])
async def test_an_answer_with_thanks_at_the_last_question_is_an_answer_not_a_goodbye(text, sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration", "consent": "yes", "name": "Siti",
             "phone": "+6281234567890", "nik": SKIPPED, "regency": "Kota Kendari"}
    msgs, set_, events = await run(LEAD, turn(text, "thank", 0.7, form="lead_form", requested="contact_time",
                                              slots=slots))
    assert not deactivated(events) and set_.get("contact_time") and set_.get(FAILURES_SLOT) != {LEFT: "lead_form"}


async def test_ok_with_closing_thanks_at_the_consent_question_is_no_agreement(sqlite_db):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration"}
    msgs, set_, events = await run(LEAD, turn("ok sy diskusikan dulu dgn kepsek. mksh ya", "affirm", 0.6,
                                              form="lead_form", requested="consent", slots=slots))
    assert deactivated(events) and set_.get("consent") != "yes"


@pytest.mark.parametrize("text,expected", [
    ("ok makasih, sa mo daftar lewat agen saja", "no"),     # an "ok" that registers another way is no agreement
    ("ok sy daftar sendiri lwt jmo aja", "no"),
    ("ok, saya setuju", "yes"), ("iya", "yes"), ("oke boleh, hubungi sy lewat wa", "yes"),
    ("ok daftar lewat agen boleh, hubungi saya", "yes"),
])
def test_registering_another_way_at_the_consent_question_is_no_consent(text, expected):
    assert read_consent(text, "affirm", 0.9) == expected


async def test_an_income_with_a_cost_question_at_another_question_gets_its_figures_before_the_check_goes_on():
    # "penghasilan sy 1,5 juta, iurannya berapa?" when the check asks the age: the figures for that income first,
    # the income is taken, and the check goes on
    msgs, set_, events = await run(ELIGIBILITY, turn("penghasilan sy sekitar 1,5 juta sebulan, iurannya berapa?",
                                                     "check_eligibility", 0.95, form="eligibility_form",
                                                     requested="age", slots={"occupation": "petani"}))
    assert "Rp1.500.000" in texts_of(msgs) and "JKM" in texts_of(msgs)
    assert set_.get("income") == 1_500_000 and not deactivated(events)
