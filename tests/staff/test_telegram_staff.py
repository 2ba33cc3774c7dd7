"""Staff follow-up through the fake Telegram Bot API: lead cards, buttons, notes, /leads, /lead, /sponsor,
/dasbor, /staf — and every one of them refused, with nothing changed, for someone who is not staff."""
from __future__ import annotations

import re

import pytest

from bot.config import StaffSettings
from bot.staff import auth, texts
from bot.staff.notifier import Notifier
from bot.telegram import texts as adapter_texts
from lingkar.identity import mask_nik

from .fixtures import ADMIN, NIK, OUTSIDER, STAFF, STAFF_CHAT, drain_outbox, staff_settings_for


def settings_for(fake_tg, **over) -> StaffSettings:
    return staff_settings_for(fake_tg, **{"dashboard_base_url": "https://dasbor.lingkar.test",
                                          "consumer": "notifier-test", "interval": 0.1, **over})


@pytest.fixture
def staff_settings(fake_tg) -> StaffSettings:
    """The settings of the ``bot`` and ``notifier`` fixtures (tests/staff/fixtures.py)."""
    return settings_for(fake_tg)


def group_cards(fake_tg):
    return [c for c in fake_tg.successful("sendMessage", STAFF_CHAT)]


async def press(fake_tg, uid, chat_id, message_id, data):
    """Press a button (callback data as given, possibly forged) and wait until the bot answered it."""
    msg = fake_tg.messages[(chat_id, message_id)]
    upd = await fake_tg.push(fake_tg.callback(uid, msg, data))
    qid = upd["callback_query"]["id"]
    await fake_tg.wait_for(lambda f: [c for c in f.successful("answerCallbackQuery")
                                      if c.params["callback_query_id"] == qid])
    return next(c for c in fake_tg.successful("answerCallbackQuery") if c.params["callback_query_id"] == qid)


def audit_count(store) -> int:
    return len(store.audit_entries(limit=10_000))


# ------------------------------------------------------------------------------------------ the card
async def test_new_lead_card_masked_escaped_with_agent_and_eligibility(store, staff, make_agent, make_lead,
                                                                       notifier, fake_tg):
    agent = make_agent()
    drain_outbox(store)
    lead = make_lead(name="Sitti <b>&amp; \"Wa Ode\"", nik=NIK, age=36, referral=agent.code.lower())
    assert await notifier.step() is False
    (card,) = group_cards(fake_tg)
    assert card.params["parse_mode"] == "HTML"
    text = card.result["text"]
    assert text.startswith(f"🆕 Lead #{lead.id} · Pendaftaran · Baru")
    assert "🧭 Keperluan: Daftar jadi peserta" in text
    assert 'Sitti <b>&amp; "Wa Ode"' in text            # shown literally: escaped, not interpreted as HTML
    assert not card.result.get("entities") or all(e["type"] == "italic" or e["type"] == "bold"
                                                  for e in card.result["entities"])
    assert NIK not in text and mask_nik(NIK) in text
    assert "Kabupaten Kolaka" in text and "La Ode Agen" in text and agent.code in text
    assert "BPU" in text and "wajib: JKK, JKM" in text and "pilihan: JHT" in text and "Rp16.800/bulan" in text
    data = [b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row]
    assert f"sl:c:{lead.id}" in data and f"sl:s:rg:{lead.id}" in data and f"sl:n:{lead.id}" in data
    assert all(len(d.encode()) <= 64 for d in data)
    # nothing more to post, now or after a restart of the notifier
    assert await notifier.step() is False
    again = Notifier(store, settings_for(fake_tg, consumer="notifier-test-2"))
    await again.start()
    await again.step()
    await again.close()
    assert len(group_cards(fake_tg)) == 1 and store.outbox_pending() == 0


async def test_deleted_lead_is_not_posted(store, staff, make_lead, notifier, fake_tg):
    lead = make_lead()
    store.delete_sender_data(lead.sender_id)
    await notifier.step()
    assert group_cards(fake_tg) == [] and store.outbox_pending() == 0


