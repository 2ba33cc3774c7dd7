"""Unit tests: rendering, the store backends, flood guard, settings, chat keys."""
from __future__ import annotations

import pytest

from bot.telegram.config import Settings, file_url_for
from bot.telegram.inbox import Entry, RedisInbox, SQLiteInbox
from bot.telegram.intake import chat_key
from bot.telegram.ratelimit import FloodGuard
from bot.telegram.render import (
    MAC_LEN,
    TEXT_LIMIT,
    CallbackSigner,
    build_plan,
    escape,
    split_text,
    to_html,
    utf16_len,
)

from .fake_bot_api import ApiError, parse_html

# ---- rendering -----------------------------------------------------------------------------------------


def test_escape_and_bold():
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert to_html("*JKK* & <JKM> 2*3*4") == "<b>JKK</b> &amp; &lt;JKM&gt; 2<b>3</b>4"
    assert to_html("* bukan tebal *") == "* bukan tebal *"
    plain, ents = parse_html(to_html("Iuran *Rp16.800* per bulan <wajib>"))
    assert plain == "Iuran Rp16.800 per bulan <wajib>"
    assert ents == [{"type": "bold", "offset": 6, "length": 8}]


def test_fake_rejects_unescaped_html():
    for bad in ("a < b", "x & y", "<script>x</script>", "<b>open"):
        with pytest.raises(ApiError):
            parse_html(bad)


def test_split_keeps_lines_and_limits():
    lines = [f"{i:04d} " + " ".join(["kata"] * 15) for i in range(200)]
    text = "\n".join(lines)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(utf16_len(c) <= TEXT_LIMIT for c in chunks)
    assert "\n".join(chunks) == text.strip()
    assert all(c.split("\n")[0].startswith(tuple("0123456789")) for c in chunks)   # cuts only between lines


def test_split_one_huge_line_on_spaces_and_emoji_counted_as_two():
    words = " ".join(["😀abc"] * 2000)          # one line, 10k UTF-16 units
    chunks = split_text(words, limit=1000)
    assert all(utf16_len(c) <= 1000 for c in chunks)
    assert " ".join(chunks) == words
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)
    nospace = "x" * 2500
    assert split_text(nospace, limit=1000) == ["x" * 1000, "x" * 1000, "x" * 500]


def test_callback_data_short_inline_long_mapped_stably():
    signer = CallbackSigner("k")
    payloads = {}
    data = signer.data_for(5, "/ask_jkk", payloads)
    assert data.startswith("r:") and data.endswith("/ask_jkk") and len(data) == 2 + MAC_LEN + 8 and payloads == {}
    assert signer.inline_payload(5, data) == "/ask_jkk"
    long = '/inform{"occupation":"pedagang","regency":"Kabupaten Konawe Kepulauan","income":2500000}'
    a = signer.data_for(5, long, payloads)
    b = signer.data_for(5, long, {})
    assert a == b and a.startswith("m:") and len(a.encode()) <= 64
    assert payloads == {a[2:]: long}
    assert signer.mapped_token(a) == a[2:] and signer.mapped_ok(5, a[2:], long)
    # exactly at the limit still inline; one byte more is mapped (multi-byte characters counted in bytes)
    edge = "/" + "a" * (61 - MAC_LEN)
    assert signer.data_for(5, edge, {}).endswith(edge) and len(signer.data_for(5, edge, {})) == 64
    assert signer.data_for(5, edge + "a", {}).startswith("m:")
    assert signer.data_for(5, "/pilih é" + "a" * (54 - MAC_LEN), {}).startswith("m:")


def test_callback_data_is_bound_to_its_chat_and_key():
    signer = CallbackSigner("k")
    data = signer.data_for(5, "/affirm", {})
    assert signer.inline_payload(6, data) is None                       # another chat
    assert CallbackSigner("other").inline_payload(5, data) is None      # another key (rotated secret)
    assert signer.inline_payload(5, data[:-1] + "X") is None            # payload changed
    assert signer.inline_payload(5, "r:/affirm") is None                # the old, unsigned format
    assert signer.inline_payload(5, "r:") is None and signer.inline_payload(5, "") is None
    token = signer.data_for(5, "/x" * 40, {})[2:]
    assert not signer.mapped_ok(6, token, "/x" * 40) and not signer.mapped_ok(5, token, "/y" * 40)
    assert signer.mapped_token("m:short") is None and signer.mapped_token("m:" + "é" * 22) is None
    # a plan built without the adapter's signer shows buttons that can never be pressed
    plan = build_plan(5, [{"text": "?", "buttons": [{"title": "Ya", "payload": "/affirm"}]}])
    shown = plan.steps[0]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert signer.inline_payload(5, shown) is None


