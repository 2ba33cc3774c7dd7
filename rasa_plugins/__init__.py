"""Everything Rasa itself loads: the custom NLU components (rasa_plugins.nlu, named in config.yml), the tracker and
lock stores (rasa_plugins.stores, named in endpoints.yml), the REST channel that answers a repeated message id
from the conversation (rasa_plugins.channels, named in credentials.yml) and the health check of Rasa and Redis
(``python -m rasa_plugins.health``).

Importing it (Rasa does, to load our components and stores) installs the personal-data log filter.
"""
from lingkar.identity import install_log_filter

install_log_filter()
