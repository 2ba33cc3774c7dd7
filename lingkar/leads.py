"""Reading the answers to the lead and sponsor forms' questions, framework-free: yes/no (consent, "use this WhatsApp
number"), a name, a phone number, a NIK, a contact time, a donor kind, a number of workers, a sponsor's regency,
and what a contact request is for (its purpose: from the worker's words or the topic they were asking about).

The rasa-sdk forms that ask these questions live in actions/leads.py.
"""
from __future__ import annotations

import re
from typing import Iterable, Tuple

from lingkar import clock
from lingkar.eligibility import read_regency_answer
from lingkar.identity import check_phone, validate_nik
from lingkar.slots import INTERRUPT_CONFIDENCE, is_skip
from lingkar.texts import get_flow_texts

ALL_SULTRA = "all_sultra"

_YES = re.compile(r"^\s*(ya|iya|iy|y|yes|ok|oke|okey|okay|setuju|sy setuju|saya setuju|boleh|bersedia|siap|"
                  r"lanjut|gas|mau)\b", re.I)
_NO = re.compile(r"^\s*(tidak|tdk|gak|ga|nggak|ngga|enggak|engga|ndak|no|tolak|jangan|tidak setuju|"
                 r"ga setuju|gak setuju|nggak setuju|tidak mau|ga mau|gak mau)\b"
                 # "No HP sa 0813 ...", "no. wa 0812...": a number ("nomor"), not a no
                 r"(?!\.?\s*(hp|hape|handphone|telp|telpon|telepon|tlp|wa|whatsapp|rek\w*|ktp|nik|kpj|\d))", re.I)
_NAME_PREFIX = re.compile(r"^\s*(nama\s*(lengkap)?\s*(saya|sy|ku|aku)?|saya|sy|aku)\s*(adalah|:|,|-)?\s*", re.I)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?$")
#: Whole answers that are not names (greetings, yes/no, filler).
_NOT_A_NAME = re.compile(r"^\s*(halo|hallo|hai|hay|hi|hello|pagi|siang|sore|malam|selamat (pagi|siang|sore|malam)|"
                         r"assalamualaikum|assalamu'alaikum|salam|terima kasih|makasih|thanks|ok|oke|okay|ya|iya|"
                         r"tidak|bukan|min|kak|admin|test|tes|coba|nama|nama saya|apa|siapa)\s*[.!]*\s*$", re.I)
_CONTROL_WORDS = re.compile(r"^\s*(batal|batalkan|cancel|stop|berhenti|menu|tidak jadi|ga jadi|gak jadi|udahan|"
                            r"sudah|selesai|keluar)\s*[.!]*\s*$", re.I)
_PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s\-.()/]{5,}\d")
_NIK_CANDIDATE = re.compile(r"\d[\d\s.\-]*\d")
_TIME_WORDS = re.compile(r"\b(pagi|siang|sore|malam|kapan\s*(saja|aja|pun|pn)|bebas|terserah|sewaktu|jam|pukul|"
                         r"hari|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|libur|kerja|istirahat)\b", re.I)
_ANYTIME = re.compile(r"^\s*(kapan\s*(saja|aja|pun|pn)|bebas|terserah|kapanpun|sewaktu[- ]waktu)\s*[.!]*\s*$", re.I)
_DONOR_KINDS: Tuple[Tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(majikan|art|pembantu|prt|sopir pribadi|supir pribadi|pekerja rumah tangga)\b", re.I), "employer"),
    (re.compile(r"\b(pemerintah|pemda|pemkab|pemkot|pemprov|desa|dinas|kelurahan|dana desa|kecamatan)\b", re.I),
     "government"),
    (re.compile(r"\b(csr|tjsl)\b", re.I), "csr"),
    (re.compile(r"\b(perusahaan|pt|cv|bumn|bumd|korporasi|company|usaha|toko|pabrik|tambang|bank)\b", re.I), "csr"),
    (re.compile(r"\b(keluarga|family|saudara|orang tua|ortu|anak|kakak|adik)\b", re.I), "family"),
    (re.compile(r"\b(perorangan|pribadi|individu|saya sendiri|sendiri|perseorangan|personal)\b", re.I),
     "individual"),
    (re.compile(r"\b(lainnya|lain|yayasan|lembaga|organisasi|komunitas|masjid|gereja|ormas|koperasi)\b", re.I),
     "other"),
)
#: Not an answer to any question: hesitation, a bare greeting or a word too short to mean anything.
_FILLER = re.compile(r"^\s*(h+m+|e+h+|e+|a+h+|o+h+|ok|oke|hah|apa|halo|hai|p|\W*|\w{1,2})\s*[.!]*\s*$", re.I)
_ALL_SULTRA = re.compile(r"\b(seluruh|semua|se-?sultra|mana saja|mana aja|di mana saja|dimana saja|bebas|"
                         r"sulawesi tenggara|sultra)\b", re.I)
