"""The launcher keeps display preferences and drops every other TEXTUAL* variable, so
nothing can load code, write files or press keys on a shared terminal."""

from __future__ import annotations

import os
import subprocess
import sys

from sharetui.launcher import ALLOWED_TEXTUAL_VARIABLES, sanitise_environment

DANGEROUS = {
    "TEXTUAL": "devtools,debug",
    "TEXTUAL_DRIVER": "evil.module:Driver",
    "TEXTUAL_LOG": "/tmp/everything.log",
    "TEXTUAL_DEBUG": "1",
    "TEXTUAL_DEVTOOLS_HOST": "203.0.113.9",
    "TEXTUAL_DEVTOOLS_PORT": "8081",
    "TEXTUAL_SCREENSHOT": "1",
    "TEXTUAL_SCREENSHOT_LOCATION": "/tmp",
    "TEXTUAL_SCREENSHOT_FILENAME": "screen.svg",
    "TEXTUAL_PRESS": "ctrl+q",
    "TEXTUAL_SHOW_RETURN": "1",
    "TEXTUAL_ALLOW_SIGNALS": "1",
    "TEXTUAL_THEME": "nord",
    "TEXTUAL_SOMETHING_NEW": "1",
}


def test_drops_every_textual_variable_outside_the_allow_list() -> None:
    env = dict(DANGEROUS)
    env.update({name: "1" for name in ALLOWED_TEXTUAL_VARIABLES})
    env.update({"TERM": "xterm-256color", "SHARETUI_DATABASE_URL": "sqlite:///x.db"})
    dropped = sanitise_environment(env)
    assert dropped == sorted(DANGEROUS)
    assert set(env) == set(ALLOWED_TEXTUAL_VARIABLES) | {"TERM", "SHARETUI_DATABASE_URL"}


def test_textual_then_sees_none_of_them() -> None:
    probe = (
        "from sharetui.launcher import sanitise_environment; sanitise_environment(); "
        "import textual.constants as c; from textual.features import parse_features; "
        "import os; "
        "print(c.DRIVER, c.LOG_FILE, c.SCREENSHOT_DELAY, repr(c.PRESS), c.DEBUG, "
        "sorted(parse_features(os.getenv('TEXTUAL', ''))))"
    )
    env = {**os.environ, **DANGEROUS}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None", "-1", "''", "False", "[]"]
