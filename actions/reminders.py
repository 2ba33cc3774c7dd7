"""Payment reminders in the conversation (issue 16): asking for them, and the answers to a reminder.

* ``ask_reminder`` ("ingatkan saya bayar iuran tiap tanggal 10") starts ``reminder_form``: the usual payment day
  (``reminder_day``: 1-31 or "akhir bulan", read from the first message when it is there), monthly or several months
  at once (``reminder_period``: buttons 1/3/6/12), then the consent text (what is sent, when, how to stop:
  "berhenti") with Ya / Tidak (``reminder_consent``). A worker who is not self-paying (the eligibility check said PU:
  the employer pays) is not asked anything: the form ends at once and ``action_reminder_save`` says kindly that
  reminders are for self-paying workers.
* ``action_reminder_save`` (after the form): with consent, the plan is stored (``Store.save_reminder_plan``: the
  first contribution month is the one whose payment day is still ahead; the amount basis is the eligibility check's
  occupation and income, else the lowest bracket) and the owner is subscribed to topic ``pengingat``.
* ``paid`` ("sudah bayar", the reminder's button) and ``snooze`` ("ingatkan besok") → ``action_reminder_answer``
  records the answer on the latest reminder (lingkar/store/reminders.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import answer_topic, previous_topic, send_scam_money_help
from actions.forms import (
    AskAction,
    LingkarForm,
    Turn,
    ask_action,
    asks_something,
    channel_of,
    error_summary,
    is_interruption,
    latest_intent,
    latest_text,
    reset,
    say,
)
from lingkar import calculator, clock
from lingkar import reminders as schedule
from lingkar.leads import read_consent
from lingkar.slots import real
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import get_answers

logger = logging.getLogger(__name__)

REMINDER_SLOTS = ("reminder_day", "reminder_period", "reminder_consent")
#: "sudah bayar" as a reply to a reminder is short; a question this long is about the topic under discussion.
QUESTION_MIN_WORDS = 5
#: The consent text's version (content/answers.yml ``ask_reminder_consent``), stored with the subscription.
REMINDER_CONSENT_VERSION = "pengingat-v1"
TOPIC = "pengingat"

_END_OF_MONTH = re.compile(r"\bakhir\s*(bulan|bln)\b", re.I)
_DAY = re.compile(r"\b(?:tanggal|tgl|tg|tiap|setiap)\.?\s*(\d{1,2})\b", re.I)
_BARE_DAY = re.compile(r"^\s*(\d{1,2})\s*$")
_MONTHLY = re.compile(r"\b(tiap|setiap|per)\s*(bulan|bln)\b|\bbulanan\b|\bsebulan sekali\b", re.I)
_MONTHS = re.compile(r"\b(\d{1,2}|tiga|enam|dua belas|setahun|tahunan)\s*(bulan|bln)?\b", re.I)
_WORDS = {"tiga": 3, "enam": 6, "dua belas": 12, "setahun": 12, "tahunan": 12}


def read_day(text: str, bare: bool = False) -> int | None:
    """The payment day in a message: "tiap tanggal 10" → 10, "akhir bulan" → 31; a bare "10" only when asked."""
    t = text or ""
    if _END_OF_MONTH.search(t):
        return schedule.END_OF_MONTH
    m = _DAY.search(t) or (_BARE_DAY.match(t) if bare else None)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


def read_period(text: str) -> int | None:
    """Monthly (1) or several months at once (3, 6, 12) from a button or typed answer."""
    t = (text or "").strip()
    if _MONTHLY.search(t) or t.lower() in ("1", "1 bulan", "sebulan"):
        return 1
    for m in _MONTHS.finditer(t):
        word = m.group(1).lower()
        n = _WORDS.get(word) or (int(word) if word.isdigit() else None)
        if n in (3, 6, 12):
            return n
    return None


def category_of(slots: Dict[str, Any]) -> str | None:
    """PU, BPU, ... from the eligibility check's result, else from the occupation the worker gave."""
    result = slots.get("eligibility") or {}
    if isinstance(result, dict) and result.get("category"):
        return str(result["category"])
    occupation = real(slots.get("occupation"))
    if occupation:
        try:
            return calculator.worker_for(str(occupation)).category
        except calculator.UnknownOccupation:
            return None
    return None


def self_paying(slots: Dict[str, Any]) -> bool:
    """Reminders are for BPU workers; a worker we know nothing about is taken at their word."""
    return category_of(slots) in (None, "BPU")


def first_month(day: int, on: dt.date) -> dt.date:
    """The first contribution month to remind: this month while its payment day is still ahead, else the next."""
    this = calculator.month_start(on)
    return this if schedule.payment_date(this, day) >= on else calculator.month_start(on, 1)


