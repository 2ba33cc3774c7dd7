"""No input a worker can type crashes a form or an action: odd, empty, huge, emoji, injection-looking and
payload-looking messages, for every question of every form."""
from __future__ import annotations

import pytest

from actions.eligibility import ActionInform, ValidateEligibilityForm
from actions.leads import ValidateLeadForm, ValidateSponsorForm

from .conftest import run, turn

ODD = ["", " ", "?", "....", "😀😀😀", "0", "-1", "1e9", "99999999999999999999999", "Rp", "jt", "juta juta juta",
       "/", "/inform", '/inform{"age": "abc"}', "/inform{broken", "<b>halo</b>", "'; DROP TABLE leads; --",
       "\x00\x01", "a" * 5000, "١٢٣", "umur -5", "penghasilan 0", "lahir 2030", "NIK 0000000000000000",
       "+62", "08", "nama: ", "\n\n\n", "kendari kendari kendari kolaka baubau", "ya tidak ya tidak"]
FORMS = [(ValidateEligibilityForm(), "eligibility_form", ["occupation", "age", "income", "regency"]),
         (ValidateLeadForm(), "lead_form", ["consent", "name", "phone", "nik", "regency", "contact_time"]),
         (ValidateSponsorForm(), "sponsor_form", ["donor_kind", "sponsor_organisation", "sponsor_workers",
                                                  "sponsor_regency", "consent", "name", "phone"])]


@pytest.mark.parametrize("text", ODD)
@pytest.mark.parametrize("intent", ["inform", "nlu_fallback", "cancel"])
async def test_odd_messages_never_crash_a_form(text, intent):
    for action, form, slots in FORMS:
        for requested in slots + [None]:
            entities = [{"entity": "age", "value": "abc"}] if text.startswith("/inform{") else []
            t = turn(text, intent, 0.9, form=form, requested=requested, slots={"occupation": "nelayan", "age": 30},
                     entities=entities)
            msgs, set_, events = await run(action, t)
            assert isinstance(events, list) and "requested_slot" in set_
            for m in msgs:
                assert m.get("text") or m.get("custom")


@pytest.mark.parametrize("text", ODD)
async def test_odd_messages_never_crash_inform(text, sqlite_db):
    msgs, _, _ = await run(ActionInform(), turn(text, slots={"eligibility": {"category": "BPU"},
                                                            "occupation": "nelayan"}))
    assert msgs
