"""Broadcasts end to end on the real PostgreSQL (procrastinate's schema from migration 0010), the fake Bot API and
the fake Graph API: exactly one message per subscriber, killed workers, 429 and closed windows, opt-outs mid-way."""
from __future__ import annotations

import asyncio
import collections
import time

from sqlalchemy import text

from bot.outreach.message import BroadcastMessage
from bot.outreach.runtime import open_runtime
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.state import make_state
from lingkar.store import Store
from tests.conftest import use_settings

from . import audience as subs
from .conftest import outreach_env

TEXT = "Iuran JKM peserta BPU kini {bpu.jkm} sebulan. Tanya lewat {contact.call_centre}."
BUTTONS = [{"title": "Cara daftar", "payload": "/ask_register"}]
EXPECTED = "Iuran JKM peserta BPU kini Rp6.800 sebulan. Tanya lewat 175."


def tg_counts(fake_tg) -> collections.Counter:
    return collections.Counter(c.params["chat_id"] for c in fake_tg.successful("sendMessage"))


def wa_counts(fake_graph) -> collections.Counter:
    return collections.Counter(s.to for s in fake_graph.sent)


async def wait_done(store: Store, broadcast_id: int, timeout: float = 40.0, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while store.get_broadcast(broadcast_id).status != "done":
        assert time.monotonic() < deadline, (store.broadcast_counts(broadcast_id), proc.log if proc else "")
        await asyncio.sleep(0.2)


async def run_worker(rt, name: str) -> asyncio.Task:
    return asyncio.ensure_future(rt.app.run_worker_async(
        queues=["broadcasts"], concurrency=4, name=name, install_signal_handlers=False, wait=True,
        fetch_job_polling_interval=0.2, update_heartbeat_interval=0.5))


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_small_broadcast_reaches_subscribers_once_with_buttons(db, fake_tg, fake_graph, tmp_path):
    core = use_settings(**outreach_env(tmp_path, db, fake_tg, fake_graph))
    store = Store(db)
    rows = [("telegram", str(7000 + i), "iuran", True) for i in range(5)]
    rows += [("whatsapp", f"62812000{i:04d}", "iuran", True) for i in range(4)]
    rows += [("telegram", "7999", "iuran", False), ("telegram", "7998", "diskon", True),   # stopped; other topic
             ("whatsapp", "628120009999", "diskon", True)]
    subs.create(store.engine, rows)
    state = make_state(WhatsAppSettings.from_settings(core))
    await state.open()
    now = time.time()
    for i in range(2):              # two wrote in the last 24 hours: a normal message with buttons
        await state.touch_inbound(f"62812000{i:04d}", now - 60)
        fake_graph.last_inbound[f"62812000{i:04d}"] = now - 60
    await state.close()
    rt = await open_runtime(core, store)
    try:
        async with rt.app.open_async():
            bc, left = await rt.outreach.queue(BroadcastMessage.parse(TEXT, BUTTONS), "iuran", "staff:test",
                                               jobs=rt.jobs.specs())
            assert left == [] and bc.total == 9
            with store.engine.connect() as conn:     # the jobs were written with the rows
                jobs = conn.execute(text("SELECT task_name, lock, args FROM procrastinate_jobs")).all()
            assert sorted(j.args["channel"] for j in jobs) == ["telegram", "whatsapp"]
            assert {j.lock for j in jobs} == {"send:telegram:123456789", "send:whatsapp:106540352242922"}
            worker = await run_worker(rt, "w1")
            try:
                await wait_done(store, bc.id)
            finally:
                await stop(worker)
    finally:
        await rt.close()
    assert tg_counts(fake_tg) == {7000 + i: 1 for i in range(5)}
    assert wa_counts(fake_graph) == {f"62812000{i:04d}": 1 for i in range(4)}
    call = fake_tg.successful("sendMessage", 7000)[0]
    assert call.params["text"] == EXPECTED
    button = call.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Cara daftar" and button["callback_data"].endswith("/ask_register")
    by_to = {s.to: s for s in fake_graph.sent}
    assert by_to["628120000000"].type == "interactive" and by_to["628120000000"].text == EXPECTED
    closed = by_to["628120000003"].body
    assert closed["type"] == "template" and closed["template"]["name"] == "lingkar_info"
    params = [p["text"] for p in closed["template"]["components"][0]["parameters"]]
    assert params == ["iuran", EXPECTED]
    assert store.broadcast_counts(bc.id) == {"queued": 0, "sent": 9, "delivered": 0, "read": 0, "failed": 0,
                                             "unsubscribed": 0}
    store.dispose()
