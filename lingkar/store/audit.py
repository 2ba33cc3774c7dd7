"""The audit log: who did what to which lead, handoff, agent or staff user.

Table: ``audit_log``. Every write that staff or a person makes adds an entry in its own transaction.
"""
from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from lingkar.store.base import Repository
from lingkar.store.models import audit_log
from lingkar.store.records import AuditEntry


class AuditRepository(Repository):
    """Audit entries (mixed into :class:`lingkar.store.Store`)."""

    def audit_entries(self, target_type: str | None = None, target_id: Any = None, actor: str | None = None,
                      limit: int = 200) -> List[AuditEntry]:
        stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if target_type:
            stmt = stmt.where(audit_log.c.target_type == target_type)
        if target_id is not None:
            stmt = stmt.where(audit_log.c.target_id == str(target_id))
        if actor:
            stmt = stmt.where(audit_log.c.actor == actor)
        with self._ro() as conn:
            return [AuditEntry(**dict(r._mapping)) for r in conn.execute(stmt)]

    def _audit(self, conn: Connection, actor: str, action: str, target_type: str, target_id: Any,
               details: Dict[str, Any] | None) -> None:
        conn.execute(insert(audit_log).values(actor=actor, action=action, target_type=target_type,
                                              target_id=None if target_id is None else str(target_id),
                                              details=details, created_at=self.now()))

    @staticmethod
    def _actor(actor: str) -> str:
        actor = (str(actor).strip() if actor is not None else "")[:64]
        if not actor:
            raise ValueError("an actor (who does this) is required")
        return actor
