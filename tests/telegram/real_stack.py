"""The real stack for end-to-end tests: ``rasa run actions`` + ``rasa run`` (trained model) on free ports, and a
Telegram user who talks to the adapter one update at a time.

* ``real_rasa`` (module-scoped fixture; import it into a test module to use it there): the action server and Rasa,
  started with the commands of ``python -m bot.stack`` and the project's endpoints.yml (tests/stack_util.py),
  Rasa's tracker and lock store in Redis under a key prefix of its own, the leads in a throw-away SQLite file that
  the test reads too (``DATABASE_URL``). The model is ``$LINGKAR_TEST_MODEL`` or models/lingkar.tar.gz (``make
  test`` trains it).
* :class:`TelegramUser`: each action pushes one update to the fake Bot API and waits until the adapter has finished
  that turn (every message of the answer sent), so a test always sees the whole answer, not its first message.
* :func:`prompt`: a question of the assistant as Telegram shows it, rendered from content/answers.yml (``flows``),
  so tests follow the assistant's own wording.
"""
from __future__ import annotations

import json
import subprocess
import urllib.request
import uuid
from typing import Any, Dict, Iterator, List

import pytest
import redis

from bot.telegram.app import Adapter
from bot.telegram.render import build_plan, to_html
from lingkar.clock import today
from lingkar.texts import get_flow_texts
from tests.fixtures_db import migrated, sqlite_file_url
from tests.stack_util import running_stack

from .conftest import REDIS_HOST, REDIS_PORT
from .fake_bot_api import Call, FakeBotAPI, parse_html

TURN_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def real_rasa(tmp_path_factory) -> Iterator[Dict[str, Any]]:
    """Yields ``url`` (Rasa), ``prefix`` (Rasa's Redis keys), ``db_url`` (the lead store), ``logs``."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        if subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0:
            pytest.skip("\n" + "!" * 78 + "\n!!! redis-server is not installed: e2e test SKIPPED\n" + "!" * 78)
        pytest.fail(f"Redis is installed but not reachable ({exc}); run `make services`")
    tmp = tmp_path_factory.mktemp("rasa")
    prefix = "lktg" + uuid.uuid4().hex[:10]
    db_url = migrated(sqlite_file_url(tmp))
    try:
        with running_stack(tmp, REDIS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/0", REDIS_PREFIX=prefix,
                           DATABASE_URL=db_url) as running:
            yield {**running, "prefix": prefix, "db_url": db_url}
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


# ------------------------------------------------------------------------------------------------ Rasa side
def rest(url: str, sender: str, message: str, metadata: Dict[str, Any] | None = None) -> List[Dict[str, Any]]:
    """One turn through Rasa's REST channel directly (a reference for what the adapter must show)."""
    body = {"sender": sender, "message": message, "metadata": metadata or {}}
    req = urllib.request.Request(f"{url}/webhooks/rest/webhook", method="POST", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=TURN_TIMEOUT) as r:
        return json.loads(r.read())


def tracker_user_events(real_rasa: Dict[str, Any], sender: str) -> List[Dict[str, Any]] | None:
    """The user messages of a conversation as Rasa stored it in Redis (None: no conversation at all)."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        raw = client.get(f"{real_rasa['prefix']}:tracker:{sender}")
    finally:
        client.close()
    if raw is None:
        return None
    return [e for e in json.loads(raw)["events"] if e.get("event") == "user"]


def shown(text: str) -> str:
    """A text of the assistant as Telegram shows it (the adapter's HTML, parsed like Telegram parses it)."""
    return parse_html(to_html(text))[0]


def telegram_view(messages: List[Dict[str, Any]], chat_id: int = 1) -> List[str]:
    """Rasa REST messages -> the texts of the Telegram messages that show them."""
    return [parse_html(s["params"]["text"])[0] for s in build_plan(chat_id, messages).steps
            if s["method"] == "sendMessage"]


def prompt(flow: str, /, **variables: Any) -> str:
    """A flow text of content/answers.yml (a question of the forms) as Telegram shows it, for today."""
    return shown(get_flow_texts().text(flow, today(), **variables))


# ------------------------------------------------------------------------------------------------ Telegram side
class TelegramUser:
    """A private chat with the adapter: each call pushes one update and waits until its turn is finished."""

    def __init__(self, tg: FakeBotAPI, adapter: Adapter, uid: int):
        self.tg, self.adapter, self.uid = tg, adapter, uid
        self.turn: List[Call] = []   # the successful Bot API calls for this chat in the last turn

    async def send(self, update: Dict[str, Any], timeout: float = TURN_TIMEOUT) -> List[Call]:
        mark, done = len(self.tg.calls), self.adapter.dispatcher.processed
        await self.tg.push(update)
        await self.tg.wait_for(lambda f: self.adapter.dispatcher.processed > done, timeout)
        self.turn = [c for c in self.tg.calls[mark:] if c.ok and c.params.get("chat_id") == self.uid]
        return self.turn

    # ---- what the user does
    async def say(self, text: str) -> List[str]:
        await self.send(self.tg.text(self.uid, text))
        return self.texts()

    async def press(self, title: str) -> List[str]:
        """Press the button ``title`` of the newest message that has it; the callback query must be answered."""
        for call in reversed(self.tg.successful("sendMessage", self.uid)):
            rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
            button = next((b for row in rows for b in row if b["text"] == title), None)
            if button:
                message = self.tg.messages[(self.uid, call.result["message_id"])]
                break
        else:
            raise AssertionError(f"no button {title!r} in chat {self.uid}; last texts: {self.tg.texts(self.uid)[-2:]}")
        update = self.tg.callback(self.uid, message, button["callback_data"])
        qid = update["callback_query"]["id"]
        await self.send(update)
        assert self.tg.open_queries[qid] is True, f"callback query of {title!r} not answered"
        assert any(c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == qid
                   for c in self.tg.successful("answerCallbackQuery"))
        return self.texts()

    async def share_contact(self, phone: str) -> List[str]:
        """Telegram's share-contact button: a ``contact`` message with the sender's own user id."""
        await self.send(self.tg.contact(self.uid, phone, owner=self.uid))
        return self.texts()

    # ---- what the bot sent in the last turn
    def texts(self) -> List[str]:
        return [c.result["text"] for c in self.turn if c.method == "sendMessage"]

    @property
    def last(self) -> str:
        texts = self.texts()
        assert texts, f"the bot sent no message in this turn: {[c.method for c in self.turn]}"
        return texts[-1]

    def buttons(self) -> List[str]:
        """Titles of the inline buttons sent in the last turn."""
        return [b["text"] for c in self.turn if c.method == "sendMessage"
                for row in (c.params.get("reply_markup") or {}).get("inline_keyboard") or [] for b in row]

    def markups(self) -> List[Dict[str, Any]]:
        return [c.params["reply_markup"] for c in self.turn if c.method == "sendMessage"
                and c.params.get("reply_markup")]

    def edits(self) -> List[str]:
        return [c.result["text"] for c in self.turn if c.method == "editMessageText"]
