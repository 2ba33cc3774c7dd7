"""The Pemda view in a real browser (Playwright driving Debian's Chromium): an officer of Kabupaten Kolaka asks the
bot for a sign-in link (/dasbor through the fake Telegram Bot API), sees only Kolaka's aggregates with "<5",
records their worker estimate, downloads the CSV; no name, phone, NIK, sender id or reference anywhere in the HTML
or the CSV; staff pages typed into the address bar answer 403. Screenshots go to reports/pemda/."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bot.staff.plugin import StaffPlugin
from lingkar.identity import mask_nik, mask_phone

from ..staff.fixtures import ADMIN, NIK
from .helpers import running_dashboard
from .test_browser import ROOT, browser_context  # noqa: F401  (the Chromium fixture)

SHOTS = ROOT / "reports" / "pemda"
PEMDA = 900050
KOLAKA, KENDARI = "Kabupaten Kolaka", "Kota Kendari"


@pytest.fixture
def db_url(sqlite_url):
    """The browser test runs on SQLite (the HTTP tests cover PostgreSQL)."""
    return sqlite_url


async def test_pemda_officer_in_chromium(store, staff, make_agent, make_lead, clock, browser_context,  # noqa: F811
                                         start_adapter, fake_tg):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for n in range(9):
        sid = f"telegram:{7100 + n}"
        store.record_event("chat_started", channel="telegram", sender_id=sid)
        store.record_event("eligibility_checked", channel="telegram", sender_id=sid, regency=KOLAKA,
                           sector="perikanan" if n < 6 else "pertanian")
    leads = [make_lead(name=f"Wa Ode Rahasia {n}", sender_id=f"telegram:{7100 + n}", nik=NIK if n == 0 else None,
                       sector="perikanan" if n < 5 else "pertanian") for n in range(7)]
    others = [make_lead(name=f"Kendari Rahasia {n}", regency=KENDARI, sector="jasa") for n in range(6)]
    for lead in leads[:5]:
        store.claim_lead(lead.id, f"telegram:{ADMIN}")
        store.set_lead_status(lead.id, "registered", f"telegram:{ADMIN}")
    agent = make_agent()
    store.add_pemda(PEMDA, KOLAKA, "Disnaker Kolaka", actor=f"telegram:{ADMIN}")
    secrets_ = [agent.name, agent.phone, agent.code, "Rahasia", "telegram:", "LK-", NIK, mask_nik(NIK)]
    for lead in leads + others:
        lead = store.get_lead(lead.id)
        secrets_ += [lead.name, lead.phone, mask_phone(lead.phone), lead.sender_id, lead.reference]

    async with running_dashboard(store) as settings:
        await start_adapter(plugins=[StaffPlugin(store, settings).setup])
        await fake_tg.push(fake_tg.text(PEMDA, "/dasbor"))
        (text,) = await fake_tg.wait_texts(PEMDA, 1)
        link = re.search(r"(http://127\.0\.0\.1:\d+/masuk\?t=[\w-]+)", text).group(1)

        page = await browser_context.new_page()
        await page.goto(link)
        await page.click("#masuk")
        await page.wait_for_url("**/pemda")
        await page.screenshot(path=str(SHOTS / "01-pemda-kolaka.png"), full_page=True)

        def stage(table: str, attr: str, key: str, name: str):
            return page.locator(f'#{table} tr[{attr}="{key}"] td[data-stage="{name}"]')

        assert (await page.inner_text("h1")).strip() == f"Cakupan pekerja: {KOLAKA}"
        assert (await stage("pemda-sectors", "data-sector", "perikanan", "checks").inner_text()).strip() == "6"
        assert (await stage("pemda-sectors", "data-sector", "pertanian", "checks").inner_text()).strip() == "<5"
        assert (await stage("pemda-sectors", "data-sector", "perikanan", "registered").inner_text()).strip() == "5"
        assert (await stage("pemda-sectors", "data-sector", "pertanian", "leads").inner_text()).strip() == "<5"
        assert (await stage("pemda-sectors", "data-sector", "total", "leads").inner_text()).strip() == "≥ 6"
        assert (await stage("pemda-sectors", "data-sector", "total", "checks").inner_text()).strip() == "≥ 7"
        assert (await stage("pemda-months", "data-month", "2026-11", "checks").inner_text()).strip() == "9"
        html = await page.content()
        for secret in secrets_ + [KENDARI]:
            assert secret not in html, secret

        # the officer records their own count of fishery workers
        await page.select_option("#estimate select[name=sector]", "perikanan")
        await page.fill("#estimate input[name=workers]", "abc")
        await page.fill("#estimate input[name=source]", "Data Dinas Perikanan 2025")
        await page.click("#save-estimate")
        assert "Tulis jumlah pekerja sebagai angka" in await page.inner_text("#estimate")
        assert await page.input_value("#estimate input[name=source]") == "Data Dinas Perikanan 2025"
        await page.screenshot(path=str(SHOTS / "02-perkiraan-salah.png"), full_page=True)
        await page.fill("#estimate input[name=workers]", "2500")
        await page.fill("#estimate input[name=as_of]", "2025-12-31")
        await page.click("#save-estimate")
        await page.wait_for_url("**/pemda?ok=estimate")
        row = page.locator('#pemda-sectors tr[data-sector="perikanan"]')
        assert "2.500 (Data Dinas Perikanan 2025, 2025-12-31)" in await row.inner_text()
        assert (await row.locator('td[data-cov="share"]').inner_text()).strip() == "0,2 %"  # 5 of 2.500
        # one sector's count is not the regency's: the regency's coverage waits for "Semua sektor"
        assert (await page.inner_text('#pemda-coverage td[data-cov="estimate"]')).strip() == "—"
        await page.screenshot(path=str(SHOTS / "03-perkiraan-tersimpan.png"), full_page=True)
        assert store.pemda_estimates(KOLAKA)["perikanan"].workers == 2500

        # the CSV
        async with page.expect_download() as info:
            await page.click("#pemda-csv")
        data = Path(await (await info.value).path()).read_bytes().decode("utf-8-sig")
        rows = {(r[0], r[1]): r for r in list(csv.reader(io.StringIO(data)))[2:]}
        assert rows[("sektor", "pertanian")][4] == "<5" and rows[("sektor", "perikanan")][4] == "6"
        assert rows[("sektor", "perikanan")][8] == "2.500"
        for secret in secrets_ + [KENDARI]:
            assert secret not in data, secret

        # staff pages typed into the address bar: 403, no data
        for path in ("/leads", f"/leads/{leads[0].id}", "/leads.csv", "/corong", "/agen", "/gn", "/petugas"):
            response = await page.goto(settings.base_url + path)
            assert response.status == 403, path
            body = await page.content()
            assert "Tidak diizinkan" in body and "Rahasia" not in body
        await page.screenshot(path=str(SHOTS / "04-halaman-petugas-403.png"), full_page=True)
        # another regency in the URL: still Kolaka
        await page.goto(f"{settings.base_url}/pemda?kabupaten=Kota+Kendari")
        assert KENDARI not in await page.content()
        # a phone
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.goto(f"{settings.base_url}/pemda")
        await page.screenshot(path=str(SHOTS / "05-pemda-di-hp.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    assert all(store.get_lead(x.id).status == "new" for x in others)
