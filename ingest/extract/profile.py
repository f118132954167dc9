"""Per-source extraction overrides (the ``extract`` block of a source in config.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExtractProfile:
    """What a source may override when the generic extractor falls short.

    ``body_selector`` is a CSS selector for the article container (used when it
    matches, else the generic scorer runs); ``drop_selectors`` remove elements
    inside the body; ``drop_phrases`` drop any paragraph that starts with one
    of them (case-insensitive).
    """

    body_selector: str | None = None
    drop_selectors: list[str] = field(default_factory=list)
    drop_phrases: list[str] = field(default_factory=list)
