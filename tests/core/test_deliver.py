"""A planned reply sent through the core's dispatcher: a crash mid-reply resumes without sending anything twice."""
from __future__ import annotations

import asyncio

from bot.core.channel import deliver
from bot.core.dispatcher import Dispatcher, Turn
from bot.core.inbox import Entry, SQLiteInbox
from bot.core.plan import Limits, Reply, plan_reply


async def test_a_rerun_after_a_crash_sends_only_the_rest(tmp_path):
    store = SQLiteInbox(tmp_path / "whatsapp.db")
    await store.open()
    sent = []
    crash = {"at": 1}
    plans = []

    async def send(msg):
        if crash["at"] == len(sent):
            crash["at"] = None
            raise ConnectionError("network down after the first message")
        sent.append(msg.text)
        return f"wamid.out{len(sent)}"

    async def process(entry: Entry, turn: Turn) -> bool:
        async def compute():
            plans.append(1)
            return plan_reply([{"text": "satu"}, {"custom": {"text": "dua"}}, {"custom": {"text": "tiga"}}],
                              Limits()).to_json()

        reply = Reply.from_json(await turn.once("plan", compute))
        try:
            await deliver(reply, send)
        except ConnectionError:
            return False
        return True

    async def give_up(entry, turn):
        raise AssertionError("not expected")

    assert await store.put_keyed("wamid.in1", "w628", {"text": "halo"})
    d = Dispatcher(store, process, give_up)
    import bot.core.dispatcher as dispatcher
    old, dispatcher.RETRY_BASE = dispatcher.RETRY_BASE, 0.01
    try:
        d.start()
        for _ in range(200):
            if d.processed:
                break
            await asyncio.sleep(0.02)
        await d.stop(1)
    finally:
        dispatcher.RETRY_BASE = old
    assert sent == ["satu", "dua", "tiga"]          # "satu" once, though the turn ran twice
    assert plans == [1]                             # Rasa's reply planned once
    assert await store.fetch(10, block=0) == []     # acknowledged
    await store.close()
