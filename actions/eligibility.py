"""The eligibility check: form validation, its questions, the result, and corrections after the result.

- ``validate_eligibility_form``: asks only what the calculation needs -- occupation, age and income (construction
  and migrant workers: only the occupation, their result depends on nothing else) -- and fills them from what the
  worker writes, in any order and form ("saya nelayan umur 35 penghasilan 2 juta", a bare "35" when asked the
  age, "1,5jt", "dua juta"), takes corrections at any time ("eh umur saya 36"), skips optional questions
  ("lewati") and explains bad answers (see :mod:`actions.forms`). A regency stated along the way ("di konsel") is
  kept, but never asked for: it does not change the result. While a question is still open, the worker is told
  what is already known: the facts and the category ("Sebagai nelayan, Anda termasuk pekerja mandiri ...").
- ``action_ask_occupation`` / ``_age`` / ``_income``: the questions (``flows`` in content/answers.yml), each
  saying why it is asked for the worker's category. ``action_ask_regency`` is the lead form's question.
- ``action_eligibility_result``: runs :func:`lingkar.calculator.assess` for today, shows the category, programmes,
  monthly amounts, age rules and next steps, offers "Hubungi saya" / "Cara daftar sendiri" / (BPU) "Iurannya berat",
  and records an anonymous ``eligibility_checked`` event (with the regency when known). When the regency is not
  known it ends with an optional question for it (buttons that send ``/inform{"regency": ...}``).
- ``action_inform``: a fact outside a form. After a result, a regency alone is noted (and counted for the funnel)
  without repeating the result; any other fact is a correction: the result is computed again. Before a result,
  the facts are kept for the check and the worker is offered to start it.
"""
from __future__ import annotations

import itertools
import logging
import re
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import (
    _SCHOOL,
    CATEGORY_TOPICS,
    CHECK_LIKE,
    COST_QUESTION,
    DEATH_BY_WAGE,
    INCOME_WORDS,
    JOIN_QUESTION,
    STAFF,
    THEIR_STAFF,
    UNPLACED_DETAIL_MAX_WORDS,
    _self_employed,
    accident_follow_up,
    answer_topic,
    asks_age_limit,
    claim_for_feeling,
    contract_follow_up,
    count_topic_before,
    dated_follow_up,
    death_in_conversation,
    feeling_first,
    figures_follow_up,
    follow_up_topic,
    foreign_worker_topic,
    heirs_get_topic,
    jp_years_topic,
    keep_topic,
    paying_ahead,
    phk_benefit_topic,
    previous_topic,
    question_topic,
    ranked_previous_topic,
    recent_topics,
    school_year_topic,
    send_arrears_line,
    send_balance_line,
    send_child_age_line,
    send_count_line,
    send_deferral,
    send_details,
    send_jkm_figure_doubt,
    send_jkp_tenure_line,
    send_last_paid_line,
    send_leaving_date_line,
    send_left_ago_line,
    send_membership_line,
    send_month_price,
    send_occupation_line,
    send_prepay_follow_up,
    send_scam_warning,
    send_scholarship_years_line,
    send_wage_line,
    situation_topic,
    sponsor_context,
    topic_over_check,
    turn_signals,
    user_turns,
    wage_in,
    wage_question_topic,
    wage_topic_before,
    work_topic,
)
from actions.forms import (
    FAILURES_SLOT,
    LEFT,
    SKIPPED,
    AskAction,
    LingkarForm,
    Turn,
    activated_this_turn,
    ask_action,
    asks_something,
    clean_answer,
    closing,
    fresh_user_turn,
    is_interruption,
    is_skip,
    latest_intent,
    latest_text,
    real,
    record_event,
    resolved_referral,
    say,
    send,
)
from actions.more import asks_for_more, send_more
from actions.source import answer_source
from actions.subscriptions import offer_subscription
from lingkar import calculator, clock
from lingkar.eligibility import (
    FACT_SLOTS,
    RESULT_SLOT,
    Reading,
    acknowledgement,
    assess_slots,
    describe,
    read_facts,
    regency_problem,
    render_result,
    resolve_occupation,
)
from lingkar.form_words import registers_now
from lingkar.leads import offered_name, offered_phone
from lingkar.parsing.occupation import match_occupation
from lingkar.signals import named_topic, programme_over_check, read_signals
from lingkar.texts import get_answers, get_flow_texts
from lingkar.wage_figures import (
    asks_partial,
    balance_value,
    count_line,
    last_paid_month,
    occupation_line,
    prepay_line,
    wage_line,
)

logger = logging.getLogger(__name__)
#: A question or a "what if": a follow-up of the topic under discussion, not a request to start the check.
_ASKS = re.compile(r"\?|^\s*(kalau|kalo|klo|kl|klu|jika|bila|gimana kalau|gmn kalau|bagaimana kalau)\b", re.I)
#: A correction of something told before ("oh salah, sy hitung lagi", "ternyata sudah 16 tahun").
_CORRECTS = re.compile(r"\b(salah|ternyata|trnyata|koreksi|ralat|maksud sa|maksud sy|maksud saya)\b", re.I)
#: Topics whose answer turns on months or years of membership a worker may correct after it.
CORRECTED_TOPICS = frozenset({"ask_jkp", "ask_jp", "ask_claim_jp", "ask_jht_partial", "ask_scholarship",
                              "ask_claim_jkm", "ask_jkm"})


FORM = "eligibility_form"
#: What the eligibility form asks, in order (the regency is taken when stated, never asked: it does not change the
#: result; the result asks for it afterwards, optionally).
FORM_SLOTS = ("occupation", "age", "income")
#: Categories whose result depends on the occupation only (no income-based contribution, no age rule).
OCCUPATION_ONLY = ("JAKON", "PMI")
#: Mark (in the form_failures slot) of a check that ended at its start to answer the question the message asked.
ANSWERED_INSTEAD = "answered_instead"