_NUMBER_WORDS = {"satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
                 "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000}


#: Registering another way at the consent question ("ok makasih, sa mo daftar lewat agen saja", "sy daftar sendiri
#: lwt jmo"): no agreement to our recording their data, whatever "ok" opens it.
_ELSEWHERE = re.compile(r"\b(daftar\w*|dftr|urus\w*)\b.*\b(lewat|lwt|via|ke|di|sama|sm)\s+(agen\w*|perisai|kantor\w*|"
                        r"jmo|aplikasi|app)\b|\b(daftar|dftr|urus)\s+sendiri\b", re.I)
_AGREES = re.compile(r"\b(setuju|bersedia|boleh|silakan|silahkan|lanjut\w*|hubungi)\b", re.I)


#: Help asked for in the same message ("bantu sy daftar lewat agen", "petugas hubungi sy").
_HELP_ASKED = re.compile(r"\b(bantu\w*|tolong|hubungi|dihubungi|telpon|telepon|ditelpon|petugas|daftarkan|"
                         r"didaftarkan|catat\w*)\b", re.I)


def registers_elsewhere(text: str) -> bool:
    """The worker will register by themselves another way ("Baik, nanti saya daftar lewat JMO saja", "sy daftar
    sendiri di kantor"): no contact request, whatever the NLU read, unless help is asked in the same breath."""
    return bool(_ELSEWHERE.search(text or "")) and not _AGREES.search(text or "") and not _HELP_ASKED.search(text or "")


def read_consent(text: str, intent: str | None, confidence: float) -> str | None:
    if _NO.match(text or "") or (intent == "deny" and confidence >= INTERRUPT_CONFIDENCE) \
            or (_ELSEWHERE.search(text or "") and not _AGREES.search(text or "")):
        return "no"
    if _YES.match(text or "") or (intent == "affirm" and confidence >= INTERRUPT_CONFIDENCE):
        return "yes"
    return None


def plain_yes_or_no(text: str) -> bool:
    """The message starts with a yes or a no word ("ya", "tidak setuju"), rather than only reading like one."""
    return bool(_YES.match(text or "") or _NO.match(text or ""))


def read_use_number(text: str, intent: str | None, confidence: float) -> str | None:
    """The answer to "Pakai nomor WhatsApp ini?": "yes", "no" or None (the buttons, or ya/tidak typed)."""
    t = (text or "").strip()
    if re.match(r"^\s*(nomor|no\.?|nmr)\s+(lain|lainnya|yang lain|beda)\b", t, re.I):
        return "no"
    return read_consent(t, intent, confidence)


def looks_like_phone(text: str) -> bool:
    """The message is a phone number (or mostly digits): never a name, nor a failed attempt at one."""
    t = re.sub(r"\s", "", text or "")
    digits = sum(c.isdigit() for c in t)
    return digits >= 6 and digits * 2 >= len(t)


def read_name(text: str) -> Tuple[str | None, bool]:
    """(name, looked_like_an_attempt). Digits or odd characters are a failed attempt; a question, or a phone
    number, is not one.

    Abbreviations and titles are accepted and kept as written ("Muh. Arifin", "H. La Ode Muh. Saleh", "Ir. Budi",
    "Drs. Hasan S.Pd", "Hj. Wa Ode Nurhayati, S.Pd."): it is the name the worker wants staff to use, and staff
    see it as typed."""
    t = " ".join((text or "").split())
    if not t or "?" in t or t.startswith("/") or _CONTROL_WORDS.match(t) or is_skip(t) or looks_like_phone(t):
        return None, False
    if _NOT_A_NAME.match(t):
        return None, True
    t = _NAME_PREFIX.sub("", t).strip(" .,:;-")
    words = t.split()
    if re.search(r"\d", t):
        return None, True
    if not words or len(words) > 6:
        return None, len(words) <= 6
    if not all(_NAME_WORD.match(w) for w in t.replace(",", " ").split()) or not 2 <= len(t) <= 80:
        return None, True
    if t == t.lower() or t == t.upper():
        t = " ".join(w[:1].upper() + w[1:].lower() for w in words)
    return t, True


#: "nama sa Amir", "nama lengkap saya Wa Ode Fitriani", "nama sy: Hendra": a name offered in a sentence.
_OFFERED_NAME = re.compile(r"\bnama\s*(lengkap\s*)?(saya|sy|sa|ku|aku|gue|gw)\s*(adalah|:|-)?\s*"
                           r"([^\W\d_][^\W\d_'’.\-]*)", re.I)


#: Words beside a phone number given with a name ("La Ode Rahman, no hp 0812-4455-7788", "Andi wa 0813…").
_PHONE_LABEL_END = re.compile(r"\b(?:(?:no|nomor|nomer|nmr|nomr)\b\.?\s*(?:hp|hape|handphone|telp\w*|tlp|wa|"
                              r"whatsapp)?|hp|hape|handphone|wa|whatsapp|telp\w*|tlp)\b\.?\s*(?:saya|sy|sa|ku|aku)?"
                              r"\s*[:\-]?\s*$", re.I)
_THANKS_TAIL = re.compile(r"\b(terima\s*kasih|trima\s*kasih|makasih|makasi|trims|thanks|tks|thx)\b.*$", re.I)
_JOINED_BY = re.compile(r"(\s+(dan|dgn|dengan)|[,;:\-])\s*$", re.I)


def read_name_and_phone(text: str) -> Tuple[str | None, str | None]:
    """A name and a mobile number in one answer ("La Ode Rahman, 0812-4455-7788", "Andi Pratama no hp 0813…,
    terima kasih"): (name, +62… number), or (None, None) when the message is not both."""
    t = text or ""
    m = _PHONE_CANDIDATE.search(t)
    if not m or "?" in t:
        return None, None
    phone, _ = read_phone(m.group(0))
    if not phone:
        return None, None
    before = _PHONE_LABEL_END.sub("", t[:m.start()].rstrip())  # "no hp", "wa" right before the number only
    rest = " ".join(_THANKS_TAIL.sub("", f"{before} {t[m.end():]}").split()).strip(" .,;:-")
    rest = _JOINED_BY.sub("", rest).strip(" .,;:-")
    name, _ = read_name(rest)
    return (name, phone) if name else (None, None)


#: "Ya, saya setuju. Nama saya Andi Pratama.": the name that follows the words "nama saya".
_NAME_GIVEN = re.compile(r"\bnama\s*(?:lengkap\s*)?(?:saya|sy|sa|ku|aku)\s*(?:adalah|:|-)?\s*(.+)$", re.I)


#: The consent that comes before a name and number ("boleh, sy setuju. sy Abdul Rahim, no hp 0821…"): up to its last
#: word of agreeing.
_AGREED_HEAD = re.compile(r"^.*\b(setuju|bersedia|boleh|silakan|silahkan|iya|iye|ya|ok|oke)\b[\s.,!;:-]*", re.I)
#: "sy Abdul Rahim, ..." : the pronoun before a name said without the word "nama".
_I_AM = re.compile(r"^(saya|sy|sa|aku)\s+(adalah\s+|ini\s+)?", re.I)


def details_given(text: str) -> dict:
    """The name (and phone number) a worker gives with the answer to another question ("iya setuju, nama sy
    Hasanudin", "setuju. nama saya Wa Ode Sari 0812…", "boleh, sy setuju. sy Abdul Rahim, no hp 0821 4455 7788"):
    {"name": …, "phone": …}, each only when read cleanly; without the word "nama", only a name written with capitals
    beside a number."""
    if not offered_name(text):
        said = " ".join((text or "").split())
        head = _AGREED_HEAD.match(said)
        rest = _I_AM.sub("", said[head.end():] if head else "")
        name, phone = read_name_and_phone(rest) if head and rest else (None, None)
        written = bool(name) and name in rest and all(w[:1].isupper() for w in name.split())
        return {"name": name, "phone": phone} if written else {}  # "sy tunggu telpon di 0812…" is no name
    m = _NAME_GIVEN.search(" ".join((text or "").split()))
    if not m:
        return {}
    rest = _THANKS_TAIL.sub("", m.group(1)).strip(" .,;:-")
    name, phone = read_name_and_phone(rest)
    if name:
        return {"name": name, "phone": phone}
    name, _ = read_name(rest)
    return {"name": name} if name else {}


def offered_name(text: str) -> bool:
    """The message offers the worker's own name ("nama sa Amir, umur 47") rather than asking about names ("nama
    sy salah di kartu, gmn?" asks; so does any question)."""
    t = text or ""
    m = _OFFERED_NAME.search(t)
    if not m or "?" in t:
        return False
    word = m.group(4).lower()
    return word not in {"salah", "beda", "berbeda", "keliru", "tidak", "tdk", "ndak", "nda", "gak", "ga", "belum",
                        "blm", "sudah", "sdh", "di", "dan", "sama", "tertulis", "ada", "kok", "yang", "yg", "ganti"}


def offered_phone(text: str) -> bool:
    """The message gives a mobile number ("no wa sy 0853-4210-7789") rather than asking about one."""
    t = text or ""
    return "?" not in t and read_phone(t)[0] is not None


def read_phone(text: str) -> Tuple[str | None, str | None]:
    """(+62… number, None) or (None, Indonesian message) or (None, None) when there is no number at all."""
    if not re.search(r"\d", text or ""):
        return None, None
    m = _PHONE_CANDIDATE.search(text)
    check = check_phone(m.group(0) if m else text)
    if check.ok:
        return check.e164, None
    return None, check.message


def read_nik(text: str, age: int | None) -> Tuple[str | None, str | None]:
    """(16-digit NIK, None), (None, what is wrong) or (None, None) when there are no digits."""
    if not re.search(r"\d", text or ""):
        return None, None
    m = max(_NIK_CANDIDATE.findall(text), key=len, default=text)
    check = validate_nik(m, age=age, today=clock.today())
    if check.ok:
        return check.nik, None
    return None, check.message


def read_contact_time(text: str) -> str | None:
    t = " ".join((text or "").split()).strip(" .!")
    if not t or "?" in t or len(t) > 60 or t.startswith("/"):
        return None
    if _ANYTIME.match(t):
        return get_flow_texts().label("contact_time", "anytime")
    return t if _TIME_WORDS.search(t) else None


def read_donor_kind(text: str) -> str | None:
    for pattern, kind in _DONOR_KINDS:
        if pattern.search(text or ""):
            return kind
    return None


def read_count(text: str) -> int | None:
    """A number of workers: "10", "10 orang", "sepuluh", "dua puluh", "lima belas"."""
    m = re.search(r"\d[\d.]*", text or "")
    if m:
        try:
            return int(m.group(0).replace(".", ""))
        except ValueError:
            return None
    words = re.findall(r"[a-z]+", (text or "").lower())
    total, current = 0, None
    for w in words:
        if w in _NUMBER_WORDS:
            current = (current or 0) + _NUMBER_WORDS[w]
        elif w == "belas" and current is not None:
            current += 10
        elif w == "puluh" and current is not None:
            current *= 10
        elif w == "ratus" and current is not None:
            total += current * 100
            current = None
        elif w == "ribu" and current is not None:
            total = (total + current) * 1000
            current = None
    if current is None and total == 0:
        return None
    return total + (current or 0)


def read_sponsor_regency(text: str) -> str | None:
    reg = read_regency_answer(text)
    if reg:
        return reg
    if _ALL_SULTRA.search(text or ""):
        return get_flow_texts().labels["words"][ALL_SULTRA]
    return None


# ------------------------------------------------------------------------------------------------ purpose
#: What the worker's own words say the request is for, checked in this order (lingkar.store.LEAD_PURPOSES).
_PURPOSE_WORDS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("employer_not_registering", re.compile(
        r"\b(perusahaan|kantor|pabrik|bos|boss|majikan|atasan|pemberi kerja|tempat kerja|toko|pt|cv)\b.{0,40}"
        r"\b(tidak|tdk|tida|gak|ga|gk|nggak|ngga|ndak|nda|belum|blm|enggan|ogah)\b.{0,25}"
        r"\b(daftar\w*|ikut\w*|bayar\w*|setor\w*|mendaftarkan)\b|"
        r"\b(tidak|tdk|gak|ga|belum|blm|nggak|ndak|nda)\s+(di)?daftar(kan|in)?\s+(oleh|sama|sm|dari)\s+"
        r"(perusahaan|kantor|pabrik|bos|majikan|atasan)\b|"
        r"\bpotong\w*\s+gaji\b.{0,40}\b(tidak|tdk|gak|ga|belum)\b.{0,20}\b(bayar|setor|daftar)\w*", re.I)),
    ("heir_claim", re.compile(
        r"\b(meninggal|almarhum\w*|almh|alm|wafat|mendiang|ahli\s*waris|ahliwaris|kematian|berpulang)\b", re.I)),
    ("reactivation", re.compile(
        r"\b(tunggak\w*|nunggak|menunggak|nonaktif|non\s*aktif|tidak aktif|tdk aktif|gak aktif|ga aktif|"
        r"aktif(kan)?\s+(lagi|kembali)|telat\s+bayar|lama\s+(tidak|tdk|gak|ga|nggak|ndak|nda)\s+bayar|"
        r"berhenti\s+bayar|putus\s+bayar|(tidak|tdk|gak|ga|nggak|ndak|nda|belum)\s+bayar\s+lagi)\b", re.I)),
    ("agent", re.compile(r"\b(jadi|menjadi|daftar|mendaftar)\s+(agen|perisai)\b|\bagen\s+perisai\b|^\s*agen\s*$",
                         re.I)),
    ("sponsorship", re.compile(r"\b(gn\s*lingkaran|lingkaran|dibayari|membayari|sponsor\w*|donatur|csr)\b", re.I)),
    ("registration", re.compile(r"\b(daftar\w*|mendaftar|pendaftaran|jadi peserta|ikut bpjs|ikut jadi)\b", re.I)),
    ("other", re.compile(r"^\s*(lain|lainnya|yang lain|lain-lain|lain lain)\s*[.!]*\s*$", re.I)),
)
#: The topic (intent) the worker was asking about before "hubungi saya" -> what the request is for. A topic not
#: listed here says nothing clear: the lead form then asks (docs/intents.md).
TOPIC_PURPOSES = {
    "ask_claim_jkm": "heir_claim",
    "ask_scholarship": "heir_claim",
    "ask_late_payment": "reactivation",
    "ask_employer_not_registering": "employer_not_registering",
    "sponsor_offer": "sponsorship",
    "ask_gn_lingkaran": "sponsorship",
    "cannot_afford": "sponsorship",
    "ask_agent": "agent",
    **{t: "registration" for t in ("ask_register", "ask_who_can_join", "check_eligibility", "ask_documents",
                                   "ask_contribution_bpu", "ask_contribution_pu", "ask_discount", "ask_programs",
                                   "ask_payment", "ask_construction", "ask_migrant", "ask_jkk", "ask_jkk_commute",
                                   "ask_jkm", "ask_jht", "ask_jp", "ask_jkp")},
}
#: Topics after which words of a death make the request a claim for heirs ("JHT suami saya yang meninggal").
_CLAIM_TOPICS = frozenset({"ask_claim_jht", "ask_claim_jkm", "ask_claim_jkk", "ask_jht", "ask_jkm", "ask_jkk",
                           "ask_scholarship", "ask_jp", "ask_balance", "request_contact"})
