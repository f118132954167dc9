"""How many hits one search may ask for, on each surface: declared here, once.

The engine holds every request to the outer bounds, which are the command line's
(``kliping search --limit/--page``): a person at a terminal or a script exporting
results may want many hits at once. The HTTP API is tighter on purpose: anyone
who can reach it may call it, the worker pool is shared, and page ``n`` of size
``s`` costs ranking the top ``n * s`` hits, so it caps the page size and how deep
a client may page (as public search APIs usually do), and its answers stay small.
"""

from __future__ import annotations

#: Most hits on one page: ``kliping search --limit``, ``SearchRequest.limit``.
MAX_LIMIT = 1000
#: Highest page number: ``kliping search --page``, ``SearchRequest.page``.
MAX_PAGE = 100_000

#: Most hits on one page of ``/search`` (its ``size``); tighter than MAX_LIMIT (see above).
API_MAX_SIZE = 100
#: Deepest hit ``/search`` pages to (``page * size``); tighter than MAX_LIMIT * MAX_PAGE (see above).
API_MAX_WINDOW = 10_000
