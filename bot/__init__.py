"""Delivery adapters (Telegram), staff and agent features, and the process launcher.

Importing it installs the personal-data log filter for every bot process.
"""
from lingkar.identity import install_log_filter

install_log_filter()
