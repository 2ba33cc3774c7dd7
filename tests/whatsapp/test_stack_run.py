"""`make run` (python -m bot.stack run) with TELEGRAM_BOT_TOKEN and WHATSAPP_TOKEN: both channels are served in one
process on one BOT_PORT (python -m bot.channels) in front of real Rasa and the action server; a worker on each
messenger is answered; SIGTERM stops everything."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.infra.conftest import free_port
from tests.telegram.fake_bot_api import TOKEN as TG_TOKEN
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.test_stack import MODEL, ROOT, children, get, serve_env

from .fake_graph import APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN

WA = "6281500000001"


@pytest.mark.e2e
async def test_make_run_serves_telegram_and_whatsapp_on_one_port(tmp_path, fake_graph):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does)")
    tg = await FakeBotAPI().start()
    ports = {name: free_port() for name in ("RASA_PORT", "ACTION_SERVER_PORT", "BOT_PORT", "DASHBOARD_PORT")}
    env = serve_env(tmp_path)
    env.update({k: str(v) for k, v in ports.items()}, TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_API_URL=tg.base,
               TELEGRAM_MODE="polling", TELEGRAM_POLL_TIMEOUT="1", BOT_HOST="127.0.0.1",
               DASHBOARD_HOST="127.0.0.1", STAFF_ADMIN_TELEGRAM_ID="424242",
               WHATSAPP_TOKEN=TOKEN, WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, WHATSAPP_APP_SECRET=APP_SECRET,
               WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN, WHATSAPP_API_URL=fake_graph.base)
    log_path = tmp_path / "run.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.stack", "run", "--model", str(MODEL)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{ports['BOT_PORT']}"
    fake_graph.webhook_url = f"{base}/webhooks/whatsapp"

    async def until(check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(check):
            assert proc.poll() is None, f"the stack exited ({proc.returncode}):\n" + log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "timed out; log tail:\n" + log_path.read_text()[-3000:]
            await asyncio.sleep(0.5)

    try:
        await until(lambda: get(f"{base}/health") == 200, 240)
        assert [cmd for cmd in children(proc.pid).values() if "bot.channels" in cmd]
        assert not [cmd for cmd in children(proc.pid).values() if "bot.telegram" in cmd]
        assert await fake_graph.deliver(fake_graph.text(WA, "halo")) == 200
        await tg.push(tg.text(7101, "halo"))
        await fake_graph.wait_for(lambda g: g.to(WA), timeout=120)
        assert (await tg.wait_texts(7101, 1, timeout=120))[0]
        assert fake_graph.to(WA)[0].text and fake_graph.refused == []
        with urllib.request.urlopen(f"{base}/health", timeout=30) as r:
            assert set(json.loads(r.read())["channels"]) == {"telegram", "whatsapp"}
        os.kill(proc.pid, signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        await tg.stop()
