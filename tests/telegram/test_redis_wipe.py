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
