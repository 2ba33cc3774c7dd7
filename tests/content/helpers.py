"""Shared helpers for the content tests: the dates every answer is rendered on, and the figure check."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any, Iterable, Iterator, Set

import yaml

from lingkar.facts import STYLES, FactError, Facts, format_date, format_month

ROOT = Path(__file__).resolve().parents[2]


def _shared_dir() -> Path:
    """The project's domain notes: LINGKAR_SHARED_DIR, else ../shared beside the checkout, else ../shared beside
    the checkout this one was cloned from (a throw-away clone in /tmp, as CI or a reviewer makes)."""
    if os.environ.get("LINGKAR_SHARED_DIR"):
        return Path(os.environ["LINGKAR_SHARED_DIR"])
    candidates = [ROOT.parent / "shared"]
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and "://" not in origin and ":" not in origin.split("/")[0]:  # a local path, not a URL or host:path
        candidates.append((ROOT / origin).resolve().parent / "shared")  # relative origins are relative to ROOT
    return next((c for c in candidates if (c / "domain" / "facts.md").exists()), candidates[0])


SHARED_DOMAIN = _shared_dir() / "domain"
if not (SHARED_DOMAIN / "facts.md").exists():
    raise RuntimeError(f"the shared domain notes are missing: {SHARED_DOMAIN}/facts.md. They sit beside the checkout "
                       "(../shared); set LINGKAR_SHARED_DIR if yours are elsewhere.")

#: The project's "today", the PP 50/2025 edges, the JP cap going stale (Mar 2025) and dates after them. Dates
#: before PP 6/2025 (7 Feb 2025) are out of scope: the JKP answer rightly refuses to quote rules not yet in force.
DISCOUNT_EDGES = [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1),
                  dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 1)]
RENDER_DATES = sorted({dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2026, 11, 24),
                       dt.date(2028, 1, 1), dt.date(2035, 7, 1), *DISCOUNT_EDGES})

_NUMBER = re.compile(r"\d")


def domain_intents() -> Set[str]:
    with open(ROOT / "domain.yml", encoding="utf-8") as f:
        return set(yaml.safe_load(f)["intents"])


def fact_strings(facts: Facts, on: dt.date) -> Set[str]:
    """Every way the bot may write a figure on ``on``: the values in force or still to come, in every style,
    and the start/end dates of every value (for "berlaku s.d. Desember 2026"). Expired values are NOT here,
    so an answer that quotes an old figure fails the check."""
    out: Set[str] = set()
    for key in facts.keys():
        for fv in facts.history(key):
            if fv.covers(on) or (fv.valid_from and fv.valid_from > on):
                for style in ("", *STYLES):
                    try:
                        out.add(fv.text(style))
                    except (FactError, AttributeError, TypeError):
                        pass
            for d in (fv.valid_from, fv.valid_until):
                if d:
                    out |= {format_date(d), format_month(d), str(d.year)}
    return {s for s in out if _NUMBER.search(s)}


def unexplained_numbers(text: str, allowed: Iterable[str]) -> str:
    """``text`` with every allowed figure removed (longest first, never part of a longer number); whatever
    digits remain were not written from the facts file."""
    rest = text.replace("*", " ")
    for s in sorted(set(allowed), key=len, reverse=True):
        rest = re.sub(r"(?<![\d.,])" + re.escape(s) + r"(?![\d]|[.,]\d)", " ", rest)
    return " ".join(m.group(0) for m in re.finditer(r"\S*\d\S*", rest))


def walk_strings(node: Any) -> Iterator[str]:
    """Every string value (not key) in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from walk_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk_strings(v)
