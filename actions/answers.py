"""Rasa SDK actions that answer workers' questions from content/answers.yml and content/facts.yml.

- ``action_answer``: answers the latest intent with its rendered answer (text + buttons) for today's date.
  One action for every FAQ topic, so adding a topic is data only (docs/intents.md, nlu/, domain.yml, a rule,
  an answer). After the first topic answer it asks once "Dari mana Anda tahu Lingkar?" (actions/source.py);
  it, ``action_clarify`` and the fallback take a typed answer to that question first.
- ``action_clarify``: runs on ``nlu_fallback``. If the top two or three topics are close it asks
  "Maksudnya…?" with a button per topic and a "Bukan itu" button; otherwise it says what the bot can help
  with and shows the main menu. It never guesses an answer.
- ``action_human_handoff``: tells how to reach a person and records the request for staff (lead store,
  ``Store.record_handoff``; the outbox notifies staff). If the store is unreachable the worker still gets
  the contacts, and nothing claims the request was recorded.
- ``action_default_fallback``: overrides Rasa's default (used when no rule applies, e.g. a topic out of
  context) with the same help text and menu as ``action_clarify``'s far case.

Design follows RasaHQ/rasa-demo's ``action_default_ask_affirmation`` (buttons built from the intent ranking),
with topic titles from the answers file instead of a CSV.
"""
from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, FollowupAction, SlotSet, UserUtteranceReverted, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import error_summary, last_turn_bot_events, latest_text, say
from actions.more import (
    ANSWER_KEY,
    FOLLOW_UP_PART,
    MORE_FOLLOW_UPS,
    MORE_INTENT,
    asks_for_more,
    send,
    send_answer,
    send_more,
)
from actions.source import answer_source, ask_source_after_answer
from actions.subscriptions import offer_subscription
from lingkar import calculator, clock
from lingkar.calculator import worker_for
from lingkar.citations import REGULATION_NAMED, regulation_lines, source_lines
from lingkar.eligibility import FACT_SLOTS, NO_FIXED_WAGE, RESULT_SLOT, describe, read_facts
from lingkar.facts import format_number, get_facts
from lingkar.form_words import (
    ASKS,
    THANKS,
    asks_deletion,
    plan_said,
    postpones,
    registers_now,
    request_with_thanks,
    thanks_and_plan,
)
from lingkar.leads import offered_name, offered_phone
from lingkar.parsing.occupation import match_occupation
from lingkar.signals import (
    Signals,
    accident_supposed,
    at_work,
    mentions,
    named_topic,
    question_part,
    read_signals,
    says_not_employee,
    speaks_as_sponsor,
    topic_allowed,
)
from lingkar.slots import real
from lingkar.store.aio import run_sync
from lingkar.store.provider import current
from lingkar.texts import Answers, Rendered, Split, get_answers, get_flow_texts
from lingkar.texts.screen import is_more_detail
from lingkar.wage_figures import (
    COUNT_LINES,
    WAGE_TOPICS,
    arrears_line,
    asks_partial,
    balance_line,
    balance_value,
    born_on,
    contract_value,
    count_line,
    counts_workers,
    death_line,
    employer_share_line,
    group_line,
    jht_after_ago_line,
    jht_age_line,
    jht_from_line,
    jkp_deadline_line,
    jkp_months_line,
    jkp_tenure_line,
    jp_contribution_line,
    jp_formula_line,
    jp_membership_line,
    jp_pension_line,
    last_paid_line,
    membership_line,
    membership_years,
    month_price_line,
    months_named,
    names_period,
    occupation_line,
    phk_date,
    planned_month,
    pmi_contract_line,
    prepay_line,
    public_money,
    risk_class,
    sponsor_line,
    wage_line,
    worked_since,
)

logger = logging.getLogger(__name__)

#: A topic is offered in "Maksudnya…?" only when its confidence is at least this ...
MIN_CANDIDATE = 0.1
#: ... and within this distance of the best topic.
CLOSE_MARGIN = 0.2
#: Below this the best topic is noise, and the bot does not offer guesses at all.
MIN_TOP = 0.2
#: At most this many topics are offered.
MAX_CHOICES = 3
FALLBACK_INTENT = "nlu_fallback"


def _send(dispatcher: CollectingDispatcher, rendered: Rendered) -> None:
    send(dispatcher, rendered)


#: Bot event metadata marking the scam warning, so that "aman kah?" right after it is read as about the scam.
SCAM_KEY = "scam_warning"


#: A question about what a named regulation is ("Permenaker 5/2025 itu apa?", "PP 50/2025 ngatur apa?").
_REGULATION_ASKED = re.compile(r"\b(itu apa|apa itu|apa isi\w*|isinya|yang mana|yg mana|ngatur apa|mengatur apa|"
                               r"atur apa|tentang apa|ttg apa|soal apa|aturan apa|maksudnya|dimaksud|yang dimaksud)\b",
                               re.I)


def send_regulations(dispatcher: CollectingDispatcher, answers: Answers, text: str, on,
                     asked_only: bool = False) -> bool:
    """What the regulations named in ``text`` govern (:func:`lingkar.citations.regulation_lines`), when it names
    one the facts file knows. With ``asked_only`` (a message the NLU placed on a topic), only when the message asks
    what the regulation is next to its name ("Permenaker 5/2025 itu apa?"), or names one without its year that
    several regulations share ("Permenaker 5", which facts.md warns is confused). True when sent."""
    lines = regulation_lines(get_facts(), text, on)
    if not lines:
        return False
    if asked_only:
        named = list(REGULATION_NAMED.finditer(text))
        near = any(_REGULATION_ASKED.search(text[max(0, m.start() - 30):m.end() + 30]) for m in named)
        if not near and not (len(lines) > 1 and any(m.group(3) is None for m in named)):
            return False
    head = answers.render_snippet("regulation_named", on).text
    after = answers.render_snippet("regulation_named_after", on).text
    dispatcher.utter_message(text="\n".join([head, *lines]) + "\n\n" + after)
    return True


#: A question about which discount group one belongs to ("dapatji diskon seperti ojol?", "masuk kelompok
#: transportasi kah?").
_DISCOUNT_GROUP = re.compile(r"\b(diskon\w*|potongan\w*|kelompok\w*|golongan\w*|transport\w*|termasuk|masuk)\b", re.I)
DISCOUNT_GROUP_TOPICS = frozenset({"ask_discount", "ask_contribution_bpu"})


def send_discount_group_line(dispatcher: CollectingDispatcher, intent: str | None, text: str,
                             tracker: Tracker | None = None) -> bool:
    """The PP 50/2025 group of the self-employed occupation the message names, with its window ("sa sopir truk
    sendiri, dapatji diskon seperti ojol?": not in the transport group, so the other window); for a short question
    ("dapat diskon kah?") the occupation told before. True when sent."""
    if intent not in DISCOUNT_GROUP_TOPICS or not _DISCOUNT_GROUP.search(text or ""):
        return False
    occupation = match_occupation(text)
    told = tracker.get_slot("occupation") if tracker is not None else None
    if occupation is None and told and len((text or "").split()) <= FOLLOW_UP_MAX_WORDS:
        occupation = match_occupation(str(told))
    if occupation is None or occupation.category != "BPU":
        return False
    say(dispatcher, "discount_group_transport" if occupation.transport else "discount_group_other",
        occupation=f"Pekerjaan {occupation.label.lower()}")
    return True


#: What a scam is about, so the question after the warning ("jadi sy urus sendiri bisa? caranya?") is asked of
#: the real thing: the first subject named in the scam's message (or the one before it).
_SCAM_SUBJECTS = ((re.compile(r"\b(cair\w*|pencairan|klaim\w*|jht|saldo\w*|paklaring)\b", re.I), "ask_claim_jht"),
                  (re.compile(r"\b(diskon\w*|potongan iuran)\b", re.I), "ask_discount"),
                  (re.compile(r"\b(bsu|subsidi upah)\b", re.I), "ask_bsu"),
                  (re.compile(r"\b(daftar\w*|pendaftaran|kartu\w*)\b", re.I), "ask_register"),
                  (re.compile(r"\b(iuran\w*|bayar\w*|tagih\w*)\b", re.I), "ask_payment"))


#: Money asked for joining ("uang pendaftaran 500 ribu", "biaya daftar").
_FEE_ASKED = re.compile(r"\b(uang|biaya|bayar)\s+(pendaftaran|daftar|pembuatan kartu|bikin kartu)\b", re.I)


def scam_subject(texts: List[str]) -> str | None:
    """The topic a scam's message is about (:data:`_SCAM_SUBJECTS`), newest message first; None for a loan, a prize."""
    for text in texts:
        for words, topic in _SCAM_SUBJECTS:
            if words.search(text or ""):
                return topic
    return None


def send_scam_warning(dispatcher: CollectingDispatcher, answers: Answers, on, tracker: Tracker | None = None) -> None:
    """The scam warning; with the conversation, marked as about the real thing the scam named (a JHT claim, the
    discount, registering), which becomes the topic under discussion. Money already sent in the same message ("sy
    td transfer 500rb ke org yg ngaku petugas") also gets what to do now."""
    send(dispatcher, answers.render_snippet("scam_warning", on), **{SCAM_KEY: True})
    latest = ((tracker.latest_message or {}).get("text") or "") if tracker is not None else ""
    if _MONEY_SENT.search(latest) and not _MONEY_ASKED.search(latest):
        send(dispatcher, answers.render_snippet("scam_money_sent", on), **{SCAM_KEY: True})
    if tracker is not None:
        told = [(tracker.latest_message or {}).get("text") or ""] + [t for _, t in itertools.islice(
            user_turns(tracker), 1)]
        subject = scam_subject(told)
        if subject in answers:
            keep_topic(dispatcher, subject, on)
        if subject == "ask_register" and _FEE_ASKED.search(told[0]):
            # "ngaku agen minta uang pendaftaran 500 ribu": what joining really costs, paid only through the channels
            line = occupation_line("BPU", None, on)
            if line:
                dispatcher.utter_message(text=line)


#: Bot event metadata marking the refusal of someone else's data, so that the NIK or the "surat kuasa" sent next is
#: refused again rather than read as a topic ("ini NIK nya 7471..., cukup kasih tau aktif atau tdk saja").
OTHERS_KEY = "others_refused"
#: What the message after that refusal says when it presses on: an identity number (typed or masked) or an
#: authorisation, or, in a message that does not ask a question of its own, a status or data word.
_PRESSES_ON = re.compile(r"\d{6,}|\d{2,}x{3,}|\b(kuasa|izin\w*|ijin\w*)\b", re.I)
_PRESSES_ON_TOLD = re.compile(r"\b(nik\w*|kpj|cek\w*|aktif|terdaftar|saldo\w*|data\w*|lahir\w*|nomor\w*|no hp)\b", re.I)


def refuse_others_data(dispatcher: CollectingDispatcher) -> None:
    send(dispatcher, get_flow_texts().render("others_data", clock.today()), **{OTHERS_KEY: True})


def others_follow_up(tracker: Tracker) -> bool:
    """The bot's last turn refused someone else's data and the latest message presses on (an identity number, a
    status or data word, "surat kuasa"): refused again, whatever the NLU read ("deny", "goodbye")."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/") or not (_PRESSES_ON.search(text) or _PRESSES_ON_TOLD.search(text)
                                    and not read_signals(text).question):
        return False  # "Bagaimana cara cek apakah iuran saya masuk?": a question of the worker's own
    return any((event.get("metadata") or {}).get(OTHERS_KEY) for event in last_turn_bot_events(tracker))


#: More of what the caller said, told right after the warning ("dia bilang kalau tdk kasih, JHT sy hangus"): still
#: the scam, whatever topic it names.
_REPORTED_SPEECH = re.compile(r"^\W*(tapi |tp |trus |terus |lalu )?(dia|orang\w*|org\w*|mereka|petugas\w*|yg telpon|"
                              r"yang telpon|yg nelpon|yang menelpon)\b.{0,20}\b(bilang|blg|bilng|minta|suruh|nyuruh|"
                              r"ngomong|bicara|ancam\w*|kata)\b|^\W*katanya\b", re.I)
REPORTED_MAX_WORDS = 25


#: After the warning, how to do the real thing ("jadi sy urus sendiri bisa? caranya?"): a question of its own.
_DO_IT_ONESELF = re.compile(r"\b(cara\w*|urus sendiri|sendiri bisa|bisa sendiri|lewat mana|lwt mana|ke mana|kemana|"
                            r"di ?mana)\b", re.I)


def scam_follow_up(tracker: Tracker) -> bool:
    """The previous reply was the scam warning and the latest message is a short question about it ("aman kah?",
    "jd jgn dikasih?") or more of what the caller said ("dia bilang kalau tdk kasih, JHT sy hangus"), not a question
    of its own."""
    text = (tracker.latest_message or {}).get("text") or ""
    reported = bool(_REPORTED_SPEECH.search(text)) and len(text.split()) <= REPORTED_MAX_WORDS
    if text.startswith("/") or not reported and (
            len(text.split()) > FOLLOW_UP_MAX_WORDS or _TOPIC_WORDS.search(text) or _DO_IT_ONESELF.search(text)
            or not (_YES_NO_QUESTION.search(text) or read_signals(text).question)):
        return False
    return warned_last_turn(tracker)


def warned_last_turn(tracker: Tracker) -> bool:
    """The bot's reply to the previous user turn was the scam warning."""
    passed_latest = False
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            if passed_latest:
                return False  # the turn before had no scam warning
            passed_latest = True
        elif event.get("event") == "bot" and passed_latest and (event.get("metadata") or {}).get(SCAM_KEY):
            return True
    return False


#: Money already sent to a scammer, or asked back ("sy sudah terlanjur transfer", "bisa uangnya kembali?").
_MONEY_SENT = re.compile(r"\b(sudah|sdh|sdah|udah|udh|terlanjur|telanjur|tlanjur|trlanjur|terlnjur)\b[^.?!]{0,20}?"
                         r"\b(transfer\w*|tf|trf|kirim\w*|dikirim|ditransfer|bayar\w*|dibayar)\b|"
                         r"\b(td|tadi|baru|barusan|kemarin|kmrn|semalam)\s+(\w+\s+)?(transfer|tf|trf|kirim)\b|"
                         r"\buang\w*\b[^.?!]{0,20}\b(kembali|balik)\b|\b(kembali\w*|balikin|dikembalikan)\b[^.?!]{0,10}"
                         r"\buang\w*", re.I)


#: Whether money would have to be sent ("hrs transfer dulu?"), not money already sent.
_MONEY_ASKED = re.compile(r"\b(hrs|harus|suruh|disuruh|minta|diminta|mau|akan)\s+(\w+\s+)?(transfer|tf|kirim|bayar)\b",
                          re.I)


