"""The eligibility form (validate_eligibility_form and its questions), the result and corrections, with rasa_sdk
trackers (Tracker.from_dict) and a CollectingDispatcher, as the action server runs them."""
from __future__ import annotations

import pytest

from actions.eligibility import (
    ActionAskAge,
    ActionAskIncome,
    ActionAskOccupation,
    ActionAskRegency,
    ActionEligibilityResult,
    ActionInform,
    ValidateEligibilityForm,
)
from actions.forms import MAX_FAILURES, SKIPPED
from actions.leads import ValidateLeadForm
from lingkar.eligibility import read_facts, resolve_occupation
from lingkar.store import Store, provide

from .conftest import TELEGRAM_META, buttons_of, run, texts_of, turn

FORM = "eligibility_form"
V = ValidateEligibilityForm()


async def answer(text, requested, intent="inform", confidence=1.0, slots=None, **kw):
    return await run(V, turn(text, intent, confidence, form=FORM, requested=requested, slots=slots, **kw))


async def lead_answer(text, requested, slots=None, intent="inform", **kw):
    return await run(ValidateLeadForm(), turn(text, intent, form="lead_form", requested=requested,
                                              slots=dict({"consent": "yes"}, **(slots or {})), **kw))


# ------------------------------------------------------------------------------------------------ filling
@pytest.mark.parametrize("text,slots", [
    ("saya nelayan umur 35 penghasilan 2 juta, bisa ikut? berapa iurannya?",
     {"occupation": "nelayan", "age": 35, "income": 2_000_000}),
    ("sy nelayan umur 40 penghasilan 2 juta bisa ikut ga brp iurannya",
     {"occupation": "nelayan", "age": 40, "income": 2_000_000}),
    ("karyawan toko gaji 3jt umur 25, dapat apa aja", {"occupation": "karyawan", "age": 25, "income": 3_000_000}),
])
async def test_one_shot_message_with_occupation_age_and_income_ends_the_form_at_once(text, slots):
    """The regency does not change the result: it is not asked before it."""
    msgs, set_, _ = await run(V, turn(text, "check_eligibility", form=FORM))
    assert set_ == dict(slots, requested_slot=None)
    assert msgs == []  # the result follows at once and says everything


async def test_a_regency_stated_along_the_way_is_kept_but_never_asked():
    _, slots, _ = await run(V, turn("sy petani di konsel, brp iurannya", "check_eligibility", form=FORM))
    assert slots["regency"] == "Kabupaten Konawe Selatan" and slots["requested_slot"] == "age"
    _, slots, _ = await answer("umur 40, tinggal di kolaka", "age", slots={"occupation": "petani"})
    assert slots["regency"] == "Kabupaten Kolaka" and slots["age"] == 40 and slots["requested_slot"] == "income"
    _, slots, _ = await answer("1,5jt", "income", slots={"occupation": "petani", "age": 40})
    assert slots["requested_slot"] is None and "regency" not in slots


# ------------------------------------------------------------------------------------------------ what is known
async def test_a_missing_age_is_asked_after_saying_the_category_and_why_the_age_matters():
    msgs, slots, _ = await run(V, turn("saya karyawan pabrik gaji 3 juta, harusnya dapat program apa aja",
                                       "check_eligibility", form=FORM))
    assert slots == {"occupation": "buruh_pabrik", "income": 3_000_000, "requested_slot": "age"}
    [ack] = msgs
    assert "Penerima Upah (PU)" in ack["text"] and "Rp3.000.000" in ack["text"] and "buruh pabrik" in ack["text"]
    asked, _, _ = await run(ActionAskAge(), turn("x", form=FORM, requested="age", slots=slots))
    assert "JKP" in texts_of(asked) and "54 tahun" in texts_of(asked) and "umur" in texts_of(asked).lower()