def _entities(tracker: Tracker) -> Dict[str, Any]:
    """Entity values of the latest message (NLU, or a "/intent{...}" button payload), first of each type."""
    out: Dict[str, Any] = {}
    for e in (tracker.latest_message or {}).get("entities") or []:
        if e.get("entity") in FACT_SLOTS and e.get("entity") not in out:
            out[e["entity"]] = e.get("value")
    return out


# ------------------------------------------------------------------------------------------------ the form
#: Words of the check itself: a question with one of them may well ask for the check ("brp iuran sy?").
_CHECK_WORDS = re.compile(r"\b(iuran\w*|bayar\w*|biaya\w*|cek|hitung\w*|daftar\w*|dftr\w*|ikut\w*|masuk|termasuk|"
                          r"layak|kelayakan|golongan|kategori|syarat\w*|peserta)\b", re.I)
#: An alternative topic the NLU ranked at least this high is answered instead of a check nobody asked for.
QUESTION_NOT_CHECK_MIN = 0.1


def question_not_check(tracker: Tracker, text: str) -> str | None:
    """A question the NLU read as "check my eligibility" that says nothing about the worker and nothing of the check
    ("apa sj yg dijamin klo sy disana?" after PMI): the best other topic it ranked, else the topic under discussion;
    None when the check may be what is asked."""
    if text.startswith("/") or not asks_something(text) or _CHECK_WORDS.search(text):
        return None
    try:
        if read_facts(text, {}, None, clock.today()).values:
            return None  # the worker describes themselves: the check is what they want
    except Exception:  # reading is best effort
        logger.exception("question_not_check: cannot read facts")
        return None
    answers = get_answers()
    ranking = sorted((tracker.latest_message or {}).get("intent_ranking") or [],
                     key=lambda r: -float(r.get("confidence") or 0.0))
    for r in ranking:
        name = r.get("name") or ""
        if name not in CHECK_LIKE and answers.clarifiable(name) and \
                float(r.get("confidence") or 0.0) >= QUESTION_NOT_CHECK_MIN:
            return name
    previous = previous_topic(tracker, answers)
    return previous if previous not in CHECK_LIKE else None


#: A member asking whether their membership still runs ("ikut BPU sejak 2023 ... Masih aktif?").
_STILL_ACTIVE = re.compile(r"\b(masih aktif|msh aktif|aktif kah|aktifkah|masih berlaku|msh berlaku|nonaktif|"
                           r"non aktif|sudah putus|sdh putus|hangus)\b", re.I)
_ALREADY_MEMBER = re.compile(r"\b(sudah ikut|sdh ikut|udah ikut|ikut\b[^.?!]{0,25}\bsejak|terdaftar sejak|"
                             r"peserta sejak|sudah terdaftar|sdh terdaftar|sudah jadi peserta|sdh jadi peserta)\b",
                             re.I)


def member_status_topic(text: str) -> str | None:
    """A member's question about their own status read as a check ("Saya petani cengkeh ..., ikut BPU JKK dan JKM
    saja sejak 2023. Terakhir bayar iuran bulan Oktober 2026. Masih aktif?"): what unpaid months mean, with the
    months still open to pay, not a check of what they already have."""
    if last_paid_month(text or "", clock.today()) or (_STILL_ACTIVE.search(text or "")
                                                      and _ALREADY_MEMBER.search(text or "")):
        return "ask_late_payment"
    return None


#: "terus bos saya bayar berapa?": the employer's share of a wage earner's contribution.
_EMPLOYER_PAYS = re.compile(r"\b(bos|boss|perusahaan|majikan|pemberi kerja|kantor|atasan|juragan|pengusaha)\w*\b"
                            r"[^.?!]{0,25}\b(bayar|membayar|tanggung|menanggung|bagian|setor)\w*\b|"
                            r"\bbagian (perusahaan|bos|majikan|pemberi kerja|kantor)\b", re.I)


def employer_share_topic(tracker: Tracker, text: str) -> str | None:
    """The wage earners' contribution, as a follow-up, for a short question about what the employer pays after it
    ("terus bos saya bayar berapa?" after "gaji 3 juta, berapa potongan dari gaji saya?"), not a check."""
    if len((text or "").split()) > 8 or not _EMPLOYER_PAYS.search(text or ""):
        return None
    return "ask_contribution_pu" if "ask_contribution_pu" in recent_topics(tracker)[:2] else None


#: A wage told of someone else ("Gaji bapak 3,5 juta sebulan."): the benefit's figures for it, not their contribution.
_SOMEONE_ELSE = re.compile(r"\b(bapak|bapa|ayah|papa|suami|istri|isteri|ibu|mama|anak|kakak|adik|almarhum\w*|alm|"
                           r"dia|beliau|dorang|mereka)\b", re.I)
#: Topics whose wage figures are benefits: a self-employed worker's income told after them asks what they would pay.
BENEFIT_WAGE_TOPICS = frozenset({"ask_jkk", "ask_claim_jkk", "ask_jkk_commute", "ask_jkm", "ask_claim_jkm"})
#: An income declared as a member ("penghasilan yg sa daftar 1 juta", "dilapor 1 juta"): benefits are counted on it.
_DECLARED = re.compile(r"\b(yg|yang)\s+(sa|sy|saya|dia|kami)?\s*(daftar\w*|lapor\w*)\b|\b(didaftarkan|dilapor\w*|"
                       r"terdaftar|daftar penghasilan|penghasilan terdaftar)\b", re.I)


def balance_topic(text: str) -> str | None:
    """A member telling their JHT balance, read as a check ("Saya sudah 12 tahun jadi peserta JHT dan masih bekerja.
    Saldo saya 40 juta."): the JHT answer with what that balance means (where it is claimed, the partial claim),
    not a check of a membership they already have."""
    return "ask_jht" if balance_value(text or "") else None


def employer_topic(text: str) -> str | None:
    """An employer's question read as a check of their own ("sa punya bengkel, ada 5 mekanik gaji masing2 2,5 juta.
    brp sebulan utk jht?"): the wage earners' contribution, with its figures for the wage named, not the owner's
    own check."""
    if not STAFF.search(text or "") or not asks_something(text or ""):
        return None
    return "ask_contribution_pu"


