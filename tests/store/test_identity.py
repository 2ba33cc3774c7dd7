"""Table-driven tests of lingkar/identity.py: phone numbers, NIK checks, masking and the log filter."""
from __future__ import annotations

import datetime as dt
import io
import logging
import re

import pytest

from lingkar.identity import (
    PROVINCES,
    PersonalDataFilter,
    check_phone,
    install_log_filter,
    mask_name,
    mask_nik,
    mask_phone,
    mask_text,
    normalize_phone,
    uninstall_log_filter,
    validate_nik,
)

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("text, expected", [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812.3456.7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("(0812) 3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("+62-812-3456-7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("0062 812 3456 7890", "+6281234567890"),
    ("+62 (0) 812 3456 7890", "+6281234567890"),
    ("81234567890", "+6281234567890"),        # the leading 0 forgotten
    ("  0852 9876 543 ", "+62852987654" + "3"),
    ("0821 1234 567", "+628211234567"),        # 11 digits (shortest in use: 10)
    ("0811 1234 56", "+62811123456"),          # 10 digits
    ("0895 1234 5678 9", "+6289512345678" + "9"),  # 13 digits (longest)
    ("0838-1234-5678", "+6283812345678"),
    ("0877 1234 5678", "+6287712345678"),
    ("0881 1234 5678", "+6288112345678"),
])
def test_mobile_numbers_are_normalised(text, expected):
    result = check_phone(text)
    assert result.ok and result.e164 == expected and result.reason is None
    assert normalize_phone(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    (None, "empty"),
    ("   ", "empty"),
    ("08l2 3456 7890", "not_a_number"),
    ("nomor saya 0812", "not_a_number"),
    ("0812３４５６７８９０", "not_a_number"),      # full-width digits
    ("0401 3123456", "landline"),              # Kendari fixed line
    ("(021) 5551234", "landline"),             # Jakarta fixed line
    ("+62 401 312345", "landline"),
    ("+60 12 345 6789", "foreign"),            # Malaysia
    ("+1 202 555 0101", "foreign"),
    ("0812 345", "too_short"),
    ("081234567", "too_short"),                # 9 digits
    ("08123456789012", "too_long"),
    ("+62", "too_short"),
    ("0800 1234 5678", "not_mobile"),          # toll-free
    ("0862 1234 5678", "not_mobile"),
    ("0841 2345 6789", "not_mobile"),
    ("112", "not_mobile"),
])
def test_bad_numbers_are_refused_with_a_reason(text, reason):
    result = check_phone(text)
    assert not result.ok and result.e164 is None
    assert result.reason == reason
    assert result.message.startswith(("Nomor", "Itu", "Maaf"))
    assert normalize_phone(text) is None


