#!/usr/bin/env python3
"""Structural checker for the dev32 blind evaluation set (Lingkar, BPJS TK Kendari).

Run from anywhere:  python3 validate.py
Exit code 0 = well formed; 1 = problems (listed on stdout).

It checks structure only. It does not run the bot and does not judge whether a
fact is right; facts were checked by hand against /work/shared/domain/facts.md.
"""
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("PyYAML is required (pip install pyyaml)")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))

STYLE_COUNTS = {
    "story": 40,
    "followup": 40,
    "feeling": 25,
    "out_of_scope": 25,
    "formal": 20,
    "colloquial": 15,
    "abbrev": 15,
}
N_MESSAGES = 180
MIN_CONVERSATIONS = 24
MIN_STEPS, MAX_STEPS = 6, 8
MIN_GROUPS, MAX_GROUPS = 1, 3

# Words that mark an acknowledgement group (feeling items).
ACK_WORDS = [
    "berduka", "duka", "sedih", "maaf", "semoga", "sabar", "tenang", "paham",
    "mengerti", "memahami", "prihatin", "syukur", "lega", "senang", "wajar",
    "kuat", "cepat sembuh", "simpati", "turut", "kecewa", "kesal",
    "selamat", "bangga", "takut", "khawatir", "cemas", "malu", "marah",
]
MIN_ACK_ALTERNATIVES = 5

# BPJS Kesehatan detection and required pointer.
KESEHATAN_RE = re.compile(
    r"bpjs\s*kesehatan|\bjkn\b|\bkis\b|kartu indonesia sehat|askes|faskes|bpjs\s*kes\b",
    re.I)
# Scam detection (out_of_scope messages; conversation steps whose note says scam).
SCAM_RE = re.compile(
    r"penipu|\btipu|hadiah|undian|biaya admin|biaya pencairan|transfer dulu|"
    r"oknum|calo|\blink\b|pesan berantai|mengaku|kode otp|minta otp|kirim otp|\bpin\b",
    re.I)
WARN_WORDS = ["penipu", "waspada", "hati-hati", "hati hati", "jangan", "modus",
              "tidak pernah", "tidak memungut", "gratis", "resmi", "abaikan"]
CHANNEL_WORDS = ["175", "jmo", "jamsostek mobile", "kantor cabang",
                 "bpjsketenagakerjaan.go.id", "kantor bpjs"]

# Values that facts.md marks UNCONFIRMED or conflicting: never required.
UNCONFIRMED_PATTERNS = [
    (r"\bjl\.|\bjln\.?\s|alamat kantor cabang kendari di", "branch address"),
    (r"(?<![\d.])(06|07|22|23)[.:]00(?![\d])|24 jam", "call centre hours"),
    (r"7,5\s*%|7,5 persen|7\.5\s*%|(?<![\d,.])7 persen|(?<![\d,.])7\s*%", "Perisai incentive level"),
    (r"(?<![\d.])500\.000|(?<!\d)500 ribu|(?<!\d)500rb", "Perisai bonus / PMI JHT upper bound (conflict)"),
    (r"(?<![\d.])600\.000|(?<!\d)600 ribu|(?<!\d)600rb", "PMI JHT upper bound (conflict) / BSU 2025 not current"),
    (r"\b65\s*(tahun|thn)", "BPU maximum age"),
    (r"indomaret|alfamart|alfamidi|tokopedia|shopee|bukalapak|pegadaian",
     "retail payment channels"),
    (r"284\.207|284\.707|66\.647|151\.413|227 ribu|103 ribu", "membership counts"),
    (r"6 bulan berturut|enam bulan berturut|3 bulan berturut-turut sebelum phk",
     "JKP consecutive-month condition"),
    (r"2,4 juta pelatihan|pelatihan 2,4|pelatihan rp2\.400\.000|pelatihan rp2,4", "JKP training amount"),
    (r"5 tahun setelah kecelakaan|batas klaim 5 tahun|kedaluwarsa 5 tahun",
     "JKK claim deadline"),
    (r"(?<![\d.])(14|16)\.000(?!\.)|(?<!\d)14 ribu", "BPU brackets above Rp1.299.000"),
    (r"permenaker 1/2025|permenaker no\.? 1 tahun 2025", "Permenaker 1/2025"),
    (r"1 miliar|2 miliar|15 miliar", "business-size thresholds"),
    (r"unaaha|\braha\b|pasarwajo|andoolo|lasusua|wanggudu|langara|wangi-wangi|"
     r"wangiwangi|labungkari|batauga|ereke|laworo|kasipute", "regency capitals"),
    (r"gatot|juwenly|musriati|hamrul", "current office holders (dated)"),
    (r"393\.500|4\.598\.100", "JP benefit range (not current)"),
    (r"0,20\s*%|0,2 %", "JKM share after rekomposisi"),
]

