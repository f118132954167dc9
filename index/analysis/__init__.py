"""Indonesian text analysis for the Whoosh index.

Public surface (the index and the ``kliping stem`` command use only these)::

    stemmed_analyzer()  # recall fields: tokens, function words out, roots
    exact_analyzer()    # exact/phrase fields: the same tokens, lower-cased
    stem(word)          # one lower-cased word -> its root
    tokenize(text)      # the exact-view terms of a text

Modules, one job each: ``tokenizer`` (the regex and token kinds), ``affixes``
(prefix/suffix rules as data), ``lexicon`` (the root dictionary), ``names``
(names that look like derived words), ``stemmer`` (choosing the best
analysis), ``stemming`` (cache and reduplication), ``stopwords``,
``components`` (the Whoosh tokenizer, filters and analyzers).
"""

from index.analysis.components import exact_analyzer, stemmed_analyzer
from index.analysis.stemming import stem
from index.analysis.tokenizer import tokenize

__all__ = ["exact_analyzer", "stem", "stemmed_analyzer", "tokenize"]
