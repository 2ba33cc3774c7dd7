"""Delivery adapters (Telegram), staff and agent features, and the process launcher.

Every process entry point here (``bot.stack``, ``bot.telegram``, ``bot.staff``, ``bot.dashboard``,
``bot.action_server``) starts with :func:`lingkar.process.start_process` (settings read once, personal-data log
filter, library warnings quieted); importing the package installs nothing.
"""
