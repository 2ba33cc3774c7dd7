"""The dashboard's main page lists the facts due for review (issue 13): a figure whose scheduled change has passed
with no newer value recorded (content/facts.yml), with its value, since when, when it was due and its source."""
from __future__ import annotations

import re

from tests.conftest import use_settings

from ..staff.fixtures import STAFF
from .helpers import client, running_dashboard, sign_in


def _due_keys(html: str) -> list:
    return re.findall(r'data-fact="([a-z0-9_.]+)"', html)


async def test_main_page_lists_facts_due_for_review_as_the_clock_moves(store, staff, monkeypatch):
    async with running_dashboard(store) as s, client() as http:
        use_settings(LINGKAR_TODAY="2025-02-28")
        html = await sign_in(http, s, store, STAFF)
        assert 'id="facts-due"' not in html and _due_keys(html) == []   # nothing is due yet
        use_settings(LINGKAR_TODAY="2026-12-02")
        async with http.get(s.base_url + "/leads") as r:
            html = await r.text()
        assert 'id="facts-due"' in html and _due_keys(html) == ["jp.benefit_min"]
        assert "Rp393.500" in html and "1 Maret 2024" in html and "jatim.suaraindonesia.co.id" in html
        use_settings(LINGKAR_TODAY="2027-03-01")
        async with http.get(s.base_url + "/leads") as r:
            html = await r.text()
        assert _due_keys(html) == ["jp.benefit_min", "jp.wage_cap"]
        assert "Rp11.086.300" in html and "1 Maret 2026" in html and "1 Maret 2027" in html
