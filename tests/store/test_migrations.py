"""Migrations: from an empty database, from the previous revision with leads in it, back down, in
parallel, and the command line. Against SQLite and a real PostgreSQL."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from lingkar.store import Store
from lingkar.store import migrate as m
from lingkar.store.models import metadata

ROOT = Path(__file__).resolve().parents[2]
#: The newest revision (the tests below check upgrades land there, whatever it is called).
#: The revisions in order, oldest first (a new migration is appended here).
CHAIN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0010", "0012", "0013")
HEAD = CHAIN[-1]
T0 = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.timezone.utc)


def _ts(store: Store, value: dt.datetime):
    return value.replace(tzinfo=None) if store.dialect == "sqlite" else value


def _insert_0001_leads(store: Store) -> None:
    """Leads and outbox rows written by code that knew only revision 0001."""
    with store.engine.begin() as conn:
        for i, (status, regency, referral) in enumerate([("new", "Kota Kendari", "AG1"),
                                                         ("contacted", "Kabupaten Muna", None)], start=1):
            conn.execute(text(
                "INSERT INTO leads (type, status, sender_id, channel, referral, name, phone, nik, regency, sector, "
                "eligibility, consent_at, consent_version, created_at, updated_at) VALUES ('enrolment', :status, "
                ":sender, 'telegram', :ref, :name, :phone, NULL, :regency, 'perikanan', :elig, :t0, 'v0', :t0, :t1)"),
                {"status": status, "sender": f"telegram:{i}", "ref": referral, "name": f"Pekerja {i}",
                 "phone": f"+62812000000{i}", "regency": regency, "elig": '{"category": "BPU"}',
                 "t0": _ts(store, T0), "t1": _ts(store, T1)})
        conn.execute(text("INSERT INTO outbox (topic, lead_id, payload, created_at) "
                          "VALUES ('lead.created', 1, '{\"lead_id\": 1}', :t0)"), {"t0": _ts(store, T0)})


def test_upgrade_from_empty_matches_the_models(empty_db_url):
    store = Store(empty_db_url)
    try:
        assert store.current_revision() is None
        store.migrate()
        assert store.current_revision() == m.head_revision() == HEAD
        tables = set(inspect(store.engine).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= tables
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True,
                # SQLite's own table; the job engine's (procrastinate, migration 0010) is not ours to model
                "include_name": lambda name, kind, parent: name != "sqlite_sequence"
                and not str(name).startswith("procrastinate_")})
            diffs = compare_metadata(ctx, metadata)
        assert diffs == []
        store.migrate()  # at head: nothing to do, nothing breaks
        assert store.current_revision() == HEAD
    finally:
        store.dispose()


def test_upgrade_from_0001_keeps_leads_and_backfills(empty_db_url):
    store = Store(empty_db_url)
    try:
        store.migrate("0001")
        assert store.current_revision() == "0001"
        _insert_0001_leads(store)
        store.migrate()
        assert store.current_revision() == HEAD
        first, second = store.get_lead(1), store.get_lead(2)
        assert (first.name, first.phone, first.status, first.referral) == ("Pekerja 1", "+628120000001", "new", "AG1")
        assert second.status == "contacted" and second.eligibility == {"category": "BPU"}
        assert first.created_at == T0 and first.updated_at == T1
        assert first.status_changed_at == T1 and first.referral_known is False and first.claimed_by is None
        assert [(h.from_status, h.to_status, h.actor) for h in second.history] == [
            (None, "contacted", "system:migration-0002")]
        # the funnel counts leads made before events existed
        total = store.funnel()[0]
        assert total.leads == 2 and total.contacted == 0
        assert {r.group: r.leads for r in store.funnel("regency")} == {"Kota Kendari": 1, "Kabupaten Muna": 1}
        # the pending outbox event survives and is still delivered once
        (event,) = store.claim_outbox("notifier")
        assert event.lead_id == 1 and store.ack_outbox(event.id, "notifier")
        # and the upgraded database works for the new code: an update of the open lead, not a duplicate
        res = store.upsert_lead(sender_id="telegram:1", channel="telegram", name="Pekerja Satu",
                                phone="0812-000-0001", consent_version="v1")
        assert res.created is False and res.lead.id == 1
        fresh = store.upsert_lead(sender_id="telegram:9", channel="telegram", name="Baru",
                                  phone="0812 0000 0009", consent_version="v1")
        assert fresh.created is True and fresh.lead.id == 3
    finally:
        store.dispose()


def test_downgrade_to_0001_keeps_leads(empty_db_url):
    store = Store(empty_db_url)
    try:
        store.migrate()
        lead = store.upsert_lead(sender_id="telegram:1", channel="telegram", name="Siti",
                                 phone="081234567890", consent_version="v1").lead
        m.downgrade(store.engine, "0001")
        assert store.current_revision() == "0001"
        assert "agents" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT name, phone FROM leads")).all() == [("Siti", "+6281234567890")]
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 1
        store.migrate()
        assert store.get_lead(lead.id).name == "Siti"
    finally:
        store.dispose()


def test_upgrade_from_0002_gives_every_lead_a_reference(empty_db_url):
    store = Store(empty_db_url)
    try:
        store.migrate("0001")
        _insert_0001_leads(store)
        store.migrate("0002")
        store.migrate()
        assert store.current_revision() == HEAD
        first, second = store.get_lead(1), store.get_lead(2)
        refs = {first.reference, second.reference}
        assert len(refs) == 2 and all(re.fullmatch(r"LK-[A-HJ-NP-Z2-9]{6}", r) for r in refs), refs
        assert first.possible_duplicates == [] and first.name == "Pekerja 1"
        assert store.get_lead_by_reference(second.reference).id == 2
        # another sender with the first lead's phone: a new lead, and both are marked
        other = store.upsert_lead(sender_id="telegram:77", channel="telegram", name="Lain",
                                  phone="+628120000001", consent_version="v1").lead
        assert other.id == 3 and [d.id for d in store.get_lead(1).possible_duplicates] == [3]
        m.downgrade(store.engine, "0002")
        assert store.current_revision() == "0002"
        assert "lead_duplicates" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM leads")).scalar_one() == 3
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 2
        store.migrate()
        assert all(store.get_lead(i).reference for i in (1, 2, 3))
    finally:
        store.dispose()


def test_upgrade_to_0007_gives_old_leads_a_purpose_and_downgrade_drops_it(empty_db_url):
    store = Store(empty_db_url)
    try:
        store.migrate("0006")
        _insert_0001_leads(store)
        with store.engine.begin() as conn:  # a GN Lingkaran offer written by 0006-era code
            conn.execute(text(
                "INSERT INTO leads (type, status, sender_id, channel, name, phone, consent_at, consent_version, "
                "created_at, updated_at, reference) VALUES ('sponsor_offer', 'new', 'telegram:3', 'telegram', "
                "'PT Contoh', '+6281200000003', :t0, 'v0', :t0, :t0, 'LK-AAAAAA')"), {"t0": _ts(store, T0)})
            for lead_id, lead_type in ((1, "enrolment"), (2, "enrolment"), (3, "sponsor_offer")):
                conn.execute(text(
                    "INSERT INTO metric_events (kind, occurred_at, day, week, lead_type, lead_id, status) VALUES "
                    "('lead_created', :t0, :day, :week, :type, :id, 'new')"),
                    {"t0": _ts(store, T0), "day": T0.date(), "week": T0.date() - dt.timedelta(days=T0.weekday()),
                     "type": lead_type, "id": lead_id})
        store.migrate()
        assert store.current_revision() == HEAD
        assert [store.get_lead(i).purpose for i in (1, 2, 3)] == ["registration", "registration", "sponsorship"]
        assert [x.id for x in store.list_leads(purpose="sponsorship")] == [3]
        heir = store.upsert_lead(sender_id="telegram:8", channel="telegram", name="Wa Ode", phone="081298765432",
                                 consent_version="v1", purpose="heir_claim").lead
        assert store.get_lead(heir.id).purpose == "heir_claim"
        # the funnel by purpose: old lead_created events backfilled from their type (sponsor offers are no workers)
        assert {r.group: r.leads for r in store.funnel("purpose")} == {"registration": 2, "heir_claim": 1}
        m.downgrade(store.engine, "0006")
        assert store.current_revision() == "0006"
        columns = {c["name"] for c in inspect(store.engine).get_columns("leads")}
        assert "purpose" not in columns and "reference" in columns
        assert "purpose" not in {c["name"] for c in inspect(store.engine).get_columns("metric_events")}
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM leads")).scalar_one() == 4
        store.migrate()
        assert store.get_lead(heir.id).purpose == "registration"  # the column came back with its default
        assert store.get_lead(3).purpose == "sponsorship"
    finally:
        store.dispose()


def test_processes_starting_together_migrate_once(empty_db_url):
    errors = []
    barrier = threading.Barrier(3)

    def start():
        s = Store(empty_db_url)
        try:
            barrier.wait(30)
            s.migrate()
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            s.dispose()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    s = Store(empty_db_url)
    try:
        assert s.current_revision() == HEAD
    finally:
        s.dispose()


def _cli(*args: str, url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT), SQLALCHEMY_SILENCE_UBER_WARNING="1")
    return subprocess.run([sys.executable, "-m", "lingkar.store", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_command_line(empty_db_url):
    current = _cli("current", url=empty_db_url)
    assert current.returncode == 1 and "<empty>" in current.stdout
    up = _cli("upgrade", url=empty_db_url)
    assert up.returncode == 0, up.stderr
    assert f"revision {HEAD}" in up.stdout
    assert _cli("current", url=empty_db_url).stdout.strip() == f"{HEAD} (head)"
    history = _cli("history", url=empty_db_url).stdout.splitlines()
    steps = list(zip(("<base>",) + CHAIN[:-1], CHAIN))
    assert len(history) == len(steps)
    for line, (down, up_rev) in zip(history, steps):
        assert line.startswith(f"{down} -> {up_rev}" + (" (head)" if up_rev == HEAD else " ")), line
    s = Store(empty_db_url)
    try:
        s.upsert_lead(sender_id="telegram:1", channel="telegram", name="Siti", phone="081234567890",
                      nik="7401054507900001", consent_version="v1")
    finally:
        s.dispose()
    export = _cli("export", url=empty_db_url)
    lines = export.stdout.splitlines()
    assert export.returncode == 0 and lines[0].startswith("id,type,status") and len(lines) == 2
    assert "7401**********01" in lines[1] and "7401054507900001" not in lines[1]
    assert "7401054507900001" in _cli("export", "--full-nik", url=empty_db_url).stdout


def test_subscriptions_up_and_down(empty_db_url):
    """0008 creates the subscription tables; down to 0007 drops them and keeps everything else; up again works."""
    store = Store(empty_db_url)
    try:
        store.migrate()
        store.subscribe("telegram:1", "telegram", "info", consent_version="v1", regency="Kota Kendari")
        assert store.is_subscribed("telegram:1")
        lead = store.upsert_lead(sender_id="telegram:1", channel="telegram", name="Siti",
                                 phone="081234567890", consent_version="v1").lead
        m.downgrade(store.engine, "0007")
        assert store.current_revision() == "0007"
        tables = set(inspect(store.engine).get_table_names())
        assert not {"subscriptions", "subscription_events"} & tables and "leads" in tables
        store.migrate()
        assert store.current_revision() == HEAD
        assert store.subscriptions_of("telegram:1") == [] and store.get_lead(lead.id).name == "Siti"
        store.subscribe("telegram:1", "telegram", "info", consent_version="v1")
        assert store.audience_count("info") == 1
    finally:
        store.dispose()
