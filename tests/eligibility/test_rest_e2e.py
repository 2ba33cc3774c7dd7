"""Through Rasa's REST channel: a real ``rasa run`` (the trained model) and a real action server on free ports,
started with the same commands as ``python -m bot.stack`` (bot/stack.py; tests/stack_util.py), the conversation
state in memory.

Once with no DATABASE_URL (the default: the SQLite file lingkar.db under LINGKAR_VAR_DIR, a temp directory) and once
with DATABASE_URL set to a throw-away PostgreSQL database. The model is models/lingkar.tar.gz (``make test`` trains
it first) or $LINGKAR_TEST_MODEL.
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from lingkar.calculator import assess
from lingkar.clock import today
from lingkar.facts import format_rupiah
from lingkar.store import Store

ROOT = Path(__file__).resolve().parents[2]
META = {"channel": "telegram", "referral": "AGEN9X", "referral_known": False, "telegram_user_id": 0}

pytestmark = pytest.mark.e2e


def test_the_project_endpoints_reach_the_action_server(monkeypatch):
    """Rasa 3.6 expands ${...} only in plain (unquoted) YAML scalars; a quoted one is called literally and no
    custom action would run. The stack below uses the project's endpoints.yml itself."""
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "s3cret")
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    assert endpoint.url == "http://127.0.0.1:5055/webhook"
    assert endpoint.headers == {"X-Lingkar-Action-Token": "s3cret"}  # the action server refuses calls without it


class Chat:
    def __init__(self, stack: Dict[str, Any], metadata: Dict[str, Any] | None = None):
        self.url = stack["url"]
        self.logs = stack["logs"]
        self.sender = f"telegram:{uuid.uuid4().int % 10**9}"
        self.metadata = dict(META if metadata is None else metadata)

    def say(self, message: str) -> List[Dict[str, Any]]:
        body = json.dumps({"sender": self.sender, "message": message, "metadata": self.metadata}).encode()
        req = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            out = json.loads(r.read())
        assert out, f"no answer to {message!r}:\n" + "\n".join(p.read_text(errors="replace")[-3000:]
                                                               for p in self.logs)
        return out

    def text(self, message: str) -> str:
        return "\n".join(m.get("text") or "" for m in self.say(message))


def _tracker(stack, sender: str) -> Dict[str, Any]:
    """The conversation as Rasa's tracker store holds it (HTTP API)."""
    url = f"{stack['url']}/conversations/{sender}/tracker?token={stack['token']}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def _store(stack) -> Store:
    """The stack's lead store, as its action server sees it. The action server creates the schema when it first
    stores something; a test that reads before anything was stored (it runs alone, say) finds the same tables."""
    store = Store(stack["db_url"])
    store.migrate()
    return store


def _finish_lead(stack, chat, answers, last: str):
    """Answers the lead form's remaining questions; the last one stores the lead, which is returned."""
    for answer_ in answers:
        chat.text(answer_)
    assert "sudah kami catat" in chat.text(last)
    [lead] = _store(stack).leads_for_sender(chat.sender)
    return lead


def _payloads(messages) -> List[str]:
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def test_one_shot_message_gets_category_programmes_and_todays_amounts(stack):
    chat = Chat(stack)
    out = chat.say("saya nelayan di kendari umur 35 penghasilan 1 juta, bisa ikut? berapa iurannya?")
    text = "\n".join(m.get("text") or "" for m in out)
    expected = assess("nelayan", age=35, income=1_000_000, on=today()).bpu
    assert "pekerja mandiri (Bukan Penerima Upah, BPU)" in text
    assert "JKK (kecelakaan kerja): wajib" in text and "JP (pensiun): tidak bisa" in text
    assert f"Wajib (JKK+JKM): {format_rupiah(expected.jkk_jkm_pay)} per bulan" in text
    if expected.discount.active:
        assert f"normal {format_rupiah(expected.jkk)}" in text
    assert "/request_contact" in _payloads(out) and "/cannot_afford" in _payloads(out)
    assert "kabupaten/kota mana" not in text  # the regency was given
    # the check is counted, anonymously, with the agent code
    counts = _store(stack).event_counts("eligibility_checked")
    assert sum(counts.values()) >= 1


