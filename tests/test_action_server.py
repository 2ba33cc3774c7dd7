"""The action server imports every module under actions/ at start (rasa-sdk's register_package).

A module that cannot be imported that way (e.g. an Alembic env.py inside a package) stops the whole
action server, so load the package exactly as `rasa run actions --actions actions` does.

The action server we run (bot/action_server.py) is rasa-sdk's app behind a shared secret: it refuses every call
without ``X-Lingkar-Action-Token: $ACTION_SERVER_TOKEN`` (only our Rasa has it) and listens on 127.0.0.1.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from rasa_sdk.executor import ActionExecutor

from tests.domain_util import domain_actions
from tests.infra.conftest import free_port
from tests.stack_util import status_of

ROOT = Path(__file__).resolve().parent.parent
HEADER = "X-Lingkar-Action-Token"


def test_every_custom_action_in_the_domain_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    custom = {a for a in domain_actions() if a.startswith(("action_", "validate_"))}
    missing = custom - registered
    assert custom, "the domain lists no custom actions"
    assert not missing, f"actions in domain.yml that the action server does not provide: {sorted(missing)}"


# ---- bot/action_server.py: rasa-sdk's app behind ACTION_SERVER_TOKEN ---------------------------------------
def _start(tmp_path, **env_extra) -> tuple:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACTION_", "RASA_", "REDIS_"))}
    env.update(PYTHONPATH=str(ROOT), ACTION_SERVER_PORT=str(port), LINGKAR_VAR_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path}/leads.db", PYTHONWARNINGS="ignore::DeprecationWarning", **env_extra)
    log = open(tmp_path / "actions.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--actions", "actions"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port, log




def test_the_action_server_refuses_to_start_without_a_token(tmp_path):
    proc, _, log = _start(tmp_path)
    try:
        assert proc.wait(60) == 64
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    assert "ACTION_SERVER_TOKEN" in (tmp_path / "actions.log").read_text()


def test_the_action_server_runs_actions_only_for_the_holder_of_the_token(tmp_path):
    proc, port, log = _start(tmp_path, ACTION_SERVER_TOKEN="right-token")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and status_of(f"{base}/health") != 200:
            assert proc.poll() is None, (tmp_path / "actions.log").read_text()[-3000:]
            time.sleep(0.5)
        assert status_of(f"{base}/health") == 200  # open: container health checks
        call = json.dumps({"next_action": "action_no_such_action", "sender_id": "x", "version": "3.6.21",
                           "tracker": {"sender_id": "x", "slots": {}, "events": [], "latest_message": {}},
                           "domain": {}}).encode()
        json_type = {"Content-Type": "application/json"}
        assert status_of(f"{base}/webhook", call, json_type) == 401
        assert status_of(f"{base}/webhook", call, {**json_type, HEADER: "wrong-token"}) == 403
        assert status_of(f"{base}/actions") == 401
        assert status_of(f"{base}/actions", headers={HEADER: "right-token"}) == 200
        # With the token the request reaches rasa-sdk itself (which does not know this action: 404).
        assert status_of(f"{base}/webhook", call, {**json_type, HEADER: "right-token"}) == 404
        with socket.socket() as s:  # 127.0.0.1 only unless ACTION_SERVER_HOST says otherwise
            s.settimeout(2)
            outside = _outside_address()
            assert outside is None or s.connect_ex((outside, port)) != 0
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _outside_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.200", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def test_the_image_runs_this_action_server_and_rasa_only_with_its_secret(tmp_path):
    """docker/entrypoint.sh: the `actions` role is bot.action_server (so it refuses to start without a token), and
    the `rasa` role refuses to start without the secret it must send."""
    base = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LINGKAR_HOME": str(ROOT), "HOME": str(tmp_path), "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    entrypoint = str(ROOT / "docker" / "entrypoint.sh")
    actions = subprocess.run(["sh", entrypoint, "actions"], cwd=tmp_path, env=base, capture_output=True, text=True,
                             timeout=120)
    assert actions.returncode == 64 and "ACTION_SERVER_TOKEN" in actions.stderr, actions.stderr[-2000:]
    rasa = subprocess.run(["sh", entrypoint, "rasa"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**base, "RASA_AUTH_TOKEN": "t", "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"})
    assert rasa.returncode == 64 and "ACTION_SERVER_TOKEN" in rasa.stderr, rasa.stderr
