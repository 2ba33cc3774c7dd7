"""Redis restarted without its data (found by the chaos suite, docs/chaos.md): the adapter must go on reading its
inbox. Before the fix, the consumer group vanished with the stream and every later read failed with NOGROUP, so
every update stored after the restart was confirmed to Telegram and never answered."""
from __future__ import annotations

import redis.asyncio as aioredis

from bot.telegram.inbox import RedisInbox


async def test_inbox_is_read_again_after_redis_lost_its_data(redis_url):
    url, prefix = redis_url.split("|")
    store = RedisInbox(url, prefix, "c1")
    await store.open()
    r = aioredis.from_url(url, decode_responses=True)
    try:
        await store.put(1, "c1", {"update_id": 1})
        (first,) = await store.fetch(10, block=0)
        await store.ack(first)
        # Redis comes back empty: every key of the adapter is gone, the inbox's consumer group with it
        keys = [k async for k in r.scan_iter(match=prefix + "*")]
        await r.delete(*keys)
        assert await store.put(2, "c1", {"update_id": 2}) is True
        (second,) = await store.fetch(10, block=0)
        assert (second.update_id, second.raw) == (2, {"update_id": 2})
        await store.ack(second)
        assert await store.fetch(10, block=0) == []
    finally:
        await r.close()
        await store.close()


async def test_updates_stored_but_not_yet_read_survive_redis_losing_its_data(redis_url):
    """Updates confirmed to Telegram (stored) but not yet claimed by a consumer when Redis comes back empty:
    the adapter that received them still holds them and stores them again, each one exactly once, in order;
    an update already claimed before the wipe is not stored again (it is in flight and finishes on its own)."""
    url, prefix = redis_url.split("|")
    store = RedisInbox(url, prefix, "c1")
    await store.open()
    r = aioredis.from_url(url, decode_responses=True)
    try:
        assert await store.put(10, "a", {"update_id": 10}) is True
        (claimed,) = await store.fetch(1, block=0)
        for uid, chat in ((11, "a"), (12, "b"), (13, "a")):
            assert await store.put(uid, chat, {"update_id": uid}) is True
        keys = [k async for k in r.scan_iter(match=prefix + "*")]
        await r.delete(*keys)          # Redis restarted without persistence
        assert await store.put(14, "b", {"update_id": 14}) is True   # the webhook stores first, no group yet
        await store.ack(claimed)
        seen = []
        for _ in range(5):
            for e in await store.fetch(10, block=0):
                seen.append(e.update_id)
                assert e.raw == {"update_id": e.update_id}
                await store.ack(e)
        assert claimed.update_id == 10
        assert sorted(seen) == [11, 12, 13, 14]
        assert [u for u in seen if u != 14] == [11, 12, 13]
        assert await store.put(12, "b", {"update_id": 12}) is False  # its de-duplication key is back too
    finally:
        await r.close()
        await store.close()


async def test_an_update_claimed_by_another_replica_is_not_stored_again_after_a_wipe(redis_url):
    """Two replicas share the inbox: what replica B claimed of A's updates is in flight at B, so A must not store
    it again when Redis comes back empty (it would be answered twice); A's unclaimed one is stored again."""
    url, prefix = redis_url.split("|")
    a, b = RedisInbox(url, prefix, "a"), RedisInbox(url, prefix, "b")
    await a.open()
    await b.open()
    r = aioredis.from_url(url, decode_responses=True)
    try:
        for uid in (1, 2, 3):
            assert await a.put(uid, f"c{uid}", {"update_id": uid}) is True
        (at_b,) = await b.fetch(1, block=0)
        (at_a,) = await a.fetch(1, block=0)   # A claims 2 and sees on the group that 1 was claimed (by B)
        keys = [k async for k in r.scan_iter(match=prefix + "*")]
        await r.delete(*keys)
        await b.ack(at_b)
        await a.ack(at_a)
        seen = []
        for _ in range(3):
            for store in (b, a):
                for e in await store.fetch(10, block=0):
                    seen.append(e.update_id)
                    await store.ack(e)
        assert (at_b.update_id, at_a.update_id, seen) == (1, 2, [3])
    finally:
        await r.close()
        await a.close()
        await b.close()
