"""Staff follow-up: lead notifications and lifecycle in Telegram, reminders, roles (docs/staff-guide.md).

``plugin`` (commands and buttons inside the Telegram adapter), ``notifier`` (outbox -> staff group, agent
kits, the daily reminder; ``python -m bot.staff notifier``), ``cards`` (the messages), ``auth`` (one-time
sign-in links, dashboard sessions, CSRF tokens). May import ``bot.core``, ``bot.telegram``, ``bot.config``,
``bot.plugins`` and ``bot.agents``; never ``bot.dashboard`` (the dashboard imports staff, not the other way round).
"""
