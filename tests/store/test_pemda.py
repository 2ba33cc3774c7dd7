"""The Pemda view's store part on SQLite and PostgreSQL: the pemda role scoped to a regency (audited, never a
staff role), the Pemda's own estimates (newest per sector), and one regency's additive aggregates."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar import pemda
from lingkar.store import PEMDA_ROLE, STAFF_ROLES

KOLAKA, KENDARI = "Kabupaten Kolaka", "Kota Kendari"


def _lead(store, n, regency=KOLAKA, sector="perikanan", type="enrolment"):
    return store.upsert_lead(sender_id=f"telegram:{n}", channel="telegram", name=f"Pekerja {n}",
                             phone=f"08121000{n:04d}", consent_version="v1", regency=regency, sector=sector,
                             type=type).lead


def test_pemda_role_is_scoped_audited_and_not_a_staff_role(store):
    assert PEMDA_ROLE not in STAFF_ROLES
    user = store.add_pemda(555001, KOLAKA, "Disnaker Kolaka", actor="telegram:1")
    assert (user.role, user.regency, user.active, user.is_pemda, user.is_admin) == ("pemda", KOLAKA, True, True, False)
    assert store.role_of(555001) == "pemda"
    moved = store.add_pemda(555001, KENDARI, actor="telegram:1")
    assert moved.regency == KENDARI and moved.name == "Disnaker Kolaka"
    actions = [(e.action, e.details.get("regency")) for e in store.audit_entries(target_type="staff",
                                                                                   target_id=555001)]
    assert actions == [("staff.updated", KENDARI), ("staff.added", KOLAKA)]
    # made staff later: the regency scope goes
    staff = store.add_staff(555001, None, "staff", actor="telegram:1")
    assert (staff.role, staff.regency, staff.is_pemda) == ("staff", None, False)
    with pytest.raises(ValueError):
        store.add_pemda(555002, "  ", actor="telegram:1")
    with pytest.raises(ValueError):
        store.add_staff(555003, None, "pemda", actor="telegram:1")  # only add_pemda gives it (with a regency)


def test_estimates_newest_per_sector_with_history(store, clock):
    store.record_pemda_estimate(KOLAKA, "perikanan", 12000, "Sakernas 2024", dt.date(2024, 8, 1), "telegram:9")
    clock.advance(minutes=5)
    newer = store.record_pemda_estimate(KOLAKA, "perikanan", 12500, "Sakernas 2025", dt.date(2025, 8, 1),
                                        "telegram:9")
    store.record_pemda_estimate(KOLAKA, "semua", 90000, "BPS Kolaka Dalam Angka", dt.date(2025, 12, 31),
                                "telegram:9")
    store.record_pemda_estimate(KENDARI, "perikanan", 777, "lain", dt.date(2025, 1, 1), "telegram:8")
    got = store.pemda_estimates(KOLAKA)
    assert set(got) == {"perikanan", "semua"}
    assert got["perikanan"] == newer and got["perikanan"].workers == 12500
    assert got["perikanan"].source == "Sakernas 2025"
    assert got["perikanan"].as_of == dt.date(2025, 8, 1)
    assert store.pemda_estimates("kabupaten kolaka")["semua"].workers == 90000  # regency matched without case
    assert len(store.audit_entries(target_type="regency", target_id=KOLAKA)) == 3
    with pytest.raises(ValueError):
        store.record_pemda_estimate(KOLAKA, "jasa", -1, "x y z", dt.date(2025, 1, 1), "telegram:9")
    with pytest.raises(ValueError):
        store.record_pemda_estimate(KOLAKA, "jasa", 10, "  ", dt.date(2025, 1, 1), "telegram:9")


def test_regency_cells_are_additive_and_scoped(store, clock):
    # people 1-3 chat in November; 1 and 2 later check in Kolaka, 3 in Kendari; 1 checks twice (counted once)
    for n in (1, 2, 3):
        store.record_event("chat_started", channel="telegram", sender_id=f"telegram:{n}")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1", sector="perikanan")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1", regency=KOLAKA,
                       sector="perikanan")  # the regency named after the result
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:2", regency=KOLAKA,
                       sector="pertanian")
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:3", regency=KENDARI,
                       sector="jasa")
    clock.advance(days=10)  # December (WITA)
    store.record_event("eligibility_checked", channel="telegram", sender_id="telegram:1", regency=KOLAKA,
                       sector="perikanan")
    a, b = _lead(store, 1), _lead(store, 2, sector="pertanian")
    _lead(store, 3, regency=KENDARI)
    _lead(store, 4, type="sponsor_offer", sector=None)  # a donor, not a worker
    store.claim_lead(a.id, "telegram:7")
    store.set_lead_status(a.id, "contacted", "telegram:7")
    store.set_lead_status(a.id, "registered", "telegram:7")
    store.claim_lead(b.id, "telegram:7")
    store.set_lead_status(b.id, "contacted", "telegram:7")
    store.apply_agent(telegram_user_id=801, name="Agen A", organisation="Kop", regency=KOLAKA, phone="081300001111",
                      consent_version="agen-1")
    approved = store.apply_agent(telegram_user_id=802, name="Agen B", organisation="Kop", regency=KOLAKA,
                                 phone="081300001112", consent_version="agen-1")
    store.set_agent_status(approved.id, "approved", actor="telegram:7")

    nov, dec = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    cells = store.pemda_cells(KOLAKA)
    assert sorted(cells["chats"], key=str) == sorted([(nov, "perikanan"), (nov, "pertanian")], key=str)
    assert sorted(cells["checks"], key=str) == sorted([(nov, "perikanan"), (nov, "pertanian")], key=str)
    assert sorted(cells["leads"], key=str) == sorted([(dec, "perikanan"), (dec, "pertanian")], key=str)
    assert sorted(cells["contacted"], key=str) == sorted([(dec, "perikanan"), (dec, "pertanian")], key=str)
    assert cells["registered"] == [(dec, "perikanan")]
    assert store.pemda_cells(KENDARI)["checks"] == [(nov, "jasa")]
    assert store.pemda_cells("Kabupaten Buton") == {s: [] for s, _ in pemda.STAGES}
    assert store.active_agents_in(KOLAKA) == 1 and store.active_agents_in(KENDARI) == 0
    assert store.subscribers_in(KOLAKA) == {"info": 0, "pengingat": 0}  # tests/store/test_subscriptions.py


# ---------------------------------------------------------------------------------------------- the rule (pure)
def test_small_numbers_and_totals_that_could_be_differenced():
    assert [pemda.shown(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1.234"]
    assert pemda.total(3, [[1, 2]]).text == "<5"
    assert pemda.total(0, [[0, 0]]).text == "0"
    assert pemda.total(20, [[10, 10], [5, 15]]).text == "20"  # no part suppressed: exact
    # one month is "<5": the exact 13 would give it away (13 - 5 - 6 = 2): a bound from the shown parts instead
    t = pemda.total(13, [[5, 6, 2], [13]])
    assert (t.text, t.kind, t.bound) == ("≥ 12", "atleast", 12)
    assert pemda.total(7, [[3, 4]]).text == "≥ 5"  # only "<5" parts: the bound is never below 5


def test_coverage_keeps_the_bound():
    exact = pemda.coverage(pemda.Total("250", "exact", 250), 10000, 37)
    assert (exact.share, exact.remaining, exact.per_month) == ("2,5 %", "9.750", "264")
    small = pemda.coverage(pemda.Total("<5", "small", 5), 1000, 37)
    assert (small.registered, small.share, small.remaining) == ("<5", "< 0,5 %", "> 995")
    low = pemda.coverage(pemda.Total("≥ 12", "atleast", 12), 1000, 10)
    assert (low.share, low.remaining, low.per_month) == ("≥ 1,2 %", "≤ 988", "≤ 99")
    assert pemda.coverage(pemda.Total("7", "exact", 7), None, 10).share == "—"


def test_report_months_sectors_and_goal():
    nov, dec = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    cells = {"chats": [(nov, "jasa")] * 6 + [(dec, "jasa")] * 2, "checks": [(dec, None)], "leads": [],
             "contacted": [], "registered": [(nov, "jasa")] * 7}
    r = pemda.build_report(KOLAKA, cells, {}, 3, {"info": None, "pengingat": None}, dt.date(2026, 12, 2), 2029)
    assert [m.key for m in r.months] == ["2026-12", "2026-11"]
    assert r.months[0].cells["chats"] == "<5" and r.months[1].cells["chats"] == "6"
    assert r.total.cells["chats"] == "≥ 7" and r.total.cells["registered"] == "7"
    jasa = next(s for s in r.sectors if s.key == "jasa")
    assert jasa.cells["chats"] == "8" and r.sectors[-1].label == pemda.UNKNOWN_SECTOR
    assert r.agents == "<5" and r.subscribers == {"info": "belum tersedia", "pengingat": "belum tersedia"}
    assert r.months_left == 37  # December 2026 to December 2029
    rows = pemda.csv_rows(r)
    assert rows[0] == pemda.CSV_COLUMNS and rows[1][:3] == ("total", "total", "Jumlah")
