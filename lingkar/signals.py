"""What a worker's message says besides its topic (content/signals.yml): a feeling to acknowledge first, a scam
question, whether the message is about the worker, a question for another office; and, for choosing the topic, the
topic a message names by its own words (``named_topic``) and the words a topic needs (``topic_allowed``). Pure text
rules, no framework.

    read_signals("suami sa baru meninggal bulan lalu, bisa klaim apa?")  # Signals(feeling="grief", scam=False, ...)
    read_signals("kalau peserta meninggal dapat berapa?").feeling        # None: a "what if", about nobody
    named_topic("ask_documents", "syarat jkp apa saja?")                 # "ask_jkp"
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Tuple

import yaml

from lingkar import config

#: The order in which feelings are acknowledged when a message has several: a death outweighs an accident, and
#: worry or hardship outweighs anger.
FEELINGS = ("grief", "accident", "shame", "distress", "anger", "unsure", "joy")
#: The feelings that are a state of mind rather than an event: felt now even beside a "what if".
MOODS = ("shame", "distress", "anger", "unsure", "joy")
#: Good news told ("sdh cair", "sdh masuk", "diterima kuliah"): it outweighs a loss told beside it.
_GOOD_NEWS = re.compile(r"\b(cair|sdh masuk|sudah masuk|udah masuk|diterima|lulus|selesai|berhasil|lancar|boleh pulang|"
                        r"sdh pulang|sudah pulang|sudah sembuh|sdh sembuh|udah sembuh|sembuh total)\b", re.I)
#: Distress words that, beside a phrase of shame, are that shame ("sy malu mau tanya").
_SHAME_WORDS = frozenset({"malu", "minder"})
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
#: Illnesses in the distress words that, told with a death, are its cause rather than a worry of their own.
_CAUSES_OF_DEATH = frozenset({"sakit keras", "sakit parah", "stroke", "kanker", "sakit-sakitan", "sakit2an",
                              "terbaring"})
_SUFFIX = re.compile(r"-(nya|ku|mu|lah|kah|pun|ji|mi|pi)\b")
#: Where one clause of a message ends and the next begins (a "what if" counts in its own clause only): sentence
#: marks, and a comma before a "what if" word ("sa punya 2 anak masih SD, kalo amit2 sa meninggal ...").
#: Sentences (a feeling that opens one is the writer's own).
_SENTENCE = re.compile(r"[.?!;\n]+")
_CLAUSE = re.compile(r"[.?!;\n]+|,(?=\s*(?:kalau|klo|kalo|kl|kalu|jika|bila|apabila|seandainya|andai|misal\w*|"
                     r"umpama|semisal|nanti|amit\S*|takut|khawatir|kuatir|cemas|tiap|setiap)\b)", re.I)


@dataclass(frozen=True)
class Signals:
    #: "grief", "accident", "shame", "distress", "anger", "unsure", "joy" or None
    feeling: str | None
    #: the message asks about a request for money / a PIN / a too-good offer
    scam: bool
    #: the message speaks of the worker (first person) or their family
    personal: bool
    #: a question mark or a question word
    question: bool
    #: a question for another office (content/signals.yml, referrals): "loan", "medicine", ... or None
    referral: str | None = None
    #: a second feeling the message also shows ("klaim jkm almarhum ayah blm ada kabar ... kita ini org susah!!")
    also: str | None = None
    #: a worry about the worker's own personal data ("nomor hp? buat apa?", "jgn disebar ya"), not a scam question
    privacy: bool = False
    #: a request for other people's data or the bot's own instructions ("cek saldo NIK ... punya sodara sy")
    others_data: bool = False
    #: a worry about giving one's data to a channel elsewhere ("takut daftar online, NIK dicuri; lewat mana yg aman?")
    channel_worry: bool = False


@dataclass(frozen=True)
class _Lexicon:
    feelings: Dict[str, FrozenSet[str]]
    person: FrozenSet[str]
    family: FrozenSet[str]
    hypothetical: FrozenSet[str]
    happened: FrozenSet[str]
    inquiry: FrozenSet[str]
    scam_strong: FrozenSet[str]
    scam_money: FrozenSet[str]
    scam_contact: FrozenSet[str]
    scam_loan: FrozenSet[str] = frozenset()
    scam_offer: FrozenSet[str] = frozenset()
    referrals: Tuple[Tuple[str, FrozenSet[str]], ...] = ()
    scam_not: Tuple[str, ...] = ()
    named: Tuple[Tuple[str, FrozenSet[str]], ...] = ()
    named_over: FrozenSet[str] = frozenset()
    other_agency: FrozenSet[str] = frozenset()
    health: FrozenSet[str] = frozenset()
    requires: Dict[str, Tuple[FrozenSet[str], ...]] = field(default_factory=dict)
    privacy_strong: FrozenSet[str] = frozenset()
    privacy_data: FrozenSet[str] = frozenset()
    privacy_concern: FrozenSet[str] = frozenset()
    privacy_elsewhere: FrozenSet[str] = frozenset()
    others_strong: FrozenSet[str] = frozenset()
    others_data: FrozenSet[str] = frozenset()
    others_owner: FrozenSet[str] = frozenset()
    others_own: FrozenSet[str] = frozenset()
    others_status: FrozenSet[str] = frozenset()
    others_relative: FrozenSet[str] = frozenset()
    others_lookup: FrozenSet[str] = frozenset()
    named_over_check: Tuple[Tuple[str, FrozenSet[str]], ...] = ()
    named_narrow: FrozenSet[str] = frozenset()
    not_employee: FrozenSet[str] = frozenset()
    #: words only a payer for others uses; who speaks as one (content/signals.yml ``sponsor``)
    sponsor_offer: FrozenSet[str] = frozenset()
    sponsor_payer: FrozenSet[str] = frozenset()
    #: a programme or rule named with a feeling's word ("potongan utk kecelakaan dan kematian"): no feeling
    feelings_not: Tuple[str, ...] = ()


def _set(items: Iterable[str] | None) -> FrozenSet[str]:
    return frozenset(str(i).lower().strip() for i in items or [])


@lru_cache(maxsize=4)
def _load(path: str) -> _Lexicon:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    scam = data.get("scam") or {}
    privacy = data.get("privacy") or {}
    others = data.get("others_data") or {}
    sponsor = data.get("sponsor") or {}
    return _Lexicon(feelings={k: _set(v) for k, v in (data.get("feelings") or {}).items()},
                    person=_set(data.get("person")), family=_set(data.get("family")),
                    hypothetical=_set(data.get("hypothetical")), happened=_set(data.get("happened")),
                    inquiry=_set(data.get("inquiry")), scam_strong=_set(scam.get("strong")),
                    scam_money=_set(scam.get("money")), scam_contact=_set(scam.get("contact")),
                    scam_loan=_set(scam.get("loan")), scam_offer=_set(scam.get("offer")),
                    scam_not=tuple(sorted(_set(scam.get("not")), key=len, reverse=True)),
                    referrals=tuple((k, _set(v)) for k, v in (data.get("referrals") or {}).items()),
                    named=tuple((k, _set(v)) for k, v in (data.get("named") or {}).items()),
                    named_over=_set(data.get("named_over")), other_agency=_set(data.get("other_agency")),
                    health=_set(data.get("health")),
                    requires={k: tuple(_set(g) for g in v) for k, v in (data.get("requires") or {}).items()},
                    privacy_strong=_set(privacy.get("strong")), privacy_data=_set(privacy.get("data")),
                    privacy_concern=_set(privacy.get("concern")), privacy_elsewhere=_set(privacy.get("elsewhere")),
                    others_strong=_set(others.get("strong")), others_data=_set(others.get("data")),
                    others_owner=_set(others.get("owner")), others_own=_set(others.get("own")),
                    others_status=_set(others.get("status")), others_relative=_set(others.get("relative")),
                    others_lookup=_set(others.get("lookup")),
                    named_over_check=tuple((k, _set(v)) for k, v in (data.get("named_over_check") or {}).items()),
                    named_narrow=_set(data.get("named_narrow")), not_employee=_set(data.get("not_employee")),
                    sponsor_offer=_set(sponsor.get("offer")), sponsor_payer=_set(sponsor.get("payer")),
                    feelings_not=tuple(sorted(_set(data.get("feelings_not")), key=len, reverse=True)))


def lexicon_path(content_dir: Path | None = None) -> Path:
    return Path(content_dir or config.CONTENT_DIR) / "signals.yml"


def _words(text: str) -> Tuple[str, ...]:
    # "KIS-nya", "JHT-ku", "benar-kah": the word without its hyphenated suffix
    return tuple(_WORD.findall(_SUFFIX.sub("", (text or "").lower())))


def _has(words: Tuple[str, ...], joined: str, entries: Iterable[str]) -> bool:
    for e in entries:
        if e.endswith("*"):  # a prefix: "keberat*" is keberatan, keberatannya
            if any(w.startswith(e[:-1]) for w in words) or (" " in e and f" {e[:-1]}" in joined):
                return True
        elif " " in e:
            if f" {e} " in joined:
                return True
        elif e in words:
            return True
    return False


def mentions(text: str, entries: Iterable[str]) -> bool:
    """True when ``text`` has one of ``entries``: whole words, lower-cased; an entry with a space is a phrase, one
    ending in ``*`` a prefix ("batas*" is batas, batasnya)."""
    words = _words(text)
    return _has(words, f" {' '.join(words)} ", entries)


def sponsor_offer_words(text: str, content_dir: Path | None = None) -> bool:
    """Words only someone paying other workers' contributions uses ("mau jadi donatur", "dana CSR"; content/signals.yml
    ``sponsor.offer``)."""
    return mentions(text, _load(str(lexicon_path(content_dir))).sponsor_offer)


def speaks_as_sponsor(text: str, content_dir: Path | None = None) -> bool:
    """The message speaks as a payer for others: an offer's words, or a village, a regency, public money, a
    congregation or GN Lingkaran ("Pemkab mau tanggung 1.200 nelayan", "sa pengurus masjid"; ``sponsor``)."""
    lex = _load(str(lexicon_path(content_dir)))
    return mentions(text, lex.sponsor_offer) or mentions(text, lex.sponsor_payer)


_QUESTION = frozenset({"apa", "apakah", "bagaimana", "gimana", "gmn", "berapa", "brp", "kapan", "kenapa", "mengapa",
                       "knp", "bisa", "bisakah", "boleh", "dimana", "mana", "siapa", "cara", "caranya", "kah", "ka",
                       "ji", "benar", "betul", "bs", "dapat", "dpt", "ada", "berapami", "bisaji", "adaji"})


#: A NIK as people type it: 16 digits, maybe in groups ("7471020000003344", "7471 0200 0000 3344").
NIK_NUMBER = re.compile(r"(?<![\dx*])\d(?:[ .-]?\d){15}(?![\d])|"
                        # a NIK with its last digits masked ("7471xxxxxxxxxxxx", "7471 02** ****")
                        r"(?<![\w*])\d{4}(?:[ .-]?[\dx*]){12}(?![\w*])", re.I)


#: How close a data word and another person must be to ask for that person's data ("cek data bpjs tk tetangga sy";
#: not "saldo sy 25 juta ... teman sy bisa klaim").
OTHERS_SPAN = 4


#: Where or how to get a civil record that a claim asks for ("Akta kematian itu bikinnya di mana?", "... diminta akta
#: kematian. Itu bikinnya di mana?"): Dukcapil's.
_CIVIL_DOCUMENT = re.compile(
    r"\bakta\s+(?:kematian|kelahiran|nikah|cerai)\w*\b[^?!]{0,60}?\b(?:di ?mana|dmn|ke ?mana|kmn|bikin\w*|buat\w*|"
    r"urus\w*|belum ada|blm ada|tdk ada|tidak ada|dapat\w* dari|dpt dari|caranya|gimana|bagaimana)\b"
    r"|\b(?:bikin|membuat|buat|urus|mengurus)\w*\s+akta\b"
    # "KTP sy hilang kemarin di pasar, urusnya di mana?", "KK rusak, bikin baru di mana?"
    r"|\b(?:ktp|e-?ktp|kk|kartu keluarga)\s+(?:sy|saya|sa|aku|ku)?\s*(?:hilang|rusak|patah|dicuri|kececer|tercecer|"
    r"salah)\b|\b(?:ktp|kk)\w*\s+(?:baru|hilang)\b[^?!]{0,30}?\b(?:di ?mana|dmn|ke ?mana|kmn|urus\w*|bikin\w*)\b",
    re.I)


def _near(words: Tuple[str, ...], first: Iterable[str], second: Iterable[str], span: int) -> bool:
    """An entry of ``first`` and one of ``second`` within ``span`` words of each other (phrases count by their
    first word)."""
    def at(entries: Iterable[str]) -> List[int]:
        found = []
        for i in range(len(words)):
            rest = " ".join(words[i:i + 4])
            if any(rest == e or rest.startswith(e + " ") for e in entries):
                found.append(i)
        return found
    return any(abs(i - j) <= span for i in at(first) for j in at(second))


#: A road accident on the job or the way to and from it (an ojol delivering, a courier, going to work).
_AT_WORK = re.compile(r"\b(antar|mengantar|ngantar)\s+(pesanan|makanan|penumpang|paket|barang|orderan|order)\b|"
                      r"\b(waktu|saat|pas|sedang|lagi)\s+(kerja|bekerja|narik|antar|mengantar|ngojek|dinas)\b|"
                      r"\b(pulang|pergi|berangkat)\s+(kerja|ke tempat kerja)\b", re.I)


#: The words before a person word that make it a possessive ("tetangga sy jatuh": the neighbour fell).
_OWNERS = frozenset({"tetangga", "teman", "kawan", "sepupu", "saudara", "sodara", "rekan", "bos", "majikan"})


def _own_accident(words: Tuple[str, ...], lex: Any) -> bool:
    """A person word with an accident word within the next three words, the person not someone's ("sa ditabrak
    mobil", not "tetangga sy jatuh")."""
    accident = lex.feelings.get("accident", frozenset())
    for i, w in enumerate(words):
        if w in lex.person and not (i and (words[i - 1] in _OWNERS or words[i - 1] in lex.family)):
            nxt = words[i + 1:i + 4]
            if _has(nxt, f" {' '.join(nxt)} ", accident):
                return True
    return False


