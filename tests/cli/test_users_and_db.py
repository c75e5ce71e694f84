"""`sharetui user ...` and `sharetui db ...` on SQLite and PostgreSQL: what each prints, that
the account really changed (signing in through the services), and one-line refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharetui.config import Settings
from sharetui.domain.errors import SignInFailed
from sharetui.services.facade import Services
from sharetui.store.migrate import head_revision
from tests.cli.conftest import PASSPHRASE, Cli, site_key_file
from tests.conftest import totp_code

NEW = "a brand new passphrase for jo"


def _sign_in(url: str, username: str, passphrase: str) -> str:
    """The role signed in as, or the step the sign-in needs next (a new supervisor sets up
    a second factor at a terminal first)."""
    svc = Services.open(Settings(database_url=url, terminal="t"))
    try:
        step = svc.users.begin(username, passphrase)
        if step.needs == "code":
            step = svc.users.give_code(step.ticket, totp_code(svc, username))
        return step.actor.role if step.actor else step.needs
    finally:
        svc.close()


def test_add_and_list(cli: Cli, database_url: str) -> None:
    added = cli(
        "user",
        "add",
        "jo",
        "--name",
        "Jo [b]Bloggs[/b]",
        "--role",
        "supervisor",
        "--advice-roles",
        "dsl,caldicott",
        "--passphrase-stdin",
        database=database_url,
        stdin=PASSPHRASE + "\n",
    )
    assert added.code == 0, added.err
    assert added.out.strip().splitlines() == [
        "Created jo (Jo [b]Bloggs[/b]): Supervisor, Designated safeguarding lead, "
        "Caldicott guardian",
        "They set up their second factor when they first sign in to the app.",
    ]
    assert _sign_in(database_url, "jo", PASSPHRASE) == "enrol"

    listed = cli("user", "list", database=database_url)
    assert listed.code == 0
    row = next(line for line in listed.out.splitlines() if line.split()[:1] == ["jo"])
    assert "Jo [b]Bloggs[/b]" in row  # stored text printed literally, not as markup
    assert "active" in row
    assert {line.split()[0] for line in listed.out.splitlines()[1:]} >= {"pat", "sam", "ada"}


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> str:
    db = tmp_path / "users.db"
    db.write_bytes(sqlite_template.read_bytes())
    return f"sqlite:///{db}"


def test_disable_enable_passphrase_and_roles(cli: Cli, sqlite_db: str) -> None:
    database_url = sqlite_db
    assert cli("user", "disable", "sam", database=database_url).out.strip() == "Disabled sam"
    with pytest.raises(SignInFailed, match="disabled"):
        _sign_in(database_url, "sam", PASSPHRASE)
    assert "disabled" in cli("user", "list", database=database_url).out
    assert cli("user", "enable", "sam", database=database_url).out.strip() == "Enabled sam"

    changed = cli(
        "user",
        "set-passphrase",
        "sam",
        "--passphrase-stdin",
        database=database_url,
        stdin=NEW + "\n",
    )
    assert changed.out.strip() == "Set a new passphrase for sam"
    with pytest.raises(SignInFailed):
        _sign_in(database_url, "sam", PASSPHRASE)
    assert _sign_in(database_url, "sam", NEW) == "supervisor"

    roles = cli("user", "set-roles", "sam", "--role", "practitioner", database=database_url)
    assert roles.out.strip() == "Updated sam (Sam Supervisor): Practitioner"

    for _ in range(5):
        with pytest.raises(SignInFailed):
            _sign_in(database_url, "pat", "not the passphrase")
    with pytest.raises(SignInFailed, match="try again in"):
        _sign_in(database_url, "pat", PASSPHRASE)
    assert "waiting at 1 terminal" in cli("user", "list", database=database_url).out
    unlocked = cli("user", "unlock", "pat", database=database_url)
    assert unlocked.out.strip() == "pat can sign in again at once at every terminal"
    assert _sign_in(database_url, "pat", PASSPHRASE) == "practitioner"
    reset = cli("user", "reset-factor", "sue", database=database_url)
    assert reset.out.strip() == (
        "Removed sue's second factor: they set up a new one at their next sign-in"
    )
    assert _sign_in(database_url, "sue", PASSPHRASE) == "enrol"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["user", "add", "kim", "--name", "Kim", "--role", "boss", "--passphrase-stdin"],
            "short\n",
            "Choose practitioner, supervisor or admin; Enter a passphrase of at least",
        ),
        (
            ["user", "add", "kim", "--name", "Kim", "--role", "admin"],
            None,
            "No terminal to ask for the passphrase: pipe it in with --passphrase-stdin",
        ),
        (["user", "disable", "nobody"], None, "No user called nobody"),
    ],
    ids=["bad-role-and-passphrase", "no-terminal", "unknown-user"],
)
def test_refusals_are_one_line(
    cli: Cli,
    sqlite_template: Path,
    tmp_path: Path,
    args: list[str],
    stdin: str | None,
    message: str,
) -> None:
    db = tmp_path / "users.db"
    db.write_bytes(sqlite_template.read_bytes())
    ran = cli(*args, database=f"sqlite:///{db}", stdin=stdin)
    assert ran.error_line().startswith(message)


def test_db_current_and_upgrade_on_a_new_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    head = head_revision()
    assert cli("db", "current", database=url).error_line() == (
        f"There is no database at {path}; check the path, or make a new one with: "
        f"sharetui --database {path} db upgrade"
    )
    assert not path.exists()
    up = cli("--database", url, "db", "upgrade")
    encrypted = f"Encrypted at rest (SQLCipher) under the site key {site_key_file()}."
    said = [ln for ln in up.out.splitlines() if not ln.startswith("Made a new site key at ")]
    assert said == [f"Made a new database at {path} (schema {head}).", encrypted]
    current = cli("db", "current", "--database", url).out.splitlines()
    assert current == [f"Schema {head}: up to date.", encrypted]
    again = cli("--database", url, "db", "upgrade")
    assert again.out.strip() == f"The database schema is already up to date ({head})."


def test_db_current_on_both_backends(cli: Cli, database_url: str) -> None:
    ran = cli("db", "current", database=database_url)
    assert ran.code == 0
    schema, stored = ran.out.splitlines()
    assert schema == f"Schema {head_revision()}: up to date."
    if database_url.startswith("sqlite"):  # the test template is made plain, in code
        assert stored == (
            "NOT encrypted at rest: this database was made as plain SQLite; move it over "
            "with: sharetui key encrypt."
        )
    else:
        assert stored.startswith("Encryption at rest is the database server's")
