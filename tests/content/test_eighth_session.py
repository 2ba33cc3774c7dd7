"""Issue 12, eighth session: figures for a group the message counts, a wage in a project story that is no contract
value, an agent's commission on what each worker pays, a JHT balance said as "JHT sy 48 juta" and asked about in a
later turn, a named regulation, the discount group of a named occupation, a "what if" after a comma, a death by
illness without JKK's multiple, and the details added (JKM paid at once, JHT not discounted, JMO claim steps, how
long a JHT claim takes, the branch head, the regional schemes). Real actions on Tracker fixtures, real content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer, ActionClarify
from lingkar.citations import regulation_lines
from lingkar.facts import get_facts
from lingkar.parsing import match_occupation
from lingkar.signals import read_signals
from lingkar.wage_figures import agent_line, balance_value, contract_value, group_line

from .test_context import run, texts, tracker, user

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


# ------------------------------------------------------------------------------ figures
def test_a_group_is_priced_month_by_month():
    line = group_line("kami kelompok 12 penenun. Untuk 12 orang, bulan ini brp dan bulan Januari nanti brp?", TODAY)
    assert "12 x Rp8.400 = Rp100.800" in line                      # December 2026: discounted
    assert "Januari 2027: 12 x Rp16.800 = Rp201.600" in line        # the discount for others ended
    line = group_line("kami 20 orang ojol mau bayar 3 bulan, brp semua?", TODAY)
    assert "20 x Rp25.200 = Rp504.000" in line                      # transport: discounted through March 2027


def test_a_group_paid_by_a_village_is_at_the_normal_rate():
    line = group_line("Kami kepala desa, anggarkan iuran 35 orang selama 12 bulan mulai Januari 2027 dari dana desa",
                      TODAY)
    assert "35 x Rp16.800 = Rp588.000" in line and "Rp7.056.000" in line
    assert group_line("sy mau daftar sendiri, 1 orang", TODAY) is None


def test_a_wage_in_a_project_story_is_no_contract_value():
    assert contract_value("Ayah sy buruh di proyek gedung sekolah. Upah ayah sekitar 2,8 juta sebulan.") is None
    assert contract_value("proyek jalan nilai kontrak 800 juta") == 800_000_000
    assert contract_value("gaji 3 juta di proyek, nilai kontraknya 1,2 miliar") == 1_200_000_000


def test_an_agent_s_commission_uses_what_each_worker_pays():
    line = agent_line("sy daftarkan 60 orang dan mereka bayar 8.400 masing2, sy dapat brp?", TODAY)
    assert "60 x Rp8.400 = Rp37.800" in line
    line = agent_line("klo sy ajak 100 org jadi peserta, komisi sy brp?", TODAY)
    assert "100 x Rp8.400" in line and "Desember 2026" in line      # this month's lowest contribution


def test_a_balance_said_after_jht_is_read():
    assert balance_value("JHT sy 48 juta, sdh 11 thn kerja, bisa ambil sebagian?") == 48_000_000
    assert balance_value("iuran jht dengan penghasilan 1 juta brp?") is None


async def test_a_partial_claim_asked_later_uses_the_balance_said_before():
    earlier = [user("ask_jht_partial", "JHT sy 48 juta, sdh 11 thn kerja, bisa ambil sebagian?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht_partial", "kalau untuk rumah dapat brp?"),
                                                    earlier)))[0])
    assert "Rp14.400.000" in said                                   # 30% of 48 juta


# ------------------------------------------------------------------------------ regulations
def test_a_regulation_number_without_its_year_names_each_regulation():
    lines = regulation_lines(get_facts(), "Permenaker 5 itu yang mana?", TODAY)
    assert any(line.startswith("• Permenaker 5/2021") and "JKK" in line for line in lines)
    assert any(line.startswith("• Permenaker 5/2025") and "BSU" in line for line in lines)
    assert [line for line in regulation_lines(get_facts(), "Permenaker 5/2025 itu apa?", TODAY)] == \
        [line for line in lines if "5/2025" in line]
    assert regulation_lines(get_facts(), "UU 99/2099 itu apa?", TODAY) == []


async def test_a_regulation_is_explained_only_when_asked_about():
    asked = texts((await run(ActionAnswer(), tracker(user("ask_bsu", "Permenaker 5/2025 itu apa?"))))[0])
    assert "Permenaker 5/2025: BSU" in asked
    about = texts((await run(ActionAnswer(), tracker(user(
        "ask_discount", "apakah iuran dari dana desa juga dapat potongan 50% sesuai PP 50/2025?"))))[0])
    assert "Aturan yang Anda sebut" not in about and "APBN/APBD" in about
    unclear = texts((await run(ActionClarify(), tracker(user(
        "nlu_fallback", "Permenaker 5 itu aturan JKK atau BSU?", [("nlu_fallback", 0.4), ("ask_bsu", 0.3)]))))[0])
    assert "Permenaker 5/2021" in unclear and "Permenaker 5/2025" in unclear


# ------------------------------------------------------------------------------ the discount group
def test_unnamed_drivers_are_other_self_employed():
    for said in ("sopir truk pasir", "bentor", "pengemudi speedboat"):
        occupation = match_occupation(said)
        assert occupation is not None and not occupation.transport, said


async def test_the_discount_group_of_a_named_occupation_is_said():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_discount", "sa sopir truk pasir, truk sendiri ji. dapatji diskon seperti ojol itu kah?"))))[0])
    assert "sopir bus / truk tidak disebut dalam kelompok transportasi" in said and "Desember 2026" in said
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_discount", "sy ojol, diskon sy sampai kapan?"))))[0])
    assert "termasuk kelompok transportasi PP 50/2025" in said and "Maret 2027" in said


async def test_jht_after_the_discount_is_whether_it_is_discounted():
    earlier = [user("ask_discount", "diskon 50% bpjs tk itu utk semua program kah?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "jht jg?"), earlier)))[0])
    assert "JHT tidak ikut didiskon" in said and "tabungan" not in said
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "kalau JP?"), [
        user("ask_jht", "JHT bisa cair umur berapa?")])))[0])
    assert "JHT tidak ikut didiskon" not in said


# ------------------------------------------------------------------------------ feelings and deaths
@pytest.mark.parametrize("text,feeling", [
    ("sa punya 2 anak masih SD, kalo amit2 sa meninggal kena kecelakaan kerja, beasiswanya sampe kapan?", None),
    # a fear felt every day is the worker's own worry, acknowledged as one (no accident happened)
    ("Sy ojol baru 3 bulan, tiap hari takut kecelakaan di jalan. Kalau daftar brp iurannya?", "distress"),
    ("Sy takut sekali, suami kecelakaan motor waktu pulang kerja.", "accident"),
    ("suami sy meninggal kemarin, kalau klaim JKM brp?", "grief"),
])
def test_a_what_if_after_a_comma_is_no_feeling(text, feeling):
    assert read_signals(text).feeling == feeling


async def test_a_death_by_illness_gets_no_work_accident_multiple():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_claim_jkm", "suami sy meninggal krn serangan jantung di rumah, dia ojek ikut BPJS TK mandiri. "
                         "Berapa yg bisa kami terima?"))))[0])
    assert "Rp42 juta" in said and "48 kali" not in said
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jkm", "suami sy meninggal, klaimnya gimana?"))))[0])
    assert "48 kali" in said                                        # the cause not said: JKK is pointed to


# ------------------------------------------------------------------------------ details
@pytest.mark.parametrize("intent,text,earlier,expected", [
    ("ask_payment", "itu dibayar sekaligus atau dicicil?", ("ask_jkm", "brp santunan kalau peserta meninggal biasa?"),
     "Santunan JKM dibayar sekaligus"),
    ("ask_claim_jht", "langkahnya di JMO gmn?", ("ask_claim_jht", "mau klaim JHT saldo 8 juta"), "swafoto"),
    ("ask_claim_jht", "brp lama cairnya?", ("ask_claim_jht", "mau klaim JHT saldo 8 juta"), "5 hari"),
    ("ask_contact", "siapa kepala cabang BPJS TK Kendari sekarang?", None, "Gatot Prabowo"),
    ("ask_gn_lingkaran", "di Konawe Selatan berapa pekerja rentan per desa yang ditanggung pemkab?", None,
     "paling sedikit 50 pekerja rentan per desa"),
])
async def test_the_details_added_answer_their_question(intent, text, earlier, expected):
    said = texts((await run(ActionAnswer(), tracker(user(intent, text), [user(*earlier)] if earlier else ())))[0])
    assert expected in said


@pytest.mark.parametrize("text,changed_mind", [
    ("tidak jadi berhenti deh, sy bayar yg desember dulu. lewat apa?", True),
    ("gak jadi keluar, tetap bayar", True),
    ("tidak jadi", False),                    # a plain cancel stays a cancel
    ("tdk jadi daftar sekarang", False),
])
def test_a_change_of_mind_about_leaving_is_no_cancel(text, changed_mind):
    from rasa_plugins.nlu.classifier import NOT_CANCELLING
    assert bool(NOT_CANCELLING.search(text)) == changed_mind
