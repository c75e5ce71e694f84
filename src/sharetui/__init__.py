"""sharetui: information-sharing decisions, consent history and safeguarding advice."""

import os

__version__ = "0.1.0"

# Pydantic looks for plugins the first time it builds a model: every installed package's
# "pydantic" entry points, loaded and run inside validation. sharetui uses none, a kiosk
# runs no code it did not ask for (as with TEXTUAL_DRIVER), and the scan of every
# package's metadata cost about 5 ms of each start (the settings are built before the first
# screen). Set here, before anything of sharetui imports pydantic.
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
