"""The launcher behind `make serve` / `make run`, and the Python 3.10 discovery behind `make setup`.

Under `make serve` the internals are reachable only from inside: Rasa and the action server listen on 127.0.0.1,
Rasa's HTTP API needs the token the stack generated (written to $LINGKAR_VAR_DIR/stack/rasa_auth_token), the
action server refuses calls without the shared secret Rasa sends, and a child that dies is restarted while the
other keeps serving.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.infra.conftest import free_port
from tests.stack_util import outside_address, status_of

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
    # Started the way a shell without job control starts `make serve &`: SIGINT ignored from the start (Python then
    # raises no KeyboardInterrupt unless the supervisor takes SIGINT itself); Ctrl-C in a terminal is the easier case.
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "serve", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (get(f"http://127.0.0.1:{rasa_port}/") == 200
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


def serve_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "ACTION_", "RASA_", "TELEGRAM_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/leads.db", LINGKAR_VAR_DIR=str(tmp_path / "var"),
               PYTHONUNBUFFERED="1")
    return env




def listen_addresses(port: int) -> set:
    """The local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, _, hexport = local.partition(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                raw = bytes.fromhex(addr)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found




def children(pid: int) -> dict:
    """{child pid: command line} of the direct children of ``pid``."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                out[int(stat.parent.name)] = cmd
        except (OSError, IndexError, ValueError):
            continue
    return out


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_until(check, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        assert proc.poll() is None, f"the stack exited ({proc.returncode}):\n" + log.read_text()[-3000:]
        time.sleep(0.5)
    pytest.fail("timed out; log tail:\n" + log.read_text()[-3000:])


@contextlib.contextmanager
def serving(tmp_path: Path) -> Iterator[dict]:
    """`python -m bot.stack serve` on free ports, up and answering; killed (whole group) afterwards."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    rasa_port, action_port = free_port(), free_port()
    env = serve_env(tmp_path)
    env.update(RASA_PORT=str(rasa_port), ACTION_SERVER_PORT=str(action_port))
    log_path = tmp_path / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "serve", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    rasa, actions = f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}"
    try:
        wait_until(lambda: get(f"{rasa}/") == 200 and get(f"{actions}/health") == 200, 240, proc, log_path)
        yield {"proc": proc, "log": log_path, "rasa": rasa, "actions": actions, "rasa_port": rasa_port,
               "action_port": action_port}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.mark.e2e
