"""Broadcasts on the dashboard ("Siaran", issue 15): the list, the composer with its preview and exact recipient
count, four-eyes approval, and the detail page with live counts, pause / resume / cancel.

A broadcast composed here is written with its recipient rows in ``review`` (nothing can be sent); a second staff
member (admin or staff, never its author) approves it (``queued`` at its schedule, its first jobs written in the
same transaction) or rejects it with a note. Every step is in the audit log (``lingkar/store/broadcasts.py``).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Tuple

from aiohttp import web

from lingkar.clock import zone
from lingkar.parsing import regency_names
from lingkar.store import SelfDecisionError
from lingkar.store.aio import run_sync
from lingkar.store.broadcasts import COUNT_KEYS, BroadcastError

from ..outreach.audience import chosen
from ..outreach.delivery import Outreach
from ..outreach.message import MAX_BUTTONS, BroadcastMessage, MessageError
from ..outreach.preview import preview
from ..staff import cards
from ..staff import texts as stexts
from .keys import COMPOSER, STORE
from .render import render, today_local
from .views import actor

log = logging.getLogger("lingkar.dashboard")

STATUS_LABELS = {"review": "Menunggu persetujuan", "rejected": "Ditolak", "queued": "Dijadwalkan",
                 "running": "Berjalan", "paused": "Dijeda", "cancelled": "Dibatalkan", "done": "Selesai"}
COUNT_LABELS = {"queued": "Antre", "sent": "Terkirim", "delivered": "Diterima", "read": "Dibaca", "failed": "Gagal",
                "unsubscribed": "Berhenti langganan"}
#: staff action in the URL -> (status, the flash message key)
#: the audience filter on what the person did (``lead``), as staff read it
LEAD_CHOICES = (("", "Semua pelanggan"), ("checked_no_lead", "Sudah cek kelayakan, belum jadi lead"),
                ("lead_not_registered", "Sudah jadi lead, belum terdaftar"))
ACTIONS = {"jeda": "paused", "lanjut": "running", "batal": "cancelled"}
TOPIC = re.compile(r"^[a-z0-9_.-]{1,64}$")
LIVE = ("queued", "running")


def _topics(composer) -> List[str]:
    return list(getattr(composer.audience, "topics", ()) or ())


def read_form(form) -> Tuple[Dict[str, Any], List[str]]:
    """The composer's fields, cleaned, and the problems found (in Indonesian, for staff)."""
    errors: List[str] = []
    values: Dict[str, Any] = {
        "text": (form.get("text") or "").replace("\r\n", "\n").strip()[:4000],
        "topic": (form.get("topic") or "").strip()[:64],
        "channel": form.get("channel") or "",
        "regency": (form.get("regency") or "").strip()[:100],
        "sector": " ".join((form.get("sector") or "").split())[:100],
        "agent": re.sub(r"[^A-Za-z0-9]", "", form.get("agent") or "")[:16].upper(),
        "lead": form.get("lead") or "",
        "at": (form.get("at") or "").strip()[:16],
        "buttons": [],
    }
    for i in range(1, MAX_BUTTONS + 1):
        title = " ".join((form.get(f"button_title_{i}") or "").split())[:40]
        payload = (form.get(f"button_payload_{i}") or "").strip()[:60]
        values[f"button_title_{i}"], values[f"button_payload_{i}"] = title, payload
        if title or payload:
            if not (title and payload):
                errors.append(f"Tombol {i}: isi judul dan intent-nya, atau kosongkan keduanya.")
            else:
                values["buttons"].append({"title": title, "payload": payload})
    if not TOPIC.match(values["topic"]):
        errors.append("Topik wajib diisi (huruf kecil, angka, titik, garis bawah).")
    if values["channel"] not in ("",) + tuple(stexts.CHANNEL_LABELS):
        values["channel"] = ""
    if values["lead"] not in {k for k, _ in LEAD_CHOICES}:
        values["lead"] = ""
    if values["regency"] and values["regency"] not in regency_names():
        errors.append("Kabupaten/kota tidak dikenal.")
    return values, errors


def filters_of(values: Dict[str, Any]) -> Dict[str, str]:
    return {k: values[k] for k in ("channel", "regency", "sector", "agent", "lead") if values.get(k)}


