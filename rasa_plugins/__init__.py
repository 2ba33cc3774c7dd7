"""Everything Rasa itself loads: the custom NLU components (rasa_plugins.nlu, named in config.yml), the tracker and
lock stores (rasa_plugins.stores, named in endpoints.yml), the REST channel that answers a repeated message id
from the conversation (rasa_plugins.channels, named in credentials.yml), the health check of Rasa and Redis
(``python -m rasa_plugins.health``) and Rasa's entry point (``python -m rasa_plugins.run``, which installs the
personal-data log filter before running Rasa's command line; importing this package installs nothing).
"""
