"""A stand-in for the subscriptions (built on another branch): a real table of the test database,
``test_subscribers(channel, key, topic, active, nama)``, read by an :class:`Audience`.

``BROADCAST_AUDIENCE=tests.outreach.audience:from_settings`` makes a worker subprocess use it too. The still-subscribed
check reads the row ``FOR SHARE``: a test that holds the row ``FOR UPDATE`` makes a worker wait right there (a
deterministic point to kill it: the row is claimed and not sent).
"""
from __future__ import annotations

from typing import Any, Iterable, List, Tuple

from sqlalchemy import text

from bot.outreach.audience import Audience

DDL = ("CREATE TABLE IF NOT EXISTS test_subscribers (channel VARCHAR(16) NOT NULL, key VARCHAR(64) NOT NULL, "
       "topic VARCHAR(64) NOT NULL, active BOOLEAN NOT NULL, nama VARCHAR(64), unsubscribe_reason TEXT, "
       "PRIMARY KEY (channel, key, topic))")


def create(engine, rows: Iterable[Tuple[str, str, str, bool]]) -> None:
    with engine.begin() as conn:
        conn.execute(text(DDL))
        conn.execute(text("DELETE FROM test_subscribers"))
        conn.execute(text("INSERT INTO test_subscribers (channel, key, topic, active, nama) "
                          "VALUES (:c, :k, :t, :a, :n)"),
                     [{"c": c, "k": k, "t": t, "a": a, "n": f"Pekerja {k[-3:]}"} for c, k, t, a in rows])


def set_active(engine, channel: str, key: str, topic: str, active: bool) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE test_subscribers SET active = :a WHERE channel = :c AND key = :k AND topic = :t"),
                     {"a": active, "c": channel, "k": key, "t": topic})


def audience_for(engine) -> Audience:
    lock = " FOR SHARE" if engine.dialect.name == "postgresql" else ""

    def recipients(topic: str, filters: Any) -> List[Tuple[str, str, dict]]:
        sql = "SELECT channel, key, nama FROM test_subscribers WHERE topic = :t AND active"
        params = {"t": topic}
        if filters.get("channel"):
            sql += " AND channel = :c"
            params["c"] = filters["channel"]
        with engine.connect() as conn:
            return [(r.channel, r.key, {"nama": r.nama}) for r in conn.execute(text(sql + " ORDER BY channel, key"),
                                                                              params)]

    def is_subscribed(channel: str, key: str, topic: str) -> bool:
        with engine.begin() as conn:
            return bool(conn.execute(text("SELECT active FROM test_subscribers WHERE channel = :c AND key = :k "
                                          "AND topic = :t" + lock), {"c": channel, "k": key, "t": topic}).scalar())

    def unsubscribe(channel: str, key: str, reason: str) -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE test_subscribers SET active = false, unsubscribe_reason = :r "
                              "WHERE channel = :c AND key = :k"), {"r": reason, "c": channel, "k": key})

    return Audience(recipients, is_subscribed, unsubscribe)


def from_settings(store, settings) -> Audience:
    return audience_for(store.engine)
