"""``action_sources``: "sumber?" after an answer names the regulations and official sources of the figures that
answer showed, with the dates they are in force (:mod:`lingkar.citations`). With no figure shown recently it says
where Lingkar's figures come from in general (the ``ask_source`` answer)."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import FALLBACK_INTENT, WAGE_TOPICS, answer_topic, detail_follow_up, previous_topic, wage_in
from lingkar import clock
from lingkar.citations import facts_of_turn, source_lines
from lingkar.facts import get_facts
from lingkar.signals import named_topic
from lingkar.texts import get_answers, get_flow_texts

logger = logging.getLogger(__name__)

#: The words of a question about sources; a message read as one without any ("komisinya brp?", whose letters are
#: close to "sumbernya") is a follow-up of the topic under discussion when it asks one of its details.
SOURCE_WORDS = re.compile(r"\b(sumber\w*|dasar\w*|aturan\w*|peraturan\w*|regulasi\w*|referensi\w*|rujukan\w*|link|"
                          r"tautan|bukti\w*|dari ?mana|dr ?mana|drmn|darimana|pp|permenaker|perpres|undang\w*|uu|"
                          r"pasal|hukum\w*|berdasarkan|info\w*|angka\w*|data\w*|resmi|valid|akurat|hoax|hoaks)\b",
                          re.I)


class ActionSources(Action):
    def name(self) -> str:
        return "action_sources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if not text.startswith("/") and wage_in(text):
            # "Untuk direktur gaji Rp20.000.000, JP-nya dihitung dari mana?": the figures for that wage, not sources
            answers = get_answers()
            previous = previous_topic(tracker, answers)
            topic = previous if previous in WAGE_TOPICS else named_topic("ask_contribution_pu", text)
            if topic in WAGE_TOPICS:
                return answer_topic(dispatcher, tracker, topic, follow_up=True)
        if not text.startswith("/") and not SOURCE_WORDS.search(text):
            answers = get_answers()
            followed = detail_follow_up(answers, FALLBACK_INTENT, text, previous_topic(tracker, answers))
            if followed:  # "komisinya brp?" after the agent answer: the commission, not the sources
                return answer_topic(dispatcher, tracker, followed, follow_up=True)
        on = clock.today()
        lines = source_lines(get_facts(), facts_of_turn(tracker.events or []), on)
        if lines:
            rendered = get_flow_texts().render("sources_list", on, lines="\n".join(lines))
        else:
            rendered = get_answers().render("ask_source", on)
        # sent without its own fact keys: a second "sumber?" names the sources of the answer before, not of this one
        dispatcher.utter_message(text=rendered.text, buttons=list(rendered.buttons))
        return []
