"""The eligibility check's domain logic, framework-free: reading the worker's facts from a message, saying them
back, and rendering a result as messages.

- :func:`read_facts`: the facts in one message (occupation, age, income, regency) with what was wrong about them,
  read with :mod:`lingkar.parsing` (the code of the NLU's entity extractor).
- :func:`describe`, :func:`occupation_label`, :func:`acknowledgement`: the facts and the category said back.
- :func:`read_regency_answer`, :func:`regency_problem`: a regency answer, and the message for an unknown one.
- :func:`render_result`, :func:`assess_slots`: :func:`lingkar.calculator.assess` for the slots, and its result as
  phone-sized messages.

The rasa-sdk form, questions and actions that use these live in actions/eligibility.py.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Tuple

from lingkar import calculator, clock, parsing
from lingkar.facts import format_month, format_rupiah, get_facts
from lingkar.slots import SKIPPED, clean_answer, real
from lingkar.texts import FlowTexts, Rendered, get_flow_texts

FACT_SLOTS = ("occupation", "age", "income", "regency")

#: Slot holding the last result (calculator.Result.to_dict()); a lead stores it as its eligibility result.
RESULT_SLOT = "eligibility"
#: Plausible ages of a working person. Not a BPJS rule (facts.md states none for joining); a typo guard.
MIN_AGE, MAX_AGE = 15, 100
#: Plausible monthly incomes (rupiah); anything outside is a typo.
MIN_INCOME, MAX_INCOME = 1_000, 10_000_000_000

#: "tdk ada gaji tetap", "tidak digaji tetap, hanya infak": no employer's wage, so self-employed (BPU)
NO_FIXED_WAGE = re.compile(r"\b(tidak|tdk|tak|tida|tra|nggak|gak|ndak|belum|blm|tanpa)( ada| pernah| punya)? (di)?gaji"
                           r"( tetap| bulanan)?\b", re.I)

#: Answers that describe a way of working rather than an occupation (the "Kerja sendiri lainnya" and
#: "Ojek / sopir / kurir" buttons send the first two).
_GENERIC_PHRASES = (
    (re.compile(r"^\s*ojek\s+sopir\s+kurir\s*$", re.I), "BPU_TRANSPORT"),
    (re.compile(r"\b(kerja sendiri|pekerja mandiri|bekerja sendiri|mandiri|bpu|bukan penerima upah|informal|"
                r"pekerja informal|swadaya)\b", re.I), "BPU"),
    (NO_FIXED_WAGE, "BPU"),
    (re.compile(r"\b(penerima upah|digaji perusahaan|gajian)\b", re.I), "PU"),
)


# ------------------------------------------------------------------------------------------------ reading
def resolve_occupation(text: str, fuzzy: bool = False) -> str | None:
    """An occupation key, a generic profile (calculator.GENERIC) or None."""
    if not text:
        return None
    for pattern, generic in _GENERIC_PHRASES[:1]:
        if pattern.match(text):
            return generic
    occ = parsing.match_occupation(text, fuzzy=fuzzy)
    if occ is not None:
        return occ.key
    for pattern, generic in _GENERIC_PHRASES[1:]:
        if pattern.search(text):
            return generic
    return None


class Reading:
    """The worker's facts found in one message, with what was wrong about them."""

    def __init__(self) -> None:
        self.values: Dict[str, Any] = {}
        self.problems: Dict[str, Tuple[str, Dict[str, Any]]] = {}   # slot -> (flow text, variables)
        self.notes: List[Tuple[str, Dict[str, Any]]] = []          # (flow text, variables) to tell the worker


