"""Issue 12, seventeenth session: an age of the JHT age or over told with a question whether one may still join
("tp umur sy sdh 67, masih bisa?") at one of the check's questions gets the self-employed age limit's answer (the
limit is unconfirmed; where to ask) before the check goes on. Real validation action on a rasa_sdk tracker."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.answers import asks_age_limit
from actions.eligibility import ValidateEligibilityForm

from .conftest import run, texts_of, turn

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize("text,asks", [
    ("tp umur sy sdh 67, masih bisa?", True),
    ("kalau umur sy 66 masih bisa?", True),
    ("umur 60 boleh daftar?", True),
    ("umur sy 45, masih bisa?", False),        # under the JHT age: no limit in question
    ("umur sy 67", False),                     # an age alone is the check's answer
    ("masih bisa bayar bulan depan?", False),  # no age
])
def test_asking_whether_an_age_may_still_join(text, asks):
    assert asks_age_limit(text, TODAY) is asks


async def test_an_age_limit_asked_at_the_income_question_is_answered_before_the_check_goes_on(monkeypatch):
    monkeypatch.setenv("LINGKAR_TODAY", TODAY.isoformat())
    messages, _, _ = await run(ValidateEligibilityForm(), turn(
        "tp umur sy sdh 67, masih bisa?", "inform", form="eligibility_form", requested="income",
        slots={"occupation": "tukang cukur"}))
    said = texts_of(messages)
    assert "175" in said and "batas usia" in said
