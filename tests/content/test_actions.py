"""The rasa_sdk actions in actions/answers.py, run with Tracker.from_dict fixtures and a CollectingDispatcher,
through the SDK's ActionExecutor (as the action server runs them), and with a real SQLite lead store."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.answers import (
    ActionAnswer,
    ActionClarify,
    ActionDefaultFallback,
    ActionHumanHandoff,
    clarify_message,
    close_topics,
)
from lingkar.store import Store, provide
from lingkar.texts import get_answers
from tests.conftest import use_settings

from .helpers import domain_intents

TODAY = dt.date(2026, 11, 24)
#: A worker who came through an agent's link: never asked where they heard of Lingkar (actions/source.py).
WITH_REFERRAL = {"channel": "telegram", "referral": "K7M2QX", "referral_known": True}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """The actions read "today" from LINGKAR_TODAY (lingkar/clock.py) at call time."""
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def tracker(intent: str, ranking=None, text: str = "", metadata=None, events=None, sender="u-1") -> Tracker:
    confidence = 1.0 if not ranking else ranking[0][1]
    latest = {"text": text or f"/{intent}", "intent": {"name": intent, "confidence": confidence},
              "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 1.0)])],
              "entities": [], "metadata": metadata or {}}
    evs = list(events or []) + [{"event": "user", "text": latest["text"], "parse_data": latest,
                                 "input_channel": (metadata or {}).get("channel", "rest")}]
    return Tracker.from_dict({"sender_id": sender, "slots": {}, "latest_message": latest, "events": evs,
                              "paused": False, "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})


async def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


# ------------------------------------------------------------------------------ action_answer
@pytest.mark.parametrize("intent", sorted(domain_intents()))
async def test_action_answer_answers_every_intent(intent, store):
    provide(store)
    messages, events = await run(ActionAnswer(), tracker(intent, metadata=WITH_REFERRAL))
    expected = get_answers().render_split(intent, TODAY).short  # a long answer's first part (actions/more.py)
    if intent == "menu":  # the menu is followed once by the "Langganan info" offer (tests/eligibility/...)
        offer = messages.pop()
        assert offer["buttons"] == [{"title": "Langganan info", "payload": "/subscribe"}]
        assert events == [{"event": "slot", "timestamp": None, "name": "subscription_offered", "value": True}]
        events = []
    assert len(messages) == 1 and events == []
    assert messages[0]["text"] == expected.text and messages[0]["buttons"] == expected.buttons
    assert messages[0]["text"].strip()


async def test_the_first_topic_answer_without_a_referral_asks_where_the_worker_heard_of_lingkar():
    """actions/source.py (tests/eligibility/test_source_question.py has the rest)."""
    messages, events = await run(ActionAnswer(), tracker("ask_jkm"))
    assert messages[0]["text"] == get_answers().render_split("ask_jkm", TODAY).short.text
    assert messages[1]["text"].endswith("dari mana Anda tahu Lingkar?") and len(messages) == 2
    assert [(e["name"], e["value"]) for e in events] == [("source_asked", True)]


async def test_action_answer_uses_todays_date(monkeypatch):
    use_settings(LINGKAR_TODAY="2026-11-24")
    during, _ = await run(ActionAnswer(), tracker("ask_contribution_bpu"))
    use_settings(LINGKAR_TODAY="2027-04-01")
    after, _ = await run(ActionAnswer(), tracker("ask_contribution_bpu"))
    assert "Rp8.400" in during[0]["text"] and "Rp8.400" not in after[0]["text"]


async def test_action_answer_without_an_answer_shows_the_help_and_menu():
    messages, _ = await run(ActionAnswer(), tracker("no_such_intent"))
    assert messages[0]["text"] == get_answers().render_snippet("clarify_help", TODAY).text
    assert messages[0]["buttons"] == get_answers().menu_buttons(TODAY)


# ------------------------------------------------------------------------------ action_clarify
CLOSE = [("nlu_fallback", 0.4), ("ask_jht", 0.33), ("ask_jp", 0.3), ("ask_balance", 0.2),
         ("greet", 0.05)]
TWO_CLOSE = [("nlu_fallback", 0.4), ("ask_jkm", 0.38), ("ask_jkk", 0.36), ("ask_jp", 0.05)]
FAR = [("nlu_fallback", 0.4), ("ask_jht", 0.3), ("ask_jkm", 0.05), ("ask_jp", 0.04)]
SMALL_TALK = [("nlu_fallback", 0.4), ("thank", 0.35), ("greet", 0.33), ("ask_jkm", 0.02)]
NOISE = [("nlu_fallback", 0.4), ("ask_jht", 0.12), ("ask_jkm", 0.11), ("ask_jp", 0.1)]


async def test_clarify_offers_the_close_topics_and_bukan_itu():
    messages, _ = await run(ActionClarify(), tracker("nlu_fallback", CLOSE, text="jht gmn"))
    answers = get_answers()
    assert messages[0]["text"].startswith("Maaf, saya kurang yakin") and "Maksudnya" in messages[0]["text"]
    assert messages[0]["buttons"] == [
        {"title": answers.label("ask_jht"), "payload": "/ask_jht"},
        {"title": answers.label("ask_jp"), "payload": "/ask_jp"},
        {"title": answers.label("ask_balance"), "payload": "/ask_balance"},
        {"title": "Bukan itu", "payload": "/out_of_scope"}]


async def test_clarify_with_two_close_topics():
    messages, _ = await run(ActionClarify(), tracker("nlu_fallback", TWO_CLOSE))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_jkm", "/ask_jkk", "/out_of_scope"]


@pytest.mark.parametrize("ranking", [FAR, SMALL_TALK, NOISE, [("nlu_fallback", 1.0)]],
                         ids=["one-clear-leader", "small-talk-only", "noise", "nothing"])
async def test_clarify_never_guesses_when_topics_are_not_close(ranking):
    messages, _ = await run(ActionClarify(), tracker("nlu_fallback", ranking))
    assert "Maksudnya" not in messages[0]["text"]
    assert messages[0]["text"] == get_answers().render_snippet("clarify_help", TODAY).text
    assert messages[0]["buttons"] == get_answers().menu_buttons(TODAY)


def test_close_topics_caps_at_three_and_orders_by_confidence():
    ranking = [{"name": n, "confidence": c} for n, c in
               [("ask_jp", 0.2), ("ask_jht", 0.3), ("nlu_fallback", 0.5), ("ask_jkm", 0.25), ("ask_jkk", 0.22)]]
    assert [r["name"] for r in close_topics(ranking, get_answers())] == ["ask_jht", "ask_jkm", "ask_jkk"]


def test_clarify_message_is_pure():
    ranking = [{"name": n, "confidence": c} for n, c in TWO_CLOSE]
    a = clarify_message(ranking, get_answers(), TODAY)
    b = clarify_message(ranking, get_answers(), TODAY)
    assert a == b and len(a.buttons) == 3


# ------------------------------------------------------------------------------ default fallback
async def test_default_fallback_helps_and_reverts_the_turn():
    messages, events = await run(ActionDefaultFallback(), tracker("ask_jkm"))
    assert messages[0]["buttons"] == get_answers().menu_buttons(TODAY)
    assert events == [{"event": "rewind", "timestamp": None}]


# ------------------------------------------------------------------------------ human handoff
@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/handoff.db")
    s.migrate()
    yield s
    s.dispose()


async def test_handoff_tells_how_and_records_the_request(store):
    before = [{"event": "user", "text": "cara klaim jht", "parse_data": {"intent": {"name": "ask_claim_jht"}}},
              {"event": "action", "name": "action_answer"}]
    t = tracker("human_handoff", metadata={"channel": "telegram", "referral": "ag_k7"}, events=before,
                sender="tg-42")
    provide(store)  # what bot.action_server does with its store
    messages, _ = await run(ActionHumanHandoff(), t)
    assert messages[0]["text"] == get_answers().render("human_handoff", TODAY).text
    assert "call center 175" in messages[0]["text"]
    assert messages[1]["text"] == "Permintaan Anda sudah kami catat untuk petugas kantor cabang."
    [h] = store.list_handoffs()
    assert (h.sender_id, h.channel, h.referral, h.topic, h.status) == ("tg-42", "telegram", "AG_K7",
                                                                       "ask_claim_jht", "open")


async def test_repeated_handoff_requests_update_the_one_open_request(store):
    provide(store)
    for _ in range(3):
        messages, _ = await run(ActionHumanHandoff(), tracker("human_handoff", sender="tg-43"))
        assert messages[1]["text"] == "Permintaan Anda sudah kami catat untuk petugas kantor cabang."
    assert len(store.list_handoffs()) == 1
    assert store.outbox_pending(topics="handoff.requested") == 1     # the staff group is told once


async def test_handoff_without_a_store_still_gives_the_contacts_and_claims_nothing():
    # a real PostgreSQL URL on a port where nothing listens, migrated on first use as the action server's store is
    provide(Store("postgresql://postgres@127.0.0.1:1/lingkar_none"), migrate=True)
    messages, _ = await run(ActionHumanHandoff(), tracker("human_handoff"))
    assert len(messages) == 1 and "call center 175" in messages[0]["text"]
    assert "dicatat" not in messages[0]["text"]


async def test_a_failed_handoff_is_logged_without_the_query_and_its_parameters(tmp_path, caplog):
    """SQLAlchemy's error message carries the statement and its parameters (the sender id): only the error's type
    and first line are logged."""
    path = tmp_path / "broken.db"
    s = Store(f"sqlite:///{path}")
    s.migrate()
    with sqlite3.connect(path) as conn:  # the insert fails inside SQLAlchemy, with the parameters in its message
        conn.execute("DROP TABLE handoffs")
    try:
        provide(s)
        messages, _ = await run(ActionHumanHandoff(), tracker("human_handoff", sender="tg-77001234"))
    finally:
        s.dispose()
    assert len(messages) == 1 and "dicatat" not in messages[0]["text"]
    [record] = [r for r in caplog.records if "could not record the request" in r.getMessage()]
    assert "OperationalError" in record.getMessage() and "no such table" in record.getMessage()
    assert "tg-77001234" not in caplog.text and "[SQL" not in caplog.text and "parameters" not in caplog.text


# ------------------------------------------------------------------------------ through the action server's executor
async def test_the_action_server_registers_and_runs_the_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    for name in ("action_answer", "action_clarify", "action_human_handoff", "action_default_fallback"):
        assert name in executor.actions
    t = tracker("ask_jkm", metadata=WITH_REFERRAL)
    call = {"next_action": "action_answer", "sender_id": "u-9", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "u-9", "slots": {}, "latest_message": t.latest_message, "events": t.events,
                        "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}
    response = await executor.run(call)
    [message] = response["responses"]
    assert "Rp42.000.000" in message["text"] and message["buttons"][0]["payload"] == "/ask_claim_jkm"
