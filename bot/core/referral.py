"""First-contact attribution to an agent, the same on every channel.

Two ways a person is attributed to the agent who brought them (``referral`` in the inbox's user record, sent to
Rasa as ``metadata.referral``):

* the channel's own link: Telegram's ``/start ag_<code>`` deep link (:func:`code_from_start`);
* on ANY channel, a message containing the phrase ``kode agen <CODE>`` (any case, e.g. "Halo Lingkar, kode agen
  K7M2QX" — what an agent's poster or a prefilled WhatsApp link asks people to send): :func:`from_text`. The
  phrase is taken out of the text sent to Rasa (it is not a question); if nothing but a greeting remains, the turn
  sends the greet intent (``/greet``, as ``/start`` does).

The first referral recorded for a person is kept (:meth:`bot.core.inbox.Inbox.touch_user`); later codes change
nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

GREET_PAYLOAD = "/greet"

#: ``/start ag_<code>``: the argument of Telegram's deep link
START_ARG = re.compile(r"^ag_([A-Za-z0-9_-]{1,60})$")
#: "kode agen K7M2QX", "Kode Agen: k7m2qx", "kode-agen #K7M2QX"
AGENT_PHRASE = re.compile(r"\bkode[\s_-]*agen\b\s*[:=#-]?\s*#?([A-Za-z0-9]{3,16})\b", re.IGNORECASE)
_GREETING = re.compile(
    r"^(?:(?:halo+|hal+o|hallo|helo|hello|hai+|hi+|hey|hei|pagi|siang|sore|malam|selamat|permisi|assalamu'?alaikum"
    r"|assalamualaikum|salam|min|mimin|admin|kak|kakak|bang|pak|bu|bot|lingkar|saya|aku|dari|mau|daftar|tanya|ya"
    r"|dengan|ini|nih|dong|pake|pakai)\W*)*$",
    re.IGNORECASE)


@dataclass(frozen=True)
class TextReferral:
    """What :func:`from_text` found in a message."""

    code: str          # the agent code, upper case
    text: str          # the message without the phrase (what Rasa gets unless ``greet``)
    greet: bool        # nothing meaningful is left: send the greet intent instead

    @property
    def rasa_text(self) -> str:
        return GREET_PAYLOAD if self.greet else self.text


def code_from_start(arg: str) -> str | None:
    """The agent code of a deep-link argument ``ag_<code>`` (Telegram's ``/start ag_<code>``), else None."""
    m = START_ARG.match((arg or "").strip())
    return m.group(1) if m else None


def from_text(text: str) -> TextReferral | None:
    """The agent code of a ``kode agen <CODE>`` phrase in ``text`` (None without one), with the rest of the text."""
    m = AGENT_PHRASE.search(text or "")
    if m is None:
        return None
    rest = (text[:m.start()] + " " + text[m.end():]).strip()
    rest = re.sub(r"\s{2,}", " ", rest)
    rest = re.sub(r"^[\s,.;:!?-]+|[\s,;:-]+$", "", rest)
    greet = not rest or bool(_GREETING.fullmatch(rest))
    return TextReferral(code=m.group(1).upper(), text=rest, greet=greet)