# ------------------------------------------------------------------------------------------ buttons
async def test_staff_claims_and_sets_status_with_audit_and_card_update(store, make_lead, notifier, bot, fake_tg):
    lead = make_lead()
    await notifier.step()
    (card,) = group_cards(fake_tg)
    mid = card.result["message_id"]

    answer = await press(fake_tg, STAFF, STAFF_CHAT, mid, f"sl:c:{lead.id}")
    assert answer.params.get("text") == texts.CLAIMED.format(id=lead.id)
    assert store.get_lead(lead.id).claimed_by == f"telegram:{STAFF}"

    answer = await press(fake_tg, STAFF, STAFF_CHAT, mid, f"sl:s:ct:{lead.id}")
    assert "Sudah dihubungi" in answer.params["text"]
    got = store.get_lead(lead.id)
    assert got.status == "contacted"
    assert [(h.from_status, h.to_status, h.actor) for h in got.history][-1] == ("new", "contacted",
                                                                                  f"telegram:{STAFF}")
    actions = [(a.actor, a.action) for a in store.audit_entries(target_type="lead", target_id=lead.id)]
    assert (f"telegram:{STAFF}", "lead.status") in actions and (f"telegram:{STAFF}", "lead.claim") in actions
    # the card in the group now shows the new status and who handles it
    await fake_tg.wait_for(lambda f: "Sudah dihubungi" in f.messages[(STAFF_CHAT, mid)]["text"])
    shown = fake_tg.messages[(STAFF_CHAT, mid)]["text"]
    assert "Ditangani: Rina Petugas" in shown and "reply_markup" in fake_tg.messages[(STAFF_CHAT, mid)]

    # someone else cannot silently take over a claimed lead
    answer = await press(fake_tg, ADMIN, STAFF_CHAT, mid, f"sl:c:{lead.id}")
    assert "sudah ditangani Rina Petugas" in answer.params["text"] and answer.params.get("show_alert") is True
    assert store.get_lead(lead.id).claimed_by == f"telegram:{STAFF}"
    # the funnel sees the status change
    assert store.funnel()[0].contacted == 1


async def test_outsider_forged_buttons_and_commands_change_nothing(store, make_lead, make_agent, notifier, bot,
                                                                   fake_tg):
    applicant = make_agent(uid=700777, approve=False)
    lead = make_lead()
    await notifier.step()
    cards_ = group_cards(fake_tg)
    lead_card = next(c for c in cards_ if c.result["text"].startswith("🆕"))
    agent_card = next(c for c in cards_ if c.result["text"].startswith("🛡️"))
    before_audit, before_history = audit_count(store), len(store.get_lead(lead.id).history)

    for data in (f"sl:c:{lead.id}", f"sl:s:rg:{lead.id}", f"sl:s:sp:{lead.id}", f"sl:n:{lead.id}",
                 f"sl:h:{lead.id}"):
        answer = await press(fake_tg, OUTSIDER, STAFF_CHAT, lead_card.result["message_id"], data)
        assert answer.params["text"] == texts.NOT_ALLOWED_BUTTON
    answer = await press(fake_tg, OUTSIDER, STAFF_CHAT, agent_card.result["message_id"], f"sa:ok:{applicant.id}")
    assert answer.params["text"] == texts.NOT_ALLOWED_BUTTON
    # forged data on the outsider's own chat too (a private chat with the bot)
    await fake_tg.push(fake_tg.text(OUTSIDER, "halo"))
    await fake_tg.wait_texts(OUTSIDER, 1)
    own = fake_tg.successful("sendMessage", OUTSIDER)[-1].result["message_id"]
    answer = await press(fake_tg, OUTSIDER, OUTSIDER, own, f"sl:s:rg:{lead.id}")
    assert answer.params["text"] == texts.NOT_ALLOWED_BUTTON

    # commands: in private the neutral unknown-command answer, in the group silence
    for cmd in ("/leads", f"/lead {lead.id}", "/sponsor", "/dasbor", f"/catat {lead.id} coba", "/staf"):
        n = len(fake_tg.texts(OUTSIDER))
        await fake_tg.push(fake_tg.text(OUTSIDER, cmd))
        texts_ = await fake_tg.wait_texts(OUTSIDER, n + 1)
        assert texts_[-1] == adapter_texts.UNKNOWN_COMMAND
        assert f"#{lead.id}" not in texts_[-1]
    posted = len(group_cards(fake_tg))
    await fake_tg.push(fake_tg.text(OUTSIDER, "/leads", chat_id=STAFF_CHAT))
    await fake_tg.push(fake_tg.text(STAFF, "/idsaya"))  # a later update: once it is answered, the first was handled
    await fake_tg.wait_texts(STAFF, 1)
    assert len(group_cards(fake_tg)) == posted
    # a note by reply from an outsider is ignored
    await fake_tg.push({"message": fake_tg.message(OUTSIDER, STAFF_CHAT, text="catatan palsu",
                                                   reply_to_message=fake_tg.messages[(STAFF_CHAT,
                                                                                      lead_card.result["message_id"])])})
    await fake_tg.push(fake_tg.text(STAFF, "/idsaya"))
    await fake_tg.wait_texts(STAFF, 2)

    after = store.get_lead(lead.id)
    assert after.status == "new" and after.claimed_by is None and len(after.history) == before_history
    assert store.get_agent(applicant.id).status == "applied"
    assert audit_count(store) == before_audit
    assert store.state_items(auth.LOGIN_PREFIX) == {}  # no sign-in link was made

    # a staff member whose access was revoked is an outsider from then on
    store.set_staff_active(STAFF, False, actor=f"telegram:{ADMIN}")
    answer = await press(fake_tg, STAFF, STAFF_CHAT, lead_card.result["message_id"], f"sl:s:rg:{lead.id}")
    assert answer.params["text"] == texts.NOT_ALLOWED_BUTTON
    assert store.get_lead(lead.id).status == "new"


