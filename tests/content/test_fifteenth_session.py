"""Issue 12, fifteenth session: an introduction invites the question; construction and migrant work told without a
question get how they are covered; a situation told to the fallback; a "what if" accident; who pays what the topic
costs; an accident's follow-ups a question or two later (treatment, time off work, a lasting injury, care at home);
feelings (doubt, fright, a scam suffered, impatience, good news); other offices (debt collection, boats, violence at
home, a blocked account); scams (web addresses, cards sold, a payout sped up for a fee); a short "what if" after a
topic; "terima" that is no thanks; a status question that is not one. Real actions on Tracker fixtures, real content."""
from __future__ import annotations

import pytest

from actions.answers import (
    ActionAnswer,
    ActionClarify,
    accident_follow_up,
    situation_topic,
    topic_for_unclear,
    work_topic,
)
from actions.eligibility import ActionInform
from actions.leads import ActionMyStatus, ActionOfferSponsorship
from lingkar.facts import get_facts
from lingkar.form_words import leaving
from lingkar.signals import accident_supposed, read_signals
from lingkar.texts import get_answers

from .test_context import bot_answer, run, texts, tracker, user
from .test_fourteenth_session import TODAY, _after, _fact, frozen_today  # noqa: F401  (the autouse fixture too)


def _rp(key: str) -> str:
    return f"Rp{int(get_facts().value(key, TODAY)):,}".replace(",", ".")


# ------------------------------------------------------------------------------ introductions and situations
async def test_an_introduction_is_noted_and_invites_the_question():
    said = texts((await run(ActionInform(), tracker(user("inform", "halo, sy petani rumput laut di Tinanggea"))))[0])
    assert "saya catat" in said and "Ada yang bisa saya bantu" in said


@pytest.mark.parametrize("occupation,topic", [
    ("buruh_bangunan", "ask_construction"),
    ("nelayan", None),
    ("tidak ada", None),
])
def test_work_covered_through_someone_else_has_its_own_topic(occupation, topic):
    assert work_topic(occupation) == topic


async def test_a_construction_worker_who_only_tells_his_work_hears_how_the_project_covers_him():
    said = texts((await run(ActionInform(), tracker(user(
        "inform", "sy tukang batu, kerja harian di proyek gedung di Kendari"))))[0])
    assert "E-Jakon" in said and "saya catat" not in said


@pytest.mark.parametrize("text,topic", [
    ("tabe, sa petani cengkeh di Kolaka, mo daftar bpjs tk", "ask_register"),
    ("sa penjual pisang epe di Kendari, mau ikut BPJS TK mandiri", "ask_register"),
    ("sy nelayan, mau ikut bayar iuran", None),          # a wish to pay, not to join
    ("iuran bpu sy tdk dibayar 4 bulan", "ask_late_payment"),
])
def test_situations_told_without_a_question(text, topic):
    assert situation_topic(text) == topic


async def test_a_situation_the_nlu_could_not_place_gets_its_topic():
    latest = user("nlu_fallback", "tabe, sa petani cengkeh di Kolaka, mo daftar bpjs tk",
                  [("nlu_fallback", 0.4), ("request_contact", 0.22), ("check_eligibility", 0.2)])
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "JMO" in said and "saya catat" not in said


# ------------------------------------------------------------------------------ short questions after a topic
async def test_a_what_if_read_as_a_fact_follows_the_topic_under_discussion():
    first = user("ask_late_payment", "sa telat bayar 2 bulan, kena denda kah?")
    latest = user("inform", "kalau sampai 4 bulan?", [("inform", 0.47), ("ask_late_payment", 0.14)])
    said = texts((await run(ActionInform(), _after(latest, (first, bot_answer("ask_late_payment")))))[0])
    assert "mendaftar ulang" in said and "Terima kasih infonya" not in said


async def test_a_fact_without_the_topic_under_discussion_in_the_ranking_is_only_noted():
    first = user("ask_late_payment", "sa telat bayar 2 bulan, kena denda kah?")
    latest = user("inform", "kalau sampai 4 bulan?", [("inform", 0.9), ("ask_agent", 0.05)])
    said = texts((await run(ActionInform(), _after(latest, (first, bot_answer("ask_late_payment")))))[0])
    assert "mendaftar ulang" not in said


