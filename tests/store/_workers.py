"""Functions run in separate processes by the concurrency tests (importable under 'spawn')."""
from __future__ import annotations


def upsert_same_person(url: str, start, worker: int, rounds: int) -> list:
    from lingkar.store import Store

    store = Store(url)
    phones = ["0812-3456-7890", "+6281234567890", "62 812 3456 7890", "081234567890"]
    start.wait(30)
    out = []
    for i in range(rounds):
        res = store.upsert_lead(sender_id="telegram:1001", channel="telegram", name=f"Siti {worker}.{i}",
                                phone=phones[(worker + i) % len(phones)], consent_version="v1",
                                nik="7401054507900001" if (worker + i) % 2 else None, age=36)
        out.append((res.lead.id, res.created))
    store.dispose()
    return out


def drain_outbox(url: str, start, consumer: str) -> list:
    from lingkar.store import Store

    store = Store(url)
    start.wait(30)
    delivered = []
    idle = 0
    while idle < 3:
        batch = store.claim_outbox(consumer, limit=3, lease_seconds=300)
        if not batch:
            idle += 1
            continue
        idle = 0
        for event in batch:
            if store.ack_outbox(event.id, consumer):
                delivered.append(event.id)
    store.dispose()
    return delivered
