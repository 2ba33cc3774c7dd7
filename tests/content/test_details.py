"""Issue 12: the specific fact a question asks beyond its topic's general answer (content/answers.yml ``details``),
the topic a message names by its own words over a general one, and a topic that needs words the message lacks
(content/signals.yml ``named``, ``requires``). Real content files, real actions on Tracker fixtures."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import ActionAnswer, ActionClarify, detail_follow_up, settle_topic
from actions.more import ActionMoreDetail
from lingkar.facts import load_facts
from lingkar.signals import about_other_agency, named_topic, topic_allowed
from lingkar.texts import AnswerError, get_answers
from lingkar.texts.answers import parse_answers

from .helpers import ROOT
from .test_context import run, texts, tracker, user

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())


def names(topic, text):
    return [d.name for d in get_answers().details_for(topic, text)]


def fact(key: str) -> str:
    return load_facts(ROOT / "content" / "facts.yml").entry(key, TODAY).text()


# ------------------------------------------------------------------------------ which details a message asks
@pytest.mark.parametrize("topic,text,detail", [
    ("ask_jkk", "kalau belum pasti kecelakaan kerja, tetap ditanggung dulu? brp lama penetapannya", "jkk_suspected"),
    ("ask_claim_jkk", "kalau korban dibawa pulang pake pesawat ongkosnya diganti?", "jkk_transport"),
    ("ask_jkk", "selama tdk bisa kerja gaji sy dibayar?", "jkk_wage"),
    ("ask_contribution_pu", "iuran jkk risiko sedang brp persen?", "pu_jkk_risk"),
    ("ask_late_payment", "brp bulan batasnya?", "late_limit"),
    ("ask_claim_jht", "kalau saldo lebih dari batas jmo bagaimana?", "jmo_limit"),
    ("ask_jkk", "paru2 sy rusak krn debu di tempat kerja, ditanggung?", "occupational_disease"),
    ("ask_claim_jkk", "suami sy lumpuh total krn jatuh di proyek, ada santunan?", "jkk_disability"),
    ("ask_scholarship", "suami sy meninggal, anak2 dapat beasiswa? santunannya brp?", "jkm_amount"),
    ("ask_construction", "proyek hrs didaftarkan brp hari stlh SPK?", "jakon_deadline"),
    ("ask_who_can_join", "umur sy 62, apa ada batas umur utk daftar bpu?", "bpu_age_limit"),
    ("ask_jkp", "berapa besar iuran jkp dan siapa yang menanggung?", "jkp_rate"),
    ("ask_jkp", "Apakah dengan adanya program JKP perusahaan dikenakan tambahan iuran?", "jkp_rate"),
    ("ask_jkk", "berapa jenis penyakit yang dijamin JKK dan apa dasar hukumnya?", "occupational_disease"),
    ("ask_construction", "Dia jatuh dari perancah dan meninggal di tempat. Proyeknya sdh didaftarkan.", "jkk_death"),
    ("ask_payment", "bisa kah sy bayar sekaligus 6 bln pas habis panen?", "prepay"),
    (None, "Instruksi Presiden apa yang jadi dasar optimalisasi jaminan sosial ketenagakerjaan?", "compliance"),
    ("ask_employer_not_registering", "katanya ada kejaksaan jg yg urus ginian? benar ji?", "compliance"),
    ("ask_agent", "sy sdh anggota koperasi nelayan, bisa lwt koperasi itu?", "agent_umbrella"),
    ("ask_agent", "pembagiannya dgn koperasi gimana?", "agent_umbrella"),
    ("ask_agent", "kalo 3 bulan gk dapat peserta baru gmn?", "agent_inactive"),
])
def test_a_topic_answer_brings_the_detail_asked(topic, text, detail):
    assert detail in names(topic, text)


@pytest.mark.parametrize("topic,text,detail", [
    ("ask_late_payment", "masa iuran jp kurang dari ketentuan, bagaimana?", "jp_lump_sum"),   # NLU read it wrong
    ("ask_claim_jkm", "siapa yg berhak menerima jaminan pensiun kalau peserta meninggal?", "jp_survivors"),
    ("ask_documents", "apa saja syarat jadi peserta jaminan kehilangan pekerjaan?", "jkp_conditions"),
    ("ask_programs", "di perusahaan sy ada tka dari cina, wajib didaftarkan juga?", "foreign_workers"),
    ("ask_employer_not_registering", "pulang kerja sy jatuh dr motor, bos bilang bukan kecelakaan kerja krn bukan "
                                     "di bengkel", "jkk_commute"),
    ("ask_employer_not_registering", "kaki sy terjepit, selama sy tdk kerja sy msh dpt gaji kah?", "jkk_wage"),
    ("ask_card", "sy sdh 4 bln tdk bayar, msh aktif kah kartu sy?", "card_active"),
    ("ask_claim_jkm", "anak sy msh kecil blm sekolah, beasiswanya kapan mulai?", "scholarship_start"),
    ("ask_jkm", "anak sy masih bayi, beasiswanya bisa?", "scholarship_start"),
    ("ask_register", "Ayah saya berusia 60 tahun. Apakah masih bisa mendaftar?", "bpu_age_limit"),
    ("ask_jht", "klo sa ikut jht brp tambahannya", "jht_bpu_amount"),
    ("ask_claim_jht", "sy mau beli rumah, jht bisa diambil sebagian? brp persen?", "jht_partial_amount"),
    ("ask_documents", "usaha sy baru buka, brp lama batas waktu daftarkan karyawan?", "employer_deadline"),
    ("ask_claim_jp", "sy dokter gigi praktik mandiri, bisa ikut JP?", "jp_not_bpu"),
    ("ask_gn_lingkaran", "dasar hukumnya apa utk pemda? daerah lain di sultra sdh ada yg jalan?", "pemda_basis"),
    ("ask_contribution_bpu", "brp mi sebulan? trus klo sa jatuh dr bagan ditanggung kah rs nya?", "jkk_covered"),
    (None, "sdh sy kasih kodenya, gmn ini?", "scam_victim"),
    ("ask_programs", "JP wajib kah utk usaha kecil kyk sy?", "jp_small_business"),
    ("ask_discount", "di mana sy bisa baca info resmi soal diskon?", "official_source"),
    (None, "brp persen pekerja di sultra yg sdh terdaftar aktif? dosen minta data resmi", "sultra_coverage"),
])
def test_a_message_that_names_the_subject_gets_the_detail_after_any_topic(topic, text, detail):
    assert detail in names(topic, text)


def test_no_detail_without_its_words_or_its_topic():
    assert names("ask_jkk", "jkk itu apa?") == []
    assert names("ask_jkm", "brp bulan batasnya?") == []          # late_limit is the late-payment topic's
    assert names("ask_late_payment", "/ask_late_payment") == []   # a button
    # at most three (MAX_DETAILS), in file order: the fourth asked is left for a later question
    asked = "kalau belum pasti, ongkos ambulans dan home care, gaji selama tdk bisa kerja"
    assert names("ask_jkk", asked) == ["jkk_suspected", "jkk_transport", "jkk_homecare"]


def test_another_agencys_card_never_gets_our_card_detail():
    assert about_other_agency("kartu KIS sy hilang, berapa lama buat baru?")
    assert names("ask_health", "kartu KIS sy hilang, berapa lama buat baru?") == []
    assert names("ask_register", "kartu bpjs tk kapan jadi?") == ["card_days"]


def test_details_say_the_facts_figures():
    answers = get_answers()
    by_name = {d.name: answers.render_detail(d, TODAY).text for d in answers.details}
    assert fact("jkk.suspected_decision_days") in by_name["jkk_suspected"]
    assert fact("jkk.transport_air_max") in by_name["jkk_transport"]
    assert fact("jp.min_contrib_years") in by_name["jp_lump_sum"] and "sekaligus" in by_name["jp_lump_sum"]
    assert fact("pu.jkk_rate.medium") in by_name["pu_jkk_risk"]
    assert fact("jmo.jht_claim_limit") in by_name["jmo_limit"]
    assert "belum bisa kami pastikan" in by_name["agent_fee"]     # unconfirmed figures say where to check


def test_a_broken_detail_fails_at_load():
    facts = load_facts(ROOT / "content" / "facts.yml")
    base = {"menu": [{"title": "Menu", "payload": "/menu"}],
            "snippets": {k: {"text": "x"} for k in ("clarify_question", "clarify_help", "handoff_recorded")},
            "answers": {"menu": {"label": "Menu", "text": "Menu."}},
            "notes": {"stale": "{labels}", "unconfirmed": "{labels}"}}
    with pytest.raises(AnswerError, match="topics without an answer"):
        parse_answers({**base, "details": {"d": {"topics": ["ask_nothing"], "words": ["x"], "text": "y"}}}, facts)
    with pytest.raises(AnswerError, match="expected topics, words, text"):
        parse_answers({**base, "details": {"d": {"topics": ["menu"], "text": "y"}}}, facts)
    ok = parse_answers({**base, "details": {"d": {"topics": ["menu"], "words": ["batas*"], "text": "y"}}}, facts)
    assert [d.name for d in ok.details_for("menu", "batasnya?")] == ["d"]


# ------------------------------------------------------------------------------ in the actions
async def test_the_detail_follows_the_answer_and_is_not_repeated_when_the_answer_has_it():
    # the NLU read a JP question as late payment: the answer, then the JP fact asked
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_late_payment", "masa iuran jp kurang dari ketentuan?")))
    said = texts(msgs)
    assert said.count("akumulasi iuran") == 1 and said.index("telat bayar") < said.index("akumulasi iuran")
    # the JP answer says it already (its figure is in the answer): no repeat
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_jp", "jp kalau masa iuran kurang dari ketentuan?")))
    assert "akumulasi iuran" not in texts(msgs) and "sekaligus" in texts(msgs)
    # the claim answer already says the 30-day decision: the detail is not sent again
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_claim_jkk", "belum pasti kecelakaan kerja, ditanggung?")))
    assert texts(msgs).count(fact("jkk.suspected_decision_days")) == 1


async def test_a_short_follow_up_gets_the_detail_alone():
    earlier = [user("ask_late_payment", "sy telat bayar iuran bpu 2 bulan, gimana?")]
    latest = user("nlu_fallback", "brp bulan batasnya?", [("nlu_fallback", 0.4), ("ask_balance", 0.2)])
    assert detail_follow_up(get_answers(), "nlu_fallback", latest["text"], "ask_late_payment") == "ask_late_payment"
    msgs, _ = await run(ActionClarify(), tracker(latest, earlier))
    said = texts(msgs)
    assert said.startswith("Batasnya " + fact("bpu.lapse_months")) and "tidak dikenakan denda" not in said


async def test_more_after_a_whole_answer_gives_the_detail_it_asks():
    earlier = [user("ask_claim_jht", "cara klaim jht lewat jmo?")]
    t = tracker(user("ask_more_detail", "kalau lebih?"), earlier)
    t.events.insert(1, {"event": "bot", "text": "…", "metadata": {"answer": {"topic": "ask_claim_jht",
                                                                            "on": TODAY.isoformat(),
                                                                            "part": "whole"}}})
    msgs, _ = await run(ActionMoreDetail(), t)
    assert fact("jmo.jht_claim_limit") in texts(msgs)


@pytest.mark.parametrize("topic", ["ask_claim_jkm", "ask_jkm"])
async def test_a_breakdown_after_a_whole_answer_is_what_the_benefit_is_made_of(topic):
    earlier = [user(topic, "suami sy meninggal, klaimnya gmn?")]
    t = tracker(user("ask_more_detail", "rinciannya apa saja?"), earlier)
    t.events.insert(1, {"event": "bot", "text": "…", "metadata": {"answer": {"topic": topic, "on": TODAY.isoformat(),
                                                                            "part": "whole"}}})
    msgs, _ = await run(ActionMoreDetail(), t)
    said = texts(msgs)
    assert fact("jkm.lump_sum") in said and fact("jkm.funeral") in said
    # the claim stays the topic under discussion ("berkas apa saja?" next is the claim's documents)
    assert msgs[0]["answer"]["topic"] == topic
    # "lebih lengkap" is no breakdown: that was all
    t = tracker(user("ask_more_detail", "lebih lengkap"), earlier)
    t.events.insert(1, {"event": "bot", "text": "…", "metadata": {"answer": {"topic": topic, "on": TODAY.isoformat(),
                                                                            "part": "whole"}}})
    msgs, _ = await run(ActionMoreDetail(), t)
    assert fact("jkm.lump_sum") not in texts(msgs)


# ------------------------------------------------------------------------------ named topics and required words
@pytest.mark.parametrize("intent,text,topic", [
    ("ask_documents", "Apa saja syarat untuk menjadi peserta Jaminan Kehilangan Pekerjaan?", "ask_jkp"),
    ("ask_contribution_pu", "calon pekerja migran kontrak 12 bulan lewat perusahaan penempatan, iurannya?",
     "ask_migrant"),
    ("ask_migrant", "perorangan bisa jadi donatur iuran utk asisten rumah tangga?", "ask_gn_lingkaran"),
    ("ask_programs", "lewat saluran apa sy bisa menyampaikan pengaduan?", "ask_contact"),
    ("ask_jkp", "syarat jkp apa saja?", None),                          # already that topic
    ("ask_claim_jht", "klaim jht kalau kena phk, jkp jg dapat?", None),  # a specific topic stays
    ("ask_programs", "nomor pengaduan bpjs kesehatan brp?", "ask_health"),   # another agency: theirs
    ("ask_register", "anak baru lahir mau didaftarkan bpjs kesehatan", "ask_health"),
    ("ask_jkk", "kartu kis sy hilang, berapa lama?", None),           # a specific topic stays
    ("ask_balance", "bs pake saldo jht buat lunasin utang?", "ask_claim_jht"),
    ("ask_programs", "jkp dan pmi itu apa?", None),                      # two named: no guess
    ("ask_contact", "di wangi-wangi tida ada kantor bpjs, bayar di kantor pos bisa?", "ask_payment"),
])
def test_a_named_topic_replaces_a_general_one(intent, text, topic):
    assert named_topic(intent, text) == topic


def test_the_employer_topic_needs_an_employer_who_does_not_register():
    assert topic_allowed("ask_employer_not_registering", "bos sy tdk mau daftarkan sy ke bpjs tk")
    assert not topic_allowed("ask_employer_not_registering",
                             "sy nelayan di wakatobi, penghasilan tdk tentu, klo ambil jkk jkm jht total brp?")
    assert topic_allowed("ask_jkm", "sy nelayan")   # topics without a requirement are always allowed
    story = user("ask_employer_not_registering",
                 "sy nelayan di wakatobi, penghasilan tdk tentu, klo ambil jkk jkm jht total brp sebulan?",
                 [("ask_employer_not_registering", 0.5), ("ask_contribution_bpu", 0.3), ("ask_jkm", 0.1)])
    assert settle_topic(tracker(story), get_answers(), "ask_employer_not_registering") == "ask_contribution_bpu"


async def test_a_message_the_nlu_could_not_place_that_names_one_topic_gets_it():
    latest = user("nlu_fallback", "sdh 4 bulan tdk bayar krn modal habis. bisa langsung bayar yg 4 bulan itu?",
                  [("nlu_fallback", 0.4), ("ask_payment", 0.2)])
    msgs, _ = await run(ActionClarify(), tracker(latest))
    assert "tidak dikenakan denda" in texts(msgs) and "Maksudnya" not in texts(msgs)
    assert named_topic("nlu_fallback", "jmo itu singkatannya apa?") == "ask_naming"


def test_a_neighbours_accident_in_a_question_about_the_contribution_is_no_claim():
    from actions.answers import claim_for_feeling
    from lingkar.signals import read_signals
    story = ("sy petani rumput laut. minggu lalu tetangga sy jatuh dr perahu, kakinya robek. jadi brp mi yg sy harus "
             "bayar utk iuran?")
    assert read_signals(story).feeling == "accident"
    assert claim_for_feeling(read_signals(story), story) is None
    injured = "sy jatuh dr perahu kemarin, kaki sy robek. bisa diklaim?"
    assert claim_for_feeling(read_signals(injured), injured) == "ask_claim_jkk"


def test_the_covid_relief_is_said_to_have_ended():
    assert names("ask_discount", "dulu waktu korona ada potongan 99%, masih ada?") == ["covid_relief_ended"]
    text = get_answers().render_detail(next(d for d in get_answers().details if d.name == "covid_relief_ended"),
                                       TODAY).text
    assert "sudah berakhir" in text and fact("reg.covid_relief") in text


async def test_a_short_question_after_another_topic_also_gets_that_topics_detail():
    earlier = [user("ask_jp", "jp itu apa?")]
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_jkm", "kalau sy meninggal, istri dpt?"), earlier))
    said = texts(msgs)
    assert "Jaminan Kematian" in said and "janda/duda" in said and said.index("Jaminan Kematian") < said.index("janda")
    # a long message is a new question: no detail of the topic before it
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_jkm", "kalau sy meninggal karena sakit biasa di rumah, istri "
                                                                  "dan anak sy dapat apa saja dari bpjs tk?"), earlier))
    assert "janda/duda" not in texts(msgs)


async def test_a_follow_up_read_as_no_gets_the_detail_it_asks():
    earlier = [user("ask_register", "cara daftar bpu gmn?")]
    msgs, _ = await run(ActionAnswer(), tracker(user("deny", "klo ga punya email?"), earlier))
    assert "kantor cabang" in texts(msgs) and "Agen Perisai" in texts(msgs)


async def test_between_the_check_and_the_contribution_the_contribution_is_answered():
    latest = user("nlu_fallback", "Penghasilan saya sekitar Rp1.200.000 per bulan. Berapa iuran JKK dan JKM saya?",
                  [("nlu_fallback", 0.4), ("check_eligibility", 0.35), ("ask_contribution_bpu", 0.3)])
    msgs, _ = await run(ActionClarify(), tracker(latest))
    said = texts(msgs)
    assert "Maksudnya" not in said and "Rp18.800" in said and "Iuran pekerja mandiri" in said


async def test_an_unplaced_question_about_what_one_pays_gets_the_contribution():
    from actions.answers import cost_topic
    story = ("assalamualaikum. sa petani rumput laut di tinanggea, istriku bilang ada bpjs utk petani2 begini, "
             "berapami sebulan bayarnya?")
    assert cost_topic(story) == "ask_contribution_bpu"
    assert cost_topic("sy staf admin kantor, brp iuran yg dipotong dr gaji?") == "ask_contribution_pu"
    assert cost_topic("jkm itu apa?") is None
    msgs, _ = await run(ActionClarify(), tracker(user("nlu_fallback", story, [("nlu_fallback", 0.4),
                                                                               ("ask_jkm", 0.1)])))
    assert "Iuran pekerja mandiri" in texts(msgs) and "belum paham" not in texts(msgs)


async def test_an_unplaced_message_that_names_a_detail_gets_it_alone():
    text = "ada jg teknisi dr Tiongkok bantu sy pasang mesin, kontraknya 8 bln. dia wajib jg?"
    msgs, _ = await run(ActionClarify(), tracker(user("nlu_fallback", text, [("nlu_fallback", 0.4),
                                                                              ("ask_jkm", 0.1)])))
    assert fact("pu.foreign_worker_months") in texts(msgs) and "belum paham" not in texts(msgs)


def test_small_injuries_are_accidents_but_a_torn_card_is_not():
    from lingkar.signals import read_signals
    assert read_signals("tangan sy kena gunting besar, dijahit 5 jahitan. bisa diklaim?").feeling == "accident"
    assert read_signals("kartu bpjs sy robek, bisa ganti?").feeling is None


def test_the_call_centres_hours_follow_any_answer_that_is_asked_them():
    assert names("ask_jkk", "175 itu bisa ditelpon jam brp? sy kerja sampai sore") == ["contact_hours"]
    hours = get_answers().render_detail(next(d for d in get_answers().details if d.name == "contact_hours"), TODAY)
    assert fact("contact.hours") in hours.text


async def test_a_detail_that_only_points_to_175_is_sent_even_when_the_answer_names_175():
    """The balance answer names the call centre; the refusal to look up an in-law's balance must still be said."""
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_balance", "sy mau cek saldo jht iparku, dia lg di kapal. "
                                                                    "brp saldonya?")))
    assert "tidak bisa melihat saldo" in texts(msgs)


