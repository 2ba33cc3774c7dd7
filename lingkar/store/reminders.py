"""Payment reminders (issue 16): ``reminder_plans`` and ``reminder_sends`` (the job that sends them:
bot/outreach/reminders.py; when a reminder is due and what it says: lingkar/reminders.py).

One plan per owner (channel + sender id): the usual payment day, how many months the worker pays at once, and the
basis of the amount (the calculator's occupation and the declared income). ``active`` is False after "berhenti" or
"stop pengingat"; the plan stays so that "data saya" can show it until "hapus data saya" deletes it.

Exactly once, on an at-least-once job: every (owner, contribution month, kind) is one row, unique. A run *claims*
the row (inserts it ``claimed`` with a lease) before sending and marks it ``sent`` with the platform's message id
after, in an UPDATE that succeeds only while it still holds the claim. A second run for the same day finds the row and
sends nothing; a row claimed by a run that died is taken again once its lease has passed (the one at-least-once
window, as for broadcasts: docs/jobs.md).
"""
from __future__ import annotations

import datetime as dt
from typing import List, Tuple

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lingkar.store.base import Repository, StoreError, _clean
from lingkar.store.models import REMINDER_KINDS, REMINDER_PERIODS, reminder_plans, reminder_sends
from lingkar.store.records import ReminderPlan, ReminderSend

#: What a worker may answer to a reminder.
REMINDER_ANSWERS = ("paid", "snooze")


class ReminderError(StoreError):
    pass


def _owner(sender_id: str) -> Tuple[str, str]:
    channel, sep, recipient = str(sender_id).partition(":")
    if not sep or not channel or not recipient:
        raise ReminderError(f"not a sender id (channel:id): {sender_id!r}")
    return channel, recipient


def _is_owner(sender_id: str) -> bool:
    channel, sep, recipient = str(sender_id).partition(":")
    return bool(sep and channel and recipient)


