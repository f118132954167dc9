"""`kliping search` takes data_dir from the record of a config file that validated, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import ROOT, kliping

from index.archive import Archive
from index.store import SearchIndex
from kliping import configcache
from kliping.article import Article

PROBE = "import sys; from kliping.cli import main\ntry:\n    main()\nfinally:\n    print('pydantic' in sys.modules)"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    archive = Archive(tmp_path / "data" / "archive.sqlite3")
    archive.upsert(Article(url="https://contoh.id/1", title="Banjir di Jakarta", body="Banjir merendam kota.",
                           source="contoh", published="2019-09-01T10:00:00+07:00"))
    SearchIndex(tmp_path / "data" / "index").catch_up(archive)
    path = tmp_path / "config.yaml"
    path.write_text("data_dir: ./data\nsources: []\n")
    return path


def search_loads_pydantic(config: Path) -> tuple[int, bool]:
    """`kliping search banjir`'s exit code, and whether the process imported pydantic."""
    result = subprocess.run([sys.executable, "-c", PROBE, "--config", str(config), "search", "banjir"],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Banjir di Jakarta" in result.stdout, result.stderr
    return result.returncode, result.stdout.strip().splitlines()[-1] == "True"


def test_a_config_that_validated_is_not_validated_again(config: Path) -> None:
    assert search_loads_pydantic(config) == (0, True)  # the first time: validated in full, recorded
    assert configcache.known_data_dir(config) == (config.parent / "data").resolve()
    assert search_loads_pydantic(config) == (0, False)
    config.write_text("data_dir: ./data\nsources: []\n# edited\n")  # any change: validated in full again
    assert configcache.known_data_dir(config) is None
    assert search_loads_pydantic(config) == (0, True)


def test_an_invalid_config_is_never_recorded(config: Path) -> None:
    assert kliping(config, "search", "banjir").returncode == 0
    config.write_text("data_dir: ./data\nsources: []\napi: {port: 0}\n")
    for _ in range(2):
        result = kliping(config, "search", "banjir")
        assert result.returncode == 2 and "port" in result.stderr
    assert configcache.known_data_dir(config) is None


def test_other_code_validating_means_validating_again(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert kliping(config, "search", "banjir").returncode == 0
    assert configcache.known_data_dir(config) is not None
    monkeypatch.setattr(configcache, "code_fingerprint", lambda: "another kliping")
    assert configcache.known_data_dir(config) is None


def test_the_archive_url_is_recorded_but_never_one_with_a_password(config: Path) -> None:
    """A search needs archive.url as much as data_dir; a password is not written into the cache file."""
    configcache.remember(config, configcache.file_digest(config), config.parent / "data")
    assert configcache.known_archive_url(config) == (None,)  # the SQLite archive in data_dir
    url = "postgresql://kliping@db.example:5432/kliping"
    configcache.remember(config, configcache.file_digest(config), config.parent / "data", url)
    assert configcache.known_archive_url(config) == (url,)
    for secret in ("postgresql://kliping:s3cret@db.example/kliping", "postgresql://db.example/k?password=s3cret"):
        configcache.remember(config, configcache.file_digest(config), config.parent / "data", secret)
        assert configcache.known_archive_url(config) is None  # unknown: that file always loads in full
        assert "s3cret" not in (configcache.cache_dir() / configcache.RECORD_FILE).read_text()