def scam_money_sent(tracker: Tracker) -> bool:
    """Money sent to the scammer told, or asked back, right after the scam warning."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/") or not _MONEY_SENT.search(text) or len(text.split()) > FOLLOW_UP_MAX_WORDS + 5:
        return False
    return warned_last_turn(tracker)


def send_scam_money_help(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """What to do when money already went to a scammer (the bank, the police, the call centre). True when sent."""
    if not scam_money_sent(tracker):
        return False
    send(dispatcher, get_answers().render_snippet("scam_money_sent", clock.today()), **{SCAM_KEY: True})
    return True


def turn_signals(tracker: Tracker) -> Signals:
    """The signals of the latest message; a scam told over two messages ("sy dpt WA katanya jht bisa cair cepat",
    then "hrs transfer 500 rb dulu ke rek pribadi") counts in the second."""
    text = (tracker.latest_message or {}).get("text") or ""
    signals = read_signals(text)
    if signals.scam or signals.question or text.startswith("/"):
        return signals  # a question of its own ("syaratnya apa?" after "bisa bayar pakai transfer?") is no scam story
    before = next((t for _, t in user_turns(tracker)), None)
    if before and not before.startswith("/") and not read_signals(before).scam \
            and read_signals(f"{before} {text}").scam:
        return dataclasses.replace(signals, scam=True)
    return signals


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def close_topics(ranking: List[Dict[str, Any]], answers: Answers) -> List[Dict[str, Any]]:
    """The topics the NLU hesitated between, best first; empty when there is no real contest.

    ``ranking`` is Rasa's ``intent_ranking`` (``[{"name", "confidence"}, ...]``). ``nlu_fallback`` and topics
    that are not offered as guesses (small talk, yes/no: ``clarify: false``) are skipped.
    """
    candidates = sorted(
        (r for r in ranking or [] if r.get("name") != FALLBACK_INTENT and answers.clarifiable(r.get("name", ""))),
        key=lambda r: -float(r.get("confidence") or 0.0))
    if not candidates:
        return []
    top = float(candidates[0].get("confidence") or 0.0)
    if top < MIN_TOP:
        return []
    close = [r for r in candidates
             if float(r.get("confidence") or 0.0) >= max(MIN_CANDIDATE, top - CLOSE_MARGIN)][:MAX_CHOICES]
    return close if len(close) >= 2 else []


def clarify_message(ranking: List[Dict[str, Any]], answers: Answers, on=None) -> Rendered:
    """What ``action_clarify`` says for an intent ranking (pure: used by the action and the tests)."""
    on = on or clock.today()
    close = close_topics(ranking, answers)
    if not close:
        return answers.render_snippet("clarify_help", on)
    question = answers.render_snippet("clarify_question", on)
    buttons = [{"title": answers.label(r["name"]), "payload": f"/{r['name']}"} for r in close]
    return Rendered(question.intent, question.text, buttons + list(question.buttons), question.facts,
                    question.flagged)


# ------------------------------------------------------------------------ conversation context (issue 12)
#: Topics that belong together: a short follow-up ("berkas apa?", "caranya?") is answered for the family of the
#: topic under discussion.
TOPIC_FAMILIES: Dict[str, frozenset] = {
    "jht": frozenset({"ask_jht", "ask_claim_jht", "ask_jht_partial", "ask_balance"}),
    "jkm": frozenset({"ask_jkm", "ask_claim_jkm", "ask_scholarship"}),
    "jkk": frozenset({"ask_jkk", "ask_jkk_commute", "ask_claim_jkk"}),
    "jkp": frozenset({"ask_jkp"}),
    "jp": frozenset({"ask_jp", "ask_claim_jp"}),
    "bpu": frozenset({"ask_contribution_bpu", "ask_discount", "cannot_afford"}),
    "pu": frozenset({"ask_contribution_pu"}),
    "migrant": frozenset({"ask_migrant"}),
    "construction": frozenset({"ask_construction"}),
    "gn": frozenset({"ask_gn_lingkaran", "sponsor_offer"}),
}
#: The generic intents a short follow-up is often read as ("berkas apa?" → ask_documents), and what they mean for
#: the topic under discussion: family → {intent: the answer to give}; PREVIOUS = the previous topic itself.
PREVIOUS = "previous"
_CLAIM_ASPECTS = ("ask_documents", "ask_register", "ask_who_can_join", "check_eligibility")
_SAME_TOPIC = ("ask_documents", "ask_register", "ask_who_can_join", "check_eligibility", "ask_programs",
               FALLBACK_INTENT)
FOLLOW_UPS: Dict[str, Dict[str, str]] = {
    **{family: {**{g: claim for g in _CLAIM_ASPECTS}, "ask_programs": PREVIOUS, FALLBACK_INTENT: PREVIOUS}
       for family, claim in (("jht", "ask_claim_jht"), ("jkm", "ask_claim_jkm"), ("jkk", "ask_claim_jkk"))},
    **{family: {g: PREVIOUS for g in _SAME_TOPIC} for family in ("jkp", "jp", "migrant", "construction")},
    # "klaimnya paling lambat kapan?" after JKP, read as another benefit's claim: JKP's own
    "jkp": {**{g: PREVIOUS for g in _SAME_TOPIC}, "ask_claim_jkk": PREVIOUS, "ask_claim_jkm": PREVIOUS},
    **{family: {"ask_programs": PREVIOUS, FALLBACK_INTENT: PREVIOUS} for family in ("bpu", "pu")},
}
# "ada programnya kah buat perorangan?" after an offer to pay for one's household staff: GN Lingkaran's schemes
FOLLOW_UPS["gn"] = {"ask_programs": "ask_gn_lingkaran"}
# "jadi potongannya 150rb?" after a wage's JP deduction: the deduction (potongan), not the discount (also "potongan")
for _family_name in ("pu", "jp"):
    FOLLOW_UPS[_family_name] = {**FOLLOW_UPS[_family_name], "ask_discount": PREVIOUS}
#: Below this confidence a short follow-up's own topic is not trusted: the topic under discussion is answered.
FOLLOW_UP_TRUST = 0.5
#: A message this short that asks one of the previous topic's details is that topic's, however sure the NLU is of
#: another ("yg bayar siapa aja?" after JP, "kalau diperpanjang?" after PMI).
DETAIL_OVER_NLU_WORDS = 4
#: A follow-up's opening word that says nothing of its subject ("trus dapat uang dari mana?"): not counted.
_LEAD_FILLER = re.compile(r"^\s*(trus|terus|trs|truss|lalu|jadi|jd|eh|oh|nah|terus kalau|trus klo)\b[,\s]*", re.I)
#: A follow-up is short; a longer message is a new question and keeps its own topic.
FOLLOW_UP_MAX_WORDS = 7
#: ... and for a message the NLU could not place, whose words ask one of the previous topic's details ("kalo sy dapat
#: 50 peserta baru sebulan ada bonus?" after the agent answer)
UNPLACED_DETAIL_MAX_WORDS = 12
#: Words that name a topic themselves: a message with one of them is not a follow-up of the previous topic.
_TOPIC_WORDS = re.compile(r"\b(jht|jkm|jkk|jp|jkp|pensiun|hari tua|kematian|kecelakaan|tabrakan|ditabrak|tertabrak|"
                          r"jatuh|terjatuh|celaka|"
                          r"kehilangan pekerjaan|phk|pendaftaran|registrasi|"
                          r"beasiswa|bsu|diskon|daftar|daftarnya|dftr|mendaftar|iuran|saldo|kartu|kesehatan|agen|"
                          r"lingkaran|kantor (?:cabang|terdekat|bpjs\w*))(?:nya)?\b", re.I)
_ADD_JHT = re.compile(r"\b(tambah|ditambah|plus|sekalian|ikut|ikutkan|termasuk|dengan|dgn|sama|pake|pakai)\b.*"
                      r"\b(jht|hari tua)\b|"
                      # "mau ambil yg ada jht nya jg", "Kalo sa ambil yang ada tabungannya juga, Januari brapa?"
                      r"\b(yg|yang) ada (jht|tabungan|tabungan hari tua)(nya)?\b|"
                      # "JHT perlu kah? berapa tambahnya?"
                      r"\b(jht|hari tua)\b.*\b(tambahnya|tambahannya|nambahnya|ditambah\w*)\b", re.I)
#: "klo ikut jht, nnti bs cair kpn?": when JHT pays out, not what adding it costs.
_JHT_PAYOUT = re.compile(r"\b(cair\w*|dicairkan|kapan|kpn|diambil|ambil(?!\s+(?:yg|yang)\s+ada\b)\w*|klaim\w*)\b",
                         re.I)


def adds_jht_cost(text: str) -> bool:
    """What adding JHT costs ("kalau saya pakai JHT juga jadi berapa sebulan?"), not when it pays out."""
    return bool(_ADD_JHT.search(text or "") and not _JHT_PAYOUT.search(text or "")
                and (_HOW_MUCH.search(text or "") or COST_QUESTION.search(text or "")))
#: Families whose answer says what is paid: a short cost question after one is about it ("total byr brp?" after PMI),
#: unless it names another subject than the family's own words.
_COST_FOLLOW_UPS: Dict[str, frozenset] = {"migrant": frozenset({"jht"}), "construction": frozenset(),
                                          "gn": frozenset()}
_COST_INTENTS = ("ask_contribution_bpu", "ask_contribution_pu")
#: A short follow-up about getting the money ("brp lama cairnya?") is about the claim of the family's benefit.
_CASH_WORDS = re.compile(r"\b(klaim\w*|cair\w*|dicairkan|pencairan|ambil|diambil|ngambil|mengambil)\b", re.I)
_CLAIM_OF = {"jht": "ask_claim_jht", "jkm": "ask_claim_jkm", "jkk": "ask_claim_jkk", "jp": "ask_claim_jp"}
#: The words of a request for the menu: a one-word question the NLU reads as "menu" without them ("biayanya?") is a
#: follow-up of the topic under discussion.
_MENU_WORDS = re.compile(r"\b(menu\w*|bantu\w*|tolong|mulai|start|help|pilih\w*|topik|kembali|balik|awal|lihat|"
                         r"apa aja|apa saja)\b|^/", re.I)
#: General topics a short question is read as, unsure (under this confidence), when it may be a follow-up instead.
GENERAL_TOPICS = frozenset({"ask_programs", "ask_who_can_join", "ask_documents", "ask_register"})
CONTEXT_OVER_GENERAL = 0.6
#: "tugasnya apa saja?", "syaratnya apa aja?": the list of something of the topic under discussion, not the menu.
_ITS_LIST = re.compile(r"\b\w{3,}nya\s+(apa aja|apa saja|apa2|apa-apa)\b", re.I)
#: A question about what was just said, which the NLU reads as "yes" ("bnr kah?", "msh bisa kah?").
_YES_NO_QUESTION = re.compile(r"\?|\w*kah\b|\b(bnr|benar|betul|btl|bener)\b", re.I)
#: What a benefit pays ("dpt brp?"), after a benefit's answer.
_BENEFIT_FAMILIES = frozenset({"jht", "jkm", "jkk", "jp", "jkp"})
_BENEFIT_QUESTION = re.compile(r"\b(dapat\w*|dpt|dapet\w*|terima|diterima|cair\w*|santunan\w*)\b.*"
                               r"\b(brp|berapa\w*|brapa\w*)\b(?!\s*(lama|lma|hari|bulan|bln|minggu|mgg|tahun|thn))|"
                               r"\b(brp|berapa\w*|brapa\w*)\b(?!\s*(lama|lma|hari|bulan|bln|minggu|mgg|tahun|thn))"
                               r".*\b(dapat\w*|dpt|dapet\w*|diterima|cair\w*)\b|"
                               # "berapa totalnya kalau 6 bulan penuh?", "totalnya berapa kalau 6 bulan?" after JKP:
                               # what the benefit pays in all
                               r"\b(brp|berapa\w*|brapa\w*)\s+(total\w*|semua\w*|smua\w*|seluruh\w*)\b|"
                               r"\b(total\w*|semua\w*|smua\w*|seluruh\w*)\s+(jadi\s+)?(brp|berapa\w*|brapa\w*)\b"
                               # ("jadi total brp sebulan?" after adding JHT is the contribution's total)
                               r"(?!\s*(sebulan|per\s*bulan|tiap\s*bulan|bulanan|iuran\w*))", re.I)
_BENEFIT_WORDS = re.compile(r"\b(santunan\w*|manfaat\w*|cacat|saldo\w*|pensiun\w*|beasiswa|ganti upah|klaim\w*)\b",
                            re.I)
_HOW_MUCH = re.compile(r"\b(brp|berapa\w*|brapa\w*|total\w*|semua\w*|smua)\b", re.I)
_SUBJECT_WORDS = re.compile(r"\b(jht|jkm|jkk|jp|jkp|pensiun|hari tua|kematian|kecelakaan|phk|beasiswa|bsu|diskon|"
                            r"saldo|kartu|kesehatan|agen|lingkaran|daftar)\b")
#: Intents whose message says nothing about the worker (no silent slot filling, no feeling sentence).
#: A message opening with the Muslim greeting, which is returned before anything else.
SALAM = re.compile(r"^\W*(as+ala?mu?\W?\s?'?a?la[iy]?k[ou]m|aslm|askum|mikum)\b", re.I)
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "menu", "cancel", "bot_challenge"})
#: A greeting that opens a message ("Selamat pagi, ...", "Tabe, ...", "Halo, ...").
_GREETING_OPENS = re.compile(r"^\W*(as+ala?mu?\W?\s?'?a?la[iy]?k[ou]m\w*|selamat\s+(pagi|siang|sore|malam)|halo+|hallo|"
                             r"hai|tabe|permisi|salam)\b", re.I)
#: Someone saying who they are ("saya staf Disnakertrans ...", "sy ketua koperasi tani ...", "saya kontraktor kecil").
_INTRODUCES = re.compile(r"\b(saya|sy|sa|aku|kami)\s+(adalah\s+|ini\s+)?(dari|staf|staff|kepala|ketua|kades|camat|"
                         r"lurah|pengurus|pemilik|bendahara|sekretaris|kontraktor|pengusaha|owner|hrd|personalia|wakil|"
                         r"direktur|manajer|manager|perwakilan|bagian)\b", re.I)
#: ... with no question or request yet.
_ASKS_OR_WANTS = re.compile(r"\?|\b(apa|apakah|bagaimana|bgmn|gimana|gmn|berapa\w*|brp|kapan|kenapa|mengapa|knp|dimana|"
                            r"di mana|siapa|kah|bisa\w*|bisakah|boleh\w*|mau|mo|ingin|hendak|mohon|minta|tolong|tlg|"
                            r"perlu|cara\w*|wajib|tanya\w*|bertanya)\b", re.I)
#: Longer than this, an introduction is a story, not a hello.
INTRO_MAX_WORDS = 20


def introduces_only(text: str) -> bool:
    """A greeting and who the sender is, nothing asked yet ("Selamat pagi, saya staf Disnakertrans Kabupaten Buton
    Tengah.", "Halo, sy ketua koperasi tani di Konawe Utara.")."""
    t = text or ""
    return bool(_GREETING_OPENS.search(t) and _INTRODUCES.search(t) and not _ASKS_OR_WANTS.search(t)
                and not OUR_WORDS.search(t) and len(t.split()) <= INTRO_MAX_WORDS)


def deletion_asked(tracker: Tracker) -> List[EventType]:
    """"Eh tidak jadi ... Tolong jangan simpan nomor saya.", "Mohon seluruh data pribadi saya dimusnahkan." outside a
    form, wherever the NLU placed it: the deletion's confirmation (action_confirm_delete) follows; [] otherwise."""
    text = (tracker.latest_message or {}).get("text") or ""
    if tracker.active_loop_name or text.startswith("/") or not asks_deletion(text):
        return []
    return [FollowupAction("action_confirm_delete")]


def send_intro_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer an introduction with a welcome and an invitation to ask (the salam returned first); True when sent."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not introduces_only(text):
        return False
    return_salam(dispatcher, tracker)
    _send(dispatcher, get_answers().render_snippet("intro_reply"))
    return True


def return_salam(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """"Waalaikumsalam." first when the message opens with the Muslim greeting ("Assalamualaikum, adik sy mau kerja
    ...", "Aslm, saya staf Disnakertrans ..."), before whatever answers it."""
    if SALAM.match((tracker.latest_message or {}).get("text") or ""):
        _send(dispatcher, get_answers().render_snippet("salam_reply"))

#: Facts taken silently from a question are the worker's only when the message speaks of them ("saya ...").
INCOME_WORDS = re.compile(r"\b(gaji|gajih|gj|gajiku|honor|honornya|honorku|penghasilan|penghasilanku|pnghsln|penghsln|"
                          r"pendapatan|pendptn|"
                          r"pndptn|upah|omset|omzet|income|hasil|bersih|bersihnya|dapat sebulan|dpt sebulan|"
                          r"gajinya|upahnya|penghasilannya|pendapatannya|bergaji|berpenghasilan|berupah|digaji)\b",
                          re.I)
#: The worker's own staff ("5 mekanik gaji masing2 2,5 juta", "karyawan sy 3 org"): an employer asking.
STAFF = re.compile(r"\b(karyawan|pegawai|mekanik|anak buah|pekerja|buruh|montir|pelayan|kasir)\s*(sa|sy|saya|kami|ku|"
                   r"sya)\b|\b(\d{1,4}|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\s*(org|orang)?\s*"
                   r"(karyawan|pegawai|mekanik|anak buah|pekerja|buruh|montir|pelayan|kasir)\b|"
                   r"\b(punya|ada|gaji\w*|daftarkan)\s+(karyawan|pegawai|mekanik|anak buah)\b|"
                   r"\b(karyawan\w*|pegawai\w*|mekanik|anak buah|pekerja(?:nya)?|montir|pelayan)\s*"
                   r"(sy|saya|sa|kami)?\s*(ada\s*)?(\d{1,4}|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)"
                   r"\s*(org|orang)\b", re.I)
#: Topics after which the check is never offered (they are about something else than joining).
NO_CHECK_OFFER = frozenset({"ask_claim_jkm", "ask_health", "my_data", "delete_my_data", "out_of_scope",
                            "request_contact", "sponsor_offer", "human_handoff", "check_eligibility",
                            # an agent's question names the work of the people they recruit, not their own
                            "ask_agent", "ask_claim_jkk"})


def _family(intent: str | None) -> str | None:
    return next((f for f, members in TOPIC_FAMILIES.items() if intent in members), None)


def user_turns(tracker: Tracker, latest: bool = False) -> Iterator[Tuple[str | None, str]]:
    """``(intent, text)`` of the user turns, newest first; the latest message itself only with ``latest``."""
    users = (e for e in reversed(tracker.events or []) if e.get("event") == "user")
    if not latest:
        next(users, None)
    for event in users:
        yield ((event.get("parse_data") or {}).get("intent") or {}).get("name"), str(event.get("text") or "")


def earlier_intents(tracker: Tracker) -> Iterator[str]:
    """The intents of the user turns before the latest one, newest first (turns without an intent skipped, and
    "lebih lengkap" turns: they continue the answer before them, actions/more.py)."""
    return (name for name, text in user_turns(tracker) if name and not is_more_detail(text))


def _is_topic(name: Any, answers: Answers) -> bool:
    return isinstance(name, str) and name in answers and name not in SMALL_TALK \
        and name not in (FALLBACK_INTENT, "inform", MORE_INTENT)


#: "balik ke tadi, ...", "kembali ke soal tadi": the worker returns to the topic before a digression.
_BACK_TO_EARLIER = re.compile(r"\b(balik|kembali|lanjut|lanjutkan)\s+(lagi\s+)?(ke\s+)?(yang|yg|soal|pertanyaan|"
                              r"topik|masalah|urusan)?\s*(tadi|sebelumnya|td)\b", re.I)


def previous_topic(tracker: Tracker, answers: Answers) -> str | None:
    """The topic under discussion before the latest message: of the newest earlier turn that had one, the topic the
    bot answered (it may have read that message as a follow-up: "dia peserta bpu sdh 5 thn" after JKM is still about
    JKM), else the topic of the worker's message (an answerable, non small-talk intent). A worker who goes back
    ("oke. balik ke tadi, kalau sa mau tambah JHT?") means the topic before the last one."""
    topics = _earlier_topics(tracker, answers)
    first = next(topics, None)
    if first and _BACK_TO_EARLIER.search((tracker.latest_message or {}).get("text") or ""):
        return next((t for t in topics if t != first), first)
    return first


def _earlier_topics(tracker: Tracker, answers: Answers) -> Iterator[str]:
    """The topics of the earlier turns, newest first, one per turn (see :func:`previous_topic`)."""
    passed_latest = statement = answered = False
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            if not passed_latest:
                passed_latest = True
                continue
            if answered:  # the bot's answer named this turn's topic
                answered = statement = False
                continue
            if statement:  # the bot took it as a statement ("beliau ikut bpu sejak 2021": "Terima kasih infonya")
                statement = False
                continue
            if is_more_detail(str(event.get("text") or "")):
                continue  # "lebih lengkap" continues the answer before it (actions/more.py)
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if _is_topic(name, answers):
                yield name
        elif kind == "bot" and passed_latest and not answered:
            meta = (event.get("metadata") or {}).get(ANSWER_KEY)
            if isinstance(meta, dict) and meta.get("topic"):
                if _is_topic(meta["topic"], answers):
                    yield meta["topic"]
                    answered = True
                else:
                    statement = True


#: "sampai kapan?", "smp kpn harga itu?", "berlaku sampai kapan?", "kapan habis?"
_UNTIL_WHEN = re.compile(r"\b(sampai|sampe|smp|smpe|sampi|hingga|berlaku)\s+(kapan|kpn|bulan apa|bln apa)\b|"
                         r"\bkapan\s+(habis|berakhir|selesai|berhenti)\b", re.I)


#: A yes/no question whether one receives an amount ("jd sy dapat 42 juta kah?", "masih dapat ji kah 42 juta itu?"):
#: the amount, in juta, is group ``a`` or ``b``.
_RECEIVED_ASKED = re.compile(
    r"\b(dapat|dapet|dpt|dpat|terima|diterima|cair)\w*\b[^.!\n]{0,25}?(?<![\d.,])(?P<a>\d+(?:[.,]\d+)?)\s*(jt|juta)\b"
    r"[^.!\n]{0,12}?(\?|\bkah\b|\w+kah\b|\bitu\b|\btoh\b)|"
    r"\b(dapat|dapet|dpt|dpat|terima|cair)\w*\b[^.!\n]{0,12}?\w*kah\b[^.!\n]{0,12}?(?<![\d.,])(?P<b>\d+(?:[.,]\d+)?)"
    r"\s*(jt|juta)\b", re.I)


def received_amount_topic(text: str, previous: str | None) -> str | None:
    """The benefit a yes/no question about receiving an amount asks about: the death benefit's total named
    ("dapat 42 juta kah?" whatever came before), else the benefit under discussion; None for anything else."""
    match = _RECEIVED_ASKED.search(text or "")
    if not match or len((text or "").split()) > 2 * FOLLOW_UP_MAX_WORDS:
        return None
    amount = float((match.group("a") or match.group("b")).replace(",", "."))
    total = get_facts().value("jkm.total", clock.today(), None)
    if total and abs(amount * 1_000_000 - float(total)) < 1:
        return previous if _family(previous) == "jkm" else "ask_jkm"
    return previous if _family(previous) in _BENEFIT_FAMILIES else None


def follow_up_topic(intent: str | None, text: str, previous: str | None, confidence: float = 1.0) -> str | None:
    """The topic a short follow-up asks about, given the previous topic; None when the message stands alone."""
    if (text or "").startswith("/"):
        return None
    if intent in ("inform", "affirm", "deny", "check_eligibility", FALLBACK_INTENT):
        received = received_amount_topic(text, previous)
        if received:
            return received
    if not previous:
        return None
    words = len((text or "").split())
    if intent in ("affirm", "deny") and words <= FOLLOW_UP_MAX_WORDS and _YES_NO_QUESTION.search(text or "") \
            and not _TOPIC_WORDS.search(text or ""):
        return previous  # "bnr kah?", "msh bisa kah?": a question about what was just said, not a yes
    asked = (text or "").rstrip().endswith("?")
    if intent == "cancel" and asked and words <= FOLLOW_UP_MAX_WORDS and not _TOPIC_WORDS.search(text or ""):
        return previous  # "jadi tdk wajib?", "jadi gmn?" outside a form: a question about what was just said
    if intent == "goodbye" and (words <= FOLLOW_UP_MAX_WORDS or (words <= UNPLACED_DETAIL_MAX_WORDS and asked)) \
            and read_signals(text).question and not _TOPIC_WORDS.search(text or ""):
        # "itu smp kpn?" ("sampai" as in "sampai jumpa"), "Jadi uang yang sa sudah bayar dulu hilang semua?": a
        # question about what was just said
        return previous
    family_before = _family(previous)
    if intent == "out_of_scope" and words <= FOLLOW_UP_MAX_WORDS and family_before in _CLAIM_OF \
            and _CASH_WORDS.search(text or "") and not _TOPIC_WORDS.search(text or ""):
        return _CLAIM_OF[family_before]  # "paling cepat kapan bisa cair?" after a JHT claim: that claim, in scope
    if COST_QUESTION.search(text or "") and match_occupation(text or ""):
        return None  # "sa ojek pangkalan di baubau, iurannya berapa?": the worker's own cost, a question of its own
    family = _family(previous)
    if family in _BENEFIT_FAMILIES and words <= FOLLOW_UP_MAX_WORDS and _BENEFIT_QUESTION.search(text or "") \
            and not _SUBJECT_WORDS.search((text or "").lower()):
        return previous  # "dpt brp kira2?" after the death benefit: that benefit, not a contribution
    joining = previous in ("ask_register", "ask_who_can_join") and words <= FOLLOW_UP_MAX_WORDS
    if (family in ("bpu", "gn") or previous == "check_eligibility" or joining) \
            and intent in ("ask_jht", "ask_claim_jht", "ask_contribution_bpu", "ask_discount", "inform",
                           FALLBACK_INTENT, "ask_jkk", "ask_jkm", "ask_programs", "ask_jht_partial") \
            and _ADD_JHT.search(text or "") and not _JHT_PAYOUT.search(text or ""):
        # "kalau tambah jht jadi brp?" after the BPU contribution, a sponsor's offer or a check's result; "klo sama
        # jht nya?" after how to join (with the lowest contribution beside it); "ambil yg ada tabungannya juga?" or
        # "kalau ikut yang meninggal, kecelakaan sama hari tua?" (read as one programme named) the same
        return "ask_contribution_bpu"
    if family == "jkk" and words <= UNPLACED_DETAIL_MAX_WORDS and _ACCIDENT_REPORT.search(text or "") \
            and not _OTHER_SUBJECT_THAN_JKK.search(text or ""):
        return "ask_claim_jkk"  # "perusahaan bilang laporannya nanti saja kalau sudah sembuh": the report's stages
    if family == "bpu" and _UNTIL_WHEN.search(text or "") and not _TOPIC_WORDS.search(text or "") \
            and (words <= FOLLOW_UP_MAX_WORDS or (words <= 2 * FOLLOW_UP_MAX_WORDS and match_occupation(text))):
        # "sampai kapan harga itu?" after the contribution: when the discount ends; "klo istri sy yg jual kue online,
        # sama jg kah sampai kapan nya?": the same for that work
        return "ask_discount"
    if family is None or len((text or "").split()) > FOLLOW_UP_MAX_WORDS:
        return None
    subjects = set(_SUBJECT_WORDS.findall((text or "").lower()))
    if family in _COST_FOLLOW_UPS and subjects <= _COST_FOLLOW_UPS[family] \
            and (intent in _COST_INTENTS or _HOW_MUCH.search(text or "") or subjects) \
            and (family != "gn" or _HOW_MUCH.search(text or "")) \
            and not (family in ("construction", "gn") and wage_in(text)):
        # ("brp iurannya? penghasilan ndak tentu, rata2 sejuta" after a project is the worker's own contribution: a
        # project's is counted on its contract value, never on a wage)
        # "total byr brp?" after PMI, "iuran bpjs tk nya brp?" after a construction project, "klo JHT wajib jg?"
        # after PMI (its answer has the PMI's own JHT); "brp per orang?" after GN Lingkaran or a sponsor's offer is
        # what sponsoring costs (never the sponsor's form again)
        return "ask_gn_lingkaran" if family == "gn" else previous
    if previous in WAGE_TOPICS and not _TOPIC_WORDS.search(text or "") and wage_in(text):
        return previous  # "klo penghasilan sy 1,2 jt?" after the BPU contribution: its figures for that wage
    if _TOPIC_WORDS.search(text or ""):
        return None
    if previous == "ask_jht_partial" and intent in ("ask_claim_jht", "ask_jht") and not _LEAVING.search(text or ""):
        return previous  # "bisa diambil 2 kali?", "kalau 10% buat apa?" after the partial claim: that claim
    if intent in TOPIC_FAMILIES[family]:
        return None  # the NLU already reads it as the same topic
    mapped = FOLLOW_UPS.get(family, {}).get(intent or "")
    if mapped is None and confidence < FOLLOW_UP_TRUST and intent not in SMALL_TALK:
        mapped = FOLLOW_UPS.get(family, {}).get(FALLBACK_INTENT)
    if mapped is None:
        return None
    if mapped == PREVIOUS and _CASH_WORDS.search(text or "") and family in _CLAIM_OF:
        return _CLAIM_OF[family]  # "brp lama cairnya?" after the JHT balance: the claim
    return previous if mapped == PREVIOUS else mapped


#: Leaving work ("kalau sy resign sebelum itu?"): the whole JHT claim, not the partial one.
_LEAVING = re.compile(r"\b(resign|berhenti|keluar|phk|dipecat|pensiun|diberhentikan)\b", re.I)
#: The employer's report of a work accident, spoken of after JKK ("laporannya nanti saja", "blm dilaporkan").
_ACCIDENT_REPORT = re.compile(r"\b(lapor\w*|dilapor\w*|melapor\w*|pelaporan)\b", re.I)
_OTHER_SUBJECT_THAN_JKK = re.compile(r"\b(jht|jkm|jp|jkp|pensiun|iuran\w*|daftar\w*|didaftarkan|gaji\w* (?:sy|saya|sa) "
                                     r"dipotong)\b", re.I)

#: The claim of each benefit family: a documents question in a conversation about one is about that claim.
_CLAIM_DOCUMENTS = {"jht": "ask_claim_jht", "jkm": "ask_claim_jkm", "jkk": "ask_claim_jkk", "jp": "ask_claim_jp",
                    "jkp": "ask_jkp"}
#: "syaratnya apa?": conditions, not papers ("berkas", "dokumen").
_CONDITIONS = re.compile(r"\b(syarat\w*|ketentuan\w*|kriteria)\b", re.I)
_PAPERS = re.compile(r"\b(berkas\w*|dokumen\w*|surat\w*|bawa apa|dibawa|siapkan|disiapkan)\b", re.I)
#: Benefits whose answer states their conditions.
CONDITION_TOPICS = frozenset({"ask_scholarship", "ask_jp", "ask_jkp", "ask_jht_partial", "ask_bsu", "ask_discount",
                              "ask_gn_lingkaran", "ask_agent"})
_REGISTER_WORDS = re.compile(r"\b(daftar\w*|dftr|mendaftar|pendaftaran|registrasi|jadi peserta|ikut)\b", re.I)


def claim_documents_topic(tracker: Tracker, intent: str | None, text: str) -> str | None:
    """"Berkas apa saja yang harus saya siapkan?" a few turns into a widow's questions (about late payments since):
    the documents of the claim under discussion, not the registration's. The newest benefit of the last few turns,
    unless the message speaks of registering."""
    if intent != "ask_documents" or (text or "").startswith("/") or _REGISTER_WORDS.search(text or ""):
        return None
    if _CONDITIONS.search(text or "") and not _PAPERS.search(text or ""):
        # "syaratnya apa?" after the scholarship (or JP, JKP, a partial JHT claim): that benefit's conditions, which
        # its answer states, not a list of papers
        previous = previous_topic(tracker, get_answers())
        if previous in CONDITION_TOPICS:
            return previous
    recent = recent_topics(tracker)
    for name in recent:
        family = _family(name) or ""
        if family in ("jp", "jht", "jkk") and death_in_conversation(tracker, recent):
            # "dokumen apa yang harus kami bawa?" after a late father's JP: the heirs' documents (JKM's claim, whose
            # answer names JP's survivors' pension too)
            return "ask_claim_jkm"
        claim = _CLAIM_DOCUMENTS.get(family)
        if claim:
            return claim
    if death_in_conversation(tracker, recent):
        # "Berkas apa saja yang sa perlu siapkan?" after a father's death the NLU could not place: the heirs' claim
        return "ask_claim_jkm"
    return None


#: Below this confidence, a statement (no question) read as a cost topic in a bereaved conversation is about the death.
DEATH_STATEMENT_TRUST = 0.6


def death_statement_topic(tracker: Tracker, intent: str | None, text: str, confidence: float) -> str | None:
    """"Dia ikut BPJS TK mandiri sebagai nelayan sejak 2022, bayarnya rutin terus." a turn after a father's death,
    read (unsure) as a contribution question: a statement about the deceased's membership, so what the heirs get
    and how (the heirs' claim). None otherwise."""
    if intent in _HEIRS_GET_MISREAD and heirs_get_topic(tracker, text):
        return "ask_claim_jkm"
    # ("dia ikut bpjs tk lewat agen" read as how to register: the deceased's membership told, not a wish to join)
    joined = intent in ("ask_register", "ask_who_can_join") and bool(_DECEASED.search(text or ""))
    if (intent not in _COST_INTENTS and not joined) or confidence >= DEATH_STATEMENT_TRUST or "?" in (text or "") \
            or read_signals(text).question or not death_in_conversation(tracker):
        return None
    return "ask_claim_jkm"  # its answer names JKK's multiple for a death at work, and the scholarship


#: What the family receives, asked ("Apa yang kami dapat?", "keluarga dapat apa?", "hak kami apa saja?").
_HEIRS_GET = re.compile(r"\bapa\s+(?:saja\s+|aja\s+)?(?:yang|yg)\s+(?:kami|kita|keluarga|ahli waris|anak2?|"
                        r"anak-anak)\s+(?:bisa\s+|bs\s+)?(?:dapat|dapatkan|dpt|terima|peroleh)\b|\b(?:kami|kita|keluarga)\s+"
                        r"(?:bisa\s+|bs\s+)?(?:dapat|dpt|terima)\s+apa\b|\bhak\s+(?:kami|keluarga|ahli waris)\b", re.I)
#: Topics a question of what the heirs get may be read as after a death told.
_HEIRS_GET_MISREAD = frozenset(_COST_INTENTS) | {"ask_register", "ask_who_can_join", "ask_programs", "ask_discount",
                                                 "check_eligibility", "ask_jht", "ask_payment"}
#: The sender's own joining ("sy mau ikut juga", "daftar sendiri"): a question of its own, not the heirs'.
_OWN_JOINING = re.compile(r"\b(?:mau|ingin|mo|pengen|bisa|bs)\s+(?:ikut|daftar|mendaftar|gabung)\b", re.I)
#: Still working ("sy msh kerja, bs cair?"): after a JHT answer, the partial claim while employed.
_STILL_WORKING = re.compile(r"\b(?:masih|msh|masi|sementara|lagi)\s+(?:kerja|bekerja|aktif bekerja|aktif kerja)\b|"
                            r"\bbelum\s+(?:resign|berhenti|keluar|pensiun)\b|\bblm\s+(?:resign|berhenti|keluar)\b",
                            re.I)
#: The JHT topics after which "masih kerja, bisa cair?" asks for the partial claim.
JHT_TOPICS_FOR_PARTIAL = frozenset({"ask_claim_jht", "ask_jht", "ask_balance"})


def heirs_get_topic(tracker: Tracker, text: str) -> str | None:
    """"Beliau pedagang kue di Pasar Wameo, ikut BPU sejak 2021. Apa yang kami dapat?" after "Ibu saya meninggal
    minggu lalu": what the heirs get (their claim), whatever the NLU made of the deceased's work. None otherwise."""
    if _HEIRS_GET.search(text or "") and not _OWN_JOINING.search(text or "") and death_in_conversation(tracker):
        return "ask_claim_jkm"
    return None


#: Years said in a pension follow-up are no age ("umur sy 57").
_AGE_SAID = re.compile(r"\b(umur\w*|usia\w*|lahir)\b", re.I)
#: ... asking what the pension pays ("dapat bulanan?", "dapat berapa sebulan?", "pensiunnya brp?").
_PENSION_ASKED = re.compile(r"\b(bulanan|sebulan|per bulan|perbulan|pensiun\w*|dapat|dpt|terima|brp|berapa)\b", re.I)
JP_TOPICS = ("ask_jp", "ask_claim_jp")
#: Years of a what-if ("Misalnya pas 15 tahun, rata2 gaji 5 jt"): no child's age ("masih 17 tahun, SMA").
_WHAT_IF_YEARS = re.compile(r"\b(?:pas|misal\w*|seandainya|andai\w*|genap|kalau\s+sudah|klo\s+sdh|kalau\s+iur\w*)\s+"
                            r"(\d{1,2})\s*(?:tahun|thn|th)\b", re.I)


def jp_years_topic(tracker: Tracker, text: str) -> str | None:
    """Years of contributions asked of the pension just explained ("Masa iur saya nanti baru sekitar 14 tahun, dapat
    bulanan?", "Misalnya pas 15 tahun, rata2 gaji 5 jt, dapat berapa sebulan?"), whatever the NLU read (a check, an
    age): the JP topic, whose follow-up says the 15-year rule or computes the pension. None otherwise."""
    previous = previous_topic(tracker, get_answers())
    if previous in JP_TOPICS and not _AGE_SAID.search(text or "") and _PENSION_ASKED.search(text or "") \
            and (membership_years(text) is not None or _WHAT_IF_YEARS.search(text or "")):
        return previous
    return None


def partial_while_working_topic(tracker: Tracker, text: str) -> str | None:
    """"sy msh kerja, bs cair?" after a JHT answer: the partial claim (10% or 30% after ten years), which is the
    only JHT a worker still employed can take. None otherwise."""
    if not (_STILL_WORKING.search(text or "") and _CASH_WORDS.search(text or "")):
        return None
    return "ask_jht_partial" if previous_topic(tracker, get_answers()) in JHT_TOPICS_FOR_PARTIAL else None


#: The deceased spoken of ("dia ikut bpjs tk", "almarhum dulu daftar lewat agen").
_DECEASED = re.compile(r"\b(dia|beliau|almarhum\w*|alm|suami\w*|istri\w*|bapak\w*|ayah\w*|ibu\w*|mama\w*|papa\w*)\b",
                       re.I)


def death_in_conversation(tracker: Tracker, recent: List[str] | None = None) -> bool:
    """A death was spoken of in the last few turns: a JKM topic, or a bereaved worker's words."""
    recent = recent_topics(tracker) if recent is None else recent
    return any(_family(name) == "jkm" for name in recent) or any(
        read_signals(t).feeling == "grief" for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK))


#: A programme's name and a particle, nothing else ("jht jg?", "kalau JKM?", "jkp nya gmn?"): after an answer about
#: all programmes (the discount, a contribution, a project), it asks how that answer's subject goes for that
#: programme, so a detail of the previous topic naming it comes first ("kalau JP?" after JHT asks about JP itself).
CROSS_PROGRAMME_TOPICS = frozenset({"ask_discount", "ask_contribution_pu", "ask_contribution_bpu", "ask_construction"})
_BARE_PROGRAMME = re.compile(r"(?:(?:kalau|klo|kalo|kl|terus|trus|lalu|yg|yang|utk|untuk|bagaimana|gimana|gmn|dan|"
                             r"trs)\s+){0,2}\s*"
                             # "mereka dapat JHT juga?" after a project's cover: its workers, that programme
                             r"(?:(?:mereka|dorang|dia|pekerjanya|pekerja|karyawannya|karyawan|buruhnya)\s+)?"
                             r"(?:(?:dapat|dpt|dapet|ikut|juga|jg)\s+)?"
                             r"(?:jht|jkk|jkm|jp|jkp)\s*-?\s*(?:nya)?\s*(?:jg|juga|jga|gmn|gimana|bagaimana|kah|dpt|"
                             r"dapat|ikut|termasuk|brp|berapa)?\s*(?:kah|juga|jg)?\s*\??", re.I)


def detail_follow_up(answers: Answers, intent: str | None, text: str, previous: str | None,
                     confidence: float = 1.0) -> str | None:
    """The previous topic, when a short message the NLU read as a general topic or was unsure of asks one of that
    topic's details ("brp bulan batasnya?" after late payment, "kalau lebih?" after the JMO claim)."""
    limit = UNPLACED_DETAIL_MAX_WORDS if intent == FALLBACK_INTENT else FOLLOW_UP_MAX_WORDS
    if not previous or (text or "").startswith("/") or len((text or "").split()) > limit:
        return None
    if intent not in _SAME_TOPIC and intent not in ("affirm", "deny", previous) and confidence >= FOLLOW_UP_TRUST and (
            len(_LEAD_FILLER.sub("", text or "").split()) > DETAIL_OVER_NLU_WORDS or _TOPIC_WORDS.search(text or "")) \
            and not (previous in CROSS_PROGRAMME_TOPICS and _BARE_PROGRAMME.fullmatch((text or "").strip())):
        # a sure reading keeps its topic, unless the message is a few words naming no topic and asking one of the
        # previous topic's details ("dapat gaji kah?" after the agent answer is no BSU question)
        return None  # ("klo ga punya email?" after registration reads as "deny")
    if not any(previous in d.topics for d in answers.details_for(previous, text)):
        return None
    return previous


def silent_facts(tracker: Tracker, text: str, signals: Signals) -> Dict[str, Any]:
    """What the worker said about themselves in a question ("sy petani di konsel umur 44, ..."): kept for a later
    check or form without being said back. Amounts count as income only beside an income word."""
    if not signals.personal or (text or "").startswith("/"):
        return {}
    try:
        found = read_facts(text, {}, None, clock.today())
    except Exception:  # reading is best effort: the answer matters more
        logger.exception("silent_facts: cannot read facts")
        return {}
    values = {k: v for k, v in found.values.items() if k in FACT_SLOTS and tracker.get_slot(k) in (None, v)}
    if "income" in values and (not INCOME_WORDS.search(text) or STAFF.search(text)):
        values.pop("income")  # "tetangga dpt 42 jt", "5 mekanik gaji masing2 2,5 juta": not the worker's income
    return values


def wage_in(text: str) -> int | None:
    """The wage in a message that names one beside an income word ("gaji sy 3 juta"), else None."""
    if not text or text.startswith("/") or not INCOME_WORDS.search(text):
        return None
    try:
        return read_facts(text, {}, None, clock.today()).values.get("income")
    except Exception:  # reading is best effort: the answer matters more
        logger.exception("wage_in: cannot read the wage")
        return None


#: Wage earners' topics whose figures follow the wage told earlier ("gaji 15 juta" ... "potongan JP sy brp?").
OWN_WAGE_TOPICS = ("ask_jp", "ask_contribution_pu", "ask_jkp", "ask_contribution_bpu")
_OWN = re.compile(r"\b(sy|saya|sa|aku|ku|gue)\b", re.I)


#: Contribution topics after which a programme's bare name ("klo jp?") asks that programme's part for the wage.
WAGE_CONTRIBUTION_TOPICS = frozenset({"ask_contribution_pu", "ask_contribution_bpu"})
#: A question this short about an employee's topic ("JKP nya berapa?") asks it for the wage told before.
OWN_WAGE_SHORT_WORDS = 7
_OTHERS_WAGE = re.compile(r"\b(dia|mereka|karyawan\w*|pegawai\w*|anak|istri|suami)\b", re.I)


def _self_employed(occupation: str) -> bool:
    try:
        return worker_for(occupation).category == "BPU"
    except Exception:  # an unknown occupation: not known to be self-employed
        return False


#: A detail asked about money ("selama tidak masuk kerja sa dapat gaji kah dari bpjs?"): with a wage known, its figures.
_MONEY_DETAIL = re.compile(r"\b(gaji\w*|gajih|upah\w*|dapat\w*|dpt|brp|berapa\w*|uang\w*|santunan\w*|total\w*)\b",
                           re.I)


def send_details_for_wage(dispatcher: CollectingDispatcher, tracker: Tracker, answers: Answers, topic: str,
                          text: str, on) -> bool:
    """The details of ``topic`` the message asks about (:func:`send_details`) and, when they are about money and the
    conversation knows the worker's wage, the topic's figures for that wage: "selama tidak kerja, gaji saya
    bagaimana? gaji 3,6 juta" after JKK gets what replaces the wage and how much that is."""
    if not send_details(dispatcher, answers, topic, text, on):
        return False
    if topic in WAGE_TOPICS and _MONEY_DETAIL.search(text or ""):
        occupation = tracker.get_slot("occupation")
        others = topic != "ask_contribution_bpu" and occupation and _self_employed(str(occupation))
        wage = wage_in(text) or (None if others else next(
            (w for w in (wage_in(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)
                         if not STAFF.search(t)) if w), None))
        send_wage_line(dispatcher, topic, wage)
    return True


#: A question about the period or a doubted figure of an amount just given ("itu sebulan atau setahun?", "per bulan
#: kah?", "kok tidak 150 ribu?", "bukannya 120 ribu?").
_PERIOD_ASKED = re.compile(r"\b(sebulan|setahun|per ?bulan|per ?tahun|tiap bulan|tiap tahun|perbulan|pertahun)\b.*\?|"
                           r"\b(kok|kenapa|knp|bukannya|bukankah)\b.*\d", re.I)


_LAID_OFF = re.compile(r"\b(phk|di-?phk|diphk|diberhentikan|dipecat|pemutusan hubungan kerja)\b", re.I)


def laid_off(tracker: Tracker) -> bool:
    """This message or one of the last few turns tells of a PHK."""
    told = itertools.islice(user_turns(tracker, latest=True), WAGE_LOOKBACK + 1)
    return any(_LAID_OFF.search(t or "") for _, t in told)


def own_wage_asked(tracker: Tracker, topic: str, text: str) -> int | None:
    """The wage the worker gave earlier in the conversation (kept as their income), when the message asks how much
    of a wage earners' topic for themselves with no wage of its own ("potongan JP sy brp sebulan?")."""
    short = len((text or "").split()) <= OWN_WAGE_SHORT_WORDS and not _OTHERS_WAGE.search(text or "")
    # "klo jp?" right after the worker's own contribution asks that programme's part of it, with no "berapa"
    bare = bool(_BARE_PROGRAMME.fullmatch((text or "").strip())) \
        and any(t in WAGE_CONTRIBUTION_TOPICS for t in recent_topics(tracker)[:1])
    # "itu sebulan atau setahun?", "kok tidak 150 ribu?" (a figure doubted), "kalau sa tambah JHT juga?" after the
    # contribution: the figures again, for the wage told before
    period = short and bool(_PERIOD_ASKED.search(text or ""))
    adds_jht = topic == "ask_contribution_bpu" and short and bool(_ADD_JHT.search(text or ""))
    # "kalau yg dibayar perusahaan?" after the worker's own deduction: the employer's part of that wage
    employer_part = topic == "ask_contribution_pu" and short and bool(_EMPLOYER_PART.search(text or ""))
    if topic not in OWN_WAGE_TOPICS or not (_HOW_MUCH.search(text or "") or bare or period or adds_jht
                                            or employer_part) \
            or not (_OWN.search(text or "") or short):
        return None
    occupation = tracker.get_slot("occupation")
    if topic != "ask_contribution_bpu" and occupation and _self_employed(str(occupation)) \
            and not (topic == "ask_jkp" and laid_off(tracker)):
        # a fisher's income is no wage for an employee's figures ("di-PHK dari perusahaan ekspedisi" read as a
        # courier is an employee all the same: only employees are laid off)
        return None
    income = real(tracker.get_slot("income"))
    if not (isinstance(income, (int, float)) and income > 0):
        # not kept (a PHK story's wage, "gaji terakhir 4 juta"): the wage a recent turn told, not a staff's, unless
        # the question is about the figures just given ("itu sebulan atau setahun?" after a staff's deduction)
        income = next((w for w in (wage_in(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)
                                   if period or not STAFF.search(t)) if w), None)
    return int(income) if isinstance(income, (int, float)) and income > 0 else None


#: Topics whose figures an employer asks again for the staff's wage told a few turns before.
STAFF_WAGE_TOPICS = frozenset({"ask_contribution_pu", "ask_jp", "ask_jht"})


def staff_wage_asked(tracker: Tracker, topic: str, text: str) -> int | None:
    """The staff's wage an employer told a few turns before ("gaji mereka 2 juta", "Sa HRD, karyawan gaji 4 juta"),
    when a short question of theirs asks a contribution again with no wage of its own ("kalau JHT ikut juga,
    potongan karyawan berapa?", "terus yang JP?"): the figures are for that wage."""
    if topic not in STAFF_WAGE_TOPICS or len((text or "").split()) > FOLLOW_UP_MAX_WORDS + 4:
        return None
    bare = bool(_BARE_PROGRAMME.fullmatch((text or "").strip()))
    if not (bare or _HOW_MUCH.search(text or "") or _COST_ASKED.search(text or "")):
        return None
    for _, earlier in itertools.islice(user_turns(tracker), WAGE_LOOKBACK):
        wage = wage_in(earlier)
        if wage and (STAFF.search(earlier) or (THEIR_STAFF.search(earlier) and (
                EMPLOYER_ROLE.search(earlier) or THEIR_STAFF.search(text) or bare
                or any(name in _EMPLOYER_TOPICS for name in recent_topics(tracker))))):
            return wage
    return None


#: Employee-contribution topics an employer's question at a named risk class asks about.
EMPLOYER_SHARE_TOPICS = frozenset({"ask_contribution_pu", "ask_jp", "ask_contribution_bpu"})


def send_employer_share(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None, text: str) -> bool:
    """An employer's share for a wage at the risk class of their work ("Gaji rata-rata Rp3 juta, risiko kerja rendah.
    Iuran bagian perusahaan per orang berapa?", then "potongan dari gaji karyawannya totalnya berapa?"): the wage
    and the class from this message or the last few turns. True when sent."""
    short_jp = topic == "ask_jp" and len((text or "").split()) <= FOLLOW_UP_MAX_WORDS  # "Kalau ikut JP juga?"
    if topic not in EMPLOYER_SHARE_TOPICS or not (_HOW_MUCH.search(text or "") or _COST_ASKED.search(text or "")
                                                  or short_jp):
        return False
    told = [text] + [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)]
    risk = next((r for r in map(risk_class, told) if r), None)
    wage = next((w for w in map(wage_in, told) if w), None) if risk else None
    line = employer_share_line(wage, risk, clock.today()) if wage else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_jp_line(dispatcher: CollectingDispatcher, wage: int) -> bool:
    """JP's contribution alone for ``wage`` (both shares, on the capped wage); True when sent."""
    line = jp_contribution_line(wage, clock.today())
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_jp_contribution(dispatcher: CollectingDispatcher, topic: str | None, text: str) -> bool:
    """"Berapa iuran Jaminan Pensiun bagian perusahaan dan bagian pekerja?" with a wage: JP's contribution alone,
    when the question names JP and no other programme."""
    if topic not in ("ask_contribution_pu", "ask_jp"):
        return False
    asked = question_part(text)
    named = {_PROGRAMME_OF.get(p, p) for p in _PROGRAMMES.findall(asked.lower())}
    wage = wage_in(text)
    if named != {"jp"} or not wage or not _HOW_MUCH.search(asked):
        return False
    line = jp_contribution_line(wage, clock.today())
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_wage_line(dispatcher: CollectingDispatcher, topic: str | None, wage: int | None) -> bool:
    """The figures of ``topic`` for ``wage`` (lingkar/wage_figures.py), when it has any; True when sent."""
    line = wage_line(topic, wage, clock.today())
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: A sponsor's conversation (a village, a company's CSR, a person paying for others) and the cost topics a count of
#: workers in it asks about.
SPONSOR_TOPICS = frozenset({"ask_gn_lingkaran", "sponsor_offer"})
#: Topics a message in a sponsor's conversation may be read as when it only changes the count, the period or adds JHT.
SPONSOR_FOLLOW_UPS = frozenset({"ask_jht", "ask_contribution_bpu", "ask_discount", "ask_gn_lingkaran",
                                "sponsor_offer", "ask_programs"})