@pytest.mark.parametrize("previous,text,topic", [
    ("ask_construction", "sy yg bayar iurannya kah?", "ask_construction"),
    ("ask_migrant", "siapa yg bayar?", "ask_migrant"),
    ("ask_construction", "sy yg bayar iurannya kah? kalau sy pindah proyek dan kerja sendiri nanti?", None),  # long
])
def test_who_pays_follows_the_topic_under_discussion(previous, text, topic):
    t = _after(user("nlu_fallback", text), (user(previous, "…"), bot_answer(previous)))
    assert topic_for_unclear(t, get_answers(), read_signals(text)) == topic


@pytest.mark.parametrize("text,supposed", [
    ("kalau sy jatuh dari lantai 3?", True),
    ("klo kena mesin pas kerja gmn", True),
    ("sy jatuh kemarin", False),                         # it happened
    ("kalau jaminan kecelakaan kerja berapa", False),    # the programme's name
])
def test_a_what_if_accident(text, supposed):
    assert accident_supposed(text) == supposed


def test_a_what_if_accident_the_nlu_could_not_place_is_jkk():
    t = tracker(user("nlu_fallback", "kalau sy jatuh dari lantai 3?"))
    assert topic_for_unclear(t, get_answers(), read_signals("kalau sy jatuh dari lantai 3?")) == "ask_jkk"


async def test_thanks_misread_in_a_question_is_the_topic_under_discussion():
    first = user("ask_jp", "bapak sy pensiunan pabrik, terima JP tiap bulan. beliau meninggal minggu lalu")
    latest = user("thank", "ibu sy masih bisa terima?")
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_jp")))))[0])
    assert "janda" in said and "Sama-sama" not in said


async def test_real_thanks_stay_thanks():
    first = user("ask_jp", "JP itu apa?")
    said = texts((await run(ActionAnswer(), _after(user("thank", "makasih ya, sdh jelas"),
                                                   (first, bot_answer("ask_jp")))))[0])
    assert "Sama-sama" in said


async def test_a_no_that_asks_a_question_after_an_accident_gets_the_disability_benefit():
    first = user("ask_claim_jkk", "kemarin tangan sy tertusuk kail besar waktu melaut")
    latest = user("deny", "kalau nanti tangan sy tdk bisa pulih total?")
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_claim_jkk")))))[0])
    assert f"{_fact('jkk.partial_disability_multiplier')}" in said and "tidak apa-apa" not in said.lower()


# ------------------------------------------------------------------------------ an accident a turn or two back
_ACCIDENT = user("ask_claim_jkk", "kemarin sy jatuh dari perancah, kaki patah, dibawa ke rs pakai mobil kantor")
_STATUS = user("ask_my_status", "sy tdk tau sy terdaftar atau tdk, sy cuma harian lepas")


@pytest.mark.parametrize("intent,text,topic", [
    ("nlu_fallback", "ongkos mobil ke rs diganti?", "ask_claim_jkk"),
    ("nlu_fallback", "dokter bilang sy 3 bulan tdk bisa kerja", "ask_claim_jkk"),
    ("nlu_fallback", "kalau kaki sy tdk bisa normal lagi?", "ask_claim_jkk"),
    ("check_eligibility", "sy tdk bisa melaut berapa bulan, penghasilan sy hilang", "ask_claim_jkk"),
    ("nlu_fallback", "brp iuran bulan ini?", None),      # nothing of the accident
])
def test_an_accident_stays_the_subject_of_its_treatment_a_turn_later(intent, text, topic):
    t = _after(user(intent, text), (_ACCIDENT, bot_answer("ask_claim_jkk")), (_STATUS, bot_answer("ask_my_status")))
    assert accident_follow_up(t, get_answers(), intent, text) == topic


