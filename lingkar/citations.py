"""Where a figure comes from, in plain words: the regulations and official sources behind the facts an answer used.

Every fact in ``content/facts.yml`` carries a ``source`` (the regulation and/or where facts.md found it) and its
dates in force. When a worker asks "sumber?" after an answer, :func:`source_lines` turns the facts that answer showed
into short lines, one per source, such as::

    • PP 82/2019 (berlaku sejak 2 Desember 2019): lama santunan upah penuh (JKK) (12 bulan); ...

Only regulations (PP, Permenaker, UU, Perpres, ...) and official BPJS Ketenagakerjaan sources are named; news sites and
our own notes ("facts.md §3.2") are summarised as "pemberitaan" so a worker is not sent to a blog. A value that is not
confirmed, or due for review, says so (the answer text already says where to check).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Dict, Iterable, List, Sequence, Tuple

from lingkar.facts import Facts, format_date

#: A regulation as the sources write it: "PP 44/2015", "Permenaker 5/2021", "UU 27/2022", "Perpres 82/2018".
REGULATION = re.compile(r"\b(PP|Permenaker|Perpres|Inpres|Keppres|UU|Perda|Perwali|Perbup|Kepmenaker)\s+"
                        r"(?:No\.?\s*)?\d+(?:/|\s+Tahun\s+)\d{4}\b", re.I)
#: Official sources (BPJS Ketenagakerjaan itself).
OFFICIAL = re.compile(r"bpjsketenagakerjaan\.go\.id|official article|BPJS ?TK\b|BPJAMSOSTEK|JMO\b", re.I)
#: How many facts one answer lists at most (a phone screen).
MAX_LINES = 6


def _regulations(source: str) -> List[str]:
    seen: List[str] = []
    for m in REGULATION.finditer(source):
        name = re.sub(r"\s+", " ", m.group(0)).strip()
        name = name[0].upper() + name[1:]
        if name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return seen


def plain_source(source: str) -> str:
    """The regulations named in ``source`` ("PP 44/2015, Permenaker 5/2021"); else "situs/informasi resmi BPJS
    Ketenagakerjaan" when it is official; else "pemberitaan media" (news, which the facts file marks as such)."""
    regs = _regulations(source)
    if regs:
        return ", ".join(regs)
    if OFFICIAL.search(source):
        return "informasi resmi BPJS Ketenagakerjaan"
    return "pemberitaan media (belum dari peraturan)"


def source_lines(facts: Facts, keys: Iterable[str], on: dt.date) -> List[str]:
    """The sources of the facts in ``keys`` that are in force on ``on``, one line per source and start date, in
    the order the facts come (duplicates dropped), e.g. ``• PP 44/2015 (berlaku sejak 1 Juli 2015): iuran JKM BPU
    (Rp6.800), ...``. At most :data:`MAX_LINES` lines."""
    groups: Dict[Tuple[str, dt.date | None], List[str]] = {}
    seen = set()
    for key in keys:
        if key in seen or key not in facts:
            continue
        seen.add(key)
        fv = facts.entry(key, on, default=None)
        if fv is None:
            continue
        item = fv.label or key
        if fv.unit != "text":
            item += f" ({fv.text()})"
        if not fv.confirmed:
            item += " — belum dikonfirmasi"
        elif fv.is_stale(on):
            item += " — mungkin sudah diperbarui"
        group = (plain_source(fv.source), fv.valid_from)
        if group not in groups and len(groups) >= MAX_LINES:
            continue
        groups.setdefault(group, []).append(item)
    lines = []
    for (source, since), items in groups.items():
        head = source + (f" (berlaku sejak {format_date(since)})" if since else "")
        lines.append(f"• {head}: {'; '.join(items)}")
    return lines


def facts_of_turn(events: Sequence[dict]) -> List[str]:
    """The fact keys the bot's previous answer showed: the ``facts`` its messages carried (the actions put them in
    each message's metadata), read from a rasa-sdk tracker's events, skipping the current user message. Looks back
    past turns that showed no fact (small talk, "sumber?" itself) up to the last four user messages."""
    keys: List[str] = []
    users = 0
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if keys or users > 4:
                break
            continue
        if kind == "bot" and users >= 1:
            for key in reversed((event.get("metadata") or {}).get("facts") or []):
                if key not in keys:
                    keys.insert(0, key)
    return keys


#: A regulation as a worker writes it, the year optional: "Permenaker 5", "permenaker no 5 thn 2021", "PP 50/2025".
REGULATION_NAMED = re.compile(r"\b(PP|Permenaker|Perpres|Inpres|UU|Kepmenaker)\s*(?:no\.?|nomor|nmr)?\s*(\d{1,3})"
                    r"(?:\s*(?:/|tahun|thn|th\.?)\s*(\d{4}))?\b", re.I)


def _key(kind: str, number: str, year: str | None) -> Tuple[str, int, int | None]:
    return kind.lower(), int(number), int(year) if year else None


def regulation_lines(facts: Facts, text: str, on: dt.date) -> List[str]:
    """What each regulation named in ``text`` governs, from the facts file: the descriptions of ``sources`` and the
    labels of facts whose value is that regulation ("aturan BSU"). A name without its year ("Permenaker 5", which
    facts.md warns is confused) matches every year. One line per regulation, e.g.
    ``• Permenaker 5/2021: tata cara JKK, JKM, JHT, diubah Permenaker 1/2025``; empty when nothing named is known."""
    asked = {_key(*m.groups()) for m in REGULATION_NAMED.finditer(text or "")}
    if not asked:
        return []
    about: Dict[Tuple[str, int, int], List[str]] = {}
    names: Dict[Tuple[str, int, int], str] = {}

    def note(regulation: str, what: str) -> None:
        m = REGULATION.match(regulation.strip())
        if not m:
            return
        parts = re.match(r"(\w+)\s+(?:No\.?\s*)?(\d+)(?:/|\s+Tahun\s+)(\d{4})", m.group(0), re.I)
        key = _key(*parts.groups())
        names.setdefault(key, f"{parts.group(1)} {int(parts.group(2))}/{parts.group(3)}")
        what = what.strip(" ,;")
        if what and what.lower() not in (w.lower() for w in about.setdefault(key, [])):
            about[key].append(what)

    for source in facts.sources.values():
        m = re.match(r"\s*([^()]+?)\s*\((.+)\)\s*(?:,\s*(.*))?$", source)
        if m:
            note(m.group(1), m.group(2) + (f", {m.group(3)}" if m.group(3) else ""))
    for key in facts.keys():
        fv = facts.entry(key, on, default=None)
        if fv is not None and fv.unit == "text" and isinstance(fv.value, str) \
                and REGULATION.fullmatch(fv.value.strip()):
            note(fv.value, fv.label or "")
    lines = []
    for key in sorted(about, key=lambda k: (k[2], k[1])):
        if any(a[0] == key[0] and a[1] == key[1] and a[2] in (None, key[2]) for a in asked):
            lines.append(f"• {names[key]}: {'; '.join(about[key])}")
    return lines