#: Which programme a sponsor asks for ("Program apa yang tepat?", "program apa yang tersedia untuk donatur?").
_WHICH_PROGRAMME = re.compile(r"\b(program\w*|skema\w*)\s+(apa|yang|yg)\b|\bnama\s+program\w*\b|"
                              r"\b(apa|mana)\s+program\w*\b", re.I)
#: Topics a cost question after a project's contract value may be read as ("iuran JKK dan JKM-nya berapa?").
PROJECT_FOLLOW_UPS = frozenset({"ask_contribution_bpu", "ask_contribution_pu", "ask_programs", "ask_jkk", "ask_jkm"})
SPONSOR_COST_TOPICS = frozenset({"ask_contribution_bpu", "ask_discount", "ask_programs", FALLBACK_INTENT})
#: A question about an amount ("iurannya?", "jd totalnya brp?"): only then does a contract value said earlier count
#: ("daftarnya lewat apa, batas waktunya?" after the project's figures asks something else).
_COST_ASKED = re.compile(r"\b(brp|berapa\w*|brapa\w*|total\w*|iuran\w*|biaya\w*|bayar\w*|jumlah\w*)\b", re.I)
#: How many earlier user turns are searched for a project's contract value ("iurannya brp?" after "SPK 800 juta").
CONTRACT_LOOKBACK = 4


#: A follow-up that names a programme and nothing else ("jkm nya?", "kalau JKK?"): its part of the figures just given.
_PROGRAMME_ONLY = re.compile(r"(?:kalau|klo|kalo|kl|terus|trus|lalu|yg|yang)?\s*(?:iuran\s*)?(?:jkk|jkm)\s*-?\s*"
                             r"(?:nya)?\s*(?:brp|berapa)?\s*\??", re.I)


def send_count_line(dispatcher: CollectingDispatcher, topic: str | None, text: str,
                    tracker: Tracker | None = None) -> bool:
    """The figures of ``topic`` for the workers the message counts (a sponsor's sum, an agent's commission) or the
    project's contract value it names (lingkar/wage_figures.py); for a project, a value said in an earlier turn
    counts too when the message asks an amount. True when sent."""
    # a sponsor's count weighs the period and JHT said in the conversation before ("Ralat, jumlahnya 150 orang." after
    # "200 nelayan ... selama 12 bulan"), whether the NLU read it as the offer or as GN Lingkaran
    line = None if topic in SPONSOR_TOPICS and tracker is not None else count_line(topic, text, clock.today())
    if line and topic == "ask_contribution_bpu" and tracker is not None and any(
            public_money(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)):
        # "Jadi per bulan untuk 40 orang berapa?" after "dari dana desa": public money pays the normal rate
        line = group_line(text, clock.today(), public=True)
    if not line and tracker is not None and (topic in SPONSOR_TOPICS or (
            topic in SPONSOR_COST_TOPICS and sponsor_context(tracker))):
        # "kalau 100 warga, biaya sebulan berapa?" in a sponsor's conversation: what paying for them costs
        line = sponsor_follow_up_line(tracker, text)
    if not line and topic == "ask_construction" and tracker is not None and (
            _COST_ASKED.search(text or "") or _PROGRAMME_ONLY.fullmatch((text or "").strip())):
        earlier = [t for _, t in itertools.islice(user_turns(tracker), CONTRACT_LOOKBACK) if contract_value(t)]
        line = count_line(topic, earlier[0], clock.today()) if earlier else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: Which data or papers a sponsor must gather for the workers it pays for ("Data apa yg perlu sy kumpulkan dari
#: warga?", "Data apa yang diperlukan per orang?").
_MEMBER_DATA = re.compile(r"\b(data|berkas|dokumen|syarat\w*|persyaratan)\s+(apa|apa2|apa saja|apa aja|apa sj)\b|"
                          r"\b(data|berkas|dokumen)\s+(yg|yang)\s+(perlu|diperlukan|harus|wajib|dibutuhkan|disiapkan|"
                          r"dikumpulkan)\b|\b(apa|apa saja|apa aja)\s+(data|berkas|dokumen|syarat)\w*\b", re.I)
#: The people a message asks the data of are others, paid for by the sender ("dari warga", "per orang", "tiap petani").
_DATA_OF_OTHERS = re.compile(r"\b(dari|utk|untuk|tiap|setiap|per|masing-masing)\s+(warga|orang|org|petani|nelayan|"
                             r"pekerja|peserta|anggota|penerima\w*|mereka|jemaat)\b|\b(kami|desa|kita)\s+"
                             r"(siapkan|kumpulkan|sediakan|persiapkan|kumpul)\b|\b(dikumpulkan|didata)\b", re.I)
#: A sponsor naming the contributions it pays by their number ("membayarkan iuran 30 nelayan"); who else speaks as a
#: sponsor is in content/signals.yml ``sponsor`` (:func:`speaks_as_sponsor`).
_SPONSOR_PAYS = re.compile(r"\b(membayarkan|bayarkan|menanggung|tanggung|membayar|membiayai|bayari\w*)\s+iuran\s+\d+",
                           re.I)


def sponsor_says(text: str) -> bool:
    """A village, a regency, public money, a company's CSR, a congregation or GN Lingkaran speaks, or a sponsor
    counts the contributions it pays."""
    return speaks_as_sponsor(text) or bool(_SPONSOR_PAYS.search(text or ""))


#: Topics a sponsor's costed message may be read as ("Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD.
#: Berapa per orang per bulan?" as JP, "gereja kami mau bayarkan iuran 25 jemaat, setahun berapa?" as the
#: self-employed contribution).
SPONSOR_MISREAD = frozenset({"ask_contribution_bpu", "ask_contribution_pu", "ask_jp", "ask_jht", "ask_discount",
                             "ask_programs", "check_eligibility", "ask_who_can_join", "ask_register", "ask_payment",
                             "inform", "out_of_scope", "cannot_afford", "ask_late_payment", FALLBACK_INTENT})


def sponsor_message(text: str, tracker: Tracker | None = None) -> bool:
    """A village, a regency, a company's CSR or a congregation (in this message or, with ``tracker``, one of the few
    before) asks what paying for a number of workers costs, or how many a budget pays for: its sum can be computed
    (:func:`~lingkar.wage_figures.sponsor_line`)."""
    t = text or ""
    return bool((sponsor_says(t) or public_money(t) or (tracker is not None and sponsor_spoken(tracker)))
                and _COST_ASKED.search(t) and sponsor_line(t, clock.today()))


def others_data_after_sponsor(tracker: Tracker, text: str) -> bool:
    """"Data apa yang diperlukan per orang?" after "Kami ingin mendata pekerja rentan di 5 desa": the data of the
    workers a sponsor spoke of, said in so many words ("per orang", "dari warga"); a bare "dokumen apa saja?" after a
    death in a sponsored family ("didaftarkan pemkab") asks the claim's."""
    return bool(_DATA_OF_OTHERS.search(text or "")) and sponsor_spoken(tracker)


def sponsor_spoken(tracker: Tracker) -> bool:
    """One of the last few user turns speaks as a sponsor ("Tabe, sa pengurus masjid di Raha ... Sa mo daftarkan
    guru-guru ngaji", "Kami ingin mendata pekerja rentan di 5 desa"), whatever topic it was answered with."""
    return any(sponsor_says(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK))


def asks_member_data(text: str) -> bool:
    """The message asks which data to gather for the workers the sender pays for."""
    return bool(_MEMBER_DATA.search(text or "") and (_DATA_OF_OTHERS.search(text or "")
                                                     or len((text or "").split()) <= 8))


def sponsor_context(tracker: Tracker) -> bool:
    """A sponsor's conversation: the sponsor's form is open or GN Lingkaran / an offer to pay was asked lately."""
    return tracker.active_loop_name == "sponsor_form" or bool(SPONSOR_TOPICS & set(recent_topics(tracker))) \
        or bool(SPONSOR_TOPICS & set(itertools.islice(_earlier_topics(tracker, get_answers()), WAGE_LOOKBACK)))
    # (the topics the bot answered count too: "Kami dari bagian CSR ... Program apa yang cocok?" unplaced by the NLU
    # but answered with GN Lingkaran)


def own_income_told(tracker: Tracker, text: str) -> bool:
    """This message or the one before tells the worker's own wage or income ("gaji sy 1,5 juta", "eh salah, gaji sy
    1 juta 200"): in a conversation that touched on sponsors, the cost asked next is the worker's own."""
    told = [text] + [t for _, t in itertools.islice(user_turns(tracker), 1)]
    return any(wage_in(t) and _OWN.search(t) and not THEIR_STAFF.search(t) and not STAFF.search(t) for t in told)


def sponsor_follow_up_line(tracker: Tracker, text: str) -> str | None:
    """What paying for the workers costs, for a message that counts them, names a period or adds JHT, with what the
    earlier turns of the sponsor's conversation said ("Kami targetkan 200 orang selama Januari-Desember 2027", then
    "Kalau ditambah JHT?" or "eh salah, maksud saya 60 orang"): the message's own count and period come first."""
    on = clock.today()
    adds_jht = bool(_JHT.search(text or "") and (_ADDS.search(text or "") or _COST_ASKED.search(text or ""))) \
        and not _NO_JHT.search(text or "")  # "kalau ditambah JHT?", not "aparat desa bisa ikut JHT?"
    if not (counts_workers(text) or names_period(text, on) or adds_jht):
        return None
    earlier = [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK) if counts_workers(t)]
    merged = " ; ".join([text, *earlier])
    return count_line("sponsor_offer", merged, on) if not takes_jht(tracker, text) else \
        sponsor_line(merged, on, with_jht=True)


def keep_topic(dispatcher: CollectingDispatcher, topic: str, on) -> None:
    """Mark the last message sent (a follow-up's figures or detail, no answer of its own) as part of ``topic``'s
    answer, so the topic under discussion stays ``topic`` ("jd totalnya brp rupiah?" after a project's figures)."""
    if dispatcher.messages and ANSWER_KEY not in dispatcher.messages[-1]:
        dispatcher.messages[-1][ANSWER_KEY] = {"topic": topic, "on": on.isoformat(), "part": FOLLOW_UP_PART}


#: Topics whose answer gets the total of several months paid at once when the message asks it (prepay_line).
#: Words of a payment that is late (arrears), not ahead.
_LATE = re.compile(r"\b(telat|terlambat|tunggak\w*|nunggak|menunggak|belum bayar|blm bayar|tidak bayar|tdk bayar|"
                   r"lupa bayar|nonaktif|tidak aktif|tdk aktif|berhenti)\b", re.I)
#: Paying ahead said in so many words, whatever else is late ("sering lupa bayar, jadi mau bayar 12 bulan sekaligus
#: mulai Desember", "belum bayar bulan ini; mau bayar 6 bulan sekaligus mulai bulan ini supaya tidak lupa").
_AHEAD = re.compile(r"\bmulai\s+(dari\s+)?(bulan|bln)\s+(ini|depan)\b|\bmulai\s+(dari\s+)?(jan|feb|mar|apr|mei|jun|jul|"
                    r"agu|agt|sep|okt|nov|des)\w*\b|\b(supaya|biar|agar)\s+(tidak|tdk|nggak|gak|ga|nda)\s+lupa\b|"
                    r"\bsering\s+lupa\b", re.I)


def paying_ahead(topic: str | None, text: str) -> str | None:
    """Arrears read for a question about paying months ahead ("bayar 6 bln sekaligus skrg, brp semua?", "bayar iuran
    langsung setahun? berapa semua?") that says nothing is late, or says it pays ahead from a month ("mulai bulan
    ini", "supaya tidak lupa"): the payment answer, with the months' total."""
    if topic in ("ask_late_payment", None) and (not _LATE.search(text or "") or _AHEAD.search(text or "")) \
            and prepay_line(None, None, text, clock.today()):
        return "ask_payment"
    return topic


PREPAY_TOPICS = frozenset({"ask_payment", "ask_contribution_bpu", "ask_discount", "cannot_afford"})
#: Topics a short follow-up of a prepayment's total may be read as ("eh salah, 3 bln aja", "klo tambah JHT jg, 3 bln
#: jd brp?"): the total for those months (:func:`prepay_follow_up_line`).
PREPAY_FOLLOW_UPS = PREPAY_TOPICS | {"ask_jht", "ask_programs", "inform", "ask_late_payment"}


#: Topics after which a short message naming one month ("kalau bulan Januari?") asks that month's contribution.
MONTH_PRICE_TOPICS = frozenset({"ask_contribution_bpu", "ask_discount", "ask_payment", "cannot_afford",
                                "check_eligibility"})


def send_month_price(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"kalau bulan Januari?" after a self-employed contribution: that contribution month's amount for the worker's
    group (the discount window counted), with JHT when they take it. True when sent."""
    if len((text or "").split()) > FOLLOW_UP_MAX_WORDS or (text or "").startswith("/"):
        return False
    previous = previous_topic(tracker, get_answers())
    joining = previous in GENERAL_TOPICS and bool(_COST_ASKED.search(text or ""))  # "brp itu bulan depan?" after
    # how to join: what joining costs that month
    if previous not in MONTH_PRICE_TOPICS and not joining and not tracker.get_slot(RESULT_SLOT):
        return False
    line = month_price_line(tracker.get_slot("occupation"), real(tracker.get_slot("income")), text, clock.today(),
                            with_jht=takes_jht(tracker, text))
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: Topics where a last month paid ("terakhir bayar Oktober 2026") gets until when the arrears can be paid.
LAST_PAID_TOPICS = frozenset({"ask_late_payment", "ask_card", "ask_my_status", "ask_payment", "ask_contribution_bpu"})


def send_last_paid_line(dispatcher: CollectingDispatcher, topic: str | None, text: str) -> bool:
    """"Terakhir bayar iuran bulan Oktober 2026. Masih aktif?": whether membership still runs, and until when the
    months owed can be paid (lingkar/wage_figures.last_paid_line)."""
    if topic not in LAST_PAID_TOPICS:
        return False
    line = last_paid_line(text, clock.today())
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_prepay_line(dispatcher: CollectingDispatcher, tracker: Tracker, topic: str | None, text: str) -> bool:
    """"kalau bayar 3 bulan sekaligus?": the months and their total for the worker's own group, each contribution month
    priced for itself (lingkar/wage_figures.prepay_line). True when sent."""
    if topic not in PREPAY_TOPICS:
        return False
    # "sa ojol maxim di Kendari, kalo sa bayar 3 bulan sekalian ...?"
    occupation = tracker.get_slot("occupation") or _named_occupation(text)
    line = prepay_line(occupation, real(tracker.get_slot("income")), text, clock.today(),
                       with_jht=takes_jht(tracker, text)) or prepay_follow_up_line(tracker, text)
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: How many earlier user turns a prepayment's question may lie back ("sy mau bayar 6 bln skaligus mulai desember",
#: then "eh salah, 3 bln aja" or "klo tambah JHT jg, 3 bln jd brp?").
PREPAY_LOOKBACK = 2
#: Longer than this, a message naming months is a question of its own.
PREPAY_FOLLOW_UP_MAX_WORDS = 10


def prepay_follow_up_line(tracker: Tracker, text: str) -> str | None:
    """"eh salah, 3 bln aja" or "klo tambah JHT jg, 3 bln jd brp?" right after a total of months paid at once: the
    total for the months this message names, from the first month and the worker of the earlier question."""
    t = text or ""
    if len(t.split()) > PREPAY_FOLLOW_UP_MAX_WORDS or t.startswith("/") or not months_named(t) or _LATE.search(t):
        return None  # "sdh 3 bln blm bayar" is arrears
    on = clock.today()
    earlier = next((u for _, u in itertools.islice(user_turns(tracker), PREPAY_LOOKBACK)
                    if prepay_line(None, None, u, on)), None)
    if earlier is None:
        return None
    occupation = tracker.get_slot("occupation") or _named_occupation(earlier)
    return prepay_line(occupation, real(tracker.get_slot("income")), f"{t} ; {earlier}", on,
                       with_jht=takes_jht(tracker, t))


def send_prepay_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """:func:`prepay_follow_up_line` sent; True when sent."""
    line = prepay_follow_up_line(tracker, (tracker.latest_message or {}).get("text") or "")
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: Longer than this, a message naming months owed is a story: its topic is answered.
ARREARS_MAX_WORDS = 15


def send_arrears_line(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"brp yg hrs sy bayar skrg utk oktober, november, sama desember?": the months owed up to now and their total
    (lingkar/wage_figures.arrears_line) for a short message; True when sent."""
    text = (tracker.latest_message or {}).get("text") or ""
    if len(text.split()) > ARREARS_MAX_WORDS or text.startswith("/"):
        return False
    line = arrears_line(tracker.get_slot("occupation") or _named_occupation(text), real(tracker.get_slot("income")),
                        text, clock.today(), with_jht=takes_jht(tracker, text))
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def _named_occupation(text: str) -> str | None:
    named = match_occupation(text)
    return named.key if named else None


def figures_follow_up(tracker: Tracker, requested: str | None) -> bool:
    """Inside a form, the message changes the figures just given rather than answering the form's question
    ``requested``: the months of a prepayment ("eh salah, 3 bln aja") or, corrected, the number of workers a sponsor
    pays for ("eh salah, 11 org" at "Anda mewakili siapa?"). The form leaves it to the rules and asks again."""
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/") or len(text.split()) > FOLLOW_UP_MAX_WORDS:
        return False
    if prepay_follow_up_line(tracker, text):
        return True
    return requested != "sponsor_workers" and bool(_CORRECTION.search(text)) and counts_workers(text) \
        and count_topic_before(tracker) is not None


_JHT = re.compile(r"\b(jht|jaminan hari tua|tabungan hari tua|(?:yg|yang) ada tabungan\w*|(?:sama|dan|dengan|dgn|ikut|"
                  r"tambah) hari tua)\b", re.I)
_NO_JHT = re.compile(r"\b(tanpa|tidak|tdk|nggak|gak|ga|nda|tida|belum|blm)\s+(\w+\s+){0,2}(jht|jaminan hari tua)\b|"
                     r"\b(jkk\s*(dan|&|\+|,)?\s*jkm)\s+(saja|aja|sj|doang)\b", re.I)


_ADDS = re.compile(r"\b(tambah\w*|ditambah\w*|plus|dengan|dgn|termasuk|sekalian|skalian|sama)\b", re.I)


def takes_jht(tracker: Tracker, text: str) -> bool:
    """The worker takes the optional JHT: this message or one of the few before it names JHT ("mau ikut JKK, JKM dan
    JHT", "kalau ditambah JHT?") and none says without it ("JKK dan JKM saja", "tanpa JHT")."""
    turns = [text] + [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)]
    for turn in turns:  # newest first: the latest word on JHT counts
        if _NO_JHT.search(turn):
            return False
        if _JHT.search(turn):
            return True
    return False


def count_topic_before(tracker: Tracker) -> str | None:
    """The topic before this turn when it has figures for a number of workers ("60 orang 12 bulan?" after GN
    Lingkaran, "klo sy ajak 100 org?" after the agent answer); in the sponsor's form, the sponsor's ("warga sy 80 org
    nelayan & petani, brp per bulan totalnya?" at "Anda mewakili siapa?")."""
    if tracker.active_loop_name == "sponsor_form":
        return "sponsor_offer"
    topic = next((name for name in earlier_intents(tracker) if name != "inform"), None)
    if (topic not in COUNT_LINES or topic in SPONSOR_COST_TOPICS) and sponsor_context(tracker):
        # "eh salah, maksud saya 60 orang" after the cost of 50 for a year (asked as "jadi 120 orang setahun brp?",
        # which the NLU reads as the self-employed contribution)
        return "sponsor_offer"
    return topic if topic in COUNT_LINES else None


