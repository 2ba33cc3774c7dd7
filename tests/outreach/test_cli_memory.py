"""The command line and the in-process mode (no PostgreSQL: the lead store on SQLite, the jobs in the worker's
memory): queue with ``python -m bot.outreach broadcast``, read ``status``, pause and resume, and a worker whose sweep
finds the broadcast in the store."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

from bot.outreach.runtime import open_runtime
from lingkar.store import open_store
from tests.conftest import use_settings

from . import audience as subs
from .conftest import ROOT, outreach_env
from .test_broadcast import EXPECTED, run_worker, stop, tg_counts


def cli(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.outreach", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, timeout=120)


async def test_cli_and_the_in_memory_worker(tmp_path, fake_tg):
    url = f"sqlite:///{tmp_path / 'lingkar.db'}"
    env = outreach_env(tmp_path, url, fake_tg, None)
    core = use_settings(**env)
    store = open_store()
    subs.create(store.engine, [("telegram", str(500 + i), "iuran", True) for i in range(6)]
                + [("telegram", "599", "iuran", False), ("telegram", "598", "diskon", True)])
    msg = tmp_path / "pesan.yml"
    msg.write_text("text: |\n  Iuran JKM peserta BPU kini {bpu.jkm} sebulan. Tanya lewat {contact.call_centre}.\n"
                   "buttons:\n  - {title: Cara daftar, payload: /ask_register}\n", encoding="utf-8")

    refused = cli(env, "broadcast", "--file", str(msg), "--topic", "iuran")
    assert refused.returncode == 2 and "--confirm" in refused.stderr
    bad = tmp_path / "angka.txt"
    bad.write_text("Iuran hanya 6800 rupiah!", encoding="utf-8")
    digits = cli(env, "broadcast", "--file", str(bad), "--topic", "iuran", "--confirm")
    assert digits.returncode == 2 and "outside a placeholder" in digits.stderr
    queued = cli(env, "broadcast", "--file", str(msg), "--topic", "iuran", "--confirm", "--by", "staff:ana")
    assert queued.returncode == 0, queued.stderr
    bid = int(queued.stdout.strip())
    status = json.loads(cli(env, "status", "--id", str(bid)).stdout)
    assert status == {"id": bid, "status": "queued", "topic": "iuran", "total": 6, "queued": 6, "sent": 0,
                      "delivered": 0, "read": 0, "failed": 0, "unsubscribed": 0}
    assert json.loads(cli(env, "pause", "--id", str(bid)).stdout)["status"] == "paused"

    rt = await open_runtime(core, store)
    try:
        async with rt.app.open_async():
            assert await rt.jobs.sweep() == {"recovered": 0, "queued": 0}       # paused: nothing to do
            assert cli(env, "resume", "--id", str(bid)).returncode == 0
            assert (await rt.jobs.sweep())["queued"] == 1                       # found in the store
            worker = await run_worker(rt, "memory")
            try:
                deadline = time.monotonic() + 30
                while store.get_broadcast(bid).status != "done":
                    assert time.monotonic() < deadline, store.broadcast_counts(bid)
                    await asyncio.sleep(0.2)
            finally:
                await stop(worker)
    finally:
        await rt.close()
    assert tg_counts(fake_tg) == {500 + i: 1 for i in range(6)}
    assert fake_tg.successful("sendMessage", 500)[0].params["text"] == EXPECTED
    final = json.loads(cli(env, "status", "--id", str(bid)).stdout)
    assert final["status"] == "done" and final["sent"] == 6 and final["queued"] == 0
    cancelled = cli(env, "cancel", "--id", str(bid))
    assert cancelled.returncode == 1 and "done" in cancelled.stderr
    store.dispose()
