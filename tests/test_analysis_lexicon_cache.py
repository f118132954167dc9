"""The parsed root dictionary and weights are kept between processes, and never trusted blindly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.analysis import lexicon


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lexicon._lexicon.cache_clear()
    yield lexicon._cache_path()
    lexicon._lexicon.cache_clear()  # the next test reads the files (or its own cache) again


def fresh() -> tuple[frozenset[str], dict[str, float]]:
    lexicon._lexicon.cache_clear()
    return lexicon.roots(), lexicon.root_weights()


def test_a_second_process_reads_the_kept_lexicon(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words, weights = fresh()
    assert cache_home.exists() and "banjir" in words and weights["makan"] > weights.get("pakan", 0.0)

    def unread() -> set[str]:
        raise AssertionError("the word list was parsed again")

    monkeypatch.setattr(lexicon, "_sastrawi_words", unread)
    assert fresh() == (words, weights)


def test_a_damaged_or_stale_cache_is_read_afresh(cache_home: Path) -> None:
    words, weights = fresh()
    cache_home.write_bytes(b"not marshal")
    assert fresh() == (words, weights)
    import marshal

    cache_home.write_bytes(marshal.dumps(("another fingerprint", frozenset({"x"}), {"x": 1.0})))
    assert fresh() == (words, weights)
    assert marshal.loads(cache_home.read_bytes())[0] == lexicon._fingerprint()  # and kept again


def test_a_cache_directory_that_cannot_be_made_changes_nothing(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    words, weights = fresh()
    assert "banjir" in words and weights


def test_two_checkouts_keep_two_caches(cache_home: Path, tmp_path: Path) -> None:
    """Each checkout of kliping (its lexicon module's path) has a cache file of its own: two checkouts used in
    turn, as a before/after benchmark does, would otherwise parse the lists again in every process."""
    from kliping.configcache import cache_file

    other = cache_file("lexicon.marshal", tmp_path / "other-checkout" / "lexicon.py")
    assert other != cache_home and other.parent == cache_home.parent
    assert cache_file("lexicon.marshal", lexicon.__file__) == cache_home
