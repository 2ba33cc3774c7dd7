"""Engines for the lead store: SQLite (WAL, busy timeout, foreign keys) or PostgreSQL.

SQLite transactions that write start with ``BEGIN IMMEDIATE`` so two writers never both read and
then try to upgrade to a write lock (which SQLite answers with "database is locked"): the second
simply waits up to the busy timeout. Read-only work uses a plain deferred ``BEGIN`` (see
:data:`READONLY`), so readers never block each other in WAL mode.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import DateTime, TypeDecorator

#: Seconds a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT = 30
#: Execution option that marks a connection's transactions as read-only (SQLite: deferred BEGIN).
READONLY = "lingkar_readonly"


def normalize_url(url: str) -> str:
    """Accept the ``postgres://`` spelling some hosts hand out; everything else unchanged."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def make_engine(url: str, echo: bool = False) -> Engine:
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, echo)
    return create_engine(u, future=True, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_engine(u, echo: bool) -> Engine:
    memory = u.database in (None, "", ":memory:")
    kwargs = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}}
    if memory:
        kwargs["poolclass"] = StaticPool  # one shared connection, or every checkout sees an empty DB
    else:
        Path(u.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(u, future=True, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            _set_wal(cur)
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READONLY) else "BEGIN IMMEDIATE")

    return engine


def _set_wal(cur) -> None:
    """Switch to WAL. On a brand-new file, processes connecting at the same moment race for this switch and
    SQLite answers "database is locked" without waiting for the busy timeout: retry until it passes."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps them as naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC datetimes")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
