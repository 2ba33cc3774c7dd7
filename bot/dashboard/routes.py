"""Every URL of the dashboard (the routes table, as in aio-libs' aiohttp-demos): ``setup_routes(app)``."""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from . import broadcasts, pemda, signin, views

STATIC = Path(__file__).resolve().parent / "static"


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/health", signin.health)
    r.add_get("/masuk", signin.signin_page)
    r.add_post("/masuk", signin.signin)
    r.add_post("/keluar", signin.signout)
    r.add_get("/", signin.index)
    r.add_get("/leads", views.leads_page)
    r.add_get("/leads.csv", views.leads_csv)
    r.add_get("/leads/{id:\\d{1,10}}", views.lead_page)
    r.add_post("/leads/{id:\\d{1,10}}/status", views.lead_status)
    r.add_post("/leads/{id:\\d{1,10}}/claim", views.lead_claim)
    r.add_post("/leads/{id:\\d{1,10}}/note", views.lead_note)
    r.add_get("/agen", views.agents_page)
    r.add_post("/agen/{id:\\d{1,10}}/status", views.agent_status)
    r.add_get("/agen/{id:\\d{1,10}}/{what:qr\\.png|qr-wa\\.png|poster\\.pdf}", views.agent_qr)
    r.add_get("/corong", views.funnel_page)
    r.add_get("/gn", views.gn_page)
    r.add_get("/petugas", views.staff_page)
    r.add_post("/petugas", views.staff_add)
    r.add_post("/petugas/{tid:-?\\d{1,15}}/aktif", views.staff_active)
    r.add_get("/siaran", broadcasts.broadcasts_page)
    r.add_get("/siaran/baru", broadcasts.compose_page)
    r.add_post("/siaran/baru", broadcasts.compose)
    r.add_get("/siaran/{id:\\d{1,10}}", broadcasts.broadcast_page)
    r.add_post("/siaran/{id:\\d{1,10}}/{what:setujui|tolak}", broadcasts.broadcast_review)
    r.add_post("/siaran/{id:\\d{1,10}}/{what:jeda|lanjut|batal}", broadcasts.broadcast_action)
    r.add_get("/pemda", pemda.pemda_view)
    r.add_get("/pemda.csv", pemda.pemda_csv)
    r.add_post("/pemda/perkiraan", pemda.pemda_estimate)
    r.add_static("/static/", STATIC, append_version=False)


__all__ = ["setup_routes"]
