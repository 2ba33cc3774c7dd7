from __future__ import annotations

import pytest

from tests.telegram.conftest import redis_prefix


@pytest.fixture(params=["sqlite", "redis"])
async def backend(request, tmp_path):
    """("sqlite", path) or ("redis", "url|prefix") on the real Redis server."""
    if request.param == "sqlite":
        yield "sqlite", tmp_path / "inbox.db"
        return
    async with redis_prefix() as value:
        yield "redis", value


@pytest.fixture
async def redis_url_core():
    async with redis_prefix() as value:
        yield value