def scheduled(values: Dict[str, Any], now: dt.datetime, errors: List[str]) -> dt.datetime | None:
    """The schedule field (local time of the branch, WITA) as an aware time; empty: now (None)."""
    if not values["at"]:
        return None
    try:
        local = dt.datetime.strptime(values["at"], "%Y-%m-%dT%H:%M")
    except ValueError:
        errors.append("Jadwal tidak valid (tanggal dan jam).")
        return None
    at = local.replace(tzinfo=zone())
    if at <= now:
        errors.append("Jadwal sudah lewat: pilih waktu yang akan datang, atau kosongkan untuk kirim segera.")
        return None
    return at


def _count(store, audience, topic: str, filters: Dict[str, str]) -> int:
    """The exact number of recipients: distinct (channel, recipient), as the broadcast's rows will be."""
    return len({(str(c), str(k)) for c, k, _ in chosen(store, audience, topic, filters)})


# ---------------------------------------------------------------------------------------------- pages
async def broadcasts_page(request: web.Request) -> web.Response:
    store = request.app[STORE]

    def query():
        items = store.list_broadcasts(limit=100)
        return items, store.broadcast_counts_many([b.id for b in items]), store.list_staff()

    items, counts, staff = await run_sync(query)
    return render(request, "broadcasts.html", section="broadcasts", title="Siaran", items=items, counts=counts,
                  labels=STATUS_LABELS, when=cards.when, staff_names=cards.staff_index(staff),
                  actor_name=cards.actor_name, off=request.app[COMPOSER].audience is None)


def _compose_page(request: web.Request, values: Dict[str, Any], errors: List[str], status: int = 200,
                  **extra: Any) -> web.Response:
    composer = request.app[COMPOSER]
    return render(request, "broadcast_new.html", status=status, section="broadcasts", title="Buat siaran",
                  v=values, errors=errors, regencies=regency_names(), topics=_topics(composer),
                  channels=list(stexts.CHANNEL_LABELS.items()), max_buttons=MAX_BUTTONS, leads=LEAD_CHOICES,
                  off=composer.audience is None, pv=extra.get("pv"), count=extra.get("count"),
                  at_text=extra.get("at_text", ""))


async def compose_page(request: web.Request) -> web.Response:
    values, _ = read_form({})
    return _compose_page(request, values, [])


async def compose(request: web.Request) -> web.StreamResponse:
    """POST of the composer: ``action=preview`` shows the preview and the count, ``action=submit`` writes the
    broadcast for review (after the same checks)."""
    store = request.app[STORE]
    composer = request.app[COMPOSER]
    if composer.audience is None:
        return _compose_page(request, read_form({})[0], ["Siaran tidak aktif di server ini (BROADCAST_AUDIENCE=off)."],
                             status=409)
    form = await request.post()
    values, errors = read_form(form)
    topics = _topics(composer)
    if topics and values["topic"] and values["topic"] not in topics:
        errors.append(f"Topik tidak dikenal: pilih salah satu dari {', '.join(topics)}.")
    at = scheduled(values, store.now(), errors)
    message = None
    if values["text"] or not errors:
        try:
            message = BroadcastMessage.parse(values["text"], values["buttons"])
        except MessageError as exc:
            errors.append(f"Pesan: {exc}")
    if errors or message is None:
        return _compose_page(request, values, errors, status=400)
    filters = filters_of(values)
    day = (at or store.now()).astimezone(zone()).date()
    try:
        pv = preview(message, values["topic"], today_local(store), composer.template)
        if day != pv.day:
            message.render(day)
        count = await run_sync(_count, store, composer.audience, values["topic"], filters)
    except (MessageError, ValueError) as exc:
        return _compose_page(request, values, [f"Pesan: {exc}"], status=400)
    if form.get("action") != "submit":
        return _compose_page(request, values, [], pv=pv, count=count, at_text=cards.when(at) if at else "")
    outreach = Outreach(store, composer.audience, {}, today=lambda: today_local(store))
    try:
        bc, _ = await outreach.queue(message, values["topic"], actor(request), filters=filters,
                                     template=composer.template, scheduled_at=at, review=True)
    except (MessageError, ValueError) as exc:
        return _compose_page(request, values, [f"Pesan: {exc}"], status=400)
    log.info("broadcast %s submitted for review by staff %s: %d recipient(s)", bc.id,
             request["staff"].telegram_user_id, bc.total)
    # the subscribers may have changed since the preview: the page then says so (the reviewer sees the exact total)
    changed = str(bc.total) != (form.get("previewed") or "")
    raise web.HTTPSeeOther(f"/siaran/{bc.id}?ok=bc_submitted{'_changed' if changed else ''}")


