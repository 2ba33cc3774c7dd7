""""Dari mana Anda tahu Lingkar?": asked once, after the first topic answer, only without an agent code, never
during a form, a check or a deletion; the answer (a button or typed, also "kode agen <code>") is recorded for the
funnel in a real store (SQLite and PostgreSQL), and an approved agent's typed code attributes the worker."""
from __future__ import annotations

import pytest

from actions.answers import ActionAnswer, ActionClarify
from actions.eligibility import ActionInform
from actions.forms import referral_of
from actions.leads import ActionSubmitLead
from actions.source import question_pending
from lingkar.sources import read_code, read_source

from .conftest import buttons_of, run, texts_of, turn

WA = "whatsapp:6281355550123"
NO_REFERRAL = {"channel": "whatsapp"}
QUESTION_EVENT = {"event": "bot", "text": "Oh ya, boleh tahu: dari mana Anda tahu Lingkar?",
                  "data": {"buttons": [{"title": "Agen", "payload": '/inform{"source": "agent"}'}]}}


def after_question(text, intent="inform", confidence=1.0, entities=None, slots=None, metadata=None):
    """The worker's message right after the bot asked the question."""
    before = [{"event": "user", "text": "jkk itu apa", "parse_data": {"intent": {"name": "ask_jkk"}}},
              {"event": "action", "name": "action_answer"}, {"event": "bot", "text": "JKK ..."}, QUESTION_EVENT]
    return turn(text, intent, confidence, entities=entities, sender=WA, before=before,
                metadata=NO_REFERRAL if metadata is None else metadata,
                slots={"source_asked": True, **(slots or {})})


# ------------------------------------------------------------------------------------------------ reading
@pytest.mark.parametrize("text,expected", [
    ("dari teman", ("friend_family", None)), ("tau dari tetangga", ("friend_family", None)),
    ("liat di fb", ("social_media", None)), ("dari TikTok", ("social_media", None)),
    ("dari kantor bpjs", ("bpjs_office", None)), ("sosialisasi di desa", ("bpjs_office", None)),
    ("dari agen perisai", ("agent", None)), ("kode agen k7m2qx", ("agent", "K7M2QX")),
    ("Halo Lingkar, kode agen K7M2QX", ("agent", "K7M2QX")), ("lainnya", ("other", None)),
    ("berapa iuran jkk?", (None, None)), ("apa itu agen perisai", (None, None)), ("saya nelayan", (None, None)),
    ("", (None, None)), ("/menu", (None, None)),
    ("beliau ikut bpjs tk mandiri sejak 2021", (None, None)),   # a statement that names BPJS is no answer
    ("dari petugas bpjs", ("bpjs_office", None)),
])
def test_read_source(text, expected):
    assert read_source(text) == expected


def test_read_code():
    assert read_code("kode agennya: ab12cd") == "AB12CD" and read_code("ag_K7M2QX") == "K7M2QX"
    assert read_code("kode agen saya K7M2QX") == "K7M2QX" and read_code("kode agen sy: ab3cd9") == "AB3CD9"
    for question in ("kode agen itu apa", "kode agen berapa", "kode agen dimana ya", "kode agen perisai apa"):
        assert read_code(question) is None, question
    assert read_code("agen saya pak budi") is None


# ------------------------------------------------------------------------------------------------ asking
async def test_asked_after_the_first_topic_answer_without_a_referral():
    msgs, slots, _ = await run(ActionAnswer(), turn("jkk itu apa", "ask_jkk", sender=WA, metadata=NO_REFERRAL))
    assert "JKK" in texts_of(msgs[:-1]) and msgs[-1]["text"].endswith("dari mana Anda tahu Lingkar?")
    assert [b["title"] for b in msgs[-1]["buttons"]] == ["Agen", "Teman/keluarga", "Kantor BPJS", "Media sosial",
                                                        "Lainnya"]
    assert slots == {"source_asked": True}


@pytest.mark.parametrize("why", ["referral", "typed_referral", "asked", "answered", "greeting", "form", "deletion"])
async def test_not_asked(why):
    intent, meta, slots, form = "ask_jkk", NO_REFERRAL, {}, None
    if why == "referral":
        meta = {"channel": "whatsapp", "referral": "K7M2QX", "referral_known": True}
    elif why == "typed_referral":
        slots = {"referral_code": "K7M2QX"}
    elif why == "asked":
        slots = {"source_asked": True}
    elif why == "answered":
        slots = {"source": "friend_family"}
    elif why == "greeting":
        intent = "greet"
    elif why == "deletion":
        slots = {"delete_pending": True}
    else:
        form = "eligibility_form"
    tracker = turn("jkk itu apa", intent, sender=WA, metadata=meta, slots=slots, form=form,
                   requested="age" if form else None)
    msgs, set_, _ = await run(ActionAnswer(), tracker)
    assert "dari mana Anda tahu Lingkar" not in texts_of(msgs) and "source_asked" not in set_


