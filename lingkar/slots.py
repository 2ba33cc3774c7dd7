"""Slot values shared by the forms (actions/) and the domain core: the skipped-answer marker and the words that
skip a question, reading a slot value with a skipped answer as unknown, and quoting a worker's answer back."""
from __future__ import annotations

import re
from typing import Any

#: Value of a slot the worker chose to skip (an optional question).
SKIPPED = "-"
#: Below this confidence an intent is not trusted to mean "something else" (step 2 of actions/forms.py).
INTERRUPT_CONFIDENCE = 0.5

_SKIP_WORDS = re.compile(
    r"^\s*(lewati|lewat(?:i)? aja|lewat saja|lewat|skip|lompati|next|tidak tahu|tdk tahu|gak tahu|ga tahu|"
    r"gatau|ga tau|gak tau|nggak tahu|enggak tahu|ndak tahu|tidak tau|tdk tau|ga ada|gak ada|tidak ada|tdk ada|"
    r"nggak ada|ndak ada|belum ada|rahasia|tidak mau|ga mau|gak mau|nggak mau|tidak usah|ga usah|gak usah|"
    r"tidak perlu|ga perlu|kosong|kosongkan|-)\s*[.!]*\s*$", re.I)


def is_skip(text: str, intent: str | None = None, confidence: float = 0.0) -> bool:
    if _SKIP_WORDS.match(text or ""):
        return True
    return intent == "deny" and confidence >= INTERRUPT_CONFIDENCE and len((text or "").split()) <= 4


def clean_answer(text: str, limit: int = 40) -> str:
    """The worker's text, shortened for quoting back in a message."""
    t = " ".join(str(text or "").split())
    return t if len(t) <= limit else t[: limit - 1] + "…"


def real(value: Any) -> Any:
    """A slot value, with a skipped answer read as unknown."""
    return None if value in (None, SKIPPED, "") else value
