"""Subscriptions with consent ("langganan") and the offer of one at natural moments. "berhenti" is
``action_unsubscribe`` in actions/leads.py (it also ends a form, as "batal" does).

* ``subscribe`` ("langganan", the "Langganan info" button): ``action_subscribe`` shows the consent text (what they
  get, how often at most, how to stop) with "Ya, saya mau" / "Tidak"; someone already subscribed is told so.
* ``action_subscribe_answer`` after it: "Ya" stores the subscription (``Store.subscribe``, topic ``info``, with the
  regency, sector and agent the conversation knows), "Tidak" stores nothing.
* :func:`offer_subscription`: one short message with the "Langganan info" button after an eligibility result, a
  stored lead and the menu; at most once per conversation (slot ``subscription_offered``), never to someone
  subscribed, never inside a form, and not when the store cannot be reached (they could not subscribe then).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import channel_of, error_summary, latest_intent, resolved_referral, say, send
from lingkar import clock
from lingkar.eligibility import RESULT_SLOT
from lingkar.slots import real
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import get_answers

logger = logging.getLogger(__name__)

#: The version of the consent text (flow ``subscribe_consent``) stored with each subscription.
SUBSCRIPTION_CONSENT_VERSION = "langganan-v1"
#: The topic "langganan" subscribes to (``pengingat`` is subscribed to by the reminders).
DEFAULT_TOPIC = "info"
PENDING_SLOT = "subscribe_pending"
OFFERED_SLOT = "subscription_offered"


async def subscribed(tracker: Tracker) -> bool | None:
    """Whether the sender has any active subscription; None when the store cannot be reached."""
    try:
        s = await run_sync(current)
        return await run_sync(s.is_subscribed, tracker.sender_id)
    except Exception as e:
        logger.error("subscription lookup failed (%s)", error_summary(e))
        return None


async def offer_subscription(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The "Langganan info" offer, when it is due (see the module docstring); the events that remember it."""
    if tracker.get_slot(OFFERED_SLOT) or (tracker.active_loop or {}).get("name") or tracker.get_slot("delete_pending"):
        return []
    if await subscribed(tracker) is not False:
        return []
    say(dispatcher, "subscribe_offer")
    return [SlotSet(OFFERED_SLOT, True)]


def attribution(tracker: Tracker) -> Dict[str, Any]:
    """The regency and sector the conversation knows (slots, the last eligibility result)."""
    result = tracker.get_slot(RESULT_SLOT) or {}
    result = result if isinstance(result, dict) else {}
    regency = real(tracker.get_slot("regency")) or result.get("regency")
    return {"regency": regency if isinstance(regency, str) else None, "sector": result.get("sector")}


class ActionSubscribe(Action):
    """"langganan": the consent question (or "you are already subscribed")."""

    def name(self) -> str:
        return "action_subscribe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        state = await subscribed(tracker)
        if state is None:
            say(dispatcher, "subscription_failed")
            return [SlotSet(PENDING_SLOT, False)]
        if state:
            say(dispatcher, "already_subscribed")
            return [SlotSet(PENDING_SLOT, False), SlotSet(OFFERED_SLOT, True)]
        say(dispatcher, "subscribe_consent")
        return [SlotSet(PENDING_SLOT, True), SlotSet(OFFERED_SLOT, True)]


class ActionSubscribeAnswer(Action):
    """After the consent question: "Ya" subscribes, "Tidak" stores nothing."""

    def name(self) -> str:
        return "action_subscribe_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        if not tracker.get_slot(PENDING_SLOT):  # "ya" after "already subscribed": just a yes
            send(dispatcher, get_answers().render(intent if intent in ("affirm", "deny") else "menu", clock.today()))
            return []
        if intent != "affirm":
            say(dispatcher, "subscribe_declined")
            return [SlotSet(PENDING_SLOT, False)]
        code, known = await resolved_referral(tracker)
        try:
            s = await run_sync(current)
            await run_sync(s.subscribe, tracker.sender_id, channel_of(tracker), DEFAULT_TOPIC,
                           consent_version=SUBSCRIPTION_CONSENT_VERSION, agent_code=code if known else None,
                           **attribution(tracker))
        except Exception as e:
            logger.error("subscribe failed (%s)", error_summary(e))
            say(dispatcher, "subscription_failed")
            return [SlotSet(PENDING_SLOT, False)]
        say(dispatcher, "subscribed")
        return [SlotSet(PENDING_SLOT, False)]


__all__ = ["ActionSubscribe", "ActionSubscribeAnswer", "SUBSCRIPTION_CONSENT_VERSION", "attribution",
           "offer_subscription", "subscribed"]
