"""The real stack for end-to-end tests: the action server + ``rasa run`` (the trained model) on free ports.

:func:`running_stack` starts both with the commands of ``python -m bot.stack`` (bot/stack.py) and the project's
endpoints.yml, on 127.0.0.1, with the tokens ``bot.stack.default_env`` generates (Rasa's HTTP API token is yielded
as ``token``; the action server's shared secret reaches Rasa through endpoints.yml), waits until both answer, and
stops them (the whole process group) afterwards. The model is
``$LINGKAR_TEST_MODEL`` or models/lingkar.tar.gz (``make test`` trains it). Used by tests/eligibility/test_rest_e2e.py
(the lead store on SQLite or PostgreSQL, conversations in memory) and tests/telegram/real_stack.py (conversations in
Redis under a key prefix of their own).
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List

import pytest

from bot.stack import action_server_cmd, default_env, rasa_server_cmd, wait_http
from tests.infra.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
MODEL = Path(os.environ.get("LINGKAR_TEST_MODEL") or ROOT / "models" / "lingkar.tar.gz")
START_TIMEOUT = 300.0
#: Settings of this process that never reach the stack: the test decides them.
OWN_SETTINGS = ("REDIS_", "RASA_", "ACTION_", "DATABASE_URL")


def _tails(logs: Iterable[Path], chars: int = 3000) -> str:
    return "\n".join(p.read_text(errors="replace")[-chars:] for p in logs)


@contextlib.contextmanager
def running_stack(tmp: Path, drop: Iterable[str] = (), **settings: str) -> Iterator[Dict[str, Any]]:
    """Run the action server and Rasa with this process's environment, less :data:`OWN_SETTINGS` and the variables
    starting with ``drop``, plus ``settings`` (e.g. REDIS_URL, DATABASE_URL); ``LINGKAR_VAR_DIR`` is ``tmp/var``.
    Yields ``url`` (Rasa), ``token`` (for Rasa's HTTP API: ``?token=``) and ``logs`` (action server, Rasa). FAILS
    with the logs if the model is missing or a server does not come up."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    rasa_port, action_port = free_port(), free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS + tuple(drop))}
    base.update(RASA_PORT=str(rasa_port), ACTION_SERVER_PORT=str(action_port),
                LINGKAR_VAR_DIR=str(tmp / "var"), HOME=os.environ.get("HOME", str(tmp)))
    base.update(settings)
    env = default_env(base)
    logs = [tmp / "actions.log", tmp / "rasa.log"]
    procs: List[subprocess.Popen] = []
    try:
        for cmd, log in ((action_server_cmd(env), logs[0]), (rasa_server_cmd(env, MODEL), logs[1])):
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                          start_new_session=True))
        for url in (f"http://127.0.0.1:{action_port}/health", f"http://127.0.0.1:{rasa_port}/"):
            if not wait_http(url, START_TIMEOUT, procs):
                exited = [f"{' '.join(p.args[:3])} exited ({p.returncode})" for p in procs if p.poll() is not None]
                pytest.fail(f"{url} did not come up{': ' + ', '.join(exited) if exited else ''}:\n" + _tails(logs))
        yield {"url": f"http://127.0.0.1:{rasa_port}", "token": env["RASA_AUTH_TOKEN"], "logs": logs}
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def status_of(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
    """The HTTP status ``url`` answers with (0 when nothing answers)."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def outside_address() -> str | None:
    """A non-loopback address of this machine, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.200", 9))  # no packet is sent: this only picks the outgoing interface
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr
