"""Personal-data helpers: Indonesian mobile numbers, NIK checks, masking, and a log filter.

Usage::

    from lingkar.identity import normalize_phone, check_phone, validate_nik, mask_phone, mask_nik
    normalize_phone("0812-3456-7890")          # -> "+6281234567890"
    whatsapp_phone("whatsapp:6281234567890")   # -> "+6281234567890" (the WhatsApp sender's own number)
    local_phone("+6281234567890")              # -> "0812-3456-7890"
    check_phone("0401 312345").message         # -> Indonesian reason (a landline)
    r = validate_nik("7401054507900001", age=36, today=date(2026, 11, 24))
    r.ok, r.sex, r.birth_date, r.message
    mask_phone("+6281234567890")               # -> "+62812****890"
    mask_nik("7401054507900001")               # -> "7401**********01"
    install_log_filter()                       # mask phones and NIKs in every log record

Nothing here logs or stores anything: these are pure functions the actions, the adapters and the
lead store share, so a phone number or NIK is checked the same way everywhere.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import List

# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

#: Second digit after the leading 8 of Indonesian mobile numbers (081x Telkomsel/Indosat/XL,
#: 082x Telkomsel, 083x Axis, 085x Telkomsel/Indosat/XL, 087x XL, 088x Smartfren, 089x Tri).
_MOBILE_SECOND_DIGITS = set("1235789")
#: National significant number (after +62 / 0) of a mobile: 8 followed by 8 to 11 digits.
_MOBILE_MIN_LEN, _MOBILE_MAX_LEN = 9, 12
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]+")

_PHONE_MESSAGES = {
    "empty": "Nomor HP-nya belum ada. Tulis nomor HP yang aktif, misalnya 0812 3456 7890.",
    "not_a_number": "Nomor HP hanya boleh berisi angka (boleh diawali +62 atau 0), misalnya 0812 3456 7890.",
    "foreign": "Maaf, saat ini kami hanya bisa menghubungi nomor HP Indonesia (diawali 08 atau +62).",
    "landline": "Itu sepertinya nomor telepon rumah/kantor. Mohon tulis nomor HP (diawali 08 atau +628) "
                "supaya petugas bisa menghubungi lewat telepon atau WhatsApp.",
    "not_mobile": "Nomor HP Indonesia diawali 081, 082, 083, 085, 087, 088 atau 089. Mohon periksa lagi nomornya.",
    "too_short": "Nomor HP-nya terlalu pendek. Nomor HP Indonesia panjangnya 10 sampai 13 angka, "
                 "misalnya 0812 3456 7890.",
    "too_long": "Nomor HP-nya terlalu panjang. Nomor HP Indonesia panjangnya 10 sampai 13 angka, "
                "misalnya 0812 3456 7890.",
}


@dataclass(frozen=True)
class PhoneCheck:
    """Result of :func:`check_phone`: ``e164`` is set only when ``ok``."""

    ok: bool
    e164: str | None = None
    reason: str | None = None  # one of the keys of the Indonesian messages above
    message: str = ""


def check_phone(text: object) -> PhoneCheck:
    """Check an Indonesian mobile number as a worker types it and normalise it to +628….

    Accepts 08…, 628…, +628…, 8… (the leading 0 forgotten) and "+62 (0)8…", with spaces, dashes,
    dots, slashes or brackets between the digits. Rejects landlines, foreign numbers and numbers
    that are too short or too long, with a reason and an Indonesian message that says what to fix.
    """
    raw = "" if text is None else str(text).strip()
    if not raw:
        return _phone_fail("empty")
    compact = _PHONE_SEPARATORS.sub("", raw)
    plus = compact.startswith("+")
    if plus:
        compact = compact[1:]
    elif compact.startswith("00"):  # international call prefix: 0062 812…
        plus, compact = True, compact[2:]
    if not compact.isdigit() or not compact.isascii():
        return _phone_fail("not_a_number")
    if plus or compact.startswith("62"):
        if not compact.startswith("62"):
            return _phone_fail("foreign")
        national = compact[2:]
        if national.startswith("0"):  # "+62 (0)812…" or "620812…"
            national = national[1:]
    elif compact.startswith("0"):
        national = compact[1:]
    elif compact.startswith("8"):
        national = compact
    else:
        return _phone_fail("not_mobile")
    if not national:
        return _phone_fail("too_short")
    if national[0] != "8":
        # 0401… (Kendari), 021… (Jakarta): area codes start with 1–7 and mean a fixed line.
        return _phone_fail("landline" if national[0] in "1234567" else "not_mobile")
    if len(national) < _MOBILE_MIN_LEN:
        return _phone_fail("too_short")
    if len(national) > _MOBILE_MAX_LEN:
        return _phone_fail("too_long")
    if national[1] not in _MOBILE_SECOND_DIGITS:
        return _phone_fail("not_mobile")
    return PhoneCheck(ok=True, e164="+62" + national)


def _phone_fail(reason: str) -> PhoneCheck:
    return PhoneCheck(ok=False, reason=reason, message=_PHONE_MESSAGES[reason])


def normalize_phone(text: object) -> str | None:
    """The number as +628… (E.164), or None when it is not an Indonesian mobile number.

    Use :func:`check_phone` to get the reason and the message for the worker.
    """
    return check_phone(text).e164


def whatsapp_phone(sender_id: object) -> str | None:
    """The worker's own number (+628…) from a WhatsApp sender id ``whatsapp:<wa_id>`` (the wa_id is the number in
    international digits, 6281234567890), or None for another channel or a number we cannot call (foreign,
    landline)."""
    prefix, sep, wa_id = str(sender_id or "").partition(":")
    if prefix != "whatsapp" or not sep or not wa_id.isdigit() or not wa_id.isascii():
        return None
    return normalize_phone("+" + wa_id)


def local_phone(phone: object) -> str:
    """+6281234567890 -> "0812-3456-7890": a mobile number as Indonesians write it (groups of four); anything
    :func:`check_phone` does not accept comes back as given."""
    e164 = normalize_phone(phone)
    if not e164:
        return "" if phone is None else str(phone)
    local = "0" + e164[3:]
    return "-".join(local[i:i + 4] for i in range(0, len(local), 4))


# --------------------------------------------------------------------------------------------
# NIK (Nomor Induk Kependudukan)
# --------------------------------------------------------------------------------------------

#: Province codes used in NIKs (Kemendagri region codes: Permendagri 72/2019, with the Papua
#: provinces created in 2022 as in Kepmendagri 050-145/2022 and its successors).
PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}
SULTRA = "74"

_NIK_SEPARATORS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True)
class NikCheck:
    """Result of :func:`validate_nik`.

    ``errors`` holds machine-readable codes; ``message`` says in Indonesian exactly what is wrong
    (empty when ``ok``). ``sex`` is "L" (laki-laki) or "P" (perempuan), derived from the day.
    """

    ok: bool
    nik: str | None = None  # the 16 digits without separators (also when not ok, if 16 digits)
    message: str = ""
    errors: List[str] = field(default_factory=list)
    sex: str | None = None
    birth_date: dt.date | None = None
    province_code: str | None = None
    province: str | None = None


def _age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def validate_nik(nik: object, age: int | None = None, today: dt.date | None = None) -> NikCheck:
    """Check the structure of a 16-digit NIK: PP KK CC DDMMYY NNNN.

    PP is a real province code, KK (regency/city) and CC (district) are not 00, DD is the day of
    birth (+40 for women), DDMMYY a real calendar date (a year still to come means the 1900s),
    NNNN not 0000. With ``age`` the birth date must agree with it within one year. ``today`` defaults to the branch's
    today (:func:`lingkar.clock.today`).
    """
    if today is None:
        from lingkar.clock import today as _today

        today = _today()
    raw = "" if nik is None else str(nik).strip()
    digits = _NIK_SEPARATORS.sub("", raw)
    if not digits:
        return NikCheck(ok=False, message="NIK-nya belum ada. NIK adalah 16 angka di KTP atau Kartu Keluarga.",
                        errors=["empty"])
    if not (digits.isdigit() and digits.isascii()):
        return NikCheck(ok=False, errors=["not_digits"],
                        message="NIK hanya berisi angka (16 angka, tanpa huruf). Mohon periksa lagi di KTP.")
    if len(digits) != 16:
        return NikCheck(ok=False, errors=["length"],
                        message=f"NIK harus 16 angka, yang Anda kirim {len(digits)} angka. "
                                "Mohon periksa lagi di KTP atau Kartu Keluarga.")

    errors: List[str] = []
    messages: List[str] = []
    province_code = digits[0:2]
    province = PROVINCES.get(province_code)
    if province is None:
        errors.append("province")
        messages.append(f"Dua angka pertama NIK ({province_code}) bukan kode provinsi yang ada "
                        f"(Sulawesi Tenggara misalnya {SULTRA}).")
    if digits[2:4] == "00":
        errors.append("regency")
        messages.append("Angka ke-3 dan ke-4 NIK (kode kabupaten/kota) tidak boleh 00.")
    if digits[4:6] == "00":
        errors.append("district")
        messages.append("Angka ke-5 dan ke-6 NIK (kode kecamatan) tidak boleh 00.")

    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = "P" if day > 40 else "L"
    real_day = day - 40 if day > 40 else day
    birth: dt.date | None = None
    if not 1 <= real_day <= 31:
        errors.append("birth_day")
        messages.append(f"Angka ke-7 dan ke-8 NIK ({digits[6:8]}) harus tanggal lahir 01–31, "
                        "atau 41–71 untuk perempuan (tanggal ditambah 40).")
    elif not 1 <= month <= 12:
        errors.append("birth_month")
        messages.append(f"Angka ke-9 dan ke-10 NIK ({digits[8:10]}) harus bulan lahir 01–12.")
    else:
        birth = _birth_date(real_day, month, yy, age, today)
        if birth is None:
            errors.append("birth_date")
            messages.append(f"Tanggal lahir di NIK ({real_day:02d}-{month:02d}-{yy:02d}) bukan tanggal yang ada "
                            "di kalender.")
    if birth is not None and age is not None:
        derived = _age_on(birth, today)
        if abs(derived - int(age)) > 1:
            errors.append("age_mismatch")
            messages.append(f"Menurut NIK tanggal lahirnya {birth.day:02d}-{birth.month:02d}-{birth.year} "
                            f"(umur {derived} tahun), tapi umur yang disebut {int(age)} tahun. "
                            "Mohon periksa lagi NIK atau umurnya.")
    if digits[12:16] == "0000":
        errors.append("serial")
        messages.append("Empat angka terakhir NIK tidak boleh 0000.")

    if errors:
        return NikCheck(ok=False, nik=digits, errors=errors, message=" ".join(messages), sex=sex,
                        birth_date=birth, province_code=province_code, province=province)
    return NikCheck(ok=True, nik=digits, sex=sex, birth_date=birth, province_code=province_code,
                    province=province)


def _birth_date(day: int, month: int, yy: int, age: int | None, today: dt.date) -> dt.date | None:
    """The birth date for a two-digit year: of the dates not after today (1900s or 2000s), the one that
    fits the stated age, else the latest."""
    candidates = []
    for century in (2000, 1900):
        try:
            candidates.append(dt.date(century + yy, month, day))
        except ValueError:  # 29 Feb in a non-leap year of this century
            continue
    if not candidates:
        return None
    past = [c for c in candidates if c <= today]  # the 1900s date is always in the past
    if age is not None:
        return min(past, key=lambda c: abs(_age_on(c, today) - int(age)))
    return past[0]


# --------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------

def mask_phone(phone: str | None) -> str:
    """+6281234567890 -> +62812****890 (keeps the operator prefix and the last three digits).

    The one phone masking of the project (log filter, staff texts, the Telegram adapter): any spelling
    :func:`check_phone` accepts gives the same masked form; anything else keeps at most its first four
    and last three digits.
    """
    if not phone:
        return ""
    p = str(phone)
    e164 = normalize_phone(p)
    if e164:
        return e164[:6] + "****" + e164[-3:]
    digits = re.sub(r"\D", "", p)
    if len(digits) < 8:
        return "*" * len(digits or p)
    return digits[:4] + "****" + digits[-3:]


def mask_nik(nik: str | None) -> str:
    """7401054507900001 -> 7401**********01 (keeps province+regency and the last two digits)."""
    if not nik:
        return ""
    d = _NIK_SEPARATORS.sub("", str(nik))
    if len(d) < 8:
        return "*" * len(d)
    return d[:4] + "*" * (len(d) - 6) + d[-2:]


def mask_name(name: str | None) -> str:
    """"Siti Aminah" -> "S*** A***": the initials only, so staff logs can tell people apart."""
    if not name:
        return ""
    return " ".join(w[0] + "***" for w in str(name).split())


# Phone numbers in free text, in every spelling check_phone accepts: +62 / 62 / 0062 / 0 (with an optional
# "(0)" trunk digit after the country code), or no prefix at all ("812…", the leading 0 forgotten; then the
# operator digit must be a mobile one, so amounts such as 800.000.000 stay readable, while a Telegram user id
# such as 8123456789 is masked as well: it cannot be told from a phone); then 8 and 7-11 more
# digits, with up to three separators (spaces, dots, dashes, slashes, brackets) between any two digits.
# NIK: 16 digits with up to three separators (spaces, dots, dashes) between any two, which covers 16 in a
# row and the 6-6-4, 4-4-4-4 and 2-2-2-6-4 groups people copy from a KTP.
_SEP = r"[\s.\-/()]{0,3}"
_DIGIT = r"(?:" + _SEP + r"\d)"
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w+])(?:"
    r"(?:(?:\+\s?|00)?62(?:" + _SEP + r"0)?|0)" + _SEP + r"8" + _DIGIT + r"{7,11}"
    r"|8" + _SEP + r"[" + "".join(sorted(_MOBILE_SECOND_DIGITS)) + r"]" + _DIGIT + r"{7,10}"
    r")(?!\d)")
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[\s.\-]{0,3}\d){15}(?!\d)")


def mask_text(text: str) -> str:
    """Mask every NIK and Indonesian mobile number inside free text (log lines, error messages)."""
    if not text:
        return text
    text = _NIK_IN_TEXT.sub(lambda m: mask_nik(m.group(0)), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """A logging filter that masks phone numbers and NIKs in the message, its arguments and tracebacks.

    It never drops a record. The message is rendered once (``msg % args``) and replaced by its
    masked text, so handlers further down see only masked data.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record, self._formatter)
        return True


