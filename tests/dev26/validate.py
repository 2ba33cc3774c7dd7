#!/usr/bin/env python3
"""Structural checker for the dev26 blind evaluation set (python3 + pyyaml).

Usage:  python3 validate.py [directory]      (default: the directory of this file)
Exit 0 = OK, 1 = errors (listed on stderr).

Checks
- messages.yml: exactly 180 messages with the style counts below; ids m001.. unique;
  context only (and always) on followups, 1-3 non-empty strings; text and why non-empty;
  expect.all = 1-3 groups, each a non-empty list of non-empty strings; optional expect.none.
- conversations.yml: >= 22 conversations, unique ids, a persona each, 6-8 steps each,
  every step with user, expect (same rules as above) and note.
- no duplicate alternative (case-insensitive) inside one expectation (across its groups);
- echo rule: no required alternative occurs (case-insensitive) in the user's own text, its
  followup context, or (for conversations) any earlier user turn of the same conversation;
- a `none` string must not be contained in any required alternative of the same expectation;
- feeling messages need an acknowledgement group; BPJS Kesehatan/KIS/JKN questions need
  165/JKN and must forbid the BPJS TK contribution figures;
- no required alternative may contain a FORBIDDEN figure (facts.md marks it UNCONFIRMED,
  conflicting, or single-source and not to be stated as certain); matched case-insensitively
  and not preceded by a digit or letter (so "2 bulan" does not hit "12 bulan").
"""
import os
import re
import sys

import yaml

STYLE_COUNTS = {"followup": 50, "feeling": 40, "out_of_scope": 35, "story": 25,
                "colloquial": 20, "abbrev": 10}
MIN_CONVERSATIONS = 22
STEPS_MIN, STEPS_MAX = 6, 8
GROUPS_MIN, GROUPS_MAX = 1, 3

# Figures/claims that depend on facts marked UNCONFIRMED or conflicting in facts.md.
# A required alternative containing any of these (case-insensitive) is an error.
FORBIDDEN = {
    "7,5%": "Perisai fee: current rate UNCONFIRMED; 7,5% (national 2018) conflicts with 7% (Kendari) (§6.2, §9.1)",
    "7,5 persen": "Perisai fee UNCONFIRMED (§6.2)",
    "7 persen": "Perisai fee, Kendari figure conflicts with national 7,5% (§6.2)",
    "65 tahun": "BPU maximum age not found; 65 is an assumption (§4)",
    "393.500": "JP minimum benefit for 2025-2026 UNCONFIRMED (§1.5)",
    "4.598.100": "JP maximum benefit (pre-2024) not current; new maximum not captured (§1.5)",
    "2,4 juta": "JKP training benefit Rp2,4 juta per 2026-12-02 update is UNCONFIRMED (§1.6)",
    "2.400.000": "JKP training benefit UNCONFIRMED (§1.6)",
    "berturut": "JKP 6-consecutive-months (or 3 months) condition UNCONFIRMED after PP 6/2025 (§1.6, §9.3)",
    "0,20%": "JKM share after PP 6/2025 UNCONFIRMED (§3.1)",
    "06.00": "call-centre hours are single-source (§7)",
    "22.00": "call-centre hours are single-source (§7)",
    "07.00": "call-centre hours (WITA) are single-source (§7)",
    "23.00": "call-centre hours (WITA) are single-source (§7)",
    "miliar": "business-size thresholds UNCONFIRMED (§2)",
    "5 tahun setelah": "JKK claim deadline of 5 years UNCONFIRMED (§1.2)",
    "5 tahun sejak": "JKK claim deadline of 5 years UNCONFIRMED (§1.2)",
    "1/2025": "Permenaker 1/2025 UNCONFIRMED (§0)",
    "24.000": "BPU JHT for the Rp1,1-1,299 juta bracket is computed from an inferred base (§3.2)",
    "10.800": "Airlangga's misquoted discounted price (§3.3)",
    "2 bulan": "'nonaktif after 2 months' is the rejected consultant figure (§5.2, §9.9)",
    "jl.": "Kendari branch address UNCONFIRMED: do not require one (§7)",
    "jalan ": "Kendari branch address UNCONFIRMED (§7)",
    "gatot": "current branch head after Aug 2025 not re-checked; not required (§7)",
}

ACK_WORDS = ["berduka", "semoga", "maaf", "prihatin", "sabar", "tabah", "mengerti", "paham",
             "tenang", "jangan khawatir", "memahami", "lekas sembuh", "syukur", "wajar", "sedih",
             "selamat", "senang", "kuat", "menyesal"]
KES_MARKERS = ["kesehatan", "ksehatan", "kis ", "kis", "jkn", "faskes"]
KES_FIGURES = ["16.800", "8.400", "36.800", "28.400"]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def is_str_list(x):
    return isinstance(x, list) and all(isinstance(s, str) for s in x)


