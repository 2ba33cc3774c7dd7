"""The Rasa server and the action server start without library deprecation noise (issue 10, item 3).

Before: ``make run`` / ``make serve`` printed two screens of TensorFlow, matplotlib, pyparsing, pkg_resources and
sanic DeprecationWarnings before the bot was ready (``sanic.app`` turns DeprecationWarnings back on at import, so
PYTHONWARNINGS alone does not help). Now both entry points (``python -m bot.action_server`` and
``python -m rasa_plugins.run``) quiet library deprecation warnings after their frameworks are imported
(:func:`lingkar.process.quiet_library_warnings`); our own warnings and real errors still show.
"""
from __future__ import annotations

import re
import urllib.request

import pytest

from tests.stack_util import running_stack

pytestmark = pytest.mark.e2e

#: A line of Python's warnings output: "<path>:<line>: <Category>Warning: <message>".
WARNING_LINE = re.compile(r"^\S+:\d+: \w*Warning: ")
#: Warning lines a start may print (none today; raise with a reason if a library adds an unavoidable one).
ALLOWED = 0


def _warning_lines(text: str) -> list:
    return [line for line in text.splitlines() if WARNING_LINE.match(line)]


def test_rasa_and_the_action_server_start_without_library_warnings(tmp_path):
    with running_stack(tmp_path) as stack:
        # one turn, so the model and the actions have run once (some libraries warn at first use)
        req = urllib.request.Request(f"{stack['url']}/webhooks/rest/webhook",
                                     data=b'{"sender": "quiet-start", "message": "halo"}',
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            assert r.status == 200
        logs = {p.name: p.read_text(errors="replace") for p in stack["logs"]}
    for name, text in logs.items():
        lines = _warning_lines(text)
        assert len(lines) <= ALLOWED, f"{name} printed {len(lines)} warning lines:\n" + "\n".join(lines[:20])


def test_the_warning_line_pattern_matches_what_python_prints():
    """The check above can fail: the pattern matches the lines the start used to print."""
    before = ("/x/site-packages/rasa/shared/utils/validation.py:134: DeprecationWarning: pkg_resources is deprecated\n"
              "  import pkg_resources\n"
              "/x/site-packages/matplotlib/fontconfig_pattern.py:66: PyparsingDeprecationWarning: 'setParseAction'\n"
              "2026-12-02 05:34:35 INFO     root  - Starting Rasa server on http://127.0.0.1:5005\n")
    assert len(_warning_lines(before)) == 2
