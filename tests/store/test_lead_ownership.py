"""A lead belongs to the sender who created it (issue 9, item 1), against SQLite and a real PostgreSQL.

Another sender who types the same phone or NIK never changes, reveals or confirms someone else's lead: they get a
lead of their own, and staff see both marked as possible duplicates, linked to each other. The reference number a
worker is shown is random, not the database id.
"""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from lingkar.store import Store
from lingkar.store.models import leads

from .test_store import NIK_BUDI, NIK_SITI, lead_kwargs

ALICE = "telegram:1001"
BOB = "telegram:2002"
REFERENCE = re.compile(r"^LK-[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$")


def raw_row(store: Store, lead_id: int) -> dict:
    """The stored row of a lead, every column."""
    with store.engine.connect() as conn:
        return dict(conn.execute(select(leads).where(leads.c.id == lead_id)).one()._mapping)


def links(store: Store, lead_id: int):
    return [(d.id, d.reference, d.reason) for d in store.get_lead(lead_id).possible_duplicates]


def test_another_sender_with_the_same_phone_gets_a_new_lead(store, clock):
    alice = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    before = raw_row(store, alice.id)
    clock.advance(minutes=5)
    res = store.upsert_lead(**lead_kwargs(sender_id=BOB, name="Orang Lain", phone="+62 812 3456 7890",
                                          regency="Kabupaten Muna", nik=None, contact_time="malam"))
    bob = res.lead
    assert res.created is True and bob.id != alice.id
    assert (bob.name, bob.sender_id, bob.regency, bob.contact_time) == ("Orang Lain", BOB, "Kabupaten Muna", "malam")
    assert raw_row(store, alice.id) == before  # not a single column of the first lead changed
    assert store.count_leads() == 2
    # both are marked for staff, each pointing at the other
    assert links(store, alice.id) == [(bob.id, bob.reference, "phone")]
    assert links(store, bob.id) == [(alice.id, alice.reference, "phone")]
    assert bob.possible_duplicates == store.get_lead(bob.id).possible_duplicates
    # the second sender's lead went through the same steps as any new lead
    topics = [e.topic for e in store.claim_outbox("t", limit=10)]
    assert topics == ["lead.created", "lead.created"]
    assert [h.to_status for h in bob.history] == ["new"]


def test_another_sender_with_the_same_nik_gets_a_new_lead(store, clock):
    alice = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    before = raw_row(store, alice.id)
    clock.advance(minutes=5)
    res = store.upsert_lead(**lead_kwargs(sender_id=BOB, name="Orang Lain", phone="085298765432", nik=NIK_SITI))
    assert res.created is True and res.lead.id != alice.id
    assert res.lead.phone == "+6285298765432" and res.lead.nik == NIK_SITI
    assert raw_row(store, alice.id) == before
    assert links(store, alice.id) == [(res.lead.id, res.lead.reference, "nik")]
    assert links(store, res.lead.id) == [(alice.id, alice.reference, "nik")]


def test_the_same_channel_is_part_of_the_owner(store):
    """The same sender id on another channel is another owner (owner = channel + sender id)."""
    first = store.upsert_lead(**lead_kwargs(sender_id="rest:77", channel="rest")).lead
    other = store.upsert_lead(**lead_kwargs(sender_id="rest:77", channel="webchat")).lead
    assert other.id != first.id and [d.id for d in other.possible_duplicates] == [first.id]


def test_a_third_sender_is_linked_to_both_and_a_match_on_phone_and_nik_says_so(store):
    a = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    b = store.upsert_lead(**lead_kwargs(sender_id=BOB)).lead
    c = store.upsert_lead(**lead_kwargs(sender_id="whatsapp:3003", channel="whatsapp", nik=NIK_SITI)).lead
    assert sorted(links(store, c.id)) == [(a.id, a.reference, "phone+nik"), (b.id, b.reference, "phone")]
    assert sorted(d.id for d in store.get_lead(a.id).possible_duplicates) == [b.id, c.id]
    listed = {x.id: sorted(d.id for d in x.possible_duplicates) for x in store.list_leads()}
    assert listed == {a.id: [b.id, c.id], b.id: [a.id, c.id], c.id: [a.id, b.id]}


