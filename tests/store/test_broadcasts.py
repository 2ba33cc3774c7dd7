"""The broadcast tables on both backends: rows written once per (channel, recipient), claims under a lease, only the
holder marks a row sent, statuses forward only, staff actions, exact counts, and "hapus data saya"."""
from __future__ import annotations

import pytest

from lingkar.store.broadcasts import BroadcastError

RECIPIENTS = [("telegram", "101", {}), ("telegram", "102", {}), ("whatsapp", "6281300000001", {"nama": "Wa Ode"}),
              ("telegram", "101", {}), ("telegram", "103", {})]          # 101 twice: one row


def make(store, recipients=RECIPIENTS, jobs=()):
    return store.create_broadcast(text="Halo {contact.call_centre}", topic="iuran", recipients=recipients,
                                  created_by="staff:ana", jobs=jobs)


def test_rows_once_claims_and_exactly_once_marking(store, clock):
    bc, left = make(store, jobs=lambda bid, channels: [{"task": "x", "args": {"b": bid, "c": ch}} for ch in channels])
    assert bc.total == 4 and bc.status == "queued"
    if store.dialect == "sqlite":      # no job table: handed back for the in-memory mode
        assert [j["args"]["c"] for j in left] == ["telegram", "whatsapp"]
    else:                              # written with the rows (procrastinate's SQL function)
        assert left == []
    a = store.claim_recipients(bc.id, "telegram", "w1", limit=2, lease_seconds=60)
    assert [r.recipient for r in a] == ["101", "102"] and store.get_broadcast(bc.id).status == "running"
    b = store.claim_recipients(bc.id, "telegram", "w2", limit=5, lease_seconds=60)
    assert [r.recipient for r in b] == ["103"]                               # what w1 holds is not handed out
    assert store.mark_recipient_sent(a[0].id, "w1", "m-1")
    assert not store.mark_recipient_sent(a[0].id, "w1", "m-1b")               # already sent: never again
    assert not store.mark_recipient_sent(a[1].id, "w2", "m-2")                # not the holder
    clock.advance(seconds=61)                                                # w1 and w2 died: leases passed
    c = store.claim_recipients(bc.id, "telegram", "w3", limit=5, lease_seconds=60)
    assert [r.recipient for r in c] == ["102", "103"] and c[0].attempts == 2
    assert not store.mark_recipient_sent(a[1].id, "w1", "late")               # the dead worker's lease is gone
    assert not store.mark_recipient_failed(b[0].id, "w2", "forbidden")
    assert store.mark_recipient_sent(c[0].id, "w3", "m-2")
    assert store.skip_recipient(c[1].id, "w3")                                # opted out before their turn
    assert store.claim_recipients(bc.id, "telegram", "w3") == []
    assert store.unsettled_recipients(bc.id, "telegram") == (0, None)
    assert store.broadcasts_with_work() == [(bc.id, "whatsapp")]
    assert not store.finish_broadcast_if_done(bc.id)                          # WhatsApp still waits
    w = store.claim_recipients(bc.id, "whatsapp", "w4")
    assert w[0].attributes == {"nama": "Wa Ode"}
    assert store.release_recipients([w[0].id], "w4", "130429") == 1
    w = store.claim_recipients(bc.id, "whatsapp", "w4")
    assert store.mark_recipient_sent(w[0].id, "w4", "wamid.1")
    assert store.record_broadcast_status("whatsapp", "wamid.1", "read")
    assert not store.record_broadcast_status("whatsapp", "wamid.1", "delivered")
    assert store.finish_broadcast_if_done(bc.id) and store.get_broadcast(bc.id).status == "done"
    assert store.broadcast_counts(bc.id) == {"queued": 0, "sent": 2, "delivered": 0, "read": 1, "failed": 0,
                                             "unsubscribed": 1}


def test_pause_resume_cancel(store):
    bc, _ = make(store)
    assert store.set_broadcast_status(bc.id, "paused", "staff:ana").status == "paused"
    assert store.claim_recipients(bc.id, "telegram", "w1") == []               # paused: nothing handed out
    assert store.broadcasts_with_work() == []
    assert store.set_broadcast_status(bc.id, "running", "staff:ana").status == "running"
    assert len(store.claim_recipients(bc.id, "telegram", "w1")) == 3
    assert store.set_broadcast_status(bc.id, "cancelled", "staff:budi").status == "cancelled"
    with pytest.raises(BroadcastError):
        store.set_broadcast_status(bc.id, "running", "staff:ana")              # cancel is final
    assert store.claim_recipients(bc.id, "whatsapp", "w1") == []
    actions = [e.action for e in store.audit_entries(target_type="broadcast")]
    assert sorted(actions) == ["broadcast.cancelled", "broadcast.created", "broadcast.paused", "broadcast.running"]


