"""Telegram messages for staff: lead cards, lists, agent applications, handoffs, reminders (pure functions).

Every value that comes from a person is escaped for Telegram's HTML parse mode; the NIK is always masked.
Cards start with a marker line (``Lead #12``, ``Agen #3``) that :func:`lead_id_in` reads back from a message
the bot itself sent (a staff member replying to a card or a note prompt).
"""
from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any, Dict, Iterable, List, Mapping, Sequence

from lingkar.clock import zone
from lingkar.facts import format_number, format_rupiah
from lingkar.store import Agent, Handoff, Lead, StaffUser

from ..telegram.render import utf16_len
from . import texts

CALLBACK_LEAD = "sl"      # sl:c:<id> claim, sl:s:<status>:<id>, sl:n:<id> note, sl:h:<id> history
CALLBACK_AGENT = "sa"     # sa:ok:<id>, sa:no:<id>
CALLBACK_HANDOFF = "sh"   # sh:done:<id>
STATUS_CODES = {"contacted": "ct", "registered": "rg", "unreachable": "ur", "not_interested": "ni",
                "sponsored": "sp"}
CODE_STATUS = {v: k for k, v in STATUS_CODES.items()}
_LEAD_MARK = re.compile(r"\bLead #(\d{1,10})\b")
#: Possible duplicates (another owner's lead with the same phone or NIK): neutral words, families share phones.
DUPLICATE_REASONS = {"phone": "nomor HP sama", "nik": "NIK sama", "phone+nik": "nomor HP dan NIK sama"}
DUPLICATE_HEADER = "Kemungkinan ganda"
DUPLICATE_HINT = ("Bisa orang yang sama mendaftar lagi dari akun lain, atau keluarga yang memakai satu nomor; "
                  "cek saat menghubungi.")
DUPLICATE_MARK = "kemungkinan ganda"
_DUPLICATES_SHOWN = 5
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def e(value: Any) -> str:
    """Escape for Telegram HTML."""
    return html.escape("" if value is None else str(value), quote=False)


def when(t: dt.datetime | None) -> str:
    """24 Nov 2026 10:05 WITA (the branch's local time)."""
    if t is None:
        return "-"
    local = t.astimezone(zone())
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M} {local.tzname() or ''}".strip()


def age_text(t: dt.datetime, now: dt.datetime) -> str:
    hours = max(0.0, (now - t).total_seconds() / 3600)
    if hours < 1:
        return "baru saja"
    if hours < 48:
        return f"{int(hours)} jam"
    return f"{int(hours // 24)} hari"


def ago(t: dt.datetime, now: dt.datetime) -> str:
    """"baru saja", "3 jam lalu", "2 hari lalu"."""
    text = age_text(t, now)
    return text if text == "baru saja" else f"{text} lalu"


def actor_name(actor: str | None, staff: Mapping[int, StaffUser] | None = None) -> str:
    """A staff member's name for an actor id like ``telegram:123``."""
    if not actor:
        return "-"
    prefix, _, rest = actor.partition(":")
    if prefix == "telegram" and rest.lstrip("-").isdigit():
        user = (staff or {}).get(int(rest))
        if user and user.name:
            return user.name
        return f"petugas {rest}"
    if actor == "owner":
        return "pemilik data"
    if actor.startswith("system"):
        return "sistem"
    return actor


def staff_index(users: Iterable[StaffUser]) -> Dict[int, StaffUser]:
    return {u.telegram_user_id: u for u in users}


def lead_id_in(text: str | None) -> int | None:
    """The lead id a bot message is about (its first line names it as ``Lead #<id>``)."""
    if not text:
        return None
    m = _LEAD_MARK.search(text.split("\n", 1)[0])
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------------------------------ eligibility
def channel_label(channel: str | None) -> str:
    """"WhatsApp", "Telegram" (staff texts); an unknown channel as stored."""
    return texts.CHANNEL_LABELS.get(channel or "", channel or "-")


