#!/usr/bin/env python3
"""Re-check the dev21 blind evaluation set (messages.yml, conversations.yml).

Checks:
  * YAML loads; ids unique (m001.., c01..); exactly 180 messages with the agreed style mix;
  * `context` only on followup messages, 1-3 turns each; >= 20 conversations of 6-8 steps;
  * every expectation group is a non-empty list of non-empty strings; `none` (if any) non-empty;
  * ECHO rule: no required alternative is something the user typed in that message / step
    (literal substring, or the same figure written differently, e.g. "4,5 jt" vs "Rp4.500.000");
  * figures: every number inside an alternative must be a figure of facts.md (the digest) or one of
    the derived figures recomputed below from facts.md constants (money, percentages and counts
    are checked separately);
  * the constants used for the derived figures are written in facts.md exactly as quoted in CONST.

Usage:  python3 validate.py [path/to/facts.md]
Exit code 0 when everything passes.
"""
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FACTS = "/work/shared/domain/facts.md"

STYLE_COUNTS = {"followup": 50, "colloquial": 35, "feeling": 35, "story": 25,
                "abbrev": 15, "formal": 10, "out_of_scope": 10}

# --- constants from facts.md (value, spelling that must occur in facts.md, section) -------------
CONST = {
    "BPU_BASE_1": (1_000_000, "Rp1.000.000", "§3.2 lowest declared income"),
    "BPU_BASE_2": (1_200_000, "Rp1.200.000", "§3.2 2nd bracket base (inferred)"),
    "BPU_JKK_RATE": (1, "**1%**", "§3.2 JKK 1% of bracket value"),
    "BPU_JKM": (6_800, "Rp6.800", "§3.2 JKM flat"),
    "BPU_JHT_RATE": (2, "**2%**", "§3.2 optional JHT 2%"),
    "BPU_JKKJKM_MIN": (16_800, "Rp16.800", "§3.2"),
    "BPU_3PROG_MIN": (36_800, "Rp36.800", "§3.2"),
    "DISC_JKKJKM_MIN": (8_400, "Rp8.400", "§3.3 PP 50/2025"),
    "PU_JKK_RATES": ((0.24, 0.54, 0.89, 1.27, 1.74),
                     "0,24% (sangat rendah) / 0,54% (rendah) / 0,89% (sedang) / 1,27% (tinggi) / 1,74% (sangat tinggi)",
                     "§3.1"),
    "PU_JKM_RATE": (0.30, "0,30%", "§3.1"),
    "PU_JHT": ((3.7, 2.0), "| JHT | 3,7% | 2% | 5,7% |", "§3.1"),
    "PU_JP": ((2.0, 1.0), "| JP | 2% | 1% | 3% |", "§3.1"),
    "JP_CAP_2026": (11_086_300, "Rp11.086.300", "§3.1 JP wage cap from 1 Mar 2026"),
    "JKP_RATE": (60, "60% of wages, up to 6 months", "§1.6 PP 6/2025"),
    "JKP_CAP": (5_000_000, "Rp5.000.000", "§1.6"),
    "JKM_TOTAL": (42_000_000, "Rp42.000.000", "§1.3"),
    "JAKON_LE100": ((0.21, 0.03), "| ≤ Rp100 juta | 0,21% | 0,03% |", "§3.4"),
    "PMI_PRE": (37_500, "Rp37.500", "§3.5"),
    "PMI_24": (332_500, "Rp332.500", "§3.5"),
}

# counts used in expectations, by unit; each value must also occur as a number in facts.md
ALLOWED_COUNTS = {
    "x": {2, 48, 56, 80},                       # 48x / 56x / 80x upah; 2x24 jam
    "bulan": {1, 3, 6, 12, 24, 31, 36},         # JHT wait, grace, JKP, STMB, PMI package, 3 years
    "tahun": {1, 3, 5, 8, 10, 15, 23, 54, 56, 59},
    "hari": {7, 14, 30},
    "jam": {24, 48},
    "digit": {16},
    "anak": {2},
}

# numbers given by the evaluation brief itself rather than facts.md
BRIEF_NUMBERS = {165}   # BPJS Kesehatan call centre (redirection target for out-of-scope questions)


def _pct(amount, rate_percent):
    """rate in percent, result rounded to whole rupiah (assert exactness where used)."""
    return round(amount * rate_percent / 100)


