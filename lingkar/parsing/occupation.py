"""Occupation named in a text ("sy nelayan", "kerja ojol"), from content/occupations.yml."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Dict, Tuple

from lingkar.parsing.lexicons import Occupation, _content_dir, _load_occupations, occupations
from lingkar.parsing.matching import LexiconMatch, _fuzzy_token_match, _lexicon_matches, _pick
from lingkar.parsing.tokens import PARSE_MAX_CHARS, _lexicon_regex

_SKIP_BEFORE_OCCUPATION = {"bukan", "bkn", "bukn", "naik", "pesan", "pesen", "order", "panggil", "pake", "pakai",
                           "sewa", "numpang", "menumpang", "tumpangi", "ditabrak", "nabrak", "tabrak", "anti",
                           "lawan", "sama", "dengan", "dgn", "beli", "belanja",
                           # negated: "tidak digaji tetap" is not an employee
                           "tidak", "tdk", "tak", "tida", "tra", "nggak", "ngga", "gak", "ga", "ndak", "belum", "blm",
                           "tanpa"}


@functools.lru_cache(maxsize=8)
def _occupation_matcher(path: str) -> Tuple[re.Pattern, Dict[str, str]]:
    occs = _load_occupations(path)
    alias_to_key: Dict[str, str] = {}
    for key, o in occs.items():
        for a in (key.replace("_", " "),) + o.aliases:
            alias_to_key.setdefault(a, key)
    aliases = sorted(alias_to_key, key=lambda a: (-len(a), a))
    pattern = _lexicon_regex(aliases)
    compact = {re.sub(r"[\s\-]", "", a): k for a, k in alias_to_key.items()}
    return pattern, compact


def _occupation_paths(content_dir: Path | None) -> str:
    return str(_content_dir(content_dir) / "occupations.yml")


def find_occupation(text: str, fuzzy: bool = False, content_dir: Path | None = None) -> LexiconMatch | None:
    """Like :func:`match_occupation`, with the span: ``.key`` is the occupation key."""
    if not text:
        return None
    text = text[:PARSE_MAX_CHARS]
    pattern, compact = _occupation_matcher(_occupation_paths(content_dir))
    m = _pick(text, _lexicon_matches(text, pattern, compact, _SKIP_BEFORE_OCCUPATION))
    if m is None and fuzzy:
        m = _fuzzy_token_match(text, compact, cutoff=0.84, min_len=5)
    return m


def match_occupation(text: str, fuzzy: bool = False, content_dir: Path | None = None) -> Occupation | None:
    """The occupation named in ``text`` ("sy nelayan" → nelayan/BPU; "kerja ojol" → ojol/BPU/transport), or None."""
    m = find_occupation(text, fuzzy=fuzzy, content_dir=content_dir)
    return occupations(content_dir)[m.key] if m else None
