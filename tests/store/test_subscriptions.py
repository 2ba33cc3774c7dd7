"""Subscriptions on SQLite and PostgreSQL: consent-only audiences, exact filters, keyset batches whose rows equal
the count, "berhenti" ends every topic, automatic unsubscribes, every change logged, "data saya" / "hapus data saya"
and the Pemda counts."""
from __future__ import annotations

import pytest

from lingkar.store import MAX_DELIVERY_FAILURES, SUBSCRIPTION_TOPICS

KENDARI, KOLAKA = "Kota Kendari", "Kabupaten Kolaka"


def _sub(store, n, topic="info", channel="telegram", regency=KENDARI, sector="perikanan", agent=None):
    return store.subscribe(f"{channel}:{n}", channel, topic, consent_version="v1", regency=regency, sector=sector,
                           agent_code=agent)


def _everyone(store, topic, **filters):
    return [s.sender_id for batch in store.audience(topic, **filters) for s in batch]


def test_subscribe_is_idempotent_and_logged(store, clock):
    assert SUBSCRIPTION_TOPICS == ("info", "pengingat")
    first = _sub(store, 1)
    assert (first.active, first.topic, first.channel, first.regency, first.consent_version) == \
        (True, "info", "telegram", KENDARI, "v1")
    clock.advance(minutes=5)
    again = _sub(store, 1, sector="pertanian")  # already active: the same row, attribution updated, no new event
    assert again.id == first.id and again.since == first.since and again.sector == "pertanian"
    assert [(e.kind, e.topic, e.reason, e.channel) for e in store.subscription_history("telegram:1")] == \
        [("subscribe", "info", "consent", "telegram")]
    assert store.is_subscribed("telegram:1") and not store.is_subscribed("telegram:1", "pengingat")
    with pytest.raises(ValueError):
        store.subscribe("telegram:1", "telegram", "promo", consent_version="v1")
    with pytest.raises(ValueError):
        store.subscribe("telegram:1", "telegram", "info", consent_version="")


def test_berhenti_ends_every_topic_and_nobody_unsubscribed_is_in_an_audience(store, clock):
    _sub(store, 1), _sub(store, 1, "pengingat"), _sub(store, 2), _sub(store, 3, "pengingat")
    clock.advance(minutes=1)
    assert store.unsubscribe("telegram:1", reason="berhenti") == ["info", "pengingat"]
    assert store.unsubscribe("telegram:1") == []  # nothing active: no change, no event
    assert _everyone(store, "info") == ["telegram:2"]
    assert _everyone(store, "pengingat") == ["telegram:3"]
    rows = {s.topic: s for s in store.subscriptions_of("telegram:1")}
    assert not rows["info"].active and rows["info"].ended_at == clock() and not rows["pengingat"].active
    kinds = [(e.kind, e.topic, e.reason) for e in store.subscription_history("telegram:1")]
    assert kinds == [("subscribe", "info", "consent"), ("subscribe", "pengingat", "consent"),
                     ("unsubscribe", "info", "berhenti"), ("unsubscribe", "pengingat", "berhenti")]
    # one topic only, then subscribing again starts afresh
    assert store.unsubscribe("telegram:3", "info") == []
    assert store.unsubscribe("telegram:3", "pengingat", reason="button") == ["pengingat"]
    clock.advance(minutes=1)
    back = _sub(store, 1)
    assert back.active and back.since == clock() and back.ended_at is None
    assert _everyone(store, "info") == ["telegram:1", "telegram:2"]


def test_audience_filters_are_exact_and_batches_equal_the_count(store):
    # 23 Kendari telegram fishers, 4 Kolaka WhatsApp farmers via agent AG1, 3 who subscribed to pengingat only,
    # 5 who stopped, 1 without a regency
    for n in range(23):
        _sub(store, n)
    for n in range(100, 104):
        _sub(store, n, channel="whatsapp", regency=KOLAKA, sector="pertanian", agent="ag1")
    for n in range(200, 203):
        _sub(store, n, "pengingat")
    for n in range(300, 305):
        _sub(store, n)
        store.unsubscribe(f"telegram:{n}")
    _sub(store, 400, regency=None, sector=None)
    cases = [
        ({}, 28), ({"channel": "telegram"}, 24), ({"channel": "whatsapp"}, 4), ({"regency": KENDARI}, 23),
        ({"regency": "kota kendari"}, 23), ({"regency": "Kendari"}, 0), ({"regency": KOLAKA, "sector": "pertanian"}, 4),
        ({"regency": KOLAKA, "channel": "telegram"}, 0), ({"agent_code": "AG1"}, 4), ({"agent_code": "AG"}, 0),
        ({"sector": "perikanan"}, 23),
    ]
    for filters, expected in cases:
        for size in (1, 5, 23, 500):
            batches = list(store.audience("info", batch_size=size, **filters))
            ids = [s.id for b in batches for s in b]
            assert len(ids) == len(set(ids)) == store.audience_count("info", **filters) == expected, (filters, size)
            assert ids == sorted(ids) and all(0 < len(b) <= size for b in batches)
            assert all(s.active and s.topic == "info" for b in batches for s in b)
    stopped = {f"telegram:{n}" for n in range(300, 305)}
    assert not stopped & set(_everyone(store, "info")) and not stopped & set(_everyone(store, "pengingat"))
    assert store.audience_count("pengingat") == 3
    with pytest.raises(ValueError):
        store.audience_count("semua")
    with pytest.raises(ValueError):
        next(store.audience("info", batch_size=0))