def accident_supposed(text: str, content_dir: Path | None = None) -> bool:
    """A "what if" with an accident's word ("kalau sy jatuh dari lantai 3?", "klo kena mesin pas kerja?"): a question
    about what an accident would bring, not one that happened (no feeling to acknowledge)."""
    lex = _load(str(lexicon_path(content_dir)))
    words = _words(text)
    joined = f" {' '.join(words)} "
    return _has(words, joined, lex.hypothetical) and _has(words, joined, lex.feelings.get("accident", frozenset())) \
        and not _has(words, joined, lex.feelings_not)


def at_work(text: str) -> bool:
    """A road accident on the job or on the way to or from it ("waktu antar pesanan", "pulang kerja")."""
    return bool(_AT_WORK.search(text or ""))


def _without(text: str, phrases: Tuple[str, ...]) -> str:
    """``text`` lower-cased with the whole-word ``phrases`` left out."""
    kept = f" {' '.join(_words(text))} "
    for phrase in phrases:
        kept = kept.replace(f" {phrase} ", " ")
    return kept


#: A web address ("cek-bsu2026.com", "bpjs-cair.xyz"), BPJS Ketenagakerjaan's own, and a question whether one is real.
_WEB_ADDRESS = re.compile(r"\b[\w-]+(\.[\w-]+)*\.(com|net|xyz|info|id|site|online|org|link|click|top|biz|vip|app|web)"
                          r"\b", re.I)
