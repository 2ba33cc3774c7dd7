"""Text helpers shared by the parsers: tokens, negation and correction words, context look-arounds, bounds."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable, List, Sequence, Tuple

#: Exact parsing reads at most this many characters of a text: Telegram's own message limit, so a worker's
#: message is always read whole, while a longer text (a pasted document, a flood) costs no more than this.
PARSE_MAX_CHARS = 4096
#: Fuzzy matching (misspelt regencies and occupations, "did you mean" suggestions) reads at most this many
#: characters: it compares words against every lexicon entry, and what it is for (an answer to "di kabupaten
#: mana?", "kerjanya apa?") is short.
FUZZY_MAX_CHARS = 500
#: Words longer than this are not compared fuzzily (no regency or occupation name comes near it).
FUZZY_MAX_WORD = 30


def _lower_same_length(text: str) -> str:
    """Lower-case without changing the length, so offsets stay valid for the original text."""
    low = text.lower()
    if len(low) == len(text):  # no character became two ("İ" does): the fast path
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _norm_phrase(s: str) -> str:
    return re.sub(r"[\s\-_]+", " ", str(s).lower()).strip()


def _phrase_regex(phrase: str) -> str:
    """Regex for a lexicon phrase; spaces and hyphens are interchangeable or may be left out."""
    parts = [re.escape(p) for p in phrase.split(" ") if p]
    return r"[\s\-]*".join(parts)


def _lexicon_regex(aliases: Sequence[str]) -> re.Pattern:
    """Whole-word alternation of ``aliases`` (tried in the given order). The word-boundary checks stand outside
    the alternation, so a position inside a word is rejected once rather than once per alias (and, when every
    alias starts with a word character, so is a position that starts no word)."""
    head = r"(?<![\w])" + (r"(?=\w)" if all(re.match(r"\w", a) for a in aliases) else "")
    return re.compile(head + "(?:" + "|".join(_phrase_regex(a) for a in aliases) + r")(?![\w])")


_TOKEN_RE = re.compile(
    r"(?P<sd>s\.?\s?/\s?d\.?|s\.d\.?)"
    r"|(?P<plus>\+62\d+)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:2(?![\d.,])|'[^\W\d_]*)?)"  # "kira2", "rata2" are words (reduplication)
    r"|(?P<sym>[^\w\s])",
)


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    kind: str  # num | word | sym | sd | plus


def _tokens(low: str) -> List[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end(), m.lastgroup or "sym") for m in _TOKEN_RE.finditer(low)]


NEGATIONS = {"bukan", "bkn", "bukn", "bukanlah"}
CORRECTIONS = {"eh", "ehh", "maaf", "salah", "ralat", "maksudnya", "maksud", "koreksi", "tepatnya", "sorry", "sori",
               "mksdnya", "mksd", "maksudku", "eh,", "salahketik", "typo", "bukan", "bkn"}


def _choose(cands: List[Tuple[int, int, Any]], toks: List[_Tok], negated: Sequence[bool]) -> int | None:
    """Index of the candidate to keep: drop negated ones; after a correction word the last wins, else the first."""
    keep = [i for i, n in enumerate(negated) if not n]
    if not keep:
        return None
    first_start = cands[keep[0]][0]
    correction_after_first = any(t.kind == "word" and t.text in CORRECTIONS and t.start > first_start for t in toks)
    return keep[-1] if correction_after_first else keep[0]


def _preceded_by(toks: List[_Tok], idx: int, words: Iterable[str], window: int = 1) -> bool:
    words = set(words)
    j = idx - 1
    seen = 0
    stop = max(-1, idx - 1 - _walk_limit(window))
    while j > stop and seen < window:
        t = toks[j]
        if t.kind == "word":
            if t.text in words:
                return True
            seen += 1
        j -= 1
    return False


def _walk_limit(window: int) -> int:
    """Tokens a context search may pass for a window of ``window`` words (numbers and symbols count too), so
    the context of one number never walks through a whole message of numbers."""
    return 4 * window + 4


def _tok_index_at(toks: List[_Tok], pos: int) -> int:
    """Index of the first token starting at or after ``pos`` (tokens are in text order)."""
    return bisect.bisect_left(toks, pos, key=lambda t: t.start)
