"""Command line for the lead store.

    python -m lingkar.store upgrade [REVISION]   # create/upgrade the schema (default: head)
    python -m lingkar.store downgrade REVISION   # step back (e.g. 0001); keeps the leads
    python -m lingkar.store current              # the database's revision (and whether it is head)
    python -m lingkar.store history              # every migration, oldest first
    python -m lingkar.store export [--full-nik] [--as NAME]  # every lead as CSV on standard output
    python -m lingkar.store prune [--days N]     # delete leads/handoffs closed longer than N days
                                                 # (default LEAD_RETENTION_DAYS, 365); the notifier
                                                 # also does this every RETENTION_INTERVAL seconds

The database is DATABASE_URL (default: the SQLite file var/lingkar.db), or --database-url.
Every export is written to the audit log as ``cli:<NAME>`` (default: the operating-system user) with the
number of rows and whether NIKs were unmasked.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from lingkar.store import database_url
from lingkar.store import migrate as m
from lingkar.store.store import Store


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lingkar.store", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: $DATABASE_URL or var/lingkar.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("upgrade", help="create or upgrade the schema")
    up.add_argument("revision", nargs="?", default="head")
    down = sub.add_parser("downgrade", help="downgrade the schema to REVISION")
    down.add_argument("revision")
    sub.add_parser("current", help="print the database's revision")
    sub.add_parser("history", help="list the migrations")
    ex = sub.add_parser("export", help="print every lead as CSV (header row first)")
    ex.add_argument("--full-nik", action="store_true", help="print NIKs unmasked (default: masked)")
    ex.add_argument("--as", dest="who", metavar="NAME",
                    help="who exports, for the audit log (default: the operating-system user)")
    pr = sub.add_parser("prune", help="delete leads, handoffs, subscriptions closed longer than the retention period")
    pr.add_argument("--days", type=float, help="days a closed lead is kept (default: $LEAD_RETENTION_DAYS or 365)")
    args = parser.parse_args(argv)
    if args.command == "prune" and args.days is not None and not args.days > 0:
        parser.error("--days must be a positive number")

    if args.command == "history":
        head = m.head_revision()
        for r in m.revisions():
            print(f"{r['down_revision'] or '<base>'} -> {r['revision']}{' (head)' if r['revision'] == head else ''}"
                  f"  {r['doc']}")
        return 0
    store = Store(args.database_url or database_url())
    try:
        if args.command == "upgrade":
            store.migrate(args.revision)
            print(f"database at revision {store.current_revision()}")
        elif args.command == "downgrade":
            m.downgrade(store.engine, args.revision)
            print(f"database at revision {store.current_revision()}")
        elif args.command == "current":
            rev = store.current_revision()
            head = m.head_revision()
            print(f"{rev or '<empty>'}{' (head)' if rev == head else f' (head is {head}: run upgrade)'}")
            return 0 if rev == head else 1
        elif args.command == "export":
            if store.current_revision() != m.head_revision():
                print("the database is not at the newest schema: run `python -m lingkar.store upgrade`",
                      file=sys.stderr)
                return 1
            rows = store.count_leads()
            store.export_leads_csv(sys.stdout, full_nik=args.full_nik)
            store.record_export(f"cli:{args.who or _os_user()}", rows=rows, via="cli", full_nik=args.full_nik)
        elif args.command == "prune":
            try:
                counts = store.prune_retention(args.days)
            except ValueError as exc:
                print(f"prune: {exc}", file=sys.stderr)
                return 2
            print(f"deleted {counts['leads']} closed lead(s), {counts['handoffs']} closed handoff(s) and "
                  f"{counts['subscriptions']} ended subscription(s); {counts['cards']} staff card(s) queued for "
                  "editing")
    finally:
        store.dispose()
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