def read_facts(text: str, entities: Dict[str, Any] | None = None, requested: str | None = None,
               today: dt.date | None = None) -> Reading:
    """The facts in ``text`` (plus NLU ``entities``). ``requested`` is the slot the form asked for: a bare
    answer counts for it ("35" is an age only when the age was asked)."""
    out = Reading()
    found: Dict[str, Any] = dict(entities or {})
    if text and _GENERIC_PHRASES[0][0].match(text):
        found["occupation"] = _GENERIC_PHRASES[0][1]  # the "Ojek / sopir / kurir" button, not one of them
    if text and not text.startswith("/"):
        for e in parsing.extract_all(text, today=today):
            found.setdefault(e["entity"], e["value"])
        if "occupation" not in found:
            generic = resolve_occupation(text)
            if generic in calculator.GENERIC:
                found["occupation"] = generic
    if requested == "occupation" and "occupation" not in found:
        occ = resolve_occupation(text, fuzzy=True)
        if occ:
            found["occupation"] = occ
    if requested == "age" and "age" not in found:
        age = parsing.parse_age(text, bare_ok=True, today=today)
        if age is None:  # a bare number the age parser refuses (e.g. "150") is still meant as the age
            bare = re.fullmatch(r"\s*(\d{1,4})\s*(th|thn|tahun)?\s*", text or "", re.I)
            age = int(bare.group(1)) if bare else None
        if age is not None:
            found["age"] = age
    income_detail = None
    if "income" in found or requested == "income":
        income_detail = parsing.parse_income_detail(text) if text and not text.startswith("/") else None
        if income_detail is None and requested == "income" and "income" not in found and not found \
                and re.search(r"\d|juta|ribu|jt|rb", text or "", re.I):
            income_detail = parsing.parse_income_detail("penghasilan " + text)
        if income_detail is not None and "income" not in found:
            found["income"] = income_detail.value
    if requested == "regency":
        if not text.startswith("/"):
            found.pop("regency", None)
            reg = read_regency_answer(text)
            if reg:
                found["regency"] = reg

    if "occupation" in found:
        occ = str(found["occupation"])
        if calculator.is_known_occupation(occ):
            out.values["occupation"] = occ
    if "age" in found:
        try:
            age = int(found["age"])
        except (TypeError, ValueError):
            age = None
        if age is not None and MIN_AGE <= age <= MAX_AGE:
            out.values["age"] = age
        else:
            out.problems["age"] = ("age_out_of_range", {"age": found["age"]})
    if "income" in found:
        try:
            income = int(found["income"])
        except (TypeError, ValueError):
            income = None
        if income is not None and MIN_INCOME <= income <= MAX_INCOME:
            out.values["income"] = income
            if income_detail is not None and income_detail.value == income:
                if income_detail.period in ("day", "week", "year"):
                    out.notes.append(("income_converted", {"amount": format_rupiah(income),
                                                           "period": get_flow_texts().label("period",
                                                                                            income_detail.period)}))
                elif income_detail.is_range:
                    out.notes.append(("income_range", {"amount": format_rupiah(income)}))
        else:
            out.problems["income"] = ("income_unreadable", {})
    if "regency" in found and found["regency"] in parsing.regency_names():
        out.values["regency"] = found["regency"]
    return out


def describe(slot: str, value: Any) -> str:
    """A fact as the bot repeats it ("umur 36 tahun", "penghasilan Rp2.000.000 per bulan")."""
    words = get_flow_texts().labels["words"]
    if value == SKIPPED:
        return f"{_slot_word(slot)} {words['skipped']}"
    if slot == "occupation":
        label = occupation_label(str(value))
        return label[:1].lower() + label[1:]
    if slot == "age":
        return f"{words['age']} {int(value)} {words['years']}"
    if slot == "income":
        return f"{words['income']} {format_rupiah(int(value))} {words['per_month']}"
    return str(value)


def _slot_word(slot: str) -> str:
    words = get_flow_texts().labels["words"]
    return {"age": words["age"], "income": words["income"]}.get(slot, slot)


def occupation_label(occupation: str) -> str:
    occ = parsing.get_occupation(occupation)
    if occ is not None:
        return occ.label
    return get_flow_texts().labels.get("generic_occupation", {}).get(occupation, occupation)


