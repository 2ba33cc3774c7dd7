#!/usr/bin/env python3
"""Structural checks for the dev34 evaluation set (messages.yml, conversations.yml).

Run from this folder:  python3 validate.py
Exit code 0 = structure OK (warnings may still be printed), 1 = errors.

Checks
- messages.yml: exactly 180 messages, ids m001..m180 unique and in order, style counts,
  required keys, `context` only (and always) on followup items with 1-3 strings,
  `expect.all` has 1-3 non-empty groups of non-empty strings, `none` is a list,
  no `none` string is also an `all` alternative, `why` is present.
- conversations.yml: at least 25 conversations, unique ids c01.., persona, 6-8 steps,
  each step has user / expect / note with the same expect rules.
- Echo warnings: an `all` alternative that already occurs in the user's own text.
- Figures: every number inside an `all`/`none` alternative is parsed (Indonesian forms:
  1.200.000 / 1,2 juta / 16,8 ribu / 2 juta 100 / 0,89) and must be in FIGURES below,
  which records how each value follows from facts.md. A list of all digit-bearing
  alternatives is printed with their derivation for manual review (--quiet hides it).
"""
import re
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

STYLE_COUNTS = {
    "story": 40,
    "followup": 40,
    "feeling": 25,
    "out_of_scope": 25,
    "formal": 20,
    "colloquial": 15,
    "abbrev": 15,
}

D = Decimal

