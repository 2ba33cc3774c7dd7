"""Fixtures for the lead store: a migrated store on SQLite (temp file) and on a real PostgreSQL.

PostgreSQL: the server at $TEST_PG_HOST:$TEST_PG_PORT (default 127.0.0.1:5432, user postgres,
trust auth). A throw-away database with a random name is created for the test session and
dropped afterwards. If PostgreSQL is installed but not reachable the tests FAIL; only when no
PostgreSQL binary exists on this machine are they skipped, with a loud message.
"""
from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sys
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text

from actions.store import Store
from actions.store.models import metadata

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_PG_PORT", "5432")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres")
SESSION_TAG = uuid.uuid4().hex[:10]
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_installed() -> bool:
    return bool(shutil.which("postgres") or shutil.which("pg_ctl") or shutil.which("pg_ctlcluster")
                or glob.glob("/usr/lib/postgresql/*/bin/postgres"))


def _loud_skip(reason: str):
    bar = "!" * 78
    sys.stderr.write(f"\n{bar}\n!!! {reason}\n{bar}\n")
    pytest.skip(reason)


class FakeClock:
    """The store's clock, moved by hand: lease expiry and lead age without sleeping."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.timezone.utc)):
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(**delta)
            return self._now


class PgDatabases:
    """Creates databases named lingkar_test_<session>_<n> and drops them all at the end."""

    def __init__(self, admin_url: str):
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
        self.names: list[str] = []

    def create(self) -> str:
        name = f"lingkar_test_{SESSION_TAG}_{len(self.names)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases():
    if not pg_installed():
        _loud_skip("PostgreSQL is not installed on this machine: the PostgreSQL lead-store tests are SKIPPED")
    dbs = PgDatabases(PG_ADMIN_URL)
    try:
        with dbs.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # installed but down: that is a failure, not a skip
        pytest.fail(f"PostgreSQL is installed but not reachable at {PG_ADMIN_URL}: {exc} "
                    "(start it with `make services`)")
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def pg_store_url(pg_databases):
    """One migrated PostgreSQL database for the session; tables are emptied before each test."""
    url = pg_databases.create()
    s = Store(url)
    s.migrate()
    s.dispose()
    return url


@pytest.fixture
def clock():
    return FakeClock()


def _truncate_pg(url: str) -> None:
    engine = create_engine(url, future=True)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_url(request, tmp_path):
    """A URL of a migrated, empty database of the requested backend (``backend`` param)."""
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'leads.db'}"
        s = Store(url)
        s.migrate()
        s.dispose()
        return url
    url = request.getfixturevalue("pg_store_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def empty_db_url(request, tmp_path):
    """A URL of a brand-new database with no tables at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_databases").create()


@pytest.fixture
def store(db_url, clock):
    s = Store(db_url, clock=clock)
    yield s
    s.dispose()


def pytest_generate_tests(metafunc):
    for name in ("db_url", "empty_db_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, BACKENDS, indirect=True)
            break
