"""Indonesian text analysis for the Whoosh index.

Public surface (the index and the ``kliping stem`` command use only these)::

    merged_analyzer()   # the index's title/body: exact words + marked roots (see views)
    exact_analyzer()    # the tokens, lower-cased, nothing removed (the author field)
    stemmed_analyzer()  # the stemmed view alone: function words out, roots (for schemas of your own)
    stem(word)          # one lower-cased word -> its root
    tokenize(text)      # the exact-view terms of a text

Modules, one job each: ``tokenizer`` (the regex and token kinds), ``affixes``
(prefix/suffix rules as data), ``lexicon`` (the root dictionary), ``names``
(names that look like derived words), ``stemmer`` (choosing the best
analysis), ``stemming`` (cache and reduplication), ``stopwords``,
``components`` (the Whoosh tokenizer, filters and analyzers).
"""

from index.analysis.components import exact_analyzer, merged_analyzer, stemmed_analyzer
from index.analysis.stemming import stem
from index.analysis.tokenizer import tokenize
from index.analysis.views import ROOT_MARK, root_term

__all__ = ["ROOT_MARK", "exact_analyzer", "merged_analyzer", "root_term", "stem", "stemmed_analyzer", "tokenize"]
