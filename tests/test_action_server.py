"""The action server imports every module under actions/ at start (rasa-sdk's register_package).

A module that cannot be imported that way (e.g. an Alembic env.py inside a package) stops the whole
action server, so load the package exactly as `rasa run actions --actions actions` does.
"""
from rasa_sdk.executor import ActionExecutor

from tests.domain_util import domain_actions


def test_every_custom_action_in_the_domain_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    custom = {a for a in domain_actions() if a.startswith(("action_", "validate_"))}
    missing = custom - registered
    assert custom, "the domain lists no custom actions"
    assert not missing, f"actions in domain.yml that the action server does not provide: {sorted(missing)}"
