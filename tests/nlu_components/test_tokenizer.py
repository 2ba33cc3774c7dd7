"""LingkarTokenizer and the slang lexicon: offsets into the original text are kept, chat spellings are mapped."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.lexicon import NUMBER, SlangLexicon
from rasa_plugins.nlu.tokenizer import LingkarTokenizer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenizer() -> LingkarTokenizer:
    return LingkarTokenizer({})


def tokens(tok: LingkarTokenizer, text: str):
    return tok.tokenize(Message(data={TEXT: text}), TEXT)


MESSAGES = [
    "gmn cara daftar bpjs tk min",
    "sy ojek online di bau-bau mi, iuran brp?",
    "makasihhh bangeeet kak!!",
    "jht 10% bisa cair ga?? sy resain bln lalu",
    "umur 35 gaji 1,5jt/bln Rp2.500.000",
    "  spasi   ganda\tdan tab  ",
    "İstanbul ÇAY dan emoji 🙏🙏 ok",
    "p",
    "mi",
]


@pytest.mark.parametrize("text", MESSAGES)
def test_offsets_point_into_the_original_text(tokenizer, text):
    toks = tokens(tokenizer, text)
    assert toks
    for t in toks:
        assert text[t.start:t.end] == t.text
    starts = [t.start for t in toks]
    assert starts == sorted(starts)


CANONICAL = [
    ("gmn", "bagaimana"),
    ("bgmn", "bagaimana"),
    ("brp", "berapa"),
    ("sy", "saya"),
    ("gue", "saya"),
    ("ga", "tidak"),
    ("nggak", "tidak"),
    ("ndak", "tidak"),
    ("utk", "untuk"),
    ("dgn", "dengan"),
    ("bgt", "banget"),
    ("bangeeet", "banget"),
    ("makasihhh", "terima kasih"),
    ("Mksh", "terima kasih"),
    ("maaaf", "maaf"),
    ("sama2", "sama-sama"),
    ("resain", "resign"),
    ("1,5jt", f"{NUMBER} juta"),
    ("800rb", f"{NUMBER} ribu"),
    ("Rp2.500.000", f"rupiah {NUMBER}"),
    ("35thn", f"{NUMBER} tahun"),
    ("kendari", "kendari"),
]


@pytest.mark.parametrize("word,lemma", CANONICAL)
def test_chat_spellings_become_canonical_lemmas(tokenizer, word, lemma):
    toks = tokens(tokenizer, f"x {word} y")
    mid = [t for t in toks if t.text.lower() == word.lower()]
    assert len(mid) == 1
    assert mid[0].lemma == lemma
    assert mid[0].text == word  # the user's own spelling is kept


def test_phrase_with_same_length_maps_word_by_word(tokenizer):
    toks = tokens(tokenizer, "daftar bpjs TK dimana")
    assert [t.text for t in toks] == ["daftar", "bpjs", "TK", "dimana"]
    assert [t.lemma for t in toks] == ["daftar", "bpjs", "ketenagakerjaan", "dimana"]


def test_phrase_with_other_length_becomes_one_token_over_the_span(tokenizer):
    text = "sy ojek   online di kendari"
    toks = tokens(tokenizer, text)
    merged = [t for t in toks if t.lemma == "ojol"]
    assert len(merged) == 1
    assert merged[0].text == "ojek   online" == text[merged[0].start:merged[0].end]


def test_particles_are_dropped_unless_nothing_else_is_left(tokenizer):
    toks = tokens(tokenizer, "iya mi boleh ji pale")
    assert [t.text for t in toks] == ["iya", "boleh"]
    only = tokens(tokenizer, "mi")
    assert [t.text for t in only] == ["mi"]


def test_particles_kept_when_configured(tmp_path):
    tok = LingkarTokenizer({"drop_particles": False})
    assert [t.text for t in tokens(tok, "iya mi boleh")] == ["iya", "mi", "boleh"]


def test_percentages_keep_their_value(tokenizer):
    toks = tokens(tokenizer, "jht 10% atau 30 persen, diskon 50%")
    lemmas = [t.lemma for t in toks]
    assert "persen10" in lemmas and "persen30" in lemmas and "persen50" in lemmas


def test_custom_lexicon_file(tmp_path):
    f = tmp_path / "slang.yml"
    f.write_text(yaml.safe_dump({"words": {"cuy": "teman"}, "phrases": {"kpn cair": "kapan cair"},
                                 "particles": ["dong"]}))
    tok = LingkarTokenizer({"slang_file": str(f)})
    toks = tokens(tok, "cuy kpn cair dong")
    assert [(t.text, t.lemma) for t in toks] == [("cuy", "teman"), ("kpn", "kapan"), ("cair", "cair")]


def test_fingerprint_changes_when_the_lexicon_changes(tmp_path):
    f = tmp_path / "slang.yml"
    f.write_text("words: {a: b}\n")
    before = LingkarTokenizer.fingerprint_addon({"slang_file": str(f)})
    f.write_text("words: {a: c}\n")
    after = LingkarTokenizer.fingerprint_addon({"slang_file": str(f)})
    assert before and after and before != after


def test_featurizer_reads_the_canonical_forms(tokenizer):
    """Through a real (untrained → trained) CountVectorsFeaturizer: the vocabulary holds canonical words only."""
    msgs = [Message(data={TEXT: t, "intent": "x"}) for t in ("gmn cara daftar", "bgmn cara bayar", "brp iuran sy")]
    data = TrainingData(training_examples=msgs)
    tokenizer.process_training_data(data)
    assert all(m.get(TOKENS_NAMES[TEXT]) for m in msgs)
    cfg = {**CountVectorsFeaturizer.get_default_config()}
    with tempfile.TemporaryDirectory() as d:
        storage = LocalModelStorage(Path(d))
        feat = CountVectorsFeaturizer.create(cfg, storage, Resource("cvf"), ExecutionContext(GraphSchema({}), "t"))
        feat.train(data)
        vocab = set(feat.vectorizers[TEXT].vocabulary_)
    assert {"bagaimana", "berapa", "saya", "iuran"} <= vocab
    assert not {"gmn", "bgmn", "brp", "sy"} & vocab


# --------------------------------------------------------------------------------------------------------------
# the lexicon file itself
# --------------------------------------------------------------------------------------------------------------


def test_slang_file_is_well_formed():
    data = yaml.safe_load((ROOT / "content" / "slang.yml").read_text())
    words = data["words"]
    assert len(words) > 300
    for k, v in words.items():
        assert k == str(k).lower().strip() and " " not in str(k), k
        assert str(v) == str(v).lower() and v, k
    for k in data["phrases"]:
        assert len(k.split()) >= 2
    # a particle must not also be a word with a meaning, or it would silently vanish from the features
    assert not set(data["particles"]) & set(words)


def test_lexicon_does_not_merge_agency_names():
    lex = SlangLexicon.load()
    # ask_naming depends on these staying distinct
    for name in ("jamsostek", "bpjamsostek", "jmo", "jkk", "jkm", "jht", "jp", "jkp", "potongan"):
        assert lex.normalise_word(name) == name


# ------------------------------------------------------------------ Kendari / Sulawesi chat (issue 12)
@pytest.mark.parametrize("word,lemma", [
    ("berapami", "berapa"), ("bisaji", "bisa"), ("adaji", "ada"), ("perlupi", "perlu"), ("bisakah", "bisa"),
    ("sudahmo", "sudah"), ("brpmi", "berapa"), ("sdhmi", "sudah"), ("bisa-ji", "bisa"), ("cairmi", "cair"),
    ("adajikah", "ada"), ("syaratx", "syarat"), ("caranx", "cara"), ("tida", "tidak"), ("pande", "bisa"),
    ("bela", "teman"), ("tabe", "permisi"), ("iye", "iya"), ("sa", "saya"), ("ko", "kamu"),
    ("brp", "berapa"), ("gmn", "bagaimana"), ("sdh", "sudah"), ("blm", "belum"), ("tdk", "tidak"), ("yg", "yang"),
    ("dgn", "dengan"), ("krn", "karena"), ("utk", "untuk"), ("jg", "juga"), ("bs", "bisa"), ("dpt", "dapat"),
    ("kpn", "kapan"), ("org", "orang"), ("hrs", "harus"), ("aja", "saja"), ("brkas", "berkas"),
])
def test_sulawesi_chat_forms_and_fused_particles(word, lemma):
    assert SlangLexicon.load().normalise_word(word) == lemma


@pytest.mark.parametrize("word", ["gaji", "jadi", "kami", "tapi", "kopi", "sapi", "contoh", "promo", "kendari",
                                  "mandi", "padi", "nikah", "adalah", "tadi", "laki", "kaki", "hadapi", "sendiri"])
def test_words_that_only_look_like_a_fused_particle_are_kept(word):
    assert SlangLexicon.load().normalise_word(word) == word


def test_separate_particles_dropped_but_di_and_mo_keep_their_meaning(tokenizer):
    lemmas = [t.lemma for t in tokens(tokenizer, "sa mo daftar di kendari pale, berapami iuranx toh")]
    assert lemmas == ["saya", "mau", "daftar", "di", "kendari", "berapa", "iuran"]


def test_fused_particle_keeps_the_offsets_of_what_was_typed(tokenizer):
    text = "bagus kah ini? ada gunanya ji kah buat sa"
    toks = tokens(tokenizer, text)
    assert [t.lemma for t in toks][:3] == ["bagus", "ini", "ada"]
    for t in toks:
        assert text[t.start:t.end] == t.text


def test_courtesy_around_a_longer_question_is_left_out(tokenizer):
    text = "Selamat siang, mohon informasi besaran iuran bukan penerima upah? Terima kasih."
    lemmas = [t.lemma for t in tokens(tokenizer, text)]
    assert "selamat" not in lemmas and "terima" not in lemmas and "mohon" not in lemmas
    assert lemmas[-3:] == ["berapa", "iuran", "bpu"]


@pytest.mark.parametrize("text", ["terima kasih banyak", "selamat pagi", "makasih ya kak", "terima kasih infonya ya"])
def test_a_message_of_courtesy_keeps_it(tokenizer, text):
    assert any(t.lemma in ("terima", "terima kasih", "selamat") for t in tokens(tokenizer, text))
