"""The short open-loop load run (``scripts/load.py --short``) that ``make test`` holds: two Rasa replicas sharing
Redis, PostgreSQL, a low-rate ladder. Latency is not asserted (``make load`` measures it); what must hold is that
every turn was answered and that turns of one sender sent to two replicas at once were run one after the other."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_short_ladder_two_replicas(tmp_path):
    proc = subprocess.run([sys.executable, "scripts/load.py", "--short", "--rasa-replicas", "2", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads((tmp_path / "load-short.json").read_text())
    assert [s["offered_rate"] for s in result["steps"]] == [2.0, 5.0]
    for step in result["steps"]:
        assert step["started"] > 0
        assert step["answered"] == step["started"], step
        assert step["errors"] == step["timeouts"] == 0, step
        assert step["p95_ms"] is not None
        assert step["messages_per_turn"] >= 1   # every answered turn carries at least one bot message
    order = result["order"]
    assert order["conversations_checked"] >= 20   # the 20 burst senders at least
    assert order["inconsistent"] == [], order
    assert (tmp_path / "load-short.md").read_text().count("|") > 10
