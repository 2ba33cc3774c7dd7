"""Broadcasts on the dashboard over HTTP (issue 15): the composer validates placeholders and buttons, the preview
shows the rendered text on Telegram and WhatsApp and the exact recipient count, "Ajukan" writes the broadcast for
review, its author cannot approve it, a second staff member approves (queued) or rejects (with a note); pause,
resume and cancel are audited; Pemda users, people without a session and POSTs without the CSRF token change
nothing. Runs on SQLite and PostgreSQL (the ``store`` fixture)."""
from __future__ import annotations

import html as htmllib
import re

import pytest

from bot.dashboard.keys import Composer
from bot.outreach.audience import subscribers
from bot.staff import auth
from lingkar.parsing import regency_names

from ..staff.fixtures import ADMIN, STAFF, lead_kwargs
from .helpers import client, csrf_of, running_dashboard, sign_in

PEMDA = 900050
TEXT = "Iuran JKM peserta BPU kini {bpu.jkm} sebulan. Tanya lewat {contact.call_centre}."
SUBSCRIBERS = [("telegram", "1001", "info", True), ("telegram", "1002", "info", True),
               ("whatsapp", "6281200000001", "info", True), ("whatsapp", "6281200000002", "info", False),
               ("telegram", "1003", "pengingat", True)]


@pytest.fixture
def composer(store):
    """The default audience on the store's subscriptions."""
    for channel, key, topic, active in SUBSCRIBERS:
        store.subscribe(f"{channel}:{key}", channel, topic, consent_version="langganan-2026-11")
        if not active:
            store.unsubscribe(f"{channel}:{key}", topic, reason="berhenti")
    return Composer(audience=subscribers(store))


def form(csrf: str, **over) -> dict:
    data = {"csrf": csrf, "text": TEXT, "topic": "info", "channel": "", "regency": "", "sector": "", "agent": "",
            "at": "", "button_title_1": "Cara daftar", "button_payload_1": "/ask_registration", "action": "preview"}
    data.update(over)
    return data


def count_of(page: str) -> int:
    m = re.search(r'id="count">(\d+)<', page)
    assert m, "no recipient count on the page"
    return int(m.group(1))


def broadcast_ids(store) -> list:
    return [b.id for b in store.list_broadcasts()]


async def test_preview_count_and_placeholders(store, staff, composer):
    async with running_dashboard(store, composer) as s, client() as http:
        page = await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/siaran/baru") as r:
            assert r.status == 200
            csrf = csrf_of(await r.text())
        async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf)) as r:
            page = await r.text()
            assert r.status == 200, page
        # the exact count: the active subscribers of the topic on both channels, not the one who stopped
        assert count_of(page) == 3
        text = htmllib.unescape(page)
        assert "Rp6.800" in text and "{bpu.jkm}" not in text.split('id="preview"')[1]
        assert 'id="preview-telegram"' in page and 'id="preview-whatsapp"' in page and "lingkar_info" in page
        assert "Cara daftar" in page.split('id="preview"')[1] and 'id="submit"' in page
        async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf, channel="whatsapp")) as r:
            assert count_of(await r.text()) == 1
        # "checked eligibility but no lead" / "lead not registered": narrows the subscribers, never adds anyone
        for sid in ("telegram:1001", "telegram:1002", "telegram:1003", "whatsapp:6281200000002"):
            store.record_event("eligibility_checked", channel=sid.partition(":")[0], sender_id=sid)
        store.upsert_lead(**lead_kwargs(sender_id="telegram:1002"))
        store.upsert_lead(**lead_kwargs(sender_id="telegram:1003"))          # subscribed to another topic only
        async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf, lead="checked_no_lead")) as r:
            assert count_of(await r.text()) == 1                            # 1001 (6281200000002 stopped)
        async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf, lead="lead_not_registered")) as r:
            assert count_of(await r.text()) == 1                            # 1002
        # a figure typed as digits, an unknown placeholder, half a button, a past schedule: refused, nothing written
        for bad, words in (({"text": "Iuran JKM kini Rp6.800 sebulan."}, "Pesan:"),
                           ({"text": "Iuran kini {bpu.tidak_ada}."}, "Pesan:"),
                           ({"button_payload_1": ""}, "Tombol 1"),
                           ({"button_payload_1": "bukan-intent"}, "Pesan:"),
                           ({"topic": ""}, "Topik"),
                           ({"topic": "lain"}, "Topik tidak dikenal"),
                           ({"at": "2020-01-01T09:00"}, "Jadwal sudah lewat")):
            for action in ("preview", "submit"):
                async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf, action=action, **bad)) as r:
                    page = await r.text()
                    assert r.status == 400 and words in page and 'id="count"' not in page, (bad, page)
    assert broadcast_ids(store) == []


