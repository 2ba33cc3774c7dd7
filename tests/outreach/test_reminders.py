"""Payment reminders end to end on the real PostgreSQL, the fake Bot API and the fake Graph API: one reminder per
worker and contribution month whatever the number of runs (a restart, the command line run twice), month ends,
the end of the PP 50/2025 discount window, a 3-month payer, "ingatkan besok", one lapse warning, opt-outs."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import time

from bot.outreach.runtime import open_runtime
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.state import make_state
from lingkar.store import Store
from tests.conftest import use_settings

from . import audience as subs
from .conftest import ROOT, outreach_env

TG = "7001"
WA = "628120000777"


def texts(fake_tg, chat: str = TG):
    return [c.params["text"] for c in fake_tg.successful("sendMessage", int(chat))]


def setup(db, tmp_path, fake_tg, fake_graph=None, rows=((TG, "telegram"),), **env):
    core = use_settings(**outreach_env(tmp_path, db, fake_tg, fake_graph, **env))
    store = Store(db)
    subs.create(store.engine, [(channel, key, "pengingat", True) for key, channel in rows])
    return core, store


async def run(core, store, day: str):
    """One run for ``day`` in a runtime of its own (as a restarted worker or `make reminders` would)."""
    rt = await open_runtime(core, store)
    try:
        return await rt.reminders.run(dt.date.fromisoformat(day))
    finally:
        await rt.close()


async def test_month_end_payment_day_and_exactly_once_across_restarts(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg)
    store.save_reminder_plan(f"telegram:{TG}", payment_day=31, period_months=1, first_month=dt.date(2027, 2, 1),
                             occupation="petani")
    assert await run(core, store, "2027-02-24") == {}                      # 4 days before the 28th: not yet
    assert await run(core, store, "2027-02-25") == {"sent_reminder": 1}    # 3 days before 28 February
    assert await run(core, store, "2027-02-25") == {"already": 1}          # restarted, same day: nothing more
    assert await run(core, store, "2027-02-28") == {"already": 1}
    assert await run(core, store, "2027-03-01") == {}                      # after the payment day: not due
    assert await run(core, store, "2027-03-28") == {"sent_reminder": 1}    # 31 March
    sent = texts(fake_tg)
    assert len(sent) == 2
    assert "Februari 2027" in sent[0] and "28 Februari 2027" in sent[0] and "Rp16.800" in sent[0]
    assert "31 Maret 2027" in sent[1]
    call = fake_tg.successful("sendMessage", int(TG))[0]
    titles = [b["text"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert titles == ["Sudah bayar", "Ingatkan besok"]
    rows = store.reminder_sends_for(f"telegram:{TG}")
    assert [(r.month, r.kind, r.state) for r in rows] == [(dt.date(2027, 2, 1), "reminder", "sent"),
                                                         (dt.date(2027, 3, 1), "reminder", "sent")]
    assert all(r.platform_message_id for r in rows)
    store.dispose()


async def test_thirty_day_month_and_a_late_run_catches_up(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg, REMINDER_DAYS_BEFORE="5")
    store.save_reminder_plan(f"telegram:{TG}", payment_day=31, period_months=1, first_month=dt.date(2027, 4, 1))
    assert await run(core, store, "2027-04-24") == {}                     # 6 days before 30 April
    assert await run(core, store, "2027-04-29") == {"sent_reminder": 1}   # the worker was down from the 25th
    assert "30 April 2027" in texts(fake_tg)[0]
    store.dispose()


async def test_amounts_across_the_end_of_the_discount_window(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg)
    store.save_reminder_plan(f"telegram:{TG}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1),
                             occupation="petani")
    await run(core, store, "2026-12-07")
    await run(core, store, "2027-01-07")
    december, january = texts(fake_tg)
    assert "Desember 2026 sebesar Rp8.400" in december                  # discounted contribution month
    assert "Januari 2027 sebesar Rp16.800" in january                   # after the window: normal
    store.dispose()


async def test_a_worker_who_pays_every_three_months(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg)
    store.save_reminder_plan(f"telegram:{TG}", payment_day=10, period_months=3, first_month=dt.date(2026, 12, 1),
                             occupation="nelayan")
    for day in ("2026-12-07", "2027-01-07", "2027-02-07", "2027-03-07"):
        await run(core, store, day)
    sent = texts(fake_tg)
    assert len(sent) == 2                                               # December and March only
    assert "3 bulan (Desember 2026–Februari 2027)" in sent[0]
    assert "Desember 2026 Rp8.400, Januari–Februari 2027 Rp16.800 per bulan; total Rp42.000" in sent[0]
    assert "Maret–Mei 2027 Rp16.800 per bulan; total Rp50.400" in sent[1]
    store.dispose()


async def test_remind_me_tomorrow_once_and_not_after_paid(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg)
    owner = f"telegram:{TG}"
    store.save_reminder_plan(owner, payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    await run(core, store, "2026-12-07")
    store.record_reminder_answer(owner, "snooze", snooze_until=dt.date(2026, 12, 8))
    assert await run(core, store, "2026-12-07") == {"already": 1}
    assert await run(core, store, "2026-12-08") == {"already": 1, "sent_snooze": 1}
    assert await run(core, store, "2026-12-08") == {"already": 2}       # one re-send only
    again = texts(fake_tg)[1]
    assert again.startswith("Seperti yang Anda minta, kami ingatkan lagi.") and "Rp8.400" in again
    # January: paid first, then "besok": no re-send
    await run(core, store, "2027-01-07")
    store.record_reminder_answer(owner, "paid")
    assert store.record_reminder_answer(owner, "snooze", snooze_until=dt.date(2027, 1, 8)).answer == "paid"
    assert await run(core, store, "2027-01-08") == {"already": 1}
    assert len(texts(fake_tg)) == 3
    store.dispose()


async def test_two_unpaid_reminders_give_exactly_one_lapse_warning(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg)
    owner = f"telegram:{TG}"
    store.save_reminder_plan(owner, payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    await run(core, store, "2026-12-07")
    assert await run(core, store, "2026-12-11") == {}                  # one unpaid reminder: no warning
    await run(core, store, "2027-01-07")
    assert await run(core, store, "2027-01-10") == {"already": 1}      # the second payment day not past yet
    assert await run(core, store, "2027-01-11") == {"sent_lapse": 1}
    for day in ("2027-01-12", "2027-02-07", "2027-02-11", "2027-03-11"):
        counts = await run(core, store, day)
        assert "sent_lapse" not in counts, (day, counts)
    sent = texts(fake_tg)
    lapses = [t for t in sent if t.startswith("Kami belum mendengar kabar")]
    assert len(lapses) == 1
    assert "3 bulan berturut-turut" in lapses[0] and "sejak Desember 2026" in lapses[0]
    call = [c for c in fake_tg.successful("sendMessage", int(TG)) if c.params["text"] == lapses[0]][0]
    titles = [b["text"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "Minta bantuan petugas" in titles
    # paid again, then two more unpaid: a new run of unpaid months is warned about once more
    store.record_reminder_answer(owner, "paid")                         # February's
    await run(core, store, "2027-03-07")
    await run(core, store, "2027-04-07")
    assert await run(core, store, "2027-04-11") == {"sent_lapse": 1}
    store.dispose()


async def test_stopped_reminders_and_unsubscribed_workers_get_nothing(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg, rows=((TG, "telegram"), ("7002", "telegram")))
    for key in (TG, "7002"):
        store.save_reminder_plan(f"telegram:{key}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    await run(core, store, "2026-12-07")
    subs.set_active(store.engine, "telegram", "7002", "pengingat", False)   # "berhenti" (the subscriptions)
    assert store.stop_reminders(f"telegram:{TG}") is True                 # "stop pengingat" (the plan)
    assert await run(core, store, "2027-01-07") == {"unsubscribed": 1}
    assert len(texts(fake_tg)) == 1 and len(texts(fake_tg, "7002")) == 1
    store.dispose()


async def test_whatsapp_outside_the_window_gets_the_reminder_template(db, fake_tg, fake_graph, tmp_path):
    fake_graph.approve_template("lingkar_pengingat_iuran", "id", 2)
    core, store = setup(db, tmp_path, fake_tg, fake_graph, rows=(("628120000111", "whatsapp"), (WA, "whatsapp")))
    state = make_state(WhatsAppSettings.from_settings(core))
    await state.open()
    await state.touch_inbound("628120000111", time.time() - 60)          # wrote a minute ago: window open
    fake_graph.last_inbound["628120000111"] = time.time() - 60
    await state.close()
    for key in ("628120000111", WA):
        store.save_reminder_plan(f"whatsapp:{key}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    assert await run(core, store, "2026-12-07") == {"sent_reminder": 2}
    assert await run(core, store, "2026-12-07") == {"already": 2}
    by_to = {s.to: s for s in fake_graph.sent}
    assert len(fake_graph.sent) == 2
    assert by_to["628120000111"].type == "interactive" and "Rp8.400" in by_to["628120000111"].text
    closed = by_to[WA].body
    assert closed["type"] == "template" and closed["template"]["name"] == "lingkar_pengingat_iuran"
    assert [p["text"] for p in closed["template"]["components"][0]["parameters"]] == ["Desember 2026", "Rp8.400"]
    store.dispose()


async def test_a_run_that_died_after_claiming_is_taken_over_after_its_lease(db, fake_tg, tmp_path):
    core, store = setup(db, tmp_path, fake_tg, BROADCAST_LEASE="10")
    owner = f"telegram:{TG}"
    store.save_reminder_plan(owner, payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    assert store.claim_reminder(owner, dt.date(2026, 12, 1), "reminder", "dead-worker", lease_seconds=0.5)
    assert await run(core, store, "2026-12-07") == {"already": 1}        # held by the dead run
    time.sleep(0.6)
    assert await run(core, store, "2026-12-07") == {"sent_reminder": 1}
    assert await run(core, store, "2026-12-07") == {"already": 1}
    assert len(texts(fake_tg)) == 1
    store.dispose()


async def cli(env, *args: str):
    """``python -m bot.outreach ...`` without blocking the loop the fake Bot API runs on."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.outreach", *args, cwd=str(ROOT), env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode(), err.decode()