def acknowledgement(slots: Dict[str, Any], on: dt.date | None = None) -> Rendered:
    """What is known so far, said back while the check still has a question: the facts other than the occupation
    ("Baik, saya catat: umur 40 tahun.") and the category of the occupation ("Sebagai nelayan, Anda termasuk
    pekerja mandiri ...")."""
    texts = get_flow_texts()
    on = on or clock.today()
    occupation = str(slots.get("occupation"))
    worker = calculator.worker_for(occupation)
    name = f"known_{worker.category.lower()}"
    if occupation == "BPU":
        name += "_generic"  # "Sebagai pekerja mandiri, Anda termasuk pekerja mandiri" says nothing
    label = occupation_label(occupation)
    known = texts.render(name, on, who=label[:1].lower() + label[1:])
    others = [describe(s, slots[s]) for s in FACT_SLOTS[1:] if real(slots.get(s)) is not None]
    if worker.category == "PU" and occupation not in ("PU", "karyawan"):
        others.insert(0, describe("occupation", occupation))  # the PU text does not name it ("buruh pabrik")
    said = [texts.render("noted", on, changes=", ".join(others)), known] if others else [known]
    text = " ".join(r.text for r in said)
    if worker.category == "BPU":  # the cheapest amount today, in the worker's discount window
        said.append(texts.render("bpu_floor_transport" if worker.transport else "bpu_floor_other", on))
        text += "\n\n" + said[-1].text
        income = real(slots.get("income"))
        if isinstance(income, (int, float)) and income > 0 \
                and not calculator.bpu_quote(worker, int(income), on).exact:
            # "kalau penghasilan yang saya laporkan 1,5 juta, iurannya berapa?": a bracket the facts do not confirm
            # is said now with where to check it (a confirmed one gets its figures from the form, actions/)
            said.append(texts.render("bpu_bracket_unconfirmed", on, income=format_rupiah(int(income))))
            text += "\n\n" + said[-1].text
        age = real(slots.get("age"))
        if isinstance(age, (int, float)) and age >= int(get_facts().value(calculator.BPU_AGE_NOTE_FROM_KEY, on)):
            # "umur sy 57, petani, msh bisa daftar?": the age limit, unconfirmed, with where to ask
            said.append(texts.render("age_bpu_age_unconfirmed", on))
            text += "\n\n" + said[-1].text.lstrip("• ")
    return Rendered(known.intent, text, known.buttons, tuple(k for r in said for k in r.facts),
                    tuple(k for r in said for k in r.flagged))


_PLACE_FILLERS = {"di", "ke", "dari", "kab", "kabupaten", "kota", "kec", "kecamatan", "desa", "kelurahan", "kel",
                  "saya", "sy", "aku", "tinggal", "kerja", "bekerja", "domisili", "daerah", "wilayah", "saja", "aja",
                  "ya", "kak", "min", "pak", "bu", "sekarang", "skrg", "asal", "dekat", "sultra", "sulawesi",
                  "tenggara", "prov", "provinsi", "dan", "juga", "nya", "sini", "situ"}


def read_regency_answer(text: str) -> str | None:
    """The regency a worker answered with, or None. A match that leaves another unknown word ("muna barta",
    "konawe utra") is not taken: the worker meant a longer name, so the form asks with suggestions instead."""
    m = parsing.find_regency(text, fuzzy=True)
    if m is None:
        return None
    rest = (text[:m.start] + " " + text[m.end:]).lower()
    leftover = [w for w in re.findall(r"[^\W\d_]+", rest) if len(w) >= 3 and w not in _PLACE_FILLERS]
    if leftover and parsing.match_regency(" ".join(leftover)) is None:
        longer = [g for g in parsing.suggest_regencies(text, n=3) if g != m.key and m.key.split()[-1] in g]
        if longer:
            return None
    return m.key


def regency_problem(text: str) -> Tuple[str, Dict[str, Any], List[Dict[str, str]]]:
    """The message for an unknown regency: the nearest names as buttons (plus "Lewati"), when there are any."""
    guesses = parsing.suggest_regencies(text, n=3)
    answer = clean_answer(text)
    if not guesses:
        return "regency_unknown_no_guess", {"answer": answer}, []
    buttons = [{"title": g, "payload": g} for g in guesses] + [{"title": "Lewati", "payload": "lewati"}]
    return "regency_unknown", {"answer": answer}, buttons


# ------------------------------------------------------------------------------------------------ the result
def _rp(amount: int | None) -> str:
    return format_rupiah(amount) if amount is not None else ""


def _who(result: calculator.Result) -> str:
    label = occupation_label(result.worker.occupation)
    parts = [label[:1].lower() + label[1:]]
    if result.age is not None:
        parts.append(describe("age", result.age))
    if result.income is not None:
        parts.append(describe("income", result.income))
    if result.regency:
        parts.append(result.regency)
    return ", ".join(parts)


def _bpu_lines(texts: FlowTexts, on: dt.date, jkk: int, jkm: int, jkk_pay: int, jkm_pay: int,
               jht: int | None, jht_mark: str = "") -> str:
    lines = []
    if jkk_pay != jkk:
        lines.append(texts.text("line_jkk_discounted", on, pay=_rp(jkk_pay), normal=_rp(jkk)))
        lines.append(texts.text("line_jkm_discounted", on, pay=_rp(jkm_pay), normal=_rp(jkm)))
    else:
        lines.append(texts.text("line_jkk", on, pay=_rp(jkk_pay)))
        lines.append(texts.text("line_jkm", on, pay=_rp(jkm_pay)))
    lines.append(texts.text("line_jkk_jkm_total", on, pay=_rp(jkk_pay + jkm_pay)))
    if jht is not None:
        # One mark per line: Telegram reads two asterisks on a line as a bold span (bot/telegram/render.py).
        lines.append(texts.text("line_jht_optional", on, jht=_rp(jht) + jht_mark, total=_rp(jkk_pay + jkm_pay + jht)))
    return "\n".join(lines)


