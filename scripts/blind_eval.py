"""Measure the live bot on the blind evaluation set (tests/blind/), written from ../shared/domain/ only.

    python scripts/blind_eval.py [--url http://127.0.0.1:5005] [--set tests/blind] [--out reports/answers]
    python scripts/blind_eval.py --set tests/dev --out reports/dev      # the tuning set (make dev-eval)

Without ``--url`` it starts the real stack (action server + Rasa with the trained model, conversations in memory,
leads in a throw-away SQLite file) the way the end-to-end tests do. Each message goes to a fresh conversation: its
``context`` turns first, then ``text``; the reply to ``text`` (every text and button title the bot sends) must contain
one alternative of every group in ``expect.all`` and none of ``expect.none`` (case-insensitive). Each conversation is
played step by step in one conversation, and each step is checked the same way.

The set's writer never saw the NLU data, the tests or the answers, and nobody may tune the bot on its individual
messages: this is the honest figure (see tests/blind/README.md). Results, per style and per conversation, go to
``<out>/blind.md`` and ``<out>/blind.json``. Exit status 0 unless ``--min`` is given and the overall share is under it,
or ``--min-style`` is given and the share of one style is under it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def reply_text(messages: List[Dict[str, Any]]) -> str:
    """Everything a worker sees of one turn: texts and button titles."""
    parts: List[str] = []
    for m in messages:
        parts.append(m.get("text") or "")
        parts += [str(b.get("title", "")) for b in m.get("buttons") or []]
    return "\n".join(parts)


def check(expect: Dict[str, Any] | None, reply: str) -> Dict[str, Any]:
    """Which ``all`` groups have no alternative in ``reply``, and which ``none`` strings are present."""
    expect = expect or {}
    low = reply.lower()
    missing = [g for g in expect.get("all") or [] if not any(str(a).lower() in low for a in _alts(g))]
    present = [s for s in expect.get("none") or [] if str(s).lower() in low]
    return {"missing": missing, "forbidden": present, "right": not missing and not present}


def _alts(group: Any) -> List[Any]:
    return group if isinstance(group, list) else [group]


def run_messages(turn, messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    results = []
    for m in messages:
        sender = f"blind-{uuid.uuid4().hex[:12]}"
        for earlier in m.get("context") or []:
            turn(sender, earlier)
        reply = reply_text(turn(sender, m["text"]))
        results.append({"id": m["id"], "style": m.get("style", "?"), "text": m["text"], "reply": reply,
                        **check(m.get("expect"), reply)})
    return results


def run_conversations(turn, conversations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    results = []
    for c in conversations:
        sender = f"blindc-{uuid.uuid4().hex[:12]}"
        steps = []
        for s in c["steps"]:
            reply = reply_text(turn(sender, s["user"]))
            steps.append({"user": s["user"], "reply": reply, **check(s.get("expect"), reply)})
        results.append({"id": c["id"], "persona": c.get("persona", ""), "steps": steps,
                        "right_steps": sum(s["right"] for s in steps), "total_steps": len(steps)})
    return results


def summarise(msgs: List[Dict[str, Any]], convs: List[Dict[str, Any]]) -> Dict[str, Any]:
    by_style: Dict[str, List[bool]] = defaultdict(list)
    for r in msgs:
        by_style[r["style"]].append(r["right"])
    steps = [s["right"] for c in convs for s in c["steps"]]
    return {
        "messages": len(msgs),
        "right": sum(r["right"] for r in msgs) / len(msgs) if msgs else 0.0,
        "by_style": {k: {"n": len(v), "right": sum(v) / len(v)} for k, v in sorted(by_style.items())},
        "conversations": len(convs),
        "conversation_steps": len(steps),
        "steps_right": sum(steps) / len(steps) if steps else 0.0,
        "per_conversation": {c["id"]: f"{c['right_steps']}/{c['total_steps']}" for c in convs},
    }


def write_report(out: Path, summary: Dict[str, Any], msgs, convs, tuning: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "blind.json").write_text(json.dumps({"summary": summary, "messages": msgs, "conversations": convs},
                                               indent=2, ensure_ascii=False))
    lines = [
        f"# {'Tuning (dev)' if tuning else 'Blind'} set through the live assistant", "",
        f"{summary['messages']} messages, **{summary['right']:.1%} right** (every required group present, nothing "
        f"forbidden). Conversations: {summary['conversations']}, {summary['conversation_steps']} steps, "
        f"**{summary['steps_right']:.1%} of steps right**.", "",
        "| style | messages | right |", "|---|---|---|",
        *[f"| {k} | {v['n']} | {v['right']:.1%} |" for k, v in summary["by_style"].items()], "",
        "| conversation | steps right |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in summary["per_conversation"].items()], "",
        "Individual misses are in blind.json; " + ("this is a tuning set (tests/dev/README.md): read them." if tuning
                                                    else "by the rules of the set nobody tunes the bot on them."),
    ]
    (out / "blind.md").write_text("\n".join(lines) + "\n")


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running Rasa (REST channel); default: start the real stack")
    ap.add_argument("--set", type=Path, default=ROOT / "tests" / "blind", help="folder with messages.yml and "
                    "conversations.yml (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "answers", help="report folder")
    ap.add_argument("--min", type=float, default=None, help="fail (exit 1) when the overall share is below this")
    ap.add_argument("--min-style", type=float, default=None,
                    help="fail (exit 1) when the share of any one style is below this")
    args = ap.parse_args(argv)
    msgs = yaml.safe_load((args.set / "messages.yml").read_text(encoding="utf-8"))["messages"]
    convs = yaml.safe_load((args.set / "conversations.yml").read_text(encoding="utf-8"))["conversations"]

    def evaluate(url: str):
        from tests.telegram.real_stack import rest

        def turn(sender: str, text: str):
            return rest(url, sender, text)
        return run_messages(turn, msgs), run_conversations(turn, convs)

    if args.url:
        m_res, c_res = evaluate(args.url)
    else:
        from tests.fixtures_db import migrated, sqlite_file_url
        from tests.stack_util import running_stack
        with tempfile.TemporaryDirectory() as tmp:
            db_url = migrated(sqlite_file_url(Path(tmp)))
            with running_stack(Path(tmp), drop=("TELEGRAM_",), DATABASE_URL=db_url) as running:
                m_res, c_res = evaluate(running["url"])
    summary = summarise(m_res, c_res)
    write_report(args.out, summary, m_res, c_res, tuning=args.set.resolve() != (ROOT / "tests" / "blind").resolve())
    print(json.dumps(summary, indent=2))
    return 1 if below_floor(summary, args.min, args.min_style) else 0


def below_floor(summary: Dict[str, Any], overall: float | None, per_style: float | None) -> List[str]:
    """What falls below the floors: the overall share below ``overall``, each style's share below ``per_style``
    (also printed to stderr); empty when every floor holds or none is given."""
    low = []
    if overall is not None and summary["right"] < overall:
        low.append(f"overall {summary['right']:.1%} < {overall:.0%}")
    if per_style is not None:
        low += [f"{k} {v['right']:.1%} < {per_style:.0%}" for k, v in summary["by_style"].items()
                if v["right"] < per_style]
    for line in low:
        print(f"blind floor: {line}", file=sys.stderr)
    return low


if __name__ == "__main__":
    sys.exit(main())
