"""Issue 9, item 3 on the dashboard and the command line: a status change on a lead another staff member
claimed gets a friendly page (not a 500, nothing changed; an admin may override), nobody decides their own agent
application, and every export of leads (the dashboard's CSV, ``python -m lingkar.store export``) is written to the
audit log."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..staff.fixtures import ADMIN, STAFF
from .helpers import client, csrf_of, running_dashboard, sign_in

ROOT = Path(__file__).resolve().parents[2]


async def test_status_change_on_a_lead_claimed_by_someone_else_gets_a_friendly_page(store, staff, make_lead):
    lead = make_lead()
    store.claim_lead(lead.id, f"telegram:{ADMIN}")
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        async with http.post(f"{s.base_url}/leads/{lead.id}/status",
                             data={"status": "registered", "csrf": csrf_of(html)}, allow_redirects=False) as r:
            body = await r.text()
            assert r.status == 409
            assert "sudah ditangani Bu Admin" in body and f"/leads/{lead.id}" in body
        assert store.get_lead(lead.id).status == "new"
        # a note is still welcome, and changes no status
        async with http.post(f"{s.base_url}/leads/{lead.id}/note", data={"note": "ikut bantu", "csrf": csrf_of(html)},
                             allow_redirects=False) as r:
            assert r.status == 303
        assert store.get_lead(lead.id).status == "new"
        store.claim_lead(lead.id, f"telegram:{STAFF}", force=True)
        async with client() as admin:
            page = await sign_in(admin, s, store, ADMIN)
            async with admin.post(f"{s.base_url}/leads/{lead.id}/status",
                                  data={"status": "contacted", "csrf": csrf_of(page)}, allow_redirects=False) as r:
                assert r.status == 303
    got = store.get_lead(lead.id)
    assert got.status == "contacted" and got.claimed_by == f"telegram:{STAFF}"


async def test_own_agent_application_cannot_be_decided_on_the_dashboard(store, staff, make_agent):
    mine = make_agent(uid=STAFF, approve=False)
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        for action in ("approve", "reject"):
            async with http.post(f"{s.base_url}/agen/{mine.id}/status", data={"csrf": csrf_of(html), "action": action},
                                 allow_redirects=False) as r:
                assert r.status == 409 and "Lamaran Anda sendiri" in await r.text()
        assert store.get_agent(mine.id).status == "applied"
        async with client() as admin:
            page = await sign_in(admin, s, store, ADMIN)
            async with admin.post(f"{s.base_url}/agen/{mine.id}/status", data={"csrf": csrf_of(page),
                                                                                "action": "approve"},
                                  allow_redirects=False) as r:
                assert r.status == 303
    assert store.get_agent(mine.id).status == "approved"


async def test_dashboard_csv_export_is_audited(store, staff, make_lead):
    make_lead()
    make_lead()
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/leads.csv", params={"status": "all", "q": "0812"}) as r:
            assert r.status == 200
            await r.read()
    (entry,) = [a for a in store.audit_entries() if a.action == "lead.export"]
    assert entry.actor == f"telegram:{STAFF}"
    assert entry.details["rows"] == 2 and entry.details["via"] == "dashboard"
    assert "0812" not in str(entry.details)          # what was searched for is not copied into the log


def test_command_line_export_is_audited(store, staff, make_lead, db_url):
    make_lead()
    env = {**os.environ, "DATABASE_URL": db_url, "USER": "operator"}
    out = subprocess.run([sys.executable, "-m", "lingkar.store", "export"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n") == 2
    (entry,) = [a for a in store.audit_entries() if a.action == "lead.export"]
    assert entry.actor.startswith("cli:") and entry.details == {"rows": 1, "via": "cli", "full_nik": False,
                                                                 "filters": []}
