"""Payment reminders (issue 16): one run for one day, :meth:`Reminders.run`.

For every active plan (lingkar/store/reminders.py) whose owner is still subscribed to the topic ``pengingat`` (the
audience, as for broadcasts) and whose channel this process can send on, the run sends what is due that day
(:mod:`lingkar.reminders`): the reminder of the contribution month whose window holds the day, the one "besok"
re-send the worker asked for, the one lapse warning. Each is claimed in the store before it is sent and marked sent
with the platform's message id after (exactly once per owner, month and kind; a second run for the same day sends
nothing). The senders are the broadcasts' (bot/outreach/senders.py): Telegram with its signed buttons; WhatsApp as a
text inside the 24-hour window, else the ``reminder_contribution`` template.

Run daily by the worker's periodic task (jobs.py, ``lingkar.payment_reminders``) and by hand for a given day:
``python -m bot.outreach reminders --date YYYY-MM-DD`` (``make reminders DATE=...``).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any, Callable, Dict, Mapping, Tuple

from bot.core.pacing import Pacer
from lingkar import reminders as schedule
from lingkar.store import Store
from lingkar.store.aio import run_sync
from lingkar.store.records import ReminderPlan

from .audience import Audience
from .delivery import PER_CHAT, _evenly

log = logging.getLogger("lingkar.outreach.reminders")

TOPIC = "pengingat"
TEMPLATE = "reminder_contribution"
_TEXTS: Dict[str, Callable[..., schedule.ReminderText]] = {
    "reminder": schedule.reminder_text, "snooze": schedule.snooze_text, "lapse": schedule.lapse_text}


class Reminders:
    """Reminder work over a store, the audience (who still wants ``pengingat``) and one sender per channel."""

    def __init__(self, store: Store, senders: Mapping[str, Any], *, audience: Audience | None = None,
                 days_before: int = schedule.DEFAULT_DAYS_BEFORE, lease: float = 300.0, worker: str = "reminders",
                 rates: Mapping[str, Tuple[int, float]] | None = None):
        self.store, self.senders, self.audience = store, dict(senders), audience
        self.days_before, self.lease, self.worker = int(days_before), float(lease), worker[:64]
        self.pacers = {ch: Pacer(PER_CHAT, _evenly((rates or {}).get(ch))) for ch in self.senders}

    def due(self, plan: ReminderPlan, sends, on: dt.date):
        """(kind, contribution month) of what ``plan`` has due on ``on``, in sending order."""
        out = []
        month = schedule.due_month(plan, on, self.days_before)
        if month is not None:
            out.append(("reminder", month))
        month = schedule.snooze_due(plan, sends, on)
        if month is not None:
            out.append(("snooze", month))
        month = schedule.lapse_due(plan, sends, on)
        if month is not None:
            out.append(("lapse", month))
        return out

    async def run(self, on: dt.date) -> Dict[str, int]:
        """Send everything due on ``on`` and not sent yet; counts by outcome."""
        counts: Counter = Counter()
        for plan in await run_sync(self.store.active_reminder_plans):
            if plan.channel not in self.senders:
                counts["no_channel"] += 1
                continue
            if self.audience is not None and not await self.audience.still_subscribed(
                    plan.channel, plan.recipient, TOPIC):
                counts["unsubscribed"] += 1
                continue
            sends = await run_sync(self.store.reminder_sends_for, plan.sender_id)
            for kind, month in self.due(plan, sends, on):
                try:
                    counts[await self._send(plan, kind, month, on)] += 1
                except Exception:  # noqa: BLE001  (one person's failure must not stop the others' reminders)
                    log.exception("reminder %s %s on %s failed; the next run tries again", kind, month, plan.channel)
                    counts["error"] += 1
        log.info("reminders for %s: %s", on.isoformat(), dict(counts))
        return dict(counts)

    async def _send(self, plan: ReminderPlan, kind: str, month: dt.date, on: dt.date) -> str:
        sender_id = plan.sender_id
        if not await run_sync(self.store.claim_reminder, sender_id, month, kind, self.worker, self.lease):
            return "already"
        try:
            text = _TEXTS[kind](plan, month, on)
            async with self.pacers[plan.channel].slot(plan.recipient):
                outcome = await self.senders[plan.channel].send(
                    plan.recipient, text.text, list(text.buttons), TOPIC, {"bulan": text.month, "jumlah": text.amount})
        except BaseException:     # not sent: the next run may send it
            await run_sync(self.store.release_reminder, sender_id, month, kind, self.worker)
            raise
        if outcome.kind == "sent":
            if not await run_sync(self.store.mark_reminder_sent, sender_id, month, kind, self.worker,
                                  outcome.message_id):
                log.error("reminder %s %s was sent but its claim passed to another run", kind, month)
            return f"sent_{kind}"
        if outcome.kind == "failed":
            await run_sync(self.store.mark_reminder_failed, sender_id, month, kind, self.worker, outcome.error)
            if outcome.unsubscribe:
                await run_sync(self.store.stop_reminders, sender_id)
                if self.audience is not None:
                    await self.audience.stopped(plan.channel, plan.recipient, outcome.error)
            return "failed"
        await run_sync(self.store.release_reminder, sender_id, month, kind, self.worker)
        return "later"
