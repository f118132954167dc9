"""Name aliases: the groups of names that mean one person, body or thing.

Reporters write Jokowi and Joko Widodo, KPK and Komisi Pemberantasan Korupsi;
a journalist searching one should find the other. The groups live in an
editable text file, one group per line (``search/aliases.txt`` ships with the
package; a user adds their own with ``search: {aliases: PATH}``)::

    Joko Widodo | Jokowi
    Badan Intelijen Negara | !BIN

A name written with ``!`` is also an ordinary word or another body's acronym:
typed as written (in capitals) it expands to its group, but the group's other
names never expand to it. Names are keyed by the words a free query word
becomes (:func:`search.query.word_query`), so the query side and the file
agree on case, apostrophes and function words by construction.

Bad lines are refused with the file, the line and the fix
(:class:`kliping.errors.ConfigError`): a wrong alias file would silently
change every search.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.analysis.tokenizer import scan
from kliping.configcache import cache_file, keep
from kliping.errors import ConfigError
from search.query import RootWord, word_query

log = logging.getLogger(__name__)

#: The list shipped with kliping.
SHIPPED = Path(__file__).with_name("aliases.txt")
#: Longest name, in words, a query is scanned for.
MAX_WORDS = 12
AMBIGUOUS_MARK = "!"


@dataclass(frozen=True)
class Name:
    """One name of a group, as written in the file."""

    text: str
    #: Also an ordinary word: expands only when typed as written, never expanded to.
    ambiguous: bool = False


@dataclass(frozen=True)
class Group:
    """Names of one referent; ``label`` (the first) names the group in explanations."""

    names: tuple[Name, ...]
    origin: str

    @property
    def label(self) -> str:
        return self.names[0].text

    def targets(self) -> tuple[str, ...]:
        """The names a query for any of them expands to (the ambiguous ones only when typed)."""
        return tuple(n.text for n in self.names if not n.ambiguous)


def name_key(text: str) -> tuple[str, ...]:
    """The words a name becomes as free query words: what a query is matched on."""
    query = word_query("body", text)
    if query is None:
        return ()
    return tuple(leaf.exact for leaf in query.leaves() if isinstance(leaf, RootWord))


class AliasTable:
    """Every group, looked up by the words of any of its names."""

    def __init__(self, groups: Iterable[Group] = ()) -> None:
        self.groups: list[Group] = []
        self._by_key: dict[tuple[str, ...], tuple[Group, Name]] = {}
        self.longest = 0
        for group in groups:
            self.add(group)

    def __len__(self) -> int:
        return len(self.groups)

    def add(self, group: Group) -> None:
        """Add a group; a name already in another group is refused (which would it mean?)."""
        keys = []
        for name in group.names:
            key = name_key(name.text)
            if not key:
                raise ConfigError(f"{group.origin}: {name.text!r} has no searchable word (only function words?); "
                                  "remove it from the group")
            other = self._by_key.get(key)
            if other is not None and other[0] is not group:
                raise ConfigError(f"{group.origin}: {name.text!r} is already in the group {other[0].label!r} "
                                  f"({other[0].origin}); a name may stand in one group only: remove one")
            keys.append((key, name))
        for key, name in keys:
            self._by_key[key] = (group, name)
            self.longest = max(self.longest, len(key))
        for _, name in keys:  # typed in lower case (``pdi-p``, ``kpk``): found too, unless another name is so
            self._by_key.setdefault(name_key(name.text.lower()), (group, name))
        self.groups.append(group)

    def extend(self, other: AliasTable) -> AliasTable:
        """A new table: these groups, then the other's (a clash is refused as in :meth:`add`)."""
        table = AliasTable(self.groups)
        for group in other.groups:
            table.add(group)
        return table

    def lookup(self, words: tuple[str, ...], typed: str) -> Group | None:
        """The group one of whose names is ``words``; an ambiguous name only when ``typed`` as written."""
        found = self._by_key.get(words)
        if found is None:
            return None
        group, name = found
        if name.ambiguous and " ".join(typed.split()) != name.text:
            return None
        return group


