"""LingkarEntityExtractor: in an untrained pipeline (tokenizer → extractor) and in a small trained Rasa model."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from lingkar import parsing
from rasa_plugins.nlu.entities import LingkarEntityExtractor
from rasa_plugins.nlu.tokenizer import LingkarTokenizer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pipeline():
    return LingkarTokenizer({}), LingkarEntityExtractor({})


def run(pipeline, text: str, entities=None):
    tok, ext = pipeline
    msg = Message(data={TEXT: text})
    if entities is not None:
        msg.set(ENTITIES, entities)
    tok.process([msg])
    ext.process([msg])
    return msg.get(ENTITIES)


CASES = [
    ("saya nelayan umur 35 penghasilan 2 juta, bisa ikut? berapa iurannya?",
     {"occupation": "nelayan", "age": 35, "income": 2_000_000}),
    ("sy ojol di kendari gaji 3jt", {"occupation": "ojol", "regency": "Kota Kendari", "income": 3_000_000}),
    ("petani 50 tahun di konsel", {"occupation": "petani", "age": 50, "regency": "Kabupaten Konawe Selatan"}),
    ("Rp 2.500.000", {"income": 2_500_000}),
    ("eh umur saya 36 bukan 35", {"age": 36}),
    ("di bau-bau", {"regency": "Kota Baubau"}),
    ("sy kuli proyek", {"occupation": "buruh_bangunan"}),
    ("halo min", {}),
    ("cara klaim jht gmn", {}),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_extractor_values(pipeline, text, expected):
    ents = run(pipeline, text)
    assert {e["entity"]: e["value"] for e in ents} == expected
    for e in ents:
        assert e["extractor"] == "LingkarEntityExtractor"
        assert 0 <= e["start"] < e["end"] <= len(text)
        assert e["confidence_entity"] == 1.0


def test_extractor_spans_cover_the_words(pipeline):
    text = "sy supir angkot umur 41 di kolut penghasilan 1,5jt"
    spans = {e["entity"]: text[e["start"]:e["end"]] for e in run(pipeline, text)}
    assert spans == {"occupation": "supir angkot", "age": "41", "regency": "kolut", "income": "1,5jt"}


def test_extractor_leaves_other_extractors_entities_alone(pipeline):
    other = {"entity": "age", "value": 50, "start": 0, "end": 2, "extractor": "DIETClassifier"}
    ents = run(pipeline, "umur 35 di kendari", entities=[other])
    assert ents[0] == other
    assert [e["entity"] for e in ents] == ["age", "regency"]  # no second age


def test_intent_payloads_are_not_parsed(pipeline):
    ents = run(pipeline, '/inform{"age": 40}')
    assert not ents


def test_extractor_emits_only_configured_types():
    tok, ext = LingkarTokenizer({}), LingkarEntityExtractor({"entities": ["regency"]})
    msg = Message(data={TEXT: "nelayan umur 35 di muna"})
    tok.process([msg])
    ext.process([msg])
    assert [(e["entity"], e["value"]) for e in msg.get(ENTITIES)] == [("regency", "Kabupaten Muna")]


def test_unknown_entity_type_is_refused():
    with pytest.raises(ValueError):
        LingkarEntityExtractor({"entities": ["salary"]})


def test_content_dir_can_be_swapped(tmp_path):
    (tmp_path / "regions.yml").write_text(yaml.safe_dump({"regencies": [
        {"name": "Kota Contoh", "kind": "kota", "aliases": ["contoh"], "towns": []}]}))
    (tmp_path / "occupations.yml").write_text(yaml.safe_dump({"occupations": {
        "penenun": {"label": "Penenun", "category": "BPU", "transport": False, "sector": "jasa",
                    "aliases": ["penenun"]}}}))
    ext = LingkarEntityExtractor({"content_dir": str(tmp_path)})
    got = {e["entity"]: e["value"] for e in ext.extract("sy penenun di contoh, bukan kendari")}
    assert got == {"occupation": "penenun", "regency": "Kota Contoh"}


def test_fingerprint_follows_the_lexicons(tmp_path):
    for name in ("regions.yml", "occupations.yml"):
        (tmp_path / name).write_bytes((ROOT / "content" / name).read_bytes())
    cfg = {"content_dir": str(tmp_path)}
    before = LingkarEntityExtractor.fingerprint_addon(cfg)
    with (tmp_path / "regions.yml").open("a") as fh:
        fh.write("# edited\n")
    assert LingkarEntityExtractor.fingerprint_addon(cfg) != before


def test_extractor_agrees_with_parsing_module(pipeline):
    text = "sy pedagang di baubau umur 44 penghasilan dua juta"
    from_component = {e["entity"]: e["value"] for e in run(pipeline, text)}
    from_parsing = {e["entity"]: e["value"] for e in parsing.extract_all(text)}
    assert from_component == from_parsing


# --------------------------------------------------------------------------------------------------------------
# A real trained model: the components register with Rasa's recipe, survive persist/load, and run in the graph.
# --------------------------------------------------------------------------------------------------------------

TINY_CONFIG = """
recipe: default.v1
assistant_id: lingkar-test
language: id
pipeline:
  - name: rasa_plugins.nlu.tokenizer.LingkarTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: LogisticRegressionClassifier
  - name: rasa_plugins.nlu.entities.LingkarEntityExtractor
  - name: FallbackClassifier
    threshold: 0.2
policies: []
"""

TINY_NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - halo
    - selamat pagi
    - hai min
    - assalamualaikum
- intent: inform
  examples: |
    - umur saya 30
    - sy petani
    - di kendari
    - gaji 2 juta
- intent: ask_register
  examples: |
    - cara daftar bpjs tk
    - daftar dimana
    - bagaimana cara mendaftar
    - mau daftar
"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from rasa.model_training import train_nlu

    d = tmp_path_factory.mktemp("tiny")
    (d / "config.yml").write_text(TINY_CONFIG)
    (d / "nlu.yml").write_text(TINY_NLU)
    # a fresh training cache, so the components really run (and the project's .rasa/cache is left alone)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RASA_CACHE_DIRECTORY", str(d / "cache"))
        path = train_nlu(str(d / "config.yml"), str(d / "nlu.yml"), str(d / "out"), fixed_model_name="tiny")
    assert path and Path(path).exists()
    return Path(path)


def _parse(model: Path, texts):
    from rasa.core.agent import Agent

    async def go():
        agent = Agent.load(str(model))
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(go())


def test_trained_model_extracts_entities_and_normalises(tiny_model):
    one_shot, slang = _parse(tiny_model, ["sy nelayan umur 35 penghasilan 1,5jt di konsel", "gmn cr dftr bpjs tk"])
    got = {e["entity"]: e["value"] for e in one_shot["entities"]}
    assert got == {"occupation": "nelayan", "age": 35, "income": 1_500_000,
                   "regency": "Kabupaten Konawe Selatan"}
    assert all(e["extractor"] == "LingkarEntityExtractor" for e in one_shot["entities"])
    assert one_shot["text"] == "sy nelayan umur 35 penghasilan 1,5jt di konsel"  # the text is not rewritten
    # "gmn … dftr" is only understood through the lexicon ("bagaimana … daftar")
    assert slang["intent"]["name"] == "ask_register"
