"""What one query may spend, so that no query takes search down for everyone else.

A query's work is bounded twice: by the words its wildcards and fuzzy terms
expand to, all together (each alone is held to ``query.MAX_EXPANSION``), and by
time. Both are checked as the work goes, and the query stops with
:class:`~kliping.errors.QueryTooCostly` when either runs out: the API sets the
time below its own deadline, so no abandoned work is left running after the
client got its answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from kliping.errors import QueryTooCostly

#: Words all the wildcards and fuzzy terms of one query may expand to together.
MAX_QUERY_EXPANSION = 4096
#: Seconds a query may run when its caller sets no budget (the CLI).
DEFAULT_SECONDS = 30.0
#: A wildcard or fuzzy term: ``korup*``, ``ba?jir``, ``banjr~``, ``banjr~2`` (a lone ``?`` is a question mark).
_EXPANDING = re.compile(r"\w[*?]\w|\w\*|\*\w|\w~")


def expands(query: str) -> bool:
    """Whether the query text has a wildcard or fuzzy term: the queries that may cost seconds.

    Decided on the text, before parsing, so that such a query can be sent to a
    queue of its own at once. It errs towards yes (a ``*`` inside a phrase
    counts): a wrong yes only queues a cheap query with the expensive ones.
    """
    return _EXPANDING.search(query) is not None


class QueryBudget:
    """Time and expanded words left to one query."""

    def __init__(self, seconds: float | None = DEFAULT_SECONDS, *, words: int = MAX_QUERY_EXPANSION,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.words = words
        self._clock = clock
        self._deadline = None if seconds is None else clock() + seconds

    def check(self) -> None:
        """Raise when the time is up."""
        if self._deadline is not None and self._clock() > self._deadline:
            raise QueryTooCostly(f"the query ran out of its {self.seconds:g} s; narrow it (fewer wildcards or "
                                 "fuzzy terms, a date range, a source) and try again")

    def spend_word(self, text: str) -> None:
        """One more word a wildcard or fuzzy term expanded to."""
        self.words -= 1
        if self.words < 0:
            raise QueryTooCostly(f"the query's wildcards and fuzzy terms expand to more than {MAX_QUERY_EXPANSION} "
                                 f"words together ({text!r} went over); use fewer or longer ones")
        if self.words % 64 == 0:
            self.check()
