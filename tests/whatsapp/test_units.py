"""The channel's parts without a running channel: settings, signature and handshake, parsing Meta's payloads,
rendering within WhatsApp's limits (checked by the fake API's validator, which checks like the API), error
classes, the template registry, and the state on both backends."""
from __future__ import annotations

import time

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.whatsapp import render, texts
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.graph import classify
from bot.whatsapp.inbound import parse
from bot.whatsapp.state import RedisState, SQLiteState
from bot.whatsapp.templates import TemplateError, Templates
from bot.whatsapp.webhook import handshake, sign, verify_signature
from lingkar.settings import ROOT
from tests.telegram.conftest import redis_prefix

from .fake_graph import APP_SECRET, FakeGraph, Refused, validate

WA = "6281234567890"
BUTTONS3 = [{"title": "Iuran", "payload": "/ask_contribution"}, {"title": "Manfaat JKK", "payload": "/ask_jkk"},
            {"title": "Daftar", "payload": "/how_to_register"}]


# ---- settings ----------------------------------------------------------------------------------
def test_settings_defaults_and_problems():
    s = WhatsAppSettings.from_env({})
    assert not s.configured and s.api_url == "https://graph.facebook.com/v23.0"
    assert s.templates_path == ROOT / "content" / "whatsapp_templates.yml"
    problems = s.problems()
    assert set(problems) == {"WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_VERIFY_TOKEN",
                             "WHATSAPP_APP_SECRET"}
    s = WhatsAppSettings.from_env({"WHATSAPP_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1", "WHATSAPP_VERIFY_TOKEN": "v",
                                   "WHATSAPP_API_URL": "http://x/v1/", "WHATSAPP_RATE": "bad", "BOT_PORT": "9"})
    assert s.problems() == {"WHATSAPP_APP_SECRET": s.problems()["WHATSAPP_APP_SECRET"]}  # refuses without it
    assert s.api_url == "http://x/v1" and s.rate == (40, 1.0) and s.port == 9


# ---- signature and handshake -------------------------------------------------------------------
def test_signature_is_the_hmac_of_the_exact_body():
    body = b'{"object":"whatsapp_business_account"}'
    good = sign(APP_SECRET, body)
    assert good.startswith("sha256=") and verify_signature(APP_SECRET, body, good)
    assert not verify_signature(APP_SECRET, body + b" ", good)            # body changed
    assert not verify_signature("another-secret", body, good)            # another app's
    assert not verify_signature(APP_SECRET, body, None)                  # unsigned
    assert not verify_signature(APP_SECRET, body, good.replace("sha256=", "sha1="))
    assert not verify_signature("", body, sign("", body))                # no secret: never verified


