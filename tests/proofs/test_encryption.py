"""Encryption at rest: a database file, its -wal, or a backup copied off a kiosk reveals no
personal data without the site key file; a wrong or missing key is a clear message."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from sharetui.config import Settings
from sharetui.domain.person import PersonInput
from sharetui.services.facade import Services
from sharetui.services.users import actor_for
from sharetui.store.encrypt_site import encrypt_copy
from sharetui.store.keys import (
    NEEDS_KEY,
    WRONG_KEY,
    KeyFileError,
    WrongKey,
    audit_key,
    create_key_file,
    key_for,
    read_key,
)
from tests.cli.conftest import DEMO_PASSPHRASES, Demo, demo_db, site_key_file  # noqa: F401
from tests.conftest import ACCOUNTS, needs_sqlcipher
from tests.proofs.workload import PASSPHRASE, consent, share

pytestmark = needs_sqlcipher

PEOPLE = [
    PersonInput(
        family_name="Quillfeather",
        given_names="Zephyrine Amaryllis",
        other_names="Brackenbury",
        date_of_birth=date(2017, 5, 9),
        reference="ZQ-7731",
        nhs_number="943 476 5919",
        notes="Lives at 14 Larkspur Close with her grandmother Ottoline",
    ),
    PersonInput(
        family_name="Wolstencroft",
        given_names="Thaddeus",
        date_of_birth=date(2015, 1, 2),
        reference="TW-5520",
    ),
]
# Every personal detail above, as typed and as the search index folds it.
SECRETS = [
    "Quillfeather",
    "Zephyrine",
    "Amaryllis",
    "Brackenbury",
    "Larkspur",
    "Ottoline",
    "Wolstencroft",
    "Thaddeus",
    "ZQ-7731",
    "TW-5520",
    "9434765919",
]


def _write_known_records(settings: Settings) -> Services:
    """Accounts, the two people, a consent, a decision and an advice request, all through the
    services, left open (so recent pages sit in the -wal file, as on a live kiosk)."""
    svc = Services.open(settings)
    user = svc.users.create(None, "pat", "Pat Practitioner", "practitioner", [], PASSPHRASE)
    pat = actor_for(user, "kiosk-1")
    child, other = (svc.people.create(pat, p) for p in PEOPLE)
    svc.consent.record(pat, replace(consent(child.id, "x"), given_by_name="Ottoline Quillfeather"))
    svc.decisions.log(
        pat, replace(share(child.id, "x"), reasons="Ottoline reported bruising to Zephyrine")
    )
    svc.advice.raise_request(
        pat,
        question="Should Wolstencroft's school be told?",
        advice_role="dsl",
        urgency="today",
        person_id=other.id,
    )
    return svc


def _copy_live(db: Path, into: Path) -> Path:
    """Copy the database, -wal and -shm files as someone walking off with them would."""
    into.mkdir()
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{db}{suffix}")
        if src.exists():
            shutil.copy(src, into / f"{db.name}{suffix}")
    return into / db.name


def _leaks(*files: Path) -> list[str]:
    found = []
    for f in files:
        data = f.read_bytes()
        for word in SECRETS:
            for form in {word, word.lower(), word.upper()}:
                if form.encode("utf-8") in data:
                    found.append(f"{form} in {f.name}")
    return found


def _files(db: Path) -> list[Path]:
    return [p for p in (Path(f"{db}{s}") for s in ("", "-wal", "-shm")) if p.exists()]


@pytest.fixture
def site(tmp_path: Path) -> Settings:
    key_file = create_key_file(tmp_path / "keys" / "site.key")
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'live' / 'sharetui.db'}",
        terminal="kiosk-1",
        key_file=str(key_file),
    )


def _db(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def test_plain_database_shows_the_names_so_the_check_can_fail(tmp_path: Path) -> None:
    plain = Settings(database_url=f"sqlite:///{tmp_path / 'plain.db'}", terminal="kiosk-1")
    svc = _write_known_records(plain)
    try:
        copy = _copy_live(_db(plain), tmp_path / "stolen")
        assert _leaks(*_files(copy)), "the same records in a plain file must be visible"
    finally:
        svc.close()


def test_copied_encrypted_files_reveal_no_names(site: Settings, tmp_path: Path) -> None:
    svc = _write_known_records(site)
    try:
        db = _db(site)
        assert Path(f"{db}-wal").stat().st_size > 0, "recent pages should still be in the -wal"
        copy = _copy_live(db, tmp_path / "stolen")
        files = _files(copy)
        assert {f.name for f in files} >= {"sharetui.db", "sharetui.db-wal"}
        assert _leaks(*files) == []
        assert not copy.read_bytes().startswith(b"SQLite format 3")
    finally:
        svc.close()

    # The copy opens with the site key and reads back what was written.
    with_key = Services.open(site.replace(database_url=f"sqlite:///{copy}"), migrate=False)
    try:
        pat = actor_for(with_key.users.list(None)[0], "elsewhere")
        found = with_key.people.find(pat, "zephyr quill")
        assert [p.reference for p in found.items] == ["ZQ-7731"]
        detail = with_key.people.open(pat, found.items[0].id)
        assert detail.notes == PEOPLE[0].notes
        assert detail.nhs_number == "9434765919"
    finally:
        with_key.close()


def test_wrong_key_is_a_clear_message_and_changes_nothing(
    site: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _write_known_records(site).close()
    db = _db(site)
    before = db.read_bytes()
    other_key = create_key_file(tmp_path / "other.key")
    capfd.readouterr()

    with pytest.raises(WrongKey) as wrong:
        Services.open(site.replace(key_file=str(other_key)))
    assert wrong.value.message == WRONG_KEY
    assert str(wrong.value).startswith("The database key does not open this database")
    assert wrong.value.__cause__ is None and wrong.value.__suppress_context__

    with pytest.raises(WrongKey) as missing:
        Services.open(site.replace(key_file=""))
    assert missing.value.message == NEEDS_KEY

    out, err = capfd.readouterr()
    assert (out, err) == ("", ""), "nothing may be printed over the screen"
    assert db.read_bytes() == before


def test_a_plain_database_does_not_open_with_a_key(site: Settings, tmp_path: Path) -> None:
    plain = site.replace(database_url=f"sqlite:///{tmp_path / 'plain.db'}", key_file="")
    Services.open(plain).close()
    with pytest.raises(WrongKey, match="created without encryption"):
        Services.open(plain.replace(key_file=site.key_file))


def test_backup_of_an_encrypted_database_stays_encrypted(site: Settings, tmp_path: Path) -> None:
    """`sharetui backup`, taken while the kiosk is in use, writes an encrypted copy."""
    svc = _write_known_records(site)
    copy = tmp_path / "backups" / "monday.db"
    copy.parent.mkdir()
    env = {
        **os.environ,
        "SHARETUI_DATABASE_URL": site.database_url,
        "SHARETUI_KEY_FILE": site.key_file,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sharetui", "backup", str(copy)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        svc.close()
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _leaks(copy) == []
    restored = Services.open(site.replace(database_url=f"sqlite:///{copy}"), migrate=False)
    try:
        pat = actor_for(restored.users.list(None)[0], "restore")
        assert [p.reference for p in restored.people.find(pat, "wolsten").items] == ["TW-5520"]
    finally:
        restored.close()
    with pytest.raises(WrongKey):
        Services.open(site.replace(database_url=f"sqlite:///{copy}", key_file=""))


def test_a_plain_site_can_switch_to_encryption(
    site: Settings, tmp_path: Path, sqlite_template: Path
) -> None:
    plain_db = tmp_path / "plain.db"
    shutil.copy(sqlite_template, plain_db)
    plain = Settings(database_url=f"sqlite:///{plain_db}", terminal="kiosk-1")
    svc = Services.open(plain)
    pat = actor_for(next(u for u in svc.users.list(None) if u.username == "pat"), "kiosk-1")
    svc.people.create(pat, PEOPLE[0])
    svc.close()

    encrypted = encrypt_copy(plain_db, tmp_path / "encrypted.db", read_key(site.key_file))
    assert _leaks(encrypted) == []
    assert _leaks(plain_db), "the plain file is left for the site to remove once checked"
    svc = Services.open(site.replace(database_url=f"sqlite:///{encrypted}"))
    try:
        assert [p.reference for p in svc.people.find(pat, "quillfeather").items] == ["ZQ-7731"]
        assert len(svc.users.list(None)) == len(ACCOUNTS)
    finally:
        svc.close()


# -- the key file ----------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o000, 0o277])
def test_key_file_is_created_for_this_account_only(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        path = create_key_file(tmp_path / "k" / "site.key")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_key(path)
    assert len(key) == 64 and int(key, 16) >= 0
    assert read_key(create_key_file(tmp_path / "second.key")) != key


def test_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "site.key")
    key = read_key(path)
    with pytest.raises(KeyFileError, match="never overwritten"):
        create_key_file(path)
    assert read_key(path) == key


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o700])
def test_key_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = create_key_file(tmp_path / "site.key")
    path.chmod(mode)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_file=str(path))
    if mode & 0o077:
        with pytest.raises(KeyFileError) as refused:
            Services.open(settings)
        assert f"can be read by other accounts (mode {mode:04o})" in refused.value.message
        assert f"chmod 600 {path}" in refused.value.message
        assert not (tmp_path / "x.db").exists(), "no database is created with a refused key"
    else:
        Services.open(settings).close()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist; create it with: sharetui key create"),
        (b"", "does not hold a sharetui key"),
        (b"correct horse battery staple\n", "does not hold a sharetui key"),
        (b"ab" * 31 + b"\n", "does not hold a sharetui key"),
        (b"\xff\xfe" * 40, "does not hold a sharetui key"),
    ],
)
def test_bad_key_files_are_named(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "site.key"
    if content is not None:
        path.write_bytes(content)
        path.chmod(0o600)
    with pytest.raises(KeyFileError, match=expected):
        read_key(path)


def test_key_file_with_a_database_server_keys_the_audit_chain_only(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "site.key")
    settings = Settings(database_url="postgresql://x@127.0.0.1/db", key_file=str(path))
    assert key_for(settings) is None  # no SQLCipher for a server...
    assert audit_key(settings) is not None  # ...but the audit chain is keyed
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="can be read by other accounts"):
        key_for(settings)


def test_no_key_file_means_plain_sqlite(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}")
    assert key_for(settings) is None
    Services.open(settings).close()
    assert (tmp_path / "p.db").read_bytes().startswith(b"SQLite format 3")


# -- encrypted by default: the demo of the README's first command ------------------------------


def _strings(data: bytes) -> list[bytes]:
    """What `strings` prints: every run of 4 or more printable characters (the tool itself
    where it is installed, else the same rule)."""
    tool = shutil.which("strings")
    if tool:
        done = subprocess.run(
            [tool, "-a", "-n", "4"], input=data, capture_output=True, check=True, timeout=60
        )
        return done.stdout.splitlines()
    return re.findall(rb"[\x20-\x7e\t]{4,}", data)


def _revealed(secrets: set[str], *files: Path) -> list[str]:
    """Each secret `strings` shows, or (for names outside ASCII, which `strings` never shows)
    whose UTF-8 bytes are anywhere in the file."""
    found = []
    for f in files:
        data = f.read_bytes()
        text = b"\n".join(_strings(data)).decode("ascii")
        found += [f"{s} in {f.name}" for s in sorted(secrets) if s in text or s.encode() in data]
    return found


def _demo_secrets(db: Path, key: str) -> set[str]:
    """Every name (each word of five letters or more, so that random bytes cannot spell one
    by chance), date of birth and passphrase hash in the demo, read with the site key."""
    import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

    conn = sqlcipher.connect(str(db))
    try:
        conn.execute(f'PRAGMA key = "{key}"')
        people = conn.execute(
            "SELECT family_name, given_names, other_names, date_of_birth FROM person"
        ).fetchall()
        hashes = [h for (h,) in conn.execute("SELECT passphrase_hash FROM app_user")]
    finally:
        conn.close()
    names = {w for row in people for part in row[:3] if part for w in re.split(r"[\s'-]+", part)}
    found = {w for w in names if len(w) >= 5}
    found |= {str(row[3]) for row in people if row[3]}
    found |= set(hashes) | {"$argon2id$"} | {h.rsplit("$", 1)[-1][:16] for h in hashes}
    return found


def test_a_copy_of_the_demo_reveals_no_name_date_of_birth_or_hash(
    demo_db: Demo,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    """`sharetui demo` (README's first command) makes an encrypted database: `strings` on a
    copy of it, of its -wal and -shm taken while a terminal is working in it, and of a backup,
    finds no name, no date of birth and no passphrase hash. The same records exported plain
    show them all, so the check can fail."""
    key = demo_db.key
    assert key is not None, "the demo must be encrypted by default"
    assert not demo_db.path.read_bytes().startswith(b"SQLite format 3")
    secrets = _demo_secrets(demo_db.path, key)
    assert len(secrets) > 300  # hundreds of names and dates, and every account's hash
    assert _revealed(secrets, demo_db.path) == []

    # A terminal at work: a copy of the demo, open, with new records still in its -wal.
    live = tmp_path / "live" / "demo.db"
    live.parent.mkdir()
    shutil.copy(demo_db.path, live)
    settings = Settings(
        database_url=f"sqlite:///{live}", terminal="kiosk-1", key_file=str(site_key_file())
    )
    svc = Services.open(settings, create=False)
    try:
        priya = svc.users.sign_in("priya", DEMO_PASSPHRASES["priya"], "kiosk-1")
        svc.people.create(priya, PEOPLE[0], confirm_not_duplicate=True)
        assert Path(f"{live}-wal").stat().st_size > 0
        stolen = _copy_live(live, tmp_path / "stolen")
        files = _files(stolen)
        assert {f.name for f in files} >= {"demo.db", "demo.db-wal", "demo.db-shm"}
        added = set(SECRETS) | {PEOPLE[0].date_of_birth.isoformat()}  # type: ignore[union-attr]
        assert _revealed(secrets | added, *files) == []
    finally:
        svc.close()

    backup = tmp_path / "backup.db"
    env = {**os.environ, "SHARETUI_DATABASE_URL": str(live)}
    env.pop("SHARETUI_KEY_FILE", None)  # the site key made on first use, found by itself
    done = subprocess.run(
        [sys.executable, "-m", "sharetui", "backup", str(backup)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _revealed(secrets, backup) == []

    plain = tmp_path / "plain.db"  # the control: the same records without encryption
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(demo_db.path))
    try:
        conn.execute(f'PRAGMA key = "{key}"')
        conn.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
    finally:
        conn.close()
    shown = _revealed(secrets, plain)
    assert len(shown) == len(secrets), set(secrets) - {s.split(" in ")[0] for s in shown}


# -- the default site key --------------------------------------------------------------------


def _default_site(tmp_path: Path, name: str = "sharetui.db") -> Settings:
    """Settings as the command line builds them: no key file named, the default key place."""
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'data' / name}",
        terminal="kiosk-1",
        default_key_file=str(tmp_path / "config" / "sharetui" / "site.key"),
    )


def test_a_new_database_is_encrypted_under_a_site_key_made_on_first_use(tmp_path: Path) -> None:
    settings = _default_site(tmp_path)
    key = Path(settings.default_key_file)
    svc = Services.open(settings)
    try:
        assert svc.at_rest().words == f"Encrypted at rest (SQLCipher) under the site key {key}."
        assert svc.store.audit_key is not None  # the audit chain is keyed with it too
    finally:
        svc.close()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    first = read_key(key)
    assert not _db(settings).read_bytes().startswith(b"SQLite format 3")

    second = _default_site(tmp_path, "second.db")  # the next database: the same key
    Services.open(second).close()
    assert read_key(key) == first
    # Opened again with no key named, each finds the site key by itself.
    Services.open(settings, create=False).close()

    key.rename(tmp_path / "elsewhere.key")
    with pytest.raises(WrongKey, match=f"there is none at {key}"):
        Services.open(settings, create=False)


def test_the_site_key_is_never_made_beside_the_database(tmp_path: Path) -> None:
    settings = _default_site(tmp_path).replace(default_key_file=str(tmp_path / "data" / "site.key"))
    with pytest.raises(KeyFileError, match="in the database's own folder"):
        Services.open(settings)
    assert not (tmp_path / "data" / "site.key").exists()
    assert not _db(settings).exists()


def test_an_existing_plain_database_stays_plain_and_says_so(
    tmp_path: Path, sqlite_template: Path
) -> None:
    settings = _default_site(tmp_path)
    _db(settings).parent.mkdir()
    shutil.copy(sqlite_template, _db(settings))
    Services.open(_default_site(tmp_path, "other.db")).close()  # the site key exists now
    svc = Services.open(settings, create=False)
    try:
        assert svc.at_rest().words == (
            "NOT encrypted at rest: this database was made as plain SQLite; move it over with: "
            "sharetui key encrypt."
        )
        assert svc.store.audit_key is None  # its chain stays as it was made
    finally:
        svc.close()
    assert _db(settings).read_bytes().startswith(b"SQLite format 3")


def test_a_database_of_another_site_key_is_named(tmp_path: Path) -> None:
    mine = _default_site(tmp_path / "mine")
    theirs = _default_site(tmp_path / "theirs")
    Services.open(mine).close()
    Services.open(theirs).close()
    with pytest.raises(WrongKey) as refused:
        Services.open(theirs.replace(database_url=mine.database_url), create=False)
    assert refused.value.message == (
        "This database is encrypted under another key than this account's site key "
        f"({theirs.default_key_file}): set SHARETUI_KEY_FILE to the site's key file"
    )
