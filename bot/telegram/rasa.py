"""Moved to :mod:`bot.core.rasa` (the channel-neutral delivery core); kept as an alias for old imports."""
from bot.core.rasa import RasaClient, RasaStats, RasaUnavailable  # noqa: F401
