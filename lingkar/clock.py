"""The one place that decides what "today" is for facts that change by date."""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from lingkar import config


def today() -> dt.date:
    """Today's date in the branch's time zone, or LINGKAR_TODAY when set (read at call time)."""
    override = os.environ.get("LINGKAR_TODAY", config.TODAY_OVERRIDE)
    if override:
        return dt.date.fromisoformat(override)
    return dt.datetime.now(ZoneInfo(config.TIMEZONE)).date()
