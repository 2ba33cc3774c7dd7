"""Fixtures: see tests/staff/fixtures.py."""
from tests.staff.fixtures import *  # noqa: F401,F403
