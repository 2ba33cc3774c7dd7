"""Rasa tracker and lock stores chosen by the environment (REDIS_URL, through :mod:`lingkar.settings`).

endpoints.yml cannot be conditional, and Rasa's `${VAR}` substitution fails when a variable is unset, so
endpoints.yml names these classes by module path and they read the process's settings (:mod:`lingkar.settings`):

    tracker_store:
      type: rasa_plugins.stores.EnvTrackerStore
    lock_store:
      type: rasa_plugins.stores.EnvLockStore

* ``REDIS_URL`` empty or unset: Rasa's in-memory tracker and lock store (what ``make run`` uses; nothing
  survives a restart and only one Rasa process may serve).
* ``REDIS_URL`` set (``redis://[user:password@]host:port/db``, ``rediss://`` for TLS, query options such as
  ``?ssl_cert_reqs=required&ssl_ca_certs=/path/ca.pem``): trackers and ticket locks live in Redis, under
  ``<REDIS_PREFIX>:tracker:<sender>`` and ``<REDIS_PREFIX>:lock:<sender>`` (``REDIS_PREFIX`` defaults to
  ``lingkar``; Rasa requires it to be alphanumeric).

Fail fast: with ``REDIS_URL`` set, Redis must answer within ``REDIS_STARTUP_TIMEOUT`` seconds (default 30) when
Rasa starts, or Rasa refuses to start. Rasa's own behaviour would be to start anyway and, at the first error, keep
conversations in a throw-away in-memory store (see docs/deploy.md, "When Redis is down"). Once running, Rasa wraps
every tracker store in ``FailSafeTrackerStore``, which swallows errors; ``python -m rasa_plugins.health`` detects that.

"hapus data saya" also erases the conversation: when a tracker to be saved holds a ``SlotSet`` of the
``history_erased`` slot (set by ``action_delete_my_data``), both stores keep only the events after the last such
marker, so the names, phone numbers and NIKs the worker typed earlier are gone from the stored conversation
too.

Personal answers of a lead form that stored nothing are erased as well (:func:`redact_unsaved_forms`): a
``lead_form`` / ``sponsor_form`` that was cancelled ("batal"), refused (no consent) or rejected by the store
(the action sets ``history_erased`` to ``"form"``), or abandoned — the form was deactivated without being
submitted, another form (e.g. the eligibility check) took over, or a new conversation session began while it was
open (then the personal slots that session carried over are erased too). What the worker
typed during the form becomes ``[dihapus]`` (intent kept, entities dropped), the form's personal slots
(name, phone, NIK, contact time, sponsor details) are set to None in the stored events, and every bot message
that echoes one of those values is blanked too. A form still open when the worker simply stops answering
goes with the whole conversation when it expires.

Conversations stay small (issue 14): both stores save only the latest session, and when it holds more than
``MAX_EVENTS`` events, only its last turns (at most ``KEEP_EVENTS`` events) after ``SlotSet``/``ActiveLoop`` events
that recreate the state before them (:func:`bounded`). Older events are dropped (docs/data-model.md). So the
tracker Rasa reads, sends to the action server and writes back has a bounded size however long the
conversation runs. With Redis the stored value is replaced at each save: Rasa's ``RedisTrackerStore.save`` would
read and merge the whole stored history back in.

Conversations expire: ``CONVERSATION_TTL`` (seconds after the last change, default 90 days; the older name
``REDIS_TRACKER_TTL`` is still read) is the Redis key's TTL, and the in-memory store drops a conversation as
old when it is next asked for it and in a sweep at every save (at most once a minute).

Other settings: ``REDIS_SOCKET_TIMEOUT`` (seconds, default 5: a hung Redis must not freeze Rasa's event loop for
ever). They are parsed by ``rasa_plugins.health.redis_config``, which the health check shares (that module does not
import Rasa).

The lock store is Rasa's ``RedisLockStore`` with its read-modify-write steps made atomic (WATCH/MULTI), so several
Rasa replicas sharing one Redis never hand out the same ticket twice or drop each other's tickets, and a lock whose
holder crashed expires with its last ticket instead of staying in Redis for ever.
"""
from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any, Callable, Dict, Mapping, Tuple, TypeVar

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME as ACTION_LISTEN
from rasa.shared.core.constants import ACTION_SESSION_START_NAME as ACTION_SESSION_START
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions
from rasa.shared.exceptions import ConnectionException
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from rasa_plugins.health import RedisConfig, conversation_ttl, lock_key, redis_config, tracker_key

