"""Numbers written in digits or Indonesian number words ("1,5", "dua juta lima ratus")."""
from __future__ import annotations

import re
from typing import List

#: Number words read as one amount at most ("dua juta lima ratus tujuh puluh lima ribu" is 8).
_MAX_NUMBER_WORDS = 12


_DIGIT_WORDS = {"nol": 0, "kosong": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "ampat": 4, "lima": 5,
                "enam": 6, "anam": 6, "tujuh": 7, "delapan": 8, "lapan": 8, "sembilan": 9}
_SE_WORDS = {"sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 1_000_000, "sejutaan": 1_000_000,
             "setengah": 0.5, "separuh": 0.5}
_MONEY_WORDS = {"juta", "ribu", "jutaan", "ribuan", "sejuta", "sejutaan", "seribu", "koma", "setengah"}
_NUMBER_WORDS = set(_DIGIT_WORDS) - {"se", "kosong"} | set(_SE_WORDS) | {"belas", "puluh", "ratus", "ribu", "juta",
                                                                         "koma", "jutaan", "ribuan", "puluhan"}


def _digits_value(raw: str) -> float | None:
    """'2.500.000' → 2500000, '1,5' → 1.5, '2500000' → 2500000, '1.500' → 1500."""
    if re.fullmatch(r"\d+", raw):
        return float(int(raw))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw) or re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        return float(int(re.sub(r"[.,]", "", raw)))
    m = re.fullmatch(r"(\d+)[.,](\d{1,2})", raw)
    if m:
        return float(f"{m.group(1)}.{m.group(2)}")
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+),(\d{1,2})", raw)  # 2.500.000,00
    if m:
        return float(m.group(1).replace(".", ""))
    return None


def _words_value(words: List[str]) -> float | None:
    """Indonesian number words → value. 'dua juta lima ratus ribu' → 2500000; 'satu setengah' → 1.5."""
    total = 0.0
    current = 0.0
    last_mult = 1.0
    decimal: str | None = None
    any_number = False
    for w in words:
        if decimal is not None:
            if w in _DIGIT_WORDS:
                decimal += str(_DIGIT_WORDS[w])
                continue
            current = float(f"{int(current)}.{decimal or 0}")
            decimal = None
        if w in _DIGIT_WORDS and w != "se":
            current += _DIGIT_WORDS[w]
            any_number = True
        elif w in ("setengah", "separuh"):
            if current == 0 and total and last_mult > 1:
                total += 0.5 * last_mult  # "dua juta setengah"
            else:
                current += 0.5
            any_number = True
        elif w in _SE_WORDS:
            v = _SE_WORDS[w]
            if v >= 1_000_000:
                total += (current + 1) * v if current else v
                current, last_mult = 0.0, v
            elif v >= 1000:
                total += (current + 1) * v if current else v
                current, last_mult = 0.0, v
            else:
                current += v
            any_number = True
        elif w == "belas":
            current = (current or 1) + 10
        elif w in ("puluh", "puluhan"):
            current = (current or 1) * 10
        elif w == "ratus":
            current = (current or 1) * 100
        elif w in ("ribu", "ribuan"):
            total += (current or 1) * 1000
            current, last_mult = 0.0, 1000
        elif w in ("juta", "jutaan"):
            total += (current or 1) * 1_000_000
            current, last_mult = 0.0, 1_000_000
        elif w == "koma":
            decimal = ""
        else:
            return None
    if decimal:
        current = float(f"{int(current)}.{decimal}")
    return total + current if any_number else None
