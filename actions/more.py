"""A long answer in two parts (issue 13): the first part fits a phone screen and ends with "Lebih lengkap"; the rest
comes when the worker asks for it (:meth:`lingkar.texts.answers.Answers.render_split`, the rule in
:mod:`lingkar.texts.screen`).

- :func:`send_answer`: how ``answer_topic`` (actions/answers.py) sends a topic's answer. Every message of it carries
  ``answer: {topic, on, part}`` in the bot event's metadata (``part`` is ``short`` for a first part, ``whole`` for an
  answer that fits, ``rest``), besides the ``facts`` "sumber?" reads (actions/citations.py).
- ``action_more_detail``: the button ``/ask_more_detail``, the intent ``ask_more_detail``, or a message that only
  asks for more ("lebih lengkap", "selengkapnya", "detailnya?", "jelaskan lebih lanjut":
  :func:`lingkar.texts.screen.is_more_detail`, read whatever intent the NLU gave it: ``action_answer``,
  ``action_clarify`` and the fallback call :func:`send_more` first). It sends the rest of THE LAST answer (the
  latest bot message with ``answer`` metadata), rendered for the day that answer was, with the answer's usual
  buttons; when the last answer was whole or its rest was sent already, the ``ask_more_detail`` answer ("that was
  all") with the menu.

The rest's ``facts`` are every fact of the answer, so "sumber?" after "lebih lengkap" names the sources of the whole
answer; a follow-up after it is answered for the answer's topic (``earlier_intents`` skips "lebih lengkap" turns).
A message read as asking for more that asks one of the last answer's details ("kalau lebih?" after the JMO claim:
content/answers.yml ``details``) gets that detail when nothing more of the answer is left.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from lingkar import clock
from lingkar.texts import Rendered, get_answers
from lingkar.texts.answers import Split
from lingkar.texts.screen import is_more_detail

logger = logging.getLogger(__name__)

MORE_INTENT = "ask_more_detail"
#: The metadata key of a topic answer's messages.
ANSWER_KEY = "answer"
#: The ``part`` of a follow-up's figures or detail sent alone: it keeps the topic under discussion, and "lebih
#: lengkap" still continues the answer before it.
FOLLOW_UP_PART = "follow_up"


def send(dispatcher: CollectingDispatcher, rendered: Rendered, **metadata: Any) -> None:
    """``rendered`` as one message (its fact keys and ``metadata`` go to the bot event's metadata)."""
    dispatcher.utter_message(**rendered.as_message(), **metadata)


def send_answer(dispatcher: CollectingDispatcher, split: Split, topic: str, on: dt.date) -> None:
    """The first part of a topic's answer (the whole answer when it fits a screen), marked for "lebih lengkap"."""
    part = "short" if split.rest is not None else "whole"
    send(dispatcher, split.short, **{ANSWER_KEY: {"topic": topic, "on": on.isoformat(), "part": part}})


def asks_for_more(tracker: Tracker) -> bool:
    """The latest message asks for more of the last answer: the button, the intent, or the words."""
    latest = tracker.latest_message or {}
    return ((latest.get("intent") or {}).get("name") == MORE_INTENT
            or is_more_detail(latest.get("text") or ""))


def last_answer(tracker: Tracker) -> Dict[str, Any] | None:
    """The ``answer`` metadata of the latest topic answer the bot sent before the worker's latest message."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "bot":
            meta = (event.get("metadata") or {}).get(ANSWER_KEY)
            if isinstance(meta, dict) and meta.get("topic") and meta.get("part") != FOLLOW_UP_PART:
                return meta  # a follow-up's figures (FOLLOW_UP_PART) keep the topic but are not an answer to continue
    return None


def newest_follow_up_topic(tracker: Tracker) -> str | None:
    """The topic of the bot's newest answer-like message when it is a follow-up's figures or detail sent alone."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "bot":
            meta = (event.get("metadata") or {}).get(ANSWER_KEY)
            if isinstance(meta, dict) and meta.get("topic"):
                return str(meta["topic"]) if meta.get("part") == FOLLOW_UP_PART else None
    return None


def send_more(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The rest of the last answer, or "that was all" (see the module docstring)."""
    answers = get_answers()
    meta = last_answer(tracker)
    topic = (meta or {}).get("topic")
    moved = newest_follow_up_topic(tracker)
    if moved and moved != topic and moved in answers:
        # "ada manfaat lain?" after a follow-up's figures of another topic (JKK's share for a wage after the heirs'
        # claim): that topic's answer, which the worker has not seen
        on = clock.today()
        send_answer(dispatcher, answers.render_split(moved, on), moved, on)
        return []
    if meta and meta.get("part") == "short" and topic in answers:
        try:
            on = dt.date.fromisoformat(str(meta.get("on")))
        except ValueError:
            on = clock.today()
        try:
            rest = answers.render_split(topic, on).rest
        except Exception:  # a content error must not leave the worker without a reply
            logger.exception("action_more_detail: cannot render the rest of %r for %s", topic, on)
            rest = None
        if rest is not None:
            send(dispatcher, rest, **{ANSWER_KEY: {"topic": topic, "on": on.isoformat(), "part": "rest"}})
            return []
    text = (tracker.latest_message or {}).get("text") or ""
    details = [d for d in answers.details_for(topic, text) if topic in d.topics] if topic in answers else []
    if details:  # "kalau lebih?" after the JMO claim: that detail of the last answer, not "that was all"
        for detail in details:
            send(dispatcher, answers.render_detail(detail, clock.today()))
        return []
    benefit = BREAKDOWN_OF.get(topic or "")
    if benefit in answers and BREAKDOWN.search(text):
        # "rinciannya apa saja?" after the heirs' claim (or the JKM answer itself): what the benefit is made of
        on = clock.today()
        # the topic under discussion stays the claim ("berkas apa saja?" next is the claim's documents)
        send(dispatcher, answers.render(benefit, on), **{ANSWER_KEY: {"topic": topic, "on": on.isoformat(),
                                                                        "part": "whole"}})
        return []
    send(dispatcher, answers.render(MORE_INTENT, clock.today()))
    return []


#: A request for the parts of a benefit ("rinciannya apa saja?", "rincian nya?").
BREAKDOWN = re.compile(r"\b(rinci\w*|perincian\w*)\b", re.I)
#: The answer that breaks down the money of a topic whose answer is complete: a claim's benefit, or the benefit again.
BREAKDOWN_OF = {"ask_claim_jkm": "ask_jkm", "ask_jkm": "ask_jkm", "ask_claim_jkk": "ask_jkk", "ask_jkk": "ask_jkk",
                "ask_jkp": "ask_jkp", "ask_scholarship": "ask_scholarship"}


#: Follow-ups that a message read as asking for more may really be (a migrant's contract length after the PMI
#: answer), each ``(dispatcher, tracker) -> bool`` (True when it answered): registered by the modules that answer them
#: (actions/answers.py), which import this one.
MORE_FOLLOW_UPS: List[Callable[[CollectingDispatcher, Tracker], bool]] = []


class ActionMoreDetail(Action):
    def name(self) -> str:
        return "action_more_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        if any(follow_up(dispatcher, tracker) for follow_up in MORE_FOLLOW_UPS):
            return []
        return send_more(dispatcher, tracker)
