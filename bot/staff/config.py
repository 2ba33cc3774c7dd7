"""Former home of the staff settings, now :mod:`bot.config`; kept only for ``docker/notifier_health.py`` (outside
``bot/``), which should import ``bot.config`` instead, after which this module goes."""
from ..config import StaffSettings

__all__ = ["StaffSettings"]