def eligibility_summary(result: Mapping[str, Any] | None) -> str | None:
    """One line from the stored eligibility result (category, programmes, monthly amount), or None.

    Tolerant of the result's exact shape: it reads ``category``/``category_label``, ``programmes``
    (a list of names, a list of ``{name, status}``, or a ``{name: status}`` mapping) and a monthly total
    (``monthly_total``, ``total``, ``contribution.total``, ``amounts.total``).
    """
    if not result:
        return None
    parts: List[str] = []
    label = result.get("category_label")
    cat = result.get("category")
    if not label and cat:
        label = texts.CATEGORY_LABELS.get(str(cat).lower(), str(cat))
    if label:
        parts.append(str(label))
    progs = result.get("programmes", result.get("programs"))
    grouped: Dict[str, List[str]] = {}
    if isinstance(progs, Mapping):
        for name, state in progs.items():
            if isinstance(state, Mapping):
                state = state.get("status") or state.get("state")
            grouped.setdefault(_state_label(state), []).append(str(name).upper())
    elif isinstance(progs, (list, tuple)):
        for p in progs:
            if isinstance(p, Mapping):
                name = p.get("name") or p.get("code") or p.get("programme") or "?"
                grouped.setdefault(_state_label(p.get("status") or p.get("state")), []).append(str(name).upper())
            else:
                grouped.setdefault("", []).append(str(p).upper())
    for state in ("wajib", "pilihan", "", "tidak tersedia"):
        names = grouped.pop(state, None)
        if names:
            parts.append(f"{state}: {', '.join(names)}" if state else ", ".join(names))
    for state, names in grouped.items():
        parts.append(f"{state}: {', '.join(names)}")
    total = _monthly_total(result)
    if total is not None:
        parts.append(f"iuran {format_rupiah(total)}/bulan")
    return " · ".join(parts) if parts else None


def _state_label(state: Any) -> str:
    if state is None:
        return ""
    if state is True:
        return "wajib"
    return texts.PROGRAMME_STATE_LABELS.get(str(state).lower(), str(state))


def _monthly_total(result: Mapping[str, Any]) -> float | None:
    for path in (("monthly_total",), ("total",), ("monthly",), ("contribution", "total"), ("amounts", "total"),
                 ("contribution", "monthly_total")):
        v: Any = result
        for key in path:
            v = v.get(key) if isinstance(v, Mapping) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return v
    return None


# ------------------------------------------------------------------------------------------ leads
def lead_card(lead: Lead, *, agent: Agent | None = None, staff: Mapping[int, StaffUser] | None = None,
              hint: str | None = None, footer: str | None = None, history: bool = False,
              now: dt.datetime | None = None) -> str:
    """A lead as an HTML message for staff (escaped, NIK masked)."""
    icon = {"new": "🆕", "contacted": "📞", "registered": "✅", "unreachable": "📵", "not_interested": "🚫",
            "sponsored": "🤝"}.get(lead.status, "•")
    lines = [f"{icon} <b>Lead #{lead.id}</b> · {e(texts.TYPE_LABELS.get(lead.type, lead.type))} · "
             f"<i>{e(texts.STATUS_LABELS.get(lead.status, lead.status))}</i>"]
    if lead.reference:
        lines.append(f"🔖 Nomor untuk pekerja: {e(lead.reference)}")
    lines.append(f"🧭 Keperluan: {e(purpose_label(lead.purpose))}")
    lines += duplicate_lines(lead)
    if lead.type == "sponsor_offer":
        who = lead.sponsor_organisation or lead.name
        kind = texts.DONOR_LABELS.get(lead.donor_kind or "", lead.donor_kind)
        lines.append(f"🏢 {e(who)}" + (f" ({e(kind)})" if kind else ""))
        if lead.sponsor_organisation:
            lines.append(f"👤 Kontak: {e(lead.name)}")
    else:
        lines.append(f"👤 {e(lead.name)}")
    lines.append(f"📱 {e(lead.phone)}")
    if lead.nik:
        lines.append(f"🪪 NIK {e(lead.masked_nik)}")
    place = [p for p in (lead.regency, lead.occupation, lead.sector) if p]
    if lead.age is not None:
        place.append(f"{lead.age} th")
    if place:
        lines.append("📍 " + e(" · ".join(dict.fromkeys(place))))
    if lead.income is not None:
        lines.append(f"💰 Penghasilan {e(format_rupiah(lead.income))}/bulan")
    if lead.type == "sponsor_offer":
        offer = []
        if lead.sponsor_workers:
            offer.append(f"{format_number(lead.sponsor_workers)} pekerja")
        if lead.sponsor_regency:
            offer.append(f"di {lead.sponsor_regency}")
        if offer:
            lines.append("🎯 Mau menanggung " + e(" ".join(offer)))
    summary = eligibility_summary(lead.eligibility)
    if summary:
        lines.append(f"🧾 Hasil cek: {e(summary)}")
    if lead.referral:
        if agent is not None and agent.is_active:
            who = ", ".join(x for x in (agent.name, agent.organisation) if x)
            lines.append(f"🤝 Agen: {e(lead.referral)}" + (f" ({e(who)})" if who else ""))
        else:
            lines.append(f"🤝 Kode agen: {e(lead.referral)} (tidak dikenal)")
    if lead.contact_time:
        lines.append(f"🕒 Minta dihubungi: {e(lead.contact_time)}")
    if lead.note:
        lines.append(f"💬 Pesan: {e(lead.note)}")
    meta = f"Masuk {when(lead.created_at)} lewat {e(channel_label(lead.channel))}"
    if now is not None:
        meta += f" ({ago(lead.created_at, now)})"
    lines.append(f"<i>{meta}</i>")
    if lead.claimed_by:
        lines.append(f"🙋 Ditangani: {e(actor_name(lead.claimed_by, staff))}")
    if hint:
        lines.append(e(hint))
    if history and lead.history:
        lines.append("")
        lines.append("<b>Riwayat</b>")
        for h in lead.history[-15:]:
            change = texts.STATUS_LABELS.get(h.to_status, h.to_status)
            if h.from_status == h.to_status:
                change = "catatan"
            line = f"• {when(h.created_at)} — {e(change)} — {e(actor_name(h.actor, staff))}"
            if h.note:
                line += f": {e(h.note)}"
            lines.append(line)
    if footer:
        lines.append(footer)
    return _fit("\n".join(lines))


