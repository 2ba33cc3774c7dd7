"""``action_sources``: "sumber?" after an answer names the regulations and official sources of the figures that
answer showed, with the dates they are in force (:mod:`lingkar.citations`). With no figure shown recently it says
where Lingkar's figures come from in general (the ``ask_source`` answer)."""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from lingkar import clock
from lingkar.citations import facts_of_turn, source_lines
from lingkar.facts import get_facts
from lingkar.texts import get_answers, get_flow_texts

logger = logging.getLogger(__name__)


class ActionSources(Action):
    def name(self) -> str:
        return "action_sources"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        on = clock.today()
        lines = source_lines(get_facts(), facts_of_turn(tracker.events or []), on)
        if lines:
            rendered = get_flow_texts().render("sources_list", on, lines="\n".join(lines))
        else:
            rendered = get_answers().render("ask_source", on)
        # sent without its own fact keys: a second "sumber?" names the sources of the answer before, not of this one
        dispatcher.utter_message(text=rendered.text, buttons=list(rendered.buttons))
        return []