def test_serve_refuses_outsiders_and_listens_on_loopback_only(tmp_path):
    """Unauthenticated calls to Rasa's tracker and to the action server are refused; Rasa's own calls and the
    generated token work; both servers listen on 127.0.0.1 only."""
    with serving(tmp_path) as st:
        rasa, actions, log_path = st["rasa"], st["actions"], st["log"]
        # Rasa's HTTP API: refused without the token, served with the one the stack generated.
        assert status_of(f"{rasa}/conversations/outsider/tracker") in (401, 403)
        token_file = tmp_path / "var" / "stack" / "rasa_auth_token"
        assert token_file.exists(), log_path.read_text()[-2000:]
        assert token_file.stat().st_mode & 0o077 == 0, "the token file is readable by others"
        token = token_file.read_text().strip()
        assert len(token) >= 32
        assert status_of(f"{rasa}/conversations/outsider/tracker?token={token}") == 200

        # The action server: a call without Rasa's secret is refused; Rasa's own calls work (a custom action).
        call = json.dumps({"next_action": "action_session_start", "sender_id": "x", "tracker": {}, "domain": {},
                           "version": "3.6.21"}).encode()
        assert status_of(f"{actions}/webhook", call, {"Content-Type": "application/json"}) in (401, 403)
        assert status_of(f"{actions}/webhook", call, {"Content-Type": "application/json",
                                                      "X-Lingkar-Action-Token": "guess"}) in (401, 403)
        body = json.dumps({"sender": "stack-auth", "message": "halo", "metadata": {}}).encode()
        req = urllib.request.Request(f"{rasa}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            replies = json.loads(r.read())
        assert replies and replies[0].get("text"), replies

        # Both listen on loopback only.
        for port in (st["rasa_port"], st["action_port"]):
            assert listen_addresses(port) == {"127.0.0.1"}, (port, listen_addresses(port))
            outside = outside_address()
            if outside:
                with socket.socket() as s:
                    s.settimeout(3)
                    assert s.connect_ex((outside, port)) != 0, f"{outside}:{port} is reachable"
        os.kill(st["proc"].pid, signal.SIGTERM)
        assert st["proc"].wait(60) == 0
        assert not token_file.exists(), "the generated token outlived the run"


@pytest.mark.e2e
def test_serve_restarts_a_killed_child_and_sigterm_stops_everything(tmp_path):
    """kill -9 of the action server: it is restarted (logged with its exit code) while Rasa keeps serving;
    SIGTERM to the stack stops every child."""
    with serving(tmp_path) as st:
        proc, log_path, rasa, actions = st["proc"], st["log"], st["rasa"], st["actions"]
        kids = children(proc.pid)
        action_pid = next(pid for pid, cmd in kids.items() if "action" in cmd and "--enable-api" not in cmd)
        rasa_pid = next(pid for pid, cmd in kids.items() if "--enable-api" in cmd)
        os.kill(action_pid, signal.SIGKILL)
        wait_until(lambda: get(f"{actions}/health") != 200, 30, proc, log_path)
        assert get(f"{rasa}/") == 200, "Rasa stopped when the action server died"
        wait_until(lambda: get(f"{actions}/health") == 200, 180, proc, log_path)
        assert rasa_pid in children(proc.pid) and get(f"{rasa}/") == 200
        text = log_path.read_text()
        assert "action server" in text and "exit code -9" in text and "restart" in text, text[-3000:]

        # SIGTERM (docker, systemd) stops everything: no child outlives the stack.
        kids = list(children(proc.pid))
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(60) == 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and [pid for pid in kids if alive(pid)]:
            time.sleep(0.5)
        assert not [pid for pid in kids if alive(pid)], "a child outlived SIGTERM"
        assert not listening(st["rasa_port"]) and not listening(st["action_port"])


def test_run_without_a_terminal_or_a_channel_exits_with_a_clear_message(tmp_path):
    """`make run` under cron/nohup/CI (stdin not a TTY) and no TELEGRAM_BOT_TOKEN: no hanging chat."""
    env = serve_env(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "run", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("`python -m bot.stack run` without a terminal did not exit within 60 s")
    assert proc.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in err and "terminal" in err, err


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


def test_a_crashing_child_is_restarted_with_growing_delays_while_the_others_run(tmp_path, capsys):
    """The supervisor itself (bot.stack.Stack) on real processes: a child that keeps dying with code 3 is restarted
    after 1, 2, 4 s (not in a tight loop), each time logged with its name and exit code; a healthy sibling is never
    touched; the run ends when a child started without ``restart`` ends."""
    from bot.stack import Stack

    stack = Stack(dict(os.environ))
    started = tmp_path / "starts"
    crasher = stack.start([sys.executable, "-c", f"open({str(started)!r}, 'a').write('x'); raise SystemExit(3)"],
                          name="crasher", restart=True)
    sibling = stack.start([sys.executable, "-c", "import time; time.sleep(60)"], name="sibling", restart=True)
    stack.start([sys.executable, "-c", "import time; time.sleep(8.5)"], name="main")
    t0 = time.monotonic()
    try:
        assert stack.supervise(tick=0.1) == 0
        elapsed = time.monotonic() - t0
        assert sibling.poll() is None, "the healthy sibling was stopped"
    finally:
        stack.stop()
    assert sibling.poll() is not None and crasher.poll() is not None  # stop() ends every child
    starts = len(started.read_text())
    # Exits at ~0 s, then restarts after 1, 2 and 4 s (t = 1, 3, 7): 4 starts in 8.5 s; a tight loop gives dozens.
    assert 3 <= starts <= 5, (starts, elapsed)
    log = capsys.readouterr().err
    assert log.count("the crasher exited unexpectedly with exit code 3") == starts
    assert "restart in 1s" in log and "restart in 2s" in log and "restart in 4s" in log
    assert "sibling" not in log


@pytest.mark.e2e
async def test_run_with_a_bot_token_keeps_serving_when_the_adapter_is_killed(tmp_path):
    """`make run` with TELEGRAM_BOT_TOKEN (against the fake Bot API): a worker is answered through real Rasa; the
    adapter gets the run's Rasa token (its /health check of Rasa's tracker store passes); kill -9 of the adapter
    restarts it while Rasa and the dashboard keep serving, and the next message is answered; SIGTERM stops all."""
    import asyncio

    from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    api = await FakeBotAPI().start()
    ports = {name: free_port() for name in ("RASA_PORT", "ACTION_SERVER_PORT", "BOT_PORT", "DASHBOARD_PORT")}
    env = serve_env(tmp_path)
    env.update({k: str(v) for k, v in ports.items()}, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api.base,
               TELEGRAM_MODE="polling", TELEGRAM_POLL_TIMEOUT="1", BOT_HOST="127.0.0.1",
               DASHBOARD_HOST="127.0.0.1", STAFF_ADMIN_TELEGRAM_ID="424242")
    log_path = tmp_path / "run.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "run", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    health = f"http://127.0.0.1:{ports['BOT_PORT']}/health"
    dashboard = f"http://127.0.0.1:{ports['DASHBOARD_PORT']}/health"

    async def until(check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(check):
            assert proc.poll() is None, f"the stack exited ({proc.returncode}):\n" + log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "timed out; log tail:\n" + log_path.read_text()[-3000:]
            await asyncio.sleep(0.5)

    try:
        await until(lambda: get(health) == 200 and get(dashboard) == 200, 240)
        await api.push(api.text(7001, "halo"))
        assert (await api.wait_texts(7001, 1, timeout=120))[0]
        with urllib.request.urlopen(health + "?fresh=1", timeout=30) as r:  # loopback: the details
            checks = json.loads(r.read())["checks"]
        assert checks["rasa_state"]["status"] == "ok", checks  # the adapter holds the run's Rasa token

        adapter_pid = next(pid for pid, cmd in children(proc.pid).items() if "bot.telegram" in cmd)
        os.kill(adapter_pid, signal.SIGKILL)
        await until(lambda: get(health) != 200, 30)
        assert get(f"http://127.0.0.1:{ports['RASA_PORT']}/") == 200 and get(dashboard) == 200
        await until(lambda: get(health) == 200, 120)
        await api.push(api.text(7002, "menu"))
        assert (await api.wait_texts(7002, 1, timeout=120))[0]
        text = log_path.read_text()
        assert "the Telegram adapter exited unexpectedly with exit code -9" in text, text[-3000:]

        kids = list(children(proc.pid))
        os.kill(proc.pid, signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 60) == 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and [pid for pid in kids if alive(pid)]:
            await asyncio.sleep(0.5)
        assert not [pid for pid in kids if alive(pid)], "a child outlived SIGTERM"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        await api.stop()
