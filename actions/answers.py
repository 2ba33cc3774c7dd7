"""Rasa SDK actions that answer workers' questions from content/answers.yml and content/facts.yml.

- ``action_answer``: answers the latest intent with its rendered answer (text + buttons) for today's date.
  One action for every FAQ topic, so adding a topic is data only (docs/intents.md, nlu/, domain.yml, a rule,
  an answer). After the first topic answer it asks once "Dari mana Anda tahu Lingkar?" (actions/source.py);
  it, ``action_clarify`` and the fallback take a typed answer to that question first.
- ``action_clarify``: runs on ``nlu_fallback``. If the top two or three topics are close it asks
  "Maksudnya…?" with a button per topic and a "Bukan itu" button; otherwise it says what the bot can help
  with and shows the main menu. It never guesses an answer.
- ``action_human_handoff``: tells how to reach a person and records the request for staff (lead store,
  ``Store.record_handoff``; the outbox notifies staff). If the store is unreachable the worker still gets
  the contacts, and nothing claims the request was recorded.
- ``action_default_fallback``: overrides Rasa's default (used when no rule applies, e.g. a topic out of
  context) with the same help text and menu as ``action_clarify``'s far case.

Design follows RasaHQ/rasa-demo's ``action_default_ask_affirmation`` (buttons built from the intent ranking),
with topic titles from the answers file instead of a CSV.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import error_summary
from actions.source import answer_source, ask_source_after_answer
from lingkar import clock
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import Answers, Rendered, get_answers

logger = logging.getLogger(__name__)

#: A topic is offered in "Maksudnya…?" only when its confidence is at least this ...
MIN_CANDIDATE = 0.1
#: ... and within this distance of the best topic.
CLOSE_MARGIN = 0.2
#: Below this the best topic is noise, and the bot does not offer guesses at all.
MIN_TOP = 0.2
#: At most this many topics are offered.
MAX_CHOICES = 3
FALLBACK_INTENT = "nlu_fallback"


def _send(dispatcher: CollectingDispatcher, rendered: Rendered) -> None:
    dispatcher.utter_message(**rendered.as_message())


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def close_topics(ranking: List[Dict[str, Any]], answers: Answers) -> List[Dict[str, Any]]:
    """The topics the NLU hesitated between, best first; empty when there is no real contest.

    ``ranking`` is Rasa's ``intent_ranking`` (``[{"name", "confidence"}, ...]``). ``nlu_fallback`` and topics
    that are not offered as guesses (small talk, yes/no: ``clarify: false``) are skipped.
    """
    candidates = sorted(
        (r for r in ranking or [] if r.get("name") != FALLBACK_INTENT and answers.clarifiable(r.get("name", ""))),
        key=lambda r: -float(r.get("confidence") or 0.0))
    if not candidates:
        return []
    top = float(candidates[0].get("confidence") or 0.0)
    if top < MIN_TOP:
        return []
    close = [r for r in candidates
             if float(r.get("confidence") or 0.0) >= max(MIN_CANDIDATE, top - CLOSE_MARGIN)][:MAX_CHOICES]
    return close if len(close) >= 2 else []


def clarify_message(ranking: List[Dict[str, Any]], answers: Answers, on=None) -> Rendered:
    """What ``action_clarify`` says for an intent ranking (pure: used by the action and the tests)."""
    on = on or clock.today()
    close = close_topics(ranking, answers)
    if not close:
        return answers.render_snippet("clarify_help", on)
    question = answers.render_snippet("clarify_question", on)
    buttons = [{"title": answers.label(r["name"]), "payload": f"/{r['name']}"} for r in close]
    return Rendered(question.intent, question.text, buttons + list(question.buttons), question.facts,
                    question.flagged)


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)  # "dari teman" right after "Dari mana ...?"
        if answered is not None:
            return answered
        answers = get_answers()
        intent = _latest_intent(tracker)
        on = clock.today()
        if intent not in answers:
            logger.warning("action_answer: no answer for intent %r; showing the help text", intent)
            _send(dispatcher, answers.render_snippet("clarify_help", on))
            return []
        try:
            rendered = answers.render(intent, on)
        except Exception:  # a content error must not leave the worker without a reply
            logger.exception("action_answer: cannot render %r for %s", intent, on)
            rendered = answers.render_snippet("clarify_help", on)
            _send(dispatcher, rendered)
            return []
        _send(dispatcher, rendered)
        # "Dari mana Anda tahu Lingkar?" once, after the first answer (actions/source.py)
        return ask_source_after_answer(dispatcher, tracker)


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)
        if answered is not None:
            return answered
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        _send(dispatcher, clarify_message(ranking, get_answers()))
        return []


class ActionDefaultFallback(Action):
    """Replaces Rasa's default fallback: say what the bot can help with, and forget the turn."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)
        if answered is not None:
            return answered
        _send(dispatcher, get_answers().render_snippet("clarify_help"))
        return [UserUtteranceReverted()]


# ------------------------------------------------------------------------------------ handoff
def _previous_topic(tracker: Tracker) -> str | None:
    """The intent of the user turn before this one: what the worker wanted help with (no free text, so no
    personal data ends up in the handoff)."""
    seen_current = False
    for event in reversed(tracker.events or []):
        if event.get("event") != "user":
            continue
        if not seen_current:
            seen_current = True
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and name not in (FALLBACK_INTENT, "human_handoff"):
            return name
    return None


class ActionHumanHandoff(Action):
    """Records the request in the action server's lead store (:func:`lingkar.store.provider.current`)."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answers = get_answers()
        on = clock.today()
        _send(dispatcher, answers.render("human_handoff", on))
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        channel = str(metadata.get("channel") or tracker.get_latest_input_channel() or "unknown")
        referral = metadata.get("referral")
        try:
            store = await run_sync(current)
            handoff = await run_sync(store.record_handoff, tracker.sender_id, channel,
                                              str(referral) if referral else None, _previous_topic(tracker))
        except Exception as e:  # the worker already has the contacts; say nothing we cannot keep
            # only the type and first line: SQLAlchemy's message goes on with the statement and its parameters
            logger.error("action_human_handoff: could not record the request (%s)", error_summary(e))
            return []
        logger.info("handoff %s recorded (channel %s)", handoff.id, channel)
        _send(dispatcher, answers.render_snippet("handoff_recorded", on))
        return []
