"""Issue 12, ninth session: a programme's part of the self-employed contribution ("kl jkm?" after the contribution),
a programme's bare name after the worker's own contribution, an income corrected inside the check, a short question
read as a fact that asks a detail of the topic under discussion, the documents of a JHT claim beside a balance,
putting the check off to talk with others first, and the wording of the feeling sentences. Real actions on Tracker
fixtures, real content."""
from __future__ import annotations

import datetime as dt

import pytest
from rasa_sdk import Tracker

from actions.answers import ActionAnswer, own_wage_asked
from actions.eligibility import ActionInform, corrected_income
from lingkar.form_words import leaving
from lingkar.texts import get_answers

from .test_context import run, texts, tracker, user
from .test_details import names

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())



# ------------------------------------------------------------------------------ a programme's part of the contribution
@pytest.mark.parametrize("text,detail", [("kl jkm?", "bpu_jkm_rate"), ("jkk nya brp?", "bpu_jkk_rate")])
def test_a_programme_after_the_self_employed_contribution_is_its_part(text, detail):
    assert detail in names("ask_contribution_bpu", text)
    assert detail not in names("ask_contribution_bpu", "klaim jkm brp?")      # what JKM pays is another question


@pytest.mark.parametrize("on,present,absent", [
    (dt.date(2026, 12, 6), ["Rp6.800", "Rp3.400", "Rp42"], ["ojol, ojek"]),          # everyone's discount
    (dt.date(2027, 2, 1), ["Rp6.800", "Rp3.400", "ojol, ojek", "Maret 2027"], []),   # transport only
    (dt.date(2027, 5, 1), ["Rp6.800"], ["Rp3.400", "diskon"]),                       # no discount left
])
def test_the_jkm_part_follows_the_discount_windows(on, present, absent):
    answers = get_answers()
    [detail] = [d for d in answers.details_for("ask_contribution_bpu", "kl jkm?") if d.name == "bpu_jkm_rate"]
    text = answers.render_detail(detail, on).text
    assert all(p in text for p in present), text
    assert not any(a in text for a in absent), text


async def test_the_jkm_part_is_answered_after_the_contribution():
    earlier = [user("ask_contribution_bpu", "iuran bpjs tk utk petani brp?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_contribution_bpu", "kl jkm?"), earlier)))[0])
    assert "Iuran JKM pekerja mandiri Rp6.800" in said


# ------------------------------------------------------------------------------ the worker's own wage
def _after(previous_intent: str, previous: str, intent: str, text: str) -> Tracker:
    return tracker(user(intent, text), [user(previous_intent, previous)], slots={"income": 3_000_000})


def test_a_bare_programme_after_an_own_contribution_asks_its_part_of_that_wage():
    assert own_wage_asked(_after("ask_contribution_pu", "gaji sy 3 juta, potongannya brp?", "ask_jp", "klo jp?"),
                          "ask_jp", "klo jp?") == 3_000_000
    # the same words after a question that was not about a contribution ask what the programme is
    assert own_wage_asked(_after("ask_jht", "jht itu apa?", "ask_jp", "klo jp?"), "ask_jp", "klo jp?") is None


# ------------------------------------------------------------------------------ an income corrected in the check
def _slots_tracker(text: str, income) -> Tracker:
    return tracker(user("inform", text), slots={"income": income, "occupation": "petani rumput laut"})


def test_an_income_correction_is_told_apart_from_a_repeat():
    assert corrected_income(_slots_tracker("eh salah, sebenarnya 1,5 juta", 900_000), 1_500_000)
    assert not corrected_income(_slots_tracker("1,5 juta", 900_000), 1_500_000)             # no correction word
    assert not corrected_income(_slots_tracker("eh salah, 900 ribu", 900_000), 900_000)     # the same income
    assert not corrected_income(_slots_tracker("eh salah, 1,5 juta", None), 1_500_000)      # nothing to correct


# ------------------------------------------------------------------------------ a short question read as a fact
async def test_a_short_fact_with_a_question_asks_a_detail_of_the_previous_topic():
    earlier = [user("ask_jp", "kalau peserta JP meninggal, siapa yg dapat pensiunnya?")]
    messages, events = await run(ActionInform(), tracker(user("inform", "adik sy masih 19 tahun kuliah, dapat jg?"),
                                                         earlier))
    said = texts(messages)
    assert "janda/duda" in said and "saya catat" not in said
    assert not any(e.get("name") == "age" for e in events)        # someone else's age is not the worker's


async def test_a_fact_without_a_question_is_still_noted():
    earlier = [user("ask_jp", "kalau peserta JP meninggal, siapa yg dapat pensiunnya?")]
    messages, _ = await run(ActionInform(), tracker(user("inform", "umur sy 45 tahun"), earlier))
    assert "janda/duda" not in texts(messages)


