"""The answers of content/answers.yml (``answers``, ``snippets``, ``menu``, ``notes``): the FAQ replies, the
texts the actions compose with, and the main menu. Written with the engine of :mod:`lingkar.texts.engine`.

Usage::

    answers = get_answers()                      # loaded and checked once (lingkar.texts.get_answers)
    r = answers.render("ask_discount")           # for clock.today(); or on=date(2026, 11, 24)
    r.text, r.buttons                            # Indonesian text; [{"title": ..., "payload": "/ask_jkm"}, ...]
    answers.label("ask_jkm")                     # short button title of a topic ("maksudnya…?", menu)
    split = answers.render_split("ask_jkp")      # split.short: what fits a phone screen (+ "Lebih lengkap");
                                                 # split.rest: the rest, or None when the answer fits

An answer longer than a phone screen and a quarter (:mod:`lingkar.texts.screen`) is sent in two parts: its
leading paragraphs that fit one screen with the hint line and button of the snippet ``more_detail`` (or its
explicit ``short:`` text, for an answer whose first paragraph does not fit or would cut badly), then, when the
worker asks for it, the rest with the answer's usual buttons (after an explicit ``short:``, the whole text). No
figure is lost: every paragraph is in one of the two parts.

A button list may include the word ``menu`` (the main menu's buttons). A payload is ``/intent_name`` of an intent
the bot answers. Everything is checked when the file is loaded (unknown fact keys, styles, conditions, payloads,
digits, labels), so a broken template fails at start-up and in the tests, not in a chat.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Sequence, Tuple

from lingkar import clock
from lingkar.facts import Facts
from lingkar.signals import about_other_agency, mentions
from lingkar.texts.conditions import AnswerError
from lingkar.texts.engine import (
    Button,
    Piece,
    Rendered,
    Text,
    parse_button,
    parse_paragraphs,
    render_buttons,
    render_pieces,
    render_text,
)
from lingkar.texts.screen import LONG_SCREENS, SHORT_SCREENS, fits
from lingkar.texts.templates import DIGIT, Template, parse_notes, render_notes

#: The snippet whose text (a hint line) and button (``/ask_more_detail``) end the first part of a long answer. The
#: answer ``ask_more_detail`` is what the worker gets when they ask for more and there is nothing more
#: (actions/more.py).
MORE_SNIPPET = "more_detail"
#: Snippets the actions need (actions/answers.py). Without ``more_detail`` no answer is cut.
REQUIRED_SNIPPETS = ("clarify_question", "clarify_help", "handoff_recorded")
#: The first part of a long answer has at most this many buttons ("Lebih lengkap" and the answer's first ones):
#: WhatsApp's reply buttons, so it never becomes a list there. The rest has all the answer's buttons.
MAX_SHORT_BUTTONS = 3
MAX_LABEL = 30
#: At most this many details follow an answer.
MAX_DETAILS = 3
_PAYLOAD = re.compile(r"^/[a-z_]+$")

#: An answer: a :class:`~lingkar.texts.engine.Text` named after its intent, with a label.
Answer = Text


@dataclass(frozen=True)
class Split:
    """An answer as the worker gets it: ``short`` first and, for an answer longer than a phone screen, ``rest``
    when they ask for more (None when the answer fits: ``short`` is then the whole answer)."""
    short: Rendered
    rest: Rendered | None = None


@dataclass(frozen=True)
class Detail:
    """One fact a topic's general answer leaves out, sent after it when the message asks about it (``details:``):
    after an answer to one of ``topics`` when the message has one of ``words``; after any answer when it also has
    one of ``also`` (it names the subject itself: "pensiun" + "meninggal" for the JP survivors)."""
    text: Answer
    topics: FrozenSet[str]
    words: Tuple[str, ...]
    also: Tuple[str, ...] = ()
    #: Sent even when the answer gave its figures: it answers the question directly ("masih bisa klaim?").
    repeat: bool = False
    #: Topics whose answer already says it (the commute detail after the commute answer): never sent after them.
    not_after: FrozenSet[str] = frozenset()
    #: Words that make the message about something else (a death is no suspected accident): never sent with them.
    not_words: Tuple[str, ...] = ()
    #: The topic the detail is about when it is another answer's (the scholarship told after JKM's claim): sent
    #: last, it is the topic under discussion, so "itu dibayar tiap tahun?" is asked of it.
    subject: str | None = None

    @property
    def name(self) -> str:
        return self.text.name

    def applies(self, topic: str | None, message: str, by_subject: bool = True) -> bool:
        if topic in self.not_after or not mentions(message, self.words) \
                or (self.not_words and mentions(message, self.not_words)):
            return False
        return topic in self.topics or bool(by_subject and self.also and mentions(message, self.also))


@dataclass
class Answers:
    facts: Facts
    answers: Dict[str, Answer]
    menu: Tuple[Button, ...]
    notes: Dict[str, Template]
    path: Path | None = None
    #: Texts the actions compose with (e.g. the "maksudnya…?" question), rendered like answers.
    snippets: Dict[str, Answer] = field(default_factory=dict)
    #: Specific facts sent after a topic's answer when the message asks for them (:class:`Detail`), in file order.
    details: Tuple[Detail, ...] = ()

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

    def render_split(self, intent: str, on: dt.date | None = None) -> Split:
        """The answer to ``intent`` on ``on`` in the parts it is sent in (see the module docstring). The rest's
        ``facts`` are every fact of the answer: after "lebih lengkap", "sumber?" names all its figures."""
        on = on or clock.today()
        full = self.render(intent, on)
        if fits(full.text, LONG_SCREENS) or MORE_SNIPPET not in self.snippets:
            return Split(full)
        answer = self.answers[intent]
        pieces = render_pieces(answer, self.facts, on)
        if answer.short:
            head, tail = render_pieces(Text(intent, answer.short, ()), self.facts, on), pieces
        else:
            cut = 1
            while cut + 1 < len(pieces) and fits(self._first_part(answer, pieces[:cut + 1], on).text,
                                                                 SHORT_SCREENS):
                cut += 1
            head, tail = pieces[:cut], pieces[cut:]
        if not tail:  # one paragraph and no short: text (the content tests fail on this)
            return Split(full)
        rest = self._compose(intent, tail, on, list(full.buttons))
        return Split(self._first_part(answer, head, on),
                     Rendered(intent, rest.text, rest.buttons, full.facts, rest.flagged))

    def _first_part(self, answer: Answer, head: Sequence[Piece], on: dt.date) -> Rendered:
        offer = self.render_snippet(MORE_SNIPPET, on)
        used: List[str] = []
        buttons = self.render_buttons(answer.buttons, on, used, [])
        buttons = [b for b in offer.buttons if b not in buttons] + buttons
        return self._compose(answer.intent, [*head, Piece(offer.text, offer.facts, offer.flagged)], on,
                             buttons[:MAX_SHORT_BUTTONS], used)

    def _compose(self, intent: str, pieces: Sequence[Piece], on: dt.date, buttons: List[Dict[str, str]],
                 button_facts: Sequence[str] = ()) -> Rendered:
        """A message of ``pieces`` with the notes for their marked figures."""
        used = [k for p in pieces for k in p.facts]
        marks = list(dict.fromkeys(k for p in pieces for k in p.flagged))
        text = "\n\n".join(p.text for p in pieces) + render_notes(self.facts, self.notes, on, marks, used)
        return Rendered(intent, text, buttons, tuple(dict.fromkeys([*used, *button_facts])), tuple(marks))

    def render_snippet(self, name: str, on: dt.date | None = None) -> Rendered:
        if name not in self.snippets:
            raise AnswerError(f"no snippet {name!r}")
        return render_text(self.snippets[name], self.facts, self.notes, on or clock.today())

    def details_for(self, topic: str | None, message: str, limit: int = MAX_DETAILS) -> List[Detail]:
        """The details ``message`` asks about when it is answered with ``topic`` (at most ``limit``)."""
        if not message or message.startswith("/"):
            return []
        by_subject = not about_other_agency(message)  # "kartu KIS brp lama jadinya?" is not about our card
        return [d for d in self.details if d.applies(topic, message, by_subject)][:limit]

    def render_detail(self, detail: Detail, on: dt.date | None = None) -> Rendered:
        return render_text(detail.text, self.facts, self.notes, on or clock.today())

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
    if not isinstance(spec, dict) or set(spec) - {"label", "text", "short", "buttons", "clarify"}:
        raise AnswerError(f"{w}: expected label, text, short, buttons, clarify")
    label = spec.get("label")
    if not isinstance(label, str) or not label.strip():
        raise AnswerError(f"{w}: every answer needs a label (a button title, at most {MAX_LABEL} characters)")
    if len(label) > MAX_LABEL or DIGIT.search(label) or "{" in label:
        raise AnswerError(f"{w}: label {label!r} must be at most {MAX_LABEL} characters, without digits")
    return Answer(intent, parse_paragraphs(spec.get("text"), facts, f"{w}.text"),
                  _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu), label.strip(),
                  bool(spec.get("clarify", True)),
                  parse_paragraphs(spec["short"], facts, f"{w}.short") if "short" in spec else ())


def _snippet(name: str, spec: Any, facts: Facts, menu: Tuple[Button, ...]) -> Answer:
    w = f"snippets.{name}"
    if not isinstance(spec, dict) or set(spec) - {"text", "buttons"}:
        raise AnswerError(f"{w}: expected text and buttons")
    return Answer(name, parse_paragraphs(spec.get("text"), facts, f"{w}.text"),
                  _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu), name, False)


def _words(spec: Any, where: str) -> Tuple[str, ...]:
    items = [spec] if isinstance(spec, str) else spec
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise AnswerError(f"{where}: a list of words or phrases")
    return tuple(str(i).lower().strip() for i in items)


_DETAIL_KEYS = frozenset({"topics", "words", "also", "text", "repeat", "not_after", "not_words", "subject"})


def _detail(name: str, spec: Any, facts: Facts, intents: Sequence[str]) -> Detail:
    w = f"details.{name}"
    if not isinstance(spec, dict) or set(spec) - _DETAIL_KEYS or not {"topics", "words", "text"} <= set(spec):
        raise AnswerError(f"{w}: expected topics, words, text and optionally also, repeat, not_after, not_words")
    topics = frozenset(_words(spec["topics"], f"{w}.topics"))
    not_after = frozenset(_words(spec["not_after"], f"{w}.not_after")) if "not_after" in spec else frozenset()
    subject = spec.get("subject")
    unknown = sorted((topics | not_after | ({subject} if subject else set())) - set(intents))
    if unknown:
        raise AnswerError(f"{w}: topics without an answer: {unknown}")
    text = Answer(name, parse_paragraphs(spec["text"], facts, f"{w}.text"), (), name, False)
    return Detail(text, topics, _words(spec["words"], f"{w}.words"),
                  _words(spec["also"], f"{w}.also") if "also" in spec else (), bool(spec.get("repeat", False)),
                  not_after, _words(spec["not_words"], f"{w}.not_words") if "not_words" in spec else (),
                  str(subject) if subject else None)


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
    details = tuple(_detail(name, spec, facts, list(answers)) for name, spec in (data.get("details") or {}).items())
    return Answers(facts, answers, menu, notes, path, snippets, details)
