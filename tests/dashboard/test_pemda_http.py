"""The Pemda view over HTTP (SQLite and PostgreSQL) and the Telegram commands that lead to it: an admin gives the
role for one regency (/pemda), the officer signs in (/dasbor), sees only their regency's aggregates with "<5",
records their estimate, downloads the CSV; every staff page answers 403; no personal data anywhere."""
from __future__ import annotations

import csv
import io
import re

import aiohttp

from bot.staff import auth
from bot.telegram import texts as adapter_texts
from lingkar.identity import mask_nik, mask_phone

from ..staff.fixtures import ADMIN, NIK, STAFF
from .helpers import client, csrf_of, running_dashboard, sign_in

PEMDA = 900050
KOLAKA, KENDARI = "Kabupaten Kolaka", "Kota Kendari"
STAFF_PAGES = ["/leads", "/leads/{lead}", "/leads.csv", "/agen", "/corong", "/gn", "/petugas", "/agen/{agent}/qr.png",
               "/leads?status=all&regency=Kabupaten+Kolaka", "/static/../leads"]
STAFF_POSTS = ["/leads/{lead}/status", "/leads/{lead}/claim", "/leads/{lead}/note", "/agen/{agent}/status",
               "/petugas", "/petugas/{admin}/aktif"]


def seed(store, make_lead, make_agent):
    """Kolaka: 6 people check (perikanan), 2 (pertanian); 6 + 1 leads, one registered. Kendari: 9 leads."""
    for n in range(8):
        sid = f"telegram:{7000 + n}"
        store.record_event("chat_started", channel="telegram", sender_id=sid)
        store.record_event("eligibility_checked", channel="telegram", sender_id=sid, regency=KOLAKA,
                           sector="perikanan" if n < 6 else "pertanian")
    leads = [make_lead(name=f"Wa Ode Rahasia {n}", sender_id=f"telegram:{7000 + n}",
                       nik=NIK if n == 0 else None, sector="perikanan" if n < 6 else "pertanian")
             for n in range(7)]
    for n in range(9):
        make_lead(name=f"Kendari Rahasia {n}", regency=KENDARI, sector="jasa")
    store.claim_lead(leads[0].id, f"telegram:{STAFF}")
    store.set_lead_status(leads[0].id, "registered", f"telegram:{STAFF}")
    agent = make_agent()
    return leads, agent


def personal_data(store, leads, agent):
    out = []
    for lead in leads:
        lead = store.get_lead(lead.id)
        out += [lead.name, lead.phone, mask_phone(lead.phone), lead.sender_id, lead.reference]
        if lead.nik:
            out += [lead.nik, mask_nik(lead.nik)]
    out += [agent.name, agent.phone, agent.code, "Kendari Rahasia", "Rahasia", "telegram:", "LK-", "Rina Petugas",
            "Bu Admin"]
    return [x for x in out if x]


async def pemda_sign_in(http: aiohttp.ClientSession, s, store, uid: int = PEMDA) -> str:
    token = auth.create_login_token(store, uid)
    async with http.post(f"{s.base_url}/masuk", data={"t": token}) as r:
        assert r.status == 200 and r.url.path == "/pemda", (r.status, r.url)
        return await r.text()


def cell(html: str, table: str, row_attr: str, key: str, stage: str) -> str:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'{row_attr}="{key}"', 1)[1].split("</tr>", 1)[0]
    m = re.search(rf'data-stage="{stage}">(?:<b>)?([^<]*)<', row)
    assert m, (table, key, stage)
    return m.group(1).strip()


