#!/usr/bin/env python3
"""Re-check the dev23 blind evaluation set (messages.yml, conversations.yml).

Checks:
  * ids unique (m001.., c01..), style values known, style counts as planned (180 messages)
  * every conversation has 6-8 steps, at least 20 conversations
  * every `all` group is a non-empty list of non-empty strings
  * ECHO RULE: no alternative of a required group occurs in the user's own text
    (string level, and figure level: a figure the user typed is never required)
  * every alternative that contains a digit is a known spelling of a figure in FIGURES
    (constants from /work/shared/domain/facts.md, or values computed from them below);
    base constants are also looked up literally in facts.md when that file is present
  * `none` strings never collide with a required alternative of the same item

Run:  python3 validate.py            (exit code 0 = OK)
The figure helpers (rp, pct, dur, mult, age) are also imported by the generator, so the
spellings in the YAML and the spellings accepted here come from one place.
"""
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
FACTS = "/work/shared/domain/facts.md"

# --------------------------------------------------------------------------------------
# spelling helpers
# --------------------------------------------------------------------------------------
WORDS = {1: "satu", 2: "dua", 3: "tiga", 4: "empat", 5: "lima", 6: "enam", 7: "tujuh",
         8: "delapan", 9: "sembilan", 10: "sepuluh", 12: "dua belas", 14: "empat belas",
         15: "lima belas", 23: "dua puluh tiga", 24: "dua puluh empat", 30: "tiga puluh",
         36: "tiga puluh enam", 48: "empat puluh delapan", 50: "lima puluh",
         54: "lima puluh empat", 56: "lima puluh enam", 59: "lima puluh sembilan",
         60: "enam puluh", 80: "delapan puluh", 89: "delapan puluh sembilan",
         90: "sembilan puluh", 100: "seratus"}


def fmt_id(n):
    """16800 -> '16.800' (Indonesian thousands separator)."""
    return f"{int(n):,}".replace(",", ".")


