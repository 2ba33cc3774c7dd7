"""The store's shape (issue 10): one repository module per concern under ~400 lines with a docstring, one async
wrapper, and one way to obtain the store (entry points open it; the action server provides it to the actions)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("lingkar", "actions", "bot", "rasa_plugins")
#: The entry functions that create the process's lead store (see lingkar/store/provider.py).
#: Where a process (or a channel's setup, which ``python -m bot.channels`` calls once) opens the lead store.
ENTRY_POINTS = {"bot/action_server.py", "bot/staff/__main__.py", "bot/dashboard/__main__.py", "bot/staff/plugin.py",
                "bot/agents/plugin.py", "bot/whatsapp/channel.py", "bot/outreach/__main__.py",
                "lingkar/store/__main__.py", "lingkar/store/provider.py",
                # lazy_store(): what the channels' setups (bot/*/channel.py, python -m bot.telegram / bot.whatsapp)
                # use to open the store on first use, for chat_started and the delivery reports
                "bot/core/delivery.py"}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_every_store_module_says_what_it_is_for_and_stays_small():
    for path in sorted((ROOT / "lingkar" / "store").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), path.name
        assert len(text.splitlines()) <= 400, path.name


def test_store_calls_leave_the_event_loop_through_one_wrapper():
    offenders = [rel for rel, text in _sources() if "to_thread" in text and rel != "lingkar/store/aio.py"]
    assert offenders == []


def test_only_entry_points_create_the_lead_store():
    def creates(text: str) -> bool:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("open_store", "provide", "Store"):
                    return True
        return False

    offenders = [rel for rel, text in _sources() if creates(text) and rel not in ENTRY_POINTS]
    assert offenders == []
    assert all("get_store" not in text for _, text in _sources())
