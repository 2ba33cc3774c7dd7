"""Eligibility and monthly contribution calculator (issue 3): plain Python, no Rasa imports.

Usage::

    from lingkar.calculator import assess
    r = assess("nelayan", age=35, income=2_000_000, regency="Kota Kendari", on=date(2026, 11, 24))
    r.category                    # "BPU"
    [(p.code, p.status) for p in r.programmes]   # [("JKK", "mandatory"), ..., ("JP", "not_available"), ...]
    r.bpu.jkk_jkm_pay, r.bpu.discount_until      # amounts for that date, the PP 50/2025 window's last month
    r.to_dict()                   # JSON-friendly summary (stored with a lead as its eligibility result)

``occupation`` is a key of content/occupations.yml ("nelayan", "ojol", "karyawan", ...) or a generic profile
(:data:`GENERIC`: "PU", "BPU", "BPU_TRANSPORT", "JAKON", "PMI") for a worker who only says how they work.

Every figure comes from content/facts.yml for the date asked (``get_facts().value(key, on)``); nothing is typed
here. Where the facts stop, so does the calculator:

* BPU contributions follow income **brackets**. Only the brackets facts.yml confirms are priced (the lowest,
  up to ``bpu.bracket1.upper``, and the second, up to ``bpu.bracket2.upper``). For a higher income the bracket
  value is unconfirmed (PP 44/2015 Lampiran II was not read), so :class:`BpuQuote` has ``exact=False`` and no
  amounts for it: the bot states the rule (JKK 1% of the bracket value, JKM flat, JHT 2%), the confirmed lowest
  amount, and where to get the exact figure (JMO, the website, call centre 175).
* The PP 50/2025 discount (50% off JKK+JKM) runs by contribution month, in two windows: transport BPU
  (``bpu.discount.transport``) and all other BPU (``bpu.discount.other``). JHT is never discounted. A payment
  for several months (prepaying 3/6/12 months, or arrears) is priced month by month (:func:`month_amounts`,
  :func:`prepay_plans`, :func:`arrears_plan`): a fisher prepaying six months on 1 December 2026 pays the
  discounted amount for December and the normal one from January 2027.
* JKP's age limit applies at registration, not today: a worker of 54 or more who enrolled younger is still
  covered. When that age at enrolment (``join_age``) is not known, JKP "depends" and the bot asks for it.
* The JP wage cap is the one in force on the date asked (``jp.wage_cap`` has a dated history).
* The BPU maximum age is UNCONFIRMED in the domain notes: the calculator never states one; it flags older
  workers so the bot says where to ask.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, List, Tuple

from lingkar import parsing
from lingkar.facts import Facts, get_facts

PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
#: Programme statuses: what the worker must, may or cannot join.
STATUSES = ("mandatory", "optional", "not_available", "via_project", "automatic", "depends", "check")


class UnknownOccupation(ValueError):
    """The occupation is neither a key of content/occupations.yml nor a generic profile."""


@dataclass(frozen=True)
class Worker:
    """Who the worker is for BPJS Ketenagakerjaan: the category and what follows from the occupation."""

    occupation: str          # occupation key or generic profile name
    category: str            # PU | BPU | JAKON | PMI
    transport: bool          # the PP 50/2025 transport group (ojol, ojek pangkalan, sopir, kurir)
    sector: str              # for the staff funnel
    generic: bool = False    # only the way of working is known, not the occupation


#: Profiles for workers who describe how they work rather than what they do.
GENERIC: Dict[str, Worker] = {
    "PU": Worker("PU", "PU", False, "lainnya", True),
    "BPU": Worker("BPU", "BPU", False, "lainnya", True),
    "BPU_TRANSPORT": Worker("BPU_TRANSPORT", "BPU", True, "transportasi", True),
    "JAKON": Worker("JAKON", "JAKON", False, "konstruksi", True),
    "PMI": Worker("PMI", "PMI", False, "migran", True),
}


def worker_for(occupation: str) -> Worker:
    """The :class:`Worker` for an occupation key or a generic profile; raises :class:`UnknownOccupation`."""
    if occupation in GENERIC:
        return GENERIC[occupation]
    occ = parsing.get_occupation(occupation) if occupation else None
    if occ is None:
        raise UnknownOccupation(f"unknown occupation {occupation!r}")
    return Worker(occ.key, occ.category, occ.transport, occ.sector)


def is_known_occupation(occupation: Any) -> bool:
    try:
        worker_for(str(occupation))
    except UnknownOccupation:
        return False
    return bool(occupation)


# ------------------------------------------------------------------------------------------------ helpers
def percent_of(amount: int, rate: float) -> int:
    """``rate`` percent of ``amount`` in whole rupiah, half up (2% of Rp1.550.000 = Rp31.000)."""
    value = Decimal(int(amount)) * Decimal(str(rate)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _discounted(normal: int, pct: float) -> int:
    return int((Decimal(normal) * (Decimal(100) - Decimal(str(pct))) / Decimal(100))
               .quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ------------------------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class Programme:
    code: str      # JKK | JKM | JHT | JP | JKP
    status: str    # see STATUSES
    reason: str    # a code the bot turns into a sentence (content/answers.yml, flows.reason_*)


@dataclass(frozen=True)
class Discount:
    """The PP 50/2025 discount as it concerns this worker on the date."""

    key: str                        # bpu.discount.transport | bpu.discount.other
    pct: float | None               # in force on the date, else None
    until: dt.date | None           # last contribution month of the window in force
    starts: dt.date | None          # first month of a window still to come (before it opens)
    ended: dt.date | None           # last month of a window that is over

    @property
    def active(self) -> bool:
        return self.pct is not None


@dataclass(frozen=True)
class BpuQuote:
    """Monthly BPU contribution for a declared income on a date."""

    income: int | None              # declared monthly income (None: not given)
    below_minimum: bool             # declared less than bpu.min_income: the lowest bracket applies
    bracket: int | None             # 1 or 2: a bracket the facts confirm; None: unconfirmed (or income unknown)
    exact: bool                     # amounts below are the worker's own bracket
    base: int | None                # bracket value the rates apply to, when confirmed
    jkk: int | None                 # normal JKK for the bracket
    jkm: int                        # flat JKM
    jht: int | None                 # optional JHT for the bracket
    jht_confirmed: bool             # False: the JHT figure rests on an inferred bracket value
    discount: Discount
    jkk_pay: int | None             # JKK to pay on the date (after the discount)
    jkm_pay: int                    # JKM to pay on the date
    # The lowest bracket, always known: quoted when the worker's own bracket is not.
    lowest_jkk_jkm: int = 0
    lowest_jkk_jkm_pay: int = 0
    lowest_jht: int = 0

    @property
    def jkk_jkm(self) -> int | None:
        return None if self.jkk is None else self.jkk + self.jkm

    @property
    def jkk_jkm_pay(self) -> int | None:
        return None if self.jkk_pay is None else self.jkk_pay + self.jkm_pay

    @property
    def with_jht_pay(self) -> int | None:
        if self.jkk_jkm_pay is None or self.jht is None:
            return None
        return self.jkk_jkm_pay + self.jht


@dataclass(frozen=True)
class PuQuote:
    """Contribution shares of a wage earner: rates always, amounts when the wage is known."""

    wage: int | None
    worker_jht_rate: float
    worker_jp_rate: float
    employer_jht_rate: float
    employer_jp_rate: float
    jkm_rate: float
    jkk_rate_min: float
    jkk_rate_max: float
    jp_cap: int | None
    jp_cap_stale: bool              # the cap was due to change and no successor is confirmed
    jp_cap_applied: bool            # the wage is above the cap, so JP is computed on the cap
    worker_jht: int | None = None
    worker_jp: int | None = None
    employer_jht: int | None = None
    employer_jp: int | None = None
    employer_jkm: int | None = None

    @property
    def worker_total(self) -> int | None:
        if self.worker_jht is None or self.worker_jp is None:
            return None
        return self.worker_jht + self.worker_jp


@dataclass(frozen=True)
class PmiQuote:
    pre_departure: int
    during: Tuple[Tuple[int, int], ...]   # (contract months, amount): long, mid, short
    extra_month: int
    jht_min: int
    jht_max: int
    jht_max_confirmed: bool


@dataclass(frozen=True)
class MonthAmount:
    """The mandatory JKK+JKM of one contribution month."""

    month: dt.date                  # first day of the contribution month
    amount: int                     # JKK+JKM to pay for that month
    discounted: bool


@dataclass(frozen=True)
class MonthRun:
    """Consecutive contribution months with the same amount ("Januari–Mei 2027: Rp16.800")."""

    first: dt.date
    last: dt.date
    amount: int
    discounted: bool

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


@dataclass(frozen=True)
class PaymentPlan:
    """Several contribution months paid at once (prepaid or in arrears), priced month by month."""

    months: Tuple[MonthAmount, ...]

    @property
    def total(self) -> int:
        return sum(m.amount for m in self.months)

    @property
    def runs(self) -> Tuple[MonthRun, ...]:
        runs: List[MonthRun] = []
        for m in self.months:
            if runs and runs[-1].amount == m.amount and runs[-1].discounted == m.discounted:
                runs[-1] = MonthRun(runs[-1].first, m.month, m.amount, m.discounted)
            else:
                runs.append(MonthRun(m.month, m.month, m.amount, m.discounted))
        return tuple(runs)

    @property
    def crosses_window_end(self) -> bool:
        return len({m.discounted for m in self.months}) > 1


@dataclass(frozen=True)
class AgeNote:
    code: str                       # jkp_too_old | jkp_ok | jkp_ok_joined | jkp_ask_join_age | jp_pension_age |
    #                                 jp_past_pension_age | jp_short | jht_age | bpu_age_unconfirmed
    value: Any = None


@dataclass(frozen=True)
class Result:
    on: dt.date
    worker: Worker
    age: int | None
    income: int | None
    regency: str | None
    category_reason: str
    programmes: Tuple[Programme, ...]
    age_notes: Tuple[AgeNote, ...]
    next_steps: Tuple[str, ...]
    bpu: BpuQuote | None = None
    pu: PuQuote | None = None
    pmi: PmiQuote | None = None
    facts_used: Tuple[str, ...] = field(default=(), compare=False)
    join_age: int | None = None     # age when enrolled (JKP's age limit applies then)

    @property
    def category(self) -> str:
        return self.worker.category

    def programme(self, code: str) -> Programme:
        return next(p for p in self.programmes if p.code == code)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-friendly summary (dates as ISO text): what a lead stores as its eligibility result."""
        def clean(v: Any) -> Any:
            if isinstance(v, dt.date):
                return v.isoformat()
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            return v

        out: Dict[str, Any] = {
            "on": self.on, "category": self.category, "occupation": self.worker.occupation,
            "sector": self.worker.sector, "transport": self.worker.transport, "age": self.age,
            "income": self.income, "regency": self.regency, "category_reason": self.category_reason,
            "join_age": self.join_age,
            "programmes": {p.code: p.status for p in self.programmes},
            "age_notes": [n.code for n in self.age_notes],
        }
        if self.bpu is not None:
            b = self.bpu
            out["bpu"] = {"bracket": b.bracket, "exact": b.exact, "jkk": b.jkk, "jkm": b.jkm, "jht": b.jht,
                          "jkk_jkm": b.jkk_jkm, "jkk_jkm_pay": b.jkk_jkm_pay, "discount_pct": b.discount.pct,
                          "discount_until": b.discount.until, "lowest_jkk_jkm": b.lowest_jkk_jkm}
        if self.pu is not None:
            p = self.pu
            out["pu"] = {"wage": p.wage, "worker_jht": p.worker_jht, "worker_jp": p.worker_jp,
                         "worker_total": p.worker_total, "jp_cap": p.jp_cap, "jp_cap_stale": p.jp_cap_stale}
        if self.pmi is not None:
            out["pmi"] = asdict(self.pmi)
        return clean(out)