@pytest.mark.parametrize("text,occupation,says", [
    ("sy nelayan, iurannya brp?", "nelayan",
     "Sebagai nelayan, Anda termasuk pekerja mandiri (Bukan Penerima Upah, BPU)"),
    ("saya ojol umur 30 bisa ikut?", "ojol", "Sebagai pengemudi ojek online, Anda termasuk pekerja mandiri"),
    ("saya kerja sendiri, bisa ikut bpjs?", "BPU", "Anda termasuk pekerja mandiri (Bukan Penerima Upah, BPU)"),
])
async def test_a_self_employed_worker_hears_the_category_while_the_rest_is_asked(text, occupation, says):
    msgs, slots, _ = await run(V, turn(text, "check_eligibility", form=FORM))
    assert slots["occupation"] == occupation and slots["requested_slot"] in ("age", "income")
    assert says in texts_of(msgs) and len(msgs) == 1
    asked, _, _ = await run((ActionAskAge if slots["requested_slot"] == "age" else ActionAskIncome)(),
                            turn("x", form=FORM, requested=slots["requested_slot"], slots=slots))
    assert ("JHT bisa dicairkan" if slots["requested_slot"] == "age" else "dihitung dari penghasilan") \
        in texts_of(asked)


async def test_the_answer_to_the_occupation_question_is_said_back_with_its_category():
    msgs, slots, _ = await answer("petani", "occupation")
    assert slots["requested_slot"] == "age" and "Sebagai petani, Anda termasuk pekerja mandiri" in texts_of(msgs)


async def test_nothing_is_said_back_for_a_plain_answer_or_before_the_result():
    msgs, _, _ = await answer("35", "age", slots={"occupation": "petani"})
    assert msgs == []
    msgs, slots, _ = await answer("kuli bangunan", "occupation")
    assert slots["requested_slot"] is None and msgs == []  # construction: the result comes at once


async def test_a_changed_occupation_is_said_back_once_with_its_new_category():
    msgs, slots, _ = await answer("eh saya karyawan toko", "income", slots={"occupation": "petani", "age": 30})
    assert slots["occupation"] == "karyawan" and slots["requested_slot"] == "income"
    assert len(msgs) == 1 and "Penerima Upah (PU)" in msgs[0]["text"] and "umur 30 tahun" in msgs[0]["text"]


async def test_a_check_started_with_facts_already_known_says_them_first():
    msgs, slots, _ = await run(V, turn("/check_eligibility", "check_eligibility", form=FORM,
                                       slots={"occupation": "pedagang", "regency": "Kota Kendari"}))
    assert slots["requested_slot"] == "age"
    assert "Sebagai pedagang / penjual, Anda termasuk pekerja mandiri" in texts_of(msgs)
    assert "Kota Kendari" in texts_of(msgs)


async def test_one_shot_with_everything_ends_the_form_at_once():
    _, slots, _ = await run(V, turn("sy ojol di kendari umur 30 penghasilan 1,5jt", "check_eligibility", form=FORM))
    assert slots["occupation"] == "ojol" and slots["regency"] == "Kota Kendari" and slots["income"] == 1_500_000
    assert slots["requested_slot"] is None


async def test_activation_without_facts_asks_the_occupation_first():
    msgs, slots, _ = await run(V, turn("cek kelayakan", "check_eligibility", form=FORM))
    assert slots == {"requested_slot": "occupation"} and msgs == []


@pytest.mark.parametrize("requested,text,slot,value", [
    ("age", "35", "age", 35),
    ("age", "36 thn", "age", 36),
    ("age", "umur saya 52", "age", 52),
    ("income", "1,5jt", "income", 1_500_000),
    ("income", "dua juta", "income", 2_000_000),
    ("income", "Rp 2.500.000", "income", 2_500_000),
    ("income", "2", "income", 2_000_000),
    ("income", "800rb", "income", 800_000),
    ("occupation", "petani", "occupation", "petani"),
    ("occupation", "jualan sayur di pasar", "occupation", "pedagang"),
    ("occupation", "ojek sopir kurir", "occupation", "BPU_TRANSPORT"),
    ("occupation", "kerja sendiri", "occupation", "BPU"),
    ("occupation", "karyawan", "occupation", "karyawan"),
])
async def test_bare_answers_to_the_question_asked(requested, text, slot, value):
    msgs, slots, _ = await answer(text, requested, slots={"occupation": "nelayan"} if slot != "occupation" else {})
    assert slots[slot] == value
    assert slots["requested_slot"] != requested


async def test_a_bare_number_is_an_age_only_when_the_age_was_asked():
    assert "age" not in read_facts("35", requested="income").values
    assert read_facts("35", requested="age").values == {"age": 35}


async def test_answers_in_any_order_fill_the_other_slots_without_a_complaint():
    msgs, slots, _ = await answer("penghasilan 2 juta", "age", slots={"occupation": "petani"})
    assert slots["income"] == 2_000_000 and "age" not in slots and slots["requested_slot"] == "age"
    assert msgs == []


