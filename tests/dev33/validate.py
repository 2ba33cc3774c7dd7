#!/usr/bin/env python3
"""Structural validator for the dev33 blind evaluation set (Lingkar, BPJS Ketenagakerjaan Kendari).

Run:  python3 validate.py          (from this folder, or give the folder as first argument)
Exit status 0 when the set is well formed, 1 otherwise (every problem is printed).
"""
import os
import re
import sys

import yaml

HERE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

EXPECTED_FILES = {"messages.yml", "conversations.yml", "README.md", "validate.py"}

STYLE_COUNTS = {
    "story": 40,
    "followup": 40,
    "feeling": 25,
    "out_of_scope": 25,
    "formal": 20,
    "colloquial": 15,
    "abbrev": 15,
}
MESSAGE_KEYS = {"id", "style", "text", "context", "expect", "why"}
MESSAGE_REQUIRED = {"id", "style", "text", "expect", "why"}
EXPECT_KEYS = {"all", "none"}
CONV_KEYS = {"id", "persona", "steps"}
STEP_KEYS = {"user", "expect", "note"}

# Facts that facts.md marks UNCONFIRMED, conflicting or changing. A required alternative that matches
# any of these patterns is rejected: an answer must never be forced to state them.
UNCONFIRMED_PATTERNS = [
    (r"393[.,]?500", "JP minimum 2025-2026 not captured (§1.5)"),
    (r"383[.,]?400|4[.,]?598[.,]?100", "old JP min/max (§1.5)"),
    (r"11[.,]?086[.,]?3|10[.,]?547[.,]?4|10[.,]?042[.,]?3|9[.,]?559[.,]?6", "JP wage cap: §3.1 vs §9 item 11 conflict; changes each March"),
    (r"berturut", "JKP 6 (or 3) consecutive months condition UNCONFIRMED after PP 6/2025 (§1.6, §9.3)"),
    (r"2[.,]4 ?(juta|jt)|2\.400\.000", "JKP training benefit Rp2,4 juta UNCONFIRMED (§1.6)"),
    (r"(?<![\d,.])7[.,]5 ?(%|persen)|(?<![\d,.])7 ?(%|persen)", "Perisai fee 7,5% vs 7% conflict, current rate UNCONFIRMED (§6.2, §9.1)"),
    (r"(?<![\d.])500[.,]?000(?![\d.])|(?<![\d.])600[.,]?000(?![\d.])", "PMI JHT ceiling Rp500rb vs Rp600rb conflict (§3.5, §9.2); Perisai bonus"),
    (r"\b0?6[.:]00\b|\b22[.:]00\b|\b07[.:]00\b|\b23[.:]00\b", "175 opening hours: single source (§7)"),
    (r"\bjl\.|\bjalan [A-Z]", "Kendari branch address UNCONFIRMED (§7)"),
    (r"\b5 tahun\b|lima tahun", "JKK claim deadline 5 years UNCONFIRMED (§1.2)"),
    (r"0[,.]20? ?(%|persen)", "internal JKM share 0,20% vs 0,30% UNCONFIRMED (§3.1)"),
    (r"0[,.]10 ?(%|persen)", "'mulai 0,10 persen' Jakon quote conflicts with the rate table (§3.4)"),
    (r"progresif|marginal", "Jakon progressive vs flat UNCONFIRMED (§3.4)"),
    (r"miliar", "business-size thresholds UNCONFIRMED (§2)"),
    (r"16 digit", "KPJ length UNCONFIRMED (sources.md)"),
    (r"65 tahun|usia 65|umur 65", "BPU maximum age UNCONFIRMED (§4); JP 65 only from 2043"),
    (r"sebulan sebelum", "JP entry age UNCONFIRMED (§4)"),
    (r"\b14 hari", "Jakon 14 working days was Permenaker 44/2015 (historical, §3.4)"),
    (r"(?<![\d.])(14|16|18|22|24)\.000(?![\d.])", "BPU JKK brackets above Rp1,3 juta UNCONFIRMED (§3.2) (24.000 JHT is inferred)"),
    (r"207[.,]?000|414[.,]?000|20[,.]2 juta|627[.,]?800|213[.,]?800", "top BPU bracket from one source each (§3.2)"),
    (r"42[.,]?800|18[.,]?800", "calculated values on an inferred base (§3.2)"),
    (r"284[.,][27]07|66[.,]647", "Sultra membership figures conflict (§7, §9.10)"),
    (r"\b870\b|1\.206", "Berjasa figures do not match (§6.1)"),
    (r"Permenaker 1/2025", "named only in a third-party registry (§0)"),
    (r"(2 )?desember 2019|november 2019", "PP 82/2019 signing date conflict (§0, §9.8)"),
    (r"\b(Unaaha|Raha|Lasusua|Andoolo|Pasarwajo|Wanggudu|Batauga|Labungkari|Buranga|Langara|Laworo|Wangi-Wangi)\b", "regency capitals other than Rumbia/Tirawuta UNCONFIRMED (§7)"),
    (r"lapak ?asik.*(5 hari|lima hari)|5 hari kerja", "claim payout time single source (§5.3)"),
]

