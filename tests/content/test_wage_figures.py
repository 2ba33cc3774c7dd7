"""A wage beside a question with wage-dependent figures (JKP, a wage earner's contribution, JKK) gets those figures
computed from content/facts.yml, in the same message or as the next one ("kalau gaji sy 3 juta?"); a wage after
any other topic is only noted. Real facts, real actions on Tracker fixtures."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer
from actions.eligibility import ActionInform
from lingkar.facts import format_rupiah, get_facts
from lingkar.wage_figures import WAGE_TOPICS, wage_line
from tests.content.test_context import run, texts, tracker, user

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def fact(key):
    return get_facts().value(key, TODAY)


@pytest.mark.parametrize("wage", [3_000_000, 5_000_000, 6_000_000])
def test_jkp_is_the_benefit_share_of_the_capped_wage(wage):
    base = min(wage, fact("jkp.wage_cap"))
    monthly = base * fact("jkp.benefit_pct") // 100
    line = wage_line("ask_jkp", wage, TODAY)
    assert format_rupiah(monthly) + " per bulan" in line
    assert format_rupiah(monthly * fact("jkp.benefit_months")) in line
    assert ("upah dihitung maks." in line) == (wage > fact("jkp.wage_cap"))


def test_a_wage_earners_shares_cap_jp_but_not_jht():
    wage = 12_000_000
    cap = fact("jp.wage_cap")
    line = wage_line("ask_contribution_pu", wage, TODAY)
    assert format_rupiah(round(wage * fact("pu.jht_rate_worker") / 100)) in line
    assert format_rupiah(round(cap * fact("jp.rate_worker") / 100)) in line
    assert format_rupiah(cap) in line


def test_jkk_multiples_of_the_wage():
    line = wage_line("ask_jkk", 2_800_000, TODAY)
    assert format_rupiah(2_800_000 * fact("jkk.death_multiplier")) in line
    assert format_rupiah(2_800_000 * fact("jkk.total_disability_multiplier")) in line


def test_a_self_employed_bracket_for_the_declared_income():
    line = wage_line("ask_contribution_bpu", 1_200_000, TODAY)
    jkk, jkm = fact("bpu.bracket2.jkk"), fact("bpu.jkm")
    assert format_rupiah(jkk) in line and format_rupiah(jkk + jkm) in line
    assert format_rupiah(fact("bpu.discount.bracket2.jkk") + fact("bpu.discount.jkm")) in line  # the discount now
    below = wage_line("ask_contribution_bpu", 800_000, TODAY)
    assert format_rupiah(fact("bpu.min_income")) in below and format_rupiah(fact("bpu.bracket1.jkk_jkm")) in below
    # a bracket the facts do not confirm gets no figure of ours (the answer says where to check)
    assert wage_line("ask_contribution_bpu", 2_500_000, TODAY) is None


@pytest.mark.parametrize("topic,wage", [("ask_jht", 3_000_000), ("ask_jkp", None), ("ask_jkp", 0), (None, 1)])
def test_no_line_without_a_wage_or_for_other_topics(topic, wage):
    assert topic not in WAGE_TOPICS or not wage
    assert wage_line(topic, wage, TODAY) is None


async def test_a_question_with_the_wage_gets_the_general_answer_and_the_figures():
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_jkp", "gaji sy 3 juta, kalau kena phk jkp dapat brp?")))
    out = texts(msgs)
    assert "JKP" in out and format_rupiah(1_800_000) in out


async def test_a_wage_as_the_next_message_gets_the_figures_of_the_topic_before():
    earlier = [user("ask_jkp", "jkp dapat brp kalau kena phk?")]
    msgs, events = await run(ActionInform(), tracker(user("inform", "kalau gaji sy 3 juta?"), earlier))
    assert format_rupiah(1_800_000) in texts(msgs) and "saya catat" not in texts(msgs)
    assert {"event": "slot", "name": "income", "value": 3_000_000} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]
    # a correction after that: the figures again, for the new wage
    msgs, _ = await run(ActionInform(), tracker(user("inform", "eh salah, gaji sy 4,5 juta"),
                                                earlier + [user("inform", "kalau gaji sy 3 juta?")]))
    assert format_rupiah(4_500_000 * fact("jkp.benefit_pct") // 100) in texts(msgs)


async def test_a_wage_after_another_topic_is_only_noted():
    msgs, _ = await run(ActionInform(), tracker(user("inform", "gaji sy 3 juta"), [user("ask_jht", "jht kapan cair?")]))
    assert "saya catat" in texts(msgs) and format_rupiah(1_800_000) not in texts(msgs)


def test_what_paying_for_workers_costs_for_a_period():
    from lingkar.wage_figures import sponsor_line
    cost = fact("gn.cost")
    line = sponsor_line("rencananya 60 orang untuk 12 bulan, total brp?", TODAY)
    assert format_rupiah(60 * cost) in line and format_rupiah(60 * cost * 12) in line
    assert format_rupiah(250 * cost * 12) in sponsor_line("250 nelayan selama 1 tahun", TODAY)
    assert sponsor_line("berapa biayanya per orang?", TODAY) is None


async def test_a_count_of_workers_after_gn_lingkaran_gets_the_sum():
    earlier = [user("ask_gn_lingkaran", "perusahaan kami mau bantu bayarkan iuran nelayan lewat CSR")]
    msgs, events = await run(ActionInform(), tracker(user("inform", "Kami rencanakan 250 nelayan selama 1 tahun."),
                                                     earlier))
    assert format_rupiah(250 * fact("gn.cost") * 12) in texts(msgs) and "saya catat" not in texts(msgs)
    assert events == []


# ------------------------------------------------------------------------------ what a worker who says their work pays
def test_a_self_employed_worker_hears_the_lowest_contribution_with_their_groups_discount():
    from lingkar.calculator import discount_for, worker_for
    from lingkar.facts import format_month
    from lingkar.wage_figures import occupation_line

    for occupation in ("petani", "ojol"):
        line = occupation_line(occupation, None, TODAY)
        until = discount_for(worker_for(occupation), TODAY).until
        assert "pekerja mandiri (BPU)" in line and format_rupiah(fact("bpu.bracket1.jkk_jkm")) in line
        assert format_month(until) in line and format_rupiah(fact("bpu.bracket1.jht")) in line
    assert format_month(discount_for(worker_for("ojol"), TODAY).until) != \
        format_month(discount_for(worker_for("petani"), TODAY).until)   # two windows (PP 50/2025)


def test_an_income_in_a_confirmed_bracket_gets_its_own_figures_and_an_unconfirmed_one_where_to_check():
    from lingkar.wage_figures import occupation_line

    own = occupation_line("petani", 1_200_000, TODAY)
    assert format_rupiah(fact("bpu.bracket2.jkk") + fact("bpu.jkm")) in own
    high = occupation_line("petani", 2_500_000, TODAY)
    assert format_rupiah(fact("bpu.bracket1.jkk_jkm")) in high and "JMO" in high
    assert "didaftarkan oleh pemberi kerja" in occupation_line("karyawan", None, TODAY)
    assert occupation_line("bukan pekerjaan", None, TODAY) is None


async def test_saying_ones_work_gets_what_it_pays():
    msgs, events = await run(ActionInform(), tracker(user("inform", "sa tukang parkir di pasar mandonga")))
    out = texts(msgs)
    assert "saya catat" in out and "pekerja mandiri (BPU)" in out and format_rupiah(fact("bpu.bracket1.jkk_jkm")) in out


# ------------------------------------------------------------------------------ several months paid at once
def test_a_prepayment_is_priced_month_by_month_across_the_end_of_the_discount():
    from lingkar.calculator import month_amounts, worker_for
    from lingkar.wage_figures import prepay_line

    on = dt.date(2026, 12, 3)  # the last discounted month for farmers; ojol keep the discount to March 2027
    line = prepay_line(None, None, "kalau bayar 3 bulan sekaligus?", on)
    farmer = month_amounts(worker_for("petani"), None, on, 3)
    ojol = month_amounts(worker_for("ojol"), None, on, 3)
    assert farmer.crosses_window_end and not ojol.crosses_window_end
    assert f"total {format_rupiah(farmer.total)}" in line and f"total {format_rupiah(ojol.total)}" in line
    own = prepay_line("opang", None, "sa mau lunasi sekalian 3 bulan", on)
    assert f"total {format_rupiah(ojol.total)}" in own and format_rupiah(farmer.total) not in own


@pytest.mark.parametrize("text, start", [
    ("kalo sa bayar 3 bulan sekalian mulai Januari 2027 brp ee?", dt.date(2027, 1, 1)),
    ("bayar 3 bln sekaligus dari maret", dt.date(2027, 3, 1)),        # a month already past this year: next year's
    ("bayar 6 bulan sekaligus mulai bulan depan", dt.date(2027, 1, 1)),
    ("bayar 3 bulan sekalian mulai Desember ini", dt.date(2026, 12, 1)),
    ("bayar 3 bulan sekaligus mulai Januari 2029", dt.date(2026, 12, 1)),  # more than a year ahead: from now
    ("kalau bayar 3 bulan sekaligus?", dt.date(2026, 12, 1))])
def test_a_prepayment_starts_at_the_month_it_names(text, start):
    from lingkar.calculator import month_amounts, worker_for
    from lingkar.wage_figures import prepay_line, prepay_start

    on = dt.date(2026, 12, 5)
    assert prepay_start(text, on) == start
    months = 6 if "6 bulan" in text else 3
    plan = month_amounts(worker_for("pedagang"), None, start, months)
    assert f"total {format_rupiah(plan.total)}" in prepay_line("pedagang", None, text, on)


async def test_a_self_description_asking_a_prepayment_gets_its_total_not_the_check(monkeypatch):
    from actions.eligibility import ValidateEligibilityForm
    from tests.eligibility.conftest import run as run_form
    from tests.eligibility.conftest import texts_of, turn

    monkeypatch.setenv("LINGKAR_TODAY", "2026-12-05")
    msgs, set_, _ = await run_form(ValidateEligibilityForm(), turn(
        "sa ojol maxim di Kendari, kalo sa bayar 3 bulan sekalian mulai Januari 2027 brp ee?", "check_eligibility",
        0.7, form="eligibility_form"))
    assert "Januari 2027–Maret 2027: 3 x Rp8.400; total Rp25.200" in texts_of(msgs)
    assert set_.get("requested_slot") is None and "umur" not in texts_of(msgs).lower()


@pytest.mark.parametrize("text", ["sy nunggak 3 bulan", "bayar sekaligus bisa?", "bayar 24 bulan sekaligus",
                                  "santunan berkala 24 bulan dibayar sekaligus"])
def test_no_prepayment_total_without_a_number_of_months_that_can_be_prepaid(text):
    from lingkar.wage_figures import prepay_line

    assert prepay_line(None, None, text, dt.date(2026, 12, 3)) is None


async def test_a_prepayment_follow_up_gets_the_total_for_the_known_work(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", "2026-12-03")
    t = tracker(user("ask_payment", "kalau bayar 6 bulan sekaligus?"),
                earlier=[user("ask_contribution_bpu", "brp iuran sebulan")], slots={"occupation": "petani"})
    msgs, _ = await run(ActionAnswer(), t)
    out = texts(msgs)
    assert "6 bulan sekaligus" in out and "Ojol" not in out and "total" in out


# ------------------------------------------------------------------------------ a construction project's contribution
@pytest.mark.parametrize("text,value", [("nilai kontraknya 60 juta", 60_000_000), ("SPK proyek 800 jt", 800_000_000),
                                        ("proyek 1,2 miliar", 1_200_000_000), ("kontrak Rp 750.000.000", 750_000_000),
                                        ("gaji sy 2 juta", None), ("nilai kontrak blm tau", None)])
def test_the_contract_value_is_read_only_beside_a_word_of_contracts(text, value):
    from lingkar.wage_figures import contract_value

    assert contract_value(text) == value


def test_a_project_is_priced_at_its_tier_and_above_the_first_the_tier_by_tier_question_is_left_open():
    from lingkar.calculator import percent_of
    from lingkar.wage_figures import project_line

    small = project_line("nilai kontrak 60 juta", TODAY)
    jkk, jkm = fact("jakon.jkk.tier1"), fact("jakon.jkm.tier1")
    assert f"total {format_rupiah(percent_of(60_000_000, jkk) + percent_of(60_000_000, jkm))}" in small
    assert "bertingkat" not in small
    big = project_line("SPK 800 juta", TODAY)
    total = percent_of(800_000_000, fact("jakon.jkk.tier3")) + percent_of(800_000_000, fact("jakon.jkm.tier3"))
    assert f"total {format_rupiah(total)}" in big and "bertingkat" in big and "175" in big


async def test_the_contract_value_of_an_earlier_turn_prices_a_later_how_much():
    earlier = [user("ask_construction", "sy kontraktor, dapat SPK rehab sekolah nilai kontrak 800 juta")]
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_contribution_pu", "iurannya brp?"), earlier=earlier))
    assert "Untuk nilai kontrak Rp800.000.000" in texts(msgs)


async def test_a_follow_ups_figures_keep_the_topic_under_discussion():
    from actions.answers import previous_topic
    from actions.more import ANSWER_KEY
    from lingkar.texts import get_answers

    earlier = [user("ask_construction", "sy kontraktor, dapat SPK rehab sekolah nilai kontrak 800 juta")]
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_contribution_pu", "iurannya brp?"), earlier=earlier))
    line = next(m for m in msgs if "nilai kontrak" in (m.get("text") or ""))
    assert line[ANSWER_KEY]["topic"] == "ask_construction"
    bot = {"event": "bot", "text": line["text"], "metadata": {ANSWER_KEY: line[ANSWER_KEY]}}
    t = tracker(user("ask_contribution_bpu", "jd totalnya brp rupiah?"),
                earlier=earlier + [user("ask_contribution_pu", "iurannya brp?")])
    t.events.insert(-1, bot)
    assert previous_topic(t, get_answers()) == "ask_construction"


def test_lebih_lengkap_after_a_follow_ups_figures_continues_the_answer_before_them():
    from actions.more import ANSWER_KEY, FOLLOW_UP_PART, last_answer

    short = {"topic": "ask_construction", "on": "2026-11-24", "part": "short"}
    follow = {"topic": "ask_construction", "on": "2026-11-24", "part": FOLLOW_UP_PART}
    t = tracker(user("ask_more_detail", "lebih lengkap"))
    t.events[:0] = [{"event": "bot", "text": "a", "metadata": {ANSWER_KEY: short}},
                    {"event": "bot", "text": "b", "metadata": {ANSWER_KEY: follow}}]
    assert last_answer(t) == short
