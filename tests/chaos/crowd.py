"""A scripted crowd of workers doing whole journeys through the fake Telegram Bot API, and the bookkeeping of
every message they send: when it was pushed, which bot messages answered it, and how (see docs/chaos.md).

A journey: /start, a question, an eligibility check in one message, the regency button, "Hubungi saya", consent,
name, phone, NIK, the contact-time button (the lead is saved), then "bicara dengan petugas" (a handoff). Every
journey has a fresh identity (Telegram user id, name, phone, NIK), so each lead and handoff belongs to one sender.

The answers a journey must get are taken from a reference journey run before any fault (:func:`reference`; a
turn is over when the adapter's /health says it processed the update): per step the list of texts as sent (not as
later edited), with the worker's name and every number normalised away. Under faults a step is:

* ``answered``: its last message is the reference's last message;
* ``apology``: the adapter's "sedang mengalami gangguan" (Rasa down beyond the retry budget) or internal-error
  message, or the form's "belum tersimpan" (the lead store down): the worker does what the text asks (sends the
  message again / presses "Coba simpan lagi") and expects the real answer then;
* ``diverged``: messages came but not the expected ones (e.g. the conversation was lost with an emptied Redis):
  the journey ends there and the worker starts a new one (a new identity: the old conversation may remember
  things, e.g. the regency, and would not follow the script);
* ``lost``: nothing came within :data:`STEP_TIMEOUT`.
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Tuple

from bot.telegram import texts as tg_texts
from bot.telegram.render import to_html
from tests.telegram.fake_bot_api import FakeBotAPI, parse_html

STEP_TIMEOUT = 240.0      # > Rasa's start time + the adapter's retry budget: only a real loss waits this long
STALL_S = 12.0            # messages came, then nothing for this long and not the expected one: diverged
MAX_RESENDS = 4
FIRST_NAMES = ("Budi", "Siti", "Andi", "Wayan", "Made", "Nur", "Dewi", "Agus", "Rina", "Yusuf")
LAST_NAMES = ("Santoso", "Lestari", "Saputra", "Wijaya", "Hasanah", "Pratama", "Kusuma", "Rahayu")
HANDOFF_TEXT = "saya mau bicara dengan petugas"
RETRY_BUTTON = "Coba simpan lagi"


def shown(text: str) -> str:
    """A text of the adapter as Telegram shows it."""
    return parse_html(to_html(text))[0]


# id(call) -> (call, its shown text); the call is kept so that a cached id always belongs to the same object
_TEXTS: Dict[int, Tuple[Any, str]] = {}


def sent_texts(tg: FakeBotAPI, chat_id: int) -> List[str]:
    """The texts of the messages the bot sent to a chat as they were sent (the fake's stored messages change when
    the bot edits them, e.g. to show the button pressed)."""
    out = []
    for c in tg.successful("sendMessage", chat_id):
        held = _TEXTS.get(id(c))
        if held is not None and held[0] is c:
            text = held[1]
        else:
            raw = c.params["text"]
            text = parse_html(raw)[0] if str(c.params.get("parse_mode")).upper() == "HTML" else raw
            _TEXTS[id(c)] = (c, text)
        out.append(text)
    return out


def norm(text: str, name: str | None = None) -> str:
    if name:
        text = text.replace(name, "<NAME>")
    text = re.sub(r"\bLK-[0-9A-Z]{6}\b", "LK-<REF>", text)    # a lead's random reference (lingkar/store)
    return re.sub(r"\d+", "#", text).strip()


APOLOGIES = {norm(shown(tg_texts.RASA_DOWN)): "rasa_down", norm(shown(tg_texts.INTERNAL_ERROR)): "internal_error"}
LEAD_NOT_SAVED = "Maaf, permintaan Anda belum tersimpan"


@dataclass
class Identity:
    uid: int
    name: str
    phone: str
    nik: str

    @property
    def sender(self) -> str:
        return f"telegram:{self.uid}"

    def secrets(self) -> List[str]:
        """The personal values that must never appear unmasked in a log: the phone as typed, without its leading
        0, with 62, and the NIK."""
        return [self.phone, "62" + self.phone[1:], self.phone[1:], self.nik]


def identity(n: int, rng: random.Random) -> Identity:
    first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
    extra = f" {FIRST_NAMES[(n // 80) % len(FIRST_NAMES)]}" if n >= 80 else ""
    return Identity(uid=930_000 + n, name=f"{first} {last}{extra}", phone=f"0812{rng.randrange(10**8):08d}",
                    nik=f"740101570890{n + 1:04d}")


def steps(who: Identity) -> List[Tuple[str, str]]:
    return [("say", "/start"), ("say", "apa itu jkm?"),
            ("say", "saya nelayan umur 35 penghasilan 1 juta, bisa ikut bpjs?"), ("press", "Kolaka"),
            ("press", "Hubungi saya"), ("press", "Setuju"), ("say", who.name), ("say", who.phone),
            ("say", who.nik), ("press", "Pagi"), ("say", HANDOFF_TEXT)]


LEAD_STEP, HANDOFF_STEP = 9, 10


@dataclass
class Sent:
    """One message a worker sent, and what came back in its window (until the worker's next message)."""
    uid: int
    step: int
    kind: str
    text: str
    pushed_at: float
    start: int                      # index into the chat's bot messages when it was pushed
    end: int | None = None          # ... when the worker sent its next message (None: the last one)
    outcome: str = "pending"
    answered_at: float | None = None
    last_text: str = ""
    qid: str | None = None          # a button press: its callback query
    update_id: int = 0


@dataclass
class Journey:
    who: Identity
    sent: List[Sent] = field(default_factory=list)
    lead_confirmed: int = 0         # "lead saved" answers received
    handoffs_confirmed: int = 0     # "request recorded" answers received
    finished: bool = False
    started_at: float = field(default_factory=time.time)


class Crowd:
    def __init__(self, tg: FakeBotAPI, ref: List[List[str]], rng: random.Random, think: Tuple[float, float],
                 turns: Callable[[], Awaitable[Dict[str, int]]] | None = None):
        self.tg, self.ref, self.rng, self.think, self.turns = tg, ref, rng, think, turns
        self._processed = 0
        self.journeys: List[Journey] = []
        self.stop = asyncio.Event()
        self._n = 1                  # identity 0 is the reference journey

    # ---- one message ----------------------------------------------------------------------------------------
    async def push(self, j: Journey, step: int, kind: str, text: str) -> Sent:
        uid = j.who.uid
        if j.sent and j.sent[-1].end is None:
            j.sent[-1].end = len(sent_texts(self.tg, uid))
        update = None
        if kind == "press":
            update = self._press(uid, text)
            if update is None:
                kind = "typed"       # no such button (any more): a person types the title
        if update is None:
            update = self.tg.text(uid, text)
        sent = Sent(uid, step, kind, text, time.time(), len(sent_texts(self.tg, uid)),
                    qid=(update.get("callback_query") or {}).get("id"))
        j.sent.append(sent)
        sent.update_id = (await self.tg.push(update))["update_id"]
        return sent

    def _press(self, uid: int, title: str):
        for call in reversed(self.tg.successful("sendMessage", uid)[-3:]):
            rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
            button = next((b for row in rows for b in row if b["text"] == title and b.get("callback_data")), None)
            if button:
                message = self.tg.messages[(uid, call.result["message_id"])]
                return self.tg.callback(uid, message, button["callback_data"])
        return None

    def _toast(self, qid: str) -> bool:
        """The press was answered with a notice only ("tombol kedaluwarsa", "sudah dipilih"): no message follows."""
        return self.tg.open_queries.get(qid) is True and any(
            c.params.get("callback_query_id") == qid and c.params.get("text")
            for c in self.tg.successful("answerCallbackQuery")[-50:])

    async def wait(self, j: Journey, sent: Sent, final: str | None) -> str:
        """Wait for the answer to ``sent``; sets its outcome (answered / apology / diverged / lost)."""
        uid, name = j.who.uid, j.who.name
        seen = {"n": sent.start, "at": time.monotonic()}

        def check(f: FakeBotAPI):
            new = sent_texts(f, uid)[sent.start:]
            if len(new) != seen["n"] - sent.start:
                seen["n"], seen["at"] = sent.start + len(new), time.monotonic()
            if not new:
                return "diverged" if sent.qid and self._toast(sent.qid) else None
            last = norm(new[-1], name)
            sent.last_text = last[:120]
            if final is not None and last == final:
                return "answered"
            if last in APOLOGIES or last.startswith(LEAD_NOT_SAVED):
                return "apology"
            if time.monotonic() - seen["at"] > STALL_S:
                return "diverged"
            return None

        if final is None:
            return await self._wait_turn(sent)
        try:
            sent.outcome = await self.tg.wait_for(check, STEP_TIMEOUT)
        except AssertionError:
            sent.outcome = "lost" if len(sent_texts(self.tg, uid)) == sent.start else "diverged"
        if sent.outcome == "answered":
            sent.answered_at = time.time()
        return sent.outcome

    async def _wait_turn(self, sent: Sent) -> str:
        """The reference journey (no faults, one user): the turn is over when the adapter says so (/health)."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            await asyncio.sleep(0.3)
            d = await self.turns()
            if d["processed"] > self._processed and d["in_memory"] == 0:
                self._processed = d["processed"]
                sent.outcome, sent.answered_at = "answered", time.time()
                return sent.outcome
        sent.outcome = "lost"
        return sent.outcome

    # ---- a journey --------------------------------------------------------------------------------------------
    async def run_journey(self, j: Journey) -> None:
        script = steps(j.who)
        i = 0
        while i < len(script):
            kind, text = script[i]
            final = self.ref[i][-1] if self.ref else None
            outcome = None
            for _ in range(MAX_RESENDS):
                sent = await self.push(j, i, kind, text)
                outcome = await self.wait(j, sent, final)
                if outcome != "apology":
                    break
                if sent.last_text.startswith(LEAD_NOT_SAVED):
                    kind, text = "press", RETRY_BUTTON
                elif kind == "press":
                    kind = "typed"   # the button was used up by the failed turn: type its title
                await asyncio.sleep(self.rng.uniform(1.0, 3.0))
            if outcome == "answered":
                j.lead_confirmed += i == LEAD_STEP
                j.handoffs_confirmed += i == HANDOFF_STEP
                i += 1
                await asyncio.sleep(self.rng.uniform(*self.think))
                continue
            # lost, or diverged (e.g. the conversation was lost): this journey ends; the worker starts a new one
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))
            return
        j.finished = True

    async def slot(self, max_journeys: int) -> None:
        """One member of the crowd: journeys with fresh identities until told to stop."""
        for _ in range(max_journeys):
            if self.stop.is_set():
                return
            j = Journey(identity(self._n, self.rng))
            self._n += 1
            self.journeys.append(j)
            await self.run_journey(j)

    def finished_since(self, at: float) -> int:
        """How many journeys begun at or after ``at`` (e.g. the last recovery) reached their end."""
        return sum(j.finished and j.started_at >= at for j in self.journeys)

    def close_windows(self) -> None:
        for j in self.journeys:
            if j.sent and j.sent[-1].end is None:
                j.sent[-1].end = len(sent_texts(self.tg, j.who.uid))


async def reference(tg: FakeBotAPI, turns: Callable[[], Awaitable[Dict[str, int]]]
                    ) -> Tuple[Journey, List[List[str]]]:
    """The journey without faults: per step, the normalised texts of the answer. ``turns`` gives the adapter's
    dispatcher figures (``processed``, ``in_memory``) from its /health."""
    crowd = Crowd(tg, [], random.Random(0), (0.2, 0.2), turns)
    crowd._processed = (await turns())["processed"]
    j = Journey(identity(0, random.Random(0)))
    await crowd.run_journey(j)
    crowd.close_windows()
    texts = sent_texts(tg, j.who.uid)
    if any(norm(t) in APOLOGIES or t.startswith(LEAD_NOT_SAVED) for t in texts):
        raise RuntimeError(f"the reference journey got an apology: {texts}")
    if not j.finished:
        raise RuntimeError(f"the reference journey did not finish: {[(s.step, s.outcome) for s in j.sent]}")
    texts = sent_texts(tg, j.who.uid)
    ref = [[norm(t, j.who.name) for t in texts[s.start:s.end]] for s in j.sent]
    return j, ref
