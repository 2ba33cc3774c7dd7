"""Settings for the action server and the code it shares with the bot, read from the environment.

Every setting has a default that works on a fresh checkout with nothing else running.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(os.environ.get("LINGKAR_CONTENT_DIR", ROOT / "content"))
VAR_DIR = Path(os.environ.get("LINGKAR_VAR_DIR", ROOT / "var"))

#: SQLAlchemy URL of the lead store. Default: a SQLite file under var/.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'lingkar.db'}"
#: Redis for conversation state, inbox and events; empty means embedded defaults.
REDIS_URL = os.environ.get("REDIS_URL", "")
#: Time zone of the Kendari branch (WITA); "today" for every date-dependent fact is taken here.
TIMEZONE = os.environ.get("LINGKAR_TIMEZONE", "Asia/Makassar")
#: Freeze "today" (YYYY-MM-DD) for demos and tests; empty means the real date.
TODAY_OVERRIDE = os.environ.get("LINGKAR_TODAY", "")
