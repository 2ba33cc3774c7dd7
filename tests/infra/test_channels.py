"""rasa_plugins/channels.py without a Rasa server: which metadata key is the message id, which bot messages answer
a repeat, and the record of ids already handed to Rasa (in memory, and in the shared Redis under a prefix of its
own). The whole channel on the real stack: tests/infra/test_rest_idempotency_e2e.py."""
from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from rasa_plugins.channels import IdempotentRestInput, SeenIds, message_id, replies_after

from .conftest import delete_prefix, unique_prefix


def test_message_id_prefers_update_id_and_accepts_a_generic_message_id():
    assert message_id({"update_id": 456, "message_id": 78, "attempt": 2}) == ("update_id", "456")
    assert message_id({"message_id": "wamid.ABC"}) == ("message_id", "wamid.ABC")
    assert message_id({"channel": "telegram"}) is None
    assert message_id({"update_id": ""}) is None
    assert message_id(None) is None and message_id("x") is None


def test_the_channel_keeps_the_rest_name_and_url():
    assert IdempotentRestInput.name() == "rest"
    assert IdempotentRestInput().url_prefix() == "rest"


def turn(update_id, text, *answers):
    return [UserUttered(text, {"name": "x", "confidence": 1.0}, metadata={"update_id": update_id}),
            ActionExecuted("utter_x"), SlotSet("phone", "x")] + [BotUttered(a, data) for a, data in answers]


def test_replies_after_are_the_bot_messages_of_that_turn_only():
    events = (turn(1, "halo", ("Halo!", {}))
              + turn(2, "0812", ("Tulis NIK Anda.", {"buttons": [{"title": "Lewati", "payload": "/skip"}]}),
                     ("Atau ketik batal.", {}))
              + turn(3, "7401", ("Terima kasih.", {})))
    replies = replies_after(events, ("update_id", "2"))
    assert [r["text"] for r in replies] == ["Tulis NIK Anda.", "Atau ketik batal."]
    assert replies_after(events, ("update_id", "9")) is None
    assert replies_after(events, ("message_id", "2")) is None
    assert replies_after(turn(5, "halo"), ("update_id", "5")) == []      # a turn that said nothing


def test_replies_rebuild_the_rest_channels_output_format():
    events = turn(2, "0812", ("Tulis NIK Anda.\n\nAtau lewati.", {"buttons": [{"title": "Lewati", "payload": "/s"}]}),
                  ("", {"custom": {"kind": "menu"}}), ("Foto", {"image": "https://x/y.png"}))
    out = CollectingOutputChannel()

    async def send():
        for r in replies_after(events, ("update_id", "2")):
            await out.send_response("telegram:1", r)

    asyncio.run(send())
    assert out.messages == [
        {"recipient_id": "telegram:1", "text": "Tulis NIK Anda.\n\nAtau lewati.",
         "buttons": [{"title": "Lewati", "payload": "/s"}]},
        {"recipient_id": "telegram:1", "custom": {"kind": "menu"}},
        {"recipient_id": "telegram:1", "text": "Foto"},
        {"recipient_id": "telegram:1", "image": "https://x/y.png"},
    ]


def test_seen_ids_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    seen = SeenIds()
    assert seen.claim("telegram:1", ("update_id", "5")) is True
    assert seen.claim("telegram:1", ("update_id", "5")) is False
    assert seen.claim("telegram:2", ("update_id", "5")) is True          # per sender
    assert seen.claim("telegram:1", ("message_id", "5")) is True         # per kind of id


@pytest.mark.redis
def test_seen_ids_in_redis_expire(monkeypatch, shared_redis):
    prefix = unique_prefix()
    monkeypatch.setenv("REDIS_URL", shared_redis)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    try:
        seen = SeenIds()
        assert seen.claim("telegram:1", ("update_id", "5")) is True
        assert SeenIds().claim("telegram:1", ("update_id", "5")) is False  # another Rasa process sees it too
        key = f"{prefix}:seen:telegram:1:update_id:5"
        assert 0 < seen.red.ttl(key) <= seen.ttl
    finally:
        delete_prefix(shared_redis, prefix)


def test_seen_ids_say_unknown_when_redis_fails(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", "0.5")
    assert SeenIds().claim("telegram:1", ("update_id", "5")) is None    # then the conversation is checked