def test_an_accident_long_ago_is_not_the_subject_any_more():
    turns = [(_ACCIDENT, bot_answer("ask_claim_jkk"))] + [(user("ask_payment", "bayar dimana?"),
                                                            bot_answer("ask_payment"))] * 4
    t = _after(user("nlu_fallback", "ongkos mobil ke rs diganti?"), *turns)
    assert accident_follow_up(t, get_answers(), "nlu_fallback", "ongkos mobil ke rs diganti?") is None


async def test_an_accident_misread_as_a_status_question_gets_the_claim():
    latest = user("ask_my_status", "tabe, sy nelayan di Wangi-wangi. kemarin tangan sy tertusuk kail besar dan infeksi",
                  [("ask_my_status", 0.52), ("check_eligibility", 0.05), ("ask_claim_jkk", 0.03)])
    said = texts((await run(ActionMyStatus(), tracker(latest)))[0])
    assert "lekas sembuh" in said and "JKK" in said and "permintaan atas nama Anda" not in said


# ------------------------------------------------------------------------------ feelings
@pytest.mark.parametrize("text,feeling", [
    ("sy ragu2 mau ikut, takutnya uang sy hilang begitu saja kalau tidak pernah kecelakaan", "distress"),
    ("kaget sy, iuran bpjs tk sy januari nanti jadi 16.800? kok naik?", "distress"),
    ("tolong sy kena tipu", "distress"),
    ("maaf sy tdk sabar, sdh 2 jam nelpon 175 tdk diangkat", "anger"),
    ("tabe, sy senang skali anak sy lulus SMA pakai beasiswa bpjs tk. skrg dia mau kuliah, masih dapat kah?", "joy"),
    ("alhamdulillah jenazah suami sy sudah dimakamkan, klaim jkm gmn?", "grief"),   # a death outweighs
    ("kalau peserta meninggal dapat apa", None),         # about nobody
    ("kalau sy meninggal, istri sy dapat apa?", None),     # a "what if" death: no condolences
    ("kadang tdk bisa tidur mikirin nanti tua, sy 45 thn", "distress"),   # a worry felt now beside a "what if"
    ("Alhamdulillah santunan almarhum bapak sdh masuk, 42 jt", "joy"),     # good news over the old loss
])
def test_more_feelings(text, feeling):
    assert read_signals(text).feeling == feeling


def test_a_fear_of_choosing_wrongly_is_no_wrong_button():
    assert leaving("sy takut salah pilih", False) is None
    assert leaving("salah pilih", False) == "leave"


async def test_a_worker_who_cannot_afford_it_hears_the_hardship_acknowledged_first():
    said = texts((await run(ActionOfferSponsorship(), tracker(user(
        "cannot_afford", "uang sy pas2an skali, hasil rumput laut lagi anjlok, iuran bpjs tk berat bagi sy"))))[0])
    assert said.index("prihatin") < said.index("GN Lingkaran")


async def test_a_contribution_felt_as_too_heavy_gets_help_paying_beside_it():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_discount", "kok katanya mulai januari iuran sy naik jadi 16 ribuan lagi? sy pedagang kecil, berat sekali"
    ))))[0])
    assert "GN Lingkaran" in said and "Tidak mampu bayar iuran" in said


# ------------------------------------------------------------------------------ other offices
@pytest.mark.parametrize("text,referral", [
    ("pinjol terus telpon tagih utang sy, bisa bantu?", "debt"),
    ("cara daftar kapal nelayan di dinas perikanan", "fisheries"),
    ("sy mau lapor KDRT, kemana?", "domestic_violence"),
    ("no rekening sy diblokir, bisa bantu buka?", "bank"),
    ("ktp el sy rusak, bikin baru dmn?", "civil_registry"),
    ("bos sy belum bayar gaji 2 bulan, sy lapor kemana?", "labour_office"),
    ("bisa pinjam uang dari bpjs tk?", "loan"),
])
def test_more_offices(text, referral):
    assert read_signals(text).referral == referral


def test_debt_collection_is_no_scam_question():
    assert not read_signals("pinjol terus telpon tagih utang sy, bisa bantu?").scam


