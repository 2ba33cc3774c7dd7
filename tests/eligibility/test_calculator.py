"""lingkar/calculator.py, table-driven, against the figures of ../shared/domain/ (facts.md and its sources).

Every expected amount below is written as the domain notes write it, and a test checks that each of them really
appears there, so the tables cannot drift from the source. Dates cover the PP 50/2025 windows on every edge:
before, first month, last month and after, for transport BPU (Jan 2026 – Mar 2027) and the others (Apr – Dec 2026).
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from lingkar import parsing
from lingkar.calculator import GENERIC, UnknownOccupation, assess, percent_of, worker_for
from lingkar.facts import format_rupiah
from tests.conftest import use_settings
from tests.content.helpers import SHARED_DOMAIN

D = dt.date
TODAY = D(2026, 11, 24)
DOMAIN_TEXT = (SHARED_DOMAIN / "facts.md").read_text(encoding="utf-8") + (SHARED_DOMAIN / "sources.md").read_text(
    encoding="utf-8")

# facts.md §3.2 (bracket table) and §3.3 (PP 50/2025): normal and discounted monthly amounts.
BRACKET1 = {"jkk": 10_000, "jkm": 6_800, "jkk_jkm": 16_800, "jht": 20_000, "jkk_pay": 5_000, "jkm_pay": 3_400,
            "jkk_jkm_pay": 8_400}
BRACKET2 = {"jkk": 12_000, "jkm": 6_800, "jkk_jkm": 18_800, "jht": 24_000, "jkk_pay": 6_000, "jkm_pay": 3_400}
#: (date, transport discount in force, other discount in force)
WINDOWS = [
    (D(2025, 12, 31), False, False),
    (D(2026, 1, 1), True, False),
    (D(2026, 3, 31), True, False),
    (D(2026, 4, 1), True, True),
    (TODAY, True, True),
    (D(2026, 12, 31), True, True),
    (D(2027, 1, 1), True, False),
    (D(2027, 3, 31), True, False),
    (D(2027, 4, 1), False, False),
]
#: (declared monthly income, bracket the facts confirm or None, below the lowest declarable income)
INCOMES = [
    (500_000, 1, True),
    (999_999, 1, True),
    (1_000_000, 1, False),
    (1_099_999, 1, False),
    (1_100_000, 2, False),
    (1_200_000, 2, False),
    (1_299_999, 2, False),
    (1_300_000, None, False),
    (2_000_000, None, False),
    (20_200_000, None, False),
]


def _in_domain(amount: int) -> bool:
    """The amount as the notes write it (Rp16.800, bold or not)."""
    return re.search(re.escape(format_rupiah(amount)) + r"(?!\d|[.,]\d)", DOMAIN_TEXT) is not None


def test_every_expected_figure_is_written_in_the_domain_notes():
    figures = set(BRACKET1.values()) | set(BRACKET2.values()) | {
        300_000, 200_000, 100_000, 370_000, 30_000, 10_042_300, 9_559_600, 37_500, 332_500, 189_000, 108_000,
        13_500, 50_000, 600_000, 1_000_000}
    missing = sorted(f for f in figures if not _in_domain(f))
    assert not missing, [format_rupiah(m) for m in missing]


# ------------------------------------------------------------------------------------------------ categories
@pytest.mark.parametrize("key", sorted(parsing.occupations()))
def test_every_occupation_has_its_category_and_programmes(key):
    occ = parsing.get_occupation(key)
    r = assess(key, age=30, income=1_000_000, on=TODAY)
    assert r.category == occ.category and r.worker.transport == occ.transport and r.worker.sector == occ.sector
    status = {p.code: p.status for p in r.programmes}
    expected = {
        # facts.md §2: segments and programmes
        "BPU": {"JKK": "mandatory", "JKM": "mandatory", "JHT": "optional", "JP": "not_available",
                "JKP": "not_available"},
        "PU": {"JKK": "mandatory", "JKM": "mandatory", "JHT": "mandatory", "JP": "depends", "JKP": "automatic"},
        "JAKON": {"JKK": "via_project", "JKM": "via_project", "JHT": "not_available", "JP": "not_available",
                  "JKP": "not_available"},
        "PMI": {"JKK": "mandatory", "JKM": "mandatory", "JHT": "optional", "JP": "not_available",
                "JKP": "not_available"},
    }[occ.category]
    assert status == expected
    assert (r.bpu is not None) == (occ.category == "BPU")
    assert (r.pu is not None) == (occ.category == "PU")
    assert (r.pmi is not None) == (occ.category == "PMI")


@pytest.mark.parametrize("generic,category,transport", [("PU", "PU", False), ("BPU", "BPU", False),
                                                        ("BPU_TRANSPORT", "BPU", True), ("JAKON", "JAKON", False),
                                                        ("PMI", "PMI", False)])
def test_generic_profiles(generic, category, transport):
    w = worker_for(generic)
    assert (w.category, w.transport, w.generic) == (category, transport, True)
    assert assess(generic, on=TODAY).category_reason.startswith(category.lower())
    assert set(GENERIC) == {"PU", "BPU", "BPU_TRANSPORT", "JAKON", "PMI"}


@pytest.mark.parametrize("bad", ["", "astronot", "bpu", None])
def test_unknown_occupation_is_refused(bad):
    with pytest.raises(UnknownOccupation):
        assess(bad, on=TODAY)


# ---------------------------------------------------------------------------------------- BPU brackets x windows
@pytest.mark.parametrize("on,transport_on,other_on", WINDOWS)
@pytest.mark.parametrize("occupation", ["ojol", "nelayan"])
@pytest.mark.parametrize("income,bracket,below", INCOMES)
def test_bpu_contribution_by_bracket_and_date(occupation, income, bracket, below, on, transport_on, other_on):
    b = assess(occupation, age=35, income=income, on=on).bpu
    discounted = transport_on if occupation == "ojol" else other_on
    assert b.bracket == bracket and b.exact is (bracket is not None) and b.below_minimum is below
    assert b.discount.active is discounted
    assert b.jkm == 6_800
    assert b.jkm_pay == (3_400 if discounted else 6_800)
    # The lowest bracket is always quoted, exact or not.
    assert b.lowest_jkk_jkm == 16_800 and b.lowest_jht == 20_000
    assert b.lowest_jkk_jkm_pay == (8_400 if discounted else 16_800)
    if bracket is None:
        # No invented bracket value above the brackets the facts confirm.
        assert b.jkk is None and b.jht is None and b.jkk_pay is None and b.jkk_jkm_pay is None and b.base is None
        return
    table = BRACKET1 if bracket == 1 else BRACKET2
    assert (b.jkk, b.jkk_jkm, b.jht) == (table["jkk"], table["jkk_jkm"], table["jht"])
    assert b.jkk_pay == (table["jkk_pay"] if discounted else table["jkk"])
    assert b.jkk_jkm_pay == b.jkk_pay + b.jkm_pay
    assert b.with_jht_pay == b.jkk_jkm_pay + table["jht"]  # JHT is never discounted
    # Bracket 2's JHT rests on an inferred bracket value (facts.md: "Rp1.200.000, inferred").
    assert b.jht_confirmed is (bracket == 1)


def test_the_discount_halves_jkk_and_jkm_only():
    b = assess("petani", income=1_000_000, on=TODAY).bpu
    assert b.jkk_pay * 2 == b.jkk and b.jkm_pay * 2 == b.jkm and b.jkk_jkm_pay == BRACKET1["jkk_jkm_pay"]
    assert b.with_jht_pay == 8_400 + 20_000


@pytest.mark.parametrize("occupation,on,until,starts,ended", [
    ("ojol", D(2025, 12, 31), None, D(2026, 1, 1), None),
    ("ojol", D(2026, 1, 1), D(2027, 3, 31), None, None),
    ("ojol", D(2027, 3, 31), D(2027, 3, 31), None, None),
    ("ojol", D(2027, 4, 1), None, None, D(2027, 3, 31)),
    ("kurir", TODAY, D(2027, 3, 31), None, None),
    ("sopir", TODAY, D(2027, 3, 31), None, None),
    ("opang", TODAY, D(2027, 3, 31), None, None),
    ("BPU_TRANSPORT", TODAY, D(2027, 3, 31), None, None),
    ("nelayan", D(2026, 3, 31), None, D(2026, 4, 1), None),
    ("nelayan", D(2026, 4, 1), D(2026, 12, 31), None, None),
    ("petani", TODAY, D(2026, 12, 31), None, None),
    ("pedagang", D(2026, 12, 31), D(2026, 12, 31), None, None),
    ("pedagang", D(2027, 1, 1), None, None, D(2026, 12, 31)),
    ("BPU", D(2030, 1, 1), None, None, D(2026, 12, 31)),
])
def test_which_window_and_until_when(occupation, on, until, starts, ended):
    d = assess(occupation, income=1_000_000, on=on).bpu.discount
    assert (d.until, d.starts, d.ended) == (until, starts, ended)
    assert d.active is (until is not None) and (d.pct == 50.0 if d.active else d.pct is None)


def test_unknown_income_quotes_only_the_lowest_bracket():
    b = assess("nelayan", age=40, income=None, on=TODAY).bpu
    assert b.income is None and b.bracket is None and not b.exact and b.lowest_jkk_jkm_pay == 8_400


# ------------------------------------------------------------------------------------------------ PU
@pytest.mark.parametrize("wage,worker_jht,worker_jp,employer_jht,employer_jp,employer_jkm,capped", [
    # facts.md §3.1 worked example (fame.grid.id): wage Rp10 juta, worker Rp300.000 = JHT Rp200.000 + JP Rp100.000;
    # employer JHT Rp370.000, JKM Rp30.000, JP Rp200.000.
    (10_000_000, 200_000, 100_000, 370_000, 200_000, 30_000, False),
    (3_000_000, 60_000, 30_000, 111_000, 60_000, 9_000, False),
    (1_550_000, 31_000, 15_500, 57_350, 31_000, 4_650, False),
    # above the JP wage cap in force (Rp11.086.300 from 1 Mar 2026): JP on the cap
    (12_000_000, 240_000, 110_863, 444_000, 221_726, 36_000, True),
])
def test_pu_shares_for_a_wage(wage, worker_jht, worker_jp, employer_jht, employer_jp, employer_jkm, capped):
    p = assess("karyawan", age=30, income=wage, on=TODAY).pu
    assert (p.worker_jht, p.worker_jp, p.employer_jht, p.employer_jp, p.employer_jkm) == (
        worker_jht, worker_jp, employer_jht, employer_jp, employer_jkm)
    assert p.worker_total == worker_jht + worker_jp and p.jp_cap_applied is capped
    assert (p.worker_jht_rate, p.worker_jp_rate, p.employer_jht_rate, p.employer_jp_rate, p.jkm_rate) == (
        2.0, 1.0, 3.7, 2.0, 0.3)
    assert (p.jkk_rate_min, p.jkk_rate_max) == (0.24, 1.74)


@pytest.mark.parametrize("on,cap,stale", [
    (D(2024, 2, 29), 9_559_600, False),
    (D(2024, 3, 1), 10_042_300, False),
    (D(2025, 2, 28), 10_042_300, False),
    (D(2025, 3, 1), 10_547_400, False),   # before, on and after each March: the cap in force on the date
    (D(2025, 3, 2), 10_547_400, False),
    (D(2026, 2, 28), 10_547_400, False),
    (D(2026, 3, 1), 11_086_300, False),
    (TODAY, 11_086_300, False),
    (D(2027, 2, 28), 11_086_300, False),
    (D(2027, 3, 1), 11_086_300, True),    # the 2027 cap was due; none is recorded
    (D(2028, 1, 1), 11_086_300, True),
])
def test_jp_wage_cap_in_force_and_whether_it_is_stale(on, cap, stale):
    p = assess("buruh_pabrik", age=30, income=20_000_000, on=on).pu
    assert p.jp_cap == cap and p.jp_cap_stale is stale and p.worker_jp == percent_of(cap, 1)


def test_pu_without_a_wage_has_rates_but_no_amounts():
    p = assess("karyawan", age=30, income=None, on=TODAY).pu
    assert p.worker_jht is None and p.worker_total is None and p.worker_jht_rate == 2.0


def test_percent_of_rounds_half_up_to_whole_rupiah():
    assert percent_of(10_042_300, 1) == 100_423 and percent_of(1_550_050, 1) == 15_501 and percent_of(0, 2) == 0


# ------------------------------------------------------------------------------------------------ PMI, JAKON
def test_pmi_package():
    r = assess("pmi", age=30, on=TODAY)
    p = r.pmi
    assert p.pre_departure == 37_500 and p.during == ((24, 332_500), (12, 189_000), (6, 108_000))
    assert p.extra_month == 13_500 and (p.jht_min, p.jht_max) == (50_000, 600_000)
    assert p.jht_max_confirmed is False  # Rp600.000 vs Rp500.000 (facts.md §9 item 2)
    assert r.bpu is None and r.pu is None


def test_construction_goes_through_the_project():
    r = assess("buruh_bangunan", age=40, income=3_000_000, on=TODAY)
    assert r.category == "JAKON" and r.bpu is None and r.pu is None and r.pmi is None
    assert "contractor" in r.next_steps


# ------------------------------------------------------------------------------------------------ age rules
def _codes(r):
    return [n.code for n in r.age_notes]


@pytest.mark.parametrize("age,join_age,jkp,note", [
    (20, None, "automatic", "jkp_ok"), (53, None, "automatic", "jkp_ok"),
    # 54 or older today: the limit applies at registration, so the age at enrolment decides (asked when unknown)
    (54, None, "check", "jkp_ask_join_age"), (60, None, "check", "jkp_ask_join_age"),
    (55, 40, "automatic", "jkp_ok_joined"), (55, 53, "automatic", "jkp_ok_joined"),
    (55, 54, "not_available", "jkp_too_old"), (60, 58, "not_available", "jkp_too_old"),
    (None, None, "automatic", None),
])
def test_jkp_only_under_54_at_registration(age, join_age, jkp, note):
    r = assess("karyawan", age=age, income=5_000_000, on=TODAY, join_age=join_age)
    assert r.programme("JKP").status == jkp
    jkp_notes = [c for c in _codes(r) if c.startswith("jkp_")]
    assert jkp_notes == ([note] if note else [])


@pytest.mark.parametrize("on,pension_age", [(D(2024, 6, 1), 58), (TODAY, 59), (D(2027, 12, 31), 59),
                                            (D(2028, 1, 1), 60), (D(2043, 1, 1), 65)])
def test_jp_pension_age_for_the_date(on, pension_age):
    r = assess("karyawan", age=30, income=5_000_000, on=on)
    note = next(n for n in r.age_notes if n.code == "jp_pension_age")
    assert note.value == pension_age
    past = assess("karyawan", age=pension_age, income=5_000_000, on=on)
    assert past.programme("JP").status == "check" and "jp_past_pension_age" in _codes(past)
    assert assess("karyawan", age=pension_age - 1, income=5_000_000, on=on).programme("JP").status == "depends"


def test_jp_monthly_pension_needs_fifteen_years():
    assert "jp_short" in _codes(assess("karyawan", age=45, income=5_000_000, on=TODAY))   # 59 - 45 = 14 < 15
    assert "jp_short" not in _codes(assess("karyawan", age=44, income=5_000_000, on=TODAY))


@pytest.mark.parametrize("category_occ", ["karyawan", "nelayan", "pmi"])
def test_jht_age_is_stated_where_there_is_jht(category_occ):
    r = assess(category_occ, age=30, income=1_000_000, on=TODAY)
    assert any(n.code == "jht_age" and n.value == 56 for n in r.age_notes)
    assert "jht_age" not in _codes(assess("buruh_bangunan", age=30, on=TODAY))


@pytest.mark.parametrize("age,flagged", [(30, False), (55, False), (56, True), (70, True), (None, False)])
def test_bpu_age_limit_is_flagged_never_stated(age, flagged):
    r = assess("petani", age=age, income=1_000_000, on=TODAY)
    assert ("bpu_age_unconfirmed" in _codes(r)) is flagged
    note = next((n for n in r.age_notes if n.code == "bpu_age_unconfirmed"), None)
    assert note is None or note.value is None  # no figure: the limit is UNCONFIRMED in facts.md §4


def test_next_steps_by_category():
    assert assess("nelayan", on=TODAY).next_steps == ("jmo", "website", "branch", "agent", "contact")
    assert assess("karyawan", on=TODAY).next_steps == ("employer", "contact")
    assert assess("pmi", on=TODAY).next_steps[-1] == "contact"


def test_result_is_json_for_the_lead_and_names_its_facts():
    r = assess("ojol", age=30, income=1_000_000, regency="Kota Kendari", on=TODAY)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["category"] == "BPU" and d["occupation"] == "ojol" and d["transport"] is True
    assert d["bpu"]["jkk_jkm_pay"] == 8_400 and d["bpu"]["discount_until"] == "2027-03-31"
    assert d["programmes"]["JP"] == "not_available" and d["on"] == "2026-11-24"
    assert {"bpu.jkm", "bpu.bracket1.jkk", "bpu.discount.transport", "bpu.min_income"} <= set(r.facts_used)


def test_default_date_is_the_branch_today(monkeypatch):
    use_settings(LINGKAR_TODAY="2027-04-01")
    assert assess("ojol", income=1_000_000).bpu.discount.active is False
    use_settings(LINGKAR_TODAY="2027-03-31")
    assert assess("ojol", income=1_000_000).bpu.discount.active is True
