"""Issue 9, "keep only what is needed", on the real stack: Rasa (the trained model) and the action server with
REDIS_URL set (the shared Redis, a key prefix of its own). A worker types their name, phone and NIK into the lead
form and then cancels it, or walks off to another topic: the conversation stored in Redis holds none of it, and
it expires (a TTL is set)."""
from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
import redis

from rasa_plugins.health import tracker_key
from tests.stack_util import running_stack

from .conftest import delete_prefix, unique_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

TYPED = ("Siti Aminah", "0812 3456 7890", "+6281234567890", "7401015708900001", "7401 0157 0890 0001")
#: A fragment of the phone: looked for only in what people typed or were told (texts, slot and entity values), not
#: in timestamps, sender ids or model ids, where four digits turn up by chance.
FRAGMENTS = ("3456",)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, shared_redis):
    prefix = unique_prefix()
    tmp = tmp_path_factory.mktemp("form-erasure")
    try:
        with running_stack(tmp, drop=("LINGKAR_TODAY", "CONVERSATION_TTL"), REDIS_URL=shared_redis,
                           REDIS_PREFIX=prefix) as running:
            yield {**running, "prefix": prefix, "redis": shared_redis}
    finally:
        delete_prefix(shared_redis, prefix)


def say(stack, sender: str, text: str) -> str:
    body = json.dumps({"sender": sender, "message": text, "metadata": {"channel": "telegram"}}).encode()
    req = urllib.request.Request(f"{stack['url']}/webhooks/rest/webhook", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return "\n".join(m.get("text") or "" for m in json.loads(r.read()))


def stored(stack, sender: str) -> str:
    raw = redis.Redis.from_url(stack["redis"]).get(tracker_key(sender, stack["prefix"]))
    assert raw is not None, "no tracker in Redis"
    return raw.decode()


def said_values(raw: str) -> list:
    """Every ``text`` and ``value`` string in the stored conversation (messages, slots, entities)."""
    out, todo = [], [json.loads(raw)]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "value") and isinstance(value, str):
                    out.append(value)
                else:
                    todo.append(value)
        elif isinstance(node, list):
            todo.extend(node)
    return out


def fill_lead_form(stack, sender: str) -> None:
    say(stack, sender, "hubungi saya")
    say(stack, sender, "Klaim untuk ahli waris")          # "Perlu bantuan apa?" (no topic before)
    say(stack, sender, "/affirm")                         # consent
    say(stack, sender, "Siti Aminah")
    say(stack, sender, "0812 3456 7890")
    say(stack, sender, "7401 0157 0890 0001")
    assert "Siti Aminah" in stored(stack, sender)        # while the form runs, the answers are there


@pytest.mark.parametrize("leave, expect", [("batal", "dibatalkan"), ("cek kelayakan", "pekerjaan")],
                         ids=["cancelled", "abandoned-for-another-topic"])
def test_unsaved_lead_form_leaves_no_personal_value_in_redis(stack, leave, expect):
    sender = f"telegram:{uuid.uuid4().int % 10**9}"
    fill_lead_form(stack, sender)
    assert expect in say(stack, sender, leave)
    raw = stored(stack, sender)
    found = [v for v in TYPED if v in raw]
    found += [f for f in FRAGMENTS if any(f in v for v in said_values(raw))]
    assert not found, f"{found} still in the conversation stored in Redis"
    ttl = redis.Redis.from_url(stack["redis"]).ttl(tracker_key(sender, stack["prefix"]))
    assert 89 * 86400 < ttl <= 90 * 86400
    assert say(stack, sender, "halo")                    # the conversation goes on
