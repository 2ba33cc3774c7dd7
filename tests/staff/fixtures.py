"""Fixtures shared by tests/staff, tests/agents and tests/dashboard (imported by their conftest.py).

* ``db_url``: a migrated, empty database — a SQLite file and a real PostgreSQL database (parametrised; on a
  machine where PostgreSQL is installed but not running the PostgreSQL cases FAIL, without it they are
  skipped loudly — the machinery of tests/fixtures_db.py); ``sqlite_url``: a migrated SQLite file only.
* ``store``: a :class:`Store` on it with a hand-moved clock (``clock``), starting 2026-11-24 10:00 WITA.
* The fake Telegram Bot API (keeping uploaded files) and fake Rasa of tests/telegram, and ``start_adapter``.
* ``make_lead``/``make_agent``/``make_staff``: data through the store's public API.
* ``bot``: the adapter with the staff and agent plugins (what ``setup_all`` installs) on ``store``; ``notifier``:
  the staff notifier on it; both with ``staff_settings`` (:func:`staff_settings_for`; a test module overrides the
  fixture for settings of its own).
"""
from __future__ import annotations

import itertools
from typing import Any, Dict, List

import aiohttp
import pytest
from aiohttp import web

from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from bot.staff.plugin import staff_and_agents
from lingkar.store import Store
from tests import fixtures_db
from tests.fixtures_db import BACKENDS, fresh_db_url, migrated, pg_databases, pg_url, sqlite_file_url  # noqa: F401
from tests.telegram.conftest import base_env, fake_rasa, free_port, redis_url, start_adapter  # noqa: F401
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI

STAFF_CHAT = -1001234567
ADMIN = 900001
STAFF = 900002
OUTSIDER = 900099
NIK = "7401015708900001"  # structurally valid: Kolaka (74 01 01), born 17-08-1990, a woman (+40)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    return fresh_db_url(request, tmp_path)


# The store on ``db_url`` with its hand-moved clock (fixtures of tests/fixtures_db.py).
clock, store = fixtures_db.clock, fixtures_db.store


@pytest.fixture
def sqlite_url(tmp_path):
    return migrated(sqlite_file_url(tmp_path))


_phones = itertools.count(10000001)


def lead_kwargs(**over: Any) -> Dict[str, Any]:
    n = next(_phones)
    kw = dict(sender_id=f"telegram:{n}", channel="telegram", name="Wa Ode Sitti", phone=f"0812{n}",
              consent_version="pdp-2026-11", regency="Kabupaten Kolaka", occupation="nelayan",
              sector="perikanan", age=35, income=2_000_000, contact_time="pagi",
              eligibility={"category": "bpu", "programmes": {"jkk": "mandatory", "jkm": "mandatory",
                                                               "jht": "optional"}, "monthly_total": 16800})
    kw.update(over)
    return kw


@pytest.fixture
def make_lead(store):
    def make(**over: Any):
        return store.upsert_lead(**lead_kwargs(**over)).lead
    return make


@pytest.fixture
def make_agent(store):
    def make(uid: int = 700001, approve: bool = True, name: str = "La Ode Agen", regency: str = "Kabupaten Kolaka"):
        agent = store.apply_agent(telegram_user_id=uid, name=name, organisation="Koperasi Nelayan",
                                  regency=regency, phone="081300001111", consent_version="agen-2026-11")
        if approve:
            agent = store.set_agent_status(agent.id, "approved", actor=f"telegram:{ADMIN}")
        return agent
    return make


@pytest.fixture
def staff(store):
    """An admin and a staff member in the database."""
    store.ensure_admin(ADMIN, name="Bu Admin")
    store.add_staff(STAFF, "Rina Petugas", "staff", actor=f"telegram:{ADMIN}")
    return store


def drain_outbox(store: Store) -> None:
    """Mark everything pending as delivered (setup data that a test does not want posted)."""
    while True:
        events = store.claim_outbox("test-setup", limit=100)
        if not events:
            return
        for ev in events:
            store.ack_outbox(ev.id, "test-setup")


class RecordingBotAPI(FakeBotAPI):
    """The fake Bot API of tests/telegram, on a chosen port if asked (to be "down" and come back on the same
    address), keeping the bytes of uploaded files (the agent's QR code) in :attr:`uploads`."""

    def __init__(self, port: int = 0):
        super().__init__()
        self.want_port = port
        self.uploads: List[Dict[str, Any]] = []

    async def start(self) -> RecordingBotAPI:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.want_port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        self.session = aiohttp.ClientSession()
        return self

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        multipart = request.method == "POST" and request.content_type == "multipart/form-data"
        params = await super()._params(request)
        if multipart:
            form = await request.post()  # the form the base class read (aiohttp keeps it)
            for key, value in form.items():
                if hasattr(value, "file"):
                    value.file.seek(0)
                    self.uploads.append({"method": request.match_info["method"], "field": key,
                                         "filename": value.filename, "data": value.file.read(),
                                         "chat_id": form.get("chat_id")})
        return params


@pytest.fixture
async def fake_tg():
    """The fake Bot API (a :class:`RecordingBotAPI` on a free port); the adapter fixtures use it too."""
    api = await RecordingBotAPI().start()
    yield api
    await api.stop()


def staff_settings_for(fake_tg, **fields: Any) -> StaffSettings:
    """Staff settings against the fake Bot API, with the tests' staff group and admin; ``fields`` set the rest."""
    return StaffSettings(**{"token": TOKEN, "api_url": fake_tg.base, "staff_chat_id": STAFF_CHAT,
                            "admin_telegram_id": ADMIN, **fields})


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    return staff_settings_for(fake_tg)


@pytest.fixture
async def bot(store, staff, start_adapter, staff_settings):  # noqa: F811  (the fixture imported above)
    """The adapter with the staff and agent plugins, on the test's store."""
    return await start_adapter(plugins=[staff_and_agents(store, staff_settings)])


@pytest.fixture
async def notifier(store, staff_settings):
    n = Notifier(store, staff_settings)
    await n.start()
    yield n
    await n.close()
