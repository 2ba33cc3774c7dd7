#!/usr/bin/env python3
"""Structural checks for the dev25 blind evaluation set. Exit 0 = OK, 1 = problems found."""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
STYLE_COUNTS = {"followup": 50, "feeling": 40, "out_of_scope": 35, "story": 25, "colloquial": 20, "abbrev": 10}
MIN_CONVS, MIN_STEPS, MAX_STEPS = 20, 6, 8
# figures that depend on UNCONFIRMED or obsolete facts must never be required
FORBIDDEN_REQUIRED = ["7,5%", "7,5 persen", " 7 persen", " 7%", "393.500", "600.000", "10.547.400", "4.598.100",
                      " 24 juta", "rp24 juta", "16,2 juta", " 21 juta", "rp21 juta", "rp10.800", "rp 10.800"]
errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_expect(where, exp, texts):
    if not isinstance(exp, dict):
        err(where, "expect must be a mapping")
        return
    unknown = set(exp) - {"all", "none"}
    if unknown:
        err(where, f"unknown expect keys {sorted(unknown)}")
    groups = exp.get("all")
    if not isinstance(groups, list) or not groups:
        err(where, "expect.all must be a non-empty list of groups")
        groups = []
    lowtexts = [t.lower() for t in texts]
    alts_all = []
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} empty or not a list")
            continue
        if len(set(a.lower() for a in g if isinstance(a, str))) != len(g):
            err(where, f"group {gi} has duplicate alternatives")
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(where, f"group {gi} has an empty/non-string alternative {a!r}")
                continue
            al = a.lower()
            alts_all.append(al)
            for t in lowtexts:
                if al in t:
                    err(where, f"echo rule: required alternative {a!r} already in user text")
            for f in FORBIDDEN_REQUIRED:
                if f.lower() in al:
                    err(where, f"required alternative {a!r} depends on an unconfirmed/obsolete figure ({f})")
    none = exp.get("none")
    if none is not None:
        if not isinstance(none, list) or not none:
            err(where, "expect.none must be a non-empty list when present")
            none = []
        for n in none:
            if not isinstance(n, str) or not n.strip():
                err(where, f"empty none entry {n!r}")
                continue
            nl = n.lower()
            for a in alts_all:
                if nl in a or a in nl:
                    err(where, f"none {n!r} collides with required alternative {a!r}")


def main():
    with open(os.path.join(HERE, "messages.yml"), encoding="utf-8") as fh:
        md = yaml.safe_load(fh)
    with open(os.path.join(HERE, "conversations.yml"), encoding="utf-8") as fh:
        cd = yaml.safe_load(fh)

    msgs = (md or {}).get("messages")
    if not isinstance(msgs, list):
        err("messages.yml", "top-level 'messages' list missing")
        msgs = []
    ids, texts_seen, counts = set(), set(), {}
    for i, m in enumerate(msgs):
        mid = m.get("id", f"#{i}")
        if not re.fullmatch(r"m\d{3}", str(mid)):
            err(mid, "id must look like m001")
        if mid in ids:
            err(mid, "duplicate id")
        ids.add(mid)
        unknown = set(m) - {"id", "style", "context", "text", "expect", "why"}
        if unknown:
            err(mid, f"unknown keys {sorted(unknown)}")
        style = m.get("style")
        if style not in STYLE_COUNTS:
            err(mid, f"unknown style {style!r}")
        counts[style] = counts.get(style, 0) + 1
        text = m.get("text")
        if not isinstance(text, str) or not text.strip():
            err(mid, "empty text")
            text = ""
        if text.lower() in texts_seen:
            err(mid, "duplicate text")
        texts_seen.add(text.lower())
        ctx = m.get("context")
        if style == "followup":
            if not isinstance(ctx, list) or not ctx or not all(isinstance(c, str) and c.strip() for c in ctx):
                err(mid, "followup needs a non-empty context list of strings")
                ctx = []
        elif ctx is not None:
            err(mid, "context is only allowed for followup")
            ctx = []
        if not isinstance(m.get("why"), str) or not m["why"].strip():
            err(mid, "missing why")
        check_expect(mid, m.get("expect"), [text] + list(ctx or []))
    for s, n in STYLE_COUNTS.items():
        if counts.get(s, 0) != n:
            err("messages.yml", f"style {s}: {counts.get(s, 0)} messages, expected {n}")
    if len(msgs) != sum(STYLE_COUNTS.values()):
        err("messages.yml", f"{len(msgs)} messages, expected {sum(STYLE_COUNTS.values())}")

    convs = (cd or {}).get("conversations")
    if not isinstance(convs, list):
        err("conversations.yml", "top-level 'conversations' list missing")
        convs = []
    if len(convs) < MIN_CONVS:
        err("conversations.yml", f"only {len(convs)} conversations, need {MIN_CONVS}+")
    cids = set()
    for i, c in enumerate(convs):
        cid = c.get("id", f"#{i}")
        if not re.fullmatch(r"c\d{2}", str(cid)):
            err(cid, "id must look like c01")
        if cid in cids:
            err(cid, "duplicate id")
        cids.add(cid)
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(cid, "missing persona")
        steps = c.get("steps")
        if not isinstance(steps, list) or not (MIN_STEPS <= len(steps) <= MAX_STEPS):
            err(cid, f"needs {MIN_STEPS}-{MAX_STEPS} steps, has {len(steps) if isinstance(steps, list) else 'none'}")
            steps = steps if isinstance(steps, list) else []
        for j, st in enumerate(steps, 1):
            w = f"{cid}.{j}"
            u = st.get("user")
            if not isinstance(u, str) or not u.strip():
                err(w, "empty user text")
                u = ""
            if not isinstance(st.get("note"), str) or not st["note"].strip():
                err(w, "missing note")
            check_expect(w, st.get("expect"), [u])

    nsteps = sum(len(c.get("steps") or []) for c in convs)
    if errors:
        print("\n".join(errors))
        print(f"FAILED: {len(errors)} problem(s)")
        return 1
    print(f"OK: {len(msgs)} messages {dict(sorted(counts.items()))}; {len(convs)} conversations, {nsteps} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
