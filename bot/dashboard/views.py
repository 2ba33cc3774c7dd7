"""Pages of the staff dashboard: leads (list, detail, status, claim, note, CSV), agents, funnel, GN Lingkaran,
staff (admins). Every input is validated here; nothing from a form or a URL is trusted.

The app's state is reached through ``request.app[...]`` with the keys of :mod:`.keys`; URLs are in :mod:`.routes`.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Tuple

import aiohttp
from aiohttp import web
from markupsafe import Markup, escape

from lingkar.facts import FactError, format_number, get_facts
from lingkar.parsing import regency_names
from lingkar.pemda import OUTREACH_STAGES
from lingkar.store import (
    AGENT_STATUSES,
    LEAD_PURPOSES,
    LEAD_STATUSES,
    LEAD_TYPES,
    OPEN_STATUSES,
    FunnelRow,
    LeadClaimedError,
    NotFound,
    SelfDecisionError,
)
from lingkar.store.aio import run_sync
from lingkar.store.outreach import OUTREACH_GROUPS, REMINDER_WINDOW, REPLY_WINDOW

from ..agents.links import agent_link, qr_png, whatsapp_link
from ..agents.poster import poster_pdf
from ..staff import cards
from ..staff import texts as stexts
from .keys import SETTINGS, STORE
from .render import render, today_local

log = logging.getLogger("lingkar.dashboard")

PAGE_SIZE = 50
AGE_CHOICES = (("", "Semua"), ("24", "Lebih dari 1 hari"), ("48", "Lebih dari 2 hari"), ("168", "Lebih dari 7 hari"))
STATUS_CHOICES = (("open", "Terbuka (baru + dihubungi)"), ("all", "Semua status")) + tuple(
    (s, stexts.STATUS_LABELS[s]) for s in LEAD_STATUSES)
GROUPS = (("week", "Minggu"), ("regency", "Kabupaten/kota"), ("sector", "Sektor"), ("agent", "Agen"),
          ("channel", "Kanal"), ("purpose", "Keperluan"))
STAGES = (("chats", "Chat dimulai"), ("checks", "Cek kelayakan"), ("leads", "Lead"), ("contacted", "Dihubungi"),
          ("registered", "Terdaftar"))
AGENT_ACTIONS = {"approve": ("approved", ("applied", "rejected", "inactive")),
                 "reject": ("rejected", ("applied",)),
                 "deactivate": ("inactive", ("approved",))}


def actor(request: web.Request) -> str:
    return f"telegram:{request['staff'].telegram_user_id}"


# ---------------------------------------------------------------------------------------------- leads
#: "Kemungkinan ganda" (another owner's lead with the same phone or NIK): the words of the staff cards.
DUPLICATE_WORDS = {"duplicate_header": cards.DUPLICATE_HEADER, "duplicate_hint": cards.DUPLICATE_HINT,
                   "duplicate_reasons": cards.DUPLICATE_REASONS, "duplicate_mark": cards.DUPLICATE_MARK}


def lead_filters(query, stale_hours: float = 48.0) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The query string -> (store filters, the form's values). Unknown values fall back to the defaults."""
    form = {
        "status": query.get("status", "open"),
        "type": query.get("type", ""),
        "purpose": query.get("purpose", ""),
        "regency": query.get("regency", "").strip()[:100],
        "agent": re.sub(r"[^A-Za-z0-9]", "", query.get("agent", ""))[:16].upper(),
        "channel": query.get("channel", ""),
        "age": query.get("age", ""),
        "untouched": "1" if query.get("untouched") == "1" else "",
        "q": " ".join(query.get("q", "").split())[:100],
    }
    filters: Dict[str, Any] = {}
    if form["status"] == "open":
        filters["open_only"] = True
    elif form["status"] in LEAD_STATUSES:
        filters["status"] = form["status"]
    else:
        form["status"] = "all" if form["status"] == "all" else "open"
        if form["status"] == "open":
            filters["open_only"] = True
    if form["type"] in LEAD_TYPES:
        filters["type"] = form["type"]
    else:
        form["type"] = ""
    if form["purpose"] in LEAD_PURPOSES:
        filters["purpose"] = form["purpose"]
    else:
        form["purpose"] = ""
    if form["regency"]:
        filters["regency"] = form["regency"]
    if form["agent"]:
        filters["agent"] = form["agent"]
    if form["channel"] in stexts.CHANNEL_LABELS:
        filters["channel"] = form["channel"]
    else:
        form["channel"] = ""
    if form["age"] in {a for a, _ in AGE_CHOICES if a}:
        filters["older_than_hours"] = int(form["age"])
    else:
        form["age"] = ""
    if form["untouched"]:
        filters["untouched_hours"] = stale_hours
    if form["q"]:
        filters["search"] = form["q"]
    return filters, form


