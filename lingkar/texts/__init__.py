"""Every text the bot writes from content/answers.yml: one engine (:mod:`.engine`: texts of paragraphs and
buttons with ``when:`` conditions, :mod:`.templates`: ``{fact.key}`` placeholders and the "where to check" notes,
:mod:`.conditions`) for the answers (:mod:`.answers`) and the flow texts (:mod:`.flows`), and one loader.

Usage::

    from lingkar.texts import get_answers, get_flow_texts
    get_answers().render("ask_discount", on)                 # an FAQ answer, a snippet, the menu
    get_flow_texts().render("lead_saved", on, name="Siti")   # a text of the eligibility, lead or privacy flows

:func:`load_texts` reads the file once and checks everything against content/facts.yml (and the domain's
intents, when given), so a broken template fails at start-up and in the tests, not in a chat.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from lingkar import config
from lingkar.facts import FactError, Facts, get_facts
from lingkar.texts.answers import MAX_LABEL, REQUIRED_SNIPPETS, Answer, Answers, Split, parse_answers
from lingkar.texts.conditions import AnswerError, AnyOf, Condition, parse_conditions
from lingkar.texts.engine import (
    MAX_BUTTON_TITLE,
    VARIABLE,
    Button,
    Paragraph,
    Rendered,
    Text,
    render_text,
)
from lingkar.texts.flows import FlowText, FlowTexts, payload_intent
from lingkar.texts.templates import MARK, PLACEHOLDER, Template, note_labels, render_notes


@dataclass(frozen=True)
class Texts:
    """The texts of one answers file: the answers (with snippets, menu and notes) and the flow texts."""
    answers: Answers
    flows: FlowTexts


def load_texts(path: Path | None = None, facts: Facts | None = None,
               known_intents: Sequence[str] | None = None) -> Texts:
    """Read and check content/answers.yml (or ``path``) against ``facts`` (default: the project's)."""
    path = Path(path or config.CONTENT_DIR / "answers.yml")
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    facts = facts or get_facts()
    try:
        answers = parse_answers(data, facts, known_intents, path)
        return Texts(answers, FlowTexts(data, facts, answers, known_intents))
    except FactError as e:
        raise AnswerError(f"{path}: {e}") from e


@functools.lru_cache(maxsize=1)
def get_texts() -> Texts:
    """The project's texts, loaded and checked once per process."""
    return load_texts()


def get_answers() -> Answers:
    """The project's answers (:func:`get_texts`)."""
    return get_texts().answers


def get_flow_texts() -> FlowTexts:
    """The project's flow texts (:func:`get_texts`)."""
    return get_texts().flows


__all__ = [
    "Answer", "Answers", "AnswerError", "AnyOf", "Button", "Condition", "FlowText", "FlowTexts", "MARK",
    "MAX_BUTTON_TITLE", "MAX_LABEL", "PLACEHOLDER", "Paragraph", "REQUIRED_SNIPPETS", "Rendered", "Split", "Template",
    "Text", "Texts", "VARIABLE", "get_answers", "get_flow_texts", "get_texts", "load_texts", "note_labels",
    "parse_answers", "parse_conditions", "payload_intent", "render_notes", "render_text",
]