def wage_topic_before(tracker: Tracker) -> str | None:
    """The topic of the turns before this one when it has wage figures ("jkp dapat brp?", then "kalau gaji sy 3
    juta?" or a correction "eh salah, 4,5 juta"): earlier wage answers and corrections are looked through."""
    answers = get_answers()
    answered = previous_topic(tracker, answers)  # the topic the bot answered (a follow-up read as another)
    if answered in WAGE_TOPICS:
        return answered
    if answered in DEATH_BY_WAGE and any(is_work_death(answers, t) for _, t in
                                         itertools.islice(user_turns(tracker), WAGE_LOOKBACK)):
        return DEATH_BY_WAGE[answered]  # "Gaji bapak 3,5 juta" after "ditabrak truk saat pulang kerja": JKK's share
    topic = next((name for name in earlier_intents(tracker) if name != "inform"), None)
    return topic if topic in WAGE_TOPICS else None


#: How many earlier user turns are searched for a benefit with wage figures ("gaji sy 2,8 jt, dpt brp?" a few turns
#: after JKP, with another question between).
WAGE_LOOKBACK = 4
#: How many earlier user turns are searched for a date the worker told (a PHK, a resignation): a date stays true for
#: the whole conversation ("kalau sa tunda klaim JKP sampai Februari 2027?" seven turns after the PHK date).
DATE_LOOKBACK = 10
#: The employer's part of a wage's contributions ("perusahaan wajib bayar brp utk jht sa?", "yg dibayar perusahaan").
_EMPLOYER_PART = re.compile(r"\b(perusahaan|kantor|bos|majikan|pemberi kerja)\b[^.?!]{0,20}?\b(bayar\w*|tanggung\w*|"
                            r"dibayar\w*)\b|\b(dibayar|ditanggung|bagian|porsi)\s+(perusahaan|kantor|bos|majikan|"
                            r"pemberi kerja)\b", re.I)
#: JP's deduction named beside a wage ("potongan JP di slip cuma 110 ribuan", "JP sy dipotong 110 rb"): doubted.
_JP_DEDUCTION_DOUBT = re.compile(r"\b(potongan|dipotong|potong)\b[^.?!]{0,12}\b(jp|jaminan pensiun|pensiun)\b|"
                                 r"\b(jp|jaminan pensiun)\b[^.?!]{0,12}\b(dipotong|potongan\w*)\b", re.I)
#: A deduction from a wage ("potongan gaji sy brp?"): an employee's share.
_WAGE_DEDUCTION = re.compile(r"\b(potongan gaji\w*|potong gaji\w*|dipotong dari gaji\w*|gaji\w* dipotong)\b", re.I)
#: The wage-dependent benefits: "dpt brp?" with a wage is what one of them pays.
_WAGE_BENEFITS = ("ask_jkp", "ask_jkk", "ask_claim_jkk", "ask_jkk_commute")
#: After a death, the part that follows the wage is the work accident's (48 times the wage, JKK); JKM is a fixed sum.
DEATH_BY_WAGE = {"ask_claim_jkm": "ask_claim_jkk", "ask_jkm": "ask_claim_jkk"}
#: Someone else's staff named without a number ("gaji mereka 1,5 juta" after "ada 3 karyawan").
THEIR_STAFF = re.compile(r"\b(mereka|karyawan\w*|pegawai\w*|anak buah|pekerja\s*(sa|sy|saya|kami)|staf\w*)\b", re.I)
#: Earlier topics that make "mereka" an employer's staff.
_EMPLOYER_TOPICS = frozenset({"ask_contribution_pu", "ask_employer_not_registering"})
#: Someone who speaks for an employer ("Sa HRD, karyawan gaji 4 juta, JHT-nya berapa?"): "karyawan" is their staff.
EMPLOYER_ROLE = re.compile(r"\b(hrd|hr|personalia|bagian sdm|bag\.? sdm|pemilik (usaha|toko|perusahaan|bengkel|warung|"
                           r"rumah makan|pabrik)|owner|pengusaha|pemberi kerja|punya usaha|punya toko|"
                           r"usaha (sa|sy|saya|kami)|toko (sa|sy|saya|kami)|perusahaan (sa|sy|saya|kami))\b", re.I)


def recent_topics(tracker: Tracker) -> List[str]:
    """The intents of the last :data:`WAGE_LOOKBACK` earlier user turns, facts given ("inform") left out."""
    return [name for name in itertools.islice(earlier_intents(tracker), WAGE_LOOKBACK) if name != "inform"]


def wage_question_topic(tracker: Tracker, text: str) -> str | None:
    """A question that names a wage and asks how much ("penghasilan sa 3 juta, jadi iurannya berapa?", "gaji sy 2,8
    jt, dpt brp?"), read as "check my eligibility": the answer it asks for, with that wage's figures, rather than a
    check that would first ask the worker's age. What a wage-dependent benefit discussed a few turns before pays;
    an employer's staff's contribution; the worker's own contribution when the conversation knows their work. None
    when the check is the way to the answer (the work unknown)."""
    wage = wage_in(text)
    if wage is not None and _JP_DEDUCTION_DOUBT.search(text):
        return "ask_jp"  # "gaji sa 15 juta tapi potongan JP di slip cuma 110 ribuan": the capped wage's JP share
    if wage is None or not (_HOW_MUCH.search(text) or COST_QUESTION.search(text)):
        return None
    earlier = recent_topics(tracker)
    costs = bool(COST_QUESTION.search(text)) or bool(re.search(r"\b(iuran\w*|potong\w*|dipotong)\b", text, re.I))
    if not costs:  # "gaji suami saya 6 juta. Jadi berapa kira-kira?" after a work accident: what it pays
        benefit = next((DEATH_BY_WAGE.get(name, name) for name in earlier
                        if name in _WAGE_BENEFITS or name in DEATH_BY_WAGE), None)
        if benefit or _BENEFIT_QUESTION.search(text):
            # "kalo sa meninggal kecelakaan di laut, bini sa dapat berapami? penghasilan sa daftar 1 juta ji": with
            # no benefit before, the one the message tells of
            return benefit or ("ask_claim_jkk" if is_work_death(get_answers(), text) else None)
    if STAFF.search(text) or (THEIR_STAFF.search(text) and (
            EMPLOYER_ROLE.search(text) or any(name in _EMPLOYER_TOPICS for name in earlier)
            or any(STAFF.search(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)))):
        return "ask_contribution_pu"
    if costs and re.search(r"\b(jp|jaminan pensiun)\b", text, re.I):
        return "ask_jp"  # "gaji sy 12 jt, potongan jp sy brp?": a wage earner's JP share, whatever their work
    occupation = tracker.get_slot("occupation")
    if costs and calculator.is_known_occupation(occupation) and _OWN.search(text) \
            and calculator.worker_for(str(occupation)).category == "BPU":
        # "gaji sy 1,5 juta, iurannya jadi brp?" from a household helper whose employer would not register her:
        # her own work is self-employed, whatever an employer was spoken of before
        return "ask_contribution_bpu"
    if costs and (_WAGE_DEDUCTION.search(text) or _EMPLOYER_PART.search(text)
                  or any(name in _EMPLOYER_TOPICS for name in earlier)):
        # "gaji sy 3,5 juta, kalau sy didaftarkan, potongan gaji sy brp?" from an employee whose boss will not
        # register him: what the wage loses, not a check that asks his work
        return "ask_contribution_pu"
    occupation = tracker.get_slot("occupation")
    if not costs or not calculator.is_known_occupation(occupation):
        return None
    category = calculator.worker_for(str(occupation)).category
    return {"BPU": "ask_contribution_bpu", "PU": "ask_contribution_pu"}.get(category)


def feeling_first(dispatcher: CollectingDispatcher, answers: Answers, signals: Signals, rendered: Rendered | None,
                  on) -> None:
    """One short sentence for a loss, an accident, distress or anger, before the answer (not twice: an answer that
    already offers condolences keeps its own)."""
    if not signals.feeling:
        return
    if rendered is not None and signals.feeling == "grief" and "berduka" in rendered.text.lower():
        # the answer's own condolences; a complaint or worry beside the loss ("klaim jkm almarhum ayah blm ada kabar
        # ... kita ini org susah!!") is still acknowledged
        if signals.also in ("anger", "distress", "unsure"):
            _send(dispatcher, answers.render_snippet(f"feeling_{signals.also}", on))
        return
    _send(dispatcher, answers.render_snippet(f"feeling_{signals.feeling}", on))
    if signals.feeling == "grief" and signals.also == "anger":
        _send(dispatcher, answers.render_snippet("feeling_anger", on))


#: The worker's own state of mind a follow-up's figures still acknowledge first ("... sakit hati sy, kemana uang sy
#: selama ini??"): not a loss or an accident, whose condolences a conversation says once.
_MOODS_OF_FOLLOW_UPS = ("anger", "distress")


def mood_before(dispatcher: CollectingDispatcher, tracker: Tracker, answers: Answers, signals: Signals, start: int,
                on) -> None:
    """Put the sentence for the worker's anger or distress before what was sent from ``start`` on (a follow-up's
    figures or detail), unless the bot said it in its last turn."""
    if signals.feeling not in _MOODS_OF_FOLLOW_UPS:
        return
    sentence = answers.render_snippet(f"feeling_{signals.feeling}", on).text
    if any(sentence == event.get("text") for event in last_turn_bot_events(tracker)):
        return
    said = CollectingDispatcher()
    feeling_first(said, answers, signals, None, on)
    dispatcher.messages[start:start] = said.messages


#: Putting it off ("nanti saja, sy masih urus 7 harian", "lain kali aja kak"): acknowledged, nothing started.
_DEFERRED = re.compile(r"^\W*((ok\w*|oke|baik|iya?|iye|siap|sip)\W+)?(nanti\s+(saja|aja|sj|dulu|deh|ya)|"
                       r"ntar\s+(saja|aja|dulu)|lain\s+kali|besok\s+(saja|aja)|kapan[- ]kapan)\b", re.I)


