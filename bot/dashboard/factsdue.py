"""Facts due for review, for the dashboard's main page (issue 13).

A fact in content/facts.yml that changes on a known rhythm declares it (``review: {every: yearly, month: 3}``,
``next_change:``); once the date a newer value was expected has passed and none is recorded, the bot tells
workers the figure "mungkin sudah diperbarui", and staff see it here, with where the figure comes from, so someone
can look up the new value and record it (the same list as ``make facts-report`` with status "due for review").
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List

from lingkar import clock
from lingkar.facts import Facts, format_date, get_facts


def due_rows(on: dt.date | None = None, facts: Facts | None = None) -> List[Dict[str, str]]:
    """One row per fact due for review on ``on`` (default: the bot's today): what staff need to update it."""
    on = on or clock.today()
    facts = facts or get_facts()
    return [{"key": fv.key, "label": fv.label or fv.key, "value": fv.text(),
             "since": format_date(fv.valid_from) if fv.valid_from else "-",
             "due": format_date(fv.due) if fv.due else "-", "source": fv.source}
            for fv in facts.due_for_review(on)]