async def test_four_eyes_author_cannot_approve_second_staff_approves(store, staff, composer):
    async with running_dashboard(store, composer) as s, client() as author, client() as second:
        await sign_in(author, s, store, STAFF)
        async with author.get(f"{s.base_url}/siaran/baru") as r:
            csrf = csrf_of(await r.text())
        async with author.post(f"{s.base_url}/siaran/baru", data=form(csrf)) as r:
            previewed = count_of(await r.text())
        async with author.post(f"{s.base_url}/siaran/baru",
                               data=form(csrf, action="submit", at="2026-11-25T09:00", previewed=str(previewed))) as r:
            assert r.status == 200 and re.search(r"/siaran/\d+$", r.url.path), r.url
            assert r.url.query.get("ok") == "bc_submitted"                  # the count did not change
            page = await r.text()
        [bid] = broadcast_ids(store)
        bc = store.get_broadcast(bid)
        assert bc.status == "review" and bc.total == previewed == 3 and bc.created_by == f"telegram:{STAFF}"
        assert bc.scheduled_at.isoformat() == "2026-11-25T01:00:00+00:00"          # 09:00 WITA
        assert store.broadcast_counts(bid)["queued"] == 3
        assert 'id="approve"' not in page and 'id="wait-review"' in page
        # nothing can be sent while it waits for review
        assert store.claim_recipients(bid, "telegram", "w", 10) == [] and store.broadcasts_with_work() == []
        # the author posts the approval anyway: refused
        async with author.post(f"{s.base_url}/siaran/{bid}/setujui", data={"csrf": csrf}) as r:
            assert r.status == 403 and "petugas lain yang harus menyetujui" in await r.text()
        assert store.get_broadcast(bid).status == "review"
        # the admin approves it
        await sign_in(second, s, store, ADMIN)
        async with second.get(f"{s.base_url}/siaran/{bid}") as r:
            page = await r.text()
            assert 'id="approve"' in page and 'id="reject"' in page and "Rp6.800" in page
            csrf2 = csrf_of(page)
        async with second.post(f"{s.base_url}/siaran/{bid}/setujui", data={"csrf": csrf2}) as r:
            page = await r.text()
            assert r.status == 200 and "disetujui" in page
        bc = store.get_broadcast(bid)
        assert bc.status == "queued" and bc.approved_by == f"telegram:{ADMIN}"
        assert {(bid, "telegram"), (bid, "whatsapp")} <= set(store.broadcasts_with_work())
        # approving twice does nothing more
        async with second.post(f"{s.base_url}/siaran/{bid}/setujui", data={"csrf": csrf2}) as r:
            assert "tidak berlaku lagi" in await r.text()
        # pause, resume, cancel from the detail page (the author may do these)
        for what, status in (("jeda", "paused"), ("lanjut", "running"), ("batal", "cancelled")):
            async with author.post(f"{s.base_url}/siaran/{bid}/{what}", data={"csrf": csrf}) as r:
                assert r.status == 200
            assert store.get_broadcast(bid).status == status
        async with second.get(f"{s.base_url}/siaran") as r:
            page = await r.text()
            assert f'data-broadcast="{bid}"' in page and "Dibatalkan" in page
    actions = [a.action for a in store.audit_entries(target_type="broadcast", target_id=bid)]
    assert actions[::-1] == ["broadcast.submitted", "broadcast.approved", "broadcast.paused", "broadcast.running",
                             "broadcast.cancelled"]


