#!/usr/bin/env python3
"""Re-check the dev22 blind set (messages.yml, conversations.yml).

Checks
  1. structure: 180 messages, ids m001..m180 unique, style counts, followups carry context,
     >= 20 conversations with 6-8 steps, ids unique, every expect group non-empty;
  2. echo rule: no required alternative occurs in the user's own text (message / step);
  3. empathy rule: an empathy group never stands alone; thanks steps only need a polite group;
  4. figures: every number inside an alternative is parsed (money, %, x-times, months, years,
     days, counts, bare) and must be a fact of facts.md (BASE, spelling checked against
     facts.md / sources.md when those files are readable) or a figure recomputed here from
     those facts (COMPUTED); numeric alternatives must not start with a digit (so " 16.800"
     cannot match inside "116.800"); Indonesian thousands dots and decimal commas are checked;
     all alternatives of one group must spell the same figure, except the groups listed in
     MULTI_OK (with the reason);
  5. none: forbidden strings never overlap a required alternative of the same item.

Usage: python3 validate.py [path/to/domain-dir]   (default /work/shared/domain)
Exit status 0 when everything passes.
"""
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAIN = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/domain"

EXPECTED_STYLES = {"feeling": 70, "story": 30, "followup": 30, "colloquial": 25,
                   "out_of_scope": 15, "abbrev": 5, "formal": 5}
EMPATHY = {"berduka", "turut berduka", "semoga", "maaf", "prihatin", "sabar", "tabah", "ikut sedih",
           "mengerti", "paham", "tenang"}
POLITE = {"sama-sama", "terima kasih", "senang", "kembali", "baik", "silakan", "jangan ragu"}

