"""Issue 12, seventeenth session: a resignation's date (or only its month) gives the day JHT can be claimed, also
when the worker did not ask "kapan"; a JKP deadline asked with "dapat brp?" gets the amount too; one sentence that
joins two questions is read as two; where to get a death certificate (Dukcapil), a loan or credit asked of us, a
payout "asal bayar" (a scam); choosing the plan "yang ada JHT" is what JHT adds, not a withdrawal; JKP's tenure met
says what JKP pays; a migrant's contract length after the PMI answer gets its total however the NLU read it; the
greeting offers help and cancelling is said kindly. Real actions on Tracker fixtures, real
content."""
from __future__ import annotations

import datetime as dt

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, ActionClarify, adds_jht_cost, cost_topic
from actions.eligibility import ActionInform, health_over_check
from actions.more import ActionMoreDetail
from lingkar.signals import read_signals
from lingkar.texts import get_flow_texts
from lingkar.wage_figures import MonthOnly, jht_from_line, jkp_tenure_line, phk_date
from rasa_plugins.nlu.classifier import question_spans

from .test_context import bot_answer, run, texts, tracker, user
from .test_fourteenth_session import TODAY, _after, _details, frozen_today  # noqa: F401  (the autouse fixture too)


# ------------------------------------------------------------------------------ when JHT can be claimed
@pytest.mark.parametrize("text,expected", [
    ("sy keluar dr kerja bulan oktober", MonthOnly(2026, 10, 1)),
    ("resign akhir november", MonthOnly(2026, 11, 30)),
    ("sy sdh berhenti dari kapal bulan agustus", MonthOnly(2026, 8, 1)),
    ("sy resign tgl 25 november", dt.date(2026, 11, 25)),
    ("JHT sy bisa keluar bulan januari?", None),        # the money coming out, not leaving work
    ("sy berhenti bayar bulan oktober", None),          # stopping payments, not leaving work
    ("sy keluar kerja 3 bulan lalu", None),             # a duration (left_ago reads it)
])
def test_the_month_or_day_work_ended(text, expected):
    assert phk_date(text, TODAY, leaving=True) == expected


def test_a_month_without_a_day_says_the_month_jht_opens_and_whether_it_has():
    passed = jht_from_line(MonthOnly(2026, 10, 1), TODAY)
    assert "November 2026" in passed and "sekarang sudah bisa" in passed
    maybe = jht_from_line(MonthOnly(2026, 11, 1), TODAY)
    assert "Desember 2026" in maybe and "tergantung tanggal" in maybe
    later = jht_from_line(MonthOnly(2026, 12, 1), TODAY)
    assert "Januari 2027" in later and "sudah bisa" not in later


async def test_a_resignation_date_told_with_a_jht_claim_gets_the_day_without_asking_when():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_claim_jht", "sy baru resign dari resort di tomia tgl 25 november, mau cairkan jht"))))[0])
    assert "25 Desember 2026" in said


@pytest.mark.parametrize("follow_up", ["jd paling cepat tanggal brp?", "tgl brp bisa diajukan?"])
async def test_asking_the_day_after_a_resignation_date(follow_up):
    first = user("ask_claim_jht", "sy resign tgl 25 november, mau klaim jht")
    said = texts((await run(ActionAnswer(), _after(user("ask_claim_jht", follow_up),
                                                   (first, bot_answer("ask_claim_jht")))))[0])
    assert "25 Desember 2026" in said


async def test_a_jkp_deadline_asked_with_how_much_gets_the_amount_for_the_wage_told():
    first = user("ask_jkp", "Saya di-PHK akhir Oktober 2026 dari toko bangunan di Baubau, gaji 4 juta")
    said = texts((await run(ActionAnswer(), _after(user("ask_jkp", "masih sempat klaim? dapat brp?"),
                                                   (first, bot_answer("ask_jkp")))))[0])
    assert "April 2027" in said and "Rp2.400.000" in said


