"""The dashboard in a real browser (Playwright driving Debian's Chromium), end to end with the bot:

a staff member asks the bot for a sign-in link (/dasbor, through the fake Telegram Bot API), opens it,
filters the leads, changes a status, downloads the CSV of the current filter and reads the funnel —
every number checked against the database. Screenshots go to reports/dashboard/.

Chromium: /usr/bin/chromium (Debian's package). If it is missing the test tries ``apt-get install -y
chromium`` (as root); only if that is impossible is the test skipped, loudly.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.staff.plugin import StaffPlugin

from ..staff.fixtures import ADMIN, STAFF
from .helpers import running_dashboard

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "reports" / "dashboard"
CHROMIUM = os.environ.get("LINGKAR_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _loud_skip(reason: str) -> None:
    bar = "!" * 78
    sys.stderr.write(f"\n{bar}\n!!! {reason}\n{bar}\n")
    pytest.skip(reason)


def chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False, timeout=900,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if Path(CHROMIUM).exists():
        return CHROMIUM
    _loud_skip(f"Chromium is not installed at {CHROMIUM} and could not be installed: the browser test is SKIPPED")


@pytest.fixture
async def browser_context(tmp_path):
    path = chromium()
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - it is in the lock
        pytest.fail("playwright is not installed in the venv")
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        context = await p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=path, headless=True, args=ARGS,
            accept_downloads=True, locale="id-ID", viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            await context.close()


@pytest.fixture
def db_url(sqlite_url):
    """The browser test runs on SQLite (the HTTP tests cover PostgreSQL)."""
    return sqlite_url


async def test_sign_in_filter_change_status_export_and_funnel(store, staff, make_agent, make_lead, clock,
                                                              browser_context, start_adapter, fake_tg):
    # --- data: an agent, leads in two regencies, conversation events
    agent = make_agent()
    for i in range(5):
        store.record_event("chat_started", channel="telegram", sender_id=f"telegram:{100 + i}",
                           agent_code=agent.code if i < 3 else None)
        if i < 4:
            store.record_event("eligibility_checked", channel="telegram", sender_id=f"telegram:{100 + i}",
                               regency="Kota Kendari" if i % 2 else "Kabupaten Kolaka", sector="perikanan")
    kendari = [make_lead(name=f"Pekerja Kendari {i}", regency="Kota Kendari", referral=agent.code if i == 0 else None)
               for i in range(3)]
    kolaka = make_lead(name="Pekerja Kolaka", regency="Kabupaten Kolaka")
    clock.advance(hours=3)

    async with running_dashboard(store) as settings:
        # --- the bot sends the sign-in link (/dasbor in a private chat)
        await start_adapter(plugins=[StaffPlugin(store, settings).setup])
        await fake_tg.push(fake_tg.text(STAFF, "/dasbor"))
        (text,) = await fake_tg.wait_texts(STAFF, 1)
        link = re.search(r"(http://127\.0\.0\.1:\d+/masuk\?t=[\w-]+)", text).group(1)

        page = await browser_context.new_page()
        await page.goto(link)
        await page.screenshot(path=str(SHOTS / "01-masuk.png"), full_page=True)
        await page.click("#masuk")
        await page.wait_for_url("**/leads")
        assert await page.locator("#leads tbody tr").count() == 4
        await page.screenshot(path=str(SHOTS / "02-lead-semua.png"), full_page=True)
        cookies = await browser_context.cookies()
        session = next(c for c in cookies if c["name"] == "lingkar_session")
        assert session["httpOnly"] and session["sameSite"] == "Lax"

        # --- filter: Kota Kendari, then search within it
        await page.select_option("select[name=regency]", "Kota Kendari")
        await page.click("#terapkan")
        await page.wait_for_url(re.compile(r".*regency=Kota\+Kendari.*"))
        shown = {int(x) for x in await page.locator("#leads tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.lead)")}
        assert shown == {x.id for x in kendari}
        await page.screenshot(path=str(SHOTS / "03-lead-filter-kendari.png"), full_page=True)

        # --- CSV of the current filter
        async with page.expect_download() as info:
            await page.click("#csv")
        download = await info.value
        data = Path(await download.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(data)))
        assert data.splitlines()[0].startswith("id,type,status,")
        assert sorted(int(r["id"]) for r in rows) == sorted(x.id for x in kendari)
        assert {r["regency"] for r in rows} == {"Kota Kendari"}

        # --- change a status with a note
        target = kendari[0]
        await page.click(f'#leads tr[data-lead="{target.id}"] a >> nth=0')
        await page.wait_for_url(f"**/leads/{target.id}")
        await page.select_option("#new-status", "registered")
        await page.fill("#status-form textarea[name=note]", "Sudah daftar lewat JMO, kartu terbit")
        await page.click("#save-status")
        await page.wait_for_url(f"**/leads/{target.id}?ok=status")
        assert (await page.inner_text("#status")).strip() == "Terdaftar"
        assert "Sudah daftar lewat JMO" in await page.inner_text("#history")
        await page.screenshot(path=str(SHOTS / "04-lead-status-diubah.png"), full_page=True)
        lead = store.get_lead(target.id)
        assert lead.status == "registered" and lead.claimed_by == f"telegram:{STAFF}"
        assert lead.history[-1].note == "Sudah daftar lewat JMO, kartu terbit"

        # --- the funnel matches the database
        for by in ("week", "regency", "agent"):
            await page.goto(f"{settings.base_url}/corong?by={by}")
            total = store.funnel()[0]
            for stage in ("chats", "checks", "leads", "contacted", "registered"):
                cell = page.locator(f'#funnel-total td[data-stage="{stage}"]')
                assert int(await cell.inner_text()) == getattr(total, stage), (by, stage)
            for row in store.funnel(group_by=by):
                key = "" if row.group is None else str(row.group)
                tr = page.locator(f'#funnel-groups tr[data-group="{key}"]')
                for stage in ("chats", "checks", "leads", "contacted", "registered"):
                    n = await tr.locator(f'td[data-stage="{stage}"] .n').inner_text()
                    assert int(n) == getattr(row, stage), (by, key, stage)
            await page.screenshot(path=str(SHOTS / f"05-corong-{by}.png"), full_page=True)
        assert (total.chats, total.checks, total.leads, total.contacted, total.registered) == (5, 4, 4, 1, 1)
        assert await page.locator("svg.chart rect").count() == 5
        assert "1,2 juta" in await page.inner_text("#sultra")

        # --- agents page and the phone layout
        await page.goto(f"{settings.base_url}/agen")
        assert agent.code in await page.inner_text("#agents")
        await page.screenshot(path=str(SHOTS / "06-agen.png"), full_page=True)
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.goto(f"{settings.base_url}/leads?status=all")
        await page.screenshot(path=str(SHOTS / "07-lead-di-hp.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

        # --- the CSP holds: no inline script runs even if a lead's name tried
        errors = []
        page.on("pageerror", lambda e: errors.append(e))
        await page.goto(f"{settings.base_url}/leads/{kolaka.id}")
        assert errors == []
    assert store.get_lead(kolaka.id).status == "new"
    assert ADMIN  # the admin exists but was not involved
