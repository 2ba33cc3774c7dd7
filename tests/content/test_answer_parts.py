"""Answers that fit a phone screen (issue 13): a long answer's first part and "Lebih lengkap" (lingkar/texts/screen.py,
Answers.render_split, actions/more.py), on every render date, through the real actions and both channels' renderers."""
from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

import pytest
import yaml

from actions.answers import ActionAnswer, ActionClarify, ActionDefaultFallback
from actions.citations import ActionSources
from actions.eligibility import ActionInform
from actions.more import ActionMoreDetail
from bot.telegram.render import build_plan as telegram_plan
from bot.whatsapp import render as wa
from lingkar.citations import source_lines
from lingkar.facts import get_facts
from lingkar.texts import get_answers
from lingkar.texts.answers import MAX_SHORT_BUTTONS, MORE_SNIPPET
from lingkar.texts.screen import SHORT_SCREENS, fits, is_more_detail, measure
from tests.conftest import use_settings

from .helpers import RENDER_DATES, ROOT
from .test_actions import TODAY, WITH_REFERRAL, run, tracker
from .test_citations import bot, user

#: The threshold the first-part mechanism is tested at. Production sends answers whole up to
#: lingkar.texts.screen.LONG_SCREENS (2.0: cutting at 1.25 cost the blind set 10.7 points, docs/architecture.md
#: "Answers on a phone screen"); today no answer is that long, so the mechanism is exercised at 1.25.
CUT_AT = 1.25


@pytest.fixture(autouse=True)
def _cut_at(monkeypatch):
    monkeypatch.setattr("lingkar.texts.answers.LONG_SCREENS", CUT_AT)


MORE = "/ask_more_detail"
#: A figure as the bot writes it: a run with at least one digit ("Rp16.800", "50%", "24", "4/2023").
FIGURE = re.compile(r"[\w.,/%-]*\d[\w.,/%-]*")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def _figures(text: str) -> list:
    return [m.group(0).strip(".,") for m in FIGURE.finditer(text.replace("*", " "))]


def _cases():
    answers = get_answers()
    for on in RENDER_DATES:
        for intent in answers.intents():
            try:
                answers.render(intent, on)
            except Exception:  # a rule not in force that day (tests/content/test_answers_content.py covers it)
                continue
            yield intent, on


CASES = list(_cases())


def _cut_intents(on=TODAY):
    answers = get_answers()
    with mock.patch("lingkar.texts.answers.LONG_SCREENS", CUT_AT):   # also at collection time (parametrize)
        return [i for i in answers.intents() if answers.render_split(i, on).rest is not None]


# ------------------------------------------------------------------------------------------------ the rule
def test_the_phone_model():
    assert measure("").wrapped == 1 and measure("a\n\nb").lines == 3
    assert measure("kata " * 80).wrapped == 10          # 400 characters: ten lines of forty
    assert fits("x " * 290, 1.0) and not fits("x " * 400, 1.0)     # about 600 characters per screen
    assert not fits("\n".join(["baris"] * 20), 1.0)                 # or fifteen lines, whatever their length
    assert fits("x " * 590) and not fits("x " * 610)                 # sent whole up to LONG_SCREENS (2.0)


def test_the_project_file_has_the_more_snippet_and_some_answers_are_cut():
    answers = get_answers()
    offer = answers.render_snippet(MORE_SNIPPET, TODAY)
    assert [b["payload"] for b in offer.buttons] == [MORE] and "lebih lengkap" in offer.text.lower()
    assert len(_cut_intents()) >= 5