def test_plan_keyboard_layout_and_contact_keyboard_rules():
    plan = build_plan(5, [{"text": "Pilih:", "buttons": [{"title": t, "payload": f"/{t}"} for t in
                                                          ("JKK", "JKM", "JHT", "JP", "JKP")]}])
    rows = plan.steps[0]["params"]["reply_markup"]["inline_keyboard"]
    assert [len(r) for r in rows] == [2, 2, 1]
    long_titles = build_plan(5, [{"text": "?", "buttons": [
        {"title": "Saya pekerja bukan penerima upah", "payload": "/a"}, {"title": "b", "payload": "/b"}]}])
    assert [len(r) for r in long_titles.steps[0]["params"]["reply_markup"]["inline_keyboard"]] == [1, 1]
    # buttons without text still get a text (Telegram needs one)
    only_buttons = build_plan(5, [{"buttons": [{"title": "Ya", "payload": "/affirm"}]}])
    assert only_buttons.steps[0]["params"]["text"] == "Silakan pilih:"
    # request_contact after a button message: a separate prompt carries the reply keyboard
    p = build_plan(5, [{"text": "Nomor?", "buttons": [{"title": "Batal", "payload": "/cancel"}]},
                       {"custom": {"request_contact": True}}])
    assert len(p.steps) == 2 and p.contact_keyboard
    assert p.steps[1]["params"]["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    # keyboard open and all messages have inline buttons: a short message closes it first
    p = build_plan(5, [{"text": "Lanjut?", "buttons": [{"title": "Ya", "payload": "/affirm"}]}],
                   contact_keyboard_open=True)
    assert p.steps[0]["params"]["reply_markup"] == {"remove_keyboard": True} and len(p.steps) == 2


# ---- store backends ----------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "redis"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        s = SQLiteInbox(tmp_path / "t.db")

        async def reopen():
            await s.close()
            n = SQLiteInbox(tmp_path / "t.db")
            await n.open()
            return n
    else:
        from .conftest import redis_prefix

        cm = redis_prefix()
        url, prefix = (await cm.__aenter__()).split("|")
        s = RedisInbox(url, prefix, "c1")

        async def reopen():
            await s.close()
            n = RedisInbox(url, prefix, "c1")
            await n.open()
            return n
    await s.open()
    s.reopen = reopen
    yield s
    await s.close()
    if request.param == "redis":
        await cm.__aexit__(None, None, None)


async def test_inbox_put_dedupe_pending_after_reopen_and_ack(store):
    assert await store.put(10, "c1", {"update_id": 10, "x": "é"}) is True
    assert await store.put(10, "c1", {"update_id": 10}) is False
    assert await store.put(11, "c2", {"update_id": 11}) is True
    got = await store.fetch(10, block=0)
    assert [e.update_id for e in got] == [10, 11] and got[0].raw["x"] == "é"
    assert await store.begin(got[0]) == 1
    await store.set_progress(10, "plan", {"steps": [1, 2]})
    await store.set_progress(10, "out:0", 99)
    await store.ack(got[1])
    s2 = await store.reopen()          # a "restart": entry 10 is pending again, with its progress
    got = await s2.fetch(10, block=0)
    assert [e.update_id for e in got] == [10]
    assert await s2.progress(10) == {"plan": {"steps": [1, 2]}, "out:0": 99}
    assert await s2.begin(got[0]) == 2
    await s2.ack(got[0])
    assert await s2.progress(10) == {}
    assert await s2.put(10, "c1", {"update_id": 10}) is False      # still remembered after the ack
    assert (await s2.backlog())["pending"] == 0
    await s2.close()


async def test_fetch_excludes_entries_in_memory(store):
    for i in (1, 2, 3):
        await store.put(i, "c", {"update_id": i})
    first = await store.fetch(2, block=0)
    assert [e.update_id for e in first] == [1, 2]
    rest = await store.fetch(10, block=0, exclude=[e.ref for e in first])
    assert [e.update_id for e in rest] == [3]


async def test_users_first_referral_wins_and_flags(store):
    rec = await store.touch_user(1, None)
    assert rec.new and rec.referral is None
    rec = await store.touch_user(1, "AG1")            # the first code, even after an organic first contact
    assert not rec.new and rec.referral == "AG1"
    rec = await store.touch_user(1, "AG2")
    assert rec.referral == "AG1"
    assert (await store.user(1)).referral == "AG1"
    assert await store.user(2) is None
    await store.put_payload("tok", "/inform{}")
    assert await store.get_payload("tok") == "/inform{}" and await store.get_payload("nope") is None
    assert await store.set_flag_once("k", "1", ttl=60) is True
    assert await store.set_flag_once("k", "1", ttl=60) is False
    await store.set_flag("k", None)
    assert await store.get_flag("k") is None
    await store.set_flag("kb", "1")
    assert await store.get_flag("kb") == "1"


# ---- misc ---------------------------------------------------------------------------------------------------


def test_flood_guard_window():
    g = FloodGuard(limit=3, window=10)
    verdicts = [g.check(1, 100.0) for _ in range(6)]
    assert verdicts == ["ok", "ok", "ok", "warn", "drop", "drop"]
    assert g.check(2, 100.0) == "ok"
    assert g.check(1, 111.0) == "ok"           # the window moved on


def test_settings_defaults_and_derived_values():
    s = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert s.mode == "polling" and s.api_url == "https://api.telegram.org/bot" and s.port == 8080
    assert s.file_url == "https://api.telegram.org/file/bot"
    assert s.rasa_url == "http://localhost:5005" and not s.redis_url
    assert s.secret.isalnum() and len(s.secret) == 64
    assert s.problems() == {}
    w = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "TELEGRAM_MODE": "webhook",
                           "TELEGRAM_WEBHOOK_URL": "https://bot.example.org"})
    assert w.webhook_path.startswith("/telegram/") and w.public_webhook_url.startswith("https://bot.example.org/")
    assert Settings.from_env({"TELEGRAM_MODE": "webhook"}).problems().keys() == {"TELEGRAM_BOT_TOKEN",
                                                                               "TELEGRAM_WEBHOOK_URL"}
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


