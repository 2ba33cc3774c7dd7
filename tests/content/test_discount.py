"""The PP 50/2025 discount across every edge: which amount the bot states and whether it mentions the discount.

Transport BPU (ojol, opang, sopir, kurir): contribution months January 2026 – March 2027.
Other BPU: April – December 2026. 50% off JKK+JKM only: Rp16.800 -> Rp8.400 at the lowest bracket.
"""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar.texts import load_texts

from .helpers import ROOT

D = dt.date
DISCOUNTED, NORMAL = "Rp8.400", "Rp16.800"

# date: (transport discount in force, other discount in force, other discount already over)
EDGES = {
    D(2025, 12, 31): (False, False, False),
    D(2026, 1, 1): (True, False, False),
    D(2026, 3, 31): (True, False, False),
    D(2026, 4, 1): (True, True, False),
    D(2026, 11, 24): (True, True, False),
    D(2026, 12, 31): (True, True, False),
    D(2027, 1, 1): (True, False, True),
    D(2027, 3, 31): (True, False, True),
    D(2027, 4, 1): (False, False, True),
}


@pytest.fixture(scope="module")
def answers():
    return load_texts(ROOT / "content" / "answers.yml").answers


@pytest.mark.parametrize("on", sorted(EDGES))
def test_bpu_contribution_states_todays_amount_and_the_normal_one(answers, on):
    transport, other, _ = EDGES[on]
    t = answers.render("ask_contribution_bpu", on).text
    assert NORMAL in t  # the normal amount is always stated
    assert (DISCOUNTED in t) is transport
    assert ("diskon" in t.lower()) is transport  # no mention at all outside the windows
    assert ("Maret 2027" in t) is transport  # until when (transport)
    assert ("Desember 2026" in t) is other  # until when (everyone else), only while it runs
    assert ("Rp28.400" in t) is transport  # with the JHT, which is not discounted: Rp8.400 + Rp20.000
    if transport and not other:
        assert "Khusus ojol, opang, sopir, dan kurir" in t
    if other:
        assert "Sekarang ada diskon 50% JKK+JKM" in t


@pytest.mark.parametrize("on", sorted(EDGES))
def test_discount_answer_on_each_edge(answers, on):
    transport, other, other_over = EDGES[on]
    t = answers.render("ask_discount", on).text
    assert (DISCOUNTED in t) is transport
    if other and transport:
        assert "Ya, ada diskon 50%" in t
        assert "April 2026 s.d. Desember 2026" in t and "Januari 2026 s.d. Maret 2027" in t
    elif transport and not other_over:
        assert "iuran bulan Januari 2026 s.d. Maret 2027" in t and "iuran bulan April 2026 s.d. Desember 2026" in t
    elif transport and other_over:
        assert "tinggal untuk ojol" in t and "berakhir dengan iuran bulan Desember 2026" in t
    elif not other_over:  # before it starts
        assert "berlaku mulai iuran bulan Januari 2026" in t and "mulai April 2026" in t
        assert "iuran masih normal" in t and NORMAL in t
    else:  # after it ended
        assert "Saat ini tidak ada diskon iuran" in t and NORMAL in t
        assert "Maret 2027" not in t and "Desember 2026" not in t
    if transport:
        assert "JHT tidak didiskon" in t and "APBN/APBD" in t


@pytest.mark.parametrize("on", sorted(EDGES))
def test_menu_offers_the_discount_only_while_it_runs(answers, on):
    transport, other, _ = EDGES[on]
    payloads = [b["payload"] for b in answers.menu_buttons(on)]
    assert ("/ask_discount" in payloads) is (transport or other)
    bpu_buttons = [b["payload"] for b in answers.render("ask_contribution_bpu", on).buttons]
    assert ("/ask_discount" in bpu_buttons) is (transport or other)


@pytest.mark.parametrize("on", sorted(EDGES))
def test_cannot_afford_mentions_the_cheaper_amount_only_while_it_runs(answers, on):
    transport, other, _ = EDGES[on]
    t = answers.render("cannot_afford", on).text
    assert NORMAL in t
    assert (DISCOUNTED in t) is transport
    assert ("Khusus ojol" in t) is (transport and not other)
    assert ("Desember 2026" in t) is other and ("Maret 2027" in t) is transport
