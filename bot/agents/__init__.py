"""Agen Perisai tools: applying (/agen), the personal link and QR code (/tautan), results (/statistik)."""