def test_chat_keys():
    assert chat_key({"update_id": 1, "message": {"chat": {"id": 5}}}) == "c5"
    assert chat_key({"update_id": 1, "callback_query": {"from": {"id": 7}, "message": {"chat": {"id": -3}}}}) == "c-3"
    assert chat_key({"update_id": 1, "callback_query": {"from": {"id": 7}}}) == "u7"
    assert chat_key({"update_id": 1, "inline_query": {"from": {"id": 8}}}) == "u8"
    assert chat_key({"update_id": 1}) == "other"


def test_entry_is_plain_data():
    e = Entry("1", 1, "c1", {}, 0.0)
    assert e.attempts == 0


async def test_redis_replicas_keep_each_chats_order(redis_url):
    """Two adapter replicas read one consumer group: a chat's later update waits for its earlier one, even
    when the other replica holds it; other chats do not wait."""
    import asyncio

    url, prefix = redis_url.split("|")
    a, b = RedisInbox(url, prefix, "replica-a"), RedisInbox(url, prefix, "replica-b")
    await a.open()
    await b.open()
    try:
        await a.put(1, "c1", {"update_id": 1})
        await a.put(2, "c1", {"update_id": 2})
        await a.put(3, "c2", {"update_id": 3})
        (first,) = await a.fetch(1, block=0)
        rest = await b.fetch(10, block=0)
        assert first.update_id == 1 and [e.update_id for e in rest] == [2, 3]
        second, other_chat = rest
        assert await b.wait_turn(other_chat, lambda: False) is True       # chat c2: nothing older
        waiting = asyncio.create_task(b.wait_turn(second, lambda: False))
        await asyncio.sleep(0.3)
        assert not waiting.done()                                         # update 1 is still being worked on
        await a.ack(first)
        assert await asyncio.wait_for(waiting, 5) is True
        stop = False
        await a.put(4, "c3", {"update_id": 4})
        await a.put(5, "c3", {"update_id": 5})
        e4, e5 = await b.fetch(10, block=0)
        blocked = asyncio.create_task(b.wait_turn(e5, lambda: stop))
        await asyncio.sleep(0.2)
        stop = True
        assert await asyncio.wait_for(blocked, 5) is False                # a stopping replica gives up waiting
    finally:
        await a.close()
        await b.close()


async def test_redis_keepalive_keeps_entries_from_being_taken_over(redis_url):
    import asyncio

    import redis.asyncio as aioredis

    url, prefix = redis_url.split("|")
    a = RedisInbox(url, prefix, "replica-a")
    await a.open()
    try:
        await a.put(1, "c1", {"update_id": 1})
        (e,) = await a.fetch(10, block=0)
        r = aioredis.from_url(url, decode_responses=True)

        async def idle():
            pending = await r.xpending_range(prefix + "inbox", "adapter", min="-", max="+", count=10)
            assert [(p["message_id"], p["consumer"]) for p in pending] == [(e.ref, "replica-a")]
            return pending[0]["time_since_delivered"]

        await asyncio.sleep(0.3)
        before = await idle()
        await a.keepalive([e.ref])
        after = await idle()
        await r.close()
        assert after < before
    finally:
        await a.close()