def test_someone_who_stops_during_a_broadcast_is_not_in_the_later_batches(store):
    for n in range(10):
        _sub(store, n)
    batches = store.audience("info", batch_size=3)
    seen = [s.sender_id for s in next(batches)]
    store.unsubscribe("telegram:7")
    seen += [s.sender_id for b in batches for s in b]
    assert seen == [f"telegram:{n}" for n in range(10) if n != 7]


def test_blocked_and_repeated_failures_unsubscribe_automatically(store):
    _sub(store, 1), _sub(store, 1, "pengingat"), _sub(store, 2)
    assert store.delivery_failed("telegram:1", "blocked", permanent=True) == ["info", "pengingat"]
    assert [(e.kind, e.reason) for e in store.subscription_history("telegram:1")][-2:] == \
        [("auto_unsubscribe", "blocked"), ("auto_unsubscribe", "blocked")]
    for _ in range(MAX_DELIVERY_FAILURES - 1):
        assert store.delivery_failed("telegram:2", "network") == []
    store.delivery_succeeded("telegram:2")  # a success in between: the count starts again
    for _ in range(MAX_DELIVERY_FAILURES - 1):
        assert store.delivery_failed("telegram:2", "network") == []
    assert store.is_subscribed("telegram:2")
    assert store.delivery_failed("telegram:2", "network") == ["info"]
    assert [(e.kind, e.reason) for e in store.subscription_history("telegram:2")][-1] == ("auto_unsubscribe",
                                                                                          "failures")
    assert store.audience_count("info") == 0 and store.audience_count("pengingat") == 0
    assert store.delivery_failed("telegram:9", "blocked", permanent=True) == []  # never subscribed: nothing


def test_data_saya_and_hapus_data_saya(store):
    _sub(store, 1), _sub(store, 1, "pengingat"), _sub(store, 2)
    store.record_event("chat_started", channel="telegram", sender_id="telegram:1")
    mine = store.data_for_sender("telegram:1")["subscriptions"]
    assert [(s["topic"], s["active"]) for s in mine] == [("info", True), ("pengingat", True)]
    assert store.data_for_sender("telegram:3")["subscriptions"] == []
    counts = store.delete_sender_data("telegram:1")
    assert counts["subscriptions"] == 2
    assert store.subscriptions_of("telegram:1") == [] and store.subscription_history("telegram:1") == []
    assert _everyone(store, "info") == ["telegram:2"] and store.audience_count("pengingat") == 0
    with store.engine.connect() as conn:
        from sqlalchemy import text
        rows = conn.execute(text("SELECT kind, reason, subject FROM subscription_events ORDER BY id")).all()
        metric_subjects = {r[0] for r in conn.execute(text("SELECT subject FROM metric_events"))}
    gone = [r for r in rows if r.kind == "unsubscribe"]
    assert [r.reason for r in gone] == ["data_deleted", "data_deleted"]
    # the changes stay counted, linked to the same random subject as the person's metric events, not to them
    assert len({r.subject for r in rows[:2] + gone}) == 1 and rows[0].subject in metric_subjects


def test_pemda_counts_active_subscribers_per_topic(store):
    for n in range(6):
        _sub(store, n)
    _sub(store, 10, "pengingat"), _sub(store, 11, regency=KOLAKA)
    store.unsubscribe("telegram:0")
    assert store.subscribers_in(KENDARI) == {"info": 5, "pengingat": 1}
    assert store.subscribers_in("kabupaten kolaka") == {"info": 1, "pengingat": 0}
    assert store.subscribers_in("Kabupaten Muna") == {"info": 0, "pengingat": 0}


def test_retention_deletes_ended_subscriptions_only(store, clock):
    _sub(store, 1), _sub(store, 2), _sub(store, 3, "pengingat")
    store.unsubscribe("telegram:1")
    clock.advance(days=400)
    store.unsubscribe("telegram:3")  # ended recently: kept for now
    counts = store.prune_retention(days=365)
    assert counts["subscriptions"] == 1
    assert store.subscriptions_of("telegram:1") == [] and store.is_subscribed("telegram:2")
    assert [s.active for s in store.subscriptions_of("telegram:3")] == [False]
    assert [e.kind for e in store.subscription_history("telegram:1")] == ["subscribe", "unsubscribe"]  # the log stays