logger = logging.getLogger(__name__)

T = TypeVar("T")


def make_client(config: RedisConfig, decode_responses: bool) -> redis.Redis:
    """A client for REDIS_URL with bounded timeouts and a short retry on connection errors.

    The stores call Redis synchronously inside Rasa's event loop, so every call must end quickly: a dropped
    connection is retried three times (well under a second when the port refuses), a hung server times out
    after REDIS_SOCKET_TIMEOUT seconds.
    """
    return redis.Redis.from_url(
        config.url,
        decode_responses=decode_responses,
        socket_timeout=config.socket_timeout,
        socket_connect_timeout=min(config.socket_timeout, 2.0),
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
        retry_on_error=[redis.ConnectionError],
        health_check_interval=30,
    )


def wait_for_redis(client: redis.Redis, config: RedisConfig, what: str) -> None:
    """Block until Redis answers PING, or raise ConnectionException after ``config.startup_timeout`` seconds."""
    deadline = time.monotonic() + config.startup_timeout
    delay = 0.2
    while True:
        try:
            client.ping()
            return
        except redis.RedisError as e:
            if time.monotonic() + delay > deadline:
                raise ConnectionException(
                    f"Lingkar {what}: REDIS_URL is set ({config.safe_url}) but Redis did not answer within "
                    f"{config.startup_timeout:g}s ({e.__class__.__name__}: {e}). Refusing to start, because Rasa "
                    f"would otherwise keep conversations in memory and lose them. Start Redis, fix REDIS_URL, "
                    f"or unset REDIS_URL to run in memory on purpose.") from e
            logger.warning("%s: waiting for Redis at %s (%s)", what, config.safe_url, e)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


# --------------------------------------------------------------------------------------------- tracker store

ERASE_SLOT = "history_erased"
#: ``SlotSet(history_erased, FORM_ERASED)``: erase the answers of the form that just ended (it stored nothing).
FORM_ERASED = "form"
#: The forms that collect personal data, and their slots that hold it (actions/leads.py PERSONAL_SLOTS).
PERSONAL_FORMS = ("lead_form", "sponsor_form")
PERSONAL_FORM_SLOTS = ("name", "phone", "nik", "contact_time", "donor_kind", "sponsor_organisation",
                       "sponsor_workers", "sponsor_regency")
REDACTED = "[dihapus]"


def _rebuild(tracker: DialogueStateTracker, events: list, domain: Domain | None) -> DialogueStateTracker:
    slots = domain.slots if domain and domain.slots else list(tracker.slots.values())
    return DialogueStateTracker.from_events(tracker.sender_id, events, slots=slots,
                                            max_event_history=tracker._max_event_history,
                                            sender_source=tracker.sender_source, domain=domain)


def erased_history(tracker: DialogueStateTracker, domain: Domain | None) -> DialogueStateTracker | None:
    """The tracker without everything up to its last ``history_erased`` marker, or None when it has none."""
    events = list(tracker.events)
    marks = [i for i, e in enumerate(events)
             if isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value != FORM_ERASED]
    if not marks:
        return None
    return _rebuild(tracker, events[marks[-1] + 1:], domain)


