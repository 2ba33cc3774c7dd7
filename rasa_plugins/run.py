"""Rasa's command line with Lingkar's process set-up first: ``python -m rasa_plugins.run <rasa arguments>``.

    python -m rasa_plugins.run run --model models/lingkar.tar.gz --enable-api ...   # what bot.stack and the image run
    python -m rasa_plugins.run shell --model models/lingkar.tar.gz ...              # `make run` without Telegram

Exactly ``rasa <arguments>``, after :func:`lingkar.process.start_process`: the settings read once, the personal-data
log filter installed in the Rasa process (our NLU components and stores run there), and library deprecation
warnings (TensorFlow, matplotlib, pyparsing, sanic) kept out of the terminal. Started as plain ``rasa``, Rasa runs
without the log filter: always start it through this module.
"""
from __future__ import annotations

import sys
from typing import List

from lingkar.process import quiet_library_warnings, start_process


def main(argv: List[str] | None = None) -> None:
    quiet_library_warnings()  # TensorFlow and friends warn while Rasa imports them
    import sanic  # noqa: F401  first: importing sanic.app turns DeprecationWarnings back on ("once")
    quiet_library_warnings()  # so quiet them again before Rasa imports matplotlib, pyparsing, ...
    import rasa.__main__ as rasa_cli

    configure = rasa_cli.configure_logging_and_warnings

    def configure_then_quiet(*args, **kwargs) -> None:
        configure(*args, **kwargs)  # adds filterwarnings("once", UserWarning) in front of ours, and pyparsing's
        quiet_library_warnings()    # PyparsingDeprecationWarning is a UserWarning too: ours go first again

    rasa_cli.configure_logging_and_warnings = configure_then_quiet
    start_process()
    from rasa_plugins.speedups import install

    install()  # work Rasa repeats on every turn, done once (docs/performance.md)
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_cli.main()

if __name__ == "__main__":
    main()
