"""The core runs without the terminal UI: nothing in domain/, store/ or services/ imports
textual. Checked in a fresh interpreter, so nothing imported by other tests can hide it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import sharetui, sharetui.config
    names = []
    for package in ("sharetui.domain", "sharetui.store", "sharetui.services"):
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            importlib.import_module(info.name)
            names.append(info.name)
    assert "sharetui.services.facade" in names, names
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    print(len(names), leaked)
    """
)


def test_core_modules_do_not_import_textual():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    count, leaked = out.stdout.split(" ", 1)
    assert int(count) >= 20
    assert leaked.strip() == "[]"
