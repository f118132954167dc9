"""kliping: an archive-and-search system for Indonesian news.

The pipeline runs one way: ``ingest`` (fetch, extract) -> ``index`` (archive, Whoosh
index) -> ``search`` (CLI and API). This package holds what they share: the
configuration and the exception tree.
"""

__version__ = "0.1.0"