def _form_windows(events: list) -> list:
    """(start, end, unsaved) for each run of a personal-data form: ``start`` is the index of the event that
    activated it, ``end`` the index where it ended (len(events) if still open); ``unsaved`` is True when it
    ended without its answers being stored: a ``history_erased = "form"`` marker before the next form, no
    ``action_submit_lead`` right after its end (cancelled or abandoned: the stores save a tracker at the end of
    a turn, after the actions that follow), another form or a new session starting while it was open."""
    windows, start = [], None
    for i, e in enumerate(events):
        if isinstance(e, ActiveLoop):
            if start is None and e.name in PERSONAL_FORMS:
                start = i
            elif start is not None and e.name not in PERSONAL_FORMS:
                windows.append([start, i, True if e.name else None])  # another form took over: abandoned
                start = None
        elif isinstance(e, SessionStarted) and start is not None:
            windows.append([start, i, True])
            start = None
    if start is not None:
        windows.append([start, len(events), False])
    for w in windows:
        if w[2] is not None:
            continue
        nxt = [e for e in events[w[1] + 1:] if isinstance(e, ActionExecuted) and e.action_name != "action_listen"]
        submitted = bool(nxt) and nxt[0].action_name == "action_submit_lead"
        following = next((j for j, e in enumerate(events[w[1] + 1:], w[1] + 1)
                          if isinstance(e, ActiveLoop) and e.name in PERSONAL_FORMS), len(events))
        marked = any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value == FORM_ERASED
                     for e in events[w[1]:following])
        w[2] = marked or not submitted
    return [tuple(w) for w in windows]


def _scrub(text: str | None, values: list) -> str | None:
    if text and any(v in text for v in values):
        return REDACTED
    return text


def redact_unsaved_forms(tracker: DialogueStateTracker, domain: Domain | None) -> DialogueStateTracker | None:
    """The tracker with the personal answers of every unsaved form run erased, or None when nothing changes.

    Idempotent: a tracker redacted once comes back unchanged (None)."""
    events = list(tracker.events)
    windows = [(a, b) for a, b, unsaved in _form_windows(events) if unsaved]
    if not windows:
        return None
    inside, carried = set(), set()
    for a, b in windows:
        inside.update(range(a, b))
        if b < len(events) and isinstance(events[b], SessionStarted):
            # the new session carried the form's slots over (ActionSessionStart: SlotSets up to its action_listen)
            j = b + 1
            while j < len(events) and not isinstance(events[j], ActionExecuted):
                carried.add(j)
                j += 1
    values = _personal_values(events, inside)
    out, changed = [], False
    for i, e in enumerate(events):
        if i in carried and isinstance(e, SlotSet) and e.key in PERSONAL_FORM_SLOTS and e.value is not None:
            new: Event = SlotSet(e.key, None, timestamp=e.timestamp, metadata=e.metadata)
        else:
            new = _redacted_event(e, i in inside, values)
        changed = changed or new is not e
        out.append(new)
    return _rebuild(tracker, out, domain) if changed else None


def _personal_values(events: list, inside: set) -> list:
    """The personal values given during the form runs at ``inside``: what the personal slots were set to, and
    the worker's message that each came from (as typed, e.g. "0812 3456 7890" for "+6281234567890")."""
    values, last_text = set(), None
    for i in sorted(inside):
        e = events[i]
        if isinstance(e, UserUttered):
            last_text = e.text
        elif isinstance(e, SlotSet) and e.key in PERSONAL_FORM_SLOTS and e.value is not None:
            values.add(str(e.value))
            if last_text and last_text != REDACTED and not last_text.startswith("/"):
                values.add(last_text)
    return sorted(v for v in values if len(v) >= 3)


def _redacted_event(e: Event, inside: bool, values: list) -> Event:
    if isinstance(e, UserUttered) and inside and (e.text != REDACTED or e.entities):
        intent = dict(e.intent or {})
        return UserUttered(REDACTED, intent, [], {"text": REDACTED, "intent": intent, "entities": []},
                           timestamp=e.timestamp, input_channel=e.input_channel, message_id=e.message_id,
                           metadata=e.metadata)
    if isinstance(e, SlotSet) and inside and e.key in PERSONAL_FORM_SLOTS and e.value is not None:
        return SlotSet(e.key, None, timestamp=e.timestamp, metadata=e.metadata)
    if isinstance(e, BotUttered) and values:
        data_text = json.dumps(e.data, ensure_ascii=False, default=str) if e.data else ""
        if _scrub(e.text, values) != e.text or _scrub(data_text, values) != data_text:
            return BotUttered(REDACTED, {}, e.metadata, timestamp=e.timestamp)
    return e


