"""Many terminals, one server, over SSH: the deploy/ set-up with a real OpenSSH server.

The test starts sshd on a loopback port with its own host key, an authorised key made for the
test, and the Match block of deploy/sshd-sharetui.conf (paths adapted: the forced command is
deploy/sharetui-ssh with a test environment file). The app runs against a PostgreSQL database
made with deploy/postgres-roles.sql, connecting as the app role. Terminals are `ssh -tt`
clients in pseudo-terminals (pexpect). Every wait has a timeout; sshd listens on 127.0.0.1 only
and is stopped at the end.

The account the terminals log in to is the one running the tests: the Python that runs the app
lives where only that account may read it (under /root on the CI machines), so a separate kiosk
account could not start it. The deploy block is applied to that account unchanged.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import create_engine, select, text

import sharetui
from sharetui.config import Settings, ssh_terminal_id
from sharetui.services.facade import Services
from sharetui.services.users import Users
from sharetui.store.models import AuditEvent, Draft, User
from tests.conftest import PG_ADMIN_URL

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PASSPHRASE = "correct horse battery staple"
DESKS = ("desk_one", "desk_two")
WAIT = 60  # seconds: the longest any one step may take on a loaded two-core machine


def test_terminal_id_comes_from_the_connection() -> None:
    assert ssh_terminal_id({"SSH_CONNECTION": "10.1.2.3 51234 10.1.2.1 22"}) == "ssh:10.1.2.3:51234"
    assert ssh_terminal_id({"SSH_CLIENT": "fe80::1 40000 22"}) == "ssh:fe80::1:40000"
    assert ssh_terminal_id({"SSH_CONNECTION": "$(reboot) 1 2 3"}) == ""
    assert ssh_terminal_id({}) == ""


# -- the server --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    folder: Path
    port: int
    user: str
    client_key: Path
    known_hosts: Path
    owner_url: str
    log: Path

    def ssh_args(self, *extra: str) -> list[str]:
        return ["-p", str(self.port), *self.options(), *extra]

    def options(self) -> list[str]:
        """What ssh and sftp share: this test's key and host key only, no prompts."""
        return [
            "-F", "/dev/null",
            "-i", str(self.client_key),
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "ConnectTimeout=20",
            "-o", "ServerAliveInterval=5",
        ]  # fmt: skip

    @property
    def host(self) -> str:
        return f"{self.user}@127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*cmd: str, timeout: float = WAIT, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


def _psql(*args: str) -> None:
    base = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    done = _run("psql", base, "-q", "-v", "ON_ERROR_STOP=1", *args)
    assert done.returncode == 0, done.stderr


