"""Possible duplicates and references on the dashboard: the lead page links the other lead, the list marks both,
the search finds a reference, and the CSV has ``reference`` and ``possible_duplicate_of``."""
from __future__ import annotations

import csv
import io

from ..staff.fixtures import NIK, STAFF
from .helpers import client, running_dashboard, sign_in

PHONE = "081355501234"


async def test_dashboard_shows_and_exports_the_duplicate_link(store, staff, make_lead):
    first = make_lead(sender_id="telegram:5001", phone=PHONE, nik=NIK, age=36)
    second = make_lead(sender_id="telegram:5002", phone=PHONE, name="La Ode Kedua")
    alone = make_lead()
    async with running_dashboard(store) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/leads/{first.id}") as r:
            page = await r.text()
        assert first.reference in page and 'id="duplicates"' in page
        assert f'href="/leads/{second.id}"' in page and second.reference in page and "Kemungkinan ganda" in page
        async with http.get(f"{s.base_url}/leads/{alone.id}") as r:
            assert 'id="duplicates"' not in await r.text()
        async with http.get(f"{s.base_url}/leads") as r:
            listing = await r.text()
        for lead in (first, second):
            row = listing.split(f'data-lead="{lead.id}"', 1)[1].split("</tr>", 1)[0]
            assert "kemungkinan ganda" in row, lead.id
        row = listing.split(f'data-lead="{alone.id}"', 1)[1].split("</tr>", 1)[0]
        assert "kemungkinan ganda" not in row
        async with http.get(f"{s.base_url}/leads", params={"q": second.reference.lower(), "status": "all"}) as r:
            found = await r.text()
        assert f'data-lead="{second.id}"' in found and f'data-lead="{first.id}"' not in found
        async with http.get(f"{s.base_url}/leads.csv", params={"status": "all"}) as r:
            table = list(csv.DictReader(io.StringIO((await r.read()).decode("utf-8-sig"))))
    by_id = {int(x["id"]): x for x in table}
    assert by_id[first.id]["reference"] == first.reference
    assert by_id[first.id]["possible_duplicate_of"] == second.reference
    assert by_id[second.id]["possible_duplicate_of"] == first.reference
    assert by_id[alone.id]["possible_duplicate_of"] == ""