@pytest.mark.parametrize("intent,on", CASES)
def test_every_first_part_fits_and_nothing_is_lost(intent, on):
    answers = get_answers()
    whole = answers.render(intent, on)
    split = answers.render_split(intent, on)
    assert fits(split.short.text, CUT_AT), (intent, on, measure(split.short.text))
    if split.rest is None:
        assert split.short == whole and fits(whole.text, CUT_AT)
        assert MORE not in [b["payload"] for b in split.short.buttons]      # a short answer gets no button
        return
    assert not fits(whole.text, CUT_AT)
    assert fits(split.short.text, SHORT_SCREENS), (intent, on, measure(split.short.text))
    buttons = [b["payload"] for b in split.short.buttons]
    assert buttons[0] == MORE and len(buttons) <= MAX_SHORT_BUTTONS and len(set(buttons)) == len(buttons)
    assert buttons[1:] == [b["payload"] for b in whole.buttons][:MAX_SHORT_BUTTONS - 1]
    assert split.rest.buttons == whole.buttons                                # the usual next steps after the rest
    # every figure of the whole answer is in the first part or the rest, and every fact it used
    both = _figures(split.short.text) + _figures(split.rest.text)
    missing = [f for f in _figures(whole.text) if f not in both]
    assert not missing, (intent, on, missing)
    assert set(whole.facts) <= set(split.short.facts) | set(split.rest.facts)
    assert set(split.rest.facts) == set(whole.facts)                          # "sumber?" after the rest: all of it


def test_an_automatic_cut_is_between_paragraphs_of_the_answer():
    answers = get_answers()
    cut = [i for i in _cut_intents() if not answers.answers[i].short]
    assert cut
    for intent in cut:
        whole = answers.render(intent, TODAY).text
        split = answers.render_split(intent, TODAY)
        first = split.short.text.rsplit("\n\n", 1)[0]                         # without the hint line
        assert whole.startswith(first + "\n\n") and whole.endswith(split.rest.text)


