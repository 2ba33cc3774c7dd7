"""docker-compose.yml validates and has the intended shape; .env.example documents every variable it uses.

Runs Debian's `docker-compose` (`apt-get install -y docker-compose`); no Docker engine is needed. The check runs
with a clean environment and a generated env file, never the developer's .env.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from .conftest import ROOT, loud_skip

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SECRETS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "RASA_AUTH_TOKEN", "REDIS_PASSWORD", "POSTGRES_PASSWORD")
SERVICES = {"redis", "postgres", "rasa", "actions", "bot"}
INTERNAL = {"redis", "postgres", "rasa", "actions"}


def sample_env() -> Dict[str, str]:
    env = {name: secrets.token_hex(16) for name in SECRETS}
    env["TELEGRAM_BOT_TOKEN"] = f"{secrets.randbelow(10**9)}:{secrets.token_urlsafe(26)}"
    env["TELEGRAM_WEBHOOK_URL"] = "https://bot.example.org/telegram/" + secrets.token_hex(8)
    return env


def compose(tmp_path: Path, env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    if not exe:
        loud_skip("docker-compose is not installed (apt-get install -y docker-compose): compose checks SKIPPED")
    env_file = tmp_path / "sample.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    return subprocess.run([exe, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), "--env-file",
                           str(env_file), *args], cwd=tmp_path, env=clean, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compose")
    env = sample_env()
    quiet = compose(tmp, env, "config", "-q")
    assert quiet.returncode == 0, quiet.stderr
    done = compose(tmp, env, "config")
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout), env


def _published(service: dict) -> List[dict]:
    out = []
    for p in service.get("ports") or []:
        if isinstance(p, dict):     # long syntax (docker compose v2)
            out.append({"host_ip": p.get("host_ip", ""), "published": str(p.get("published")),
                        "target": str(p.get("target"))})
        else:                        # short syntax: [ip:]published:target[/proto]
            parts = str(p).split("/")[0].split(":")
            ip = parts[0] if len(parts) == 3 else ""
            out.append({"host_ip": ip, "published": parts[-2], "target": parts[-1]})
    return out


def _env(service: dict) -> Dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def _networks(service: dict) -> set:
    nets = service.get("networks") or {}
    return set(nets) if isinstance(nets, (dict, list)) else set()


def test_services_ports_and_networks(rendered):
    cfg, _ = rendered
    services = cfg["services"]
    assert set(services) == SERVICES
    published = {name: _published(s) for name, s in services.items() if _published(s)}
    assert set(published) == {"bot"}, f"only the bot's webhook may be published, got {published}"
    assert published["bot"] == [{"host_ip": "127.0.0.1", "published": "8080", "target": "8080"}]
    assert cfg["networks"]["backend"].get("internal") is True
    for name in INTERNAL:
        assert _networks(services[name]) == {"backend"}, f"{name} must only be on the internal network"
    assert _networks(services["bot"]) == {"backend", "edge"}


def test_health_checks_restart_policies_and_order(rendered):
    cfg, _ = rendered
    for name, service in cfg["services"].items():
        assert service.get("restart") == "unless-stopped", name
        test = (service.get("healthcheck") or {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"
    rasa = cfg["services"]["rasa"]
    assert rasa["healthcheck"]["test"][1:4] == ["python", "-m", "bot.rasa_health"]
    assert rasa["depends_on"]["redis"]["condition"] == "service_healthy"
    assert cfg["services"]["bot"]["depends_on"]["rasa"]["condition"] == "service_healthy"
    assert cfg["services"]["actions"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_persistence(rendered):
    cfg, _ = rendered
    redis = cfg["services"]["redis"]
    command = " ".join(redis["command"]) if isinstance(redis["command"], list) else redis["command"]
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    volumes = {name: [str(v).split(":")[1] if isinstance(v, str) else v["target"] for v in s.get("volumes", [])]
               for name, s in cfg["services"].items()}
    assert volumes["redis"] == ["/data"]
    assert volumes["postgres"] == ["/var/lib/postgresql/data"]
    assert {"redis-data", "postgres-data"} <= set(cfg["volumes"])


def test_secrets_reach_the_right_services(rendered):
    cfg, env = rendered
    s = {name: _env(service) for name, service in cfg["services"].items()}
    assert s["rasa"]["RASA_AUTH_TOKEN"] == env["RASA_AUTH_TOKEN"]
    assert "RASA_AUTH_TOKEN" not in s["bot"] and "RASA_AUTH_TOKEN" not in s["actions"]
    assert s["rasa"]["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    for name in ("rasa", "bot", "actions"):
        assert s[name]["REDIS_URL"] == f"redis://:{env['REDIS_PASSWORD']}@redis:6379/0", name
    for name in ("bot", "actions"):
        assert s[name]["DATABASE_URL"] == f"postgresql://lingkar:{env['POSTGRES_PASSWORD']}@postgres:5432/lingkar"
    assert "DATABASE_URL" not in s["rasa"]
    assert s["bot"]["TELEGRAM_BOT_TOKEN"] == env["TELEGRAM_BOT_TOKEN"]
    assert s["bot"]["TELEGRAM_MODE"] == "webhook"
    assert s["bot"]["TELEGRAM_WEBHOOK_SECRET"] == env["TELEGRAM_WEBHOOK_SECRET"]
    assert s["bot"]["RASA_URL"] == "http://rasa:5005"
    assert "TELEGRAM_BOT_TOKEN" not in s["rasa"]


def test_no_secret_in_the_file():
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"\b\d{6,}:[A-Za-z0-9_-]{30,}\b", text), "something like a Telegram bot token"
    assert not re.search(r"(?i)://[^/\s:@$]*:[^@\s$][^@\s]*@", text), "a password written into a URL"
    raw = yaml.safe_load(text)
    for name, service in raw["services"].items():
        for key, value in _env(service).items():
            if re.search(r"TOKEN|SECRET|PASSWORD|AUTH", key):
                assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*)?\}", value), f"{name}.{key} must come from .env: {value}"


@pytest.mark.parametrize("missing", SECRETS + ("TELEGRAM_WEBHOOK_URL",))
def test_a_missing_secret_stops_compose(tmp_path, missing):
    env = sample_env()
    del env[missing]
    done = compose(tmp_path, env, "config", "-q")
    assert done.returncode != 0
    assert missing in done.stderr


def _variables(text: str) -> set:
    return set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))


def _documented(text: str) -> Dict[str, str | None]:
    """Variable -> the comment block right above it in .env.example."""
    out, comment = {}, []
    for line in text.splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif "=" in line:
            name = line.split("=", 1)[0].strip()
            out[name] = "\n".join(c for c in comment if not c.startswith("# ----")) or None
            comment = []
        else:
            comment = []
    return out


def test_env_example_documents_every_variable():
    used = _variables(COMPOSE_FILE.read_text())
    documented = _documented(ENV_EXAMPLE.read_text())
    assert used, "found no ${VAR} in docker-compose.yml"
    assert used - set(documented) == set(), "variables used in docker-compose.yml but missing from .env.example"
    assert set(documented) - used == set(), "variables in .env.example that docker-compose.yml never uses"
    for name, comment in documented.items():
        assert comment, f"{name} has no comment in .env.example"
    for name in SECRETS:
        line = next(line for line in ENV_EXAMPLE.read_text().splitlines() if line.startswith(name + "="))
        assert line == name + "=", f".env.example must not carry a value for the secret {name}"


def test_env_example_as_is_is_refused(tmp_path):
    """Copying .env.example without filling in the secrets must not start anything."""
    env = dict(line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
               if line and not line.startswith("#"))
    done = compose(tmp_path, env, "config", "-q")
    assert done.returncode != 0 and "in .env" in done.stderr


def test_dockerfile_installs_the_lock_and_uses_the_entrypoint():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.10", text, re.M)
    assert "pip install --no-deps -r /tmp/requirements.lock" in text
    assert "rasa train" in text and 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in text
    assert re.search(r"^USER lingkar$", text, re.M), "the services must not run as root"
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and ".git" in ignored and ".venv" in ignored