#: Intents of turns that carry no topic of their own (small talk, form answers, the request itself).
_NO_TOPIC = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "menu", "cancel", "bot_challenge", "inform",
                       "nlu_fallback", "out_of_scope", "request_contact", "human_handoff", "my_data",
                       "delete_my_data", "ask_source", "ask_naming", "ask_contact"})


def purpose_in_words(text: str) -> str | None:
    """The purpose the worker's own words name ("bos saya tidak mau daftarkan", "klaim jkm almarhum bapak",
    "sudah lama tidak bayar"), or None."""
    for purpose, pattern in _PURPOSE_WORDS:
        if purpose != "other" and pattern.search(text or ""):
            return purpose
    return None


def purpose_from_conversation(turns: Iterable[Tuple[str | None, str]]) -> str | None:
    """What a contact request is for, from the user turns newest first (``(intent, text)``; the request itself
    first): the request's own words, else the newest earlier turn that has a topic (its words, then its intent).
    None when that says nothing clear (the lead form asks)."""
    for intent, text in turns:
        words = purpose_in_words(text)
        if words == "heir_claim" and intent not in _CLAIM_TOPICS and intent not in _NO_TOPIC:
            words = None  # "kematian" in a question about something else is no claim of heirs
        if words:
            return words
        if intent and intent not in _NO_TOPIC:
            return TOPIC_PURPOSES.get(intent)
    return None


def read_purpose(text: str) -> str | None:
    """The answer to "Perlu bantuan apa?": a button (its payload is its title) or the worker's own words; other
    words of the worker's own ("mau tanya soal kartu") are ``other`` (staff ask on the call). A question is no
    answer (it is answered, and the question asked again); a bare yes/no is unclear (None)."""
    t = " ".join((text or "").split())
    if not t or "?" in t or t.startswith("/") or _CONTROL_WORDS.match(t) or is_skip(t):
        return None
    for purpose, pattern in _PURPOSE_WORDS:
        if pattern.search(t):
            return purpose
    if (_YES.match(t) or _NO.match(t)) and len(t.split()) <= 2 or _FILLER.match(t):
        return None
    return "other" if re.search(r"[^\W\d_]{2,}", t) and len(t) <= 200 else None
