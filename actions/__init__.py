"""Lingkar's action server (rasa-sdk): the thin adapter between Rasa and the domain core in :mod:`lingkar`.

Importing this package installs the personal-data log filter, so no process that loads our code
(action server, Rasa with our plugins, the Telegram adapter, the dashboard) logs a phone number or NIK unmasked.
"""
from lingkar.identity import install_log_filter

install_log_filter()
