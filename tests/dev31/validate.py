#!/usr/bin/env python3
"""Structural checker for the dev31 blind evaluation set.

Usage:  python3 validate.py            (from any directory)
Exit 0 when messages.yml and conversations.yml are well formed, 1 otherwise.

Checks
- messages.yml: exactly 180 items, ids m001..m180 in order, style counts, field types,
  context only as a list of 1-3 strings for follow-ups, 1-3 `all` groups of non-empty strings.
- conversations.yml: >= 24 conversations, ids c01.., persona, 6-8 steps, each step with user/expect/note.
- No echo: no alternative of a required group may already occur in the user's own words
  (the message text plus its context; for conversations, the current and all earlier user turns).
  Numeric alternatives are also compared with spaces/dots/commas removed.
- No contradiction: no required alternative contains a `none` string.
- Feeling messages: at least one acknowledgement group and one factual group.
- BPJS Kesehatan out-of-scope items: a group pointing to 165 / JKN, and `none` forbidding
  16.800 / 8.400 / 36.800.
- Scam items: a warning group and an official-channel group.
- No UNCONFIRMED / conflicting value may appear in a required group.
- Light style lint (story length, short follow-ups, abbreviations, Kendari particles).
- README.md exists and states the style counts.
"""
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

STYLE_COUNTS = {
    "story": 40, "followup": 40, "feeling": 25, "out_of_scope": 25,
    "formal": 20, "colloquial": 15, "abbrev": 15,
}

# words that mark an acknowledgement group (feeling messages)
ACK_WORDS = [
    "berduka", "duka", "innalillahi", "turut", "semoga", "lekas sembuh", "cepat pulih",
    "mengerti", "paham", "memahami", "wajar", "maaf", "tenang", "khawatir", "cemas",
    "syukur", "alhamdulillah", "senang", "lega", "sabar", "tabah", "prihatin", "sedih",
    "selamat", "bahagia", "tidak apa", "malu", "membingungkan", "bagus",
]

# strings that must never be required: facts.md marks them UNCONFIRMED or conflicting,
# or they are obsolete values for 2026-12-07.
FORBIDDEN_REQUIRED = [
    "06.00", "22.00", "07.00", "23.00",          # 175 opening hours (single source)
    "berturut",                                  # JKP 6 / 3 consecutive months
    "2,4 juta", "2.400.000", "2,4jt", "2.4 juta",  # JKP training benefit Rp2,4 juta
    "7,5%", "7,5 persen", "7 persen", "7%",       # Perisai fee
    "500.000", "500 ribu", "600.000", "600 ribu",  # Perisai bonus / PMI JHT max / BSU 2025
    "393.500", "383.400", "4.598.100",           # JP min/max (not confirmed for 2025-2026)
    "65 tahun", "usia 65", "umur 65",             # BPU maximum age
    "5 tahun setelah", "2 tahun setelah",        # JKK claim deadline
    "indomaret", "alfamart", "tokopedia", "shopee", "gopay", "ovo", "dana ",  # retail channels
    "284.207", "284.707", "151.413", "66.647",   # Sultra membership counts
    "gatot", "prabowo", "la uno", "muhyiddin",   # branch head names
    "miliar",                                    # business-size thresholds
    "jl.", "jalan ",                              # Kendari branch address
    "10.547.400", "10.042.300", "9.559.600",     # obsolete JP wage caps
    "0,30%", "0,3%", "0,20%",                    # JKM PU share after PP 6/2025
    "14.000", "16.000", "18.000",                # BPU brackets above Rp1.299.000 (pattern unconfirmed)
]

KES_NONE = ["16.800", "8.400", "36.800"]
SCAM_WARN = ["penipuan", "waspada", "hati-hati", "modus", "jangan"]
SCAM_CHANNEL = ["175", "jmo", "kantor cabang", "care@", "bpjsketenagakerjaan.go.id"]
CONSENT_WORDS = ["setuju", "persetujuan", "izin", "bersedia"]

