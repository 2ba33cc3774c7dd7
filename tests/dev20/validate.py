#!/usr/bin/env python3
"""Re-check the dev20 blind set (messages.yml, conversations.yml).

Checks: ids unique; 180 messages with the agreed style mix; context only on followup messages;
>= 20 conversations of 6-8 steps; every expect group non-empty; ECHO RULE (no required
alternative already typed by the user in that message/step); every figure spelled in an
expectation parses to a value that is either written in facts.md or derived here from facts.md
constants (each base constant's literal spelling is looked up in facts.md).

Usage: python3 validate.py [path/to/facts.md]
"""
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FACTS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/domain/facts.md"
MIX = {"feeling": 55, "story": 35, "colloquial": 35, "followup": 30, "formal": 10, "abbrev": 7, "out_of_scope": 8}

errors, warnings = [], []
def err(msg): errors.append(msg)

facts = open(FACTS, encoding="utf-8").read()
facts_l = facts.lower()

# ---------------- constants: (value, literal spelling that must occur in facts.md, section) -------------
BASE = {
    "bpu_min_income": (1_000_000, "Rp1.000.000", "§3.2"),
    "bpu_jkk_min": (10_000, "Rp10.000", "§3.2"),
    "bpu_jkm": (6_800, "Rp6.800", "§3.2"),
    "bpu_jkkjkm": (16_800, "Rp16.800", "§3.2"),
    "bpu_jht": (20_000, "Rp20.000", "§3.2"),
    "bpu_3prog": (36_800, "Rp36.800", "§3.2"),
    "bpu_jkk_b2": (12_000, "Rp12.000", "§3.2 official art. 18931"),
    "bpu_base_b2": (1_200_000, "Rp1.200.000", "§3.2"),
    "bpu_b2_total": (18_800, "Rp18.800", "§3.2"),
    "disc": (8_400, "Rp8.400", "§3.3"),
    "disc_jkk": (5_000, "Rp5.000", "§3.3"),
    "disc_jkm": (3_400, "Rp3.400", "§3.3"),
    "pmi_before": (37_500, "Rp37.500", "§3.5"),
    "pmi_24": (332_500, "Rp332.500", "§3.5"),
    "pmi_12": (189_000, "Rp189.000", "§3.5"),
    "pmi_6": (108_000, "Rp108.000", "§3.5"),
    "pmi_ext": (13_500, "Rp13.500", "§3.5"),
    "pmi_total": (370_000, "Rp370.000", "§3.5"),
    "pmi_jht_min": (50_000, "Rp50.000", "§3.5"),
    "pmi_abroad": (50_000_000, "Rp50 juta", "§3.5"),
    "jp_cap_2026": (11_086_300, "Rp11.086.300", "§3.1 (from 1 Mar 2026)"),
    "jkm_total": (42_000_000, "Rp42.000.000", "§1.3"),
    "jkm_lump": (20_000_000, "Rp20.000.000", "§1.3"),
    "jkm_periodic": (12_000_000, "Rp12.000.000", "§1.3"),
    "jkm_funeral": (10_000_000, "Rp10.000.000", "§1.3"),
    "scholar_max": (174_000_000, "Rp174 juta", "§1.2"),
    "sch_sd": (1_500_000, "Rp1,5 juta", "§1.2"),
    "sch_smp": (2_000_000, "Rp2 juta", "§1.2"),
    "sch_sma": (3_000_000, "Rp3 juta", "§1.2"),
    "sch_pt": (12_000_000, "Rp12 juta", "§1.2"),
    "homecare": (20_000_000, "Rp20.000.000", "§1.2"),
    "transport_land": (5_000_000, "Rp5 juta", "§1.2"),
    "transport_sea": (2_000_000, "Rp2 juta", "§1.2"),
    "jkp_cap": (5_000_000, "Rp5.000.000", "§1.6"),
    "jkp_max_month": (3_000_000, "Rp3 juta", "§1.6"),
    "jkp_max_total": (18_000_000, "Rp18.000.000", "§1.6"),
    "jmo_limit": (15_000_000, "Rp15 juta", "§5.3"),
    "npwp": (50_000_000, "Rp50 juta", "§5.3"),
    "perisai_bonus": (500_000, "Rp500.000", "§6.2"),
}
for k, (_v, lit, _sec) in BASE.items():
    if lit.lower() not in facts_l:
        err(f"base constant {k}: literal '{lit}' not found in facts.md")
B = {k: v for k, (v, _, _) in BASE.items()}

def pctv(rate, base):
    return round(rate * base / 100)

