"""The dashboard over HTTP: sign-in by one-time link, sessions, CSRF, roles, pages, CSV, agents, funnel."""
from __future__ import annotations

import csv
import io
import re

import zxingcpp
from PIL import Image

from bot.dashboard.keys import cookie_name
from bot.staff import auth
from lingkar.identity import mask_nik

from ..staff.fixtures import ADMIN, NIK, OUTSIDER, STAFF
from .helpers import client, csrf_of, running_dashboard, sign_in

PAGES = ["/", "/leads", "/leads/1", "/leads.csv", "/agen", "/corong", "/gn", "/petugas", "/agen/1/qr.png"]
POSTS = ["/leads/1/status", "/leads/1/claim", "/leads/1/note", "/agen/1/status", "/petugas", "/petugas/1/aktif",
         "/keluar"]


def audit_count(store) -> int:
    return len(store.audit_entries(limit=10_000))


async def test_without_a_session_every_page_is_refused_and_nothing_changes(store, staff, make_lead, make_agent):
    lead = make_lead(name="Rahasia Sekali")
    make_agent(approve=False)
    before = audit_count(store)
    async with running_dashboard(store) as s, client() as http:
        for path in PAGES:
            async with http.get(s.base_url + path, allow_redirects=False) as r:
                body = await r.text()
                assert r.status == 401, path
                assert "Rahasia" not in body and "/dasbor" in body
        for path in POSTS:
            async with http.post(s.base_url + path, data={"status": "registered", "action": "approve",
                                                          "telegram_user_id": "1", "role": "admin"},
                                 allow_redirects=False) as r:
                assert r.status == 403, path
        # a made-up session cookie is no session
        http.cookie_jar.update_cookies({cookie_name(s): "A" * 43})
        async with http.get(s.base_url + "/leads", allow_redirects=False) as r:
            assert r.status == 401
        # someone who is not staff cannot sign in, even with a real token made for them
        token = auth.create_login_token(store, OUTSIDER)
        async with http.post(s.base_url + "/masuk", data={"t": token}, allow_redirects=False) as r:
            assert r.status == 403 and cookie_name(s) not in r.cookies
    assert store.get_lead(lead.id).status == "new" and store.list_agents()[0].status == "applied"
    assert audit_count(store) == before
    assert store.state_items(auth.SESSION_PREFIX) == {}


async def test_one_time_link_session_cookie_and_expiry(store, staff, clock):
    async with running_dashboard(store) as s, client() as http:
        token = auth.create_login_token(store, STAFF)
        # opening the link (or a link-preview fetcher) does not use it up
        for _ in range(2):
            async with http.get(f"{s.base_url}/masuk", params={"t": token}) as r:
                assert r.status == 200 and 'id="masuk"' in await r.text()
        async with http.post(f"{s.base_url}/masuk", data={"t": token}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/leads"
            cookie = r.cookies[cookie_name(s)]
            assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
            assert not cookie["secure"]  # plain http here; see the https test below
            assert r.headers["Referrer-Policy"] == "same-origin"
        assert token not in str(store.state_items("dash:"))  # tokens are kept hashed only
        async with http.get(f"{s.base_url}/leads") as r:
            assert r.status == 200 and "Rina Petugas" in await r.text()
            assert "default-src 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Frame-Options"] == "DENY"
        # the link works once
        async with client() as other:
            async with other.post(f"{s.base_url}/masuk", data={"t": token}, allow_redirects=False) as r:
                assert r.status == 403
        # an unused link expires after 10 minutes
        late = auth.create_login_token(store, STAFF)
        clock.advance(minutes=11)
        async with client() as other:
            async with other.get(f"{s.base_url}/masuk", params={"t": late}) as r:
                assert r.status == 403 and "tidak berlaku" in await r.text()
            async with other.post(f"{s.base_url}/masuk", data={"t": late}, allow_redirects=False) as r:
                assert r.status == 403
        # the session ends after 12 hours
        clock.advance(hours=12)
        async with http.get(f"{s.base_url}/leads", allow_redirects=False) as r:
            assert r.status == 401
        assert auth.purge_expired(store) == 1 and store.state_items("dash:") == {}  # the expired session