def _deploy_block(user: str, forced: str) -> str:
    """deploy/sshd-sharetui.conf with the account and the forced command's paths adapted."""
    block = (DEPLOY / "sshd-sharetui.conf").read_text()
    assert "Match User sharetui\n" in block
    assert "ForceCommand /usr/local/lib/sharetui/sharetui-ssh /etc/sharetui/sharetui.env\n" in block
    block = block.replace("Match User sharetui\n", f"Match User {user}\n")
    return block.replace(
        "ForceCommand /usr/local/lib/sharetui/sharetui-ssh /etc/sharetui/sharetui.env\n",
        f"ForceCommand {forced}\n",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, pg_template: str) -> Iterator[Site]:
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists() or not shutil.which("ssh"):
        pytest.skip("OpenSSH (sshd and ssh) is not installed; .ci/run installs openssh-server")
    folder = tmp_path_factory.mktemp("ssh")
    user = getpass.getuser()
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation

    # The database and its two roles, made by the deploy script (names unique to this run).
    tag = f"ssh{os.getpid()}"
    db, owner, app = f"sharetui_{tag}", f"sharetui_{tag}_owner", f"sharetui_{tag}_app"
    names = ("-v", f"db={db}", "-v", f"owner={owner}", "-v", f"app={app}")
    roles = str(DEPLOY / "postgres-roles.sql")
    _psql(*names, "-f", roles)
    base = PG_ADMIN_URL.rsplit("@", 1)[1].rsplit("/", 1)[0]  # host:port
    owner_url = f"postgresql://{owner}@{base}/{db}"
    svc = Services.open(Settings(database_url=owner_url, terminal="technician"))  # migrates
    try:
        for name in DESKS:
            Users(svc.store).create(
                None, name, name.replace("_", " ").title(), "practitioner", [], PASSPHRASE
            )
    finally:
        svc.close()
    _psql(*names, "-f", roles)  # again: the app role's rights on the new tables

    for key in ("host_key", "client_key"):
        made = _run(
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", str(folder / key)
        )
        assert made.returncode == 0, made.stderr
    port = _free_port()
    client_pub = (folder / "client_key.pub").read_text().strip()
    (folder / "authorized_keys").write_text(f"restrict,pty {client_pub}\n")
    known_hosts = folder / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {(folder / 'host_key.pub').read_text().strip()}\n")
    env_file = folder / "sharetui.env"
    env_file.write_text(
        f"SHARETUI_COMMAND='{sys.executable} -m sharetui'\n"
        f"PYTHONPATH={Path(sharetui.__file__).resolve().parents[1]}\n"
        f"SHARETUI_DATABASE_URL=postgresql://{app}@{base}/{db}\n"
        "SHARETUI_IDLE_LOCK_SECONDS=3600\n"
        "SHARETUI_TERMINAL_ID=set-by-mistake\n"  # the wrapper must ignore it
    )
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
        # The test's own files live in a world-writable /tmp: sshd's ownership walk would
        # refuse them; the deploy set-up keeps the keys in the account's home.
        "StrictModes no\nUsePAM no\nLogLevel VERBOSE\n"
        + ("PermitRootLogin prohibit-password\n" if user == "root" else "")
        # An sftp server is offered to everyone else: the forced command must still win.
        + "Subsystem sftp internal-sftp\n\n"
        + _deploy_block(user, f"{DEPLOY / 'sharetui-ssh'} {env_file}")
    )
    checked = _run(sshd, "-t", "-f", str(config))
    assert checked.returncode == 0, checked.stderr
    log = folder / "sshd.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sshd, "-D", "-e", "-f", str(config)], stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        _wait_listening(port, server)
        yield Site(folder, port, user, folder / "client_key", known_hosts, owner_url, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    """sshd is up when it accepts a connection (bounded: it may not have started)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        assert server.poll() is None, "sshd stopped at start"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("sshd did not start listening")


# -- terminals ------------------------------------------------------------------------------------
def terminal(site: Site, *command: str) -> pexpect.spawn:
    """`ssh -tt` in a pseudo-terminal of 120 x 40, as a desk's terminal window."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHARETUI_", "SSH_"))}
    env["TERM"] = "xterm-256color"
    return pexpect.spawn(
        "ssh",
        site.ssh_args("-tt", site.host, *command),
        env=env,
        dimensions=(40, 120),
        encoding="utf-8",
        codec_errors="replace",
        timeout=WAIT,
    )


def sign_in(term: pexpect.spawn, username: str) -> None:
    term.expect("Passphrase")
    term.send(username)
    term.expect(username)  # echoed: the username field has the keys
    term.send("\t")
    term.send(PASSPHRASE)
    term.send("\r")
    term.expect("New decision")  # the home screen's footer


def to_second_page(term: pexpect.spawn) -> None:
    """Answer "not urgent" and reach the second question. Choosing may move on by itself or
    wait for Enter; a key that arrived while the page was still taking focus is sent again
    (bounded)."""
    for _ in range(3):
        term.send("n")
        found = term.expect([r"Step 2 of 8", r"\(x\)", pexpect.TIMEOUT], timeout=15)
        if found == 1:
            term.send("\r")
            term.expect("Step 2 of 8")
            found = 0
        if found == 0:
            term.expect("Name, date of birth or reference")
            return
    raise AssertionError("the first question did not take the answer")


def events_of(site: Site, username: str) -> list[tuple[str, str]]:
    engine = create_engine(site.owner_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditEvent.action, AuditEvent.terminal)  # type: ignore[call-overload]
                .where(AuditEvent.username == username)
                .order_by(AuditEvent.id)
            ).all()
    finally:
        engine.dispose()
    return [(a, t) for a, t in rows]


def drafts_of(site: Site, username: str) -> list[dict[str, object]]:
    engine = create_engine(site.owner_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Draft.payload)  # type: ignore[call-overload]
                .join(User, User.id == Draft.user_id)
                .where(User.username == username)
            ).all()
    finally:
        engine.dispose()
    return [r[0] for r in rows]