async def test_a_button_payload_with_an_entity_fills_the_slot():
    _, slots, _ = await answer('/inform{"occupation":"nelayan"}', "occupation",
                               entities=[{"entity": "occupation", "value": "nelayan"}])
    assert slots["occupation"] == "nelayan"


async def test_correction_during_the_form_is_taken_and_acknowledged():
    msgs, slots, _ = await answer("eh umur saya 36", "income", slots={"occupation": "petani", "age": 35})
    assert slots["age"] == 36 and slots["requested_slot"] == "income"
    assert "umur 36 tahun" in texts_of(msgs)


async def test_daily_income_is_converted_and_said_back():
    msgs, slots, _ = await answer("100rb sehari", "income", slots={"occupation": "pedagang"})
    assert slots["income"] == 2_600_000
    assert "Rp2.600.000" in texts_of(msgs) and "harian" in texts_of(msgs)


async def test_income_range_uses_the_midpoint():
    msgs, slots, _ = await answer("antara 1 sampai 2 juta", "income", slots={"occupation": "pedagang"})
    assert slots["income"] == 1_500_000 and "nilai tengah" in texts_of(msgs)


async def test_construction_and_migrant_workers_get_the_result_after_the_occupation():
    """Their result depends on nothing else: no income-based contribution, no age rule (calculator)."""
    _, slots, _ = await answer("kuli proyek", "occupation")
    assert slots["occupation"] == "buruh_bangunan" and slots["requested_slot"] is None
    _, slots, _ = await answer("mau kerja ke malaysia", "occupation")
    assert slots["occupation"] == "pmi" and slots["requested_slot"] is None


# ------------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("requested,text,expected", [
    ("age", "150", "salah ketik"),
    ("age", "umur 7", "salah ketik"),
    ("age", "abc", "belum menangkap umurnya"),
    ("income", "banyak deh", "belum menangkap jumlahnya"),
    ("occupation", "astronot", "belum saya kenali"),
])
async def test_bad_answers_get_a_clear_message_and_the_question_again(requested, text, expected):
    before = {"occupation": "nelayan", "age": 30}
    order = ["occupation", "age", "income"]
    known = {k: v for k, v in before.items() if order.index(k) < order.index(requested)}
    msgs, slots, _ = await answer(text, requested, slots=known)
    assert expected in texts_of(msgs)
    assert slots[requested] is None and slots["requested_slot"] == requested
    assert slots["form_failures"] == {"slot": requested, "count": 1, "stuck": False}


@pytest.mark.parametrize("text,suggested", [("kolakka utra", "Kabupaten Kolaka Utara"),
                                            ("muna barta", "Kabupaten Muna Barat"),
                                            ("konawe utra", "Kabupaten Konawe Utara"),
                                            ("bau2", "Kota Baubau")])
async def test_unknown_regency_suggests_the_nearest_names_as_buttons(text, suggested):
    """The regency question (the lead form's; the check reads a regency only when it is stated)."""
    msgs, slots, _ = await lead_answer(text, "regency")
    assert slots["regency"] is None  # a half-matching name is not guessed
    buttons = buttons_of(msgs)
    assert suggested in [b["title"] for b in buttons] and buttons[-1]["payload"] == "lewati"
    for b in buttons[:-1]:  # pressing a suggestion answers the question
        _, again, _ = await lead_answer(b["payload"], "regency")
        assert again["regency"] == b["title"]


@pytest.mark.parametrize("text,regency", [("konsel", "Kabupaten Konawe Selatan"), ("kendri", "Kota Kendari"),
                                          ("Kota Baubau", "Kota Baubau")])
async def test_bare_regency_answers(text, regency):
    _, slots, _ = await lead_answer(text, "regency")
    assert slots["regency"] == regency


async def test_an_unknown_regency_gets_a_clear_message():
    msgs, slots, _ = await lead_answer("jakarta", "regency")
    assert "belum saya kenali" in texts_of(msgs) and slots["regency"] is None


@pytest.mark.parametrize("text,regency", [("kendarii kota", "Kota Kendari"), ("di kendari saja", "Kota Kendari"),
                                          ("saya tinggal di unaaha", "Kabupaten Konawe"),
                                          ("kolaka timur ya kak", "Kabupaten Kolaka Timur")])
