"""Starting the app safely on a shared terminal.

Textual reads TEXTUAL_* environment variables when it is first imported. Some of them load
code or write files, which a kiosk must never allow: TEXTUAL_DRIVER imports any module by
name, TEXTUAL_LOG and TEXTUAL_SCREENSHOT* write files (screens full of personal data),
TEXTUAL (features "devtools", "debug") sends every screen to a devtools server, TEXTUAL_PRESS
types keys on the user's behalf, TEXTUAL_SHOW_RETURN prints on exit, TEXTUAL_ALLOW_SIGNALS lets
ctrl+c kill the app. So the launcher keeps only an allow-list of display preferences, and drops
every other TEXTUAL* variable, including ones a later Textual adds.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

# Display preferences only: none loads code, writes a file or changes what keys do.
ALLOWED_TEXTUAL_VARIABLES = frozenset(
    {
        "TEXTUAL_ANIMATIONS",  # none / basic / full: some people need motion off
        "TEXTUAL_COLOR_SYSTEM",  # colour depth of the terminal
        "TEXTUAL_DIM_FACTOR",
        "TEXTUAL_DISABLE_KITTY_KEY",  # terminals with a broken keyboard protocol
        "TEXTUAL_FILTERS",  # only "dim" is understood
        "TEXTUAL_FPS",  # a slow remote terminal may want fewer frames
        "TEXTUAL_SMOOTH_SCROLL",
    }
)


def sanitise_environment(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Remove every TEXTUAL* variable outside the allow-list; returns the names removed.
    Call before anything imports textual (its settings are read at import)."""
    env = os.environ if environ is None else environ
    dropped = sorted(
        name
        for name in env
        if (name == "TEXTUAL" or name.startswith("TEXTUAL_"))
        and name not in ALLOWED_TEXTUAL_VARIABLES
    )
    for name in dropped:
        del env[name]
    return dropped
