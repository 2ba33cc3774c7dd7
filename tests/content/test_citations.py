""""sumber?": the sources of the figures the previous answer showed (lingkar/citations.py, actions/citations.py)."""
from __future__ import annotations

import pytest

from actions.answers import ActionAnswer
from actions.citations import ActionSources
from lingkar.citations import facts_of_turn, plain_source, source_lines
from lingkar.facts import get_facts
from lingkar.texts import get_answers

from .test_actions import TODAY, run, tracker

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def user(intent: str, text: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


def bot(message: dict) -> dict:
    """A bot event as Rasa stores it: what the action sent beyond text and buttons is the event's metadata."""
    meta = {k: v for k, v in message.items() if k not in ("text", "buttons", "template", "response")}
    return {"event": "bot", "text": message.get("text"), "data": {"buttons": message.get("buttons")},
            "metadata": meta}


def test_plain_source_names_regulations_official_or_news():
    assert plain_source("PP 44/2015 Lampiran II; Permenaker 5/2021; official article 18931 (facts.md §3.2)") == \
        "PP 44/2015, Permenaker 5/2021"
    assert plain_source("bpjsketenagakerjaan.go.id (facts.md §7)") == "informasi resmi BPJS Ketenagakerjaan"
    assert plain_source("thecuy.com, 9 Agu 2025 (facts.md §7)").startswith("pemberitaan media")
    assert "facts.md" not in plain_source("Kontan 21 Nov 2025 (facts.md §3.2)")


def test_source_lines_show_value_source_and_date_and_skip_unknown_keys():
    facts = get_facts()
    lines = source_lines(facts, ["bpu.jkm", "no.such.fact", "bpu.jkm"], TODAY)
    assert len(lines) == 1
    line = lines[0]
    jkm = facts.entry("bpu.jkm", TODAY)
    assert line.startswith("• PP 44/2015") and f"{jkm.label} ({jkm.text()})" in line
    assert ("berlaku sejak" in line) == bool(jkm.valid_from)


def test_facts_of_one_source_and_date_share_a_line():
    facts = get_facts()
    keys = ["jkk.stmb_full_months", "jkk.stmb_after_pct", "bpu.jkm"]
    lines = source_lines(facts, keys, TODAY)
    assert len(lines) == 2 and lines[0].startswith("• PP 82/2019 (berlaku sejak")
    assert facts.entry("jkk.stmb_full_months", TODAY).label in lines[0]
    assert facts.entry("jkk.stmb_after_pct", TODAY).label in lines[0]


def test_unconfirmed_fact_is_marked():
    facts = get_facts()
    unconfirmed = [fv.key for fv in facts.all_values() if not fv.confirmed and fv.covers(TODAY)]
    if not unconfirmed:
        pytest.skip("no unconfirmed fact in force today")
    assert "belum dikonfirmasi" in source_lines(facts, unconfirmed[:1], TODAY)[0]


async def test_answer_messages_carry_their_fact_keys():
    messages, _ = await run(ActionAnswer(), tracker("ask_contribution_bpu"))
    expected = get_answers().render_split("ask_contribution_bpu", TODAY).short  # the first part (actions/more.py)
    assert expected.facts and messages[0]["facts"] == list(expected.facts)


async def sources_after(intent: str) -> str:
    answer, _ = await run(ActionAnswer(), tracker(intent))
    events = [user(intent, f"/{intent}")] + [bot(m) for m in answer]
    t = tracker("ask_source", text="sumber?", events=events)
    messages, events_out = await run(ActionSources(), t)
    assert len(messages) == 1 and events_out == []
    assert "facts" not in messages[0]   # a second "sumber?" must not list the sources of this message
    return messages[0]["text"]


@pytest.mark.parametrize("intent", ["ask_contribution_bpu", "ask_jkm", "ask_jp"])
async def test_sources_name_only_what_the_previous_answer_used(intent):
    text = await sources_after(intent)
    used = list(dict.fromkeys(get_answers().render_split(intent, TODAY).short.facts))  # what the worker saw
    assert used, f"{intent} shows no figure: pick a topic that does"
    assert text.startswith("Sumber angka di jawaban tadi")
    bullets = [line for line in text.splitlines() if line.startswith("• ")]
    assert bullets == source_lines(get_facts(), used, TODAY)   # one line per used fact, nothing else


async def test_sources_without_a_figure_before_give_the_general_answer():
    t = tracker("ask_source", text="sumber?", events=[user("greet", "halo"), bot({"text": "Halo!"})])
    messages, _ = await run(ActionSources(), t)
    assert messages[0]["text"] == get_answers().render("ask_source", TODAY).text


def test_facts_of_turn_looks_past_turns_without_figures_but_not_the_current_one():
    events = [user("ask_jkm", "jkm brp"), bot({"text": "JKM ...", "facts": ["jkm.total"]}),
              user("thank", "makasih"), bot({"text": "Sama-sama"}),
              user("ask_source", "sumber?")]
    assert facts_of_turn(events) == ["jkm.total"]
    newer = events[:-1] + [user("ask_jp", "jp?"), bot({"text": "JP", "facts": ["jp.pension_age"]}),
                           user("ask_source", "sumber?")]
    assert facts_of_turn(newer) == ["jp.pension_age"]
    assert facts_of_turn([user("ask_source", "sumber?")]) == []


@pytest.mark.parametrize("text, sources", [("komisinya brp?", False), ("sumbernya?", True),
                                           ("dasar hukum komisinya apa?", True)])
async def test_a_question_read_as_sources_without_a_source_word_asks_the_topics_detail(text, sources):
    # "komisinya" looks like "sumbernya" to the NLU; with no word of sources it is the agent's commission
    answer, _ = await run(ActionAnswer(), tracker("ask_agent"))
    events = [user("ask_agent", "/ask_agent")] + [bot(m) for m in answer]
    messages, _ = await run(ActionSources(), tracker("ask_source", text=text, events=events))
    out = "\n".join(m.get("text") or "" for m in messages)
    assert out.startswith("Sumber angka") == sources
    assert ("Komisi Agen Perisai" in out) != sources
