"""Alembic, configured from code: no alembic.ini needed.

``upgrade(engine)`` runs inside one transaction that first takes a migration lock (PostgreSQL:
an advisory lock; SQLite: ``BEGIN IMMEDIATE``), so processes starting at the same time (action
server, Telegram adapter, dashboard) upgrade the schema once and the others just find it at head.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import List

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Arbitrary constant key of the PostgreSQL advisory lock held while migrating.
_PG_MIGRATION_LOCK = 7_401_2026


def alembic_config(url: str | None = None, stdout=None) -> Config:
    cfg = Config(stdout=stdout or io.StringIO())
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revisions() -> List[dict]:
    """Every revision, oldest first: id, parent and the first line of its description."""
    script = ScriptDirectory.from_config(alembic_config())
    out = [{"revision": s.revision, "down_revision": s.down_revision, "doc": (s.doc or "").splitlines()[0]}
           for s in script.walk_revisions()]
    return list(reversed(out))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(engine: Engine, fn, *args) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        cfg.attributes["connection"] = conn
        fn(cfg, *args)


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)
