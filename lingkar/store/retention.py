"""Retention: leads and handoffs closed longer than the retention period are deleted.

    python -m lingkar.store prune [--days N]    # on demand (cron, or by hand)
    store.prune_retention()                     # what the notifier runs every RETENTION_INTERVAL seconds

A lead is *closed* when its status is no longer open (registered, unreachable, not_interested, sponsored);
it is deleted ``LEAD_RETENTION_DAYS`` (default 365) after its last status change, with its status history,
its outbox events and its staff cards (edited by the notifier to say the data expired). Handoffs that are
done or cancelled go after the same period, and so do ended subscriptions (the owner's sender id; the change log
in ``subscription_events`` keeps only a keyed hash). The funnel does not change: it counts from ``metric_events``,
which hold no personal data and refer to the lead only by id, and an anonymous ``leads_expired`` counter
records how many leads went, per month. See docs/data-model.md ("Retention").
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Dict

from sqlalchemy import delete, select

from lingkar import settings
from lingkar.store.base import Repository
from lingkar.store.models import OPEN_STATUSES, handoffs, lead_status_history, leads, outbox, subscriptions

if TYPE_CHECKING:  # pragma: no cover
    from lingkar.store.store import Store

DEFAULT_LEAD_DAYS = 365.0
BATCH = 500


def lead_retention_days(env=None) -> float:
    """``LEAD_RETENTION_DAYS`` (days a closed lead is kept; default 365). Raises ValueError when it is not a
    positive number."""
    raw = (env if env is not None else settings.current().env).get("LEAD_RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_LEAD_DAYS
    days = float(raw)
    if not days > 0:
        raise ValueError(f"LEAD_RETENTION_DAYS must be a positive number of days, not {raw!r}")
    return days


def prune(store: Store, days: float | None = None) -> Dict[str, int]:
    """Delete what was closed more than ``days`` ago. Returns {"leads": n, "handoffs": n, "cards": n,
    "subscriptions": n}."""
    days = lead_retention_days() if days is None else float(days)
    now = store.now()
    cutoff = now - dt.timedelta(days=days)
    counts = {"leads": 0, "handoffs": 0, "cards": 0, "subscriptions": 0}
    while True:  # in batches: one short transaction each
        with store._tx() as conn:
            rows = conn.execute(store._for_update(
                select(leads.c.id, leads.c.type, leads.c.status)
                .where(leads.c.status.not_in(OPEN_STATUSES), leads.c.status_changed_at < cutoff)
                .order_by(leads.c.id).limit(BATCH))).all()
            ids = [r.id for r in rows]
            if ids:
                conn.execute(delete(lead_status_history).where(lead_status_history.c.lead_id.in_(ids)))
                conn.execute(delete(outbox).where(outbox.c.lead_id.in_(ids)))
                conn.execute(delete(leads).where(leads.c.id.in_(ids)))
                counts["cards"] += store._redact_cards(conn, "retention", lead_ids=ids)
                for r in rows:
                    store._audit(conn, "system:retention", "lead.expired", "lead", r.id,
                                 {"type": r.type, "status": r.status, "days": days})
                store._bump(conn, "leads_expired", now.astimezone(store._zone).strftime("%Y-%m"), len(ids))
                counts["leads"] += len(ids)
        if len(ids) < BATCH:
            break
    with store._tx() as conn:
        hids = [r.id for r in conn.execute(store._for_update(
            select(handoffs.c.id).where(handoffs.c.status != "open", handoffs.c.updated_at < cutoff)))]
        if hids:
            conn.execute(delete(outbox).where(outbox.c.handoff_id.in_(hids)))
            conn.execute(delete(handoffs).where(handoffs.c.id.in_(hids)))
            counts["cards"] += store._redact_cards(conn, "retention", handoff_ids=hids)
            counts["handoffs"] = len(hids)
        s = subscriptions
        counts["subscriptions"] = conn.execute(delete(s).where(s.c.active.is_(False), s.c.ended_at < cutoff)).rowcount
    return counts


class RetentionRepository(Repository):
    """The retention job (mixed into :class:`lingkar.store.Store`)."""

    def prune_retention(self, days: float | None = None) -> Dict[str, int]:
        """Delete leads closed longer than ``days`` (default ``LEAD_RETENTION_DAYS``, 365), closed
        handoffs and ended subscriptions as old; see :mod:`lingkar.store.retention`. Funnel counts stay the same."""
        return prune(self, days)