@pytest.mark.parametrize("text,expected,absent", [
    ("sy mau lapor KDRT, kemana?", "polisi", "JKK"),
    ("cara daftar kapal nelayan di dinas perikanan", "Dinas Kelautan dan Perikanan", "Cara daftar pekerja mandiri"),
])
async def test_another_offices_question_without_our_words_gets_that_office_alone(text, expected, absent):
    said = texts((await run(ActionAnswer(), tracker(user("ask_register", text))))[0])
    assert expected in said and absent not in said


async def test_another_offices_question_with_our_words_also_gets_our_answer():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_agent", "sa aktif di arisan, ada yg tawarkan sa jadi Agen Perisai, tugasnya apa?"))))[0])
    assert "polisi" in said and "Agen Perisai" in said


# ------------------------------------------------------------------------------ scams
@pytest.mark.parametrize("text,scam", [
    ("website cek-bsu2026.com itu resmi bpjs tk kah?", True),
    ("ada org jual kartu bpjs tk aktif 42 juta langsung cair, mau beli", True),
    ("ngaku petugas, bisa cairkan jht almarhum suami sy lebih cepat asal bayar 1 juta di depan", True),
    ("cek di www.bpjsketenagakerjaan.go.id resmi?", False),     # the real address
    ("sy takut di-PHK bulan depan. kalau PHK JHT bisa langsung cair?", False),
    ("sy kasih uang kalau karyawan sakit, wajib daftar bpjs tk?", False),
])
def test_more_scams(text, scam):
    assert read_signals(text).scam == scam


async def test_a_scam_in_a_widows_claim_gets_the_warning_and_the_claim():
    text = ("Ada orang ngaku petugas bpjs tk. Dia bilang bisa cairkan jht almarhum suami sy lebih cepat asal bayar 1 "
            "juta di depan. Apa benar ada biaya utk klaim?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jkm", text))))[0])
    assert "penipuan" in said and "ahli waris" in said.lower()


async def test_a_fee_asked_for_joining_gets_the_warning_and_the_real_price():
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_register", "ada yg ngaku agen minta uang pendaftaran 500 ribu, katanya biar cepat"))))[0])
    assert "penipuan" in said and _rp("bpu.bracket1.jkk_jkm") in said


# ------------------------------------------------------------------------------ details
def test_the_partial_claims_documents_are_its_own():
    found = [d.name for d in get_answers().details_for("ask_jht_partial", "berkasnya apa?")]
    assert "jht_partial_documents" in found


async def test_when_the_scholarship_starts_for_a_young_child_told_before():
    first = user("ask_claim_jkk", "anak sy umur 4 thn, suami meninggal kecelakaan kerja di kapal")
    said = texts((await run(ActionAnswer(), _after(user("ask_scholarship", "beasiswanya mulai kapan?"),
                                                   (first, bot_answer("ask_claim_jkk")))))[0])
    assert "masuk sekolah" in said


# ------------------------------------------------------------------------------ short questions the NLU could not place
_AGENT = user("ask_agent", "sy mau jadi agen perisai, syaratnya apa?")


async def test_a_list_asked_of_the_topic_is_no_request_for_the_menu():
    said = texts((await run(ActionAnswer(), _after(user("menu", "tugasnya apa saja?"),
                                                   (_AGENT, bot_answer("ask_agent")))))[0])
    assert "sosialisasi" in said and "Langganan info" not in said


async def test_the_menu_asked_for_is_still_the_menu():
    said = texts((await run(ActionAnswer(), _after(user("menu", "bisa bantu apa saja?"),
                                                   (_AGENT, bot_answer("ask_agent")))))[0])
    assert "sosialisasi" not in said


async def test_an_unsure_general_reading_gives_way_to_the_topic_under_discussion_ranked_close():
    latest = user("ask_programs", "apa sy jadi pegawai bpjs tk?", [("ask_programs", 0.53), ("ask_agent", 0.1)])
    said = texts((await run(ActionAnswer(), _after(latest, (_AGENT, bot_answer("ask_agent")))))[0])
    assert "bukan karyawan" in said


async def test_a_sure_general_reading_stands():
    latest = user("ask_programs", "programnya apa saja?", [("ask_programs", 0.95), ("ask_agent", 0.03)])
    said = texts((await run(ActionAnswer(), _after(latest, (_AGENT, bot_answer("ask_agent")))))[0])
    assert "lima program" in said


