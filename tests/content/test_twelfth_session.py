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


@pytest.mark.parametrize("text,expected", [
    ("Kecewa sa, kerja 8 tahun saldo JHT cuma sedikit. Sa mau ambil 30% buat DP rumah, katanya tidak boleh. Kenapa?",
     "Bila sudah 8 tahun jadi peserta: JHT belum bisa diambil sebagian"),
    ("sy sdh bekerja 11 thn, bisa ambil 10% JHT?", "Bila sudah 11 tahun jadi peserta: sudah memenuhi"),
    ("sdh 6 tahun jadi peserta, kerja 9 tahun. Bisa ambil JHT 10% dulu?", "Kepesertaan 6 tahun"),  # membership wins
])
def test_years_worked_count_for_a_partial_jht_claim_when_no_membership_is_told(text, expected):
    from lingkar.wage_figures import membership_line

    line = membership_line("ask_jht_partial", text, TODAY)
    assert line is not None and line.startswith(expected)
    if "8 tahun" in text:
        assert "kurang 2 tahun lagi" in line


def test_years_worked_are_no_membership_for_a_pension():
    from lingkar.wage_figures import membership_line

    assert membership_line("ask_jp", "kerja 8 tahun, dapat pensiun bulanan?", TODAY) is None


# ------------------------------------------------------------------------------ blocked claims and arrears
@pytest.mark.parametrize("topic,text,detail", [
    ("ask_claim_jht", "Ada karyawan kami yang resign bulan lalu, katanya JHT-nya tidak bisa cair. Kenapa?",
     "jht_claim_blocked"),
    ("ask_employer_not_registering", "iuran BPJS TK karyawan nunggak 4 bulan. Apa akibatnya buat karyawan?",
     "employer_arrears"),
    ("ask_late_payment", "iuran karyawan kami nunggak 3 bulan, apa akibatnya?", "employer_arrears"),
])
def test_a_blocked_jht_claim_and_an_employers_arrears_get_their_detail(topic, text, detail):
    from lingkar.texts import get_answers

    answers = get_answers()
    chosen = [d for d in answers.details_for(topic, text) if d.name == detail]
    assert chosen
    said = answers.render_detail(chosen[0], TODAY).text
    assert "tunggakan" in said and "175" in said


def test_a_self_employed_workers_late_payment_is_no_employers_arrears():
    from lingkar.texts import get_answers

    assert "employer_arrears" not in [d.name for d in get_answers().details_for(
        "ask_late_payment", "sy ojol telat bayar iuran 2 bulan, gmn?")]


# ------------------------------------------------------------------------------ dates told differently
@pytest.mark.parametrize("text,expected", [
    ("Tanggal 5 Agustus 2026 saya kena PHK karena pengurangan karyawan.", dt.date(2026, 8, 5)),
    ("Pada 12 Oktober 2026, saya di-PHK", dt.date(2026, 10, 12)),
    ("Sejak 3 Maret 2020 sy kerja, lalu di PHK", None),            # when the job began, not the PHK
])
def test_a_phk_date_told_before_the_word(text, expected):
    from lingkar.wage_figures import phk_date

    assert phk_date(text, TODAY) == expected


def test_a_phk_month_without_its_day_gives_the_deadline_month():
    from lingkar.wage_figures import MonthOnly, jkp_deadline_line, phk_date

    may = phk_date("Saya di-PHK dari perusahaan tambang di Konawe Utara awal Mei 2026.", TODAY)
    assert isinstance(may, MonthOnly) and (may.year, may.month, may.day) == (2026, 5, 1)
    line = jkp_deadline_line(may, TODAY)
    assert "sekitar November 2026" in line and "sudah lewat" in line and "1 November" not in line
    june = phk_date("kena phk akhir juni 2026", TODAY)
    assert june.day == 30 and "bulan ini" in jkp_deadline_line(june, TODAY)
    assert "masih sempat" in jkp_deadline_line(phk_date("di phk bulan juli 2026", TODAY), TODAY)


@pytest.mark.parametrize("text,expected", [
    ("Terakhir bayar iuran bulan Oktober 2026. Masih aktif?",
     "masih bisa dibayar sampai akhir Januari 2027"),
    ("bayar terakhir agustus, msh aktif?", "kepesertaan sudah berhenti"),
    ("terakhir sa bayar bulan desember", "masih aktif"),
])
def test_the_last_month_paid_tells_until_when_the_arrears_can_be_paid(text, expected):
    from lingkar.wage_figures import last_paid_line

    assert expected in last_paid_line(text, TODAY)


