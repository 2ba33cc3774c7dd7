"""LingkarTokenizer: a WhitespaceTokenizer that normalises Indonesian chat spellings without rewriting the text.

config.yml::

    - name: rasa_plugins.nlu.tokenizer.LingkarTokenizer
      # slang_file: content/slang.yml   (default; relative paths are taken from the project root)
      # drop_particles: true            (leave "mi", "ji", "pale", "dong" ... out of the features)

Each token keeps the user's own text and its offsets into the message (``token.text == text[start:end]``); the
canonical form from content/slang.yml goes into ``token.lemma`` (numbers become ``__NUMBER__``, except a
percentage, which keeps its value: "10%" → ``persen10``), which CountVectorsFeaturizer reads (its
``use_lemma`` option is on by default). So "gmn cara daftar bpjs tk" is featurised as "bagaimana cara daftar bpjs
ketenagakerjaan" while entity offsets, logs and the tracker still see what the worker typed.

A multi-word phrase of the lexicon ("bpjs tk") with a canonical form of the same length maps word by word; a
phrase whose canonical form has a different length ("ojek online" → "ojol") becomes one token spanning the phrase.
The lexicon's digest is part of the component's fingerprint, so editing slang.yml retrains what depends on it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from rasa_plugins.nlu.lexicon import SlangLexicon, default_slang_path

ROOT = Path(__file__).resolve().parents[2]
PERCENT_WORDS = {"persen", "prsn", "psn", "percent", "%"}


def _slang_path(config: Dict[str, Any]) -> Path:
    configured = config.get("slang_file")
    if not configured:
        return default_slang_path()
    p = Path(configured)
    return p if p.is_absolute() else ROOT / p


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class LingkarTokenizer(WhitespaceTokenizer):
    """Whitespace tokenizer whose token lemmas are the canonical forms of chat spellings."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **WhitespaceTokenizer.get_default_config(),
            # YAML lexicon of chat spellings; None = content/slang.yml
            "slang_file": None,
            # leave discourse particles (mi, ji, pale, dong, sih ...) out of the features
            "drop_particles": True,
        }

    def __init__(self, config: Dict[str, Any], lexicon: SlangLexicon | None = None) -> None:
        config = {**self.get_default_config(), **config}
        super().__init__(config)
        self.lexicon = lexicon or SlangLexicon.load(_slang_path(config))
        self.drop_particles = bool(config.get("drop_particles", True))

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """Changes when the lexicon file changes, so cached training steps are not reused after an edit."""
        path = _slang_path(config)
        try:
            return SlangLexicon.load(path).digest
        except OSError:
            return None

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text = message.get(attribute)
        tokens = super().tokenize(message, attribute)
        return self.normalise_tokens(tokens, text)

    def normalise_tokens(self, tokens: List[Token], text: str) -> List[Token]:
        """Set canonical lemmas, merge lexicon phrases, drop particles; offsets stay those of ``text``."""
        lex = self.lexicon
        out: List[Token] = []
        i = 0
        n = len(tokens)
        max_len = lex.max_phrase_len
        while i < n:
            merged = False
            for size in range(min(max_len, n - i), 1, -1):
                window = tokens[i:i + size]
                canonical = lex.phrase([t.text for t in window])
                if canonical is None:
                    continue
                parts = canonical.split()
                if len(parts) == size:
                    for tok, lemma in zip(window, parts):
                        out.append(Token(tok.text, tok.start, tok.end, data=dict(tok.data), lemma=lemma))
                else:
                    start, end = window[0].start, window[-1].end
                    out.append(Token(text[start:end], start, end, lemma=canonical))
                i += size
                merged = True
                break
            if merged:
                continue
            tok = tokens[i]
            nxt = tokens[i + 1].text.lower() if i + 1 < n else ""
            lemma = lex.normalise_word(tok.text)
            if tok.text.isdigit() and (text[tok.end:tok.end + 1] == "%" or nxt in PERCENT_WORDS):
                lemma = f"persen{tok.text}"  # "10%", "30 persen", "50%" carry meaning (JHT partial, discount)
            out.append(Token(tok.text, tok.start, tok.end, data=dict(tok.data), lemma=lemma))
            i += 1
        if self.drop_particles:
            kept = [t for t in out if not (lex.is_particle(t.text) or lex.is_particle(t.lemma))]
            if kept:
                out = kept
        return self.drop_courtesy(out, text)

    #: A message loses its courtesy words only when it is a question with at least this many other tokens.
    COURTESY_MIN_LEFT = 4

    def drop_courtesy(self, tokens: List[Token], text: str) -> List[Token]:
        """Leave greetings and thanks wrapped around a question ("Selamat siang, ... ? Terima kasih.") out of the
        features, so the wrapper does not pull a long formal question towards greet or thank. A message that is
        only courtesy ("terima kasih banyak", "selamat pagi") keeps every token."""
        lex = self.lexicon
        if not lex.courtesy or len(tokens) <= self.COURTESY_MIN_LEFT:
            return tokens
        lemmas = [t.lemma or t.text.lower() for t in tokens]
        if "?" not in text and not any(w in lex.question_lemmas for lemma in lemmas for w in lemma.split()):
            return tokens
        drop = set()
        i = 0
        while i < len(tokens):
            for size in (3, 2, 1):
                if " ".join(lemmas[i:i + size]) in lex.courtesy and i + size <= len(tokens):
                    drop.update(range(i, i + size))
                    i += size
                    break
            else:
                i += 1
        if len(tokens) - len(drop) < self.COURTESY_MIN_LEFT:
            return tokens
        return [t for k, t in enumerate(tokens) if k not in drop]
