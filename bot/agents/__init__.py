"""Agen Perisai tools: applying (/agen), the personal link and QR code (/tautan), results (/statistik).

May import ``bot.core``, ``bot.telegram``, ``bot.config`` and ``bot.plugins``; never ``bot.staff`` or ``bot.dashboard``
(staff installs the agent plugin beside its own and delivers agent kits, so it imports agents).
"""