async def test_secure_cookie_behind_https(store, staff):
    async with running_dashboard(store, dashboard_base_url="https://dasbor.example.id") as s, client() as http:
        token = auth.create_login_token(store, STAFF)
        async with http.post(f"http://127.0.0.1:{s.dashboard_port}/masuk", data={"t": token},
                             allow_redirects=False) as r:
            assert r.status == 303
            raw = r.headers["Set-Cookie"]
            assert raw.startswith("__Host-lingkar=") and "Domain" not in raw
            assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= {p.strip() for p in raw.split(";")}
            assert r.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_revoked_staff_and_sign_out_end_the_session(store, staff):
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        store.set_staff_active(STAFF, False, actor=f"telegram:{ADMIN}")
        async with http.get(f"{s.base_url}/leads", allow_redirects=False) as r:
            assert r.status == 401
        store.add_staff(STAFF, "Rina Petugas", "staff", actor=f"telegram:{ADMIN}")
        html = await sign_in(http, s, store, STAFF)
        async with http.post(f"{s.base_url}/keluar", data={"csrf": csrf_of(html)}, allow_redirects=False) as r:
            assert r.status == 303
        async with http.get(f"{s.base_url}/leads", allow_redirects=False) as r:
            assert r.status == 401


async def test_csrf_and_origin_are_checked_on_every_form(store, staff, make_lead):
    lead = make_lead()
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        token = csrf_of(html)
        before = audit_count(store)
        url = f"{s.base_url}/leads/{lead.id}/status"
        for data, headers in (({"status": "registered"}, {}),
                              ({"status": "registered", "csrf": "0" * 40}, {}),
                              ({"status": "registered", "csrf": token}, {"Origin": "https://evil.example"})):
            async with http.post(url, data=data, headers=headers, allow_redirects=False) as r:
                assert r.status == 403
        assert store.get_lead(lead.id).status == "new" and audit_count(store) == before
        # another staff member's token is not mine
        async with client() as other:
            other_html = await sign_in(other, s, store, ADMIN)
        async with http.post(url, data={"status": "registered", "csrf": csrf_of(other_html)},
                             allow_redirects=False) as r:
            assert r.status == 403
        # bad values are refused too
        async with http.post(url, data={"status": "deleted", "csrf": token}, allow_redirects=False) as r:
            assert r.status == 400
        async with http.post(url, data={"status": "registered", "note": "daftar di JMO", "csrf": token},
                             headers={"Origin": s.base_url}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == f"/leads/{lead.id}?ok=status"
    got = store.get_lead(lead.id)
    assert got.status == "registered" and got.claimed_by == f"telegram:{STAFF}"
    assert (got.history[-1].actor, got.history[-1].note) == (f"telegram:{STAFF}", "daftar di JMO")
    assert {(a.actor, a.action) for a in store.audit_entries(target_type="lead", target_id=lead.id)} >= {
        (f"telegram:{STAFF}", "lead.status"), (f"telegram:{STAFF}", "lead.claim")}


async def test_lead_pages_filters_search_csv_and_escaping(store, staff, make_lead, make_agent, clock):
    agent = make_agent()
    a = make_lead(name="<script>alert(1)</script> Wa Ode", nik=NIK, age=36, regency="Kabupaten Kolaka",
                  referral=agent.code)
    clock.advance(hours=50)
    b = make_lead(name="La Ode Budi", regency="Kota Kendari", phone="081398765432")
    c = make_lead(name="Siti Kendari", regency="Kota Kendari")
    store.set_lead_status(c.id, "registered", f"telegram:{STAFF}")

    def ids(html: str) -> set:
        return {int(x) for x in re.findall(r'data-lead="(\d+)"', html)}

    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        assert ids(html) == {a.id, b.id}                                  # open leads by default
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Wa Ode" in html

        async def page(**q) -> str:
            async with http.get(f"{s.base_url}/leads", params=q) as r:
                assert r.status == 200
                return await r.text()

        assert ids(await page(status="all", regency="Kota Kendari")) == {b.id, c.id}
        assert ids(await page(status="registered")) == {c.id}
        assert ids(await page(agent=agent.code.lower())) == {a.id}
        assert ids(await page(age="48")) == {a.id}
        assert ids(await page(status="all", q="kendari")) == {c.id}      # search by name
        assert ids(await page(status="all", q="0813-9876-5432")) == {b.id}   # ... or phone number
        assert ids(await page(status="bogus'\"><x>")) == {a.id, b.id}     # nonsense falls back to the default

        async with http.get(f"{s.base_url}/leads.csv", params={"status": "all", "regency": "Kota Kendari"}) as r:
            assert r.status == 200 and r.content_type == "text/csv"
            assert "attachment" in r.headers["Content-Disposition"]
            rows = list(csv.DictReader(io.StringIO((await r.read()).decode("utf-8-sig"))))
        assert sorted(int(x["id"]) for x in rows) == [b.id, c.id]

        async with http.get(f"{s.base_url}/leads/{a.id}") as r:
            detail = await r.text()
        assert NIK not in detail and mask_nik(NIK) in detail
        assert "&lt;script&gt;" in detail and "La Ode Agen" in detail and "Rp16.800/bulan" in detail
        async with http.get(f"{s.base_url}/leads/99999") as r:
            assert r.status == 404
        async with http.get(f"{s.base_url}/leads.csv", params={"q": "Wa Ode"}) as r:
            rows = list(csv.DictReader(io.StringIO((await r.read()).decode("utf-8-sig"))))
        assert [int(x["id"]) for x in rows] == [a.id] and rows[0]["nik"] == mask_nik(NIK)


async def test_the_purpose_on_the_dashboard_list_detail_filter_and_csv(store, staff, make_lead):
    heir = make_lead(name="Wa Ode Hasna", purpose="heir_claim")
    plain = make_lead(name="La Ode Budi")
    offer = make_lead(type="sponsor_offer", name="PT Tambang", sponsor_organisation="PT Tambang", donor_kind="csr",
                      sponsor_workers=10, eligibility=None, regency=None, occupation=None, sector=None, age=None,
                      income=None)

    def ids(html: str) -> set:
        return {int(x) for x in re.findall(r'data-lead="(\d+)"', html)}

    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        assert ids(html) == {heir.id, plain.id, offer.id}
        row = re.search(rf'<tr data-lead="{heir.id}">.*?</tr>', html, re.S).group(0)
        assert '<td data-label="Keperluan">Klaim untuk ahli waris</td>' in row
        assert 'name="purpose"' in html and '<option value="employer_not_registering"' in html

        async def page(**q) -> str:
            async with http.get(f"{s.base_url}/leads", params=q) as r:
                assert r.status == 200
                return await r.text()

        assert ids(await page(purpose="heir_claim")) == {heir.id}
        assert ids(await page(purpose="sponsorship")) == {offer.id}
        assert ids(await page(purpose="registration")) == {plain.id}
        assert ids(await page(purpose="<x>")) == {heir.id, plain.id, offer.id}  # unknown: no filter
        async with http.get(f"{s.base_url}/leads/{heir.id}") as r:
            assert '<dd id="purpose">Klaim untuk ahli waris</dd>' in await r.text()
        async with http.get(f"{s.base_url}/leads.csv", params={"purpose": "heir_claim"}) as r:
            text = (await r.read()).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(int(x["id"]), x["purpose"]) for x in rows] == [(heir.id, "heir_claim")]
        header = text.splitlines()[0].split(",")
        assert header[-1] == "purpose" and header[:3] == ["id", "type", "status"]  # added last, order kept
        async with http.get(f"{s.base_url}/corong", params={"by": "purpose"}) as r:
            funnel = await r.text()
        row = re.search(r'<tr data-group="heir_claim">.*?</tr>', funnel, re.S).group(0)
        assert "Klaim untuk ahli waris" in row and '<option value="purpose" selected' in funnel