# value -> derivation (facts.md section). Reference date 2026-12-08.
FIGURES = {
    # --- small counts, durations, ages, multipliers, percentages -------------------------
    D("1"): "1 bulan wait (§5.3) / 1 tahun home care (§1.2) / 1% JP worker (§3.1) / 1 kali partial JHT / tahap 1",
    D("2"): "2 anak (§1.3/§1.5) / 2% JHT worker, 2% JP employer, 2% BPU JHT (§3.1-3.2) / 2x24 jam (§5.3) / tahap 2",
    D("3"): "3 bulan grace (§5.2) / 3 tahun JKM scholarship condition (§1.3) / 3 years SMP-SMA / prepay 3, 6, 12 (§3.2)",
    D("5"): "5 hari kerja claim payout (§5.3, one source) / 5 tahun PT scholarship (§1.2)",
    D("6"): "6 bulan JKP (§1.6) / 6 bulan foreign workers (§2) / 06.00 WIB call centre start (§7) / prepay 6",
    D("7"): "7 hari card issuance (§5.1) / 07.00 WITA = 06.00 WIB (§7)",
    D("10"): "10 tahun membership for partial JHT; 10% partial JHT (§1.4)",
    D("11"): "23.00 WITA = 11 malam (§7: 22.00 WIB + 1 h)",
    D("12"): "12 bulan STMB 100% (§1.2) / 12 of 24 months JKP (§1.6) / prepay 12 (§3.2)",
    D("15"): "15 tahun JP minimum (§1.5)",
    D("22"): "22.00 WIB call centre end (§7)",
    D("23"): "23.00 WITA = 22.00 WIB (§7)",
    D("24"): "24 bulan window JKP (§1.6) / 2x24 jam (§5.3)",
    D("30"): "30 hari employer registration (§5.1) / 30% partial JHT (§1.4)",
    D("31"): "31 bulan PMI JKK+JKM package (§3.5)",
    D("36"): "36 bulan = 3 tahun JKM scholarship condition (§1.3)",
    D("39"): "Pasal 39A PP 6/2025 (§1.6)",
    D("48"): "48 x upah JKK death (§1.2) / 48 jam = 2x24 jam (§5.3)",
    D("50"): "50% STMB after 12 months (§1.2)",
    D("54"): "JKP age limit at registration (§1.6)",
    D("56"): "JHT age (§1.4/§5.3)",
    D("59"): "JP pension age 2025-2027 (§1.5)",
    D("60"): "JKP 60% (§1.6)",
    D("65"): "JP pension age cap 65 from 2043; age 45 in 2026 -> 65 in 2046 (§1.5)",
    D("80"): "80 x upah partial disability (§1.2)",
    D("100"): "100% STMB first 12 months (§1.2)",
    D("180"): "180 bulan = 15 tahun JP minimum (§1.5)",
    D("0.02"): "JKM Jakon 0,02% for Rp100-500 juta (§3.4)",
    D("0.17"): "JKK Jakon 0,17% for Rp100-500 juta (§3.4)",
    D("0.22"): "JKP government share 0,22% (§1.6)",
    D("0.24"): "JKK employer 0,24% sangat rendah (§3.1)",
    D("0.36"): "JKP contribution 0,36% (PP 6/2025, §1.6)",
    D("0.89"): "JKK employer 0,89% sedang (§3.1)",
    D("3.7"): "JHT employer 3,7% (§3.1)",
    D("25"): "25 Desember = PHK 25 Nov 2026 + 1-month JHT wait (§5.3)",
    # --- years -----------------------------------------------------------------------------
    D("2026"): "December 2026 = last discounted contribution month for non-transport BPU (§3.3)",
    D("2027"): "March 2027 = last transport-discount month (§3.3); May 2027 = JKP claim deadline for a Nov 2026 PHK (§1.6)",
    D("2036"): "registered Dec 2026 + 10 years membership for partial JHT (§1.4)",
    # --- BPU contributions (§3.2, §3.3) -----------------------------------------------------
    D("6800"): "JKM BPU flat Rp6.800 (§3.2)",
    D("8400"): "JKK+JKM lowest bracket with PP 50/2025 50% off: 5.000 + 3.400 (§3.3)",
    D("9400"): "bracket 1,1-1,299 juta discounted: 6.000 + 3.400 (§3.3, official art. 18931)",
    D("12000"): "JKK 1% of Rp1.200.000 bracket (official art. 18931, §3.2)",
    D("16800"): "JKK 10.000 + JKM 6.800 lowest bracket (§3.2) / GN Lingkaran cost (§6.1) / 2 x 8.400",
    D("18800"): "bracket 1,1-1,299 juta: 12.000 + 6.800 (§3.2 calc.)",
    D("20000"): "BPU JHT 2% x 1.000.000 (§3.2)",
    D("24000"): "BPU JHT 2% x 1.200.000 (§3.2 calc.)",
    D("25200"): "3 x 8.400 (Dec 2026 + Jan + Feb 2027, transport; or Oct-Dec 2026 arrears, non-transport)",
    D("28400"): "Dec 2026 three programs: 5.000 + 3.400 + 20.000 (§3.3)",
    D("33400"): "bracket 1,2 juta three programs discounted: 6.000 + 3.400 + 24.000",
    D("33600"): "2 x 16.800",
    D("36800"): "three programs lowest bracket: 10.000 + 6.800 + 20.000 (§3.2)",
    D("42800"): "bracket 1,2 juta three programs: 12.000 + 6.800 + 24.000 (§3.2 calc.)",
    D("50400"): "6 x 8.400 (wrong 6-month transport total; forbidden in none)",
    D("53600"): "36.800 + 16.800 (husband 3 programs + wife JKK+JKM)",
    D("56800"): "2 x 28.400 (Dec 2026, two people, three programs)",
    D("67200"): "4 x 8.400 (Dec-Mar) + 2 x 16.800 (Apr-May 2027) transport",
    D("73600"): "2 x 36.800",
    D("84000"): "5 x 16.800 / JHT 2% x 4.200.000",
    D("85200"): "3 x 28.400",
    D("100800"): "6 x 16.800",
    D("110400"): "3 x 36.800",
    D("134400"): "8 x 16.800",
    D("184000"): "5 x 36.800",
    D("184800"): "11 x 16.800",
    D("201600"): "12 x 16.800",
    D("210000"): "25 x 8.400",
    D("220800"): "6 x 36.800",
    D("420000"): "25 x 16.800",
    D("1008000"): "60 x 16.800 / 15 x (4 x 8.400 + 2 x 16.800)",
    D("1512000"): "15 x 16.800 x 6",
    D("1510000"): "1,51 juta = rounded 1.512.000",
    # --- GN Lingkaran / village budgets (§6.1) ----------------------------------------------
    D("840000"): "50 x 16.800",
    D("1680000"): "100 x 16.800",
    D("4032000"): "20 x 16.800 x 12",
    D("4030000"): "4,03 juta = rounded 4.032.000",
    D("6048000"): "30 x 16.800 x 12",
    D("6050000"): "6,05 juta = rounded 6.048.000",
    D("8064000"): "40 x 16.800 x 12",
    D("8060000"): "8,06 juta = rounded 8.064.000",
    D("9072000"): "45 x 16.800 x 12",
    D("9070000"): "9,07 juta = rounded 9.072.000",
    D("10080000"): "50 x 16.800 x 12",
    D("12096000"): "60 x 16.800 x 12",
    D("12100000"): "12,1 juta = rounded 12.096.000",
    D("20160000"): "100 x 16.800 x 12",
    D("50400000"): "250 x 16.800 x 12",
    # --- PU contributions (§3.1) -------------------------------------------------------------
    D("7500"): "JKM 0,30% x 2.500.000",
    D("9000"): "JKM 0,30% x 3.000.000",
    D("42000"): "JP 1% x 4.200.000",
    D("50000"): "JHT 2% x 2.500.000 / PMI JHT minimum Rp50.000 (§3.5)",
    D("60000"): "JHT 2% x 3.000.000 / JP 1% x 6.000.000",
    D("90000"): "JHT 60.000 + JP 30.000 at 3 juta",
    D("92500"): "JHT employer 3,7% x 2.500.000",
    D("111000"): "JHT employer 3,7% x 3.000.000",
    D("120000"): "JHT 2% x 6.000.000",
    D("126000"): "JHT 84.000 + JP 42.000 at 4,2 juta",
    D("130000"): "1% x 13 juta without cap (wrong; forbidden in none)",
    D("180000"): "JHT 120.000 + JP 60.000 at 6 juta",
    D("110863"): "JP worker 1% x 11.086.300 (cap from 1 Mar 2026)",
    D("110800"): "110,8 ribu = 110.863 truncated",
    D("110860"): "110,86 ribu = 110.863 rounded",
    D("110900"): "110,9 ribu = 110.863 rounded",
    D("221726"): "JP employer 2% x 11.086.300",
    D("221700"): "221,7 ribu = 221.726 rounded",
    D("221730"): "221,73 ribu = 221.726 rounded",
    D("11086300"): "JP wage cap from 1 Mar 2026 (§3.1)",
    D("11080000"): "11,08 juta = cap truncated",
    D("11090000"): "11,09 juta = cap rounded",
    D("11100000"): "11,1 juta = cap rounded",
    D("10042300"): "JP cap Mar 2024 (outdated; forbidden in none)",
    D("9559600"): "JP cap before Mar 2024 (outdated; forbidden in none)",
    # --- JKP (§1.6, PP 6/2025: 60% x wage capped at 5 juta, 6 months) -------------------------
    D("1920000"): "60% x 3.200.000",
    D("1980000"): "60% x 3.300.000",
    D("2040000"): "60% x 3.400.000",
    D("2100000"): "60% x 3.500.000",
    D("2280000"): "60% x 3.800.000",
    D("2400000"): "60% x 4.000.000",
    D("2700000"): "60% x 4.500.000",
    D("3000000"): "60% x 5.000.000 cap / STMB 100% x 3 juta / SMA scholarship Rp3 juta",
    D("4200000"): "250 x 16.800 (GN Lingkaran monthly)",
    D("11520000"): "1.920.000 x 6",
    D("11880000"): "1.980.000 x 6",
    D("12240000"): "2.040.000 x 6",
    D("12600000"): "2.100.000 x 6",
    D("13680000"): "2.280.000 x 6",
    D("14400000"): "2.400.000 x 6",
    D("16200000"): "2.700.000 x 6 (also old JKM santunan 16,2 juta, forbidden)",
    D("18000000"): "3.000.000 x 6 (max at cap) / 30% x 60 juta JHT",
    D("25200000"): "4.200.000 x 6 (wrong, forbidden in none)",
    # --- JKK / JKM / scholarship (§1.2, §1.3) ------------------------------------------------
    D("1500000"): "scholarship TK-SD Rp1,5 juta/tahun / STMB 50% x 3 juta",
    D("2000000"): "sea transport max Rp2 juta / SMP scholarship Rp2 juta/tahun",
    D("2800000"): "STMB 100% x 2.800.000",
    D("10000000"): "JKM biaya pemakaman Rp10 juta",
    D("12000000"): "PT scholarship Rp12 juta/tahun / JKM santunan berkala Rp12 juta",
    D("15000000"): "JMO JHT claim limit Rp15 juta from May 2025 (§5.3)",
    D("20000000"): "JKM santunan kematian Rp20 juta / home care max Rp20 juta",
    D("24000000"): "10% x 80 x 3 juta partial disability (also old JKM total 24 juta, forbidden)",
    D("27000000"): "30% x 90 juta partial JHT",
    D("36000000"): "15% x 80 x 3 juta partial disability",
    D("42000000"): "JKM total 20 + 12 + 10 juta",
    D("50000000"): "NPWP threshold Rp50 juta (§5.3) / PMI treatment abroad Rp50 juta (§3.5)",
    D("87000000"): "max scholarship per child: 12 + 6 + 9 + 60 juta",
    D("144000000"): "JKK death 48 x 3 juta",
    D("174000000"): "max scholarship for 2 children",
    # --- PMI (§3.5) --------------------------------------------------------------------------
    D("13500"): "PMI extension Rp13.500/month",
    D("37500"): "PMI before work Rp37.500",
    D("81000"): "6 x 13.500",
    D("162000"): "12 x 13.500",
    D("189000"): "PMI 12-month contract",
    D("226500"): "37.500 + 189.000",
    D("332500"): "PMI 24-month contract",
    D("370000"): "37.500 + 332.500",
    D("500000"): "PMI JHT max per ipol.id (§3.5)",
    D("600000"): "PMI JHT max per wartakota/okezone (§3.5)",
    # --- Jasa Konstruksi (§3.4) --------------------------------------------------------------
    D("192000"): "Rp80 juta x (0,21% + 0,03%) = 168.000 + 24.000",
    D("216000"): "Rp90 juta x (0,21% + 0,03%) = 189.000 + 27.000",
    # --- misc --------------------------------------------------------------------------------
    D("175"): "call centre 175 (§7)",
    D("1000000"): "lowest declared BPU income Rp1.000.000 (§3.2)",
    D("165"): "BPJS Kesehatan care centre: NOT in facts.md; only an optional alternative next to 'BPJS Kesehatan'/'JKN', never required alone",
}

