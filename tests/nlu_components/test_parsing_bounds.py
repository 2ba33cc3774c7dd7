"""A long or pathological message costs the parsers a bounded amount of work.

Work is counted, not timed: :class:`OpCounter` counts the Python lines executed in lingkar/parsing/ and in
difflib (the fuzzy matcher), so the tests mean the same on a loaded machine. A message of 10 000 characters
must cost exactly what a message of 100 000 characters with the same beginning costs (only a prefix is read),
and within that prefix work grows linearly.
"""
from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Callable, Dict

import pytest

from lingkar import parsing as P

FILES = {str(f) for f in Path(P.__file__).parent.glob("*.py")} | {difflib.__file__}
BUDGET = 600_000     # lines; a real message of a few lines costs a few thousand, the worst 10 000 characters ~360 000


class OverBudget(Exception):
    pass


class OpCounter:
    """Counts executed lines of lingkar/parsing/ and difflib; raises OverBudget past ``budget``."""

    def __init__(self, budget: int = BUDGET):
        self.budget, self.n = budget, 0

    def _call(self, frame, event, arg):
        return self._line if frame.f_code.co_filename in FILES else None

    def _line(self, frame, event, arg):
        if event == "line":
            self.n += 1
            if self.n > self.budget:
                raise OverBudget(f"more than {self.budget} lines")
        return self._line

    def run(self, fn: Callable, *args, **kwargs) -> int:
        self.n = 0
        sys.settrace(self._call)
        try:
            fn(*args, **kwargs)
        finally:
            sys.settrace(None)
        return self.n


def ops(fn: Callable, text: str) -> int:
    fn("umur 35 di kendari")     # lexicons loaded and cached before counting
    return OpCounter().run(fn, text)


PARSERS: Dict[str, Callable[[str], object]] = {
    "extract_all": P.extract_all,
    "regency_fuzzy": lambda t: P.match_regency(t, fuzzy=True),
    "occupation_fuzzy": lambda t: P.match_occupation(t, fuzzy=True),
    "suggest_regencies": P.suggest_regencies,
    "age_bare": lambda t: P.parse_age(t, bare_ok=True),
    "income": P.parse_income,
}

UNITS = {
    "prose": "sy nelayan umur 35 thn gaji 1,5jt sebulan di konsel, mau daftar bpjs tk gmn caranya? ",
    "numbers": "1 ",
    "number_words": "se ",
    "digit_words": "satu dua ",
    "money": "gaji 2 juta - 3 juta ",
    "regencies": "kendari konsel ",
    "misspelt": "kendarix neleyan pedagng ",
    "one_word": "a",
    "long_word": "kendari",
    "age_words": "umur ",
    "birth": "lahir tahun ",
    "corrections": "umur 35 eh 36 bukan ",
    "symbols": "- ",
    "emoji": "😀 ",
}


def long_text(name: str, length: int) -> str:
    unit = UNITS[name]
    return (unit * (length // len(unit) + 1))[:length]


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("name", sorted(UNITS))
def test_a_long_message_costs_no_more_than_its_prefix(name, parser):
    fn = PARSERS[parser]
    ten_k = ops(fn, long_text(name, 10_000))
    assert ten_k <= BUDGET
    assert ops(fn, long_text(name, 100_000)) == ten_k          # bounded: the rest of the message is not read


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("name", sorted(UNITS))
def test_work_grows_linearly_within_the_prefix(name, parser):
    fn = PARSERS[parser]
    small, double = ops(fn, long_text(name, 800)), ops(fn, long_text(name, 1600))
    assert double <= 2.3 * small + 2_000, (small, double)


def test_fuzzy_matching_reads_only_a_prefix():
    assert P.FUZZY_MAX_CHARS == 500 and P.PARSE_MAX_CHARS >= 4096   # documented in lingkar/parsing/
    filler = "saya mau tanya soal iuran "
    near = filler * ((P.FUZZY_MAX_CHARS - 20) // len(filler))
    far = filler * (P.FUZZY_MAX_CHARS // len(filler) + 1)
    assert P.match_regency(near + "kendri", fuzzy=True) == "Kota Kendari"
    assert P.match_regency(far + "kendri", fuzzy=True) is None
    assert P.match_regency(far + "kendari", fuzzy=True) == "Kota Kendari"            # exact matching reads on
    assert P.match_occupation(near + "neleyan", fuzzy=True).key == "nelayan"
    assert P.match_occupation(far + "neleyan", fuzzy=True) is None
    assert P.suggest_regencies(far + "kendri") == P.suggest_regencies(far)          # the word is not read
    assert "Kota Kendari" in P.suggest_regencies(near + "kendri")


def test_exact_parsing_reads_a_telegram_message_whole_and_no_more():
    filler = "saya mau tanya soal iuran "
    whole = filler * ((4096 - 40) // len(filler)) + "umur 35 di kendari"
    assert len(whole) <= 4096
    ents = {e["entity"]: e["value"] for e in P.extract_all(whole)}
    assert ents == {"age": 35, "regency": "Kota Kendari"}
    beyond = filler * (P.PARSE_MAX_CHARS // len(filler) + 1) + "umur 35 di kendari"
    assert P.extract_all(beyond) == []