@pytest.mark.parametrize("earlier,intent,text,wanted", [
    (("ask_jp", "brp iuran jp?"), "ask_payment", "yg bayar siapa aja?", "1% pekerja"),
    (("ask_agent", "sy mau jadi agen perisai"), "ask_bsu", "dapat gaji kah?", "tidak digaji"),
    (("ask_migrant", "sy pmi di malaysia kontrak 2 thn, iuran brp?"), "ask_contribution_bpu", "kalau diperpanjang?",
     "13.500"),
])
async def test_a_few_words_asking_a_detail_of_the_previous_topic_get_it_over_a_sure_reading(earlier, intent, text,
                                                                                              wanted):
    msgs, _ = await run(ActionAnswer(), tracker(user(intent, text, [(intent, 0.9)]), [user(*earlier)]))
    said = texts(msgs)
    assert wanted in said
    assert get_answers().render(intent, TODAY).text.split("\n")[0] not in said  # not the NLU's topic's answer


async def test_a_longer_message_or_one_naming_a_topic_keeps_the_nlus_reading():
    msgs, _ = await run(ActionAnswer(), tracker(user("ask_bsu", "bsu dapat gaji kah?", [("ask_bsu", 0.9)]),
                                                [user("ask_agent", "sy mau jadi agen perisai")]))
    assert "BSU" in texts(msgs)