UNIT = {"ribu": D(1000), "rb": D(1000), "juta": D(10) ** 6, "jt": D(10) ** 6, "miliar": D(10) ** 9}
NUM = r"\d+(?:[.,]\d+)*"


def to_dec(tok):
    """Indonesian number token -> Decimal ('1.200.000', '1,2', '0.89', '07.00')."""
    if "," in tok:
        return D(tok.replace(".", "").replace(",", "."))
    if "." in tok:
        parts = tok.split(".")
        if all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3 and parts[0] != "0":
            return D(tok.replace(".", ""))
        return D(tok)
    return D(tok)


def numbers_in(s):
    """Parse all numeric values in an alternative string."""
    vals = []
    low = s.lower()
    # '2 juta 100' / '8 juta 64 ribu' / '16 ribu 800'
    m = re.fullmatch(r"\s*(?:rp\s?)?(" + NUM + r")\s*juta\s*(\d+)\s*ribu\s*", low)
    if m:
        return [to_dec(m.group(1)) * UNIT["juta"] + D(m.group(2)) * 1000]
    m = re.fullmatch(r"\s*(?:rp\s?)?(" + NUM + r")\s*(juta|ribu)\s*(\d+)\s*", low)
    if m:
        u = UNIT[m.group(2)]
        return [to_dec(m.group(1)) * u + D(m.group(3)) * (u / 1000)]
    for m in re.finditer(r"(" + NUM + r")\s*(ribu|rb|juta|jt|miliar)?(?![a-z0-9])", low):
        v = to_dec(m.group(1))
        if m.group(2):
            v = v * UNIT[m.group(2)]
        vals.append(v.normalize() if v != v.to_integral() else v.quantize(D(1)))
    # tokens glued to letters like '48x', '50rb', '39A', '2x24'
    for m in re.finditer(r"(\d+)(?=[a-z×])", low):
        tail = low[m.end():]
        if tail.startswith(("rb", "jt")):
            v = D(m.group(1)) * (UNIT["rb"] if tail.startswith("rb") else UNIT["jt"])
        else:
            v = D(m.group(1))
        if v not in vals:
            vals.append(v)
    return vals