async def test_claim_take_over_only_by_admin(store, staff, make_lead):
    lead = make_lead()
    store.claim_lead(lead.id, f"telegram:{ADMIN}")
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        async with http.post(f"{s.base_url}/leads/{lead.id}/claim", data={"csrf": csrf_of(html), "force": "1"},
                             allow_redirects=False) as r:
            assert r.headers["Location"].endswith("ok=claimed")
        assert store.get_lead(lead.id).claimed_by == f"telegram:{ADMIN}"
        async with client() as admin:
            html = await sign_in(admin, s, store, ADMIN)
            store.claim_lead(lead.id, f"telegram:{STAFF}", force=True)
            async with admin.post(f"{s.base_url}/leads/{lead.id}/claim", data={"csrf": csrf_of(html), "force": "1"},
                                  allow_redirects=False) as r:
                assert r.headers["Location"].endswith("ok=claim")
        assert store.get_lead(lead.id).claimed_by == f"telegram:{ADMIN}"


async def test_staff_page_is_for_admins_only(store, staff):
    async with running_dashboard(store) as s, client() as http:
        html = await sign_in(http, s, store, STAFF)
        assert 'href="/petugas"' not in html
        async with http.get(f"{s.base_url}/petugas") as r:
            assert r.status == 403
        async with http.post(f"{s.base_url}/petugas", data={"csrf": csrf_of(html), "telegram_user_id": "123",
                                                             "role": "admin"}, allow_redirects=False) as r:
            assert r.status == 403
        assert store.staff_by_telegram_id(123) is None
        async with client() as admin:
            html = await sign_in(admin, s, store, ADMIN)
            async with admin.post(f"{s.base_url}/petugas", data={"csrf": csrf_of(html), "telegram_user_id": "123",
                                                                  "name": "Pak Baru", "role": "staff"}) as r:
                assert r.status == 200 and "Pak Baru" in await r.text()
            async with admin.post(f"{s.base_url}/petugas/{ADMIN}/aktif", data={"csrf": csrf_of(html), "active": "0"},
                                  allow_redirects=False) as r:
                assert r.status == 400  # not oneself
    assert store.role_of(123) == "staff" and store.role_of(ADMIN) == "admin"
    assert [a.actor for a in store.audit_entries(target_type="staff", target_id=123)] == [f"telegram:{ADMIN}"]


