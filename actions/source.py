""""Dari mana Anda tahu Lingkar?": asked once per worker, after their first answer, when they came without an
agent's link or code; the answer feeds the funnel (``source_answered`` events, counted by ``Store.sources``).

Asking: :func:`ask_source_after_answer` runs at the end of ``action_answer`` (actions/answers.py). It appends the
question (flow text ``ask_source``, buttons ``/inform{"source": "agent"}`` ...) only when all hold:

* the answer was to a topic question (an ``ask_*`` intent), so never after a greeting, a yes/no or a menu;
* no form is active (the eligibility check, a lead form) and no deletion is waiting for its confirmation;
* the conversation has no agent code (``metadata.referral`` of the channel, or a code typed earlier);
* it was never asked in this conversation (slot ``source_asked``, kept across sessions).

Answering: a button press arrives as ``inform`` with the ``source`` entity; a typed answer ("dari teman", "lihat di
fb", "kode agen K7M2QX") right after the question is read by :func:`lingkar.sources.read_source` whatever intent
the NLU gave it (``action_answer``, ``action_inform``, ``action_clarify`` and the fallback call
:func:`answer_source` first). A typed code of an approved agent also attributes the worker to that agent (slot
``referral_code``, read by :func:`actions.forms.referral_of` when the channel sent none), as the agent's link does.
"""
from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import (
    agent_code_known,
    last_turn_bot_events,
    latest_intent,
    latest_text,
    record_event,
    referral_of,
    say,
)
from lingkar.signals import read_signals
from lingkar.sources import normalise_source, read_code, read_source

logger = logging.getLogger(__name__)

ASKED_SLOT = "source_asked"
ANSWERED_SLOT = "source"
REFERRAL_SLOT = "referral_code"
ENTITY = "source"
#: The flow text of the question (its buttons carry the ``source`` entity).
QUESTION = "ask_source"


def _entity(tracker: Tracker) -> str | None:
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") == ENTITY:
            return normalise_source(e.get("value"))
    return None


def question_pending(tracker: Tracker) -> bool:
    """True when the bot's last message before the worker's latest one was the source question."""
    event = next(last_turn_bot_events(tracker), None)
    buttons = ((event or {}).get("data") or {}).get("buttons") or []
    return any(f'"{ENTITY}"' in str(b.get("payload") or "") for b in buttons)


#: Feelings after which the question about where the worker heard of us is not asked in the same turn.
SOMBRE = frozenset({"grief", "accident", "distress", "anger"})


def should_ask(tracker: Tracker) -> bool:
    intent, _ = latest_intent(tracker)
    if not intent or not intent.startswith("ask_"):
        return False
    if tracker.get_slot(ASKED_SLOT) or tracker.get_slot(ANSWERED_SLOT):
        return False
    if (tracker.active_loop or {}).get("name") or tracker.get_slot("delete_pending"):
        return False
    if read_signals(latest_text(tracker)).feeling in SOMBRE:
        return False  # not right after a death, an accident or a worry told: a later answer asks it
    code, _known = referral_of(tracker)
    return code is None


def ask_source_after_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The question after a first answer (see the module docstring), and the slot that it was asked."""
    if not should_ask(tracker):
        return []
    say(dispatcher, QUESTION)
    return [SlotSet(ASKED_SLOT, True)]


async def answer_source(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """The worker's answer to the question (a button, or typed right after it), recorded and thanked; None when
    the latest message is not such an answer (the caller then handles it as usual)."""
    source, code = _entity(tracker), None
    if source is None:
        text = latest_text(tracker)
        code = read_code(text)
        if code is None and not question_pending(tracker):
            return None
        source, code = read_source(text)
        if source is None:
            return None
    events: List[EventType] = [SlotSet(ASKED_SLOT, True)]
    agent_code, _known = referral_of(tracker)
    if code:
        known = await agent_code_known(code)
        if known and agent_code is None:
            events.append(SlotSet(REFERRAL_SLOT, code))
            agent_code = code
        if not known:
            say(dispatcher, "source_code_unknown", code=code)
    already = tracker.get_slot(ANSWERED_SLOT)
    if already != source or (code and agent_code == code):
        await record_event("source_answered", tracker, source=source,
                           **({"agent_code": agent_code} if agent_code else {}))
    events.append(SlotSet(ANSWERED_SLOT, source))
    if source == "agent" and not agent_code and not code:
        say(dispatcher, "source_ask_code")
    elif code and agent_code == code:
        say(dispatcher, "source_thanks_agent", code=code)
    else:
        say(dispatcher, "source_thanks")
    logger.info("source answered: %s%s", source, " (with an agent code)" if code else "")
    return events


__all__ = ["answer_source", "ask_source_after_answer", "question_pending", "should_ask"]