def purpose_label(purpose: str | None) -> str:
    """What the person wants help with, as staff read it (``texts.PURPOSE_LABELS``)."""
    return texts.PURPOSE_LABELS.get(purpose or "", purpose or texts.PURPOSE_LABELS["other"])


def duplicate_lines(lead: Lead) -> List[str]:
    """"Kemungkinan ganda" lines for a lead with other owners' leads of the same phone or NIK (HTML), or none."""
    links = lead.possible_duplicates
    if not links:
        return []
    shown = []
    for d in links[:_DUPLICATES_SHOWN]:
        about = [x for x in (d.reference, DUPLICATE_REASONS.get(d.reason, d.reason)) if x]
        shown.append(f"Lead #{d.id} ({e(', '.join(about))})")
    more = f" dan {len(links) - _DUPLICATES_SHOWN} lainnya" if len(links) > _DUPLICATES_SHOWN else ""
    return [f"👥 <b>{DUPLICATE_HEADER}</b>: " + "; ".join(shown) + more, f"<i>{e(DUPLICATE_HINT)}</i>"]


def lead_keyboard(lead: Lead) -> Dict[str, Any]:
    buttons = [(label, f"{CALLBACK_LEAD}:s:{STATUS_CODES[st]}:{lead.id}") for st, label in texts.STATUS_BUTTONS
               if not (lead.type == "sponsor_offer" and st == "registered")]
    rows = [[{"text": texts.CLAIM_BUTTON, "callback_data": f"{CALLBACK_LEAD}:c:{lead.id}"}]]
    for i in range(0, len(buttons), 2):
        rows.append([{"text": t, "callback_data": d} for t, d in buttons[i:i + 2]])
    rows.append([{"text": texts.NOTE_BUTTON, "callback_data": f"{CALLBACK_LEAD}:n:{lead.id}"},
                 {"text": texts.HISTORY_BUTTON, "callback_data": f"{CALLBACK_LEAD}:h:{lead.id}"}])
    return {"inline_keyboard": rows}


