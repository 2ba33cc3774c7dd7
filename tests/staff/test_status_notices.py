""""Status pendaftaran saya" and the notice when staff change a lead's status (issue 13, item 4).

A lead's life (new → contacted → registered) on Telegram and on WhatsApp: the worker's status answer at each step
(their own leads only: another sender sees nothing of it), and the one notice per change on the worker's own
channel — the Telegram one through the staff notifier and the fake Bot API, the WhatsApp one through the channel and
the fake Graph API (text inside the 24-hour window, the ``status_update`` template outside). Sent once, also when the
process dies between sending and acknowledging; nothing for a deleted lead, a note, a claim or "not_interested".
On SQLite and PostgreSQL (the ``store`` fixture)."""
from __future__ import annotations

import asyncio
import time

import pytest

from actions.leads import ActionMyStatus
from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from bot.whatsapp.app import WhatsAppAdapter
from bot.whatsapp.config import WhatsAppSettings
from lingkar.store import provide
from tests.eligibility.conftest import buttons_of, run, texts_of, turn
from tests.telegram.fake_bot_api import TOKEN
from tests.whatsapp.conftest import fake_graph, wa_env  # noqa: F401  (fixture)

from .fixtures import ADMIN, STAFF, STAFF_CHAT, drain_outbox, lead_kwargs

WORKER = 5550123
OTHER = 5550999
WA_ID = "6281355550123"


class Crash(BaseException):
    """The process dying (nothing in it catches this)."""


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", "2026-11-24")


@pytest.fixture
def actions_store(store):
    """The store the actions read (as the action server registers it)."""
    provide(store)
    yield store
    provide(None)


def settings(api_url: str) -> StaffSettings:
    return StaffSettings(token=TOKEN, api_url=api_url, staff_chat_id=STAFF_CHAT, consumer="notifier-st",
                         interval=0.05, lease=60)


async def status_answer(sender: str, text: str = "status pendaftaran saya"):
    msgs, _, _ = await run(ActionMyStatus(), turn(text, "ask_my_status", sender=sender))
    return texts_of(msgs), [b["payload"] for b in buttons_of(msgs)]


async def drain(n: Notifier, store) -> None:
    for _ in range(20):
        if not store.outbox_pending():
            return
        await n.step()
    raise AssertionError(f"outbox not drained: {store.outbox_pending()}")


# ---------------------------------------------------------------------------------------------- Telegram
async def test_a_telegram_lead_through_its_life(actions_store, staff, fake_tg):
    store = actions_store
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{WORKER}", phone="081234567890")).lead
    text, buttons = await status_answer(f"telegram:{WORKER}", "gmn status daftar sy?")
    assert lead.reference in text and "24 November 2026" in text
    assert "baru, menunggu petugas" in text and "Ditangani: petugas." in text
    assert "1234567890" not in text and "****" in text       # the phone masked, never whole
    assert "/my_data" in buttons

    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        await drain(n, store)                       # the staff card of the new lead; nothing to the worker yet
        assert fake_tg.texts(WORKER) == []
        store.claim_lead(lead.id, f"telegram:{STAFF}")
        store.add_lead_note(lead.id, f"telegram:{STAFF}", "sudah ditelepon, minta KTP")
        assert store.outbox_pending() == 0          # a claim and a note are not news for the worker
        store.set_lead_status(lead.id, "contacted", f"telegram:{STAFF}")
        await drain(n, store)
        told = fake_tg.texts(WORKER)
        assert len(told) == 1
        assert lead.reference in told[0] and "sudah ditangani petugas Rina" in told[0]
        assert "Rina Petugas" not in told[0]       # the first name only

        text, _ = await status_answer(f"telegram:{WORKER}")
        assert "sudah dihubungi petugas" in text and "Ditangani: Rina." in text and "175" in text

        store.set_lead_status(lead.id, "registered", f"telegram:{STAFF}")
        await drain(n, store)
        await n.step()
        told = fake_tg.texts(WORKER)
        assert len(told) == 2 and "sudah terdaftar" in told[1] and lead.reference in told[1]
        text, _ = await status_answer(f"telegram:{WORKER}")
        assert "sudah terdaftar" in text and "JMO" in text

        # another sender (also on WhatsApp) sees nothing of it: the offer to be contacted instead
        for other in (f"telegram:{OTHER}", f"whatsapp:{WA_ID}"):
            text, buttons = await status_answer(other)
            assert lead.reference not in text and "Belum ada permintaan" in text and "/request_contact" in buttons
        assert fake_tg.texts(OTHER) == []
    finally:
        await n.close()


async def test_unreachable_offers_to_update_the_number_and_not_interested_is_not_told(actions_store, staff,
                                                                                       fake_tg):
    store = actions_store
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{WORKER}")).lead
    drain_outbox(store)
    store.set_lead_status(lead.id, "unreachable", f"telegram:{ADMIN}")
    text, buttons = await status_answer(f"telegram:{WORKER}", "kok belum dihubungi petugas")
    assert "petugas belum berhasil menghubungi Anda" in text and "/request_contact" in buttons
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        await drain(n, store)
        told = fake_tg.texts(WORKER)
        assert len(told) == 1 and "Lingkar: petugas belum berhasil menghubungi Anda" in told[0]
        store.set_lead_status(lead.id, "not_interested", f"telegram:{ADMIN}")
        assert store.outbox_pending() == 0
    finally:
        await n.close()
    text, _ = await status_answer(f"telegram:{WORKER}")
    assert "ditutup" in text


