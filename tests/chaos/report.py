"""summary.md of a chaos run, from the figures of summary.json (see docs/chaos.md for how to read it)."""
from __future__ import annotations

from typing import Any, Dict, List

COLUMNS = ("messages", "answered", "late", "apologies", "diverged", "lost", "lost_in_redis_wipe", "duplicated",
           "resent_after_adapter_kill", "missing_parts", "unexpected", "rasa_repeats", "rasa_repeat_wrong_answers")


def _table(per: Dict[str, Dict[str, int]]) -> List[str]:
    lines = ["| fault | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for fault, row in per.items():
        lines.append(f"| {fault} | " + " | ".join(str(row.get(c, 0)) for c in COLUMNS) + " |")
    return lines


def render(r: Dict[str, Any]) -> str:
    verdict = "PASS" if r.get("ok") else "FAIL"
    out = [f"# Chaos run ({r['profile']}): {verdict}", "",
           f"Seed {r['seed']}, {r['workers']} workers, {r.get('duration_s', '?')} s. "
           "Definitions and how to read this: docs/chaos.md.", ""]
    if r.get("error"):
        out += [f"**The run broke off:** `{r['error']}`", ""]
    for f in r.get("failures", []):
        out.append(f"- **{f}**")
    if r.get("failures"):
        out.append("")
    m = r.get("messages", {})
    if m:
        out += ["## Messages", "",
                f"{m.get('messages', 0)} worker messages: {m.get('answered', 0)} answered "
                f"({m.get('late', 0)} late), {m.get('apologies', 0)} apologies (answered after a resend), "
                f"{m.get('diverged', 0)} diverged, **{m.get('lost', 0)} lost**, "
                f"{m.get('lost_in_redis_wipe', 0)} lost with the emptied Redis, **{m.get('duplicated', 0)} "
                f"duplicated** ({m.get('resent_after_adapter_kill', 0)} more sent again because the adapter was "
                f"killed between sending and recording); Rasa processed {m.get('rasa_repeats', 0)} message(s) twice "
                f"({m.get('rasa_repeat_wrong_answers', 0)} of them visibly: a wrong or doubled answer).", ""]
        out += _table(r.get("per_fault", {})) + [""]
    if r.get("leads"):
        le, n = r["leads"], r.get("staff_notifications", {})
        reposted = (n.get("lead_cards_reposted_after_notifier_kill", 0)
                    + n.get("handoff_cards_reposted_after_notifier_kill", 0))
        out += ["## Leads, handoffs, staff notifications", "",
                f"- leads confirmed to workers: {le.get('confirmed', 0)}; stored: {le.get('stored', 0)}; lost "
                f"{le.get('lost', 0)}, duplicated {le.get('duplicated', 0)}",
                f"- handoffs confirmed: {le.get('handoff_requests_confirmed', 0)}; stored: "
                f"{le.get('handoffs_stored', 0)}; lost {le.get('handoffs_lost', 0)}, duplicated "
                f"{le.get('handoffs_duplicated', 0)}, duplicated because Rasa got the request twice "
                f"{le.get('handoffs_duplicated_by_rasa_repeat', 0)}",
                f"- staff cards: leads {n.get('lead_cards', 0)} (missing {n.get('lead_cards_missing', 0)}, duplicated "
                f"{n.get('lead_cards_duplicated', 0)}), handoffs {n.get('handoff_cards', 0)} (missing "
                f"{n.get('handoff_cards_missing', 0)}, duplicated {n.get('handoff_cards_duplicated', 0)}); "
                f"posted again because the notifier was killed between posting and acking: {reposted}; outbox "
                f"undelivered at the end: {r.get('outbox_undelivered_at_end', '?')}",
                f"- journeys: {r['journeys']['total']} ({r['journeys']['finished']} finished, "
                f"{r['journeys'].get('finished_after_faults', 0)} of them begun after the last recovery; "
                f"{r['journeys']['diverged']} ended on a diverged answer)",
                f"- logs with an unmasked phone or NIK: {len(r.get('unmasked_personal_data_in_logs', {}))}", ""]
    if r.get("kills"):
        out += ["## Kills (SIGKILL)", "", "| # | fault | killed at (s) | down (s) | restart (s) |",
                "|---|---|---|---|---|"]
        for i, k in enumerate(r["kills"], 1):
            out.append(f"| {i} | {k['fault']} | {k['killed_at_s']} | {k['down_s']} | {k['restart_s']} |")
        out.append("")
    if r.get("divergences"):
        out += ["## Divergences (the journey ended there)", "", "| user | step | sent | fault | last texts received |",
                "|---|---|---|---|---|"]
        for d in r["divergences"][:30]:
            got = " / ".join(t.replace("|", "\\|").replace("\n", " ") for t in d.get("got", []))
            out.append(f"| {d['user']} | {d['step']} | {d['sent']} | {d['fault']} | {got} |")
        out.append("")
    if r.get("problems"):
        out += ["## Problems, one by one", ""] + [f"- {p}" for p in r["problems"][:60]] + [""]
    return "\n".join(out) + "\n"
