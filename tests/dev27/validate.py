#!/usr/bin/env python3
"""Structural checker for the dev27 blind set (messages.yml, conversations.yml).

Usage: python3 validate.py [dir]      exit 0 = OK, 1 = problems found (listed on stderr).
Needs python3 + pyyaml. It checks structure only; it never calls the bot.
"""
import os
import re
import sys

import yaml

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

STYLE_COUNTS = {"followup": 50, "feeling": 40, "out_of_scope": 35, "story": 25, "colloquial": 20, "abbrev": 10}
MIN_CONVERSATIONS = 22
STEPS_MIN, STEPS_MAX = 6, 8
GROUPS_MIN, GROUPS_MAX = 1, 3
CONTEXT_MIN, CONTEXT_MAX = 1, 3

# BPJS TK contribution figures that a BPJS Kesehatan answer must not contain.
TK_FIGURES = ["16.800", "8.400", "36.800", "28.400"]

# Acknowledgement vocabulary: every feeling message needs a group drawn from it.
ACK_WORDS = ["berduka", "innalillahi", "inna lillahi", "semoga", "tabah", "sabar", "prihatin", "maaf",
             "mengerti", "paham", "memahami", "tenang", "khawatir", "wajar", "sembuh", "syukur", "sedih",
             "kecewa", "kesal", "berat", "kuat", "terima kasih", "apresiasi", "mulia", "niat baik"]

# Figures / claims that rest on facts.md items marked UNCONFIRMED (or single-source / conflicting
# without a resolution). No REQUIRED alternative may contain any of these strings.
FORBIDDEN_REQUIRED = {
    "393.500": "JP minimum for 2025-2026 UNCONFIRMED (Rp393.500 is the Mar-2024 value)",
    "383.400": "old JP minimum",
    "4.598.100": "old JP maximum; new maximum not captured",
    "7,5%": "Agen Perisai fee: 7,5% (national 2018) vs 7% (Kendari); current rate UNCONFIRMED",
    "7,5 persen": "Agen Perisai fee UNCONFIRMED",
    " 7 persen": "Agen Perisai fee UNCONFIRMED (leading space so 3,7 persen is allowed)",
    "2,4 juta": "JKP training benefit Rp2,4 juta (PP 6/2025 newsletter) UNCONFIRMED",
    "2.400.000": "JKP training benefit UNCONFIRMED",
    "6 bulan berturut": "JKP 6-consecutive-months condition possibly removed by PP 6/2025: UNCONFIRMED",
    "enam bulan berturut": "JKP 6-consecutive-months condition UNCONFIRMED",
    "65 tahun": "BPU maximum age not found ('65' only assumed)",
    "06.00": "call-centre hours: single source",
    "22.00": "call-centre hours: single source",
    "07.00": "call-centre hours: single source",
    "23.00": "call-centre hours: single source",
    "14.000": "BPU brackets above Rp1.299.000 UNCONFIRMED (inferred Rp200.000 steps)",
    "20.800": "BPU brackets above Rp1.299.000 UNCONFIRMED",
    "1 miliar": "business-size thresholds UNCONFIRMED",
    "15 miliar": "business-size thresholds UNCONFIRMED",
    "indomaret": "retail payment outlets UNCONFIRMED for BPJS TK",
    "alfamart": "retail payment outlets UNCONFIRMED for BPJS TK",
    "0,20%": "JKM internal share after PP 6/2025 UNCONFIRMED",
    "1/2025": "Permenaker 1/2025 named only in a third-party registry",
    "5 tahun setelah": "JKK claim deadline of 5 years UNCONFIRMED",
    "jl.": "Kendari branch address not found: must not be invented",
    "92.400": "exact handling of a prepayment across the discount boundary UNCONFIRMED",
}

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_expect(where, expect, echo_text, max_groups=GROUPS_MAX):
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return
    extra = set(expect) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    if not isinstance(groups, list) or not (GROUPS_MIN <= len(groups) <= max_groups):
        err(where, f"expect.all must be a list of {GROUPS_MIN}-{max_groups} groups")
        return
    low_echo = echo_text.lower()
    seen = {}
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} must be a non-empty list")
            continue
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(where, f"group {gi}: empty or non-string alternative {a!r}")
                continue
            if len(a.strip()) < 2:
                err(where, f"group {gi}: alternative too short {a!r}")
            k = a.lower()
            if k in seen:
                err(where, f"duplicate alternative {a!r} (groups {seen[k]} and {gi})")
            seen[k] = gi
            if k in low_echo:
                err(where, f"echo rule: alternative {a!r} occurs in the user's own text/context")
            for bad, reason in FORBIDDEN_REQUIRED.items():
                if bad in k:
                    err(where, f"required alternative {a!r} contains forbidden figure {bad!r} ({reason})")
    none = expect.get("none")
    if none is not None:
        if not isinstance(none, list) or not none or not all(isinstance(x, str) and x.strip() for x in none):
            err(where, "expect.none must be a non-empty list of strings")
        else:
            if len({x.lower() for x in none}) != len(none):
                err(where, "duplicate entries in none")
            for x in none:
                for k in seen:
                    if x.lower() in k:
                        err(where, f"none entry {x!r} would also match required alternative {k!r}")
    return groups