async def test_regency_answers_with_extra_words(text, regency):
    _, slots, _ = await lead_answer(text, "regency")
    assert slots["regency"] == regency


async def test_the_question_after_an_unknown_occupation_has_buttons_for_common_ones():
    msgs, _, _ = await run(ActionAskOccupation(), turn("x", form=FORM, requested="occupation"))
    payloads = [b["payload"] for b in buttons_of(msgs)]
    assert {"petani", "nelayan", "pedagang", "karyawan", "buruh bangunan"} <= set(payloads)
    for p in payloads:  # every button answer is understood by the form
        assert resolve_occupation(p) is not None, p


async def test_three_failures_offer_skip_cancel_or_a_person_instead_of_looping():
    slots = {"occupation": "nelayan"}
    for n in range(1, MAX_FAILURES):
        msgs, set_, _ = await answer("hmm", "age", slots=slots)
        assert set_["form_failures"]["count"] == n
        slots["form_failures"] = set_["form_failures"]
    msgs, set_, _ = await answer("hmm", "age", slots=slots)
    assert set_["form_failures"] == {"slot": "age", "count": 0, "stuck": True}
    payloads = [b["payload"] for b in buttons_of(msgs)]
    assert payloads == ["lewati", "/cancel", "/human_handoff"]
    # the question is not repeated right after the offer
    slots["form_failures"] = set_["form_failures"]
    ask_msgs, ask_slots, _ = await run(ActionAskIncome(), turn("x", form=FORM, requested="income", slots=slots))
    assert ask_msgs  # another slot is asked normally
    ask_msgs, ask_slots, _ = await run(ActionAskAge(), turn("x", form=FORM, requested="age", slots=slots))
    assert ask_msgs == [] and ask_slots["form_failures"]["stuck"] is False


async def test_the_occupation_cannot_be_skipped_and_three_failures_offer_the_two_ways_of_working():
    msgs, slots, _ = await answer("lewati", "occupation", intent="cancel", confidence=0.98)
    assert "perlu dijawab" in texts_of(msgs) and slots["occupation"] is None
    state = {"form_failures": {"slot": "occupation", "count": MAX_FAILURES - 1}}
    msgs, slots, _ = await answer("entahlah", "occupation", slots=state)
    assert [b["payload"] for b in buttons_of(msgs)][:2] == ["karyawan", "kerja sendiri"]


@pytest.mark.parametrize("text,intent", [("lewati", "cancel"), ("tidak tahu", "deny"), ("skip", "cancel"),
                                         ("ga tau", "nlu_fallback")])
async def test_optional_questions_can_be_skipped(text, intent):
    msgs, slots, _ = await answer(text, "income", intent=intent, confidence=0.9,
                                  slots={"occupation": "nelayan", "age": 40})
    assert slots["income"] == SKIPPED and slots["requested_slot"] is None  # the result follows
    assert "dilewati" in texts_of(msgs)


# ------------------------------------------------------------------------------------------------ leaving the form
@pytest.mark.parametrize("text,intent", [("batal", "cancel"), ("jht itu apa sih?", "ask_jht"),
                                         ("mau ngomong sama petugas", "human_handoff"), ("hapus data saya",
                                                                                         "delete_my_data")])
async def test_messages_for_something_else_are_left_to_the_rules(text, intent):
    msgs, slots, events = await answer(text, "age", intent=intent, confidence=0.95, slots={"occupation": "petani"})
    # only the requested slot: Rasa rejects the form for this turn and the rules handle the message
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": "age"}]
    assert msgs == []


async def test_after_an_interruption_the_form_reads_nothing_and_asks_again():
    msgs, slots, _ = await run(V, turn("iuran jht berapa?", "ask_jht", form=FORM, requested="age",
                                       slots={"occupation": "petani"}, fresh=False))
    assert slots == {"requested_slot": "age"} and msgs == []


# ------------------------------------------------------------------------------------------------ questions
async def test_income_question_depends_on_the_category():
    pu, _, _ = await run(ActionAskIncome(), turn("x", form=FORM, requested="income", slots={"occupation": "karyawan"}))
    bpu, _, _ = await run(ActionAskIncome(), turn("x", form=FORM, requested="income", slots={"occupation": "petani"}))
    assert "gaji" in texts_of(pu) and "penghasilan" in texts_of(bpu)