async def test_reject_with_a_note(store, staff, composer):
    async with running_dashboard(store, composer) as s, client() as author, client() as second:
        await sign_in(author, s, store, ADMIN)
        async with author.get(f"{s.base_url}/siaran/baru") as r:
            csrf = csrf_of(await r.text())
        async with author.post(f"{s.base_url}/siaran/baru", data=form(csrf)) as r:
            previewed = count_of(await r.text())
        store.subscribe("telegram:1004", "telegram", "info", consent_version="langganan-2026-11")   # meanwhile
        async with author.post(f"{s.base_url}/siaran/baru",
                               data=form(csrf, action="submit", previewed=str(previewed))) as r:
            assert r.status == 200 and r.url.query.get("ok") == "bc_submitted_changed"
            assert "berubah sejak pratinjau" in await r.text()
        [bid] = broadcast_ids(store)
        assert store.get_broadcast(bid).total == previewed + 1
        # an admin is no exception to four eyes
        async with author.post(f"{s.base_url}/siaran/{bid}/tolak", data={"csrf": csrf, "note": "x"}) as r:
            assert r.status == 403
        await sign_in(second, s, store, STAFF)
        async with second.get(f"{s.base_url}/siaran/{bid}") as r:
            csrf2 = csrf_of(await r.text())
        async with second.post(f"{s.base_url}/siaran/{bid}/tolak",
                               data={"csrf": csrf2, "note": "Tanggal diskon belum pasti"}) as r:
            page = await r.text()
            assert r.status == 200 and "Tanggal diskon belum pasti" in page and 'data-status="rejected"' in page
        # a rejected broadcast has no recipients left and cannot be approved afterwards
        assert store.get_broadcast(bid).status == "rejected" and sum(store.broadcast_counts(bid).values()) == 0
        async with author.post(f"{s.base_url}/siaran/{bid}/setujui", data={"csrf": csrf}) as r:
            assert r.status == 403
        async with second.post(f"{s.base_url}/siaran/{bid}/setujui", data={"csrf": csrf2}) as r:
            assert "tidak berlaku lagi" in await r.text()
        assert store.get_broadcast(bid).status == "rejected"


async def test_pemda_anonymous_and_csrf_are_refused(store, staff, composer):
    store.add_pemda(PEMDA, regency_names()[0], "Disnaker", actor=f"telegram:{ADMIN}")
    bc, _ = store.create_broadcast(text=TEXT, topic="info", recipients=[("telegram", "1001", {})],
                                   created_by=f"telegram:{STAFF}", review=True)
    paths = ["/siaran", "/siaran/baru", f"/siaran/{bc.id}"]
    posts = ["/siaran/baru", f"/siaran/{bc.id}/setujui", f"/siaran/{bc.id}/tolak", f"/siaran/{bc.id}/batal"]
    async with running_dashboard(store, composer) as s:
        async with client() as anon:
            for path in paths:
                async with anon.get(s.base_url + path) as r:
                    assert r.status == 401, path
            for path in posts:
                async with anon.post(s.base_url + path, data=form("0" * 64, action="submit")) as r:
                    assert r.status == 403, path
        async with client() as pemda:
            token = auth.create_login_token(store, PEMDA)
            async with pemda.post(f"{s.base_url}/masuk", data={"t": token}) as r:
                csrf = csrf_of(await r.text())
            for path in paths:
                async with pemda.get(s.base_url + path) as r:
                    assert r.status == 403 and "Rp6.800" not in await r.text(), path
            for path in posts:
                async with pemda.post(s.base_url + path, data=form(csrf, action="submit")) as r:
                    assert r.status == 403, path
        async with client() as admin:
            await sign_in(admin, s, store, ADMIN)
            # a signed-in admin without the CSRF token (a forged form on another site)
            for path in posts:
                async with admin.post(s.base_url + path, data={k: v for k, v in form("").items() if k != "csrf"}
                                      ) as r:
                    assert r.status == 403, path
    assert broadcast_ids(store) == [bc.id] and store.get_broadcast(bc.id).status == "review"
    assert [a.action for a in store.audit_entries(target_type="broadcast")] == ["broadcast.submitted"]


async def test_off_without_an_audience(store, staff):
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/siaran") as r:
            assert "BROADCAST_AUDIENCE" in await r.text()
        async with http.get(f"{s.base_url}/siaran/baru") as r:
            csrf = csrf_of(await r.text())
        async with http.post(f"{s.base_url}/siaran/baru", data=form(csrf, action="submit")) as r:
            assert r.status == 409
    assert broadcast_ids(store) == []
