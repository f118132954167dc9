"""Names that look like derived words: keep them whole.

Placeholder until the corpus-derived list lands.
"""

from __future__ import annotations


def is_protected_name(word: str) -> bool:
    return False
