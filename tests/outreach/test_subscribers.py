"""The default audience: the subscriptions in the lead store (BROADCAST_AUDIENCE unset). On the real PostgreSQL with
the fake Bot API and Graph API: only active subscribers of the topic get the broadcast, each once, with exact
filters and the "checked eligibility but no lead" filter; someone who says "berhenti" after it was queued is
skipped; a contact who blocked the bot is unsubscribed in the subscriptions (every topic, an auto_unsubscribe)."""
from __future__ import annotations

import collections

from bot.outreach.audience import chosen, subscribers
from bot.outreach.message import BroadcastMessage
from bot.outreach.runtime import open_runtime
from lingkar.store import Store
from tests.conftest import use_settings

from .conftest import outreach_env
from .test_broadcast import BUTTONS, EXPECTED, TEXT, run_worker, stop, tg_counts, wait_done

CONSENT = "langganan-2026-11"


def subscribe(store: Store, sender_id: str, topic: str = "info", **attrs) -> None:
    store.subscribe(sender_id, sender_id.partition(":")[0], topic, consent_version=CONSENT, **attrs)


def test_default_audience_reads_the_subscriptions(db):
    store = Store(db)
    subscribe(store, "telegram:101", regency="Kota Kendari", sector="perikanan", agent_code="AB12")
    subscribe(store, "telegram:102", regency="Kabupaten Kolaka")
    subscribe(store, "whatsapp:6281200000001", regency="Kota Kendari")
    subscribe(store, "telegram:103")
    store.unsubscribe("telegram:103", reason="berhenti")                     # said berhenti
    subscribe(store, "telegram:104", "pengingat")                            # another topic only
    audience = subscribers(store)
    everyone = {(c, k) for c, k, _ in audience.recipients("info", {})}
    assert everyone == {("telegram", "101"), ("telegram", "102"), ("whatsapp", "6281200000001")}
    assert {k for _, k, _ in audience.recipients("info", {"regency": "kota kendari"})} == {"101", "6281200000001"}
    assert {k for _, k, _ in audience.recipients("info", {"channel": "whatsapp"})} == {"6281200000001"}
    assert {k for _, k, _ in audience.recipients("info", {"sector": "Perikanan", "agent": "ab12"})} == {"101"}
    assert "info" in audience.topics and audience.is_subscribed("telegram", "101", "info")
    assert not audience.is_subscribed("telegram", "103", "info")
    assert not audience.is_subscribed("telegram", "104", "info")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:102")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:103")   # not a subscriber
    assert [k for _, k, _ in chosen(store, audience, "info", {"lead": "checked_no_lead"})] == ["102"]
    audience.unsubscribe("telegram", "101", "forbidden: the person blocked the bot")
    assert not store.is_subscribed("telegram:101")
    assert store.subscription_history("telegram:101")[-1].kind == "auto_unsubscribe"
    store.dispose()


async def test_broadcast_to_subscribers_berhenti_and_blocked(db, fake_tg, fake_graph, tmp_path):
    env = outreach_env(tmp_path, db, fake_tg, fake_graph)
    del env["BROADCAST_AUDIENCE"]                                            # the default: the subscriptions
    core = use_settings(**env)
    store = Store(db)
    tg = [str(8000 + i) for i in range(6)]
    for k in tg:
        subscribe(store, f"telegram:{k}")
    subscribe(store, "whatsapp:6281200000009")
    subscribe(store, "telegram:8100", "pengingat")                           # not this topic
    subscribe(store, "telegram:8101")
    store.unsubscribe("telegram:8101")                                       # stopped before
    rt = await open_runtime(core, store)
    try:
        assert rt.outreach is not None and set(rt.outreach.senders) == {"telegram", "whatsapp"}
        async with rt.app.open_async():
            bc, _ = await rt.outreach.queue(BroadcastMessage.parse(TEXT, BUTTONS), "info", "staff:test",
                                            jobs=rt.jobs.specs())
            assert bc.total == 7
            store.unsubscribe(f"telegram:{tg[3]}", reason="berhenti")        # says berhenti while it waits
            fake_tg.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")   # the first one blocked us
            worker = await run_worker(rt, "subs")
            try:
                await wait_done(store, bc.id)
            finally:
                await stop(worker)
    finally:
        await rt.close()
    counts = store.broadcast_counts(bc.id)
    assert counts == {"queued": 0, "sent": 5, "delivered": 0, "read": 0, "failed": 1, "unsubscribed": 1}
    got = tg_counts(fake_tg)
    assert set(got) <= {int(k) for k in tg} and all(n == 1 for n in got.values())
    assert int(tg[3]) not in got and 8100 not in got and 8101 not in got
    assert [s.to for s in fake_graph.sent] == ["6281200000009"]
    blocked = [k for k in tg if k != tg[3] and int(k) not in got]
    assert len(blocked) == 1 and not store.is_subscribed(f"telegram:{blocked[0]}")
    assert store.subscription_history(f"telegram:{blocked[0]}")[-1].kind == "auto_unsubscribe"
    assert fake_tg.successful("sendMessage")[0].params["text"] == EXPECTED
    assert collections.Counter(r for r in got.values()) == {1: 4}
    store.dispose()
