"""The chat-spelling lexicon (content/slang.yml) and the normalisation of one word. No Rasa imports.

    lex = SlangLexicon.load()             # content/slang.yml (LINGKAR_CONTENT_DIR honoured)
    lex.normalise_word("gmn")             # -> "bagaimana"
    lex.normalise_word("bangeeet")        # -> "banget"
    lex.normalise_word("sama2")           # -> "sama-sama"
    lex.normalise_word("1,5jt")           # -> "__NUMBER__ juta"
    lex.phrase(["bpjs", "tk"])            # -> "bpjs ketenagakerjaan"
    lex.is_particle("mi")                 # -> True
    lex.normalise_word("berapami")        # -> "berapa" (a Sulawesi particle fused to a known word)
    lex.normalise_word("syaratx")         # -> "syarat" ("-x" typed for "-nya")
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Sequence, Tuple

import yaml

NUMBER = "__NUMBER__"

_REPEAT3 = re.compile(r"([^\W\d_])\1{2,}")
_REDUP = re.compile(r"^([^\W\d_]{2,})2$")
_NUMERIC = re.compile(r"^(?P<rp>rp\.?)?(?P<num>\d+(?:[.,]\d+)*)(?P<suffix>[^\W\d_]+)?$")
# Words with a genuine double letter, so "maaaf" becomes "maaf", not "maf".
_DOUBLE_LETTER_WORDS = {"maaf", "saat", "manfaat", "taat", "assalamualaikum", "allah", "jumat", "jumaat", "sesaat",
                        "tiba", "keluarga", "terakhir", "daftar", "halo", "oke", "iya", "ya", "tidak", "banget", "saya",
                        "sangat", "kesehatan", "ketenagakerjaan", "bpjs"}


def default_slang_path() -> Path:
    from lingkar import config  # content dir setting lives there (no Rasa imports)

    return Path(config.CONTENT_DIR) / "slang.yml"


@dataclass
class SlangLexicon:
    words: Dict[str, str] = field(default_factory=dict)
    phrases: Dict[Tuple[str, ...], str] = field(default_factory=dict)
    particles: FrozenSet[str] = frozenset()
    #: particles that people also write fused to the word before ("berapami", "bisaji", "adakah", "perlupi")
    suffix_particles: Tuple[str, ...] = ()
    #: extra words that may carry a fused particle, beside the words and canonical forms of the lexicon
    stems: FrozenSet[str] = frozenset()
    #: greetings and thanks (canonical forms) left out of a longer question's features
    courtesy: FrozenSet[str] = frozenset()
    #: canonical question words: a message with one of them (or "?") is a question
    question_lemmas: FrozenSet[str] = frozenset()
    digest: str = ""
    canonical_words: FrozenSet[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        self.canonical_words = frozenset(w for v in self.words.values() for w in v.split())

    @classmethod
    def load(cls, path: Path | None = None) -> SlangLexicon:
        path = Path(path) if path else default_slang_path()
        raw = path.read_bytes()
        return cls.from_yaml(raw.decode("utf-8"), digest=hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_yaml(cls, text: str, digest: str = "") -> SlangLexicon:
        data = yaml.safe_load(text) or {}
        words = {str(k).lower(): str(v).lower() for k, v in (data.get("words") or {}).items()}
        phrases = {}
        for k, v in (data.get("phrases") or {}).items():
            key = tuple(str(k).lower().split())
            if len(key) < 2:
                raise ValueError(f"slang phrase {k!r} has a single word; put it under words:")
            phrases[key] = str(v).lower()
        particles = frozenset(str(p).lower() for p in data.get("particles") or [])
        # longest first, so "pale" is tried before a shorter particle it might end with
        suffixes = tuple(sorted({str(p).lower() for p in data.get("suffix_particles") or []}, key=len, reverse=True))
        stems = frozenset(str(w).lower() for w in data.get("stems") or [])
        courtesy = frozenset(" ".join(str(w).lower().split()) for w in data.get("courtesy") or [])
        questions = frozenset(str(w).lower() for w in data.get("question_words") or [])
        return cls(words=words, phrases=phrases, particles=particles, suffix_particles=suffixes, stems=stems,
                   courtesy=courtesy, question_lemmas=questions,
                   digest=digest or hashlib.sha256(text.encode("utf-8")).hexdigest())

    @property
    def max_phrase_len(self) -> int:
        return max((len(k) for k in self.phrases), default=1)

    def known(self, word: str) -> bool:
        return word in self.words or word in self.canonical_words or word in _DOUBLE_LETTER_WORDS

    def _stem_known(self, word: str) -> bool:
        return word in self.words or word in self.canonical_words or word in self.stems

    def split_fused(self, word: str) -> str | None:
        """The word without a fused particle ("berapami" → "berapa", "bisa-ji" → "bisa", "syaratx" → "syarat"),
        or None. Only when the word itself is not known and what is left is a known word of 3+ letters, so "gaji",
        "jadi", "kami" or "tapi" are never cut. Two particles in a row ("adajikah") are taken off too."""
        if self._stem_known(word) or len(word) < 5:
            return None
        for suffix in self.suffix_particles:
            if not word.endswith(suffix):
                continue
            stem = word[: -len(suffix)].rstrip("-'")
            if len(stem) < 3:
                continue
            if self._stem_known(stem):
                return stem
            inner = self.split_fused(stem)
            if inner is not None:
                return inner
        if word.endswith("x") and len(word) >= 5:  # "-x" is chat shorthand for "-nya" in Sulawesi
            stem = word[:-1]
            if self._stem_known(stem + "nya"):
                return stem + "nya"
            if self._stem_known(stem):
                return stem
            if stem.endswith("n") and self._stem_known(stem[:-1]):  # "caranx" = "caranya"
                return stem[:-1]
        return None

    def _lookup(self, word: str) -> str | None:
        return self.words.get(word)

    def deduplicate_letters(self, word: str) -> str:
        """'bangeeet' → 'banget', 'maaaf' → 'maaf': runs of 3+ identical letters shortened to 2 or 1."""
        if not _REPEAT3.search(word):
            return word
        two = _REPEAT3.sub(r"\1\1", word)
        one = _REPEAT3.sub(r"\1", word)
        if self.known(one):
            return one
        if self.known(two):
            return two
        # a remaining double may still be a run ("makasihh"): shorten doubles at the end too
        one_end = re.sub(r"([^\W\d_])\1+$", r"\1", one)
        return one_end if self.known(one_end) else one

    def normalise_word(self, token: str) -> str:
        """Canonical form of one token (lower-case; may be several words). Unknown words come back lower-cased."""
        w = token.lower()
        hit = self._lookup(w)
        if hit is not None:
            return hit
        m = _NUMERIC.match(w)
        if m:
            parts = []
            if m.group("rp"):
                parts.append("rupiah")
            parts.append(NUMBER)
            suffix = m.group("suffix")
            if suffix:
                parts.append(self._lookup(suffix) or suffix)
            return " ".join(parts)
        if w in ("rp", "rp.", "idr"):
            return "rupiah"
        d = self.deduplicate_letters(w)
        if d != w:
            hit = self._lookup(d)
            if hit is not None:
                return hit
            # a trailing run of one letter may be emphasis too ("makasihh" → "makasih")
            trimmed = re.sub(r"([^\W\d_])\1+$", r"\1", d)
            hit = self._lookup(trimmed)
            if hit is not None:
                return hit
            return d
        trimmed = re.sub(r"([^\W\d_])\1+$", r"\1", w)
        if trimmed != w and trimmed not in _DOUBLE_LETTER_WORDS:
            hit = self._lookup(trimmed)
            if hit is not None:
                return hit
        m = _REDUP.match(w)
        if m:
            base = self._lookup(m.group(1)) or m.group(1)
            if " " not in base:
                return f"{base}-{base}"
            return base
        stem = self.split_fused(w)
        if stem is not None:
            return self._lookup(stem) or stem
        return w

    def phrase(self, words: Sequence[str]) -> str | None:
        return self.phrases.get(tuple(w.lower() for w in words))

    def is_particle(self, word: str) -> bool:
        return word.lower() in self.particles