def _discount_text(texts: FlowTexts, on: dt.date, b: calculator.BpuQuote) -> str | None:
    facts = get_facts()
    d = b.discount
    if d.active:
        normal = b.jkk_jkm if b.jkk_jkm is not None else b.lowest_jkk_jkm
        # The JHT figure the result quoted, when it is a confirmed one: what a worker who picks JHT pays afterwards.
        jht = (b.jht if b.jht_confirmed else None) if b.exact else b.lowest_jht
        if jht:
            return texts.text("bpu_discount_active_jht", on, pct=facts.text(d.key, on), until=format_month(d.until),
                              normal=_rp(normal), normal_jht=_rp(normal + jht))
        return texts.text("bpu_discount_active", on, pct=facts.text(d.key, on), until=format_month(d.until),
                          normal=_rp(normal))
    if d.starts:
        return texts.text("bpu_discount_upcoming", on, starts=format_month(d.starts),
                          pct=facts.entry(d.key, d.starts).text())
    if d.ended:
        return texts.text("bpu_discount_ended", on, ended=format_month(d.ended))
    return None


def _month_span(first: dt.date, last: dt.date) -> str:
    """"Desember 2026", "Januari–Mei 2027", "November 2026–Januari 2027"."""
    if first == last:
        return format_month(first)
    if first.year == last.year:
        return f"{format_month(first).split()[0]}–{format_month(last)}"
    return f"{format_month(first)}–{format_month(last)}"


def _runs_text(texts: FlowTexts, plan: calculator.PaymentPlan) -> str:
    per_month = texts.labels["words"]["per_month"]
    return ", ".join(f"{_month_span(r.first, r.last)} {_rp(r.amount)}" + (f" {per_month}" if r.months > 1 else "")
                     for r in plan.runs)


def _payment_plans(texts: FlowTexts, result: calculator.Result) -> List[str]:
    """Prepaying 3/6/12 months and arrears, month by month, when a discount window's end falls inside them."""
    on, b = result.on, result.bpu
    out: List[str] = []
    plans = calculator.prepay_plans(result.worker, result.income, on)
    if b.discount.active and any(p.crosses_window_end for _, p in plans):
        lines = "\n".join(texts.text("line_prepay", on, count=n, runs=_runs_text(texts, p), total=_rp(p.total))
                          for n, p in plans)
        name = "bpu_prepay" if b.exact else "bpu_prepay_lowest"  # an unconfirmed bracket: the lowest amounts
        out.append(texts.text(name, on, until=format_month(b.discount.until), lines=lines))
    arrears = calculator.arrears_plan(result.worker, result.income, on)
    if any(m.discounted for m in arrears.months) and not b.discount.active:
        out.append(texts.text("bpu_arrears" if b.exact else "bpu_arrears_lowest", on, runs=_runs_text(texts, arrears)))
    return out


