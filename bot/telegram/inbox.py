"""Moved to :mod:`bot.core.inbox` (the channel-neutral delivery core); kept as an alias for old imports."""
from bot.core.inbox import *  # noqa: F401,F403
from bot.core.inbox import (  # noqa: F401
    CHOICE_PREFIX,
    DEDUPE_TTL,
    HELD_MAX,
    PAYLOAD_TTL,
    PROGRESS_TTL,
    PRUNE_INTERVAL,
    RECLAIM_IDLE_MS,
    STALE_HEAD_S,
    Entry,
    Inbox,
    RedisInbox,
    SQLiteInbox,
    UserRecord,
    make_inbox,
    personal_flag_keys,
)