async def test_pemda_sees_only_their_regency_with_small_numbers_suppressed(store, staff, make_lead, make_agent):
    leads, agent = seed(store, make_lead, make_agent)
    store.add_pemda(PEMDA, KOLAKA, "Disnaker Kolaka", actor=f"telegram:{ADMIN}")
    # subscribers: 6 of info and 2 of pengingat in Kolaka, one who stopped, one in Kendari
    for n in range(7):
        store.subscribe(f"telegram:{9100 + n}", "telegram", "info", consent_version="v1", regency=KOLAKA)
    store.unsubscribe("telegram:9106")
    for n in range(2):
        store.subscribe(f"whatsapp:62812{n}", "whatsapp", "pengingat", consent_version="v1", regency=KOLAKA)
    store.subscribe("telegram:9200", "telegram", "info", consent_version="v1", regency=KENDARI)
    secrets_ = personal_data(store, leads, agent) + ["telegram:9100", "whatsapp:628120"]
    async with running_dashboard(store) as s, client() as http:
        html = await pemda_sign_in(http, s, store)
        assert f"Cakupan pekerja: {KOLAKA}" in html and KENDARI not in html
        assert cell(html, "pemda-sectors", "data-sector", "perikanan", "checks") == "6"
        assert cell(html, "pemda-sectors", "data-sector", "pertanian", "checks") == "&lt;5"
        assert cell(html, "pemda-sectors", "data-sector", "perikanan", "leads") == "6"
        assert cell(html, "pemda-sectors", "data-sector", "perikanan", "registered") == "&lt;5"
        assert cell(html, "pemda-sectors", "data-sector", "total", "checks") == "≥ 7"  # 6 + a "<5" part: a bound
        assert cell(html, "pemda-sectors", "data-sector", "total", "leads") == "≥ 7"
        assert cell(html, "pemda-months", "data-month", "2026-11", "checks") == "8"
        assert 'data-n="agents">&lt;5<' in html and "belum tersedia" not in html
        assert 'data-n="sub-info">6<' in html and 'data-n="sub-pengingat">&lt;5<' in html
        for secret in secrets_:
            assert secret not in html, secret
        # another regency by URL: still their own
        async with http.get(f"{s.base_url}/pemda", params={"kabupaten": KENDARI}) as r:
            other = await r.text()
            assert r.status == 200 and KENDARI not in other and KOLAKA in other
        # the CSV: the same aggregates, nothing personal
        async with http.get(f"{s.base_url}/pemda.csv") as r:
            assert r.status == 200 and r.content_type == "text/csv"
            assert "lingkar-pemda-kabupaten-kolaka-" in r.headers["Content-Disposition"]
            data = (await r.read()).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(data)))
        assert rows[0] == ["kabupaten", KOLAKA] and rows[1][:4] == ["bagian", "kunci", "label", "chats"]
        by_key = {(r[0], r[1]): r for r in rows[2:]}
        assert by_key[("sektor", "perikanan")][4] == "6" and by_key[("sektor", "pertanian")][4] == "<5"
        assert by_key[("total", "total")][4] == "≥ 7" and by_key[("bulan", "2026-11")][4] == "8"
        assert by_key[("pelanggan", "info")][3] == "6" and by_key[("pelanggan", "pengingat")][3] == "<5"
        for secret in secrets_ + [KENDARI]:
            assert secret not in data, secret
        # the index leads to their page
        async with http.get(f"{s.base_url}/", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/pemda"


async def test_every_staff_page_is_refused_to_pemda_and_nothing_changes(store, staff, make_lead, make_agent):
    leads, agent = seed(store, make_lead, make_agent)
    store.add_pemda(PEMDA, KOLAKA, actor=f"telegram:{ADMIN}")
    before = len(store.audit_entries(limit=10_000))
    ids = {"lead": leads[1].id, "agent": agent.id, "admin": ADMIN}
    async with running_dashboard(store) as s, client() as http:
        html = await pemda_sign_in(http, s, store)
        csrf = csrf_of(html)
        assert 'href="/leads"' not in html and 'href="/corong"' not in html  # no staff menu
        for path in STAFF_PAGES:
            async with http.get(s.base_url + path.format(**ids), allow_redirects=False) as r:
                body = await r.text()
                assert r.status == 403, path
                assert "Rahasia" not in body and "Tidak diizinkan" in body
        for path in STAFF_POSTS:
            async with http.post(s.base_url + path.format(**ids), allow_redirects=False,
                                 data={"csrf": csrf, "status": "registered", "note": "x", "action": "approve",
                                       "telegram_user_id": str(PEMDA), "role": "admin", "active": "0"}) as r:
                assert r.status == 403, path
    assert len(store.audit_entries(limit=10_000)) == before
    assert store.get_lead(leads[1].id).status == "new" and store.staff_by_telegram_id(PEMDA).role == "pemda"
    assert store.staff_by_telegram_id(ADMIN).active


async def test_estimate_form_coverage_and_revocation(store, staff, make_lead, make_agent):
    seed(store, make_lead, make_agent)
    store.add_pemda(PEMDA, KOLAKA, actor=f"telegram:{ADMIN}")
    async with running_dashboard(store) as s, client() as http:
        html = await pemda_sign_in(http, s, store)
        csrf = csrf_of(html)
        assert 'data-cov="estimate">—<' in html
        # bad input: a friendly message, nothing lost, nothing stored
        bad = {"csrf": csrf, "sector": "perikanan", "workers": "banyak", "source": "Sakernas 2025",
               "as_of": "2099-01-01"}
        async with http.post(f"{s.base_url}/pemda/perkiraan", data=bad) as r:
            page = await r.text()
            assert r.status == 400 and "Tulis jumlah pekerja sebagai angka" in page and "Tanggal data harus" in page
            assert 'value="Sakernas 2025"' in page and 'value="banyak"' in page
        assert store.pemda_estimates(KOLAKA) == {}
        # without the CSRF token: refused
        async with http.post(f"{s.base_url}/pemda/perkiraan", data=dict(bad, csrf="x", workers="5")) as r:
            assert r.status == 403
        good = {"csrf": csrf, "sector": "perikanan", "workers": "12.500", "source": "Sakernas 2025",
                "as_of": "2025-08-01"}
        async with http.post(f"{s.base_url}/pemda/perkiraan", data=good) as r:
            page = await r.text()
            assert r.status == 200 and r.url.path == "/pemda" and "Perkiraan jumlah pekerja tersimpan" in page
        est = store.pemda_estimates(KOLAKA)["perikanan"]
        assert (est.workers, est.source, est.as_of.isoformat(), est.recorded_by) == (
            12500, "Sakernas 2025", "2025-08-01", f"telegram:{PEMDA}")
        row = page.split('data-sector="perikanan"', 1)[1].split("</tr>", 1)[0]
        assert "12.500 (Sakernas 2025, 2025-08-01)" in row and "&lt; 0,04 %" in row  # 1 registered: "<5" of 12.500
        whole = dict(good, sector="semua", workers="90000", source="BPS Kolaka Dalam Angka 2025")
        async with http.post(f"{s.base_url}/pemda/perkiraan", data=whole) as r:
            page = await r.text()
        assert 'data-cov="estimate">90.000<' in page and 'data-cov="registered">&lt;5<' in page
        assert 'data-cov="share">&lt; 0,01 %<' in page and "BPS Kolaka Dalam Angka 2025" in page
        assert [e.action for e in store.audit_entries(target_type="regency", target_id=KOLAKA)] == [
            "pemda.estimate", "pemda.estimate"]
        # access revoked: signed out at the next click
        store.set_staff_active(PEMDA, False, f"telegram:{ADMIN}")
        async with http.get(f"{s.base_url}/pemda", allow_redirects=False) as r:
            assert r.status == 401


async def test_staff_may_look_at_any_regency_but_not_record(store, staff, make_lead, make_agent):
    seed(store, make_lead, make_agent)
    async with running_dashboard(store) as s, client() as http:
        leads_html = await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/pemda", params={"kabupaten": KENDARI}) as r:
            html = await r.text()
            assert r.status == 200 and f"Cakupan pekerja: {KENDARI}" in html and 'id="estimate"' not in html
            assert cell(html, "pemda-sectors", "data-sector", "jasa", "leads") == "9"
        async with http.post(f"{s.base_url}/pemda/perkiraan", allow_redirects=False,
                             data={"csrf": csrf_of(leads_html), "sector": "jasa", "workers": "10", "source": "abc",
                                   "as_of": "2025-01-01"}) as r:
            assert r.status == 403
    assert store.pemda_estimates(KENDARI) == {}


async def test_admin_gives_the_role_in_telegram_and_the_officer_signs_in(store, bot, fake_tg):
    await fake_tg.push(fake_tg.text(STAFF, f"/pemda {PEMDA} Kolaka"))
    assert (await fake_tg.wait_texts(STAFF, 1))[-1] == adapter_texts.UNKNOWN_COMMAND  # staff, not admin
    assert store.staff_by_telegram_id(PEMDA) is None
    await fake_tg.push(fake_tg.text(ADMIN, f"/pemda {PEMDA} kolka"))  # misspelt: matched
    reply = (await fake_tg.wait_texts(ADMIN, 1))[-1]
    assert KOLAKA in reply and str(PEMDA) in reply
    await fake_tg.push(fake_tg.text(ADMIN, f"/pemda {PEMDA} Atlantis"))
    assert "tidak saya kenali" in (await fake_tg.wait_texts(ADMIN, 2))[-1]
    await fake_tg.push(fake_tg.text(ADMIN, f"/pemda {ADMIN} Kolaka"))
    assert "sendiri" in (await fake_tg.wait_texts(ADMIN, 3))[-1]
    user = store.staff_by_telegram_id(PEMDA)
    assert (user.role, user.regency) == ("pemda", KOLAKA) and store.staff_by_telegram_id(ADMIN).role == "admin"
    assert [(a.actor, a.action) for a in store.audit_entries(target_type="staff", target_id=PEMDA)] == [
        (f"telegram:{ADMIN}", "staff.added")]
    # the officer: /dasbor gives a link, staff commands are unknown to them
    await fake_tg.push(fake_tg.text(PEMDA, "/dasbor"))
    assert "/masuk?t=" in (await fake_tg.wait_texts(PEMDA, 1))[-1]
    await fake_tg.push(fake_tg.text(PEMDA, "/leads"))
    assert (await fake_tg.wait_texts(PEMDA, 2))[-1] == adapter_texts.UNKNOWN_COMMAND
    await fake_tg.push(fake_tg.text(ADMIN, "/staf"))
    assert f"{PEMDA} · pemda · {KOLAKA}" in (await fake_tg.wait_texts(ADMIN, 4))[-1]


async def test_pemda_sees_their_regencys_outreach_funnels_with_small_numbers_suppressed(store, staff, clock):
    store.add_pemda(PEMDA, KOLAKA, "Disnaker Kolaka", actor=f"telegram:{ADMIN}")
    people = [(f"telegram:{9300 + n}", KOLAKA if n < 6 else KENDARI) for n in range(8)]
    for sender, regency in people:
        store.subscribe(sender, "telegram", "info", consent_version="v1", regency=regency)
    bc, _ = store.create_broadcast(text="Halo", topic="info", created_by="staff:ana",
                                   recipients=[("telegram", sender.split(":")[1], {}) for sender, _ in people])
    for row in store.claim_recipients(bc.id, "telegram", "w1", limit=50):
        store.mark_recipient_sent(row.id, "w1", f"m-{row.id}")
    clock.advance(hours=1)
    for sender, _ in people[:2] + people[6:]:                  # two in Kolaka, both in Kendari reply
        store.note_broadcast_reply(sender)
    async with running_dashboard(store) as s, client() as http:
        html = await pemda_sign_in(http, s, store)
    assert 'data-n="broadcast-sent">6<' in html and 'data-n="broadcast-replied">&lt;5<' in html
    assert 'data-n="broadcast-checked">0<' in html and 'data-n="reminder-sent">0<' in html
    assert "telegram:93" not in html and KENDARI not in html
