"""The answers of content/answers.yml (``answers``, ``snippets``, ``menu``, ``notes``): the FAQ replies, the
texts the actions compose with, and the main menu. Written with the engine of :mod:`lingkar.texts.engine`.

Usage::

    answers = get_answers()                      # loaded and checked once (lingkar.texts.get_answers)
    r = answers.render("ask_discount")           # for clock.today(); or on=date(2026, 11, 24)
    r.text, r.buttons                            # Indonesian text; [{"title": ..., "payload": "/ask_jkm"}, ...]
    answers.label("ask_jkm")                     # short button title of a topic ("maksudnya…?", menu)

A button list may include the word ``menu`` (the main menu's buttons). A payload is ``/intent_name`` of an intent
the bot answers. Everything is checked when the file is loaded (unknown fact keys, styles, conditions, payloads,
digits, labels), so a broken template fails at start-up and in the tests, not in a chat.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from lingkar import clock
from lingkar.facts import Facts
from lingkar.texts.conditions import AnswerError
from lingkar.texts.engine import Button, Rendered, Text, parse_button, parse_paragraphs, render_buttons, render_text
from lingkar.texts.templates import DIGIT, Template, parse_notes

#: Snippets the actions need (actions/answers.py).
REQUIRED_SNIPPETS = ("clarify_question", "clarify_help", "handoff_recorded")
MAX_LABEL = 30
_PAYLOAD = re.compile(r"^/[a-z_]+$")

#: An answer: a :class:`~lingkar.texts.engine.Text` named after its intent, with a label.
Answer = Text


@dataclass
class Answers:
    facts: Facts
    answers: Dict[str, Answer]
    menu: Tuple[Button, ...]
    notes: Dict[str, Template]
    path: Path | None = None
    #: Texts the actions compose with (e.g. the "maksudnya…?" question), rendered like answers.
    snippets: Dict[str, Answer] = field(default_factory=dict)

    # ------------------------------------------------------------------ queries
    def intents(self) -> List[str]:
        return sorted(self.answers)

    def __contains__(self, intent: str) -> bool:
        return intent in self.answers

    def label(self, intent: str) -> str:
        return self.answers[intent].label

    def clarifiable(self, intent: str) -> bool:
        a = self.answers.get(intent)
        return bool(a and a.clarify)

    def render(self, intent: str, on: dt.date | None = None) -> Rendered:
        """The answer to ``intent`` as it reads on ``on`` (default: today in the branch's time zone)."""
        if intent not in self.answers:
            raise AnswerError(f"no answer for intent {intent!r}")
        return render_text(self.answers[intent], self.facts, self.notes, on or clock.today())

    def render_snippet(self, name: str, on: dt.date | None = None) -> Rendered:
        if name not in self.snippets:
            raise AnswerError(f"no snippet {name!r}")
        return render_text(self.snippets[name], self.facts, self.notes, on or clock.today())

    def render_buttons(self, buttons: Sequence[Button], on: dt.date, used: List[str] | None = None,
                       flagged: List[str] | None = None) -> List[Dict[str, str]]:
        return render_buttons(buttons, self.facts, on, [] if used is None else used,
                              [] if flagged is None else flagged)

    def menu_buttons(self, on: dt.date | None = None) -> List[Dict[str, str]]:
        return self.render_buttons(self.menu, on or clock.today())


# ----------------------------------------------------------------------------------- reading
def _check_payload(payload: str, where: str) -> None:
    if not _PAYLOAD.match(payload):
        raise AnswerError(f"{where}: payload must be '/intent_name', not {payload!r}")


def _buttons(spec: Any, facts: Facts, where: str, menu: Tuple[Button, ...] | None) -> Tuple[Button, ...]:
    if spec is None:
        return ()
    items = [spec] if isinstance(spec, str) else spec
    if not isinstance(items, list):
        raise AnswerError(f"{where}: buttons must be a list (or 'menu')")
    out: List[Button] = []
    for i, b in enumerate(items):
        w = f"{where}[{i}]"
        if b == "menu":
            if menu is None:
                raise AnswerError(f"{w}: the menu cannot include itself")
            out.extend(menu)
        else:
            out.append(parse_button(b, facts, w, _check_payload, also=" or the word 'menu'"))
    return tuple(out)


def _answer(intent: str, spec: Any, facts: Facts, menu: Tuple[Button, ...]) -> Answer:
    w = f"answers.{intent}"
    if not isinstance(spec, dict) or set(spec) - {"label", "text", "buttons", "clarify"}:
        raise AnswerError(f"{w}: expected label, text, buttons, clarify")
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip():
        raise AnswerError(f"{w}: every answer needs a label (a button title, at most {MAX_LABEL} characters)")
    if len(label) > MAX_LABEL or DIGIT.search(label) or "{" in label:
        raise AnswerError(f"{w}: label {label!r} must be at most {MAX_LABEL} characters, without digits")
    return Answer(intent, parse_paragraphs(spec.get("text"), facts, f"{w}.text"),
                  _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu), label.strip(),
                  bool(spec.get("clarify", True)))


def _snippet(name: str, spec: Any, facts: Facts, menu: Tuple[Button, ...]) -> Answer:
    w = f"snippets.{name}"
    if not isinstance(spec, dict) or set(spec) - {"text", "buttons"}:
        raise AnswerError(f"{w}: expected text and buttons")
    return Answer(name, parse_paragraphs(spec.get("text"), facts, f"{w}.text"),
                  _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu), name, False)


def _check_targets(answers: Dict[str, Answer], snippets: Dict[str, Answer], menu: Tuple[Button, ...],
                   known_intents: Sequence[str] | None) -> None:
    """Every button leads somewhere the bot can answer; every answer is for an intent the domain knows."""
    targets = set(answers) | set(known_intents or ())
    for intent, a in (list(answers.items()) + list(snippets.items()) + [("menu", Answer("menu", (), menu))]):
        for b in a.buttons:
            if b.payload[1:] not in targets:
                raise AnswerError(f"answers.{intent}: button {b.payload!r} leads to an intent without an answer")
    if known_intents is not None:
        unknown = sorted(set(answers) - set(known_intents))
        if unknown:
            raise AnswerError(f"answers.yml: answers for intents the domain does not know: {unknown}")


def parse_answers(data: Dict[str, Any], facts: Facts, known_intents: Sequence[str] | None = None,
                  path: Path | None = None) -> Answers:
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswerError("answers.yml needs an 'answers' mapping")
    notes = parse_notes(data.get("notes"), facts)
    menu = _buttons(data.get("menu"), facts, "menu", None)
    if not menu:
        raise AnswerError("answers.yml: the main menu needs buttons")
    answers = {intent: _answer(intent, spec, facts, menu) for intent, spec in data["answers"].items()}
    snippets = {name: _snippet(name, spec, facts, menu) for name, spec in (data.get("snippets") or {}).items()}
    missing = [k for k in REQUIRED_SNIPPETS if k not in snippets]
    if missing:
        raise AnswerError(f"answers.yml: snippets {missing} are missing")
    _check_targets(answers, snippets, menu, known_intents)
    return Answers(facts, answers, menu, notes, path, snippets)