def minimised(tracker: DialogueStateTracker, domain: Domain | None) -> DialogueStateTracker | None:
    """What the stores save instead of ``tracker`` (erased history, unsaved forms redacted), or None."""
    erased = erased_history(tracker, domain)
    if erased is not None:
        logger.info("conversation history erased on the worker's request (%d events dropped)",
                    len(tracker.events) - len(erased.events))
    redacted = redact_unsaved_forms(erased or tracker, domain)
    if redacted is not None:
        logger.info("personal answers of an unsaved form erased from the conversation")
    return redacted or erased


# ------------------------------------------------------------------------------ bounded conversation state

#: A stored conversation is cut back when its current session holds more than MAX_EVENTS events (about 8 turns)
MAX_EVENTS = 50
#: ... to the last turns that fit in KEEP_EVENTS events (about 5 turns), after a summary of the state before them.
KEEP_EVENTS = 30


def _session_begin(events: list) -> int:
    """The index of the first event of the latest session (0 when the tracker holds a single session)."""
    for i in range(len(events) - 1, -1, -1):
        if isinstance(events[i], SessionStarted):
            before = events[i - 1] if i else None
            return i - 1 if isinstance(before, ActionExecuted) and before.action_name == ACTION_SESSION_START else i
    return 0


def _turn_start(events: list, at_least: int) -> int | None:
    """The index of the first ``action_listen`` at or after ``at_least`` that a user message follows."""
    for i in range(max(at_least, 0), len(events) - 1):
        e = events[i]
        if (isinstance(e, ActionExecuted) and e.action_name == ACTION_LISTEN
                and isinstance(events[i + 1], UserUttered)):
            return i
    return None


def _state_events(tracker: DialogueStateTracker, timestamp: float) -> list:
    """Events that recreate ``tracker``'s state: the active form first (so that the redaction of an unsaved form
    covers the answers given before the cut too), then one ``SlotSet`` per slot that is not at its initial value."""
    out: list = []
    loop = tracker.active_loop_name
    if loop:  # (is_interrupted and rejected last until the next action: nothing to keep at a turn's start)
        out.append(ActiveLoop(loop, timestamp=timestamp))
    for name, slot in tracker.slots.items():
        if slot.value == slot.initial_value or (name == ERASE_SLOT and slot.value != FORM_ERASED):
            continue
        out.append(SlotSet(name, slot.value, timestamp=timestamp))
    return out


def bounded(tracker: DialogueStateTracker, domain: Domain | None, max_events: int = MAX_EVENTS,
            keep: int = KEEP_EVENTS) -> DialogueStateTracker | None:
    """The conversation as the stores keep it, or None when ``tracker`` is kept as it is.

    * Only the latest session: the events of earlier sessions are dropped (the slots a new session carries over
      are in its own ``SlotSet`` events, and Rasa never shows an earlier session to the policies or actions).
    * When the session holds more than ``max_events`` events, it is cut at the start of a turn, so that at most
      ``keep`` events follow, and the state before the cut (active form, slot values) is written in front of
      them as ``ActiveLoop``/``SlotSet`` events: the slots, the form and the recent turns the actions read
      (previous topic, latest channel metadata, repeated update ids) stay, whatever the length of the history.
    """
    events = list(tracker.events)
    begin = _session_begin(events)
    cut = None
    if len(events) - begin > max_events:
        cut = _turn_start(events, len(events) - keep)
    if cut is None:
        return _rebuild(tracker, events[begin:], domain) if begin else None
    before = _rebuild(tracker, events[begin:cut], domain)
    return _rebuild(tracker, _state_events(before, events[cut].timestamp) + events[cut:], domain)


