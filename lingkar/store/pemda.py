"""The local-government (Pemda) view: officers scoped to one regency, their own worker estimates, and the raw
aggregates of one regency (no personal data leaves this module: only months, sectors and counts).

Tables: ``staff_users`` (role ``pemda`` with ``regency``), ``pemda_estimates``; reads ``metric_events``,
``agents`` and (counts only) ``subscriptions``. Suppression of small numbers and coverage are computed by
:mod:`lingkar.pemda` (pure).

Every stage is counted so that its units are *additive* (each unit counted once, in one month and one sector), so
totals are exact sums of their parts and the suppression rule of :mod:`lingkar.pemda` can reason about them:

* ``chats``: people (keyed hash) with a ``chat_started`` whose regency became known as this one in any later
  event (a chat has no regency when it starts); month of the chat, sector of their first event that names one.
* ``checks``: people with an eligibility check naming this regency; month and sector of their first such check.
* ``leads``: worker leads created in this regency (sponsor offers are not workers); month of creation, the lead's
  sector. ``contacted`` / ``registered``: those leads that reached the stage (at any time; by creation month, as
  in the staff funnel).
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lingkar.store.base import Repository, StoreError, _clean
from lingkar.store.metrics import CONTACTED_STATUSES, REGISTERED_STATUSES
from lingkar.store.models import (
    PEMDA_ROLE,
    SUBSCRIPTION_TOPICS,
    WORKER_LEAD_TYPES,
    agents,
    metric_events,
    pemda_estimates,
    staff_users,
)
from lingkar.store.records import PemdaEstimate, StaffUser

#: The stages of the Pemda view, in order (the staff funnel's stages).
PEMDA_STAGES = ("chats", "checks", "leads", "contacted", "registered")

#: One unit of a stage: (first day of its month, sector or None).
Cell = Tuple[dt.date, "str | None"]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class PemdaRepository(Repository):
    """Pemda officers, their estimates and one regency's aggregates (mixed into :class:`lingkar.store.Store`)."""

    # ---- officers -------------------------------------------------------------------------------
    def add_pemda(self, telegram_user_id: int, regency: str, name: str | None = None,
                  actor: str = "system") -> StaffUser:
        """Give someone the ``pemda`` role for one regency (a new user, or an existing one changed: audited)."""
        regency = _clean(regency, 100)
        if not regency:
            raise ValueError("a pemda user needs a regency")
        actor = self._actor(actor)
        tid = int(telegram_user_id)
        now = self.now()
        for _attempt in range(3):
            try:
                with self._tx() as conn:
                    row = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    if row is None:
                        self._insert_id(conn, staff_users, {
                            "telegram_user_id": tid, "name": _clean(name, 200), "role": PEMDA_ROLE,
                            "regency": regency, "active": True, "created_at": now, "updated_at": now})
                        self._audit(conn, actor, "staff.added", "staff", tid, {"role": PEMDA_ROLE, "regency": regency})
                    else:
                        values = {"role": PEMDA_ROLE, "regency": regency, "active": True, "updated_at": now}
                        if name:
                            values["name"] = _clean(name, 200)
                        conn.execute(update(staff_users).where(staff_users.c.id == row.id).values(**values))
                        if row.role != PEMDA_ROLE or row.regency != regency or not row.active:
                            self._audit(conn, actor, "staff.updated", "staff", tid,
                                        {"role": PEMDA_ROLE, "regency": regency, "previous_role": row.role,
                                         "previous_regency": row.regency, "was_active": row.active})
                    r = conn.execute(select(staff_users).where(staff_users.c.telegram_user_id == tid)).first()
                    return StaffUser(**dict(r._mapping))
            except IntegrityError:  # added by another process at the same moment: update it instead
                continue
        raise StoreError("could not store the pemda user")

    # ---- estimates ------------------------------------------------------------------------------
    def record_pemda_estimate(self, regency: str, sector: str, workers: int, source: str, as_of: dt.date,
                              actor: str) -> PemdaEstimate:
        """Record the Pemda's own count of workers in a sector of their regency (kept with its history)."""
        regency, sector, source = _clean(regency, 100), _clean(sector, 100), _clean(source, 500)
        workers = int(workers)
        if not regency or not sector or not source:
            raise ValueError("regency, sector and source are required")
        if workers < 0 or workers > 10_000_000:
            raise ValueError("workers out of range")
        actor = self._actor(actor)
        now = self.now()
        with self._tx() as conn:
            row = {"regency": regency, "sector": sector, "workers": workers, "source": source, "as_of": as_of,
                   "recorded_by": actor, "recorded_at": now}
            new_id = self._insert_id(conn, pemda_estimates, row)
            self._audit(conn, actor, "pemda.estimate", "regency", regency,
                        {"sector": sector, "workers": workers, "source": source, "as_of": as_of.isoformat()})
        return PemdaEstimate(id=new_id, **row)

    def pemda_estimates(self, regency: str) -> Dict[str, PemdaEstimate]:
        """The newest estimate per sector of a regency (sector -> estimate)."""
        pe = pemda_estimates
        stmt = select(pe).where(func.lower(pe.c.regency) == regency.strip().lower()).order_by(pe.c.id)
        with self._ro() as conn:
            return {r.sector: PemdaEstimate(**dict(r._mapping)) for r in conn.execute(stmt)}

    # ---- aggregates -----------------------------------------------------------------------------
    def pemda_cells(self, regency: str) -> Dict[str, List[Cell]]:
        """Every unit of each stage in a regency as (month, sector): see the module docstring."""
        me = metric_events
        here = func.lower(me.c.regency) == regency.strip().lower()
        out: Dict[str, List[Cell]] = {stage: [] for stage in PEMDA_STAGES}
        with self._ro() as conn:
            # the sector of each person of this regency: their first event here that names one
            sector_of: Dict[str, str | None] = {}
            for subject, sector in conn.execute(
                    select(me.c.subject, me.c.sector).where(here, me.c.subject.is_not(None))
                    .order_by(me.c.occurred_at, me.c.id)):
                if sector_of.get(subject) is None:
                    sector_of[subject] = sector
            people_here = select(me.c.subject).where(here, me.c.subject.is_not(None))
            seen: set = set()
            for subject, day in conn.execute(
                    select(me.c.subject, me.c.day).where(me.c.kind == "chat_started", me.c.subject.in_(people_here))
                    .order_by(me.c.occurred_at, me.c.id)):
                if subject not in seen:
                    seen.add(subject)
                    out["chats"].append((_month(day), sector_of.get(subject)))
            seen = set()
            for subject, day, sector in conn.execute(
                    select(me.c.subject, me.c.day, me.c.sector).where(me.c.kind == "eligibility_checked", here)
                    .order_by(me.c.occurred_at, me.c.id)):
                if subject is None or subject not in seen:  # an event without subject (backfill) counts once
                    seen.add(subject)
                    out["checks"].append((_month(day), sector))
            created = select(me.c.lead_id, me.c.day, me.c.sector).where(
                me.c.kind == "lead_created", me.c.lead_type.in_(WORKER_LEAD_TYPES), here,
                me.c.lead_id.is_not(None)).order_by(me.c.id)
            leads: Dict[int, Cell] = {}
            for lead_id, day, sector in conn.execute(created):
                leads.setdefault(lead_id, (_month(day), sector))
            out["leads"] = list(leads.values())
            for stage, statuses in (("contacted", CONTACTED_STATUSES), ("registered", REGISTERED_STATUSES)):
                reached = {lid for (lid,) in conn.execute(
                    select(me.c.lead_id).where(me.c.kind == "lead_status_changed", me.c.status.in_(statuses),
                                               me.c.lead_id.in_(list(leads) or [-1])).distinct())}
                out[stage] = [cell for lid, cell in leads.items() if lid in reached]
        return out

    def active_agents_in(self, regency: str) -> int:
        """Approved agents whose regency is this one."""
        stmt = select(func.count()).select_from(agents).where(
            agents.c.status == "approved", func.lower(agents.c.regency) == regency.strip().lower())
        with self._ro() as conn:
            return int(conn.execute(stmt).scalar_one())

    def subscribers_in(self, regency: str) -> Dict[str, int | None]:
        """Active subscribers of each topic (``SUBSCRIPTION_TOPICS``) whose regency is this one
        (:meth:`lingkar.store.subscriptions.SubscriptionRepository.subscriber_counts`)."""
        return dict(self.subscriber_counts(regency))


def pemda_user_or_none(user: StaffUser | None) -> StaffUser | None:
    if user is None or not user.active or user.role != PEMDA_ROLE or not user.regency:
        return None
    return user


__all__ = ["PEMDA_STAGES", "SUBSCRIPTION_TOPICS", "PemdaRepository", "pemda_user_or_none"]
