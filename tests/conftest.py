"""What every test shares: the process settings (:mod:`lingkar.settings`) are read afresh for each test.

Entry points read the environment once; in tests, ``monkeypatch.setenv`` before the first use still counts, and
:func:`use_settings` builds the settings from a dict (this environment plus ``overrides``) mid-test, e.g. to move
the clock: ``use_settings(LINGKAR_TODAY="2027-04-01")``.
"""
from __future__ import annotations

import os

import pytest

from lingkar import settings as lingkar_settings


@pytest.fixture(autouse=True)
def fresh_settings():
    lingkar_settings.reset()
    yield
    lingkar_settings.reset()


def use_settings(**overrides: str) -> lingkar_settings.Settings:
    """Make this environment plus ``overrides`` the process settings (for the rest of the test)."""
    return lingkar_settings.configure(lingkar_settings.Settings.from_env({**os.environ, **overrides}))