def wait_for(check: Callable[[], bool], what: str) -> None:
    """Poll the database until check() holds (bounded)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# -- the tests -----------------------------------------------------------------------------------
def test_a_command_or_a_shell_request_never_gets_a_shell(site: Site) -> None:
    for command in (["sh -c id"], ["-T"], []):
        args = site.ssh_args(*([c for c in command if c == "-T"]), site.host)
        args += [c for c in command if c != "-T"]
        done = _run("ssh", *args, stdin=subprocess.DEVNULL)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "uid=" not in done.stdout + done.stderr
        assert "this account runs only the sharetui app, on a terminal" in done.stderr

    # With a terminal, the command asked for is ignored and the app starts instead.
    term = terminal(site, "sh", "-c", "id")
    try:
        index = term.expect(["Passphrase", "uid="])
        assert index == 0
    finally:
        term.terminate(force=True)


def test_forwarding_and_sftp_are_refused(site: Site) -> None:
    # Straight through to the database port: refused by the server.
    through = _run(
        "ssh", *site.ssh_args("-W", "127.0.0.1:5432", site.host), stdin=subprocess.DEVNULL
    )
    assert through.returncode == 255
    assert "administratively prohibited" in through.stderr

    # -L: the client listens, but every connection through it is refused at the server, so
    # nothing of PostgreSQL ever answers (an SSLRequest gets no reply, the socket closes).
    local = _free_port()
    tunnel = subprocess.Popen(
        ["ssh", *site.ssh_args("-N", "-L", f"127.0.0.1:{local}:127.0.0.1:5432", site.host)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_listening(local, tunnel)  # type: ignore[arg-type]
        with socket.create_connection(("127.0.0.1", local), timeout=WAIT) as s:
            s.sendall((8).to_bytes(4, "big") + (80877103).to_bytes(4, "big"))
            try:
                reply = s.recv(1)
            except ConnectionResetError:  # closed or reset: either way, nothing answered
                reply = b""
            assert reply == b""
    finally:
        tunnel.terminate()
        _, err = tunnel.communicate(timeout=WAIT)
    assert "administratively prohibited" in err

    remote = _run(
        "ssh",
        *site.ssh_args("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:5432", site.host),
        stdin=subprocess.DEVNULL,
    )
    assert remote.returncode == 255
    assert "remote port forwarding failed" in remote.stderr

    sftp = _run("sftp", "-b", "-", "-P", str(site.port), *site.options(), site.host, input="ls /\n")
    assert sftp.returncode != 0
    assert "etc" not in sftp.stdout


def test_two_terminals_at_once_each_named_and_a_dropped_one_keeps_its_draft(site: Site) -> None:
    one, two = terminal(site), terminal(site)
    try:
        sign_in(one, "desk_one")
        sign_in(two, "desk_two")  # both signed in at once, on one server

        # Desk one starts a decision, answers the first question, and on the second types a
        # name to search for: typed, not yet saved by any page change.
        assert drafts_of(site, "desk_one") == []
        one.send("n")
        one.expect("Step 1 of 8")
        to_second_page(one)
        one.send("Zebedee")
        one.expect("Zebedee")  # echoed: the search box has it
        # The connection drops: the client dies without a word to the server.
        one.kill(signal.SIGKILL)
        wait_for(
            lambda: any(
                d.get("extras", {}).get("who_search") == "Zebedee"  # type: ignore[union-attr]
                for d in drafts_of(site, "desk_one")
            ),
            "desk one's draft with what was typed",
        )
        (payload,) = drafts_of(site, "desk_one")
        assert payload["page"] == "who", payload

        # Desk two carries on, unaffected, and signs out.
        two.send("\x11")  # Ctrl+Q
        two.expect("Sign out\\?")
        two.send("y")
        two.expect("Passphrase")
    finally:
        for term in (one, two):
            if term.isalive():
                term.terminate(force=True)

    # Every event of each desk's session names its own connection (the account was made on
    # the server by the technician beforehand).
    first = [e for e in events_of(site, "desk_one") if e[1] != "technician"]
    second = [e for e in events_of(site, "desk_two") if e[1] != "technician"]
    assert first[0][0] == "signin.ok" and second[0][0] == "signin.ok"
    assert "draft.create" in {a for a, _ in first}
    terminals_one = {t for _, t in first}
    terminals_two = {t for _, t in second}
    assert len(terminals_one) == 1 and len(terminals_two) == 1, (first, second)
    (t1,), (t2,) = terminals_one, terminals_two
    assert re.fullmatch(r"ssh:127\.0\.0\.1:\d+", t1) and re.fullmatch(r"ssh:127\.0\.0\.1:\d+", t2)
    assert t1 != t2  # each connection is its own terminal
    accepted = site.log.read_text()
    for t in (t1, t2):
        assert f"from 127.0.0.1 port {t.rsplit(':', 1)[1]} " in accepted  # sshd's own record
