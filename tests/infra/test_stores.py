"""The environment-chosen tracker and lock stores (rasa_plugins/stores.py) against real Redis servers."""
from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.exceptions import ConnectionException

from rasa_plugins.health import RedisConfigError, mask_url, redis_config, tracker_key
from rasa_plugins.stores import (
    ERASE_SLOT,
    EnvLockStore,
    EnvTrackerStore,
    ErasingInMemoryTrackerStore,
    LingkarRedisLockStore,
    LingkarRedisTrackerStore,
    describe,
    erased_history,
)

from .conftest import ThrowawayRedis, delete_prefix, free_port, shared_redis_url, unique_prefix

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix(shared_redis: str):
    p = unique_prefix()
    yield p
    for db in (0, 3):
        delete_prefix(shared_redis_url(db), p)


@pytest.fixture
def redis_env(monkeypatch, shared_redis: str, prefix: str):
    """REDIS_* for the stores: the shared Redis, this test's prefix."""
    for name in ("REDIS_TRACKER_TTL", "CONVERSATION_TTL", "REDIS_STARTUP_TIMEOUT", "REDIS_SOCKET_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", shared_redis)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    return monkeypatch


def _tracker(sender: str, text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, [])
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    return tracker


# ------------------------------------------------------------------------------------------------ settings

def test_settings_from_environment():
    assert redis_config({}) is None
    assert redis_config({"REDIS_URL": "  "}) is None
    cfg = redis_config({"REDIS_URL": "rediss://u:s3cret@cache.internal:6380/4?ssl_cert_reqs=required",
                        "REDIS_TRACKER_TTL": "86400", "REDIS_STARTUP_TIMEOUT": "5"})
    assert (cfg.prefix, cfg.tracker_ttl, cfg.startup_timeout, cfg.socket_timeout) == ("lingkar", 86400, 5.0, 5.0)
    assert "s3cret" not in cfg.safe_url and cfg.safe_url.startswith("rediss://u:***@cache.internal:6380/4")
    assert redis_config({"REDIS_URL": "redis://h", "REDIS_PREFIX": ""}).prefix == "lingkar"
    assert mask_url("redis://h:6379/0") == "redis://h:6379/0"
    assert tracker_key("42", "abc") == "abc:tracker:42"


@pytest.mark.parametrize("env, word", [
    ({"REDIS_URL": "redis://h", "REDIS_PREFIX": "lingkar:bot"}, "alphanumeric"),
    ({"REDIS_URL": "http://h"}, "redis://"),
    ({"REDIS_URL": "redis://h", "REDIS_TRACKER_TTL": "a week"}, "REDIS_TRACKER_TTL"),
    ({"REDIS_URL": "redis://h", "REDIS_STARTUP_TIMEOUT": "-1"}, "negative"),
])
def test_bad_settings_are_refused(env, word):
    # Rasa would silently ignore a bad prefix (and use another key); we refuse to start instead.
    with pytest.raises(RedisConfigError, match=word):
        redis_config(env)


def test_without_redis_url_both_stores_are_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert type(EnvTrackerStore(domain=Domain.empty(), host=None)) is ErasingInMemoryTrackerStore
    assert type(EnvLockStore(endpoint_config=None)) is InMemoryLockStore
    assert describe({}) == {"tracker_store": "memory", "lock_store": "memory"}


# ------------------------------------------------------------------------------------------- tracker store

async def test_tracker_is_written_to_redis_under_the_prefix(redis_env, shared_redis, prefix):
    store = EnvTrackerStore(domain=Domain.empty(), host=None)
    assert isinstance(store, LingkarRedisTrackerStore)
    await store.save(_tracker("worker-1", "halo"))

    raw = redis.Redis.from_url(shared_redis).get(tracker_key("worker-1", prefix))
    assert raw is not None, "tracker not under <prefix>:tracker:<sender>"
    texts = [e.get("text") for e in json.loads(raw)["events"] if e["event"] == "user"]
    assert texts == ["halo"]

    again = EnvTrackerStore(domain=Domain.empty())          # a new process would see the same conversation
    restored = await again.retrieve("worker-1")
    assert restored.latest_message.text == "halo"
    ttl = redis.Redis.from_url(shared_redis).ttl(tracker_key("worker-1", prefix))
    assert 89 * 86400 < ttl <= 90 * 86400  # conversations expire: 90 days after their last change by default