_OWN_ADDRESS = re.compile(r"\bbpjsketenagakerjaan\.go\.id\b", re.I)
_CHECKED = re.compile(r"\b(resmi|asli|benar|bener|beneran|aman|palsu|penipuan|valid)\w*\b", re.I)


def read_signals(text: str, content_dir: Path | None = None) -> Signals:
    lex = _load(str(lexicon_path(content_dir)))
    # "potongan itu utk kecelakaan dan kematian" names programmes, not a loss: felt words are read without them
    felt_text = " . ".join(_without(c, lex.feelings_not) for c in _CLAUSE.split((text or "").lower())) \
        if lex.feelings_not else (text or "")
    felt_words = _words(felt_text)
    words = _words(text)
    joined = f" {' '.join(words)} "
    family = _has(words, joined, lex.family)
    personal = _has(words, joined, lex.person) or family
    happened = _has(words, joined, lex.happened)
    inquiry = _has(words, joined, lex.inquiry)
    hypothetical = _has(words, joined, lex.hypothetical) and not happened
    if family or (personal and not inquiry):
        about_someone = True
    else:  # no family word: it must say it happened, and not read as a question about the rules in general, unless
        # the worker tells it of themselves ("Minggu lalu sa ditabrak mobil ... Yang sa mau tanya, biaya rumah sakitnya
        # siapa yang tanggung?"), not of a neighbour ("tetangga sy jatuh dr perahu")
        about_someone = happened and (not inquiry or _own_accident(words, lex))
    # "sy capek skali ... cuma mau tanya", "sy takut pak ... nanti sy dipecat": the worker's own distress or anger,
    # said of themselves (a person word, then the feeling within three words), is felt now, whatever "what if" follows
    own = next((f for f in ("distress", "anger") for i, w in enumerate(felt_words) if w in lex.person
                and _has(felt_words[i + 1:i + 4], f" {' '.join(felt_words[i + 1:i + 4])} ",
                         lex.feelings.get(f, frozenset()))), None)
    # "takut tua nanti ga punya apa2", "Sedih skali sa ...": a sentence that opens with the feeling is the worker's own
    own = own or next((f for f in ("distress", "anger") for ws in map(_words, _SENTENCE.split(felt_text))
                       if ws and _has(ws[:1], f" {ws[0]} ", lex.feelings.get(f, frozenset()))), None)
    found: List[str] = []
    if about_someone and not hypothetical:
        # each feeling in a clause that is not itself a "what if" ("tahun lalu tetangga digigit ular ... Kalau nanti
        # sa meninggal karena sakit biasa, istri dapat berapa?" offers no condolences)
        clauses = [_words(c) for c in _CLAUSE.split(felt_text.lower())]
        felt = [c for c in clauses if not (_has(c, f" {' '.join(c)} ", lex.hypothetical)
                                           and not _has(c, f" {' '.join(c)} ", lex.happened))]
        found = [f for f in FEELINGS if any(_has(c, f" {' '.join(c)} ", lex.feelings.get(f, frozenset()))
                                            for c in felt)]
    if personal:
        # the worker's own state of mind (worry, anger, doubt, relief) is felt now wherever it stands, beside a
        # question or a "what if" too ("kadang tdk bisa tidur mikirin nanti tua", "sakit hati sy, kemana uang sy?")
        felt_joined = f" {' '.join(felt_words)} "
        found += [f for f in MOODS
                  if f not in found and _has(felt_words, felt_joined, lex.feelings.get(f, frozenset()))]
    if own and own not in found:
        found.append(own)
    found.sort(key=FEELINGS.index)
    if "grief" in found and "distress" in found and not _has(
            felt_words, f" {' '.join(felt_words)} ", lex.feelings.get("distress", frozenset()) - _CAUSES_OF_DEATH):
        found.remove("distress")  # "beliau meninggal krn stroke": the illness caused the loss, no worry of its own
    if own and found[0] in MOODS and found[0] != own:
        # "kesal sy, katanya diskon tp sy tetap ditagih ...": the feeling the worker opens with, said of themselves,
        # before another state of mind the message shows (a loss or an accident still comes first)
        found.remove(own)
        found.insert(0, own)
    if "joy" in found and {"grief", "accident", "distress", "anger"} & set(found) and _GOOD_NEWS.search(text or ""):
        # "Alhamdulillah santunan almarhum bapak sdh masuk", "senang sekali sy diterima kerja lagi stlh 4 bulan
        # nganggur", "alhamdulillah jht sy akhirnya cair stlh bolak balik urus": the good news first, the loss or the
        # hard time was before
        found.remove("joy")
        found.insert(0, "joy")
    if "shame" in found and found[0] in MOODS:
        # "Malu sy mau tanya ...", "Sy malu mengakuinya ...": the shame of asking, whose words are also distress's
        found.remove("shame")
        found.insert(0, "shame")
        if "distress" in found and not _has(felt_words, f" {' '.join(felt_words)} ",
                                            lex.feelings.get("distress", frozenset()) - _SHAME_WORDS):
            found.remove("distress")  # no worry of its own beside the shame
    feeling = found[0] if found else None
    also = found[1] if len(found) > 1 else None
    if lex.scam_not:  # a feeling ("merasa ditipu sama perusahaan") is not a scam question
        kept = joined
        for phrase in lex.scam_not:
            kept = kept.replace(f" {phrase} ", " ")
        words, joined = tuple(kept.split()), kept
    scam = _has(words, joined, lex.scam_strong) or (
        _has(words, joined, lex.scam_money) and _has(words, joined, lex.scam_contact)) or (
        _has(words, joined, lex.scam_loan) and _has(words, joined, lex.scam_offer))
    # a web address that is not BPJS Ketenagakerjaan's, asked about ("website cek-bsu2026.com itu resmi kah?")
    scam = scam or bool(_WEB_ADDRESS.search(text or "") and not _OWN_ADDRESS.search(text or "")
                        and _CHECKED.search(text or ""))
    question = "?" in (text or "") or any(w in _QUESTION for w in words)
    referral = next((name for name, entries in lex.referrals if _has(words, joined, entries)), None)
    if referral is None and _CIVIL_DOCUMENT.search(text or ""):
        referral = "civil_registry"  # "Akta kematian suami sy belum ada, di Rumbia urusnya ke mana?"
    if referral == "traffic" and _AT_WORK.search(text or ""):
        referral = None  # "ditabrak mobil waktu antar pesanan": on the job, so JKK's, not Jasa Raharja's alone
    if referral == "debt":
        scam = False  # "pinjol terus telpon tagih utang sy": a debt collected, whose answer warns of OTPs itself
    worry = _has(words, joined, lex.privacy_strong) or (
        _has(words, joined, lex.privacy_data) and _has(words, joined, lex.privacy_concern))
    elsewhere = _has(words, joined, lex.privacy_elsewhere)
    privacy = not scam and not elsewhere and worry
    others = not _has(words, joined, lex.others_own) and (
        _has(words, joined, lex.others_strong) or _near(words, lex.others_data, lex.others_owner, OTHERS_SPAN)
        or _near(words, lex.others_status, lex.others_owner | lex.others_relative, OTHERS_SPAN)
        or bool(NIK_NUMBER.search(text or "")) and _has(words, joined, lex.others_lookup))
    return Signals(feeling=feeling, also=also, scam=scam, personal=personal, question=question, referral=referral,
                   privacy=privacy and not others, others_data=others,
                   channel_worry=not scam and not others and elsewhere and worry)