def test_one_shot_without_the_regency_gets_the_result_at_once_then_an_optional_regency_question(stack):
    chat = Chat(stack)
    out = chat.say("sy nelayan umur 40 penghasilan 2 juta bisa ikut ga brp iurannya")
    text = "\n".join(m.get("text") or "" for m in out)
    assert "(Bukan Penerima Upah, BPU)" in text and "JKK (kecelakaan kerja): wajib" in text
    assert "Wajib (JKK+JKM)" in text and "/request_contact" in _payloads(out)
    assert "kabupaten/kota mana" in out[-1]["text"]
    assert '/inform{"regency": "Kabupaten Kolaka"}' in _payloads(out[-1:])
    noted = chat.text('/inform{"regency": "Kabupaten Kolaka"}')  # the button
    assert "saya catat: Kabupaten Kolaka" in noted and "JKK" not in noted
    assert "Kabupaten Kolaka" in {r.group for r in _store(stack).funnel(group_by="regency") if r.checks}


def test_a_missing_age_is_asked_after_the_category_is_said(stack):
    chat = Chat(stack)
    first = chat.text("saya karyawan pabrik gaji 3 juta, harusnya dapat program apa aja")
    assert "Penerima Upah (PU)" in first and "umur" in first.lower() and "JKP" in first
    assert "Hasil cek" not in first
    result = chat.text("45")
    assert "Hasil cek untuk: buruh pabrik" in result and "umur 45 tahun" in result


def test_multi_turn_correction_and_a_lead_with_consent(stack):
    chat = Chat(stack)
    assert "pekerjaan" in chat.text("cek kelayakan")
    assert "umur" in chat.text("petani")
    assert "penghasilan" in chat.text("35")
    assert "umur 41 tahun" in chat.text("eh umur saya 41")        # a correction while the income is asked
    result = chat.text("1,5jt")                                      # the result: the regency is not asked first
    assert "petani, umur 41 tahun, penghasilan Rp1.500.000 per bulan." in result
    assert "kabupaten/kota mana" in result                          # ... but after it, optionally
    assert "saya catat: Kabupaten Konawe Selatan" in chat.text("konsel")
    again = chat.text("eh saya nelayan")                             # after the result: computed again
    assert "hitung ulang" in again and "nelayan" in again
    consent = chat.text("/request_contact")
    assert "UU 27/2022" in consent and "setuju" in consent
    assert _store(stack).data_for_sender(chat.sender)["leads"] == []  # nothing before consent
    assert "nama lengkap" in chat.text("/affirm")
    ask_phone = chat.say("Siti Aminah")
    assert {"request_contact": True} in [m.get("custom") for m in ask_phone]   # Telegram: share-contact button
    assert "terlalu pendek" in chat.text("0812345")
    assert "NIK" in chat.text("0812 3456 7890")
    assert "Kapan waktu" in chat.text("lewati")                      # regency known from the check
    saved = chat.text("sore aja")
    assert "sudah kami catat" in saved
    [lead] = _store(stack).leads_for_sender(chat.sender)
    assert (lead.type, lead.status, lead.channel, lead.referral, lead.phone, lead.nik) == (
        "enrolment", "new", "telegram", "AGEN9X", "+6281234567890", None)
    assert lead.regency == "Kabupaten Konawe Selatan" and lead.eligibility["occupation"] == "nelayan"
    assert lead.age == 41 and lead.contact_time == "sore aja"
    if stack["backend"] == "sqlite":
        assert Path(stack["db_url"].removeprefix("sqlite:///")).exists()
    # the same person again: the open lead is updated, not duplicated
    chat.text("/request_contact")
    chat.text("/affirm")
    chat.text("Siti Aminah")
    chat.text("0812 3456 7890")
    chat.text("lewati")
    assert "kami perbarui" in chat.text("pagi")
    assert len(_store(stack).leads_for_sender(chat.sender)) == 1
    # data saya (masked) and hapus data saya (after confirmation)
    mine = chat.text("data saya")
    assert "+62812****890" in mine and "+6281234567890" not in mine
    # the conversation keeps its last turns only (rasa_plugins.stores.bounded): the worker types personal data again
    chat.text("saya Siti Aminah hp 0812 3456 7890")
    before = json.dumps(_tracker(stack, chat.sender))
    assert "Siti Aminah" in before and "0812 3456 7890" in before  # what the worker typed, in Rasa's tracker
    assert "Yakin" in chat.text("hapus data saya")
    assert "sudah dihapus" in chat.text("/affirm")
    assert _store(stack).leads_for_sender(chat.sender) == []
    # ... and gone from the conversation Rasa keeps (rasa_plugins/stores.py drops the events before the marker)
    after = _tracker(stack, chat.sender)
    dump = json.dumps(after)
    assert "Siti Aminah" not in dump and "0812 3456 7890" not in dump and "+6281234567890" not in dump
    assert after["slots"].get("name") is None and after["slots"].get("phone") is None
    assert after["slots"].get("history_erased") is None
    assert "pekerjaan" in chat.text("cek kelayakan")                 # the conversation goes on


