"""Lingkar's Telegram adapter (python-telegram-bot 22 + Rasa's REST channel).

    python -m bot.telegram --help

Layout: ``config`` (settings from the environment), ``intake`` (polling / webhook into the durable inbox),
``inbox`` (inbox, progress and state in Redis or SQLite), ``dispatcher`` (per-chat ordered processing,
:class:`~bot.telegram.dispatcher.Turn`), ``handlers`` (commands, text, buttons, contact, non-text),
``render`` (Rasa replies -> Telegram messages), ``rasa`` (REST client with retries), ``registry``
(plugins: how other features add handlers, through the narrow ``PluginHost`` protocol), ``app`` (the
:class:`~bot.telegram.app.Adapter`). Imports nothing of the other ``bot`` packages. See docs/telegram.md.
"""
