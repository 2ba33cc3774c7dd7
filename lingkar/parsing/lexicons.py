"""The content lexicons parsing reads: occupations (content/occupations.yml) and regencies (content/regions.yml)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from lingkar import config
from lingkar.parsing.tokens import _norm_phrase


@dataclass(frozen=True)
class Occupation:
    key: str
    label: str
    category: str  # PU | BPU | JAKON | PMI
    transport: bool
    sector: str
    aliases: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Regency:
    name: str
    kind: str  # kota | kabupaten
    aliases: Tuple[str, ...]
    towns: Tuple[str, ...]


#: The worker categories (the one list: the calculator and the occupation lexicon use it).
CATEGORIES = ("PU", "BPU", "JAKON", "PMI")


def _content_dir(content_dir: Path | None = None) -> Path:
    return Path(content_dir) if content_dir else config.CONTENT_DIR


@functools.lru_cache(maxsize=8)
def _load_occupations(path: str) -> Dict[str, Occupation]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: Dict[str, Occupation] = {}
    for key, spec in (data.get("occupations") or {}).items():
        category = spec.get("category")
        if category not in CATEGORIES:
            raise ValueError(f"{path}: occupation {key}: category must be one of {CATEGORIES}, not {category!r}")
        aliases = tuple(_norm_phrase(a) for a in spec.get("aliases") or [])
        out[key] = Occupation(key=key, label=spec.get("label", key), category=category,
                              transport=bool(spec.get("transport", False)), sector=spec.get("sector", "lainnya"),
                              aliases=aliases)
    return out


@functools.lru_cache(maxsize=8)
def _load_regencies(path: str) -> Tuple[Regency, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = []
    for spec in data.get("regencies") or []:
        out.append(Regency(name=spec["name"], kind=spec.get("kind", "kabupaten"),
                           aliases=tuple(_norm_phrase(a) for a in spec.get("aliases") or []),
                           towns=tuple(_norm_phrase(a) for a in spec.get("towns") or [])))
    return tuple(out)


def occupations(content_dir: Path | None = None) -> Dict[str, Occupation]:
    """All occupations of content/occupations.yml by key."""
    return _load_occupations(str(_content_dir(content_dir) / "occupations.yml"))


def regencies(content_dir: Path | None = None) -> Tuple[Regency, ...]:
    """The 17 regencies/cities of content/regions.yml."""
    return _load_regencies(str(_content_dir(content_dir) / "regions.yml"))


def regency_names(content_dir: Path | None = None) -> List[str]:
    return [r.name for r in regencies(content_dir)]


def get_occupation(key: str, content_dir: Path | None = None) -> Occupation | None:
    return occupations(content_dir).get(key)
