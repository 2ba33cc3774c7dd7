"""What the eligibility and lead forms share: reading a turn, interruptions, skips, repeated failures, metadata.

Every form slot has a ``custom`` mapping in domain.yml, so only the form's validation action fills it. A
:class:`LingkarForm` reads the worker's latest message itself (with :mod:`lingkar.parsing`, the same code as the
NLU's entity extractor), so a bare answer to the question asked ("35", "1,5jt", "konsel", "lewati") works whatever
intent the NLU gave it. On every run it returns the slots it could fill and the next slot to ask
(``requested_slot``); ``None`` ends the form.

How a message during a form is handled, in order:

1. A value for the asked slot (and, in the eligibility form, any fact stated alongside) is taken.
2. Otherwise, if the message is clearly something else -- cancel, a question about another topic, "talk to a
   person", "data saya" -- the action returns no slot at all. Rasa then rejects the form for this turn and the
   rules answer it (``batal`` ends the form; a question is answered and the form asks again).
3. Otherwise "lewati" (or "no"/"tidak tahu") skips a skippable slot.
4. Otherwise the worker is told what was wrong and asked again. After :data:`MAX_FAILURES` failed answers to the
   same question the bot stops repeating it and offers to skip, cancel or talk to a person (the pattern of
   RasaHQ/financial-demo's repeated-validation handling).

A run that does not follow a user message (the form is activated after another action, or resumes after an
interruption) reads nothing: the message in the tracker then belongs to someone else.
"""
from __future__ import annotations

import abc
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction

from lingkar import clock
from lingkar.form_words import is_closing, leaving
from lingkar.signals import read_signals
from lingkar.slots import INTERRUPT_CONFIDENCE, SKIPPED, clean_answer, is_skip, real  # noqa: F401  (the forms' names)
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import FlowTexts, Rendered, get_answers, get_flow_texts

logger = logging.getLogger(__name__)

#: Slot that counts failed answers to the same question: {"slot": name, "count": n, "stuck": bool}.
FAILURES_SLOT = "form_failures"
#: Mark (in :data:`FAILURES_SLOT`) of a form the worker left in their own words ("bukan mau daftar", "nanti
#: saja"): the action that follows the form (result, submit) sees it and stays silent.
LEFT = "left"
MAX_FAILURES = 3
#: Intents that end or leave the form whatever the form asked.
CONTROL_INTENTS = frozenset({"cancel", "human_handoff", "my_data", "delete_my_data", "menu", "request_contact",
                             "sponsor_offer", "cannot_afford", "bot_challenge", "unsubscribe"})
#: "berhenti" / "stop": never an answer to any question (the NLU gives it confidence 1 for a bare stop word,
#: rasa_plugins/nlu/classifier.py); the form is rejected and the rules run action_unsubscribe.
STOP_INTENT = "unsubscribe"
#: A request to erase one's data: never an answer either, whatever else the message says.
ERASE_INTENTS = frozenset({"delete_my_data"})
#: Intents that are plain answers, never interruptions.
ANSWER_INTENTS = frozenset({"inform", "check_eligibility", "affirm", "deny", "nlu_fallback", "out_of_scope",
                            "greet", "thank", "goodbye"})



# ------------------------------------------------------------------------------------------------ tracker helpers
def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "").strip()


