"""Issue 12, sixteenth session: the Muslim greeting returned; a wish with the thanks after an accident or a loss;
"nanti saja" outside a form; good news over a hard time that is over; a suffix after a hyphen ("KIS-nya"); the job
seeker's card and work abroad asked of other offices; an employer's leaver and an active membership in chat words; a
death at sea or on duty travel is JKK's; contributions deducted but only partly paid in; a paid "premium" membership
is a scam; a sponsor's cost question is no check; counts said in words. Real actions on Tracker fixtures, real
content."""
from __future__ import annotations

import datetime as dt

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswer, ActionClarify, is_work_death, parting_wish, send_deferral
from actions.eligibility import ActionInform, ValidateEligibilityForm
from actions.source import should_ask
from lingkar.signals import named_topic, read_signals
from lingkar.texts import get_answers
from lingkar.wage_figures import counts_workers, group_line, with_counts

from .test_context import bot_answer, run, texts, tracker, user
from .test_fourteenth_session import TODAY, _after, _details, frozen_today  # noqa: F401  (the autouse fixture too)


# ------------------------------------------------------------------------------ greetings, thanks, "later"
@pytest.mark.parametrize("text", ["assalamualaikum", "Assalamu'alaikum wr wb", "asalamualaikum kak",
                                  "Assalamualaikum. Saya Kepala Desa di Konda"])
async def test_the_muslim_greeting_is_returned_first(text):
    said = (await run(ActionAnswer(), tracker(user("greet", text))))[0]
    assert said[0]["text"].startswith("Waalaikumsalam")


async def test_a_plain_greeting_is_not_answered_with_the_muslim_one():
    assert "Waalaikumsalam" not in texts((await run(ActionAnswer(), tracker(user("greet", "selamat pagi"))))[0])


async def test_thanks_after_an_accident_wish_a_quick_recovery():
    first = user("ask_claim_jkk", "kemarin sy jatuh dari perancah, kaki patah")
    said = texts((await run(ActionAnswer(), _after(user("thank", "makasih, doakan sy"),
                                                   (first, bot_answer("ask_claim_jkk")))))[0])
    assert "Sama-sama" in said and "lekas sembuh" in said


async def test_thanks_after_a_loss_wish_strength_and_plain_thanks_wish_nothing():
    first = user("ask_claim_jkm", "suami sy meninggal minggu lalu, dia nelayan")
    t = _after(user("thank", "makasih"), (first, bot_answer("ask_claim_jkm")))
    assert parting_wish(t) == "wish_strength"
    said = texts((await run(ActionAnswer(), tracker(user("thank", "makasih infonya"))))[0])
    assert "Sama-sama" in said and "Semoga" not in said


@pytest.mark.parametrize("text,deferred", [
    ("nanti saja, sy masih urus 7 harian", True),
    ("ok lain kali aja kak", True),
    ("nanti saja bayarnya bisa?", False),               # a question
    ("nanti kalau sy meninggal istri dapat apa", False),
])
def test_putting_it_off_outside_a_form(text, deferred):
    dispatcher = CollectingDispatcher()
    assert send_deferral(dispatcher, tracker(user("inform", text))) is deferred
    assert bool(dispatcher.messages) is deferred


async def test_putting_it_off_is_no_fact_to_note():
    said = texts((await run(ActionInform(), tracker(user("inform", "nanti saja, sy masih urus 7 harian"))))[0])
    assert "tidak apa-apa" in said and "Terima kasih infonya" not in said


def test_no_source_question_right_after_a_death_is_told():
    t = tracker(user("ask_claim_jkm", "suami sy meninggal ditabrak mobil waktu antar penumpang"))
    assert not should_ask(t)
    assert should_ask(tracker(user("ask_claim_jkm", "syarat klaim jkm apa saja?")))


# ------------------------------------------------------------------------------ feelings and words
def test_good_news_outweighs_a_hard_time_that_is_over():
    s = read_signals("senang sekali sy diterima kerja lagi stlh 4 bulan nganggur. JKP sy masih sisa 2 bulan?")
    assert s.feeling == "joy"
    assert "selamat" in get_answers().render_snippet("feeling_joy", TODAY).text.lower()


@pytest.mark.parametrize("text,referral", [
    ("banyak warga kami yang KIS-nya tidak aktif, bisa dibantu?", "health"),
    ("mau urus kartu kuning AK1 buat cari kerja, dmn ya?", "job_seeker_card"),
    ("sy mau kerja ke Jepang, daftarnya dmn yg resmi?", "migrant_placement"),
])
def test_other_offices(text, referral):
    assert read_signals(text).referral == referral


async def test_the_job_seekers_card_is_the_labour_offices_alone():
    said = texts((await run(ActionAnswer(), tracker(user("ask_card", "mau urus kartu kuning AK1, dmn ya?"))))[0])
    assert "Disnaker" in said and "JMO" not in said


