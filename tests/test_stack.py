"""The launcher behind `make serve` / `make run`, and the Python 3.10 discovery behind `make setup`."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.infra.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(os.environ.get("LINGKAR_TEST_MODEL") or ROOT / "models" / "lingkar.tar.gz")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except OSError:
        return 0


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.e2e
def test_serve_answers_on_the_rest_channel_and_ctrl_c_stops_both(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    rasa_port, action_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "ACTION_", "RASA_"))}
    env.update(RASA_PORT=str(rasa_port), ACTION_SERVER_PORT=str(action_port),
               DATABASE_URL=f"sqlite:///{tmp_path}/leads.db", LINGKAR_VAR_DIR=str(tmp_path))
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "serve", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (get(f"http://127.0.0.1:{rasa_port}/status") == 200
                                                   and get(f"http://127.0.0.1:{action_port}/health") == 200):
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(1)
        body = json.dumps({"sender": "stack-test", "message": "halo", "metadata": {}}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            replies = json.loads(r.read())
        assert replies and replies[0].get("text"), replies  # a custom action answered through the action server

        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        assert proc.wait(60) == 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (listening(rasa_port) or listening(action_port)):
            time.sleep(0.5)
        assert not listening(rasa_port) and not listening(action_port), "a server outlived Ctrl-C"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_find_python_refuses_a_wrong_python_and_says_why():
    wrong = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    if subprocess.run([wrong, "-c", "import sys; sys.exit(sys.version_info[:2] == (3, 10))"]).returncode:
        pytest.skip(f"{wrong} is itself Python 3.10")
    r = subprocess.run([str(ROOT / "scripts" / "find-python.sh")], env={**os.environ, "PYTHON": wrong},
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "not a working Python 3.10" in r.stderr


def test_find_python_finds_a_310_without_help():
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    r = subprocess.run([str(ROOT / "scripts" / "find-python.sh")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    found = r.stdout.strip()
    v = subprocess.run([found, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    assert v.stdout.strip() == "(3, 10)"


def test_find_python_explains_when_there_is_none(tmp_path):
    # An empty PATH and HOME, no pyenv: nothing to find.
    env = {"PATH": "/usr/bin:/bin" if not Path("/usr/bin/python3.10").exists() else str(tmp_path),
           "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "nopyenv")}
    r = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "find-python.sh")], env=env, capture_output=True,
                       text=True)
    assert r.returncode == 1
    assert "no Python 3.10 found" in r.stderr and "pyenv install 3.10" in r.stderr
