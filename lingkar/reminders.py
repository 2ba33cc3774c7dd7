"""Payment reminders for self-paying (BPU) workers (issue 16): when one is due and what it says. Plain Python.

A plan (:class:`lingkar.store.records.ReminderPlan`) says the worker's usual payment day (1-31; a month without that
day uses its last day, so 31 is "akhir bulan"), how many contribution months they pay at once (1, 3, 6 or 12), from
which contribution month, and the basis of the amount (the calculator's occupation and declared income).

* The payment on the day of month M is for contribution month M (and the following ones for a several-months
  payer). The contribution months a plan reminds are ``first_month`` and every ``period_months`` after it.
* A reminder for month M is **due** from ``payment day - days_before`` (REMINDER_DAYS_BEFORE, in the branch's time
  zone, WITA) up to the payment day itself: a run on any day of that window sends it if it was not sent yet (so
  a run after an outage catches up), and never after the payment day.
* The amounts are :func:`lingkar.calculator.month_amounts`: each contribution month priced for itself, so a
  reminder in December 2026 for December–February shows the discounted December and the normal months after the
  PP 50/2025 window closes.
* "ingatkan besok" (snooze): one re-send of the same reminder the next day, unless the worker said "sudah bayar".
* Lapse: two reminded payments in a row without "sudah bayar", the second payment day past: one warning per such
  run of unpaid reminders (cover stops after ``bpu.lapse_months`` unpaid months; how to pay arrears).

Lingkar cannot see payments: "unpaid" only means the worker did not tell us.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from lingkar import calculator
from lingkar.eligibility import _runs_text
from lingkar.facts import format_date, format_month, format_rupiah
from lingkar.store.records import ReminderPlan, ReminderSend
from lingkar.texts import get_flow_texts
from lingkar.texts.engine import Rendered

DEFAULT_DAYS_BEFORE = 3
#: A "besok" re-send later than this many days after the asked day is no longer sent (an outage ran past it).
SNOOZE_GRACE_DAYS = 3
#: The day number that means "akhir bulan" (the last day of every month).
END_OF_MONTH = 31


def payment_date(month: dt.date, day: int) -> dt.date:
    """The payment day in ``month``: day 31 in February is the 28th (29th), in April the 30th."""
    last = calendar.monthrange(month.year, month.month)[1]
    return dt.date(month.year, month.month, min(int(day), last))


def _index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def is_cycle_month(plan: ReminderPlan, month: dt.date) -> bool:
    """Whether ``month`` is one the plan pays (``first_month`` and every ``period_months`` after it)."""
    delta = _index(month) - _index(plan.first_month)
    return delta >= 0 and delta % plan.period_months == 0


def send_from(plan: ReminderPlan, month: dt.date, days_before: int) -> dt.date:
    return payment_date(month, plan.payment_day) - dt.timedelta(days=days_before)


def due_month(plan: ReminderPlan, on: dt.date, days_before: int = DEFAULT_DAYS_BEFORE) -> dt.date | None:
    """The contribution month whose reminder is due on ``on`` (its window holds ``on``), or None."""
    for shift in (0, 1):           # the window ends on a payment day: this month's or, before it, next month's
        month = calculator.month_start(on, shift)
        if is_cycle_month(plan, month) and send_from(plan, month, days_before) <= on <= payment_date(
                month, plan.payment_day):
            return month
    return None


def previous_cycle_month(plan: ReminderPlan, month: dt.date) -> dt.date:
    return calculator.month_start(month, -plan.period_months)


def snooze_due(plan: ReminderPlan, sends: Sequence[ReminderSend], on: dt.date) -> dt.date | None:
    """The month of a reminder the worker asked to be reminded of again ("besok") by ``on``, not paid since."""
    for s in sends:
        if (s.kind == "reminder" and s.answer == "snooze" and s.snooze_until is not None
                and s.snooze_until <= on <= s.snooze_until + dt.timedelta(days=SNOOZE_GRACE_DAYS)):
            return s.month
    return None


def lapse_due(plan: ReminderPlan, sends: Sequence[ReminderSend], on: dt.date) -> dt.date | None:
    """The first month of the current run of unpaid reminders when a lapse warning is due on ``on``: at least two
    reminders of consecutive payments without "sudah bayar", and the last payment day past. The warning is stored
    under that month, so each run of unpaid reminders is warned about once."""
    reminded = sorted((s for s in sends if s.kind == "reminder" and s.state == "sent"), key=lambda s: s.month)
    streak: List[ReminderSend] = []
    for s in reminded:
        consecutive = bool(streak) and previous_cycle_month(plan, s.month) == streak[-1].month
        if s.answer == "paid":
            streak = []
        elif consecutive:
            streak.append(s)
        else:
            streak = [s]
    if len(streak) < 2 or on <= payment_date(streak[-1].month, plan.payment_day):
        return None
    return streak[0].month


# ---------------------------------------------------------------------------------------------------- texts
@dataclass(frozen=True)
class ReminderText:
    text: str
    buttons: Tuple[dict, ...]
    month: str                 # "Desember 2026" (or "Desember 2026–Februari 2027"): the template's {{bulan}}
    amount: str                # "Rp8.400": the template's {{jumlah}}


def _worker(plan: ReminderPlan) -> calculator.Worker:
    try:
        return calculator.worker_for(plan.occupation)
    except calculator.UnknownOccupation:
        return calculator.GENERIC["BPU"]


def _buttons(r: Rendered) -> Tuple[dict, ...]:
    return tuple({"title": b["title"], "payload": b["payload"]} for b in r.buttons)


def reminder_text(plan: ReminderPlan, month: dt.date, on: dt.date) -> ReminderText:
    """The reminder for the payment of ``month`` (and the next months of a several-months payer), as of ``on``."""
    texts = get_flow_texts()
    amounts = calculator.month_amounts(_worker(plan), plan.income, month, plan.period_months)
    last = amounts.months[-1].month
    span = format_month(month) if plan.period_months == 1 else f"{format_month(month)}–{format_month(last)}"
    pay_day = format_date(payment_date(month, plan.payment_day))
    if plan.period_months == 1:
        r = texts.render("reminder_due", on, month=span, day=pay_day, amount=format_rupiah(amounts.total))
    else:
        r = texts.render("reminder_due_months", on, month=span, day=pay_day, count=plan.period_months,
                         runs=_runs_text(texts, amounts), total=format_rupiah(amounts.total))
    return ReminderText(r.text, _buttons(r), span, format_rupiah(amounts.total))


def snooze_text(plan: ReminderPlan, month: dt.date, on: dt.date) -> ReminderText:
    first = reminder_text(plan, month, on)
    r = get_flow_texts().render("reminder_again", on, reminder=first.text)
    return ReminderText(r.text, _buttons(r), first.month, first.amount)


def lapse_text(plan: ReminderPlan, month: dt.date, on: dt.date) -> ReminderText:
    """The one warning after unpaid reminders: when cover stops and how to pay arrears (month by month)."""
    texts = get_flow_texts()
    arrears = calculator.arrears_plan(_worker(plan), plan.income, on)
    r = texts.render("reminder_lapse", on, since=format_month(month), runs=_runs_text(texts, arrears))
    return ReminderText(r.text, _buttons(r), format_month(month), format_rupiah(arrears.total))
