"""A body as a set of hashed word shingles, after the parts that differ between copies are dropped.

Copies of one story differ in their headline, byline, dateline ("JAKARTA, KOMPAS.com -" against
"JAKARTA - ") and the boilerplate lines around the text ("Baca juga: ...", "Editor: ..."), so the title is
never used, boilerplate paragraphs are dropped and the words naming an outlet are skipped. Hashes are
stable across processes (blake2b of the words, not Python's salted ``hash``): the archive keeps what
they make.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

#: Words per shingle: four keeps shared stock phrases of one event apart and survives a changed word.
SHINGLE_WORDS = 4

#: Paragraphs that are boilerplate around a story, not the story (lower-cased start of a paragraph).
_BOILERPLATE = re.compile(
    r"^\W*(baca juga|baca|lihat juga|simak juga|simak|tonton juga|saksikan|editor|penulis|reporter|"
    r"pewarta|sumber|foto|video|artikel ini (telah|sudah) tayang|laporan wartawan|follow|ikuti|dapatkan|"
    r"download|unduh|klik|copyright|hak cipta)\b"
)

#: Words that name an outlet (datelines, credits) and the glue of web addresses: never part of a story.
_OUTLET_WORDS = frozenset({
    "kompas", "com", "co", "id", "okezone", "sindonews", "sindo", "tribunnews", "tribun", "tempo", "liputan6",
    "detik", "detikcom", "kapanlagi", "fimela", "wowkeren", "posmetro", "antaranews", "cnnindonesia",
    "republika", "jpnn", "inews", "idntimes", "www", "http", "https",
})

_WORD = re.compile(r"\w+", re.UNICODE)
_PARAGRAPHS = re.compile(r"\n\s*\n|\n|(?<=[.!?\"”])\s*,(?=\S)")  # blank lines; the corpus' ".,Next" joins


def words(body: str) -> list[str]:
    """The story's words: lower case, boilerplate paragraphs and outlet names dropped."""
    out: list[str] = []
    for paragraph in _PARAGRAPHS.split(body):
        lowered = paragraph.strip().lower()
        if not lowered or _BOILERPLATE.match(lowered):
            continue
        found = _WORD.findall(lowered)
        if _OUTLET_WORDS.isdisjoint(found):  # most paragraphs name no outlet: no filtering word by word
            out.extend(found)
        else:
            out.extend(w for w in found if w not in _OUTLET_WORDS)
    return out


#: Words hashed at most before the memo starts again (news vocabulary repeats: most words are hashed once).
_MEMO_WORDS = 1 << 18


class _WordHashes(dict[str, int]):
    """Each word's stable 64-bit hash, memoised (a dict's lookup, cheaper than an ``lru_cache`` call)."""

    def __missing__(self, word: str) -> int:
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        self[word] = value
        return value


_word_hash = _WordHashes()


def _word_hashes(tokens: list[str]) -> np.ndarray:
    if len(_word_hash) > _MEMO_WORDS:
        _word_hash.clear()
    return np.fromiter(map(_word_hash.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def shingles(body: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct hashed shingles of ``body`` as sorted uint32 values (empty when it has too few words).

    A shingle's hash mixes its words' hashes by position (multiply-rotate), so it needs no string per shingle.
    """
    tokens = words(body)
    if len(tokens) < size:
        return np.empty(0, dtype=np.uint32)
    hashed = _word_hashes(tokens)
    n = len(tokens) - size + 1
    with np.errstate(over="ignore"):
        mixed = np.zeros(n, dtype=np.uint64)
        for offset in range(size):
            mixed = mixed * np.uint64(0x9E3779B97F4A7C15) + hashed[offset:offset + n]
        mixed ^= mixed >> np.uint64(29)
    return np.unique((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Jaccard and containment (shared over the smaller set) of two shingle sets from :func:`shingles`."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))