async def test_a_jkp_deadline_without_how_much_gets_no_amount():
    first = user("ask_jkp", "Saya di-PHK akhir Oktober 2026, gaji 4 juta")
    said = texts((await run(ActionAnswer(), _after(user("ask_jkp", "masih sempat klaim?"),
                                                   (first, bot_answer("ask_jkp")))))[0])
    assert "April 2027" in said and "Rp2.400.000" not in said


def test_jkp_tenure_met_says_what_jkp_pays():
    met = jkp_tenure_line("oh maaf sy salah, dia kerja 14 bulan", TODAY)
    assert "terpenuhi" in met and "60%" in met and "6 bulan" in met
    short = jkp_tenure_line("sy kerja baru 10 bulan", TODAY)
    assert "belum memenuhi" in short and "60%" not in short


# ------------------------------------------------------------------------------ two questions in one sentence
@pytest.mark.parametrize("text,parts", [
    ("Berapa iurannya sekarang untuk kurir, dan daftarnya di mana?",
     ["Berapa iurannya sekarang untuk kurir", "dan daftarnya di mana?"]),
    ("JKP nya brp sebulan, dan JHT sy 11 jt bisa diurus lewat hp?",
     ["JKP nya brp sebulan", "dan JHT sy 11 jt bisa diurus lewat hp?"]),
    ("Itu potongan untuk apa, terus kalau saya berhenti kerja uangnya bisa saya ambil?",
     ["Itu potongan untuk apa", "terus kalau saya berhenti kerja uangnya bisa saya ambil?"]),
    ("sy petani dan nelayan, brp iurannya?", ["sy petani dan nelayan, brp iurannya?"]),   # one question
    ("brp iuran utk sy dan istri?", ["brp iuran utk sy dan istri?"]),
])
def test_one_sentence_joining_two_questions_is_read_as_two(text, parts):
    assert [text[a:b].strip(" ,") for a, b in question_spans(text)] == parts


# ------------------------------------------------------------------------------ other offices, loans, scams
@pytest.mark.parametrize("text,referral", [
    ("Akta kematian itu bikinnya di mana?", "civil_registry"),
    ("Akta kematian suami saya belum ada, di Rumbia urusnya ke mana?", "civil_registry"),
    ("siapkan akta kematian dan KK", None),                          # a document listed, not asked where
    ("sekalian, bpjs tk bs kasih pinjaman utk bayar klinik kemarin?", "loan"),
    ("Koperasi BPJS Ketenagakerjaan bisa kasih kredit motor untuk ojol tidak?", "loan"),
    ("berobat pakai uang pinjaman, bisa diganti?", None),
])
def test_questions_for_other_offices(text, referral):
    assert read_signals(text).referral == referral


@pytest.mark.parametrize("text,scam", [
    ("ada yg DM sy di IG, katanya bs cairkan JHT sblm resign asal bayar 300rb. beneran?", True),
    ("ada jg yg minta KTP warga dikumpulkan buat bantuan bpjs, tp minta uang 50rb per org", True),
    ("sy mau bayar iuran asal bisa dicicil", False),
])
def test_a_payout_for_a_fee_is_a_scam(text, scam):
    assert read_signals(text).scam is scam


# ------------------------------------------------------------------------------ choosing the plan with JHT
@pytest.mark.parametrize("text,adds", [
    ("istri sy mau ambil yg ada jht nya jg, jadi brp?", True),
    ("Kalo sa ambil yang ada tabungannya juga, Januari brapa?", True),
    ("Berapa semuanya kalau ikut yang meninggal, kecelakaan sama hari tua?", True),
    ("klo ikut jht, kapan bisa diambil?", False),
    ("jht sy mau ambil sekarang", False),
])
def test_choosing_the_plan_with_jht_is_its_cost(text, adds):
    assert adds_jht_cost(text) is adds


