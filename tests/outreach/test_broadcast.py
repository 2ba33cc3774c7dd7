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
        assert time.monotonic() < deadline, (store.broadcast_counts(broadcast_id), proc.log() if proc else "")
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


async def locked_waiters(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                 "AND query LIKE '%test_subscribers%FOR SHARE%'")).scalar_one()


async def test_two_thousand_across_both_channels_survive_a_killed_worker(db, fake_tg, fake_graph, tmp_path,
                                                                          spawn_worker):
    """2 000 subscribers (1 000 per channel). A worker process is ``kill -9``-ed mid-way (while it checks a
    subscription: rows claimed, not sent); a second one recovers its stalled jobs and, after the lease, its rows.
    Meanwhile: a 429 with retry_after, Forbidden, WhatsApp 130429 then 131026, a window that closed, two opt-outs.
    Everybody still subscribed gets exactly one message; nobody else gets any; the counts add up."""
    env = outreach_env(tmp_path, db, fake_tg, fake_graph)
    core = use_settings(**env)
    store = Store(db)
    tg = [str(100000 + i) for i in range(1000)]
    wa = [f"62813{i:07d}" for i in range(1000)]
    rows = [("telegram", k, "iuran", True) for k in tg] + [("whatsapp", k, "iuran", True) for k in wa]
    rows += [("telegram", str(200000 + i), "iuran", False) for i in range(50)]       # stopped before
    rows += [("whatsapp", f"62819{i:07d}", "diskon", True) for i in range(50)]       # another topic
    subs.create(store.engine, rows)
    state = make_state(WhatsAppSettings.from_settings(core))
    await state.open()
    now = time.time()
    open_window = set(wa[::2])                        # every other number wrote in the last 24 hours
    for k in open_window:
        await state.touch_inbound(k, now - 3600)
        fake_graph.last_inbound[k] = now - 3600
    await state.touch_inbound(wa[9], now - 3600)       # our state says open, but WhatsApp says closed: 131047
    await state.close()

    rt = await open_runtime(core, store)
    async with rt.app.open_async():
        bc, _ = await rt.outreach.queue(BroadcastMessage.parse(TEXT, BUTTONS), "iuran", "staff:test",
                                        jobs=rt.jobs.specs())
    await rt.close()
    assert bc.total == 2000

    fake_tg.fail("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
    fake_tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    fake_graph.fail_next((429, 130429), (400, 131026))
    blocker = store.engine.connect()
    tx = blocker.begin()
    blocker.execute(text("SELECT 1 FROM test_subscribers WHERE (channel = 'telegram' AND key = :t) "
                         "OR (channel = 'whatsapp' AND key = :w) FOR UPDATE"), {"t": tg[400], "w": wa[400]})
    first = await spawn_worker(env)
    deadline = time.monotonic() + 40
    while await locked_waiters(store.engine) < 2:
        assert time.monotonic() < deadline and first.proc.returncode is None, first.log()
        await asyncio.sleep(0.1)
    subs.set_active(store.engine, "telegram", tg[700], "iuran", False)       # opt-outs while it runs
    subs.set_active(store.engine, "whatsapp", wa[700], "iuran", False)
    sent_before = (sum(tg_counts(fake_tg).values()), len(fake_graph.sent))
    await first.kill()
    tx.rollback()
    blocker.close()
    assert 300 <= sent_before[0] <= 400 and 300 <= sent_before[1] <= 400, sent_before

    rt2 = await open_runtime(core, store)
    rt2.jobs.stalled_after = 2.0
    async with rt2.app.open_async():
        worker = await run_worker(rt2, "w2")
        try:
            deadline = time.monotonic() + 50
            while store.get_broadcast(bc.id).status != "done":
                assert time.monotonic() < deadline, store.broadcast_counts(bc.id)
                await rt2.jobs.sweep()          # the periodic sweep's work, on a faster clock
                await asyncio.sleep(1.0)
        finally:
            await stop(worker)
    await rt2.close()

    tgc, wac = tg_counts(fake_tg), wa_counts(fake_graph)
    assert max(tgc.values()) == 1 and max(wac.values()) == 1                 # nobody twice
    assert set(tgc) == {int(k) for k in tg} - {int(tg[0]), int(tg[700])}     # nobody skipped but these
    assert set(wac) == set(wa) - {wa[0], wa[700]}
    calls = [c for c in fake_tg.calls if c.method == "sendMessage"]
    assert calls[0].error.startswith("Too Many Requests") and calls[1].params["chat_id"] == int(tg[0])
    assert calls[1].at - calls[0].at >= 1.0                                   # retry_after honoured
    templates = {s.to for s in fake_graph.sent if s.type == "template"}
    assert templates == (set(wa) - open_window) - {wa[0], wa[700]}           # closed window: the template
    assert [b["to"] for b, code in fake_graph.refused] == [wa[9]] and fake_graph.refused[0][1] == 131047
    assert store.broadcast_counts(bc.id) == {"queued": 0, "sent": 1996, "delivered": 0, "read": 0, "failed": 2,
                                             "unsubscribed": 2}
    with store.engine.connect() as conn:                                     # the auto-unsubscribe hook ran
        gone = conn.execute(text("SELECT channel, key FROM test_subscribers WHERE unsubscribe_reason IS NOT NULL "
                                 "ORDER BY channel")).all()
        ids = conn.execute(text("SELECT count(*) FROM broadcast_recipients WHERE state = 'sent' "
                                "AND platform_message_id IS NOT NULL")).scalar_one()
    assert [tuple(g) for g in gone] == [("telegram", tg[0]), ("whatsapp", wa[0])]
    assert ids == 1996
    wamid = next(s.wamid for s in fake_graph.sent if s.to == wa[1])
    assert store.record_broadcast_status("whatsapp", wamid, "read")
    assert not store.record_broadcast_status("whatsapp", wamid, "delivered")   # statuses only move forward
    assert store.broadcast_counts(bc.id)["read"] == 1
    store.dispose()


async def test_pause_stops_sending_and_resume_finishes_without_repeats(db, fake_tg, tmp_path):
    core = use_settings(**outreach_env(tmp_path, db, fake_tg, None, BROADCAST_TELEGRAM_RATE="20/1"))
    store = Store(db)
    subs.create(store.engine, [("telegram", str(3000 + i), "iuran", True) for i in range(60)])
    rt = await open_runtime(core, store)
    try:
        async with rt.app.open_async():
            bc, _ = await rt.outreach.queue(BroadcastMessage.parse(TEXT), "iuran", "staff:test", jobs=rt.jobs.specs())
            worker = await run_worker(rt, "w1")
            try:
                await fake_tg.wait_for(lambda f: len(f.successful("sendMessage")) >= 5)
                store.set_broadcast_status(bc.id, "paused", "staff:ana")
                await asyncio.sleep(2.0)                  # the batch notices within STATUS_EVERY rows
                at_pause = len(fake_tg.successful("sendMessage"))
                await asyncio.sleep(1.5)
                assert len(fake_tg.successful("sendMessage")) == at_pause < 60     # nothing while paused
                counts = store.broadcast_counts(bc.id)
                assert counts["sent"] == at_pause and counts["queued"] == 60 - at_pause
                store.set_broadcast_status(bc.id, "running", "staff:ana")
                assert await rt.jobs.resume(bc.id, ["telegram"]) == 1
                await wait_done(store, bc.id)
            finally:
                await stop(worker)
    finally:
        await rt.close()
    assert tg_counts(fake_tg) == {3000 + i: 1 for i in range(60)}
    times = sorted(c.at for c in fake_tg.successful("sendMessage"))
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert 10 <= busiest <= 21            # BROADCAST_TELEGRAM_RATE=20/1, evenly: no burst when a job starts
    store.dispose()
