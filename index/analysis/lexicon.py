"""The root-word dictionary the stemmer checks every candidate against.

The base is PySastrawi's MIT ``kata-dasar.txt`` (about 29,900 roots), read from
the installed package at runtime so that kliping does not carry a copy that
drifts from its source. Two small package data files adjust it:

- ``roots_extra.txt``: words that news writes as single roots but that the
  Sastrawi list lacks, mostly lexicalised acronyms (``pemilu``, ``pilkada``):
  without them the stemmer cuts them into unrelated roots (``pemilu -> milu``).
- ``roots_removed.txt``: entries that are not Indonesian roots in today's usage
  and only serve to produce wrong cuts (one- and two-letter fragments, rare
  archaic forms that shadow common derivations).

``root_freq.txt`` (built by :mod:`.corpusstats`) says how often each root
occurs on its own in 2019 news, so the stemmer can prefer ``makan`` over
``pakan`` for ``memakan``.

The two lists are curated from general knowledge of the language and of the rules, not
from any gold word->root pairs.

Parsing the four files took 35-70 ms, a tenth or more of a whole ``kliping search``
process, so the parsed dictionary and weights are kept in the user's cache directory
(``lexicon.marshal``, beside the validated-config record) under a fingerprint of the
files they were read from; loading them back takes about 6 ms. A changed file or
another Python misses the fingerprint and is read afresh, and a cache directory that
cannot be written only means every process parses the files, as before.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import math
import sys
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from kliping.configcache import cache_file, keep

logger = logging.getLogger(__name__)

#: Roots shorter than this are never accepted as the result of stripping an affix
#: (``diam`` must not become ``am``); a word that is itself that short is kept.
MIN_ROOT_LENGTH = 3


def _read_lines(text: str) -> set[str]:
    """Non-empty, non-comment lines of a word list, lower-cased.

    Whole-text operations rather than a loop of line operations: Sastrawi's 30,000
    roots are read by every ``kliping search`` process, and this is a third faster.
    """
    lines = text.lower().splitlines()
    if "#" in text:
        lines = [line.split("#", 1)[0] for line in lines]
    return {word for word in map(str.strip, lines) if word}


def package_words(name: str) -> set[str]:
    """A word list shipped in this package (one word a line, ``#`` comments), lower-cased."""
    return _read_lines(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def _sastrawi_words() -> set[str]:
    """PySastrawi's root list, from the installed package."""
    try:
        data = resources.files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt")
        return _read_lines(data.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - packaging error
        logger.warning("PySastrawi root list not found (%s); stemming with kliping's extras only", exc)
        return set()


def roots() -> frozenset[str]:
    """The root dictionary: Sastrawi's list plus kliping's extras, minus its removals."""
    return _lexicon()[0]


def root_weights() -> dict[str, float]:
    """log10(1 + corpus count) of each root the corpus attests (``root_freq.txt``).

    A root the corpus attests only through derived words weighs 0.0; a root
    absent from the mapping is not attested at all.
    """
    return _lexicon()[1]


Lexicon = tuple[frozenset[str], dict[str, float]]

_CACHE_FILE = "lexicon.marshal"


@cache
def _lexicon() -> Lexicon:
    key = _fingerprint()
    found = _cached(key) if key else None
    if found is not None:
        return found
    words = (_sastrawi_words() | package_words("roots_extra.txt")) - package_words("roots_removed.txt")
    logger.debug("root dictionary: %d words", len(words))
    built = (frozenset(words), _read_weights())
    if key:
        _keep(key, built)
    return built


def _read_weights() -> dict[str, float]:
    text = resources.files(__package__).joinpath("root_freq.txt").read_text(encoding="utf-8")
    weights = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            root, alone, _derived = line.split("\t")
            weights[root] = math.log10(1 + int(alone))
    return weights


def _sources() -> list[Path]:
    """The files the lexicon is read from, and this module (which says how), found without importing Sastrawi."""
    here = Path(__file__).resolve()
    files = [here, *(here.with_name(name) for name in ("roots_extra.txt", "roots_removed.txt", "root_freq.txt"))]
    spec = find_spec("Sastrawi")
    if spec is not None and spec.origin:
        files.append(Path(spec.origin).parent / "Stemmer" / "data" / "kata-dasar.txt")
    return files


def _fingerprint() -> str | None:
    digest = hashlib.sha256(f"{sys.version}\n{marshal.version}\n".encode())
    try:
        for path in _sources():
            st = path.stat()
            digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    except OSError:  # a file missing (read below, with its own message): nothing to key a cache by
        return None
    return digest.hexdigest()


def _cache_path() -> Path:
    """This checkout's lexicon cache (another checkout keeps its own)."""
    return cache_file(_CACHE_FILE, __file__)


def _cached(key: str) -> Lexicon | None:
    try:
        found_key, words, weights = marshal.loads(_cache_path().read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if found_key != key or not isinstance(words, frozenset) or not isinstance(weights, dict):
        return None
    return words, weights


def _keep(key: str, lexicon: Lexicon) -> None:
    if not keep(_cache_path(), marshal.dumps((key, *lexicon))):
        logger.debug("lexicon cache not written to %s", _cache_path())
