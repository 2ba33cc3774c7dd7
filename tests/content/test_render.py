"""Unit tests of lingkar/texts/ on small, hand-written facts and answers (independent of the real content)."""
from __future__ import annotations

import datetime as dt

import pytest

from lingkar.facts import FactNotInForce, Facts
from lingkar.texts import AnswerError, parse_answers

D = dt.date

FACTS = {
    "facts": {
        "x.total": {"unit": "rupiah", "label": "total x", "source": "PP 1/2000", "values": [
            {"value": 24000000, "until": "2019-12-01"},
            {"value": 42000000, "from": "2019-12-02"}]},
        "x.phone": {"unit": "phone", "label": "telepon", "value": "175", "source": "s"},
        "x.site": {"unit": "text", "label": "situs", "value": "example.go.id", "source": "s"},
        "x.rate": {"unit": "percent", "label": "tarif", "value": 0.24, "source": "s"},
        "x.age": {"unit": "years", "label": "usia", "value": 56, "source": "s"},
        "x.people": {"unit": "count", "label": "orang", "value": 1200000, "source": "s"},
        "x.cap": {"unit": "rupiah", "label": "batas upah", "source": "s",
                  "values": [{"value": 10042300, "from": "2024-03-01", "stale_after": "2025-02-28"}]},
        "x.guess": {"unit": "rupiah", "label": "angka kira-kira", "value": 1200000, "confirmed": False, "source": "s"},
        "x.promo": {"unit": "percent", "label": "diskon", "value": 50, "from": "2026-04-01", "until": "2026-12-31",
                    "source": "PP 50/2025"},
        "x.promo_price": {"unit": "rupiah", "label": "harga diskon", "value": 8400, "from": "2026-04-01",
                          "until": "2026-12-31", "source": "s"},
        "x.other": {"unit": "percent", "label": "diskon lain", "value": 50, "from": "2026-01-01",
                    "until": "2027-03-31", "source": "s"},
    }
}
NOTES = {"stale": "{labels} bisa berubah, cek {x.phone}.", "unconfirmed": "{labels} belum pasti, cek {x.phone}."}
SNIPPETS = {"clarify_question": {"text": "Maksudnya?"}, "clarify_help": {"text": "Bantuan", "buttons": "menu"},
            "handoff_recorded": {"text": "Dicatat."}}
MENU = [{"title": "Program", "payload": "/a"}, {"title": "Diskon", "payload": "/promo", "when": "x.promo"}]


def build(answers, menu=None, notes=None, snippets=None, known=None):
    data = {"notes": notes or NOTES, "menu": menu or MENU, "snippets": snippets or SNIPPETS,
            "answers": {"a": {"label": "A", "text": "a"}, "promo": {"label": "Promo", "text": "p"}, **answers}}
    return parse_answers(data, Facts(FACTS), known_intents=known)


def one(text, on=D(2026, 11, 24), **kw):
    return build({"t": {"label": "T", "text": text, **kw}}).render("t", on)


# ------------------------------------------------------------------------------ placeholders and styles
@pytest.mark.parametrize("template,expected", [
    ("{x.total}", "Rp42.000.000"),
    ("{x.total:juta}", "Rp42 juta"),
    ("{x.total:plain}", "42.000.000"),
    ("{x.people:juta} pekerja", "1,2 juta pekerja"),
    ("{x.rate}", "0,24%"),
    ("usia {x.age}", "usia 56 tahun"),
    ("call center {x.phone}", "call center 175"),
    ("{x.site}", "example.go.id"),
    ("s.d. {x.promo@until:month}", "s.d. Desember 2026"),
    ("mulai {x.promo@from}", "mulai 1 April 2026"),
    ("tahun {x.promo@until:year}", "tahun 2026"),
])
def test_placeholders_render_the_value_in_force(template, expected):
    assert one(template).text == expected