def question_part(text: str) -> str:
    """The sentences of ``text`` that ask (those ending in "?"), or the whole text when none does."""
    asked = [m.group(0) for m in re.finditer(r"[^.?!\n]*\?", text or "")]
    return " ".join(asked) if asked else (text or "")


#: A question about what something costs ("iuran jp sy brp?"): the check's, not a programme's.
_COST = re.compile(r"\b(iuran\w*|bayar\w*|biaya\w*|potong\w*)\b.*\b(brp|berapa\w*)\b|"
                   r"\b(brp|berapa\w*)\b.*\b(iuran\w*|bayar\w*|biaya\w*|potong\w*)\b", re.I | re.S)


def programme_over_check(text: str, content_dir: Path | None = None) -> str | None:
    """The wage earners' programme a self-description's question names (``named_over_check``): "sa petani ...,
    bisaji ikut jaminan pensiun kah?" is about JP. Only sentences that ask, exactly one programme, no cost question."""
    lex = _load(str(lexicon_path(content_dir)))
    if not text or text.startswith("/"):
        return None
    asked_text = question_part(text)
    if "?" not in text and not re.search(r"\bkah\b", text, re.I):
        return None
    if _COST.search(asked_text):
        return None
    asked = _words(asked_text)
    joined = f" {' '.join(asked)} "
    found = [name for name, entries in lex.named_over_check if _has(asked, joined, entries)]
    return found[0] if len(found) == 1 else None


