"""Parsing of the worker's own facts from informal Indonesian chat: age, monthly income, regency, occupation.

One module per thing parsed -- :mod:`.income`, :mod:`.ages`, :mod:`.regency`, :mod:`.occupation`, and
:mod:`.extract` for all at once -- over shared helpers (:mod:`.tokens`, :mod:`.numbers`, :mod:`.vocabulary`,
:mod:`.lexicons`, :mod:`.matching`). This package re-exports their public names: import from ``lingkar.parsing``.

Pure Python (no Rasa imports). The NLU entity extractor (nlu/components/entities.py) and the action server's
form validation call the same functions, so a value means the same thing wherever it is read::

    from lingkar import parsing
    parsing.parse_income("gaji sy 1,5jt sebulan")          # -> 1500000
    parsing.parse_income_detail("100rb sehari").period      # -> "day"  (value 2600000, see DAYS_PER_MONTH)
    parsing.parse_age("umur 35 gaji 2 juta")                # -> 35
    parsing.parse_age("35", bare_ok=True)                   # -> 35   (an answer to "umurnya berapa?")
    parsing.match_regency("sy di konsel")                   # -> "Kabupaten Konawe Selatan"
    parsing.suggest_regencies("kendri")                     # -> ["Kota Kendari", ...]
    parsing.match_occupation("kerja ojol").category         # -> "BPU" (.transport True)
    parsing.extract_all("sy nelayan umur 35 di kolut")      # -> [{"entity": "occupation", "value": "nelayan", ...}]
    parsing.find_regency("di konsel").start                 # -> 3   (LexiconMatch: key, start, end, text)

Rules (documented here and in docs/nlu-pipeline.md):

* Income is rupiah **per month**. Forms: ``1,5jt``, ``1.5 jt``, ``2 juta``, ``2jt 500rb``, ``2 juta 500``,
  ``Rp 2.500.000``, ``2500000``, ``800rb``, ``800k``, ``dua juta``, ``satu setengah juta``, ``sejuta``.
  A **range** ("1-2 juta", "antara 1,5 sampai 2 jt") gives its **midpoint** (1.500.000); the bounds are kept in
  :class:`IncomeParse`. A daily amount ("100rb sehari") is multiplied by :data:`DAYS_PER_MONTH` (26 working
  days), a weekly one by :data:`WEEKS_PER_MONTH` (4), a yearly one divided by 12; the form should confirm such a
  converted figure with the worker. A bare number counts as income only after an income word (gaji,
  penghasilan, pendapatan, hasil, dapat ...): below 100 it is read as juta ("gaji 2" → 2.000.000, "gaji 1,5" →
  1.500.000), 100–9.999 as ribu ("penghasilan 800" → 800.000). An amount right after a cost word (iuran, bayar,
  saldo, santunan, harga ...) is not the worker's income. Phone numbers, NIKs and years are never income.
* Age is whole years. "umur 35", "usia 40an" (→ 40), "35 thn", "kepala 4" (→ 40), "lahir 1988" (→ age today).
  "kerja 10 tahun", "sudah 5 tahun jadi peserta" are durations, not ages. A bare "35" is accepted only with
  ``bare_ok=True`` (the form asked for the age).
* Corrections: a value after "bukan" is dropped ("umur 36 bukan 35" → 36); after a correction word ("eh", "maaf",
  "salah", "ralat", "maksudnya", "koreksi") the last value wins ("umur 35 eh 36" → 36); otherwise the first.
* Bounded work: exact parsing reads the first :data:`PARSE_MAX_CHARS` characters (4096, Telegram's message limit,
  so a worker's message is read whole) in time linear in that prefix (every look-around for a context word stops
  after a few tokens, see :func:`_walk_limit`); fuzzy matching reads the first :data:`FUZZY_MAX_CHARS` (500) and
  compares each distinct word once. A 10 000-character or pathological message costs what its prefix costs
  (tests/nlu_components/test_parsing_bounds.py counts the lines executed), well under 0.1 s, so the callers may
  run it on their event loop (the action server's form validation, the Rasa entity extractor, the adapter plugins).
"""
from __future__ import annotations

from lingkar.parsing.ages import AgeParse, parse_age, parse_age_detail
from lingkar.parsing.extract import extract_all
from lingkar.parsing.income import DAYS_PER_MONTH, WEEKS_PER_MONTH, IncomeParse, parse_income, parse_income_detail
from lingkar.parsing.lexicons import (
    CATEGORIES,
    Occupation,
    Regency,
    get_occupation,
    occupations,
    regencies,
    regency_names,
)
from lingkar.parsing.matching import LexiconMatch
from lingkar.parsing.occupation import find_occupation, match_occupation
from lingkar.parsing.regency import find_regency, match_regency, suggest_regencies
from lingkar.parsing.tokens import CORRECTIONS, FUZZY_MAX_CHARS, FUZZY_MAX_WORD, NEGATIONS, PARSE_MAX_CHARS

__all__ = ["PARSE_MAX_CHARS", "FUZZY_MAX_CHARS", "FUZZY_MAX_WORD", "NEGATIONS", "CORRECTIONS", "Occupation", "Regency",
           "CATEGORIES", "occupations", "regencies", "regency_names", "get_occupation", "DAYS_PER_MONTH",
           "WEEKS_PER_MONTH", "IncomeParse", "parse_income_detail", "parse_income", "AgeParse", "parse_age_detail",
           "parse_age", "LexiconMatch", "find_regency", "match_regency", "suggest_regencies", "find_occupation",
           "match_occupation", "extract_all"]
