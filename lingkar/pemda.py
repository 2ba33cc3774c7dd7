"""The local-government (Pemda) view of one regency: small-number suppression, coverage against the Pemda's own
worker count and the Sultra target (every worker registered by the goal year of content/facts.yml).

Pure: it gets the units the store counted (:meth:`lingkar.store.Store.pemda_cells`: one (month, sector) per
person or lead, so every stage is additive) and returns what the page and the CSV show, as text.

The suppression rule (docs/staff-guide.md, "Tampilan Pemda"):

1. A count from 1 to 4 is shown as ``<5``; 0 is shown as ``0`` (nobody to single out).
2. A total is an exact sum of parts that are published too (the months and the sectors of a stage both add up to
   the stage's total). If any part of any of its breakdowns is ``<5``, the exact total would give that part away
   by subtraction, so the total is shown as a lower bound anyone can already work out from the published parts:
   ``≥ N``, N = the exact parts plus 1 for each ``<5`` part (the largest such bound over the breakdowns, at least
   5). A total below 5 is ``<5``.
3. Anything derived from a suppressed count keeps the bound: a coverage of ``<5`` registered workers is shown as
   ``< p %`` (p = 5 / estimate), of ``≥ N`` as ``≥ p %``, the workers still to register as ``> E-5`` or ``≤ E-N``.
4. The Pemda's own estimates are theirs and shown as given; agents in the regency follow rule 1.

Not covered by the rule: differences between stages (leads minus contacted) are not protected, as they count
no stage a person is in; the month × sector grid is not published (it would make nearly every total a bound);
comparing the page of two days shows that a count moved.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Sequence, Tuple

from lingkar.facts import format_number
from lingkar.parsing import occupations

SMALL = 5
SUPPRESSED = "<5"
STAGES = (("chats", "Chat dimulai"), ("checks", "Cek kelayakan"), ("leads", "Lead"), ("contacted", "Dihubungi"),
          ("registered", "Terdaftar"))
#: The outreach funnels (:meth:`lingkar.store.Store.outreach_funnel`; also the staff funnel page): kind, title, stages.
OUTREACH_STAGES = (("broadcast", "Siaran", (("sent", "Siaran terkirim"), ("replied", "Membalas"),
                                            ("checked", "Cek kelayakan"), ("leads", "Lead"),
                                            ("registered", "Terdaftar"))),
                   ("reminder", "Pengingat bayar", (("sent", "Pengingat terkirim"), ("paid", "Sudah bayar"),
                                                    ("leads", "Lead aktifkan lagi"))))
#: The sector a Pemda gives for the whole regency when they know only the total.
ALL_SECTORS = "semua"
SECTOR_LABELS = {"pertanian": "Pertanian", "perikanan": "Perikanan", "perdagangan": "Perdagangan",
                 "transportasi": "Transportasi", "konstruksi": "Konstruksi", "industri": "Industri",
                 "jasa": "Jasa", "migran": "Pekerja migran", "lainnya": "Lainnya", ALL_SECTORS: "Semua sektor"}
UNKNOWN_SECTOR = "(belum diketahui)"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def sectors() -> List[str]:
    """The sectors of content/occupations.yml (what the eligibility check records), "lainnya" last."""
    found = sorted({o.sector for o in occupations().values()} - {"lainnya"})
    return found + ["lainnya"]


def sector_label(sector: str | None) -> str:
    if not sector:
        return UNKNOWN_SECTOR
    return SECTOR_LABELS.get(sector, sector.capitalize())


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def shown(n: int) -> str:
    """Rule 1: a count as published."""
    return SUPPRESSED if 0 < n < SMALL else format_number(n)


def outreach_shown(rows: Mapping[str, object]) -> List[Tuple[str, str, List[Tuple[str, str, str]]]]:
    """Rule 1 on the regency's outreach funnels: ``rows`` maps a kind of :data:`OUTREACH_STAGES` to the regency's
    row of ``Store.outreach_funnel(kind, "regency")`` (or None: nobody); returns (kind, title, [(stage, label,
    text)]). Each step is a count of people on its own (no total of parts), so rule 1 is enough."""
    return [(kind, title, [(stage, label, shown(getattr(rows.get(kind), stage, 0))) for stage, label in stages])
            for kind, title, stages in OUTREACH_STAGES]


def is_suppressed(n: int) -> bool:
    return 0 < n < SMALL


@dataclass(frozen=True)
class Total:
    """A published total: its text, and the bound it states (``kind``: "exact", "small" (<5) or "atleast")."""

    text: str
    kind: str
    bound: int


def total(value: int, breakdowns: Iterable[Sequence[int]]) -> Total:
    """Rule 2: the total ``value`` of parts published in ``breakdowns`` (each a list of parts adding up to it)."""
    if value < SMALL:
        return Total(shown(value), "small" if value else "exact", value if not value else SMALL)
    lows = []
    for parts in breakdowns:
        if any(is_suppressed(p) for p in parts):
            lows.append(sum(1 if is_suppressed(p) else p for p in parts))
    if not lows:
        return Total(format_number(value), "exact", value)
    low = max(max(lows), SMALL)
    return Total(f"≥ {format_number(low)}", "atleast", low)


def _pct(part: float, whole: float) -> str:
    p = 100 * part / whole
    return format_number(round(p, 1 if p >= 1 else 2)) + " %"


@dataclass
class Coverage:
    estimate: str = "—"
    source: str = ""
    as_of: str = ""
    registered: str = "0"
    share: str = "—"
    remaining: str = "—"
    per_month: str = "—"


def coverage(registered: Total, estimate: int | None, months_left: int) -> Coverage:
    """Rule 3: registered through Lingkar against the Pemda's count, and what is left to the goal."""
    out = Coverage(registered=registered.text)
    if not estimate:
        return out
    out.estimate = format_number(estimate)
    months_left = max(1, months_left)
    if registered.kind == "exact":
        left = max(0, estimate - registered.bound)
        out.share, out.remaining = _pct(registered.bound, estimate), format_number(left)
        out.per_month = format_number(math.ceil(left / months_left))
    elif registered.kind == "small":
        left = max(0, estimate - SMALL)
        out.share, out.remaining = f"< {_pct(SMALL, estimate)}", f"> {format_number(left)}"
        out.per_month = f"± {format_number(math.ceil(left / months_left))}"
    else:
        left = max(0, estimate - registered.bound)
        out.share, out.remaining = f"≥ {_pct(registered.bound, estimate)}", f"≤ {format_number(left)}"
        out.per_month = f"≤ {format_number(math.ceil(left / months_left))}"
    return out


