#!/usr/bin/env python3
"""Structural checker for the dev30 blind evaluation set.

Usage:  python3 validate.py            (from any directory)
Exit code 0 when messages.yml and conversations.yml are well formed, 1 otherwise.

Checks
- messages.yml: exactly 180 items m001..m180, style counts, required keys, context rules
- expectations: 1-3 groups, non-empty string alternatives, `none` is a list of strings,
  no `none` string hidden inside a required alternative
- no echo: no required alternative occurs in what the user already wrote
  (the message text + its context; in conversations the current and all earlier user turns)
- feeling items carry an acknowledgement group AND a factual group
- BPJS Kesehatan items point to 165 / JKN and forbid BPJS TK figures (16.800 / 8.400 / 36.800)
- scam items require a warning group and an official-channel group
- nothing facts.md marks UNCONFIRMED / conflicting (or a stale dated value) is required
- coverage: all 17 regencies/cities of Sultra are mentioned; conversations contain consent,
  leave-the-form, thanks, BPJS Kesehatan and scam steps
"""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ERRORS = []


def err(where, msg):
    ERRORS.append(f"{where}: {msg}")


STYLE_COUNTS = {"story": 40, "followup": 40, "feeling": 25, "out_of_scope": 25,
                "formal": 20, "colloquial": 15, "abbrev": 15}

ACK_WORDS = {w.lower() for w in [
    "turut berduka", "berduka", "innalillahi", "inna lillahi", "belasungkawa",
    "mengerti", "paham", "wajar", "memahami", "maklum",
    "semoga", "lekas sembuh", "cepat pulih", "cepat sembuh",
    "tenang", "jangan khawatir", "jangan cemas", "tidak perlu khawatir",
    "maaf", "mohon maaf",
    "syukur", "alhamdulillah", "ikut senang", "senang mendengar", "selamat", "senang",
    "prihatin", "ikut sedih", "sabar", "tidak perlu malu", "tidak apa",
    "pertanyaan yang bagus", "pertanyaan yang baik", "terima kasih", "bagus", "mantap",
]}

KES_MARK = "BPJS Kesehatan ≠ BPJS TK"
KES_POINTERS = {"165", "jkn", "mobile jkn"}
KES_FORBIDDEN_FIGURES = ["16.800", "8.400", "36.800"]

SCAM_MARK = "SCAM"
SCAM_WORDS = {"penipuan", "waspada", "hati-hati", "hati hati"}
OFFICIAL_WORDS = {"175", "jmo", "kantor cabang"}

# Strings that must never be REQUIRED: unconfirmed / conflicting in facts.md, or stale on 2026-12-07.
FORBIDDEN_REQUIRED = [
    # JKP "berturut-turut" condition and training amount (UNCONFIRMED after PP 6/2025)
    "berturut", "2,4 juta", "2.400.000", "2,4jt", "2,4 jt",
    # 175 opening hours (single source)
    "06.00", "22.00", "07.00", "23.00", "wib", "wita",
    # Perisai fee % (7,5% vs 7%) and current incentive terms
    "7,5", "7 persen", "7%",
    # JP minimum / maximum benefit 2025-2026
    "393.500", "4.598.100",
    # BPU maximum age
    "65 tahun", "usia 65", "umur 65",
    # JKK 5-year claim deadline
    "5 tahun", "lima tahun",
    # retail payment channels for BPJS TK
    "indomaret", "alfamart", "alfamidi", "tokopedia", "shopee", "bukalapak", "lazada",
    # Sultra membership counts
    "284.207", "284.707", "151.413", "66.647",
    # branch head's name, branch address
    "gatot", "jl.", "alamat kantor",
    # business-size thresholds
    "1 miliar", "2 miliar", "5 miliar", "15 miliar",
    # JKM internal share after PP 6/2025, PMI optional JHT range (conflict), Permenaker 1/2025
    "0,20%", "600.000", "500.000", "600 ribu", "500 ribu", "1/2025",
    # stale dated values (superseded before 2026-12-07)
    "10.547.400", "10.042.300", "9.559.600", "10.500.000", "24 juta", "58 tahun", "usia 58",
    "45%", "0,46%",
]

