"""The broadcast benchmark (scripts/bench_broadcast.py) at a tiny size, so it cannot rot: it runs end to end on a
fresh PostgreSQL database with real worker processes and the fakes, and its report says what happened."""
from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_runs_at_a_tiny_size_and_reports_exactly_once(tmp_path):
    proc = subprocess.run([sys.executable, "scripts/bench_broadcast.py", "--subscribers", "201", "--rate-scale", "5",
                           "--open-share", "0.4", "--timeout", "120", "--out", str(tmp_path)],
                          cwd=str(ROOT), capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    r = json.loads((tmp_path / "broadcast.json").read_text())
    assert (r["telegram"], r["whatsapp"], r["whatsapp_open_window"], r["queued"]) == (101, 100, 40, 201)
    assert r["caps"] == {"telegram": 100, "whatsapp": 150}
    once = r["exactly_once"]
    assert once["ok"] is True
    assert once["telegram"] == {"expected": 101, "received": 101, "twice_or_more": 0, "missing": 0, "unexpected": 0}
    assert once["whatsapp"]["received"] == 100 and once["whatsapp"]["templates"] == 60
    assert r["counts"]["sent"] == 201 and r["counts"]["queued"] == 0
    assert 0 < r["first_message_after_workers_start_s"] < r["first_message_after_queue_s"] <= r["total_s"]
    assert r["rate"]["telegram"]["cap"] == 100 and r["rate"]["telegram"]["mean"] > 0
    assert r["worker_cpu_ms_per_message"] > 0 and len(r["worker_cpu_s"]) == 2
    assert len(r["memory"]) == 2 and all(m["peak_mb"] > 20 for m in r["memory"].values())
    assert all(s["processed"] <= 201 for s in r["rss_samples"])
    md = (tmp_path / "broadcast.md").read_text()
    assert "| exactly once | yes |" in md and "--subscribers 201" in md
