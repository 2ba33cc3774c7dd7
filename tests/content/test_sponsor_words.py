"""A sponsor's words live in one list (content/signals.yml ``sponsor``), read by the actions (a sponsor speaking,
:func:`actions.answers.sponsor_says`) and by the NLU classifier (an offer to pay is not help sought,
:func:`rasa_plugins.nlu.classifier.asks_for_help_paying`)."""
from __future__ import annotations

import pytest
import yaml

from actions.answers import sponsor_says
from lingkar.signals import lexicon_path, speaks_as_sponsor, sponsor_offer_words
from rasa_plugins.nlu.classifier import asks_for_help_paying


def _lists():
    data = yaml.safe_load(lexicon_path().read_text(encoding="utf-8"))["sponsor"]
    return data["offer"], data["payer"]


def test_the_two_lists_exist_and_do_not_overlap():
    offer, payer = _lists()
    assert offer and payer
    assert not set(offer) & set(payer)


@pytest.mark.parametrize("text", [
    "Perusahaan sy mau jadi donatur utk nelayan",
    "Dana CSR kami bisa dipakai bayar iuran?",
    "Kami sponsori 20 petani rumput laut",
])
def test_an_offer_s_words(text):
    assert sponsor_offer_words(text) and speaks_as_sponsor(text) and sponsor_says(text)


@pytest.mark.parametrize("text", [
    "Tahun depan Pemkab mau tanggung 1.200 nelayan kecil dari APBD",
    "Tabe, sa pengurus masjid di Raha",
    "Bisa iurannya dibayar pakai dana desa?",
    "Disnakertrans mau data pekerja rentan",
])
def test_who_speaks_as_a_payer_is_no_offer_by_itself(text):
    assert speaks_as_sponsor(text) and sponsor_says(text)
    assert not sponsor_offer_words(text)


def test_a_sponsor_counting_contributions_by_number():
    assert sponsor_says("kami mau membayarkan iuran 30 nelayan")
    assert not speaks_as_sponsor("kami mau membayarkan iuran 30 nelayan")


@pytest.mark.parametrize("text", [
    "Sy ojek, gaji 2 juta, brp iurannya?",
    "Kami tdk mampu bayar iurannya",
    "suami sy meninggal, kerja di kapal",
])
def test_a_worker_is_no_sponsor(text):
    assert not sponsor_says(text)


def test_help_sought_from_the_regency_stays_help_an_offer_does_not():
    assert asks_for_help_paying("Kami tdk mampu bayar iurannya. Ada bantuan dr pemda?")
    assert not asks_for_help_paying("Kami tdk mampu bayar semua, tapi perusahaan sy mau jadi donatur sebagian")
    assert not asks_for_help_paying("Ada bantuan dr CSR? kami yg bayar sisanya")
