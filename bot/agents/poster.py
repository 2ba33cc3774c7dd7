"""An agent's printable poster: one A4 page (PDF) with the QR codes of their WhatsApp and Telegram links, their
name and code, and three lines on what Lingkar does.

    pdf = poster_pdf(telegram="https://t.me/lingkar_bot?start=ag_K7M2QX",
                     whatsapp="https://wa.me/6281234567890?text=...", code="K7M2QX", name="La Ode Agen")

Made with fpdf2 and the PDF core font Helvetica (no font file to ship; text outside Latin-1 is replaced), the QR
codes as PNG from :func:`bot.agents.links.qr_png` (error correction M, so a folded print still scans). Without a
WhatsApp link the poster has the Telegram code alone.
"""
from __future__ import annotations

import io
from typing import List, Tuple

from fpdf import FPDF

from . import texts
from .links import qr_png

#: A4 in millimetres, and the margin.
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 18.0


def _latin1(text: str) -> str:
    """What Helvetica can print: typographic quotes and dashes made plain, anything else outside Latin-1 as "?"."""
    plain = (text or "").translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                                                  "…": "...", "·": "-"}))
    return plain.encode("latin-1", "replace").decode("latin-1")


def poster_pdf(*, telegram: str, code: str, whatsapp: str | None = None, name: str | None = None) -> bytes:
    """The poster as PDF bytes (one A4 page)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(_latin1(f"Lingkar - Agen Perisai {code}"))
    pdf.set_creator("Lingkar")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_page()
    width = PAGE_W - 2 * MARGIN

    pdf.set_font("Helvetica", "B", 30)
    pdf.set_xy(MARGIN, 22)
    pdf.cell(width, 14, _latin1(texts.POSTER_TITLE), align="C")
    pdf.set_font("Helvetica", "", 15)
    pdf.set_xy(MARGIN, 38)
    pdf.multi_cell(width, 7, _latin1(texts.POSTER_SUBTITLE), align="C")

    pdf.set_font("Helvetica", "", 14)
    y = 58.0
    for line in texts.POSTER_LINES:
        pdf.set_xy(MARGIN + 4, y)
        pdf.cell(8, 8, _latin1("-"))
        pdf.set_xy(MARGIN + 12, y)
        pdf.multi_cell(width - 12, 7, _latin1(line))
        y = pdf.get_y() + 3

    codes: List[Tuple[str, str, str]] = []
    if whatsapp:
        codes.append((texts.POSTER_WHATSAPP, whatsapp, "WhatsApp"))
    codes.append((texts.POSTER_TELEGRAM, telegram, "Telegram"))
    size = 78.0 if len(codes) == 2 else 110.0
    gap = (width - size * len(codes)) / (len(codes) + 1)
    top = max(y + 8, 110.0)
    for i, (label, link, _app) in enumerate(codes):
        x = MARGIN + gap + i * (size + gap)
        pdf.set_font("Helvetica", "B", 16)
        pdf.set_xy(x - 6, top)
        pdf.cell(size + 12, 9, _latin1(label), align="C")
        pdf.image(io.BytesIO(qr_png(link, box_size=12)), x=x, y=top + 11, w=size, h=size)
    below = top + 11 + size + 8

    pdf.set_font("Helvetica", "", 12)
    pdf.set_xy(MARGIN, below)
    pdf.multi_cell(width, 6, _latin1(texts.POSTER_SCAN), align="C")
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_xy(MARGIN, PAGE_H - 52)
    who = texts.POSTER_AGENT.format(name=name) if name else texts.POSTER_AGENT_NO_NAME
    pdf.cell(width, 9, _latin1(who), align="C")
    pdf.set_font("Helvetica", "", 14)
    pdf.set_xy(MARGIN, PAGE_H - 42)
    pdf.cell(width, 8, _latin1(texts.POSTER_CODE.format(code=code)), align="C")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_xy(MARGIN, PAGE_H - 30)
    pdf.multi_cell(width, 5, _latin1(texts.POSTER_FOOTER), align="C")
    return bytes(pdf.output())