async def broadcast_page(request: web.Request) -> web.Response:
    store = request.app[STORE]
    bid = int(request.match_info["id"])

    def query():
        bc = store.get_broadcast(bid)
        if bc is None:
            return None
        return (bc, store.broadcast_counts(bid), store.list_staff(),
                store.audit_entries(target_type="broadcast", target_id=bid, limit=100))

    got = await run_sync(query)
    if got is None:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    bc, counts, staff, audit = got
    day = today_local(store)
    if bc.scheduled_at is not None and bc.status in ("review", "queued"):
        day = max(day, bc.scheduled_at.astimezone(zone()).date())
    try:
        pv, pv_error = preview(BroadcastMessage.parse(bc.text, bc.buttons), bc.topic, day, bc.template), ""
    except (MessageError, ValueError) as exc:
        pv, pv_error = None, str(exc)
    rejected = next((a for a in audit if a.action == "broadcast.rejected"), None)
    settled = sum(counts[k] for k in COUNT_KEYS if k != "queued")
    me = actor(request)
    return render(request, "broadcast.html", section="broadcasts", title=f"Siaran #{bc.id}", bc=bc, counts=counts,
                  count_labels=COUNT_LABELS, labels=STATUS_LABELS, audit=audit, when=cards.when,
                  staff_names=cards.staff_index(staff), actor_name=cards.actor_name, pv=pv, pv_error=pv_error,
                  rejected=rejected, settled=settled, is_author=bc.created_by == me,
                  refresh=5 if bc.status in LIVE else None,
                  channel_labels={**stexts.CHANNEL_LABELS, **dict(LEAD_CHOICES)})


async def broadcast_review(request: web.Request) -> web.StreamResponse:
    """``/siaran/{id}/setujui`` and ``/siaran/{id}/tolak`` (with a note): the second pair of eyes."""
    store = request.app[STORE]
    composer = request.app[COMPOSER]
    bid = int(request.match_info["id"])
    approve = request.match_info["what"] == "setujui"
    form = await request.post()
    who = actor(request)

    def write():
        if approve:
            bc = store.get_broadcast(bid)
            jobs = composer.jobs(bc.scheduled_at) if (bc is not None and composer.jobs) else ()
            return store.approve_broadcast(bid, who, jobs)[0]
        return store.reject_broadcast(bid, who, (form.get("note") or "").strip()[:500])

    try:
        bc = await run_sync(write)
    except SelfDecisionError:
        return render(request, "denied.html", status=403, title="Tidak diizinkan",
                      reason="Siaran ini Anda tulis sendiri: petugas lain yang harus menyetujui atau menolaknya.")
    except BroadcastError:
        if await run_sync(store.get_broadcast, bid) is None:
            return render(request, "not_found.html", status=404, title="Tidak ditemukan")
        raise web.HTTPSeeOther(f"/siaran/{bid}?ok=bc_state") from None
    log.info("broadcast %s %s by staff %s", bid, bc.status, request["staff"].telegram_user_id)
    raise web.HTTPSeeOther(f"/siaran/{bid}?ok=bc_{'approved' if approve else 'rejected'}")


async def broadcast_action(request: web.Request) -> web.StreamResponse:
    """Pause, resume, cancel (``/siaran/{id}/jeda|lanjut|batal``). A resumed broadcast is picked up by the workers'
    sweep (every 15 seconds), as after a worker restart."""
    store = request.app[STORE]
    bid = int(request.match_info["id"])
    status = ACTIONS[request.match_info["what"]]
    try:
        await run_sync(store.set_broadcast_status, bid, status, actor(request))
    except BroadcastError:
        if await run_sync(store.get_broadcast, bid) is None:
            return render(request, "not_found.html", status=404, title="Tidak ditemukan")
        raise web.HTTPSeeOther(f"/siaran/{bid}?ok=bc_state") from None
    raise web.HTTPSeeOther(f"/siaran/{bid}?ok=bc_{status}")


__all__ = ["broadcasts_page", "compose_page", "compose", "broadcast_page", "broadcast_review", "broadcast_action"]
