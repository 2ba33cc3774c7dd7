"""What every test shares.

* The process settings (:mod:`lingkar.settings`) are read afresh for each test. Entry points read the environment
  once; in tests, ``monkeypatch.setenv`` stands for a process started with that environment (the settings are read
  again), and :func:`use_settings` builds the settings from a dict (this environment plus ``overrides``), e.g. to
  move the clock: ``use_settings(LINGKAR_TODAY="2027-04-01")``.
* No test leaves its lead store registered for the next one (:mod:`lingkar.store.provider`).
* :func:`eventually`: wait for something another task does (a webhook the fake API posts) and assert it.
"""
from __future__ import annotations

import asyncio
import os
import time
from typing import Any, Callable

import pytest

from lingkar import settings as lingkar_settings
from lingkar.store import provide


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    """Settings read afresh for each test; a ``monkeypatch.setenv``/``delenv`` in a test stands for a process started
    with that environment, so the settings are read again at their next use."""
    lingkar_settings.reset()
    for name in ("setenv", "delenv"):
        def then_reset(*args, _change=getattr(monkeypatch, name), **kwargs):
            _change(*args, **kwargs)
            lingkar_settings.reset()
        setattr(monkeypatch, name, then_reset)
    yield
    lingkar_settings.reset()


@pytest.fixture(autouse=True)
def _no_provided_store():
    """Forget the store a test registered with ``lingkar.store.provide`` (the action server's way), if any."""
    yield
    provide(None)


def use_settings(**overrides: str) -> lingkar_settings.Settings:
    """Make this environment plus ``overrides`` the process settings (for the rest of the test)."""
    return lingkar_settings.configure(lingkar_settings.Settings.from_env({**os.environ, **overrides}))


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> None:
    """Wait until ``check()`` is true (something another task or process does), then assert it."""
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert check()
