"""The staff dashboard (aiohttp, server-rendered, Indonesian): ``python -m bot.dashboard``; see docs/staff-guide.md.

``app`` (the factory) -> ``routes`` -> ``views``/``signin`` (handlers) -> ``render``, ``keys``; ``middlewares``.
May import ``bot.staff``, ``bot.agents`` and ``bot.config``; nothing in ``bot`` imports the dashboard.
"""