def test_the_value_depends_on_the_date():
    assert one("{x.total}", on=D(2019, 12, 1)).text == "Rp24.000.000"
    assert one("{x.total}", on=D(2019, 12, 2)).text == "Rp42.000.000"


def test_next_and_dates_of_an_upcoming_value():
    r = one("{x.promo@next} mulai {x.promo@from:month}", on=D(2026, 1, 1))
    assert r.text == "50% mulai April 2026"


def test_next_fails_when_nothing_is_coming():
    with pytest.raises(FactNotInForce):
        one("{x.promo@next}", on=D(2027, 1, 1))


def test_a_fact_out_of_force_is_never_quoted():
    with pytest.raises(FactNotInForce):
        one("diskon {x.promo_price}", on=D(2027, 1, 1))
    with pytest.raises(FactNotInForce):
        one("diskon {x.promo_price}", on=D(2026, 3, 31))


def test_rendering_reports_the_facts_it_used():
    r = one("{x.total} dan {x.rate}, {x.total:juta}")
    assert r.facts == ("x.total", "x.rate")


# ------------------------------------------------------------------------------ conditions
PROMO_TEXT = [
    "Iuran normal.",
    {"text": "Diskon {x.promo} s.d. {x.promo@until:month}: {x.promo_price}.", "when": "x.promo"},
    {"text": "Diskon mulai {x.promo@from:month}.", "when": "upcoming x.promo"},
    {"text": "Diskon sudah selesai.", "when": "ended x.promo"},
    {"text": "Tanpa diskon.", "when": "not in_force x.promo"},
]


@pytest.mark.parametrize("on,expected", [
    (D(2026, 3, 31), "Iuran normal.\n\nDiskon mulai April 2026.\n\nTanpa diskon."),
    (D(2026, 4, 1), "Iuran normal.\n\nDiskon 50% s.d. Desember 2026: Rp8.400."),
    (D(2026, 12, 31), "Iuran normal.\n\nDiskon 50% s.d. Desember 2026: Rp8.400."),
    (D(2027, 1, 1), "Iuran normal.\n\nDiskon sudah selesai.\n\nTanpa diskon."),
])
def test_paragraphs_follow_their_conditions_on_each_edge(on, expected):
    assert one(PROMO_TEXT, on=on).text == expected


def test_conditions_combine_with_and_and_or():
    text = [{"text": "both", "when": ["x.promo", "x.other"]},
            {"text": "either", "when": "x.promo or x.other"},
            {"text": "neither", "when": ["not x.promo", "not x.other"]}]
    assert one(text, on=D(2026, 2, 1)).text == "either"
    assert one(text, on=D(2026, 5, 1)).text == "both\n\neither"
    assert one(text, on=D(2027, 6, 1)).text == "neither"


def test_stale_and_confirmed_predicates():
    text = [{"text": "lama", "when": "stale x.cap"}, {"text": "baru", "when": "not stale x.cap"},
            {"text": "pasti", "when": "confirmed x.total"}, {"text": "ragu", "when": "not confirmed x.guess"}]
    assert one(text, on=D(2025, 2, 28)).text == "baru\n\npasti\n\nragu"
    assert one(text, on=D(2025, 3, 1)).text == "lama\n\npasti\n\nragu"


def test_buttons_follow_conditions_and_the_menu_expands():
    answers = build({"t": {"label": "T", "text": "x", "buttons": ["menu", {"title": "Lagi", "payload": "/a"}]}})
    during = answers.render("t", D(2026, 5, 1)).buttons
    after = answers.render("t", D(2027, 5, 1)).buttons
    assert during == [{"title": "Program", "payload": "/a"}, {"title": "Diskon", "payload": "/promo"}]
    assert after == [{"title": "Program", "payload": "/a"}]  # duplicates of a payload are dropped
    assert answers.menu_buttons(D(2027, 5, 1)) == [{"title": "Program", "payload": "/a"}]