def test_handshake_echoes_the_challenge_only_for_our_token():
    def ask(**q):
        return handshake("verify-me", make_mocked_request("GET", "/webhooks/whatsapp", app=web.Application()).query
                         if not q else q)
    ok = ask(**{"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status == 200 and ok.text == "1158201444"
    assert ask(**{"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}).status == 403
    assert ask(**{"hub.mode": "unsubscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"}).status == 403
    assert ask().status == 403


# ---- parsing ---------------------------------------------------------------------------------------
def test_every_message_type_and_status_is_parsed():
    g = FakeGraph()
    sent = render.interactive_bodies(WA, "Pilih:", [dict(b) for b in BUTTONS3], {})[0]
    from .fake_graph import Sent
    s = Sent("wamid.OUT1", WA, sent)
    cases = {
        "text": g.text(WA, "iuran nelayan berapa?"),
        "button": g.button_reply(WA, s, "Manfaat JKK"),
        "image": g.media(WA, "image"), "sticker": g.media(WA, "sticker"), "voice": g.media(WA, "voice"),
        "audio": g.media(WA, "audio"), "document": g.media(WA, "document"), "location": g.media(WA, "location"),
        "reaction": g.media(WA, "reaction"), "contacts": g.media(WA, "contacts"),
        "unsupported": g.media(WA, "unsupported"), "unknown": g.media(WA, "hologram"),
    }
    for kind, payload in cases.items():
        msgs, statuses = parse(payload)
        assert len(msgs) == 1 and statuses == [], kind
        m = msgs[0]
        assert m.kind == kind and m.wa_id == WA and m.wamid.startswith("wamid.") and m.timestamp > 0, kind
        assert "Pekerja" not in str(m.to_json())     # the profile name is not kept
    text = parse(cases["text"])[0][0]
    assert text.text == "iuran nelayan berapa?" and text.sender == f"whatsapp:{WA}"
    button = parse(cases["button"])[0][0]
    assert (button.payload, button.text, button.context_id) == ("p:/ask_jkk", "Manfaat JKK", "wamid.OUT1")
    assert parse(cases["unsupported"])[0][0].error_code == 131051
    tpl = parse(g.template_button(WA, "p:/menu", "Menu", "wamid.T"))[0][0]
    assert (tpl.kind, tpl.payload, tpl.text) == ("button", "p:/menu", "Menu")
    _, statuses = parse(g.status("wamid.OUT1", WA, "failed", code=131026))
    assert [(s.wamid, s.status, s.error_code) for s in statuses] == [("wamid.OUT1", "failed", 131026)]
    # junk never raises
    for junk in (None, [], {"entry": "x"}, {"entry": [{"changes": [{"value": {"messages": [{"id": ""}]}}]}]}):
        assert parse(junk) == ([], [])


# ---- rendering -------------------------------------------------------------------------------------
def _valid(bodies):
    for b in bodies:
        validate(b, {})
    return bodies


def test_three_short_options_are_reply_buttons_whose_ids_bring_the_payload_back():
    payloads = {}
    bodies = _valid(render.with_buttons(WA, "Mau tahu apa? *Pilih* satu:", BUTTONS3, payloads))
    assert len(bodies) == 1 and bodies[0]["interactive"]["type"] == "button"
    assert bodies[0]["interactive"]["body"]["text"] == "Mau tahu apa? *Pilih* satu:"   # WhatsApp's own bold
    ids = [b["reply"]["id"] for b in bodies[0]["interactive"]["action"]["buttons"]]
    assert [render.parse_id(i) for i in ids] == [("payload", b["payload"]) for b in BUTTONS3] and payloads == {}


def test_long_titles_or_many_options_become_a_readable_list():
    opts = [{"title": f"Program perlindungan nomor {i} untuk pekerja", "payload": f"/p{i}"} for i in range(12)]
    bodies = _valid(render.with_buttons(WA, "Pilih program:", opts, {}))
    lists = [b for b in bodies if b["type"] == "interactive"]
    assert [b["interactive"]["type"] for b in lists] == ["list", "list"]
    rows = [r for b in lists for s in b["interactive"]["action"]["sections"] for r in s["rows"]]
    assert len(rows) == 12 and max(len(r["title"]) for r in rows) <= 24
    assert rows[0]["title"] == "Program perlindungan…"
    assert rows[0]["description"].startswith("Program perlindungan nomor 0")
    assert len(set(r["title"] for r in rows[:10])) == 10          # unique inside one message
    # a title of 21-24 characters is not cut in a list, but is too long for a reply button
    four = [{"title": "Jaminan Kecelakaan Kerja", "payload": "/jkk"}, {"title": "Iuran", "payload": "/i"}]
    body = _valid(render.with_buttons(WA, "x", four, {}))[0]
    assert body["interactive"]["type"] == "list"
    assert body["interactive"]["action"]["sections"][0]["rows"][0]["title"] == "Jaminan Kecelakaan Kerja"


def test_shortening_rules():
    assert render.shorten("Daftar sekarang", 20) == "Daftar sekarang"
    assert render.shorten("Jaminan Kecelakaan Kerja (JKK)", 20) == "Jaminan Kecelakaan…"
    assert len(render.shorten("Supercalifragilisticexpialidocious", 20)) == 20
    assert render.shorten("  banyak   spasi  ", 20) == "banyak spasi"


def test_long_payloads_are_mapped_and_equal_titles_made_unique():
    payloads = {}
    long_payload = '/inform{"occupation": "' + "nelayan " * 40 + '"}'
    body = _valid(render.with_buttons(WA, "x", [{"title": "Ya", "payload": long_payload},
                                                {"title": "Ya", "payload": "/deny"}], payloads))[0]
    buttons = body["interactive"]["action"]["buttons"]
    kind, token = render.parse_id(buttons[0]["reply"]["id"])
    assert kind == "mapped" and payloads[token] == long_payload
    assert [b["reply"]["title"] for b in buttons] == ["Ya", "Ya (2)"]


def test_texts_are_split_at_4096_and_an_interactive_body_at_1024():
    line = "Iuran dibayar setiap bulan paling lambat tanggal 15. " * 3
    text = "\n".join([line] * 60)                      # ~9500 characters
    bodies = _valid(render.build_plan(WA, [{"text": text}]).bodies)
    assert len(bodies) == 3 and all(len(b["text"]["body"]) <= 4096 for b in bodies)
    assert "\n".join(b["text"]["body"] for b in bodies).split() == text.split()
    one_line = "x" * 10_000
    assert [len(b["text"]["body"]) for b in render.build_plan(WA, [{"text": one_line}]).bodies] == [4096, 4096, 1808]
    with_buttons = _valid(render.build_plan(WA, [{"text": "\n".join([line] * 10), "buttons": BUTTONS3}]).bodies)
    assert with_buttons[-1]["type"] == "interactive" and with_buttons[0]["type"] == "text"
    assert " ".join(b.get("text", {}).get("body") or b["interactive"]["body"]["text"] for b in with_buttons
                    ).split() == "\n".join([line] * 10).split()


def test_plan_of_rasa_messages():
    plan = render.build_plan(WA, [
        {"text": "Halo!"}, {"text": "Saya Lingkar."},        # the REST channel cut one text at a blank line
        {"text": "Tautan:", "buttons": [{"title": "Situs", "url": "https://bpjsketenagakerjaan.go.id"}]},
        {"image": "https://example.org/a.png"}, {"custom": {"location": {"latitude": -3.9, "longitude": 122.5}}},
        {"custom": {"request_contact": True}}, {"custom": {"forget_sender": True}}, {"custom": {"other": 1}}])
    _valid(plan.bodies)
    assert [b["type"] for b in plan.bodies] == ["text", "text", "image", "location", "text"]
    assert plan.bodies[-1]["text"]["body"] == texts.CONTACT_PROMPT   # no share-contact button: the person types it
    assert plan.bodies[0]["text"]["body"] == "Halo!\n\nSaya Lingkar."
    assert plan.bodies[1]["text"]["body"] == "Tautan:\n\nSitus: https://bpjsketenagakerjaan.go.id"
    assert plan.forget and render.Plan.from_json(plan.to_json()) == plan


def test_the_fake_refuses_what_the_api_refuses():
    with pytest.raises(Refused) as e:
        validate(render.text_body(WA, "x" * 4097), {})
    assert e.value.code == 131009
    four = render._base(WA, "interactive", {"type": "button", "body": {"text": "x"}, "action": {"buttons": [
        {"type": "reply", "reply": {"id": f"p:{i}", "title": f"t{i}"}} for i in range(4)]}})
    with pytest.raises(Refused):
        validate(four, {})
    with pytest.raises(Refused) as e:
        validate(render.template_body(WA, "nope", "id", []), {})
    assert e.value.code == 132001


# ---- errors and templates --------------------------------------------------------------------------
def test_error_classes():
    assert classify(400, 131047) == "window"
    assert classify(400, 131026) == "unreachable"
    assert classify(401, 190) == "auth" and classify(403, 10) == "auth" and classify(400, 200) == "auth"
    assert classify(429, 130429) == "retry" and classify(400, 131056) == "retry" and classify(503, None) == "retry"
    assert classify(400, 131009) == "refused" and classify(400, 100) == "refused"


def test_template_registry(tmp_path):
    t = Templates.load(ROOT / "content" / "whatsapp_templates.yml")
    body = t.body(WA, "follow_up", {"nama": "Wa Ode"})
    validate(body, {("lingkar_tindak_lanjut", "id"): 1})
    assert body["template"]["components"][0]["parameters"] == [{"type": "text", "text": "Wa Ode"}]
    with pytest.raises(TemplateError):
        t.body(WA, "follow_up", {})
    with pytest.raises(TemplateError):
        t.body(WA, "nope", {})
    assert Templates.load(tmp_path / "missing.yml").by_key == {}
    (tmp_path / "bad.yml").write_text("templates:\n  x: {name: a}\n")
    with pytest.raises(TemplateError):
        Templates.load(tmp_path / "bad.yml")


# ---- state ---------------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "redis"])
async def state(request, tmp_path):
    if request.param == "sqlite":
        s = SQLiteState(tmp_path / "wa.db")
        await s.open()
        yield s
        await s.close()
        return
    async with redis_prefix() as value:
        url, prefix = value.split("|")
        s = RedisState(url, prefix)
        await s.open()
        yield s
        await s.close()


async def test_state_window_statuses_unreachable_payloads(state):
    now = time.time()
    assert not await state.window_open(WA)
    await state.touch_inbound(WA, now - 25 * 3600)
    assert not await state.window_open(WA)
    await state.touch_inbound(WA, now - 60)
    await state.touch_inbound(WA, now - 7200)             # an older redelivery does not move it back
    assert await state.window_open(WA) and abs(await state.last_inbound(WA) - (now - 60)) < 1

    await state.record_outgoing("wamid.O", WA, "text")
    for st in ("read", "delivered", "sent"):              # out of order: a status only moves forward
        await state.record_status("wamid.O", WA, st, now)
    rec = await state.outgoing("wamid.O")
    assert rec["status"] == "read" and rec["to"] == WA
    assert {h[0] for h in rec["history"]} == {"accepted", "sent", "delivered", "read"}
    await state.record_status("wamid.F", WA, "failed", now, 131026)
    assert (await state.outgoing("wamid.F"))["error_code"] == 131026

    await state.set_unreachable(WA, 131026)
    assert await state.unreachable(WA) == 131026
    await state.touch_inbound(WA, now)                    # they wrote again: reachable
    assert await state.unreachable(WA) is None

    await state.put_payload("t" * 32, "/inform")
    assert await state.get_payload("t" * 32) == "/inform" and await state.get_payload("u" * 32) is None
    assert await state.forget(WA) >= 2
    assert await state.outgoing("wamid.O") is None and not await state.window_open(WA)


def test_the_command_refuses_to_start_without_the_app_secret(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "WHATSAPP_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1", "WHATSAPP_VERIFY_TOKEN": "v",
           "LINGKAR_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("WHATSAPP_APP_SECRET", None)
    r = subprocess.run([sys.executable, "-m", "bot.whatsapp", "--check"], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "WHATSAPP_APP_SECRET" in r.stderr + r.stdout
    r = subprocess.run([sys.executable, "-m", "bot.whatsapp", "--check"], env={**env, "WHATSAPP_APP_SECRET": "s"},
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("ok:")
