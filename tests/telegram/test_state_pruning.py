"""Issue 9: the SQLite backend of the adapter's store sweeps expired state while it runs, not only when it opens
(a long-running adapter must not keep finished updates, stale callback payloads and expired flags for ever)."""
from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.telegram.inbox import DEDUPE_TTL, PAYLOAD_TTL, SQLiteInbox


def _count(path, sql: str) -> int:
    db = sqlite3.connect(str(path))
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


async def test_sqlite_store_prunes_expired_state_periodically_without_a_restart(tmp_path):
    path = tmp_path / "tg.db"
    store = SQLiteInbox(path, prune_interval=0.3)
    await store.open()
    try:
        await store.set_flag("edited:1", "1", ttl=0.1)
        await store.set_flag("contact_kb:1", "1")                      # no TTL: stays
        old = time.time() - DEDUPE_TTL - 60
        store.db.execute("INSERT INTO inbox (update_id, chat_key, payload, received_at, done_at) "
                         "VALUES (1, '', '{}', ?, ?)", (old, old))
        store.db.execute("INSERT INTO callback_payloads (token, payload, last_used) VALUES ('t', '/x', ?)",
                         (time.time() - PAYLOAD_TTL - 60,))
        await store.put(2, "c1", {"update_id": 2})                    # pending: never pruned
        await asyncio.sleep(0.5)
        assert await store.fetch(10, 0) != []                          # the adapter keeps working ...
        assert _count(path, "SELECT COUNT(*) FROM flags") == 1         # ... and expired state went meanwhile
        assert _count(path, "SELECT COUNT(*) FROM inbox WHERE update_id = 1") == 0
        assert _count(path, "SELECT COUNT(*) FROM callback_payloads") == 0
        assert _count(path, "SELECT COUNT(*) FROM inbox WHERE update_id = 2") == 1
    finally:
        await store.close()
