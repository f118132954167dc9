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
    yield tmp_path / "cache" / "kliping" / "lexicon.marshal"
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
