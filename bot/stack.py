"""Start Lingkar's processes and stop them together.

    python -m bot.stack run     # what `make run` does
    python -m bot.stack serve   # what `make serve` does

``serve`` runs Rasa (REST channel + HTTP API on $RASA_PORT, default 5005) and the action server
($ACTION_SERVER_PORT, default 5055) in the foreground; Ctrl-C stops both.

``run`` is the main job: with TELEGRAM_BOT_TOKEN set it serves the real bot (Rasa, action server,
the Telegram adapter with the staff and agent features, the staff dashboard, and — with STAFF_CHAT_ID
set — the notifier that posts new leads to the staff group); without it, it starts the action server
and an interactive chat in the terminal (``rasa shell``). REDIS_URL and DATABASE_URL switch the stores; see README.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "lingkar.tar.gz"


def default_env(env: Dict[str, str] | None = None) -> Dict[str, str]:
    """The environment every Lingkar process gets: defaults filled in, nothing overridden."""
    env = dict(os.environ if env is None else env)
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTION_SERVER_PORT", "5055")
    env.setdefault("ACTION_SERVER_HOST", "localhost")
    env.setdefault("ACTION_ENDPOINT_URL",
                   f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}/webhook")
    env.setdefault("RASA_URL", f"http://localhost:{env['RASA_PORT']}")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # TensorFlow, matplotlib and sanic print pages of DeprecationWarnings at start; they are not ours to fix.
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def action_server_cmd(env: Dict[str, str]) -> List[str]:
    return [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", env["ACTION_SERVER_PORT"]]


def rasa_server_cmd(env: Dict[str, str], model: Path = MODEL) -> List[str]:
    cmd = [str(BIN / "rasa"), "run", "--model", str(model), "--enable-api", "--port", env["RASA_PORT"],
           "--endpoints", str(ROOT / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml")]
    if env.get("RASA_AUTH_TOKEN"):
        cmd += ["--auth-token", env["RASA_AUTH_TOKEN"]]
    return cmd


def wait_http(url: str, timeout: float, procs: List[subprocess.Popen]) -> bool:
    """Poll ``url`` until it answers 200, a process dies, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


class Stack:
    """A set of child processes that live and die together."""

    def __init__(self, env: Dict[str, str]):
        self.env = env
        self.procs: List[subprocess.Popen] = []

    def start(self, cmd: List[str], **kw) -> subprocess.Popen:
        p = subprocess.Popen(cmd, cwd=ROOT, env=self.env, **kw)
        self.procs.append(p)
        return p

    def stop(self, grace: float = 15.0) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def wait_any(self) -> int:
        """Block until one process exits; return its exit code."""
        while True:
            for p in self.procs:
                rc = p.poll()
                if rc is not None:
                    return rc
            time.sleep(0.3)


def _check_model(model: Path) -> None:
    if not model.exists():
        sys.exit(f"error: no trained model at {model}. Run `make train` first (make run/serve do it for you).")


def _interrupt(*_) -> None:
    raise KeyboardInterrupt()


def _stop_on_signals() -> None:
    """SIGTERM (docker, systemd) and SIGHUP (the terminal closed) stop everything like Ctrl-C does."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)


def serve(with_telegram: bool = False, model: Path = MODEL) -> int:
    _check_model(model)
    env = default_env()
    stack = Stack(env)
    _stop_on_signals()
    try:
        stack.start(action_server_cmd(env))
        stack.start(rasa_server_cmd(env, model))
        if with_telegram:
            if not wait_http(f"{env['RASA_URL']}/", 180, stack.procs):
                print("error: Rasa did not come up; see its log above.", file=sys.stderr)
                return 1
            env.setdefault("TELEGRAM_PLUGINS", "bot.staff.plugin:setup_all")
            stack.start([sys.executable, "-m", "bot.telegram"])
            stack.start([sys.executable, "-m", "bot.dashboard"])
            if env.get("STAFF_CHAT_ID"):
                stack.start([sys.executable, "-m", "bot.staff", "notifier"])
            else:
                print(">> STAFF_CHAT_ID is not set: new leads are kept in the outbox until a notifier runs",
                      flush=True)
        print(f">> Lingkar: Rasa on :{env['RASA_PORT']}, action server on :{env['ACTION_SERVER_PORT']}"
              + (", Telegram adapter, dashboard" if with_telegram else "") + ". Ctrl-C stops everything.",
              flush=True)
        return stack.wait_any()
    except KeyboardInterrupt:
        print("\n>> stopping Lingkar ...", flush=True)
        return 0
    finally:
        stack.stop()


def chat(model: Path = MODEL) -> int:
    _check_model(model)
    env = default_env()
    stack = Stack(env)
    _stop_on_signals()
    try:
        stack.start(action_server_cmd(env), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        if not wait_http(f"http://localhost:{env['ACTION_SERVER_PORT']}/health", 120, stack.procs):
            print("error: the action server did not start; try `make serve` to see its log.", file=sys.stderr)
            return 1
        print(">> Lingkar in the terminal. Ketik pesan (mis. 'halo' atau 'menu'); /stop untuk keluar.", flush=True)
        shell = stack.start([str(BIN / "rasa"), "shell", "--model", str(model), "--endpoints",
                             str(ROOT / "endpoints.yml"), "--port", env["RASA_PORT"]])
        return shell.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()  # the shell, then the action server: SIGTERM, then SIGKILL after the grace period


def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.stack", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["run", "serve"], help="run: the main job; serve: Rasa + action server")
    ap.add_argument("--model", type=Path, default=MODEL, help="trained model (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.mode == "serve":
        return serve(model=args.model)
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        return serve(with_telegram=True, model=args.model)
    return chat(model=args.model)


if __name__ == "__main__":
    sys.exit(main())
