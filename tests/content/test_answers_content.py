"""content/answers.yml against the facts, the domain and the rules: every figure comes from the facts file,
every intent has an answer and a rule, answers fit a phone screen, and they say what facts.md says."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from lingkar.facts import load_facts
from lingkar.texts import MAX_LABEL, PLACEHOLDER, Answers, load_texts

from .helpers import RENDER_DATES, ROOT, domain_intents, fact_strings, unexplained_numbers, walk_strings

TODAY = dt.date(2026, 11, 24)
MAX_CHARS = 700
#: Answers that may end without buttons (they close the conversation).
NO_BUTTONS = {"goodbye"}


@pytest.fixture(scope="module")
def facts():
    return load_facts(ROOT / "content" / "facts.yml")


@pytest.fixture(scope="module")
def answers(facts) -> Answers:
    return load_texts(ROOT / "content" / "answers.yml", facts, known_intents=sorted(domain_intents())).answers


@pytest.fixture(scope="module")
def rendered(answers):
    """Every answer and snippet rendered on every test date."""
    out = {}
    for on in RENDER_DATES:
        for intent in answers.intents():
            out[(intent, on)] = answers.render(intent, on)
        for name in answers.snippets:
            out[(f"snippet:{name}", on)] = answers.render_snippet(name, on)
        for detail in answers.details:
            out[(f"detail:{detail.name}", on)] = answers.render_detail(detail, on)
    return out


def _said(r) -> str:
    return r.text + "\n" + "\n".join(b["title"] for b in r.buttons)


# ------------------------------------------------------------------------------ every figure from the facts
def test_no_digit_in_any_template_outside_placeholders():
    with open(ROOT / "content" / "answers.yml", encoding="utf-8") as f:
        data = yaml.safe_load(f)
    offenders = [s for s in walk_strings(data) if re.search(r"\d", PLACEHOLDER.sub("", s))]
    assert not offenders


def test_no_digit_in_any_domain_response():
    with open(ROOT / "domain.yml", encoding="utf-8") as f:
        domain = yaml.safe_load(f)
    responses = domain.get("responses") or {}
    offenders = [s for s in walk_strings(responses) if re.search(r"\d", s)]
    assert not offenders, offenders


def test_every_number_in_every_rendered_answer_is_a_fact(facts, rendered):
    problems = []
    for (intent, on), r in rendered.items():
        leftover = unexplained_numbers(_said(r), fact_strings(facts, on))
        if leftover:
            problems.append(f"{intent} on {on}: {leftover}")
    assert not problems, problems


def test_the_figure_check_catches_a_typed_or_expired_figure(facts):
    allowed = fact_strings(facts, TODAY)
    assert unexplained_numbers("Iuran JKM Rp6.800, total Rp42.000.000, call center 175.", allowed) == ""
    assert unexplained_numbers("Iuran JKM Rp6.900.", allowed) == "Rp6.900."
    assert unexplained_numbers("Santunan Rp24.000.000.", allowed) == "Rp24.000.000."  # expired in 2019
    assert unexplained_numbers("Hubungi 1750.", allowed) == "1750."
    assert unexplained_numbers("Rp16.8000", allowed) != ""


def test_answers_render_on_every_date(rendered, answers):
    assert len(rendered) == len(RENDER_DATES) * (len(answers.intents()) + len(answers.snippets) + len(answers.details))
    assert answers.details, "content/answers.yml has details"


# ------------------------------------------------------------------------------ coverage
def test_every_domain_intent_has_an_answer_and_every_answer_an_intent(answers):
    assert set(answers.intents()) == domain_intents()


def _rules() -> dict:
    mapping: dict = {}
    for path in sorted(Path(ROOT / "stories").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in data.get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                mapping.setdefault(steps[0]["intent"], set()).add(steps[1]["action"])
    return mapping


#: Intents whose interim answer issue 3 replaces with forms and lead actions (stories/interim_issue3.yml).
ISSUE3 = {"check_eligibility", "request_contact", "cannot_afford", "sponsor_offer", "my_data", "delete_my_data",
          "inform", "cancel", "affirm", "deny"}


#: Topics answered by an action of their own (its fallback text is the topic's answer).
OWN_ACTION = {"human_handoff": "action_human_handoff", "ask_source": "action_sources",
              "ask_my_status": "action_my_status",
              "ask_more_detail": "action_more_detail", "paid": "action_reminder_answer",
              "snooze": "action_reminder_answer",
              "subscribe": "action_subscribe", "unsubscribe": "action_unsubscribe"}
#: Intents that start a form (their rule's second step is the form, not an action).
FORM_INTENTS = {"ask_reminder"}


def test_every_faq_intent_has_a_rule_to_action_answer():
    rules = _rules()
    assert rules["nlu_fallback"] == {"action_clarify"}
    for intent, action in OWN_ACTION.items():
        assert rules[intent] == {action}, intent
    for intent in domain_intents() - ISSUE3 - set(OWN_ACTION) - FORM_INTENTS:
        assert rules.get(intent) == {"action_answer"}, intent


def test_every_button_leads_to_a_known_intent(rendered):
    intents = domain_intents()
    for (intent, _on), r in rendered.items():
        for b in r.buttons:
            assert b["payload"].startswith("/") and b["payload"][1:] in intents, (intent, b)


# ------------------------------------------------------------------------------ phone-sized and helpful
def test_answers_fit_a_phone_screen(rendered):
    too_long = {f"{i} on {on}: {len(r.text)}" for (i, on), r in rendered.items() if len(r.text) >= MAX_CHARS}
    assert not too_long


def test_answers_end_with_a_next_step(rendered):
    for (intent, on), r in rendered.items():
        if intent.startswith(("snippet:", "detail:")) or intent in NO_BUTTONS:
            continue
        assert 1 <= len(r.buttons) <= 10, (intent, on)


def test_labels_are_short_button_titles(answers):
    for intent in answers.intents():
        label = answers.label(intent)
        assert 0 < len(label) <= MAX_LABEL and not re.search(r"\d", label), intent


def test_the_menu_has_the_main_topics(answers):
    payloads = [b["payload"] for b in answers.menu_buttons(TODAY)]
    for p in ("/ask_programs", "/ask_contribution_bpu", "/ask_register", "/ask_claim_jht", "/human_handoff",
              "/check_eligibility", "/ask_discount"):
        assert p in payloads
    assert answers.render("greet", TODAY).buttons == answers.menu_buttons(TODAY)
    assert answers.render("menu", TODAY).buttons == answers.menu_buttons(TODAY)


# ------------------------------------------------------------------------------ what the answers say
def text(answers, intent, on=TODAY) -> str:
    return answers.render(intent, on).text


def test_bpu_cannot_join_jp_or_jkp(answers):
    assert re.search(r"BPU\) tidak bisa ikut JP", text(answers, "ask_jp"))
    assert re.search(r"BPU\)\s+tidak bisa ikut JKP", text(answers, "ask_jkp"))
    assert "tidak bisa ikut JP dan JKP" in text(answers, "ask_who_can_join")
    bpu = text(answers, "ask_contribution_bpu")
    assert "JP" not in re.sub(r"JMO|UMP", "", bpu)  # BPU contributions never include JP
    assert "bukan UMP" in bpu


def test_jht_is_not_only_at_56(answers):
    for intent in ("ask_jht", "ask_claim_jht"):
        t = text(answers, intent)
        assert "PHK" in t and "1 bulan" in t and "56 tahun" in t


def test_jp_age_is_not_the_jht_age(answers):
    t = text(answers, "ask_jp")
    assert "Usia pensiun JP sekarang 59 tahun" in t and "usia JHT 56 tahun" in t
    assert "Usia pensiun JP sekarang 60 tahun" in text(answers, "ask_jp", dt.date(2028, 1, 1))
    # and when it rises next (a father of 56 in 2026 reaches 59 in 2029, when it is 60): the detail on ages
    [schedule] = [d for d in answers.details_for("ask_jp", "kata temannya jp baru bisa umur 59?")
                  if d.name == "jp_age_schedule"]
    assert "59 tahun sampai 2027, lalu 60 tahun" in answers.render_detail(schedule, TODAY).text
    assert "60 tahun sampai 2030, lalu 61 tahun" in answers.render_detail(schedule, dt.date(2028, 1, 1)).text


def test_no_fine_for_late_bpu_payment_and_three_months(answers):
    t = text(answers, "ask_late_payment")
    assert "tidak dikenakan denda" in t and "3 bulan berturut-turut" in t
    assert "2 bulan" not in t


def test_bsu_is_for_wage_earners_only(answers):
    t = text(answers, "ask_bsu")
    assert "hanya untuk karyawan (penerima upah), bukan pekerja mandiri (BPU)" in t


def test_health_questions_go_to_bpjs_kesehatan(answers):
    t = text(answers, "ask_health")
    assert "dua lembaga berbeda" in t and "hubungi BPJS Kesehatan" in t


def test_jmo_is_jamsostek_mobile(answers):
    for intent in ("ask_naming", "ask_register", "ask_contact"):
        assert "JMO (Jamsostek Mobile)" in text(answers, intent)
    assert not any("Jaminan Manfaat Online" in r for r in (text(answers, i) for i in answers.intents()))


def test_jkm_and_work_accident_death_are_told_apart(answers):
    t = text(answers, "ask_jkm")
    assert "bukan karena kecelakaan kerja" in t and "Rp42.000.000" in t and "48 kali upah" in t


def test_jkp_is_not_a_wage_deduction(answers):
    t = text(answers, "ask_jkp")
    assert "Tidak ada potongan gaji untuk JKP" in t
    # who pays instead (facts.md §1.6): the central government and the JKK reallocation
    assert "0,22% upah dibayar pemerintah pusat" in t and "0,14% dialihkan dari iuran JKK" in t
    assert "tidak dipotong dari gaji" in text(answers, "ask_contribution_pu")


def test_gn_lingkaran_names_sertakan_for_individual_donors(answers):
    t = text(answers, "ask_gn_lingkaran")
    assert "SERTAKAN (Sejahterakan Pekerja Sekitar Anda)" in t and "donatur perorangan" in t


def test_who_can_join_says_what_the_self_employed_cannot_join(answers):
    assert "tidak bisa ikut JP dan JKP" in text(answers, "ask_who_can_join")


def test_the_kendari_address_is_never_invented(answers):
    for intent in ("ask_contact", "human_handoff"):
        t = text(answers, intent)
        assert "Alamat kantor cabang Kendari belum ada di data saya" in t
        assert not re.search(r"\bJl\.|\bJalan\b", t)


def test_agents_are_not_employees(answers):
    assert "Agen bukan karyawan BPJS dan tidak digaji" in text(answers, "ask_agent")


def test_unconfirmed_and_stale_figures_say_where_to_check(rendered, facts, answers):
    checked = 0
    for (intent, on), r in rendered.items():
        for key in r.flagged:
            checked += 1
            assert "*" in r.text and "175" in r.text.split("\n\n")[-1], (intent, on, key)
            label = facts.history(key)[0].label
            assert label.lower() in r.text.lower(), (intent, key)
    assert checked > 0
    jp = text(answers, "ask_jp")
    assert "Rp11.086.300" in jp and "Rp11.086.300*" not in jp  # the 2026 cap is current until March 2027
    assert "Rp393.500*" in jp and "berlaku sejak 1 Maret 2024, mungkin sudah diperbarui" in jp
    later = text(answers, "ask_jp", dt.date(2027, 3, 1))
    assert "Rp11.086.300*" in later and "berlaku sejak 1 Maret 2026, mungkin sudah diperbarui" in later
    agent = text(answers, "ask_agent")
    assert "7,5%*" in agent and "belum bisa kami pastikan" in agent

