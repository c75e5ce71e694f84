"""`python -m sharetui`: the same as the sharetui command."""

from sharetui.cli import entry_point

entry_point()
