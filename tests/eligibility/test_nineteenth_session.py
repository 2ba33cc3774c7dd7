"""Issue 12, nineteenth session: a consent given with a name and number ("boleh, sy setuju. sy Abdul Rahim, no hp
0821…"), or after them ("nama sy Ardi, no 0812…", then "iya setuju"), takes them without asking again; a request to
erase at any question of a form is never read as an answer; a correction of the months paid at once ("eh salah, 3
bln aja") or of a sponsor's count ("eh salah, 11 org") inside a form gets the new total and the form goes on. Real
form actions on rasa_sdk trackers."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import figures_follow_up, prepay_follow_up_line
from actions.leads import ValidateLeadForm, ValidateSponsorForm
from lingkar.facts import format_rupiah, get_facts
from lingkar.leads import details_given
from lingkar.wage_figures import arrears_line, month_amounts, owed_months, prepay_line, worker_for

from .conftest import parse_data, run, turn

LEAD = ValidateLeadForm()
SPONSOR = ValidateSponsorForm()
TODAY = dt.date(2026, 12, 8)


def _before(*texts: str) -> list:
    return [{"event": "user", "text": t, "parse_data": parse_data(t)} for t in texts]


# ------------------------------------------------------------------------------ a name given with the consent
@pytest.mark.parametrize("text,name,phone", [
    ("boleh, sy setuju. sy Abdul Rahim, no hp 0821 4455 7788", "Abdul Rahim", "+6282144557788"),
    ("setuju. Abdul Rahim 0812 3456 7890", "Abdul Rahim", "+6281234567890"),
    ("ok, sy setuju. Wa Ode Sari, 0813-4455-6677, terima kasih", "Wa Ode Sari", "+6281344556677"),
    ("iya setuju. La Ode Muh. Saleh 0812 3456 7890", "La Ode Muh. Saleh", "+6281234567890"),
    ("boleh,   sy setuju.\n sy Abdul Rahim,  no hp 0821 4455 7788", "Abdul Rahim", "+6282144557788"),
])
def test_a_name_and_number_after_the_consent_words(text, name, phone):
    assert details_given(text) == {"name": name, "phone": phone}


@pytest.mark.parametrize("text", ["iya setuju, sy tunggu telpon di 0812 3456 7890",
                                  "ya boleh, sy di kendari 0812 3456 7890",
                                  "iya setuju, hubungi sy di 0812 3456 7890 ya", "ya setuju"])
def test_words_beside_a_number_are_no_name(text):
    assert details_given(text) == {}


async def test_consent_with_name_and_number_fills_both():
    msgs, slots, _ = await run(LEAD, turn("boleh, sy setuju. sy Abdul Rahim, no hp 0821 4455 7788", "affirm", 0.9,
                                          form="lead_form", requested="consent",
                                          slots={"lead_type": "enrolment", "lead_purpose": "registration"}))
    assert slots["consent"] == "yes" and slots["name"] == "Abdul Rahim" and slots["phone"] == "+6282144557788"
    assert slots["requested_slot"] not in ("name", "phone")


async def test_name_and_number_told_before_the_consent_are_taken_once_it_is_given():
    before = _before("sy minta dihubungi petugas aja, nama sy Ardi, no 0812 9988 7766")
    msgs, slots, _ = await run(LEAD, turn("iya setuju", "affirm", 0.95, form="lead_form", requested="consent",
                                          slots={"lead_type": "enrolment", "lead_purpose": "registration"},
                                          before=before))
    assert slots["consent"] == "yes" and slots["name"] == "Ardi" and slots["phone"] == "+6281299887766"


async def test_without_consent_nothing_told_before_is_taken():
    before = _before("sy minta dihubungi petugas aja, nama sy Ardi, no 0812 9988 7766")
    msgs, slots, _ = await run(LEAD, turn("tidak setuju", "deny", 0.95, form="lead_form", requested="consent",
                                          slots={"lead_type": "enrolment", "lead_purpose": "registration"},
                                          before=before))
    assert "name" not in slots and "phone" not in slots


# ------------------------------------------------------------------------------ erasing is never an answer
@pytest.mark.parametrize("requested", ["nik", "name", "contact_time"])
async def test_a_request_to_erase_at_any_question_is_no_answer(requested):
    slots = {"lead_type": "enrolment", "lead_purpose": "registration", "consent": "yes", "name": "Ardi",
             "phone": "+6281299887766"}
    msgs, set_, events = await run(LEAD, turn("eh, hapus data saya ya, sy takut ketahuan kantor", "delete_my_data",
                                              0.98, form="lead_form", requested=requested, slots=slots))
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": requested}]
    assert not msgs


# ------------------------------------------------------------------------------ corrections of the figures
def test_a_correction_of_the_months_paid_at_once(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())
    t = turn("eh salah, 3 bln aja", before=_before("sy mau bayar 6 bln skaligus mulai desember ini, brp?"),
             slots={"occupation": "ojol"})
    line = prepay_follow_up_line(t, "eh salah, 3 bln aja")
    assert line == prepay_line("ojol", None, "bayar 3 bulan sekaligus mulai desember", TODAY)
    assert "3 bulan" in line


def test_months_asked_with_jht_after_a_prepayment(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())
    text = "klo tambah JHT jg, 3 bln jd brp?"
    t = turn(text, "ask_contribution_bpu", before=_before("sy mau bayar 6 bln skaligus mulai desember ini, brp?",
                                                            "eh salah, 3 bln aja"), slots={"occupation": "ojol"})
    assert prepay_follow_up_line(t, text) == prepay_line("ojol", None, "bayar 3 bulan sekaligus mulai desember",
                                                         TODAY, with_jht=True)


@pytest.mark.parametrize("text", ["sdh 3 bln blm bayar gmn?", "eh salah, 3 bln aja"])
def test_months_without_a_prepayment_before_or_in_arrears_are_not_one(text, monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())
    before = _before("sy mau bayar 6 bln skaligus mulai desember ini, brp?") if "blm" in text else \
        _before("iurannya brp?")
    assert prepay_follow_up_line(turn(text, before=before), text) is None


def test_a_sponsor_s_count_corrected_at_the_form_s_question():
    before = _before("kami mau bantu bayar bpjs tk utk jemaat yg kerja serabutan", "utk 8 org brp sebulan?")
    t = turn("eh salah, 11 org", form="sponsor_form", requested="donor_kind", before=before)
    assert figures_follow_up(t, "donor_kind")
    assert not figures_follow_up(t, "sponsor_workers")  # there the count is the answer


async def test_the_sponsor_form_leaves_the_correction_to_the_rules_and_asks_again():
    before = _before("kami mau bantu bayar bpjs tk utk jemaat yg kerja serabutan", "utk 8 org brp sebulan?")
    msgs, slots, events = await run(SPONSOR, turn("eh salah, 11 org", form="sponsor_form", requested="donor_kind",
                                                  before=before))
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": "donor_kind"}]


# ------------------------------------------------------------------------------ months owed, named
@pytest.mark.parametrize("text,first,months", [
    ("brp yg hrs sy bayar skrg utk oktober, november, sama desember?", dt.date(2026, 10, 1), 3),
    ("bayar oktober sampai desember brp?", dt.date(2026, 10, 1), 3),
    ("bayar november dan desember", dt.date(2026, 11, 1), 2),
])
def test_months_named_up_to_now_are_owed(text, first, months):
    assert owed_months(text, TODAY) == (first, months)
    line = arrears_line("pedagang", None, text, TODAY)
    plan = month_amounts(worker_for("pedagang"), None, first, months, get_facts())
    assert line and f"total {format_rupiah(plan.total)}" in line and "tanpa denda" in line


@pytest.mark.parametrize("text", ["bayar desember, januari dan februari sekaligus", "bayar oktober dan desember",
                                  "bayar mei sampai desember", "bayar september, oktober, november"])
def test_months_ahead_gaps_and_lapsed_months_are_not_owed_months(text):
    assert arrears_line("pedagang", None, text, TODAY) is None  # ahead, not consecutive, or membership ended


def test_months_owed_are_not_priced_as_next_year_s():
    assert prepay_line("pedagang", None, "bayar oktober, november, sama desember sekaligus", TODAY) is None
    assert prepay_line("pedagang", None, "bayar desember, januari sama februari sekaligus", TODAY)
