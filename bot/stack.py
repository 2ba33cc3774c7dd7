"""Start Lingkar's processes, keep them running, and stop them together.

    python -m bot.stack run     # what `make run` does
    python -m bot.stack serve   # what `make serve` does

``serve`` runs Rasa (REST channel + HTTP API on $RASA_PORT, default 5005) and the action server
($ACTION_SERVER_PORT, default 5055) in the foreground; Ctrl-C stops both.

``run`` is the main job: with TELEGRAM_BOT_TOKEN set it serves the real bot (Rasa, action server,
the Telegram adapter with the staff and agent features, the staff dashboard, and — with STAFF_CHAT_ID
set — the notifier that posts new leads to the staff group); with WHATSAPP_TOKEN set the WhatsApp channel
too (the channels then run in one process, ``python -m bot.channels``, on BOT_PORT; docs/whatsapp.md); and
the broadcast worker (``python -m bot.outreach worker``, docs/jobs.md; not with BROADCAST_AUDIENCE=off); without
either, it starts the action server and an interactive chat in the terminal (``rasa shell``), which needs a
terminal: without one (cron, nohup, CI) it exits at once and says what to set. REDIS_URL and DATABASE_URL switch
the stores; see README.

Internals stay inside: Rasa listens on $RASA_HOST and the action server on $ACTION_SERVER_HOST (both
default 127.0.0.1). Rasa's HTTP API always requires $RASA_AUTH_TOKEN and the action server always requires
$ACTION_SERVER_TOKEN (sent by Rasa, see endpoints.yml); each is generated per run when unset and handed to
every child through the environment. A generated Rasa token is written to
$LINGKAR_VAR_DIR/stack/rasa_auth_token (mode 600, removed at stop) so you can call the HTTP API yourself.

Supervision: a child that exits while the stack runs is restarted after a back-off (1 s, doubling up to
30 s; back to 1 s once it has run for 60 s), with a log line naming it and its exit code; the others keep
running. Ctrl-C, SIGTERM or SIGHUP stops everything (SIGTERM, then SIGKILL after a grace period).
"""
from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

from lingkar.process import start_process
from lingkar.settings import current

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "lingkar.tar.gz"
LOOPBACK = "127.0.0.1"
WILDCARDS = ("0.0.0.0", "::", "")

RESTART_FIRST_DELAY = 1.0    # seconds before the first restart of a child that died
RESTART_MAX_DELAY = 30.0     # the back-off doubles up to this
RESTART_STABLE_AFTER = 60.0  # a child that ran this long before dying starts again from the first delay

NO_TERMINAL = (
    "error: `make run` without TELEGRAM_BOT_TOKEN starts a chat in the terminal, but standard input is not a "
    "terminal here (cron, nohup, a pipe, CI).\n"
    "  - to serve the bot: set TELEGRAM_BOT_TOKEN (and STAFF_CHAT_ID for the staff group) and/or the WhatsApp\n"
    "    settings (WHATSAPP_TOKEN, docs/whatsapp.md), see README;\n"
    "  - to chat with it: run `make run` in an interactive terminal;\n"
    "  - to serve Rasa and the action server only: `make serve`.")


def _connect_host(bind: str) -> str:
    """Where a local client reaches a server listening on ``bind`` (a wildcard is reached on loopback)."""
    return LOOPBACK if bind in WILDCARDS else (f"[{bind}]" if ":" in bind else bind)


