"""Issue 12, twelfth session: a worker without a fixed wage ("tdk ada gaji tetap", "tidak digaji tetap, hanya
infak") is self-employed, not a wage earner. Real actions on Tracker fixtures, real content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionClarify
from lingkar.eligibility import resolve_occupation
from lingkar.parsing import match_occupation

from .test_context import run, texts, tracker, user

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


# ------------------------------------------------------------------------------ no fixed wage: self-employed
@pytest.mark.parametrize("text,expected", [
    ("tdk ada gaji tetap, pnghasilan sy cm 800rb/bln", "BPU"),
    ("Para guru mengaji kami tidak digaji tetap, hanya menerima infak seadanya", "BPU"),
    ("sa tra ada gaji bulanan, jadi sa bayar sendiri", "BPU"),
    ("sy digaji bos tiap minggu", "karyawan"),                   # a wage, not negated
    ("kerja ikut orang digaji mingguan", "karyawan"),
    ("sa nelayan, tidak digaji", "nelayan"),                      # the occupation named wins
])
def test_a_negated_wage_is_self_employment(text, expected):
    assert resolve_occupation(text) == expected


def test_a_negated_wage_is_not_read_as_an_employee():
    assert match_occupation("guru mengaji kami tidak digaji tetap") is None
    assert match_occupation("sy digaji bos tiap minggu").key == "karyawan"


async def test_no_fixed_wage_asking_to_join_gets_the_self_employed_contribution_for_that_income():
    text = "tdk ada gaji tetap, pnghasilan sy cm 800rb/bln, bs daftar bpjs tk? hrs pakai UMP?"
    latest = user("nlu_fallback", text, [("nlu_fallback", 0.4), ("ask_employer_not_registering", 0.36),
                                         ("ask_documents", 0.23), ("check_eligibility", 0.19)])
    latest["entities"] = [{"entity": "income", "value": 800000, "start": 27, "end": 32}]
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "Rp1.000.000" in said and "Rp16.800" in said and "bukan UMP" in said
    assert "Pemberi kerja wajib mendaftarkan" not in said   # no employer's duty for a worker without an employer


def test_a_wage_earner_topic_for_people_without_a_wage_is_the_self_employed_one():
    from actions.answers import settle_topic
    from lingkar.texts import get_answers

    asked = ("Saya pengurus TPA. Para guru mengaji kami tidak digaji tetap, hanya menerima infak seadanya. Apakah "
             "mereka dapat didaftarkan sebagai peserta, program apa yang wajib, dan berapa iuran minimal?")
    t = tracker(user("ask_employer_not_registering", asked))
    assert settle_topic(t, get_answers(), "ask_employer_not_registering") == "ask_contribution_bpu"
    joining = "Guru mengaji kami tidak digaji tetap. Apakah mereka dapat didaftarkan?"
    assert settle_topic(tracker(user("ask_employer_not_registering", joining)), get_answers(),
                        "ask_employer_not_registering") == "ask_who_can_join"
    paid = "Karyawan kami digaji tetap tapi bos tidak mau daftarkan, bagaimana?"
    assert settle_topic(tracker(user("ask_employer_not_registering", paid)), get_answers(),
                        "ask_employer_not_registering") == "ask_employer_not_registering"


# ------------------------------------------------------------------------------ Agen Perisai
async def test_what_an_agent_gets_names_the_fee_and_the_recruitment_incentive_as_unconfirmed():
    from actions.answers import ActionAnswer

    latest = user("ask_agent", "Kalau lewat koperasi ojol kami, agen dapat apa?")
    latest["entities"] = [{"entity": "occupation", "value": "ojol"}]
    said = texts((await run(ActionAnswer(), tracker(latest)))[0])
    assert "7,5%*" in said and "Rp500.000*" in said and "50* peserta baru" in said
    assert "belum bisa kami pastikan" in said and "175" in said
    assert "Cek iuran saya" not in said     # the ojol are the people the agent recruits, not the one asking


# ------------------------------------------------------------------------------ follow-ups
async def test_the_total_asked_after_a_work_death_told_with_a_wage_is_jkks_multiple_of_that_wage():
    from actions.answers import ActionAnswer

    told = user("nlu_fallback", "Ayah sa meninggal kecelakaan kerja di kapal, gajinya 3 juta sebulan.")
    latest = user("ask_claim_jkm", "jadi total dapat berapa?")
    events = [{"event": "action", "name": "action_clarify"},
              {"event": "slot", "name": "last_topic", "value": "ask_claim_jkm"}]
    t = tracker(latest, [told])
    t.events[1:1] = events
    said = texts((await run(ActionAnswer(), t))[0])
    assert "Rp144.000.000" in said and "48 x upah" in said
    # with no work death told, the same question is not given JKK's figures
    illness = user("nlu_fallback", "Ayah sa meninggal, gajinya 3 juta.")
    said = texts((await run(ActionAnswer(), tracker(latest, [illness])))[0])
    assert "Rp144.000.000" not in said


def test_a_wage_earner_in_the_check_hears_their_programmes_before_the_age_question():
    from lingkar.texts import get_flow_texts

    said = get_flow_texts().render("known_pu", TODAY).text
    for programme in ("JKK", "JKM", "JHT", "JP", "JKP"):
        assert programme in said