async def test_regency_question_offers_common_names_and_skip():
    msgs, _, _ = await run(ActionAskRegency(), turn("x", form=FORM, requested="regency"))
    assert "Kota Kendari" in [b["title"] for b in buttons_of(msgs)]
    assert "lewati" in [b["payload"] for b in buttons_of(msgs)]


# ------------------------------------------------------------------------------------------------ result
async def test_result_shows_category_programmes_todays_amounts_and_next_steps(db):
    slots = {"occupation": "nelayan", "age": 35, "income": 1_000_000, "regency": "Kota Kendari"}
    msgs, set_, _ = await run(ActionEligibilityResult(), turn("kendari", slots=slots, latest_action="eligibility_form"))
    text = texts_of(msgs)
    assert "pekerja mandiri" in text and "JP (pensiun): tidak bisa" in text and "JKP (kehilangan pekerjaan): tidak" \
        in text
    assert "Rp8.400" in text and "normal Rp16.800" in text and "Desember 2026" in text  # PP 50/2025, others
    assert "Rp20.000" in text                                                          # optional JHT, not discounted
    assert "dengan JHT Rp36.800" in text                                  # what JKK+JKM+JHT costs after the discount
    payloads = [b["payload"] for b in buttons_of(msgs)]
    assert payloads[:3] == ["/request_contact", "/ask_register", "/cannot_afford"]
    assert set_["eligibility"]["category"] == "BPU" and set_["eligibility"]["bpu"]["jkk_jkm_pay"] == 8_400
    assert all(len(m["text"]) < 700 for m in msgs)
    counts = db.event_counts("eligibility_checked")
    assert sum(counts.values()) == 1
    assert db.funnel(group_by="regency")  # the event carries the regency for the funnel


async def test_result_event_has_channel_regency_sector_and_agent_code_and_nothing_personal(db):
    slots = {"occupation": "ojol", "age": 30, "income": 2_000_000, "regency": "Kabupaten Kolaka"}
    await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    from sqlalchemy import select

    from lingkar.store.models import metric_events

    with db.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(metric_events))]
    assert len(rows) == 1
    row = rows[0]
    assert (row["kind"], row["channel"], row["regency"], row["sector"], row["agent_code"]) == (
        "eligibility_checked", "telegram", "Kabupaten Kolaka", "transportasi", "AGEN01")
    assert "555001" not in str(row)  # the sender is only a keyed hash


async def test_result_says_so_when_the_bracket_is_not_confirmed(sqlite_db):
    slots = {"occupation": "petani", "age": 40, "income": 2_000_000, "regency": SKIPPED}
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    text = texts_of(msgs)
    assert "belum bisa saya pastikan" in text and "JMO" in text and "175" in text
    assert "JKK 1% dari nilai golongan" in text and "Rp8.400" in text


async def test_result_for_an_agent_link_names_the_agent(sqlite_db):
    slots = {"occupation": "petani", "age": 40, "income": 1_000_000, "regency": "Kota Kendari"}
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    assert "agen yang membagikan tautan" in texts_of(msgs)
    meta = dict(TELEGRAM_META, referral=None, referral_known=None)
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, metadata=meta))
    assert "Agen Perisai di daerah Anda" in texts_of(msgs)


async def test_result_without_a_store_still_answers(monkeypatch):
    provide(Store("postgresql://nobody@127.0.0.1:9/nowhere"), migrate=True)
    slots = {"occupation": "petani", "age": 40, "income": 1_000_000, "regency": "Kota Kendari"}
    msgs, set_, _ = await run(ActionEligibilityResult(), turn("x", slots=slots))
    assert "pekerja mandiri" in texts_of(msgs) and set_["eligibility"]["category"] == "BPU"


# ------------------------------------------------------------------------------------------------ after the result
async def test_correction_after_the_result_recomputes_it(sqlite_db):
    slots = {"occupation": "karyawan", "age": 53, "income": 5_000_000, "regency": "Kota Kendari",
             "eligibility": {"category": "PU"}}
    msgs, set_, _ = await run(ActionInform(), turn("eh umur saya 54", slots=slots, entities=[
        {"entity": "age", "value": 54}]))
    text = texts_of(msgs)
    assert set_["age"] == 54 and "hitung ulang" in text and "umur 54 tahun" in text
    # JKP's age limit applies at registration: at 54 today it depends on the age when enrolled, so the bot asks
    assert "umur berapa waktu mulai ikut?" in text and set_["eligibility"]["programmes"]["JKP"] == "check"


