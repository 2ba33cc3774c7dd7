"""Figures computed for what the conversation said (issue 12, seventh session): spans of months ("dari Des sampai
Maret", "Januari-Desember 2027"), a sponsor's count corrected or JHT added in a later turn, the JHT a worker takes
in a prepayment, an agent's commission on the contributions collected, an employer's share at a named risk class, a
partial JHT claim of a stated balance, the JKP deadline asked in a JHT claim question, and a worry about sending a NIK
here. Real actions on Tracker fixtures, real content files."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer
from actions.leads import ActionMyData
from lingkar.signals import read_signals
from lingkar.wage_figures import (
    agent_line,
    balance_line,
    employer_share_line,
    month_span,
    prepay_line,
    risk_class,
    sponsor_line,
)

from .test_context import run, texts, tracker, user

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


@pytest.mark.parametrize("text,span", [
    ("kl bayar 4 bln dr des sampai maret, total brp?", (dt.date(2026, 12, 1), 4)),
    ("200 orang selama Januari-Desember 2027", (dt.date(2027, 1, 1), 12)),
    ("Jan s/d Des 2027", (dt.date(2027, 1, 1), 12)),
    ("bayar Desember, Januari dan Februari", (dt.date(2026, 12, 1), 3)),
    ("dari Januari sampai Desember", (dt.date(2027, 1, 1), 12)),   # a month without a year: the next one
    ("mulai januari", None),                                          # a start is no span
    ("sy pedagang di pasar", None),
])
def test_a_span_of_months_is_read_with_its_first_month(text, span):
    assert month_span(text, TODAY) == span


def test_a_span_of_months_to_pay_is_priced_month_by_month():
    line = prepay_line("ojol", None, "kl bayar 4 bln dr des sampai maret, total brp?", TODAY)
    assert "4 x Rp8.400" in line and "total Rp33.600" in line      # a driver's discount runs to March 2027
    line = prepay_line("petani", 1_000_000, "bayar Desember, Januari dan Februari sekaligus, totalnya?", TODAY)
    assert "total Rp42.000" in line                                   # December discounted, then normal
    assert prepay_line("petani", None, "Desember, Januari dan Februari", TODAY) is None   # nothing paid


def test_a_prepayment_with_jht_adds_jht_for_every_month():
    text = "kalau bayar 3 bulan sekaligus mulai Desember, totalnya berapa?"
    assert "Rp102.000" in prepay_line("petani", 1_000_000, text, TODAY, with_jht=True)   # 42.000 + 3 x 20.000
    assert "Rp102.000" not in prepay_line("petani", 1_000_000, text, TODAY)


def test_a_sponsor_pays_for_a_span_and_with_jht():
    assert "12 bulan: Rp40.320.000" in sponsor_line("200 orang selama Januari-Desember 2027", TODAY)
    line = sponsor_line("200 orang selama Januari-Desember 2027", TODAY, with_jht=True)
    assert "Rp36.800" in line and "Rp88.320.000" in line


async def test_a_sponsor_corrects_the_count_and_adds_jht_later():
    earlier = [user("ask_gn_lingkaran", "Pemda mau bayarkan iuran warga, berapa per orang?"),
               user("ask_contribution_bpu", "Untuk 50 orang selama setahun berapa totalnya?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_contribution_bpu", "eh salah, maksud saya 60 orang"),
                                                    earlier)))[0])
    assert "Rp12.096.000" in said                                     # 60 x 16.800 x 12
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "Kalau ditambah JHT?"), earlier)))[0])
    assert "Rp22.080.000" in said and "JKK, JKM, dan JHT" in said   # 50 x 36.800 x 12
    # without a sponsor's conversation, "kalau ditambah JHT?" is the JHT answer
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "Kalau ditambah JHT?"),
                                                    [user("ask_jp", "jp itu apa")])))[0])
    assert "orang:" not in said and "JHT" in said


def test_an_agent_commission_on_the_contributions_collected():
    line = agent_line("kalau iuran yang saya kumpulkan 1 juta sebulan, komisinya berapa?", TODAY)
    assert "Rp75.000" in line and "175" in line                       # 7,5% (unconfirmed: where to check)
    assert agent_line("sy kumpulkan 1 juta", TODAY) is None           # no question of a commission


@pytest.mark.parametrize("text,risk", [
    ("Gaji rata-rata Rp3 juta, risiko kerja rendah.", "low"),
    ("resiko sangat tinggi", "very_high"),
    ("risiko pekerjaannya sedang", "medium"),
    ("gaji 3 juta", None),
])
def test_a_risk_class_is_read(text, risk):
    assert risk_class(text) == risk


def test_an_employer_share_at_a_risk_class():
    line = employer_share_line(3_000_000, "low", TODAY)
    assert "Rp136.200" in line and "Rp196.200" in line and "Rp90.000" in line


async def test_an_employer_follow_up_keeps_the_wage_and_the_risk_told_before():
    earlier = [user("ask_contribution_pu", "Gaji rata-rata Rp3 juta, risiko kerja rendah. Iuran perusahaan berapa?")]
    said = texts((await run(ActionAnswer(), tracker(
        user("ask_contribution_pu", "potongan dari gaji karyawannya totalnya berapa?"), earlier)))[0])
    assert "Rp90.000" in said and "Rp136.200" in said


def test_a_partial_jht_claim_of_a_stated_balance():
    line = balance_line("sdh 11 tahun ikut, masih bekerja, saldo JHT sy Rp60 juta, mau ambil untuk rumah", TODAY)
    assert "Rp18.000.000" in line and "Rp6.000.000" in line
    assert "Rp18.000.000" not in balance_line("saldo jht sy 60 juta, sy sudah resign", TODAY)


async def test_a_phk_date_in_a_jht_claim_question_gets_the_jkp_deadline_too():
    earlier = [user("ask_jkp", "sy kena PHK, gaji 3 juta")]
    said = texts((await run(ActionAnswer(), tracker(
        user("ask_claim_jht", "PHK nya tanggal 20 November, paling lambat klaim kapan?"), earlier)))[0])
    assert "Mei 2027" in said and "20 Desember 2026" in said


async def test_a_short_question_about_jkp_uses_the_wage_told_before():
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkp", "JKP nya berapa?"),
                                                    [user("ask_jkp", "kena PHK, gaji 3 juta")],
                                                    slots={"income": 3_000_000})))[0])
    assert "Rp1.800.000" in said


@pytest.mark.parametrize("text,privacy,others", [
    ("Perlu saya kirim NIK di chat ini?", True, False),
    ("saya tidak mau kirim NIK suami lewat chat ini, tidak apa-apa?", True, False),   # declining is no request
    ("tolong cek saldo pakai nik suami sy", False, True),
])
def test_sending_a_nik_here_is_a_worry_and_declining_is_no_request(text, privacy, others):
    signals = read_signals(text)
    assert (signals.privacy, signals.others_data) == (privacy, others)


async def test_a_worry_about_sending_a_nik_gets_that_it_is_not_needed_here():
    said = texts((await run(ActionMyData(), tracker(user("my_data", "Perlu saya kirim NIK di chat ini?"))))[0])
    assert "NIK tidak perlu" in said and "Dukcapil" in said
    said = texts((await run(ActionMyData(), tracker(user("my_data", "nomor hp sy buat apa?"))))[0])
    assert "NIK tidak perlu" not in said                              # a phone number's worry: what it is for


@pytest.mark.parametrize("text,total", [
    ("kalau kontraknya cuma 1 tahun?", "Rp226.500"),     # 37.500 + 189.000
    ("kontrak 2 tahun", "Rp370.000"),
    ("kontrak 6 bulan berapa?", "Rp145.500"),           # 37.500 + 108.000
    ("kalau kontrak diperpanjang 6 bulan?", "Rp81.000"),  # 6 x 13.500 beyond the package
])
def test_a_migrant_contract_length_gets_its_total(text, total):
    from lingkar.wage_figures import pmi_contract_line
    assert total in pmi_contract_line(text, TODAY)


def test_a_contract_length_without_a_package_gets_no_figure():
    from lingkar.wage_figures import pmi_contract_line
    assert pmi_contract_line("kontrak 18 bulan", TODAY) is None
    assert pmi_contract_line("sy mau ke hongkong", TODAY) is None


async def test_a_follow_up_after_pmi_names_a_contract_length():
    earlier = [user("ask_migrant", "sy mau kerja ke Hongkong kontrak 2 tahun lewat perusahaan penempatan")]
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_contact", "kalau kontraknya cuma 1 tahun?"), earlier))
    assert "Rp226.500" in texts(msgs) and "Call center" not in texts(msgs)


async def test_a_cost_question_after_a_project_value_is_the_project_s():
    earlier = [user("ask_construction", "Saya kontraktor, proyek pagar sekolah nilai kontraknya Rp50 juta.")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_contribution_bpu", "iuran JKK dan JKM-nya berapa?"),
                                                    earlier)))[0])
    assert "Rp120.000" in said and "Rp16.800" not in said


async def test_a_short_question_on_the_same_topic_gets_its_detail_alone():
    earlier = [user("ask_jkp", "Umur saya 56, sudah ikut JKP sejak umur 50 di kantor saya.")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkp", "masih terlindungi JKP kah?"), earlier)))[0])
    assert "tetap terlindungi" in said and "Syarat: WNI" not in said


async def test_asking_whether_someone_can_join_jht_in_a_sponsor_conversation_is_no_sum():
    earlier = [user("ask_gn_lingkaran", "Desa kami mau bayarkan iuran 100 orang warga, berapa?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "aparat desa sy juga bisa ikut JHT?"),
                                                    earlier)))[0])
    assert "orang:" not in said and "JHT" in said
    said = texts((await run(ActionAnswer(), tracker(user("ask_jht", "kalau ditambah JHT?"), earlier)))[0])
    assert "Rp3.680.000" in said                                      # 100 x 36.800


def test_one_month_named_gets_that_contribution_month():
    from lingkar.wage_figures import month_price_line
    line = month_price_line(None, None, "kalau bulan januari?", TODAY)
    assert "Januari 2027" in line and "Rp16.800" in line and "kurir: Rp8.400" in line   # discount ends for most
    line = month_price_line("pedagang", 1_000_000, "kalau desember?", TODAY, with_jht=True)
    assert "Desember 2026" in line and "Rp8.400" in line and "Rp28.400" in line
    assert month_price_line(None, None, "dari Januari sampai Maret", TODAY) is None        # a span: the prepayment's
    assert month_price_line(None, None, "iuran brp?", TODAY) is None


async def test_a_month_asked_after_the_contribution_gets_its_amount():
    earlier = [user("ask_contribution_bpu", "iuran bpu brp?")]
    said = texts((await run(ActionAnswer(), tracker(user("inform", "kalau bulan januari?"), earlier)))[0])
    assert "Januari 2027" in said and "Rp16.800" in said
    # after another topic, a month is no contribution question
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkm", "kalau bulan januari?"),
                                                    [user("ask_jkm", "jkm itu apa")])))[0])
    assert "Iuran bulan" not in said


@pytest.mark.parametrize("text,years", [
    ("beliau baru 2 tahun jadi peserta BPJS TK", 2),
    ("Sy karyawan di Kendari, sdh 6 tahun jadi peserta BPJS TK.", 6),
    ("Kalau masa iur 16 tahun, dihitungnya bagaimana?", 16),
    ("suami sy ikut sejak 2021, jadi sdh 5 thn", 5),
    ("umur 48 tahun, ikut bpjs", None),        # an age, not membership
    ("Sy umur 40 tahun", None),
])
def test_years_of_membership_are_read_not_ages(text, years):
    from lingkar.wage_figures import membership_years
    assert membership_years(text) == years


@pytest.mark.parametrize("topic,text,expected", [
    ("ask_jht_partial", "sdh 6 tahun jadi peserta. Bisa ambil JHT 10% dulu?", "belum bisa diambil sebagian"),
    ("ask_jht_partial", "sdh 11 tahun jadi peserta, mau ambil JHT sebagian", "sudah memenuhi"),
    ("ask_jp", "masa iur saya 12 tahun, pensiunnya bulanan?", "sekaligus"),
    ("ask_scholarship", "bapak meninggal krn sakit, baru 2 tahun jadi peserta. dapat beasiswa?", "belum memenuhi"),
])
def test_years_of_membership_are_checked_against_the_benefit_s_minimum(topic, text, expected):
    from lingkar.wage_figures import membership_line
    assert expected in membership_line(topic, text, TODAY)


def test_a_work_death_needs_no_minimum_for_the_scholarship():
    from lingkar.wage_figures import membership_line
    text = "suami meninggal kecelakaan kerja, baru 2 tahun jadi peserta. anak dapat beasiswa?"
    assert membership_line("ask_scholarship", text, TODAY, work_death=True) is None
    assert membership_line("ask_jkm", "sdh 2 tahun jadi peserta", TODAY) is None   # no question of a scholarship


def test_fewer_years_than_said_are_below_the_minimum():
    from lingkar.wage_figures import membership_line
    line = membership_line("ask_jp", "kalau iurnya belum 15 tahun?", TODAY)
    assert "kurang dari 15 tahun" in line and "sekaligus" in line and "14" not in line


async def test_an_injured_worker_asking_whether_care_is_covered_gets_the_claim_not_a_contribution():
    text = ("Kaki saya remuk tertimpa balok di gudang, sudah dioperasi dan harus dirawat di rumah. Biayanya mahal. "
            "Apakah perawatan di rumah ditanggung, dan sampai berapa?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_contribution_pu", text))))[0])
    assert "perawatan di rumah 1 tahun" in said and "Rp20 juta" in said and "Iuran karyawan" not in said


async def test_a_doubtful_work_accident_is_covered_first():
    text = "Jika status kecelakaan kerja masih diragukan, apakah biaya perawatannya tetap ditanggung?"
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkk", text))))[0])
    assert "ditanggung terlebih" in said and "30 hari" in said


def test_a_month_in_another_question_is_no_contribution_question():
    from lingkar.wage_figures import month_price_line
    assert month_price_line(None, None, "JHT bisa cair Januari?", TODAY) is None
    assert month_price_line(None, None, "kalau mulai bulan Januari iurannya brp?", TODAY) is not None
