"""List every fact of content/facts.yml with its value on a date, its source and its status (``make facts-report``).

Usage::

    .venv/bin/python scripts/facts_report.py                   # today (LINGKAR_TODAY when set)
    .venv/bin/python scripts/facts_report.py --date 2027-03-01  # as the bot would speak on that date
    .venv/bin/python scripts/facts_report.py --due              # only the facts due for review
    .venv/bin/python scripts/facts_report.py --csv > facts.csv

Status (lingkar/facts.py): ``confirmed``; ``unconfirmed`` (facts.md marks it UNCONFIRMED: the bot says where to
check); ``due for review`` (the fact's schedule -- ``review``/``next_change`` -- expected a newer value by this
date and none is recorded: the bot says "berlaku sejak ..., mungkin sudah diperbarui"); ``not in force`` (no
value on this date, e.g. a discount window that has ended). The summary line counts each status; the exit code is
0 whatever the statuses (the report informs, it does not fail a build).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Dict, Iterator, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lingkar import clock  # noqa: E402
from lingkar.facts import DUE, STATUSES, Facts, FactValue, load_facts  # noqa: E402

COLUMNS = ("key", "value", "since", "next_change", "status", "source")


def _since(fv: FactValue | None) -> str:
    return fv.valid_from.isoformat() if fv is not None and fv.valid_from else ""


def _next(facts: Facts, key: str, fv: FactValue | None, on: dt.date) -> str:
    """The next date the fact changes: a recorded change, or the date a newer value is expected."""
    recorded = facts.next_change(key, on)
    expected = fv.due if fv is not None and fv.due is not None else None
    if expected is not None and expected <= on:
        return f"{expected.isoformat()} (expected, none recorded)"
    dates = [d for d in (recorded, expected) if d is not None]
    return min(dates).isoformat() if dates else ""


def _absent(facts: Facts, key: str, on: dt.date) -> str:
    """What a fact not in force on ``on`` shows: when it starts or when it ended."""
    history = facts.history(key)
    later = [fv.valid_from for fv in history if fv.valid_from and fv.valid_from > on]
    if later:
        return f"- (from {min(later).isoformat()})"
    ended = [fv.valid_until for fv in history if fv.valid_until and fv.valid_until < on]
    return f"- (ended {max(ended).isoformat()})" if ended else "-"


def rows(facts: Facts, on: dt.date, only_due: bool = False) -> Iterator[Dict[str, str]]:
    """One row per fact: its value on ``on`` as the bot writes it, and where it comes from."""
    for key in facts.keys():
        status = facts.status(key, on)
        if only_due and status != DUE:
            continue
        fv = facts.entry(key, on, default=None)
        shown = fv if fv is not None else facts.history(key)[-1]
        yield {"key": key, "value": fv.text() if fv is not None else _absent(facts, key, on), "since": _since(fv),
               "next_change": _next(facts, key, fv, on), "status": status, "source": shown.source}


def render_text(table: List[Dict[str, str]], on: dt.date) -> str:
    widths = {c: max([len(c)] + [len(r[c]) for r in table]) for c in COLUMNS[:-1]}
    lines = [f"Facts on {on.isoformat()} (content/facts.yml)", ""]
    header = "  ".join(c.upper().ljust(widths[c]) for c in COLUMNS[:-1]) + "  SOURCE"
    lines += [header, "-" * len(header)]
    for r in table:
        lines.append("  ".join(r[c].ljust(widths[c]) for c in COLUMNS[:-1]) + "  " + r["source"])
    counts = {s: sum(1 for r in table if r["status"] == s) for s in STATUSES}
    lines += ["", f"{len(table)} facts: " + ", ".join(f"{n} {s}" for s, n in counts.items())]
    return "\n".join(lines)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write it as YYYY-MM-DD, e.g. 2027-03-01)") from None


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Every fact with its value on a date, source and status "
                                                 "(confirmed / unconfirmed / due for review / not in force).")
    parser.add_argument("--date", type=_date, help="the date to report on (default: today, or LINGKAR_TODAY)")
    parser.add_argument("--due", action="store_true", help="only the facts due for review")
    parser.add_argument("--csv", action="store_true", help="CSV (header row first) instead of a table")
    parser.add_argument("--facts", type=Path, help="another facts file (default: content/facts.yml)")
    args = parser.parse_args(argv)
    on = args.date or clock.today()
    table = list(rows(load_facts(args.facts), on, args.due))
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(table)
    else:
        print(render_text(table, on))
    return 0


if __name__ == "__main__":
    sys.exit(main())
