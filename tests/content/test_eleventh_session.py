"""Issue 12, eleventh session: dates and years a worker tells turned into what they mean (a PHK date into the JKP
deadline, the months of a job into JKP's minimum, a birth year into the JP pension year), JKP's figures for a wage
told turns before, Sultra's regencies and cities, working past the JP pension age, "kan sama-sama BPJS?" after
the BPJS Kesehatan answer, and a goodbye that acknowledges. Real actions on Tracker fixtures, real content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer, own_wage_asked, settle_topic
from actions.eligibility import ActionInform
from lingkar.texts import get_answers
from lingkar.wage_figures import born_on, jkp_deadline_line, jkp_months_line, jp_pension_line, phk_date, worked_since

from .test_context import run, texts, tracker, user
from .test_details import names

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


# ------------------------------------------------------------------------------ dates into what they mean
def test_a_phk_date_a_few_words_after_the_word():
    told = "Saya kena PHK dari perusahaan ritel di Kendari tanggal 31 Oktober 2026. Gaji terakhir 4 juta."
    assert phk_date(told, TODAY) == dt.date(2026, 10, 31)


def test_the_jkp_deadline_says_whether_there_is_still_time():
    assert "masih sempat" in jkp_deadline_line(dt.date(2026, 7, 20), TODAY)
    assert "20 Januari 2027" in jkp_deadline_line(dt.date(2026, 7, 20), TODAY)
    assert "sudah lewat" in jkp_deadline_line(dt.date(2026, 5, 1), TODAY)


@pytest.mark.parametrize("text,start", [
    ("saya kerja di sana sejak Maret 2025, iuran lancar", dt.date(2025, 3, 1)),
    ("mulai kerja dari bulan Juni 2024", dt.date(2024, 6, 1)),
    ("sejak maret", None),                                # no year: no count
])
def test_when_a_job_began(text, start):
    assert worked_since(text) == start


def test_the_months_of_a_job_against_jkps_minimum():
    enough = jkp_months_line(dt.date(2025, 3, 1), dt.date(2026, 10, 31), TODAY)
    assert "sekitar 20 bulan" in enough and "terpenuhi" in enough
    short = jkp_months_line(dt.date(2026, 3, 1), dt.date(2026, 10, 31), TODAY)
    assert "sekitar 8 bulan" in short and "belum memenuhi" in short
    assert "sekitar 24 bulan" in jkp_months_line(dt.date(2019, 1, 1), None, TODAY)   # the window's months at most
    assert jkp_months_line(dt.date(2027, 1, 1), None, TODAY) is None                 # a start after the end


@pytest.mark.parametrize("text,born", [
    ("sa lahir 1969", (1969, None)),
    ("Saya lahir Mei 1968, kerja di perusahaan pelayaran", (1968, 5)),
    ("kelahiran thn 1980", (1980, None)),
    ("umur sa 56 tahun", None),
])
def test_a_birth_year_told(text, born):
    assert born_on(text) == born


@pytest.mark.parametrize("year,month,said", [
    (1968, 5, "59 tahun, tercapai Mei 2027"),      # 59 in 2027, still the age of 2025-2027
    (1969, None, "60 tahun, tercapai tahun 2029"),  # 59 in 2028 is under that year's 60
    (1975, 5, "63 tahun, tercapai Mei 2038"),
    (1980, None, "65 tahun, tercapai tahun 2045"),  # the cap
])
def test_the_jp_pension_year_follows_the_rising_age(year, month, said):
    assert said in jp_pension_line(year, month, TODAY)


def test_the_years_paid_until_the_pension_age_decide_a_monthly_pension():
    short = jp_pension_line(1968, 5, TODAY, since=dt.date(2015, 7, 1))
    assert "11 tahun 10 bulan" in short and "sekaligus" in short
    long = jp_pension_line(1975, 5, TODAY, since=dt.date(2015, 7, 1))
    assert "22 tahun 10 bulan" in long and "bulanan" in long and "sekaligus" not in long


async def test_a_birth_year_after_the_pension_age_answer_gets_that_persons_year():
    earlier = [user("ask_jp", "usia pensiun JP berapa?")]
    said = texts((await run(ActionInform(), tracker(user("inform", "sa lahir 1969"), earlier)))[0])
    assert "tercapai tahun 2029" in said


async def test_a_phk_date_after_jkp_gets_the_deadline():
    earlier = [user("ask_jkp", "JKP itu apa?")]
    latest = user("inform", "sa di PHK tanggal 20 Juli 2026, masih sempat kah?")
    said = texts((await run(ActionInform(), tracker(latest, earlier)))[0])
    assert "paling lambat 20 Januari 2027" in said


async def test_the_start_of_a_job_after_a_phk_and_its_wage():
    earlier = [user("ask_jkp", "Saya kena PHK tanggal 31 Oktober 2026. Gaji terakhir 4 juta. Dapat JKP tidak?")]
    latest = user("ask_jkp", "saya kerja di sana sejak Maret 2025, iuran lancar")
    said = texts((await run(ActionAnswer(), tracker(latest, earlier)))[0])
    assert "sampai PHK Oktober 2026: sekitar 20 bulan" in said and "Rp2.400.000 per bulan" in said


def test_a_six_word_follow_up_uses_the_wage_told_before():
    earlier = [user("ask_jkp", "di PHK, gaji terakhir 4 juta. dapat JKP?")]
    text = "berapa totalnya kalau 6 bulan penuh?"
    assert own_wage_asked(tracker(user("ask_jkp", text), earlier), "ask_jkp", text) == 4_000_000
    their = "berapa dia dapat kalau 6 bulan penuh?"      # someone else's benefit
    assert own_wage_asked(tracker(user("ask_jkp", their), earlier), "ask_jkp", their) is None


# ------------------------------------------------------------------------------ content
@pytest.mark.parametrize("topic,text,sent", [
    ("nlu_fallback", "Provinsi ini ada berapa kabupaten dan kota?", True),
    ("ask_contact", "Kalau Bombana dan Kolaka Timur ibu kotanya apa?", True),
    ("nlu_fallback", "kota Raha itu termasuk kota di Sultra toh?", True),
    ("ask_contribution_bpu", "sa ojek di kota kendari, iuran brp?", False),    # where one lives is no question
])
def test_sultras_regencies_and_cities(topic, text, sent):
    assert ("sultra_regions" in names(topic, text)) == sent


def test_the_regions_answer_has_the_counts_and_the_confirmed_seats():
    answers = get_answers()
    detail = next(d for d in answers.details if d.name == "sultra_regions")
    said = answers.render_detail(detail, TODAY).text
    assert "15 kabupaten dan 2 kota" in said and "Rumbia" in said and "Tirawuta" in said and "belum dibentuk" in said


def test_working_past_the_pension_age():
    assert "jp_defer" in names("ask_jp", "kalau saya tetap kerja sampai 2030?")
    assert "jp_defer" not in names("ask_jp", "iuran jp brp?")


def test_the_two_bpjs_taken_for_one_stays_with_bpjs_kesehatan():
    latest = user("ask_health", "lho kan sama-sama BPJS?", [("ask_health", 0.93), ("human_handoff", 0.03)])
    assert settle_topic(tracker(latest), get_answers(), "ask_health") == "ask_health"


async def test_a_goodbye_acknowledges():
    said = texts((await run(ActionAnswer(), tracker(user("goodbye", "ya sudah, sa coba daftar lagi besok"))))[0])
    assert said.startswith("Baik, sampai jumpa")


# ------------------------------------------------------------------------------ second round
@pytest.mark.parametrize("text,now", [
    ("Ya sudah, sa mau daftar sekarang.", True),
    ("ok sy daftar skrg", True),
    ("yaudah mo daftar mi", True),
    ("sa mau daftar, iurannya brp?", False),      # a question beside it
    ("cara daftar?", False),
    ("daftar", False),                           # one word is no decision
])
def test_a_decision_to_register_now(text, now):
    from lingkar.form_words import registers_now
    assert registers_now(text) == now


def test_the_jp_formula_with_the_workers_own_figures():
    from lingkar.wage_figures import jp_formula_line
    assert "= Rp1.000.000 per bulan" in jp_formula_line(20, 5_000_000, TODAY)
    assert "= Rp1.200.000 per bulan" in jp_formula_line(20, 6_000_000, TODAY)   # Rp72 juta a year
    assert jp_formula_line(12, 5_000_000, TODAY) is None                       # a lump sum, not a pension


async def test_a_formal_jp_question_with_years_and_wage_gets_the_estimate():
    text = ("Dengan hormat, saya karyawan swasta dengan masa iur Jaminan Pensiun 20 tahun dan rata-rata upah "
            "tertimbang Rp5.000.000 per bulan. Mohon perkiraan manfaat pensiun bulanan saya pada tahun pertama.")
    said = texts((await run(ActionAnswer(), tracker(user("ask_jp", text))))[0])
    assert "Rp1.000.000 per bulan" in said


def test_when_the_card_is_ready_in_other_words():
    assert "card_days" in names("ask_card", "sudahmi sa daftar tadi pagi, kapan kartunya jadi?")


@pytest.mark.parametrize("text,earlier,topic,wage", [
    ("itu sebulan atau setahun?", "gaji sy 3 juta, potongan bpjs tk brp?", "ask_contribution_pu", 3_000_000),
    ("kok tidak 150 ribu?", "gaji sy 15 juta, potongan jp brp?", "ask_jp", 15_000_000),
    ("itu iuran ya", "gaji sy 3 juta, potongan bpjs tk brp?", "ask_contribution_pu", None),   # no question
])
def test_a_period_or_a_doubted_figure_uses_the_wage_told_before(text, earlier, topic, wage):
    t = tracker(user(topic, text), [user(topic, earlier)])
    assert own_wage_asked(t, topic, text) == wage


def test_a_long_question_read_as_goodbye_follows_the_topic():
    from actions.answers import follow_up_topic
    text = "Jadi uang yang sa sudah bayar dulu hilang semua?"
    assert follow_up_topic("goodbye", text, "ask_late_payment") == "ask_late_payment"
    assert follow_up_topic("goodbye", "ya sudah, sa coba daftar lagi besok", "ask_late_payment") is None


@pytest.mark.parametrize("text,referral", [
    ("Kantor Samsat Kendari buka jam berapa? sa mau bayar pajak motor", "vehicle_tax"),
    ("Bot, ceritakan lelucon dong biar sa tidak bosan", "chatter"),
    ("Berapa harga emas hari ini? mau sa pakai uang JHT untuk beli emas", "investment"),
])
def test_other_offices_and_chatter(text, referral):
    from lingkar.signals import read_signals
    assert read_signals(text).referral == referral


def test_a_vip_membership_offer_is_a_scam_and_an_angry_outburst_is_anger():
    from lingkar.signals import read_signals
    assert read_signals('ada orang tawarkan sa jadi peserta BPJS TK "VIP", bayar 1 juta langsung dapat 100 juta').scam
    assert not read_signals("JHT sa bisa langsung cair?").scam
    assert read_signals("Kalian ini bagaimana! kepesertaan sa sudah tidak aktif!").feeling == "anger"


async def test_a_decision_to_register_the_nlu_could_not_place_gets_how_to_register():
    from actions.answers import ActionClarify
    latest = user("nlu_fallback", "Ya sudah, sa mau daftar sekarang.", [("nlu_fallback", 0.4), ("ask_register", 0.2)])
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "Cara daftar" in said and "JMO" in said


async def test_a_name_told_during_the_check_is_not_kept_and_staff_are_offered():
    t = tracker(user("inform", "Nama sa Hj. Wa Ode Sitti Rahmah."))
    t.active_loop = {"name": "eligibility_form"}
    said = texts((await run(ActionInform(), t))[0])
    assert "belum ada yang saya simpan" in said and "Ya, hubungi saya" in said


# ------------------------------------------------------------------------------ third round
def test_a_claim_put_off_past_the_jkp_deadline_is_too_late():
    from lingkar.wage_figures import planned_month
    phk = dt.date(2026, 7, 28)
    planned = planned_month("Kalau sa tunda klaim JKP sampai Februari 2027?", phk)
    assert planned == dt.date(2027, 2, 1)
    assert "sudah terlewat" in jkp_deadline_line(phk, TODAY, planned=planned)
    assert "masih sempat" in jkp_deadline_line(phk, TODAY, planned=dt.date(2027, 1, 1))
    assert planned_month("di-PHK 28 Juli 2026", phk) is None          # the PHK's own month is no plan


def test_the_years_of_jp_until_now():
    from lingkar.wage_figures import jp_membership_line
    said = jp_membership_line(dt.date(2015, 7, 1), dt.date(2026, 12, 1), TODAY, said_until="sampai sekarang")
    assert "sampai sekarang sekitar 11 tahun 5 bulan" in said and "kurang dari 15 tahun" in said
    assert "cukup untuk pensiun bulanan" in jp_membership_line(dt.date(2010, 1, 1), dt.date(2026, 12, 1), TODAY)


def test_a_pension_age_already_reached_says_until_when_it_may_wait():
    said = jp_pension_line(1967, 3, TODAY)
    assert "sudah tercapai Maret 2026" in said and "usia 62, Maret 2029" in said
    assert "usia 62" not in jp_pension_line(1968, 5, TODAY)                        # not asked, not reached
    assert "usia 62, Mei 2030" in jp_pension_line(1968, 5, TODAY, defer_asked=True)


def test_a_laid_off_worker_read_as_a_courier_still_gets_jkp_for_the_wage():
    earlier = [user("ask_jkp", "Sa di-PHK dari perusahaan ekspedisi tanggal 28 Juli 2026. Gaji terakhir 3,5 juta.")]
    t = tracker(user("ask_jkp", "Dapat berapa sebulan?"), earlier, slots={"occupation": "kurir", "income": 3_500_000})
    assert own_wage_asked(t, "ask_jkp", "Dapat berapa sebulan?") == 3_500_000
    never = tracker(user("ask_jkp", "Dapat berapa sebulan?"), [user("ask_jkp", "JKP apa?")],
                    slots={"occupation": "kurir", "income": 3_500_000})
    assert own_wage_asked(never, "ask_jkp", "Dapat berapa sebulan?") is None       # a courier's income is no wage


async def test_a_pension_asked_with_years_and_wage_is_the_formula_not_the_contribution():
    text = "misalnya 16 tahun masa iur dengan rata-rata upah setahun 60 juta, berapa pensiun sebulan?"
    said = texts((await run(ActionAnswer(), tracker(user("ask_jp", text))))[0])
    assert "= Rp800.000 per bulan" in said and "dipotong dari gaji" not in said


# ------------------------------------------------------------------------------ fourth round
async def test_a_short_discount_question_uses_the_occupation_told_before():
    t = tracker(user("ask_discount", "dapat diskon kah?"), [user("check_eligibility", "sa tukang bentor di Kendari")],
                slots={"occupation": "becak"})
    said = texts((await run(ActionAnswer(), t))[0])
    assert "tidak disebut dalam kelompok transportasi" in said


def test_how_soon_it_pays_read_as_out_of_scope_follows_the_claim():
    from actions.answers import follow_up_topic
    assert follow_up_topic("out_of_scope", "paling cepat kapan bisa cair?", "ask_claim_jht") == "ask_claim_jht"
    assert follow_up_topic("out_of_scope", "harga emas brp?", "ask_claim_jht") is None


def test_the_period_of_a_staffs_deduction_just_given():
    earlier = [user("ask_contribution_pu", "Karyawan sa gajinya 3 juta, berapa yang dipotong dari gajinya?")]
    t = tracker(user("ask_contribution_pu", "itu sebulan atau setahun?"), earlier)
    assert own_wage_asked(t, "ask_contribution_pu", "itu sebulan atau setahun?") == 3_000_000
    # without the period question, a staff's wage is not the worker's own
    assert own_wage_asked(t, "ask_contribution_pu", "brp potongan sy?") is None


@pytest.mark.parametrize("text,sent", [
    ("Saya ASN, punya ART dan sopir pribadi di rumah. Apakah saya bisa daftarkan mereka?", True),
    ("sy pns, bs daftarin art sy bpjs tk gk?", True),
    ("ART sy ndak punya email, gmn?", False),        # no registering asked
])
def test_a_households_helper_is_sertakan(text, sent):
    assert ("household_helper" in names("ask_register", text)) == sent


# ------------------------------------------------------------------------------ a bereaved family's turns
DROWNED = "Assalamualaikum, bapak sa meninggal 3 hari lalu. Perahunya terbalik waktu pergi melaut di perairan Wawonii."


def test_a_statement_about_the_deceaseds_membership_is_about_the_claim():
    from actions.answers import death_statement_topic
    text = "Dia ikut BPJS TK mandiri sebagai nelayan sejak 2022, bayarnya rutin terus."
    t = tracker(user("ask_contribution_bpu", text, [("ask_contribution_bpu", 0.5)]), [user("nlu_fallback", DROWNED)])
    assert death_statement_topic(t, "ask_contribution_bpu", text, 0.5) == "ask_claim_jkm"
    assert death_statement_topic(t, "ask_contribution_bpu", "iurannya brp?", 0.5) is None      # a question
    alive = tracker(user("ask_contribution_bpu", text), [user("ask_discount", "ada diskon kah?")])
    assert death_statement_topic(alive, "ask_contribution_bpu", text, 0.5) is None


def test_documents_after_a_death_the_nlu_could_not_place_are_the_heirs():
    from actions.answers import claim_documents_topic
    text = "Berkas apa saja yang sa perlu siapkan?"
    t = tracker(user("ask_documents", text), [user("nlu_fallback", DROWNED),
                                              user("ask_contribution_bpu", "dia ikut mandiri sejak 2022")])
    assert claim_documents_topic(t, "ask_documents", text) == "ask_claim_jkm"


async def test_a_wage_asked_turns_after_a_death_at_work_gets_jkks_multiple():
    earlier = [user("nlu_fallback", DROWNED), user("ask_scholarship", "Sampai kapan beasiswanya dibayar?")]
    latest = user("ask_jkm", "Kalau penghasilan bapak waktu daftar 1 juta, santunan kematiannya jadi berapa?")
    said = texts((await run(ActionAnswer(), tracker(latest, earlier)))[0])
    assert "48 x upah = Rp48.000.000" in said
    ill = [user("ask_claim_jkm", "bapak sa meninggal karena sakit jantung")]
    said = texts((await run(ActionAnswer(), tracker(latest, ill)))[0])
    assert "Rp48.000.000" not in said


# ------------------------------------------------------------------------------ fifth round
def test_complaint_channels():
    text = "Mohon informasi alamat surat elektronik resmi dan kanal pengaduan lain yang tersedia."
    assert "complaint_channels" in names("ask_claim_jkm", text)
    assert "complaint_channels" not in names("ask_claim_jkm", "berkas klaim jkm apa saja?")


def test_unpaid_volunteers_are_no_labour_office_matter():
    from lingkar.signals import read_signals
    assert read_signals("guru mengaji kami tidak digaji tetap, hanya menerima infak").referral is None
    assert read_signals("gaji belum dibayar 3 bulan, lapor kemana?").referral == "labour_office"


async def test_a_phk_date_told_many_turns_before_still_makes_the_deadline():
    earlier = [user("ask_jkp", "Sa di-PHK tanggal 28 Juli 2026. Gaji terakhir 3,5 juta. masih bisa klaim JKP?")]
    earlier += [user("ask_jkp", q) for q in ("dapat brp sebulan?", "totalnya?", "syaratnya?", "kalau dapat kerja baru?",
                                             "jht bisa?", "saldo 18 juta lewat jmo bisa?")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkp", "Kalau sa tunda klaim JKP sampai Februari 2027?"),
                                                    earlier)))[0])
    assert "sudah terlewat" in said


async def test_a_story_of_stolen_data_gets_the_warning_and_what_registering_asks():
    text = ("Sa trauma, KTP sa pernah dipakai orang untuk pinjol. Sekarang mau daftar BPJS TK lewat aplikasi tapi "
            "takut data bocor. Data apa saja yang nanti diminta?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_documents", text))))[0])
    assert "NIK" in said


def test_a_storys_question_about_the_wage_deductions_is_the_employees_contribution():
    from actions.answers import settle_topic
    text = ("Sa baru lulus kuliah dan ini pertama kali sa kerja, gaji 4,5 juta. Teman kos sa bilang itu termasuk "
            "potongan untuk JKP juga. Sebenarnya yang dipotong dari gaji sa tiap bulan itu untuk apa saja dan berapa?")
    assert settle_topic(tracker(user("ask_jkp", text)), get_answers(), "ask_jkp") == "ask_contribution_pu"
    other = "gaji sy 4,5 juta, kalau di PHK dapat JKP berapa?"                  # no deduction asked
    assert settle_topic(tracker(user("ask_jkp", other)), get_answers(), "ask_jkp") == "ask_jkp"


def test_total_disability_names_the_scholarship_and_the_jht():
    answers = get_answers()
    detail = next(d for d in answers.details if d.name == "jkk_disability")
    said = answers.render_detail(detail, TODAY).text
    assert "Rp174 juta untuk 2 anak" in said and "JHT" in said


def test_an_employers_question_on_the_jht_and_jp_shares_is_the_contribution_not_jp():
    from actions.answers import settle_topic
    text = ("Kami dari bagian SDM dengan 35 karyawan. Mohon penjelasan mengenai komposisi iuran program Jaminan Hari "
            "Tua dan Jaminan Pensiun: berapa persen yang ditanggung perusahaan dan berapa persen yang dipotong dari "
            "upah karyawan? Terima kasih.")
    assert settle_topic(tracker(user("ask_contribution_pu", text)), get_answers(),
                        "ask_contribution_pu") == "ask_contribution_pu"
    one = "potongan jp dari gaji sy brp persen?"                                 # one programme: JP's own share
    assert settle_topic(tracker(user("ask_jp", one)), get_answers(), "ask_jp") == "ask_jp"


def test_a_projects_registration_procedure_names_its_deadline():
    text = "Mohon informasi tata cara pendaftaran perlindungan jaminan sosial bagi pekerja proyek."
    assert "jakon_deadline" in names("ask_construction", text)


async def test_how_often_a_migrant_worker_pays():
    earlier = [user("ask_migrant", "Anak sa mau berangkat kerja ke Taiwan lewat PT penempatan, kontrak 2 tahun.")]
    said = texts((await run(ActionAnswer(), tracker(user("ask_payment", "itu sekali bayar atau tiap bulan?"),
                                                    earlier)))[0])
    assert "tidak dibayar tiap bulan" in said and "Rp332.500" in said
    alone = texts((await run(ActionAnswer(), tracker(user("ask_payment", "iuran dibayar tiap bulan?"))))[0])
    assert "Iuran PMI" not in alone                                              # no migrant worker in sight