def _contribution(texts: FlowTexts, result: calculator.Result) -> Rendered | None:
    on = result.on
    parts: List[str] = []
    flagged: List[str] = []
    used_keys: List[str] = []

    def add(name: str, **variables: Any) -> None:
        r = texts.render(name, on, notes=False, **variables)
        parts.append(r.text)
        flagged.extend(r.flagged)
        used_keys.extend(r.facts)

    if result.bpu is not None:
        b = result.bpu
        lowest_jkk = int(get_facts().value("bpu.bracket1.jkk", on))
        lowest_lines = _bpu_lines(texts, on, lowest_jkk, b.jkm, b.lowest_jkk_jkm_pay - b.jkm_pay, b.jkm_pay,
                                  b.lowest_jht)
        if b.exact:
            if b.below_minimum:
                add("bpu_lowest_bracket_note")
            mark = ""
            if b.jht is not None and not b.jht_confirmed:
                mark = "*"
                flagged.append(f"bpu.bracket{b.bracket}.jht")
            add("bpu_exact", income=_rp(b.income),
                lines=_bpu_lines(texts, on, b.jkk, b.jkm, b.jkk_pay, b.jkm_pay, b.jht, mark))
        elif b.income is None:
            add("bpu_unknown_income", lines=lowest_lines)
            add("bpu_where_exact")
        else:
            add("bpu_unconfirmed_bracket", income=_rp(b.income), lines=lowest_lines)
            add("bpu_where_exact")
        discount = _discount_text(texts, on, b)
        if discount:
            parts.append(discount)
    elif result.pu is not None:
        p = result.pu
        if p.wage is not None:
            add("pu_with_wage", wage=_rp(p.wage), worker_jht=_rp(p.worker_jht), worker_jp=_rp(p.worker_jp),
                worker_total=_rp(p.worker_total))
            add("pu_employer", employer_jht=_rp(p.employer_jht), employer_jp=_rp(p.employer_jp),
                employer_jkm=_rp(p.employer_jkm))
            if p.jp_cap is not None:
                add("pu_jp_capped" if p.jp_cap_applied else "pu_jp_cap")
        else:
            add("pu_rates_only")
    elif result.pmi is not None:
        add("pmi_contribution")
    elif result.category == "JAKON":
        add("jakon_contribution")
    if not parts:
        return None
    text = "\n\n".join(parts) + texts.notes(on, flagged)
    return Rendered("eligibility_contribution", text, [], tuple(dict.fromkeys(used_keys)),
                    tuple(dict.fromkeys(flagged)))


def render_result(result: calculator.Result, agent_known: bool = False,
                  texts: FlowTexts | None = None) -> List[Rendered]:
    """The result as phone-sized messages: who and which programmes; the monthly amounts; age rules and next
    steps with the buttons. Pure: the actions and the tests call it."""
    texts = texts or get_flow_texts()
    on = result.on
    first: List[str] = [texts.text("result_header", on, who=_who(result)),
                        texts.text(f"result_category_{result.category_reason}", on)]
    lines = []
    for p in result.programmes:
        line = f"• {texts.label('programme', p.code)}: {texts.label('status', p.status)}"
        reason = f"reason_{p.reason}"
        if reason in texts:
            line += f" ({texts.text(reason, on)})"
        lines.append(line)
    r = texts.render("result_programmes", on, notes=False, lines="\n".join(lines))
    first.append(r.text)
    flagged = list(r.flagged)
    for name in [f"reason_{p.reason}" for p in result.programmes]:
        if name in texts:
            flagged.extend(texts.render(name, on, notes=False).flagged)
    messages = [Rendered("eligibility_result", "\n\n".join(first) + texts.notes(on, flagged), [],
                         facts=tuple(result.facts_used))]
    contribution = _contribution(texts, result)
    if contribution is not None:
        messages.append(contribution)
    if result.bpu is not None:
        plans = _payment_plans(texts, result)
        if plans:  # its own message: a phone screen holds the monthly amounts or the plans, not both
            messages.append(Rendered("eligibility_payment_plans", "\n\n".join(plans), []))
    last: List[str] = []
    last_flagged: List[str] = []
    if result.age_notes:
        note_lines = []
        for n in result.age_notes:
            rn = texts.render(f"age_{n.code}", on, notes=False)
            note_lines.append(rn.text)
            last_flagged.extend(rn.flagged)
        last.append(texts.text("result_age_header", on, lines="\n".join(note_lines)))
    agent = texts.text("agent_known" if agent_known else "agent_generic", on)
    nxt = texts.render(f"next_{result.category.lower()}", on, notes=False, agent=agent)
    last.append(nxt.text)
    last_flagged.extend(nxt.flagged)
    footer = texts.render("result_footer" if result.category == "BPU" else "result_footer_no_afford", on,
                          notes=False)
    last.append(footer.text)
    messages.append(Rendered("eligibility_next", "\n\n".join(last) + texts.notes(on, last_flagged),
                             list(footer.buttons)))
    return messages


def assess_slots(slots: Dict[str, Any], on: dt.date) -> calculator.Result:
    """The result for the slots; the age at JKP enrolment, once given, is kept in the last result."""
    join_age = (slots.get(RESULT_SLOT) or {}).get("join_age") if isinstance(slots.get(RESULT_SLOT), dict) else None
    return calculator.assess(str(slots.get("occupation")), age=real(slots.get("age")),
                             income=real(slots.get("income")), regency=real(slots.get("regency")), on=on,
                             join_age=join_age)