def send_deferral(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"nanti saja, sy masih urus 7 harian" outside a form: an unhurried "that's fine" (with the wish for a loss or
    an accident told before), instead of a topic or a check read into it. False when the message asks something."""
    text = (tracker.latest_message or {}).get("text") or ""
    if tracker.active_loop_name or "?" in text or not _DEFERRED.search(text):
        return False
    on = clock.today()
    _send(dispatcher, get_answers().render_snippet("deferred", on))
    wish = parting_wish(tracker)
    if wish:
        _send(dispatcher, get_answers().render_snippet(wish, on))
    return True


#: How many earlier turns a loss or an accident told is remembered for the wish said with thanks or goodbye.
WISH_LOOKBACK = 8
_WISHES = {"accident": "wish_get_well", "grief": "wish_strength"}


def parting_wish(tracker: Tracker) -> str | None:
    """The snippet wishing a worker well when they thank us or say goodbye after telling of an accident (get well
    soon) or a loss (strength): the most recent of the two in the last few turns, or None."""
    for _, text in itertools.islice(user_turns(tracker, latest=True), WISH_LOOKBACK):
        feeling = read_signals(text).feeling
        if feeling in _WISHES:
            return _WISHES[feeling]
    return None


#: Words of a cost being covered ("ditanggung?", "siapa yg bayar rumah sakitnya?"), not of a contribution.
_COVERED = re.compile(r"\b(ditanggung\w*|tanggung|diganti|dibayari|dijamin|siapa (?:yg|yang) bayar|perawatan|"
                      r"dirawat|rawat)\b", re.I)


#: The programmes by name, to tell a question about one ("potongan JP sy brp?") from one about several.
_PROGRAMMES = re.compile(r"\b(jht|jp|jkk|jkm|jkp|jaminan hari tua|jaminan pensiun|jaminan kecelakaan kerja|"
                         r"jaminan kematian|jaminan kehilangan pekerjaan)\b", re.I)
_PROGRAMME_OF = {"jaminan hari tua": "jht", "jaminan pensiun": "jp", "jaminan kecelakaan kerja": "jkk",
                 "jaminan kematian": "jkm", "jaminan kehilangan pekerjaan": "jkp"}
#: How much should be deducted ("harusnya dipotong brp?").
_CUT_ASKED = re.compile(r"\b(dipotong|potongan\w*|potong)\b.{0,20}\b(brp|berapa|brapa)\b|"
                        r"\b(brp|berapa|brapa)\b.{0,20}\b(dipotong|potongan\w*)\b", re.I)
#: A question about what is deducted from the wage ("yang dipotong dari gaji sa untuk apa saja dan berapa?").
_DEDUCTED_ASKED = re.compile(r"\b(dipotong|potongan|terpotong|motong)\b.{0,30}\b(gaji|upah|slip)\w*|"
                             r"\b(gaji|upah|slip)\w*\b.{0,30}\b(dipotong|potongan|terpotong)\b", re.I)


_PROJECT_ASKED = re.compile(r"\b(proyek|nilai kontrak|e-?jakon|jakon|konstruksi)\b", re.I)


def class_of_care_topic(text: str) -> str | None:
    """"bpjs kelas 3 brp sebulan skrg?": a class of care is BPJS Kesehatan's (not a school year: "anak sy kelas 3
    SD")."""
    if _CLASS_OF_CARE.search(text or "") and not _SCHOOL.search(text or ""):
        return "ask_health"
    return None


_SCHOOL = re.compile(r"\b(sd|smp|sma|smk|sekolah|tk|mts|ma|beasiswa|kuliah|murid)\b", re.I)
#: A class of hospital care ("kelas 3"): BPJS Kesehatan's, never ours.
_CLASS_OF_CARE = re.compile(r"\bkelas\s*(1|2|3|i|ii|iii|satu|dua|tiga)\b", re.I)
_SOMEONE = re.compile(r"\b(dia|beliau|bapak|ayah|suami|istri|almarhum\w*|alm|itu)\b", re.I)
#: "ikut tiga program sekaligus" (JKK, JKM and the optional JHT) with a word of price.
_THREE_PROGRAMMES = re.compile(r"\b(tiga|3|ketiga)\s+program\w*\b|\bjkk\W+jkm\W+(dan\s+)?jht\b", re.I)
THREE_PROGRAMME_INTENTS = frozenset({"ask_programs", "ask_contribution_bpu", "ask_who_can_join", FALLBACK_INTENT,
                                     "ask_jht", "check_eligibility", "ask_discount"})
_PRICEY = re.compile(r"\b(mahal\w*|murah\w*|berat)\b", re.I)
#: "Kalau sa daftar sendiri sebagai pekerja mandiri, bisa kah?": the worker chooses the self-employed way in.
_AS_SELF_EMPLOYED = re.compile(r"\b(daftar|ikut|masuk|mendaftar)\s+(sendiri\s+)?(sebagai|sbg|jadi|lewat|jalur)\s+"
                               r"(pekerja mandiri|peserta mandiri|bpu|mandiri|bukan penerima upah)\b", re.I)
_SELF_EMPLOYED = re.compile(r"\b(bpu|mandiri|bukan penerima upah|kerja sendiri|usaha sendiri)\b", re.I)
_NAME_ASKED = re.compile(r"\b(nama\w*|disebut apa|apa namanya)\b", re.I)
_PROGRAMME_WORD = re.compile(r"\b(program\w*|kelima|lima jaminan)\b", re.I)
#: Topics a story of a death at work may be read as when its question asks what the family is owed.
DEATH_STORY_MISREAD = frozenset({"ask_employer_not_registering", "ask_contribution_pu", "ask_contribution_bpu",
                                 "ask_who_can_join", "ask_register", "check_eligibility", "ask_programs"})
_RIGHTS_ASKED = re.compile(r"\b(hak\w*|santunan\w*|dapat\w*|dpt|terima|diterima|berapa\w*|brp|klaim\w*)\b",
                           re.I)
#: What the heirs get, asked ("masih dapat santunan?", "anak2nya dapat beasiswa?").
_HEIRS_ASKED = re.compile(r"\b(santunan\w*|dapat|dpt|dapet|hak\w*|klaim\w*|cair\w*|beasiswa)\b", re.I)
#: Not registered at all ("tdk didaftarkan", "blm ikut bpjs", "bos tra pernah daftarkan").
_NOT_REGISTERED = re.compile(r"\b(tidak|tdk|belum|blm|tra|tida|nggak|gak|ga|nda|tak)\s+(\w+\s+)?(di|men|me)?"
                             r"daftar\w*|\b(tidak|tdk|belum|blm|tra|tida|nda) (ikut|terdaftar|jadi peserta|"
                             r"punya bpjs|ada bpjs)\b", re.I)


#: Readings of a lost job's question that miss it ("bos kabur tdk bayar gaji" is no late contribution).
_LOST_JOB_MISREAD = frozenset({"ask_late_payment", "ask_employer_not_registering", "ask_contribution_pu"})
#: The cost of treatment ("biayanya", "operasi", "sa tdk bayar?", "RS minta uang").
_TREATMENT_COST = re.compile(r"\b(biaya\w*|operasi|dioperasi|rs|rumah sakit|berobat|pengobatan|tdk bayar|tidak bayar|"
                             r"tra bayar|gratis|ditanggung|tanggung)\b", re.I)
#: A disability ("santunan cacatnya", "jari diamputasi", "lumpuh").
_DISABLED = re.compile(r"\b(cacat\w*|lumpuh|diamputasi|amputasi)\b", re.I)
#: A death spoken of ("kalau ada yg meninggal", "mama sy meninggal dlm tidur").
_DIES = re.compile(r"\b(meninggal\w*|wafat|mati|kematian|almarhum\w*)\b", re.I)
#: A wage paid by someone ("digaji bulanan", "gaji sy 2 juta dari bos").
_WAGED = re.compile(r"\b(digaji|gaji\w*|gajih|upah\w*|diupah)\b", re.I)
#: "sy bisa daftar sendiri?", "daftar sendiri bisa?"
_REGISTER_SELF = re.compile(r"\b(daftar\w*|ikut)\s+(sendiri|sndiri|mandiri)\b|\bsendiri\s+(daftar\w*)\b", re.I)


def registers_alone(text: str) -> bool:
    """A worker whose work may register alone as self-employed (a household helper, a farmer) asks to register
    themselves ("majikan sy tdk pernah daftarkan sy ... Sy bisa daftar sendiri?")."""
    occupation = occupation_in(text) if _REGISTER_SELF.search(text or "") else None
    # "sa kerja di bengkel motor, digaji bulanan. bos tida daftarkan sa": a wage makes an employee, whatever the work
    return occupation is not None and occupation.category == "BPU" and not _WAGED.search(text or "")


#: Readings that miss an injured worker's follow-up in an accident's conversation ("RS nya siapa bayar?" as paying
#: contributions, "dokter bilang sy tdk bisa melaut 2 bulan. sy tdk ada penghasilan" as unable to pay).
ACCIDENT_MISREAD = frozenset({"ask_health", "ask_payment", "ask_late_payment", "cannot_afford"})
#: ... and readings further off, taken only when the message names treatment or the way to it.
ACCIDENT_FAR_MISREAD = frozenset({"ask_documents", "ask_register", "out_of_scope", FALLBACK_INTENT,
                                  "check_eligibility", "ask_who_can_join", "ask_jkm", "ask_claim_jkm"})
#: The way to treatment ("speedboat ke Baubau, ongkosnya?", "naik pesawat ke Makassar").
_TRANSPORT_WORDS = re.compile(r"\b(ongkos\w*|angkut\w*|transport\w*|speedboat|pesawat|kapal|ambulans\w*|ambulan|"
                              r"evakuasi|dievakuasi|dirujuk)\b", re.I)
#: Treatment and the way to it ("ke puskesmas", "pakai ambulans", "dirawat").
_CARE_WORDS = re.compile(r"\b(rs|rumah sakit|puskesmas|klinik|dokter|ambulans|ambulan|berobat|dirawat|rawat inap|"
                         r"operasi|dioperasi|opname|evakuasi|dievakuasi)\b", re.I)
#: BPJS Kesehatan named: its own question, whatever came before.
_HEALTH_AGENCY = re.compile(r"\b(kesehatan|kis|jkn|sakit biasa|faskes|bpjs kes)\b", re.I)


#: How many earlier topics back an accident stays the subject of a message about its treatment.
ACCIDENT_LOOKBACK = 3


def _accident_topic(topic: str | None) -> str | None:
    """The accident topic a follow-up of ``topic`` continues: JKK's own, or the JKK claim after a construction
    project's answer; None for other topics."""
    return topic if _family(topic) == "jkk" else "ask_claim_jkk" if _family(topic) == "construction" else None


#: The details whose words tell an injury's consequences: a lasting injury ("kaki sy tdk bisa normal lagi"), time off
#: work ("sy tdk bisa melaut berapa bulan"), care at home ("ganti perban di rumah, perawat datang").
INJURY_DETAILS = ("jkk_disability", "jkk_wage", "jkk_homecare")


def _disability_words(answers: Answers) -> FrozenSet[str]:
    """The words of an injury's consequences (content/answers.yml details :data:`INJURY_DETAILS`)."""
    return frozenset(w for d in answers.details if d.name in INJURY_DETAILS for w in d.words)


def accident_follow_up(tracker: Tracker, answers: Answers, intent: str | None, text: str) -> str | None:
    """The accident topic under discussion, for a message that continues it but was read as health care, paying or
    not affording contributions (one of its details, who covers a cost, treatment and the way to it), or as another
    topic or none at all while it names treatment or the way to it ("kalo harus dibawa pake speedboat ke Baubau,
    ongkosnya?"). After a construction project's answer that is the JKK claim."""
    if intent not in ACCIDENT_MISREAD | ACCIDENT_FAR_MISREAD or _HEALTH_AGENCY.search(text or "") \
            or (intent in ACCIDENT_FAR_MISREAD and wage_in(text) is not None):
        return None  # (a wage told is read by the wage's own rules: "gaji sy 3,8 juta, dokter bilang istirahat")
    previous = previous_topic(tracker, answers)
    topic = _accident_topic(previous)
    treated = bool(_CARE_WORDS.search(text or "") or _TRANSPORT_WORDS.search(text or "")
                   or mentions(text or "", _disability_words(answers)))
    if topic is None and treated:
        # "ongkos mobil ke rs diganti?" a question or two after the accident (a registration doubt between): the
        # accident is still the subject when the message names treatment, the way to it or a lasting injury
        topic = next((t for t in map(_accident_topic, itertools.islice(_earlier_topics(tracker, answers),
                                                                         ACCIDENT_LOOKBACK)) if t), None)
    if topic is None or topic not in answers:
        return None
    if treated:
        return topic
    if intent in ACCIDENT_MISREAD and (_COVERED.search(text or "")
                                       or any(topic in d.topics for d in answers.details_for(topic, text or ""))):
        return topic
    return None


#: The claims, and a complaint about one ("klaim sy ditolak, mau mengadu kemana?"): the complaint channels.
CLAIM_TOPICS = frozenset({"ask_claim_jht", "ask_claim_jkm", "ask_claim_jkk", "ask_claim_jp"})
_COMPLAINT = re.compile(r"\b(mengadu|pengaduan|keberatan|komplain|complain)\b", re.I)
#: Money paid in (a deduction, a contribution) and paid out (a claim).
_PAID_IN = re.compile(r"\b(dipotong|potongan\w*|potong|iuran\w*|bayar iuran|setor\w*)\b", re.I)
_PAID_OUT = re.compile(r"\b(cair\w*|dicairkan|pencairan|klaim\w*|ambil|diambil|terima|dapat|dpt|santunan)\b", re.I)


def claim_of_previous(tracker: Tracker, answers: Answers, intent: str | None, text: str) -> str | None:
    """A claim asked without naming a programme ("sy mau urus klaim", "klaimnya gmn?"), read as another programme's
    claim than the one under discussion: the claim of the programme under discussion. None otherwise."""
    if intent not in CLAIM_TOPICS or _PROGRAMMES.search(text or ""):
        return None
    side = next((name for name, topics in PROGRAMME_SIDES.items() if intent in topics), None)
    if side is None or _PROGRAMME_OWN_WORDS[side].search(text or ""):
        return None
    family = _family(previous_topic(tracker, answers))
    if family not in ("jht", "jkm", "jkk", "jp"):
        return None  # (after JKP, "klaim kapan?" may be JHT's claim, which a lay-off also opens)
    claim = PROGRAMME_SIDES[family][1]
    return claim if claim != intent and claim in answers else None


#: A programme's own topics: (what it is, its claim).
PROGRAMME_SIDES = {"jht": ("ask_jht", "ask_claim_jht"), "jkm": ("ask_jkm", "ask_claim_jkm"),
                   "jkk": ("ask_jkk", "ask_claim_jkk"), "jp": ("ask_jp", "ask_claim_jp"), "jkp": ("ask_jkp", "ask_jkp")}


def programme_named_topic(intent: str | None, text: str) -> str | None:
    """A programme's topic read while the message names exactly one other programme by name ("... klaim jkm suami,
    selalu kurang berkas" read as the JHT claim): the same side (what it is, or its claim) of the programme named.
    None otherwise."""
    side = next(((name, i) for name, topics in PROGRAMME_SIDES.items() for i, t in enumerate(topics) if t == intent),
                None)
    if side is None:
        return None
    named = {_PROGRAMME_OF.get(m.lower(), m.lower()) for m in _PROGRAMMES.findall(text or "")}
    if len(named) != 1 or side[0] in named or _PROGRAMME_OWN_WORDS[side[0]].search(text or ""):
        return None  # "sy sdh dapat JHT, skrg pensiun bulanan gmn?": the pension's own words keep its reading
    return PROGRAMME_SIDES[named.pop()][side[1]]


#: Words of each programme besides its name.
_PROGRAMME_OWN_WORDS = {
    "jht": re.compile(r"\b(hari tua|saldo\w*|tabungan)\b", re.I),
    "jkm": re.compile(r"\b(kematian|meninggal\w*|wafat|ahli waris|santunan kematian|almarhum\w*|alm)\b", re.I),
    "jkk": re.compile(r"\b(kecelakaan\w*|celaka|luka|cedera|cacat)\b", re.I),
    "jp": re.compile(r"\b(pensiun\w*)\b", re.I),
    "jkp": re.compile(r"\b(phk|kehilangan pekerjaan|dipecat|di-?phk)\b", re.I),
}


_DEATH_WORD = re.compile(r"\b(meninggal\w*|wafat|tewas|almarhum\w*|mati)\b", re.I)
#: A wish to join ("sy mau daftar lagi yg mandiri", "sa mau ikut lagi skrg", "mau daftar juga utk diri sendiri").
_JOIN_WISH = re.compile(r"\b(mau|ingin|pengen|pingin|mo)\s+(\w+\s+){0,2}?(daftar\w*|ikut)\b(?!\s+(urus|klaim))", re.I)
#: An illness the work caused ("dokter bilang akibat debu selama 10 thn kerja di pabrik"): JKK's, not JKM's.
_CAUSED_BY_WORK = re.compile(r"\b(akibat|disebabkan|gara-gara|gara2|karena pekerjaan\w*|krn pekerjaan\w*)\b", re.I)
_CLAIM_HOW = re.compile(r"\b(klaim\w*|urus\w*|berkas\w*|syarat\w*|dokumen\w*|cara\w*|caranya)\b", re.I)


#: Whether and how one joins: a question of them that also asks "brp?" asks what joining costs.
JOINING_TOPICS = frozenset({"ask_who_can_join", "ask_register"})
#: "brp?" of a price, not of a duration, an age or a count of days ("berapa lama daftarnya?").
_PRICE_ASKED = re.compile(r"(?<!umur )(?<!usia )(?<!lama )(?<!tahun )(?<!thn )(?<!tgl )(?<!tanggal )"
                          r"\b(brp|berapa|brapa|brpa)\b(?!\s+(lama|lm|hari|tahun|thn|umur|usia|bulan|bln|orang|org|"
                          r"kali|jam|menit|minggu|anak|persen|%|banyak|jumlah|pekerja|peserta|warga))", re.I)


#: Benefit topics a story's narration (an accident, a death nearby) may pull a question about the worker's own cost to.
STORY_BENEFIT_TOPICS = frozenset({"ask_jkk", "ask_claim_jkk", "ask_jkm", "ask_claim_jkm", "ask_jkk_commute"})
#: A story is this long at least (words); a short question is read as it is.
STORY_MIN_WORDS = 25
#: The sentence that asks also asks about a benefit ("... dapat apa? dan iurannya brp?"): the benefit stays.
_BENEFIT_ASKED = re.compile(r"\b(dapat|dpt|santunan\w*|ditanggung|tanggung\w*|klaim\w*|cair\w*|ganti\w*|"
                            r"manfaat\w*|diobati|berobat\w*|pengobatan)\b", re.I)


def settle_topic(tracker: Tracker, answers: Answers, intent: str) -> str:
    """The topic to answer for ``intent``: a topic the message names by its own words over a general one
    ("syarat jkp apa saja?" read as documents), and the next ranked topic when ``intent`` needs words the message
    lacks (content/signals.yml ``named``, ``requires``): a fisher's long story is not about an employer who will not
    register their staff."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    if intent == "ask_contribution_pu" and says_not_employee(text) and "ask_contribution_bpu" in answers:
        return "ask_contribution_bpu"  # "sy kerja di kebun sendiri, bukan karyawan. iuran brp?"
    # "Sambil menunggu, BPJS TK bisa kasih pinjaman untuk kebutuhan dapur?" after an accident: another office's
    # question, not the accident's
    accident = None if read_signals(text).referral in WHOLE_REFERRALS \
        else accident_follow_up(tracker, answers, intent, text)
    if accident:
        return accident  # "RS nya siapa bayar?", "sy dibawa pakai perahu ke puskesmas" in an accident's conversation
    if intent in JOINING_TOPICS and _PRICE_ASKED.search(question_part(text)) \
            and not _BENEFIT_ASKED.search(question_part(text)) and not _ABROAD.search(text):
        # "bisa ikut BPJS TK jg kah? brp?", "klo mau daftar sndr brp?": whether one may join, and what it costs
        occupation = occupation_in(text)
        own = own_contribution_topic(occupation)
        if own in answers and (occupation is None or occupation.category in ("PU", "BPU")):
            return own
    if intent in STORY_BENEFIT_TOPICS and len(text.split()) >= STORY_MIN_WORDS \
            and not _BENEFIT_ASKED.search(question_part(text)):
        own_cost = story_cost_topic(text)
        if own_cost in answers:
            # "Sy kurir paket ... Kemarin sy hampir ditabrak truk di bypass. Berapa iurannya sekarang untuk kurir?":
            # the accident told is the reason for asking what joining costs, not the question
            return own_cost
    if intent in CLAIM_TOPICS and _COMPLAINT.search(text) and not _PROGRAMMES.search(text) and "ask_contact" in answers:
        return "ask_contact"  # "keberatan karena klaim saya ditolak. Kemana saya harus mengadu?": where to complain
    if intent in CLAIM_TOPICS and _PROGRAMMES.search(text) and _PAID_IN.search(text) and not _PAID_OUT.search(text):
        # "yg jp juga dipotong?" read as JP's claim: what is deducted for it, the programme's own answer
        side = next((topics[0] for topics in PROGRAMME_SIDES.values() if intent in topics), None)
        if side in answers:
            return side
    if intent in CLAIM_TOPICS | {"ask_jht", "ask_jkm"} and _JOIN_WISH.search(text) and "ask_register" in answers \
            and read_signals(text).feeling == "joy":
        # "alhamdulillah JHT sa sdh cair ... sa mau ikut lagi skrg sbg pekerja mandiri, bisa?": the claim is done,
        # the question is joining again
        return "ask_register"
    named_programme = programme_named_topic(intent, text)
    if named_programme in answers:
        return named_programme  # "bolak balik kantor cabang utk klaim jkm suami" read as the JHT claim
    if intent in ("ask_jkk", "ask_claim_jkk") and _DEATH_WORD.search(text) and is_illness_death(answers, text) \
            and not is_work_death(answers, text) and not _PROGRAMMES.search(text) and not _CAUSED_BY_WORK.search(text):
        # "Apabila salah satu peserta meninggal dunia karena sakit, berapa santunan yang diterima ahli waris?" read
        # as JKK for its "sakit": a death from an illness is JKM's (the claim when the heirs ask how)
        topic = "ask_claim_jkm" if _CLAIM_HOW.search(text) else "ask_jkm"
        if topic in answers:
            return topic
    if at_work(text) and (intent == "ask_health" or named_topic(intent, text) == "ask_health") \
            and read_signals(text).feeling == "accident" and "ask_jkk_commute" in answers:
        # "kemarin sore sy ditabrak mobil waktu pulang kerja ... ditanggung BPJS TK atau sy harus pakai BPJS
        # Kesehatan?": an accident on the way to or from work, or on the job, is JKK's
        return "ask_jkk_commute" if _COMMUTE.search(text) else "ask_claim_jkk"
    if intent in WAGE_EARNER_TOPICS and (NO_FIXED_WAGE.search(text) or _AS_SELF_EMPLOYED.search(text)) \
            and "ask_contribution_bpu" in answers:
        # "guru mengaji kami tidak digaji tetap, hanya infak. Dapat didaftarkan? berapa iuran minimal?": no employer's
        # wage, so they join as self-employed
        return "ask_contribution_bpu" if COST_QUESTION.search(text) else "ask_who_can_join"
    if intent in SPONSOR_TOPICS and _DIES.search(text) and _BENEFIT_QUESTION.search(text) and "ask_jkm" in answers:
        # "kalau ada yg meninggal, keluarga dapat brp?" after sponsoring, "mama sy meninggal ... dulu perusahaan
        # bayarkan lewat CSR ... ada uang santunan, brp?": what a sponsored member's death pays
        return "ask_jkm"
    if (intent in _LOST_JOB_MISREAD or named_topic(intent, text) in _LOST_JOB_MISREAD) \
            and phk_benefit_topic(text) and "ask_jkp" in answers:
        # "pabrik es tempat sa kerja tutup tiba2, bos kabur ... sa takut tra dapat apa2 lagi dari BPJS TK": a lost job
        # is JKP's
        return "ask_jkp"
    if intent in ("ask_jkm", "ask_claim_jkm") and _DISABLED.search(text) and not _DIES.search(text) \
            and "ask_jkk" in answers:
        # "berapa santunan cacatnya?" after an accident: a disability is JKK's, not a death benefit
        return "ask_jkk"
    if intent == "ask_employer_not_registering" and read_signals(text).feeling == "accident" \
            and _TREATMENT_COST.search(text) and not _NOT_REGISTERED.search(text) and "ask_claim_jkk" in answers:
        # "sa lagi di RS, tangan sa terjepit mesin molen di proyek ... mandor bilang pake BPJS TK. betul kah sa tdk
        # bayar?": an injured worker asking who pays the hospital, not an employer who does not register
        return "ask_claim_jkk"
    if intent == "ask_employer_not_registering" and registers_alone(text) and "ask_contribution_bpu" in answers:
        # "Sy ART ..., majikan sy tdk pernah daftarkan sy ... Sy bisa daftar sendiri?": a household helper (work the
        # worker may register alone) registers as self-employed: what that costs and covers
        return "ask_contribution_bpu"
    if intent in ("ask_contribution_pu", "ask_contribution_bpu") and _COVERED.search(text) \
            and read_signals(text).feeling == "accident" and not COST_QUESTION.search(question_part(text)) \
            and "ask_claim_jkk" in answers:
        return "ask_claim_jkk"  # "kaki sy remuk ..., dirawat di rumah, biayanya mahal. ditanggung?": not a cost
    if _PHK.search(text) and (intent == "ask_construction" or named_topic(intent, text) == "ask_construction") \
            and not _PROJECT_ASKED.search(text) and "ask_jkp" in answers:
        # "Sa baru kena PHK dari kontraktor tambang nikel ... bagaimana mi kami mo makan bulan depan?": a laid-off
        # worker's living is JKP's cash benefit, not a construction project's cover
        return "ask_jkp"
    if intent in _COST_INTENTS and _CLASS_OF_CARE.search(text) and "ask_health" in answers:
        return "ask_health"  # "iuran kelas 3 untuk berobat di rumah sakit sebulan berapa?": BPJS Kesehatan's class
    if intent in _COST_INTENTS and _BENEFIT_QUESTION.search(text) and _SOMEONE.search(text) \
            and death_in_conversation(tracker) and "ask_claim_jkm" in answers:
        # "itu dapat berapa kira-kira? dia daftar penghasilan 1 juta" after a death: what the heirs get for that income
        return "ask_claim_jkm"
    if intent in THREE_PROGRAMME_INTENTS and _THREE_PROGRAMMES.search(text) \
            and (COST_QUESTION.search(text) or _PRICEY.search(text)):
        return "ask_contribution_bpu"  # "bede mahal kah kalo ikut tiga program sekaligus?": with JHT
    only = {_PROGRAMME_OF.get(p, p) for p in _PROGRAMMES.findall(question_part(text).lower())}
    if only in ({"jp"}, {"jkp"}) and _SELF_EMPLOYED.search(text) and f"ask_{next(iter(only))}" in answers \
            and intent not in ("ask_jp", "ask_jkp", "ask_claim_jp"):
        # "Kalau sudah jadi BPU, saya masih bisa lanjut bayar JP sendiri?": JP (or JKP) is for wage earners only,
        # which its answer says first, whatever the message's other words ("lanjut bayar") lean to
        return f"ask_{next(iter(only))}"
    if intent == "ask_programs" and sponsor_context(tracker) and _NAME_ASKED.search(text) \
            and "ask_gn_lingkaran" in answers:
        return "ask_gn_lingkaran"  # "programnya namanya apa?" after a company's CSR offer: GN Lingkaran's name
    if intent == "ask_naming" and _PROGRAMME_WORD.search(text) and "ask_programs" in answers:
        return "ask_programs"  # "kelima program beserta kepanjangannya": the programmes, not the agency's names
    asked = question_part(text)
    if intent in DEATH_STORY_MISREAD and is_work_death(answers, text) and _RIGHTS_ASKED.search(asked) \
            and not COST_QUESTION.search(asked) and not _NOT_REGISTERED.search(text) and "ask_claim_jkm" in answers:
        # "Bapak saya ... gajinya 2,5 juta dan sudah didaftarkan BPJS TK. Minggu lalu beliau tersengat listrik ... dan
        # meninggal. ... berapa hak kami?": the heirs' claim (with JKK's figures for that wage), not the employer's duty
        return "ask_claim_jkm"
    if intent in DEATH_STORY_MISREAD | {"ask_discount"} and _DEATH_WORD.search(text) \
            and read_signals(text).feeling == "grief" and _HEIRS_ASKED.search(asked) \
            and not COST_QUESTION.search(asked) and not _NOT_REGISTERED.search(text) and "ask_claim_jkm" in answers:
        # "Kakak sy ojek pangkalan, baru daftar maret 2026, iurannya yg diskon itu. tgl 1 desember kemarin dia meninggal
        # krn stroke ... apa masih dapat santunan padahal baru bayar 9 bulan?": the heirs' claim, not the discount
        return "ask_claim_jkm"
    programmes = {_PROGRAMME_OF.get(p, p) for p in _PROGRAMMES.findall(asked.lower())}
    if "ask_contribution_pu" in answers and _DEDUCTED_ASKED.search(asked) and (wage_in(text) or len(programmes) >= 2):
        # "... Teman kos sa bilang itu termasuk potongan untuk JKP juga. Sebenarnya yang dipotong dari gaji sa tiap
        # bulan itu untuk apa saja dan berapa?", "komposisi iuran JHT dan JP: berapa persen ditanggung perusahaan dan
        # berapa yang dipotong dari upah?": the wage's deductions, whatever else the story names (or JP's name)
        return "ask_contribution_pu"
    named = named_topic(intent, text)
    if named == "ask_claim_jht" and adds_jht_cost(text):
        named = None  # "kalau saya pakai JHT juga jadi berapa sebulan?": what adding JHT costs, no claim
    if named in answers:
        return named
    if topic_allowed(intent, text):
        return intent
    ranking = sorted(latest.get("intent_ranking") or [], key=lambda r: -float(r.get("confidence") or 0.0))
    return next((r["name"] for r in ranking if r.get("name") not in (intent, FALLBACK_INTENT, "inform")
                 and answers.clarifiable(r.get("name") or "") and topic_allowed(r.get("name"), text)), intent)


def send_details(dispatcher: CollectingDispatcher, answers: Answers, topic: str | None, text: str, on,
                 sent: Tuple[str, ...] = (), own_topic_only: bool = False) -> bool:
    """The specific facts the message asks about beyond ``topic``'s answer (content/answers.yml ``details``), each
    one unless every figure of it was already in the answer (``sent``: its fact keys); with ``own_topic_only`` only
    the details of ``topic`` itself, not those any answer may carry. True when one was sent."""
    count, last = 0, None
    for detail in answers.details_for(topic, text):
        if own_topic_only and topic not in detail.topics:
            continue
        try:
            rendered = answers.render_detail(detail, on)
        except Exception:  # a detail is extra: a content error must not cost the answer
            logger.exception("details: cannot render %r for %s", detail.name, on)
            continue
        figures = {f for f in rendered.facts if not f.startswith("contact.")}  # 175 is where to ask, not the answer
        if figures and figures <= set(sent) and not detail.repeat:
            continue
        _send(dispatcher, rendered)
        count += 1
        last = detail
    if count == 1 and last is not None and last.subject:
        # the scholarship, the one thing told after JKM's claim: "itu dibayar tiap tahun?" is asked of it (with
        # other details beside it, the answer's own topic stays the one under discussion)
        keep_topic(dispatcher, last.subject, on)
    return count > 0


#: A further question of a message that asks several ("bisa ikut pensiun bulanan kah? Dan kalau ikut JHT, umur berapa
#: sa bisa ambil uangnya?") is answered when the NLU's reading of that question alone is at least this sure
#: (``questions`` in the parse data, rasa_plugins/nlu/classifier.py); at most this many besides the main one.
OTHER_QUESTION_MIN = 0.4
OTHER_QUESTIONS_MAX = 1
#: ... or this sure, for a further question read as the check that asks what joining costs ("trus kalau sy lanjut
#: bpjs tk sbg ojol bayar brp sebulan?"): the contribution, whose words the check's reading shares.
OTHER_COST_QUESTION_MIN = 0.3
#: Readings of a question that are no answer of their own.
NOT_A_QUESTION_TOPIC = frozenset({"check_eligibility", "inform", FALLBACK_INTENT, MORE_INTENT})
#: A further question has its own subject ("Dan kalau ikut JHT, umur berapa ...?", "ada santunan cacat kah?"); one
#: without ("brp bayarnya sebulan?", "atau sa hrs telpon ke mana?") is about the first question's subject.
_OWN_SUBJECT = re.compile(r"\b(jht|jkm|jkk|jp|jkp|pensiun|hari tua|kematian|kecelakaan|kehilangan pekerjaan|phk|"
                          r"beasiswa|bsu|diskon|daftar|dftr|mendaftar|iuran|saldo|kartu|kesehatan|agen|lingkaran|"
                          r"santunan|cacat|klaim\w*|cair\w*|meninggal|berobat|rumah sakit|rs|jmo|bpu|perisai|"
                          r"kontraktor|proyek|pmi|denda|tunggakan|nunggak|kis|jkn)(?:nya)?\b", re.I)


_MEMBERSHIP_NAMED = re.compile(r"\b(bpjs|bpjs tk|bpjamsostek|jamsostek)\b", re.I)


def question_topics(tracker: Tracker, answers: Answers) -> List[Tuple[str, str]]:
    """(topic, question) for each question of the latest message read surely enough on its own, in order, one per
    topic family; a question naming a topic by its own words gets that topic."""
    out: List[Tuple[str, str]] = []
    for q in (tracker.latest_message or {}).get("questions") or []:
        name = _question_topic(q, answers)
        if name:
            out.append((name, str(q.get("text") or "")))
    return out


def _question_topic(q: Dict[str, Any], answers: Answers) -> str | None:
    """The topic of one question of the classifier's ``questions``, when it is read surely enough and names a
    subject of its own."""
    name, text = str(q.get("intent") or ""), str(q.get("text") or "")
    confidence = float(q.get("confidence") or 0.0)
    if confidence < OTHER_QUESTION_MIN and not (name == "check_eligibility" and confidence >= OTHER_COST_QUESTION_MIN
                                                and COST_QUESTION.search(text)):
        return None
    named = named_topic(name, text)
    name = named if named in answers else name
    joining_cost = False
    if name == "check_eligibility":  # "klo sa daftar bpjs tk brp mi sebulan?": what the worker would pay
        name = cost_topic(text) or ("ask_contribution_bpu" if _HOW_MUCH.search(text) else name)
        # ("trus kalau sy lanjut bpjs tk sbg ojol bayar brp sebulan?" names its subject: being a member)
        joining_cost = name != "check_eligibility" and bool(_MEMBERSHIP_NAMED.search(text))
    if name in SMALL_TALK or name in NOT_A_QUESTION_TOPIC or not answers.clarifiable(name) \
            or not topic_allowed(name, text) or not (_OWN_SUBJECT.search(text) or joining_cost):
        return None
    return name


def send_other_questions(dispatcher: CollectingDispatcher, tracker: Tracker, answers: Answers, answered: str,
                         on) -> None:
    """The answers to the latest message's other questions, after ``answered`` (a topic of another family each)."""
    seen = {answered, _family(answered)} - {None}
    if NO_FIXED_WAGE.search((tracker.latest_message or {}).get("text") or ""):
        seen |= WAGE_EARNER_TOPICS  # "tdk ada gaji tetap, ... bs daftar?": no employer to register them
    sent = 0
    for topic, question in question_topics(tracker, answers):
        family = _family(topic)
        if topic in seen or (family and family in seen) or sent >= OTHER_QUESTIONS_MAX:
            continue
        seen |= {topic, family} - {None}
        try:
            split = answers.render_split(topic, on)
        except Exception:  # a further answer is extra: a content error must not cost the first
            logger.exception("other question: cannot render %r for %s", topic, on)
            continue
        send_answer(dispatcher, split, topic, on)
        send_details(dispatcher, answers, topic, question, on, split.short.facts, own_topic_only=True)
        sent += 1


#: Topics about an employer's duties to its wage earners: no other question of a worker without a wage is one.
WAGE_EARNER_TOPICS = frozenset({"ask_employer_not_registering", "ask_contribution_pu"})


def first_question_topic(tracker: Tracker, answers: Answers) -> str | None:
    """The topic of the first question read surely enough on its own, for a message the NLU could not place whole."""
    found = question_topics(tracker, answers)
    return found[0][0] if found else None


#: Topics whose answer a worker who finds the contribution too heavy ("berat sekali", "tdk mampu") hears GN Lingkaran
#: beside.
HEAVY_COST_TOPICS = frozenset({"ask_contribution_bpu", "ask_discount", "ask_payment", "ask_late_payment"})
_HEAVY = re.compile(r"\b(berat\w*|tdk mampu|tidak mampu|tra mampu|nda mampu|gak mampu|ga mampu|mahal\w*|"
                    r"pas-pasan|pas2an|kemahalan|tdk sanggup|tidak sanggup)\b", re.I)
#: Topics a scam question is also answered on after the warning: a broker (calo) who says a migrant worker needs no
#: BPJS is answered with what a migrant worker must have; a widow asked for a fee to speed up the claim gets the claim.
SCAM_THEN_ANSWER = frozenset({"ask_migrant", "ask_documents", "ask_register", "ask_claim_jkm", "ask_claim_jkk",
                              "ask_payment"})


def answer_topic(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str,
                 signals: Signals | None = None, follow_up: bool = False) -> List[EventType]:
    """The answer to ``intent`` for the latest message: the feeling first, the answer (its first part when it is
    longer than a phone screen: actions/more.py) and the details it asks about, what the worker said about themselves
    kept silently, and the check offered (not started) when they described their work. A ``follow_up`` of the topic
    under discussion that asks one of its details ("brp bulan batasnya?") gets that detail alone, and one that names a
    wage ("kalau gaji sy 3 juta?" after JKP) the topic's figures for it alone."""
    answers = get_answers()
    on = clock.today()
    text = (tracker.latest_message or {}).get("text") or ""
    signals = signals or turn_signals(tracker)
    intent = paying_ahead(settle_topic(tracker, answers, intent), text) if intent not in SMALL_TALK else intent
    if intent == "ask_migrant" and not signals.scam and migrant_context(tracker) and MIGRANT_RISK.search(text):
        # "klo majikan phk sy sepihak?" after the PMI answer: what PMI cover adds for it, not the answer again
        feeling_first(dispatcher, answers, signals, None, on)
        send_migrant_risks(dispatcher, tracker, answers, text, on)
        keep_topic(dispatcher, intent, on)
        return []
    if not signals.scam and intent not in SMALL_TALK and intent != "ask_migrant" \
            and contract_follow_up(dispatcher, tracker):
        return []
    if intent not in SMALL_TALK and not signals.scam and send_month_price(dispatcher, tracker, text):
        keep_topic(dispatcher, "ask_contribution_bpu", on)  # "kalau bulan januari?" after the contribution
        return []
    if intent in PREPAY_FOLLOW_UPS and not signals.scam and send_prepay_follow_up(dispatcher, tracker):
        keep_topic(dispatcher, "ask_payment", on)  # "klo tambah JHT jg, 3 bln jd brp?" after 6 months paid at once
        return []
    if intent in PREPAY_FOLLOW_UPS and not signals.scam and send_arrears_line(dispatcher, tracker):
        keep_topic(dispatcher, "ask_late_payment", on)  # "brp yg hrs sy bayar utk oktober, november, sama desember?"
        return []
    if intent in PROJECT_FOLLOW_UPS and not signals.scam and previous_topic(tracker, answers) == "ask_construction" \
            and send_count_line(dispatcher, "ask_construction", text, tracker):
        keep_topic(dispatcher, "ask_construction", on)  # "iuran JKK dan JKM-nya berapa?" after a project's value
        return []
    start = len(dispatcher.messages)
    if not signals.scam and intent not in SMALL_TALK and asks_member_data(text) \
            and (sponsor_context(tracker) or sponsor_says(text) or others_data_after_sponsor(tracker, text)):
        # "Data apa yang harus kami siapkan?" from a village or a company paying for workers: each worker's data, with
        # GN Lingkaran's cost first when the message is the first of it ("Pemkab berencana membayar iuran 200
        # petani ... data apa saja ..., berapa iuran per orang?")
        if not sponsor_context(tracker) and "ask_gn_lingkaran" in answers:
            send_answer(dispatcher, answers.render_split("ask_gn_lingkaran", on), "ask_gn_lingkaran", on)
            send_count_line(dispatcher, "ask_gn_lingkaran", text, tracker)
        _send(dispatcher, answers.render_snippet("sponsor_member_data", on))
        keep_topic(dispatcher, "ask_gn_lingkaran", on)
        return []
    if intent in SPONSOR_FOLLOW_UPS and not signals.scam and sponsor_context(tracker) \
            and send_count_line(dispatcher, "sponsor_offer", text, tracker):
        keep_topic(dispatcher, "sponsor_offer", on)  # "Kalau ditambah JHT?" after the cost of 200 workers for a year
        if _WHICH_PROGRAMME.search(text):
            # "Kami berencana menanggung iuran untuk 300 nelayan ... Program apa yang tepat?": its name, then the sum
            named = CollectingDispatcher()
            _send(named, answers.render_snippet("sponsor_programme", on))
            dispatcher.messages[start:start] = named.messages
        return []
    if follow_up and not signals.scam and (send_employer_share(dispatcher, tracker, intent, text)
                                           or send_work_death_line(dispatcher, answers, intent, text, on, tracker)
                                           or send_leaving_date_line(dispatcher, tracker, intent, text)
                                           or send_jkp_months_line(dispatcher, tracker, intent, text, with_wage=True)
                                           or send_jp_pension_line(dispatcher, tracker, intent, text)
                                           or send_balance_documents(dispatcher, answers, intent, text, tracker,
                                                                     on)
                                           or send_jp_formula_line(dispatcher, intent, text)
                                           or send_membership_line(dispatcher, answers, intent, text, tracker)
                                           or send_prepay_line(dispatcher, tracker, intent, text)
                                           or send_last_paid_line(dispatcher, intent, text)
                                           or send_count_line(dispatcher, intent, text, tracker)
                                           or send_details_for_wage(dispatcher, tracker, answers, intent, text,
                                                                    on)
                                           or send_wage_line(dispatcher, intent, wage_in(text)
                                                             or own_wage_asked(tracker, intent, text))):
        keep_topic(dispatcher, intent, on)
        send_migrant_risks(dispatcher, tracker, answers, text, on)
        mood_before(dispatcher, tracker, answers, signals, start, on)
        # "sy nelayan, penghasilan 1,2 juta" after the contribution: its figures, and the facts kept for later
        return [SlotSet(k, v) for k, v in silent_facts(tracker, text, signals).items()]
    if signals.scam:
        feeling_first(dispatcher, answers, signals, None, on)
        send_scam_warning(dispatcher, answers, on, tracker)
        if intent not in SCAM_THEN_ANSWER:
            send_details(dispatcher, answers, None, text, on)  # "ganti nomor hp nya biar OTP masuk ke sy": we cannot
            return []
        signals = dataclasses.replace(signals, feeling=None, also=None)  # acknowledged once, before the warning
    if signals.referral in WHOLE_REFERRALS and intent not in SMALL_TALK and not OUR_WORDS.search(text):
        # "sy mau lapor KDRT, kemana?", "cara daftar kapal nelayan di dinas perikanan": that office alone, no guess
        # at one of our topics for a message that names none of our words
        feeling_first(dispatcher, answers, signals, None, on)
        _send(dispatcher, answers.render_snippet(f"referral_{signals.referral}", on))
        return []
    try:
        split = answers.render_split(intent, on)
    except Exception:  # a content error must not leave the worker without a reply
        logger.exception("action_answer: cannot render %r for %s", intent, on)
        split = None
    if split is not None and intent in DEATH_TOPICS and is_illness_death(answers, text):
        split = without_work_death_pointer(split)  # "suami sy meninggal krn serangan jantung": no JKK multiple
    if intent not in SMALL_TALK:
        feeling_first(dispatcher, answers, signals, split.short if split else None, on)
        # a death from an illness ("istri sy meninggal krn demam berdarah") asks for no medical advice
        if signals.referral and not (signals.referral == "health" and intent == "ask_health") \
                and not (signals.referral == "medicine" and signals.feeling == "grief"):
            _send(dispatcher, answers.render_snippet(f"referral_{signals.referral}", on))
    if split is None:
        _send(dispatcher, answers.render_snippet("clarify_help", on))
    elif intent in SMALL_TALK:
        _send(dispatcher, split.short)
        wish = parting_wish(tracker) if intent in ("thank", "goodbye") else None
        if wish:  # "makasih, doakan sy" after an accident: get well soon
            _send(dispatcher, answers.render_snippet(wish, on))
    else:
        send_answer(dispatcher, split, intent, on)
        send_legal_basis(dispatcher, split, text, on)  # "Saya ingin menanyakan dasar hukum ... pencairan JHT"
        # a pension asked for a wage and years of contributions is the formula's, not the wage's contribution
        formula = send_jp_formula_line(dispatcher, intent, text)
        if not formula and not send_employer_share(dispatcher, tracker, intent, text) \
                and not send_jp_contribution(dispatcher, intent, text):
            staff_wage = None if wage_in(text) else staff_wage_asked(tracker, intent, text)
            if staff_wage and intent in ("ask_contribution_pu", "ask_jht"):
                send_wage_line(dispatcher, "ask_contribution_pu", staff_wage)
            elif staff_wage:
                send_jp_line(dispatcher, staff_wage)
            else:
                send_wage_line(dispatcher, intent, wage_in(text) or own_wage_asked(tracker, intent, text))
        if intent == "ask_employer_not_registering" and _CUT_ASKED.search(question_part(text)):
            # "Gaji sy 3 juta ... di slip sy tdk ada [potongan]. Itu normal kah, dan harusnya dipotong brp?": the
            # employer's duty, and what the wage's deduction would be
            send_wage_line(dispatcher, "ask_contribution_pu", wage_in(text))
        send_work_death_line(dispatcher, answers, intent, text, on, tracker)
        send_discount_group_line(dispatcher, intent, text, tracker)
        if intent in HEAVY_COST_TOPICS and signals.feeling == "distress" and _HEAVY.search(text):
            _send(dispatcher, answers.render_snippet("afford_help", on))  # "... pedagang kecil, berat sekali"
        send_balance_line(dispatcher, intent, text)
        send_membership_line(dispatcher, answers, intent, text, tracker)
        send_leaving_date_line(dispatcher, tracker, intent, text)
        send_jkp_months_line(dispatcher, tracker, intent, text,  # the wage's figures unless sent just above
                             with_wage=not (wage_in(text) or own_wage_asked(tracker, intent, text)))
        send_jp_pension_line(dispatcher, tracker, intent, text)
        send_count_line(dispatcher, intent, text, tracker)
        send_prepay_line(dispatcher, tracker, intent, text)
        send_last_paid_line(dispatcher, intent, text)
        send_heirs_jht(dispatcher, answers, tracker, intent, text, on)
        if intent in DEATH_TOPICS or intent == "ask_claim_jkk":
            # "Cucu sa umur 4 tahun, bapaknya meninggal tahun lalu ... bantuan pendidikan blm ada yg cair": when the
            # scholarship starts for a child not at school yet
            send_child_age_line(dispatcher, tracker, text, young_only=True)
        if intent == "ask_scholarship" and not _CHILD_AGE.search(text):
            # "beasiswanya mulai kapan?" after "anak sy umur 4 thn, suami meninggal kecelakaan kerja": that child's
            told = next((t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK) if _CHILD_AGE.search(t)),
                        None)
            if told:
                send_child_age_line(dispatcher, tracker, told, young_only=True)
        sent = send_details(dispatcher, answers, intent, text, on, split.short.facts)
        previous = previous_topic(tracker, answers)
        if not sent and previous and previous != intent and len(text.split()) <= FOLLOW_UP_MAX_WORDS:
            # a short question after another topic ("kalau sy meninggal, istri dpt?" after JP): its detail too
            send_details(dispatcher, answers, previous, text, on, split.short.facts, own_topic_only=True)
        send_other_questions(dispatcher, tracker, answers, intent, on)
        send_migrant_risks(dispatcher, tracker, answers, text, on, intent)
        if intent == "ask_migrant":  # "kontrak 12 bulan, berapa total iurannya?": that contract's total
            send_pmi_contract_line(dispatcher, text, on)
        send_age_limit(dispatcher, tracker, intent, on)
        if not tracker.active_loop_name and (offered_name(text) or offered_phone(text)) \
                and not any(m.get("text") == get_flow_texts().render("name_offered", on).text
                            for m in dispatcher.messages):
            # "ok sa mau daftar, nama sa La Ode Hamid, HP 0853…": nothing kept without consent; staff offered
            say(dispatcher, "name_offered")
    if intent in SMALL_TALK:
        return []
    facts = silent_facts(tracker, text, signals)
    named_work = occupation_in(text) if intent == "ask_who_can_join" and not facts.get("occupation") else None
    if intent in OCCUPATION_TOPICS and facts.get("occupation"):  # "sy nelayan ..., bs ikut?": what a fisher pays
        line = occupation_line(facts["occupation"], facts.get("income"), on)
        if line:
            dispatcher.utter_message(text=line)
    elif named_work is not None:  # "petani bisa ikut kah?": what that work pays, nothing kept of the worker
        line = occupation_line(named_work.key, None, on)
        if line:
            dispatcher.utter_message(text=line)
    if facts.get("occupation") and intent not in NO_CHECK_OFFER and not tracker.get_slot(RESULT_SLOT) \
            and not tracker.active_loop_name and not _ALREADY_MEMBER.search(text) and signals.feeling != "grief":
        # (a grieving family told of a death is not offered a check of their own contribution)
        _send(dispatcher, answers.render_snippet("check_offer", on))
    return [SlotSet(k, v) for k, v in facts.items()]