@pytest.mark.parametrize("intent,text", [
    ("ask_jkk", "Kalo sa ambil yang ada tabungannya juga?"),
    ("ask_claim_jht", "eh tadi istri sy bilang dia mau ambil yg ada jht nya jg"),
])
async def test_the_plan_with_jht_after_the_contribution_is_priced_with_jht(intent, text):
    first = user("ask_contribution_bpu", "sy petani rumput laut, brp iuran bpjs tk sebulan?")
    said = texts((await run(ActionAnswer(), _after(user(intent, text),
                                                   (first, bot_answer("ask_contribution_bpu")))))[0])
    assert "Rp36.800" in said and "Pengobatan tanpa batas" not in said and "paklaring" not in said


# ------------------------------------------------------------------------------ courtesy
async def test_the_greeting_offers_help_and_cancelling_is_said_kindly():
    greeting = texts((await run(ActionAnswer(), tracker(user("greet", "selamat pagi"))))[0])
    assert "Ada yang bisa saya bantu?" in greeting
    flows = get_flow_texts()
    for name in ("lead_cancelled", "sponsor_cancelled"):
        assert "tidak apa-apa" in flows.render(name, TODAY).text


def test_how_long_until_the_card_is_issued_in_abbreviations():
    assert "card_days" in _details("ask_card", "brp lm kartu bpu jd stlh bayar?")


# ------------------------------------------------------------------------------ a migrant's contract, however read
@pytest.mark.parametrize("action,intent,text,expected", [
    (ActionMoreDetail(), "ask_more_detail", "kalau kontraknya cuma setahun?", "Rp226.500"),
    (ActionInform(), "inform", "eh bukan 2 tahun, kontraknya cuma 1 tahun", "Rp226.500"),
    (ActionClarify(), "nlu_fallback", "Kontrak suami saya diperpanjang 6 bulan lagi, iurannya tambah?", "Rp81.000"),
])
async def test_a_contract_length_after_the_pmi_answer_gets_its_total(action, intent, text, expected):
    first = user("ask_migrant", "Adik sy mau kerja ke Malaysia, iuran BPJS TK utk kontrak 2 tahun berapa?")
    said = texts((await run(action, _after(user(intent, text), (first, bot_answer("ask_migrant")))))[0])
    assert expected in said


async def test_a_contract_length_without_the_pmi_answer_before_is_no_pmi_total():
    first = user("ask_contribution_pu", "kontrak kerja sy 2 tahun di pabrik, potongan bpjs brp?")
    said = texts((await run(ActionMoreDetail(), _after(user("ask_more_detail", "kalau kontraknya cuma setahun?"),
                                                       (first, bot_answer("ask_contribution_pu")))))[0])
    assert "Rp226.500" not in said and "Rp189.000" not in said


# ------------------------------------------------------------------------------ a story whose question is the cost
@pytest.mark.parametrize("intent,text", [
    ("ask_jkk", "Saya kerja sebagai kurir paket di Kendari, tapi statusnya mitra, bukan karyawan. Bos bilang kami "
                "harus urus jaminan sendiri. Saya belum pernah daftar apa-apa karena pikir mahal. Kemarin saya hampir "
                "ditabrak truk di bypass. Berapa iurannya sekarang untuk kurir?"),
    ("ask_claim_jkk", "Saya tukang batu di Buranga. Saya tidak ikut kontraktor, biasanya dipanggil orang kampung untuk "
                      "bikin rumah. Minggu lalu teman saya tertimpa balok dan tidak punya jaminan apa-apa. Saya tidak "
                      "mau keluarga saya susah kalau saya celaka. Berapa iurannya sebulan?"),
])
async def test_a_story_of_an_accident_asking_the_workers_own_cost_gets_the_contribution(intent, text):
    said = texts((await run(ActionAnswer(), tracker(user(intent, text))))[0])
    assert "Rp16.800" in said and "Pengobatan tanpa batas" not in said


async def test_a_story_asking_what_the_accident_pays_keeps_the_benefit():
    text = ("Saya kurir paket di Kendari, sudah ikut BPU dan bayar iuran tiap bulan. Kemarin saya ditabrak truk di "
            "bypass waktu antar paket, kaki patah. Berapa yang ditanggung dan apa saya dapat ganti upah?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jkk", text))))[0])
    assert "Rp16.800" not in said