# ------------------------------------------------------------------------------------------------ calculator
class _Reader:
    """Reads facts for one date and remembers which ones were used."""

    def __init__(self, facts: Facts, on: dt.date):
        self.facts, self.on, self.used = facts, on, []

    def __call__(self, key: str, default: Any = ...) -> Any:
        if default is ...:
            value = self.facts.value(key, self.on)
        else:
            value = self.facts.value(key, self.on, default)
        self.used.append(key)
        return value

    def entry(self, key: str):
        self.used.append(key)
        return self.facts.entry(key, self.on, default=None)


def discount_for(worker: Worker, on: dt.date, facts: Facts | None = None) -> Discount:
    """The PP 50/2025 window that concerns ``worker`` (transport or not) as it stands on ``on``."""
    facts = facts or get_facts()
    key = "bpu.discount.transport" if worker.transport else "bpu.discount.other"
    fv = facts.entry(key, on, default=None)
    if fv is not None:
        return Discount(key, float(fv.value), fv.valid_until, None, None)
    history = facts.history(key)
    later = [v for v in history if v.valid_from and v.valid_from > on]
    if later:
        return Discount(key, None, None, min(v.valid_from for v in later), None)
    past = [v.valid_until for v in history if v.valid_until and v.valid_until < on]
    return Discount(key, None, None, None, max(past) if past else None)


