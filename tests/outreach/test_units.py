"""The message file's rules, the template's category, the settings, and the health check on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from bot.outreach import __main__ as cli
from bot.outreach.config import OutreachSettings
from bot.outreach.message import BroadcastMessage, MessageError
from bot.outreach.senders import WhatsAppBroadcaster
from bot.whatsapp.graph import GraphClient
from bot.whatsapp.templates import Template, Templates
from lingkar.settings import Settings
from tests.conftest import use_settings


def test_the_message_is_checked_when_queued_and_rendered_on_the_day_of_sending(tmp_path):
    f = tmp_path / "diskon.yml"
    f.write_text("text: Diskon iuran BPU {bpu.discount.other} berlaku sampai {bpu.discount.other@until}.\n"
                 "buttons:\n  - {title: Diskon, payload: /ask_discount}\n", encoding="utf-8")
    msg = BroadcastMessage.load(f)
    on = msg.render(dt.date(2026, 11, 24))
    assert on.text.startswith("Diskon iuran BPU 50%") and on.buttons == [{"title": "Diskon",
                                                                          "payload": "/ask_discount"}]
    with pytest.raises(MessageError, match="not in force"):
        msg.render(dt.date(2027, 2, 1))            # the discount ended: never quoted after its last day
    plain = tmp_path / "pesan.txt"
    plain.write_text("Hubungi {contact.call_centre} untuk bertanya.", encoding="utf-8")
    assert BroadcastMessage.load(plain).render(dt.date(2026, 11, 24)).text == "Hubungi 175 untuk bertanya."
    for body, buttons, why in (
            ("Iuran Rp6.800 saja", [], "outside a placeholder"),
            ("Hubungi {contact.nope}", [], "unknown fact"),
            ("Halo", [{"title": "a", "payload": "/x"}] * 4, "at most 3"),
            ("Halo", [{"title": "Daftar", "payload": "daftar sekarang"}], "intent"),
            ("Halo", [{"title": "Judul yang terlalu panjang", "payload": "/x"}], "longer than"),
            ("", [], "no text")):
        with pytest.raises(MessageError, match=why):
            BroadcastMessage.parse(body, buttons)


def test_a_broadcast_template_must_be_marketing_or_utility():
    graph = GraphClient("http://127.0.0.1:9", "1", "t")
    reg = Templates({"otp": Template("otp", "kode", "id", ("kode",), "authentication"),
                     "info": Template("info", "lingkar_info", "id", ("topik", "pesan"), "marketing")})
    with pytest.raises(ValueError, match="marketing or utility"):
        WhatsAppBroadcaster(graph, reg, "otp")
    body = WhatsAppBroadcaster(graph, reg, "info")._template_body("62811", "Satu\n\ndua", "iuran", {})
    assert [p["text"] for p in body["template"]["components"][0]["parameters"]] == ["iuran", "Satu dua"]


def test_settings():
    s = OutreachSettings.from_settings(Settings.from_env({"BROADCAST_TELEGRAM_RATE": "25/1",
                                                          "BROADCAST_WHATSAPP_RATE": "bad", "BROADCAST_BATCH": "7"}))
    assert (s.telegram_rate, s.whatsapp_rate, s.batch, s.lease, s.template) == ((25, 1.0), (30, 1.0), 7, 300.0,
                                                                                "info")
    assert s.audience == "bot.outreach.audience:subscribers" and s.problems() == {}     # the subscriptions
    assert OutreachSettings.from_settings(Settings.from_env({"BROADCAST_AUDIENCE": "a.b:c"})).problems() == {}
    assert "BROADCAST_AUDIENCE" in OutreachSettings.from_settings(Settings.from_env({"BROADCAST_AUDIENCE": "off"})
                                                                  ).problems()


def test_health_check_on_postgresql(db, capsys):
    use_settings(DATABASE_URL=db, BROADCAST_AUDIENCE="tests.outreach.audience:from_settings")
    assert cli._health(900, off=False) == 0
    engine = create_engine(db, future=True)
    with engine.begin() as conn:       # a job due for an hour that no worker started
        conn.execute(text("INSERT INTO procrastinate_jobs (queue_name, task_name, args, scheduled_at) "
                          "VALUES ('broadcasts', 'lingkar.broadcast_batch', '{}', now() - interval '1 hour')"))
    engine.dispose()
    assert cli._health(900, off=False) == 1 and "due for more than" in capsys.readouterr().err
    assert cli._health(7200, off=False) == 0
    use_settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert cli._health(900, off=False) == 1
