"""content/facts.yml: sources, non-overlapping windows, key figures pinned to ../shared/domain/facts.md, and no
figure that cannot be traced to the shared domain notes."""
from __future__ import annotations

import datetime as dt
import re
import sys

import pytest
import yaml

from lingkar.facts import FactError, FactNotInForce, Facts, format_number, load_facts
from lingkar.texts import PLACEHOLDER, load_texts

from .helpers import ROOT, SHARED_DOMAIN, walk_strings

D = dt.date


@pytest.fixture(scope="module")
def facts() -> Facts:
    return load_facts(ROOT / "content" / "facts.yml")


@pytest.fixture(scope="module")
def raw() -> dict:
    with open(ROOT / "content" / "facts.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_every_value_has_a_source_with_a_date_or_a_regulation(facts):
    assert len(facts.keys()) > 100
    for fv in facts.all_values():
        assert len(fv.source) >= 10, fv.key
        assert re.search(r"(19|20)\d\d|facts\.md", fv.source), f"{fv.key}: source without a date: {fv.source!r}"
        assert fv.label, f"{fv.key}: every fact needs a label (named in notes)"


def test_windows_never_overlap(facts):
    for key in facts.keys():
        history = facts.history(key)
        for a, b in zip(history, history[1:]):
            assert a.valid_until is not None and b.valid_from is not None and a.valid_until < b.valid_from, key


def test_overlapping_windows_are_refused():
    with pytest.raises(FactError, match="overlap"):
        Facts({"facts": {"k.x": {"unit": "count", "source": "s", "values": [
            {"value": 1, "until": "2026-12-31"}, {"value": 2, "from": "2026-12-31"}]}}})
    with pytest.raises(FactError, match="source"):
        Facts({"facts": {"k.x": {"unit": "count", "values": [{"value": 1}]}}})


def test_every_key_used_by_a_template_exists(facts):
    with open(ROOT / "content" / "answers.yml", encoding="utf-8") as f:
        strings = list(walk_strings(yaml.safe_load(f)))
    # button payloads ('/inform{"regency": "Kota Kendari"}') carry entities in Rasa's syntax, not placeholders
    keys = {m.group(1).split("@")[0].split(":")[0].strip() for s in strings if not s.startswith("/")
            for m in PLACEHOLDER.finditer(s)}
    keys.discard("labels")
    missing = sorted(k for k in keys if k not in facts)
    assert not missing, missing
    load_texts(ROOT / "content" / "answers.yml", facts)  # also checks conditions, styles and dates


@pytest.mark.parametrize("key,on,text", [
    ("bpu.jkm", D(2026, 11, 24), "Rp6.800"),
    ("bpu.jkk_rate", D(2026, 11, 24), "1%"),
    ("bpu.jht_rate", D(2026, 11, 24), "2%"),
    ("bpu.min_income", D(2026, 11, 24), "Rp1.000.000"),
    ("bpu.bracket1.jkk_jkm", D(2026, 11, 24), "Rp16.800"),
    ("bpu.bracket1.total", D(2026, 11, 24), "Rp36.800"),
    ("bpu.bracket2.jkk", D(2026, 11, 24), "Rp12.000"),
    ("bpu.discount.bracket1.jkk_jkm", D(2026, 11, 24), "Rp8.400"),
    ("bpu.discount.jkm", D(2026, 11, 24), "Rp3.400"),
    ("bpu.lapse_months", D(2026, 11, 24), "3 bulan"),
    ("jkm.total", D(2026, 11, 24), "Rp42.000.000"),
    ("jkm.total", D(2019, 1, 1), "Rp24.000.000"),
    ("jkm.lump_sum", D(2026, 11, 24), "Rp20.000.000"),
    ("jkk.death_multiplier", D(2026, 11, 24), "48 kali"),
    ("jkk.total_disability_multiplier", D(2026, 11, 24), "56 kali"),
    ("scholarship.max_total", D(2026, 11, 24), "Rp174.000.000"),
    ("jht.age", D(2026, 11, 24), "56 tahun"),
    ("jht.claim_wait", D(2026, 11, 24), "1 bulan"),
    ("jmo.jht_claim_limit", D(2025, 4, 30), "Rp10.000.000"),
    ("jmo.jht_claim_limit", D(2025, 5, 1), "Rp15.000.000"),
    ("jp.pension_age", D(2024, 12, 31), "58 tahun"),
    ("jp.pension_age", D(2025, 1, 1), "59 tahun"),
    ("jp.pension_age", D(2027, 12, 31), "59 tahun"),
    ("jp.pension_age", D(2028, 1, 1), "60 tahun"),
    ("jp.pension_age", D(2043, 1, 1), "65 tahun"),
    ("jp.wage_cap", D(2024, 2, 29), "Rp9.559.600"),
    ("jp.wage_cap", D(2025, 2, 28), "Rp10.042.300"),
    ("jp.wage_cap", D(2025, 3, 1), "Rp10.547.400"),
    ("jp.wage_cap", D(2026, 11, 24), "Rp11.086.300"),
    ("jkp.max_join_age", D(2026, 11, 24), "54 tahun"),
    ("jkp.benefit_pct", D(2026, 11, 24), "60%"),
    ("jkp.rate_total", D(2025, 2, 6), "0,46%"),
    ("jkp.rate_total", D(2025, 2, 7), "0,36%"),
    ("jkp.claim_deadline", D(2026, 11, 24), "6 bulan"),
    ("pu.jkk_rate.very_low", D(2026, 11, 24), "0,24%"),
    ("pu.jkk_rate.very_high", D(2026, 11, 24), "1,74%"),
    ("pu.jht_rate_total", D(2026, 11, 24), "5,7%"),
    ("pmi.typical_total", D(2026, 11, 24), "Rp370.000"),
    ("bsu.amount", D(2026, 11, 24), "Rp600.000"),
    ("contact.call_centre", D(2026, 11, 24), "175"),
    ("sultra.active_2023", D(2026, 11, 24), "284.207"),
    ("gn.cost", D(2026, 11, 24), "Rp16.800"),
])
def test_key_figures_match_the_domain_notes(facts, key, on, text):
    assert facts.text(key, on) == text


@pytest.mark.parametrize("key,first,last", [
    ("bpu.discount.transport", D(2026, 1, 1), D(2027, 3, 31)),
    ("bpu.discount.other", D(2026, 4, 1), D(2026, 12, 31)),
])
def test_discount_windows_are_the_contribution_months_of_pp_50_2025(facts, key, first, last):
    for on, expected in [(first - dt.timedelta(days=1), False), (first, True), (last, True),
                         (last + dt.timedelta(days=1), False)]:
        assert facts.in_force(key, on) is expected, (key, on)
    assert facts.value(key, first) == 50
    with pytest.raises(FactNotInForce):
        facts.value(key, last + dt.timedelta(days=1))


def test_the_jp_wage_cap_is_stale_after_its_expected_change(facts):
    assert not facts.entry("jp.wage_cap", D(2025, 2, 28)).is_stale(D(2025, 2, 28))
    assert not facts.entry("jp.wage_cap", D(2026, 11, 24)).is_stale(D(2026, 11, 24))  # the 2026 cap is recorded
    assert facts.entry("jp.wage_cap", D(2027, 3, 1)).is_stale(D(2027, 3, 1))  # the 2027 cap is not
    assert facts.entry("jp.benefit_min", D(2026, 11, 24)).is_stale(D(2026, 11, 24))


def test_unconfirmed_figures_are_exactly_those_facts_md_marks(facts):
    unconfirmed = {fv.key for fv in facts.all_values() if not fv.confirmed}
    assert unconfirmed == {
        "bpu.bracket2.base", "bpu.bracket2.jht", "bpu.bracket2.total", "bpu.bracket_step", "bpu.top_bracket_from",
        "jkk.claim_deadline", "pmi.jht_max", "perisai.fee_pct", "perisai.bonus", "perisai.bonus_min_members",
        # the agents' current terms (facts.md §6.2 "Current fee levels ... UNCONFIRMED"): the split with the
        # umbrella body (2017) and the Bali branch's 2018 rule for inactive agents
        "perisai.agent_share", "perisai.inactive_months",
        "jkp.consecutive_months"}  # PP 6/2025 changed Pasal 19; its text was not read (facts.md §1.6)


# ------------------------------------------------------------------------------ traceability
def _renderings(fv) -> list[str]:
    v, u = fv.value, fv.unit
    if u in ("date", "month"):
        return []
    if u in ("text", "phone"):
        return re.findall(r"\d+(?:[.,/×]\d+)*", str(v))
    out = [format_number(v), str(v).replace(".", ",")]
    if isinstance(v, (int, float)) and v >= 1_000_000 and v % 100_000 == 0:
        out += [f"{format_number(v / 1_000_000)} juta", f"{format_number(v / 1_000_000)} jt"]
    if isinstance(v, (int, float)) and v >= 1_000_000_000 and v % 100_000_000 == 0:
        out += [f"{format_number(v / 1_000_000_000)} M", f"{format_number(v / 1_000_000_000)} miliar"]
    if isinstance(v, (int, float)) and 1_000 <= v < 1_000_000 and v % 1_000 == 0:
        out += [f"{format_number(v / 1_000)} ribu", f"{format_number(v / 1_000)}rb"]
    return out


def test_every_figure_traces_to_the_shared_domain_notes(facts, raw):
    if not SHARED_DOMAIN.is_dir():
        msg = f"SKIPPED: {SHARED_DOMAIN} is not there, so figures cannot be traced to the domain notes"
        sys.stderr.write(f"\n{'!' * 78}\n!!! {msg}\n{'!' * 78}\n")
        pytest.skip(msg)
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SHARED_DOMAIN.glob("*.*")))
    corpus = corpus.replace("\u00a0", " ")
    derived = {k for k, spec in raw["facts"].items() if spec.get("derived")}
    missing = []
    for fv in facts.all_values():
        if fv.key in derived:
            continue
        for token in _renderings(fv)[:1] if fv.unit not in ("text", "phone") else _renderings(fv):
            alternatives = _renderings(fv) if fv.unit not in ("text", "phone") else [token]
            if not any(re.search(r"(?<![\d.,])" + re.escape(a) + r"(?![\d]|[.,]\d)", corpus, re.I)
                       for a in alternatives):
                missing.append(f"{fv.key}={fv.value!r}")
    assert not missing, f"figures not found in {SHARED_DOMAIN} (add them there or explain with `derived:`): {missing}"


def test_derived_figures_say_how_they_were_derived(raw):
    for key, spec in raw["facts"].items():
        if "derived" in spec:
            assert isinstance(spec["derived"], str) and len(spec["derived"]) > 15, key
