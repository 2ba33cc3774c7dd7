"""The facts file (content/facts.yml): every figure the bot tells a worker, with its source and dates.

Usage::

    from lingkar.facts import get_facts
    facts = get_facts()
    facts.value("bpu.jkm", on=date(2026, 11, 24))   # -> 6800
    facts.text("bpu.jkm", on=...)                    # -> "Rp6.800"
    facts.entry("bpu.discount.other", on=...)        # -> FactValue (with valid_until, source, ...)
    facts.in_force("bpu.discount.other", on=...)     # -> False after its window ends
    facts.status("jp.wage_cap", on=...)              # -> "confirmed" | "unconfirmed" | "due for review" | ...

A fact holds one or more values, each with the inclusive dates it is in force (``from``/``until``;
a missing bound is open). Asking for a date outside every window raises :class:`FactNotInForce`
unless a default is given, so an expired rule can never be quoted by accident.

A fact that changes on a known rhythm declares it, so that a figure nobody has updated says so by itself:

* ``review: {every: yearly, month: 3}`` (optionally ``day:``): a new value is expected every year on that day
  (the JP wage cap, every March). The latest value (no ``until``) becomes *due for review* on the first such
  date after its ``from``, until a newer value is recorded.
* ``next_change: YYYY-MM-DD`` (on the fact or on one value): the date a new value is expected.
* ``stale_after: YYYY-MM-DD`` (older form): due for review from the day after.

A window that simply ends (``until``, e.g. a discount for contribution months up to December 2026) needs no
review: after it the fact is not in force and is never quoted.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import yaml

from lingkar import config

UNITS = {"rupiah", "percent", "years", "months", "days", "hours", "times", "count", "text", "phone",
         "date", "month"}
_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"]
_MISSING = object()
#: Statuses of a fact on a date (:meth:`Facts.status`, ``make facts-report``, the dashboard).
CONFIRMED, UNCONFIRMED, DUE, NOT_IN_FORCE = "confirmed", "unconfirmed", "due for review", "not in force"
STATUSES = (CONFIRMED, UNCONFIRMED, DUE, NOT_IN_FORCE)
#: Display variants a template may ask for: ``{key:style}``.
STYLES = ("plain", "juta", "ribu", "miliar", "month", "year")
#: How a count of these units is written after the number ("5 tahun").
_UNIT_WORDS = {"years": "tahun", "months": "bulan", "days": "hari", "hours": "jam", "times": "kali"}


class FactError(Exception):
    """The facts file is malformed, or a key does not exist."""


class FactNotInForce(LookupError):
    """The fact exists but no value of it is in force on the date asked for."""


def format_number(n: float, decimals: int | None = None) -> str:
    """Indonesian number format: 1.500.000 and 0,24."""
    if decimals is None:
        decimals = 0 if float(n) == int(n) else len(repr(float(n)).split(".")[1])
    s = f"{float(n):,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def format_rupiah(n: float) -> str:
    return "Rp" + format_number(n)


def format_date(d: dt.date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_month(d: dt.date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class FactValue:
    key: str
    value: Any
    unit: str
    source: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    confirmed: bool = True
    #: After this date the value may have been replaced (e.g. the JP wage cap moves each March)
    #: and nobody has confirmed the new one: say so and point to where to check.
    stale_after: dt.date | None = None
    label: str = ""
    #: The date a newer value was expected (from ``review``/``next_change``/``stale_after``); None: no schedule.
    due: dt.date | None = None

    def covers(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until)

    def is_stale(self, on: dt.date) -> bool:
        """True from the date a newer value was expected (and none is recorded): "due for review"."""
        return self.due is not None and on >= self.due

    def text(self, style: str = "") -> str:
        """The value as the bot writes it. ``style`` picks a variant (see :data:`STYLES`): ``juta``
        (Rp42 juta, 1,2 juta), ``ribu`` (227 ribu), ``miliar`` (Rp1 miliar), ``plain`` (the bare number),
        ``month`` (Desember 2026), ``year`` (2026). A style that does not fit the value falls back to the
        full form, so ``{x:juta}`` never rounds a figure."""
        v, u = self.value, self.unit
        if style and style not in STYLES:
            raise FactError(f"{self.key}: unknown style {style!r} (known: {', '.join(STYLES)})")
        if style == "plain" or u in ("text", "phone"):
            return format_number(v) if isinstance(v, (int, float)) and u not in ("text", "phone") else str(v)
        if u in ("rupiah", "count"):
            prefix = "Rp" if u == "rupiah" else ""
            if style == "miliar" and v % 100_000_000 == 0 and v >= 1_000_000_000:
                return f"{prefix}{format_number(v / 1_000_000_000)} miliar"
            if style in ("juta", "miliar") and v % 100_000 == 0 and v >= 1_000_000:
                return f"{prefix}{format_number(v / 1_000_000)} juta"
            if style == "ribu" and v % 1_000 == 0 and 1_000 <= v < 1_000_000:
                return f"{prefix}{format_number(v / 1_000)} ribu"
            return format_rupiah(v) if u == "rupiah" else format_number(v)
        if u == "percent":
            return f"{format_number(v)}%"
        if u in _UNIT_WORDS:
            return f"{format_number(v)} {_UNIT_WORDS[u]}"
        if u in ("date", "month"):
            if style == "year":
                return str(v.year)
            return format_month(v) if style == "month" or u == "month" else format_date(v)
        raise FactError(f"{self.key}: unknown unit {u}")


REVIEW_EVERY = ("yearly",)


def _review_due(review: Any, valid_from: dt.date | None, where: str) -> dt.date | None:
    """The first scheduled change after ``valid_from`` for ``review: {every: yearly, month: M[, day: D]}``."""
    if review is None:
        return None
    if not isinstance(review, dict) or review.get("every") not in REVIEW_EVERY:
        raise FactError(f"{where}: review must be {{every: yearly, month: M[, day: D]}}, not {review!r}")
    try:
        month, day = int(review["month"]), int(review.get("day", 1))
        dt.date(2000, month, day)
    except (KeyError, TypeError, ValueError) as e:
        raise FactError(f"{where}: review needs a valid month (and day): {review!r}") from e
    if valid_from is None:
        raise FactError(f"{where}: a value with a yearly review needs a 'from' date")
    due = dt.date(valid_from.year, month, day)
    return due if due > valid_from else dt.date(valid_from.year + 1, month, day)


def _due(rv: Dict[str, Any], spec: Dict[str, Any], valid_from: dt.date | None, valid_until: dt.date | None,
         where: str) -> dt.date | None:
    """When a newer value of this one is expected. A closed value (``until``) has its successor recorded."""
    explicit = _as_date(rv.get("next_change"), where)
    stale_after = _as_date(rv.get("stale_after", spec.get("stale_after")), where)
    if explicit is not None:
        return explicit
    if stale_after is not None:
        return stale_after + dt.timedelta(days=1)
    if valid_until is not None:
        return None
    fact_next = _as_date(spec.get("next_change"), where)
    if fact_next is not None and (valid_from is None or fact_next > valid_from):
        return fact_next
    return _review_due(spec.get("review"), valid_from, where)


def _as_date(v: Any, where: str) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError as e:
        raise FactError(f"{where}: bad date {v!r}") from e


class Facts:
    def __init__(self, data: Dict[str, Any]):
        self.sources: Dict[str, str] = data.get("sources", {}) or {}
        self._facts: Dict[str, List[FactValue]] = {}
        for key, spec in (data.get("facts") or {}).items():
            self._facts[key] = self._parse(key, spec)

    @staticmethod
    def _parse(key: str, spec: Dict[str, Any]) -> List[FactValue]:
        if not isinstance(spec, dict):
            raise FactError(f"{key}: expected a mapping")
        unit = spec.get("unit")
        if unit not in UNITS:
            raise FactError(f"{key}: unit must be one of {sorted(UNITS)}, not {unit!r}")
        source = spec.get("source")
        raw_values = spec.get("values")
        if raw_values is None:
            if "value" not in spec:
                raise FactError(f"{key}: needs value or values")
            raw_values = [{k: spec[k] for k in ("value", "from", "until", "confirmed", "stale_after",
                                                "source") if k in spec}]
        if spec.get("review") is not None:
            _review_due(spec["review"], dt.date(2000, 1, 1), key)  # checks the schedule's shape
        if not isinstance(raw_values, list) or not raw_values:
            raise FactError(f"{key}: values must be a non-empty list")
        out: List[FactValue] = []
        for i, rv in enumerate(raw_values):
            where = f"{key}[{i}]"
            if not isinstance(rv, dict) or "value" not in rv:
                raise FactError(f"{where}: missing value")
            # Every value needs a source: its own, or the fact's.
            if not (rv.get("source") or source):
                raise FactError(f"{where}: every fact needs a source")
            value = rv["value"]
            if unit in ("date", "month"):
                value = _as_date(value, where)
            valid_from, valid_until = _as_date(rv.get("from"), where), _as_date(rv.get("until"), where)
            out.append(FactValue(
                key=key, value=value, unit=unit, source=str(rv.get("source", source)),
                valid_from=valid_from, valid_until=valid_until,
                confirmed=bool(rv.get("confirmed", spec.get("confirmed", True))),
                stale_after=_as_date(rv.get("stale_after", spec.get("stale_after")), where),
                label=str(spec.get("label", "")),
                due=_due(rv, spec, valid_from, valid_until, where),
            ))
        # Windows of one fact must not overlap: "the value on date D" has to be unique.
        ordered = sorted(out, key=lambda f: f.valid_from or dt.date.min)
        for a, b in zip(ordered, ordered[1:]):
            a_end = a.valid_until or dt.date.max
            if (b.valid_from or dt.date.min) <= a_end:
                raise FactError(f"{key}: values overlap ({a.valid_from}..{a.valid_until} and "
                                f"{b.valid_from}..{b.valid_until})")
        return ordered

    # -- queries -------------------------------------------------------------------------------
    def keys(self) -> List[str]:
        return sorted(self._facts)

    def __contains__(self, key: str) -> bool:
        return key in self._facts

    def history(self, key: str) -> List[FactValue]:
        """Every value the fact has had or will have, oldest first."""
        try:
            return list(self._facts[key])
        except KeyError:
            raise FactError(f"unknown fact {key!r}") from None

    def entry(self, key: str, on: dt.date, default: Any = _MISSING) -> FactValue:
        for fv in self.history(key):
            if fv.covers(on):
                return fv
        if default is not _MISSING:
            return default
        raise FactNotInForce(f"{key} has no value in force on {on.isoformat()}")

    def value(self, key: str, on: dt.date, default: Any = _MISSING) -> Any:
        fv = self.entry(key, on, default=None)
        if fv is None:
            if default is not _MISSING:
                return default
            raise FactNotInForce(f"{key} has no value in force on {on.isoformat()}")
        return fv.value

    def text(self, key: str, on: dt.date, style: str = "") -> str:
        return self.entry(key, on).text(style)

    def in_force(self, key: str, on: dt.date) -> bool:
        return self.entry(key, on, default=None) is not None

    def next_change(self, key: str, on: dt.date) -> dt.date | None:
        """The first date after ``on`` on which the fact's value (or its absence) changes."""
        dates = set()
        for fv in self.history(key):
            if fv.valid_from and fv.valid_from > on:
                dates.add(fv.valid_from)
            if fv.valid_until and fv.valid_until >= on:
                dates.add(fv.valid_until + dt.timedelta(days=1))
        return min(dates) if dates else None

    def status(self, key: str, on: dt.date) -> str:
        """What staff need to know about the fact on ``on``: one of :data:`STATUSES`."""
        fv = self.entry(key, on, default=None)
        if fv is None:
            return NOT_IN_FORCE
        if fv.is_stale(on):
            return DUE
        return CONFIRMED if fv.confirmed else UNCONFIRMED

    def due_for_review(self, on: dt.date) -> List[FactValue]:
        """The values in force on ``on`` that were expected to be replaced by now (oldest expectation first)."""
        out = [fv for fv in (self.entry(k, on, default=None) for k in self.keys()) if fv is not None
               and fv.is_stale(on)]
        return sorted(out, key=lambda fv: (fv.due, fv.key))

    def all_values(self) -> Iterator[FactValue]:
        for key in self.keys():
            yield from self._facts[key]


def load_facts(path: Path | None = None) -> Facts:
    path = Path(path or config.CONTENT_DIR / "facts.yml")
    with open(path, encoding="utf-8") as f:
        return Facts(yaml.safe_load(f) or {})


@functools.lru_cache(maxsize=1)
def get_facts() -> Facts:
    """The project's facts, loaded once per process."""
    return load_facts()
