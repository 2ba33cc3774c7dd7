"""Lingkar's action server (rasa-sdk): the thin adapter between Rasa and the domain core in :mod:`lingkar`.

The action server's entry point, ``python -m bot.action_server``, installs the personal-data log filter
(:func:`lingkar.process.start_process`); importing this package installs nothing.
"""