def dec_id(x):
    """2.4 -> '2,4'; 42.0 -> '42'; returns None when more than 3 decimals are needed."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    for d in (1, 2, 3):
        if abs(round(x, d) - x) < 1e-9:
            return f"{x:.{d}f}".replace(".", ",")
    return None


def rp(n):
    """All accepted spellings of a rupiah amount; each starts with Rp/space/punctuation."""
    n = int(n)
    s = fmt_id(n)
    out = []
    for pre in ("Rp", "Rp ", "Rp.", "Rp. ", "IDR ", " ", "*", "(", "="):
        out.append(pre + s)
    out += [f"Rp{n}", f"Rp {n}"]
    if n >= 1_000_000:
        js = dec_id(n / 1_000_000)
        if js is not None:
            for pre in ("Rp", "Rp ", "Rp.", " ", "*", "(", "="):
                out += [f"{pre}{js} juta", f"{pre}{js} jt"]
            out += [f" {js}jt", f"Rp{js}jt"]
            if "," in js:
                out += [f" {js.replace(',', '.')} juta", f"Rp{js.replace(',', '.')} juta"]
    elif n >= 1000:
        rs = dec_id(n / 1000)
        if rs is not None:
            for pre in ("Rp", "Rp ", " ", "*", "("):
                out += [f"{pre}{rs} ribu", f"{pre}{rs} rb"]
            out += [f" {rs}rb", f"Rp{rs}rb"]
    seen, res = set(), []
    for a in out:
        if a not in seen:
            seen.add(a)
            res.append(a)
    return res


def pct(s):
    """pct('0,24') -> ' 0,24%', ' 0,24 persen', ' 0.24%' ...; s uses a decimal comma."""
    forms = [s] + ([s.replace(",", ".")] if "," in s else [])
    if s == "0,3":
        forms += ["0,30", "0.30"]
    out = []
    for f in forms:
        for pre in (" ", "(", "*", "="):
            out += [f"{pre}{f}%", f"{pre}{f} %", f"{pre}{f} persen"]
    if s.isdigit() and int(s) in WORDS:
        out.append(f"{WORDS[int(s)]} persen")
    return out


UNITS = {"bulan": ["bulan", "bln"], "tahun": ["tahun", "thn"], "hari": ["hari"],
         "hari kerja": ["hari kerja"], "jam": ["jam"], "menit": ["menit"]}


def dur(n, unit):
    out = []
    for u in UNITS[unit]:
        for pre in (" ", "(", "*", "±"):
            out.append(f"{pre}{n} {u}")
    if n in WORDS:
        out.append(f"{WORDS[n]} {unit}")
    if n == 1 and unit == "bulan":
        out += ["sebulan setelah", "setelah sebulan", "sebulan sejak", "sebulan dari"]
    if n == 1 and unit == "tahun":
        out += ["setahun"]
    return out


def mult(n):
    out = []
    for pre in (" ", "(", "*"):
        out += [f"{pre}{n} kali", f"{pre}{n}x", f"{pre}{n} x ", f"{pre}{n}×", f"{pre}{n} ×", f"{pre}{n}X"]
    if n in WORDS:
        out.append(f"{WORDS[n]} kali")
    return out


def age(n):
    out = []
    for pre in (" ", "(", "*"):
        out += [f"{pre}{n} tahun", f"{pre}{n} thn"]
    out += [f"usia {n}", f"umur {n}", f"usia pensiun {n}"]
    if n in (54, 56, 59):          # bare ' 59' is unambiguous enough in an answer about ages
        out.append(f" {n}")
    if n in WORDS:
        out.append(f"{WORDS[n]} tahun")
    return out


# --------------------------------------------------------------------------------------
# figures allowed in expectations, with where they come from
# --------------------------------------------------------------------------------------
# base constants (must be findable in facts.md in the given literal form)
BASE = {
    # kind, value : (literal in facts.md, section)
    ("rp", 16800): ("Rp16.800", "§3.2 BPU JKK+JKM at Rp1 juta"),
    ("rp", 6800): ("Rp6.800", "§3.2 JKM BPU flat"),
    ("rp", 10000): ("Rp10.000", "§3.2 JKK BPU lowest bracket"),
    ("rp", 20000): ("Rp20.000", "§3.2 JHT BPU lowest bracket"),
    ("rp", 36800): ("Rp36.800", "§3.2 three programmes"),
    ("rp", 12000): ("Rp12.000", "§3.2 official bracket Rp1,1-1,299 juta"),
    ("rp", 8400): ("Rp8.400", "§3.3 PP 50/2025 discounted JKK+JKM"),
    ("rp", 5000): ("Rp5.000", "§3.3 discounted JKK"),
    ("rp", 3400): ("Rp3.400", "§3.3 discounted JKM"),
    ("rp", 1000000): ("Rp1.000.000", "§3.2 lowest declared income"),
    ("rp", 42000000): ("Rp42.000.000", "§1.3 JKM total"),
    ("rp", 20000000): ("Rp20.000.000", "§1.3 santunan kematian / §1.2 home care"),
    ("rp", 12000000): ("Rp12.000.000", "§1.3 santunan berkala / §1.2 beasiswa PT per tahun"),
    ("rp", 10000000): ("Rp10.000.000", "§1.3 pemakaman / §1.2 transport udara"),
    ("rp", 174000000): ("Rp174 juta", "§1.2/§1.3 beasiswa 2 anak"),
    ("rp", 1500000): ("Rp1,5 juta", "§1.2 beasiswa TK-SD per tahun"),
    ("rp", 2000000): ("Rp2 juta", "§1.2 beasiswa SMP / transport laut"),
    ("rp", 3000000): ("Rp3 juta", "§1.2 beasiswa SMA / §1.6 JKP at cap"),
    ("rp", 5000000): ("Rp5 juta", "§1.2 transport darat / §1.6 JKP wage cap"),
    ("rp", 393500): ("Rp393.500", "§1.5 JP minimum"),
    ("rp", 11086300): ("Rp11.086.300", "§3.1 JP wage cap from 1 Mar 2026"),
    ("rp", 15000000): ("Rp15 juta", "§5.3 JMO JHT limit from Mei 2025"),
    ("rp", 50000000): ("Rp50 juta", "§5.3 NPWP threshold / §3.5 PMI care abroad"),
    ("rp", 37500): ("Rp37.500", "§3.5 PMI before work"),
    ("rp", 332500): ("Rp332.500", "§3.5 PMI 24-month contract"),
    ("rp", 189000): ("Rp189.000", "§3.5 PMI 12-month contract"),
    ("rp", 108000): ("Rp108.000", "§3.5 PMI 6-month contract"),
    ("rp", 13500): ("Rp13.500", "§3.5 PMI extension per month"),
    ("rp", 370000): ("Rp370.000", "§3.5 PMI typical total"),
    ("rp", 50000): ("Rp50.000", "§3.5 PMI optional JHT minimum"),
    ("rp", 600000): ("Rp600.000", "§3.5 PMI JHT max (2023 sources)"),
    ("rp", 500000): ("Rp500.000", "§3.5 PMI JHT max (ipol) / §6.2 Perisai bonus"),
    ("rp", 3500000): ("Rp3.500.000", "§4 BSU wage ceiling"),
    ("rp", 18000000): ("Rp18.000.000", "§1.6 JKP maximum total"),
    ("rp", 6000): ("Rp6.000", "sources.md official article 18931 (Rp12.000 -> Rp6.000)"),
    ("pct", "0,24"): ("0,24%", "§3.1 JKK sangat rendah"),
    ("pct", "0,54"): ("0,54%", "§3.1 JKK rendah"),
    ("pct", "0,89"): ("0,89%", "§3.1 JKK sedang"),
    ("pct", "1,27"): ("1,27%", "§3.1 JKK tinggi"),
    ("pct", "1,74"): ("1,74%", "§3.1 JKK sangat tinggi"),
    ("pct", "0,3"): ("0,30%", "§3.1 JKM PU"),
    ("pct", "3,7"): ("3,7%", "§3.1 JHT employer"),
    ("pct", "5,7"): ("5,7%", "§3.1 JHT total"),
    ("pct", "2"): ("2%", "§3.1 JHT worker / JP employer / §3.2 JHT BPU"),
    ("pct", "1"): ("1%", "§3.1 JP worker / §3.2 JKK BPU"),
    ("pct", "3"): ("3%", "§3.1 JP total"),
    ("pct", "60"): ("60%", "§1.6 JKP benefit"),
    ("pct", "0,36"): ("0,36%", "§1.6 JKP contribution"),
    ("pct", "0,22"): ("0,22%", "§1.6 government share"),
    ("pct", "0,14"): ("0,14%", "§1.6 from JKK"),
    ("pct", "7,5"): ("7,5%", "§6.2 Perisai fee"),
    ("pct", "7"): ("7 Persen", "§6.2 Kendari Perisai fee"),
    ("pct", "90"): ("90%", "§6.2 agent share"),
    ("pct", "10"): ("10%", "§1.4 JHT partial / §6.2 body share"),
    ("pct", "30"): ("30%", "§1.4 JHT partial for housing"),
    ("pct", "100"): ("100%", "§1.2 STMB first 12 months"),
    ("pct", "50"): ("50%", "§1.2 STMB after 12 months / §3.3 discount"),
    ("pct", "0,21"): ("0,21%", "§3.4 Jakon JKK <= Rp100 juta"),
    ("pct", "0,03"): ("0,03%", "§3.4 Jakon JKM <= Rp100 juta"),
    ("mult", 48): ("48×", "§1.2 JKK death"),
    ("mult", 56): ("56×", "§1.2 JKK total permanent disability"),
    ("mult", 80): ("80×", "§1.2 JKK partial disability"),
    ("bulan", 1): ("1 month", "§5.3 JHT waiting period"),
    ("bulan", 3): ("3 months", "§5.2 BPU grace period"),
    ("bulan", 6): ("6 months", "§1.6 JKP duration/claim deadline; §2 foreigners"),
    ("bulan", 12): ("12 months", "§1.6 qualifying; §1.2 STMB"),
    ("bulan", 24): ("24 months", "§1.6 qualifying window"),
    ("bulan", 36): ("3 tahun", "§1.3 beasiswa JKM (3 years = 36 months)"),
    ("tahun", 1): ("1 tahun", "§1.2 home care"),
    ("tahun", 3): ("3 years", "§1.3 beasiswa JKM / §1.5 JP deferral"),
    ("tahun", 5): ("5 tahun", "§1.2 beasiswa PT"),
    ("tahun", 8): ("8 tahun", "§1.2 beasiswa TK-SD"),
    ("tahun", 10): ("10 years", "§1.4 JHT partial"),
    ("tahun", 15): ("15 years", "§1.5 JP minimum period"),
    ("tahun", 23): ("23", "§1.2/§1.5 child age limit"),
    ("tahun", 54): ("54", "§1.6 JKP registration age"),
    ("tahun", 56): ("56", "§1.4 JHT age"),
    ("tahun", 59): ("59", "§1.5 JP pension age 2025-2027"),
    ("hari", 7): ("7 days", "§5.1 card issued"),
    ("hari", 30): ("30 hari", "§1.2 suspected accident / §5.1 employer registration"),
    ("hari kerja", 14): ("14 working days", "§3.4 Jakon registration"),
    ("hari", 14): ("14 working days", "§3.4 Jakon registration (spelled without 'kerja')"),
    ("hari", 5): ("5 working days", "§5.3 one source"),
    ("hari kerja", 5): ("5 working days", "§5.3 one source"),
    ("menit", 10): ("5–10 minutes", "§5.3 JMO payout (2022 blog)"),
}

# values computed from the constants above (formula, section); re-computed and asserted here
def _computed():
    c = {}
    def add(kind, v, why):
        c[(kind, v)] = why
    add("rp", 18800, "§3.2 10% bracket: 12.000 + 6.800")
    add("rp", 9400, "§3.3: 6.000 + 3.400 (discounted bracket Rp1,1-1,299 juta)")
    add("rp", 28400, "§3.2/§3.3: 8.400 + 20.000 (JHT not discounted)")
    add("rp", 70000, "§3.1: 2% x 3.500.000")
    add("rp", 129500, "§3.1: 3,7% x 3.500.000")
    add("rp", 18900, "§3.1: 0,54% x 3.500.000")
    add("rp", 80000, "§3.1: 2% x 4.000.000")
    add("rp", 40000, "§3.1: 1% x 4.000.000")
    add("rp", 120000, "§3.1: 3% x 4.000.000")
    add("rp", 60000, "§3.1: 2% x 3.000.000")
    add("rp", 105000, "§3.1: 3% x 3.500.000 (JHT 2% + JP 1%)")
    add("rp", 118400, "§3.1: 3,7% x 3.200.000")
    add("rp", 64000, "§3.1: 2% x 3.200.000")
    add("rp", 44500, "§3.1: 0,89% x 5.000.000")
    add("rp", 110863, "§3.1: 1% x 11.086.300 (JP cap)")
    add("rp", 221726, "§3.1: 2% x 11.086.300")
    add("rp", 332589, "§3.1: 3% x 11.086.300")
    add("rp", 2700000, "§1.6: 60% x 4.500.000")
    add("rp", 16200000, "§1.6: 6 x 2.700.000")
    add("rp", 2100000, "§1.6: 60% x 3.500.000")
    add("rp", 12600000, "§1.6: 6 x 2.100.000")
    add("rp", 2400000, "§1.6: 60% x 4.000.000")
    add("rp", 14400000, "§1.6: 6 x 2.400.000")
    add("rp", 9000000, "§1.6: 6 x 1.500.000")
    add("rp", 2280000, "§1.6: 60% x 3.800.000")
    add("rp", 13680000, "§1.6: 6 x 2.280.000")
    add("rp", 3600000, "§1.6: 60% x 6.000.000 (WRONG: above the Rp5 juta cap; used in none)")
    add("rp", 144000000, "§1.2: 48 x 3.000.000")
    add("rp", 168000000, "§1.2: 48 x 3.500.000")
    add("rp", 280000000, "§1.2: 56 x 5.000.000")
    add("rp", 48000000, "§1.2: 48 x 1.000.000 (BPU lowest bracket)")
    add("rp", 2500000, "§1.2: STMB 50% x 5.000.000")
    add("rp", 2016000, "§3.2: 120 x 16.800")
    add("rp", 1344000, "§3.2: 80 x 16.800")
    add("rp", 10080000, "§6.1: 50 x 16.800 x 12")
    add("rp", 40320000, "§6.1: 200 x 16.800 x 12")
    add("rp", 126000, "§6.2: 7,5% x 100 x 16.800")
    add("rp", 117600, "§6.2: 7% x 100 x 16.800")
    add("rp", 92400, "§3.3: 8.400 (Des 2026) + 5 x 16.800 (Jan-Mei 2027)")
    add("rp", 50400, "§3.3: 6 x 8.400 (WRONG for a farmer prepaying from Dec; used in none)")
    add("rp", 42000, "§3.3: 8.400 + 2 x 16.800 (farmer, Des-Feb)")
    add("rp", 25200, "§3.3: 3 x 8.400 (transport Des-Feb, correct for ojol; wrong for farmer)")
    add("rp", 168000, "§3.3: 4 x 8.400 + 8 x 16.800 (transport Des 2026-Nov 2027) / §3.4: 0,21% x 80 juta")
    add("rp", 100800, "§3.3: 12 x 8.400 (WRONG for 12 months from Dec; used in none)")
    add("rp", 18000000, "§1.4: 30% x 60.000.000")
    add("rp", 24000, "§3.4: 0,03% x 80.000.000")
    add("rp", 192000, "§3.4: 0,24% x 80.000.000")
    add("rp", 199500, "§3.4: 0,21% x 95.000.000")
    add("rp", 28500, "§3.4: 0,03% x 95.000.000")
    add("rp", 228000, "§3.4: 0,24% x 95.000.000")
    add("rp", 216000, "§3.4: 0,24% x 90.000.000")
    add("rp", 226500, "§3.5: 37.500 + 189.000")
    add("rp", 1000000, "§1.5: 1% x (240/12) x 60.000.000 / 12")
    return c

COMPUTED = _computed()


def _assert_computed():
    def A(a, b):
        return (_ for _ in ()).throw(AssertionError(f"{a} != {b}")) if a != b else None
    A(10000 + 6800, 16800); A(16800 + 20000, 36800); A(16800 // 2, 8400)
    A(12000 + 6800, 18800); A(6000 + 3400, 9400); A(8400 + 20000, 28400)
    A(round(3_500_000 * 0.02), 70000); A(round(3_500_000 * 0.037), 129500)
    A(round(3_500_000 * 0.0054), 18900); A(round(4_000_000 * 0.03), 120000)
    A(round(3_500_000 * 0.03), 105000); A(round(3_200_000 * 0.037), 118400)
    A(round(5_000_000 * 0.0089), 44500)
    A(round(11_086_300 * 0.01), 110863); A(round(11_086_300 * 0.02), 221726)
    A(round(11_086_300 * 0.03), 332589)
    A(round(0.6 * 4_500_000), 2_700_000); A(round(0.6 * min(6_000_000, 5_000_000)), 3_000_000)
    A(round(0.6 * 3_800_000) * 6, 13_680_000); A(round(0.6 * 5_000_000) * 6, 18_000_000)
    A(48 * 3_000_000, 144_000_000); A(48 * 3_500_000, 168_000_000); A(56 * 5_000_000, 280_000_000)
    A(120 * 16800, 2_016_000); A(80 * 16800, 1_344_000); A(50 * 16800 * 12, 10_080_000)
    A(200 * 16800 * 12, 40_320_000); A(round(100 * 16800 * 0.075), 126000)
    A(round(100 * 16800 * 0.07), 117600); A(8400 + 5 * 16800, 92400); A(8400 + 2 * 16800, 42000)
    A(4 * 8400 + 8 * 16800, 168000); A(round(0.3 * 60_000_000), 18_000_000)
    A(round(80_000_000 * 0.0021) + round(80_000_000 * 0.0003), 192000)
    A(round(95_000_000 * 0.0021) + round(95_000_000 * 0.0003), 228000)
    A(37500 + 332500, 370000); A(37500 + 189000, 226500)
    A(round(0.01 * (240 / 12) * 60_000_000 / 12), 1_000_000)
    # scholarship schedule adds up to Rp174 juta for 2 children
    A(2 * (1_500_000 * 8 + 2_000_000 * 3 + 3_000_000 * 3 + 12_000_000 * 5), 174_000_000)
    A(20_000_000 + 12_000_000 + 10_000_000, 42_000_000)


# literal (non-figure) strings with digits that may appear in expectations
LITERALS = {
    "175": "§7 call centre", "165": "BPJS Kesehatan care centre (brief)",
    "2x24": "§5.3 JKK stage II", "2 x 24": "§5.3", "2×24": "§5.3", "48 jam": "§5.3 (2x24 jam)",
    "07.00": "§7 hours WITA", "23.00": "§7 hours WITA", "06.00": "§7 hours WIB", "22.00": "§7 hours WIB",
    "Maret 2027": "§3.3 transport window end", "Mar 2027": "§3.3", "Desember 2026": "§3.3 other BPU window end",
    "Des 2026": "§3.3", "akhir 2026": "§3.3", " 89": "§1.2 occupational diseases", "89 penyakit": "§1.2",
    "3, 6": "§3.2 prepay", "3/6/12": "§3.2 prepay", "3, 6, atau 12": "§3.2 prepay",
    "1.100.000": "§3.2 bracket", "1,1 juta": "§3.2 bracket", "1.299.000": "§3.2 bracket",
    "PP 50/2025": "§3.3", "2027": "§3.3",
    "tahap 1": "§5.3 JKK report stage I", "tahap 2": "§5.3 JKK report stage II",
    "1 kali": "§1.4 partial JHT once", "1x": "§1.4 once", "1 x": "§1.4 once",
    "39A": "§1.6 PP 6/2025 Pasal 39A", "jam 7": "§7 07.00 WITA", "jam 6": "§7 06.00 WIB",
    "BP2MI": "§3.5 PMI agency (redirect)", "KP2MI": "§3.5 PMI ministry (redirect)", "P3MI": "§3.5 Pelaksana Penempatan",
    "belum berusia 54": "§1.6 JKP age at registration",
}


def figure_index():
    """spelling -> (kind, value) for every allowed figure."""
    idx = {}
    keys = set(BASE) | set(COMPUTED)
    for kind, v in keys:
        if kind == "rp":
            sp = rp(v)
        elif kind == "pct":
            sp = pct(v)
        elif kind == "mult":
            sp = mult(v)
        elif kind == "tahun" and v in (23, 54, 56, 59):
            sp = age(v) + dur(v, "tahun")
        else:
            sp = dur(v, kind)
        for s in sp:
            idx.setdefault(s, (kind, v))
    return idx


# --------------------------------------------------------------------------------------
# parsing figures typed by the user (for the echo rule at figure level)
# --------------------------------------------------------------------------------------
def text_figures(text):
    t = text.lower()
    found = set()
    for m in re.finditer(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(juta|jt|ribu|rb|k\b)?", t):
        whole, frac, unit = m.group(1), m.group(2), m.group(3)
        base = float(whole.replace(".", "")) + (float("0." + frac) if frac else 0.0)
        mulv = {"juta": 1e6, "jt": 1e6, "ribu": 1e3, "rb": 1e3, "k": 1e3}.get(unit or "", 1)
        v = round(base * mulv)
        found.add(("rp", v))
    for m in re.finditer(r"(\d+(?:[.,]\d+)?)\s*(%|persen)", t):
        found.add(("pct", m.group(1).replace(".", ",")))
    for m in re.finditer(r"(\d+)\s*(bulan|bln)", t):
        found.add(("bulan", int(m.group(1))))
    for m in re.finditer(r"(\d+)\s*(tahun|thn|th\b)", t):
        found.add(("tahun", int(m.group(1))))
    for m in re.finditer(r"(?:usia|umur)\s*(\d+)", t):
        found.add(("tahun", int(m.group(1))))
    for m in re.finditer(r"(\d+)\s*(hari)", t):
        found.add(("hari", int(m.group(1))))
    for m in re.finditer(r"(\d+)\s*(x|kali|×)", t):
        found.add(("mult", int(m.group(1))))
    for w, n in WORDS.items():
        for unit, kind in (("bulan", "bulan"), ("tahun", "tahun")):
            if re.search(rf"\b{n} {unit}\b", t):
                found.add((kind, w))
    if "sebulan" in t:
        found.add(("bulan", 1))
    if "setahun" in t:
        found.add(("tahun", 1))
    return found


def norm_alt(a):
    return a.strip(" *(=±").lower()


def typed(alt, tl):
    """True when the alternative (trimmed) occurs in the lower-cased user text;
    short alternatives (<= 4 chars, e.g. 'JP', 'PU', 'JKK') must occur as a whole word."""
    n = norm_alt(alt)
    if not n:
        return False
    if len(n) <= 4:
        return re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", tl) is not None
    return n in tl


def echo_problems(text, groups, idx):
    probs = []
    tl = text.lower()
    tf = text_figures(text)
    for gi, g in enumerate(groups):
        for a in g:
            if typed(a, tl):
                probs.append(f"group {gi}: alternative {a!r} is typed by the user")
            fv = idx.get(a)
            if fv and fv in tf:
                probs.append(f"group {gi}: figure {a!r} equals a figure the user typed")
    return probs


# --------------------------------------------------------------------------------------
def check_item(where, text, exp, idx, errors):
    if not isinstance(exp, dict) or "all" not in exp:
        errors.append(f"{where}: expect.all missing")
        return
    groups = exp["all"]
    if not isinstance(groups, list) or not groups:
        errors.append(f"{where}: expect.all must be a non-empty list")
        return
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g or not all(isinstance(a, str) and a.strip() for a in g):
            errors.append(f"{where}: group {gi} empty or has empty strings")
            continue
        for a in g:
            if re.search(r"\d", a) and a not in idx and a not in LITERALS and a.strip() not in LITERALS:
                errors.append(f"{where}: {a!r} is not a known figure spelling")
    for p in echo_problems(text, groups, idx):
        errors.append(f"{where}: ECHO {p}")
    none = exp.get("none", [])
    if none:
        req = {a.lower() for g in groups for a in g}
        for n in none:
            if not isinstance(n, str) or not n.strip():
                errors.append(f"{where}: empty none string")
            if n.lower() in req:
                errors.append(f"{where}: none {n!r} is also required")
            if re.search(r"\d", n) and n not in idx and n.strip() not in LITERALS:
                # a none string must be (part of) a known figure spelling or contain one
                ns = n.strip()
                if not (any(ns in s for s in idx) or any(len(s.strip()) >= 3 and s.strip() in n for s in idx)
                        or any(l in n for l in LITERALS if len(l) >= 4)):
                    errors.append(f"{where}: none {n!r} is not a figure spelling")


PLAN = {"followup": 50, "out_of_scope": 30, "feeling": 30, "colloquial": 25,
        "story": 20, "abbrev": 15, "formal": 10}


def main():
    import yaml
    _assert_computed()
    errors = []
    idx = figure_index()
    # base constants must be present in facts.md
    if os.path.exists(FACTS):
        facts = open(FACTS, encoding="utf-8").read()
        src = os.path.join(os.path.dirname(FACTS), "sources.md")
        if os.path.exists(src):
            facts += open(src, encoding="utf-8").read()
        for (kind, _v), (lit, sec) in BASE.items():
            if lit[0].isdigit() and kind in ("bulan", "tahun", "hari", "hari kerja", "menit"):
                continue  # durations are described in words in facts.md
            if lit not in facts:
                errors.append(f"facts.md does not contain {lit!r} ({sec})")
    msgs = yaml.safe_load(open(os.path.join(HERE, "messages.yml"), encoding="utf-8"))["messages"]
    ids = [m["id"] for m in msgs]
    if len(ids) != len(set(ids)):
        errors.append("duplicate message ids: " + ", ".join(i for i, c in Counter(ids).items() if c > 1))
    if len(msgs) != 180:
        errors.append(f"expected 180 messages, found {len(msgs)}")
    styles = Counter(m["style"] for m in msgs)
    for s, n in PLAN.items():
        if styles.get(s, 0) != n:
            errors.append(f"style {s}: {styles.get(s, 0)} (planned {n})")
    for s in styles:
        if s not in PLAN:
            errors.append(f"unknown style {s}")
    texts = Counter(m["text"].strip().lower() for m in msgs)
    for t, c in texts.items():
        if c > 1 and len(t) > 12:
            errors.append(f"duplicate message text: {t!r}")
    for m in msgs:
        where = m["id"]
        if not m.get("text", "").strip():
            errors.append(f"{where}: empty text")
        if not str(m.get("why", "")).startswith("§"):
            errors.append(f"{where}: why must cite a facts.md section (§...)")
        ctx = m.get("context")
        if m["style"] == "followup":
            if not ctx or not (1 <= len(ctx) <= 3):
                errors.append(f"{where}: followup needs 1-3 context turns")
        elif ctx:
            errors.append(f"{where}: context only allowed for followup")
        check_item(where, m["text"], m.get("expect"), idx, errors)
    convs = yaml.safe_load(open(os.path.join(HERE, "conversations.yml"), encoding="utf-8"))["conversations"]
    cids = [c["id"] for c in convs]
    if len(cids) != len(set(cids)):
        errors.append("duplicate conversation ids")
    if len(convs) < 20:
        errors.append(f"only {len(convs)} conversations")
    nsteps = 0
    for c in convs:
        st = c["steps"]
        nsteps += len(st)
        if not (6 <= len(st) <= 8):
            errors.append(f"{c['id']}: {len(st)} steps (need 6-8)")
        if not c.get("persona"):
            errors.append(f"{c['id']}: persona missing")
        if not any("OUT-OF-SCOPE" in str(s.get("note", "")) for s in st):
            errors.append(f"{c['id']}: no out-of-scope digression (a step whose note says OUT-OF-SCOPE)")
        for i, s in enumerate(st, 1):
            check_item(f"{c['id']} step {i}", s["user"], s.get("expect"), idx, errors)
            if not str(s.get("note", "")).startswith("§"):
                errors.append(f"{c['id']} step {i}: note must cite a section (§...)")
    print(f"messages: {len(msgs)}  styles: {dict(sorted(styles.items()))}")
    print(f"conversations: {len(convs)}  steps: {nsteps}")
    print(f"figure spellings known: {len(idx)}")
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
