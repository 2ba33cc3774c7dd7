"""Throw-away databases for the tests: a SQLite file or a real PostgreSQL database, and the store on them.

Used by tests/store/conftest.py, tests/staff/fixtures.py (tests/staff, tests/agents, tests/dashboard, and
tests/infra/test_compose.py) and tests/eligibility/conftest.py; a conftest imports the fixtures it offers by name.

PostgreSQL: the server at $TEST_PG_HOST:$TEST_PG_PORT (default 127.0.0.1:5432, user postgres, trust auth), or
$TEST_PG_ADMIN_URL. Each test directory creates its databases with random names for the test session and drops
them afterwards. If PostgreSQL is installed but not reachable the tests FAIL; only when no PostgreSQL binary
exists on this machine are they skipped, with a loud message.

* ``pg_databases`` (session): a :class:`PgDatabases` that creates databases and drops them all at the end.
* ``pg_url`` (session): one migrated PostgreSQL database; tests empty it before use (:func:`truncate_pg`).
* :data:`BACKENDS`: the parameters of a fixture that runs a test on both (``sqlite``, ``postgres``);
  :func:`fresh_db_url` gives an empty database of the requested one.
* ``clock``: a :class:`FakeClock` (2026-11-24 10:00 WITA, moved by hand); ``store``: a :class:`Store` on the
  ``db_url`` fixture of the importing directory with that clock; ``any_store``: a store on each backend.
"""
from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sys
import threading
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from lingkar.store import Store
from lingkar.store.models import metadata

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_PG_PORT", "5432")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_installed() -> bool:
    return bool(shutil.which("postgres") or shutil.which("pg_ctl") or shutil.which("pg_ctlcluster")
                or glob.glob("/usr/lib/postgresql/*/bin/postgres"))


def loud_skip(reason: str):
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
    """Creates databases named lingkar_test_<random>_<n> and drops them all at the end."""

    def __init__(self, admin_url: str = PG_ADMIN_URL):
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
        self.names: list[str] = []
        self.tag = uuid.uuid4().hex[:10]

    def create(self) -> str:
        name = f"lingkar_test_{self.tag}_{len(self.names)}"
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


def migrated(url: str) -> str:
    """``url``, its database upgraded to the newest schema."""
    s = Store(url)
    s.migrate()
    s.dispose()
    return url


def truncate_pg(url: str) -> None:
    """Empty every table of a migrated PostgreSQL database."""
    engine = create_engine(url, future=True)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def sqlite_file_url(tmp_path: Path, name: str = "lingkar.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path, name: str = "lingkar.db",
                 migrate: bool = True) -> str:
    """An empty database of the backend ``request.param`` (:data:`BACKENDS`): a new SQLite file ``name`` under
    ``tmp_path`` (migrated unless ``migrate=False``), or the session's PostgreSQL database (``pg_url``), emptied."""
    if request.param == "sqlite":
        url = sqlite_file_url(tmp_path, name)
        return migrated(url) if migrate else url
    url = request.getfixturevalue("pg_url")
    truncate_pg(url)
    return url


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    """Throw-away PostgreSQL databases, dropped at the end of the session (FAIL if PostgreSQL is installed but
    down, loud SKIP if it is not installed)."""
    if not pg_installed():
        loud_skip("PostgreSQL is not installed on this machine: the PostgreSQL test cases are SKIPPED")
    dbs = PgDatabases()
    try:
        with dbs.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # installed but down: that is a failure, not a skip
        pytest.fail(f"PostgreSQL is installed but not reachable at {PG_ADMIN_URL}: {exc} "
                    "(start it with `make services`)")
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def pg_url(pg_databases) -> str:
    """One migrated PostgreSQL database for the session; tests empty it before use."""
    return migrated(pg_databases.create())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db_url, clock) -> Iterator[Store]:
    s = Store(db_url, clock=clock)
    yield s
    s.dispose()


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path) -> Iterator[Store]:
    """A migrated, empty store on each backend (``sqlite``, ``postgres``) with the real clock: for tests outside
    tests/store that need one beside something else (a channel against its fake API)."""
    s = Store(fresh_db_url(request, tmp_path, "any.db"))
    yield s
    s.dispose()
