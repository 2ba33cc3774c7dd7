"""What every entry point does first: read the settings once, mask personal data in logs, quiet library noise.

Usage (at the top of an entry point's ``main``, after its framework is imported)::

    from lingkar.process import start_process
    settings = start_process()          # Settings.from_env() made current, log filter on, warnings quieted

The entry points that call it: ``python -m bot.stack`` (and so every child it starts), ``bot.telegram``,
``bot.staff``, ``bot.dashboard``, ``bot.action_server`` and ``rasa_plugins.run`` (Rasa's own command line). Importing a
package never installs anything.
"""
from __future__ import annotations

import warnings
from typing import Mapping

from lingkar.identity import install_log_filter
from lingkar.settings import Settings, configure

#: Modules whose warnings are ours to see and fix (every other module's deprecation notices are library noise).
OWN_MODULES = r"(lingkar|actions|bot|rasa_plugins|nlu|scripts|tests)(\.|$)"
#: Warning categories a newcomer cannot act on when a library emits them (TensorFlow, matplotlib, pyparsing, sanic).
NOISE = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def quiet_library_warnings() -> None:
    """Hide deprecation warnings raised in third-party modules; ours still show (once per place).

    Call it again after importing sanic: ``sanic.app`` turns every DeprecationWarning back on at import
    (``filterwarnings("once", category=DeprecationWarning)``), which is why PYTHONWARNINGS alone is not enough.
    """
    for category in NOISE:
        warnings.filterwarnings("ignore", category=category)
    for category in NOISE:
        warnings.filterwarnings("default", category=category, module=OWN_MODULES)


def start_process(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings (``env`` or the environment) once and make them current; install the personal-data log
    filter (:func:`lingkar.identity.install_log_filter`); quiet library deprecation warnings."""
    settings = configure(Settings.from_env(env))
    install_log_filter()
    quiet_library_warnings()
    return settings
