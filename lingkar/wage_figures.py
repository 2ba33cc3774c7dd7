"""Figures for one wage, beside the general answer: "gaji sy 3 juta, jkp dapat brp?" gets the general JKP answer
and then "Dengan upah Rp3.000.000: ... Rp1.800.000 per bulan ...". Every rate, cap and multiple comes from
content/facts.yml for the given date; a topic without wage-dependent figures gets None.

    wage_line("ask_jkp", 3_000_000, date(2026, 12, 3))   # "Dengan upah Rp3.000.000: JKP 60% ... Rp1.800.000 ..."
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Dict

from lingkar.calculator import (
    bpu_quote,
    month_amounts,
    percent_of,
    pmi_quote,
    prepay_options,
    pu_quote,
    worker_for,
)
from lingkar.facts import Facts, format_date, format_month, format_number, format_rupiah, get_facts


def _pct(rate: float) -> str:
    return format_number(rate, 2 if rate * 100 % 10 else 1).rstrip("0").rstrip(",") + "%"


def _jkp(wage: int, on: dt.date, facts: Facts) -> str:
    pct, months = float(facts.value("jkp.benefit_pct", on)), int(facts.value("jkp.benefit_months", on))
    cap = int(facts.value("jkp.wage_cap", on))
    base = min(wage, cap)
    monthly = percent_of(base, pct)
    capped = f" (upah dihitung maks. {format_rupiah(cap)})" if wage > cap else ""
    return (f"Dengan upah {format_rupiah(wage)}{capped}: JKP {_pct(pct)} x {format_rupiah(base)} = "
            f"{format_rupiah(monthly)} per bulan, paling lama {months} bulan (total paling banyak "
            f"{format_rupiah(monthly * months)}).")


def _contribution(wage: int, on: dt.date, facts: Facts) -> str:
    q = pu_quote(wage, on, facts)
    cap = f" (JP dihitung dari batas upah {format_rupiah(q.jp_cap)})" if q.jp_cap_applied else ""
    employer = q.employer_jht + q.employer_jp + q.employer_jkm
    return (f"Dengan gaji {format_rupiah(wage)}{cap}: dipotong dari gaji JHT {_pct(q.worker_jht_rate)} "
            f"{format_rupiah(q.worker_jht)} + JP {_pct(q.worker_jp_rate)} {format_rupiah(q.worker_jp)} = "
            f"{format_rupiah(q.worker_total)} per bulan. Bagian perusahaan: JHT {_pct(q.employer_jht_rate)} "
            f"{format_rupiah(q.employer_jht)}, JP {_pct(q.employer_jp_rate)} {format_rupiah(q.employer_jp)}, JKM "
            f"{_pct(q.jkm_rate)} {format_rupiah(q.employer_jkm)} (jumlah {format_rupiah(employer)}), ditambah JKK "
            f"{_pct(q.jkk_rate_min)}–{_pct(q.jkk_rate_max)} sesuai risiko kerja "
            f"({format_rupiah(percent_of(wage, q.jkk_rate_min))}–{format_rupiah(percent_of(wage, q.jkk_rate_max))}).")


#: A risk class of work an employer names ("risiko kerja rendah", "resiko sangat tinggi") → its JKK rate fact.
_RISK = re.compile(r"\b(?:risiko|resiko|risk)\w*\s+(?:(?:kerja|pekerjaan|usaha|kami|kita|perusahaan|"
                   r"tempat)\w*\s+){0,2}(sangat rendah|sangat tinggi|rendah|sedang|menengah|tinggi)\b", re.I)
_RISK_KEYS = {"sangat rendah": "very_low", "rendah": "low", "sedang": "medium", "menengah": "medium",
              "tinggi": "high", "sangat tinggi": "very_high"}


def risk_class(text: str) -> str | None:
    """The risk class a message names ("risiko kerja rendah" → ``low``), or None."""
    m = _RISK.search(text or "")
    return _RISK_KEYS[m.group(1).lower()] if m else None


def employer_share_line(wage: int, risk: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """An employer's share for one employee's ``wage`` at a risk class: JHT, JKK at that class and JKM, and with JP."""
    facts = facts or get_facts()
    try:
        q = pu_quote(wage, on, facts)
        jkk_rate = float(facts.value(f"pu.jkk_rate.{risk}", on))
        label = facts.entry(f"pu.jkk_rate.{risk}", on).label.replace("iuran JKK ", "")
    except (KeyError, LookupError, TypeError, ValueError, AttributeError):
        return None
    jkk = percent_of(wage, jkk_rate)
    base = q.employer_jht + jkk + q.employer_jkm
    return (f"Bagian perusahaan per karyawan, gaji {format_rupiah(wage)}, {label}: JHT {_pct(q.employer_jht_rate)} "
            f"{format_rupiah(q.employer_jht)} + JKK {_pct(jkk_rate)} {format_rupiah(jkk)} + JKM {_pct(q.jkm_rate)} "
            f"{format_rupiah(q.employer_jkm)} = {format_rupiah(base)} per bulan; bila ikut JP, ditambah JP "
            f"{_pct(q.employer_jp_rate)} {format_rupiah(q.employer_jp)} = {format_rupiah(base + q.employer_jp)}. "
            f"Dipotong dari gaji karyawan: JHT {_pct(q.worker_jht_rate)} {format_rupiah(q.worker_jht)} + JP "
            f"{_pct(q.worker_jp_rate)} {format_rupiah(q.worker_jp)} = {format_rupiah(q.worker_total)}.")


#: A migrant worker's contract length ("kontrak 2 tahun", "kontraknya cuma 1 tahun", "12 bulan") and an extension.
_CONTRACT_LENGTH = re.compile(r"\b(\d{1,2})\s*(tahun|thn|th|bulan|bln)\b|\b(setahun|dua tahun)\b", re.I)
_EXTENDED = re.compile(r"\b(diperpanjang|perpanjang\w*|tambah\w*)\b", re.I)


def pmi_contract_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """What a migrant worker pays for the contract length the message names: before work plus the package for that
    length (24, 12 or 6 months); for an extension ("diperpanjang 6 bulan"), the extra months. None otherwise."""
    found = list(_CONTRACT_LENGTH.finditer(text or ""))
    if not found:
        return None
    # "eh bukan 2 tahun, kontraknya cuma 1 tahun": the length that corrects the one denied
    m = found[-1] if len(found) > 1 and re.search(r"\bbukan\s*$", text[:found[0].start()]) else found[0]
    if m.group(3):
        months = 12 if m.group(3).lower() == "setahun" else 24
    else:
        months = int(m.group(1)) * (12 if m.group(2).lower() in ("tahun", "thn", "th") else 1)
    facts = facts or get_facts()
    try:
        q = pmi_quote(on, facts)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if _EXTENDED.search(text):
        return (f"Kontrak diperpanjang {months} bulan (lebih panjang dari paketnya): {months} x "
                f"{format_rupiah(q.extra_month)} per bulan = {format_rupiah(months * q.extra_month)}.")
    during = dict(q.during).get(months)
    if during is None:
        return None
    return (f"Kontrak {months} bulan: sebelum bekerja {format_rupiah(q.pre_departure)} + selama dan setelah bekerja "
            f"{format_rupiah(during)} = {format_rupiah(q.pre_departure + during)} (JKK dan JKM).")


#: Years of membership a message tells ("baru 2 tahun jadi peserta", "sdh 6 tahun ikut", "masa iur 16 tahun",
#: "ikut sejak 2021, jadi sdh 5 thn"): a number of years beside a word of membership, not of age.
_MEMBER_WORDS = r"(?:peserta|ikut|iur\w*|kepesertaan|terdaftar|bayar\w*|daftar|anggota|sejak)"
_MEMBER_YEARS = re.compile(r"\b(\d{1,2})\s*(?:tahun|thn|th)\b(?=[^.?!]{0,25}\b" + _MEMBER_WORDS + r"\b)|\b"
                           + _MEMBER_WORDS + r"\b[^.?!]{0,25}?\b(\d{1,2})\s*(?:tahun|thn|th)\b", re.I)
#: The year a membership began ("ikut bpjs tk mandiri sejak 2022", "jualan di pasar dari 2022, ikut bpjs tk").
_SINCE_MONTH = r"(?:(?:bulan|bln)\s+)?(?:(?:jan|feb|mar|apr|mei|jun|jul|agu|agt|ags|sep|okt|nov|des)[a-z]*\s+)?"
_MEMBER_SINCE = re.compile(r"\b(?:sejak|dari|mulai)\s+" + _SINCE_MONTH + r"(?:tahun\s+|thn\s+)?(20\d\d)\b"
                           r"(?=[^.?!]{0,60}\b(?:ikut|peserta|terdaftar|iur\w*|bpjs)\b)|\b(?:ikut(?:nya)?|peserta(?:nya)?|terdaftar)\b[^.?!]{0,40}?\b"
                           r"(?:sejak|dari|mulai)\s+" + _SINCE_MONTH + r"(?:tahun\s+|thn\s+)?(20\d\d)\b", re.I)
#: Years worked ("kerja 8 tahun", "sdh bekerja 7 thn"): membership only where nothing else is told.
_WORK_YEARS = re.compile(r"\b(?:kerja|bekerja|kerjanya)\b[^.?!\d]{0,12}?\b(\d{1,2})\s*(?:tahun|thn|th)\b", re.I)
_AGE_BEFORE = re.compile(r"\b(umur|usia|umurnya|usianya|berumur|berusia)\s*$", re.I)


def membership_years(text: str, on: dt.date | None = None) -> int | None:
    """The years of membership a message tells, or None (an age is no membership); with ``on``, also the full years
    since the year a membership began ("ikut bpjs tk mandiri dari 2022": 4 in 2026, counted from that year's end)."""
    for m in _MEMBER_YEARS.finditer(text or ""):
        if _AGE_BEFORE.search((text or "")[:m.start()].rstrip()[-12:]):
            continue
        return int(m.group(1) or m.group(2))
    since = _MEMBER_SINCE.search(text or "") if on is not None else None
    year = int(since.group(1) or since.group(2)) if since else None
    return on.year - year if year and 2000 <= year <= on.year else None


def membership_line(topic: str | None, text: str, on: dt.date, facts: Facts | None = None,
                    work_death: bool = False) -> str | None:
    """Whether the years of membership a message tells meet the minimum of the topic's benefit: a partial JHT claim
    (``jht.partial_min_years``), a monthly JP pension (``jp.min_contrib_years``), the scholarship after a death
    that is no work accident (``scholarship.jkm_min_years``). None without years or for another topic."""
    years = membership_years(text, on)
    if years is None and (topic == "ask_jht_partial" or (topic in ("ask_claim_jht", "ask_jht")
                                                         and _PARTIAL.search(text or ""))):
        # "kerja 8 tahun saldo JHT cuma sedikit, mau ambil 30%": the years worked, as membership if they were all paid
        worked = _WORK_YEARS.search(text or "")
        if worked:
            years = int(worked.group(1))
            return _partial_jht_line(years, f"Bila sudah {years} tahun jadi peserta", False, on, facts or get_facts())
    if years is None:
        return None
    below = re.search(r"\b(belum|blm|kurang dari|krg dr|kurang|tidak sampai|tdk sampai|di ?bawah|dibawah)\s+"
                      + str(years) + r"\b", text or "", re.I)
    said = f"kurang dari {years} tahun" if below else f"{years} tahun"
    if below:  # "kalau iurnya belum 15 tahun?": fewer years than said
        years -= 1
    facts = facts or get_facts()
    try:
        if topic == "ask_jht_partial" or (topic in ("ask_claim_jht", "ask_jht") and _PARTIAL.search(text or "")):
            return _partial_jht_line(years, f"Kepesertaan {said}", bool(below), on, facts)
        if topic in ("ask_jp", "ask_claim_jp"):
            need = int(facts.value("jp.min_contrib_years", on))
            if years >= need:
                return f"Masa iuran {said}: sudah memenuhi minimal {need} tahun untuk pensiun bulanan JP."
            return (f"Masa iuran {said}, di bawah minimal {need} tahun: JP tidak dibayar bulanan, melainkan "
                    f"sekaligus (iuran plus hasil pengembangannya) saat mencapai usia pensiun.")
        if topic in ("ask_scholarship", "ask_claim_jkm", "ask_jkm") and not work_death \
                and (re.search(r"\bbeasiswa\b", text or "", re.I) or _CHILDREN_TOLD.search(text or "")):
            # ("Suami sy meninggal ... ikut BPU baru 2 tahun. Anak sy 3 orang masih kecil.": the children's
            # scholarship is what the years decide)
            need = int(facts.value("scholarship.jkm_min_years", on))
            if years >= need:
                return (f"Iuran {said}: sudah memenuhi minimal {need} tahun untuk beasiswa anak (paling banyak "
                        f"{facts.text('scholarship.max_total', on)} untuk {facts.text('scholarship.max_children', on)} "
                        f"anak).")
            return (f"Iuran {said}: untuk meninggal bukan karena kecelakaan kerja, beasiswa anak perlu iuran "
                    f"minimal {need} tahun, jadi belum memenuhi syarat. Santunan JKM tetap dibayar ke ahli waris.")
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return None


#: Children told of ("anak sy 3 orang masih kecil", "anak kami sekarang 3", "2 anak masih sekolah").
_CHILDREN_TOLD = re.compile(r"\banak\s*(?:\w+\s+){0,2}(?:\d|dua|tiga|empat|masih|sekolah|sd|smp|sma|kecil)|"
                            r"\b(?:\d|dua|tiga|empat)\s+(?:orang\s+)?anak\b", re.I)


def _partial_jht_line(years: int, said: str, below: bool, on: dt.date, facts: Facts) -> str | None:
    try:
        need = int(facts.value("jht.partial_min_years", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if years >= need:
        return f"{said}: sudah memenuhi syarat minimal {need} tahun untuk JHT sebagian."
    gap = "" if below else f" (kurang {need - years} tahun lagi)"
    return (f"{said}: JHT belum bisa diambil sebagian, karena syaratnya minimal {need} tahun kepesertaan{gap}. Yang "
            f"bisa: klaim seluruh saldo setelah berhenti kerja.")


def _jkk(wage: int, on: dt.date, facts: Facts) -> str:
    death = int(facts.value("jkk.death_multiplier", on))
    total = int(facts.value("jkk.total_disability_multiplier", on))
    partial = int(facts.value("jkk.partial_disability_multiplier", on))
    full_pct, full_months = float(facts.value("jkk.stmb_full_pct", on)), int(facts.value("jkk.stmb_full_months", on))
    after = float(facts.value("jkk.stmb_after_pct", on))
    stmb, later = format_rupiah(percent_of(wage, full_pct)), format_rupiah(percent_of(wage, after))
    return (f"Dengan upah {format_rupiah(wage)}: ganti upah selama tidak bisa bekerja {stmb} per bulan "
            f"({_pct(full_pct)}) untuk {full_months} bulan pertama, lalu {later} ({_pct(after)}); meninggal karena "
            f"kecelakaan kerja {death} x upah = {format_rupiah(wage * death)} ditambah beasiswa anak; cacat total "
            f"tetap {total} x upah = "
            f"{format_rupiah(wage * total)}; cacat sebagian: persentase cacat (tabel) x {partial} x upah = "
            f"persentase x {format_rupiah(wage * partial)}.")


def death_line(wage: int, on: dt.date, facts: Facts | None = None) -> str | None:
    """What the heirs of a worker who died in a work accident receive for ``wage``: JKK's multiple, not JKM's sum."""
    facts = facts or get_facts()
    try:
        death = int(facts.value("jkk.death_multiplier", on))
        scholarship = facts.text("scholarship.max_total", on)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return (f"Bila meninggalnya karena kecelakaan kerja (JKK), dengan upah {format_rupiah(wage)}: santunan {death} x "
            f"upah = {format_rupiah(wage * death)}, dihitung dari upah yang dilaporkan ke BPJS Ketenagakerjaan, "
            f"ditambah beasiswa anak (paling banyak {scholarship}).")


def jp_contribution_line(wage: int, on: dt.date, facts: Facts | None = None) -> str | None:
    """JP's contribution alone for a wage ("manajer bergaji Rp15.000.000, berapa iuran JP bagian perusahaan dan bagian
    pekerja?"), the wage capped at JP's ceiling."""
    facts = facts or get_facts()
    try:
        q = pu_quote(int(wage), on, facts)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    cap = f" (dihitung dari batas upah JP {format_rupiah(q.jp_cap)})" if q.jp_cap_applied else ""
    return (f"Iuran JP dengan gaji {format_rupiah(int(wage))}{cap}: bagian perusahaan {_pct(q.employer_jp_rate)} "
            f"{format_rupiah(q.employer_jp)} + bagian pekerja {_pct(q.worker_jp_rate)} {format_rupiah(q.worker_jp)} = "
            f"{format_rupiah(q.employer_jp + q.worker_jp)} per bulan.")


def _bpu(income: int, on: dt.date, facts: Facts) -> str | None:
    """A self-employed worker's bracket for a declared income (only the brackets the facts confirm); the discounted
    figure when every self-employed worker has the discount on the date (transport or not)."""
    other, transport = (bpu_quote(worker_for(o), income, on, facts) for o in ("petani", "ojol"))
    if not other.exact or other.jkk is None:
        return None
    floor = f" (dihitung dari yang terendah, {format_rupiah(int(facts.value('bpu.min_income', on)))})" \
        if other.below_minimum else ""
    line = (f"Dengan penghasilan {format_rupiah(income)}{floor}: JKK {format_rupiah(other.jkk)} + JKM "
            f"{format_rupiah(other.jkm)} = {format_rupiah(other.jkk_jkm)} per bulan")
    if other.jht is not None:
        guess = "" if other.jht_confirmed else " (perkiraan; cek di JMO)"
        line += (f"; dengan JHT (pilihan, tidak wajib) {format_rupiah(other.jht)}{guess} jadi "
                 f"{format_rupiah(other.jkk_jkm + other.jht)}")
    line += "."
    if other.discount.active and transport.discount.active and other.jkk_jkm_pay == transport.jkk_jkm_pay:
        line += (f" Selama diskon {_pct(other.discount.pct)} JKK+JKM: {format_rupiah(other.jkk_jkm_pay)}"
                 + (f", dengan JHT {format_rupiah(other.jkk_jkm_pay + other.jht)} (JHT tidak didiskon)"
                    if other.jht is not None else "")
                 + ".")
    return line


_LINES: Dict[str, Callable[[int, dt.date, Facts], str | None]] = {
    "ask_jkp": _jkp, "ask_contribution_pu": _contribution, "ask_jp": _contribution, "ask_jkk": _jkk,
    "ask_claim_jkk": _jkk, "ask_jkk_commute": _jkk,
    "ask_contribution_bpu": _bpu,
}
#: The topics whose answer has figures that depend on the worker's wage.
WAGE_TOPICS = frozenset(_LINES)


def wage_line(topic: str | None, wage: int | None, on: dt.date, facts: Facts | None = None) -> str | None:
    """The figures of ``topic`` for ``wage`` on ``on``, or None (no wage, a topic without wage figures, a fact
    missing)."""
    if topic not in _LINES or not wage or wage <= 0:
        return None
    try:
        return _LINES[topic](int(wage), on, facts or get_facts())
    except (KeyError, LookupError, TypeError, ValueError):
        return None


def occupation_line(occupation: str | None, income: int | None, on: dt.date, facts: Facts | None = None) -> str | None:
    """What a worker who just said their work ("sa tukang parkir", "sy penjahit, sebulan 1 juta") pays: for the
    self-employed the contribution of their bracket (the lowest when the income is unknown or its bracket
    unconfirmed) with the discount their group has on ``on``; for an employee who registers them and what the wage
    loses. None for an occupation the calculator does not know, or a fact missing."""
    facts = facts or get_facts()
    try:
        worker = worker_for(str(occupation))
        if worker.category == "PU":
            if income:
                return "Sebagai karyawan (penerima upah), Anda didaftarkan oleh pemberi kerja. " + \
                    _contribution(int(income), on, facts)
            q = pu_quote(None, on, facts)
            return (f"Sebagai karyawan (penerima upah), Anda didaftarkan oleh pemberi kerja; dari gaji hanya "
                    f"dipotong JHT {_pct(q.worker_jht_rate)} dan JP {_pct(q.worker_jp_rate)}, sisanya dibayar "
                    f"pemberi kerja.")
        if worker.category != "BPU":
            return None
        q = bpu_quote(worker, int(income) if income else None, on, facts)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if q.exact and q.jkk_jkm is not None:
        normal, pay, jht = q.jkk_jkm, q.jkk_jkm_pay, q.jht
        lowest = int(facts.value("bpu.min_income", on))
        floor = f" (dihitung dari yang terendah, {format_rupiah(lowest)})" if int(income) < lowest else ""
        line = (f"Sebagai pekerja mandiri (BPU), dengan penghasilan {format_rupiah(int(income))}{floor}: JKK "
                f"{format_rupiah(q.jkk)} + JKM {format_rupiah(q.jkm)} = {format_rupiah(normal)} per bulan")
    else:
        normal, pay, jht = q.lowest_jkk_jkm, q.lowest_jkk_jkm_pay, q.lowest_jht
        line = f"Sebagai pekerja mandiri (BPU), iuran wajib JKK+JKM paling rendah {format_rupiah(normal)} per bulan"
    if q.discount.active and pay is not None and q.discount.until:
        line += (f"; dengan diskon {_pct(q.discount.pct)} sampai iuran {format_month(q.discount.until)}: "
                 f"{format_rupiah(pay)}")
    line += "."
    if jht:
        guess = " (perkiraan; cek di JMO)" if q.exact and not q.jht_confirmed else ""
        line += f" JHT boleh ditambah (pilihan): {format_rupiah(jht)} per bulan{guess}."
    if income and not q.exact:
        line += (f" Untuk penghasilan {format_rupiah(int(income))}: JKK {facts.text('bpu.jkk_rate', on)} dari nilai "
                 f"golongan penghasilannya + JKM {facts.text('bpu.jkm', on)}; angka pastinya cek di JMO atau call "
                 f"center {facts.text('contact.call_centre', on)}.")
    return line


#: "60 orang", "250 nelayan", "100 pekerja": how many workers a sponsor pays for.
_PEOPLE_NOUNS = (r"orang|org|pekerja|peserta|nelayan|petani|warga|buruh|pedagang|ojek|tukang|karyawan|art|prt|"
                 r"pembantu|asisten|sopir|supir|guru|kader|anggota|jemaat|jamaah|pemulung|penjahit|pengrajin|penenun|"
                 r"pekebun|peternak|pembudidaya|kuli|montir|abk|relawan|marbot|honorer|perangkat|aparat|kk|"
                 r"kepala keluarga|penarik|pengemudi|pengojek|penjual")
_PEOPLE = re.compile(rf"\b(\d{{1,5}})\s*(?:{_PEOPLE_NOUNS})\b", re.I)
#: "1.200 nelayan", "2.500 pekerja rentan": a count written with a thousands separator.
_PEOPLE_THOUSANDS = re.compile(rf"\b(\d{{1,2}})\.(\d{{3}})(?=\s*(?:{_PEOPLE_NOUNS})\b)", re.I)
#: "5 desa masing-masing 50 orang", "3 kelompok @ 20 org", "50 orang per desa di 5 desa": groups of people.
_UNITS = r"desa|kelurahan|dusun|kampung|kelompok|kecamatan|pulau|rt|rw|lingkungan|masjid|gereja|koperasi"
_GROUPS_EACH = re.compile(rf"\b(\d{{1,3}})\s*(?:{_UNITS})\s*,?\s*(?:masing-masing|masing2|masing|@|tiap|setiap|"
                          rf"per|isinya|dengan|dgn)\s*(?:(?:{_UNITS})\s*)?(\d{{1,4}})\s*({_PEOPLE_NOUNS})\b", re.I)
_EACH_GROUPS = re.compile(rf"\b(\d{{1,4}})\s*({_PEOPLE_NOUNS})\s*(?:per|tiap|setiap|@|di tiap|di setiap|"
                          rf"masing-masing|masing2)\s*(?:{_UNITS})\b[^.?!\d]{{0,20}}?\b(\d{{1,3}})\s*(?:{_UNITS})\b",
                          re.I)
_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:bulan|bln)\b", re.I)
_YEARS = re.compile(r"\b(\d{1,2})\s*(?:tahun|thn|th)\b|\b(setahun|satu tahun|se tahun|per tahun|pertahun|per thn|"
                    r"tahun anggaran)\b", re.I)
#: A budget year named ("tahun depan", "selama tahun 2027", "APBD 2027"): a year of contributions, when it is not past.
_YEAR_NAMED = re.compile(r"\b(?:(?:tahun|thn|th)\s+(depan)|(?:tahun|thn|th|apbd|apbdes|anggaran|dana desa)\s+"
                         r"(20\d\d))\b", re.I)
#: Months said in words ("dua belas bulan", "sepuluh bulan").
_MONTH_WORDS = re.compile(r"\b(dua belas|sebelas|sepuluh|sembilan|delapan|tujuh|enam|lima|empat|tiga|dua|satu)\s+"
                          r"(bulan|bln)\b", re.I)
_MONTH_WORD_NUMBERS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
                       "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12}


#: Counts said in words ("kami berdua", "bertiga", "tiga orang"), read as "2 orang", "3 orang".
_TOGETHER = {"berdua": 2, "bertiga": 3, "berempat": 4, "berlima": 5, "berenam": 6}
_NUMBER_WORDS = {"dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
                 "sepuluh": 10}
_TOGETHER_WORDS = re.compile(r"\b(?:kami\s+|kita\s+|sy\s+|saya\s+|sa\s+)?(" + "|".join(_TOGETHER) + r")\b", re.I)
_COUNT_WORDS = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(orang|org)\b", re.I)


#: People listed one by one after "untuk" ("utk sy, istri dan 2 anak buah"): each a person, or a number of them.
_LISTED_ONE = r"(?:sy|saya|sa|aku|istri\w*|isteri\w*|suami\w*|ibu\w*|bapak\w*|adik\w*|kakak\w*|ipar\w*)"
_LISTED_MANY = r"\d{1,2}\s+(?:anak buah|abk|orang|org|pekerja|karyawan|anak|tukang|buruh)"
_LISTED_ITEM = rf"(?:{_LISTED_ONE}|{_LISTED_MANY})"
_LISTED_PEOPLE = re.compile(rf"\b(?:utk|untuk|buat)\s+({_LISTED_ITEM}(?:\s*(?:,|dan|&|\+)\s*{_LISTED_ITEM})+)\b", re.I)


def _listed_count(m: re.Match) -> str:
    items = re.findall(rf"{_LISTED_MANY}|{_LISTED_ONE}", m.group(1), re.I)
    total = sum(int(i.split()[0]) if i[:1].isdigit() else 1 for i in items)
    return f"untuk {total} orang"


def with_counts(text: str) -> str:
    """``text`` with counts of people said in words written as numbers ("kami berdua" → "2 orang", "utk sy, istri
    dan 2 anak buah" → "untuk 4 orang", "1.200 nelayan" → "1200 nelayan", "5 desa masing-masing 50 orang" → "250
    orang"), and months said in words as numbers ("dua belas bulan" → "12 bulan")."""
    t = _PEOPLE_THOUSANDS.sub(lambda m: m.group(1) + m.group(2), text or "")
    t = _GROUPS_EACH.sub(lambda m: f"{int(m.group(1)) * int(m.group(2))} {m.group(3)}", t)
    t = _EACH_GROUPS.sub(lambda m: f"{int(m.group(1)) * int(m.group(3))} {m.group(2)}", t)
    t = _LISTED_PEOPLE.sub(_listed_count, t)
    t = _TOGETHER_WORDS.sub(lambda m: f"{_TOGETHER[m.group(1).lower()]} orang", t)
    t = _MONTH_WORDS.sub(lambda m: f"{_MONTH_WORD_NUMBERS[m.group(1).lower()]} {m.group(2)}", t)
    return _COUNT_WORDS.sub(lambda m: f"{_NUMBER_WORDS[m.group(1).lower()]} {m.group(2)}", t)


def counts_workers(text: str) -> bool:
    """The message counts workers ("60 orang", "200 nelayan", "kami berdua")."""
    return bool(_PEOPLE.search(with_counts(text)))


def _year_named(text: str, on: dt.date) -> bool:
    """The message names a budget year that is not past ("tahun depan", "untuk tahun 2027")."""
    return any(m.group(1) or int(m.group(2)) >= on.year for m in _YEAR_NAMED.finditer(text or ""))


def period_months(text: str, on: dt.date) -> int | None:
    """How many contribution months a message names: "12 bulan", "dua belas bulan", a span of months, "2 tahun",
    "setahun", or a budget year ("tahun depan", "tahun 2027": 12). None when it names none."""
    t = with_counts(text)
    m, y, span = _MONTHS.search(t), _YEARS.search(t), month_span(t, on)
    if m:
        return int(m.group(1))
    if span:
        return span[1]
    if y:
        return 12 * (int(y.group(1)) if y.group(1) else 1)  # "setahun", "per tahun", "tahun anggaran 2027"
    return 12 if _year_named(t, on) else None


def names_period(text: str, on: dt.date) -> bool:
    """The message names a period to pay for ("12 bulan", "setahun", "Januari-Desember 2027", "tahun depan")."""
    return period_months(text, on) is not None


def sponsor_line(text: str, on: dt.date, facts: Facts | None = None, with_jht: bool = False) -> str | None:
    """What paying for N workers costs (GN Lingkaran / SERTAKAN, facts ``gn.cost``): per month and, when the message
    names a period ("12 bulan", "1 tahun", "setahun", "Januari-Desember 2027"), for the whole period; ``with_jht``
    adds the lowest optional JHT (``bpu.bracket1.jht``). None without a number of workers."""
    text = with_counts(text)
    people = _PEOPLE.search(text)
    if _HOW_MANY.search(text) and budget_in(text):
        return budget_line(text, on, facts, with_jht)  # "Anggaran kami Rp150 juta ... cukup untuk berapa orang?"
    if not people:
        return None
    facts = facts or get_facts()
    try:
        cost = int(facts.value("gn.cost", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    count = int(people.group(1))
    if count <= 0:
        return None
    months = period_months(text, on)
    programmes = "JKK dan JKM"
    if with_jht:
        try:
            cost += int(facts.value("bpu.bracket1.jht", on))
            programmes = "JKK, JKM, dan JHT"
        except (KeyError, LookupError, TypeError, ValueError):
            return None
    line = (f"Untuk {_thousands(count)} orang: {_thousands(count)} x {format_rupiah(cost)} = "
            f"{format_rupiah(count * cost)} per bulan "
            f"({programmes}, tarif normal)")
    if months and months > 0:
        line += f"; {months} bulan: {format_rupiah(count * cost * months)}"
    return line + "."


#: How many people a sum pays for, asked ("cukup untuk berapa orang?", "bisa utk brp pekerja?").
_HOW_MANY = re.compile(rf"\b(?:berapa|brp|brapa)\s*(?:banyak\s*)?(?:{_PEOPLE_NOUNS})\b|"
                       r"\bcukup\s+(?:untuk|utk|buat|bwt)?\s*(?:berapa|brp|brapa)\b|\bjumlah\s+(?:orang|peserta|pekerja)\s+(?:yang|yg)\s+(?:bisa|dapat)\b",
                       re.I)
#: The smallest sum read as a sponsor's budget (a smaller amount is a price or a wage).
BUDGET_MIN = 1_000_000


def _thousands(n: int) -> str:
    """A count as Indonesians write it: 2.500."""
    return f"{n:,}".replace(",", ".")


def budget_in(text: str) -> int | None:
    """The budget a sponsor names ("anggaran kami Rp150 juta", "dana CSR 100 jt"): the largest amount of money in the
    message, when it is at least :data:`BUDGET_MIN`."""
    amounts = [_to_rupiah(m.group(1), m.group(2), m.group(3)) for m in _AMOUNT.finditer(text or "")]
    best = max(amounts, default=0)
    return best if best >= BUDGET_MIN else None


def budget_line(text: str, on: dt.date, facts: Facts | None = None, with_jht: bool = False) -> str | None:
    """How many workers a sponsor's budget pays JKK and JKM for (GN Lingkaran, facts ``gn.cost``, normal rate), over
    the period the message names or, without one, a year; ``with_jht`` adds the lowest optional JHT."""
    budget = budget_in(text)
    if not budget:
        return None
    facts = facts or get_facts()
    try:
        cost = int(facts.value("gn.cost", on))
        if with_jht:
            cost += int(facts.value("bpu.bracket1.jht", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    months = period_months(text, on) or 12
    each = cost * months
    count = budget // each
    programmes = "JKK, JKM, dan JHT" if with_jht else "JKK dan JKM"
    line = (f"Dengan {format_rupiah(budget)} untuk {months} bulan: per orang {months} x {format_rupiah(cost)} = "
            f"{format_rupiah(each)} ({programmes}, tarif normal), jadi cukup untuk {_thousands(count)} orang")
    rest = budget - count * each
    return line + (f" (sisa {format_rupiah(rest)})." if rest else ".")


#: An amount of money: "1 juta", "2,5 jt", "500 rb", "Rp 1.500.000".
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(juta|jt|ribu|rb)\b|rp\.?\s*(\d{1,3}(?:\.\d{3})+)", re.I)
_AMOUNT_UNITS = {"juta": 1_000_000, "jt": 1_000_000, "ribu": 1_000, "rb": 1_000}
#: Words of an agent's pay and of the contributions they collect ("iuran yang saya kumpulkan 1 juta, komisinya?").
_COMMISSION = re.compile(r"\b(komisi\w*|fee\w*|insentif\w*|upah\w*|dapat\w*|dpt)\b", re.I)
_COLLECTED = re.compile(r"\b(kumpul\w*|terkumpul|dikumpulkan|mengumpulkan|setor\w*|tagih\w*|iuran\w*)\b", re.I)
#: What each worker pays, as a message says it ("mereka bayar 8.400 masing2", "iuran 16.800 per orang").
#: ... or after "iurannya" ("klo sy ajak 100 org yg iurannya 16.800").
_EACH_AFTER = re.compile(r"\biuran\w*\s*(?:rp\.?\s*)?(?:(\d+(?:[.,]\d+)?)\s*(ribu|rb)\b|(\d{1,3}(?:\.\d{3})+))", re.I)
_EACH = re.compile(r"(?:rp\.?\s*)?(?:(\d+(?:[.,]\d+)?)\s*(ribu|rb)|(\d{1,3}(?:\.\d{3})+))\s*"
                   r"(?=(?:masing\S*|per ?orang|perorang|tiap orang|setiap orang|@|/orang|seorang)\b)", re.I)


def _to_rupiah(number: str | None, unit: str | None, digits: str | None) -> int:
    """Rupiah from a matched "1,5 juta" (number and unit) or "Rp 12.500.000" (digits)."""
    if digits:
        return int(digits.replace(".", ""))
    return int(round(float(str(number).replace(",", ".")) * _AMOUNT_UNITS[str(unit).lower()]))


def amount_in(text: str) -> int | None:
    """The first amount of money a message names, in rupiah, or None."""
    m = _AMOUNT.search(text or "")
    return _to_rupiah(m.group(1), m.group(2), m.group(3)) if m else None


def agent_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """An Agen Perisai's commission on the contributions of the workers the message counts ("klo sy ajak 100 org"):
    the fee (``perisai.fee_pct``) of the lowest JKK+JKM contribution, per month, said as unconfirmed when it is; or
    of the contributions it says the agent collects ("iuran yang sy kumpulkan 1 juta sebulan, komisinya brp?")."""
    people = _PEOPLE.search(text or "")
    collected = amount_in(text) if _COMMISSION.search(text or "") and _COLLECTED.search(text or "") else None
    if collected and not people:
        return _commission_on(collected, on, facts or get_facts())
    if not people or int(people.group(1)) <= 0:
        return None
    facts = facts or get_facts()
    each = _EACH.search(text or "") or _EACH_AFTER.search(text or "")
    try:
        fee = facts.entry("perisai.fee_pct", on)
        if each:  # "mereka bayar 8.400 masing2": what the message says each pays
            contribution = _to_rupiah(each.group(1), each.group(2), each.group(3))
        else:  # the lowest JKK+JKM of this contribution month (discounted while PP 50/2025 runs)
            from lingkar.parsing.occupation import match_occupation  # parsing imports the calculator: no load cycle
            occupation = match_occupation(text or "")
            worker = worker_for(occupation.key if occupation is not None and occupation.category == "BPU"
                                else _PREPAY_DEFAULT)
            contribution = month_amounts(worker, None, on.replace(day=1), 1, facts).total
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    count = int(people.group(1))
    amount = percent_of(count * contribution, float(fee.value))
    line = (f"Kira-kira: {fee.text()} x {count} x {format_rupiah(contribution)} = {format_rupiah(amount)} per bulan, "
            + ("bila semuanya membayar sebesar itu." if each else
               f"bila semuanya membayar iuran terendah bulan {format_month(on)}."))
    return line + _fee_note(fee, on, facts)


def _fee_note(fee, on: dt.date, facts: Facts) -> str:
    """Where to check the agent's fee when the facts do not confirm it, else nothing."""
    if fee.confirmed:
        return ""
    return (f" Besar komisi sekarang belum bisa kami pastikan: cek ke call center "
            f"{facts.value('contact.call_centre', on)} atau kantor cabang.")


def _commission_on(collected: int, on: dt.date, facts: Facts) -> str | None:
    try:
        fee = facts.entry("perisai.fee_pct", on)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    line = (f"Kira-kira: {fee.text()} x {format_rupiah(collected)} iuran yang terkumpul = "
            f"{format_rupiah(percent_of(collected, float(fee.value)))}.")
    return line + _fee_note(fee, on, facts)


#: Paying several months at once ("bayar 3 bulan sekaligus", "lunasi sekalian 6 bln", "bayar di muka 12 bulan").
_PREPAY = re.compile(r"\b(sekaligus|skaligus|sekalian|di ?muka|lunasi|lunas\w*|borong|langsung)\b", re.I)
#: ... or naming the first of them ("klo 6 bulan mulai desember brp total?")
_PREPAY_FROM = re.compile(r"\b(mulai|dari|dr)\s+(bulan\s+|bln\s+)?(ini|depan|jan\w*|feb\w*|mar\w*|apr\w*|mei|jun\w*|"
                          r"jul\w*|agu\w*|agt|sep\w*|okt\w*|nov\w*|des\w*)\b", re.I)
_PAY_WORDS = re.compile(r"\b(bayar\w*|byr|total\w*|sekaligus|skaligus|lunasi|iuran\w*)\b", re.I)
_PREPAY_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:bulan|bln|bl)\b|\b(setahun|satu tahun|1 tahun|1 thn)\b", re.I)
def months_named(text: str) -> bool:
    """The message names a number of months ("3 bln aja", "klo 12 bulan?", "setahun")."""
    return bool(_PREPAY_MONTHS.search(text or ""))


#: The occupation a prepayment is priced for when the conversation does not know the worker's: self-employed outside
#: the transport group (their discount window is the shorter one), with the transport group said beside it.
_PREPAY_DEFAULT, _PREPAY_TRANSPORT = "petani", "ojol"


def _plan_text(worker, income: int | None, months: int, on: dt.date, facts: Facts) -> str:
    plan = month_amounts(worker, income, on, months, facts)
    parts = []
    for run in plan.runs:
        span = format_month(run.first) if run.months == 1 else \
            f"{format_month(run.first)}–{format_month(run.last)}"
        parts.append(f"{span}: {run.months} x {format_rupiah(run.amount)}")
    return f"{'; '.join(parts)}; total {format_rupiah(plan.total)}"


_MONTH_NUMBERS = {name: i + 1 for i, names in enumerate((
    ("januari", "jan"), ("februari", "feb", "pebruari"), ("maret", "mar"), ("april", "apr"), ("mei",),
    ("juni", "jun"), ("juli", "jul"), ("agustus", "agu", "agt", "agus", "ags"), ("september", "sep", "sept"),
    ("oktober", "okt", "oct"), ("november", "nov", "nop", "nopember"), ("desember", "des", "dec"))) for name in names}
_START = re.compile(r"\b(?:mulai|mulainya|dari|start|sejak)\s+(?:bulan\s+|bln\s+)?(" + "|".join(
    sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\b(?:\s+(20\d\d))?", re.I)
_NEXT_MONTH = re.compile(r"\b(?:mulai|dari)\s+(?:bulan|bln)\s+(?:depan|dpn)\b", re.I)


_MONTH_ALT = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
#: A span of contribution months: "dari Des sampai Maret", "Januari-Desember 2027", "Jan s/d Des 2027".
_SPAN = re.compile(r"\b(" + _MONTH_ALT + r")\b(?:\s+(20\d\d))?\s*(?:-|–|s\.?/?d\.?|sampai|sampe|smp|hingga|"
                   r"ke)\s*(?:bulan\s+|bln\s+)?(" + _MONTH_ALT + r")\b(?:\s+(20\d\d))?", re.I)
#: Months listed one by one: "Desember, Januari dan Februari", "oktober, november, sama desember".
_LISTED = re.compile(r"\b(" + _MONTH_ALT + r")\b(?:\s*(?:,\s*(?:dan|sama|serta)?|dan|&|\+|sama|serta)\s*(?:"
                     + _MONTH_ALT + r")\b)+", re.I)
_ONE_MONTH = re.compile(r"\b(" + _MONTH_ALT + r")\b", re.I)


def _month_on_or_after(month: int, year: int | None, this: dt.date) -> dt.date:
    if year:
        return dt.date(year, month, 1)
    return dt.date(this.year if month >= this.month else this.year + 1, month, 1)


def month_span(text: str, on: dt.date) -> tuple[dt.date, int] | None:
    """The first contribution month and the number of months a message names as a span ("dari Des sampai Maret",
    "Januari-Desember 2027") or a list ("Desember, Januari dan Februari"); a month without a year is the next one of
    that name (this month included). None when it names no span."""
    t = text or ""
    this = on.replace(day=1)
    m = _SPAN.search(t)
    if m:
        first = _month_on_or_after(_MONTH_NUMBERS[m.group(1).lower()], int(m.group(2)) if m.group(2) else None,
                                   this)
        if not m.group(2) and m.group(4) and _MONTH_NUMBERS[m.group(1).lower()] <= _MONTH_NUMBERS[m.group(3).lower()]:
            first = dt.date(int(m.group(4)), first.month, 1)  # "Januari-Desember 2027": the year is both ends'
        end_month = _MONTH_NUMBERS[m.group(3).lower()]
        end_year = int(m.group(4)) if m.group(4) else (first.year if end_month >= first.month else first.year + 1)
        months = (end_year - first.year) * 12 + end_month - first.month + 1
        return (first, months) if 1 <= months <= 24 else None
    m = _LISTED.search(t)
    if m:
        names = _ONE_MONTH.findall(m.group(0))
        first = _month_on_or_after(_MONTH_NUMBERS[names[0].lower()], None, this)
        return first, len(names)
    return None


#: The words a question about one month's contribution is made of besides the month ("kalau mulai bulan Januari
#: iurannya brp?").
_MONTH_QUESTION_WORDS = frozenset("""kalau klo kl kalo klau mulai bulan bln iuran iurannya brp berapa brapa bayar
    bayarnya byr jadi jd jadinya yg yang untuk utk di pada tahun thn depan nanti gimana bagaimana ya kah nya itu ini
    dan kak pak bu mi ji pi toh sa sy saya aku per sebulan total totalnya dari sdh sudah terus trus lalu apa masih msh
    murah mahal diskon harga harganya hrg jg juga tetap ttp""".split())


_COMING_MONTH = re.compile(r"\b(bulan|bln)\s+(depan|dpn)\b", re.I)
_COMING_YEAR = re.compile(r"\b(tahun|thn|th)\s+(depan|dpn)\b", re.I)
_MONTH_NAME = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
               "november", "desember")


def _named_next(text: str, on: dt.date) -> str:
    """``text`` with "bulan depan" as next month's name and "tahun depan" as January of next year."""
    following = _MONTH_NAME[on.month % 12] + (f" {on.year + 1}" if on.month == 12 else "")
    text = _COMING_MONTH.sub(following, text)
    return _COMING_YEAR.sub(f"januari {on.year + 1}", text)


def month_price_line(occupation: str | None, income: int | None, text: str, on: dt.date,
                     facts: Facts | None = None, with_jht: bool = False) -> str | None:
    """The JKK+JKM contribution for the one contribution month a message names ("kalau bulan Januari?", "kalau mulai
    Januari?"), for the worker's own group when known, else for the self-employed outside and inside the transport
    group; None when it names no month, or several."""
    text = _named_next(text or "", on)  # "brp itu bulan depan?": that month by its name
    names = _ONE_MONTH.findall(text)
    if len(names) != 1 or month_span(text, on):
        return None
    several = _PREPAY_MONTHS.search(text or "")
    if several and (not several.group(1) or int(several.group(1)) > 1):
        return None  # "klo 6 bulan mulai desember brp total?": months from that one (prepay_line)
    rest = set(re.findall(r"[a-z]+", _ONE_MONTH.sub(" ", (text or "").lower()))) - _MONTH_QUESTION_WORDS
    if rest:  # "JHT bisa cair Januari?" asks something else than that month's contribution
        return None
    year = re.search(r"\b(20\d\d)\b", text or "")
    first = _month_on_or_after(_MONTH_NUMBERS[names[0].lower()], int(year.group(1)) if year else None,
                               on.replace(day=1))
    facts = facts or get_facts()
    try:
        known = occupation is not None and worker_for(str(occupation)).category == "BPU"
    except Exception:  # an occupation the calculator does not know: priced as the self-employed
        known = False
    try:
        worker = worker_for(str(occupation) if known else _PREPAY_DEFAULT)
        exact = bool(income) and bpu_quote(worker, int(income), first, facts).exact
        amount = month_amounts(worker, income if exact else None, first, 1, facts).total
        line = f"Iuran bulan {format_month(first)} (JKK+JKM"
        line += f", penghasilan {format_rupiah(int(income))}): " if exact else ("): " if known else
                                                                                " pekerja mandiri): ")
        line += format_rupiah(amount)
        now = month_amounts(worker, income if exact else None, on.replace(day=1), 1, facts).total
        if known and amount > now:  # "klo sy bayar utk bulan januari apa masih murah?": the discount has ended
            last = on.replace(day=1)
            while (last + dt.timedelta(days=32)).replace(day=1) < first and month_amounts(
                    worker, income if exact else None, (last + dt.timedelta(days=32)).replace(day=1), 1,
                    facts).total == now:
                last = (last + dt.timedelta(days=32)).replace(day=1)
            line += f" (diskon hanya sampai iuran {format_month(last)}; bulan ini {format_rupiah(now)})"
        if not known:
            transport = month_amounts(worker_for(_PREPAY_TRANSPORT), income if exact else None, first, 1, facts)
            line += f"; ojol, ojek pangkalan, sopir, dan kurir: {format_rupiah(transport.total)}"
        if with_jht:
            q = bpu_quote(worker, income if exact else None, first, facts)
            jht = q.jht if exact and q.jht else q.lowest_jht
            line += f". Dengan JHT {format_rupiah(jht)}: {format_rupiah(amount + jht)}"
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return line + "."


def prepay_start(text: str, on: dt.date) -> dt.date:
    """The first contribution month a prepayment asks for ("mulai Januari 2027", "mulai bulan depan"): a month named
    without a year is the next one of that name; this month when none is named, or one before it."""
    this = on.replace(day=1)
    if _NEXT_MONTH.search(text or ""):
        return (this + dt.timedelta(days=32)).replace(day=1)
    m = _START.search(text or "")
    if not m:
        return this
    month = _MONTH_NUMBERS[m.group(1).lower()]
    year = int(m.group(2)) if m.group(2) else (this.year if month >= this.month else this.year + 1)
    start = dt.date(year, month, 1)
    return start if this <= start <= this.replace(year=this.year + 1) else this


def prepay_line(occupation: str | None, income: int | None, text: str, on: dt.date,
                facts: Facts | None = None, with_jht: bool = False) -> str | None:
    """What paying N contribution months at once from this month costs ("kalau bayar 3 bulan sekaligus?"), each month
    priced for itself (a discount window that ends inside the period is counted): for the worker's own group when the
    conversation knows it, else for the self-employed outside and inside the transport group. JKK+JKM only; None
    without a number of months and a word of paying at once or their first month ("6 bulan mulai desember"), or a
    span of months to pay ("bayar dari Des sampai Maret"), or for more months than can be prepaid. ``with_jht``: the
    worker takes JHT, so the total with it too."""
    t = text or ""
    m = _PREPAY_MONTHS.search(t)
    span = month_span(t, on) if _PAY_WORDS.search(t) else None
    if span and span[0] >= on.replace(day=1) and not owed_months(t, on):  # "oktober s.d. desember" in December
        # is owed, not next year's
        first, months = span  # "bayar dari Des sampai Maret", "Desember, Januari dan Februari sekaligus"
    elif m and (_PREPAY.search(t) or _PREPAY_FROM.search(t)):
        first, months = prepay_start(t, on), int(m.group(1)) if m.group(1) else 12
    else:
        return None
    facts = facts or get_facts()
    try:
        if not 1 < months <= max(prepay_options(on, facts) or (12,)):
            return None
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return _months_line(f"Bayar {months} bulan sekaligus mulai iuran {format_month(first)}", occupation, income,
                        first, months, on, facts, with_jht)


def _months_line(head: str, occupation: str | None, income: int | None, first: dt.date, months: int, on: dt.date,
                 facts: Facts, with_jht: bool) -> str | None:
    """``head``, then the months from ``first`` priced each for itself (JKK+JKM) for the worker's own group, or for the
    self-employed outside and inside the transport group; with JHT's total when ``with_jht``."""
    try:
        known = occupation is not None and worker_for(str(occupation)).category == "BPU"
        worker = worker_for(str(occupation) if known else _PREPAY_DEFAULT)
        exact = bool(income) and bpu_quote(worker, int(income), first, facts).exact
        line = f"{head} (JKK+JKM"
        line += f", penghasilan {format_rupiah(int(income))}): " if exact else "): "
        line += _plan_text(worker, income, months, first, facts)
        if income and not exact:
            line += (f" (golongan terendah; untuk penghasilan {format_rupiah(int(income))} angka pastinya cek di JMO "
                     f"atau call center {facts.value('contact.call_centre', on)})")
        if not known:
            line = line.replace("(JKK+JKM", "(JKK+JKM pekerja mandiri", 1)
            transport = _plan_text(worker_for(_PREPAY_TRANSPORT), income, months, first, facts)
            line += f". Untuk ojol, ojek pangkalan, sopir, dan kurir: {transport}"
        if with_jht:
            jht = bpu_quote(worker, income, first, facts)
            jht_month = jht.jht if exact and jht.jht else jht.lowest_jht
            plan = month_amounts(worker, income, first, months, facts)
            line += (f". Dengan JHT {format_rupiah(jht_month)} per bulan (tidak didiskon): total "
                     f"{format_rupiah(plan.total + months * jht_month)}")
            return line + "."
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return line + ". JHT (pilihan) dibayar penuh di luar itu."


def _month_on_or_before(month: int, this: dt.date) -> dt.date:
    return dt.date(this.year if month <= this.month else this.year - 1, month, 1)


def owed_months(text: str, on: dt.date) -> tuple[dt.date, int] | None:
    """Months named that end this month or the one before ("oktober, november, sama desember" or "dari Oktober s.d.
    Desember" in December), each the latest of its name on or before this month: (first, how many); None when the
    message names no such run of consecutive months, or names a year."""
    t = text or ""
    this = on.replace(day=1)
    m = _SPAN.search(t)
    if m and not (m.group(2) or m.group(4)):
        start, end, listed = _MONTH_NUMBERS[m.group(1).lower()], _MONTH_NUMBERS[m.group(3).lower()], None
    else:
        m = _LISTED.search(t)
        if not m:
            return None
        names = [_MONTH_NUMBERS[n.lower()] for n in _ONE_MONTH.findall(m.group(0))]
        start, end, listed = names[0], names[-1], len(names)
    last = _month_on_or_before(end, this)
    first = _month_on_or_before(start, last)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    behind = (this.year - last.year) * 12 + this.month - last.month
    if behind > 1 or (listed is not None and listed != months):
        return None
    return first, months


def arrears_line(occupation: str | None, income: int | None, text: str, on: dt.date, facts: Facts | None = None,
                 with_jht: bool = False) -> str | None:
    """"brp yg hrs sy bayar skrg utk oktober, november, sama desember?": the months owed, each priced for itself (a
    discount month keeps its discount though paid later), and their total; None unless the message speaks of paying
    months that end now (:func:`owed_months`) and can still be paid (the cover ended less than ``bpu.lapse_months``
    ago)."""
    if not _PAY_WORDS.search(text or ""):
        return None
    owed = owed_months(text, on)
    facts = facts or get_facts()
    try:
        lapse = int(facts.value("bpu.lapse_months", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if owed is None or owed[1] < 2:
        return None
    first, months = owed
    this = on.replace(day=1)
    if (this.year - first.year) * 12 + this.month - first.month >= lapse:
        return None  # the cover ended more than bpu.lapse_months ago: membership has ended (the late answer says so)
    last = _months_after(first, months - 1)
    return _months_line(f"Iuran {months} bulan, {format_month(first)} s.d. {format_month(last)}, tanpa denda",
                        occupation, income, first, months, on, facts, with_jht)


#: A project's contract value ("nilai kontrak 800 juta", "SPK 1,2 miliar", "Rp 750.000.000").
_CONTRACT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(miliar|milyar|m|juta|jt)\b|rp\.?\s*(\d{1,3}(?:\.\d{3}){2,})", re.I)
_CONTRACT_WORDS = re.compile(r"\b(kontrak\w*|proyek\w*|spk|nilai|pagu|anggaran|tender|pekerjaan)\b", re.I)
_TIERS = 5


#: Words before an amount that make it a wage, not a contract value ("upah ayah sekitar 2,8 juta").
_WAGE_BEFORE = re.compile(r"\b(upah\w*|gaji\w*|penghasilan\w*|honor\w*|pendapatan\w*)\b[^.?!,;]{0,20}$", re.I)


def contract_value(text: str) -> int | None:
    """The contract value a message names beside a word of contracts, in rupiah, or None. An amount said as a wage
    ("upah ayah sekitar 2,8 juta" in a story about a project) is no contract value."""
    t = text or ""
    if not _CONTRACT_WORDS.search(t):
        return None  # "gaji 2 juta" after a project is a wage
    for m in _CONTRACT.finditer(t):
        if _WAGE_BEFORE.search(t[:m.start()]):
            continue
        if m.group(3):
            return int(m.group(3).replace(".", ""))
        raw = m.group(1)
        separators = raw.count(".") + raw.count(",")
        number = float(raw.replace(",", ".")) if separators == 1 else float(raw.replace(".", "").replace(",", ""))
        unit = m.group(2).lower()
        return int(round(number * (1_000_000_000 if unit in ("miliar", "milyar", "m") else 1_000_000)))
    return None


_BALANCE = re.compile(r"\bsaldo\w*\b.{0,30}?(\d+(?:[.,]\d+)?)\s*(juta|jt)\b|"
                      r"\bsaldo\w*\b.{0,30}?rp\.?\s*(\d{1,3}(?:\.\d{3}){2,})", re.I)


#: A balance said right after "JHT" ("JHT sy 48 juta", "jht saya sdh 30 jt").
_JHT_BALANCE = re.compile(r"\bjht\s*(?:sy|saya|sa|ku|aku|nya|kami)?\s*(?:ada|sekitar|skrg|sekarang|sudah|sdh|udah|"
                          r"tinggal)?\s*(?:rp\.?\s*)?(\d+(?:[.,]\d+)?)\s*(juta|jt)\b", re.I)


def balance_value(text: str) -> int | None:
    """The JHT balance a message names ("saldo sy 55 juta", "saldonya Rp 12.500.000", "JHT sy 48 juta"), in rupiah,
    or None."""
    m = _BALANCE.search(text or "")
    if m:
        return _to_rupiah(m.group(1), m.group(2), m.group(3))
    m = _JHT_BALANCE.search(text or "")
    return _to_rupiah(m.group(1), m.group(2), None) if m else None


#: Asking for a partial claim by its purpose or share ("kalau untuk rumah dapat brp?"), not "KPJ masih aktif".
_PARTIAL_ASKED = re.compile(r"\b(sebagian|sbgian|rumah|perumahan|kpr|dp rumah|persiapan pensiun)\b|"
                            r"\b(?:10|30)\s*(?:%|persen)", re.I)


def asks_partial(text: str) -> bool:
    """The message asks about a partial JHT claim by its purpose or share ("kalau untuk rumah dapat brp?",
    "yg 10% brp?"); "KPJ masih aktif" is no such question."""
    return bool(_PARTIAL_ASKED.search(text or ""))


def balance_line(text: str, on: dt.date, facts: Facts | None = None, partial: bool = False) -> str | None:
    """Where a JHT balance the message names is claimed (JMO up to its limit, else Lapak Asik or the branch) and
    whether it needs an NPWP; what a partial claim of it comes to when the message (or, ``partial``, the topic under
    discussion) is about one; None without a balance."""
    value = balance_value(text)
    if not value:
        return None
    facts = facts or get_facts()
    try:
        limit, npwp = int(facts.value("jmo.jht_claim_limit", on)), int(facts.value("jht.npwp_threshold", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if partial or _PARTIAL.search(text or ""):
        return _partial_line(value, on, facts)
    where = (f"sampai batas {format_rupiah(limit)}, jadi bisa diklaim lewat aplikasi JMO" if value <= limit else
             f"di atas {format_rupiah(limit)}, jadi klaimnya lewat Lapak Asik atau kantor cabang, bukan JMO")
    line = f"Saldo {format_rupiah(value)}: {where}."
    if value > npwp:
        line += f" Karena saldonya di atas {format_rupiah(npwp)}, siapkan juga NPWP."
    return line


#: A partial claim while still working ("masih bekerja", "sebagian", "untuk rumah", "10 persen").
_PARTIAL = re.compile(r"\b(sebagian|sbgian|masih (?:bekerja|kerja|aktif)|msh kerja|rumah|perumahan|kpr|dp rumah|"
                      r"persiapan pensiun)\b", re.I)


def _partial_line(value: int, on: dt.date, facts: Facts) -> str | None:
    """What a partial JHT claim of a ``value`` balance comes to: the retirement and the housing share."""
    try:
        years = int(facts.value("jht.partial_min_years", on))
        retire, housing = float(facts.value("jht.partial_retirement_pct", on)), \
            float(facts.value("jht.partial_housing_pct", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    retire_amount, housing_amount = format_rupiah(percent_of(value, retire)), format_rupiah(percent_of(value, housing))
    return (f"Saldo {format_rupiah(value)}, kepesertaan minimal {years} tahun dan masih bekerja: bisa diambil "
            f"sebagian, pilih salah satu: paling banyak {_pct(retire)} = {retire_amount} untuk persiapan pensiun, "
            f"atau paling banyak {_pct(housing)} = {housing_amount} untuk perumahan. Klaim sebagian hanya sekali.")


def _date_after(words: str) -> re.Pattern:
    """A day and month (and year) told within a few words after one of ``words`` ("di-PHK tanggal 20 November")."""
    months = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
    return re.compile(rf"\b(?:{words})\b.{{0,60}}?\b(\d{{1,2}})\s+({months})\b\.?(?:\s+(\d{{4}}))?", re.I | re.S)


def _date_before(words: str) -> re.Pattern:
    """A day and month (and year) told just before one of ``words`` in the same sentence ("Tanggal 5 Agustus 2026
    saya kena PHK")."""
    months = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
    return re.compile(rf"(?<!sejak )(?<!mulai )(?<!dari )\b(\d{{1,2}})\s+({months})\b\.?(?:\s+(\d{{4}}))?,?"
                      rf"(?:(?!\b(?:kerja|bekerja|masuk|mulai|sejak)\b)[^.?!,;\d]){{0,30}}?\b(?:{words})\b", re.I)


def _month_after(words: str) -> re.Pattern:
    """A month and year without a day within a few words after one of ``words`` ("di-PHK awal Mei 2026")."""
    months = "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
    return re.compile(rf"\b(?:{words})\b[^.?!\d]{{0,60}}?\b(?:(awal|akhir|pertengahan|tengah)\s+)?(?:bulan\s+)?"
                      rf"({months})\b\.?\s+(20\d\d)\b", re.I)


class MonthOnly(dt.date):
    """A date whose day the worker did not tell ("awal Mei 2026"): said as its month."""


_PHK_WORDS = r"phk|di-?phk|diberhentikan|dipecat|pemutusan hubungan kerja"
_PHK_DATE = _date_after(_PHK_WORDS)
_PHK_DATE_BEFORE = _date_before(_PHK_WORDS)
_PHK_MONTH = _month_after(_PHK_WORDS)
_LEAVING_DATE = _date_after(_PHK_WORDS + r"|resign|berhenti|keluar|mengundurkan diri")
_LEAVING_DATE_BEFORE = _date_before(_PHK_WORDS + r"|resign|berhenti|keluar|mengundurkan diri")
#: The month work ended, told without a day and maybe without a year ("sy keluar dr kerja bulan oktober", "resign
#: akhir Oktober 2026"): the leaving word (not "berhenti bayar", not "JHT keluar"), then a month within a few words
#: that hold no number (so not "keluar kerja 3 bulan lalu").
_LEAVING_MONTH = re.compile(r"\b(?:" + _PHK_WORDS + r"|resign|mengundurkan diri|berhenti(?!\s+(?:bayar|byr|membayar|"
                            r"iuran))|keluar(?=\s+(?:kerja|dari|dr|dri|di)\b))\b[^.?!\d]{0,40}?"
                            r"\b(?:(awal|akhir|pertengahan|tengah)\s+)?(?:bulan\s+|bln\s+)?(" + _MONTH_ALT
                            + r")\b\.?(?:\s+(20\d\d))?", re.I)


def phk_date(text: str, on: dt.date, leaving: bool = False) -> dt.date | None:
    """The date of a PHK a message tells ("di-PHK tanggal 20 November 2026", "kena phk 3 okt"), or with ``leaving``
    of any end of work (resigning too); without a year, the latest such date not after ``on``. None when there is
    none or it is no date."""
    m = (_LEAVING_DATE if leaving else _PHK_DATE).search(text or "") \
        or (_LEAVING_DATE_BEFORE if leaving else _PHK_DATE_BEFORE).search(text or "")
    if not m:
        return leaving_month(text, on) if leaving else phk_month(text, on)
    day, month = int(m.group(1)), _MONTH_NUMBERS[m.group(2).lower()]
    year = int(m.group(3)) if m.group(3) else on.year
    try:
        d = dt.date(year, month, day)
        if not m.group(3) and d > on:
            d = dt.date(year - 1, month, day)
    except ValueError:
        return None
    return d


#: The month of a PHK told as "bulan Mei" without a year ("PHK-nya bukan kemarin, tp bulan Mei lalu").
_PHK_MONTH_NO_YEAR = re.compile(r"\b(?:" + _PHK_WORDS + r")\b[^.?!\d]{0,60}?\b(?:(awal|akhir|pertengahan|tengah)\s+)?"
                                r"(?:bulan|bln)\s+(" + _MONTH_ALT + r")\b(?!\.?\s+20\d\d)", re.I)


def phk_month(text: str, on: dt.date | None = None) -> MonthOnly | None:
    """The month of a PHK told without its day ("di-PHK dari perusahaan tambang awal Mei 2026"): its first day
    ("awal" or no word), the 15th ("pertengahan") or its last day ("akhir"), as :class:`MonthOnly`; with ``on``, also
    "bulan Mei" without a year: the latest such month not after ``on``'s."""
    m = _PHK_MONTH.search(text or "")
    if m:
        month, year = _MONTH_NUMBERS[m.group(2).lower()], int(m.group(3))
    else:
        m = _PHK_MONTH_NO_YEAR.search(text or "") if on else None
        if not m:
            return None
        month = _MONTH_NUMBERS[m.group(2).lower()]
        year = on.year if month <= on.month else on.year - 1
    when = (m.group(1) or "").lower()
    day = 15 if when in ("pertengahan", "tengah") else 1
    if when == "akhir":
        day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return MonthOnly(year, month, day)


def leaving_month(text: str, on: dt.date) -> MonthOnly | None:
    """The month work ended, told without its day ("sy keluar dr kerja bulan oktober"): its first day ("awal" or no
    word), the 15th ("pertengahan") or its last day ("akhir"), as :class:`MonthOnly`; without a year, the latest such
    month not after ``on``'s."""
    m = _LEAVING_MONTH.search(text or "")
    if not m:
        return None
    month = _MONTH_NUMBERS[m.group(2).lower()]
    year = int(m.group(3)) if m.group(3) else (on.year if month <= on.month else on.year - 1)
    when = (m.group(1) or "").lower()
    day = 15 if when in ("pertengahan", "tengah") else 1
    if when == "akhir":
        day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return MonthOnly(year, month, day)


def jkp_deadline_line(phk: dt.date, on: dt.date, facts: Facts | None = None,
                      planned: dt.date | None = None) -> str | None:
    """The last day to claim JKP for a PHK on ``phk`` (``jkp.claim_deadline`` months later), and whether it passed;
    with ``planned`` (the month the worker thinks of claiming in), whether that month is too late."""
    facts = facts or get_facts()
    try:
        months = int(facts.value("jkp.claim_deadline", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    last = _months_after(phk, months)
    if isinstance(phk, MonthOnly):  # "awal Mei 2026": the months, not a day the worker did not tell
        line = (f"PHK bulan {format_month(phk)}: klaim JKP paling lambat {months} bulan setelah PHK, yaitu sekitar "
                f"{format_month(last)}")
        if (last.year, last.month) == (on.year, on.month):
            return line + ": batasnya bulan ini, tergantung tanggal PHK Anda. Ajukan secepatnya."
        if last < on:
            return line + ". Batas itu sudah lewat."
        return line + ": masih sempat, ajukan segera."
    line = f"PHK tanggal {format_date(phk)}: klaim JKP paling lambat {format_date(last)} ({months} bulan setelah PHK)"
    if last < on:
        return line + ". Batas itu sudah lewat."
    if planned and planned > last:
        return line + (f". Kalau baru diklaim {format_month(planned)}, batas itu sudah terlewat dan JKP tidak bisa "
                       f"diklaim lagi: ajukan sebelum {format_date(last)}.")
    return line + ": masih sempat, ajukan segera."


#: A month and year the worker names ("sampai Februari 2027").
_MONTH_YEAR = re.compile(r"\b(" + _MONTH_ALT + r")\s+(20\d\d)\b", re.I)


def planned_month(text: str, not_on: dt.date | None = None) -> dt.date | None:
    """The first month and year ``text`` names other than ``not_on``'s (the PHK date the same text may tell), as
    the first day of that month, or None."""
    for m in _MONTH_YEAR.finditer(text or ""):
        d = dt.date(int(m.group(2)), _MONTH_NUMBERS[m.group(1).lower()], 1)
        if not_on is None or (d.year, d.month) != (not_on.year, not_on.month):
            return d
    return None


#: When the job (and its contributions) began: "kerja di sana sejak Maret 2025", "mulai kerja dari Juni 2024".
_WORKED_SINCE = re.compile(r"\b(?:sejak|dari|mulai|masuk|mulai kerja|masuk kerja)\s+"
                           r"(?:bulan\s+|bln\s+|tgl\s+\d{1,2}\s+|"
                           r"tanggal\s+\d{1,2}\s+)?(" + _MONTH_ALT + r")\s+(20\d\d)\b", re.I)


def worked_since(text: str) -> dt.date | None:
    """The first month of a job a message tells with its year ("sejak Maret 2025"), or None."""
    m = _WORKED_SINCE.search(text or "")
    return dt.date(int(m.group(2)), _MONTH_NUMBERS[m.group(1).lower()], 1) if m else None


def jkp_months_line(start: dt.date, phk: dt.date | None, on: dt.date, facts: Facts | None = None) -> str | None:
    """Whether a job that began in ``start``'s month and ended by a PHK on ``phk`` (or goes on until ``on``) has the
    months of contributions JKP asks for (``jkp.min_contrib_months`` of the last ``jkp.contrib_window_months``),
    counting each month of the job as paid. None when the start is after the end or a fact is missing."""
    facts = facts or get_facts()
    try:
        need = int(facts.value("jkp.min_contrib_months", on))
        window = int(facts.value("jkp.contrib_window_months", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    end = (phk or on).replace(day=1)
    if start > end:
        return None
    months = min((end.year - start.year) * 12 + end.month - start.month + 1, window)
    until = f"PHK {format_month(end)}" if phk else f"{format_month(end)}"
    said = f"Dari {format_month(start)} sampai {until}: sekitar {months} bulan"
    if months >= need:
        return (f"{said}. Bila iurannya tercatat tiap bulan, syarat minimal {need} bulan iuran dalam {window} bulan "
                f"terakhir terpenuhi.")
    return (f"{said}, kurang dari syarat minimal {need} bulan iuran dalam {window} bulan terakhir, jadi belum "
            f"memenuhi syarat JKP (kecuali ada bulan iuran dari pekerjaan sebelumnya).")


#: How long one worked or paid, told as a duration ("sy kerja baru 10 bulan", "eh salah, sy kerja sdh 2 tahun").
_TENURE = re.compile(r"\b(?:kerja|bekerja|ikut|iuran|iurannya|masa kerja|terdaftar|jadi peserta)\b[^.?!\d]{0,15}?"
                     r"\b(\d{1,2})\s*(bulan|bln|tahun|thn|th)\b", re.I)


def jkp_tenure_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """Whether the months or years one worked (each month paid) meet JKP's minimum (``jkp.min_contrib_months`` of
    the last ``jkp.contrib_window_months``): "sy kerja baru 10 bulan" after JKP. None without such a duration."""
    m = _TENURE.search(text or "")
    if not m:
        return None
    facts = facts or get_facts()
    try:
        need = int(facts.value("jkp.min_contrib_months", on))
        window = int(facts.value("jkp.contrib_window_months", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    months = n * (12 if unit in ("tahun", "thn", "th") else 1)
    said = f"Masa kerja {n} {'tahun' if unit in ('tahun', 'thn', 'th') else 'bulan'}"
    if months >= need:
        line = (f"{said}: bila iurannya tercatat tiap bulan, syarat minimal {need} bulan iuran dalam {window} bulan "
                f"terakhir terpenuhi.")
        try:  # what that entitles to ("oh maaf sy salah, dia kerja 14 bulan" after JKP was out of reach)
            pct, paid = float(facts.value("jkp.benefit_pct", on)), int(facts.value("jkp.benefit_months", on))
            cap = int(facts.value("jkp.wage_cap", on))
        except (KeyError, LookupError, TypeError, ValueError):
            return line
        return line + (f" JKP membayar {_pct(pct)} upah (upah dihitung maks. {format_rupiah(cap)}) per bulan, "
                       f"paling lama {paid} bulan.")
    return (f"{said}: kurang dari syarat minimal {need} bulan iuran dalam {window} bulan terakhir, jadi belum memenuhi "
            f"syarat JKP (kecuali ada bulan iuran dari pekerjaan sebelumnya).")


#: A birth year told ("sa lahir 1969", "lahir Mei 1968", "kelahiran thn 1970", "lahir 12 Mei 1968").
_BORN = re.compile(r"\b(?:lahir|lhr|kelahiran)\w*\s+(?:(?:tgl|tanggal)\s+)?(?:\d{1,2}\s+)?(?:(?:bulan|bln)\s+)?"
                   r"(?:(" + _MONTH_ALT + r")\s+)?(?:(?:tahun|thn|th)\s+)?(19\d\d|20\d\d)\b", re.I)


def born_on(text: str) -> tuple[int, int | None] | None:
    """The birth year (and month, when told) a message tells, or None."""
    m = _BORN.search(text or "")
    if not m:
        return None
    return int(m.group(2)), (_MONTH_NUMBERS[m.group(1).lower()] if m.group(1) else None)


def jht_age_line(year: int, on: dt.date, facts: Facts | None = None) -> str | None:
    """The year someone born in ``year`` reaches the JHT age (``jht.age``): "sa lahir 1970, umur berapa bisa ambil
    JHT full?"."""
    facts = facts or get_facts()
    try:
        age = int(facts.value("jht.age", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    reach = year + age
    when = ("tahun ini" if reach == on.year else "sudah lewat, jadi JHT sudah bisa diklaim karena usia"
            if reach < on.year else f"pada tahun {reach}")
    return (f"Lahir {year}: usia {age} tahun (usia klaim JHT penuh) Anda capai tahun {reach}, {when}. Sebelum itu "
            f"JHT juga cair bila berhenti bekerja.")


def jp_pension_line(year: int, month: int | None, on: dt.date, since: dt.date | None = None,
                    facts: Facts | None = None, defer_asked: bool = False) -> str | None:
    """When someone born in ``year`` (``month``) reaches JP's pension age, which rises by the year it is reached
    (``jp.pension_age``); once reached, until when the pension may wait for someone still working
    (``jp.defer_max_years``); and, with the month JP contributions began (``since``), whether the years paid until then
    reach ``jp.min_contrib_years`` for a monthly pension. None when a fact is missing."""
    facts = facts or get_facts()
    try:
        defer = int(facts.value("jp.defer_max_years", on))
        for y in range(year + 50, year + 71):
            age = int(facts.value("jp.pension_age", dt.date(y, month or 1, 1)))
            if y - year >= age:
                break
        else:
            return None
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    born = f"{format_month(dt.date(year, month, 1))}" if month else str(year)
    reached = format_month(dt.date(y, month, 1)) if month else f"tahun {y}"
    latest = format_month(dt.date(y + defer, month, 1)) if month else f"tahun {y + defer}"
    if dt.date(y, month or 12, 1) <= on.replace(day=1):
        line = (f"Lahir {born}: usia pensiun JP Anda {age} tahun, sudah tercapai {reached}. Bila masih bekerja, "
                f"pensiun diajukan saat berhenti, paling lambat {defer} tahun setelahnya (usia {age + defer}, "
                f"{latest}).")
    else:
        line = f"Lahir {born}: usia pensiun JP Anda {age} tahun, tercapai {reached}."
        if defer_asked:  # "klo sy terus kerja sampai 2030, bisa ditunda?"
            line += (f" Bila masih bekerja setelah itu, pensiun diajukan saat berhenti, paling lambat {defer} tahun "
                     f"setelahnya (usia {age + defer}, {latest}).")
    if since:
        line += " " + (jp_membership_line(since, dt.date(y, month or 12, 1), on, facts, "sampai itu") or "")
    return line.strip()


def jp_membership_line(since: dt.date, until: dt.date, on: dt.date, facts: Facts | None = None,
                       said_until: str | None = None) -> str | None:
    """The years of JP contributions from ``since`` to ``until`` (months) and whether they reach
    ``jp.min_contrib_years`` for a monthly pension. None when there are none or a fact is missing."""
    facts = facts or get_facts()
    try:
        need = int(facts.value("jp.min_contrib_years", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    months = (until.year - since.year) * 12 + until.month - since.month
    if months <= 0:
        return None
    span = f"{months // 12} tahun" + (f" {months % 12} bulan" if months % 12 else "")
    return (f"Masa iur dari {format_month(since)} {said_until or 'sampai ' + format_month(until)} sekitar {span}: "
            + (f"cukup untuk pensiun bulanan (minimal {need} tahun)." if months >= need * 12 else
               f"kurang dari {need} tahun, jadi JP dibayar sekaligus (iuran plus hasil pengembangannya), bukan "
               f"bulanan."))


def jp_formula_line(years: int, wage: int, on: dt.date, facts: Facts | None = None) -> str | None:
    """The first year's monthly JP pension for ``years`` of contributions and an average monthly ``wage``
    (``jp.accrual_rate`` x years x wage, PP 45/2015 Pasal 17), when the years reach ``jp.min_contrib_years``; None
    otherwise (a lump sum, said by :func:`membership_line`) or when a fact is missing."""
    facts = facts or get_facts()
    try:
        rate = float(facts.value("jp.accrual_rate", on))
        need = int(facts.value("jp.min_contrib_years", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    if years < need or wage <= 0:
        return None
    amount = round(rate / 100 * years * wage)
    return (f"Perkiraan pensiun bulanan tahun pertama: {_pct(rate)} x {years} tahun x {format_rupiah(wage)} = "
            f"{format_rupiah(amount)} per bulan (rumus PP 45/2015 Pasal 17, dengan upah rata-rata tertimbang per "
            f"bulan); angka pastinya dihitung BPJS Ketenagakerjaan, tanyakan ke call center atau kantor cabang.")


#: How long ago work ended, told as a duration ("sy sdh keluar kerja 3 minggu", "resign 2 bulan lalu", "baru di-PHK
#: 10 hari yg lalu"): the number and its unit.
_LEFT_AGO = re.compile(r"\b(?:keluar|berhenti|resign|phk|di-?phk|dipecat|diberhentikan)\b(?:\s+(?:dari\s+)?"
                       r"(?:kerja|kantor|perusahaan|pabrik|pt)\w*)?\s+(?:sudah\s+|sdh\s+|udah\s+|baru\s+)?"
                       r"(\d{1,2}|satu|dua|tiga|empat|lima|enam|se)\s*(hari|minggu|mgg|bulan|bln)\b", re.I)
_SMALL_NUMBERS = {"se": 1, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6}


def left_ago(text: str, on: dt.date) -> tuple | None:
    """When work ended, told as a duration ago ("sy sdh keluar kerja 3 minggu"): (that day, "3 minggu"), or None."""
    m = _LEFT_AGO.search(text or "")
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _SMALL_NUMBERS[m.group(1).lower()]
    unit = m.group(2).lower()
    if unit in ("bulan", "bln"):
        index = on.month - 1 - n
        year, month = on.year + index // 12, index % 12 + 1
        day = min(on.day, [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
        return dt.date(year, month, day), f"{n} bulan"
    days = n * (7 if unit in ("minggu", "mgg") else 1)
    return on - dt.timedelta(days=days), f"{n} {'minggu' if days % 7 == 0 and unit != 'hari' else 'hari'}"


def jht_after_ago_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """"sy sdh keluar kerja 3 minggu" after when JHT pays: from about when it can be claimed (``jht.claim_wait``
    months after work ended). None without such a duration."""
    told = left_ago(text, on)
    if told is None:
        return None
    left, ago = told
    months = _claim_wait(on, facts)
    if months is None:
        return None
    first = _months_after(left, months)
    return (f"Berhenti kerja sekitar {ago} lalu: klaim JHT bisa diajukan {months} bulan setelah berhenti, "
            + ("jadi sekarang sudah bisa." if first <= on else f"jadi kira-kira mulai {format_date(first)}."))


def jht_from_line(left: dt.date, on: dt.date, facts: Facts | None = None) -> str | None:
    """From when JHT can be claimed after work ended on ``left`` (``jht.claim_wait`` months later)."""
    months = _claim_wait(on, facts)
    if months is None:
        return None
    first = _months_after(left, months)
    if isinstance(left, MonthOnly):  # "keluar bulan oktober": the month, not a day the worker did not tell
        month_end = dt.date(left.year + left.month // 12, left.month % 12 + 1, 1) - dt.timedelta(days=1)
        line = (f"Berhenti kerja bulan {format_month(left)}: klaim JHT bisa diajukan {months} bulan setelah "
                f"berhenti, yaitu mulai {format_month(first)}")
        if _months_after(month_end, months) <= on:
            return line + ", jadi sekarang sudah bisa."
        if first <= on:
            return line + ": bisa jadi sudah bisa sekarang, tergantung tanggal berhenti Anda."
        return line + "."
    return (f"Berhenti kerja tanggal {format_date(left)}: klaim JHT bisa diajukan mulai {format_date(first)} "
            f"({months} bulan setelahnya)" + (", jadi sekarang sudah bisa." if first <= on else "."))


def _claim_wait(on: dt.date, facts: Facts | None = None) -> int | None:
    """The months after work ends before JHT can be claimed (``jht.claim_wait``), or None when not known."""
    try:
        return int((facts or get_facts()).value("jht.claim_wait", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None


def _months_after(d: dt.date, months: int) -> dt.date:
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    last_day = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
                30, 31][month - 1]
    return dt.date(year, month, min(d.day, last_day))


def project_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """A construction project's JKK and JKM for the contract value the message names: the rates of its value's tier
    (``jakon.*``); above the first tier, whether the rates apply tier by tier is unconfirmed and said so. None without
    a contract value."""
    value = contract_value(text)
    if not value or value <= 0:
        return None
    facts = facts or get_facts()
    try:
        tier = next((i for i in range(1, _TIERS) if value <= int(facts.value(f"jakon.tier{i}_max", on))), _TIERS)
        jkk, jkm = float(facts.value(f"jakon.jkk.tier{tier}", on)), float(facts.value(f"jakon.jkm.tier{tier}", on))
        centre = facts.value("contact.call_centre", on)
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    a, b = percent_of(value, jkk), percent_of(value, jkm)
    line = (f"Untuk nilai kontrak {format_rupiah(value)}: JKK {_pct(jkk)} = {format_rupiah(a)}, JKM {_pct(jkm)} = "
            f"{format_rupiah(b)}; total {format_rupiah(a + b)}, dibayar kontraktor untuk seluruh pekerja proyek "
            "(didaftarkan lewat E-Jakon).")
    if tier > 1:
        line += (f" Ini dengan tarif golongan nilai itu untuk seluruh nilai kontrak; apakah dihitung bertingkat per "
                 f"golongan belum bisa kami pastikan: cek ke call center {centre} atau kantor cabang.")
    return line


#: Who pays a group's contributions from public money (APBN/APBD, village funds): no PP 50/2025 discount for them.
_PUBLIC_MONEY = re.compile(r"\b(desa|dana desa|add|apbdes|apbd|apbn|pemda|pemkab|pemkot|pemerintah daerah|"
                           r"kelurahan|dinas|anggaran daerah)\b", re.I)


#: Months after this one asked of, without naming them ("bulan2 berikutnya", "tahun depan").
_LATER = re.compile(r"\b(tahun depan|thn depan|bulan depan|bln depan|berikutnya|selanjutnya|seterusnya)\b", re.I)


#: Public money named as the payer, told in an earlier turn ("dari dana desa", "dianggarkan APBD").
_PUBLIC_BUDGET = re.compile(r"\b(dana desa|alokasi dana desa|add|apbdes|apbd|apbn|anggaran desa|anggaran daerah|"
                            r"dianggarkan|menganggarkan|anggarkan)\b", re.I)


def public_money(text: str) -> bool:
    """The message says the contributions are paid from a public budget (a village's or a regency's)."""
    return bool(_PUBLIC_BUDGET.search(text or ""))


def group_line(text: str, on: dt.date, facts: Facts | None = None, public: bool = False) -> str | None:
    """What the lowest JKK+JKM contribution costs for the N self-employed workers a message counts ("kelompok 12
    penenun ... untuk 12 orang, bulan ini brp dan bulan Januari nanti brp?"), each month priced for itself: this
    month (and any other month the message names), or, with a period ("selama 12 bulan mulai Januari 2027"), the
    whole period. Paid from public money (a village, a regency) it is the sponsor's sum at the normal rate
    (:func:`sponsor_line`): PP 50/2025 does not discount contributions paid by APBN/APBD. The occupation named sets
    the discount window (transport or not). None without a count of two workers or more."""
    t = with_counts(text)
    people = _PEOPLE.search(t)
    if not people or int(people.group(1)) < 2:
        return None
    if public or _PUBLIC_MONEY.search(t):  # (``public``: said earlier in the conversation)
        return sponsor_line(t, on, facts)
    facts = facts or get_facts()
    count = int(people.group(1))
    from lingkar.parsing.occupation import match_occupation  # parsing imports the calculator: no cycle at load
    occupation = match_occupation(t)
    try:
        worker = worker_for(occupation.key if occupation is not None and occupation.category == "BPU"
                            else _PREPAY_DEFAULT)
    except Exception:
        worker = worker_for(_PREPAY_DEFAULT)
    group = "ojol, ojek, sopir, kurir" if worker.transport else "pekerja mandiri"
    m, y, span = _MONTHS.search(t), _YEARS.search(t), month_span(t, on)
    months = span[1] if span else int(m.group(1)) if m else (12 * (int(y.group(1)) if y.group(1) else 1)) if y else 0
    try:
        if months > 1:
            first = span[0] if span else prepay_start(t, on)
            plan = month_amounts(worker, None, first, months, facts)
            return (f"Untuk {count} orang ({group}, JKK+JKM penghasilan terendah), {months} bulan mulai iuran "
                    f"{format_month(first)}: per orang {_plan_text(worker, None, months, first, facts)}; semuanya "
                    f"{count} x {format_rupiah(plan.total)} = {format_rupiah(count * plan.total)}.")
        firsts = [on.replace(day=1)]
        later = _LATER.search(t)
        if later:  # "bulan ini dan bulan2 berikutnya", "tahun depan": the next month (January for next year)
            nxt = (on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            firsts.append(dt.date(on.year + 1, 1, 1) if later.group(1).lower().startswith(("tahun", "thn"))
                          else nxt)
        for name in _ONE_MONTH.findall(t):
            d = _month_on_or_after(_MONTH_NUMBERS[name.lower()], None, on.replace(day=1))
            if d not in firsts:
                firsts.append(d)
        parts = []
        for first in firsts:
            amount = month_amounts(worker, None, first, 1, facts).total
            parts.append(f"iuran {format_month(first)}: {count} x {format_rupiah(amount)} = "
                         f"{format_rupiah(count * amount)}")
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    return f"Untuk {count} orang ({group}, JKK+JKM penghasilan terendah): {'; '.join(parts)}."


#: Topics whose answer has figures for a number of workers the message counts: a sponsor's sum, an agent's commission.
COUNT_LINES: Dict[str, Callable[[str, dt.date], str | None]] = {
    "ask_gn_lingkaran": sponsor_line, "sponsor_offer": sponsor_line, "ask_agent": agent_line,
    "ask_construction": project_line, "ask_contribution_bpu": group_line,
}


def count_line(topic: str | None, text: str, on: dt.date) -> str | None:
    """The figures of ``topic`` for the workers ``text`` counts, or None."""
    return COUNT_LINES[topic](text, on) if topic in COUNT_LINES else None


__all__ = [
    "COUNT_LINES", "WAGE_TOPICS", "agent_line", "asks_partial", "balance_value", "contract_value", "count_line",
    "counts_workers", "employer_share_line", "group_line", "membership_line", "membership_years", "month_price_line",
    "month_span", "names_period", "period_months", "pmi_contract_line", "prepay_line", "project_line", "risk_class",
    "sponsor_line", "budget_line", "budget_in",
    "wage_line",
]


#: The last contribution month a self-employed member paid: "terakhir bayar iuran bulan Oktober 2026", "bayar
#: terakhir Agustus", "terakhir sa bayar itu bulan juli".
_LAST_PAID = re.compile(r"\b(?:terakhir\s+(?:sa\s+|sy\s+|saya\s+|aku\s+)?(?:bayar|byr|membayar|setor)|"
                        r"(?:bayar|byr|membayar|setor)\s+terakhir)\b[^.?!\d]{0,25}?\b(" + _MONTH_ALT + r")\b"
                        r"(?:\s+(20\d\d))?", re.I)


def last_paid_month(text: str, on: dt.date) -> dt.date | None:
    """The first day of the last month paid, as told; without a year, the latest such month not after ``on``."""
    m = _LAST_PAID.search(text or "")
    if not m:
        return None
    month = _MONTH_NUMBERS[m.group(1).lower()]
    year = int(m.group(2)) if m.group(2) else on.year
    if not m.group(2) and (year, month) > (on.year, on.month):
        year -= 1
    return dt.date(year, month, 1)


def last_paid_line(text: str, on: dt.date, facts: Facts | None = None) -> str | None:
    """"Terakhir bayar iuran bulan Oktober 2026. Masih aktif?": until when the cover ran, the months owed since, and
    the last month in which they can still be paid before membership ends (``bpu.lapse_months`` after the cover
    ended), or that it has ended. None without such a month."""
    paid = last_paid_month(text, on)
    if paid is None or (paid.year, paid.month) > (on.year, on.month):
        return None
    facts = facts or get_facts()
    try:
        lapse = int(facts.value("bpu.lapse_months", on))
    except (KeyError, LookupError, TypeError, ValueError):
        return None
    until = _months_after(paid, lapse)     # the last month in which the arrears can still be paid
    owed = (on.year - paid.year) * 12 + on.month - paid.month
    head = f"Iuran terakhir bulan {format_month(paid)}: perlindungan berjalan sampai akhir {format_month(paid)}."
    if owed <= 0:
        return head + " Iuran bulan ini sudah dibayar, jadi kepesertaan Anda masih aktif."
    if (on.year, on.month) > (until.year, until.month):
        return (head + f" Sudah lebih dari {lapse} bulan berturut-turut tidak bayar, jadi kepesertaan sudah berhenti "
                       f"(nonaktif) dan perlu mendaftar ulang. Pastikan di JMO atau call center "
                       f"{facts.value('contact.call_centre', on)}.")
    first_owed = _months_after(paid, 1)
    span = format_month(first_owed) if owed == 1 else f"{format_month(first_owed)} s.d. {format_month(on)}"
    return (head + f" Kepesertaan belum berhenti: iuran yang belum dibayar ({span}) masih bisa dibayar sampai akhir "
                   f"{format_month(until)}, tanpa denda ({lapse} bulan sejak perlindungan berakhir). Lewat itu "
                   f"kepesertaan berhenti dan perlu mendaftar ulang.")
