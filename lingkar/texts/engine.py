"""The one engine for every text of content/answers.yml (answers, snippets, the menu and the flow texts): the
:class:`Text` it is made of (paragraphs and buttons, each maybe with ``when:`` conditions), how a text's
paragraphs and buttons are read from YAML, and :func:`render_text`, which writes a text for a date.

A paragraph may use **variables**, ``<name>``, for what a flow computed or the worker said (flow texts only; an
answer's paragraphs have none). The caller passes their values; a missing one is an error. Variables are filled in
after the facts, in one pass, so a worker's text is never read as a placeholder.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

from lingkar.facts import Facts
from lingkar.texts.conditions import AnswerError, AnyOf, Condition, parse_conditions
from lingkar.texts.templates import PLACEHOLDER, Template, render_notes

VARIABLE = re.compile(r"<([a-z][a-z0-9_]*)>")
MAX_BUTTON_TITLE = 40

When = Tuple[Condition | AnyOf, ...]


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
        """Keyword arguments for ``dispatcher.utter_message``. The fact keys go along as ``facts``: Rasa keeps them
        in the bot event's metadata (the REST channel does not send them on), so "sumber?" can name the sources of
        what the previous answer showed (:mod:`lingkar.citations`)."""
        message: Dict[str, Any] = {"text": self.text, "buttons": list(self.buttons)}
        if self.facts:
            message["facts"] = list(self.facts)
        return message


@dataclass(frozen=True)
class Paragraph:
    template: Template
    when: When = ()
    #: The ``<variables>`` the paragraph uses (flow texts only).
    variables: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Button:
    title: Template
    payload: str
    when: When = ()


@dataclass(frozen=True)
class Text:
    """An answer (named after its intent), a snippet, or a flow text."""
    name: str
    paragraphs: Tuple[Paragraph, ...]
    buttons: Tuple[Button, ...]
    #: An answer's short button title (a topic on the menu, "maksudnya…?"); snippets and flow texts have none.
    label: str = ""
    #: Offer this topic as a "maksudnya…?" button when the NLU is unsure between it and others (answers).
    clarify: bool = False
    #: An answer's explicit first part when it is longer than a phone screen (``short:``; else the leading
    #: paragraphs are the first part: :meth:`lingkar.texts.answers.Answers.render_split`).
    short: Tuple[Paragraph, ...] = ()

    @property
    def intent(self) -> str:
        return self.name

    @property
    def variables(self) -> Tuple[str, ...]:
        return tuple(dict.fromkeys(v for p in self.paragraphs for v in p.variables))


# ----------------------------------------------------------------------------------- reading
def parse_paragraphs(spec: Any, facts: Facts, where: str, with_variables: bool = False) -> Tuple[Paragraph, ...]:
    """The paragraphs of a ``text:``: a string, or a list of strings and ``{text, when}`` mappings."""
    items = [spec] if isinstance(spec, str) else spec
    if not isinstance(items, list) or not items:
        raise AnswerError(f"{where}: text must be a string or a non-empty list of paragraphs")
    out = []
    for i, p in enumerate(items):
        w = f"{where}[{i}]"
        if isinstance(p, str):
            text, when = p, ()
        elif isinstance(p, dict) and "text" in p and not set(p) - {"text", "when"}:
            text, when = p["text"], parse_conditions(p.get("when"), facts, w)
        else:
            raise AnswerError(f"{w}: a paragraph is text or {{text, when}}")
        template = Template.parse(text, facts, w)
        names = tuple(dict.fromkeys(m.group(1) for m in VARIABLE.finditer(text))) if with_variables else ()
        out.append(Paragraph(template, when, names))
    return tuple(out)


def parse_button(spec: Any, facts: Facts, where: str, check_payload: Callable[[str, str], None],
                 also: str = "") -> Button:
    """One ``{title, payload[, when]}`` button; ``check_payload(payload, where)`` raises on a payload the kind
    of text does not allow. ``also`` names what else the list may hold (for the error message)."""
    if not isinstance(spec, dict) or set(spec) - {"title", "payload", "when"} or not {"title", "payload"} <= set(spec):
        raise AnswerError(f"{where}: a button is {{title, payload[, when]}}{also}")
    title = Template.parse(spec["title"], facts, f"{where}.title")
    if len(PLACEHOLDER.sub("", spec["title"])) > MAX_BUTTON_TITLE:
        raise AnswerError(f"{where}: button title longer than {MAX_BUTTON_TITLE} characters: {spec['title']!r}")
    payload = str(spec["payload"])
    check_payload(payload, where)
    return Button(title, payload, parse_conditions(spec.get("when"), facts, where))


# ----------------------------------------------------------------------------------- writing
def render_buttons(buttons: Sequence[Button], facts: Facts, on: dt.date, used: List[str],
                   flagged: List[str]) -> List[Dict[str, str]]:
    """The buttons whose conditions hold, each payload once."""
    out: List[Dict[str, str]] = []
    seen = set()
    for b in buttons:
        if b.payload in seen or not all(c.holds(facts, on) for c in b.when):
            continue
        seen.add(b.payload)
        out.append({"title": b.title.render(facts, on, used, flagged), "payload": b.payload})
    return out


@dataclass(frozen=True)
class Piece:
    """One paragraph of a text as it reads on a date, with the facts it shows (a long answer is cut between
    pieces: :meth:`lingkar.texts.answers.Answers.render_split`)."""
    text: str
    facts: Tuple[str, ...] = ()
    flagged: Tuple[str, ...] = ()


def render_pieces(text: Text, facts: Facts, on: dt.date, variables: Dict[str, Any] | None = None) -> List[Piece]:
    """The paragraphs of ``text`` whose conditions hold on ``on``, figures (then ``variables``) filled in; empty
    paragraphs left out."""
    values = None if variables is None else {k: "" if v is None else str(v) for k, v in variables.items()}
    out: List[Piece] = []
    for p in text.paragraphs:
        if not all(c.holds(facts, on) for c in p.when):
            continue
        missing = [v for v in p.variables if values is None or v not in values]
        if missing:
            raise AnswerError(f"flows.{text.name}: variables {missing} were not given")
        used: List[str] = []
        marks: List[str] = []
        written = p.template.render(facts, on, used, marks)
        if values is not None:
            written = VARIABLE.sub(lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), written)
        if written.strip():
            out.append(Piece(written.strip(), tuple(used), tuple(marks)))
    return out


def render_text(text: Text, facts: Facts, notes: Dict[str, Template], on: dt.date,
                variables: Dict[str, Any] | None = None, flagged: Sequence[str] = (), with_notes: bool = True,
                note_facts: bool = True) -> Rendered:
    """``text`` as it reads on ``on``: the paragraphs and buttons whose conditions hold, figures filled in, then
    (``variables`` given) the ``<variables>``, then the notes for marked figures (``with_notes``).

    ``flagged`` names facts whose figures a variable shows with a mark: the text gets the same note as a marked
    placeholder. ``note_facts``: count the facts the notes show in :attr:`Rendered.facts`.
    """
    used: List[str] = []
    marks: List[str] = list(flagged)
    parts = render_pieces(text, facts, on, variables)
    for piece in parts:
        used.extend(piece.facts)
        marks.extend(piece.flagged)
    buttons = render_buttons(text.buttons, facts, on, used, marks)
    body = "\n\n".join(piece.text for piece in parts)
    if with_notes:
        body += render_notes(facts, notes, on, marks, used if note_facts else [])
    return Rendered(text.name, body, buttons, tuple(dict.fromkeys(used)), tuple(dict.fromkeys(marks)))
