"""Run the command line as a user does: a separate process through `python -m sharetui`, with
the database given the documented ways, and look at exit status, stdout, stderr and files.

One demo database (made by `sharetui demo`) is shared by the tests that only read it or add
audit events; tests that change data make their own database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery staple"  # the accounts of tests/conftest.py
DEMO_SEED = 5
DEMO_PASSPHRASES = {
    "priya": "apple orchard lantern",
    "sam": "copper kettle harbour",
    "dee": "maple ferry willow",
    "alex": "granite meadow signal",
}


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def error_line(self) -> str:
        """The one-line error a failed command prints, checked for shape."""
        assert self.code == 1, (self.code, self.out, self.err)
        assert "Traceback" not in self.err, self.err
        lines = [ln for ln in self.err.splitlines() if ln.strip()]
        assert len(lines) == 1, self.err
        assert lines[0].startswith("sharetui: error: "), lines[0]
        return lines[0].removeprefix("sharetui: error: ")


Cli = Callable[..., Ran]


def run_cli(
    *args: str,
    database: str | None = None,
    stdin: str | None = None,
    data_home: Path | None = None,
    env: dict[str, str] | None = None,
) -> Ran:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SHARETUI_")}
    environ["SHARETUI_TERMINAL_ID"] = "cli-test"
    if data_home is not None:
        environ["XDG_DATA_HOME"] = str(data_home)
    if database is not None:
        environ["SHARETUI_DATABASE_URL"] = database
    environ.update(env or {})
    stdin = _with_code(args, database, stdin)
    done = subprocess.run(
        [sys.executable, "-m", "sharetui", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=environ,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def _with_code(args: tuple[str, ...], database: str | None, stdin: str | None) -> str | None:
    """A person signing in with --user and --passphrase-stdin gives the code from their
    authenticator on the second line: added here for accounts with a second factor, computed
    from the database's stored secret, so each test states only the passphrase."""
    if stdin is None or "--passphrase-stdin" not in args or "--user" not in args:
        return stdin
    if len(stdin.splitlines()) != 1:
        return stdin
    user = args[args.index("--user") + 1]
    url = args[args.index("--database") + 1] if "--database" in args else database
    if not url:
        return stdin
    from sqlalchemy.engine import make_url

    from sharetui.store.engine import normalise_url
    from tests.conftest import totp_code

    try:
        url = normalise_url(url)
        parsed = make_url(url)
        file = Path(parsed.database or "")
        if parsed.get_backend_name() == "sqlite" and (
            not file.is_file() or file.stat().st_size == 0
        ):
            return stdin  # never make (or touch) a database by looking
        code = totp_code(url, user)
    except Exception:  # noqa: BLE001 - no such account or database: the command says so
        return stdin
    return stdin + code + "\n" if code else stdin


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """run_cli with a private user data folder, so defaults never touch the real one."""

    def run(*args: str, **kwargs: object) -> Ran:
        kwargs.setdefault("data_home", tmp_path / "data")
        return run_cli(*args, **kwargs)  # type: ignore[arg-type]

    return run


@dataclass(frozen=True)
class Demo:
    path: Path
    url: str
    made: Ran


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The full demo, made once by the real command."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    made = run_cli(
        "demo",
        "--no-open",
        "--seed",
        str(DEMO_SEED),
        "--database",
        str(path),
        data_home=folder / "data",
    )
    assert made.code == 0, made.err
    return Demo(path, f"sqlite:///{path}", made)