# ---------------------------------------------------------------- facts (from facts.md)
# key: (kind, value, [spellings, any of which must occur in facts.md or sources.md], section)
BASE = {
    "JKM_TOTAL": ("money", 42_000_000, ["Rp42 juta"], "1.3"),
    "JKM_LUMP": ("money", 20_000_000, ["Rp20.000.000"], "1.3"),
    "JKM_BERKALA": ("money", 12_000_000, ["Rp12.000.000"], "1.3"),
    "JKM_FUNERAL": ("money", 10_000_000, ["Rp10.000.000"], "1.3"),
    "SCHOLAR_MAX": ("money", 174_000_000, ["Rp174 juta"], "1.2"),
    "SCH_TKSD": ("money", 1_500_000, ["Rp1,5 juta/tahun"], "1.2"),
    "SCH_SMP": ("money", 2_000_000, ["Rp2 juta/tahun"], "1.2"),
    "SCH_SMA": ("money", 3_000_000, ["Rp3 juta/tahun"], "1.2"),
    "SCH_PT": ("money", 12_000_000, ["Rp12 juta/tahun"], "1.2"),
    "HOMECARE": ("money", 20_000_000, ["Rp20.000.000"], "1.2"),
    "TR_LAND": ("money", 5_000_000, ["Rp5 juta"], "1.2"),
    "TR_SEA": ("money", 2_000_000, ["Rp2 juta"], "1.2"),
    "TR_AIR": ("money", 10_000_000, ["Rp10 juta"], "1.2"),
    "BPU_JKK_MIN": ("money", 10_000, ["Rp10.000"], "3.2"),
    "BPU_JKM": ("money", 6_800, ["Rp6.800"], "3.2"),
    "BPU_JKKJKM": ("money", 16_800, ["Rp16.800"], "3.2"),
    "BPU_JHT_MIN": ("money", 20_000, ["Rp20.000"], "3.2"),
    "BPU_3PROG": ("money", 36_800, ["Rp36.800"], "3.2"),
    "BPU_JKK_B2": ("money", 12_000, ["Rp12.000"], "3.2"),
    "BPU_JHT_B2": ("money", 24_000, ["Rp24.000"], "3.2 (calc. in facts)"),
    "BPU_JKK_B2_DISC": ("money", 6_000, ["Rp6.000"], "sources.md, official article 18931"),
    "BPU_DISC": ("money", 8_400, ["Rp8.400"], "3.3"),
    "BPU_MIN_INCOME": ("money", 1_000_000, ["Rp1.000.000"], "3.2"),
    "JP_CAP_2026": ("money", 11_086_300, ["Rp11.086.300"], "3.1"),
    "JKP_CAP": ("money", 5_000_000, ["Rp5.000.000"], "1.6"),
    "JKP_MAX_MONTH": ("money", 3_000_000, ["Rp3 juta"], "1.6"),
    "JMO_LIMIT": ("money", 15_000_000, ["Rp15 juta"], "5.3"),
    "NPWP_LIMIT": ("money", 50_000_000, ["Rp50 juta"], "5.3"),
    "PMI_PRE": ("money", 37_500, ["Rp37.500"], "3.5"),
    "PMI_24": ("money", 332_500, ["Rp332.500"], "3.5"),
    "PMI_12": ("money", 189_000, ["Rp189.000"], "3.5"),
    "PMI_6": ("money", 108_000, ["Rp108.000"], "3.5"),
    "PMI_TOTAL": ("money", 370_000, ["Rp370.000"], "3.5"),
    "PMI_JHT_MIN": ("money", 50_000, ["Rp50.000"], "3.5"),
    "PMI_JHT_MAX_A": ("money", 600_000, ["Rp600.000"], "3.5"),
    "PMI_JHT_MAX_B": ("money", 500_000, ["Rp500.000"], "3.5"),
    "PMI_ABROAD_CARE": ("money", 50_000_000, ["Rp50 juta"], "3.5"),
    "PERISAI_BONUS": ("money", 500_000, ["Rp500.000"], "6.2"),
    # percentages
    "JKK_PU_1": ("pct", 0.24, ["0,24%"], "3.1"), "JKK_PU_4": ("pct", 1.27, ["1,27"], "3.1"),
    "JKK_PU_5": ("pct", 1.74, ["1,74%"], "3.1"), "JKM_PU": ("pct", 0.30, ["0,30%"], "3.1"),
    "JHT_EMPLOYER": ("pct", 3.7, ["3,7%"], "3.1"), "JHT_WORKER": ("pct", 2, ["2%"], "3.1/3.2"),
    "JP_WORKER": ("pct", 1, ["1%"], "3.1/3.2"), "JP_TOTAL": ("pct", 3, ["3%"], "3.1"),
    "JAKON_JKK_1": ("pct", 0.21, ["0,21%"], "3.4"), "JAKON_JKM_1": ("pct", 0.03, ["0,03%"], "3.4"),
    "JAKON_JKK_2": ("pct", 0.17, ["0,17%"], "3.4"), "JAKON_JKM_2": ("pct", 0.02, ["0,02%"], "3.4"),
    "JKP_RATE": ("pct", 60, ["60%"], "1.6"), "DISC": ("pct", 50, ["50%"], "3.3"),
    "STMB": ("pct", 100, ["100%"], "1.2"), "JHT_PART_10": ("pct", 10, ["10%"], "1.4"),
    "JHT_PART_30": ("pct", 30, ["30%"], "1.4"), "PERISAI_FEE": ("pct", 7.5, ["7,5%"], "6.2"),
    "PERISAI_FEE_KDI": ("pct", 7, ["7 Persen"], "6.2"),
    # multiples of wage
    "JKK_DEATH": ("times", 48, ["48×"], "1.2"), "JKK_TOTAL_DIS": ("times", 56, ["56×"], "1.2"),
    "JKK_PART_DIS": ("times", 80, ["80×"], "1.2"),
    # durations
    "M1": ("months", 1, ["1 month"], "5.3"), "M3": ("months", 3, ["3 months"], "5.2"),
    "M6": ("months", 6, ["6 months"], "1.6/2/3.5"), "M12": ("months", 12, ["12 months"], "1.2/1.6"),
    "M24": ("months", 24, ["24 months"], "1.6"),
    "Y1": ("years", 1, ["1 tahun"], "1.2"), "Y3": ("years", 3, ["3 years", "3 tahun"], "1.3"),
    "Y5": ("years", 5, ["5 tahun"], "1.2"), "Y10": ("years", 10, ["10 years"], "1.4"),
    "Y15": ("years", 15, ["15 years"], "1.5"), "Y23": ("years", 23, ["reaches 23", "23"], "1.2"),
    "Y56": ("years", 56, ["56"], "1.4"), "Y59": ("years", 59, ["59"], "1.5"),
    "D7": ("days", 7, ["7 days"], "5.1"), "D14": ("days", 14, ["14 working days"], "3.4"),
    "D30": ("days", 30, ["30 hari", "30 days"], "1.2/5.1"),
    "N2": ("count", 2, ["2 children"], "1.2/1.5"), "N50": ("count", 50, ["at least 50"], "6.1/6.2"),
    # bare numbers
    "CC175": ("bare", 175, ["175"], "7"), "CC165": ("bare", 165, [], "brief: BPJS Kesehatan 165"),
    "Y2026": ("bare", 2026, ["December 2026"], "3.3"), "Y2027": ("bare", 2027, ["Mar 2027"], "3.3"),
    "BARE59": ("bare", 59, ["59"], "1.5"), "BARE50": ("bare", 50, ["50"], "6.1"), "BARE2": ("bare", 2, ["2"], "1.5"),
}
B = {k: v[1] for k, v in BASE.items()}