def last_turn_bot_events(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    """The bot's messages of its last turn (between the worker's latest message and the one before), newest first."""
    seen_user = False
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return
            seen_user = True
        elif kind == "bot" and seen_user:
            yield event


def latest_intent(tracker: Tracker) -> Tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def metadata(tracker: Tracker) -> Dict[str, Any]:
    """The channel metadata of the latest user message that had any (adapter: channel, referral, ...)."""
    meta = (tracker.latest_message or {}).get("metadata")
    if meta:
        return dict(meta)
    for event in reversed(tracker.events or []):
        if event.get("event") == "user" and event.get("metadata"):
            return dict(event["metadata"])
    return {}


def channel_of(tracker: Tracker) -> str:
    return str(metadata(tracker).get("channel") or tracker.get_latest_input_channel() or "unknown")[:32]


def referral_of(tracker: Tracker) -> Tuple[str | None, bool | None]:
    """The agent code of the worker's first agent link (upper case) and whether it was an approved agent's; else
    the approved agent's code the worker typed when asked where they heard of Lingkar (slot ``referral_code``,
    actions/source.py)."""
    meta = metadata(tracker)
    code = meta.get("referral")
    if not code:
        typed = tracker.get_slot("referral_code")
        return (str(typed).strip().upper()[:64], True) if typed else (None, None)
    known = meta.get("referral_known")
    return str(code).strip().upper()[:64] or None, (bool(known) if known is not None else None)


async def agent_code_known(code: str) -> bool:
    """Whether ``code`` is an active agent's (a lookup in the lead store; False when it cannot be reached)."""
    try:
        s = await run_sync(current)
        agent = await run_sync(s.agent_by_code, code)
    except Exception as e:  # the answer still counts, without the agent
        logger.error("agent code lookup failed (%s)", error_summary(e))
        return False
    return bool(agent is not None and agent.is_active)


async def resolved_referral(tracker: Tracker) -> Tuple[str | None, bool | None]:
    """:func:`referral_of`, with "is it an approved agent's code?" looked up in the store when the channel did not
    say (the WhatsApp channel has no agent list; the Telegram adapter's agent plugin says it)."""
    code, known = referral_of(tracker)
    if code and known is None:
        known = await agent_code_known(code)
    return code, known


_SKIP_EVENTS = ("slot", "active_loop", "loop_interrupted", "user_featurization", "action_execution_rejected")


def fresh_user_turn(tracker: Tracker, form_name: str) -> bool:
    """True when this validation run answers a user message (not a re-run after another action)."""
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind in _SKIP_EVENTS:
            continue
        if kind == "action" and event.get("name") in (form_name, "action_extract_slots", f"validate_{form_name}"):
            continue
        return kind == "user"
    return False


def activated_this_turn(tracker: Tracker, form_name: str) -> bool:
    """True when ``form_name`` was activated by the latest user message (its ``active_loop`` event comes after it):
    the form's first validation, whether or not facts were known before."""
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "active_loop" and event.get("name") == form_name:
            return True
    return False


_QUESTION_WORDS = re.compile(r"\b(apa|apakah|bagaimana|gimana|gmn|berapa|brp|kapan|kenapa|mengapa|knp|bisa|bisakah|"
                             r"boleh|bolehkah|dimana|di mana|mana|siapa|cara|caranya|gak sih|kah)\b", re.I)


def looks_like_a_question(text: str) -> bool:
    t = text or ""
    return "?" in t or bool(_QUESTION_WORDS.search(t)) or len(t.split()) >= 4


def asks_something(text: str) -> bool:
    """A question mark or a question word ("bisa iurannya dibayar pakai dana desa?"), without
    :func:`looks_like_a_question`'s "four words or more" (a long name or organisation is no question), or a report
    of a scam ("kemarin ada yg WA minta foto KTP dan kode OTP, katanya petugas"), which asks for the warning. A message
    that asks something and gives no value for the question is never a failed answer: the form leaves it to the
    rules (its answer, or "maksudnya…?") and then asks its question again."""
    return "?" in (text or "") or bool(_QUESTION_WORDS.search(text or "")) or read_signals(text or "").scam


def is_control(tracker: Tracker, answer_intents: frozenset = ANSWER_INTENTS, confidence_at_least: float = 0.7) -> bool:
    """A button of another topic, or a confident control intent ("batal", "hapus data saya", "cek kelayakan"):
    checked before a free-text answer (a name) is read, so "hapus data saya" never becomes a name."""
    intent, confidence = latest_intent(tracker)
    text = latest_text(tracker)
    if text.startswith("/"):
        return intent not in answer_intents
    if intent == "menu":
        return is_interruption(tracker, answer_intents)
    return (intent in CONTROL_INTENTS or intent == "check_eligibility") and intent not in answer_intents \
        and intent != "bot_challenge" and confidence >= confidence_at_least


#: At a form's question, "thank" or "goodbye" this sure ends the form (with no digits: "makasih, 0812…" answers).
CLOSING_CONFIDENCE = 0.6


def closing(tracker: Tracker, requested: str | None) -> bool:
    """The message at a form's question ``requested`` closes the conversation: thanks or goodbye, no answer in it."""
    intent, confidence = latest_intent(tracker)
    text = latest_text(tracker)
    if not requested or text.startswith("/") or any(c.isdigit() for c in text):
        return False
    return (intent in ("thank", "goodbye") and confidence >= CLOSING_CONFIDENCE) or is_closing(text)


def is_interruption(tracker: Tracker, answer_intents: frozenset = ANSWER_INTENTS) -> bool:
    """The latest message is clearly not an answer: a control intent (cancel, a person, "data saya", ...) or a
    question about another topic. A short answer the NLU happens to give a topic ("jakarta" as ask_card) is not
    a question, so it stays an answer the form can complain about."""
    intent, confidence = latest_intent(tracker)
    text = latest_text(tracker)
    if not intent or intent in answer_intents:
        return False
    if intent == "cancel":
        return confidence >= 0.3
    if confidence < INTERRUPT_CONFIDENCE:
        return False
    if text.startswith("/"):
        return True  # a button of another topic
    if intent == "menu":
        return bool(re.search(r"\b(menu|bantuan|mulai|start)\b", text, re.I))
    if (intent in CONTROL_INTENTS or intent == "check_eligibility") and intent != "bot_challenge":
        return True
    return (intent.startswith("ask_") or intent == "bot_challenge") and looks_like_a_question(text)


def send(dispatcher: CollectingDispatcher, rendered: Rendered, **extra: Any) -> None:
    kwargs: Dict[str, Any] = {"text": rendered.text}
    if rendered.buttons:
        kwargs["buttons"] = list(rendered.buttons)
    if rendered.facts:  # kept in the bot event's metadata for "sumber?" (lingkar/citations.py)
        kwargs["facts"] = list(rendered.facts)
    kwargs.update(extra)
    dispatcher.utter_message(**kwargs)


def say(dispatcher: CollectingDispatcher, text_name: str, /, **variables: Any) -> None:
    """Send the flow text ``text_name`` (content/answers.yml, ``flows``) for today."""
    send(dispatcher, get_flow_texts().render(text_name, clock.today(), **variables))


# ------------------------------------------------------------------------------------------------ the store
def error_summary(e: BaseException) -> str:
    """The error's type and first line: SQLAlchemy adds the statement and its parameters (personal data) below."""
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {first[:200]}"


async def record_event(kind: str, tracker: Tracker, **fields: Any) -> None:
    """Record an anonymous funnel event; a store failure is logged, never shown to the worker."""
    code, _known = referral_of(tracker)
    code = fields.pop("agent_code", code)
    try:
        s = await run_sync(current)
        await run_sync(s.record_event, kind, channel=channel_of(tracker), sender_id=tracker.sender_id,
                        agent_code=code, **fields)
    except Exception as e:  # the conversation goes on without the metric
        logger.error("could not record the %s event (%s)", kind, error_summary(e))


# ------------------------------------------------------------------------------------------------ the form base
@dataclass
class Turn:
    """What one message contributed to the form."""

    values: Dict[str, Any] = field(default_factory=dict)   # slot -> value to set (SKIPPED for a skip)
    failed: str | None = None  # flow text that says what was wrong (asked slot)
    failed_vars: Dict[str, Any] = field(default_factory=dict)
    failed_buttons: List[Dict[str, str]] = field(default_factory=list)
    failed_message: str | None = None  # a ready message (e.g. from lingkar.identity)
    messages: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)  # (flow text, variables) to send
    #: the messages are sent and the same question is asked again, without counting a failure (a phone number
    #: typed at the name question)
    again: bool = False


