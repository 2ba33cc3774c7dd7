"""Alembic environment for the lead store (configured from code: see lingkar/store/migrate.py).

migrations/ is deliberately not a Python package: rasa-sdk imports every submodule of `actions`
at start, and this file only works when Alembic runs it.

The connection comes from ``config.attributes["connection"]`` (already inside a transaction that
holds the migration lock); without one, an engine is made from ``sqlalchemy.url``.
"""
from __future__ import annotations

from alembic import context

from lingkar.store.db import make_engine
from lingkar.store.models import metadata

config = context.config


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
