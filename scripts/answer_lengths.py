"""How long every answer and flow text is on a phone, and how many messages a turn sends (``make answer-lengths``).

Usage::

    .venv/bin/python scripts/answer_lengths.py                    # today (LINGKAR_TODAY when set)
    .venv/bin/python scripts/answer_lengths.py --date 2026-11-24 --out reports/answers

Writes ``lengths.md`` and ``lengths.json`` to ``--out`` (default ``reports/answers/``; only these two files are
written there, nothing else in that folder is read).

What it measures (the phone model and the cutting rule are in lingkar/texts/screen.py: ~40 characters per line and
~15 lines per screen of a 360-px-wide phone, so ~600 characters of running text per screen):

* every answer of content/answers.yml on the date, whole (as it was sent before issue 13) and as it is sent now
  (the first part, and the rest behind "Lebih lengkap"), plus the variants other dates give (``when:`` conditions:
  a discount that has ended, a rule not yet in force), with characters, lines, wrapped lines and screens;
* every flow text (forms, checks, leads), with sample values for its ``<variables>``, and the eligibility result
  for typical workers (the result messages, rendered by lingkar/eligibility.py);
* messages per turn for the topic answers: the real ``action_answer`` (and ``action_more_detail`` for a cut answer)
  run on a tracker as the action tests do, first turn (with "Dari mana Anda tahu Lingkar?") and later turns; the
  messages Rasa gets, and the messages Telegram and WhatsApp send after the delivery core plans them
  (bot/core/plan.py under each channel's limits).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from lingkar import clock, settings  # noqa: E402
from lingkar.texts import get_answers, get_flow_texts  # noqa: E402
from lingkar.texts.screen import (  # noqa: E402
    CHARS_PER_LINE,
    LINES_PER_SCREEN,
    LONG_SCREENS,
    SCREEN_CHARS,
    SHORT_SCREENS,
    measure,
)

#: Dates whose ``when:`` conditions differ from most days (the PP 50/2025 discount windows, after them).
VARIANT_DATES = (dt.date(2026, 2, 1), dt.date(2026, 11, 24), dt.date(2027, 2, 1), dt.date(2027, 4, 1))
#: Typical workers for the eligibility result (occupation as typed, age, monthly income).
TYPICAL_WORKERS = (("nelayan", 35, 1_000_000), ("ojol", 28, 3_000_000), ("karyawan toko", 40, 4_500_000),
                   ("petani", 57, 1_500_000))
#: Sample values for the ``<variables>`` of flow texts (a computed list gets three typical lines).
SAMPLE_LINE = "• JKK: wajib (pekerja mandiri)"
SAMPLES = {"name": "Siti Aminah", "phone": "0812****7890", "reference": "LK-7Q2MX4", "code": "K7M2QX",
           "regency": "Kabupaten Konawe Selatan", "contact_time": "pagi (08.00–12.00)", "age": "35",
           "income": "Rp1.500.000", "amount": "Rp16.800", "total": "Rp36.800", "pay": "Rp16.800",
           "who": "nelayan, umur 35", "agent": "agen Anda", "count": "3", "pct": "50%"}
DEFAULT_SAMPLE = "contoh isian"
#: A worker who came through an agent's link (never asked "Dari mana Anda tahu Lingkar?").
WITH_REFERRAL = {"channel": "telegram", "referral": "K7M2QX", "referral_known": True}


# ------------------------------------------------------------------------------------------------ texts
def _row(name: str, text: str, **extra: Any) -> Dict[str, Any]:
    return {"name": name, **measure(text).as_dict(), **extra}


def answer_rows(on: dt.date) -> List[Dict[str, Any]]:
    """Every answer on ``on``: whole, first part, rest."""
    answers = get_answers()
    rows = []
    for intent in answers.intents():
        whole = answers.render(intent, on)
        split = answers.render_split(intent, on)
        row = _row(intent, whole.text, buttons=len(whole.buttons), topic=answers.clarifiable(intent),
                   cut=split.rest is not None, first=measure(split.short.text).as_dict(),
                   first_buttons=len(split.short.buttons))
        if split.rest is not None:
            row["rest"] = measure(split.rest.text).as_dict()
        rows.append(row)
    return rows


def variant_rows(on: dt.date) -> List[Dict[str, Any]]:
    """Answers whose text differs on another date (``when:`` conditions), measured there."""
    answers = get_answers()
    rows = []
    for intent in answers.intents():
        seen = {answers.render(intent, on).text}
        for day in VARIANT_DATES:
            try:
                text = answers.render(intent, day).text
            except Exception:  # a rule not in force that day: the answer is not given then
                continue
            if text in seen:
                continue
            seen.add(text)
            split = answers.render_split(intent, day)
            rows.append(_row(intent, text, date=day.isoformat(), cut=split.rest is not None,
                             first=measure(split.short.text).as_dict()))
    return rows


def flow_rows(on: dt.date) -> List[Dict[str, Any]]:
    """Every flow text with sample variables, and the eligibility result for typical workers."""
    from lingkar.eligibility import assess_slots, render_result, resolve_occupation
    flows = get_flow_texts()
    rows = []
    for name, text in sorted(flows.texts.items()):
        values = {v: SAMPLES.get(v, "\n".join([SAMPLE_LINE] * 3) if v in ("lines", "details", "summary", "changes")
                                 else DEFAULT_SAMPLE) for v in text.variables}
        try:
            rendered = flows.render(name, on, **values)
        except Exception:  # a text for a rule not in force on the day
            continue
        rows.append(_row(name, rendered.text, buttons=len(rendered.buttons)))
    for occupation, age, income in TYPICAL_WORKERS:
        result = assess_slots({"occupation": resolve_occupation(occupation) or occupation, "age": age,
                               "income": income}, on)
        for i, message in enumerate(render_result(result)):
            rows.append(_row(f"eligibility result: {occupation} {age} (message {i + 1})", message.text,
                             buttons=len(message.buttons)))
    return rows


# ------------------------------------------------------------------------------------------------ turns
def _tracker(intent: str, text: str, events: Iterable[dict] = (), metadata: dict | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "intent_ranking": [{"name": intent, "confidence": 1.0}], "entities": [], "metadata": metadata or {}}
    evs = list(events) + [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}]
    return Tracker.from_dict({"sender_id": "lengths", "slots": {}, "latest_message": latest, "events": evs,
                              "paused": False, "followup_action": None, "active_loop": {},
                              "latest_action_name": "action_listen"})


def _run(action, tracker: Tracker) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def _as_events(intent: str, messages: List[Dict[str, Any]]) -> List[dict]:
    """The turn as Rasa stores it: the user's message, then the bot's (what goes beyond text and buttons is
    the bot event's metadata)."""
    out = [{"event": "user", "text": f"/{intent}", "parse_data": {"intent": {"name": intent}}}]
    for m in messages:
        meta = {k: v for k, v in m.items() if k not in ("text", "buttons", "template", "response", "image",
                                                          "attachment", "elements", "custom")}
        out.append({"event": "bot", "text": m.get("text"), "data": {"buttons": m.get("buttons")}, "metadata": meta})
    return out


def channel_counts(messages: List[Dict[str, Any]]) -> Dict[str, int]:
    """Messages Rasa returns, and what Telegram and WhatsApp send for them."""
    from bot.telegram.render import build_plan as telegram_plan
    from bot.whatsapp.render import build_plan as whatsapp_plan
    rest = [{"text": m.get("text"), "buttons": m.get("buttons") or []} for m in messages]
    return {"rasa": len(rest), "telegram": len(telegram_plan(1, rest).steps),
            "whatsapp": len(whatsapp_plan("6281200000000", rest).bodies)}


def turn_rows() -> List[Dict[str, Any]]:
    """Messages per turn for every topic answer: first turn, later turn, and "lebih lengkap" when it is cut."""
    from actions.answers import ActionAnswer
    from actions.more import ActionMoreDetail
    answers = get_answers()
    rows = []
    for intent in answers.intents():
        if not answers.clarifiable(intent) or intent in ("human_handoff",):
            continue
        first = _run(ActionAnswer(), _tracker(intent, f"/{intent}"))
        later = _run(ActionAnswer(), _tracker(intent, f"/{intent}", metadata=WITH_REFERRAL))
        row = {"name": intent, "first_turn": channel_counts(first), "later_turn": channel_counts(later)}
        whole = answers.render(intent)
        row["before_later_turn"] = channel_counts([{"text": whole.text, "buttons": whole.buttons}])
        if later and (later[0].get("answer") or {}).get("part") == "short":
            more = _run(ActionMoreDetail(), _tracker("ask_more_detail", "lebih lengkap", _as_events(intent, later)))
            row["more_turn"] = channel_counts(more)
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------------------ report
def summary(answers: List[Dict[str, Any]], turns: List[Dict[str, Any]], flows: List[Dict[str, Any]]
            ) -> Dict[str, Any]:
    over = [r for r in answers if r["screens"] > 1.0]
    first_over = [r for r in answers if r["first"]["screens"] > 1.0]

    def most(key: str, channel: str) -> int:
        return max((r[key][channel] for r in turns if key in r), default=0)

    return {
        "answers": len(answers),
        "over_one_screen_before": len(over),
        "over_one_screen_after": len(first_over),
        "over_long_threshold_before": sum(1 for r in answers if r["screens"] > LONG_SCREENS),
        "over_long_threshold_after": sum(1 for r in answers if r["first"]["screens"] > LONG_SCREENS),
        "cut": sum(1 for r in answers if r["cut"]),
        "longest_before": max((r["screens"] for r in answers), default=0),
        "longest_first_part": max((r["first"]["screens"] for r in answers), default=0),
        "eligibility_result_messages": max((int(r["name"].rsplit(" ", 1)[-1].rstrip(")")) for r in flows
                                            if r["name"].startswith("eligibility result")), default=0),
        "max_messages_per_turn": {ch: {"first_turn": most("first_turn", ch), "later_turn": most("later_turn", ch),
                                       "before_later_turn": most("before_later_turn", ch),
                                       "more_turn": most("more_turn", ch)}
                                  for ch in ("rasa", "telegram", "whatsapp")},
    }


def _table(rows: List[Dict[str, Any]], extra: List[str]) -> List[str]:
    head = ["name", "chars", "lines", "wrapped", "screens", *extra]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [f"`{r['name']}`", r["chars"], r["lines"], r["wrapped_lines"], r["screens"]]
        for e in extra:
            cells.append(r.get(e, ""))
        out.append("| " + " | ".join(str(c) for c in cells) + " |")
    return out


def markdown(report: Dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        f"# Answer lengths on a phone ({report['date']})",
        "",
        "Written by `make answer-lengths` (scripts/answer_lengths.py). Phone model (lingkar/texts/screen.py): "
        f"{CHARS_PER_LINE} characters per line and {LINES_PER_SCREEN} lines per screen of a 360-px-wide phone "
        f"(~{SCREEN_CHARS} characters of running text); screens = max(wrapped lines / {LINES_PER_SCREEN}, "
        f"characters / {SCREEN_CHARS}). An answer over {LONG_SCREENS} screens is cut: its first part (with the "
        f"hint line) fits {SHORT_SCREENS} screen, the rest follows \"Lebih lengkap\".",
        "",
        "## Summary",
        "",
        f"* answers: {s['answers']}; cut into a first part and the rest: {s['cut']}",
        f"* first message over one screen: before {s['over_one_screen_before']}, after {s['over_one_screen_after']}",
        f"* first message over {LONG_SCREENS} screens: before {s['over_long_threshold_before']}, after "
        f"{s['over_long_threshold_after']}",
        f"* longest first message: before {s['longest_before']} screens, after {s['longest_first_part']} screens",
        "* most messages in one turn of a topic answer (Rasa / Telegram / WhatsApp):",
    ]
    for ch, m in s["max_messages_per_turn"].items():
        lines.append(f"  * {ch}: first turn {m['first_turn']}, later turn {m['later_turn']} (before "
                     f"{m['before_later_turn']}), \"lebih lengkap\" turn {m['more_turn']}")
    lines.append("* the eligibility result (flows, typical workers): up to "
                 f"{s['eligibility_result_messages']} messages")
    rows = report["answers"]
    for r in rows:
        r["first screens"] = r["first"]["screens"]
        r["rest screens"] = r.get("rest", {}).get("screens", "")
    lines += ["", "## Answers (whole, first part, rest)", "",
              *_table(rows, ["buttons", "cut", "first screens", "rest screens"])]
    lines += ["", "## Answer variants on other dates", "", *_table(report["variants"], ["date", "cut"])]
    lines += ["", "## Flow texts (sample variables) and eligibility results", "",
              *_table(report["flows"], ["buttons"])]
    lines += ["", "## Messages per turn (Rasa / Telegram / WhatsApp)", "",
              "| topic | first turn | later turn | later turn before | \"lebih lengkap\" |", "|---|---|---|---|---|"]

    def fmt(c: Dict[str, int] | None) -> str:
        return f"{c['rasa']} / {c['telegram']} / {c['whatsapp']}" if c else ""

    for t in report["turns"]:
        lines.append(f"| `{t['name']}` | {fmt(t['first_turn'])} | {fmt(t['later_turn'])} | "
                     f"{fmt(t['before_later_turn'])} | {fmt(t.get('more_turn'))} |")
    return "\n".join(lines) + "\n"


def build(on: dt.date) -> Dict[str, Any]:
    answers = answer_rows(on)
    turns = turn_rows()
    flows = flow_rows(on)
    return {"date": on.isoformat(), "phone": {"chars_per_line": CHARS_PER_LINE, "lines_per_screen": LINES_PER_SCREEN,
                                              "screen_chars": SCREEN_CHARS, "long_screens": LONG_SCREENS,
                                              "short_screens": SHORT_SCREENS},
            "summary": summary(answers, turns, flows), "answers": answers, "variants": variant_rows(on),
            "flows": flows, "turns": turns}


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", type=dt.date.fromisoformat, help="the day to render (default: today)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "answers", help="output folder")
    args = parser.parse_args(argv)
    if args.date:  # the actions read "today" from lingkar.clock, i.e. from the process's settings
        settings.configure(settings.Settings.from_env({**os.environ, "LINGKAR_TODAY": args.date.isoformat()}))
    on = args.date or clock.today()
    report = build(on)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "lengths.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "lengths.md").write_text(markdown(report), encoding="utf-8")
    s = report["summary"]
    print(f"{s['answers']} answers: {s['over_one_screen_before']} over one screen before, "
          f"{s['over_one_screen_after']} after; {s['cut']} cut; written to {args.out}/lengths.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
