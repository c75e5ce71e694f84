"""Run the command line as a user does: its entry point with its own arguments, environment and
standard streams (a separate process where that matters), with the database given the
documented ways, and look at exit status, stdout, stderr and files.

One demo database (made by `sharetui demo`) is shared by the tests that only read it or add
audit events; tests that change data make their own database.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sharetui.store.keys import pragma_key, read_key

PASSPHRASE = "correct horse battery staple"  # the accounts of tests/conftest.py
DEMO_SEED = 5
DEMO_PASSPHRASES = {
    "priya": "apple orchard lantern",
    "sam": "copper kettle harbour",
    "dee": "maple ferry willow",
    "alex": "granite meadow signal",
}


def site_key_file() -> Path:
    """The site key the commands run by this test process make on first use (tests/conftest.py
    gives each test process a configuration folder of its own)."""
    return Path(os.environ["XDG_CONFIG_HOME"]) / "sharetui" / "site.key"


def key_of(path: Path) -> str | None:
    """The SQLCipher key that opens a database file made by the commands; None when plain."""
    with path.open("rb") as f:
        if f.read(16) == b"SQLite format 3\x00":
            return None
    return pragma_key(read_key(site_key_file()))


def connect(path: Path) -> Any:
    """A DB-API connection to a database file made by the commands, plain or encrypted."""
    key = key_of(path)
    if key is None:
        return sqlite3.connect(path)
    import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

    conn = sqlcipher.connect(str(path))
    conn.execute(f'PRAGMA key = "{key}"')
    return conn


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
    process: bool = False,
) -> Ran:
    """Run one command as a user does: its arguments, its environment (no SHARETUI_* but
    those given), its standard input, and what it prints and returns.

    In this test process by default (the entry point `sharetui.cli.main`, with the same
    environment, streams and exit status), since a fresh interpreter per command spent most
    of these tests' time importing. `process=True` (or SHARETUI_TEST_CLI_PROCESS=1 for the
    whole run) starts `python -m sharetui` instead, for what only a process shows."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SHARETUI_")}
    environ["SHARETUI_TERMINAL_ID"] = "cli-test"
    if data_home is not None:
        environ["XDG_DATA_HOME"] = str(data_home)
    if database is not None:
        environ["SHARETUI_DATABASE_URL"] = database
    environ.update(env or {})
    stdin = _with_code(args, database, stdin)
    if process or os.environ.get("SHARETUI_TEST_CLI_PROCESS") == "1":
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
    return _run_here(list(args), environ, stdin or "")


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    """A text stream over bytes, with .buffer, as a pipe gives a process (not a terminal)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None, write_through=True)


def _run_here(argv: list[str], environ: dict[str, str], stdin: str) -> Ran:
    from sharetui.cli import main

    saved_env = dict(os.environ)
    saved = (sys.stdin, sys.stdout, sys.stderr)
    out, err = _stream(), _stream()
    os.environ.clear()
    os.environ.update(environ)
    sys.stdin, sys.stdout, sys.stderr = _stream(stdin.encode("utf-8")), out, err
    try:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        for stream in (out, err):
            stream.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        os.environ.clear()
        os.environ.update(saved_env)
    return Ran(
        int(code),
        out.buffer.getvalue().decode("utf-8"),  # type: ignore[attr-defined]
        err.buffer.getvalue().decode("utf-8"),  # type: ignore[attr-defined]
    )


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
        plain = True
        if parsed.get_backend_name() == "sqlite":
            with file.open("rb") as head:
                plain = head.read(16) == b"SQLite format 3\x00"
        # An encrypted file is opened with the site key only: a plain try first would leave
        # files beside it that the command then trips over.
        if not plain:
            code = totp_code(url, user, str(site_key_file()))
        elif parsed.get_backend_name() == "sqlite":
            code = totp_code(url, user)
        else:  # a site moved to PostgreSQL keeps its secrets sealed under the site key
            try:
                code = totp_code(url, user)
            except Exception:  # noqa: BLE001 - sealed: read with the site key
                code = totp_code(url, user, str(site_key_file()))
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

    @property
    def key(self) -> str | None:
        """The demo is encrypted under the site key, like any new database."""
        return key_of(self.path)


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
