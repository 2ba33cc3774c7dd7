"""When a payment reminder is due and what it says (lingkar/reminders.py): pure, no store."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar import reminders as r
from lingkar.store.records import ReminderPlan, ReminderSend

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)


def plan(day=10, period=1, first=dt.date(2026, 12, 1), occupation="petani", income=None):
    return ReminderPlan("telegram", "1", day, period, first, occupation, income, True, NOW, NOW)


def sent(month, answer=None, kind="reminder", snooze=None):
    return ReminderSend(month, kind, "sent", "m", NOW, answer, NOW if answer else None, snooze)


@pytest.mark.parametrize("month, day, expected", [
    (dt.date(2027, 2, 1), 31, dt.date(2027, 2, 28)), (dt.date(2028, 2, 1), 31, dt.date(2028, 2, 29)),
    (dt.date(2027, 4, 1), 31, dt.date(2027, 4, 30)), (dt.date(2027, 1, 1), 31, dt.date(2027, 1, 31)),
    (dt.date(2027, 2, 1), 10, dt.date(2027, 2, 10))])
def test_payment_day_clamps_to_the_month(month, day, expected):
    assert r.payment_date(month, day) == expected


def test_the_window_crosses_a_month_boundary():
    p = plan(day=2)
    assert r.due_month(p, dt.date(2026, 12, 29), 3) is None
    assert r.due_month(p, dt.date(2026, 12, 30), 3) == dt.date(2027, 1, 1)     # 3 days before 2 January
    assert r.due_month(p, dt.date(2027, 1, 2), 3) == dt.date(2027, 1, 1)
    assert r.due_month(p, dt.date(2027, 1, 3), 3) is None
    assert r.due_month(p, dt.date(2026, 11, 29), 3) == dt.date(2026, 12, 1)     # the first month's window
    assert r.due_month(plan(day=2, first=dt.date(2027, 1, 1)), dt.date(2026, 12, 1), 3) is None   # before it


def test_several_months_payers_are_reminded_every_period():
    p = plan(period=6)
    due = [d for d in (dt.date(2026, 12, 8), dt.date(2027, 1, 8), dt.date(2027, 5, 8), dt.date(2027, 6, 8))
           if r.due_month(p, d, 3)]
    assert due == [dt.date(2026, 12, 8), dt.date(2027, 6, 8)]


def test_lapse_needs_two_consecutive_unpaid_reminders_and_the_second_day_past():
    p = plan()
    dec, jan, feb = dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)
    assert r.lapse_due(p, [sent(dec)], dt.date(2026, 12, 20)) is None
    assert r.lapse_due(p, [sent(dec), sent(jan)], dt.date(2027, 1, 10)) is None
    assert r.lapse_due(p, [sent(dec), sent(jan)], dt.date(2027, 1, 11)) == dec
    assert r.lapse_due(p, [sent(dec), sent(jan, "paid")], dt.date(2027, 1, 11)) is None
    assert r.lapse_due(p, [sent(dec, "paid"), sent(jan), sent(feb)], dt.date(2027, 2, 11)) == jan
    assert r.lapse_due(p, [sent(dec), sent(feb)], dt.date(2027, 2, 11)) is None      # January never reminded
    assert r.lapse_due(p, [sent(dec, "snooze"), sent(jan)], dt.date(2027, 1, 11)) == dec   # "besok" is not paid


def test_snooze_is_due_the_next_day_for_a_few_days_only():
    p = plan()
    s = [sent(dt.date(2026, 12, 1), "snooze", snooze=dt.date(2026, 12, 8))]
    assert r.snooze_due(p, s, dt.date(2026, 12, 7)) is None
    assert r.snooze_due(p, s, dt.date(2026, 12, 8)) == dt.date(2026, 12, 1)
    assert r.snooze_due(p, s, dt.date(2026, 12, 12)) is None


def test_texts_use_the_facts_per_contribution_month():
    t = r.reminder_text(plan(period=3), dt.date(2026, 12, 1), dt.date(2026, 12, 7))
    assert "Desember 2026 Rp8.400, Januari–Februari 2027 Rp16.800 per bulan; total Rp42.000" in t.text
    assert (t.month, t.amount) == ("Desember 2026–Februari 2027", "Rp42.000")
    transport = r.reminder_text(plan(occupation="ojol"), dt.date(2027, 3, 1), dt.date(2027, 2, 26))
    assert "Rp8.400" in transport.text                   # transport BPU: discounted up to March 2027
    after = r.reminder_text(plan(occupation="ojol"), dt.date(2027, 4, 1), dt.date(2027, 3, 29))
    assert "Rp16.800" in after.text
    lapse = r.lapse_text(plan(), dt.date(2026, 12, 1), dt.date(2027, 1, 11))
    assert "3 bulan berturut-turut" in lapse.text and "Minta bantuan petugas" in [b["title"] for b in lapse.buttons]