def lead_line(lead: Lead, now: dt.datetime) -> str:
    """One line of a lead list (HTML)."""
    bits = [f"<b>#{lead.id}</b>", e(texts.STATUS_LABELS.get(lead.status, lead.status))]
    if lead.type != "enrolment":
        bits.append(e(texts.TYPE_LABELS.get(lead.type, lead.type)))
    if lead.purpose not in ("registration", "sponsorship"):  # the usual purposes of the types go unsaid
        bits.append(e(purpose_label(lead.purpose)))
    bits.append(e(lead.sponsor_organisation or lead.name))
    if lead.regency or lead.sponsor_regency:
        bits.append(e(lead.regency or lead.sponsor_regency))
    if lead.referral:
        bits.append(f"agen {e(lead.referral)}")
    bits.append(e(channel_label(lead.channel)))
    bits.append(age_text(lead.created_at, now))
    if lead.possible_duplicates:
        bits.append(f"👥 {DUPLICATE_MARK}")
    return " · ".join(bits)


def lead_list(leads: Sequence[Lead], total: int, now: dt.datetime, filters: str = "") -> str:
    if not leads:
        return e(texts.LEADS_NONE)
    lines = [e(texts.LEADS_HEADER.format(n=total, filters=f" ({filters})" if filters else ""))]
    lines += [lead_line(x, now) for x in leads]
    if total > len(leads):
        lines.append(e(texts.LEADS_MORE.format(n=total - len(leads))))
    lines.append("<i>Detail: /lead &lt;nomor&gt;</i>")
    return _fit("\n".join(lines))


def reminder(leads: Sequence[Lead], total: int, hours: float, now: dt.datetime) -> str:
    lines = [e(texts.REMINDER_HEADER.format(n=total, hours=format_number(hours)))]
    for lead in leads:
        touched = f"tak disentuh {age_text(lead.updated_at, now)}"
        who = f" · {e(actor_name(lead.claimed_by))}" if lead.claimed_by else ""
        lines.append(lead_line(lead, now) + f" · {touched}{who}")
    if total > len(leads):
        lines.append(e(texts.REMINDER_MORE.format(n=total - len(leads))))
    lines.append("<i>Detail: /lead &lt;nomor&gt;</i>")
    return _fit("\n".join(lines))


def gn_overview(offers: Sequence[Lead], requests: Sequence[Lead], now: dt.datetime) -> str:
    """Sponsor offers and sponsorship requests side by side, per regency, so staff can match them."""
    if not offers and not requests:
        return e(texts.GN_NONE)
    regions: Dict[str, Dict[str, List[Lead]]] = {}
    for lead in offers:
        regions.setdefault(lead.sponsor_regency or lead.regency or "Wilayah belum disebut", {}) \
            .setdefault("offers", []).append(lead)
    for lead in requests:
        regions.setdefault(lead.regency or "Wilayah belum disebut", {}).setdefault("requests", []).append(lead)
    lines = [f"<b>{e(texts.GN_HEADER)}</b>"]
    for region in sorted(regions, key=lambda r: (r.startswith("Wilayah"), r)):
        group = regions[region]
        o, r = group.get("offers", []), group.get("requests", [])
        workers = sum(x.sponsor_workers or 0 for x in o)
        lines.append("")
        lines.append(f"📍 <b>{e(region)}</b> — {len(o)} tawaran" + (f" ({format_number(workers)} pekerja)"
                                                                     if workers else "")
                     + f", {len(r)} permintaan")
        for x in o:
            kind = texts.DONOR_LABELS.get(x.donor_kind or "", "")
            size = f", {format_number(x.sponsor_workers)} pekerja" if x.sponsor_workers else ""
            lines.append(f"  🏢 #{x.id} {e(x.sponsor_organisation or x.name)}"
                         + (f" ({e(kind)})" if kind else "") + e(size) + f" · {age_text(x.created_at, now)}")
        for x in r:
            job = f", {e(x.occupation)}" if x.occupation else ""
            lines.append(f"  🙏 #{x.id} {e(x.name)}{job} · {e(texts.STATUS_LABELS.get(x.status, x.status))}"
                         f" · {age_text(x.created_at, now)}")
    lines.append("")
    lines.append("<i>Setelah dicocokkan, tandai permintaannya 🤝 Disponsori dan catat sponsornya.</i>")
    return _fit("\n".join(lines))


