"""Work Rasa 3.6 repeats on every turn, done once instead (issue 14; measured in docs/performance.md).

:func:`install` is called by the Rasa entry point (:mod:`rasa_plugins.run`) before Rasa starts; importing this
module changes nothing. Each change keeps Rasa's behaviour and only removes repeated work:

* ``Event.resolve_by_type`` (every event read from the tracker store, every event an action returns) walks all
  subclasses of ``Event`` with ``inspect.isabstract`` to find the class of a type name: about 0.4 ms per event,
  most of the time Rasa spent reading a conversation. Here the answer is remembered per type name (the event
  classes are all defined when Rasa has started; a name not found is looked up the slow way again each time).
* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the schema itself and builds
  a validator on every action call. Here the validator for the (constant) schema is built once; the response is
  validated as before and a bad response fails with the same error.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Type


def cached_resolve_by_type(original: Callable[..., Any]) -> Callable[..., Any]:
    found: Dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Type[Any] | None = None) -> Type[Any] | None:
        cls = found.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, default)
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            found[type_name] = cls
        return cls

    resolve_by_type.cache = found  # type: ignore[attr-defined]
    return resolve_by_type


@functools.cache
def action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result`` with a validator built once."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error: ValidationError | None = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response from the "
                      f"Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


_originals: Dict[str, Any] = {}


def install() -> None:
    """Install the changes above into the Rasa modules of this process (once)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    if _originals:
        return
    _originals["resolve_by_type"] = Event.__dict__["resolve_by_type"]
    _originals["_validate_action_result"] = RemoteAction.__dict__["_validate_action_result"]
    Event.resolve_by_type = staticmethod(cached_resolve_by_type(Event.resolve_by_type))  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    """Rasa as it was before :func:`install` (for tests)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    if not _originals:
        return
    Event.resolve_by_type = _originals.pop("resolve_by_type")  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _originals.pop("_validate_action_result")  # type: ignore[method-assign]