async def test_agents_approve_deactivate_qr_and_results(store, staff, make_agent, make_lead):
    applied = make_agent(uid=700100, approve=False, name="Calon Agen")
    active = make_agent(uid=700200, name="Agen Aktif")
    store.record_event("chat_started", channel="telegram", sender_id="telegram:1", agent_code=active.code)
    make_lead(referral=active.code)
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/agen") as r:
            page = await r.text()
        row = re.search(rf'data-code="{active.code}".*?</tr>', page, re.S).group(0)
        assert "1 chat" in row and "1 lead" in row and f"https://t.me/lingkar_test_bot?start=ag_{active.code}" in row
        token = csrf_of(page)
        async with http.post(f"{s.base_url}/agen/{applied.id}/status", data={"csrf": token, "action": "approve"},
                             allow_redirects=False) as r:
            assert r.status == 303
        async with http.post(f"{s.base_url}/agen/{active.id}/status", data={"csrf": token, "action": "reject"},
                             allow_redirects=False) as r:
            assert r.status == 409  # an approved agent is deactivated, not rejected
        async with http.post(f"{s.base_url}/agen/{active.id}/status", data={"csrf": token, "action": "deactivate"},
                             allow_redirects=False) as r:
            assert r.status == 303
        async with http.get(f"{s.base_url}/agen/{applied.id}/qr.png") as r:
            assert r.status == 200 and r.content_type == "image/png"
            png = await r.read()
        async with http.get(f"{s.base_url}/agen/{active.id}/qr.png") as r:
            assert r.status == 404  # inactive: no link to hand out
    assert store.get_agent(applied.id).status == "approved" and store.get_agent(active.id).status == "inactive"
    decoded = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    assert decoded == [f"https://t.me/lingkar_test_bot?start=ag_{applied.code}"]
    # the agents hear about it through the outbox (the notifier sends the link and QR code)
    events = store.claim_outbox("check", topics="agent.status", limit=10)
    assert {(e.agent_id, e.payload["to"]) for e in events} >= {(applied.id, "approved"), (active.id, "inactive")}


