"""Agents: applications, decisions and the referral codes agents share.

Table: ``agents``.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, Iterable, List, Union

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lingkar.identity import check_phone
from lingkar.store.base import (
    _CODE_ALPHABET,
    AgentCooldownError,
    LeadValidationError,
    NotFound,
    Repository,
    SelfDecisionError,
    StoreError,
    _as_list,
    _clean,
    _lock_key,
)
from lingkar.store.models import (
    AGENT_STATUSES,
    agents,
)
from lingkar.store.records import Agent

#: How long a rejected applicant waits before applying again (``AGENT_REAPPLY_COOLDOWN_DAYS``, see bot/config.py).
AGENT_REAPPLY_COOLDOWN = dt.timedelta(days=7)


class AgentRepository(Repository):
    """Agent applications and lookups (mixed into :class:`lingkar.store.Store`)."""

    def apply_agent(self, *, telegram_user_id: int, name: str, organisation: str | None, regency: str | None,
                    phone: str, consent_version: str, consent_at: dt.datetime | None = None,
                    cooldown: dt.timedelta = AGENT_REAPPLY_COOLDOWN) -> Agent:
        """A person applies to be an Agen Perisai (status ``applied``; staff decide).

        An applicant who was made inactive may apply again, one who was rejected once ``cooldown`` has
        passed since the decision (else :class:`AgentCooldownError`); an approved agent's record is
        returned unchanged. Writes ``agent.applied`` to the outbox for the staff group.
        """
        name_c = _clean(name, 200)
        if not name_c:
            raise LeadValidationError("name", "Nama belum diisi. Tulis nama lengkap Anda, ya.")
        check = check_phone(phone)
        if not check.ok:
            raise LeadValidationError("phone", check.message)
        if not consent_version:
            raise LeadValidationError("consent", "Data pribadi hanya disimpan setelah ada persetujuan.")
        now = self.now()
        consent_at = (consent_at or now).astimezone(dt.timezone.utc)
        fields = {"name": name_c, "organisation": _clean(organisation, 200), "regency": _clean(regency, 100),
                  "phone": check.e164, "consent_at": consent_at, "consent_version": str(consent_version)[:32]}
        tid = int(telegram_user_id)
        for _attempt in range(5):
            try:
                with self._tx() as conn:
                    self._advisory_lock(conn, _lock_key("agent", str(tid)))
                    row = conn.execute(self._for_update(select(agents).where(agents.c.telegram_user_id == tid))).first()
                    if row is not None and row.status == "approved":
                        return Agent(**dict(row._mapping))
                    until = self._cooldown_until(row, cooldown)
                    if until is not None and now < until:
                        raise AgentCooldownError(until)
                    if row is None:
                        agent_id = self._insert_id(conn, agents, dict(
                            fields, code=self._new_code(conn), telegram_user_id=tid, status="applied",
                            applied_at=now, created_at=now, updated_at=now))
                    else:
                        agent_id = row.id
                        conn.execute(update(agents).where(agents.c.id == agent_id).values(
                            status="applied", applied_at=now, decided_at=None, decided_by=None, updated_at=now,
                            **fields))
                    self._audit(conn, "applicant", "agent.applied", "agent", agent_id,
                                {"reapplied": row is not None})
                    self._outbox(conn, "agent.applied", {"agent_id": agent_id, "regency": fields["regency"]},
                                 agent_id=agent_id)
                    self._event(conn, "agent_applied", now=now, channel="telegram", sender_id=None,
                                regency=fields["regency"])
                    r = conn.execute(select(agents).where(agents.c.id == agent_id)).first()
                    return Agent(**dict(r._mapping))
            except IntegrityError:  # a code collided, or the same person applied twice at once
                continue
        raise StoreError("could not store the agent application")

    @staticmethod
    def _cooldown_until(row: Any, cooldown: dt.timedelta) -> dt.datetime | None:
        """When a rejected applicant may apply again (None: not rejected)."""
        if row is None or row.status != "rejected" or row.decided_at is None:
            return None
        return row.decided_at + cooldown

    def reapply_allowed_from(self, telegram_user_id: int,
                             cooldown: dt.timedelta = AGENT_REAPPLY_COOLDOWN) -> dt.datetime | None:
        """The moment a rejected applicant may apply again, if that is still ahead; None when they may now."""
        with self._ro() as conn:
            row = conn.execute(select(agents).where(agents.c.telegram_user_id == int(telegram_user_id))).first()
        until = self._cooldown_until(row, cooldown)
        return until if until is not None and self.now() < until else None

    @staticmethod
    def _new_code(conn: Connection) -> str:
        while True:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
            if conn.execute(select(agents.c.id).where(agents.c.code == code)).first() is None:
                return code

    def set_agent_status(self, agent_id: int, status: str, actor: str) -> Agent:
        """Approve, reject or deactivate an agent (staff). Audited; counted as an event.

        Nobody decides their own application: :class:`SelfDecisionError` when ``actor`` is the applicant."""
        if status not in AGENT_STATUSES:
            raise ValueError(f"unknown agent status {status!r}")
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(agents).where(agents.c.id == int(agent_id)))).first()
            if row is None:
                raise NotFound(f"agent {agent_id} does not exist")
            if row.telegram_user_id is not None and actor == f"telegram:{int(row.telegram_user_id)}":
                raise SelfDecisionError(f"agent {agent_id}: an applicant cannot decide their own application")
            conn.execute(update(agents).where(agents.c.id == row.id).values(
                status=status, decided_at=now, decided_by=actor, updated_at=now))
            self._audit(conn, actor, "agent.status", "agent", row.id, {"from": row.status, "to": status})
            if status != row.status:
                self._event(conn, "agent_status_changed", now=now, regency=row.regency, agent_code=row.code,
                            status=status, sender_id=None)
                # tells the agent (their link and QR code on approval), whichever process decided
                self._outbox(conn, "agent.status", {"agent_id": row.id, "from": row.status, "to": status},
                             agent_id=row.id)
            r = conn.execute(select(agents).where(agents.c.id == row.id)).first()
            return Agent(**dict(r._mapping))

    def get_agent(self, agent_id: int) -> Agent | None:
        return self._one_agent(agents.c.id == int(agent_id))

    def agent_by_code(self, code: str) -> Agent | None:
        if not code:
            return None
        code = code.strip()
        if code.lower().startswith("ag_"):
            code = code[3:]
        return self._one_agent(agents.c.code == code.upper())

    def agent_by_telegram_id(self, telegram_user_id: int) -> Agent | None:
        return self._one_agent(agents.c.telegram_user_id == int(telegram_user_id))

    def _one_agent(self, cond) -> Agent | None:
        with self._ro() as conn:
            r = conn.execute(select(agents).where(cond)).first()
            return Agent(**dict(r._mapping)) if r else None

    def list_agents(self, status: Union[None, str, Iterable[str]] = None) -> List[Agent]:
        stmt = select(agents).order_by(agents.c.id)
        statuses = _as_list(status)
        if statuses:
            stmt = stmt.where(agents.c.status.in_(statuses))
        with self._ro() as conn:
            return [Agent(**dict(r._mapping)) for r in conn.execute(stmt)]