# ------------------------------------------------------------------------------ more of this session
def test_a_phk_month_without_a_year_is_the_latest_such_month():
    assert phk_date("eh sy salah, PHK-nya bukan kemarin, tp bulan Mei lalu. msh bs?", TODAY) == MonthOnly(2026, 5, 1)
    assert phk_date("di PHK bulan desember ini", TODAY) == MonthOnly(2026, 12, 1)
    assert phk_date("di-PHK, mei sy pindah ke kendari", TODAY) is None   # no "bulan": not read


def test_where_to_get_a_death_certificate_asked_in_the_next_sentence():
    text = "Untuk klaim santunan suami saya diminta akta kematian. Itu bikinnya di mana? Saya tinggal di Mawasangka."
    assert read_signals(text).referral == "civil_registry"


async def test_a_loan_asked_after_an_accident_is_another_offices_question():
    first = user("ask_claim_jkk", "Suami saya tukang las, matanya kena percikan las di galangan kapal")
    said = texts((await run(ActionAnswer(), _after(
        user("ask_claim_jkk", "Sambil menunggu, BPJS TK bisa kasih pinjaman untuk kebutuhan dapur?"),
        (first, bot_answer("ask_claim_jkk")))))[0])
    assert "bukan lembaga pinjaman" in said


def test_declining_consent_is_said_kindly():
    assert "tidak apa-apa" in get_flow_texts().render("consent_refused", TODAY).text


def test_a_school_year_is_no_class_of_care():
    assert health_over_check("Eh keliru, cucu saya sudah SMP kelas 1, tahun ini baru masuk.") is None
    assert health_over_check("bpjs sa kelas 3, bisa naik kelas 1?") == "ask_health"


async def test_a_childs_school_year_after_a_death_gets_the_scholarship_not_a_check():
    from actions.eligibility import ValidateEligibilityForm
    first = user("ask_claim_jkm", "Anak laki-laki saya meninggal karena sakit tahun ini, cucu saya kelas 6 SD")
    t = _after(user("check_eligibility", "Eh keliru, cucu saya sudah SMP kelas 1, tahun ini baru masuk."),
               (first, bot_answer("ask_claim_jkm")))
    t.active_loop = {}
    said = texts((await run(ValidateEligibilityForm(), t))[0])
    assert "SMP Rp2 juta" in said and "pekerjaan" not in said.lower()


@pytest.mark.parametrize("text,feeling", [
    ("seharian sy narik di bypass, panas, capek... td hampir diserempet truk", "distress"),  # tired, not angry
    ("perusahaan tempat sy kerja tutup, bos kabur!! gaji 2 bulan blm dibayar", "distress"),
    ("capek sy bolak balik kantor cabang, klaim sy tdk selesai2", "anger"),               # sent back and forth
])
def test_tiredness_and_an_employer_gone_are_hard_times(text, feeling):
    assert read_signals(text).feeling == feeling


@pytest.mark.parametrize("text,topic", [
    ("sy blm ikut bpjs tk, mahal kah?", "ask_contribution_bpu"),
    ("iurannya murah ga?", "ask_contribution_bpu"),
    ("obatnya mahal kah?", None),                      # not our price
])
def test_whether_joining_is_dear_is_a_cost_question(text, topic):
    assert cost_topic(text) == topic


async def test_a_story_of_a_loss_asking_the_monthly_price_of_joining_gets_the_contribution():
    text = ("nyesal sy... dulu suami ditawari ikut bpjs tk tp dia tdk mau, katanya buang2 uang. skrg dia sdh tiada, "
            "sakit stroke, kami tdk dapat apa2. sy skrg jualan sayur di Pasar Baruga, mau daftar biar anak2 tdk "
            "begini lagi. brp sebulan?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jkm", text))))[0])
    assert "Rp16.800" in said and "akta kematian" not in said


