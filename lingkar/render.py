"""Render the answers in content/answers.yml with the figures of content/facts.yml for a given date.

Usage::

    from lingkar.render import get_answers
    answers = get_answers()                      # loads and validates answers.yml against facts.yml
    r = answers.render("ask_discount")           # for clock.today(); or on=date(2026, 11, 24)
    r.text, r.buttons                            # Indonesian text; [{"title": ..., "payload": "/ask_jkm"}, ...]
    answers.label("ask_jkm")                     # short button title of a topic ("maksudnya…?", menu)

Template language (content/answers.yml):

- ``{key}`` – the value of fact ``key`` in force on the date, as the bot writes it (``Rp42.000.000``).
- ``{key:style}`` – a display variant: ``juta``, ``ribu``, ``miliar``, ``plain``, ``month``, ``year``.
- ``{key@from}`` / ``{key@until}`` (optionally ``:month`` / ``:year``) – the first / last day of the value in
  force (or, when none is in force, of the next one; when none is coming, of the last one). This is how an
  answer says "berlaku s.d. Desember 2026" without typing the date.
- ``{key@next}`` – the value that comes into force next (for "mulai April 2026 ada diskon 50%").
- Digits are allowed only inside placeholders: every figure comes from the facts file.

A paragraph (an item of ``text``) or a button may carry ``when:`` – one condition or a list that must all
hold. A condition is ``[not] [in_force|upcoming|ended|stale|confirmed] <fact key>``; the predicate defaults to
``in_force``. ``upcoming``: not in force on the date but a value starts later; ``ended``: not in force and none
to come, but one was in force before.

A value that is due for review (its schedule in content/facts.yml expected a newer value by now: ``review``,
``next_change``, ``stale_after``) or unconfirmed is written with a ``*`` and the answer gets a note
(``notes.stale`` / ``notes.unconfirmed``) naming the figures and where to check them; a stale figure is named
with the date it has been in force ("batas upah iuran JP, berlaku sejak 1 Maret 2026"). A placeholder of a
fact that is not in force on the date raises :class:`~lingkar.facts.FactNotInForce`, so an expired rule is
never quoted: guard such paragraphs with ``when:``.

Everything is checked when the file is loaded (unknown fact keys, styles, conditions, payloads, digits,
labels), so a broken template fails at start-up and in the tests, not in a chat.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import yaml

from lingkar import clock, config
from lingkar.facts import STYLES, FactError, FactNotInForce, Facts, FactValue, format_date, get_facts

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDER_BODY = re.compile(r"^(?P<key>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?:@(?P<attr>from|until|next))?"
                               r"(?::(?P<style>[a-z]+))?$")
PREDICATES = ("in_force", "upcoming", "ended", "stale", "confirmed")
#: Placeholders a note may use besides fact keys.
NOTE_VARIABLES = ("labels",)
NOTE_KINDS = ("stale", "unconfirmed")
#: Snippets the actions need (actions/answers.py).
REQUIRED_SNIPPETS = ("clarify_question", "clarify_help", "handoff_recorded")
MAX_LABEL = 30
MAX_BUTTON_TITLE = 40
MARK = "*"
_DIGIT = re.compile(r"\d")
_PAYLOAD = re.compile(r"^/[a-z_]+$")
_STYLES_BY_UNIT = {
    "rupiah": {"plain", "juta", "ribu", "miliar"},
    "count": {"plain", "juta", "ribu", "miliar"},
    "date": {"month", "year"},
    "month": {"month", "year"},
}


class AnswerError(Exception):
    """content/answers.yml is malformed or does not fit content/facts.yml."""


@dataclass(frozen=True)
class Rendered:
    intent: str
    text: str
    buttons: List[Dict[str, str]]
    #: Fact keys whose values (or dates) the text and buttons show.
    facts: Tuple[str, ...] = ()
    #: Keys of facts shown with a mark because they are stale or unconfirmed.
    flagged: Tuple[str, ...] = ()

    def as_message(self) -> Dict[str, Any]:
        """Keyword arguments for ``dispatcher.utter_message``."""
        return {"text": self.text, "buttons": list(self.buttons)}


# ----------------------------------------------------------------------------------- conditions
@dataclass(frozen=True)
class Condition:
    negate: bool
    predicate: str
    key: str

    def holds(self, facts: Facts, on: dt.date) -> bool:
        result = _PREDICATE_FUNCS[self.predicate](facts, self.key, on)
        return not result if self.negate else result

    def __str__(self) -> str:
        return f"{'not ' if self.negate else ''}{self.predicate} {self.key}"


def _in_force(facts: Facts, key: str, on: dt.date) -> bool:
    return facts.in_force(key, on)


def _upcoming(facts: Facts, key: str, on: dt.date) -> bool:
    return not facts.in_force(key, on) and any(fv.valid_from and fv.valid_from > on for fv in facts.history(key))


def _ended(facts: Facts, key: str, on: dt.date) -> bool:
    return (not facts.in_force(key, on) and not _upcoming(facts, key, on)
            and any(fv.valid_until and fv.valid_until < on for fv in facts.history(key)))


def _stale(facts: Facts, key: str, on: dt.date) -> bool:
    fv = facts.entry(key, on, default=None)
    return fv is not None and fv.is_stale(on)


def _confirmed(facts: Facts, key: str, on: dt.date) -> bool:
    fv = facts.entry(key, on, default=None)
    return fv is not None and fv.confirmed


_PREDICATE_FUNCS: Dict[str, Callable[[Facts, str, dt.date], bool]] = {
    "in_force": _in_force, "upcoming": _upcoming, "ended": _ended, "stale": _stale, "confirmed": _confirmed,
}


@dataclass(frozen=True)
class AnyOf:
    """``a or b``: holds when one of its conditions holds."""
    options: Tuple[Condition, ...]

    def holds(self, facts: Facts, on: dt.date) -> bool:
        return any(c.holds(facts, on) for c in self.options)

    def __str__(self) -> str:
        return " or ".join(str(c) for c in self.options)


def parse_condition(text: Any, facts: Facts, where: str) -> Condition | AnyOf:
    if not isinstance(text, str) or not text.strip():
        raise AnswerError(f"{where}: a condition must be a string like 'in_force bpu.discount.other'")
    if " or " in text:
        return AnyOf(tuple(_parse_one(part, facts, where) for part in text.split(" or ")))
    return _parse_one(text, facts, where)


def _parse_one(text: str, facts: Facts, where: str) -> Condition:
    words = text.split()
    if not words:
        raise AnswerError(f"{where}: empty condition")
    negate = words[0] == "not"
    if negate:
        words = words[1:]
    if len(words) == 1:
        predicate, key = "in_force", words[0]
    elif len(words) == 2 and words[0] in PREDICATES:
        predicate, key = words
    else:
        raise AnswerError(f"{where}: cannot read condition {text!r} "
                          f"(expected '[not] [{'|'.join(PREDICATES)}] <fact key>')")
    if key not in facts:
        raise AnswerError(f"{where}: condition {text!r} names unknown fact {key!r}")
    return Condition(negate, predicate, key)


def parse_conditions(spec: Any, facts: Facts, where: str) -> Tuple[Condition | AnyOf, ...]:
    """The ``when:`` of a paragraph or button: one condition or a list of them (all must hold)."""
    if spec is None:
        return ()
    items = spec if isinstance(spec, list) else [spec]
    return tuple(parse_condition(c, facts, f"{where}.when") for c in items)


# ----------------------------------------------------------------------------------- templates
@dataclass(frozen=True)
class Placeholder:
    raw: str
    key: str
    attr: str | None
    style: str


@dataclass(frozen=True)
class Template:
    """A piece of text with ``{placeholders}``, checked against the facts at load time."""
    source: str
    placeholders: Tuple[Placeholder, ...]

    @classmethod
    def parse(cls, text: Any, facts: Facts, where: str, variables: Sequence[str] = ()) -> Template:
        if not isinstance(text, str):
            raise AnswerError(f"{where}: expected text, got {type(text).__name__}")
        outside = PLACEHOLDER.sub("", text)
        if "{" in outside or "}" in outside:
            raise AnswerError(f"{where}: unbalanced brace in {text!r}")
        if _DIGIT.search(outside):
            digits = sorted(set(_DIGIT.findall(outside)))
            raise AnswerError(f"{where}: digits {digits} outside a placeholder. Every figure must come from "
                              f"content/facts.yml as {{fact.key}}: {text!r}")
        found = []
        for m in PLACEHOLDER.finditer(text):
            body = m.group(1).strip()
            if body in variables:
                found.append(Placeholder(m.group(0), body, None, ""))
                continue
            pm = _PLACEHOLDER_BODY.match(body)
            if not pm:
                raise AnswerError(f"{where}: cannot read placeholder {m.group(0)!r} "
                                  "(expected {fact.key}, {fact.key:style} or {fact.key@until:month})")
            key, attr, style = pm.group("key"), pm.group("attr"), pm.group("style") or ""
            if key not in facts:
                raise AnswerError(f"{where}: unknown fact {key!r} in {m.group(0)!r}")
            history = facts.history(key)
            unit = history[0].unit
            if style and style not in STYLES:
                raise AnswerError(f"{where}: unknown style {style!r} in {m.group(0)!r} (known: {', '.join(STYLES)})")
            if attr in ("from", "until"):
                if style not in ("", "month", "year"):
                    raise AnswerError(f"{where}: {m.group(0)!r}: a date takes the style month or year")
                bound = "valid_from" if attr == "from" else "valid_until"
                if not any(getattr(fv, bound) for fv in history):
                    raise AnswerError(f"{where}: {m.group(0)!r}: fact {key!r} has no {attr!r} date")
            elif style and style != "plain" and style not in _STYLES_BY_UNIT.get(unit, set()):
                raise AnswerError(f"{where}: style {style!r} does not fit unit {unit!r} in {m.group(0)!r}")
            if attr == "next" and not any(fv.valid_from for fv in history):
                raise AnswerError(f"{where}: {m.group(0)!r}: fact {key!r} has no value that starts later")
            found.append(Placeholder(m.group(0), key, attr, style))
        return cls(text, tuple(found))

    def render(self, facts: Facts, on: dt.date, used: List[str], flagged: List[str],
               variables: Dict[str, str] | None = None) -> str:
        out = self.source
        for ph in self.placeholders:
            if variables is not None and ph.key in variables and ph.attr is None and "." not in ph.key:
                text = variables[ph.key]
            else:
                text = _format(facts, ph, on, flagged)
                used.append(ph.key)
            out = out.replace(ph.raw, text, 1)
        return out


def _date_entry(facts: Facts, key: str, on: dt.date) -> FactValue:
    """The value whose dates an ``@from``/``@until`` placeholder shows: in force, else next, else last."""
    fv = facts.entry(key, on, default=None)
    if fv is not None:
        return fv
    history = facts.history(key)
    later = [v for v in history if v.valid_from and v.valid_from > on]
    if later:
        return min(later, key=lambda v: v.valid_from)
    return history[-1]


def _format(facts: Facts, ph: Placeholder, on: dt.date, flagged: List[str]) -> str:
    if ph.attr in ("from", "until"):
        fv = _date_entry(facts, ph.key, on)
        d = fv.valid_from if ph.attr == "from" else fv.valid_until
        if d is None:
            raise FactNotInForce(f"{ph.key}: the value on {on.isoformat()} has no {ph.attr!r} date")
        return FactValue(ph.key, d, "date", fv.source, None, None).text(ph.style)
    if ph.attr == "next":
        later = [v for v in facts.history(ph.key) if v.valid_from and v.valid_from > on]
        if not later:
            raise FactNotInForce(f"{ph.key}: no value starts after {on.isoformat()}")
        fv = min(later, key=lambda v: v.valid_from)
    else:
        fv = facts.entry(ph.key, on)  # raises FactNotInForce: an expired figure is never quoted
    text = fv.text(ph.style)
    if fv.is_stale(on) or not fv.confirmed:
        if ph.key not in flagged:
            flagged.append(ph.key)
        text += MARK
    return text


# ----------------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Paragraph:
    template: Template
    when: Tuple[Condition | AnyOf, ...] = ()


@dataclass(frozen=True)
class Button:
    title: Template
    payload: str
    when: Tuple[Condition | AnyOf, ...] = ()


@dataclass(frozen=True)
class Answer:
    intent: str
    label: str
    paragraphs: Tuple[Paragraph, ...]
    buttons: Tuple[Button, ...]
    #: Offer this topic as a "maksudnya…?" button when the NLU is unsure between it and others.
    clarify: bool = True


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
        return self._render(self.answers[intent], on or clock.today())

    def render_snippet(self, name: str, on: dt.date | None = None) -> Rendered:
        if name not in self.snippets:
            raise AnswerError(f"no snippet {name!r}")
        return self._render(self.snippets[name], on or clock.today())

    def _render(self, a: Answer, on: dt.date) -> Rendered:
        used: List[str] = []
        flagged: List[str] = []
        parts = []
        for p in a.paragraphs:
            if all(c.holds(self.facts, on) for c in p.when):
                parts.append(p.template.render(self.facts, on, used, flagged).strip())
        buttons = self.render_buttons(a.buttons, on, used, flagged)
        text = "\n\n".join(p for p in parts if p)
        text += self._notes(on, flagged, used)
        return Rendered(a.intent, text, buttons, tuple(dict.fromkeys(used)), tuple(flagged))

    def render_buttons(self, buttons: Sequence[Button], on: dt.date, used: List[str] | None = None,
                       flagged: List[str] | None = None) -> List[Dict[str, str]]:
        used = [] if used is None else used
        flagged = [] if flagged is None else flagged
        out: List[Dict[str, str]] = []
        seen = set()
        for b in buttons:
            if b.payload in seen or not all(c.holds(self.facts, on) for c in b.when):
                continue
            seen.add(b.payload)
            out.append({"title": b.title.render(self.facts, on, used, flagged), "payload": b.payload})
        return out

    def menu_buttons(self, on: dt.date | None = None) -> List[Dict[str, str]]:
        return self.render_buttons(self.menu, on or clock.today())

    def _notes(self, on: dt.date, flagged: List[str], used: List[str]) -> str:
        return render_notes(self.facts, self.notes, on, flagged, used)


def _flag_kind(facts: Facts, key: str, on: dt.date) -> str:
    """Why a figure carries a mark: ``stale`` wins over ``unconfirmed`` (both send the worker to check)."""
    fv = facts.entry(key, on, default=None)
    if fv is None:  # an @next value: not in force yet
        later = [v for v in facts.history(key) if v.valid_from and v.valid_from > on]
        fv = min(later, key=lambda v: v.valid_from) if later else facts.history(key)[-1]
    return "stale" if fv.is_stale(on) else "unconfirmed"


def _label(facts: Facts, key: str) -> str:
    return facts.history(key)[0].label or key


def render_notes(facts: Facts, notes: Dict[str, Template], on: dt.date, flagged: Sequence[str],
                 used: List[str]) -> str:
    """The "where to check" notes for marked figures, or "": one for the unconfirmed ones together, one per
    figure due for review (each says since when its value is in force)."""
    out = []
    for kind in NOTE_KINDS:
        keys = [k for k in dict.fromkeys(flagged) if _flag_kind(facts, k, on) == kind]
        groups = [[k] for k in keys] if kind == "stale" else ([keys] if keys else [])
        for group in groups:
            labels = note_labels(facts, group, on, kind)
            note = notes[kind].render(facts, on, used, [], {"labels": labels}).strip()
            out.append(f"{MARK}{note[:1].upper()}{note[1:]}")
    return ("\n\n" + "\n".join(out)) if out else ""


def note_labels(facts: Facts, keys: Sequence[str], on: dt.date, kind: str) -> str:
    """The figures a note names: their labels, and for stale ones since when the value is in force."""
    out = []
    for k in dict.fromkeys(keys):
        label = _label(facts, k)
        fv = facts.entry(k, on, default=None)
        if kind == "stale" and fv is not None and fv.valid_from is not None:
            label += f" berlaku sejak {format_date(fv.valid_from)}"
        out.append(label)
    return ", ".join(dict.fromkeys(out))


# ----------------------------------------------------------------------------------- loading
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
            continue
        if not isinstance(b, dict) or set(b) - {"title", "payload", "when"} or not {"title", "payload"} <= set(b):
            raise AnswerError(f"{w}: a button is {{title, payload[, when]}} or the word 'menu'")
        title = Template.parse(b["title"], facts, f"{w}.title")
        if len(PLACEHOLDER.sub("", b["title"])) > MAX_BUTTON_TITLE:
            raise AnswerError(f"{w}: button title longer than {MAX_BUTTON_TITLE} characters: {b['title']!r}")
        payload = str(b["payload"])
        if not _PAYLOAD.match(payload):
            raise AnswerError(f"{w}: payload must be '/intent_name', not {payload!r}")
        out.append(Button(title, payload, parse_conditions(b.get("when"), facts, w)))
    return tuple(out)


def paragraph_specs(spec: Any, facts: Facts, where: str) -> List[Tuple[Any, Tuple[Condition | AnyOf, ...], str]]:
    """The paragraphs of a ``text:`` (a string, or a list of strings and ``{text, when}`` mappings) as
    ``(text, conditions, where)``; the caller parses the text."""
    items = [spec] if isinstance(spec, str) else spec
    if not isinstance(items, list) or not items:
        raise AnswerError(f"{where}: text must be a string or a non-empty list of paragraphs")
    out = []
    for i, p in enumerate(items):
        w = f"{where}[{i}]"
        if isinstance(p, str):
            out.append((p, (), w))
        elif isinstance(p, dict) and "text" in p and not set(p) - {"text", "when"}:
            out.append((p["text"], parse_conditions(p.get("when"), facts, w), w))
        else:
            raise AnswerError(f"{w}: a paragraph is text or {{text, when}}")
    return out


def _paragraphs(spec: Any, facts: Facts, where: str) -> Tuple[Paragraph, ...]:
    return tuple(Paragraph(Template.parse(text, facts, w), when)
                 for text, when, w in paragraph_specs(spec, facts, where))


def parse_answers(data: Dict[str, Any], facts: Facts, known_intents: Sequence[str] | None = None,
                  path: Path | None = None) -> Answers:
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswerError("answers.yml needs an 'answers' mapping")
    notes_spec = data.get("notes") or {}
    missing = [k for k in NOTE_KINDS if k not in notes_spec]
    if missing:
        raise AnswerError(f"answers.yml: notes {missing} are missing")
    notes = {k: Template.parse(notes_spec[k], facts, f"notes.{k}", NOTE_VARIABLES) for k in NOTE_KINDS}
    menu = _buttons(data.get("menu"), facts, "menu", None)
    if not menu:
        raise AnswerError("answers.yml: the main menu needs buttons")
    answers: Dict[str, Answer] = {}
    for intent, spec in data["answers"].items():
        w = f"answers.{intent}"
        if not isinstance(spec, dict) or set(spec) - {"label", "text", "buttons", "clarify"}:
            raise AnswerError(f"{w}: expected label, text, buttons, clarify")
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            raise AnswerError(f"{w}: every answer needs a label (a button title, at most {MAX_LABEL} characters)")
        if len(label) > MAX_LABEL or _DIGIT.search(label) or "{" in label:
            raise AnswerError(f"{w}: label {label!r} must be at most {MAX_LABEL} characters, without digits")
        answers[intent] = Answer(intent, label.strip(), _paragraphs(spec.get("text"), facts, f"{w}.text"),
                                 _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu),
                                 bool(spec.get("clarify", True)))
    snippets: Dict[str, Answer] = {}
    for name, spec in (data.get("snippets") or {}).items():
        w = f"snippets.{name}"
        if not isinstance(spec, dict) or set(spec) - {"text", "buttons"}:
            raise AnswerError(f"{w}: expected text and buttons")
        snippets[name] = Answer(name, name, _paragraphs(spec.get("text"), facts, f"{w}.text"),
                                _buttons(spec.get("buttons"), facts, f"{w}.buttons", menu), False)
    missing = [k for k in REQUIRED_SNIPPETS if k not in snippets]
    if missing:
        raise AnswerError(f"answers.yml: snippets {missing} are missing")
    # Every button leads somewhere the bot can answer.
    targets = set(answers) | set(known_intents or ())
    for intent, a in (list(answers.items()) + list(snippets.items())
                      + [("menu", Answer("menu", "menu", (), menu))]):
        for b in a.buttons:
            if b.payload[1:] not in targets:
                raise AnswerError(f"answers.{intent}: button {b.payload!r} leads to an intent without an answer")
    if known_intents is not None:
        unknown = sorted(set(answers) - set(known_intents))
        if unknown:
            raise AnswerError(f"answers.yml: answers for intents the domain does not know: {unknown}")
    return Answers(facts, answers, menu, notes, path, snippets)


def load_answers(path: Path | None = None, facts: Facts | None = None,
                 known_intents: Sequence[str] | None = None) -> Answers:
    path = Path(path or config.CONTENT_DIR / "answers.yml")
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    try:
        return parse_answers(data, facts or get_facts(), known_intents, path)
    except FactError as e:
        raise AnswerError(f"{path}: {e}") from e


@functools.lru_cache(maxsize=1)
def get_answers() -> Answers:
    """The project's answers, loaded and checked once per process."""
    return load_answers()