# ------------------------------------------------------------------------------ stale and unconfirmed figures
def test_a_stale_figure_is_marked_and_explained():
    fresh = one("Batas {x.cap}.", on=D(2025, 2, 28))
    stale = one("Batas {x.cap}.", on=D(2025, 3, 1))
    assert fresh.text == "Batas Rp10.042.300." and fresh.flagged == ()
    assert stale.text == "Batas Rp10.042.300*.\n\n*Batas upah berlaku sejak 1 Maret 2024 bisa berubah, cek 175."
    assert stale.flagged == ("x.cap",)


def test_an_unconfirmed_figure_is_marked_and_says_where_to_check():
    r = one("Kira-kira {x.guess}, pasti {x.total}.")
    assert r.text == "Kira-kira Rp1.200.000*, pasti Rp42.000.000.\n\n*Angka kira-kira belum pasti, cek 175."


def test_both_kinds_of_notes_name_their_figures():
    r = one("{x.cap} {x.guess}", on=D(2026, 1, 1))
    assert r.text.endswith("*Batas upah berlaku sejak 1 Maret 2024 bisa berubah, cek 175.\n"
                           "*Angka kira-kira belum pasti, cek 175.")


# ------------------------------------------------------------------------------ load-time errors
@pytest.mark.parametrize("text,message", [
    ("Hubungi 175", "digits"),
    ("usia 56 tahun", "digits"),
    ("{x.nope}", "unknown fact"),
    ("{x.total:kilo}", "unknown style"),
    ("{x.rate:juta}", "does not fit unit"),
    ("{x.age@until}", "has no 'until' date"),
    ("{x.age@next}", "no value that starts later"),
    ("{x.promo@until:juta}", "month or year"),
    ("{ x.total ", "unbalanced"),
    ("{labels}", "cannot read placeholder"),
    ("{X}", "cannot read placeholder"),
])
def test_bad_templates_fail_at_load(text, message):
    with pytest.raises(AnswerError, match=message):
        build({"t": {"label": "T", "text": text}})


@pytest.mark.parametrize("spec,message", [
    ({"text": "x"}, "needs a label"),
    ({"label": "Judul yang jauh terlalu panjang untuk tombol", "text": "x"}, "at most"),
    ({"label": "Topik nomor 1", "text": "x"}, "without digits"),
    ({"label": "T", "text": "x", "buttons": [{"title": "B", "payload": "/nowhere"}]}, "without an answer"),
    ({"label": "T", "text": "x", "buttons": [{"title": "B", "payload": "ask me"}]}, "payload must be"),
    ({"label": "T", "text": "x", "buttons": [{"title": "Rp 5 ribu", "payload": "/a"}]}, "digits"),
    ({"label": "T", "text": [{"text": "x", "when": "maybe x.promo"}]}, "cannot read condition"),
    ({"label": "T", "text": [{"text": "x", "when": "x.none"}]}, "unknown fact"),
    ({"label": "T", "text": []}, "non-empty"),
    ({"label": "T", "text": "x", "extra": 1}, "expected label"),
])
def test_bad_answers_fail_at_load(spec, message):
    with pytest.raises(AnswerError, match=message):
        build({"t": spec})


def test_answers_must_fit_the_domain_intents():
    with pytest.raises(AnswerError, match="does not know"):
        build({"t": {"label": "T", "text": "x"}}, known=["a", "promo"])
    assert build({}, known=["a", "promo", "b"]).intents() == ["a", "promo"]


def test_notes_and_snippets_are_required():
    with pytest.raises(AnswerError, match="notes"):
        build({}, notes={"stale": "x"})
    with pytest.raises(AnswerError, match="snippets"):
        build({}, snippets={"clarify_help": {"text": "x"}})


def test_unknown_intent_and_snippet_raise():
    answers = build({})
    with pytest.raises(AnswerError):
        answers.render("nope", D(2026, 1, 1))
    with pytest.raises(AnswerError):
        answers.render_snippet("nope", D(2026, 1, 1))
