"""Fixtures for every test: no test leaves its lead store registered for the next one (lingkar.store.provider)."""
from __future__ import annotations

import pytest

from lingkar.store import provide


@pytest.fixture(autouse=True)
def _no_provided_store():
    """Forget the store a test registered with ``lingkar.store.provide`` (the action server's way), if any."""
    yield
    provide(None)