def said_this_turn(tracker: Tracker, text: str) -> bool:
    """The bot already sent ``text`` after the latest user message (Rasa may validate a form twice in one turn)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("text") or "") == text:
            return True
    return False


def wage_answer_rest(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, text: str) -> List[EventType]:
    """After the answer to a wage question that would have started the check (:func:`wage_question_topic`): the
    worker's own work's figures when the answer had none for that wage (a self-employed bracket the facts do not
    confirm), the wage kept as the worker's income, and the check offered."""
    wage = wage_in(text)
    own = not STAFF.search(text) and topic != "ask_contribution_pu" or \
        calculator.is_known_occupation(tracker.get_slot("occupation")) and \
        calculator.worker_for(str(tracker.get_slot("occupation"))).category == "PU" and not THEIR_STAFF.search(text)
    if not own or wage is None:
        return []
    if topic == "ask_contribution_bpu" and not wage_line(topic, wage, clock.today()):
        line = occupation_line(tracker.get_slot("occupation"), wage, clock.today())
        if line:
            dispatcher.utter_message(text=line)
    if topic in ("ask_contribution_bpu", "ask_contribution_pu") and not tracker.get_slot(RESULT_SLOT):
        send(dispatcher, get_answers().render_snippet("check_offer", clock.today()))
    return [SlotSet("income", wage)]


#: The mark of a check's first turn answered with the scam warning instead (no topic answer to record).
SCAM_MARK = "scam_warning"


#: BPJS Kesehatan's own matters ("mau naik kelas BPJS sy dr kelas 3 ke kelas 1 ... brp bayarnya sebulan?"): its
#: class and its health facility, in a message that does not name BPJS Ketenagakerjaan. Having a KIS card is no such
#: matter ("sy punya KIS, bisa ikut juga?" asks about joining us).
_HEALTH_ONLY = re.compile(r"\b(naik|turun|pindah|ganti)\s+kelas\b|\bkelas\s*(1|2|3|satu|dua|tiga|i{1,3})\b|"
                          r"\b(faskes|pindah faskes|ganti faskes)\b", re.I)
_OURS = re.compile(r"\b(tk|ketenagakerjaan|naker|jamsostek|bpjamsostek|jkk|jkm|jht|jp|jkp)\b", re.I)


def health_over_check(text: str) -> str | None:
    """BPJS Kesehatan's answer, not a check of our contribution, for a question about its class or facility that
    does not name BPJS Ketenagakerjaan or its programmes."""
    # (a school year is no class of care: "cucu saya sudah SMP kelas 1")
    return "ask_health" if _HEALTH_ONLY.search(text or "") and not _OURS.search(text or "") \
        and not _SCHOOL.search(text or "") else None