async def test_a_members_status_question_is_answered_not_checked():
    from actions.eligibility import ValidateEligibilityForm, member_status_topic

    text = ("Saya petani cengkeh di Kolaka Utara, ikut BPU JKK dan JKM saja sejak 2023. Terakhir bayar iuran bulan "
            "Oktober 2026. Masih aktif?")
    assert member_status_topic(text) == "ask_late_payment"
    assert member_status_topic("ikut bpu sejak 2021, masih aktif kah?") == "ask_late_payment"
    assert member_status_topic("sa petani umur 40, penghasilan 2 juta") is None
    assert ValidateEligibilityForm  # the form's first turn uses it (tests/eligibility cover the diversion itself)


# ------------------------------------------------------------------------------ unplaced questions by their words
@pytest.mark.parametrize("text,topic", [
    ("JKM itu apa lagi kah? Sa tra tau mi.", "ask_jkm"),
    ("Dari tadi saya baca JHT, JP, saya bingung. Sebenarnya bedanya apa?", "ask_jht"),
    ("jkk sama jkm bedanya apa", "ask_programs"),
    ("JHT sy cair kapan?", None),
])
def test_what_a_programme_is_and_how_two_differ(text, topic):
    from actions.answers import programme_question_topic

    assert programme_question_topic(text) == topic


def test_what_a_laid_off_worker_gets_and_a_fine_for_paying_late():
    from actions.answers import fine_topic, phk_benefit_topic

    assert phk_benefit_topic("Ko bilang BPJS TK bisa bantu kalau orang di-PHK, brapa dorang kasi?") == "ask_jkp"
    assert phk_benefit_topic("kena phk, saldo jht sy brp?") is None
    assert fine_topic("ada dendanya?") == "ask_late_payment"
    assert fine_topic("perusahaan yg tdk mendaftarkan kena denda?") is None


def test_confusion_is_reassured_not_pitied():
    from lingkar.signals import read_signals

    assert read_signals("Maaf saya orang kampung. Dari tadi saya baca JHT, JP, saya bingung.").feeling == "unsure"
    assert read_signals("sa baru kena phk, bingung mau bagaimana").feeling == "distress"


def test_a_bagan_fisher_is_a_fisher_and_a_campaign_question_is_politics():
    from lingkar.signals import read_signals

    assert match_occupation("Sa ini pa'bagang di Bombana").key == "nelayan"
    assert read_signals("Menurut kamu calon gubernur Sultra yang paling bagus siapa?").referral == "politics"


# ------------------------------------------------------------------------------ follow-ups about the worker
def test_a_foreigner_telling_their_work_gets_who_may_join():
    from actions.eligibility import foreign_worker_topic

    assert foreign_worker_topic("Saya WNA dari Tiongkok, sudah 8 bulan kerja di smelter di Morosi, Konawe.") == \
        "ask_who_can_join"
    assert foreign_worker_topic("Sa pekerja dari Filipina, kerja di smelter Morosi sudah 8 bulan.") == \
        "ask_who_can_join"
    assert foreign_worker_topic("sa kerja di smelter Morosi sudah 8 bulan") is None


def test_am_i_covered_too_after_telling_the_work_is_who_may_join():
    from actions.answers import own_join_topic

    told = user("inform", "Saya WNA dari Tiongkok, sudah 8 bulan kerja di smelter di Morosi, Konawe.")
    assert own_join_topic(tracker(user("nlu_fallback", "saya peserta juga?"), [told]), "saya peserta juga?") == \
        "ask_who_can_join"
    assert own_join_topic(tracker(user("nlu_fallback", "saya peserta juga?")), "saya peserta juga?") is None


def test_a_contact_request_needs_a_word_of_contact():
    from lingkar.signals import topic_allowed

    assert not topic_allowed("request_contact", "saya peserta juga?")
    for asked in ("tolong hubungi saya", "sy mau didaftarkan", "wa sy ya nanti", "kirim agen ke desa kami",
                  "bisa dijemput bola ga? sy di kampung", "simpan kontak sy"):
        assert topic_allowed("request_contact", asked), asked
    assert topic_allowed("request_contact", "/request_contact")   # a button's payload needs no words


