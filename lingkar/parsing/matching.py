"""Lexicon matching shared by regencies and occupations: exact alias matches and fuzzy single words."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

from lingkar.parsing.tokens import (
    FUZZY_MAX_CHARS,
    FUZZY_MAX_WORD,
    _choose,
    _lower_same_length,
    _preceded_by,
    _tok_index_at,
    _tokens,
)


@dataclass(frozen=True)
class LexiconMatch:
    """Where a lexicon entry was found: ``key`` (occupation key or canonical regency name), span, matched text."""

    key: str
    start: int
    end: int
    text: str


def _lexicon_matches(text: str, pattern: re.Pattern, compact: Dict[str, str],
                     skip_before: set) -> List[Tuple[LexiconMatch, bool]]:
    low = _lower_same_length(text)
    toks = _tokens(low)
    out = []
    for m in pattern.finditer(low):
        key = compact.get(re.sub(r"[\s\-]", "", m.group(0)))
        if key is None:
            continue
        k = _tok_index_at(toks, m.start())
        skipped = _preceded_by(toks, k, skip_before, window=1)
        out.append((LexiconMatch(key, m.start(), m.end(), text[m.start():m.end()]), skipped))
    return out


def _pick(text: str, matches: List[Tuple[LexiconMatch, bool]]) -> LexiconMatch | None:
    if not matches:
        return None
    toks = _tokens(_lower_same_length(text))
    idx = _choose([(m.start, m.end, m) for m, _ in matches], toks, [s for _, s in matches])
    return matches[idx][0] if idx is not None else None


def _fuzzy_token_match(text: str, compact: Dict[str, str], cutoff: float, min_len: int = 5) -> LexiconMatch | None:
    """The first word of the first :data:`FUZZY_MAX_CHARS` characters close to a lexicon entry (each distinct
    word of :data:`FUZZY_MAX_WORD` letters at most is compared once)."""
    low = _lower_same_length(text[:FUZZY_MAX_CHARS])
    keys = [k for k in compact if len(k) >= min_len]
    tried = set()
    for m in re.finditer(r"[^\W\d_]+", low):
        w = m.group(0)
        if not min_len <= len(w) <= FUZZY_MAX_WORD or w in tried:
            continue
        tried.add(w)
        close = difflib.get_close_matches(w, keys, n=1, cutoff=cutoff)
        if close:
            return LexiconMatch(compact[close[0]], m.start(), m.end(), text[m.start():m.end()])
    return None
