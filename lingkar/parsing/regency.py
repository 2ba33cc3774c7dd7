"""Regency or city of Southeast Sulawesi named in a text ("sy di konsel"), and "did you mean" suggestions."""
from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path
from typing import Dict, List, Tuple

from lingkar.parsing.lexicons import _content_dir, _load_regencies
from lingkar.parsing.matching import LexiconMatch, _fuzzy_token_match, _lexicon_matches, _pick
from lingkar.parsing.tokens import (
    FUZZY_MAX_CHARS,
    FUZZY_MAX_WORD,
    PARSE_MAX_CHARS,
    _lexicon_regex,
    _lower_same_length,
    _norm_phrase,
)

_SKIP_BEFORE_REGENCY = {"bukan", "bkn", "bukn"}


@functools.lru_cache(maxsize=8)
def _regency_matcher(path: str) -> Tuple[re.Pattern, Dict[str, str]]:
    regs = _load_regencies(path)
    alias_to_name: Dict[str, str] = {}
    for r in regs:
        for a in (_norm_phrase(r.name),) + r.aliases + r.towns:
            alias_to_name.setdefault(a, r.name)
    aliases = sorted(alias_to_name, key=lambda a: (-len(a), a))
    pattern = _lexicon_regex(aliases)
    compact = {re.sub(r"[\s\-]", "", a): n for a, n in alias_to_name.items()}
    return pattern, compact


def _regency_paths(content_dir: Path | None) -> str:
    return str(_content_dir(content_dir) / "regions.yml")


def find_regency(text: str, fuzzy: bool = False, content_dir: Path | None = None) -> LexiconMatch | None:
    """Like :func:`match_regency`, with the span: ``.key`` is the canonical name."""
    if not text:
        return None
    text = text[:PARSE_MAX_CHARS]
    pattern, compact = _regency_matcher(_regency_paths(content_dir))
    m = _pick(text, _lexicon_matches(text, pattern, compact, _SKIP_BEFORE_REGENCY))
    if m is None and fuzzy:
        m = _fuzzy_token_match(text, compact, cutoff=0.84)
    return m


def match_regency(text: str, fuzzy: bool = False, content_dir: Path | None = None) -> str | None:
    """Canonical regency/city name named in ``text`` ("konsel" → "Kabupaten Konawe Selatan"), or None.

    ``fuzzy=True`` also accepts a close misspelling of a single word ("kendri" → "Kota Kendari"); use it when the
    text is known to be an answer to "di kabupaten/kota mana?".
    """
    m = find_regency(text, fuzzy=fuzzy, content_dir=content_dir)
    return m.key if m else None


def suggest_regencies(text: str, n: int = 3, content_dir: Path | None = None) -> List[str]:
    """Up to ``n`` canonical names closest to ``text`` (for "did you mean …?" after an unknown regency)."""
    if not text:
        return []
    _, compact = _regency_matcher(_regency_paths(content_dir))
    low = _norm_phrase(_lower_same_length(text[:FUZZY_MAX_CHARS]))
    low = re.sub(r"^(kabupaten|kab|kota|kec|kecamatan|di|daerah)\s+", "", low)
    words = [w for w in re.findall(r"[^\W\d_]+", low) if 3 <= len(w) <= FUZZY_MAX_WORD]
    probes = list(dict.fromkeys([re.sub(r"[\s\-]", "", low)] + words))
    probes = [p for p in probes if len(p) <= FUZZY_MAX_WORD]
    scored: Dict[str, float] = {}
    for probe in probes:
        for alias, name in compact.items():
            r = difflib.SequenceMatcher(None, probe, alias).ratio()
            if alias.startswith(probe) and len(probe) >= 3:
                r = max(r, 0.75)
            if r > scored.get(name, 0.0):
                scored[name] = r
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, score in ranked if score >= 0.5][:n]
