#!/usr/bin/env python3
"""Structural checks for the dev24 blind evaluation set.

Usage: python3 validate.py [DIR]   (DIR defaults to the folder of this script)
Exit 0 = OK, 1 = problems found (listed on stdout).

Checks:
  messages.yml      ids unique (m001...), styles known, exact style counts (total 180),
                    context only (and always) for followup, non-empty text/why,
                    expect.all = non-empty list of non-empty groups of non-empty strings,
                    feeling items have >= 2 groups (acknowledgement + answer),
                    echo rule (no required alternative occurs in the user's text or context),
                    none-vs-all collisions (a forbidden string inside a required alternative).
  conversations.yml >= 20 conversations, ids unique, 6-8 steps each, same expect checks;
                    the echo rule is applied against every user turn so far in that chat.
"""
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("PyYAML is required (pip install pyyaml)")
    sys.exit(2)

STYLE_COUNTS = {
    "story": 40,
    "colloquial": 35,
    "abbrev": 25,
    "formal": 10,
    "followup": 30,
    "feeling": 20,
    "out_of_scope": 20,
}
MIN_CONVERSATIONS = 20
STEP_RANGE = (6, 8)

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def check_expect(where, expect, echo_text, min_groups=1):
    if not isinstance(expect, dict):
        err(where, "expect must be a mapping")
        return
    unknown = set(expect) - {"all", "none"}
    if unknown:
        err(where, f"unknown expect keys {sorted(unknown)}")
    groups = expect.get("all")
    if not isinstance(groups, list) or not groups:
        err(where, "expect.all must be a non-empty list of groups")
        return
    if len(groups) < min_groups:
        err(where, f"needs at least {min_groups} groups, has {len(groups)}")
    low_echo = (echo_text or "").lower()
    alts_all = []
    for gi, g in enumerate(groups):
        if not isinstance(g, list) or not g:
            err(where, f"group {gi} is empty or not a list")
            continue
        seen = set()
        for a in g:
            if not isinstance(a, str) or not a.strip():
                err(where, f"group {gi} has an empty/non-string alternative {a!r}")
                continue
            if len(a.strip()) < 2:
                err(where, f"group {gi} alternative {a!r} too short to be meaningful")
            if a.lower() in seen:
                err(where, f"group {gi} duplicate alternative {a!r}")
            seen.add(a.lower())
            if a.lower() in low_echo:
                err(where, f"echo rule: required alternative {a!r} already typed by the user")
            alts_all.append(a)
    none = expect.get("none")
    if none is not None:
        if not isinstance(none, list) or not none:
            err(where, "expect.none must be a non-empty list when present")
            return
        for n in none:
            if not isinstance(n, str) or not n.strip():
                err(where, f"empty forbidden string {n!r}")
                continue
            for a in alts_all:
                if n.lower() in a.lower():
                    err(where, f"collision: forbidden {n!r} occurs inside required {a!r}")


def load(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def check_messages(path):
    data = load(path)
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        err(path, "top level must be a mapping with a 'messages' list")
        return
    counts = {k: 0 for k in STYLE_COUNTS}
    ids = set()
    for i, msg in enumerate(data["messages"]):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            err(where, "not a mapping")
            continue
        mid = msg.get("id")
        where = f"message {mid}"
        if not isinstance(mid, str) or not re.fullmatch(r"m\d{3}", mid):
            err(where, "id must look like m001")
        if mid in ids:
            err(where, "duplicate id")
        ids.add(mid)
        unknown = set(msg) - {"id", "style", "context", "text", "expect", "why"}
        if unknown:
            err(where, f"unknown keys {sorted(unknown)}")
        style = msg.get("style")
        if style not in STYLE_COUNTS:
            err(where, f"unknown style {style!r}")
        else:
            counts[style] += 1
        text = msg.get("text")
        if not isinstance(text, str) or not text.strip():
            err(where, "empty text")
            text = ""
        ctx = msg.get("context")
        if style == "followup":
            if not isinstance(ctx, list) or not ctx or not all(isinstance(c, str) and c.strip() for c in ctx):
                err(where, "followup needs a non-empty context list of strings")
                ctx = []
        elif ctx is not None:
            err(where, "context is only allowed for followup")
            ctx = []
        if not isinstance(msg.get("why"), str) or not msg["why"].strip():
            err(where, "missing why")
        echo = " ".join([text] + list(ctx or []))
        check_expect(where, msg.get("expect"), echo, min_groups=2 if style == "feeling" else 1)
    for style, want in STYLE_COUNTS.items():
        if counts[style] != want:
            err(path, f"style {style}: {counts[style]} messages, expected {want}")
    total = sum(STYLE_COUNTS.values())
    if len(data["messages"]) != total:
        err(path, f"{len(data['messages'])} messages, expected {total}")
    return counts


def check_conversations(path):
    data = load(path)
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        err(path, "top level must be a mapping with a 'conversations' list")
        return 0
    convs = data["conversations"]
    if len(convs) < MIN_CONVERSATIONS:
        err(path, f"{len(convs)} conversations, need >= {MIN_CONVERSATIONS}")
    ids = set()
    for i, c in enumerate(convs):
        cid = c.get("id") if isinstance(c, dict) else None
        where = f"conversation {cid or i}"
        if not isinstance(c, dict):
            err(where, "not a mapping")
            continue
        if not isinstance(cid, str) or not re.fullmatch(r"c\d{2}", cid):
            err(where, "id must look like c01")
        if cid in ids:
            err(where, "duplicate id")
        ids.add(cid)
        if not isinstance(c.get("persona"), str) or not c["persona"].strip():
            err(where, "missing persona")
        steps = c.get("steps")
        if not isinstance(steps, list):
            err(where, "steps must be a list")
            continue
        if not (STEP_RANGE[0] <= len(steps) <= STEP_RANGE[1]):
            err(where, f"{len(steps)} steps, need {STEP_RANGE[0]}-{STEP_RANGE[1]}")
        so_far = []
        for k, s in enumerate(steps, 1):
            w = f"{where} step {k}"
            if not isinstance(s, dict):
                err(w, "not a mapping")
                continue
            unknown = set(s) - {"user", "expect", "note"}
            if unknown:
                err(w, f"unknown keys {sorted(unknown)}")
            u = s.get("user")
            if not isinstance(u, str) or not u.strip():
                err(w, "empty user text")
                u = ""
            so_far.append(u)
            if not isinstance(s.get("note"), str) or not s["note"].strip():
                err(w, "missing note")
            check_expect(w, s.get("expect"), " ".join(so_far))
    return len(convs)


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    counts = check_messages(os.path.join(base, "messages.yml"))
    nconv = check_conversations(os.path.join(base, "conversations.yml"))
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print(f"OK: messages {counts}; conversations {nconv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