@pytest.mark.parametrize("text,scam", [
    ("ada yg dm sy di ig katanya dari bpjs tk tawarkan upgrade kepesertaan premium 150rb", True),
    ("iuran bpu yg paling murah brp?", False),
])
def test_a_paid_premium_membership_is_a_scam(text, scam):
    assert read_signals(text).scam is scam


# ------------------------------------------------------------------------------ topics and details
@pytest.mark.parametrize("topic,text,detail", [
    ("ask_claim_jht", "Mantan karyawan kami mengundurkan diri per 15 November. Apa yang perlu kami lakukan agar ia "
                      "dapat mencairkan JHT?", "employer_leaver"),
    ("ask_claim_jht", "kpj sy msh aktif pdhl sdh phk 2 bln, jht gk bs cair, gmn?", "jht_claim_blocked"),
])
def test_details_in_chat_and_formal_words(topic, text, detail):
    assert detail in _details(topic, text)


def test_the_jht_claim_says_the_membership_must_be_made_inactive():
    assert "nonaktif" in get_answers().render("ask_claim_jht", TODAY).text


@pytest.mark.parametrize("text,work", [
    ("kakak ipar sy nelayan, perahunya terbalik waktu dia turun memancing malam, jenazahnya ditemukan 2 hari "
     "kemudian. dia meninggal", True),
    ("staf kami meninggal kecelakaan waktu perjalanan dinas ke kantor bupati", True),
    ("suami sy meninggal krn sakit jantung", False),
])
def test_a_death_at_sea_or_on_duty_travel_is_a_work_death(text, work):
    assert is_work_death(get_answers(), text) is work


def test_contributions_deducted_but_partly_paid_in_are_the_employers_duty():
    assert named_topic("nlu_fallback", "gaji dipotong tiap bulan utk bpjs, tapi di JMO iuran sy cuma masuk 2 thn") \
        == "ask_employer_not_registering"


async def test_a_sponsors_cost_question_is_answered_not_checked():
    offer = user("sponsor_offer", "Saya ingin menanggung iuran BPJS TK untuk asisten rumah tangga saya. Bisa?")
    latest = user("check_eligibility", "Berapa per bulan kalau saya daftarkan bulan ini?",
                  [("check_eligibility", 0.46)])
    t = _after(latest, (offer, bot_answer("sponsor_offer")))
    t.active_loop = {"name": "sponsor_form"}
    messages, events = await run(ValidateEligibilityForm(), t)
    said = texts(messages)
    assert "Rp8.400" in said and "Rp16.800" in said
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


# ------------------------------------------------------------------------------ counts in words
@pytest.mark.parametrize("text,counted", [
    ("jd klo berdua brp sebulan mulai januari?", "jd klo 2 orang brp sebulan mulai januari?"),
    ("kami bertiga mau ikut", "3 orang mau ikut"),
    ("tiga orang nelayan", "3 orang nelayan"),
])
def test_counts_said_in_words(text, counted):
    assert with_counts(text) == counted and counts_workers(text)


def test_a_group_priced_this_month_and_the_months_after():
    line = group_line("kami bertiga per bulan brp, bulan ini dan bulan2 berikutnya?", dt.date(2026, 12, 7))
    assert "3 x Rp8.400 = Rp25.200" in line and "Januari 2027: 3 x Rp16.800 = Rp50.400" in line


# ------------------------------------------------------------------------------ later in the session
@pytest.mark.parametrize("text,line", [
    ("tabe, sa lahir 1970, umur berapami sa bisa ambil JHT full?", "capai tahun 2026, tahun ini"),
    ("sy lhr 1975, jht bisa cair umur brp?", "pada tahun 2031"),
    ("lahir 1965, jht sy bisa diambil?", "sudah lewat"),
])
async def test_a_birth_year_gets_the_year_of_the_jht_age(text, line):
    said = texts((await run(ActionAnswer(), tracker(user("ask_claim_jht", text))))[0])
    assert line in said


async def test_a_birth_year_written_short_gets_the_jp_pension_year():
    said = texts((await run(ActionAnswer(), tracker(user("ask_jp", "sy lhr 1968, jp bs cair thn brp?"))))[0])
    assert "2027" in said


@pytest.mark.parametrize("text,feeling,also", [
    ("kesal sy, katanya iuran diskon 50% tp sy tetap ditagih 36.800 tiap bulan. apa sy ditipu petugas?", "anger",
     "distress"),
    ("alhamdulillah, jht sy akhirnya cair setelah 2 minggu bolak balik urus berkas", "joy", "anger"),
])
def test_the_feeling_the_worker_opens_with_or_good_news_comes_first(text, feeling, also):
    s = read_signals(text)
    assert (s.feeling, s.also) == (feeling, also)


