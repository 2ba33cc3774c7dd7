"""Fixtures for the infrastructure tests: real Redis servers and real `rasa run` processes.

Shared Redis: $TEST_REDIS_HOST:$TEST_REDIS_PORT (default 127.0.0.1:6379); every test uses its own key prefix and
deletes its keys. If redis-server is installed but that server does not answer, the tests FAIL; only when no
redis-server binary exists are they skipped, with a loud message. Tests that stop Redis start their own
throw-away `redis-server --port <free port> --save ''` and never touch the shared one.

Rasa is started exactly as the Docker image starts it (`docker/entrypoint.sh rasa`, so with the HTTP API behind
a token) on a free port, serving the current trained model models/lingkar.tar.gz.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "lingkar.tar.gz"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
RASA_START_TIMEOUT = 240.0


def loud_skip(reason: str) -> None:
    bar = "!" * 78
    sys.stderr.write(f"\n{bar}\n!!! {reason}\n{bar}\n")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_prefix() -> str:
    """An alphanumeric key prefix (Rasa ignores any other) that no other test uses."""
    return "lkinfra" + uuid.uuid4().hex[:12]


def shared_redis_url(db: int = 0) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


@pytest.fixture(scope="session")
def shared_redis() -> str:
    """The URL of the shared Redis (db 0); fails if redis-server is installed but the server is down."""
    if not shutil.which("redis-server"):
        loud_skip("redis-server is not installed: the Redis tracker/lock store tests are SKIPPED")
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.fail(f"redis-server is installed but Redis at {REDIS_HOST}:{REDIS_PORT} does not answer ({e}); "
                    f"start it with `make services`")
    finally:
        client.close()
    return shared_redis_url()


def delete_prefix(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class ThrowawayRedis:
    """A private redis-server on a free port that a test may stop and start again (same port, no data kept)."""

    def __init__(self, tmp: Path, password: str | None = None):
        if not shutil.which("redis-server"):
            loud_skip("redis-server is not installed: tests that stop Redis are SKIPPED")
        self.port = free_port()
        self.tmp = tmp
        self.password = password
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(self.tmp)]
        if self.password:
            cmd += ["--requirepass", self.password]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    return self
                except redis.RedisError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"throw-away redis-server on :{self.port} did not start") from None
                    time.sleep(0.1)
        finally:
            client.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture
def throwaway_redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def rasa_env(port: int, token: str, redis_url: str | None, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "RASA_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        LINGKAR_HOME=str(ROOT),
        RASA_PORT=str(port),
        RASA_AUTH_TOKEN=token,
        RASA_MODEL=str(MODEL),
        # No action server is needed for these tests; a closed port makes that explicit.
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}/webhook",
        ACTION_SERVER_TOKEN="tok" + uuid.uuid4().hex,  # endpoints.yml sends it; Rasa refuses to start without
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


class RasaServer:
    """`docker/entrypoint.sh rasa` on a free port, with its log in a file."""

    def __init__(self, tmp: Path, redis_url: str | None, **extra_env: str):
        if not MODEL.exists():
            pytest.fail(f"no trained model at {MODEL}; run `make train`")
        self.port = free_port()
        self.token = "tok" + uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis_url = redis_url
        self.env = rasa_env(self.port, self.token, redis_url, **extra_env)
        self.log_path = tmp / f"rasa-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> RasaServer:
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["sh", str(ENTRYPOINT), "rasa"], cwd=ROOT, env=self.env,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait_ready()
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + RASA_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"Rasa exited with {self.proc.returncode} while starting:\n{self.log()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/status?token={self.token}", timeout=3) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"Rasa did not come up within {RASA_START_TIMEOUT:g}s:\n{self.log()[-4000:]}")

    def wait_exit(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"Rasa was expected to exit but still ran after {timeout:g}s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()


def health_cli(rasa: RasaServer, redis_url: str | None, extra_env: Dict[str, str] | None = None,
               args: List[str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m rasa_plugins.health` the way the Docker healthcheck does (settings from the environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "RASA_"))}
    env.update(PYTHONPATH=str(ROOT), RASA_URL=rasa.url, RASA_AUTH_TOKEN=rasa.token, REDIS_URL=redis_url or "")
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "rasa_plugins.health", *(args or [])], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