def test_the_jht_already_paid_is_not_lost_when_payments_stop():
    text = "tdk sanggup bayar iuran lagi. kalau berhenti bayar, uang yg sdh sy setor hilang?"
    assert "jht_kept" in names("ask_late_payment", text)
    assert "jht_kept" not in names("ask_late_payment", "kalau telat bayar 2 bulan gmn?")


def test_a_village_funds_question_gets_its_detail():
    assert "village_funds" in names("sponsor_offer", "Apakah Dana Desa dapat digunakan untuk membayar iuran?")
    assert "village_funds" not in names("sponsor_offer", "sy mau bayarin iuran 10 nelayan")


def test_the_employer_topic_accepts_a_workplace_told_as_where_one_works():
    assert topic_allowed("ask_employer_not_registering",
                         "sy kerja di gudang distributor di kendari 2 thn, blm didaftarkan bpjs tk. wajib kah?")
    assert not topic_allowed("ask_employer_not_registering", "wajib kah ikut bpjs tk?")


def test_an_owner_asking_for_themselves_is_told_they_join_as_self_employed():
    assert "owner_bpu" in names("ask_contribution_pu", "sy sendiri sbg pemilik bisa ikut juga?")
    assert "owner_bpu" not in names("ask_contribution_pu", "pemilik wajib daftarkan karyawan?")