# figures computed from BASE (description, expression) -> money
COMPUTED = [
    ("JKM scholarship 3 years = 36 months", "36"),
    ("employer JHT 3,7% x Rp6.000.000", "6_000_000 * 37 // 1000"),
    ("JKM 0,30% x Rp2.200.000", "2_200_000 * 3 // 1000"),
    ("JKM 0,30% x Rp2.500.000", "2_500_000 * 3 // 1000"),
    ("JKK 0,24% x Rp2.500.000", "2_500_000 * 24 // 10000"),
    ("employer JHT 3,7% x Rp2.500.000", "2_500_000 * 37 // 1000"),
    ("Jakon JKK 0,21% x Rp90 juta", "90_000_000 * 21 // 10000"),
    ("Jakon JKM 0,03% x Rp90 juta", "90_000_000 * 3 // 10000"),
    ("Jakon JKK 0,21% x Rp80 juta", "80_000_000 * 21 // 10000"),
    ("Jakon JKM 0,03% x Rp80 juta", "80_000_000 * 3 // 10000"),
    ("ojol prepay Jan-Dec 2027: 3 x disc + 9 x full", "3 * B['BPU_DISC'] + 9 * B['BPU_JKKJKM']"),
    ("petani prepay Dec 2026-May 2027: 1 x disc + 5 x full", "B['BPU_DISC'] + 5 * B['BPU_JKKJKM']"),
    ("petani prepay Jan-Dec 2027: 12 x full", "12 * B['BPU_JKKJKM']"),
    ("ojol prepay Jan-Jun 2027: 3 x disc + 3 x full", "3 * B['BPU_DISC'] + 3 * B['BPU_JKKJKM']"),
    ("ojol prepay 3 months (discounted)", "3 * B['BPU_DISC']"),
    ("BPU 3 programmes with discount: disc + JHT", "B['BPU_DISC'] + B['BPU_JHT_MIN']"),
    ("JKK death 48 x Rp3.500.000", "48 * 3_500_000"),
    ("JKK total disability 56 x Rp2.500.000", "56 * 2_500_000"),
    ("JKP 60% x Rp2.800.000", "2_800_000 * 60 // 100"),
    ("JKP 60% x Rp4.500.000", "4_500_000 * 60 // 100"),
    ("JKP 6 x 60% x Rp4.500.000", "6 * (4_500_000 * 60 // 100)"),
    ("JKP 60% x Rp5.000.000", "5_000_000 * 60 // 100"),
    ("worker JHT 2% x Rp2.500.000", "2_500_000 * 2 // 100"),
    ("worker JP 1% x Rp2.500.000", "2_500_000 // 100"),
    ("worker JHT 2% x Rp2.000.000", "2_000_000 * 2 // 100"),
    ("worker JP 1% x Rp2.000.000", "2_000_000 // 100"),
    ("worker JHT+JP 3% x Rp2.000.000", "2_000_000 * 3 // 100"),
    ("JHT partial 10% x Rp40 juta", "40_000_000 // 10"),
    ("JHT partial 30% x Rp40 juta", "40_000_000 * 3 // 10"),
    ("JP worker 1% x cap", "B['JP_CAP_2026'] // 100"),
    ("JP employer 2% x cap", "B['JP_CAP_2026'] * 2 // 100"),
    ("JP total 3% x cap", "B['JP_CAP_2026'] * 3 // 100"),
    ("Perisai 7,5% x 120 x Rp16.800", "120 * B['BPU_JKKJKM'] * 75 // 1000"),
    ("PMI 12-month package: before + during", "B['PMI_PRE'] + B['PMI_12']"),
    ("GN Lingkaran 10 persons x Rp16.800", "10 * B['BPU_JKKJKM']"),
    ("Dana Desa 100 persons x Rp16.800", "100 * B['BPU_JKKJKM']"),
    ("GN Lingkaran 200 persons x 12 months x Rp16.800", "200 * 12 * B['BPU_JKKJKM']"),
]
for _d, _e in COMPUTED[1:]:
    assert eval(_e) == int(eval(_e)), _d
