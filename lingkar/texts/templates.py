"""Templates: a piece of text with ``{fact.key}`` placeholders, checked against content/facts.yml when it is loaded
and filled in with the figures in force on a date; and the "where to check" notes for marked figures.

- ``{key}`` – the value of fact ``key`` in force on the date, as the bot writes it (``Rp42.000.000``).
- ``{key:style}`` – a display variant: ``juta``, ``ribu``, ``miliar``, ``plain``, ``month``, ``year``.
- ``{key@from}`` / ``{key@until}`` (optionally ``:month`` / ``:year``) – the first / last day of the value in
  force (or, when none is in force, of the next one; when none is coming, of the last one).
- ``{key@next}`` – the value that comes into force next.
- Digits are allowed only inside placeholders: every figure comes from the facts file.

A value that is due for review or unconfirmed is written with a ``*`` and is recorded as *flagged*;
:func:`render_notes` then names such figures and where to check them. A placeholder of a fact that is not in force
on the date raises :class:`~lingkar.facts.FactNotInForce`, so an expired rule is never quoted.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

from lingkar.facts import STYLES, FactNotInForce, Facts, FactValue, format_date
from lingkar.texts.conditions import AnswerError

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDER_BODY = re.compile(r"^(?P<key>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?:@(?P<attr>from|until|next))?"
                               r"(?::(?P<style>[a-z]+))?$")
#: Placeholders a note may use besides fact keys.
NOTE_VARIABLES = ("labels",)
NOTE_KINDS = ("stale", "unconfirmed")
MARK = "*"
DIGIT = re.compile(r"\d")
_STYLES_BY_UNIT = {
    "rupiah": {"plain", "juta", "ribu", "miliar"},
    "count": {"plain", "juta", "ribu", "miliar"},
    "date": {"month", "year"},
    "month": {"month", "year"},
}


@dataclass(frozen=True)
class Placeholder:
    raw: str
    key: str
    attr: str | None
    style: str


def _check_placeholder(raw: str, body: str, facts: Facts, where: str) -> Placeholder:
    pm = _PLACEHOLDER_BODY.match(body)
    if not pm:
        raise AnswerError(f"{where}: cannot read placeholder {raw!r} "
                          "(expected {fact.key}, {fact.key:style} or {fact.key@until:month})")
    key, attr, style = pm.group("key"), pm.group("attr"), pm.group("style") or ""
    if key not in facts:
        raise AnswerError(f"{where}: unknown fact {key!r} in {raw!r}")
    history = facts.history(key)
    unit = history[0].unit
    if style and style not in STYLES:
        raise AnswerError(f"{where}: unknown style {style!r} in {raw!r} (known: {', '.join(STYLES)})")
    if attr in ("from", "until"):
        if style not in ("", "month", "year"):
            raise AnswerError(f"{where}: {raw!r}: a date takes the style month or year")
        bound = "valid_from" if attr == "from" else "valid_until"
        if not any(getattr(fv, bound) for fv in history):
            raise AnswerError(f"{where}: {raw!r}: fact {key!r} has no {attr!r} date")
    elif style and style != "plain" and style not in _STYLES_BY_UNIT.get(unit, set()):
        raise AnswerError(f"{where}: style {style!r} does not fit unit {unit!r} in {raw!r}")
    if attr == "next" and not any(fv.valid_from for fv in history):
        raise AnswerError(f"{where}: {raw!r}: fact {key!r} has no value that starts later")
    return Placeholder(raw, key, attr, style)


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
        if DIGIT.search(outside):
            digits = sorted(set(DIGIT.findall(outside)))
            raise AnswerError(f"{where}: digits {digits} outside a placeholder. Every figure must come from "
                              f"content/facts.yml as {{fact.key}}: {text!r}")
        found = []
        for m in PLACEHOLDER.finditer(text):
            body = m.group(1).strip()
            if body in variables:
                found.append(Placeholder(m.group(0), body, None, ""))
            else:
                found.append(_check_placeholder(m.group(0), body, facts, where))
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


# ----------------------------------------------------------------------------------- notes
def parse_notes(spec: Any, facts: Facts) -> Dict[str, Template]:
    """The ``notes:`` of answers.yml: one template per kind of mark, with ``{labels}`` for the figures."""
    spec = spec or {}
    missing = [k for k in NOTE_KINDS if k not in spec]
    if missing:
        raise AnswerError(f"answers.yml: notes {missing} are missing")
    return {k: Template.parse(spec[k], facts, f"notes.{k}", NOTE_VARIABLES) for k in NOTE_KINDS}


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
