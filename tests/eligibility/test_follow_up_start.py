"""A short question right after a topic answer that the NLU reads as "check my eligibility" ("kalau gaji sy 3 juta?" or
"umur sy 56, msh bisa?" after JKP) is a follow-up of that topic: answered for it, and the check is not started.
With rasa_sdk trackers as the action server sees the form's first validation."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions.eligibility import ValidateEligibilityForm
from actions.forms import FAILURES_SLOT, activated_this_turn

from .conftest import parse_data, run, texts_of, turn

FORM = "eligibility_form"
JKP = {"event": "user", "text": "jkp dapat brp kalau kena phk?",
       "parse_data": parse_data("jkp dapat brp kalau kena phk?", "ask_jkp", 0.99, None, {})}


def activated(text: str, intent: str = "check_eligibility", earlier: List[Dict[str, Any]] = (JKP,)) -> Tracker:
    """The tracker when the latest message has just activated the form: its active_loop event after the message."""
    latest = parse_data(text, intent, 0.8, None, {})
    events = [*earlier, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": latest}, {"event": "active_loop", "name": FORM},
              {"event": "slot", "name": "requested_slot", "value": None}, {"event": "action", "name": FORM}]
    return Tracker.from_dict({"sender_id": "t", "slots": {}, "latest_message": latest, "events": events,
                              "paused": False, "followup_action": None, "active_loop": {"name": FORM},
                              "latest_action_name": FORM})


def ended(events) -> bool:
    return any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


def test_activation_is_read_from_the_events():
    assert activated_this_turn(activated("kalau gaji sy 3 juta?"), FORM)
    assert not activated_this_turn(turn("nelayan", form=FORM, requested="occupation"), FORM)


async def test_a_wage_after_jkp_gets_the_jkp_figures_not_the_check():
    msgs, set_, events = await run(ValidateEligibilityForm(), activated("kalau gaji sy 3 juta?"))
    said = texts_of(msgs)
    assert "Rp1.800.000" in said and "6 bulan" in said
    assert "Apa pekerjaan" not in said and ended(events) and set_[FAILURES_SLOT] == {"answered_instead": "ask_jkp"}


async def test_an_age_question_after_jkp_gets_the_jkp_answer():
    msgs, _, events = await run(ValidateEligibilityForm(), activated("umur sy 56, msh bisa?"))
    assert "54 tahun" in texts_of(msgs) and ended(events)


async def test_a_plain_request_for_the_check_still_starts_it():
    # no question and no "kalau": the worker asks for the check itself
    msgs, _, events = await run(ValidateEligibilityForm(), activated("cek kelayakan sy dong"))
    assert not ended(events)
    # and without a topic under discussion, a question starts it too
    msgs, _, events = await run(ValidateEligibilityForm(), activated("kalau gaji sy 3 juta?", earlier=()))
    assert not ended(events)


async def test_a_feeling_comes_first_once_when_the_check_starts():
    msgs, _, events = await run(ValidateEligibilityForm(), activated("sy was2 skali, cek iuran sy dong", earlier=()))
    said = texts_of(msgs)
    assert said.count("prihatin") == 1 and not ended(events)
    # the form's later turns do not repeat it
    msgs, _, _ = await run(ValidateEligibilityForm(), turn("sy was2, nelayan", form=FORM, requested="occupation"))
    assert "prihatin" not in texts_of(msgs)


async def test_a_question_that_is_no_check_gets_its_topic():
    # read as check_eligibility, but it names nothing of the worker or the check: the topic it ranked next
    t = activated("apa sj yg dijamin klo sy disana? jujur sy takut")
    t.latest_message["intent_ranking"] = [{"name": "check_eligibility", "confidence": 0.6},
                                          {"name": "ask_migrant", "confidence": 0.2}]
    msgs, _, events = await run(ValidateEligibilityForm(), t)
    assert "Pekerja Migran" in texts_of(msgs) and ended(events)
    # a question about the worker's own contribution is the check
    t = activated("brp iuran sy sebulan?")
    t.latest_message["intent_ranking"] = [{"name": "check_eligibility", "confidence": 0.6},
                                          {"name": "ask_migrant", "confidence": 0.2}]
    _, _, events = await run(ValidateEligibilityForm(), t)
    assert not ended(events)


async def test_thanks_at_a_question_close_the_check_with_the_thanks_answered():
    msgs, set_, events = await run(ValidateEligibilityForm(),
                                   turn("makasih kak, doakan sy lancar disana", "thank", 0.9, form=FORM,
                                        requested="age", slots={"occupation": "pmi"}))
    assert ended(events) and "Sama-sama" in texts_of(msgs) and "umur" not in texts_of(msgs).lower()
    # an age with the thanks is an answer
    _, set_, events = await run(ValidateEligibilityForm(),
                                turn("makasih, umur sy 24", "thank", 0.9, form=FORM, requested="age",
                                     slots={"occupation": "pmi"}))
    assert set_.get("age") == 24 and not ended(events)


async def test_a_self_employed_income_inside_the_check_gets_its_bracket_at_once():
    msgs, set_, _ = await run(ValidateEligibilityForm(),
                              turn("eh salah sy, sebulan kira2 1,2 jt lah", "inform", 0.9, form=FORM,
                                   requested="age", slots={"occupation": "pedagang", "income": 1_000_000}))
    said = texts_of(msgs)
    assert set_.get("income") == 1_200_000 and "Rp18.800" in said and set_["requested_slot"] == "age"
    # an employee's wage gets no self-employed bracket
    msgs, _, _ = await run(ValidateEligibilityForm(),
                           turn("gaji sy 1,2 jt", "inform", 0.9, form=FORM, requested="age",
                                slots={"occupation": "karyawan"}))
    assert "Rp18.800" not in texts_of(msgs)


async def test_a_count_of_workers_after_the_agent_answer_gets_the_commission_not_the_check():
    agent = {"event": "user", "text": "cara jadi agen perisai?",
             "parse_data": parse_data("cara jadi agen perisai?", "ask_agent", 0.99, None, {})}
    msgs, _, events = await run(ValidateEligibilityForm(),
                                activated("klo sy ajak 100 org yg iurannya 16.800, sy dpt brp?", earlier=(agent,)))
    said = texts_of(msgs)
    assert "Rp126.000" in said and "belum bisa kami pastikan" in said and ended(events)


async def test_a_loss_told_at_the_start_is_about_the_claim_not_a_check():
    """A widow's story read as check_eligibility ("... gaji 4 jt ...") must not start a check that then takes her
    answers as an occupation or "42 juta" as her income: the claim is answered and the form ends."""
    t = activated("Suami sy meninggal 3 minggu lalu, ditabrak truk waktu berangkat kerja. Dia sales, gaji 4 jt, ikut "
                  "bpjs tk dr kantor 2 thn. Sy blm tau harus mulai dr mana.", earlier=())
    msgs, _, events = await run(ValidateEligibilityForm(), t)
    assert "JKM" in texts_of(msgs) and "48 kali" in texts_of(msgs) and ended(events)
    assert "Apa pekerjaan Anda" not in texts_of(msgs)


async def test_a_topic_the_message_names_is_answered_instead_of_a_check():
    t = activated("sy sdh jadi agen perisai lewat koperasi dr thn 2020. dulu kami dpt 7 persen dr iuran peserta. skrg "
                  "yg berlaku brp?", earlier=())
    msgs, _, events = await run(ValidateEligibilityForm(), t)
    assert "Agen Perisai" in texts_of(msgs) and ended(events) and "Apa pekerjaan Anda" not in texts_of(msgs)


async def test_a_check_asked_for_after_the_work_was_said_first_says_what_that_work_pays():
    # as Rasa activates the check when the occupation is already known: the active_loop event after the message
    base = turn("brp iurannya utk sy?", "check_eligibility", 0.8, form="eligibility_form", slots={"occupation": "ojol"})
    state = base.current_state()
    state["events"] = state["events"] + [{"event": "active_loop", "name": "eligibility_form"}]
    state["active_loop"] = {"name": "eligibility_form"}
    msgs, slots, _ = await run(ValidateEligibilityForm(), Tracker.from_dict(state))
    out = texts_of(msgs)
    assert out.count("pekerja mandiri") == 1 and "Rp8.400" in out and slots.get("requested_slot") == "age"
    # said already in this turn (Rasa validated twice): not again
    state["events"].append({"event": "bot", "text": msgs[0]["text"]})
    again, _, _ = await run(ValidateEligibilityForm(), Tracker.from_dict(state))
    assert "pekerja mandiri" not in texts_of(again)


async def test_an_employer_asking_about_staff_gets_the_wage_earners_contribution_not_a_check_of_their_own():
    from actions.answers import silent_facts
    from lingkar.signals import read_signals

    text = ("sa punya bengkel motor di anduonohu, ada 5 mekanik gaji masing2 2,5 juta. sa mau daftarkan mrk semua. "
            "kira2 sa hrs setor brp sebulan utk jht?")
    msgs, slots, _ = await run(ValidateEligibilityForm(), turn(text, "check_eligibility", 0.8, form="eligibility_form"))
    out = texts_of(msgs)
    assert "Iuran karyawan" in out and "Rp92.500" in out          # 3,7% of the staff's 2,5 juta
    assert slots.get("requested_slot") is None and "income" not in slots
    t = turn(text, "check_eligibility", 0.8)
    assert "income" not in silent_facts(t, text, read_signals(text))   # the staff's wage is not the owner's income