# NIK cases: (nik, age, ok, errors, sex, birth date)
NIK_CASES = [
    ("7401054507900001", 36, True, [], "P", dt.date(1990, 7, 5)),        # woman: day 05 + 40
    ("7401051507900001", 36, True, [], "L", dt.date(1990, 7, 15)),
    ("7401051507900001", 35, True, [], "L", dt.date(1990, 7, 15)),       # within one year
    ("7401051507900001", 37, True, [], "L", dt.date(1990, 7, 15)),
    ("7401051507900001", None, True, [], "L", dt.date(1990, 7, 15)),
    ("7471 0107 1205 0003", 20, True, [], "L", dt.date(2005, 12, 7)),    # Kota Kendari, spaces
    ("3174-0949-0902-0004", 24, True, [], "P", dt.date(2002, 9, 9)),      # Jakarta, dashes, woman
    ("9601011111990005", 27, True, [], "L", dt.date(1999, 11, 11)),       # Papua Barat Daya
    ("7401052902000006", 26, True, [], "L", dt.date(2000, 2, 29)),        # a real leap day
    ("7401051507900001", 50, False, ["age_mismatch"], "L", dt.date(1990, 7, 15)),
    ("7401051507900001", 33, False, ["age_mismatch"], "L", dt.date(1990, 7, 15)),
    ("9901051507900001", 36, False, ["province"], "L", dt.date(1990, 7, 15)),
    ("2001051507900001", 36, False, ["province"], "L", dt.date(1990, 7, 15)),
    ("7400051507900001", 36, False, ["regency"], "L", dt.date(1990, 7, 15)),
    ("7401001507900001", 36, False, ["district"], "L", dt.date(1990, 7, 15)),
    ("7401053207900001", 36, False, ["birth_day"], "L", None),            # day 32
    ("7401050007900001", 36, False, ["birth_day"], "L", None),            # day 00
    ("7401057507900001", 36, False, ["birth_day"], "P", None),            # day 75 = 35 for a woman
    ("7401051513900001", 36, False, ["birth_month"], "L", None),          # month 13
    ("7401053102900001", 36, False, ["birth_date"], "L", None),           # 31 Feb
    ("7401052902010001", 25, False, ["birth_date"], "L", None),           # 29 Feb 2001
    ("7401051512260001", None, True, [], "L", dt.date(1926, 12, 15)),     # 2026 is still to come: 1926
    ("7401051512260001", 36, False, ["age_mismatch"], "L", dt.date(1926, 12, 15)),
    ("7401051507900000", 36, False, ["serial"], "L", dt.date(1990, 7, 15)),
    ("0000000000000000", None, False, ["province", "regency", "district", "birth_day", "serial"], "L", None),
]


@pytest.mark.parametrize("nik, age, ok, errors, sex, birth", NIK_CASES)
def test_nik_structure(nik, age, ok, errors, sex, birth):
    r = validate_nik(nik, age=age, today=TODAY)
    assert r.ok is ok
    assert r.errors == errors
    assert r.sex == sex and r.birth_date == birth
    assert r.nik == "".join(ch for ch in nik if ch.isdigit())
    assert (r.message == "") is ok


@pytest.mark.parametrize("nik, error, words", [
    ("", "empty", ["16 angka"]),
    ("74010545079", "length", ["16 angka", "11 angka"]),
    ("74010545079000012", "length", ["17 angka"]),
    ("74O1054507900001", "not_digits", ["angka"]),
    ("9901051507900001", "province", ["99", "74"]),
    ("7400051507900001", "regency", ["kabupaten/kota", "00"]),
    ("7401001507900001", "district", ["kecamatan"]),
    ("7401053207900001", "birth_day", ["41–71", "perempuan"]),
    ("7401051513900001", "birth_month", ["bulan"]),
    ("7401053102900001", "birth_date", ["31-02-90", "kalender"]),
    ("7401051507900000", "serial", ["0000"]),
])
def test_nik_messages_say_what_is_wrong_in_indonesian(nik, error, words):
    r = validate_nik(nik, age=36, today=TODAY)
    assert not r.ok and error in r.errors
    for w in words:
        assert w in r.message


def test_nik_age_message_names_both_ages():
    r = validate_nik("7401051507900001", age=50, today=TODAY)
    assert "15-07-1990" in r.message and "36 tahun" in r.message and "50 tahun" in r.message


def test_nik_century_follows_the_stated_age():
    young = validate_nik("7401050101250001", age=1, today=TODAY)
    old = validate_nik("7401050101250001", age=101, today=TODAY)
    assert young.ok and young.birth_date == dt.date(2025, 1, 1)
    assert old.ok and old.birth_date == dt.date(1925, 1, 1)


def test_province_codes():
    assert PROVINCES["74"] == "Sulawesi Tenggara"
    assert len(PROVINCES) == 38
    assert validate_nik("7401051507900001", today=TODAY).province == "Sulawesi Tenggara"