def test_small_talk_about_meals_is_chatter():
    assert read_signals("sdh makan blm kak? hehe").referral == "chatter"


def test_abbreviated_occupations_are_read():
    from lingkar.parsing.occupation import match_occupation
    assert match_occupation("sy ptni kakao di kolut").key == "petani"
    assert match_occupation("sy nlyn di kabaena").key == "nelayan"


async def test_a_months_cost_after_how_to_join_is_that_months_contribution():
    first = user("ask_register", "klo ternyata tdk terdaftar, sy bisa daftar sendiri kah utk kedepannya?")
    latest = user("nlu_fallback", "brp itu bulan depan?", [("nlu_fallback", 0.4), ("ask_documents", 0.3)])
    said = texts((await run(ActionClarify(), _after(latest, (first, bot_answer("ask_register")))))[0])
    assert "Rp16.800" in said and "Januari 2027" in said


async def test_the_scholarship_asked_after_a_death_weighs_the_membership_told_before():
    first = user("ask_claim_jkm", "bapak sy petani kakao, peserta bpjs tk mandiri sejak april 2024. minggu lalu beliau "
                                  "meninggal krn stroke")
    latest = user("ask_scholarship", "adik sy 2 org masih SD, dpt beasiswa?")
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_claim_jkm")))))[0])
    assert "belum memenuhi syarat" in said and "minimal 3 tahun" in said


def test_an_illness_that_caused_a_death_is_no_worry_of_its_own():
    s = read_signals("minggu lalu bapak sy meninggal krn stroke")
    assert (s.feeling, s.also) == ("grief", None)
    assert read_signals("suami sy meninggal, sy sedih sekali").also == "distress"


def test_a_further_question_of_what_membership_costs_is_answered_when_read_as_the_check():
    from actions.answers import _question_topic
    q = {"text": "trus kalau sy lanjut bpjs tk sbg ojol bayar brp sebulan?", "intent": "check_eligibility",
         "confidence": 0.38}
    assert _question_topic(q, get_answers()) == "ask_contribution_bpu"
    assert _question_topic(dict(q, confidence=0.2), get_answers()) is None          # too unsure
    assert _question_topic(dict(q, text="trus brp sebulan?"), get_answers()) is None  # no subject of its own


def test_a_month_after_the_discount_says_when_it_ended():
    from lingkar.wage_figures import month_price_line
    line = month_price_line("petani", None, "klo sy bayar utk bulan januari apa masih murah?", TODAY)
    assert "Januari 2027 (JKK+JKM): Rp16.800" in line and "sampai iuran Desember 2026; bulan ini Rp8.400" in line
    assert month_price_line("petani", None, "JHT bisa cair Januari?", TODAY) is None
    # "mulai bulan depan" still starts a prepayment next month (prepay_start), unchanged by "bulan depan" read here
    from lingkar.wage_figures import prepay_start
    assert prepay_start("bayar 3 bulan mulai bulan depan", TODAY) == dt.date(2027, 1, 1)
    assert prepay_start("bayar 3 bulan, bulan depan saya ke kantor", TODAY) == dt.date(2026, 12, 1)


async def test_adding_jht_after_how_to_join_is_the_cost_with_jht():
    from actions.answers import follow_up_topic
    assert follow_up_topic("ask_jht", "klo sama jht nya?", "ask_register") == "ask_contribution_bpu"
    assert follow_up_topic("ask_jht", "jht itu apa sih sebenarnya, bisa diambil kapan?", "ask_register") is None


@pytest.mark.parametrize("text,feeling", [
    ("kok diskonnya cuma sampai desember?? ojol dapat sampai 2027, kami nelayan dianaktirikan!", "anger"),
    ("maaf kalau pertanyaan sy kurang pintar, apa beda bpjs kesehatan dgn bpjs tk?", "unsure"),
])
def test_unfairness_and_a_shy_question_are_acknowledged(text, feeling):
    assert read_signals(text).feeling == feeling


def test_where_an_accident_is_treated_is_the_hospital_detail():
    assert "jkk_hospital_class" in _details("ask_claim_jkk", "berobatnya di mana?")


async def test_the_total_of_jkp_for_the_wage_told_before():
    first = user("ask_jkp", "PHK bulan lalu, gaji 4,2 jt. brp JKP sy?")
    latest = user("ask_contribution_bpu", "total smua brp?", [("ask_contribution_bpu", 0.5)])
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_jkp")))))[0])
    assert "Rp15.120.000" in said