async def test_note_by_reply_and_by_command(store, make_lead, notifier, bot, fake_tg):
    lead = make_lead()
    await notifier.step()
    (card,) = group_cards(fake_tg)
    await press(fake_tg, STAFF, STAFF_CHAT, card.result["message_id"], f"sl:n:{lead.id}")
    prompt = await fake_tg.wait_for(lambda f: [c for c in f.successful("sendMessage", STAFF_CHAT)
                                               if "balas pesan ini" in c.result["text"]])
    assert prompt[0].params["reply_markup"]["force_reply"] is True
    assert prompt[0].params["reply_markup"].get("selective") is True
    prompt_msg = fake_tg.messages[(STAFF_CHAT, prompt[0].result["message_id"])]
    await fake_tg.push({"message": fake_tg.message(STAFF, STAFF_CHAT, text="sudah ditelepon, minta sore <3",
                                                   reply_to_message=prompt_msg)})
    await fake_tg.wait_for(lambda f: any(texts.NOTE_SAVED.format(id=lead.id) in t for t in f.texts(STAFF_CHAT)))
    # replying straight to the card works too, and so does /catat
    await fake_tg.push({"message": fake_tg.message(STAFF, STAFF_CHAT, text="kedua",
                                                   reply_to_message=fake_tg.messages[
                                                       (STAFF_CHAT, card.result["message_id"])])})
    await fake_tg.push(fake_tg.text(ADMIN, f"/catat {lead.id} ketiga dari admin"))
    await fake_tg.wait_texts(ADMIN, 1)
    await fake_tg.wait_for(lambda f: sum(texts.NOTE_SAVED.format(id=lead.id) in t for t in f.texts(STAFF_CHAT)) == 2)
    notes = [(h.actor, h.note) for h in store.get_lead(lead.id).history if h.note]
    assert notes[0] == (f"telegram:{STAFF}", "sudah ditelepon, minta sore <3")
    assert sorted(notes[1:]) == [(f"telegram:{ADMIN}", "ketiga dari admin"), (f"telegram:{STAFF}", "kedua")]
    assert store.get_lead(lead.id).status == "new"  # a note is not a status change
    audit = store.audit_entries(target_type="lead", target_id=lead.id)
    assert all("sore" not in str(a.details) for a in audit)  # the audit log keeps no note text


# ------------------------------------------------------------------------------------------ commands
async def test_leads_filters_and_lead_detail(store, make_agent, make_lead, bot, fake_tg, clock):
    agent = make_agent()
    old = make_lead(regency="Kabupaten Konawe Selatan")
    clock.advance(hours=60)
    kolaka = make_lead(regency="Kabupaten Kolaka", referral=agent.code)
    done = make_lead(regency="Kabupaten Kolaka")
    store.set_lead_status(done.id, "registered", actor=f"telegram:{STAFF}", note="sudah di JMO")
    offer = make_lead(type="sponsor_offer", name="PT Tambang Sejahtera", sponsor_organisation="PT Tambang Sejahtera",
                      sponsor_workers=50, sponsor_regency="Kabupaten Kolaka", donor_kind="csr", eligibility=None,
                      regency=None, occupation=None, sector=None, age=None, income=None)

    async def ask(cmd: str) -> str:
        n = len(fake_tg.texts(STAFF))
        await fake_tg.push(fake_tg.text(STAFF, cmd))
        return (await fake_tg.wait_texts(STAFF, n + 1))[-1]

    def ids(text: str) -> set:
        return {int(x) for x in re.findall(r"^#(\d+)", text, re.M)}

    assert ids(await ask("/leads")) == {old.id, kolaka.id, offer.id}           # open only
    assert ids(await ask("/leads kolaka")) == {kolaka.id}                       # regency
    assert ids(await ask("/leads semua kolaka")) == {kolaka.id, done.id}
    assert ids(await ask("/leads terdaftar")) == {done.id}
    assert ids(await ask(f"/leads agen:{agent.code.lower()}")) == {kolaka.id}
    assert ids(await ask("/leads 48j")) == {old.id}
    assert ids(await ask("/leads tawaran")) == {offer.id}
    assert "tidak mengenali" in await ask("/leads jakarta")

    detail = await ask(f"/lead {done.id}")
    assert detail.startswith(f"✅ Lead #{done.id}") and "Riwayat" in detail and "sudah di JMO" in detail
    assert "Rina Petugas" in detail
    assert texts.NOT_FOUND in await ask("/lead 999999")