async def leads_page(request: web.Request) -> web.Response:
    store = request.app[STORE]
    filters, form = lead_filters(request.query, request.app[SETTINGS].stale_hours)
    try:
        page = max(1, min(10_000, int(request.query.get("page", "1"))))
    except ValueError:
        page = 1

    def query():
        return (store.list_leads(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters),
                store.count_leads(**filters), store.list_staff())

    leads, total, staff = await run_sync(query)
    csv_query = {k: v for k, v in form.items() if v}
    return render(request, "leads.html", section="leads", title="Lead", leads=leads, total=total, form=form,
                  page=page, pages=max(1, -(-total // PAGE_SIZE)), csv_query=csv_query,
                  statuses=STATUS_CHOICES, types=[("", "Semua jenis")] + list(stexts.TYPE_LABELS.items()),
                  regencies=regency_names(), ages=AGE_CHOICES, labels=stexts.STATUS_LABELS,
                  channels=list(stexts.CHANNEL_LABELS.items()),
                  purposes=[("", "Semua keperluan")] + list(stexts.PURPOSE_LABELS.items()),
                  purpose_label=cards.purpose_label,
                  type_labels=stexts.TYPE_LABELS, staff_names=cards.staff_index(staff), actor_name=cards.actor_name,
                  when=cards.when, ago=cards.ago, now=store.now(), **DUPLICATE_WORDS)


async def leads_csv(request: web.Request) -> web.Response:
    """The current filter as CSV (header row first, NIK masked), for a spreadsheet."""
    store = request.app[STORE]
    filters, _ = lead_filters(request.query, request.app[SETTINGS].stale_hours)
    rows = await run_sync(store.count_leads, **filters)
    text = await run_sync(store.export_leads_csv, **filters)
    await run_sync(store.record_export, actor(request), rows=rows, via="dashboard", filters=filters)
    log.info("CSV export by staff %s: %d lead(s)", request["staff"].telegram_user_id, rows)
    name = f"lingkar-lead-{today_local(store).isoformat()}.csv"
    return web.Response(body=("\ufeff" + text).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def lead_page(request: web.Request) -> web.Response:
    store = request.app[STORE]
    lead_id = int(request.match_info["id"])

    def query():
        lead = store.get_lead(lead_id)
        if lead is None:
            return None
        agent = store.agent_by_code(lead.referral) if lead.referral else None
        return lead, agent, store.list_staff(), store.audit_entries(target_type="lead", target_id=lead_id, limit=50)

    got = await run_sync(query)
    if got is None:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    lead, agent, staff, audit = got
    return render(request, "lead.html", section="leads", title=f"Lead #{lead.id}", lead=lead, agent=agent,
                  staff_names=cards.staff_index(staff), audit=audit, labels=stexts.STATUS_LABELS,
                  type_labels=stexts.TYPE_LABELS, donor_labels=stexts.DONOR_LABELS, actor_name=cards.actor_name,
                  purpose_label=cards.purpose_label,
                  when=cards.when, eligibility=cards.eligibility_summary(lead.eligibility), fmt=format_number,
                  statuses=LEAD_STATUSES, wa=_wa_link(lead.phone), **DUPLICATE_WORDS)


def _wa_link(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return f"https://wa.me/{digits}" if digits.startswith("62") else None


async def lead_status(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    lead_id = int(request.match_info["id"])
    form = await request.post()
    status = form.get("status")
    note = (form.get("note") or "").strip()[:2000] or None
    if status not in LEAD_STATUSES:
        return render(request, "bad_request.html", status=400, title="Permintaan tidak valid")
    who = actor(request)
    force = request["staff"].is_admin  # an admin may change the status of a lead someone else handles

    def write():
        lead = store.get_lead(lead_id, with_history=False)
        if lead is None:
            return False
        if not lead.claimed_by:
            store.claim_lead(lead_id, who)
        store.set_lead_status(lead_id, status, who, note, force=force)
        return True

    try:
        ok = await run_sync(write)
    except NotFound:
        ok = False
    except LeadClaimedError as exc:
        return await claimed_page(request, lead_id, exc.claimed_by)
    if not ok:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    raise web.HTTPSeeOther(f"/leads/{lead_id}?ok=status")


async def claimed_page(request: web.Request, lead_id: int, claimed_by: str) -> web.Response:
    """409: the lead is handled by someone else; say who, keep the page friendly (nothing was changed)."""
    names = cards.staff_index(await run_sync(request.app[STORE].list_staff))
    return render(request, "claimed.html", status=409, title="Lead sedang ditangani petugas lain", lead_id=lead_id,
                  who=cards.actor_name(claimed_by, names))


async def lead_claim(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    lead_id = int(request.match_info["id"])
    form = await request.post()
    force = form.get("force") == "1" and request["staff"].is_admin  # only an admin takes a lead over
    try:
        await run_sync(store.claim_lead, lead_id, actor(request), force)
    except NotFound:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    except LeadClaimedError:
        raise web.HTTPSeeOther(f"/leads/{lead_id}?ok=claimed") from None
    raise web.HTTPSeeOther(f"/leads/{lead_id}?ok=claim")


async def lead_note(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    lead_id = int(request.match_info["id"])
    form = await request.post()
    note = (form.get("note") or "").strip()[:2000]
    if not note:
        raise web.HTTPSeeOther(f"/leads/{lead_id}")
    try:
        await run_sync(store.add_lead_note, lead_id, actor(request), note)
    except NotFound:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    raise web.HTTPSeeOther(f"/leads/{lead_id}?ok=note")


# ---------------------------------------------------------------------------------------------- agents
async def agents_page(request: web.Request) -> web.Response:
    store = request.app[STORE]
    today = today_local(store)
    show = request.query.get("status", "")
    show = show if show in AGENT_STATUSES else ""

    def query():
        agents = store.list_agents(status=show or None)
        total = {r.group: r for r in store.funnel(group_by="agent")}
        month = {r.group: r for r in store.funnel(group_by="agent", since=today.replace(day=1), until=today)}
        return agents, total, month

    agents, total, month = await run_sync(query)
    order = {"applied": 0, "approved": 1, "inactive": 2, "rejected": 3}
    agents.sort(key=lambda a: (order.get(a.status, 9), a.id))
    username = await bot_username(request.app)
    wa_number = request.app[SETTINGS].whatsapp_number
    return render(request, "agents.html", section="agents", title="Agen Perisai", agents=agents, total=total,
                  month=month, empty=FunnelRow(group=None), show=show, labels=stexts.AGENT_STATUS_LABELS,
                  link=(lambda code: agent_link(username, code)) if username else None, when=cards.when,
                  wa_link=(lambda code: whatsapp_link(wa_number, code)) if wa_number else None,
                  fmt=format_number, month_start=today.replace(day=1))


async def agent_status(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE]
    agent_id = int(request.match_info["id"])
    form = await request.post()
    action = AGENT_ACTIONS.get(form.get("action", ""))
    if action is None:
        return render(request, "bad_request.html", status=400, title="Permintaan tidak valid")
    status, allowed_from = action
    agent = await run_sync(store.get_agent, agent_id)
    if agent is None:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    if agent.status not in allowed_from or (status == "approved" and not agent.telegram_user_id):
        return render(request, "bad_request.html", status=409, title="Tidak bisa diubah")
    try:
        await run_sync(store.set_agent_status, agent_id, status, actor(request))
    except SelfDecisionError:
        return render(request, "bad_request.html", status=409, title="Lamaran Anda sendiri diputuskan petugas lain")
    raise web.HTTPSeeOther("/agen?ok=agent")


async def agent_qr(request: web.Request) -> web.Response:
    """``/agen/<id>/qr.png`` (the Telegram link), ``/agen/<id>/qr-wa.png`` (the WhatsApp link, with
    WHATSAPP_DISPLAY_NUMBER) and ``/agen/<id>/poster.pdf`` (the printable poster with both)."""
    store = request.app[STORE]
    agent = await run_sync(store.get_agent, int(request.match_info["id"]))
    username = await bot_username(request.app)
    wa_number = request.app[SETTINGS].whatsapp_number
    what = request.match_info.get("what", "qr.png")
    if agent is None or not agent.is_active or not username or (what == "qr-wa.png" and not wa_number):
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    link = agent_link(username, agent.code)
    wa = whatsapp_link(wa_number, agent.code) if wa_number else None
    if what == "poster.pdf":
        pdf = await run_sync(lambda: poster_pdf(telegram=link, whatsapp=wa, code=agent.code, name=agent.name))
        return web.Response(body=pdf, content_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="poster-agen-perisai-{agent.code}.pdf"'})
    if what == "qr-wa.png":
        png = await run_sync(qr_png, wa, f"WhatsApp · Agen Perisai · {agent.code}")
        name = f"agen-perisai-{agent.code}-whatsapp.png"
    else:
        png = await run_sync(qr_png, link, f"Agen Perisai · {agent.code}")
        name = f"agen-perisai-{agent.code}.png"
    return web.Response(body=png, content_type="image/png",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})


async def bot_username(app: web.Application) -> str | None:
    """TELEGRAM_BOT_USERNAME, else asked once from the Bot API (getMe) with the bot token."""
    settings = app[SETTINGS]
    if settings.bot_username:
        return settings.bot_username
    if not settings.token:
        return None
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{settings.api_url}{settings.token}/getMe",
                                   timeout=aiohttp.ClientTimeout(total=5)) as resp:
                data = await resp.json()
        settings.bot_username = data["result"]["username"]
    except Exception as exc:
        log.warning("bot username unknown (getMe failed: %s)", type(exc).__name__)
        return None
    return settings.bot_username


# ---------------------------------------------------------------------------------------------- funnel
def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def funnel_page(request: web.Request) -> web.Response:
    store = request.app[STORE]
    group = request.query.get("by", "week")
    group = group if group in dict(GROUPS) else "week"
    since, until = _date(request.query.get("since")), _date(request.query.get("until"))

    outreach_group = group if group in OUTREACH_GROUPS else None

    def query():
        outreach = [(kind, title, stages, store.outreach_funnel(kind, since=since, until=until)[0],
                     store.outreach_funnel(kind, outreach_group, since=since, until=until) if outreach_group else [])
                    for kind, title, stages in OUTREACH_STAGES]
        return (store.funnel(since=since, until=until)[0], store.funnel(group_by=group, since=since, until=until),
                store.sources(since=since, until=until), outreach)

    total, rows, sources, outreach = await run_sync(query)
    if group == "week":
        rows = sorted(rows, key=lambda r: (r.group is None, str(r.group)), reverse=True)
    peak = max([getattr(r, s) for r in rows for s, _ in STAGES] + [1])
    return render(request, "funnel.html", section="funnel", title="Corong", total=total, rows=rows, group=group,
                  groups=GROUPS, stages=STAGES, since=since.isoformat() if since else "",
                  until=until.isoformat() if until else "", peak=peak, chart=funnel_svg(total),
                  sultra=sultra_facts(today_local(store), total), fmt=format_number, group_label=_group_label,
                  sources=[(key, stexts.SOURCE_LABELS[key], n) for key, n in sources.items()],
                  outreach=outreach, outreach_group=outreach_group,
                  reply_hours=int(REPLY_WINDOW.total_seconds() // 3600), reminder_days=REMINDER_WINDOW.days)


def _group_label(group: str, value: Any) -> str:
    if value is None:
        return "(belum diketahui)" if group != "agent" else "(tanpa agen)"
    if group == "channel":
        return cards.channel_label(str(value))
    if group == "purpose":
        return cards.purpose_label(str(value))
    if group == "week" and isinstance(value, dt.date):
        end = value + dt.timedelta(days=6)
        return f"{value.day} {cards._MONTHS[value.month - 1]} – {end.day} {cards._MONTHS[end.month - 1]} {end.year}"
    return str(value)


def funnel_svg(total: FunnelRow) -> Markup:
    """The funnel as an inline SVG of horizontal bars (no script, no external file)."""
    values = [(label, getattr(total, stage)) for stage, label in STAGES]
    peak = max([v for _, v in values] + [1])
    width, bar_h, gap, label_w = 640, 34, 10, 150
    height = len(values) * (bar_h + gap)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Corong: {escape(", ".join(f"{lbl} {v}" for lbl, v in values))}" '
             'xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(values):
        y = i * (bar_h + gap)
        w = 0 if not value else max(4, round((width - label_w - 70) * value / peak))
        parts.append(f'<text x="0" y="{y + bar_h * 0.65:.0f}" class="lbl">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="4" class="bar s{i}"/>')
        parts.append(f'<text x="{label_w + w + 8}" y="{y + bar_h * 0.65:.0f}" class="val">'
                     f'{escape(format_number(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sultra_facts(today: dt.date, total: FunnelRow) -> Dict[str, Any]:
    """The Sultra figures the funnel is compared with, from content/facts.yml (value, date, source)."""
    facts = get_facts()
    out: Dict[str, Any] = {"rows": [], "share": None}

    def fact(key: str):
        try:
            return facts.entry(key, on=today)
        except (FactError, LookupError):
            return None

    for key, label, style in (("sultra.workers", "Pekerja di Sulawesi Tenggara (perkiraan)", "juta"),
                              ("sultra.registered_2018", "Terdaftar (aktif dan nonaktif), Juni 2018", "ribu"),
                              ("sultra.active_2018", "Peserta aktif, Juni 2018", "ribu"),
                              ("sultra.active_2023", "Peserta aktif, Desember 2023", "ribu"),
                              ("sultra.coverage_2023", "Cakupan kepesertaan, Desember 2023", "")):
        fv = fact(key)
        if fv is not None:
            out["rows"].append({"key": key, "label": label, "value": fv.text(style), "source": fv.source})
    workers = fact("sultra.workers")
    registered = fact("sultra.registered_2018")
    goal = fact("sultra.goal_year")
    if workers is not None and registered is not None:
        not_yet = workers.value - registered.value
        out["not_yet"] = format_number(not_yet)
        out["share"] = _percent(total.registered, not_yet)
        out["registered"] = format_number(total.registered)
    out["goal"] = goal.text() if goal is not None else None
    return out


def _percent(part: float, whole: float) -> str:
    if not whole:
        return "0"
    p = 100 * part / whole
    if p == 0:
        return "0"
    digits = 2 if p >= 0.01 else 4
    return format_number(round(p, digits))


# ---------------------------------------------------------------------------------------------- GN Lingkaran
async def gn_page(request: web.Request) -> web.Response:
    store = request.app[STORE]

    def query():
        offers = store.list_leads(type="sponsor_offer", status=OPEN_STATUSES, limit=500, oldest_first=True)
        requests = store.list_leads(type="sponsorship_request", status=OPEN_STATUSES, limit=500, oldest_first=True)
        return offers, requests

    offers, requests = await run_sync(query)
    regions: Dict[str, Dict[str, List]] = {}
    for lead in offers:
        regions.setdefault(lead.sponsor_regency or lead.regency or "", {"offers": [], "requests": []})["offers"] \
            .append(lead)
    for lead in requests:
        regions.setdefault(lead.regency or "", {"offers": [], "requests": []})["requests"].append(lead)
    ordered = sorted(regions.items(), key=lambda kv: (kv[0] == "", -len(kv[1]["offers"]) * len(kv[1]["requests"]),
                                                      kv[0]))
    return render(request, "gn.html", section="gn", title="GN Lingkaran", regions=ordered, labels=stexts.STATUS_LABELS,
                  donor_labels=stexts.DONOR_LABELS, fmt=format_number, when=cards.when)


# ---------------------------------------------------------------------------------------------- staff (admins)
def _admin_only(request: web.Request) -> web.Response | None:
    if not request["staff"].is_admin:
        log.info("staff %s opened an admin page: refused", request["staff"].telegram_user_id)
        return render(request, "denied.html", status=403, title="Tidak diizinkan")
    return None


async def staff_page(request: web.Request) -> web.Response:
    denied = _admin_only(request)
    if denied is not None:
        return denied
    users = await run_sync(request.app[STORE].list_staff)
    return render(request, "staff.html", section="staff", title="Petugas", users=users)


async def staff_add(request: web.Request) -> web.StreamResponse:
    denied = _admin_only(request)
    if denied is not None:
        return denied
    form = await request.post()
    tid = (form.get("telegram_user_id") or "").strip()
    role = form.get("role")
    name = " ".join((form.get("name") or "").split())[:200] or None
    if not re.fullmatch(r"\d{1,15}", tid) or role not in ("staff", "admin"):
        return render(request, "bad_request.html", status=400, title="Permintaan tidak valid")
    await run_sync(request.app[STORE].add_staff, int(tid), name, role, actor(request))
    raise web.HTTPSeeOther("/petugas?ok=staff")


async def staff_active(request: web.Request) -> web.StreamResponse:
    denied = _admin_only(request)
    if denied is not None:
        return denied
    tid = int(request.match_info["tid"])
    form = await request.post()
    active = form.get("active") == "1"
    if tid == request["staff"].telegram_user_id and not active:
        return render(request, "bad_request.html", status=400, title="Tidak bisa mencabut akses sendiri")
    try:
        await run_sync(request.app[STORE].set_staff_active, tid, active, actor(request))
    except NotFound:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    raise web.HTTPSeeOther("/petugas?ok=staff")
