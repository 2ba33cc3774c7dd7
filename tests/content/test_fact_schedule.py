"""Facts with a schedule (issue 13): a figure that changes on a known rhythm says so by itself once the date a
newer value was expected has passed and none is recorded -- in the bot's answers, and in ``make facts-report``."""
from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys

import pytest
import yaml

from lingkar.facts import DUE, FactError, Facts, load_facts
from lingkar.texts import load_texts
from scripts import facts_report
from tests.conftest import use_settings

from .helpers import ROOT

D = dt.date
FACTS_YML = ROOT / "content" / "facts.yml"


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(FACTS_YML.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts(data):
    return Facts(copy.deepcopy(data))


@pytest.fixture(scope="module")
def answers(facts):
    return load_texts(ROOT / "content" / "answers.yml", facts).answers


# ------------------------------------------------------------------------------ the schedule
@pytest.mark.parametrize("on,value,status", [
    (D(2024, 2, 29), 9_559_600, "confirmed"),
    (D(2024, 3, 1), 10_042_300, "confirmed"),
    (D(2025, 2, 28), 10_042_300, "confirmed"),
    (D(2025, 3, 1), 10_547_400, "confirmed"),
    (D(2026, 2, 28), 10_547_400, "confirmed"),
    (D(2026, 3, 1), 11_086_300, "confirmed"),
    (D(2027, 2, 28), 11_086_300, "confirmed"),
    (D(2027, 3, 1), 11_086_300, DUE),          # the March 2027 cap was expected; none is recorded
    (D(2027, 3, 2), 11_086_300, DUE),
    (D(2030, 1, 1), 11_086_300, DUE),
])
def test_jp_wage_cap_value_and_status_around_each_march(facts, on, value, status):
    assert facts.value("jp.wage_cap", on) == value
    assert facts.status("jp.wage_cap", on) == status


def test_recording_the_next_value_ends_the_review(data):
    later = copy.deepcopy(data)
    values = later["facts"]["jp.wage_cap"]["values"]
    values[-1]["until"] = "2027-02-28"
    values.append({"value": 11_600_000, "from": "2027-03-01", "source": "a test source"})
    facts = Facts(later)
    assert facts.status("jp.wage_cap", D(2027, 3, 1)) == "confirmed"
    assert facts.value("jp.wage_cap", D(2027, 3, 1)) == 11_600_000
    assert facts.status("jp.wage_cap", D(2028, 3, 1)) == DUE   # and the next March starts it again


def test_jp_minimum_benefit_is_marked_possibly_outdated_since_march_2025(facts):
    assert facts.status("jp.benefit_min", D(2025, 2, 28)) == "confirmed"
    assert facts.status("jp.benefit_min", D(2025, 3, 1)) == DUE
    assert [fv.key for fv in facts.due_for_review(D(2026, 12, 2))] == ["jp.benefit_min"]
    assert [fv.key for fv in facts.due_for_review(D(2027, 3, 1))] == ["jp.benefit_min", "jp.wage_cap"]


@pytest.mark.parametrize("spec,due", [
    ({"review": {"every": "yearly", "month": 3}, "values": [{"value": 1, "from": "2026-03-01"}]}, D(2027, 3, 1)),
    ({"review": {"every": "yearly", "month": 3}, "values": [{"value": 1, "from": "2026-02-10"}]}, D(2026, 3, 1)),
    ({"review": {"every": "yearly", "month": 7, "day": 15}, "values": [{"value": 1, "from": "2026-07-15"}]},
     D(2027, 7, 15)),
    ({"next_change": "2027-01-01", "value": 1, "from": "2026-01-01"}, D(2027, 1, 1)),
    ({"values": [{"value": 1, "from": "2026-01-01", "next_change": "2026-06-01"}]}, D(2026, 6, 1)),
    ({"stale_after": "2025-02-28", "value": 1}, D(2025, 3, 1)),
    ({"value": 1, "from": "2026-01-01", "until": "2026-12-31"}, None),   # a window that ends: nothing to review
    ({"value": 1}, None),
])
def test_review_schedules(spec, due):
    facts = Facts({"facts": {"x.y": {"unit": "count", "source": "s", **spec}}})
    fv = facts.history("x.y")[-1]
    assert fv.due == due
    if due is not None:
        assert not fv.is_stale(due - dt.timedelta(days=1)) and fv.is_stale(due)


@pytest.mark.parametrize("review", [{"every": "monthly", "month": 3}, {"every": "yearly"},
                                    {"every": "yearly", "month": 13}, "yearly"])
def test_a_bad_schedule_is_refused_when_the_file_is_loaded(review):
    with pytest.raises(FactError, match="review"):
        Facts({"facts": {"x.y": {"unit": "count", "source": "s", "review": review,
                                 "values": [{"value": 1, "from": "2026-01-01"}]}}})


# ------------------------------------------------------------------------------ what the bot says
@pytest.mark.parametrize("intent", ["ask_jp", "ask_contribution_pu"])
def test_the_stale_warning_appears_when_the_clock_passes_march(answers, intent):
    before = answers.render(intent, D(2027, 2, 28)).text
    after = answers.render(intent, D(2027, 3, 1)).text
    assert "Rp11.086.300" in before and "Rp11.086.300*" not in before and "berlaku sejak 1 Maret 2026" not in before
    assert "Rp11.086.300*" in after
    assert "*Batas upah iuran JP berlaku sejak 1 Maret 2026, mungkin sudah diperbarui; cek 175/JMO." in after


def test_the_stale_warning_follows_the_frozen_today(answers, monkeypatch):
    use_settings(LINGKAR_TODAY="2027-02-28")
    assert "Rp11.086.300*" not in answers.render("ask_jp").text
    use_settings(LINGKAR_TODAY="2027-03-01")
    assert "berlaku sejak 1 Maret 2026, mungkin sudah diperbarui" in answers.render("ask_jp").text


def test_each_stale_figure_gets_its_own_line(answers):
    text = answers.render("ask_jp", D(2027, 3, 1)).text
    notes = [line for line in text.split("\n") if line.startswith("*")]
    assert notes == ["*Batas upah iuran JP berlaku sejak 1 Maret 2026, mungkin sudah diperbarui; cek 175/JMO.",
                     "*Manfaat pensiun JP minimal per bulan berlaku sejak 1 Maret 2024, mungkin sudah diperbarui; "
                     "cek 175/JMO."]


# ------------------------------------------------------------------------------ make facts-report
def _report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "facts_report.py"), *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def test_facts_report_lists_every_fact_with_value_source_and_status():
    facts = load_facts(FACTS_YML)
    rows = {r["key"]: r for r in facts_report.rows(facts, D(2027, 3, 1))}
    assert set(rows) == set(facts.keys())
    cap = rows["jp.wage_cap"]
    assert (cap["value"], cap["since"], cap["status"]) == ("Rp11.086.300", "2026-03-01", DUE)
    assert "mondaq.com" in cap["source"] and cap["next_change"].startswith("2027-03-01")
    assert rows["jkp.consecutive_months"]["status"] == "unconfirmed"
    assert rows["bpu.discount.other"]["status"] == "not in force"
    assert rows["bpu.discount.other"]["value"] == "- (ended 2026-12-31)"
    assert rows["bpu.discount.transport"]["next_change"] == "2027-04-01"
    earlier = {r["key"]: r for r in facts_report.rows(facts, D(2026, 12, 2))}
    assert earlier["jp.wage_cap"]["status"] == "confirmed" and earlier["jp.wage_cap"]["next_change"] == "2027-03-01"


def test_facts_report_command_line():
    r = _report("--date", "2027-03-01")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("jp.wage_cap "))
    assert "Rp11.086.300" in line and "due for review" in line
    assert "2 due for review" in r.stdout.splitlines()[-1]
    due = _report("--date", "2027-03-01", "--due", "--csv")
    assert due.returncode == 0 and [x.split(",")[0] for x in due.stdout.splitlines()] == [
        "key", "jp.benefit_min", "jp.wage_cap"]
    bad = _report("--date", "1 Maret")
    assert bad.returncode == 2 and "write it as YYYY-MM-DD" in bad.stderr


def test_make_facts_report_takes_a_date():
    r = subprocess.run(["make", "-s", "facts-report", "DATE=2026-12-02"], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Facts on 2026-12-02")
    assert any(x.startswith("jp.wage_cap ") and "confirmed" in x for x in r.stdout.splitlines())