def bpu_quote(worker: Worker, income: int | None, on: dt.date, facts: Facts | None = None,
              _read: _Reader | None = None) -> BpuQuote:
    facts = facts or get_facts()
    read = _read or _Reader(facts, on)
    jkm = int(read("bpu.jkm"))
    discount = discount_for(worker, on, facts)
    read.used.append(discount.key)
    lowest = int(read("bpu.bracket1.jkk_jkm"))
    lowest_jkk = int(read("bpu.bracket1.jkk"))
    lowest_jht = int(read("bpu.bracket1.jht"))

    jkm_pay = jkm
    if discount.active:
        fact = read("bpu.discount.jkm", None)
        jkm_pay = int(fact) if fact is not None else _discounted(jkm, discount.pct)

    def pay(bracket: int, normal_jkk: int) -> Tuple[int, int]:
        """JKK and JKM to pay on the date: the facts' discounted figures where they exist."""
        if not discount.active:
            return normal_jkk, jkm
        key = f"bpu.discount.bracket{bracket}.jkk"
        fact = read(key, None) if key in facts else None
        return (int(fact) if fact is not None else _discounted(normal_jkk, discount.pct)), jkm_pay

    lowest_jkk_pay, lowest_jkm_pay = pay(1, lowest_jkk)
    common = dict(jkm=jkm, discount=discount, lowest_jkk_jkm=lowest,
                  lowest_jkk_jkm_pay=lowest_jkk_pay + lowest_jkm_pay, lowest_jht=lowest_jht)

    min_income = int(read("bpu.min_income"))
    bracket: int | None = None
    if income is not None:
        if income <= int(read("bpu.bracket1.upper")):
            bracket = 1
        elif int(read("bpu.bracket2.lower")) <= income <= int(read("bpu.bracket2.upper")):
            bracket = 2
    below = income is not None and income < min_income
    if bracket is None:
        return BpuQuote(income=income, below_minimum=below, bracket=None, exact=False, base=None, jkk=None,
                        jht=None, jht_confirmed=False, jkk_pay=None, jkm_pay=jkm_pay, **common)
    prefix = f"bpu.bracket{bracket}"
    base_fv = read.entry(f"{prefix}.base")
    jht_fv = read.entry(f"{prefix}.jht")
    jkk = int(read(f"{prefix}.jkk"))
    jkk_pay, _ = pay(bracket, jkk)
    return BpuQuote(income=income, below_minimum=below, bracket=bracket, exact=True,
                    base=int(base_fv.value) if base_fv is not None else None, jkk=jkk,
                    jht=int(jht_fv.value) if jht_fv is not None else None,
                    jht_confirmed=bool(jht_fv is not None and jht_fv.confirmed), jkk_pay=jkk_pay, jkm_pay=jkm_pay,
                    **common)


