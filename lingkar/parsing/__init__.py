"""Parsing of the worker's own facts from informal Indonesian chat: age, monthly income, regency, occupation.

Pure Python (no Rasa imports). The NLU entity extractor (rasa_plugins/nlu/entities.py) and the action server's
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

import bisect
import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Tuple

import yaml

from lingkar import config

#: A daily income is turned into a monthly one with this many working days (6 days a week).
DAYS_PER_MONTH = 26
#: A weekly income is turned into a monthly one with this many weeks.
WEEKS_PER_MONTH = 4

#: Exact parsing reads at most this many characters of a text: Telegram's own message limit, so a worker's
#: message is always read whole, while a longer text (a pasted document, a flood) costs no more than this.
PARSE_MAX_CHARS = 4096
#: Fuzzy matching (misspelt regencies and occupations, "did you mean" suggestions) reads at most this many
#: characters: it compares words against every lexicon entry, and what it is for (an answer to "di kabupaten
#: mana?", "kerjanya apa?") is short.
FUZZY_MAX_CHARS = 500
#: Words longer than this are not compared fuzzily (no regency or occupation name comes near it).
FUZZY_MAX_WORD = 30
#: Number words read as one amount at most ("dua juta lima ratus tujuh puluh lima ribu" is 8).
_MAX_NUMBER_WORDS = 12

# --------------------------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupation:
    key: str
    label: str
    category: str  # PU | BPU | JAKON | PMI
    transport: bool
    sector: str
    aliases: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Regency:
    name: str
    kind: str  # kota | kabupaten
    aliases: Tuple[str, ...]
    towns: Tuple[str, ...]


CATEGORIES = ("PU", "BPU", "JAKON", "PMI")


def _content_dir(content_dir: Path | None = None) -> Path:
    return Path(content_dir) if content_dir else config.CONTENT_DIR


@functools.lru_cache(maxsize=8)
def _load_occupations(path: str) -> Dict[str, Occupation]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: Dict[str, Occupation] = {}
    for key, spec in (data.get("occupations") or {}).items():
        category = spec.get("category")
        if category not in CATEGORIES:
            raise ValueError(f"{path}: occupation {key}: category must be one of {CATEGORIES}, not {category!r}")
        aliases = tuple(_norm_phrase(a) for a in spec.get("aliases") or [])
        out[key] = Occupation(key=key, label=spec.get("label", key), category=category,
                              transport=bool(spec.get("transport", False)), sector=spec.get("sector", "lainnya"),
                              aliases=aliases)
    return out


@functools.lru_cache(maxsize=8)
def _load_regencies(path: str) -> Tuple[Regency, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = []
    for spec in data.get("regencies") or []:
        out.append(Regency(name=spec["name"], kind=spec.get("kind", "kabupaten"),
                           aliases=tuple(_norm_phrase(a) for a in spec.get("aliases") or []),
                           towns=tuple(_norm_phrase(a) for a in spec.get("towns") or [])))
    return tuple(out)


def occupations(content_dir: Path | None = None) -> Dict[str, Occupation]:
    """All occupations of content/occupations.yml by key."""
    return _load_occupations(str(_content_dir(content_dir) / "occupations.yml"))


def regencies(content_dir: Path | None = None) -> Tuple[Regency, ...]:
    """The 17 regencies/cities of content/regions.yml."""
    return _load_regencies(str(_content_dir(content_dir) / "regions.yml"))


def regency_names(content_dir: Path | None = None) -> List[str]:
    return [r.name for r in regencies(content_dir)]


def get_occupation(key: str, content_dir: Path | None = None) -> Occupation | None:
    return occupations(content_dir).get(key)


# --------------------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------------
# Numbers (digits and Indonesian number words)
# --------------------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------------------
# Income
# --------------------------------------------------------------------------------------------------------------

_JUTA_UNITS = {"jt", "juta", "jta", "jutaan", "jtaan", "jtan", "jut", "jeti", "juts"}
_RIBU_UNITS = {"rb", "ribu", "rbu", "ribuan", "rban", "rbuan", "k", "rebu", "ewu", "ribu'an"}
_RANGE_WORDS = {"sampai", "sampe", "smp", "smpe", "hingga", "ke", "atau", "ato", "atw", "sd", "dan", "sama"}
_RANGE_SYMS = {"-", "–", "—", "~", "/"}
_INCOME_WORDS = {"gaji", "gajih", "gaj", "gj", "gajian", "penghasilan", "penghasilannya", "pnghasilan", "penghasilan2",
                 "pendapatan", "pendptan", "pndapatan", "income", "hasil", "hasilnya", "untung", "keuntungan",
                 "omset", "omzet", "upah", "upahnya", "gajinya", "pemasukan", "dapat", "dapet", "dpt", "dpat",
                 "berpenghasilan", "bergaji", "digaji", "dibayar", "terima", "nerima", "menghasilkan", "cuan",
                 "pendapatannya", "pengasilan", "penghasilanku", "gajiku", "pnghasiln", "penghasiln"}
_COST_WORDS = {"iuran", "iurannya", "iuranya", "bayar", "bayarnya", "byr", "biaya", "biayanya", "premi", "harga",
               "saldo", "saldonya", "santunan", "santunannya", "klaim", "beasiswa", "pinjam", "pinjaman", "utang",
               "hutang", "cicilan", "tabungan", "modal", "denda", "diskon", "potongan", "dipotong", "bantuan", "bsu",
               "blt", "subsidi", "jht", "jkk", "jkm", "jp", "jkp", "pensiun", "manfaat", "tunggakan", "nunggak",
               "ganti", "tagihan", "kredit", "setor", "setoran", "transfer", "bonus", "komisi", "fee", "kontrak",
               "proyek", "nilai", "anggaran", "donasi", "sumbangan", "csr", "uang", "maksimal", "minimal", "cair",
               "dibayarkan", "ditanggung", "kirim", "rugi"}
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
        if ctx == "cost":
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


# --------------------------------------------------------------------------------------------------------------
# Age
# --------------------------------------------------------------------------------------------------------------

_AGE_WORDS = {"umur", "umr", "usia", "usiaku", "umurku", "umurnya", "usianya", "umurx", "umurq", "umurny", "umur2",
              "berumur", "berusia", "usiaa", "umurr", "age"}
_AGE_UNITS = {"thn", "tahun", "th", "taun", "thun", "tahunan", "thnan", "years", "yo", "y.o", "yrs", "tahunn",
              "thnn", "tn"}
_NOT_MONEY_UNITS = {"bulan", "bln", "hari", "hr", "minggu", "orang", "org", "kali", "x", "anak", "persen", "jam",
                    "kg", "km", "meter", "ekor", "buah", "hektar", "ha", "cm", "menit", "detik", "lembar", "unit",
                    "pekerja", "karyawan", "tenaga", "kepala", "jiwa", "bh", "pcs", "lantai", "desa", "kk", "digit",
                    "angka", "nomor", "no", "tanggal", "tgl", "juni", "juli", "mei", "april", "maret", "agustus",
                    "september", "oktober", "november", "desember", "januari", "februari", "pagi", "siang", "sore",
                    "malam", "wita", "wib"}
# words that make "N tahun" a duration or a year count, not an age
_DURATION_BEFORE = {"selama", "sejak", "kerja", "bekerja", "masa", "lama", "iuran", "bayar", "membayar", "nunggak",
                    "menunggak", "kurang", "dalam", "per", "tiap", "setiap", "minimal", "min", "minimum",
                    "maksimal", "max", "maks", "paling", "ke", "kontrak", "peserta", "jadi", "menjadi", "ikut",
                    "terdaftar", "aktif", "tunggu", "menunggu", "setelah", "stlh", "sesudah", "sebelum", "tinggal",
                    "lalu", "usaha", "dagang", "jualan", "melaut", "bertani", "kepesertaan", "nikah", "menikah",
                    "anak", "anaknya", "adik", "istri", "suami", "cucu", "ayah", "mama", "papa", "ortu", "orang",
                    "tua", "pensiun", "beasiswa", "sekolah", "kuliah", "sampai", "sampe", "hingga", "umur", "usia"}
_DURATION_AFTER = {"lalu", "yg", "yang", "silam", "lagi", "kerja", "bekerja", "jadi", "menjadi", "ikut", "terdaftar",
                   "masa", "iuran", "kepesertaan", "nunggak", "menunggak", "belakangan", "terakhir", "ini", "depan",
                   "kedepan", "kemudian", "berturut", "berturut-turut", "dagang", "jualan", "melaut", "bertani",
                   "usaha", "bayar", "lamanya", "tinggal", "kontrak", "sebagai", "sdh", "sudah"}
_AGE_FILLERS = {"saya", "sy", "aku", "ak", "gue", "gw", "sya", "ku", "skrg", "sekarang", "skrng", "sudah", "udah",
                "sdh", "udh", "dah", "baru", "masih", "msh", "kurang", "lebih", "sekitar", "sktr", "kira", "kira2",
                "kira-kira", "hampir", "mau", "mo", "jalan", "tahun", "thn", "ini", "ya", "pak", "bu", "kak", "min",
                "ji", "mi", "ki", "itu", "sih", "kan", "tuh", "nih", "yg", "yang", "pas", "tepat", "genap", "menuju",
                "menjelang", "otw", "kepala", "adalah", "ialah", "yaitu", "nya", "kalau", "klo", "kalo",
                "kl", "nanti", "depan", "istri", "suami", "bapak", "ibu"}
_BIRTH_WORDS = {"lahir", "kelahiran", "lhr", "lair", "born", "thn lahir", "tahun lahir", "tl", "ttl"}
_RELATIVES = {"anak", "anaknya", "anakku", "adik", "adek", "istri", "istriku", "suami", "suamiku", "cucu", "ayah",
              "ibu", "bapak", "mama", "papa", "ortu", "mertua", "kakak", "kakek", "nenek", "ponakan", "keponakan",
              "orang", "tua", "almarhum", "alm", "peserta", "pensiun", "pensiunnya"}


def _today() -> dt.date:
    try:
        from lingkar import clock
        return clock.today()
    except Exception:  # pragma: no cover - clock needs zoneinfo data, which Python 3.10 has
        return dt.date.today()


def _read_number(toks: List[_Tok], i: int) -> Tuple[float, int, bool] | None:
    """A plain number (digits or number words) at token i → (value, next index, was_words)."""
    if i >= len(toks):
        return None
    t = toks[i]
    if t.kind == "num":
        v = _digits_value(t.text)
        return (v, i + 1, False) if v is not None else None
    if t.kind == "word" and (t.text in _DIGIT_WORDS and t.text != "se" or t.text in _NUMBER_WORDS):
        j = i
        ws = []
        while j < len(toks) and len(ws) < _MAX_NUMBER_WORDS and toks[j].kind == "word" and (
                toks[j].text in _NUMBER_WORDS or toks[j].text in _DIGIT_WORDS and toks[j].text != "se"):
            if toks[j].text in ("juta", "jutaan", "ribu", "ribuan", "koma", "setengah", "seribu", "sejuta", "sejutaan"):
                break
            ws.append(toks[j].text)
            j += 1
        if not ws:
            return None
        v = _words_value(ws)
        return (v, j, True) if v is not None else None
    return None


@dataclass
class AgeParse:
    value: int
    start: int
    end: int
    approximate: bool = False
    source: str = "keyword"  # keyword | unit | birth | bare


def _age_candidates(text: str, bare_ok: bool, today: dt.date | None) -> List[AgeParse]:
    low = _lower_same_length(text)
    toks = _tokens(low)
    n = len(toks)
    out: List[AgeParse] = []
    used: set = set()

    def _after(i: int) -> Tuple[bool, int]:
        """Skip '-an' / 'an' and a unit after a number; returns (approx, next index)."""
        approx = False
        j = i
        if j < n and toks[j].text == "-" and j + 1 < n and toks[j + 1].text == "an":
            return True, j + 2
        if j < n and toks[j].kind == "word" and toks[j].text in ("an", "an'", "ann", "-an", "ansan"):
            approx, j = True, j + 1
        if j < n and toks[j].kind == "word" and toks[j].text in _AGE_UNITS:
            j += 1
        if j < n and toks[j].kind == "word" and toks[j].text == "an":
            approx, j = True, j + 1
        return approx, j

    def _money_after(j: int) -> bool:
        return j < n and toks[j].kind == "word" and (toks[j].text in _JUTA_UNITS or toks[j].text in _RIBU_UNITS
                                                       or toks[j].text in _NOT_MONEY_UNITS - {"kepala"})

    def _num_with_suffix(tok: _Tok) -> Tuple[int, bool] | None:
        m = re.fullmatch(r"(\d{1,3})", tok.text)
        return (int(m.group(1)), False) if m else None

    for i, t in enumerate(toks):
        if t.kind != "word":
            continue
        # 1) keyword: umur/usia ... N
        if t.text in _AGE_WORDS or (t.text == "umur" or t.text.startswith("umur") and len(t.text) <= 7):
            # skip when the age is someone else's: "umur anak saya 10"
            j = i + 1
            skipped = 0
            relative = False
            while j < n and skipped < 4 and toks[j].kind in ("word", "sym") and _read_number(toks, j) is None:
                if toks[j].kind == "word" and toks[j].text in _RELATIVES - {"bapak", "ibu"}:
                    relative = True
                if toks[j].kind == "word" and toks[j].text not in _AGE_FILLERS and toks[j].text not in _RELATIVES:
                    if toks[j].text == "kepala":
                        pass
                    else:
                        break
                j += 1
                skipped += 1
            if relative:
                continue
            num = _read_number(toks, j)
            if num is None:
                continue
            v, k, _ = num
            if v != int(v):
                continue
            kepala = j > 0 and toks[j - 1].text == "kepala"
            approx, k2 = _after(k)
            if _money_after(k):
                continue
            value = int(v) * (10 if kepala and v < 10 else 1)
            out.append(AgeParse(value, toks[j].start, toks[k2 - 1].end, approx or kepala, "keyword"))
            used.update(range(j, k2))
            continue
        # 2) birth year: lahir (tahun) 1988 / kelahiran 85 / lahir 12-05-1990
        if t.text in ("lahir", "kelahiran", "lhr", "lair", "kelahiranku"):
            if _preceded_by(toks, i, _RELATIVES - {"bapak", "ibu"}, window=2):
                continue
            j = i + 1
            skipped = 0
            while j < n and skipped < 6:
                tj = toks[j]
                if tj.kind == "num":
                    m4 = re.fullmatch(r"(19\d\d|20\d\d)", tj.text)
                    m2 = re.fullmatch(r"\d\d", tj.text)
                    date_m = re.fullmatch(r"\d{1,2}[.\-/]\d{1,2}[.\-/](\d{2,4})", low[tj.start:tj.start + 10].split()[0]
                                          if tj.start < len(low) else "")
                    year = None
                    if m4:
                        year = int(m4.group(1))
                    elif date_m:
                        y = date_m.group(1)
                        year = int(y) if len(y) == 4 else None
                    elif m2 and (j + 1 >= n or toks[j + 1].kind != "num" and toks[j + 1].text not in "-/."):
                        yy = int(tj.text)
                        d = today or _today()
                        year = 2000 + yy if yy <= d.year % 100 else 1900 + yy
                    if year:
                        d = today or _today()
                        age = d.year - year
                        if 0 < age < 130:
                            out.append(AgeParse(age, tj.start, tj.end, True, "birth"))
                            used.add(j)
                        break
                elif tj.kind == "word" and tj.text not in ("tahun", "thn", "th", "taun", "saya", "sy", "aku", "di",
                                                         "tgl", "tanggal", "pada", "thn.", "bulan", "bln", "ttl",
                                                         "januari", "februari", "maret", "april", "mei", "juni",
                                                         "juli", "agustus", "september", "oktober", "november",
                                                         "desember", "jan", "feb", "mar", "apr", "jun", "jul",
                                                         "agu", "agt", "sep", "okt", "nov", "des", "ya"):
                    break
                j += 1
                skipped += 1
            continue
        # 3) kepala N ("sudah kepala 4")
        if t.text == "kepala" and i + 1 < n and re.fullmatch(r"[1-9]", toks[i + 1].text):
            if i + 2 < n and toks[i + 2].kind == "word" and toks[i + 2].text in _NOT_MONEY_UNITS | {"keluarga"}:
                continue
            out.append(AgeParse(int(toks[i + 1].text) * 10, t.start, toks[i + 1].end, True, "keyword"))
            used.update({i, i + 1})
    # 4) N tahun (unit) without keyword
    for i, t in enumerate(toks):
        if i in used or t.kind not in ("num", "word"):
            continue
        if t.kind == "num":
            parsed = _num_with_suffix(t)
            if not parsed:
                continue
            v, _ = parsed
            nxt_i = i + 1
        else:
            if i > 0 and toks[i - 1].kind == "word" and (toks[i - 1].text in _NUMBER_WORDS
                                                          or toks[i - 1].text in _DIGIT_WORDS):
                continue  # not the first word of a number
            num = _read_number(toks, i)
            if num is None or not num[2] or num[0] != int(num[0]):
                continue
            v, nxt_i = int(num[0]), num[1]
        approx, k = _after(nxt_i)
        has_unit = any(toks[x].kind == "word" and toks[x].text in _AGE_UNITS for x in range(i + 1, k))
        if not has_unit:
            continue
        if _preceded_by(toks, i, _DURATION_BEFORE, window=2) or _preceded_by(toks, i, _COST_WORDS | _INCOME_WORDS,
                                                                               window=2):
            continue
        if k < n and toks[k].kind == "word" and toks[k].text in _DURATION_AFTER:
            continue
        if i > 0 and toks[i - 1].text in ("ke", "-", "/"):
            continue
        if not 15 <= v <= 120:  # "8 tahun" without "umur" is a duration far more often than a worker's age
            continue
        out.append(AgeParse(v, t.start, toks[k - 1].end, approx, "unit"))
        used.update(range(i, k))
    if out:
        out.extend(_corrected_numbers(toks, out[0].end, used, lambda v: 5 <= v <= 120 and v == int(v)))
    elif bare_ok:
        bare = _bare_age(toks)
        if bare is not None:
            out.append(bare)
    out.sort(key=lambda a: a.start)
    return out


def _corrected_numbers(toks: List[_Tok], after: int, used: set, ok) -> List[AgeParse]:
    """Bare numbers right after a correction word ("umur 35 eh 36", "maksudnya 36") once an age was given."""
    out = []
    for i, t in enumerate(toks):
        if t.start < after or t.kind != "word" or t.text not in CORRECTIONS:
            continue
        j = i + 1
        while j < len(toks) and j - i <= 3 and toks[j].kind == "word" and toks[j].text in _AGE_FILLERS | CORRECTIONS:
            j += 1
        if j < len(toks) and j not in used and toks[j].kind == "num" and re.fullmatch(r"\d{1,3}", toks[j].text):
            v = int(toks[j].text)
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            if nxt is not None and nxt.kind == "word" and (nxt.text in _JUTA_UNITS or nxt.text in _RIBU_UNITS
                                                           or nxt.text in _NOT_MONEY_UNITS):
                continue
            if ok(v):
                out.append(AgeParse(v, toks[j].start, toks[j].end, False, "correction"))
                used.add(j)
    return out


_BARE_OK_WORDS = _AGE_FILLERS | {"saja", "aja", "doang", "kak", "pak", "bu", "bang", "mas", "mbak", "min", "admin",
                                 "umur", "usia", "umurnya", "usianya", "an", "thn", "tahun", "th", "taun", "iya",
                                 "ya", "oke", "ok", "bro", "sis", "gan", "om", "tante", "dik", "dek"}


def _bare_age(toks: List[_Tok]) -> AgeParse | None:
    """The whole answer is an age: '35', '35 kak', 'tiga puluh lima', '40an', '± 50'."""
    words = [t for t in toks if t.kind == "word"]
    nums = [(i, t) for i, t in enumerate(toks) if t.kind == "num"]
    if len(nums) > 1:
        return None
    if nums:
        i, t = nums[0]
        if not re.fullmatch(r"\d{1,3}", t.text):
            return None
        rest = [w for w in words if w.text not in _BARE_OK_WORDS]
        if rest:
            return None
        approx = any(w.text == "an" for w in words)
        return AgeParse(int(t.text), t.start, t.end, approx, "bare")
    # number words only
    ws = [w for w in words if w.text not in _BARE_OK_WORDS or w.text in _NUMBER_WORDS]
    if ws and all(w.text in _NUMBER_WORDS or w.text in _DIGIT_WORDS for w in ws):
        if any(w.text in _MONEY_WORDS for w in ws):
            return None
        v = _words_value([w.text for w in ws])
        if v is not None and v == int(v):
            return AgeParse(int(v), ws[0].start, ws[-1].end, False, "bare")
    return None


def parse_age_detail(text: str, bare_ok: bool = False, today: dt.date | None = None) -> AgeParse | None:
    if not text:
        return None
    text = text[:PARSE_MAX_CHARS]
    cands = _age_candidates(text, bare_ok, today)
    if not cands:
        return None
    low = _lower_same_length(text)
    toks = _tokens(low)
    negated = [_preceded_by(toks, _tok_index_at(toks, c.start), NEGATIONS, window=2) for c in cands]
    idx = _choose([(c.start, c.end, c) for c in cands], toks, negated)
    return cands[idx] if idx is not None else None


def parse_age(text: str, bare_ok: bool = False, today: dt.date | None = None) -> int | None:
    """The worker's age in whole years, or None. ``bare_ok``: accept a bare number ("35") as the answer.

    The value is returned as written (0 < age < 130); whether it is plausible is the form's business.
    """
    p = parse_age_detail(text, bare_ok=bare_ok, today=today)
    if p is None or not 0 < p.value < 130:
        return None
    return p.value


# --------------------------------------------------------------------------------------------------------------
# Regency and occupation (lexicon matching)
# --------------------------------------------------------------------------------------------------------------

_SKIP_BEFORE_OCCUPATION = {"bukan", "bkn", "bukn", "naik", "pesan", "pesen", "order", "panggil", "pake", "pakai",
                           "sewa", "numpang", "menumpang", "tumpangi", "ditabrak", "nabrak", "tabrak", "anti",
                           "lawan", "sama", "dengan", "dgn", "beli", "belanja"}
_SKIP_BEFORE_REGENCY = {"bukan", "bkn", "bukn"}


@dataclass(frozen=True)
class LexiconMatch:
    """Where a lexicon entry was found: ``key`` (occupation key or canonical regency name), span, matched text."""

    key: str
    start: int
    end: int
    text: str



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


def _regency_paths(content_dir: Path | None) -> str:
    return str(_content_dir(content_dir) / "regions.yml")


def _occupation_paths(content_dir: Path | None) -> str:
    return str(_content_dir(content_dir) / "occupations.yml")


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


# --------------------------------------------------------------------------------------------------------------
# All entities at once (what the NLU extractor emits)
# --------------------------------------------------------------------------------------------------------------


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