async def test_tracker_ttl_and_db_come_from_the_environment(redis_env, prefix):
    redis_env.setenv("REDIS_URL", shared_redis_url(3))
    redis_env.setenv("REDIS_TRACKER_TTL", "3600")
    store = EnvTrackerStore(domain=Domain.empty())
    await store.save(_tracker("worker-2", "iuran berapa"))
    key = tracker_key("worker-2", prefix)
    assert redis.Redis.from_url(shared_redis_url(0)).exists(key) == 0
    db3 = redis.Redis.from_url(shared_redis_url(3))
    assert db3.exists(key) == 1
    assert 0 < db3.ttl(key) <= 3600


async def test_password_from_the_url(tmp_path: Path, monkeypatch):
    server = ThrowawayRedis(tmp_path, password="pw" + unique_prefix()).start()
    try:
        monkeypatch.setenv("REDIS_URL", server.url)
        monkeypatch.setenv("REDIS_PREFIX", "lingkar")
        monkeypatch.setenv("REDIS_STARTUP_TIMEOUT", "0.5")
        store = EnvTrackerStore(domain=Domain.empty())
        await store.save(_tracker("worker-3", "halo"))
        assert redis.Redis.from_url(server.url).exists("lingkar:tracker:worker-3") == 1

        # The same server without the password: refused at start, not silently replaced by memory.
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{server.port}/0")
        with pytest.raises(ConnectionException, match="Refusing to start"):
            EnvTrackerStore(domain=Domain.empty())
    finally:
        server.stop()


