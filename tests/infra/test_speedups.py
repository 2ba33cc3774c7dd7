"""rasa_plugins.speedups: the same answers as Rasa's own code, without the repeated work."""
from __future__ import annotations

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