def derived():
    """All computed figures used in the set, {name: (value, kind)} with kind money/pct/count."""
    c = {k: v[0] for k, v in CONST.items()}
    d = {}
    jkk1 = _pct(c["BPU_BASE_1"], c["BPU_JKK_RATE"])          # 10.000
    jkk2 = _pct(c["BPU_BASE_2"], c["BPU_JKK_RATE"])          # 12.000
    jht1 = _pct(c["BPU_BASE_1"], c["BPU_JHT_RATE"])          # 20.000
    jht2 = _pct(c["BPU_BASE_2"], c["BPU_JHT_RATE"])          # 24.000
    jkm = c["BPU_JKM"]
    assert jkk1 + jkm == c["BPU_JKKJKM_MIN"] == 16_800
    assert jkk1 + jkm + jht1 == c["BPU_3PROG_MIN"] == 36_800
    full1 = jkk1 + jkm
    disc1 = (jkk1 + jkm) // 2
    assert disc1 == c["DISC_JKKJKM_MIN"] == 8_400
    d.update({
        "bpu_jkk_1jt": (jkk1, "money"), "bpu_jht_1jt": (jht1, "money"),
        "bpu_full_1jt": (full1, "money"), "bpu_disc_1jt": (disc1, "money"),
        "bpu_disc_jkk_1jt": (jkk1 // 2, "money"), "bpu_disc_jkm": (jkm // 2, "money"),
        "bpu_3prog_1jt": (full1 + jht1, "money"), "bpu_3prog_disc_1jt": (disc1 + jht1, "money"),
        "bpu_jkk_1_2jt": (jkk2, "money"), "bpu_jkk_disc_1_2jt": (jkk2 // 2, "money"),
        "bpu_full_1_2jt": (jkk2 + jkm, "money"), "bpu_disc_1_2jt": ((jkk2 + jkm) // 2, "money"),
        "bpu_jht_1_2jt": (jht2, "money"), "bpu_3prog_1_2jt": (jkk2 + jkm + jht2, "money"),
        "bpu_3prog_disc_1_2jt": ((jkk2 + jkm) // 2 + jht2, "money"),
        # prepay 6 months from Dec 2026 (non-transport: only Dec discounted) - example in §3.3
        "prepay6_nontransport_dec": (disc1 + 5 * full1, "money"),
        # ojol: Dec 2026..May 2027, discount through Mar 2027 (4 months) then 2 full months
        "prepay6_transport_dec": (4 * disc1 + 2 * full1, "money"),
        # budgets (2027: non-transport discount over; no discount assumed)
        "village_150_year": (150 * full1 * 12, "money"), "village_150_month": (150 * full1, "money"),
        "village_12_jht_year": (12 * (full1 + jht1) * 12, "money"),
        "village_12_jht_month": (12 * (full1 + jht1), "money"),
        "village_120_year": (120 * full1 * 12, "money"),
        "csr_250_year": (250 * full1 * 12, "money"), "csr_300_year": (300 * full1 * 12, "money"),
        "csr_300_jht_year": (300 * (full1 + jht1) * 12, "money"),
        "csr_500_year": (500 * full1 * 12, "money"), "art_2_year": (2 * full1 * 12, "money"),
    })
    # Penerima Upah examples
    r = c["PU_JKK_RATES"]
    jht_er, jht_ee = c["PU_JHT"]
    jp_er, jp_ee = c["PU_JP"]
    for wage in (2_500_000, 2_800_000, 2_900_000, 3_000_000, 3_200_000, 5_000_000):
        w = wage // 100_000
        d[f"pu_{w}_jkm"] = (_pct(wage, c["PU_JKM_RATE"]), "money")
        d[f"pu_{w}_jkk_vlow"] = (_pct(wage, r[0]), "money")
        d[f"pu_{w}_jkk_mid"] = (_pct(wage, r[2]), "money")
        d[f"pu_{w}_jht_er"] = (_pct(wage, jht_er), "money")
        d[f"pu_{w}_jht_ee"] = (_pct(wage, jht_ee), "money")
        d[f"pu_{w}_jp_er"] = (_pct(wage, jp_er), "money")
        d[f"pu_{w}_jp_ee"] = (_pct(wage, jp_ee), "money")
    cap = c["JP_CAP_2026"]
    assert cap * jp_ee / 100 == 110_863 and cap * jp_er / 100 == 221_726
    d["jp_cap_ee"] = (110_863, "money")
    d["jp_cap_er"] = (221_726, "money")
    # JKP (PP 6/2025): 60% of wage capped at Rp5 juta, 6 months
    for wage in (2_500_000, 4_000_000, 4_200_000, 4_500_000, 5_500_000, 6_000_000, 8_000_000):
        base = min(wage, c["JKP_CAP"])
        m = base * c["JKP_RATE"] // 100
        d[f"jkp_{wage // 100_000}_month"] = (m, "money")
        d[f"jkp_{wage // 100_000}_total"] = (6 * m, "money")
    # Jasa Konstruksi, contract <= Rp100 juta (single bracket, so flat = progressive)
    jk, jm = c["JAKON_LE100"]
    for val in (80_000_000, 90_000_000):
        d[f"jakon_{val // 1_000_000}_jkk"] = (round(val * jk / 100), "money")
        d[f"jakon_{val // 1_000_000}_jkm"] = (round(val * jm / 100), "money")
        d[f"jakon_{val // 1_000_000}_total"] = (round(val * (jk + jm) / 100), "money")
    # PMI
    d["pmi_12_total"] = (37_500 + 189_000, "money")
    assert c["PMI_PRE"] + c["PMI_24"] == 370_000
    # JKM components sum
    assert 20_000_000 + 12_000_000 + 10_000_000 == c["JKM_TOTAL"]
    # JKP maximum
    assert 6 * (c["JKP_CAP"] * c["JKP_RATE"] // 100) == 18_000_000
    return d


# --- figure parser ---------------------------------------------------------------------------
NUM_RE = re.compile(
    r"(?P<rp>(?:rp|idr)\.?\s*)?"
    r"(?P<num>(?>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?))"
    r"\s*(?P<unit>miliar|milyar|juta|jt|ribu|rb|%|persen|kali|x|×|bulan|bln|tahun(?!\s+\d{4})|thn|th|hari|hr|jam|digit|angka|anak|orang|peserta)?"
    r"(?![a-zA-Z])",
    re.IGNORECASE)


def parse_figures(s):
    """Return [(value, kind)] for every number in s; kind: money | pct | count:<unit> | bare."""
    out = []
    for m in NUM_RE.finditer(s):
        start = m.start("num")
        if start > 0 and (s[start - 1].isdigit()):
            continue
        raw = m.group("num")
        unit = (m.group("unit") or "").lower()
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
            val = float(raw.replace(".", "").replace(",", "."))
            dotted = True
        else:
            val = float(raw.replace(",", "."))
            dotted = False
        mult = {"miliar": 1e9, "milyar": 1e9, "juta": 1e6, "jt": 1e6, "ribu": 1e3, "rb": 1e3}.get(unit)
        if mult:
            out.append((round(val * mult), "money"))
        elif unit in ("%", "persen"):
            out.append((val, "pct"))
        elif m.group("rp") or dotted or (val >= 1_000 and val == int(val)):
            out.append((round(val), "money"))
        elif unit:
            u = {"bln": "bulan", "thn": "tahun", "th": "tahun", "hr": "hari", "×": "x", "kali": "x",
                 "angka": "digit"}.get(unit, unit)
            out.append((val, "count:" + u))
        else:
            out.append((val, "bare"))
    return out


def allowed_figures(facts_text):
    money, pct, other = set(), set(), set()
    for v, k in parse_figures(facts_text):
        if k == "money":
            money.add(v)
            other.add(v)
        elif k == "pct":
            pct.add(round(v, 4))
        else:
            other.add(v)
    other.update(BRIEF_NUMBERS)
    for _name, (v, k) in derived().items():
        if k == "money":
            money.add(v)
        elif k == "pct":
            pct.add(round(v, 4))
        else:
            other.add(v)
    return money, pct, other


def echo_hits(alt, text):
    """Why alt would echo the user text (None if it does not)."""
    t = text.lower()
    a = alt.strip().lower()
    if a and a in t:
        return "literal"
    user = parse_figures(text)
    for v, k in parse_figures(alt):
        for uv, uk in user:
            if k == "money" and uk == "money" and v == uv:
                return "same amount"
            if k != "money" and uk != "money" and v == uv and (k == uk or uk == "bare" or k == "bare"):
                return "same number"
    return None


def check_expect(where, exp, user_text, allowed, errors, warnings):
    if not isinstance(exp, dict) or "all" not in exp:
        errors.append(f"{where}: expect.all missing")
        return
    groups = exp["all"]
    if not groups:
        errors.append(f"{where}: expect.all empty")
    money, pct, other = allowed
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            errors.append(f"{where}: group {gi} empty or not a list")
            continue
        for alt in g:
            if not isinstance(alt, str) or not alt.strip():
                errors.append(f"{where}: group {gi} has an empty alternative")
                continue
            why = echo_hits(alt, user_text)
            if why:
                errors.append(f"{where}: group {gi} alternative {alt!r} echoes the user ({why})")
            for v, k in parse_figures(alt):
                if k == "money" and v not in money:
                    errors.append(f"{where}: figure {alt!r} ({v}) not in facts.md nor derived")
                elif k == "pct" and round(v, 4) not in pct:
                    errors.append(f"{where}: percentage {alt!r} not in facts.md nor derived")
                elif k not in ("money", "pct") and v not in other:
                    errors.append(f"{where}: number {alt!r} not in facts.md nor derived")
                elif k.startswith("count:") and k[6:] in ALLOWED_COUNTS and v not in ALLOWED_COUNTS[k[6:]]:
                    errors.append(f"{where}: {alt!r}: {v:g} {k[6:]} is not a facts.md duration/multiple")
        if len(g) != len(set(x.lower() for x in g)):
            warnings.append(f"{where}: group {gi} has duplicate alternatives")
    if "none" in exp:
        if not exp["none"] or not all(isinstance(x, str) and x for x in exp["none"]):
            errors.append(f"{where}: none must be a non-empty list of strings")


def main():
    facts_path = sys.argv[1] if len(sys.argv) > 1 else FACTS
    errors, warnings = [], []
    facts_text = ""
    if os.path.exists(facts_path):
        facts_text = open(facts_path, encoding="utf-8").read()
        for name, (_v, spelling, _sec) in CONST.items():
            if spelling not in facts_text:
                errors.append(f"CONST {name}: spelling {spelling!r} not found in facts.md")
    else:
        warnings.append(f"{facts_path} not found: figures checked against derived values only")
    allowed = allowed_figures(facts_text)

    msgs = yaml.safe_load(open(os.path.join(HERE, "messages.yml"), encoding="utf-8"))["messages"]
    ids = [m["id"] for m in msgs]
    if len(ids) != len(set(ids)):
        errors.append("duplicate message ids: " + str([i for i, n in Counter(ids).items() if n > 1]))
    if len(msgs) != 180:
        errors.append(f"{len(msgs)} messages, expected 180")
    styles = Counter(m["style"] for m in msgs)
    if dict(styles) != STYLE_COUNTS:
        errors.append(f"style counts {dict(styles)} != {STYLE_COUNTS}")
    texts = Counter(m["text"].strip().lower() for m in msgs)
    for t, n in texts.items():
        if n > 1:
            errors.append(f"duplicate message text: {t[:60]!r}")
    for m in msgs:
        w = m["id"]
        if not re.fullmatch(r"m\d{3}", w):
            errors.append(f"{w}: bad id")
        if not m.get("text", "").strip():
            errors.append(f"{w}: empty text")
        if not str(m.get("why", "")).startswith("§"):
            errors.append(f"{w}: why must start with a facts.md section (§)")
        ctx = m.get("context")
        if m["style"] == "followup":
            if not isinstance(ctx, list) or not 1 <= len(ctx) <= 3 or not all(isinstance(x, str) and x for x in ctx):
                errors.append(f"{w}: followup needs 1-3 context turns")
        elif ctx:
            errors.append(f"{w}: context only allowed on followup")
        check_expect(w, m.get("expect"), m["text"], allowed, errors, warnings)

    convs = yaml.safe_load(open(os.path.join(HERE, "conversations.yml"), encoding="utf-8"))["conversations"]
    cids = [c["id"] for c in convs]
    if len(cids) != len(set(cids)):
        errors.append("duplicate conversation ids")
    if len(convs) < 20:
        errors.append(f"only {len(convs)} conversations")
    nsteps = 0
    for c in convs:
        if not c.get("persona"):
            errors.append(f"{c['id']}: persona missing")
        steps = c.get("steps") or []
        if not 6 <= len(steps) <= 8:
            errors.append(f"{c['id']}: {len(steps)} steps (need 6-8)")
        for i, s in enumerate(steps, 1):
            nsteps += 1
            w = f"{c['id']}.{i}"
            if not s.get("user", "").strip():
                errors.append(f"{w}: empty user text")
            if not str(s.get("note", "")).startswith("§"):
                errors.append(f"{w}: note must start with a facts.md section (§)")
            check_expect(w, s.get("expect"), s["user"], allowed, errors, warnings)

    for x in warnings:
        print("WARN ", x)
    for x in errors:
        print("ERROR", x)
    print(f"messages: {len(msgs)} {dict(styles)}")
    print(f"conversations: {len(convs)}, steps: {nsteps}")
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