def test_what_the_boss_pays_after_the_deduction_is_the_contribution_again():
    from actions.eligibility import employer_share_topic

    earlier = [user("ask_contribution_pu", "Saya karyawan toko, gaji 3 juta. Berapa potongan dari gaji saya?")]
    latest = user("check_eligibility", "terus bos saya bayar berapa?")
    assert employer_share_topic(tracker(latest, earlier), "terus bos saya bayar berapa?") == "ask_contribution_pu"
    assert employer_share_topic(tracker(latest, earlier), "sa petani umur 40") is None
    other = [user("ask_jkm", "JKM itu apa?")]   # no wage earners' contribution before: the check may be meant
    assert employer_share_topic(tracker(latest, other), "terus bos saya bayar berapa?") is None


@pytest.mark.parametrize("text,topic", [
    ("Bapak saya kerja di tambak udang milik perusahaan di Kolaka, gajinya 2,5 juta dan sudah didaftarkan BPJS TK. "
     "Minggu lalu beliau tersengat listrik dari pompa air di tambak dan meninggal. Kami masih syok. Perusahaan bilang "
     "akan bantu urus, tapi kami mau tahu berapa hak kami?", "ask_claim_jkm"),
    ("Suami saya meninggal jatuh di proyek, perusahaannya tidak mendaftarkan dia. Apa hak kami?",
     "ask_employer_not_registering"),
    # a death told as the reason to join, whose question is the cost for others: not a claim
    ("Adik sa meninggal tertimpa pohon waktu bantu sa di kebun, dan dia tidak punya BPJS TK. Kalau sa yang bayarkan "
     "untuk 3 orang adik sa, sebulan berapa?", "ask_employer_not_registering"),
])
def test_a_death_at_work_asking_what_the_family_is_owed_is_the_heirs_claim(text, topic):
    from actions.answers import settle_topic
    from lingkar.texts import get_answers

    assert settle_topic(tracker(user("ask_employer_not_registering", text)), get_answers(),
                        "ask_employer_not_registering") == topic


def test_an_agents_duties_are_named():
    from lingkar.texts import get_answers

    said = get_answers().render("ask_agent", TODAY).text
    assert "sosialisasi" in said and "mengajak" in said and "membantu klaim" in said


async def test_a_name_and_phone_given_with_a_question_are_not_kept_and_staff_are_offered():
    from actions.answers import ActionAnswer

    text = "ok sa mau daftar, nama sa La Ode Hamid, HP 0853-1122-7788"
    msgs, events = await run(ActionAnswer(), tracker(user("ask_register", text)))
    said = texts(msgs)
    assert "belum ada yang saya simpan" in said and "Ya, hubungi saya" in said
    assert said.count("belum ada yang saya simpan") == 1
    assert not any(e.get("name") in ("name", "phone") for e in events)       # nothing kept without consent
    assert "0853" not in said and "Hamid" not in said


def test_a_self_employed_income_below_the_lowest_says_what_it_is_counted_from():
    from lingkar.wage_figures import occupation_line

    line = occupation_line("nelayan", 800000, TODAY)
    assert "(dihitung dari yang terendah, Rp1.000.000)" in line and "Rp16.800" in line
    assert "dihitung dari yang terendah" not in occupation_line("nelayan", 1500000, TODAY)


async def test_a_follow_up_about_the_scholarship_after_a_work_death_is_not_jkks_multiple():
    from rasa_sdk.executor import CollectingDispatcher

    from actions.answers import send_work_death_line
    from lingkar.texts import get_answers

    told = user("ask_claim_jkm", "Suami saya meninggal kecelakaan di tambang nikel. Gajinya 4 juta sebulan.")
    for asked, sent in (("yang SD dapat berapa setahun?", False), ("jadi total dapat berapa?", True)):
        dispatcher = CollectingDispatcher()
        assert send_work_death_line(dispatcher, get_answers(), "ask_claim_jkm", asked, TODAY,
                                    tracker(user("ask_claim_jkm", asked), [told])) is sent, asked


