"""Where a worker heard of Lingkar: the answer to "Dari mana Anda tahu Lingkar?", framework-free.

    read_source("tau dari teman kerja")        # -> ("friend_family", None)
    read_source("kode agen k7m2qx")            # -> ("agent", "K7M2QX")
    read_source("berapa iuran jkk?")           # -> (None, None): a question, not an answer

The keys are :data:`lingkar.store.models.SOURCES` (what the funnel counts); the question and its buttons are in
content/answers.yml (flows ``ask_source``), asked by actions/source.py.
"""
from __future__ import annotations

import re
from typing import Tuple

from lingkar.store.models import SOURCES

#: "kode agen K7M2QX", "kode agen saya: k7m2qx", "ag_K7M2QX" (an agent link's start parameter, pasted). Codes have
#: six characters (lingkar/store/base.py); five to sixteen are read, so "kode agen itu apa" has no code.
_CODE = re.compile(r"(?:\bkode\s*agen(?:nya)?(?:\s+(?:saya|sy|ku|aku|nya|adalah|yaitu|ialah|ini))*\s*[:=#-]?\s*"
                   r"|\bag_)([A-Za-z0-9]{5,16})\b", re.I)
#: Words that follow "kode agen" in a question, never a code.
_NOT_CODES = {"BERAPA", "DIMANA", "APAAN", "GIMANA", "BAGAIMANA", "KENAPA", "MENGAPA", "SIAPA", "KAPAN", "DAPAT",
              "BISAKAH", "DIBERIKAN", "DIKASIH", "PERISAI", "HILANG", "LUPA"}
_KEYWORDS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("agent", re.compile(r"\b(agen|perisai|kader)\b", re.I)),
    ("friend_family", re.compile(r"\b(teman|temen|tmn|kawan|kwn|sahabat|keluarga|saudara|sodara|tetangga|istri|"
                                 r"suami|anak|ortu|orang tua|bapak saya|ibu saya|kakak|adik|om|tante|paman|bibi|"
                                 r"rekan|teman kerja)\b", re.I)),
    ("bpjs_office", re.compile(r"\b(kantor bpjs|kantor cabang|petugas|dari bpjs\w*|dr bpjs\w*|orang bpjs\w*|"
                               r"di bpjs\w*|loket|sosialisasi|penyuluhan)\b", re.I)),
    ("social_media", re.compile(r"\b(medsos|media sosial|sosmed|facebook|fb|instagram|ig|tiktok|tik tok|youtube|yt|"
                                r"twitter|internet|google|online|iklan|grup wa|grup whatsapp|group wa|status wa|"
                                r"website|web)\b", re.I)),
    ("other", re.compile(r"\b(lainnya|yang lain|lain-lain|lupa|tidak tahu|ga tau|gak tau|nggak tau|tdk tau|entah|"
                         r"kebetulan|cari sendiri|spanduk|brosur|poster|radio|tv|televisi|koran)\b", re.I)),
)
_QUESTION = re.compile(r"\?|\b(apa|apakah|bagaimana|gimana|gmn|berapa|brp|kapan|kenapa|mengapa|bisakah|"
                       r"bolehkah|siapa|cara|caranya|syarat)\b", re.I)
#: Words of a statement about membership or a loss, not of where the worker heard of Lingkar ("beliau ikut bpjs tk
#: mandiri sejak 2021" after the question is still about the late father).
_STATEMENT = re.compile(r"\b(ikut|peserta|terdaftar|iuran\w*|meninggal|sejak|gaji\w*|umur)\b", re.I)
#: An answer is short: a longer message is a question or a story, not a pick from the list.
MAX_WORDS = 8


def read_code(text: str) -> str | None:
    """The agent code typed with "kode agen" (upper case), or None."""
    for m in _CODE.finditer(text or ""):
        code = m.group(1).upper()
        if code not in _NOT_CODES:
            return code
    return None


def read_source(text: str) -> Tuple[str | None, str | None]:
    """(source, agent code) read from a typed answer; (None, None) when it is not one (a question, a long
    message, nothing recognisable). A code alone means the agent."""
    t = " ".join((text or "").split())
    code = read_code(t)
    if code:
        return "agent", code
    if not t or t.startswith("/") or _QUESTION.search(t) or len(t.split()) > MAX_WORDS or _STATEMENT.search(t):
        return None, None
    for source, pattern in _KEYWORDS:
        if pattern.search(t):
            return source, None
    return None, None


def normalise_source(value: object) -> str | None:
    """A source key from a button's entity value, or None when it is not one."""
    v = str(value or "").strip().lower()
    return v if v in SOURCES else None
