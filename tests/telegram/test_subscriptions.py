"""Automatic unsubscribes on Telegram, against the fake Bot API and a real lead store (SQLite and PostgreSQL): a
person who blocked the bot (403 Forbidden) loses every subscription at once; "chat not found" is counted and repeated
failures end them; a delivered message after a failure starts the count again; other people are untouched."""
from __future__ import annotations

import pytest
from telegram.error import BadRequest

from bot.core.delivery import DeliveryReporter
from lingkar.store import MAX_DELIVERY_FAILURES
from tests.conftest import eventually

BLOCKER, OTHER, LOST = 7001, 7002, 7003


def _subscribe(store, uid):
    for topic in ("info", "pengingat"):
        store.subscribe(f"telegram:{uid}", "telegram", topic, consent_version="v1")


async def test_a_person_who_blocked_the_bot_is_unsubscribed(fake_tg, fake_rasa, start_adapter, any_store):
    store = any_store
    adapter = await start_adapter()
    adapter.deliveries = DeliveryReporter("telegram", lambda: store)
    _subscribe(store, BLOCKER), _subscribe(store, OTHER)
    fake_tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await fake_tg.push(fake_tg.text(BLOCKER, "halo"))
    await eventually(lambda: not store.is_subscribed(f"telegram:{BLOCKER}"))
    history = store.subscription_history(f"telegram:{BLOCKER}")
    assert [(e.kind, e.reason, e.channel) for e in history[-2:]] == [("auto_unsubscribe", "blocked", "telegram")] * 2
    await fake_tg.push(fake_tg.text(OTHER, "halo"))
    assert await fake_tg.wait_texts(OTHER, 1) == ["Kamu bilang: halo"]
    assert store.is_subscribed(f"telegram:{OTHER}")
    assert [s.sender_id for b in store.audience("info") for s in b] == [f"telegram:{OTHER}"]


async def test_chat_not_found_is_counted_and_a_delivery_resets_the_count(fake_tg, fake_rasa, start_adapter, any_store):
    store = any_store
    adapter = await start_adapter()
    adapter.deliveries = DeliveryReporter("telegram", lambda: store)
    _subscribe(store, LOST)
    sender = f"telegram:{LOST}"
    for n in range(MAX_DELIVERY_FAILURES - 1):
        with pytest.raises(BadRequest):
            fake_tg.fail("sendMessage", 400, "Bad Request: chat not found")
            await adapter.send_text(LOST, f"kabar {n}")
    assert store.subscriptions_of(sender)[0].failures == MAX_DELIVERY_FAILURES - 1
    await adapter.send_text(LOST, "kabar ok")  # delivered: the count starts again
    assert store.subscriptions_of(sender)[0].failures == 0 and store.is_subscribed(sender)
    for n in range(MAX_DELIVERY_FAILURES):
        with pytest.raises(BadRequest):
            fake_tg.fail("sendMessage", 400, "Bad Request: chat not found")
            await adapter.send_text(LOST, f"kabar lagi {n}")
    assert not store.is_subscribed(sender)
    assert [(e.kind, e.reason) for e in store.subscription_history(sender)][-1] == ("auto_unsubscribe", "failures")
