"""Issue 12, thirteenth session: a message the NLU reads as "check my eligibility" that corrects what the topic under
discussion turns on ("oh salah, sy masuk Agustus 2025, jadi sdh 16 bulan" after JKP), asks one of its details ("sa tra
bisa melaut 2 bulan, ada ganti penghasilan kah?" after a work accident) or tells the income a member declared
("penghasilan yg sa daftar 1 juta" after it) is answered for that topic: the check is not started."""
from __future__ import annotations

from actions.eligibility import ValidateEligibilityForm

from .conftest import parse_data, run, texts_of
from .test_follow_up_start import activated, ended

JKP_TURNS = [
    {"event": "user", "text": "toko tempat sy kerja tutup. Gaji terakhir sy 3,2 juta. JKP bisa klaim?",
     "parse_data": parse_data("toko tempat sy kerja tutup. Gaji terakhir sy 3,2 juta. JKP bisa klaim?", "ask_jkp",
                              0.9, None, {})},
]
ACCIDENT = [
    {"event": "user", "text": "kemarin tangan sa kena baling2 mesin perahu, 2 jari putus, sa ada BPJS TK mandiri",
     "parse_data": parse_data("kemarin tangan sa kena baling2 mesin perahu, 2 jari putus, sa ada BPJS TK mandiri",
                              "ask_claim_jkk", 0.9, None, {})},
]


async def test_months_corrected_after_jkp_say_whether_they_meet_its_minimum():
    msgs, _, events = await run(ValidateEligibilityForm(), activated(
        "oh salah, sy hitung lagi, sy masuk Agustus 2025, jadi sdh 16 bulan", earlier=JKP_TURNS))
    said = texts_of(msgs)
    assert "Agustus 2025" in said and "12 bulan" in said and "Rp1.920.000" in said
    assert "Apa pekerjaan" not in said and ended(events)


async def test_a_correction_without_a_topic_of_months_still_starts_the_check():
    msgs, _, events = await run(ValidateEligibilityForm(), activated("oh salah, sy petani 40 tahun", earlier=()))
    assert not ended(events)


async def test_a_detail_of_the_accident_claim_is_answered_not_the_check():
    msgs, _, events = await run(ValidateEligibilityForm(), activated(
        "sa tra bisa melaut mungkin 2 bulan, ada ganti penghasilan kah?", earlier=ACCIDENT))
    said = texts_of(msgs)
    assert "100%" in said and "Berapa umur" not in said and ended(events)


async def test_the_income_a_member_declared_gets_what_jkk_pays_on_it():
    msgs, _, events = await run(ValidateEligibilityForm(), activated("penghasilan yg sa daftar 1 juta",
                                                                     earlier=ACCIDENT))
    said = texts_of(msgs)
    assert "Rp48.000.000" in said and ended(events)
