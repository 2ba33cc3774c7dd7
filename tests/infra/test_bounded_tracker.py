"""The stored conversation stays bounded however long it runs (issue 14), in memory and in a real Redis, and
erasure and unsaved-form redaction keep working across the cut (rasa_plugins.stores.bounded / to_store)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import pytest
import redis
from rasa.core.actions.action import ActionSessionStart
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins import speedups
from rasa_plugins.health import tracker_key
from rasa_plugins.stores import (
    ERASE_SLOT,
    KEEP_EVENTS,
    MAX_EVENTS,
    EnvTrackerStore,
    ErasingInMemoryTrackerStore,
    LingkarRedisTrackerStore,
    bounded,
)

from .conftest import delete_prefix, unique_prefix

ROOT = Path(__file__).resolve().parents[2]
TYPED = ("Siti Aminah", "0812 3456 7890", "+6281234567890", "7401015708900001")


@pytest.fixture(autouse=True, scope="module")
def fast_rasa():
    """As the Rasa process runs (rasa_plugins.run installs them): reading a conversation 10× faster."""
    speedups.install()
    yield
    speedups.uninstall()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["memory", "redis"])
def store(request, monkeypatch, domain):
    for name in ("REDIS_TRACKER_TTL", "CONVERSATION_TTL", "REDIS_STARTUP_TIMEOUT", "REDIS_SOCKET_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "memory":
        monkeypatch.delenv("REDIS_URL", raising=False)
        s = EnvTrackerStore(domain=domain, host=None)
        assert isinstance(s, ErasingInMemoryTrackerStore)
        yield s
        return
    url = request.getfixturevalue("shared_redis")
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    s = EnvTrackerStore(domain=domain, host=None)
    assert isinstance(s, LingkarRedisTrackerStore)
    s.test_prefix = prefix
    yield s
    delete_prefix(url, prefix)


def raw(store, sender: str) -> str:
    """The conversation exactly as the store keeps it."""
    if isinstance(store, ErasingInMemoryTrackerStore):
        return store.store[sender]
    value = redis.Redis.from_url(store.config.url).get(tracker_key(sender, store.test_prefix))
    return value.decode()


def _u(text: str, intent: str, n: int) -> UserUttered:
    meta = {"channel": "telegram", "update_id": n}
    return UserUttered(text, {"name": intent, "confidence": 1.0},
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
                                   "metadata": meta}, metadata=meta)


async def turn(store, sender: str, n: int, text: str = "iuran bpu brp?", intent: str = "ask_fee",
               during: Iterable[Event] = (), new_session: bool = False) -> DialogueStateTracker:
    """One turn as Rasa's processor runs it: retrieve the latest session, maybe start a new one (carrying the
    slots over as ActionSessionStart does), add the turn's events, save."""
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = store.init_tracker(sender)
        new_session = True
    if new_session:
        carried = ActionSessionStart._slot_set_events_from_tracker(tracker)
        for e in (ActionExecuted("action_session_start"), SessionStarted(), *carried, ActionExecuted("action_listen")):
            tracker.update(e)
    for e in (_u(text, intent, n), *during, ActionExecuted("action_answer"), BotUttered(f"jawaban {n}"),
              ActionExecuted("action_listen")):
        tracker.update(e)
    await store.save(tracker)
    return tracker


async def test_a_long_conversation_stays_bounded_and_keeps_its_state(store, domain):
    sender = "w-long"
    await turn(store, sender, 0, "saya ojol di kendari", "inform",
               during=[SlotSet("occupation", "ojol"), SlotSet("regency", "Kota Kendari")])
    sizes, counts = {}, {}
    for n in range(1, 250):
        during = [SlotSet("eligibility", {"checked": n})] if n % 7 == 0 else []
        if n == 210:   # a form opened long ago and interrupted by questions: it must survive the cut
            during = [ActiveLoop("eligibility_form"), SlotSet("requested_slot", "age")]
        if n == 211:
            during = [LoopInterrupted(True)]
        await turn(store, sender, n, new_session=(n % 100 == 0), during=during)
        stored = json.loads(raw(store, sender))
        counts[n] = len(stored["events"])
        sizes[n] = len(raw(store, sender))
    assert max(counts.values()) <= MAX_EVENTS + len(domain.slots) + 2, max(counts.values())
    # the tail keeps real turns (a new session starts small: earlier sessions are dropped)
    assert min(c for n, c in counts.items() if n % 100 >= 20) >= KEEP_EVENTS // 2
    assert sizes[249] < 1.5 * sizes[60]                   # no growth with the length of the conversation
    tracker = await store.retrieve(sender)
    assert tracker.get_slot("occupation") == "ojol" and tracker.get_slot("regency") == "Kota Kendari"
    assert tracker.get_slot("eligibility") == {"checked": 245}
    assert tracker.active_loop_name == "eligibility_form"
    assert tracker.get_slot("requested_slot") == "age"
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert len(users) >= 5 and users[-1].metadata["update_id"] == 249   # what the actions read is there
    # a new session of a bounded conversation carries the slots over again
    await turn(store, sender, 250, new_session=True)
    assert (await store.retrieve(sender)).get_slot("regency") == "Kota Kendari"