FEELINGS = {"grief", "fear", "anger", "shame", "relief"}
OOS_TAGS = {"OOS-KES", "OOS-SCAM", "OOS-LOAN", "OOS-HEALTH", "OOS-AGENCY", "OOS-SMALLTALK"}

WARNING_WORDS = ["penipuan", "waspada", "hati-hati", "jangan", "modus", "palsu", "hoaks", "hoax", "calo"]
OFFICIAL_CHANNELS = ["175", "care@", "bpjsketenagakerjaan.go.id", "jmo", "kantor cabang", "lapak asik",
                     "@bpjs.ketenagakerjaan"]

KES_TEXT = re.compile(r"kesehatan|faskes|\bkis\b|kelas 3|berobat|katarak", re.I)
SCAM_TEXT = re.compile(r"transfer|\botp\b|bit\.ly|klik link|biaya admin|uang pendaftaran|google form|ngaku", re.I)

KENDARI_MARKERS = ["sa", "ko", "kita", "mo", "ji", "mi", "pi", "toh", "kah", "tabe", "iye", "tida", "pande",
                   "bela", "pale", "pu", "pe", "su", "pigi"]
FUSED = re.compile(r"\w+(mi|ji|kah|pi)\b", re.I)
FUSED_OK = {"berapami", "bisaji", "aktifkah", "adakah", "sudahmi", "bagaimanami"}

ABBREVS = ["yg", "brp", "sy", "tdk", "gmn", "krn", "sdh", "blm", "jd", "utk", "dgn", "bs", "tlg", "bln", "skrg",
           "krj", "kpn", "mgg", "jg", "pny", "kl", "klo", "trs", "dpt", "gk", "dr", "sm", "ap", "cr", "no", "nmr",
           "hrs", "thn", "bru", "tny", "cm", "krywn", "kcelakaan", "dtanya", "lgsg", "jht", "bpu", "jkp", "phk", "hp"]

KABKOTA = {
    "Bombana": r"\bBombana\b",
    "Buton": r"\bButon\b(?! (Selatan|Tengah|Utara))",
    "Buton Selatan": r"\bButon Selatan\b",
    "Buton Tengah": r"\bButon Tengah\b",
    "Buton Utara": r"\bButon Utara\b",
    "Kolaka": r"\bKolaka\b(?! (Timur|Utara))",
    "Kolaka Timur": r"\bKolaka Timur\b",
    "Kolaka Utara": r"\bKolaka Utara\b",
    "Konawe": r"\bKonawe\b(?! (Kepulauan|Selatan|Utara))",
    "Konawe Kepulauan": r"\bKonawe Kepulauan\b",
    "Konawe Selatan": r"\bKonawe Selatan\b",
    "Konawe Utara": r"\bKonawe Utara\b",
    "Muna": r"\bMuna\b(?! Barat)",
    "Muna Barat": r"\bMuna Barat\b",
    "Wakatobi": r"\bWakatobi\b",
    "Baubau": r"\bBau ?bau\b",
    "Kendari": r"\bKendari\b",
}

NUMBER_FORMS = ["1,5jt", "satu juta dua ratus", "Rp 2.750.000", "2 juta setengah", "800 rb/minggu", "150 ribu sehari"]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def low(s):
    return s.casefold()