class LingkarForm(FormValidationAction, abc.ABC):
    """Validation of one of Lingkar's forms. Subclasses say which slots they need and how to read them."""

    #: Slots in the order they are asked (the form's required_slots in domain.yml).
    slots: Tuple[str, ...] = ()
    #: Slots the worker may skip ("lewati"); they get :data:`SKIPPED`.
    skippable: frozenset = frozenset()

    @abc.abstractmethod
    def name(self) -> str:
        ...

    # --- to override -------------------------------------------------------------------------------------
    def needed(self, slots: Dict[str, Any]) -> List[str]:
        """The slots still to ask, in order, given the values so far (override for dynamic forms)."""
        return list(self.slots)

    @abc.abstractmethod
    def read(self, requested: str | None, tracker: Tracker, slots: Dict[str, Any]) -> Turn:
        """Read the latest message: the value for ``requested`` (and any other the form takes from it)."""

    async def after(self, turn: Turn, dispatcher: CollectingDispatcher, tracker: Tracker,
                    slots: Dict[str, Any]) -> List[EventType]:
        """Hook after a turn was accepted (e.g. record a consent event)."""
        return []

    def stuck_text(self, slot: str) -> str:
        return "stuck" if slot in self.skippable else "stuck_required"

    def leave(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """The worker left the form in their own words: say so; the events that drop what it collected."""
        say(dispatcher, "eligibility_cancelled")
        return []

    #: Questions where closing thanks are never read as the answer: a name (any words are one), consent (the "ok" of
    #: "ok sy diskusikan dulu dgn kepsek. mksh ya" is no agreement).
    closing_wins: frozenset = frozenset()
    #: Optional questions still to come that a worker may refuse before they are asked ("sa tida mau kasih NIK lewat
    #: WA" at the consent question), each with the words that name it.
    named_ahead: Dict[str, re.Pattern[str]] = {}

    def declined_ahead(self, requested: str | None, tracker: Tracker) -> str | None:
        """The optional question still to come that the message refuses ("NIK nanti dulu, sa tida mau kasih NIK"),
        or None: that one is skipped and the question asked now is asked again, instead of the whole form ending."""
        text = latest_text(tracker)
        if not requested or text.startswith("/") or leaving(text, optional=True) != "decline":
            return None
        return next((slot for slot, words in self.named_ahead.items()
                     if slot != requested and slot in self.skippable and tracker.get_slot(slot) is None
                     and words.search(text)), None)

    def left_in_own_words(self, requested: str | None, tracker: Tracker) -> str | None:
        """"leave", "decline" (an optional question) or None, from content/forms.yml (lingkar/form_words.py). Thanks
        or goodbye at a question ("baik, terima kasih", "ok sy diskusikan dulu. mksh") leave too: the worker is
        done, and the form must not go on asking."""
        if not requested or latest_text(tracker).startswith("/"):
            return None
        if closing(tracker, requested) and (requested in self.closing_wins or requested not in self.read(
                requested, tracker, dict(tracker.slots)).values):
            return "leave"  # ("nanti sore aja ya, makasih" at "kapan dihubungi?" answers it, thanks and all)
        return leaving(latest_text(tracker), optional=requested in self.skippable)

    # --- the algorithm ----------------------------------------------------------------------------------
    async def required_slots(self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: Dict[str, Any]) -> List[str]:
        return self.needed(dict(tracker.slots))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        form = self.form_name()
        active = (tracker.active_loop or {}).get("name") == form
        requested = tracker.get_slot(REQUESTED_SLOT) if active else None
        slots = dict(tracker.slots)
        events: List[EventType] = []
        if fresh_user_turn(tracker, form):
            intent, confidence = latest_intent(tracker)
            if active and requested and intent == STOP_INTENT and (confidence >= INTERRUPT_CONFIDENCE
                                                                   or latest_text(tracker).startswith("/")):
                return [SlotSet(REQUESTED_SLOT, requested)]  # rejected: the rules stop everything
            if active and requested and intent in ERASE_INTENTS and confidence >= INTERRUPT_CONFIDENCE \
                    and not latest_text(tracker).startswith("/"):
                # "eh, hapus data saya ya, sy takut ketahuan kantor" at the NIK question: the fear is no refusal of
                # the NIK; rejected, and the rules erase (checked before any reading of the answer)
                return [SlotSet(REQUESTED_SLOT, requested)]
            ahead = self.declined_ahead(requested, tracker) if active else None
            if ahead:  # "NIK nanti dulu, sa tida mau kasih NIK lewat WA": that question is skipped, this one stays
                send(dispatcher, get_flow_texts().render(f"skipped_{ahead}_ahead", clock.today()))
                return [SlotSet(ahead, SKIPPED), SlotSet(REQUESTED_SLOT, requested)]
            own = self.left_in_own_words(requested, tracker) if active else None
            if own == "leave":
                if closing(tracker, requested):  # the thanks answered first, then what the form's end means
                    intent, _ = latest_intent(tracker)
                    send(dispatcher, get_answers().render(intent if intent == "goodbye" else "thank", clock.today()))
                return self.leave(dispatcher, tracker) + [
                    SlotSet(FAILURES_SLOT, {LEFT: form}), SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]
            if own == "decline":
                turn = Turn(values={requested: SKIPPED}, messages=[("skipped", {})])
            else:
                turn = self.read(requested, tracker, slots)
            failed = turn.failed is not None or turn.failed_message is not None
            if turn.again and requested and not turn.values:
                texts = get_flow_texts()
                for name, variables in turn.messages:
                    send(dispatcher, texts.render(name, clock.today(), **variables))
                # a slot must be set, or Rasa rejects the form for this turn (and drops these messages)
                return [SlotSet(FAILURES_SLOT, tracker.get_slot(FAILURES_SLOT)), SlotSet(REQUESTED_SLOT, requested)]
            if requested and not turn.values and not failed:
                # Nothing for this form in the message: returning no slot makes Rasa reject the form for this
                # turn, and the rules handle the message (cancel, another topic); the form then asks again.
                return [SlotSet(REQUESTED_SLOT, requested)]
            texts = get_flow_texts()
            on = clock.today()
            for name, variables in turn.messages:
                send(dispatcher, texts.render(name, on, **variables))
            for slot, value in turn.values.items():
                events.append(SlotSet(slot, value))
                slots[slot] = value
            if requested and requested not in turn.values and failed:
                events += self._failure(requested, turn, dispatcher, tracker, texts, on)
            elif requested in turn.values and tracker.get_slot(FAILURES_SLOT) is not None:
                events.append(SlotSet(FAILURES_SLOT, None))
            events += await self.after(turn, dispatcher, tracker, slots)
            for e in events:
                if e.get("event") == "slot":
                    slots[e["name"]] = e["value"]
        missing = [s for s in self.needed(slots) if slots.get(s) is None]
        events.append(SlotSet(REQUESTED_SLOT, missing[0] if missing else None))
        return events

    def _failure(self, slot: str, turn: Turn, dispatcher: CollectingDispatcher, tracker: Tracker,
                 texts: FlowTexts, on) -> List[EventType]:
        previous = tracker.get_slot(FAILURES_SLOT) or {}
        count = (int(previous.get("count") or 0) if previous.get("slot") == slot else 0) + 1
        if count >= MAX_FAILURES:
            send(dispatcher, texts.render(self.stuck_text(slot), on))
            return [SlotSet(slot, None), SlotSet(FAILURES_SLOT, {"slot": slot, "count": 0, "stuck": True})]
        if turn.failed_message:
            dispatcher.utter_message(text=turn.failed_message)
        if turn.failed:
            r = texts.render(turn.failed, on, **turn.failed_vars)
            if turn.failed_buttons:
                r = Rendered(r.intent, r.text, list(turn.failed_buttons), r.facts, r.flagged)
            send(dispatcher, r)
        return [SlotSet(slot, None), SlotSet(FAILURES_SLOT, {"slot": slot, "count": count, "stuck": False})]


class AskAction(Action, abc.ABC):
    """``action_ask_<slot>``: the question of a form slot, the flow text ``ask_<slot>`` unless :meth:`message`
    says otherwise, with the custom payload of :meth:`extra` (if any) after it; nothing when the form has just
    offered skip/cancel/person instead. Abstract: subclasses name the slot (or use :func:`ask_action`)."""

    @staticmethod
    def stuck_offered(tracker: Tracker, slot: str) -> bool:
        f = tracker.get_slot(FAILURES_SLOT) or {}
        return bool(f.get("stuck")) and f.get("slot") == slot

    @staticmethod
    def clear_stuck(slot: str) -> List[EventType]:
        return [SlotSet(FAILURES_SLOT, {"slot": slot, "count": 0, "stuck": False})]

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        """The flow text to send and its variables."""
        return f"ask_{self.slot}", {}

    def extra(self, tracker: Tracker) -> Dict[str, Any]:
        """A custom payload sent after the question (e.g. the adapter's share-contact keyboard)."""
        return {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        if self.stuck_offered(tracker, self.slot):
            return self.clear_stuck(self.slot)
        name, variables = self.message(tracker)
        say(dispatcher, name, **variables)
        extra = self.extra(tracker)
        if extra:
            dispatcher.utter_message(json_message=extra)
        return []


def ask_action(slot: str) -> type:
    """The :class:`AskAction` ``ActionAsk<Slot>`` that sends the plain ``ask_<slot>`` question. Assign it to a
    module-level name (``ActionAskNik = ask_action("nik")``); the action server registers every concrete subclass."""
    name = "ActionAsk" + "".join(word.capitalize() for word in slot.split("_"))
    return type(name, (AskAction,), {"slot": slot, "__doc__": f"The question of the ``{slot}`` slot."})


def slot_events(values: Dict[str, Any]) -> List[EventType]:
    return [SlotSet(k, v) for k, v in values.items()]


def reset(names: Iterable[str]) -> List[EventType]:
    return [SlotSet(n, None) for n in names]
