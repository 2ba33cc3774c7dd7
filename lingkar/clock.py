"""The one clock: what "today" and "now" are, and the branch's time zone, for every date-dependent fact.

Usage::

    from lingkar import clock
    clock.zone()     # ZoneInfo of LINGKAR_TIMEZONE (default Asia/Makassar, WITA)
    clock.today()    # the branch's date, or LINGKAR_TODAY when set
    clock.now()      # an aware datetime in that zone

All three read :func:`lingkar.settings.current` at call time, so a test that configures other settings (built from
a dict) moves the clock without touching the environment.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lingkar.settings import current


def zone() -> ZoneInfo:
    """The branch's time zone (``LINGKAR_TIMEZONE``)."""
    return current().zone


def now() -> dt.datetime:
    """The time now, aware, in the branch's time zone (LINGKAR_TODAY does not move it)."""
    return dt.datetime.now(zone())


def today() -> dt.date:
    """Today's date in the branch's time zone, or ``LINGKAR_TODAY`` when set."""
    override = current().today
    if override:
        return dt.date.fromisoformat(override)
    return now().date()
