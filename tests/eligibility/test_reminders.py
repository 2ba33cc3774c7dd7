"""Asking for payment reminders and answering them (actions/reminders.py) with rasa_sdk trackers, on SQLite and a
real PostgreSQL: the day read from the first message, monthly or several months, consent, a PU worker refused,
"sudah bayar" and "ingatkan besok" recorded on the latest reminder, "batal"."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.leads import ActionCancelForm
from actions.reminders import (
    ActionAskReminderConsent,
    ActionReminderAnswer,
    ActionReminderSave,
    ValidateReminderForm,
    first_month,
    read_day,
    read_period,
)

from .conftest import TODAY, buttons_of, run, texts_of, turn

SENDER = "telegram:555001"
FORM = ValidateReminderForm()


async def answer(text, requested, slots, intent="inform"):
    return await run(FORM, turn(text, intent, form="reminder_form", requested=requested, slots=slots))


@pytest.mark.parametrize("text, day", [("ingatkan saya bayar iuran tiap tanggal 10", 10), ("tgl 5 ya", 5),
                                       ("tiap akhir bulan", 31), ("ingatkan saya bayar", None),
                                       ("tanggal 45", None)])
def test_reading_the_payment_day(text, day):
    assert read_day(text) == day


@pytest.mark.parametrize("text, period", [("tiap bulan", 1), ("tiga bulan", 3), ("6 bulan sekaligus", 6),
                                          ("setahun", 12), ("2 bulan", None)])
def test_reading_the_period(text, period):
    assert read_period(text) == period


def test_the_first_month_is_the_next_payment_day_ahead():
    assert first_month(30, TODAY) == dt.date(2026, 11, 1)          # 30 November still ahead of the 24th
    assert first_month(10, TODAY) == dt.date(2026, 12, 1)


async def test_the_day_in_the_first_message_is_not_asked_again():
    _, slots, _ = await run(FORM, turn("ingatkan saya bayar iuran tiap tanggal 10", "ask_reminder",
                                       form="reminder_form"))
    assert slots["reminder_day"] == 10 and slots["requested_slot"] == "reminder_period"
    msgs, slots, _ = await answer("tiga bulan", "reminder_period", {"reminder_day": 10})
    assert slots["reminder_period"] == 3 and slots["requested_slot"] == "reminder_consent"
    msgs, slots, _ = await answer("kapan2", "reminder_period", {"reminder_day": 10})
    assert slots.get("reminder_period") is None and "pilih dengan tombol" in texts_of(msgs)


async def test_the_consent_says_what_when_and_how_to_stop():
    msgs, _, _ = await run(ActionAskReminderConsent(), turn("tiap bulan", slots={"reminder_day": 31,
                                                                                  "reminder_period": 1}))
    text = texts_of(msgs)
    assert "tiap bulan" in text and "akhir bulan" in text and "berhenti" in text and "hapus data saya" in text
    assert [b["payload"] for b in buttons_of(msgs)] == ["/affirm", "/deny"]


async def test_consent_saves_the_plan_with_the_check_basis(db):
    slots = {"reminder_day": 10, "reminder_period": 3, "reminder_consent": "yes", "occupation": "ojol",
             "income": 1_000_000, "eligibility": {"category": "BPU", "occupation": "ojol"}}
    msgs, set_, _ = await run(ActionReminderSave(), turn("ya", "affirm", slots=slots, latest_action="reminder_form"))
    assert "Siap!" in texts_of(msgs) and "tiap 3 bulan" in texts_of(msgs) and "tanggal 10" in texts_of(msgs)
    assert set_ == {"reminder_day": None, "reminder_period": None, "reminder_consent": None}
    plan = db.reminder_plan(SENDER)
    assert (plan.payment_day, plan.period_months, plan.first_month, plan.occupation, plan.income, plan.active) == (
        10, 3, dt.date(2026, 12, 1), "ojol", 1_000_000, True)


async def test_no_consent_no_plan(db):
    msgs, _, _ = await run(ActionReminderSave(), turn("tidak", "deny", slots={
        "reminder_day": 10, "reminder_period": 1, "reminder_consent": "no"}, latest_action="reminder_form"))
    assert "tidak ada pengingat" in texts_of(msgs) and db.reminder_plan(SENDER) is None


async def test_a_pu_worker_is_told_kindly_and_asked_nothing(db):
    slots = {"eligibility": {"category": "PU", "occupation": "karyawan"}}
    _, set_, _ = await run(FORM, turn("ingatkan saya bayar iuran tiap tanggal 10", "ask_reminder",
                                      form="reminder_form", slots=slots))
    assert set_["requested_slot"] is None                           # the form ends at once
    msgs, _, _ = await run(ActionReminderSave(), turn("…", slots={**slots, "reminder_day": 10},
                                                      latest_action="reminder_form"))
    assert "pekerja mandiri (BPU)" in texts_of(msgs) and "pemberi kerja" in texts_of(msgs)
    assert db.reminder_plan(SENDER) is None


async def test_sudah_bayar_and_ingatkan_besok_go_to_the_latest_reminder(db):
    msgs, _, _ = await run(ActionReminderAnswer(), turn("sudah bayar", "paid"))
    assert "Belum ada pengingat" in texts_of(msgs)
    db.save_reminder_plan(SENDER, payment_day=10, period_months=1, first_month=dt.date(2026, 11, 1))
    db.claim_reminder(SENDER, dt.date(2026, 11, 1), "reminder", "w")
    db.mark_reminder_sent(SENDER, dt.date(2026, 11, 1), "reminder", "w", "m-1")
    msgs, _, _ = await run(ActionReminderAnswer(), turn("ingatkan besok", "snooze"))
    assert "besok kami ingatkan lagi" in texts_of(msgs)
    row = db.reminder_sends_for(SENDER)[0]
    assert (row.answer, row.snooze_until) == ("snooze", TODAY + dt.timedelta(days=1))
    msgs, _, _ = await run(ActionReminderAnswer(), turn("udah bayar", "paid"))
    assert "sudah kami catat" in texts_of(msgs) and db.reminder_sends_for(SENDER)[0].answer == "paid"


async def test_a_statement_read_as_sudah_bayar_with_no_reminder_sent_is_about_the_topic(db):
    # "dia sdh kerja & bayar iuran 7 thn" after the JKM answer: no reminder was ever sent, so it is no answer to one
    jkm = {"event": "bot", "text": "…", "metadata": {"answer": {"topic": "ask_jkm", "on": TODAY.isoformat(),
                                                                "part": "whole"}}}
    msgs, _, _ = await run(ActionReminderAnswer(), turn("dia sdh kerja & bayar iuran 7 thn", "paid", before=[jkm]))
    assert "Belum ada pengingat" not in texts_of(msgs) and "42.000.000" in texts_of(msgs)
    # a bare "sudah bayar" after the same answer is still an answer to a reminder (there is none)
    msgs, _, _ = await run(ActionReminderAnswer(), turn("sudah bayar", "paid", before=[jkm]))
    assert "Belum ada pengingat" in texts_of(msgs)
    # a REST sender ("blind-1a2b") has no channel a reminder could have gone to: no store error
    msgs, _, _ = await run(ActionReminderAnswer(), turn("sudah bayar", "paid", sender="blind-1a2b"))
    assert "Belum ada pengingat" in texts_of(msgs)


async def test_batal_during_the_reminder_form():
    tracker = turn("batal", "cancel", form="reminder_form", requested="reminder_period", slots={"reminder_day": 10})
    msgs, slots, _ = await run(ActionCancelForm(), tracker)
    assert "tidak ada pengingat" in texts_of(msgs) and slots["reminder_day"] is None


async def test_data_saya_shows_the_reminder_plan(db):
    from actions.leads import ActionMyData

    db.save_reminder_plan(SENDER, payment_day=31, period_months=1, first_month=dt.date(2026, 11, 1))
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert "Pengingat bayar iuran: tiap bulan, sebelum akhir bulan (sudah terkirim: 0)" in texts_of(msgs)
    db.stop_reminders(SENDER)
    msgs, _, _ = await run(ActionMyData(), turn("data saya", "my_data"))
    assert "Pengingat bayar iuran (sudah dihentikan)" in texts_of(msgs)


async def test_consent_subscribes_to_pengingat_and_berhenti_stops_the_plan(db):
    from actions.leads import ActionUnsubscribe

    slots = {"reminder_day": 10, "reminder_period": 1, "reminder_consent": "yes"}
    await run(ActionReminderSave(), turn("ya", "affirm", slots=slots, latest_action="reminder_form"))
    assert db.is_subscribed(SENDER, "pengingat") and db.reminder_plan(SENDER).active
    msgs, _, _ = await run(ActionUnsubscribe(), turn("berhenti", "unsubscribe"))
    assert not db.is_subscribed(SENDER, "pengingat") and db.reminder_plan(SENDER).active is False
    assert db.active_reminder_plans() == []


async def test_the_lapse_warnings_button_starts_a_reactivation_lead():
    from actions.leads import ActionLeadStart
    from lingkar import reminders as schedule
    from lingkar.store.records import ReminderPlan

    now = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
    plan = ReminderPlan("telegram", "555001", 10, 1, dt.date(2026, 12, 1), "BPU", None, True, now, now)
    button = [b for b in schedule.lapse_text(plan, dt.date(2026, 12, 1), dt.date(2027, 1, 11)).buttons
              if b["title"] == "Minta bantuan petugas"][0]
    assert button["payload"] == '/request_contact{"lead_purpose": "reactivation"}'
    _, slots, _ = await run(ActionLeadStart(), turn(button["payload"], "request_contact",
                                                    entities=[{"entity": "lead_purpose", "value": "reactivation"}]))
    assert slots["lead_type"] == "enrolment" and slots["lead_purpose"] == "reactivation"


async def test_berhenti_from_a_rest_sender_is_answered_not_an_error(db):
    # the REST channel's sender ids carry no "channel:" prefix ("blind-1a2b"): nothing to stop, and no "gangguan"
    from actions.leads import ActionUnsubscribe

    msgs, _, _ = await run(ActionUnsubscribe(), turn("stop. jgn kirim lagi", "unsubscribe", sender="web-1a2b"))
    assert "tidak sedang berlangganan" in texts_of(msgs) and "gangguan" not in texts_of(msgs)
    assert db.stop_reminders("web-1a2b") is False