REGENCIES = [
    ("Bombana", r"bombana"),
    ("Buton", r"\bbuton\b(?!\s*(selatan|tengah|utara|-?sel|-?teng|-?ut))"),
    ("Buton Selatan", r"buton\s*selatan|busel"),
    ("Buton Tengah", r"buton\s*tengah|buteng"),
    ("Buton Utara", r"buton\s*utara|butur"),
    ("Kolaka", r"\bkolaka\b(?!\s*(timur|utara))"),
    ("Kolaka Timur", r"kolaka\s*timur|koltim"),
    ("Kolaka Utara", r"kolaka\s*utara|kolut"),
    ("Konawe", r"\bkonawe\b(?!\s*(selatan|utara|kepulauan))"),
    ("Konawe Kepulauan", r"konawe\s*kepulauan|konkep|wawonii"),
    ("Konawe Selatan", r"konawe\s*selatan|konsel"),
    ("Konawe Utara", r"konawe\s*utara|konut"),
    ("Muna", r"\bmuna\b(?!\s*barat)"),
    ("Muna Barat", r"muna\s*barat|mubar"),
    ("Wakatobi", r"wakatobi"),
    ("Baubau", r"bau\s*-?\s*bau"),
    ("Kendari", r"kendari"),
]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def load(name, key):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        err(name, "missing")
        return None
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            err(name, f"YAML error: {exc}")
            return None
    if not isinstance(data, dict) or list(data.keys()) != [key]:
        err(name, f"top level must be a mapping with the single key '{key}'")
        return None
    if not isinstance(data[key], list):
        err(name, f"'{key}' must be a list")
        return None
    return data[key]


def is_ack_group(group):
    return any(any(w in alt.lower() for w in ACK_WORDS) for alt in group)


def check_expect(where, expect, user_texts):
    """Common checks for one expect block. Returns the list of groups (or [])."""
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return []
    extra = set(expect) - {"all", "none"}
    if extra:
        err(where, f"unknown expect keys {sorted(extra)}")
    groups = expect.get("all")
    none = expect.get("none")
    if not isinstance(groups, list) or not (MIN_GROUPS <= len(groups) <= MAX_GROUPS):
        err(where, f"expect.all must hold {MIN_GROUPS}-{MAX_GROUPS} groups")
        return []
    if not isinstance(none, list):
        err(where, "expect.none must be a list (may be empty)")
        none = []
    for n in none:
        if not isinstance(n, str) or not n.strip():
            err(where, f"bad none entry {n!r}")
    none_l = [n.lower() for n in none if isinstance(n, str) and n.strip()]
    said = " \n ".join(t.lower() for t in user_texts)
    for gi, group in enumerate(groups):
        if not isinstance(group, list) or not group:
            err(where, f"group {gi} must be a non-empty list of alternatives")
            continue
        seen = set()
        for alt in group:
            if not isinstance(alt, str) or not alt.strip():
                err(where, f"group {gi}: bad alternative {alt!r}")
                continue
            a = alt.lower().strip()
            if a in seen:
                err(where, f"group {gi}: duplicate alternative {alt!r}")
            seen.add(a)
            if len(a) < 3:
                err(where, f"group {gi}: alternative {alt!r} too short to be meaningful")
            if a in said:
                err(where, f"group {gi}: alternative {alt!r} echoes the user's own words")
            for n in none_l:
                if n in a:
                    err(where, f"group {gi}: alternative {alt!r} contains none-string {n!r}")
            for pat, label in UNCONFIRMED_PATTERNS:
                if re.search(pat, alt, re.I):
                    err(where, f"group {gi}: alternative {alt!r} requires an unconfirmed value ({label})")
    return [g for g in groups if isinstance(g, list)], none_l