async def test_erasure_after_a_long_conversation(store):
    sender = "w-erase"
    await turn(store, sender, 0, "nama saya Siti Aminah", "inform", during=[SlotSet("name", "Siti Aminah")])
    for n in range(1, 150):
        await turn(store, sender, n, new_session=(n == 60))
    assert "Siti Aminah" in raw(store, sender)          # carried over into every new session
    await turn(store, sender, 150, "hapus data saya", "delete_my_data",
               during=[SlotSet(ERASE_SLOT, True), SlotSet("name", None)])
    assert "Siti" not in raw(store, sender)
    assert (await store.retrieve(sender)).get_slot("name") is None


async def test_an_unsaved_form_longer_than_the_tail_leaves_nothing(store):
    """The lead form was opened, answered, interrupted by many questions, then cancelled: the answers given
    before the cut are in the state written in front of the tail, and the redaction still finds them."""
    sender = "w-form"
    await turn(store, sender, 0, "hubungi saya", "request_contact",
               during=[ActiveLoop("lead_form"), SlotSet("consent", "yes"), SlotSet("requested_slot", "name")])
    await turn(store, sender, 1, "Siti Aminah", "inform", during=[SlotSet("name", "Siti Aminah")])
    await turn(store, sender, 2, "0812 3456 7890", "inform", during=[SlotSet("phone", "+6281234567890")])
    await turn(store, sender, 3, "7401015708900001", "inform", during=[SlotSet("nik", "7401015708900001")])
    for n in range(4, 80):
        await turn(store, sender, n)
    assert "Siti Aminah" in raw(store, sender)         # the open form keeps its answers (cut or not)
    assert (await store.retrieve(sender)).get_slot("phone") == "+6281234567890"
    await turn(store, sender, 80, "batal", "cancel",
               during=[ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(ERASE_SLOT, "form")])
    text = raw(store, sender)
    assert not [v for v in TYPED if v in text]
    tracker = await store.retrieve(sender)
    assert tracker.get_slot("name") is None and tracker.get_slot("nik") is None and tracker.active_loop_name is None


def test_bounded_keeps_the_state_of_the_whole_tracker(domain):
    tracker = DialogueStateTracker("w", domain.slots)
    for e in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
        tracker.update(e)
    assert bounded(tracker, domain) is None              # short: kept as it is
    tracker.update(SlotSet("regency", "Kota Kendari"))
    for n in range(60):
        for e in (_u("halo", "greet", n), ActionExecuted("action_answer"), BotUttered("halo"),
                  SlotSet("form_failures", n), ActionExecuted("action_listen")):
            tracker.update(e)
    tracker.update(ActiveLoop("eligibility_form"))
    cut = bounded(tracker, domain)
    assert cut is not None and len(cut.events) <= KEEP_EVENTS + len(domain.slots) + 2
    assert cut.current_slot_values() == tracker.current_slot_values()
    assert cut.active_loop_name == "eligibility_form"
    assert isinstance(cut.events[-1], ActiveLoop) and cut.latest_message.text == "halo"
    kept = [e for e in cut.events if isinstance(e, UserUttered)]
    assert kept[-1].metadata["update_id"] == 59 and isinstance(cut.events[0], (SlotSet, ActiveLoop))


async def test_a_form_left_open_until_a_new_session_carries_no_answer_over(store):
    """Rasa's new session carries every slot over, the open form's answers too: they are erased there as well."""
    sender = "w-carried"
    await turn(store, sender, 0, "hubungi saya", "request_contact",
               during=[ActiveLoop("lead_form"), SlotSet("consent", "yes"), SlotSet("regency", "Kota Kendari")])
    await turn(store, sender, 1, "Siti Aminah", "inform", during=[SlotSet("name", "Siti Aminah")])
    await turn(store, sender, 2, "0812 3456 7890", "inform", during=[SlotSet("phone", "+6281234567890")])
    assert "Siti Aminah" in raw(store, sender)
    await turn(store, sender, 3, "halo", "greet", new_session=True)    # hours later
    text = raw(store, sender)
    assert not [v for v in TYPED if v in text]
    tracker = await store.retrieve(sender)
    assert tracker.get_slot("name") is None and tracker.get_slot("phone") is None
    assert tracker.get_slot("regency") == "Kota Kendari"                 # what is not personal is carried over


def test_a_conversation_stored_before_keeps_working(domain):
    """Conversations stored before the bound (several sessions) still come back as their latest session."""
    from rasa_plugins.stores import latest_session

    tracker = DialogueStateTracker("w-old", domain.slots)
    for session in range(3):
        for e in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  _u(f"halo {session}", "greet", session), ActionExecuted("action_listen")):
            tracker.update(e)
    latest = latest_session(tracker)
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["halo 2"]
    one = bounded(tracker, domain)
    assert latest_session(one) is one and [e.text for e in one.events if isinstance(e, UserUttered)] == ["halo 2"]
