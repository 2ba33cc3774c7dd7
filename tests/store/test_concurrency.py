"""Races: concurrent upserts of one person, and consumers racing for the outbox, in threads and processes."""
from __future__ import annotations

import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from lingkar.store import Store
from lingkar.store.models import leads, outbox
from tests.store import _workers

N_THREADS = 8


def _counts(url: str):
    s = Store(url)
    try:
        with s.engine.connect() as conn:
            n_leads = conn.execute(select(func.count()).select_from(leads)).scalar_one()
            topics = dict(conn.execute(select(outbox.c.topic, func.count()).group_by(outbox.c.topic)).all())
        return n_leads, topics
    finally:
        s.dispose()


def test_concurrent_upserts_of_one_person_in_threads_make_one_lead(db_url):
    store = Store(db_url)
    barrier = threading.Barrier(N_THREADS)
    phones = ["0812-3456-7890", "+6281234567890", "62 812 3456 7890", "081234567890"]

    def one(i: int):
        barrier.wait(30)
        return store.upsert_lead(sender_id="telegram:1001", channel="telegram", name=f"Siti {i}",
                                 phone=phones[i % 4], consent_version="v1", age=36,
                                 nik="7401054507900001" if i % 2 else None)

    try:
        with ThreadPoolExecutor(N_THREADS) as pool:
            results = list(pool.map(one, range(N_THREADS)))
    finally:
        store.dispose()
    assert len({r.lead.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    n_leads, topics = _counts(db_url)
    assert n_leads == 1
    assert topics == {"lead.created": 1, "lead.updated": N_THREADS - 1}


def test_concurrent_upserts_of_one_person_in_processes_make_one_lead(db_url):
    ctx = mp.get_context("spawn")
    n_proc, rounds = 4, 3
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(n_proc) as pool:
            pending = [pool.apply_async(_workers.upsert_same_person, (db_url, start, w, rounds))
                       for w in range(n_proc)]
            start.set()
            results = [r for p in pending for r in p.get(120)]
    assert len(results) == n_proc * rounds
    assert len({lead_id for lead_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    n_leads, topics = _counts(db_url)
    assert n_leads == 1
    assert topics == {"lead.created": 1, "lead.updated": n_proc * rounds - 1}


def _make_events(url: str, n: int) -> set:
    store = Store(url)
    try:
        for i in range(n):
            store.upsert_lead(sender_id=f"telegram:{i}", channel="telegram", name=f"Orang {i}",
                              phone=f"0813{i:08d}", consent_version="v1")
        with store.engine.connect() as conn:
            return set(conn.execute(select(outbox.c.id)).scalars())
    finally:
        store.dispose()


def test_two_consumers_racing_in_threads_deliver_each_event_once(db_url):
    ids = _make_events(db_url, 30)
    stores = [Store(db_url), Store(db_url)]
    barrier = threading.Barrier(2)

    def drain(i: int):
        barrier.wait(30)
        delivered, idle = [], 0
        while idle < 3:
            batch = stores[i].claim_outbox(f"c{i}", limit=2, lease_seconds=300)
            idle = 0 if batch else idle + 1
            for event in batch:
                assert stores[i].ack_outbox(event.id, f"c{i}")
                delivered.append(event.id)
        return delivered

    try:
        with ThreadPoolExecutor(2) as pool:
            a, b = pool.map(drain, range(2))
    finally:
        for s in stores:
            s.dispose()
    assert sorted(a + b) == sorted(ids)  # every event, none twice
    assert not set(a) & set(b)


def test_consumers_racing_in_processes_deliver_each_event_once(db_url):
    ids = _make_events(db_url, 24)
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(3) as pool:
            pending = [pool.apply_async(_workers.drain_outbox, (db_url, start, f"proc-{i}")) for i in range(3)]
            start.set()
            delivered = [p.get(120) for p in pending]
    flat = [e for d in delivered for e in d]
    assert sorted(flat) == sorted(ids)
    assert len(flat) == len(set(flat))


def test_concurrent_senders_with_one_phone_get_a_lead_each_all_linked(db_url):
    """Different senders with the same phone at the same time: one lead each, every pair linked once."""
    store = Store(db_url)
    senders = 6
    barrier = threading.Barrier(senders * 2)

    def one(i: int):
        barrier.wait(30)
        return store.upsert_lead(sender_id=f"telegram:{i % senders}", channel="telegram", name=f"Orang {i}",
                                 phone="0812-3456-7890", consent_version="v1", age=36,
                                 nik="7401054507900001" if i % 3 == 0 else None)

    try:
        with ThreadPoolExecutor(senders * 2) as pool:
            results = list(pool.map(one, range(senders * 2)))
        by_sender = {}
        for r in results:
            by_sender.setdefault(r.lead.sender_id, set()).add(r.lead.id)
        assert all(len(ids) == 1 for ids in by_sender.values()) and len(by_sender) == senders
        assert sum(r.created for r in results) == senders
        every = {x.id: sorted(d.id for d in x.possible_duplicates) for x in store.list_leads()}
        assert every == {i: sorted(set(every) - {i}) for i in every}
    finally:
        store.dispose()
    n_leads, topics = _counts(db_url)
    assert n_leads == senders and topics == {"lead.created": senders, "lead.updated": senders}