async def test_a_jht_balance_asked_after_a_death_is_the_heirs_and_so_are_its_documents():
    from actions.answers import ActionAnswer, claim_documents_topic

    death = user("ask_claim_jkm", "Bapak saya meninggal tadi malam di Muna karena sakit. Apa yang bisa keluarga urus?")
    balance = user("ask_balance", "bapak juga ikut JHT, saldonya bagaimana?")
    said = texts((await run(ActionAnswer(), tracker(balance, [death])))[0])
    assert "saldo JHT-nya dicairkan ahli waris" in said
    said = texts((await run(ActionAnswer(), tracker(user("ask_balance", "saldo JHT sy brp?"))))[0])
    assert "dicairkan ahli waris" not in said                     # nobody died: the worker's own balance
    docs = tracker(user("ask_documents", "dokumennya apa saja?"), [death, balance])
    assert claim_documents_topic(docs, "ask_documents", "dokumennya apa saja?") == "ask_claim_jkm"


# ------------------------------------------------------------------------------ short questions in context
def test_a_question_naming_a_programme_is_no_goodbye():
    from rasa_plugins.nlu.classifier import asks_a_case

    assert asks_a_case("oh itu sudah sama JHT?", "goodbye")
    assert not asks_a_case("sudah dulu ya", "goodbye") and not asks_a_case("ok bye", "goodbye")


def test_fear_of_reporting_the_employer_is_the_employers_duty():
    from lingkar.signals import named_topic

    assert named_topic("ask_contribution_pu", "saya takut dipecat kalau lapor") == "ask_employer_not_registering"


async def test_a_short_cost_question_the_nlu_could_not_place_is_the_cost():
    from actions.answers import ActionClarify

    text = "kalau saya bayar November sama Desember sekarang, berapa totalnya?"
    latest = user("nlu_fallback", text, [("nlu_fallback", 0.4), ("ask_jkm", 0.3), ("ask_payment", 0.2)])
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    # the self-employed contribution, as the total of the two months asked (nineteenth session: November is owed on
    # 7 December, December is this month), never JKM
    assert "pekerja mandiri" in said and "Jaminan Kematian" not in said
    assert "November 2026 s.d. Desember 2026" in said and "total" in said


async def test_a_school_level_asked_after_the_scholarship_gets_the_yearly_amounts():
    from actions.answers import ActionClarify

    earlier = user("ask_scholarship", "kalau saya meninggal karena sakit anak saya dapat beasiswa?")
    latest = user("nlu_fallback", "anak saya satu kuliah di Kendari, berapa setahun?")
    t = tracker(latest, [earlier])
    t.events.insert(1, {"event": "bot", "text": "Beasiswa ...", "metadata": {"lingkar_answer": {
        "topic": "ask_scholarship", "on": TODAY.isoformat(), "part": "short"}}})
    said = texts((await run(ActionClarify(), t))[0])
    assert "kuliah Rp12 juta" in said


def test_a_self_employed_income_in_an_unconfirmed_bracket_is_said_with_where_to_check_it():
    from lingkar.eligibility import acknowledgement

    said = acknowledgement({"occupation": "petani", "income": 1500000}, TODAY).text
    assert "Untuk penghasilan Rp1.500.000" in said and "175" in said and "JMO" in said
    lowest = acknowledgement({"occupation": "petani", "income": 800000}, TODAY).text
    assert "Untuk penghasilan" not in lowest     # a confirmed bracket: its figures come with the form's reply


def test_a_member_telling_their_jht_balance_is_answered_not_checked():
    from actions.eligibility import balance_topic

    assert balance_topic("Saya sudah 12 tahun jadi peserta JHT dan masih bekerja. Saldo saya 40 juta.") == "ask_jht"
    assert balance_topic("sa petani, penghasilan 2 juta") is None


# ------------------------------------------------------------------------------ employers, sponsors, teachers
def test_jp_asked_alone_for_a_wage_above_the_cap_gets_jps_shares_on_the_cap():
    from lingkar.wage_figures import jp_contribution_line

    line = jp_contribution_line(15_000_000, TODAY)
    assert "batas upah JP Rp11.086.300" in line and "Rp221.726" in line and "Rp110.863" in line
    assert "Rp300.000" not in line


def test_a_year_of_contributions_for_a_villages_workers():
    from lingkar.wage_figures import count_line

    asked = ("Untuk tahun anggaran 2027 kami berencana menanggung iuran JKK dan JKM bagi 50 pekerja rentan di desa "
             "kami. Berapa anggaran yang perlu kami siapkan per bulan dan per tahun?")
    assert "12 bulan: Rp10.080.000" in count_line("ask_gn_lingkaran", asked, TODAY)


