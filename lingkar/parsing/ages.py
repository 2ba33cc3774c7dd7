"""Age in whole years ("umur 35", "40an", "lahir 1988"; a bare "35" only when the age was asked)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Tuple

from lingkar.parsing.numbers import (
    _DIGIT_WORDS,
    _MAX_NUMBER_WORDS,
    _MONEY_WORDS,
    _NUMBER_WORDS,
    _digits_value,
    _words_value,
)
from lingkar.parsing.tokens import (
    CORRECTIONS,
    NEGATIONS,
    PARSE_MAX_CHARS,
    _choose,
    _lower_same_length,
    _preceded_by,
    _Tok,
    _tok_index_at,
    _tokens,
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
_AGE_FILLERS = {"saya", "sy", "sa", "aq", "saia", "aku", "ak", "gue", "gw", "sya", "ku", "skrg", "sekarang", "skrng",
                "sudah", "udah",
                "sdh", "udh", "dah", "baru", "masih", "msh", "kurang", "lebih", "sekitar", "sktr", "kira", "kira2",
                "kira-kira", "hampir", "mau", "mo", "jalan", "tahun", "thn", "ini", "ya", "pak", "bu", "kak", "min",
                "ji", "mi", "ki", "itu", "sih", "kan", "tuh", "nih", "yg", "yang", "pas", "tepat", "genap", "menuju",
                "menjelang", "otw", "kepala", "adalah", "ialah", "yaitu", "nya", "kalau", "klo", "kalo",
                "kl", "nanti", "depan", "istri", "suami", "bapak", "ibu"}
_BIRTH_WORDS = {"lahir", "kelahiran", "lhr", "lair", "born", "thn lahir", "tahun lahir", "tl", "ttl"}
_RELATIVES = {"anak", "anaknya", "anakku", "adik", "adek", "istri", "istriku", "suami", "suamiku", "cucu", "ayah",
              "ibu", "bapak", "mama", "papa", "ortu", "mertua", "kakak", "kakek", "nenek", "ponakan", "keponakan",
              "orang", "tua", "almarhum", "alm", "peserta", "pensiun", "pensiunnya"}


#: Relatives whose age a message tells before its age word, in the same clause ("Ayah saya berusia 60 tahun",
#: "anak sy umur 3 thn"): not the worker's, unless the worker speaks of themselves in between or right after the age
#: word ("anak 2 umur sy 41").
_RELATIVE_SUBJECTS = {"anak", "anaknya", "anakku", "adik", "adek", "adiknya", "istri", "istriku", "istrinya", "suami",
                      "suamiku", "suaminya", "cucu", "ayah", "ayahnya", "mama", "papa", "ortu", "mertua", "kakak",
                      "kakaknya", "kakek", "nenek", "ponakan", "keponakan", "almarhum", "alm"}
_SELF = {"saya", "sy", "sa", "aq", "saia", "aku", "ak", "gue", "gw", "sya"}
_RELATIVE_BEFORE_WORDS = 4


def _relatives_age(toks: List[_Tok], i: int) -> bool:
    """The age word at ``i`` follows a relative within :data:`_RELATIVE_BEFORE_WORDS` words of its clause, and the
    worker does not speak of themselves between them or right after it (a pronoun right after the relative is its
    owner: "anak sa")."""
    if i + 1 < len(toks) and toks[i + 1].text in _SELF:
        return False
    between: List[str] = []
    for j in range(i - 1, -1, -1):
        t = toks[j]
        if t.kind == "sym" and t.text in ",.;:!?":
            # "anaknya satu, umur 3 tahun": a relative and how many of them just before a comma are the subject too
            return t.text == "," and not between and _counted_relative(toks, j)
        if t.kind != "word":
            continue
        if t.text in _RELATIVE_SUBJECTS:
            return not any(w in _SELF for w in between[:-1])  # between[-1] is the word right after the relative
        between.append(t.text)
        if len(between) >= _RELATIVE_BEFORE_WORDS:
            return False
    return False


_COUNT_WORDS = {"satu", "dua", "tiga", "empat", "lima", "orang", "org", "sa", "sy", "saya", "kami", "cuma", "hanya"}


def _counted_relative(toks: List[_Tok], comma: int) -> bool:
    """The words before the comma at ``comma`` are a relative and a count of them ("anaknya satu", "anak sa dua")."""
    words = [t.text for t in toks[max(0, comma - 4):comma] if t.kind in ("word", "num")]
    rel = [k for k, w in enumerate(words) if w in _RELATIVE_SUBJECTS]
    return bool(rel) and all(w in _COUNT_WORDS or w.isdigit() for w in words[rel[-1] + 1:]) \
        and len(words) - rel[-1] > 1


#: Work told earlier in the same clause makes "N tahun" how long, not how old ("bapak dulu kerja di perusahaan
#: distributor semen 20 thn").
_WORK_VERBS = {"kerja", "bekerja", "kerjanya", "mengajar", "ngajar", "melaut", "bertani", "berdagang", "merantau",
               "mengabdi", "honor", "honorer"}
_WORK_CLAUSE_WORDS = 8


def _work_before_in_clause(toks: List[_Tok], i: int) -> bool:
    j, seen = i - 1, 0
    while j >= 0 and seen < _WORK_CLAUSE_WORDS:
        t = toks[j]
        if t.kind == "sym" and t.text in ",.;!?":
            return False
        if t.kind == "word":
            if t.text in _WORK_VERBS:
                return True
            if t.text in ("umur", "usia"):
                return False
            seen += 1
        j -= 1
    return False


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
            if _relatives_age(toks, i):  # "anak sa satu, umur 3 tahun": the child's age
                continue
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
        if _work_before_in_clause(toks, i) or _relatives_age(toks, i):  # "Ayah saya berusia 60 tahun"
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
    if any(c.source in ("keyword", "birth") for c in cands):
        # "sudah 20 tahun, sekarang umur 45": an age said as an age over a bare "N tahun"
        cands = [c for c in cands if c.source != "unit"]
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