def test_hapus_data_saya_deletes_the_recipient_rows(store):
    bc, _ = make(store)
    counts = store.delete_sender_data("whatsapp:6281300000001")
    assert counts["broadcast_recipients"] == 1
    assert store.broadcast_counts(bc.id)["queued"] == 3
    assert store.delete_sender_data("telegram:101")["broadcast_recipients"] == 1


def test_rows_and_jobs_are_written_together_or_not_at_all(store):
    def failing_jobs(broadcast_id, channels):
        raise RuntimeError("the job engine refused")
    with pytest.raises(RuntimeError):
        make(store, jobs=failing_jobs)
    assert store.get_broadcast(1) is None and store.broadcasts_with_work() == []
    if store.dialect == "postgresql":        # a job the engine's own SQL function refuses rolls the rows back too
        with pytest.raises(Exception):  # noqa: B017
            make(store, jobs=[{"task": "x", "args": {}, "queueing_lock": "same"},
                              {"task": "x", "args": {}, "queueing_lock": "same"}])
        assert store.broadcasts_with_work() == []
        bc, left = make(store, jobs=[{"task": "x", "args": {}, "queueing_lock": "once"}])
        assert left == [] and bc.total == 4


def test_four_eyes_review_approve_reject(store):
    from lingkar.store import SelfDecisionError

    jobs = lambda bid, channels: [{"task": "four-eyes", "queue": "broadcasts", "args": {"b": bid, "c": ch}}  # noqa: E731
                                  for ch in channels]
    bc, left = store.create_broadcast(text="Halo {contact.call_centre}", topic="iuran", recipients=RECIPIENTS,
                                      created_by="staff:ana", jobs=jobs, review=True)
    assert bc.status == "review" and bc.total == 4 and left == []             # no job while in review
    assert store.claim_recipients(bc.id, "telegram", "w1") == [] and store.broadcasts_with_work() == []
    with pytest.raises(BroadcastError):
        store.set_broadcast_status(bc.id, "paused", "staff:budi")              # not running: nothing to pause
    with pytest.raises(SelfDecisionError):
        store.approve_broadcast(bc.id, "staff:ana", jobs)
    with pytest.raises(SelfDecisionError):
        store.reject_broadcast(bc.id, "staff:ana", "mine")
    assert store.get_broadcast(bc.id).status == "review"
    def four_eyes_jobs() -> int:
        from sqlalchemy import text
        if store.dialect == "sqlite":
            return 0
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'four-eyes'")
                                ).scalar_one()

    before = four_eyes_jobs()
    approved, left = store.approve_broadcast(bc.id, "staff:budi", jobs)
    assert approved.status == "queued" and approved.approved_by == "staff:budi"
    if store.dialect == "sqlite":
        assert [j["args"]["c"] for j in left] == ["telegram", "whatsapp"]
    else:                              # written in the approval's transaction
        assert left == [] and four_eyes_jobs() - before == 2
    assert [r.recipient for r in store.claim_recipients(bc.id, "telegram", "w1")] == ["101", "102", "103"]
    with pytest.raises(BroadcastError):
        store.approve_broadcast(bc.id, "staff:citra")                          # not in review any more
    other, _ = store.create_broadcast(text="Halo", topic="iuran", recipients=RECIPIENTS, created_by="staff:ana",
                                      review=True)
    rejected = store.reject_broadcast(other.id, "staff:budi", "belum pasti")
    assert rejected.status == "rejected" and sum(store.broadcast_counts(other.id).values()) == 0
    with pytest.raises(BroadcastError):
        store.approve_broadcast(other.id, "staff:citra")
    notes = [a.details for a in store.audit_entries(target_type="broadcast", target_id=other.id)
             if a.action == "broadcast.rejected"]
    assert notes == [{"author": "staff:ana", "note": "belum pasti"}]
    assert [b.id for b in store.list_broadcasts()] == [other.id, bc.id]


def test_audience_filters_on_checks_and_leads(store):
    from tests.staff.fixtures import lead_kwargs

    people = [f"telegram:{5000 + i}" for i in range(6)]
    # 0: checked, no lead; 1: checked, lead new; 2: lead registered; 3: lead new (no check recorded);
    # 4: nothing; 5: checked twice, no lead
    for i in (0, 1, 5, 5):
        store.record_event("eligibility_checked", channel="telegram", sender_id=people[i])
    store.upsert_lead(**lead_kwargs(sender_id=people[1]))
    reg = store.upsert_lead(**lead_kwargs(sender_id=people[2])).lead
    store.set_lead_status(reg.id, "registered", "staff:ana", force=True)
    store.upsert_lead(**lead_kwargs(sender_id=people[3]))
    assert store.lead_filter(people, "checked_no_lead") == {people[0], people[5]}
    assert store.lead_filter(people, "lead_not_registered") == {people[1], people[3]}
    assert store.lead_filter([people[4]], "checked_no_lead") == set()
    with pytest.raises(ValueError):
        store.lead_filter(people, "everyone")