REGENCIES = {
    "Bombana": ["bombana", "kasipute", "rumbia"],
    "Buton": [r"\bbuton\b(?! (selatan|tengah|utara))", "pasarwajo"],
    "Buton Selatan": ["buton selatan", "busel", "batauga"],
    "Buton Tengah": ["buton tengah", "buteng", "lakudo", "mawasangka"],
    "Buton Utara": ["buton utara", "butur", "kulisusu"],
    "Kolaka": [r"\bkolaka\b(?! (timur|utara))", "pomalaa"],
    "Kolaka Timur": ["kolaka timur", "koltim", "tirawuta"],
    "Kolaka Utara": ["kolaka utara", "kolut", "lasusua"],
    "Konawe": [r"\bkonawe\b(?! (selatan|utara|kepulauan))", "unaaha", "morosi", "lambuya"],
    "Konawe Kepulauan": ["konawe kepulauan", "konkep", "wawonii", "langara"],
    "Konawe Selatan": ["konawe selatan", "konsel", "andoolo"],
    "Konawe Utara": ["konawe utara", "konut", "wanggudu", "langgikima"],
    "Muna": [r"\bmuna\b(?! barat)", "raha"],
    "Muna Barat": ["muna barat", "laworo", "tiworo"],
    "Wakatobi": ["wakatobi", "wangi-wangi", "wanci", "kaledupa"],
    "Kota Baubau": ["baubau", "bau bau"],
    "Kota Kendari": ["kendari"],
}


def low(s):
    return s.lower()


def norm(s):
    return re.sub(r"\s+", " ", s.lower()).strip()


def check_expect(where, expect, said, marker_text):
    """said: list of strings the user already wrote (for echo checking)."""
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return []
    extra = set(expect) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    none = expect.get("none", [])
    if not isinstance(groups, list) or not (1 <= len(groups) <= 3):
        err(where, "expect.all must be a list of 1-3 groups")
        return []
    if not isinstance(none, list) or not all(isinstance(n, str) and n.strip() for n in none):
        err(where, "expect.none must be a list of non-empty strings")
        none = []
    said_text = norm(" \n ".join(said))
    for gi, g in enumerate(groups):
        gw = f"{where} group {gi + 1}"
        if not isinstance(g, list) or not g:
            err(gw, "group must be a non-empty list")
            continue
        seen = set()
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(gw, f"alternative {a!r} must be a non-empty string")
                continue
            la = norm(a)
            if la in seen:
                err(gw, f"duplicate alternative {a!r}")
            seen.add(la)
            if la in said_text:
                err(gw, f"echo: required alternative {a!r} already appears in the user's own words")
            for f in FORBIDDEN_REQUIRED:
                # token-bounded match, so 182,4 juta / 1.500.000 / 15 tahun are not false hits
                if re.search(r"(?<![\w.,])" + re.escape(f) + r"(?!\w)", la):
                    err(gw, f"requires {a!r}, which contains unconfirmed/stale value {f!r}")
            for n in none:
                if norm(n) in la:
                    err(gw, f"required alternative {a!r} contains a forbidden `none` string {n!r}")
    # BPJS Kesehatan items
    if KES_MARK in marker_text:
        if not any(isinstance(g, list) and any(norm(a) in KES_POINTERS for a in g if isinstance(a, str)) for g in groups):
            err(where, "BPJS Kesehatan item must require 165 / JKN / Mobile JKN")
        for fig in KES_FORBIDDEN_FIGURES:
            if fig not in none:
                err(where, f"BPJS Kesehatan item must forbid BPJS TK figure {fig} in `none`")
    # scam items
    if SCAM_MARK in marker_text:
        if not any(isinstance(g, list) and any(norm(a) in SCAM_WORDS for a in g if isinstance(a, str)) for g in groups):
            err(where, "scam item must require a warning group (penipuan / waspada / hati-hati)")
        if not any(isinstance(g, list) and any(norm(a) in OFFICIAL_WORDS for a in g if isinstance(a, str)) for g in groups):
            err(where, "scam item must require an official channel (175 / JMO / kantor cabang)")
    return groups


