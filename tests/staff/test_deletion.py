"""Issue 9, "deletion reaches every copy": after "hapus data saya" the staff-group cards about the person say the
data was deleted at the owner's request (edited through the Bot API, retried while it fails), and the Telegram
adapter keeps nothing of the sender (user record, agent-application answers, chat flags, finished updates), on
the SQLite and the Redis inbox; the retention job deletes leads closed too long ago without changing the funnel.

Everything runs against the real store (SQLite and PostgreSQL), the fake Bot API and the fake Rasa (standing in for
Rasa and the action server: its scripted reply does what ``action_delete_my_data`` does, whose own output is tested
in tests/eligibility/test_leads.py)."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.staff.notifier import REDACTED, Notifier
from bot.staff.plugin import staff_and_agents
from bot.telegram.handlers import DELETE_PAYLOAD
from tests.telegram.conftest import inbox  # noqa: F401  (the SQLite and Redis inbox backends)

from .fixtures import STAFF, STAFF_CHAT, drain_outbox, lead_kwargs, staff_settings_for

ROOT = Path(__file__).resolve().parents[2]
WORKER = 555123
SENDER = f"telegram:{WORKER}"
OWNER_LEAD, OWNER_HANDOFF, OWNER_AGENT = (REDACTED[("owner", k)] for k in ("lead", "handoff", "agent"))


def settings(fake_tg):
    return staff_settings_for(fake_tg, consumer="notifier-del", interval=0.05)


async def post_cards(store, notifier):
    """A lead, a handoff and an agent application of WORKER, each posted to the staff group as a card."""
    lead = store.upsert_lead(**lead_kwargs(sender_id=SENDER, name="Wa Ode Sitti")).lead
    handoff = store.record_handoff(SENDER, "telegram", topic="mau tanya iuran")
    agent = store.apply_agent(telegram_user_id=WORKER, name="Wa Ode Sitti", organisation="Koperasi", regency=None,
                              phone="081300001111", consent_version="agen-2026-11")
    while await notifier.step():
        pass
    cards = {"lead": store.cards_for(lead_id=lead.id), "handoff": store.cards_for(handoff_id=handoff.id),
             "agent": store.cards_for(agent_id=agent.id)}
    assert all(len(v) == 1 for v in cards.values()), cards
    return {k: v[0] for k, v in cards.items()}


def card_text(fake_tg, card) -> str:
    return fake_tg.messages[tuple(card)]["text"]


async def test_delete_my_data_edits_every_staff_card_retrying_when_the_bot_api_fails(store, staff, fake_tg):
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        cards = await post_cards(store, notifier)
        assert "Wa Ode" in card_text(fake_tg, cards["lead"]) or "Sitti" in card_text(fake_tg, cards["lead"])
        counts = store.delete_sender_data(SENDER)
        assert counts["cards"] == 3
        fake_tg.fail("editMessageText", 502, "Bad Gateway")
        assert await notifier.step() is False                   # released, tried again later
        while await notifier.step():
            pass
        await notifier.step()
        assert card_text(fake_tg, cards["lead"]) == OWNER_LEAD
        assert card_text(fake_tg, cards["handoff"]) == OWNER_HANDOFF
        assert card_text(fake_tg, cards["agent"]) == OWNER_AGENT
        for card in cards.values():
            assert "reply_markup" not in fake_tg.messages[tuple(card)]   # no buttons left on them
        assert store.outbox_pending() == 0 and store.cards_for(lead_id=1) == []
    finally:
        await notifier.close()


async def test_a_card_staff_already_deleted_does_not_hold_up_the_others(store, staff, fake_tg):
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        cards = await post_cards(store, notifier)
        del fake_tg.messages[tuple(cards["lead"])]              # someone deleted that message in the group
        store.delete_sender_data(SENDER)
        while await notifier.step():
            pass
        assert card_text(fake_tg, cards["handoff"]) == OWNER_HANDOFF
        assert card_text(fake_tg, cards["agent"]) == OWNER_AGENT
        assert store.outbox_pending() == 0 and notifier.failures == 0
    finally:
        await notifier.close()


async def test_a_card_posted_while_its_lead_is_deleted_is_edited_too(store, staff, fake_tg):
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        lead = store.upsert_lead(**lead_kwargs(sender_id=SENDER)).lead
        drain_outbox(store)
        message = await notifier.bot.send_message(STAFF_CHAT, "🆕 Lead (posted as the deletion commits)")
        store.delete_sender_data(SENDER)
        assert store.record_card(STAFF_CHAT, message.message_id, lead_id=lead.id) is False
        await notifier.step()
        assert fake_tg.messages[(STAFF_CHAT, message.message_id)]["text"] == OWNER_LEAD
    finally:
        await notifier.close()


async def test_the_daily_reminder_naming_a_deleted_lead_is_edited_too(store, staff, fake_tg, clock):
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        lead = store.upsert_lead(**lead_kwargs(sender_id=SENDER, name="Lama Sekali")).lead
        other = store.upsert_lead(**lead_kwargs(name="Orang Lain")).lead
        drain_outbox(store)
        clock.advance(hours=49)                                   # untouched for 49 h; 11:00 WITA
        assert await notifier.remind_if_due() is True
        [reminder] = store.cards_for(lead_id=lead.id, kind="reminder")
        assert store.cards_for(lead_id=other.id, kind="reminder") == [reminder]
        assert "Lama Sekali" in card_text(fake_tg, reminder)
        store.delete_sender_data(SENDER)
        while await notifier.step():
            pass
        assert card_text(fake_tg, reminder) == REDACTED[("owner", "reminder")]
    finally:
        await notifier.close()


async def test_a_card_shown_to_staff_on_request_is_edited_too(store, staff, fake_tg, bot):
    """/lead shows the card in a staff member's private chat: that copy is edited like the group's."""
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        lead = store.upsert_lead(**lead_kwargs(sender_id=SENDER, name="Wa Ode Sitti")).lead
        drain_outbox(store)
        await fake_tg.push(fake_tg.text(STAFF, f"/lead {lead.id}"))
        await fake_tg.wait_texts(STAFF, 1)

        async def recorded() -> bool:
            return bool(store.cards_for(lead_id=lead.id))

        await wait_until(recorded)
        [shown] = store.cards_for(lead_id=lead.id)
        assert shown[0] == STAFF and "Wa Ode Sitti" in card_text(fake_tg, shown)
        store.delete_sender_data(SENDER)
        while await notifier.step():
            pass
        assert card_text(fake_tg, shown) == OWNER_LEAD
    finally:
        await notifier.close()


async def wait_until(predicate, timeout: float = 15.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_delete_my_data_through_the_adapter_forgets_the_sender_there(store, staff, fake_tg, fake_rasa,
                                                                            start_adapter, inbox):  # noqa: F811
    """The whole path on each inbox backend: the worker's request, the cards edited, the adapter's state gone."""
    s = settings(fake_tg)
    adapter = await start_adapter(plugins=[staff_and_agents(store, s)], **inbox)
    notifier = Notifier(store, s)
    await notifier.start()
    try:
        await fake_tg.push(fake_tg.text(WORKER, "halo"))       # an ordinary message (a finished update)
        await fake_tg.wait_texts(WORKER, 1)
        # the worker starts an agent application in the adapter (their name is kept there meanwhile)
        await fake_tg.push(fake_tg.text(WORKER, "/agen"))
        await fake_tg.wait_texts(WORKER, 2)
        await fake_tg.push(fake_tg.text(WORKER, "Wa Ode Sitti"))
        await fake_tg.wait_texts(WORKER, 3)
        cards = await post_cards(store, notifier)
        assert await adapter.store.user(WORKER) is not None
        assert await adapter.store.get_flag(f"agen:{WORKER}") is not None

        def deleted(body):  # Rasa + action_delete_my_data: the store's deletion, the answer, the adapter's cue
            store.delete_sender_data(body["sender"])
            return [{"text": "Data Anda sudah dihapus."}, {"custom": {"forget_sender": True}}]

        fake_rasa.replies[DELETE_PAYLOAD] = deleted
        await fake_tg.push(fake_tg.text(WORKER, "/hapusdata"))
        texts = await fake_tg.wait_texts(WORKER, 4)
        assert texts[-1] == "Data Anda sudah dihapus."

        async def forgotten() -> bool:
            return (await adapter.store.user(WORKER) is None and (await adapter.store.backlog())["pending"] == 0)

        await wait_until(forgotten)
        assert await adapter.store.get_flag(f"agen:{WORKER}") is None
        await assert_nothing_of_the_worker(adapter.store)

        while await notifier.step():
            pass
        assert [card_text(fake_tg, cards[k]) for k in ("lead", "handoff", "agent")] == [
            OWNER_LEAD, OWNER_HANDOFF, OWNER_AGENT]
    finally:
        await notifier.close()


async def assert_nothing_of_the_worker(tg_store) -> None:
    """No row or key of the adapter's store names the worker's id any more."""
    if tg_store.backend == "sqlite":
        db = sqlite3.connect(str(tg_store.path))
        try:
            for table, column in (("users", "user_id"), ("inbox", "chat_key"), ("flags", "key"),
                                  ("inbox", "payload"), ("progress", "value")):
                rows = db.execute(f"SELECT {column} FROM {table}").fetchall()
                assert not [r for r in rows if str(WORKER) in str(r[0])], (table, rows)
        finally:
            db.close()
    else:
        keys = [k async for k in tg_store.r.scan_iter(match=tg_store.prefix + "*", count=500)]
        assert not [k for k in keys if str(WORKER) in k], keys
        entries = await tg_store.r.xrange(tg_store.k("inbox"))
        assert not [e for e in entries if str(WORKER) in str(e)]


# ------------------------------------------------------------------------------------------------ retention

async def test_retention_deletes_leads_closed_too_long_ago_and_keeps_the_funnel(store, staff, fake_tg, clock,
                                                                                 monkeypatch):
    monkeypatch.setenv("RETENTION_INTERVAL", "3600")
    notifier = Notifier(store, settings(fake_tg))
    await notifier.start()
    try:
        old = store.upsert_lead(**lead_kwargs()).lead
        kept_open = store.upsert_lead(**lead_kwargs()).lead
        while await notifier.step():
            pass
        [old_card] = store.cards_for(lead_id=old.id)
        store.set_lead_status(old.id, "contacted", actor="telegram:1")
        store.set_lead_status(old.id, "registered", actor="telegram:1")
        clock.advance(days=200)
        recent = store.upsert_lead(**lead_kwargs()).lead
        store.set_lead_status(recent.id, "not_interested", actor="telegram:1")
        funnel, weekly = store.funnel(), store.funnel("week")
        clock.advance(days=170)                # old: closed 370 days ago; recent: 170 days ago
        assert store.prune_retention(days=1000) == {"leads": 0, "handoffs": 0, "cards": 0, "subscriptions": 0}
        counts = await notifier.prune_if_due()                # the notifier runs it (LEAD_RETENTION_DAYS: 365)
        assert counts == {"leads": 1, "handoffs": 0, "cards": 1, "subscriptions": 0}
        assert store.get_lead(old.id) is None and store.get_lead(recent.id) is not None
        assert store.get_lead(kept_open.id) is not None       # open leads are never expired
        assert store.funnel() == funnel and store.funnel("week") == weekly
        assert funnel[0].leads == 3 and funnel[0].registered == 1
        assert store.counters("leads_expired")
        while await notifier.step():
            pass
        assert card_text(fake_tg, old_card) == REDACTED[("retention", "lead")]
        assert await notifier.prune_if_due() is None          # not again before RETENTION_INTERVAL
    finally:
        await notifier.close()


def test_prune_on_demand_from_the_command_line(sqlite_url):
    env = dict(os.environ, DATABASE_URL=sqlite_url, PYTHONPATH=str(ROOT), SQLALCHEMY_SILENCE_UBER_WARNING="1",
               LEAD_RETENTION_DAYS="30")
    run = subprocess.run([sys.executable, "-m", "lingkar.store", "prune"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "deleted 0 closed lead(s)" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "lingkar.store", "prune", "--days", "0"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "positive" in bad.stderr