#: "tra pernah telat bayar", "tidak pernah nunggak": what never happened names no topic.
_NEVER = re.compile(r"\b(tidak|tdk|tra|tak|gak|nggak|ga|belum|blm|tida|nda|ndak)\s+pernah(\s+\w+){1,2}", re.I)


def named_topic(intent: str | None, text: str, content_dir: Path | None = None) -> str | None:
    """The topic ``text`` names by its own words (content/signals.yml ``named``) when it should replace ``intent``:
    ``intent`` is a general one, or a named topic whose words the message lacks; exactly one topic named."""
    lex = _load(str(lexicon_path(content_dir)))
    if not text or text.startswith("/"):
        return None
    words = _words(text)
    joined = f" {' '.join(words)} "
    asked = _words(question_part(text))
    if _has(asked, f" {' '.join(asked)} ", lex.other_agency):  # another agency: BPJS Kesehatan's answer over a
        # general topic, when the question names it ("habis banyak uang di puskesmas ... Berapa iuran kami?" does not)
        return "ask_health" if intent in lex.named_over and _has(words, joined, lex.health) else None
    kept = _NEVER.sub(" ", text)  # "tra pernah telat bayar" names no late payment
    if kept != text:
        words = _words(kept)
        joined = f" {' '.join(words)} "
    found = [name for name, entries in lex.named if _has(words, joined, entries)]
    if len(found) != 1 or found[0] == intent:
        return None
    own = None if intent in lex.named_narrow else dict(lex.named).get(intent or "")
    if intent in lex.named_over or (own is not None and not _has(words, joined, own)):
        return found[0]
    return None


def says_not_employee(text: str, content_dir: Path | None = None) -> bool:
    """The worker says they are no employee ("kerja di kebun sendiri, bukan karyawan": ``not_employee``)."""
    return mentions(text, _load(str(lexicon_path(content_dir))).not_employee)


def about_other_agency(text: str, content_dir: Path | None = None) -> bool:
    """The message names another agency's programme (BPJS Kesehatan, Taspen, Prakerja: ``other_agency``)."""
    return mentions(text, _load(str(lexicon_path(content_dir))).other_agency)


def topic_allowed(topic: str | None, text: str, content_dir: Path | None = None) -> bool:
    """False when ``topic`` needs words ``text`` lacks (content/signals.yml ``requires``)."""
    lex = _load(str(lexicon_path(content_dir)))
    groups = lex.requires.get(topic or "")
    if not groups or not text or text.startswith("/"):
        return True
    words = _words(text)
    joined = f" {' '.join(words)} "
    return all(_has(words, joined, g) for g in groups)


__all__ = ["Signals", "read_signals", "accident_supposed", "mentions", "named_topic", "topic_allowed",
           "about_other_agency", "says_not_employee", "FEELINGS", "lexicon_path"]
