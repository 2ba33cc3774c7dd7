"""Lingkar's Telegram adapter (python-telegram-bot 22 + Rasa's REST channel), a channel on the delivery core.

    python -m bot.telegram --help

Built on :mod:`bot.core` (inbox, dispatcher and :class:`~bot.core.dispatcher.Turn`, pacing, Rasa client, reply
planning, referral, HTTP host). Layout: ``config`` (settings from the environment), ``intake`` (polling / webhook
into the core's inbox), ``handlers`` (commands, text, buttons, contact, non-text), ``render`` (the core's planned
messages -> Telegram calls, signed buttons), ``sender`` (runs those calls), ``ratelimit`` (per-chat pacing on PTB's
limiter), ``registry`` (plugins: how other features add handlers, through the narrow ``PluginHost`` protocol),
``app`` (the :class:`~bot.telegram.app.Adapter`), ``channel`` (its entry for ``python -m bot.channels``).
``inbox``, ``dispatcher`` and ``rasa`` are aliases of the core's modules. Imports only :mod:`bot.core` and
:mod:`bot.cli` of the other ``bot`` packages. See docs/telegram.md.
"""