async def test_the_purpose_on_the_card_lead_and_leads(store, staff, make_lead, bot, notifier, fake_tg):
    drain_outbox(store)
    heir = make_lead(purpose="heir_claim", name="Wa Ode Hasna")
    boss = make_lead(purpose="employer_not_registering", name="La Ode Rahman")
    plain = make_lead(name="Siti")
    await notifier.step()
    cards_ = {c.result["text"].split("\n")[0]: c.result["text"] for c in group_cards(fake_tg)}
    card = next(t for first, t in cards_.items() if f"Lead #{heir.id} " in first)
    assert "🧭 Keperluan: Klaim untuk ahli waris" in card

    async def ask(cmd: str) -> str:
        n = len(fake_tg.texts(STAFF))
        await fake_tg.push(fake_tg.text(STAFF, cmd))
        return (await fake_tg.wait_texts(STAFF, n + 1))[-1]

    def ids(text: str) -> set:
        return {int(x) for x in re.findall(r"^#(\d+)", text, re.M)}

    listed = await ask("/leads")
    assert ids(listed) == {heir.id, boss.id, plain.id}
    line = next(x for x in listed.splitlines() if x.startswith(f"#{boss.id} "))
    assert "Perusahaan tidak mendaftarkan" in line
    assert "Daftar jadi peserta" not in listed  # the usual purpose of an enrolment goes unsaid in the list
    assert ids(await ask("/leads perlu:ahliwaris")) == {heir.id}
    assert ids(await ask("/leads perlu:perusahaan")) == {boss.id}
    assert ids(await ask("/leads ahliwaris")) == {heir.id}
    assert ids(await ask("/leads perlu:daftar")) == {plain.id}
    assert "tidak dikenal" in await ask("/leads perlu:liburan")
    assert "Keperluan: Perusahaan tidak mendaftarkan" in await ask(f"/lead {boss.id}")
    assert "perlu:ahliwaris" in texts.LEADS_USAGE


async def test_sponsor_overview_matches_offers_and_requests(store, make_lead, bot, fake_tg, notifier):
    make_lead(type="sponsor_offer", name="Bu Haji", sponsor_organisation="Yayasan Laut Biru", sponsor_workers=20,
              sponsor_regency="Kota Baubau", donor_kind="family", eligibility=None)
    drain_outbox(store)
    req = make_lead(type="sponsorship_request", name="La Ndika", regency="Kota Baubau")
    await notifier.step()
    card = group_cards(fake_tg)[-1].result["text"]
    assert "Minta sponsor" in card and "1 tawaran sponsor terbuka di Kota Baubau" in card
    await fake_tg.push(fake_tg.text(STAFF, "/sponsor"))
    (text,) = await fake_tg.wait_texts(STAFF, 1)
    assert "Kota Baubau — 1 tawaran (20 pekerja), 1 permintaan" in text
    assert "Yayasan Laut Biru" in text and f"#{req.id} La Ndika" in text


async def test_dasbor_sends_a_one_time_link_in_private_only(store, bot, fake_tg):
    await fake_tg.push(fake_tg.text(STAFF, "/dasbor", chat_id=STAFF_CHAT))
    await fake_tg.wait_for(lambda f: any("chat pribadi" in t for t in f.texts(STAFF_CHAT)))
    assert store.state_items(auth.LOGIN_PREFIX) == {}
    await fake_tg.push(fake_tg.text(STAFF, "/dasbor"))
    (text,) = await fake_tg.wait_texts(STAFF, 1)
    m = re.search(r"https://dasbor\.lingkar\.test/masuk\?t=([A-Za-z0-9_-]+)", text)
    assert m, text
    token = m.group(1)
    assert token not in str(store.state_items(auth.LOGIN_PREFIX))  # only its hash is stored
    sent = fake_tg.successful("sendMessage", STAFF)[-1]
    assert sent.params["link_preview_options"]["is_disabled"] is True  # no preview fetcher uses it up
    assert auth.consume_login_token(store, token) == STAFF
    assert auth.consume_login_token(store, token) is None


