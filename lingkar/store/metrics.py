"""Metric events and the funnel: chats, eligibility checks, leads, contacted, registered.

Table: ``metric_events`` (no personal data: a sender is stored only as a keyed hash; the salt lives in
``app_state``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any, Dict, List

from sqlalchemy import and_, case, func, insert, or_, select, text
from sqlalchemy.engine import Connection

from lingkar.store.base import (
    Repository,
    _clean,
)
from lingkar.store.models import (
    SOURCES,
    WORKER_LEAD_TYPES,
    app_state,
    metric_events,
)
from lingkar.store.records import FunnelRow

#: What the funnel and the dashboards count. Events carry no personal data.
EVENT_KINDS = (
    "chat_started", "eligibility_checked", "consent_given", "consent_refused", "lead_created",
    "lead_status_changed", "handoff_requested", "agent_applied", "agent_status_changed", "data_viewed",
    "data_deleted", "source_answered",
    # the outreach funnel (lingkar/store/outreach.py): broadcast_* carry ``broadcast_id``
    "broadcast_sent", "broadcast_replied", "reminder_sent", "reminder_paid",
)
#: Statuses that mean staff reached the person / the person got covered (funnel stages).
CONTACTED_STATUSES = ("contacted", "registered", "not_interested", "sponsored")
REGISTERED_STATUSES = ("registered", "sponsored")
FUNNEL_GROUPS = {"week": "week", "day": "day", "regency": "regency", "sector": "sector", "agent": "agent_code",
                 "channel": "channel", "purpose": "purpose"}
#: Columns of the CSV export, in order (header row = these names).


class MetricsRepository(Repository):
    """Funnel events and reports (mixed into :class:`lingkar.store.Store`)."""

    def record_event(self, kind: str, *, channel: str | None = None, sender_id: str | None = None,
                     regency: str | None = None, sector: str | None = None, agent_code: str | None = None,
                     lead_type: str | None = None, lead_id: int | None = None, status: str | None = None,
                     source: str | None = None, occurred_at: dt.datetime | None = None) -> int:
        """Record a conversation milestone for the funnel. ``sender_id`` is stored only as a keyed
        hash (so unique people can be counted); nothing else personal may be passed. ``source``: the answer to
        "Dari mana Anda tahu Lingkar?" (one of ``SOURCES``), for ``source_answered``."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; one of {EVENT_KINDS}")
        if source is not None and source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; one of {SOURCES}")
        with self._tx() as conn:
            return self._event(conn, kind, now=occurred_at or self.now(), channel=channel, sender_id=sender_id,
                               regency=regency, sector=sector, agent_code=agent_code, lead_type=lead_type,
                               lead_id=lead_id, status=status, source=source)

    def _event(self, conn: Connection, kind: str, *, now: dt.datetime, sender_id: str | None,
               channel: str | None = None, regency: str | None = None, sector: str | None = None,
               agent_code: str | None = None, lead_type: str | None = None, lead_id: int | None = None,
               status: str | None = None, source: str | None = None, purpose: str | None = None,
               broadcast_id: int | None = None) -> int:
        day = now.astimezone(self._zone).date()
        row = {"kind": kind, "occurred_at": now, "day": day, "week": day - dt.timedelta(days=day.weekday()),
               "channel": _clean(channel, 32), "regency": _clean(regency, 100), "sector": _clean(sector, 100),
               "agent_code": agent_code.strip().upper()[:16] if agent_code else None, "lead_type": lead_type,
               "lead_id": lead_id, "status": status, "source": source, "purpose": purpose, "broadcast_id": broadcast_id,
               "subject": self._subject(conn, sender_id, create=True) if sender_id else None}
        return self._insert_id(conn, metric_events, row)

    def _subject(self, conn: Connection, sender_id: str, create: bool) -> str | None:
        salt = self._salt or self._stored_salt(conn, create)
        if salt is None:
            return None
        return hmac.new(salt.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]

    def _stored_salt(self, conn: Connection, create: bool) -> str | None:
        row = conn.execute(select(app_state.c.value).where(app_state.c.key == "metrics_salt")).first()
        if row is not None:
            return row.value
        if not create:
            return None
        salt = secrets.token_hex(32)
        if self.dialect == "postgresql":
            conn.execute(text("INSERT INTO app_state (key, value, updated_at) VALUES (:k, :v, :t) "
                              "ON CONFLICT (key) DO NOTHING"), {"k": "metrics_salt", "v": salt, "t": self.now()})
        else:  # SQLite: this transaction already holds the write lock
            conn.execute(insert(app_state).values(key="metrics_salt", value=salt, updated_at=self.now()))
        return conn.execute(select(app_state.c.value).where(app_state.c.key == "metrics_salt")).scalar_one()

    def funnel(self, group_by: str | None = None, *, since: dt.date | None = None,
               until: dt.date | None = None, channel: str | None = None, agent_code: str | None = None,
               regency: str | None = None, sector: str | None = None) -> List[FunnelRow]:
        """Chats → eligibility checks → leads → contacted → registered, from the metric events.

        ``group_by``: None (one total row), "week" (Monday's date), "day", "regency", "sector",
        "agent", "channel" or "purpose" (what the lead is for: only leads and their stages have one;
        chats and checks fall in the None row). ``since``/``until`` are local dates (inclusive). Chats and checks count
        distinct people; leads count worker leads created in the period (sponsor offers are not
        workers); contacted/registered count those leads that reached the stage — in any period, so
        a lead from last week registered today still counts for last week when grouping by week.
        Each stage is grouped by what its own event recorded (a chat often has no regency yet).
        """
        col = None
        if group_by is not None:
            if group_by not in FUNNEL_GROUPS:
                raise ValueError(f"group_by must be one of {sorted(FUNNEL_GROUPS)}")
            col = metric_events.c[FUNNEL_GROUPS[group_by]]
        me = metric_events
        common = _funnel_filters(since, until, channel, regency, sector, agent_code)
        rows: Dict[Any, Dict[str, int]] = {}

        def add(stage: str, stmt) -> None:
            for key, n in conn.execute(stmt):
                rows.setdefault(key, {})[stage] = n

        def grouped(count_expr, *where):
            cols = [col if col is not None else text("NULL"), count_expr]
            stmt = select(*cols).select_from(me).where(*where, *common)
            return stmt.group_by(col) if col is not None else stmt

        with self._ro() as conn:
            # distinct people; events without a subject (backfilled by a migration) count one each
            people = func.count(func.distinct(me.c.subject)) + func.coalesce(
                func.sum(case((me.c.subject.is_(None), 1), else_=0)), 0)
            add("chats", grouped(people, me.c.kind == "chat_started"))
            checked = [me.c.kind == "eligibility_checked"]
            if group_by == "regency":
                # a worker who names the regency only after the result has a check without and one with it:
                # count them under their regency only, not in the "unknown" row as well
                known = me.alias("known")
                placed = select(known.c.subject).where(
                    known.c.kind == "eligibility_checked", known.c.regency.is_not(None),
                    known.c.subject.is_not(None), *([known.c.day >= since] if since else []),
                    *([known.c.day <= until] if until else []))
                checked.append(or_(me.c.regency.is_not(None), me.c.subject.is_(None), me.c.subject.not_in(placed)))
            add("checks", grouped(people, *checked))
            created = and_(me.c.kind == "lead_created", me.c.lead_type.in_(WORKER_LEAD_TYPES))
            add("leads", grouped(func.count(func.distinct(me.c.lead_id)), created))
            later = me.alias("later")
            for stage, statuses in (("contacted", CONTACTED_STATUSES), ("registered", REGISTERED_STATUSES)):
                reached = select(later.c.lead_id).where(later.c.kind == "lead_status_changed",
                                                        later.c.status.in_(statuses))
                add(stage, grouped(func.count(func.distinct(me.c.lead_id)), created, me.c.lead_id.in_(reached)))
        out = [FunnelRow(group=key, **counts) for key, counts in rows.items()]
        if group_by is None:
            return out or [FunnelRow(group=None)]
        return sorted(out, key=lambda r: (r.group is None, str(r.group)))

    def sources(self, *, since: dt.date | None = None, until: dt.date | None = None,
                channel: str | None = None) -> Dict[str, int]:
        """How many people answered "Dari mana Anda tahu Lingkar?" with each source (``SOURCES``, in that order;
        zero when nobody did) in the period (local dates, inclusive). A person counts once per source; workers who
        came through an agent's link or code are not asked (they are in the funnel by agent)."""
        me = metric_events
        people = func.count(func.distinct(me.c.subject)) + func.coalesce(
            func.sum(case((me.c.subject.is_(None), 1), else_=0)), 0)
        stmt = (select(me.c.source, people).where(me.c.kind == "source_answered", me.c.source.is_not(None),
                                                  *_funnel_filters(since, until, channel, None, None, None))
                .group_by(me.c.source))
        with self._ro() as conn:
            counts = {k: n for k, n in conn.execute(stmt)}
        return {source: int(counts.get(source, 0)) for source in SOURCES}

    def agent_stats(self, code: str, today: dt.date | None = None) -> Dict[str, FunnelRow]:
        """An agent's results from their link: ``{"month": ..., "total": ...}`` (for /statistik)."""
        if today is None:
            today = self.now().astimezone(self._zone).date()
        month = self.funnel(agent_code=code, since=today.replace(day=1), until=today)[0]
        total = self.funnel(agent_code=code)[0]
        return {"month": month, "total": total}

    def event_counts(self, kind: str | None = None) -> Dict[str, int]:
        """Number of events by kind (all time)."""
        stmt = select(metric_events.c.kind, func.count()).group_by(metric_events.c.kind)
        if kind:
            stmt = stmt.where(metric_events.c.kind == kind)
        with self._ro() as conn:
            return {k: n for k, n in conn.execute(stmt)}


def _funnel_filters(since: dt.date | None, until: dt.date | None, channel: str | None, regency: str | None,
                    sector: str | None, agent_code: str | None) -> list:
    """The conditions every funnel stage shares: the period and the channel/regency/sector/agent filters."""
    me = metric_events
    common = []
    if since:
        common.append(me.c.day >= since)
    if until:
        common.append(me.c.day <= until)
    for value, column in ((channel, me.c.channel), (regency, me.c.regency), (sector, me.c.sector)):
        if value:
            common.append(func.lower(column) == value.strip().lower())
    if agent_code:
        common.append(me.c.agent_code == agent_code.strip().upper())
    return common
