"""Rendering search results for the terminal, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import TextIO

from search.engine import SearchResults

CSV_COLUMNS = ["id", "published", "source", "title", "author", "url", "score", "snippet"]
#: Added with --collapse: the story a hit stands for, its other copies, their outlets (space-separated).
STORY_COLUMNS = ["story", "copies", "also_in"]


def to_json(results: SearchResults) -> str:
    return json.dumps(results.to_dict(), ensure_ascii=False, indent=2)


def to_csv(results: SearchResults, out: TextIO | None = None) -> str:
    """The hits as CSV: written to ``out`` (and "" returned), or returned as a string."""
    if out is None:
        buffer = io.StringIO()
        to_csv(results, buffer)
        return buffer.getvalue()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + (STORY_COLUMNS if results.collapsed else []))
    for hit in results.hits:
        story = [hit.story.id, hit.story.copies, " ".join(hit.story.also_in)] if hit.story is not None else []
        writer.writerow([hit.id, hit.published or "", hit.source, hit.title, hit.author or "", hit.url,
                         f"{hit.score:.4f}", hit.snippet.plain(), *story])
    return ""


def to_text(results: SearchResults, *, color: bool) -> str:
    lines: list[str] = []
    first = (results.page - 1) * results.size + 1
    shown = len(results.hits)
    if results.total and not shown:
        last = -(-results.total // results.size)
        lines.append(f"{results.total} articles, but no results on page {results.page}: "
                     f"the last page is {last} ({results.size} per page)")
    elif results.total and results.collapsed:
        stories = f" in {results.stories} stories" if results.stories is not None else ""
        lines.append(f"{results.total} articles{stories}; one per story, showing {first}-{first + shown - 1}")
    elif results.total:
        lines.append(f"{results.total} articles; showing {first}-{first + shown - 1}")
    else:
        lines.append("no articles found")
    if results.suggestion:
        lines.append(f"did you mean: {results.suggestion}")
    for n, hit in enumerate(results.hits, start=first):
        date = (hit.published or "")[:16].replace("T", " ")
        title = f"\x1b[1m{hit.title}\x1b[0m" if color else hit.title
        lines.append("")
        lines.append(f"{n}. {title}")
        lines.append(f"   {hit.source} · {date}" + (f" · {hit.author}" if hit.author else "") + f" · id {hit.id}")
        lines.append(f"   {hit.url}")
        if hit.story is not None and hit.story.copies:
            outlets = ", ".join(hit.story.also_in) or hit.source
            lines.append(f"   also in: {outlets} ({hit.story.copies} other "
                         f"{'copy' if hit.story.copies == 1 else 'copies'}; kliping stories show {hit.id})")
        lines.append("   " + (hit.snippet.ansi() if color else hit.snippet.plain()))
    if results.facets:
        for name, counts in results.facets.items():
            lines.append("")
            lines.append(f"by {name}:")
            lines.extend(f"  {key:<20} {count}" for key, count in counts.items())
    return "\n".join(lines)