def test_jp_for_the_self_employed_and_the_programmes_full_names():
    from actions.answers import settle_topic
    from lingkar.texts import get_answers

    asked = ("Saya mau tetap ikut sebagai peserta mandiri. Kalau sudah jadi BPU, saya masih bisa lanjut bayar JP "
             "sendiri?")
    assert settle_topic(tracker(user("ask_late_payment", asked)), get_answers(), "ask_late_payment") == "ask_jp"
    names = "Mohon disebutkan kelima program beserta kepanjangannya."
    assert settle_topic(tracker(user("ask_naming", names)), get_answers(), "ask_naming") == "ask_programs"
    assert settle_topic(tracker(user("ask_naming", "singkatan BPJS TK apa?")), get_answers(),
                        "ask_naming") == "ask_naming"
    details = [d.name for d in get_answers().details_for("ask_programs", names)]
    assert "programme_names" in details
    assert "programme_names" not in [d.name for d in get_answers().details_for("ask_naming", "singkatan BPJS TK apa?")]


def test_a_collector_asking_for_members_data_is_refused_and_a_village_protecting_workers_is_gn_lingkaran():
    from lingkar.signals import named_topic, read_signals

    assert read_signals("boleh sy minta data peserta bpu di baubau yg nunggak, biar sy tagih?").others_data
    assert named_topic("nlu_fallback", "Saya Kepala Desa. Kami ingin melindungi pekerja rentan di desa lewat BPJS "
                                       "Ketenagakerjaan.") == "ask_gn_lingkaran"


def test_a_wage_of_the_deceased_after_a_death_keeps_jkks_figures():
    from actions.eligibility import _SOMEONE_ELSE

    assert _SOMEONE_ELSE.search("Gaji bapak 3,5 juta sebulan.")
    assert not _SOMEONE_ELSE.search("sa pu penghasilan tra tentu, kadang cuma 800 ribu")


def test_the_scholarship_levels_follow_up_never_takes_another_details_place():
    from lingkar.texts import get_answers

    names = [d.name for d in get_answers().details]
    assert names[-1] == "scholarship_levels"
    said = get_answers().render_detail(get_answers().details[-1], TODAY).text
    assert "kuliah Rp12 juta" in said and "berusia 23 tahun" in said


# ------------------------------------------------------------------------------ dev19's classes
@pytest.mark.parametrize("intent,text,topic", [
    ("ask_construction", "Sa baru kena PHK dari kontraktor tambang nikel di Konawe Utara. Sudah dua malam sa tra bisa "
                         "tidur, bagaimana mi kami mo makan bulan depan?", "ask_jkp"),
    ("ask_construction", "kontraktor sy di PHK, nilai kontrak proyeknya 2 miliar, iurannya brp?", "ask_construction"),
    ("ask_contribution_bpu", "iuran kelas 3 untuk berobat di rumah sakit sebulan berapa?", "ask_health"),
    ("ask_programs", "bede mahal kah kalo ikut tiga program sekaligus?", "ask_contribution_bpu"),
    ("ask_employer_not_registering", "Sekolah tra sanggup daftarkan guru honor. Kalau sa daftar sendiri sebagai "
                                     "pekerja mandiri, bisa kah, dan berapa iurannya sebulan?", "ask_contribution_bpu"),
])
def test_topics_settled_by_what_the_message_says(intent, text, topic):
    from actions.answers import settle_topic
    from lingkar.texts import get_answers

    assert settle_topic(tracker(user(intent, text)), get_answers(), intent) == topic


def test_a_worried_worker_who_names_the_work_and_wants_to_join_gets_the_price():
    from actions.answers import joining_worry_topic
    from lingkar.signals import read_signals

    text = ("Sa penjahit kecil di Baubau, sebulan paling dapat 800 ribu. Sa mau sekali ikut BPJS TK biar anak-anak ada "
            "pegangan, tapi uang sa pas-pasan sekali. Memang mahal kah?")
    assert joining_worry_topic(text, read_signals(text)) == "ask_contribution_bpu"
    assert joining_worry_topic("sa mau ikut BPJS TK", read_signals("sa mau ikut BPJS TK")) is None   # no work named


