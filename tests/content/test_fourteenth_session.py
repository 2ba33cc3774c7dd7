"""Issue 12, fourteenth session: BPJS Kesehatan's own call centre, a feeling that opens a sentence, old-age savings
asked of by name, a disability asked after an accident, adding JHT asked as "pakai JHT", other offices (weather,
pilgrimage, theft, family card, withheld wages), the details of a rejected claim, a forgotten card number, a pause in
paying, a pension for children and an agent's income asked as follow-ups. Real actions on Tracker fixtures, real
content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer, adds_jht_cost, detail_follow_up, settle_topic
from lingkar.facts import get_facts
from lingkar.signals import named_topic, read_signals
from lingkar.texts import get_answers

from .test_context import run, texts, tracker, user

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def _fact(key: str) -> str:
    return str(get_facts().value(key, TODAY))


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
    ("malu sy mau tanya, sy cuma tukang sapu pasar. bisa ikut bpjs tk kah?", "distress"),
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