def check_expect(where, exp, user_texts):
    if not isinstance(exp, dict):
        err(where, "expect must be a mapping")
        return []
    extra = set(exp) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = exp.get("all")
    if not isinstance(groups, list) or not (GROUPS_MIN <= len(groups) <= GROUPS_MAX):
        err(where, f"expect.all must be a list of {GROUPS_MIN}-{GROUPS_MAX} groups")
        return []
    low_user = " \n ".join(t.lower() for t in user_texts)
    seen = {}
    alts = []
    for gi, g in enumerate(groups):
        if not is_str_list(g) or not g:
            err(where, f"group {gi} must be a non-empty list of strings")
            continue
        for a in g:
            if not a.strip():
                err(where, f"group {gi} has an empty alternative")
                continue
            k = a.lower()
            if k in seen:
                err(where, f"duplicate alternative {a!r} (groups {seen[k]} and {gi})")
            seen[k] = gi
            if k in low_user:
                err(where, f"echo: required alternative {a!r} occurs in the user's own text/context")
            for f, why in FORBIDDEN.items():
                if re.search(r"(?<![0-9a-z])" + re.escape(f), k):
                    err(where, f"forbidden figure {f!r} in alternative {a!r}: {why}")
            alts.append(k)
    none = exp.get("none")
    if none is not None:
        if not is_str_list(none) or not none or not all(n.strip() for n in none):
            err(where, "expect.none must be a non-empty list of non-empty strings")
        else:
            if len({n.lower() for n in none}) != len(none):
                err(where, "duplicate string in expect.none")
            for n in none:
                for a in alts:
                    if n.lower() in a:
                        err(where, f"none string {n!r} is contained in required alternative {a!r}")
    return groups


def check_messages(path):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    msgs = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(msgs, list):
        err("messages.yml", "top-level key 'messages' must be a list")
        return
    counts = {k: 0 for k in STYLE_COUNTS}
    ids = set()
    for i, m in enumerate(msgs):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "not a mapping")
            continue
        mid = m.get("id")
        where = f"message {mid}"
        if not isinstance(mid, str) or not mid:
            err(where, "missing id")
        elif mid in ids:
            err(where, "duplicate id")
        ids.add(mid)
        extra = set(m) - {"id", "style", "context", "text", "expect", "why"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"bad style {style!r}")
        else:
            counts[style] += 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "text must be a non-empty string")
            text = ""
        ctx = m.get("context")
        if style == "followup":
            if not is_str_list(ctx) or not (1 <= len(ctx) <= 3) or not all(c.strip() for c in ctx):
                err(where, "followup needs context: 1-3 non-empty strings")
                ctx = []
        elif ctx is not None:
            err(where, "context is only allowed on followup messages")
            ctx = []
        if not isinstance(m.get("why"), str) or not m["why"].strip():
            err(where, "why must be a non-empty string")
        groups = check_expect(where, m.get("expect"), [text] + list(ctx or []))
        flat = [a.lower() for g in groups if isinstance(g, list) for a in g if isinstance(a, str)]
        if style == "feeling":
            if not any(any(w in a for w in ACK_WORDS) for a in flat):
                err(where, "feeling message lacks an acknowledgement group")
            if len(groups) < 2:
                err(where, "feeling message needs an acknowledgement group AND a factual group")
        if style == "out_of_scope" and any(k in text.lower() for k in KES_MARKERS):
            if not any(a in ("165", "jkn", "mobile jkn") for a in flat):
                err(where, "BPJS Kesehatan question must require 165 / JKN")
            none = [n.lower() for n in (m.get("expect") or {}).get("none") or []]
            for fig in KES_FIGURES:
                if fig not in none:
                    err(where, f"BPJS Kesehatan question must forbid {fig}")
    if len(msgs) != sum(STYLE_COUNTS.values()):
        err("messages.yml", f"{len(msgs)} messages, expected {sum(STYLE_COUNTS.values())}")
    for k, v in STYLE_COUNTS.items():
        if counts[k] != v:
            err("messages.yml", f"style {k}: {counts[k]} messages, expected {v}")
    return counts


def check_conversations(path):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    convs = data.get("conversations") if isinstance(data, dict) else None
    if not isinstance(convs, list):
        err("conversations.yml", "top-level key 'conversations' must be a list")
        return 0, 0
    ids = set()
    nsteps = 0
    for i, c in enumerate(convs):
        where = f"conversations[{i}]"
        if not isinstance(c, dict):
            err(where, "not a mapping")
            continue
        cid = c.get("id")
        where = f"conversation {cid}"
        if not isinstance(cid, str) or not cid:
            err(where, "missing id")
        elif cid in ids:
            err(where, "duplicate id")
        ids.add(cid)
        extra = set(c) - {"id", "persona", "steps"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(where, "persona must be a non-empty string")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (STEPS_MIN <= len(steps) <= STEPS_MAX):
            err(where, f"needs {STEPS_MIN}-{STEPS_MAX} steps")
            continue
        earlier = []
        for j, st in enumerate(steps):
            sw = f"{where} step {j + 1}"
            nsteps += 1
            if not isinstance(st, dict):
                err(sw, "not a mapping")
                continue
            extra = set(st) - {"user", "expect", "note"}
            if extra:
                err(sw, f"unknown keys {sorted(extra)}")
            user = st.get("user")
            if not isinstance(user, str) or not user.strip():
                err(sw, "user must be a non-empty string")
                user = ""
            if not isinstance(st.get("note"), str) or not st["note"].strip():
                err(sw, "note must be a non-empty string")
            earlier.append(user)
            check_expect(sw, st.get("expect"), earlier)
    if len(convs) < MIN_CONVERSATIONS:
        err("conversations.yml", f"{len(convs)} conversations, need at least {MIN_CONVERSATIONS}")
    return len(convs), nsteps


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name in ("messages.yml", "conversations.yml", "README.md"):
        if not os.path.isfile(os.path.join(d, name)):
            err(d, f"missing {name}")
    counts = ncv = nst = None
    if os.path.isfile(os.path.join(d, "messages.yml")):
        counts = check_messages(os.path.join(d, "messages.yml"))
    if os.path.isfile(os.path.join(d, "conversations.yml")):
        ncv, nst = check_conversations(os.path.join(d, "conversations.yml"))
    if errors:
        for e in errors:
            print("ERROR", e, file=sys.stderr)
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"OK: {sum(counts.values())} messages {counts}; {ncv} conversations, {nst} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
