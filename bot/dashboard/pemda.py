"""The local-government (Pemda) pages: one regency's aggregates, the Pemda's own worker estimate, and the CSV.

* ``GET /pemda``: a Pemda officer sees their own regency (``staff_users.regency``); staff and admins may look at
  any regency (``?kabupaten=``), read-only.
* ``POST /pemda/perkiraan``: a Pemda officer records their estimate of workers by sector (count, source, date).
* ``GET /pemda.csv``: the same aggregates as CSV.

Nothing personal is read here: the store gives months, sectors and counts (:meth:`Store.pemda_cells`), and
:mod:`lingkar.pemda` turns them into published text ("<5" and bounded totals). The middleware keeps a Pemda
officer on these pages only (every other page answers 403).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from typing import Any, Dict

from aiohttp import web

from lingkar import pemda
from lingkar.facts import FactError, get_facts
from lingkar.parsing import regency_names
from lingkar.store.aio import run_sync

from .keys import STORE
from .render import render, today_local

log = logging.getLogger("lingkar.dashboard")

#: The paths a Pemda officer may open (everything else answers 403 for them).
PEMDA_PATHS = ("/pemda", "/keluar")
DEFAULT_GOAL_YEAR = 2029


def goal_year(today: dt.date) -> int:
    """The year by which every Sultra worker should be registered (content/facts.yml ``sultra.goal_year``)."""
    try:
        return int(get_facts().entry("sultra.goal_year", on=today).value)
    except (FactError, LookupError, ValueError, TypeError):
        return DEFAULT_GOAL_YEAR


def regency_of(request: web.Request) -> str | None:
    """The regency the page is about: a Pemda officer's own; for staff the one asked for (a known name)."""
    user = request["staff"]
    if user.is_pemda:
        return user.regency
    asked = request.query.get("kabupaten", "").strip()
    names = regency_names()
    return asked if asked in names else (names[0] if names else None)


async def report_for(request: web.Request, regency: str) -> pemda.Report:
    store = request.app[STORE]
    today = today_local(store)

    def query():
        return (store.pemda_cells(regency), store.pemda_estimates(regency), store.active_agents_in(regency),
                store.subscribers_in(regency))

    cells, estimates, agents, subscribers = await run_sync(query)
    return pemda.build_report(regency, cells, estimates, agents, subscribers, today, goal_year(today))


def _form_defaults(today: dt.date) -> Dict[str, str]:
    return {"sector": pemda.ALL_SECTORS, "workers": "", "source": "", "as_of": today.isoformat()}


async def pemda_page(request: web.Request, form: Dict[str, str] | None = None, errors: Dict[str, str] | None = None,
                     status: int = 200) -> web.Response:
    regency = regency_of(request)
    if regency is None:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    report = await report_for(request, regency)
    today = today_local(request.app[STORE])
    outreach = await run_sync(outreach_in, request.app[STORE], regency)
    user = request["staff"]
    return render(request, "pemda.html", status=status, section="pemda", title=f"Pemda · {regency}", report=report,
                  stages=pemda.STAGES, can_record=user.is_pemda, form=form or _form_defaults(today),
                  errors=errors or {}, sector_choices=[(pemda.ALL_SECTORS, pemda.sector_label(pemda.ALL_SECTORS))]
                  + [(s, pemda.sector_label(s)) for s in pemda.sectors()],
                  regencies=regency_names() if not user.is_pemda else [], today=today.isoformat(),
                  outreach=pemda.outreach_shown(outreach))


def outreach_in(store: Any, regency: str) -> Dict[str, Any]:
    """The regency's row of each outreach funnel (all time; the regency as known when the person subscribed)."""
    want = regency.strip().lower()
    return {kind: next((r for r in store.outreach_funnel(kind, "regency") if str(r.group or "").lower() == want), None)
            for kind, _title, _stages in pemda.OUTREACH_STAGES}


async def pemda_view(request: web.Request) -> web.Response:
    return await pemda_page(request)


async def pemda_csv(request: web.Request) -> web.Response:
    regency = regency_of(request)
    if regency is None:
        return render(request, "not_found.html", status=404, title="Tidak ditemukan")
    report = await report_for(request, regency)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["kabupaten", regency])
    writer.writerows(pemda.csv_rows(report))
    log.info("pemda CSV export (%s) by dashboard user %s", regency, request["staff"].telegram_user_id)
    slug = re.sub(r"[^a-z0-9]+", "-", regency.lower()).strip("-")
    name = f"lingkar-pemda-{slug}-{today_local(request.app[STORE]).isoformat()}.csv"
    return web.Response(body=("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def check_estimate(raw: Any, today: dt.date) -> tuple[Dict[str, str], Dict[str, str], Dict[str, Any] | None]:
    """The estimate form -> (values to show again, Indonesian error per field, clean values or None)."""
    form = {"sector": str(raw.get("sector") or ""), "workers": " ".join(str(raw.get("workers") or "").split())[:20],
            "source": " ".join(str(raw.get("source") or "").split())[:500],
            "as_of": str(raw.get("as_of") or "").strip()[:10]}
    errors: Dict[str, str] = {}
    allowed = {pemda.ALL_SECTORS, *pemda.sectors()}
    if form["sector"] not in allowed:
        errors["sector"] = "Pilih sektor dari daftar."
    digits = re.sub(r"[.\s]", "", form["workers"])  # "12.500" is how people write twelve thousand five hundred
    if not re.fullmatch(r"\d{1,8}", digits):
        errors["workers"] = "Tulis jumlah pekerja sebagai angka, misalnya 12500."
    if len(form["source"]) < 3:
        errors["source"] = "Tulis sumber angka ini, misalnya \"Sakernas 2025\" atau \"Data Disnaker\"."
    as_of = None
    try:
        as_of = dt.date.fromisoformat(form["as_of"])
        if as_of > today or as_of.year < 2000:
            errors["as_of"] = "Tanggal data harus antara tahun 2000 dan hari ini."
    except ValueError:
        errors["as_of"] = "Tulis tanggal data, misalnya 2026-06-30."
    if errors:
        return form, errors, None
    return form, errors, {"sector": form["sector"], "workers": int(digits), "source": form["source"], "as_of": as_of}


async def pemda_estimate(request: web.Request) -> web.StreamResponse:
    user = request["staff"]
    if not user.is_pemda:  # staff look at a regency; only its Pemda records its own count
        return render(request, "denied.html", status=403, title="Tidak diizinkan")
    store = request.app[STORE]
    form, errors, clean = check_estimate(await request.post(), today_local(store))
    if clean is None:
        return await pemda_page(request, form=form, errors=errors, status=400)
    await run_sync(lambda: store.record_pemda_estimate(user.regency, actor=f"telegram:{user.telegram_user_id}",
                                                       **clean))
    raise web.HTTPSeeOther("/pemda?ok=estimate")


__all__ = ["PEMDA_PATHS", "pemda_csv", "pemda_estimate", "pemda_view", "regency_of"]
