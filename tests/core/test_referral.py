from __future__ import annotations

import pytest

from bot.core.referral import GREET_PAYLOAD, code_from_start, from_text


@pytest.mark.parametrize("text, code, rest, greet", [
    ("Halo Lingkar, kode agen K7M2QX", "K7M2QX", "Halo Lingkar", True),
    ("kode agen k7m2qx", "K7M2QX", "", True),
    ("KODE AGEN: AB23CD", "AB23CD", "", True),
    ("Assalamualaikum kak, kode agen #AB23CD", "AB23CD", "Assalamualaikum kak", True),
    ("kode agen K7M2QX berapa iuran BPU?", "K7M2QX", "berapa iuran BPU?", False),
    ("Halo, saya mau daftar JKK. Kode agen K7M2QX", "K7M2QX", "Halo, saya mau daftar JKK.", False),
])
def test_the_phrase_is_taken_out(text, code, rest, greet):
    found = from_text(text)
    assert found is not None
    assert (found.code, found.text, found.greet) == (code, rest, greet)
    assert found.rasa_text == (GREET_PAYLOAD if greet else rest)


@pytest.mark.parametrize("text", ["halo lingkar", "kode saya 1234", "agen K7M2QX", "kode agenda rapat", ""])
def test_no_phrase_no_code(text):
    assert from_text(text) is None


def test_start_argument():
    assert code_from_start("ag_K7M2QX") == "K7M2QX"
    assert code_from_start("xx_K7M2QX") is None
