"""rasa_plugins.speedups: the same answers as Rasa's own code, without the repeated work."""
from __future__ import annotations

import asyncio
import time

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from rasa_plugins import speedups


@pytest.fixture
def installed():
    speedups.install()
    yield
    speedups.uninstall()


def _event_dicts() -> list:
    return [e.as_dict() for e in (ActionExecuted("action_listen"), UserUttered("halo", {"name": "greet"}),
                                  SlotSet("regency", "Kota Kendari"))] * 100


def test_events_resolve_to_the_same_classes(installed):
    names = {cls.type_name for cls in all_subclasses(Event)}
    speedups.uninstall()
    slow = {name: Event.resolve_by_type(name) for name in names}
    speedups.install()
    assert {name: Event.resolve_by_type(name) for name in names} == slow
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert "no_such_event" not in Event.resolve_by_type.cache  # a default is never remembered
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_reading_events_is_faster_and_unchanged(installed):
    dicts = _event_dicts()
    t0 = time.perf_counter()
    fast = [Event.from_parameters(d) for d in dicts]
    fast_s = time.perf_counter() - t0
    speedups.uninstall()
    t0 = time.perf_counter()
    slow = [Event.from_parameters(d) for d in dicts]
    slow_s = time.perf_counter() - t0
    speedups.install()
    assert [e.as_dict() for e in fast] == [e.as_dict() for e in slow]
    assert fast_s < slow_s  # about 10× on this machine; only the direction is checked


def test_action_responses_are_validated_as_before(installed):
    action = RemoteAction("action_answer", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "x", "value": 1}],
                                           "responses": [{"text": "halo"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "no-such-event"}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_the_rasa_entry_point_installs_them():
    source = (speedups.__file__.replace("speedups.py", "run.py"))
    assert "install()" in open(source).read()


async def test_action_calls_reuse_one_connection(installed):
    """Each call used to open a new connection; now they share one, and an idle one is dropped in time."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": [], "got": await request.json()})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Token": "t"})
        answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
        assert [a["got"]["n"] for a in answers] == list(range(5))
        assert len(set(peers)) == 1                                       # one connection for five calls
        await asyncio.sleep(speedups.KEEPALIVE_SECONDS + 0.5)
        assert (await endpoint.request(json={"n": 5}, method="post"))["got"] == {"n": 5}
        assert len(set(peers)) == 2                                       # the idle one was dropped by us
    finally:
        for session in list(speedups._sessions.values()):
            await session.close()
        speedups._sessions.clear()
        await runner.cleanup()
