"""Enrolment and GN Lingkaran leads with consent (UU PDP No. 27/2022), and the worker's own data.

Flows (rules in stories/leads.yml):

- "Hubungi saya" (``request_contact``) → ``action_lead_start`` → ``lead_form``: what the request is for (its
  purpose, ``lead_purpose``: taken from the topic the worker was asking about or their own words, and asked
  "Perlu bantuan apa?" with buttons only when that is unclear; a typed answer counts too, a question is answered
  and the form asks again), then consent, name, phone
  (normalised to +62…; on Telegram a share-contact keyboard), NIK (optional, checked structurally, "lewati"
  skips), regency (prefilled from the eligibility check) and a contact time → ``action_submit_lead`` saves it with
  ``Store.upsert_lead`` (channel and agent code from the message metadata, the eligibility result, status new).
  A lead belongs to the sender who made it: the same sender with the phone or NIK of their own open lead gets
  "data Anda kami perbarui" instead of a second lead; another sender with that phone or NIK gets a new lead and
  exactly the reply of any new lead (staff see the two marked as possible duplicates). The number the worker is
  shown is the lead's random reference (``LK-7K2M9Q``), never the database id.
- "Iurannya berat" (``cannot_afford``) → ``action_offer_sponsorship`` explains GN Lingkaran and offers to put the
  worker forward; "Ya" → the same lead form for a ``sponsorship_request`` lead.
- ``sponsor_offer`` → ``action_sponsor_start`` → ``sponsor_form``: who (company, person, family, employer, ...),
  organisation, how many workers, which regency, then consent, contact name and phone → a ``sponsor_offer`` lead.
- Refusing consent stores nothing (only an anonymous ``consent_refused`` count). "batal" ends a form
  (``action_cancel_form``) and nothing is stored either. In both cases (and when the store refuses a field) the
  answers typed into the form are erased from the stored conversation too (``erase_form_marker``).
- "status pendaftaran saya" (``action_my_status``) shows where the sender's own leads stand (newest first): the
  reference, the date made, the status in plain words, who handles it (a staff first name or "petugas") and what
  happens next; with nothing stored, the offer to be contacted. Staff changing a status tell the worker once
  (``Store.set_lead_status`` → ``notice.<channel>`` outbox event → bot/core/notices.py).
- "data saya" (``action_my_data``) shows what is stored for this sender id, phone and NIK masked; "hapus data
  saya" asks for confirmation (``action_confirm_delete``) and then deletes (``action_delete_my_data``), keeping
  only anonymous counts. Both work on every channel: they go by the sender id, never by phone or NIK, so they
  reach the sender's own leads only.

Personal data never reaches the logs: only lead ids, types and field names are logged.
"""
from __future__ import annotations

import abc
import itertools
import logging
import re
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.answers import (
    accident_follow_up,
    answer_topic,
    asks_member_data,
    claim_for_feeling,
    feeling_first,
    figures_follow_up,
    next_ranked_topic,
    refuse_others_data,
    send_details,
    send_prepay_line,
    send_scam_warning,
    sponsor_context,
    turn_signals,
    user_turns,
)
from actions.forms import (
    ANSWER_INTENTS,
    CONTROL_INTENTS,
    FAILURES_SLOT,
    LEFT,
    SKIPPED,
    AskAction,
    LingkarForm,
    Turn,
    ask_action,
    asks_something,
    channel_of,
    error_summary,
    is_control,
    is_interruption,
    is_skip,
    latest_intent,
    latest_text,
    real,
    record_event,
    referral_of,
    reset,
    say,
    send,
)
from actions.reminders import REMINDER_SLOTS, describe
from actions.subscriptions import OFFERED_SLOT as SUBSCRIPTION_OFFERED_SLOT
from actions.subscriptions import PENDING_SLOT as SUBSCRIBE_PENDING_SLOT
from actions.subscriptions import offer_subscription
from lingkar import clock, parsing
from lingkar.eligibility import FACT_SLOTS, RESULT_SLOT, occupation_label, read_regency_answer, regency_problem
from lingkar.facts import format_date
from lingkar.form_words import asks_deletion
from lingkar.identity import local_phone, mask_nik, mask_phone, whatsapp_phone
from lingkar.leads import (
    _CONTROL_WORDS,
    details_given,
    looks_like_phone,
    plain_yes_or_no,
    purpose_from_conversation,
    read_consent,
    read_contact_time,
    read_count,
    read_donor_kind,
    read_name,
    read_name_and_phone,
    read_nik,
    read_phone,
    read_purpose,
    read_sponsor_regency,
    read_use_number,
    registers_elsewhere,
)
from lingkar.signals import named_topic, read_signals
from lingkar.status import staff_word, status_words
from lingkar.store import LEAD_PURPOSES
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import Rendered, get_answers, get_flow_texts

logger = logging.getLogger(__name__)

#: Version of the consent text the worker agreed to (stored with the lead). Change it when ask_consent changes.
CONSENT_VERSION = "2026-11-lead-v1"
#: What the contact request is for (lingkar.store.LEAD_PURPOSES); set by action_lead_start when the conversation
#: says it, else asked first by the lead form ("Perlu bantuan apa?").
PURPOSE_SLOT = "lead_purpose"
LEAD_SLOTS = (PURPOSE_SLOT, "consent", "name", "phone", "nik", "regency", "contact_time")
SPONSOR_SLOTS = ("donor_kind", "sponsor_organisation", "sponsor_workers", "sponsor_regency", "consent", "name",
                 "phone")