async def test_facts_before_any_check_are_kept_and_the_check_is_offered(sqlite_db):
    msgs, set_, _ = await run(ActionInform(), turn("saya petani di konsel"))
    assert set_ == {"occupation": "petani", "regency": "Kabupaten Konawe Selatan"}
    assert "/check_eligibility" in [b["payload"] for b in buttons_of(msgs)]
    assert sqlite_db.event_counts("eligibility_checked") == {}


async def test_inform_without_facts_gets_the_plain_answer():
    msgs, set_, _ = await run(ActionInform(), turn("oke deh"))
    assert set_ == {} and msgs and "Cek iuran saya" in [b["title"] for b in buttons_of(msgs)]


# ------------------------------------------------------------------------------------------------ the regency after
async def test_the_result_ends_with_an_optional_regency_question_when_it_is_not_known(sqlite_db):
    slots = {"occupation": "nelayan", "age": 40, "income": 2_000_000}
    msgs, set_, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    assert "(Bukan Penerima Upah, BPU)" in texts_of(msgs) and "JKK (kecelakaan kerja): wajib" in texts_of(msgs)
    assert "kabupaten/kota mana" in msgs[-1]["text"] and "boleh dilewati" in msgs[-1]["text"]
    payloads = [b["payload"] for b in msgs[-1]["buttons"]]
    assert '/inform{"regency": "Kota Kendari"}' in payloads
    # the "Langganan info" offer comes between (tests/eligibility/test_subscriptions.py)
    assert [b["payload"] for b in msgs[-2]["buttons"]] == ["/subscribe"]
    assert "/request_contact" in [b["payload"] for b in msgs[-3]["buttons"]]  # the result's own buttons stay
    assert set_["eligibility"]["regency"] is None
    assert sqlite_db.event_counts("eligibility_checked") == {"eligibility_checked": 1}


async def test_no_regency_question_when_the_regency_is_known(sqlite_db):
    slots = {"occupation": "nelayan", "age": 40, "income": 2_000_000, "regency": "Kabupaten Kolaka"}
    msgs, _, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    assert "kabupaten/kota mana" not in texts_of(msgs)


async def test_a_regency_after_the_result_is_noted_and_counted_without_repeating_the_result(sqlite_db):
    slots = {"occupation": "nelayan", "age": 40, "income": 2_000_000}
    _, first, _ = await run(ActionEligibilityResult(), turn("x", slots=slots, latest_action="eligibility_form"))
    slots.update(first)
    # the button: an entity in the payload, understood whatever the NLU makes of a place name
    msgs, set_, _ = await run(ActionInform(), turn('/inform{"regency": "Kabupaten Kolaka"}', slots=slots,
                                                   entities=[{"entity": "regency", "value": "Kabupaten Kolaka"}]))
    text = texts_of(msgs)
    assert "saya catat: Kabupaten Kolaka" in text and "hitung ulang" not in text and "JKK" not in text
    assert set_["regency"] == "Kabupaten Kolaka" and set_["eligibility"]["regency"] == "Kabupaten Kolaka"
    assert set_["eligibility"]["category"] == "BPU"  # the rest of the result is kept for the lead
    assert "/request_contact" in [b["payload"] for b in buttons_of(msgs)]
    rows = {r.group: r.checks for r in sqlite_db.funnel(group_by="regency")}
    assert rows.get("Kabupaten Kolaka") == 1
    assert sqlite_db.funnel()[0].checks == 1  # still one person
    # typed, the same regency again: nothing new to count
    slots.update(set_)
    msgs, set_, _ = await run(ActionInform(), turn("di kolaka", slots=slots))
    assert "saya catat: Kabupaten Kolaka" in texts_of(msgs) and "eligibility" not in set_
    assert sqlite_db.event_counts("eligibility_checked") == {"eligibility_checked": 2}


async def test_a_correction_with_other_facts_after_the_result_still_recomputes_without_asking_again(sqlite_db):
    slots = {"occupation": "nelayan", "age": 40, "income": 2_000_000, "eligibility": {"category": "BPU"}}
    msgs, set_, _ = await run(ActionInform(), turn("eh umur 41, di kendari", slots=slots))
    assert "hitung ulang" in texts_of(msgs) and set_["eligibility"]["regency"] == "Kota Kendari"
    assert "kabupaten/kota mana" not in texts_of(msgs)
