"""One way to open the channels' local SQLite files (the inbox, WhatsApp's contact state): WAL, a busy timeout, the
schema created if missing. Used when ``REDIS_URL`` is not set (``make run``)."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def open_sqlite(path: Path, schema: str) -> sqlite3.Connection:
    """A connection to ``path`` (its folder created) usable from the event loop and worker threads, in autocommit
    mode, with ``schema`` (``CREATE … IF NOT EXISTS`` statements) applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    db.executescript(schema)
    return db