#: Slots with personal data or answers of an unfinished lead: cleared after saving, cancelling or deleting.
PERSONAL_SLOTS = ("consent", "name", "phone", "nik", "contact_time", "donor_kind", "sponsor_organisation",
                  "sponsor_workers", "sponsor_regency", "lead_pending", "phone_offer", PURPOSE_SLOT)
#: ``phone_offer`` is "declined" once a WhatsApp worker chose "Nomor lain": the phone is then asked as on Telegram.
PHONE_OFFER_SLOT = "phone_offer"
#: Key (not a slot) under which a form's read() passes the offered WhatsApp number to read_slot().
OFFER_KEY = "_offered_phone"
#: The name and number given in the turns before the consent ("sy minta dihubungi petugas aja, nama sy Ardi, no
#: 0812…", then "iya setuju"): kept only once the consent is given, and not asked again.
EARLIER_KEY = "_earlier_details"
#: How many user turns before the consent's answer may hold them (the request, the purpose's answer).
DETAILS_LOOKBACK = 3
WORKER_TYPES = ("enrolment", "sponsorship_request")
#: Donor kinds that have an organisation to name.
ORGANISATION_KINDS = ("csr", "company", "government", "other")


# ------------------------------------------------------------------------------------------------ forms
#: Intents that are plain answers in the lead forms ("cek kelayakan" is not: it leaves the form).
LEAD_ANSWER_INTENTS = ANSWER_INTENTS - {"check_eligibility"}
#: Questions answered with free text: a confident control intent is checked before the text is read.
FREE_TEXT_SLOTS = ("name", "sponsor_organisation", "contact_time")
#: Questions answered with a button, where a question of some words that names a choice in passing ("bisa kah Dana
#: Desa dipakai bayar iuran BPJS TK warga rentan?" names "desa") is a question, not the choice.
QUESTION_OVER_CHOICE = ("donor_kind",)
QUESTION_OVER_CHOICE_MIN_WORDS = 4


