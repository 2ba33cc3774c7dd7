"""The short chaos run inside ``make test``: the real stack (its own Redis and PostgreSQL, Rasa, the action server,
the Telegram adapter in webhook mode, the notifier) serves a small crowd while each component is killed once with
SIGKILL and restarted (Redis also once restarted empty). Nothing may be lost or duplicated, and no phone or NIK
may appear unmasked in any log, and Rasa may not process any message twice (a repeat sent by the adapter after
it was killed between Rasa's answer and recording it must be answered from the conversation); see docs/chaos.md.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.chaos.stack import MODEL, ROOT, pg_bin

pytestmark = pytest.mark.e2e


def test_short_chaos_run_loses_and_duplicates_nothing(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    for tool in ("redis-server", "psql"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: run `make services`")
    pg_bin("initdb")
    out = tmp_path / "chaos"
    proc = subprocess.Popen([sys.executable, "-m", "tests.chaos.run", "--short", "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=1200)   # the run has its own deadline (900 s)
    except subprocess.TimeoutExpired:
        proc.terminate()                             # SIGTERM: the run still kills its stack and cleans up
        output, _ = proc.communicate(timeout=120)
    summary = json.loads((out / "summary.json").read_text())
    report = (out / "summary.md").read_text()
    assert summary.get("error") is None, report + output[-3000:]
    assert len(summary["kills"]) == len(summary["faults_planned"]), report
    assert summary["failures"] == [] and proc.returncode == 0, report
    assert summary["messages"]["answered"] > 0 and summary["leads"]["stored"] > 0, report
