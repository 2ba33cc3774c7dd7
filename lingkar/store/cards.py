"""Posted staff cards: which Telegram message shows which lead, handoff or application.

Table: ``posted_cards``. Erasure and retention redact cards through :meth:`CardRepository._redact_cards`.
"""
from __future__ import annotations

from typing import List, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from lingkar.store.base import Repository
from lingkar.store.models import (
    agents,
    handoffs,
    leads,
    posted_cards,
)


class CardRepository(Repository):
    """Staff cards posted by the notifier (mixed into :class:`lingkar.store.Store`)."""

    def record_card(self, chat_id: int, message_id: int, *, lead_id: int | None = None,
                    handoff_id: int | None = None, agent_id: int | None = None, kind: str | None = None) -> bool:
        """Remember where a staff card about a lead, handoff or agent application was posted, so that
        deleting the data later edits the card too. Returns False when the data was deleted while the card
        was being posted: then the card is queued for the same edit at once (a ``cards.redact`` event).
        ``kind="reminder"``: the message is the daily list, which names this lead among others.

        The subject's row is locked (PostgreSQL) so this never races a deletion past each other: either
        the deletion sees this card, or this sees the deletion."""
        target = ((leads, lead_id) if lead_id is not None else (handoffs, handoff_id) if handoff_id is not None
                  else (agents, agent_id) if agent_id is not None else (None, None))
        if target[0] is None:
            raise ValueError("a card is about a lead, a handoff or an agent")
        table, key = target
        with self._tx() as conn:
            row = conn.execute(self._for_update(select(table).where(table.c.id == key))).first()
            gone = row is None or (table is agents and row.telegram_user_id is None)
            if gone:
                self._outbox(conn, "cards.redact", {"cards": [[int(chat_id), int(message_id)]], "reason": "owner",
                                                    "kind": kind or _card_kind(lead_id, handoff_id)})
                return False
            conn.execute(insert(posted_cards).values(lead_id=lead_id, handoff_id=handoff_id, agent_id=agent_id,
                                                     chat_id=int(chat_id), message_id=int(message_id), kind=kind,
                                                     posted_at=self.now()))
            return True

    def cards_for(self, *, lead_id: int | None = None, handoff_id: int | None = None,
                  agent_id: int | None = None, kind: str | None = None) -> List[tuple]:
        """(chat_id, message_id) of the recorded cards (``kind=None``) or reminders (``"reminder"``) about one
        lead, handoff or agent."""
        stmt = select(posted_cards.c.chat_id, posted_cards.c.message_id).order_by(posted_cards.c.id)
        stmt = stmt.where(posted_cards.c.kind.is_(None) if kind is None else posted_cards.c.kind == kind)
        for col, value in ((posted_cards.c.lead_id, lead_id), (posted_cards.c.handoff_id, handoff_id),
                           (posted_cards.c.agent_id, agent_id)):
            if value is not None:
                stmt = stmt.where(col == value)
        with self._ro() as conn:
            return [(r.chat_id, r.message_id) for r in conn.execute(stmt)]

    def _redact_cards(self, conn: Connection, reason: str, *, lead_ids: Sequence[int] = (),
                      handoff_ids: Sequence[int] = (), agent_ids: Sequence[int] = ()) -> int:
        """Forget the cards about these leads/handoffs/agents and queue one ``cards.redact`` event per kind
        (the notifier edits each message to say the data was deleted). Returns the number of cards."""
        total = 0
        for kind, col, ids in (("lead", posted_cards.c.lead_id, lead_ids),
                               ("handoff", posted_cards.c.handoff_id, handoff_ids),
                               ("agent", posted_cards.c.agent_id, agent_ids)):
            if not ids:
                continue
            rows = conn.execute(select(posted_cards.c.chat_id, posted_cards.c.message_id, posted_cards.c.kind)
                                .where(col.in_(list(ids))).order_by(posted_cards.c.id)).all()
            if not rows:
                continue
            conn.execute(delete(posted_cards).where(col.in_(list(ids))))
            for what in (kind, "reminder"):
                cards = list(dict.fromkeys((r.chat_id, r.message_id) for r in rows
                                           if (r.kind == "reminder") == (what == "reminder")))
                if cards:
                    self._outbox(conn, "cards.redact", {"cards": [list(c) for c in cards], "reason": reason,
                                                        "kind": what})
                    total += len(cards)
        return total


def _card_kind(lead_id: int | None, handoff_id: int | None) -> str:
    return "lead" if lead_id is not None else "handoff" if handoff_id is not None else "agent"