def check_expect(where, expect, prior_texts, tag_text):
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return []
    extra = set(expect) - EXPECT_KEYS
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    if not isinstance(groups, list) or not (1 <= len(groups) <= 3):
        err(where, "expect.all must hold 1-3 groups")
        return []
    seen_all = set()
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} must be a non-empty list")
            continue
        seen = set()
        for alt in g:
            if not isinstance(alt, str):
                err(where, f"group {gi}: alternative {alt!r} is not a string")
                continue
            a = alt.strip()
            if len(a) < 3:
                err(where, f"group {gi}: alternative {alt!r} shorter than 3 chars")
            if low(a) in seen:
                err(where, f"group {gi}: duplicate alternative {alt!r}")
            seen.add(low(a))
            for t in prior_texts:
                if low(a) in low(t):
                    err(where, f"echo: required {alt!r} occurs in user text {t[:60]!r}")
                    break
            for pat, why in UNCONFIRMED_PATTERNS:
                if re.search(pat, a, re.I):
                    err(where, f"required {alt!r} matches UNCONFIRMED pattern ({why})")
        key = tuple(sorted(seen))
        if key in seen_all:
            err(where, f"group {gi} duplicates another group")
        seen_all.add(key)
    none = expect.get("none", [])
    if not isinstance(none, list):
        err(where, "expect.none must be a list")
        none = []
    for n in none:
        if not isinstance(n, str) or len(n.strip()) < 3:
            err(where, f"none entry {n!r} must be a string of >= 3 chars")
            continue
        for g in groups:
            for alt in g if isinstance(g, list) else []:
                if isinstance(alt, str) and low(n) in low(alt):
                    err(where, f"none {n!r} is contained in required alternative {alt!r}")
    # tag-driven rules (BPJS Kesehatan, scams)
    if "OOS-KES" in tag_text:
        if not any(any("165" in a for a in g) for g in groups):
            err(where, "BPJS Kesehatan item must require 165")
        if not any(any("jkn" in low(a) for a in g) for g in groups):
            err(where, "BPJS Kesehatan item must require JKN / Mobile JKN")
    if "SCAM" in tag_text:
        if not any(any(any(w in low(a) for w in WARNING_WORDS) for a in g) for g in groups):
            err(where, "scam item must require a warning group")
        if not any(any(any(c in low(a) for c in OFFICIAL_CHANNELS) for a in g) for g in groups):
            err(where, "scam item must require an official channel group")
    return groups


def sentences(text):
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [p for p in parts if re.search(r"\w", p)]


def load(name):
    path = os.path.join(HERE, name)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except Exception as exc:  # noqa: BLE001
        err(name, f"cannot load: {exc}")
        return None


