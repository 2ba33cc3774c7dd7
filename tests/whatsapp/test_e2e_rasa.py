"""End to end: the fake Graph API + the WhatsApp channel + real Rasa (trained model) + real action server + real
Redis (``real_rasa``, tests/telegram/real_stack.py: started once for this module).

A worker on WhatsApp asks about contributions in chat Indonesian, presses a reply button, opens the menu (eight
options: a list message) and picks a row. At every step what WhatsApp receives is exactly what Rasa answers for a
reference conversation that takes the same steps through the REST channel directly, rendered for WhatsApp; the
conversation is stored in Redis under ``whatsapp:<wa_id>``; every body passed the fake API's validation.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from bot.whatsapp.render import build_plan
from tests.telegram import real_stack
from tests.telegram.real_stack import rest, tracker_user_events

from .conftest import settle
from .fake_graph import FakeGraph, Sent

real_rasa = real_stack.real_rasa

pytestmark = pytest.mark.e2e

WA = "6281377700001"
REFERENCE = "e2e-wa-reference"


def view(bodies: List[Dict[str, Any]]) -> List[Tuple[str, str, List[str]]]:
    """What a person sees of some message bodies: (type, text, option titles)."""
    out = []
    for b in bodies:
        s = Sent("x", b["to"], b)
        out.append((s.type, s.text, [t for t, _ in s.options()]))
    return out


class Worker:
    def __init__(self, graph: FakeGraph, wa, url: str):
        self.graph, self.wa, self.url = graph, wa, url
        self.turn: List[Sent] = []

    async def _send(self, payload: Dict[str, Any]) -> List[Sent]:
        mark = len(self.graph.to(WA))
        assert await self.graph.deliver(payload) == 200
        await self.graph.wait_for(lambda g: len(g.to(WA)) > mark, timeout=120)
        await settle(self.wa, timeout=120)
        self.turn = self.graph.to(WA)[mark:]
        return self.turn

    async def say(self, text: str, reference_message: str | None = None) -> None:
        await self._send(self.graph.text(WA, text))
        self.expect(reference_message or text)

    async def press(self, title: str, reference_message: str) -> None:
        sent = next(s for s in reversed(self.graph.to(WA)) if title in [t for t, _ in s.options()])
        await self._send(self.graph.button_reply(WA, sent, title))
        self.expect(reference_message)

    def expect(self, reference_message: str) -> None:
        reference = rest(self.url, REFERENCE, reference_message)
        assert view([s.body for s in self.turn]) == view(build_plan(WA, reference).bodies) != []


async def test_worker_asks_about_contributions_presses_a_button_and_a_list_row(
        start_wa, fake_graph, real_rasa, backend):
    wa = await start_wa(**backend, rasa_url=real_rasa["url"], RASA_TIMEOUT="120", RASA_RETRY_BUDGET="120")
    worker = Worker(fake_graph, wa, real_rasa["url"])

    await worker.say("iuran bpjs buat pekerja mandiri berapa sih?")
    # the answer with its reply buttons (then, the first time, "Dari mana Anda tahu Lingkar?" with its options)
    buttons = [s for s in worker.turn if s.type == "interactive" and s.body["interactive"]["type"] == "button"]
    assert buttons and "iuran" in worker.turn[0].text.lower(), [s.text[:60] for s in worker.turn]
    titles = buttons[0].options()
    assert 1 <= len(titles) <= 3 and all(len(t) <= 20 for t, _ in titles)
    title, reply_id = titles[0]
    await worker.press(title, reply_id[2:])          # the id is "p:<payload>": Rasa gets the payload

    await worker.say("menu")
    # the menu (a list), then once per conversation the "Langganan info" offer (issue 15)
    menu = next(s for s in worker.turn if s.type == "interactive" and s.body["interactive"]["type"] == "list")
    assert len(menu.options()) == 8
    # (the conversation is shared by both parametrisations of this test: only its first run gets the offer)
    offers = [s for s in worker.turn if "kabar program" in s.text.lower()]
    assert len(offers) <= 1 and worker.turn[-1] in [menu, *offers]
    row_title, row_id = menu.options()[1]
    await worker.press(row_title, row_id[2:])

    assert fake_graph.refused == [] and wa.rasa.stats.failures == 0
    assert len(fake_graph.reads) == 4                   # every message marked as read
    events = tracker_user_events(real_rasa, f"whatsapp:{WA}")
    assert events and len(events) >= 4
    assert events[-1]["metadata"]["channel"] == "whatsapp"