class ValidateEligibilityForm(LingkarForm):
    slots = FORM_SLOTS
    skippable = frozenset({"age", "income"})

    def name(self) -> str:
        return "validate_eligibility_form"

    def needed(self, slots: Dict[str, Any]) -> List[str]:
        occupation = slots.get("occupation")
        if occupation and calculator.is_known_occupation(occupation):
            if calculator.worker_for(occupation).category in OCCUPATION_ONLY:
                return ["occupation"]
        return list(self.slots)

    async def after(self, turn: Turn, dispatcher: CollectingDispatcher, tracker: Tracker,
                    slots: Dict[str, Any]) -> List[EventType]:
        """While a question is still open, say what is known: when the occupation has just been given or changed,
        and when the check starts with facts already known. The question that follows says why it is asked."""
        occupation = slots.get("occupation")
        if not calculator.is_known_occupation(occupation):
            return []
        if not [s for s in self.needed(slots) if slots.get(s) is None]:
            return []  # the result follows at once and says all of it
        starting = (tracker.active_loop or {}).get("name") != self.form_name()
        new = "occupation" in turn.values and turn.values["occupation"] != tracker.get_slot("occupation")
        if new or starting:
            send(dispatcher, acknowledgement(slots))
            keep_category_topic(dispatcher, occupation)
        if "income" in turn.values and calculator.worker_for(occupation).category == "BPU":
            # a self-employed worker's income (or its correction, "eh salah, 1,2 jt") gets its bracket now, not only
            # after the remaining questions
            send_wage_line(dispatcher, "ask_contribution_bpu", real(slots.get("income")))
        return []

    def stuck_text(self, slot: str) -> str:
        return "stuck_occupation" if slot == "occupation" else super().stuck_text(slot)

    def leave(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        if closing(tracker, tracker.get_slot("requested_slot")):
            return []  # "makasih kak, doakan sy lancar": the thanks answered (LingkarForm.run), nothing more to say
        return super().leave(dispatcher, tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        """A check that would start from a message asking something else ("sy petani umur 44 ... ada uang pengganti
        penghasilan?") answers that question instead; the facts are kept and the check is offered, not started.
        The form ends at once, and :class:`ActionEligibilityResult` sees the mark and stays silent."""
        starting = (tracker.active_loop or {}).get("name") != self.form_name()
        fresh = fresh_user_turn(tracker, self.form_name())
        first = fresh and (starting or activated_this_turn(tracker, self.form_name()))
        followed = None
        if first and not _ASKS.search(latest_text(tracker)) and statement_for_topic(dispatcher, tracker):
            # "sy baru 6 thn ikut" after the partial JHT claim, read as the check: that topic's line for it
            return [SlotSet(FAILURES_SLOT, {ANSWERED_INSTEAD: previous_topic(tracker, get_answers())}),
                    SlotSet("requested_slot", None), ActiveLoop(None)]
        if first and send_month_price(dispatcher, tracker, latest_text(tracker)):
            # "klo sy bayar bulan januari jadi brp?" after the discount: that month's contribution, no check
            keep_topic(dispatcher, "ask_contribution_bpu", clock.today())
            return [SlotSet(FAILURES_SLOT, {ANSWERED_INSTEAD: "ask_contribution_bpu"}), SlotSet("requested_slot", None),
                    ActiveLoop(None)]
        if first:
            # a short question about the topic under discussion ("umur sy 56, msh bisa?" or "kalau gaji sy 3 juta?"
            # after JKP) is answered for that topic, with the figures for the wage it names; the check is not started
            text, (intent, confidence) = latest_text(tracker), latest_intent(tracker)
            if sponsor_context(tracker) and SPONSOR_COST_ASKED.search(text) and not wage_in(text):
                # "Berapa per bulan kalau saya daftarkan bulan ini?" from someone paying for their maid: what one
                # worker costs, not a check of the sponsor's own contribution
                followed = "ask_contribution_bpu"
            elif _ASKS.search(text):
                followed = follow_up_topic(intent, text, previous_topic(tracker, get_answers()), confidence) \
                    or detail_of_previous(tracker, text)
            elif _CORRECTS.search(text) and re.search(r"\d", text) \
                    and previous_topic(tracker, get_answers()) in CORRECTED_TOPICS:
                # "oh salah, sy masuk Agustus 2025, jadi sdh 16 bulan" after JKP's 12 months: that topic's figures
                # for the corrected months or years, not a check of the worker's own contribution
                followed = previous_topic(tracker, get_answers())
            # "sy tdk bisa melaut berapa bulan, penghasilan sy hilang" a turn or two after an accident: JKK's wage
            # replacement, not a check of the worker's own contribution
            followed = followed or employer_share_topic(tracker, text) \
                or accident_follow_up(tracker, get_answers(), "check_eligibility", text) \
                or school_year_topic(tracker, text) \
                or heirs_get_topic(tracker, text) \
                or jp_years_topic(tracker, text)  # "cucu saya SMP kelas 1" after a death; "pas 15 tahun" after JP
            wage_topic = None if followed else wage_question_topic(tracker, text)
            if not followed and not wage_topic and _DECLARED.search(text) and wage_in(text) \
                    and wage_topic_before(tracker) in BENEFIT_WAGE_TOPICS:
                # "penghasilan yg sa daftar 1 juta" after a member's accident: what JKK pays on that income
                wage_topic = wage_topic_before(tracker)
            followed = followed or wage_topic or paying_ahead(question_not_check(tracker, text), text) or (
                "ask_payment" if prepay_line(None, None, text, clock.today()) else None)  # "sa ojol ..., kalo sa
            # bayar 3 bulan sekalian mulai Januari brp?": those months' total for that work, no check
            before = count_topic_before(tracker)  # "klo sy ajak 100 org, sy dpt brp?" after the agent answer
            if not followed and before and count_line(before, text, clock.today()):
                followed = before
        if followed or first:
            signals = read_signals(latest_text(tracker))
            # a loss or an injury told at the start is about the claim ("suami sy meninggal ... gaji 4 jt ... sy blm
            # tau harus mulai dr mana"), never a check of the widow's own contribution that would trap her answers;
            # a topic the message names by its own words ("sy sdh jadi agen perisai ... skrg yg berlaku brp?") is
            # answered rather than a check nobody asked for
            named = (named_topic("check_eligibility", latest_text(tracker)) or employer_topic(latest_text(tracker))
                     or member_status_topic(latest_text(tracker)) or balance_topic(latest_text(tracker))
                     or programme_over_check(latest_text(tracker)) or health_over_check(latest_text(tracker))
                     # "hari ini sy resmi di PHK ... dari BPJS TK sy dapat apa saja?": what a lost job pays
                     or phk_benefit_topic(latest_text(tracker))) \
                if first else None
            topic = followed or (named if named in get_answers() else None) or (
                topic_over_check(tracker, get_answers(), signals) if starting and fresh
                else claim_for_feeling(signals, latest_text(tracker)))
            if first and not topic and signals.scam:
                # "sa menang undian bpjs 50 juta, harus transfer pajak dulu 2 juta. benar kah?": the warning, no check
                feeling_first(dispatcher, get_answers(), signals, None, clock.today())
                send_scam_warning(dispatcher, get_answers(), clock.today(), tracker)
                return [SlotSet(FAILURES_SLOT, {ANSWERED_INSTEAD: SCAM_MARK}), SlotSet("requested_slot", None),
                        ActiveLoop(None)]
            if topic:
                # a wage question is a follow-up of a topic under discussion, not of one it names itself
                follow_up = bool(followed) and (topic != wage_topic or topic in recent_topics(tracker)
                                                or any(name in DEATH_BY_WAGE for name in recent_topics(tracker)))
                events = answer_topic(dispatcher, tracker, topic, follow_up=follow_up)
                if topic == wage_topic:
                    events += wage_answer_rest(dispatcher, tracker, topic, text)
                return events + [SlotSet(FAILURES_SLOT, {ANSWERED_INSTEAD: topic}), SlotSet("requested_slot", None),
                                 ActiveLoop(None)]
        # the check starts: a feeling in the message first ("sy was2 skali, ..."), once: Rasa validates facts known
        # before the check on activation (``starting``) and again after it, a check from nothing only after it
        known = any(tracker.get_slot(s) is not None for s in ("occupation", "age", "income"))
        if first and (starting or not known):
            feeling_first(dispatcher, get_answers(), read_signals(latest_text(tracker)), None, clock.today())
            # what the check's questions do not answer ("ada batas umur kah?", "UMP kah dasarnya?"), first
            send_details(dispatcher, get_answers(), "check_eligibility", latest_text(tracker), clock.today(),
                         own_topic_only=True)
        if calculator.is_known_occupation(tracker.get_slot("occupation")):
            values = read_facts(latest_text(tracker), _entities(tracker), None, clock.today()).values
            # "sy digaji dari sekolah 1,2 juta, apa sy bisa ikut bpjs tk?" with the work known: whether such a worker
            # joins, and how, before the check's next question
            joins = bool(JOIN_QUESTION.search(latest_text(tracker))) \
                and values.get("occupation") in (None, tracker.get_slot("occupation"))
            if first and not starting and (not values or joins):
                # "brp iurannya utk sy?" after "sa ojol maxim": what such a worker pays at least comes first, then
                # the questions for the exact figure (on activation, and for a message with facts, after() says it),
                # once
                ack = acknowledgement(dict(tracker.slots))
                if not said_this_turn(tracker, ack.text):
                    send(dispatcher, ack)
                    keep_category_topic(dispatcher, tracker.get_slot("occupation"))
            elif values.get("income") and ((COST_QUESTION.search(latest_text(tracker))
                                             and latest_intent(tracker)[0] in ("check_eligibility", "inform"))
                                            or corrected_income(tracker, values["income"])):
                # "penghasilan sy 1,5 juta, iurannya berapa?" after "sy petani rumput laut" (at any of the check's
                # questions), or "eh salah, sebenarnya 1,5 juta" after the figures for 900 ribu: that income's
                # figures before the check's next question
                line = occupation_line(tracker.get_slot("occupation"), values["income"], clock.today())
                if line and not said_this_turn(tracker, line):
                    dispatcher.utter_message(text=line)
        if fresh and not starting and asks_age_limit(latest_text(tracker), clock.today()):
            say(dispatcher, "age_limit_asked")  # "tp umur sy sdh 67, masih bisa?" at the income question
        return await super().run(dispatcher, tracker, domain)

    def read(self, requested: str | None, tracker: Tracker, slots: Dict[str, Any]) -> Turn:
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        if not text.startswith("/") and read_signals(text).scam:
            # "ada yg dm sy katanya dari bpjs tawarkan upgrade kepesertaan premium 150rb" at the income question: a
            # scam told, never an answer; the rules warn, then the form asks again
            return Turn()
        found = read_facts(text, _entities(tracker), requested, clock.today())
        turn = Turn(messages=list(found.notes))
        changed = []
        for slot, value in found.values.items():
            turn.values[slot] = value
            if slot != requested and slots.get(slot) not in (None, value):
                changed.append(describe(slot, value))
        for slot, (name, variables) in found.problems.items():
            if slot == requested:
                turn.failed, turn.failed_vars = name, variables
            else:
                turn.messages.append((name, variables))
        occupation_changed = found.values.get("occupation") not in (None, slots.get("occupation")) \
            and slots.get("occupation") is not None
        if changed and not occupation_changed:  # a new occupation is said back with its category (after())
            turn.messages.append(("noted", {"changes": ", ".join(changed)}))
        if turn.failed and (intent or "").startswith("ask_") and asks_something(text):
            # "anak sa satu, umur 3 tahun, beasiswa dapat kah?" at the age question: a question with someone else's
            # number is no wrong answer; the rules answer it and the form asks its question again
            return Turn()
        if requested is None or requested in turn.values or turn.failed:
            return turn
        if is_skip(text, intent, confidence):
            if requested in self.skippable:
                turn.values[requested] = SKIPPED
                turn.messages.append(("skipped", {}))
            else:
                turn.failed = "not_skippable"
            return turn
        place_only = set(turn.values) <= {"regency"} and "?" in text  # "di wangi-wangi tida ada kantor, bayar di
        # kantor pos bisa?": a question that says where the worker is
        nothing_new = all(slots.get(k) == v for k, v in turn.values.items())  # "kalau sy meninggal ketimpa pohon
        # di kebun?" from a farmer: "kebun" says the work already known, so the message is only its question
        if turn.values and ((intent or "").startswith("ask_") or place_only or nothing_new) \
                and (is_interruption(tracker) or asks_something(text)):
            # a question about another topic that also names a place or an amount ("ada agen kah yg bisa datang ke
            # kampung? bank cuma di andoolo"): answered by the rules (the answer keeps what it says of the worker),
            # then the form asks its question again
            return Turn()
        if turn.values:
            return turn  # other facts were given: take them and ask the question again, without a complaint
        if requested != "occupation" and (offered_name(text) or offered_phone(text)):
            # "Nama sa Hj. Wa Ode Sitti Rahmah.", "Nomor HP sa 0813…" at the age question: someone who wants to be
            # registered, no wrong answer; the rules say that nothing is kept without consent and offer staff, and
            # the form asks its question again
            return Turn()
        if is_interruption(tracker) or asks_something(text) or registers_now(text) \
                or figures_follow_up(tracker, requested):
            # answered by the rules ("Ya sudah, sa mau daftar sekarang." gets how to register); the form then asks
            # its question again
            return Turn()
        if requested == "occupation":
            turn.failed, turn.failed_vars = "occupation_unknown", {"answer": clean_answer(text)}
            turn.failed_buttons = []  # the question that follows shows the occupation buttons
        elif requested == "age":
            turn.failed = "age_unreadable"
        elif requested == "income":
            turn.failed = "income_unreadable"
        elif requested == "regency":
            turn.failed, turn.failed_vars, turn.failed_buttons = regency_problem(text)
        return turn


ActionAskOccupation = ask_action("occupation")


def _category(tracker: Tracker) -> str | None:
    occupation = tracker.get_slot("occupation")
    if occupation and calculator.is_known_occupation(occupation):
        return calculator.worker_for(occupation).category
    return None


class ActionAskAge(AskAction):
    """The age question, with why it matters for the worker's category (JKP and JP for employees; the JHT age and
    the age limit for the self-employed)."""

    slot = "age"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        category = _category(tracker)
        return (f"ask_age_{category.lower()}" if category in ("PU", "BPU") else "ask_age"), {}


class ActionAskIncome(AskAction):
    slot = "income"

    def message(self, tracker: Tracker) -> Tuple[str, Dict[str, Any]]:
        return ("ask_income_pu" if _category(tracker) == "PU" else "ask_income_bpu"), {}


#: The regency question of the lead form (the eligibility form does not ask it).
ActionAskRegency = ask_action("regency")


def _asked_join_age(tracker: Tracker) -> bool:
    result = tracker.get_slot(RESULT_SLOT)
    return isinstance(result, dict) and (result.get("programmes") or {}).get("JKP") == "check"


def join_age_answer(tracker: Tracker, found: Reading) -> int | None:
    """The age at JKP enrolment when the last result asked for it ("umur berapa waktu mulai ikut?") and the
    worker answered with an age no greater than their age today; else None (an ordinary correction)."""
    if not _asked_join_age(tracker) or set(found.values) != {"age"} or found.problems:
        return None
    age_now = real(tracker.get_slot("age"))
    joined = int(found.values["age"])
    return joined if age_now is not None and joined <= int(age_now) else None


async def show_result(dispatcher: CollectingDispatcher, tracker: Tracker, slots: Dict[str, Any],
                      ask_regency: bool = False, offer: bool = False) -> List[EventType]:
    """Compute, show and record the result for ``slots``; returns the events that keep it. ``offer``: then the
    "Langganan info" offer when it is due (actions/subscriptions.py); ``ask_regency``: end with the optional regency
    question when the regency is not known (last, so the next message answers it)."""
    on = clock.today()
    try:
        result = assess_slots(slots, on)
        messages = render_result(result, agent_known=bool((await resolved_referral(tracker))[1]))
    except Exception:  # a content or data error must not leave the worker without an answer
        logger.exception("eligibility result failed for occupation %r", slots.get("occupation"))
        say(dispatcher, "result_failed")
        return []
    for m in messages:
        send(dispatcher, m)
    offered = await offer_subscription(dispatcher, tracker) if offer else []
    if ask_regency and not result.regency:
        say(dispatcher, "ask_regency_after_result")
    await record_event("eligibility_checked", tracker, regency=result.regency, sector=result.worker.sector)
    return [SlotSet(RESULT_SLOT, result.to_dict()), SlotSet(FAILURES_SLOT, None)] + offered


class ActionEligibilityResult(Action):
    def name(self) -> str:
        return "action_eligibility_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        slots = dict(tracker.slots)
        if (slots.get(FAILURES_SLOT) or {}).get(LEFT):
            return [SlotSet(FAILURES_SLOT, None)]  # left in the worker's own words ("tidak jadi"); already said
        if (slots.get(FAILURES_SLOT) or {}).get(ANSWERED_INSTEAD):
            return [SlotSet(FAILURES_SLOT, None)]  # the form ended to answer a question; the check was offered
        if not calculator.is_known_occupation(slots.get("occupation")):
            # The form always fills the occupation; this only happens if the flow was broken off.
            say(dispatcher, "ask_occupation")
            return []
        return await show_result(dispatcher, tracker, slots, ask_regency=True, offer=True)


async def note_regency(dispatcher: CollectingDispatcher, tracker: Tracker, regency: str) -> List[EventType]:
    """The regency given after a result (the optional question): noted in the result a lead stores and counted
    for the funnel, without repeating the result (the regency does not change it)."""
    result = dict(tracker.get_slot(RESULT_SLOT) or {})
    say(dispatcher, "regency_noted", regency=regency)
    if result.get("regency") == regency:
        return []
    result["regency"] = regency
    await record_event("eligibility_checked", tracker, regency=regency, sector=result.get("sector"))
    return [SlotSet(RESULT_SLOT, result)]


#: A correction of what was said before ("eh salah, 1,2 jt"): a bare amount then still corrects the income.
_CORRECTION = re.compile(r"\b(salah|ralat|koreksi|maksud\w*|bukan|bkn|eh)\b", re.I)


def corrected_income(tracker: Tracker, income: Any) -> bool:
    """The latest message corrects an income given before ("eh salah, sebenarnya 1,5 juta")."""
    return tracker.get_slot("income") not in (None, income) and bool(_CORRECTION.search(latest_text(tracker) or ""))


def income_said(text: str, tracker: Tracker) -> bool:
    """The amount in a message outside the check is the worker's income: it stands beside an income word, or it
    corrects an income already given ("eh salah, 1,2 jt")."""
    if INCOME_WORDS.search(text or ""):
        return True
    return tracker.get_slot("income") is not None and bool(_CORRECTION.search(text or "")) \
        and not re.search(r"\b(dpt|dapat|dapet|terima|diterima|cair|santunan)\b", text or "", re.I)


def statement_details(dispatcher: CollectingDispatcher, tracker: Tracker, values: Dict[str, Any]) -> bool:
    """A statement after a topic's answer says what it means for the worker ("saldo sy kira2 9 jt" after the JHT
    claim, "anak sy 2, yg kecil msh TK" after JKM): the details of that topic it asks about, instead of "noted".
    A correction of a result or a wage after a topic with wage figures keeps its own reply. True when sent."""
    if tracker.get_slot(RESULT_SLOT) and values:
        return False
    if "income" in values and wage_topic_before(tracker):
        return False
    answers = get_answers()
    previous = previous_topic(tracker, answers)
    if not previous:
        return False
    if send_balance_line(dispatcher, previous, latest_text(tracker)):  # "eh salah, saldo sy 55 juta"
        keep_topic(dispatcher, previous, clock.today())
        return True
    return send_details(dispatcher, answers, previous, latest_text(tracker), clock.today())


def detail_of_previous(tracker: Tracker, text: str) -> str | None:
    """The topic under discussion when a question asks one of its own details ("sa tra bisa melaut mungkin 2 bulan,
    ada ganti penghasilan kah?" after a fisher's accident claim), or None."""
    answers = get_answers()
    previous = previous_topic(tracker, answers)
    if not previous or len((text or "").split()) > UNPLACED_DETAIL_MAX_WORDS or COST_QUESTION.search(text or ""):
        return None  # "brp iuran sy sebulan?": the worker's own contribution is the check's
    return previous if any(previous in d.topics for d in answers.details_for(previous, text)) else None


def previous_detail(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A short question read as a fact that asks a detail of the topic under discussion ("adik sy masih 19 tahun
    kuliah, dapat jg?" after who gets a pension when a JP member dies): that detail, and nothing kept of someone
    else's age. True when sent."""
    text = latest_text(tracker)
    if not _ASKS.search(text or "") or len((text or "").split()) > UNPLACED_DETAIL_MAX_WORDS:
        return False
    answers = get_answers()
    previous = previous_topic(tracker, answers)
    if not previous or not any(previous in d.topics for d in answers.details_for(previous, text)):
        return False
    if not send_details(dispatcher, answers, previous, text, clock.today()):
        return False
    keep_topic(dispatcher, previous, clock.today())
    return True


#: Topics an introduction that names them asks about ("sy dari bagian CSR perusahaan tambang di Konawe Utara").
STATEMENT_NAMED = frozenset({"ask_gn_lingkaran", "ask_agent", "ask_migrant", "ask_construction"})


def statement_named_topic(text: str) -> str | None:
    """The topic an introduction names by its own words, for the few topics a worker introduces themselves by (a
    company's CSR, an agent, a migrant worker, a construction project); None otherwise."""
    named = named_topic("nlu_fallback", text)
    return named if named in STATEMENT_NAMED and named in get_answers() else None


def partial_or(tracker: Tracker, previous: str | None) -> str | None:
    """The partial JHT claim when the JHT topic under discussion was asked about as a partial claim ("jht bisa diambil
    sebagian kah?" answered with the claim and its partial detail), else ``previous``."""
    if previous in ("ask_claim_jht", "ask_jht") and any(
            asks_partial(t) for _, t in itertools.islice(user_turns(tracker), 2)):
        return "ask_jht_partial"
    return previous


def statement_for_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A statement that tells what the topic under discussion turns on, with no question ("saldo sy 12 juta" or "eh
    ternyata 17 juta, bukan 4 juta" after a JHT claim, "sy sdh keluar kerja 3 minggu" after when JHT pays, "ternyata
    sudah 16 tahun" after JP's minimum): that topic's line for what was told, kept as that topic. True when sent."""
    previous = previous_topic(tracker, get_answers())
    text = latest_text(tracker)
    if not previous or text.startswith("/"):
        return False
    sent = send_balance_line(dispatcher, previous, text, tracker) \
        or send_leaving_date_line(dispatcher, tracker, previous, text) \
        or send_left_ago_line(dispatcher, previous, text) \
        or send_jkp_tenure_line(dispatcher, tracker, previous, text) \
        or send_membership_line(dispatcher, get_answers(), partial_or(tracker, previous), text) \
        or send_last_paid_line(dispatcher, previous, text)
    if sent:
        keep_topic(dispatcher, previous, clock.today())
    return sent


#: Topics whose answer says which workers they are for: the work told right after them is asked against it.
OCCUPATION_RULED = frozenset({"ask_bsu", "ask_jkp", "ask_jp", "ask_discount", "ask_who_can_join"})
#: A bare statement of one's work is short ("sy ojol", "sa nelayan di Tinanggea").
OCCUPATION_STATEMENT_WORDS = 6


def occupation_for_topic(tracker: Tracker) -> str | None:
    """"sy ojol" right after "sy bisa dapat BSU?": the topic under discussion, whose answer says whether such work
    gets it; None for anything longer or after another topic."""
    text = latest_text(tracker)
    previous = previous_topic(tracker, get_answers())
    if previous not in OCCUPATION_RULED or len(text.split()) > OCCUPATION_STATEMENT_WORDS or text.startswith("/"):
        return None
    return previous if match_occupation(text) is not None else None


def keep_category_topic(dispatcher: CollectingDispatcher, occupation: Any) -> None:
    """The check's acknowledgement (what such a worker pays at least) makes that worker's contribution the topic under
    discussion ("sampai kapan?" after "sy driver ojol, iuran sy skrg berapa?")."""
    if calculator.is_known_occupation(occupation):
        topic = CATEGORY_TOPICS.get(calculator.worker_for(str(occupation)).category)
        if topic in get_answers():
            keep_topic(dispatcher, topic, clock.today())


#: A cost asked in a sponsor's conversation ("berapa per bulan kalau saya daftarkan bulan ini?").
SPONSOR_COST_ASKED = re.compile(r"\b(brp|berapa\w*|brapa\w*|biaya\w*|iuran\w*)\b", re.I)


class ActionInform(Action):
    """A fact outside a form: a correction of the result, or facts kept for a check the worker may start."""

    def name(self) -> str:
        return "action_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)  # a source button, or "dari teman" after the question
        if answered is not None:
            return answered
        if asks_for_more(tracker):  # "lebih lengkap" read as a fact: the rest of the last answer
            return send_more(dispatcher, tracker)
        signals = turn_signals(tracker)
        if not signals.scam and send_deferral(dispatcher, tracker):
            return []  # "nanti saja, sy masih urus 7 harian": that's fine, no facts noted
        if signals.scam:  # "hrs transfer 500 rb dulu ke rek pribadi" after "sy dpt WA katanya jht bisa cair cepat"
            feeling_first(dispatcher, get_answers(), signals, None, clock.today())
            send_scam_warning(dispatcher, get_answers(), clock.today(), tracker)
            return []
        if send_count_line(dispatcher, count_topic_before(tracker), latest_text(tracker), tracker):
            return []  # "250 nelayan selama 1 tahun" after GN Lingkaran: the sum, not the sponsor's own facts
        if send_prepay_follow_up(dispatcher, tracker):
            keep_topic(dispatcher, "ask_payment", clock.today())
            return []  # "eh salah, 3 bln aja" after the total of 6 months paid at once: that of 3
        if send_arrears_line(dispatcher, tracker):
            keep_topic(dispatcher, "ask_late_payment", clock.today())
            return []  # "utk oktober, november, sama desember" after the arrears answer: their total
        if send_month_price(dispatcher, tracker, latest_text(tracker)):
            return []  # "kalau bulan januari?" after the contribution: that month's amount
        named = (offered_name(latest_text(tracker)) or offered_phone(latest_text(tracker))) \
            and tracker.active_loop_name in (None, "", "eligibility_form")  # a name is no answer of the check
        if named:  # "nama sa Amir, umur 47", "no wa sy 0853…": kept only in a lead, after consent; other facts noted
            say(dispatcher, "name_offered")
        if dated_follow_up(dispatcher, tracker):  # "sa di PHK tanggal 20 Juli 2026, masih sempat kah?" after JKP
            return []
        if contract_follow_up(dispatcher, tracker):  # "eh bukan 2 tahun, kontraknya cuma 1 tahun" after PMI
            return []
        if send_child_age_line(dispatcher, tracker, latest_text(tracker)):
            return []  # "anaknya satu, umur 3 tahun" after a death: the scholarship starts at school
        if send_jkm_figure_doubt(dispatcher, tracker, latest_text(tracker)):
            return []  # "jadi bukan 42 juta?" after a husband's death on the way to work: JKK's, not JKM's
        if previous_detail(dispatcher, tracker):  # "adik sy masih 19 tahun kuliah, dapat jg?" after JP's survivors
            return []
        if heirs_get_topic(tracker, latest_text(tracker)):
            # "Beliau pedagang kue ..., ikut BPU sejak 2021. Apa yang kami dapat?" after a death: the heirs' claim
            return answer_topic(dispatcher, tracker, "ask_claim_jkm", signals)
        if send_scholarship_years_line(dispatcher, tracker):
            return []  # "eh maaf, suami sy ikutnya dari 2024 bukan 2021" after the scholarship: its minimum
        if statement_for_topic(dispatcher, tracker):  # "saldo sy 12 juta" after a JHT claim: where it is claimed
            return []
        ruled = occupation_for_topic(tracker)
        if ruled:  # "sy ojol" after "sy bisa dapat BSU?": that topic's rule for who may get it, the work kept
            return answer_topic(dispatcher, tracker, ruled, signals, follow_up=True)
        topic = question_topic(tracker, get_answers(), signals) or foreign_worker_topic(latest_text(tracker)) \
            or situation_topic(latest_text(tracker)) \
            or statement_named_topic(latest_text(tracker))
        # ("sy kena PHK dari pabrik smelter": what JKP pays; "sy dari bagian CSR perusahaan tambang": GN Lingkaran)
        if topic:  # a self-description with a question: the answer, the facts kept silently, the check offered
            return answer_topic(dispatcher, tracker, topic, signals)
        feeling_first(dispatcher, get_answers(), signals, None, clock.today())  # "sy was2 skali ..." before the facts
        found = read_facts(latest_text(tracker), _entities(tracker), None, clock.today())
        if "income" in found.values and not income_said(latest_text(tracker), tracker):
            # "bkn 42 juta kah? tetangga sy dpt 42 jt": an amount with no income word is not the worker's income
            found.values.pop("income")
        if not found.values and _asked_join_age(tracker):
            # a bare "40" answers the result's "umur berapa waktu mulai ikut?" question
            found = read_facts(latest_text(tracker), _entities(tracker), "age", clock.today())
        texts = get_flow_texts()
        on = clock.today()
        joined = join_age_answer(tracker, found)
        if joined is not None:
            slots = dict(tracker.slots)
            slots[RESULT_SLOT] = {**tracker.get_slot(RESULT_SLOT), "join_age": joined}
            say(dispatcher, "join_age_noted", join_age=joined)
            return await show_result(dispatcher, tracker, slots)
        if statement_details(dispatcher, tracker, found.values):
            return [SlotSet(k, v) for k, v in found.values.items()]
        for name, variables in found.notes:
            send(dispatcher, texts.render(name, on, **variables))
        for name, variables in found.problems.values():
            send(dispatcher, texts.render(name, on, **variables))
        if not found.values:
            context = None if found.problems or named else ranked_previous_topic(tracker, get_answers())
            if context:  # "kalau sampai 4 bulan?" after late payment: that topic, not "terima kasih infonya"
                return answer_topic(dispatcher, tracker, context, signals, follow_up=True)
            if not found.problems and not named:
                send(dispatcher, get_answers().render("inform", on))
            return []
        slots = dict(tracker.slots)
        slots.update(found.values)
        events = [SlotSet(k, v) for k, v in found.values.items()]
        changes = ", ".join(describe(k, v) for k, v in found.values.items())
        wage_topic = wage_topic_before(tracker) if "income" in found.values else None
        occupation = slots.get("occupation")
        if wage_topic in BENEFIT_WAGE_TOPICS and occupation and _self_employed(str(occupation)) \
                and not _DECLARED.search(latest_text(tracker)) \
                and not death_in_conversation(tracker) and not _SOMEONE_ELSE.search(latest_text(tracker)):
            # "sa pu penghasilan tra tentu, kadang cuma 800 ribu" from a fisher after JKK's answer: what they would
            # pay for it (counted from the lowest income that can be reported), not JKK's multiples of that income
            line = occupation_line(str(occupation), int(found.values["income"]), on)
            if line:
                dispatcher.utter_message(text=line)
                keep_topic(dispatcher, "ask_contribution_bpu", on)
                return events
        if wage_topic and send_wage_line(dispatcher, wage_topic, found.values["income"]):
            # a wage after a question with wage figures ("jkp brp?" then "gaji sy 3 jt"): its figures, which keep
            # (or, after a death at work, move to) that topic
            keep_topic(dispatcher, wage_topic, clock.today())
            return events
        if tracker.get_slot(RESULT_SLOT) and calculator.is_known_occupation(slots.get("occupation")):
            if set(found.values) == {"regency"}:
                return events + await note_regency(dispatcher, tracker, found.values["regency"])
            say(dispatcher, "recomputed", changes=changes)
            return events + await show_result(dispatcher, tracker, slots)
        if work_topic(found.values.get("occupation")):  # "sy tukang batu di proyek gedung": the project covers him
            return events + answer_topic(dispatcher, tracker, work_topic(found.values["occupation"]), signals)
        say(dispatcher, "facts_noted", changes=changes)
        if {"occupation", "income"} & set(found.values):
            # "sa tukang parkir di pasar mandonga": what such a worker pays, not only "noted"
            send_occupation_line(dispatcher, slots.get("occupation"), real(slots.get("income")))
        return events


__all__ = ["ValidateEligibilityForm", "ActionAskOccupation", "ActionAskAge", "ActionAskIncome", "ActionAskRegency",
           "ActionEligibilityResult", "ActionInform", "acknowledgement", "read_facts", "render_result",
           "resolve_occupation", "fresh_user_turn"]
