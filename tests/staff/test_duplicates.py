"""Possible duplicates and lead references for staff in Telegram: the card in the staff group names the other
lead, ``/lead`` shows the link and accepts the reference (``/lead LK-7K2M9Q``), ``/leads`` marks the lead."""
from __future__ import annotations

import re

import pytest

from bot.config import StaffSettings
from bot.staff import texts

from .fixtures import NIK, STAFF, STAFF_CHAT, drain_outbox, staff_settings_for

PHONE = "081355501234"


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    return staff_settings_for(fake_tg, consumer="notifier-test", interval=0.1)


def group_cards(fake_tg):
    return [c.result["text"] for c in fake_tg.successful("sendMessage", STAFF_CHAT)]


async def ask(fake_tg, cmd: str) -> str:
    n = len(fake_tg.texts(STAFF))
    await fake_tg.push(fake_tg.text(STAFF, cmd))
    return (await fake_tg.wait_texts(STAFF, n + 1))[-1]


async def test_the_card_of_a_second_senders_lead_names_the_first(store, staff, make_lead, notifier, fake_tg):
    first = make_lead(sender_id="telegram:5001", phone=PHONE, nik=NIK, age=36)
    drain_outbox(store)
    second = make_lead(sender_id="telegram:5002", phone=PHONE, name="La Ode Kedua")
    await notifier.step()
    (card,) = group_cards(fake_tg)
    assert card.startswith(f"🆕 Lead #{second.id}")
    assert second.reference in card
    assert "Kemungkinan ganda" in card and f"#{first.id}" in card and first.reference in card
    assert "nomor HP sama" in card
    assert "keluarga" in card  # neutral: a shared family phone is an ordinary case


async def test_lead_command_shows_the_link_and_takes_the_reference(store, staff, make_lead, bot, fake_tg):
    first = make_lead(sender_id="telegram:5001", phone=PHONE, nik=NIK, age=36)
    second = make_lead(sender_id="telegram:5002", phone="081299990000", nik=NIK, age=36)
    alone = make_lead()
    detail = await ask(fake_tg, f"/lead {first.id}")
    assert detail.startswith(f"🆕 Lead #{first.id}") and first.reference in detail
    assert "Kemungkinan ganda" in detail and f"#{second.id}" in detail and second.reference in detail
    assert "NIK sama" in detail
    for typed in (second.reference, second.reference.lower(), second.reference[3:]):
        by_ref = await ask(fake_tg, f"/lead {typed}")
        assert by_ref.startswith(f"🆕 Lead #{second.id}"), typed
        assert f"#{first.id}" in by_ref and "Riwayat" in by_ref
    assert "Kemungkinan ganda" not in await ask(fake_tg, f"/lead {alone.reference}")
    assert texts.NOT_FOUND in await ask(fake_tg, "/lead LK-ZZZZZZ" if "ZZZZZZ" not in first.reference + second.reference
                                        else "/lead LK-YYYYYY")
    assert "LK-" in await ask(fake_tg, "/lead apa")  # the usage names both ways
    listing = await ask(fake_tg, "/leads")
    marked = {int(m) for m in re.findall(r"^#(\d+).*kemungkinan ganda", listing, re.M)}
    assert marked == {first.id, second.id}
