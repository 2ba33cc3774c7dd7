"""The core inbox for channels whose messages have string ids (WhatsApp wamids): de-duplication on the string,
sequence numbers assigned in order, per-channel namespaces, string user keys."""
from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import redis.asyncio as aioredis

from bot.core.inbox import RedisInbox, SQLiteInbox, inbox_prefix, make_inbox


def _open(backend, **kw):
    kind, where = backend
    if kind == "sqlite":
        return SQLiteInbox(where, **kw)
    url, prefix = where.split("|")
    return RedisInbox(url, prefix, "c1", **kw)


async def test_keyed_put_dedupes_on_the_string_and_numbers_in_arrival_order(backend):
    store = _open(backend)
    await store.open()
    try:
        assert await store.put_keyed("wamid.A", "w628111", {"id": "wamid.A"}) is True
        assert await store.put_keyed("wamid.B", "w628222", {"id": "wamid.B"}) is True
        assert await store.put_keyed("wamid.A", "w628111", {"id": "wamid.A"}) is False   # WhatsApp's retry
        assert await store.put_keyed("wamid.C", "w628111", {"id": "wamid.C"}) is True
        entries = await store.fetch(10, block=0)
        assert [e.raw["id"] for e in entries] == ["wamid.A", "wamid.B", "wamid.C"]
        seqs = [e.update_id for e in entries]
        assert seqs == sorted(seqs) and len(set(seqs)) == 3
        for e in entries:
            await store.ack(e)
        # still refused after it was answered (and after a restart: a new object on the same store)
        await store.close()
        store = _open(backend)
        await store.open()
        assert await store.put_keyed("wamid.A", "w628111", {"id": "wamid.A"}) is False
        assert await store.put_keyed("wamid.D", "w628111", {"id": "wamid.D"}) is True
        (d,) = await store.fetch(10, block=0)
        assert d.update_id > max(seqs)
        # progress is per sequence number, as for Telegram updates
        await store.set_progress(d.update_id, "plan", {"x": 1})
        assert await store.progress(d.update_id) == {"plan": {"x": 1}}
    finally:
        await store.close()


async def test_keyed_dedupe_window_is_configurable(backend):
    store = _open(backend, keyed_ttl=1)
    await store.open()
    try:
        assert await store.put_keyed("wamid.X", "w1", {"n": 1}) is True
        assert await store.put_keyed("wamid.X", "w1", {"n": 1}) is False
        time.sleep(2.1)
        assert await store.put_keyed("wamid.X", "w1", {"n": 2}) is True
    finally:
        await store.close()


async def test_string_user_keys_keep_the_first_referral(backend):
    store = _open(backend)
    await store.open()
    try:
        rec = await store.touch_user("whatsapp:628111", None)
        assert rec.new and rec.referral is None
        rec = await store.touch_user("whatsapp:628111", "K7M2QX")
        assert not rec.new and rec.referral == "K7M2QX"
        rec = await store.touch_user("whatsapp:628111", "OTHER1")
        assert rec.referral == "K7M2QX"
        assert (await store.touch_user(628111, None)).new      # a Telegram int id is another person
        await store.forget_user("whatsapp:628111", "628111", chat_keys=["w628111"])
        assert await store.user("whatsapp:628111") is None
        assert await store.user(628111) is not None
    finally:
        await store.close()


async def test_redis_keyed_numbers_never_restart_below_numbers_in_use_after_a_wipe(redis_url_core):
    url, prefix = redis_url_core.split("|")
    store = RedisInbox(url, prefix, "c1")
    await store.open()
    r = aioredis.from_url(url, decode_responses=True)
    try:
        await store.put_keyed("wamid.1", "w1", {"n": 1})
        (first,) = await store.fetch(10, block=0)
        keys = [k async for k in r.scan_iter(match=prefix + "*")]
        await r.delete(*keys)
        await store.put_keyed("wamid.2", "w1", {"n": 2})
        (second,) = await store.fetch(10, block=0)
        assert second.update_id > first.update_id
    finally:
        await r.close()
        await store.close()


def test_channel_namespaces(tmp_path: Path):
    s = SimpleNamespace(redis_url="", consumer="x", var_dir=tmp_path, redis_prefix="lingkar:tg:",
                        sqlite_path=tmp_path / "telegram.db")
    assert inbox_prefix("telegram") == "lingkar:tg:" and inbox_prefix("whatsapp") == "lingkar:whatsapp:"
    assert make_inbox(s).path == tmp_path / "telegram.db"
    assert make_inbox(s, "whatsapp").path == tmp_path / "whatsapp.db"
    s.redis_url = "redis://localhost:6379/0"
    assert make_inbox(s).prefix == "lingkar:tg:"
    assert make_inbox(s, "whatsapp").prefix == "lingkar:whatsapp:"