def month_start(d: dt.date, shift: int = 0) -> dt.date:
    """The first day of ``d``'s month, ``shift`` months later (or earlier when negative)."""
    index = d.year * 12 + d.month - 1 + shift
    return dt.date(index // 12, index % 12 + 1, 1)


def month_amounts(worker: Worker, income: int | None, first: dt.date, count: int,
                  facts: Facts | None = None) -> PaymentPlan:
    """JKK+JKM for ``count`` contribution months from ``first``'s month, each priced for its own month (the
    PP 50/2025 windows are contribution months, not payment dates). An income whose bracket is not confirmed is
    priced at the lowest bracket, as the bot quotes it."""
    facts = facts or get_facts()
    out = []
    for i in range(count):
        month = month_start(first, i)
        q = bpu_quote(worker, income, month, facts)
        amount = q.jkk_jkm_pay if q.exact and q.jkk_jkm_pay is not None else q.lowest_jkk_jkm_pay
        out.append(MonthAmount(month, int(amount), q.discount.active))
    return PaymentPlan(tuple(out))


def prepay_options(on: dt.date, facts: Facts | None = None) -> Tuple[int, ...]:
    """The numbers of months that can be prepaid (``bpu.prepay_options``: "3, 6 atau 12 bulan")."""
    import re

    text = str((facts or get_facts()).value("bpu.prepay_options", on))
    return tuple(int(n) for n in re.findall(r"\d+", text))


def prepay_plans(worker: Worker, income: int | None, on: dt.date,
                 facts: Facts | None = None) -> Tuple[Tuple[int, PaymentPlan], ...]:
    """Each prepay option (3, 6, 12 months) from the month of ``on``, priced month by month."""
    facts = facts or get_facts()
    return tuple((n, month_amounts(worker, income, on, n, facts)) for n in prepay_options(on, facts))


def arrears_plan(worker: Worker, income: int | None, on: dt.date, facts: Facts | None = None) -> PaymentPlan:
    """The unpaid months that can still be paid on ``on`` (the last ``bpu.lapse_months`` before the current
    month), each priced for its own contribution month."""
    facts = facts or get_facts()
    lapse = int(facts.value("bpu.lapse_months", on))
    return month_amounts(worker, income, month_start(on, -lapse), lapse, facts)


def pu_quote(wage: int | None, on: dt.date, facts: Facts | None = None, _read: _Reader | None = None) -> PuQuote:
    facts = facts or get_facts()
    read = _read or _Reader(facts, on)
    w_jht, w_jp = float(read("pu.jht_rate_worker")), float(read("jp.rate_worker"))
    e_jht, e_jp = float(read("pu.jht_rate_employer")), float(read("jp.rate_employer"))
    jkm = float(read("pu.jkm_rate"))
    cap_fv = read.entry("jp.wage_cap")
    cap = int(cap_fv.value) if cap_fv is not None else None
    stale = bool(cap_fv is not None and cap_fv.is_stale(on))
    amounts: Dict[str, int] = {}
    capped = False
    if wage is not None:
        jp_wage = wage
        if cap is not None and wage > cap:
            jp_wage, capped = cap, True
        amounts = dict(worker_jht=percent_of(wage, w_jht), worker_jp=percent_of(jp_wage, w_jp),
                       employer_jht=percent_of(wage, e_jht), employer_jp=percent_of(jp_wage, e_jp),
                       employer_jkm=percent_of(wage, jkm))
    return PuQuote(wage=wage, worker_jht_rate=w_jht, worker_jp_rate=w_jp, employer_jht_rate=e_jht,
                   employer_jp_rate=e_jp, jkm_rate=jkm, jkk_rate_min=float(read("pu.jkk_rate.very_low")),
                   jkk_rate_max=float(read("pu.jkk_rate.very_high")), jp_cap=cap, jp_cap_stale=stale,
                   jp_cap_applied=capped, **amounts)


def pmi_quote(on: dt.date, facts: Facts | None = None, _read: _Reader | None = None) -> PmiQuote:
    facts = facts or get_facts()
    read = _read or _Reader(facts, on)
    during = tuple((int(read(f"pmi.contract_{size}")), int(read(f"pmi.during_{size}")))
                   for size in ("long", "mid", "short"))
    jht_max = read.entry("pmi.jht_max")
    return PmiQuote(pre_departure=int(read("pmi.pre_departure")), during=during,
                    extra_month=int(read("pmi.extra_month")), jht_min=int(read("pmi.jht_min")),
                    jht_max=int(jht_max.value), jht_max_confirmed=bool(jht_max.confirmed))


def jkp_age_rule(age: int | None, join_age: int | None, read: _Reader) -> str | None:
    """JKP's age limit, which applies at registration (facts.md §1.6): ``ok`` (under it today), ``ok_joined``
    (older today but enrolled under it), ``too_old`` (enrolled, or enrolling now, at or over it), ``ask_join_age``
    (older today, age at enrolment unknown: it decides), None (no age known)."""
    max_join = int(read("jkp.max_join_age"))
    if join_age is not None:
        return "too_old" if join_age >= max_join else ("ok_joined" if age is not None and age >= max_join else "ok")
    if age is None:
        return None
    return "ok" if age < max_join else "ask_join_age"


def _programmes(worker: Worker, age: int | None, on: dt.date, read: _Reader,
                join_age: int | None = None) -> Tuple[Programme, ...]:
    c = worker.category
    if c == "BPU":
        return (Programme("JKK", "mandatory", "bpu_jkk"), Programme("JKM", "mandatory", "bpu_jkm"),
                Programme("JHT", "optional", "bpu_jht"), Programme("JP", "not_available", "bpu_no_jp"),
                Programme("JKP", "not_available", "bpu_no_jkp"))
    if c == "PMI":
        return (Programme("JKK", "mandatory", "pmi_jkk_jkm"), Programme("JKM", "mandatory", "pmi_jkk_jkm"),
                Programme("JHT", "optional", "pmi_jht"), Programme("JP", "not_available", "pmi_no_jp_jkp"),
                Programme("JKP", "not_available", "pmi_no_jp_jkp"))
    if c == "JAKON":
        return (Programme("JKK", "via_project", "jakon_project"), Programme("JKM", "via_project", "jakon_project"),
                Programme("JHT", "not_available", "jakon_only_jkk_jkm"),
                Programme("JP", "not_available", "jakon_only_jkk_jkm"),
                Programme("JKP", "not_available", "jakon_only_jkk_jkm"))
    # PU
    pension_age = read("jp.pension_age", None)
    if age is not None and pension_age is not None and age >= int(pension_age):
        jp = Programme("JP", "check", "pu_jp_past_pension_age")
    else:
        jp = Programme("JP", "depends", "pu_jp_size")
    jkp = {"ok": Programme("JKP", "automatic", "pu_jkp"), "ok_joined": Programme("JKP", "automatic", "pu_jkp"),
           "too_old": Programme("JKP", "not_available", "pu_jkp_age"),
           "ask_join_age": Programme("JKP", "check", "pu_jkp_join_age"),
           None: Programme("JKP", "automatic", "pu_jkp")}[jkp_age_rule(age, join_age, read)]
    return (Programme("JKK", "mandatory", "pu_jkk"), Programme("JKM", "mandatory", "pu_jkm"),
            Programme("JHT", "mandatory", "pu_jht"), jp, jkp)


#: A BPU of at least this many years gets the "ask about the age limit" note. The limit itself is
#: UNCONFIRMED (facts.md §4: "65" is often assumed, never confirmed), so no figure is stated; the note is
#: shown from the JHT age on (``jht.age``), when an age limit starts to be a real question.
BPU_AGE_NOTE_FROM_KEY = "jht.age"


def _age_notes(worker: Worker, age: int | None, on: dt.date, read: _Reader,
               join_age: int | None = None) -> Tuple[AgeNote, ...]:
    notes: List[AgeNote] = []
    c = worker.category
    jht_age = int(read("jht.age"))
    if c == "PU":
        rule = jkp_age_rule(age, join_age, read)
        if rule is not None:
            notes.append(AgeNote(f"jkp_{rule}", int(read("jkp.max_join_age"))))
        pension_age = read("jp.pension_age", None)
        if pension_age is not None:
            pension_age = int(pension_age)
            if age is not None and age >= pension_age:
                notes.append(AgeNote("jp_past_pension_age", pension_age))
            else:
                notes.append(AgeNote("jp_pension_age", pension_age))
                min_years = int(read("jp.min_contrib_years"))
                if age is not None and pension_age - age < min_years:
                    notes.append(AgeNote("jp_short", min_years))
    if c in ("PU", "BPU", "PMI"):
        notes.append(AgeNote("jht_age", jht_age))
    if c == "BPU" and age is not None and age >= int(read(BPU_AGE_NOTE_FROM_KEY)):
        notes.append(AgeNote("bpu_age_unconfirmed"))
    return tuple(notes)


_CATEGORY_REASON = {"PU": "pu", "BPU": "bpu", "JAKON": "jakon", "PMI": "pmi"}
_NEXT_STEPS = {
    "BPU": ("jmo", "website", "branch", "agent", "contact"),
    "PU": ("employer", "contact"),
    "JAKON": ("contractor", "bpu_if_own_work", "contact"),
    "PMI": ("placement", "branch", "contact"),
}


def assess(occupation: str, age: int | None = None, income: int | None = None, regency: str | None = None,
           on: dt.date | None = None, facts: Facts | None = None, join_age: int | None = None) -> Result:
    """Category, programmes, contributions, age rules and next steps for a worker on a date.

    ``income`` is the monthly income (BPU: declared income; PU: wage), ``None`` when unknown. ``on`` defaults
    to today in the branch's time zone. ``join_age``: the age at enrolment, when known (JKP's age limit applies
    then). Raises :class:`UnknownOccupation` for an occupation it cannot place.
    """
    if on is None:
        from lingkar.clock import today

        on = today()
    facts = facts or get_facts()
    worker = worker_for(occupation)
    age = int(age) if age is not None else None
    join_age = int(join_age) if join_age is not None else None
    income = int(income) if income is not None else None
    read = _Reader(facts, on)
    reason = _CATEGORY_REASON[worker.category] + ("_generic" if worker.generic else "")
    if worker.category == "BPU" and worker.transport:
        reason += "_transport"
    bpu = pu = pmi = None
    if worker.category == "BPU":
        bpu = bpu_quote(worker, income, on, facts, read)
    elif worker.category == "PU":
        pu = pu_quote(income, on, facts, read)
    elif worker.category == "PMI":
        pmi = pmi_quote(on, facts, read)
    return Result(on=on, worker=worker, age=age, income=income, regency=regency, category_reason=reason,
                  programmes=_programmes(worker, age, on, read, join_age),
                  age_notes=_age_notes(worker, age, on, read, join_age),
                  next_steps=_NEXT_STEPS[worker.category], bpu=bpu, pu=pu, pmi=pmi,
                  facts_used=tuple(dict.fromkeys(read.used)), join_age=join_age)
