"""Issue 12, thirteenth session: an employer's staff wage followed up, the scholarship as the topic under
discussion, going back to the topic before a digression, a worry about joining without a question, feelings named
by programmes, scams by app file or password, and a household helper registering alone. Real actions on Tracker
fixtures, real content."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import (
    ActionAnswer,
    ActionClarify,
    joining_worry_topic,
    previous_topic,
    settle_topic,
    staff_wage_asked,
    wage_question_topic,
)
from lingkar.signals import read_signals
from lingkar.texts import get_answers

from .test_context import bot_answer, run, texts, tracker, user

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def _with_turns(latest: dict, *turns) -> tracker:
    """A tracker whose earlier turns are (user parse data, topic the bot answered or None), oldest first."""
    t = tracker(latest)
    events = []
    for parse, topic in turns:
        events.append({"event": "user", "text": parse["text"], "parse_data": parse})
        if topic:
            events.append(bot_answer(topic))
    t.events[:0] = events
    return t


# ------------------------------------------------------------------------------ an employer's staff wage
def test_an_hr_officers_staff_wage_question_is_the_employee_contribution():
    t = tracker(user("check_eligibility", "Sa HRD, karyawan gaji 4 juta, JHT-nya berapa?"))
    assert wage_question_topic(t, "Sa HRD, karyawan gaji 4 juta, JHT-nya berapa?") == "ask_contribution_pu"
    # "karyawan" with no employer's word and nothing before is the worker's own job: no answer is guessed
    own = "karyawan gaji 4 juta, JHT-nya berapa?"
    assert wage_question_topic(tracker(user("check_eligibility", own)), own) is None


async def test_a_short_follow_up_of_an_employer_gets_the_figures_for_the_staff_wage_told_before():
    first = user("ask_contribution_pu", "gaji mereka 2 juta. berapa iuran JKM per orang?")
    latest = user("ask_contribution_pu", "kalau JHT ikut juga, potongan karyawan berapa?")
    t = _with_turns(latest, (user("ask_contribution_pu", "Saya pemilik toko dengan 4 karyawan"),
                             "ask_contribution_pu"), (first, "ask_contribution_pu"))
    assert staff_wage_asked(t, "ask_contribution_pu", latest["text"]) == 2_000_000
    said = texts((await run(ActionAnswer(), t))[0])
    assert "Rp2.000.000" in said and "Rp40.000" in said       # the worker's 2% JHT of that wage


async def test_jp_after_an_hr_officers_question_is_jps_shares_of_that_wage():
    first = user("check_eligibility", "Sa HRD, karyawan gaji 4 juta, JHT-nya berapa?")
    t = _with_turns(user("ask_jp", "terus yang JP?"), (first, "ask_contribution_pu"))
    said = texts((await run(ActionAnswer(), t))[0])
    assert "Iuran JP dengan gaji Rp4.000.000" in said and "Rp120.000" in said


def test_no_staff_wage_without_one_told_or_for_a_long_new_question():
    t = _with_turns(user("ask_jp", "terus yang JP?"), (user("ask_jkk", "jkk itu apa?"), "ask_jkk"))
    assert staff_wage_asked(t, "ask_jp", "terus yang JP?") is None
    first = user("ask_contribution_pu", "gaji mereka 2 juta, iurannya?")
    long = "kalau karyawan kami nanti pindah ke cabang lain di Kolaka, iurannya dibayar dari kantor mana ya pak?"
    t = _with_turns(user("ask_contribution_pu", long), (first, "ask_contribution_pu"))
    assert staff_wage_asked(t, "ask_contribution_pu", long) is None


# ------------------------------------------------------------------------------ the topic under discussion
async def test_the_scholarship_told_after_a_death_is_the_topic_a_follow_up_asks_about():
    first = user("ask_claim_jkm", "Mama sa meninggal bulan lalu. Sa anak pertama, mau kuliah tahun depan.")
    t = tracker(user("ask_payment", "itu dibayar tiap tahun atau sekali?"))
    t.events[:0] = [{"event": "user", "text": first["text"], "parse_data": first}, bot_answer("ask_claim_jkm"),
                    {"event": "bot", "text": "Anak peserta juga bisa dapat beasiswa …",
                     "metadata": {"answer": {"topic": "ask_scholarship", "on": TODAY.isoformat(),
                                             "part": "follow_up"}}}]
    assert previous_topic(t, get_answers()) == "ask_scholarship"


async def test_the_scholarship_detail_marks_itself_as_the_scholarship():
    latest = user("ask_claim_jkm", "suami sy meninggal, anak sy dua masih SD, bisa sekolah?")
    msgs, _ = await run(ActionAnswer(), tracker(latest))
    marked = [m for m in msgs if (m.get("answer") or {}).get("topic") == "ask_scholarship"]
    assert marked and "beasiswa" in marked[0]["text"]


async def test_conditions_of_the_scholarship_name_the_three_years_and_the_documents():
    t = _with_turns(user("ask_documents", "syaratnya apa?"),
                    (user("ask_scholarship", "Anak bisa dapat beasiswa dari JKM?"), "ask_scholarship"))
    said = texts((await run(ActionAnswer(), t))[0])
    assert "minimal 3 tahun" in said and "akta kematian" in said


def test_going_back_means_the_topic_before_the_digression():
    t = _with_turns(user("nlu_fallback", "oke. balik ke tadi, kalau sa mau tambah JHT?"),
                    (user("ask_contribution_bpu", "sa ojek pangkalan, iurannya berapa?"), "ask_contribution_bpu"),
                    (user("ask_health", "BPJS TK bisa dipakai berobat sakit gigi?"), "ask_health"))
    assert previous_topic(t, get_answers()) == "ask_contribution_bpu"
    plain = _with_turns(user("nlu_fallback", "kalau sa mau tambah JHT?"),
                        (user("ask_contribution_bpu", "sa ojek pangkalan, iurannya berapa?"), "ask_contribution_bpu"),
                        (user("ask_health", "BPJS TK bisa dipakai berobat sakit gigi?"), "ask_health"))
    assert previous_topic(plain, get_answers()) == "ask_health"


async def test_a_widow_asking_the_total_with_the_wage_gets_the_work_death_figure_not_the_injury_claim():
    first = user("ask_claim_jkm", "Suami sa meninggal minggu lalu, perahunya terbalik waktu dia melaut.")
    latest = user("nlu_fallback", "itu dapat berapa kira-kira? dia daftar penghasilan 1 juta")
    latest["entities"] = [{"entity": "income", "value": 1000000}]
    said = texts((await run(ActionClarify(), _with_turns(latest, (first, "ask_claim_jkm"))))[0])
    assert "Rp48.000.000" in said and "Utamakan berobat" not in said


# ------------------------------------------------------------------------------ worries, feelings, scams
@pytest.mark.parametrize("text,expected", [
    ("Sa pembantu rumah tangga di Kendari. Majikan sa baik, tapi tra pernah bahas BPJS. Sa takut kalau sa "
     "kenapa-kenapa, anak sa di kampung tra dapat apa-apa.", "ask_contribution_bpu"),
    ("Sa mau ikut BPJS TK tapi takut tra sanggup bayar tiap bulan, hasil sa tra tentu.", "ask_contribution_bpu"),
    ("Sa petani, sa takut gagal panen lagi tahun ini.", None),                  # a worry about the harvest
    ("Sa mau ikut BPJS TK tapi takut tra sanggup bayar, karyawan sa ada 3 orang.", None),   # an employer's
])
def test_a_worry_about_joining_gets_the_self_employed_price(text, expected):
    assert joining_worry_topic(text, read_signals(text)) == expected


@pytest.mark.parametrize("text,feeling", [
    ("Suami sy satpam, di slip gajinya ada potongan utk kecelakaan dan kematian. Itu program apa sj?", None),
    ("sy mau tanya jaminan kematian sy brp kalau sy ikut bpu?", None),
    ("kematian suami sy bulan lalu bikin sy bingung, jaminan kematian dapat?", "grief"),
    ("suami sa baru meninggal bulan lalu, bisa klaim apa?", "grief"),
])
def test_programmes_named_with_a_feelings_word_are_no_feeling(text, feeling):
    assert read_signals(text).feeling == feeling


@pytest.mark.parametrize("text,scam", [
    ("kenapa sa dapat SMS kode bayar padahal sa tra pernah daftar? tipu2 kah itu?", True),
    ("tolong, sy dikirimi file 'BPJS_Ketenagakerjaan.apk' lewat WA katanya utk update data", True),
    ("ada orang nawarin cairkan JHT cepat, minta username password JMO sy. amankah?", True),
    ("lupa password jmo gmn?", False),
    ("cara download aplikasi jmo?", False),
])
def test_scams_by_app_file_or_password(text, scam):
    assert read_signals(text).scam is scam


def test_a_village_officer_who_helps_list_vulnerable_villagers_is_not_asking_for_others_data():
    text = ("Sy aparat desa. Sy juga bantu data warga rentan di desa, min 50 org per desa. Apa peserta yg dibayar "
            "pemda juga dapat diskon itu?")
    assert not read_signals(text).others_data
    assert read_signals("sy kirim data warga sy lewat chat ini ya, 80 orang").others_data


# ------------------------------------------------------------------------------ settled topics
def test_a_household_helper_whose_employer_will_not_register_her_may_register_alone():
    text = ("Sy ART di Kendari sdh 6 thn, majikan sy tdk pernah daftarkan sy BPJS TK. Kalau sy jatuh siapa tanggung? "
            "Sy bisa daftar sendiri?")
    t = tracker(user("ask_employer_not_registering", text))
    assert settle_topic(t, get_answers(), "ask_employer_not_registering") == "ask_contribution_bpu"
    employee = "Sy satpam di PT, bos tdk mau daftarkan sy BPJS TK. Sy bisa daftar sendiri?"
    t = tracker(user("ask_employer_not_registering", employee))
    assert settle_topic(t, get_answers(), "ask_employer_not_registering") == "ask_employer_not_registering"


def test_a_death_asked_in_a_sponsors_conversation_is_jkm():
    text = "kalau ada yg meninggal, keluarga dapat brp?"
    assert settle_topic(tracker(user("ask_gn_lingkaran", text)), get_answers(), "ask_gn_lingkaran") == "ask_jkm"
    cost = "kalau 150 orang setahun brp?"
    assert settle_topic(tracker(user("ask_gn_lingkaran", cost)), get_answers(), "ask_gn_lingkaran") \
        == "ask_gn_lingkaran"


async def test_a_grieving_family_is_not_offered_a_check():
    latest = user("ask_jkm", "mama sy meninggal minggu lalu, dia jualan sayur di pasar. ada uang santunan, brp?")
    latest["entities"] = [{"entity": "occupation", "value": "pedagang"}]
    said = texts((await run(ActionAnswer(), tracker(latest)))[0])
    assert "Rp42.000.000" in said and "Cek iuran saya" not in said


# ------------------------------------------------------------------------------ after a scam warning
def test_a_scams_subject_is_the_real_thing_it_named():
    from actions.answers import scam_subject
    assert scam_subject(["Ada orang tawarkan bantu cairkan JHT tanpa paklaring, potong 10% dari saldo"]) \
        == "ask_claim_jht"
    assert scam_subject(["ada WA: 'Diskon iuran 50% khusus ojol, aktivasi dgn transfer Rp50.000'"]) == "ask_discount"
    assert scam_subject(["sa menang undian 50 juta, harus transfer pajak dulu"]) is None


async def test_after_the_warning_how_to_do_it_oneself_is_the_real_claim():
    scam = user("nlu_fallback", "Ada orang di Facebook tawarkan bantu cairkan JHT tanpa paklaring, potong 10% dari "
                                "saldo, minta foto KTP. Aman kah?")
    msgs, _ = await run(ActionClarify(), tracker(scam))
    assert "penipuan" in texts(msgs)
    assert (msgs[-1].get("answer") or {}).get("topic") == "ask_claim_jht"   # the warning is about JHT's claim
    t = tracker(user("nlu_fallback", "jadi sy urus sendiri bisa? caranya?"))
    t.events[:0] = [{"event": "user", "text": scam["text"], "parse_data": scam},
                    {"event": "bot", "text": msgs[-1]["text"], "metadata": {k: v for k, v in msgs[-1].items()
                                                                            if k not in ("text", "buttons")}}]
    said = texts((await run(ActionClarify(), t))[0])
    assert "penipuan" not in said and "JHT" in said


# ------------------------------------------------------------------------------ statements about the topic
@pytest.mark.parametrize("text,expected", [
    ("sy sdh keluar kerja 3 minggu", "kira-kira mulai 21 Desember 2026"),   # 21 Nov + 1 month
    ("resign 2 bulan lalu", "sekarang sudah bisa"),
    ("sy keluar dari pabrik sdh sebulan", "sekarang sudah bisa"),
])
def test_work_ended_a_while_ago_says_when_jht_can_be_claimed(text, expected):
    from lingkar.wage_figures import jht_after_ago_line
    assert expected in jht_after_ago_line(text, dt.date(2026, 12, 7) + dt.timedelta(days=5))


def test_no_line_without_a_duration():
    from lingkar.wage_figures import jht_after_ago_line
    assert jht_after_ago_line("sy sdh keluar kerja", TODAY) is None
    assert jht_after_ago_line("sy kerja 3 tahun di pabrik", TODAY) is None


async def test_a_statement_after_the_jht_claim_gets_that_claims_line():
    from actions.eligibility import ActionInform
    earlier = user("ask_claim_jht", "JHT bisa sy cairkan kah?")
    for text, expected in (("saldo sy 12 juta", "aplikasi JMO"), ("sy sdh keluar kerja 3 minggu", "1 bulan setelah")):
        t = _with_turns(user("inform", text), (earlier, "ask_claim_jht"))
        said = texts((await run(ActionInform(), t))[0])
        assert expected in said and "Terima kasih infonya" not in said


async def test_a_corrected_balance_gets_the_line_for_the_new_balance():
    from actions.eligibility import ActionInform
    t = _with_turns(user("inform", "eh ternyata sy liat lagi 17 juta, bukan 4 juta"),
                    (user("ask_balance", "saldo sy sekitar 4 juta, bisa lewat hp?"), "ask_balance"))
    said = texts((await run(ActionInform(), t))[0])
    assert "Rp17.000.000" in said and "Lapak Asik" in said


async def test_no_paklaring_after_the_jht_claim_has_a_way():
    t = _with_turns(user("nlu_fallback", "sy tdk punya paklaring, pabriknya sdh tutup"),
                    (user("ask_claim_jht", "JHT bisa sy cairkan kah?"), "ask_claim_jht"))
    said = texts((await run(ActionClarify(), t))[0])
    assert "slip gaji" in said and "belum paham" not in said


# ------------------------------------------------------------------------------ sponsors, corrections, details
def test_a_sponsors_conversation_counts_the_topic_the_bot_answered():
    from actions.answers import count_topic_before, sponsor_context
    first = user("nlu_fallback", "Kami dari bagian CSR perusahaan tambang. Kami ingin melindungi nelayan sekitar "
                                 "tambang. Program apa yang cocok?")
    t = _with_turns(user("inform", "untuk 300 nelayan selama setahun?"), (first, "ask_gn_lingkaran"))
    assert sponsor_context(t) and count_topic_before(t) == "sponsor_offer"
    assert not sponsor_context(_with_turns(user("inform", "300 orang"), (first, "ask_jkk")))


async def test_a_count_corrected_after_a_years_cost_keeps_the_year():
    from actions.eligibility import ActionInform
    t = _with_turns(user("inform", "eh salah, yg sudah didata 150 orang"),
                    (user("ask_gn_lingkaran", "dana desa bisa dipakai bayar BPJS TK 120 petani?"), "ask_gn_lingkaran"),
                    (user("ask_contribution_bpu", "jadi 120 orang setahun brp?"), "ask_contribution_bpu"))
    said = texts((await run(ActionInform(), t))[0])
    assert "150 orang" in said and "Rp30.240.000" in said    # 150 x Rp16.800 x 12


@pytest.mark.parametrize("text,expected", [
    ("oh salah, sy masuk Agustus 2025, jadi sdh 16 bulan", dt.date(2025, 8, 1)),
    ("mulai kerja agustus 2025", dt.date(2025, 8, 1)),
    ("sy berhenti kerja Agustus 2025", None),       # when work ended is no start
])
def test_when_a_job_began(text, expected):
    from lingkar.wage_figures import worked_since
    assert worked_since(text) == expected


def test_a_detail_of_the_topic_under_discussion_is_that_topic():
    from actions.eligibility import detail_of_previous
    claim = user("ask_claim_jkk", "kemarin tangan sa kena baling2 mesin perahu, 2 jari putus")
    t = _with_turns(user("check_eligibility", "sa tra bisa melaut mungkin 2 bulan, ada ganti penghasilan kah?"),
                    (claim, "ask_claim_jkk"))
    assert detail_of_previous(t, t.latest_message["text"]) == "ask_claim_jkk"
    t = _with_turns(user("check_eligibility", "sa petani umur 40, iurannya brp?"), (claim, "ask_claim_jkk"))
    assert detail_of_previous(t, t.latest_message["text"]) is None


def test_short_claim_questions_after_jkp_are_jkps():
    from actions.answers import follow_up_topic
    assert follow_up_topic("ask_claim_jkk", "klaimnya paling lambat kapan?", "ask_jkp", 0.64) == "ask_jkp"
    assert follow_up_topic("ask_claim_jkk", "kalau kecelakaan kerja klaimnya kapan?", "ask_jkp", 0.64) is None


def test_cost_questions_in_sulawesi_spelling():
    from actions.answers import COST_QUESTION
    assert COST_QUESTION.search("tetangga sa juga mo daftar, brapa skarang iurannya?")
    assert not COST_QUESTION.search("brapa lama prosesnya?")


def test_getting_ones_money_back_is_no_sponsors_question():
    from actions.answers import long_message_topic
    latest = user("nlu_fallback", "dulu sblm berangkat sy bayar bpjs tk, skrg bs cair kah?",
                  [("nlu_fallback", 0.4), ("ask_gn_lingkaran", 0.26), ("ask_migrant", 0.1)])
    assert long_message_topic(tracker(latest), get_answers(), read_signals(latest["text"])) is None
    sponsor = user("nlu_fallback", "perusahaan kami mau bayarkan iuran nelayan sekitar tambang, bisa?",
                   [("nlu_fallback", 0.4), ("ask_gn_lingkaran", 0.3)])
    assert long_message_topic(tracker(sponsor), get_answers(), read_signals(sponsor["text"])) == "ask_gn_lingkaran"


def test_a_household_helpers_own_wage_after_a_sponsor_answer_is_her_own_contribution():
    from actions.answers import own_income_told
    first = user("ask_employer_not_registering", "majikan sy tdk pernah daftarkan sy BPJS TK")
    t = _with_turns(user("check_eligibility", "gaji sy 1,5 juta, iurannya jadi brp?"),
                    (first, "ask_contribution_bpu"),
                    (user("ask_gn_lingkaran", "kalau majikan mau bayarkan, ada programnya?"), "ask_gn_lingkaran"))
    t.slots["occupation"] = "art"
    assert own_income_told(t, t.latest_message["text"])
    assert wage_question_topic(t, t.latest_message["text"]) == "ask_contribution_bpu"
    assert not own_income_told(t, "gaji mereka 1,5 juta, iurannya brp?")   # their staff's, not her own


def test_a_village_heads_list_of_nik_is_refused_but_helping_to_list_is_not():
    assert read_signals("data warga nanti saya kirim ke sini saja kah? ada NIK 120 orang").others_data
    assert not read_signals("Sy juga bantu data warga rentan di desa. Apa peserta yg dibayar pemda dapat diskon?"
                            ).others_data


# ------------------------------------------------------------------------------ more figures from what was told
def test_membership_since_a_year_counts_its_years():
    from lingkar.wage_figures import membership_line, membership_years
    text = ("Sa jualan bumbu di Pasar Mandonga dari 2022, ikut bpjs tk mandiri sekalian JHT sejak itu. Kata teman JHT "
            "bisa diambil 30% utk rumah. Bisa kah sa ambil sekarang?")
    assert membership_years(text, TODAY) == 4
    assert "belum bisa diambil sebagian" in membership_line("ask_claim_jht", text, TODAY)
    assert membership_years("umur sy 40, dari 2020 kerja di pabrik", TODAY) is None   # work, no membership


def test_a_sponsor_counts_household_helpers_and_a_year_in_words():
    from lingkar.wage_figures import count_line
    assert "Rp403.200" in count_line("sponsor_offer", "Di rumah sa ada 2 ART. Berapa total setahun?", TODAY)
    line = count_line("ask_gn_lingkaran", "iuran buat 120 warga pekerja rentan utk satu tahun, brp?", TODAY)
    assert "Rp24.192.000" in line


def test_an_employers_share_says_each_of_the_workers_parts():
    from lingkar.wage_figures import employer_share_line
    line = employer_share_line(5_000_000, "medium", TODAY)
    assert "JHT 2% Rp100.000 + JP 1% Rp50.000 = Rp150.000" in line


async def test_what_the_employer_pays_after_the_workers_own_deduction():
    t = _with_turns(user("nlu_fallback", "kalau yg dibayar perusahaan?"),
                    (user("ask_contribution_pu", "gaji sy 3 juta, potongan bpjs tk dari gaji brp?"),
                     "ask_contribution_pu"))
    said = texts((await run(ActionClarify(), t))[0])
    assert "Rp111.000" in said and "Rp9.000" in said
    asked = "kak klo gaji sa 3jt perusahaan wajib bayar brp utk jht sa?"
    assert wage_question_topic(tracker(user("check_eligibility", asked)), asked) == "ask_contribution_pu"


async def test_work_told_after_bsu_gets_bsus_rule():
    from actions.eligibility import ActionInform
    latest = user("inform", "sy ojol")
    latest["entities"] = [{"entity": "occupation", "value": "ojol"}]
    t = _with_turns(latest, (user("ask_bsu", "sy bisa dapat BSU?"), "ask_bsu"))
    said = texts((await run(ActionInform(), t))[0])
    assert "hanya untuk karyawan" in said and "bukan pekerja mandiri" in said


async def test_a_grandchild_not_at_school_yet_is_told_when_the_scholarship_starts():
    latest = user("ask_claim_jkm", "Cucu sa umur 4 tahun, bapaknya meninggal tahun lalu kecelakaan kerja di tambang. "
                                   "Bantuan pendidikan buat cucu sa blm ada yg cair. Apa memang begitu aturannya?")
    said = texts((await run(ActionAnswer(), tracker(latest)))[0])
    assert "saat anak masuk sekolah" in said


def test_fast_lane_offers_are_scams():
    assert read_signals("ada yg tawarkan kartu bpjs tk jalur cepat, bayar 500rb langsung jadi. aman kah?").scam


async def test_a_foreign_worker_asking_whether_covered_gets_the_rule():
    latest = user("nlu_fallback", "sa orang Filipina kerja di tambang di Kolaka, sdh 8 bulan. sa ikut kah bpjs tk?")
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "6 bulan" in said and "belum paham" not in said


@pytest.mark.parametrize("text,expected", [
    ("sy kerja baru 10 bulan", "belum memenuhi syarat JKP"),
    ("eh salah, sy kerja sdh 2 tahun, kontraknya diperpanjang", "terpenuhi"),
])
def test_how_long_one_worked_against_jkps_minimum(text, expected):
    from lingkar.wage_figures import jkp_tenure_line
    assert expected in jkp_tenure_line(text, TODAY)
    assert jkp_tenure_line("sy di PHK bulan lalu", TODAY) is None


async def test_a_tenure_told_after_jkp_with_a_wage_gets_whether_it_qualifies_and_the_amount():
    from actions.eligibility import ActionInform
    t = _with_turns(user("inform", "eh salah, sy kerja sdh 2 tahun, kontraknya diperpanjang"),
                    (user("ask_jkp", "sy di PHK, gaji 4,2 juta, JKP dapat brp?"), "ask_jkp"))
    said = texts((await run(ActionInform(), t))[0])
    assert "terpenuhi" in said and "Rp2.520.000" in said


def test_a_ranked_migrant_topic_needs_a_word_of_working_abroad():
    from actions.answers import ranked_topic_allowed
    assert not ranked_topic_allowed("ask_migrant", "sa guru honorer di SD negeri di Muna, honor 500 ribu. bisa ikut?")
    assert ranked_topic_allowed("ask_migrant", "keluarga sy mau kerja ke luar negri, perlu daftar?")
    assert ranked_topic_allowed("ask_migrant", "anak sa mau berangkat ke Malaysia bulan depan")
    assert ranked_topic_allowed("ask_jkk", "sa guru honorer di SD negeri di Muna, honor 500 ribu. bisa ikut?")


# ------------------------------------------------------------------------------ feelings first, fourth batch
@pytest.mark.parametrize("text,feeling", [
    ("su 3 bulan cari kerja tdk dapat2 setelah PHK. sa su hampir menyerah. JKP itu cuma uang saja kah?", "distress"),
    ("anak sa kerja di Malaysia, majikan pukul dia, skarang dia kabur ke KBRI. ada bantuan kah?", "distress"),
    ("sa pu istri tenggelam waktu ikat bibit rumput laut di Tiworo", "grief"),
    ("kapal sy tenggelam kemarin, sy selamat. perahu diganti?", None),
])
def test_more_feelings(text, feeling):
    assert read_signals(text).feeling == feeling


async def test_a_worried_worker_gets_the_likelier_answer_not_a_choice():
    latest = user("nlu_fallback", "sa kerja di rumah makan 2 tahun, bos tra pernah daftarkan BPJS TK. sa malu mo tanya "
                                  "langsung, takut dipecat. ada cara kah supaya sa tetap terlindungi?",
                  [("nlu_fallback", 0.4), ("ask_employer_not_registering", 0.35), ("ask_migrant", 0.3)])
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "Pemberi kerja wajib" in said and "Maksudnya yang mana" not in said


def test_an_injured_worker_asking_who_pays_the_hospital_is_jkks_claim():
    text = ("sa lagi di RS, tangan sa terjepit mesin molen di proyek, dokter bilang harus operasi. mandor bilang pake "
            "BPJS TK. betul kah sa tdk bayar?")
    assert settle_topic(tracker(user("ask_employer_not_registering", text)), get_answers(),
                        "ask_employer_not_registering") == "ask_claim_jkk"
    unregistered = "sa jatuh di proyek, mandor tdk daftarkan sa BPJS TK, biaya RS siapa?"
    assert settle_topic(tracker(user("ask_employer_not_registering", unregistered)), get_answers(),
                        "ask_employer_not_registering") == "ask_employer_not_registering"


def test_a_workplace_closed_is_a_lost_job():
    text = "pabrik es tempat sa kerja tutup tiba2, bos kabur tdk bayar gaji 2 bulan. sa takut tra dapat apa2 lagi"
    assert settle_topic(tracker(user("ask_late_payment", text)), get_answers(), "ask_late_payment") == "ask_jkp"
    assert settle_topic(tracker(user("ask_late_payment", "sa tdk bayar 3 bulan, masih aktif?")), get_answers(),
                        "ask_late_payment") == "ask_late_payment"


async def test_what_the_death_benefit_is_made_of_with_the_heirs_claim():
    latest = user("ask_claim_jkm", "bapak sa meninggal karena stroke bulan lalu. santunannya 42 juta, apa saja isinya?")
    said = texts((await run(ActionAnswer(), tracker(latest)))[0])
    assert "Rp20.000.000" in said and "Rp12.000.000" in said and "Rp10.000.000" in said


def test_a_doubted_jp_deduction_with_a_wage_is_jps():
    text = "gaji sa 15 juta tapi potongan JP di slip cuma 110 ribuan. sa cemas jangan2 kantor curang"
    assert wage_question_topic(tracker(user("check_eligibility", text)), text) == "ask_jp"


async def test_a_projects_changing_day_labourers_and_its_office_staff():
    first = user("ask_construction", "Kami kontraktor kecil, proyek drainase nilai kontrak Rp90 juta. Bagaimana "
                                     "mendaftarkan pekerja?")
    t = _with_turns(user("nlu_fallback", "pekerjanya harian dan sering ganti orang, harus didaftarkan satu-satu?"),
                    (first, "ask_construction"))
    assert "seluruh pekerja proyek" in texts((await run(ActionClarify(), t))[0])
    t = _with_turns(user("nlu_fallback", "staf kantor kami yang tetap, ikut skema ini juga?"),
                    (first, "ask_construction"))
    assert "Penerima Upah" in texts((await run(ActionClarify(), t))[0])


def test_a_fear_of_being_fired_for_reporting_is_the_employers_duty():
    t = tracker(user("ask_employer_not_registering", "klo sy lapor, sy takut dipecat"))
    assert settle_topic(t, get_answers(), "ask_employer_not_registering") == "ask_employer_not_registering"


@pytest.mark.parametrize("text,referral", [
    ("menurut kamu partai mana yg paling peduli sama buruh? sy bingung mau pilih", "politics"),
    ("bsk cuaca di laut Wakatobi aman kah utk melaut? angin kencang tdk?", "weather"),
    ("ada lowongan kerja di Kendari kah? sy lulusan SMK otomotif", "job_search"),
    ("PBB tanah sy di Ranomeeto bayarnya dimana ya skrg?", "land_tax"),
    ("gmn caranya jadi peserta PBI yg gratis itu? sy tdk mampu bayar iuran kesehatan", "health"),
    ("ada lowongan di bpjs kah?", "jobs_here"),
])
def test_more_questions_for_other_offices(text, referral):
    assert read_signals(text).referral == referral


async def test_a_weather_question_gets_bmkg_and_none_of_our_figures():
    latest = user("nlu_fallback", "bsk cuaca di laut Wakatobi aman kah utk melaut? angin kencang tdk?")
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "BMKG" in said and "Rp" not in said
