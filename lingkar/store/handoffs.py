"""Handoffs: a person asked to talk to a human.

Table: ``handoffs`` (plus an outbox, audit and funnel event per request).
"""
from __future__ import annotations

from typing import List

from sqlalchemy import select, update

from lingkar.store.base import (
    NotFound,
    Repository,
    _clean,
    _lock_key,
)
from lingkar.store.models import (
    HANDOFF_STATUSES,
    handoffs,
)
from lingkar.store.records import Handoff


class HandoffRepository(Repository):
    """Handoff requests and their status (mixed into :class:`lingkar.store.Store`)."""

    def record_handoff(self, sender_id: str, channel: str, referral: str | None = None,
                       topic: str | None = None) -> Handoff:
        """A person asked to talk to a human. Staff are told through the outbox (``handoff.requested``).

        One open request per sender: asking again while one is open updates it (its topic, if a new one is
        given, and ``updated_at``), with no new row, outbox event or funnel event."""
        now = self.now()
        referral = _clean(referral, 64)
        referral = referral.upper() if referral else None
        with self._tx() as conn:
            self._advisory_lock(conn, _lock_key("handoff", sender_id))
            open_row = conn.execute(self._for_update(
                select(handoffs).where(handoffs.c.sender_id == sender_id, handoffs.c.status == "open")
                .order_by(handoffs.c.id.desc()))).first()
            if open_row is not None:
                values = {"updated_at": now}
                if _clean(topic, 2000):
                    values["topic"] = _clean(topic, 2000)
                conn.execute(update(handoffs).where(handoffs.c.id == open_row.id).values(**values))
                self._bump(conn, "handoff_repeated", now.date().isoformat(), 1)
                r = conn.execute(select(handoffs).where(handoffs.c.id == open_row.id)).first()
                return Handoff(**dict(r._mapping))
            row = {"sender_id": sender_id, "channel": channel, "referral": referral, "topic": _clean(topic, 2000),
                   "status": "open", "handled_by": None, "created_at": now, "updated_at": now}
            hid = self._insert_id(conn, handoffs, row)
            self._outbox(conn, "handoff.requested", {"handoff_id": hid, "channel": channel, "referral": referral},
                         handoff_id=hid)
            self._event(conn, "handoff_requested", now=now, channel=channel, sender_id=sender_id,
                        agent_code=referral)
            return Handoff(id=hid, **row)

    def list_handoffs(self, status: str | None = "open", limit: int = 100) -> List[Handoff]:
        stmt = select(handoffs).order_by(handoffs.c.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(handoffs.c.status == status)
        with self._ro() as conn:
            return [Handoff(**dict(r._mapping)) for r in conn.execute(stmt)]

    def get_handoff(self, handoff_id: int) -> Handoff | None:
        with self._ro() as conn:
            r = conn.execute(select(handoffs).where(handoffs.c.id == int(handoff_id))).first()
            return Handoff(**dict(r._mapping)) if r else None

    def set_handoff_status(self, handoff_id: int, status: str, actor: str) -> Handoff:
        if status not in HANDOFF_STATUSES:
            raise ValueError(f"unknown handoff status {status!r}")
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(handoffs).where(handoffs.c.id == int(handoff_id))
                               .values(status=status, handled_by=actor, updated_at=now))
            if res.rowcount != 1:
                raise NotFound(f"handoff {handoff_id} does not exist")
            self._audit(conn, actor, "handoff.status", "handoff", handoff_id, {"to": status})
            r = conn.execute(select(handoffs).where(handoffs.c.id == int(handoff_id))).first()
            return Handoff(**dict(r._mapping))