@dataclass
class Row:
    key: str
    label: str
    cells: Dict[str, str]
    coverage: Coverage | None = None


@dataclass
class Report:
    regency: str
    months: List[Row]
    sectors: List[Row]
    total: Row
    agents: str
    subscribers: Dict[str, str]
    goal_year: int
    months_left: int
    estimates_given: bool
    notes: List[str] = field(default_factory=list)


def months_between(first: dt.date, last: dt.date) -> List[dt.date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def build_report(regency: str, cells: Mapping[str, Sequence[Tuple[dt.date, str | None]]],
                 estimates: Mapping[str, object], agents: int, subscribers: Mapping[str, int | None],
                 today: dt.date, goal_year: int) -> Report:
    """The view of one regency, every number as published text (see the module docstring for the rule)."""
    this_month = today.replace(day=1)
    all_months = [m for stage in cells.values() for m, _ in stage]
    months = months_between(min(all_months + [this_month]), max(all_months + [this_month]))
    known = sectors()
    extra = sorted({s for stage in cells.values() for _, s in stage if s and s not in known})
    sector_keys: List[str | None] = known + extra
    if any(s is None for stage in cells.values() for _, s in stage):
        sector_keys.append(None)
    months_left = max(1, (goal_year - today.year) * 12 + (12 - today.month) + 1)

    by_month = {stage: {m: 0 for m in months} for stage, _ in STAGES}
    by_sector = {stage: {s: 0 for s in sector_keys} for stage, _ in STAGES}
    for stage, _ in STAGES:
        for m, s in cells.get(stage, ()):
            by_month[stage][m] += 1
            by_sector[stage][s] += 1
    totals = {stage: total(len(cells.get(stage, ())), [list(by_month[stage].values()),
                                                          list(by_sector[stage].values())])
              for stage, _ in STAGES}

    month_rows = [Row(m.isoformat()[:7], month_label(m), {stage: shown(by_month[stage][m]) for stage, _ in STAGES})
                  for m in reversed(months)]
    sector_rows = []
    for s in sector_keys:
        est = estimates.get(s) if s else None
        reg = by_sector["registered"][s]
        cov = coverage(Total(shown(reg), "small" if is_suppressed(reg) else "exact", reg),
                       getattr(est, "workers", None), months_left)
        if est is not None:
            cov.source, cov.as_of = est.source, est.as_of.isoformat()
        sector_rows.append(Row(s or "", sector_label(s), {stage: shown(by_sector[stage][s]) for stage, _ in STAGES},
                               cov))
    # the whole regency is compared only with the Pemda's count for all sectors: a sum of some sectors' counts
    # against every registered worker would overstate coverage
    whole = estimates.get(ALL_SECTORS)
    total_cov = coverage(totals["registered"], whole.workers if whole is not None else None, months_left)
    if whole is not None:
        total_cov.source, total_cov.as_of = whole.source, whole.as_of.isoformat()
    total_row = Row("total", "Jumlah", {stage: totals[stage].text for stage, _ in STAGES}, total_cov)
    subs = {topic: ("belum tersedia" if n is None else shown(n)) for topic, n in subscribers.items()}
    return Report(regency=regency, months=month_rows, sectors=sector_rows, total=total_row, agents=shown(agents),
                  subscribers=subs, goal_year=goal_year, months_left=months_left, estimates_given=bool(estimates))


CSV_COLUMNS = ("bagian", "kunci", "label") + tuple(s for s, _ in STAGES) + (
    "perkiraan_pemda", "sumber_perkiraan", "tanggal_perkiraan", "cakupan_lingkar", "belum_terdaftar",
    "per_bulan_sampai_target")


def csv_rows(report: Report) -> List[Tuple[str, ...]]:
    """The report as CSV rows (header first): the same published texts as the page, nothing else."""
    rows: List[Tuple[str, ...]] = [CSV_COLUMNS]

    def line(part: str, row: Row) -> Tuple[str, ...]:
        c = row.coverage
        extra = (c.estimate, c.source, c.as_of, c.share, c.remaining, c.per_month) if c else ("",) * 6
        return (part, row.key, row.label) + tuple(row.cells[s] for s, _ in STAGES) + extra

    rows.append(line("total", report.total))
    rows.extend(line("sektor", r) for r in report.sectors)
    rows.extend(line("bulan", r) for r in report.months)
    blank = ("",) * (len(CSV_COLUMNS) - 4)
    rows.append(("agen", "aktif", "Agen Perisai aktif", report.agents) + blank)
    for topic, text in report.subscribers.items():
        rows.append(("pelanggan", topic, f"Pelanggan {topic}", text) + blank)
    rows.append(("target", str(report.goal_year), "Target: semua pekerja terdaftar", str(report.months_left)
                 + " bulan lagi") + blank)
    return rows


__all__ = ["ALL_SECTORS", "CSV_COLUMNS", "SMALL", "STAGES", "SUPPRESSED", "Coverage", "Report", "Row", "Total",
           "build_report", "coverage", "csv_rows", "month_label", "sector_label", "sectors", "shown", "total"]
