"""The outreach funnel (lingkar/store/outreach.py) on SQLite and PostgreSQL: broadcast → reply → check → lead →
registered and reminder → "sudah bayar" → reactivation lead, exact counts of distinct people per group."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar.store.outreach import REPLY_WINDOW

CONSENT = "pdp-2026-11"
A, B, C, D = "telegram:101", "telegram:102", "whatsapp:6281300000001", "telegram:103"
DEC = dt.date(2026, 12, 1)


def subscribe(store, sender, regency, sector="perikanan", agent=None):
    store.subscribe(sender, sender.split(":")[0], "info", consent_version=CONSENT, regency=regency, sector=sector,
                    agent_code=agent)


def send_broadcast(store, senders):
    bc, _ = store.create_broadcast(text="Halo", topic="info", created_by="staff:ana",
                                   recipients=[(s.split(":")[0], s.split(":")[1], {}) for s in senders])
    for channel in ("telegram", "whatsapp"):
        for row in store.claim_recipients(bc.id, channel, "w1", limit=50):
            assert store.mark_recipient_sent(row.id, "w1", f"m-{row.id}")
    return bc


def lead(store, sender, purpose=None):
    return store.upsert_lead(sender_id=sender, channel=sender.split(":")[0], name="Siti Aminah",
                             phone="0812-3456-7890", consent_version=CONSENT, regency="Kota Kendari",
                             purpose=purpose).lead


def counts(row, *stages):
    return tuple(getattr(row, s) for s in stages)


BROADCAST = ("sent", "replied", "checked", "leads", "registered")


def test_broadcast_reply_check_lead_registered_by_group(store, clock):
    subscribe(store, A, "Kota Kendari", agent="AG1")
    subscribe(store, B, "Kota Kendari")
    subscribe(store, C, "Kabupaten Muna", sector="pertanian")
    subscribe(store, D, "Kabupaten Muna")
    assert store.note_broadcast_reply(A) is None                       # no broadcast yet: no reply
    bc = send_broadcast(store, [A, B, C, D])
    assert store.event_counts("broadcast_sent") == {"broadcast_sent": 4}
    clock.advance(hours=1)
    assert store.note_broadcast_reply(A) is not None
    assert store.note_broadcast_reply(A) is None                       # once per (broadcast, person)
    assert store.note_broadcast_reply("telegram:999") is None          # never reached by a broadcast
    store.record_event("eligibility_checked", channel="telegram", sender_id=A)
    registered = lead(store, A)
    store.set_lead_status(registered.id, "registered", actor="telegram:900")
    clock.advance(hours=2)
    assert store.note_broadcast_reply(C) is not None
    store.record_event("eligibility_checked", channel="whatsapp", sender_id=C)
    store.record_event("eligibility_checked", channel="whatsapp", sender_id=C)   # twice: one person
    # B checks without replying first within the window: not counted under the broadcast
    clock.advance(hours=71)
    assert store.note_broadcast_reply(B) is None                       # 74 h after the broadcast: too late
    store.record_event("eligibility_checked", channel="telegram", sender_id=B)
    lead(store, C)                                                     # 72 h after C's reply: still counted
    clock.advance(hours=1)
    store.record_event("eligibility_checked", channel="telegram", sender_id=A)  # A: already counted
    lead(store, D)                                                     # D never replied: not counted
    (total,) = store.outreach_funnel("broadcast")
    assert counts(total, *BROADCAST) == (4, 2, 2, 2, 1)
    by_regency = {r.group: counts(r, *BROADCAST) for r in store.outreach_funnel("broadcast", "regency")}
    assert by_regency == {"Kabupaten Muna": (2, 1, 1, 1, 0), "Kota Kendari": (2, 1, 1, 1, 1)}
    by_channel = {r.group: counts(r, *BROADCAST) for r in store.outreach_funnel("broadcast", "channel")}
    assert by_channel == {"telegram": (3, 1, 1, 1, 1), "whatsapp": (1, 1, 1, 1, 0)}
    by_agent = {r.group: counts(r, "sent", "replied") for r in store.outreach_funnel("broadcast", "agent")}
    assert by_agent == {"AG1": (1, 1), None: (3, 1)}
    by_sector = {r.group: r.sent for r in store.outreach_funnel("broadcast", "sector")}
    assert by_sector == {"perikanan": 3, "pertanian": 1}
    # a second broadcast: a new reply for A counts once more for it, still one person in the funnel
    clock.advance(hours=1)
    second = send_broadcast(store, [A])
    assert second.id != bc.id and store.note_broadcast_reply(A) is not None
    (total,) = store.outreach_funnel("broadcast")
    assert counts(total, "sent", "replied") == (4, 2)
    # the period is the outreach events' local day
    tomorrow = store.now().date() + dt.timedelta(days=5)
    assert counts(store.outreach_funnel("broadcast", since=tomorrow)[0], *BROADCAST) == (0, 0, 0, 0, 0)


def test_the_reply_window_is_the_documented_constant(store, clock):
    subscribe(store, A, "Kota Kendari")
    send_broadcast(store, [A])
    clock.advance(seconds=REPLY_WINDOW.total_seconds() + 1)
    assert store.note_broadcast_reply(A) is None
    assert store.outreach_funnel("broadcast")[0].replied == 0


def test_reminder_paid_and_reactivation_lead(store, clock):
    subscribe(store, A, "Kota Kendari")
    for owner in (A, B, C):
        store.claim_reminder(owner, DEC, "reminder", "w")
        assert store.mark_reminder_sent(owner, DEC, "reminder", "w", "m")
    store.claim_reminder(A, DEC, "lapse", "w")
    store.mark_reminder_sent(A, DEC, "lapse", "w", "m2")              # a second reminder: still one person
    clock.advance(hours=3)
    store.record_reminder_answer(A, "paid")
    store.record_reminder_answer(A, "paid")                            # twice: one event
    store.record_reminder_answer(B, "snooze", snooze_until=DEC)        # "besok" is not paid
    lead(store, B, purpose="reactivation")
    lead(store, C)                                                     # a registration lead: not reactivation
    lead(store, D, purpose="reactivation")                             # never reminded: not counted
    assert store.event_counts("reminder_paid") == {"reminder_paid": 1}
    (total,) = store.outreach_funnel("reminder")
    assert counts(total, "sent", "paid", "leads") == (3, 1, 1)
    by_regency = {r.group: counts(r, "sent", "paid", "leads") for r in store.outreach_funnel("reminder", "regency")}
    assert by_regency == {"Kota Kendari": (1, 1, 0), None: (2, 0, 1)}
    clock.advance(days=15)
    lead(store, C, purpose="reactivation")                             # beyond REMINDER_WINDOW
    assert store.outreach_funnel("reminder")[0].leads == 1


@pytest.mark.parametrize("kind, group_by", [("sms", None), ("broadcast", "week")])
def test_unknown_kind_or_group_is_refused(store, kind, group_by):
    with pytest.raises(ValueError):
        store.outreach_funnel(kind, group_by)