def test_a_colloquial_age_limit_question_gets_its_detail():
    assert "bpu_age_limit" in names("check_eligibility", "mamaku umurnya 62 mi. masih bisaji dia daftar bpu?")


def test_a_wage_earner_asking_for_the_discount_is_told_it_is_not_theirs():
    assert "discount_not_pu" in names("ask_discount", "sy sopir dump truck di PT tambang, digaji bulanan. dpt diskon?")
    assert "discount_not_pu" not in names("ask_discount", "sy ojol, diskonnya sampai kapan?")


def test_a_child_at_school_after_a_death_gets_the_scholarship():
    assert "jkm_scholarship" in names("ask_claim_jkm", "anak sy 2, yg besar SD kelas 3, yg kecil msh TK")
    assert "jkm_scholarship" not in names("ask_claim_jkm", "berkas apa saja yg hrs sy bawa?")


def test_a_detail_is_not_sent_after_an_answer_that_already_says_it():
    text = "Bapak saya meninggal kemarin, ditabrak truk saat pulang kerja dari kebun sawit"
    assert "jkk_commute" not in names("ask_jkk_commute", text)     # the commute answer says it
    assert "jkk_death" in names("ask_jkk_commute", text)           # a death on the way: 48 times the wage
    assert "jkk_commute" in names("ask_jkk", "sy jatuh di jalan waktu pulang kerja, ditanggung jkk?")