ABBREVS = {"sy", "brp", "gmn", "tdk", "sdh", "blm", "krn", "jg", "utk", "bln", "thn", "jt", "rb",
           "tk", "hr", "org", "klo", "stlh", "bs", "dgn", "yg", "msh", "dpt", "gj", "ank", "ad",
           "kpn", "smp", "hrs", "tggu", "lwt", "prlu", "lhr", "krtu", "lg", "dmn", "ap", "kntrk",
           "dr", "rmh", "trdaftr", "ptni", "pnghsln", "prgrm", "trmsk", "byr", "lnjt", "jd", "kdi"}
KENDARI = {"sa", "ko", "kita", "mo", "ji", "mi", "pi", "kah", "toh", "tabe", "iye", "tida", "pande",
           "bela", "pale", "berapami", "bisaji", "adaji", "perlupi", "ditanggungji", "pu", "ku"}

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def norm_num(s):
    return re.sub(r"[\s.,]", "", s.lower().replace("rp", ""))


def echoes(alt, user_text):
    """True when the alternative already occurs in the user's words.

    Alternatives must start at a word start (so 'NIK' is not found inside 'klinik');
    very short ones (<= 3 characters) must also end at a word end ('WA' is not 'wajo')."""
    a = alt.lower()
    t = user_text.lower()
    pat = r"(?<![a-z0-9])" + re.escape(a)
    if len(a) <= 3 and a[-1].isalnum():
        pat += r"(?![a-z0-9])"
    if re.search(pat, t):
        return True
    if re.search(r"\d", a):
        na, nt = norm_num(a), norm_num(t)
        if na and re.search(r"(?<!\d)" + re.escape(na) + (r"(?!\d)" if na[-1].isdigit() else ""), nt):
            return True
    return False


def forbidden_in(f, alt):
    """Numeric forbidden values match only at a number boundary (so '500.000' does not hit '1.500.000')."""
    a = alt.lower()
    if re.search(r"\d", f):
        return re.search(r"(?<![\d.,])" + re.escape(f) + (r"(?![\d])" if f[-1].isdigit() else ""), a) is not None
    return f in a


def is_ack_group(group):
    return any(any(w in alt.lower() for w in ACK_WORDS) for alt in group)


def check_expect(where, expect, user_words, min_groups=1):
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return None
    extra = set(expect) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    none = expect.get("none", [])
    if not isinstance(groups, list) or not (min_groups <= len(groups) <= 3):
        err(where, f"expect.all must be a list of {min_groups}-3 groups")
        return None
    if not isinstance(none, list) or not all(isinstance(s, str) and s.strip() for s in none):
        err(where, "expect.none must be a list of non-empty strings")
        none = []
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} must be a non-empty list")
            continue
        seen = set()
        for alt in g:
            if not isinstance(alt, str) or len(alt.strip()) < 2:
                err(where, f"group {gi}: bad alternative {alt!r}")
                continue
            if alt.lower() in seen:
                err(where, f"group {gi}: duplicate alternative {alt!r}")
            seen.add(alt.lower())
            if echoes(alt, user_words):
                err(where, f"group {gi}: alternative {alt!r} echoes the user's own words")
            for f in FORBIDDEN_REQUIRED:
                if forbidden_in(f, alt):
                    err(where, f"group {gi}: alternative {alt!r} contains unconfirmed/obsolete value {f!r}")
            for n in none:
                if n.lower() in alt.lower():
                    err(where, f"group {gi}: alternative {alt!r} contains a `none` string {n!r}")
    return groups, none


def load(name):
    path = os.path.join(HERE, name)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except Exception as exc:  # noqa: BLE001
        err(name, f"cannot load: {exc}")
        return None


