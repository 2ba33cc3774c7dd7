"""A WhatsApp worker through Rasa's REST channel (the trained model, a real action server; bot/stack.py's commands):
arriving with an agent's code (``metadata.referral``, as the channel sends it after "kode agen <code>"), consenting,
using their WhatsApp number and becoming a lead of that agent, which the notifier then posts like any other; and a
worker without a code, asked once where they heard of Lingkar."""
from __future__ import annotations

import json
import re
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest

from bot.config import StaffSettings
from bot.staff.notifier import Notifier
from lingkar.store import open_store
from tests.stack_util import running_stack
from tests.staff.fixtures import STAFF_CHAT, RecordingBotAPI
from tests.telegram.fake_bot_api import TOKEN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("rest-wa")
    with running_stack(tmp, drop=("LINGKAR_TODAY",)) as running:
        yield {**running, "db_url": f"sqlite:///{tmp / 'var' / 'lingkar.db'}"}


class Chat:
    def __init__(self, stack: Dict[str, Any], wa_id: str, referral: str | None = None):
        self.url, self.logs = stack["url"], stack["logs"]
        self.sender = f"whatsapp:{wa_id}"
        self.metadata = {"channel": "whatsapp", "referral": referral, "referral_known": bool(referral)}

    def say(self, message: str) -> List[Dict[str, Any]]:
        body = json.dumps({"sender": self.sender, "message": message, "metadata": self.metadata}).encode()
        req = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            out = json.loads(r.read())
        assert out, f"no answer to {message!r}:\n" + "\n".join(p.read_text(errors="replace")[-3000:]
                                                               for p in self.logs)
        return out

    def text(self, message: str) -> str:
        return "\n".join(m.get("text") or "" for m in self.say(message))


def buttons(messages) -> List[str]:
    return [b["title"] for m in messages for b in (m.get("buttons") or [])]


async def test_agent_link_consent_whatsapp_number_lead_and_staff_card(stack):
    store = open_store(stack["db_url"])
    agent = store.apply_agent(telegram_user_id=700555, name="La Ode Agen", organisation="Koperasi",
                              regency="Kota Kendari", phone="081300001111", consent_version="agen-2026-11")
    agent = store.set_agent_status(agent.id, "approved", actor="telegram:1")
    chat = Chat(stack, "6281355550123", referral=agent.code)
    first = chat.text("jkk itu apa")
    assert "JKK" in first and "Dari mana" not in first               # came with the agent's code: not asked
    chat.text("/request_contact")
    assert "Siapa nama" in chat.text("/affirm")
    offer = chat.say("Siti Aminah")
    assert "0813-5555-0123" in "\n".join(m.get("text") or "" for m in offer)
    assert buttons(offer) == ["Ya, pakai nomor ini", "Nomor lain"]
    assert "NIK" in chat.text("/affirm")
    assert "kabupaten" in chat.text("lewati").lower()                # the regency: no check was made
    assert "Kapan waktu" in chat.text("kendari")
    reply = chat.text("sore")
    assert "sudah kami catat" in reply and "+6281355550123" in reply
    [lead] = store.leads_for_sender(chat.sender)
    assert (lead.channel, lead.phone, lead.referral, lead.referral_known) == (
        "whatsapp", "+6281355550123", agent.code, True)
    assert store.agent_stats(agent.code)["total"].leads == 1
    # the staff group gets the card, as for a Telegram lead
    api = await RecordingBotAPI().start()
    n = Notifier(store, StaffSettings(token=TOKEN, api_url=api.base, staff_chat_id=STAFF_CHAT,
                                      consumer="notifier-wa-e2e", interval=0.05, lease=60))
    await n.start()
    try:
        while store.outbox_pending():
            await n.step()
    finally:
        await n.close()
        await api.stop()
    cards = [c.result["text"] for c in api.successful("sendMessage", STAFF_CHAT)
             if re.match(rf"🆕 Lead #{lead.id}\b", c.result["text"])]
    assert len(cards) == 1 and "lewat WhatsApp" in cards[0] and f"Agen: {agent.code}" in cards[0]
    store.dispose()


def test_without_a_code_the_source_is_asked_once(stack):
    store = open_store(stack["db_url"])
    chat = Chat(stack, "6285299990001")
    assert "dari mana Anda tahu" not in chat.text("halo")              # a greeting is not an answer
    answer = chat.say("jkk itu apa")
    assert answer[-1]["text"].endswith("dari mana Anda tahu Lingkar?")
    assert "Media sosial" in buttons(answer)
    assert "Terima kasih" in chat.text('/inform{"source": "social_media"}')
    assert "dari mana Anda tahu" not in chat.text("kalau jkm apa")
    assert store.sources()["social_media"] == 1
    # a typed answer from another worker, right after the question
    other = Chat(stack, "6285299990002")
    assert other.say("cara daftar bpjs tk gimana")[-1]["text"].endswith("dari mana Anda tahu Lingkar?")
    assert "Terima kasih" in other.text("dari teman")
    assert store.sources()["friend_family"] == 1
    store.dispose()