@pytest.mark.parametrize("text", ["jadi tdk wajib?", "jadi gmn?"])
async def test_a_question_read_as_cancel_outside_a_form_is_about_what_was_just_said(text):
    first = user("ask_jht", "jht utk pekerja mandiri wajib kah?")
    said = texts((await run(ActionAnswer(), _after(user("cancel", text), (first, bot_answer("ask_jht")))))[0])
    assert "dibatalkan" not in said and "JHT" in said


async def test_cancel_outside_a_form_without_a_question_is_still_cancel():
    first = user("ask_jht", "jht utk pekerja mandiri wajib kah?")
    said = texts((await run(ActionAnswer(), _after(user("cancel", "batal"), (first, bot_answer("ask_jht")))))[0])
    assert "dibatalkan" in said


async def test_the_legal_basis_asked_with_a_topic_names_its_regulations():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_claim_jht", "Saya ingin menanyakan dasar hukum yang berlaku untuk pencairan JHT bagi pekerja yang "
                         "mengundurkan diri."))))[0])
    assert "Permenaker 4/2022" in said and "Sumber angka" in said


async def test_a_topic_asked_without_the_legal_basis_lists_no_sources():
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jht", "cara cairkan jht gimana?"))))[0])
    assert "Sumber angka" not in said


def test_anger_told_with_a_follow_up_is_acknowledged_before_its_figures():
    from actions.answers import mood_before
    from lingkar.texts import get_answers
    text = "sy kerja 8 thn, jht sy cuma 14 juta. sakit hati sy, kemana uang sy selama ini??"
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="earlier")
    dispatcher.utter_message(text="figures")
    mood_before(dispatcher, tracker(user("ask_jht", text)), get_answers(), read_signals(text), 1, TODAY)
    said = [m["text"] for m in dispatcher.messages]
    assert said[0] == "earlier" and "kesal" in said[1] and said[2] == "figures"


def test_a_mood_acknowledged_in_the_last_turn_is_not_said_again():
    from actions.answers import mood_before
    from lingkar.texts import get_answers
    answers = get_answers()
    sentence = answers.render_snippet("feeling_anger", TODAY).text
    t = _after(user("ask_jht", "sakit hati sy, jht sy kok kecil?"),
               (user("ask_jht", "kesal sy, saldo jht sy cuma 14 juta"), {"event": "bot", "text": sentence}))
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(text="figures")
    mood_before(dispatcher, t, answers, read_signals("sakit hati sy, jht sy kok kecil?"), 0, TODAY)
    assert [m["text"] for m in dispatcher.messages] == ["figures"]


def test_until_when_for_another_kind_of_work_after_the_discount():
    from actions.answers import follow_up_topic
    assert follow_up_topic("ask_contact", "klo istri sy yg jual kue online, sama jg kah sampai kapan nya?",
                           "ask_discount") == "ask_discount"
    assert follow_up_topic("ask_contact", "klo istri sy mau tanya ke kantor cabang sampai kapan bukanya?",
                           "ask_discount") is None   # no work named: not the discount's end


@pytest.mark.parametrize("intent,text,priced", [
    ("ask_who_can_join", "sy guru ngaji di Raha, penghasilan tdk tentu. bisa ikut BPJS TK jg kah? brp?", True),
    ("ask_register", "sy jg kdg krj sndr bikin pagar rumah org. klo mau daftar sndr brp?", True),
    ("ask_who_can_join", "umur berapa bisa ikut bpjs tk?", False),          # an age, not a price
    ("ask_register", "berapa lama daftarnya sampai kartu jadi?", False),     # a duration
])
async def test_whether_one_may_join_asked_with_brp_gets_the_price(intent, text, priced):
    said = texts((await run(ActionAnswer(), tracker(user(intent, text))))[0])
    assert ("Rp16.800" in said) is priced


async def test_what_should_be_deducted_asked_of_an_employer_who_deducts_nothing_gets_the_figures():
    text = ("Sy baru 2 bulan kerja di gudang distributor di Kolaka. Gaji sy 3 juta. Kata teman sy hrs ada potongan "
            "bpjs tk, tp di slip sy tdk ada. Itu normal kah, dan harusnya dipotong brp?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_employer_not_registering", text))))[0])
    assert "Rp90.000" in said and "wajib mendaftarkan" in said