def check_messages():
    data = load("messages.yml")
    if not isinstance(data, dict) or set(data) != {"messages"}:
        err("messages.yml", "top level must be exactly {messages: [...]}")
        return
    msgs = data["messages"]
    if not isinstance(msgs, list) or len(msgs) != 180:
        err("messages.yml", f"need exactly 180 messages, got {len(msgs) if isinstance(msgs, list) else '?'}")
        return
    styles = Counter()
    texts = Counter()
    for i, m in enumerate(msgs, 1):
        want_id = f"m{i:03d}"
        where = f"messages[{want_id}]"
        if not isinstance(m, dict):
            err(where, "item must be a mapping")
            continue
        allowed = {"id", "style", "context", "text", "expect", "why"}
        if set(m) - allowed:
            err(where, f"unknown keys {sorted(set(m) - allowed)}")
        for k in ("id", "style", "text", "expect", "why"):
            if k not in m:
                err(where, f"missing {k}")
        if m.get("id") != want_id:
            err(where, f"id {m.get('id')!r} out of order (want {want_id})")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"bad style {style!r}")
        styles[style] += 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "text must be a non-empty string")
            continue
        texts[text.strip().lower()] += 1
        ctx = m.get("context", [])
        if "context" in m and (not isinstance(ctx, list) or not all(isinstance(c, str) and c.strip() for c in ctx)):
            err(where, "context must be a list of non-empty strings")
            ctx = []
        why = m.get("why")
        if not isinstance(why, str) or "§" not in why and "facts.md" not in why and "scam" not in why.lower() \
                and "out of scope" not in why.lower() and "small talk" not in why.lower():
            err(where, "why must cite a facts.md section (§...) or state the out-of-scope reason")
        user_words = " \n ".join(list(ctx) + [text])
        res = check_expect(where, m.get("expect"), user_words)
        if res is None:
            continue
        groups, none = res
        words = re.findall(r"[a-z0-9\-]+", text.lower())
        # style-specific checks
        if style == "followup":
            if not (1 <= len(ctx) <= 3):
                err(where, "followup needs 1-3 context messages")
            if len(words) > 20:
                err(where, f"followup text should be short ({len(words)} words)")
        elif ctx:
            err(where, "only followup messages carry context in this set")
        if style == "story" and len(words) < 35:
            err(where, f"story too short ({len(words)} words)")
        if style == "abbrev" and len(set(words) & ABBREVS) < 3:
            err(where, f"abbrev needs >= 3 abbreviations, found {sorted(set(words) & ABBREVS)}")
        if style == "colloquial" and len(set(words) & KENDARI) < 2:
            err(where, f"colloquial needs >= 2 Kendari particles, found {sorted(set(words) & KENDARI)}")
        if style == "feeling":
            acks = [g for g in groups if is_ack_group(g)]
            facts = [g for g in groups if not is_ack_group(g)]
            if not acks:
                err(where, "feeling message needs an acknowledgement group")
            if not facts:
                err(where, "feeling message needs a factual group")
        is_kes = isinstance(why, str) and "BPJS Kesehatan" in why and style == "out_of_scope"
        if style == "out_of_scope" and re.search(r"bpjs\s*kes|\bkis\b|faskes", text.lower()) and not is_kes:
            err(where, "BPJS Kesehatan question must be marked 'BPJS Kesehatan' in why")
        if is_kes:
            flat = [a.lower() for g in groups for a in g]
            if not any(("165" in a) or ("jkn" in a) for a in flat):
                err(where, "BPJS Kesehatan item must point to 165 / JKN")
            if not any(any(a in ("165", "jkn", "mobile jkn") for a in (x.lower() for x in g)) for g in groups):
                err(where, "BPJS Kesehatan item needs a group of 165 / Mobile JKN / JKN")
            for n in KES_NONE:
                if n not in none:
                    err(where, f"BPJS Kesehatan item must forbid {n}")
        if isinstance(why, str) and "scam" in why.lower():
            flat_groups = [[a.lower() for a in g] for g in groups]
            if not any(any(w in a for a in g for w in SCAM_WARN) for g in flat_groups):
                err(where, "scam item needs a warning group")
            if not any(any(w in a for a in g for w in SCAM_CHANNEL) for g in flat_groups):
                err(where, "scam item needs an official-channel group")
    for s, n in STYLE_COUNTS.items():
        if styles[s] != n:
            err("messages.yml", f"style {s}: {styles[s]} (want {n})")
    for t, n in texts.items():
        if n > 1:
            err("messages.yml", f"duplicate text: {t[:60]!r}")
    return msgs


