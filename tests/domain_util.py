"""Small helpers for tests that read domain.yml."""
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load_domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def domain_actions() -> List[str]:
    return list(load_domain().get("actions") or [])