def default_env(env: Dict[str, str] | None = None) -> Dict[str, str]:
    """The environment every Lingkar process gets: defaults filled in (tokens generated), nothing overridden."""
    env = dict(current().env if env is None else env)
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("ACTION_SERVER_PORT", "5055")
    for name in ("RASA_HOST", "ACTION_SERVER_HOST"):
        env[name] = (env.get(name) or "").strip() or LOOPBACK
    for name in ("RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN"):
        if not (env.get(name) or "").strip():
            env[name] = secrets.token_hex(32)  # no leading "-" that a command line would read as an option
    env.setdefault("ACTION_ENDPOINT_URL",
                   f"http://{_connect_host(env['ACTION_SERVER_HOST'])}:{env['ACTION_SERVER_PORT']}/webhook")
    env.setdefault("RASA_URL", f"http://{_connect_host(env['RASA_HOST'])}:{env['RASA_PORT']}")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # Library deprecation warnings are not ours to fix: each child quiets them (lingkar.process, after sanic's import
    # turns them back on); this covers what a child imports before that.
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def action_server_cmd(env: Dict[str, str]) -> List[str]:
    """The action server (bot/action_server.py: ``rasa run actions`` behind ACTION_SERVER_TOKEN)."""
    return [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", env["ACTION_SERVER_PORT"]]


def rasa_server_cmd(env: Dict[str, str], model: Path = MODEL) -> List[str]:
    """Rasa with its HTTP API, always behind RASA_AUTH_TOKEN (default_env generates one when unset)."""
    if not env.get("RASA_AUTH_TOKEN"):
        raise ValueError("RASA_AUTH_TOKEN is empty: Rasa's HTTP API is never served without a token")
    return [sys.executable, "-m", "rasa_plugins.run", "run", "--model", str(model),
            "--enable-api", f"--auth-token={env['RASA_AUTH_TOKEN']}",  # "=": a token may start with "-"
            "--interface", env.get("RASA_HOST") or LOOPBACK, "--port", env["RASA_PORT"],
            "--endpoints", str(ROOT / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml")]


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


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the stack itself is killed (no orphans even after kill -9 of the stack)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Child:
    """One supervised process: how to start it, and its restart bookkeeping."""
    name: str
    cmd: List[str]
    kw: Dict[str, Any]
    restart: bool
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    history: List[int] = field(default_factory=list)


def exit_text(rc: int) -> str:
    if rc < 0:
        try:
            return f"exit code {rc} (killed by {signal.Signals(-rc).name})"
        except ValueError:
            return f"exit code {rc}"
    return f"exit code {rc}"


def log(message: str) -> None:
    print(f">> {message}", file=sys.stderr, flush=True)


class Stack:
    """Child processes started together, restarted when they die (:meth:`supervise`), stopped together."""

    def __init__(self, env: Dict[str, str]):
        self.env = env
        self.children: List[Child] = []

    @property
    def procs(self) -> List[subprocess.Popen]:
        return [c.proc for c in self.children if c.proc is not None]

    def start(self, cmd: List[str], name: str | None = None, restart: bool = False, **kw) -> subprocess.Popen:
        """Start ``cmd``; with ``restart`` :meth:`supervise` starts it again whenever it exits."""
        child = Child(name or Path(cmd[0]).name, cmd, kw, restart)
        self.children.append(child)
        return self._spawn(child)

    def _spawn(self, child: Child) -> subprocess.Popen:
        child.proc = subprocess.Popen(child.cmd, cwd=ROOT, env=self.env, preexec_fn=_die_with_parent, **child.kw)
        child.started_at, child.restart_at = time.monotonic(), None
        return child.proc

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
        """Block until one process exits; return its exit code (no restarts; scripts use this)."""
        while True:
            for p in self.procs:
                rc = p.poll()
                if rc is not None:
                    return rc
            time.sleep(0.3)

    def supervise(self, tick: float = 0.3) -> int:
        """Keep the children running until a child started without ``restart`` exits (its exit code is
        returned) or KeyboardInterrupt (Ctrl-C, or SIGTERM/SIGHUP via :func:`_stop_on_signals`)."""
        while True:
            now = time.monotonic()
            for child in self.children:
                rc = child.proc.poll() if child.proc else None
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        log(f"restarting the {child.name} (restart {child.failures})")
                        self._spawn(child)
                elif rc is not None:
                    if not child.restart:
                        return rc
                    self._schedule_restart(child, rc, now)
            time.sleep(tick)

    def _schedule_restart(self, child: Child, rc: int, now: float) -> None:
        ran = now - child.started_at
        child.failures = 1 if ran >= RESTART_STABLE_AFTER else child.failures + 1
        delay = min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2 ** (child.failures - 1))
        child.history.append(rc)
        child.restart_at = now + delay
        log(f"the {child.name} exited unexpectedly with {exit_text(rc)} after {ran:.0f}s; "
            f"restart in {delay:.0f}s (the other processes keep running)")


def _check_model(model: Path) -> None:
    if not model.exists():
        sys.exit(f"error: no trained model at {model}. Run `make train` first (make run/serve do it for you).")


def _interrupt(*_) -> None:
    raise KeyboardInterrupt()


def _stop_on_signals() -> None:
    """SIGTERM (docker, systemd) and SIGHUP (the terminal closed) stop everything like Ctrl-C does. SIGINT is taken
    explicitly too: a shell without job control starts background commands (``make serve &``, ``nohup``) with SIGINT
    ignored, and Python then never raises KeyboardInterrupt, while Rasa and the action server (which install their
    own handlers) do stop: the supervisor would restart them instead of stopping."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)


def token_file(env: Dict[str, str]) -> Path:
    return Path(env.get("LINGKAR_VAR_DIR") or ROOT / "var") / "stack" / "rasa_auth_token"


def _publish_token(env: Dict[str, str]) -> Path | None:
    """Write a generated Rasa token where only this user can read it; None when the token was given."""
    if (current().env.get("RASA_AUTH_TOKEN") or "").strip():
        return None
    path = token_file(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(env["RASA_AUTH_TOKEN"] + "\n")
    os.chmod(path, 0o600)
    return path


def _start_channels(stack: Stack, env: Dict[str, str], telegram: bool = True, whatsapp: bool = False) -> bool:
    """The messenger channels (Telegram alone: ``python -m bot.telegram``; with WhatsApp: ``python -m bot.channels``,
    every configured channel in one process on one BOT_PORT), the dashboard, the broadcast worker (unless
    BROADCAST_AUDIENCE=off), and, with Telegram and STAFF_CHAT_ID, the notifier."""
    if not wait_http(f"{env['RASA_URL']}/", 180, stack.procs):
        print("error: Rasa did not come up; see its log above.", file=sys.stderr)
        return False
    if telegram:
        env.setdefault("TELEGRAM_PLUGINS", "bot.staff.plugin:setup_all")
    if whatsapp:
        stack.start([sys.executable, "-m", "bot.channels"],
                    name="Telegram and WhatsApp channels" if telegram else "WhatsApp channel", restart=True)
    else:
        stack.start([sys.executable, "-m", "bot.telegram"], name="Telegram adapter", restart=True)
    stack.start([sys.executable, "-m", "bot.dashboard"], name="dashboard", restart=True)
    if env.get("BROADCAST_AUDIENCE", "").strip().lower() != "off":
        # broadcasts (docs/jobs.md): without PostgreSQL its jobs stay in this one worker's memory
        stack.start([sys.executable, "-m", "bot.outreach", "worker"], name="broadcast worker", restart=True)
    if not telegram:
        return True
    if env.get("STAFF_CHAT_ID"):
        stack.start([sys.executable, "-m", "bot.staff", "notifier"], name="notifier", restart=True)
    else:
        log("STAFF_CHAT_ID is not set: new leads are kept in the outbox until a notifier runs")
    return True


def serve(with_telegram: bool = False, model: Path = MODEL, with_whatsapp: bool = False) -> int:
    _check_model(model)
    env = default_env()
    stack = Stack(env)
    _stop_on_signals()
    published = None
    try:
        published = _publish_token(env)
        stack.start(action_server_cmd(env), name="action server", restart=True)
        stack.start(rasa_server_cmd(env, model), name="Rasa server", restart=True)
        if (with_telegram or with_whatsapp) and not _start_channels(stack, env, with_telegram, with_whatsapp):
            return 1
        where = f"Rasa on {env['RASA_HOST']}:{env['RASA_PORT']}, action server on " \
                f"{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}"
        channels = " and ".join(n for n, on in (("Telegram", with_telegram), ("WhatsApp", with_whatsapp)) if on)
        log(f"Lingkar: {where}" + (f", {channels}, dashboard" if channels else "")
            + ". Ctrl-C stops everything.")
        if published:
            log(f"Rasa's HTTP API token (generated for this run): {published}")
        return stack.supervise()
    except KeyboardInterrupt:
        print("\n>> stopping Lingkar ...", file=sys.stderr, flush=True)
        return 0
    finally:
        stack.stop()
        if published:
            published.unlink(missing_ok=True)


def chat(model: Path = MODEL) -> int:
    _check_model(model)
    env = default_env()
    stack = Stack(env)
    _stop_on_signals()
    try:
        stack.start(action_server_cmd(env), name="action server", stdout=subprocess.DEVNULL,
                    stderr=subprocess.STDOUT)
        health = f"http://{_connect_host(env['ACTION_SERVER_HOST'])}:{env['ACTION_SERVER_PORT']}/health"
        if not wait_http(health, 120, stack.procs):
            print("error: the action server did not start; try `make serve` to see its log.", file=sys.stderr)
            return 1
        stack.children[0].restart = True
        print(">> Lingkar in the terminal. Ketik pesan (mis. 'halo' atau 'menu'); /stop untuk keluar.", flush=True)
        stack.start([sys.executable, "-m", "rasa_plugins.run", "shell", "--model", str(model),
                     "--endpoints", str(ROOT / "endpoints.yml"),
                     "--interface", env["RASA_HOST"], "--port", env["RASA_PORT"]], name="chat")
        return stack.supervise()
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
    settings = start_process()  # the environment read once; every child gets default_env() of it
    if args.mode == "serve":
        return serve(model=args.model)
    telegram, whatsapp = bool(settings.env.get("TELEGRAM_BOT_TOKEN")), bool(settings.whatsapp_token)
    if telegram or whatsapp:
        return serve(with_telegram=telegram, model=args.model, with_whatsapp=whatsapp)
    if not sys.stdin.isatty():
        print(NO_TERMINAL, file=sys.stderr)
        return 2
    return chat(model=args.model)


if __name__ == "__main__":
    sys.exit(main())