def test_what_never_happened_names_no_topic_and_a_death_story_asking_the_total_is_the_claim():
    from actions.answers import claim_for_feeling
    from lingkar.signals import named_topic, read_signals

    text = ("Dia ikut BPJS TK mandiri empat tahun, tra pernah telat bayar. Bulan lalu dia meninggal karena sakit "
            "ginjal. Sa mau tahu, total yang keluarga dapat itu berapa?")
    assert named_topic("nlu_fallback", text) is None
    assert named_topic("nlu_fallback", "sy telat bayar 2 bulan") == "ask_late_payment"
    assert claim_for_feeling(read_signals(text), text) == "ask_claim_jkm"


def test_a_road_accident_while_delivering_is_no_traffic_referral_and_other_words():
    from actions.answers import _BARE_PROGRAMME
    from lingkar.form_words import plan_said
    from lingkar.signals import read_signals

    assert read_signals("sa ditabrak mobil dari belakang waktu antar pesanan").referral is None
    assert read_signals("sa ditabrak mobil waktu jalan-jalan sore").referral == "traffic"
    assert read_signals("ko jangan tipu e, betul kah BPU tra bisa ikut pensiun bulanan?").scam is False
    assert read_signals("cara lapor SPT tahunan bagaimana?").referral == "tax"
    assert _BARE_PROGRAMME.fullmatch("terus yang JP?")
    assert plan_said("oh begitu, nanti sa tanya di kantor desa") and not plan_said("oh begitu, nanti bayar di mana?")


@pytest.mark.parametrize("topic,text,detail", [
    (None, "Bulan lalu sa kasih 300 ribu ke orang yang mengaku agen BPJS. Sampai sekarang tra ada kartu.",
     "fake_agent"),
    ("ask_jp", "minimal berapa tahun bayar?", "jp_min_years"),
    ("ask_jht_partial", "berapa persen?", "jht_partial_shares"),
])
def test_details_for_a_fake_agent_jps_years_and_the_partial_shares(topic, text, detail):
    from lingkar.texts import get_answers

    answers = get_answers()
    found = [d for d in answers.details_for(topic, text) if d.name == detail]
    assert found, [d.name for d in answers.details_for(topic, text)]
    said = answers.render_detail(found[0], TODAY).text
    assert {"fake_agent": "NIK", "jp_min_years": "15 tahun", "jht_partial_shares": "30%"}[detail] in said


def test_conditions_asked_after_a_benefit_are_that_benefit_and_ordinary_illness_paid_out_of_pocket_is_health():
    from actions.answers import claim_documents_topic
    from lingkar.signals import named_topic

    asked = user("ask_scholarship", "anak bisa dapat beasiswa?")
    t = tracker(user("ask_documents", "syaratnya apa?"), [asked])
    t.events.insert(1, {"event": "bot", "text": "Beasiswa ...", "metadata": {"lingkar_answer": {
        "topic": "ask_scholarship", "on": TODAY.isoformat(), "part": "short"}}})
    assert claim_documents_topic(t, "ask_documents", "syaratnya apa?") == "ask_scholarship"
    assert claim_documents_topic(t, "ask_documents", "berkas apa saja?") != "ask_scholarship"
    assert named_topic("nlu_fallback", "Waktu sa sakit tipes, sa disuruh bayar sendiri di klinik. Buat apa sa "
                                       "bayar?") == "ask_health"


def test_regressions_found_on_the_tuning_sets():
    from actions.answers import _BENEFIT_QUESTION, settle_topic
    from lingkar.signals import named_topic
    from lingkar.texts import get_answers

    # "Jaminan Manfaat Online" is a wrong name of JMO, no programme
    asked = "itu JMO singkatan Jaminan Manfaat Online kah?"
    assert settle_topic(tracker(user("ask_naming", asked)), get_answers(), "ask_naming") == "ask_naming"
    # a monthly total after adding JHT is the contribution's, not a benefit's
    assert not _BENEFIT_QUESTION.search("jadi total brp sebulan?")
    assert _BENEFIT_QUESTION.search("totalnya berapa kalau 6 bulan?")
    # a village's question on checking its workers' status is no GN Lingkaran question
    assert named_topic("nlu_fallback", "pemkab daftarkan 50 org pekerja rentan per desa. Cara ceknya gmn?") is None


