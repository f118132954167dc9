"""One result per story (``--collapse``, ``collapse=true``): the best-ranked copy stands for the rest.

Story ids live in the archive (:mod:`index.stories`), set when an article is stored, so the index format
is untouched. Ranked hits are read in growing windows, looked up in the archive by id in one query per
window, and the first copy of each story is kept, until the page is full or every hit has been seen: a
first page costs a few dozen stored-field reads and one indexed SQL query, however many articles match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The first window holds this many times the hits the page needs (copies take places in it).
FIRST_WINDOW = 3
MIN_WINDOW = 30


@dataclass(frozen=True)
class StoryInfo:
    """What a collapsed hit says of its story: its id and the other copies' outlets."""

    id: str
    copies: int  # other copies of the story in the archive
    also_in: list[str] = field(default_factory=list)  # their outlets, first published first, own outlet left out

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "copies": self.copies, "also_in": self.also_in}


@dataclass
class CollapsedPage:
    positions: list[int]  # into the matching ids, best first: the page's hits
    stories: list[str]  # the story id of each
    story_count: int | None  # stories among all matches, when every match was looked at


def collapse(count: int, ranked: Callable[[int], np.ndarray], article_id: Callable[[int], str],
             story_ids: Callable[[list[str]], dict[str, str]], *, page: int, limit: int) -> CollapsedPage:
    """The page ``page`` of one hit per story among ``count`` matches.

    ``ranked(k)`` gives the positions of the best ``k`` matches in rank order, ``article_id(position)`` the
    article's id, ``story_ids(ids)`` their stories (an article without one is a story of its own).
    """
    wanted = page * limit
    window = max(wanted * FIRST_WINDOW, MIN_WINDOW)
    seen: dict[int, str] = {}
    while True:
        order = [int(p) for p in ranked(min(window, count))]
        fresh = [p for p in order if p not in seen]
        ids = {p: article_id(p) for p in fresh}
        stories = story_ids(list(ids.values()))
        for p in fresh:
            seen[p] = stories.get(ids[p], ids[p])
        first: dict[str, int] = {}
        for p in order:
            first.setdefault(seen[p], p)
        complete = window >= count
        if len(first) >= wanted or complete:
            kept = list(first.items())[(page - 1) * limit:wanted]
            return CollapsedPage([p for _, p in kept], [s for s, _ in kept], len(first) if complete else None)
        window *= 4