def norm(v):
    v = D(v)
    return v.quantize(D(1)) if v == v.to_integral() else v.normalize()


FIG = {norm(k): t for k, t in FIGURES.items()}

errors = []
warnings = []
figure_rows = []


def err(msg):
    errors.append(msg)


def warn(msg):
    warnings.append(msg)


def check_expect(where, expect, own_text):
    if not isinstance(expect, dict):
        err(f"{where}: expect must be a mapping")
        return
    extra = set(expect) - {"all", "none"}
    if extra:
        err(f"{where}: unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    none = expect.get("none", [])
    if not isinstance(groups, list) or not groups:
        err(f"{where}: expect.all must be a non-empty list of groups")
        groups = []
    if len(groups) > 3:
        err(f"{where}: expect.all has {len(groups)} groups (max 3)")
    if not isinstance(none, list):
        err(f"{where}: expect.none must be a list")
        none = []
    alts_all = []
    low_text = (own_text or "").lower()
    for gi, g in enumerate(groups, 1):
        if not isinstance(g, list) or not g:
            err(f"{where}: group {gi} empty or not a list")
            continue
        echo = []
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(f"{where}: group {gi} has an empty/non-string alternative")
                continue
            alts_all.append(a)
            if a.lower() in low_text:
                echo.append(a)
        if echo:
            if len(echo) == len(g):
                warn(f"{where}: group {gi} is satisfied only by echoing the user's words {echo}")
            else:
                warn(f"{where}: group {gi} alternatives echo the user's words {echo} (other alternatives exist)")
    for n in none:
        if not isinstance(n, str) or not n.strip():
            err(f"{where}: empty/non-string in none")
            continue
        if any(n.lower() == a.lower() for a in alts_all):
            err(f"{where}: '{n}' is both required and forbidden")
        for a in alts_all:
            if n.lower() in a.lower():
                err(f"{where}: forbidden '{n}' is a substring of required alternative '{a}'")
    for kind, lst in (("all", alts_all), ("none", [x for x in none if isinstance(x, str)])):
        for a in lst:
            if not re.search(r"\d", a):
                continue
            vals = numbers_in(a)
            if not vals:
                err(f"{where}: could not parse a number in '{a}'")
                continue
            for v in vals:
                v = norm(v)
                if v not in FIG:
                    err(f"{where}: figure {v} in '{a}' is not in FIGURES (not traceable)")
                else:
                    figure_rows.append((where, kind, a, v, FIG[v]))


def load(name):
    p = HERE / name
    if not p.exists():
        err(f"{name} missing")
        return None
    with open(p, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check_messages():
    data = load("messages.yml")
    if data is None:
        return
    if not isinstance(data, dict) or list(data) != ["messages"]:
        err("messages.yml: top-level key must be exactly 'messages'")
        return
    msgs = data["messages"]
    if len(msgs) != 180:
        err(f"messages.yml: {len(msgs)} messages (need 180)")
    ids = [m.get("id") for m in msgs]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    if dup:
        err(f"messages.yml: duplicate ids {dup}")
    expected_ids = [f"m{i:03d}" for i in range(1, len(msgs) + 1)]
    if ids != expected_ids:
        err("messages.yml: ids are not m001..m180 in order")
    counts = Counter(m.get("style") for m in msgs)
    for st, n in STYLE_COUNTS.items():
        if counts.get(st, 0) != n:
            err(f"messages.yml: style {st} has {counts.get(st, 0)} (need {n})")
    for st in counts:
        if st not in STYLE_COUNTS:
            err(f"messages.yml: unknown style {st}")
    texts = Counter()
    for m in msgs:
        mid = m.get("id", "?")
        allowed = {"id", "style", "text", "context", "expect", "why"}
        extra = set(m) - allowed
        if extra:
            err(f"{mid}: unknown keys {sorted(extra)}")
        for k in ("id", "style", "text", "expect", "why"):
            if k not in m or m[k] in (None, ""):
                err(f"{mid}: missing {k}")
        text = m.get("text") or ""
        texts[text.strip().lower()] += 1
        if m.get("style") == "followup":
            ctx = m.get("context")
            if not isinstance(ctx, list) or not (1 <= len(ctx) <= 3) or not all(isinstance(c, str) and c.strip() for c in ctx):
                err(f"{mid}: followup needs context = list of 1-3 non-empty strings")
        elif "context" in m:
            err(f"{mid}: context only allowed on followup items")
        if m.get("style") == "story":
            n_sent = len([s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s])
            if not (4 <= n_sent <= 8):
                warn(f"{mid}: story has {n_sent} sentences (brief: 4-8)")
            if not text.rstrip().endswith("?"):
                warn(f"{mid}: story does not end with a question mark")
        check_expect(mid, m.get("expect"), text)
    for t, c in texts.items():
        if c > 1:
            err(f"messages.yml: duplicate text: {t[:60]}")
    return counts


def check_conversations():
    data = load("conversations.yml")
    if data is None:
        return 0, 0
    if not isinstance(data, dict) or list(data) != ["conversations"]:
        err("conversations.yml: top-level key must be exactly 'conversations'")
        return 0, 0
    convs = data["conversations"]
    if len(convs) < 25:
        err(f"conversations.yml: {len(convs)} conversations (need >= 25)")
    ids = [c.get("id") for c in convs]
    if len(set(ids)) != len(ids):
        err("conversations.yml: duplicate ids")
    if ids != [f"c{i:02d}" for i in range(1, len(convs) + 1)]:
        err("conversations.yml: ids are not c01.. in order")
    steps_total = 0
    for c in convs:
        cid = c.get("id", "?")
        if not c.get("persona"):
            err(f"{cid}: missing persona")
        steps = c.get("steps") or []
        if not (6 <= len(steps) <= 8):
            err(f"{cid}: {len(steps)} steps (need 6-8)")
        steps_total += len(steps)
        for i, s in enumerate(steps, 1):
            where = f"{cid}.{i}"
            for k in ("user", "expect", "note"):
                if not s.get(k):
                    err(f"{where}: missing {k}")
            extra = set(s) - {"user", "expect", "note"}
            if extra:
                err(f"{where}: unknown keys {sorted(extra)}")
            check_expect(where, s.get("expect"), s.get("user"))
    return len(convs), steps_total


def main():
    quiet = "--quiet" in sys.argv
    counts = check_messages()
    n_conv, n_steps = check_conversations()
    if not quiet:
        print("== digit-bearing alternatives (check each against facts.md) ==")
        by_val = defaultdict(list)
        for where, kind, alt, v, why in figure_rows:
            by_val[v].append(f"{where}:{kind}:'{alt}'")
        for v in sorted(by_val):
            print(f"{v:>12} | {FIG[v]}")
            print(f"{'':>12} | used in: {', '.join(by_val[v])}")
        unused = sorted(set(FIG) - set(by_val))
        if unused:
            print(f"(FIGURES entries not used: {', '.join(str(u) for u in unused)})")
    print("\n== summary ==")
    if counts:
        print("styles:", dict(counts))
    print(f"conversations: {n_conv}, steps: {n_steps}")
    print(f"warnings: {len(warnings)}")
    for w in warnings:
        print("  WARN", w)
    print(f"errors: {len(errors)}")
    for e in errors:
        print("  ERROR", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