DERIVED = {
    # BPU (§3.2/§3.3)
    B["bpu_min_income"] * 1 // 100: "1% x Rp1.000.000",
    B["disc"] + B["bpu_jht"]: "Rp8.400 + Rp20.000 (JHT not discounted)",
    B["bpu_jkk_b2"] // 2: "50% x Rp12.000",
    B["bpu_jkk_b2"] // 2 + B["bpu_jkm"] // 2: "discounted bracket-2 JKK+JKM",
    B["bpu_base_b2"] * 2 // 100: "2% x Rp1.200.000",
    2 * B["bpu_jkkjkm"]: "2 persons x Rp16.800",
    30 * B["bpu_jkkjkm"]: "30 x Rp16.800",
    200 * B["bpu_jkkjkm"]: "200 x Rp16.800",
    120 * B["bpu_jkkjkm"] * 12: "120 x Rp16.800 x 12",
    120 * B["bpu_jkkjkm"]: "120 x Rp16.800",
    150 * B["bpu_jkkjkm"]: "150 x Rp16.800",
    150 * B["bpu_jkkjkm"] * 12: "150 x Rp16.800 x 12",
    300 * B["bpu_jkkjkm"] * 12: "300 x Rp16.800 x 12",
    4 * B["disc"] + 2 * B["bpu_jkkjkm"]: "transport prepay Dec26-May27",
    3 * B["disc"]: "transport prepay Dec26-Feb27",
    3 * (B["disc"] + B["bpu_jht"]): "transport prepay Dec26-Feb27 with JHT",
    B["disc"] + 2 * B["bpu_jkkjkm"]: "non-transport prepay Dec26-Feb27",
    # JKP 60% (§1.6)
    pctv(60, 4_500_000): "60% x Rp4,5 juta", pctv(60, 4_000_000): "60% x Rp4 juta",
    pctv(60, 3_200_000): "60% x Rp3,2 juta", pctv(60, 4_200_000): "60% x Rp4,2 juta",
    # JKK (§1.2)
    48 * 5_000_000: "48 x Rp5 juta", 48 * 3_000_000: "48 x Rp3 juta", 48 * 1_000_000: "48 x Rp1 juta",
    48 * 3_500_000: "48 x Rp3,5 juta / 56 x Rp3 juta", 56 * 3_500_000: "56 x Rp3,5 juta",
    56 * 1_000_000: "56 x Rp1 juta", 80 * 3_500_000: "80 x Rp3,5 juta", 80 * 1_000_000: "80 x Rp1 juta",
    pctv(50, 3_200_000): "STMB 50% x Rp3,2 juta", pctv(50, 4_000_000): "STMB 50% x Rp4 juta",
    # PU (§3.1)
    pctv(2, 2_500_000): "JHT 2% x Rp2,5 juta", pctv(1, 2_500_000): "JP 1% x Rp2,5 juta",
    pctv(0.24, 2_500_000): "JKK 0,24% x Rp2,5 juta / JKM 0,30% x Rp2 juta",
    pctv(0.30, 2_500_000): "JKM 0,30% x Rp2,5 juta", pctv(3.7, 2_500_000): "JHT 3,7% x Rp2,5 juta",
    pctv(0.24 + 0.30 + 3.7, 2_500_000): "employer JKK+JKM+JHT x Rp2,5 juta",
    pctv(2, 2_800_000): "JHT 2% x Rp2,8 juta", pctv(0.24, 2_800_000): "JKK 0,24% x Rp2,8 juta",
    pctv(3.7, 2_800_000): "JHT 3,7% x Rp2,8 juta", pctv(0.24 + 0.30 + 3.7, 2_800_000): "employer total x Rp2,8 juta",
    pctv(3.7, 2_000_000): "JHT 3,7% x Rp2 juta", pctv(2, 3_000_000): "JHT 2% x Rp3 juta",
    pctv(1, 3_000_000): "JP 1% x Rp3 juta",
    pctv(1, B["jp_cap_2026"]): "JP 1% x cap 2026", pctv(2, B["jp_cap_2026"]): "JP 2% x cap 2026",
    # Jakon (§3.4) contract Rp80 juta
    pctv(0.21, 80_000_000): "JKK 0,21% x Rp80 juta", pctv(0.03, 80_000_000): "JKM 0,03% x Rp80 juta",
    pctv(0.24, 80_000_000): "JKK+JKM x Rp80 juta",
}
assert B["bpu_jkk_min"] + B["bpu_jkm"] == B["bpu_jkkjkm"]
assert B["bpu_jkkjkm"] + B["bpu_jht"] == B["bpu_3prog"]
assert B["disc_jkk"] + B["disc_jkm"] == B["disc"] == B["bpu_jkkjkm"] // 2
assert B["bpu_jkk_b2"] + B["bpu_jkm"] == B["bpu_b2_total"]
assert B["pmi_before"] + B["pmi_24"] == B["pmi_total"]
assert pctv(60, B["jkp_cap"]) == B["jkp_max_month"] and 6 * B["jkp_max_month"] == B["jkp_max_total"]
ALLOWED_MONEY = set(B.values()) | set(DERIVED)

