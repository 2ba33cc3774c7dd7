"""The one way async code calls the (synchronous) lead store: ``await run_sync(store.get_lead, 7)``.

Every store method opens its own connection and transaction and may wait on the database, so async
code (the Telegram adapter, the notifier, the dashboard, the rasa-sdk actions) runs it in a worker
thread instead of on the event loop. Anything else that blocks on the store (a closure that makes
several calls, ``bot.staff.auth`` functions) goes through the same helper.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

T = TypeVar("T")

__all__ = ["run_sync"]


async def run_sync(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run the blocking ``fn(*args, **kwargs)`` in a worker thread and return its result."""
    return await asyncio.to_thread(fn, *args, **kwargs)