# exactness of the integer divisions above (no rounding hidden)
assert 6_000_000 * 37 % 1000 == 0 and 2_200_000 * 3 % 1000 == 0 and 120 * 16_800 * 75 % 1000 == 0
assert B['JKP_CAP'] * 60 // 100 == B['JKP_MAX_MONTH']
assert B['JKM_LUMP'] + B['JKM_BERKALA'] + B['JKM_FUNERAL'] == B['JKM_TOTAL']
assert B['BPU_JKK_MIN'] + B['BPU_JKM'] == B['BPU_JKKJKM'] == 2 * B['BPU_DISC']
assert B['BPU_JKKJKM'] + B['BPU_JHT_MIN'] == B['BPU_3PROG']
assert B['PMI_PRE'] + B['PMI_24'] == B['PMI_TOTAL']
assert B['BPU_JKK_B2'] == 2 * B['BPU_JKK_B2_DISC'] and B['BPU_JHT_B2'] == 2 * B['BPU_JKK_B2']

ALLOWED = {(k, v) for k, v, _s, _sec in BASE.values()}
ALLOWED |= {("money", int(eval(e))) for d, e in COMPUTED[1:]}
ALLOWED |= {("months", 36)}

# groups that deliberately accept more than one figure (normalised (kind, value) sets)
MULTI_OK = {
    frozenset({("money", 16800), ("money", 8400)}): "base price or the PP 50/2025 discounted price (7 Dec 2026)",
    frozenset({("money", 36800), ("money", 28400), ("money", 20000)}): "+JHT: full, discounted JKK+JKM + JHT, or the JHT part alone",
    frozenset({("money", 12000), ("money", 6000)}): "bracket Rp1,1-1,299 juta JKK, full or discounted (official article)",
    frozenset({("times", 56), ("times", 80)}): "total (56x) or partial (80x table) disability",
    frozenset({("times", 56), ("times", 80), ("money", 140_000_000)}): "disability multiples or 56 x Rp2,5 juta",
    frozenset({("pct", 7.5), ("pct", 7)}): "Perisai fee conflict §9.1",
    frozenset({("pct", 7.5), ("pct", 7), ("money", 151_200)}): "Perisai fee conflict §9.1 or the computed fee",
    frozenset({("money", 600_000), ("money", 500_000)}): "PMI JHT ceiling conflict §9.2",
    frozenset({("money", 332_500), ("money", 189_000), ("money", 108_000), ("money", 370_000)}): "PMI during/after package by contract length",
    frozenset({("money", 189_000), ("money", 226_500)}): "PMI 12-month package alone or with the pre-departure part",
    frozenset({("pct", 1.74), ("pct", 1.27)}): "high / very high JKK risk band",
    frozenset({("months", 3), ("months", 12)}): "other prepayment options",
    frozenset({("months", 3), ("months", 6), ("months", 12)}): "prepayment options 3/6/12 months",
    frozenset({("years", 3)}): "3 years (= 36 months)",
    frozenset({("money", 1_500_000), ("money", 174_000_000)}): "scholarship per year or its maximum",
    frozenset({("money", 20_000), ("money", 60_000)}): "JP 1% or worker total 3%",
    frozenset({("money", 332_589), ("money", 221_726), ("money", 110_863)}): "JP total / employer / worker share at the cap",
    frozenset({("pct", 0.3), ("money", 6_600)}): "JKM as rate or amount",
    frozenset({("pct", 0.3), ("money", 7_500)}): "JKM as rate or amount",
    frozenset({("pct", 0.24), ("money", 6_000), ("pct", 3.7), ("money", 92_500)}): "JKK lowest band or JHT employer share, as rate or amount",
    frozenset({("pct", 0.21), ("money", 189_000)}): "Jakon JKK as rate or amount",
    frozenset({("pct", 0.03), ("money", 27_000)}): "Jakon JKM as rate or amount",
    frozenset({("pct", 0.21), ("money", 168_000)}): "Jakon JKK as rate or amount",
    frozenset({("pct", 0.03), ("money", 24_000)}): "Jakon JKM as rate or amount",
    frozenset({("pct", 30), ("money", 12_000_000)}): "JHT housing share as rate or amount",
    frozenset({("months", 1)}): "1 month",
    frozenset({("pct", 100)}): "100%",
    frozenset({("years", 15)}): "15 years",
    frozenset({("years", 59), ("bare", 59)}): "age 59 written with or without 'tahun'",
    frozenset({("money", 1_000_000)}): "Rp1 juta",
    frozenset({("count", 50), ("bare", 50)}): "50 persons",
    frozenset({("count", 2), ("bare", 2)}): "2 children",
    frozenset({("years", 23)}): "age 23",
}