async def test_a_short_unplaced_question_follows_the_topic_under_discussion():
    latest = user("nlu_fallback", "kalau 3 bulan tdk dapat peserta?", [("nlu_fallback", 0.4), ("inform", 0.2)])
    said = texts((await run(ActionClarify(), _after(latest, (_AGENT, bot_answer("ask_agent")))))[0])
    assert "maksud" not in said.lower() and "agen" in said.lower()


async def test_a_short_unplaced_health_question_is_no_follow_up():
    latest = user("nlu_fallback", "kalau bpjs kesehatan?", [("nlu_fallback", 0.4), ("inform", 0.2)])
    said = texts((await run(ActionClarify(), _after(latest, (_AGENT, bot_answer("ask_agent")))))[0])
    assert "sosialisasi" not in said


# ------------------------------------------------------------------------------ the check and what work pays
async def test_whether_one_may_join_read_as_a_check_says_how_such_a_worker_joins_first():
    from actions.eligibility import ValidateEligibilityForm
    t = tracker(user("check_eligibility", "sy digaji dari sekolah 1,2 juta, apa sy bisa ikut bpjs tk?"),
                slots={"occupation": "karyawan"})
    t.active_loop = {}
    said = texts((await run(ValidateEligibilityForm(), t))[0])
    assert "Penerima Upah" in said or "penerima upah" in said
    assert "Berapa umur" not in said


def test_the_floor_price_says_what_jht_adds():
    from lingkar.eligibility import acknowledgement
    said = acknowledgement({"occupation": "petani"}, TODAY).text
    assert _rp("bpu.bracket1.jht") in said and _rp("bpu.discount.bracket1.total") in said


def test_an_employer_asking_about_a_leaver_gets_the_report_and_the_nonactive_membership():
    found = [d.name for d in get_answers().details_for("ask_jp", "kalau ada karyawan resign, sy hrs apa?")]
    assert "employer_leaver" in found


def test_the_owner_who_asks_for_himself():
    text = "oh iya sy sendiri pemilik, bisa ikut juga?"
    found = [d.name for d in get_answers().details_for("ask_who_can_join", text)]
    assert "owner_bpu" in found


@pytest.mark.parametrize("text,thanks", [("oke mantap, sy daftar lewat hp nanti malam. trims", True),
                                         ("tq kak", True), ("trus gimana?", False)])
def test_chat_forms_of_thanks(text, thanks):
    from lingkar.form_words import THANKS
    assert bool(THANKS.search(text)) == thanks


def test_an_honorarium_is_an_income():
    from actions.answers import INCOME_WORDS
    assert INCOME_WORDS.search("eh koreksi, honor sy skrg 1,2 juta")
    assert not INCOME_WORDS.search("sy guru honorer")


async def test_whether_one_may_join_and_what_it_costs_is_still_the_check():
    from actions.eligibility import ValidateEligibilityForm
    t = tracker(user("check_eligibility", "saya nelayan di kolaka umur 35 penghasilan 2 juta, bisa ikut bpjs? berapa "
                                          "iurannya?"), slots={"occupation": "nelayan"})
    said = texts((await run(ValidateEligibilityForm(), t))[0])
    assert "Semua pekerja bisa ikut" not in said


def test_a_programme_named_over_another_programmes_reading():
    from actions.answers import programme_named_topic
    assert programme_named_topic("ask_claim_jht", "bolak balik kantor cabang utk klaim jkm suami") == "ask_claim_jkm"
    assert programme_named_topic("ask_jp", "sy sdh dapat JHT, skrg pensiun bulanan gmn?") is None
    assert programme_named_topic("ask_claim_jht", "klaim jht dan jkm") is None


@pytest.mark.parametrize("intent,text,previous,topic", [
    ("ask_discount", "jadi potongannya 150rb?", "ask_jp", "ask_jp"),
    ("ask_programs", "ada programnya kah buat perorangan?", "sponsor_offer", "ask_gn_lingkaran"),
])
def test_follow_ups_read_as_another_topic(intent, text, previous, topic):
    from actions.answers import follow_up_topic
    assert follow_up_topic(intent, text, previous, 0.6) == topic