def test_consent_refused_stores_nothing(stack):
    chat = Chat(stack)
    assert "Perlu bantuan apa?" in chat.text("hubungi saya")          # no topic before: the purpose is asked
    assert "setuju" in chat.text("Aktifkan lagi (tunggakan)")
    assert "tidak ada data pribadi yang kami simpan" in chat.text("tidak setuju")
    assert _store(stack).leads_for_sender(chat.sender) == []


def test_employer_not_registering_then_a_lead_with_that_purpose(stack):
    chat = Chat(stack)
    answer = chat.say("bos saya tidak mau daftarkan bpjs")
    text = "\n".join(m.get("text") or "" for m in answer)
    assert "PP 45/2015" in text and "175" in text and "/request_contact" in _payloads(answer)
    consent = chat.text("/request_contact")                           # the purpose comes from that topic
    assert "perusahaan yang belum mendaftarkan Anda" in consent and "Perlu bantuan apa?" not in consent
    lead = _finish_lead(stack, chat, ("/affirm", "La Ode Rahman", "0812 3456 7001", "lewati", "kendari"), "sore")
    assert lead.purpose == "employer_not_registering"


def test_the_purpose_asked_a_question_answered_then_typed(stack):
    chat = Chat(stack)
    assert "Perlu bantuan apa?" in chat.text("hubungi saya")
    faq = chat.text("jkm itu apa?")
    assert "JKM" in faq and "Perlu bantuan apa?" in faq               # answered, then asked again
    assert "ahli waris" in chat.text("mau urus klaim jkm bapak sy yg sudah meninggal")  # the consent names it
    for answer_ in ("/affirm", "Wa Ode Hasna", "0812 3456 7002", "lewati", "lewati"):
        chat.text(answer_)
    chat.text("pagi")
    [lead] = _store(stack).leads_for_sender(chat.sender)
    assert lead.purpose == "heir_claim"


def test_cancel_and_a_question_in_the_middle(stack):
    chat = Chat(stack)
    chat.text("cek kelayakan")
    chat.text("petani")
    faq = chat.text("jht itu apa?")
    assert "JHT" in faq and "umur" in faq                            # answered, then the question again
    assert "dibatalkan" in chat.text("batal")


def test_a_worry_about_the_data_is_answered_inside_and_outside_the_lead_form(stack):
    chat = Chat(stack)
    outside = chat.text("nomor hp? buat apa?")
    assert "tidak disebarkan" in outside and "hapus data saya" in outside
    assert "Perlu bantuan apa?" in chat.text("hubungi saya")
    chat.text("Daftar jadi peserta")
    chat.text("/affirm")
    chat.text("La Ode Amir")
    inside = chat.text("nomor hp sy buat apa? jgn disebar ya")     # at the phone question: answered, asked again
    assert "tidak disebarkan" in inside and "Nomor HP" in inside.split("tidak disebarkan")[-1]
    lead = _finish_lead(stack, chat, ("0812 3456 7003", "lewati", "kendari"), "sore")
    assert lead.name == "La Ode Amir"


def test_a_name_told_outside_the_lead_form_is_not_kept_and_the_lead_is_offered(stack):
    chat = Chat(stack)
    answer = chat.say("nama sa Amir, umur 47")
    text = "\n".join(m.get("text") or "" for m in answer)
    assert "belum ada yang saya simpan" in text and "umur 47" in text
    assert "/request_contact" in _payloads(answer)
    assert _store(stack).leads_for_sender(chat.sender) == []
    assert "Amir" not in json.dumps(_tracker(stack, chat.sender).get("slots"))