def test_a_times_fact_is_not_followed_by_kali_again():
    answers = get_answers()
    import re

    for d in answers.details:
        text = answers.render_detail(d, TODAY).text
        assert not re.search(r"\bkali kali\b", text), d.name


def test_the_agents_umbrella_and_inactivity_details_flag_their_unconfirmed_figures():
    answers = get_answers()
    umbrella = answers.render_detail(next(d for d in answers.details if d.name == "agent_umbrella"), TODAY).text
    assert "MoU" in umbrella and "90%*" in umbrella           # the 2017 split, marked as not confirmed
    inactive = answers.render_detail(next(d for d in answers.details if d.name == "agent_inactive"), TODAY).text
    assert "Bali" in inactive and "3 bulan*" in inactive


def test_an_unplaced_message_of_some_words_gets_the_previous_topics_detail_it_asks():
    answers = get_answers()
    text = "kalo sy dapat 50 peserta baru sebulan ada bonus?"          # nine words: longer than a short follow-up
    assert detail_follow_up(answers, "nlu_fallback", text, "ask_agent") == "ask_agent"
    assert detail_follow_up(answers, "ask_jkm", text, "ask_agent") is None   # a sure reading keeps its topic
    assert detail_follow_up(answers, "nlu_fallback", text + " " + "tolong jelaskan sejelas-jelasnya ya pak",
                            "ask_agent") is None                             # a long message stands alone