# percentages: value -> literal that must be in facts.md
PCTS = {"0,24": "0,24%", "0,54": "0,54%", "0,89": "0,89%", "1,27": "1,27%", "1,74": "1,74%", "0,3": "0,3%",
        "0,30": "0,30%", "3,7": "3,7%", "2": "2%", "1": "1%", "0,36": "0,36%", "0,22": "0,22%", "60": "60%",
        "100": "100%", "50": "50%", "7,5": "7,5%", "7": "7 Persen", "90": "90%", "10": "10%", "30": "30%",
        "0,21": "0,21%", "0,17": "0,17%", "0,13": "0,13%", "0,11": "0,11%", "0,09": "0,09%", "0,03": "0,03%",
        "0,02": "0,02%", "0,01": "0,01%"}
for k, lit in PCTS.items():
    if lit.lower() not in facts_l:
        err(f"percentage {k}: literal '{lit}' not in facts.md")
TIMES = {48: "48×", 56: "56×", 80: "80×"}
for _n, lit in TIMES.items():
    if lit not in facts:
        err(f"multiplier {lit} not in facts.md")
DUR = {("bulan", 1): "1 month", ("bulan", 3): "3 months", ("bulan", 6): "6 months", ("bulan", 12): "12 months",
       ("bulan", 24): "24 months", ("bulan", 31): "31 months", ("tahun", 1): "1 tahun", ("tahun", 3): "3 years",
       ("tahun", 5): "5 tahun", ("tahun", 8): "8 tahun", ("tahun", 10): "10 years", ("tahun", 15): "15 years",
       ("hari", 7): "7 days", ("hari", 30): "30 hari"}
for k, lit in DUR.items():
    if lit.lower() not in facts_l:
        err(f"duration {k}: literal '{lit}' not in facts.md")
DUR_DERIVED = {("bulan", 36): "3 years x 12 (JKM scholarship condition, §1.3)"}
AGES = {23: "23", 54: "54", 56: "56", 59: "59"}
EXTRA_NUMBERS = {"165": "BPJS Kesehatan call centre (given in the task brief, not in facts.md)"}
UNIT = {"bulan": "bulan", "bln": "bulan", "tahun": "tahun", "thn": "tahun", "th": "tahun", "hari": "hari"}

def money_value(num, mult):
    if mult in ("juta", "jt"):
        return round(float(num.replace(",", ".")) * 1_000_000)
    if mult in ("ribu", "rb"):
        return round(float(num.replace(",", ".")) * 1_000)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", num):
        return int(num.replace(".", ""))
    if re.fullmatch(r"\d+", num):
        return int(num)
    return None

def check_figure(alt, where):
    if not re.search(r"\d", alt):
        return
    s = alt.strip(" (*:").lower()
    if re.fullmatch(r"(2 ?[x×] ?24|48 jam)", s):
        return
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?) ?(?:%|persen)", s)
    if m:
        v = m.group(1).replace(".", ",")
        if v not in PCTS:
            err(f"{where}: percentage '{alt}' not in facts.md")
        return
    m = re.fullmatch(r"(\d+) ?(?:kali|x|×)", s)
    if m:
        if int(m.group(1)) not in TIMES:
            err(f"{where}: multiplier '{alt}' not in facts.md")
        return
    m = re.fullmatch(r"(\d+)(?: \([a-z ]+\))? (bulan|bln|tahun|thn|th|hari)", s)
    if m:
        n, u = int(m.group(1)), UNIT[m.group(2)]
        if (u, n) not in DUR and (u, n) not in DUR_DERIVED and not (u == "tahun" and n in AGES):
            err(f"{where}: duration '{alt}' not in facts.md")
        return
    m = re.fullmatch(r"(?:usia|umur) (\d+)", s)
    if m:
        if int(m.group(1)) not in AGES:
            err(f"{where}: age '{alt}' not in facts.md")
        return
    m = re.fullmatch(r"(?:rp\.? ?)?(\d[\d.,]*) ?(juta|jt|ribu|rb)?", s)
    if m and (s.startswith("rp") or m.group(2) or "." in m.group(1) or len(m.group(1)) >= 4):
        v = money_value(m.group(1), m.group(2))
        if v is None or v not in ALLOWED_MONEY:
            err(f"{where}: amount '{alt}' (= {v}) is neither in facts.md nor derived from it")
        return
    # anything else: every number token must occur in facts.md (or be an allowed extra)
    for tok in re.findall(r"\d+", s):
        if tok in EXTRA_NUMBERS or tok in {str(a) for a in AGES}:
            continue
        if not re.search(r"(?<!\d)" + tok + r"(?!\d)", facts):
            err(f"{where}: number '{tok}' in '{alt}' not found in facts.md")