def latest_session(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """What Rasa's ``retrieve`` returns (the latest session), without rebuilding a tracker that holds only one,
    as the stores save it (Rasa's ``get_trackers_for_conversation_sessions`` replays every event once more)."""
    if not any(isinstance(e, ActionExecuted) and e.action_name == ACTION_SESSION_START
               for e in itertools.islice(tracker.events, 1, None)):
        return tracker
    return get_trackers_for_conversation_sessions(tracker)[-1]  # stored before the stores kept one session


def to_store(tracker: DialogueStateTracker, domain: Domain | None) -> DialogueStateTracker:
    """What the stores save for ``tracker``: erased history and unsaved forms removed (:func:`minimised`), then
    cut to the latest session and a bounded tail (:func:`bounded`)."""
    smaller = minimised(tracker, domain) or tracker
    return bounded(smaller, domain) or smaller


class ErasingInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store (make run) that honours the ``history_erased`` marker, erases the answers
    of unsaved forms, and forgets a conversation ``ttl`` seconds after its last change."""

    SWEEP_EVERY = 60.0

    def __init__(self, domain: Domain, event_broker: EventBroker | None = None, ttl: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.ttl = float(ttl if ttl is not None else conversation_ttl())
        self.saved_at: Dict[str, float] = {}
        self._next_sweep = 0.0

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(to_store(tracker, self.domain))
        self.saved_at[tracker.sender_id] = time.time()
        if time.monotonic() >= self._next_sweep:
            self.prune_expired()

    def prune_expired(self) -> int:
        """Drop every conversation unchanged for ``ttl`` seconds; returns how many went."""
        self._next_sweep = time.monotonic() + min(self.SWEEP_EVERY, self.ttl)
        cutoff = time.time() - self.ttl
        old = [sender for sender, at in self.saved_at.items() if at < cutoff]
        for sender in old:
            self.store.pop(sender, None)
            self.saved_at.pop(sender, None)
        if old:
            logger.info("%d expired conversation(s) dropped from memory", len(old))
        return len(old)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        at = self.saved_at.get(sender_id)
        if at is not None and at < time.time() - self.ttl:
            self.store.pop(sender_id, None)
            self.saved_at.pop(sender_id, None)
        stored = self.store.get(sender_id)
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        return tracker if fetch_all_sessions or tracker is None else latest_session(tracker)


class LingkarRedisTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore connected through REDIS_URL (password, db, TLS options all from the URL),
    honouring the ``history_erased`` marker."""

    def __init__(self, domain: Domain | None, config: RedisConfig,
                 event_broker: EventBroker | None = None) -> None:
        super().__init__(domain=domain, event_broker=event_broker, record_exp=config.tracker_ttl,
                         key_prefix=config.prefix or None)
        self.red = make_client(config, decode_responses=True)
        self.config = config

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        stored = self.red.get(self.key_prefix + sender_id)
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        return tracker if fetch_all_sessions or tracker is None else latest_session(tracker)

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Writes what :func:`to_store` keeps of ``tracker``, replacing the stored conversation.

        Rasa's ``RedisTrackerStore.save`` reads the stored conversation and merges it into the new one (because
        ``retrieve`` returns the latest session only, and Rasa keeps every session); that made every turn
        deserialise and compare the whole history. Here the latest session is all that is kept, so the stored
        value is simply replaced (the conversation's lock is held for the whole turn: nobody writes meanwhile).
        """
        await self.stream_events(tracker)
        kept = to_store(tracker, self.domain)
        self.red.set(self.key_prefix + tracker.sender_id, self.serialise_tracker(kept),
                     ex=timeout or self.record_exp)


class EnvTrackerStore:
    """Factory named in endpoints.yml: Redis when REDIS_URL is set, memory otherwise.

    Rasa instantiates it as ``EnvTrackerStore(host=..., domain=..., event_broker=..., **kwargs)``; the call returns
    a ``LingkarRedisTrackerStore`` or an ``ErasingInMemoryTrackerStore``, so Rasa's logs name the real store.
    """

    def __new__(cls, domain: Domain | None = None, event_broker: EventBroker | None = None,
                host: str | None = None, **kwargs: Any) -> TrackerStore:  # type: ignore[misc]
        if host or kwargs:
            logger.warning("EnvTrackerStore ignores url/options in endpoints.yml (%s); it reads REDIS_* only.",
                           ", ".join(["url"] * bool(host) + sorted(kwargs)))
        config = redis_config()
        if config is None:
            logger.info("Tracker store: in memory (REDIS_URL is not set); conversations end with the process.")
            return ErasingInMemoryTrackerStore(domain or Domain.empty(), event_broker, ttl=conversation_ttl())
        store = LingkarRedisTrackerStore(domain, config, event_broker)
        wait_for_redis(store.red, config, "tracker store")
        logger.info("Tracker store: Redis at %s, keys %s", config.safe_url, tracker_key("<sender>", config.prefix))
        return store


# ------------------------------------------------------------------------------------------------ lock store

class LingkarRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore whose read-modify-write steps are atomic.

    Rasa's version reads the lock, changes it in Python and writes it back; two Rasa replicas doing that at the
    same moment can issue the same ticket twice or erase each other's ticket (and then fail with LockError or,
    worse, serve one conversation twice at once). Here each change runs under WATCH/MULTI and is retried when
    another process changed the lock in between. The key expires with its last ticket.
    """

    def __init__(self, config: RedisConfig) -> None:
        super().__init__(key_prefix=config.prefix or None, socket_timeout=config.socket_timeout)
        self.red = make_client(config, decode_responses=False)
        self.config = config

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], Tuple[TicketLock | None, T]]
                ) -> T:
        """Apply ``change`` to the stored lock atomically; it returns (new lock or None to delete, result)."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is not None:
                        new.remove_expired_tickets()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        ttl_ms = max(1, int((max(t.expires for t in new.tickets) - time.time()) * 1000) + 1000)
                        pipe.set(key, new.dumps(), px=ttl_ms)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        logger.debug(f"Issuing ticket for conversation '{conversation_id}'.")

        def change(lock: TicketLock | None) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, change)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def change(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            return lock, None  # _change drops expired tickets (and the key when none are left)

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finish_serving deletes the key when no ticket is left, in the same transaction; Rasa's version
        # checks "is someone waiting" and deletes in separate steps, erasing a ticket issued in between.
        self.finish_serving(conversation_id, ticket_number)

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _old: (lock, None))


class EnvLockStore:
    """Factory named in endpoints.yml: Redis when REDIS_URL is set, memory otherwise.

    Rasa instantiates it as ``EnvLockStore(endpoint_config=...)``.
    """

    def __new__(cls, endpoint_config: Any = None, **_: Any) -> LockStore:  # type: ignore[misc]
        config = redis_config()
        if config is None:
            logger.info("Lock store: in memory (REDIS_URL is not set); run a single Rasa process only.")
            return InMemoryLockStore()
        store = LingkarRedisLockStore(config)
        wait_for_redis(store.red, config, "lock store")
        logger.info("Lock store: Redis at %s, keys %s", config.safe_url, lock_key("<sender>", config.prefix))
        return store


def describe(env: Mapping[str, str] | None = None) -> Dict[str, Any]:
    """What the stores will be for this environment (no connection made)."""
    config = redis_config(env)
    if config is None:
        return {"tracker_store": "memory", "lock_store": "memory"}
    return {"tracker_store": "redis", "lock_store": "redis", "redis_url": config.safe_url,
            "tracker_key": tracker_key("<sender>", config.prefix), "lock_key": lock_key("<sender>", config.prefix),
            "tracker_ttl": config.tracker_ttl}