def test_a_message_with_two_questions_gets_both_answers(stack):
    chat = Chat(stack)
    text = chat.text("iuran bpu sebulan brp? trus sekalian bpjs kesehatan kelas 3 brp juga?")
    assert "Rp16.800" in text and "BPJS Kesehatan" in text               # ours, then the other office's


def test_sponsor_offer(stack):
    chat = Chat(stack, metadata={"channel": "rest"})
    chat.text("saya mau membayari iuran pekerja")
    for answer in ("perusahaan", "PT Nikel Sejahtera", "20 orang", "seluruh sultra", "/affirm", "Andi Rahman"):
        chat.text(answer)
    assert "Tawaran Anda sudah kami catat" in chat.text("081355512345")
    [lead] = _store(stack).leads_for_sender(chat.sender)
    assert (lead.type, lead.donor_kind, lead.sponsor_workers, lead.channel) == ("sponsor_offer", "csr", 20, "rest")


def test_sources_of_the_previous_answer_through_the_real_stack(stack):
    """"sumber?" names the regulations behind the figures the answer just before showed (their fact keys travel
    in the bot events' metadata, kept by Rasa's tracker), and after a result, those of the result."""
    chat = Chat(stack)
    chat.say("iuran bpu brp sebulan?")
    text = chat.text("sumber?")
    assert text.startswith("Sumber angka di jawaban tadi"), text
    assert "PP 44/2015" in text and "iuran JKM BPU" in text
    chat.say("saya nelayan di kendari umur 35 penghasilan 1 juta, berapa iurannya?")
    text = chat.text("dasar hukumnya apa?")
    assert text.startswith("Sumber angka di jawaban tadi") and "PP" in text, text


def test_a_whole_answer_then_lebih_lengkap_through_the_real_stack(stack):
    """Issue 13: answers up to LONG_SCREENS (2 phone screens) go whole — every answer today — because cutting them
    at 1.25 screens hid what the question needed (docs/architecture.md "Answers on a phone screen"; the first-part
    mechanism itself: tests/content/test_answer_parts.py). "lebih lengkap" after a whole answer says it was all, and
    "sumber?" still names that answer's sources. Rasa's REST channel cuts a text without buttons at its blank lines:
    texts are compared joined."""
    from lingkar.texts import get_answers
    answers = get_answers()
    assert answers.render_split("ask_jkp", today()).rest is None
    chat = Chat(stack)
    first = chat.say("/ask_jkp")
    assert answers.render("ask_jkp", today()).text in "\n\n".join(m.get("text") or "" for m in first)
    assert "/ask_more_detail" not in [b.get("payload") for m in first for b in m.get("buttons") or []]
    assert chat.text("selengkapnya dong").startswith(answers.render("ask_more_detail", today()).text)
    assert chat.text("sumber?").startswith("Sumber angka di jawaban tadi")

def test_subscribe_with_consent_then_stop_inside_a_form_and_a_jht_question_with_berhenti(stack):
    chat = Chat(stack)
    store = _store(stack)
    consent = chat.say("langganan")
    assert "paling banyak 4 pesan sebulan" in "\n".join(m.get("text") or "" for m in consent)
    assert _payloads(consent) == ["/affirm", "/deny"]
    assert "sudah berlangganan" in chat.text("/affirm")
    assert store.is_subscribed(chat.sender, "info")
    # "berhenti" in a JHT question is a JHT question: answered, still subscribed
    answer = chat.text("kalau saya berhenti bekerja JHT bisa cair?")
    assert "JHT" in answer and "langganan Anda sudah dihentikan" not in answer
    assert store.is_subscribed(chat.sender, "info")
    # a bare "stop" in the middle of the lead form: the form ends, every subscription ends
    assert "perlu bantuan apa" in chat.text("hubungi saya").lower()   # the purpose first (issue 12)
    assert "setuju" in chat.text("Daftar jadi peserta").lower()
    chat.text("/affirm")
    stopped = chat.text("stop")
    assert "dibatalkan" in stopped and "langganan Anda sudah dihentikan" in stopped
    assert not store.is_subscribed(chat.sender)
    assert [e.kind for e in store.subscription_history(chat.sender)] == ["subscribe", "unsubscribe"]
    assert store.leads_for_sender(chat.sender) == []
    # and "Ya" to nothing afterwards subscribes nobody
    chat.text("/affirm")
    assert not store.is_subscribed(chat.sender)