def test_the_same_sender_still_updates_their_own_open_lead(store, clock):
    first = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    store.upsert_lead(**lead_kwargs(sender_id=BOB))  # someone else with the same phone in between
    clock.advance(minutes=5)
    by_phone = store.upsert_lead(**lead_kwargs(sender_id=ALICE, contact_time="sore", nik=None))
    assert by_phone.created is False and by_phone.lead.id == first.id and by_phone.lead.contact_time == "sore"
    by_nik = store.upsert_lead(**lead_kwargs(sender_id=ALICE, phone="085298765432", nik=NIK_SITI))
    assert by_nik.created is False and by_nik.lead.id == first.id and by_nik.lead.phone == "+6285298765432"
    assert by_nik.lead.reference == first.reference
    assert store.count_leads() == 2


def test_a_family_phone_from_one_sender_makes_two_leads_not_duplicates(store):
    siti = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    budi = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_BUDI, name="Budi", age=41)).lead
    assert siti.id != budi.id
    assert budi.possible_duplicates == [] and store.get_lead(siti.id).possible_duplicates == []


def test_own_data_and_deletion_never_reach_another_senders_lead(store):
    alice = store.upsert_lead(**lead_kwargs(sender_id=ALICE, nik=NIK_SITI)).lead
    bob = store.upsert_lead(**lead_kwargs(sender_id=BOB, name="Orang Lain", nik=NIK_SITI)).lead
    seen = store.data_for_sender(BOB)
    assert [x["id"] for x in seen["leads"]] == [bob.id]
    assert alice.reference not in str(seen) and "possible_duplicates" not in seen["leads"][0]
    assert "Siti Aminah" not in str(seen)
    counts = store.delete_sender_data(BOB)
    assert counts["leads"] == 1
    kept = store.get_lead(alice.id)
    assert kept is not None and kept.name == "Siti Aminah" and kept.possible_duplicates == []
    assert store.get_lead(bob.id) is None


def test_the_reference_is_random_unique_and_not_the_id(store):
    made = [store.upsert_lead(**lead_kwargs(sender_id=f"telegram:{i}", phone=f"0812999900{i:02d}")).lead
            for i in range(30)]
    refs = [x.reference for x in made]
    assert all(REFERENCE.match(r) for r in refs), refs
    assert len(set(refs)) == len(refs)
    assert all(x.reference[3:] not in (str(x.id), f"{x.id:06d}") for x in made)
    assert sorted(refs) != refs  # not a counter in disguise (30 random ones in order: about 1 in 10**32)
    one = made[7]
    for typed in (one.reference, one.reference.lower(), one.reference[3:], " " + one.reference.replace("-", " ")):
        assert store.get_lead_by_reference(typed).id == one.id, typed
    unused = next(r for r in ("LK-ZZZZZZ", "LK-YYYYYY") if r not in refs)
    assert store.get_lead_by_reference(unused) is None
    assert store.get_lead_by_reference("12") is None and store.get_lead_by_reference("") is None
    assert [x.id for x in store.list_leads(search=one.reference.lower())] == [one.id]


def test_the_csv_names_the_possible_duplicates(store):
    a = store.upsert_lead(**lead_kwargs(sender_id=ALICE)).lead
    b = store.upsert_lead(**lead_kwargs(sender_id=BOB)).lead
    c = store.upsert_lead(**lead_kwargs(sender_id="telegram:3", phone="081377776666")).lead
    table = list(csv.DictReader(io.StringIO(store.export_leads_csv())))
    by_id = {int(r["id"]): r for r in table}
    assert by_id[a.id]["reference"] == a.reference
    assert by_id[a.id]["possible_duplicate_of"] == b.reference
    assert by_id[b.id]["possible_duplicate_of"] == a.reference
    assert by_id[c.id]["possible_duplicate_of"] == ""