def test_unreachable_redis_fails_fast(monkeypatch):
    monkeypatch.setenv("REDIS_URL", f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    monkeypatch.setenv("REDIS_STARTUP_TIMEOUT", "0.3")
    for factory in (lambda: EnvTrackerStore(domain=Domain.empty()), lambda: EnvLockStore()):
        with pytest.raises(ConnectionException) as err:
            factory()
        assert "Refusing to start" in str(err.value)
        assert "hunter2" not in str(err.value)  # the password never reaches a log


# ---------------------------------------------------------------------------------------------- lock store

def test_lock_store_is_redis_with_expiring_key(redis_env, shared_redis, prefix):
    store = EnvLockStore(endpoint_config=None)
    assert isinstance(store, LingkarRedisLockStore)
    ticket = store.issue_ticket("worker-4", lock_lifetime=30)
    key = f"{prefix}:lock:worker-4"
    r = redis.Redis.from_url(shared_redis)
    assert json.loads(r.get(key))["conversation_id"] == "worker-4"
    assert 0 < r.pttl(key) <= 31_000, "a lock must expire with its last ticket (crashed holder)"
    assert not store.get_lock("worker-4").is_locked(ticket)
    store.cleanup("worker-4", ticket)
    assert r.exists(key) == 0


def test_concurrent_replicas_never_share_or_lose_a_ticket(redis_env, shared_redis, prefix):
    """Several 'replicas' (own store, own connection) issue tickets for one conversation at the same time."""
    replicas, per_replica = 6, 15
    stores = [EnvLockStore() for _ in range(replicas)]
    issued: list = []
    start = threading.Barrier(replicas)

    def work(store):
        start.wait()
        for _ in range(per_replica):
            issued.append(store.issue_ticket("busy-chat", lock_lifetime=60))

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    dupes = [n for n, c in Counter(issued).items() if c > 1]
    assert not dupes, f"tickets issued twice: {dupes}"
    stored = stores[0].get_lock("busy-chat")
    assert sorted(t.number for t in stored.tickets) == sorted(issued), "a ticket was lost"

    # ... and finishing them concurrently leaves nothing behind.
    def finish(store, numbers):
        for n in numbers:
            store.cleanup("busy-chat", n)

    threads = [threading.Thread(target=finish, args=(s, issued[i::replicas])) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert redis.Redis.from_url(shared_redis).exists(f"{prefix}:lock:busy-chat") == 0


def test_lock_gives_mutual_exclusion_across_replicas(redis_env):
    """Rasa's `lock()` context manager through our store: one holder at a time, everyone served."""
    replicas, turns = 4, 5
    inside, max_inside, served = [0], [0], []
    guard = threading.Lock()

    async def turns_of(store, name):
        for i in range(turns):
            async with store.lock("shared-chat", lock_lifetime=30, wait_time_in_seconds=0.01):
                with guard:
                    inside[0] += 1
                    max_inside[0] = max(max_inside[0], inside[0])
                await asyncio.sleep(0.005)
                with guard:
                    inside[0] -= 1
                    served.append((name, i))

    threads = [threading.Thread(target=lambda n=n: asyncio.run(turns_of(EnvLockStore(), n)))
               for n in range(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max_inside[0] == 1
    assert len(served) == replicas * turns


# ------------------------------------------------------------------------------------ "hapus data saya" erasure

def _slots_domain() -> Domain:
    return Domain.from_dict({"slots": {"name": {"type": "text", "mappings": [{"type": "custom"}]},
                                       ERASE_SLOT: {"type": "any", "mappings": [{"type": "custom"}]}}})


def _personal_turns(tracker: DialogueStateTracker) -> None:
    tracker.update(UserUttered("nama saya Siti Aminah, hp 0812 3456 7890", {"name": "inform", "confidence": 1.0}))
    tracker.update(SlotSet("name", "Siti Aminah"))
    tracker.update(BotUttered("Terima kasih, Siti Aminah."))
    tracker.update(ActionExecuted("action_listen"))


def _erase(tracker: DialogueStateTracker) -> None:
    tracker.update(UserUttered("ya hapus", {"name": "affirm", "confidence": 1.0}))
    tracker.update(SlotSet(ERASE_SLOT, True))
    tracker.update(SlotSet("name", None))
    tracker.update(BotUttered("Data Anda sudah dihapus."))
    tracker.update(ActionExecuted("action_listen"))


def test_erased_history_keeps_only_what_follows_the_last_marker():
    domain = _slots_domain()
    tracker = DialogueStateTracker("w", domain.slots)
    _personal_turns(tracker)
    assert erased_history(tracker, domain) is None  # no marker: saved as it is
    _erase(tracker)
    _personal_turns(tracker)                        # typed again after the erasure: kept until the next one
    kept = erased_history(tracker, domain)
    assert [e.as_dict()["event"] for e in kept.events] == ["slot", "bot", "action", "user", "slot", "bot", "action"]
    assert kept.get_slot("name") == "Siti Aminah" and kept.get_slot(ERASE_SLOT) is None
    _erase(tracker)
    again = erased_history(tracker, domain)
    assert "Siti" not in json.dumps([e.as_dict() for e in again.events])
    assert again.get_slot("name") is None and again.sender_id == "w"


async def test_in_memory_store_drops_the_conversation_before_the_marker(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    domain = _slots_domain()
    store = EnvTrackerStore(domain=domain, host=None)
    tracker = DialogueStateTracker("w-mem", domain.slots)
    _personal_turns(tracker)
    await store.save(tracker)
    assert "Siti" in json.dumps((await store.retrieve("w-mem")).current_state())
    _erase(tracker)
    await store.save(tracker)
    stored = await store.retrieve("w-mem")
    assert "Siti" not in json.dumps(stored.current_state(EventVerbosity.ALL))
    assert stored.latest_bot_utterance.text == "Data Anda sudah dihapus."


async def test_redis_store_drops_the_conversation_before_the_marker(redis_env, shared_redis, prefix):
    """Rasa's RedisTrackerStore.save merges the stored tracker back in: the erasure must survive that."""
    domain = _slots_domain()
    store = EnvTrackerStore(domain=domain, host=None)
    assert isinstance(store, LingkarRedisTrackerStore)
    tracker = DialogueStateTracker("w-redis", domain.slots)
    _personal_turns(tracker)
    await store.save(tracker)
    raw = redis.Redis.from_url(shared_redis).get(tracker_key("w-redis", prefix))
    assert b"Siti" in raw
    restored = await EnvTrackerStore(domain=domain).retrieve("w-redis")  # the next turn, maybe another replica
    _erase(restored)
    await store.save(restored)
    raw = redis.Redis.from_url(shared_redis).get(tracker_key("w-redis", prefix))
    # the typed number, not "0812" alone: a float timestamp can hold those four digits
    assert raw is not None and b"Siti" not in raw and b"0812 3456" not in raw
    stored = await EnvTrackerStore(domain=domain).retrieve("w-redis")
    assert stored.get_slot("name") is None and stored.latest_bot_utterance.text == "Data Anda sudah dihapus."


# ------------------------------------------------------------------- issue 9: keep only what is needed

ROOT = Path(__file__).resolve().parents[2]
TYPED = ("Siti Aminah", "0812 3456 7890", "+6281234567890", "7401015708900001", "7401 0157 0890 0001")


@pytest.fixture(scope="module")
def project_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _u(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def _form_answers(tracker: DialogueStateTracker) -> None:
    """A lead form as Rasa records it: consent, then name, phone and NIK typed by the worker."""
    for e in (ActionExecuted("action_listen"), _u("hubungi saya", "request_contact"),
              ActionExecuted("action_lead_start"), SlotSet("lead_type", "enrolment"),
              ActionExecuted("lead_form"), ActiveLoop("lead_form"), SlotSet("requested_slot", "consent"),
              BotUttered("Boleh kami simpan data Anda?"), ActionExecuted("action_listen"), _u("setuju", "affirm"),
              ActionExecuted("lead_form"), SlotSet("consent", "yes"), SlotSet("requested_slot", "name"),
              BotUttered("Siapa nama lengkap Anda?"), ActionExecuted("action_listen"),
              UserUttered("Siti Aminah", {"name": "inform", "confidence": 1.0},
                          [{"entity": "name", "value": "Siti Aminah", "start": 0, "end": 11}]),
              ActionExecuted("lead_form"), SlotSet("name", "Siti Aminah"), SlotSet("requested_slot", "phone"),
              BotUttered("Terima kasih, Siti Aminah. Nomor HP Anda?"), ActionExecuted("action_listen"),
              _u("0812 3456 7890"), ActionExecuted("lead_form"), SlotSet("phone", "+6281234567890"),
              SlotSet("requested_slot", "nik"), BotUttered("Nomor +6281234567890 kami catat. NIK Anda?"),
              ActionExecuted("action_listen"), _u("7401 0157 0890 0001"), ActionExecuted("lead_form"),
              SlotSet("nik", "7401015708900001"), SlotSet("requested_slot", "regency"),
              BotUttered("Di kabupaten mana Anda tinggal?")):
        tracker.update(e)


def _cancel(tracker: DialogueStateTracker) -> None:
    for e in (ActionExecuted("action_listen"), _u("batal", "cancel"), ActionExecuted("action_cancel_form"),
              BotUttered("Baik, dibatalkan. Data pribadi Anda tidak kami simpan."), ActiveLoop(None),
              SlotSet("requested_slot", None), SlotSet("name", None), SlotSet("phone", None), SlotSet("nik", None),
              SlotSet(ERASE_SLOT, "form"), ActionExecuted("action_listen")):
        tracker.update(e)


def _abandon(tracker: DialogueStateTracker) -> None:
    """The worker asks something else; the form is deactivated without being submitted."""
    for e in (ActionExecuted("action_listen"), _u("iuran berapa sebulan?", "ask_fee"),
              ActionExecuted("action_deactivate_loop"), ActiveLoop(None), ActionExecuted("action_answer"),
              BotUttered("Iuran BPU mulai Rp16.800 sebulan."), ActionExecuted("action_listen")):
        tracker.update(e)


def _other_form(tracker: DialogueStateTracker) -> None:
    """"cek kelayakan" in the middle of the lead form: Rasa rejects the lead form and starts the eligibility form."""
    for e in (ActionExecuted("action_listen"), _u("cek kelayakan", "check_eligibility"),
              ActionExecutionRejected("lead_form"), ActionExecuted("eligibility_form"),
              ActiveLoop("eligibility_form"), SlotSet("requested_slot", "occupation"),
              BotUttered("Apa pekerjaan Anda sehari-hari?"), ActionExecuted("action_listen")):
        tracker.update(e)


def _new_session(tracker: DialogueStateTracker) -> None:
    """The worker walked away mid-form; hours later a new session starts."""
    for e in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              _u("halo", "greet"), ActionExecuted("action_answer"), BotUttered("Halo!"),
              ActionExecuted("action_listen")):
        tracker.update(e)


def _submit(tracker: DialogueStateTracker) -> None:
    for e in (ActionExecuted("action_listen"), _u("Kota Kendari"), ActionExecuted("lead_form"),
              SlotSet("regency", "Kota Kendari"), ActiveLoop(None), SlotSet("requested_slot", None),
              ActionExecuted("action_submit_lead"), BotUttered("Terima kasih, Siti Aminah, sudah kami catat."),
              SlotSet("name", None), ActionExecuted("action_listen")):
        tracker.update(e)


@pytest.mark.parametrize("ending", [_cancel, _abandon, _other_form, _new_session],
                         ids=["cancelled", "abandoned", "another-form", "new-session"])
async def test_unsaved_lead_form_leaves_nothing_in_the_redis_tracker(redis_env, shared_redis, prefix,
                                                                      project_domain, ending):
    store = EnvTrackerStore(domain=project_domain, host=None)
    assert isinstance(store, LingkarRedisTrackerStore)
    tracker = DialogueStateTracker("w-form", project_domain.slots)
    _form_answers(tracker)
    await store.save(tracker)                                    # one turn: the answers are stored meanwhile
    raw = redis.Redis.from_url(shared_redis).get(tracker_key("w-form", prefix))
    assert b"Siti Aminah" in raw
    restored = await EnvTrackerStore(domain=project_domain).retrieve_full_tracker("w-form")  # the next turn
    ending(restored)
    await store.save(restored)
    raw = redis.Redis.from_url(shared_redis).get(tracker_key("w-form", prefix)).decode()
    for value in TYPED + ("Siti",):
        assert value not in raw, f"{value!r} still in the stored conversation"
    stored = await EnvTrackerStore(domain=project_domain).retrieve_full_tracker("w-form")
    texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
    assert stored.get_slot("name") is None and stored.get_slot("nik") is None
    if ending is _new_session:  # only the latest session is kept (rasa_plugins.stores.bounded)
        assert texts == ["halo"] and isinstance(stored.events[1], SessionStarted)
    else:
        assert texts[0] == "hubungi saya" and texts[1:5] == ["[dihapus]"] * 4  # what was typed during the form
        bot_texts = [e.text for e in stored.events if isinstance(e, BotUttered)]
        assert "Siapa nama lengkap Anda?" in bot_texts and "[dihapus]" in bot_texts  # only the echoes go
    await store.save(stored)                                     # a later turn changes nothing more
    assert redis.Redis.from_url(shared_redis).get(tracker_key("w-form", prefix)).decode() == raw


async def test_submitted_lead_form_keeps_its_answers(redis_env, shared_redis, prefix, project_domain):
    """Only unsaved forms are erased: a stored lead (with consent) keeps its conversation until it expires."""
    store = EnvTrackerStore(domain=project_domain, host=None)
    tracker = DialogueStateTracker("w-saved", project_domain.slots)
    _form_answers(tracker)
    _submit(tracker)
    await store.save(tracker)
    raw = redis.Redis.from_url(shared_redis).get(tracker_key("w-saved", prefix))
    assert b"Siti Aminah" in raw and b"0812 3456 7890" in raw


async def test_unsaved_lead_form_leaves_nothing_in_the_memory_tracker(monkeypatch, project_domain):
    monkeypatch.delenv("REDIS_URL", raising=False)
    store = EnvTrackerStore(domain=project_domain, host=None)
    tracker = DialogueStateTracker("w-mem-form", project_domain.slots)
    _form_answers(tracker)
    _cancel(tracker)
    await store.save(tracker)
    dump = json.dumps((await store.retrieve("w-mem-form")).current_state(EventVerbosity.ALL))
    assert not [v for v in TYPED if v in dump]


async def test_in_memory_conversations_expire(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CONVERSATION_TTL", "1")
    store = EnvTrackerStore(domain=Domain.empty(), host=None)
    await store.save(_tracker("w-old", "halo"))
    assert await store.retrieve("w-old") is not None
    await asyncio.sleep(1.2)
    assert await store.retrieve("w-old") is None                 # expired when asked for
    await store.save(_tracker("w-old2", "halo"))
    await asyncio.sleep(1.2)
    await store.save(_tracker("w-new", "halo"))                  # the sweep at a save drops the rest
    assert "w-old2" not in store.store and "w-new" in store.store


def test_conversation_ttl_setting():
    assert redis_config({"REDIS_URL": "redis://h"}).tracker_ttl == 90 * 86400
    assert redis_config({"REDIS_URL": "redis://h", "CONVERSATION_TTL": "600"}).tracker_ttl == 600
    with pytest.raises(RedisConfigError, match="positive"):
        redis_config({"REDIS_URL": "redis://h", "CONVERSATION_TTL": "0"})
