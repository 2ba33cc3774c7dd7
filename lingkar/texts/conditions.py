"""The ``when:`` conditions of content/answers.yml: whether a paragraph or a button is shown on a date.

A condition is ``[not] [in_force|upcoming|ended|stale|confirmed] <fact key>``; the predicate defaults to
``in_force``. ``upcoming``: not in force on the date but a value starts later; ``ended``: not in force and none
to come, but one was in force before. ``a or b`` holds when one of them holds; a list of conditions must all hold.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

from lingkar.facts import Facts

PREDICATES = ("in_force", "upcoming", "ended", "stale", "confirmed")


class AnswerError(Exception):
    """content/answers.yml is malformed or does not fit content/facts.yml."""


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
