"""The flow texts (content/answers.yml, ``flows``) and the rendered eligibility result: every figure the bot says
comes from the facts file or is computed from it for the worker's own numbers, on every date that matters."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
import yaml

from lingkar import parsing
from lingkar.calculator import arrears_plan, assess, prepay_plans
from lingkar.eligibility import acknowledgement, render_result
from lingkar.facts import format_rupiah, load_facts
from lingkar.texts import VARIABLE, AnswerError, FlowTexts, load_texts
from tests.content.helpers import RENDER_DATES, ROOT, domain_intents, fact_strings, unexplained_numbers

PHONE_SIZE = 700


@pytest.fixture(scope="module")
def facts():
    return load_facts(ROOT / "content" / "facts.yml")


@pytest.fixture(scope="module")
def texts(facts) -> FlowTexts:
    intents = sorted(domain_intents())
    return load_texts(ROOT / "content" / "answers.yml", facts, known_intents=intents).flows


def _dummy(texts: FlowTexts, name: str):
    return {v: "X" for v in texts.texts[name].variables}


def test_every_flow_text_renders_on_every_date_without_digits_of_its_own(texts, facts):
    for on in RENDER_DATES:
        allowed = fact_strings(facts, on)
        for name in texts.texts:
            r = texts.render(name, on, **_dummy(texts, name))
            assert VARIABLE.search(r.text) is None, name
            assert unexplained_numbers(r.text + " ".join(b["title"] for b in r.buttons), allowed) == "", (name, on)


def test_buttons_lead_to_known_intents_or_send_a_plain_answer(texts):
    intents = domain_intents()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    with_entities = 0
    for t in texts.texts.values():
        for b in t.buttons:
            if not b.payload.startswith("/"):
                assert not re.search(r"\d", b.payload), (t.name, b.payload)
                continue
            intent, _, entities = b.payload[1:].partition("{")
            assert intent in intents, (t.name, b.payload)
            if entities:  # Rasa's payload syntax: the entities must be the domain's, with values the actions know
                with_entities += 1
                values = yaml.safe_load("{" + entities)
                assert set(values) <= set(domain["entities"]), (t.name, b.payload)
                if "regency" in values:
                    assert values["regency"] in parsing.regency_names(), (t.name, b.payload)
    assert with_entities >= 5  # the regency question after the result


def test_an_entity_payload_must_be_json(facts, texts):
    bad = {"flows": {"x": {"text": "a", "buttons": [{"title": "b", "payload": "/inform{regency: Kolaka}"}]}}}
    with pytest.raises(AnswerError, match="JSON"):
        FlowTexts(bad, facts, texts.answers)
    good = {"flows": {"x": {"text": "a", "buttons": [{"title": "b", "payload": '/inform{"regency": "Kolaka"}'}]}}}
    assert FlowTexts(good, facts, texts.answers, known_intents=["inform"]).render("x").buttons[0]["payload"] == \
        '/inform{"regency": "Kolaka"}'


def test_a_missing_variable_is_an_error_not_a_blank(texts):
    with pytest.raises(AnswerError, match="variables"):
        texts.render("lead_saved")


def test_variables_are_filled_once_so_a_workers_text_is_never_a_placeholder(texts):
    r = texts.render("occupation_unknown", answer="<answer> {jkm.total}")
    assert '"<answer> {jkm.total}"' in r.text


def test_a_broken_flow_text_fails_at_load_time(facts, texts):
    bad = {"flows": {"x": {"text": "Iuran Rp16.800"}}}
    with pytest.raises(AnswerError, match="digits"):
        FlowTexts(bad, facts, texts.answers)
    with pytest.raises(AnswerError, match="unknown intent"):
        FlowTexts({"flows": {"x": {"text": "a", "buttons": [{"title": "b", "payload": "/nope"}]}}}, facts,
                  texts.answers, known_intents=["menu"])


def test_every_flow_text_the_actions_name_exists(texts):
    code = "\n".join((ROOT / f).read_text(encoding="utf-8")
                     for f in ("actions/eligibility.py", "actions/leads.py", "actions/forms.py",
                               "lingkar/eligibility.py", "lingkar/leads.py"))
    named = set(re.findall(r'(?:say\(dispatcher, |render\(|text\()"([a-z_]+)"', code))
    named |= {f"reason_{r}" for r in re.findall(r'Programme\("[A-Z]+", "[a-z_]+", "([a-z_]+)"\)',
                                               (ROOT / "lingkar" / "calculator.py").read_text())} & set(texts.texts)
    missing = sorted(n for n in named if n not in texts.texts and n not in ("inform", "affirm", "menu",
                                                                             "cannot_afford", "deny"))
    assert not missing, missing
    for code_name in ("age_jkp_ok", "age_jkp_too_old", "age_jp_pension_age", "age_jp_past_pension_age",
                      "age_jp_short", "age_jht_age", "age_bpu_age_unconfirmed", "next_bpu", "next_pu", "next_jakon",
                      "next_pmi"):
        assert code_name in texts.texts


def test_labels_have_no_digits_or_placeholders():
    data = yaml.safe_load((ROOT / "content" / "answers.yml").read_text(encoding="utf-8"))
    for group, items in data["labels"].items():
        for key, value in items.items():
            assert not re.search(r"[\d{}<>]", value), (group, key)


# ------------------------------------------------------------------------------------------------ the result
WORKERS = [
    ("nelayan", 35, 1_000_000), ("ojol", 30, 1_200_000), ("petani", 60, 2_500_000), ("pedagang", 45, None),
    ("karyawan", 55, 12_000_000), ("buruh_pabrik", 25, 3_000_000), ("karyawan", 40, None), ("pmi", 30, None),
    ("buruh_bangunan", 40, None), ("BPU", None, 800_000), ("BPU_TRANSPORT", 22, 1_100_000), ("PU", 59, 4_000_000),
]


def _computed(result) -> set:
    """The figures the calculator derived for this worker from the facts (its own numbers and amounts)."""
    out = set()
    for part in (result.bpu, result.pu, result.pmi):
        if part is None:
            continue
        for value in vars(part).values():
            if isinstance(value, int) and not isinstance(value, bool) and value > 1000:
                out.add(format_rupiah(value))
        for attr in ("jkk_jkm", "jkk_jkm_pay", "with_jht_pay", "worker_total"):
            v = getattr(part, attr, None)
            if isinstance(v, int):
                out.add(format_rupiah(v))
    if result.bpu is not None:  # prepaying and arrears, priced per contribution month
        plans = [p for _, p in prepay_plans(result.worker, result.income, result.on)]
        plans.append(arrears_plan(result.worker, result.income, result.on))
        for plan in plans:
            out.add(format_rupiah(plan.total))
            out |= {format_rupiah(m.amount) for m in plan.months}
    if result.bpu is not None and result.bpu.jkk_jkm_pay is None:
        out.add(format_rupiah(result.bpu.lowest_jkk_jkm_pay + result.bpu.lowest_jht))
    if result.bpu is not None and result.bpu.jht is not None and result.bpu.jkk_jkm_pay is not None:
        out.add(format_rupiah(result.bpu.jkk_jkm_pay + result.bpu.jht))
    if result.age is not None:
        out.add(f"{result.age} tahun")
    if result.income is not None:
        out.add(format_rupiah(result.income))
    return out


@pytest.mark.parametrize("on", sorted(set(RENDER_DATES) - {dt.date(2025, 2, 28)}))
def test_every_number_in_every_result_is_a_fact_or_computed_from_facts(facts, texts, on):
    problems = []
    for (occupation, age, income), agent in itertools.product(WORKERS, (False, True)):
        result = assess(occupation, age=age, income=income, regency="Kota Kendari", on=on)
        allowed = fact_strings(facts, on) | _computed(result)
        for m in render_result(result, agent_known=agent, texts=texts):
            said = m.text + "\n" + "\n".join(b["title"] for b in m.buttons)
            left = unexplained_numbers(said, allowed)
            if left:
                problems.append(f"{occupation}/{age}/{income} on {on}: {left}")
            if len(m.text) >= PHONE_SIZE:
                problems.append(f"{occupation} on {on}: {len(m.text)} characters")
    assert not problems, problems


@pytest.mark.parametrize("on,shown,hidden", [
    (dt.date(2026, 3, 1), ["Mulai iuran April 2026 ada diskon 50%"], ["Sudah termasuk diskon"]),
    (dt.date(2026, 11, 24), ["Sudah termasuk diskon 50%", "sampai Desember 2026", "Rp8.400"], ["Mulai iuran"]),
    # arrears follow their contribution month: October-December 2026 are still discounted when paid late
    (dt.date(2027, 1, 1), ["berlaku sampai iuran Desember 2026; sekarang iurannya normal", "Rp16.800",
                           "Oktober–Desember 2026 Rp8.400 per bulan"], ["Sudah termasuk diskon"]),
])
def test_result_states_the_discount_before_during_and_after_for_other_bpu(texts, on, shown, hidden):
    text = "\n".join(m.text for m in render_result(assess("nelayan", 35, 1_000_000, on=on), texts=texts))
    for s in shown:
        assert s in text, s
    for s in hidden:
        assert s not in text, s


@pytest.mark.parametrize("occupation,on,shown,hidden", [
    # other BPU: discount for contribution months April-December 2026
    ("nelayan", dt.date(2026, 3, 31), ["mulai Rp16.800"], ["Rp8.400"]),
    ("nelayan", dt.date(2026, 11, 24), ["mulai Rp8.400", "sampai iuran Desember 2026", "normalnya Rp16.800"], []),
    ("nelayan", dt.date(2027, 1, 1), ["mulai Rp16.800"], ["Rp8.400", "diskon"]),
    ("BPU", dt.date(2026, 12, 31), ["mulai Rp8.400", "Desember 2026"], ["Sebagai"]),
    # transport BPU: January 2026-March 2027
    ("ojol", dt.date(2027, 3, 31), ["mulai Rp8.400", "sampai iuran Maret 2027"], []),
    ("opang", dt.date(2027, 1, 15), ["mulai Rp8.400", "Maret 2027"], ["Desember 2026"]),
    ("ojol", dt.date(2027, 4, 1), ["mulai Rp16.800"], ["Rp8.400", "diskon"]),
    # wage earners: no BPU amount
    ("karyawan", dt.date(2026, 11, 24), ["Penerima Upah"], ["Rp"]),
])
def test_the_category_said_while_asking_carries_the_cheapest_amount_of_the_day(occupation, on, shown, hidden):
    text = acknowledgement({"occupation": occupation}, on).text
    for s in shown:
        assert s in text, (s, text)
    for s in hidden:
        assert s not in text, (s, text)


def test_unconfirmed_and_stale_figures_are_marked_with_where_to_check(texts):
    on = dt.date(2026, 11, 24)
    pu = "\n".join(m.text for m in render_result(assess("karyawan", 30, 12_000_000, on=on), texts=texts))
    assert "Rp11.086.300" in pu and "Rp11.086.300*" not in pu  # the 2026 cap, in force since 1 March 2026
    after_march = "\n".join(m.text for m in render_result(assess("karyawan", 30, 12_000_000, on=dt.date(2027, 3, 1)),
                                                           texts=texts))
    assert "Rp11.086.300*" in after_march
    assert "berlaku sejak 1 Maret 2026, mungkin sudah diperbarui" in after_march and "JMO" in after_march
    bpu2 = "\n".join(m.text for m in render_result(assess("petani", 30, 1_200_000, on=on), texts=texts))
    assert "Rp24.000*" in bpu2 and "belum bisa kami pastikan" in bpu2
    high = "\n".join(m.text for m in render_result(assess("petani", 30, 3_000_000, on=on), texts=texts))
    assert "belum bisa saya pastikan" in high and "call center 175" in high and "Rp30.000" not in high


def test_at_most_one_mark_per_line_so_telegram_shows_no_stray_bold(texts):
    from bot.telegram.render import _BOLD

    on = dt.date(2026, 11, 24)
    for occupation, age, income in WORKERS + [("petani", 30, 1_200_000)]:
        for m in render_result(assess(occupation, age, income, on=on), texts=texts):
            assert not _BOLD.search(m.text), (occupation, m.text)


def test_bpu_age_limit_is_never_a_figure(texts):
    on = dt.date(2026, 11, 24)
    text = "\n".join(m.text for m in render_result(assess("petani", 70, 1_000_000, on=on), texts=texts))
    assert "batas usia" in text and "65" not in text


def test_every_occupation_renders(texts):
    on = dt.date(2026, 11, 24)
    for key in parsing.occupations():
        assert render_result(assess(key, 30, 1_000_000, on=on), texts=texts)
