"""The reminder store (lingkar/store/reminders.py) on SQLite and PostgreSQL: one plan per owner, claims that make a
reminder exactly once, the worker's answers, "data saya" and "hapus data saya"."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar.store.reminders import ReminderError

OWNER = "telegram:4242"
DEC = dt.date(2026, 12, 1)


def test_one_plan_per_owner_replaced_and_stopped(store):
    p = store.save_reminder_plan(OWNER, payment_day=10, period_months=1, first_month=dt.date(2026, 12, 15))
    assert (p.channel, p.recipient, p.first_month, p.active, p.occupation, p.income) == (
        "telegram", "4242", DEC, True, "BPU", None)
    p = store.save_reminder_plan(OWNER, payment_day=31, period_months=3, first_month=DEC, occupation="ojol",
                                 income=1_500_000)
    assert (p.payment_day, p.period_months, p.occupation, p.income) == (31, 3, "ojol", 1_500_000)
    assert [x.sender_id for x in store.active_reminder_plans()] == [OWNER]
    assert store.stop_reminders(OWNER) is True
    assert store.stop_reminders(OWNER) is False
    assert store.active_reminder_plans() == [] and store.reminder_plan(OWNER).active is False
    store.save_reminder_plan(OWNER, payment_day=5, period_months=1, first_month=DEC)     # asked again
    assert store.reminder_plan(OWNER).active is True
    actions = sorted(e.action for e in store.audit_entries(target_type="reminder_plan"))
    assert actions == ["reminders.planned"] * 3 + ["reminders.stopped"]


@pytest.mark.parametrize("day, period", [(0, 1), (32, 1), (10, 2), (10, 24)])
def test_a_plan_outside_the_rules_is_refused(store, day, period):
    with pytest.raises(ReminderError):
        store.save_reminder_plan(OWNER, payment_day=day, period_months=period, first_month=DEC)


def test_a_reminder_is_claimed_once_and_sent_once(store, clock):
    assert store.claim_reminder(OWNER, DEC, "reminder", "w1", lease_seconds=60)
    assert not store.claim_reminder(OWNER, DEC, "reminder", "w2", lease_seconds=60)     # w1 holds it
    assert store.claim_reminder(OWNER, DEC, "snooze", "w2", lease_seconds=60)           # another kind
    assert not store.mark_reminder_sent(OWNER, DEC, "reminder", "w2", "m-1")            # not w2's
    clock.advance(seconds=61)
    assert store.claim_reminder(OWNER, DEC, "reminder", "w2", lease_seconds=60)         # w1 died: taken over
    assert not store.mark_reminder_sent(OWNER, DEC, "reminder", "w1", "m-0")            # too late for w1
    assert store.mark_reminder_sent(OWNER, DEC, "reminder", "w2", "m-1")
    clock.advance(seconds=3600)
    assert not store.claim_reminder(OWNER, DEC, "reminder", "w3")                       # sent: never again
    assert store.release_reminder(OWNER, DEC, "snooze", "w2")                           # not sent: free again
    assert store.claim_reminder(OWNER, DEC, "snooze", "w3")
    assert store.mark_reminder_failed(OWNER, DEC, "snooze", "w3", "forbidden")
    assert not store.claim_reminder(OWNER, DEC, "snooze", "w4")
    rows = store.reminder_sends_for(OWNER)
    assert [(r.month, r.kind, r.state, r.platform_message_id) for r in rows] == [
        (DEC, "reminder", "sent", "m-1"), (DEC, "snooze", "failed", None)]


def test_answers_go_to_the_latest_reminder_and_paid_stands(store):
    assert store.record_reminder_answer(OWNER, "paid") is None                           # nothing sent yet
    jan = dt.date(2027, 1, 1)
    for month in (DEC, jan):
        store.claim_reminder(OWNER, month, "reminder", "w")
        store.mark_reminder_sent(OWNER, month, "reminder", "w", f"m-{month.month}")
    r = store.record_reminder_answer(OWNER, "snooze", snooze_until=dt.date(2027, 1, 8))
    assert (r.month, r.answer, r.snooze_until) == (jan, "snooze", dt.date(2027, 1, 8))
    assert store.record_reminder_answer(OWNER, "paid").answer == "paid"
    assert store.record_reminder_answer(OWNER, "snooze", snooze_until=dt.date(2027, 1, 9)).answer == "paid"
    assert [r.answer for r in store.reminder_sends_for(OWNER)] == [None, "paid"]
    with pytest.raises(ReminderError):
        store.record_reminder_answer(OWNER, "snooze")
    with pytest.raises(ReminderError):
        store.record_reminder_answer(OWNER, "maybe")


def test_data_saya_shows_reminders_and_hapus_data_saya_deletes_them(store):
    other = "whatsapp:628120000001"
    for owner in (OWNER, other):
        store.save_reminder_plan(owner, payment_day=10, period_months=1, first_month=DEC)
        store.claim_reminder(owner, DEC, "reminder", "w")
        store.mark_reminder_sent(owner, DEC, "reminder", "w", "m")
    mine = store.data_for_sender(OWNER)["reminders"]
    assert mine["plan"]["payment_day"] == 10 and mine["plan"]["recipient"] == "4242"
    assert [s["month"] for s in mine["sent"]] == ["2026-12-01"]
    counts = store.delete_sender_data(OWNER)
    assert counts["reminders"] == 2
    assert store.data_for_sender(OWNER)["reminders"] == {"plan": None, "sent": []}
    assert store.reminder_plan(OWNER) is None and store.reminder_sends_for(OWNER) == []
    assert store.reminder_plan(other) is not None and len(store.reminder_sends_for(other)) == 1   # not theirs


def test_not_a_sender_id(store):
    with pytest.raises(ReminderError):
        store.reminder_plan("4242")
