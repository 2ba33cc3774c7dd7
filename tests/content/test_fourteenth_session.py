"""Issue 12, fourteenth session: BPJS Kesehatan's own call centre, a feeling that opens a sentence, old-age savings
asked of by name, a disability asked after an accident, adding JHT asked as "pakai JHT", other offices (weather,
pilgrimage, theft, family card, withheld wages), the details of a rejected claim, a forgotten card number, a pause in
paying, a pension for children and an agent's income asked as follow-ups. Real actions on Tracker fixtures, real
content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import (
    SCAM_KEY,
    ActionAnswer,
    ActionClarify,
    adds_jht_cost,
    detail_follow_up,
    follow_up_topic,
    settle_topic,
    situation_topic,
)
from actions.leads import ActionOfferSponsorship
from lingkar.facts import get_facts
from lingkar.signals import named_topic, read_signals
from lingkar.texts import get_answers

from .test_context import bot_answer, run, texts, tracker, user

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def _fact(key: str) -> str:
    return str(get_facts().value(key, TODAY))


def _after(latest: dict, *turns) -> tracker:
    """A tracker whose earlier turns are (user parse data, bot event), oldest first."""
    t = tracker(latest)
    events = []
    for parse, bot in turns:
        events += [{"event": "user", "text": parse["text"], "parse_data": parse}, bot]
    t.events[:0] = events
    return t


def _details(topic: str, text: str):
    return [d.name for d in get_answers().details_for(topic, text) if topic in d.topics]


# ------------------------------------------------------------------------------ BPJS Kesehatan's channels
async def test_a_bpjs_kesehatan_question_gets_its_call_centre_and_mobile_jkn():
    said = texts((await run(ActionAnswer(), tracker(user("ask_health", "nomor call center BPJS Kesehatan brp?"))))[0])
    assert _fact("contact.health_call_centre") in said and "Mobile JKN" in said
    assert "Rp16.800" not in said


# ------------------------------------------------------------------------------ feelings
@pytest.mark.parametrize("text,feeling", [
    ("sy sdh 45 thn, jualan bakso. takut tua nanti ga punya apa2. ada tabungan hari tua utk pedagang?", "distress"),
    ("malu sy mau tanya, sy cuma tukang sapu pasar. bisa ikut bpjs tk kah?", "shame"),
    ("Kecewa sy sama pelayanan kantor cabang", "anger"),
    ("iuran bpu brp sebulan?", None),
    ("Kenapa JHT sy cuma 3 jt?", None),
])
def test_a_feeling_that_opens_a_sentence_is_the_writers_own(text, feeling):
    assert read_signals(text).feeling == feeling


# ------------------------------------------------------------------------------ topics by their own words
def test_old_age_savings_asked_of_as_something_to_join_are_jht():
    assert named_topic("nlu_fallback", "bpjs tk ada tabungan hari tua utk pedagang?") == "ask_jht"
    # the worker's own savings asked back stay the claim
    assert named_topic("nlu_fallback", "tabungan hari tua sy bisa diambil?") == "ask_claim_jht"


def test_a_disability_after_an_accident_is_jkk_not_the_death_benefit():
    answers = get_answers()
    t = tracker(user("ask_jkm", "berapa santunan cacatnya?"))
    assert settle_topic(t, answers, "ask_jkm") == "ask_jkk"
    t = tracker(user("ask_jkm", "kalau sy meninggal krn cacat itu, keluarga dapat apa?"))
    assert settle_topic(t, answers, "ask_jkm") == "ask_jkm"


@pytest.mark.parametrize("text,adds", [
    ("kalau saya pakai JHT juga jadi berapa sebulan?", True),
    ("klo tambah jht jadi brp semua?", True),
    ("klo ikut jht, nanti bisa cair kapan?", False),   # when it pays out
    ("bisa lunasin utang pakai jht?", False),          # no cost asked
])
def test_adding_jht_asked_with_its_cost(text, adds):
    assert adds_jht_cost(text) == adds


# ------------------------------------------------------------------------------ other offices
@pytest.mark.parametrize("text,referral", [
    ("besok hujan kah di Kendari? mau melaut", "weather"),
    ("sy mau daftar haji, ada hubungan dgn bpjs tk?", "hajj"),
    ("motor sy dicuri di parkiran pasar, lapor ke mana?", "police"),
    ("mau ganti nama di kartu keluarga, urus di mana?", "civil_registry"),
    ("Gaji saya ditahan bos 2 bulan, mau lapor ke mana?", "labour_office"),
    ("perahu hampir terbalik waktu angin kencang, sa luka", None),   # the weather of a story
])
def test_other_offices_questions(text, referral):
    assert read_signals(text).referral == referral


async def test_an_out_of_scope_question_for_another_office_names_that_office():
    msgs, _ = await run(ActionAnswer(), tracker(user("out_of_scope", "besok hujan kah di Kendari? mau melaut")))
    assert "BMKG" in texts(msgs)


# ------------------------------------------------------------------------------ details
def test_a_claim_rejected_for_a_name_that_differs_gets_the_data_update_not_the_active_membership():
    text = "klaim JHT sy ditolak krn nama di KTP beda dgn di kartu. harus gimana?"
    found = _details("ask_claim_jht", text)
    assert "data_mismatch" in found and "jht_claim_blocked" not in found
    assert "jht_claim_blocked" in _details("ask_claim_jht", "klaim JHT sy ditolak, katanya masih aktif")


def test_a_forgotten_card_number_with_the_balance():
    assert "balance_lost_card" in _details("ask_balance", "kita bisa bantu cek saldo jht ku kah? sa lupa nomor kartu")


def test_a_pause_in_paying_says_until_when_arrears_can_be_paid():
    text = "sa mo berhenti bayar dulu, tra ada uang. nanti hangus kah jaminan sa?"
    assert "pause_paying" in _details("cannot_afford", text)
    rendered = get_answers().render_detail(
        next(d for d in get_answers().details_for("cannot_afford", text) if d.name == "pause_paying"), TODAY)
    assert _fact("bpu.lapse_months") in rendered.text


@pytest.mark.parametrize("previous,text,topic", [
    ("ask_jp", "kalau anak?", "ask_jp"),                         # a JP member's children
    ("ask_agent", "trus dapat uang dari mana?", "ask_agent"),    # an agent's commission, "trus" not counted
    ("ask_agent", "trus dapat uang dari mana kalau sy sdh tdk aktif lagi?", None),  # too long: its own reading
])
def test_short_follow_ups_asking_a_detail_of_the_topic_under_discussion(previous, text, topic):
    assert detail_follow_up(get_answers(), "ask_jkp", text, previous, 0.8) == topic


# ------------------------------------------------------------------------------ after a scam warning
_WARNING = {"event": "bot", "text": "Hati-hati, itu ciri-ciri penipuan.", "metadata": {SCAM_KEY: True}}
_SCAM = user("ask_claim_jht", "ada org telp ngaku petugas, JHT sy bisa cair kalau sy transfer 1 juta dulu")


@pytest.mark.parametrize("action,intent,text", [
    (ActionAnswer, "paid", "sy sudah terlanjur transfer"),
    (ActionClarify, "nlu_fallback", "bisa uangnya kembali?"),
])
async def test_money_already_sent_to_a_scammer_gets_the_bank_and_the_police(action, intent, text):
    said = texts((await run(action(), _after(user(intent, text), (_SCAM, _WARNING))))[0])
    assert "rekening penerima diblokir" in said and "polisi" in said and _fact("contact.call_centre") in said


async def test_money_sent_without_a_warning_before_is_no_scam_report():
    said = texts((await run(ActionAnswer(), tracker(user("ask_payment", "sy sudah transfer iuran bulan ini"))))[0])
    assert "rekening penerima diblokir" not in said


# ------------------------------------------------------------------------------ the partial JHT claim followed up
@pytest.mark.parametrize("text,topic", [
    ("bisa diambil 2 kali?", "ask_jht_partial"),
    ("kalau 10% buat apa?", "ask_jht_partial"),
    ("kalau sy resign sebelum itu?", None),        # leaving work: the whole claim, the NLU's reading stands
])
def test_follow_ups_of_the_partial_claim(text, topic):
    assert follow_up_topic("ask_claim_jht", text, "ask_jht_partial", 0.8) == topic


# ------------------------------------------------------------------------------ an accident's conversation
_ACCIDENT = user("ask_claim_jkk", "sy nelayan, kemarin tangan sy kena mesin perahu waktu melaut")


@pytest.mark.parametrize("intent,text,topic", [
    ("ask_payment", "sy peserta BPU, bayar tiap bulan. RS nya siapa bayar?", "ask_claim_jkk"),
    ("ask_health", "sy dibawa pakai perahu ke puskesmas, trus ke RS Kendari pakai ambulans", "ask_claim_jkk"),
    ("ask_health", "kalau BPJS kesehatan sy, bisa dipakai juga?", "ask_health"),   # BPJS Kesehatan named
    ("ask_payment", "bayar iurannya lewat mana?", "ask_payment"),               # nothing of the accident
    ("ask_documents", "kalo harus dibawa pake speedboat ke Baubau, ongkosnya?", "ask_claim_jkk"),
    ("out_of_scope", "kalo naik pesawat ke Makassar?", "ask_claim_jkk"),
    ("ask_documents", "berkas apa saja?", "ask_documents"),                     # the follow-ups decide that one
])
def test_an_injured_workers_follow_ups_stay_with_the_accident(intent, text, topic):
    t = _after(user(intent, text), (_ACCIDENT, bot_answer("ask_claim_jkk")))
    assert settle_topic(t, get_answers(), intent) == topic


async def test_no_income_after_an_accident_is_the_wage_replacement_not_unaffordable_contributions():
    t = _after(user("cannot_afford", "dokter bilang sy tdk bisa melaut 2 bulan. sy tdk ada penghasilan"),
               (_ACCIDENT, bot_answer("ask_claim_jkk")))
    said = texts((await run(ActionOfferSponsorship(), t))[0])
    assert "STMB" in said and "usulkan" not in said


# ------------------------------------------------------------------------------ a situation told without asking
@pytest.mark.parametrize("text,topic", [
    ("sy kena PHK dari pabrik smelter di Konawe, kerja 3 thn", "ask_jkp"),
    ("hari ini sy resmi di PHK dari smelter", "ask_jkp"),
    ("sy kena PHK, saldo JHT sy 20 juta", None),                    # the balance named: the JHT lines
    ("iuran bpu sy tdk dibayar 4 bulan", "ask_late_payment"),
    ("gaji sy tdk dibayar 2 bulan", None),                          # withheld wages: the labour office's
    ("sy petani di Kolaka", None),
    ("tabe, sa petani cengkeh di Kolaka, mo daftar bpjs tk", "ask_register"),
])
def test_a_situation_told_without_asking(text, topic):
    assert situation_topic(text) == topic


@pytest.mark.parametrize("text", ["kalau jari sy tdk bisa normal lagi?",
                                  "jari telunjuk sy putus kena mesin, ada santunan utk jari yg hilang?"])
def test_a_hand_that_will_not_work_again_is_a_disability(text):
    assert "jkk_disability" in _details("ask_claim_jkk", text)


# ------------------------------------------------------------------------------ work named, an employer, a balance
async def test_who_may_join_asked_for_a_kind_of_work_says_what_that_work_pays():
    msgs, events = await run(ActionAnswer(), tracker(user("ask_who_can_join", "petani bisa ikut kah?")))
    assert "Rp16.800" in texts(msgs)
    assert not any(e.get("name") == "occupation" for e in events)  # a question about farmers keeps nothing


def test_a_boss_who_does_not_register_is_named_in_colloquial():
    assert named_topic("nlu_fallback", "sa pu bos tra daftarkan sa, lapor kemana pale?") == \
        "ask_employer_not_registering"


def test_a_balance_told_after_the_partial_claim_gets_its_shares():
    from lingkar.wage_figures import balance_line
    line = balance_line("saldo sa 40 juta, dapat brp?", TODAY, partial=True)
    assert "Rp4.000.000" in line and "Rp12.000.000" in line
    assert "Rp12.000.000" not in balance_line("saldo sa 40 juta, dapat brp?", TODAY)


def test_the_way_to_hospital_after_a_construction_projects_answer_is_the_jkk_claim():
    t = _after(user("nlu_fallback", "ongkos ambulansnya diganti?"),
               (user("ask_construction", "saya buruh proyek, jatuh dari tangga"), bot_answer("ask_construction")))
    assert settle_topic(t, get_answers(), "out_of_scope") == "ask_claim_jkk"