def check_kesehatan(where, groups, none_l):
    alts = [a.lower() for g in groups for a in g if isinstance(a, str)]
    if not any("165" in a for a in alts) or not any("jkn" in a for a in alts):
        err(where, "BPJS Kesehatan item must point to 165 and (Mobile) JKN")
    if not any("16.800" in n for n in none_l):
        err(where, "BPJS Kesehatan item must forbid the BPJS TK figure 16.800 in none")


def check_scam(where, groups):
    has_warn = any(any(any(w in a.lower() for w in WARN_WORDS) for a in g) for g in groups)
    has_chan = any(any(any(c in a.lower() for c in CHANNEL_WORDS) for a in g) for g in groups)
    if not has_warn:
        err(where, "scam item needs a warning group")
    if not has_chan:
        err(where, "scam item needs an official-channel group (175 / JMO / kantor cabang)")


def check_feeling(where, groups):
    ack = [g for g in groups if is_ack_group(g)]
    fact = [g for g in groups if not is_ack_group(g)]
    if not ack:
        err(where, "feeling item needs an acknowledgement group")
    elif not any(len(g) >= MIN_ACK_ALTERNATIVES for g in ack):
        err(where, f"acknowledgement group needs >= {MIN_ACK_ALTERNATIVES} broad alternatives")
    if not fact:
        err(where, "feeling item needs a fact group (no acknowledgement words)")


def sentence_count(text):
    parts = [p for p in re.split(r"[.!?]+(?:\s+|$)", text.strip()) if p.strip()]
    return len(parts)


def check_messages(msgs):
    counts = {s: 0 for s in STYLE_COUNTS}
    stats = {"kesehatan": 0, "scam": 0}
    texts = set()
    all_text = []
    if len(msgs) != N_MESSAGES:
        err("messages", f"expected {N_MESSAGES} messages, found {len(msgs)}")
    for i, m in enumerate(msgs, 1):
        want_id = f"m{i:03d}"
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            err(where, "must be a mapping")
            continue
        mid = m.get("id")
        where = f"{mid or where}"
        if mid != want_id:
            err(where, f"id should be {want_id}")
        allowed = {"id", "style", "text", "expect", "why", "context"}
        extra = set(m) - allowed
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        for k in ("id", "style", "text", "expect", "why"):
            if k not in m:
                err(where, f"missing key {k}")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"unknown style {style!r}")
        else:
            counts[style] += 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "text must be a non-empty string")
            continue
        if text.strip().lower() in texts:
            err(where, "duplicate text")
        texts.add(text.strip().lower())
        why = m.get("why")
        if not isinstance(why, str) or "§" not in why:
            err(where, "why must be a string citing a facts.md § section")
        ctx = m.get("context")
        user_texts = [text]
        if style == "followup":
            if not isinstance(ctx, list) or not (1 <= len(ctx) <= 3) or \
                    not all(isinstance(c, str) and c.strip() for c in ctx):
                err(where, "followup needs context: 1-3 earlier user messages")
            else:
                user_texts = list(ctx) + [text]
            if len(text) > 160:
                err(where, "followup text should be short")
        elif ctx is not None:
            err(where, "only followup items carry context")
        if style == "story":
            n = sentence_count(text)
            if not (4 <= n <= 8):
                err(where, f"story should have 4-8 sentences (found {n})")
            if "?" not in text:
                err(where, "story needs a real question")
        all_text.extend(user_texts)
        res = check_expect(where, m.get("expect"), user_texts)
        if not res:
            continue
        groups, none_l = res
        if style == "feeling":
            check_feeling(where, groups)
        if style == "out_of_scope" and KESEHATAN_RE.search(text):
            stats["kesehatan"] += 1
            check_kesehatan(where, groups, none_l)
        if style == "out_of_scope" and SCAM_RE.search(text):
            stats["scam"] += 1
            check_scam(where, groups)
    for s, n in STYLE_COUNTS.items():
        if counts[s] != n:
            err("messages", f"style {s}: expected {n}, found {counts[s]}")
    return counts, stats, all_text


