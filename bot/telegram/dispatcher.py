"""Moved to :mod:`bot.core.dispatcher` (the channel-neutral delivery core); kept as an alias for old imports."""
from bot.core.dispatcher import (  # noqa: F401
    KEEPALIVE_S,
    MAX_ATTEMPTS,
    MAX_DELIVERIES,
    RECORD_WAIT_S,
    RETRY_BASE,
    Dispatcher,
    Turn,
)