def is_ack_group(g):
    return isinstance(g, list) and g and all(isinstance(a, str) and norm(a) in ACK_WORDS for a in g)


def check_messages(path):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict) or set(data) != {"messages"}:
        err("messages.yml", "top level must be exactly the key `messages`")
        return []
    msgs = data["messages"]
    if not isinstance(msgs, list):
        err("messages.yml", "`messages` must be a list")
        return []
    if len(msgs) != 180:
        err("messages.yml", f"expected exactly 180 messages, found {len(msgs)}")
    counts = {}
    ids = []
    for i, m in enumerate(msgs, 1):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "item must be a mapping")
            continue
        mid = m.get("id")
        where = f"{mid or where}"
        ids.append(mid)
        if mid != f"m{i:03d}":
            err(where, f"id should be m{i:03d}")
        extra = set(m) - {"id", "style", "context", "text", "expect", "why"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        for k in ("id", "style", "text", "expect", "why"):
            if k not in m:
                err(where, f"missing key {k}")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"bad style {style!r}")
        counts[style] = counts.get(style, 0) + 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "text must be a non-empty string")
            text = ""
        why = m.get("why")
        if not isinstance(why, str) or not why.strip():
            err(where, "why must be a non-empty string")
            why = ""
        elif "§" not in why and style != "out_of_scope":
            err(where, "why must cite a facts.md section (§)")
        ctx = m.get("context", [])
        if ctx is None:
            ctx = []
        if not isinstance(ctx, list) or not all(isinstance(c, str) and c.strip() for c in ctx):
            err(where, "context must be a list of non-empty strings")
            ctx = []
        if style == "followup":
            if not (1 <= len(ctx) <= 3):
                err(where, "followup needs 1-3 context messages")
            if len(text) > 90:
                err(where, f"followup text should be short (<=90 chars), has {len(text)}")
        elif ctx:
            err(where, "only followup items carry context")
        if style == "story":
            sentences = [s for s in re.split(r"[.?!]+|\s(?=trus |terus |lalu |skrg |sekarang )", text) if s.strip()]
            if len(text) < 180 or len(sentences) < 3:
                err(where, "story should be long (>=180 chars, >=3 sentences)")
        groups = check_expect(where, m.get("expect"), ctx + [text], why)
        if style == "feeling":
            acks = [g for g in groups if is_ack_group(g)]
            facts = [g for g in groups if not is_ack_group(g)]
            if not acks:
                err(where, "feeling item needs an acknowledgement group (all alternatives acknowledgement words)")
            if not facts:
                err(where, "feeling item needs a factual group besides the acknowledgement")
        if style == "out_of_scope":
            lt = low(text)
            if re.search(r"\bkesehatan\b|\bkis\b|\bjkn\b|faskes", lt) and KES_MARK not in why:
                err(where, f"BPJS Kesehatan question must be marked with '{KES_MARK}' in why")
            if re.search(r"transfer|\blink\b|calo|pinjol|\botp\b|rekening pribadi", lt) and SCAM_MARK not in why:
                err(where, "scam-like question must be marked SCAM in why")
    dup = {x for x in ids if ids.count(x) > 1}
    if dup:
        err("messages.yml", f"duplicate ids {sorted(dup)}")
    for st, n in STYLE_COUNTS.items():
        if counts.get(st, 0) != n:
            err("messages.yml", f"style {st}: expected {n}, found {counts.get(st, 0)}")
    return msgs


