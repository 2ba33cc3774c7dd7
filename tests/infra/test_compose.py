"""docker-compose.yml validates and has the intended shape; .env.example documents every variable it uses.

Runs Debian's `docker-compose` (`apt-get install -y docker-compose`); no Docker engine is needed. The check runs
with a clean environment and a generated env file, never the developer's .env. The notifier's health check
(docker/notifier_health.py) is run for real against a SQLite file and the local PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from lingkar.store import Store
from tests.staff.fixtures import db_url, pg_databases, pg_url  # noqa: F401  (fixtures: migrated SQLite / PostgreSQL)

from .conftest import ROOT, free_port, loud_skip

COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
NOTIFIER_HEALTH = ROOT / "docker" / "notifier_health.py"
SECRETS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "REDIS_PASSWORD",
           "POSTGRES_PASSWORD", "DASHBOARD_SECRET")
# Site settings compose refuses to start without (they have no sensible default in production).
REQUIRED_SETTINGS = ("TELEGRAM_WEBHOOK_URL", "STAFF_CHAT_ID", "STAFF_ADMIN_TELEGRAM_ID", "TELEGRAM_BOT_USERNAME",
                     "DASHBOARD_BASE_URL")
SERVICES = {"redis", "postgres", "rasa", "actions", "bot", "dashboard", "notifier", "outreach-worker"}
INTERNAL = {"redis", "postgres", "rasa", "actions"}
STORE_USERS = ("actions", "bot", "dashboard", "notifier", "outreach-worker")


def sample_env() -> Dict[str, str]:
    env = {name: secrets.token_hex(16) for name in SECRETS}
    env["TELEGRAM_BOT_TOKEN"] = f"{secrets.randbelow(10**9)}:{secrets.token_urlsafe(26)}"
    env["TELEGRAM_WEBHOOK_URL"] = "https://bot.example.org/telegram/" + secrets.token_hex(8)
    env["STAFF_CHAT_ID"] = str(-1000000000000 - secrets.randbelow(10**9))
    env["STAFF_ADMIN_TELEGRAM_ID"] = str(10**8 + secrets.randbelow(10**9))
    env["TELEGRAM_BOT_USERNAME"] = "lingkar_" + secrets.token_hex(3) + "_bot"
    env["DASHBOARD_BASE_URL"] = "https://dasbor.example.org"
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
    assert set(published) == {"bot", "dashboard"}, f"only the webhook and the dashboard may be published: {published}"
    assert published["bot"] == [{"host_ip": "127.0.0.1", "published": "8080", "target": "8080"}]
    assert published["dashboard"] == [{"host_ip": "127.0.0.1", "published": "8081", "target": "8081"}]
    assert cfg["networks"]["backend"].get("internal") is True
    assert not cfg["networks"]["edge"].get("internal")
    for name in INTERNAL:
        assert _networks(services[name]) == {"backend"}, f"{name} must only be on the internal network"
    for name in ("bot", "dashboard", "notifier", "outreach-worker"):
        assert _networks(services[name]) == {"backend", "edge"}, name
    for name in ("notifier", "outreach-worker"):
        assert "ports" not in services[name] and "expose" not in services[name], name
        assert "container_name" not in services[name], name      # the worker scales with --scale


def test_publish_addresses_and_ports_come_from_env(tmp_path):
    env = sample_env()
    env.update(BOT_PUBLISH_ADDR="0.0.0.0", BOT_PUBLISH_PORT="18080",
               DASHBOARD_PUBLISH_ADDR="127.0.0.2", DASHBOARD_PUBLISH_PORT="18443")
    done = compose(tmp_path, env, "config")
    assert done.returncode == 0, done.stderr
    services = yaml.safe_load(done.stdout)["services"]
    assert _published(services["bot"]) == [{"host_ip": "0.0.0.0", "published": "18080", "target": "8080"}]
    assert _published(services["dashboard"]) == [{"host_ip": "127.0.0.2", "published": "18443", "target": "8081"}]


def test_roles_of_the_lingkar_services(rendered):
    cfg, _ = rendered
    roles = {name: s.get("command") for name, s in cfg["services"].items() if name not in ("redis", "postgres")}
    assert roles == {"rasa": ["rasa"], "actions": ["actions"], "bot": ["channels"], "dashboard": ["dashboard"],
                     "notifier": ["notifier"], "outreach-worker": ["outreach"]}
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert re.search(r"^  dashboard\)\n    exec python -m bot\.dashboard ", entrypoint, re.M)
    assert re.search(r"^  channels\)\n    exec python -m bot\.channels ", entrypoint, re.M)
    assert re.search(r"^  notifier\)\n    exec python -m bot\.staff notifier ", entrypoint, re.M)
    assert re.search(r"^  outreach\)\n    exec python -m bot\.outreach worker ", entrypoint, re.M)
    header = entrypoint.split("set -eu")[0]
    assert re.search(r"^#   dashboard ", header, re.M) and re.search(r"^#   notifier ", header, re.M)
    images = {s.get("image") for name, s in cfg["services"].items() if name in roles}
    assert images == {"lingkar:latest"}, "the Lingkar services share one image"


@pytest.mark.parametrize("role", ["dashboard", "notifier"])
def test_entrypoint_runs_the_role(role, tmp_path):
    """`docker/entrypoint.sh <role> --help` reaches the real program (what the container runs)."""
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
           "LINGKAR_HOME": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(["sh", str(ROOT / "docker" / "entrypoint.sh"), role, "--help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = {"dashboard": "usage: python -m bot.dashboard", "notifier": "usage: python -m bot.staff notifier"}
    assert done.stdout.startswith(expected[role]), done.stdout[:300]


def test_health_checks_restart_policies_and_order(rendered):
    cfg, _ = rendered
    for name, service in cfg["services"].items():
        assert service.get("restart") == "unless-stopped", name
        test = (service.get("healthcheck") or {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no health check"
    services = cfg["services"]
    rasa = services["rasa"]
    assert rasa["healthcheck"]["test"][1:4] == ["python", "-m", "rasa_plugins.health"]
    assert rasa["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["bot"]["depends_on"]["rasa"]["condition"] == "service_healthy"
    assert services["actions"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in STORE_USERS:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name
    assert services["dashboard"]["healthcheck"]["test"][-1] == "http://localhost:8081/health"
    assert services["notifier"]["healthcheck"]["test"][1:3] == ["python", "/app/docker/notifier_health.py"]
    assert services["outreach-worker"]["healthcheck"]["test"][1:5] == ["python", "-m", "bot.outreach", "health"]


def test_the_notifier_health_check_is_in_the_image():
    """The health check runs inside the container: the script must be part of the build context."""
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert NOTIFIER_HEALTH.exists()
    assert not any(p in ("docker", "docker/", "docker/*", "*.py", "**/*.py") for p in ignored), ignored


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
    # Rasa's HTTP API token: Rasa, and the bot whose /health checks Rasa's tracker store through that API.
    assert sorted(name for name in s if "RASA_AUTH_TOKEN" in s[name]) == ["bot", "rasa"]
    assert s["bot"]["RASA_AUTH_TOKEN"] == env["RASA_AUTH_TOKEN"]
    assert s["rasa"]["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    # The action server's shared secret: the caller (Rasa) and the action server only.
    assert sorted(name for name in s if "ACTION_SERVER_TOKEN" in s[name]) == ["actions", "rasa"]
    assert s["rasa"]["ACTION_SERVER_TOKEN"] == s["actions"]["ACTION_SERVER_TOKEN"] == env["ACTION_SERVER_TOKEN"]
    # Inside the private network they listen on every interface; nothing publishes them.
    assert s["rasa"]["RASA_HOST"] == s["actions"]["ACTION_SERVER_HOST"] == "0.0.0.0"
    for name in ("rasa", "bot", "actions", "outreach-worker"):   # the worker reads WhatsApp's 24-hour window
        assert s[name]["REDIS_URL"] == f"redis://:{env['REDIS_PASSWORD']}@redis:6379/0", name
    for name in ("dashboard", "notifier"):  # they never use Redis: no Redis password for them
        assert not any(k.startswith("REDIS") for k in s[name]), name
    database_url = f"postgresql://lingkar:{env['POSTGRES_PASSWORD']}@postgres:5432/lingkar"
    for name in STORE_USERS:
        assert s[name]["DATABASE_URL"] == database_url, name
        assert s[name]["LINGKAR_TIMEZONE"] == "Asia/Makassar", name
    assert "DATABASE_URL" not in s["rasa"]
    # The bot token: the adapter and the notifier (both call the Bot API), never Rasa or the web dashboard.
    assert sorted(name for name in s if "TELEGRAM_BOT_TOKEN" in s[name]) == ["bot", "notifier", "outreach-worker"]
    for name in ("bot", "notifier", "outreach-worker"):
        assert s[name]["TELEGRAM_BOT_TOKEN"] == env["TELEGRAM_BOT_TOKEN"], name
        assert s[name]["TELEGRAM_API_URL"] == "https://api.telegram.org/bot", name
    assert s["bot"]["TELEGRAM_MODE"] == "webhook"
    assert s["bot"]["TELEGRAM_WEBHOOK_SECRET"] == env["TELEGRAM_WEBHOOK_SECRET"]
    assert [name for name in s if "TELEGRAM_WEBHOOK_SECRET" in s[name]] == ["bot"]
    assert s["bot"]["RASA_URL"] == "http://rasa:5005"
    # The staff and agent features.
    assert s["bot"]["TELEGRAM_PLUGINS"] == "bot.staff.plugin:setup_all"
    for name in ("bot", "dashboard", "notifier"):
        assert s[name]["STAFF_ADMIN_TELEGRAM_ID"] == env["STAFF_ADMIN_TELEGRAM_ID"], name
        assert s[name]["TELEGRAM_BOT_USERNAME"] == env["TELEGRAM_BOT_USERNAME"], name
        assert s[name]["STAFF_STALE_HOURS"] == "48", name
    for name in ("bot", "dashboard"):  # the bot writes sign-in links to it; the dashboard decides secure cookies
        assert s[name]["DASHBOARD_BASE_URL"] == env["DASHBOARD_BASE_URL"], name
    assert [name for name in s if "DASHBOARD_SECRET" in s[name]] == ["dashboard"]
    assert s["dashboard"]["DASHBOARD_SECRET"] == env["DASHBOARD_SECRET"]
    assert (s["dashboard"]["DASHBOARD_HOST"], s["dashboard"]["DASHBOARD_PORT"]) == ("0.0.0.0", "8081")
    assert s["bot"]["DASHBOARD_LOGIN_TTL"] == "600" and s["dashboard"]["DASHBOARD_SESSION_TTL"] == "43200"
    # the notifier posts there; the bot serves staff commands and buttons only there (and in private chats)
    assert [name for name in s if "STAFF_CHAT_ID" in s[name]] == ["bot", "notifier"]
    for name in ("bot", "notifier"):
        assert s[name]["STAFF_CHAT_ID"] == env["STAFF_CHAT_ID"], name
    assert s["notifier"]["STAFF_REMINDER_HOUR"] == "8" and s["notifier"]["STAFF_NOTIFY_CAP"] == "5"
    assert s["bot"]["AGENT_REAPPLY_COOLDOWN_DAYS"] == "7"
    # Every process that hashes people for the funnel must use the same key (or all the database's one).
    salts = {name: s[name].get("LINGKAR_METRICS_SALT") for name in STORE_USERS}
    assert salts == dict.fromkeys(STORE_USERS, ""), salts
    assert not any("LINGKAR_METRICS_SALT" in s[name] for name in ("rasa", "redis", "postgres"))


def test_the_metrics_salt_reaches_every_store_user(tmp_path):
    env = sample_env()
    env["LINGKAR_METRICS_SALT"] = secrets.token_hex(32)
    done = compose(tmp_path, env, "config")
    assert done.returncode == 0, done.stderr
    services = yaml.safe_load(done.stdout)["services"]
    for name in STORE_USERS:
        assert _env(services[name])["LINGKAR_METRICS_SALT"] == env["LINGKAR_METRICS_SALT"], name


def test_no_secret_in_the_file():
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"\b\d{6,}:[A-Za-z0-9_-]{30,}\b", text), "something like a Telegram bot token"
    assert not re.search(r"(?i)://[^/\s:@$]*:[^@\s$][^@\s]*@", text), "a password written into a URL"
    raw = yaml.safe_load(text)
    for name, service in raw["services"].items():
        for key, value in _env(service).items():
            if re.search(r"TOKEN|SECRET|PASSWORD|AUTH", key):
                # required (${X:?...}), or optional and empty by default (${X:-}): never a value in this file
                assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*|:-)?\}", value), f"{name}.{key} must come from .env: {value}"
            if re.search(r"SALT", key):  # optional: empty means the key kept in the database
                assert value == "${" + key + ":-}", f"{name}.{key} must come from .env: {value}"


@pytest.mark.parametrize("missing", SECRETS + REQUIRED_SETTINGS)
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
    for name in SECRETS + ("LINGKAR_METRICS_SALT",):
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


# ---------------------------------------------------------------------------------------------- notifier health
def notifier_health(url: str, *args: str, **env_over: str) -> subprocess.CompletedProcess:
    """Run docker/notifier_health.py as the container's health check runs it (settings from the environment)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "STAFF_", "DASHBOARD_", "NOTIFIER_", "DATABASE_", "LINGKAR_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=url, TELEGRAM_BOT_TOKEN="123456:" + "a" * 35,
               STAFF_CHAT_ID="-1001234567", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    env.update(env_over)
    return subprocess.run([sys.executable, str(NOTIFIER_HEALTH), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def _lead(store: Store, phone: str) -> int:
    result = store.upsert_lead(sender_id="telegram:" + str(secrets.randbelow(10**9)), channel="telegram",
                               name="Wa Ode Sitti", phone=phone, consent_version="2026-11")
    assert result.created
    return result.lead.id


def test_notifier_health_follows_the_outbox(db_url):  # noqa: F811
    """Healthy while nothing waits too long; unhealthy while a lead waits; healthy again once delivered."""
    done = notifier_health(db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok: outbox empty")

    an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    old = Store(db_url, clock=lambda: an_hour_ago)
    try:
        _lead(old, "081234567890")
    finally:
        old.dispose()
    done = notifier_health(db_url)      # default limit 900 s; the lead has waited an hour
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 outbox event(s) undelivered" in done.stdout
    assert "Wa Ode" not in done.stdout + done.stderr and "08123456" not in done.stdout + done.stderr
    assert notifier_health(db_url, "--max-age", "7200").returncode == 0   # within a longer limit

    store = Store(db_url)
    try:
        new_id = _lead(store, "081298765432")  # a fresh lead alone does not make it unhealthy
        events = store.claim_outbox("test-notifier", limit=10)
        assert len(events) == 2
        for event in events:
            if event.lead_id != new_id:
                assert store.ack_outbox(event.id, "test-notifier")
        done = notifier_health(db_url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 outbox event(s) pending" in done.stdout
    finally:
        store.dispose()


def test_notifier_health_refuses_incomplete_settings(db_url):  # noqa: F811
    done = notifier_health(db_url, STAFF_CHAT_ID="")
    assert done.returncode == 1 and "STAFF_CHAT_ID" in done.stdout
    done = notifier_health(db_url, TELEGRAM_BOT_TOKEN="")
    assert done.returncode == 1 and "TELEGRAM_BOT_TOKEN" in done.stdout


def test_notifier_health_when_the_database_is_unreachable(tmp_path):
    password = secrets.token_hex(8)
    done = notifier_health(f"postgresql://lingkar:{password}@127.0.0.1:{free_port()}/lingkar")
    assert done.returncode == 1
    assert done.stdout.startswith("lead store unreachable: OperationalError")
    assert password not in done.stdout + done.stderr