def test_a_complaint_about_a_rejected_claim_gets_the_complaint_channels():
    from actions.answers import settle_topic
    text = "Saya ingin mengajukan keberatan karena klaim saya ditolak. Kemana saya harus mengadu?"
    assert settle_topic(tracker(user("ask_claim_jkm", text)), get_answers(), "ask_claim_jkm") == "ask_contact"
    text = "kecelakaan kerja kemarin, lapornya kemana?"       # the accident's report stays the claim
    assert settle_topic(tracker(user("ask_claim_jkk", text)), get_answers(), "ask_claim_jkk") == "ask_claim_jkk"


def test_how_long_a_jht_claim_takes_in_formal_words():
    found = [d.name for d in get_answers().details_for("ask_claim_jht",
                                                       "Berapa lama proses pencairan JHT melalui aplikasi JMO?")]
    assert "jht_payout_time" in found


@pytest.mark.parametrize("text", [
    "sy mau minta surat rujukan ke rs, lewat mana?",
    "sy mau daftar bpjs utk keluarga sy 4 orang biar bisa berobat gratis",
    "Apakah operasi katarak ibu saya dicover BPJS TK? Ibu tidak kerja.",
])
def test_bpjs_kesehatans_own_words(text):
    from lingkar.signals import named_topic
    assert named_topic("nlu_fallback", text) == "ask_health"


async def test_a_health_question_read_as_unaffordable_contributions_gets_bpjs_kesehatan():
    said = texts((await run(ActionOfferSponsorship(), tracker(user(
        "cannot_afford", "sy mau minta surat rujukan ke rs, lewat mana?"))))[0])
    assert _fact("contact.health_call_centre") in said and "usulkan" not in said


def test_a_second_feeling_beside_a_loss():
    signals = read_signals("klaim jkm almarhum ayah sdh 2 minggu blm ada kabar, petugasnya cuma bilang tunggu. "
                           "kita ini org susah!!")
    assert signals.feeling == "grief" and signals.also == "distress"


async def test_a_complaint_beside_a_loss_is_acknowledged_beside_the_condolences():
    text = "klaim jkm almarhum ayah sdh 2 minggu blm ada kabar, petugasnya cuma bilang tunggu. kita ini org susah!!"
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jkm", text))))[0])
    assert "berduka" in said.lower() and "Saya mengerti ini berat" in said


async def test_money_sent_told_with_the_scam_gets_the_warning_and_what_to_do_now():
    text = "tolong!! sy td transfer 500rb ke org yg ngaku petugas bpjs tk, katanya biar jht sy cepat cair"
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jht", text))))[0])
    assert "penipuan" in said and "rekening penerima diblokir" in said
    said = texts((await run(ActionAnswer(), tracker(user(
        "ask_claim_jht", "ada org ngaku petugas, katanya jht sy bisa cair kalau sy hrs transfer 500rb dulu"))))[0])
    assert "penipuan" in said and "rekening penerima diblokir" not in said


async def test_a_claim_asked_without_a_programme_is_the_claim_under_discussion():
    first = user("ask_claim_jkm", "bapak sy meninggal minggu lalu di Pasarwajo")
    latest = user("ask_claim_jkk", "sy mau urus klaim", [("ask_claim_jkk", 0.66), ("ask_claim_jkm", 0.32)])
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_claim_jkm")))))[0])
    assert "ahli waris" in said.lower() and "Utamakan berobat" not in said


async def test_the_heirs_documents_after_a_late_fathers_jp_stay_the_heirs():
    first = user("ask_claim_jkm", "Suami sy meninggal 2 minggu lalu karena serangan jantung.")
    jp = user("ask_jp", "kalau JP? suami ikut JP 6 tahun")
    t = _after(user("ask_documents", "berkasnya apa saja?"), (first, bot_answer("ask_claim_jkm")),
               (jp, bot_answer("ask_jp")))
    said = texts((await run(ActionAnswer(), t))[0])
    assert "akta kematian" in said


