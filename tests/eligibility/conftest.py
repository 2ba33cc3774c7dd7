"""Fixtures for the eligibility check, the lead forms and the worker's own data.

* ``frozen_today``: the actions' "today" is 2026-11-24 (LINGKAR_TODAY, read at call time by lingkar/clock.py).
* ``db``: the lead store the actions use (``lingkar.store.provide``), parametrised: a SQLite file and a throw-away
  PostgreSQL database (tests/fixtures_db.py: FAIL if PostgreSQL is installed but down, loud SKIP if it is not
  installed); ``pg_databases`` makes more (tests/eligibility/test_rest_e2e.py).
* ``turn()`` / ``run()``: trackers as Rasa's form action and processor build them (``Tracker.from_dict``), and
  running an action with a ``CollectingDispatcher``.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from lingkar.store import Store, open_store, provide
from tests.fixtures_db import BACKENDS, fresh_db_url, pg_databases, pg_url, sqlite_file_url  # noqa: F401  (fixtures)
from tests.stack_util import running_stack

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 24)
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TELEGRAM_META = {"channel": "telegram", "telegram_user_id": 555001, "referral": "agen01", "referral_known": True}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path, monkeypatch) -> Store:
    """The store the actions write to (registered as the action server does), empty; returned for the test's own
    checks."""
    url = fresh_db_url(request, tmp_path, migrate=False)  # open_store migrates
    store = provide(open_store(url))
    yield store
    store.dispose()


@pytest.fixture
def sqlite_db(tmp_path, monkeypatch) -> Store:
    store = provide(open_store(sqlite_file_url(tmp_path)))
    yield store
    store.dispose()


# ------------------------------------------------------------------------------------------------ trackers
def parse_data(text: str, intent: str = "inform", confidence: float = 1.0, entities=None,
               metadata=None) -> Dict[str, Any]:
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}], "entities": list(entities or []),
            "metadata": dict(metadata or {})}


def turn(text: str, intent: str = "inform", confidence: float = 1.0, *, form: str | None = None,
         requested: str | None = None, slots: Dict[str, Any] | None = None, entities=None, metadata=None,
         sender: str = "telegram:555001", fresh: bool = True, before: List[Dict[str, Any]] | None = None,
         latest_action: str = "action_listen") -> Tracker:
    """The tracker a validation action (``form``) or an action after a user message sees.

    With ``form`` and ``requested``: the form is active and asked ``requested`` (Rasa adds the requested slot
    and the form's ActionExecuted after the user's message). ``form`` without ``requested``: the form is being
    activated by this message. ``fresh=False``: the form runs again after another action (no new message).
    """
    latest = parse_data(text, intent, confidence, entities, metadata if metadata is not None else TELEGRAM_META)
    events: List[Dict[str, Any]] = list(before or [])
    events += [{"event": "action", "name": "action_listen"},
               {"event": "user", "text": text, "parse_data": latest, "metadata": latest["metadata"],
                "input_channel": latest["metadata"].get("channel", "rest")}]
    if not fresh:
        events += [{"event": "action", "name": "action_answer"}, {"event": "bot", "text": "…"}]
    all_slots = dict(slots or {})
    if form:
        if requested:
            events.insert(0, {"event": "active_loop", "name": form})
            all_slots["requested_slot"] = requested
        events += [{"event": "slot", "name": "requested_slot", "value": requested},
                   {"event": "action", "name": form}]
    return Tracker.from_dict({"sender_id": sender, "slots": all_slots, "latest_message": latest, "events": events,
                              "paused": False, "followup_action": None,
                              "active_loop": {"name": form} if form and requested else {},
                              "latest_action_name": form or latest_action})


async def run(action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], Dict[str, Any], List[Dict[str, Any]]]:
    """Run ``action``: (messages, slots it set (last value wins), all events)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots, events


def texts_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def buttons_of(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for m in messages for b in (m.get("buttons") or [])]


@pytest.fixture(scope="package", params=BACKENDS)
def stack(request, tmp_path_factory) -> Iterator[Dict[str, Any]]:
    """Action server + Rasa on free ports, once per lead-store backend for every module here that talks to the real
    stack (test_rest_e2e.py, test_rest_reminders.py: each conversation has its own sender, so they share it); yields
    the REST URL and the database URL the leads go to."""
    tmp = tmp_path_factory.mktemp(f"rest-{request.param}")
    settings = {}
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'var' / 'lingkar.db'}"  # the default for LINGKAR_VAR_DIR: nothing is set
    else:
        db_url = settings["DATABASE_URL"] = request.getfixturevalue("pg_databases").create()
    with running_stack(tmp, drop=("LINGKAR_TODAY",), **settings) as running:
        yield {**running, "db_url": db_url, "backend": request.param}
