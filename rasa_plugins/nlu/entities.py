"""LingkarEntityExtractor: rule-based extraction of occupation, age, income and regency.

config.yml::

    - name: rasa_plugins.nlu.entities.LingkarEntityExtractor

The parsing itself lives in lingkar/parsing/ (no Rasa imports), so the action server's form validation reads
values exactly as the NLU does. Values arrive normalised:

    occupation  key of content/occupations.yml ("nelayan", "ojol", "buruh_bangunan", ...)
    age         int years
    income      int rupiah per month (a range gives its midpoint)
    regency     canonical name of content/regions.yml ("Kabupaten Konawe Selatan")

At most one entity of each type per message (after corrections such as "umur 35 eh 36"). Entities another
extractor already produced for the same type are left alone and this one adds nothing for that type.
"""
from __future__ import annotations

import hashlib
import inspect
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lingkar import parsing

ENTITY_TYPES = ("occupation", "age", "income", "regency")
ROOT = Path(__file__).resolve().parents[2]


def _content_dir(config: Dict[str, Any]) -> Path | None:
    configured = config.get("content_dir")
    if not configured:
        return None
    p = Path(configured)
    return p if p.is_absolute() else ROOT / p


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LingkarEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts the worker's facts with the lexicons in content/ and the parsers of lingkar/parsing/."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # directory with occupations.yml and regions.yml; None = content/ (LINGKAR_CONTENT_DIR honoured)
            "content_dir": None,
            # which entity types to emit
            "entities": list(ENTITY_TYPES),
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self.content_dir = _content_dir(self._config)
        unknown = set(self._config["entities"]) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"LingkarEntityExtractor: unknown entity types {sorted(unknown)}")
        self.entity_types = set(self._config["entities"])
        # load the lexicons now, so a broken file fails at startup rather than on a worker's message
        parsing.occupations(self.content_dir)
        parsing.regencies(self.content_dir)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LingkarEntityExtractor:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """Lexicons and parser source: editing either invalidates cached training steps."""
        cdir = _content_dir(config) or config.CONTENT_DIR
        h = hashlib.sha256(inspect.getsource(parsing).encode("utf-8"))
        for name in ("occupations.yml", "regions.yml"):
            try:
                h.update((Path(cdir) / name).read_bytes())
            except OSError:
                h.update(name.encode())
        return h.hexdigest()

    def extract(self, text: str) -> List[Dict[str, Any]]:
        """Entity dicts (entity, value, start, end, confidence_entity) for ``text``."""
        ents = parsing.extract_all(text or "", content_dir=self.content_dir)
        out = []
        for e in ents:
            if e["entity"] not in self.entity_types:
                continue
            out.append({**e, "confidence_entity": 1.0})
        return out

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # "/intent{...}" payloads carry their own entities
            existing = message.get(ENTITIES, []) or []
            taken = {e.get("entity") for e in existing}
            new = [e for e in self.extract(text) if e["entity"] not in taken]
            message.set(ENTITIES, existing + self.add_extractor_name(new), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn; training messages keep their own (annotated) entities."""
        return training_data
