"""Content and Rasa YAML files have no key twice in one mapping: YAML keeps the last one silently, so a detail or a
lexicon written twice would lose its first version without a word (a second ``jkp_deadline`` detail once hid the
first)."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(ROOT.glob("content/*.yml")) + [ROOT / "domain.yml", ROOT / "config.yml", ROOT / "endpoints.yml",
                                               ROOT / "credentials.yml"]


def duplicate_keys(text: str) -> List[str]:
    found: List[str] = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                found.append(f"{key} (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    yaml.load(text, Loader=Loader)
    return found


def test_the_check_finds_a_key_written_twice():
    assert duplicate_keys("a: 1\nb:\n  c: 2\n  c: 3\n") == ["c (line 4)"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_key_is_written_twice(path):
    assert duplicate_keys(path.read_text(encoding="utf-8")) == []