#: A worker who says they are a member already ("sudah ikut BPJS TK mandiri sejak tahun lalu"): no check offered.
_ALREADY_MEMBER = re.compile(r"\b(sudah|sdh|udah|sejak)\b[^.?!]{0,20}\b(ikut|terdaftar|peserta|jadi peserta)\b|"
                             r"\b(ikut|peserta|terdaftar)\s+(bpjs|bpjstk|jamsostek)\b", re.I)
#: Topics where a JHT balance the message names says where it is claimed and whether an NPWP is needed.
BALANCE_TOPICS = frozenset({"ask_claim_jht", "ask_balance", "ask_jht", "ask_jht_partial"})


def send_membership_line(dispatcher: CollectingDispatcher, answers: Answers, intent: str, text: str,
                         tracker: Tracker | None = None) -> bool:
    """"sdh 6 tahun jadi peserta. Bisa ambil JHT 10% dulu?": whether those years meet the benefit's minimum; "adik sy
    2 org masih SD, dpt beasiswa?" a turn or two after "peserta sejak april 2024 ... meninggal krn stroke": the
    scholarship's minimum for the years told before."""
    on = clock.today()
    line = membership_line(intent, text, on, work_death=is_work_death(answers, text))
    if not line and tracker is not None and intent in DEATH_TOPICS and _SCHOLARSHIP.search(text or ""):
        turns = [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)]
        told = next((t for t in turns if membership_years(t, on) is not None), None)
        line = scholarship_years_line(answers, told, turns, on) if told else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_balance_line(dispatcher: CollectingDispatcher, intent: str, text: str, tracker: Tracker | None = None) -> bool:
    """"saldo sy 55 juta": JMO or Lapak Asik for that balance, and the NPWP above its threshold; "kalau untuk rumah
    dapat brp?" after "JHT sy 48 juta, bisa ambil sebagian?": the partial claim of the balance said before."""
    # ("saldo sa 40 juta, dapat brp?" after the partial claim: its shares of that balance)
    line = balance_line(text, clock.today(), partial=intent == "ask_jht_partial") if intent in BALANCE_TOPICS else None
    if not line and tracker is not None and intent in BALANCE_TOPICS and asks_partial(text) \
            and not balance_value(text):
        earlier = next((t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK) if balance_value(t)), None)
        line = balance_line(f"{text} ; {earlier}", clock.today()) if earlier else None
    corrected = _CORRECTED_AMOUNT.search(text or "") if not line and tracker is not None \
        and intent in BALANCE_TOPICS and _CORRECTION.search(text or "") else None
    if corrected and any(balance_value(t) for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)):
        # "eh ternyata sy liat lagi 17 juta, bukan 4 juta" after "saldo sy sekitar 4 juta": the corrected balance's
        line = balance_line(f"saldo {corrected.group(0)}", clock.today())
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: A correction ("eh salah", "ternyata", "maksud sy") and the first amount in juta it names.
_CORRECTION = re.compile(r"\b(salah|ternyata|trnyata|maksud\w*|koreksi|bukan|bkn|ralat)\b", re.I)
_CORRECTED_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:jt|juta)\b", re.I)


#: A question about the documents to bring ("berkas apa sj yg perlu?", "syaratnya apa?").
_DOCUMENTS_ASKED = re.compile(r"\b(berkas\w*|dokumen\w*|syarat\w*|persyaratan|bawa apa|siapkan|disiapkan)\b", re.I)


def send_balance_documents(dispatcher: CollectingDispatcher, answers: Answers, intent: str, text: str,
                           tracker: Tracker, on) -> bool:
    """The line for a balance in a follow-up ("saldonya sekitar 80 juta, berkas apa sj yg perlu?") and, when the
    message also asks what to bring, the documents of a JHT claim. True when sent."""
    if not send_balance_line(dispatcher, intent, text, tracker):
        return False
    if _DOCUMENTS_ASKED.search(text or ""):
        _send(dispatcher, answers.render_snippet("jht_claim_documents", on))
    return True


#: A question about a deadline ("paling lambat kapan?", "masih bisa kah?", "telat ga?").
_DEADLINE_ASKED = re.compile(r"\b(paling lambat|plg lambat|batas\w*|kapan|sampai kapan|smp kapan|telat|terlambat|"
                             r"lewat|masih bisa|msh bisa|masih bs|msh bs|kadaluarsa|kedaluwarsa|hangus|sempat\w*|"
                             r"smpt|keburu|tunda|ditunda|menunda)\b", re.I)


_WHEN_ASKED = re.compile(r"\b(kapan|kpn|mulai kapan|bisa cair|sudah bisa|sdh bisa|udah bisa|skrg|sekarang|"
                         r"(?:tanggal|tgl) (?:berapa|brp)|paling cepat|plg cepat|bisa mulai)\b", re.I)


def send_jkp_tenure_line(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None, text: str) -> bool:
    """"sy kerja baru 10 bulan" or "eh salah, sy kerja sdh 2 tahun" after JKP: whether that meets its minimum months
    and, when it does, what JKP pays on the wage told before. True when sent."""
    line = jkp_tenure_line(text, clock.today()) if intent == "ask_jkp" else None
    if not line:
        return False
    dispatcher.utter_message(text=line)
    if "terpenuhi" in line:
        told = [text] + [t for _, t in itertools.islice(user_turns(tracker), DATE_LOOKBACK)]
        send_wage_line(dispatcher, intent, next((w for w in (wage_in(t) for t in told if not STAFF.search(t)) if w),
                                                None))
    return True


def send_left_ago_line(dispatcher: CollectingDispatcher, intent: str | None, text: str) -> bool:
    """"sy sdh keluar kerja 3 minggu" after JHT's claim: from about when it can be claimed. True when sent."""
    line = jht_after_ago_line(text, clock.today()) if intent in BALANCE_TOPICS else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_leaving_date_line(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str) -> bool:
    """"Paling lambat kapan sy klaim JKP?" after "di-PHK tanggal 20 November 2026": the date itself, from the PHK
    date the message or one of the last few turns told; "JHT sy kapan bisa cair?" after a resignation's date: from
    when it can be claimed."""
    on = clock.today()
    # "sy resign tgl 25 november, mau cairkan jht": the date told is asking from when, too
    jht = intent in ("ask_claim_jht", "ask_jht") and bool(_WHEN_ASKED.search(text or "")
                                                         or phk_date(text or "", on, leaving=True))
    if not jht and (intent != "ask_jkp" or not _DEADLINE_ASKED.search(text or "")):
        return False
    told = [text] + [t for _, t in itertools.islice(user_turns(tracker), DATE_LOOKBACK)]
    left = next((d for d in (phk_date(t, on, leaving=bool(jht)) for t in told) if d), None)
    planned = None if jht or not left else planned_month(text, left)  # "kalau sa tunda sampai Februari 2027?"
    line = (jht_from_line(left, on) if jht else jkp_deadline_line(left, on, planned=planned)) if left else None
    if line:
        dispatcher.utter_message(text=line)
    phk = next((d for d in (phk_date(t, on) for t in told) if d), None) if jht else None
    if phk and _DEADLINE_ASKED.search(text or ""):  # "PHK nya tgl 20 Nov, paling lambat klaim kapan?": JKP's too
        extra = jkp_deadline_line(phk, on)
        if extra:
            dispatcher.utter_message(text=extra)
            line = line or extra
    if line and not jht and _HOW_MUCH.search(text or ""):
        # "masih sempat klaim? dapat brp?" after "di-PHK akhir Oktober, gaji 4 juta": what JKP pays for that wage
        send_wage_line(dispatcher, "ask_jkp", next((w for w in (wage_in(t) for t in told if not STAFF.search(t))
                                                    if w), None))
    return bool(line)


def send_jkp_months_line(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str,
                         with_wage: bool = False) -> bool:
    """"saya kerja di sana sejak Maret 2025, iuran lancar" after a PHK and JKP: whether the months from then to the
    PHK (told in this message or one of the last few turns; else until today) meet JKP's minimum and, with
    ``with_wage``, what JKP pays for the wage told before. True when sent."""
    start = worked_since(text) if intent == "ask_jkp" else None
    if start is None:
        return False
    on = clock.today()
    told = [text] + [t for _, t in itertools.islice(user_turns(tracker), DATE_LOOKBACK)]
    phk = next((d for d in (phk_date(t, on) for t in told) if d), None)
    line = jkp_months_line(start, phk, on)
    if not line:
        return False
    dispatcher.utter_message(text=line)
    if with_wage:
        wage = next((w for w in (wage_in(t) for t in told if not STAFF.search(t)) if w), None)
        send_wage_line(dispatcher, intent, wage)
    return True


#: A question whether the JP pension may wait ("bisa ditunda?", "sa masih kerja sampai sekarang").
_DEFER_ASKED = re.compile(r"\b(tunda|ditunda|menunda|masih kerja|masih bekerja|tetap kerja|tetap bekerja|belum "
                          r"berhenti)\b", re.I)


def send_jp_pension_line(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str) -> bool:
    """"sa lahir 1969" about JP: the year that birth reaches JP's rising pension age (and, when reached, until when
    it may wait) and, with the month JP began ("ikut JP sejak Juli 2015", this message or a recent one), whether the
    years until then make a monthly pension; "bisa ditunda?" after a birth year told: the same, for that birth;
    "ikut JP sejak Juli 2015 sampai sekarang, cukup 15 tahun kah?": the years until now. True when sent."""
    born = born_on(text)
    if intent in ("ask_jht", "ask_claim_jht") and born:
        line = jht_age_line(born[0], clock.today())  # "sa lahir 1970, umur berapa bisa ambil JHT full?"
        if line:
            dispatcher.utter_message(text=line)
        return bool(line)
    if intent not in ("ask_jp", "ask_claim_jp"):
        return False
    told = [text] + [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)]
    since = next((d for d in map(worked_since, told) if d), None)
    born = born or (next((b for b in map(born_on, told) if b), None) if _DEFER_ASKED.search(text) else None)
    on = clock.today()
    if born is not None:
        line = jp_pension_line(born[0], born[1], on, since, defer_asked=bool(_DEFER_ASKED.search(text)))
    elif worked_since(text):
        line = jp_membership_line(worked_since(text), on.replace(day=1), on, said_until="sampai sekarang")
    else:
        line = None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_jp_formula_line(dispatcher: CollectingDispatcher, intent: str, text: str) -> bool:
    """"masa iur 20 tahun dan rata-rata upah tertimbang Rp5.000.000, berapa pensiun bulanan saya?": the first
    year's pension by JP's formula for those figures. True when sent."""
    years = membership_years(text) if intent in JP_TOPICS else None
    if years is None and intent in JP_TOPICS and not _AGE_SAID.search(text or ""):
        said = _WHAT_IF_YEARS.search(text or "")  # "Misalnya pas 15 tahun, rata2 gaji 5 jt": the years of a what-if
        years = int(said.group(1)) if said else None
    wage = wage_in(text) if years else None
    line = jp_formula_line(years, wage, clock.today()) if years and wage else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: Topics whose follow-ups may tell a date that the answer turns into a deadline or a count of months.
DATED_TOPICS = frozenset({"ask_jkp", "ask_claim_jht", "ask_jht", "ask_jp", "ask_claim_jp"})