def gn_hint(lead: Lead, offers: int, requests: int) -> str | None:
    """For a new GN Lingkaran lead: how many of the other side are open in the same regency."""
    if lead.type == "sponsorship_request" and offers:
        return texts.GN_MATCH_HINT_OFFERS.format(n=offers, regency=lead.regency or "wilayah itu")
    if lead.type == "sponsor_offer" and requests:
        return texts.GN_MATCH_HINT_REQUESTS.format(n=requests, regency=lead.sponsor_regency or lead.regency
                                                   or "wilayah itu")
    return None


def lead_updated(lead_id: int, fields: Iterable[str]) -> str:
    names = [texts.FIELD_LABELS.get(f, f) for f in fields] or ["data"]
    return e(texts.LEAD_UPDATED.format(id=lead_id, fields=", ".join(names)))


# ------------------------------------------------------------------------------------------ agents
def agent_card(agent: Agent, footer: str | None = None) -> str:
    lines = [f"🛡️ <b>Agen #{agent.id}</b> · Lamaran Agen Perisai · "
             f"<i>{e(texts.AGENT_STATUS_LABELS.get(agent.status, agent.status))}</i>",
             f"👤 {e(agent.name or '-')}"]
    if agent.organisation:
        lines.append(f"👥 {e(agent.organisation)}")
    if agent.regency:
        lines.append(f"📍 {e(agent.regency)}")
    if agent.phone:
        lines.append(f"📱 {e(agent.phone)}")
    if agent.telegram_user_id:
        lines.append(f'💬 <a href="tg://user?id={int(agent.telegram_user_id)}">buka chat</a>')
    lines.append(f"🔑 Kode: {e(agent.code)}")
    lines.append(f"<i>Melamar {when(agent.applied_at)}</i>")
    if footer:
        lines.append(footer)
    return _fit("\n".join(lines))


def agent_keyboard(agent: Agent) -> Dict[str, Any]:
    return {"inline_keyboard": [[{"text": texts.APPROVE_BUTTON, "callback_data": f"{CALLBACK_AGENT}:ok:{agent.id}"},
                                 {"text": texts.REJECT_BUTTON, "callback_data": f"{CALLBACK_AGENT}:no:{agent.id}"}]]}


# ------------------------------------------------------------------------------------------ handoffs
def handoff_card(h: Handoff, footer: str | None = None) -> str:
    lines = [f"🙋 <b>Permintaan #{h.id}</b> · ingin bicara dengan petugas"]
    prefix, _, uid = h.sender_id.partition(":")
    if prefix == "telegram" and uid.isdigit():
        lines.append(f'💬 <a href="tg://user?id={int(uid)}">buka chat di Telegram</a>')
    else:
        lines.append(f"💬 lewat {e(channel_label(h.channel))}")
    if h.topic:
        lines.append(f"❓ {e(h.topic)}")
    if h.referral:
        lines.append(f"🤝 Kode agen: {e(h.referral)}")
    lines.append(f"<i>Masuk {when(h.created_at)}</i>")
    if footer:
        lines.append(footer)
    return _fit("\n".join(lines))


def handoff_keyboard(h: Handoff) -> Dict[str, Any]:
    return {"inline_keyboard": [[{"text": texts.HANDOFF_DONE_BUTTON,
                                  "callback_data": f"{CALLBACK_HANDOFF}:done:{h.id}"}]]}


def done_line(text: str) -> str:
    return f"<i>{e(text)}</i>"


#: Telegram's limits, in UTF-16 code units (an emoji or another character outside the BMP counts 2).
MESSAGE_LIMIT = 4096
u16 = utf16_len  # the length Telegram measures: UTF-16 code units


def _fit(text: str, limit: int = MESSAGE_LIMIT - 96) -> str:
    """Keep a card within Telegram's limit, measured in UTF-16 units as Telegram does (cut on a line
    boundary, so tags and entities stay balanced; the HTML source is never shorter than the text shown)."""
    if u16(text) <= limit:
        return text
    out, size = [], 0
    for line in text.split("\n"):
        n = u16(line) + 1
        if size + n > limit - 2:
            break
        out.append(line)
        size += n
    return "\n".join(out) + "\n…"