@pytest.mark.parametrize("fn, value, expected", [
    (mask_phone, "+6281234567890", "+62812****890"),
    (mask_phone, "0812-3456-7890", "+62812****890"),
    (mask_phone, "+628123456789", "+62812****789"),
    (mask_phone, "12345", "*****"),
    (mask_phone, None, ""),
    (mask_nik, "7401054507900001", "7401**********01"),
    (mask_nik, "7401 0545 0790 0012", "7401**********12"),
    (mask_nik, "1234", "****"),
    (mask_nik, None, ""),
    (mask_name, "Siti Aminah", "S*** A***"),
    (mask_name, "  La  Ode   Muhammad ", "L*** O*** M***"),
    (mask_name, "", ""),
])
def test_masking(fn, value, expected):
    assert fn(value) == expected


@pytest.mark.parametrize("text, hidden, kept", [
    ("lead dari 0812-3456-7890", ["3456-7890", "34567890"], ["+62812****890"]),
    ("phone=+6281234567890 ok", ["81234567890"], ["+62812****890 ok"]),
    ("nik 7401054507900001 salah", ["7401054507900001"], ["7401**********01"]),
    ("nik 740105 450790 0001", ["450790"], ["7401**********01"]),
    ("{'phone': '6281234567890', 'nik': '7401054507900001'}", ["81234567890", "5450790"], ["+62812****890"]),
    ("sender telegram:123456789 at 2026-11-24 12:00:01, Rp2.000.000", [], ["telegram:123456789", "2026-11-24",
                                                                          "Rp2.000.000"]),
])
def test_mask_text(text, hidden, kept):
    masked = mask_text(text)
    for h in hidden:
        assert h not in masked
    for k in kept:
        assert k in masked


def _capture(logger_name: str):
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, handler, buf


def test_filter_masks_message_args_and_traceback():
    logger, handler, buf = _capture("lingkar.test.filter")
    handler.addFilter(PersonalDataFilter())
    try:
        logger.info("new lead %s phone %s", "7401054507900001", "081234567890")
        try:
            raise ValueError("bad phone 0812 3456 7890")
        except ValueError:
            logger.exception("failed for %s", {"nik": "7401054507900001"})
    finally:
        logger.removeHandler(handler)
    out = buf.getvalue()
    assert "7401054507900001" not in out and "81234567890" not in out and "3456 7890" not in out
    assert "7401**********01" in out and "+62812****890" in out
    assert "ValueError" in out and "Traceback" in out  # the traceback is still there, masked


def test_installed_filter_masks_every_logger():
    install_log_filter()
    install_log_filter()  # idempotent
    root = logging.getLogger()
    try:
        assert sum(isinstance(f, PersonalDataFilter) for f in root.filters) == 1
        # a child logger with its own handler added later, unknown to the filter
        logger, handler, buf = _capture("some.library.module")
        try:
            logger.warning("user %s sent NIK %s", "+62 812-3456-7890", "7401054507900001")
        finally:
            logger.removeHandler(handler)
    finally:
        uninstall_log_filter()
    assert not any(isinstance(f, PersonalDataFilter) for f in root.filters)
    out = buf.getvalue()
    assert "7401054507900001" not in out and "3456-7890" not in out
    assert "+62812****890" in out and "7401**********01" in out


# --------------------------------------------------------------------------------------------
# Every format the validators accept is masked in log output
# --------------------------------------------------------------------------------------------
# Numbers of every accepted length (national significant number of 9 to 12 digits, every operator prefix).
_NATIONALS = ["811234567", "8521234567", "81234567890", "877123456789", "895012345678", "838765432109"]
_PREFIXES = ["0", "62", "+62", "0062", "", "620", "+62 (0)", "+62(0)", "+62 0", "(0", "62-", "+62-", "0062 "]
_SEPARATORS = [" ", "-", ".", "/", " - ", "  ", ". ", " / ", ")", ") ", "", "-(", ")-"]
_GROUPINGS = [(4,), (3, 4), (4, 4), (3, 3, 3), (2, 4, 4), (4, 3, 3), (1, 3, 4, 4)]
# Around the number in a log line: free text, a dict repr, key=value, brackets, start and end of the line.
_CONTEXTS = ["hubungi saya di {} ya", "{{'phone': '{}'}}", "phone={},", "({})", "{}", "nomor HP:{}", "HP {}."]


