"""The boilerplate catalogue (``boilerplate.json``) compiled, and the tests it offers.

The knowledge lives in the JSON file, named pattern by named pattern, so a new
site's promo line is a one-line data change with a test, not a new branch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: Paragraphs longer than this are never dropped whole as boilerplate: a real
#: paragraph that happens to start like a promo must survive.
MAX_BOILERPLATE_CHARS = 420
#: A byline or follow line of the lead is one short line.
MAX_LEAD_LINE_CHARS = 100


@dataclass(frozen=True)
class Catalogue:
    drop: dict[str, re.Pattern[str]]
    list_header: re.Pattern[str]
    strip_inline: list[re.Pattern[str]]
    trailing_initials: re.Pattern[str]
    reaction_words: frozenset[str]
    container_hints: tuple[str, ...]
    lead_drop: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = json.loads(resources.files("ingest.extract").joinpath("boilerplate.json").read_text("utf-8"))
    flags = re.I | re.S
    return Catalogue(
        drop={name: re.compile(pattern, flags) for name, pattern in data["drop"].items()},
        list_header=re.compile(data["list_headers"], flags),
        strip_inline=[re.compile(p, flags) for p in data["strip_inline"]],
        trailing_initials=re.compile(data["trailing_initials"]),
        reaction_words=frozenset(w.lower() for w in data["reaction_words"]),
        container_hints=tuple(data["container_hints"]),
        lead_drop={name: re.compile(p, flags) for name, p in data["lead_drop"].items() if not name.startswith("_")},
    )


def boilerplate_kind(text: str) -> str | None:
    """The catalogue name of the boilerplate a whole paragraph is, or None."""
    text = text.strip(" \u200e\u200f")
    if len(text) > MAX_BOILERPLATE_CHARS:
        return None
    for name, pattern in catalogue().drop.items():
        if pattern.fullmatch(text):
            return name
    if is_reaction_choice(text):
        return "reaction_choice"
    return None


def lead_kind(text: str) -> str | None:
    """The catalogue name of a lead line (byline, "Follow detikcom") a whole paragraph is, or None.

    These lines are only boilerplate before the article's first sentence: "Oleh: Andi" as a
    paragraph later may be a quoted sign-off, so the caller asks only about the lead.
    """
    text = text.strip(" \u200e\u200f")
    if len(text) > MAX_LEAD_LINE_CHARS:
        return None
    return next((name for name, pattern in catalogue().lead_drop.items() if pattern.fullmatch(text)), None)


def is_list_header(text: str) -> bool:
    """A heading such as "Baca Juga" or "Jangan Lewatkan!" that a list of links follows."""
    return len(text) < 80 and bool(catalogue().list_header.fullmatch(text.strip()))


def is_reaction_choice(text: str) -> bool:
    words = catalogue().reaction_words
    parts = [p for p in re.split(r"[\s|,/]+", text.lower()) if p and not p.isdigit()]
    return bool(parts) and all(p in words for p in parts)


def strip_inline(text: str) -> str:
    for pattern in catalogue().strip_inline:
        text = pattern.sub("", text)
    return text.strip()


def split_trailing_initials(text: str) -> tuple[str, str | None]:
    """``"... pesta. (kpl/otx)"`` -> ``("... pesta.", "kpl/otx")``."""
    match = catalogue().trailing_initials.search(text)
    if not match:
        return text, None
    initials = match.group(0).strip().strip("()[] ")
    return text[: match.start()].rstrip(), initials


def has_widget_hint(class_and_id: str) -> bool:
    return any(hint in class_and_id for hint in catalogue().container_hints)
