"""Evaluate the trained model on the held-out NLU test set and enforce the accuracy bar.

    python scripts/nlu_eval.py --model models/lingkar.tar.gz [--data tests/nlu/heldout.yml] [--min-accuracy 0.90]

Writes reports/nlu/summary.md (accuracy, per-intent precision/recall/F1, the worst confusions and every error) and
reports/nlu/results.json. Exits 1 when intent accuracy is below the bar.

"Intent accuracy" is the share of messages whose top-ranked intent (the classifier's prediction, before the
FallbackClassifier turns unsure predictions into nlu_fallback) is the expected one. The report also gives the
share the bot would answer directly (right intent, confident) and how often it would ask "maksudnya…?" instead.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_examples(path: Path):
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


async def predict(model: Path, texts):
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # structlog's default would print a debug line per message

    agent = Agent.load(str(model))
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        top = ranking[0]["name"] if ranking else None
        out.append({"predicted": top, "final": parsed["intent"]["name"],
                    "confidence": ranking[0]["confidence"] if ranking else 0.0,
                    "second": ranking[1]["name"] if len(ranking) > 1 else None})
    return out


def per_intent_scores(pairs):
    labels = sorted({e for e, _ in pairs} | {p for _, p in pairs if p})
    scores = {}
    for lab in labels:
        tp = sum(1 for e, p in pairs if e == lab and p == lab)
        fp = sum(1 for e, p in pairs if e != lab and p == lab)
        fn = sum(1 for e, p in pairs if e == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        scores[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    return scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "lingkar.tar.gz")
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    ap.add_argument("--min-accuracy", type=float, default=float(os.environ.get("NLU_MIN_ACCURACY", "0.90")))
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "nlu")
    args = ap.parse_args()

    examples = load_examples(args.data)
    if len(examples) < 300:
        print(f"error: the held-out set has {len(examples)} messages; it must have at least 300", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    preds = asyncio.run(predict(args.model, [t for t, _ in examples]))
    elapsed = time.monotonic() - t0

    pairs = [(exp, p["predicted"]) for (_, exp), p in zip(examples, preds)]
    n = len(pairs)
    correct = sum(1 for e, p in pairs if e == p)
    accuracy = correct / n
    direct = sum(1 for (_, e), p in zip(examples, preds) if p["final"] == e) / n
    fallback = sum(1 for p in preds if p["final"] == "nlu_fallback") / n
    fallback_right_option = sum(
        1 for (_, e), p in zip(examples, preds) if p["final"] == "nlu_fallback" and e in (p["predicted"], p["second"])
    ) / n
    scores = per_intent_scores(pairs)
    macro_f1 = sum(s["f1"] for s in scores.values() if s["support"]) / max(1, sum(1 for s in scores.values()
                                                                                 if s["support"]))
    confusions = collections.Counter((e, p) for e, p in pairs if e != p).most_common(15)
    errors = [{"text": t, "expected": e, **p} for (t, e), p in zip(examples, preds) if p["predicted"] != e]

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({
        "model": str(args.model), "data": str(args.data), "messages": n, "intent_accuracy": accuracy,
        "macro_f1": macro_f1, "answered_directly_and_right": direct, "clarify_rate": fallback,
        "clarify_with_right_option": fallback_right_option, "per_intent": scores,
        "worst_confusions": [{"expected": e, "predicted": p, "count": c} for (e, p), c in confusions],
        "errors": errors, "seconds": round(elapsed, 2), "min_accuracy": args.min_accuracy,
    }, indent=2, ensure_ascii=False))
    lines = [
        "# NLU held-out evaluation", "",
        f"- data: `{args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT) else args.data}` ({n} messages)",
        f"- **intent accuracy: {accuracy:.3f}** (bar: {args.min_accuracy:.2f}); macro F1: {macro_f1:.3f}",
        f"- answered directly with the right intent: {direct:.3f}; asked \"maksudnya…?\" instead: {fallback:.3f} "
        f"(right topic among the options: {fallback_right_option:.3f})",
        f"- parse time: {elapsed:.1f} s ({1000 * elapsed / n:.1f} ms/message)", "",
        "## Per intent", "", "| intent | precision | recall | F1 | support |", "|---|---|---|---|---|",
    ]
    for lab, s in sorted(scores.items(), key=lambda kv: kv[1]["f1"]):
        lines.append(f"| {lab} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | {s['support']} |")
    lines += ["", "## Worst confusions", "", "| expected | predicted | count |", "|---|---|---|"]
    lines += [f"| {e} | {p} | {c} |" for (e, p), c in confusions]
    lines += ["", "## Errors", ""]
    lines += [f"- `{x['text']}`: expected {x['expected']}, got {x['predicted']} ({x['confidence']:.2f})"
              for x in errors]
    (args.out / "summary.md").write_text("\n".join(lines) + "\n")

    print(f">> NLU held-out: intent accuracy {accuracy:.3f} on {n} messages (bar {args.min_accuracy:.2f}), "
          f"macro F1 {macro_f1:.3f}; report: {args.out / 'summary.md'}")
    for (e, p), c in confusions[:5]:
        print(f"   {c}x {e} -> {p}")
    if accuracy < args.min_accuracy:
        print(f"FAIL: intent accuracy {accuracy:.3f} is below {args.min_accuracy:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
