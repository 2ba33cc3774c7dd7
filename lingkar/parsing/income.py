"""Monthly income in rupiah from informal chat ("gaji sy 1,5jt sebulan", "100rb sehari")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from lingkar.parsing.numbers import _DIGIT_WORDS, _MAX_NUMBER_WORDS, _NUMBER_WORDS, _digits_value, _words_value
from lingkar.parsing.tokens import (
    NEGATIONS,
    PARSE_MAX_CHARS,
    _choose,
    _lower_same_length,
    _preceded_by,
    _Tok,
    _tok_index_at,
    _tokens,
    _walk_limit,
)
from lingkar.parsing.vocabulary import (
    _AGE_UNITS,
    _AGE_WORDS,
    _COST_WORDS,
    _INCOME_WORDS,
    _JUTA_UNITS,
    _NOT_MONEY_UNITS,
    _RIBU_UNITS,
)

#: A daily income is turned into a monthly one with this many working days (6 days a week).
DAYS_PER_MONTH = 26
#: A weekly income is turned into a monthly one with this many weeks.
WEEKS_PER_MONTH = 4
_RANGE_WORDS = {"sampai", "sampe", "smp", "smpe", "hingga", "ke", "atau", "ato", "atw", "sd", "dan", "sama"}
_RANGE_SYMS = {"-", "–", "—", "~", "/"}
_FILLER_WORDS = {"saya", "sy", "aku", "ku", "gue", "gw", "kami", "sebulan", "perbulan", "per", "bulan", "bln",
                 "tiap", "setiap", "kira", "kira2", "kira-kira", "sekitar", "sktr", "skitar", "kurang", "lebih",
                 "rata", "rata2", "rata-rata", "cuma", "cuman", "hanya", "cma", "paling", "palingan", "kadang",
                 "kadang2", "bisa", "biasanya", "ya", "itu", "ini", "skrg", "sekarang", "mungkin", "mgkn", "di",
                 "antara", "dr", "dari", "kisaran", "range", "an", "kurleb", "kl", "klo", "kalau", "kalo", "juga",
                 "jg", "mi", "ji", "ki", "ada", "sih", "pak", "bu", "kak", "min", "tidak", "tentu", "nentu", "ga",
                 "gak", "tdk", "aja", "saja", "sebesar", "yaitu", "adalah", "kotor", "bersih",
                 "sehari", "seminggu", "setahun", "hari", "minggu", "tahun", "perhari", "perminggu", "pertahun",
                 "harian", "mingguan", "bulanan", "nya", "dapat", "dapet", "dpt", "rp", "rp."}
_PERIOD_WORDS = {
    "day": {"sehari", "perhari", "harian", "hari", "/hari", "hr", "sehari-hari", "shari"},
    "week": {"seminggu", "perminggu", "mingguan", "minggu", "mgg", "smg", "sminggu"},
    "month": {"sebulan", "perbulan", "bulanan", "bulan", "bln", "sbln", "sebln", "tiap bulan"},
    "year": {"setahun", "pertahun", "tahunan", "thn", "tahun"},
}
_PERIOD_FACTOR = {"day": DAYS_PER_MONTH, "week": WEEKS_PER_MONTH, "month": 1, "year": 1 / 12}


@dataclass
class IncomeParse:
    """A monthly income read from text. ``value`` is what the form uses (midpoint of a range)."""

    value: int
    low: int
    high: int
    period: str  # month | day | week | year: the period the worker wrote; value is always per month
    start: int
    end: int
    is_range: bool = False
    approximate: bool = False


@dataclass
class _Amount:
    value: float
    start: int
    end: int
    i0: int
    i1: int  # token index after the amount
    has_unit: bool
    has_rp: bool
    approx: bool = False
    unit_mult: float = 1.0
    words: bool = False


def _is_phone_like(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    return len(digits) >= 10 and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw)


def _read_amount(toks: List[_Tok], i: int) -> _Amount | None:
    """Read one money amount starting at token i: [rp] number [unit] [more ...]."""
    n = len(toks)
    start_i = i
    has_rp = False
    if i < n and toks[i].kind == "word" and toks[i].text in ("rp", "idr", "rupiah"):
        has_rp = True
        i += 1
        if i < n and toks[i].text == ".":
            i += 1
    if i >= n:
        return None
    words_mode = False
    if toks[i].kind == "num":
        raw = toks[i].text
        if _is_phone_like(raw):
            return None
        base = _digits_value(raw)
        if base is None:
            return None
        i += 1
    elif toks[i].kind == "word" and toks[i].text in _NUMBER_WORDS:
        j = i
        ws = []
        while (j < n and len(ws) < _MAX_NUMBER_WORDS and toks[j].kind == "word"
               and (toks[j].text in _NUMBER_WORDS or toks[j].text in _DIGIT_WORDS)):
            ws.append(toks[j].text)
            j += 1
        # only number words, and not a lone word that is also common prose ("se", "koma")
        val = _words_value(ws)
        if val is None:
            return None
        base = val
        i = j
        words_mode = True
    else:
        return None
    value = base
    has_unit = False
    approx = False
    unit_mult = 1.0
    if words_mode:
        if any(w in ("juta", "jutaan", "ribu", "ribuan", "sejuta", "sejutaan", "seribu") for w in ws):
            has_unit = True
            unit_mult = 1_000_000 if any(w in ("juta", "jutaan", "sejuta", "sejutaan") for w in ws) else 1000
            approx = any(w.endswith("an") and w in ("jutaan", "ribuan") for w in ws)
        # a trailing unit in digits-style after number words: "dua jt"
        if i < n and toks[i].kind == "word" and (toks[i].text in _JUTA_UNITS or toks[i].text in _RIBU_UNITS):
            mult = 1_000_000 if toks[i].text in _JUTA_UNITS else 1000
            value = base * mult
            has_unit, unit_mult = True, mult
            i += 1
    elif i < n and toks[i].kind == "word":
        u = toks[i].text
        if u in _JUTA_UNITS or u in _RIBU_UNITS:
            unit_mult = 1_000_000 if u in _JUTA_UNITS else 1000
            value = base * unit_mult
            has_unit = True
            approx = u.endswith("an")
            i += 1
            if i < n and toks[i].kind == "word" and toks[i].text == "an":
                approx = True
                i += 1
    # "2 juta setengah", "2 jt 500", "2jt 500rb", "2 juta lima ratus ribu"
    if has_unit and unit_mult == 1_000_000 and i < n:
        if toks[i].kind == "word" and toks[i].text in ("setengah", "separuh"):
            value += 500_000
            i += 1
        elif toks[i].kind == "num" and re.fullmatch(r"\d{1,3}", toks[i].text):
            extra = int(toks[i].text)
            k = i + 1
            if k < n and toks[k].kind == "word" and toks[k].text in _RIBU_UNITS:
                value += extra * 1000
                i = k + 1
            elif not (k < n and toks[k].kind == "word" and (toks[k].text in _JUTA_UNITS or toks[k].text in _AGE_UNITS)):
                value += extra * 1000
                i = k
        elif toks[i].kind == "word" and toks[i].text in _NUMBER_WORDS and toks[i].text not in ("koma",):
            j = i
            ws2 = []
            while j < n and len(ws2) < _MAX_NUMBER_WORDS and toks[j].kind == "word" and toks[j].text in _NUMBER_WORDS:
                ws2.append(toks[j].text)
                j += 1
            extra = _words_value(ws2)
            if extra is not None and extra < 1_000_000:
                value += extra if extra >= 1000 else extra * 1000
                i = j
    return _Amount(value=value, start=toks[start_i].start, end=toks[i - 1].end, i0=start_i, i1=i,
                   has_unit=has_unit, has_rp=has_rp, approx=approx, unit_mult=unit_mult, words=words_mode)


def _context_kind(toks: List[_Tok], i: int, window: int = 5) -> str | None:
    """'income' or 'cost' when the nearest keyword before token i (within `window` words) is one, else None."""
    j = i - 1
    seen = 0
    stop = max(-1, i - 1 - _walk_limit(window))
    while j > stop and seen < window:
        t = toks[j]
        if t.kind == "word":
            if t.text in _COST_WORDS:
                return "cost"
            if t.text in _INCOME_WORDS:
                return "income"
            if t.text in _AGE_WORDS:
                return "age"
            seen += 1
        j -= 1
    return None


#: Words of receiving, which also say income ("dapat 2 juta sebulan"); asked about as a yes/no question ("jd sy dapat
#: 42 juta kah?", "masih dapat ji kah 42 juta itu?") the amount is a benefit, never the worker's income.
_RECEIVE_WORDS = {"dapat", "dapet", "dpt", "dpat", "terima", "nerima", "diterima", "cair", "dapatnya", "dptnya"}
_ASKED_AFTER = {"kah", "itu", "tuh", "toh", "ya", "yah", "kan"}


def _received_and_asked(toks: List[_Tok], i0: int, i1: int) -> bool:
    """The amount (tokens i0..i1) follows a word of receiving and is asked about: "kah" between them, or a question
    mark or particle right after it, and no period word ("sebulan") that would make it an income."""
    j, seen, asked = i0 - 1, 0, False
    while j >= 0 and seen < 4:
        t = toks[j]
        if t.kind == "word":
            if t.text in _RECEIVE_WORDS:
                break
            if t.text in _INCOME_WORDS or t.text in _COST_WORDS:
                return False
            asked = asked or t.text == "kah" or t.text.endswith("kah")
            seen += 1
        j -= 1
    else:
        return False
    if j < 0 or seen >= 4:
        return False
    for t in toks[i1:i1 + 3]:
        if t.kind == "word" and any(t.text in words for words in _PERIOD_WORDS.values()):
            return False
        if t.text == "?" or (t.kind == "word" and (t.text in _ASKED_AFTER or t.text.endswith("kah"))):
            asked = True
    return asked


#: The nouns that open an income phrase ("gaji 2,5 juta"): a period word before them belongs to something else.
_INCOME_NOUNS = frozenset({"gaji", "gajih", "gajinya", "gj", "upah", "upahnya", "penghasilan", "penghasilannya",
                           "pendapatan", "pendapatannya", "honor", "honornya"})


def _period_near(toks: List[_Tok], i0: int, i1: int) -> str:
    """The period word nearest to the amount (tokens i0..i1), within 3 words either side; default month."""
    best: Tuple[int, str] = (99, "month")
    for direction in (1, -1):
        j = i1 if direction == 1 else i0 - 1
        seen = steps = 0
        while 0 <= j < len(toks) and seen < 3 and steps < _walk_limit(3):
            steps += 1
            t = toks[j]
            if t.kind == "sym" and t.text == "/" and j + 1 < len(toks):
                nxt = toks[j + 1].text
                for period, words in _PERIOD_WORDS.items():
                    if nxt in words:
                        return period
            if t.kind == "word":
                seen += 1
                if direction == -1 and t.text in _INCOME_NOUNS:
                    break  # "kontrak 1 tahun, gaji 2,5 juta": a period before "gaji" is the contract's, not the wage's
                for period, words in _PERIOD_WORDS.items():
                    if t.text in words and seen < best[0]:
                        # "per" before "hari" etc. is handled since both are words
                        if period == "year" and t.text in ("thn", "tahun"):
                            prev = toks[j - 1].text if j > 0 else ""
                            if prev not in ("per", "se", "tiap", "setiap", "/", "dalam", "satu", "1"):
                                continue  # "kerja 10 tahun gaji 3 jt" is not a yearly income
                        if period in ("day", "week", "month") and t.text in ("hari", "minggu", "bulan", "bln", "hr",
                                                                            "mgg"):
                            prev = toks[j - 1].text if j > 0 else ""
                            if prev not in ("per", "se", "tiap", "setiap", "/", "dalam", "satu", "1"):
                                continue
                        best = (seen, period)
            j += direction
    return best[1]


def _income_candidates(text: str) -> List[IncomeParse]:
    low = _lower_same_length(text)
    toks = _tokens(low)
    out: List[IncomeParse] = []
    i = 0
    n = len(toks)
    while i < n:
        amt = _read_amount(toks, i)
        if amt is None:
            i += 1
            continue
        ctx = _context_kind(toks, amt.i0)
        nxt = toks[amt.i1] if amt.i1 < n else None
        # age, percent, count, durations are not money
        if nxt is not None and not amt.has_unit and not amt.has_rp and (
                (nxt.kind == "word" and (nxt.text in _AGE_UNITS or nxt.text in _NOT_MONEY_UNITS)) or nxt.text == "%"):
            i = amt.i1
            continue
        # a range: amount SEP amount
        low_amt, high_amt = amt, None
        j = amt.i1
        if j < n and ((toks[j].kind == "sym" and toks[j].text in _RANGE_SYMS) or toks[j].kind == "sd"
                      or (toks[j].kind == "word" and toks[j].text in _RANGE_WORDS)):
            second = _read_amount(toks, j + 1)
            if second is not None and (second.has_unit or second.has_rp or second.value >= 10_000):
                high_amt = second
        if high_amt is not None:
            lo, hi = low_amt.value, high_amt.value
            if not low_amt.has_unit and high_amt.has_unit and lo < 1000:
                lo = lo * high_amt.unit_mult
            if lo > hi:
                lo, hi = hi, lo
            money = True
            end_i = high_amt.i1
        else:
            lo = hi = amt.value
            money = amt.has_unit or amt.has_rp or (amt.value >= 100_000 and not amt.words
                                                   and not re.fullmatch(r"(19|20)\d\d", toks[amt.i0].text))
            end_i = amt.i1
        if ctx == "cost" or (ctx == "income" and _received_and_asked(toks, amt.i0, end_i)):
            i = end_i
            continue
        if not money:
            if ctx == "income" and not amt.words or (ctx == "income" and amt.words and amt.value >= 1):
                v = amt.value
                if v < 100:
                    mult = 1_000_000
                elif v < 10_000:
                    mult = 1000
                else:
                    mult = 1
                lo, hi = lo * mult, hi * mult
            else:
                i = end_i
                continue
        if lo < 1000:  # "2 rb"? keep; "5" alone never reaches here
            pass
        period = _period_near(toks, amt.i0, end_i)
        factor = _PERIOD_FACTOR[period]
        lo_m, hi_m = int(round(lo * factor)), int(round(hi * factor))
        out.append(IncomeParse(value=int(round((lo_m + hi_m) / 2)), low=lo_m, high=hi_m, period=period,
                               start=toks[amt.i0].start, end=toks[end_i - 1].end, is_range=high_amt is not None,
                               approximate=amt.approx or period != "month"))
        i = end_i
    return out


def parse_income_detail(text: str) -> IncomeParse | None:
    """The worker's monthly income in ``text`` with its bounds, period and span, or None."""
    if not text:
        return None
    text = text[:PARSE_MAX_CHARS]
    cands = _income_candidates(text)
    if not cands:
        return None
    low = _lower_same_length(text)
    toks = _tokens(low)
    negated = []
    for c in cands:
        k = _tok_index_at(toks, c.start)
        negated.append(_preceded_by(toks, k, NEGATIONS, window=2))
    idx = _choose([(c.start, c.end, c) for c in cands], toks, negated)
    return cands[idx] if idx is not None else None


def parse_income(text: str) -> int | None:
    """Monthly income in rupiah from text ("1,5jt" → 1500000; range → midpoint), or None."""
    p = parse_income_detail(text)
    return p.value if p else None
