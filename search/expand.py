"""Query expansion by name aliases: ``Jokowi`` also finds "Joko Widodo".

A free word or a run of free words typed side by side, or a quoted phrase,
that is a name of an alias group (:mod:`search.aliases`) becomes one
:class:`AliasQuery`: any name of the group, each matched as typed in the
file (a name of several words as a phrase, an acronym as the whole word it
is in the index, so ``MBG`` never matches ``PVMBG``). It scores as **one
query word** (:meth:`search.vector.Evaluator._alias`): one BM25 over the
occurrences of all the group's names, so a name typed once weighs what any
other query word weighs, however many names its group has.

Words joined by an explicit operator (``Joko DAN Widodo``) are never read as
one name; each may still be a name by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from index.fields import MergedText
from index.schema import DEFAULT_FIELDS
from search.aliases import AliasTable, Group, name_key, typed_text
from search.phrase import FastPhrase
from search.query import AnyWords, RootWord


@dataclass(frozen=True)
class Applied:
    """One expansion, for ``--explain``: what was typed, the group, the names searched."""

    typed: str
    group: str
    names: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"typed": self.typed, "group": self.group, "names": list(self.names)}


class AliasQuery(wq.Or):
    """Any name of an alias group, scored as one word (see :mod:`search.vector`).

    Its subqueries are the names: a :class:`RootWord` (the word as typed, every
    form of its root), exact :class:`whoosh.query.Term` words and
    :class:`FastPhrase` phrases. Whoosh's own matcher (for a part of a query
    left to it) is the plain OR of them.
    """

    def __init__(self, subqueries: list[wq.Query], *, label: str, typed_index: int = -1,
                 loose: tuple[RootWord, ...] = (), boost: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)
        self.label = label
        #: Which subquery is the name as typed (-1: none): it earns the exact-form bonus.
        self.typed_index = typed_index
        #: A name typed as free words: those words, which still find (ranked below the name) the articles
        #: holding them apart, as free words do, so recall never falls below the words' own.
        self.loose = loose

    def normalize(self) -> wq.Query:
        return self

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.label == getattr(other, "label", None)

    def __hash__(self) -> int:
        return hash((tuple(self.subqueries), self.label, self.boost))

    def __repr__(self) -> str:
        return f"AliasQuery({self.label!r}, {self.subqueries!r})"


def expand_aliases(parsed: wq.Query, text: str, table: AliasTable, schema: Any) -> tuple[wq.Query, list[Applied]]:
    """The query with every alias name in it expanded to its group, and what was expanded."""
    applied: list[Applied] = []
    return _walk(parsed, text, table, schema, applied), applied


def _walk(q: wq.Query, text: str, table: AliasTable, schema: Any, applied: list[Applied]) -> wq.Query:
    if _free(q):
        return _runs([q], text, table, schema, applied)[0]
    if type(q) is FastPhrase or type(q) is wq.Term:
        return _phrase(q, table, schema, applied)
    if type(q) is AnyWords:
        words = _runs(list(q.subqueries), text, table, schema, applied)
        required = tuple(_walk(r, text, table, schema, applied) for r in q.required)
        if len(words) == 1 and not required:
            return words[0]
        return AnyWords(words, boost=q.boost, required=required)
    if type(q) is wq.And:
        return wq.And(_runs(list(q.subqueries), text, table, schema, applied), boost=q.boost)
    if type(q) is wq.Or:
        return wq.Or([_walk(s, text, table, schema, applied) for s in q.subqueries], boost=q.boost)
    if type(q) is wq.Not:
        return wq.Not(_walk(q.query, text, table, schema, applied), boost=q.boost)
    return q


def _runs(parts: list[wq.Query], text: str, table: AliasTable, schema: Any,
          applied: list[Applied]) -> list[wq.Query]:
    """Query parts with each longest run of adjacent free words that is a name replaced by its group."""
    out: list[wq.Query] = []
    i = 0
    while i < len(parts):
        found = None
        if _free(parts[i]):
            for length in range(min(table.longest, len(parts) - i), 0, -1):
                run = parts[i:i + length]
                if not all(_free(p) for p in run) or not _adjacent(run, text):
                    continue
                typed = typed_text(text, getattr(run[0], "startchar", None), getattr(run[-1], "endchar", None))
                group = table.lookup(tuple(p.exact for p in run), typed)
                if group is not None:
                    found = (length, group, typed or " ".join(p.exact for p in run))
                    break
        if found is None:
            out.append(parts[i] if _free(parts[i]) else _walk(parts[i], text, table, schema, applied))
            i += 1
            continue
        length, group, typed = found
        # one word as typed keeps every form of its root; a run of words is the name, a phrase
        own = parts[i] if length == 1 else None
        loose = tuple(parts[i:i + length]) if length > 1 else ()
        out.append(_group_query(group, typed, own, parts[i].fieldname, schema, applied, loose))
        i += length
    return out


def _phrase(q: wq.Query, table: AliasTable, schema: Any, applied: list[Applied]) -> wq.Query:
    """A quoted name (``"Joko Widodo"``, ``"KPK"``) expands as the typed words do."""
    if q.fieldname not in DEFAULT_FIELDS:
        return q
    words = list(q.words) if type(q) is FastPhrase else [q.text]
    typed = " ".join(str(w) for w in words)
    group = table.lookup(name_key(typed), typed)
    if group is None:
        return q
    return _group_query(group, typed, q, q.fieldname, schema, applied)


def _group_query(group: Group, typed: str, own: wq.Query | None, fieldname: str, schema: Any,
                 applied: list[Applied], loose: tuple[RootWord, ...] = ()) -> wq.Query:
    names = dict.fromkeys(group.targets())
    ambiguous = [n.text for n in group.names if n.ambiguous and n.text == " ".join(typed.split())]
    names.update(dict.fromkeys(ambiguous))  # an ambiguous name stays in when typed as written
    subqueries = [own] if own is not None else []
    typed_index = 0 if own is not None else -1
    own_key = name_key(typed)
    for name in names:
        if own is not None and name_key(name) == own_key and type(own) is RootWord:
            continue  # the typed word already covers it (and more: every form of its root)
        sub = name_query(name, fieldname, schema)
        if sub is not None and sub not in subqueries:
            if typed_index < 0 and name_key(name) == own_key:
                typed_index = len(subqueries)
            subqueries.append(sub)
    applied.append(Applied(typed=typed, group=group.label, names=tuple(names)))
    # each word typed keeps its one weight: "Joko Widodo" weighs two words, "Jokowi" (however expanded) one
    weight = float(max(1, len(own_key)))
    return AliasQuery(subqueries, label=group.label, typed_index=typed_index, loose=loose, boost=weight)


def name_query(name: str, fieldname: str, schema: Any) -> wq.Query | None:
    """One name on the exact words: a word, or a phrase (a function word inside widens the gap, as in
    :class:`search.query.GapPhrase`)."""
    field = schema[fieldname] if schema is not None and fieldname in schema else None
    if not isinstance(field, MergedText):
        return None
    tokens = [(t.text, t.pos) for t in field.tokenize(name, mode="query", positions=True)]
    if not tokens:
        return None
    if len(tokens) == 1:
        return wq.Term(fieldname, tokens[0][0])
    widest = max(b[1] - a[1] for a, b in zip(tokens, tokens[1:], strict=False))
    return FastPhrase(fieldname, [t for t, _ in tokens], slop=widest)


def _free(part: wq.Query) -> bool:
    return type(part) is RootWord and part.fieldname in DEFAULT_FIELDS


def _adjacent(run: list[wq.Query], text: str) -> bool:
    """Words typed side by side: nothing but spaces and punctuation between them (no operator, no phrase)."""
    for a, b in zip(run, run[1:], strict=False):
        end, start = getattr(a, "endchar", None), getattr(b, "startchar", None)
        if end is None or start is None:
            continue  # parts of one hyphenated word
        between = text[end:start]
        if any(ch.isalnum() or ch in "\"()" for ch in between):
            return False
    return True
