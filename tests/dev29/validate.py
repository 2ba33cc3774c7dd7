#!/usr/bin/env python3
"""Structural checker for tests/dev29 (python3 + pyyaml). Exit 0 = OK.

Checks: style counts, unique ids/texts, well-formed expectations, no duplicate alternatives,
echo rule (no required alternative already in the user's own text / context / earlier turns),
feeling messages carry an acknowledgement group, BPJS Kesehatan questions point to 165/JKN and
forbid BPJS TK contribution figures, conversation count and step counts, and a list of figures
that depend on facts marked UNCONFIRMED (or only dated/conflicting) in facts.md, which must never
be required.
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
STYLE_COUNTS = {"followup": 60, "feeling": 50, "out_of_scope": 25, "story": 20, "colloquial": 15, "formal": 10}
MIN_CONVERSATIONS = 24
STEPS_MIN, STEPS_MAX = 7, 8
GROUPS_MIN, GROUPS_MAX = 1, 3

# Acknowledgement vocabulary: a feeling message needs at least one group drawn from it.
ACK_WORDS = {
    "turut berduka", "berduka", "innalillahi", "semoga", "tabah", "prihatin", "sabar", "kehilangan", "ikut sedih",
    "belasungkawa", "lekas sembuh", "cepat sembuh", "mengerti", "paham", "pulih", "tenang", "jangan khawatir",
    "wajar", "memahami", "jangan takut", "tidak perlu takut", "maaf", "kecewa", "kesal", "tidak perlu malu",
    "jangan malu", "tidak apa", "tidak masalah", "siapa saja", "semua pekerja", "bingung", "saya bantu",
    "kami bantu", "pelan-pelan", "syukur", "alhamdulillah", "senang", "ikut senang", "ikut gembira", "selamat",
    "lega", "belum terlambat", "tidak terlambat", "melelahkan", "capek", "jangan panik", "segera",
}

KESEHATAN_PAT = re.compile(r"bpjs kesehatan|\bkis\b|\bjkn\b", re.I)
KES_POINTERS = {"165", "jkn", "mobile jkn"}
BPJSTK_FIGURES = ["16.800", "8.400", "36.800", "28.400"]

# Figures/phrases that rest on UNCONFIRMED, conflicting-without-resolution or stale facts in facts.md.
# They may appear in a bot reply, but an expectation must never REQUIRE them.
FORBIDDEN_REQUIRED = [
    (r"2[.,]4\s*juta|2\.400\.000", "JKP training Rp2,4 juta under PP 6/2025 (UNCONFIRMED, §1.6)"),
    (r"berturut", "JKP '6/3 bulan berturut-turut' condition (UNCONFIRMED / conflicting, §1.6, §9.3)"),
    (r"(?<![\d,.])7(,5)?\s?(%|persen)", "Perisai fee 7,5% vs 7% - current rate UNCONFIRMED (§6.2, §9.1)"),
    (r"393\.500|4\.598\.100|383\.400", "JP min/max benefit - 2025-2026 figures UNCONFIRMED (§1.5)"),
    (r"65\s*tahun|usia 65|umur 65", "BPU maximum age (UNCONFIRMED, §4); JP 65 only from 2043"),
    (r"5 tahun setelah|batas klaim 5", "JKK claim deadline 5 years (UNCONFIRMED, §1.2)"),
    (r"\b(06|07|22|23)[.:]00\b", "175 opening hours - single source (§7)"),
    (r"indomaret|alfamart|tokopedia|shopee", "retail/e-commerce payment channels for BPJS TK (UNCONFIRMED, §5.2)"),
    (r"\bjl\.|jalan [a-z]+ no", "Kendari branch address (UNCONFIRMED, §7)"),
    (r"284\.[27]07|66\.647|151\.413", "Sultra membership counts (conflicting, §7, §9.10)"),
    (r"1/2025", "Permenaker 1/2025 (UNCONFIRMED, §0)"),
    (r"gnlingkaran\.id", "GN Lingkaran site 'at the time' (2017) - not known to be live (§6.1)"),
    (r"0,20\s*%|0\.20\s*%", "JKM internal share after PP 6/2025 (UNCONFIRMED, §3.1)"),
    (r"15 miliar|rp1 miliar|1 miliar", "business-size thresholds (UNCONFIRMED, §2)"),
    (r"gatot|prabowo", "branch head as of Aug 2025 - may have changed by 2026-12-07 (§7)"),
    (r"7\.500\.000|7,5 juta", "PMI failed-departure benefit (not in facts.md)"),
    (r"(?<![\d.])(14|16)\.000(?!\.)|22\.800", "BPU bracket values above Rp1,299,000 other than the top (UNCONFIRMED, §3.2)"),
]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_expect(where, exp, user_texts, groups_min=GROUPS_MIN, groups_max=GROUPS_MAX):
    if not isinstance(exp, dict):
        err(where, "expect must be a mapping")
        return []
    extra = set(exp) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = exp.get("all")
    if not isinstance(groups, list) or not (groups_min <= len(groups) <= groups_max):
        err(where, f"expect.all must be a list of {groups_min}-{groups_max} groups")
        return []
    low_user = "\n".join(user_texts).lower()
    seen = {}
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} must be a non-empty list")
            continue
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(where, f"group {gi}: empty or non-string alternative {a!r}")
                continue
            k = a.lower()
            if k in seen:
                err(where, f"duplicate alternative {a!r} (groups {seen[k]} and {gi})")
            seen[k] = gi
            if k in low_user:
                err(where, f"echo: required alternative {a!r} occurs in the user's own text/context")
            for pat, why in FORBIDDEN_REQUIRED:
                if re.search(pat, a, re.I):
                    err(where, f"forbidden required figure {a!r}: {why}")
    none = exp.get("none")
    if none is not None:
        if not isinstance(none, list) or not none or not all(isinstance(x, str) and x.strip() for x in none):
            err(where, "expect.none must be a non-empty list of strings")
        else:
            if len({x.lower() for x in none}) != len(none):
                err(where, "duplicate entries in none")
            for x in none:
                if x.lower() in seen:
                    err(where, f"{x!r} is both required and forbidden")
                for a in seen:
                    if x.lower() in a:
                        err(where, f"none {x!r} is contained in required alternative {a!r}")
    return groups


def main():
    with open(os.path.join(HERE, "messages.yml")) as f:
        mdoc = yaml.safe_load(f)
    with open(os.path.join(HERE, "conversations.yml")) as f:
        cdoc = yaml.safe_load(f)

    msgs = mdoc.get("messages") if isinstance(mdoc, dict) else None
    if not isinstance(msgs, list):
        err("messages.yml", "top-level key 'messages' with a list is required")
        msgs = []
    counts = {}
    ids, texts = set(), set()
    for i, m in enumerate(msgs):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "not a mapping")
            continue
        mid = m.get("id")
        where = f"message {mid}"
        if not isinstance(mid, str) or not re.fullmatch(r"m\d{3}", mid):
            err(where, "id must look like m001")
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
            err(where, "text missing")
            text = ""
        if text.lower() in texts:
            err(where, "duplicate text")
        texts.add(text.lower())
        if not isinstance(m.get("why"), str) or not m["why"].strip():
            err(where, "why missing")
        ctx = m.get("context")
        if style == "followup":
            if not isinstance(ctx, list) or not (1 <= len(ctx) <= 3) or not all(isinstance(c, str) and c.strip() for c in ctx):
                err(where, "followup needs a context list of 1-3 earlier user turns")
                ctx = []
        elif ctx is not None:
            err(where, "context is only allowed for followup")
            ctx = []
        user_texts = [text] + list(ctx or [])
        groups = check_expect(where, m.get("expect"), user_texts)
        flat = [a.lower() for g in groups if isinstance(g, list) for a in g if isinstance(a, str)]
        if style == "feeling":
            if not any(isinstance(g, list) and any(isinstance(a, str) and a.lower() in ACK_WORDS for a in g) for g in groups):
                err(where, "feeling message needs an acknowledgement group")
            if len(groups) < 2:
                err(where, "feeling message needs an acknowledgement group AND a factual group")
        if style == "out_of_scope" and KESEHATAN_PAT.search(text):
            if not any(a in KES_POINTERS for a in flat):
                err(where, "BPJS Kesehatan question must require 165/JKN")
            none = [x for x in (m.get("expect") or {}).get("none") or []]
            missing = [x for x in BPJSTK_FIGURES if x not in none]
            if missing:
                err(where, f"BPJS Kesehatan question must forbid BPJS TK figures {missing}")
    for s, n in STYLE_COUNTS.items():
        if counts.get(s, 0) != n:
            err("messages.yml", f"style {s}: {counts.get(s, 0)} messages, expected {n}")
    if len(msgs) != sum(STYLE_COUNTS.values()):
        err("messages.yml", f"{len(msgs)} messages, expected {sum(STYLE_COUNTS.values())}")

    convs = cdoc.get("conversations") if isinstance(cdoc, dict) else None
    if not isinstance(convs, list):
        err("conversations.yml", "top-level key 'conversations' with a list is required")
        convs = []
    if len(convs) < MIN_CONVERSATIONS:
        err("conversations.yml", f"{len(convs)} conversations, need at least {MIN_CONVERSATIONS}")
    cids = set()
    for i, c in enumerate(convs):
        cid = c.get("id") if isinstance(c, dict) else None
        where = f"conversation {cid or i}"
        if not isinstance(c, dict):
            err(where, "not a mapping")
            continue
        if not isinstance(cid, str) or not re.fullmatch(r"c\d{2}", cid):
            err(where, "id must look like c01")
        if cid in cids:
            err(where, "duplicate id")
        cids.add(cid)
        extra = set(c) - {"id", "persona", "steps"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(where, "persona missing")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (STEPS_MIN <= len(steps) <= STEPS_MAX):
            err(where, f"needs {STEPS_MIN}-{STEPS_MAX} steps")
            steps = steps if isinstance(steps, list) else []
        prior = []
        for j, s in enumerate(steps, 1):
            sw = f"{where} step {j}"
            if not isinstance(s, dict):
                err(sw, "not a mapping")
                continue
            extra = set(s) - {"user", "expect", "note"}
            if extra:
                err(sw, f"unknown keys {sorted(extra)}")
            u = s.get("user")
            if not isinstance(u, str) or not u.strip():
                err(sw, "user text missing")
                u = ""
            if not isinstance(s.get("note"), str) or not s["note"].strip():
                err(sw, "note missing")
            check_expect(sw, s.get("expect"), prior + [u])
            prior.append(u)

    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"\n{len(errors)} error(s)")
        return 1
    print(f"OK: {len(msgs)} messages {dict(sorted(counts.items()))}; {len(convs)} conversations, "
          f"{sum(len(c.get('steps', [])) for c in convs)} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