def test_jht_is_said_to_be_optional_beside_its_price():
    from lingkar.wage_figures import wage_line
    assert "JHT (pilihan, tidak wajib)" in wage_line("ask_contribution_bpu", 1_000_000, TODAY)


@pytest.mark.parametrize("text,details", [
    ("kalau sama tabungan hari tua sekalian?", ["bpu_jht_added"]),     # JHT together, not months at once
    ("sy mau bayar 6 bulan sekaligus", ["prepay"]),
    ("kalau ikut jht, kapan bisa cair?", []),                           # when JHT pays out: not its price
])
def test_adding_jht_is_its_price_not_paying_months_at_once(text, details):
    assert _details("ask_contribution_bpu", text) == details


async def test_a_death_told_beside_the_discount_asking_what_the_heirs_get_is_the_heirs_claim():
    text = ("Kakak sy tukang ojek pangkalan di Unaaha, baru daftar bpjs tk bulan maret 2026, iurannya yg diskon itu. "
            "tgl 1 desember kemarin dia meninggal krn stroke. anaknya 2 masih SD. iparku tanya apa masih dapat "
            "santunan padahal baru bayar 9 bulan, dan apa anak2nya dapat beasiswa?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_discount", text))))[0])
    assert "Rp42 juta" in said and "PP 50/2025" not in said


def test_a_loan_asked_with_sekalian_is_no_prepayment():
    assert _details("ask_contribution_bpu", "sekalian, bpjs tk bs kasih pinjaman utk bayar klinik kemarin?") == []


async def test_a_share_of_workers_asked_is_no_price():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_who_can_join", "Satu lagi, sebenarnya berapa persen pekerja di Sultra yang sudah ikut BPJS TK?"))))[0])
    assert "Rp16.800" not in said


_CSR = user("ask_gn_lingkaran", "Selamat pagi, kami dari bagian CSR perusahaan tambang nikel di Kolaka.")


async def test_which_programme_a_sponsor_asks_with_a_count_gets_its_name_then_the_sum():
    said = (await run(ActionAnswer(), _after(user("sponsor_offer", "Kami berencana menanggung iuran untuk 300 nelayan "
                                                                   "dan pedagang kecil. Program apa yang tepat?"),
                                             (_CSR, bot_answer("ask_gn_lingkaran")))))[0]
    assert said[0]["text"].startswith("Programnya GN Lingkaran") and "Rp5.040.000" in texts(said)


async def test_a_sponsors_count_without_a_programme_question_is_the_sum_alone():
    said = texts((await run(ActionAnswer(), _after(user("sponsor_offer", "Kami berencana menanggung 300 nelayan."),
                                                   (_CSR, bot_answer("ask_gn_lingkaran")))))[0])
    assert "Rp5.040.000" in said and "Programnya" not in said


def test_a_corrected_count_keeps_the_period_said_before():
    from actions.answers import send_count_line
    first = user("ask_gn_lingkaran", "Kami ingin membiayai perlindungan untuk 200 nelayan dan petani selama 12 bulan.")
    dispatcher = CollectingDispatcher()
    assert send_count_line(dispatcher, "ask_gn_lingkaran", "Ralat, jumlahnya 150 orang.",
                           _after(user("inform", "Ralat, jumlahnya 150 orang."),
                                  (first, bot_answer("ask_gn_lingkaran"))))
    assert "Rp30.240.000" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text,counted", [
    ("jadi total utk sy, istri dan 2 anak buah itu brp sebulan?", "untuk 4 orang"),
    ("iuran utk saya dan istri brp?", "untuk 2 orang"),
    ("untuk sy brp?", None),                              # one person: no count
    ("iuran untuk sayuran dan buah", None),               # no person listed
])
def test_people_listed_one_by_one_are_counted(text, counted):
    from lingkar.wage_figures import with_counts
    assert (counted in with_counts(text)) if counted else with_counts(text) == text
