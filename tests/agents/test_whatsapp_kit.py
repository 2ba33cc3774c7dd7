"""The agent's kit with WHATSAPP_DISPLAY_NUMBER: both links (wa.me with the prefilled "Halo Lingkar, kode agen
<code>"), a QR code for each (decoded), and the printable one-page A4 poster (PDF) with both; delivered by the
notifier on approval (a Bot API failure half-way sends only what is missing) and by /tautan; on the dashboard too.
Without the setting the kit is the Telegram link alone (tests/agents/test_agent_journey.py)."""
from __future__ import annotations

import io
import re
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from bot.agents.links import WHATSAPP_GREETING, whatsapp_link
from bot.agents.poster import poster_pdf
from bot.config import StaffSettings
from lingkar.settings import whatsapp_digits
from tests.dashboard.helpers import client, running_dashboard, sign_in
from tests.telegram.fake_bot_api import BOT_USERNAME

from ..staff.fixtures import STAFF, drain_outbox, staff_settings_for

WA_NUMBER = "6281100002222"


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    return staff_settings_for(fake_tg, consumer="notifier-wa-kit", interval=0.05, whatsapp_number=WA_NUMBER)


def decode(png: bytes) -> list:
    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def pdf_facts(pdf: bytes) -> dict:
    """Pages, images and the (decompressed) page text of a PDF fpdf2 wrote."""
    assert pdf.startswith(b"%PDF-")
    text = b""
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text += zlib.decompress(m.group(1))
        except zlib.error:
            text += m.group(1)
    return {"pages": len(re.findall(rb"/Type\s*/Page\b", pdf)), "images": len(re.findall(rb"/Subtype\s*/Image", pdf)),
            "text": text.decode("latin-1"), "a4": b"/MediaBox [0 0 595.28 841.89]" in pdf}


def test_whatsapp_link_carries_the_code_in_the_prefilled_first_message():
    link = whatsapp_link(WA_NUMBER, "k7m2qx")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", f"/{WA_NUMBER}")
    assert parse_qs(parts.query)["text"] == ["Halo Lingkar, kode agen K7M2QX"]
    assert WHATSAPP_GREETING.format(code="K7M2QX") == "Halo Lingkar, kode agen K7M2QX"
    for bad in ("", "0812abc", "+62"):
        with pytest.raises(ValueError):
            whatsapp_link(bad, "K7M2QX")
    with pytest.raises(ValueError):
        whatsapp_link(WA_NUMBER, "kode agen")
    assert whatsapp_digits("+62 811-0000-2222") == WA_NUMBER == whatsapp_digits("0811 0000 2222")
    assert whatsapp_digits("") == ""
    assert StaffSettings.from_env({"WHATSAPP_DISPLAY_NUMBER": "+62 811 0000 2222"}).whatsapp_number == WA_NUMBER
    assert "WHATSAPP_DISPLAY_NUMBER" in StaffSettings.from_env({"WHATSAPP_DISPLAY_NUMBER": "12"}).problems()


def test_the_poster_is_one_a4_page_with_both_codes_the_agent_and_three_lines():
    from bot.agents import texts

    facts = pdf_facts(poster_pdf(telegram=f"https://t.me/{BOT_USERNAME}?start=ag_K7M2QX",
                                 whatsapp=whatsapp_link(WA_NUMBER, "K7M2QX"), code="K7M2QX", name="Wa Ode Hasnia"))
    assert facts["pages"] == 1 and facts["a4"] and facts["images"] == 2
    assert "K7M2QX" in facts["text"] and "Wa Ode Hasnia" in facts["text"]
    assert len(texts.POSTER_LINES) == 3 and not any(re.search(r"\d", line) for line in texts.POSTER_LINES)
    for words in ("WhatsApp", "Telegram", "Lingkar"):
        assert words in facts["text"]
    alone = pdf_facts(poster_pdf(telegram=f"https://t.me/{BOT_USERNAME}?start=ag_K7M2QX", code="K7M2QX"))
    assert alone["images"] == 1 and alone["pages"] == 1


