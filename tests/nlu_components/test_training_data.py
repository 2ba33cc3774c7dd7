"""The NLU training data matches the intent catalogue, has no contradictions, and is kept apart from the dev set."""
from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]
MIN_EXAMPLES = 40


def catalogue_intents():
    text = (ROOT / "docs" / "intents.md").read_text()
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)) - {"occupation", "age", "income", "regency"}


@pytest.fixture(scope="module")
def training():
    files = sorted((ROOT / "nlu").glob("*.yml"))
    assert files
    data = load_data(str(files[0]))
    return data.merge(*[load_data(str(f)) for f in files[1:]])


@pytest.fixture(scope="module")
def dev():
    return load_data(str(ROOT / "tests" / "nlu_components" / "dev.yml"))


def _norm(t: str) -> str:
    return re.sub(r"\s+", " ", t.lower()).strip()


def test_every_catalogue_intent_is_trained_well(training):
    intents = catalogue_intents()
    declared = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    assert intents == set(declared)
    counts = collections.Counter(m.get("intent") for m in training.intent_examples)
    assert set(counts) == intents
    thin = {i: c for i, c in counts.items() if c < MIN_EXAMPLES}
    assert not thin, f"intents with fewer than {MIN_EXAMPLES} examples: {thin}"


def test_no_message_is_taught_as_two_intents(training):
    seen = collections.defaultdict(set)
    for m in training.intent_examples:
        seen[_norm(m.get("text"))].add(m.get("intent"))
    clashes = {t: i for t, i in seen.items() if len(i) > 1}
    assert not clashes


def test_entities_are_not_annotated(training):
    # entities come from LingkarEntityExtractor; annotated ones would be ignored by DIET (entity_recognition off)
    assert not [m.get("text") for m in training.intent_examples if m.get("entities")]


def test_dev_set_covers_every_intent_and_is_not_in_training(training, dev):
    dev_intents = {m.get("intent") for m in dev.intent_examples}
    assert dev_intents == catalogue_intents()
    train_texts = {_norm(m.get("text")) for m in training.intent_examples}
    leaked = [m.get("text") for m in dev.intent_examples if _norm(m.get("text")) in train_texts]
    assert not leaked