WORDNUM = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
           "sepuluh": 10, "dua belas": 12, "empat belas": 14, "lima belas": 15, "dua puluh tiga": 23,
           "dua puluh empat": 24, "tiga puluh": 30, "tiga puluh enam": 36, "lima puluh empat": 54,
           "lima puluh enam": 56, "lima puluh sembilan": 59, "lima puluh": 50, "enam puluh": 60, "seratus": 100}
UNIT_KIND = {"persen": "pct", "bulan": "months", "tahun": "years", "hari": "days", "orang": "count", "anak": "count"}


def num(s):
    """Indonesian number string -> float/int; raises on inconsistent separators."""
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
        return int(s.replace(".", ""))
    if re.fullmatch(r"\d+,\d+", s):
        return float(s.replace(",", "."))
    if re.fullmatch(r"\d+\.\d{1,2}", s):       # "1.5 juta" style
        return float(s)
    if re.fullmatch(r"\d+", s):
        return int(s)
    raise ValueError(f"bad number spelling {s!r}")


def figures(alt):
    """Return list of (kind, value) found in an alternative."""
    s = alt
    out = []
    for pat in [r"2\s*x\s*24", r"\b\d+/20\d\d\b", r"Nomor\s+\d+\s+Tahun\s+\d{4}", r"Permenaker\s+\d+", r"\(([a-z ]+)\)"]:  # regulation citations, spelled-out echoes
        s = re.sub(pat, " ", s, flags=re.I)
    # words
    keys = sorted(WORDNUM, key=len, reverse=True)
    wre = re.compile(r"\b(" + "|".join(keys) + r")\s+(persen|bulan|tahun|hari|orang|anak)\b", re.I)
    for m in wre.finditer(s):
        out.append((UNIT_KIND[m.group(2).lower()], WORDNUM[m.group(1).lower()]))
    s = wre.sub(" ", s)
    for w, kv in {"sebulan": ("months", 1), "setahun": ("years", 1), "sejuta": ("money", 1_000_000)}.items():
        if re.search(r"\b" + w + r"\b", s, re.I):
            out.append(kv)
            s = re.sub(r"\b" + w + r"\b", " ", s, flags=re.I)
    N = r"(\d+(?:[.,]\d+)*)"
    rules = [
        (N + r"\s*(%|persen)", lambda v: ("pct", v)),
        (N + r"\s*(juta|jt)\b", lambda v: ("money", round(v * 1_000_000))),
        (N + r"\s*(ribu|rb)\b", lambda v: ("money", round(v * 1000))),
        (N + r"\s*(kali|x|×)", lambda v: ("times", v)),
        (N + r"\s*(bulan|bln)\b", lambda v: ("months", v)),
        (N + r"\s*(tahun|thn)\b", lambda v: ("years", v)),
        (r"(?:usia|umur)\s*" + N, lambda v: ("years", v)),
        (N + r"\s*(hari|hr)\b", lambda v: ("days", v)),
        (N + r"\s*(orang|pekerja|anak)\b", lambda v: ("count", v)),
        (r"Rp\.?\s*" + N, lambda v: ("money", v)),
        (r"(\d{1,3}(?:\.\d{3})+)", lambda v: ("money", v)),
        (r"(\d+)", lambda v: ("bare", v) if not (v >= 10000) else ("money", v)),
    ]
    for pat, mk in rules:
        rx = re.compile(pat, re.I)
        for m in rx.finditer(s):
            v = num(m.group(1))
            out.append(mk(v))
        s = rx.sub(" ", s)
    norm = []
    for k, v in out:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if k == "months" and v == 36:
            k, v = "years", 3
        norm.append((k, v))
    return norm