def check_conversations(path):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err("conversations.yml", "top level must be exactly the key `conversations`")
        return []
    convs = data["conversations"]
    if not isinstance(convs, list) or len(convs) < 24:
        err("conversations.yml", "need at least 24 conversations")
        return convs if isinstance(convs, list) else []
    feats = {"consent": 0, "leave": 0, "thanks": 0, "kes": 0, "scam": 0, "name": 0}
    ids = []
    for i, c in enumerate(convs, 1):
        cid = c.get("id") if isinstance(c, dict) else None
        where = cid or f"conversations[{i}]"
        ids.append(cid)
        if not isinstance(c, dict):
            err(where, "conversation must be a mapping")
            continue
        if cid != f"c{i:02d}":
            err(where, f"id should be c{i:02d}")
        extra = set(c) - {"id", "persona", "steps"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        persona = c.get("persona")
        if not isinstance(persona, str) or not persona.strip() or "\n" in persona.strip():
            err(where, "persona must be one non-empty line")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (6 <= len(steps) <= 8):
            err(where, "steps must be a list of 6-8 steps")
            continue
        said = []
        for j, st in enumerate(steps, 1):
            sw = f"{where} step {j}"
            if not isinstance(st, dict):
                err(sw, "step must be a mapping")
                continue
            extra = set(st) - {"user", "expect", "note"}
            if extra:
                err(sw, f"unknown keys {sorted(extra)}")
            user = st.get("user")
            note = st.get("note")
            if not isinstance(user, str) or not user.strip():
                err(sw, "user must be a non-empty string")
                user = ""
            if not isinstance(note, str) or not note.strip():
                err(sw, "note must be a non-empty string")
                note = ""
            said.append(user)
            groups = check_expect(sw, st.get("expect"), said, note)
            flat = {norm(a) for g in groups if isinstance(g, list) for a in g if isinstance(a, str)}
            if flat & {"setuju", "persetujuan", "izin"}:
                feats["consent"] += 1
            if "nama" in flat:
                feats["name"] += 1
            if flat & {"dibatalkan", "batal", "tidak apa"}:
                feats["leave"] += 1
            if flat & {"sama-sama", "terima kasih kembali"}:
                feats["thanks"] += 1
            if KES_MARK in note:
                feats["kes"] += 1
            if SCAM_MARK in note:
                feats["scam"] += 1
            if re.search(r"\bkesehatan\b|\bkis\b", low(user)) and KES_MARK not in note and "JKN" not in " ".join(a for g in groups for a in g):
                err(sw, "BPJS Kesehatan side question must point to 165/JKN")
    dup = {x for x in ids if ids.count(x) > 1}
    if dup:
        err("conversations.yml", f"duplicate ids {sorted(dup)}")
    minimum = {"consent": 8, "leave": 6, "thanks": 15, "kes": 4, "scam": 4, "name": 2}
    for k, n in minimum.items():
        if feats[k] < n:
            err("conversations.yml", f"too few {k} steps: {feats[k]} < {n}")
    return convs


def check_coverage(msgs, convs):
    blob = []
    for m in msgs:
        if isinstance(m, dict):
            blob.append(str(m.get("text", "")))
            blob.extend(str(x) for x in (m.get("context") or []))
    for c in convs:
        if isinstance(c, dict):
            blob.append(str(c.get("persona", "")))
            blob.extend(str(s.get("user", "")) for s in c.get("steps", []) if isinstance(s, dict))
    text = low("\n".join(blob))
    missing = [name for name, pats in REGENCIES.items() if not any(re.search(p, text) for p in pats)]
    if missing:
        err("coverage", f"regencies/cities never mentioned: {missing}")


def main():
    msgs = check_messages(os.path.join(HERE, "messages.yml"))
    convs = check_conversations(os.path.join(HERE, "conversations.yml"))
    check_coverage(msgs, convs)
    if ERRORS:
        for e in ERRORS:
            print("ERROR", e)
        print(f"\n{len(ERRORS)} problem(s)")
        return 1
    print(f"OK: {len(msgs)} messages, {len(convs)} conversations, "
          f"{sum(len(c['steps']) for c in convs)} conversation steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