def check_conversations(convs):
    stats = {"steps": 0, "kesehatan": 0, "scam": 0}
    all_text = []
    if len(convs) < MIN_CONVERSATIONS:
        err("conversations", f"need at least {MIN_CONVERSATIONS}, found {len(convs)}")
    for i, c in enumerate(convs, 1):
        want = f"c{i:02d}"
        where = f"conversations[{i}]"
        if not isinstance(c, dict):
            err(where, "must be a mapping")
            continue
        cid = c.get("id")
        where = cid or where
        if cid != want:
            err(where, f"id should be {want}")
        extra = set(c) - {"id", "persona", "steps"}
        if extra:
            err(where, f"unknown keys {sorted(extra)}")
        persona = c.get("persona")
        if not isinstance(persona, str) or not persona.strip():
            err(where, "persona must be a non-empty string")
        else:
            all_text.append(persona)
        steps = c.get("steps")
        if not isinstance(steps, list) or not (MIN_STEPS <= len(steps) <= MAX_STEPS):
            err(where, f"steps must be a list of {MIN_STEPS}-{MAX_STEPS}")
            continue
        said = []
        for j, st in enumerate(steps, 1):
            sw = f"{where}.step{j}"
            stats["steps"] += 1
            if not isinstance(st, dict):
                err(sw, "must be a mapping")
                continue
            extra = set(st) - {"user", "expect", "note"}
            if extra:
                err(sw, f"unknown keys {sorted(extra)}")
            user = st.get("user")
            note = st.get("note")
            if not isinstance(user, str) or not user.strip():
                err(sw, "user must be a non-empty string")
                continue
            if not isinstance(note, str) or not note.strip():
                err(sw, "note must be a non-empty string")
                note = ""
            said.append(user)
            all_text.append(user)
            res = check_expect(sw, st.get("expect"), said)
            if not res:
                continue
            groups, none_l = res
            nl = note.lower()
            if "bpjs kesehatan" in nl:
                stats["kesehatan"] += 1
                check_kesehatan(sw, groups, none_l)
            if "scam" in nl:
                stats["scam"] += 1
                check_scam(sw, groups)
            if "feeling" in nl:
                check_feeling(sw, groups)
    return stats, all_text


def main():
    msgs = load("messages.yml", "messages")
    convs = load("conversations.yml", "conversations")
    mtext, ctext = [], []
    if msgs is not None:
        counts, mstats, mtext = check_messages(msgs)
    if convs is not None:
        cstats, ctext = check_conversations(convs)
    blob = "\n".join(mtext + ctext)
    missing = [name for name, pat in REGENCIES if not re.search(pat, blob, re.I)]
    if missing:
        err("coverage", f"regencies/cities never mentioned: {missing}")
    if not os.path.exists(os.path.join(HERE, "README.md")):
        err("README.md", "missing")
    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"\n{len(errors)} problem(s)")
        sys.exit(1)
    print("OK")
    if msgs is not None:
        print(f"messages: {len(msgs)}  styles: {counts}")
        print(f"  out_of_scope BPJS Kesehatan items: {mstats['kesehatan']}, scam items: {mstats['scam']}")
    if convs is not None:
        print(f"conversations: {len(convs)}  steps: {cstats['steps']}  "
              f"(BPJS Kesehatan steps {cstats['kesehatan']}, scam steps {cstats['scam']})")
    print("regency coverage: all 17 kabupaten/kota of Sultra")
    sys.exit(0)


if __name__ == "__main__":
    main()
