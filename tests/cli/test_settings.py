"""Settings fail loudly: a bad SHARETUI_* value stops start-up with one line naming the
variable, its value and what is allowed (a kiosk must never run with its lock setting ignored)."""

from __future__ import annotations

import pytest

from sharetui.cli import main
from sharetui.config import Settings, SettingsInvalid


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("SHARETUI_IDLE_LOCK_SECONDS", "five minutes", "a whole number of seconds from 15 to 3600"),
        ("SHARETUI_IDLE_LOCK_SECONDS", "0", "a whole number of seconds from 15 to 3600"),
        ("SHARETUI_IDLE_LOCK_SECONDS", "86400", "a whole number of seconds from 15 to 3600"),
        ("SHARETUI_TIMEZONE", "Europe/Londn", "an IANA time zone name such as Europe/London"),
        (
            "SHARETUI_RECEIPT_DAYS",
            "urgent=3/1",
            "kinds with working days to chase/overdue, such as "
            "urgent=1/2,share=3/5,cp_transfer=5/5",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path, name, value, allowed
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env()
    assert caught.value.message == f"{name}={value!r} is not allowed: use {allowed}"
    # The command line says it in one line and stops before touching any database.
    db = tmp_path / "site.db"
    assert main(["--database", str(db), "db", "current"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"sharetui: error: {name}={value!r} is not allowed: use {allowed}"]
    assert not db.exists()


def test_good_values_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARETUI_IDLE_LOCK_SECONDS", " 120 ")
    monkeypatch.setenv("SHARETUI_TIMEZONE", "Europe/Belfast")
    monkeypatch.setenv("SHARETUI_TERMINAL_ID", "desk-3")
    settings = Settings.from_env("sqlite:///x.db")
    assert (settings.idle_lock_seconds, settings.timezone, settings.terminal) == (
        120,
        "Europe/Belfast",
        "desk-3",
    )
    assert settings.database_url == "sqlite:///x.db"


def test_unset_values_take_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SHARETUI_IDLE_LOCK_SECONDS", "SHARETUI_TIMEZONE", "SHARETUI_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env("sqlite:///x.db")
    assert (settings.idle_lock_seconds, settings.timezone, settings.key_file) == (
        300,
        "Europe/London",
        "",
    )


@pytest.mark.parametrize("value", ["", "  "])
def test_empty_receipt_days_take_the_defaults(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SHARETUI_RECEIPT_DAYS", value)
    assert Settings.from_env("sqlite:///x.db").receipt_days == ""
