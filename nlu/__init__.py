"""NLU training data (YAML files) and Lingkar's custom Rasa NLU components (nlu.components).

Importing it (Rasa does, to load our components) installs the personal-data log filter.
"""
from actions.identity import install_log_filter

install_log_filter()