def main():
    errors, warnings = [], []
    facts_text = ""
    for fn in ("facts.md", "sources.md"):
        p = os.path.join(DOMAIN, fn)
        if os.path.exists(p):
            facts_text += open(p, encoding="utf-8").read()
    if facts_text:
        for key, (_k, _v, spellings, _sec) in BASE.items():
            if spellings and not any(sp in facts_text for sp in spellings):
                errors.append(f"BASE {key}: none of {spellings} found in facts.md/sources.md")
    else:
        warnings.append(f"{DOMAIN} not readable: facts spelling cross-check skipped")

    def check_item(where, text, exp, polite_only=False):
        if not isinstance(exp, dict) or not exp.get("all"):
            errors.append(f"{where}: expect.all missing/empty")
            return
        groups = exp["all"]
        t = text.lower()
        kinds = []
        for gi, g in enumerate(groups):
            if not isinstance(g, list) or not g or not all(isinstance(a, str) and a.strip() for a in g):
                errors.append(f"{where} group {gi}: empty group or empty alternative")
                continue
            low = {a.lower() for a in g}
            if len(low) != len(g):
                errors.append(f"{where} group {gi}: duplicate alternatives")
            for a in g:
                if a.lower() in t:
                    errors.append(f"{where} group {gi}: echo rule - {a!r} is in the user's text")
            is_emp = len(low & EMPATHY) >= 3
            is_pol = len(low & POLITE) >= 3
            kinds.append("emp" if is_emp else "pol" if is_pol else "fact")
            figs = set()
            for a in g:
                try:
                    f = figures(a)
                except ValueError as e:
                    errors.append(f"{where} group {gi}: {e}")
                    continue
                if f and a[0].isdigit():
                    errors.append(f"{where} group {gi}: numeric alternative {a!r} starts with a digit")
                for fv in f:
                    if fv not in ALLOWED:
                        errors.append(f"{where} group {gi}: figure {fv} in {a!r} is not a facts.md figure nor a recomputed one")
                figs.update(f)
            if len(figs) > 1 and frozenset(figs) not in MULTI_OK:
                errors.append(f"{where} group {gi}: mixes figures {sorted(figs)} (not in MULTI_OK)")
        if "emp" in kinds and "fact" not in kinds:
            errors.append(f"{where}: empathy group without a factual group")
        if "pol" in kinds and len(kinds) > 1:
            warnings.append(f"{where}: polite group combined with others")
        for n in exp.get("none", []) or []:
            if not isinstance(n, str) or not n.strip():
                errors.append(f"{where}: empty none entry")
                continue
            for g in groups:
                for a in g:
                    if n.lower() in a.lower() or (len(a.strip()) > 3 and a.lower() in n.lower()):
                        errors.append(f"{where}: none {n!r} overlaps required {a!r}")

    msgs = yaml.safe_load(open(os.path.join(HERE, "messages.yml"), encoding="utf-8"))["messages"]
    if len(msgs) != 180:
        errors.append(f"messages: {len(msgs)} != 180")
    ids = [m.get("id") for m in msgs]
    if len(set(ids)) != len(ids):
        errors.append("messages: duplicate ids")
    if ids != [f"m{i:03d}" for i in range(1, len(msgs) + 1)]:
        errors.append("messages: ids are not m001..m180 in order")
    styles = Counter(m.get("style") for m in msgs)
    if dict(styles) != EXPECTED_STYLES:
        errors.append(f"style counts {dict(styles)} != {EXPECTED_STYLES}")
    texts = Counter(m.get("text") for m in msgs)
    for t, c in texts.items():
        if c > 1:
            errors.append(f"duplicate message text: {t[:60]!r}")
    for m in msgs:
        where = m.get("id")
        if not m.get("text") or not m.get("why"):
            errors.append(f"{where}: text/why missing")
        if not str(m.get("why", "")).startswith("§") and "brief" not in str(m.get("why", "")):
            warnings.append(f"{where}: why does not cite a section")
        ctx = m.get("context")
        if m.get("style") == "followup":
            if not ctx or not all(isinstance(c, str) and c for c in ctx):
                errors.append(f"{where}: followup without context")
        elif ctx:
            errors.append(f"{where}: context on a non-followup message")
        check_item(where, m.get("text", ""), m.get("expect"))

    convs = yaml.safe_load(open(os.path.join(HERE, "conversations.yml"), encoding="utf-8"))["conversations"]
    if len(convs) < 20:
        errors.append(f"conversations: {len(convs)} < 20")
    cids = [c.get("id") for c in convs]
    if len(set(cids)) != len(cids):
        errors.append("conversations: duplicate ids")
    feeling_open = 0
    for c in convs:
        steps = c.get("steps") or []
        if not 6 <= len(steps) <= 8:
            errors.append(f"{c.get('id')}: {len(steps)} steps (need 6-8)")
        if not c.get("persona"):
            errors.append(f"{c.get('id')}: persona missing")
        if c.get("opening") not in (None, "none"):
            feeling_open += 1
        for j, s in enumerate(steps, 1):
            check_item(f"{c.get('id')}.{j}", s.get("user", ""), s.get("expect"))
    if feeling_open < 14:
        errors.append(f"only {feeling_open} conversations open with a feeling (need >= 14)")

    for w in warnings:
        print("WARN ", w)
    for e in errors:
        print("ERROR", e)
    nsteps = sum(len(c.get("steps") or []) for c in convs)
    print(f"messages={len(msgs)} styles={dict(styles)} conversations={len(convs)} steps={nsteps} "
          f"feeling-openings={feeling_open} errors={len(errors)} warnings={len(warnings)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