async def test_a_members_own_road_accident_on_the_job_is_the_jkk_claim_without_a_check_offer():
    from actions.answers import ActionClarify
    from lingkar.signals import read_signals

    text = ("Sa ojol di Kendari, sudah ikut BPJS TK mandiri sejak tahun lalu. Minggu lalu sa ditabrak mobil dari "
            "belakang waktu antar pesanan, kaki sa luka. Yang sa mau tanya, biaya rumah sakitnya siapa yang tanggung?")
    assert read_signals(text).feeling == "accident"
    latest = user("nlu_fallback", text, [("nlu_fallback", 0.4), ("ask_claim_jkk", 0.3)])
    latest["entities"] = [{"entity": "occupation", "value": "ojol"}]
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "tanpa batas biaya" in said and "Cek iuran saya" not in said


def test_a_childs_age_is_not_the_workers_and_after_a_death_it_gets_when_the_scholarship_starts():
    from rasa_sdk.executor import CollectingDispatcher

    from actions.answers import send_child_age_line, send_jkm_figure_doubt
    from lingkar.parsing.ages import parse_age

    assert parse_age("anaknya satu, umur 3 tahun") is None and parse_age("anak sy 2, umur sy 41") == 41
    death = user("ask_jkk_commute", "Suami sa kecelakaan motor waktu berangkat kerja, meninggal di tempat.")
    dispatcher = CollectingDispatcher()
    assert send_child_age_line(dispatcher, tracker(user("inform", "anaknya satu, umur 3 tahun"), [death]),
                               "anaknya satu, umur 3 tahun")
    assert "masuk sekolah" in texts(dispatcher.messages)
    dispatcher = CollectingDispatcher()
    assert send_jkm_figure_doubt(dispatcher, tracker(user("inform", "jadi bukan 42 juta?"), [death]),
                                 "jadi bukan 42 juta?")
    assert "bukan JKM" in texts(dispatcher.messages)
    assert not send_jkm_figure_doubt(CollectingDispatcher(), tracker(user("inform", "jadi bukan 42 juta?")),
                                     "jadi bukan 42 juta?")     # no death at work told: no JKK figures


def test_regressions_of_the_last_round():
    from actions.answers import claim_for_feeling, joining_worry_topic, settle_topic
    from lingkar.signals import named_topic, read_signals
    from lingkar.texts import get_answers

    # wanting to join and asking the requirements is the registration's question, not the price
    asked = "sa petani rumput laut di Konsel, mo daftar BPJS TK, syaratnya apa?"
    assert joining_worry_topic(asked, read_signals(asked)) is None
    # an employer's fear of the cost is theirs to register their staff
    employer = "Sy punya bengkel las, karyawan 4 org, gaji masing2 2,5 jt. Blm sy daftarkan krn takut berat biayanya."
    assert joining_worry_topic(employer, read_signals(employer)) is None
    # a cost asked in one sentence after a neighbour's accident is the cost
    story = ("minggu lalu tetangga sy jatuh dr perahu, kakinya robek. jadi brp mi yg sy harus bayar utk iuran bulan "
             "desember ini utk sy sama istri berdua")
    assert claim_for_feeling(read_signals(story), story) is None
    # BPJS Kesehatan's own questions stay with it although they name another topic's words
    assert named_topic("ask_health", "sa mau bayar bpjs kesehatan sa yg nunggak, tp nomor va nya hilang") is None
    # an accident on the way home from work asked as "BPJS TK atau BPJS Kesehatan?" is JKK's
    commute = ("kemarin sore sy ditabrak mobil waktu pulang kerja dari toko bangunan tempat sy kerja, kaki sy patah. "
               "Apa ini ditanggung BPJS TK atau sy harus pakai BPJS Kesehatan?")
    assert settle_topic(tracker(user("ask_health", commute)), get_answers(), "ask_health") == "ask_jkk_commute"


def test_a_migrant_workers_cost_question_is_no_self_employed_price():
    from actions.answers import joining_worry_topic
    from lingkar.signals import read_signals

    text = ("sy Wa Ina dr Raha, Muna. bln depan sy mau brangkat kerja di kebun sawit Malaysia lwt PT penempatan, "
            "kontrak 2 thn. katanya wajib BPJS TK, brp yg hrs sy bayar?")
    assert joining_worry_topic(text, read_signals(text)) is None
