"""What every repository of the lead store shares: the errors, the session and transaction helpers, and
small value helpers.

Each concern of the store is a repository module (leads.py, outbox.py, ...) whose class is a mixin over
:class:`Repository`; :class:`lingkar.store.Store` combines them over one engine. A repository method opens
its own transaction with :meth:`Repository._tx` (writes) or :meth:`Repository._ro` (reads: a deferred,
read-only transaction on SQLite) and may call the private helpers of the other repositories inside it
(``_audit``, ``_outbox``, ``_event``), so one request is one transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, List, Union
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, Engine

from lingkar.store.db import READONLY

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
#: A lead's reference: "LK-" and six characters of that alphabet (32**6, about a billion: not guessable by
#: counting, and nothing about how many leads exist). Also written by migration 0003.
REFERENCE_PREFIX = "LK-"
REFERENCE_LENGTH = 6


class StoreError(Exception):
    """Base class of the store's errors."""


class NotFound(StoreError, LookupError):
    pass


class LeadValidationError(StoreError, ValueError):
    """A lead field is missing or malformed. ``message`` is Indonesian and says what to fix."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


class SelfDecisionError(StoreError):
    """A staff member tried to decide their own agent application."""


class AgentCooldownError(LeadValidationError):
    """An applicant was rejected recently and may apply again only from ``until``."""

    def __init__(self, until: dt.datetime):
        super().__init__("cooldown", "Lamaran Anda baru saja diputuskan; Anda bisa mendaftar lagi nanti.")
        self.until = until


class LeadClaimedError(StoreError):
    """Someone else already claimed the lead (pass ``force=True`` to take it over)."""

    def __init__(self, lead_id: int, claimed_by: str):
        super().__init__(f"lead {lead_id} is claimed by {claimed_by}")
        self.lead_id = lead_id
        self.claimed_by = claimed_by



def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _lock_key(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _clean(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s[:limit] or None


def _as_list(value: Union[None, str, Iterable[str]]) -> List[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _telegram_id(sender_id: str) -> int | None:
    """12345 from "telegram:12345" (the adapter's sender ids); None for other channels."""
    if not sender_id:
        return None
    prefix, _, rest = str(sender_id).partition(":")
    if prefix == "telegram" and rest.lstrip("-").isdigit():
        return int(rest)
    return None


def _channel_of(sender_id: str) -> str | None:
    prefix, sep, _ = str(sender_id).partition(":")
    return prefix if sep else None


class Repository:
    """The session and transaction helpers every repository uses; :class:`lingkar.store.Store` sets the fields."""

    url: str
    engine: Engine
    dialect: str
    _clock: Callable[[], dt.datetime]
    _salt: str | None
    _zone: ZoneInfo

    def now(self) -> dt.datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return timezone-aware datetimes")
        return now.astimezone(dt.timezone.utc)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _ro(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{READONLY: True})
            with conn.begin():
                yield conn

    def _for_update(self, stmt):
        return stmt.with_for_update() if self.dialect == "postgresql" else stmt

    def _advisory_lock(self, conn: Connection, *keys: int) -> None:
        if self.dialect == "postgresql":
            for key in sorted(set(keys)):  # always the same order: no deadlocks between two requests
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def _insert_id(self, conn: Connection, table, row: Dict[str, Any]) -> int:
        return conn.execute(insert(table).values(**row)).inserted_primary_key[0]