def check_conversations():
    data = load("conversations.yml")
    if not isinstance(data, dict) or set(data) != {"conversations"}:
        err("conversations.yml", "top level must be exactly {conversations: [...]}")
        return
    convs = data["conversations"]
    if not isinstance(convs, list) or len(convs) < 24:
        err("conversations.yml", "need at least 24 conversations")
        return
    consent = kes = scam = leave = correction = 0
    for i, c in enumerate(convs, 1):
        want = f"c{i:02d}"
        where = f"conversations[{want}]"
        if not isinstance(c, dict):
            err(where, "must be a mapping")
            continue
        if set(c) - {"id", "persona", "steps"}:
            err(where, f"unknown keys {sorted(set(c) - {'id', 'persona', 'steps'})}")
        if c.get("id") != want:
            err(where, f"id {c.get('id')!r} out of order")
        if not isinstance(c.get("persona"), str) or not c["persona"].strip() or "\n" in c["persona"].strip():
            err(where, "persona must be one line")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (6 <= len(steps) <= 8):
            err(where, "needs 6-8 steps")
            continue
        said = []
        has_consent = has_kes = has_scam = has_leave = has_corr = False
        for j, st in enumerate(steps, 1):
            sw = f"{where}.step{j}"
            if not isinstance(st, dict) or set(st) != {"user", "expect", "note"}:
                err(sw, "step must have exactly user, expect, note")
                continue
            if not isinstance(st["user"], str) or not st["user"].strip():
                err(sw, "user must be a non-empty string")
                continue
            if not isinstance(st["note"], str) or not st["note"].strip():
                err(sw, "note must be a non-empty string")
            said.append(st["user"])
            res = check_expect(sw, st["expect"], " \n ".join(said))
            if res is None:
                continue
            groups, none = res
            flat = [a.lower() for g in groups for a in g]
            if any(w in a for a in flat for w in CONSENT_WORDS):
                has_consent = True
            u = st["user"].lower()
            if re.search(r"bpjs\s*kes|\bkis\b", u):
                has_kes = True
                if not any(("165" in a) or ("jkn" in a) for a in flat):
                    err(sw, "BPJS Kesehatan side question must expect 165 / JKN")
            if re.search(r"transfer|ngaku|fee|upgrade|admin|tanpa pt|calo|dm sy|sms", u) and \
                    any(w in a for a in flat for w in SCAM_WARN):
                has_scam = True
            if re.search(r"tidak jadi|tdk jadi|nanti saja|nanti sy|pikir2", u):
                has_leave = True
            if re.search(r"salah|koreksi|maaf,? (sy|saya)|eh ", u):
                has_corr = True
        consent += has_consent
        kes += has_kes
        scam += has_scam
        leave += has_leave
        correction += has_corr
    for label, n, need in (("consent/registration", consent, 8), ("BPJS Kesehatan side question", kes, 6),
                           ("scam side question", scam, 6), ("leave a form (tidak jadi / nanti saja)", leave, 6),
                           ("correction", correction, 6)):
        if n < need:
            err("conversations.yml", f"only {n} conversations with {label} (want >= {need})")


def check_readme():
    path = os.path.join(HERE, "README.md")
    if not os.path.exists(path):
        err("README.md", "missing")
        return
    text = open(path, encoding="utf-8").read()
    for s, n in STYLE_COUNTS.items():
        if not re.search(rf"{s}\s*\|\s*{n}\b", text):
            err("README.md", f"style count row '{s} | {n}' not found")
    if "2026-12-07" not in text:
        err("README.md", "reference date 2026-12-07 not stated")


def main():
    check_messages()
    check_conversations()
    check_readme()
    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"\n{len(errors)} problem(s)")
        return 1
    print("OK: messages.yml (180), conversations.yml, README.md are well formed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
