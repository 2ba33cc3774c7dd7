"""Lingkar's channel-neutral delivery core: what every messenger adapter (Telegram, WhatsApp, ...) builds on.

Layout: ``inbox`` (durable inbox, de-duplication, per-update progress, small per-user state; Redis or SQLite),
``dispatcher`` (per-chat ordered processing, retries, give-up, :class:`~bot.core.dispatcher.Turn` with crash-safe
steps), ``pacing`` (per-recipient and global send pacing, incoming flood guard), ``rasa`` (REST client with
retries), ``plan`` (Rasa reply -> neutral outgoing messages under a channel's limits), ``referral`` (first-contact
attribution to an agent), ``channel`` (what an adapter provides), ``server`` (the one aiohttp host on BOT_PORT).

Imports no messenger SDK and nothing of the other ``bot`` packages. See docs/architecture.md, "Delivery core".
"""