def test_a_deduction_asked_of_a_programme_is_no_claim():
    from actions.answers import settle_topic
    t = tracker(user("ask_claim_jp", "yg jp juga dipotong?"))
    assert settle_topic(t, get_answers(), "ask_claim_jp") == "ask_jp"
    assert settle_topic(tracker(user("ask_claim_jp", "jp bisa dicairkan kapan?")), get_answers(),
                        "ask_claim_jp") == "ask_claim_jp"


@pytest.mark.parametrize("text,referral", [("sy blm dapat bansos PKH bulan ini, tanya kemana?", "social_aid"),
                                           ("potongan tapera di slip gaji itu bpjs tk juga kah?", "tapera"),
                                           ("urus sertifikat tanah kebun di Ranomeeto dmn?", "land"),
                                           ("token listrik sy tdk masuk, lapor ke siapa?", "electricity")])
def test_still_more_offices(text, referral):
    assert read_signals(text).referral == referral


async def test_a_whole_referral_the_nlu_could_not_place_is_not_followed_by_maksudnya():
    latest = user("nlu_fallback", "sy blm dapat bansos PKH bulan ini, tanya kemana?",
                  [("nlu_fallback", 0.4), ("menu", 0.26), ("ask_my_status", 0.21)])
    said = texts((await run(ActionClarify(), tracker(latest)))[0])
    assert "Dinas Sosial" in said and "Maksudnya" not in said


def test_a_class_of_care_is_bpjs_kesehatans_but_a_school_class_is_not():
    from actions.answers import class_of_care_topic
    assert class_of_care_topic("bpjs kelas 3 brp sebulan skrg?") == "ask_health"
    assert class_of_care_topic("anak sy kelas 3 SD, dapat beasiswa?") is None


def test_a_weak_question_word_alone_asks_nothing():
    from actions.answers import _ASKING
    assert not _ASKING.search("sy ada kebun jambu mete di Muna")
    assert _ASKING.search("ada beasiswa kah?")


async def test_years_of_membership_after_a_partial_claim_question_get_the_partial_rule():
    from rasa_sdk.executor import CollectingDispatcher

    from actions.eligibility import statement_for_topic
    first = user("ask_jht_partial", "jht bisa diambil sebagian kah?")
    t = _after(user("check_eligibility", "sy baru 6 thn ikut"), (first, bot_answer("ask_claim_jht")))
    dispatcher = CollectingDispatcher()
    assert statement_for_topic(dispatcher, t)
    assert _fact("jht.partial_min_years") in texts(dispatcher.messages)


async def test_an_introduction_naming_csr_gets_gn_lingkaran():
    said = texts((await run(ActionInform(), tracker(user(
        "inform", "selamat siang, sy dari bagian CSR perusahaan tambang di Konawe Utara"))))[0])
    assert "GN Lingkaran" in said


def test_someone_impersonating_the_office_is_a_scam_question():
    assert read_signals("tolong, sy ditelpon org ngaku petugas bpjs tk Baubau").scam
    assert not read_signals("petugas bpjs tk datang ke desa kami minggu lalu").scam


async def test_paying_safely_after_a_neighbours_scam_gets_the_warning_and_the_channels():
    text = ("Sa jualan ikan di Pasar Sentral. Tetangga sa pernah tertipu orang yang ngaku petugas. Bagaimana cara "
            "bayar iuran yang aman dan resmi?")
    said = texts((await run(ActionClarify(), tracker(user("nlu_fallback", text, [("nlu_fallback", 0.4)]))))[0])
    assert "penipuan" in said and "kode iuran" in said


def test_an_accident_told_beside_a_contribution_question_keeps_the_question():
    from actions.answers import settle_topic
    text = ("Saya punya warung makan, karyawan tiga orang. Kemarin salah satu karyawan terpeleset di dapur, saya yang "
            "tanggung semua biayanya. Kira-kira iuran JKM per orang berapa?")
    assert settle_topic(tracker(user("ask_contribution_pu", text)), get_answers(), "ask_contribution_pu") \
        == "ask_contribution_pu"
