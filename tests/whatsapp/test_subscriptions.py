"""Automatic unsubscribes on WhatsApp, against the fake Graph API and a real lead store (SQLite and PostgreSQL): an
undeliverable number (a "failed" status or the API's answer with an unreachable code) ends every subscription at
once; repeated failed deliveries end them too, a delivery in between starts the count again; a closed 24-hour window
or a body the API refuses is not the contact's failure."""
from __future__ import annotations

from bot.core.delivery import DeliveryReporter
from bot.whatsapp.render import text_body
from lingkar.store import MAX_DELIVERY_FAILURES
from tests.conftest import eventually

from .conftest import settle

WA, OTHER, THIRD = "6281200000101", "6281200000102", "6281200000103"


def _subscribe(store, wa_id):
    for topic in ("info", "pengingat"):
        store.subscribe(f"whatsapp:{wa_id}", "whatsapp", topic, consent_version="v1")


async def test_undeliverable_numbers_are_unsubscribed_automatically(start_wa, fake_graph, any_store):
    store = any_store
    wa = await start_wa()
    wa.deliveries = DeliveryReporter("whatsapp", lambda: store)
    for n in (WA, OTHER, THIRD):
        _subscribe(store, n)
    # accepted, then a "failed" status with 131026 (not on WhatsApp / blocked us)
    fake_graph.unreachable[WA] = 131026
    await fake_graph.deliver(fake_graph.text(WA, "halo"))
    await eventually(lambda: not store.is_subscribed(f"whatsapp:{WA}"))
    assert [(e.kind, e.topic, e.reason, e.channel) for e in store.subscription_history(f"whatsapp:{WA}")][-2:] == [
        ("auto_unsubscribe", "info", "whatsapp_131026", "whatsapp"),
        ("auto_unsubscribe", "pengingat", "whatsapp_131026", "whatsapp")]
    # refused at once with 131050 (the person stopped our messages): the same
    fake_graph.fail_next((400, 131050), (400, 131050))     # the mark-as-read call, then the answer
    await fake_graph.deliver(fake_graph.text(OTHER, "halo"))
    await settle(wa)
    await eventually(lambda: not store.is_subscribed(f"whatsapp:{OTHER}"))
    # the third person got their answer: still subscribed, and nobody unsubscribed is in an audience
    assert store.is_subscribed(f"whatsapp:{THIRD}")
    assert [s.sender_id for b in store.audience("info") for s in b] == [f"whatsapp:{THIRD}"]


async def test_repeated_failed_deliveries_unsubscribe_and_a_success_resets_the_count(start_wa, fake_graph, any_store):
    store = any_store
    wa = await start_wa()
    wa.deliveries = DeliveryReporter("whatsapp", lambda: store)
    _subscribe(store, WA)
    sender = f"whatsapp:{WA}"
    await fake_graph.deliver(fake_graph.text(WA, "halo"))  # the person writes: the 24-hour window opens
    await settle(wa)

    async def failed_delivery(n):
        result = await wa.deliver(WA, text_body(WA, f"kabar {n}"), f"t:{n}")
        assert result["status"] == "sent"
        await fake_graph.deliver(fake_graph.status(result["wamid"], WA, "failed", code=131049))

    for n in range(MAX_DELIVERY_FAILURES - 1):
        await failed_delivery(n)
    await eventually(lambda: store.subscriptions_of(sender)[0].failures == MAX_DELIVERY_FAILURES - 1)
    ok = await wa.deliver(WA, text_body(WA, "kabar ok"), "t:ok")   # delivered: the count starts again
    await fake_graph.deliver(fake_graph.status(ok["wamid"], WA, "delivered"))
    await eventually(lambda: store.subscriptions_of(sender)[0].failures == 0)
    # a closed window and a refused body are not the contact's failures
    await fake_graph.deliver(fake_graph.status(ok["wamid"], WA, "failed", code=131047))
    fake_graph.fail_next((400, 131009))
    assert (await wa.deliver(WA, text_body(WA, "x"), "t:bad"))["status"] == "refused"
    for n in range(MAX_DELIVERY_FAILURES - 1):
        await failed_delivery(10 + n)
    await eventually(lambda: store.subscriptions_of(sender)[0].failures == MAX_DELIVERY_FAILURES - 1)
    assert store.is_subscribed(sender)
    await failed_delivery(99)
    await eventually(lambda: not store.is_subscribed(sender))
    assert store.subscription_history(sender)[-1].reason == "failures"
    assert store.subscription_history(sender)[-1].kind == "auto_unsubscribe"


async def test_delivery_and_read_receipts_move_a_broadcasts_counts(start_wa, fake_graph, any_store):
    """Issue 15: a broadcast's message delivered, then read (WhatsApp's statuses) shows on its counts; a status of a
    message that no broadcast sent changes nothing, and a failing store never fails the intake."""
    store = any_store
    wa = await start_wa()
    wa.lead_store = lambda: store
    bc, _ = store.create_broadcast(text="Halo {contact.call_centre}", topic="info", created_by="staff:ana",
                                   recipients=[("whatsapp", WA, {})])
    [row] = store.claim_recipients(bc.id, "whatsapp", "w1")
    assert store.mark_recipient_sent(row.id, "w1", "wamid.BC1")
    await fake_graph.deliver(fake_graph.status("wamid.BC1", WA, "delivered"))
    await eventually(lambda: store.broadcast_counts(bc.id)["delivered"] == 1)
    await fake_graph.deliver(fake_graph.status("wamid.BC1", WA, "read"))
    await eventually(lambda: store.broadcast_counts(bc.id)["read"] == 1)
    assert store.broadcast_counts(bc.id)["delivered"] == 0          # read is past delivered: counted once
    await fake_graph.deliver(fake_graph.status("wamid.OTHER", WA, "delivered"))

    def broken():
        raise RuntimeError("database down")

    wa.lead_store = broken
    await fake_graph.deliver(fake_graph.status("wamid.BC1", WA, "delivered"))
    await fake_graph.deliver(fake_graph.text(WA, "halo"))           # the intake goes on
    await settle(wa)
    assert store.broadcast_counts(bc.id) == {"queued": 0, "sent": 0, "delivered": 0, "read": 1, "failed": 0,
                                             "unsubscribed": 0}