def test_the_first_part_still_answers_the_known_questions():
    """Each question of tests/answers/ (what the live check sends) whose answer is cut: the words a right answer must
    contain are in the first part whenever the whole answer has them (the reply the worker sees without a tap)."""
    answers = get_answers()
    lost = []
    for path in sorted((ROOT / "tests" / "answers").glob("*.yml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            intents = q["intent"] if isinstance(q["intent"], list) else [q["intent"]]
            for intent in (i for i in intents if i in answers.answers):
                split = answers.render_split(intent, TODAY)
                if split.rest is None:
                    continue
                whole = answers.render(intent, TODAY).text.lower()
                lost += [(intent, w, q["text"]) for w in q["must_contain"]
                         if w.lower() in whole and w.lower() not in split.short.text.lower()]
    assert not lost


# ------------------------------------------------------------------------------------------------ the phrases
@pytest.mark.parametrize("text", ["lebih lengkap", "Lebih lengkap", "selengkapnya", "detailnya?",
                                  "jelaskan lebih lanjut", "tolong jelaskan lebih lanjut dong",
                                  "penjelasan lengkapnya kak", "info lengkapnya?", "rinciannya?",
                                  "selengkapnya ya kak", "lanjutannya?"])
def test_more_detail_phrases(text):
    assert is_more_detail(text)


@pytest.mark.parametrize("text", ["lanjut", "detailnya jht", "berkas apa?", "syarat lengkap daftar bpu",
                                  "lebih lengkap mana jkk atau jkm", "", "/ask_jkp"])
def test_questions_are_not_more_detail(text):
    assert not is_more_detail(text)


# ------------------------------------------------------------------------------------------------ the actions
def _events(intent: str, messages: list, text: str | None = None) -> list:
    return [user(intent, text or f"/{intent}")] + [bot(m) for m in messages]


async def _answer(intent: str, earlier=()):
    messages, _ = await run(ActionAnswer(), tracker(intent, metadata=WITH_REFERRAL, events=list(earlier)))
    return messages


async def test_a_long_answer_is_sent_as_its_first_part_with_the_button_and_marked():
    intent = _cut_intents()[0]
    messages = await _answer(intent)
    split = get_answers().render_split(intent, TODAY)
    assert len(messages) == 1 and messages[0]["text"] == split.short.text
    assert messages[0]["buttons"][0]["payload"] == MORE
    assert messages[0]["answer"] == {"topic": intent, "on": TODAY.isoformat(), "part": "short"}


async def test_a_short_answer_gets_no_button():
    assert get_answers().render_split("ask_jkm", TODAY).rest is None
    messages = await _answer("ask_jkm")
    assert MORE not in [b["payload"] for b in messages[0]["buttons"]]
    assert messages[0]["answer"]["part"] == "whole"


@pytest.mark.parametrize("intent", _cut_intents())
async def test_more_detail_sends_the_rest_of_that_answer(intent):
    first = await _answer(intent)
    t = tracker("ask_more_detail", text="lebih lengkap", events=_events(intent, first))
    messages, events = await run(ActionMoreDetail(), t)
    rest = get_answers().render_split(intent, TODAY).rest
    assert events == [] and len(messages) == 1
    assert messages[0]["text"] == rest.text and messages[0]["buttons"] == rest.buttons
    assert messages[0]["answer"]["part"] == "rest" and messages[0]["facts"] == list(rest.facts)


async def test_more_detail_is_for_the_last_answer_not_an_earlier_one():
    cut = _cut_intents()
    older, newer = cut[0], cut[1]
    earlier = _events(older, await _answer(older))
    earlier += _events(newer, await _answer(newer, earlier))
    messages, _ = await run(ActionMoreDetail(), tracker("ask_more_detail", text="selengkapnya", events=earlier))
    assert messages[0]["text"] == get_answers().render_split(newer, TODAY).rest.text
    # the last answer was whole: nothing more, not the long answer before it
    earlier = _events(older, await _answer(older))
    earlier += _events("ask_jkm", await _answer("ask_jkm", earlier))
    messages, _ = await run(ActionMoreDetail(), tracker("ask_more_detail", text="lebih lengkap", events=earlier))
    assert messages[0]["text"] == get_answers().render("ask_more_detail", TODAY).text
    # and after the rest, a second "lebih lengkap" says that was all
    earlier = _events(older, await _answer(older))
    rest, _ = await run(ActionMoreDetail(), tracker("ask_more_detail", text="lebih lengkap", events=earlier))
    earlier += _events("ask_more_detail", rest, "lebih lengkap")
    again, _ = await run(ActionMoreDetail(), tracker("ask_more_detail", text="lebih lengkap", events=earlier))
    assert again[0]["text"] == get_answers().render("ask_more_detail", TODAY).text


@pytest.mark.parametrize("action,intent,text", [
    (ActionAnswer(), "ask_documents", "detailnya?"),
    (ActionAnswer(), "ask_programs", "jelaskan lebih lanjut"),
    (ActionClarify(), "nlu_fallback", "selengkapnya"),
    (ActionDefaultFallback(), "nlu_fallback", "lebih lengkap dong"),
    (ActionInform(), "inform", "rinciannya?"),
    (ActionAnswer(), "ask_more_detail", "/ask_more_detail"),
])
async def test_the_words_work_whatever_the_nlu_read(action, intent, text):
    topic = "ask_jkp"
    earlier = _events(topic, await _answer(topic))
    messages, _ = await run(action, tracker(intent, text=text, events=earlier))
    assert messages[0]["text"] == get_answers().render_split(topic, TODAY).rest.text


async def test_the_rest_is_written_for_the_day_of_the_first_part():
    """The first part during the discount, "lebih lengkap" after it ended: the same figures as the first part."""
    intent = "ask_contribution_bpu"
    use_settings(LINGKAR_TODAY="2026-12-31")
    first = await _answer(intent)
    use_settings(LINGKAR_TODAY="2027-04-01")
    messages, _ = await run(ActionMoreDetail(),
                            tracker("ask_more_detail", text="lebih lengkap", events=_events(intent, first)))
    day = dt.date(2026, 12, 31)
    assert messages[0]["text"] == get_answers().render_split(intent, day).rest.text
    assert messages[0]["text"] != get_answers().render(intent, dt.date(2027, 4, 1)).text


async def test_follow_ups_and_sources_still_work_after_more_detail():
    topic = "ask_claim_jht"
    assert topic in _cut_intents()
    first = await _answer(topic)
    # "sumber?" after the first part: the sources of what it showed
    sources, _ = await run(ActionSources(), tracker("ask_source", text="sumber?", events=_events(topic, first)))
    short = get_answers().render_split(topic, TODAY).short
    assert [ln for ln in sources[0]["text"].splitlines() if ln.startswith("• ")] == \
        source_lines(get_facts(), short.facts, TODAY)
    earlier = _events(topic, first)
    rest, _ = await run(ActionMoreDetail(), tracker("ask_more_detail", text="lebih lengkap", events=earlier))
    earlier += _events("ask_more_detail", rest, "lebih lengkap")
    # "sumber?" after the rest: the sources of every figure of the answer
    sources, _ = await run(ActionSources(), tracker("ask_source", text="sumber?", events=earlier))
    whole = get_answers().render(topic, TODAY)
    assert [ln for ln in sources[0]["text"].splitlines() if ln.startswith("• ")] == \
        source_lines(get_facts(), whole.facts, TODAY)
    # a short follow-up is still about the topic under discussion, not about "lebih lengkap"
    messages, _ = await run(ActionAnswer(), tracker("ask_documents", text="berkas apa aja?", events=earlier))
    assert messages[0]["text"] == get_answers().render_split(topic, TODAY).short.text
    # also when the NLU read "lebih lengkap" as another topic
    earlier = _events(topic, first) + _events("ask_documents", rest, "lebih lengkap")
    messages, _ = await run(ActionAnswer(), tracker("ask_documents", text="berkas apa aja?", events=earlier))
    assert messages[0]["text"] == get_answers().render_split(topic, TODAY).short.text


# ------------------------------------------------------------------------------------------------ the channels
def _rest_message(rendered) -> dict:
    """What Rasa's REST channel hands the adapters (the metadata stays in the bot event)."""
    return {"recipient_id": "u", "text": rendered.text, "buttons": rendered.buttons}


@pytest.mark.parametrize("intent", _cut_intents())
def test_the_first_part_renders_on_telegram_and_whatsapp_within_their_limits(intent):
    short = get_answers().render_split(intent, TODAY).short
    plan = telegram_plan(42, [_rest_message(short)])
    assert len(plan.steps) == 1 and plan.steps[0]["method"] == "sendMessage"
    params = plan.steps[0]["params"]
    assert len(params["text"]) <= 4096
    keys = [k for row in params["reply_markup"]["inline_keyboard"] for k in row]
    assert keys[0]["text"] == "Lebih lengkap" and len(keys) == len(short.buttons)
    assert all(len(k["text"]) <= 64 and len(k["callback_data"].encode()) <= 64 for k in keys)

    wplan = wa.build_plan("6281234567890", [_rest_message(short)])
    assert len(wplan.bodies) == 1
    body = wplan.bodies[0]
    assert body["type"] == "interactive"
    interactive = body["interactive"]
    assert len(interactive["body"]["text"]) <= wa.BODY_LIMIT
    if interactive["type"] == "button":
        options = [(b["reply"]["title"], b["reply"]["id"]) for b in interactive["action"]["buttons"]]
        assert len(options) <= wa.MAX_BUTTONS and all(len(t) <= wa.BUTTON_TITLE for t, _ in options)
    else:
        rows = [r for s in interactive["action"]["sections"] for r in s["rows"]]
        options = [(r["title"], r["id"]) for r in rows]
        assert len(options) <= wa.MAX_ROWS and all(len(t) <= wa.ROW_TITLE for t, _ in options)
    assert options[0][0] == "Lebih lengkap" and wa.parse_id(options[0][1]) == ("payload", MORE)


# ------------------------------------------------------------------------------------------------ the report
def test_answer_lengths_report(tmp_path):
    from scripts.answer_lengths import main
    assert main(["--date", TODAY.isoformat(), "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "lengths.json").read_text(encoding="utf-8"))
    s = report["summary"]
    assert s["answers"] == len(get_answers().intents()) and s["cut"] == len(_cut_intents())
    # the report's threshold is production's (2.0 screens): no answer is that long today
    assert s["over_long_threshold_after"] == 0 and s["over_long_threshold_before"] == 0
    assert s["over_one_screen_after"] < s["over_one_screen_before"]
    assert {t["name"] for t in report["turns"] if "more_turn" in t} == set(_cut_intents())
    assert "## Messages per turn" in (tmp_path / "lengths.md").read_text(encoding="utf-8")
