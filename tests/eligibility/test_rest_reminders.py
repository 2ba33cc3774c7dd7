"""Asking for payment reminders through the real Rasa (the trained model) and action server (REST channel): the day
read from the message, the period and consent buttons, the plan stored; "sudah bayar" / "ingatkan besok" buttons.
The stack (``stack`` in tests/eligibility/conftest.py, SQLite and PostgreSQL) is shared with test_rest_e2e.py."""
from __future__ import annotations

import pytest

from .test_rest_e2e import Chat, _payloads, _store

pytestmark = pytest.mark.e2e


def test_ingatkan_saya_bayar_iuran_sets_up_a_plan(stack):
    chat = Chat(stack)
    asked = chat.say("ingatkan saya bayar iuran tiap tanggal 10")
    text = "\n".join(m.get("text") or "" for m in asked)
    assert "tiap bulan, atau sekaligus beberapa bulan" in text, text
    assert "tiga bulan" in _payloads(asked)
    consent = chat.say("tiga bulan")
    ctext = "\n".join(m.get("text") or "" for m in consent)
    assert "tiap 3 bulan" in ctext and "tanggal 10" in ctext and "berhenti" in ctext
    assert _payloads(consent) == ["/affirm", "/deny"]
    assert "Siap!" in chat.text("/affirm")
    store = _store(stack)
    plan = store.reminder_plan(chat.sender)
    assert plan is not None and (plan.payment_day, plan.period_months, plan.active) == (10, 3, True)
    assert "Belum ada pengingat" in chat.text("/paid")
    assert "Belum ada pengingat" in chat.text("udah bayar kok")
    store.dispose()


def test_the_day_is_asked_when_not_given_and_batal_leaves(stack):
    chat = Chat(stack)
    assert "tanggal berapa" in chat.text("bisa diingatkan bayar bpjs tiap bulan?")
    assert "tiap bulan, atau sekaligus" in chat.text("tanggal 31")
    assert "tidak ada pengingat" in chat.text("batal")
    store = _store(stack)
    assert store.reminder_plan(chat.sender) is None
    store.dispose()
