"""Table-driven tests for lingkar/parsing/: income, age, regency, occupation, and all entities at once."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar import parsing as P

TODAY = dt.date(2026, 11, 24)

# --------------------------------------------------------------------------------------------------------------
# income (rupiah per month)
# --------------------------------------------------------------------------------------------------------------

INCOME = [
    ("1,5jt", 1_500_000),
    ("1.5 jt", 1_500_000),
    ("gaji sy 1,5jt", 1_500_000),
    ("2 juta", 2_000_000),
    ("2jt", 2_000_000),
    ("Rp 2.500.000", 2_500_000),
    ("Rp2.500.000,-", 2_500_000),
    ("rp. 1.200.000", 1_200_000),
    ("2.500.000", 2_500_000),
    ("2500000", 2_500_000),
    ("2.5 jt", 2_500_000),
    ("800rb", 800_000),
    ("800 ribu", 800_000),
    ("800k", 800_000),
    ("dua juta", 2_000_000),
    ("satu setengah juta", 1_500_000),
    ("dua setengah juta", 2_500_000),
    ("satu koma lima juta", 1_500_000),
    ("dua juta lima ratus ribu", 2_500_000),
    ("sejuta", 1_000_000),
    ("sejutaan sebulan", 1_000_000),
    ("setengah juta", 500_000),
    ("delapan ratus ribu", 800_000),
    ("2jt 500rb", 2_500_000),
    ("2 juta 500", 2_500_000),
    ("2 juta setengah", 2_500_000),
    ("3 jutaan", 3_000_000),
    ("penghasilan sy skitar 2jt an", 2_000_000),
    ("gaji 2", 2_000_000),  # bare number after an income word below 100: juta
    ("gaji 1.5", 1_500_000),
    ("penghasilan kira2 1,3 jt", 1_300_000),
    ("gaji rata2 sebulan 1,5", 1_500_000),
    ("penghasilan 800", 800_000),  # 100..9999 after an income word: ribu
    ("pendapatan 1.200.000 per bulan", 1_200_000),
    ("Rp 1.000.000/bln", 1_000_000),
    ("2 juta per bulan", 2_000_000),
    ("umur 35 gaji 2 juta", 2_000_000),
    ("kerja 10 tahun gaji 3 jt", 3_000_000),  # "tahun" of a duration is not a yearly income
    ("kontrak 1 tahun, gaji 2,5 juta", 2_500_000),  # nor is a one-year contract's
    ("penghasilan setahun 24 juta", 2_000_000),
    ("3 anak gaji 2jt", 2_000_000),
    ("nelayan 2 jt", 2_000_000),
    ("kalau ojol gaji 4jt bs?", 4_000_000),
    # ranges → midpoint
    ("1-2 juta", 1_500_000),
    ("1 - 2 jt", 1_500_000),
    ("antara 1,5 sampai 2 jt", 1_750_000),
    ("1jt-1,5jt", 1_250_000),
    ("penghasilan tdk tentu 1 sampai 3 jt", 2_000_000),
    ("800rb s/d 1,2jt", 1_000_000),
    # periods → per month
    ("100rb sehari", 100_000 * P.DAYS_PER_MONTH),
    ("sehari 150 ribu", 150_000 * P.DAYS_PER_MONTH),
    ("seratus ribu sehari", 100_000 * P.DAYS_PER_MONTH),
    ("500rb seminggu", 500_000 * P.WEEKS_PER_MONTH),
    ("12 juta setahun", 1_000_000),
    ("24 juta per tahun", 2_000_000),
    # corrections
    ("gaji 2 juta eh 2,5 juta maksudnya", 2_500_000),
    ("gaji 3 juta bukan 2 juta", 3_000_000),
    ("maaf maksudnya 2,5 juta bukan 2 juta", 2_500_000),
]

NOT_INCOME = [
    "omset setahun sekitar 1,8 M",          # billions: a business's turnover, not a wage
    "omzet 2 miliar setahun",
    "umur 35",
    "35 tahun",
    "sy 35 thn",
    "lahir 1988",
    "no hp 081234567890",
    "+6281355512345",
    "nik 7471012345670001",
    "iuran 16.800 per bulan?",  # a cost, not the worker's income
    "bayar 36.800 sebulan",
    "saldo jht sy 15 juta",
    "santunan kematian 42 juta?",
    "jht 10 persen",
    "nunggak 3 bulan",
    "kami 20 orang petani",
    "tahun 2026",
    "",
    "halo min",
    "gaji sy ga tentu",
]


@pytest.mark.parametrize("text,expected", INCOME)
def test_parse_income(text, expected):
    assert P.parse_income(text) == expected


@pytest.mark.parametrize("text", NOT_INCOME)
def test_parse_income_negatives(text):
    assert P.parse_income(text) is None


def test_income_range_keeps_bounds():
    d = P.parse_income_detail("kerja sy ga tentu 1-2 juta sebulan")
    assert (d.low, d.high, d.value, d.is_range, d.period) == (1_000_000, 2_000_000, 1_500_000, True, "month")


def test_income_daily_is_marked_approximate():
    d = P.parse_income_detail("sehari dapat 100rb")
    assert d.period == "day" and d.approximate and d.value == 100_000 * P.DAYS_PER_MONTH


def test_income_span_points_at_the_amount():
    text = "umur 35 penghasilan Rp 2.500.000 di konsel"
    d = P.parse_income_detail(text)
    assert text[d.start:d.end] == "Rp 2.500.000"


# --------------------------------------------------------------------------------------------------------------
# age
# --------------------------------------------------------------------------------------------------------------

AGE = [
    ("umur 35", 35),
    ("umur sy 35 thn", 35),
    ("umur saya 35", 35),
    ("tabe, klo umur sa 60 mi, masih bisa pi daftar bpu?", 60),   # Kendari "sa" for saya
    ("umurku 27", 27),
    ("umur kira2 40", 40),
    ("usia saya 47 tahun", 47),
    ("usia sy sdh 60 thn", 60),
    ("35 thn", 35),
    ("35thn", 35),
    ("sy 45 tahun nelayan", 45),
    ("petani 50 tahun di konsel", 50),
    ("sdh 40 tahun jalan", 40),
    ("50 thn masih bisa daftar?", 50),
    ("usia 40an", 40),
    ("usia 40-an", 40),
    ("umur 30 an", 30),
    ("kepala 4", 40),
    ("sdh kepala 5", 50),
    ("umur tiga puluh lima", 35),
    ("tiga puluh lima tahun", 35),
    ("lima puluh tahun", 50),
    ("lahir 1988", 38),
    ("lahir thn 1990", 36),
    ("kelahiran 85", 41),
    ("lahir 12-05-1990", 36),
    ("umur 35 gaji 2 juta", 35),
    ("sy umur 52 mau daftar jp bs?", 52),
    ("umur saya 40 punya anak 2", 40),
    ("umur 35 thn, kerja 2 tahun", 35),
    ("sy kerja di kendari, 30 thn", 30),  # the work is another clause
    ("sy kerja di hotel umur 35 thn", 35),
    ("Sa jual ikan asap di pasar sudah 20 tahun, sekarang umur 45.", 45),  # an age said as one wins
    # a relative before the age words: the worker's own age after a comma or right after the age word
    ("sa punya anak, sa umur 40", 40), ("anak 2, umur saya 41", 41), ("suami sy 40 tahun, sy 35 tahun", 35),
    ("sy 35 tahun, istri sy 30 tahun", 35),
    # corrections
    ("eh umur saya 36 bukan 35", 36),
    ("umur 35 eh 36", 36),
    ("umur 35 maksudnya 36 thn", 36),
    ("umurku 27 eh salah 28", 28),
    ("bukan 35 tapi umur 36", 36),
]

NOT_AGE = [
    "kerja 10 tahun",
    "sudah 5 tahun jadi peserta",
    "masa kerja 12 tahun",
    "kerja 20 tahun di pt",
    "sdh 20 tahun sebagai nelayan",
    "jht 10 tahun",
    "minimal 10 tahun",
    "nunggak 3 bulan",
    "dua tahun lalu",
    "umur anak saya 10",
    "anak sy 10 thn",
    "Ayah saya berusia 60 tahun. Apakah masih bisa mendaftar?",   # a relative's age, before the age words
    "anak sy umur 3 thn dpt beasiswa?",
    "sy baru 8 tahun bisa ambil 10 persen?",
    "bapak dulu kerja di perusahaan distributor semen 20 thn",  # work earlier in the clause: how long
    "sy guru honorer di SD di Pasarwajo Buton, sdh 6 thn",
    "gaji 2 juta",
    "35",  # bare number: only with bare_ok
    "halo",
    "",
]


@pytest.mark.parametrize("text,expected", AGE)
def test_parse_age(text, expected):
    assert P.parse_age(text, today=TODAY) == expected


@pytest.mark.parametrize("text", NOT_AGE)
def test_parse_age_negatives(text):
    assert P.parse_age(text, today=TODAY) is None


BARE = [("35", 35), ("35 kak", 35), ("35 tahun", 35), ("40an", 40), ("tiga puluh lima", 35), ("umur 35", 35),
        ("± 50", 50)]
NOT_BARE = ["2 juta", "hmm", "35 atau 36", "saya nelayan", "Rp 35.000", "1,5"]


@pytest.mark.parametrize("text,expected", BARE)
def test_parse_age_bare_answer(text, expected):
    assert P.parse_age(text, bare_ok=True, today=TODAY) == expected


@pytest.mark.parametrize("text", NOT_BARE)
def test_parse_age_bare_answer_negatives(text):
    assert P.parse_age(text, bare_ok=True, today=TODAY) is None


def test_age_and_income_do_not_share_numbers():
    ents = {e["entity"]: e["value"] for e in P.extract_all("umur 35 gaji 2 juta", today=TODAY)}
    assert ents == {"age": 35, "income": 2_000_000}


def test_out_of_range_age_is_returned_for_the_form_to_reject():
    assert P.parse_age("umur 110", today=TODAY) == 110
    assert P.parse_age("umur 200", today=TODAY) is None


# --------------------------------------------------------------------------------------------------------------
# regency
# --------------------------------------------------------------------------------------------------------------

REGENCY = [
    ("kendari", "Kota Kendari"),
    ("kdi", "Kota Kendari"),
    ("sy tinggal di kota kendari", "Kota Kendari"),
    ("di mandonga", "Kota Kendari"),
    ("bau-bau", "Kota Baubau"),
    ("Bau Bau", "Kota Baubau"),
    ("baubau", "Kota Baubau"),
    ("sy di konsel", "Kabupaten Konawe Selatan"),
    ("konawe selatan", "Kabupaten Konawe Selatan"),
    ("konawe", "Kabupaten Konawe"),
    ("sy di unaaha", "Kabupaten Konawe"),
    ("kab. konawe utara", "Kabupaten Konawe Utara"),
    ("konut", "Kabupaten Konawe Utara"),
    ("konkep", "Kabupaten Konawe Kepulauan"),
    ("pulau wawonii", "Kabupaten Konawe Kepulauan"),
    ("kolaka", "Kabupaten Kolaka"),
    ("kolut", "Kabupaten Kolaka Utara"),
    ("KOLTIM", "Kabupaten Kolaka Timur"),
    ("kolaka timur", "Kabupaten Kolaka Timur"),
    ("buton", "Kabupaten Buton"),
    ("butur", "Kabupaten Buton Utara"),
    ("buteng", "Kabupaten Buton Tengah"),
    ("busel", "Kabupaten Buton Selatan"),
    ("muna", "Kabupaten Muna"),
    ("raha", "Kabupaten Muna"),
    ("di muna barat", "Kabupaten Muna Barat"),
    ("mubar", "Kabupaten Muna Barat"),
    ("wakatobi", "Kabupaten Wakatobi"),
    ("wanci", "Kabupaten Wakatobi"),
    ("bombana", "Kabupaten Bombana"),
    ("rumbia", "Kabupaten Bombana"),
    ("bukan konsel tapi konut", "Kabupaten Konawe Utara"),
    ("ralat sy tinggal di konsel bukan kendari", "Kabupaten Konawe Selatan"),
]

NOT_REGENCY = ["kolak pisang", "bau ikan", "halo min", "sy tinggal di makassar", "jakarta", "kendaraan sy rusak", ""]


@pytest.mark.parametrize("text,expected", REGENCY)
def test_match_regency(text, expected):
    assert P.match_regency(text) == expected


@pytest.mark.parametrize("text", NOT_REGENCY)
def test_match_regency_negatives(text):
    assert P.match_regency(text) is None


@pytest.mark.parametrize("text,expected", [("kendri", "Kota Kendari"), ("konsell", "Kabupaten Konawe Selatan"),
                                           ("wakatoby", "Kabupaten Wakatobi"), ("bombanaa", "Kabupaten Bombana")])
def test_match_regency_fuzzy_only_when_asked(text, expected):
    assert P.match_regency(text) is None
    assert P.match_regency(text, fuzzy=True) == expected


@pytest.mark.parametrize("text,first", [("kendri", "Kota Kendari"), ("konsl", "Kabupaten Konawe Selatan"),
                                        ("kolka", "Kabupaten Kolaka"), ("buton teng", "Kabupaten Buton"),
                                        ("bau", "Kota Baubau")])
def test_suggest_regencies(text, first):
    got = P.suggest_regencies(text)
    assert got and got[0] == first
    assert len(got) <= 3 and len(set(got)) == len(got)
    assert set(got) <= set(P.regency_names())


def test_suggest_regencies_n_and_nonsense():
    assert len(P.suggest_regencies("kolaka", n=2)) == 2
    assert P.suggest_regencies("xyzqw") == []


def test_the_seventeen_regencies_of_sultra():
    names = P.regency_names()
    assert len(names) == 17 == len(set(names))
    assert {"Kota Kendari", "Kota Baubau"} <= set(names)
    assert sum(n.startswith("Kabupaten ") for n in names) == 15
    for n in names:  # every canonical name is matched by itself
        assert P.match_regency(n) == n


# --------------------------------------------------------------------------------------------------------------
# occupation
# --------------------------------------------------------------------------------------------------------------

OCCUPATION = [
    ("sy nelayan", "nelayan", "BPU", False),
    ("nlayan", "nelayan", "BPU", False),
    ("sy pergi melaut tiap hari", "nelayan", "BPU", False),
    ("petani rumput laut", "pembudidaya", "BPU", False),
    ("sy petani cengkeh", "petani", "BPU", False),
    ("jualan sayur di pasar", "pedagang", "BPU", False),
    ("buka warung di rumah", "pedagang", "BPU", False),
    ("kerja ojol", "ojol", "BPU", True),
    ("driver maxim", "ojol", "BPU", True),
    ("ojek online", "ojol", "BPU", True),
    ("tukang ojek", "opang", "BPU", True),
    ("opang", "opang", "BPU", True),
    ("supir angkot", "sopir", "BPU", True),
    ("sopir truk", "sopir_bus_truk", "BPU", False),  # not named in PP 50/2025's transport group
    ("tukang becak", "becak", "BPU", False),
    ("bentor", "becak", "BPU", False),
    ("kurir paket", "kurir", "BPU", True),
    ("sy buruh bangunan", "buruh_bangunan", "JAKON", False),
    ("kuli proyek jalan", "buruh_bangunan", "JAKON", False),
    ("karyawan swasta", "karyawan", "PU", False),
    ("kerja di pt", "karyawan", "PU", False),
    ("kerja di smelter", "buruh_pabrik", "PU", False),
    ("tki", "pmi", "PMI", False),
    ("kerja di malaysia", "pmi", "PMI", False),
    ("sy baru pulang dr sarawak malaysia, 2 thn kerja di ladang sawit", "pmi", "PMI", False),
    ("sy mantan tki", "pmi", "PMI", False),
    ("sy penjahit", "tukang", "BPU", False),
    ("serabutan", "pekerja_lepas", "BPU", False),
    ("pembantu rumah tangga", "art", "BPU", False),
    ("saya bukan nelayan tapi petani", "petani", "BPU", False),
    ("koreksi kerja sy petani bukan nelayan", "petani", "BPU", False),
]

NOT_OCCUPATION = ["naik ojek ke kantor kecelakaan", "pesan grab ke rumah sakit", "halo min", "sy mau daftar",
                  "mau pindah ke luar negeri", "ikan bakar", ""]


@pytest.mark.parametrize("text,key,category,transport", OCCUPATION)
def test_match_occupation(text, key, category, transport):
    o = P.match_occupation(text)
    assert o is not None
    assert (o.key, o.category, o.transport) == (key, category, transport)
    assert o.label


@pytest.mark.parametrize("text", NOT_OCCUPATION)
def test_match_occupation_negatives(text):
    assert P.match_occupation(text) is None


def test_match_occupation_fuzzy_only_when_asked():
    assert P.match_occupation("petni") is None
    assert P.match_occupation("petni", fuzzy=True).key == "petani"


def test_transport_group_is_exactly_the_pp_50_2025_list():
    transport = {k for k, o in P.occupations().items() if o.transport}
    assert transport == {"ojol", "opang", "sopir", "kurir"}


# --------------------------------------------------------------------------------------------------------------
# extract_all
# --------------------------------------------------------------------------------------------------------------


def test_extract_all_one_shot_message():
    text = "saya nelayan umur 35 penghasilan 2 juta di konsel, bisa ikut?"
    ents = P.extract_all(text, today=TODAY)
    assert [(e["entity"], e["value"]) for e in ents] == [
        ("occupation", "nelayan"), ("age", 35), ("income", 2_000_000), ("regency", "Kabupaten Konawe Selatan")]
    spans = {e["entity"]: text[e["start"]:e["end"]] for e in ents}
    assert spans == {"occupation": "nelayan", "age": "35", "income": "2 juta", "regency": "konsel"}


def test_extract_all_offsets_with_non_ascii_text():
    text = "İbu sy pedagang di KENDARI gaji 1,5jt"
    ents = {e["entity"]: e for e in P.extract_all(text, today=TODAY)}
    assert text[ents["regency"]["start"]:ents["regency"]["end"]] == "KENDARI"
    assert text[ents["income"]["start"]:ents["income"]["end"]] == "1,5jt"


def test_extract_all_nothing_in_small_talk():
    assert P.extract_all("halo min, makasih ya") == []
    assert P.extract_all("") == []


def test_extract_all_at_most_one_per_type():
    ents = P.extract_all("umur 35 eh 36 gaji 2 juta eh 3 juta", today=TODAY)
    assert [(e["entity"], e["value"]) for e in ents] == [("age", 36), ("income", 3_000_000)]


@pytest.mark.parametrize("text,expected", [
    ("penghasilan rata-rata delapan juta rupiah per bulan. kalau ikut tiga program, brp iurannya?", 8_000_000),
    ("penghasilan sy 2 jt, punya 2 motor", 2_000_000),
    ("gaji sy tiga juta", 3_000_000),
])
def test_a_count_of_things_beside_an_income_is_not_money(text, expected):
    assert P.parse_income(text) == expected