# ------------------------------------------------------------------------------ a balance and its documents
async def test_a_balance_with_a_documents_question_gets_both():
    earlier = [user("ask_claim_jht", "sy sdh berhenti kerja, mau cairkan jht")]
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_documents", "saldonya sekitar 80 juta, berkas apa sj yg perlu?"), earlier)))[0])
    assert "Berkas klaim JHT" in said and "paklaring" in said
    assert "Lapak Asik" in said or "kantor cabang" in said                # above the JMO limit
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_claim_jht", "saldonya sekitar 80 juta, lewat mana?"), earlier)))[0])
    assert "Rp80.000.000" in said and "Berkas klaim JHT" not in said


# ------------------------------------------------------------------------------ putting the check off
@pytest.mark.parametrize("text", ["oke sy koordinasi dulu dgn pengurus", "nanti sy kabari ya",
                                  "sy konsultasi dulu sama keluarga"])
def test_talking_with_others_first_leaves_the_check(text):
    assert leaving(text, optional=False) == "leave"


def test_a_name_or_answer_is_no_leaving():
    assert leaving("koordinator kelompok tani", optional=False) is None


# ------------------------------------------------------------------------------ feelings
@pytest.mark.parametrize("snippet,words", [
    ("feeling_grief", ["Turut berduka", "ketabahan"]),
    ("feeling_accident", ["prihatin", "Tenang"]),
    ("feeling_anger", ["Mohon maaf", "kesal"]),
    ("feeling_unsure", ["Tidak apa-apa", "Tenang"]),
])
def test_feeling_sentences_comfort_before_the_answer(snippet, words):
    text = get_answers().render_snippet(snippet, TODAY).text
    assert all(w in text for w in words) and len(text) < 140


# ------------------------------------------------------------------------------ added from the fifteenth tuning set
def test_a_rejected_nik_points_to_the_population_register():
    assert "nik_rejected" in names("ask_register", "daftar di JMO gagal terus, katanya NIK tidak valid")
    assert "nik_rejected" in names(None, "kenapa NIK tidak valid terus?")   # named by its own words, any topic
    assert "nik_rejected" not in names("ask_register", "daftar pakai nik apa kk?")
    answers = get_answers()
    [detail] = [d for d in answers.details_for("ask_register", "nik tidak valid") if d.name == "nik_rejected"]
    assert "Dukcapil" in answers.render_detail(detail, TODAY).text


def test_someone_posing_as_staff_asking_a_fee_is_a_scam():
    from lingkar.signals import read_signals
    assert read_signals("tadi ada orang ngaku petugas BPJS TK, minta fotokopi KTP dan uang pendaftaran 100 ribu. "
                        "Itu betul kah?").scam
    assert not read_signals("biaya pendaftaran bpjs tk berapa?").scam        # nobody asked for it


async def test_a_jp_members_death_also_names_jkm():
    earlier = [user("ask_jp", "jp itu apa?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jp", "kalau peserta JP meninggal, istrinya dapat apa?"),
                                                    earlier)))[0])
    assert "janda/duda" in said and "Rp42" in said


@pytest.mark.parametrize("text,closing", [("Terima kasih, kami akan tindak lanjuti.", True),
                                          ("terima kasih, akan sy pelajari dulu", True),
                                          ("makasih, akan kah ada diskon lagi?", False)])
def test_thanks_with_a_plan_close_the_form(text, closing):
    from lingkar.form_words import is_closing
    assert is_closing(text) == closing


def test_a_pounding_heart_is_distress():
    from lingkar.signals import read_signals
    assert read_signals("sy tiap malam deg2an nunggu suami pulang narik ojek").feeling == "distress"


def test_months_from_a_named_month_are_a_prepayment():
    from lingkar.wage_figures import prepay_line
    line = prepay_line("ojol", None, "klo 6 bulan mulai desember brp total?", TODAY)
    assert "4 x Rp8.400" in line and "2 x Rp16.800" in line and "total Rp67.200" in line
    assert prepay_line(None, None, "sy nunggak 3 bulan, total brp?", TODAY) is None     # arrears, not months ahead
    from lingkar.wage_figures import month_price_line
    assert month_price_line("ojol", None, "klo 6 bulan mulai desember brp total?", TODAY) is None
    assert "Rp8.400" in month_price_line("ojol", None, "kalau mulai desember?", TODAY)


def test_a_message_naming_bsu_is_about_bsu():
    from lingkar.signals import named_topic
    assert named_topic("nlu_fallback", "Berapa besaran BSU 2025 tersebut dan siapa yang berhak?") == "ask_bsu"
    assert named_topic("ask_contribution_bpu", "iuran bpu brp?") is None


async def test_an_unplaced_prepayment_question_gets_its_total_for_the_work_known():
    from actions.answers import ActionDefaultFallback
    earlier = [user("check_eligibility", "sa petani kakao, penghasilan 1,2 juta. berapa iuran sa kalau ikut JHT juga?")]
    latest = user("nlu_fallback", "kalau sa bayar 6 bulan sekaligus mulai desember ini totalnya berapa?")
    said = texts((await run(ActionDefaultFallback(), tracker(latest, earlier, slots={
        "occupation": "petani", "income": 1_200_000})))[0])
    assert "total Rp103.400" in said and "total Rp247.400" in said          # with the JHT the worker takes
