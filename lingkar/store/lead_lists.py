"""Lead lists for staff: filters, counts and the CSV export.

Tables: ``leads`` (read only); ``audit_log`` for each export.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Iterable, List, TextIO, Union

from sqlalchemy import func, or_, select

from lingkar.identity import mask_nik
from lingkar.store.base import (
    Repository,
    _as_list,
    _like_escape,
)
from lingkar.store.leads import normalize_reference
from lingkar.store.models import (
    OPEN_STATUSES,
    leads,
)
from lingkar.store.records import Lead

EXPORT_COLUMNS = (
    "id", "type", "status", "created_at", "updated_at", "status_changed_at", "name", "phone", "nik", "regency",
    "occupation", "sector", "age", "income", "contact_time", "channel", "referral", "referral_known",
    "sponsor_organisation", "sponsor_workers", "sponsor_regency", "donor_kind", "note", "claimed_by",
    "consent_at", "consent_version", "eligibility_category", "reference", "possible_duplicate_of",
    "purpose",
)


class LeadListRepository(Repository):
    """Lists, counts and exports of leads (mixed into :class:`lingkar.store.Store`)."""

    def list_leads(self, *, status: Union[None, str, Iterable[str]] = None, regency: str | None = None,
                   agent: str | None = None, type: Union[None, str, Iterable[str]] = None,
                   older_than_hours: float | None = None, untouched_hours: float | None = None,
                   created_from: dt.datetime | None = None, created_to: dt.datetime | None = None,
                   claimed_by: str | None = None, search: str | None = None, open_only: bool = False,
                   channel: str | None = None, purpose: Union[None, str, Iterable[str]] = None,
                   limit: int | None = 100, offset: int = 0,
                   oldest_first: bool = False) -> List[Lead]:
        """Leads matching every filter given, newest first (``oldest_first`` for reminders).

        ``older_than_hours``: created at least that long ago. ``untouched_hours``: not updated for
        that long (a claim, a note or a status change touches a lead). ``agent``: referral code.
        ``channel``: the owner's channel ("telegram", "whatsapp"). ``purpose``: what the person wants help
        with (``LEAD_PURPOSES``).
        ``search``: part of the name (any case), of the phone number, or the lead id.
        """
        stmt = select(leads).where(*self._lead_filters(
            status=status, regency=regency, agent=agent, type=type, older_than_hours=older_than_hours,
            untouched_hours=untouched_hours, created_from=created_from, created_to=created_to,
            claimed_by=claimed_by, search=search, open_only=open_only, channel=channel,
            purpose=purpose))
        order = leads.c.id.asc() if oldest_first else leads.c.id.desc()
        stmt = stmt.order_by(order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._ro() as conn:
            rows = conn.execute(stmt).all()
            duplicates = self._duplicates(conn, [r.id for r in rows])
            return [self._lead(r, (), duplicates.get(r.id, [])) for r in rows]

    def count_leads(self, **filters: Any) -> int:
        with self._ro() as conn:
            return conn.execute(select(func.count()).select_from(leads)
                                .where(*self._lead_filters(**filters))).scalar_one()

    def _lead_filters(self, *, status=None, regency=None, agent=None, type=None, older_than_hours=None,
                      untouched_hours=None, created_from=None, created_to=None, claimed_by=None, search=None,
                      open_only=False, channel=None, purpose=None) -> list:
        now = self.now()
        where = []
        if channel:
            where.append(leads.c.channel == str(channel).strip().lower())
        statuses = _as_list(status)
        if statuses:
            where.append(leads.c.status.in_(statuses))
        if open_only:
            where.append(leads.c.status.in_(OPEN_STATUSES))
        purposes = _as_list(purpose)
        if purposes:
            where.append(leads.c.purpose.in_(purposes))
        types = _as_list(type)
        if types:
            where.append(leads.c.type.in_(types))
        if regency:
            where.append(func.lower(leads.c.regency) == regency.strip().lower())
        if agent:
            where.append(leads.c.referral == agent.strip().upper())
        if older_than_hours is not None:
            where.append(leads.c.created_at <= now - dt.timedelta(hours=older_than_hours))
        if untouched_hours is not None:
            where.append(leads.c.updated_at <= now - dt.timedelta(hours=untouched_hours))
        if created_from is not None:
            where.append(leads.c.created_at >= created_from)
        if created_to is not None:
            where.append(leads.c.created_at < created_to)
        if claimed_by:
            where.append(leads.c.claimed_by == claimed_by)
        if search and search.strip():
            q = search.strip()
            cond = [func.lower(leads.c.name).like(f"%{_like_escape(q.lower())}%", escape="\\")]
            digits = "".join(ch for ch in q if ch.isdigit())
            if len(digits) >= 4:
                national = digits[2:] if digits.startswith("62") else digits.lstrip("0")
                cond.append(leads.c.phone.like(f"%{national}%"))
            if q.isdigit() and len(q) <= 9:
                cond.append(leads.c.id == int(q))
            ref = normalize_reference(q)
            if ref:
                cond.append(leads.c.reference == ref)
            where.append(or_(*cond))
        return where

    def export_leads_csv(self, out: TextIO | None = None, *, full_nik: bool = False, **filters: Any) -> str:
        """Every lead matching ``filters`` (see :meth:`list_leads`) as CSV, header row first, oldest first.

        The NIK is masked unless ``full_nik``; cells a spreadsheet would run as a formula are
        prefixed with a quote. Writes to ``out`` when given; returns the text otherwise.
        """
        filters.setdefault("limit", None)
        filters["oldest_first"] = True
        buf = out or io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for lead in self.list_leads(**filters):
            row = []
            for col in EXPORT_COLUMNS:
                if col == "eligibility_category":
                    value = (lead.eligibility or {}).get("category")
                elif col == "nik":
                    value = lead.nik if full_nik else mask_nik(lead.nik)
                elif col == "possible_duplicate_of":
                    value = " ".join(d.reference or f"#{d.id}" for d in lead.possible_duplicates)
                else:
                    value = getattr(lead, col)
                row.append(_csv_cell(value))
            writer.writerow(row)
        return "" if out is not None else buf.getvalue()

    def record_export(self, actor: str, *, rows: int, via: str, full_nik: bool = False,
                      filters: Iterable[str] = ()) -> None:
        """Write an export of leads to the audit log: who, how many rows, how (``dashboard``/``cli``), whether
        NIKs were unmasked, and which filters were used (their names only: a search text is not copied)."""
        with self._tx() as conn:
            self._audit(conn, self._actor(actor), "lead.export", "lead", None,
                        {"rows": int(rows), "via": str(via)[:16], "full_nik": bool(full_nik),
                         "filters": sorted(str(f) for f in filters)})


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    s = str(value)
    if s and s[0] in "=+-@\t\r" and not (s[0] in "+-" and s[1:].isdigit()):
        return "'" + s
    return s