def dated_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A date told after JKP or the JHT claim, read as a fact ("sa di PHK tanggal 20 Juli 2026, masih sempat kah?"):
    the deadline or the months it makes for the topic under discussion. True when sent."""
    previous = previous_topic(tracker, get_answers())
    text = (tracker.latest_message or {}).get("text") or ""
    if previous not in DATED_TOPICS or text.startswith("/"):
        return False
    if not (send_leaving_date_line(dispatcher, tracker, previous, text)
            or send_jkp_months_line(dispatcher, tracker, previous, text, with_wage=True)
            or send_jp_pension_line(dispatcher, tracker, previous, text)):
        return False
    keep_topic(dispatcher, previous, clock.today())
    return True


#: Death topics whose message may tell of a death in a work accident (JKK's multiple of the wage, not JKM's sum).
DEATH_TOPICS = frozenset({"ask_claim_jkm", "ask_jkm", "ask_scholarship"})


def is_work_death(answers: Answers, text: str) -> bool:
    """``text`` tells of a death (detail ``jkk_death``'s words) in a work accident (its ``also``), not an illness."""
    detail = next((d for d in answers.details if d.name == "jkk_death"), None)
    return detail is not None and mentions(text, detail.words) and mentions(text, detail.also) \
        and not (detail.not_words and mentions(text, detail.not_words))


def is_illness_death(answers: Answers, text: str) -> bool:
    """``text`` says the death was not a work accident (detail ``jkk_death``'s ``not_words``: "krn sakit",
    "serangan jantung", "stroke")."""
    detail = next((d for d in answers.details if d.name == "jkk_death"), None)
    return detail is not None and bool(detail.not_words) and mentions(text, detail.not_words)


_SCHOLARSHIP = re.compile(r"\bbeasiswa\w*\b", re.I)


def scholarship_years_line(answers: Answers, told: str, turns: List[str], on) -> str | None:
    """Whether the years of membership ``told`` meet the scholarship's minimum, for a death that none of ``turns``
    tells as a work accident (lingkar/wage_figures.membership_line)."""
    return membership_line("ask_scholarship", f"{told} ; beasiswa", on,
                           work_death=any(is_work_death(answers, t) for t in turns))


def send_scholarship_years_line(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"eh maaf, suami sy ikutnya dari 2024 bukan 2021" told in a bereaved conversation: whether those years of
    membership meet the scholarship's minimum (a death that is no work accident). True when sent."""
    text = (tracker.latest_message or {}).get("text") or ""
    on = clock.today()
    if membership_years(text, on) is None or not death_in_conversation(tracker):
        return False
    turns = [text] + [t for _, t in itertools.islice(user_turns(tracker), WAGE_LOOKBACK)]
    line = scholarship_years_line(get_answers(), text, turns, on)
    if line:
        dispatcher.utter_message(text=line)
        keep_topic(dispatcher, "ask_scholarship", on)
    return bool(line)


#: The paragraph of a death answer that points to JKK for a death in a work accident.
_WORK_DEATH_POINTER = "Meninggal karena kecelakaan kerja"


def without_work_death_pointer(split: Split) -> Split:
    """``split`` without its paragraph on a death in a work accident, for a death the worker said was an illness."""
    def cut(rendered: Rendered | None) -> Rendered | None:
        if rendered is None:
            return None
        kept = [p for p in rendered.text.split("\n\n") if not p.startswith(_WORK_DEATH_POINTER)]
        return dataclasses.replace(rendered, text="\n\n".join(kept))
    return Split(cut(split.short), cut(split.rest))


def send_heirs_jht(dispatcher: CollectingDispatcher, answers: Answers, tracker: Tracker, intent: str, text: str,
                   on) -> bool:
    """"bapak juga ikut JHT, saldonya bagaimana?" a few turns after a father's death: the heirs withdraw the balance
    (detail ``jht_heir``, which the message's own words would bring only with a word of death)."""
    if intent not in ("ask_balance", "ask_claim_jht", "ask_jht") or not death_in_conversation(tracker):
        return False
    detail = next((d for d in answers.details if d.name == "jht_heir"), None)
    if detail is None or detail in answers.details_for(intent, text):
        return False  # sent with the other details
    try:
        dispatcher.utter_message(text=answers.render_detail(detail, on).text)
    except Exception:  # a detail is extra: a content error must not cost the answer
        logger.exception("heirs' JHT: cannot render")
        return False
    return True


#: A follow-up about another part of what the heirs get ("yang SD dapat berapa setahun?", "JHT-nya berapa?").
_OTHER_BENEFIT = re.compile(r"\b(beasiswa|sekolah|sd|smp|sma|smk|kuliah|anak\w*|setahun|tahun\w*|jht|saldo\w*|"
                            r"pensiun\w*|pemakaman|berkala|jkm)\b", re.I)


def send_jkm_figure_doubt(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"jadi bukan 42 juta?" (or "tetangga dapat 42 juta") after a death at work: JKM's total is for a death that is
    no work accident, and what JKK pays instead (detail ``jkk_death``). True when sent."""
    answers = get_answers()
    try:
        total = int(get_facts().value("jkm.total", clock.today()))
    except (KeyError, LookupError, TypeError, ValueError):
        return False
    millions = total // 1_000_000
    told = re.search(rf"\b{millions}\s*(juta|jt)\b|\b{format_number(total)}\b", text or "", re.I)
    if not told or not any(is_work_death(answers, t) for _, t in itertools.islice(user_turns(tracker),
                                                                                   WAGE_LOOKBACK + 2)):
        return False
    detail = next((d for d in answers.details if d.name == "jkk_death"), None)
    if detail is None:
        return False
    dispatcher.utter_message(text=answers.render_detail(detail, clock.today()).text)
    return True


_CHILD_AGE = re.compile(r"\b(?:anak|cucu)\w*\b[^.?!]{0,25}?\b(?:umur|usia|umurnya|usianya|berumur|berusia)\s*"
                        r"(\d{1,2})\s*"
                        r"(tahun|thn|th|bulan|bln)\b", re.I)
#: Below this age a child is not at school yet (the scholarship starts when the child enters school, facts.md §1.2).
SCHOOL_AGE = 6


def send_child_age_line(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
                        young_only: bool = False) -> bool:
    """"anaknya satu, umur 3 tahun" after a parent's death (or told with it): the scholarship, which for a child not
    at school yet starts when the child enters school (details ``scholarship_start`` / ``jkm_scholarship``; with
    ``young_only``, only the former). True when sent."""
    m = _CHILD_AGE.search(text or "")
    if not m or not (death_in_conversation(tracker) or read_signals(text).feeling == "grief"):
        return False
    months = m.group(2).lower() in ("bulan", "bln")
    name = "scholarship_start" if months or int(m.group(1)) < SCHOOL_AGE else "jkm_scholarship"
    if young_only and name != "scholarship_start":
        return False
    answers = get_answers()
    detail = next((d for d in answers.details if d.name == name), None)
    if detail is None:
        return False
    dispatcher.utter_message(text=answers.render_detail(detail, clock.today()).text)
    return True


def send_work_death_line(dispatcher: CollectingDispatcher, answers: Answers, intent: str, text: str, on,
                         tracker: Tracker | None = None) -> bool:
    """"anak sy meninggal tertimpa alat berat saat bekerja, gajinya 5 juta": what JKK pays the heirs for that wage,
    when the message tells of a death (detail ``jkk_death``'s words) in a work accident (its ``also``) and a wage; or
    a wage asked a few turns after such a death ("Kalau penghasilan bapak waktu daftar 1 juta, santunannya jadi
    berapa?" after "perahunya terbalik waktu melaut")."""
    wage = wage_in(text)
    turns = list(itertools.islice(user_turns(tracker), WAGE_LOOKBACK + 2)) if tracker is not None else []
    earlier = bool(wage) and any(is_work_death(answers, t) for _, t in turns)
    if not wage and intent in DEATH_TOPICS and (_BENEFIT_QUESTION.search(text) or _HOW_MUCH.search(text)) \
            and len(text.split()) <= FOLLOW_UP_MAX_WORDS and not _OTHER_BENEFIT.search(text):
        # "jadi total dapat berapa?" after "Ayah sa meninggal kecelakaan kerja di kapal, gajinya 3 juta sebulan."
        told = next((t for _, t in turns if is_work_death(answers, t)), None)
        wage = next((w for w in (wage_in(t) for _, t in turns) if w), None) if told else None
        earlier = bool(wage)
    if intent not in DEATH_TOPICS or not (is_work_death(answers, text) or earlier):
        return False
    line = death_line(wage, on) if wage else None
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


#: Topics about joining, where an age of the JHT age or over in the message gets the self-employed age limit.
AGE_LIMIT_TOPICS = frozenset({"ask_who_can_join", "ask_register", "ask_documents", "ask_contribution_bpu"})


def send_age_limit(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, on) -> bool:
    """"mamaku jual ikan, umur 60 mi. bisa daftar ji kah?": the self-employed age limit is unconfirmed, and where to
    ask, said after the answer to a question about joining that names an age of the JHT age or over."""
    if intent not in AGE_LIMIT_TOPICS:
        return False
    limit = int(get_facts().value(calculator.BPU_AGE_NOTE_FROM_KEY, on))
    ages = [real(e.get("value")) for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") == "age"]
    if not any(isinstance(a, (int, float)) and a >= limit for a in ages):
        return False
    say(dispatcher, "age_limit_asked")
    return True


#: A child's school level told ("cucu saya sudah SMP kelas 1", "anaknya 2, SD dan SMA").
_SCHOOL_LEVEL = re.compile(r"\b(sd|smp|sma|smk|mts|tk|paud|kuliah|kelas\s+\d)\b", re.I)
_CHILD = re.compile(r"\b(anak\w*|cucu\w*|ponakan|keponakan|adik\w*)\b", re.I)


def school_year_topic(tracker: Tracker, text: str) -> str | None:
    """"Eh keliru, cucu saya sudah SMP kelas 1" after a death: the scholarship for that level (per year), not a check
    of the speaker's own contribution; None elsewhere."""
    if not (_SCHOOL_LEVEL.search(text or "") and _CHILD.search(text or "")) or not death_in_conversation(tracker):
        return None
    return "ask_scholarship" if "ask_scholarship" in get_answers() else None


#: Whether one may still join at an age ("tp umur sy sdh 67, masih bisa?"): an age in years and a question of being
#: allowed.
_AGE_TOLD = re.compile(r"\b(?:umur|usia|umurnya|usianya|berumur|berusia)\s*(?:sy|saya|sa|ku|sdh|sudah|udah|skrg|"
                       r"sekarang|\s)*(\d{2})\b", re.I)
_STILL_ALLOWED = re.compile(r"\b(?:masih|msh|tetap|ttp)\s+(?:bisa|bs|boleh|dapat|dpt|bisakah)\b|\b(?:bisa|bs|boleh)\s+"
                            r"(?:ikut|daftar|mendaftar|jadi peserta)\b", re.I)


def asks_age_limit(text: str, on) -> bool:
    """"tp umur sy sdh 67, masih bisa?" inside a form: an age of the JHT age or over told with a question whether one
    may still join, whose answer (the self-employed age limit is unconfirmed; where to ask) no form question gives."""
    m = _AGE_TOLD.search(text or "")
    if not m or not _STILL_ALLOWED.search(text or ""):
        return False
    try:
        return int(m.group(1)) >= int(get_facts().value(calculator.BPU_AGE_NOTE_FROM_KEY, on))
    except (KeyError, LookupError, TypeError, ValueError):
        return False


#: A risk a migrant worker asks about abroad: an accident, care, violence, a one-sided dismissal, a claim.
MIGRANT_RISK = re.compile(r"\b(kecelakaan|celaka|sakit|dirawat|rawat|rumah sakit|berobat|pukul\w*|dipukul|siksa\w*|"
                          r"disiksa|kekerasan|perkosa\w*|diperkosa|phk|dipecat|pecat|sepihak|klaim\w*|meninggal|"
                          r"cacat|dipulangkan|tidak sesuai)\b", re.I)


def migrant_context(tracker: Tracker) -> bool:
    """The conversation is about a migrant worker: PMI was asked or answered in the last few turns."""
    if "ask_migrant" in recent_topics(tracker):
        return True
    turns = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            turns += 1
            if turns > WAGE_LOOKBACK + 1:
                return False
        elif event.get("event") == "bot" and turns >= 1:
            meta = ((event.get("metadata") or {}).get(ANSWER_KEY) or {})
            if isinstance(meta, dict) and meta.get("topic") == "ask_migrant":
                return True
    return False


#: A migrant's contract or its extension named ("kalau kontraknya 1 tahun?", "diperpanjang 6 bulan?").
_CONTRACT_TERM = re.compile(r"\b(kontrak\w*|diperpanjang|perpanjang\w*)\b", re.I)


def contract_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"kalau kontraknya cuma setahun?", "eh bukan 2 tahun, kontraknya cuma 1 tahun" or "Kontrak suami saya
    diperpanjang 6 bulan lagi, iurannya tambah?" after the PMI answer, whatever the NLU read it as: that contract's
    total or the extension's. True when sent."""
    text = latest_text(tracker)
    if len(text.split()) > UNPLACED_DETAIL_MAX_WORDS or not _CONTRACT_TERM.search(text) \
            or not migrant_context(tracker):
        return False
    on = clock.today()
    if not send_pmi_contract_line(dispatcher, text, on):
        return False
    keep_topic(dispatcher, "ask_migrant", on)
    return True


#: The legal basis asked together with a topic ("Saya ingin menanyakan dasar hukum yang berlaku untuk pencairan JHT").
_LEGAL_BASIS_ASKED = re.compile(r"\b(dasar hukum\w*|landasan hukum\w*|payung hukum\w*|aturan(nya)? apa|"
                                r"peraturan(nya)? apa|regulasi(nya)?|berdasarkan (aturan|peraturan) apa|"
                                r"(aturan|peraturan) (yang|yg) (berlaku|mengatur))\b", re.I)


def send_legal_basis(dispatcher: CollectingDispatcher, split: Split, text: str, on) -> bool:
    """The regulations behind the figures just answered, when the message asks for the legal basis too. True when
    sent."""
    if not _LEGAL_BASIS_ASKED.search(text or ""):
        return False
    keys = list(split.short.facts) + list(split.rest.facts if split.rest is not None else ())
    lines = source_lines(get_facts(), keys, on)
    if not lines:
        return False
    rendered = get_flow_texts().render("sources_list", on, lines="\n".join(lines))
    dispatcher.utter_message(text=rendered.text)
    return True


def send_pmi_contract_line(dispatcher: CollectingDispatcher, text: str, on) -> bool:
    """A migrant worker's total for the contract length the message names, or an extension's; True when sent."""
    line = pmi_contract_line(text, on)
    if line:
        dispatcher.utter_message(text=line)
    return bool(line)


def send_migrant_risks(dispatcher: CollectingDispatcher, tracker: Tracker, answers: Answers, text: str, on,
                       topic: str | None = None) -> None:
    """In a migrant worker's conversation, or with the PMI answer itself (``topic``), a risk asked about ("kalau di
    sana majikan pukul sa?", "adik sy PMI dipukul majikan"): what PMI cover adds abroad (care up to its limit,
    violence, dismissal) and where PMI claim."""
    if (topic == "ask_migrant" or migrant_context(tracker)) and MIGRANT_RISK.search(text or ""):
        _send(dispatcher, answers.render_snippet("pmi_risks", on))


def migrant_cost(tracker: Tracker, topic: str | None, text: str) -> str | None:
    """A contribution question in a migrant worker's conversation ("totalnya brp yg hrs dibyr utk bpjs tk?" after
    "sy mau kerja ke taiwan", "kontrak 2 thn") is about the PMI contribution, unless it names other work."""
    if topic in COST_OVER_CHECK and migrant_context(tracker) and not match_occupation(text or ""):
        return "ask_migrant"
    if topic == "ask_payment" and _HOW_OFTEN.search(text or "") and migrant_context(tracker) \
            and not match_occupation(text or ""):
        return "ask_migrant"  # "itu sekali bayar atau tiap bulan?" after the PMI contribution: how PMI pays
    return topic


#: How often a contribution is paid ("sekali bayar atau tiap bulan?").
_HOW_OFTEN = re.compile(r"\b(sekali bayar|satu kali|sekali saja|tiap bulan|setiap bulan|per ?bulan|bulanan|dicicil|"
                        r"cicil|sekaligus)\b", re.I)


def topic_for_unclear(tracker: Tracker, answers: Answers, signals: Signals) -> str | None:
    """A topic for a message the NLU could not place: a follow-up of the previous topic, or the claim a grieving
    or injured worker is asking about (a fallback is never the reply to them)."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    topic = accident_follow_up(tracker, answers, FALLBACK_INTENT, text) \
        or follow_up_topic(FALLBACK_INTENT, text, previous_topic(tracker, answers))
    if topic:
        return topic
    if migrant_context(tracker) and MIGRANT_RISK.search(text):
        return "ask_migrant"  # "klo majikan phk sy sepihak?" a turn after PMI: what PMI cover pays for it
    previous = previous_topic(tracker, answers)
    if previous and len(text.split()) <= WHO_PAYS_WORDS and _WHO_PAYS.search(text) and not _HEALTH_AGENCY.search(text):
        return previous  # "sy yg bayar iurannya kah?" after a construction project: who pays that topic's cost
    if len(text.split()) <= SUPPOSED_ACCIDENT_WORDS and accident_supposed(text) and "ask_jkk" in answers \
            and not _HEALTH_AGENCY.search(text):
        return "ask_jkk"  # "kalau sy jatuh dari lantai 3?": what JKK covers
    return claim_for_feeling(signals, text)


#: "siapa yg bayar?", "sy yg bayar iurannya kah?", "dibayar siapa?": who pays what the topic under discussion costs.
_WHO_PAYS = re.compile(r"\b(siapa|sapa|spa)\s+(\w+\s+)?(yg|yang)?\s*(bayar|tanggung|nanggung|menanggung|membayar)\w*|"
                       r"\b(dibayar|ditanggung)\w*\s+(oleh\s+)?(siapa|sapa|spa)\b|"
                       r"\b(sy|saya|sa|aku|kami)\s+(yg|yang|sendiri)\s+(bayar|tanggung|membayar|nanggung)\w*", re.I)
WHO_PAYS_WORDS = 8
#: A "what if" accident this short the NLU could not place asks what JKK covers.
SUPPOSED_ACCIDENT_WORDS = 12


#: A question about what the worker pays ("jadi brp mi yg sy harus bayar utk iuran"): a story that also mentions a
#: neighbour's accident asks about the contribution, not about a claim.
COST_QUESTION = re.compile(r"\b(iuran\w*|bayar\w*|biaya\w*)\b.*\b(brp|berapa\w*|brapa\w*)\b|"
                            r"\b(brp|berapa\w*|brapa\w*)\b.*\b(iuran\w*|bayar\w*|biaya\w*)\b|"
                            # "sy blm ikut bpjs tk, mahal kah?"
                            r"\b(ikut|daftar|iuran\w*|bpjs|peserta)\b[^?]*\b(mahal|murah)(kah)?"
                            r"(\s+(kah|ga|gak|nggak|tidak|tdk|ndak|nda|tida))?\s*\?", re.I | re.S)


_COMMUTE = re.compile(r"\b(pulang|pergi|berangkat)\s+(kerja|ke tempat kerja|dari tempat kerja)\b", re.I)
_SENTENCES = re.compile(r"[.?!\n]+")


def cost_topic(text: str) -> str | None:
    """What a worker pays, for a message the NLU could not place that asks it ("berapami sebulan bayarnya?"): the
    contribution of a wage earner when the message names such work, else the self-employed contribution."""
    if not COST_QUESTION.search(text or ""):
        return None
    return own_contribution_topic(occupation_in(text))


def own_contribution_topic(occupation) -> str:
    """The contribution a worker of ``occupation`` (or of work not named: None) pays: a wage earner's or the
    self-employed one's."""
    return "ask_contribution_pu" if occupation is not None and occupation.category == "PU" else "ask_contribution_bpu"


def story_cost_topic(text: str) -> str | None:
    """What the worker pays, for a story the NLU could not place whose question asks it and that names the work
    ("Sa ojol Maxim di Kendari sejak 2023. Tahun lalu sa jatuh ... Berapa sa bayar per bulan, dan tahun depan masih
    murah kah?"): the accident told is the reason for asking, not the question."""
    asked = question_part(text)
    if asked == (text or "") or occupation_in(text) is None or _ABROAD.search(text or ""):
        return None  # a migrant worker's story ("kerja di sawit Malaysia ... brp yg hrs sy bayar?"): PMI
    if _MONTHLY_ASKED.search(asked) and _JOINING.search(text or "") and not _BENEFIT_ASKED.search(asked):
        # "... sy skrg jualan sayur, mau daftar biar anak2 tdk begini lagi. brp sebulan?": the monthly price
        return own_contribution_topic(occupation_in(text))
    return cost_topic(asked) and cost_topic(text)


#: A monthly price asked without naming what is paid ("brp sebulan?"), in a story of joining.
_MONTHLY_ASKED = re.compile(r"\b(brp|berapa|brapa)\s+(sebulan|sebln|per ?bulan|perbln|tiap bulan)\b", re.I)
_JOINING = re.compile(r"\b(daftar|mendaftar|ikut|jadi peserta)\b", re.I)


#: Work abroad named in a story: a migrant worker's contribution is its own (ask_migrant).
_ABROAD = re.compile(r"\b(luar negeri|malaysia|malaisya|taiwan|hong ?kong|arab|saudi|korea|jepang|singapura|brunei|"
                     r"penempatan|pmi|tki|tkw|migran)\b", re.I)


def occupation_in(text: str):
    """The occupation a message names (lingkar/parsing/occupation.py), or None; reading is best effort."""
    try:
        return match_occupation(text)
    except Exception:  # the answer matters more than the reading
        logger.exception("cannot read the occupation")
        return None


def claim_for_feeling(signals: Signals, text: str) -> str | None:
    """The claim a grieving or injured worker asks about when the NLU could not place the message, unless it asks
    what they would pay."""
    # a cost asked within one sentence ("jadi brp mi yg sy harus bayar utk iuran ..."), not "tra pernah telat bayar.
    # ... total yang keluarga dapat itu berapa?" (paying told in one sentence, an amount asked in another)
    if any(COST_QUESTION.search(s) for s in _SENTENCES.split(text or "")) or _SPONSOR_QUESTION.search(text or ""):
        return None
    return {"grief": "ask_claim_jkm", "accident": "ask_claim_jkk"}.get(signals.feeling or "")


#: Someone paying the contributions ("ada program yg bisa bantu bayarkan iuran utk orang2 seperti kami?"): a story of a
#: friend's death before it asks about sponsors, not about a claim.
_SPONSOR_QUESTION = re.compile(r"\b(bayarkan|bayarin|dibayarkan|dibayarin|dibayari|membayari|membayarkan|"
                               r"bantu bayar\w*|tanggung iuran|menanggung iuran)\b", re.I)


#: A claim is what the message asks about only when it says so ("sy sbg pemilik bisa ikut JP?" is about JP itself).
_CLAIM_WORDS = re.compile(r"\b(klaim\w*|cair\w*|dicairkan|pencairan|ambil|diambil|ngambil|mengambil|urus\w*|"
                          r"ahli waris|berkas\w*|syarat\w*)\b", re.I)


#: Joining alone or with a person's help: the way to join answers both (its button asks for the help).
JOINING_SIDES = frozenset({"ask_register", "request_contact"})


def clarify_by_context(close: List[str], previous: str | None, text: str) -> str | None:
    """The topic among ``close`` (the NLU's contest, best first) that needs no question: the one of the topic under
    discussion's family ("saldo sy sktr 7 jt, lwt apa?" after the JHT claim), or, when every candidate is a side of
    one topic (JP and its claim), the side the message asks about. None when the worker must choose."""
    if len(close) >= 2 and len([n for n in close if n != "menu"]) == 1:
        return next(n for n in close if n != "menu")  # "caranya?": the topic or the menu, which is always there
    if len(close) < 2:
        return None
    if set(close) == JOINING_SIDES:  # "Saya guru ..., ingin mendaftar": how to join, with "Minta dibantu daftar"
        return "ask_register"
    family = _family(previous)
    sides = [name for name in close if family and _family(name) == family]
    if not sides:
        if previous in close:  # "nomornya bisa dicek lwt apa?" after the lost card: the card, not the contacts
            return previous
        families = {_family(name) for name in close}
        if len(families) != 1 or None in families:
            return None
        sides = close
    claims = [name for name in sides if name.startswith("ask_claim_")]
    if _CLAIM_WORDS.search(text or ""):
        return claims[0] if claims else sides[0]
    return next((name for name in sides if name not in claims), sides[0])


def cost_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, close: List[str]) -> bool:
    """A short "how much?" with no subject ("jadi brp?", "brp skrg sebulan?") that the NLU could not place: what the
    worker's own work pays when the conversation knows it (lingkar/wage_figures.occupation_line), else the
    contribution the NLU hesitated over. True when answered."""
    t = (text or "").lower()
    if not _HOW_MUCH.search(t) or len(t.split()) > FOLLOW_UP_MAX_WORDS or _SUBJECT_WORDS.search(t) \
            or re.search(r"\d", t) or _BENEFIT_QUESTION.search(t) or _BENEFIT_WORDS.search(t):
        return False  # "dpt santunan cacat brp?" asks what is paid out, not what is paid in
    line = occupation_line(tracker.get_slot("occupation"), real(tracker.get_slot("income")), clock.today())
    if line:
        dispatcher.utter_message(text=line)
        return True
    cost = next((name for name in close if name in COST_OVER_CHECK), None)
    if cost:
        answer_topic(dispatcher, tracker, cost)
        return True
    return False


#: Work whose cover comes through someone else, told without a question: how that cover works, not a noted fact
#: ("sy tukang batu, kerja harian di proyek gedung": the project's E-Jakon registration).
_WORK_TOPICS = {"JAKON": "ask_construction", "PMI": "ask_migrant"}


def work_topic(occupation: Any) -> str | None:
    """The topic that says how a worker of ``occupation`` is covered when that is not by registering themselves
    (construction projects, migrant workers); None for other or unknown work."""
    if not occupation or not calculator.is_known_occupation(str(occupation)):
        return None
    topic = _WORK_TOPICS.get(calculator.worker_for(str(occupation)).category)
    return topic if topic in get_answers() else None


def note_work(dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
              signals: Signals) -> List[EventType] | None:
    """A message the NLU could not place that only tells the worker's work ("sa nelayan bagan di bungkutoko. istri sa
    suruh daftar bpjs tk"): noted as action_inform notes a statement, with what that work pays, never "belum paham".
    None for any other message."""
    facts = silent_facts(tracker, text, signals) if not signals.question else {}
    if not facts.get("occupation"):
        return None
    if work_topic(facts["occupation"]):
        return answer_topic(dispatcher, tracker, work_topic(facts["occupation"]), signals)
    say(dispatcher, "facts_noted", changes=", ".join(describe(k, v) for k, v in facts.items()))
    send_occupation_line(dispatcher, facts["occupation"], facts.get("income"))
    return [SlotSet(k, v) for k, v in facts.items()]


def send_occupation_line(dispatcher: CollectingDispatcher, occupation: Any, income: Any) -> bool:
    """What the work just told pays (lingkar/wage_figures.occupation_line), which makes the contribution the topic
    under discussion ("sy ojol, iuran sy 8.400" then "sampai kapan harganya begitu?"). True when sent."""
    on = clock.today()
    line = occupation_line(occupation, income, on)
    if not line:
        return False
    dispatcher.utter_message(text=line)
    category = calculator.worker_for(str(occupation)).category if calculator.is_known_occupation(str(occupation)) \
        else None
    topic = CATEGORY_TOPICS.get(category or "")
    if topic in get_answers():
        keep_topic(dispatcher, topic, on)
    return True


#: The contribution topic of each kind of worker: what a line of what that work pays makes the topic under discussion.
CATEGORY_TOPICS = {"BPU": "ask_contribution_bpu", "PU": "ask_contribution_pu"}


#: "Can someone like me join?" ("apa org kyk sy bs dilindungi bpjs tk?", "sa perlu daftar juga kah?").
JOIN_QUESTION = re.compile(r"\b(bisa|bs|boleh|blh|bole|dapat|dpt|perlu|wajib|harus|hrs)(ji|mi|pi|kah)?\b[^?.!]{0,40}?"
                            r"\b(ikut\w*|daftar\w*|dilindungi|terlindungi|masuk|peserta)\b|"
                            r"\b(ikut|daftar)\b[^?.!]{0,20}?\b(bisa|bs|boleh|blh)\b|"
                            # "Wajib kah?", "perlu ji kah sa?": must such a worker join (the work is named before)
                            r"\b(wajib|harus|hrs|perlu)\s*(ji\s*|mi\s*)?(kah|ka|kh)\b|\b(wajibkah|haruskah|perlukah)\b|"
                            # "adaji kah bpjs tk buat nelayan?": is there one for such work
                            r"\b(ada|adaji|adakah)\b[^?.!]{0,12}?\b(bpjs|jaminan|perlindungan|program)\b[^?.!]{0,20}?"
                            r"\b(buat|untuk|utk|bagi)\b", re.I)
#: Topics whose answer is followed by what the work the message names pays (lingkar/wage_figures.occupation_line).
OCCUPATION_TOPICS = frozenset({"ask_who_can_join", "ask_register"})


def join_topic(text: str, known_occupation: Any = None) -> str | None:
    """Who may join, for a message the NLU could not place that names the worker's work (or whose work the
    conversation knows) and asks whether such a worker may or must join ("sy nelayan pake perahu sendiri ... apa org
    kyk sy bs dilindungi?")."""
    if not JOIN_QUESTION.search(text or ""):
        return None
    known = bool(known_occupation) and calculator.is_known_occupation(str(known_occupation))
    return "ask_who_can_join" if known or occupation_in(text) is not None else None


#: A cost question this short the NLU could not place asks the cost, whatever topic its other words lean to.
SHORT_COST_WORDS = 12
#: "JKM itu apa lagi kah? Sa tra tau mi.": what a programme is; "bedanya apa?": how two differ.
_WHAT_IS = re.compile(r"\b(apa itu|itu apa|apa sih|apa lagi|apaan|apa ya|maksudnya|artinya|arti|kepanjangan\w*|"
                      r"singkatan\w*|tra tau|tra tahu|tidak tahu|tdk tau|tdk tahu|gak tau|ga tau|nda tau|belum tahu|"
                      r"blm tau|apa kah itu|apakah itu|itu apakah)\b", re.I)
_DIFFERENCE = re.compile(r"\b(beda\w*|berbeda|perbedaan\w*|bedakan|sama saja|sama ji|samakah|sama kah)\b", re.I)


def programme_question_topic(text: str) -> str | None:
    """The programme a message the NLU could not place asks about by name: what it is (one programme named with
    "itu apa", "tra tau") or how two differ ("JHT, JP, bedanya apa?": JHT's answer tells it from JP's pension)."""
    named = list(dict.fromkeys(_PROGRAMME_OF.get(p, p) for p in _PROGRAMMES.findall((text or "").lower())))
    if len(named) == 1 and _WHAT_IS.search(text or ""):
        return f"ask_{named[0]}"
    if len(named) == 2 and _DIFFERENCE.search(text or ""):
        return "ask_jht" if set(named) == {"jht", "jp"} else "ask_programs"
    return None


_PHK = re.compile(r"\b(phk|di-?phk|kena phk|dipecat|diberhentikan|pemutusan hubungan kerja|dirumahkan)\b|"
                  # the workplace gone ("pabrik es tempat sa kerja tutup tiba2, bos kabur")
                  r"\b(pabrik|perusahaan|toko|kantor|tempat (?:sa|sy|saya) kerja)\b[^.?!]{0,30}\b(tutup|bangkrut|"
                  r"gulung tikar)\b", re.I)
_JHT_NAMED = re.compile(r"\b(jht|hari tua|saldo|tabungan)\b", re.I)


def phk_benefit_topic(text: str) -> str | None:
    """"Ko bilang BPJS TK bisa bantu kalau orang di-PHK, brapa dorang kasi?": what a laid-off worker gets is JKP's
    cash benefit, unless the message names the JHT balance."""
    if _PHK.search(text or "") and (_HOW_MUCH.search(text or "") or _GETS_WHAT.search(text or "")) \
            and not _JHT_NAMED.search(text or ""):
        return "ask_jkp"
    return None


#: The worker's own lost job told ("sy kena PHK dari pabrik smelter di Konawe, kerja 3 thn").
_OWN_PHK = re.compile(r"\b(sy|saya|sa|aku|sya)\s+(\w+\s+)?(kena\s+phk|di-?phk|di\s+phk|dipecat|"
                      r"diberhentikan|dirumahkan|ter-?phk)\b|^\s*(kena\s+phk|di-?phk|dipecat)\b", re.I)


#: Months left unpaid told ("iuran bpu sy tdk dibayar 4 bulan", "sdh 3 bln blm bayar iuran").
_UNPAID_MONTHS = re.compile(r"\b(tdk|tidak|belum|blm|tra|nda|ga|gak|tida)\s+(di)?bayar\w*\s+(sudah\s+|sdh\s+)?"
                            r"(\d+|dua|tiga|empat|lima|enam)\s+(bulan|bln)\b|\b(\d+|dua|tiga|empat|lima|enam)\s+"
                            r"(bulan|bln)\s+(tdk|tidak|belum|blm|tra|nda|ga|gak)\s+(di)?bayar\w*", re.I)


#: A clause that only says the worker wants to join ("mau ikut BPJS TK mandiri", "sy mo gabung jg").
_JOIN_WISH_CLAUSE = re.compile(r"^\W*(?:(?:sa|sy|saya|aku|kami)\s+)?(?:mau|mo|ingin|pengen|mw|berminat)\s+"
                               r"(?:ikut|gabung|bergabung|jadi peserta|menjadi peserta|masuk)(?:\s+(?:bpjs|bpjs\s*tk|"
                               r"bpjamsostek|mandiri|juga|jg|program\w*|sbg\s+peserta|sebagai\s+peserta|bpu|"
                               r"ketenagakerjaan|tk))*\W*$", re.I)


def situation_topic(text: str) -> str | None:
    """The topic of a situation the worker tells without asking: their own lay-off is JKP's (unless the JHT balance
    is named), a self-description ending in the wish to register is how to register, months left unpaid are the late
    payment's."""
    if _OWN_PHK.search(text or "") and not _JHT_NAMED.search(text or ""):
        return "ask_jkp"
    clauses = [c for c in re.split(r"[,.;!\n]+", text or "") if c.strip()]
    if len(clauses) > 1 and (registers_now(clauses[-1]) or _JOIN_WISH_CLAUSE.match(clauses[-1])):
        return "ask_register"  # "tabe, sa petani cengkeh di Kolaka, mo daftar bpjs tk": how to register
    # ("gaji sy tdk dibayar 2 bulan" is withheld wages, the labour office's)
    return "ask_late_payment" if _UNPAID_MONTHS.search(text or "") and not _WAGED.search(text or "") else None


#: "sy dapat apa saja?", "hak sy apa?": what the worker is owed
_GETS_WHAT = re.compile(r"\b(dapat|dpt|dapet|terima|peroleh)\s+(apa|ap)(?:2|-apa)?\b|\bhak\w*\s+(sy|saya|sa|aku|apa)\b",
                        re.I)


#: "ada dendanya?": a fine for paying late (an employer's sanction is asked with its own words)
_FINE = re.compile(r"\b(denda\w*|didenda)\b", re.I)
_EMPLOYER_WORDS = re.compile(r"\b(perusahaan|pemberi kerja|karyawan|pegawai|majikan|bos|sanksi|tidak mendaftarkan|"
                             r"tdk mendaftarkan)\b", re.I)


def fine_topic(text: str) -> str | None:
    return "ask_late_payment" if _FINE.search(text or "") and not _EMPLOYER_WORDS.search(text or "") else None


#: "saya peserta juga?", "sa wajib ikut juga?": whether the worker, described in an earlier turn, is covered.
_SELF_JOIN = re.compile(r"\b(peserta|ikut|wajib|terdaftar|didaftarkan|dilindungi|ditanggung|termasuk)\b", re.I)
_SELF = re.compile(r"\b(saya|sy|sa|aku|sya|kami)\b", re.I)
_FOREIGN = re.compile(r"\b(wna|asing|tka|expat|ekspat|tiongkok|filipina|(dari|dr) (cina|china|korea|jepang|india|"
                      r"vietnam|thailand|taiwan))\b", re.I)


def foreign_worker_topic(text: str) -> str | None:
    """"Saya WNA dari Tiongkok, sudah 8 bulan kerja di smelter di Morosi", "sa orang Filipina kerja di tambang ...
    sa ikut kah?": who may join, with the foreign workers' rule (content/answers.yml detail ``foreign_workers``),
    rather than a note of the facts or "belum paham"."""
    detail = next((d for d in get_answers().details if d.name == "foreign_workers"), None)
    return "ask_who_can_join" if detail is not None and mentions(text or "", detail.words) else None


def own_join_topic(tracker: Tracker, text: str) -> str | None:
    """Who may join, for a short question whether the worker is covered too ("saya peserta juga?") after a turn
    that described their work or told they are a foreigner ("Saya WNA dari Tiongkok, sudah 8 bulan kerja di
    smelter")."""
    if len((text or "").split()) > FOLLOW_UP_MAX_WORDS or not _SELF_JOIN.search(text or "") \
            or not _SELF.search(text or ""):
        return None
    told = [t for _, t in itertools.islice(user_turns(tracker), 3)]
    return "ask_who_can_join" if any(_FOREIGN.search(t) or occupation_in(t) is not None for t in told) else None


#: "Sa mau sekali ikut BPJS TK ..., tapi malu mo bilang, uang sa pas-pasan sekali. Memang mahal kah?"
_WANTS_TO_JOIN = re.compile(r"\b(mau|ingin|pengen|pingin|mo|mau sekali|ingin sekali)\s+(sekali\s+)?(ikut|daftar|masuk|"
                            r"jadi peserta|didaftarkan)\b", re.I)
_COST_WORRY = re.compile(r"\b(mahal\w*|sanggup|mampu|pas-pasan|pas2an|paspasan|berat|cukup)\b", re.I)


#: "Sa takut kalau sa kenapa-kenapa, anak sa di kampung tra dapat apa-apa": a fear for oneself or one's family
_OWN_RISK_WORRY = re.compile(r"\b(kenapa[- ]?kenapa|kenapa2|apa[- ]?apa|apa2|celaka|sakit|kecelakaan|meninggal|mati|"
                             r"tua)\b", re.I)
#: the social-security subject of such a worry (not a harvest or a debt)
_PROTECTION_WORDS = re.compile(r"\b(bpjs|jaminan|jamsostek|asuransi|perlindungan|dilindungi|ikut|daftar|tanggung|"
                               r"menanggung|ditanggung)\b", re.I)


def joining_worry_topic(text: str, signals: Signals) -> str | None:
    """A worried worker who wants to join or fears the cost ("Sa penjahit kecil di Baubau, sebulan paling dapat 800
    ribu. Sa mau sekali ikut ... Memang mahal kah?"), or who names their work and fears for their family without
    asking anything ("Sa pembantu rumah tangga ... tra pernah bahas BPJS. Sa takut kalau sa kenapa-kenapa"), which
    the NLU could not place: what a self-employed worker pays (the cheapest amount, and that income's), or who may
    join for a wage earner. A worry about the cost of joining with no work named is the self-employed price: the
    worker means to pay it themselves."""
    occupation = occupation_in(text)
    cost = _COST_WORRY.search(text or "") or COST_QUESTION.search(text or "")
    if STAFF.search(text or "") or _ABROAD.search(text or ""):
        return None  # an employer's staff is theirs to register; abroad is the migrant workers' answer
    if occupation is None:
        return "ask_contribution_bpu" if cost and _WANTS_TO_JOIN.search(text or "") and not NO_FIXED_WAGE.search(
            text or "") and signals.feeling else None
    worry = signals.feeling == "distress" and _OWN_RISK_WORRY.search(text or "") \
        and _PROTECTION_WORDS.search(text or "")
    if not (cost or worry) or not (_WANTS_TO_JOIN.search(text or "") or signals.feeling or signals.question):
        # a wish to join that asks how or where (not the price) is the registration's question
        return None
    return "ask_contribution_bpu" if occupation.category == "BPU" else "ask_who_can_join"


def no_wage_topic(text: str) -> str | None:
    """"tdk ada gaji tetap, pnghasilan sy cm 800rb, bs daftar? hrs pakai UMP?": with no employer's wage the worker
    joins as self-employed, so the answer is how that contribution is counted (whatever the NLU's nearest guess)."""
    if NO_FIXED_WAGE.search(text or "") and (JOIN_QUESTION.search(text or "") or COST_QUESTION.search(text or "")):
        return "ask_contribution_bpu"
    return None


#: A topic the NLU ranked below "inform" is answered when it has at least this confidence and the message asks.
QUESTION_TOPIC_MIN = 0.1
#: Ranked below check_eligibility, a topic question needs at least this confidence to be answered instead of the
#: check starting (the check's own neighbours, joining and cost, never count: they are what the check answers).
CHECK_TOPIC_MIN = 0.15
CHECK_LIKE = frozenset({"check_eligibility", "inform", "ask_who_can_join", "ask_contribution_bpu",
                        "ask_contribution_pu", "ask_discount", "ask_register", "ask_documents", "ask_payment",
                        "ask_programs", "cannot_afford", "request_contact", FALLBACK_INTENT})
#: A message of at least this many words that the NLU hesitates over gets the best topic's answer rather than
#: "maksudnya…?": a long story names its subject many times over, and a wrong guess costs no more than a question.
LONG_MESSAGE_WORDS = 8
LONG_MESSAGE_MIN = 0.25


#: A question asked in so many words (a question mark or a question word, not "ada" or "bisa" alone, which also tell).
_ASKING = re.compile(r"\?|\b(apa|apakah|bagaimana|bgmn|gimana|gmn|berapa\w*|brp|brapa\w*|kapan|kpn|kenapa|mengapa|knp|"
                     r"dimana|di mana|dmn|kemana|ke mana|siapa|kah|ka|ji|bisakah|bolehkah|adakah|caranya|gmna)\b",
                     re.I)


def question_topic(tracker: Tracker, answers: Answers, signals: Signals) -> str | None:
    """The question inside a self-description ("sy petani umur 44 ... apakah ada uang pengganti penghasilan?"),
    read as ``inform``: the best-ranked topic after it, or the claim a grieving or injured worker asks about."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    if text.startswith("/") or not signals.question or not _ASKING.search(text):
        return None  # "sy ada kebun jambu mete di Muna": "ada" alone asks nothing
    named = named_topic(FALLBACK_INTENT, question_part(text))
    if named in answers:  # "jam berapa 175 buka?": the sentence that asks names its topic
        return named
    if len(text.split()) >= 5:
        for r in latest.get("intent_ranking") or []:
            name = r.get("name")
            if name in ("inform", "check_eligibility", FALLBACK_INTENT) or not answers.clarifiable(name or "") \
                    or not ranked_topic_allowed(name, text):
                continue
            if float(r.get("confidence") or 0.0) >= QUESTION_TOPIC_MIN:
                return name
            break
    return topic_for_unclear(tracker, answers, signals)


#: Working abroad named ("luar negri", "berangkat ke Sarawak"): a migrant worker's question.
_ABROAD_WORDS = re.compile(r"\b(luar negeri|luar negri|negeri orang|malaysia|malaisya|sarawak|sabah|kuala|johor|taiwan|"
                           r"hong ?kong|arab|saudi|korea|jepang|singapura|brunei|penempatan|pmi|tki|tkw|migran\w*|"
                           r"berangkat|merantau|p3mi|bp2mi|cpmi|abk)\b", re.I)


def unplaced_follow_up(tracker: Tracker, answers: Answers, text: str, signals: Signals) -> str | None:
    """A short question the NLU could not place ("tugasnya apa saja?" after the agent answer, "kenapa ada dua
    harga?" after the contribution), in a conversation with a topic under discussion and nothing of another office,
    BPJS Kesehatan or a scam: that topic again, as its follow-up, rather than "maksudnya?". None otherwise."""
    previous = previous_topic(tracker, answers)
    if not previous or previous in SMALL_TALK or previous not in answers or (text or "").startswith("/"):
        return None
    if not signals.question or len((text or "").split()) > FOLLOW_UP_MAX_WORDS or signals.referral or signals.scam \
            or signals.others_data or _HEALTH_AGENCY.search(text or ""):
        return None
    return previous


#: How far down the NLU's ranking the topic under discussion may be, and how sure it must be there, for a message that
#: tells nothing to note to count as its follow-up.
CONTEXT_RANKS = 3
CONTEXT_MIN = 0.05


def ranked_previous_topic(tracker: Tracker, answers: Answers) -> str | None:
    """The topic under discussion for a message that tells nothing to note and names no topic ("kalau sampai 4
    bulan?" after late payment, read as a fact), when the NLU ranked that topic, or one of its family, among its
    first guesses. None otherwise."""
    previous = previous_topic(tracker, answers)
    if not previous:
        return None
    ranking = [r for r in (tracker.latest_message or {}).get("intent_ranking") or []
               if r.get("name") not in ("inform", "check_eligibility", FALLBACK_INTENT)][:CONTEXT_RANKS]
    family = _family(previous)
    near = any(float(r.get("confidence") or 0.0) >= CONTEXT_MIN
               and (r.get("name") == previous or (family and _family(r.get("name")) == family)) for r in ranking)
    return previous if near else None


def next_ranked_topic(tracker: Tracker, answers: Answers, skip: Iterable[str] = (), minimum: float = 0.0) -> str | None:
    """The best topic the NLU ranked for the latest message, other than ``skip``, the check, facts and the fallback,
    that may answer it (:func:`ranked_topic_allowed`) and was ranked at ``minimum`` or more; None when there is none."""
    text = (tracker.latest_message or {}).get("text") or ""
    skipped = set(skip) | {"check_eligibility", "inform", FALLBACK_INTENT}
    return next((r["name"] for r in (tracker.latest_message or {}).get("intent_ranking") or []
                 if r.get("name") not in skipped and answers.clarifiable(r.get("name") or "")
                 and ranked_topic_allowed(r.get("name"), text) and float(r.get("confidence") or 0.0) >= minimum),
                None)


def ranked_topic_allowed(name: str | None, text: str) -> bool:
    """A topic the NLU ranked below the first may answer a long message only when the message has the words it
    needs (content/signals.yml ``requires``) and, for migrant workers' cover, a word of working abroad ("sa guru
    honorer di SD negeri di Muna ... bisa ikut?" is a teacher at home)."""
    return topic_allowed(name, text) and (name != "ask_migrant" or bool(_ABROAD_WORDS.search(text or "")))


def unplaced_wage_topic(tracker: Tracker, answers: Answers, text: str) -> str | None:
    """A question the NLU could not place that names a wage and asks how much ("itu dapat berapa kira-kira? dia
    daftar penghasilan 1 juta" after a fisher's death at sea): :func:`wage_question_topic`'s answer, except that a
    death's claim stays the heirs' (its work-accident line gives the wage's 48 times)."""
    topic = wage_question_topic(tracker, text)
    previous = previous_topic(tracker, answers)
    return previous if topic and DEATH_BY_WAGE.get(previous or "") == topic else topic


def topic_over_check(tracker: Tracker, answers: Answers, signals: Signals) -> str | None:
    """The question inside a message read as check_eligibility ("sy petani umur 44 ... tangan sy patah, ada uang
    pengganti penghasilan?"): a specific topic ranked close enough, or the claim of a grieving or injured worker."""
    latest = tracker.latest_message or {}
    if (latest.get("text") or "").startswith("/"):
        return None
    for r in latest.get("intent_ranking") or [] if signals.question else []:
        name = r.get("name")
        if name in CHECK_LIKE or not answers.clarifiable(name or "") \
                or not ranked_topic_allowed(name, latest.get("text") or ""):
            continue
        if float(r.get("confidence") or 0.0) >= CHECK_TOPIC_MIN:
            return name
        break
    # "hari ini sy resmi di PHK ... gaji 4,5 jt ... dari BPJS TK sy dapat apa saja?": what the layoff pays
    return (phk_benefit_topic(latest.get("text") or "") if signals.question else None) \
        or claim_for_feeling(signals, latest.get("text") or "")


def long_message_topic(tracker: Tracker, answers: Answers, signals: Signals) -> str | None:
    """The best topic of a long message the NLU hesitated over (a self-description's check gives way to the
    question it asks), or None for a short one."""
    latest = tracker.latest_message or {}
    text = latest.get("text") or ""
    if len(text.split()) < LONG_MESSAGE_WORDS:
        return None
    ranking = [r for r in latest.get("intent_ranking") or []
               if r.get("name") != FALLBACK_INTENT and answers.clarifiable(r.get("name") or "")
               and (r.get("name") != "ask_migrant" or _ABROAD_WORDS.search(text))]
    ranking.sort(key=lambda r: -float(r.get("confidence") or 0.0))
    if not ranking or float(ranking[0].get("confidence") or 0.0) < LONG_MESSAGE_MIN:
        return None
    if ranking[0].get("name") == "check_eligibility":
        return topic_over_check(tracker, answers, signals)
    if ranking[0].get("name") in SPONSOR_TOPICS and _CASH_WORDS.search(text) and not _SPONSOR_WORDS.search(text):
        # "dulu sblm berangkat sy bayar bpjs tk, skrg bs cair kah?": getting one's money back, not paying for others
        return None
    return ranking[0].get("name")


#: Words of paying for other people's cover (a company's CSR, a village's funds, a donor).
_SPONSOR_WORDS = re.compile(r"\b(csr|lingkaran|gn|sertakan|berjasa|donatur|donasi|sponsor\w*|membayari|bayarkan|"
                            r"bayari|dibayari|dana desa|apbd\w*|warga|pekerja rentan|nelayan sekitar|mereka)\b", re.I)


#: Between these and the check alone, the NLU's doubt is no question worth asking: the contribution answer is given.
COST_OVER_CHECK = ("ask_contribution_bpu", "ask_contribution_pu")


#: The NLU's next guess for a request closed by thanks is taken from this confidence on (below it, the thanks).
THANKED_REQUEST_MIN = 0.1


#: Offers a plain "yes" accepts ("Mau saya cek juga ...?" → "iya"): the payload of the offer's first button.
ACCEPTABLE_OFFERS = frozenset({"/check_eligibility", "/request_contact", "/human_handoff"})
#: A "yes" that accepts an offer is short ("iya boleh", "ya cek"); a longer one says more than yes.
ACCEPT_MAX_WORDS = 5


def accepted_offer(tracker: Tracker) -> str | None:
    """The payload of the offer a worker says yes to: the bot's last message asked a question whose first button is
    one of :data:`ACCEPTABLE_OFFERS` ("Mau saya cek juga program dan iuran ...? [Cek iuran saya]") in its last turn,
    and the worker answered with a short "yes". None otherwise (no such offer in that turn, or the yes asks)."""
    latest = tracker.latest_message or {}
    text = str(latest.get("text") or "")
    if _latest_intent(tracker) != "affirm" or len(text.split()) > ACCEPT_MAX_WORDS or "?" in text:
        return None
    for event in last_turn_bot_events(tracker):
        buttons = (event.get("data") or {}).get("buttons") or []
        payload = str(buttons[0].get("payload") or "") if buttons else ""
        if "?" in str(event.get("text") or "") and payload in ACCEPTABLE_OFFERS:
            return payload  # the latest offer of the bot's last turn ("dari mana Anda tahu?" may follow it)
    return None


def as_pressed(tracker: Tracker, payload: str) -> List[EventType]:
    """The latest message replaced by the button ``payload`` ("iya" → "/check_eligibility"), so that the rules run
    as if the worker had pressed it."""
    intent = payload.lstrip("/")
    parse = {"text": payload, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
             "intent_ranking": [{"name": intent, "confidence": 1.0}]}
    event = UserUttered(payload, parse, input_channel=tracker.get_latest_input_channel())
    meta = (tracker.latest_message or {}).get("metadata")
    if meta:
        event["metadata"] = meta
    # the revert also removes the listen before the message (rasa's two-stage fallback does the same)
    return [UserUtteranceReverted(), ActionExecuted("action_listen"), event]


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)  # "dari teman" right after "Dari mana ...?"
        if answered is not None:
            return answered
        if asks_for_more(tracker):  # "lebih lengkap": the rest of the last answer (actions/more.py)
            return send_more(dispatcher, tracker)
        accepted = accepted_offer(tracker)
        if accepted:  # "iya" to "Mau saya cek juga ...? [Cek iuran saya]": as if the button was pressed
            return as_pressed(tracker, accepted)
        if others_follow_up(tracker):  # the NIK sent after "I cannot check someone else's data": refused again
            refuse_others_data(dispatcher)
            return []
        deleting = deletion_asked(tracker)
        if deleting:
            return deleting
        if send_intro_reply(dispatcher, tracker):  # "Selamat pagi, saya staf Disnakertrans ...": welcome, no guess
            return []
        answers = get_answers()
        intent = _latest_intent(tracker)
        on = clock.today()
        return_salam(dispatcher, tracker)
        if send_scam_money_help(dispatcher, tracker):  # "sy sudah terlanjur transfer" after the warning
            return []
        if not turn_signals(tracker).scam and send_deferral(dispatcher, tracker):
            return []
        if scam_follow_up(tracker):  # "aman kah?" right after the warning: the warning again, not a topic
            send_scam_warning(dispatcher, answers, on, tracker)
            return []
        if intent == "deny" and not tracker.active_loop_name and turn_signals(tracker).privacy:
            # "sy gk mau kasih NIK lwt chat, takut bocor": not a plain "no", but a worry; what the data is for here,
            # and where a NIK is given safely
            say(dispatcher, "privacy_answer")
            say(dispatcher, "nik_elsewhere")
            return []
        if send_regulations(dispatcher, answers, (tracker.latest_message or {}).get("text") or "", on,
                            asked_only=True):
            return []  # "Permenaker 5 itu yang mana?": what each regulation of that name governs
        if intent not in answers:
            logger.warning("action_answer: no answer for intent %r; showing the help text", intent)
            _send(dispatcher, answers.render_snippet("clarify_help", on))
            return []
        text = (tracker.latest_message or {}).get("text") or ""
        if intent in ("deny", "affirm") and "?" in text and len(text.split()) > YES_NO_WORDS:
            # "kalau nanti tangan sy tdk bisa pulih total?" read as a "no": a question, read as the NLU could not
            # place it (the topic under discussion, an accident's consequence)
            unclear = topic_for_unclear(tracker, answers, turn_signals(tracker)) \
                or next_ranked_topic(tracker, answers, SMALL_TALK, YES_NO_TOPIC_MIN)
            intent = unclear if unclear in answers else intent
        if intent == "thank" and not THANKS.search(text) and ASKS.search(text):
            # "ibu sy masih bisa terima?" read as thanks for its "terima": the topic under discussion, or the NLU's
            # next guess
            intent = previous_topic(tracker, answers) or next(
                (r["name"] for r in (tracker.latest_message or {}).get("intent_ranking") or []
                 if r.get("name") not in SMALL_TALK and r.get("name") in answers), intent)
        if intent == "thank" and request_with_thanks(text):
            # "Mohon penjelasan batas upah ... Terima kasih.": the request, read by the NLU's next guess
            intent = next((r["name"] for r in (tracker.latest_message or {}).get("intent_ranking") or []
                           if r.get("name") not in SMALL_TALK and r.get("name") in answers
                           and float(r.get("confidence") or 0.0) >= THANKED_REQUEST_MIN), intent)
        if intent not in SMALL_TALK and thanks_and_plan(text):
            intent = "thank"  # "oke makasih pak, nanti sy daftar sendiri lwt hp": thanks and a plan, not a question
        elif (intent not in SMALL_TALK or intent == "goodbye") and postpones(text):
            intent = "deny"  # "nanti saja dulu, bukan mau daftar skrg, tanya2 dulu ji": no offence taken, no goodbye
        intent = paying_ahead(migrant_cost(tracker, intent, text), text)
        confidence = float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 1.0)
        previous = previous_topic(tracker, answers)
        asked = FALLBACK_INTENT if intent == "menu" and (not _MENU_WORDS.search(text) or _ITS_LIST.search(text)) \
            else intent
        context = None
        if asked == FALLBACK_INTENT and intent == "menu":  # "tugasnya apa saja?" read as the menu after a topic
            context = unplaced_follow_up(tracker, answers, text, turn_signals(tracker))
        elif (intent == "out_of_scope" and not turn_signals(tracker).referral) or (
                intent in GENERAL_TOPICS and confidence < CONTEXT_OVER_GENERAL
                and len(text.split()) <= FOLLOW_UP_MAX_WORDS):
            # "kenapa ada dua harga?" after the contribution read as out of scope, "apa sy jadi pegawai bpjs tk?"
            # after the agent answer read, unsure, as the programmes: the topic under discussion when the NLU ranked
            # it close behind
            context = ranked_previous_topic(tracker, answers)
        # "sy mau urus klaim" after a father's death, read as the JKK claim: the claim of the programme under discussion
        context = context or claim_of_previous(tracker, answers, asked, text)
        followed = claim_documents_topic(tracker, asked, text) \
            or partial_while_working_topic(tracker, text) or jp_years_topic(tracker, text) \
            or death_statement_topic(tracker, asked, text, confidence) \
            or follow_up_topic(asked, text, previous, confidence) \
            or detail_follow_up(answers, asked, text, previous, confidence) or context
        if context and followed != context and intent in CLAIM_TOPICS and context in CLAIM_TOPICS:
            followed = context  # (the claim under discussion over another programme's claim)
        if (followed or intent) in SPONSOR_MISREAD and sponsor_message(text, tracker) and "ask_gn_lingkaran" in answers:
            # "Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD. Berapa per orang per bulan?" read as JP:
            # the sponsor's programme and its sum
            followed = None
            intent = "ask_gn_lingkaran"
        events = answer_topic(dispatcher, tracker, followed or intent, follow_up=bool(followed))
        if intent == "menu" and not context:  # "Langganan info" once per conversation, never to a subscriber
            return events + await offer_subscription(dispatcher, tracker)
        # "Dari mana Anda tahu Lingkar?" once, after the first answer (actions/source.py)
        return events + ask_source_after_answer(dispatcher, tracker)


#: Words of BPJS Ketenagakerjaan itself: a message with another office's question and one of these asks us too.
OUR_WORDS = re.compile(r"\b(bpjs\w*|jamsostek|bpjamsostek|jht|jkk|jkm|jp|jkp|bsu|subsidi|iuran\w*|klaim\w*|peserta|"
                       r"kepesertaan|jmo|175|jaminan\w*|santunan\w*|agen|perisai|lingkaran|pensiun|beasiswa|"
                       r"kecelakaan kerja)\b", re.I)
#: A "ya"/"tidak" longer than this with a question mark is a question, not an answer.
YES_NO_WORDS = 4
#: ... and how sure the NLU must be of the topic it ranked next for that question to get it.
YES_NO_TOPIC_MIN = 0.03
#: Other offices' questions that are the whole subject of a message they appear in (a loan, a forged letter, a
#: campaign): an unclear message with one gets that office alone, no guess at our topics. A PNS employer or a
#: child's fever in a story are asides.
WHOLE_REFERRALS = frozenset({"loan", "forgery", "politics", "investment", "private_insurance", "driving_licence",
                             "civil_service", "police", "jobs_here", "minimum_wage", "vehicle_tax", "chatter",
                             "land_tax", "weather", "job_search", "hajj", "debt", "fisheries",
                             "domestic_violence", "bank", "land", "electricity", "social_aid", "prakerja", "passport",
                             "tapera", "job_seeker_card", "civil_registry"})


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)
        if answered is not None:
            return answered
        if asks_for_more(tracker):
            return send_more(dispatcher, tracker)
        if others_follow_up(tracker):
            refuse_others_data(dispatcher)
            return []
        if send_scam_money_help(dispatcher, tracker):  # "bisa uangnya kembali?" after the warning
            return []
        deleting = deletion_asked(tracker)
        if deleting:
            return deleting
        if send_intro_reply(dispatcher, tracker):
            return []
        answers = get_answers()
        signals = turn_signals(tracker)
        return_salam(dispatcher, tracker)
        if not signals.scam and contract_follow_up(dispatcher, tracker):
            return []  # "Kontrak suami saya diperpanjang 6 bulan lagi, iurannya tambah?" after the PMI answer
        if signals.scam or scam_follow_up(tracker):
            feeling_first(dispatcher, answers, signals, None, clock.today())
            send_scam_warning(dispatcher, answers, clock.today(), tracker)
            asked = named_topic(FALLBACK_INTENT, question_part((tracker.latest_message or {}).get("text") or ""))
            if asked in SCAM_THEN_ANSWER and asked in answers:
                # "Tetangga sa pernah tertipu ... Bagaimana cara bayar iuran yang aman dan resmi?": the real channels
                return answer_topic(dispatcher, tracker, asked,
                                    dataclasses.replace(signals, scam=False, feeling=None, also=None))
            return []
        text = (tracker.latest_message or {}).get("text") or ""
        if postpones(text):  # "eh tdk jadi, bukan mau daftar, sy cuma mau tanya utk adik sy": no offence taken
            _send(dispatcher, answers.render_split("deny", clock.today()).short)
            return []
        if thanks_and_plan(text):  # "ok nanti sy lapor ke pak desa. mksh": thanks and a plan, not a question
            _send(dispatcher, answers.render_split("thank", clock.today()).short)
            return []
        if plan_said(text):  # "oh begitu, nanti sa tanya di kantor desa": a plan, no question
            _send(dispatcher, answers.render_split("affirm", clock.today()).short)
            return []
        if registers_now(text) and "ask_register" in answers:  # "Ya sudah, sa mau daftar sekarang.": how to
            return answer_topic(dispatcher, tracker, "ask_register", signals)
        if send_regulations(dispatcher, answers, text, clock.today(), asked_only=True):
            return []  # "Permenaker 5 itu yang mana?" unplaced by the NLU: what each regulation of that name governs
        if send_month_price(dispatcher, tracker, text):
            keep_topic(dispatcher, "ask_contribution_bpu", clock.today())  # "kalau januari?" after the contribution
            return []
        followed = detail_follow_up(answers, FALLBACK_INTENT, text, previous_topic(tracker, answers))
        if followed:
            return answer_topic(dispatcher, tracker, followed, signals, follow_up=True)
        if asks_member_data(text) and (sponsor_context(tracker) or others_data_after_sponsor(tracker, text)):
            return answer_topic(dispatcher, tracker, "ask_gn_lingkaran", signals)  # "Data apa yg perlu disiapkan?"
        if send_count_line(dispatcher, count_topic_before(tracker), text, tracker):
            return []  # "rencananya 60 orang untuk 12 bulan, total brp?" after GN Lingkaran
        if sponsor_context(tracker) and _COST_ASKED.search(text) and "ask_gn_lingkaran" in answers \
                and not own_income_told(tracker, text):
            return answer_topic(dispatcher, tracker, "ask_gn_lingkaran", signals)  # "Biaya per orang per bulan?"
        if sponsor_message(text, tracker) and "ask_gn_lingkaran" in answers:  # "kami ada 15 guru ngaji, setahun?"
            return answer_topic(dispatcher, tracker, "ask_gn_lingkaran", signals)
        named = named_topic(FALLBACK_INTENT, text)  # a message the NLU could not place that names one topic
        named = "ask_contribution_bpu" if named == "ask_claim_jht" and adds_jht_cost(text) else named
        topic = None if signals.referral in WHOLE_REFERRALS and named not in answers else (
            # another office's question the NLU could not place ("sy mau pinjam uang 5 juta, bisa pakai kartu
            # BPJS TK sy sbg jaminan?"): that office, not a guess at one of our topics (below)
            partial_while_working_topic(tracker, text) or jp_years_topic(tracker, text)
            or programme_question_topic(text) or class_of_care_topic(text)
            or topic_for_unclear(tracker, answers, signals)
            or (foreign_worker_topic(text) if signals.question else None)
            # "itu dapat berapa kira-kira? dia daftar penghasilan 1 juta" after a death: what it pays on that wage
            or (named if named in answers else None)
            or unplaced_wage_topic(tracker, answers, text) or phk_benefit_topic(text) or fine_topic(text)
            or own_join_topic(tracker, text)
            or story_cost_topic(text) or no_wage_topic(text) or joining_worry_topic(text, signals)
            # "kalau saya bayar November sama Desember sekarang, berapa totalnya?": a short cost question is one
            or (cost_topic(text) if len(text.split()) <= SHORT_COST_WORDS and not _ABROAD.search(text) else None)
            or long_message_topic(tracker, answers, signals) or first_question_topic(tracker, answers)
            or cost_topic(text) or join_topic(text) or situation_topic(text))
        topic = paying_ahead(migrant_cost(tracker, topic, text), text)
        if topic:
            return answer_topic(dispatcher, tracker, topic, signals,
                                follow_up=topic == previous_topic(tracker, answers))
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        previous = previous_topic(tracker, answers)
        chosen = clarify_by_context([r["name"] for r in close_topics(ranking, answers)], previous, text)
        if chosen:  # the doubt is settled by the topic under discussion, or it is between two sides of one topic
            return answer_topic(dispatcher, tracker, chosen, signals, follow_up=chosen == previous)
        if cost_follow_up(dispatcher, tracker, text, [r["name"] for r in close_topics(ranking, answers)]):
            return []
        noted = note_work(dispatcher, tracker, text, signals)
        if noted is not None:
            return noted
        close = {r["name"] for r in close_topics(ranking, answers)}
        cost = next((t for t in COST_OVER_CHECK if t in close), None)
        if cost and "check_eligibility" in close and len(close) == 2:
            # "the check" or "the contribution": both say what the worker pays; the answer offers the check
            return answer_topic(dispatcher, tracker, cost, signals)
        felt = next((r["name"] for r in close_topics(ranking, answers) if r["name"] not in CHECK_LIKE
                     and ranked_topic_allowed(r["name"], text)), None) if signals.feeling else None
        if felt:
            # "sa malu mo tanya langsung, takut dipecat. ada cara kah supaya sa tetap terlindungi?": a worried worker
            # gets the likelier answer, not "maksudnya yang mana?"
            return answer_topic(dispatcher, tracker, felt, signals)
        feeling_first(dispatcher, answers, signals, None, clock.today())
        if signals.referral:  # another office's question ("sy blm urus paspor, bs dibantu?"): that office first
            _send(dispatcher, answers.render_snippet(f"referral_{signals.referral}"))
            if signals.referral in WHOLE_REFERRALS and not OUR_WORDS.search(text):
                return []  # "sy blm dapat bansos PKH bulan ini, tanya kemana?": that office alone, no "maksudnya?"
        if send_details(dispatcher, answers, None, text, clock.today()):
            # "teknisi dr Tiongkok, kontrak 8 bln, wajib jg?", "sdh sy kasih kodenya, gmn ini?": a detail needs both
            # its words and its subject's, so the fact it names is answered rather than "belum paham" or a guess
            return []
        followed = unplaced_follow_up(tracker, answers, text, signals)
        if followed:  # "tugasnya apa saja?" after the agent answer: that topic, not "maksudnya?"
            return answer_topic(dispatcher, tracker, followed, signals, follow_up=True)
        _send(dispatcher, clarify_message(ranking, answers))
        return []


class ActionDefaultFallback(Action):
    """Replaces Rasa's default fallback: say what the bot can help with, and forget the turn."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answered = await answer_source(dispatcher, tracker)
        if answered is not None:
            return answered
        if asks_for_more(tracker):
            return send_more(dispatcher, tracker) + [UserUtteranceReverted()]
        if others_follow_up(tracker):
            refuse_others_data(dispatcher)
            return [UserUtteranceReverted()]
        deleting = deletion_asked(tracker)
        if deleting:
            return deleting
        if send_intro_reply(dispatcher, tracker):  # "Selamat pagi, saya staf Disnakertrans Kabupaten Buton Tengah."
            return [UserUtteranceReverted()]
        answers = get_answers()
        signals = turn_signals(tracker)
        if signals.scam:
            feeling_first(dispatcher, answers, signals, None, clock.today())
            send_scam_warning(dispatcher, answers, clock.today(), tracker)
            return [UserUtteranceReverted()]
        if postpones((tracker.latest_message or {}).get("text") or ""):
            # "nanti saja dulu deh, bukan mau daftar skrg, tanya2 dulu ji": no offence taken, nothing to clarify
            _send(dispatcher, answers.render_split("deny", clock.today()).short)
            return [UserUtteranceReverted()]
        if send_regulations(dispatcher, answers, (tracker.latest_message or {}).get("text") or "", clock.today(),
                            asked_only=True):
            return [UserUtteranceReverted()]
        if send_prepay_line(dispatcher, tracker, "ask_payment", (tracker.latest_message or {}).get("text") or ""):
            # "kalau sa bayar 6 bulan sekaligus mulai desember ini totalnya berapa?" unplaced, at a check's question
            # too: those months' total for the work and income known
            return [UserUtteranceReverted()]
        followed = detail_follow_up(answers, FALLBACK_INTENT, (tracker.latest_message or {}).get("text") or "",
                                    previous_topic(tracker, answers))
        followed = followed or topic_for_unclear(tracker, answers, signals) \
            or join_topic((tracker.latest_message or {}).get("text") or "") \
            or situation_topic((tracker.latest_message or {}).get("text") or "")
        if followed:  # "brp bulan batasnya?" after late payment: that detail; "biaya rs nya?" after JKK: JKK
            answer_topic(dispatcher, tracker, followed, signals,
                         follow_up=followed == previous_topic(tracker, answers))
            return [UserUtteranceReverted()]
        if signals.feeling in ("grief", "accident"):
            topic = "ask_claim_jkm" if signals.feeling == "grief" else "ask_claim_jkk"
            answer_topic(dispatcher, tracker, topic, signals)
            return [UserUtteranceReverted()]
        text = (tracker.latest_message or {}).get("text") or ""
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        if cost_follow_up(dispatcher, tracker, text, [r["name"] for r in close_topics(ranking, answers)]):
            return [UserUtteranceReverted()]
        noted = note_work(dispatcher, tracker, text, signals)
        if noted is not None:  # the facts it tells are kept: the turn is not reverted
            return noted
        followed = unplaced_follow_up(tracker, answers, text, signals)
        if followed:  # "kalau 3 bulan tdk dapat peserta?" after the agent answer: that topic, not "belum paham"
            answer_topic(dispatcher, tracker, followed, signals, follow_up=True)
            return [UserUtteranceReverted()]
        if signals.referral:  # another office's question: that office, and what the bot can help with
            _send(dispatcher, answers.render_snippet(f"referral_{signals.referral}"))
        _send(dispatcher, answers.render_snippet("clarify_help"))
        return [UserUtteranceReverted()]


# ------------------------------------------------------------------------------------ handoff
def _previous_topic(tracker: Tracker) -> str | None:
    """The intent of the user turn before this one: what the worker wanted help with (no free text, so no
    personal data ends up in the handoff)."""
    return next((name for name in earlier_intents(tracker) if name not in (FALLBACK_INTENT, "human_handoff")), None)


class ActionHumanHandoff(Action):
    """Records the request in the action server's lead store (:func:`lingkar.store.provider.current`)."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        answers = get_answers()
        on = clock.today()
        feeling_first(dispatcher, answers, turn_signals(tracker), None, on)  # "sy kesal, mau bicara dgn petugas"
        _send(dispatcher, answers.render("human_handoff", on))
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        channel = str(metadata.get("channel") or tracker.get_latest_input_channel() or "unknown")
        referral = metadata.get("referral")
        try:
            store = await run_sync(current)
            handoff = await run_sync(store.record_handoff, tracker.sender_id, channel,
                                              str(referral) if referral else None, _previous_topic(tracker))
        except Exception as e:  # the worker already has the contacts; say nothing we cannot keep
            # only the type and first line: SQLAlchemy's message goes on with the statement and its parameters
            logger.error("action_human_handoff: could not record the request (%s)", error_summary(e))
            return []
        logger.info("handoff %s recorded (channel %s)", handoff.id, channel)
        _send(dispatcher, answers.render_snippet("handoff_recorded", on))
        return []


#: "kalau kontraknya cuma setahun?" read as asking for more of the PMI answer: that contract's total instead.
MORE_FOLLOW_UPS.append(contract_follow_up)
