"""Staff users: who may work leads (roles in :data:`lingkar.store.models.STAFF_ROLES`).

Table: ``staff_users``.
"""
from __future__ import annotations

from typing import List

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lingkar.store.base import (
    NotFound,
    Repository,
    StoreError,
    _clean,
)
from lingkar.store.models import (
    STAFF_ROLES,
    staff_users,
)
from lingkar.store.records import StaffUser


class StaffRepository(Repository):
    """Staff users and roles (mixed into :class:`lingkar.store.Store`)."""

    def add_staff(self, telegram_user_id: int, name: str | None, role: str = "staff",
                  actor: str = "system") -> StaffUser:
        """Add a staff user or update their name/role and make them active again."""
        if role not in STAFF_ROLES:
            raise ValueError(f"unknown staff role {role!r}")
        actor = self._actor(actor)
        tid = int(telegram_user_id)
        now = self.now()
        for _attempt in range(3):
            try:
                with self._tx() as conn:
                    row = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    if row is None:
                        self._insert_id(conn, staff_users, {"telegram_user_id": tid, "name": _clean(name, 200),
                                                            "role": role, "active": True, "created_at": now,
                                                            "regency": None,
                                                            "updated_at": now})
                        self._audit(conn, actor, "staff.added", "staff", tid, {"role": role})
                    else:
                        values = {"role": role, "active": True, "updated_at": now, "regency": None}
                        if name:
                            values["name"] = _clean(name, 200)
                        conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
                        if row.role != role or not row.active:
                            self._audit(conn, actor, "staff.updated", "staff", tid,
                                        {"role": role, "previous_role": row.role, "was_active": row.active})
                    r = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    return StaffUser(**dict(r._mapping))
            except IntegrityError:  # added by another process at the same moment: update it instead
                continue
        raise StoreError("could not store the staff user")

    def ensure_admin(self, telegram_user_id: int, name: str | None = None) -> StaffUser:
        """The first admin comes from configuration: make sure they exist, are active and admin."""
        current = self.staff_by_telegram_id(telegram_user_id)
        if current and current.active and current.role == "admin":
            return current
        return self.add_staff(telegram_user_id, name or (current.name if current else None), "admin",
                              actor="system:config")

    def set_staff_active(self, telegram_user_id: int, active: bool, actor: str) -> StaffUser:
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            res = conn.execute(update(staff_users).where(staff_users.c.telegram_user_id == int(telegram_user_id))
                               .values(active=bool(active), updated_at=now))
            if res.rowcount != 1:
                raise NotFound(f"staff user {telegram_user_id} does not exist")
            self._audit(conn, actor, "staff.active" if active else "staff.inactive", "staff", telegram_user_id, {})
            r = conn.execute(select(staff_users)
                             .where(staff_users.c.telegram_user_id == int(telegram_user_id))).first()
            return StaffUser(**dict(r._mapping))

    def staff_by_telegram_id(self, telegram_user_id: int) -> StaffUser | None:
        with self._ro() as conn:
            r = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == int(telegram_user_id))).first()
            return StaffUser(**dict(r._mapping)) if r else None

    def list_staff(self, active_only: bool = False) -> List[StaffUser]:
        stmt = select(staff_users).order_by(staff_users.c.id)
        if active_only:
            stmt = stmt.where(staff_users.c.active.is_(True))
        with self._ro() as conn:
            return [StaffUser(**dict(r._mapping)) for r in conn.execute(stmt)]

    def role_of(self, telegram_user_id: int) -> str | None:
        """"admin", "staff", "pemda", "agent" (an approved agent) or None, from the database only."""
        staff = self.staff_by_telegram_id(telegram_user_id)
        if staff and staff.active:
            return staff.role
        agent = self.agent_by_telegram_id(telegram_user_id)
        if agent and agent.is_active:
            return "agent"
        return None