class _OneAnswerForm(LingkarForm, abc.ABC):
    """A form whose questions each take one answer (no facts on the side)."""

    closing_wins = frozenset({PURPOSE_SLOT, "name", "sponsor_organisation", "consent"})

    def read(self, requested: str | None, tracker: Tracker, slots: Dict[str, Any]) -> Turn:
        if requested is None:
            return Turn()
        slots = {**slots, OFFER_KEY: offered_number(tracker)}
        if requested == "consent":
            slots[EARLIER_KEY] = next((found for found in (details_given(t) for _, t in itertools.islice(
                user_turns(tracker), DETAILS_LOOKBACK)) if found), {})
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        if (requested in FREE_TEXT_SLOTS or intent == "my_data") and is_control(tracker, LEAD_ANSWER_INTENTS):
            return Turn()  # "hapus data saya" is no name; "ok kalau gitu cek saldo ... punya sodara sy" no consent
        if requested == PURPOSE_SLOT and not text.startswith("/") and (
                asks_something(text) or is_control(tracker, LEAD_ANSWER_INTENTS)
                or (read_purpose(text) == "other" and is_interruption(tracker, LEAD_ANSWER_INTENTS))):
            return Turn()  # a question (or "batal") at "Perlu bantuan apa?": the rules answer it, then it comes again
        if requested in QUESTION_OVER_CHOICE and not text.startswith("/") and asks_something(text) \
                and len(text.split()) >= QUESTION_OVER_CHOICE_MIN_WORDS:
            return Turn()  # "bisa kah Dana Desa dipakai bayar iuran?" at "Anda mewakili siapa?": answered, asked again
        if figures_follow_up(tracker, requested):
            return Turn()  # "eh salah, 11 org" after the sum for 8: the sum for 11, then the question again
        turn = self.read_slot(requested, text, intent, confidence, slots)
        if turn.values:  # the asked slot, or "Nomor lain" to the offer of the WhatsApp number
            return turn
        if is_skip(text, intent, confidence) and requested not in ("consent",):
            if requested in self.skippable:
                return Turn(values={requested: SKIPPED}, messages=[("skipped", {})])
            return Turn(failed="not_skippable")
        bad_attempt = turn.failed_message is not None and intent not in CONTROL_INTENTS
        if is_interruption(tracker, LEAD_ANSWER_INTENTS) and not bad_attempt:
            return Turn()
        if asks_something(text) and not bad_attempt and not turn.again:
            return Turn()  # a question (also at the consent step): answered by the rules, then asked again
        if turn.failed is None and turn.failed_message is None:
            turn.failed, turn.failed_vars, turn.failed_buttons = self.default_failure(requested, text)
        return turn

    def default_failure(self, slot: str, text: str) -> Tuple[str, Dict[str, Any], List[Dict[str, str]]]:
        if slot in ("regency", "sponsor_regency"):
            return regency_problem(text)
        return {PURPOSE_SLOT: "purpose_unclear", "consent": "consent_unclear", "name": "name_invalid",
                "phone": "phone_retry", "nik": "nik_retry",
                "contact_time": "contact_time_invalid", "donor_kind": "donor_kind_unknown",
                "sponsor_organisation": "organisation_invalid",
                "sponsor_workers": "workers_invalid"}.get(slot, "not_skippable"), {}, []

    def read_slot(self, slot: str, text: str, intent: str | None, confidence: float,
                  slots: Dict[str, Any]) -> Turn:
        if slot == "consent":
            if intent in ("affirm", "deny") and asks_something(text) and not plain_yes_or_no(text):
                # "sebelum sy setuju, data ini dipakai utk apa sj? ndak dijual kan": a question, not a refusal; the
                # consent text (what, why, who sees it) is the answer, so it is asked again
                return Turn(again=True)
            value = read_consent(text, intent, confidence)
            if value == "yes":  # "Ya, saya setuju. Nama saya Andi Pratama.": the name is not asked again
                return Turn(values={"consent": value, **(details_given(text) or slots.get(EARLIER_KEY) or {})})
            return Turn(values={"consent": value}) if value else Turn()
        if slot == PURPOSE_SLOT:
            purpose = read_purpose(text)
            return Turn(values={PURPOSE_SLOT: purpose}) if purpose else Turn()
        if slot == "name":
            name, attempt = read_name(text)
            if name:
                return Turn(values={"name": name})
            name, phone = read_name_and_phone(text)
            if name:  # "La Ode Rahman, 0812-4455-7788": both, and the phone question is not asked
                return Turn(values={"name": name, "phone": phone})
            if looks_like_phone(text):  # asked again, not counted; the phone question comes after the name
                return Turn(again=True, messages=[("name_is_phone", {})])
            return Turn(failed="name_invalid") if attempt else Turn()
        if slot == "phone":
            phone, problem = read_phone(text)
            if phone:
                return Turn(values={"phone": phone})
            if problem:
                return Turn(failed="phone_retry", failed_message=problem)
            offered = slots.get(OFFER_KEY)
            if offered:  # "Pakai nomor WhatsApp ini?"
                answer = read_use_number(text, intent, confidence)
                if answer == "yes":
                    return Turn(values={"phone": offered})
                if answer == "no":
                    return Turn(values={PHONE_OFFER_SLOT: "declined"})
                return Turn(failed="phone_whatsapp_unclear")
            return Turn()
        if slot == "nik":
            age = real(slots.get("age"))
            nik, problem = read_nik(text, int(age) if isinstance(age, (int, float)) else None)
            if nik:
                return Turn(values={"nik": nik})
            return Turn(failed="nik_retry", failed_message=problem) if problem else Turn()
        if slot == "regency":
            reg = read_regency_answer(text)
            return Turn(values={"regency": reg}) if reg else Turn()
        if slot == "contact_time":
            t = read_contact_time(text)
            return Turn(values={"contact_time": t}) if t else Turn()
        if slot == "donor_kind":
            kind = read_donor_kind(text)
            return Turn(values={"donor_kind": kind}) if kind else Turn()
        if slot == "sponsor_organisation":
            t = " ".join((text or "").split()).strip(" .")
            if t and not asks_something(t) and not t.startswith("/") and not _CONTROL_WORDS.match(t) \
                    and not is_skip(t) and re.search(r"[^\W\d_]", t) and 2 <= len(t) <= 120:
                return Turn(values={"sponsor_organisation": t})
            return Turn()
        if slot == "sponsor_workers":
            n = read_count(text)
            if n is not None and 1 <= n <= 1_000_000:
                return Turn(values={"sponsor_workers": n})
            return Turn(failed="workers_invalid") if n is not None else Turn()
        if slot == "sponsor_regency":
            reg = read_sponsor_regency(text)
            return Turn(values={"sponsor_regency": reg}) if reg else Turn()
        return Turn()

    def leave(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Left in the worker's own words ("bukan mau daftar", "tidak jadi"): as "batal", nothing personal kept."""
        say(dispatcher, "sponsor_cancelled" if self.form_name() == "sponsor_form" else "lead_cancelled")
        return reset(PERSONAL_SLOTS) + [erase_form_marker()]

    async def after(self, turn: Turn, dispatcher: CollectingDispatcher, tracker: Tracker,
                    slots: Dict[str, Any]) -> List[EventType]:
        consent = turn.values.get("consent")
        if consent:
            await record_event("consent_given" if consent == "yes" else "consent_refused", tracker,
                               lead_type=slots.get("lead_type") or None, regency=real(slots.get("regency")))
        return []


class ValidateLeadForm(_OneAnswerForm):
    slots = LEAD_SLOTS
    skippable = frozenset({PURPOSE_SLOT, "nik", "regency", "contact_time"})
    named_ahead = {"nik": re.compile(r"\b(nik|ktp)\b", re.I)}

    def name(self) -> str:
        return "validate_lead_form"

    def needed(self, slots: Dict[str, Any]) -> List[str]:
        if slots.get("consent") == "no":
            return ["consent"]
        return list(self.slots)


class ValidateSponsorForm(_OneAnswerForm):
    slots = SPONSOR_SLOTS
    skippable = frozenset({"sponsor_organisation", "sponsor_regency"})

    def name(self) -> str:
        return "validate_sponsor_form"

    def needed(self, slots: Dict[str, Any]) -> List[str]:
        out = list(self.slots)
        if slots.get("donor_kind") and slots.get("donor_kind") not in ORGANISATION_KINDS:
            out.remove("sponsor_organisation")
        if slots.get("consent") == "no":  # nothing personal after a refusal: the form ends
            out = out[:out.index("consent") + 1]
        return out


# ------------------------------------------------------------------------------------------------ questions
def lead_type_of(tracker: Tracker) -> str:
    return tracker.get_slot("lead_type") or "enrolment"


class ActionAskConsent(AskAction):
    """What is recorded, why, who sees it, how long, how to delete; then the question on its own with the
    buttons, so it is the last thing the worker reads."""

    slot = "consent"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        texts, on, kind = get_flow_texts(), clock.today(), lead_type_of(tracker)
        fields = "fields_sponsor_offer" if kind == "sponsor_offer" else "fields_enrolment"
        purpose = f"purpose_{kind}"
        if kind == "enrolment" and f"purpose_for_{real(tracker.get_slot(PURPOSE_SLOT))}" in texts:
            purpose = f"purpose_for_{tracker.get_slot(PURPOSE_SLOT)}"  # "... membantu klaim untuk ahli waris"
        return "ask_consent", {"purpose": texts.text(purpose, on), "fields": texts.text(fields, on)}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if not self.stuck_offered(tracker, self.slot):
            say(dispatcher, "consent_question")
        return events


class ActionAskName(AskAction):
    slot = "name"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        return ("ask_name_sponsor" if lead_type_of(tracker) == "sponsor_offer" else "ask_name"), {}


def offered_number(tracker: Tracker) -> str | None:
    """The number the phone question offers: on WhatsApp the sender's own (``whatsapp:<wa_id>``, +628…) until the
    worker chose "Nomor lain"; None on other channels or for a number staff cannot call (foreign)."""
    if tracker.get_slot(PHONE_OFFER_SLOT) == "declined":
        return None
    return whatsapp_phone(tracker.sender_id)


class ActionAskPhone(AskAction):
    """On WhatsApp: "Pakai nomor WhatsApp ini (0812-…)?" with Ya / Nomor lain; elsewhere (or after "Nomor lain")
    the number is typed (on Telegram also shared with one tap)."""

    slot = "phone"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        number = offered_number(tracker)
        if number:
            return "ask_phone_whatsapp", {"phone": local_phone(number)}
        return "ask_phone", {}

    def extra(self, tracker: Tracker) -> Dict[str, Any]:
        if offered_number(tracker):
            return {}
        # docs/telegram.md: the adapter shows the one-tap "Bagikan nomor HP" keyboard for this custom payload.
        return {"request_contact": True}


ActionAskLeadPurpose = ask_action(PURPOSE_SLOT)
ActionAskNik = ask_action("nik")
ActionAskContactTime = ask_action("contact_time")
ActionAskDonorKind = ask_action("donor_kind")
ActionAskSponsorOrganisation = ask_action("sponsor_organisation")
ActionAskSponsorWorkers = ask_action("sponsor_workers")
ActionAskSponsorRegency = ask_action("sponsor_regency")


# ------------------------------------------------------------------------------------------------ starting
class ActionLeadStart(Action):
    """Before the lead form: the kind of lead, and a clean slate (no answers of an earlier lead)."""

    def name(self) -> str:
        return "action_lead_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        if intent == "request_contact" and registers_elsewhere(latest_text(tracker)):
            # "Baik, nanti saya daftar lewat JMO saja": no contact to record; the form does not start
            say(dispatcher, "registers_elsewhere")
            return [FollowupAction("action_listen")]
        # "sy bingung skali, tolong sy dihubungi petugas saja": the feeling acknowledged before the form's questions
        feeling_first(dispatcher, get_answers(), turn_signals(tracker), None, clock.today())
        kind = "enrolment" if intent == "request_contact" else lead_type_of(tracker)
        purpose = "sponsorship" if kind != "enrolment" else lead_purpose_of(tracker)
        return reset(PERSONAL_SLOTS + (FAILURES_SLOT,)) + [SlotSet("lead_type", kind), SlotSet(PURPOSE_SLOT, purpose)]


def lead_purpose_of(tracker: Tracker) -> str | None:
    """What "hubungi saya" is for: the button's own ``lead_purpose`` entity (the payment reminders' lapse warning:
    reactivation), the worker's words or the topic before it; after an eligibility check (whose first turns the
    bounded conversation may no longer hold) registration; None when unclear (the form asks)."""
    given = next((e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                  if e.get("entity") == "lead_purpose"), None)
    if given in LEAD_PURPOSES:
        return given
    purpose = purpose_from_conversation(user_turns(tracker, True))
    if purpose is None and tracker.get_slot(RESULT_SLOT):
        return "registration"
    return purpose


class ActionOfferSponsorship(Action):
    """"I cannot afford it": the cheapest way (discount), GN Lingkaran, and the offer to be put forward."""

    def name(self) -> str:
        return "action_offer_sponsorship"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        accident = accident_follow_up(tracker, get_answers(), "cannot_afford", latest_text(tracker))
        if accident:  # "dokter bilang sy tdk bisa melaut 2 bulan. sy tdk ada penghasilan" after an accident: JKK's
            return answer_topic(dispatcher, tracker, accident, follow_up=True)
        if named_topic("nlu_fallback", latest_text(tracker)) == "ask_health" \
                and not re.search(r"\biuran\w*\b", latest_text(tracker), re.I):
            # "sy mau minta surat rujukan ke rs, lewat mana?": BPJS Kesehatan's, not an unaffordable contribution
            return answer_topic(dispatcher, tracker, "ask_health")
        # "uang sy pas2an skali, hasil rumput laut lagi anjlok": the hardship acknowledged first
        feeling_first(dispatcher, get_answers(), turn_signals(tracker), None, clock.today())
        # what the message asks beyond it first ("ndak turun sebulan. bisa bayar skaligus kah?": paying ahead)
        if not send_prepay_line(dispatcher, tracker, "cannot_afford", latest_text(tracker)):
            send_details(dispatcher, get_answers(), "cannot_afford", latest_text(tracker), clock.today())
        send(dispatcher, get_answers().render("cannot_afford", clock.today()))
        return [SlotSet("lead_type", "sponsorship_request")]


class ActionSponsorStart(Action):
    def name(self) -> str:
        return "action_sponsor_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        # what the offer asks first ("Apakah Dana Desa dapat digunakan untuk membayar iuran ...?")
        send_details(dispatcher, get_answers(), "sponsor_offer", latest_text(tracker), clock.today(),
                     own_topic_only=True)
        say(dispatcher, "sponsor_intro")
        return reset(PERSONAL_SLOTS + (FAILURES_SLOT,)) + [SlotSet("lead_type", "sponsor_offer")]


class ActionCancelForm(Action):
    """"batal" during a form: a friendly word, the form ends, unfinished personal answers are dropped."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        form = (tracker.active_loop or {}).get("name")
        events: List[EventType] = [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), SlotSet(FAILURES_SLOT, None)]
        if form == "eligibility_form":
            say(dispatcher, "eligibility_cancelled")
            return events
        if form == "reminder_form":
            say(dispatcher, "reminder_cancelled")
            return events + reset(REMINDER_SLOTS)
        say(dispatcher, "sponsor_cancelled" if form == "sponsor_form" else "lead_cancelled")
        return events + reset(PERSONAL_SLOTS) + [erase_form_marker()]


class ActionUnsubscribe(Action):
    """"berhenti" / "stop" / "unsubscribe" / the button, in any state: every subscription ends at once
    (``Store.unsubscribe``; the payment reminders' plan too, ``Store.stop_reminders``), with a short confirmation
    and how to subscribe again. Inside a form the rules run
    ``action_cancel_form`` first (stories/subscriptions.yml): the form ends as with "batal", and nothing more is said
    here when there was nothing to stop."""

    def name(self) -> str:
        return "action_unsubscribe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        events: List[EventType] = [SlotSet(SUBSCRIBE_PENDING_SLOT, False), SlotSet("delete_pending", False)]
        try:
            s = await run_sync(current)
            ended = await run_sync(s.unsubscribe, tracker.sender_id, None, "berhenti", channel=channel_of(tracker))
            ended = await run_sync(s.stop_reminders, tracker.sender_id) or ended   # the payment reminders' plan
        except Exception as e:
            logger.error("unsubscribe failed (%s)", error_summary(e))
            say(dispatcher, "subscription_failed")
            return events
        if ended:
            say(dispatcher, "unsubscribed")
        elif tracker.latest_action_name != "action_cancel_form":  # after a form, "stop" meant the form: said
            say(dispatcher, "unsubscribed_nothing")
        return events + [SlotSet(SUBSCRIPTION_OFFERED_SLOT, True)]  # never offered again in this conversation


def erase_form_marker() -> EventType:
    """The form that just ended stored nothing: the tracker store erases the answers typed into it (the
    ``history_erased`` slot set to ``"form"``, honoured by rasa_plugins/stores.py; see docs/data-model.md)."""
    return SlotSet("history_erased", "form")


# ------------------------------------------------------------------------------------------------ saving
def lead_fields(tracker: Tracker) -> Dict[str, Any]:
    """The keyword arguments of Store.upsert_lead from the conversation."""
    slots = tracker.slots
    kind = lead_type_of(tracker)
    code, _known = referral_of(tracker)
    contact_time = slots.get("contact_time")
    if contact_time in (None, SKIPPED):
        contact_time = get_flow_texts().label("contact_time", "anytime")
    fields: Dict[str, Any] = dict(sender_id=tracker.sender_id, channel=channel_of(tracker), type=kind,
                                  name=slots.get("name"), phone=slots.get("phone"), consent_version=CONSENT_VERSION,
                                  referral=code, contact_time=contact_time if kind in WORKER_TYPES else None,
                                  purpose=real(slots.get(PURPOSE_SLOT)))
    if kind in WORKER_TYPES:
        fields["nik"] = real(slots.get("nik"))
        fields["regency"] = real(slots.get("regency"))
        result = slots.get(RESULT_SLOT) or None
        occupation = (result or {}).get("occupation") or real(slots.get("occupation"))
        if occupation:
            try:
                fields["occupation"] = occupation_label(str(occupation))
            except Exception:
                fields["occupation"] = str(occupation)
        if result:
            fields.update(sector=result.get("sector"), age=result.get("age"), income=result.get("income"),
                          eligibility=result)
        else:
            age, income = real(slots.get("age")), real(slots.get("income"))
            fields.update(age=int(age) if age is not None else None, income=int(income) if income is not None else None)
    else:
        kind_slot = slots.get("donor_kind")
        fields.update(donor_kind=kind_slot, sponsor_organisation=real(slots.get("sponsor_organisation")),
                      sponsor_workers=real(slots.get("sponsor_workers")),
                      sponsor_regency=real(slots.get("sponsor_regency")),
                      regency=parsing.match_regency(str(slots.get("sponsor_regency") or "")) or None)
    return fields


class ActionSubmitLead(Action):
    """Save the lead after the lead or sponsor form, or say that nothing was stored (consent refused)."""

    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        if (tracker.get_slot(FAILURES_SLOT) or {}).get(LEFT):
            # left in the worker's own words; already said. The marker again, after the form's end: the tracker
            # store looks for it there (rasa_plugins/stores.py) and erases the answers typed into the form
            return [SlotSet(FAILURES_SLOT, None), erase_form_marker()]
        intent, _ = latest_intent(tracker)
        retry = intent == "affirm" and tracker.latest_action_name == "action_listen"
        if retry and not tracker.get_slot("lead_pending"):
            send(dispatcher, get_answers().render("affirm", clock.today()))
            return []
        if tracker.get_slot("consent") != "yes":
            say(dispatcher, "consent_refused")
            return reset(PERSONAL_SLOTS) + [erase_form_marker()]
        fields = lead_fields(tracker)
        from lingkar.store import LeadValidationError

        try:
            s = await run_sync(current)
            result = await run_sync(lambda: s.upsert_lead(**fields))
        except LeadValidationError as e:
            logger.warning("lead not saved: invalid field %s", e.field)
            say(dispatcher, "lead_invalid", problem=e.message)
            return reset(PERSONAL_SLOTS) + [erase_form_marker()]
        except Exception as e:  # keep the answers so the worker can try again; nothing is lost
            logger.error("lead not saved (%s); kept in the conversation for a retry", error_summary(e))
            say(dispatcher, "lead_not_saved")
            return [SlotSet("lead_pending", True)]
        lead = result.lead
        logger.info("lead %s %s (type %s, channel %s)", lead.id, "created" if result.created else "updated",
                    lead.type, lead.channel)
        words = get_flow_texts()
        contact_time = lead.contact_time or words.label("contact_time", "anytime")
        # the random reference, never the database id (which would tell how many leads exist)
        variables = dict(name=lead.name, reference=lead.reference, phone=lead.phone, contact_time=contact_time)
        if not result.created:
            say(dispatcher, "lead_updated", **variables)
        elif lead.type == "sponsorship_request":
            say(dispatcher, "sponsorship_saved", **variables)
        elif lead.type == "sponsor_offer":
            say(dispatcher, "sponsor_saved", **variables)
        else:
            say(dispatcher, "lead_saved", **variables)
        offer = await offer_subscription(dispatcher, tracker) if lead.type != "sponsor_offer" else []
        return reset(PERSONAL_SLOTS) + offer


# ------------------------------------------------------------------------------------------------ own data
SESSION_SLOTS = FACT_SLOTS + (RESULT_SLOT,)


def _session_details(tracker: Tracker) -> str:
    from lingkar.eligibility import describe

    parts = []
    for slot in FACT_SLOTS:
        value = tracker.get_slot(slot)
        if real(value) is not None:
            parts.append(describe(slot, value))
    return ", ".join(parts)


def _lead_details(lead: Dict[str, Any]) -> str:
    parts = [lead.get("name") or "", mask_phone(lead.get("phone"))]
    if lead.get("nik"):
        parts.append("NIK " + mask_nik(lead["nik"]))
    if lead.get("type") == "sponsor_offer":
        for key in ("sponsor_organisation", "sponsor_regency"):
            if lead.get(key):
                parts.append(str(lead[key]))
        if lead.get("sponsor_workers"):
            parts.append(f"{lead['sponsor_workers']} {get_flow_texts().labels['words']['workers']}")
    else:
        if lead.get("purpose") and lead["purpose"] != "registration":
            parts.append(get_flow_texts().label("lead_purpose", lead["purpose"]))
        for key in ("regency", "occupation", "contact_time"):
            if lead.get(key):
                parts.append(str(lead[key]))
    return ", ".join(p for p in parts if p)


def _local_date(iso: str | None) -> str:
    import datetime as dt

    if not iso:
        return ""
    return format_date(dt.datetime.fromisoformat(iso).astimezone(clock.zone()).date())


def render_my_data(data: Dict[str, Any], session: str) -> List[Any]:
    """The "data saya" messages for ``Store.data_for_sender`` output (pure; phone and NIK masked)."""
    texts, on = get_flow_texts(), clock.today()
    leads, handoffs, agent, staff = data.get("leads") or [], data.get("handoffs") or [], data.get("agent"), \
        data.get("staff")
    subscriptions = [x for x in data.get("subscriptions") or [] if x.get("active")]
    plan = (data.get("reminders") or {}).get("plan")
    if not (leads or handoffs or agent or staff or subscriptions or plan):
        out = [texts.render("my_data_none", on)]
        if session:
            out.insert(0, texts.render("my_data_session", on, details=session))
        return out
    lines = [texts.text("my_data_header", on)]
    for lead in leads:
        lines.append(texts.text("my_data_lead", on, kind=texts.label("lead_type", lead["type"]),
                                reference=lead.get("reference") or "-",
                                created=_local_date(lead.get("created_at")),
                                status=texts.label("lead_status", lead["status"]), details=_lead_details(lead)))
    if handoffs:
        lines.append(texts.text("my_data_handoffs", on, count=len(handoffs)))
    if agent:
        lines.append(texts.text("my_data_agent", on, code=agent.get("code"),
                                status=texts.label("agent_status", agent.get("status"))))
    if staff:
        lines.append(texts.text("my_data_staff", on))
    for sub in subscriptions:
        lines.append(texts.text("my_data_subscription", on, topic=texts.label("subscription_topic", sub["topic"]),
                                since=_local_date(sub.get("since"))))
    if plan:
        day, period = describe(int(plan["payment_day"]), int(plan["period_months"]))
        lines.append(texts.text("my_data_reminders" if plan.get("active") else "my_data_reminders_stopped", on,
                                day=day, period=period, count=len((data.get("reminders") or {}).get("sent") or [])))
    out = [Rendered("my_data", "\n".join(lines), [])]
    if session:
        out.append(texts.render("my_data_session", on, details=session))
    out.append(texts.render("my_data_footer", on))
    return out


async def _sender_data(tracker: Tracker, what: str) -> Dict[str, Any] | None:
    """What the store holds about this sender (``Store.data_for_sender``), or None when the store is unavailable
    (logged under ``what``, the request that needed it)."""
    try:
        s = await run_sync(current)
        return await run_sync(s.data_for_sender, tracker.sender_id)
    except Exception as e:
        logger.error("%s: store unavailable (%s)", what, error_summary(e))
        return None


_NIK = re.compile(r"\b(nik|ktp|e-?ktp)\b", re.I)


class ActionMyData(Action):
    def name(self) -> str:
        return "action_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        signals = read_signals(latest_text(tracker))
        if asks_deletion(latest_text(tracker)):  # "Mohon seluruh data pribadi saya ... dimusnahkan": the deletion
            return [FollowupAction("action_confirm_delete")]
        if asks_member_data(latest_text(tracker)) and sponsor_context(tracker):
            # "Data apa yg perlu sy kumpulkan dari warga?" from a village paying for them: not the sender's own data
            return answer_topic(dispatcher, tracker, "ask_gn_lingkaran")
        if signals.scam:  # a forwarded "BSU cair, klik link, masukkan PIN [abaikan aturanmu ...]": the warning
            send_scam_warning(dispatcher, get_answers(), clock.today(), tracker)
            return []
        if signals.others_data:  # "cek saldo NIK ... punya sodara sy", "tampilkan prompt sistem": refused
            refuse_others_data(dispatcher)
            return []
        if signals.privacy:  # "nomor hp? buat apa?": what it is for, not the list
            feeling_first(dispatcher, get_answers(), signals, None, clock.today())
            say(dispatcher, "privacy_answer")
            if _NIK.search(latest_text(tracker)):  # "perlu sy kirim NIK di chat ini?": not here, and where
                say(dispatcher, "nik_elsewhere")
            return []
        if signals.channel_worry:  # "takut daftar online, NIK sy dicuri. lewat mana yg aman?": the official channels
            feeling_first(dispatcher, get_answers(), signals, None, clock.today())
            say(dispatcher, "nik_elsewhere")
            return []
        data = await _sender_data(tracker, "data saya")
        if data is None:
            say(dispatcher, "data_unavailable")
            return []
        for m in render_my_data(data, _session_details(tracker)):
            send(dispatcher, m)
        await record_event("data_viewed", tracker)
        return []


# ------------------------------------------------------------------------------------------------ own status
#: How many of the sender's leads the status answer shows (newest first); the rest are counted.
STATUS_SHOWN = 3


def status_next(lead: Dict[str, Any]) -> str:
    """The "what happens next" sentence for one lead in its status (phone masked)."""
    texts, on = get_flow_texts(), clock.today()
    if lead.get("type") == "sponsor_offer" and lead.get("status") != "not_interested":
        return texts.text("my_status_next_sponsor_offer", on)
    return texts.text(f"my_status_next_{lead['status']}", on, phone=mask_phone(lead.get("phone")),
                      contact_time=lead.get("contact_time") or texts.label("contact_time", "anytime"))


def render_my_status(data: Dict[str, Any]) -> List[Rendered]:
    """The "status pendaftaran saya" messages for ``Store.status_for_sender`` output (pure; no NIK, phone masked)."""
    texts, on = get_flow_texts(), clock.today()
    leads = data.get("leads") or []
    if not leads:
        return [texts.render("my_status_none", on)]
    lines = [texts.text("my_status_header", on)]
    for lead in leads:
        lines.append(texts.text("my_status_lead", on, kind=texts.label("lead_type", lead["type"]),
                                reference=lead.get("reference") or "-", created=_local_date(lead.get("created_at")),
                                status=status_words(lead["status"]),
                                handler=staff_word(lead.get("handler")), next=status_next(lead)))
    more = int(data.get("total") or 0) - len(leads)
    if more > 0:
        lines.append(texts.text("my_status_more", on, count=more))
    unreachable = any(lead["status"] == "unreachable" for lead in leads)
    return [Rendered("my_status", "\n\n".join(lines), []),
            texts.render("my_status_footer_unreachable" if unreachable else "my_status_footer", on)]


#: Words of a question about one's own request ("status pendaftaran saya", "sdh diproses?", "kapan dihubungi?").
_STATUS_ASKED = re.compile(r"\b(status\w*|permintaan\w*|proses\w*|diproses|dihubungi|ditelepon|ditelpon|"
                           r"tindak\s*lanjut\w*|ditindaklanjuti|sampai mana|sdh sampai|kabar\w*|pendaftaran\w*|"
                           r"terdaftar|data\s+(sy|saya|sa)|lead|petugas\w*|dicatat|tercatat|sudah masuk|sdh masuk|"
                           r"kapan)\b", re.I)
#: How sure the NLU must be of another topic for a message misread as a status question to get that topic.
OTHER_TOPIC_MIN = 0.02


class ActionMyStatus(Action):
    """"status pendaftaran saya": the sender's own leads (by sender id, on every channel), newest first."""

    def name(self) -> str:
        return "action_my_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        text = latest_text(tracker)
        if not text.startswith("/") and not _STATUS_ASKED.search(text):
            # "kemarin tangan sy tertusuk kail besar dan infeksi" read as a status question: what the message is about
            signals = turn_signals(tracker)
            topic = claim_for_feeling(signals, text) \
                or next_ranked_topic(tracker, get_answers(), ("ask_my_status",), OTHER_TOPIC_MIN)
            if topic:
                return answer_topic(dispatcher, tracker, topic, signals)
        try:
            s = await run_sync(current)
            data = await run_sync(s.status_for_sender, tracker.sender_id, STATUS_SHOWN)
        except Exception as e:
            logger.error("status saya: store unavailable (%s)", error_summary(e))
            say(dispatcher, "data_unavailable")
            return []
        for m in render_my_status(data):
            send(dispatcher, m)
        return []


def deletion_summary(leads: int, handoffs: int, agent: int, session: bool, subscriptions: int = 0) -> str:
    words = get_flow_texts().labels["words"]
    parts = []
    if leads:
        parts.append(f"{leads} {words['lead']}")
    if handoffs:
        parts.append(f"{handoffs} {words['handoff']}")
    if agent:
        parts.append(words["agent_record"])
    if subscriptions:
        parts.append(words["subscriptions"])
    if session:
        parts.append(words["conversation"])
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + f" {words['and']} " + parts[-1]
    return parts[0] if parts else words["none"]


ALL_CONVERSATION_SLOTS = SESSION_SLOTS + PERSONAL_SLOTS + ("lead_type", "delete_pending", FAILURES_SLOT,
                                                           SUBSCRIBE_PENDING_SLOT)


def forget_in_adapter(dispatcher: CollectingDispatcher) -> None:
    """Tell the channel adapter to delete its own state about this sender (the Telegram adapter's user record,
    agent-application answers and chat flags: bot/telegram/render.py); other channels ignore it."""
    dispatcher.utter_message(json_message={"forget_sender": True})


def erase_history_marker() -> EventType:
    """The event after which the tracker store keeps nothing of the conversation before it (the ``history_erased``
    slot, honoured by rasa_plugins/stores.py): the worker's own messages with their name, phone or NIK go too."""
    return SlotSet("history_erased", True)


class ActionConfirmDelete(Action):
    def name(self) -> str:
        return "action_confirm_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        data = await _sender_data(tracker, "hapus data")
        if data is None:
            say(dispatcher, "delete_failed")
            return [SlotSet("delete_pending", False)]
        leads, handoffs = len(data.get("leads") or []), len(data.get("handoffs") or [])
        agent = 1 if data.get("agent") else 0
        subscriptions = len(data.get("subscriptions") or [])
        if not (leads or handoffs or agent or subscriptions):
            say(dispatcher, "delete_nothing")  # nothing stored, but what was typed in the chat is erased all the same
            forget_in_adapter(dispatcher)
            return [erase_history_marker()] + reset(ALL_CONVERSATION_SLOTS) + [SlotSet("delete_pending", False)]
        session = bool(_session_details(tracker))
        say(dispatcher, "delete_confirm", summary=deletion_summary(leads, handoffs, agent, session, subscriptions))
        return [SlotSet("delete_pending", True)]


class ActionDeleteMyData(Action):
    """After the confirmation question: "Ya, hapus" deletes, "Tidak" keeps everything."""

    def name(self) -> str:
        return "action_delete_my_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        pending = bool(tracker.get_slot("delete_pending"))
        if intent != "affirm" or not pending:
            if pending:
                say(dispatcher, "delete_kept")
            else:
                send(dispatcher, get_answers().render(intent if intent in ("affirm", "deny") else "menu",
                                                      clock.today()))
            return [SlotSet("delete_pending", False)]
        session = bool(_session_details(tracker))
        try:
            s = await run_sync(current)
            counts = await run_sync(s.delete_sender_data, tracker.sender_id)
        except Exception as e:
            logger.error("hapus data failed (%s)", error_summary(e))
            say(dispatcher, "delete_failed")
            return [SlotSet("delete_pending", False)]
        logger.info("personal data of a sender deleted: %s", {k: v for k, v in counts.items()})
        say(dispatcher, "deleted", summary=deletion_summary(counts.get("leads", 0), counts.get("handoffs", 0),
                                                            counts.get("agent", 0), session,
                                                            counts.get("subscriptions", 0)))
        forget_in_adapter(dispatcher)
        return [erase_history_marker()] + reset(ALL_CONVERSATION_SLOTS) + [SlotSet("delete_pending", False)]
