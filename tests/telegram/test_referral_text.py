"""'kode agen <CODE>' typed in a first message attributes the user like /start ag_<CODE> (bot/core/referral.py)."""
from __future__ import annotations

USER = 7301


async def test_code_phrase_attributes_and_greets(fake_tg, fake_rasa, start_adapter, inbox):
    await start_adapter(TELEGRAM_KNOWN_AGENT_CODES="K7M2QX,AB23CD", **inbox)
    await fake_tg.push(fake_tg.text(USER, "Halo Lingkar, kode agen k7m2qx"))
    await fake_tg.push(fake_tg.text(USER, "Kode agen AB23CD, berapa iuran BPU?"))   # a second code changes nothing
    await fake_tg.wait_texts(USER, 2)
    assert fake_rasa.messages() == ["/greet", "berapa iuran BPU?"]    # the phrase never reaches Rasa
    assert [c["metadata"]["referral"] for c in fake_rasa.calls] == ["K7M2QX", "K7M2QX"]
    assert [c["metadata"]["referral_known"] for c in fake_rasa.calls] == [True, True]
    assert [c["metadata"]["first_contact"] for c in fake_rasa.calls] == [True, False]

    other = USER + 1
    await fake_tg.push(fake_tg.text(other, "halo, mau tanya"))
    await fake_tg.wait_texts(other, 1)
    assert fake_rasa.calls[-1]["metadata"]["referral"] is None
    assert fake_rasa.messages()[-1] == "halo, mau tanya"