async def test_funnel_page_matches_the_database(store, staff, make_agent, make_lead, clock):
    agent = make_agent()
    for i in range(4):
        store.record_event("chat_started", channel="telegram", sender_id=f"telegram:{i}",
                           agent_code=agent.code if i < 2 else None)
    for i in range(3):
        store.record_event("eligibility_checked", channel="telegram", sender_id=f"telegram:{i}",
                           regency="Kota Kendari", sector="perikanan")
    one = make_lead(regency="Kota Kendari", referral=agent.code)
    make_lead(regency="Kabupaten Kolaka")
    clock.advance(days=8)
    store.set_lead_status(one.id, "registered", f"telegram:{STAFF}")
    make_lead(regency="Kota Kendari", sector="pertanian")
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        for by in ("week", "regency", "sector", "agent"):
            async with http.get(f"{s.base_url}/corong", params={"by": by}) as r:
                html = await r.text()
            total = store.funnel()[0]
            block = re.search(r'id="funnel-total">(.*?)</table>', html, re.S).group(1)
            shown = {k: int(v) for k, v in re.findall(r'data-stage="(\w+)">(\d+)<', block)}
            assert shown == {k: getattr(total, k) for k in shown} and len(shown) == 5
            rows = re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', html, re.S)
            got = {g: {k: int(v) for k, v in re.findall(r'data-stage="(\w+)"><span class="n">(\d+)<', cells)}
                   for g, cells in rows}
            want = {("" if r.group is None else str(r.group)): {k: getattr(r, k) for k in
                                                                ("chats", "checks", "leads", "contacted", "registered")}
                    for r in store.funnel(group_by=by)}
            assert got == want, by
        assert "1,2 juta" in html and "227 ribu" in html and "103 ribu" in html  # the Sultra figures, from facts
    assert total.chats == 4 and total.checks == 3 and total.leads == 3 and total.registered == 1


async def test_funnel_page_shows_the_outreach_funnels(store, staff, make_lead, clock):
    for sender, regency in (("telegram:201", "Kota Kendari"), ("telegram:202", "Kabupaten Muna")):
        store.subscribe(sender, "telegram", "info", consent_version="pdp-2026-11", regency=regency)
    bc, _ = store.create_broadcast(text="Halo", topic="info", created_by="staff:ana",
                                   recipients=[("telegram", "201", {}), ("telegram", "202", {})])
    for row in store.claim_recipients(bc.id, "telegram", "w1"):
        store.mark_recipient_sent(row.id, "w1", f"m-{row.id}")
    clock.advance(hours=2)
    store.note_broadcast_reply("telegram:201")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:201")
    make_lead(sender_id="telegram:201", regency="Kota Kendari")
    store.claim_reminder("telegram:202", clock().date(), "reminder", "w")
    store.mark_reminder_sent("telegram:202", clock().date(), "reminder", "w", "m")
    store.record_reminder_answer("telegram:202", "paid")

    def table(html: str, kind: str):
        block = re.search(rf'id="outreach-{kind}">(.*?)</table>', html, re.S).group(1)
        return {g: {k: int(v) for k, v in re.findall(r'data-stage="(\w+)">(\d+)<', cells)}
                for g, cells in re.findall(r'<tr[^>]*data-outreach-group="([^"]*)">(.*?)</tr>', block, re.S)}

    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/corong", params={"by": "regency"}) as r:
            html = await r.text()
        assert table(html, "broadcast") == {
            "Kabupaten Muna": {"sent": 1, "replied": 0, "checked": 0, "leads": 0, "registered": 0},
            "Kota Kendari": {"sent": 1, "replied": 1, "checked": 1, "leads": 1, "registered": 0},
            "total": {"sent": 2, "replied": 1, "checked": 1, "leads": 1, "registered": 0}}
        assert table(html, "reminder") == {"Kabupaten Muna": {"sent": 1, "paid": 1, "leads": 0},
                                           "total": {"sent": 1, "paid": 1, "leads": 0}}
        async with http.get(f"{s.base_url}/corong", params={"by": "week"}) as r:   # no outreach groups: totals
            html = await r.text()
        assert table(html, "broadcast") == {"total": {"sent": 2, "replied": 1, "checked": 1, "leads": 1,
                                                      "registered": 0}}
        assert "72 jam" in html
