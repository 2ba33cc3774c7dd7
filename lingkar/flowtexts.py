"""The texts of the eligibility, lead and personal-data flows: the ``flows`` section of content/answers.yml.

Usage::

    from lingkar.flowtexts import get_flow_texts
    texts = get_flow_texts()
    r = texts.render("lead_saved", on, name="Siti", reference="LK-7K2M9Q")  # -> Rendered (text, buttons)
    texts.label("status", "new")                                     # -> "baru"

A flow text is written like an answer (content/answers.yml, lingkar/render.py): ``{fact.key}`` placeholders for
figures, paragraphs with ``when:`` conditions, no digits outside placeholders. In addition a text may use
**variables**, ``<name>``, for what the flow computed or the worker said (their amounts, their name, a lead
number); the caller passes them to :meth:`FlowTexts.render` and a missing one is an error. Variables are filled
in after the facts, in one pass, so a worker's text is never read as a placeholder. Buttons are
``{title, payload[, when]}``; the payload is an intent (``/request_contact``), an intent with entities in Rasa's
payload syntax (``/inform{"regency": "Kota Kendari"}``: understood whatever the NLU would make of the text), or the
plain text the button sends ("Petani"), which the form reads like a typed answer.

``labels`` holds short words the flows put together (status names, programme names): plain strings, no
placeholders.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

from lingkar import clock, config
from lingkar.facts import FactError, Facts, get_facts
from lingkar.render import (
    MAX_BUTTON_TITLE,
    PLACEHOLDER,
    AnswerError,
    Answers,
    Condition,
    Rendered,
    Template,
    get_answers,
    paragraph_specs,
    parse_conditions,
    render_notes,
)

VARIABLE = re.compile(r"<([a-z][a-z0-9_]*)>")
_DIGIT = re.compile(r"\d")
_INTENT_PAYLOAD = re.compile(r"^/([a-z_]+)(\{.*\})?$")


def payload_intent(payload: str) -> str | None:
    """The intent of a button payload ("/inform{...}" -> "inform"), or None for a plain-text payload."""
    m = _INTENT_PAYLOAD.match(payload)
    return m.group(1) if m else None


@dataclass(frozen=True)
class _Paragraph:
    template: Template
    when: Tuple[Condition, ...]
    variables: Tuple[str, ...]


@dataclass(frozen=True)
class _Button:
    title: Template
    payload: str
    when: Tuple[Condition, ...]


@dataclass(frozen=True)
class FlowText:
    name: str
    paragraphs: Tuple[_Paragraph, ...]
    buttons: Tuple[_Button, ...]

    @property
    def variables(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(v for p in self.paragraphs for v in p.variables))


def _variables_in(text: str) -> List[str]:
    return [m.group(1) for m in VARIABLE.finditer(text)]


def _parse_text(spec: Any, facts: Facts, where: str) -> Tuple[_Paragraph, ...]:
    out = []
    for text, when, w in paragraph_specs(spec, facts, where):
        if not isinstance(text, str):
            raise AnswerError(f"{w}: expected text")
        names = tuple(dict.fromkeys(_variables_in(text)))
        out.append(_Paragraph(Template.parse(text, facts, w), when, names))
    return tuple(out)


def _parse_buttons(spec: Any, facts: Facts, where: str) -> Tuple[_Button, ...]:
    if spec is None:
        return ()
    if not isinstance(spec, list):
        raise AnswerError(f"{where}: buttons must be a list")
    out = []
    for i, b in enumerate(spec):
        w = f"{where}[{i}]"
        if not isinstance(b, dict) or set(b) - {"title", "payload", "when"} or not {"title", "payload"} <= set(b):
            raise AnswerError(f"{w}: a button is {{title, payload[, when]}}")
        if len(PLACEHOLDER.sub("", str(b["title"]))) > MAX_BUTTON_TITLE:
            raise AnswerError(f"{w}: button title longer than {MAX_BUTTON_TITLE} characters")
        payload = str(b["payload"])
        m = _INTENT_PAYLOAD.match(payload)
        if payload.startswith("/") and not m:
            raise AnswerError(f"{w}: an intent payload is '/intent_name' or '/intent_name{{json}}', not {payload!r}")
        if m and m.group(2):
            try:
                entities = json.loads(m.group(2))
            except ValueError as e:
                raise AnswerError(f"{w}: the entities of {payload!r} are not JSON ({e})") from e
            if not isinstance(entities, dict) or not all(isinstance(v, str) for v in entities.values()):
                raise AnswerError(f"{w}: the entities of {payload!r} must be a mapping of names to text")
        if _DIGIT.search(payload):
            raise AnswerError(f"{w}: digits in payload {payload!r}")
        out.append(_Button(Template.parse(str(b["title"]), facts, f"{w}.title"), payload,
                           parse_conditions(b.get("when"), facts, w)))
    return tuple(out)


class FlowTexts:
    def __init__(self, data: Dict[str, Any], facts: Facts, answers: Answers,
                 known_intents: Sequence[str] | None = None):
        self.facts, self.answers = facts, answers
        flows = data.get("flows")
        if not isinstance(flows, dict) or not flows:
            raise AnswerError("answers.yml needs a 'flows' mapping (texts of the forms and lead actions)")
        self.texts: Dict[str, FlowText] = {}
        for name, spec in flows.items():
            w = f"flows.{name}"
            if isinstance(spec, str) or isinstance(spec, list):
                spec = {"text": spec}
            if not isinstance(spec, dict) or set(spec) - {"text", "buttons"}:
                raise AnswerError(f"{w}: expected text and buttons")
            self.texts[name] = FlowText(name, _parse_text(spec.get("text"), facts, f"{w}.text"),
                                        _parse_buttons(spec.get("buttons"), facts, f"{w}.buttons"))
        self.labels: Dict[str, Dict[str, str]] = {}
        for group, items in (data.get("labels") or {}).items():
            if not isinstance(items, dict):
                raise AnswerError(f"labels.{group}: expected a mapping")
            for key, value in items.items():
                if not isinstance(value, str) or _DIGIT.search(value) or "{" in value:
                    raise AnswerError(f"labels.{group}.{key}: a label is plain text without digits")
            self.labels[group] = {str(k): v for k, v in items.items()}
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
        on = on or clock.today()
        t = self.texts[name]
        values = {k: "" if v is None else str(v) for k, v in variables.items()}
        used: List[str] = []
        marks: List[str] = list(flagged)
        parts = []
        for p in t.paragraphs:
            if not all(c.holds(self.facts, on) for c in p.when):
                continue
            missing = [v for v in p.variables if v not in values]
            if missing:
                raise AnswerError(f"flows.{name}: variables {missing} were not given")
            text = p.template.render(self.facts, on, used, marks)
            parts.append(VARIABLE.sub(lambda m: values[m.group(1)] if m.group(1) in values else m.group(0),
                                      text).strip())
        buttons = [{"title": b.title.render(self.facts, on, used, marks), "payload": b.payload}
                   for b in t.buttons if all(c.holds(self.facts, on) for c in b.when)]
        text = "\n\n".join(p for p in parts if p)
        if notes:
            text += self.notes(on, marks)
        return Rendered(name, text, buttons, tuple(dict.fromkeys(used)), tuple(dict.fromkeys(marks)))

    def text(self, name: str, /, on: dt.date | None = None, **variables: Any) -> str:
        return self.render(name, on, **variables).text

    def notes(self, on: dt.date, flagged: Sequence[str]) -> str:
        """The "where to check" notes for marked figures (the answers file's ``notes``), or ""."""
        return render_notes(self.facts, self.answers.notes, on, flagged, [])


def load_flow_texts(path: Path | None = None, facts: Facts | None = None, answers: Answers | None = None,
                    known_intents: Sequence[str] | None = None) -> FlowTexts:
    path = Path(path or config.CONTENT_DIR / "answers.yml")
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    try:
        return FlowTexts(data, facts or get_facts(), answers or get_answers(), known_intents)
    except FactError as e:
        raise AnswerError(f"{path}: {e}") from e


@functools.lru_cache(maxsize=1)
def get_flow_texts() -> FlowTexts:
    """The flow texts, loaded and checked once per process."""
    return load_flow_texts()
