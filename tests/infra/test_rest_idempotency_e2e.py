"""Issue 9, "every worker message answered exactly once", on Rasa's side: the real stack (Rasa with the trained
model and the action server, tracker and lock store in the shared Redis under a key prefix of its own).

An adapter that was killed after Rasa handled a message, and before it recorded the answer, sends the same
message again with the same ``metadata.update_id`` (``message_id`` for other channels). Rasa's REST channel
(rasa_plugins/channels.py, registered as ``rest`` in credentials.yml) must answer such a repeat with the answer it
gave the first time, without running the turn again. Messages with different ids, or without one, are turns of
their own as before.
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import pytest
import redis

from rasa_plugins.health import tracker_key
from tests.stack_util import running_stack

from .conftest import delete_prefix, unique_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, shared_redis):
    prefix = unique_prefix()
    tmp = tmp_path_factory.mktemp("rest-idempotency")
    try:
        with running_stack(tmp, drop=("LINGKAR_TODAY",), REDIS_URL=shared_redis, REDIS_PREFIX=prefix) as running:
            yield {**running, "prefix": prefix, "redis": shared_redis}
    finally:
        delete_prefix(shared_redis, prefix)


def post(stack, sender: str, text: str, **metadata: Any) -> List[Dict[str, Any]]:
    """One POST /webhooks/rest/webhook with {"sender", "message", "metadata"}, as the Telegram adapter sends it."""
    body = json.dumps({"sender": sender, "message": text,
                       "metadata": {"channel": "telegram", **metadata}}).encode()
    req = urllib.request.Request(f"{stack['url']}/webhooks/rest/webhook", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=180) as r:
        return json.loads(r.read())


def texts(reply: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in reply)


def user_events(stack, sender: str) -> List[Dict[str, Any]]:
    raw = redis.Redis.from_url(stack["redis"]).get(tracker_key(sender, stack["prefix"]))
    assert raw is not None, "no tracker in Redis"
    return [e for e in json.loads(raw)["events"] if e.get("event") == "user"]


def with_id(events: List[Dict[str, Any]], key: str, value: Any) -> List[Dict[str, Any]]:
    return [e for e in events if (e.get("metadata") or {}).get(key) == value]


def new_sender() -> str:
    return f"telegram:{uuid.uuid4().int % 10**9}"


def test_same_update_id_twice_is_one_turn_with_the_same_answer(stack):
    sender = new_sender()
    first = post(stack, sender, "halo", update_id=101, attempt=1)
    again = post(stack, sender, "halo", update_id=101, attempt=1)    # the restarted adapter counts from 1 again
    assert first and again == first
    assert len(with_id(user_events(stack, sender), "update_id", 101)) == 1


def test_generic_message_id_is_recognised_too(stack):
    sender = f"whatsapp:{uuid.uuid4().int % 10**9}"
    first = post(stack, sender, "halo", message_id="wamid.HBgLNjI4MTIzNDU2Nzg5FQIAEhggQUJD")
    again = post(stack, sender, "halo", message_id="wamid.HBgLNjI4MTIzNDU2Nzg5FQIAEhggQUJD")
    assert first and again == first
    assert len(with_id(user_events(stack, sender), "message_id", "wamid.HBgLNjI4MTIzNDU2Nzg5FQIAEhggQUJD")) == 1


def test_repeated_phone_in_the_lead_form_is_not_taken_as_the_nik(stack):
    sender = new_sender()
    for n, text in enumerate(("hubungi saya", "Daftar jadi peserta", "/affirm", "Siti Aminah"), start=1):
        post(stack, sender, text, update_id=n)
    asked_nik = post(stack, sender, "0812 3456 7890", update_id=5)
    assert "NIK" in texts(asked_nik)
    repeat = post(stack, sender, "0812 3456 7890", update_id=5, attempt=2)
    assert repeat == asked_nik                                        # not "NIK harus 16 angka …"
    assert len(with_id(user_events(stack, sender), "update_id", 5)) == 1
    after_nik = texts(post(stack, sender, "7401 0157 0890 0001", update_id=6))
    assert "16 angka" not in after_nik and after_nik != texts(asked_nik)   # the form moved on to the next question


def test_concurrent_attempts_with_one_id_run_one_turn(stack):
    sender = new_sender()
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: post(stack, sender, "apa itu BPJS Ketenagakerjaan?", update_id=7), (1, 2)))
    assert replies[0] and replies[0] == replies[1]
    assert len(with_id(user_events(stack, sender), "update_id", 7)) == 1


def test_different_ids_are_two_turns(stack):
    sender = new_sender()
    post(stack, sender, "halo", update_id=201)
    post(stack, sender, "halo", update_id=202)
    assert [e["metadata"]["update_id"] for e in user_events(stack, sender)] == [201, 202]


def test_messages_without_an_id_are_turns_as_before(stack):
    sender = new_sender()
    first = post(stack, sender, "halo")
    second = post(stack, sender, "halo")
    assert first and second
    assert [e["text"] for e in user_events(stack, sender)] == ["halo", "halo"]


def test_in_memory_stores_answer_a_repeat_too(tmp_path):
    """``REDIS_URL`` unset (make run): the ids are remembered in Rasa's process, the conversation in memory."""
    with running_stack(tmp_path, drop=("LINGKAR_TODAY",)) as running:
        sender = new_sender()
        first = post(running, sender, "halo", update_id=301)
        again = post(running, sender, "halo", update_id=301)
        assert first and again == first
        req = urllib.request.Request(f"{running['url']}/conversations/{sender}/tracker?token={running['token']}")
        with urllib.request.urlopen(req, timeout=60) as r:
            events = [e for e in json.loads(r.read())["events"] if e.get("event") == "user"]
        assert len(with_id(events, "update_id", 301)) == 1
