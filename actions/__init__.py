"""Lingkar's action server (rasa-sdk) and the domain logic it shares with the bot.

Importing this package installs the personal-data log filter, so no process that loads our code
(action server, Rasa with our NLU components, the Telegram adapter, the dashboard) logs a phone
number or NIK unmasked.
"""
from actions.identity import install_log_filter

install_log_filter()
