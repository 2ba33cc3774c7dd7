"""How a process obtains its lead store: the one documented way.

Entry points create the store with :func:`open_store` and pass it down; tests create or inject their own.

- The Telegram adapter's plugins (``TELEGRAM_PLUGINS=bot.staff.plugin:setup_all``), the standalone notifier
  (``python -m bot.staff``) and the dashboard (``python -m bot.dashboard``): their entry function calls
  :func:`open_store` and hands the store to the plugins, notifier or app through the constructor.
- The rasa-sdk action server instantiates the Action classes itself, so nothing can be passed to them: its entry
  point (``bot.action_server``) registers the process's store once with :func:`provide`, and actions read it with
  :func:`current`. Tests of actions call ``provide(their_store)`` (and ``provide(None)`` afterwards).

:func:`current` without a registered store opens the one for ``DATABASE_URL`` on first use (so ``rasa run
actions`` works as well). A store registered with ``migrate=True`` is upgraded to the newest schema on the first
:func:`current` that finds the database reachable: an action server started while the database is down still
answers, and saves again once it is back.
"""
from __future__ import annotations

import threading

from lingkar import settings
from lingkar.store.db import normalize_url
from lingkar.store.store import Store

__all__ = ["current", "database_url", "open_store", "provide"]

_lock = threading.Lock()
_store: Store | None = None
_pending_migration = False


def database_url() -> str:
    """DATABASE_URL of this process's settings (:mod:`lingkar.settings`), else the SQLite file under var/."""
    return normalize_url(settings.current().database_url)


def open_store(url: str | None = None, migrate: bool = True) -> Store:
    """A new store for ``url`` (default ``DATABASE_URL``, else the SQLite file under var/), upgraded to the
    newest schema unless ``migrate=False``. What entry points call once."""
    store = Store(normalize_url(url or database_url()))
    if migrate:
        store.migrate()
    return store


def provide(store: Store | None, *, migrate: bool = False) -> Store | None:
    """Register ``store`` as the process's store for :func:`current` (``None`` forgets it). With ``migrate=True``
    the schema is upgraded on first use rather than now."""
    global _store, _pending_migration
    with _lock:
        _store, _pending_migration = store, bool(store is not None and migrate)
    return store


def current() -> Store:
    """The registered store (see :func:`provide`); without one, the store for ``DATABASE_URL``, opened, migrated
    and registered on first use. Raises what the database raises when it cannot be reached."""
    global _store, _pending_migration
    with _lock:
        if _store is None:
            _store = open_store()
        elif _pending_migration:
            _store.migrate()
            _pending_migration = False
        return _store