async def test_admin_manages_staff(store, bot, fake_tg):
    await fake_tg.push(fake_tg.text(ADMIN, "/staf tambah 900555 Pak Baru Petugas"))
    await fake_tg.wait_texts(ADMIN, 1)
    assert store.role_of(900555) == "staff" and store.staff_by_telegram_id(900555).name == "Pak Baru Petugas"
    await fake_tg.push(fake_tg.text(ADMIN, "/staf nonaktif 900555"))
    await fake_tg.wait_texts(ADMIN, 2)
    assert store.role_of(900555) is None
    # a staff member (not admin) cannot do it
    await fake_tg.push(fake_tg.text(STAFF, "/staf tambah 900556 Penyusup"))
    assert (await fake_tg.wait_texts(STAFF, 1))[-1] == adapter_texts.UNKNOWN_COMMAND
    assert store.staff_by_telegram_id(900556) is None
    actions = [(a.actor, a.action) for a in store.audit_entries(target_type="staff", target_id=900555)]
    assert actions == [(f"telegram:{ADMIN}", "staff.inactive"), (f"telegram:{ADMIN}", "staff.added")]


# ------------------------------------------------------------------------------------------ handoffs, metrics
async def test_handoff_posted_and_marked_done(store, staff, notifier, bot, fake_tg):
    h = store.record_handoff("telegram:4242", "telegram", topic="mau tanya klaim <JHT>")
    await notifier.step()
    card = group_cards(fake_tg)[-1]
    assert card.result["text"].startswith(f"🙋 Permintaan #{h.id}") and "klaim <JHT>" in card.result["text"]
    await press(fake_tg, STAFF, STAFF_CHAT, card.result["message_id"], f"sh:done:{h.id}")
    assert store.get_handoff(h.id).status == "done" and store.get_handoff(h.id).handled_by == f"telegram:{STAFF}"


async def test_chat_started_recorded_once_with_the_agents_code(store, make_agent, bot, fake_tg, fake_rasa):
    agent = make_agent()
    await fake_tg.push(fake_tg.text(4711, f"/start ag_{agent.code}"))
    await fake_tg.wait_texts(4711, 1)
    await fake_tg.push(fake_tg.text(4711, "halo lagi"))
    await fake_tg.wait_texts(4711, 2)
    await fake_tg.push(fake_tg.text(4712, "halo"))
    await fake_tg.wait_texts(4712, 1)
    assert store.event_counts("chat_started") == {"chat_started": 2}
    assert store.agent_stats(agent.code)["total"].chats == 1
    assert store.funnel()[0].chats == 2
    # the adapter now knows the agent's code (sent to Rasa as a known referral)
    meta = [c["metadata"] for c in fake_rasa.calls if c["sender"] == "telegram:4711"]
    assert meta and all(m["referral"] == agent.code and m["referral_known"] is True for m in meta)


async def test_a_message_after_a_broadcast_counts_as_its_reply_once(store, bot, fake_tg, fake_rasa):
    await fake_tg.push(fake_tg.text(4713, "halo"))                        # first contact: no broadcast yet
    await fake_tg.wait_texts(4713, 1)
    store.subscribe("telegram:4713", "telegram", "info", consent_version="pdp-2026-11", regency="Kota Kendari")
    bc, _ = store.create_broadcast(text="Halo", topic="info", created_by="staff:ana",
                                   recipients=[("telegram", "4713", {})])
    (row,) = store.claim_recipients(bc.id, "telegram", "w1")
    assert store.mark_recipient_sent(row.id, "w1", "m-1")
    for n, text in enumerate(("iuran berapa?", "oke makasih"), start=2):
        await fake_tg.push(fake_tg.text(4713, text))
        await fake_tg.wait_texts(4713, n)
    assert store.event_counts("broadcast_replied") == {"broadcast_replied": 1}
    (total,) = store.outreach_funnel("broadcast", "regency")
    assert (total.group, total.sent, total.replied) == ("Kota Kendari", 1, 1)
