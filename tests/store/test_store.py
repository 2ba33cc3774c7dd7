"""Every store operation, against SQLite and a real PostgreSQL (see conftest.py)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, text

from lingkar.store import (
    LeadClaimedError,
    LeadValidationError,
    NotFound,
    Store,
    current,
)
from lingkar.store import migrate as m
from lingkar.store.models import audit_log, lead_status_history, leads, metric_events, outbox

NIK_SITI = "7401054507900001"   # Sultra, woman born 5 Jul 1990 (36 on 24 Nov 2026)
NIK_BUDI = "7402011203850002"   # Sultra, man born 12 Mar 1985 (41)


def lead_kwargs(**over):
    base = dict(sender_id="telegram:1001", channel="telegram", name="Siti Aminah", phone="0812-3456-7890",
                consent_version="pdp-2026-11", regency="Kota Kendari", occupation="nelayan", sector="perikanan",
                age=36, income=2_000_000, contact_time="pagi", eligibility={"category": "BPU", "monthly": 16800})
    base.update(over)
    return base


def rows(store: Store, table, *where):
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).where(*where).order_by(table.c.id))]


# ---------------------------------------------------------------------------------------- leads
def test_new_lead_is_stored_with_history_audit_outbox_and_event(store, clock):
    res = store.upsert_lead(**lead_kwargs(nik=NIK_SITI, referral="ag7x2k"))
    lead = res.lead
    assert res.created is True
    assert lead.id > 0 and lead.status == "new" and lead.type == "enrolment"
    assert lead.phone == "+6281234567890"
    assert lead.nik == NIK_SITI
    assert lead.referral == "AG7X2K" and lead.referral_known is False
    assert lead.eligibility == {"category": "BPU", "monthly": 16800}
    assert lead.created_at == clock() and lead.consent_at == clock() and lead.consent_version == "pdp-2026-11"
    assert [(h.from_status, h.to_status, h.actor) for h in lead.history] == [(None, "new", "owner")]
    events = rows(store, outbox)
    assert [(e["topic"], e["lead_id"]) for e in events] == [("lead.created", lead.id)]
    # the outbox carries ids and categories, never the person's name, phone or NIK
    payload = str(events[0]["payload"])
    assert "Siti" not in payload and "81234567890" not in payload and NIK_SITI not in payload
    assert [a["action"] for a in rows(store, audit_log)] == ["lead.created"]
    created = rows(store, metric_events, metric_events.c.kind == "lead_created")
    assert len(created) == 1 and created[0]["lead_id"] == lead.id and created[0]["regency"] == "Kota Kendari"
    assert created[0]["subject"] and "1001" not in created[0]["subject"]
    assert store.get_lead(lead.id) == lead


def test_same_phone_with_open_lead_updates_it(store, clock):
    first = store.upsert_lead(**lead_kwargs(referral="AGENT1")).lead
    clock.advance(minutes=5)
    second = store.upsert_lead(**lead_kwargs(phone="+62 812 3456 7890", name="Siti A.", regency=None,
                                             age=None, contact_time="sore", referral="AGENT2",
                                             sender_id="telegram:1001"))
    assert second.created is False
    lead = second.lead
    assert lead.id == first.id
    assert lead.name == "Siti A." and lead.contact_time == "sore"
    assert lead.regency == "Kota Kendari" and lead.age == 36  # None never erases what is stored
    assert lead.referral == "AGENT1"  # the first agent keeps the credit
    assert lead.updated_at == clock() and lead.created_at == first.created_at
    assert store.count_leads() == 1
    events = rows(store, outbox)
    assert [e["topic"] for e in events] == ["lead.created", "lead.updated"]
    assert events[1]["payload"]["regency"] == "Kota Kendari"  # the stored lead, not the partial request
    assert events[1]["payload"]["fields"] == ["contact_time", "name"]
    assert len(rows(store, metric_events, metric_events.c.kind == "lead_created")) == 1


def test_same_nik_with_new_phone_updates_the_lead(store):
    first = store.upsert_lead(**lead_kwargs(nik=NIK_SITI)).lead
    res = store.upsert_lead(**lead_kwargs(nik=NIK_SITI, phone="085298765432"))
    assert res.created is False and res.lead.id == first.id
    assert res.lead.phone == "+6285298765432"
    # from another sender the same NIK is another lead (tests/store/test_lead_ownership.py)
    other = store.upsert_lead(**lead_kwargs(nik=NIK_SITI, phone="085298765432", sender_id="whatsapp:628529"))
    assert other.created is True and store.get_lead(first.id).sender_id == "telegram:1001"


def test_a_closed_lead_is_not_reopened(store):
    first = store.upsert_lead(**lead_kwargs()).lead
    store.set_lead_status(first.id, "registered", actor="telegram:900")
    again = store.upsert_lead(**lead_kwargs())
    assert again.created is True and again.lead.id != first.id
    assert store.count_leads() == 2


def test_shared_family_phone_with_different_niks_makes_two_leads(store):
    a = store.upsert_lead(**lead_kwargs(nik=NIK_SITI)).lead
    b = store.upsert_lead(**lead_kwargs(nik=NIK_BUDI, name="Budi", age=41)).lead
    assert a.id != b.id and a.phone == b.phone
    # the same phone without a NIK is taken to be the first person's
    c = store.upsert_lead(**lead_kwargs(name="Siti Aminah")).lead
    assert c.id == a.id


def test_lead_types_are_kept_apart(store):
    enrol = store.upsert_lead(**lead_kwargs()).lead
    request = store.upsert_lead(**lead_kwargs(type="sponsorship_request")).lead
    offer = store.upsert_lead(**lead_kwargs(type="sponsor_offer", name="PT Tambang Jaya", sponsor_organisation="PT "
                                            "Tambang Jaya", sponsor_workers=50, sponsor_regency="Kabupaten Kolaka",
                                            donor_kind="csr", occupation=None, age=None, income=None,
                                            eligibility=None)).lead
    assert len({enrol.id, request.id, offer.id}) == 3
    assert offer.sponsor_workers == 50 and offer.donor_kind == "csr"
    both = store.list_leads(type=["sponsor_offer", "sponsorship_request"])
    assert {lead.id for lead in both} == {request.id, offer.id}


@pytest.mark.parametrize("over, field", [
    (dict(phone="0401 3123456"), "phone"),
    (dict(phone="12"), "phone"),
    (dict(nik="7401054507900000"), "nik"),
    (dict(nik="740105450790001"), "nik"),
    (dict(nik=NIK_SITI, age=50), "nik"),
    (dict(name="   "), "name"),
    (dict(consent_version=""), "consent"),
    (dict(type="loan"), "type"),
    (dict(age="tiga puluh"), "age"),
    (dict(donor_kind="alien"), "donor_kind"),
])
def test_bad_fields_are_refused_and_nothing_is_stored(store, over, field):
    with pytest.raises(LeadValidationError) as err:
        store.upsert_lead(**lead_kwargs(**over))
    assert err.value.field == field
    assert err.value.message  # Indonesian text for the worker
    assert store.count_leads() == 0 and rows(store, outbox) == []


def test_referral_is_known_only_for_an_approved_agent(store):
    agent = store.apply_agent(telegram_user_id=555, name="Pak Agen", organisation="Koperasi Nelayan",
                              regency="Kabupaten Konawe", phone="081300001111", consent_version="pdp-2026-11")
    before = store.upsert_lead(**lead_kwargs(referral=agent.code.lower())).lead
    assert before.referral == agent.code and before.referral_known is False
    store.set_agent_status(agent.id, "approved", actor="telegram:900")
    after = store.upsert_lead(**lead_kwargs(phone="081311112222", sender_id="telegram:1002",
                                            referral=agent.code)).lead
    assert after.referral_known is True


def test_status_change_writes_history_audit_and_event(store, clock):
    lead = store.upsert_lead(**lead_kwargs()).lead
    clock.advance(hours=1)
    changed = store.set_lead_status(lead.id, "contacted", actor="telegram:900", note="ditelepon, minta besok")
    assert changed.status == "contacted" and changed.status_changed_at == clock()
    assert [(h.from_status, h.to_status, h.actor, h.note) for h in changed.history] == [
        (None, "new", "owner", None), ("new", "contacted", "telegram:900", "ditelepon, minta besok")]
    noted = store.add_lead_note(lead.id, "telegram:901", "sudah daftar JMO?")
    assert noted.status == "contacted" and noted.history[-1].note == "sudah daftar JMO?"
    assert noted.status_changed_at == changed.status_changed_at
    audit = store.audit_entries(target_type="lead", target_id=lead.id)
    assert [a.action for a in audit][:2] == ["lead.note", "lead.status"]  # a note is audited as a note
    assert audit[1].details == {"from": "new", "to": "contacted", "note": True}
    ev = rows(store, metric_events, metric_events.c.kind == "lead_status_changed")
    assert [(e["lead_id"], e["status"], e["subject"]) for e in ev] == [(lead.id, "contacted", None)]
    with pytest.raises(NotFound):
        store.set_lead_status(99999, "contacted", actor="telegram:900")
    with pytest.raises(ValueError):
        store.set_lead_status(lead.id, "lost", actor="telegram:900")


def test_claim_lead(store):
    lead = store.upsert_lead(**lead_kwargs()).lead
    mine = store.claim_lead(lead.id, "telegram:900")
    assert mine.claimed_by == "telegram:900" and mine.claimed_at is not None
    assert store.claim_lead(lead.id, "telegram:900").claimed_by == "telegram:900"  # idempotent
    with pytest.raises(LeadClaimedError) as err:
        store.claim_lead(lead.id, "telegram:901")
    assert err.value.claimed_by == "telegram:900"
    assert store.claim_lead(lead.id, "telegram:901", force=True).claimed_by == "telegram:901"
    claims = [a for a in store.audit_entries(target_type="lead") if a.action == "lead.claim"]
    assert [(a.actor, a.details["previous"]) for a in claims] == [("telegram:901", "telegram:900"),
                                                                   ("telegram:900", None)]
    with pytest.raises(NotFound):
        store.claim_lead(424242, "telegram:900")


def test_list_leads_filters(store, clock):
    a = store.upsert_lead(**lead_kwargs(referral="AG1")).lead
    clock.advance(hours=30)
    b = store.upsert_lead(**lead_kwargs(sender_id="telegram:2", name="Budi Santoso", phone="081399998888",
                                        regency="Kabupaten Kolaka")).lead
    clock.advance(hours=20)
    c = store.upsert_lead(**lead_kwargs(sender_id="telegram:3", name="Wa Ode", phone="085211112222",
                                        regency="Kabupaten Muna", type="sponsorship_request", referral="AG1")).lead
    store.set_lead_status(b.id, "unreachable", actor="telegram:900")
    ids = lambda leads_: [x.id for x in leads_]  # noqa: E731
    assert ids(store.list_leads()) == [c.id, b.id, a.id]
    assert ids(store.list_leads(oldest_first=True)) == [a.id, b.id, c.id]
    assert ids(store.list_leads(status="new")) == [c.id, a.id]
    assert ids(store.list_leads(open_only=True)) == [c.id, a.id]
    assert ids(store.list_leads(regency="kabupaten kolaka")) == [b.id]
    assert ids(store.list_leads(agent="ag1")) == [c.id, a.id]
    assert ids(store.list_leads(type="sponsorship_request")) == [c.id]
    assert ids(store.list_leads(older_than_hours=48)) == [a.id]
    assert ids(store.list_leads(older_than_hours=10)) == [b.id, a.id]
    assert ids(store.list_leads(untouched_hours=48, open_only=True)) == [a.id]  # the 48-hour reminder
    assert ids(store.list_leads(search="budi")) == [b.id]
    assert ids(store.list_leads(search="0852-1111")) == [c.id]
    assert ids(store.list_leads(search=str(a.id))) == [a.id]
    assert ids(store.list_leads(search="100%_")) == []
    assert ids(store.list_leads(limit=1, offset=1)) == [b.id]
    assert store.count_leads(open_only=True) == 2 and store.count_leads(agent="AG1", type="enrolment") == 1
    assert ids(store.list_leads(created_from=a.created_at + dt.timedelta(hours=1))) == [c.id, b.id]
    assert store.leads_for_sender("telegram:2")[0].id == b.id
    assert store.leads_for_sender("telegram:2")[0].history[-1].to_status == "unreachable"


def test_export_csv(store):
    store.upsert_lead(**lead_kwargs(nik=NIK_SITI, name="=HYPERLINK(\"http://x\")"))
    store.upsert_lead(**lead_kwargs(sender_id="telegram:2", name="Budi", phone="081399998888"))
    text_ = store.export_leads_csv()
    table = list(csv.reader(io.StringIO(text_)))
    assert table[0][:3] == ["id", "type", "status"] and len(table) == 3
    header = table[0]
    first = dict(zip(header, table[1]))
    assert first["nik"] == "7401**********01"
    assert first["name"].startswith("'=")  # a spreadsheet will not run it
    assert first["phone"] == "+6281234567890"
    assert first["eligibility_category"] == "BPU"
    full = dict(zip(header, list(csv.reader(io.StringIO(store.export_leads_csv(full_nik=True))))[1]))
    assert full["nik"] == NIK_SITI
    out = io.StringIO()
    store.export_leads_csv(out, status="contacted")
    assert out.getvalue().strip() == ",".join(header)


# ---------------------------------------------------------------------------------------- own data
def test_data_for_sender_and_deletion(store, clock):
    agent = store.apply_agent(telegram_user_id=1001, name="Siti Aminah", organisation="Kelompok Tani",
                              regency="Kota Kendari", phone="0812-3456-7890", consent_version="pdp-2026-11")
    store.set_agent_status(agent.id, "approved", actor="telegram:900")
    store.record_event("chat_started", channel="telegram", sender_id="telegram:1001", agent_code=agent.code)
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1001")
    mine = store.upsert_lead(**lead_kwargs(nik=NIK_SITI)).lead
    store.set_lead_status(mine.id, "registered", actor="telegram:900", note="sudah daftar")
    mine2 = store.upsert_lead(**lead_kwargs(type="sponsorship_request")).lead
    store.record_handoff("telegram:1001", "telegram", topic="mau tanya klaim JHT 0812 3456 7890")
    other = store.upsert_lead(**lead_kwargs(sender_id="telegram:2", name="Budi", phone="081399998888")).lead
    store.record_handoff("telegram:2", "telegram", topic="halo")

    data = store.data_for_sender("telegram:1001")
    assert [x["id"] for x in data["leads"]] == [mine.id, mine2.id]
    assert data["leads"][0]["nik"] == NIK_SITI and data["leads"][0]["history"][-1]["note"] == "sudah daftar"
    assert len(data["handoffs"]) == 1 and data["agent"]["code"] == agent.code and data["staff"] is None
    assert data["anonymous_events"] >= 4
    funnel_before = store.funnel()[0]

    deleted = store.delete_sender_data("telegram:1001")
    assert deleted["leads"] == 2 and deleted["handoffs"] == 1 and deleted["agent"] == 1
    assert deleted["status_history"] == 3 and deleted["outbox"] >= 3 and deleted["events_unlinked"] >= 4

    after = store.data_for_sender("telegram:1001")
    assert after["leads"] == [] and after["handoffs"] == [] and after["agent"] is None
    assert after["anonymous_events"] == 0
    assert store.get_lead(mine.id) is None
    assert rows(store, lead_status_history, lead_status_history.c.lead_id == mine.id) == []
    assert rows(store, outbox, outbox.c.lead_id == mine.id) == []
    # nothing personal of hers is left anywhere
    with store.engine.connect() as conn:
        for table in ("leads", "agents", "handoffs", "lead_status_history", "audit_log", "outbox", "metric_events"):
            dump = " ".join(str(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {table}")))
            for secret in ("Siti", "81234567890", NIK_SITI, "telegram:1001", "JHT"):
                assert secret not in dump, (table, secret)
    # the agent code survives for attribution, without the person
    gone = store.agent_by_code(agent.code)
    assert gone.name is None and gone.phone is None and gone.telegram_user_id is None and gone.status == "inactive"
    # the other person is untouched
    assert store.get_lead(other.id) is not None and len(store.list_handoffs()) == 1
    # the anonymous counts stay
    assert store.funnel()[0] == funnel_before
    assert store.counters("data_deletions") == {"data_deletions": {"2026-11": 1}}
    assert store.counters("leads_deleted")["leads_deleted"]["2026-11"] == 2
    assert store.delete_sender_data("telegram:1001")["leads"] == 0


# ---------------------------------------------------------------------------------------- outbox
def test_outbox_claim_ack_and_lease(store, db_url, clock):
    for i in range(3):
        store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{i}", phone=f"08129999000{i}"))
    a = Store(db_url, clock=clock)
    b = Store(db_url, clock=clock)
    try:
        got_a = a.claim_outbox("notifier-a", limit=2, lease_seconds=30)
        assert [e.topic for e in got_a] == ["lead.created", "lead.created"] and got_a[0].attempts == 1
        got_b = b.claim_outbox("notifier-b", limit=10, lease_seconds=30)
        assert [e.id for e in got_b] == [3]  # only what a does not hold
        assert b.ack_outbox(got_b[0].id, "notifier-b") is True
        assert a.ack_outbox(got_a[0].id, "notifier-a") is True
        # a "crashes" holding got_a[1]: nobody gets it while the lease runs
        assert b.claim_outbox("notifier-b", limit=10, lease_seconds=30) == []
        clock.advance(seconds=31)
        again = b.claim_outbox("notifier-b", limit=10, lease_seconds=30)
        assert [e.id for e in again] == [got_a[1].id] and again[0].attempts == 2
        assert a.ack_outbox(got_a[1].id, "notifier-a") is False  # no longer a's
        assert b.ack_outbox(got_a[1].id, "notifier-b") is True
        assert b.ack_outbox(got_a[1].id, "notifier-b") is False  # acked once only
        clock.advance(hours=1)
        assert a.claim_outbox("notifier-a", limit=10) == [] and store.outbox_pending() == 0
        # release hands an event back at once
        store.record_handoff("telegram:7", "telegram", topic="tolong")
        ev = a.claim_outbox("notifier-a", topics=["handoff.requested"])
        assert [e.topic for e in ev] == ["handoff.requested"] and ev[0].handoff_id is not None
        assert a.release_outbox(ev[0].id, "notifier-a") is True
        assert [e.id for e in b.claim_outbox("notifier-b", topics="handoff.requested")] == [ev[0].id]
        assert b.claim_outbox("notifier-b", topics=["lead.created"]) == []
    finally:
        a.dispose()
        b.dispose()


# ---------------------------------------------------------------------------------------- handoffs
def test_handoffs(store):
    h = store.record_handoff("telegram:77", "telegram", referral="ag9", topic="klaim JKK")
    assert h.status == "open" and h.referral == "AG9"
    assert [x.id for x in store.list_handoffs()] == [h.id]
    done = store.set_handoff_status(h.id, "done", actor="telegram:900")
    assert done.status == "done" and done.handled_by == "telegram:900"
    assert store.list_handoffs() == [] and store.get_handoff(h.id).status == "done"
    assert store.event_counts("handoff_requested") == {"handoff_requested": 1}
    with pytest.raises(NotFound):
        store.set_handoff_status(999, "done", actor="telegram:900")


# ---------------------------------------------------------------------------------------- roles
def test_agents_lifecycle_and_roles(store, clock):
    agent = store.apply_agent(telegram_user_id=555, name="Pak La Ode", organisation="Koperasi Nelayan",
                              regency="Kabupaten Buton", phone="+62 813 0000 1111", consent_version="v1")
    assert agent.status == "applied" and len(agent.code) == 6 and agent.phone == "+6281300001111"
    assert store.role_of(555) is None
    assert [e.topic for e in store.claim_outbox("staff", topics="agent.applied")] == ["agent.applied"]
    assert store.agent_by_code(f"ag_{agent.code.lower()}").id == agent.id
    assert store.agent_by_telegram_id(555).id == agent.id
    rejected = store.set_agent_status(agent.id, "rejected", actor="telegram:900")
    assert rejected.decided_by == "telegram:900"
    clock.advance(days=7)  # the re-application cool-down (AGENT_REAPPLY_COOLDOWN)
    again = store.apply_agent(telegram_user_id=555, name="Pak La Ode", organisation="Yayasan Laut",
                              regency="Kabupaten Buton", phone="081300001111", consent_version="v1")
    assert again.id == agent.id and again.code == agent.code and again.status == "applied"
    assert again.organisation == "Yayasan Laut" and again.decided_by is None
    approved = store.set_agent_status(agent.id, "approved", actor="telegram:900")
    assert approved.is_active and store.role_of(555) == "agent"
    assert store.apply_agent(telegram_user_id=555, name="X", organisation=None, regency=None,
                             phone="081300001111", consent_version="v1").status == "approved"
    assert [a.id for a in store.list_agents(status="approved")] == [agent.id]
    actions = [a.action for a in store.audit_entries(target_type="agent", target_id=agent.id)]
    assert actions == ["agent.status", "agent.applied", "agent.status", "agent.applied"]
    with pytest.raises(LeadValidationError):
        store.apply_agent(telegram_user_id=556, name="A", organisation=None, regency=None, phone="021555",
                          consent_version="v1")
    assert store.agent_by_code("NOPE00") is None and store.agent_by_code("") is None


def test_staff_and_roles(store):
    admin = store.ensure_admin(900, "Kepala Cabang")
    assert admin.role == "admin" and admin.active and admin.is_admin
    assert store.ensure_admin(900) == admin  # idempotent
    staff = store.add_staff(901, "Petugas Satu", "staff", actor="telegram:900")
    assert store.role_of(901) == "staff" and store.role_of(900) == "admin" and store.role_of(12345) is None
    store.set_staff_active(901, False, actor="telegram:900")
    assert store.role_of(901) is None and [s.telegram_user_id for s in store.list_staff(active_only=True)] == [900]
    back = store.add_staff(901, None, "admin", actor="telegram:900")
    assert back.active and back.role == "admin" and back.name == "Petugas Satu" and back.id == staff.id
    assert [a.action for a in store.audit_entries(target_type="staff", target_id=901)] == [
        "staff.updated", "staff.inactive", "staff.added"]
    with pytest.raises(ValueError):
        store.add_staff(902, "x", "boss")
    with pytest.raises(NotFound):
        store.set_staff_active(999, True, actor="telegram:900")


# ---------------------------------------------------------------------------------------- metrics
def test_funnel_counts_people_and_leads(store, clock):
    # week 1 (Mon 23 Nov 2026): three people chat through agent A1, two are checked, two become leads
    for who in ("telegram:1", "telegram:2", "telegram:3"):
        store.record_event("chat_started", channel="telegram", sender_id=who, agent_code="a1")
    store.record_event("chat_started", channel="telegram", sender_id="telegram:1", agent_code="A1")  # same person
    for who in ("telegram:1", "telegram:2"):
        store.record_event("eligibility_checked", channel="telegram", sender_id=who, regency="Kabupaten Kolaka",
                           sector="perikanan", agent_code="A1")
    l1 = store.upsert_lead(**lead_kwargs(sender_id="telegram:1", referral="A1", regency="Kabupaten Kolaka")).lead
    l2 = store.upsert_lead(**lead_kwargs(sender_id="telegram:2", phone="081300000002", referral="A1",
                                         regency="Kota Kendari")).lead
    store.upsert_lead(**lead_kwargs(type="sponsor_offer", sender_id="telegram:3", phone="081300000003",
                                    referral="A1", name="PT Donatur"))  # a donor, not a worker
    # week 2: a fourth person without an agent becomes a lead; l1 is contacted then registered
    clock.advance(days=7)
    store.record_event("chat_started", channel="whatsapp", sender_id="whatsapp:4")
    l4 = store.upsert_lead(**lead_kwargs(sender_id="whatsapp:4", channel="whatsapp", phone="081300000004",
                                         regency="Kota Kendari"))
    store.set_lead_status(l1.id, "contacted", actor="telegram:900")
    store.set_lead_status(l1.id, "registered", actor="telegram:900")
    store.set_lead_status(l2.id, "unreachable", actor="telegram:900")
    store.set_lead_status(l4.lead.id, "contacted", actor="telegram:900")

    total = store.funnel()[0]
    assert (total.chats, total.checks, total.leads, total.contacted, total.registered) == (4, 2, 3, 2, 1)
    weeks = {r.group: r for r in store.funnel("week")}
    w1, w2 = weeks[dt.date(2026, 11, 23)], weeks[dt.date(2026, 11, 30)]
    assert (w1.chats, w1.checks, w1.leads, w1.contacted, w1.registered) == (3, 2, 2, 1, 1)
    assert (w2.chats, w2.leads, w2.contacted, w2.registered) == (1, 1, 1, 0)
    by_regency = {r.group: r for r in store.funnel("regency")}
    assert by_regency["Kota Kendari"].leads == 2 and by_regency["Kabupaten Kolaka"].registered == 1
    assert by_regency[None].chats == 4  # chats have no regency yet
    by_agent = {r.group: r for r in store.funnel("agent")}
    assert (by_agent["A1"].chats, by_agent["A1"].leads, by_agent["A1"].registered) == (3, 2, 1)
    assert store.funnel(channel="whatsapp")[0].leads == 1
    assert store.funnel(since=dt.date(2026, 11, 30))[0].chats == 1
    stats = store.agent_stats("a1", today=dt.date(2026, 12, 1))
    assert (stats["total"].chats, stats["total"].leads, stats["total"].registered) == (3, 2, 1)
    assert (stats["month"].chats, stats["month"].leads) == (0, 0)  # December has nothing yet
    assert store.funnel(agent_code="nobody")[0].chats == 0
    with pytest.raises(ValueError):
        store.funnel("colour")


def test_a_regency_named_after_the_result_moves_the_check_out_of_the_unknown_row(store, clock):
    # telegram:1 is checked without a regency, then names it ("saya di kolaka"): a second event with it
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1", sector="pertanian")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1", sector="pertanian",
                       regency="Kabupaten Kolaka")
    # telegram:2 never names one; telegram:3 names it for a check a week later only
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:2", sector="perikanan")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:3", sector="perikanan")
    clock.advance(days=7)
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:3", sector="perikanan",
                       regency="Kota Kendari")
    by_regency = {r.group: r.checks for r in store.funnel("regency")}
    assert by_regency == {"Kabupaten Kolaka": 1, "Kota Kendari": 1, None: 1}
    assert store.funnel()[0].checks == 3  # the total counts each person once, as before
    assert sum(by_regency.values()) == 3
    first_week = {r.group: r.checks for r in store.funnel("regency", until=dt.date(2026, 11, 29))}
    assert first_week == {"Kabupaten Kolaka": 1, None: 2}  # telegram:3 had no regency yet that week
    assert {r.group: r.checks for r in store.funnel("sector")} == {"pertanian": 1, "perikanan": 2}


def test_events_hold_no_personal_data(store):
    store.record_event("chat_started", channel="telegram", sender_id="telegram:31337")
    (ev,) = rows(store, metric_events)
    assert ev["subject"] and "31337" not in ev["subject"] and len(ev["subject"]) == 32
    assert ev["day"] == dt.date(2026, 11, 24) and ev["week"] == dt.date(2026, 11, 23)
    with pytest.raises(ValueError):
        store.record_event("phone_number_seen")


def test_run_once_state_and_counters(store):
    assert store.run_once("reminder:2026-11-24") is True
    assert store.run_once("reminder:2026-11-24") is False
    assert store.run_once("reminder:2026-11-25") is True
    assert store.get_state("k") is None
    store.set_state("k", "1")
    store.set_state("k", "2")
    assert store.get_state("k") == "2"
    store.bump_counter("x", "2026-11")
    store.bump_counter("x", "2026-11", by=4)
    assert store.counters("x") == {"x": {"2026-11": 5}}


def test_sqlite_connection_settings(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'deep' / 'er' / 'x.db'}")
    try:
        s.migrate()
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        s.dispose()


def test_current_store_without_a_provided_one_uses_database_url_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'var' / 'lingkar.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    s = current()
    try:
        assert s is current() and s.url == url
        assert (tmp_path / "var" / "lingkar.db").exists()
        assert s.current_revision() == m.head_revision()  # migrated to the newest revision
        with s.engine.connect() as conn:
            assert conn.execute(select(leads.c.id)).all() == []
    finally:
        s.dispose()
