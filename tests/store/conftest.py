"""Fixtures for the lead store: a migrated store on SQLite (temp file) and on a real PostgreSQL.

The databases come from tests/fixtures_db.py: a throw-away PostgreSQL database for the test session, dropped
afterwards. If PostgreSQL is installed but not reachable the tests FAIL; only when no PostgreSQL binary exists on
this machine are they skipped, with a loud message.
"""
from __future__ import annotations

import pytest

from tests.fixtures_db import BACKENDS, clock, fresh_db_url, pg_databases, pg_url, store  # noqa: F401  (fixtures)


@pytest.fixture
def db_url(request, tmp_path):
    """A URL of a migrated, empty database of the requested backend (``backend`` param)."""
    return fresh_db_url(request, tmp_path, "leads.db")


@pytest.fixture
def empty_db_url(request, tmp_path):
    """A URL of a brand-new database with no tables at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_databases").create()


def pytest_generate_tests(metafunc):
    for name in ("db_url", "empty_db_url"):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, BACKENDS, indirect=True)
            break
