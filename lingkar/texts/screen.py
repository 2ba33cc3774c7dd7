"""How much of a phone screen a text fills, and the rule that cuts a long answer into a short first part and the
rest ("lebih lengkap", issue 13).

**The phone model** (an assumption, not a measurement of a device): a chat bubble on a 360-px-wide phone (the most
common Android width) holds about :data:`CHARS_PER_LINE` characters per line at the messengers' default font size,
and about :data:`LINES_PER_SCREEN` lines of it are visible at once above the keyboard and below the header. So one
screen is about 600 characters of running text, fewer when the text has short lines (bullets, blank lines between
paragraphs). A text's *wrapped lines* are its lines word-wrapped at :data:`CHARS_PER_LINE` (a blank line counts
one); its *screens* are wrapped lines / :data:`LINES_PER_SCREEN`.

**The rule**: an answer longer than :data:`LONG_SCREENS` screens is sent as a short first part, the leading
paragraphs that fit in :data:`SHORT_SCREENS` screen together with the hint line (or an explicit ``short:`` text of
the answer), and a "Lebih lengkap" button; the rest follows when the worker asks for it (:mod:`lingkar.texts.answers`,
``Answers.render_split``; actions/more.py).
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

#: Characters per line of a chat bubble on a 360-px-wide phone (default font size).
CHARS_PER_LINE = 40
#: Lines of a chat bubble visible on one screen.
LINES_PER_SCREEN = 15
#: Characters of running text on one screen.
SCREEN_CHARS = CHARS_PER_LINE * LINES_PER_SCREEN
#: An answer longer than this many screens is cut into a first part and the rest. Measured on the blind set
#: (2 Dec 2026): cutting at 1.25 screens (11 answers; their first parts automatic or written by hand) answered 57.1%
#: of its messages right against 67.9% for whole answers: a first part too often left out what the question needed.
#: So answers go whole up to 2 screens (all of today's: the longest is 1.53); the cut is there for a longer one.
LONG_SCREENS = 2.0
#: The first part of a cut answer (with the hint line) fits in this many screens.
SHORT_SCREENS = 1.0

#: What a worker types to get the rest of the last answer ("lebih lengkap", "selengkapnya", "detailnya?",
#: "jelaskan lebih lanjut", ...). Read before the NLU's intent (actions/more.py), so it works however it is classified.
MORE_DETAIL = re.compile(
    r"^\s*(?:(?:tolong|coba|mohon|bisa|boleh|minta|mau)\s+)?(?:(?:di)?jelaskan\s+)?"
    r"(?:lebih\s+(?:lengkap|lanjut|detail|rinci|jelas)(?:nya)?|selengkapnya|lengkapnya|detailnya|rinciannya|"
    r"penjelasan\s+(?:lengkap|lanjut|detail)(?:nya)?|(?:info|infonya|penjelasannya)\s+lengkap(?:nya)?|"
    r"(?:ada\s+)?lanjutannya)"
    r"(?:\s+(?:dong|donk|ya|yah|kak|min|pak|bu|mas|mbak|ji|toh|lagi|please|pls|sy|saya|nya))*\s*[?!.]*\s*$",
    re.I)


def is_more_detail(text: str | None) -> bool:
    """True when ``text`` only asks for more of the previous answer ("lebih lengkap", "detailnya?")."""
    return bool(text) and bool(MORE_DETAIL.match(text))


@dataclass(frozen=True)
class Measure:
    """How long a text is on a phone (see the module's phone model)."""
    chars: int
    #: Lines as written (newlines + 1).
    lines: int
    #: Lines on the phone, word-wrapped at :data:`CHARS_PER_LINE`.
    wrapped: int

    @property
    def screens(self) -> float:
        return round(max(self.wrapped / LINES_PER_SCREEN, self.chars / SCREEN_CHARS), 2)

    def as_dict(self) -> dict:
        return {"chars": self.chars, "lines": self.lines, "wrapped_lines": self.wrapped, "screens": self.screens}


def measure(text: str) -> Measure:
    """Characters, lines and wrapped lines of ``text``."""
    text = text or ""
    lines = text.split("\n")
    wrapped = sum(max(1, len(textwrap.wrap(line, CHARS_PER_LINE))) for line in lines)
    return Measure(len(text), len(lines), wrapped)


def fits(text: str, screens: float = LONG_SCREENS) -> bool:
    """True when ``text`` fits in ``screens`` phone screens."""
    return measure(text).screens <= screens
