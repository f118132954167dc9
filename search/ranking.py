"""The ranking rules for free words, in one place with the values tuned for them.

Each value was chosen on the ``tune`` half of the judged tydi-id questions
(``benchmarks/relevance.py``) and checked on the other half and on the
known-item news queries; the README gives the gain of each. A free word is
scored once, over every form of its root:

- **BM25** (``k1``, ``b``) on the root's occurrences: its bare form and every
  derived form together, so a word's weight never doubles because it occurs in
  two forms; the IDF is that of the whole root family, so a rare name outweighs
  a common word;
- **exact form**: occurrences of the form as typed add at most ``exact_bonus``
  times the word's score (``menjatuhkan`` prefers ``menjatuhkan`` to ``dijatuhkan``);
- **all words first**: free words typed without operators are relaxed (an
  article lacking some still matches). A query of up to ``all_words_first``
  words ranks every article holding all of them above those lacking one (a
  journalist's ``banjir jakarta``); a longer one (a question, a sentence) ranks
  by the summed scores, so a missing word costs its weight, no more: tiering
  three-word questions cost 0.016 nDCG@10 on the judged topics;
- **proximity** (off by default): the ``proximity_depth`` best articles gain,
  for each pair of neighbouring query words standing within
  ``proximity_window`` words of each other, ``proximity`` x the pair's smaller
  IDF / their distance. At 0.3 it lifts known-item MRR@10 on news from 0.930 to
  0.944 but leaves judged questions where they were, and reading positions
  through Whoosh's block decoder more than doubles a query's time; it waits for
  a cheaper position reader.

The news-specific weighting, for the headline:

- headline words weigh ``index.schema.TITLE_BOOST`` times in the body field
  (the index stores them so);
- **headline score**: each free word also scores ``title_weight`` x BM25 over
  the title field alone (the same root family, the word's IDF, the same
  ``k1`` and ``b``, but the headline's own length normalisation), as a BM25F
  title field beside the body would: a short headline made of the query's
  words scores high. Known-item MRR@10 on news went from 0.952 to 0.983 at
  1.0 (0.25: 0.967, 0.5: 0.976, 1.5: 0.983, 2.0: 0.981, 3.0: 0.978); judged
  questions did not move (tydi's headlines are all the same two words).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ranking:
    k1: float = 1.2
    b: float = 0.65
    exact_bonus: float = 0.5
    all_words_first: int = 2
    proximity: float = 0.0
    proximity_window: int = 8
    proximity_depth: int = 100
    title_weight: float = 1.0


DEFAULT = Ranking()