def load(name, key):
    path = os.path.join(HERE, name)
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except Exception as e:  # noqa: BLE001
        err(name, f"cannot load: {e}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        err(name, f"top-level key '{key}' with a list is required")
        return []
    return data[key]


# ---------------------------------------------------------------- messages
messages = load("messages.yml", "messages")
ids = set()
counts = {k: 0 for k in STYLE_COUNTS}
kes_re = re.compile(r"kesehatan|\bkis\b|jkn|faskes", re.I)
for i, m in enumerate(messages):
    mid = m.get("id") if isinstance(m, dict) else None
    where = f"messages[{i}] {mid}"
    if not isinstance(m, dict):
        err(where, "entry must be a mapping")
        continue
    extra = set(m) - {"id", "style", "context", "text", "expect", "why"}
    if extra:
        err(where, f"unknown keys {sorted(extra)}")
    if not isinstance(mid, str) or not re.fullmatch(r"m\d{3}", mid):
        err(where, "id must look like m001")
    elif mid in ids:
        err(where, "duplicate id")
    ids.add(mid)
    style = m.get("style")
    if style not in STYLE_COUNTS:
        err(where, f"bad style {style!r}")
    else:
        counts[style] += 1
    text = m.get("text")
    if not isinstance(text, str) or not text.strip():
        err(where, "text missing")
        text = ""
    ctx = m.get("context")
    if style == "followup":
        if not isinstance(ctx, list) or not (CONTEXT_MIN <= len(ctx) <= CONTEXT_MAX) or \
                not all(isinstance(c, str) and c.strip() for c in ctx):
            err(where, f"followup needs context with {CONTEXT_MIN}-{CONTEXT_MAX} earlier user turns")
            ctx = []
    elif ctx is not None:
        err(where, "context is only allowed for followup")
        ctx = []
    if not isinstance(m.get("why"), str) or not m["why"].strip():
        err(where, "why missing")
    echo = "\n".join([text] + list(ctx or []))
    groups = check_expect(where, m.get("expect"), echo) or []
    if style == "feeling" and groups:
        if not any(any(w in a.lower() for w in ACK_WORDS) for a in groups[0]):
            err(where, "feeling message: first group must be an acknowledgement group")
        if len(groups) < 2:
            err(where, "feeling message needs an acknowledgement group AND a factual group")
    if style == "out_of_scope" and kes_re.search(text) and "ketenagakerjaan" not in text.lower():
        flat = [a.lower() for g in groups for a in g]
        if not any(("165" in a or "jkn" in a) for a in flat):
            err(where, "BPJS Kesehatan question must require 165 / Mobile JKN / JKN")
        none = [x for x in (m.get("expect") or {}).get("none", []) or []]
        if not all(f in none for f in TK_FIGURES):
            err(where, f"BPJS Kesehatan question must forbid {TK_FIGURES} via none")

if len(messages) != sum(STYLE_COUNTS.values()):
    err("messages.yml", f"expected {sum(STYLE_COUNTS.values())} messages, found {len(messages)}")
for k, v in STYLE_COUNTS.items():
    if counts[k] != v:
        err("messages.yml", f"style {k}: expected {v}, found {counts[k]}")

# ---------------------------------------------------------------- conversations
convs = load("conversations.yml", "conversations")
cids = set()
total_steps = 0
if len(convs) < MIN_CONVERSATIONS:
    err("conversations.yml", f"need at least {MIN_CONVERSATIONS} conversations, found {len(convs)}")
for i, cv in enumerate(convs):
    cid = cv.get("id") if isinstance(cv, dict) else None
    where = f"conversations[{i}] {cid}"
    if not isinstance(cv, dict):
        err(where, "entry must be a mapping")
        continue
    extra = set(cv) - {"id", "persona", "steps"}
    if extra:
        err(where, f"unknown keys {sorted(extra)}")
    if not isinstance(cid, str) or not re.fullmatch(r"c\d{2}", cid):
        err(where, "id must look like c01")
    elif cid in cids:
        err(where, "duplicate id")
    cids.add(cid)
    if not isinstance(cv.get("persona"), str) or not cv["persona"].strip():
        err(where, "persona missing")
    steps = cv.get("steps")
    if not isinstance(steps, list) or not (STEPS_MIN <= len(steps) <= STEPS_MAX):
        err(where, f"needs {STEPS_MIN}-{STEPS_MAX} steps")
        continue
    history = []
    for j, st in enumerate(steps, 1):
        sw = f"{where} step {j}"
        if not isinstance(st, dict):
            err(sw, "step must be a mapping")
            continue
        extra = set(st) - {"user", "expect", "note"}
        if extra:
            err(sw, f"unknown keys {sorted(extra)}")
        u = st.get("user")
        if not isinstance(u, str) or not u.strip():
            err(sw, "user text missing")
            u = ""
        if not isinstance(st.get("note"), str) or not st["note"].strip():
            err(sw, "note missing")
        history.append(u)
        # echo rule for conversations: no required alternative may occur in ANY user turn so far
        check_expect(sw, st.get("expect"), "\n".join(history))
        total_steps += 1

if errors:
    print(f"FAILED: {len(errors)} problem(s)", file=sys.stderr)
    for e in errors:
        print(" - " + e, file=sys.stderr)
    sys.exit(1)
print(f"OK: {len(messages)} messages {dict(counts)}; {len(convs)} conversations, {total_steps} steps; "
      f"{len(FORBIDDEN_REQUIRED)} forbidden figures checked")
sys.exit(0)
