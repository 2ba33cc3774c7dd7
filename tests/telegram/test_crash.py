"""Crash safety: ``kill -9`` the adapter process mid-turn; after a restart the user still gets the answer.

Run for both inbox backends (SQLite, the embedded default, and Redis), in both intake modes.
"""
from __future__ import annotations

import asyncio

from .conftest import free_port

USER = 7401


def webhook_env() -> dict:
    port = free_port()
    return {"TELEGRAM_MODE": "webhook", "BOT_PORT": port, "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook"}


async def test_kill_before_answer_then_restart_answers_once(fake_tg, fake_rasa, spawn, inbox):
    """Killed while Rasa works on the turn: the update was stored and confirmed to Telegram, nothing was sent.
    After the restart the pending update is processed and answered exactly once."""
    env = {**inbox, "RASA_TIMEOUT": "30", "RASA_RETRY_BUDGET": "30"}
    proc = await spawn(fake_rasa.url, **env)
    release = fake_rasa.hold("tolong jawab")
    await fake_tg.push(fake_tg.text(USER, "tolong jawab"))
    await asyncio.wait_for(fake_rasa.arrived["tolong jawab"].wait(), 20)
    await fake_tg.wait_for(lambda f: not f.pending)      # Telegram considers it delivered
    await proc.kill()
    release.set()                                      # the dead process never reads this answer
    assert fake_tg.texts(USER) == []

    proc2 = await spawn(fake_rasa.url, **env)
    assert await fake_tg.wait_texts(USER, 1, timeout=30) == ["Kamu bilang: tolong jawab"]
    await fake_tg.push(fake_tg.text(USER, "berikutnya"))
    await fake_tg.wait_texts(USER, 2, timeout=30)
    assert await proc2.terminate() == 0
    assert fake_tg.texts(USER) == ["Kamu bilang: tolong jawab", "Kamu bilang: berikutnya"]
    # the killed attempt reached Rasa, the retry did too: Rasa saw the message twice, the user one answer
    assert fake_rasa.messages() == ["tolong jawab", "tolong jawab", "berikutnya"]


async def test_kill_between_messages_resumes_without_asking_rasa_again(fake_tg, fake_rasa, spawn, inbox):
    """Killed while the second message of an answer is being sent: the first (recorded as sent) is not sent
    again, Rasa is not asked again (its answer was recorded), the second is sent (at most twice: the kill
    fell between sending it and recording that it was sent)."""
    env = {**inbox, **webhook_env()}
    proc = await spawn(fake_rasa.url, **env)
    fake_rasa.replies["dua pesan"] = [{"text": "pesan satu", "buttons": [{"title": "Lanjut", "payload": "/menu"}]},
                                      {"text": "pesan dua"}]
    held = fake_tg.hold("sendMessage", lambda p: p.get("text") == "pesan dua")
    await fake_tg.push(fake_tg.text(USER, "dua pesan"))
    await asyncio.wait_for(held.arrived.wait(), 30)
    await proc.kill()
    held.release.set()
    assert fake_tg.texts(USER) == ["pesan satu", "pesan dua"]

    proc2 = await spawn(fake_rasa.url, **env)
    await fake_tg.wait_for(lambda f: len(f.texts(USER)) >= 3, timeout=30)
    await fake_tg.push(fake_tg.text(USER, "selesai"))
    await fake_tg.wait_for(lambda f: "Kamu bilang: selesai" in f.texts(USER), timeout=30)
    assert await proc2.terminate() == 0
    texts = fake_tg.texts(USER)
    assert texts.count("pesan satu") == 1
    assert texts.count("pesan dua") == 2
    assert fake_rasa.messages() == ["dua pesan", "selesai"]


async def test_sigterm_drains_and_leaves_nothing_pending(fake_tg, fake_rasa, spawn, inbox):
    env = {**inbox, "RASA_TIMEOUT": "30", "RASA_RETRY_BUDGET": "30"}
    proc = await spawn(fake_rasa.url, **env)
    release = fake_rasa.hold("pelan")
    await fake_tg.push(fake_tg.text(USER, "pelan"))
    await asyncio.wait_for(fake_rasa.arrived["pelan"].wait(), 20)
    proc.proc.send_signal(15)
    await asyncio.sleep(0.5)
    assert proc.proc.returncode is None
    release.set()
    assert await proc.terminate() == 0
    assert fake_tg.texts(USER) == ["Kamu bilang: pelan"]
    # a new start finds nothing to redo
    proc2 = await spawn(fake_rasa.url, **env)
    await fake_tg.push(fake_tg.text(USER, "lagi"))
    await fake_tg.wait_texts(USER, 2, timeout=30)
    assert await proc2.terminate() == 0
    assert fake_rasa.messages() == ["pelan", "lagi"]