def main():
    present = {f for f in os.listdir(HERE) if not f.startswith(".") and f != "__pycache__"}
    if present != EXPECTED_FILES:
        err("folder", f"expected exactly {sorted(EXPECTED_FILES)}, found {sorted(present)}")

    all_user_texts = []

    # ---------------- messages ----------------
    data = load("messages.yml")
    msgs = []
    if isinstance(data, dict) and set(data) == {"messages"} and isinstance(data["messages"], list):
        msgs = data["messages"]
    else:
        err("messages.yml", "top level must be a mapping with only 'messages' (a list)")
    counts = {k: 0 for k in STYLE_COUNTS}
    seen_texts = {}
    feelings_seen = set()
    for i, m in enumerate(msgs, 1):
        want = f"m{i:03d}"
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "not a mapping")
            continue
        if m.get("id") != want:
            err(where, f"id {m.get('id')!r} should be {want!r}")
        where = str(m.get("id", where))
        keys = set(m)
        if keys - MESSAGE_KEYS:
            err(where, f"unknown keys {sorted(keys - MESSAGE_KEYS)}")
        if MESSAGE_REQUIRED - keys:
            err(where, f"missing keys {sorted(MESSAGE_REQUIRED - keys)}")
            continue
        style = m["style"]
        if style not in STYLE_COUNTS:
            err(where, f"unknown style {style!r}")
            continue
        counts[style] += 1
        text = m["text"]
        why = m["why"]
        if not isinstance(text, str) or not text.strip():
            err(where, "empty text")
            continue
        if not isinstance(why, str) or not why.strip():
            err(where, "empty why")
            why = ""
        if "§" not in why and not why.startswith("OOS-") and not re.search(r"Privasi|Bot ", why):
            err(where, "why must cite a facts.md section (§) or carry an OOS/Privasi/Bot tag")
        norm = re.sub(r"\s+", " ", low(text)).strip()
        if norm in seen_texts:
            err(where, f"duplicate text of {seen_texts[norm]}")
        seen_texts[norm] = where
        ctx = m.get("context")
        prior = [text]
        if style == "followup":
            if not isinstance(ctx, list) or not (1 <= len(ctx) <= 3) or not all(isinstance(c, str) and c.strip() for c in ctx):
                err(where, "followup needs context: 1-3 earlier user turns")
            else:
                prior += ctx
        elif ctx is not None:
            err(where, "only followup items may have context")
        all_user_texts.extend(prior)
        tag_text = why
        if style == "out_of_scope":
            tags = [t for t in OOS_TAGS if t in why]
            if len(tags) != 1:
                err(where, "out_of_scope why must carry exactly one OOS-* tag")
            if KES_TEXT.search(text) and "OOS-KES" not in why and "OOS-HEALTH" not in why:
                err(where, "text looks like a BPJS Kesehatan question but is not tagged OOS-KES")
            if SCAM_TEXT.search(text) and "OOS-SCAM" not in why:
                err(where, "text looks like a scam report but is not tagged OOS-SCAM")
        groups = check_expect(where, m["expect"], prior, tag_text)
        if style == "feeling":
            mt = re.search(r"feeling:(\w+)", why)
            if not mt or mt.group(1) not in FEELINGS:
                err(where, "feeling why must carry feeling:<grief|fear|anger|shame|relief>")
            else:
                feelings_seen.add(mt.group(1))
            if len(groups) < 2:
                err(where, "feeling needs an acknowledgement group and a fact group")
            elif len(groups[0]) < 5:
                err(where, "feeling acknowledgement group (first) needs >= 5 alternatives")
        if style == "story":
            n = len(sentences(text))
            if not (4 <= n <= 8):
                err(where, f"story has {n} sentences (need 4-8)")
            if not text.strip().endswith("?"):
                err(where, "story must end with a question")
        if style == "colloquial":
            toks = re.findall(r"[a-z]+", low(text))
            hits = [t for t in toks if t in KENDARI_MARKERS or t in FUSED_OK]
            if len(hits) < 2:
                err(where, f"colloquial needs >= 2 Kendari/Sulawesi markers, found {hits}")
        if style == "abbrev":
            toks = re.findall(r"[a-z]+", low(text))
            hits = [t for t in toks if t in ABBREVS]
            if len(set(hits)) < 3:
                err(where, f"abbrev needs >= 3 chat abbreviations, found {hits}")
    for k, v in STYLE_COUNTS.items():
        if counts[k] != v:
            err("messages.yml", f"style {k}: {counts[k]} items, expected {v}")
    if len(msgs) != sum(STYLE_COUNTS.values()):
        err("messages.yml", f"{len(msgs)} messages, expected {sum(STYLE_COUNTS.values())}")
    if feelings_seen != FEELINGS:
        err("messages.yml", f"feelings covered {sorted(feelings_seen)}, need all of {sorted(FEELINGS)}")

    # ---------------- conversations ----------------
    data = load("conversations.yml")
    convs = []
    if isinstance(data, dict) and set(data) == {"conversations"} and isinstance(data["conversations"], list):
        convs = data["conversations"]
    else:
        err("conversations.yml", "top level must be a mapping with only 'conversations' (a list)")
    if len(convs) < 25:
        err("conversations.yml", f"{len(convs)} conversations, need >= 25")
    for i, c in enumerate(convs, 1):
        want = f"c{i:02d}"
        where = f"conversations[{i}]"
        if not isinstance(c, dict):
            err(where, "not a mapping")
            continue
        if c.get("id") != want:
            err(where, f"id {c.get('id')!r} should be {want!r}")
        where = str(c.get("id", where))
        if set(c) != CONV_KEYS:
            err(where, f"keys must be exactly {sorted(CONV_KEYS)}")
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(where, "persona missing")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (6 <= len(steps) <= 8):
            err(where, "steps must be a list of 6-8 turns")
            continue
        earlier = []
        seen_step = set()
        for j, s in enumerate(steps, 1):
            sw = f"{where}.step{j}"
            if not isinstance(s, dict) or set(s) != STEP_KEYS:
                err(sw, f"step keys must be exactly {sorted(STEP_KEYS)}")
                continue
            u = s["user"]
            if not isinstance(u, str) or not u.strip():
                err(sw, "empty user text")
                continue
            if low(u) in seen_step:
                err(sw, "duplicate user turn within the conversation")
            seen_step.add(low(u))
            if not isinstance(s["note"], str) or not s["note"].strip():
                err(sw, "empty note")
            if KES_TEXT.search(u) and "OOS-KES" not in s["note"]:
                err(sw, "turn looks like a BPJS Kesehatan question but note lacks OOS-KES")
            if SCAM_TEXT.search(u) and "SCAM" not in s["note"]:
                err(sw, "turn looks like a scam report but note lacks OOS-SCAM")
            earlier.append(u)
            all_user_texts.append(u)
            check_expect(sw, s["expect"], list(earlier), s["note"])

    # ---------------- coverage ----------------
    blob = "\n".join(all_user_texts)
    for name, pat in KABKOTA.items():
        if not re.search(pat, blob):
            err("coverage", f"kabupaten/kota {name} never appears in user text")
    for form in NUMBER_FORMS:
        if form not in blob:
            err("coverage", f"number form {form!r} never appears in user text")

    if errors:
        for e in errors:
            print("FAIL", e)
        print(f"\n{len(errors)} problem(s)")
        return 1
    n_steps = sum(len(c["steps"]) for c in convs)
    print(f"OK: {len(msgs)} messages {counts}; {len(convs)} conversations, {n_steps} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
