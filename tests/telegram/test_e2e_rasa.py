"""End to end: fake Telegram Bot API + the adapter + real Rasa (trained model) + real action server + Redis.

The fixture starts ``rasa run actions`` and ``rasa run`` (REST channel, HTTP API) on free ports with
models/lingkar.tar.gz, Rasa's tracker and lock store in Redis under a key prefix of its own, exactly the
commands ``python -m bot.stack`` uses. More journeys (agent link -> eligibility -> contact -> lead) are added
here as the assistant grows.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import redis

from bot.stack import action_server_cmd, default_env, rasa_server_cmd

from .conftest import REDIS_HOST, REDIS_PORT, ROOT, free_port

pytestmark = pytest.mark.e2e

MODEL = ROOT / "models" / "lingkar.tar.gz"
START_TIMEOUT = 300.0
USER = 7501


def _wait_http(url: str, procs: List[subprocess.Popen], timeout: float, logs: List[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p, log in zip(procs, logs):
            if p.poll() is not None:
                raise AssertionError(f"{' '.join(p.args[:3])} exited ({p.returncode}):\n"
                                     + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not come up in {timeout:.0f}s:\n"
                         + "\n".join(log.read_text(errors="replace")[-2000:] for log in logs))


@pytest.fixture(scope="module")
def real_rasa(tmp_path_factory) -> Iterator[Dict[str, str]]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        if subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0:
            pytest.skip("\n" + "!" * 78 + "\n!!! redis-server is not installed: e2e test SKIPPED\n" + "!" * 78)
        pytest.fail(f"Redis is installed but not reachable ({exc}); run `make services`")
    tmp = tmp_path_factory.mktemp("rasa")
    rasa_port, action_port = free_port(), free_port()
    prefix = "lktg" + uuid.uuid4().hex[:10]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "RASA_", "ACTION_"))}
    base.update(RASA_PORT=str(rasa_port), ACTION_SERVER_PORT=str(action_port), ACTION_SERVER_HOST="127.0.0.1",
                REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0", REDIS_PREFIX=prefix,
                LINGKAR_VAR_DIR=str(tmp / "var"), HOME=os.environ.get("HOME", str(tmp)))
    env = default_env(base)
    logs = [tmp / "actions.log", tmp / "rasa.log"]
    procs: List[subprocess.Popen] = []
    try:
        for cmd, log in ((action_server_cmd(env), logs[0]), (rasa_server_cmd(env, MODEL), logs[1])):
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                          start_new_session=True))
        _wait_http(f"http://127.0.0.1:{action_port}/health", procs, START_TIMEOUT, logs)
        _wait_http(f"http://127.0.0.1:{rasa_port}/", procs, START_TIMEOUT, logs)
        yield {"url": f"http://127.0.0.1:{rasa_port}", "prefix": prefix}
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
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


def rest(url: str, sender: str, message: str) -> list:
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", method="POST",
                                 data=json.dumps({"sender": sender, "message": message}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


async def test_greet_and_menu_through_real_rasa(fake_tg, real_rasa, start_adapter, redis_url):
    adapter = await start_adapter(rasa_url=real_rasa["url"], redis=redis_url, RASA_TIMEOUT="120",
                                  RASA_RETRY_BUDGET="120")
    # what Rasa itself answers to a greeting (for another conversation) is what the worker gets on Telegram
    expected = [m["text"] for m in rest(real_rasa["url"], "e2e-reference", "/greet") if m.get("text")]
    assert expected, "Rasa gave no greeting"
    await fake_tg.push(fake_tg.text(USER, "/start"))
    texts = await fake_tg.wait_texts(USER, 1, timeout=120)
    assert texts[0] == "\n\n".join(expected)
    # the conversation is in Redis under Rasa's prefix, keyed by the adapter's sender id
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        assert client.exists(f"{real_rasa['prefix']}:tracker:telegram:{USER}")
    finally:
        client.close()

    if not rest(real_rasa["url"], "e2e-menu-probe", "/menu"):
        pytest.xfail("the trained model does not answer the menu intent yet (assistant still a stub)")
    await fake_tg.push(fake_tg.text(USER, "/menu"))
    await fake_tg.wait_texts(USER, 2, timeout=120)
    menu = fake_tg.successful("sendMessage", USER)[-1]
    buttons = [b for row in menu.params["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) >= 3
    # pressing the first menu button gets an answer from the assistant
    msg = fake_tg.last_keyboard_message(USER)
    await fake_tg.push(fake_tg.callback(USER, msg, buttons[0]["callback_data"]))
    await fake_tg.wait_texts(USER, 3, timeout=120)
    assert adapter.rasa.stats.failures == 0
