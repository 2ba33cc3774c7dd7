"""Paths and URLs of the domain core, as module attributes, from the one settings object.

``config.CONTENT_DIR``, ``VAR_DIR``, ``DATABASE_URL``, ``REDIS_URL``, ``TIMEZONE`` and ``TODAY_OVERRIDE`` are
:func:`lingkar.settings.current` fields under their old names (read when asked, never from the environment here);
new code reads :mod:`lingkar.settings` and :mod:`lingkar.clock` directly.
"""
from __future__ import annotations

from lingkar.settings import current

_FIELDS = {"CONTENT_DIR": "content_dir", "VAR_DIR": "var_dir", "DATABASE_URL": "database_url",
           "REDIS_URL": "redis_url", "TIMEZONE": "timezone", "TODAY_OVERRIDE": "today"}


def __getattr__(name: str):
    if name in _FIELDS:
        return getattr(current(), _FIELDS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
