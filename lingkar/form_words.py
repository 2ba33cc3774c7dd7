"""Whether a message during a form ends it or declines an optional question, in the worker's own words, and whether
a message is a bare "berhenti" / "stop" that ends every subscription (content/forms.yml). Pure text rules, no
framework.

    leaving("sa bukan mau daftar. suami sa sudah meninggal", optional=False)  # "leave"
    leaving("tdk usah nik sa takut", optional=True)                          # "decline"
    leaving("tdk usah", optional=False)                                       # "leave"
    leaving("0812 3456 7890", optional=True)                                  # None: an answer
    is_stop("Stop!")                                                          # True
    is_stop("kalau saya berhenti bekerja JHT bisa cair?")                     # False: a JHT question
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterable

import yaml

from lingkar import config

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class _Lexicon:
    leave: FrozenSet[str]
    leave_unless_optional: FrozenSet[str]
    decline: FrozenSet[str]
    stop: FrozenSet[str]
    stop_filler: FrozenSet[str]


def _set(items: Iterable[str] | None) -> FrozenSet[str]:
    return frozenset(" ".join(_WORD.findall(str(i).lower())) for i in items or [] if str(i).strip())


@lru_cache(maxsize=4)
def _load(path: str) -> _Lexicon:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return _Lexicon(leave=_set(data.get("leave")), leave_unless_optional=_set(data.get("leave_unless_optional")),
                    decline=_set(data.get("decline")), stop=_set(data.get("stop")),
                    stop_filler=_set(data.get("stop_filler")))


def lexicon_path(content_dir: Path | None = None) -> Path:
    return Path(content_dir or config.CONTENT_DIR) / "forms.yml"


def _has(joined: str, entries: FrozenSet[str]) -> bool:
    return any(f" {e} " in joined for e in entries)


#: A word doubled by a "2" ("tanya2", "masing2").
_REDUPLICATION = re.compile(r"(?<=[a-z])2\b")


#: A mistake feared, not made ("takut salah pilih", "khawatir salah daftar").
_FEARED_MISTAKE = re.compile(r"\b(takut|takutnya|khawatir|kuatir|kawatir|ragu\w*|bingung)\s+(salah)\b", re.I)


def leaving(text: str, optional: bool, content_dir: Path | None = None) -> str | None:
    """``"leave"`` (end the form), ``"decline"`` (skip this optional question) or None (read it as an answer).

    A message with digits is an answer attempt (a NIK, a phone number), never a refusal. "tdk usah" / "nanti
    saja" decline an optional question and end the form at any other; a question ("?") is never read as leaving
    through those weak words (it is answered, and the form goes on)."""
    lex = _load(str(lexicon_path(content_dir)))
    t = (text or "").lower()
    if not t.strip() or t.lstrip().startswith("/"):
        return None
    # "sy takut salah pilih": a fear of choosing wrongly, not a wrong button pressed
    joined = f" {' '.join(_WORD.findall(_FEARED_MISTAKE.sub(' ', t)))} "
    if _has(joined, lex.leave):
        return "leave"
    if re.search(r"\d", _REDUPLICATION.sub("", t)):  # "tanya2", "masing2" are words, not numbers
        return None
    weak = _has(joined, lex.leave_unless_optional)
    if optional and (weak or _has(joined, lex.decline)):
        return "decline"
    if weak and "?" not in t:
        return "leave"
    return None


#: Thanks ("makasih", "mksh", "terima kasih").
THANKS = re.compile(r"\b(makasih|makasi|mksh|mksih|makasih\w*|terima kasih|trima kasih|terimakasih|trimakasih|thanks|"
                    r"thx|tengkyu|trims|trimks|trmksh|tks|thks|tq|mkasih)\b", re.I)
#: A plan for later beside the thanks ("nanti sy daftar sendiri", "sy diskusikan dulu dgn kepsek", "kami akan tindak
#: lanjuti").
PLAN = re.compile(r"\b(nanti|nnt|ntar|nanti2|besok|dulu|pikir\w*|coba|akan|tindak\s*lanjut\w*|tindaklanjuti|"
                  r"pelajari|diskusikan|bahas|kabari|kabarin)\b", re.I)


#: An acknowledgement that opens a closing message ("ok sa daftar bulan ini aja ... makasih").
ACKNOWLEDGED = re.compile(r"^\W*(ok|oke|okay|okey|okelah|baik|baiklah|siap|iye|iya|sip|mantap|alhamdulillah|oh)\b",
                          re.I)


#: A question word that asks (not "bisa" / "dapat", which also state a plan: "biar dpt diskon").
ASKS = re.compile(r"\?|\b(apa|apakah|bagaimana|bgmn|gimana|gmn|berapa\w*|brp|kapan|kenapa|mengapa|knp|dimana|di mana|"
                  r"siapa|kah|ka)\b", re.I)


def thanks_and_plan(text: str) -> bool:
    """Thanks beside a plan for later or after an acknowledgement, asking nothing ("oke makasih pak, nanti sy daftar
    sendiri", "ok sa daftar bulan ini aja biar dpt diskon desember. makasih"): the worker is closing, whatever topic
    words the message has."""
    t = (text or "").strip()
    if not t or t.startswith("/") or not THANKS.search(t) or ASKS.search(t):
        return False
    return bool(PLAN.search(t) or ACKNOWLEDGED.search(t))


def plan_said(text: str) -> bool:
    """A short acknowledgement with a plan for later and no question ("oh begitu, nanti sa tanya di kantor desa",
    "oke, nanti sy pikir dulu"): the worker is closing without thanks."""
    t = (text or "").strip()
    if not t or t.startswith("/") or ASKS.search(t) or len(t.split()) > PLAN_MAX_WORDS:
        return False
    return bool(ACKNOWLEDGED.search(t) and PLAN.search(t))


#: A closing plan is a short message.
PLAN_MAX_WORDS = 10
#: A request that thanks comes after ("Mohon penjelasan batas upah ... Terima kasih."): this many words at least.
REQUEST_MIN_WORDS = 5
_REQUEST = re.compile(r"\b(mohon|tolong|minta|ingin|mau tanya|izin tanya|bagaimanakah|berapakah|apakah)\b", re.I)


def request_with_thanks(text: str) -> bool:
    """Thanks that close a request or question ("Mohon penjelasan batas upah untuk iuran Jaminan Pensiun yang berlaku
    saat ini. Terima kasih."): the words before the thanks ask for something, and are more than a few."""
    t = text or ""
    found = THANKS.search(t)
    if not found:
        return False
    before = t[:found.start()]
    return len(before.split()) >= REQUEST_MIN_WORDS and bool(ASKS.search(before) or _REQUEST.search(before))


def postpones(text: str, content_dir: Path | None = None) -> bool:
    """Outside a form, the worker puts joining off and asks nothing ("hmm nanti saja dulu deh, sy bicarakan sm kakak
    sy. bukan mau daftar skrg, tanya2 dulu ji"): the words that end a form at any question, no question."""
    t = (text or "").strip()
    if not t or t.startswith("/") or ASKS.search(t) or THANKS.search(t) or REPORTED.search(t):
        # "nanti sy rapatkan dulu dgn anggota. trima kasih": thanks, answered as thanks; "perusahaan bilang laporannya
        # nanti saja kalau sudah sembuh": someone else's words, told to ask about them
        return False
    return leaving(t, False, content_dir) == "leave"


#: Someone else's words reported ("perusahaan bilang ...", "katanya ...", "disuruh ...").
REPORTED = re.compile(r"\b(bilang|blg|katanya|kata\s+(?:perusahaan|bos|hrd|mandor|kantor|petugas|orang)|disuruh|"
                      r"menyuruh|nyuruh)\b", re.I)


def is_closing(text: str) -> bool:
    """Thanks that close the conversation, not an answer: no digits, no question, and a plan for later or nothing
    much else ("baik, terima kasih", "ok sy diskusikan dulu dgn kepsek. mksh ya")."""
    t = (text or "").strip()
    if not t or t.startswith("/") or "?" in t or re.search(r"\d", t) or not THANKS.search(t):
        return False
    return bool(PLAN.search(t)) or len(_WORD.findall(t.lower())) <= 4


def is_stop(text: str, content_dir: Path | None = None) -> bool:
    """The whole message is a request to stop every subscription: a ``stop`` phrase, with nothing else but
    ``stop_filler`` words around it ("stop", "BERHENTI!", "berhenti ya min", "unsubscribe", "/stop"). Anything
    more is not ("berhenti kerja", "kalau saya berhenti bekerja JHT bisa cair?"), nor is a question."""
    lex = _load(str(lexicon_path(content_dir)))
    t = (text or "").strip().lower()
    if not t or "?" in t or re.search(r"\d", t):
        return False
    words = [w for w in _WORD.findall(t.lstrip("/")) if w not in lex.stop_filler]
    return bool(words) and " ".join(words) in lex.stop


#: The whole message is a decision to register now ("Ya sudah, sa mau daftar sekarang.", "ok sy daftar skrg"), with
#: no question and nothing else: how to register, not an answer to a form's question or an unclear message.
_REGISTER_NOW = re.compile(
    r"^\W*(?:(?:ya\s*sudah|yasudah|ya\s*udah|yaudah|ok|oke|okelah|baik|baiklah|siap|iye|iya|kalau begitu|klo gitu|"
    r"kalo gitu|jadi)\W+)*(?:sa|sy|saya|aku|kami)?\s*(?:mau|mo|ingin|pengen|jadi)?\s*(?:ikut\s+)?"
    r"(?:daftar|mendaftar|dftr)(?:\s+(?:bpjs(?:\s*tk)?|sekarang|skrg|skg|hari ini|saja|aja|mi|dulu|juga|jg|mandiri))*"
    r"\W*$", re.I)


def registers_now(text: str) -> bool:
    """The message decides to register now and says nothing else (:data:`_REGISTER_NOW`)."""
    return bool(_REGISTER_NOW.match(text or "")) and bool(re.search(r"\b(mau|mo|ingin|pengen|jadi|sekarang|skrg|skg|"
                                                                     r"ikut|ya|ok|oke|baik)\b", text or "", re.I))


__all__ = ["is_stop", "leaving", "lexicon_path", "postpones", "registers_now", "request_with_thanks"]


#: A request to delete or not keep personal data ("Tolong jangan simpan nomor saya", "Mohon seluruh data pribadi saya
#: ... dimusnahkan"), wherever the NLU placed it.
_DELETION = re.compile(r"\b(hapus\w*|dihapus|menghapus|penghapusan|musnahkan|dimusnahkan|memusnahkan|"
                       r"(?:jangan|jgn|tidak usah|tdk usah|ga usah|gak usah|nda usah|tida usah)\s+(?:di)?simpan\w*)\b",
                       re.I)
_PERSONAL_DATA = re.compile(r"\b(data\w*|nomor\w*|no hp|no wa|nik|nama\w*|kontak\w*|identitas\w*|ktp)\b", re.I)


def asks_deletion(text: str) -> bool:
    """The message asks that the sender's personal data be deleted or not kept."""
    t = text or ""
    return bool(_DELETION.search(t) and _PERSONAL_DATA.search(t))