def kit_uploads(fake_tg, uid: int) -> list:
    return [u for u in fake_tg.uploads if u["chat_id"] == str(uid) and u["method"] in ("sendPhoto", "sendDocument")]


async def test_approval_sends_both_links_both_qr_codes_and_the_poster_once(store, staff, notifier, fake_tg,
                                                                        make_agent):
    agent = make_agent(uid=880101, name="Wa Ode Hasnia")   # approved: an agent.status event for the notifier
    fake_tg.fail("sendDocument", 502, "Bad Gateway")        # the poster fails the first time
    while store.outbox_pending():
        await notifier.step()
    # the failed poster was uploaded once more on the retry; the photos were not sent again
    assert [u["method"] for u in kit_uploads(fake_tg, 880101)] == ["sendPhoto", "sendPhoto", "sendDocument",
                                                                   "sendDocument"]
    assert len(fake_tg.successful("sendPhoto", 880101)) == 2 and len(fake_tg.successful("sendDocument", 880101)) == 1
    uploads = kit_uploads(fake_tg, 880101)[:2] + kit_uploads(fake_tg, 880101)[3:]
    tg_link = f"https://t.me/{BOT_USERNAME}?start=ag_{agent.code}"
    wa_link = whatsapp_link(WA_NUMBER, agent.code)
    assert decode(uploads[0]["data"]) == [tg_link] and decode(uploads[1]["data"]) == [wa_link]
    caption = fake_tg.successful("sendPhoto", 880101)[0].result["caption"]
    assert tg_link in caption and wa_link in caption and agent.code in caption and "/statistik" in caption
    assert uploads[2]["filename"] == f"poster-agen-perisai-{agent.code}.pdf"
    facts = pdf_facts(uploads[2]["data"])
    assert facts["pages"] == 1 and facts["images"] == 2 and agent.code in facts["text"]
    assert store.state_items("kit:") == {}   # the step records are gone once the kit is out


async def test_tautan_sends_the_whole_kit(store, bot, fake_tg, make_agent):
    agent = make_agent(uid=880102)
    drain_outbox(store)
    await fake_tg.push(fake_tg.text(880102, "/tautan"))
    await fake_tg.wait_for(lambda f: len(kit_uploads(f, 880102)) == 3)
    uploads = kit_uploads(fake_tg, 880102)
    assert [u["method"] for u in uploads] == ["sendPhoto", "sendPhoto", "sendDocument"]
    assert decode(uploads[1]["data"]) == [whatsapp_link(WA_NUMBER, agent.code)]


async def test_dashboard_offers_the_whatsapp_link_its_qr_code_and_the_poster(store, staff, make_agent):
    agent = make_agent(uid=880103)
    async with running_dashboard(store, whatsapp_number=WA_NUMBER) as s, client() as http:
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/agen") as r:
            page = await r.text()
        assert f"/agen/{agent.id}/qr-wa.png" in page and f"/agen/{agent.id}/poster.pdf" in page
        assert "wa.me/" + WA_NUMBER in page
        async with http.get(f"{s.base_url}/agen/{agent.id}/qr-wa.png") as r:
            assert r.status == 200 and decode(await r.read()) == [whatsapp_link(WA_NUMBER, agent.code)]
        async with http.get(f"{s.base_url}/agen/{agent.id}/poster.pdf") as r:
            assert r.status == 200 and r.content_type == "application/pdf"
            assert pdf_facts(await r.read())["images"] == 2
    async with running_dashboard(store) as s, client() as http:   # no WhatsApp number: no WhatsApp QR code
        await sign_in(http, s, store, STAFF)
        async with http.get(f"{s.base_url}/agen/{agent.id}/qr-wa.png") as r:
            assert r.status == 404