def parse_aliases(text: str, *, origin: str) -> AliasTable:
    """Read alias groups from text (the file format above); ConfigError naming the line when one is wrong."""
    table = AliasTable()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{origin}, line {number}"
        if "\t" in line and "|" not in line:
            raise ConfigError(f"{where}: names are separated by ' | ', not tabs; write e.g. 'Joko Widodo | Jokowi'")
        parts = [part.strip() for part in line.split("|")]
        if any(not part or part == AMBIGUOUS_MARK for part in parts):
            raise ConfigError(f"{where}: an empty name between '|'; remove the extra '|' in {line!r}")
        if len(parts) < 2:
            raise ConfigError(f"{where}: a group needs at least two names, e.g. 'Joko Widodo | Jokowi', not {line!r}")
        names = tuple(Name(p[1:].strip(), True) if p.startswith(AMBIGUOUS_MARK) else Name(p) for p in parts)
        if len({_written(n.text) for n in names}) < len(names):
            raise ConfigError(f"{where}: two names of the group are the same words; remove one from {line!r}")
        if any(len(name_key(n.text)) > MAX_WORDS for n in names):
            raise ConfigError(f"{where}: a name longer than {MAX_WORDS} words; shorten it")
        table.add(Group(names, where))
    return table


def _written(text: str) -> tuple[str, ...]:
    """A name's words as written (``Kim Jong-un`` and ``Kim Jong Un`` differ: the index keeps the dash)."""
    return tuple(token.text for token in scan(text))


def load_aliases(path: str | Path) -> AliasTable:
    """An alias file; ConfigError when it cannot be read or a line is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"search.aliases: no file at {path}; fix the path in config.yaml or create it "
                          "(one group per line: 'Joko Widodo | Jokowi')") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"search.aliases: cannot read {path} ({exc}); it must be a UTF-8 text file") from None
    return parse_aliases(text, origin=str(path))


@cache
def shipped() -> AliasTable:
    """The list shipped with kliping (read once per process)."""
    table = load_aliases(SHIPPED)
    log.debug("%d alias groups from %s", len(table), SHIPPED)
    return table


def aliases_for(extra: str | Path | None) -> AliasTable:
    """The shipped groups plus a user's file (refused with its line if it clashes with a shipped name).

    Reading the list means analysing each of its ~4,700 names (:func:`name_key`), about a third of a whole
    ``kliping search`` process; so the table is kept, pickled, in the user's cache directory under a
    fingerprint of the files' bytes and of the code that analyses them, and read from there when both are
    unchanged (a changed file or analyser builds it again; a cache that cannot be written costs nothing)."""
    files = [SHIPPED] + ([Path(extra)] if extra is not None else [])
    key = _fingerprint(files)
    place = cache_file(_CACHE_FILE, __file__, *files)
    cached = _cached(place, key) if key is not None else None
    if cached is not None:
        return cached
    table = shipped() if extra is None else shipped().extend(load_aliases(extra))
    if key is not None:
        _keep(place, key, table)
    return table


#: What a table's keys are made by: the name analysis (index/analysis) and the query words (search/query.py).
_ANALYSERS = (Path(__file__).with_name("aliases.py"), Path(__file__).with_name("query.py"))
_CACHE_FILE = "aliases.pickle"


def _fingerprint(files: list[Path]) -> str | None:
    digest = hashlib.sha256()
    try:
        for path in files:
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
        analysis = Path(__file__).resolve().parents[1] / "index" / "analysis"
        for path in [*_ANALYSERS, *sorted(analysis.iterdir())]:
            st = path.stat()
            digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    except OSError:
        return None  # a missing user file is reported by load_aliases, below
    return digest.hexdigest()


def _cached(place: Path, key: str) -> AliasTable | None:
    try:
        with open(place, "rb") as handle:
            found_key, table = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError, ImportError):
        return None
    return table if found_key == key and isinstance(table, AliasTable) else None


def _keep(target: Path, key: str, table: AliasTable) -> None:
    if not keep(target, pickle.dumps((key, table), protocol=pickle.HIGHEST_PROTOCOL)):
        log.debug("alias cache not written to %s", target)


def typed_text(query_text: str, start: int | None, end: int | None) -> str:
    """The surface a query word was typed as (for ambiguous names), or ``""`` when unknown."""
    if start is None or end is None:
        return ""
    return query_text[start:end]


