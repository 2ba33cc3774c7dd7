"""The texts of the eligibility, lead and personal-data flows: the ``flows`` and ``labels`` sections of
content/answers.yml, written with the same engine as the answers (:mod:`lingkar.texts.engine`).

Usage::

    texts = get_flow_texts()                                         # lingkar.texts.get_flow_texts
    r = texts.render("lead_saved", on, name="Siti", reference="LK-7K2M9Q")  # -> Rendered (text, buttons)
    texts.label("status", "new")                                     # -> "baru"

A flow text is written like an answer: ``{fact.key}`` placeholders for figures, paragraphs with ``when:``
conditions, no digits outside placeholders. In addition a text may use **variables**, ``<name>``, for what the
flow computed or the worker said (their amounts, their name, a lead number); the caller passes them to
:meth:`FlowTexts.render` and a missing one is an error. Buttons are ``{title, payload[, when]}``; the payload is an
intent (``/request_contact``), an intent with entities in Rasa's payload syntax (``/inform{"regency": "Kota
Kendari"}``: understood whatever the NLU would make of the text), or the plain text the button sends ("Petani"),
which the form reads like a typed answer.

``labels`` holds short words the flows put together (status names, programme names): plain strings, no
placeholders.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Dict, Sequence, Tuple

from lingkar import clock
from lingkar.facts import Facts
from lingkar.texts.answers import Answers
from lingkar.texts.conditions import AnswerError
from lingkar.texts.engine import VARIABLE, Button, Rendered, Text, parse_button, parse_paragraphs, render_text
from lingkar.texts.templates import DIGIT, render_notes

_INTENT_PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$")

#: A flow text: a :class:`~lingkar.texts.engine.Text` whose paragraphs may use ``<variables>``.
FlowText = Text

__all__ = ["FlowText", "FlowTexts", "VARIABLE", "payload_intent"]


def payload_intent(payload: str) -> str | None:
    """The intent of a button payload ("/inform{...}" -> "inform"), or None for a plain-text payload."""
    m = _INTENT_PAYLOAD.match(payload)
    return m.group(1) if m else None


def _check_payload(payload: str, where: str) -> None:
    m = _INTENT_PAYLOAD.match(payload)
    if payload.startswith("/") and not m:
        raise AnswerError(f"{where}: an intent payload is '/intent_name' or '/intent_name{{json}}', not {payload!r}")
    if m and m.group(2):
        try:
            entities = json.loads(m.group(2))
        except ValueError as e:
            raise AnswerError(f"{where}: the entities of {payload!r} are not JSON ({e})") from e
        if not isinstance(entities, dict) or not all(isinstance(v, str) for v in entities.values()):
            raise AnswerError(f"{where}: the entities of {payload!r} must be a mapping of names to text")
    if DIGIT.search(payload):
        raise AnswerError(f"{where}: digits in payload {payload!r}")


def _buttons(spec: Any, facts: Facts, where: str) -> Tuple[Button, ...]:
    if spec is None:
        return ()
    if not isinstance(spec, list):
        raise AnswerError(f"{where}: buttons must be a list")
    return tuple(parse_button(b, facts, f"{where}[{i}]", _check_payload) for i, b in enumerate(spec))


def _flow_text(name: str, spec: Any, facts: Facts) -> FlowText:
    w = f"flows.{name}"
    if isinstance(spec, str) or isinstance(spec, list):
        spec = {"text": spec}
    if not isinstance(spec, dict) or set(spec) - {"text", "buttons"}:
        raise AnswerError(f"{w}: expected text and buttons")
    return FlowText(name, parse_paragraphs(spec.get("text"), facts, f"{w}.text", with_variables=True),
                    _buttons(spec.get("buttons"), facts, f"{w}.buttons"))


def _labels(spec: Any) -> Dict[str, Dict[str, str]]:
    out: Dict[str, Dict[str, str]] = {}
    for group, items in (spec or {}).items():
        if not isinstance(items, dict):
            raise AnswerError(f"labels.{group}: expected a mapping")
        for key, value in items.items():
            if not isinstance(value, str) or DIGIT.search(value) or "{" in value:
                raise AnswerError(f"labels.{group}.{key}: a label is plain text without digits")
        out[group] = {str(k): v for k, v in items.items()}
    return out


class FlowTexts:
    def __init__(self, data: Dict[str, Any], facts: Facts, answers: Answers,
                 known_intents: Sequence[str] | None = None):
        self.facts, self.answers = facts, answers
        flows = data.get("flows")
        if not isinstance(flows, dict) or not flows:
            raise AnswerError("answers.yml needs a 'flows' mapping (texts of the forms and lead actions)")
        self.texts: Dict[str, FlowText] = {name: _flow_text(name, spec, facts) for name, spec in flows.items()}
        self.labels = _labels(data.get("labels"))
        if known_intents is not None:
            known = set(known_intents)
            for t in self.texts.values():
                for b in t.buttons:
                    if b.payload.startswith("/") and payload_intent(b.payload) not in known:
                        raise AnswerError(f"flows.{t.name}: button {b.payload!r} leads to an unknown intent")

    # ------------------------------------------------------------------ queries
    def __contains__(self, name: str) -> bool:
        return name in self.texts

    def label(self, group: str, key: Any) -> str:
        return self.labels[group][str(key)]

    def render(self, name: str, /, on: dt.date | None = None, flagged: Sequence[str] = (), notes: bool = True,
               **variables: Any) -> Rendered:
        """The text ``name`` for ``on`` (default: today) with ``variables`` filled in.

        ``flagged`` names facts whose figures a variable shows with a mark (an amount computed from an
        unconfirmed fact): the text gets the same "where to check" note as a marked placeholder.
        ``notes=False`` leaves the notes out (the caller adds them once for several texts).
        """
        if name not in self.texts:
            raise AnswerError(f"no flow text {name!r}")
        return render_text(self.texts[name], self.facts, self.answers.notes, on or clock.today(), variables,
                           flagged, with_notes=notes, note_facts=False)

    def text(self, name: str, /, on: dt.date | None = None, **variables: Any) -> str:
        return self.render(name, on, **variables).text

    def notes(self, on: dt.date, flagged: Sequence[str]) -> str:
        """The "where to check" notes for marked figures (the answers file's ``notes``), or ""."""
        return render_notes(self.facts, self.answers.notes, on, flagged, [])
