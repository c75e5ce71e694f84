"""An administrator at a kiosk has no shell, but Import people (i) reads any path typed into
it with the kiosk account's rights, and a file it cannot take is refused with its first line
quoted as "the file's columns". Typing the site key's path showed the key, which opens every
copy and backup of the database and the sealed second factors. On both databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sharetui.services.importing import ImportRefused, PeopleImport
from sharetui.services.unit_of_work import Store
from sharetui.store.keys import create_key_file


def _with_key(svc, key: Path) -> PeopleImport:
    """The import service of a site whose key is this file."""
    return PeopleImport(Store(svc.store.engine, svc.store.settings.replace(key_file=str(key))))


def test_the_site_key_is_never_read_by_an_import(svc, actors, tmp_path):
    key = create_key_file(tmp_path / "config" / "site.key")
    secret = key.read_text().strip()
    beside = key.parent / "pupils.csv"
    beside.write_text("Surname,Forename,DOB\n")
    link = tmp_path / "innocent.csv"
    link.symlink_to(key)
    imports = _with_key(svc, key)
    for path, map_path in ((key, None), (link, None), (beside, None), (beside, key)):
        with pytest.raises(ImportRefused) as err:
            imports.read(actors.ada, path, map_path)
        assert secret not in err.value.message
        assert "site key" in err.value.message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_only_a_file_is_read_not_a_device(svc, actors):
    """/dev/zero has no size to check against the limit: it was read until memory ran out."""
    with pytest.raises(ImportRefused) as err:
        PeopleImport(svc.store).read(actors.ada, Path("/dev/zero"))
    assert "not a file" in err.value.message
