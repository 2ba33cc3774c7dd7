"""Checks on the held-out NLU test set (tests/nlu/heldout.yml) and the answer questions (tests/answers/questions*.yml).

The held-out set is only a yardstick if it is well-formed, covers every intent in docs/intents.md, and shares no
line with the training data. These tests read the training data in nlu/ only to compare normalised texts; on an
overlap they report the held-out line, never training content beyond it.
"""
from __future__ import annotations

import collections
import os
import re
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
QUESTION_FILES = sorted((ROOT / "tests" / "answers").glob("*.yml"))  # questions*.yml and unseen.yml
INTENTS_DOC = ROOT / "docs" / "intents.md"
TRAINING_DIR = ROOT / "nlu"

MIN_MESSAGES = 400
MIN_PER_INTENT = 5
MIN_QUESTIONS = 60


def normalise(text: str) -> str:
    """Lowercase, drop punctuation and emoji, collapse spaces: 'Jht?? cair' and 'jht cair' compare equal."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def documented_intents() -> set[str]:
    """Intent names from the tables of docs/intents.md (the entity table is excluded)."""
    text = INTENTS_DOC.read_text(encoding="utf-8")
    text = text.split("## Entities", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE))


def load_nlu(path: Path):
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


@pytest.fixture(scope="module")
def heldout():
    return load_nlu(HELDOUT)


@pytest.fixture(scope="module")
def training_texts():
    from rasa.shared.data import get_data_files, is_nlu_file

    files = get_data_files([str(TRAINING_DIR)], is_nlu_file) if TRAINING_DIR.is_dir() else []
    texts = set()
    for f in files:
        texts.update(normalise(t) for t, _ in load_nlu(Path(f)))
    return texts


@pytest.fixture(scope="module")
def questions():
    return [q for f in QUESTION_FILES for q in yaml.safe_load(f.read_text(encoding="utf-8"))["questions"]]


def test_intent_catalogue_is_readable():
    intents = documented_intents()
    # 47 at the time of writing; the catalogue may grow, never silently vanish.
    assert len(intents) >= 47, sorted(intents)
    assert {"greet", "check_eligibility", "ask_claim_jht", "delete_my_data"} <= intents


def test_heldout_size_and_labels(heldout):
    assert len(heldout) >= MIN_MESSAGES, f"only {len(heldout)} held-out messages"
    unknown = {i for _, i in heldout} - documented_intents()
    assert not unknown, f"intents not in docs/intents.md: {sorted(unknown)}"


def test_heldout_covers_every_intent(heldout):
    counts = collections.Counter(i for _, i in heldout)
    thin = {i: counts.get(i, 0) for i in documented_intents() if counts.get(i, 0) < MIN_PER_INTENT}
    assert not thin, f"intents with fewer than {MIN_PER_INTENT} held-out messages: {thin}"


def test_heldout_has_no_duplicates(heldout):
    seen: dict[str, str] = {}
    clashes = []
    for text, intent in heldout:
        key = normalise(text)
        assert key, f"empty message under {intent}"
        if key in seen:
            clashes.append((text, seen[key], intent))
        seen[key] = intent
    assert not clashes, f"repeated held-out messages (text, first label, second label): {clashes}"


def test_heldout_is_disjoint_from_training_data(heldout, training_texts):
    if not training_texts:
        pytest.fail(f"no NLU training examples found under {TRAINING_DIR}; the held-out comparison needs them")
    overlap = sorted(t for t, _ in heldout if normalise(t) in training_texts)
    assert not overlap, f"held-out messages that also occur in nlu/ training data: {overlap}"


def test_questions_are_well_formed(questions):
    assert len(questions) >= MIN_QUESTIONS, f"only {len(questions)} answer questions"
    intents = documented_intents()
    problems = []
    for q in questions:
        text, intent, must = q.get("text"), q.get("intent"), q.get("must_contain")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"missing text: {q}")
            continue
        # one intent, or a list when the answers of several topics all answer the question
        for one in (intent if isinstance(intent, list) and intent else [intent]):
            if one not in intents:
                problems.append(f"unknown intent {one!r}: {text}")
        if not isinstance(must, list) or len(must) > 3:
            problems.append(f"must_contain needs 0-3 entries: {text}")
            continue
        for phrase in must:
            if not isinstance(phrase, str) or not phrase.strip():
                problems.append(f"empty must_contain entry: {text}")
            elif re.search(r"\d", phrase):
                problems.append(f"must_contain entry with a number {phrase!r}: {text}")
        if not isinstance(q.get("fact_keys", []), list):
            problems.append(f"fact_keys must be a list: {text}")
    assert not problems, "\n".join(problems)


def test_questions_differ_from_heldout_and_training(questions, heldout, training_texts):
    held = {normalise(t) for t, _ in heldout}
    keys = [normalise(q["text"]) for q in questions]
    assert len(set(keys)) == len(keys), "repeated answer questions"
    in_heldout = [q["text"] for q, k in zip(questions, keys) if k in held]
    in_training = [q["text"] for q, k in zip(questions, keys) if k in training_texts]
    assert not in_heldout, f"answer questions that repeat held-out lines: {in_heldout}"
    assert not in_training, f"answer questions that occur in nlu/ training data: {in_training}"
