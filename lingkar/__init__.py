"""Lingkar's domain core: settings and clock, facts and content templates, parsing, eligibility and calculator,
personal-data checks and masking, and the lead store.

It imports no framework (rasa, rasa_sdk, telegram, aiohttp, sanic; tests/test_architecture.py checks), so the
action server (actions/), Rasa's plugins (rasa_plugins/) and the channels (bot/) all build on it.
"""