class ReminderRepository(Repository):
    """Reminder plans and the reminders sent (mixed into :class:`lingkar.store.Store`)."""

    # ------------------------------------------------------------------ the worker's plan
    def save_reminder_plan(self, sender_id: str, *, payment_day: int, period_months: int, first_month: dt.date,
                           occupation: str = "BPU", income: int | None = None) -> ReminderPlan:
        """Create or replace the owner's plan (active). ``payment_day`` 1-31 (31: the month's last day)."""
        channel, recipient = _owner(sender_id)
        if not 1 <= int(payment_day) <= 31:
            raise ReminderError(f"payment day {payment_day} is not 1-31")
        if int(period_months) not in REMINDER_PERIODS:
            raise ReminderError(f"period {period_months} is not one of {REMINDER_PERIODS}")
        now = self.now()
        values = dict(payment_day=int(payment_day), period_months=int(period_months),
                      first_month=first_month.replace(day=1), occupation=str(occupation)[:64],
                      income=None if income is None else int(income), active=True, updated_at=now)
        p = reminder_plans.c
        with self._tx() as conn:
            found = conn.execute(self._for_update(select(p.id).where(p.channel == channel,
                                                                     p.recipient == recipient))).scalar()
            if found is None:
                try:
                    with conn.begin_nested():
                        found = self._insert_id(conn, reminder_plans, dict(channel=channel, recipient=recipient,
                                                                           created_at=now, **values))
                except IntegrityError:       # the same person saved twice at once: the other insert won
                    found = conn.execute(select(p.id).where(p.channel == channel, p.recipient == recipient)).scalar()
            conn.execute(update(reminder_plans).where(p.id == found).values(**values))
            self._audit(conn, "owner", "reminders.planned", "reminder_plan", found,
                        {"payment_day": values["payment_day"], "period_months": values["period_months"]})
            row = conn.execute(select(reminder_plans).where(p.id == found)).first()
        return _plan(row)

    def reminder_plan(self, sender_id: str) -> ReminderPlan | None:
        channel, recipient = _owner(sender_id)
        p = reminder_plans.c
        with self._ro() as conn:
            row = conn.execute(select(reminder_plans).where(p.channel == channel, p.recipient == recipient)).first()
        return _plan(row) if row is not None else None

    def stop_reminders(self, sender_id: str) -> bool:
        """No more reminders for the owner ("berhenti"); True when an active plan was stopped."""
        if not _is_owner(sender_id):
            return False  # "stop" from a REST sender ("blind-1a2b"): no channel to remind on, so never a plan
        channel, recipient = _owner(sender_id)
        p = reminder_plans.c
        with self._tx() as conn:
            n = conn.execute(update(reminder_plans).where(p.channel == channel, p.recipient == recipient,
                                                          p.active.is_(True))
                             .values(active=False, updated_at=self.now())).rowcount
            if n:
                self._audit(conn, "owner", "reminders.stopped", "reminder_plan", None, {})
        return bool(n)

    def active_reminder_plans(self) -> List[ReminderPlan]:
        with self._ro() as conn:
            rows = conn.execute(select(reminder_plans).where(reminder_plans.c.active.is_(True))
                                .order_by(reminder_plans.c.id)).all()
        return [_plan(r) for r in rows]

    # ------------------------------------------------------------------ what was sent, and the answers
    def reminder_sends_for(self, sender_id: str) -> List[ReminderSend]:
        """The owner's reminders, oldest month first."""
        channel, recipient = _owner(sender_id)
        s = reminder_sends.c
        with self._ro() as conn:
            rows = conn.execute(select(reminder_sends).where(s.channel == channel, s.recipient == recipient)
                                .order_by(s.month, s.id)).all()
        return [_send(r) for r in rows]

    def record_reminder_answer(self, sender_id: str, answer: str, snooze_until: dt.date | None = None
                               ) -> ReminderSend | None:
        """The worker's answer to their latest reminder: ``paid`` ("sudah bayar") or ``snooze`` ("ingatkan besok",
        with the day to remind again). None when no reminder was sent to them."""
        if answer not in REMINDER_ANSWERS:
            raise ReminderError(f"unknown answer {answer!r}")
        if answer == "snooze" and snooze_until is None:
            raise ReminderError("a snooze needs the day to remind again")
        if not _is_owner(sender_id):
            return None  # a REST sender ("blind-1a2b") has no channel a reminder could have gone to
        channel, recipient = _owner(sender_id)
        s = reminder_sends.c
        with self._tx() as conn:
            row = conn.execute(self._for_update(
                select(reminder_sends).where(s.channel == channel, s.recipient == recipient, s.kind == "reminder",
                                             s.state == "sent").order_by(s.month.desc()).limit(1))).first()
            if row is None:
                return None
            values = dict(answered_at=self.now(), answer=answer)
            if answer == "snooze":
                if row.answer == "paid":      # "sudah bayar" stands; a later "besok" does not undo it
                    values = {}
                else:
                    values["snooze_until"] = snooze_until
            if values:
                conn.execute(update(reminder_sends).where(s.id == row.id).values(**values))
            if answer == "paid" and row.answer != "paid":  # the outreach funnel (lingkar/store/outreach.py)
                self._outreach_event(conn, "reminder_paid", sender_id, channel)
            row = conn.execute(select(reminder_sends).where(s.id == row.id)).first()
        return _send(row)

    # ------------------------------------------------------------------ the job's side
    def claim_reminder(self, sender_id: str, month: dt.date, kind: str, worker: str,
                       lease_seconds: float = 300.0) -> bool:
        """Take the (owner, month, kind) reminder for sending: True when this worker may send it now (no row yet,
        or a claim whose lease has passed); False when it was sent, failed for good, or another run holds it."""
        if kind not in REMINDER_KINDS:
            raise ReminderError(f"unknown kind {kind!r}")
        channel, recipient = _owner(sender_id)
        now = self.now()
        until = now + dt.timedelta(seconds=lease_seconds)
        key = and_(reminder_sends.c.channel == channel, reminder_sends.c.recipient == recipient,
                   reminder_sends.c.month == month, reminder_sends.c.kind == kind)
        with self._tx() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(insert(reminder_sends).values(
                        channel=channel, recipient=recipient, month=month, kind=kind, state="claimed",
                        claimed_by=worker[:64], claimed_until=until, created_at=now))
                return True
            except IntegrityError:
                pass
            s = reminder_sends.c
            return conn.execute(update(reminder_sends).where(key, s.state == "claimed", s.claimed_until <= now)
                                .values(claimed_by=worker[:64], claimed_until=until)).rowcount == 1

    def _settle_reminder(self, sender_id: str, month: dt.date, kind: str, worker: str, **values) -> bool:
        channel, recipient = _owner(sender_id)
        s = reminder_sends.c
        with self._tx() as conn:
            done = conn.execute(update(reminder_sends).where(
                s.channel == channel, s.recipient == recipient, s.month == month, s.kind == kind,
                s.state == "claimed", s.claimed_by == worker[:64]).values(claimed_until=None, **values)).rowcount == 1
            if done and values.get("state") == "sent":  # the outreach funnel (lingkar/store/outreach.py)
                self._outreach_event(conn, "reminder_sent", sender_id, channel)
            return done

    def mark_reminder_sent(self, sender_id: str, month: dt.date, kind: str, worker: str, message_id: str) -> bool:
        """The platform took it: ``sent`` with its message id (only while ``worker`` holds the claim)."""
        return self._settle_reminder(sender_id, month, kind, worker, state="sent", sent_at=self.now(),
                                     platform_message_id=str(message_id)[:128], error=None)

    def mark_reminder_failed(self, sender_id: str, month: dt.date, kind: str, worker: str, error: str) -> bool:
        """The person cannot be reached (blocked the bot, number gone): never retried for that month."""
        return self._settle_reminder(sender_id, month, kind, worker, state="failed", error=_clean(error, 300))

    def release_reminder(self, sender_id: str, month: dt.date, kind: str, worker: str) -> bool:
        """Not sent (the platform said "later", the run stopped): the next run may send it."""
        channel, recipient = _owner(sender_id)
        s = reminder_sends.c
        with self._tx() as conn:
            return conn.execute(delete(reminder_sends).where(
                s.channel == channel, s.recipient == recipient, s.month == month, s.kind == kind,
                s.state == "claimed", s.claimed_by == worker[:64])).rowcount == 1

    # ------------------------------------------------------------------ the person's own data
    def _reminder_data(self, conn, channel: str, recipient: str) -> dict:
        """The plan and the reminders of one owner, for "data saya"."""
        p, s = reminder_plans.c, reminder_sends.c
        plan = conn.execute(select(reminder_plans).where(p.channel == channel, p.recipient == recipient)).first()
        sends = conn.execute(select(reminder_sends).where(s.channel == channel, s.recipient == recipient)
                             .order_by(s.month, s.id)).all()
        return {"plan": _plan(plan).to_dict() if plan is not None else None,
                "sent": [_send(r).to_dict() for r in sends]}

    def _delete_reminders(self, conn, channel: str, recipient: str) -> int:
        """Delete the owner's plan and reminder rows ("hapus data saya"); how many rows went."""
        p, s = reminder_plans.c, reminder_sends.c
        n = conn.execute(delete(reminder_sends).where(s.channel == channel, s.recipient == recipient)).rowcount
        n += conn.execute(delete(reminder_plans).where(p.channel == channel, p.recipient == recipient)).rowcount
        return n


def _plan(row) -> ReminderPlan:
    m = row._mapping
    return ReminderPlan(channel=m["channel"], recipient=m["recipient"], payment_day=m["payment_day"],
                        period_months=m["period_months"], first_month=m["first_month"], occupation=m["occupation"],
                        income=m["income"], active=bool(m["active"]), created_at=m["created_at"],
                        updated_at=m["updated_at"])


def _send(row) -> ReminderSend:
    m = row._mapping
    return ReminderSend(month=m["month"], kind=m["kind"], state=m["state"],
                        platform_message_id=m["platform_message_id"], sent_at=m["sent_at"], answer=m["answer"],
                        answered_at=m["answered_at"], snooze_until=m["snooze_until"])
