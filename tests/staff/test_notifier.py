"""The notifier posts every new lead to the staff group exactly once: while the Bot API is down it waits,
a notifier that was down catches up, a restart (also after SIGKILL) posts nothing again; the daily
reminder of untouched leads is posted once a day."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from lingkar.store import Store
from tests.telegram.fake_bot_api import TOKEN

from .fixtures import ADMIN, STAFF, STAFF_CHAT, RecordingBotAPI, drain_outbox, free_port, lead_kwargs

ROOT = Path(__file__).resolve().parents[2]


def settings(api_url: str, **over) -> StaffSettings:
    s = StaffSettings(token=TOKEN, api_url=api_url, staff_chat_id=STAFF_CHAT, consumer="notifier-t", interval=0.05,
                      lease=60)
    for k, v in over.items():
        setattr(s, k, v)
    return s


def posted_leads(api) -> List[int]:
    """Lead ids of the cards posted to the staff group, in order."""
    out = []
    for c in api.successful("sendMessage", STAFF_CHAT):
        m = re.match(r"🆕 Lead #(\d+)", c.result["text"])
        if m:
            out.append(int(m.group(1)))
    return out


async def test_bot_api_errors_release_the_event_and_it_is_posted_later(store, staff, fake_tg):
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        lead = store.upsert_lead(**lead_kwargs()).lead
        fake_tg.fail("sendMessage", 502, "Bad Gateway")
        assert await n.step() is False
        assert posted_leads(fake_tg) == [] and store.outbox_pending() == 1 and n.backoff >= 1
        fake_tg.fail("sendMessage", 429, "Too Many Requests: retry after 3", {"retry_after": 3})
        assert await n.step() is False and n.backoff >= 3
        assert await n.step() is False  # the event waits for nobody: it is free again at once
        assert posted_leads(fake_tg) == [lead.id] and store.outbox_pending() == 0
        await n.step()
        assert posted_leads(fake_tg) == [lead.id]
    finally:
        await n.close()


async def test_notifier_started_while_the_bot_api_is_down_posts_when_it_returns(store, staff):
    port = free_port()
    lead = store.upsert_lead(**lead_kwargs()).lead
    n = Notifier(store, settings(f"http://127.0.0.1:{port}/bot"))
    stop = asyncio.Event()
    task = asyncio.create_task(n.run(stop))
    try:
        await asyncio.sleep(0.5)   # the notifier is trying to reach the Bot API meanwhile
        assert not task.done() and store.outbox_pending() == 1
        api = await RecordingBotAPI(port).start()
        try:
            await api.wait_for(lambda a: posted_leads(a) == [lead.id], timeout=30)
            second = store.upsert_lead(**lead_kwargs()).lead
            await api.wait_for(lambda a: posted_leads(a) == [lead.id, second.id], timeout=30)
            # the Bot API goes away again: the next lead waits, nothing is lost
            await api.stop()
            third = store.upsert_lead(**lead_kwargs()).lead
            await asyncio.sleep(0.5)
            assert store.outbox_pending() == 1
            api2 = await RecordingBotAPI(port).start()
            try:
                await api2.wait_for(lambda a: posted_leads(a) == [third.id], timeout=60)
            finally:
                await api2.stop()
        finally:
            if api.runner is not None:
                await api.stop()
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert store.outbox_pending() == 0


class NotifierProcess:
    """``python -m bot.staff notifier`` as a child process."""

    def __init__(self, env: Dict[str, str]):
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc: asyncio.subprocess.Process | None = None
        self.lines: List[str] = []
        self._reader: asyncio.Task | None = None

    async def start(self) -> NotifierProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.staff", "notifier", cwd=str(ROOT), env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip())

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await self._reader
        return self.proc.returncode


async def wait_acked(store: Store, timeout: float = 30.0) -> None:
    """Until every outbox event is acked (an ack follows Telegram's answer by a few milliseconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while store.outbox_pending():
        assert loop.time() < deadline, "outbox events were not acked"
        await asyncio.sleep(0.05)


async def test_restarts_and_kill_never_post_twice(db_url, fake_tg):
    store = Store(db_url)
    store.ensure_admin(ADMIN)
    env = {"DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake_tg.base,
           "STAFF_CHAT_ID": str(STAFF_CHAT), "NOTIFIER_INTERVAL": "0.1", "NOTIFIER_CONSUMER": "notifier-proc",
           "STAFF_REMINDER_HOUR": "23", "LOG_LEVEL": "INFO"}
    procs: List[NotifierProcess] = []
    try:
        # a lead made while no notifier runs is posted when one starts
        first = store.upsert_lead(**lead_kwargs(name="Nama Rahasia", phone="081234567890")).lead
        procs.append(await NotifierProcess(env).start())
        await fake_tg.wait_for(lambda a: posted_leads(a) == [first.id], timeout=60)
        await procs[-1].stop(signal.SIGTERM)
        # restart: nothing again; the next lead is posted (events go in order, so a repeat would come first)
        second = store.upsert_lead(**lead_kwargs()).lead
        procs.append(await NotifierProcess(env).start())
        await fake_tg.wait_for(lambda a: posted_leads(a) == [first.id, second.id], timeout=60)
        await wait_acked(store)
        # killed hard after its last ack: still nothing twice
        await procs[-1].stop(signal.SIGKILL)
        third = store.upsert_lead(**lead_kwargs()).lead
        procs.append(await NotifierProcess(env).start())
        await fake_tg.wait_for(lambda a: len(posted_leads(a)) >= 3, timeout=60)
        assert posted_leads(fake_tg) == [first.id, second.id, third.id]
        await wait_acked(store)
    finally:
        for p in procs:
            await p.stop()
        store.dispose()
    log = "\n".join(line for p in procs for line in p.lines)
    assert "staff notifier running" in log
    assert "Nama Rahasia" not in log and "081234567890" not in log and TOKEN not in log


# ------------------------------------------------------------------------------------------ the reminder
async def test_daily_reminder_of_untouched_leads_once_a_day(store, staff, fake_tg, clock):
    stale = store.upsert_lead(**lead_kwargs(name="Lama Sekali")).lead
    touched = store.upsert_lead(**lead_kwargs(name="Sudah Diurus")).lead
    closed = store.upsert_lead(**lead_kwargs(name="Sudah Selesai")).lead
    clock.advance(hours=47)
    store.claim_lead(touched.id, f"telegram:{STAFF}")           # a claim touches the lead
    store.set_lead_status(closed.id, "not_interested", f"telegram:{STAFF}")
    clock.advance(hours=2)                                     # 49 h after creation; 11:00 WITA
    drain_outbox(store)
    a = Notifier(store, settings(fake_tg.base, consumer="a"))
    b = Notifier(store, settings(fake_tg.base, consumer="b"))   # a second notifier process
    await a.start()
    await b.start()
    try:
        assert await a.remind_if_due() is True
        assert await a.remind_if_due() is False and await b.remind_if_due() is False
        (msg,) = fake_tg.texts(STAFF_CHAT)
        assert msg.startswith("⏰ 1 lead belum disentuh lebih dari 48 jam")
        assert f"#{stale.id}" in msg and "Lama Sekali" in msg
        assert f"#{touched.id}" not in msg and f"#{closed.id}" not in msg
        # the next morning: not before 08:00 WITA, then once
        local = clock().astimezone(dt.timezone(dt.timedelta(hours=8)))
        clock.advance(hours=(24 - local.hour) + 7, minutes=-local.minute)  # 07:00 WITA next day
        assert await b.remind_if_due() is False
        clock.advance(hours=1)                                    # 08:00
        fake_tg.fail("sendMessage", 502, "Bad Gateway")           # Telegram hiccups: b keeps the reminder
        assert await b.remind_if_due() is False
        assert await a.remind_if_due() is False                   # ... and a does not take it over
        assert await b.remind_if_due() is True
        assert len(fake_tg.texts(STAFF_CHAT)) == 2
    finally:
        await a.close()
        await b.close()


async def test_no_reminder_without_untouched_leads(store, staff, fake_tg, clock):
    store.upsert_lead(**lead_kwargs())
    drain_outbox(store)
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        assert await n.remind_if_due() is True  # the day's turn is used, nothing to say
        assert fake_tg.texts(STAFF_CHAT) == []
    finally:
        await n.close()


@pytest.mark.parametrize("hour", [7])
async def test_reminder_waits_for_the_configured_hour(store, staff, fake_tg, clock, hour):
    store.upsert_lead(**lead_kwargs())
    clock.advance(hours=49)  # 11:00 WITA two days later
    n = Notifier(store, settings(fake_tg.base, reminder_hour=12))
    await n.start()
    try:
        assert await n.remind_if_due() is False
        clock.advance(hours=1)
        assert await n.remind_if_due() is True and len(fake_tg.texts(STAFF_CHAT)) == 1
    finally:
        await n.close()


async def test_notifier_stops_cleanly_while_the_bot_api_is_unreachable(store, staff):
    n = Notifier(store, settings(f"http://127.0.0.1:{free_port()}/bot"))
    stop = asyncio.Event()
    task = asyncio.create_task(n.run(stop))
    await asyncio.sleep(0.3)
    assert not task.done()
    stop.set()
    await asyncio.wait_for(task, 30)  # returns instead of retrying getMe forever
    assert task.exception() is None
