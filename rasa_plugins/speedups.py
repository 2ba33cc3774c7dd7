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
* ``EndpointConfig.request`` (every call of a custom action) opens a new ``aiohttp`` session, so a new
  connection (and a DNS lookup when the URL names a host) for each action. Here each endpoint keeps one session
  per event loop and reuses its connections. An idle connection is dropped by us after
  ``KEEPALIVE_SECONDS``, before the action server (Sanic, 5 s) closes it, so a request never goes out on a
  connection the server is closing.
"""
from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Dict, Tuple, Type

#: Seconds an idle connection to an endpoint is kept for reuse (below Sanic's keep-alive timeout of 5 s).
KEEPALIVE_SECONDS = 2.0


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


class _Borrowed:
    """``async with`` that lends a long-lived session without closing it at the end."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc: Any) -> None:
        return None


_sessions: Dict[Tuple[int, str, Tuple], Any] = {}


def shared_session(self: Any) -> Any:
    """Rasa's ``EndpointConfig.session`` returning one session per endpoint and event loop, kept open."""
    import aiohttp

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not called from a coroutine: Rasa's own behaviour (a session the caller closes)
        return _originals["session"](self)
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    key = (id(loop), self.url or "", tuple(sorted((self.headers or {}).items())), auth)
    session = _sessions.get(key)
    if session is None or session.closed or session._loop is not loop:
        from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        _sessions[key] = session
    return _Borrowed(session)


_originals: Dict[str, Any] = {}


def install() -> None:
    """Install the changes above into the Rasa modules of this process (once)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    if _originals:
        return
    _originals["resolve_by_type"] = Event.__dict__["resolve_by_type"]
    _originals["_validate_action_result"] = RemoteAction.__dict__["_validate_action_result"]
    _originals["session"] = EndpointConfig.__dict__["session"]
    EndpointConfig.session = shared_session  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(cached_resolve_by_type(Event.resolve_by_type))  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    """Rasa as it was before :func:`install` (for tests)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    if not _originals:
        return
    Event.resolve_by_type = _originals.pop("resolve_by_type")  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _originals.pop("_validate_action_result")  # type: ignore[method-assign]
    EndpointConfig.session = _originals.pop("session")  # type: ignore[method-assign]