# ------------------------------------------------------------------------------------------------ answering
async def test_a_button_answer_is_recorded_for_the_funnel(db):
    tracker = after_question('/inform{"source": "social_media"}', entities=[{"entity": "source",
                                                                            "value": "social_media"}])
    msgs, slots, _ = await run(ActionInform(), tracker)
    assert slots["source"] == "social_media" and "Terima kasih" in texts_of(msgs)
    assert db.sources()["social_media"] == 1 and sum(db.sources().values()) == 1


async def test_a_typed_answer_right_after_the_question_whatever_the_intent(db):
    assert question_pending(after_question("dari teman"))
    for action, intent in ((ActionClarify(), "nlu_fallback"), (ActionAnswer(), "ask_agent")):
        msgs, slots, _ = await run(action, after_question("dr teman kerja", intent, 0.5))
        assert slots["source"] == "friend_family" and "Terima kasih" in texts_of(msgs)
    assert db.sources()["friend_family"] == 1   # one person


async def test_a_question_after_the_question_is_answered_as_usual(db):
    msgs, slots, _ = await run(ActionAnswer(), after_question("berapa iuran jkk?", "ask_jkk"))
    assert "source" not in slots and "JKK" in texts_of(msgs)
    assert "dari mana Anda tahu Lingkar" not in texts_of(msgs)   # never twice
    assert sum(db.sources().values()) == 0
    # and later, "dari teman" is no longer taken as the answer
    assert not question_pending(turn("dari teman", sender=WA, before=[QUESTION_EVENT, {"event": "user"},
                                                                      {"event": "bot", "text": "x"}]))


async def test_agent_without_a_code_asks_for_it_and_a_typed_code_attributes_the_worker(db):
    agent = db.apply_agent(telegram_user_id=700001, name="La Ode Agen", organisation="Koperasi",
                           regency="Kabupaten Kolaka", phone="081300001111", consent_version="agen-2026-11")
    db.set_agent_status(agent.id, "approved", actor="telegram:1")
    msgs, slots, _ = await run(ActionInform(), after_question('/inform{"source": "agent"}',
                                                              entities=[{"entity": "source", "value": "agent"}]))
    assert slots["source"] == "agent" and "kode agen" in texts_of(msgs) and "referral_code" not in slots
    # the code typed next (the NLU may call it anything)
    tracker = turn(f"kode agen {agent.code.lower()}", "ask_agent", 0.6, sender=WA, metadata=NO_REFERRAL,
                   slots={"source_asked": True, "source": "agent"})
    msgs, slots, _ = await run(ActionAnswer(), tracker)
    assert slots["referral_code"] == agent.code and agent.code in texts_of(msgs)
    assert db.sources()["agent"] == 1
    # the lead made afterwards is the agent's
    filled = {"lead_type": "enrolment", "consent": "yes", "name": "Siti Aminah", "phone": "+6281355550123",
              "regency": "Kota Kendari", "contact_time": "sore", "referral_code": agent.code}
    await run(ActionSubmitLead(), turn("sore", slots=filled, latest_action="lead_form", sender=WA,
                                       metadata=NO_REFERRAL))
    [lead] = db.list_leads()
    assert (lead.referral, lead.referral_known, lead.channel) == (agent.code, True, "whatsapp")
    assert db.agent_stats(agent.code)["total"].leads == 1


async def test_an_unknown_typed_code_still_counts_as_the_answer_without_attribution(db):
    tracker = after_question("kode agen ZZ9ZZ9", "inform")
    msgs, slots, _ = await run(ActionInform(), tracker)
    assert "belum kami kenal" in texts_of(msgs) and "referral_code" not in slots
    assert slots["source"] == "agent" and db.sources()["agent"] == 1
    assert referral_of(tracker) == (None, None)


def test_buttons_of_the_question_are_the_five_sources():
    from lingkar.store import SOURCES
    from lingkar.texts import get_flow_texts

    r = get_flow_texts().render("ask_source")
    assert [b["payload"] for b in buttons_of([{"buttons": list(r.buttons)}])] == [
        f'/inform{{"source": "{s}"}}' for s in SOURCES]
