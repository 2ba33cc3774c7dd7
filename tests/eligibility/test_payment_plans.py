"""Several contribution months at once (issue 13): prepaying 3/6/12 months and paying arrears are priced per
contribution month, so a payment across a PP 50/2025 window's end shows each month with its own amount."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.eligibility import ActionInform
from lingkar.calculator import arrears_plan, assess, month_amounts, prepay_plans, worker_for
from lingkar.eligibility import assess_slots, render_result

from .conftest import run, texts_of, turn

D = dt.date


def _runs(plan):
    return [(r.first, r.last, r.amount) for r in plan.runs]


@pytest.mark.parametrize("occupation,income,first,count,runs", [
    # a fisher (other BPU: contribution months April-December 2026) prepaying six months on 1 December 2026
    ("nelayan", None, D(2026, 12, 1), 6, [(D(2026, 12, 1), D(2026, 12, 1), 8_400),
                                          (D(2027, 1, 1), D(2027, 5, 1), 16_800)]),
    ("nelayan", 1_000_000, D(2026, 11, 30), 3, [(D(2026, 11, 1), D(2026, 12, 1), 8_400),
                                                (D(2027, 1, 1), D(2027, 1, 1), 16_800)]),
    ("nelayan", None, D(2026, 3, 15), 3, [(D(2026, 3, 1), D(2026, 3, 1), 16_800),      # before the window opens
                                          (D(2026, 4, 1), D(2026, 5, 1), 8_400)]),
    ("nelayan", None, D(2027, 1, 1), 3, [(D(2027, 1, 1), D(2027, 3, 1), 16_800)]),     # after it: all normal
    # the second bracket: JKK Rp6.000 + JKM Rp3.400 discounted, Rp18.800 normal
    ("petani", 1_200_000, D(2026, 12, 1), 3, [(D(2026, 12, 1), D(2026, 12, 1), 9_400),
                                              (D(2027, 1, 1), D(2027, 2, 1), 18_800)]),
    # transport BPU: contribution months January 2026 - March 2027
    ("ojol", None, D(2026, 12, 1), 6, [(D(2026, 12, 1), D(2027, 3, 1), 8_400),
                                       (D(2027, 4, 1), D(2027, 5, 1), 16_800)]),
    ("ojol", None, D(2027, 3, 31), 3, [(D(2027, 3, 1), D(2027, 3, 1), 8_400),
                                       (D(2027, 4, 1), D(2027, 5, 1), 16_800)]),
    ("ojol", None, D(2025, 12, 1), 3, [(D(2025, 12, 1), D(2025, 12, 1), 16_800),
                                       (D(2026, 1, 1), D(2026, 2, 1), 8_400)]),
    # becak and bus/truck drivers are not in PP 50/2025's transport group: the other window
    ("becak", None, D(2027, 1, 1), 1, [(D(2027, 1, 1), D(2027, 1, 1), 16_800)]),
    ("sopir_bus_truk", None, D(2027, 2, 1), 1, [(D(2027, 2, 1), D(2027, 2, 1), 16_800)]),
])
def test_months_are_priced_by_contribution_month(occupation, income, first, count, runs):
    plan = month_amounts(worker_for(occupation), income, first, count)
    assert _runs(plan) == runs
    assert plan.total == sum(r.months * r.amount for r in plan.runs)
    assert len(plan.months) == count


def test_prepay_options_are_three_six_and_twelve_months():
    plans = dict(prepay_plans(worker_for("nelayan"), None, D(2026, 12, 1)))
    assert sorted(plans) == [3, 6, 12]
    assert (plans[3].total, plans[6].total, plans[12].total) == (8_400 + 2 * 16_800, 8_400 + 5 * 16_800,
                                                                 8_400 + 11 * 16_800)
    assert all(p.crosses_window_end for p in plans.values())


@pytest.mark.parametrize("occupation,on,runs", [
    # a December 2026 contribution paid late in January 2027 is still discounted (arrears follow their month)
    ("nelayan", D(2027, 1, 15), [(D(2026, 10, 1), D(2026, 12, 1), 8_400)]),
    ("nelayan", D(2027, 2, 1), [(D(2026, 11, 1), D(2026, 12, 1), 8_400), (D(2027, 1, 1), D(2027, 1, 1), 16_800)]),
    ("nelayan", D(2027, 4, 1), [(D(2027, 1, 1), D(2027, 3, 1), 16_800)]),
    ("ojol", D(2027, 4, 10), [(D(2027, 1, 1), D(2027, 3, 1), 8_400)]),
    ("ojol", D(2027, 5, 1), [(D(2027, 2, 1), D(2027, 3, 1), 8_400), (D(2027, 4, 1), D(2027, 4, 1), 16_800)]),
])
def test_arrears_are_priced_by_contribution_month(occupation, on, runs):
    assert _runs(arrears_plan(worker_for(occupation), None, on)) == runs


def _said(occupation, on, **kw):
    return "\n\n".join(m.text for m in render_result(assess(occupation, on=on, **kw)))


def test_the_result_shows_prepaying_across_the_window_end():
    text = _said("nelayan", D(2026, 12, 1), age=35)
    assert "diskon hanya sampai iuran Desember 2026" in text
    assert "• 6 bulan: Desember 2026 Rp8.400, Januari–Mei 2027 Rp16.800 per bulan; total Rp92.400" in text
    assert "• 3 bulan: Desember 2026 Rp8.400, Januari–Februari 2027 Rp16.800 per bulan; total Rp42.000" in text
    transport = _said("ojol", D(2027, 2, 1), age=30)
    assert "• 3 bulan: Februari–Maret 2027 Rp8.400 per bulan, April 2027 Rp16.800; total Rp33.600" in transport


def test_an_unconfirmed_bracket_is_planned_at_the_lowest_amounts():
    for occupation, on, words in (("petani", D(2026, 12, 1), "JKK+JKM golongan terendah mulai bulan ini"),
                                  ("petani", D(2027, 1, 15), "walau dibayar sekarang (golongan terendah)")):
        text = _said(occupation, on, age=35, income=3_000_000)
        assert words in text and "Rp8.400" in text
    assert "golongan terendah mulai bulan ini" not in _said("nelayan", D(2026, 12, 1), age=35, income=1_000_000)


def test_no_plan_when_no_window_end_is_near():
    assert "Bayar di muka" not in _said("nelayan", D(2027, 6, 1), age=35)   # all months normal
    assert "Tunggakan" not in _said("nelayan", D(2027, 6, 1), age=35)


def test_the_result_shows_discounted_arrears_after_the_window_end():
    text = _said("nelayan", D(2027, 1, 15), age=35, income=1_000_000)
    assert "Tunggakan juga dihitung per bulan iuran, walau dibayar sekarang: Oktober–Desember 2026 Rp8.400" in text


# ------------------------------------------------------------------------------ JKP: age at registration
@pytest.mark.parametrize("join_age,status,shown,hidden", [
    (None, "check", ["umur berapa waktu mulai ikut?", "berlaku saat didaftarkan"], ["tidak bisa, karena"]),
    (40, "automatic", ["Anda mulai ikut sebelum usia 54 tahun, jadi tetap ikut"], ["umur berapa waktu mulai ikut"]),
    (54, "not_available", ["JKP: tidak bisa, karena umur saat mendaftar harus di bawah 54 tahun"],
     ["umur berapa waktu mulai ikut"]),
])
def test_jkp_at_55_depends_on_the_age_at_enrolment(join_age, status, shown, hidden):
    r = assess("karyawan", age=55, income=5_000_000, on=D(2026, 12, 2), join_age=join_age)
    assert r.programme("JKP").status == status
    text = "\n".join(m.text for m in render_result(r))
    for s in shown:
        assert s in text, (s, text)
    for s in hidden:
        assert s not in text, s


def test_jkp_question_is_not_asked_when_it_does_not_matter():
    young = "\n".join(m.text for m in render_result(assess("karyawan", age=40, on=D(2026, 12, 2))))
    assert "mulai ikut" not in young


# ------------------------------------------------------------------------------ the answer to "mulai ikut?"
async def _after_result(age: int, answer: str, entities=None):
    slots = {"occupation": "karyawan", "age": age, "income": 5_000_000, "regency": "Kota Kendari"}
    slots["eligibility"] = assess_slots(slots, D(2026, 11, 24)).to_dict()
    msgs, set_, _ = await run(ActionInform(), turn(answer, slots=slots, entities=entities or []))
    return texts_of(msgs), set_


async def test_a_bare_age_after_the_question_is_the_age_at_enrolment(sqlite_db):
    text, set_ = await _after_result(55, "40")
    assert "mulai ikut di umur 40 tahun" in text and "umur 55 tahun" in text   # today's age is kept
    assert set_["eligibility"]["programmes"]["JKP"] == "automatic" and set_["eligibility"]["join_age"] == 40
    assert "age" not in set_
    text, set_ = await _after_result(55, "54")
    assert set_["eligibility"]["programmes"]["JKP"] == "not_available" and "JKP: tidak bisa" in text


async def test_an_age_is_a_correction_when_the_question_was_not_asked(sqlite_db):
    text, set_ = await _after_result(40, "eh umur saya 41", [{"entity": "age", "value": 41}])
    assert set_["age"] == 41 and "hitung ulang" in text and "mulai ikut" not in text
    # an age above today's is a correction too, not an enrolment age
    text, set_ = await _after_result(55, "eh umur saya 57", [{"entity": "age", "value": 57}])
    assert set_["age"] == 57 and "hitung ulang" in text
