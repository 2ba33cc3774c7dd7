"""All entities at once (what the NLU entity extractor emits): occupation, age, income, regency."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

from lingkar.parsing.ages import parse_age_detail
from lingkar.parsing.income import parse_income_detail
from lingkar.parsing.occupation import find_occupation
from lingkar.parsing.regency import find_regency
from lingkar.parsing.tokens import PARSE_MAX_CHARS


def extract_all(text: str, content_dir: Path | None = None, today: dt.date | None = None) -> List[Dict[str, Any]]:
    """Entities in ``text``: at most one each of occupation, age, income, regency, in text order.

    Each is ``{"entity", "value", "start", "end"}`` with offsets into ``text``; values are normalised (occupation
    key, int years, int rupiah per month, canonical regency name). Spans never overlap: a number read as an age is
    not also read as income.
    """
    if not text:
        return []
    text = text[:PARSE_MAX_CHARS]
    found: List[Dict[str, Any]] = []
    occ = find_occupation(text, content_dir=content_dir)
    if occ:
        found.append({"entity": "occupation", "value": occ.key, "start": occ.start, "end": occ.end})
    reg = find_regency(text, content_dir=content_dir)
    if reg:
        found.append({"entity": "regency", "value": reg.key, "start": reg.start, "end": reg.end})
    age = parse_age_detail(text, today=today)
    if age and 0 < age.value < 130:
        found.append({"entity": "age", "value": age.value, "start": age.start, "end": age.end})
    inc = parse_income_detail(text)
    if inc and not (age and inc.start < age.end and age.start < inc.end):
        found.append({"entity": "income", "value": inc.value, "start": inc.start, "end": inc.end})
    found.sort(key=lambda e: e["start"])
    return found