def mask_record(record: logging.LogRecord, formatter: logging.Formatter | None = None) -> logging.LogRecord:
    if getattr(record, "_lingkar_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what is there, masked
        message = f"{record.msg} {record.args!r}"
    record.msg = mask_text(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = (formatter or logging.Formatter()).formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
        record.exc_info = None  # the masked text above is what handlers print
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    record._lingkar_masked = True
    return record


_installed_filter: PersonalDataFilter | None = None
_previous_factory = None


def install_log_filter(logger: logging.Logger | None = None) -> PersonalDataFilter:
    """Mask personal data in every log record of this process (idempotent).

    Installs the filter on the root logger (or ``logger``) and on its handlers, and wraps the
    log-record factory so records from any logger, through handlers added later (Rasa, aiohttp and
    python-telegram-bot add their own), are masked as they are created.
    """
    global _installed_filter, _previous_factory
    if _installed_filter is None:
        _installed_filter = PersonalDataFilter()
        previous = _previous_factory = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous(*args, **kwargs)
            try:
                return mask_record(record)
            except Exception:  # never break logging
                return record

        logging.setLogRecordFactory(factory)
    target = logger or logging.getLogger()
    if _installed_filter not in target.filters:
        target.addFilter(_installed_filter)
    for handler in target.handlers:
        if _installed_filter not in handler.filters:
            handler.addFilter(_installed_filter)
    return _installed_filter


def uninstall_log_filter(logger: logging.Logger | None = None) -> None:
    """Undo :func:`install_log_filter` (for tests)."""
    global _installed_filter, _previous_factory
    if _installed_filter is None:
        return
    target = logger or logging.getLogger()
    target.removeFilter(_installed_filter)
    for handler in target.handlers:
        handler.removeFilter(_installed_filter)
    if _previous_factory is not None:
        logging.setLogRecordFactory(_previous_factory)
    _installed_filter = _previous_factory = None
