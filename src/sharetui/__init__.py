"""sharetui: information-sharing decisions, consent history and safeguarding advice."""

__version__ = "0.1.0"
