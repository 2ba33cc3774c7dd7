#!/usr/bin/env python3
"""Structural checker for the dev28 blind set (messages.yml + conversations.yml).

Usage:  python3 validate.py        exit 0 = OK, 1 = problems (listed on stdout)

Checks
- style counts (feeling 60, followup 50, out_of_scope 25, story 20, colloquial 15, formal 10 = 180)
- ids unique and well formed (m001.., c01..)
- every expect well formed: {all: [group, ...], none: [...]?}; 1-3 groups; groups are non-empty
  lists of non-empty strings; no duplicate alternative inside a group or across groups
- context only (and always) on followups, 1-3 turns
- echo rule: no required alternative (also with surrounding blanks stripped) occurs in the
  user's own text, its context turns, or (conversations) any earlier user turn
- feeling messages carry an acknowledgement group plus at least one factual group
- BPJS Kesehatan redirects (a group offering "165") forbid the BPJS TK contribution figures
- `none` strings never overlap required alternatives
- forbidden figures: no required alternative may contain a figure that depends on a fact
  facts.md marks UNCONFIRMED, obsolete on the reference date, or inferred
- conflict pairs: where facts.md has two conflicting values, a group naming one must accept the other
- conversations: at least 24, each with a persona and 7-8 steps
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

STYLE_COUNTS = {"feeling": 60, "followup": 50, "out_of_scope": 25, "story": 20,
                "colloquial": 15, "formal": 10}
MIN_CONVS = 24
STEPS_MIN, STEPS_MAX = 7, 8
GROUPS_MIN, GROUPS_MAX = 1, 3

ACK_WORDS = {
    "berduka", "turut berduka", "innalillahi", "inna lillahi", "turut", "tabah", "semoga", "prihatin",
    "sabar", "kehilangan", "lekas sembuh", "cepat sembuh", "kuat", "maaf", "maaf mendengar",
    "jangan khawatir", "tidak perlu khawatir", "tenang", "wajar", "mengerti", "paham", "memahami",
    "kecewa", "tidak perlu malu", "jangan malu", "tidak usah malu", "tidak apa", "syukur",
    "alhamdulillah", "senang", "selamat", "bagus", "ikut bahagia", "belum terlambat",
    "tidak terlambat", "repot", "melelahkan", "jangan panik", "segera", "bingung",
}

TK_FIGURES = ["16.800", "8.400", "36.800", "28.400"]

# Figures that must never be REQUIRED (facts.md: UNCONFIRMED, inferred, single-source or obsolete
# on 2026-12-07). Matched case-insensitively as substrings of required alternatives.
FORBIDDEN = {
    "14.000": "BPU bracket Rp1,3-1,5 juta is an inferred step (§3.2 UNCONFIRMED)",
    "18.800": "calculated from the inferred Rp1,2 juta base (§3.2)",
    "42.800": "calculated from the inferred Rp1,2 juta base (§3.2)",
    "9.400": "discounted total for the inferred Rp1,2 juta base (§3.2)",
    "207.000": "top BPU bracket — full bracket list UNCONFIRMED (§3.2)",
    "414.000": "top BPU bracket JHT — full bracket list UNCONFIRMED (§3.2)",
    "213.800": "top BPU bracket (calc.) — UNCONFIRMED (§3.2)",
    "627.800": "top BPU bracket (calc.) — UNCONFIRMED (§3.2)",
    "20.700.000": "implied top bracket base — UNCONFIRMED (§3.2)",
    "2,4 juta": "JKP training Rp2,4 juta under PP 6/2025 is UNCONFIRMED (§1.6)",
    "2.400.000": "JKP training Rp2,4 juta under PP 6/2025 is UNCONFIRMED (§1.6)",
    "6 bulan berturut": "JKP 6-consecutive-months condition possibly removed by PP 6/2025 (§1.6, UNCONFIRMED)",
    "3 bulan berturut": "okezone '3 bulan berturut-turut' conflicts with the PP text (§1.6/§9.3)",
    "5 tahun setelah kecelakaan": "JKK claim deadline of 5 years is UNCONFIRMED (§1.2)",
    "5 tahun sejak kecelakaan": "JKK claim deadline of 5 years is UNCONFIRMED (§1.2)",
    "393.500": "JP minimum for 2025-2026 is UNCONFIRMED (§1.5)",
    "4.598.100": "JP maximum before Mar 2024, obsolete (§1.5)",
    "10.547.400": "JP wage cap of 2025, superseded on 1 Mar 2026 (§3.1)",
    "10.042.300": "JP wage cap of 2024, obsolete (§3.1)",
    "9.559.600": "JP wage cap before Mar 2024, obsolete (§3.1)",
    "indomaret": "retail outlets UNCONFIRMED for BPJS TK payments (§5.2)",
    "alfamart": "retail outlets UNCONFIRMED for BPJS TK payments (§5.2)",
    "tokopedia": "e-commerce payment UNCONFIRMED for BPJS TK (§5.2)",
    "bukalapak": "e-commerce payment UNCONFIRMED for BPJS TK (§5.2)",
    "06.00": "call-centre hours are single-source (§7)",
    "22.00": "call-centre hours are single-source (§7)",
    "07.00": "call-centre hours are single-source (§7)",
    "23.00": "call-centre hours are single-source (§7)",
    "0,20%": "JKM share after PP 6/2025 is UNCONFIRMED (§3.1)",
    "0,46": "JKP contribution before 7 Feb 2025, obsolete (§1.6)",
    "45%": "JKP benefit before 7 Feb 2025, obsolete (§1.6)",
    "10.500.000": "JKP maximum before 7 Feb 2025, obsolete (§1.6)",
    "1 miliar": "business-size thresholds UNCONFIRMED (§2)",
    "5 miliar": "business-size thresholds UNCONFIRMED (§2)",
    "15 miliar": "business-size thresholds UNCONFIRMED (§2)",
    "permenaker 1/2025": "named only in a third-party registry (§0 UNCONFIRMED)",
    "65 tahun": "BPU maximum age is UNCONFIRMED (§4)",
    "16 digit kpj": "KPJ length not in facts.md",
    "7.500.000": "PMI failed-departure benefit is not in facts.md",
    "rp24 juta": "old JKM total (obsolete, §1.3)",
    "24.000.000": "old JKM total (obsolete, §1.3)",
    "16,2 juta": "old JKM lump sum (obsolete, §1.3)",
    "16.200.000": "old JKM lump sum (obsolete, §1.3)",
    "jaminan manfaat online": "wrong JMO expansion (§5.1/§8)",
    "rp10.800": "Airlangga misquote (§3.3)",
}

# where facts.md has two values, a group naming one side must also accept the other.
# (trigger regex, regex that must then also be present, reason); matched on lower-cased alternatives
CONFLICT_PAIRS = [
    (r"(?<![\d,.])7,5\s?(%|persen)", r"(?<![\d,.])7\s?(%|persen)", "Perisai fee 7,5% (national) vs 7% (Kendari) — §6.2/§9.1"),
    (r"(?<![\d,.])7\s?(%|persen)", r"(?<![\d,.])7,5\s?(%|persen)", "Perisai fee 7% (Kendari) vs 7,5% (national) — §6.2/§9.1"),
    (r"(?<![\d.,])600(\.000| ribu)", r"(?<![\d.,])500(\.000| ribu)", "PMI optional JHT max Rp600.000 vs Rp500.000 — §3.5/§9.2"),
    (r"284\.207", r"284\.707", "Sultra active members 284.207 vs 284.707 — §7/§9.10"),
    (r"284\.707", r"284\.207", "Sultra active members 284.707 vs 284.207 — §7/§9.10"),
]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def is_str_list(x):
    return isinstance(x, list) and x and all(isinstance(s, str) and s.strip() for s in x)


def check_expect(where, exp, user_texts, n_groups_min=GROUPS_MIN, n_groups_max=GROUPS_MAX):
    if not isinstance(exp, dict):
        err(where, "expect is not a mapping")
        return []
    extra = set(exp) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = exp.get("all")
    if not isinstance(groups, list) or not groups:
        err(where, "expect.all missing or empty")
        return []
    if not (n_groups_min <= len(groups) <= n_groups_max):
        err(where, f"{len(groups)} groups (want {n_groups_min}-{n_groups_max})")
    seen_all = set()
    low_user = " ".join(user_texts).lower()
    for gi, g in enumerate(groups):
        if not is_str_list(g):
            err(where, f"group {gi} is not a non-empty list of non-empty strings: {g!r}")
            continue
        seen = set()
        for a in g:
            k = a.lower()
            if k in seen:
                err(where, f"duplicate alternative {a!r} in group {gi}")
            seen.add(k)
            if k in seen_all and k not in seen:
                pass
            # echo rule (exact and stripped)
            if k in low_user or (len(k.strip()) >= 2 and k.strip() in low_user):
                err(where, f"echo: required alternative {a!r} occurs in the user's text/context")
            # forbidden figures
            for f, why in FORBIDDEN.items():
                if f in k:
                    err(where, f"forbidden figure {f!r} in required alternative {a!r} ({why})")
        dup = seen & seen_all
        if dup:
            err(where, f"alternatives repeated across groups: {sorted(dup)}")
        seen_all |= seen
        # conflict pairs
        for trig, need, why in CONFLICT_PAIRS:
            if any(re.search(trig, x.lower()) for x in g) and not any(re.search(need, x.lower()) for x in g):
                err(where, f"group {gi} names only one side of a conflict: {why}")
    none = exp.get("none")
    if none is not None:
        if not is_str_list(none):
            err(where, "expect.none must be a non-empty list of strings")
        else:
            for n in none:
                for g in groups:
                    for a in (g if isinstance(g, list) else []):
                        if isinstance(a, str) and (n.lower() in a.lower() or a.lower().strip() in n.lower()):
                            err(where, f"none {n!r} overlaps required alternative {a!r}")
    return groups


def check_tk_redirect(where, exp):
    groups = exp.get("all") or []
    # a group offering the BPJS Kesehatan call centre 165 marks a BPJS Kesehatan redirect
    redirects = any(isinstance(g, list) and any(isinstance(a, str) and a.strip() == "165" for a in g)
                    for g in groups)
    if redirects:
        none = [n.lower() for n in (exp.get("none") or [])]
        missing = [f for f in TK_FIGURES if f not in none]
        if missing:
            err(where, f"BPJS Kesehatan redirect must forbid TK figures; missing {missing}")


def main():
    with open(os.path.join(HERE, "messages.yml"), encoding="utf-8") as f:
        mdoc = yaml.safe_load(f)
    with open(os.path.join(HERE, "conversations.yml"), encoding="utf-8") as f:
        cdoc = yaml.safe_load(f)

    msgs = (mdoc or {}).get("messages")
    if not isinstance(msgs, list):
        err("messages.yml", "top-level 'messages' list missing")
        msgs = []
    counts = {}
    ids = set()
    for i, m in enumerate(msgs):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "not a mapping")
            continue
        mid = m.get("id")
        where = f"{mid or where}"
        if not isinstance(mid, str) or not re.fullmatch(r"m\d{3}", mid):
            err(where, "bad id")
        if mid in ids:
            err(where, "duplicate id")
        ids.add(mid)
        extra = set(m) - {"id", "style", "context", "text", "expect", "why"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"bad style {style!r}")
        counts[style] = counts.get(style, 0) + 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "missing text")
            text = ""
        ctx = m.get("context")
        if style == "followup":
            if not isinstance(ctx, list) or not (1 <= len(ctx) <= 3) or not is_str_list(ctx):
                err(where, "followup needs 1-3 context turns")
                ctx = []
        elif ctx is not None:
            err(where, "context only allowed on followups")
            ctx = []
        if not isinstance(m.get("why"), str) or not m["why"].strip():
            err(where, "missing why")
        user = [text] + list(ctx or [])
        lo = 2 if style == "feeling" else GROUPS_MIN
        groups = check_expect(where, m.get("expect"), user, n_groups_min=lo)
        if style == "feeling" and groups:
            if not any(isinstance(g, list) and g and all(isinstance(a, str) and a.lower() in ACK_WORDS for a in g) for g in groups):
                err(where, "feeling message lacks an acknowledgement group")
        if isinstance(m.get("expect"), dict):
            check_tk_redirect(where, m["expect"])
    for s, n in STYLE_COUNTS.items():
        if counts.get(s, 0) != n:
            err("messages.yml", f"style {s}: {counts.get(s, 0)} (want {n})")
    if len(msgs) != sum(STYLE_COUNTS.values()):
        err("messages.yml", f"{len(msgs)} messages (want {sum(STYLE_COUNTS.values())})")

    convs = (cdoc or {}).get("conversations")
    if not isinstance(convs, list):
        err("conversations.yml", "top-level 'conversations' list missing")
        convs = []
    if len(convs) < MIN_CONVS:
        err("conversations.yml", f"{len(convs)} conversations (want >= {MIN_CONVS})")
    cids = set()
    nsteps = 0
    for i, c in enumerate(convs):
        where = f"conversations[{i}]"
        if not isinstance(c, dict):
            err(where, "not a mapping")
            continue
        cid = c.get("id")
        where = f"{cid or where}"
        if not isinstance(cid, str) or not re.fullmatch(r"c\d{2}", cid):
            err(where, "bad id")
        if cid in cids:
            err(where, "duplicate id")
        cids.add(cid)
        extra = set(c) - {"id", "persona", "steps"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(where, "missing persona")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (STEPS_MIN <= len(steps) <= STEPS_MAX):
            err(where, f"needs {STEPS_MIN}-{STEPS_MAX} steps")
            steps = steps if isinstance(steps, list) else []
        earlier = []
        for j, st in enumerate(steps):
            sw = f"{where}.step{j + 1}"
            nsteps += 1
            if not isinstance(st, dict):
                err(sw, "not a mapping")
                continue
            extra = set(st) - {"user", "expect", "note"}
            if extra:
                err(sw, f"unknown keys {sorted(extra)}")
            u = st.get("user")
            if not isinstance(u, str) or not u.strip():
                err(sw, "missing user text")
                u = ""
            if not isinstance(st.get("note"), str) or not st["note"].strip():
                err(sw, "missing note")
            earlier.append(u)
            check_expect(sw, st.get("expect"), earlier)
            if isinstance(st.get("expect"), dict):
                check_tk_redirect(sw, st["expect"])

    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print(f"OK: {len(msgs)} messages {dict(sorted(counts.items()))}; {len(convs)} conversations, {nsteps} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