def core(alt):
    a = alt.lower().strip(" (*:,.)\n")
    for p in ("rp. ", "rp ", "rp"):
        if a.startswith(p) and a[len(p):len(p) + 1].isdigit():
            return a[len(p):]
    return a

def occurs(c, t):
    start = 0
    while True:
        i = t.find(c, start)
        if i < 0:
            return False
        if not c[0].isdigit() or i == 0 or not (t[i - 1].isdigit() or t[i - 1] in ".,"):
            return True
        start = i + 1

def check_expect(exp, text, where):
    if not isinstance(exp, dict) or "all" not in exp:
        err(f"{where}: expect.all missing")
        return
    groups = exp["all"]
    if not isinstance(groups, list) or not groups:
        err(f"{where}: expect.all must be a non-empty list")
        return
    t = text.lower()
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(f"{where}: group {gi} empty")
            continue
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(f"{where}: group {gi} has an empty alternative")
                continue
            if occurs(core(a), t):
                err(f"{where}: ECHO - alternative '{a}' already typed by the user")
            check_figure(a, f"{where} g{gi}")
    for n in exp.get("none", []) or []:
        if not isinstance(n, str) or not n.strip():
            err(f"{where}: empty 'none' entry")

# ---------------- messages ----------------
msgs = yaml.safe_load(open(os.path.join(HERE, "messages.yml"), encoding="utf-8"))["messages"]
ids = [m.get("id") for m in msgs]
if len(msgs) != 180:
    err(f"expected 180 messages, got {len(msgs)}")
for i, c in Counter(ids).items():
    if c > 1:
        err(f"duplicate id {i}")
styles = Counter(m.get("style") for m in msgs)
if dict(styles) != MIX:
    err(f"style mix {dict(styles)} != {MIX}")
for m in msgs:
    w = m.get("id")
    if not re.fullmatch(r"m\d{3}", str(w)):
        err(f"bad id {w}")
    if m.get("style") not in MIX:
        err(f"{w}: bad style {m.get('style')}")
    if not m.get("text"):
        err(f"{w}: empty text")
    if "context" in m:
        if m["style"] != "followup":
            err(f"{w}: context only allowed on followup")
        if not m["context"] or not all(isinstance(x, str) and x for x in m["context"]):
            err(f"{w}: bad context")
    elif m.get("style") == "followup":
        err(f"{w}: followup without context")
    if not str(m.get("why", "")).startswith("§") and "brief" not in str(m.get("why", "")):
        warnings.append(f"{w}: why does not cite a section")
    check_expect(m.get("expect"), m.get("text", ""), w)

# ---------------- conversations ----------------
convs = yaml.safe_load(open(os.path.join(HERE, "conversations.yml"), encoding="utf-8"))["conversations"]
if len(convs) < 20:
    err(f"expected >= 20 conversations, got {len(convs)}")
cids = Counter(c.get("id") for c in convs)
for i, c in cids.items():
    if c > 1:
        err(f"duplicate conversation id {i}")
nsteps = 0
for c in convs:
    steps = c.get("steps") or []
    if not 6 <= len(steps) <= 8:
        err(f"{c.get('id')}: {len(steps)} steps (want 6-8)")
    if not c.get("persona"):
        err(f"{c.get('id')}: persona missing")
    for si, st in enumerate(steps, 1):
        nsteps += 1
        if not st.get("user"):
            err(f"{c.get('id')}/{si}: empty user turn")
        check_expect(st.get("expect"), st.get("user", ""), f"{c.get('id')}/{si}")

print(f"messages: {len(msgs)} {dict(styles)}")
print(f"conversations: {len(convs)}, steps: {nsteps}")
print(f"money figures allowed: {len(ALLOWED_MONEY)} ({len(BASE)} base literals checked in facts.md, "
      f"{len(DERIVED)} derived)")
for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERROR", e)
print("OK" if not errors else f"{len(errors)} error(s)")
sys.exit(1 if errors else 0)
