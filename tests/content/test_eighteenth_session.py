"""Issue 12, eighteenth session: a sponsor's sums (counts written "1.200" or "5 desa masing-masing 50 orang", a
budget year "tahun depan" / "tahun 2027", months in words, how many people a budget pays for) and the data to gather
for the workers it pays for; someone who only introduces themselves is welcomed; the bot says it is a bot when asked
for a person; shame is met with "tidak perlu malu" and good news after an accident with joy; a lost KTP, the weather
at sea and first aid go to their offices. Real actions on Tracker fixtures, real content and facts."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer, ActionClarify, asks_member_data, introduces_only
from actions.leads import ActionMyData
from lingkar.facts import get_facts
from lingkar.signals import read_signals
from lingkar.wage_figures import budget_in, period_months, sponsor_line, with_counts

from .test_context import bot_answer, run, texts, tracker, user
from .test_fourteenth_session import TODAY, _after, frozen_today  # noqa: F401  (the autouse fixture too)


def _cost() -> int:
    return int(get_facts().value("gn.cost", TODAY))


def _rp(n: int) -> str:
    return "Rp" + f"{n:,}".replace(",", ".")


# ------------------------------------------------------------------------------ a sponsor's counts and periods
@pytest.mark.parametrize("text,count", [
    ("Pemkab mau tanggung 1.200 nelayan kecil dari APBD", "1200 nelayan"),
    ("Jika 5 desa masing-masing 50 orang, berapa setahun?", "250 orang"),
    ("50 orang per desa, ada 4 desa", "200 orang"),
    ("3 kelompok @ 20 petani", "60 petani"),
    ("Ada 25 anggota jemaat yang bekerja sebagai tukang parkir", "25 anggota"),
])
def test_counts_of_people_as_sponsors_write_them(text, count):
    assert count in with_counts(text)


@pytest.mark.parametrize("text,months", [
    ("selama dua belas bulan", 12),
    ("pakai Dana Desa tahun depan", 12),
    ("iuran mereka selama tahun 2027", 12),
    ("dari APBD 2027", 12),
    ("kalau cukup 10 bulan", 10),
    ("ikut sejak tahun 2021", None),      # a past year is no budget year
    ("sudah 3 tahun ikut", 36),
    ("berapa per orang", None),
])
def test_the_period_a_sponsor_names(text, months):
    assert period_months(text, TODAY) == months


def test_a_count_for_a_budget_year_is_summed_over_twelve_months():
    line = sponsor_line("Tabe, sa kades. Kita mo bayarkan iuran 60 petani pake Dana Desa tahun depan, berapami semua?",
                        TODAY)
    assert _rp(60 * _cost() * 12) in line


def test_a_count_with_a_thousands_separator_is_read_whole():
    line = sponsor_line("Berapa anggaran untuk 2.500 pekerja rentan selama dua belas bulan pada tahun 2027?", TODAY)
    assert "2.500 orang" in line and _rp(2500 * _cost() * 12) in line


def test_a_budget_says_how_many_people_it_pays_for_in_a_year():
    line = sponsor_line("Anggaran kami Rp 150 juta untuk tahun 2027. Cukup untuk berapa orang?", TODAY)
    each = _cost() * 12
    assert f"cukup untuk {150_000_000 // each} orang" in line and _rp(each) in line
    assert f"sisa {_rp(150_000_000 % each)}" in line


def test_a_budget_over_the_months_named():
    line = sponsor_line("dana CSR 50 jt, bisa untuk brp pekerja selama 6 bulan?", TODAY)
    assert f"cukup untuk {50_000_000 // (_cost() * 6)} orang" in line and "6 bulan" in line


@pytest.mark.parametrize("text,budget", [
    ("anggaran kami Rp 150 juta", 150_000_000),
    ("iurannya 16.800, kami punya 300 rb", None),          # a price and a small sum: no budget
])
def test_a_budget_is_a_sum_of_a_million_or_more(text, budget):
    assert budget_in(text) == budget


async def test_a_regency_asking_the_price_of_a_count_gets_the_year_too():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_gn_lingkaran", "Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD. Berapa per orang per "
                            "bulan?"))))[0])
    assert _rp(_cost()) in said and _rp(1200 * _cost() * 12) in said


async def test_the_total_for_a_year_asked_after_the_count():
    first = user("ask_gn_lingkaran", "Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD.")
    said = texts((await run(ActionClarify(), _after(user("nlu_fallback", "Kalau anggarannya hanya cukup 10 bulan?"),
                                                    (first, bot_answer("ask_gn_lingkaran")))))[0])
    assert _rp(1200 * _cost() * 10) in said


# ------------------------------------------------------------------------------ the data a sponsor gathers
@pytest.mark.parametrize("text,asks", [
    ("Data apa yg perlu sy kumpulkan dari warga?", True),
    ("Data apa yang diperlukan per orang?", True),
    ("Data apa yang harus kami siapkan?", True),
    ("data sy apa aja yg tersimpan", False),
    ("sy mau lihat data yang sudah sy kasih", False),
])
def test_which_data_to_gather_for_others(text, asks):
    assert asks_member_data(text) is asks


async def test_a_village_asking_what_data_to_gather_gets_each_workers_data_not_its_own():
    first = user("ask_gn_lingkaran", "Sy kepala desa. Desa mau bayarkan iuran utk petani dan nelayan miskin.")
    said = texts((await run(ActionMyData(), _after(user("my_data", "Data apa yg perlu sy kumpulkan dari warga?"),
                                                   (first, bot_answer("ask_gn_lingkaran")))))[0])
    assert "NIK" in said and "KTP" in said and "tersimpan" not in said


async def test_a_first_message_asking_data_and_price_gets_both():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_contribution_bpu", "Saya staf Bappeda. Pemkab berencana membayar iuran 200 petani dari APBD 2027. Data "
                                "apa saja yang harus dikumpulkan dari tiap petani, dan berapa iuran per orang?"))))[0])
    assert "NIK" in said and "GN Lingkaran" in said and _rp(200 * _cost() * 12) in said


async def test_a_worker_asking_the_papers_of_their_own_registration_gets_no_sponsors_list():
    said = texts((await run(ActionAnswer(), tracker(user("ask_documents", "syarat daftar bpu apa aja?"))))[0])
    assert "yang Anda bayari" not in said


# ------------------------------------------------------------------------------ introductions, bots, privacy
@pytest.mark.parametrize("text,only", [
    ("Selamat pagi, saya staf Disnakertrans Kabupaten Buton Tengah.", True),
    ("Halo, sy ketua koperasi tani di Konawe Utara.", True),
    ("Selamat pagi, saya kontraktor kecil di Buton Utara.", True),
    ("Selamat malam, sy mau tanya soal kecelakaan kerja.", False),   # a question already
    ("Selamat pagi, saya staf HRD, iuran JKK berapa persen?", False),
    ("saya staf Disnakertrans", False),                               # no greeting: not a hello
])
def test_an_introduction_without_a_question(text, only):
    assert introduces_only(text) is only


async def test_an_introduction_is_welcomed_and_invited_to_ask():
    said = texts((await run(ActionClarify(), tracker(user(
        "nlu_fallback", "Assalamualaikum, saya Camat di Wawonii, Konawe Kepulauan."))))[0])
    assert said.startswith("Waalaikumsalam") and "Silakan" in said and "belum paham" not in said


async def test_a_salam_before_an_unclear_question_is_returned():
    said = texts((await run(ActionClarify(), tracker(user(
        "nlu_fallback", "Assalamualaikum, adik sy mau kerja ke Malaysia lewat perusahaan penempatan."))))[0])
    assert said.startswith("Waalaikumsalam")


async def test_asking_for_a_person_is_told_this_is_a_bot():
    said = texts((await run(ActionAnswer(), tracker(user(
        "human_handoff", "Ko ini orang kah atau mesin? Sa mo bicara dengan petugas langsung."))))[0])
    assert "bot" in said and "175" in said


async def test_the_bot_says_what_it_can_be_asked():
    said = texts((await run(ActionAnswer(), tracker(user("bot_challenge", "ini bot ya? sy bs tny apa aja?"))))[0])
    assert "bot" in said and "JKK" in said and "klaim" in said


def test_what_a_phone_number_is_used_for_is_a_privacy_worry():
    assert read_signals("Apakah nomor telepon yang saya berikan akan dipergunakan untuk keperluan lain?").privacy


# ------------------------------------------------------------------------------ feelings and other offices
@pytest.mark.parametrize("text,feeling", [
    ("Malu sy mau tanya... sy cuma pemulung. Apa orang seperti sy bisa ikut BPJS TK?", "shame"),
    ("Sy malu mengakuinya, iuran perusahaan sy nunggak 6 bulan. Sy harus mulai dari mana?", "shame"),
    ("Puji Tuhan, anak sy yg jatuh dari perancah sdh boleh pulang dari RS. Kontrol masih ditanggung?", "joy"),
    ("anak sy jatuh dari perancah, masih dirawat di RS", "accident"),
])
def test_shame_and_good_news_after_an_accident(text, feeling):
    assert read_signals(text).feeling == feeling


async def test_shame_is_told_there_is_no_need():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_who_can_join", "Malu sy mau tanya... sy cuma pemulung. Apa orang seperti sy bisa ikut BPJS TK?"))))[0])
    assert said.startswith("Tidak perlu malu")


@pytest.mark.parametrize("text,referral", [
    ("KTP sy hilang kemarin di pasar, urusnya di mana?", "civil_registry"),
    ("Cuaca di Wangi-Wangi besok gimana ya, aman utk melaut?", "weather"),
    ("Kaki sy kena knalpot, melepuh. Dikasih odol boleh?", "medicine"),
    ("Pinggang sy sakit terus angkat karung semen. Enaknya minum jamu apa?", "medicine"),
    ("KTP sy sudah ada, daftar pakai apa lagi?", None),
])
def test_other_offices_questions(text, referral):
    assert read_signals(text).referral == referral


async def test_a_lost_ktp_goes_to_dukcapil_alone():
    said = texts((await run(ActionClarify(), tracker(user(
        "nlu_fallback", "KTP sy hilang kemarin di pasar, urusnya di mana?"))))[0])
    assert "Dukcapil" in said and "Maksudnya" not in said


def test_the_employer_duty_names_the_pension():
    from lingkar.texts import get_answers
    split = get_answers().render_split("ask_employer_not_registering", TODAY)
    assert "JP (pensiun)" in " ".join((split.short.text + " " + (split.rest.text if split.rest else "")).split())


def test_dates_are_today(frozen_today):  # noqa: F811
    assert TODAY == dt.date(2026, 12, 7)


async def test_a_sponsors_costed_message_misread_as_another_topic_gets_the_sponsors_sum():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_jp", "Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD. Berapa per orang per bulan?"))))[0])
    assert "GN Lingkaran" in said and _rp(1200 * _cost() * 12) in said and "Jaminan Pensiun" not in said


async def test_a_worker_asking_their_own_price_is_not_read_as_a_sponsor():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_contribution_bpu", "sy nelayan, iuran sebulan brp?"))))[0])
    assert "GN Lingkaran" not in said


# ------------------------------------------------------------------------------ after a death, after a JHT answer
async def test_what_the_family_gets_after_a_death_told_is_the_heirs_claim():
    death = user("ask_claim_jkm", "Selamat malam. Ibu saya meninggal minggu lalu karena sakit jantung.")
    said = texts((await run(ActionAnswer(), _after(user(
        "ask_contribution_bpu", "Beliau pedagang kue di Pasar Wameo, ikut BPU sejak 2021. Apa yang kami dapat?"),
        (death, bot_answer("ask_claim_jkm")))))[0])
    assert "JKM" in said and "ahli waris" in said.lower() and "golongan penghasilan" not in said


async def test_joining_oneself_after_a_death_is_not_the_heirs_claim():
    death = user("ask_claim_jkm", "Suami sy meninggal bulan lalu.")
    said = texts((await run(ActionAnswer(), _after(user(
        "ask_contribution_bpu", "sy mau ikut juga, apa yg sy dapat dan brp iurannya?"),
        (death, bot_answer("ask_claim_jkm")))))[0])
    assert "golongan penghasilan" in said or "Rp" in said


async def test_still_working_after_a_jht_answer_asks_the_partial_claim():
    first = user("ask_claim_jht", "gmn cara resmi cairkan jht?")
    said = texts((await run(ActionAnswer(), _after(user("ask_claim_jht", "sy msh kerja, bs cair?"),
                                                   (first, bot_answer("ask_claim_jht")))))[0])
    assert "sebagian" in said and "hanya sekali" in said


async def test_still_working_without_a_jht_answer_before_is_left_to_the_nlu():
    from actions.answers import partial_while_working_topic
    first = user("ask_jkk", "kecelakaan kerja ditanggung apa saja?")
    assert partial_while_working_topic(_after(user("ask_claim_jht", "sy msh kerja, bs cair?"),
                                              (first, bot_answer("ask_jkk"))), "sy msh kerja, bs cair?") is None


# ------------------------------------------------------------------------------ a sponsor spoken before; scholarships
async def test_a_count_after_a_congregation_spoke_as_a_sponsor_gets_the_sum():
    first = user("request_contact", "Tabe, sa pengurus masjid di Raha, Muna. Sa mo daftarkan guru-guru ngaji, bisaji?")
    said = texts((await run(ActionAnswer(), _after(user("ask_discount", "kami ada 15 guru ngaji, setahun berapa?"),
                                                   (first, bot_answer("request_contact")))))[0])
    assert _rp(15 * _cost() * 12) in said


async def test_the_data_per_person_after_an_official_spoke_of_vulnerable_workers():
    first = user("ask_who_can_join", "Kami ingin mendata pekerja rentan di 5 desa untuk didaftarkan. Siapa saja?")
    said = texts((await run(ActionAnswer(), _after(user("ask_who_can_join", "Data apa yang diperlukan per orang?"),
                                                   (first, bot_answer("ask_who_can_join")))))[0])
    assert "NIK" in said and "KTP" in said


async def test_what_the_family_gets_read_as_information_is_the_heirs_claim_too():
    from actions.eligibility import ActionInform
    death = user("ask_claim_jkm", "Selamat malam. Ibu saya meninggal minggu lalu karena sakit jantung.")
    said = texts((await run(ActionInform(), _after(user(
        "inform", "Beliau pedagang kue di Pasar Wameo, ikut BPU sejak 2021. Apa yang kami dapat?"),
        (death, bot_answer("ask_claim_jkm")))))[0])
    assert "JKM" in said and "Apa pekerjaan" not in said


@pytest.mark.parametrize("text,expected", [
    ("Suami sy meninggal krn sakit paru. Dia ikut BPU mandiri baru 2 tahun. Anak sy 3 orang masih kecil.",
     "belum memenuhi syarat"),
    ("Istri sy meninggal minggu lalu. Dia peserta BPU aktif sejak 2021. Anak kami sekarang 3.", "paling banyak"),
    ("Suami sy meninggal krn sakit, sdh ikut bpjs tk 4 tahun.", None),      # no children, no scholarship asked
])
def test_membership_years_told_with_children_after_a_death_say_the_scholarship(text, expected):
    from lingkar.wage_figures import membership_line
    line = membership_line("ask_claim_jkm", text, TODAY)
    assert (line is None) if expected is None else (expected in line)


# ------------------------------------------------------------------------------ years asked of the pension
async def test_years_short_of_fifteen_after_jp_get_the_lump_sum_rule():
    first = user("ask_jp", "Umur saya 57, ikut JP sejak 2015. Kapan saya bisa pensiun JP?")
    said = texts((await run(ActionClarify(), _after(user(
        "nlu_fallback", "Masa iur saya nanti baru sekitar 14 tahun, dapat bulanan?"),
        (first, bot_answer("ask_jp")))))[0])
    assert "15 tahun" in said and "sekaligus" in said


async def test_a_what_if_of_years_and_wage_after_jp_gets_the_formula():
    from rasa_sdk.executor import CollectingDispatcher

    from actions.answers import send_jp_formula_line
    d = CollectingDispatcher()
    assert send_jp_formula_line(d, "ask_jp", "Misalnya pas 15 tahun, rata2 gaji 5 jt, dapat berapa sebulan?")
    rate = float(get_facts().value("jp.accrual_rate", TODAY))
    assert _rp(round(rate / 100 * 15 * 5_000_000)) in d.messages[0]["text"]


def test_an_age_is_no_years_of_contributions():
    from actions.answers import jp_years_topic
    first = user("ask_jp", "kapan sy bisa pensiun JP?")
    t = _after(user("inform", "umur sy 57 tahun, dapat bulanan?"), (first, bot_answer("ask_jp")))
    assert jp_years_topic(t, "umur sy 57 tahun, dapat bulanan?") is None
    assert jp_years_topic(t, "kalau iurannya 20 tahun, dapat bulanan?") == "ask_jp"


async def test_a_claims_papers_in_a_sponsored_family_are_the_claims_not_the_sponsors():
    first = user("ask_claim_jkm", "Anak sa nelayan, dia meninggal tenggelam. Kata kepala desa, dia didaftarkan pemkab.")
    said = texts((await run(ActionAnswer(), _after(user("ask_documents", "dokumen apa saja?"),
                                                   (first, bot_answer("ask_claim_jkm")))))[0])
    assert "yang Anda bayari" not in said


@pytest.mark.parametrize("text,sent", [
    ("Saya tukang batu, tidak ikut kontraktor, biasanya dipanggil orang kampung. Bisa daftar sendiri?", True),
    ("kaki saya kena besi minggu lalu, sudah berobat bayar sendiri. bisa diganti?", False),
])
def test_a_self_employed_builder_is_told_of_the_bpu_route(text, sent):
    from lingkar.texts import get_answers
    names = [d.name for d in get_answers().details_for("ask_construction", text)]
    assert ("construction_self_employed" in names) is sent


def test_a_childs_age_after_the_pension_is_no_years_of_contributions():
    from actions.answers import jp_years_topic
    first = user("ask_jp", "kalau sy meninggal, pensiunnya untuk siapa?")
    text = "Adik bungsu saya masih 17 tahun, SMA. Dia dapat beasiswa juga?"
    assert jp_years_topic(_after(user("ask_scholarship", text), (first, bot_answer("ask_jp"))), text) is None


async def test_a_familys_papers_after_a_sponsored_death_are_the_claims():
    first = user("ask_claim_jkm", "Bapak sy nelayan, meninggal. Iurannya dibayar Pemkab lewat APBD.")
    said = texts((await run(ActionAnswer(), _after(user("ask_documents", "berkas apa saja yg perlu disiapkan "
                                                                        "keluarganya?"),
                                                   (first, bot_answer("ask_claim_jkm")))))[0])
    assert "yang Anda bayari" not in said
