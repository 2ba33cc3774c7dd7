"""Wordings corrected from the updated digest (../shared/domain/facts.md, update of 2 Dec 2026; issue 13): what each
answer must and must not say."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from lingkar.facts import load_facts
from lingkar.parsing import match_occupation
from lingkar.texts import load_texts

from .helpers import ROOT

ON = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def answers():
    return load_texts(ROOT / "content" / "answers.yml", load_facts(ROOT / "content" / "facts.yml")).answers


def said(answers, intent, on=ON) -> str:
    return answers.render(intent, on).text


def test_scholarship_total_is_not_per_year(answers):
    text = said(answers, "ask_scholarship")
    assert "Rp174 juta untuk 2 anak, untuk seluruh masa sekolah (bukan per tahun)" in text
    assert not re.search(r"Rp174 juta[^.\n]*, per tahun", text)
    assert "TK–SD: Rp1,5 juta per tahun, maks. 8 tahun" in text


@pytest.mark.parametrize("intent", ["ask_contact", "human_handoff"])
def test_call_centre_hours_are_wib_with_wita(answers, intent):
    text = said(answers, intent)
    assert "pukul 06.00 sampai 22.00 WIB (pukul 07.00 sampai 23.00 WITA)" in text
    assert "menurut info yang kami punya" in text


def test_late_payment_does_not_read_as_six_months_of_cover(answers):
    text = said(answers, "ask_late_payment")
    assert "perlindungan tidak berjalan terus selama belum bayar" in text
    assert "Kalau 3 bulan berturut-turut tidak bayar, kepesertaan berhenti" in text
    assert "sampai 3 bulan sejak perlindungan berhenti" not in text
    assert "Tunggakan dihitung per bulan iuran" in text                       # while a discount applies
    assert "Tunggakan dihitung per bulan iuran" not in said(answers, "ask_late_payment", dt.date(2027, 6, 1))


def test_transport_group_is_the_one_pp_50_2025_names(answers):
    text = said(answers, "ask_discount", dt.date(2026, 11, 24))
    assert "Transportasi (ojol, ojek pangkalan, sopir, kurir): iuran bulan Januari 2026 s.d. Maret 2027" in text
    assert "tukang becak, sopir bus/truk" in text.split("Pekerja mandiri lain")[1]
    for said_as, key in (("tukang becak", "becak"), ("bentor", "becak"), ("sopir bus", "sopir_bus_truk"),
                         ("sopir truk", "sopir_bus_truk")):
        occ = match_occupation(said_as)
        assert (occ.key, occ.transport) == (key, False), said_as
    for named in ("ojol", "ojek pangkalan", "sopir angkot", "kurir paket"):
        assert match_occupation(named).transport, named


def test_jkp_states_only_the_confirmed_contribution_condition(answers):
    text = said(answers, "ask_jkp")
    assert "iuran minimal 12 bulan dalam 24 bulan terakhir" in text
    assert "umur di bawah 54 tahun saat didaftarkan (bukan umur sekarang)" in text
    assert "6 bulan berturut-turut" not in text and "cek ke call center 175" in text
