"""A broadcast from the dashboard to the workers' phones, in a real browser (Playwright driving Chromium): a staff
member composes it (a {fact.key} placeholder and a button), previews it on Telegram and WhatsApp with the exact
recipient count and submits it; a second staff member (an admin) opens it, sees the approve button the author did
not have, approves it; a broadcast worker (in this process, procrastinate on the real PostgreSQL) sends it through the
fake Bot API and the fake Graph API; the detail page shows the exact counts. Screenshots go to reports/dashboard/.
"""
from __future__ import annotations

import asyncio
import collections
import re
import time

import pytest

from bot.dashboard.keys import Composer
from bot.outreach.runtime import composer_parts, open_runtime
from bot.staff import auth
from lingkar.store import Store
from tests.conftest import use_settings
from tests.outreach.conftest import db, fake_graph, outreach_env  # noqa: F401  (fixtures)

from ..staff.fixtures import ADMIN, STAFF
from .helpers import running_dashboard
from .test_browser import SHOTS, browser_context  # noqa: F401  (fixture)

TEXT = "Iuran JKM peserta BPU kini {bpu.jkm} sebulan. Tanya lewat {contact.call_centre}."
EXPECTED = "Iuran JKM peserta BPU kini Rp6.800 sebulan. Tanya lewat 175."
TG = ["7001", "7002", "7003"]
WA = ["6281200000001", "6281200000002"]


@pytest.fixture
def db_url(db):  # noqa: F811
    """PostgreSQL: the approval writes the broadcast's jobs with it, as in production."""
    return db


async def sign_in(page, base: str, store: Store, uid: int) -> None:
    await page.context.clear_cookies()
    await page.goto(f"{base}/masuk?t={auth.create_login_token(store, uid)}")
    await page.click("#masuk")
    await page.wait_for_url("**/leads")


async def test_compose_preview_submit_approve_deliver_progress(db_url, fake_tg, fake_graph,  # noqa: F811
                                                               browser_context, tmp_path):  # noqa: F811
    env = outreach_env(tmp_path, db_url, fake_tg, fake_graph)
    del env["BROADCAST_AUDIENCE"]                       # the default: the subscriptions in the lead store
    core = use_settings(**env)
    store = Store(db_url)
    store.ensure_admin(ADMIN, name="Bu Admin")
    store.add_staff(STAFF, "Rina Petugas", "staff", actor=f"telegram:{ADMIN}")
    for sid in [f"telegram:{k}" for k in TG + ["7999"]] + [f"whatsapp:{k}" for k in WA] + ["telegram:7998"]:
        store.subscribe(sid, sid.partition(":")[0], "pengingat" if sid.endswith("7998") else "info",
                        consent_version="langganan-2026-11")
    store.unsubscribe("telegram:7999", reason="berhenti")
    composer = Composer(**composer_parts(core, store))
    assert composer.audience is not None and composer.jobs is not None
    rt = await open_runtime(core, store)
    try:
        async with running_dashboard(store, composer) as s, rt.app.open_async():
            page = await browser_context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(e))
            # --- the author composes, previews, submits
            await sign_in(page, s.base_url, store, STAFF)
            await page.click("nav >> text=Siaran")
            await page.click("#new-broadcast")
            await page.fill("#text", TEXT)
            await page.fill("#topic", "info")
            await page.fill("#button_title_1", "Cara daftar")
            await page.fill("#button_payload_1", "/ask_registration")
            await page.click("#preview-button")
            assert int(await page.inner_text("#count")) == len(TG) + len(WA)
            assert (await page.inner_text("#preview-telegram .bubble")).strip() == EXPECTED
            assert "Cara daftar" in await page.inner_text("#preview-whatsapp")
            assert EXPECTED in await page.inner_text("#preview-template")
            await page.screenshot(path=str(SHOTS / "10-siaran-pratinjau.png"), full_page=True)
            await page.click("#submit")
            await page.wait_for_url(re.compile(r".*/siaran/\d+\?ok=bc_submitted"))
            bid = int(re.search(r"/siaran/(\d+)", page.url).group(1))
            assert await page.get_attribute("#status", "data-status") == "review"
            assert await page.locator("#approve").count() == 0 and await page.locator("#wait-review").count() == 1
            assert int(await page.inner_text("#total")) == 5
            await page.screenshot(path=str(SHOTS / "11-siaran-menunggu-persetujuan.png"), full_page=True)
            await asyncio.sleep(0.5)
            assert fake_tg.successful("sendMessage") == [] and fake_graph.sent == []   # nothing before approval

            # --- the second pair of eyes approves; the worker sends
            await sign_in(page, s.base_url, store, ADMIN)
            await page.goto(f"{s.base_url}/siaran/{bid}")
            await page.screenshot(path=str(SHOTS / "12-siaran-untuk-disetujui.png"), full_page=True)
            await page.click("#approve")
            await page.wait_for_url(f"**/siaran/{bid}?ok=bc_approved")
            assert store.get_broadcast(bid).approved_by == f"telegram:{ADMIN}"
            worker = asyncio.ensure_future(rt.app.run_worker_async(
                queues=["broadcasts"], concurrency=2, name="browser-test", install_signal_handlers=False,
                wait=True, fetch_job_polling_interval=0.2, update_heartbeat_interval=0.5))
            try:
                deadline = time.monotonic() + 40
                while store.get_broadcast(bid).status != "done":
                    assert time.monotonic() < deadline, store.broadcast_counts(bid)
                    await asyncio.sleep(0.2)
            finally:
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
            await page.goto(f"{s.base_url}/siaran/{bid}")
            assert await page.get_attribute("#status", "data-status") == "done"
            shown = {k: int(await page.inner_text(f"#count-{k}")) for k in
                     ("queued", "sent", "delivered", "read", "failed", "unsubscribed")}
            assert shown == store.broadcast_counts(bid) == {"queued": 0, "sent": 5, "delivered": 0, "read": 0,
                                                            "failed": 0, "unsubscribed": 0}
            await page.screenshot(path=str(SHOTS / "13-siaran-selesai.png"), full_page=True)
            await page.goto(f"{s.base_url}/siaran")
            assert "Selesai" in await page.inner_text(f'#broadcasts tr[data-broadcast="{bid}"]')
            await page.screenshot(path=str(SHOTS / "14-siaran-daftar.png"), full_page=True)
            await page.set_viewport_size({"width": 390, "height": 844})       # a phone
            for path, shot in ((f"/siaran/{bid}", "15-siaran-di-hp.png"), ("/siaran/baru", "16-buat-siaran-di-hp.png")):
                await page.goto(s.base_url + path)
                await page.screenshot(path=str(SHOTS / shot), full_page=True)
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
            assert errors == []
    finally:
        await rt.close()
    # every subscriber of the topic once, on their channel; not the one who stopped, not the other topic
    assert collections.Counter(str(c.params["chat_id"]) for c in fake_tg.successful("sendMessage")) == {
        k: 1 for k in TG}
    assert collections.Counter(x.to for x in fake_graph.sent) == {k: 1 for k in WA}
    assert fake_tg.successful("sendMessage")[0].params["text"] == EXPECTED
    store.dispose()