async def test_the_notice_is_sent_once_also_after_a_crash_before_the_ack(store, staff, fake_tg, clock,
                                                                         monkeypatch):
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{WORKER}")).lead
    drain_outbox(store)
    store.set_lead_status(lead.id, "contacted", f"telegram:{ADMIN}", force=True)
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        real_ack = store.ack_outbox
        def crash(*a, **k):
            raise Crash()

        monkeypatch.setattr(store, "ack_outbox", crash)
        with pytest.raises(Crash):                # sent, then the process dies before the ack is written
            await n.step()
        assert len(fake_tg.texts(WORKER)) == 1 and store.outbox_pending() == 1
        monkeypatch.setattr(store, "ack_outbox", real_ack)
        # a fresh notifier (the restarted process) after the lease: the recorded message id settles it
        await n.close()
        n = Notifier(store, settings(fake_tg.base))
        await n.start()
        await n.step()
        assert store.outbox_pending() == 1         # still leased to the dead one
        clock.advance(seconds=61)
        await n.step()
        assert store.outbox_pending() == 0 and len(fake_tg.texts(WORKER)) == 1
        assert store.state_items("notice:") == {}
    finally:
        await n.close()


async def test_a_deleted_lead_sends_nothing(store, staff, fake_tg):
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{WORKER}")).lead
    drain_outbox(store)
    store.set_lead_status(lead.id, "contacted", f"telegram:{ADMIN}", force=True)
    assert store.outbox_pending(["notice.telegram"]) == 1
    store.delete_sender_data(f"telegram:{WORKER}")   # "hapus data saya" before the notice went out
    assert store.outbox_pending(["notice.telegram"]) == 0
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        await drain(n, store)
        assert fake_tg.texts(WORKER) == []
    finally:
        await n.close()


async def test_worker_notices_do_not_count_against_the_staff_cap(store, staff, fake_tg, clock):
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{WORKER}")).lead
    drain_outbox(store)
    since = clock.advance(seconds=1)
    store.set_lead_status(lead.id, "contacted", f"telegram:{ADMIN}", force=True)
    n = Notifier(store, settings(fake_tg.base))
    await n.start()
    try:
        await drain(n, store)
    finally:
        await n.close()
    assert len(fake_tg.texts(WORKER)) == 1
    assert store.notifications_for_sender(f"telegram:{WORKER}", since) == 0


# ---------------------------------------------------------------------------------------------- WhatsApp
@pytest.fixture
async def wa_channel(tmp_path, fake_graph, store):  # noqa: F811
    fake_graph.approve_template("lingkar_status_permintaan", "id", 2)
    wa = WhatsAppSettings.from_env(wa_env(tmp_path, fake_graph, "http://127.0.0.1:9"))
    wa.notice_interval = 0.05
    adapter = WhatsAppAdapter(wa, lead_store=lambda: store)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def wait_sent(graph, n: int, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while len(graph.to(WA_ID)) < n:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(graph.to(WA_ID))} of {n} sent to the worker")
        await asyncio.sleep(0.05)
    return graph.to(WA_ID)


async def test_a_whatsapp_lead_through_its_life_and_the_window(actions_store, staff, fake_graph,  # noqa: F811
                                                               wa_channel):
    store = actions_store
    lead = store.upsert_lead(**lead_kwargs(sender_id=f"whatsapp:{WA_ID}", channel="whatsapp",
                                           phone=f"+{WA_ID}")).lead
    drain_outbox(store)
    text, _ = await status_answer(f"whatsapp:{WA_ID}", "sdh sampai mana pendaftaran saya")
    assert lead.reference in text and "baru, menunggu petugas" in text and WA_ID not in text

    # the worker wrote just now: the window is open (the channel's record and Meta's, the fake's)
    await wa_channel.state.touch_inbound(WA_ID, time.time())
    fake_graph.last_inbound[WA_ID] = time.time()
    store.claim_lead(lead.id, f"telegram:{STAFF}")
    store.set_lead_status(lead.id, "contacted", f"telegram:{STAFF}")
    sent = await wait_sent(fake_graph, 1)
    assert sent[0].type == "text" and lead.reference in sent[0].text and "petugas Rina" in sent[0].text
    text, _ = await status_answer(f"whatsapp:{WA_ID}")
    assert "sudah dihubungi petugas" in text and "Ditangani: Rina." in text

    # two days later the window is closed: the approved template carries the news
    await wa_channel.state.touch_inbound(WA_ID, time.time() - 2 * 24 * 3600)
    fake_graph.last_inbound[WA_ID] = time.time() - 2 * 24 * 3600
    store.set_lead_status(lead.id, "registered", f"telegram:{STAFF}")
    sent = await wait_sent(fake_graph, 2)
    body = sent[1].body
    assert sent[1].type == "template" and body["template"]["name"] == "lingkar_status_permintaan"
    params = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert params == [lead.reference, "sudah terdaftar"]
    await asyncio.sleep(0.3)
    assert len(fake_graph.to(WA_ID)) == 2 and store.outbox_pending() == 0
    text, _ = await status_answer(f"whatsapp:{WA_ID}")
    assert "sudah terdaftar" in text
    text, _ = await status_answer(f"telegram:{WORKER}")
    assert lead.reference not in text and "Belum ada permintaan" in text
