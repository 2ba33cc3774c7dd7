"""What a worker is told about their own lead: the status in plain words, who handles it, and the one notice
when staff change it (texts in content/answers.yml, flows ``my_status_*`` and ``notice_*``).

Used by actions/leads.py ("status pendaftaran saya") and bot/core/notices.py (the notice on the worker's channel).
Input is a lead as ``Store.lead_status_view`` / ``Store.status_for_sender`` give it; the phone is shown masked.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict

from lingkar import clock
from lingkar.identity import mask_phone
from lingkar.texts import get_flow_texts


def status_words(status: str) -> str:
    """The status in plain words ("sudah dihubungi petugas")."""
    return get_flow_texts().label("lead_status_plain", status)


def staff_word(handler: str | None) -> str:
    """Who handles a lead, as the worker is told: the staff member's first name, else "petugas"."""
    return handler or get_flow_texts().labels["words"]["staff"]


def notice_text(lead: Dict[str, Any], status: str, on: dt.date | None = None) -> str:
    """The one message that tells the worker their lead ``lead`` is now ``status`` (one of NOTICE_STATUSES)."""
    texts = get_flow_texts()
    staff = texts.labels["words"]["staff"]
    who = f"{staff} {lead['handler']}" if lead.get("handler") else staff
    return texts.text(f"notice_{status}", on or clock.today(), reference=lead.get("reference") or "-", staff=who,
                      phone=mask_phone(lead.get("phone")))
