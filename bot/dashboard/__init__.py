"""The staff dashboard (aiohttp, server-rendered, Indonesian): ``python -m bot.dashboard``; see docs/staff-guide.md."""
