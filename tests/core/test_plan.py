"""Channel-neutral planning of Rasa's reply under a channel's limits."""
from __future__ import annotations

from bot.core.plan import Limits, OutMessage, Reply, plan_reply, split_text

SMALL = Limits(text=60, buttons=3, button_title=20, paragraphs=True, sentences=True)


def test_texts_are_joined_then_split_between_paragraphs():
    p1 = "Iuran JKK mulai Rp10.000 sebulan."        # 33
    l1 = "JKM untuk keluarga."                      # 19
    l2 = "JHT untuk hari tua."                      # 19
    reply = plan_reply([{"text": p1}, {"text": l1 + "\n" + l2}], SMALL)
    assert [m.text for m in reply.messages] == [p1, l1 + "\n" + l2]
    # a channel that does not care about paragraphs packs lines greedily (Telegram, as always)
    assert split_text(p1 + "\n\n" + l1 + "\n" + l2, Limits(text=60)) == [p1 + "\n\n" + l1, l2]


def test_an_overlong_line_is_cut_after_a_sentence():
    line = "Kalimat pertama cukup panjang ya. Kalimat kedua juga panjang sekali sampai lewat batas."
    chunks = split_text(line, SMALL)
    assert chunks[0] == "Kalimat pertama cukup panjang ya."
    assert all(len(c) <= 60 for c in chunks) and " ".join(chunks) == line


def test_buttons_become_pairs_and_overflow_goes_on_follow_up_messages():
    buttons = [{"title": f"Pilihan nomor {i} yang panjang sekali", "payload": f"/p{i}"} for i in range(5)]
    buttons.append({"title": "Situs", "url": "https://www.bpjsketenagakerjaan.go.id"})
    reply = plan_reply([{"text": "Pilih:", "buttons": buttons}], SMALL)
    first, second = reply.messages
    assert first.text == "Pilih:" and len(first.buttons) == 3
    assert first.buttons[0] == ("Pilihan nomor 0 yang", "/p0")          # title cut to the channel's limit
    assert second.text == SMALL.more_text
    assert second.buttons == [("Pilihan nomor 3 yang", "/p3"), ("Pilihan nomor 4 yang", "/p4")]
    assert second.links == [("Situs", "https://www.bpjsketenagakerjaan.go.id")]


def test_custom_payloads_and_json_round_trip():
    reply = plan_reply([
        {"text": "Nomor HP Anda?"},
        {"custom": {"request_contact": True}},
        {"custom": {"photo": "https://x/y.png", "caption": "c" * 5000}},
        {"custom": {"location": {"latitude": -3.9, "longitude": 122.5}}},
        {"custom": {"forget_sender": True}},
        {"custom": {"whatsapp_only": 1}},
    ], SMALL)
    kinds = [m.kind for m in reply.messages]
    assert kinds == ["text", "image", "location"]
    assert reply.messages[0].request_contact and reply.request_contact and reply.forget
    assert len(reply.messages[1].text) == SMALL.caption
    again = Reply.from_json(reply.to_json())
    assert again == reply
    assert OutMessage.from_json(reply.messages[0].to_json()) == reply.messages[0]


def test_only_buttons_get_a_default_text():
    reply = plan_reply([{"buttons": [{"title": "Ya", "payload": "/affirm"}]}], SMALL)
    assert [(m.text, m.buttons) for m in reply.messages] == [(SMALL.default_text, [("Ya", "/affirm")])]