# ------------------------------------------------------------------------------------------------ the form
class ValidateReminderForm(LingkarForm):
    slots = REMINDER_SLOTS

    def name(self) -> str:
        return "validate_reminder_form"

    def needed(self, slots: Dict[str, Any]) -> List[str]:
        if not self_paying(slots):
            return []
        if slots.get("reminder_consent") == "no":
            return ["reminder_consent"]
        return list(self.slots)

    def read(self, requested: str | None, tracker: Tracker, slots: Dict[str, Any]) -> Turn:
        text = latest_text(tracker)
        if requested is None:       # the message that started the form: "ingatkan saya tiap tanggal 10"
            found: Dict[str, Any] = {}
            day, period = read_day(text), read_period(re.sub(_DAY, " ", text))
            if day:
                found["reminder_day"] = day
            if period and period > 1:
                found["reminder_period"] = period
            return Turn(values=found)
        if requested == "reminder_consent":
            intent, confidence = latest_intent(tracker)
            value = read_consent(text, intent, confidence)
            if value:
                return Turn(values={"reminder_consent": value})
        elif requested == "reminder_day":
            day = read_day(text, bare=True)
            if day:
                return Turn(values={"reminder_day": day})
        elif requested == "reminder_period":
            period = read_period(text)
            if period:
                return Turn(values={"reminder_period": period})
        if is_interruption(tracker) or asks_something(text):
            return Turn()           # answered by the rules, then asked again
        return Turn(failed=f"{requested}_invalid")

    def leave(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        say(dispatcher, "reminder_cancelled")
        return reset(REMINDER_SLOTS)


ActionAskReminderDay = ask_action("reminder_day")
ActionAskReminderPeriod = ask_action("reminder_period")


def describe(day: int, period: int) -> Tuple[str, str]:
    """("tanggal 10" / "akhir bulan", "tiap bulan" / "tiap 3 bulan") for the consent and confirmation texts."""
    texts_day = "akhir bulan" if day == schedule.END_OF_MONTH else f"tanggal {day}"
    return texts_day, ("tiap bulan" if period == 1 else f"tiap {period} bulan")


class ActionAskReminderConsent(AskAction):
    """What will be sent, when, and how to stop, with Ya / Tidak."""

    slot = "reminder_consent"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        day, period = describe(int(tracker.get_slot("reminder_day")), int(tracker.get_slot("reminder_period")))
        return "ask_reminder_consent", {"day": day, "period": period}


# ------------------------------------------------------------------------------------------------ after the form
class ActionReminderSave(Action):
    def name(self) -> str:
        return "action_reminder_save"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        slots = dict(tracker.slots)
        events = reset(REMINDER_SLOTS)
        if not self_paying(slots):
            say(dispatcher, "reminder_not_bpu")
            return events
        if slots.get("reminder_consent") != "yes" or not slots.get("reminder_day") or not slots.get(
                "reminder_period"):
            if slots.get("reminder_consent") == "no":
                say(dispatcher, "reminder_cancelled")
            return events
        day, period = int(slots["reminder_day"]), int(slots["reminder_period"])
        on = clock.today()
        result = slots.get("eligibility") or {}
        occupation = real(slots.get("occupation")) or (result.get("occupation") if isinstance(result, dict) else None)
        income = real(slots.get("income"))
        try:
            s = await run_sync(current)
            await run_sync(lambda: s.save_reminder_plan(
                tracker.sender_id, payment_day=day, period_months=period, first_month=first_month(day, on),
                occupation=str(occupation or "BPU"), income=int(income) if isinstance(income, (int, float)) else None))
            await run_sync(lambda: s.subscribe(tracker.sender_id, channel_of(tracker), TOPIC,
                                               consent_version=REMINDER_CONSENT_VERSION))
        except Exception as e:  # the worker is told; nothing half-done is claimed
            logger.error("could not save the reminder plan (%s)", error_summary(e))
            say(dispatcher, "reminder_unavailable")
            return events
        day_text, period_text = describe(day, period)
        say(dispatcher, "reminder_saved", day=day_text, period=period_text)
        return events


#: "sudah bayar", "sy sdh bayar ya": an answer to a reminder even when none was sent; longer messages that were sent
#: no reminder are about the topic under discussion
BARE_ANSWER_MAX_WORDS = 4


class ActionReminderAnswer(Action):
    """"sudah bayar" / "ingatkan besok" to the latest reminder."""

    def name(self) -> str:
        return "action_reminder_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker)
        if send_scam_money_help(dispatcher, tracker):  # "sy sudah terlanjur transfer" after the scam warning
            return []
        if asks_something(text) and len(text.split()) > QUESTION_MIN_WORDS:
            # "ternyata dia sudah bayar sejak Oktober 2023, berarti sudah 3 tahun toh?": a question about the topic
            # under discussion, not an answer to a reminder
            topic = previous_topic(tracker, get_answers())
            if topic:
                return answer_topic(dispatcher, tracker, topic, follow_up=True)
        answer = "snooze" if intent == "snooze" else "paid"
        tomorrow = clock.today() + dt.timedelta(days=1)
        try:
            s = await run_sync(current)
            row = await run_sync(lambda: s.record_reminder_answer(
                tracker.sender_id, answer, snooze_until=tomorrow if answer == "snooze" else None))
        except Exception as e:
            logger.error("could not record the reminder answer (%s)", error_summary(e))
            say(dispatcher, "reminder_unavailable")
            return []
        if row is None:
            topic = previous_topic(tracker, get_answers())
            if topic and len(text.split()) > BARE_ANSWER_MAX_WORDS:
                # "dia sdh kerja & bayar iuran 7 thn" after JKM: no reminder was sent, so it is about the topic
                return answer_topic(dispatcher, tracker, topic, follow_up=True)
            say(dispatcher, "reminder_nothing")
        elif answer == "snooze" and row.answer == "paid":
            say(dispatcher, "reminder_paid")
        else:
            say(dispatcher, "reminder_snoozed" if answer == "snooze" else "reminder_paid")
        return []
