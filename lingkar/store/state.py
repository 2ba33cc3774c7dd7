"""Key-value state and anonymous counters: run-once keys, single-use tokens, sessions, counters.

Tables: ``app_state``, ``anonymous_counters``.
"""
from __future__ import annotations

from typing import Dict

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lingkar.store.base import (
    Repository,
    _like_escape,
)
from lingkar.store.models import (
    anonymous_counters,
    app_state,
)


class StateRepository(Repository):
    """Key-value state and counters (mixed into :class:`lingkar.store.Store`)."""

    def _bump(self, conn: Connection, name: str, bucket: str, by: int) -> None:
        res = conn.execute(update(anonymous_counters).where(anonymous_counters.c.name == name,
                                                            anonymous_counters.c.bucket == bucket)
                           .values(value=anonymous_counters.c.value + by))
        if res.rowcount == 0:
            if self.dialect == "postgresql":
                conn.execute(text("INSERT INTO anonymous_counters (name, bucket, value) VALUES (:n, :b, :v) "
                                  "ON CONFLICT (name, bucket) DO UPDATE SET value = anonymous_counters.value + :v"),
                             {"n": name, "b": bucket, "v": by})
            else:
                conn.execute(insert(anonymous_counters).values(name=name, bucket=bucket, value=by))

    def bump_counter(self, name: str, bucket: str = "all", by: int = 1) -> None:
        """Add to an anonymous counter (kept forever, no personal data)."""
        with self._tx() as conn:
            self._bump(conn, name, bucket, by)

    def counters(self, name: str | None = None) -> Dict[str, Dict[str, int]]:
        stmt = select(anonymous_counters).order_by(anonymous_counters.c.name, anonymous_counters.c.bucket)
        if name:
            stmt = stmt.where(anonymous_counters.c.name == name)
        out: Dict[str, Dict[str, int]] = {}
        with self._ro() as conn:
            for r in conn.execute(stmt):
                out.setdefault(r.name, {})[r.bucket] = r.value
        return out

    def run_once(self, key: str) -> bool:
        """True exactly once per ``key`` across all processes (e.g. "reminder:2026-11-24")."""
        try:
            with self._tx() as conn:
                conn.execute(insert(app_state).values(key=f"once:{key}"[:128], value=None, updated_at=self.now()))
            return True
        except IntegrityError:
            return False

    def get_state(self, key: str) -> str | None:
        with self._ro() as conn:
            return conn.execute(select(app_state.c.value).where(app_state.c.key == key)).scalar()

    def take_state(self, key: str) -> str | None:
        """Delete ``key`` and return its value, atomically: of callers racing for the same key, exactly
        one gets the value, the others ``None`` (single-use tokens). ``None`` if the key is absent."""
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(app_state.c.value).where(app_state.c.key == key))).first()
            if row is None:
                return None
            res = conn.execute(delete(app_state).where(app_state.c.key == key))
            return row.value if res.rowcount == 1 else None

    def delete_state(self, key: str) -> bool:
        with self._tx() as conn:
            return conn.execute(delete(app_state).where(app_state.c.key == key)).rowcount == 1

    def state_items(self, prefix: str) -> Dict[str, str | None]:
        """Every ``app_state`` entry whose key starts with ``prefix`` (e.g. to purge expired sessions)."""
        stmt = select(app_state.c.key, app_state.c.value).where(
            app_state.c.key.like(_like_escape(prefix) + "%", escape="\\"))
        with self._ro() as conn:
            return {k: v for k, v in conn.execute(stmt)}

    def set_state(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            res = conn.execute(update(app_state).where(app_state.c.key == key)
                               .values(value=value, updated_at=self.now()))
            if res.rowcount == 0:
                conn.execute(insert(app_state).values(key=key, value=value, updated_at=self.now()))