async def test_make_reminders_command_line_runs_a_day_once(db, fake_tg, tmp_path):
    env = outreach_env(tmp_path, db, fake_tg, None)
    core, store = setup(db, tmp_path, fake_tg)
    del core
    store.save_reminder_plan(f"telegram:{TG}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    outs = []
    for _ in range(2):
        code, out, err = await cli(env, "reminders", "--date", "2026-12-08")
        assert code == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    assert outs == [{"date": "2026-12-08", "sent_reminder": 1}, {"date": "2026-12-08", "already": 1}]
    assert len(texts(fake_tg)) == 1
    code, out, err = await cli(env, "reminders", "--date", "8/12")
    assert code == 2 and "YYYY-MM-DD" in err
    store.dispose()


async def test_the_worker_runs_the_daily_task_once_per_day(db, fake_tg, tmp_path):
    """The periodic task (hourly, deduplicated across workers) on the real job engine: run twice, one message."""
    from procrastinate.exceptions import AlreadyEnqueued

    from bot.outreach.jobs import REMINDER_CRON, REMINDER_TASK

    from .test_broadcast import run_worker, stop

    core, store = setup(db, tmp_path, fake_tg, LINGKAR_TODAY="2026-12-08")
    store.save_reminder_plan(f"telegram:{TG}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    rt = await open_runtime(core, store)
    try:
        periodic = {p.periodic_id: p for p in rt.app.periodic_registry.periodic_tasks.values()}
        assert periodic["payment-reminders"].task.name == REMINDER_TASK
        assert periodic["payment-reminders"].cron == REMINDER_CRON
        async with rt.app.open_async():
            worker = await run_worker(rt, "w-reminders")
            try:
                for stamp in (1, 2):            # two ticks of the clock (the next hour, or a restarted worker)
                    deadline = time.monotonic() + 30
                    while True:     # within ten minutes of the hour the worker defers its own tick first
                        try:
                            job_id = await rt.jobs.reminder_task.defer_async(timestamp=stamp)
                            break
                        except AlreadyEnqueued:
                            assert time.monotonic() < deadline
                            await asyncio.sleep(0.2)
                    while (await rt.app.job_manager.get_job_status_async(job_id)).value != "succeeded":
                        assert time.monotonic() < deadline
                        await asyncio.sleep(0.2)
            finally:
                await stop(worker)
    finally:
        await rt.close()
    assert len(texts(fake_tg)) == 1 and "Desember 2026" in texts(fake_tg)[0]
    store.dispose()


async def test_one_failing_send_does_not_stop_the_others_and_is_tried_again(tmp_path):
    """Senders that raise (a network outage for one person) on SQLite: the others are reminded, the failed one is
    released and sent by the next run."""
    from bot.outreach.reminders import Reminders
    from bot.outreach.senders import Outcome

    class Flaky:
        def __init__(self):
            self.sent, self.broken = [], {"1"}

        async def send(self, key, text, buttons, topic, attributes):
            if key in self.broken:
                raise RuntimeError("network down")
            self.sent.append(key)
            return Outcome.sent(f"m-{key}")

    use_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}", LINGKAR_TODAY="2026-12-07")
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    store.migrate()
    for key in ("1", "2"):
        store.save_reminder_plan(f"telegram:{key}", payment_day=10, period_months=1, first_month=dt.date(2026, 12, 1))
    sender = Flaky()
    reminders = Reminders(store, {"telegram": sender})
    assert await reminders.run(dt.date(2026, 12, 7)) == {"error": 1, "sent_reminder": 1}
    assert store.reminder_sends_for("telegram:1") == []               # released, not marked
    sender.broken.clear()
    assert await reminders.run(dt.date(2026, 12, 8)) == {"sent_reminder": 1, "already": 1}
    assert sender.sent == ["2", "1"]
    store.dispose()