async def test_a_count_after_public_money_is_priced_at_the_normal_rate():
    first = user("ask_discount", "Desa kami ingin membayarkan iuran BPJS TK untuk 40 petani mulai Desember ini "
                                 "dari dana desa. Apakah dapat diskon 50%?")
    latest = user("ask_contribution_bpu", "Jadi per bulan untuk 40 orang berapa?")
    said = texts((await run(ActionAnswer(), _after(latest, (first, bot_answer("ask_discount")))))[0])
    assert "40 x Rp16.800 = Rp672.000" in said and "Rp336.000" not in said


async def test_a_scam_told_at_the_checks_question_is_no_answer():
    latest = user("inform", "btw ada yg dm sy di ig katanya dari bpjs tk tawarkan upgrade kepesertaan premium 150rb")
    t = _after(latest)
    t.active_loop = {"name": "eligibility_form"}
    t.slots.update({"requested_slot": "income", "occupation": "ibu_rumah_tangga"})
    turn = ValidateEligibilityForm().read("income", t, dict(t.slots))
    assert turn.values == {} and turn.failed is None


async def test_a_months_price_asked_as_the_check_after_the_discount_is_answered_without_one():
    first = user("ask_discount", "diskonnya berlaku utk sy? sy petani")
    latest = user("check_eligibility", "klo sy bayar bulan januari jadi brp?")
    t = _after(latest, (first, bot_answer("ask_discount")))
    t.slots["occupation"] = "petani"
    messages, events = await run(ValidateEligibilityForm(), t)
    assert "Januari 2027" in texts(messages) and "Rp16.800" in texts(messages)
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


async def test_years_of_membership_corrected_after_a_death_weigh_the_scholarship():
    first = user("ask_claim_jkm", "suami sy meninggal krn sakit paru2. dia nelayan, ikut bpjs tk dari 2021")
    latest = user("inform", "eh maaf, suami sy ikutnya dari 2024 bukan 2021")
    said = texts((await run(ActionInform(), _after(latest, (first, bot_answer("ask_claim_jkm")))))[0])
    assert "belum memenuhi syarat" in said and "Terima kasih infonya" not in said
    # no death before: a membership told is only noted
    said = texts((await run(ActionInform(), tracker(user("inform", "sy ikutnya dari 2024"))))[0])
    assert "beasiswa" not in said


def test_a_membership_said_with_its_suffix_or_month():
    from lingkar.wage_figures import membership_years
    assert membership_years("eh maaf, suami sy ikutnya dari 2024 bukan 2021", TODAY) == 2
    assert membership_years("peserta bpjs tk mandiri sejak april 2024", TODAY) == 2
    assert membership_years("ikutan arisan dari 2020", TODAY) is None


async def test_a_death_from_an_illness_read_as_jkk_is_jkms():
    text = ("Desa kami menganggarkan iuran untuk 50 pekerja rentan. Apabila salah satu peserta meninggal dunia karena "
            "sakit, berapa santunan yang diterima ahli waris?")
    said = texts((await run(ActionAnswer(), tracker(user("ask_jkk", text))))[0])
    assert "Rp42.000.000" in said and "Ganti upah" not in said
    # an illness the work caused stays JKK's
    from actions.answers import settle_topic
    t = tracker(user("ask_claim_jkk", "kakak sy meninggal krn penyakit paru2, dokter bilang akibat debu di pabrik"))
    assert settle_topic(t, get_answers(), "ask_claim_jkk") == "ask_claim_jkk"


@pytest.mark.parametrize("intent,text,topic", [
    ("nlu_fallback", "Kami ingin mengundang BPJS Ketenagakerjaan untuk sosialisasi. Ke mana kami dapat menyampaikan "
                     "surat permohonan?", "ask_contact"),
    ("ask_payment", "Melalui kanal apa saja peserta BPU dapat membayar iuran bulanan?", None),  # stays the payment
])
def test_a_letter_to_the_office_and_the_channels_of_paying(intent, text, topic):
    assert named_topic(intent, text) == topic


@pytest.mark.parametrize("text", [
    "alhamdulillah JHT sa sdh cair td pagi lewat JMO, 12 juta masuk rekening!! sa mau ikut lagi skrg sbg pekerja "
    "mandiri, bisa?",
    "alhamdulillah klaim JKM ibu sy sudah cair, sy berterima kasih. sy mau daftar juga utk diri sendiri, petani kakao",
])
async def test_good_news_of_a_claim_then_a_wish_to_join_is_about_joining(text):
    from actions.answers import settle_topic
    assert settle_topic(tracker(user("ask_claim_jht", text)), get_answers(), "ask_claim_jht") == "ask_register"
    # without the good news, a claim question with "ikut" stays the claim
    t = tracker(user("ask_claim_jht", "sy mau ikut urus klaim jht bapak, berkasnya apa?"))
    assert settle_topic(t, get_answers(), "ask_claim_jht") == "ask_claim_jht"