def _grouped(digits: str, sizes, sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        if i >= len(digits):
            break
        parts.append(digits[i:i + size])
        i += size
    if i < len(digits):
        parts.append(digits[i:])
    return sep.join(parts)


def _accepted_phone_formats():
    """Candidate spellings of each number, kept only when the validator itself accepts them."""
    out = {}
    for national in _NATIONALS:
        for prefix in _PREFIXES:
            for sep in _SEPARATORS:
                for sizes in _GROUPINGS:
                    text = prefix + _grouped(national, sizes, sep)
                    if prefix == "(0":
                        text = "(0" + _grouped(national, sizes, ") " if sep == " " else sep)
                    if check_phone(text).ok:
                        out[text] = national
    return out


_NIKS = ["7401054507900001", "7471016002850123", "3273010101990001"]
_NIK_GROUPINGS = [(16,), (6, 6, 4), (4, 4, 4, 4), (2, 2, 2, 6, 4), (2, 2, 2, 2, 2, 2, 4), (6, 6), (2, 2, 2, 10),
                  (8, 8), (4, 12)]
_NIK_SEPARATORS = [" ", "-", ".", "  ", " - ", ". ", " . ", "--"]


def _accepted_nik_formats():
    out = {}
    for nik in _NIKS:
        for sizes in _NIK_GROUPINGS:
            for sep in _NIK_SEPARATORS:
                text = _grouped(nik, sizes, sep)
                if validate_nik(text, today=TODAY).ok:
                    out[text] = nik
    return out


def _leaks(out: str, secret: str) -> bool:
    """True when the digits of ``secret`` appear in order in a line, whatever stands between them."""
    return any(secret in re.sub(r"\D", "", line) for line in out.splitlines())


def _log_through_real_filter(lines):
    """Log each line through a logger, with the log filter the processes install; return the output."""
    logger, handler, buf = _capture("lingkar.test.formats")
    install_log_filter()
    try:
        for line in lines:
            logger.info("%s", line)
            logger.warning(line)
    finally:
        logger.removeHandler(handler)
        uninstall_log_filter()
    return buf.getvalue()


def test_every_accepted_phone_format_is_masked_in_logs():
    formats = _accepted_phone_formats()
    assert len(formats) > 300 and len(set(formats.values())) == len(_NATIONALS)  # the generator works
    leaked = []
    for text, national in formats.items():
        for context in _CONTEXTS:
            out = _log_through_real_filter([context.format(text)])
            if _leaks(out, national) or "****" not in out:
                leaked.append(f"{context.format(text)!r} -> {out.splitlines()[0]!r}")
    assert not leaked, f"{len(leaked)} unmasked, e.g.:\n" + "\n".join(leaked[:15])


def test_every_accepted_nik_format_is_masked_in_logs():
    formats = _accepted_nik_formats()
    assert len(formats) >= len(_NIKS) * len(_NIK_GROUPINGS) * len(_NIK_SEPARATORS) // 2
    leaked = []
    for text, nik in formats.items():
        for context in ["NIK {} benar", "{{'nik': '{}'}}", "nik={};", "{}", "NIK:{}."]:
            out = _log_through_real_filter([context.format(text)])
            if _leaks(out, nik[4:14]) or "**" not in out:
                leaked.append(f"{context.format(text)!r} -> {out.splitlines()[0]!r}")
    assert not leaked, f"{len(leaked)} unmasked, e.g.:\n" + "\n".join(leaked[:15])


@pytest.mark.parametrize("text", [
    "sender telegram:123456789 at 2026-11-24 12:00:01",
    "iuran Rp16.800 per bulan, JKK 0,24%",
    "update 912345678 of chat 7201 took 0.85 s",
    "umur 35 gaji 2.500.000 di Kendari",
])
def test_masking_leaves_other_numbers_alone(text):
    assert mask_text(text) == text


def test_the_adapter_masks_with_the_same_function():
    import bot.telegram.handlers as handlers

    assert not hasattr(handlers, "mask_phone") or handlers.mask_phone is mask_phone
